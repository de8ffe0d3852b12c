/* profile.c: format profiles (sessionlog(5)): loading, detection, extraction */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_VALS 512		/* values one path may give */
#define MAX_LIST 1024		/* values of one multi-valued field */
#define MAX_PROFILE_BYTES (1u << 20)
#define MAX_LINE_TOKENS 1024
/*
 * auditd: lines are assembled into events by their stamp (node, time,
 * serial) as ausearch does.  An event is complete at its EOE line, when a
 * line of the same node is AUDIT_EOE_MS newer (ausearch's end-of-event
 * timeout), when the window is full (the oldest events are closed), or at
 * the end of the log.  Events are handed out in the order of their first
 * lines.
 */
#define MAX_GROUP_BYTES (1u << 20)	/* raw bytes of one event */
#define AUDIT_OPEN_MAX 256		/* events in the window */
#define AUDIT_WINDOW_BYTES (4u << 20)	/* their raw bytes together */
#define AUDIT_EOE_MS 2000
#define AUDIT_UIDS_MAX 4096		/* uid names learnt from one log */
#define MATCH_LIMIT 100000
#define MAX_GROUPS 31		/* capturing groups of an re() pattern */
#define CUT_REASON "record cut short (data lost, or the log ends inside it)"

enum field {
	F_TIME, F_USER, F_SESSION, F_ACTION, F_OUTCOME, F_RESOURCE, F_QUERY,
	F_COUNT, F_BYTES, F_PURPOSE, F_SRC, F_TRACE, F_KIND, F_KEY, F_FLAG,
	F_HOST, F__COUNT
};

static const char *const field_names[F__COUNT] = {
	"time", "user", "session", "action", "outcome", "resource", "query",
	"count", "bytes", "purpose", "src", "trace", "kind", "key", "flag",
	"host",
};

enum seg_kind { SEG_KEY, SEG_INDEX, SEG_STAR };

struct seg {
	int kind;
	char *key;
	size_t klen;
	size_t index;
};

struct path {
	struct seg *seg;
	size_t nseg;
	size_t id;		/* column slot for csv/tsv */
	char *text;		/* as written, for csv/kv: the name */
	size_t tlen;
};

enum term_kind { T_PATH, T_LIT, T_LEN, T_AFTER, T_RE };

struct term {
	int kind;
	struct path path;
	char *lit;		/* T_LIT value, T_AFTER separator */
	size_t litlen;
	pcre2_code *re;		/* T_RE */
};

enum cond_op { C_EQ, C_NE, C_RE, C_NRE, C_EXISTS, C_NEXISTS, C_EMPTY,
	C_NEMPTY };

struct cond {
	int op;
	int line;		/* the subject is the raw record ($line) */
	struct path path;
	char *lit;
	size_t litlen;
	pcre2_code *re;
};

struct rule {
	int field;
	struct term *alt;
	size_t nalt;
	int table;		/* index or -1 */
	char *tname;		/* table name until resolved */
	struct cond *cond;
	size_t ncond;
	int lineno;
};

struct tentry {
	char *pat;
	size_t patlen;
	char *val;
	size_t vallen;
};

struct table {
	char *name;
	int nocase;
	struct tentry *e;
	size_t n;
};

struct sl_profile {
	char *name;
	char *desc;
	char *file;
	int reader;
	int score;
	int timefmt;
	struct sl_tz *tz;
	char **columns;
	size_t ncolumns;
	struct cond *detect;
	size_t ndetect;
	struct rule *rules;
	size_t nrules;
	struct table *tables;
	size_t ntables;
	char **pathnames;	/* by path id, for csv/tsv columns */
	size_t npaths;
	char *embed;		/* csv/tsv: a column holding a JSON record */
	int64_t tolerance;	/* us a time may go back in source order */
	char *family;		/* where keys are compared; NULL: the name */
	int keyscope;		/* KS_* */
};

/* How far a profile's key is unique (sessionlog(5), keyscope). */
enum { KS_NONE, KS_GLOBAL, KS_HOST };

struct sl_profileset {
	struct sl_profile **p;		/* name order */
	struct sl_profile **byscore;	/* score, then name */
	size_t n;
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

static void
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
static int
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

static int
sl_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Glob with '*' only, optionally ignoring ASCII case. */
static int
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

static int
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

/* ---- profile sets ------------------------------------------------------ */

static int
cmp_name(const void *a, const void *b)
{
	const struct sl_profile *x = *(struct sl_profile *const *)a;
	const struct sl_profile *y = *(struct sl_profile *const *)b;

	return strcmp(x->name, y->name);
}

static int
cmp_score(const void *a, const void *b)
{
	const struct sl_profile *x = *(struct sl_profile *const *)a;
	const struct sl_profile *y = *(struct sl_profile *const *)b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
read_file(const char *path, struct sl_buf *b)
{
	FILE *fp;
	char chunk[8192];
	size_t n;
	int r = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->n + n > MAX_PROFILE_BYTES) {
			r = -E2BIG;
			break;
		}
		if ((r = sl_buf_add(b, chunk, n)) < 0)
			break;
	}
	if (r == 0 && ferror(fp))
		r = -EIO;
	fclose(fp);
	return r;
}

struct sl_profileset *
sl_profileset_load(const char *dir, char *err, size_t errlen)
{
	struct sl_profileset *ps = NULL;
	struct sl_profile *p;
	struct sl_buf path = { 0 }, text = { 0 };
	struct dirent *de;
	char **names = NULL;
	size_t nnames = 0, i, len;
	DIR *d;
	int r;

	if ((d = opendir(dir)) == NULL) {
		sl_seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 8 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 8, ".profile") != 0)
			continue;
		if (sl_grow(&names, &nnames, sizeof(*names)) < 0 ||
		    (names[nnames] = strdup(de->d_name)) == NULL) {
			closedir(d);
			goto nomem;
		}
		nnames++;
	}
	closedir(d);
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), cmp_str);
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		goto nomem;
	for (i = 0; i < nnames; i++) {
		sl_buf_reset(&path);
		sl_buf_reset(&text);
		if (sl_buf_printf(&path, "%s/%s", dir, names[i]) < 0)
			goto nomem;
		if ((r = read_file(path.p, &text)) < 0) {
			sl_seterr(err, errlen, "%s: %s", path.p, r == -E2BIG ?
			    "profile too large" : strerror(-r));
			goto fail;
		}
		if (sl_profile_parse(path.p, text.p != NULL ? text.p : "",
		    text.n, &p, err, errlen) < 0)
			goto fail;
		if (sl_grow(&ps->p, &ps->n, sizeof(*ps->p)) < 0) {
			sl_profile_free(p);
			goto nomem;
		}
		ps->p[ps->n++] = p;
	}
	if (ps->n == 0) {
		sl_seterr(err, errlen, "%s: no *.profile files", dir);
		goto fail;
	}
	qsort(ps->p, ps->n, sizeof(*ps->p), cmp_name);
	for (i = 1; i < ps->n; i++)
		if (strcmp(ps->p[i - 1]->name, ps->p[i]->name) == 0) {
			sl_seterr(err, errlen, "%s: profile name \"%s\" also "
			    "used by %s", ps->p[i]->file, ps->p[i]->name,
			    ps->p[i - 1]->file);
			goto fail;
		}
	if ((ps->byscore = malloc(ps->n * sizeof(*ps->byscore))) == NULL)
		goto nomem;
	memcpy(ps->byscore, ps->p, ps->n * sizeof(*ps->byscore));
	qsort(ps->byscore, ps->n, sizeof(*ps->byscore), cmp_score);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	sl_buf_release(&path);
	sl_buf_release(&text);
	return ps;
nomem:
	sl_seterr(err, errlen, "%s: out of memory", dir);
fail:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	sl_buf_release(&path);
	sl_buf_release(&text);
	sl_profileset_free(ps);
	return NULL;
}

void
sl_profileset_free(struct sl_profileset *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->n; i++)
		sl_profile_free(ps->p[i]);
	free(ps->p);
	free(ps->byscore);
	free(ps);
}

size_t
sl_profileset_count(const struct sl_profileset *ps)
{
	return ps != NULL ? ps->n : 0;
}

const char *
sl_profileset_name(const struct sl_profileset *ps, size_t i)
{
	return ps != NULL && i < ps->n ? ps->p[i]->name : NULL;
}

const char *
sl_profileset_description(const struct sl_profileset *ps, size_t i)
{
	return ps != NULL && i < ps->n ? ps->p[i]->desc : NULL;
}

const struct sl_profile *
sl_profileset_find(const struct sl_profileset *ps, const char *name)
{
	size_t i;

	if (ps == NULL || name == NULL)
		return NULL;
	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i]->name, name) == 0)
			return ps->p[i];
	return NULL;
}

const char *
sl_profile_name(const struct sl_profile *p)
{
	return p->name;
}

int
sl_profile_reader(const struct sl_profile *p)
{
	return p->reader;
}

int64_t
sl_profile_tolerance(const struct sl_profile *p)
{
	return p->tolerance;
}

int
sl_profile_split_mode(const struct sl_profile *p)
{
	switch (p->reader) {
	case SL_READ_JSON:
		return SL_SPLIT_JSON;
	case SL_READ_CSV:
		return SL_SPLIT_CSV;
	default:
		return SL_SPLIT_LINES;
	}
}

/* ---- record access ----------------------------------------------------- */

/* One record as the paths see it. */
struct doc {
	int reader;
	const struct sl_json *j;	/* json */
	const struct sl_str *name;	/* kv, auditd */
	const struct sl_str *value;	/* kv, auditd; csv/tsv by column */
	size_t n;
	const int *colidx;		/* csv/tsv: path id to column */
	size_t ncolidx;
	struct sl_str raw;
};

/* A value found by a path: a JSON token, or text. */
struct val {
	int tok;		/* json token, or -1 */
	struct sl_str s;	/* text when tok < 0 */
};

#define ROOT_CACHE 32

struct evalctx {
	/* Per record: top-level members already looked up, and the
	 * top-level values that are arrays or objects (nroot < 0: not yet). */
	struct {
		const char *key;
		size_t klen;
		int tok;
	} rc[ROOT_CACHE];
	size_t nrc;
	int *root;		/* MAX_VALS */
	int nroot;
	struct val *vals;	/* MAX_VALS */
	int *wl[2];		/* MAX_VALS each */
	struct sl_buf tmp;
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

/* Values of a path; returns their number (at most MAX_VALS). */
static size_t
path_eval(struct evalctx *cx, const struct doc *d, const struct path *pa)
{
	const struct sl_json *j = d->j;
	size_t ncur = 1, nnext, i, s, k;
	int *cur = cx->wl[0], *next = cx->wl[1], *sw, c, tk;

	if (d->reader != SL_READ_JSON) {
		if (d->colidx != NULL) {
			if (pa->id >= d->ncolidx || d->colidx[pa->id] < 0 ||
			    (size_t)d->colidx[pa->id] >= d->n) {
				/* Not a column: a path into the JSON record
				 * the profile embeds, if the row has one. */
				if (j != NULL && pa->nseg > 0)
					goto json;
				return 0;
			}
			cx->vals[0].tok = -1;
			cx->vals[0].s = d->value[d->colidx[pa->id]];
			return 1;
		}
		for (i = 0; i < d->n; i++)
			if (d->name[i].n == pa->tlen &&
			    memcmp(d->name[i].p, pa->text, pa->tlen) == 0) {
				cx->vals[0].tok = -1;
				cx->vals[0].s = d->value[i];
				return 1;
			}
		return 0;
	}
json:
	cur[0] = 0;
	s = 0;
	if (pa->nseg > 0 && pa->seg[0].kind == SEG_KEY) {
		const struct seg *sg = &pa->seg[0];

		for (i = 0; i < cx->nrc; i++)
			if (cx->rc[i].klen == sg->klen &&
			    memcmp(cx->rc[i].key, sg->key, sg->klen) == 0)
				break;
		if (i == cx->nrc) {
			c = sl_json_member(j, 0, sg->key, sg->klen);
			if (cx->nrc < ROOT_CACHE) {
				cx->rc[i].key = sg->key;
				cx->rc[i].klen = sg->klen;
				cx->rc[i].tok = c;
				cx->nrc++;
			}
		} else {
			c = cx->rc[i].tok;
		}
		if (c < 0)
			return 0;
		cur[0] = c;
		s = 1;
	} else if (pa->nseg > 1 && pa->seg[0].kind == SEG_STAR) {
		/* [*].x: only containers can hold x */
		if (cx->nroot < 0) {
			cx->nroot = 0;
			c = 1;
			for (k = 0; k < j->t[0].count; k++) {
				c++;	/* the key */
				if (j->t[c].type >= SL_JSON_ARRAY)
					cx->root[cx->nroot++] = c;
				c = (int)j->t[c].next;
				if (cx->nroot == MAX_VALS)
					break;
			}
		}
		memcpy(cur, cx->root, (size_t)cx->nroot * sizeof(int));
		ncur = (size_t)cx->nroot;
		s = 1;
	}
	for (; s < pa->nseg && ncur > 0; s++) {
		const struct seg *sg = &pa->seg[s];

		nnext = 0;
		for (i = 0; i < ncur; i++) {
			tk = cur[i];
			if (sg->kind == SEG_KEY) {
				c = sl_json_member(j, tk, sg->key, sg->klen);
				if (c >= 0)
					next[nnext++] = c;
			} else if (sg->kind == SEG_INDEX) {
				c = sl_json_element(j, tk, sg->index);
				if (c >= 0)
					next[nnext++] = c;
			} else if (j->t[tk].type != SL_JSON_ARRAY &&
			    j->t[tk].type != SL_JSON_OBJECT) {
				/* [*] of a single value is that value */
				next[nnext++] = tk;
			} else {
				int obj = j->t[tk].type == SL_JSON_OBJECT;

				c = tk + 1;
				for (k = 0; k < j->t[tk].count &&
				    nnext < MAX_VALS; k++) {
					if (obj)	/* skip the key */
						c++;
					next[nnext++] = c;
					c = (int)j->t[c].next;
				}
			}
			if (nnext >= MAX_VALS)
				break;
		}
		sw = cur;
		cur = next;
		next = sw;
		ncur = nnext;
	}
	for (i = 0; i < ncur; i++) {
		cx->vals[i].tok = cur[i];
		cx->vals[i].s.p = NULL;
		cx->vals[i].s.n = 0;
	}
	return ncur;
}

/* Text of a value; escaped JSON strings are decoded into cx->tmp, which is
 * reset first, so the text is valid until the next call. */
static int
val_text(struct evalctx *cx, const struct doc *d, const struct val *v,
    struct sl_str *out)
{
	const struct sl_json_tok *t;

	if (v->tok < 0) {
		*out = v->s;
		return 0;
	}
	t = &d->j->t[v->tok];
	switch (t->type) {
	case SL_JSON_NULL:
		out->p = "";
		out->n = 0;
		return 0;
	case SL_JSON_STRING:
		if (!t->escaped)
			break;
		sl_buf_reset(&cx->tmp);
		if (sl_json_text(d->j, v->tok, &cx->tmp) < 0)
			return -ENOMEM;
		out->p = cx->tmp.p != NULL ? cx->tmp.p : "";
		out->n = cx->tmp.n;
		return 0;
	case SL_JSON_ARRAY:
	case SL_JSON_OBJECT:
		if (t->count == 0) {
			out->p = "";
			out->n = 0;
			return 0;
		}
		break;
	default:
		break;
	}
	out->p = d->j->src + t->start;
	out->n = t->len;
	return 0;
}

static int
re_match(struct evalctx *cx, const pcre2_code *re, struct sl_str s)
{
	int rc;

	rc = pcre2_match(re, (PCRE2_SPTR)(s.p != NULL ? s.p : ""), s.n, 0, 0,
	    cx->md, cx->mc);
	return rc >= 0;
}

static int
sl_cond_holds(struct evalctx *cx, const struct doc *d, const struct cond *c)
{
	struct sl_str s;
	size_t n, i;
	int any = 0, nonempty = 0;

	if (c->line)
		return re_match(cx, c->re, d->raw) == (c->op == C_RE);
	n = path_eval(cx, d, &c->path);
	if (c->op == C_EXISTS || c->op == C_NEXISTS)
		return (n > 0) == (c->op == C_EXISTS);
	for (i = 0; i < n; i++) {
		if (val_text(cx, d, &cx->vals[i], &s) < 0)
			return 0;
		if (s.n > 0)
			nonempty = 1;
		switch (c->op) {
		case C_EQ:
		case C_NE:
			if (s.n == c->litlen &&
			    (s.n == 0 || memcmp(s.p, c->lit, s.n) == 0))
				any = 1;
			break;
		case C_RE:
		case C_NRE:
			if (re_match(cx, c->re, s))
				any = 1;
			break;
		default:
			break;
		}
		if (any)
			break;
	}
	switch (c->op) {
	case C_EMPTY:
		return !nonempty;
	case C_NEMPTY:
		return nonempty;
	case C_EQ:
	case C_RE:
		return any;
	default:
		return !any;
	}
}

static int
sl_conds_hold(struct evalctx *cx, const struct doc *d, const struct cond *c,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!sl_cond_holds(cx, d, &c[i]))
			return 0;
	return 1;
}

static int
sl_evalctx_init(struct evalctx *cx)
{
	memset(cx, 0, sizeof(*cx));
	cx->nroot = -1;
	cx->root = malloc(MAX_VALS * sizeof(int));
	cx->vals = malloc(MAX_VALS * sizeof(*cx->vals));
	cx->wl[0] = malloc(MAX_VALS * sizeof(int));
	cx->wl[1] = malloc(MAX_VALS * sizeof(int));
	cx->md = pcre2_match_data_create(MAX_GROUPS + 1, NULL);
	cx->mc = pcre2_match_context_create(NULL);
	if (cx->vals == NULL || cx->root == NULL || cx->wl[0] == NULL ||
	    cx->wl[1] == NULL || cx->md == NULL || cx->mc == NULL)
		return -ENOMEM;
	pcre2_set_match_limit(cx->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(cx->mc, MATCH_LIMIT / 10);
	return 0;
}

/* A new record: forget the top-level lookups. */
static void
sl_evalctx_reset(struct evalctx *cx)
{
	cx->nrc = 0;
	cx->nroot = -1;
}

static void
sl_evalctx_release(struct evalctx *cx)
{
	free(cx->root);
	free(cx->vals);
	free(cx->wl[0]);
	free(cx->wl[1]);
	sl_buf_release(&cx->tmp);
	pcre2_match_data_free(cx->md);
	pcre2_match_context_free(cx->mc);
}

/* ---- detection --------------------------------------------------------- */

struct detectctx {
	struct evalctx cx;
	struct sl_json j;
	int json_state;		/* 0 untried, 1 an object, -1 not */
	struct sl_fields f;	/* kv of the current record */
	int kv_state;
	struct sl_fields hdr, row;	/* header and first data row */
	int hdr_delim;		/* what hdr and row were split at */
	int colidx[256];
};

/* Plain tab split (IANA text/tab-separated-values: no quoting). */
static int
tsv_split(const char *p, size_t n, struct sl_fields *f)
{
	const char *e = p + n, *s;

	f->n = 0;
	for (;;) {
		if (f->n == f->cap) {
			size_t nc = f->cap ? f->cap * 2 : 16;
			struct sl_str *v = realloc(f->value, nc *
			    sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			f->value = v;
			f->cap = nc;
		}
		s = memchr(p, '\t', (size_t)(e - p));
		if (s == NULL)
			s = e;
		f->value[f->n].p = p;
		f->value[f->n].n = (size_t)(s - p);
		f->n++;
		if (s == e)
			break;
		p = s + 1;
	}
	if (f->n > 0 && f->value[f->n - 1].n > 0 &&
	    f->value[f->n - 1].p[f->value[f->n - 1].n - 1] == '\r')
		f->value[f->n - 1].n--;
	return 0;
}

/* Add empty fields up to n. */
static int
sl_pad_fields(struct sl_fields *f, size_t n)
{
	struct sl_str *v;

	if (n > f->cap) {
		if ((v = realloc(f->value, n * sizeof(*v))) == NULL)
			return -ENOMEM;
		f->value = v;
		f->cap = n;
	}
	while (f->n < n) {
		f->value[f->n].p = "";
		f->value[f->n].n = 0;
		f->n++;
	}
	return 0;
}

static int
sl_split_delim(int reader, const char *p, size_t n, struct sl_fields *f,
    const char **err, size_t *err_off)
{
	if (reader == SL_READ_TSV)
		return tsv_split(p, n, f);
	return sl_csv_split(p, n, ',', f, err, err_off);
}

/* A header name without a UTF-8 byte order mark and surrounding blanks. */
static struct sl_str
sl_header_name(struct sl_str s, int first)
{
	if (first && s.n >= 3 && memcmp(s.p, "\xef\xbb\xbf", 3) == 0) {
		s.p += 3;
		s.n -= 3;
	}
	while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' ||
	    s.p[s.n - 1] == '\r'))
		s.n--;
	return s;
}

/* The column of a name: the same bytes, else the first that differs only
 * in ASCII case (exports write "Timestamp", "UserName", "SourceIP"). */
static int
sl_header_find(const struct sl_fields *h, const char *name, size_t n)
{
	size_t i, k;
	struct sl_str s;
	int nocase = -1;

	for (i = 0; i < h->n; i++) {
		s = sl_header_name(h->value[i], i == 0);
		if (s.n != n)
			continue;
		if (memcmp(s.p, name, n) == 0)
			return (int)i;
		if (nocase >= 0)
			continue;
		for (k = 0; k < n; k++)
			if (sl_ascii_lower((unsigned char)s.p[k]) !=
			    sl_ascii_lower((unsigned char)name[k]))
				break;
		if (k == n)
			nocase = (int)i;
	}
	return nocase;
}

/* A plausible header: two or more distinct, non-empty, short names. */
static int
header_ok(const struct sl_fields *h)
{
	size_t i, k;
	struct sl_str a, b;

	if (h->n < 2 || h->n > 4096)
		return 0;
	for (i = 0; i < h->n; i++) {
		a = sl_header_name(h->value[i], i == 0);
		if (a.n == 0 || a.n > 64)
			return 0;
		for (k = 0; k < i && h->n <= 256; k++) {
			b = sl_header_name(h->value[k], k == 0);
			if (a.n == b.n && memcmp(a.p, b.p, a.n) == 0)
				return 0;
		}
	}
	return 1;
}

static int
detect_csv(struct detectctx *dc, const struct sl_profile *p,
    const struct sl_record *recs, size_t n)
{
	const char *err;
	size_t off, i, k, npath;
	struct doc d = { 0 };
	int delim = p->reader == SL_READ_TSV ? '\t' : ',';

	if (recs[0].flags != 0 || recs[0].n == 0 || recs[0].p[0] == '{' ||
	    recs[0].p[0] == '[')
		return 0;
	if (dc->hdr_delim != delim) {
		dc->hdr_delim = -1;
		if (sl_split_delim(p->reader, recs[0].p, recs[0].n, &dc->hdr,
		    &err, &off) < 0)
			return 0;
		dc->row.n = 0;
		if (n > 1 && recs[1].flags == 0 && sl_split_delim(p->reader,
		    recs[1].p, recs[1].n, &dc->row, &err, &off) < 0)
			dc->row.n = 0;
		dc->hdr_delim = delim;
	}
	if (!header_ok(&dc->hdr))
		return 0;
	for (i = 0; i < p->ncolumns; i++)
		if (sl_header_find(&dc->hdr, p->columns[i],
		    strlen(p->columns[i])) < 0)
			return 0;
	npath = p->npaths < SL_ARRAY_LEN(dc->colidx) ? p->npaths :
	    SL_ARRAY_LEN(dc->colidx);
	for (k = 0; k < npath; k++)
		dc->colidx[k] = sl_header_find(&dc->hdr, p->pathnames[k],
		    strlen(p->pathnames[k]));
	d.reader = p->reader;
	d.value = dc->row.value;
	d.n = dc->row.n == dc->hdr.n ? dc->row.n : 0;
	d.colidx = dc->colidx;
	d.ncolidx = npath;
	for (i = 0; i < p->ndetect; i++) {
		const struct cond *c = &p->detect[i];

		if (c->line) {
			d.raw.p = recs[0].p;
			d.raw.n = recs[0].n;
		} else if (d.n == 0) {
			return 0;	/* needs a data row */
		} else {
			d.raw.p = recs[1].p;
			d.raw.n = recs[1].n;
		}
		if (!sl_cond_holds(&dc->cx, &d, c))
			return 0;
	}
	return 1;
}

static int
detect_one(struct detectctx *dc, const struct sl_profile *p,
    const struct sl_record *recs, size_t n, size_t i)
{
	const struct sl_record *rec = &recs[i];
	struct doc d = { 0 };
	const char *err;

	if (p->reader == SL_READ_CSV || p->reader == SL_READ_TSV)
		return i == 0 && detect_csv(dc, p, recs, n);
	if (rec->flags != 0)
		return 0;
	d.reader = p->reader;
	d.raw.p = rec->p;
	d.raw.n = rec->n;
	if (p->reader == SL_READ_JSON) {
		if (dc->json_state == 0) {
			dc->json_state = -1;
			sl_evalctx_reset(&dc->cx);
			if (sl_json_parse(&dc->j, rec->p, rec->n) == 0 &&
			    dc->j.n > 0 && dc->j.t[0].type == SL_JSON_OBJECT)
				dc->json_state = 1;
		}
		if (dc->json_state < 0)
			return 0;
		d.j = &dc->j;
	} else {
		if (dc->kv_state == 0) {
			dc->kv_state = -1;
			if (rec->n > 0 && rec->p[0] != '{' &&
			    sl_kv_split(rec->p, rec->n, &dc->f, &err) == 0)
				dc->kv_state = 1;
		}
		if (dc->kv_state < 0)
			return 0;
		d.name = dc->f.name;
		d.value = dc->f.value;
		d.n = dc->f.n;
	}
	return sl_conds_hold(&dc->cx, &d, p->detect, p->ndetect);
}

const struct sl_profile *
sl_profileset_detect(const struct sl_profileset *ps,
    const struct sl_record *recs, size_t n)
{
	struct detectctx *dc;
	const struct sl_profile *found = NULL;
	size_t i, k;

	if (ps == NULL || n == 0)
		return NULL;
	if ((dc = calloc(1, sizeof(*dc))) == NULL)
		return NULL;
	if (sl_evalctx_init(&dc->cx) < 0)
		goto done;
	dc->hdr_delim = 0;
	for (i = 0; i < n && found == NULL; i++) {
		dc->json_state = dc->kv_state = 0;
		for (k = 0; k < ps->n && found == NULL; k++)
			if (detect_one(dc, ps->byscore[k], recs, n, i))
				found = ps->byscore[k];
	}
done:
	sl_evalctx_release(&dc->cx);
	sl_json_release(&dc->j);
	sl_fields_release(&dc->f);
	sl_fields_release(&dc->hdr);
	sl_fields_release(&dc->row);
	free(dc);
	return found;
}

/* ---- extraction -------------------------------------------------------- */

struct agroup {
	struct sl_buf raw;		/* its lines, joined by '\n' */
	struct sl_buf key;		/* [node:]TIME:SERIAL */
	size_t nodelen;			/* node's bytes at the start of key */
	int64_t ms;			/* the stamp's time */
	uint64_t line, off;
	int done;
};

struct sl_extractor {
	const struct sl_profile *p;
	const struct sl_tz *tz;
	int year;			/* the year rule, see sl_extract_opts */
	int64_t ref, near;
	int64_t prev_yearless;		/* time of the previous such, or 0 */
	struct sl_profile *extra;	/* --map rules, paths numbered on */
	const struct rule **fr[F__COUNT];
	size_t nfr[F__COUNT];
	struct evalctx cx;
	struct sl_json j;
	struct sl_fields f;
	int *colidx;
	size_t ncolidx;
	size_t ncols;
	int have_header;
	int embedcol;			/* column of the embedded JSON, or -1 */
	struct sl_buf fb[F__COUNT];
	size_t nlist;			/* values in the current list */
	char reason[224];
	int code;			/* enum sl_reject_code of the reason */
	/* auditd */
	struct agroup *aq;		/* events being assembled, a ring in
					 * the order of their first lines */
	size_t aqcap, aqhead, aqn;
	size_t aqbytes;			/* raw bytes of the queued events */
	struct sl_buf araw, akey;	/* the event handed out last */
	uint64_t aline, aoff;
	struct sl_buf atmp;		/* a decoded value */
	struct sl_buf aexec, atitle;	/* command lines of EXECVE, PROCTITLE */
	struct sl_buf ubuf;		/* uid names: "node\0uid\0name\0"... */
	size_t *utab;			/* offsets + 1 into ubuf, hashed */
	size_t un;
	struct sl_buf scope;		/* the event's key scope */
	struct sl_buf mbuf;		/* merged fields' text */
	struct sl_str *mname, *mval;
	size_t mn, mcap;
	size_t *moff;			/* name off, len, value off, len */
	struct sl_extract_counts counts;
	int frac[2];			/* this record's count, bytes: a value
					 * with a real fraction was passed over */
	int notime;			/* csv/tsv: no column can give the time */
	struct sl_buf problem;		/* what is wrong with the header */
	/* What the record just read showed that a cut would explain: */
	int cutlike;			/* it does not parse completely */
	int miss;			/* a value no entry of a closed
					 * table matched */
	int whole;			/* JSON that parsed: nothing cut */
};

void
sl_extractor_counts(const struct sl_extractor *x, struct sl_extract_counts *c)
{
	*c = x->counts;
}

void
sl_extractor_free(struct sl_extractor *x)
{
	size_t i;

	if (x == NULL)
		return;
	sl_profile_free(x->extra);
	for (i = 0; i < F__COUNT; i++) {
		free(x->fr[i]);
		sl_buf_release(&x->fb[i]);
	}
	sl_evalctx_release(&x->cx);
	sl_json_release(&x->j);
	sl_fields_release(&x->f);
	free(x->colidx);
	for (i = 0; i < x->aqcap; i++) {
		sl_buf_release(&x->aq[i].raw);
		sl_buf_release(&x->aq[i].key);
	}
	free(x->aq);
	sl_buf_release(&x->araw);
	sl_buf_release(&x->akey);
	sl_buf_release(&x->atmp);
	sl_buf_release(&x->aexec);
	sl_buf_release(&x->atitle);
	sl_buf_release(&x->ubuf);
	free(x->utab);
	sl_buf_release(&x->scope);
	sl_buf_release(&x->mbuf);
	sl_buf_release(&x->problem);
	free(x->mname);
	free(x->mval);
	free(x->moff);
	free(x);
}

/* Compile the --map overrides into x->extra. */
static int
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

static int
setup_rules(struct sl_extractor *x)
{
	const struct sl_profile *p = x->p, *e = x->extra;
	int over[F__COUNT] = { 0 };
	size_t i, f, k;

	for (i = 0; i < e->nrules; i++)
		over[e->rules[i].field] = 1;
	for (f = 0; f < F__COUNT; f++) {
		x->fr[f] = calloc(p->nrules + e->nrules + 1,
		    sizeof(*x->fr[f]));
		if (x->fr[f] == NULL)
			return -ENOMEM;
		k = 0;
		if (over[f]) {
			for (i = 0; i < e->nrules; i++)
				if (e->rules[i].field == (int)f)
					x->fr[f][k++] = &e->rules[i];
		} else {
			for (i = 0; i < p->nrules; i++)
				if (p->rules[i].field == (int)f)
					x->fr[f][k++] = &p->rules[i];
		}
		x->nfr[f] = k;
	}
	return 0;
}

struct sl_extractor *
sl_extractor_new(const struct sl_profile *p, const struct sl_extract_opts *o,
    char *err, size_t errlen)
{
	static const struct sl_extract_opts none = { 0 };
	struct sl_extractor *x;
	int r;

	if (o == NULL)
		o = &none;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		goto nomem;
	x->p = p;
	x->tz = p->tz != NULL ? p->tz : o->tz;
	x->year = o->year;
	x->ref = o->ref_time;
	x->near = o->near_time;
	if (sl_evalctx_init(&x->cx) < 0)
		goto nomem;
	if ((r = sl_compile_maps(x, o, err, errlen)) < 0) {
		if (r == -ENOMEM)
			goto nomem;
		sl_extractor_free(x);
		return NULL;
	}
	if (setup_rules(x) < 0)
		goto nomem;
	x->ncolidx = x->extra->npaths;
	if (x->ncolidx > 0 && (x->colidx = malloc(x->ncolidx *
	    sizeof(*x->colidx))) == NULL)
		goto nomem;
	return x;
nomem:
	sl_seterr(err, errlen, "out of memory");
	sl_extractor_free(x);
	return NULL;
}

static const char *
path_name(const struct sl_extractor *x, size_t id)
{
	if (id < x->p->npaths)
		return x->p->pathnames[id];
	return x->extra->pathnames[id];
}

/*
 * Can some time rule ever give a value with this header?  A literal can,
 * a path can when it names a column or when the row embeds a JSON record.
 * When none can, every row would be rejected for the same reason: say it
 * once, with the header's columns and the way out.
 */
static int
header_check(struct sl_extractor *x)
{
	const struct rule *ru;
	const struct term *t;
	struct sl_str s;
	size_t i, a;
	int r = 0;

	if (x->embedcol >= 0)
		return 0;
	for (i = 0; i < x->nfr[F_TIME]; i++) {
		ru = x->fr[F_TIME][i];
		for (a = 0; a < ru->nalt; a++) {
			t = &ru->alt[a];
			if (t->kind == T_LIT || (t->path.id < x->ncolidx &&
			    x->colidx[t->path.id] >= 0))
				return 0;
		}
	}
	x->notime = 1;
	sl_buf_reset(&x->problem);
	r |= sl_buf_adds(&x->problem, "no column gives the time: the header "
	    "has columns ");
	for (i = 0; i < x->f.n; i++) {
		if (x->problem.n > 400) {
			r |= sl_buf_adds(&x->problem, ", ...");
			break;
		}
		s = sl_header_name(x->f.value[i], i == 0);
		if (i > 0)
			r |= sl_buf_adds(&x->problem, ", ");
		r |= sl_buf_add(&x->problem, s.p, s.n > 64 ? 64 : s.n);
	}
	r |= sl_buf_adds(&x->problem, "; use --map time=COLUMN");
	return r < 0 ? -ENOMEM : 0;
}

static int
read_header(struct sl_extractor *x, const struct sl_record *rec,
    const char **reason)
{
	const char *err = NULL;
	size_t off = 0, i;
	int r;

	r = sl_split_delim(x->p->reader, rec->p, rec->n, &x->f, &err, &off);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		snprintf(x->reason, sizeof(x->reason),
		    "bad header at byte %zu: %s", off, err ? err : "?");
		*reason = x->reason;
		x->code = SL_REJECT_BAD_ROW;
		return -EBADMSG;
	}
	x->ncols = x->f.n;
	x->embedcol = x->p->embed == NULL ? -1 :
	    sl_header_find(&x->f, x->p->embed, strlen(x->p->embed));
	for (i = 0; i < x->ncolidx; i++) {
		const char *nm = path_name(x, i);

		x->colidx[i] = sl_header_find(&x->f, nm, strlen(nm));
	}
	x->have_header = 1;
	return header_check(x);
}

const char *
sl_extractor_problem(const struct sl_extractor *x)
{
	return x->problem.n > 0 ? x->problem.p : NULL;
}

/* Evaluate one term into cx->vals; returns the count. */
static size_t
term_eval(struct sl_extractor *x, const struct doc *d, const struct term *t,
    uint64_t *lenv)
{
	size_t n, i;

	if (t->kind == T_LIT) {
		x->cx.vals[0].tok = -1;
		x->cx.vals[0].s.p = t->lit;
		x->cx.vals[0].s.n = t->litlen;
		return 1;
	}
	n = path_eval(&x->cx, d, &t->path);
	if (t->kind == T_LEN) {
		uint64_t sum = 0;

		for (i = 0; i < n; i++) {
			const struct val *v = &x->cx.vals[i];

			if (v->tok >= 0 && (d->j->t[v->tok].type ==
			    SL_JSON_ARRAY || d->j->t[v->tok].type ==
			    SL_JSON_OBJECT))
				sum += d->j->t[v->tok].count;
			else if (v->tok >= 0 && d->j->t[v->tok].type ==
			    SL_JSON_NULL)
				continue;
			else if (v->tok >= 0 || v->s.n > 0)
				sum++;
		}
		*lenv = sum;
		return n > 0 ? 1 : 0;
	}
	return n;
}

/*
 * A count or bytes value: a non-negative integer, written as digits or as
 * a JSON number whose fraction is zero or whose exponent makes it whole
 * (89.0, 1.2E4, 1e3), read with exact decimal arithmetic, never through a
 * double.  0 with *v set; 1 for a number with a real fraction (12.5, 1e-3),
 * which leaves the field unknown; -EINVAL for anything else, including a
 * negative number and a whole one above INT64_MAX (1E30).
 */
static int
sl_parse_num(struct sl_str s, int64_t *v)
{
	const char *p = s.p, *e = s.p + s.n, *dig, *frac = NULL;
	size_t nint, nfrac = 0, i, ndig;
	int64_t exp = 0, point;
	uint64_t x = 0;
	int eneg = 0;

	while (p < e && *p == ' ')
		p++;
	dig = p;
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	if ((nint = (size_t)(p - dig)) == 0)
		return -EINVAL;
	if (p < e && *p == '.') {
		frac = ++p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if ((nfrac = (size_t)(p - frac)) == 0)
			return -EINVAL;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == e)
			return -EINVAL;
		for (; p < e && *p >= '0' && *p <= '9'; p++)
			if (exp < 100000)	/* beyond it, only the sign
						 * matters */
				exp = exp * 10 + (*p - '0');
	}
	if (p != e)
		return -EINVAL;
	/* The digits int||frac with the decimal point after "point" of
	 * them: those before it make the value, those after must be 0. */
	ndig = nint + nfrac;
	point = (int64_t)nint + (eneg ? -exp : exp);
	for (i = 0; i < ndig; i++) {
		char c = i < nint ? dig[i] : frac[i - nint];

		if ((int64_t)i >= point) {
			if (c != '0')
				return 1;
			continue;
		}
		if (x > ((uint64_t)INT64_MAX - (uint64_t)(c - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(c - '0');
	}
	/* Zeros the exponent adds after the digits. */
	for (; point > (int64_t)ndig && x != 0; point--) {
		if (x > (uint64_t)INT64_MAX / 10)
			return -EINVAL;
		x *= 10;
	}
	*v = (int64_t)x;
	return 0;
}

/* Does this text suit the field?  A count or bytes with a real fraction
 * does not, and is remembered so that the log can say so. */
static int
value_ok(struct sl_extractor *x, int field, struct sl_str s)
{
	int64_t v;
	int r;

	if (s.n == 0)
		return 0;
	switch (field) {
	case F_ACTION:
		return sl_action_parse(s.p, s.n) >= 0;
	case F_OUTCOME:
		return sl_outcome_parse(s.p, s.n) >= 0;
	case F_COUNT:
	case F_BYTES:
		if ((r = sl_parse_num(s, &v)) == 1)
			x->frac[field == F_COUNT ? 0 : 1] = 1;
		return r == 0;
	default:
		return 1;
	}
}

/* Append s to a list separated by sep unless it is there already. */
static int
list_add(struct sl_buf *b, struct sl_str s, int sep)
{
	const char *p, *e, *nl;

	if (b->n > 0) {
		p = b->p;
		e = b->p + b->n;
		for (;;) {
			nl = memchr(p, sep, (size_t)(e - p));
			if (nl == NULL)
				nl = e;
			if ((size_t)(nl - p) == s.n &&
			    memcmp(p, s.p, s.n) == 0)
				return 0;
			if (nl == e)
				break;
			p = nl + 1;
		}
		if (sl_buf_addc(b, sep) < 0)
			return -ENOMEM;
	}
	return sl_buf_add(b, s.p, s.n);
}

/* after(PATH, "sep"): the text after the last sep, or all of it. */
static void
after(const struct term *t, struct sl_str *s)
{
	size_t i;

	if (s->n < t->litlen)
		return;
	for (i = s->n - t->litlen + 1; i-- > 0;)
		if (memcmp(s->p + i, t->lit, t->litlen) == 0) {
			s->p += i + t->litlen;
			s->n -= i + t->litlen;
			return;
		}
}

/* A table without a catch-all entry "*": its entries are all the values
 * the format has. */
static int
table_closed(const struct table *tb)
{
	size_t k;

	for (k = 0; k < tb->n; k++)
		if (tb->e[k].patlen == 1 && tb->e[k].pat[0] == '*')
			return 0;
	return 1;
}

/*
 * re(PATH, "pattern"): the text of the first capturing group that took part
 * in the match, else the whole match; 0 when the pattern does not match.
 */
static int
re_capture(struct evalctx *cx, const pcre2_code *re, struct sl_str *s)
{
	PCRE2_SIZE *ov;
	int rc, i;

	rc = pcre2_match(re, (PCRE2_SPTR)(s->p != NULL ? s->p : ""), s->n, 0,
	    0, cx->md, cx->mc);
	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(cx->md);
	for (i = 1; i < rc; i++)
		if (ov[2 * i] != PCRE2_UNSET)
			break;
	if (i >= rc)
		i = 0;
	s->p += ov[2 * i];
	s->n = ov[2 * i + 1] - ov[2 * i];
	return 1;
}

/* What a term makes of one value's text; 0 when it drops the value. */
static int
term_text(struct sl_extractor *x, const struct term *t, struct sl_str *s)
{
	if (t->kind == T_AFTER)
		after(t, s);
	else if (t->kind == T_RE)
		return re_capture(&x->cx, t->re, s);
	return 1;
}

/*
 * Apply one rule; 1 when it gave a value (appended to x->fb[field]), 0 when
 * not, -ENOMEM.
 */
static int
sl_rule_apply(struct sl_extractor *x, const struct doc *d,
    const struct rule *ru)
{
	struct sl_buf *out = &x->fb[ru->field];
	const struct table *tb = NULL;
	struct sl_str s;
	char num[24];
	uint64_t lenv = 0;
	size_t a, n, i, k;
	int got = 0, looked;

	if (!sl_conds_hold(&x->cx, d, ru->cond, ru->ncond))
		return 0;
	if (ru->table >= 0)
		tb = &x->p->tables[ru->table];
	for (a = 0; a < ru->nalt; a++) {
		const struct term *t = &ru->alt[a];

		n = term_eval(x, d, t, &lenv);
		if (n == 0)
			continue;
		if (t->kind == T_LEN) {
			x->cx.vals[0].tok = -1;
			x->cx.vals[0].s.p = num;
			x->cx.vals[0].s.n = (size_t)snprintf(num, sizeof(num),
			    "%" PRIu64, lenv);
			n = 1;
		}
		if (tb != NULL) {
			looked = 0;
			for (k = 0; k < tb->n; k++) {
				for (i = 0; i < n; i++) {
					if (val_text(&x->cx, d, &x->cx.vals[i],
					    &s) < 0)
						return -ENOMEM;
					if (!term_text(x, t, &s))
						continue;
					/* tables map single values only */
					if (x->cx.vals[i].tok >= 0 &&
					    d->j->t[x->cx.vals[i].tok].type >=
					    SL_JSON_ARRAY)
						continue;
					if (s.n == 0)
						continue;
					looked = 1;
					if (sl_glob_match(tb->e[k].pat,
					    tb->e[k].patlen, s.p, s.n,
					    tb->nocase))
						goto mapped;
				}
			}
			if (looked && table_closed(tb))
				x->miss = 1;
			continue;
mapped:
			s.p = tb->e[k].val;
			s.n = tb->e[k].vallen;
			if (!value_ok(x, ru->field, s))
				continue;
			return list_add(out, s, '\n') < 0 ? -ENOMEM : 1;
		}
		for (i = 0; i < n; i++) {
			if (val_text(&x->cx, d, &x->cx.vals[i], &s) < 0)
				return -ENOMEM;
			if (!term_text(x, t, &s))
				continue;
			if (!value_ok(x, ru->field, s))
				continue;
			/* de-duplication is quadratic: bound the list */
			if (x->nlist >= MAX_LIST)
				return 1;
			x->nlist++;
			if (list_add(out, s, ru->field == F_KIND ? ',' :
			    '\n') < 0)
				return -ENOMEM;
			got = 1;
			if (ru->field != F_RESOURCE && ru->field != F_KIND)
				return 1;
		}
		if (got)
			return 1;
	}
	return got;
}

static struct sl_str
sl_fb_str(const struct sl_buf *b)
{
	struct sl_str s;

	s.p = b->n > 0 ? b->p : "";
	s.n = b->n;
	return s;
}

/* Quote at most 40 bytes of s into dst, escaping what is not printable. */
static void
quote_short(char *dst, size_t dn, struct sl_str s)
{
	size_t i, o = 0, lim = s.n > 40 ? 40 : s.n;

	for (i = 0; i < lim && o + 5 < dn; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(dst + o, dn - o, "\\x%02x", c);
		} else {
			dst[o++] = (char)c;
		}
	}
	if (s.n > lim && o + 4 < dn) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

/*
 * The address of a source without its port, so that filters and
 * comparisons by address work whatever the log added: "203.0.113.7:28491"
 * and "host.example:443" lose ":PORT", "[2001:db8::1]:25138" and
 * "[2001:db8::1]" give "2001:db8::1".  Text with more than one colon
 * outside brackets is a bare IPv6 address ("2001:db8::1",
 * "::ffff:192.0.2.1") and stays as it is: its last group is no port.
 */
static struct sl_str
src_address(struct sl_str s)
{
	const char *c, *rb;
	size_t i, np;

	if (s.n > 2 && s.p[0] == '[') {
		rb = memchr(s.p, ']', s.n);
		if (rb == NULL || rb == s.p + 1)
			return s;
		np = s.n - (size_t)(rb + 1 - s.p);
		if (np > 0 && (rb[1] != ':' || np < 2 || np > 6))
			return s;
		for (i = 2; i <= np; i++)
			if (rb[i] < '0' || rb[i] > '9')
				return s;
		s.n = (size_t)(rb - s.p) - 1;
		s.p++;
		return s;
	}
	c = memchr(s.p, ':', s.n);
	if (c == NULL || c == s.p ||
	    memchr(c + 1, ':', s.n - (size_t)(c + 1 - s.p)) != NULL)
		return s;
	np = s.n - (size_t)(c + 1 - s.p);
	if (np == 0 || np > 5)
		return s;
	for (i = 1; i <= np; i++)
		if (c[i] < '0' || c[i] > '9')
			return s;
	s.n = (size_t)(c - s.p);
	return s;
}

/*
 * Where the event's key is unique: the profile's family, for keyscope host
 * with the host after '@'.  A key without a known scope (keyscope none, or
 * no host) is not compared across users.
 */
static int
key_scope(struct sl_extractor *x, struct sl_event *ev)
{
	const struct sl_profile *p = x->p;
	const char *fam = p->family != NULL ? p->family : p->name;
	struct sl_str host = sl_fb_str(&x->fb[F_HOST]);

	sl_buf_reset(&x->scope);
	ev->scope.p = NULL;
	ev->scope.n = 0;
	if (ev->key.n == 0 || p->keyscope == KS_NONE ||
	    (p->keyscope == KS_HOST && host.n == 0))
		return 1;
	if (sl_buf_add(&x->scope, fam, strlen(fam)) < 0 ||
	    (p->keyscope == KS_HOST && (sl_buf_addc(&x->scope, '@') < 0 ||
	    sl_buf_add(&x->scope, host.p, host.n) < 0)))
		return -ENOMEM;
	ev->scope.p = x->scope.p;
	ev->scope.n = x->scope.n;
	return 1;
}

/*
 * A time without a year, by the rules of sl_extract_opts.  0, -EINVAL when
 * it is no valid time, -ENOENT when nothing gives its year.
 */
static int
yearless_time(struct sl_extractor *x, struct sl_str s, int64_t *us)
{
	int64_t y;
	int r;

	if (x->ref != 0)
		r = sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_BEFORE, x->ref, us,
		    &y);
	else if (x->prev_yearless != 0)
		r = sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_NEAR,
		    x->prev_yearless, us, &y);
	else if (x->year > 0)
		r = sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_IS, x->year, us,
		    &y);
	else if (x->near != 0)
		r = sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_NEAR, x->near, us,
		    &y);
	else if (sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_IS, 2000, us,
	    &y) < 0)
		return -EINVAL;	/* not a time at all (2000 has Feb 29) */
	else
		return -ENOENT;
	if (r < 0)
		return r;
	/* 0 marks "none": a time at the very epoch moves by a microsecond */
	x->prev_yearless = *us != 0 ? *us : 1;
	if (x->counts.yearless == 0 || y < x->counts.year_lo)
		x->counts.year_lo = y;
	if (x->counts.yearless == 0 || y > x->counts.year_hi)
		x->counts.year_hi = y;
	x->counts.yearless++;
	return 0;
}

/* Fill ev from the record as d presents it. */
static int
sl_extract(struct sl_extractor *x, const struct doc *d, struct sl_event *ev,
    const char **reason)
{
	struct sl_str s;
	char q[180];
	size_t f, i;
	int r, act, zoned;

	sl_evalctx_reset(&x->cx);
	ev->flags = 0;
	x->frac[0] = x->frac[1] = 0;
	for (f = 0; f < F__COUNT; f++) {
		sl_buf_reset(&x->fb[f]);
		x->nlist = 0;
		for (i = 0; i < x->nfr[f]; i++) {
			if (f == F_FLAG) {
				if (sl_conds_hold(&x->cx, d, x->fr[f][i]->cond,
				    x->fr[f][i]->ncond))
					ev->flags |= SL_EV_BACKEND;
				continue;
			}
			r = sl_rule_apply(x, d, x->fr[f][i]);
			if (r < 0)
				return r;
			if (r > 0 && f != F_RESOURCE)
				break;
		}
		/* A field needed for the rest is checked early. */
		if (f == F_TIME) {
			s = sl_fb_str(&x->fb[F_TIME]);
			if (s.n == 0) {
				*reason = "no time field";
				x->code = SL_REJECT_NO_TIME;
				return -EBADMSG;
			}
			zoned = 0;
			if (sl_time_yearless(s.p, s.n, x->p->timefmt))
				r = yearless_time(x, s, &ev->time);
			else
				r = sl_time_parse(s.p, s.n, x->p->timefmt,
				    x->tz, 0, &ev->time, &zoned);
			if (r == -ENOENT) {
				quote_short(q, sizeof(q), s);
				snprintf(x->reason, sizeof(x->reason),
				    "no year for \"%s\": give --year", q);
				*reason = x->reason;
				x->code = SL_REJECT_NO_YEAR;
				return -EBADMSG;
			}
			if (r < 0) {
				quote_short(q, sizeof(q), s);
				snprintf(x->reason, sizeof(x->reason),
				    "unparseable time \"%s\"", q);
				*reason = x->reason;
				x->code = SL_REJECT_BAD_TIME;
				x->cutlike = 1;
				return -EBADMSG;
			}
			if (!zoned)
				x->counts.zoneless++;
		} else if (f == F_USER && x->fb[F_USER].n == 0) {
			*reason = "no user";
			x->code = SL_REJECT_NO_USER;
			return -EBADMSG;
		}
	}
	ev->user = sl_fb_str(&x->fb[F_USER]);
	ev->session = sl_fb_str(&x->fb[F_SESSION]);
	s = sl_fb_str(&x->fb[F_ACTION]);
	act = s.n > 0 ? sl_action_parse(s.p, s.n) : SL_ACT_OTHER;
	ev->action = act >= 0 ? act : SL_ACT_OTHER;
	s = sl_fb_str(&x->fb[F_OUTCOME]);
	act = s.n > 0 ? sl_outcome_parse(s.p, s.n) : SL_OUT_UNKNOWN;
	ev->outcome = act >= 0 ? act : SL_OUT_UNKNOWN;
	ev->resource = sl_fb_str(&x->fb[F_RESOURCE]);
	ev->query = sl_fb_str(&x->fb[F_QUERY]);
	ev->count = -1;
	ev->bytes = -1;
	if (x->fb[F_COUNT].n > 0)
		(void)sl_parse_num(sl_fb_str(&x->fb[F_COUNT]), &ev->count);
	else if (x->frac[0])
		x->counts.fractional++;
	if (x->fb[F_BYTES].n > 0)
		(void)sl_parse_num(sl_fb_str(&x->fb[F_BYTES]), &ev->bytes);
	else if (x->frac[1])
		x->counts.fractional++;
	ev->purpose = sl_fb_str(&x->fb[F_PURPOSE]);
	ev->src = src_address(sl_fb_str(&x->fb[F_SRC]));
	ev->trace = sl_fb_str(&x->fb[F_TRACE]);
	ev->kind = sl_fb_str(&x->fb[F_KIND]);
	ev->key = sl_fb_str(&x->fb[F_KEY]);
	return key_scope(x, ev);
}

/* ---- auditd events ----------------------------------------------------- */

static int
merged_add(struct sl_extractor *x, struct sl_str name, struct sl_str val)
{
	size_t *o;

	if (x->mn == x->mcap) {
		size_t nc = x->mcap ? x->mcap * 2 : 64;

		if ((o = realloc(x->moff, nc * 4 * sizeof(*o))) == NULL)
			return -ENOMEM;
		x->moff = o;
		x->mcap = nc;
	}
	o = &x->moff[x->mn * 4];
	o[0] = x->mbuf.n;
	o[1] = name.n;
	if (sl_buf_add(&x->mbuf, name.p, name.n) < 0)
		return -ENOMEM;
	o[2] = x->mbuf.n;
	o[3] = val.n;
	if (sl_buf_add(&x->mbuf, val.p, val.n) < 0)
		return -ENOMEM;
	x->mn++;
	return 0;
}

static int
merged_adds(struct sl_extractor *x, const char *name, struct sl_str val)
{
	struct sl_str nm;

	nm.p = name;
	nm.n = strlen(name);
	return merged_add(x, nm, val);
}

static int
all_digits(struct sl_str s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return s.n > 0;
}

/* "a0", "a1", ...: the arguments of an EXECVE record. */
static int
is_arg(struct sl_str nm)
{
	nm.p++;
	nm.n--;
	return nm.n > 0 && nm.p[-1] == 'a' && all_digits(nm);
}

/*
 * Fields whose value auditd writes in hex when it holds a space, a quote,
 * a control character or a byte above 0x7e (audit_log_n_untrustedstring),
 * and in double quotes otherwise.
 */
static int
hexable(struct sl_str nm, int execve)
{
	static const char *const names[] = {
		"acct", "cmd", "comm", "cwd", "exe", "name", "path",
		"proctitle",
	};
	size_t i;

	if (execve && nm.n > 1 && is_arg(nm))
		return 1;
	for (i = 0; i < SL_ARRAY_LEN(names); i++)
		if (sl_str_eq(nm, names[i]))
			return 1;
	return 0;
}

/*
 * Decode v into x->atmp if the line wrote it bare (not in quotes) as an
 * even number of hex digits; NUL bytes (proctitle separates argv with
 * them) become spaces, trailing ones go.  1 when decoded.
 */
static int
unhex(struct sl_extractor *x, const char *line, size_t n, struct sl_str *v)
{
	size_t i;
	int hi, lo;

	/* A quoted value starts after a quote, or was unescaped out of
	 * the line. */
	if (v->n == 0 || v->n % 2 != 0 || v->p <= line || v->p > line + n ||
	    v->p[-1] != '=')
		return 0;
	for (i = 0; i < v->n; i++)
		if (sl_hexval((unsigned char)v->p[i]) < 0)
			return 0;
	sl_buf_reset(&x->atmp);
	if (sl_buf_grow(&x->atmp, v->n / 2) < 0)
		return -ENOMEM;
	for (i = 0; i < v->n; i += 2) {
		hi = sl_hexval((unsigned char)v->p[i]);
		lo = sl_hexval((unsigned char)v->p[i + 1]);
		x->atmp.p[x->atmp.n++] = (char)(hi << 4 | lo);
	}
	while (x->atmp.n > 0 && x->atmp.p[x->atmp.n - 1] == '\0')
		x->atmp.n--;
	for (i = 0; i < x->atmp.n; i++)
		if (x->atmp.p[i] == '\0')
			x->atmp.p[i] = ' ';
	v->p = x->atmp.n > 0 ? x->atmp.p : "";
	v->n = x->atmp.n;
	return 1;
}

/* The slot of (node, uid) in the uid table: its entry or an empty one. */
static size_t
uid_slot(const struct sl_extractor *x, struct sl_str node, struct sl_str uid)
{
	size_t mask = 2 * AUDIT_UIDS_MAX - 1, h;
	const char *e;

	h = (size_t)(sl_hash64(node.p, node.n) * 31 ^ sl_hash64(uid.p, uid.n));
	for (h &= mask; x->utab[h] != 0; h = (h + 1) & mask) {
		e = x->ubuf.p + x->utab[h] - 1;
		if (strlen(e) == node.n && memcmp(e, node.p, node.n) == 0 &&
		    strlen(e + node.n + 1) == uid.n &&
		    memcmp(e + node.n + 1, uid.p, uid.n) == 0)
			break;
	}
	return h;
}

/* The name a line pairs with a uid (the ENRICHED part), kept per node. */
static int
uid_learn(struct sl_extractor *x, struct sl_str node, struct sl_str uid,
    struct sl_str name)
{
	size_t h, off;

	if (!all_digits(uid) || sl_str_eq(uid, "4294967295") || name.n == 0 ||
	    sl_str_eq(name, "unset") || memchr(name.p, '\0', name.n) != NULL)
		return 0;
	if (x->utab == NULL && (x->utab = calloc(2 * AUDIT_UIDS_MAX,
	    sizeof(*x->utab))) == NULL)
		return -ENOMEM;
	h = uid_slot(x, node, uid);
	if (x->utab[h] != 0 || x->un == AUDIT_UIDS_MAX)
		return 0;
	off = x->ubuf.n;
	if (sl_buf_add(&x->ubuf, node.p, node.n) < 0 ||
	    sl_buf_addc(&x->ubuf, '\0') < 0 ||
	    sl_buf_add(&x->ubuf, uid.p, uid.n) < 0 ||
	    sl_buf_addc(&x->ubuf, '\0') < 0 ||
	    sl_buf_add(&x->ubuf, name.p, name.n) < 0 ||
	    sl_buf_addc(&x->ubuf, '\0') < 0)
		return -ENOMEM;
	x->utab[h] = off + 1;
	x->un++;
	return 0;
}

/*
 * A uid as the user it names: the name the log paired it with on this
 * node, else "root" for 0 (root on every Linux system), else the number.
 */
static struct sl_str
uid_name(const struct sl_extractor *x, struct sl_str node, struct sl_str uid)
{
	struct sl_str s;
	size_t h;

	if (x->utab != NULL) {
		h = uid_slot(x, node, uid);
		if (x->utab[h] != 0) {
			s.p = x->ubuf.p + x->utab[h] - 1 + node.n + 1 +
			    uid.n + 1;
			s.n = strlen(s.p);
			return s;
		}
	}
	if (sl_str_eq(uid, "0")) {
		s.p = "root";
		s.n = 4;
		return s;
	}
	return uid;
}

/* Learn the names this line gives its uids. */
static int
line_uids(struct sl_extractor *x, struct sl_str node)
{
	static const char *const ids[][2] = {
		{ "auid", "AUID" }, { "uid", "UID" }, { "euid", "EUID" },
		{ "suid", "SUID" }, { "fsuid", "FSUID" }, { "ouid", "OUID" },
		{ "old-auid", "OLD-AUID" }, { "id", "ID" },
	};
	struct sl_str num, name;
	size_t k, i;
	int r;

	for (k = 0; k < SL_ARRAY_LEN(ids); k++) {
		num.n = name.n = 0;
		for (i = 0; i < x->f.n; i++) {
			if (num.n == 0 && sl_str_eq(x->f.name[i], ids[k][0]))
				num = x->f.value[i];
			else if (name.n == 0 &&
			    sl_str_eq(x->f.name[i], ids[k][1]))
				name = x->f.value[i];
		}
		if (num.n > 0 && name.n > 0 &&
		    (r = uid_learn(x, node, num, name)) < 0)
			return r;
	}
	return 0;
}

/* Merge the fields of one line (split into x->f) into the event's. */
static int
line_merge(struct sl_extractor *x, const char *p, size_t n)
{
	struct sl_str type = { "", 0 }, v;
	size_t i;
	int execve = 0, title, r, chunked = 0;

	for (i = 0; i < x->f.n; i++) {
		if (sl_str_eq(x->f.name[i], "type")) {
			type = x->f.value[i];
			break;
		}
	}
	execve = sl_str_eq(type, "EXECVE");
	title = sl_str_eq(type, "PROCTITLE");
	for (i = 0; i < x->f.n; i++) {
		v = x->f.value[i];
		if (hexable(x->f.name[i], execve) &&
		    (r = unhex(x, p, n, &v)) < 0)
			return r;
		if (merged_add(x, x->f.name[i], v) < 0)
			return -ENOMEM;
		if (execve && x->f.name[i].n > 1 && is_arg(x->f.name[i])) {
			if ((x->aexec.n > 0 && sl_buf_addc(&x->aexec,
			    ' ') < 0) || sl_buf_add(&x->aexec, v.p, v.n) < 0)
				return -ENOMEM;
		} else if (execve && x->f.name[i].n > 4 &&
		    memcmp(x->f.name[i].p + x->f.name[i].n - 4, "_len",
		    4) == 0) {
			chunked = 1;
		} else if (title && x->atitle.n == 0 &&
		    sl_str_eq(x->f.name[i], "proctitle") &&
		    sl_buf_add(&x->atitle, v.p, v.n) < 0) {
			return -ENOMEM;
		}
	}
	/* An argument too long for one record comes in pieces (a1_len=,
	 * a1[0]=...): the proctitle tells the command then. */
	if (chunked)
		x->aexec.n = 0;
	return 0;
}

/* The first value of a merged field, or an empty string. */
static struct sl_str
merged_get(const struct sl_extractor *x, const char *name)
{
	struct sl_str s = { "", 0 };
	size_t i, k = strlen(name);

	for (i = 0; i < x->mn; i++) {
		const size_t *o = &x->moff[i * 4];

		if (o[1] == k && memcmp(x->mbuf.p + o[0], name, k) == 0) {
			s.p = x->mbuf.p + o[2];
			s.n = o[3];
			break;
		}
	}
	return s;
}

/* Build the event of the group in x->araw (key x->akey). */
static int
group_emit(struct sl_extractor *x, struct sl_event *ev, const char **reason)
{
	const struct sl_buf *g = &x->araw;
	struct sl_audit_head h;
	struct doc d = { 0 };
	const char *p, *e, *nl, *err;
	struct sl_str node = { "", 0 }, s;
	size_t i;
	int r;

	sl_buf_reset(&x->mbuf);
	sl_buf_reset(&x->aexec);
	sl_buf_reset(&x->atitle);
	x->mn = 0;
	if (merged_adds(x, "_id", sl_fb_str(&x->akey)) < 0)
		return -ENOMEM;
	p = g->p;
	e = g->p + g->n;
	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		if (sl_audit_head(p, (size_t)(nl - p), &h))
			node = h.node;
		if (sl_kv_split(p, (size_t)(nl - p), &x->f, &err) == 0 &&
		    ((r = line_merge(x, p, (size_t)(nl - p))) < 0 ||
		    (r = line_uids(x, node)) < 0))
			return r;
		p = nl + 1;
	}
	/* The command line: EXECVE's arguments are whole, the proctitle
	 * stops at 128 bytes. */
	s = sl_fb_str(x->aexec.n > 0 ? &x->aexec : &x->atitle);
	if (s.n > 0 && merged_adds(x, "_cmdline", s) < 0)
		return -ENOMEM;
	/* node points into the raw text, which does not move */
	s = merged_get(x, "auid");
	if (all_digits(s) && !sl_str_eq(s, "4294967295") &&
	    merged_adds(x, "_auid", uid_name(x, node, s)) < 0)
		return -ENOMEM;
	s = merged_get(x, "uid");
	if (all_digits(s) && !sl_str_eq(s, "4294967295") &&
	    merged_adds(x, "_uid", uid_name(x, node, s)) < 0)
		return -ENOMEM;
	if (x->mn > 0) {
		struct sl_str *a = realloc(x->mname, x->mn * sizeof(*a));

		if (a == NULL)
			return -ENOMEM;
		x->mname = a;
		if ((a = realloc(x->mval, x->mn * sizeof(*a))) == NULL)
			return -ENOMEM;
		x->mval = a;
	}
	for (i = 0; i < x->mn; i++) {
		size_t *o = &x->moff[i * 4];

		x->mname[i].p = x->mbuf.p + o[0];
		x->mname[i].n = o[1];
		x->mval[i].p = x->mbuf.p + o[2];
		x->mval[i].n = o[3];
	}
	d.reader = SL_READ_AUDITD;
	d.name = x->mname;
	d.value = x->mval;
	d.n = x->mn;
	d.raw = sl_fb_str(g);
	r = sl_extract(x, &d, ev, reason);
	ev->line = x->aline;
	ev->offset = x->aoff;
	ev->raw = d.raw;
	return r;
}

#define AQ(x, i) (&(x)->aq[((x)->aqhead + (i)) % (x)->aqcap])

/* Hand out the first queued event if it is complete (or all is set). */
static int
next_ready(struct sl_extractor *x, int all, struct sl_event *ev,
    const char **reason)
{
	struct agroup *g;
	struct sl_buf t;

	if (x->aqn == 0)
		return 0;
	g = AQ(x, 0);
	if (!g->done && !all)
		return 0;
	/* Its buffers become the handed-out event's, which the event
	 * borrows until the next call; the slot gets the old ones. */
	t = x->araw;
	x->araw = g->raw;
	g->raw = t;
	t = x->akey;
	x->akey = g->key;
	g->key = t;
	x->aline = g->line;
	x->aoff = g->off;
	x->aqbytes -= x->araw.n;
	x->aqhead = (x->aqhead + 1) % x->aqcap;
	x->aqn--;
	return group_emit(x, ev, reason);
}

/* Room for one more event in the ring (it only grows when the caller
 * does not take the complete events out). */
static int
ring_room(struct sl_extractor *x)
{
	struct agroup *a;
	size_t i, nc;

	if (x->aqn < x->aqcap)
		return 0;
	nc = x->aqcap ? x->aqcap * 2 : AUDIT_OPEN_MAX + 1;
	if ((a = calloc(nc, sizeof(*a))) == NULL)
		return -ENOMEM;
	for (i = 0; i < x->aqcap; i++)
		a[i] = *AQ(x, i);
	free(x->aq);
	x->aq = a;
	x->aqhead = 0;
	x->aqcap = nc;
	return 0;
}

static int
key_is(const struct agroup *g, const struct sl_audit_head *h)
{
	const char *k = g->key.p;
	size_t n = h->time.n + 1 + h->serial.n;

	if (g->ms != h->ms || g->nodelen != h->node.n ||
	    g->key.n != g->nodelen + (g->nodelen > 0) + n)
		return 0;
	if (g->nodelen > 0) {
		if (memcmp(k, h->node.p, h->node.n) != 0)
			return 0;
		k += g->nodelen + 1;
	}
	return memcmp(k, h->time.p, h->time.n) == 0 &&
	    memcmp(k + h->time.n + 1, h->serial.p, h->serial.n) == 0;
}

static int
sl_auditd_record(struct sl_extractor *x, const struct sl_record *rec,
    struct sl_event *ev, const char **reason)
{
	struct sl_audit_head h;
	struct agroup *g = NULL, *c;
	size_t i, nfree, bfree;
	int have, r;

	have = sl_audit_head(rec->p, rec->n, &h);
	/* Newest first: the lines of an event are seldom far apart. */
	for (i = x->aqn; have && i-- > 0;) {
		c = AQ(x, i);
		if (key_is(c, &h)) {
			g = c;
			break;
		}
	}
	if (g != NULL) {
		if (g->raw.n + 1 + rec->n > MAX_GROUP_BYTES) {
			*reason = "auditd event longer than 1 MiB: line "
			    "not joined to it";
			x->code = SL_REJECT_TOO_LONG;
			return -EBADMSG;
		}
		if (sl_buf_addc(&g->raw, '\n') < 0 ||
		    sl_buf_add(&g->raw, rec->p, rec->n) < 0)
			return -ENOMEM;
		x->aqbytes += 1 + rec->n;
		if (sl_str_eq(h.type, "EOE"))
			g->done = 1;
		return next_ready(x, 0, ev, reason);
	}
	/* A new event: older ones of its node are complete after the
	 * timeout, and a full window closes the oldest. */
	for (i = 0; have && i < x->aqn; i++) {
		c = AQ(x, i);
		if (!c->done && c->nodelen == h.node.n &&
		    memcmp(c->key.p, h.node.p, h.node.n) == 0 &&
		    c->ms <= h.ms - AUDIT_EOE_MS)
			c->done = 1;
	}
	for (i = nfree = bfree = 0; i < x->aqn &&
	    (x->aqn - nfree >= AUDIT_OPEN_MAX ||
	    x->aqbytes - bfree + rec->n > AUDIT_WINDOW_BYTES); i++) {
		c = AQ(x, i);
		c->done = 1;
		nfree++;
		bfree += c->raw.n;
	}
	if ((r = ring_room(x)) < 0)
		return r;
	g = AQ(x, x->aqn);
	sl_buf_reset(&g->raw);
	sl_buf_reset(&g->key);
	g->nodelen = 0;
	g->ms = 0;
	g->done = 1;		/* a line without a stamp stands alone */
	if (have) {
		if ((h.node.n > 0 && (sl_buf_add(&g->key, h.node.p,
		    h.node.n) < 0 || sl_buf_addc(&g->key, ':') < 0)) ||
		    sl_buf_add(&g->key, h.time.p, h.time.n) < 0 ||
		    sl_buf_addc(&g->key, ':') < 0 ||
		    sl_buf_add(&g->key, h.serial.p, h.serial.n) < 0)
			return -ENOMEM;
		g->nodelen = h.node.n;
		g->ms = h.ms;
		/* an EOE whose event was already handed out stands alone */
		g->done = sl_str_eq(h.type, "EOE");
	}
	if (sl_buf_add(&g->raw, rec->p, rec->n) < 0)
		return -ENOMEM;
	g->line = rec->line;
	g->off = rec->offset;
	x->aqbytes += rec->n;
	x->aqn++;
	return next_ready(x, 0, ev, reason);
}

int
sl_extract_code(const struct sl_extractor *x)
{
	return x != NULL ? x->code : SL_REJECT_OTHER;
}

int
sl_extract_next(struct sl_extractor *x, struct sl_event *ev,
    const char **reason)
{
	*reason = NULL;
	if (x != NULL)
		x->code = SL_REJECT_OTHER;
	if (x == NULL || x->p->reader != SL_READ_AUDITD)
		return 0;
	return next_ready(x, 0, ev, reason);
}

int
sl_extract_flush(struct sl_extractor *x, struct sl_event *ev,
    const char **reason)
{
	*reason = NULL;
	if (x != NULL)
		x->code = SL_REJECT_OTHER;
	if (x == NULL || x->p->reader != SL_READ_AUDITD)
		return 0;
	return next_ready(x, 1, ev, reason);
}

static int
extract_record(struct sl_extractor *x, const struct sl_record *rec,
    struct sl_event *ev, const char **reason)
{
	struct doc d = { 0 };
	const char *err = NULL;
	size_t off = 0;
	int r;

	*reason = NULL;
	if (rec->flags & SL_REC_TOOLONG) {
		*reason = "record longer than the limit";
		x->code = SL_REJECT_TOO_LONG;
		return -EBADMSG;
	}
	if (rec->flags & SL_REC_CUT) {
		*reason = CUT_REASON;
		x->code = SL_REJECT_CUT;
		return -EBADMSG;
	}
	/* Every failure to parse below is one a cut would explain. */
	x->cutlike = 1;
	d.reader = x->p->reader;
	d.raw.p = rec->p;
	d.raw.n = rec->n;
	switch (x->p->reader) {
	case SL_READ_JSON:
		r = sl_json_parse(&x->j, rec->p, rec->n);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			snprintf(x->reason, sizeof(x->reason),
			    "invalid JSON at byte %zu: %s", x->j.err_off,
			    x->j.err);
			*reason = x->reason;
			x->code = SL_REJECT_INVALID_JSON;
			return -EBADMSG;
		}
		if (x->j.n == 0 || x->j.t[0].type != SL_JSON_OBJECT) {
			*reason = "not a JSON object";
			x->code = SL_REJECT_NOT_OBJECT;
			return -EBADMSG;
		}
		d.j = &x->j;
		x->whole = 1;
		break;
	case SL_READ_CSV:
	case SL_READ_TSV:
		if (!x->have_header) {
			r = read_header(x, rec, reason);
			return r < 0 ? r : 0;
		}
		if (x->notime) {
			*reason = "no column gives the time";
			x->code = SL_REJECT_NO_TIME_COLUMN;
			return -EBADMSG;
		}
		r = sl_split_delim(x->p->reader, rec->p, rec->n, &x->f, &err,
		    &off);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			snprintf(x->reason, sizeof(x->reason),
			    "bad %s row at byte %zu: %s",
			    x->p->reader == SL_READ_CSV ? "CSV" : "TSV", off,
			    err != NULL ? err : "?");
			*reason = x->reason;
			x->code = SL_REJECT_BAD_ROW;
			return -EBADMSG;
		}
		if (x->f.n < x->ncols)
			x->miss = 1;	/* fewer fields: as telling */
		/* A tsv row may leave out trailing empty fields (the AOL
		 * log does for searches without a click). */
		if (x->p->reader == SL_READ_TSV && x->f.n < x->ncols) {
			if (sl_pad_fields(&x->f, x->ncols) < 0)
				return -ENOMEM;
		}
		if (x->f.n != x->ncols) {
			snprintf(x->reason, sizeof(x->reason),
			    "%zu fields where the header has %zu", x->f.n,
			    x->ncols);
			*reason = x->reason;
			x->code = SL_REJECT_FIELD_COUNT;
			return -EBADMSG;
		}
		d.value = x->f.value;
		d.n = x->f.n;
		d.colidx = x->colidx;
		d.ncolidx = x->ncolidx;
		if (x->embedcol >= 0 && x->f.value[x->embedcol].n > 0) {
			const struct sl_str *v = &x->f.value[x->embedcol];

			r = sl_json_parse(&x->j, v->p, v->n);
			if (r == -ENOMEM)
				return r;
			if (r < 0 || x->j.t[0].type != SL_JSON_OBJECT) {
				snprintf(x->reason, sizeof(x->reason),
				    "invalid JSON in column %s at byte %zu: "
				    "%s", x->p->embed, r < 0 ? x->j.err_off :
				    0, r < 0 ? x->j.err : "not an object");
				*reason = x->reason;
				x->code = SL_REJECT_INVALID_JSON;
				return -EBADMSG;
			}
			d.j = &x->j;
		}
		break;
	case SL_READ_AUDITD:
		return sl_auditd_record(x, rec, ev, reason);
	default:
		if (sl_kv_split(rec->p, rec->n, &x->f, &err) < 0) {
			snprintf(x->reason, sizeof(x->reason),
			    "not key=value: %s", err != NULL ? err : "?");
			*reason = x->reason;
			x->code = SL_REJECT_BAD_ROW;
			return -EBADMSG;
		}
		d.name = x->f.name;
		d.value = x->f.value;
		d.n = x->f.n;
		break;
	}
	x->cutlike = 0;
	return sl_extract(x, &d, ev, reason);
}

int
sl_extract_record(struct sl_extractor *x, const struct sl_record *rec,
    struct sl_event *ev, const char **reason)
{
	int r;

	x->cutlike = x->miss = x->whole = 0;
	x->code = SL_REJECT_OTHER;
	r = extract_record(x, rec, ev, reason);
	/*
	 * The last record of a log without its line end may be whole or cut
	 * short: it is cut when it has fewer fields than the header, does
	 * not parse completely, or holds a value that a closed table of the
	 * profile does not know ("Logo" for "Logon").  A JSON object that
	 * parsed has its closing brace: whole.  An auditd line is part of a
	 * group and is not judged alone.
	 */
	if (!(rec->flags & SL_REC_UNTERM) || x->whole ||
	    x->p->reader == SL_READ_AUDITD)
		return r;
	if (r == -ENOMEM || r == 0)
		return r;
	if ((r == -EBADMSG && x->cutlike) || x->miss) {
		*reason = CUT_REASON;
		x->code = SL_REJECT_CUT;
		return -EBADMSG;
	}
	return r;
}
