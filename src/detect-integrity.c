/*
 * detect-integrity.c: rule "log-integrity": is the evidence whole?
 * Coverage gaps (days, and hours, without the events they usually have),
 * duplicates and conflicting duplicates, time going backwards in a log,
 * and logs read damaged, repaired or in part rejected (sessionlog(7)).
 *
 * Coverage is judged over all users of the run at once: a gap in the
 * logs silences everyone, while one person's day off does not, so a day
 * or an hour is judged only where several users are usually active.  The
 * rest is what the case's manifest, conflicts and rejects say of each log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

static const struct det_param params[] = {
	{ "day-users", 2, DET_COUNT },	/* active users, lower quartile: expected */
	{ "hour-users", 8, DET_COUNT },	/* median active users: an hour is judged */
	{ "hour-share", 0.1, DET_SHARE },	/* of the baseline's median: a low hour */
	{ "hour-days", 2, DET_COUNT },	/* baseline days an hour needs */
	{ NULL, 0 },
};

/* Bumps on the base level (medium). */
#define BUMP_GAP	0
#define BUMP_LOW	(-1)
#define BUMP_COPY	(-2)
#define BUMP_CONFLICT	0
#define BUMP_REVERSAL	0
#define BUMP_DAMAGE	0
#define BUMP_LOST	1

static const char *const wday_name[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday",
};

/* ---- per user: each day's events of every kind --------------------------- */

/*
 * The framework's days count the user's own events; a gap in the logs is
 * a day without any record at all, so the events services made on the
 * user's behalf count here too: a holiday whose batch jobs were logged is
 * not a gap.  And where each day's first and last event was read, the
 * evidence of a gap's neighbouring events.
 */
struct iday {
	int64_t day;
	int64_t first, last;	/* times */
	char *fo, *lo;		/* "origin:line" of them */
};

struct istate {
	struct iday *v;
	size_t n, cap;
	int64_t lo, hi;		/* the current day, [lo, hi) in us */
	struct sl_buf last;	/* "origin:line" of the latest event */
};

static int
set_last(struct sl_buf *b, const struct sl_event *ev)
{
	char num[24];
	int n;

	sl_buf_reset(b);
	n = snprintf(num, sizeof(num), ":%llu", (unsigned long long)ev->line);
	if (sl_buf_add(b, ev->origin.p, ev->origin.n) < 0 ||
	    sl_buf_add(b, num, (size_t)n) < 0)
		return -ENOMEM;
	return 0;
}

static int
close_day(struct istate *s)
{
	struct iday *x;

	if (s->n == 0)
		return 0;
	x = &s->v[s->n - 1];
	free(x->lo);
	if ((x->lo = sl_strndup(s->last.p, s->last.n)) == NULL)
		return -ENOMEM;
	return 0;
}

static int
i_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct istate *s = arg;
	const struct sl_event *ev = st->ev;
	int64_t day;

	(void)u;
	if (!st->in_range)
		return 0;
	if (s->n > 0 && ev->time >= s->lo && ev->time < s->hi) {
		s->v[s->n - 1].last = ev->time;
		return set_last(&s->last, ev);
	}
	day = det_day(d, ev->time);
	if (s->n > 0 && s->v[s->n - 1].day >= day)
		return 0;	/* not in time order: not counted */
	if (close_day(s) < 0)
		return -ENOMEM;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct iday *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	if (set_last(&s->last, ev) < 0)
		return -ENOMEM;
	s->lo = det_day_start(d, day);
	s->hi = det_day_start(d, day + 1);
	s->v[s->n].day = day;
	s->v[s->n].first = s->v[s->n].last = ev->time;
	s->v[s->n].lo = NULL;
	if ((s->v[s->n].fo = sl_strndup(s->last.p, s->last.n)) == NULL)
		return -ENOMEM;
	s->n++;
	return 0;
}

static int
i_end(const struct sl_detect *d, struct det_user *u, void *arg)
{
	struct istate *s = arg;
	int rc;

	(void)d;
	/* A peer's days came whole with it (i_load). */
	if (u->peer)
		return 0;
	rc = close_day(s);
	sl_buf_release(&s->last);
	return rc;
}

static void
i_release(void *arg)
{
	struct istate *s = arg;
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].fo);
		free(s->v[i].lo);
	}
	free(s->v);
	sl_buf_release(&s->last);
}

static const struct iday *
iday_find(const struct istate *s, int64_t day)
{
	size_t lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->v[lo].day == day ? &s->v[lo] : NULL;
}

/* ---- evidence without an event ------------------------------------------ */

static int
evid_push(struct det_evid *e, const char *fmt, ...) SL_PRINTF(2, 3);

static int
evid_push(struct det_evid *e, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (e->n == DET_EVID_MAX)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	e->v[e->n++] = s;
	return 0;
}

/* The id of an alert about no single event: what it is about. */
static int
evid_key(struct det_evid *e, int64_t t, const char *fmt, ...)
    SL_PRINTF(3, 4);

static int
evid_key(struct det_evid *e, int64_t t, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	free(e->first_key);
	e->first_key = s;
	e->first_time = t;
	return 0;
}

/* ---- coverage ------------------------------------------------------------ */

/* A local day with events: all users' own events (and the users with
 * some), by hour too; the first and last event of any kind. */
struct cday {
	int64_t day;
	uint64_t events;
	uint32_t users;
	uint64_t hev[24];
	uint32_t hus[24];
	int64_t first, last;		/* times */
	size_t fu, lu;			/* users of them (d->users) */
};

static int
cmp_cday(const void *x, const void *y)
{
	const struct cday *a = x, *b = y;

	return a->day < b->day ? -1 : a->day > b->day;
}

/* Monday 0 .. Sunday 6 of a day number (1970-01-01 was a Thursday). */
static int
wday(int64_t day)
{
	return (int)(((day % 7) + 7 + 3) % 7);
}

/* The number of days of weekday w in [a, b]. */
static int64_t
wcount(int64_t a, int64_t b, int w)
{
	int64_t first;

	if (a > b)
		return 0;
	first = a + ((w - wday(a)) % 7 + 7) % 7;
	return first > b ? 0 : (b - first) / 7 + 1;
}

/* The q-quantile of v[0..n) together with z zeros (v is reordered; all
 * values >= 0). */
static double
quantile_zeros(double *v, size_t n, int64_t z, double q)
{
	double pos, f, lo, hi;
	size_t all, i;

	if (z <= 0)
		return det_quantile(v, n, q);
	all = n + (size_t)z;
	det_quantile(v, n, q);	/* sorts */
	pos = q * (double)(all - 1);
	i = (size_t)pos;
	f = pos - (double)i;
	lo = i < (size_t)z ? 0 : v[i - (size_t)z];
	hi = i + 1 >= all ? lo : i + 1 < (size_t)z ? 0 : v[i + 1 - (size_t)z];
	return lo + f * (hi - lo);
}

/* Local day and hour as an hour index. */
static int64_t
hour_index(const struct sl_detect *d, int64_t t)
{
	struct sl_civil c;

	sl_time_civil(t, d->opts.tz, &c);
	return sl_days_from_civil(c.year, c.month, c.day) * 24 + c.hour;
}

/* The instant local hour index h starts, and whether the zone has it
 * (a daylight saving change skips one). */
static int64_t
hour_start(const struct sl_detect *d, int64_t h, int *exists)
{
	int64_t t = sl_tz_to_utc(d->opts.tz, h * 3600) * 1000000;

	if (exists != NULL)
		*exists = hour_index(d, t) == h;
	return t;
}

/* "2026-03-11" of a day, "2026-03-11 10:00" of an hour index. */
static void
fmt_day(int64_t day, char *buf, size_t size)
{
	int64_t y;
	int m, dd;

	sl_civil_from_days(day, &y, &m, &dd);
	snprintf(buf, size, "%04lld-%02d-%02d", (long long)y, m, dd);
}

/* A time as the run's zone shows it, to the second. */
static void
fmt_time(const struct sl_detect *d, int64_t t, char *buf, size_t size)
{
	char *dot;
	int n = sl_time_format_tz(t, d->opts.tz, buf, size);

	if (n < 0) {
		snprintf(buf, size, "?");
		return;
	}
	if ((dot = strchr(buf, '.')) != NULL)
		memmove(dot, dot + 7, strlen(dot + 7) + 1);
}

/* Every user's days into one sorted array of days with any event. */
static int
gather(struct sl_detect *d, int rule, struct cday **out, size_t *nout)
{
	struct cday *v = NULL, *c;
	size_t n = 0, i, k, h, ui;

	for (ui = 0; ui < d->nusers; ui++)
		n += ((struct istate *)d->users[ui]->state[rule])->n;
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return -ENOMEM;
	n = 0;
	for (ui = 0; ui < d->nusers; ui++) {
		const struct det_user *u = d->users[ui];
		const struct istate *s = u->state[rule];

		for (i = 0; i < s->n; i++) {
			const struct det_day *x = det_user_day(u,
			    s->v[i].day);

			c = &v[n++];
			c->day = s->v[i].day;
			c->first = s->v[i].first;
			c->last = s->v[i].last;
			c->fu = c->lu = ui;
			if (x == NULL)
				continue;	/* only backend events */
			c->events = x->events;
			c->users = 1;
			for (h = 0; h < 24; h++) {
				c->hev[h] = x->hours[h];
				c->hus[h] = x->hours[h] > 0;
			}
		}
	}
	qsort(v, n, sizeof(*v), cmp_cday);
	/* Sum each day's rows into its first; qsort is not stable: the
	 * earliest event, then the first user in name order, is the
	 * neighbour. */
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && v[k - 1].day == v[i].day) {
			c = &v[k - 1];
			c->events += v[i].events;
			c->users += v[i].users;
			for (h = 0; h < 24; h++) {
				c->hev[h] += v[i].hev[h];
				c->hus[h] += v[i].hus[h];
			}
			if (v[i].first < c->first || (v[i].first == c->first &&
			    v[i].fu < c->fu)) {
				c->first = v[i].first;
				c->fu = v[i].fu;
			}
			if (v[i].last > c->last || (v[i].last == c->last &&
			    v[i].lu < c->lu)) {
				c->last = v[i].last;
				c->lu = v[i].lu;
			}
		} else if (k++ != i)
			v[k - 1] = v[i];
	}
	*out = v;
	*nout = k;
	return 0;
}

/* The baseline's figures of one weekday, for days without any event:
 * its days' active users (the lower quartile and the median) and events
 * (the median), its days without events counted as zeros, and how many
 * days.  Leaving one day out, the judged day is one of those zeros when
 * it lies inside the events (inside). */
struct wbase {
	double users_q1, users, events;
	int64_t days;
};

static int
weekday_bases(const struct sl_detect *d, const struct cday *cd, size_t n,
    int inside, struct wbase wb[7])
{
	int64_t lo = cd[0].day, hi = cd[n - 1].day;
	double *vu, *ve;
	size_t i, k;
	int w;

	if (!d->loo) {
		int64_t b = (d->opts.baseline + DET_US_PER_DAY - 1) /
		    DET_US_PER_DAY;

		if (d->since_day - b > lo)
			lo = d->since_day - b;
		if (d->since_day - 1 < hi)
			hi = d->since_day - 1;
	}
	if ((vu = malloc(n * sizeof(*vu))) == NULL ||
	    (ve = malloc(n * sizeof(*ve))) == NULL) {
		free(vu);
		return -ENOMEM;
	}
	for (w = 0; w < 7; w++) {
		int64_t all = wcount(lo, hi, w), z;

		for (i = k = 0; i < n; i++)
			if (cd[i].day >= lo && cd[i].day <= hi &&
			    wday(cd[i].day) == w) {
				vu[k] = cd[i].users;
				ve[k] = (double)cd[i].events;
				k++;
			}
		z = all - (int64_t)k - (d->loo && inside ? 1 : 0);
		if (z < 0)
			z = 0;
		wb[w].days = (int64_t)k + z;
		if (wb[w].days == 0) {
			wb[w].users_q1 = wb[w].users = wb[w].events = 0;
			continue;
		}
		wb[w].users_q1 = quantile_zeros(vu, k, z, 0.25);
		wb[w].users = quantile_zeros(vu, k, z, 0.5);
		wb[w].events = quantile_zeros(ve, k, z, 0.5);
	}
	free(vu);
	free(ve);
	return 0;
}

/* The last whole judged local day, or INT64_MAX. */
static int64_t
last_judged_day(const struct sl_detect *d)
{
	return d->opts.until == INT64_MAX ? INT64_MAX :
	    det_day(d, d->opts.until) - 1;
}

static int
neighbour(const struct sl_detect *d, int rule, struct det_evid *e,
    size_t ui, int64_t day, int last)
{
	const struct istate *s = d->users[ui]->state[rule];
	const struct iday *x = iday_find(s, day);
	const char *o = x == NULL ? NULL : last ? x->lo : x->fo;

	return o == NULL ? 0 : evid_push(e, "%s", o);
}

/* Runs of days without any event between two days with some, or after
 * the last up to an explicit end of the judged period: without one, the
 * evidence may simply end there. */
static int
day_gaps(struct sl_detect *d, int rule, const struct cday *cd, size_t n)
{
	double minusers = det_param(d, rule, "day-users");
	int64_t jlast = last_judged_day(d);
	struct wbase wbin[7], wbout[7], *wb;
	size_t i;
	int rc;

	if ((rc = weekday_bases(d, cd, n, 1, wbin)) < 0 ||
	    (rc = weekday_bases(d, cd, n, 0, wbout)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		int64_t a = cd[i].day + 1, b, ja, jb, x;
		int64_t expected = 0;
		double events = 0, users = 0, days = 0;
		char da[16], db[16], t1[SL_TIME_TZ_LEN], t2[SL_TIME_TZ_LEN];
		char around[2 * SL_TIME_TZ_LEN + 64];
		struct det_evid ev;
		int w;

		wb = i + 1 < n ? wbin : wbout;
		if (i + 1 < n)
			b = cd[i + 1].day - 1;
		else if (jlast != INT64_MAX)
			b = jlast;
		else
			break;
		if (a > b)
			continue;
		ja = d->loo || a > d->since_day ? a : d->since_day;
		jb = b < jlast ? b : jlast;
		if (ja > jb)
			continue;
		for (w = 0; w < 7; w++) {
			int64_t k = wcount(ja, jb, w);

			/* Several people on nearly every such day (three
			 * in four): none at all is not chance.  A median
			 * would take a weekday some work now and then. */
			if (k == 0 || wb[w].days == 0 ||
			    wb[w].users_q1 < minusers)
				continue;
			expected += k;
			events += (double)k * wb[w].events;
			if (wb[w].users > users)
				users = wb[w].users;
			days += (double)wb[w].days;
		}
		if (expected == 0)
			continue;
		memset(&ev, 0, sizeof(ev));
		fmt_day(a, da, sizeof(da));
		fmt_time(d, cd[i].last, t1, sizeof(t1));
		if (i + 1 < n) {
			fmt_time(d, cd[i + 1].first, t2, sizeof(t2));
			snprintf(around, sizeof(around), "the last event "
			    "before is at %s, the first after at %s", t1, t2);
		} else
			snprintf(around, sizeof(around), "the last event "
			    "before is at %s, none follows in the period", t1);
		if (evid_key(&ev, det_day_start(d, ja), "gap:%s", da) < 0 ||
		    neighbour(d, rule, &ev, cd[i].lu, cd[i].day, 1) < 0 ||
		    (i + 1 < n && neighbour(d, rule, &ev, cd[i + 1].fu,
		    cd[i + 1].day, 0) < 0)) {
			det_evid_release(&ev);
			return -ENOMEM;
		}
		ev.events = ev.n;
		fmt_day(ja, da, sizeof(da));
		fmt_day(jb, db, sizeof(db));
		x = jb - ja + 1;
		if (x == 1)
			rc = det_emit(d, rule, NULL, BUMP_GAP,
			    det_day_start(d, ja), det_day_start(d, jb + 1), 0,
			    events, 0, &ev, "no events on %s (%s), where the "
			    "baseline's %ss have a median of %.0f events from "
			    "%.0f users (%.0f day%s); %s", da,
			    wday_name[wday(ja)], wday_name[wday(ja)], events,
			    users, days, days == 1 ? "" : "s", around);
		else
			rc = det_emit(d, rule, NULL, BUMP_GAP,
			    det_day_start(d, ja), det_day_start(d, jb + 1), 0,
			    events, 0, &ev, "no events for %lld days, %s to "
			    "%s, where the baseline's same weekdays have a "
			    "median of %.0f events in all from up to %.0f "
			    "users (%.0f day%s); %s", (long long)x, da, db,
			    events, users, days, days == 1 ? "" : "s", around);
		det_evid_release(&ev);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A run of low hours being built. */
struct lowrun {
	int64_t from, to;		/* hour indexes, inclusive */
	double events, base, users, days;
};

static int
low_flush(struct sl_detect *d, int rule, struct lowrun *r)
{
	char d1[16], d2[16], when[64];
	struct det_evid ev;
	int64_t start, end;
	int rc;

	if (r->from > r->to)
		return 0;
	start = hour_start(d, r->from, NULL);
	end = hour_start(d, r->to + 1, NULL);
	fmt_day(r->from / 24, d1, sizeof(d1));
	fmt_day((r->to + 1) / 24, d2, sizeof(d2));
	if (r->from / 24 == (r->to + 1) / 24 || (r->to + 1) % 24 == 0)
		snprintf(when, sizeof(when), "%s %02d:00 to %02d:00", d1,
		    (int)(r->from % 24), (int)((r->to + 1) % 24 ?
		    (r->to + 1) % 24 : 24));
	else
		snprintf(when, sizeof(when), "%s %02d:00 to %s %02d:00", d1,
		    (int)(r->from % 24), d2, (int)((r->to + 1) % 24));
	memset(&ev, 0, sizeof(ev));
	if (evid_key(&ev, start, "low:%lld", (long long)r->from) < 0)
		return -ENOMEM;
	rc = det_emit(d, rule, NULL, BUMP_LOW, start, end, r->events,
	    r->base, r->base * det_param(d, rule, "hour-share"), &ev,
	    "%.0f events in %lld hour%s, %s (%s), where the baseline's "
	    "%ss have a median of %.0f events from %.0f users in them "
	    "(%.0f day%s)", r->events, (long long)(r->to - r->from + 1),
	    r->to > r->from ? "s" : "", when,
	    wday_name[wday(r->from / 24)], wday_name[wday(r->from / 24)],
	    r->base, r->users, r->days, r->days == 1 ? "" : "s");
	det_evid_release(&ev);
	r->from = 1;
	r->to = 0;
	return rc;
}

/* Hours of days with events that have far fewer than the same hours of
 * the same weekday usually have. */
static int
low_hours(struct sl_detect *d, int rule, const struct cday *cd, size_t n)
{
	double minusers = det_param(d, rule, "hour-users");
	double share = det_param(d, rule, "hour-share");
	double mindays = det_param(d, rule, "hour-days");
	/* Hours that are whole and judged: not the first and last hour of
	 * the events (the evidence may start and end inside them), nor the
	 * hour --until cuts. */
	int64_t elo = hour_index(d, cd[0].first) + 1;
	int64_t ehi = hour_index(d, cd[n - 1].last) - 1;
	int64_t jlo = d->loo ? INT64_MIN : hour_index(d, d->opts.since);
	int64_t jhi = d->opts.until == INT64_MAX ? INT64_MAX :
	    hour_index(d, d->opts.until) - 1;
	struct lowrun run = { 1, 0, 0, 0, 0, 0 };
	double *vu = NULL, *ve = NULL;
	size_t *base = NULL, nb, i, k;
	int h, rc = -ENOMEM;

	if ((vu = malloc(n * sizeof(*vu))) == NULL ||
	    (ve = malloc(n * sizeof(*ve))) == NULL ||
	    (base = malloc(n * sizeof(*base))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		int64_t x = cd[i].day;

		/* A day on which only services wrote: the log worked and
		 * nobody did, a day off. */
		if (cd[i].users == 0 || x * 24 + 23 < elo || x * 24 > ehi ||
		    x * 24 + 23 < jlo || x * 24 > jhi)
			continue;
		for (k = nb = 0; k < n; k++)
			if (k != i && wday(cd[k].day) == wday(x) &&
			    det_is_baseline(d, x, cd[k].day))
				base[nb++] = k;
		if ((double)nb < mindays)
			continue;
		for (h = 0; h < 24; h++) {
			int64_t hi = x * 24 + h;
			size_t m = 0, j;
			double mu, me, mn = -1;
			int exists;

			if (hi < elo || hi > ehi || hi < jlo || hi > jhi)
				continue;
			hour_start(d, hi, &exists);
			if (!exists)
				continue;
			for (j = 0; j < nb; j++) {
				const struct cday *y = &cd[base[j]];
				int64_t yi = y->day * 24 + h;

				if (yi < elo || yi > ehi)
					continue;
				vu[m] = y->hus[h];
				ve[m] = (double)y->hev[h];
				if (mn < 0 || ve[m] < mn)
					mn = ve[m];
				m++;
			}
			if ((double)m < mindays)
				continue;
			mu = det_median(vu, m);
			me = det_median(ve, m);
			/* Far fewer events and far fewer people: one
			 * person's events come in runs, so the users are
			 * the independent witnesses that the log works. */
			if (mu < minusers || (double)cd[i].hev[h] > share * me ||
			    (double)cd[i].hus[h] > share * mu ||
			    (double)cd[i].hev[h] >= mn)
				continue;
			if (run.from <= run.to && run.to + 1 != hi &&
			    (rc = low_flush(d, rule, &run)) < 0)
				goto out;
			if (run.from > run.to) {
				run.from = hi;
				run.events = run.base = run.users = 0;
				run.days = (double)m;
			}
			run.to = hi;
			run.events += (double)cd[i].hev[h];
			run.base += me;
			if (mu > run.users)
				run.users = mu;
			if ((double)m < run.days)
				run.days = (double)m;
		}
	}
	rc = low_flush(d, rule, &run);
out:
	free(vu);
	free(ve);
	free(base);
	return rc;
}

static int
i_run(struct sl_detect *d, int rule)
{
	struct cday *cd;
	size_t n;
	int rc;

	if ((rc = gather(d, rule, &cd, &n)) < 0 || n == 0)
		return rc;
	if ((rc = day_gaps(d, rule, cd, n)) == 0)
		rc = low_hours(d, rule, cd, n);
	free(cd);
	return rc;
}

/* ---- the manifest -------------------------------------------------------- */

/* A log the manifest says something about. */
struct ilog {
	char *name;
	char *sha256;
	int64_t first, last;
	uint64_t read, dups, conflicts, reversals, rejected;
	char *notes;
	struct det_evid damage, conflict;	/* rejects, conflict rows */
	char *reason;				/* the first reject's */
	char *differs;				/* union of the conflicts' */
};

struct ilogs {
	struct ilog *v;
	size_t n, cap;
	struct det_map names;
};

static void
ilogs_release(struct ilogs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].sha256);
		free(l->v[i].notes);
		free(l->v[i].reason);
		free(l->v[i].differs);
		det_evid_release(&l->v[i].damage);
		det_evid_release(&l->v[i].conflict);
	}
	free(l->v);
	det_map_release(&l->names);
}

static int
note(const struct ilog *g, const char *name, uint64_t *v)
{
	struct sl_str s;

	if (g->notes == NULL ||
	    !sl_notes_get(g->notes, strlen(g->notes), name, &s))
		return 0;
	*v = 0;
	if (s.n > 0 && sl_row_u64_parse(s.p, s.n, v) < 0)
		*v = 0;
	return 1;
}

static int
damaged(const struct ilog *g)
{
	uint64_t v;

	return g->sha256[0] == '\0' || g->rejected > 0 ||
	    note(g, "truncated", &v) || note(g, "corrupt", &v) ||
	    note(g, "lost", &v) || note(g, "repaired", &v) ||
	    note(g, "unread", &v) || note(g, "badcheck", &v);
}

/* Is the log's span in the judged period (or unknown)? */
static int
log_judged(const struct sl_detect *d, int64_t first, int64_t last)
{
	if (first == INT64_MIN || last == INT64_MIN)
		return 1;
	return first < d->opts.until && (d->loo || last >= d->opts.since);
}

/* The logs of the case's manifest: those the rule judges, or (all) every
 * row, for the other shards (i_save_case). */
static int
read_manifest(struct sl_detect *d, struct sl_case *c, struct ilogs *l,
    int all)
{
	const struct sl_manifest_row *r;
	struct sl_manifest *m;
	int rc;

	if ((m = sl_manifest_open(c)) == NULL)
		return -EIO;
	while ((rc = sl_manifest_next(m, &r)) > 0) {
		struct ilog g;
		uint64_t dups = r->duplicates == SL_NOT_COUNTED ? 0 :
		    r->duplicates;
		uint64_t conf = r->conflicts == SL_NOT_COUNTED ? 0 :
		    r->conflicts;
		uint64_t rev = r->reversals == SL_NOT_COUNTED ? 0 :
		    r->reversals;
		ssize_t k;
		int added;

		memset(&g, 0, sizeof(g));
		g.first = r->first;
		g.last = r->last;
		g.read = r->read == SL_NOT_COUNTED ? 0 : r->read;
		g.dups = dups;
		g.conflicts = conf;
		g.reversals = rev;
		g.rejected = r->rejected == SL_NOT_COUNTED ? 0 : r->rejected;
		if ((g.notes = sl_strndup(r->notes.p, r->notes.n)) == NULL ||
		    (g.sha256 = sl_strndup(r->sha256.p, r->sha256.n)) == NULL) {
			free(g.notes);
			rc = -ENOMEM;
			break;
		}
		if (!all && ((dups == 0 && rev == 0 && !damaged(&g)) ||
		    !log_judged(d, g.first, g.last))) {
			free(g.notes);
			free(g.sha256);
			continue;
		}
		g.name = malloc(r->path.n + r->member.n + 2);
		if (g.name == NULL) {
			free(g.notes);
			free(g.sha256);
			rc = -ENOMEM;
			break;
		}
		memcpy(g.name, r->path.p, r->path.n);
		g.name[r->path.n] = '\0';
		if (r->member.n > 0) {
			g.name[r->path.n] = '!';
			memcpy(g.name + r->path.n + 1, r->member.p,
			    r->member.n);
			g.name[r->path.n + 1 + r->member.n] = '\0';
		}
		if ((k = det_map_put(&l->names, g.name, strlen(g.name),
		    &added)) < 0) {
			rc = -ENOMEM;
		} else if (!added) {
			/* A log's second row: not written by ingest. */
			rc = 0;
		} else if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct ilog *v = realloc(l->v, cap * sizeof(*v));

			if (v == NULL)
				rc = -ENOMEM;
			else {
				l->v = v;
				l->cap = cap;
			}
		}
		if (rc < 0 || !added) {
			free(g.name);
			free(g.notes);
			free(g.sha256);
			if (rc < 0)
				break;
			continue;
		}
		l->v[l->n++] = g;
	}
	sl_manifest_free(m);
	return rc < 0 ? rc : 0;
}

static struct ilog *
find_log(struct ilogs *l, struct sl_str origin)
{
	ssize_t k = det_map_find(&l->names, origin.p, origin.n);

	return k < 0 ? NULL : &l->v[k];
}

static int
read_rejects(struct sl_case *c, struct ilogs *l)
{
	const struct sl_reject_row *r;
	struct sl_rejects *rj;
	int rc;

	if ((rj = sl_rejects_open(c)) == NULL)
		return -EIO;
	while ((rc = sl_rejects_next(rj, &r)) > 0) {
		struct ilog *g = find_log(l, r->origin);

		if (g == NULL)
			continue;
		if (g->reason == NULL && (g->reason = sl_strndup(r->reason.p,
		    r->reason.n)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		if (evid_push(&g->damage, "%s:%llu", r->origin.p,
		    (unsigned long long)r->line) < 0) {
			rc = -ENOMEM;
			break;
		}
	}
	sl_rejects_free(rj);
	return rc;
}

/* Add the words of list (comma-separated) missing from *set. */
static int
add_words(char **set, struct sl_str list)
{
	const char *p = list.p, *e = list.p + list.n, *comma;
	size_t w, have;
	char *s;

	for (; p < e; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(e - p))) == NULL)
			comma = e;
		w = (size_t)(comma - p);
		if (w > 0) {
			const char *q = *set;
			int found = 0;

			while (q != NULL && *q != '\0') {
				const char *qe = strchr(q, ',');
				size_t qn = qe ? (size_t)(qe - q) : strlen(q);

				if (qn == w && memcmp(q, p, w) == 0)
					found = 1;
				q = qe ? qe + 1 : NULL;
			}
			if (!found) {
				have = *set ? strlen(*set) : 0;
				if ((s = realloc(*set, have + w + 2)) == NULL)
					return -ENOMEM;
				if (have > 0)
					s[have++] = ',';
				memcpy(s + have, p, w);
				s[have + w] = '\0';
				*set = s;
			}
		}
		if (comma == e)
			break;
	}
	return 0;
}

static int
read_conflicts(struct sl_case *c, struct ilogs *l)
{
	const struct sl_conflict_row *r;
	struct sl_conflicts *k;
	int rc;

	if ((k = sl_conflicts_open(c)) == NULL)
		return -EIO;
	while ((rc = sl_conflicts_next(k, &r)) > 0) {
		struct ilog *g = find_log(l, r->origin);

		if (g == NULL)
			continue;
		if (evid_push(&g->conflict, "%s:%llu", r->origin.p,
		    (unsigned long long)r->line) < 0 ||
		    evid_push(&g->conflict, "%s:%llu", r->kept_origin.p,
		    (unsigned long long)r->kept_line) < 0 ||
		    add_words(&g->differs, r->differs) < 0) {
			rc = -ENOMEM;
			break;
		}
	}
	sl_conflicts_free(k);
	return rc;
}

/* Emit one alert about log g: kind names it for the id. */
static int
log_emit(struct sl_detect *d, int rule, const struct ilog *g,
    const char *kind, int bump, double value, const struct det_evid *extra,
    const char *text)
{
	struct det_evid ev;
	int64_t start = g->first, end = g->last;
	size_t i;
	int rc;

	memset(&ev, 0, sizeof(ev));
	/* Its id from what the log is, not where it was read from. */
	if (evid_key(&ev, start, "%s:%s", kind, g->sha256[0] ? g->sha256 :
	    g->name) < 0 || evid_push(&ev, "%s", g->name) < 0)
		goto nomem;
	for (i = 0; extra != NULL && i < extra->n; i++)
		if (evid_push(&ev, "%s", extra->v[i]) < 0)
			goto nomem;
	ev.events = (uint64_t)value;
	if (start != INT64_MIN && !d->loo && start < d->opts.since)
		start = d->opts.since;
	if (end != INT64_MIN && end >= d->opts.until)
		end = d->opts.until - 1;
	rc = det_emit(d, rule, NULL, bump, start, end, value,
	    (double)g->read, 0, &ev, "%s%s", text, start == INT64_MIN ?
	    " (the log has no event times: told whatever the period)" : "");
	det_evid_release(&ev);
	return rc;
nomem:
	det_evid_release(&ev);
	return -ENOMEM;
}

static const char *
pl(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static int
log_alerts(struct sl_detect *d, int rule, const struct ilog *g)
{
	struct sl_buf b = { NULL, 0, 0 };
	uint64_t exact, v, explained, places = 0;
	struct sl_str why;
	int lost = 0, rc = 0;

	exact = g->dups - (g->conflicts < g->dups ? g->conflicts : g->dups);
	/* A copy sent again later goes back in time once: reversals up to
	 * the duplicates may be the copies, not records out of order. */
	explained = g->reversals < g->dups ? g->reversals : g->dups;
	if (exact > 0) {
		if (sl_buf_printf(&b, "%llu of the log's %llu record%s %s "
		    "(redelivered or written twice)",
		    (unsigned long long)exact, (unsigned long long)g->read,
		    pl(g->read), exact == 1 ? "is an exact copy of a record "
		    "read before" : "are exact copies of records read "
		    "before") < 0 ||
		    (explained > 0 && sl_buf_printf(&b, "; its %llu "
		    "reversal%s of time may be those copies",
		    (unsigned long long)explained, explained > 1 ? "s" :
		    "") < 0) || sl_buf_addc(&b, '\0') < 0)
			goto nomem;
		if ((rc = log_emit(d, rule, g, "copies", BUMP_COPY,
		    (double)exact, NULL, b.p)) < 0)
			goto out;
		sl_buf_reset(&b);
	}
	if (g->conflicts > 0) {
		if (sl_buf_printf(&b, "%llu of the log's %llu record%s "
		    "repeat%s another's record id but differ%s%s%s: a "
		    "damaged or altered export",
		    (unsigned long long)g->conflicts,
		    (unsigned long long)g->read, pl(g->read),
		    g->conflicts == 1 ? "s" : "", g->conflicts == 1 ? "s" :
		    "", g->differs ? " in " : "", g->differs ? g->differs :
		    "") < 0 ||
		    (exact == 0 && explained > 0 && sl_buf_printf(&b, "; its "
		    "%llu reversal%s of time may be those copies",
		    (unsigned long long)explained, explained > 1 ? "s" :
		    "") < 0) || sl_buf_addc(&b, '\0') < 0)
			goto nomem;
		if ((rc = log_emit(d, rule, g, "conflicts", BUMP_CONFLICT,
		    (double)g->conflicts, &g->conflict, b.p)) < 0)
			goto out;
		sl_buf_reset(&b);
	}
	if (g->reversals > explained) {
		if (sl_buf_printf(&b, "time goes back %llu time%s from one "
		    "of the log's %llu record%s to the next, by more than "
		    "its format's tolerance", (unsigned long long)g->reversals,
		    pl(g->reversals), (unsigned long long)g->read,
		    pl(g->read)) < 0 ||
		    (explained > 0 && sl_buf_printf(&b, " (%llu may be its "
		    "duplicates)", (unsigned long long)explained) < 0) ||
		    sl_buf_addc(&b, '\0') < 0)
			goto nomem;
		if ((rc = log_emit(d, rule, g, "reversals", BUMP_REVERSAL,
		    (double)g->reversals, NULL, b.p)) < 0)
			goto out;
		sl_buf_reset(&b);
	}
	if (!damaged(g))
		goto out;
	if (g->notes != NULL &&
	    sl_notes_get(g->notes, strlen(g->notes), "unread", &why)) {
		lost = 1;
		places++;
		if (sl_buf_printf(&b, "it was not read: %s",
		    sl_str_eq(why, "encrypted") ? "an encrypted member" :
		    sl_str_eq(why, "nested") ? "an archive nested too deep" :
		    sl_str_eq(why, "compressed") ? "compressed too many "
		    "times over" : "unknown reason") < 0)
			goto nomem;
	} else if (g->sha256[0] == '\0') {
		lost = 1;
		places++;
		if (sl_buf_printf(&b, "its reading did not finish") < 0)
			goto nomem;
	}
	if (note(g, "truncated", &v)) {
		lost = 1;
		places++;
		if (sl_buf_printf(&b, "%sits data stops at byte %llu: what "
		    "followed is lost", b.n ? "; " : "",
		    (unsigned long long)v) < 0)
			goto nomem;
	}
	if (note(g, "corrupt", &v)) {
		uint64_t bytes;

		lost = 1;
		places += v;
		if (sl_buf_printf(&b, "%sdata lost at %llu place%s",
		    b.n ? "; " : "", (unsigned long long)v, v == 1 ? "" :
		    "s") < 0 || (note(g, "lost", &bytes) &&
		    sl_buf_printf(&b, " (%llu compressed bytes)",
		    (unsigned long long)bytes) < 0))
			goto nomem;
	} else if (note(g, "lost", &v)) {
		lost = 1;
		places++;
		if (sl_buf_printf(&b, "%s%llu compressed bytes lost",
		    b.n ? "; " : "", (unsigned long long)v) < 0)
			goto nomem;
	}
	if (note(g, "badcheck", &v)) {
		places++;
		if (sl_buf_printf(&b, "%sits data failed its archive's check "
		    "(CRC or size): damaged, every byte kept", b.n ? "; " :
		    "") < 0)
			goto nomem;
	}
	if (note(g, "repaired", &v)) {
		places += v;
		if (sl_buf_printf(&b, "%smalformed JSON read as its writer "
		    "meant it at %llu place%s", b.n ? "; " : "",
		    (unsigned long long)v, v == 1 ? "" : "s") < 0)
			goto nomem;
	}
	if (g->rejected > 0) {
		places += g->rejected;
		if (sl_buf_printf(&b, "%s%llu of its %llu record%s rejected",
		    b.n ? "; " : "", (unsigned long long)g->rejected,
		    (unsigned long long)g->read, pl(g->read)) < 0 || (g->reason != NULL &&
		    sl_buf_printf(&b, " (the first: %s)", g->reason) < 0))
			goto nomem;
	}
	if (sl_buf_addc(&b, '\0') < 0)
		goto nomem;
	rc = log_emit(d, rule, g, "damage", lost ? BUMP_LOST : BUMP_DAMAGE,
	    (double)places, &g->damage, b.p);
out:
	sl_buf_release(&b);
	return rc;
nomem:
	sl_buf_release(&b);
	return -ENOMEM;
}

/* The case's logs (all: every row) with their rejects and conflicts. */
static int
read_logs(struct sl_detect *d, struct sl_case *c, struct ilogs *l, int all)
{
	size_t i;
	int rc, rejects = 0, conflicts = 0;

	if ((rc = read_manifest(d, c, l, all)) < 0)
		return rc;
	for (i = 0; i < l->n; i++) {
		rejects |= l->v[i].rejected > 0;
		conflicts |= l->v[i].conflicts > 0;
	}
	if ((rejects && (rc = read_rejects(c, l)) < 0) ||
	    (conflicts && (rc = read_conflicts(c, l)) < 0))
		return rc;
	return 0;
}

/* ---- shards -------------------------------------------------------------- */

/* A string as one word of a baseline: "-" for none or empty. */
static int
put_str(struct sl_buf *b, const char *p)
{
	if (p == NULL || *p == '\0')
		return sl_buf_printf(b, " -") < 0 ? -ENOMEM : 0;
	return det_buf_hex(b, p, strlen(p));
}

/* put_str's word read back: *out malloc'd and NUL-terminated, NULL for
 * "-"; a NUL inside is malformed. */
static int
get_str(struct det_rd *r, char **out)
{
	const char *at = r->p, *w;
	char *v;
	size_t n;

	*out = NULL;
	w = det_rd_word(r, &n);
	if (n == 1 && w[0] == '-')
		return 0;
	r->p = at;
	if (det_rd_hex(r, &v, &n) < 0)
		return -ENOMEM;
	if (v == NULL)
		return 0;
	if (memchr(v, '\0', n) != NULL) {
		r->bad = 1;
		free(v);
		return 0;
	}
	if ((*out = realloc(v, n + 1)) == NULL) {
		free(v);
		return -ENOMEM;
	}
	(*out)[n] = '\0';
	return 0;
}

/* A peer: its days, with the origins of each day's first and last
 * event, for the coverage of the whole run. */
static int
i_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	const struct istate *s = st;
	size_t i;

	(void)d;
	(void)rule;
	(void)u;
	if (sl_buf_printf(b, " %zu", s->n) < 0)
		return -ENOMEM;
	for (i = 0; i < s->n; i++)
		if (sl_buf_printf(b, " %lld %lld %lld", (long long)s->v[i].day,
		    (long long)s->v[i].first, (long long)s->v[i].last) < 0 ||
		    put_str(b, s->v[i].fo) < 0 || put_str(b, s->v[i].lo) < 0)
			return -ENOMEM;
	return 0;
}

static int
i_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	struct istate *s = st;
	size_t i, n = det_rd_count(r, 5);

	(void)d;
	(void)rule;
	(void)u;
	if (r->bad || n == 0)
		return 0;
	if ((s->v = calloc(n, sizeof(*s->v))) == NULL)
		return -ENOMEM;
	s->cap = n;
	for (i = 0; i < n && !r->bad; i++) {
		struct iday *x = &s->v[s->n++];

		x->day = det_rd_int(r);
		x->first = det_rd_int(r);
		x->last = det_rd_int(r);
		if (get_str(r, &x->fo) < 0 || get_str(r, &x->lo) < 0)
			return -ENOMEM;
		/* iday_find searches them. */
		if (i > 0 && x->day <= x[-1].day)
			r->bad = 1;
	}
	return 0;
}

/*
 * A shard's logs for the others: every manifest row (a log's counts are
 * the sum of its rows in the shards), with the first rejects and
 * conflicts of each, one line a log:
 *   log-integrity NAME SHA256 FIRST LAST READ DUPS CONFLICTS REVERSALS
 *       REJECTED NOTES REASON DIFFERS N EVIDENCE... N EVIDENCE...
 * (strings as put_str writes them).
 */
static int
i_save_case(struct sl_detect *d, int rule, struct sl_case *c,
    struct sl_buf *b)
{
	struct ilogs l;
	size_t i, k;
	int rc;

	memset(&l, 0, sizeof(l));
	if ((rc = read_logs(d, c, &l, 1)) < 0)
		goto fail;
	rc = -ENOMEM;
	for (i = 0; i < l.n; i++) {
		const struct ilog *g = &l.v[i];

		if (sl_buf_printf(b, "%s", d->rules[rule]->name) < 0 ||
		    put_str(b, g->name) < 0 || put_str(b, g->sha256) < 0 ||
		    sl_buf_printf(b, " %lld %lld %llu %llu %llu %llu %llu",
		    (long long)g->first, (long long)g->last,
		    (unsigned long long)g->read, (unsigned long long)g->dups,
		    (unsigned long long)g->conflicts,
		    (unsigned long long)g->reversals,
		    (unsigned long long)g->rejected) < 0 ||
		    put_str(b, g->notes) < 0 || put_str(b, g->reason) < 0 ||
		    put_str(b, g->differs) < 0 ||
		    sl_buf_printf(b, " %zu", g->damage.n) < 0)
			goto fail;
		for (k = 0; k < g->damage.n; k++)
			if (put_str(b, g->damage.v[k]) < 0)
				goto fail;
		if (sl_buf_printf(b, " %zu", g->conflict.n) < 0)
			goto fail;
		for (k = 0; k < g->conflict.n; k++)
			if (put_str(b, g->conflict.v[k]) < 0)
				goto fail;
		if (sl_buf_addc(b, '\n') < 0)
			goto fail;
	}
	ilogs_release(&l);
	return 0;
fail:
	if (rc != -ENOMEM)
		snprintf(d->err, sizeof(d->err), "log-integrity: %s",
		    sl_case_error(c));
	ilogs_release(&l);
	return rc;
}

/* Evidence read from a line, added to e (as many as it keeps). */
static int
load_evid(struct det_rd *r, struct det_evid *e)
{
	size_t i, n = det_rd_count(r, 1);
	char *v;
	int rc;

	for (i = 0; i < n && !r->bad; i++) {
		if (get_str(r, &v) < 0)
			return -ENOMEM;
		if (v == NULL) {
			r->bad = 1;
			return 0;
		}
		rc = evid_push(e, "%s", v);
		free(v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* One log line of a shard (r after the rule's name) added to l: a log
 * met before (another shard's row of it) adds its counts. */
static int
load_log(struct det_rd *r, struct ilogs *l)
{
	struct ilog g, *x;
	char *name = NULL;
	ssize_t k;
	int added, rc = -ENOMEM;

	memset(&g, 0, sizeof(g));
	if (get_str(r, &name) < 0 || get_str(r, &g.sha256) < 0)
		goto out;
	g.first = det_rd_int(r);
	g.last = det_rd_int(r);
	g.read = det_rd_u64(r);
	g.dups = det_rd_u64(r);
	g.conflicts = det_rd_u64(r);
	g.reversals = det_rd_u64(r);
	g.rejected = det_rd_u64(r);
	if (get_str(r, &g.notes) < 0 || get_str(r, &g.reason) < 0 ||
	    get_str(r, &g.differs) < 0 || load_evid(r, &g.damage) < 0 ||
	    load_evid(r, &g.conflict) < 0)
		goto out;
	rc = 0;
	if (name == NULL || r->bad) {
		r->bad = 1;
		goto out;
	}
	if (g.sha256 == NULL && (g.sha256 = strdup("")) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if ((k = det_map_put(&l->names, name, strlen(name), &added)) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	if (added) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct ilog *v = realloc(l->v, cap * sizeof(*v));

			if (v == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			l->v = v;
			l->cap = cap;
		}
		g.name = name;
		name = NULL;
		l->v[l->n++] = g;
		return 0;
	}
	/* As ingest --merge adds the rows of a log's shards: the counts
	 * summed, the span widened, the rest the first row's; the
	 * evidence in the order of the shards. */
	x = &l->v[k];
	x->read += g.read;
	x->dups += g.dups;
	x->conflicts += g.conflicts;
	x->rejected += g.rejected;
	if (g.first != INT64_MIN && (x->first == INT64_MIN ||
	    g.first < x->first))
		x->first = g.first;
	if (g.last != INT64_MIN && (x->last == INT64_MIN || g.last > x->last))
		x->last = g.last;
	if (x->reason == NULL) {
		x->reason = g.reason;
		g.reason = NULL;
	}
	if (g.differs != NULL) {
		struct sl_str w = { g.differs, strlen(g.differs) };

		if (add_words(&x->differs, w) < 0) {
			rc = -ENOMEM;
			goto out;
		}
	}
	for (k = 0; k < (ssize_t)g.damage.n; k++)
		if ((rc = evid_push(&x->damage, "%s", g.damage.v[k])) < 0)
			goto out;
	for (k = 0; k < (ssize_t)g.conflict.n; k++)
		if ((rc = evid_push(&x->conflict, "%s", g.conflict.v[k])) < 0)
			goto out;
out:
	free(name);
	free(g.sha256);
	free(g.notes);
	free(g.reason);
	free(g.differs);
	det_evid_release(&g.damage);
	det_evid_release(&g.conflict);
	return rc;
}

/* The logs of every shard's lines (sl_detect_add_case_peer), merged, and
 * those the rule judges kept. */
static int
peer_logs(struct sl_detect *d, int rule, struct ilogs *l)
{
	const char *name = d->rules[rule]->name;
	size_t i, k, nn = strlen(name);
	int rc;

	for (i = 0; i < d->ncase_lines; i++) {
		struct det_rd r = { d->case_lines[i], d->case_lines[i] +
		    d->case_len[i], 0 };
		const char *w;
		size_t n;

		w = det_rd_word(&r, &n);
		if (n != nn || memcmp(w, name, n) != 0)
			continue;
		if ((rc = load_log(&r, l)) < 0)
			return rc;
		det_rd_word(&r, &n);
		if (r.bad || n != 0) {
			snprintf(d->err, sizeof(d->err), "a malformed "
			    "baseline of %s", name);
			return -EINVAL;
		}
	}
	for (i = k = 0; i < l->n; i++) {
		struct ilog *g = &l->v[i];

		if ((g->dups == 0 && g->reversals == 0 && !damaged(g)) ||
		    !log_judged(d, g->first, g->last)) {
			free(g->name);
			free(g->sha256);
			free(g->notes);
			free(g->reason);
			free(g->differs);
			det_evid_release(&g->damage);
			det_evid_release(&g->conflict);
			continue;
		}
		l->v[k++] = *g;
	}
	l->n = k;
	/* The names no longer index v; nothing looks them up now. */
	det_map_release(&l->names);
	return 0;
}

/* A line of i_save_case's read back, and nothing after it. */
static int
i_check_case(struct det_rd *r)
{
	struct ilogs l;
	size_t n;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = load_log(r, &l);
	ilogs_release(&l);
	if (rc < 0)
		return rc;
	det_rd_word(r, &n);
	return r->bad || n != 0 ? -EINVAL : 0;
}

static int
i_run_case(struct sl_detect *d, int rule, struct sl_case *c)
{
	struct ilogs l;
	size_t i;
	int rc;

	memset(&l, 0, sizeof(l));
	/* Judged against other shards: the logs are all shards' rows. */
	if (d->case_peers)
		rc = peer_logs(d, rule, &l);
	else
		rc = read_logs(d, c, &l, 0);
	if (rc < 0)
		goto fail;
	for (i = 0; i < l.n; i++)
		if ((rc = log_alerts(d, rule, &l.v[i])) < 0)
			goto fail;
	ilogs_release(&l);
	return 0;
fail:
	if (rc != -ENOMEM && !d->case_peers)
		snprintf(d->err, sizeof(d->err), "log-integrity: %s",
		    sl_case_error(c));
	ilogs_release(&l);
	return rc;
}

const struct det_rule det_rule_integrity = {
	.name = "log-integrity",
	.level = SL_LEVEL_MEDIUM,
	.params = params,
	.size = sizeof(struct istate),
	.add = i_add,
	.end = i_end,
	.run = i_run,
	.run_case = i_run_case,
	.release = i_release,
	.save = i_save,
	.load = i_load,
	.save_case = i_save_case,
	.check_case = i_check_case,
};
