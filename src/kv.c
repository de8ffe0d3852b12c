/* kv.c: split key=value lines (auditd, syslog, logfmt) into named fields. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Words that are not pairs are collected under this very pointer, then
 * joined into one _text field at the end. */
static const char text_mark[] = "_text";

/*
 * Values that needed unescaping are written to f->buf in field order with
 * p == NULL, and pointed at once the buffer no longer moves.
 */
struct kv {
	struct sl_fields *f;
	const char **err;
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\x1d' || c == '\r' ||
	    c == '\n' || c == '\f' || c == '\v';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_keych(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    is_digit(c) || c == '_' || c == '-' || c == '.';
}

static int
add(struct kv *kv, const char *name, size_t nlen, const char *v, size_t vlen)
{
	struct sl_fields *f = kv->f;
	struct sl_str *a;
	size_t cap;

	if (f->n == f->cap || f->name == NULL) {
		cap = f->n < f->cap ? f->cap : f->cap ? f->cap * 2 : 32;
		if (cap > SIZE_MAX / sizeof(*a) / 2)
			return -ENOMEM;
		a = realloc(f->value, cap * sizeof(*a));
		if (a == NULL)
			return -ENOMEM;
		f->value = a;
		a = realloc(f->name, cap * sizeof(*a));
		if (a == NULL)
			return -ENOMEM;
		f->name = a;
		f->cap = cap;
	}
	f->name[f->n].p = name;
	f->name[f->n].n = nlen;
	f->value[f->n].p = v;
	f->value[f->n].n = vlen;
	f->n++;
	return 0;
}

static int
adds(struct kv *kv, const char *name, const char *v, const char *ve)
{
	return add(kv, name, strlen(name), v, (size_t)(ve - v));
}

/* A double-quoted value with \" \\ or \] unescaped into buf. */
static int
add_unescaped(struct kv *kv, const char *name, size_t nlen, const char *s,
    const char *e)
{
	struct sl_buf *b = &kv->f->buf;
	size_t off = b->n;

	if (sl_buf_grow(b, (size_t)(e - s)) < 0)
		return -ENOMEM;
	for (; s < e; s++) {
		if (*s == '\\' && s + 1 < e &&
		    (s[1] == '"' || s[1] == '\\' || s[1] == ']'))
			s++;
		b->p[b->n++] = *s;
	}
	b->p[b->n] = '\0';
	return add(kv, name, nlen, NULL, b->n - off);
}

/* "audit(1364481363.243:24287):" gives _time and _serial. */
static int
audit_header(struct kv *kv, const char *s, const char *e)
{
	const char *t, *c;

	if (e - s < 7 || memcmp(s, "audit(", 6) != 0)
		return 0;
	t = s + 6;
	for (c = t; c < e && (is_digit(*c) || *c == '.'); c++)
		;
	if (c == t || c == e || *c != ':')
		return 0;
	for (s = ++c; c < e && is_digit(*c); c++)
		;
	if (c == s || c == e || *c != ')')
		return 0;
	if (adds(kv, "_time", t, s - 1) < 0 || adds(kv, "_serial", s, c) < 0)
		return -ENOMEM;
	return 1;
}

static int pairs(struct kv *kv, const char *s, const char *e, int depth);

/* The end of a quoted value whose quote is at s, or NULL; honours
 * backslash escapes in double quotes when esc. */
static const char *
quote_end(const char *s, const char *e, int esc)
{
	int q = *s++;

	for (; s < e; s++) {
		if (*s == q)
			return s;
		if (esc && *s == '\\' && s + 1 < e)
			s++;
	}
	return NULL;
}

static int
pairs(struct kv *kv, const char *s, const char *e, int depth)
{
	const char *ks, *ke, *vs, *ve;
	int r, esc;

	while (s < e) {
		while (s < e && is_space(*s))
			s++;
		if (s == e)
			break;
		for (ks = s; s < e && is_keych(*s); s++)
			;
		ke = s;
		if (ke == ks || s == e || *s != '=') {
			/* Not a pair: a word of text. */
			while (s < e && !is_space(*s))
				s++;
			if (add(kv, text_mark, 5, ks, (size_t)(s - ks)) < 0)
				return -ENOMEM;
			continue;
		}
		s++;
		if (s < e && (*s == '"' || *s == '\'')) {
			vs = s + 1;
			esc = 0;
			ve = NULL;
			if (*s == '"') {
				ve = quote_end(s, e, 1);
				esc = ve != NULL && memchr(vs, '\\',
				    (size_t)(ve - vs)) != NULL;
			}
			/* A path may end in a backslash: try it plain. */
			if (ve == NULL)
				ve = quote_end(s, e, 0);
			if (ve == NULL) {
				if (kv->err != NULL)
					*kv->err = "unterminated quoted value";
				return -EBADMSG;
			}
			if (esc)
				r = add_unescaped(kv, ks, (size_t)(ke - ks),
				    vs, ve);
			else
				r = add(kv, ks, (size_t)(ke - ks), vs,
				    (size_t)(ve - vs));
			if (r < 0)
				return r;
			/* auditd's USER_* records nest their pairs in
			 * msg='...'; those are the ones that matter. */
			if (*s == '\'' && depth == 0 && ke - ks == 3 &&
			    memcmp(ks, "msg", 3) == 0) {
				size_t n0 = kv->f->n, b0 = kv->f->buf.n;

				/* Broken inner pairs leave msg whole. */
				r = pairs(kv, vs, ve, 1);
				if (r == -EBADMSG) {
					kv->f->n = n0;
					kv->f->buf.n = b0;
					if (kv->err != NULL)
						*kv->err = NULL;
				} else if (r < 0) {
					return r;
				}
			}
			s = ve + 1;
			continue;
		}
		for (vs = s; s < e && !is_space(*s); s++)
			;
		if (ke - ks == 3 && memcmp(ks, "msg", 3) == 0) {
			r = audit_header(kv, vs, s);
			if (r < 0)
				return r;
			if (r > 0)
				continue;
		}
		if (add(kv, ks, (size_t)(ke - ks), vs, (size_t)(s - vs)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The end of a BSD syslog time "Mmm dd HH:MM:SS[.frac]" at s, or NULL. */
static const char *
bsd_time(const char *s, const char *e)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	if (e - s < 15)
		return NULL;
	for (i = 0; i < 12; i++)
		if (memcmp(s, months + 3 * i, 3) == 0)
			break;
	if (i == 12 || s[3] != ' ')
		return NULL;
	s += 4;
	if (*s == ' ')
		s++;
	if (!is_digit(*s++))
		return NULL;
	if (is_digit(*s))
		s++;
	if (*s++ != ' ' || e - s < 8)
		return NULL;
	if (!is_digit(s[0]) || !is_digit(s[1]) || s[2] != ':' ||
	    !is_digit(s[3]) || !is_digit(s[4]) || s[5] != ':' ||
	    !is_digit(s[6]) || !is_digit(s[7]))
		return NULL;
	s += 8;
	if (s < e && *s == '.')
		for (s++; s < e && is_digit(*s); s++)
			;
	return s == e || *s == ' ' ? s : NULL;
}

/* The end of an RFC 3339 time word "YYYY-MM-DDTHH:MM..." at s, or NULL. */
static const char *
iso_time(const char *s, const char *e)
{
	if (e - s < 19 || !is_digit(s[0]) || !is_digit(s[3]) ||
	    s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':')
		return NULL;
	while (s < e && !is_space(*s))
		s++;
	return s;
}

static const char *
word(const char *s, const char *e, const char **we)
{
	while (s < e && *s == ' ')
		s++;
	*we = s;
	while (*we < e && **we != ' ')
		(*we)++;
	return s;
}

/* "prog[pid]:" or "prog:" */
static int
tag(struct kv *kv, const char *s, const char *e)
{
	const char *b, *c;

	e--;			/* the colon */
	b = memchr(s, '[', (size_t)(e - s));
	if (b != NULL && e[-1] == ']' && e - 1 > b) {
		if (adds(kv, "_prog", s, b) < 0 ||
		    adds(kv, "_pid", b + 1, e - 1) < 0)
			return -ENOMEM;
		return 0;
	}
	c = b != NULL ? b : e;
	return c > s ? adds(kv, "_prog", s, c) : 0;
}

/* "TIME host prog[pid]: rest" after the time; returns where rest starts. */
static const char *
bsd_rest(struct kv *kv, const char *s, const char *e, int *r)
{
	const char *h, *he, *t, *te;

	h = word(s, e, &he);
	*r = 0;
	if (h == he || memchr(h, '=', (size_t)(he - h)) != NULL)
		return s;	/* no host: key=value text after the time */
	if (he[-1] == ':') {		/* no host, just the tag */
		*r = tag(kv, h, he);
		return he;
	}
	if ((*r = adds(kv, "_host", h, he)) < 0)
		return e;
	t = word(he, e, &te);
	if (te > t && te[-1] == ':') {
		*r = tag(kv, t, te);
		return te;
	}
	return he;
}

/* RFC 5424 after "<pri>1 ": TIME HOST APP PROCID MSGID SD MSG. */
static const char *
rfc5424(struct kv *kv, const char *s, const char *e, int *r)
{
	static const char *const names[] = {
		"_time", "_host", "_prog", "_pid", "_msgid",
	};
	const char *w, *we, *q;
	size_t i;

	*r = 0;
	for (i = 0; i < SL_ARRAY_LEN(names); i++) {
		w = word(s, e, &we);
		s = we;
		if (we - w == 1 && *w == '-')
			continue;
		if (we > w && (*r = adds(kv, names[i], w, we)) < 0)
			return e;
	}
	while (s < e && *s == ' ')
		s++;
	if (s < e && *s == '-')
		return s + 1;
	/* Structured data: [id key="value" ...]...; the pairs are fields. */
	while (s < e && *s == '[') {
		for (q = s + 1; q < e && *q != ']'; q++) {
			if (*q == '"') {
				q = quote_end(q, e, 1);
				if (q == NULL)
					return e;
			}
		}
		for (w = s + 1; w < q && *w != ' '; w++)
			;
		if ((*r = pairs(kv, w, q, 1)) < 0)
			return e;
		s = q < e ? q + 1 : e;
	}
	if (e - s >= 4 && s[0] == ' ' && memcmp(s + 1, "\xef\xbb\xbf", 3) == 0)
		s += 4;
	return s;
}

/* The value of a field found so far, or NULL. */
static const struct sl_str *
field(const struct sl_fields *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->name[i].p != text_mark && sl_str_eq(f->name[i], name))
			return &f->value[i];
	return NULL;
}

/*
 * After a syslog header: _proc, the sending process as HOST:PROG[PID] (so
 * that one process, such as one SSH connection, can be one session), and
 * _msg, the message as written.
 */
static int
syslog_fields(struct kv *kv, const char *s, const char *e)
{
	const struct sl_str *host, *prog, *pid;
	struct sl_buf *b = &kv->f->buf;
	size_t off = b->n;

	if ((prog = field(kv->f, "_prog")) == NULL)
		return 0;
	host = field(kv->f, "_host");
	pid = field(kv->f, "_pid");
	if ((host != NULL && (sl_buf_add(b, host->p, host->n) < 0 ||
	    sl_buf_addc(b, ':') < 0)) || sl_buf_add(b, prog->p, prog->n) < 0 ||
	    (pid != NULL && (sl_buf_addc(b, '[') < 0 ||
	    sl_buf_add(b, pid->p, pid->n) < 0 || sl_buf_addc(b, ']') < 0)))
		return -ENOMEM;
	if (add(kv, "_proc", 5, NULL, b->n - off) < 0)
		return -ENOMEM;
	while (s < e && *s == ' ')
		s++;
	return s < e ? adds(kv, "_msg", s, e) : 0;
}

int
sl_kv_split(const char *p, size_t n, struct sl_fields *f, const char **err)
{
	struct kv kv = { f, err };
	const char *s, *e, *t, *textp = NULL;
	size_t i, k, off;
	int r = 0;

	f->n = 0;
	sl_buf_reset(&f->buf);
	if (err != NULL)
		*err = NULL;
	if (p == NULL) {
		p = "";
		n = 0;
	}
	s = p;
	e = p + n;
	while (e > s && (e[-1] == '\n' || e[-1] == '\r'))
		e--;
	/* Syslog: <PRI>, then RFC 5424 or a BSD-style header. */
	if (e - s > 2 && *s == '<') {
		for (t = s + 1; t < e && t - s <= 4 && is_digit(*t); t++)
			;
		if (t > s + 1 && t < e && *t == '>') {
			s = t + 1;
			if (e - s > 2 && s[0] == '1' && s[1] == ' ') {
				s = rfc5424(&kv, s + 2, e, &r);
				if (r == 0)
					r = syslog_fields(&kv, s, e);
				goto rest;
			}
		}
	}
	if ((t = bsd_time(s, e)) != NULL || (t = iso_time(s, e)) != NULL) {
		if ((r = adds(&kv, "_time", s, t)) < 0)
			return r;
		s = bsd_rest(&kv, t, e, &r);
		if (r == 0)
			r = syslog_fields(&kv, s, e);
	}
rest:
	if (r < 0 || (r = pairs(&kv, s, e, 0)) < 0) {
		f->n = 0;
		return r;
	}
	/* Join the words of text, after every other field. */
	for (i = k = 0; i < f->n; i++) {
		if (f->name[i].p == text_mark) {
			if ((textp != NULL && sl_buf_addc(&f->buf, ' ') < 0) ||
			    sl_buf_add(&f->buf, f->value[i].p,
			    f->value[i].n) < 0) {
				f->n = 0;
				return -ENOMEM;
			}
			textp = f->value[i].p;
			continue;
		}
		f->name[k] = f->name[i];
		f->value[k++] = f->value[i];
	}
	f->n = k;
	if (textp != NULL) {
		/* Text found after the buffered values: its offset is the
		 * sum of theirs. */
		for (i = 0, off = 0; i < f->n; i++)
			if (f->value[i].p == NULL)
				off += f->value[i].n;
		if (add(&kv, "_text", 5, NULL, f->buf.n - off) < 0) {
			f->n = 0;
			return -ENOMEM;
		}
	}
	for (i = 0, off = 0; i < f->n; i++) {
		if (f->value[i].p == NULL) {
			f->value[i].p = f->buf.p + off;
			off += f->value[i].n;
		}
	}
	return 0;
}

/* One "name=value" word at *s (the value up to a space); advances *s. */
static int
head_word(const char **s, const char *e, const char *name, struct sl_str *v)
{
	size_t k = strlen(name);
	const char *p = *s;

	if ((size_t)(e - p) <= k || memcmp(p, name, k) != 0)
		return 0;
	v->p = p + k;
	for (p += k; p < e && *p != ' '; p++)
		;
	v->n = (size_t)(p - v->p);
	if (v->n == 0)
		return 0;
	while (p < e && *p == ' ')
		p++;
	*s = p;
	return 1;
}

int
sl_audit_head(const char *p, size_t n, struct sl_audit_head *h)
{
	const char *s = p, *e = p + n, *c;
	struct sl_str m;
	int64_t ms = 0;
	int frac = 0;

	memset(h, 0, sizeof(*h));
	h->node.p = "";
	if (n >= 5 && memcmp(s, "node=", 5) == 0 &&
	    !head_word(&s, e, "node=", &h->node))
		return 0;
	if (!head_word(&s, e, "type=", &h->type) ||
	    !head_word(&s, e, "msg=audit(", &m))
		return 0;
	/* m is "TIME:SERIAL):" */
	for (c = m.p; c < m.p + m.n && is_digit(*c); c++) {
		if (ms > INT64_MAX / 10000)
			return 0;
		ms = ms * 10 + (*c - '0');
	}
	if (c == m.p)
		return 0;
	if (c < m.p + m.n && *c == '.')
		for (c++; c < m.p + m.n && is_digit(*c); c++)
			if (frac < 3) {
				ms = ms * 10 + (*c - '0');
				frac++;
			}
	for (; frac < 3; frac++)
		ms *= 10;
	h->time.p = m.p;
	h->time.n = (size_t)(c - m.p);
	if (c == m.p + m.n || *c != ':')
		return 0;
	h->serial.p = ++c;
	while (c < m.p + m.n && is_digit(*c))
		c++;
	h->serial.n = (size_t)(c - h->serial.p);
	if (h->serial.n == 0 || m.p + m.n - c != 2 || c[0] != ')' ||
	    c[1] != ':')
		return 0;
	h->ms = ms;
	return 1;
}
