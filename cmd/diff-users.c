/* diff-users.c: compare a user with another, with peers, or with their own
 * past, dimension by dimension. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "filter.h"
#include "out.h"
#include "util.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TERM_TOP 10	/* item lines per dimension on a terminal */
#define ITEM_WIDTH 44	/* widest item column on a terminal */

/* The dimensions (--dimension), in the order they are printed. */
enum dim {
	D_RESOURCE, D_ACTION, D_QUERY, D_TERM, D_PURPOSE, D_SRC, D_HOUR,
	D_WEEKDAY, D_SESSION, D_ACTIVITY, D_EXPORT, D__COUNT
};

/* How a dimension is compared: counted items (Jaccard of multisets),
 * shares of a distribution (1 - total variation distance), volumes
 * (ratios). */
enum kind { K_SET, K_DIST, K_VOL };

/*
 * Each dimension's threshold: a similarity below it is a difference.
 * sessionlog(7), DIFF-USERS DIMENSIONS, says why each is where it is;
 * change both together.
 */
static const struct dimdef {
	const char *name;
	int kind;
	int map;		/* enum sl_usage_map of a K_SET dimension */
	double threshold;
} dims[D__COUNT] = {
	{ "resource", K_SET, SL_USAGE_RESOURCE, 0.5 },
	{ "action", K_DIST, -1, 0.8 },
	{ "query", K_SET, SL_USAGE_QUERY, 0.2 },
	{ "term", K_SET, SL_USAGE_TERM, 0.3 },
	{ "purpose", K_SET, SL_USAGE_PURPOSE, 0.3 },
	{ "src", K_SET, SL_USAGE_SRC, 0.5 },
	{ "hour", K_DIST, -1, 0.6 },
	{ "weekday", K_DIST, -1, 0.6 },
	{ "session", K_VOL, -1, 0.5 },
	{ "activity", K_VOL, -1, 0.5 },
	{ "export", K_VOL, -1, 0.5 },
};

static const char *const hour_names[24] = {
	"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
	"11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21",
	"22", "23",
};
static const char *const wday_names[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

/* Flags of an item, about the subject (A; the window after --split). */
#define F_FIRST 0x1	/* first time for this user */
#define F_UNCOMMON 0x2	/* uncommon for this user */
#define F_PEERS 0x4	/* uncommon among peers */
#define UNCOMMON_FACTOR 4.0	/* share (rate) against the history's */
#define PEERS_FACTOR 2.0	/* value against the peers' median */

enum form { FORM_TWO, FORM_PEERS, FORM_SPLIT, FORM_SIMILAR, FORM_PAIRS };

#define SIM_TOP 20	/* users or pairs listed by default */
#define SIM_ITEMS 5	/* shared items shown for each */

/* One item of a dimension: a key (borrowed from a usage or static) and
 * its value. */
struct item {
	const char *key;
	size_t n;
	double v;
	int group;		/* action: 0 actions, 1 outcomes */
};

struct vec {
	struct item *v;
	size_t n;
	double total[2];	/* sums of the values of each group */
};

/* A line of the comparison. */
struct row {
	const char *key;
	size_t n;
	double l, r, score;
	unsigned flags;
};

struct dres {
	double sim, nl, nr;
	int differs;
	struct row *rows;
	size_t nrows;
};

/* One user to read: the window (two for --split) and what came before. */
struct job {
	const char *user;	/* ulen bytes, any byte */
	size_t ulen;
	int want_hist;
	struct sl_usage *win[2], *hist;
	int trouble;
};

struct opts {
	int form, json, header;
	size_t top;
	int top_set;
	unsigned want;		/* bit per enum dim */
	struct cli_filter f;
	int64_t since, until, split, gap;
	const char *split_arg;
	unsigned actions, outcomes;
};

struct work {
	const struct opts *o;
	const char *casedir;
	struct sl_case *shared;
	struct job *jobs;
	size_t njobs, next;
	pthread_mutex_t lock;
	int trouble;
	/* --similar, --pairs: each user's items go to the index as soon
	 * as read, and the usage is freed. */
	struct sl_sim *sim;
	unsigned kinds;		/* of sl_sim_add_usage */
};

static const struct option longopts[] = {
	{ "case", required_argument, NULL, 'C' },
	{ "jobs", required_argument, NULL, 'j' },
#define LONGOPT(name, has, val) { name, has, NULL, val },
	LONGOPT("action", required_argument, CHAR_MAX + 1)
	LONGOPT("dimension", required_argument, CHAR_MAX + 2)
	LONGOPT("gap", required_argument, CHAR_MAX + 3)
	LONGOPT("groups", required_argument, CHAR_MAX + 4)
	LONGOPT("group-column", required_argument, CHAR_MAX + 5)
	LONGOPT("help", no_argument, CHAR_MAX + 6)
	LONGOPT("hours", required_argument, CHAR_MAX + 7)
	LONGOPT("json", no_argument, CHAR_MAX + 8)
	LONGOPT("no-header", no_argument, CHAR_MAX + 9)
	LONGOPT("outcome", required_argument, CHAR_MAX + 10)
	LONGOPT("pairs", no_argument, CHAR_MAX + 11)
	LONGOPT("peers", required_argument, CHAR_MAX + 12)
	LONGOPT("profile", required_argument, CHAR_MAX + 13)
	LONGOPT("rank", required_argument, CHAR_MAX + 14)
	LONGOPT("similar", required_argument, CHAR_MAX + 15)
	LONGOPT("since", required_argument, CHAR_MAX + 16)
	LONGOPT("split", required_argument, CHAR_MAX + 17)
	LONGOPT("top", required_argument, CHAR_MAX + 18)
	LONGOPT("tz", required_argument, CHAR_MAX + 19)
	LONGOPT("until", required_argument, CHAR_MAX + 20)
	LONGOPT("version", no_argument, CHAR_MAX + 21)
	LONGOPT("weekdays", required_argument, CHAR_MAX + 22)
	LONGOPT("year", required_argument, CHAR_MAX + 23)
	LONGOPT("follow", no_argument, CHAR_MAX + 24)
#undef LONGOPT
	{ NULL, 0, NULL, 0 }
};

enum {
	OPT_ACTION = CHAR_MAX + 1, OPT_DIMENSION, OPT_GAP, OPT_GROUPS,
	OPT_GROUP_COLUMN, OPT_HELP, OPT_HOURS, OPT_JSON, OPT_NO_HEADER,
	OPT_OUTCOME, OPT_PAIRS, OPT_PEERS, OPT_PROFILE, OPT_RANK, OPT_SIMILAR,
	OPT_SINCE, OPT_SPLIT, OPT_TOP, OPT_TZ, OPT_UNTIL, OPT_VERSION,
	OPT_WEEKDAYS, OPT_YEAR, OPT_FOLLOW,
};

static void
usage(FILE *fp)
{
	fputs("usage: diff-users [-C case] [-j jobs] [--action action] "
	    "[--dimension name]\n"
	    "                  [--gap duration] [--hours HH:MM-HH:MM] "
	    "[--json] [--no-header]\n"
	    "                  [--outcome outcome] [--profile name] "
	    "[--since time]\n"
	    "                  [--top num] [--tz zone] [--until time] "
	    "[--weekdays days]\n"
	    "                  [--year year] [--follow]\n"
	    "                  user1 user2 [-- source ...]\n"
	    "       diff-users [options] user --peers users|@file|all|group\n"
	    "                  [--groups file [--group-column name]] "
	    "[-- source ...]\n"
	    "       diff-users [options] user --split time [-- source ...]\n"
	    "       diff-users [options] --similar user | --pairs\n"
	    "                  [--rank weighted|sum|shared|jaccard] "
	    "[-- source ...]\n", fp);
}

/* ---- reading the users --------------------------------------------------- */

static struct sl_usage *
new_usage(const struct opts *o)
{
	struct sl_usage_opts uo;
	struct sl_usage *u;

	sl_usage_opts_init(&uo);
	uo.tz = o->f.tz;
	if ((u = sl_usage_new(&uo)) == NULL)
		cli_die("out of memory");
	return u;
}

static void
add(struct sl_usage *u, const struct sl_step *st)
{
	if (u != NULL && sl_usage_add(u, st) < 0)
		cli_die("out of memory");
}

/* The user's windows, and their history when flags want it: the events
 * before since (before the split date for --split). */
static void
read_user(struct work *w, struct sl_case *c, struct job *j)
{
	const struct opts *o = w->o;
	struct sl_cursor *cur;
	struct sl_step st;
	int64_t t;
	int rc;

	j->win[0] = new_usage(o);
	if (o->form == FORM_SPLIT)
		j->win[1] = new_usage(o);
	if (j->want_hist)
		j->hist = new_usage(o);
	cur = sl_cursor_open(&c, 1, j->user, j->ulen,
	    j->want_hist ? INT64_MIN : o->since, o->until, o->gap);
	if (cur == NULL)
		cli_die("out of memory");
	while ((rc = sl_cursor_next(cur, &st)) > 0) {
		if (!st.in_range || !cli_filter_event(&o->f, o->actions,
		    o->outcomes, st.ev))
			continue;
		t = st.ev->time;
		if (o->form == FORM_SPLIT) {
			if (t < o->split)
				add(j->hist, &st);
			if (t < o->since)
				continue;
			add(j->win[t < o->split ? 0 : 1], &st);
		} else if (t < o->since)
			add(j->hist, &st);
		else
			add(j->win[0], &st);
	}
	if (rc < 0) {
		char *q = cli_name_quote(j->user, j->ulen);

		pthread_mutex_lock(&w->lock);
		cli_warn("cannot read the timeline of %s: %s", q,
		    sl_cursor_error(cur));
		pthread_mutex_unlock(&w->lock);
		free(q);
		j->trouble = 1;
	}
	sl_cursor_free(cur);
}

/* The user's items into the similar-users index (one thread at a time on
 * it: the reading is what takes long). */
static void
index_user(struct work *w, struct job *j)
{
	int k, rc = 0;

	pthread_mutex_lock(&w->lock);
	k = sl_sim_user(w->sim, j->user, j->ulen);
	if (k < 0 || (rc = sl_sim_add_usage(w->sim, k, j->win[0],
	    w->kinds)) < 0)
		cli_die("the similar-users index: %s", strerror(k < 0 ? -k :
		    -rc));
	pthread_mutex_unlock(&w->lock);
	sl_usage_free(j->win[0]);
	j->win[0] = NULL;
}

static void *
worker(void *arg)
{
	struct work *w = arg;
	struct sl_case *c;
	char err[512];
	size_t i;

	/* A case is not shared between threads: each opens its own, but
	 * for the scratch case of raw sources (one thread then). */
	if ((c = w->shared) == NULL && (c = sl_case_open(w->casedir, 0,
	    err, sizeof(err))) == NULL) {
		pthread_mutex_lock(&w->lock);
		cli_warn("%s", err);
		w->trouble = 1;
		pthread_mutex_unlock(&w->lock);
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&w->lock);
		i = w->next++;
		pthread_mutex_unlock(&w->lock);
		if (i >= w->njobs)
			break;
		read_user(w, c, &w->jobs[i]);
		if (w->sim != NULL)
			index_user(w, &w->jobs[i]);
	}
	if (c != w->shared)
		sl_case_free(c);
	return NULL;
}

/* Read the jobs in parallel, each thread with its case; the results are
 * in the jobs, in their order, whatever the number of threads. */
static void
run_jobs(struct work *w, size_t njobs)
{
	pthread_t *th;
	size_t i;

	pthread_mutex_init(&w->lock, NULL);
	if (njobs > w->njobs)
		njobs = w->njobs > 0 ? w->njobs : 1;
	th = xcalloc(njobs, sizeof(*th));
	for (i = 0; i < njobs; i++)
		if (pthread_create(&th[i], NULL, worker, w) != 0)
			cli_die("cannot start a thread");
	for (i = 0; i < njobs; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&w->lock);
}

/* ---- the dimensions of a usage ------------------------------------------- */

static int
cmp_key(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	int c = n > 0 ? memcmp(a, b, n) : 0;

	if (c != 0)
		return c;
	return (an > bn) - (an < bn);
}

static int
cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return cmp_key(x->key, x->n, y->key, y->n);
}

static void
vec_add(struct vec *v, const char *key, size_t n, double val, int group)
{
	v->v = xrealloc(v->v, v->n + 1, sizeof(*v->v));
	v->v[v->n].key = key;
	v->v[v->n].n = n;
	v->v[v->n].v = val;
	v->v[v->n].group = group;
	v->n++;
	v->total[group] += val;
}

static void
vec_adds(struct vec *v, const char *key, double val, int group)
{
	vec_add(v, key, strlen(key), val, group);
}

/* Dimension d of usage u into v, sorted by key.  Items of counted and
 * distributed dimensions are those with a value; volumes are all there. */
static void
vec_build(struct sl_usage *u, int d, struct vec *v)
{
	const struct sl_usage_figures *f = sl_usage_figures(u);
	const struct sl_usage_item *it;
	uint64_t h[24] = { 0 }, wd[7] = { 0 };
	size_t i, n;
	double mean;

	memset(v, 0, sizeof(*v));
	switch (d) {
	case D_ACTION:
		for (i = 0; i < SL_ACT__COUNT; i++)
			if (f->actions[i] > 0)
				vec_adds(v, sl_action_name((int)i),
				    (double)f->actions[i], 0);
		for (i = 0; i < SL_OUT__COUNT; i++)
			if (f->outcomes[i] > 0)
				vec_adds(v, sl_outcome_name((int)i),
				    (double)f->outcomes[i], 1);
		break;
	case D_HOUR:
	case D_WEEKDAY:
		for (i = 0; i < SL_USAGE_HOURS; i++) {
			h[i % 24] += f->hours[i];
			wd[i / 24] += f->hours[i];
		}
		if (d == D_HOUR) {
			for (i = 0; i < 24; i++)
				if (h[i] > 0)
					vec_adds(v, hour_names[i],
					    (double)h[i], 0);
		} else
			for (i = 0; i < 7; i++)
				if (wd[i] > 0)
					vec_adds(v, wday_names[i],
					    (double)wd[i], 0);
		break;
	case D_SESSION:
		mean = f->sessions > 0 ? (double)f->session_total /
		    (double)f->sessions / 1e6 : 0;
		vec_adds(v, "sessions", (double)f->sessions, 0);
		vec_adds(v, "mean-seconds", (double)(int64_t)(mean + 0.5), 0);
		vec_adds(v, "longest-seconds",
		    (double)(f->session_longest / 1000000), 0);
		break;
	case D_ACTIVITY:
		vec_adds(v, "events", (double)f->events, 0);
		vec_adds(v, "days", (double)f->days, 0);
		/* Two decimals: what a reader compares. */
		vec_adds(v, "events-per-day", f->days > 0 ?
		    (double)(int64_t)((double)f->events / (double)f->days *
		    100 + 0.5) / 100 : 0, 0);
		break;
	case D_EXPORT:
		vec_adds(v, "exports", (double)f->exports, 0);
		vec_adds(v, "records", (double)f->export_records, 0);
		vec_adds(v, "bytes", (double)f->export_bytes, 0);
		break;
	default:
		if (sl_usage_list(u, dims[d].map, SL_USAGE_BY_KEY, SIZE_MAX,
		    &it, &n) < 0)
			cli_die("out of memory");
		/* The keys belong to the usage's map, not to the list. */
		for (i = 0; i < n; i++) {
			struct sl_usage_item one;

			sl_usage_get(u, dims[d].map, it[i].key.p, it[i].key.n,
			    &one);
			vec_add(v, one.key.p, one.key.n, (double)one.count,
			    0);
		}
		break;
	}
	if (v->n > 1)
		qsort(v->v, v->n, sizeof(*v->v), cmp_item);
}

static const struct item *
vec_find(const struct vec *v, const char *key, size_t n)
{
	size_t lo = 0, hi = v->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = cmp_key(key, n, v->v[mid].key, v->v[mid].n);
		if (c == 0)
			return &v->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static void
vec_release(struct vec *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

static size_t
vec_items(const struct vec *v)
{
	size_t i, k = 0;

	for (i = 0; i < v->n; i++)
		k += v->v[i].v > 0;
	return k;
}

/* An item's value as the comparison sees it: its share of its group for
 * a distribution, else itself. */
static double
value_of(int d, const struct vec *v, const struct item *it)
{
	double t;

	if (it == NULL)
		return 0;
	if (dims[d].kind != K_DIST)
		return it->v;
	t = v->total[it->group];
	return t > 0 ? it->v / t : 0;
}

/* ---- comparing ----------------------------------------------------------- */

/*
 * Dimension d of L against R: the similarity, and with rows set each
 * item's line (score: its part of 1 - similarity for counted items and
 * distributions, 1 - its ratio for volumes).
 */
static double
compare(int d, const struct vec *L, const struct vec *R, struct dres *res)
{
	size_t i = 0, j = 0, ngroups = d == D_ACTION ? 2 : 1, g;
	double summin = 0, summax = 0, sim = 1, dmin[2] = { 0, 0 };
	double l, r, p, q, pass;
	const struct item *a, *b;
	struct row *row;

	/* Two passes: sums first, then the lines that need them. */
	for (pass = 0; pass < (res != NULL ? 2 : 1); pass++) {
		i = j = 0;
		while (i < L->n || j < R->n) {
			int c;

			a = i < L->n ? &L->v[i] : NULL;
			b = j < R->n ? &R->v[j] : NULL;
			c = a == NULL ? 1 : b == NULL ? -1 :
			    cmp_key(a->key, a->n, b->key, b->n);
			if (c < 0)
				b = NULL, i++;
			else if (c > 0)
				a = NULL, j++;
			else
				i++, j++;
			l = a != NULL ? a->v : 0;
			r = b != NULL ? b->v : 0;
			g = a != NULL ? a->group : b->group;
			p = value_of(d, L, a);
			q = value_of(d, R, b);
			if (pass == 0) {
				if (dims[d].kind == K_SET) {
					summin += l < r ? l : r;
					summax += l > r ? l : r;
				} else if (dims[d].kind == K_DIST)
					dmin[g] += p < q ? p : q;
				else if (l != r && (l > r ? r / l :
				    l / r) < sim)
					sim = l > r ? r / l : l / r;
				continue;
			}
			res->rows = xrealloc(res->rows, res->nrows + 1,
			    sizeof(*res->rows));
			row = &res->rows[res->nrows++];
			memset(row, 0, sizeof(*row));
			row->key = a != NULL ? a->key : b->key;
			row->n = a != NULL ? a->n : b->n;
			row->l = l;
			row->r = r;
			if (dims[d].kind == K_SET)
				row->score = summax > 0 ? (l > r ? l - r :
				    r - l) / summax : 0;
			else if (dims[d].kind == K_DIST)
				row->score = (p > q ? p - q : q - p) / 2 /
				    (double)ngroups;
			else
				row->score = l == r ? 0 : 1 - (l > r ? r / l :
				    l / r);
		}
		if (pass > 0)
			break;
		if (dims[d].kind == K_SET)
			sim = summax > 0 ? summin / summax : 1;
		else if (dims[d].kind == K_DIST) {
			sim = 0;
			for (g = 0; g < ngroups; g++)
				sim += L->total[g] == 0 && R->total[g] == 0 ?
				    1 : dmin[g];
			sim /= (double)ngroups;
		}
	}
	if (res != NULL) {
		res->sim = sim;
		res->nl = (double)vec_items(L);
		res->nr = (double)vec_items(R);
	}
	return sim;
}

/* A volume's rate, to compare a window with its history: per active day
 * for counts, as it is for lengths and rates. */
static double
vol_rate(const struct item *it, const struct sl_usage_figures *f)
{
	if (strcmp(it->key, "mean-seconds") == 0 ||
	    strcmp(it->key, "longest-seconds") == 0 ||
	    strcmp(it->key, "events-per-day") == 0 ||
	    strcmp(it->key, "days") == 0)
		return it->v;
	return f->days > 0 ? it->v / (double)f->days : 0;
}

/*
 * The flags of the subject's items from its history H (events before the
 * window): first time (nothing like it before), uncommon (its share, or
 * rate, at least UNCOMMON_FACTOR times the history's).
 */
static unsigned
hist_flags(int d, const struct vec *S, const struct sl_usage *su,
    const struct vec *H, const struct sl_usage *hu, const char *key,
    size_t n)
{
	const struct sl_usage_figures *sf = sl_usage_figures(su);
	const struct sl_usage_figures *hf = sl_usage_figures(hu);
	const struct item *s = vec_find(S, key, n), *h;
	double sv, hv;

	if (s == NULL || s->v <= 0 || hf->events == 0)
		return 0;
	if (strcmp(dims[d].name, "activity") == 0 &&
	    strcmp(s->key, "days") == 0)
		return 0;
	h = vec_find(H, key, n);
	if (dims[d].kind == K_VOL) {
		sv = vol_rate(s, sf);
		hv = h != NULL ? vol_rate(h, hf) : 0;
	} else if (dims[d].kind == K_DIST) {
		sv = value_of(d, S, s);
		hv = value_of(d, H, h);
	} else {
		sv = s->v / (double)sf->events;
		hv = h != NULL ? h->v / (double)hf->events : 0;
	}
	if (hv <= 0)
		return F_FIRST;
	return sv >= UNCOMMON_FACTOR * hv ? F_UNCOMMON : 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	if (n == 0)
		return 0;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A key of any of the vectors, and whose. */
struct ent {
	const char *key;
	size_t n;
	size_t who;		/* 0 the subject, 1.. the peers */
	double v, raw;
};

static int
cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	int c = cmp_key(x->key, x->n, y->key, y->n);

	if (c != 0)
		return c;
	return (x->who > y->who) - (x->who < y->who);
}

/*
 * The subject A against its peers P[0..np): each item's left is A's
 * value, right the peers' median, score the percentile of A among them
 * (mid-rank; of the shares for a distribution); the similarity is the
 * median of A's similarity with each peer.
 */
static void
compare_peers(int d, const struct vec *A, const struct vec *P, size_t np,
    struct dres *res)
{
	struct ent *e = NULL;
	size_t ne = 0, i, k, g, gend;
	double *vals = xcalloc(np + 1, sizeof(*vals));
	double *raws = xcalloc(np + 1, sizeof(*raws));
	double a, araw, below, equal, mx;
	struct row *row;

	for (i = 0; i < np; i++)
		vals[i] = compare(d, A, &P[i], NULL);
	res->sim = median(vals, np);
	res->nl = (double)vec_items(A);
	for (i = 0; i < np; i++)
		vals[i] = (double)vec_items(&P[i]);
	res->nr = median(vals, np);
	for (k = 0; k <= np; k++) {
		const struct vec *v = k == 0 ? A : &P[k - 1];

		e = xrealloc(e, ne + v->n + 1, sizeof(*e));
		for (i = 0; i < v->n; i++) {
			e[ne].key = v->v[i].key;
			e[ne].n = v->v[i].n;
			e[ne].who = k;
			e[ne].v = value_of(d, v, &v->v[i]);
			e[ne].raw = v->v[i].v;
			ne++;
		}
	}
	if (ne > 1)
		qsort(e, ne, sizeof(*e), cmp_ent);
	for (g = 0; g < ne; g = gend) {
		for (gend = g + 1; gend < ne && cmp_key(e[g].key, e[g].n,
		    e[gend].key, e[gend].n) == 0; gend++)
			;
		a = araw = 0;
		memset(vals, 0, np * sizeof(*vals));
		memset(raws, 0, np * sizeof(*raws));
		for (i = g; i < gend; i++) {
			if (e[i].who == 0) {
				a = e[i].v;
				araw = e[i].raw;
			} else {
				vals[e[i].who - 1] = e[i].v;
				raws[e[i].who - 1] = e[i].raw;
			}
		}
		below = equal = 0;
		mx = 0;
		for (i = 0; i < np; i++) {
			below += vals[i] < a;
			equal += vals[i] == a;
			if (vals[i] > mx)
				mx = vals[i];
		}
		res->rows = xrealloc(res->rows, res->nrows + 1,
		    sizeof(*res->rows));
		row = &res->rows[res->nrows++];
		memset(row, 0, sizeof(*row));
		row->key = e[g].key;
		row->n = e[g].n;
		row->l = araw;
		row->r = median(raws, np);
		row->score = np > 0 ? 100 * (below + equal / 2) /
		    (double)np : 0;
		/* Above every peer, and well above the typical one. */
		if (np > 0 && a > mx && a >= PEERS_FACTOR * median(vals, np))
			row->flags |= F_PEERS;
	}
	free(e);
	free(vals);
	free(raws);
}

static int
popcount(unsigned x)
{
	int n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

static int sort_peers;

/* Most distinctive first: the most flags, then the highest score, then
 * (peers) the largest value; ties by key. */
static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int fx = popcount(x->flags), fy = popcount(y->flags);

	if (fx != fy)
		return fy - fx;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	if (sort_peers && x->l != y->l)
		return x->l < y->l ? 1 : -1;
	return cmp_key(x->key, x->n, y->key, y->n);
}

/* ---- output -------------------------------------------------------------- */

static void
flag_words(unsigned flags, struct sbuf *b)
{
	b->n = 0;
	sb_adds(b, "");
	if (flags & F_FIRST)
		sb_adds(b, "first");
	if (flags & F_UNCOMMON)
		sb_adds(b, b->n > 0 ? ",uncommon" : "uncommon");
	if (flags & F_PEERS)
		sb_adds(b, b->n > 0 ? ",peers-uncommon" : "peers-uncommon");
}

/* A value: a whole number as one, else two decimals. */
static const char *
fmt_value(double v, char *buf, size_t size)
{
	if (v == (double)(int64_t)v)
		snprintf(buf, size, "%lld", (long long)v);
	else
		snprintf(buf, size, "%.2f", v);
	return buf;
}

static double
round4(double v)
{
	return (double)(int64_t)(v * 10000 + 0.5) / 10000;
}

static void
put_value(struct out *o, const char *name, double v)
{
	if (v == (double)(int64_t)v)
		out_int(o, name, (int64_t)v);
	else
		out_num(o, name, round4(v));
}

static void
machine_dim(struct out *o, const struct opts *op, int d,
    const struct dres *r)
{
	struct sbuf fl = { NULL, 0, 0 };
	size_t i;

	out_begin(o, NULL);
	out_str(o, "dimension", dims[d].name, strlen(dims[d].name));
	out_str(o, "item", "*", 1);
	put_value(o, "left", r->nl);
	put_value(o, "right", r->nr);
	out_num(o, "score", round4(r->sim));
	out_str(o, "flag", r->differs ? "differs" : "",
	    r->differs ? 7 : 0);
	out_end(o);
	for (i = 0; i < r->nrows && (!op->top_set || i < op->top); i++) {
		const struct row *w = &r->rows[i];

		flag_words(w->flags, &fl);
		out_begin(o, NULL);
		out_str(o, "dimension", dims[d].name, strlen(dims[d].name));
		out_str(o, "item", w->key, w->n);
		put_value(o, "left", w->l);
		put_value(o, "right", w->r);
		out_num(o, "score", round4(w->score));
		out_str(o, "flag", fl.p, fl.n);
		out_end(o);
	}
	sb_release(&fl);
}

/* An item cut to width bytes without splitting a character. */
static size_t
cut_item(const char *p, size_t n, size_t width)
{
	if (n <= width)
		return n;
	n = width - 1;
	while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
		n--;
	return n;
}

static void
term_dim(const struct opts *op, int d, const struct dres *r)
{
	struct sbuf fl = { NULL, 0, 0 };
	size_t i, n, w = 4, top = op->top_set ? op->top : TERM_TOP;
	char a[64], b[64];

	printf("%-9s similarity %.2f, threshold %.2f%s\n", dims[d].name,
	    r->sim, dims[d].threshold, r->differs ? ": differs" : "");
	for (i = 0; i < r->nrows && i < top; i++) {
		n = cut_item(r->rows[i].key, r->rows[i].n, ITEM_WIDTH);
		if (n > w)
			w = n;
	}
	for (i = 0; i < r->nrows && i < top; i++) {
		const struct row *x = &r->rows[i];
		int mark = x->l > 0 && x->r == 0 ? '-' : x->l == 0 &&
		    x->r > 0 ? '+' : ' ';

		n = cut_item(x->key, x->n, ITEM_WIDTH);
		printf("  %c ", mark);
		cli_put_safe(stdout, x->key, n);
		printf("%s%*s", n < x->n ? "~" : " ",
		    (int)(w - n), "");
		printf(" %12s %12s", fmt_value(x->l, a, sizeof(a)),
		    fmt_value(x->r, b, sizeof(b)));
		if (op->form == FORM_PEERS)
			snprintf(a, sizeof(a), "p%.0f", x->score);
		else
			snprintf(a, sizeof(a), "%.3f", x->score);
		flag_words(x->flags, &fl);
		if (fl.n > 0)
			printf("  %-5s %s\n", a, fl.p);
		else
			printf("  %s\n", a);
	}
	if (r->nrows > top)
		printf("    (%zu more)\n", r->nrows - top);
	sb_release(&fl);
}

static void
put_quoted(const struct cli_name *u)
{
	char *q = cli_name_quote(u->p, u->n);

	fputs(q, stdout);
	free(q);
}

static void
window_text(const struct opts *o, int64_t from, int64_t to, char *buf,
    size_t size)
{
	char a[SL_TIME_TZ_LEN], b[SL_TIME_TZ_LEN];

	if (from == INT64_MIN)
		snprintf(a, sizeof(a), "the start");
	else
		sl_time_format_tz(from, cli_filter_print_tz(&o->f), a,
		    sizeof(a));
	if (to == INT64_MAX)
		snprintf(b, sizeof(b), "the end");
	else
		sl_time_format_tz(to, cli_filter_print_tz(&o->f), b,
		    sizeof(b));
	snprintf(buf, size, "from %s until %s", a, b);
}

/* Say so when a side has no events: a comparison with nothing. */
static void
empty_note(const struct opts *o, const struct cli_name *user,
    const char *what, int64_t from, int64_t to)
{
	char win[2 * SL_TIME_TZ_LEN + 32], *q;

	window_text(o, from, to, win, sizeof(win));
	q = cli_name_quote(user->p, user->n);
	cli_warn("%s has no events%s %s", q, what, win);
	free(q);
}

/* ---- --similar and --pairs ---------------------------------------------- */

/* The dimensions whose items --similar and --pairs compare, as kinds of
 * sl_sim_add_usage. */
static unsigned
sim_kinds(unsigned want)
{
	unsigned kinds = 0;
	size_t k;

	if (want == 0)
		want = 1u << D_RESOURCE | 1u << D_QUERY | 1u << D_TERM |
		    1u << D_SRC | 1u << D_HOUR;
	for (k = 0; k < D__COUNT; k++) {
		if (!(want & (1u << k)))
			continue;
		if (k == D_HOUR)
			kinds |= SL_SIM_HOURS;
		else if (dims[k].kind == K_SET && k != D_PURPOSE)
			kinds |= 1u << dims[k].map;
		else
			cli_die("--dimension: \"%s\" is not compared by "
			    "--similar and --pairs (resource, query, term, src, "
			    "hour)", dims[k].name);
	}
	return kinds;
}

static const char *
kind_name(int kind)
{
	size_t k;

	if (kind == SL_SIM_KIND_HOUR)
		return "hour";
	for (k = 0; k < D__COUNT; k++)
		if (dims[k].kind == K_SET && dims[k].map == kind)
			return dims[k].name;
	return "?";
}

/*
 * --similar (subject not NULL) or --pairs: every user of the case into
 * the index, then the most alike, each with the items they share that
 * tell most.  Returns the exit status.
 */
static int
similar_report(struct work *w, const struct opts *o, struct sl_case *c,
    const struct cli_name *subject, int rank, size_t njobs)
{
	struct sl_sim_opts so;
	const struct sl_sim_pair *pairs;
	const struct sl_sim_item *items;
	struct sbuf b = { NULL, 0, 0 };
	struct sl_str na, nb;
	struct out *out;
	size_t i, k, n, ni, nusers = sl_case_user_count(c);
	int rc, trouble = 0;

	sl_sim_opts_init(&so);
	so.rank = rank;
	so.threads = (unsigned)njobs;
	if ((w->sim = sl_sim_new(&so)) == NULL)
		cli_die("%s", strerror(errno));
	w->jobs = xcalloc(nusers + 1, sizeof(*w->jobs));
	for (i = 0; i < nusers; i++) {
		struct sl_str u = sl_case_user(c, i);

		w->jobs[w->njobs].user = u.p;
		w->jobs[w->njobs++].ulen = u.n;
	}
	run_jobs(w, njobs);
	trouble = w->trouble;
	for (i = 0; i < w->njobs; i++)
		trouble |= w->jobs[i].trouble;
	if (trouble)
		return EXIT_TROUBLE;

	if (subject != NULL) {
		rc = sl_sim_find(w->sim, subject->p, subject->n);
		if (rc < 0)
			cli_die("%s: not read", cli_name_quote(subject->p,
			    subject->n));
		rc = sl_sim_similar(w->sim, (size_t)rc, o->top_set ? o->top :
		    SIM_TOP, &pairs, &n);
	} else
		rc = sl_sim_pairs(w->sim, o->top_set ? o->top : SIM_TOP,
		    &pairs, &n);
	if (rc < 0)
		cli_die("the similar-users index: %s", strerror(-rc));
	out = out_new(stdout, out_format_for(stdout, o->json), o->header, 0,
	    NULL);
	out_fit(out, out_term_width(stdout), out_utf8() ? "\u2026" : "~");
	out_cut(out, "items", 1);
	for (i = 0; i < n; i++) {
		na = sl_sim_user_name(w->sim, pairs[i].a);
		nb = sl_sim_user_name(w->sim, pairs[i].b);
		if ((rc = sl_sim_shared(w->sim, pairs[i].a, pairs[i].b,
		    SIM_ITEMS, &items, &ni)) < 0)
			cli_die("the similar-users index: %s", strerror(-rc));
		b.n = 0;
		for (k = 0; k < ni; k++) {
			if (k > 0)
				sb_addc(&b, '\n');
			sb_adds(&b, kind_name(items[k].kind));
			sb_addc(&b, '=');
			sb_add(&b, items[k].key.p, items[k].key.n);
		}
		out_begin(out, NULL);
		out_int(out, "rank", (int64_t)i + 1);
		out_str(out, "user", na.p, na.n);
		out_str(out, "other", nb.p, nb.n);
		out_num(out, "score", round4(pairs[i].score));
		out_int(out, "shared", (int64_t)pairs[i].shared);
		out_num(out, "jaccard", round4(pairs[i].jaccard));
		out_list(out, "items", b.p != NULL ? b.p : "", b.n, NULL, 0);
		out_end(out);
	}
	out_flush(out);
	out_free(out);
	sb_release(&b);
	sl_sim_free(w->sim);
	w->sim = NULL;
	return n > 0 ? EXIT_FOUND : EXIT_NOTHING;
}

/* ---- main ---------------------------------------------------------------- */

static void
parse_dimension(struct opts *o, const char *arg)
{
	const char *p = arg, *e;
	size_t k, n;

	for (;;) {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		for (k = 0; k < D__COUNT; k++)
			if (strlen(dims[k].name) == n &&
			    memcmp(dims[k].name, p, n) == 0)
				break;
		if (k == D__COUNT)
			cli_die("--dimension: unknown dimension \"%.*s\" "
			    "(resource, action, query, term, purpose, src, "
			    "hour, weekday, session, activity, export)",
			    (int)n, p);
		o->want |= 1u << k;
		if (e == NULL)
			break;
		p = e + 1;
	}
}

/* Whether the name is p[0..n). */
static int
same_name(const struct cli_name *a, const char *p, size_t n)
{
	return a->n == n && (n == 0 || memcmp(a->p, p, n) == 0);
}

/* Whether the case holds the user; dies on another failure. */
static int
has_user(struct sl_case *c, const struct cli_name *user)
{
	struct sl_user_span span;
	int rc = sl_case_user_span(c, user->p, user->n, &span);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		cli_die("%s", sl_case_error(c));
	return 1;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct work w;
	struct cli_scratch scratch = { NULL, NULL };
	struct cli_cases cases = { NULL, 0 };
	struct cli_keep keep;
	struct cli_users keepers = { NULL, 0 }, peers = { NULL, 0 };
	struct sl_reader_opts ro;
	struct sl_case *c;
	struct sl_detect *det = NULL;
	struct sl_str grp = { "", 0 };
	const char *casedir = NULL, *peers_arg = NULL, *groups = NULL;
	const char *group_column = NULL, *similar = NULL;
	struct cli_name names[2] = { { NULL, 0 }, { NULL, 0 } };
	const struct cli_name *subject;
	struct cli_name *users;
	char **args, **sources = NULL, err[512], title[256];
	struct out *out = NULL;
	struct dres res[D__COUNT];
	struct vec *pv;
	uint64_t read_errors = 0;
	size_t i, k, nsources = 0, nusers, njobs = 0, np = 0, ndiff, nd;
	int ch, nargs, pairs = 0, trouble = 0, fmt, rank = SL_SIM_WEIGHTED;
	int rank_set = 0;
	unsigned kinds = 0;
	double overall;
	int rc;

	cli_progname = "diff-users";
	memset(&o, 0, sizeof(o));
	memset(&w, 0, sizeof(w));
	memset(res, 0, sizeof(res));
	sl_reader_opts_init(&ro);
	o.header = 1;
	o.gap = SL_GAP_DEFAULT;
	cli_filter_init(&o.f);
	args = xrealloc(NULL, (size_t)argc + 1, sizeof(*args));
	memcpy(args, argv, ((size_t)argc + 1) * sizeof(*args));
	nargs = argc - 1;

	/* Users are the arguments; raw sources follow the first "--". */
	for (i = 1; i < (size_t)argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sources = argv + i + 1;
			nsources = (size_t)argc - i - 1;
			argv[i] = NULL;
			argc = (int)i;
			if (nsources == 0)
				cli_die("no sources after \"--\"");
			break;
		}

	while ((ch = getopt_long(argc, argv, "C:hj:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			cli_cases_add(&cases, optarg);
			break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			cli_close_stdout();
			exit(0);
		case 'j':
			njobs = (size_t)cli_number("-j", optarg, 1, 256);
			break;
		case OPT_ACTION:
			o.actions |= cli_parse_set("--action", optarg,
			    sl_action_parse);
			break;
		case OPT_DIMENSION:
			parse_dimension(&o, optarg);
			break;
		case OPT_GAP:
			if (sl_duration_parse(optarg, &o.gap) < 0 ||
			    o.gap <= 0)
				cli_die("--gap: \"%s\" is not a duration "
				    "(like 30m, 90s, 1h)", optarg);
			break;
		case OPT_GROUPS:
			groups = optarg;
			break;
		case OPT_GROUP_COLUMN:
			group_column = optarg;
			break;
		case OPT_HOURS:
			cli_filter_hours(&o.f, optarg);
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_NO_HEADER:
			o.header = 0;
			break;
		case OPT_OUTCOME:
			o.outcomes |= cli_parse_set("--outcome", optarg,
			    sl_outcome_parse);
			break;
		case OPT_PAIRS:
			pairs = 1;
			break;
		case OPT_PEERS:
			peers_arg = optarg;
			break;
		case OPT_PROFILE:
			ro.profile = optarg;
			break;
		case OPT_RANK:
			if ((rank = sl_sim_rank_parse(optarg,
			    strlen(optarg))) < 0)
				cli_die("--rank: \"%s\" is not weighted, sum, "
				    "shared or jaccard", optarg);
			rank_set = 1;
			break;
		case OPT_SIMILAR:
			similar = optarg;
			break;
		case OPT_SINCE:
			o.f.since_arg = optarg;
			break;
		case OPT_SPLIT:
			o.split_arg = optarg;
			break;
		case OPT_TOP:
			o.top = (size_t)cli_number("--top", optarg, 1,
			    LONG_MAX);
			o.top_set = 1;
			break;
		case OPT_TZ:
			cli_filter_tz(&o.f, optarg);
			break;
		case OPT_UNTIL:
			o.f.until_arg = optarg;
			break;
		case OPT_VERSION:
			cli_version();
		case OPT_WEEKDAYS:
			cli_filter_weekdays(&o.f, optarg);
			break;
		case OPT_FOLLOW:
			ro.follow = 1;
			break;
		case OPT_YEAR:
			ro.year = cli_year(optarg);
			break;
		default:
			usage(stderr);
			exit(EXIT_TROUBLE);
		}
	}
	argc -= optind;
	argv += optind;
	cli_filter_check(&o.f);
	if ((similar != NULL) + pairs + (peers_arg != NULL) +
	    (o.split_arg != NULL) > 1)
		cli_die("--peers, --split, --similar and --pairs: one at a "
		    "time");
	if (rank_set && similar == NULL && !pairs)
		cli_die("--rank is for --similar and --pairs");
	o.form = peers_arg != NULL ? FORM_PEERS : o.split_arg != NULL ?
	    FORM_SPLIT : similar != NULL ? FORM_SIMILAR : pairs ?
	    FORM_PAIRS : FORM_TWO;
	if (argc != (o.form == FORM_TWO ? 2 : o.form >= FORM_SIMILAR ? 0 :
	    1)) {
		cli_warn("give two users, or one with --peers or --split, or "
		    "none with --similar or --pairs");
		usage(stderr);
		exit(EXIT_TROUBLE);
	}
	if (o.form >= FORM_SIMILAR)
		kinds = sim_kinds(o.want);
	if ((groups != NULL || group_column != NULL) &&
	    (peers_arg == NULL || strcmp(peers_arg, "group") != 0))
		cli_die("--groups and --group-column are for --peers group");
	if (peers_arg != NULL && strcmp(peers_arg, "group") == 0 &&
	    groups == NULL)
		cli_die("--peers group: give the groups file (--groups)");
	if (o.want == 0)
		o.want = (1u << D__COUNT) - 1;
	/* The users named: the subject, and the other of two. */
	for (i = 0; i < (size_t)argc; i++)
		cli_name_arg("user", argv[i], &names[i]);
	if (o.form == FORM_SIMILAR)
		cli_name_arg("--similar", similar, &names[0]);
	subject = &names[0];
	if (peers_arg != NULL && strcmp(peers_arg, "all") != 0 &&
	    strcmp(peers_arg, "group") != 0) {
		const char *p = peers_arg, *e;

		if (p[0] == '@')
			cli_users_add(&peers, p);
		else
			for (;;) {
				char *one;

				e = strchr(p, ',');
				k = e != NULL ? (size_t)(e - p) : strlen(p);
				one = xrealloc(NULL, k + 1, 1);
				memcpy(one, p, k);
				one[k] = '\0';
				if (k > 0)
					cli_users_add(&peers, one);
				free(one);
				if (e == NULL)
					break;
				p = e + 1;
			}
		if (peers.n == 0)
			cli_die("--peers: no users in \"%s\"", peers_arg);
		cli_users_sort(&peers);
	}
	if (groups != NULL) {
		if ((det = sl_detect_new(NULL)) == NULL)
			cli_die("out of memory");
		if (sl_detect_load_groups(det, groups, group_column) < 0)
			cli_die("--groups: %s", sl_detect_error(det));
		grp = sl_detect_group(det, subject->p, subject->n);
	}
	if (njobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		njobs = n < 1 ? 1 : n > 64 ? 64 : (size_t)n;
	}

	if (nsources > 0) {
		/* Raw sources into a scratch case: the users compared (every
		 * user for --peers all and group), everything before
		 * --until. */
		cli_filter_resolve(&o.f, NULL);
		ro.tz = o.f.tz_arg;
		if (o.form == FORM_TWO || o.form == FORM_SPLIT ||
		    (o.form == FORM_PEERS && peers.n > 0)) {
			for (i = 0; i < (size_t)argc; i++)
				cli_users_add_name(&keepers, names[i].p,
				    names[i].n);
			for (i = 0; i < peers.n; i++)
				cli_users_add_name(&keepers, peers.v[i].p,
				    peers.v[i].n);
			cli_users_sort(&keepers);
		}
		keep.users = &keepers;
		keep.until = o.f.until;
		c = cli_scratch_open(&scratch, (const char *const *)sources,
		    nsources, &ro, cli_keep_event, &keep, &read_errors);
		if (read_errors > 0)
			trouble = 1;
		casedir = scratch.dir;
		w.shared = c;
		njobs = 1;
	} else {
		c = cli_cases_open(&cases, &scratch, &casedir, "diff-users",
		    nargs, args + 1);
		cli_filter_resolve(&o.f, c);
	}
	o.since = o.f.since;
	o.until = o.f.until;
	if (o.since >= o.until)
		cli_die("--since is not before --until");
	if (o.split_arg != NULL) {
		if (sl_when_parse(o.split_arg, sl_tz_name(o.f.tz), cli_now(),
		    &o.split, err, sizeof(err)) < 0)
			cli_die("--split: %s", err);
		if (o.split <= o.since || o.split >= o.until)
			cli_die("--split: the date is not between --since "
			    "and --until");
	}

	/* The users: the subject first, then the other or the peers. */
	for (i = 0; i < (size_t)argc || (i == 0 && o.form == FORM_SIMILAR);
	    i++) {
		const struct cli_name *u = &names[i];

		if (!has_user(c, u))
			cli_die("%s: no such user in the %s",
			    cli_name_quote(u->p, u->n),
			    nsources > 0 ? "sources" : "case");
	}
	if (o.form >= FORM_SIMILAR) {
		w.o = &o;
		w.casedir = casedir;
		w.kinds = kinds;
		rc = similar_report(&w, &o, c, o.form == FORM_SIMILAR ?
		    subject : NULL, rank, njobs);
		free(names[0].p);
		free(w.jobs);
		cli_cases_close(&scratch, c);
		free(cases.v);
		sl_detect_free(det);
		cli_filter_release(&o.f);
		cli_users_release(&keepers);
		cli_users_release(&peers);
		free(args);
		cli_close_stdout();
		return trouble ? EXIT_TROUBLE : rc;
	}
	nusers = sl_case_user_count(c);
	users = xrealloc(NULL, nusers + 3, sizeof(*users));
	k = 0;
	users[k++] = *subject;
	if (o.form == FORM_TWO)
		users[k++] = names[1];
	else if (o.form == FORM_PEERS && peers.n > 0) {
		for (i = 0; i < peers.n; i++) {
			if (!has_user(c, &peers.v[i]))
				cli_die("--peers: %s: no such user in the %s",
				    cli_name_quote(peers.v[i].p,
				    peers.v[i].n), nsources > 0 ? "sources" :
				    "case");
			/* A peer named twice, or the subject, counts
			 * once, as the subject. */
			if (same_name(&peers.v[i], subject->p, subject->n) ||
			    (i > 0 && same_name(&peers.v[i], peers.v[i - 1].p,
			    peers.v[i - 1].n)))
				continue;
			users = xrealloc(users, k + 2, sizeof(*users));
			users[k++] = peers.v[i];
		}
	} else if (o.form == FORM_PEERS) {
		for (i = 0; i < nusers; i++) {
			struct sl_str u = sl_case_user(c, i);
			struct sl_str g;

			if (same_name(subject, u.p, u.n))
				continue;
			if (det != NULL) {
				g = sl_detect_group(det, u.p, u.n);
				if (g.n != grp.n || (g.n > 0 &&
				    memcmp(g.p, grp.p, g.n) != 0))
					continue;
			}
			users[k].p = (char *)u.p;
			users[k++].n = u.n;
		}
	}

	w.o = &o;
	w.casedir = casedir;
	w.njobs = k;
	w.jobs = xcalloc(k, sizeof(*w.jobs));
	for (i = 0; i < k; i++) {
		w.jobs[i].user = users[i].p;
		w.jobs[i].ulen = users[i].n;
		/* The subject's history, for its flags. */
		w.jobs[i].want_hist = i == 0 && (o.form == FORM_SPLIT ||
		    o.f.since_arg != NULL);
	}
	run_jobs(&w, njobs);
	trouble |= w.trouble;
	for (i = 0; i < w.njobs; i++)
		if (w.jobs[i].trouble || w.jobs[i].win[0] == NULL)
			trouble = 1;
	if (trouble && (w.jobs[0].win[0] == NULL || w.jobs[0].trouble))
		exit(EXIT_TROUBLE);

	/* Peers without events in the window tell nothing of it. */
	if (o.form == FORM_PEERS) {
		size_t out_n = 1, idle = 0;

		for (i = 1; i < w.njobs; i++) {
			if (w.jobs[i].win[0] != NULL && sl_usage_figures(
			    w.jobs[i].win[0])->events > 0)
				w.jobs[out_n++] = w.jobs[i];
			else {
				idle++;
				sl_usage_free(w.jobs[i].win[0]);
			}
		}
		w.njobs = out_n;
		np = out_n - 1;
		if (idle > 0)
			cli_warn("%zu of the peers %s no events in the window "
			    "and %s left out", idle, idle == 1 ? "has" :
			    "have", idle == 1 ? "is" : "are");
		if (np == 0)
			cli_die("--peers: no peer has events in the window");
	}
	if (sl_usage_figures(w.jobs[0].win[0])->events == 0) {
		empty_note(&o, subject, o.form == FORM_SPLIT ?
		    " before the split," : "", o.since, o.form ==
		    FORM_SPLIT ? o.split : o.until);
	}
	if (o.form == FORM_SPLIT &&
	    sl_usage_figures(w.jobs[0].win[1])->events == 0) {
		empty_note(&o, subject, " after the split,", o.split,
		    o.until);
	}
	if (o.form == FORM_TWO &&
	    sl_usage_figures(w.jobs[1].win[0])->events == 0) {
		empty_note(&o, &names[1], "", o.since, o.until);
	}

	/* Compare, dimension by dimension. */
	sort_peers = o.form == FORM_PEERS;
	pv = xcalloc(w.njobs + 1, sizeof(*pv));
	for (k = 0; k < D__COUNT; k++) {
		struct vec L, R, H = { NULL, 0, { 0, 0 } };
		struct sl_usage *su, *hu = w.jobs[0].hist;
		const struct vec *S;

		if (!(o.want & (1u << k)))
			continue;
		if (o.form == FORM_PEERS) {
			vec_build(w.jobs[0].win[0], (int)k, &L);
			for (i = 1; i < w.njobs; i++)
				vec_build(w.jobs[i].win[0], (int)k,
				    &pv[i - 1]);
			compare_peers((int)k, &L, pv, np, &res[k]);
			R.v = NULL;
			R.n = 0;
			S = &L;
			su = w.jobs[0].win[0];
		} else {
			vec_build(w.jobs[0].win[0], (int)k, &L);
			vec_build(o.form == FORM_SPLIT ? w.jobs[0].win[1] :
			    w.jobs[1].win[0], (int)k, &R);
			compare((int)k, &L, &R, &res[k]);
			S = o.form == FORM_SPLIT ? &R : &L;
			su = o.form == FORM_SPLIT ? w.jobs[0].win[1] :
			    w.jobs[0].win[0];
		}
		if (hu != NULL) {
			vec_build(hu, (int)k, &H);
			for (i = 0; i < res[k].nrows; i++)
				res[k].rows[i].flags |= hist_flags((int)k, S,
				    su, &H, hu, res[k].rows[i].key,
				    res[k].rows[i].n);
		}
		res[k].differs = res[k].sim < dims[k].threshold;
		if (res[k].nrows > 1)
			qsort(res[k].rows, res[k].nrows,
			    sizeof(*res[k].rows), cmp_row);
		/* The rows point into the usages' keys, which stay. */
		vec_release(&L);
		vec_release(&R);
		vec_release(&H);
		for (i = 0; o.form == FORM_PEERS && i < np; i++)
			vec_release(&pv[i]);
	}
	free(pv);

	ndiff = nd = 0;
	overall = 0;
	for (k = 0; k < D__COUNT; k++)
		if (o.want & (1u << k)) {
			nd++;
			overall += res[k].sim;
			ndiff += res[k].differs;
		}
	overall /= (double)nd;

	fmt = out_format_for(stdout, o.json);
	if (fmt == OUT_TABLE) {
		char when[2 * SL_TIME_TZ_LEN + 32];

		put_quoted(subject);
		if (o.form == FORM_TWO) {
			printf(" (-) against ");
			put_quoted(&names[1]);
			printf(" (+)");
		} else if (o.form == FORM_SPLIT) {
			sl_time_format_tz(o.split, cli_filter_print_tz(&o.f),
			    title, sizeof(title));
			printf(" before (-) and from (+) %s", title);
		} else {
			printf(" (-) against the median of %zu peer%s", np,
			    np == 1 ? "" : "s");
			if (det != NULL) {
				printf(" of group ");
				if (grp.n > 0) {
					putchar('"');
					cli_put_safe(stdout, grp.p, grp.n);
					putchar('"');
				} else
					printf("(none)");
			}
		}
		window_text(&o, o.since, o.until, when, sizeof(when));
		printf(", %s\n\n", when);
		for (k = 0; k < D__COUNT; k++)
			if (o.want & (1u << k)) {
				term_dim(&o, (int)k, &res[k]);
				putchar('\n');
			}
		printf("overall   similarity %.2f  %zu of %zu dimension%s "
		    "differ%s\n", overall, ndiff, nd, nd == 1 ? "" : "s",
		    ndiff == 1 ? "s" : "");
	} else {
		out = out_new(stdout, fmt, o.header, 0, NULL);
		for (k = 0; k < D__COUNT; k++)
			if (o.want & (1u << k))
				machine_dim(out, &o, (int)k, &res[k]);
		out_begin(out, NULL);
		out_str(out, "dimension", "overall", 7);
		out_str(out, "item", "*", 1);
		out_int(out, "left", (int64_t)(nd - ndiff));
		out_int(out, "right", (int64_t)ndiff);
		out_num(out, "score", round4(overall));
		out_str(out, "flag", ndiff > 0 ? "differs" : "",
		    ndiff > 0 ? 7 : 0);
		out_end(out);
		out_flush(out);
		out_free(out);
	}

	for (k = 0; k < D__COUNT; k++)
		free(res[k].rows);
	for (i = 0; i < w.njobs; i++) {
		sl_usage_free(w.jobs[i].win[0]);
		sl_usage_free(w.jobs[i].win[1]);
		sl_usage_free(w.jobs[i].hist);
	}
	free(w.jobs);
	free(users);
	free(names[0].p);
	free(names[1].p);
	cli_cases_close(&scratch, c);
	free(cases.v);
	sl_detect_free(det);
	cli_filter_release(&o.f);
	cli_users_release(&keepers);
	cli_users_release(&peers);
	free(args);
	cli_close_stdout();
	if (trouble)
		return EXIT_TROUBLE;
	return ndiff > 0 ? EXIT_NOTHING : EXIT_FOUND;
}
