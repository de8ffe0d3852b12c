/*
 * detect-rare.c: rule "rare-access": a user's first access to a resource
 * that few other users use (sessionlog(7)).
 *
 * Someone reaching into a dataset that only one or two colleagues ever
 * touch, and that they never touched themselves, is worth a look; an
 * officer who opens a new person's record every day, which no colleague
 * opens, is doing their job.  So the first access is judged against how
 * often the user (and their group) start on resources few others use of
 * the same kind (the resource's folder or namespace: its text up to the
 * last '/', else ':', else '.'), and is not alerted when that is routine.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

/* Resources named in an explanation; the rest are counted. */
#define NAMED_MAX 3

struct racc {
	int64_t first_day, last_day;	/* of the user's accesses */
	int64_t first;		/* first judged access, INT64_MIN: none */
	char *first_key;	/* its id key (det_evid's first_key) */
	uint64_t line;		/* its line in origin */
	uint32_t origin;	/* index into rstate.origins */
	uint32_t sess;		/* index into rstate.sessions */
	unsigned char before;	/* with --since: an access before it */
	unsigned char nopurpose;	/* the first judged access had none */
	unsigned char exported;	/* exported in that access's session */
};

/* A kind and a local day on which the user first accessed a rare
 * resource of that kind. */
struct kday {
	size_t kind;
	int64_t day;
};

struct rstate {
	struct det_map res;		/* resource -> index into r */
	struct racc *r;
	size_t n, cap;
	struct det_map origins;
	struct det_map sessions;
	int purposes;			/* an event with a purpose */
	struct kday *kd;		/* by run(): sorted, distinct */
	size_t nkd;
};

static const struct det_param params[] = {
	{ "few-users", 3, DET_COUNT },	/* at most this many others: rare */
	{ "nobody-users", 1, DET_COUNT },	/* at most this many: almost no one */
	{ "routine-share", 0.1, DET_SHARE },	/* of baseline days: routine */
	{ NULL, 0 },
};

/* Whether the action reaches a resource: not signing in or out, not a
 * justification. */
static int
accesses(int action)
{
	return action != SL_ACT_LOGIN && action != SL_ACT_LOGOUT &&
	    action != SL_ACT_JUSTIFY && action != SL_ACT_AUTH;
}

/* Record the first judged access ev to r. */
static int
first_access(struct rstate *rs, struct racc *r, const struct sl_step *st)
{
	const struct sl_event *ev = st->ev;
	struct det_evid tmp;
	ssize_t o, s;

	memset(&tmp, 0, sizeof(tmp));
	if (det_evid_add(&tmp, ev, st->session) < 0 ||
	    (o = det_map_put(&rs->origins, ev->origin.p, ev->origin.n,
	    NULL)) < 0 || (s = det_map_put(&rs->sessions, st->session.p,
	    st->session.n, NULL)) < 0) {
		det_evid_release(&tmp);
		return -ENOMEM;
	}
	r->first = ev->time;
	r->first_key = tmp.first_key;
	tmp.first_key = NULL;
	det_evid_release(&tmp);
	r->line = ev->line;
	r->origin = (uint32_t)o;
	r->sess = (uint32_t)s;
	r->nopurpose = st->purpose.n == 0;
	return 0;
}

static int
r_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct rstate *rs = arg;
	const struct sl_event *ev = st->ev;
	const char *p = ev->resource.p, *end = p + ev->resource.n, *nl;
	int64_t day;
	int judged;

	(void)u;
	if (!st->in_range || (ev->flags & SL_EV_BACKEND))
		return 0;
	if (st->purpose.n > 0)
		rs->purposes = 1;
	/* A refused or failed attempt is not a use of the resource (the
	 * denied-burst rule looks at those). */
	if (ev->resource.n == 0 || !accesses(ev->action) ||
	    ev->outcome == SL_OUT_FAILURE || ev->outcome == SL_OUT_DENIED)
		return 0;
	day = det_day(d, ev->time);
	judged = det_judged(d, ev->time);
	for (; p < end; p = nl + 1) {
		struct racc *r;
		ssize_t k;
		int added;

		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p)
			continue;
		if ((k = det_map_put(&rs->res, p, (size_t)(nl - p),
		    &added)) < 0)
			return -ENOMEM;
		if (added) {
			if (rs->n == rs->cap) {
				size_t cap = rs->cap ? rs->cap * 2 : 32;
				struct racc *v = realloc(rs->r,
				    cap * sizeof(*v));

				if (v == NULL)
					return -ENOMEM;
				rs->r = v;
				rs->cap = cap;
			}
			r = &rs->r[rs->n++];
			memset(r, 0, sizeof(*r));
			r->first_day = r->last_day = day;
			r->first = INT64_MIN;
		}
		r = &rs->r[k];
		if (day < r->first_day)
			r->first_day = day;
		if (day > r->last_day)
			r->last_day = day;
		if (!d->loo && ev->time < d->opts.since)
			r->before = 1;
		if (judged && r->first == INT64_MIN &&
		    first_access(rs, r, st) < 0)
			return -ENOMEM;
		if (ev->action == SL_ACT_EXPORT && r->first != INT64_MIN &&
		    !r->exported) {
			ssize_t s = det_map_find(&rs->sessions, st->session.p,
			    st->session.n);

			if (s >= 0 && (uint32_t)s == r->sess)
				r->exported = 1;
		}
	}
	return 0;
}

static void
r_release(void *arg)
{
	struct rstate *rs = arg;
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->r[i].first_key);
	free(rs->r);
	free(rs->kd);
	det_map_release(&rs->res);
	det_map_release(&rs->origins);
	det_map_release(&rs->sessions);
}

/* The length of a resource's kind: up to and with its last '/' (or '\'),
 * else its last ':', else its last '.'; 0 when it has none of them. */
static size_t
kind_len(const char *p, size_t n)
{
	static const char *const seps[] = { "/\\", ":", "." };
	size_t i, k;

	/* A separator that ends the text names no kind of its own. */
	if (n > 0)
		n--;
	for (i = 0; i < SL_ARRAY_LEN(seps); i++)
		for (k = n; k > 0; k--)
			if (strchr(seps[i], p[k - 1]) != NULL)
				return k;
	return 0;
}

static int
cmp_kday(const void *x, const void *y)
{
	const struct kday *a = x, *b = y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->day < b->day ? -1 : a->day > b->day;
}

/* Whether kd holds (kind, day). */
static int
has_kday(const struct rstate *rs, size_t kind, int64_t day)
{
	struct kday key = { kind, day };

	return rs->nkd > 0 && bsearch(&key, rs->kd, rs->nkd,
	    sizeof(*rs->kd), cmp_kday) != NULL;
}

/* Of u's active baseline days for judged day, how many, and on how many u
 * first accessed a rare resource of kind.  The first day the user is seen
 * is left out: everything is new on it, which says nothing about their
 * routine. */
static void
routine(const struct sl_detect *d, const struct det_user *u,
    const struct rstate *rs, size_t kind, int64_t judged, size_t *active,
    size_t *hits)
{
	size_t i;

	for (i = 1; i < u->ndays; i++) {
		if (!det_is_baseline(d, judged, u->days[i].day))
			continue;
		(*active)++;
		if (has_kday(rs, kind, u->days[i].day))
			(*hits)++;
	}
}


/* A candidate: the first access to a rare resource, new for the user. */
struct cand {
	size_t r;		/* index into the user's rstate.r */
	uint32_t sess;
	int64_t first;
	size_t others;		/* other users of it */
	size_t kind;
	int bump;
	size_t active, hits;	/* own baseline days, with a rare first */
	double grp;		/* share of the group's baseline days */
};

static int
cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->sess != b->sess)
		return a->sess < b->sess ? -1 : 1;
	if (a->bump != b->bump)
		return a->bump > b->bump ? -1 : 1;
	if (a->others != b->others)
		return a->others < b->others ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->r < b->r ? -1 : a->r > b->r;
}

/* The pooled figures of a group for a kind and judged day. */
struct pooled {
	size_t active, hits;
};

struct run {
	struct sl_detect *d;
	int rule;
	struct det_map all;		/* resource -> index into users */
	size_t *users;			/* users of each resource */
	struct det_map kinds;
	struct det_map pool;		/* (group, kind, day) -> pooled */
	struct pooled *pooled;
	size_t cappooled;
	struct cand *c;
	size_t nc, capc;
	struct sl_buf b;
	int recorded;			/* purposes in the sources */
};

/* Count each resource's users, and find each user's days of a first
 * access to a rare resource, by kind. */
static int
census(struct run *x, double few)
{
	struct sl_detect *d = x->d;
	size_t ui, i, cap = 0;

	for (ui = 0; ui < d->nusers; ui++) {
		const struct rstate *rs = d->users[ui]->state[x->rule];

		for (i = 0; i < rs->n; i++) {
			ssize_t k = det_map_put(&x->all, rs->res.key[i],
			    rs->res.keylen[i], NULL);

			if (k < 0)
				return -ENOMEM;
			if ((size_t)k >= cap) {
				size_t nc = cap ? cap * 2 : 256, *v;

				while (nc <= (size_t)k)
					nc *= 2;
				if ((v = realloc(x->users, nc *
				    sizeof(*v))) == NULL)
					return -ENOMEM;
				memset(v + cap, 0, (nc - cap) * sizeof(*v));
				x->users = v;
				cap = nc;
			}
			x->users[k]++;
		}
		if (rs->purposes)
			x->recorded = 1;
	}
	for (ui = 0; ui < d->nusers; ui++) {
		struct rstate *rs = d->users[ui]->state[x->rule];
		size_t n = 0;

		free(rs->kd);
		rs->kd = NULL;
		rs->nkd = 0;
		if (rs->n > 0 && (rs->kd = calloc(rs->n,
		    sizeof(*rs->kd))) == NULL)
			return -ENOMEM;
		for (i = 0; i < rs->n; i++) {
			ssize_t g = det_map_find(&x->all, rs->res.key[i],
			    rs->res.keylen[i]), k;

			if ((double)(x->users[g] - 1) > few)
				continue;
			if ((k = det_map_put(&x->kinds, rs->res.key[i],
			    kind_len(rs->res.key[i], rs->res.keylen[i]),
			    NULL)) < 0)
				return -ENOMEM;
			rs->kd[n].kind = (size_t)k;
			rs->kd[n++].day = rs->r[i].first_day;
		}
		if (n > 1)
			qsort(rs->kd, n, sizeof(*rs->kd), cmp_kday);
		for (i = 0; i < n; i++)
			if (rs->nkd == 0 || cmp_kday(&rs->kd[rs->nkd - 1],
			    &rs->kd[i]) != 0)
				rs->kd[rs->nkd++] = rs->kd[i];
	}
	return 0;
}

/* The group's pooled figures (every member, u too) for kind on day. */
static const struct pooled *
group_pool(struct run *x, const struct det_user *u, size_t kind, int64_t day)
{
	struct sl_detect *d = x->d;
	uint64_t key[3] = { u->group, kind, (uint64_t)day };
	struct pooled *p;
	ssize_t k;
	size_t vi;
	int added;

	if ((k = det_map_put(&x->pool, (const char *)key, sizeof(key),
	    &added)) < 0)
		return NULL;
	if ((size_t)k >= x->cappooled) {
		size_t cap = x->cappooled ? x->cappooled * 2 : 64;
		struct pooled *v = realloc(x->pooled, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		x->pooled = v;
		x->cappooled = cap;
	}
	p = &x->pooled[k];
	if (!added)
		return p;
	p->active = p->hits = 0;
	for (vi = 0; vi < d->nusers; vi++)
		if (d->users[vi]->group == u->group)
			routine(d, d->users[vi], d->users[vi]->state[x->rule],
			    kind, day, &p->active, &p->hits);
	return p;
}

/* The user's candidates into x->c. */
static int
candidates(struct run *x, const struct det_user *u)
{
	struct sl_detect *d = x->d;
	const struct rstate *rs = u->state[x->rule];
	double few = det_param(d, x->rule, "few-users");
	double nobody = det_param(d, x->rule, "nobody-users");
	double share = det_param(d, x->rule, "routine-share");
	size_t i;

	x->nc = 0;
	for (i = 0; i < rs->n; i++) {
		const struct racc *r = &rs->r[i];
		const struct pooled *p;
		struct cand *c;
		size_t others, active = 0, hits = 0, ga, gh;
		ssize_t kind;
		int64_t day;
		double own, grp;
		int bump = 0;

		/* New: no access on another day (leave one day out), or
		 * none before the judged period. */
		if (r->first == INT64_MIN || (d->loo ?
		    r->first_day != r->last_day : r->before))
			continue;
		others = x->users[det_map_find(&x->all, rs->res.key[i],
		    rs->res.keylen[i])] - 1;
		if ((double)others > few)
			continue;
		kind = det_map_find(&x->kinds, rs->res.key[i],
		    kind_len(rs->res.key[i], rs->res.keylen[i]));
		day = det_day(d, r->first);
		routine(d, u, rs, (size_t)kind, day, &active, &hits);
		/* Without a baseline day of their own, everything is new to
		 * the user (their first days, a newcomer): "first" says
		 * nothing.  Their routine: nothing to say either. */
		if (active == 0)
			continue;
		own = (double)hits / (double)active;
		if (own >= share)
			continue;
		if ((p = group_pool(x, u, (size_t)kind, day)) == NULL)
			return -ENOMEM;
		ga = p->active - active;
		gh = p->hits - hits;
		grp = ga ? (double)gh / (double)ga : 0;
		if (ga > 0 && grp >= share)
			bump--;
		if ((double)others <= nobody && ((r->nopurpose &&
		    x->recorded) || r->exported))
			bump++;
		if (x->nc == x->capc) {
			size_t cap = x->capc ? x->capc * 2 : 16;
			struct cand *v = realloc(x->c, cap * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			x->c = v;
			x->capc = cap;
		}
		c = &x->c[x->nc++];
		c->r = i;
		c->sess = r->sess;
		c->first = r->first;
		c->others = others;
		c->kind = (size_t)kind;
		c->bump = bump;
		c->active = active;
		c->hits = hits;
		c->grp = grp;
	}
	if (x->nc > 1)
		qsort(x->c, x->nc, sizeof(*x->c), cmp_cand);
	return 0;
}

/* One alert for the candidates c[0..n) of one session. */
static int
emit(struct run *x, const struct det_user *u, const struct cand *c, size_t n)
{
	const struct rstate *rs = u->state[x->rule];
	struct sl_buf *b = &x->b;
	struct det_evid ev;
	int64_t start = INT64_MAX, end = INT64_MIN;
	size_t i;
	int rc = 0;

	memset(&ev, 0, sizeof(ev));
	for (i = 0; i < n && rc == 0; i++) {
		const struct racc *r = &rs->r[c[i].r];

		if (ev.n < DET_EVID_MAX) {
			b->n = 0;
			if ((rc = sl_buf_printf(b, "%s:%llu",
			    rs->origins.key[r->origin],
			    (unsigned long long)r->line)) < 0 ||
			    (ev.v[ev.n] = strdup(b->p)) == NULL)
				break;
			ev.n++;
		}
		ev.events++;
		if (ev.first_key == NULL || r->first < ev.first_time) {
			free(ev.first_key);
			if ((ev.first_key = strdup(r->first_key)) == NULL)
				break;
			ev.first_time = r->first;
		}
		if (r->first < start)
			start = r->first;
		if (r->first > end)
			end = r->first;
	}
	if (rc < 0 || i < n || (ev.session = strdup(
	    rs->sessions.key[c[0].sess])) == NULL) {
		det_evid_release(&ev);
		return -ENOMEM;
	}
	b->n = 0;
	if (n == 1)
		rc = sl_buf_printf(b, "first access to ");
	else
		rc = sl_buf_printf(b, "first access to %zu resources few "
		    "others use: ", n);
	for (i = 0; i < n && i < NAMED_MAX && rc == 0; i++) {
		const struct racc *r = &rs->r[c[i].r];

		rc = sl_buf_printf(b, "%s\"%s\" (used by %zu other user%s%s%s)",
		    i ? ", " : "", rs->res.key[c[i].r], c[i].others,
		    c[i].others == 1 ? "" : "s",
		    r->nopurpose && x->recorded ? "; no purpose" : "",
		    r->exported ? "; exported" : "");
	}
	if (rc == 0 && n > NAMED_MAX)
		rc = sl_buf_printf(b, " and %zu more", n - NAMED_MAX);
	if (rc == 0)
		rc = sl_buf_printf(b, "; own baseline days with a first "
		    "access to a rare \"%s\" resource: %zu of %zu, group's: "
		    "%.0f%%", x->kinds.key[c[0].kind], c[0].hits, c[0].active,
		    c[0].grp * 100);
	if (rc == 0)
		rc = det_emit(x->d, x->rule, u, c[0].bump, start, end,
		    (double)c[0].others, c[0].active ? (double)c[0].hits /
		    (double)c[0].active : 0,
		    det_param(x->d, x->rule, "few-users"), &ev, "%s", b->p);
	det_evid_release(&ev);
	return rc < 0 ? -ENOMEM : 0;
}

static int
r_run(struct sl_detect *d, int rule)
{
	struct run x;
	size_t ui, i, j;
	int rc;

	memset(&x, 0, sizeof(x));
	x.d = d;
	x.rule = rule;
	if ((rc = census(&x, det_param(d, rule, "few-users"))) < 0)
		goto out;
	for (ui = 0; ui < d->nusers; ui++) {
		if ((rc = candidates(&x, d->users[ui])) < 0)
			goto out;
		for (i = 0; i < x.nc; i = j) {
			for (j = i + 1; j < x.nc && x.c[j].sess == x.c[i].sess;
			    j++)
				;
			if ((rc = emit(&x, d->users[ui], &x.c[i], j - i)) < 0)
				goto out;
		}
	}
out:
	det_map_release(&x.all);
	det_map_release(&x.kinds);
	det_map_release(&x.pool);
	free(x.users);
	free(x.pooled);
	free(x.c);
	sl_buf_release(&x.b);
	return rc;
}

/* A peer: whether its sources record purposes, and each resource it
 * used with its first day; its own first accesses are judged in its
 * shard. */
static int
r_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	const struct rstate *rs = st;
	size_t i;

	(void)d;
	(void)rule;
	(void)u;
	if (sl_buf_printf(b, " %d %zu", rs->purposes, rs->n) < 0)
		return -ENOMEM;
	for (i = 0; i < rs->n; i++)
		if (sl_buf_printf(b, " %lld",
		    (long long)rs->r[i].first_day) < 0 ||
		    det_buf_hex(b, rs->res.key[i], rs->res.keylen[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int
r_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	struct rstate *rs = st;
	char *key;
	size_t i, n, kn;
	int64_t day;
	int added;

	(void)d;
	(void)rule;
	(void)u;
	rs->purposes = det_rd_int(r) != 0;
	n = det_rd_count(r, 2);
	if (r->bad || n == 0)
		return 0;
	if ((rs->r = calloc(n, sizeof(*rs->r))) == NULL)
		return -ENOMEM;
	rs->cap = n;
	for (i = 0; i < n && !r->bad; i++) {
		day = det_rd_int(r);
		if (det_rd_hex(r, &key, &kn) < 0)
			return -ENOMEM;
		if (r->bad)
			break;
		if (det_map_put(&rs->res, key, kn, &added) < 0) {
			free(key);
			return -ENOMEM;
		}
		free(key);
		/* A resource twice: not a line save wrote. */
		if (!added) {
			r->bad = 1;
			break;
		}
		rs->r[rs->n].first_day = rs->r[rs->n].last_day = day;
		rs->r[rs->n].first = INT64_MIN;
		rs->n++;
	}
	return 0;
}

const struct det_rule det_rule_rare = {
	.name = "rare-access",
	.level = SL_LEVEL_LOW,
	.params = params,
	.size = sizeof(struct rstate),
	.add = r_add,
	.run = r_run,
	.release = r_release,
	.save = r_save,
	.load = r_load,
};
