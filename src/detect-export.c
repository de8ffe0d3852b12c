/*
 * detect-export.c: rules "bulk-export" (one session's exports far above
 * the user's and the group's) and "export-growth" (a user's exports over
 * a day or the judged period far above their own baseline days), see
 * sessionlog(7).
 *
 * Volume is measured three ways, each compared only with itself: bytes
 * where the source gives them, records where it gives them, and the
 * number of exports, which stands in for volume when an export's size is
 * unknown (an export of unknown size is not one of size 0).  What the
 * user did in their baseline is their routine: a data steward's weekly
 * extract is compared with the extracts of the weeks before, and the
 * largest baseline session or day is the reference, not the median one,
 * because a weekly job is absent from most days.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

enum { DIM_BYTES, DIM_RECORDS, DIM_EXPORTS, NDIM };

/* The exports of a session (bulk-export) or of a day or the judged
 * period (export-growth). */
struct xvol {
	double v[NDIM];		/* bytes, records where known; exports */
	uint32_t known[NDIM];	/* exports with bytes, with records known;
				 * [DIM_EXPORTS]: of neither */
	int64_t day;		/* local day of the first export */
	int64_t start, end;	/* first and last export */
	int alerted;		/* a bulk-export alert of medium or more */
	struct det_evid ev;
};

/* The largest value of a user's baseline, and the largest on another
 * day: leaving the judged day out costs nothing. */
struct top {
	double v1, v2;
	int64_t d1;
};

struct xstate {
	struct det_map names;	/* session -> index (bulk-export) */
	struct xvol *x;		/* sessions, or days ascending */
	size_t n, cap;
	struct xvol period;	/* export-growth with --since: judged */
	/* Filled by run. */
	struct top top[NDIM];
	double sum[NDIM];	/* baseline total (export-growth) */
	size_t active;		/* own baseline days (with --since) */
	double expect[NDIM];	/* for the judged period (with --since) */
	int64_t jdays;		/* its days */
	/* export-growth, leave one day out: the window of days ending on
	 * each day of x, its sums. */
	double (*win)[NDIM];
};

static const struct det_param bulk_params[] = {
	{ "far-factor", 10 },		/* times the reference */
	{ "min-bytes", 1e7, DET_BYTES },		/* floor: 10 MB in a session */
	{ "min-records", 1e4, DET_COUNT },
	{ "min-exports", 20, DET_COUNT },
	{ "ceiling-bytes", 1e9, DET_BYTES },	/* critical above: 1 GB */
	{ "ceiling-records", 1e6, DET_COUNT },
	{ "group-share", 0.25, DET_SHARE },	/* of the group's members: their way */
	{ NULL, 0 },
};

static const struct det_param growth_params[] = {
	{ "far-factor", 5 },
	{ "min-bytes", 1e6, DET_BYTES },		/* floor: 1 MB in a day */
	{ "min-records", 1e3, DET_COUNT },
	{ "min-exports", 10, DET_COUNT },
	{ "group-share", 0.25, DET_SHARE },
	{ "window-days", 7, DET_COUNT },	/* growth over days */
	{ NULL, 0 },
};

static const char *const dim_setting[NDIM] = {
	"min-bytes", "min-records", "min-exports",
};

/* An export that moved data: the user's own, in range, and not failed
 * or refused. */
static int
is_export(const struct sl_step *st)
{
	const struct sl_event *ev = st->ev;

	return st->in_range && !(ev->flags & SL_EV_BACKEND) &&
	    ev->action == SL_ACT_EXPORT && (ev->outcome == SL_OUT_SUCCESS ||
	    ev->outcome == SL_OUT_UNKNOWN);
}

static int
xvol_add(const struct sl_detect *d, struct xvol *x, const struct sl_step *st)
{
	const struct sl_event *ev = st->ev;

	if (x->v[DIM_EXPORTS] == 0) {
		x->start = ev->time;
		x->day = det_day(d, ev->time);
	}
	x->end = ev->time;
	x->v[DIM_EXPORTS]++;
	if (ev->bytes >= 0) {
		x->v[DIM_BYTES] += (double)ev->bytes;
		x->known[DIM_BYTES]++;
	}
	if (ev->count >= 0) {
		x->v[DIM_RECORDS] += (double)ev->count;
		x->known[DIM_RECORDS]++;
	}
	if (ev->bytes < 0 && ev->count < 0)
		x->known[DIM_EXPORTS]++;
	return det_evid_add(&x->ev, ev, st->session);
}

/* Is dimension i a measure of x?  Exports count only where some size is
 * unknown in bulk-export; always in export-growth (many small ones). */
static int
measured(const struct xvol *x, int i, int growth)
{
	if (i == DIM_EXPORTS)
		return growth || x->known[DIM_EXPORTS] > 0;
	return x->known[i] > 0;
}

static struct xvol *
xvol_new(struct xstate *xs)
{
	if (xs->n == xs->cap) {
		size_t cap = xs->cap ? xs->cap * 2 : 8;
		struct xvol *v = realloc(xs->x, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		xs->x = v;
		xs->cap = cap;
	}
	memset(&xs->x[xs->n], 0, sizeof(*xs->x));
	return &xs->x[xs->n++];
}

static int
bulk_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct xstate *xs = arg;
	ssize_t k;
	int added;

	(void)u;
	if (!is_export(st))
		return 0;
	if ((k = det_map_put(&xs->names, st->session.p, st->session.n,
	    &added)) < 0)
		return -ENOMEM;
	if (added && xvol_new(xs) == NULL)
		return -ENOMEM;
	return xvol_add(d, &xs->x[k], st);
}

static int
growth_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct xstate *xs = arg;
	struct xvol *x;
	int64_t day;

	(void)u;
	if (!is_export(st))
		return 0;
	if (!d->loo && det_judged(d, st->ev->time))
		return xvol_add(d, &xs->period, st);
	day = det_day(d, st->ev->time);
	if (xs->n > 0 && xs->x[xs->n - 1].day == day)
		x = &xs->x[xs->n - 1];
	else if (xs->n > 0 && xs->x[xs->n - 1].day > day)
		return 0;	/* not in time order: not counted */
	else if ((x = xvol_new(xs)) == NULL)
		return -ENOMEM;
	return xvol_add(d, x, st);
}

static void
x_release(void *arg)
{
	struct xstate *xs = arg;
	size_t i;

	for (i = 0; i < xs->n; i++)
		det_evid_release(&xs->x[i].ev);
	det_evid_release(&xs->period.ev);
	free(xs->x);
	free(xs->win);
	det_map_release(&xs->names);
}

static void
top_add(struct top *t, double v, int64_t day)
{
	if (v > t->v1) {
		if (day != t->d1)
			t->v2 = t->v1;
		t->v1 = v;
		t->d1 = day;
	} else if (day != t->d1 && v > t->v2)
		t->v2 = v;
}

/* Is x in the baseline of judged day? */
static int
in_baseline(const struct sl_detect *d, int64_t judged, const struct xvol *x)
{
	return det_is_baseline(d, judged, x->day) && (d->loo ||
	    !det_judged(d, x->start));
}

/* The largest of the user's baseline sessions or days for judged day. */
static double
top_ref(const struct sl_detect *d, const struct top *t, int64_t judged)
{
	return d->loo && t->d1 == judged ? t->v2 : t->v1;
}

/* Each user's baseline: the largest session or day per dimension (and,
 * for export-growth, the total and the active days). */
static void
summarise(const struct sl_detect *d, int rule)
{
	size_t ui, i;
	int k;

	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct xstate *xs = u->state[rule];

		memset(xs->top, 0, sizeof(xs->top));
		memset(xs->sum, 0, sizeof(xs->sum));
		for (k = 0; k < NDIM; k++)
			xs->top[k].d1 = INT64_MIN;
		for (i = 0; i < xs->n; i++) {
			const struct xvol *x = &xs->x[i];

			if (!d->loo && !in_baseline(d, d->since_day, x))
				continue;
			for (k = 0; k < NDIM; k++) {
				top_add(&xs->top[k], x->v[k], x->day);
				xs->sum[k] += x->v[k];
			}
		}
		xs->active = 0;
		if (!d->loo)
			for (i = 0; i < u->ndays; i++)
				if (det_is_baseline(d, d->since_day,
				    u->days[i].day))
					xs->active++;
	}
}

typedef double ref_fn(const struct sl_detect *, int, const struct det_user *,
    int, int64_t);

/* The members' references of a group for a judged day, sorted: one run
 * judges thousands of sessions of the same group and day. */
struct gcache {
	struct det_map keys;	/* group, day, dimension */
	double **v;
	size_t *n;
	size_t cap;
};

static void
gcache_release(struct gcache *gc)
{
	size_t i;

	for (i = 0; i < gc->keys.n; i++)
		free(gc->v[i]);
	free(gc->v);
	free(gc->n);
	det_map_release(&gc->keys);
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/*
 * The group's reference: the (1 - share) quantile of the other members'
 * own references, so that what a quarter of them do is the group's way
 * and one colleague's habit is not.  0 or -ENOMEM, the value in *out
 * and the number of other members in *others.
 */
static int
group_ref(const struct sl_detect *d, int rule, struct gcache *gc,
    const struct det_user *u, ref_fn *ref, int dim, int64_t judged,
    double share, double *out, size_t *others)
{
	struct { size_t group; int64_t day; int dim; } key;
	double *v, own, pos, f, a, b;
	size_t n, i, p, lo, hi;
	ssize_t k;
	int added;

	memset(&key, 0, sizeof(key));
	key.group = u->group;
	key.day = d->loo ? judged : 0;	/* else one baseline for all */
	key.dim = dim;
	if ((k = det_map_put(&gc->keys, (const char *)&key, sizeof(key),
	    &added)) < 0)
		return -ENOMEM;
	if (added) {
		if ((size_t)k >= gc->cap) {
			size_t cap = gc->cap ? gc->cap * 2 : 64;
			double **nv = realloc(gc->v, cap * sizeof(*nv));
			size_t *nn;

			if (nv == NULL)
				return -ENOMEM;
			gc->v = nv;
			if ((nn = realloc(gc->n, cap * sizeof(*nn))) == NULL)
				return -ENOMEM;
			gc->n = nn;
			gc->cap = cap;
		}
		gc->v[k] = NULL;
		gc->n[k] = 0;
		if ((v = malloc((d->nusers + 1) * sizeof(*v))) == NULL)
			return -ENOMEM;
		for (i = n = 0; i < d->nusers; i++)
			if (d->users[i]->group == u->group)
				v[n++] = ref(d, rule, d->users[i], dim, judged);
		qsort(v, n, sizeof(*v), cmp_double);
		gc->v[k] = v;
		gc->n[k] = n;
	}
	v = gc->v[k];
	n = gc->n[k];
	/* Leave the user's own value out: the quantile of the others. */
	own = ref(d, rule, u, dim, judged);
	for (lo = 0, hi = n; lo < hi;) {
		i = lo + (hi - lo) / 2;
		if (v[i] < own)
			lo = i + 1;
		else
			hi = i;
	}
	p = lo;
	*others = n > 0 ? n - 1 : 0;
	if (n < 2) {
		*out = 0;
		return 0;
	}
	pos = (1 - share) * (double)(n - 2);
	if (pos < 0)
		pos = 0;
	i = (size_t)pos;
	if (i > n - 2)
		i = n - 2;
	f = pos - (double)i;
	a = v[i < p ? i : i + 1];
	b = i + 1 < n - 1 ? v[i + 1 < p ? i + 1 : i + 2] : a;
	*out = a + f * (b - a);
	return 0;
}

/* "1,500,000" into buf. */
static const char *
grouped(double v, char *buf, size_t size)
{
	char d[32];
	size_t n, i, k = 0;

	n = (size_t)snprintf(d, sizeof(d), "%.0f", v);
	for (i = 0; i < n && k + 2 < size; i++) {
		if (i > 0 && d[0] != '-' && (n - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = d[i];
	}
	buf[k] = '\0';
	return buf;
}

/* An amount of a dimension: "2.7 GB", "1,500,000 records", "1 export". */
static const char *
amount(int dim, double v, char *buf, size_t size)
{
	char n[40];

	if (dim == DIM_BYTES)
		return det_bytes(v, buf, size);
	snprintf(buf, size, "%s %s%s", grouped(v, n, sizeof(n)),
	    dim == DIM_RECORDS ? "record" : "export", v == 1 ? "" : "s");
	return buf;
}

/* What x holds in dim: "2.7 GB in 18 exports", "30 exports, 30 of
 * them of unknown size". */
static const char *
what(const struct xvol *x, int dim, char *buf, size_t size)
{
	char a[48], e[48], u[48];

	amount(DIM_EXPORTS, x->v[DIM_EXPORTS], e, sizeof(e));
	if (x->known[DIM_EXPORTS] > 0)
		snprintf(u, sizeof(u), ", %s of them of unknown size",
		    grouped(x->known[DIM_EXPORTS], a, sizeof(a)));
	else
		u[0] = '\0';
	if (dim == DIM_EXPORTS)
		snprintf(buf, size, "%s%s", e, u);
	else
		snprintf(buf, size, "%s in %s%s", amount(dim, x->v[dim], a,
		    sizeof(a)), e, u);
	return buf;
}

static double
bulk_ref(const struct sl_detect *d, int rule, const struct det_user *u,
    int dim, int64_t judged)
{
	const struct xstate *xs = u->state[rule];

	return top_ref(d, &xs->top[dim], judged);
}

/* The user's active baseline days for judged day. */
static size_t
base_days(const struct sl_detect *d, int rule, const struct det_user *u,
    int64_t judged)
{
	const struct xstate *xs = u->state[rule];

	return d->loo ? u->ndays - (det_user_day(u, judged) != NULL) :
	    xs->active;
}

/* The active baseline days of the other members of u's group. */
static size_t
group_days(const struct sl_detect *d, int rule, const struct det_user *u,
    int64_t judged)
{
	size_t vi, n = 0;

	for (vi = 0; vi < d->nusers; vi++)
		if (d->users[vi] != u && d->users[vi]->group == u->group)
			n += base_days(d, rule, d->users[vi], judged);
	return n;
}

/* "own baseline 13 days, 3 sessions with exports, at most 86 kB" (nsess
 * SIZE_MAX: days only), or that there is none. */
static const char *
own_text(size_t days, size_t nsess, const char *most, int dim, double v,
    char *buf, size_t size)
{
	char a[48], n[48];

	if (days == 0) {
		snprintf(buf, size, "no own baseline");
		return buf;
	}
	if (nsess != SIZE_MAX)
		snprintf(n, sizeof(n), ", %zu session%s with exports", nsess,
		    nsess == 1 ? "" : "s");
	else
		n[0] = '\0';
	snprintf(buf, size, "own baseline %zu day%s%s, %s %s", days,
	    days == 1 ? "" : "s", n, most, amount(dim, v, a, sizeof(a)));
	return buf;
}

/* "group's 144 kB", or that the group has no baseline either (known:
 * the user's and the group's baseline days) or no one else in it. */
static const char *
group_text(size_t known, size_t others, int dim, double v, char *buf,
    size_t size)
{
	char a[48];

	if (others == 0)
		snprintf(buf, size, "no one else in the group");
	else if (known == 0)
		snprintf(buf, size, "no group baseline");
	else
		snprintf(buf, size, "group's %s", amount(dim, v, a,
		    sizeof(a)));
	return buf;
}

/* How the session compares in one dimension: a level (-1: none). */
struct verdict {
	int level, dim;
	double value, own, grp, thr, ceiling;
	int far_grp;
	size_t others;		/* in the group */
};

static int
bulk_run(struct sl_detect *d, int rule)
{
	double factor = det_param(d, rule, "far-factor");
	double share = det_param(d, rule, "group-share");
	double ceiling[NDIM], floor[NDIM];
	struct gcache gc;
	size_t ui, i, k;
	int dim;

	ceiling[DIM_BYTES] = det_param(d, rule, "ceiling-bytes");
	ceiling[DIM_RECORDS] = det_param(d, rule, "ceiling-records");
	ceiling[DIM_EXPORTS] = 0;	/* a size no one knows */
	for (dim = 0; dim < NDIM; dim++)
		floor[dim] = det_param(d, rule, dim_setting[dim]);
	summarise(d, rule);
	memset(&gc, 0, sizeof(gc));
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct xstate *xs = u->state[rule];

		for (i = 0; i < xs->n; i++) {
			struct xvol *x = &xs->x[i];
			struct verdict best = { -1, 0, 0, 0, 0, 0, 0, 0, 0 };
			char b1[128], b2[96], b3[48], b4[64];
			size_t nbase = 0, active, gactive;

			if (!det_judged(d, x->start))
				continue;
			/* Someone without a past is compared with the
			 * group; with neither, the floors alone say a
			 * session is large, not that it is new. */
			active = base_days(d, rule, u, x->day);
			gactive = active > 0 ? 0 : group_days(d, rule, u,
			    x->day);
			for (dim = 0; dim < NDIM; dim++) {
				struct verdict v = { -1, dim, x->v[dim], 0, 0,
				    0, ceiling[dim], 0, 0 };
				double tg;
				int over;

				if (!measured(x, dim, 0))
					continue;
				if (group_ref(d, rule, &gc, u, bulk_ref, dim,
				    x->day, share, &v.grp, &v.others) < 0)
					goto fail;
				v.own = active > 0 ? bulk_ref(d, rule, u, dim,
				    x->day) : v.grp;
				v.thr = factor * v.own > floor[dim] ?
				    factor * v.own : floor[dim];
				tg = factor * v.grp > floor[dim] ?
				    factor * v.grp : floor[dim];
				v.far_grp = v.value > tg && (active > 0 ||
				    gactive > 0);
				over = v.ceiling > 0 && v.value > v.ceiling;
				/* Routine for the user: said only when it
				 * is beyond the ceiling; new for the user
				 * but the group's way: medium; new for
				 * both: high; beyond the ceiling, a level
				 * more. */
				if (v.value <= v.thr)
					v.level = over ? SL_LEVEL_INFO : -1;
				else
					v.level = (v.far_grp ? SL_LEVEL_HIGH :
					    SL_LEVEL_MEDIUM) + over;
				if (v.level > best.level || (v.level ==
				    best.level && v.level >= 0 &&
				    v.value / v.thr > best.value / best.thr))
					best = v;
			}
			if (best.level < 0)
				continue;
			x->alerted = best.level >= SL_LEVEL_MEDIUM;
			for (k = 0; k < xs->n; k++)
				if (in_baseline(d, x->day, &xs->x[k]))
					nbase++;
			if (best.ceiling > 0)
				snprintf(b4, sizeof(b4), ", ceiling %s",
				    amount(best.dim, best.ceiling, b3,
				    sizeof(b3)));
			else
				b4[0] = '\0';
			if (det_emit(d, rule, u, best.level - SL_LEVEL_HIGH,
			    x->start, x->end, best.value, best.own, best.thr,
			    &x->ev, "one session: %s; %s, %s%s", what(x,
			    best.dim, b1, sizeof(b1)), own_text(active, nbase,
			    "at most", best.dim, best.own, b2, sizeof(b2)),
			    group_text(active + gactive, best.others,
			    best.dim, best.grp, b3, sizeof(b3)), b4) < 0)
				goto fail;
		}
	}
	gcache_release(&gc);
	return 0;
fail:
	gcache_release(&gc);
	return -ENOMEM;
}

/* What the user's baseline leads one to expect of a judged day (leave
 * one day out: the busiest other day), or of the judged period of
 * N days: its busiest day, or its daily mean times N
 * if more (a week judged holds the weekly extract and the rest). */
static double
growth_ref(const struct sl_detect *d, int rule, const struct det_user *u,
    int dim, int64_t judged)
{
	const struct xstate *xs = u->state[rule];

	return d->loo ? top_ref(d, &xs->top[dim], judged) : xs->expect[dim];
}

/* With --since: the calendar days of the baseline the case holds and of
 * the judged period up to its last day with events. */
static void
growth_expect(struct sl_detect *d, int rule)
{
	int64_t first = INT64_MAX, last = INT64_MIN, from, bdays, jdays;
	size_t ui;
	int k;

	for (ui = 0; ui < d->nusers; ui++) {
		const struct det_user *u = d->users[ui];

		if (u->ndays == 0)
			continue;
		if (u->days[0].day < first)
			first = u->days[0].day;
		if (u->days[u->ndays - 1].day > last)
			last = u->days[u->ndays - 1].day;
	}
	from = d->since_day - (d->opts.baseline + DET_US_PER_DAY - 1) /
	    DET_US_PER_DAY;
	if (first > from)
		from = first;
	bdays = d->since_day - from;
	if (d->opts.until != INT64_MAX &&
	    det_day(d, d->opts.until - 1) < last)
		last = det_day(d, d->opts.until - 1);
	jdays = last >= d->since_day ? last - d->since_day + 1 : 1;
	for (ui = 0; ui < d->nusers; ui++) {
		struct xstate *xs = d->users[ui]->state[rule];

		for (k = 0; k < NDIM; k++) {
			double mean = bdays > 0 ? xs->sum[k] /
			    (double)bdays * (double)jdays : 0;

			xs->expect[k] = mean > xs->top[k].v1 ? mean :
			    xs->top[k].v1;
		}
		xs->jdays = jdays;
	}
}

/* The sessions bulk-export alerted on are its incidents: export-growth
 * looks at what else the user exported, so that one incident is one
 * alert.  Their share of x goes out of it (into *rest). */
static void
growth_rest(const struct sl_detect *d, const struct det_user *u,
    const struct xvol *x, struct xvol *rest, size_t *nbulk)
{
	const struct xstate *bs = NULL;
	size_t i;
	int k;

	*rest = *x;
	*nbulk = 0;
	for (i = 0; i < d->nrules; i++)
		if (d->rules[i] == &det_rule_bulk_export && !d->disabled[i])
			bs = u->state[i];
	for (i = 0; bs != NULL && i < bs->n; i++) {
		const struct xvol *s = &bs->x[i];

		if (!s->alerted || (d->loo ? s->day != x->day :
		    !det_judged(d, s->start)))
			continue;
		for (k = 0; k < NDIM; k++) {
			rest->v[k] -= s->v[k];
			rest->known[k] -= s->known[k];
		}
		(*nbulk)++;
	}
}

/* A local day as "2026-03-12". */
static const char *
day_text(int64_t day, char *buf, size_t size)
{
	int64_t y;
	int m, dd;

	sl_civil_from_days(day, &y, &m, &dd);
	snprintf(buf, size, "%04lld-%02d-%02d", (long long)y, m, dd);
	return buf;
}

/*
 * Growth over days (leave one day out): many small exports a day, more
 * each day, never make one day far above the user's busiest other day,
 * since the other days of the growth are among them.  So the exports of
 * the window-days days ending on each day are compared with the user's
 * largest window that does not overlap it, and the group's (the same
 * quantile as for a day).  One alert a window, not for a window holding a
 * day already alerted.
 */
static int
growth_windows_fill(const struct sl_detect *d, int rule, int64_t w)
{
	size_t ui, i, j;
	int k;

	for (ui = 0; ui < d->nusers; ui++) {
		struct xstate *xs = d->users[ui]->state[rule];

		free(xs->win);
		xs->win = NULL;
		if (xs->n == 0)
			continue;
		if ((xs->win = calloc(xs->n, sizeof(*xs->win))) == NULL)
			return -ENOMEM;
		for (i = j = 0; i < xs->n; i++) {
			while (xs->x[j].day <= xs->x[i].day - w)
				j++;
			for (k = 0; k < NDIM; k++) {
				size_t m;

				for (m = j; m <= i; m++)
					xs->win[i][k] += xs->x[m].v[k];
			}
		}
	}
	(void)d;
	return 0;
}

/* The user's largest window not overlapping the one ending on day. */
static double
win_ref(const struct xstate *xs, int dim, int64_t day, int64_t w)
{
	double best = 0;
	size_t i;

	for (i = 0; i < xs->n; i++)
		if ((xs->x[i].day < day - w + 1 || xs->x[i].day - w + 1 > day)
		    && xs->win[i][dim] > best)
			best = xs->win[i][dim];
	return best;
}

static int
growth_windows(struct sl_detect *d, int rule)
{
	double factor = det_param(d, rule, "far-factor");
	double share = det_param(d, rule, "group-share");
	int64_t w = (int64_t)det_param(d, rule, "window-days");
	double floor[NDIM], *v;
	size_t ui, vi, i, j, n;
	int dim, rc;

	if (w < 2)
		return 0;
	for (dim = 0; dim < NDIM; dim++)
		floor[dim] = det_param(d, rule, dim_setting[dim]);
	if ((rc = growth_windows_fill(d, rule, w)) < 0)
		return rc;
	if ((v = malloc((d->nusers + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct xstate *xs = u->state[rule];
		int64_t last = INT64_MIN;

		for (i = 0; i < xs->n; i++) {
			int64_t day = xs->x[i].day;
			double own, grp, thr, tg, val;
			int best = -1, level = -1, held = 0, far_grp = 0;
			struct det_evid ev;
			char a[48], b[48], c[48], dt[16];

			if (last != INT64_MIN && day - last < w)
				continue;
			/* A day of it alerted already, or bulk exports:
			 * their own alerts. */
			for (j = 0; j <= i; j++)
				if (xs->x[j].day > day - w && xs->x[j].alerted)
					held = 1;
			if (held || u->ndays < (size_t)w)
				continue;
			for (dim = 0; dim < NDIM; dim++) {
				if (dim != DIM_EXPORTS && xs->win[i][dim] == 0)
					continue;
				val = xs->win[i][dim];
				own = win_ref(xs, dim, day, w);
				/* Growth needs a past of the user's own. */
				if (own == 0 && dim != DIM_EXPORTS)
					continue;
				for (vi = n = 0; vi < d->nusers; vi++)
					if (vi != ui && d->users[vi]->group ==
					    u->group)
						v[n++] = d->users[vi]->
						    state[rule] == NULL ? 0 :
						    win_ref(d->users[vi]->
						    state[rule], dim, day, w);
				grp = n > 0 ? det_quantile(v, n, 1 - share) :
				    0;
				thr = factor * own > floor[dim] ?
				    factor * own : floor[dim];
				tg = factor * grp > floor[dim] ?
				    factor * grp : floor[dim];
				if (val <= thr)
					continue;
				if (best < 0 || val / thr > xs->win[i][best] /
				    (factor * win_ref(xs, best, day, w) >
				    floor[best] ? factor * win_ref(xs, best,
				    day, w) : floor[best])) {
					best = dim;
					level = val > tg ? SL_LEVEL_HIGH :
					    SL_LEVEL_MEDIUM;
					far_grp = val > tg;
				}
			}
			if (best < 0)
				continue;
			memset(&ev, 0, sizeof(ev));
			for (j = 0; j <= i; j++)
				if (xs->x[j].day > day - w &&
				    det_evid_merge(&ev, &xs->x[j].ev) < 0) {
					det_evid_release(&ev);
					free(v);
					return -ENOMEM;
				}
			own = win_ref(xs, best, day, w);
			for (vi = n = 0; vi < d->nusers; vi++)
				if (vi != ui && d->users[vi]->group == u->group)
					v[n++] = win_ref(d->users[vi]->
					    state[rule], best, day, w);
			grp = n > 0 ? det_quantile(v, n, 1 - share) : 0;
			thr = factor * own > floor[best] ? factor * own :
			    floor[best];
			/* The day the window crossed, its evidence that of
			 * the window. */
			rc = det_emit(d, rule, u, level - SL_LEVEL_MEDIUM,
			    xs->x[i].start, xs->x[i].end, xs->win[i][best],
			    own, thr, &ev, "%lld days to %s: %s exported; "
			    "the user's busiest other %lld days %s, the "
			    "group's %s%s", (long long)w, day_text(day, dt,
			    sizeof(dt)), amount(best, xs->win[i][best], a,
			    sizeof(a)), (long long)w, amount(best, own, b,
			    sizeof(b)), amount(best, grp, c, sizeof(c)),
			    far_grp ? "" : " (the group's way)");
			det_evid_release(&ev);
			if (rc < 0) {
				free(v);
				return rc;
			}
			last = day;
		}
	}
	free(v);
	return 0;
}

static int
growth_run(struct sl_detect *d, int rule)
{
	double factor = det_param(d, rule, "far-factor");
	double share = det_param(d, rule, "group-share");
	double floor[NDIM];
	struct gcache gc;
	size_t ui, i, n;
	int dim;

	for (dim = 0; dim < NDIM; dim++)
		floor[dim] = det_param(d, rule, dim_setting[dim]);
	summarise(d, rule);
	if (!d->loo)
		growth_expect(d, rule);
	memset(&gc, 0, sizeof(gc));
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct xstate *xs = u->state[rule];

		n = d->loo ? xs->n : 1;
		for (i = 0; i < n; i++) {
			struct xvol *x = d->loo ? &xs->x[i] : &xs->period;
			struct verdict best = { -1, 0, 0, 0, 0, 0, 0, 0, 0 };
			char b1[128], b2[96], b3[48], b4[64], period[48];
			size_t active, gactive, nbulk;
			struct xvol rest;

			growth_rest(d, u, x, &rest, &nbulk);
			/* A day with a bulk-export incident is that
			 * alert's: no window of growth holds it. */
			if (nbulk > 0)
				x->alerted = 1;
			if (rest.v[DIM_EXPORTS] == 0)
				continue;
			/* Growth needs a past: the user's, else their
			 * group's. */
			active = base_days(d, rule, u, x->day);
			gactive = active > 0 ? 0 : group_days(d, rule, u,
			    x->day);
			if (active == 0 && gactive == 0)
				continue;
			for (dim = 0; dim < NDIM; dim++) {
				struct verdict v = { -1, dim, rest.v[dim], 0,
				    0, 0, 0, 0, 0 };
				double tg;

				if (!measured(&rest, dim, 1))
					continue;
				if (group_ref(d, rule, &gc, u, growth_ref, dim,
				    x->day, share, &v.grp, &v.others) < 0)
					goto fail;
				/* Someone without a past is compared with
				 * the group alone. */
				v.own = active > 0 ? growth_ref(d, rule, u,
				    dim, x->day) : v.grp;
				v.thr = factor * v.own > floor[dim] ?
				    factor * v.own : floor[dim];
				tg = factor * v.grp > floor[dim] ?
				    factor * v.grp : floor[dim];
				v.far_grp = v.value > tg;
				if (v.value <= v.thr)
					continue;
				v.level = v.far_grp ? SL_LEVEL_HIGH :
				    SL_LEVEL_MEDIUM;
				if (v.level > best.level || (v.level ==
				    best.level && v.value / v.thr >
				    best.value / best.thr))
					best = v;
			}
			if (best.level < 0)
				continue;
			if (d->loo)
				snprintf(period, sizeof(period), "day");
			else
				snprintf(period, sizeof(period), "judged "
				    "period (%lld day%s)", (long long)xs->jdays,
				    xs->jdays == 1 ? "" : "s");
			if (nbulk > 0)
				snprintf(b4, sizeof(b4), " besides %zu "
				    "session%s of bulk export", nbulk,
				    nbulk == 1 ? "" : "s");
			else
				b4[0] = '\0';
			if (det_emit(d, rule, u, best.level - SL_LEVEL_MEDIUM,
			    x->start, x->end, best.value, best.own, best.thr,
			    &x->ev, "the %s%s: %s; %s, %s", period, b4,
			    what(&rest, best.dim, b1, sizeof(b1)),
			    own_text(active, SIZE_MAX, d->loo ? "at most" :
			    "expected", best.dim, best.own, b2, sizeof(b2)),
			    group_text(active + gactive, best.others,
			    best.dim, best.grp, b3, sizeof(b3))) < 0)
				goto fail;
			x->alerted = 1;
		}
	}
	gcache_release(&gc);
	if (d->loo)
		return growth_windows(d, rule);
	return 0;
fail:
	gcache_release(&gc);
	return -ENOMEM;
}

/* A peer: its sessions' or days' exports (their evidence stays in its
 * shard, which judges them); the judged period is its own alone. */
static int
x_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	const struct xstate *xs = st;
	size_t i;

	(void)d;
	(void)rule;
	(void)u;
	if (sl_buf_printf(b, " %zu", xs->n) < 0)
		return -ENOMEM;
	for (i = 0; i < xs->n; i++) {
		const struct xvol *x = &xs->x[i];

		if (sl_buf_printf(b, " %lld %lld %lld %.17g %.17g %.17g %lu "
		    "%lu %lu", (long long)x->day, (long long)x->start,
		    (long long)x->end, x->v[0], x->v[1], x->v[2],
		    (unsigned long)x->known[0], (unsigned long)x->known[1],
		    (unsigned long)x->known[2]) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int
x_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	struct xstate *xs = st;
	size_t i, n = det_rd_count(r, 9);
	int k;

	(void)d;
	(void)rule;
	(void)u;
	if (r->bad || n == 0)
		return 0;
	if ((xs->x = calloc(n, sizeof(*xs->x))) == NULL)
		return -ENOMEM;
	xs->cap = n;
	for (i = 0; i < n; i++) {
		struct xvol *x = &xs->x[i];

		x->day = det_rd_int(r);
		x->start = det_rd_int(r);
		x->end = det_rd_int(r);
		for (k = 0; k < NDIM; k++)
			x->v[k] = det_rd_num(r);
		for (k = 0; k < NDIM; k++)
			x->known[k] = (uint32_t)det_rd_int(r);
	}
	xs->n = n;
	return 0;
}

const struct det_rule det_rule_bulk_export = {
	.name = "bulk-export",
	.level = SL_LEVEL_HIGH,
	.params = bulk_params,
	.size = sizeof(struct xstate),
	.add = bulk_add,
	.run = bulk_run,
	.release = x_release,
	.save = x_save,
	.load = x_load,
};

const struct det_rule det_rule_export_growth = {
	.name = "export-growth",
	.level = SL_LEVEL_MEDIUM,
	.params = growth_params,
	.size = sizeof(struct xstate),
	.add = growth_add,
	.run = growth_run,
	.release = x_release,
	.save = x_save,
	.load = x_load,
};
