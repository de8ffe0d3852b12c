/*
 * detect-burst.c: rules "search-burst" (scraping: far more searches and
 * loads a minute than the user and their group ever make) and
 * "denied-burst" (refusals one after another), sessionlog(7).
 *
 * Both count a user's events of one kind in a sliding window, as they
 * stream by in time order.  A burst is a run of windows holding at least
 * min-events of them, windows that overlap merged; its events are the
 * evidence, its first event makes the id, so a burst that grows keeps
 * it.  For the baselines only each day's highest window count is kept.
 * A burst is judged against the rate the user reaches on routine-days
 * baseline days (their routine: an analyst's weekly batch of searches)
 * and the highest such rate among the rest of their group.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

/* An event of the window not yet in a burst: what det_evid_add reads
 * of it, kept in a buffer reused from one event to the next. */
struct pend {
	int64_t time;
	uint64_t line;
	int which;			/* its kind: 0 or 1 */
	size_t norigin, nkey, nraw, nsession;	/* in buf, in this order */
	char *buf;
	size_t cap;
};

struct burst {
	int64_t start;			/* its first event */
	int64_t end;			/* the last to end a full window */
	uint64_t peak;			/* most events in one window */
	uint64_t kind[2];		/* search-burst: searches, loads;
					 * denied-burst: denied, failed */
	struct det_evid ev;
};

struct dpeak {
	int64_t day;
	uint64_t peak;
};

struct bstate {
	int rule;			/* index + 1, found on first use */
	int64_t window, min;
	/* Times of the events in the window: a ring. */
	int64_t *t;
	size_t tcap, thead, tn;
	/* The window's events not in a burst: a ring of at most min. */
	struct pend *p;
	size_t pcap, phead, pn;
	/* Each day's highest window count. */
	struct dpeak *days;
	size_t ndays, capdays;
	/* Bursts; the last one open while its windows may still grow. */
	struct burst *b;
	size_t nb, capb;
	int open;
};

struct bkind {
	const struct det_rule *rule;
	/* Does the event count, and as which of the two kinds (0, 1)? */
	int (*which)(const struct sl_detect *d, const struct bstate *bs,
	    const struct sl_event *ev);
	const char *what;		/* "searches and loads" */
	const char *kind[2];		/* "searches", "loads" */
};

static const struct bkind search_kind, denied_kind;

static const struct det_param search_params[] = {
	{ "window", 60, DET_SECONDS },		/* seconds */
	{ "min-events", 20, DET_COUNT },		/* in one window: a burst */
	{ "factor", 3 },		/* far above: this many times */
	{ "routine-days", 2, DET_COUNT },		/* days that make a rate routine */
	{ NULL, 0 },
};

static const struct det_param denied_params[] = {
	{ "window", 300, DET_SECONDS },
	{ "min-events", 5, DET_COUNT },
	{ "factor", 3 },
	{ "routine-days", 2, DET_COUNT },
	{ "failures", 1, DET_COUNT },		/* failures count with denials */
	{ NULL, 0 },
};

/* Searches and loads that returned something: refused ones are
 * denied-burst's. */
static int
search_which(const struct sl_detect *d, const struct bstate *bs,
    const struct sl_event *ev)
{
	(void)d;
	(void)bs;
	if (ev->outcome == SL_OUT_DENIED || ev->outcome == SL_OUT_FAILURE)
		return -1;
	if (ev->action == SL_ACT_SEARCH)
		return 0;
	if (ev->action == SL_ACT_VIEW)
		return 1;
	return -1;
}

static int
denied_which(const struct sl_detect *d, const struct bstate *bs,
    const struct sl_event *ev)
{
	if (ev->outcome == SL_OUT_DENIED)
		return 0;
	if (ev->outcome == SL_OUT_FAILURE &&
	    det_param(d, bs->rule - 1, "failures") != 0)
		return 1;
	return -1;
}

/* The rule's index among the run's rules. */
static int
rule_index(const struct sl_detect *d, const struct det_rule *r)
{
	size_t i;

	for (i = 0; i < d->nrules; i++)
		if (d->rules[i] == r)
			return (int)i;
	abort();
}

/* v grown to hold at least min elements of size: the new array, or
 * NULL (v unchanged). */
static void *
grow(void *v, size_t *cap, size_t size, size_t min)
{
	size_t n = *cap ? *cap * 2 : 16;
	void *p;

	while (n < min)
		n *= 2;
	if ((p = realloc(v, n * size)) == NULL)
		return NULL;
	*cap = n;
	return p;
}

/* Ring of times: room for one more, keeping the order. */
static int
times_push(struct bstate *bs, int64_t t)
{
	if (bs->tn == bs->tcap) {
		size_t old = bs->tcap, k;
		int64_t *v = grow(bs->t, &bs->tcap, sizeof(*v), old + 1);

		if (v == NULL)
			return -ENOMEM;
		bs->t = v;
		/* Unwrap: the part before head goes after the old end. */
		for (k = 0; k < bs->thead; k++)
			bs->t[(old + k) % bs->tcap] = bs->t[k];
	}
	bs->t[(bs->thead + bs->tn++) % bs->tcap] = t;
	return 0;
}

static void
pend_clear(struct pend *p)
{
	p->norigin = p->nkey = p->nraw = p->nsession = 0;
}

static int
pend_push(struct bstate *bs, const struct sl_event *ev, int64_t t,
    struct sl_str sess, int which)
{
	struct pend *p;
	size_t need;

	if (bs->pn == bs->pcap) {
		size_t old = bs->pcap, k;
		struct pend *v = grow(bs->p, &bs->pcap, sizeof(*v), old + 1);

		if (v == NULL)
			return -ENOMEM;
		bs->p = v;
		memset(bs->p + old, 0, (bs->pcap - old) * sizeof(*bs->p));
		/* Unwrap, moving the entries (and their buffers) up. */
		for (k = 0; k < bs->phead; k++) {
			bs->p[old + k] = bs->p[k];
			memset(&bs->p[k], 0, sizeof(bs->p[k]));
		}
	}
	p = &bs->p[(bs->phead + bs->pn) % bs->pcap];
	need = ev->origin.n + ev->key.n + sess.n +
	    (ev->key.n > 0 ? 0 : ev->raw.n) + 1;
	if (need > p->cap) {
		char *b = realloc(p->buf, need);

		if (b == NULL)
			return -ENOMEM;
		p->buf = b;
		p->cap = need;
	}
	pend_clear(p);
	p->time = t;
	p->line = ev->line;
	p->which = which;
	p->norigin = ev->origin.n;
	memcpy(p->buf, ev->origin.p, ev->origin.n);
	p->nkey = ev->key.n;
	memcpy(p->buf + p->norigin, ev->key.p, ev->key.n);
	/* Without a record id the id is made of the record's bytes. */
	if (ev->key.n == 0) {
		p->nraw = ev->raw.n;
		memcpy(p->buf + p->norigin, ev->raw.p, ev->raw.n);
	}
	p->nsession = sess.n;
	memcpy(p->buf + p->norigin + p->nkey + p->nraw, sess.p, sess.n);
	bs->pn++;
	return 0;
}

/* Add a pending event to evidence, as if it were the event itself. */
static int
pend_evid(struct det_evid *e, const struct pend *p)
{
	struct sl_event ev;
	struct sl_str sess;

	memset(&ev, 0, sizeof(ev));
	ev.time = p->time;
	ev.line = p->line;
	ev.origin.p = p->buf;
	ev.origin.n = p->norigin;
	ev.key.p = p->buf + p->norigin;
	ev.key.n = p->nkey;
	ev.raw.p = p->buf + p->norigin;
	ev.raw.n = p->nraw;
	sess.p = p->buf + p->norigin + p->nkey + p->nraw;
	sess.n = p->nsession;
	return det_evid_add(e, &ev, sess);
}

static int
day_peak(const struct sl_detect *d, struct bstate *bs, int64_t t,
    uint64_t n)
{
	int64_t day = det_day(d, t);
	struct dpeak *dp;

	if (bs->ndays == 0 || bs->days[bs->ndays - 1].day != day) {
		if (bs->ndays == bs->capdays) {
			struct dpeak *v = grow(bs->days, &bs->capdays,
			    sizeof(*v), bs->ndays + 1);

			if (v == NULL)
				return -ENOMEM;
			bs->days = v;
		}
		dp = &bs->days[bs->ndays++];
		dp->day = day;
		dp->peak = 0;
	}
	dp = &bs->days[bs->ndays - 1];
	if (n > dp->peak)
		dp->peak = n;
	return 0;
}

/* A window of at least min events ends at this event: extend the open
 * burst when the window overlaps it, else start one.  Every pending
 * event is in the window and joins the burst. */
static int
trigger(struct bstate *bs, int64_t t, uint64_t n)
{
	struct burst *b;

	if (!bs->open || t - bs->window >= bs->b[bs->nb - 1].end) {
		if (bs->nb == bs->capb) {
			struct burst *v = grow(bs->b, &bs->capb, sizeof(*v),
			    bs->nb + 1);

			if (v == NULL)
				return -ENOMEM;
			bs->b = v;
		}
		b = &bs->b[bs->nb++];
		memset(b, 0, sizeof(*b));
		b->start = bs->pn > 0 ? bs->p[bs->phead].time : t;
		bs->open = 1;
	}
	b = &bs->b[bs->nb - 1];
	b->end = t;
	if (n > b->peak)
		b->peak = n;
	return 0;
}

static int
b_add(const struct sl_detect *d, struct bstate *bs, const struct sl_step *st,
    const struct bkind *k)
{
	const struct sl_event *ev = st->ev;
	int64_t t = ev->time;
	struct burst *b;
	int which, rc;

	if (bs->rule == 0) {
		bs->rule = rule_index(d, k->rule) + 1;
		bs->window = (int64_t)(det_param(d, bs->rule - 1, "window") *
		    1e6);
		bs->min = (int64_t)det_param(d, bs->rule - 1, "min-events");
		if (bs->min < 1)
			bs->min = 1;
	}
	if (!st->in_range || (ev->flags & SL_EV_BACKEND) ||
	    (which = k->which(d, bs, ev)) < 0)
		return 0;
	/* A timeline is sorted; should it not be, time stands still
	 * rather than break the window. */
	if (bs->tn > 0 && t < bs->t[(bs->thead + bs->tn - 1) % bs->tcap])
		t = bs->t[(bs->thead + bs->tn - 1) % bs->tcap];
	while (bs->tn > 0 && bs->t[bs->thead] <= t - bs->window) {
		bs->thead = (bs->thead + 1) % bs->tcap;
		bs->tn--;
	}
	while (bs->pn > 0 && bs->p[bs->phead].time <= t - bs->window) {
		bs->phead = (bs->phead + 1) % bs->pcap;
		bs->pn--;
	}
	if ((rc = times_push(bs, t)) < 0 ||
	    (rc = pend_push(bs, ev, t, st->session, which)) < 0 ||
	    (rc = day_peak(d, bs, t, bs->tn)) < 0)
		return rc;
	if ((int64_t)bs->tn < bs->min)
		return 0;
	/* A full window: the events of it not yet in the burst join. */
	if ((rc = trigger(bs, t, bs->tn)) < 0)
		return rc;
	b = &bs->b[bs->nb - 1];
	while (bs->pn > 0) {
		struct pend *p = &bs->p[bs->phead];

		if ((rc = pend_evid(&b->ev, p)) < 0)
			return rc;
		b->kind[p->which]++;
		bs->phead = (bs->phead + 1) % bs->pcap;
		bs->pn--;
	}
	return 0;
}

static int
search_add(const struct sl_detect *d, struct det_user *u, void *st,
    const struct sl_step *s)
{
	(void)u;
	return b_add(d, st, s, &search_kind);
}

static int
denied_add(const struct sl_detect *d, struct det_user *u, void *st,
    const struct sl_step *s)
{
	(void)u;
	return b_add(d, st, s, &denied_kind);
}

/* The windows are done with: only the day peaks and bursts stay. */
static void
windows_free(struct bstate *bs)
{
	size_t i;

	for (i = 0; i < bs->pcap; i++)
		free(bs->p[i].buf);
	free(bs->p);
	free(bs->t);
	bs->p = NULL;
	bs->t = NULL;
	bs->pcap = bs->phead = bs->pn = 0;
	bs->tcap = bs->thead = bs->tn = 0;
	bs->open = 0;
}

static int
b_end(const struct sl_detect *d, struct det_user *u, void *st)
{
	(void)d;
	(void)u;
	windows_free(st);
	return 0;
}

static void
b_release(void *st)
{
	struct bstate *bs = st;
	size_t i;

	windows_free(bs);
	for (i = 0; i < bs->nb; i++)
		det_evid_release(&bs->b[i].ev);
	free(bs->b);
	free(bs->days);
}

static int
cmp_desc(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a > b ? -1 : a < b;
}

/*
 * The user's routine rate for a judged day: the highest window count
 * reached on at least k of the baseline days (0 when fewer days reach
 * any); *nbase: how many baseline days the user was active.
 */
static int
routine(const struct sl_detect *d, const struct det_user *u,
    const struct bstate *bs, int64_t judged, size_t k, double *rate,
    size_t *nbase)
{
	double *v;
	size_t i, n = 0;

	*rate = 0;
	if (nbase != NULL) {
		*nbase = 0;
		for (i = 0; i < u->ndays; i++)
			if (det_is_baseline(d, judged, u->days[i].day))
				(*nbase)++;
	}
	if (bs->ndays == 0 || k == 0)
		return 0;
	if ((v = malloc(bs->ndays * sizeof(*v))) == NULL)
		return -ENOMEM;
	for (i = 0; i < bs->ndays; i++)
		if (det_is_baseline(d, judged, bs->days[i].day))
			v[n++] = (double)bs->days[i].peak;
	if (n >= k) {
		qsort(v, n, sizeof(*v), cmp_desc);
		*rate = v[k - 1];
	}
	free(v);
	return 0;
}

/* "1 min", "90 s" */
static const char *
span_text(int64_t us, char *buf, size_t size)
{
	int64_t s = (us + 500000) / 1000000;

	if (s >= 120 || (s >= 60 && s % 60 == 0))
		snprintf(buf, size, "%lld min", (long long)((s + 30) / 60));
	else
		snprintf(buf, size, "%lld s", (long long)s);
	return buf;
}

static int
b_run(struct sl_detect *d, int rule, const struct bkind *k)
{
	double factor = det_param(d, rule, "factor");
	double kd = det_param(d, rule, "routine-days");
	double min = det_param(d, rule, "min-events");
	int64_t window = (int64_t)(det_param(d, rule, "window") * 1e6);
	size_t ui, vi, i, nbase, days = kd < 1 ? 1 : (size_t)kd;
	int rc;

	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct bstate *bs = u->state[rule];

		for (i = 0; i < bs->nb; i++) {
			struct burst *b = &bs->b[i];
			double own, grp = 0, r, thr, peak = (double)b->peak;
			char w[32], span[32];
			int64_t jt, day;
			int bump;

			if (det_judged(d, b->start))
				jt = b->start;
			else if (det_judged(d, b->end))
				jt = b->end;
			else
				continue;
			day = det_day(d, jt);
			if ((rc = routine(d, u, bs, day, days, &own,
			    &nbase)) < 0)
				return rc;
			for (vi = 0; vi < d->nusers; vi++) {
				struct det_user *v = d->users[vi];

				if (vi == ui || v->group != u->group)
					continue;
				if ((rc = routine(d, v, v->state[rule], day,
				    days, &r, NULL)) < 0)
					return rc;
				if (r > grp)
					grp = r;
			}
			/* Within the user's own routine: info; above it
			 * but within what the group does: the base level;
			 * far above both: high. */
			if (peak <= factor * own) {
				bump = -2;
				thr = min;
			} else if (peak <= factor * grp) {
				bump = 0;
				thr = factor * own > min ? factor * own : min;
			} else {
				bump = 1;
				thr = factor * (own > grp ? own : grp);
				if (thr < min)
					thr = min;
			}
			if (det_emit(d, rule, u, bump, b->start, b->end, peak,
			    own, thr, &b->ev, "%llu %s in %s at the peak, "
			    "%llu (%llu %s, %llu %s) over %s; the user's "
			    "routine peak %.0f (%zu baseline days), the "
			    "group's %.0f", (unsigned long long)b->peak,
			    k->what, span_text(window, w, sizeof(w)),
			    (unsigned long long)b->ev.events,
			    (unsigned long long)b->kind[0], k->kind[0],
			    (unsigned long long)b->kind[1], k->kind[1],
			    span_text(b->end - b->start, span, sizeof(span)),
			    own, nbase, grp) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* A peer: its day peaks, all its bursts are judged in its shard. */
static int
b_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	const struct bstate *bs = st;
	size_t i;

	(void)d;
	(void)rule;
	(void)u;
	if (sl_buf_printf(b, " %zu", bs->ndays) < 0)
		return -ENOMEM;
	for (i = 0; i < bs->ndays; i++)
		if (sl_buf_printf(b, " %lld %llu", (long long)bs->days[i].day,
		    (unsigned long long)bs->days[i].peak) < 0)
			return -ENOMEM;
	return 0;
}

static int
b_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	struct bstate *bs = st;
	size_t i, n = det_rd_count(r, 2);

	(void)d;
	(void)u;
	bs->rule = rule + 1;
	if (r->bad || n == 0)
		return 0;
	if ((bs->days = calloc(n, sizeof(*bs->days))) == NULL)
		return -ENOMEM;
	bs->capdays = n;
	for (i = 0; i < n; i++) {
		bs->days[i].day = det_rd_int(r);
		bs->days[i].peak = (uint64_t)det_rd_int(r);
	}
	bs->ndays = n;
	return 0;
}

static int
search_run(struct sl_detect *d, int rule)
{
	return b_run(d, rule, &search_kind);
}

static int
denied_run(struct sl_detect *d, int rule)
{
	return b_run(d, rule, &denied_kind);
}

const struct det_rule det_rule_search_burst = {
	.name = "search-burst",
	.level = SL_LEVEL_MEDIUM,
	.params = search_params,
	.size = sizeof(struct bstate),
	.add = search_add,
	.end = b_end,
	.run = search_run,
	.release = b_release,
	.save = b_save,
	.load = b_load,
};

const struct det_rule det_rule_denied_burst = {
	.name = "denied-burst",
	.level = SL_LEVEL_MEDIUM,
	.params = denied_params,
	.size = sizeof(struct bstate),
	.add = denied_add,
	.end = b_end,
	.run = denied_run,
	.release = b_release,
	.save = b_save,
	.load = b_load,
};

static const struct bkind search_kind = {
	&det_rule_search_burst, search_which, "searches and loads",
	{ "searches", "loads" },
};

static const struct bkind denied_kind = {
	&det_rule_denied_burst, denied_which, "denied or failed",
	{ "denied", "failed" },
};
