/* similar.c: the most alike users, through an inverted index (sessionlog.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Weights are summed in fixed point with this many fraction bits: sums
 * are then exact, whatever the order of adding or the threads. */
#define FIX_BITS 32
#define FIX_ONE ((double)(UINT64_C(1) << FIX_BITS))

struct item {
	uint64_t hash;
	size_t off, len;	/* key in sl_sim.keys */
	int kind;
	uint32_t df;
	uint64_t w;		/* log(N / df), fixed point */
};

/* User user holds item item (before freezing; may repeat). */
struct entry {
	uint32_t user, item;
};

/* A pair being ranked: users a and b (a before b by name for pairs), what
 * they share. */
struct cand {
	uint32_t a, b;
	uint32_t shared;
	uint64_t w;
	double x;	/* WEIGHTED: w less the chance weight */
};

struct sl_sim {
	struct sl_sim_opts opts;
	/* Users: names (each its own allocation: they are handed out) and
	 * an open-addressing table of indexes + 1, size a power of 2. */
	char **name;
	size_t *namelen;
	size_t nusers, ucap;
	uint32_t *utab;
	size_t utabsize;
	/* Items, their table (indexes + 1) and their keys. */
	struct item *items;
	size_t nitems, icap;
	uint32_t *itab;
	size_t itabsize;
	struct sl_buf keys;
	struct entry *ent;
	size_t nent, entcap;
	/* Frozen: each user's distinct items ascending (uitem[uoff[u] ..
	 * uoff[u + 1])), each counted item's users ascending (iuser[ioff[i]
	 * .. ioff[i + 1]), empty for an item not counted), each user's
	 * number of counted items, and the rank of each name in byte
	 * order. */
	int frozen;
	size_t max_df;
	size_t *uoff, *ioff;
	uint32_t *uitem, *iuser, *ucount, *namerank;
	/* The chance weight of a pair is ucount[a] * ucount[b] * chance
	 * (see freeze). */
	double chance;
	/* The answers. */
	struct sl_sim_pair *pairs;
	struct sl_sim_item *shared;
};

static const char *const rank_names[SL_SIM__RANKS] = {
	"weighted", "shared", "jaccard", "sum",
};

const char *
sl_sim_rank_name(int rank)
{
	if (rank < 0 || rank >= SL_SIM__RANKS)
		return NULL;
	return rank_names[rank];
}

int
sl_sim_rank_parse(const char *s, size_t n)
{
	int i;

	for (i = 0; i < SL_SIM__RANKS; i++)
		if (strlen(rank_names[i]) == n && memcmp(rank_names[i], s,
		    n) == 0)
			return i;
	return -EINVAL;
}

struct sl_sim *
sl_sim_new(const struct sl_sim_opts *opts)
{
	struct sl_sim *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((rc = sl_opts_copy(&s->opts, sizeof(s->opts), opts)) < 0) {
		free(s);
		errno = -rc;
		return NULL;
	}
	if (s->opts.rank < 0 || s->opts.rank >= SL_SIM__RANKS) {
		free(s);
		errno = EINVAL;
		return NULL;
	}
	return s;
}

void
sl_sim_free(struct sl_sim *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nusers; i++)
		free(s->name[i]);
	free(s->name);
	free(s->namelen);
	free(s->utab);
	free(s->items);
	free(s->itab);
	sl_buf_release(&s->keys);
	free(s->ent);
	free(s->uoff);
	free(s->ioff);
	free(s->uitem);
	free(s->iuser);
	free(s->ucount);
	free(s->namerank);
	free(s->pairs);
	free(s->shared);
	free(s);
}

/* ---- adding ------------------------------------------------------------ */

/* The slot of user name[0..n) in the table: its own or the empty one where
 * it would go. */
static uint32_t *
user_slot(const struct sl_sim *s, uint64_t h, const char *name, size_t n)
{
	size_t i = (size_t)h & (s->utabsize - 1);
	uint32_t *t;

	for (;;) {
		t = &s->utab[i];
		if (*t == 0 || (s->namelen[*t - 1] == n && (n == 0 ||
		    memcmp(s->name[*t - 1], name, n) == 0)))
			return t;
		i = (i + 1) & (s->utabsize - 1);
	}
}

int
sl_sim_find(const struct sl_sim *s, const char *name, size_t n)
{
	uint32_t *t;

	if (s->utabsize == 0)
		return -ENOENT;
	t = user_slot(s, sl_hash64(name, n), name, n);
	return *t != 0 ? (int)(*t - 1) : -ENOENT;
}

int
sl_sim_user(struct sl_sim *s, const char *name, size_t n)
{
	uint32_t *t;
	size_t i;
	char *copy;

	if (s->frozen)
		return -EBUSY;
	if ((s->nusers + 1) * 2 > s->utabsize) {
		size_t nsize = s->utabsize ? s->utabsize * 2 : 64;
		uint32_t *nt;

		if ((nt = calloc(nsize, sizeof(*nt))) == NULL)
			return -ENOMEM;
		free(s->utab);
		s->utab = nt;
		s->utabsize = nsize;
		for (i = 0; i < s->nusers; i++)
			*user_slot(s, sl_hash64(s->name[i], s->namelen[i]),
			    s->name[i], s->namelen[i]) = (uint32_t)i + 1;
	}
	t = user_slot(s, sl_hash64(name, n), name, n);
	if (*t != 0)
		return (int)(*t - 1);
	if (s->nusers >= INT_MAX - 1)
		return -E2BIG;
	if (s->nusers == s->ucap) {
		size_t ncap = s->ucap ? s->ucap * 2 : 64;
		char **nn;
		size_t *nl;

		if ((nn = realloc(s->name, ncap * sizeof(*nn))) == NULL)
			return -ENOMEM;
		s->name = nn;
		if ((nl = realloc(s->namelen, ncap * sizeof(*nl))) == NULL)
			return -ENOMEM;
		s->namelen = nl;
		s->ucap = ncap;
	}
	if ((copy = sl_strndup(n > 0 ? name : "", n)) == NULL)
		return -ENOMEM;
	s->name[s->nusers] = copy;
	s->namelen[s->nusers] = n;
	*t = (uint32_t)++s->nusers;
	return (int)(s->nusers - 1);
}

size_t
sl_sim_user_count(const struct sl_sim *s)
{
	return s->nusers;
}

struct sl_str
sl_sim_user_name(const struct sl_sim *s, size_t i)
{
	struct sl_str r = { NULL, 0 };

	if (i < s->nusers) {
		r.p = s->name[i];
		r.n = s->namelen[i];
	}
	return r;
}

static uint64_t
item_hash(int kind, const char *key, size_t n)
{
	return sl_hash64(key, n) ^ ((uint64_t)(unsigned)kind *
	    UINT64_C(0x9e3779b97f4a7c15));
}

static uint32_t *
item_slot(const struct sl_sim *s, uint64_t h, int kind, const char *key,
    size_t n)
{
	size_t i = (size_t)h & (s->itabsize - 1);
	const struct item *it;
	uint32_t *t;

	for (;;) {
		t = &s->itab[i];
		if (*t == 0)
			return t;
		it = &s->items[*t - 1];
		if (it->hash == h && it->kind == kind && it->len == n &&
		    (n == 0 || memcmp(s->keys.p + it->off, key, n) == 0))
			return t;
		i = (i + 1) & (s->itabsize - 1);
	}
}

int
sl_sim_add(struct sl_sim *s, int user, int kind, const char *key, size_t n)
{
	uint64_t h = item_hash(kind, key, n);
	struct item *it;
	uint32_t *t, id;
	size_t i;

	if (s->frozen)
		return -EBUSY;
	if (user < 0 || (size_t)user >= s->nusers || kind < 0)
		return -EINVAL;
	if ((s->nitems + 1) * 2 > s->itabsize) {
		size_t nsize = s->itabsize ? s->itabsize * 2 : 1024;
		uint32_t *nt;

		if ((nt = calloc(nsize, sizeof(*nt))) == NULL)
			return -ENOMEM;
		free(s->itab);
		s->itab = nt;
		s->itabsize = nsize;
		for (i = 0; i < s->nitems; i++) {
			it = &s->items[i];
			*item_slot(s, it->hash, it->kind, s->keys.p + it->off,
			    it->len) = (uint32_t)i + 1;
		}
	}
	t = item_slot(s, h, kind, key, n);
	if (*t == 0) {
		if (s->nitems >= UINT32_MAX - 1)
			return -E2BIG;
		if (s->nitems == s->icap) {
			size_t ncap = s->icap ? s->icap * 2 : 1024;
			struct item *ni;

			if ((ni = realloc(s->items, ncap * sizeof(*ni))) ==
			    NULL)
				return -ENOMEM;
			s->items = ni;
			s->icap = ncap;
		}
		it = &s->items[s->nitems];
		memset(it, 0, sizeof(*it));
		it->hash = h;
		it->kind = kind;
		it->off = s->keys.n;
		it->len = n;
		if (sl_buf_add(&s->keys, key, n) < 0)
			return -ENOMEM;
		*t = (uint32_t)++s->nitems;
	}
	id = *t - 1;
	/* A user's items usually come together: the same item twice in a
	 * row costs nothing; other repeats are dropped when freezing. */
	if (s->nent > 0 && s->ent[s->nent - 1].user == (uint32_t)user &&
	    s->ent[s->nent - 1].item == id)
		return 0;
	if (s->nent == s->entcap) {
		size_t ncap = s->entcap ? s->entcap * 2 : 4096;
		struct entry *ne;

		if ((ne = realloc(s->ent, ncap * sizeof(*ne))) == NULL)
			return -ENOMEM;
		s->ent = ne;
		s->entcap = ncap;
	}
	s->ent[s->nent].user = (uint32_t)user;
	s->ent[s->nent].item = id;
	s->nent++;
	return 0;
}

int
sl_sim_add_usage(struct sl_sim *s, int user, struct sl_usage *u,
    unsigned kinds)
{
	static const char wday[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	const struct sl_usage_figures *f;
	const struct sl_usage_item *it;
	size_t i, n;
	char key[8];
	int map, rc;

	for (map = 0; map < SL_USAGE__MAPS; map++) {
		if (!(kinds & (1u << map)))
			continue;
		if ((rc = sl_usage_list(u, map, SL_USAGE_BY_KEY, SIZE_MAX,
		    &it, &n)) < 0)
			return rc;
		for (i = 0; i < n; i++)
			if ((rc = sl_sim_add(s, user, map, it[i].key.p,
			    it[i].key.n)) < 0)
				return rc;
	}
	if (kinds & SL_SIM_HOURS) {
		f = sl_usage_figures(u);
		for (i = 0; i < SL_USAGE_HOURS; i++) {
			if (f->hours[i] == 0)
				continue;
			snprintf(key, sizeof(key), "%s %02u", wday[i / 24],
			    (unsigned)(i % 24));
			if ((rc = sl_sim_add(s, user, SL_SIM_KIND_HOUR, key,
			    6)) < 0)
				return rc;
		}
	}
	return 0;
}

/* ---- freezing ---------------------------------------------------------- */

static size_t
default_max_df(size_t nusers)
{
	size_t share = nusers / 1000 * SL_SIM_MAX_DF_PERMILLE +
	    nusers % 1000 * SL_SIM_MAX_DF_PERMILLE / 1000;

	return share > SL_SIM_MAX_DF_MIN ? share : SL_SIM_MAX_DF_MIN;
}

size_t
sl_sim_max_df(const struct sl_sim *s)
{
	if (s->frozen)
		return s->max_df;
	return s->opts.max_df != 0 ? s->opts.max_df :
	    default_max_df(s->nusers);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int
name_cmp(const struct sl_sim *s, size_t a, size_t b)
{
	size_t n = s->namelen[a] < s->namelen[b] ? s->namelen[a] :
	    s->namelen[b];
	int c = n > 0 ? memcmp(s->name[a], s->name[b], n) : 0;

	if (c != 0)
		return c;
	return (s->namelen[a] > s->namelen[b]) - (s->namelen[a] <
	    s->namelen[b]);
}

/* qsort has no argument: sort indexes through a thread-safe merge sort
 * instead of a global. */
static void
sort_by_name(const struct sl_sim *s, uint32_t *v, uint32_t *tmp, size_t n)
{
	size_t m = n / 2, i = 0, j = m, k = 0;

	if (n < 2)
		return;
	sort_by_name(s, v, tmp, m);
	sort_by_name(s, v + m, tmp, n - m);
	while (i < m && j < n)
		tmp[k++] = name_cmp(s, v[i], v[j]) <= 0 ? v[i++] : v[j++];
	while (i < m)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

/* hi:lo += x * y, exactly (unsigned 128-bit arithmetic in halves). */
static void
add_mul(uint64_t *hi, uint64_t *lo, uint64_t x, uint64_t y)
{
	uint64_t xl = x & 0xffffffffu, xh = x >> 32;
	uint64_t yl = y & 0xffffffffu, yh = y >> 32;
	uint64_t ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
	uint64_t plo = (ll & 0xffffffffu) | mid << 32;
	uint64_t phi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	*lo += plo;
	*hi += phi + (*lo < plo);
}

/*
 * The weight two users share by chance.  If user u held item i with the
 * probability df(i) * n(u) / T, n(u) its counted items and T all users'
 * (the sum of the counted items' df), as the configuration model of
 * modularity has it, two users would share an expected
 *
 *	sum over i of w(i) * df(i)^2 * n(a) * n(b) / T^2
 *
 * of weight: n(a) * n(b) times a constant of the index.  The sum is exact
 * (128-bit, fixed point), so the constant does not depend on the order of
 * adding.
 */
static double
chance_weight(const struct sl_sim *s)
{
	uint64_t hi = 0, lo = 0, t = 0;
	size_t i;
	double sum;

	for (i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];

		if (it->df == 0 || it->df > s->max_df)
			continue;
		t += it->df;
		add_mul(&hi, &lo, it->w, (uint64_t)it->df * it->df);
	}
	if (t == 0)
		return 0;
	sum = ((double)hi * 18446744073709551616.0 + (double)lo) / FIX_ONE;
	return sum / ((double)t * (double)t);
}

static int
freeze(struct sl_sim *s)
{
	size_t nu = s->nusers, ni = s->nitems, i, k, u, at;
	uint32_t *order = NULL, *tmp = NULL;
	double n = (double)nu;
	int rc = -ENOMEM;

	if (s->frozen)
		return 0;
	s->max_df = sl_sim_max_df(s);
	if ((s->uoff = calloc(nu + 1, sizeof(*s->uoff))) == NULL ||
	    (s->ioff = calloc(ni + 1, sizeof(*s->ioff))) == NULL ||
	    (s->ucount = calloc(nu ? nu : 1, sizeof(*s->ucount))) == NULL ||
	    (s->namerank = calloc(nu ? nu : 1, sizeof(*s->namerank))) ==
	    NULL ||
	    (s->uitem = malloc((s->nent ? s->nent : 1) *
	    sizeof(*s->uitem))) == NULL)
		goto fail;
	/* Each user's items: a counting sort by user, then each list
	 * sorted and its repeats dropped. */
	for (i = 0; i < s->nent; i++)
		s->uoff[s->ent[i].user + 1]++;
	for (u = 0; u < nu; u++)
		s->uoff[u + 1] += s->uoff[u];
	for (i = 0; i < s->nent; i++)
		s->uitem[s->uoff[s->ent[i].user]++] = s->ent[i].item;
	for (u = nu; u > 0; u--)
		s->uoff[u] = s->uoff[u - 1];
	s->uoff[0] = 0;
	free(s->ent);
	s->ent = NULL;
	s->nent = s->entcap = 0;
	at = 0;
	for (u = 0; u < nu; u++) {
		size_t from = s->uoff[u], to = s->uoff[u + 1];

		qsort(s->uitem + from, to - from, sizeof(*s->uitem), u32_cmp);
		s->uoff[u] = at;
		for (k = from; k < to; k++)
			if (k == from || s->uitem[k] != s->uitem[k - 1])
				s->uitem[at++] = s->uitem[k];
	}
	s->uoff[nu] = at;
	for (i = 0; i < at; i++)
		s->items[s->uitem[i]].df++;
	/* The weights, and the postings of the counted items that two
	 * users can share. */
	for (i = 0; i < ni; i++) {
		struct item *it = &s->items[i];

		/* df is 0 only for an item whose adding failed. */
		it->w = it->df > 0 ? (uint64_t)llround(log(n / it->df) *
		    FIX_ONE) : 0;
		s->ioff[i + 1] = s->ioff[i] + (it->df >= 2 &&
		    it->df <= s->max_df ? it->df : 0);
	}
	if ((s->iuser = malloc((s->ioff[ni] ? s->ioff[ni] : 1) *
	    sizeof(*s->iuser))) == NULL)
		goto fail;
	if ((tmp = calloc(ni ? ni : 1, sizeof(*tmp))) == NULL)
		goto fail;
	for (u = 0; u < nu; u++) {
		for (k = s->uoff[u]; k < s->uoff[u + 1]; k++) {
			const struct item *it = &s->items[s->uitem[k]];

			if (it->df > s->max_df)
				continue;
			s->ucount[u]++;
			if (it->df >= 2)
				s->iuser[s->ioff[s->uitem[k]] +
				    tmp[s->uitem[k]]++] = (uint32_t)u;
		}
	}
	free(tmp);
	tmp = NULL;
	s->chance = chance_weight(s);
	if ((order = malloc((nu ? nu : 1) * sizeof(*order))) == NULL ||
	    (tmp = malloc((nu ? nu : 1) * sizeof(*tmp))) == NULL)
		goto fail;
	for (u = 0; u < nu; u++)
		order[u] = (uint32_t)u;
	sort_by_name(s, order, tmp, nu);
	for (u = 0; u < nu; u++)
		s->namerank[order[u]] = (uint32_t)u;
	s->frozen = 1;
	rc = 0;
fail:
	free(order);
	free(tmp);
	return rc;
}

/* ---- ranking ----------------------------------------------------------- */

/* How two candidates rank: < 0 when x comes before y.  Scores compare
 * exactly (Jaccard as fractions; WEIGHTED as doubles worked out the same
 * way from exact sums); ties go by names. */
static int
cand_cmp(const struct sl_sim *s, const struct cand *x, const struct cand *y)
{
	uint64_t dx, dy, l, r;

	switch (s->opts.rank) {
	case SL_SIM_WEIGHTED:
		if (x->x != y->x)
			return x->x > y->x ? -1 : 1;
		break;
	case SL_SIM_SUM:
		if (x->w != y->w)
			return x->w > y->w ? -1 : 1;
		break;
	case SL_SIM_SHARED:
		if (x->shared != y->shared)
			return x->shared > y->shared ? -1 : 1;
		break;
	default:
		dx = (uint64_t)s->ucount[x->a] + s->ucount[x->b] - x->shared;
		dy = (uint64_t)s->ucount[y->a] + s->ucount[y->b] - y->shared;
		l = (uint64_t)x->shared * dy;
		r = (uint64_t)y->shared * dx;
		if (l != r)
			return l > r ? -1 : 1;
		break;
	}
	if (x->a != y->a)
		return s->namerank[x->a] < s->namerank[y->a] ? -1 : 1;
	if (x->b != y->b)
		return s->namerank[x->b] < s->namerank[y->b] ? -1 : 1;
	return 0;
}

/* The best max candidates seen: a heap with the worst kept at the root. */
struct heap {
	const struct sl_sim *s;
	struct cand *c;
	size_t n, cap, max;
};

static void
heap_down(struct heap *h, size_t i)
{
	struct cand t;
	size_t k;

	for (;;) {
		k = 2 * i + 1;
		if (k >= h->n)
			return;
		if (k + 1 < h->n && cand_cmp(h->s, &h->c[k + 1], &h->c[k]) > 0)
			k++;
		if (cand_cmp(h->s, &h->c[k], &h->c[i]) <= 0)
			return;
		t = h->c[i];
		h->c[i] = h->c[k];
		h->c[k] = t;
		i = k;
	}
}

static int
heap_offer(struct heap *h, const struct cand *c)
{
	struct cand t;
	size_t i, p;

	if (h->max == 0)
		return 0;
	if (h->n == h->max) {
		if (cand_cmp(h->s, c, &h->c[0]) >= 0)
			return 0;
		h->c[0] = *c;
		heap_down(h, 0);
		return 0;
	}
	if (h->n == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 64;
		struct cand *nc;

		if (ncap > h->max)
			ncap = h->max;
		if ((nc = realloc(h->c, ncap * sizeof(*nc))) == NULL)
			return -ENOMEM;
		h->c = nc;
		h->cap = ncap;
	}
	h->c[i = h->n++] = *c;
	while (i > 0) {
		p = (i - 1) / 2;
		if (cand_cmp(h->s, &h->c[i], &h->c[p]) <= 0)
			break;
		t = h->c[i];
		h->c[i] = h->c[p];
		h->c[p] = t;
		i = p;
	}
	return 0;
}

/* Sort candidates best first (a merge sort: qsort would need the index
 * in a global). */
static void
cand_sort(const struct sl_sim *s, struct cand *v, struct cand *tmp, size_t n)
{
	size_t m = n / 2, i = 0, j = m, k = 0;

	if (n < 2)
		return;
	cand_sort(s, v, tmp, m);
	cand_sort(s, v + m, tmp, n - m);
	while (i < m && j < n)
		tmp[k++] = cand_cmp(s, &v[i], &v[j]) <= 0 ? v[i++] : v[j++];
	while (i < m)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

/* One thread's share of the work: accumulators indexed by user. */
struct work {
	const struct sl_sim *s;
	size_t first, step;	/* users first, first + step, ... */
	int all;		/* sl_sim_similar: every other user, not only
				 * those after */
	uint64_t *accw;
	uint32_t *accs, *touched;
	struct heap h;
	int rc;
};

/* What user a shares with the users after it (or with all others),
 * offered to the heap. */
static int
accumulate(struct work *wk, uint32_t a)
{
	const struct sl_sim *s = wk->s;
	size_t k, lo, hi, mid, nt = 0, j;
	struct cand c;
	uint32_t b;
	int rc;

	for (k = s->uoff[a]; k < s->uoff[a + 1]; k++) {
		uint32_t id = s->uitem[k];
		const uint32_t *p = s->iuser + s->ioff[id];
		size_t np = s->ioff[id + 1] - s->ioff[id];
		uint64_t w = s->items[id].w;

		lo = 0;
		if (!wk->all) {
			/* The postings ascend: skip to the first after a,
			 * so that each pair is made once. */
			hi = np;
			while (lo < hi) {
				mid = lo + (hi - lo) / 2;
				if (p[mid] <= a)
					lo = mid + 1;
				else
					hi = mid;
			}
		}
		for (j = lo; j < np; j++) {
			b = p[j];
			if (b == a)
				continue;
			if (wk->accs[b]++ == 0)
				wk->touched[nt++] = b;
			wk->accw[b] += w;
		}
	}
	rc = 0;
	for (j = 0; j < nt; j++) {
		b = wk->touched[j];
		c.shared = wk->accs[b];
		c.w = wk->accw[b];
		c.x = (double)c.w / FIX_ONE - (double)((uint64_t)s->ucount[a] *
		    s->ucount[b]) * s->chance;
		wk->accs[b] = 0;
		wk->accw[b] = 0;
		if (rc < 0 || (s->opts.rank == SL_SIM_SUM && c.w == 0) ||
		    (s->opts.rank == SL_SIM_WEIGHTED && !(c.x > 0)))
			continue;
		if (wk->all || s->namerank[a] < s->namerank[b]) {
			c.a = a;
			c.b = b;
		} else {
			c.a = b;
			c.b = a;
		}
		rc = heap_offer(&wk->h, &c);
	}
	return rc;
}

static int
work_init(struct work *wk, const struct sl_sim *s, size_t max)
{
	size_t n = s->nusers ? s->nusers : 1;

	memset(wk, 0, sizeof(*wk));
	wk->s = s;
	wk->h.s = s;
	wk->h.max = max;
	if ((wk->accw = calloc(n, sizeof(*wk->accw))) == NULL ||
	    (wk->accs = calloc(n, sizeof(*wk->accs))) == NULL ||
	    (wk->touched = malloc(n * sizeof(*wk->touched))) == NULL)
		return -ENOMEM;
	return 0;
}

static void
work_release(struct work *wk)
{
	free(wk->accw);
	free(wk->accs);
	free(wk->touched);
	free(wk->h.c);
}

static void *
work_run(void *arg)
{
	struct work *wk = arg;
	size_t a;

	for (a = wk->first; a < wk->s->nusers && wk->rc == 0; a += wk->step)
		wk->rc = accumulate(wk, (uint32_t)a);
	return NULL;
}

/* The candidates of the works, best max of them, as the answer. */
static int
answer(struct sl_sim *s, struct work *wk, size_t nw, size_t max,
    const struct sl_sim_pair **pairs, size_t *n)
{
	struct cand *all = NULL, *tmp = NULL;
	size_t total = 0, i, k;
	int rc = -ENOMEM;

	for (i = 0; i < nw; i++)
		total += wk[i].h.n;
	free(s->pairs);
	s->pairs = NULL;
	if (total == 0)
		return 0;
	if ((all = malloc(total * sizeof(*all))) == NULL ||
	    (tmp = malloc(total * sizeof(*tmp))) == NULL)
		goto fail;
	for (i = 0, k = 0; i < nw; i++) {
		if (wk[i].h.n == 0)
			continue;
		memcpy(all + k, wk[i].h.c, wk[i].h.n * sizeof(*all));
		k += wk[i].h.n;
	}
	cand_sort(s, all, tmp, total);
	if (total > max)
		total = max;
	if ((s->pairs = calloc(total, sizeof(*s->pairs))) == NULL)
		goto fail;
	for (i = 0; i < total; i++) {
		struct sl_sim_pair *p = &s->pairs[i];
		uint64_t d = (uint64_t)s->ucount[all[i].a] +
		    s->ucount[all[i].b] - all[i].shared;

		p->a = all[i].a;
		p->b = all[i].b;
		p->shared = all[i].shared;
		p->weight = (double)all[i].w / FIX_ONE;
		p->expected = (double)((uint64_t)s->ucount[all[i].a] *
		    s->ucount[all[i].b]) * s->chance;
		p->jaccard = d > 0 ? (double)all[i].shared / (double)d : 0;
		p->score = s->opts.rank == SL_SIM_WEIGHTED ? all[i].x :
		    s->opts.rank == SL_SIM_SUM ? p->weight :
		    s->opts.rank == SL_SIM_SHARED ? (double)p->shared :
		    p->jaccard;
	}
	*pairs = s->pairs;
	*n = total;
	rc = 0;
fail:
	free(all);
	free(tmp);
	return rc;
}

int
sl_sim_pairs(struct sl_sim *s, size_t max, const struct sl_sim_pair **pairs,
    size_t *n)
{
	struct work *wk = NULL;
	pthread_t *tid = NULL;
	unsigned nt = s->opts.threads ? s->opts.threads : 1, i;
	unsigned char *started = NULL;
	int rc;

	*pairs = NULL;
	*n = 0;
	if ((rc = freeze(s)) < 0)
		return rc;
	if (nt > s->nusers)
		nt = s->nusers ? (unsigned)s->nusers : 1;
	rc = -ENOMEM;
	if ((wk = calloc(nt, sizeof(*wk))) == NULL ||
	    (tid = calloc(nt, sizeof(*tid))) == NULL ||
	    (started = calloc(nt, 1)) == NULL)
		goto fail;
	for (i = 0; i < nt; i++) {
		if ((rc = work_init(&wk[i], s, max)) < 0)
			goto fail;
		wk[i].first = i;
		wk[i].step = nt;
	}
	/* Users are dealt out in turn, which spreads the early users (who
	 * pair with more users after them) evenly.  A thread that cannot
	 * be started leaves its share to this one. */
	for (i = 1; i < nt; i++)
		started[i] = pthread_create(&tid[i], NULL, work_run,
		    &wk[i]) == 0;
	work_run(&wk[0]);
	for (i = 1; i < nt; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			work_run(&wk[i]);
	}
	for (i = 0; i < nt; i++)
		if ((rc = wk[i].rc) < 0)
			goto fail;
	rc = answer(s, wk, nt, max, pairs, n);
fail:
	if (wk != NULL)
		for (i = 0; i < nt; i++)
			work_release(&wk[i]);
	free(wk);
	free(tid);
	free(started);
	return rc;
}

int
sl_sim_similar(struct sl_sim *s, size_t user, size_t max,
    const struct sl_sim_pair **pairs, size_t *n)
{
	struct work wk;
	int rc;

	*pairs = NULL;
	*n = 0;
	if (user >= s->nusers)
		return -EINVAL;
	if ((rc = freeze(s)) < 0)
		return rc;
	if ((rc = work_init(&wk, s, max)) == 0) {
		wk.all = 1;
		if ((rc = accumulate(&wk, (uint32_t)user)) == 0)
			rc = answer(s, &wk, 1, max, pairs, n);
	}
	work_release(&wk);
	return rc;
}

/* ---- explaining -------------------------------------------------------- */

static int
shared_cmp(const void *x, const void *y)
{
	const struct sl_sim_item *a = x, *b = y;
	size_t n;
	int c;

	/* df ascending is weight descending, and exact. */
	if (a->df != b->df)
		return a->df < b->df ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	n = a->key.n < b->key.n ? a->key.n : b->key.n;
	if (n > 0 && (c = memcmp(a->key.p, b->key.p, n)) != 0)
		return c;
	return (a->key.n > b->key.n) - (a->key.n < b->key.n);
}

int
sl_sim_shared(struct sl_sim *s, size_t a, size_t b, size_t max,
    const struct sl_sim_item **items, size_t *n)
{
	size_t i, j, k = 0, cap;
	int rc;

	*items = NULL;
	*n = 0;
	if (a >= s->nusers || b >= s->nusers)
		return -EINVAL;
	if ((rc = freeze(s)) < 0)
		return rc;
	free(s->shared);
	s->shared = NULL;
	i = s->uoff[a];
	j = s->uoff[b];
	cap = s->uoff[a + 1] - i;
	if (cap == 0)
		return 0;
	if ((s->shared = malloc(cap * sizeof(*s->shared))) == NULL)
		return -ENOMEM;
	while (i < s->uoff[a + 1] && j < s->uoff[b + 1]) {
		uint32_t x = s->uitem[i], y = s->uitem[j];
		const struct item *it;

		if (x < y) {
			i++;
			continue;
		}
		if (y < x) {
			j++;
			continue;
		}
		i++;
		j++;
		it = &s->items[x];
		if (it->df > s->max_df)
			continue;
		s->shared[k].kind = it->kind;
		s->shared[k].key.p = s->keys.p + it->off;
		s->shared[k].key.n = it->len;
		s->shared[k].df = it->df;
		s->shared[k].weight = (double)it->w / FIX_ONE;
		k++;
	}
	if (k > 1)
		qsort(s->shared, k, sizeof(*s->shared), shared_cmp);
	*items = s->shared;
	*n = k < max ? k : max;
	return 0;
}
