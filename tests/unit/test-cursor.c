/* test-cursor.c: the session cursor against a whole-timeline reading, at
 * every block boundary of a timeline of many small blocks; the index seek
 * of sl_timeline_open. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "check.h"

#define MIN(m) (INT64_C(1773475200000000) + (int64_t)(m) * 60000000)
#define GAP (INT64_C(30) * 60000000)

static char tmp[] = "/tmp/test-cursor-XXXXXX";

/* One event of the test timeline: minute, action, source session, trace,
 * purpose. */
struct spec {
	int min;
	int action;
	const char *sid, *trace, *purpose;
};

#define V SL_ACT_VIEW
#define J SL_ACT_JUSTIFY
#define X SL_ACT_EXPORT
#define LI SL_ACT_LOGIN
#define LO SL_ACT_LOGOUT

static const struct spec base[] = {
	/* D1: a derived session of 10-minute steps over several blocks,
	 * with source session s-1 inside it, whose justification reaches
	 * a derived event through its trace. */
	{ 0, LI, "", "", "" },
	{ 35, V, "s-1", "t0", "" },			/* none */
	{ 65, J, "s-1", "t9", "P-s1" },			/* own */
	{ 85, X, "s-1", "t8", "" },			/* session */
	{ 95, V, "", "t9", "" },			/* trace */
	{ 105, V, "", "t7", "" },			/* none */
	/* D2, after more than the gap: session, own, blank own. */
	{ 240, V, "", "", "" },
	{ 250, J, "", "t2", "CASE-2" },
	{ 260, V, "", "", "" },				/* session */
	{ 270, V, "", "", "own-1" },			/* own */
	{ 280, V, "", "", " \t " },			/* session */
	{ 290, LO, "", "", "" },
	/* D3 after the logout: nothing carries, a blank justification is
	 * none, a derived justification does not reach it by trace. */
	{ 300, V, "", "", "" },
	{ 310, J, "", "", "  \t" },
	{ 320, V, "", "", "" },
	{ 330, V, "", "t2", "" },
	/* Logins split. */
	{ 400, LI, "", "", "" },
	{ 410, V, "", "", "" },
	{ 420, LI, "", "", "" },
	{ 430, V, "", "", "" },
	/* A gap of exactly 30 minutes does not split, 31 does. */
	{ 830, V, "", "", "" },
	{ 861, V, "", "", "" },
	{ 870, J, "", "", "CASE-7" },
	/* Source sessions only, then a derived event far from them. */
	{ 880, V, "s-2", "", "" },
	{ 885, J, "s-2", "", "CASE-8" },
	{ 890, V, "s-2", "", "" },
	{ 895, V, "s-3", "", "" },
	{ 940, V, "", "", "" },
};

/* The whole timeline as read from the start. */
struct ref {
	int64_t time;
	char *session;
	int64_t start;
	int starts;
	char *purpose;
	int from;
};

static struct ref *refs;
static size_t nrefs;

static struct sl_str
S(const char *s)
{
	struct sl_str r = { s, strlen(s) };

	return r;
}

static int
blank(struct sl_str s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (s.p[i] != ' ' && s.p[i] != '\t')
			return 0;
	return 1;
}

static char *
dup(struct sl_str s)
{
	return sl_strndup(s.p, s.n);
}

/* Build the case: the base events, then D4, a derived session of
 * 5-minute steps from minute 500 to 800 (many blocks); every row padded
 * so that a block holds a few of them. */
static void
build(const char *dir, const char *user)
{
	struct sl_ingest_result res;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_case *c;
	char *pad, line[16];
	size_t i;
	int log, m, n = 0;

	pad = malloc(12001);
	memset(pad, 'x', 12000);
	pad[12000] = '\0';
	c = sl_case_open(dir, SL_CASE_CREATE | SL_CASE_WRITE, NULL, 0);
	CHECK(c != NULL);
	in = sl_ingest_new(c, NULL);
	log = sl_ingest_log(in, "t.log", "test");
	for (i = 0; i < SL_ARRAY_LEN(base) + 61; i++) {
		struct spec s;

		if (i < SL_ARRAY_LEN(base)) {
			s = base[i];
		} else {
			m = 500 + 5 * (int)(i - SL_ARRAY_LEN(base));
			s.min = m;
			s.action = m == 600 ? J : V;
			s.sid = s.trace = "";
			s.purpose = m == 600 ? "CASE-4" : "";
		}
		memset(&ev, 0, sizeof(ev));
		/* Seconds apart within the minute so that times stay
		 * distinct, and a block's last time is not the next's
		 * first. */
		ev.time = MIN(s.min) + n++;
		ev.user = S(user);
		ev.session = S(s.sid);
		ev.trace = S(s.trace);
		ev.purpose = S(s.purpose);
		ev.action = s.action;
		ev.count = ev.bytes = -1;
		ev.profile = S("test");
		ev.origin = S("t.log");
		snprintf(line, sizeof(line), "k%zu", i);
		ev.key = S(line);
		ev.line = i + 1;
		ev.raw = S(pad);
		CHECK_INT(sl_ingest_event(in, log, &ev), 0);
	}
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	sl_ingest_free(in);
	sl_case_free(c);
	free(pad);
}

/* The reference: every event from the start, the rules applied by
 * looking back over everything before it. */
static void
reference(struct sl_case *c, const char *user)
{
	struct sl_sessions *sz = sl_sessions_new(GAP);
	struct sl_timeline *t = sl_timeline_open(c, user, strlen(user),
	    INT64_MIN, INT64_MAX);
	const struct sl_event *ev;
	struct { char *sid, *trace, *purpose; int action; } *h = NULL;
	size_t i, k;

	while (sl_timeline_next(t, &ev) > 0) {
		struct sl_str name;
		struct ref *r;
		int derived = ev->session.n == 0;

		refs = realloc(refs, (nrefs + 1) * sizeof(*refs));
		h = realloc(h, (nrefs + 1) * sizeof(*h));
		r = &refs[nrefs];
		r->time = ev->time;
		r->starts = sl_sessions_assign(sz, ev, &name, &r->start);
		r->session = dup(name);
		h[nrefs].sid = dup(ev->session);
		h[nrefs].trace = dup(ev->trace);
		h[nrefs].purpose = dup(ev->purpose);
		h[nrefs].action = ev->action;
		r->from = SL_PURPOSE_NONE;
		r->purpose = strdup("");
		if (!blank(ev->purpose)) {
			r->from = SL_PURPOSE_OWN;
			free(r->purpose);
			r->purpose = dup(ev->purpose);
		}
		for (k = nrefs; r->from == SL_PURPOSE_NONE && k-- > 0;) {
			if (h[k].action != J || blank(S(h[k].purpose)) ||
			    strcmp(refs[k].session, r->session) != 0)
				continue;
			r->from = SL_PURPOSE_SESSION;
			free(r->purpose);
			r->purpose = strdup(h[k].purpose);
		}
		for (k = nrefs; derived && ev->trace.n > 0 &&
		    r->from == SL_PURPOSE_NONE && k-- > 0;) {
			if (h[k].action != J || blank(S(h[k].purpose)) ||
			    h[k].sid[0] == '\0' ||
			    !sl_str_eq(ev->trace, h[k].trace))
				continue;
			r->from = SL_PURPOSE_TRACE;
			free(r->purpose);
			r->purpose = strdup(h[k].purpose);
		}
		nrefs++;
	}
	sl_timeline_free(t);
	sl_sessions_free(sz);
	for (i = 0; i < nrefs; i++) {
		free(h[i].sid);
		free(h[i].trace);
		free(h[i].purpose);
	}
	free(h);
}

/* The cursor from since gives exactly the reference's events from since,
 * with their context; returns the number of events read before since. */
static size_t
compare(struct sl_case *c, const char *user, int64_t since)
{
	struct sl_cursor *cur;
	struct sl_step st;
	size_t i = 0, before = 0;
	int rc, bad = 0;

	while (i < nrefs && refs[i].time < since)
		i++;
	cur = sl_cursor_open(&c, 1, user, strlen(user), since, INT64_MAX,
	    GAP);
	CHECK(cur != NULL);
	while ((rc = sl_cursor_next(cur, &st)) > 0) {
		const struct ref *r = &refs[i];

		CHECK_INT(st.in_range, st.ev->time >= since);
		if (!st.in_range) {
			before++;
			continue;
		}
		if (i == nrefs) {
			CHECK(0);
			break;
		}
		if (st.ev->time != r->time || st.start != r->start ||
		    st.starts != r->starts || st.purpose_from != r->from ||
		    !sl_str_eq(st.session, r->session) ||
		    !sl_str_eq(st.purpose, r->purpose)) {
			if (!bad++)
				fprintf(stderr, "since %lld: event %zu "
				    "differs: from %d/%d start %lld/%lld "
				    "\"%.*s\"/\"%s\"\n", (long long)since,
				    i, st.purpose_from, r->from,
				    (long long)st.start, (long long)r->start,
				    (int)st.purpose.n, st.purpose.p,
				    r->purpose);
			CHECK(0);
		}
		i++;
	}
	CHECK_INT(rc, 0);
	CHECK_INT(i, nrefs);
	sl_cursor_free(cur);
	return before;
}

static void
test_blocks(void)
{
	char dir[300], *err;
	struct sl_case *c;
	struct sl_chunk *ch = NULL;
	struct sl_timeline *t;
	const struct sl_event *ev;
	size_t nch = 0, j, k, most = 0;
	FILE *fp;
	char path[400];

	snprintf(dir, sizeof(dir), "%s/blocks", tmp);
	build(dir, "d");
	c = sl_case_open(dir, 0, NULL, 0);
	CHECK(c != NULL);
	reference(c, "d");
	CHECK_INT(nrefs, SL_ARRAY_LEN(base) + 61);
	snprintf(path, sizeof(path), "%s/users/d.idx", dir);
	fp = fopen(path, "r");
	CHECK(fp != NULL);
	err = calloc(1, 128);
	CHECK_INT(sl_idx_load(fp, &ch, &nch, err, 128), 0);
	fclose(fp);
	free(err);
	/* Small blocks: the timeline spans many. */
	CHECK(nch >= 12);
	for (j = 0; j < nch; j++) {
		/* The seek of sl_timeline_open: an event exactly at since
		 * that ends a block is read (not skipped with the block). */
		t = sl_timeline_open(c, "d", 1, ch[j].last, INT64_MAX);
		CHECK(t != NULL);
		CHECK_INT(sl_timeline_next(t, &ev), 1);
		CHECK_INT(ev->time, ch[j].last);
		sl_timeline_free(t);
		t = sl_timeline_open(c, "d", 1, ch[j].first, ch[j].first + 1);
		CHECK_INT(sl_timeline_next(t, &ev), 1);
		CHECK_INT(ev->time, ch[j].first);
		CHECK_INT(sl_timeline_next(t, &ev), 0);
		sl_timeline_free(t);
		/* The cursor at every boundary. */
		compare(c, "d", ch[j].first);
		compare(c, "d", ch[j].first + 1);
		compare(c, "d", ch[j].last);
		k = compare(c, "d", ch[j].last + 1);
		if (k > most)
			most = k;
	}
	/* Looking back went across several blocks for D4. */
	CHECK(most > 3 * ch[0].rows);
	/* Every event as since, open ends, and beyond the end. */
	for (j = 0; j < nrefs; j++)
		compare(c, "d", refs[j].time);
	compare(c, "d", INT64_MIN);
	compare(c, "d", MIN(10000));
	free(ch);
	sl_case_free(c);
}

/* The purposes the reference gives, spelled out once, so that the
 * reference itself is checked. */
static void
test_purposes(void)
{
	static const struct {
		int min;
		const char *purpose, *from;
	} want[] = {
		{ 0, "", "none" }, { 35, "", "none" },
		{ 65, "P-s1", "own" }, { 85, "P-s1", "session" },
		{ 95, "P-s1", "trace" }, { 105, "", "none" },
		{ 240, "", "none" }, { 250, "CASE-2", "own" },
		{ 260, "CASE-2", "session" }, { 270, "own-1", "own" },
		{ 280, "CASE-2", "session" }, { 290, "CASE-2", "session" },
		{ 300, "", "none" }, { 310, "", "none" }, { 320, "", "none" },
		{ 330, "", "none" }, { 870, "CASE-7", "own" },
		{ 880, "", "none" }, { 885, "CASE-8", "own" },
		{ 890, "CASE-8", "session" }, { 895, "", "none" },
		{ 940, "", "none" },
	};
	struct sl_case *c;
	struct sl_cursor *cur;
	struct sl_step st;
	char dir[300];
	size_t k = 0;

	snprintf(dir, sizeof(dir), "%s/blocks", tmp);
	c = sl_case_open(dir, 0, NULL, 0);
	cur = sl_cursor_open(&c, 1, "d", 1, INT64_MIN, INT64_MAX, GAP);
	while (sl_cursor_next(cur, &st) > 0) {
		int m = (int)((st.ev->time - MIN(0)) / 60000000);

		if (k == SL_ARRAY_LEN(want) || want[k].min != m)
			continue;
		CHECK_SLSTR(st.purpose, want[k].purpose);
		CHECK_STR(sl_purpose_from_name(st.purpose_from),
		    want[k].from);
		/* The stored purpose stays as given. */
		if (m == 280)
			CHECK_SLSTR(st.ev->purpose, " \t ");
		k++;
	}
	CHECK_INT(k, SL_ARRAY_LEN(want));
	sl_cursor_free(cur);
	/* Sessions: the gap of exactly 30 minutes does not split. */
	cur = sl_cursor_open(&c, 1, "d", 1, MIN(830), MIN(862), GAP);
	/* The context holds the session's first event, at 500, from the
	 * start of its block on. */
	k = 0;
	while (sl_cursor_next(cur, &st) > 0 && !st.in_range)
		if (st.ev->time == MIN(500) + 28 && st.starts)
			k++;
	CHECK_INT(k, 1);
	CHECK_INT(st.in_range, 1);
	CHECK_SLSTR(st.purpose, "CASE-4");
	CHECK_INT(st.purpose_from, SL_PURPOSE_SESSION);
	CHECK_INT(st.starts, 0);
	CHECK_SLSTR(st.session, "d@2026-03-14T16:20:00.000028Z");
	CHECK_INT(st.start, MIN(500) + 28);
	CHECK_INT(sl_cursor_next(cur, &st), 1);
	CHECK_INT(st.starts, 1);
	CHECK_SLSTR(st.session, "d@2026-03-14T22:21:00.000021Z");
	CHECK_INT(sl_cursor_next(cur, &st), 0);
	sl_cursor_free(cur);
	CHECK(sl_purpose_from_name(SL_PURPOSE__COUNT) == NULL);
	CHECK(sl_purpose_from_name(-1) == NULL);
	sl_case_free(c);
}

static void
test_cases(void)
{
	struct sl_case *cs[3];
	struct sl_cursor *cur;
	struct sl_step st;
	char dir[300];
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/blocks", tmp);
	cs[0] = sl_case_open(dir, 0, NULL, 0);
	snprintf(dir, sizeof(dir), "%s/other", tmp);
	build(dir, "e");
	cs[1] = sl_case_open(dir, 0, NULL, 0);
	snprintf(dir, sizeof(dir), "%s/third", tmp);
	build(dir, "d");
	cs[2] = sl_case_open(dir, 0, NULL, 0);
	/* Shards: the user in one of them. */
	cur = sl_cursor_open(cs, 2, "e", 1, INT64_MIN, INT64_MAX, GAP);
	while (sl_cursor_next(cur, &st) > 0)
		n++;
	CHECK_INT(n, nrefs);
	CHECK_STR(sl_cursor_error(cur), "");
	sl_cursor_free(cur);
	/* The user in two: not merged. */
	cur = sl_cursor_open(cs, 3, "d", 1, INT64_MIN, INT64_MAX, GAP);
	CHECK_INT(sl_cursor_next(cur, &st), -ENOTSUP);
	CHECK_INT(sl_cursor_next(cur, &st), -ENOTSUP);
	CHECK(strstr(sl_cursor_error(cur), "more than one") != NULL);
	sl_cursor_free(cur);
	/* No such user, a name with a NUL byte, an empty range. */
	cur = sl_cursor_open(cs, 3, "nobody", 6, INT64_MIN, INT64_MAX, GAP);
	CHECK_INT(sl_cursor_next(cur, &st), 0);
	sl_cursor_free(cur);
	cur = sl_cursor_open(cs, 1, "d\0x", 3, INT64_MIN, INT64_MAX, GAP);
	CHECK_INT(sl_cursor_next(cur, &st), 0);
	sl_cursor_free(cur);
	cur = sl_cursor_open(cs, 1, "d", 1, MIN(5), MIN(5), GAP);
	CHECK_INT(sl_cursor_next(cur, &st), 0);
	sl_cursor_free(cur);
	/* A gap that is not positive. */
	cur = sl_cursor_open(cs, 1, "d", 1, INT64_MIN, INT64_MAX, 0);
	CHECK_INT(sl_cursor_next(cur, &st), -EINVAL);
	sl_cursor_free(cur);
	sl_cursor_free(NULL);
	sl_case_free(cs[0]);
	sl_case_free(cs[1]);
	sl_case_free(cs[2]);
}

int
main(void)
{
	char cmd[400];
	size_t i;

	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_blocks();
	test_purposes();
	test_cases();
	for (i = 0; i < nrefs; i++) {
		free(refs[i].session);
		free(refs[i].purpose);
	}
	free(refs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	return check_done("cursor");
}
