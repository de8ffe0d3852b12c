/*
 * detect-purpose.c: the rules on the purpose of data access
 * (sessionlog(7)): "no-purpose" (access without a purpose where one is
 * required), "boilerplate-purpose" (one purpose text stretched over many
 * resources in a day) and "purpose-policy" (a purpose the policy file
 * does not allow for the dataset).
 *
 * Data access is a view, export or share of the user's own (not backend)
 * that was not refused or failed: a refused request reached no data, and
 * bursts of those are denied-burst's.  The purpose is the cursor's
 * effective purpose: the event's own, else its session's (or trace's)
 * latest justification.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

#define PROF_BITS 64

static int
is_access(const struct sl_step *st)
{
	const struct sl_event *ev = st->ev;

	if (!st->in_range || (ev->flags & SL_EV_BACKEND))
		return 0;
	if (ev->outcome == SL_OUT_DENIED || ev->outcome == SL_OUT_FAILURE)
		return 0;
	return ev->action == SL_ACT_VIEW || ev->action == SL_ACT_EXPORT ||
	    ev->action == SL_ACT_SHARE;
}

/* The next resource of an event's '\n'-separated list after *off: 1 with
 * r set, 0 at the end. */
static int
next_res(const struct sl_event *ev, size_t *off, struct sl_str *r)
{
	const char *p = ev->resource.p, *nl;
	size_t n = ev->resource.n;

	while (*off < n) {
		nl = memchr(p + *off, '\n', n - *off);
		r->p = p + *off;
		r->n = (nl ? (size_t)(nl - p) : n) - *off;
		*off += r->n + 1;
		if (r->n > 0)
			return 1;
	}
	return 0;
}

/* Index of key in m, adding it, and grow the caller's array of elements of
 * size sz to hold it (zeroing a new one): the index, or -ENOMEM. */
static ssize_t
slot(struct det_map *m, const char *k, size_t n, void **arr, size_t *cap,
    size_t sz, int *added)
{
	ssize_t i = det_map_put(m, k, n, added);

	if (i < 0)
		return i;
	if ((size_t)i >= *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		char *v;

		while (c <= (size_t)i)
			c *= 2;
		if ((v = realloc(*arr, c * sz)) == NULL)
			return -ENOMEM;
		memset(v + *cap * sz, 0, (c - *cap) * sz);
		*arr = v;
		*cap = c;
	}
	return i;
}

/* ---- no-purpose ---------------------------------------------------------- */

struct npsess {
	int64_t first;			/* first access that needs a purpose */
	int64_t nfirst, nlast;		/* accesses without one */
	uint64_t amask, nmask;		/* their profiles (bits of prof) */
	uint32_t nnop;
	long line;			/* policy row of the first without */
	struct det_evid ev;		/* the accesses without one */
};

struct npstate {
	struct det_map sess;		/* session -> s */
	struct npsess *s;
	size_t cap;
	struct det_map prof;		/* profile names -> bit */
	uint64_t recmask;		/* profiles seen with a purpose */
	struct det_pcache pc;
};

static const struct det_param np_params[] = {
	{ "floor-rate", 0.02, DET_SHARE },		/* sessions without a purpose that
					 * happen anyway: 1 in 50 */
	{ "far", 4 },			/* x the expected count: medium */
	{ "min-sessions", 3, DET_COUNT },		/* in a day, for medium */
	{ NULL, 0 },
};

static int
prof_bit(struct npstate *s, struct sl_str p)
{
	ssize_t k = det_map_put(&s->prof, p.p, p.n, NULL);

	if (k < 0)
		return (int)k;
	return k >= PROF_BITS ? PROF_BITS - 1 : (int)k;
}

/* Does the access need a purpose?  Without a policy any access may (the
 * run decides by its profile); with one, when one of its resources falls
 * under a row that requires one (*line: the first such row's line).
 * 1, 0 or -ENOMEM. */
static int
needs_purpose(const struct sl_detect *d, struct det_pcache *pc,
    const struct sl_event *ev, long *line)
{
	struct sl_str r;
	size_t off = 0;
	ssize_t row;

	*line = 0;
	if (d->policy == NULL)
		return 1;
	while (next_res(ev, &off, &r)) {
		if ((row = det_policy_row(d->policy, pc, r.p, r.n)) < -1)
			return -ENOMEM;
		if (row >= 0 && det_policy_requires(d->policy, (size_t)row)) {
			*line = (long)det_policy_line(d->policy, (size_t)row);
			return 1;
		}
	}
	return 0;
}

static int
np_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct npstate *s = arg;
	const struct sl_event *ev = st->ev;
	struct npsess *ss;
	ssize_t k;
	long line;
	int bit, added, rc;

	(void)u;
	/* The case's sources record purposes where any event carries one:
	 * a justification, or a purpose in or carried to an event. */
	if (ev->purpose.n > 0 || st->purpose.n > 0 ||
	    ev->action == SL_ACT_JUSTIFY) {
		if ((bit = prof_bit(s, ev->profile)) < 0)
			return bit;
		s->recmask |= UINT64_C(1) << bit;
	}
	if (!is_access(st))
		return 0;
	if ((rc = needs_purpose(d, &s->pc, ev, &line)) <= 0)
		return rc;
	if ((bit = prof_bit(s, ev->profile)) < 0)
		return bit;
	if ((k = slot(&s->sess, st->session.p, st->session.n, (void **)&s->s,
	    &s->cap, sizeof(*s->s), &added)) < 0)
		return (int)k;
	ss = &s->s[k];
	if (added)
		ss->first = ev->time;
	ss->amask |= UINT64_C(1) << bit;
	if (st->purpose.n > 0)
		return 0;
	if (ss->nnop++ == 0) {
		ss->nfirst = ev->time;
		ss->line = line;
	}
	ss->nlast = ev->time;
	ss->nmask |= UINT64_C(1) << bit;
	return det_evid_add(&ss->ev, ev, st->session);
}

static void
np_release(void *arg)
{
	struct npstate *s = arg;
	size_t i;

	for (i = 0; i < s->sess.n; i++)
		det_evid_release(&s->s[i].ev);
	free(s->s);
	det_map_release(&s->sess);
	det_map_release(&s->prof);
	det_pcache_release(&s->pc);
}

/* Sessions with access that needs a purpose, and those without one, on a
 * local day. */
struct npday {
	int64_t day;
	uint64_t a, k;
};

struct npdays {
	struct npday *v;
	size_t n;
};

static int
cmp_npday(const void *x, const void *y)
{
	const struct npday *a = x, *b = y;

	return a->day < b->day ? -1 : a->day > b->day;
}

/* Sort and fold v[0..n) into one entry a day. */
static void
npdays_fold(struct npdays *ds)
{
	size_t i, o = 0;

	if (ds->n == 0)
		return;
	qsort(ds->v, ds->n, sizeof(*ds->v), cmp_npday);
	for (i = 1; i < ds->n; i++)
		if (ds->v[i].day == ds->v[o].day) {
			ds->v[o].a += ds->v[i].a;
			ds->v[o].k += ds->v[i].k;
		} else
			ds->v[++o] = ds->v[i];
	ds->n = o + 1;
}

static int
npdays_add(struct npdays *ds, const struct npdays *src)
{
	struct npday *v;

	if (src->n == 0)
		return 0;
	if ((v = realloc(ds->v, (ds->n + src->n) * sizeof(*v))) == NULL)
		return -ENOMEM;
	memcpy(v + ds->n, src->v, src->n * sizeof(*v));
	ds->v = v;
	ds->n += src->n;
	return 0;
}

static const struct npday *
npdays_find(const struct npdays *ds, int64_t day)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (ds->v[i].day == day)
			return &ds->v[i];
	return NULL;
}

static void
npdays_base(const struct sl_detect *d, const struct npdays *ds,
    int64_t judged, uint64_t *a, uint64_t *k)
{
	size_t i;

	*a = *k = 0;
	for (i = 0; i < ds->n; i++)
		if (det_is_baseline(d, judged, ds->v[i].day)) {
			*a += ds->v[i].a;
			*k += ds->v[i].k;
		}
}

/* The bits of the user's profiles that need a purpose: with a policy,
 * every access kept needs one; without, those of profiles that record
 * purposes somewhere in the run. */
static uint64_t
np_needmask(const struct sl_detect *d, const struct npstate *s,
    const struct det_map *rec)
{
	uint64_t m = 0;
	size_t i;

	if (d->policy != NULL)
		return ~UINT64_C(0);
	for (i = 0; i < s->prof.n && i < PROF_BITS; i++)
		if (det_map_find(rec, s->prof.key[i], s->prof.keylen[i]) >= 0)
			m |= UINT64_C(1) << i;
	return m;
}

static int
np_emit(struct sl_detect *d, int rule, const struct det_user *u,
    const struct npstate *s, const struct npsess *ss, const struct npday *dd,
    uint64_t ao, uint64_t ko, uint64_t ag, uint64_t kg)
{
	double floor = det_param(d, rule, "floor-rate");
	double far = det_param(d, rule, "far");
	double mins = det_param(d, rule, "min-sessions");
	double own = ao ? (double)ko / (double)ao : 0;
	double grp = ag ? (double)kg / (double)ag : 0;
	double base = grp, expect, thr;
	char where[160];
	int bump = 0, bit;

	if (base < floor)
		base = floor;
	expect = (double)dd->a * base;
	thr = far * expect > mins ? far * expect : mins;
	/* Far more sessions without a purpose in the day than the group
	 * leaves without one: medium.  Not the user's own share: a purpose
	 * is required, and a habit of going without one (whose other days
	 * are in the user's own baseline) is what this rule is for. */
	if ((double)dd->k >= thr)
		bump = 1;
	if (d->policy != NULL)
		snprintf(where, sizeof(where), "where line %ld of the policy "
		    "requires one", ss->line);
	else {
		for (bit = 0; bit < PROF_BITS - 1 &&
		    !(ss->nmask & (UINT64_C(1) << bit)); bit++)
			;
		snprintf(where, sizeof(where), "where %.100s records "
		    "purposes", (size_t)bit < s->prof.n ? s->prof.key[bit] :
		    "the source");
	}
	return det_emit(d, rule, u, bump, ss->nfirst, ss->nlast,
	    (double)dd->k, expect, thr, &ss->ev,
	    "%u data access%s without a purpose, %s; %llu of %llu sessions "
	    "that day without one; own baseline %.1f%% of %llu, group's "
	    "%.1f%% of %llu", ss->nnop, ss->nnop == 1 ? "" : "es", where,
	    (unsigned long long)dd->k, (unsigned long long)dd->a, own * 100,
	    (unsigned long long)ao, grp * 100, (unsigned long long)ag);
}

static int
np_run(struct sl_detect *d, int rule)
{
	struct det_map rec = { 0 };
	struct npdays *ud = NULL, *gd = NULL;
	size_t ui, i, b;
	int rc = -ENOMEM;

	/* Which profiles record purposes, over every user of the run. */
	for (ui = 0; ui < d->nusers; ui++) {
		struct npstate *s = d->users[ui]->state[rule];

		for (b = 0; b < s->prof.n && b < PROF_BITS; b++)
			if ((s->recmask & (UINT64_C(1) << b)) &&
			    det_map_put(&rec, s->prof.key[b],
			    s->prof.keylen[b], NULL) < 0)
				goto out;
	}
	if ((ud = calloc(d->nusers + 1, sizeof(*ud))) == NULL ||
	    (gd = calloc(d->groups.n + 1, sizeof(*gd))) == NULL)
		goto out;
	/* Each user's days, and their groups'. */
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct npstate *s = u->state[rule];
		uint64_t need = np_needmask(d, s, &rec);

		if (s->sess.n > 0 &&
		    (ud[ui].v = calloc(s->sess.n, sizeof(*ud[ui].v))) == NULL)
			goto out;
		for (i = 0; i < s->sess.n; i++) {
			const struct npsess *ss = &s->s[i];

			if (!(ss->amask & need))
				continue;
			ud[ui].v[ud[ui].n].day = det_day(d, ss->first);
			ud[ui].v[ud[ui].n].a = 1;
			ud[ui].v[ud[ui].n].k = (ss->nmask & need) != 0;
			ud[ui].n++;
		}
		npdays_fold(&ud[ui]);
		if (npdays_add(&gd[u->group], &ud[ui]) < 0)
			goto out;
	}
	for (i = 0; i < d->groups.n; i++)
		npdays_fold(&gd[i]);
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct npstate *s = u->state[rule];
		uint64_t need = np_needmask(d, s, &rec);

		for (i = 0; i < s->sess.n; i++) {
			const struct npsess *ss = &s->s[i];
			const struct npday *dd;
			uint64_t ao, ko, ag, kg;
			int64_t day;

			if (!(ss->nmask & need) || !det_judged(d, ss->first))
				continue;
			day = det_day(d, ss->first);
			if ((dd = npdays_find(&ud[ui], day)) == NULL)
				continue;
			npdays_base(d, &ud[ui], day, &ao, &ko);
			npdays_base(d, &gd[u->group], day, &ag, &kg);
			ag -= ao;
			kg -= ko;
			if ((rc = np_emit(d, rule, u, s, ss, dd, ao, ko, ag,
			    kg)) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	for (ui = 0; ud != NULL && ui < d->nusers; ui++)
		free(ud[ui].v);
	for (i = 0; gd != NULL && i < d->groups.n; i++)
		free(gd[i].v);
	free(ud);
	free(gd);
	det_map_release(&rec);
	return rc;
}

/*
 * A peer: its profiles (which record purposes is decided over every user
 * of the run) and, for each session with access that needs a purpose,
 * its first such access and the profiles of its accesses with and
 * without one; its own sessions are judged in its shard.
 */
static int
np_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	const struct npstate *s = st;
	size_t i;

	(void)d;
	(void)rule;
	(void)u;
	if (sl_buf_printf(b, " %llu %zu", (unsigned long long)s->recmask,
	    s->prof.n) < 0)
		return -ENOMEM;
	for (i = 0; i < s->prof.n; i++)
		if (det_buf_hex(b, s->prof.key[i], s->prof.keylen[i]) < 0)
			return -ENOMEM;
	if (sl_buf_printf(b, " %zu", s->sess.n) < 0)
		return -ENOMEM;
	for (i = 0; i < s->sess.n; i++)
		if (sl_buf_printf(b, " %lld %llu %llu",
		    (long long)s->s[i].first,
		    (unsigned long long)s->s[i].amask,
		    (unsigned long long)s->s[i].nmask) < 0)
			return -ENOMEM;
	return 0;
}

static int
np_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	struct npstate *s = st;
	char *key;
	size_t i, n, kn;
	ssize_t k;
	int added;

	(void)d;
	(void)rule;
	(void)u;
	s->recmask = det_rd_u64(r);
	n = det_rd_count(r, 1);
	for (i = 0; i < n && !r->bad; i++) {
		if (det_rd_hex(r, &key, &kn) < 0)
			return -ENOMEM;
		if (r->bad)
			break;
		k = det_map_put(&s->prof, key, kn, &added);
		free(key);
		if (k < 0)
			return -ENOMEM;
		if (!added)
			r->bad = 1;
	}
	n = det_rd_count(r, 3);
	for (i = 0; i < n && !r->bad; i++) {
		struct npsess *ss;
		char name[32];

		/* The session's name is its shard's: any distinct key. */
		snprintf(name, sizeof(name), "%zu", i);
		if ((k = slot(&s->sess, name, strlen(name), (void **)&s->s,
		    &s->cap, sizeof(*s->s), &added)) < 0)
			return (int)k;
		ss = &s->s[k];
		ss->first = det_rd_int(r);
		ss->amask = det_rd_u64(r);
		ss->nmask = det_rd_u64(r);
	}
	return 0;
}

const struct det_rule det_rule_no_purpose = {
	.name = "no-purpose",
	.level = SL_LEVEL_LOW,
	.params = np_params,
	.size = sizeof(struct npstate),
	.add = np_add,
	.run = np_run,
	.release = np_release,
	.save = np_save,
	.load = np_load,
};

/* ---- boilerplate-purpose ------------------------------------------------- */

/* One purpose text of the day being read. */
struct bptext {
	struct det_map res;		/* distinct resources under it */
	int64_t first, last;
	struct det_evid ev;		/* the access that added each */
};

/* A day's widest text: how many distinct resources, and, when that many
 * could be an alert, the text and its evidence. */
struct bpday {
	int64_t day;
	uint32_t top;
	char *text;
	int64_t first, last;
	struct det_evid ev;
};

struct bpstate {
	int64_t day;			/* being read, when texts has any */
	struct det_map texts;		/* normalised text -> t */
	struct bptext *t;
	size_t cap;
	struct bpday *days;
	size_t ndays, capdays;
	struct sl_buf norm;
};

static const struct det_param bp_params[] = {
	{ "min-resources", 20, DET_COUNT },	/* under one text in a day */
	{ "far", 2 },			/* x the baseline quantile */
	{ "quantile", 0.9, DET_SHARE },		/* of baseline days */
	{ NULL, 0 },
};

/* A purpose as compared: blanks folded to one space, none at the ends,
 * ASCII letters in lower case. */
static int
normalise(struct sl_buf *b, struct sl_str p)
{
	size_t i;
	int blank = 0, rc;

	sl_buf_reset(b);
	for (i = 0; i < p.n; i++) {
		unsigned char c = (unsigned char)p.p[i];

		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			blank = 1;
			continue;
		}
		if (blank && b->n > 0 && (rc = sl_buf_addc(b, ' ')) < 0)
			return rc;
		blank = 0;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if ((rc = sl_buf_addc(b, c)) < 0)
			return rc;
	}
	return 0;
}

static void
bp_clear(struct bpstate *s)
{
	size_t i;

	for (i = 0; i < s->texts.n; i++) {
		det_map_release(&s->t[i].res);
		det_evid_release(&s->t[i].ev);
	}
	if (s->t != NULL)
		memset(s->t, 0, s->cap * sizeof(*s->t));
	det_map_release(&s->texts);
}

/* The day read is over: keep its widest text. */
static int
bp_flush(const struct sl_detect *d, struct bpstate *s, int rule)
{
	struct bpday *bd;
	size_t i, best = 0;
	double min = det_param(d, rule, "min-resources");

	if (s->texts.n == 0)
		return 0;
	for (i = 1; i < s->texts.n; i++)
		if (s->t[i].res.n > s->t[best].res.n)
			best = i;
	if (s->ndays == s->capdays) {
		size_t cap = s->capdays ? s->capdays * 2 : 16;
		struct bpday *v = realloc(s->days, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		s->days = v;
		s->capdays = cap;
	}
	bd = &s->days[s->ndays++];
	memset(bd, 0, sizeof(*bd));
	bd->day = s->day;
	bd->top = (uint32_t)s->t[best].res.n;
	bd->first = s->t[best].first;
	bd->last = s->t[best].last;
	/* Only a day that could be judged boilerplate keeps its words. */
	if ((double)bd->top >= min) {
		if ((bd->text = strdup(s->texts.key[best])) == NULL)
			return -ENOMEM;
		bd->ev = s->t[best].ev;
		memset(&s->t[best].ev, 0, sizeof(s->t[best].ev));
	}
	bp_clear(s);
	return 0;
}

static int
bp_rule(const struct sl_detect *d)
{
	size_t i;

	for (i = 0; i < d->nrules; i++)
		if (d->rules[i] == &det_rule_boilerplate_purpose)
			return (int)i;
	abort();
}

static int
bp_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct bpstate *s = arg;
	const struct sl_event *ev = st->ev;
	struct bptext *t;
	struct sl_str r;
	size_t off = 0;
	ssize_t k;
	int64_t day;
	int added, rc, kept = 0;

	(void)u;
	if (!is_access(st) || st->purpose.n == 0 || ev->resource.n == 0)
		return 0;
	if ((rc = normalise(&s->norm, st->purpose)) < 0)
		return rc;
	if (s->norm.n == 0)
		return 0;
	day = det_day(d, ev->time);
	if (day != s->day && (rc = bp_flush(d, s, bp_rule(d))) < 0)
		return rc;
	s->day = day;
	if ((k = slot(&s->texts, s->norm.p, s->norm.n, (void **)&s->t,
	    &s->cap, sizeof(*s->t), &added)) < 0)
		return (int)k;
	t = &s->t[k];
	if (added)
		t->first = ev->time;
	t->last = ev->time;
	while (next_res(ev, &off, &r)) {
		if (det_map_put(&t->res, r.p, r.n, &added) < 0)
			return -ENOMEM;
		if (added && !kept) {
			if ((rc = det_evid_add(&t->ev, ev, st->session)) < 0)
				return rc;
			kept = 1;
		}
	}
	return 0;
}

static int
bp_end(const struct sl_detect *d, struct det_user *u, void *arg)
{
	(void)u;
	return bp_flush(d, arg, bp_rule(d));
}

static void
bp_release(void *arg)
{
	struct bpstate *s = arg;
	size_t i;

	bp_clear(s);
	free(s->t);
	for (i = 0; i < s->ndays; i++) {
		free(s->days[i].text);
		det_evid_release(&s->days[i].ev);
	}
	free(s->days);
	sl_buf_release(&s->norm);
}

/* The widest text of each of u's active baseline days for judged (0 on a
 * day with none) appended to *v. */
static int
bp_base(const struct sl_detect *d, const struct det_user *u,
    const struct bpstate *s, int64_t judged, double **v, size_t *n,
    size_t *cap)
{
	size_t i, k = 0;

	for (i = 0; i < u->ndays; i++) {
		int64_t day = u->days[i].day;

		if (!det_is_baseline(d, judged, day))
			continue;
		while (k < s->ndays && s->days[k].day < day)
			k++;
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 64;
			double *nv = realloc(*v, c * sizeof(*nv));

			if (nv == NULL)
				return -ENOMEM;
			*v = nv;
			*cap = c;
		}
		(*v)[(*n)++] = k < s->ndays && s->days[k].day == day ?
		    s->days[k].top : 0;
	}
	return 0;
}

static int
cmp_bpday(const void *x, const void *y)
{
	const struct bpday *a = x, *b = y;

	return a->day < b->day ? -1 : a->day > b->day;
}

static int
bp_run(struct sl_detect *d, int rule)
{
	double min = det_param(d, rule, "min-resources");
	double far = det_param(d, rule, "far");
	double q = det_param(d, rule, "quantile");
	double *v = NULL;
	size_t ui, vi, i, n, cap = 0;
	int rc = 0;

	/* A day read in two parts (events out of time order) counts by its
	 * widest part. */
	for (ui = 0; ui < d->nusers; ui++) {
		struct bpstate *s = d->users[ui]->state[rule];

		if (s->ndays > 1)
			qsort(s->days, s->ndays, sizeof(*s->days), cmp_bpday);
	}
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct bpstate *s = u->state[rule];

		for (i = 0; i < s->ndays; i++) {
			struct bpday *bd = &s->days[i];
			double own, grp, hi, lo, top = bd->top;
			int bump;

			if (top < min || bd->text == NULL ||
			    !det_judged(d, bd->first))
				continue;
			n = 0;
			if ((rc = bp_base(d, u, s, bd->day, &v, &n, &cap)) < 0)
				goto out;
			own = det_quantile(v, n, q);
			n = 0;
			for (vi = 0; vi < d->nusers; vi++)
				if (vi != ui && d->users[vi]->group ==
				    u->group && (rc = bp_base(d, d->users[vi],
				    d->users[vi]->state[rule], bd->day, &v, &n,
				    &cap)) < 0)
					goto out;
			grp = det_quantile(v, n, q);
			hi = far * (own > grp ? own : grp);
			lo = far * (own < grp ? own : grp);
			/* Wider than both what the user and what the group
			 * do: medium; than one of them: low. */
			if (top > hi)
				bump = 1;
			else if (top > lo)
				bump = 0;
			else
				continue;
			if (hi < min)
				hi = min;
			if (lo < min)
				lo = min;
			if ((rc = det_emit(d, rule, u, bump, bd->first,
			    bd->last, top, own, bump > 0 ? hi : lo, &bd->ev,
			    "purpose \"%.80s\" over %u distinct resources in "
			    "a day; own baseline %.0f, group's %.0f "
			    "(%.0f%% quantile of days)", bd->text, bd->top,
			    own, grp, q * 100)) < 0)
				goto out;
		}
	}
out:
	free(v);
	return rc;
}

/* A peer: the distinct resources under its widest text of each day; its
 * own days are judged in its shard. */
static int
bp_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	const struct bpstate *s = st;
	size_t i;

	(void)d;
	(void)rule;
	(void)u;
	if (sl_buf_printf(b, " %zu", s->ndays) < 0)
		return -ENOMEM;
	for (i = 0; i < s->ndays; i++)
		if (sl_buf_printf(b, " %lld %lu", (long long)s->days[i].day,
		    (unsigned long)s->days[i].top) < 0)
			return -ENOMEM;
	return 0;
}

static int
bp_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	struct bpstate *s = st;
	size_t i, n = det_rd_count(r, 2);

	(void)d;
	(void)rule;
	(void)u;
	if (r->bad || n == 0)
		return 0;
	if ((s->days = calloc(n, sizeof(*s->days))) == NULL)
		return -ENOMEM;
	s->capdays = n;
	for (i = 0; i < n; i++) {
		s->days[i].day = det_rd_int(r);
		s->days[i].top = (uint32_t)det_rd_u64(r);
	}
	s->ndays = n;
	return 0;
}

const struct det_rule det_rule_boilerplate_purpose = {
	.name = "boilerplate-purpose",
	.level = SL_LEVEL_LOW,
	.params = bp_params,
	.size = sizeof(struct bpstate),
	.add = bp_add,
	.end = bp_end,
	.run = bp_run,
	.release = bp_release,
	.save = bp_save,
	.load = bp_load,
};

/* ---- purpose-policy ------------------------------------------------------ */

struct ppsess {
	int64_t first, last;
	uint32_t n, exports;
	size_t row;			/* of the first violation */
	char *purpose;			/* its purpose */
	struct det_evid ev;
};

struct ppstate {
	struct det_map sess;		/* session -> s */
	struct ppsess *s;
	size_t cap;
	struct det_pcache pc;
};

/* The first row of ev's resources whose purpose pattern the purpose does
 * not match: >= 0, -1 for none, or -ENOMEM (< -1). */
static ssize_t
violated(const struct sl_detect *d, struct det_pcache *pc,
    const struct sl_event *ev, struct sl_str purpose)
{
	struct sl_str r;
	size_t off = 0;
	ssize_t row;
	int ok;

	while (next_res(ev, &off, &r)) {
		if ((row = det_policy_row(d->policy, pc, r.p, r.n)) < -1)
			return -ENOMEM;
		if (row < 0)
			continue;
		if ((ok = det_policy_allows(d->policy, pc, (size_t)row,
		    purpose.p, purpose.n)) < 0)
			return -ENOMEM;
		if (!ok)
			return row;
	}
	return -1;
}

static int
pp_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct ppstate *s = arg;
	const struct sl_event *ev = st->ev;
	struct ppsess *ss;
	ssize_t row, k;
	int added;

	(void)u;
	/* No purpose at all is no-purpose's to judge. */
	if (d->policy == NULL || !is_access(st) || st->purpose.n == 0)
		return 0;
	if ((row = violated(d, &s->pc, ev, st->purpose)) < -1)
		return (int)row;
	if (row < 0)
		return 0;
	if ((k = slot(&s->sess, st->session.p, st->session.n, (void **)&s->s,
	    &s->cap, sizeof(*s->s), &added)) < 0)
		return (int)k;
	ss = &s->s[k];
	if (added) {
		ss->first = ev->time;
		ss->row = (size_t)row;
		if ((ss->purpose = sl_strndup(st->purpose.p,
		    st->purpose.n)) == NULL)
			return -ENOMEM;
	}
	ss->last = ev->time;
	ss->n++;
	if (ev->action == SL_ACT_EXPORT)
		ss->exports++;
	return det_evid_add(&ss->ev, ev, st->session);
}

static void
pp_release(void *arg)
{
	struct ppstate *s = arg;
	size_t i;

	for (i = 0; i < s->sess.n; i++) {
		free(s->s[i].purpose);
		det_evid_release(&s->s[i].ev);
	}
	free(s->s);
	det_map_release(&s->sess);
	det_pcache_release(&s->pc);
}

static int
pp_run(struct sl_detect *d, int rule)
{
	size_t ui, i;
	int rc;

	if (d->policy == NULL)
		return 0;
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct ppstate *s = u->state[rule];

		for (i = 0; i < s->sess.n; i++) {
			const struct ppsess *ss = &s->s[i];

			if (!det_judged(d, ss->first))
				continue;
			/* A policy is not learned: no baseline changes
			 * its level; data taken away is worse than data
			 * looked at. */
			if ((rc = det_emit(d, rule, u, ss->exports > 0 ? 1 : 0,
			    ss->first, ss->last, ss->n, 0, 1, &ss->ev,
			    "%u data access%s%s under purpose \"%.80s\", "
			    "which line %lu of the policy does not allow: "
			    "dataset_pattern \"%.60s\" needs purpose_pattern "
			    "\"%.60s\"", ss->n, ss->n == 1 ? "" : "es",
			    ss->exports == 0 ? "" : ss->exports == ss->n ?
			    " (export)" : " (exports among them)",
			    ss->purpose, det_policy_line(d->policy, ss->row),
			    det_policy_dataset(d->policy, ss->row),
			    det_policy_purpose(d->policy, ss->row))) < 0)
				return rc;
		}
	}
	return 0;
}

const struct det_rule det_rule_purpose_policy = {
	.name = "purpose-policy",
	.level = SL_LEVEL_MEDIUM,
	.alone = 1,
	.params = NULL,
	.size = sizeof(struct ppstate),
	.add = pp_add,
	.run = pp_run,
	.release = pp_release,
};
