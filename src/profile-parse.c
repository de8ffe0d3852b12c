/* profile-parse.c: the profile language (sessionlog(5)): lexer and parser */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

#define MAX_LINE_TOKENS 1024

static const char *const field_names[F__COUNT] = {
	"time", "user", "session", "action", "outcome", "resource", "query",
	"count", "bytes", "purpose", "src", "trace", "kind", "key", "flag",
	"host",
};

/* ---- small helpers ----------------------------------------------------- */

static void
cond_release(struct cond *c)
{
	free(c->path.seg);
	free(c->path.text);
	free(c->lit);
	pcre2_code_free(c->re);
}

static void
path_release(struct path *pa)
{
	size_t i;

	for (i = 0; i < pa->nseg; i++)
		free(pa->seg[i].key);
	free(pa->seg);
	free(pa->text);
}

static void
rule_release(struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nalt; i++) {
		path_release(&r->alt[i].path);
		free(r->alt[i].lit);
		pcre2_code_free(r->alt[i].re);
	}
	free(r->alt);
	for (i = 0; i < r->ncond; i++) {
		path_release(&r->cond[i].path);
		r->cond[i].path.seg = NULL;
		r->cond[i].path.text = NULL;
		cond_release(&r->cond[i]);
	}
	free(r->cond);
	free(r->tname);
}

void
sl_profile_free(struct sl_profile *p)
{
	size_t i, k;

	if (p == NULL)
		return;
	free(p->name);
	free(p->desc);
	free(p->file);
	free(p->embed);
	free(p->family);
	sl_tz_free(p->tz);
	for (i = 0; i < p->ncolumns; i++)
		free(p->columns[i]);
	free(p->columns);
	for (i = 0; i < p->ndetect; i++) {
		path_release(&p->detect[i].path);
		p->detect[i].path.seg = NULL;
		p->detect[i].path.text = NULL;
		cond_release(&p->detect[i]);
	}
	free(p->detect);
	for (i = 0; i < p->nrules; i++)
		rule_release(&p->rules[i]);
	free(p->rules);
	for (i = 0; i < p->ntables; i++) {
		for (k = 0; k < p->tables[i].n; k++) {
			free(p->tables[i].e[k].pat);
			free(p->tables[i].e[k].val);
		}
		free(p->tables[i].e);
		free(p->tables[i].name);
	}
	free(p->tables);
	for (i = 0; i < p->npaths; i++)
		free(p->pathnames[i]);
	free(p->pathnames);
	free(p);
}

/* Grow *arr (of elements of size sz) to hold one more than *n. */
int
sl_grow(void *arrp, size_t *n, size_t sz)
{
	void **arr = arrp;
	void *q;

	if (*n >= SIZE_MAX / sz / 2 - 1)
		return -ENOMEM;
	/* Power-of-two capacities: reallocate when n is 0 or a power of 2. */
	if (*n == 0 || (*n & (*n - 1)) == 0) {
		q = realloc(*arr, (*n == 0 ? 1 : *n * 2) * sz);
		if (q == NULL)
			return -ENOMEM;
		*arr = q;
	}
	return 0;
}

int
sl_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Glob with '*' only, optionally ignoring ASCII case. */
int
sl_glob_match(const char *pat, size_t pn, const char *s, size_t sn, int nocase)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0;

	while (si < sn) {
		if (pi < pn && pat[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && (nocase ?
		    sl_ascii_lower((unsigned char)pat[pi]) ==
		    sl_ascii_lower((unsigned char)s[si]) : pat[pi] == s[si])) {
			pi++;
			si++;
		} else if (star != SIZE_MAX) {
			pi = star + 1;
			si = ++mark;
		} else {
			return 0;
		}
	}
	while (pi < pn && pat[pi] == '*')
		pi++;
	return pi == pn;
}

/* ---- the profile language: lexing -------------------------------------- */

enum { TK_WORD = 1, TK_STR, TK_PUNCT };

struct tok {
	int type;
	const char *p;		/* in the line; STR: decoded */
	size_t n;
	size_t off;		/* STR: offset in the decode buffer */
};

struct parser {
	const char *file;
	int lineno;
	char *err;
	size_t errlen;
	struct tok t[MAX_LINE_TOKENS];
	size_t nt, i;
	struct sl_buf sbuf;
	struct sl_profile *prof;
	size_t *npaths;		/* where path ids come from */
	char ***pathnames;
};

#define PERR(ps, ...) perr((ps), __VA_ARGS__)

SL_PRINTF(2, 3) static int
perr(struct parser *ps, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ps->lineno > 0)
		sl_seterr(ps->err, ps->errlen, "%s:%d: %s", ps->file,
		    ps->lineno, msg);
	else
		sl_seterr(ps->err, ps->errlen, "%s: %s", ps->file, msg);
	return -EINVAL;
}

static int
is_punct(int c)
{
	return c == '|' || c == '(' || c == ')' || c == ',' || c == '"' ||
	    c == '=' || c == '!' || c == '~' || c == '#';
}

static int
lex_string(struct parser *ps, const char **pp, const char *e)
{
	const char *p = *pp + 1;

	for (;;) {
		if (p >= e)
			return PERR(ps, "unterminated string");
		if (*p == '"')
			break;
		if (*p == '\\' && p + 1 < e && (p[1] == '"' || p[1] == '\\')) {
			if (sl_buf_addc(&ps->sbuf, p[1]) < 0)
				return -ENOMEM;
			p += 2;
			continue;
		}
		if (sl_buf_addc(&ps->sbuf, *p) < 0)
			return -ENOMEM;
		p++;
	}
	*pp = p + 1;
	return 0;
}

static int
lex_line(struct parser *ps, const char *p, const char *e)
{
	struct tok *t;
	size_t i;
	int r;

	ps->nt = ps->i = 0;
	sl_buf_reset(&ps->sbuf);
	while (p < e) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
			continue;
		}
		if (*p == '#')
			break;
		if (ps->nt >= MAX_LINE_TOKENS)
			return PERR(ps, "line too long");
		t = &ps->t[ps->nt++];
		t->p = p;
		if (*p == '"') {
			t->type = TK_STR;
			t->off = ps->sbuf.n;
			if ((r = lex_string(ps, &p, e)) < 0)
				return r;
			t->n = ps->sbuf.n - t->off;
			if (sl_buf_addc(&ps->sbuf, '\0') < 0)
				return -ENOMEM;
		} else if (is_punct(*p)) {
			t->type = TK_PUNCT;
			t->n = 1;
			if ((*p == '=' || *p == '!') && p + 1 < e &&
			    p[1] == '=')
				t->n = 2;
			else if (*p == '!' && p + 1 < e && p[1] == '~')
				t->n = 2;
			p += t->n;
		} else {
			t->type = TK_WORD;
			while (p < e && *p != ' ' && *p != '\t' && *p != '\r' &&
			    !is_punct(*p)) {
				if (*p == '[' && p + 1 < e && p[1] == '"') {
					/* a quoted key: ["a.b"] */
					p += 2;
					while (p < e && *p != '"') {
						if (*p == '\\' && p + 1 < e)
							p++;
						p++;
					}
					if (p + 1 >= e || p[1] != ']')
						return PERR(ps,
						    "unterminated quoted key");
					p += 2;
					continue;
				}
				p++;
			}
			t->n = (size_t)(p - t->p);
		}
	}
	for (i = 0; i < ps->nt; i++)
		if (ps->t[i].type == TK_STR)
			ps->t[i].p = ps->sbuf.p + ps->t[i].off;
	return 0;
}

static int
tok_is(const struct tok *t, int type, const char *s)
{
	return t->type == type && t->n == strlen(s) &&
	    memcmp(t->p, s, t->n) == 0;
}

static const struct tok *
peek(struct parser *ps)
{
	static const struct tok end = { 0, "", 0, 0 };

	return ps->i < ps->nt ? &ps->t[ps->i] : &end;
}

static int
accept(struct parser *ps, int type, const char *s)
{
	if (ps->i < ps->nt && tok_is(&ps->t[ps->i], type, s)) {
		ps->i++;
		return 1;
	}
	return 0;
}

static int
expect(struct parser *ps, int type, const char *s)
{
	const struct tok *t = peek(ps);

	if (accept(ps, type, s))
		return 0;
	if (t->type == 0)
		return PERR(ps, "expected \"%s\" at the end of the line", s);
	return PERR(ps, "expected \"%s\" before \"%.*s\"", s,
	    (int)(t->n > 40 ? 40 : t->n), t->p);
}

/* ---- paths ------------------------------------------------------------- */

static int
add_seg(struct path *pa, int kind, const char *key, size_t klen, size_t index)
{
	struct seg *s;

	if (sl_grow(&pa->seg, &pa->nseg, sizeof(*pa->seg)) < 0)
		return -ENOMEM;
	s = &pa->seg[pa->nseg];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->index = index;
	if (kind == SEG_KEY) {
		if ((s->key = sl_strndup(key, klen)) == NULL)
			return -ENOMEM;
		s->klen = klen;
	}
	pa->nseg++;
	return 0;
}

/* Unescape \" and \\ of a quoted key in place; returns the length. */
static size_t
unquote_key(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		s[o++] = s[i];
	}
	return o;
}

static int
parse_path(struct parser *ps, const struct tok *t, struct path *pa)
{
	const char *p = t->p, *e = t->p + t->n, *s;
	char *k;
	size_t n, idx;
	int r, reader = ps->prof->reader;

	memset(pa, 0, sizeof(*pa));
	if (t->type != TK_WORD)
		return PERR(ps, "expected a path, not \"%.*s\"",
		    (int)(t->n > 40 ? 40 : t->n), t->p);
	if ((pa->text = sl_strndup(t->p, t->n)) == NULL)
		return -ENOMEM;
	pa->tlen = t->n;
	if (reader != SL_READ_JSON) {
		/* a column or key name, whole; ["..."] quotes one */
		if (ps->prof->embed == NULL && t->n >= 4 && p[0] == '[' &&
		    p[1] == '"' && e[-2] == '"' && e[-1] == ']') {
			memmove(pa->text, p + 2, t->n - 4);
			pa->tlen = unquote_key(pa->text, t->n - 4);
			pa->text[pa->tlen] = '\0';
		}
		pa->id = *ps->npaths;
		if (sl_grow(ps->pathnames, ps->npaths, sizeof(char *)) < 0)
			return -ENOMEM;
		if (((*ps->pathnames)[*ps->npaths] =
		    sl_strndup(pa->text, pa->tlen)) == NULL)
			return -ENOMEM;
		(*ps->npaths)++;
		/* With an embedded JSON record, a name that is no column is
		 * a path into that record: split it as a JSON path too. */
		if (ps->prof->embed == NULL)
			return add_seg(pa, SEG_KEY, pa->text, pa->tlen, 0);
	}
	while (p < e) {
		if (*p == '[') {
			if (p + 1 < e && p[1] == '"') {
				s = p + 2;
				for (p = s; p < e && *p != '"'; p++)
					if (*p == '\\')
						p++;
				n = (size_t)(p - s);
				if ((k = sl_strndup(s, n)) == NULL)
					return -ENOMEM;
				n = unquote_key(k, n);
				r = add_seg(pa, SEG_KEY, k, n, 0);
				free(k);
				if (r < 0)
					return r;
				p += 2;
			} else if (p + 2 < e && p[1] == '*' && p[2] == ']') {
				if ((r = add_seg(pa, SEG_STAR, NULL, 0, 0)) < 0)
					return r;
				p += 3;
			} else {
				idx = 0;
				for (s = ++p; p < e && *p >= '0' && *p <= '9';
				    p++) {
					if (p - s >= 9)
						return PERR(ps, "index too "
						    "large in \"%s\"",
						    pa->text);
					idx = idx * 10 + (size_t)(*p - '0');
				}
				if (p == s || p >= e || *p != ']')
					return PERR(ps, "bad index in path "
					    "\"%s\"", pa->text);
				p++;
				if ((r = add_seg(pa, SEG_INDEX, NULL, 0,
				    idx)) < 0)
					return r;
			}
			if (p < e && *p == '.')
				p++;
			continue;
		}
		for (s = p; p < e && *p != '.' && *p != '['; p++)
			;
		if (p == s || (*p == '.' && p + 1 == e))
			return PERR(ps, "empty name in path \"%s\"", pa->text);
		if ((r = add_seg(pa, SEG_KEY, s, (size_t)(p - s), 0)) < 0)
			return r;
		if (p < e && *p == '.')
			p++;
	}
	return 0;
}

/* ---- conditions and rules ---------------------------------------------- */

static int
compile_re(struct parser *ps, const char *pat, size_t n, pcre2_code **re)
{
	PCRE2_UCHAR msg[128];
	PCRE2_SIZE off;
	int ec;

	*re = pcre2_compile((PCRE2_SPTR)pat, n,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
	if (*re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		return PERR(ps, "bad pattern \"%.*s\": %s at offset %zu",
		    (int)(n > 40 ? 40 : n), pat, (char *)msg, (size_t)off);
	}
	/* Without JIT support the interpreter does the work. */
	(void)pcre2_jit_compile(*re, PCRE2_JIT_COMPLETE);
	return 0;
}

static int
parse_cond(struct parser *ps, struct cond *c)
{
	const struct tok *t;
	int neg = 0, r;

	memset(c, 0, sizeof(*c));
	if (accept(ps, TK_PUNCT, "!"))
		neg = 1;
	t = peek(ps);
	if (t->type == TK_WORD && ps->i + 1 < ps->nt &&
	    tok_is(&ps->t[ps->i + 1], TK_PUNCT, "(") &&
	    (tok_is(t, TK_WORD, "exists") || tok_is(t, TK_WORD, "empty"))) {
		if (tok_is(t, TK_WORD, "exists"))
			c->op = neg ? C_NEXISTS : C_EXISTS;
		else
			c->op = neg ? C_NEMPTY : C_EMPTY;
		ps->i += 2;
		if ((r = parse_path(ps, peek(ps), &c->path)) < 0)
			return r;
		ps->i++;
		return expect(ps, TK_PUNCT, ")");
	}
	if (neg)
		return PERR(ps, "\"!\" goes before exists() or empty()");
	if (tok_is(t, TK_WORD, "$line")) {
		c->line = 1;
		ps->i++;
	} else {
		if ((r = parse_path(ps, t, &c->path)) < 0)
			return r;
		ps->i++;
	}
	t = peek(ps);
	if (tok_is(t, TK_PUNCT, "=="))
		c->op = C_EQ;
	else if (tok_is(t, TK_PUNCT, "!="))
		c->op = C_NE;
	else if (tok_is(t, TK_PUNCT, "~"))
		c->op = C_RE;
	else if (tok_is(t, TK_PUNCT, "!~"))
		c->op = C_NRE;
	else
		return PERR(ps, "expected ==, !=, ~ or !~ after \"%.*s\"",
		    (int)(ps->t[ps->i - 1].n > 40 ? 40 : ps->t[ps->i - 1].n),
		    ps->t[ps->i - 1].p);
	ps->i++;
	t = peek(ps);
	if (t->type != TK_STR)
		return PERR(ps, "expected a quoted string after the operator");
	ps->i++;
	if ((c->lit = sl_strndup(t->p, t->n)) == NULL)
		return -ENOMEM;
	c->litlen = t->n;
	if (c->op == C_RE || c->op == C_NRE)
		return compile_re(ps, t->p, t->n, &c->re);
	return 0;
}

static int
parse_conds(struct parser *ps, struct cond **cv, size_t *nc)
{
	int r;

	do {
		if (sl_grow(cv, nc, sizeof(**cv)) < 0)
			return -ENOMEM;
		r = parse_cond(ps, &(*cv)[*nc]);
		(*nc)++;
		if (r < 0)
			return r;
	} while (accept(ps, TK_WORD, "and"));
	if (ps->i < ps->nt)
		return PERR(ps, "expected \"and\" or the end of the line, "
		    "not \"%.*s\"", (int)(peek(ps)->n > 40 ? 40 :
		    peek(ps)->n), peek(ps)->p);
	return 0;
}

static int
parse_term(struct parser *ps, struct term *t)
{
	const struct tok *k = peek(ps);
	int fn = 0, r;

	memset(t, 0, sizeof(*t));
	if (k->type == TK_STR) {
		t->kind = T_LIT;
		if ((t->lit = sl_strndup(k->p, k->n)) == NULL)
			return -ENOMEM;
		t->litlen = k->n;
		ps->i++;
		return 0;
	}
	if (ps->i + 1 < ps->nt && tok_is(&ps->t[ps->i + 1], TK_PUNCT, "(")) {
		if (tok_is(k, TK_WORD, "len"))
			fn = T_LEN;
		else if (tok_is(k, TK_WORD, "after"))
			fn = T_AFTER;
		else if (tok_is(k, TK_WORD, "re"))
			fn = T_RE;
		else
			return PERR(ps, "unknown function \"%.*s\"",
			    (int)(k->n > 40 ? 40 : k->n), k->p);
		ps->i += 2;
		k = peek(ps);
	}
	if (k->type == 0)
		return PERR(ps, "expected a path or a string");
	if ((r = parse_path(ps, k, &t->path)) < 0)
		return r;
	ps->i++;
	t->kind = T_PATH;
	if (fn == 0)
		return 0;
	t->kind = fn;
	if (fn == T_AFTER) {
		if ((r = expect(ps, TK_PUNCT, ",")) < 0)
			return r;
		k = peek(ps);
		if (k->type != TK_STR || k->n == 0)
			return PERR(ps, "after() needs a non-empty string");
		if ((t->lit = sl_strndup(k->p, k->n)) == NULL)
			return -ENOMEM;
		t->litlen = k->n;
		ps->i++;
	} else if (fn == T_RE) {
		uint32_t groups = 0;

		if ((r = expect(ps, TK_PUNCT, ",")) < 0)
			return r;
		k = peek(ps);
		if (k->type != TK_STR || k->n == 0)
			return PERR(ps, "re() needs a non-empty pattern");
		if ((r = compile_re(ps, k->p, k->n, &t->re)) < 0)
			return r;
		(void)pcre2_pattern_info(t->re, PCRE2_INFO_CAPTURECOUNT,
		    &groups);
		if (groups > MAX_GROUPS)
			return PERR(ps, "re() pattern has %u groups; at most "
			    "%d", (unsigned)groups, MAX_GROUPS);
		ps->i++;
	}
	return expect(ps, TK_PUNCT, ")");
}

static int
field_lookup(const char *p, size_t n)
{
	int i;

	for (i = 0; i < F__COUNT; i++)
		if (strlen(field_names[i]) == n &&
		    memcmp(field_names[i], p, n) == 0)
			return i;
	return -1;
}

/* The rest of a rule line after its field name. */
static int
parse_rule(struct parser *ps, int field, struct rule *ru)
{
	const struct tok *t;
	int r;

	memset(ru, 0, sizeof(*ru));
	ru->field = field;
	ru->table = -1;
	ru->lineno = ps->lineno;
	if (field == F_FLAG) {
		t = peek(ps);
		if (!tok_is(t, TK_WORD, "backend"))
			return PERR(ps, "unknown flag \"%.*s\" (known: "
			    "backend)", (int)(t->n > 40 ? 40 : t->n), t->p);
		ps->i++;
		if ((ru->alt = calloc(1, sizeof(*ru->alt))) == NULL)
			return -ENOMEM;
		ru->nalt = 1;
		ru->alt[0].kind = T_LIT;
		if ((ru->alt[0].lit = sl_strndup("backend", 7)) == NULL)
			return -ENOMEM;
		ru->alt[0].litlen = 7;
		if (ps->i == ps->nt)
			return 0;
		if ((r = expect(ps, TK_WORD, "when")) < 0)
			return r;
		return parse_conds(ps, &ru->cond, &ru->ncond);
	}
	do {
		if (sl_grow(&ru->alt, &ru->nalt, sizeof(*ru->alt)) < 0)
			return -ENOMEM;
		r = parse_term(ps, &ru->alt[ru->nalt]);
		ru->nalt++;
		if (r < 0)
			return r;
	} while (accept(ps, TK_PUNCT, "|"));
	if (accept(ps, TK_WORD, "map")) {
		t = peek(ps);
		if (t->type != TK_WORD)
			return PERR(ps, "map needs a table name");
		if ((ru->tname = sl_strndup(t->p, t->n)) == NULL)
			return -ENOMEM;
		ps->i++;
	}
	if (ps->i == ps->nt)
		return 0;
	if (accept(ps, TK_WORD, "when"))
		return parse_conds(ps, &ru->cond, &ru->ncond);
	t = peek(ps);
	return PERR(ps, "expected \"|\", \"map\", \"when\" or the end of the "
	    "line, not \"%.*s\"", (int)(t->n > 40 ? 40 : t->n), t->p);
}

static int
tok_text(const struct tok *t, char **out, size_t *n)
{
	if ((*out = sl_strndup(t->p, t->n)) == NULL)
		return -ENOMEM;
	*n = t->n;
	return 0;
}

static int
parse_table(struct parser *ps)
{
	struct sl_profile *p = ps->prof;
	struct table *tb = NULL;
	struct tentry *en;
	const struct tok *t = peek(ps);
	size_t i;
	int r;

	if (t->type != TK_WORD)
		return PERR(ps, "table needs a name");
	for (i = 0; i < p->ntables; i++)
		if (strlen(p->tables[i].name) == t->n &&
		    memcmp(p->tables[i].name, t->p, t->n) == 0)
			tb = &p->tables[i];
	if (tb == NULL) {
		if (sl_grow(&p->tables, &p->ntables, sizeof(*p->tables)) < 0)
			return -ENOMEM;
		tb = &p->tables[p->ntables];
		memset(tb, 0, sizeof(*tb));
		p->ntables++;
		if ((tb->name = sl_strndup(t->p, t->n)) == NULL)
			return -ENOMEM;
	}
	ps->i++;
	if (accept(ps, TK_WORD, "nocase"))
		tb->nocase = 1;
	while (ps->i < ps->nt) {
		const struct tok *k = peek(ps), *v;

		if (k->type != TK_WORD && k->type != TK_STR)
			return PERR(ps, "expected a table entry PATTERN=VALUE");
		ps->i++;
		if ((r = expect(ps, TK_PUNCT, "=")) < 0)
			return r;
		v = peek(ps);
		if (v->type != TK_WORD && v->type != TK_STR)
			return PERR(ps, "table entry \"%.*s\" has no value",
			    (int)(k->n > 40 ? 40 : k->n), k->p);
		ps->i++;
		if (sl_grow(&tb->e, &tb->n, sizeof(*tb->e)) < 0)
			return -ENOMEM;
		en = &tb->e[tb->n];
		memset(en, 0, sizeof(*en));
		tb->n++;
		if ((r = tok_text(k, &en->pat, &en->patlen)) < 0 ||
		    (r = tok_text(v, &en->val, &en->vallen)) < 0)
			return r;
	}
	return 0;
}

static int
parse_int(const struct tok *t, int *v)
{
	long x = 0;
	size_t i = 0;
	int neg = 0;

	if (t->type != TK_WORD || t->n == 0 || t->n > 9)
		return -EINVAL;
	if (t->p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == t->n)
		return -EINVAL;
	for (; i < t->n; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return -EINVAL;
		x = x * 10 + (t->p[i] - '0');
	}
	*v = (int)(neg ? -x : x);
	return 0;
}

static const struct {
	const char *name;
	int reader;
} readers[] = {
	{ "json", SL_READ_JSON }, { "csv", SL_READ_CSV },
	{ "tsv", SL_READ_TSV }, { "kv", SL_READ_KV },
	{ "auditd", SL_READ_AUDITD },
};

static const struct {
	const char *name;
	int fmt;
} timefmts[] = {
	{ "auto", SL_TIME_AUTO }, { "iso", SL_TIME_ISO },
	{ "epoch", SL_TIME_EPOCH }, { "epoch_ms", SL_TIME_EPOCH_MS },
	{ "us", SL_TIME_US }, { "syslog", SL_TIME_SYSLOG },
};

/* One line of a profile file. */
static int
parse_line(struct parser *ps, const char *s, const char *e)
{
	struct sl_profile *p = ps->prof;
	const struct tok *t, *a;
	char zerr[160];
	size_t i;
	int r, f;

	if ((r = lex_line(ps, s, e)) < 0)
		return r;
	if (ps->nt == 0)
		return 0;
	t = &ps->t[0];
	if (t->type != TK_WORD)
		return PERR(ps, "a line starts with a directive or field name");
	ps->i = 1;
	a = peek(ps);
	if (tok_is(t, TK_WORD, "name") || tok_is(t, TK_WORD, "description") ||
	    tok_is(t, TK_WORD, "timezone")) {
		char **dst = t->p[0] == 'n' ? &p->name :
		    t->p[0] == 'd' ? &p->desc : NULL;

		if (ps->nt != 2 || (a->type != TK_WORD && a->type != TK_STR))
			return PERR(ps, "%.*s takes one value", (int)t->n,
			    t->p);
		if (dst != NULL) {
			if (*dst != NULL)
				return PERR(ps, "%.*s given twice", (int)t->n,
				    t->p);
			return (*dst = sl_strndup(a->p, a->n)) == NULL ?
			    -ENOMEM : 0;
		}
		{
			char z[128];

			if (a->n >= sizeof(z))
				return PERR(ps, "time zone name too long");
			memcpy(z, a->p, a->n);
			z[a->n] = '\0';
			sl_tz_free(p->tz);
			p->tz = sl_tz_load(z, zerr, sizeof(zerr));
			if (p->tz == NULL)
				return PERR(ps, "%s", zerr);
		}
		return 0;
	}
	if (tok_is(t, TK_WORD, "reader")) {
		if (p->nrules > 0 || p->ndetect > 0)
			return PERR(ps, "reader must come before rules and "
			    "detect lines");
		for (i = 0; i < SL_ARRAY_LEN(readers); i++)
			if (ps->nt == 2 &&
			    tok_is(a, TK_WORD, readers[i].name)) {
				p->reader = readers[i].reader;
				return 0;
			}
		return PERR(ps, "unknown reader (json, csv, tsv, kv, auditd)");
	}
	if (tok_is(t, TK_WORD, "embed")) {
		if (p->reader != SL_READ_CSV && p->reader != SL_READ_TSV)
			return PERR(ps, "embed is for the csv and tsv readers");
		if (p->nrules > 0 || p->ndetect > 0)
			return PERR(ps, "embed must come before rules and "
			    "detect lines");
		if (ps->nt != 2 || (a->type != TK_WORD && a->type != TK_STR))
			return PERR(ps, "embed takes one column name");
		free(p->embed);
		return (p->embed = sl_strndup(a->p, a->n)) == NULL ?
		    -ENOMEM : 0;
	}
	if (tok_is(t, TK_WORD, "timeformat")) {
		for (i = 0; i < SL_ARRAY_LEN(timefmts); i++)
			if (ps->nt == 2 &&
			    tok_is(a, TK_WORD, timefmts[i].name)) {
				p->timefmt = timefmts[i].fmt;
				return 0;
			}
		return PERR(ps, "unknown time format (auto, iso, epoch, "
		    "epoch_ms, us, syslog)");
	}
	if (tok_is(t, TK_WORD, "family")) {
		if (ps->nt != 2 || a->type != TK_WORD)
			return PERR(ps, "family takes one name");
		for (i = 0; i < a->n; i++)
			if (!isalnum((unsigned char)a->p[i]) &&
			    strchr("-_.", a->p[i]) == NULL)
				return PERR(ps, "bad family \"%.*s\" (letters, "
				    "digits, - _ .)", (int)(a->n > 40 ? 40 :
				    a->n), a->p);
		free(p->family);
		return (p->family = sl_strndup(a->p, a->n)) == NULL ?
		    -ENOMEM : 0;
	}
	if (tok_is(t, TK_WORD, "keyscope")) {
		if (ps->nt == 2 && tok_is(a, TK_WORD, "global"))
			p->keyscope = KS_GLOBAL;
		else if (ps->nt == 2 && tok_is(a, TK_WORD, "host"))
			p->keyscope = KS_HOST;
		else if (ps->nt == 2 && tok_is(a, TK_WORD, "none"))
			p->keyscope = KS_NONE;
		else
			return PERR(ps, "keyscope takes global, host or none");
		return 0;
	}
	if (tok_is(t, TK_WORD, "score")) {
		if (ps->nt != 2 || parse_int(a, &p->score) < 0)
			return PERR(ps, "score takes a number");
		return 0;
	}
	if (tok_is(t, TK_WORD, "tolerance")) {
		char d[32];

		if (ps->nt != 2 || a->type != TK_WORD || a->n >= sizeof(d))
			return PERR(ps, "tolerance takes a duration (\"1s\")");
		memcpy(d, a->p, a->n);
		d[a->n] = '\0';
		if (sl_duration_parse(d, &p->tolerance) < 0)
			return PERR(ps, "tolerance takes a duration (\"1s\")");
		return 0;
	}
	if (p->reader == 0)
		return PERR(ps, "reader must come before rules and detect "
		    "lines");
	if (tok_is(t, TK_WORD, "table"))
		return parse_table(ps);
	if (tok_is(t, TK_WORD, "detect")) {
		if (accept(ps, TK_WORD, "columns")) {
			if (p->reader != SL_READ_CSV &&
			    p->reader != SL_READ_TSV)
				return PERR(ps, "detect columns is for the "
				    "csv and tsv readers");
			if (ps->i == ps->nt)
				return PERR(ps, "detect columns needs names");
			for (; ps->i < ps->nt; ps->i++) {
				a = peek(ps);
				if (sl_grow(&p->columns, &p->ncolumns,
				    sizeof(char *)) < 0)
					return -ENOMEM;
				if ((p->columns[p->ncolumns] =
				    sl_strndup(a->p, a->n)) == NULL)
					return -ENOMEM;
				p->ncolumns++;
			}
			return 0;
		}
		return parse_conds(ps, &p->detect, &p->ndetect);
	}
	f = field_lookup(t->p, t->n);
	if (f < 0)
		return PERR(ps, "unknown field \"%.*s\"", (int)(t->n > 40 ? 40 :
		    t->n), t->p);
	if (sl_grow(&p->rules, &p->nrules, sizeof(*p->rules)) < 0)
		return -ENOMEM;
	r = parse_rule(ps, f, &p->rules[p->nrules]);
	p->nrules++;
	return r;
}

/* Tables named by rules exist, and map action and outcome to their names. */
static int
resolve_rule(struct parser *ps, const struct sl_profile *p, struct rule *ru)
{
	const struct table *tb;
	size_t i, k;

	ps->lineno = ru->lineno;
	for (i = 0; i < ru->nalt; i++) {
		const struct term *t = &ru->alt[i];

		if (t->kind != T_LIT || ru->tname != NULL)
			continue;
		if (ru->field == F_ACTION &&
		    sl_action_parse(t->lit, t->litlen) < 0)
			return PERR(ps, "unknown action \"%s\"", t->lit);
		if (ru->field == F_OUTCOME &&
		    sl_outcome_parse(t->lit, t->litlen) < 0)
			return PERR(ps, "unknown outcome \"%s\"", t->lit);
	}
	if (ru->tname == NULL)
		return 0;
	for (i = 0; i < p->ntables; i++)
		if (strcmp(p->tables[i].name, ru->tname) == 0)
			break;
	if (i == p->ntables)
		return PERR(ps, "unknown table \"%s\"", ru->tname);
	ru->table = (int)i;
	tb = &p->tables[i];
	for (k = 0; k < tb->n; k++) {
		if (ru->field == F_ACTION &&
		    sl_action_parse(tb->e[k].val, tb->e[k].vallen) < 0)
			return PERR(ps, "table %s maps to \"%s\", which is not "
			    "an action", tb->name, tb->e[k].val);
		if (ru->field == F_OUTCOME &&
		    sl_outcome_parse(tb->e[k].val, tb->e[k].vallen) < 0)
			return PERR(ps, "table %s maps to \"%s\", which is not "
			    "an outcome", tb->name, tb->e[k].val);
	}
	return 0;
}

int
sl_profile_parse(const char *file, const char *text, size_t n,
    struct sl_profile **out, char *err, size_t errlen)
{
	struct parser *ps;
	struct sl_profile *p;
	const char *s = text, *e = text + n, *nl;
	size_t i;
	int r = -ENOMEM;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	ps = calloc(1, sizeof(*ps));
	if (p == NULL || ps == NULL)
		goto fail;
	if ((p->file = strdup(file)) == NULL)
		goto fail;
	p->tolerance = 1000000;
	ps->file = file;
	ps->err = err;
	ps->errlen = errlen;
	ps->prof = p;
	ps->npaths = &p->npaths;
	ps->pathnames = &p->pathnames;
	while (s < e) {
		ps->lineno++;
		nl = memchr(s, '\n', (size_t)(e - s));
		if (nl == NULL)
			nl = e;
		if (memchr(s, '\0', (size_t)(nl - s)) != NULL) {
			r = PERR(ps, "NUL byte in profile");
			goto fail;
		}
		if ((r = parse_line(ps, s, nl)) < 0) {
			if (r == -ENOMEM)
				sl_seterr(err, errlen, "%s: out of memory",
				    file);
			goto fail;
		}
		s = nl + 1;
	}
	ps->lineno = 0;
	r = -EINVAL;
	if (p->name == NULL) {
		PERR(ps, "no name");
		goto fail;
	}
	for (i = 0; p->name[i] != '\0'; i++)
		if (!isalnum((unsigned char)p->name[i]) &&
		    strchr("-_.", p->name[i]) == NULL)
			break;
	if (p->name[i] != '\0' || i == 0 || i > 64) {
		PERR(ps, "bad name \"%s\" (letters, digits, - _ .)", p->name);
		goto fail;
	}
	if (p->reader == 0) {
		PERR(ps, "no reader");
		goto fail;
	}
	if (p->desc == NULL && (p->desc = strdup("")) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < p->nrules; i++)
		if ((r = resolve_rule(ps, p, &p->rules[i])) < 0)
			goto fail;
	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].field == F_TIME)
			break;
	ps->lineno = 0;
	if (i == p->nrules) {
		r = PERR(ps, "no time rule");
		goto fail;
	}
	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].field == F_USER)
			break;
	if (i == p->nrules) {
		r = PERR(ps, "no user rule");
		goto fail;
	}
	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].field == F_HOST)
			break;
	if (p->keyscope == KS_HOST && i == p->nrules) {
		r = PERR(ps, "keyscope host needs a host rule");
		goto fail;
	}
	sl_buf_release(&ps->sbuf);
	free(ps);
	*out = p;
	return 0;
fail:
	if (ps != NULL)
		sl_buf_release(&ps->sbuf);
	free(ps);
	sl_profile_free(p);
	return r;
}

/* Compile the --map overrides into x->extra. */
int
sl_compile_maps(struct sl_extractor *x, const struct sl_extract_opts *o,
    char *err, size_t errlen)
{
	struct parser *ps;
	struct sl_profile *e;
	const char *m, *eq;
	size_t i;
	int f, r = -ENOMEM;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -ENOMEM;
	x->extra = e;
	e->reader = x->p->reader;
	if (x->p->embed != NULL &&
	    (e->embed = strdup(x->p->embed)) == NULL)
		return -ENOMEM;	/* e is freed with x */
	e->npaths = 0;
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return -ENOMEM;
	ps->file = "--map";
	ps->err = err;
	ps->errlen = errlen;
	ps->prof = e;
	/* The extra paths' ids follow the profile's own. */
	e->npaths = x->p->npaths;
	if (e->npaths > 0) {
		/* the capacity sl_grow() expects for npaths entries */
		size_t cap = 1;

		while (cap < e->npaths)
			cap *= 2;
		if ((e->pathnames = calloc(cap, sizeof(char *))) == NULL)
			goto fail;
	}
	ps->npaths = &e->npaths;
	ps->pathnames = &e->pathnames;
	for (i = 0; i < o->nmaps; i++) {
		m = o->maps[i];
		eq = strchr(m, '=');
		if (eq == NULL || eq == m) {
			r = PERR(ps, "\"%s\": expected field=path", m);
			goto fail;
		}
		f = field_lookup(m, (size_t)(eq - m));
		if (f < 0 || f == F_FLAG) {
			r = PERR(ps, "unknown field \"%.*s\"", (int)(eq - m),
			    m);
			goto fail;
		}
		if ((r = lex_line(ps, eq + 1, eq + 1 + strlen(eq + 1))) < 0)
			goto fail;
		if (ps->nt == 0) {
			r = PERR(ps, "\"%s\": empty path", m);
			goto fail;
		}
		if (sl_grow(&e->rules, &e->nrules, sizeof(*e->rules)) < 0)
			goto fail;
		r = parse_rule(ps, f, &e->rules[e->nrules]);
		e->nrules++;
		if (r < 0)
			goto fail;
		/* a --map table refers to the profile's tables */
		e->tables = x->p->tables;
		e->ntables = x->p->ntables;
		r = resolve_rule(ps, e, &e->rules[e->nrules - 1]);
		e->tables = NULL;
		e->ntables = 0;
		if (r < 0)
			goto fail;
	}
	r = 0;
fail:
	sl_buf_release(&ps->sbuf);
	free(ps);
	return r;
}
