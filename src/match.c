/* match.c: event fields by name and PCRE2 pattern matching over events. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "internal.h"

/* Steps one match may take before it is given up (backtracking bombs). */
#define MATCH_LIMIT 5000000u
#define DEPTH_LIMIT 100000u
#define JIT_STACK_MAX (1u << 20)

static const char *const field_names[SL_FIELD__COUNT] = {
	"time", "user", "session", "action", "outcome", "resource", "query",
	"count", "bytes", "purpose", "src", "trace", "kind", "key", "flags",
	"profile", "origin", "line", "offset", "raw",
};

static const int text_fields[] = {
	SL_FIELD_QUERY, SL_FIELD_RESOURCE, SL_FIELD_PURPOSE, SL_FIELD_SRC,
};

const char *
sl_field_name(int field)
{
	if (field < 0 || field >= SL_FIELD__COUNT)
		return NULL;
	return field_names[field];
}

int
sl_field_parse(const char *s, size_t n)
{
	int i;

	for (i = 0; i < SL_FIELD__COUNT; i++)
		if (strlen(field_names[i]) == n &&
		    memcmp(field_names[i], s, n) == 0)
			return i;
	return -EINVAL;
}

static struct sl_str
str_of(const char *p, size_t n)
{
	struct sl_str s;

	s.p = p;
	s.n = n;
	return s;
}

static struct sl_str
cstr(const char *p)
{
	return str_of(p != NULL ? p : "", p != NULL ? strlen(p) : 0);
}

/* The n bytes formatted into buf (size bytes), or p NULL when they did not
 * fit. */
static struct sl_str
formatted(char *buf, size_t size, int n)
{
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			buf[0] = '\0';
		return str_of(NULL, 0);
	}
	return str_of(buf, (size_t)n);
}

struct sl_str
sl_event_field(const struct sl_event *ev, int field, char *buf, size_t size)
{
	int n;

	switch (field) {
	case SL_FIELD_TIME:
		return formatted(buf, size,
		    sl_time_format(ev->time, buf, size));
	case SL_FIELD_USER:
		return ev->user;
	case SL_FIELD_SESSION:
		return ev->session;
	case SL_FIELD_ACTION:
		return cstr(sl_action_name(ev->action));
	case SL_FIELD_OUTCOME:
		return cstr(sl_outcome_name(ev->outcome));
	case SL_FIELD_RESOURCE:
		return ev->resource;
	case SL_FIELD_QUERY:
		return ev->query;
	case SL_FIELD_COUNT:
	case SL_FIELD_BYTES: {
		int64_t v = field == SL_FIELD_COUNT ? ev->count : ev->bytes;

		if (v < 0)
			return str_of("", 0);
		n = snprintf(buf, size, "%" PRId64, v);
		return formatted(buf, size, n);
	}
	case SL_FIELD_PURPOSE:
		return ev->purpose;
	case SL_FIELD_SRC:
		return ev->src;
	case SL_FIELD_TRACE:
		return ev->trace;
	case SL_FIELD_KIND:
		return ev->kind;
	case SL_FIELD_KEY:
		return ev->key;
	case SL_FIELD_FLAGS:
		n = snprintf(buf, size, "%u", ev->flags);
		return formatted(buf, size, n);
	case SL_FIELD_PROFILE:
		return ev->profile;
	case SL_FIELD_ORIGIN:
		return ev->origin;
	case SL_FIELD_LINE:
	case SL_FIELD_OFFSET:
		n = snprintf(buf, size, "%" PRIu64,
		    field == SL_FIELD_LINE ? ev->line : ev->offset);
		return formatted(buf, size, n);
	case SL_FIELD_RAW:
		return ev->raw;
	}
	return str_of("", 0);
}

struct pat {
	int field;		/* SL_FIELD_* or SL_FIELD_TEXT */
	pcre2_code *code;
};

/* What one match needs besides the pattern: one thread's at a time. */
struct sl_match_scratch {
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	pcre2_match_data *md;
};

struct sl_matcher {
	struct pat *pats;
	size_t n, cap;
	struct sl_match_scratch *s;	/* its own, for sl_matcher_test */
	struct sl_buf tmp;
};

struct sl_match_scratch *
sl_match_scratch_new(void)
{
	struct sl_match_scratch *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    (s->md = pcre2_match_data_create(1, NULL)) == NULL) {
		sl_match_scratch_free(s);
		return NULL;
	}
	pcre2_set_match_limit(s->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, DEPTH_LIMIT);
	/* Without a JIT stack of its own, JIT matching has 32 KiB. */
	s->jit = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	if (s->jit != NULL)
		pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
	return s;
}

void
sl_match_scratch_free(struct sl_match_scratch *s)
{
	if (s == NULL)
		return;
	pcre2_match_data_free(s->md);
	pcre2_jit_stack_free(s->jit);
	pcre2_match_context_free(s->mctx);
	free(s);
}

struct sl_matcher *
sl_matcher_new(void)
{
	struct sl_matcher *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if ((m->s = sl_match_scratch_new()) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
sl_matcher_free(struct sl_matcher *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		pcre2_code_free(m->pats[i].code);
	free(m->pats);
	sl_match_scratch_free(m->s);
	sl_buf_release(&m->tmp);
	free(m);
}

size_t
sl_matcher_count(const struct sl_matcher *m)
{
	return m->n;
}

/* A fixed string as a pattern: ASCII punctuation escaped, control bytes
 * as \x{..}, everything else (letters, digits, UTF-8) as it is. */
static int
quote(const char *p, size_t n, struct sl_buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		int rc;

		if (c >= 0x80 || (c >= '0' && c <= '9') ||
		    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			rc = sl_buf_addc(out, c);
		else if (c < 0x20 || c == 0x7f)
			rc = sl_buf_printf(out, "\\x{%02x}", c);
		else if (c == ' ')
			rc = sl_buf_addc(out, c);
		else
			rc = sl_buf_printf(out, "\\%c", c);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
sl_matcher_add(struct sl_matcher *m, int field, const char *pat, size_t n,
    unsigned flags, char *err, size_t errlen)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP |
	    PCRE2_MULTILINE;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE eoff;
	pcre2_code *code;
	int ecode, rc;

	if (field != SL_FIELD_TEXT && (field < 0 || field >= SL_FIELD__COUNT)) {
		sl_seterr(err, errlen, "no such field");
		return -EINVAL;
	}
	if (flags & SL_MATCH_ICASE)
		opts |= PCRE2_CASELESS;
	sl_buf_reset(&m->tmp);
	/* Word boundaries as grep -w means them: no word character right
	 * before or after the match. */
	if ((flags & SL_MATCH_WORD) &&
	    (rc = sl_buf_adds(&m->tmp, "(?<!\\w)(?:")) < 0)
		return rc;
	if (flags & SL_MATCH_FIXED)
		rc = quote(pat, n, &m->tmp);
	else
		rc = sl_buf_add(&m->tmp, pat, n);
	if (rc < 0)
		return rc;
	if ((flags & SL_MATCH_WORD) &&
	    (rc = sl_buf_adds(&m->tmp, ")(?!\\w)")) < 0)
		return rc;
	code = pcre2_compile((PCRE2_SPTR)m->tmp.p, m->tmp.n, opts, &ecode,
	    &eoff, NULL);
	if (code == NULL) {
		pcre2_get_error_message(ecode, msg, sizeof(msg));
		sl_seterr(err, errlen, "%s at offset %zu", (char *)msg,
		    (size_t)eoff);
		return ecode == PCRE2_ERROR_NOMEMORY ? -ENOMEM : -EINVAL;
	}
	/* JIT is an optimisation: without it the interpreter matches. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 8;
		struct pat *np = realloc(m->pats, ncap * sizeof(*np));

		if (np == NULL) {
			pcre2_code_free(code);
			return -ENOMEM;
		}
		m->pats = np;
		m->cap = ncap;
	}
	m->pats[m->n].field = field;
	m->pats[m->n].code = code;
	return (int)m->n++;
}

/* One match attempt from offset; 1, 0 or negative errno. */
static int
match_at(struct sl_match_scratch *sc, const pcre2_code *code, const char *p,
    size_t n, size_t from, uint32_t opts)
{
	int rc;

	rc = pcre2_match(code, (PCRE2_SPTR)(n > 0 ? p : ""), n, from, opts,
	    sc->md, sc->mctx);
	if (rc >= 0)
		return 1;
	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
		return 0;
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return -E2BIG;
	case PCRE2_ERROR_NOMEMORY:
		return -ENOMEM;
	default:
		return -EINVAL;
	}
}

int
sl_matcher_test(struct sl_matcher *m, size_t i, const struct sl_event *ev)
{
	return sl_matcher_test_with(m, i, ev, m->s);
}

int
sl_matcher_test_with(const struct sl_matcher *m, size_t i,
    const struct sl_event *ev, struct sl_match_scratch *sc)
{
	const struct pat *pt;
	struct sl_str s;
	char buf[SL_FIELD_LEN];
	size_t k;
	int rc;

	if (i >= m->n)
		return -EINVAL;
	pt = &m->pats[i];
	if (pt->field != SL_FIELD_TEXT) {
		s = sl_event_field(ev, pt->field, buf, sizeof(buf));
		return match_at(sc, pt->code, s.p, s.n, 0, 0);
	}
	for (k = 0; k < SL_ARRAY_LEN(text_fields); k++) {
		s = sl_event_field(ev, text_fields[k], buf,
		    sizeof(buf));
		if ((rc = match_at(sc, pt->code, s.p, s.n, 0, 0)) != 0)
			return rc;
	}
	return 0;
}

static int
is_text_field(int field)
{
	size_t k;

	for (k = 0; k < SL_ARRAY_LEN(text_fields); k++)
		if (text_fields[k] == field)
			return 1;
	return 0;
}

int
sl_matcher_find(struct sl_matcher *m, int field, const char *p, size_t n,
    size_t from, size_t *start, size_t *end)
{
	size_t i, bs = 0, be = 0;
	int found = 0, rc;

	for (i = 0; i < m->n; i++) {
		const struct pat *pt = &m->pats[i];
		size_t at = from;

		if (pt->field != field &&
		    !(pt->field == SL_FIELD_TEXT && is_text_field(field)))
			continue;
		/* Skip empty matches: they highlight nothing. */
		while (at <= n) {
			PCRE2_SIZE *ov;

			rc = match_at(m->s, pt->code, p, n, at, PCRE2_NOTEMPTY);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			ov = pcre2_get_ovector_pointer(m->s->md);
			if (ov[0] >= ov[1] || ov[1] > n) {
				at = ov[0] + 1;
				continue;
			}
			if (!found || ov[0] < bs ||
			    (ov[0] == bs && ov[1] > be)) {
				bs = ov[0];
				be = ov[1];
				found = 1;
			}
			break;
		}
	}
	if (found) {
		*start = bs;
		*end = be;
	}
	return found;
}
