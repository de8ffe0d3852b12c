/* json.c: a strict RFC 8259 parser of one record into a flat token tape. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define JSON_DEPTH_DEFAULT 512
#define NO_PARENT UINT32_MAX

/* Eight bytes at a time: nonzero if any byte is < 0x20, '"' or '\\'. */
static inline uint64_t
str_special8(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t v, q, b;

	memcpy(&v, s, 8);
	q = v ^ (ones * '"');
	b = v ^ (ones * '\\');
	return ((v - ones * 0x20) & ~v & high) |
	    ((q - ones) & ~q & high) | ((b - ones) & ~b & high);
}

static inline int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
fail_at(struct sl_json *j, const unsigned char *at, const char *what)
{
	j->err_off = (size_t)(at - (const unsigned char *)j->src);
	sl_seterr(j->err, sizeof(j->err), "%s", what);
	j->n = 0;
	return -EBADMSG;
}

static int
tok_grow(struct sl_json *j)
{
	struct sl_json_tok *t;
	size_t cap;

	cap = j->cap ? j->cap * 2 : 256;
	if (cap > SIZE_MAX / sizeof(*t) || cap > (size_t)UINT32_MAX)
		return -ENOMEM;
	t = realloc(j->t, cap * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	j->t = t;
	j->cap = cap;
	return 0;
}

#define SKIP_WS(s, e)							\
	while ((s) < (e) && (*(s) == ' ' || *(s) == '\n' ||		\
	    *(s) == '\r' || *(s) == '\t'))				\
		(s)++

int
sl_json_parse(struct sl_json *j, const char *src, size_t len)
{
	const unsigned char *base = (const unsigned char *)src;
	const unsigned char *s = base, *e = base + len, *start;
	struct sl_json_tok *t;
	size_t maxdepth, depth = 0;
	uint32_t cur = NO_PARENT, idx, parent;
	int c, esc, is_key, k;

	j->src = src;
	j->srclen = len;
	j->n = 0;
	j->err[0] = '\0';
	j->err_off = 0;
	if (len > (size_t)UINT32_MAX - 1) {
		sl_seterr(j->err, sizeof(j->err), "record too large");
		return -E2BIG;
	}
	maxdepth = j->max_depth ? j->max_depth : JSON_DEPTH_DEFAULT;

value:
	SKIP_WS(s, e);
	if (s == e)
		return fail_at(j, s, "unexpected end of input");
	if (j->n == j->cap && tok_grow(j) < 0)
		return -ENOMEM;
	idx = (uint32_t)j->n++;
	t = &j->t[idx];
	t->escaped = 0;
	t->start = (uint32_t)(s - base);
	t->count = 0;
	switch (*s) {
	case '{':
	case '[':
		if (++depth > maxdepth)
			return fail_at(j, s, "nesting too deep");
		t->type = *s == '{' ? SL_JSON_OBJECT : SL_JSON_ARRAY;
		/* While open, next links to the enclosing container. */
		t->next = cur;
		cur = idx;
		c = *s == '{' ? '}' : ']';
		s++;
		SKIP_WS(s, e);
		if (s < e && *s == c)
			goto close;
		if (t->type == SL_JSON_OBJECT)
			goto key;
		goto value;
	case '"':
		is_key = 0;
		goto string;
	case 't':
		if (e - s < 4 || memcmp(s, "true", 4) != 0)
			return fail_at(j, s, "invalid literal");
		t->type = SL_JSON_TRUE;
		t->len = 4;
		s += 4;
		break;
	case 'f':
		if (e - s < 5 || memcmp(s, "false", 5) != 0)
			return fail_at(j, s, "invalid literal");
		t->type = SL_JSON_FALSE;
		t->len = 5;
		s += 5;
		break;
	case 'n':
		if (e - s < 4 || memcmp(s, "null", 4) != 0)
			return fail_at(j, s, "invalid literal");
		t->type = SL_JSON_NULL;
		t->len = 4;
		s += 4;
		break;
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		start = s;
		if (*s == '-')
			s++;
		if (s == e || !is_digit(*s))
			return fail_at(j, s, "invalid number");
		if (*s == '0') {
			s++;
			if (s < e && is_digit(*s))
				return fail_at(j, s - 1, "leading zero");
		} else {
			while (s < e && is_digit(*s))
				s++;
		}
		if (s < e && *s == '.') {
			s++;
			if (s == e || !is_digit(*s))
				return fail_at(j, s, "digit expected");
			while (s < e && is_digit(*s))
				s++;
		}
		if (s < e && (*s == 'e' || *s == 'E')) {
			s++;
			if (s < e && (*s == '+' || *s == '-'))
				s++;
			if (s == e || !is_digit(*s))
				return fail_at(j, s, "digit expected");
			while (s < e && is_digit(*s))
				s++;
		}
		t->type = SL_JSON_NUMBER;
		t->len = (uint32_t)(s - start);
		break;
	default:
		return fail_at(j, s, "unexpected character");
	}
	t->next = idx + 1;
	goto after;

key:
	SKIP_WS(s, e);
	if (s == e)
		return fail_at(j, s, "unexpected end of input");
	if (*s != '"')
		return fail_at(j, s, "object key expected");
	if (j->n == j->cap && tok_grow(j) < 0)
		return -ENOMEM;
	idx = (uint32_t)j->n++;
	t = &j->t[idx];
	t->count = 0;
	is_key = 1;

string:
	start = ++s;
	esc = 0;
	for (;;) {
		while (e - s >= 8 && str_special8(s) == 0)
			s += 8;
		if (s == e)
			return fail_at(j, s, "unterminated string");
		c = *s;
		if (c == '"')
			break;
		if (c == '\\') {
			esc = 1;
			if (e - s < 2)
				return fail_at(j, e, "unterminated string");
			switch (s[1]) {
			case '"': case '\\': case '/': case 'b':
			case 'f': case 'n': case 'r': case 't':
				s += 2;
				continue;
			case 'u':
				for (k = 2; k < 6; k++) {
					if (s + k == e)
						return fail_at(j, e,
						    "unterminated string");
					if (sl_hexval(s[k]) < 0)
						return fail_at(j, s,
						    "invalid \\u escape");
				}
				s += 6;
				continue;
			default:
				return fail_at(j, s, "invalid escape");
			}
		}
		if (c < 0x20)
			return fail_at(j, s, "control character in string");
		s++;
	}
	t->type = SL_JSON_STRING;
	t->escaped = (uint8_t)esc;
	t->start = (uint32_t)(start - base);
	t->len = (uint32_t)(s - start);
	t->next = idx + 1;
	s++;
	if (is_key) {
		SKIP_WS(s, e);
		if (s == e)
			return fail_at(j, s, "unexpected end of input");
		if (*s != ':')
			return fail_at(j, s, "':' expected");
		s++;
		goto value;
	}

after:
	if (cur == NO_PARENT) {
		SKIP_WS(s, e);
		if (s != e)
			return fail_at(j, s, "trailing garbage");
		return 0;
	}
	j->t[cur].count++;
	SKIP_WS(s, e);
	if (s == e)
		return fail_at(j, s, "unexpected end of input");
	c = j->t[cur].type == SL_JSON_OBJECT ? '}' : ']';
	if (*s == ',') {
		s++;
		if (c == '}')
			goto key;
		goto value;
	}
	if (*s != c)
		return fail_at(j, s, c == '}' ? "',' or '}' expected" :
		    "',' or ']' expected");

close:
	/* s is at the closing bracket of cur. */
	t = &j->t[cur];
	t->len = (uint32_t)(s - base) - t->start + 1;
	parent = t->next;
	t->next = (uint32_t)j->n;
	cur = parent;
	depth--;
	s++;
	goto after;
}

void
sl_json_release(struct sl_json *j)
{
	if (j == NULL)
		return;
	free(j->t);
	j->t = NULL;
	j->n = j->cap = 0;
}

/*
 * Decode the escape at s (s[0] == '\\') of a validated string ending at e
 * into out (up to 4 bytes); returns the bytes written and sets *next.
 */
static size_t
unescape1(const char *s, const char *e, char *out, const char **next)
{
	unsigned cp, lo;

	*next = s + 2;
	switch (s[1]) {
	case 'b': out[0] = '\b'; return 1;
	case 'f': out[0] = '\f'; return 1;
	case 'n': out[0] = '\n'; return 1;
	case 'r': out[0] = '\r'; return 1;
	case 't': out[0] = '\t'; return 1;
	case 'u':
		break;
	default:
		out[0] = s[1];
		return 1;
	}
	cp = (unsigned)(sl_hexval(s[2]) << 12 | sl_hexval(s[3]) << 8 |
	    sl_hexval(s[4]) << 4 | sl_hexval(s[5]));
	*next = s + 6;
	if (cp >= 0xd800 && cp <= 0xdbff && e - s >= 12 && s[6] == '\\' &&
	    s[7] == 'u') {
		lo = (unsigned)(sl_hexval(s[8]) << 12 | sl_hexval(s[9]) << 8 |
		    sl_hexval(s[10]) << 4 | sl_hexval(s[11]));
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			*next = s + 12;
		}
	}
	/* A lone surrogate falls through to three bytes: WTF-8. */
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Does the escaped string s..e decode to key? */
static int
escaped_eq(const char *s, const char *e, const char *key, size_t klen)
{
	const char *bs, *next;
	char tmp[4];
	size_t run, k;

	while (s < e) {
		bs = memchr(s, '\\', (size_t)(e - s));
		run = (size_t)((bs != NULL ? bs : e) - s);
		if (run > klen || memcmp(s, key, run) != 0)
			return 0;
		key += run;
		klen -= run;
		if (bs == NULL)
			break;
		k = unescape1(bs, e, tmp, &next);
		if (k > klen || memcmp(tmp, key, k) != 0)
			return 0;
		key += k;
		klen -= k;
		s = next;
	}
	return klen == 0;
}

int
sl_json_member(const struct sl_json *j, int obj, const char *key,
    size_t klen)
{
	const struct sl_json_tok *k;
	uint32_t i, m;

	if (obj < 0 || (size_t)obj >= j->n || j->t[obj].type != SL_JSON_OBJECT)
		return -1;
	i = (uint32_t)obj + 1;
	for (m = 0; m < j->t[obj].count; m++) {
		k = &j->t[i];
		if (!k->escaped) {
			if (k->len == klen &&
			    memcmp(j->src + k->start, key, klen) == 0)
				return (int)i + 1;
		} else if (k->len >= klen &&
		    escaped_eq(j->src + k->start, j->src + k->start + k->len,
		    key, klen)) {
			return (int)i + 1;
		}
		i = j->t[i + 1].next;
	}
	return -1;
}

int
sl_json_element(const struct sl_json *j, int arr, size_t i)
{
	uint32_t k;

	if (arr < 0 || (size_t)arr >= j->n || j->t[arr].type != SL_JSON_ARRAY ||
	    i >= j->t[arr].count)
		return -1;
	k = (uint32_t)arr + 1;
	while (i-- > 0)
		k = j->t[k].next;
	return (int)k;
}

int
sl_json_text(const struct sl_json *j, int tok, struct sl_buf *out)
{
	const struct sl_json_tok *t;
	const char *s, *e, *bs, *next;
	char *o;

	if (tok < 0 || (size_t)tok >= j->n)
		return -EINVAL;
	t = &j->t[tok];
	s = j->src + t->start;
	if (t->type == SL_JSON_NULL)
		return 0;
	if (t->type != SL_JSON_STRING || !t->escaped)
		return sl_buf_add(out, s, t->len);
	/* Decoding never makes a string longer. */
	if (sl_buf_grow(out, t->len) < 0)
		return -ENOMEM;
	e = s + t->len;
	o = out->p + out->n;
	while (s < e) {
		bs = memchr(s, '\\', (size_t)(e - s));
		if (bs == NULL)
			bs = e;
		memcpy(o, s, (size_t)(bs - s));
		o += bs - s;
		if (bs == e)
			break;
		o += unescape1(bs, e, o, &next);
		s = next;
	}
	out->n = (size_t)(o - out->p);
	out->p[out->n] = '\0';
	return 0;
}
