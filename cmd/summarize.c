/* summarize.c: reports on a case: the case, users, groups, rankings. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "filter.h"
#include "out.h"
#include "partial.h"
#include "svg.h"
#include "util.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_DIMS 4
#define TOP_LIST 5
/* --merge-max-keys's default: at about 100 bytes a key, a set of 10 MB
 * at most before its 16 KiB sketch. */
#define MERGE_MAX_KEYS 100000
#define EXIT_ALERT 3	/* an alert at or above --fail-on */	/* items in a per-user report's top lists */

/* What a grouped report groups by (--by). */
enum dim {
	D_USER, D_DAY, D_HOUR, D_WEEKDAY, D_ACTION, D_OUTCOME, D_RESOURCE,
	D_SRC, D_PURPOSE, D_SESSION, D__COUNT
};

static const char *const dim_names[D__COUNT] = {
	"user", "day", "hour", "weekday", "action", "outcome", "resource",
	"src", "purpose", "session",
};

static const char *const wday_names[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

/* What --top ranks by (--rank); each is a figure of a usage. */
enum rank {
	R_EVENTS, R_EXPORTS, R_RECORDS, R_BYTES, R_RESOURCES, R_QUERIES,
	R_SESSIONS, R_DAYS, R_SRCS, R__COUNT
};

static const char *const rank_names[R__COUNT] = {
	"events", "exports", "records", "bytes", "resources", "queries",
	"sessions", "days", "srcs",
};

enum mode { M_CASE, M_USER, M_GROUP };

struct opts {
	int mode, json, header, top_set, picture;
	size_t top;
	int rank;
	int dims[MAX_DIMS];
	size_t ndims;
	int has_user_dim;
	struct cli_filter f;
	const struct sl_tz *ptz;
	int64_t since, until, gap;
	unsigned actions, outcomes;
	struct cli_users users;		/* -u */
	struct cli_patterns pat;	/* -e -f -k */
	int invert;			/* -v */
	/* --alerts */
	struct sl_detect *det;
	int64_t det_from, det_to;
	int fail_on;			/* level, -1 none */
	int min_level;			/* --min-level: shown from it */
	const char *svg;		/* --svg FILE */
	size_t wanted;			/* users of the case -u asked for */
	/* --merge-max-keys: the keys a case-wide or group set of a merge
	 * keeps exact (sl_usage_opts.max_keys); 0 all. */
	size_t max_keys;
	int rank_estimated;	/* --top: some group's figure ranked is */
};

/* One group: its key (each part as a 4-byte length and the bytes) and
 * what the usage module counted of its events. */
struct row {
	char *key;
	size_t keylen;
	struct sl_usage *u;
	uint64_t users;		/* users who have events in it */
	const char *user;	/* the per-user report's user */
};

struct table {
	struct smap idx;
	struct row *v;
	size_t n;
};

struct ures {
	struct sl_usage *u;
	struct table g;
	int trouble;
};

struct work {
	const struct opts *o;
	const char *casedir;
	struct sl_case *shared;	/* a scratch case this process holds */
	struct sl_str *users;	/* any byte, NUL included */
	struct ures *res;
	size_t nusers, next;
	pthread_mutex_t lock;
	int trouble;
	int match_told;		/* a failed match was reported */
};

/* What a worker thread holds: its case and its own matcher. */
struct wctx {
	struct work *w;
	struct sl_case *c;
	struct sl_matcher *m;	/* of o->pat, NULL without patterns */
};

static const struct option longopts[] = {
	{ "case", required_argument, NULL, 'C' },
	{ "fixed-strings", no_argument, NULL, 'F' },
	{ "regexp", required_argument, NULL, 'e' },
	{ "file", required_argument, NULL, 'f' },
	{ "ignore-case", no_argument, NULL, 'i' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "field", required_argument, NULL, 'k' },
	{ "user", required_argument, NULL, 'u' },
	{ "invert-match", no_argument, NULL, 'v' },
	{ "word-regexp", no_argument, NULL, 'w' },
#define LONGOPT(name, has, val) { name, has, NULL, val },
	LONGOPT("action", required_argument, CHAR_MAX + 1)
	LONGOPT("alerts", no_argument, CHAR_MAX + 19)
	LONGOPT("baseline", required_argument, CHAR_MAX + 20)
	LONGOPT("fail-on", required_argument, CHAR_MAX + 21)
	LONGOPT("groups", required_argument, CHAR_MAX + 22)
	LONGOPT("group-column", required_argument, CHAR_MAX + 23)
	LONGOPT("work-hours", required_argument, CHAR_MAX + 24)
	LONGOPT("workdays", required_argument, CHAR_MAX + 25)
	LONGOPT("svg", required_argument, CHAR_MAX + 26)
	LONGOPT("policy", required_argument, CHAR_MAX + 27)
	LONGOPT("rules", required_argument, CHAR_MAX + 28)
	LONGOPT("list-rules", no_argument, CHAR_MAX + 29)
	LONGOPT("by", required_argument, CHAR_MAX + 2)
	LONGOPT("gap", required_argument, CHAR_MAX + 3)
	LONGOPT("help", no_argument, CHAR_MAX + 4)
	LONGOPT("hours", required_argument, CHAR_MAX + 5)
	LONGOPT("json", no_argument, CHAR_MAX + 6)
	LONGOPT("no-header", no_argument, CHAR_MAX + 7)
	LONGOPT("outcome", required_argument, CHAR_MAX + 8)
	LONGOPT("picture", no_argument, CHAR_MAX + 9)
	LONGOPT("profile", required_argument, CHAR_MAX + 10)
	LONGOPT("rank", required_argument, CHAR_MAX + 11)
	LONGOPT("since", required_argument, CHAR_MAX + 12)
	LONGOPT("top", required_argument, CHAR_MAX + 13)
	LONGOPT("tz", required_argument, CHAR_MAX + 14)
	LONGOPT("until", required_argument, CHAR_MAX + 15)
	LONGOPT("version", no_argument, CHAR_MAX + 16)
	LONGOPT("watchlist", required_argument, CHAR_MAX + 30)
	LONGOPT("min-level", required_argument, CHAR_MAX + 31)
	LONGOPT("weekdays", required_argument, CHAR_MAX + 17)
	LONGOPT("year", required_argument, CHAR_MAX + 18)
	LONGOPT("follow", no_argument, CHAR_MAX + 32)
	LONGOPT("partial", required_argument, CHAR_MAX + 33)
	LONGOPT("merge", no_argument, CHAR_MAX + 34)
	LONGOPT("baselines", required_argument, CHAR_MAX + 35)
	LONGOPT("peers", required_argument, CHAR_MAX + 36)
	LONGOPT("merge-max-keys", required_argument, CHAR_MAX + 37)
#undef LONGOPT
	{ NULL, 0, NULL, 0 }
};

enum {
	OPT_ACTION = CHAR_MAX + 1, OPT_BY, OPT_GAP, OPT_HELP, OPT_HOURS,
	OPT_JSON, OPT_NO_HEADER, OPT_OUTCOME, OPT_PICTURE, OPT_PROFILE,
	OPT_RANK,
	OPT_SINCE, OPT_TOP, OPT_TZ, OPT_UNTIL, OPT_VERSION, OPT_WEEKDAYS,
	OPT_YEAR, OPT_ALERTS, OPT_BASELINE, OPT_FAIL_ON, OPT_GROUPS,
	OPT_GROUP_COLUMN, OPT_WORK_HOURS, OPT_WORKDAYS, OPT_SVG, OPT_POLICY,
	OPT_RULES, OPT_LIST_RULES, OPT_WATCHLIST, OPT_MIN_LEVEL, OPT_FOLLOW,
	OPT_PARTIAL, OPT_MERGE, OPT_BASELINES, OPT_PEERS,
	OPT_MERGE_MAX_KEYS,
};

static void
usage(FILE *fp)
{
	fputs("usage: summarize [-Fivw] [-C case] [-e pattern] [-f file] "
	    "[-j jobs]\n"
	    "                 [-k field=pattern] [-u user] "
	    "[--action action] [--by keys]\n"
	    "                 [--alerts [--baseline duration] "
	    "[--fail-on level]\n"
	    "                  [--groups file] [--group-column name] "
	    "[--policy file]\n"
	    "                  [--rules file] [--watchlist file] "
	    "[--min-level level]\n"
	    "                  [--work-hours HH:MM-HH:MM] "
	    "[--workdays days]] [--list-rules]\n"
	    "                 [--gap duration] [--hours HH:MM-HH:MM] "
	    "[--json] [--no-header]\n"
	    "                 [--outcome outcome] [--picture] "
	    "[--profile name] [--rank key]\n"
	    "                 [--since time] [--svg file] [--top num] "
	    "[--tz zone]\n"
	    "                 [--until time] [--weekdays days] "
	    "[--year year] [--follow]\n"
	    "                 [--partial file [--peers file ...]] "
	    "[--baselines file]\n"
	    "                 [source ...]\n"
	    "       summarize --merge [--merge-max-keys num] [options] "
	    "partial ...\n", fp);
}

/* ---- options ------------------------------------------------------------- */

static void
parse_by(struct opts *o, const char *arg)
{
	const char *p = arg;
	size_t i;

	o->ndims = 0;
	for (;;) {
		size_t n = strcspn(p, ",");

		for (i = 0; i < D__COUNT; i++)
			if (strlen(dim_names[i]) == n &&
			    memcmp(dim_names[i], p, n) == 0)
				break;
		if (i == D__COUNT)
			cli_die("--by: unknown key \"%.*s\"", (int)n, p);
		if (o->ndims == MAX_DIMS)
			cli_die("--by: at most %d keys", MAX_DIMS);
		o->dims[o->ndims++] = (int)i;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
}

/* ---- groups -------------------------------------------------------------- */

static void
key_add(struct sbuf *b, const char *p, size_t n)
{
	uint32_t len = (uint32_t)n;

	sb_add(b, &len, sizeof(len));
	sb_add(b, p, n);
}

/* Part i of a key into *p, *n. */
static void
key_part(const char *key, size_t i, const char **p, size_t *n)
{
	uint32_t len;

	for (;;) {
		memcpy(&len, key, sizeof(len));
		key += sizeof(len);
		if (i-- == 0)
			break;
		key += len;
	}
	*p = key;
	*n = len;
}

static struct row *
table_get(struct table *t, const char *key, size_t n,
    const struct sl_usage_opts *uo)
{
	size_t i = smap_get(&t->idx, key, n);

	if (i != SIZE_MAX)
		return &t->v[i];
	t->v = xrealloc(t->v, t->n + 1, sizeof(*t->v));
	memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
	t->v[t->n].key = xrealloc(NULL, n + 1, 1);
	memcpy(t->v[t->n].key, key, n);
	t->v[t->n].keylen = n;
	if ((t->v[t->n].u = sl_usage_new(uo)) == NULL)
		cli_die("out of memory");
	smap_put(&t->idx, t->v[t->n].key, n, t->n);
	return &t->v[t->n++];
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].key);
		sl_usage_free(t->v[i].u);
	}
	free(t->v);
	smap_free(&t->idx);
}

/* Count the step in every group its key parts from dimension d on put it
 * in (an event of several resources is in one group for each). */
static void
group_step(struct ures *r, const struct opts *o, const struct sl_step *st,
    const struct sl_civil *c, struct sbuf *b, size_t d,
    const struct sl_usage_opts *uo)
{
	const struct sl_event *e = st->ev;
	size_t mark = b->n;
	char buf[32];
	const char *s;

	if (d == o->ndims) {
		if (sl_usage_add(table_get(&r->g, b->p, b->n, uo)->u,
		    st) < 0)
			cli_die("out of memory");
		return;
	}
	switch (o->dims[d]) {
	case D_USER:
		key_add(b, e->user.p, e->user.n);
		break;
	case D_DAY:
		snprintf(buf, sizeof(buf), "%04lld-%02d-%02d",
		    (long long)c->year, c->month, c->day);
		key_add(b, buf, strlen(buf));
		break;
	case D_HOUR:
		snprintf(buf, sizeof(buf), "%02d", c->hour);
		key_add(b, buf, strlen(buf));
		break;
	case D_WEEKDAY:
		/* The number first, so that the days sort in week order;
		 * shown without it. */
		buf[0] = (char)('0' + c->wday);
		memcpy(buf + 1, wday_names[c->wday], 3);
		key_add(b, buf, 4);
		break;
	case D_ACTION:
		s = sl_action_name(e->action);
		key_add(b, s, strlen(s));
		break;
	case D_OUTCOME:
		s = sl_outcome_name(e->outcome);
		key_add(b, s, strlen(s));
		break;
	case D_RESOURCE: {
		const char *p = e->resource.p, *end = p + e->resource.n;
		int any = 0;

		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

			if (n > 0) {
				any = 1;
				key_add(b, p, n);
				group_step(r, o, st, c, b, d + 1, uo);
				b->n = mark;
			}
			p += n + 1;
		}
		if (!any) {
			key_add(b, "", 0);
			group_step(r, o, st, c, b, d + 1, uo);
			b->n = mark;
		}
		return;
	}
	case D_SRC:
		key_add(b, e->src.p, e->src.n);
		break;
	case D_PURPOSE:
		key_add(b, st->purpose.p, st->purpose.n);
		break;
	case D_SESSION:
		key_add(b, st->session.p, st->session.n);
		break;
	}
	group_step(r, o, st, c, b, d + 1, uo);
	b->n = mark;
}

/* ---- per user, in threads ------------------------------------------------ */

/* A match that failed on an event of the user: told once, and the run's
 * exit status says so; the event counts as not matching. */
static void
match_error(struct wctx *x, int rc, struct sl_str user)
{
	struct work *w = x->w;
	char *q = cli_name_quote(user.p, user.n);

	pthread_mutex_lock(&w->lock);
	if (!w->match_told) {
		w->match_told = 1;
		cli_warn("pattern matching gave up on an event of %s (%s); "
		    "such events count as not matching", q,
		    rc == -E2BIG ? "too complex" : strerror(-rc));
	}
	free(q);
	w->trouble = 1;
	pthread_mutex_unlock(&w->lock);
}

/* Whether the step is one of the events selected: actions, outcomes,
 * hours and weekdays, patterns. */
static int
selected(struct wctx *x, const struct sl_step *st)
{
	const struct opts *o = x->w->o;
	const struct sl_event *e = st->ev;
	struct sl_event ev;
	int err = 0, hit;

	if (!cli_filter_event(&o->f, o->actions, o->outcomes, e))
		return 0;
	if (x->m == NULL)
		return 1;
	/* The session as the cursor names it, derived ones too, as
	 * grep-sessions -k session= sees it. */
	ev = *e;
	ev.session = st->session;
	hit = cli_patterns_test(&o->pat, x->m, &ev, 0, &err);
	if (err < 0)
		match_error(x, err, e->user);
	return o->invert ? !hit : hit;
}

/* A user's timeline could not be read: say so, one thread at a time (the
 * user name comes from the evidence: escaped). */
static void
timeline_error(struct work *w, struct sl_str user,
    const struct sl_cursor *cur)
{
	char *q = cli_name_quote(user.p, user.n);

	pthread_mutex_lock(&w->lock);
	cli_warn("cannot read the timeline of %s: %s", q,
	    sl_cursor_error(cur));
	pthread_mutex_unlock(&w->lock);
	free(q);
}

/* Feed the user's steps to the detectors: the judged period and its
 * baseline, as selected. */
static void
detect_user(struct wctx *x, struct sl_str user, struct ures *r)
{
	struct work *w = x->w;
	struct sl_case *c = x->c;
	const struct opts *o = w->o;
	struct sl_detect_user *du;
	struct sl_cursor *cur;
	struct sl_step st;
	int rc;

	if ((du = sl_detect_user_new(o->det, user.p, user.n)) == NULL)
		cli_die("out of memory");
	if (o->svg != NULL) {
		struct sl_usage_opts uo;

		sl_usage_opts_init(&uo);
		uo.tz = o->f.tz;
		if ((r->u = sl_usage_new(&uo)) == NULL)
			cli_die("out of memory");
	}
	cur = sl_cursor_open(&c, 1, user.p, user.n, o->det_from,
	    o->det_to, o->gap);
	if (cur == NULL)
		cli_die("out of memory");
	while ((rc = sl_cursor_next(cur, &st)) > 0) {
		if (!selected(x, &st))
			continue;
		if ((rc = sl_detect_user_add(du, &st)) < 0)
			cli_die("%s", strerror(-rc));
		/* The picture shows the judged period. */
		if (r->u != NULL && st.in_range && st.ev->time >= o->since &&
		    sl_usage_add(r->u, &st) < 0)
			cli_die("out of memory");
	}
	if (rc < 0) {
		timeline_error(w, user, cur);
		r->trouble = 1;
		sl_detect_user_free(o->det, du);
	} else if ((rc = sl_detect_user_end(o->det, du)) < 0)
		cli_die("%s", strerror(-rc));
	sl_cursor_free(cur);
}

static void
summarize_user(struct wctx *x, struct sl_str user, struct ures *r)
{
	struct work *w = x->w;
	struct sl_case *c = x->c;
	const struct opts *o = w->o;
	struct sl_usage_opts uo;
	struct sl_cursor *cur;
	struct sl_step st;
	struct sl_civil civ;
	struct sbuf b = { NULL, 0, 0 };
	int rc;

	sl_usage_opts_init(&uo);
	uo.tz = o->f.tz;
	if ((r->u = sl_usage_new(&uo)) == NULL)
		cli_die("out of memory");
	cur = sl_cursor_open(&c, 1, user.p, user.n, o->since, o->until,
	    o->gap);
	if (cur == NULL)
		cli_die("out of memory");
	while ((rc = sl_cursor_next(cur, &st)) > 0) {
		if (!st.in_range || !selected(x, &st))
			continue;
		if (sl_usage_add(r->u, &st) < 0)
			cli_die("out of memory");
		if (o->mode != M_GROUP || (st.ev->flags & SL_EV_BACKEND))
			continue;
		sl_time_civil(st.ev->time, o->f.tz, &civ);
		b.n = 0;
		group_step(r, o, &st, &civ, &b, 0, &uo);
	}
	if (rc < 0) {
		timeline_error(w, user, cur);
		r->trouble = 1;
	}
	sl_cursor_free(cur);
	sb_release(&b);
}

static void *
worker(void *arg)
{
	struct work *w = arg;
	struct sl_case *c;
	struct wctx x;
	char err[512];
	size_t i;

	/* A case is not shared between threads: each opens its own, but
	 * for the scratch case of raw sources, which this process holds
	 * for writing (one thread then). */
	if ((c = w->shared) == NULL && (c = sl_case_open(w->casedir, 0,
	    err, sizeof(err))) == NULL) {
		pthread_mutex_lock(&w->lock);
		cli_warn("%s", err);
		w->trouble = 1;
		pthread_mutex_unlock(&w->lock);
		return NULL;
	}
	x.w = w;
	x.c = c;
	x.m = NULL;
	if (w->o->pat.nconds > 0) {
		pthread_mutex_lock(&w->lock);
		x.m = cli_patterns_matcher(&w->o->pat);
		pthread_mutex_unlock(&w->lock);
	}
	for (;;) {
		pthread_mutex_lock(&w->lock);
		i = w->next++;
		pthread_mutex_unlock(&w->lock);
		if (i >= w->nusers)
			break;
		if (w->o->det != NULL)
			detect_user(&x, w->users[i], &w->res[i]);
		else
			summarize_user(&x, w->users[i], &w->res[i]);
	}
	sl_matcher_free(x.m);
	if (c != w->shared)
		sl_case_free(c);
	return NULL;
}

/* ---- reports ------------------------------------------------------------- */

static void
put_time(struct out *o, const char *name, const struct opts *op, int64_t t)
{
	char buf[SL_TIME_TZ_LEN];
	int n;

	if (t == INT64_MIN) {
		out_str(o, name, "", 0);
		return;
	}
	n = sl_time_format_tz(t, op->ptz, buf, sizeof(buf));
	out_str(o, name, buf, n < 0 ? 0 : (size_t)n);
}

static void
put_u(struct out *o, const char *name, uint64_t v)
{
	out_int(o, name, v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

/* A sum over exports: unknown (empty, JSON null) when no export gave the
 * figure, not a 0 that the log never said. */
static void
put_sum(struct out *o, const char *name, uint64_t sum, uint64_t unknown,
    uint64_t exports)
{
	if (exports > 0 && unknown == exports)
		out_int(o, name, -1);
	else
		put_u(o, name, sum);
}

/* A map's first max items by count as a list, "COUNT KEY" each. */
static void
put_top(struct out *o, const char *name, struct sl_usage *u, int map,
    size_t max)
{
	const struct sl_usage_item *it;
	struct sbuf b = { NULL, 0, 0 };
	char num[32];
	size_t n, i;

	if (sl_usage_list(u, map, SL_USAGE_BY_COUNT, max, &it, &n) < 0)
		cli_die("out of memory");
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_addc(&b, '\n');
		snprintf(num, sizeof(num), "%llu ",
		    (unsigned long long)it[i].count);
		sb_adds(&b, num);
		sb_add(&b, it[i].key.p, it[i].key.n);
	}
	out_list(o, name, b.p ? b.p : "", b.n, NULL, 0);
	sb_release(&b);
}

static uint64_t
rank_value(struct sl_usage *u, int rank)
{
	const struct sl_usage_figures *f = sl_usage_figures(u);

	switch (rank) {
	case R_EVENTS:
		return f->events;
	case R_EXPORTS:
		return f->exports;
	case R_RECORDS:
		return f->export_records;
	case R_BYTES:
		return f->export_bytes;
	case R_RESOURCES:
		return sl_usage_count(u, SL_USAGE_RESOURCE);
	case R_QUERIES:
		return sl_usage_count(u, SL_USAGE_QUERY);
	case R_SESSIONS:
		return f->sessions;
	case R_DAYS:
		return f->days;
	default:
		return sl_usage_count(u, SL_USAGE_SRC);
	}
}

/*
 * The share of the user's own events outside their usual hours
 * (sessionlog(7), USUAL HOURS), learned from their active days between
 * their first and last: rounded to 0.001; NAN when they have too few days
 * to say what is usual.
 */
static double
outside_usual(const struct opts *op, const struct sl_usage_figures *f)
{
	struct sl_usual_settings set;
	struct sl_usual_days in;
	unsigned char usual[SL_USAGE_HOURS];
	struct sl_civil a, b;
	int64_t d0, d1, day;
	uint64_t out = 0;
	int i;

	if (f->events == 0 || f->first == INT64_MIN)
		return NAN;
	memset(&in, 0, sizeof(in));
	in.days = f->days;
	memcpy(in.hour_days, f->hour_days, sizeof(in.hour_days));
	memcpy(in.wday_active, f->wday_days, sizeof(in.wday_active));
	sl_time_civil(f->first, op->f.tz, &a);
	sl_time_civil(f->last, op->f.tz, &b);
	d0 = sl_days_from_civil(a.year, a.month, a.day);
	d1 = sl_days_from_civil(b.year, b.month, b.day);
	/* 1970-01-01 was a Thursday. */
	for (day = d0; day <= d1 && day - d0 < 7 * 53 * 100; day++)
		in.wday_days[((day % 7) + 11) % 7]++;
	sl_usual_defaults(&set);
	if (sl_usual_hours(&in, &set, usual) == 0)
		return NAN;
	for (i = 0; i < SL_USAGE_HOURS; i++)
		if (!usual[i])
			out += f->hours[i];
	return round((double)out / (double)f->events * 1000) / 1000;
}

static void
user_row(struct out *o, const struct opts *op, struct sl_str user,
    struct sl_usage *u)
{
	const struct sl_usage_figures *f = sl_usage_figures(u);
	struct sbuf b = { NULL, 0, 0 };
	char num[64];
	int a;

	out_begin(o, NULL);
	out_str(o, "user", user.p, user.n);
	put_time(o, "first", op, f->first);
	put_time(o, "last", op, f->last);
	put_u(o, "days", f->days);
	put_u(o, "sessions", f->sessions);
	/* Whole seconds, rounded down: exact and easy to add up. */
	out_int(o, "session_seconds", f->session_total / 1000000);
	out_int(o, "longest_seconds", f->session_longest / 1000000);
	put_u(o, "events", f->events);
	put_u(o, "backend", f->backend);
	for (a = 0; a < SL_ACT__COUNT; a++) {
		if (f->actions[a] == 0)
			continue;
		if (b.n > 0)
			sb_addc(&b, '\n');
		snprintf(num, sizeof(num), "%s=%llu", sl_action_name(a),
		    (unsigned long long)f->actions[a]);
		sb_adds(&b, num);
	}
	out_list(o, "actions", b.p ? b.p : "", b.n, NULL, 0);
	sb_release(&b);
	put_u(o, "resources", sl_usage_count(u, SL_USAGE_RESOURCE));
	put_top(o, "top_resources", u, SL_USAGE_RESOURCE, TOP_LIST);
	put_u(o, "queries", sl_usage_count(u, SL_USAGE_QUERY));
	put_top(o, "top_queries", u, SL_USAGE_QUERY, TOP_LIST);
	put_u(o, "exports", f->exports);
	put_sum(o, "export_records", f->export_records,
	    f->export_records_unknown, f->exports);
	put_sum(o, "export_bytes", f->export_bytes, f->export_bytes_unknown,
	    f->exports);
	put_top(o, "srcs", u, SL_USAGE_SRC, SIZE_MAX);
	out_num(o, "outside_usual", outside_usual(op, f));
	out_end(o);
}

static void
kv(struct out *o, const char *field, const char *val)
{
	out_begin(o, NULL);
	out_str(o, "field", field, strlen(field));
	out_str(o, "value", val, strlen(val));
	out_end(o);
}

static void
kv_u(struct out *o, const char *field, uint64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	kv(o, field, num);
}

/* The date of day number z, "YYYY-MM-DD". */
static void
date_of(int64_t z, char *buf, size_t size)
{
	int64_t y;
	int m, d;

	sl_civil_from_days(z, &y, &m, &d);
	snprintf(buf, size, "%04lld-%02d-%02d", (long long)y, m, d);
}

static int64_t
day_number(struct sl_str k)
{
	long long y;
	int m, d;
	char buf[16];

	if (k.n >= sizeof(buf))
		return INT64_MIN;
	memcpy(buf, k.p, k.n);
	buf[k.n] = '\0';
	if (sscanf(buf, "%lld-%d-%d", &y, &m, &d) != 3)
		return INT64_MIN;
	return sl_days_from_civil(y, m, d);
}

/*
 * The logs of the case: its manifest rows, each once however many
 * partial summaries name it, by sha256, path and member; those that are
 * not an archive's own row are the logs, their distinct paths the
 * sources.
 */
struct logs {
	struct smap rows, paths;
	char **keep;
	size_t nkeep;
	uint64_t logs, sources;
};

static void
logs_add(struct logs *l, struct sl_str sha, struct sl_str path,
    struct sl_str member, int container)
{
	struct sbuf k = { NULL, 0, 0 };

	key_add(&k, sha.p, sha.n);
	key_add(&k, path.p, path.n);
	key_add(&k, member.p, member.n);
	if (smap_get(&l->rows, k.p, k.n) != SIZE_MAX) {
		sb_release(&k);
		return;
	}
	l->keep = xrealloc(l->keep, l->nkeep + 2, sizeof(*l->keep));
	l->keep[l->nkeep++] = k.p;
	smap_put(&l->rows, k.p, k.n, 0);
	if (!container)
		l->logs++;
	if (smap_get(&l->paths, path.p, path.n) == SIZE_MAX) {
		char *p = xrealloc(NULL, path.n + 1, 1);

		memcpy(p, path.p, path.n);
		l->keep[l->nkeep++] = p;
		smap_put(&l->paths, p, path.n, 0);
		l->sources++;
	}
}

static void
logs_release(struct logs *l)
{
	size_t i;

	for (i = 0; i < l->nkeep; i++)
		free(l->keep[i]);
	free(l->keep);
	smap_free(&l->rows);
	smap_free(&l->paths);
}

/* Each row of the case's manifest to fn (logs_add, part_source). */
static void
manifest_rows(struct sl_case *c, void (*fn)(void *, struct sl_str,
    struct sl_str, struct sl_str, int), void *arg)
{
	const struct sl_manifest_row *mr;
	struct sl_manifest *m;
	struct sl_str cv;
	int rc;

	if ((m = sl_manifest_open(c)) == NULL)
		cli_die("cannot read the manifest: %s", sl_case_error(c));
	while ((rc = sl_manifest_next(m, &mr)) != 0) {
		if (rc < 0)
			cli_die("cannot read the manifest: %s",
			    sl_case_error(c));
		/* An archive's row is not a log of its own. */
		fn(arg, mr->sha256, mr->path, mr->member,
		    sl_notes_get(mr->notes.p, mr->notes.n, "container", &cv));
	}
	sl_manifest_free(m);
}

static void
logs_row(void *arg, struct sl_str sha, struct sl_str path,
    struct sl_str member, int container)
{
	logs_add(arg, sha, path, member, container);
}

static void
case_report(struct out *o, const struct opts *op, const struct logs *l,
    struct sl_usage *all, uint64_t users, uint64_t sessions)
{
	const struct sl_usage_figures *f = sl_usage_figures(all);
	const struct sl_usage_item *it;
	char buf[SL_TIME_TZ_LEN + 32];
	size_t n, i;
	int64_t prev;
	int a;

	buf[0] = '\0';
	if (f->first != INT64_MIN)
		sl_time_format_tz(f->first, op->ptz, buf, sizeof(buf));
	kv(o, "first", buf);
	buf[0] = '\0';
	if (f->last != INT64_MIN)
		sl_time_format_tz(f->last, op->ptz, buf, sizeof(buf));
	kv(o, "last", buf);
	kv_u(o, "sources", l->sources);
	kv_u(o, "logs", l->logs);
	kv_u(o, "users", users);
	kv_u(o, "events", f->events);
	kv_u(o, "backend", f->backend);
	for (a = 0; a < SL_ACT__COUNT; a++)
		if (f->actions[a] > 0) {
			snprintf(buf, sizeof(buf), "action.%s",
			    sl_action_name(a));
			kv_u(o, buf, f->actions[a]);
		}
	for (a = 0; a < SL_OUT__COUNT; a++)
		if (f->outcomes[a] > 0) {
			snprintf(buf, sizeof(buf), "outcome.%s",
			    sl_outcome_name(a));
			kv_u(o, buf, f->outcomes[a]);
		}
	kv_u(o, "sessions", sessions);
	kv_u(o, "days", f->days);
	if (sl_usage_list(all, SL_USAGE_DAY, SL_USAGE_BY_COUNT, SIZE_MAX,
	    &it, &n) < 0)
		cli_die("out of memory");
	if (n > 0) {
		snprintf(buf, sizeof(buf), "%.*s %llu", (int)it[0].key.n,
		    it[0].key.p, (unsigned long long)it[0].count);
		kv(o, "busiest_day", buf);
		snprintf(buf, sizeof(buf), "%.*s %llu", (int)it[n - 1].key.n,
		    it[n - 1].key.p, (unsigned long long)it[n - 1].count);
		kv(o, "quietest_day", buf);
	}
	/* Coverage gaps: the days between the first and the last active
	 * day without a single event, each named. */
	if (sl_usage_list(all, SL_USAGE_DAY, SL_USAGE_BY_KEY, SIZE_MAX,
	    &it, &n) < 0)
		cli_die("out of memory");
	prev = INT64_MIN;
	for (i = 0; i < n; i++) {
		int64_t d = day_number(it[i].key), k;

		if (d == INT64_MIN)
			continue;
		if (prev != INT64_MIN)
			for (k = prev + 1; k < d; k++) {
				date_of(k, buf, sizeof(buf));
				kv(o, "gap_day", buf);
			}
		prev = d;
	}
}

static const struct opts *sort_opts;

static int
cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	size_t i;

	for (i = 0; i < sort_opts->ndims; i++) {
		const char *p, *q;
		size_t n, m;
		int d;

		key_part(x->key, i, &p, &n);
		key_part(y->key, i, &q, &m);
		d = memcmp(p, q, n < m ? n : m);
		if (d == 0)
			d = n < m ? -1 : n > m;
		if (d != 0)
			return d;
	}
	return 0;
}

static int
cmp_rank(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	uint64_t vx = rank_value(x->u, sort_opts->rank);
	uint64_t vy = rank_value(y->u, sort_opts->rank);

	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (x->user != NULL)
		return strcmp(x->user, y->user);
	return cmp_rows(a, b);
}

/* The map a --rank figure counts, or -1 for a figure that is not one. */
static int
rank_map(int rank)
{
	switch (rank) {
	case R_RESOURCES:
		return SL_USAGE_RESOURCE;
	case R_QUERIES:
		return SL_USAGE_QUERY;
	case R_SESSIONS:
		return SL_USAGE_SESSION;
	case R_SRCS:
		return SL_USAGE_SRC;
	default:
		return -1;
	}
}

/*
 * A figure of a group, estimated when its set became a sketch in a merge
 * (--merge-max-keys): then "~N" in a table or TSV; in JSON the number,
 * and the row's "estimated" list names it.
 */
static void
put_est(struct out *o, const struct opts *op, struct sbuf *est,
    const char *name, uint64_t v, int sketched)
{
	char num[32];

	if (!sketched) {
		put_u(o, name, v);
		return;
	}
	if (op->json) {
		put_u(o, name, v);
		if (est->n > 0)
			sb_addc(est, '\n');
		sb_adds(est, name);
		return;
	}
	snprintf(num, sizeof(num), "~%llu", (unsigned long long)v);
	out_str(o, name, num, strlen(num));
}

static void
group_row(struct out *o, const struct opts *op, struct row *r, size_t rank)
{
	const struct sl_usage_figures *f = sl_usage_figures(r->u);
	struct sbuf est = { NULL, 0, 0 };
	size_t i;

	out_begin(o, NULL);
	if (op->top_set) {
		out_str(o, "ranking", rank_names[op->rank],
		    strlen(rank_names[op->rank]));
		/* Ranked by estimates: the rank is one too. */
		put_est(o, op, &est, "rank", rank, op->rank_estimated);
	}
	for (i = 0; i < op->ndims; i++) {
		const char *p;
		size_t n;

		key_part(r->key, i, &p, &n);
		if (op->dims[i] == D_WEEKDAY) {
			p++;
			n--;
		}
		out_str(o, dim_names[op->dims[i]], p, n);
	}
	if (!op->has_user_dim)
		put_u(o, "users", r->users);
	put_u(o, "events", f->events);
	put_est(o, op, &est, "sessions", f->sessions,
	    sl_usage_sketched(r->u, SL_USAGE_SESSION));
	put_u(o, "exports", f->exports);
	put_sum(o, "export_records", f->export_records,
	    f->export_records_unknown, f->exports);
	put_sum(o, "export_bytes", f->export_bytes, f->export_bytes_unknown,
	    f->exports);
	put_est(o, op, &est, "resources", sl_usage_count(r->u,
	    SL_USAGE_RESOURCE), sl_usage_sketched(r->u, SL_USAGE_RESOURCE));
	put_est(o, op, &est, "queries", sl_usage_count(r->u, SL_USAGE_QUERY),
	    sl_usage_sketched(r->u, SL_USAGE_QUERY));
	if (est.n > 0)
		out_list(o, "estimated", est.p, est.n, NULL, 0);
	sb_release(&est);
	out_end(o);
}

/* ---- pictures ------------------------------------------------------------ */

#define SPARK_DAYS 56	/* days on a sparkline's line: 11 + 56 + 11 <= 80 */

/* The characters of the pictures, from none to most: block elements in a
 * UTF-8 locale, else ASCII. */
struct ramp {
	const char *const *grid;	/* 5: none and four levels */
	const char *const *spark;	/* none and nspark levels */
	int nspark;
	const char *bar;		/* the grid's frame */
};

static const char *const grid_utf8[] = {
	" ", "\u2591", "\u2592", "\u2593", "\u2588",
};
static const char *const spark_utf8[] = {
	" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
	"\u2587", "\u2588",
};
static const char *const ramp_ascii[] = { " ", ".", ":", "*", "#" };

static const struct ramp ramps[2] = {
	{ ramp_ascii, ramp_ascii, 4, "|" },
	{ grid_utf8, spark_utf8, 8, "\u2502" },
};

/*
 * Whether the locale the environment names is UTF-8, by the codeset
 * nl_langinfo(3) gives for it: what setlocale(3) would pick, aliases
 * (utf8, UTF-8) resolved, and a locale that is not installed is not
 * UTF-8.  The tool goes back to the C locale at once, so that nothing
 * else it does depends on the environment's.
 */
static int
locale_utf8(void)
{
	int utf8;

	if (setlocale(LC_CTYPE, "") == NULL)
		return 0;
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	setlocale(LC_CTYPE, "C");
	return utf8;
}

/* The level (0 none, 1..n) of count c on a linear scale whose top is max:
 * level k holds the counts with (k - 1) * max < c * n <= k * max.  Event
 * counts are far below 2^60, so the products do not overflow. */
static int
level(uint64_t c, uint64_t max, int n)
{
	if (c == 0 || max == 0)
		return 0;
	return (int)((c * (uint64_t)n + max - 1) / max);
}

static const char *
zone_name(const struct opts *o)
{
	return o->f.tz != NULL ? sl_tz_name(o->f.tz) : "UTC";
}

/* The user's name as messages quote it, without the quotes: escaped like
 * the tables, a backslash too, so that "alice" NUL "evil" and the name
 * written "alice\x00evil" look different. */
static void
put_name(FILE *fp, struct sl_str user)
{
	char *q = cli_name_quote(user.p, user.n);

	fwrite(q + 1, 1, strlen(q) - 2, fp);
	free(q);
}

/* The hour-of-week histogram as a grid, Monday first, two columns an
 * hour, with each weekday's total and the scale under it. */
static void
picture_grid(FILE *fp, const struct opts *o, const struct ramp *r,
    struct sl_str user, const struct sl_usage_figures *f)
{
	static const int wday_of_row[7] = { 1, 2, 3, 4, 5, 6, 0 };
	uint64_t max = 0, lo, hi, total;
	int row, h, k;

	for (h = 0; h < SL_USAGE_HOURS; h++)
		if (f->hours[h] > max)
			max = f->hours[h];
	put_name(fp, user);
	fprintf(fp, ": events by weekday and hour (%s), all weeks added\n",
	    zone_name(o));
	fputs("     ", fp);
	for (h = 0; h < 24; h += 3)
		fprintf(fp, " %02d   ", h);
	fputs("   total\n", fp);
	for (row = 0; row < 7; row++) {
		const uint64_t *c = f->hours + wday_of_row[row] * 24;

		total = 0;
		fprintf(fp, "%s  %s", wday_names[wday_of_row[row]], r->bar);
		for (h = 0; h < 24; h++) {
			k = level(c[h], max, 4);
			fprintf(fp, "%s%s", r->grid[k], r->grid[k]);
			total += c[h];
		}
		fprintf(fp, "%s %llu\n", r->bar, (unsigned long long)total);
	}
	/* Each shade with the counts it stands for; with a small top some
	 * shades stand for none and are left out. */
	fputs("    ", fp);
	for (k = 1; k <= 4; k++) {
		lo = (uint64_t)(k - 1) * max / 4 + 1;
		hi = (uint64_t)k * max / 4;
		if (lo > hi)
			continue;
		if (lo == hi)
			fprintf(fp, "  %s %llu", r->grid[k],
			    (unsigned long long)hi);
		else
			fprintf(fp, "  %s %llu-%llu", r->grid[k],
			    (unsigned long long)lo, (unsigned long long)hi);
	}
	fprintf(fp, " events; %s: the busiest hours, up to %llu\n", r->grid[4],
	    (unsigned long long)max);
}

/* One character a day from the first day to the last with events, blank
 * for a day without; SPARK_DAYS a line, each line after the date of its
 * first day, the last line followed by the last date. */
static void
picture_days(FILE *fp, const struct opts *o, const struct ramp *r,
    struct sl_str user, struct sl_usage *u)
{
	const struct sl_usage_item *it;
	char d0[16], d1[16], dmax[16];
	uint64_t max = 0;
	int64_t first, last, day = INT64_MIN, z;
	size_t n, i, imax = 0, blanks;

	if (sl_usage_list(u, SL_USAGE_DAY, SL_USAGE_BY_KEY, SIZE_MAX, &it,
	    &n) < 0)
		cli_die("out of memory");
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		if (it[i].count > max) {
			max = it[i].count;
			imax = i;
		}
	first = day_number(it[0].key);
	last = day_number(it[n - 1].key);
	if (first == INT64_MIN || last == INT64_MIN)
		return;
	date_of(first, d0, sizeof(d0));
	date_of(last, d1, sizeof(d1));
	date_of(day_number(it[imax].key), dmax, sizeof(dmax));
	fputc('\n', fp);
	put_name(fp, user);
	fprintf(fp, ": events a day (%s), %s to %s\n", zone_name(o), d0, d1);
	for (z = first, i = 0, blanks = 0; z <= last; z++) {
		if ((z - first) % SPARK_DAYS == 0) {
			/* Blank days at the end of a line are left out. */
			if (z > first)
				fputc('\n', fp);
			blanks = 0;
			date_of(z, d0, sizeof(d0));
			fprintf(fp, "%s ", d0);
		}
		/* The days come sorted; a key that is no date is skipped. */
		while (i < n && ((day = day_number(it[i].key)) < z ||
		    day == INT64_MIN))
			i++;
		if (i < n && day == z) {
			for (; blanks > 0; blanks--)
				fputc(' ', fp);
			fputs(r->spark[level(it[i].count, max, r->nspark)],
			    fp);
		} else
			blanks++;
	}
	fprintf(fp, " %s\n", d1);
	fprintf(fp, "%s = %llu events (%s, the busiest day), %s up to 1/%d "
	    "of it; blank: none\n", r->spark[r->nspark],
	    (unsigned long long)max, dmax, r->spark[1], r->nspark);
}

/* ---- main ---------------------------------------------------------------- */

/* ---- alerts -------------------------------------------------------------- */

static const char *const alert_cols[] = {
	"id", "level", "rule", "user", "session", "start", "end", "value",
	"baseline", "explanation", "evidence", "events",
};

/* Judge, print the alerts ranked; EXIT_FOUND, or 3 when one is at or above
 * --fail-on, EXIT_TROUBLE when the run failed. */
static int
alerts_print(const struct opts *op, const struct sl_alert *const *v,
    size_t n)
{
	struct out *o;
	struct sbuf ev = { NULL, 0, 0 };
	size_t i, k;
	int rc = EXIT_FOUND, fmt;

	if (op->wanted == 0 && op->users.n > 0)
		rc = EXIT_NOTHING;
	fmt = out_format_for(stdout, op->json);
	/* An alert is far wider than a terminal: a card each there. */
	if (fmt == OUT_TABLE)
		fmt = OUT_CARD;
	o = out_new(stdout, fmt, op->header, 0, NULL);
	out_names(o, alert_cols, ARRAY_LEN(alert_cols));
	out_fit(o, out_term_width(stdout), out_utf8() ? "\u2026" : "~");
	out_cut(o, "evidence", 1);
	out_cut(o, "session", 1);
	out_cut(o, "explanation", 2);
	for (i = 0; i < n; i++) {
		const struct sl_alert *a = v[i];
		const char *lv = sl_level_name(a->level);

		/* -u: those users' alerts (case-wide ones are no user's). */
		if (a->level < op->min_level)
			continue;
		if (op->users.n > 0 && (a->user.n == 0 ||
		    !cli_users_want(&op->users, a->user.p, a->user.n)))
			continue;
		out_begin(o, NULL);
		out_str(o, "id", a->id, strlen(a->id));
		out_str(o, "level", lv, strlen(lv));
		out_str(o, "rule", a->rule, strlen(a->rule));
		out_str(o, "user", a->user.p, a->user.n);
		out_str(o, "session", a->session.p, a->session.n);
		put_time(o, "start", op, a->start);
		put_time(o, "end", op, a->end);
		out_num(o, "value", a->value);
		out_num(o, "baseline", a->baseline);
		out_str(o, "explanation", a->explanation,
		    strlen(a->explanation));
		ev.n = 0;
		for (k = 0; k < a->nevidence; k++) {
			if (k > 0)
				sb_addc(&ev, '\n');
			sb_add(&ev, a->evidence[k].p, a->evidence[k].n);
		}
		out_list(o, "evidence", ev.p ? ev.p : "", ev.n, NULL, 0);
		out_int(o, "events", (int64_t)a->nevents);
		out_end(o);
		if (op->fail_on >= 0 && a->level >= op->fail_on)
			rc = EXIT_ALERT;
	}
	out_flush(o);
	out_free(o);
	sb_release(&ev);
	return rc;
}

static int
alerts_report(const struct opts *op, struct sl_case *c)
{
	const struct sl_alert **v;
	size_t i, n;
	int rc;

	if (sl_detect_run(op->det, c) < 0) {
		cli_warn("--alerts: %s", sl_detect_error(op->det));
		return EXIT_TROUBLE;
	}
	n = sl_detect_count(op->det);
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = sl_detect_alert(op->det, i);
	rc = alerts_print(op, v, n);
	free(v);
	return rc;
}

/* ---- the timeline picture ------------------------------------------------ */

/* --svg: a lane per user with events (the case's user order), their
 * sessions as bars, their alerts as marks; case-wide alerts on a lane of
 * their own on top. */
static void
write_svg(const struct opts *op, const struct work *w)
{
	struct svg_lane *lanes;
	struct sbuf title = { NULL, 0, 0 };
	size_t i, k, n = 0, na;
	int64_t from = INT64_MAX, to = INT64_MIN;
	FILE *fp;

	lanes = xcalloc(w->nusers + 2, sizeof(*lanes));
	na = op->det != NULL ? sl_detect_count(op->det) : 0;
	for (i = 0; i < na; i++)
		if (sl_detect_alert(op->det, i)->user.n == 0)
			break;
	if (i < na && op->users.n == 0) {
		lanes[n].name = "(case)";
		lanes[n].namelen = 6;
		n++;
	}
	for (i = 0; i < w->nusers; i++) {
		struct sl_usage *u = w->res[i].u;
		const struct sl_usage_figures *f;
		const struct sl_usage_item *it;
		size_t ni;

		if (u == NULL || (f = sl_usage_figures(u))->events == 0 ||
		    !cli_users_want(&op->users, w->users[i].p,
		    w->users[i].n))
			continue;
		lanes[n].name = w->users[i].p;
		lanes[n].namelen = w->users[i].n;
		if (sl_usage_list(u, SL_USAGE_SESSION, SL_USAGE_BY_KEY,
		    SIZE_MAX, &it, &ni) < 0)
			cli_die("out of memory");
		lanes[n].bars = xcalloc(ni + 1, sizeof(*lanes[n].bars));
		for (k = 0; k < ni; k++) {
			lanes[n].bars[k].start = it[k].first;
			lanes[n].bars[k].end = it[k].last;
		}
		lanes[n].nbars = ni;
		if (f->first < from)
			from = f->first;
		if (f->last > to)
			to = f->last;
		n++;
	}
	for (i = 0; i < na; i++) {
		const struct sl_alert *a = sl_detect_alert(op->det, i);
		struct svg_lane *ln = NULL;
		struct sbuf t = { NULL, 0, 0 };

		for (k = 0; k < n; k++)
			if (lanes[k].namelen == a->user.n && (a->user.n == 0 ||
			    memcmp(lanes[k].name, a->user.p, a->user.n) == 0)) {
				ln = &lanes[k];
				break;
			}
		if (a->user.n == 0 && op->users.n == 0)
			ln = &lanes[0];
		if (ln == NULL)
			continue;
		sb_adds(&t, sl_level_name(a->level));
		sb_addc(&t, ' ');
		sb_adds(&t, a->rule);
		sb_adds(&t, ": ");
		sb_adds(&t, a->explanation);
		sb_addc(&t, '\0');
		ln->marks = xrealloc(ln->marks, ln->nmarks + 1,
		    sizeof(*ln->marks));
		ln->marks[ln->nmarks].time = a->start;
		ln->marks[ln->nmarks].level = a->level;
		ln->marks[ln->nmarks].title = t.p;
		ln->nmarks++;
		if (a->start < from)
			from = a->start;
		if (a->start > to)
			to = a->start;
	}
	if (op->since != INT64_MIN)
		from = op->since;
	if (op->until != INT64_MAX)
		to = op->until;
	if (from >= to) {
		/* Nothing to draw on: a day around what there is. */
		from = from == INT64_MAX ? 0 : from;
		to = from + INT64_C(86400000000);
	}
	sb_adds(&title, op->det != NULL ? "sessions and alerts" :
	    "sessions");
	sb_addc(&title, '\0');
	if ((fp = fopen(op->svg, "w")) == NULL)
		cli_die("--svg: %s: %s", op->svg, strerror(errno));
	if (svg_timeline(fp, lanes, n, from, to, op->ptz, title.p) < 0 ||
	    fclose(fp) != 0)
		cli_die("--svg: %s: write error", op->svg);
	for (i = 0; i < n; i++) {
		for (k = 0; k < lanes[i].nmarks; k++)
			free((char *)lanes[i].marks[k].title);
		free(lanes[i].marks);
		free(lanes[i].bars);
	}
	free(lanes);
	sb_release(&title);
}

/* ---- partial summaries ------------------------------------------------- */

/*
 * What the partial summaries of one merge must share: every option that
 * chooses or groups the events counted, as given (times as written, so a
 * relative one is the same words, not the same instant), and the run's
 * zone.  The output options (--json, --top's count, --picture, --svg) are
 * the merge's own.
 */
static char *
select_string(const struct opts *o, const char *extra)
{
	struct sbuf b = { NULL, 0, 0 };
	char num[64];
	size_t i;
	char *q;

	sb_adds(&b, "by=");
	for (i = 0; i < o->ndims; i++) {
		if (i > 0)
			sb_addc(&b, ',');
		sb_adds(&b, dim_names[o->dims[i]]);
	}
	sb_adds(&b, " since=");
	sb_adds(&b, o->f.since_arg ? o->f.since_arg : "");
	sb_adds(&b, " until=");
	sb_adds(&b, o->f.until_arg ? o->f.until_arg : "");
	sb_adds(&b, " tz=");
	sb_adds(&b, zone_name(o));
	snprintf(num, sizeof(num), " gap=%lld actions=%u outcomes=%u",
	    (long long)o->gap, o->actions, o->outcomes);
	sb_adds(&b, num);
	sb_adds(&b, " hours=");
	for (i = 0; i < o->f.nhours; i++) {
		snprintf(num, sizeof(num), "%s%d-%d", i > 0 ? "," : "",
		    o->f.hours[i].lo, o->f.hours[i].hi);
		sb_adds(&b, num);
	}
	snprintf(num, sizeof(num), " weekdays=%u flags=%u invert=%d",
	    o->f.weekdays, o->pat.flags, o->invert);
	sb_adds(&b, num);
	for (i = 0; i < o->users.n; i++) {
		q = cli_name_quote(o->users.v[i].p, o->users.v[i].n);
		sb_adds(&b, " -u ");
		sb_adds(&b, q);
		free(q);
	}
	for (i = 0; i < o->pat.nargs; i++) {
		snprintf(num, sizeof(num), " -%c ", o->pat.opts[i]);
		sb_adds(&b, num);
		q = cli_name_quote(o->pat.args[i], strlen(o->pat.args[i]));
		sb_adds(&b, q);
		free(q);
	}
	if (o->det != NULL) {
		/* The rules as the rules files left them. */
		sb_adds(&b, " alerts");
		sb_adds(&b, extra);
		for (i = 0; i < sl_detect_rule_count(o->det); i++) {
			const char *name;
			size_t k;
			int off, lv;

			lv = sl_detect_rule_level(o->det, i, &off);
			if (off)
				continue;
			sb_addc(&b, ' ');
			sb_adds(&b, sl_detect_rule_name(o->det, i));
			sb_addc(&b, '=');
			sb_adds(&b, sl_level_name(lv));
			for (k = 0; (name = sl_detect_rule_setting(o->det, i,
			    k, num, sizeof(num))) != NULL; k++) {
				sb_addc(&b, ',');
				sb_adds(&b, name);
				sb_addc(&b, '=');
				sb_adds(&b, num);
			}
		}
	}
	sb_addc(&b, '\0');
	return b.p;
}

/*
 * --partial --alerts: only rules that judge each user alone, whose alerts
 * of a shard are the whole case's, and (peers: with --peers, --baselines
 * or --merge) those the other shards' baselines make exact, every other
 * built-in rule (summarize(1), PARTIAL SUMMARIES); a rule of neither kind
 * is refused.  Whether a rule of the second kind runs.
 */
static int
alone_rules(const struct opts *o, int peers)
{
	int need = 0;

	struct sbuf b = { NULL, 0, 0 };
	size_t i;
	int off;

	for (i = 0; i < sl_detect_rule_count(o->det); i++) {
		sl_detect_rule_level(o->det, i, &off);
		if (off || sl_detect_rule_alone(o->det, i))
			continue;
		if (sl_detect_rule_peers(o->det, i) == 1) {
			need = 1;
			if (peers)
				continue;
		}
		if (b.n > 0)
			sb_adds(&b, ", ");
		sb_adds(&b, sl_detect_rule_name(o->det, i));
	}
	if (b.n > 0)
		cli_die("--alerts: these rules judge users against others or "
		    "the whole case, which a partial summary holds only when "
		    "judged against every shard's baselines (--peers): %s (a "
		    "rules file can disable them)", b.p);
	return need;
}

/* --partial --alerts: the shard's alerts. */
static void
write_partial_alerts(const char *path, const struct opts *o,
    const struct work *w, const char *select, int trouble, int peers)
{
	struct part_writer pw;
	size_t i;

	memset(&pw, 0, sizeof(pw));
	pw.path = path;
	if ((pw.fp = fopen(path, "w")) == NULL)
		cli_die("--partial: %s: %s", path, strerror(errno));
	part_header(&pw, select, zone_name(o));
	if (peers)
		part_peers(&pw, sl_detect_user_count(o->det));
	for (i = 0; i < w->nusers; i++)
		if (cli_users_want(&o->users, w->users[i].p, w->users[i].n))
			part_held(&pw, w->users[i]);
	for (i = 0; i < sl_detect_count(o->det); i++)
		part_alert(&pw, sl_detect_alert(o->det, i));
	part_end(&pw, trouble);
	if (fclose(pw.fp) != 0)
		cli_die("--partial: %s: write error", path);
}

/* --baselines: what each user of the shard adds to the baselines that
 * span users, for the other shards' --peers. */
static void
write_baselines(const char *path, const struct opts *o, const char *select,
    struct sl_case *c, int trouble)
{
	struct part_writer pw;
	struct sl_str name;
	char *line, *p, *nl;
	size_t i, len;
	int rc;

	memset(&pw, 0, sizeof(pw));
	pw.path = path;
	if ((pw.fp = fopen(path, "w")) == NULL)
		cli_die("--baselines: %s: %s", path, strerror(errno));
	part_header(&pw, select, zone_name(o));
	for (i = 0; i < sl_detect_user_count(o->det); i++) {
		if (sl_detect_user_baseline(o->det, i, &name, &line, &len) < 0)
			cli_die("out of memory");
		part_baseline(&pw, name, line, len);
		free(line);
	}
	/* What the shard's logs add to the rules about the whole case. */
	if ((rc = sl_detect_case_baseline(o->det, c, &line, &len)) < 0)
		cli_die("--baselines: %s", rc == -ENOMEM ? "out of memory" :
		    sl_detect_error(o->det));
	for (p = line; p < line + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(line + len - p));
		part_case_baseline(&pw, p, (size_t)(nl - p));
	}
	free(line);
	part_end(&pw, trouble);
	if (fclose(pw.fp) != 0)
		cli_die("--baselines: %s: write error", path);
}

/* --peers: every shard's baselines, those of other shards' users added to
 * the run as peers; each of the shard's own users must be in them, once,
 * so that no shard is left out. */
struct peers {
	const struct opts *o;
	const char *select;
	const char *path;
	struct smap own;	/* the shard's users */
	struct smap seen;	/* every user met */
	char **names;		/* seen's keys */
	size_t nnames, nown;
};

static int
peers_header(void *arg, const char *select, const char *tz, char *err,
    size_t errlen)
{
	struct peers *p = arg;

	(void)tz;
	if (strcmp(select, p->select) != 0) {
		snprintf(err, errlen, "%s: made with other selection "
		    "options than this run: %s (here: %s)", p->path, select,
		    p->select);
		return -1;
	}
	return 0;
}

/* What adding a peer's line returned (rc): 0, or -1 with the reason. */
static int
peers_added(const struct peers *p, int rc, char *err, size_t errlen)
{
	if (rc == -ENOMEM)
		cli_die("out of memory");
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", p->path,
		    sl_detect_error(p->o->det));
		return -1;
	}
	return 0;
}

static int
peers_baseline(void *arg, struct sl_str name, struct sl_str line, char *err,
    size_t errlen)
{
	struct peers *p = arg;
	char *q;

	if (smap_get(&p->seen, name.p, name.n) != SIZE_MAX) {
		q = cli_name_quote(name.p, name.n);
		snprintf(err, errlen, "%s: user %s twice: the baselines must "
		    "be of shards with no user in common, each given once",
		    p->path, q);
		free(q);
		return -1;
	}
	p->names = xrealloc(p->names, p->nnames + 1, sizeof(*p->names));
	p->names[p->nnames] = xrealloc(NULL, name.n + 1, 1);
	memcpy(p->names[p->nnames], name.p, name.n + 1);
	smap_put(&p->seen, p->names[p->nnames], name.n, 0);
	p->nnames++;
	if (smap_get(&p->own, name.p, name.n) != SIZE_MAX) {
		p->nown++;
		return 0;
	}
	return peers_added(p, sl_detect_add_peer(p->o->det, name.p, name.n,
	    line.p, line.n), err, errlen);
}

/* Every shard's case baselines, this one's too: they replace the
 * shard's own manifest. */
static int
peers_case(void *arg, struct sl_str line, char *err, size_t errlen)
{
	struct peers *p = arg;

	return peers_added(p, sl_detect_add_case_peer(p->o->det, line.p,
	    line.n), err, errlen);
}

static void
peers_end(void *arg, int trouble)
{
	(void)arg;
	(void)trouble;
}

static void
read_peers(const struct opts *o, const char *select, const struct work *w,
    char **files, size_t n)
{
	struct part_sink sink;
	struct sl_usage_opts uo;
	struct peers p;
	size_t i;
	char err[1024];

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.select = select;
	for (i = 0; i < w->nusers; i++)
		smap_put(&p.own, w->users[i].p, w->users[i].n, i);
	sl_usage_opts_init(&uo);
	memset(&sink, 0, sizeof(sink));
	sink.arg = &p;
	sink.uo = &uo;
	sink.header = peers_header;
	sink.baseline = peers_baseline;
	sink.case_baseline = peers_case;
	sink.end = peers_end;
	/* The logs are judged by the shards' case baselines alone, even
	 * when none has any. */
	if (sl_detect_add_case_peer(o->det, NULL, 0) < 0)
		cli_die("out of memory");
	for (i = 0; i < n; i++) {
		p.path = files[i];
		if (part_read(files[i], &sink, err, sizeof(err)) < 0)
			cli_die("--peers: %s", err);
	}
	if (p.nown != w->nusers)
		cli_die("--peers: %zu of the %zu users of this shard are in "
		    "none of the baselines given: give those of every shard, "
		    "this one's too (--baselines)", w->nusers - p.nown,
		    w->nusers);
	for (i = 0; i < p.nnames; i++)
		free(p.names[i]);
	free(p.names);
	smap_free(&p.own);
	smap_free(&p.seen);
}

static void
partial_source(void *arg, struct sl_str sha, struct sl_str path,
    struct sl_str member, int container)
{
	part_source(arg, sha, path, member, container);
}

/* --partial: what this shard counted, for --merge. */
static void
write_partial(const char *path, const struct opts *o, const char *select,
    struct sl_case *c, const struct work *w, struct table *g, int trouble)
{
	struct part_writer pw;
	struct sl_str parts[MAX_DIMS];
	size_t i, k;

	memset(&pw, 0, sizeof(pw));
	pw.path = path;
	if ((pw.fp = fopen(path, "w")) == NULL)
		cli_die("--partial: %s: %s", path, strerror(errno));
	part_header(&pw, select, zone_name(o));
	manifest_rows(c, partial_source, &pw);
	for (i = 0; i < w->nusers; i++)
		if (w->res[i].u != NULL)
			part_user(&pw, w->users[i], w->res[i].u);
	for (i = 0; i < g->n; i++) {
		for (k = 0; k < o->ndims; k++)
			key_part(g->v[i].key, k, &parts[k].p, &parts[k].n);
		part_group(&pw, parts, o->ndims, g->v[i].users, g->v[i].u);
	}
	part_end(&pw, trouble);
	if (fclose(pw.fp) != 0)
		cli_die("--partial: %s: write error", path);
}

/*
 * The usages of a merge's groups: a group's distinct sets exact up to
 * --merge-max-keys keys, sketches past it; a group of one user's events
 * (--by user,...) always exact, as a user's own figures are.
 */
static void
group_opts(const struct opts *o, struct sl_usage_opts *uo)
{
	sl_usage_opts_init(uo);
	uo->tz = o->f.tz;
	uo->max_keys = o->has_user_dim ? 0 : o->max_keys;
}

/* --merge: the partial summaries read into the work and tables of a
 * run, as if its workers had counted them. */
struct merge {
	const struct opts *o;
	const char *select;	/* NULL until the first header */
	char *tz;		/* the first partial's zone */
	const char *path;
	struct work *w;
	struct table *g;
	struct logs *logs;
	struct smap names;	/* user -> partial it came from */
	char **paths;		/* the partials, m->cur the one read */
	size_t cur;
	struct sl_alert *alerts;	/* --alerts: the shards' */
	size_t nalerts;
	/* Alerts about the whole case (no user): every shard judged
	 * against all others gives the same; the first partial's ids, and
	 * how many of them the partial being read has matched. */
	char (*whole)[sizeof(((struct sl_alert *)0)->id)];
	size_t nwhole, kwhole;
	uint64_t peers;		/* the first partial's peers line */
	size_t npeers;		/* partials with one */
	int trouble;
	int zone_only;		/* only the first header: its zone */
};

static int
merge_header(void *arg, const char *select, const char *tz, char *err,
    size_t errlen)
{
	struct merge *m = arg;

	if (m->zone_only) {
		m->tz = xstrdup(tz);
		return 1;
	}
	if (strcmp(select, m->select) != 0) {
		snprintf(err, errlen, "%s: made with other selection "
		    "options than this merge: %s (here: %s)", m->path, select,
		    m->select);
		return -1;
	}
	return 0;
}

static void
merge_source(void *arg, struct sl_str sha, struct sl_str path,
    struct sl_str member, int container)
{
	struct merge *m = arg;

	if (!m->zone_only)
		logs_add(m->logs, sha, path, member, container);
}

static int
merge_user(void *arg, struct sl_str name, struct sl_usage *u, char *err,
    size_t errlen)
{
	struct merge *m = arg;
	struct work *w = m->w;
	size_t i;
	char *p, *q;

	if (m->zone_only) {
		sl_usage_free(u);
		return 0;
	}
	/* A user lives in one shard: met twice, the partials are not of
	 * disjoint shards (or one was given twice). */
	if ((i = smap_get(&m->names, name.p, name.n)) != SIZE_MAX) {
		q = cli_name_quote(name.p, name.n);
		snprintf(err, errlen, "%s: user %s is in %s too: the partial "
		    "summaries must be of shards with no user in common",
		    m->path, q, m->paths[i]);
		free(q);
		sl_usage_free(u);
		return -1;
	}
	p = xrealloc(NULL, name.n + 1, 1);
	memcpy(p, name.p, name.n + 1);
	w->users = xrealloc(w->users, w->nusers + 2, sizeof(*w->users));
	w->res = xrealloc(w->res, w->nusers + 2, sizeof(*w->res));
	memset(&w->res[w->nusers], 0, sizeof(w->res[w->nusers]));
	w->users[w->nusers].p = p;
	w->users[w->nusers].n = name.n;
	w->res[w->nusers].u = u;
	smap_put(&m->names, p, name.n, m->cur);
	w->nusers++;
	return 0;
}

static void
merge_group(void *arg, const struct sl_str *parts, size_t nparts,
    uint64_t users, struct sl_usage *u)
{
	struct merge *m = arg;
	struct sbuf k = { NULL, 0, 0 };
	struct sl_usage_opts uo;
	struct row *d;
	size_t i;

	if (m->zone_only || nparts != m->o->ndims) {
		sl_usage_free(u);
		return;
	}
	for (i = 0; i < nparts; i++)
		key_add(&k, parts[i].p, parts[i].n);
	group_opts(m->o, &uo);
	d = table_get(m->g, k.p, k.n, &uo);
	if (sl_usage_merge(d->u, u) < 0)
		cli_die("out of memory");
	d->users += users;
	sl_usage_free(u);
	sb_release(&k);
}

/* --alerts: a user judged, known by name only. */
static int
merge_held(void *arg, struct sl_str name, char *err, size_t errlen)
{
	struct merge *m = arg;
	struct sl_usage *u;

	if (m->zone_only)
		return 0;
	if ((u = sl_usage_new(NULL)) == NULL)
		cli_die("out of memory");
	return merge_user(arg, name, u, err, errlen);
}

static void
merge_alert(void *arg, struct sl_alert *a)
{
	struct merge *m = arg;

	if (m->zone_only) {
		part_alert_release(a);
		return;
	}
	if (a->user.n == 0) {
		if (m->cur == 0) {
			m->whole = xrealloc(m->whole, m->nwhole + 1,
			    sizeof(*m->whole));
			memcpy(m->whole[m->nwhole++], a->id, sizeof(a->id));
		} else {
			if (m->kwhole >= m->nwhole || memcmp(a->id,
			    m->whole[m->kwhole], sizeof(a->id)) != 0)
				cli_die("--merge --alerts: %s: its alerts about "
				    "the whole case are not those of %s: the "
				    "partials must be judged against the same "
				    "--peers", m->path, m->paths[0]);
			m->kwhole++;
			part_alert_release(a);
			return;
		}
	}
	m->alerts = xrealloc(m->alerts, m->nalerts + 1, sizeof(*m->alerts));
	m->alerts[m->nalerts++] = *a;
}

static int
cmp_alert(const void *a, const void *b)
{
	return sl_alert_cmp(a, b);
}

/* --alerts: the users the shard was judged against; the same for all. */
static void
merge_peers(void *arg, uint64_t n)
{
	struct merge *m = arg;

	if (m->zone_only)
		return;
	if (m->npeers > 0 && n != m->peers)
		cli_die("--merge: %s: judged against %" PRIu64 " users, "
		    "another partial against %" PRIu64 ": the partials must "
		    "be made with the same --peers", m->path, n, m->peers);
	m->peers = n;
	m->npeers++;
}

static void
merge_end(void *arg, int trouble)
{
	struct merge *m = arg;

	m->trouble |= trouble;
	if (!m->zone_only && m->cur > 0 && m->kwhole != m->nwhole)
		cli_die("--merge --alerts: %s: its alerts about the whole "
		    "case are not those of %s: the partials must be judged "
		    "against the same --peers", m->path, m->paths[0]);
	m->kwhole = 0;
}

static const struct sl_str *sort_names;

/* Users in byte order, a prefix first: the case's order. */
static int
cmp_user(const void *a, const void *b)
{
	const struct sl_str *x = &sort_names[*(const size_t *)a];
	const struct sl_str *y = &sort_names[*(const size_t *)b];
	int d = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);

	if (d != 0 || x->n == y->n)
		return d;
	return x->n < y->n ? -1 : 1;
}

/* What --merge does with each line of a partial. */
static void
merge_sink(struct part_sink *sink, struct merge *m, struct sl_usage_opts *uo)
{
	memset(sink, 0, sizeof(*sink));
	sink->arg = m;
	sink->uo = uo;
	sink->header = merge_header;
	sink->source = merge_source;
	sink->user = merge_user;
	sink->group = merge_group;
	sink->held = merge_held;
	sink->alert = merge_alert;
	sink->peers = merge_peers;
	sink->end = merge_end;
}

/* Read the partials given to --merge into w and g, the users in the
 * case's order; dies on a file refused. */
static void
merge_partials(struct merge *m, char **files, size_t n)
{
	struct part_sink sink;
	struct sl_usage_opts uo, guo;
	struct work *w = m->w;
	struct sl_str *names;
	struct ures *res;
	size_t i, *ix;
	char err[1024];

	sl_usage_opts_init(&uo);
	uo.tz = m->o->f.tz;
	merge_sink(&sink, m, &uo);
	group_opts(m->o, &guo);
	sink.group_uo = &guo;
	m->paths = files;
	for (i = 0; i < n; i++) {
		m->path = files[i];
		m->cur = i;
		if (part_read(files[i], &sink, err, sizeof(err)) < 0)
			cli_die("--merge: %s", err);
	}
	ix = xcalloc(w->nusers + 1, sizeof(*ix));
	for (i = 0; i < w->nusers; i++)
		ix[i] = i;
	sort_names = w->users;
	qsort(ix, w->nusers, sizeof(*ix), cmp_user);
	names = xcalloc(w->nusers + 1, sizeof(*names));
	res = xcalloc(w->nusers + 1, sizeof(*res));
	for (i = 0; i < w->nusers; i++) {
		names[i] = w->users[ix[i]];
		res[i] = w->res[ix[i]];
	}
	free(w->users);
	free(w->res);
	w->users = names;
	w->res = res;
	free(ix);
	/* The alerts ranked as one run ranks them. */
	if (m->nalerts > 1)
		qsort(m->alerts, m->nalerts, sizeof(*m->alerts), cmp_alert);
}

/* The zone of the first partial, when --tz does not say: the zone its
 * case's sources were read in, as summarize of that case took it. */
static char *
merge_zone(struct merge *m, const char *file)
{
	struct part_sink sink;
	struct sl_usage_opts uo;
	char err[1024];

	sl_usage_opts_init(&uo);
	merge_sink(&sink, m, &uo);
	m->zone_only = 1;
	m->path = file;
	if (part_read(file, &sink, err, sizeof(err)) < 0)
		cli_die("--merge: %s", err);
	m->zone_only = 0;
	return m->tz;
}

/* --list-rules: each rule, its base level, whether it is on, its settings
 * as a rules file writes them. */
static void
list_rule_table(const struct opts *op)
{
	static const char *const cols[] = { "rule", "level", "enabled",
	    "settings" };
	struct out *o;
	struct sbuf b = { NULL, 0, 0 };
	char val[64];
	const char *name;
	size_t i, k;
	int off, lv;

	o = out_new(stdout, out_format_for(stdout, op->json), op->header, 0,
	    NULL);
	out_names(o, cols, ARRAY_LEN(cols));
	for (i = 0; i < sl_detect_rule_count(op->det); i++) {
		lv = sl_detect_rule_level(op->det, i, &off);
		out_begin(o, NULL);
		name = sl_detect_rule_name(op->det, i);
		out_str(o, "rule", name, strlen(name));
		name = sl_level_name(lv);
		out_str(o, "level", name, strlen(name));
		out_mark(o, "enabled", !off);
		b.n = 0;
		for (k = 0; (name = sl_detect_rule_setting(op->det, i, k, val,
		    sizeof(val))) != NULL; k++) {
			if (k > 0)
				sb_addc(&b, '\n');
			sb_adds(&b, name);
			sb_addc(&b, '=');
			sb_adds(&b, val);
		}
		out_list(o, "settings", b.p ? b.p : "", b.n, NULL, 0);
		out_end(o);
	}
	out_flush(o);
	out_free(o);
	sb_release(&b);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct work w;
	struct cli_scratch scratch = { NULL, NULL };
	struct cli_cases cases = { NULL, 0 };
	struct cli_keep keep;
	struct cli_users all_users = { NULL, 0 };
	struct sl_reader_opts ro;
	struct sl_case *c;
	struct sl_usage_opts uo;
	struct sl_usage *all = NULL;
	struct table g = { { NULL, 0, 0 }, NULL, 0 };
	struct out *out;
	pthread_t *th;
	const char *casedir = NULL, *by = NULL, *groups = NULL;
	const char *group_column = NULL, *policy = NULL, **rules = NULL;
	size_t nrules = 0;
	char **watch = NULL;
	size_t nwatch = 0;
	struct sl_watch *wl = NULL;
	struct sl_detect_opts dopts;
	int alerts = 0, workdays = 0, baseline_set = 0, list_rules = 0;
	const char *partial = NULL, *baselines = NULL;
	char **peers = NULL;
	size_t npeers = 0;
	int need_peers = 0;
	char *select = NULL;
	struct merge mg;
	struct logs logs;
	int merge = 0, max_keys_set = 0;
	int status;
	char **args, err[512];
	uint64_t read_errors = 0, users = 0, sessions = 0, events = 0;
	size_t i, k, nu, njobs = 0;
	int ch, nargs = argc - 1, trouble = 0, utf8 = 0, fmt;

	cli_progname = "summarize";
	memset(&o, 0, sizeof(o));
	memset(&w, 0, sizeof(w));
	memset(&mg, 0, sizeof(mg));
	memset(&logs, 0, sizeof(logs));
	sl_reader_opts_init(&ro);
	o.header = 1;
	cli_filter_init(&o.f);
	o.gap = SL_GAP_DEFAULT;
	o.fail_on = -1;
	o.max_keys = MERGE_MAX_KEYS;
	sl_detect_opts_init(&dopts);
	args = xrealloc(NULL, (size_t)argc + 1, sizeof(*args));
	memcpy(args, argv, ((size_t)argc + 1) * sizeof(*args));

	while ((ch = getopt_long(argc, argv, "C:Fe:f:hij:k:u:vw", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C':
			cli_cases_add(&cases, optarg);
			break;
		case 'F':
			o.pat.flags |= SL_MATCH_FIXED;
			break;
		case 'e':
		case 'f':
		case 'k':
			cli_patterns_arg(&o.pat, ch, optarg);
			break;
		case 'i':
			o.pat.flags |= SL_MATCH_ICASE;
			break;
		case 'v':
			o.invert = 1;
			break;
		case 'w':
			o.pat.flags |= SL_MATCH_WORD;
			break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			cli_close_stdout();
			exit(0);
		case 'j':
			njobs = (size_t)cli_number("-j", optarg, 1, 256);
			break;
		case 'u':
			cli_users_add(&o.users, optarg);
			break;
		case OPT_ACTION:
			o.actions |= cli_parse_set("--action", optarg,
			    sl_action_parse);
			break;
		case OPT_ALERTS:
			alerts = 1;
			break;
		case OPT_BASELINE:
			if (sl_duration_parse(optarg, &dopts.baseline) < 0 ||
			    dopts.baseline <= 0)
				cli_die("--baseline: \"%s\" is not a duration "
				    "(like 28d, 2w)", optarg);
			baseline_set = 1;
			break;
		case OPT_BY:
			by = optarg;
			break;
		case OPT_MIN_LEVEL:
			o.min_level = sl_level_parse(optarg, strlen(optarg));
			if (o.min_level < 0)
				cli_die("--min-level: \"%s\" is not a level "
				    "(info, low, medium, high, critical)",
				    optarg);
			break;
		case OPT_FAIL_ON:
			o.fail_on = sl_level_parse(optarg, strlen(optarg));
			if (o.fail_on < 0)
				cli_die("--fail-on: \"%s\" is not a level "
				    "(info, low, medium, high, critical)",
				    optarg);
			break;
		case OPT_GROUPS:
			groups = optarg;
			break;
		case OPT_GROUP_COLUMN:
			group_column = optarg;
			break;
		case OPT_POLICY:
			policy = optarg;
			break;
		case OPT_LIST_RULES:
			list_rules = 1;
			break;
		case OPT_RULES:
			rules = xrealloc(rules, nrules + 1, sizeof(*rules));
			rules[nrules++] = optarg;
			break;
		case OPT_WORK_HOURS:
			cli_parse_hours("--work-hours", optarg,
			    &dopts.work_from, &dopts.work_to);
			break;
		case OPT_SVG:
			o.svg = optarg;
			break;
		case OPT_WORKDAYS:
			dopts.workdays = cli_parse_weekdays("--workdays",
			    optarg);
			workdays = 1;
			break;
		case OPT_GAP:
			if (sl_duration_parse(optarg, &o.gap) < 0 ||
			    o.gap <= 0)
				cli_die("--gap: \"%s\" is not a duration "
				    "(like 30m, 90s, 1h)", optarg);
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
		case OPT_PICTURE:
			o.picture = 1;
			break;
		case OPT_PROFILE:
			ro.profile = optarg;
			break;
		case OPT_RANK:
			for (k = 0; k < R__COUNT; k++)
				if (strcmp(optarg, rank_names[k]) == 0)
					break;
			if (k == R__COUNT)
				cli_die("--rank: unknown key \"%s\"", optarg);
			o.rank = (int)k;
			break;
		case OPT_SINCE:
			o.f.since_arg = optarg;
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
		case OPT_WATCHLIST:
			watch = xrealloc(watch, nwatch + 1, sizeof(*watch));
			watch[nwatch++] = optarg;
			break;
		case OPT_WEEKDAYS:
			cli_filter_weekdays(&o.f, optarg);
			break;
		case OPT_FOLLOW:
			ro.follow = 1;
			break;
		case OPT_PARTIAL:
			partial = optarg;
			break;
		case OPT_MERGE:
			merge = 1;
			break;
		case OPT_MERGE_MAX_KEYS:
			o.max_keys = (size_t)cli_number("--merge-max-keys",
			    optarg, 0, LONG_MAX);
			max_keys_set = 1;
			break;
		case OPT_BASELINES:
			baselines = optarg;
			break;
		case OPT_PEERS:
			peers = xrealloc(peers, npeers + 1, sizeof(*peers));
			peers[npeers++] = optarg;
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
	o.ptz = cli_filter_print_tz(&o.f);
	cli_patterns_compile(&o.pat);
	if (o.invert && o.pat.nconds == 0)
		cli_die("-v needs a pattern (-e, -f or -k)");
	if (list_rules) {
		/* The rules as the rules files given leave them. */
		if ((o.det = sl_detect_new(NULL)) == NULL)
			cli_die("out of memory");
		for (i = 0; i < nrules; i++)
			if (sl_detect_load_rules(o.det, rules[i]) < 0)
				cli_die("--rules: %s", sl_detect_error(o.det));
		list_rule_table(&o);
		sl_detect_free(o.det);
		free(rules);
		free(args);
		cli_close_stdout();
		exit(0);
	}
	if (!alerts && (groups != NULL || group_column != NULL ||
	    o.fail_on >= 0 || o.min_level > 0 || workdays ||
	    dopts.work_from >= 0 ||
	    baseline_set || policy != NULL || (nrules > 0 && !list_rules) ||
	    nwatch > 0))
		cli_die("--groups, --group-column, --fail-on, --min-level, "
		    "--baseline, --policy, --rules, --watchlist, --work-hours "
		    "and --workdays are for --alerts");
	if (o.svg != NULL && o.json)
		cli_die("--svg: not with --json");
	if (alerts && (by != NULL || o.top_set || o.picture))
		cli_die("--alerts: not with --by, --top or --picture");
	if (workdays && dopts.work_from < 0)
		cli_die("--workdays: give the hours too (--work-hours)");
	/* Read before the evidence, so that a bad line is an error at
	 * once. */
	wl = cli_watch_load(watch, nwatch);
	dopts.watch = wl;
	if (by != NULL)
		parse_by(&o, by);
	else if (o.top_set) {
		o.dims[0] = D_USER;
		o.ndims = 1;
	}
	for (i = 0; i < o.ndims; i++)
		if (o.dims[i] == D_USER)
			o.has_user_dim = 1;
	if (o.ndims == 1 && o.dims[0] == D_USER && !o.top_set)
		o.mode = M_USER;
	else if (o.ndims > 0)
		o.mode = M_GROUP;
	else
		o.mode = o.users.n > 0 ? M_USER : M_CASE;
	/* Pictures are for a reader at a terminal looking at a few users;
	 * --picture draws them anywhere, but not into JSON. */
	if (o.picture && o.json)
		cli_die("--picture: pictures do not go into --json output");
	if (o.picture && o.mode != M_USER)
		cli_die("--picture: pictures are of users: give -u or "
		    "--by user");
	if (!o.json && o.mode == M_USER && o.users.n > 0 &&
	    isatty(fileno(stdout)))
		o.picture = 1;
	if (partial != NULL && merge)
		cli_die("--partial and --merge: one or the other");
	if ((baselines != NULL || npeers > 0) && !alerts)
		cli_die("--baselines and --peers: they are for --alerts");
	if (baselines != NULL && (partial != NULL || merge))
		cli_die("--baselines: not with --partial or --merge");
	if (npeers > 0 && partial == NULL)
		cli_die("--peers: it is for --partial");
	if (merge && alerts && o.svg != NULL)
		cli_die("--svg: not with --merge --alerts");
	if (partial != NULL && (o.json || o.picture || o.svg != NULL ||
	    !o.header))
		cli_die("--partial writes no report: not with --json, "
		    "--no-header, --picture or --svg");
	if (merge && argc == 0)
		cli_die("--merge: give the partial summaries to merge");
	if (max_keys_set && !merge)
		cli_die("--merge-max-keys: it is for --merge");
	if (merge && casedir != NULL)
		cli_die("--merge: reads partial summaries, not a case (-C)");
	if (o.picture)
		utf8 = locale_utf8();
	cli_users_sort(&o.users);
	if (njobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		njobs = n < 1 ? 1 : n > 64 ? 64 : (size_t)n;
	}

	if (merge) {
		/* The zone of the shards' runs, unless --tz says. */
		mg.o = &o;
		if (o.f.tz_arg == NULL && strcmp(merge_zone(&mg, argv[0]),
		    "UTC") != 0 && (o.f.tz = sl_tz_load(mg.tz, err,
		    sizeof(err))) == NULL)
			cli_die("the zone of the partial summaries: %s", err);
		cli_filter_resolve(&o.f, NULL);
		c = NULL;
	} else if (argc > 0) {
		/* Raw sources, read into a scratch case: the users asked
		 * for, everything before --until. */
		cli_filter_resolve(&o.f, NULL);
		o.until = o.f.until;
		ro.tz = o.f.tz_arg;
		/* For --alerts, every user (-u picks the alerts shown, not
		 * the baselines: groups, rare resources and coverage are
		 * judged on everyone), and all of every log, so that the
		 * scratch case's manifest counts what a case's does
		 * (log-integrity). */
		keep.users = alerts ? &all_users : &o.users;
		keep.until = alerts ? INT64_MAX : o.until;
		c = cli_scratch_open(&scratch, (const char *const *)argv,
		    (size_t)argc, &ro, cli_keep_event, &keep, &read_errors);
		if (read_errors > 0)
			trouble = 1;
		casedir = scratch.dir;
		w.shared = c;
		njobs = 1;
	} else {
		c = cli_cases_open(&cases, &scratch, &casedir, "summarize",
		    nargs, args + 1);
		cli_filter_resolve(&o.f, c);
	}
	o.since = o.f.since;
	o.until = o.f.until;
	if (alerts) {
		dopts.tz = o.f.tz;
		if (o.f.since_arg != NULL)
			dopts.since = o.since;
		dopts.until = o.until;
		if ((o.det = sl_detect_new(&dopts)) == NULL)
			cli_die("--alerts: %s", errno == EINVAL ?
			    "--since is not before --until" :
			    strerror(errno));
		if (groups != NULL && sl_detect_load_groups(o.det, groups,
		    group_column) < 0)
			cli_die("--groups: %s", sl_detect_error(o.det));
		if (group_column != NULL && groups == NULL)
			cli_die("--group-column: give --groups too");
		if (policy != NULL && sl_detect_load_policy(o.det,
		    policy) < 0)
			cli_die("--policy: %s", sl_detect_error(o.det));
		/* Rules files in order: a later one changes what an
		 * earlier one set. */
		for (i = 0; i < nrules; i++)
			if (sl_detect_load_rules(o.det, rules[i]) < 0)
				cli_die("--rules: %s", sl_detect_error(o.det));
		sl_detect_range(o.det, &o.det_from, &o.det_to);
		if (partial != NULL || merge || baselines != NULL)
			need_peers = alone_rules(&o, merge || npeers > 0 ||
			    baselines != NULL);
	}
	if (partial != NULL || merge || baselines != NULL) {
		/* The files of --alerts as given: their names, not what
		 * they hold. */
		struct sbuf x = { NULL, 0, 0 };
		char num[128];

		snprintf(num, sizeof(num), " baseline=%lld work=%d-%d "
		    "workdays=%u", (long long)dopts.baseline,
		    dopts.work_from, dopts.work_to, dopts.workdays);
		sb_adds(&x, num);
		for (i = 0; i < nrules; i++) {
			sb_adds(&x, " rules=");
			sb_adds(&x, rules[i]);
		}
		sb_adds(&x, " policy=");
		sb_adds(&x, policy != NULL ? policy : "");
		sb_adds(&x, " groups=");
		sb_adds(&x, groups != NULL ? groups : "");
		sb_adds(&x, " group-column=");
		sb_adds(&x, group_column != NULL ? group_column : "");
		for (i = 0; i < nwatch; i++) {
			sb_adds(&x, " watchlist=");
			sb_adds(&x, watch[i]);
		}
		sb_addc(&x, '\0');
		select = select_string(&o, x.p);
		sb_release(&x);
	}

	if (merge) {
		mg.select = select;
		mg.w = &w;
		mg.g = &g;
		mg.logs = &logs;
		merge_partials(&mg, argv, (size_t)argc);
		for (i = 0; i < o.users.n; i++)
			if ((i == 0 || o.users.v[i].n != o.users.v[i - 1].n ||
			    memcmp(o.users.v[i].p, o.users.v[i - 1].p,
			    o.users.v[i].n) != 0) && smap_get(&mg.names,
			    o.users.v[i].p, o.users.v[i].n) == SIZE_MAX) {
				char *q = cli_name_quote(o.users.v[i].p,
				    o.users.v[i].n);

				cli_warn("no events of user %s", q);
				free(q);
			}
		if (mg.trouble) {
			cli_warn("--merge: a partial summary says some of its "
			    "users could not be read");
			trouble = 1;
		}
		/* A scoped key met in the cases of two partials (a record
		 * copied to users of different shards) is a duplicate or a
		 * conflict that only ingest --merge of those cases judges:
		 * say so, as the issue of shards asks, without failing. */
		if (argc > 1)
			cli_warn("--merge: duplicates and conflicts between "
			    "users of different partials are not seen: "
			    "ingest --merge their cases to find them");
		/* Rules judged against peers: every partial made so, and
		 * against the users of all the partials merged. */
		if (alerts && need_peers && mg.npeers != (size_t)argc)
			cli_die("--merge --alerts: %zu of the partials were "
			    "made without --peers, which rules that judge "
			    "users against others need",
			    (size_t)argc - mg.npeers);
		if (alerts && mg.npeers > 0 && o.users.n == 0 &&
		    mg.peers != w.nusers)
			cli_die("--merge --alerts: the partials were judged "
			    "against %" PRIu64 " users, they hold %zu: give "
			    "the partials of every shard", mg.peers,
			    w.nusers);
		if (alerts) {
			const struct sl_alert **v;

			v = xcalloc(mg.nalerts + 1, sizeof(*v));
			for (i = 0; i < mg.nalerts; i++)
				v[i] = &mg.alerts[i];
			o.wanted = w.nusers;
			status = alerts_print(&o, v, mg.nalerts);
			free(v);
			if (trouble)
				status = EXIT_TROUBLE;
			goto done;
		}
		goto merged;
	}
	/* The users, summarised in parallel; the results are kept in the
	 * case's user order, so that the output does not depend on -j. */
	nu = sl_case_user_count(c);
	w.o = &o;
	w.casedir = casedir;
	w.users = xrealloc(NULL, nu + 1, sizeof(*w.users));
	for (i = 0; i < nu; i++) {
		struct sl_str user = sl_case_user(c, i);

		if (cli_users_want(&o.users, user.p, user.n)) {
			w.users[w.nusers++] = user;
			o.wanted++;
		} else if (alerts)
			w.users[w.nusers++] = user;
	}
	/* A shard need not hold the users asked for: the merge says which
	 * none held. */
	if (partial == NULL)
		cli_users_missing(&o.users, c);
	w.res = xcalloc(w.nusers + 1, sizeof(*w.res));
	/* The other shards' users, before this one's are judged. */
	if (npeers > 0)
		read_peers(&o, select, &w, peers, npeers);
	pthread_mutex_init(&w.lock, NULL);
	if (njobs > w.nusers)
		njobs = w.nusers > 0 ? w.nusers : 1;
	th = xcalloc(njobs, sizeof(*th));
	for (i = 0; i < njobs; i++)
		if (pthread_create(&th[i], NULL, worker, &w) != 0)
			cli_die("cannot start a thread");
	for (i = 0; i < njobs; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&w.lock);
	trouble |= w.trouble;

	if (o.det != NULL) {
		/* The case's manifest for the rules about logs, the scratch
		 * case's for raw sources alike; not for a few users: a log
		 * is not theirs, and theirs alone are in a scratch case. */
		if (partial != NULL) {
			if (sl_detect_run(o.det, c) < 0)
				cli_die("--alerts: %s",
				    sl_detect_error(o.det));
			write_partial_alerts(partial, &o, &w, select,
			    trouble, npeers > 0);
			status = trouble ? EXIT_TROUBLE : EXIT_FOUND;
			goto done;
		}
		if (baselines != NULL) {
			/* Run for the users' order and the rules' ends. */
			if (sl_detect_run(o.det, c) < 0)
				cli_die("--alerts: %s",
				    sl_detect_error(o.det));
			write_baselines(baselines, &o, select, c, trouble);
			status = trouble ? EXIT_TROUBLE : EXIT_FOUND;
			goto done;
		}
		status = alerts_report(&o, c);
		if (o.svg != NULL && status != EXIT_TROUBLE)
			write_svg(&o, &w);
		if (trouble)
			status = EXIT_TROUBLE;
		goto done;
	}

merged:
	sl_usage_opts_init(&uo);
	uo.tz = o.f.tz;
	/* The case-wide usage of a merge: bounded as its groups are (the
	 * case report shows none of its sets but DAY, never a sketch). */
	if (merge) {
		struct sl_usage_opts ao = uo;

		ao.max_keys = o.max_keys;
		all = sl_usage_new(&ao);
	} else
		all = sl_usage_new(&uo);
	if (all == NULL)
		cli_die("out of memory");
	for (i = 0; i < w.nusers; i++) {
		struct ures *r = &w.res[i];
		const struct sl_usage_figures *f;

		if (r->u == NULL) {
			trouble = 1;
			continue;
		}
		trouble |= r->trouble;
		f = sl_usage_figures(r->u);
		if (f->events > 0)
			users++;
		events += f->events;
		sessions += f->sessions;
		if (o.mode == M_CASE && sl_usage_merge(all, r->u) < 0)
			cli_die("out of memory");
		for (k = 0; k < r->g.n; k++) {
			struct row *d = table_get(&g, r->g.v[k].key,
			    r->g.v[k].keylen, &uo);

			if (sl_usage_merge(d->u, r->g.v[k].u) < 0)
				cli_die("out of memory");
			d->users++;
		}
	}

	if (partial != NULL) {
		write_partial(partial, &o, select, c, &w, &g, trouble);
		status = trouble ? EXIT_TROUBLE : EXIT_FOUND;
		goto done;
	}
	if (!merge && o.mode == M_CASE)
		manifest_rows(c, logs_row, &logs);
	fmt = out_format_for(stdout, o.json);
	/* A user's report is far wider than a terminal: on one, a card per
	 * user, its lists one item a line. */
	if (fmt == OUT_TABLE && o.mode == M_USER)
		fmt = OUT_CARD;
	out = out_new(stdout, fmt, o.header, 0, NULL);
	out_fit(out, out_term_width(stdout), out_utf8() ? "\u2026" : "~");
	out_cut(out, "top_queries", 1);
	out_cut(out, "top_resources", 1);
	out_cut(out, "srcs", 2);
	switch (o.mode) {
	case M_CASE:
		if (events > 0)
			case_report(out, &o, &logs, all, users, sessions);
		break;
	case M_USER:
		for (i = 0; i < w.nusers; i++) {
			struct ures *r = &w.res[i];

			if (r->u != NULL && (sl_usage_figures(r->u)->events > 0
			    || sl_usage_figures(r->u)->backend > 0))
				user_row(out, &o, w.users[i], r->u);
		}
		break;
	case M_GROUP:
		sort_opts = &o;
		/* No group selected: g.v is NULL, which qsort may not get. */
		if (o.top_set) {
			for (i = 0; i < g.n; i++)
				if (rank_map(o.rank) >= 0 && sl_usage_sketched(
				    g.v[i].u, rank_map(o.rank)))
					o.rank_estimated = 1;
			if (g.n > 1)
				qsort(g.v, g.n, sizeof(*g.v), cmp_rank);
			for (i = 0; i < g.n && i < o.top; i++)
				group_row(out, &o, &g.v[i], i + 1);
		} else {
			if (g.n > 1)
				qsort(g.v, g.n, sizeof(*g.v), cmp_rows);
			for (i = 0; i < g.n; i++)
				group_row(out, &o, &g.v[i], 0);
		}
		break;
	}
	out_flush(out);
	out_free(out);
	for (i = 0; o.picture && i < w.nusers; i++) {
		struct ures *r = &w.res[i];

		if (r->u == NULL || sl_usage_figures(r->u)->events == 0)
			continue;
		putchar('\n');
		picture_grid(stdout, &o, &ramps[utf8], w.users[i],
		    sl_usage_figures(r->u));
		picture_days(stdout, &o, &ramps[utf8], w.users[i], r->u);
	}

	if (o.svg != NULL)
		write_svg(&o, &w);
	status = trouble ? EXIT_TROUBLE : events > 0 ? EXIT_FOUND :
	    EXIT_NOTHING;
done:
	sl_usage_free(all);
	table_free(&g);
	for (i = 0; i < w.nusers; i++) {
		sl_usage_free(w.res[i].u);
		table_free(&w.res[i].g);
	}
	sl_detect_free(o.det);
	sl_watch_free(wl);
	free(watch);
	free(w.res);
	for (i = 0; merge && i < w.nusers; i++)
		free((char *)w.users[i].p);
	free(w.users);
	smap_free(&mg.names);
	for (i = 0; i < mg.nalerts; i++)
		part_alert_release(&mg.alerts[i]);
	free(mg.alerts);
	free(mg.whole);
	free(mg.tz);
	free(select);
	logs_release(&logs);
	if (!merge)
		cli_cases_close(&scratch, c);
	free(cases.v);
	cli_filter_release(&o.f);
	cli_users_release(&o.users);
	cli_patterns_release(&o.pat);
	free(rules);
	free(peers);
	free(args);
	cli_close_stdout();
	return status;
}
