/* detect.c: the detectors' framework (detect.h, sessionlog.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect.h"

/* The built-in rules, in the order sessionlog(7) describes them. */
static const struct det_rule *const builtin[] = {
	&det_rule_bulk_export,
	&det_rule_export_growth,
	&det_rule_hours,
	&det_rule_search_burst,
	&det_rule_no_purpose,
	&det_rule_boilerplate_purpose,
	&det_rule_purpose_policy,
	&det_rule_watch,
	&det_rule_rare,
	&det_rule_concurrent,
	&det_rule_denied_burst,
	&det_rule_integrity,
};
#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))

struct sl_detect_user {
	struct det_user u;
	struct sl_detect *d;
};

static const char *const level_names[SL_LEVEL__COUNT] = {
	"info", "low", "medium", "high", "critical",
};

const char *
sl_level_name(int level)
{
	if (level < 0 || level >= SL_LEVEL__COUNT)
		return NULL;
	return level_names[level];
}

int
sl_level_parse(const char *s, size_t n)
{
	int i;

	for (i = 0; i < SL_LEVEL__COUNT; i++)
		if (strlen(level_names[i]) == n &&
		    strncasecmp(level_names[i], s, n) == 0)
			return i;
	return -1;
}

/* Maps. */

static uint64_t
map_hash(const char *k, size_t n)
{
	return sl_hash64(k, n);
}

static size_t *
map_slot(const struct det_map *m, uint64_t h, const char *k, size_t n)
{
	size_t i = (size_t)h & (m->size - 1), *s;

	for (;;) {
		s = &m->tab[i];
		if (*s == 0)
			return s;
		if (m->hash[*s - 1] == h && m->keylen[*s - 1] == n &&
		    (n == 0 || memcmp(m->key[*s - 1], k, n) == 0))
			return s;
		i = (i + 1) & (m->size - 1);
	}
}

ssize_t
det_map_find(const struct det_map *m, const char *k, size_t n)
{
	size_t *s;

	if (m->size == 0)
		return -1;
	s = map_slot(m, map_hash(k, n), k, n);
	return *s == 0 ? -1 : (ssize_t)(*s - 1);
}

static int
map_grow(struct det_map *m)
{
	size_t size = m->size ? m->size * 2 : 64, i, j, *tab;

	tab = calloc(size, sizeof(*tab));
	if (tab == NULL)
		return -ENOMEM;
	for (i = 0; i < m->n; i++) {
		j = (size_t)m->hash[i] & (size - 1);
		while (tab[j] != 0)
			j = (j + 1) & (size - 1);
		tab[j] = i + 1;
	}
	free(m->tab);
	m->tab = tab;
	m->size = size;
	return 0;
}

ssize_t
det_map_put(struct det_map *m, const char *k, size_t n, int *added)
{
	uint64_t h = map_hash(k, n);
	size_t *s;
	char *copy;

	if (added != NULL)
		*added = 0;
	if ((m->n + 1) * 2 > m->size && map_grow(m) < 0)
		return -ENOMEM;
	s = map_slot(m, h, k, n);
	if (*s != 0)
		return (ssize_t)(*s - 1);
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		char **key = realloc(m->key, cap * sizeof(*key));
		size_t *len;
		uint64_t *hash;

		if (key == NULL)
			return -ENOMEM;
		m->key = key;
		if ((len = realloc(m->keylen, cap * sizeof(*len))) == NULL)
			return -ENOMEM;
		m->keylen = len;
		if ((hash = realloc(m->hash, cap * sizeof(*hash))) == NULL)
			return -ENOMEM;
		m->hash = hash;
		m->cap = cap;
	}
	if ((copy = malloc(n + 1)) == NULL)
		return -ENOMEM;
	if (n > 0)
		memcpy(copy, k, n);
	copy[n] = '\0';
	m->key[m->n] = copy;
	m->keylen[m->n] = n;
	m->hash[m->n] = h;
	*s = ++m->n;
	if (added != NULL)
		*added = 1;
	return (ssize_t)(m->n - 1);
}

void
det_map_release(struct det_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->key[i]);
	free(m->key);
	free(m->keylen);
	free(m->hash);
	free(m->tab);
	memset(m, 0, sizeof(*m));
}

/* Evidence. */

int
det_evid_add(struct det_evid *e, const struct sl_event *ev,
    struct sl_str session)
{
	struct sl_buf b = { NULL, 0, 0 };

	e->events++;
	if (e->n < DET_EVID_MAX) {
		if (sl_buf_printf(&b, "%.*s:%llu", (int)ev->origin.n,
		    ev->origin.p, (unsigned long long)ev->line) < 0 ||
		    sl_buf_addc(&b, '\0') < 0) {
			sl_buf_release(&b);
			return -ENOMEM;
		}
		e->v[e->n++] = b.p;
	}
	if (e->first_key == NULL || ev->time < e->first_time) {
		/* What the event is, not where it was read from: the same
		 * evidence ingested from another path gives the same id.
		 * Its time and the source's record id, or without one its
		 * bytes. */
		b.p = NULL;
		b.n = b.cap = 0;
		if ((ev->key.n > 0 ? sl_buf_printf(&b, "%lld:%.*s",
		    (long long)ev->time, (int)ev->key.n, ev->key.p) :
		    sl_buf_printf(&b, "%lld:%016llx", (long long)ev->time,
		    (unsigned long long)sl_hash64(ev->raw.p, ev->raw.n))) < 0 ||
		    sl_buf_addc(&b, '\0') < 0) {
			sl_buf_release(&b);
			return -ENOMEM;
		}
		free(e->first_key);
		e->first_key = b.p;
		e->first_time = ev->time;
		free(e->session);
		if ((e->session = sl_strndup(session.p, session.n)) == NULL)
			return -ENOMEM;
	}
	return 0;
}

int
det_evid_copy(struct det_evid *dst, const struct det_evid *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->n; i++) {
		if ((dst->v[i] = strdup(src->v[i])) == NULL)
			goto fail;
		dst->n++;
	}
	dst->events = src->events;
	dst->first_time = src->first_time;
	if (src->first_key != NULL &&
	    (dst->first_key = strdup(src->first_key)) == NULL)
		goto fail;
	if (src->session != NULL &&
	    (dst->session = strdup(src->session)) == NULL)
		goto fail;
	return 0;
fail:
	det_evid_release(dst);
	return -ENOMEM;
}

int
det_evid_merge(struct det_evid *dst, const struct det_evid *src)
{
	size_t i;

	for (i = 0; i < src->n && dst->n < DET_EVID_MAX; i++)
		if ((dst->v[dst->n] = strdup(src->v[i])) == NULL)
			return -ENOMEM;
		else
			dst->n++;
	dst->events += src->events;
	if (src->first_key != NULL && (dst->first_key == NULL ||
	    src->first_time < dst->first_time)) {
		char *k = strdup(src->first_key);
		char *s = src->session ? strdup(src->session) : NULL;

		if (k == NULL || (src->session != NULL && s == NULL)) {
			free(k);
			free(s);
			return -ENOMEM;
		}
		free(dst->first_key);
		free(dst->session);
		dst->first_key = k;
		dst->session = s;
		dst->first_time = src->first_time;
	}
	return 0;
}

void
det_evid_release(struct det_evid *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->first_key);
	free(e->session);
	memset(e, 0, sizeof(*e));
}

/* Time. */

int64_t
det_day(const struct sl_detect *d, int64_t t)
{
	struct sl_civil c;

	sl_time_civil(t, d->opts.tz, &c);
	return sl_days_from_civil(c.year, c.month, c.day);
}

int
det_hour(const struct sl_detect *d, int64_t t)
{
	struct sl_civil c;

	sl_time_civil(t, d->opts.tz, &c);
	return c.hour;
}

int64_t
det_day_start(const struct sl_detect *d, int64_t day)
{
	return sl_tz_to_utc(d->opts.tz, day * 86400) * 1000000;
}

int
det_judged(const struct sl_detect *d, int64_t t)
{
	if (d->loo)
		return t < d->opts.until;
	return t >= d->opts.since && t < d->opts.until;
}

int
det_is_baseline(const struct sl_detect *d, int64_t judged, int64_t day)
{
	if (d->loo)
		return day != judged;
	return day < d->since_day && day >= d->since_day -
	    (d->opts.baseline + DET_US_PER_DAY - 1) / DET_US_PER_DAY;
}

const struct det_day *
det_user_day(const struct det_user *u, int64_t day)
{
	size_t lo = 0, hi = u->ndays, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (u->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < u->ndays && u->days[lo].day == day ? &u->days[lo] : NULL;
}

/* Statistics. */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
det_quantile(double *v, size_t n, double q)
{
	double pos, f;
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	if (q <= 0)
		return v[0];
	if (q >= 1)
		return v[n - 1];
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	f = pos - (double)i;
	return i + 1 < n ? v[i] + f * (v[i + 1] - v[i]) : v[i];
}

double
det_median(double *v, size_t n)
{
	return det_quantile(v, n, 0.5);
}

double
det_mad(double *v, size_t n)
{
	double m, *dev;
	size_t i;

	if (n == 0)
		return 0;
	m = det_median(v, n);
	if ((dev = malloc(n * sizeof(*dev))) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		dev[i] = fabs(v[i] - m);
	m = det_median(dev, n);
	free(dev);
	return m;
}

const char *
det_bytes(double v, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB",
	    "PB" };
	size_t i = 0;

	while (v >= 1000 && i + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(buf, size, "%.0f B", v);
	else
		snprintf(buf, size, "%.*f %s", v < 10 ? 1 : 0, v, unit[i]);
	return buf;
}

/* Settings. */

static ssize_t
param_index(const struct det_rule *r, const char *name)
{
	size_t i;

	for (i = 0; r->params != NULL && r->params[i].name != NULL; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

double
det_param(const struct sl_detect *d, int rule, const char *name)
{
	ssize_t i = param_index(d->rules[rule], name);

	if (i < 0)
		abort();
	return d->param[rule][i];
}

/* Alerts. */

int
det_emit(struct sl_detect *d, int rule, const struct det_user *u, int bump,
    int64_t start, int64_t end, double value, double baseline,
    double threshold, const struct det_evid *ev, const char *fmt, ...)
{
	struct sl_alert *a;
	struct sl_buf b = { NULL, 0, 0 };
	const char *name = d->rules[rule]->name;
	char hex[17];
	uint64_t h;
	va_list ap;
	int level;

	/* A peer is judged by its own shard. */
	if (u != NULL && u->peer)
		return 0;
	if (d->nalerts == d->capalerts) {
		size_t cap = d->capalerts ? d->capalerts * 2 : 64;
		struct sl_alert *v = realloc(d->alerts, cap * sizeof(*v));
		struct det_evid *e;

		if (v == NULL)
			return -ENOMEM;
		d->alerts = v;
		if ((e = realloc(d->evid, cap * sizeof(*e))) == NULL)
			return -ENOMEM;
		d->evid = e;
		d->capalerts = cap;
	}
	a = &d->alerts[d->nalerts];
	memset(a, 0, sizeof(*a));
	if (det_evid_copy(&d->evid[d->nalerts], ev) < 0)
		return -ENOMEM;
	/* The id: rule, user and the first trigger event, so that the same
	 * alert is the same on every run and one that grows keeps it. */
	h = sl_hash64(name, strlen(name) + 1);
	h ^= sl_hash64(u ? u->name : "", u ? u->namelen : 0) * 31;
	if (ev->first_key != NULL)
		h ^= sl_hash64(ev->first_key, strlen(ev->first_key)) * 131;
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
	memcpy(a->id, hex, sizeof(a->id));
	a->rule = name;
	level = d->level[rule] + bump;
	a->level = level < SL_LEVEL_INFO ? SL_LEVEL_INFO :
	    level > SL_LEVEL_CRITICAL ? SL_LEVEL_CRITICAL : level;
	if (u != NULL) {
		a->user.p = u->name;
		a->user.n = u->namelen;
	} else
		a->user.p = "";
	a->session.p = d->evid[d->nalerts].session ?
	    d->evid[d->nalerts].session : "";
	a->session.n = strlen(a->session.p);
	a->start = start;
	a->end = end;
	a->value = value;
	a->baseline = baseline;
	a->threshold = threshold;
	a->excess = threshold > 0 && value > threshold ? value / threshold :
	    1;
	va_start(ap, fmt);
	if (sl_buf_grow(&b, 256) == 0) {
		int n = vsnprintf(b.p, b.cap, fmt, ap);

		va_end(ap);
		if (n >= 0 && (size_t)n >= b.cap) {
			if (sl_buf_grow(&b, (size_t)n + 1) < 0) {
				sl_buf_release(&b);
				det_evid_release(&d->evid[d->nalerts]);
				return -ENOMEM;
			}
			va_start(ap, fmt);
			vsnprintf(b.p, b.cap, fmt, ap);
			va_end(ap);
		}
	} else {
		va_end(ap);
		det_evid_release(&d->evid[d->nalerts]);
		return -ENOMEM;
	}
	a->explanation = b.p;
	a->nevents = ev->events;
	d->nalerts++;
	return 0;
}

int
sl_detect_rule_alone(const struct sl_detect *d, size_t i)
{
	if (i >= d->nrules)
		return -1;
	return d->rules[i]->alone;
}

int
sl_detect_rule_peers(const struct sl_detect *d, size_t i)
{
	if (i >= d->nrules)
		return -1;
	return d->rules[i]->save != NULL;
}

size_t
sl_detect_user_count(const struct sl_detect *d)
{
	return d->nusers;
}

/* A peer's line: "days N" and each day's events, first, last and 24
 * hours; then, for each peer rule that runs, its name and what its save
 * wrote. */
int
sl_detect_user_baseline(const struct sl_detect *d, size_t i,
    struct sl_str *name, char **line, size_t *len)
{
	struct sl_buf b = { NULL, 0, 0 };
	const struct det_user *u;
	size_t k, h;
	int rc = -ENOMEM;

	if (i >= d->nusers)
		return -EINVAL;
	u = d->users[i];
	name->p = u->name;
	name->n = u->namelen;
	if (sl_buf_printf(&b, "days %zu", u->ndays) < 0)
		goto fail;
	for (k = 0; k < u->ndays; k++) {
		const struct det_day *dd = &u->days[k];

		if (sl_buf_printf(&b, " %lld %llu %lld %lld",
		    (long long)dd->day, (unsigned long long)dd->events,
		    (long long)dd->first, (long long)dd->last) < 0)
			goto fail;
		for (h = 0; h < 24; h++)
			if (sl_buf_printf(&b, " %lu",
			    (unsigned long)dd->hours[h]) < 0)
				goto fail;
	}
	for (k = 0; k < d->nrules; k++) {
		if (d->disabled[k] || d->rules[k]->save == NULL)
			continue;
		if (sl_buf_printf(&b, " %s", d->rules[k]->name) < 0 ||
		    (rc = d->rules[k]->save(d, (int)k, u, u->state[k],
		    &b)) < 0)
			goto fail;
		rc = -ENOMEM;
	}
	if (sl_buf_addc(&b, '\0') < 0)
		goto fail;
	*line = b.p;
	*len = b.n - 1;
	return 0;
fail:
	sl_buf_release(&b);
	return rc;
}

const char *
det_rd_word(struct det_rd *r, size_t *n)
{
	const char *p;

	while (r->p < r->end && *r->p == ' ')
		r->p++;
	p = r->p;
	while (r->p < r->end && *r->p != ' ')
		r->p++;
	*n = (size_t)(r->p - p);
	return p;
}

int64_t
det_rd_int(struct det_rd *r)
{
	char buf[32], *end;
	const char *p;
	long long v;
	size_t n;

	p = det_rd_word(r, &n);
	if (n == 0 || n >= sizeof(buf)) {
		r->bad = 1;
		return 0;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0') {
		r->bad = 1;
		return 0;
	}
	return v;
}

uint64_t
det_rd_u64(struct det_rd *r)
{
	char buf[32], *end;
	const char *p;
	unsigned long long v;
	size_t n;

	p = det_rd_word(r, &n);
	if (n == 0 || n >= sizeof(buf) || p[0] < '0' || p[0] > '9') {
		r->bad = 1;
		return 0;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno != 0 || *end != '\0') {
		r->bad = 1;
		return 0;
	}
	return v;
}

double
det_rd_num(struct det_rd *r)
{
	char buf[64], *end;
	const char *p;
	double v;
	size_t n;

	p = det_rd_word(r, &n);
	if (n == 0 || n >= sizeof(buf)) {
		r->bad = 1;
		return 0;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	v = strtod(buf, &end);
	if (*end != '\0') {
		r->bad = 1;
		return 0;
	}
	return v;
}

size_t
det_rd_count(struct det_rd *r, size_t min)
{
	int64_t v = det_rd_int(r);

	/* Each token takes two bytes at least. */
	if (v < 0 || (uint64_t)v > (uint64_t)(r->end - r->p) / 2 /
	    (min ? min : 1)) {
		r->bad = 1;
		return 0;
	}
	return (size_t)v;
}

int
det_buf_hex(struct sl_buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t k;

	if (sl_buf_grow(b, n * 2 + 1) < 0)
		return -ENOMEM;
	b->p[b->n++] = ' ';
	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)p[k];

		b->p[b->n++] = hex[c >> 4];
		b->p[b->n++] = hex[c & 15];
	}
	b->p[b->n] = '\0';
	return 0;
}

static int
unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
det_rd_hex(struct det_rd *r, char **out, size_t *n)
{
	const char *w;
	size_t wn, k;

	*out = NULL;
	*n = 0;
	w = det_rd_word(r, &wn);
	if (wn == 0 || wn % 2 != 0) {
		r->bad = 1;
		return 0;
	}
	if ((*out = malloc(wn / 2)) == NULL)
		return -ENOMEM;
	for (k = 0; k < wn / 2; k++) {
		int hi = unhex(w[2 * k]), lo = unhex(w[2 * k + 1]);

		if (hi < 0 || lo < 0) {
			r->bad = 1;
			free(*out);
			*out = NULL;
			return 0;
		}
		(*out)[k] = (char)(hi << 4 | lo);
	}
	*n = wn / 2;
	return 0;
}

/* The rule named by the word tok[0..tn) that is on, or -1. */
static ssize_t
rule_word(const struct sl_detect *d, const char *tok, size_t tn)
{
	size_t ri;

	for (ri = 0; ri < d->nrules; ri++)
		if (strlen(d->rules[ri]->name) == tn &&
		    memcmp(d->rules[ri]->name, tok, tn) == 0)
			return d->disabled[ri] ? -1 : (ssize_t)ri;
	return -1;
}

int
sl_detect_add_peer(struct sl_detect *d, const char *user, size_t n,
    const char *line, size_t len)
{
	struct sl_detect_user *du;
	struct det_user *u;
	struct det_rd r = { line, line + len, 0 };
	const char *tok;
	size_t k, h, nd, tn;
	ssize_t ri;
	int rc = -EINVAL;

	if ((du = sl_detect_user_new(d, user, n)) == NULL)
		return -ENOMEM;
	u = &du->u;
	u->peer = 1;
	tok = det_rd_word(&r, &tn);
	if (tn != 4 || memcmp(tok, "days", 4) != 0)
		goto bad;
	nd = det_rd_count(&r, 28);
	if (r.bad)
		goto bad;
	if (nd > 0 && (u->days = calloc(nd, sizeof(*u->days))) == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	u->capdays = nd;
	for (k = 0; k < nd; k++) {
		struct det_day *dd = &u->days[u->ndays++];

		dd->day = det_rd_int(&r);
		dd->events = (uint64_t)det_rd_int(&r);
		dd->first = det_rd_int(&r);
		dd->last = det_rd_int(&r);
		for (h = 0; h < 24; h++)
			dd->hours[h] = (uint32_t)det_rd_int(&r);
		if (r.bad || (k > 0 && dd->day <= dd[-1].day))
			goto bad;
	}
	if (nd > 0) {
		u->first = u->days[0].first;
		u->last = u->days[nd - 1].last;
	}
	for (;;) {
		tok = det_rd_word(&r, &tn);
		if (tn == 0)
			break;
		ri = rule_word(d, tok, tn);
		if (ri < 0 || d->rules[ri]->load == NULL) {
			snprintf(d->err, sizeof(d->err), "a baseline of rule "
			    "\"%.*s\", which this run does not judge with "
			    "peers", (int)(tn < 64 ? tn : 64), tok);
			rc = -EINVAL;
			goto fail;
		}
		if ((rc = d->rules[ri]->load(d, (int)ri, u, u->state[ri],
		    &r)) < 0)
			goto fail;
		if (r.bad)
			goto bad;
	}
	return sl_detect_user_end(d, du);
bad:
	snprintf(d->err, sizeof(d->err), "a malformed baseline");
	rc = -EINVAL;
fail:
	if (rc == -EINVAL && d->err[0] == '\0')
		snprintf(d->err, sizeof(d->err), "a malformed baseline");
	sl_detect_user_free(d, du);
	return rc;
}

int
sl_detect_case_baseline(struct sl_detect *d, struct sl_case *c, char **text,
    size_t *len)
{
	struct sl_buf b = { NULL, 0, 0 };
	size_t k;
	int rc;

	for (k = 0; k < d->nrules; k++)
		if (!d->disabled[k] && d->rules[k]->save_case != NULL &&
		    (rc = d->rules[k]->save_case(d, (int)k, c, &b)) < 0) {
			sl_buf_release(&b);
			return rc;
		}
	if (sl_buf_addc(&b, '\0') < 0) {
		sl_buf_release(&b);
		return -ENOMEM;
	}
	*text = b.p;
	*len = b.n - 1;
	return 0;
}

int
sl_detect_add_case_peer(struct sl_detect *d, const char *line, size_t len)
{
	struct det_rd r = { line, NULL, 0 };
	const char *tok;
	size_t tn, *vl;
	char **v;
	ssize_t ri;
	int rc;

	d->case_peers = 1;
	if (line == NULL)
		return 0;
	r.end = line + len;
	tok = det_rd_word(&r, &tn);
	ri = rule_word(d, tok, tn);
	if (ri < 0 || d->rules[ri]->save_case == NULL) {
		snprintf(d->err, sizeof(d->err), "a case baseline of rule "
		    "\"%.*s\", which this run does not judge with peers",
		    (int)(tn < 64 ? tn : 64), tok);
		return -EINVAL;
	}
	if (d->rules[ri]->check_case != NULL &&
	    (rc = d->rules[ri]->check_case(&r)) < 0) {
		if (rc == -EINVAL)
			snprintf(d->err, sizeof(d->err), "a malformed "
			    "baseline of %s", d->rules[ri]->name);
		return rc;
	}
	if ((v = realloc(d->case_lines, (d->ncase_lines + 1) *
	    sizeof(*v))) == NULL)
		return -ENOMEM;
	d->case_lines = v;
	if ((vl = realloc(d->case_len, (d->ncase_lines + 1) *
	    sizeof(*vl))) == NULL)
		return -ENOMEM;
	d->case_len = vl;
	if ((v[d->ncase_lines] = sl_strndup(line, len)) == NULL)
		return -ENOMEM;
	vl[d->ncase_lines++] = len;
	return 0;
}

static int
cmp_alert(const void *x, const void *y)
{
	const struct sl_alert *a = x, *b = y;
	size_t n;
	int c;

	if (a->level != b->level)
		return a->level > b->level ? -1 : 1;
	if (a->excess != b->excess)
		return a->excess > b->excess ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)) != 0)
		return c;
	n = a->user.n < b->user.n ? a->user.n : b->user.n;
	if (n > 0 && (c = memcmp(a->user.p, b->user.p, n)) != 0)
		return c;
	if (a->user.n != b->user.n)
		return a->user.n < b->user.n ? -1 : 1;
	return strcmp(a->id, b->id);
}

int
sl_alert_cmp(const struct sl_alert *a, const struct sl_alert *b)
{
	return cmp_alert(a, b);
}

/* Groups. */

size_t
det_tsv_fields(const char *p, size_t n, struct sl_str *f, size_t max)
{
	size_t k = 0, i, start = 0;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	for (i = 0; i <= n && k < max; i++)
		if (i == n || p[i] == '\t') {
			f[k].p = p + start;
			f[k].n = i - start;
			k++;
			start = i + 1;
		}
	return k;
}

#define GROUP_FIELDS 256

int
sl_detect_load_groups(struct sl_detect *d, const char *path,
    const char *column)
{
	struct sl_str f[GROUP_FIELDS];
	FILE *fp;
	char *line = NULL;
	size_t cap = 0, nf, i, ucol = SIZE_MAX, gcol = SIZE_MAX;
	unsigned long lineno = 0;
	ssize_t len, g, k;
	int rc = 0;

	if (column == NULL)
		column = "group";
	if ((fp = fopen(path, "r")) == NULL) {
		rc = -errno;
		snprintf(d->err, sizeof(d->err), "%s: %s", path,
		    strerror(errno));
		return rc;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			len--;
		nf = det_tsv_fields(line, (size_t)len, f, GROUP_FIELDS);
		if (lineno == 1) {
			for (i = 0; i < nf; i++) {
				if (ucol == SIZE_MAX && sl_str_eq(f[i], "user"))
					ucol = i;
				if (gcol == SIZE_MAX && sl_str_eq(f[i], column))
					gcol = i;
			}
			if (ucol == SIZE_MAX || gcol == SIZE_MAX) {
				snprintf(d->err, sizeof(d->err), "%s:1: the "
				    "header names no column \"%s\"", path,
				    ucol == SIZE_MAX ? "user" : column);
				rc = -EINVAL;
				goto out;
			}
			continue;
		}
		if (len == 0)
			continue;
		if (ucol >= nf || gcol >= nf || f[ucol].n == 0) {
			snprintf(d->err, sizeof(d->err), "%s:%lu: no %s in "
			    "this line", path, lineno, ucol >= nf ||
			    f[ucol].n == 0 ? "user" : column);
			rc = -EINVAL;
			goto out;
		}
		if ((g = det_map_put(&d->groups, f[gcol].p, f[gcol].n,
		    NULL)) < 0 || (k = det_map_put(&d->group_of, f[ucol].p,
		    f[ucol].n, NULL)) < 0) {
			rc = -ENOMEM;
			goto out;
		}
		if ((size_t)k >= d->ngroup_user) {
			size_t *v = realloc(d->group_user, d->group_of.cap *
			    sizeof(*v));

			if (v == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			d->group_user = v;
			d->ngroup_user = d->group_of.cap;
		}
		/* The last row of a user wins, as in a spreadsheet's
		 * lookup of an updated list. */
		d->group_user[k] = (size_t)g;
	}
	if (ferror(fp)) {
		rc = -EIO;
		snprintf(d->err, sizeof(d->err), "%s: %s", path,
		    strerror(EIO));
	} else if (lineno == 0) {
		rc = -EINVAL;
		snprintf(d->err, sizeof(d->err), "%s: empty: a groups file "
		    "starts with a header line", path);
	}
	d->grouped = rc == 0;
out:
	free(line);
	fclose(fp);
	return rc;
}

/* The run. */

static int
add_rule(struct sl_detect *d, const struct det_rule *r)
{
	const struct det_rule **rules;
	double **param, *p;
	int *level, *dis;
	size_t n = d->nrules + 1, np = 0, i;

	while (r->params != NULL && r->params[np].name != NULL)
		np++;
	if ((rules = realloc(d->rules, n * sizeof(*rules))) == NULL)
		return -ENOMEM;
	d->rules = rules;
	if ((param = realloc(d->param, n * sizeof(*param))) == NULL)
		return -ENOMEM;
	d->param = param;
	if ((level = realloc(d->level, n * sizeof(*level))) == NULL)
		return -ENOMEM;
	d->level = level;
	if ((dis = realloc(d->disabled, n * sizeof(*dis))) == NULL)
		return -ENOMEM;
	d->disabled = dis;
	if ((p = calloc(np + 1, sizeof(*p))) == NULL)
		return -ENOMEM;
	for (i = 0; i < np; i++)
		p[i] = r->params[i].value;
	rules[d->nrules] = r;
	param[d->nrules] = p;
	level[d->nrules] = r->level;
	dis[d->nrules] = 0;
	d->nrules++;
	return 0;
}

int
det_add_rule(struct sl_detect *d, struct det_rule *r)
{
	int rc = -EBUSY;

	if (d->started || (rc = add_rule(d, r)) < 0) {
		if (r->destroy != NULL)
			r->destroy(r);
		return rc;
	}
	return (int)d->nrules - 1;
}

int
det_rule_find(const struct sl_detect *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nrules; i++)
		if (strcmp(d->rules[i]->name, name) == 0)
			return (int)i;
	return -1;
}

struct sl_detect *
sl_detect_new(const struct sl_detect_opts *opts)
{
	struct sl_detect *d;
	size_t i;
	int rc;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if (opts == NULL)
		sl_detect_opts_init(&d->opts);
	else if ((rc = sl_opts_copy(&d->opts, sizeof(d->opts), opts)) < 0) {
		free(d);
		errno = -rc;
		return NULL;
	}
	if (d->opts.since >= d->opts.until || d->opts.baseline < 0 ||
	    (d->opts.work_from != -1 && (d->opts.work_from < 0 ||
	    d->opts.work_from > 1440 || d->opts.work_to < 0 ||
	    d->opts.work_to > 1440)) || d->opts.workdays > 0x7f) {
		free(d);
		errno = EINVAL;
		return NULL;
	}
	d->loo = d->opts.since == INT64_MIN;
	if (!d->loo)
		d->since_day = det_day(d, d->opts.since);
	pthread_mutex_init(&d->lock, NULL);
	/* Group 0: users without a group (all of them without a groups
	 * file). */
	if (det_map_put(&d->groups, "", 0, NULL) < 0) {
		sl_detect_free(d);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < NBUILTIN; i++)
		if (add_rule(d, builtin[i]) < 0) {
			sl_detect_free(d);
			errno = ENOMEM;
			return NULL;
		}
	return d;
}

struct sl_str
sl_detect_group(const struct sl_detect *d, const char *user, size_t n)
{
	struct sl_str g = { "", 0 };
	ssize_t k = det_map_find(&d->group_of, user, n);
	size_t i;

	if (k < 0)
		return g;
	i = d->group_user[k];
	g.p = d->groups.key[i];
	g.n = d->groups.keylen[i];
	return g;
}

const char *
sl_detect_error(const struct sl_detect *d)
{
	return d->err;
}

size_t
sl_detect_rule_count(const struct sl_detect *d)
{
	return d->nrules;
}

const char *
sl_detect_rule_name(const struct sl_detect *d, size_t i)
{
	return i < d->nrules ? d->rules[i]->name : NULL;
}

int
sl_detect_rule_level(const struct sl_detect *d, size_t i, int *disabled)
{
	if (i >= d->nrules)
		return -1;
	if (disabled != NULL)
		*disabled = d->disabled[i];
	return d->level[i];
}

const char *
sl_detect_rule_setting(const struct sl_detect *d, size_t i, size_t k,
    char *value, size_t size)
{
	const struct det_param *p;
	double v;
	size_t n;

	if (i >= d->nrules || d->rules[i]->params == NULL)
		return NULL;
	for (n = 0; n < k && d->rules[i]->params[n].name != NULL; n++)
		;
	p = &d->rules[i]->params[n];
	if (p->name == NULL)
		return NULL;
	v = d->param[i][n];
	/* As a rules file would write it. */
	switch (p->unit) {
	case DET_SECONDS:
		snprintf(value, size, "%.0fs", v);
		break;
	case DET_BYTES:
		snprintf(value, size, "%.0fB", v);
		break;
	case DET_COUNT:
		snprintf(value, size, "%.0f", v);
		break;
	default:
		snprintf(value, size, "%g", v);
		break;
	}
	return p->name;
}

void
sl_detect_range(const struct sl_detect *d, int64_t *from, int64_t *to)
{
	*to = d->opts.until;
	/* (No overflow: since - baseline - a day may not reach below
	 * INT64_MIN.) */
	if (d->loo || d->opts.since < INT64_MIN + d->opts.baseline +
	    DET_US_PER_DAY)
		*from = INT64_MIN;
	else
		/* A day more than the baseline, for its first local day. */
		*from = d->opts.since - d->opts.baseline - DET_US_PER_DAY;
}

struct sl_detect_user *
sl_detect_user_new(struct sl_detect *d, const char *user, size_t n)
{
	struct sl_detect_user *du;
	struct det_user *u;
	size_t i;

	if ((du = calloc(1, sizeof(*du))) == NULL)
		return NULL;
	du->d = d;
	/* From now on the rules are fixed: each user has a state for
	 * each. */
	pthread_mutex_lock(&d->lock);
	d->started = 1;
	pthread_mutex_unlock(&d->lock);
	u = &du->u;
	u->first = u->last = INT64_MIN;
	if ((u->name = sl_strndup(user, n)) == NULL)
		goto fail;
	u->namelen = n;
	if ((u->state = calloc(d->nrules, sizeof(*u->state))) == NULL)
		goto fail;
	for (i = 0; i < d->nrules; i++)
		if (d->rules[i]->size > 0 &&
		    (u->state[i] = calloc(1, d->rules[i]->size)) == NULL)
			goto fail;
	for (i = 0; i < d->nrules; i++)
		if (d->rules[i]->init != NULL && !d->disabled[i] &&
		    d->rules[i]->init(d, (int)i, u->state[i]) < 0)
			goto fail;
	/* The group is looked up now: the rules may want it early. */
	{
		ssize_t k = det_map_find(&d->group_of, user, n);

		u->group = k < 0 ? 0 : d->group_user[k];
	}
	return du;
fail:
	sl_detect_user_free(d, du);
	return NULL;
}

static int
count_day(struct sl_detect *d, struct det_user *u, const struct sl_step *s)
{
	const struct sl_event *ev = s->ev;
	struct det_day *day;
	struct sl_civil c;
	int64_t dn;

	sl_time_civil(ev->time, d->opts.tz, &c);
	dn = sl_days_from_civil(c.year, c.month, c.day);
	if (u->ndays == 0 || u->days[u->ndays - 1].day != dn) {
		if (u->ndays > 0 && u->days[u->ndays - 1].day > dn)
			return 0;	/* not in time order: not counted */
		if (u->ndays == u->capdays) {
			size_t cap = u->capdays ? u->capdays * 2 : 32;
			struct det_day *v = realloc(u->days,
			    cap * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			u->days = v;
			u->capdays = cap;
		}
		day = &u->days[u->ndays++];
		memset(day, 0, sizeof(*day));
		day->day = dn;
		day->first = ev->time;
	}
	day = &u->days[u->ndays - 1];
	day->events++;
	day->hours[c.hour]++;
	day->last = ev->time;
	if (u->first == INT64_MIN)
		u->first = ev->time;
	u->last = ev->time;
	return 0;
}

int
sl_detect_user_add(struct sl_detect_user *du, const struct sl_step *st)
{
	struct sl_detect *d = du->d;
	struct det_user *u = &du->u;
	size_t i;
	int rc;

	if (st->ev->time >= d->opts.until)
		return 0;
	if (st->in_range && !(st->ev->flags & SL_EV_BACKEND) &&
	    (rc = count_day(d, u, st)) < 0)
		return rc;
	for (i = 0; i < d->nrules; i++)
		if (!d->disabled[i] && d->rules[i]->add != NULL &&
		    (rc = d->rules[i]->add(d, u, u->state[i], st)) < 0)
			return rc;
	return 0;
}

int
sl_detect_user_end(struct sl_detect *d, struct sl_detect_user *du)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < d->nrules; i++)
		if (!d->disabled[i] && d->rules[i]->end != NULL &&
		    (rc = d->rules[i]->end(d, &du->u, du->u.state[i])) < 0)
			break;
	pthread_mutex_lock(&d->lock);
	if (rc == 0 && d->nusers == d->capusers) {
		size_t cap = d->capusers ? d->capusers * 2 : 64;
		struct det_user **v = realloc(d->users, cap * sizeof(*v));

		if (v == NULL)
			rc = -ENOMEM;
		else {
			d->users = v;
			d->capusers = cap;
		}
	}
	if (rc == 0)
		d->users[d->nusers++] = &du->u;
	pthread_mutex_unlock(&d->lock);
	if (rc < 0)
		sl_detect_user_free(d, du);
	return rc;
}

static void
user_free(struct sl_detect *d, struct det_user *u)
{
	size_t i;

	for (i = 0; u->state != NULL && i < d->nrules; i++) {
		if (u->state[i] != NULL && d->rules[i]->release != NULL)
			d->rules[i]->release(u->state[i]);
		free(u->state[i]);
	}
	free(u->state);
	free(u->days);
	free(u->name);
}

void
sl_detect_user_free(struct sl_detect *d, struct sl_detect_user *du)
{
	if (du == NULL)
		return;
	user_free(d, &du->u);
	free(du);
}

static int
cmp_user(const void *x, const void *y)
{
	const struct det_user *a = *(struct det_user *const *)x;
	const struct det_user *b = *(struct det_user *const *)y;
	size_t n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int c = n ? memcmp(a->name, b->name, n) : 0;

	if (c != 0)
		return c;
	return a->namelen < b->namelen ? -1 : a->namelen > b->namelen;
}

int
sl_detect_run(struct sl_detect *d, struct sl_case *c)
{
	size_t i;
	int rc;

	/* Users in name order, so that nothing depends on which thread
	 * handed them in first. */
	if (d->nusers > 1)
		qsort(d->users, d->nusers, sizeof(*d->users), cmp_user);
	for (i = 0; i < d->nrules; i++)
		if (!d->disabled[i] && d->rules[i]->run != NULL &&
		    (rc = d->rules[i]->run(d, (int)i)) < 0)
			goto fail;
	for (i = 0; c != NULL && i < d->nrules; i++)
		if (!d->disabled[i] && d->rules[i]->run_case != NULL &&
		    (rc = d->rules[i]->run_case(d, (int)i, c)) < 0)
			goto fail;
	for (i = 0; i < d->nalerts; i++) {
		d->alerts[i].evidence = NULL;
		d->alerts[i].nevidence = 0;
	}
	if (d->nalerts > 1) {
		/* Sort alerts and their evidence together: sort indexes. */
		struct { struct sl_alert a; struct det_evid e; } *v;

		if ((v = malloc(d->nalerts * sizeof(*v))) == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		for (i = 0; i < d->nalerts; i++) {
			v[i].a = d->alerts[i];
			v[i].e = d->evid[i];
		}
		qsort(v, d->nalerts, sizeof(*v), cmp_alert);
		for (i = 0; i < d->nalerts; i++) {
			d->alerts[i] = v[i].a;
			d->evid[i] = v[i].e;
		}
		free(v);
	}
	/* Evidence as strings, now that the arrays stay put. */
	for (i = 0; i < d->nalerts; i++) {
		struct det_evid *e = &d->evid[i];
		struct sl_str *s;
		size_t k;

		if (e->n == 0)
			continue;
		if ((s = calloc(e->n, sizeof(*s))) == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		for (k = 0; k < e->n; k++) {
			s[k].p = e->v[k];
			s[k].n = strlen(e->v[k]);
		}
		d->alerts[i].evidence = s;
		d->alerts[i].nevidence = e->n;
		d->alerts[i].session.p = e->session ? e->session : "";
	}
	return 0;
fail:
	if (d->err[0] == '\0')
		snprintf(d->err, sizeof(d->err), "%s", strerror(-rc));
	return rc;
}

size_t
sl_detect_count(const struct sl_detect *d)
{
	return d->nalerts;
}

const struct sl_alert *
sl_detect_alert(const struct sl_detect *d, size_t i)
{
	return i < d->nalerts ? &d->alerts[i] : NULL;
}

void
sl_detect_free(struct sl_detect *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nusers; i++) {
		user_free(d, d->users[i]);
		free((struct sl_detect_user *)d->users[i]);
	}
	free(d->users);
	for (i = 0; i < d->nalerts; i++) {
		free((char *)d->alerts[i].explanation);
		free((void *)d->alerts[i].evidence);
		det_evid_release(&d->evid[i]);
	}
	free(d->alerts);
	free(d->evid);
	for (i = 0; i < d->nrules; i++) {
		free(d->param[i]);
		if (d->rules[i]->destroy != NULL)
			d->rules[i]->destroy((struct det_rule *)d->rules[i]);
	}
	free(d->param);
	free(d->level);
	free(d->disabled);
	free(d->rules);
	for (i = 0; i < d->ncase_lines; i++)
		free(d->case_lines[i]);
	free(d->case_lines);
	free(d->case_len);
	det_map_release(&d->groups);
	det_map_release(&d->group_of);
	free(d->group_user);
	det_policy_free(d->policy);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
