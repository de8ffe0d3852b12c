/* usage.c: per-user aggregates over the steps of a cursor (sessionlog.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * Distinct byte-string keys with their counts: the items in a dense array
 * in order of insertion (so that a merge walks them without a table), and
 * an open-addressing table of their indexes + 1, size a power of 2.  A key
 * is the pair (user, key) of an item: SESSION's items have the user whose
 * session it is, the other maps' an empty one.  One allocation holds the
 * user's bytes, then the key's, then a NUL (user.p points at its start).
 * Past the usage's max_keys, a sketch instead (hll not NULL): no items,
 * only the estimate of how many distinct keys there are.
 */
struct umap {
	struct sl_usage_item *it;
	uint64_t *hash;		/* of each item's key */
	size_t n, cap;
	size_t *tab;
	size_t size;
	struct sl_hll *hll;
};

struct sl_usage {
	struct sl_usage_opts opts;
	struct sl_usage_figures f;
	struct umap map[SL_USAGE__MAPS];
	struct sl_usage_item *list;	/* sl_usage_list's answer */
	struct sl_buf fold;		/* a query's terms being folded */
	/* Each DAY key's local hours with own events (bits 0-23) and its
	 * weekday + 1 (bits 24-27), by the key's index. */
	uint32_t *dmask;
	size_t dcap;
	size_t listcap;
};

static void
umap_release(struct umap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free((char *)m->it[i].user.p);
	free(m->it);
	free(m->hash);
	free(m->tab);
	sl_hll_free(m->hll);
	memset(m, 0, sizeof(*m));
}

/*
 * Add the pair (user, key) to a sketch.  Without a user, the key's bytes
 * (as before users were part of a key); with one, the user's bytes, the
 * key's and the user's length in 8 bytes, big-endian: two pairs are the
 * same bytes only when they are the same pair.  Returns 0 or -ENOMEM.
 */
static int
hll_add_pair(struct sl_hll *h, const char *user, size_t un, const char *k,
    size_t kn)
{
	char *b;
	int i;

	if (un == 0) {
		sl_hll_add(h, k, kn);
		return 0;
	}
	if ((b = malloc(un + kn + 8)) == NULL)
		return -ENOMEM;
	memcpy(b, user, un);
	if (kn > 0)
		memcpy(b + un, k, kn);
	for (i = 0; i < 8; i++)
		b[un + kn + (size_t)i] = (char)(((uint64_t)un >> (56 - 8 * i)) &
		    0xff);
	sl_hll_add(h, b, un + kn + 8);
	free(b);
	return 0;
}

/* The map's keys into a sketch, the keys themselves dropped. */
static int
umap_sketch(struct umap *m)
{
	struct sl_hll *h;
	size_t i;

	if (m->hll != NULL)
		return 0;
	if ((h = sl_hll_new()) == NULL)
		return -ENOMEM;
	for (i = 0; i < m->n; i++)
		if (hll_add_pair(h, m->it[i].user.p, m->it[i].user.n,
		    m->it[i].key.p, m->it[i].key.n) < 0) {
			sl_hll_free(h);
			return -ENOMEM;
		}
	umap_release(m);
	m->hll = h;
	return 0;
}

/* Distinct keys: counted, or estimated. */
static size_t
umap_count(const struct umap *m)
{
	double e;

	if (m->hll == NULL)
		return m->n;
	e = sl_hll_estimate(m->hll);
	return e >= (double)SIZE_MAX ? SIZE_MAX : (size_t)llround(e);
}

/* The table's hash of the pair (user, key). */
static uint64_t
pair_hash(const char *user, size_t un, const char *k, size_t kn)
{
	uint64_t h = sl_hash64(k, kn);

	return un == 0 ? h : h ^ (sl_hash64(user, un) *
	    UINT64_C(0x9e3779b97f4a7c15));
}

/* The table slot of the pair (user, key k) (hash h): the one holding it,
 * or the empty one where it would go. */
static size_t *
umap_slot(const struct umap *m, uint64_t h, const char *user, size_t un,
    const char *k, size_t kn)
{
	size_t i = (size_t)h & (m->size - 1), *s;
	const struct sl_usage_item *it;

	for (;;) {
		s = &m->tab[i];
		if (*s == 0)
			return s;
		it = &m->it[*s - 1];
		if (m->hash[*s - 1] == h && it->key.n == kn &&
		    it->user.n == un &&
		    (kn == 0 || memcmp(it->key.p, k, kn) == 0) &&
		    (un == 0 || memcmp(it->user.p, user, un) == 0))
			return s;
		i = (i + 1) & (m->size - 1);
	}
}

static const struct sl_usage_item *
umap_get(const struct umap *m, const char *user, size_t un, const char *k,
    size_t kn)
{
	size_t *s;

	if (m->size == 0)
		return NULL;
	s = umap_slot(m, pair_hash(user, un, k, kn), user, un, k, kn);
	return *s != 0 ? &m->it[*s - 1] : NULL;
}

/*
 * Count the pair (user, key k): add count to its item and widen its span
 * to [first, last], making the item if it is new.  Returns the item, or
 * NULL on ENOMEM (nothing changed).
 */
static struct sl_usage_item *
umap_add(struct umap *m, const char *user, size_t un, const char *k,
    size_t kn, uint64_t count, int64_t first, int64_t last)
{
	struct sl_usage_item *it;
	uint64_t h = pair_hash(user, un, k, kn);
	size_t *s, i, nsize;
	char *copy;

	if ((m->n + 1) * 2 > m->size) {
		size_t *nt;

		nsize = m->size ? m->size * 2 : 16;
		if ((nt = calloc(nsize, sizeof(*nt))) == NULL)
			return NULL;
		free(m->tab);
		m->tab = nt;
		m->size = nsize;
		for (i = 0; i < m->n; i++)
			*umap_slot(m, m->hash[i], m->it[i].user.p,
			    m->it[i].user.n, m->it[i].key.p,
			    m->it[i].key.n) = i + 1;
	}
	s = umap_slot(m, h, user, un, k, kn);
	if (*s == 0) {
		if (m->n == m->cap) {
			size_t ncap = m->cap ? m->cap * 2 : 16;
			struct sl_usage_item *ni;
			uint64_t *nh;

			if ((ni = realloc(m->it, ncap * sizeof(*ni))) == NULL)
				return NULL;
			m->it = ni;
			if ((nh = realloc(m->hash, ncap * sizeof(*nh))) ==
			    NULL)
				return NULL;
			m->hash = nh;
			m->cap = ncap;
		}
		if ((copy = malloc(un + kn + 1)) == NULL)
			return NULL;
		if (un > 0)
			memcpy(copy, user, un);
		if (kn > 0)
			memcpy(copy + un, k, kn);
		copy[un + kn] = '\0';
		it = &m->it[m->n];
		it->user.p = copy;
		it->user.n = un;
		it->key.p = copy + un;
		it->key.n = kn;
		it->count = 0;
		it->first = first;
		it->last = last;
		m->hash[m->n] = h;
		*s = ++m->n;
	}
	it = &m->it[*s - 1];
	it->count += count;
	if (first < it->first)
		it->first = first;
	if (last > it->last)
		it->last = last;
	return it;
}

static void
sat_add(uint64_t *sum, uint64_t v)
{
	*sum = *sum + v < *sum ? UINT64_MAX : *sum + v;
}

struct sl_usage *
sl_usage_new(const struct sl_usage_opts *opts)
{
	struct sl_usage *u;
	int rc;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	if ((rc = sl_opts_copy(&u->opts, sizeof(u->opts), opts)) < 0) {
		free(u);
		errno = -rc;
		return NULL;
	}
	u->f.first = u->f.last = INT64_MIN;
	return u;
}

void
sl_usage_free(struct sl_usage *u)
{
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < SL_USAGE__MAPS; i++)
		umap_release(&u->map[i]);
	free(u->list);
	sl_buf_release(&u->fold);
	free(u->dmask);
	free(u);
}

/* Count a session's part [first, last] into its item, keeping the
 * lengths' sum and maximum: a span only ever widens, so the sum moves by
 * the widening and the longest is the longest seen. */
static int
add_session(struct sl_usage *u, const char *user, size_t un, const char *k,
    size_t kn, uint64_t count, int64_t first, int64_t last)
{
	struct umap *m = &u->map[SL_USAGE_SESSION];
	const struct sl_usage_item *old;
	struct sl_usage_item *it;
	int64_t was;
	int rc;

	/* A sketch knows no session's span: the lengths stop there. */
	if (m->hll != NULL) {
		if ((rc = hll_add_pair(m->hll, user, un, k, kn)) < 0)
			return rc;
		u->f.sessions = umap_count(m);
		return 0;
	}
	old = umap_get(m, user, un, k, kn);
	was = old != NULL ? old->last - old->first : 0;
	if ((it = umap_add(m, user, un, k, kn, count, first, last)) == NULL)
		return -ENOMEM;
	u->f.session_total += (it->last - it->first) - was;
	if (it->last - it->first > u->f.session_longest)
		u->f.session_longest = it->last - it->first;
	if (u->opts.max_keys > 0 && m->n > u->opts.max_keys &&
	    (rc = umap_sketch(m)) < 0)
		return rc;
	u->f.sessions = umap_count(m);
	return 0;
}

/* Mark DAY key i (of weekday wday) with the hours in mask, counting the
 * day and its hours where new. */
static int
day_mark(struct sl_usage *u, size_t i, int wday, uint32_t mask)
{
	struct sl_usage_figures *f = &u->f;
	uint32_t old;
	int h;

	if (i >= u->dcap) {
		size_t cap = u->dcap ? u->dcap * 2 : 64;
		uint32_t *v;

		while (cap <= i)
			cap *= 2;
		if ((v = realloc(u->dmask, cap * sizeof(*v))) == NULL)
			return -ENOMEM;
		memset(v + u->dcap, 0, (cap - u->dcap) * sizeof(*v));
		u->dmask = v;
		u->dcap = cap;
	}
	old = u->dmask[i];
	if (old == 0 && wday >= 0 && wday < 7) {
		f->wday_days[wday]++;
		u->dmask[i] = (uint32_t)(wday + 1) << 24;
	}
	for (h = 0; h < 24; h++)
		if ((mask & (UINT32_C(1) << h)) && !(old & (UINT32_C(1) << h)))
			f->hour_days[h]++;
	u->dmask[i] |= mask & 0xffffff;
	return 0;
}

/*
 * Count key k of map j (not SESSION) as umap_add does, or into the map's
 * sketch; a map that grows past max_keys becomes a sketch.  DAY never
 * does: its size is bounded by the days of the span, and its masks make
 * the figures of usual hours.
 */
static int
map_add(struct sl_usage *u, int j, const char *k, size_t kn, uint64_t count,
    int64_t first, int64_t last)
{
	struct umap *m = &u->map[j];

	if (m->hll != NULL) {
		sl_hll_add(m->hll, k, kn);
		return 0;
	}
	if (umap_add(m, NULL, 0, k, kn, count, first, last) == NULL)
		return -ENOMEM;
	if (u->opts.max_keys > 0 && j != SL_USAGE_DAY &&
	    m->n > u->opts.max_keys)
		return umap_sketch(m);
	return 0;
}

static int
add_key(struct sl_usage *u, int map, const char *k, size_t kn, int64_t t)
{
	return map_add(u, map, k, kn, 1, t, t);
}

/* TERM: each word of the query once per event, folded as the watchlist
 * folds names (sl_fold_tokens). */
struct terms {
	struct sl_usage *u;
	int64_t t;
	struct sl_buf words;	/* this query's words so far, NUL-separated */
};

static int
add_term(void *arg, const char *p, size_t n)
{
	struct terms *tm = arg;
	size_t i = 0, k;

	while (i < tm->words.n) {
		k = strlen(tm->words.p + i);
		if (k == n && memcmp(tm->words.p + i, p, n) == 0)
			return 0;
		i += k + 1;
	}
	if (sl_buf_add(&tm->words, p, n) < 0 || sl_buf_addc(&tm->words,
	    '\0') < 0)
		return -ENOMEM;
	return add_key(tm->u, SL_USAGE_TERM, p, n, tm->t);
}

static int
add_terms(struct sl_usage *u, const char *p, size_t n, int64_t t)
{
	struct terms tm = { u, t, { NULL, 0, 0 } };
	int rc = sl_fold_tokens(p, n, &u->fold, add_term, &tm);

	sl_buf_release(&tm.words);
	return rc;
}

int
sl_usage_add(struct sl_usage *u, const struct sl_step *st)
{
	const struct sl_event *ev = st->ev;
	struct sl_usage_figures *f = &u->f;
	struct sl_civil c;
	const char *p, *end, *nl;
	char day[32];
	int64_t t = ev->time;
	int a = ev->action, n, rc;

	if (!st->in_range)
		return 0;
	if (a < 0 || a >= SL_ACT__COUNT)
		a = SL_ACT_OTHER;
	if (ev->flags & SL_EV_BACKEND) {
		f->backend++;
		f->backend_actions[a]++;
		return 1;
	}
	f->events++;
	f->actions[a]++;
	f->outcomes[ev->outcome >= 0 && ev->outcome < SL_OUT__COUNT ?
	    ev->outcome : SL_OUT_UNKNOWN]++;
	if (a == SL_ACT_EXPORT && ev->outcome != SL_OUT_FAILURE &&
	    ev->outcome != SL_OUT_DENIED) {
		f->exports++;
		if (ev->count >= 0)
			sat_add(&f->export_records, (uint64_t)ev->count);
		else
			f->export_records_unknown++;
		if (ev->bytes >= 0)
			sat_add(&f->export_bytes, (uint64_t)ev->bytes);
		else
			f->export_bytes_unknown++;
	}
	if (a == SL_ACT_VIEW || a == SL_ACT_EXPORT || a == SL_ACT_SHARE) {
		f->data_access++;
		if (st->purpose.n == 0)
			f->data_no_purpose++;
	}
	if (f->first == INT64_MIN || t < f->first)
		f->first = t;
	if (f->last == INT64_MIN || t > f->last)
		f->last = t;
	sl_time_civil(t, u->opts.tz, &c);
	f->hours[c.wday * 24 + c.hour]++;

	/* The resource list holds no duplicates: each value once.  An empty
	 * list may have no buffer, and NULL + 0 is undefined. */
	p = ev->resource.p;
	end = ev->resource.n > 0 ? p + ev->resource.n : p;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl > p && (rc = add_key(u, SL_USAGE_RESOURCE, p,
		    (size_t)(nl - p), t)) < 0)
			return rc;
	}
	if (ev->query.n > 0 && (rc = add_key(u, SL_USAGE_QUERY, ev->query.p,
	    ev->query.n, t)) < 0)
		return rc;
	if (ev->query.n > 0 && (rc = add_terms(u, ev->query.p, ev->query.n,
	    t)) < 0)
		return rc;
	if (ev->src.n > 0 && (rc = add_key(u, SL_USAGE_SRC, ev->src.p,
	    ev->src.n, t)) < 0)
		return rc;
	if (st->purpose.n > 0 && (rc = add_key(u, SL_USAGE_PURPOSE,
	    st->purpose.p, st->purpose.n, t)) < 0)
		return rc;
	n = snprintf(day, sizeof(day), "%04lld-%02d-%02d",
	    (long long)c.year, c.month, c.day);
	{
		struct sl_usage_item *it = umap_add(&u->map[SL_USAGE_DAY],
		    NULL, 0, day, (size_t)n, 1, t, t);

		if (it == NULL)
			return -ENOMEM;
		if ((rc = day_mark(u, (size_t)(it - u->map[SL_USAGE_DAY].it),
		    c.wday, UINT32_C(1) << c.hour)) < 0)
			return rc;
	}
	f->days = u->map[SL_USAGE_DAY].n;
	/* A session is one user's: users' sessions of the same name (auditd
	 * numbers them per boot) stay apart in a merge. */
	if ((rc = add_session(u, ev->user.p, ev->user.n, st->session.p,
	    st->session.n, 1, t, t)) < 0)
		return rc;
	return 1;
}

/* Add the figures of s that are not made of the maps' keys. */
static void
add_figures(struct sl_usage_figures *d, const struct sl_usage_figures *s)
{
	size_t i;

	d->events += s->events;
	d->backend += s->backend;
	for (i = 0; i < SL_ACT__COUNT; i++) {
		d->actions[i] += s->actions[i];
		d->backend_actions[i] += s->backend_actions[i];
	}
	for (i = 0; i < SL_OUT__COUNT; i++)
		d->outcomes[i] += s->outcomes[i];
	d->exports += s->exports;
	sat_add(&d->export_records, s->export_records);
	d->export_records_unknown += s->export_records_unknown;
	sat_add(&d->export_bytes, s->export_bytes);
	d->export_bytes_unknown += s->export_bytes_unknown;
	d->data_access += s->data_access;
	d->data_no_purpose += s->data_no_purpose;
	if (s->first != INT64_MIN && (d->first == INT64_MIN ||
	    s->first < d->first))
		d->first = s->first;
	if (s->last != INT64_MIN && (d->last == INT64_MIN ||
	    s->last > d->last))
		d->last = s->last;
	for (i = 0; i < SL_USAGE_HOURS; i++)
		d->hours[i] += s->hours[i];
}

/* Add one key of map j as a usage holding it would (mask: a DAY key's
 * hours and weekday + 1, as dmask keeps them). */
static int
put_item(struct sl_usage *dst, int j, const struct sl_usage_item *it,
    uint32_t mask)
{
	struct sl_usage_item *di;

	if (j == SL_USAGE_SESSION)
		return add_session(dst, it->user.p, it->user.n, it->key.p,
		    it->key.n, it->count, it->first, it->last);
	if (j != SL_USAGE_DAY)
		return map_add(dst, j, it->key.p, it->key.n, it->count,
		    it->first, it->last);
	di = umap_add(&dst->map[j], NULL, 0, it->key.p, it->key.n, it->count,
	    it->first, it->last);
	if (di == NULL)
		return -ENOMEM;
	dst->f.days = dst->map[j].n;
	return day_mark(dst, (size_t)(di - dst->map[j].it),
	    (int)(mask >> 24) - 1, mask & 0xffffff);
}

int
sl_usage_merge(struct sl_usage *dst, const struct sl_usage *src)
{
	const struct umap *m;
	size_t i, j;
	int rc;

	if (dst == src || strcmp(sl_tz_name(dst->opts.tz),
	    sl_tz_name(src->opts.tz)) != 0)
		return -EINVAL;
	add_figures(&dst->f, &src->f);
	for (j = 0; j < SL_USAGE__MAPS; j++) {
		m = &src->map[j];
		/* A sketch merges only into a sketch. */
		if (m->hll != NULL) {
			if ((rc = umap_sketch(&dst->map[j])) < 0)
				return rc;
			sl_hll_merge(dst->map[j].hll, m->hll);
			if (j == SL_USAGE_SESSION)
				dst->f.sessions = umap_count(&dst->map[j]);
			continue;
		}
		for (i = 0; i < m->n; i++) {
			uint32_t sm = j == SL_USAGE_DAY && i < src->dcap ?
			    src->dmask[i] : 0;

			if ((rc = put_item(dst, (int)j, &m->it[i], sm)) < 0)
				return rc;
		}
	}
	dst->f.days = dst->map[SL_USAGE_DAY].n;
	return 0;
}

uint32_t
sl_usage_day_mask(const struct sl_usage *u, const char *key, size_t n)
{
	const struct umap *m = &u->map[SL_USAGE_DAY];
	const struct sl_usage_item *it = umap_get(m, NULL, 0, key, n);
	size_t i;

	if (it == NULL)
		return 0;
	i = (size_t)(it - m->it);
	return i < u->dcap ? u->dmask[i] : 0;
}

int
sl_usage_put_figures(struct sl_usage *u, const struct sl_usage_figures *f)
{
	add_figures(&u->f, f);
	return 0;
}

int
sl_usage_put_item(struct sl_usage *u, int map,
    const struct sl_usage_item *it, uint32_t day_mask)
{
	if (map < 0 || map >= SL_USAGE__MAPS || it->first > it->last ||
	    it->count == 0 || (map == SL_USAGE_DAY &&
	    ((day_mask >> 24) < 1 || (day_mask >> 24) > 7)))
		return -EINVAL;
	return put_item(u, map, it, day_mask);
}

const struct sl_usage_figures *
sl_usage_figures(const struct sl_usage *u)
{
	return &u->f;
}

size_t
sl_usage_count(const struct sl_usage *u, int map)
{
	if (map < 0 || map >= SL_USAGE__MAPS)
		return 0;
	return umap_count(&u->map[map]);
}

int
sl_usage_sketched(const struct sl_usage *u, int map)
{
	return map >= 0 && map < SL_USAGE__MAPS && u->map[map].hll != NULL;
}

/* Byte order of two strings (unsigned; a prefix first). */
static int
str_cmp(struct sl_str x, struct sl_str y)
{
	size_t n = x.n < y.n ? x.n : y.n;
	int c = n > 0 ? memcmp(x.p, y.p, n) : 0;

	if (c != 0)
		return c;
	return (x.n > y.n) - (x.n < y.n);
}

int
sl_usage_get(const struct sl_usage *u, int map, const char *key, size_t n,
    struct sl_usage_item *item)
{
	const struct umap *m;
	const struct sl_usage_item *it = NULL;
	struct sl_str k = { key, n };
	size_t i;

	if (map < 0 || map >= SL_USAGE__MAPS)
		return 0;
	m = &u->map[map];
	if (map != SL_USAGE_SESSION)
		it = umap_get(m, NULL, 0, key, n);
	else
		/* Sessions of several users may share the name: the first
		 * user's in byte order. */
		for (i = 0; i < m->n; i++)
			if (str_cmp(m->it[i].key, k) == 0 && (it == NULL ||
			    str_cmp(m->it[i].user, it->user) < 0))
				it = &m->it[i];
	if (it == NULL)
		return 0;
	*item = *it;
	return 1;
}

/* Keys in byte order, then users: pairs are distinct, so the order is
 * total. */
static int
by_key(const void *a, const void *b)
{
	const struct sl_usage_item *x = a, *y = b;
	int c = str_cmp(x->key, y->key);

	return c != 0 ? c : str_cmp(x->user, y->user);
}

static int
by_count(const void *a, const void *b)
{
	const struct sl_usage_item *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return by_key(a, b);
}

int
sl_usage_list(struct sl_usage *u, int map, int order, size_t max,
    const struct sl_usage_item **items, size_t *n)
{
	const struct umap *m;

	*items = NULL;
	*n = 0;
	if (map < 0 || map >= SL_USAGE__MAPS ||
	    (order != SL_USAGE_BY_COUNT && order != SL_USAGE_BY_KEY))
		return -EINVAL;
	m = &u->map[map];
	if (m->n > u->listcap) {
		struct sl_usage_item *nl;

		if ((nl = realloc(u->list, m->n * sizeof(*nl))) == NULL)
			return -ENOMEM;
		u->list = nl;
		u->listcap = m->n;
	}
	if (m->n > 0)
		memcpy(u->list, m->it, m->n * sizeof(*u->list));
	/* Keys are distinct, so either order is total: the answer does
	 * not depend on the order of insertion. */
	if (m->n > 1)
		qsort(u->list, m->n, sizeof(*u->list),
		    order == SL_USAGE_BY_KEY ? by_key : by_count);
	*items = u->list;
	*n = m->n < max ? m->n : max;
	return 0;
}
