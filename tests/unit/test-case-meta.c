/* test-case-meta.c: what a case says about itself: user names as bytes,
 * users' spans, the manifest, rejects and conflicts as rows. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "check.h"

static char tmp[] = "/tmp/test-case-meta-XXXXXX";

static const char sha_a[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static struct sl_str
B(const char *p, size_t n)
{
	struct sl_str r = { p, n };

	return r;
}

static struct sl_str
S(const char *s)
{
	return B(s, strlen(s));
}

static void
ev_init(struct sl_event *ev, struct sl_str user, int64_t t, const char *key,
    const char *origin, uint64_t line, const char *raw)
{
	memset(ev, 0, sizeof(*ev));
	ev->time = t;
	ev->user = user;
	ev->action = SL_ACT_VIEW;
	ev->outcome = SL_OUT_SUCCESS;
	ev->resource = S("ri.dataset.1");
	ev->count = ev->bytes = -1;
	ev->key = S(key);
	ev->profile = S("test");
	ev->origin = S(origin);
	ev->line = line;
	ev->offset = line * 100;
	ev->raw = S(raw);
}

static void
report(void *arg, const char *file, const char *problem)
{
	(void)arg;
	fprintf(stderr, "verify: %s: %s\n", file, problem);
}

static struct sl_case *
open_case(const char *dir, int flags)
{
	char err[512];
	struct sl_case *c = sl_case_open(dir, flags, err, sizeof(err));

	if (c == NULL)
		fprintf(stderr, "open %s: %s\n", dir, err);
	return c;
}

/* The times of a user's timeline as "t t t". */
static void
times(struct sl_case *c, struct sl_str user, struct sl_buf *out)
{
	struct sl_timeline *t;
	const struct sl_event *ev;
	int rc;

	sl_buf_reset(out);
	t = sl_timeline_open(c, user.p, user.n, INT64_MIN, INT64_MAX);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	while ((rc = sl_timeline_next(t, &ev)) > 0) {
		CHECK(ev->user.n == user.n &&
		    memcmp(ev->user.p, user.p, user.n) == 0);
		sl_buf_printf(out, "%s%lld", out->n > 0 ? " " : "",
		    (long long)ev->time);
	}
	CHECK_INT(rc, 0);
	sl_timeline_free(t);
}

/* Users whose names hold NUL, and one that is a prefix of them. */
static void
test_nul_names(void)
{
	struct sl_ingest_opts o = { 0 };
	struct sl_ingest_result res;
	struct sl_log_stats st;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_buf b = { 0 };
	struct sl_case *c;
	struct sl_str u;
	char dir[300];
	int lg;

	snprintf(dir, sizeof(dir), "%s/nul", tmp);
	c = open_case(dir, SL_CASE_CREATE | SL_CASE_WRITE);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	in = sl_ingest_new(c, &o);
	lg = sl_ingest_log(in, "n.log", "test");
	ev_init(&ev, B("a\0b", 3), 30, "", "n.log", 1, "r1");
	CHECK_INT(sl_ingest_event(in, lg, &ev), 0);
	ev_init(&ev, B("a", 1), 10, "", "n.log", 2, "r2");
	CHECK_INT(sl_ingest_event(in, lg, &ev), 0);
	ev_init(&ev, B("a\0", 2), 20, "", "n.log", 3, "r3");
	CHECK_INT(sl_ingest_event(in, lg, &ev), 0);
	ev_init(&ev, B("a\0b", 3), 40, "", "n.log", 4, "r4");
	CHECK_INT(sl_ingest_event(in, lg, &ev), 0);
	memset(&st, 0, sizeof(st));
	memcpy(st.sha256, sha_a, 65);
	st.is_source = 1;
	CHECK_INT(sl_ingest_log_end(in, lg, &st), 0);
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	CHECK_INT(res.users, 3);
	sl_ingest_free(in);
	sl_case_free(c);

	/* From the file names alone, in a new handle. */
	c = open_case(dir, 0);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(sl_case_user_count(c), 3);
	u = sl_case_user(c, 0);
	CHECK(u.n == 1 && memcmp(u.p, "a", 2) == 0);
	u = sl_case_user(c, 1);
	CHECK(u.n == 2 && memcmp(u.p, "a\0", 3) == 0);
	u = sl_case_user(c, 2);
	CHECK(u.n == 3 && memcmp(u.p, "a\0b", 4) == 0);
	u = sl_case_user(c, 3);
	CHECK(u.p == NULL && u.n == 0);
	times(c, B("a\0b", 3), &b);
	CHECK_MEM(b.p, b.n, "30 40");
	times(c, B("a\0", 2), &b);
	CHECK_MEM(b.p, b.n, "20");
	times(c, B("a", 1), &b);
	CHECK_MEM(b.p, b.n, "10");
	times(c, B("a\0c", 3), &b);
	CHECK_MEM(b.p, b.n, "");
	CHECK_INT(sl_case_verify(c, report, NULL), 0);
	sl_case_free(c);
	sl_buf_release(&b);
}

int
main(void)
{
	char cmd[400];

	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_nul_names();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	return check_done("case-meta");
}
