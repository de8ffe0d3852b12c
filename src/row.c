/* row.c: one event as one escaped TSV line of the case store, and back. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *const sl_row_header[SL_ROW_COLUMNS] = {
	"time", "user", "session", "action", "outcome", "resource", "query",
	"count", "bytes", "purpose", "src", "trace", "kind", "key", "flags",
	"profile", "origin", "line", "offset", "raw",
};

static const char hexdig[] = "0123456789abcdef";

int
sl_tsv_escape(const char *p, size_t n, struct sl_buf *out)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i, start = 0;
	char esc[4];
	size_t elen;

	if (sl_buf_grow(out, n) < 0)
		return -ENOMEM;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = s[i];

		if (ch >= 0x20 && ch != '\\')
			continue;
		elen = 2;
		esc[0] = '\\';
		switch (ch) {
		case '\t': esc[1] = 't'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\\': esc[1] = '\\'; break;
		default:
			esc[1] = 'x';
			esc[2] = hexdig[ch >> 4];
			esc[3] = hexdig[ch & 15];
			elen = 4;
			break;
		}
		if (sl_buf_add(out, p + start, i - start) < 0 ||
		    sl_buf_add(out, esc, elen) < 0)
			return -ENOMEM;
		start = i + 1;
	}
	return sl_buf_add(out, p + start, n - start);
}

/* Unescape p[0..n) in place; the result is never longer.  Returns the new
 * length or -EBADMSG. */
static ssize_t
unescape(char *p, size_t n)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (p[i] != '\\') {
			p[o++] = p[i];
			continue;
		}
		if (++i >= n)
			return -EBADMSG;
		switch (p[i]) {
		case 't': p[o++] = '\t'; break;
		case 'n': p[o++] = '\n'; break;
		case 'r': p[o++] = '\r'; break;
		case '\\': p[o++] = '\\'; break;
		case 'x':
			if (i + 2 >= n)
				return -EBADMSG;
			hi = sl_hexval((unsigned char)p[i + 1]);
			lo = sl_hexval((unsigned char)p[i + 2]);
			if (hi < 0 || lo < 0)
				return -EBADMSG;
			p[o++] = (char)(hi << 4 | lo);
			i += 2;
			break;
		default:
			return -EBADMSG;
		}
	}
	return (ssize_t)o;
}

#define US_PER_DAY INT64_C(86400000000)
/* 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in microseconds. */
#define US_MIN (INT64_C(-719528) * US_PER_DAY)
#define US_MAX (INT64_C(2932897) * US_PER_DAY)

int
sl_row_time_format(int64_t us, char *out)
{
	if (us < US_MIN || us >= US_MAX)
		return snprintf(out, 32, "@%" PRId64, us);
	return sl_time_format(us, out, SL_TIME_LEN);
}

static int
digits(const char *p, size_t n, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned)(p[i] - '0');
	}
	return 0;
}

/* Strict decimal; a leading '-' only when neg is allowed. */
static int
parse_i64(const char *p, size_t n, int neg, int64_t *v)
{
	uint64_t u = 0, lim;
	size_t i = 0;
	int minus = 0;

	if (n > 0 && p[0] == '-' && neg) {
		minus = 1;
		i = 1;
	}
	if (i >= n || n - i > 20)
		return -EBADMSG;
	lim = minus ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned dg;

		if (p[i] < '0' || p[i] > '9')
			return -EBADMSG;
		dg = (unsigned)(p[i] - '0');
		if (u > (lim - dg) / 10)
			return -EBADMSG;
		u = u * 10 + dg;
	}
	*v = minus ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

static int
parse_u64(const char *p, size_t n, uint64_t *v)
{
	uint64_t u = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		unsigned dg;

		if (p[i] < '0' || p[i] > '9')
			return -EBADMSG;
		dg = (unsigned)(p[i] - '0');
		if (u > (UINT64_MAX - dg) / 10)
			return -EBADMSG;
		u = u * 10 + dg;
	}
	*v = u;
	return 0;
}

int
sl_row_u64_parse(const char *p, size_t n, uint64_t *v)
{
	return parse_u64(p, n, v);
}

int
sl_row_time_parse(const char *p, size_t n, int64_t *us)
{
	unsigned y, mo, d, h, mi, s, f;
	int64_t days;

	if (n > 1 && p[0] == '@')
		return parse_i64(p + 1, n - 1, 1, us);
	/* 2024-03-01T07:17:12.123456Z */
	if (n != 27 || p[4] != '-' || p[7] != '-' || p[10] != 'T' ||
	    p[13] != ':' || p[16] != ':' || p[19] != '.' || p[26] != 'Z')
		return -EBADMSG;
	if (digits(p, 4, &y) < 0 || digits(p + 5, 2, &mo) < 0 ||
	    digits(p + 8, 2, &d) < 0 || digits(p + 11, 2, &h) < 0 ||
	    digits(p + 14, 2, &mi) < 0 || digits(p + 17, 2, &s) < 0 ||
	    digits(p + 20, 6, &f) < 0)
		return -EBADMSG;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    s > 59)
		return -EBADMSG;
	days = sl_days_from_civil(y, (int)mo, (int)d);
	{
		/* Reject 2024-02-31 and the like: the day must round-trip. */
		int64_t yy;
		int mm, dd;

		sl_civil_from_days(days, &yy, &mm, &dd);
		if (yy != (int64_t)y || mm != (int)mo || dd != (int)d)
			return -EBADMSG;
	}
	*us = days * US_PER_DAY + (int64_t)h * INT64_C(3600000000) +
	    (int64_t)mi * 60000000 + (int64_t)s * 1000000 + f;
	return 0;
}

static int
add_field(struct sl_buf *out, const struct sl_str *s)
{
	if (sl_tsv_escape(s->p, s->n, out) < 0)
		return -ENOMEM;
	return sl_buf_addc(out, '\t');
}

/* A decimal and a tab; printf is the slowest part of a row otherwise. */
static int
add_u64(struct sl_buf *out, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	*--p = '\t';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return sl_buf_add(out, p, (size_t)(buf + sizeof(buf) - p));
}

static int
add_num(struct sl_buf *out, int64_t v)
{
	if (v < 0)
		return sl_buf_addc(out, '\t');
	return add_u64(out, (uint64_t)v);
}

int
sl_row_format(const struct sl_event *ev, struct sl_buf *out)
{
	const char *a, *o;
	char tbuf[32];
	int n;

	a = sl_action_name(ev->action);
	o = sl_outcome_name(ev->outcome);
	if (a == NULL || o == NULL)
		return -EINVAL;
	n = sl_row_time_format(ev->time, tbuf);
	if (sl_buf_add(out, tbuf, (size_t)n) < 0 ||
	    sl_buf_addc(out, '\t') < 0 ||
	    add_field(out, &ev->user) < 0 ||
	    add_field(out, &ev->session) < 0 ||
	    sl_buf_adds(out, a) < 0 || sl_buf_addc(out, '\t') < 0 ||
	    sl_buf_adds(out, o) < 0 || sl_buf_addc(out, '\t') < 0 ||
	    add_field(out, &ev->resource) < 0 ||
	    add_field(out, &ev->query) < 0 ||
	    add_num(out, ev->count) < 0 ||
	    add_num(out, ev->bytes) < 0 ||
	    add_field(out, &ev->purpose) < 0 ||
	    add_field(out, &ev->src) < 0 ||
	    add_field(out, &ev->trace) < 0 ||
	    add_field(out, &ev->kind) < 0 ||
	    add_field(out, &ev->key) < 0 ||
	    add_u64(out, ev->flags) < 0 ||
	    add_field(out, &ev->profile) < 0 ||
	    add_field(out, &ev->origin) < 0 ||
	    add_u64(out, ev->line) < 0 || add_u64(out, ev->offset) < 0 ||
	    sl_tsv_escape(ev->raw.p, ev->raw.n, out) < 0)
		return -ENOMEM;
	return 0;
}

int
sl_row_split(char *line, size_t n, struct sl_str *col, size_t ncol)
{
	size_t i, k = 0, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && line[i] != '\t')
			continue;
		if (k == ncol)
			return -EBADMSG;
		col[k].p = line + start;
		col[k].n = i - start;
		k++;
		start = i + 1;
	}
	return k == ncol ? 0 : -EBADMSG;
}

int
sl_row_unescape(struct sl_str *s)
{
	ssize_t r;

	r = unescape((char *)s->p, s->n);
	if (r < 0)
		return (int)r;
	s->n = (size_t)r;
	return 0;
}

int
sl_row_parse(char *line, size_t n, struct sl_event *ev)
{
	struct sl_str c[SL_ROW_COLUMNS];
	struct sl_str *strs[] = {
		&ev->user, &ev->session, &ev->resource, &ev->query,
		&ev->purpose, &ev->src, &ev->trace, &ev->kind, &ev->key,
		&ev->profile, &ev->origin, &ev->raw,
	};
	static const int strcol[] = { 1, 2, 5, 6, 9, 10, 11, 12, 13, 15, 16,
	    19 };
	int64_t v;
	uint64_t u;
	size_t i;
	int r;

	if (sl_row_split(line, n, c, SL_ROW_COLUMNS) < 0)
		return -EBADMSG;
	memset(ev, 0, sizeof(*ev));
	if (sl_row_time_parse(c[0].p, c[0].n, &ev->time) < 0)
		return -EBADMSG;
	if ((r = sl_action_parse(c[3].p, c[3].n)) < 0)
		return -EBADMSG;
	ev->action = r;
	if ((r = sl_outcome_parse(c[4].p, c[4].n)) < 0)
		return -EBADMSG;
	ev->outcome = r;
	ev->count = ev->bytes = -1;
	if (c[7].n > 0 && parse_i64(c[7].p, c[7].n, 0, &ev->count) < 0)
		return -EBADMSG;
	if (c[8].n > 0 && parse_i64(c[8].p, c[8].n, 0, &ev->bytes) < 0)
		return -EBADMSG;
	if (parse_i64(c[14].p, c[14].n, 0, &v) < 0 || v > UINT32_MAX)
		return -EBADMSG;
	ev->flags = (unsigned)v;
	if (parse_u64(c[17].p, c[17].n, &u) < 0)
		return -EBADMSG;
	ev->line = u;
	if (parse_u64(c[18].p, c[18].n, &u) < 0)
		return -EBADMSG;
	ev->offset = u;
	for (i = 0; i < SL_ARRAY_LEN(strcol); i++) {
		*strs[i] = c[strcol[i]];
		if (sl_row_unescape(strs[i]) < 0)
			return -EBADMSG;
	}
	return 0;
}
