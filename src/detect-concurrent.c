/*
 * detect-concurrent.c: rule "concurrent-sessions": one user in two
 * sessions at once from different source addresses (sessionlog(7)).
 *
 * A shared or stolen account shows as two sessions whose spans overlap
 * while their addresses differ.  Someone who routinely works from two
 * places at once (a desk and a vehicle terminal), or whose whole group
 * does, is not alerted at the same level as someone for whom it is new.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

#define SRC_MAX 4

struct csess {
	int64_t start, end;		/* own events in range */
	char *src[SRC_MAX];
	size_t nsrc;
	struct det_evid ev;
};

struct cstate {
	struct det_map names;		/* session name -> index */
	struct csess *s;
	size_t n, cap;
	/* Overlaps found by run: days with one (for the baselines). */
	int64_t *days;
	size_t ndays;
};

static const struct det_param params[] = {
	{ "min-overlap", 300, DET_SECONDS },	/* both sessions run */
	{ "routine-share", 0.2, DET_SHARE },	/* of baseline days */
	{ NULL, 0 },
};

static int
c_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct cstate *cs = arg;
	const struct sl_event *ev = st->ev;
	struct csess *s;
	ssize_t k;
	size_t i;
	int added;

	(void)d;
	(void)u;
	if (!st->in_range || (ev->flags & SL_EV_BACKEND))
		return 0;
	if ((k = det_map_put(&cs->names, st->session.p, st->session.n,
	    &added)) < 0)
		return -ENOMEM;
	if (added) {
		if (cs->n == cs->cap) {
			size_t cap = cs->cap ? cs->cap * 2 : 16;
			struct csess *v = realloc(cs->s, cap * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			cs->s = v;
			cs->cap = cap;
		}
		s = &cs->s[cs->n++];
		memset(s, 0, sizeof(*s));
		s->start = ev->time;
	}
	s = &cs->s[k];
	s->end = ev->time;
	if (ev->src.n > 0) {
		for (i = 0; i < s->nsrc; i++)
			if (strlen(s->src[i]) == ev->src.n &&
			    memcmp(s->src[i], ev->src.p, ev->src.n) == 0)
				break;
		if (i == s->nsrc && s->nsrc < SRC_MAX) {
			if ((s->src[i] = sl_strndup(ev->src.p,
			    ev->src.n)) == NULL)
				return -ENOMEM;
			s->nsrc++;
		}
	}
	return det_evid_add(&s->ev, ev, st->session);
}

static void
c_release(void *arg)
{
	struct cstate *cs = arg;
	size_t i, k;

	for (i = 0; i < cs->n; i++) {
		for (k = 0; k < cs->s[i].nsrc; k++)
			free(cs->s[i].src[k]);
		det_evid_release(&cs->s[i].ev);
	}
	free(cs->s);
	free(cs->days);
	det_map_release(&cs->names);
}

/* Two sessions are from different places when neither shares an address
 * with the other; a session without any says nothing. */
static int
apart(const struct csess *a, const struct csess *b)
{
	size_t i, k;

	if (a->nsrc == 0 || b->nsrc == 0)
		return 0;
	for (i = 0; i < a->nsrc; i++)
		for (k = 0; k < b->nsrc; k++)
			if (strcmp(a->src[i], b->src[k]) == 0)
				return 0;
	return 1;
}

static int
cmp_start(const void *x, const void *y)
{
	const struct csess *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/* The overlap of sessions i < j (sorted by start) in us, 0 if none. */
static int64_t
overlap(const struct csess *a, const struct csess *b)
{
	int64_t end = a->end < b->end ? a->end : b->end;

	return end > b->start ? end - b->start : 0;
}

/* Find each user's days with an overlap. */
static int
find_days(const struct sl_detect *d, struct cstate *cs, int64_t min)
{
	size_t i, j;

	/* qsort wants an array, even of nothing: a user may have none. */
	if (cs->n > 1)
		qsort(cs->s, cs->n, sizeof(*cs->s), cmp_start);
	/* The index no longer matches the sorted array. */
	det_map_release(&cs->names);
	free(cs->days);
	cs->days = NULL;
	cs->ndays = 0;
	for (i = 0; i < cs->n; i++)
		for (j = i + 1; j < cs->n && cs->s[j].start < cs->s[i].end;
		    j++) {
			int64_t day;

			if (overlap(&cs->s[i], &cs->s[j]) < min ||
			    !apart(&cs->s[i], &cs->s[j]))
				continue;
			day = det_day(d, cs->s[j].start);
			if (cs->ndays > 0 && cs->days[cs->ndays - 1] == day)
				continue;
			{
				int64_t *v = realloc(cs->days,
				    (cs->ndays + 1) * sizeof(*v));

				if (v == NULL)
					return -ENOMEM;
				cs->days = v;
			}
			cs->days[cs->ndays++] = day;
		}
	if (cs->ndays > 1)
		qsort(cs->days, cs->ndays, sizeof(*cs->days), cmp_i64);
	return 0;
}

/* Of the user's active baseline days for a judged day, how many, and on
 * how many an overlap was found. */
static void
share(const struct sl_detect *d, const struct det_user *u,
    const struct cstate *cs, int64_t judged, size_t *active, size_t *hits)
{
	size_t i, k = 0;

	for (i = 0; i < u->ndays; i++) {
		if (!det_is_baseline(d, judged, u->days[i].day))
			continue;
		(*active)++;
		while (k < cs->ndays && cs->days[k] < u->days[i].day)
			k++;
		if (k < cs->ndays && cs->days[k] == u->days[i].day)
			(*hits)++;
	}
}

static int
c_run(struct sl_detect *d, int rule)
{
	int64_t min = (int64_t)(det_param(d, rule, "min-overlap") * 1e6);
	double routine = det_param(d, rule, "routine-share");
	size_t ui, vi, i, j;
	int rc;

	/* A peer's days came with it (c_load). */
	for (ui = 0; ui < d->nusers; ui++)
		if (!d->users[ui]->peer && (rc = find_days(d,
		    d->users[ui]->state[rule], min)) < 0)
			return rc;
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct cstate *cs = u->state[rule];

		for (i = 0; i < cs->n; i++)
			for (j = i + 1; j < cs->n &&
			    cs->s[j].start < cs->s[i].end; j++) {
				struct csess *a = &cs->s[i], *b = &cs->s[j];
				int64_t ov = overlap(a, b), day;
				size_t ua = 0, uh = 0, ga = 0, gh = 0;
				double own, grp;
				struct det_evid ev;
				int bump;

				if (ov < min || !apart(a, b) ||
				    !det_judged(d, b->start))
					continue;
				day = det_day(d, b->start);
				share(d, u, cs, day, &ua, &uh);
				for (vi = 0; vi < d->nusers; vi++)
					if (vi != ui && d->users[vi]->group ==
					    u->group)
						share(d, d->users[vi],
						    d->users[vi]->state[rule],
						    day, &ga, &gh);
				own = ua ? (double)uh / (double)ua : 0;
				grp = ga ? (double)gh / (double)ga : 0;
				/* New for the user and their group: high;
				 * done by the group now and then: the base
				 * level; the user's own routine: info. */
				if (own >= routine)
					bump = -2;
				else if (grp >= routine / 4)
					bump = 0;
				else
					bump = 1;
				if (det_evid_copy(&ev, &a->ev) < 0)
					return -ENOMEM;
				if (det_evid_merge(&ev, &b->ev) < 0 ||
				    det_emit(d, rule, u, bump, b->start,
				    a->end < b->end ? a->end : b->end,
				    (double)ov / 6e7, own, (double)min / 6e7,
				    &ev, "two sessions at once from %s and %s "
				    "for %.0f min; on %.0f%% of own baseline "
				    "days (%zu), %.0f%% of group's",
				    a->src[0], b->src[0], (double)ov / 6e7,
				    own * 100, ua, grp * 100) < 0) {
					det_evid_release(&ev);
					return -ENOMEM;
				}
				det_evid_release(&ev);
			}
	}
	return 0;
}

/* A peer: its days with an overlap (found by c_run, which --baselines
 * runs first); its own overlaps are judged in its shard. */
static int
c_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	const struct cstate *cs = st;
	size_t i;

	(void)d;
	(void)rule;
	(void)u;
	if (sl_buf_printf(b, " %zu", cs->ndays) < 0)
		return -ENOMEM;
	for (i = 0; i < cs->ndays; i++)
		if (sl_buf_printf(b, " %lld", (long long)cs->days[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int
c_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	struct cstate *cs = st;
	size_t i, n = det_rd_count(r, 1);

	(void)d;
	(void)rule;
	(void)u;
	if (r->bad || n == 0)
		return 0;
	if ((cs->days = calloc(n, sizeof(*cs->days))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		cs->days[i] = det_rd_int(r);
		/* share() walks them in order. */
		if (i > 0 && cs->days[i] < cs->days[i - 1])
			r->bad = 1;
	}
	cs->ndays = n;
	return 0;
}

const struct det_rule det_rule_concurrent = {
	.name = "concurrent-sessions",
	.level = SL_LEVEL_MEDIUM,
	.params = params,
	.size = sizeof(struct cstate),
	.add = c_add,
	.run = c_run,
	.release = c_release,
	.save = c_save,
	.load = c_load,
};
