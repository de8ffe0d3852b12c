/* csv.c: split one CSV or TSV record into fields (RFC 4180 quoting). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
sl_fields_release(struct sl_fields *f)
{
	if (f == NULL)
		return;
	free(f->name);
	free(f->value);
	f->name = NULL;
	f->value = NULL;
	f->n = f->cap = 0;
	sl_buf_release(&f->buf);
}

/* Room for one more value. */
static int
fields_room(struct sl_fields *f)
{
	struct sl_str *v;
	size_t cap;

	if (f->n < f->cap)
		return 0;
	cap = f->cap ? f->cap * 2 : 32;
	if (cap > SIZE_MAX / sizeof(*v) / 2)
		return -ENOMEM;
	v = realloc(f->value, cap * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	f->value = v;
	f->cap = cap;
	return 0;
}

/*
 * Scan the quoted field whose opening quote is at q; returns the position
 * just past the closing quote, or NULL if the quote is never closed.
 * *dq tells whether it holds doubled quotes.
 */
static const char *
quoted_end(const char *q, const char *e, int *dq)
{
	const char *s = q + 1;

	*dq = 0;
	for (;;) {
		s = memchr(s, '"', (size_t)(e - s));
		if (s == NULL)
			return NULL;
		if (s + 1 < e && s[1] == '"') {
			*dq = 1;
			s += 2;
			continue;
		}
		return s + 1;
	}
}

/*
 * TSV (delim '\t') as written by most tools has no quoting at all: the AOL
 * query logs hold queries such as "foo" bar.  So in TSV a field is read as
 * quoted only if it starts with '"' and is one proper quoted field up to the
 * next tab or the end; otherwise every quote in it is literal text, and TSV
 * never fails.  In CSV, text after a closing quote is kept as it is
 * ("a"b -> ab) and only an unterminated quoted field is an error.
 *
 * Fields that needed unescaping are collected in f->buf in field order and
 * marked with p == NULL until the end, when buf no longer moves.
 */
int
sl_csv_split(const char *p, size_t n, int delim, struct sl_fields *f,
    const char **err, size_t *err_off)
{
	const char *s, *e, *fe, *qe, *r;
	struct sl_str *v;
	size_t off, i;
	int dq, tsv = delim == '\t';

	f->n = 0;
	sl_buf_reset(&f->buf);
	if (err != NULL)
		*err = NULL;
	if (err_off != NULL)
		*err_off = 0;
	if (delim != ',' && delim != '\t') {
		if (err != NULL)
			*err = "unsupported delimiter";
		return -EINVAL;
	}
	if (p == NULL) {
		p = "";
		n = 0;
	}
	s = p;
	e = p + n;
	/* Positional fields have no names (the struct may have served kv). */
	free(f->name);
	f->name = NULL;
	if (s < e && e[-1] == '\r')
		e--;
	for (;;) {
		if (fields_room(f) < 0)
			return -ENOMEM;
		v = &f->value[f->n++];
		if (s < e && *s == '"') {
			qe = quoted_end(s, e, &dq);
			if (tsv && (qe == NULL || (qe < e && *qe != delim))) {
				/* Not a proper quoted field: literal text. */
				goto bare;
			}
			if (qe == NULL) {
				if (err != NULL)
					*err = "unterminated quoted field";
				if (err_off != NULL)
					*err_off = (size_t)(s - p);
				f->n = 0;
				return -EBADMSG;
			}
			fe = qe;
			if (fe < e && *fe != delim) {
				/* Text after the closing quote is kept. */
				fe = memchr(fe, delim, (size_t)(e - fe));
				if (fe == NULL)
					fe = e;
				dq = 1;
			}
			if (!dq) {
				v->p = s + 1;
				v->n = (size_t)(qe - s - 2);
			} else {
				off = f->buf.n;
				if (sl_buf_grow(&f->buf, (size_t)(fe - s)) < 0)
					return -ENOMEM;
				for (r = s + 1; r < qe - 1; r++) {
					f->buf.p[f->buf.n++] = *r;
					if (*r == '"')
						r++;
				}
				memcpy(f->buf.p + f->buf.n, qe,
				    (size_t)(fe - qe));
				f->buf.n += (size_t)(fe - qe);
				f->buf.p[f->buf.n] = '\0';
				v->p = NULL;
				v->n = f->buf.n - off;
			}
			s = fe;
		} else {
bare:
			fe = memchr(s, delim, (size_t)(e - s));
			if (fe == NULL)
				fe = e;
			v->p = s;
			v->n = (size_t)(fe - s);
			s = fe;
		}
		if (s == e)
			break;
		s++;	/* the delimiter */
	}
	for (i = 0, off = 0; i < f->n; i++) {
		if (f->value[i].p == NULL) {
			f->value[i].p = f->buf.p + off;
			off += f->value[i].n;
		}
	}
	return 0;
}
