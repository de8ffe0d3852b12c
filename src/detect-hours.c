/*
 * detect-hours.c: rule "off-hours": activity outside the hours the user
 * and their group usually work, or outside a fixed working-hours policy
 * (sessionlog(7)).
 *
 * Usual hours are learned from the user's baseline days (sl_usual_hours,
 * the definition summarize's report uses too) and the group's: a night
 * unit working nights is routine for its members, while someone who only
 * ever works days and exports at 02:00 is not.  One alert per stretch of
 * activity outside the usual hours, not per event.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

/* Origins kept per segment: a stretch collects them from its segments
 * (up to DET_EVID_MAX); a segment needs no more than its first few. */
#define SEG_EVID 2
#define NHOURS SL_USAGE_HOURS

/* A run of own judged events of one session in one local hour. */
struct hseg {
	int64_t start, end;
	int64_t day;
	uint64_t sess;			/* hash of the session's name */
	uint32_t events, acts, data, exports;
	unsigned char hour, wday;
	unsigned char min0, min1;	/* minutes of its first and last */
	unsigned char out;		/* outside the usual hours */
	unsigned char grp;		/* usual for the group */
	unsigned char ever;		/* the group works at its hour */
	unsigned char has;		/* the user had usual hours */
	unsigned char uwd;		/* the usual weekdays and hours then */
	uint32_t uhr;
	int dist;			/* minutes from the usual hours */
	int late;			/* hours since the usual end */
	double share;			/* of own baseline events in its hour of
					 * the week */
	struct det_evid ev;
};

struct hstate {
	struct hseg *s;
	size_t n, cap;
	/* Baseline figures over every candidate baseline day. */
	struct sl_usual_days tot;
	uint64_t bin[NHOURS];		/* own events by hour of week */
	uint64_t events;
	/* For the judged day being worked on. */
	unsigned char usual[NHOURS];
	int has;			/* has usual hours */
	size_t next;			/* first segment not yet judged */
};

static const struct det_param params[] = {
	{ "min-days", 2, DET_COUNT },		/* days active in an hour: usual */
	{ "min-share", 0.1, DET_SHARE },		/* ... and this share of active days */
	{ "margin", 2 },		/* hours around the usual ones */
	{ "weekday-share", 0.25, DET_SHARE },	/* of a weekday's days: usual day */
	{ "near-hours", 2 },		/* beyond the margin: low */
	{ "far-hours", 4 },		/* past the usual end: night */
	{ "group-share", 0.25, DET_SHARE },	/* of the group: usual for it */
	{ "max-pause", 60 },		/* minutes within one stretch */
	{ NULL, 0 },
};

static const char *const wday_name[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

static int
wday_of(int64_t day)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(((day % 7) + 7 + 4) % 7);
}

/* Is local minute m of weekday w inside the fixed policy?  Hours across
 * midnight belong to the day their shift starts on; from == to is the
 * whole day. */
static int
policy_in(const struct sl_detect *d, int w, int m)
{
	int from = d->opts.work_from, to = d->opts.work_to;
	unsigned days = d->opts.workdays;

	if (from == to)
		return (days >> w) & 1;
	if (from < to)
		return ((days >> w) & 1) && m >= from && m < to;
	return (((days >> w) & 1) && m >= from) ||
	    (((days >> ((w + 6) % 7)) & 1) && m < to);
}

/* Minutes from local minute m of weekday w to the nearest minute inside
 * the policy (0 inside; a week and a day when it has none). */
static int
policy_dist(const struct sl_detect *d, int w, int m)
{
	int k, t;

	for (k = 0; k <= 8 * 1440; k++) {
		t = m + k;
		if (policy_in(d, (w + t / 1440) % 7, t % 1440))
			return k;
		t = m - k;
		if (t < 0 && policy_in(d, (w + 7 * 9 + (t - 1439) / 1440) % 7,
		    ((t % 1440) + 1440) % 1440))
			return k;
		if (t >= 0 && policy_in(d, w, t))
			return k;
	}
	return 8 * 1440;
}

static int
policy(const struct sl_detect *d)
{
	return d->opts.work_from >= 0;
}

static int
h_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct hstate *hs = arg;
	const struct sl_event *ev = st->ev;
	struct hseg *s;
	struct sl_civil c;
	uint64_t sess;
	int64_t day;
	int out = 0;

	(void)u;
	if (!st->in_range || (ev->flags & SL_EV_BACKEND) ||
	    !det_judged(d, ev->time))
		return 0;
	sl_time_civil(ev->time, d->opts.tz, &c);
	day = sl_days_from_civil(c.year, c.month, c.day);
	if (policy(d))
		out = !policy_in(d, c.wday, c.hour * 60 + c.min);
	sess = sl_hash64(st->session.p, st->session.n);
	s = hs->n > 0 ? &hs->s[hs->n - 1] : NULL;
	if (s == NULL || s->sess != sess || s->day != day ||
	    s->hour != c.hour || s->out != out) {
		if (hs->n == hs->cap) {
			size_t cap = hs->cap ? hs->cap * 2 : 32;
			struct hseg *v = realloc(hs->s, cap * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			hs->s = v;
			hs->cap = cap;
		}
		s = &hs->s[hs->n++];
		memset(s, 0, sizeof(*s));
		s->start = ev->time;
		s->day = day;
		s->sess = sess;
		s->hour = (unsigned char)c.hour;
		s->wday = (unsigned char)c.wday;
		s->out = (unsigned char)out;
		s->min0 = (unsigned char)c.min;
	}
	s->end = ev->time;
	s->min1 = (unsigned char)c.min;
	s->events++;
	if (ev->action != SL_ACT_LOGIN && ev->action != SL_ACT_LOGOUT)
		s->acts++;
	if (ev->action == SL_ACT_VIEW || ev->action == SL_ACT_EXPORT ||
	    ev->action == SL_ACT_SHARE)
		s->data++;
	if (ev->action == SL_ACT_EXPORT && ev->outcome != SL_OUT_FAILURE &&
	    ev->outcome != SL_OUT_DENIED)
		s->exports++;
	if (s->ev.n < SEG_EVID)
		return det_evid_add(&s->ev, ev, st->session);
	s->ev.events++;
	return 0;
}

static void
h_release(void *arg)
{
	struct hstate *hs = arg;
	size_t i;

	for (i = 0; i < hs->n; i++)
		det_evid_release(&hs->s[i].ev);
	free(hs->s);
}

/* Add (sign 1) or take away (-1) one day's figures. */
static void
count_day(struct hstate *hs, const struct det_day *dy, int sign)
{
	int h, w = wday_of(dy->day);

	hs->tot.days += (uint64_t)sign;
	hs->tot.wday_active[w] += (uint64_t)sign;
	for (h = 0; h < 24; h++) {
		if (dy->hours[h] == 0)
			continue;
		hs->tot.hour_days[h] += (uint64_t)sign;
		hs->bin[w * 24 + h] += (uint64_t)(int64_t)sign * dy->hours[h];
		hs->events += (uint64_t)(int64_t)sign * dy->hours[h];
	}
}

/* The user's usual hours for judged day jd (leave one day out: the
 * totals without jd), with the period's calendar days wdays. */
static void
usual_for(const struct det_user *u, struct hstate *hs, int64_t jd,
    int loo, const uint64_t wdays[7], const struct sl_usual_settings *set)
{
	const struct det_day *dy = loo ? det_user_day(u, jd) : NULL;

	if (dy != NULL)
		count_day(hs, dy, -1);
	memcpy(hs->tot.wday_days, wdays, sizeof(hs->tot.wday_days));
	hs->has = sl_usual_hours(&hs->tot, set, hs->usual) > 0;
	if (dy != NULL)
		count_day(hs, dy, 1);
}

/* Circular distance in minutes from hour h to the nearest hour of day
 * with a usual hour of the week in mask (any weekday); -1 if none. */
static int
hour_dist(const unsigned char *mask, int h)
{
	int k, w;

	for (k = 0; k <= 12; k++)
		for (w = 0; w < 7; w++)
			if (mask[w * 24 + (h + k) % 24] ||
			    mask[w * 24 + (h - k + 24) % 24])
				return k * 60;
	return -1;
}

/* Hours from the last usual hour of the day (of any weekday) before hour
 * h, going back: how late into the user's night h is.  An early start,
 * an hour before the usual first, is far into it: the near margin
 * covers that. */
static int
hour_late(const unsigned char *mask, int h)
{
	int k, w;

	for (k = 1; k < 24; k++)
		for (w = 0; w < 7; w++)
			if (mask[w * 24 + (h - k + 24) % 24])
				return k;
	return 24;
}

/* The weekdays and hours of day with a usual hour in mask, as bits. */
static void
mask_bits(const unsigned char *mask, unsigned char *wd, uint32_t *hr)
{
	int w, h;

	*wd = 0;
	*hr = 0;
	for (w = 0; w < 7; w++)
		for (h = 0; h < 24; h++)
			if (mask[w * 24 + h]) {
				*wd |= (unsigned char)(1u << w);
				*hr |= UINT32_C(1) << h;
			}
}

/* What judging a day needs of the whole run. */
struct hrun {
	struct sl_usual_settings set;
	uint64_t *gcnt;			/* [group][hour of week]: members
					 * with it usual */
	uint64_t *gbase;		/* [group]: members with usual hours */
	uint16_t *cover;		/* [group][day - first][hour]: members
					 * active (baseline days) */
	int64_t first, ndays;		/* the case's local days */
};

/*
 * Did the group (without u) work at hour h of weekday w on at least
 * weekday-share of the baseline's days of that weekday (for judged day
 * jd)?  A rota: weekend duty at day hours is the group's routine, though
 * each member has it only now and then.
 */
static int
covered(const struct sl_detect *d, const struct hrun *r,
    const struct det_user *u, int64_t jd, int w, int h, double share)
{
	int64_t x;
	uint64_t days = 0, hit = 0;

	if (r->cover == NULL)
		return 0;
	for (x = r->first; x < r->first + r->ndays; x++) {
		const struct det_day *dy;
		unsigned c;

		if (wday_of(x) != w || !det_is_baseline(d, d->loo ? jd :
		    d->since_day, x))
			continue;
		days++;
		c = r->cover[((size_t)u->group * (size_t)r->ndays +
		    (size_t)(x - r->first)) * 24 + (size_t)h];
		if (c > 0 && (dy = det_user_day(u, x)) != NULL &&
		    dy->hours[h] > 0)
			c--;
		hit += c > 0;
	}
	return days > 0 && (double)hit >= share * (double)days;
}

/* Did the group (without u) ever work at hour h: on at least min-days
 * of its members' baseline days (for judged day jd)? */
static int
ever(const struct sl_detect *d, const struct hrun *r,
    const struct det_user *u, int64_t jd, int h)
{
	int64_t x;
	uint64_t n = 0;

	if (r->cover == NULL)
		return 0;
	for (x = r->first; x < r->first + r->ndays; x++) {
		const struct det_day *dy;
		unsigned c;

		if (!det_is_baseline(d, d->loo ? jd : d->since_day, x))
			continue;
		c = r->cover[((size_t)u->group * (size_t)r->ndays +
		    (size_t)(x - r->first)) * 24 + (size_t)h];
		if (c > 0 && (dy = det_user_day(u, x)) != NULL &&
		    dy->hours[h] > 0)
			c--;
		n += c;
	}
	return n > 0 && (double)n >= r->set.min_days;
}

/* Judge the segments of day jd of every user. */
static void
judge_day(struct sl_detect *d, int rule, int64_t jd, struct hrun *r,
    const uint64_t wdays[7])
{
	double gshare = det_param(d, rule, "group-share");
	const struct sl_usual_settings *set = &r->set;
	uint64_t *gcnt = r->gcnt, *gbase = r->gbase;
	size_t ui, g, b;
	unsigned char gmask[NHOURS];

	memset(gcnt, 0, d->groups.n * NHOURS * sizeof(*gcnt));
	memset(gbase, 0, d->groups.n * sizeof(*gbase));
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct hstate *hs = u->state[rule];

		usual_for(u, hs, jd, d->loo, wdays, set);
		if (!hs->has)
			continue;
		gbase[u->group]++;
		for (b = 0; b < NHOURS; b++)
			gcnt[u->group * NHOURS + b] += hs->usual[b];
	}
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct hstate *hs = u->state[rule];
		uint64_t others;
		int gany = 0;

		g = u->group;
		others = gbase[g] - (hs->has ? 1 : 0);
		/* The group's usual hours: usual for at least group-share
		 * of its other members with usual hours of their own. */
		for (b = 0; b < NHOURS; b++) {
			uint64_t c = gcnt[g * NHOURS + b] -
			    (hs->has ? hs->usual[b] : 0);

			gmask[b] = others > 0 && (double)c >= gshare *
			    (double)others && c > 0;
			gany |= gmask[b];
		}
		for (; hs->next < hs->n && hs->s[hs->next].day <= jd;
		    hs->next++) {
			struct hseg *s = &hs->s[hs->next];
			int bin = s->wday * 24 + s->hour, dist;

			if (s->day != jd)
				continue;
			{
				/* The user's baseline share of this hour of
				 * the week (without the judged day). */
				const struct det_day *dy = d->loo ?
				    det_user_day(u, jd) : NULL;
				uint64_t ev = hs->events - (dy ? dy->events : 0);
				uint64_t in = hs->bin[bin] - (dy != NULL &&
				    wday_of(jd) == s->wday ?
				    dy->hours[s->hour] : 0);

				s->share = ev > 0 ? (double)in / (double)ev : 0;
			}
			if (policy(d)) {
				if (s->out) {
					int d0 = policy_dist(d, s->wday,
					    s->hour * 60 + s->min0);
					int d1 = policy_dist(d, s->wday,
					    s->hour * 60 + s->min1);

					s->dist = d0 > d1 ? d0 : d1;
				}
				continue;
			}
			s->grp = gmask[bin];
			s->has = (unsigned char)hs->has;
			mask_bits(hs->has ? hs->usual : gmask, &s->uwd,
			    &s->uhr);
			if (hs->has) {
				if (hs->usual[bin])
					continue;
				dist = hour_dist(hs->usual, s->hour);
				s->late = hour_late(hs->usual, s->hour);
				if (dist == 0 && !s->grp)
					s->grp = (unsigned char)covered(d, r, u,
					    jd, s->wday, s->hour,
					    set->weekday_share);
			} else {
				/* No usual hours of their own (new, or too
				 * few days): the group's hours judge. */
				if (!gany || s->grp)
					continue;
				dist = hour_dist(gmask, s->hour);
				s->late = hour_late(gmask, s->hour);
			}
			s->out = 1;
			s->dist = dist < 0 ? 12 * 60 : dist;
			s->ever = (unsigned char)(s->grp ||
			    ever(d, r, u, jd, s->hour));
		}
	}
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/* Weekdays of the set (bit wday) as runs, Monday first: "Mon-Fri". */
static size_t
put_wdays(unsigned set, char *buf, size_t size)
{
	size_t n = 0;
	int i, w, len;

	buf[0] = '\0';
	for (i = 0; i < 7; i++) {
		w = (i + 1) % 7;
		if (!((set >> w) & 1) || (i > 0 && ((set >> (w + 6) % 7) & 1)))
			continue;
		for (len = 1; len < 7 - i && ((set >> (w + len) % 7) & 1);
		    len++)
			;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
		    "%s%s", n ? "," : "", wday_name[w]);
		if (len > 1)
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
			    "-%s", wday_name[(w + len - 1) % 7]);
	}
	return n < size ? n : size - 1;
}

/* "Mon-Fri 06:00-18:00" for usual weekdays wd and hours hr (bits). */
static void
describe(unsigned wd, uint32_t hr, char *buf, size_t size)
{
	size_t n;
	int start, len, runs = 0;

	if (wd == 0 || hr == 0) {
		snprintf(buf, size, "none");
		return;
	}
	n = put_wdays(wd, buf, size);
	if (hr == 0xffffff) {
		snprintf(buf + n, size - n, " all day");
		return;
	}
	/* Hours as runs round the clock. */
	for (start = 0; start < 24; start++) {
		if (!((hr >> start) & 1) || ((hr >> (start + 23) % 24) & 1))
			continue;
		for (len = 1; len < 24 && ((hr >> (start + len) % 24) & 1);
		    len++)
			;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
		    "%s%02d:00-%02d:00", runs++ ? "," : " ", start,
		    (start + len) % 24);
	}
}

/* "Thu 02:13" local. */
static void
clock_of(const struct sl_detect *d, int64_t t, char *buf, size_t size)
{
	struct sl_civil c;

	sl_time_civil(t, d->opts.tz, &c);
	snprintf(buf, size, "%s %02d:%02d", wday_name[c.wday], c.hour, c.min);
}

/* Raise the alert of the stretch of segments [a, b), if it is one. */
static int
emit(struct sl_detect *d, int rule, struct det_user *u, struct hstate *hs,
    size_t a, size_t b)
{
	double near = det_param(d, rule, "near-hours") * 60;
	double farh = det_param(d, rule, "far-hours");
	uint64_t events = 0, data = 0, exports = 0;
	int far = 0, grp = 1, allgrp = 1, grpever = 1, dist = 0, late = 0;
	int bump;
	uint64_t acts = 0;
	double share = 0;
	struct det_evid ev;
	char from[32], to[32], how[128], where[192];
	size_t i, k, n;
	int rc = 0;

	for (i = a; i < b; i++) {
		struct hseg *s = &hs->s[i];

		events += s->events;
		acts += s->acts;
		data += s->data;
		exports += s->exports;
		if (s->dist > dist)
			dist = s->dist;
		allgrp &= s->grp;
		if (s->dist > near) {
			far = 1;
			if (s->late > late)
				late = s->late;
			grp &= s->grp;
			grpever &= s->ever;
		}
		/* Each hour of the week once. */
		for (k = a; k < i; k++)
			if (hs->s[k].wday == s->wday &&
			    hs->s[k].hour == s->hour)
				break;
		if (k == i)
			share += s->share;
	}
	/* A login or logout alone did nothing. */
	if (acts == 0)
		return 0;
	if (policy(d)) {
		/* A fixed policy knows nothing of the user's routine: how
		 * far outside, and whether data left. */
		bump = (far ? 0 : -1) + (exports > 0 ? 1 : 0);
	} else if (!far) {
		/* Just outside the user's hours: low; where the group
		 * works too, nothing to tell. */
		if (allgrp)
			return 0;
		bump = -1;
	} else if (grp)
		/* The group's routine, far from the user's own. */
		bump = -1;
	else
		/* High only at hours the group never works, with data
		 * accessed, and far-hours past the user's usual end: a
		 * night, not a late evening (which is overtime).  A night
		 * unit in the same group makes nights something the group
		 * does. */
		bump = data > 0 && !grpever && late >= farh ? 1 : 0;
	memset(&ev, 0, sizeof(ev));
	for (i = a; i < b; i++)
		if ((rc = det_evid_merge(&ev, &hs->s[i].ev)) < 0)
			goto out;
	clock_of(d, hs->s[a].start, from, sizeof(from));
	clock_of(d, hs->s[b - 1].end, to, sizeof(to));
	if (policy(d)) {
		n = put_wdays(d->opts.workdays, how, sizeof(how));
		snprintf(how + n, sizeof(how) - n, " %02d:%02d-%02d:%02d",
		    d->opts.work_from / 60, d->opts.work_from % 60,
		    d->opts.work_to / 60 % 24, d->opts.work_to % 60);
		snprintf(where, sizeof(where), "%d h %02d min outside working "
		    "hours (%s)", dist / 60, dist % 60, how);
	} else {
		describe(hs->s[a].uwd, hs->s[a].uhr, how, sizeof(how));
		if (dist == 0)
			snprintf(where, sizeof(where), "on a day outside own "
			    "usual hours (%s)", how);
		else
			snprintf(where, sizeof(where), "%d h from %s usual "
			    "hours (%s)", dist / 60, hs->s[a].has ? "own" :
			    "the group's (none of own)", how);
	}
	rc = det_emit(d, rule, u, bump, hs->s[a].start, hs->s[b - 1].end,
	    (double)events, share, 1, &ev, "%llu event%s %s-%s, %s; %.1f%% of "
	    "own baseline events at these hours%s; %llu data accesses, "
	    "%llu exports", (unsigned long long)events, events == 1 ? "" :
	    "s", from, to, where,
	    share * 100, policy(d) ? "" : (far ? grp : allgrp) ?
	    "; usual for the group" : far && grpever ?
	    "; the group works then at times" :
	    "; not usual for the group", (unsigned long long)data,
	    (unsigned long long)exports);
out:
	det_evid_release(&ev);
	return rc;
}

static int
h_run(struct sl_detect *d, int rule)
{
	struct hrun r;
	int64_t cfirst = INT64_MAX, clast = INT64_MIN, *days = NULL, x;
	uint64_t wdays[7];
	int64_t pause = (int64_t)(det_param(d, rule, "max-pause") *
	    (double)DET_US_PER_MIN);
	size_t ndays = 0, cap = 0, ui, i, k;
	int rc = -ENOMEM;

	memset(&r, 0, sizeof(r));
	r.set.min_days = det_param(d, rule, "min-days");
	r.set.min_share = det_param(d, rule, "min-share");
	r.set.margin = det_param(d, rule, "margin");
	r.set.weekday_share = det_param(d, rule, "weekday-share");
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];

		if (u->ndays == 0)
			continue;
		if (u->days[0].day < cfirst)
			cfirst = u->days[0].day;
		if (u->days[u->ndays - 1].day > clast)
			clast = u->days[u->ndays - 1].day;
	}
	if (cfirst > clast)
		return 0;
	/* The baseline period's calendar days, by weekday: the case's span
	 * (less the judged day), or the baseline before --since as far as
	 * the case holds it. */
	memset(wdays, 0, sizeof(wdays));
	for (x = cfirst; x <= clast; x++)
		if (det_is_baseline(d, d->loo ? INT64_MIN : d->since_day, x))
			wdays[wday_of(x)]++;
	/* Every user's baseline figures, and the judged days. */
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct hstate *hs = u->state[rule];

		for (i = 0; i < u->ndays; i++)
			if (det_is_baseline(d, d->loo ? INT64_MIN :
			    d->since_day, u->days[i].day))
				count_day(hs, &u->days[i], 1);
		for (i = 0; i < hs->n; i++) {
			if (ndays > 0 && days[ndays - 1] == hs->s[i].day)
				continue;
			if (ndays == cap) {
				size_t c = cap ? cap * 2 : 64;
				int64_t *v = realloc(days, c * sizeof(*v));

				if (v == NULL)
					goto out;
				days = v;
				cap = c;
			}
			days[ndays++] = hs->s[i].day;
		}
	}
	if (ndays > 1)
		qsort(days, ndays, sizeof(*days), cmp_i64);
	if ((r.gcnt = calloc(d->groups.n * NHOURS, sizeof(*r.gcnt))) ==
	    NULL || (r.gbase = calloc(d->groups.n, sizeof(*r.gbase))) == NULL)
		goto out;
	/* The groups' members active by day and hour, for rotas. */
	r.first = cfirst;
	r.ndays = clast - cfirst + 1;
	/* A bound on it (48 MB): past it, years of many groups, rotas and
	 * the group's occasional hours go unknown (the stricter levels). */
	if (d->groups.n * (size_t)r.ndays <= (size_t)1 << 20 &&
	    (r.cover = calloc(d->groups.n * (size_t)r.ndays * 24,
	    sizeof(*r.cover))) == NULL)
		goto out;
	for (ui = 0; r.cover != NULL && ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		int h;

		for (i = 0; i < u->ndays; i++)
			for (h = 0; h < 24; h++)
				if (u->days[i].hours[h] > 0) {
					uint16_t *c = &r.cover[((size_t)u->group *
					    (size_t)r.ndays + (size_t)(u->days[i].day -
					    cfirst)) * 24 + (size_t)h];

					if (*c < UINT16_MAX)
						(*c)++;
				}
	}
	for (i = 0; i < ndays; i++) {
		uint64_t wd[7];

		if (i > 0 && days[i] == days[i - 1])
			continue;
		memcpy(wd, wdays, sizeof(wd));
		if (d->loo && wd[wday_of(days[i])] > 0)
			wd[wday_of(days[i])]--;
		judge_day(d, rule, days[i], &r, wd);
	}
	/* Stretches: outside segments one after the other, with no own
	 * event inside the usual hours between and no long pause. */
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct hstate *hs = u->state[rule];

		for (i = 0; i < hs->n; i = k) {
			if (!hs->s[i].out) {
				k = i + 1;
				continue;
			}
			for (k = i + 1; k < hs->n && hs->s[k].out &&
			    hs->s[k].start - hs->s[k - 1].end <= pause; k++)
				;
			if ((rc = emit(d, rule, u, hs, i, k)) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(days);
	free(r.gcnt);
	free(r.gbase);
	free(r.cover);
	return rc;
}

/* A peer: its days and their hours, which every run keeps (struct
 * det_day), are all the group's usual hours and rotas are made of; its
 * own segments are judged in its shard. */
static int
h_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	(void)d;
	(void)rule;
	(void)u;
	(void)st;
	(void)b;
	return 0;
}

static int
h_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	(void)d;
	(void)rule;
	(void)u;
	(void)st;
	(void)r;
	return 0;
}

const struct det_rule det_rule_hours = {
	.name = "off-hours",
	.level = SL_LEVEL_MEDIUM,
	.params = params,
	.size = sizeof(struct hstate),
	.add = h_add,
	.run = h_run,
	.release = h_release,
	.save = h_save,
	.load = h_load,
};
