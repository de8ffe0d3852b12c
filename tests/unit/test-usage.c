/* test-usage.c: the usage aggregates of a small timeline, counted by hand;
 * hours of the week across DST changes; merges of windows equal to one
 * aggregate; taken apart and put together; ties in byte order. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

/* Minutes from Friday 2026-03-13T00:00:00Z. */
#define B (sl_days_from_civil(2026, 3, 13) * 86400 * INT64_C(1000000))
#define MIN(m) (B + (int64_t)(m) * 60000000)
#define GAP (INT64_C(30) * 60000000)
#define SINCE MIN(60)
#define UNTIL MIN(2880)

static char tmp[] = "/tmp/test-usage-XXXXXX";

/* One event of the timeline.  outcome 0 here is success; count and bytes
 * -1 unknown. */
struct spec {
	int min;
	int action;
	int outcome;
	const char *sid, *resource, *query, *purpose, *src;
	int64_t count, bytes;
	unsigned flags;
};

#define OK SL_OUT_SUCCESS
#define IP1 "198.51.100.1"
#define IP2 "203.0.113.5"

static const struct spec tl[] = {
	/* 0: before since, starts the derived session of 1-9. */
	{ 50, SL_ACT_VIEW, OK, "", "ds/a", "", "", IP1, -1, -1, 0 },
	/* 1 */ { 65, SL_ACT_JUSTIFY, OK, "", "", "", "CASE-1", IP1, -1, -1, 0 },
	/* 2 */ { 70, SL_ACT_SEARCH, OK, "", "", "smith", "", IP1, 3, -1, 0 },
	/* 3 */ { 72, SL_ACT_SEARCH, OK, "", "", "jones", "", IP1, -1, -1, 0 },
	/* 4 */ { 74, SL_ACT_SEARCH, OK, "", "", "smith", "", IP1, -1, -1, 0 },
	/* 5 */ { 80, SL_ACT_VIEW, OK, "", "ds/a\nds/b", "", "", IP1, 9, 90,
		  0 },
	/* 6 */ { 85, SL_ACT_EXPORT, OK, "", "ds/b", "", "", IP1, 100, 5000,
		  0 },
	/* 7: backend, counted apart */
	{ 86, SL_ACT_EXPORT, OK, "", "ds/b", "", "", "", 7, 7, SL_EV_BACKEND },
	/* 8 */ { 90, SL_ACT_EXPORT, OK, "", "ds/c", "", "", IP1, 50, -1, 0 },
	/* 9: denied, not an export of data */
	{ 95, SL_ACT_EXPORT, SL_OUT_DENIED, "", "ds/c", "", "", IP1, -1, -1,
	  0 },
	/* 10-12: source session s-9, no purpose */
	{ 200, SL_ACT_VIEW, OK, "s-9", "ds/a", "", "", IP2, -1, -1, 0 },
	{ 210, SL_ACT_EXPORT, SL_OUT_UNKNOWN, "s-9", "ds/a", "", "", IP2, -1,
	  200, 0 },
	{ 260, SL_ACT_VIEW, SL_OUT_FAILURE, "s-9", "ds/d", "", "", IP2, -1,
	  -1, 0 },
	/* 13-15: Saturday */
	{ 2040, SL_ACT_LOGIN, OK, "", "", "", "", IP1, -1, -1, 0 },
	{ 2045, SL_ACT_SHARE, OK, "", "ds/a", "", "CASE-2", IP1, -1, -1, 0 },
	{ 2050, SL_ACT_SEARCH, OK, "", "", "Jones Petrovi\xc4\x87 JONES", "",
	  "", -1, -1, 0 },
	/* 16: at until and after: not read */
	{ 2880, SL_ACT_VIEW, OK, "", "ds/z", "", "", IP1, -1, -1, 0 },
	{ 2890, SL_ACT_VIEW, OK, "", "ds/z", "", "", IP1, -1, -1, 0 },
};

static struct sl_str
S(const char *s)
{
	struct sl_str r = { s, strlen(s) };

	return r;
}

static struct sl_case *
build(const char *dir)
{
	struct sl_ingest_result res;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_case *c;
	char key[16];
	size_t i;
	int log;

	c = sl_case_open(dir, SL_CASE_CREATE | SL_CASE_WRITE, NULL, 0);
	CHECK(c != NULL);
	in = sl_ingest_new(c, NULL);
	log = sl_ingest_log(in, "u.log", "test");
	for (i = 0; i < SL_ARRAY_LEN(tl); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.time = MIN(tl[i].min);
		ev.user = S("u");
		ev.session = S(tl[i].sid);
		ev.action = tl[i].action;
		ev.outcome = tl[i].outcome;
		ev.resource = S(tl[i].resource);
		ev.query = S(tl[i].query);
		ev.purpose = S(tl[i].purpose);
		ev.src = S(tl[i].src);
		ev.count = tl[i].count;
		ev.bytes = tl[i].bytes;
		ev.flags = tl[i].flags;
		ev.profile = S("test");
		ev.origin = S("u.log");
		snprintf(key, sizeof(key), "k%zu", i);
		ev.key = S(key);
		ev.line = i + 1;
		ev.raw = S(key);
		CHECK_INT(sl_ingest_event(in, log, &ev), 0);
	}
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	sl_ingest_free(in);
	sl_case_free(c);
	c = sl_case_open(dir, 0, NULL, 0);
	CHECK(c != NULL);
	return c;
}

/* The aggregate of the user's steps in [since, until). */
static struct sl_usage *
aggregate(struct sl_case *c, int64_t since, int64_t until,
    const struct sl_tz *tz)
{
	struct sl_usage_opts o;
	struct sl_usage *u;
	struct sl_cursor *cur;
	struct sl_step st;
	int rc;

	sl_usage_opts_init(&o);
	o.tz = tz;
	u = sl_usage_new(&o);
	CHECK(u != NULL);
	cur = sl_cursor_open(&c, 1, "u", 1, since, until, GAP);
	while ((rc = sl_cursor_next(cur, &st)) > 0)
		CHECK_INT(sl_usage_add(u, &st), st.in_range);
	CHECK_INT(rc, 0);
	sl_cursor_free(cur);
	return u;
}

/* A map in the order asked, as "key=count first-last;" with minutes. */
static char *
listing(struct sl_usage *u, int map, int order, size_t max)
{
	const struct sl_usage_item *it;
	struct sl_buf b = { 0 };
	size_t i, n;

	CHECK_INT(sl_usage_list(u, map, order, max, &it, &n), 0);
	sl_buf_adds(&b, "");
	for (i = 0; i < n; i++)
		sl_buf_printf(&b, "%.*s=%llu %lld-%lld;", (int)it[i].key.n,
		    it[i].key.p, (unsigned long long)it[i].count,
		    (long long)((it[i].first - B) / 60000000),
		    (long long)((it[i].last - B) / 60000000));
	return b.p;
}

#define CHECK_LIST(u, map, order, max, want)				\
	do {								\
		char *l_ = listing((u), (map), (order), (max));		\
		CHECK_STR(l_, want);					\
		free(l_);						\
	} while (0)

static void
test_timeline(struct sl_case *c)
{
	const struct sl_usage_figures *f;
	struct sl_usage_item item;
	struct sl_usage *u;
	size_t i;

	u = aggregate(c, SINCE, UNTIL, NULL);
	f = sl_usage_figures(u);
	/* Events 1-6 and 8-15 are the user's own; 7 is the backend's. */
	CHECK_INT(f->events, 14);
	CHECK_INT(f->backend, 1);
	CHECK_INT(f->backend_actions[SL_ACT_EXPORT], 1);
	CHECK_INT(f->actions[SL_ACT_JUSTIFY], 1);
	CHECK_INT(f->actions[SL_ACT_SEARCH], 4);
	CHECK_INT(f->actions[SL_ACT_VIEW], 3);
	CHECK_INT(f->actions[SL_ACT_EXPORT], 4);
	CHECK_INT(f->actions[SL_ACT_SHARE], 1);
	CHECK_INT(f->actions[SL_ACT_LOGIN], 1);
	CHECK_INT(f->actions[SL_ACT_OTHER], 0);
	CHECK_INT(f->outcomes[SL_OUT_SUCCESS], 11);
	CHECK_INT(f->outcomes[SL_OUT_DENIED], 1);
	CHECK_INT(f->outcomes[SL_OUT_FAILURE], 1);
	CHECK_INT(f->outcomes[SL_OUT_UNKNOWN], 1);
	/* 6, 8 and 11; not the denied 9 nor the backend's 7. */
	CHECK_INT(f->exports, 3);
	CHECK_INT(f->export_records, 150);
	CHECK_INT(f->export_records_unknown, 1);
	CHECK_INT(f->export_bytes, 5200);
	CHECK_INT(f->export_bytes_unknown, 1);
	/* Views 5, 10, 12, exports 6, 8, 9, 11, share 14; s-9 never
	 * justified. */
	CHECK_INT(f->data_access, 8);
	CHECK_INT(f->data_no_purpose, 3);
	CHECK_INT(f->first, MIN(65));
	CHECK_INT(f->last, MIN(2050));
	/* Friday is day 5, Saturday 6. */
	for (i = 0; i < SL_USAGE_HOURS; i++) {
		uint64_t want = i == 5 * 24 + 1 ? 8 : i == 5 * 24 + 3 ? 2 :
		    i == 5 * 24 + 4 ? 1 : i == 6 * 24 + 10 ? 3 : 0;

		CHECK_INT(f->hours[i], want);
	}
	/* The session of 0 counts from 1, its first event in range. */
	CHECK_INT(f->sessions, 3);
	CHECK_INT(f->session_total, INT64_C(100) * 60000000);
	CHECK_INT(f->session_longest, INT64_C(60) * 60000000);
	CHECK_INT(f->days, 2);
	/* Friday 01:xx, 03:xx and 04:xx (the backend event at 01:26 is not
	 * the user's), Saturday 10:xx: a day each. */
	CHECK_INT(f->hour_days[1], 1);
	CHECK_INT(f->hour_days[3], 1);
	CHECK_INT(f->hour_days[4], 1);
	CHECK_INT(f->hour_days[10], 1);
	CHECK_INT(f->hour_days[0] + f->hour_days[2] + f->hour_days[5] +
	    f->hour_days[9] + f->hour_days[11], 0);
	CHECK_INT(f->wday_days[5], 1);
	CHECK_INT(f->wday_days[6], 1);
	CHECK_INT(f->wday_days[0] + f->wday_days[4], 0);
	CHECK_LIST(u, SL_USAGE_SESSION, SL_USAGE_BY_KEY, SIZE_MAX,
	    "s-9=3 200-260;u@2026-03-13T00:50:00.000000Z=8 65-95;"
	    "u@2026-03-14T10:00:00.000000Z=3 2040-2050;");
	CHECK_LIST(u, SL_USAGE_RESOURCE, SL_USAGE_BY_COUNT, SIZE_MAX,
	    "ds/a=4 80-2045;ds/b=2 80-85;ds/c=2 90-95;ds/d=1 260-260;");
	/* Top 2: ds/b before ds/c on the tie. */
	CHECK_LIST(u, SL_USAGE_RESOURCE, SL_USAGE_BY_COUNT, 2,
	    "ds/a=4 80-2045;ds/b=2 80-85;");
	/* Queries as typed: 'J' sorts before 'j'. */
	CHECK_LIST(u, SL_USAGE_QUERY, SL_USAGE_BY_COUNT, SIZE_MAX,
	    "smith=2 70-74;Jones Petrovi\xc4\x87 JONES=1 2050-2050;"
	    "jones=1 72-72;");
	CHECK_INT(sl_usage_count(u, SL_USAGE_QUERY), 3);
	/* Their words folded, once an event: "Jones" and "JONES" are one
	 * word of 2050's query, "jones" also 72's; accents dropped. */
	CHECK_LIST(u, SL_USAGE_TERM, SL_USAGE_BY_COUNT, SIZE_MAX,
	    "jones=2 72-2050;smith=2 70-74;petrovic=1 2050-2050;");
	CHECK_LIST(u, SL_USAGE_SRC, SL_USAGE_BY_COUNT, SIZE_MAX,
	    IP1 "=10 65-2045;" IP2 "=3 200-260;");
	/* The purpose a justification gave reaches 2-9 through the
	 * session; the share's own purpose reaches nothing. */
	CHECK_LIST(u, SL_USAGE_PURPOSE, SL_USAGE_BY_COUNT, SIZE_MAX,
	    "CASE-1=8 65-95;CASE-2=1 2045-2045;");
	CHECK_LIST(u, SL_USAGE_DAY, SL_USAGE_BY_KEY, SIZE_MAX,
	    "2026-03-13=11 65-260;2026-03-14=3 2040-2050;");
	CHECK_INT(sl_usage_get(u, SL_USAGE_RESOURCE, "ds/c", 4, &item), 1);
	CHECK_INT(item.count, 2);
	CHECK_SLSTR(item.key, "ds/c");
	CHECK_INT(sl_usage_get(u, SL_USAGE_RESOURCE, "ds/z", 4, &item), 0);
	CHECK_INT(sl_usage_get(u, SL_USAGE_RESOURCE, "ds/", 3, &item), 0);
	CHECK_INT(sl_usage_get(u, SL_USAGE__MAPS, "ds/c", 4, &item), 0);
	CHECK_INT(sl_usage_count(u, -1), 0);
	{
		const struct sl_usage_item *it;
		size_t n = 1;

		CHECK_INT(sl_usage_list(u, SL_USAGE__MAPS, SL_USAGE_BY_KEY,
		    1, &it, &n), -EINVAL);
		CHECK_INT(n, 0);
		CHECK_INT(sl_usage_list(u, SL_USAGE_SRC, 7, 1, &it, &n),
		    -EINVAL);
	}
	sl_usage_free(u);
}

static int
slstr_eq(struct sl_str x, struct sl_str y)
{
	return x.n == y.n && (x.n == 0 || memcmp(x.p, y.p, x.n) == 0);
}

/* Two aggregates are equal in every figure and every map. */
static int
same(struct sl_usage *a, struct sl_usage *b)
{
	const struct sl_usage_item *x, *y;
	size_t nx, ny, i;
	int m;

	if (memcmp(sl_usage_figures(a), sl_usage_figures(b),
	    sizeof(struct sl_usage_figures)) != 0)
		return 0;
	for (m = 0; m < SL_USAGE__MAPS; m++) {
		char *la = listing(a, m, SL_USAGE_BY_KEY, SIZE_MAX);
		char *lb = listing(b, m, SL_USAGE_BY_KEY, SIZE_MAX);
		int eq = strcmp(la, lb) == 0;

		free(la);
		free(lb);
		if (!eq)
			return 0;
		/* Times to the microsecond, not only the minute, and the
		 * users of sessions: item by item (each list is its
		 * usage's). */
		sl_usage_list(a, m, SL_USAGE_BY_KEY, SIZE_MAX, &x, &nx);
		sl_usage_list(b, m, SL_USAGE_BY_KEY, SIZE_MAX, &y, &ny);
		if (nx != ny)
			return 0;
		for (i = 0; i < nx; i++)
			if (!slstr_eq(x[i].key, y[i].key) ||
			    !slstr_eq(x[i].user, y[i].user) ||
			    x[i].count != y[i].count ||
			    x[i].first != y[i].first || x[i].last != y[i].last)
				return 0;
	}
	return 1;
}

/* Split the range at every minute where something happens (and between):
 * the two windows merged, either way round, are the whole. */
static void
test_merge(struct sl_case *c)
{
	struct sl_usage *whole, *a, *b, *e;
	struct sl_tz *ny;
	size_t i;
	int d;

	whole = aggregate(c, SINCE, UNTIL, NULL);
	for (i = 0; i < SL_ARRAY_LEN(tl); i++) {
		for (d = -1; d <= 1; d++) {
			int64_t cut = MIN(tl[i].min) + d;

			if (cut < SINCE || cut > UNTIL)
				continue;
			a = aggregate(c, SINCE, cut, NULL);
			b = aggregate(c, cut, UNTIL, NULL);
			CHECK_INT(sl_usage_merge(a, b), 0);
			if (!same(a, whole)) {
				fprintf(stderr, "merge at minute %d%+d "
				    "differs\n", tl[i].min, d);
				CHECK(0);
			}
			sl_usage_free(a);
			a = aggregate(c, SINCE, cut, NULL);
			CHECK_INT(sl_usage_merge(b, a), 0);
			CHECK(same(b, whole));
			sl_usage_free(a);
			sl_usage_free(b);
		}
	}
	/* Merging an empty one changes nothing; into an empty one copies. */
	e = sl_usage_new(NULL);
	a = aggregate(c, SINCE, UNTIL, NULL);
	CHECK_INT(sl_usage_merge(a, e), 0);
	CHECK(same(a, whole));
	CHECK_INT(sl_usage_merge(e, a), 0);
	CHECK(same(e, whole));
	/* Itself, or another zone's: refused. */
	CHECK_INT(sl_usage_merge(a, a), -EINVAL);
	ny = sl_tz_load("America/New_York", NULL, 0);
	CHECK(ny != NULL);
	b = aggregate(c, SINCE, UNTIL, ny);
	CHECK_INT(sl_usage_merge(a, b), -EINVAL);
	CHECK(same(a, whole));
	/* The same events in New York, on EDT since March 8: Friday
	 * 01:05Z is Thursday 21:05, 03:20Z 23:20, 04:20Z Friday 00:20. */
	CHECK_INT(sl_usage_figures(b)->hours[4 * 24 + 21], 8);
	CHECK_INT(sl_usage_figures(b)->hours[4 * 24 + 23], 2);
	CHECK_INT(sl_usage_figures(b)->hours[5 * 24 + 0], 1);
	CHECK_INT(sl_usage_figures(b)->hours[6 * 24 + 6], 3);
	CHECK_LIST(b, SL_USAGE_DAY, SL_USAGE_BY_KEY, SIZE_MAX,
	    "2026-03-12=10 65-210;2026-03-13=1 260-260;"
	    "2026-03-14=3 2040-2050;");
	sl_usage_free(a);
	sl_usage_free(b);
	sl_usage_free(e);
	sl_usage_free(whole);
	sl_tz_free(ny);
}

/* Put u's figures and items into r, as a partial summary carries them. */
static void
put_apart(struct sl_usage *r, struct sl_usage *u)
{
	const struct sl_usage_item *it;
	struct sl_usage_item *v;
	size_t n, i;
	int m;

	CHECK_INT(sl_usage_put_figures(r, sl_usage_figures(u)), 0);
	for (m = 0; m < SL_USAGE__MAPS; m++) {
		CHECK_INT(sl_usage_list(u, m, SL_USAGE_BY_COUNT, SIZE_MAX,
		    &it, &n), 0);
		/* A copy: the list is u's until its next call. */
		v = malloc((n + 1) * sizeof(*v));
		if (n > 0)	/* an empty list may be NULL */
			memcpy(v, it, n * sizeof(*v));
		for (i = 0; i < n; i++)
			CHECK_INT(sl_usage_put_item(r, m, &v[i],
			    sl_usage_day_mask(u, v[i].key.p, v[i].key.n)), 0);
		free(v);
	}
}

/* Taken apart and put back together: a usage is itself, two usages are
 * their merge, in the zone they were counted in (the days' hours and
 * weekdays made again from the items). */
static void
test_apart(struct sl_case *c)
{
	struct sl_usage_opts o;
	struct sl_usage *whole, *a, *b, *r;
	struct sl_usage_item it;
	struct sl_tz *ny;
	size_t i;

	ny = sl_tz_load("America/New_York", NULL, 0);
	CHECK(ny != NULL);
	sl_usage_opts_init(&o);
	o.tz = ny;
	whole = aggregate(c, SINCE, UNTIL, ny);
	r = sl_usage_new(&o);
	put_apart(r, whole);
	CHECK(same(r, whole));
	sl_usage_free(r);
	for (i = 0; i < SL_ARRAY_LEN(tl); i++) {
		int64_t cut = MIN(tl[i].min);

		if (cut < SINCE || cut > UNTIL)
			continue;
		a = aggregate(c, SINCE, cut, ny);
		b = aggregate(c, cut, UNTIL, ny);
		r = sl_usage_new(&o);
		put_apart(r, b);
		put_apart(r, a);
		if (!same(r, whole)) {
			fprintf(stderr, "put together at minute %d "
			    "differs\n", tl[i].min);
			CHECK(0);
		}
		sl_usage_free(a);
		sl_usage_free(b);
		sl_usage_free(r);
	}
	/* Friday 2026-03-13 in New York: 01:05Z is 21:05 on Thursday the
	 * 12th (EDT), a Thursday (5) with events at 21 and 23. */
	CHECK_INT(sl_usage_day_mask(whole, "2026-03-12", 10),
	    (UINT32_C(5) << 24) | (UINT32_C(1) << 21) | (UINT32_C(1) << 23));
	CHECK_INT(sl_usage_day_mask(whole, "2026-03-15", 10), 0);
	/* Refused: an unknown map, no events, a span backwards, a day
	 * without its weekday. */
	r = sl_usage_new(&o);
	memset(&it, 0, sizeof(it));
	it.key.p = "2026-03-12";
	it.key.n = 10;
	it.count = 1;
	CHECK_INT(sl_usage_put_item(r, SL_USAGE__MAPS, &it, 0), -EINVAL);
	CHECK_INT(sl_usage_put_item(r, SL_USAGE_DAY, &it, 1), -EINVAL);
	it.count = 0;
	CHECK_INT(sl_usage_put_item(r, SL_USAGE_RESOURCE, &it, 0), -EINVAL);
	it.count = 1;
	it.first = 2;
	it.last = 1;
	CHECK_INT(sl_usage_put_item(r, SL_USAGE_RESOURCE, &it, 0), -EINVAL);
	CHECK_INT(sl_usage_count(r, SL_USAGE_DAY), 0);
	CHECK_INT(sl_usage_count(r, SL_USAGE_RESOURCE), 0);
	sl_usage_free(r);
	sl_usage_free(whole);
	sl_tz_free(ny);
}

static int64_t
T(int y, int mo, int d, int h, int mi)
{
	return (sl_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60) *
	    INT64_C(1000000);
}

/* Hours of the week by the local clock: the hour that does not exist on
 * the day clocks go forward is empty, the hour that happens twice when
 * they go back holds both. */
static void
test_dst(void)
{
	int64_t times[6];
	struct sl_usage_opts o;
	struct sl_usage *u, *utc;
	struct sl_event ev;
	struct sl_step st;
	struct sl_tz *ny;
	const struct sl_usage_figures *f;
	size_t i;

	/* Saturday 2026-03-07 23:30 EST; Sunday 2026-03-08 01:30 EST and
	 * 03:30 EDT (02:00 EST went to 03:00 EDT); Sunday 2026-11-01
	 * 01:30 EDT, 01:30 EST (02:00 EDT went back to 01:00 EST) and
	 * 02:30 EST. */
	times[0] = T(2026, 3, 8, 4, 30);
	times[1] = T(2026, 3, 8, 6, 30);
	times[2] = T(2026, 3, 8, 7, 30);
	times[3] = T(2026, 11, 1, 5, 30);
	times[4] = T(2026, 11, 1, 6, 30);
	times[5] = T(2026, 11, 1, 7, 30);
	ny = sl_tz_load("America/New_York", NULL, 0);
	CHECK(ny != NULL);
	sl_usage_opts_init(&o);
	o.tz = ny;
	u = sl_usage_new(&o);
	utc = sl_usage_new(NULL);
	memset(&ev, 0, sizeof(ev));
	memset(&st, 0, sizeof(st));
	ev.user = S("u");
	ev.action = SL_ACT_SEARCH;
	ev.count = ev.bytes = -1;
	st.ev = &ev;
	st.session = S("s");
	st.in_range = 1;
	for (i = 0; i < SL_ARRAY_LEN(times); i++) {
		ev.time = times[i];
		CHECK_INT(sl_usage_add(u, &st), 1);
		CHECK_INT(sl_usage_add(utc, &st), 1);
	}
	/* Context before since is not counted. */
	st.in_range = 0;
	CHECK_INT(sl_usage_add(u, &st), 0);
	f = sl_usage_figures(u);
	CHECK_INT(f->events, 6);
	for (i = 0; i < SL_USAGE_HOURS; i++) {
		uint64_t want = i == 1 ? 3 : i == 2 || i == 3 ? 1 :
		    i == 6 * 24 + 23 ? 1 : 0;

		CHECK_INT(f->hours[i], want);
	}
	CHECK_LIST(u, SL_USAGE_DAY, SL_USAGE_BY_KEY, SIZE_MAX,
	    "2026-03-07=1 -6930--6930;2026-03-08=2 -6810--6750;"
	    "2026-11-01=3 335850-335970;");
	f = sl_usage_figures(utc);
	for (i = 0; i < SL_USAGE_HOURS; i++) {
		uint64_t want = i == 4 || i == 5 ? 1 : i == 6 || i == 7 ?
		    2 : 0;

		CHECK_INT(f->hours[i], want);
	}
	CHECK_INT(f->days, 2);
	sl_usage_free(u);
	sl_usage_free(utc);
	sl_tz_free(ny);
}

static void
test_opts(void)
{
	struct sl_usage_opts o;
	struct {
		struct sl_usage_opts o;
		int later;
	} big;

	memset(&o, 0, sizeof(o));
	errno = 0;
	CHECK(sl_usage_new(&o) == NULL);
	CHECK_INT(errno, EINVAL);
	memset(&big, 0, sizeof(big));
	big.o.size = sizeof(big);
	big.later = 1;
	errno = 0;
	CHECK(sl_usage_new(&big.o) == NULL);
	CHECK_INT(errno, E2BIG);
	big.later = 0;
	sl_usage_free(sl_usage_new(&big.o));
	sl_usage_free(NULL);
}

/* One event of user in session at minute min, counted into u. */
static void
add_event(struct sl_usage *u, const char *user, const char *session,
    int min)
{
	struct sl_event ev;
	struct sl_step st;

	memset(&ev, 0, sizeof(ev));
	memset(&st, 0, sizeof(st));
	ev.time = SINCE + (int64_t)min * 60000000;
	ev.user.p = user;
	ev.user.n = strlen(user);
	ev.session.p = session;
	ev.session.n = strlen(session);
	ev.action = SL_ACT_SEARCH;
	ev.outcome = SL_OUT_SUCCESS;
	ev.count = ev.bytes = -1;
	st.ev = &ev;
	st.session = ev.session;
	st.start = ev.time;
	st.in_range = 1;
	CHECK_INT(sl_usage_add(u, &st), 1);
}

/* A session is one user's: two users' sessions of the same name (auditd
 * numbers sessions per boot) are two in a merge of their usages, each
 * with its own span, listed under the name as given; put back together
 * from items, the same. */
static void
test_users_sessions(void)
{
	struct sl_usage *a = sl_usage_new(NULL), *b = sl_usage_new(NULL);
	struct sl_usage *m = sl_usage_new(NULL), *r = sl_usage_new(NULL);
	const struct sl_usage_figures *f;
	const struct sl_usage_item *it;
	struct sl_usage_item one;
	size_t n, i;

	CHECK(a != NULL && b != NULL && m != NULL && r != NULL);
	add_event(a, "alice", "7", 0);
	add_event(a, "alice", "7", 10);
	add_event(a, "alice", "8", 60);
	add_event(b, "bob", "7", 5);
	add_event(b, "bob", "7", 35);
	CHECK_INT(sl_usage_figures(a)->sessions, 2);
	CHECK_INT(sl_usage_figures(b)->sessions, 1);
	CHECK_INT(sl_usage_merge(m, a), 0);
	CHECK_INT(sl_usage_merge(m, b), 0);
	f = sl_usage_figures(m);
	CHECK_INT(f->sessions, 3);
	CHECK_INT(sl_usage_count(m, SL_USAGE_SESSION), 3);
	/* alice's 7 10 min, her 8 0, bob's 7 30. */
	CHECK_INT(f->session_total, INT64_C(40) * 60000000);
	CHECK_INT(f->session_longest, INT64_C(30) * 60000000);
	CHECK_INT(sl_usage_list(m, SL_USAGE_SESSION, SL_USAGE_BY_KEY,
	    SIZE_MAX, &it, &n), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_SLSTR(it[0].key, "7");
		CHECK_SLSTR(it[0].user, "alice");
		CHECK_INT(it[0].count, 2);
		CHECK_SLSTR(it[1].key, "7");
		CHECK_SLSTR(it[1].user, "bob");
		CHECK_INT(it[1].last - it[1].first, INT64_C(30) * 60000000);
		CHECK_SLSTR(it[2].key, "8");
		CHECK_SLSTR(it[2].user, "alice");
	}
	/* By name: the first user's. */
	CHECK_INT(sl_usage_get(m, SL_USAGE_SESSION, "7", 1, &one), 1);
	CHECK_SLSTR(one.user, "alice");
	/* Merged again: nothing new. */
	CHECK_INT(sl_usage_merge(m, b), 0);
	CHECK_INT(sl_usage_figures(m)->sessions, 3);
	/* As a partial summary carries them: each user's items. */
	CHECK_INT(sl_usage_list(m, SL_USAGE_SESSION, SL_USAGE_BY_COUNT,
	    SIZE_MAX, &it, &n), 0);
	for (i = 0; i < n; i++)
		CHECK_INT(sl_usage_put_item(r, SL_USAGE_SESSION, &it[i], 0), 0);
	CHECK_INT(sl_usage_figures(r)->sessions, 3);
	CHECK_INT(sl_usage_figures(r)->session_total,
	    INT64_C(40) * 60000000);
	sl_usage_free(a);
	sl_usage_free(b);
	sl_usage_free(m);
	sl_usage_free(r);
}

int
main(void)
{
	struct sl_case *c;
	char dir[300], cmd[400];

	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/case", tmp);
	c = build(dir);
	test_timeline(c);
	test_merge(c);
	test_apart(c);
	test_dst();
	test_opts();
	test_users_sessions();
	sl_case_free(c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	return check_done("usage");
}
