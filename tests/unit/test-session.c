/* test-session.c: sessions derived while reading a user's events. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "check.h"

#define MIN (INT64_C(60) * 1000000)
/* CHECK_STR evaluates its argument twice: assign once. */
#define ASSIGN(call, want)						\
	do {								\
		const char *r_ = (call);				\
		CHECK_STR(r_, want);					\
	} while (0)

static int64_t t0;

static struct sl_event
ev(int64_t t, int action, const char *session)
{
	struct sl_event e;

	memset(&e, 0, sizeof(e));
	e.time = t;
	e.user.p = "j.rivera";
	e.user.n = 8;
	e.action = action;
	e.session.p = session;
	e.session.n = strlen(session);
	return e;
}

/* Assign and return "fresh name start" as text for easy comparison. */
static const char *
assign(struct sl_sessions *s, int64_t t, int action, const char *session)
{
	static char out[256];
	struct sl_event e = ev(t, action, session);
	struct sl_str name;
	int64_t start;
	char ts[32];
	int rc;

	rc = sl_sessions_assign(s, &e, &name, &start);
	sl_time_format(start, ts, sizeof(ts));
	snprintf(out, sizeof(out), "%d %.*s %s", rc, (int)name.n, name.p, ts);
	return out;
}

int
main(void)
{
	struct sl_sessions *s;

	sl_time_parse("2026-03-14T08:00:00Z", 20, SL_TIME_ISO, NULL, 0, &t0,
	    NULL);
	CHECK(sl_sessions_new(0) == NULL);
	s = sl_sessions_new(SL_GAP_DEFAULT);
	CHECK(s != NULL);

	/* Derived: a gap equal to --gap does not split, a longer one does. */
	ASSIGN(assign(s, t0, SL_ACT_SEARCH, ""),
	    "1 j.rivera@2026-03-14T08:00:00.000000Z "
	    "2026-03-14T08:00:00.000000Z");
	ASSIGN(assign(s, t0 + 30 * MIN, SL_ACT_VIEW, ""),
	    "0 j.rivera@2026-03-14T08:00:00.000000Z "
	    "2026-03-14T08:00:00.000000Z");
	ASSIGN(assign(s, t0 + 60 * MIN + 1, SL_ACT_VIEW, ""),
	    "1 j.rivera@2026-03-14T09:00:00.000001Z "
	    "2026-03-14T09:00:00.000001Z");
	/* Same time continues. */
	ASSIGN(assign(s, t0 + 60 * MIN + 1, SL_ACT_VIEW, ""),
	    "0 j.rivera@2026-03-14T09:00:00.000001Z "
	    "2026-03-14T09:00:00.000001Z");
	/* Login starts one even one second later. */
	ASSIGN(assign(s, t0 + 61 * MIN, SL_ACT_LOGIN, ""),
	    "1 j.rivera@2026-03-14T09:01:00.000000Z "
	    "2026-03-14T09:01:00.000000Z");
	ASSIGN(assign(s, t0 + 62 * MIN, SL_ACT_LOGOUT, ""),
	    "0 j.rivera@2026-03-14T09:01:00.000000Z "
	    "2026-03-14T09:01:00.000000Z");
	/* Logout ended it. */
	ASSIGN(assign(s, t0 + 63 * MIN, SL_ACT_SEARCH, ""),
	    "1 j.rivera@2026-03-14T09:03:00.000000Z "
	    "2026-03-14T09:03:00.000000Z");

	/* Source session ids: interleaved, do not touch the derived run. */
	ASSIGN(assign(s, t0 + 64 * MIN, SL_ACT_SEARCH, "sid-a"),
	    "1 sid-a 2026-03-14T09:04:00.000000Z");
	ASSIGN(assign(s, t0 + 65 * MIN, SL_ACT_SEARCH, "sid-b"),
	    "1 sid-b 2026-03-14T09:05:00.000000Z");
	ASSIGN(assign(s, t0 + 300 * MIN, SL_ACT_LOGIN, "sid-a"),
	    "0 sid-a 2026-03-14T09:04:00.000000Z");
	ASSIGN(assign(s, t0 + 66 * MIN, SL_ACT_VIEW, ""),
	    "0 j.rivera@2026-03-14T09:03:00.000000Z "
	    "2026-03-14T09:03:00.000000Z");

	/* Many ids: the table grows and remembers every one. */
	{
		char id[32];
		int i, fresh = 0, again = 0;

		for (i = 0; i < 1000; i++) {
			snprintf(id, sizeof(id), "s%d", i);
			fresh += assign(s, t0 + 400 * MIN, 0, id)[0] == '1';
		}
		for (i = 0; i < 1000; i++) {
			snprintf(id, sizeof(id), "s%d", i);
			again += assign(s, t0 + 401 * MIN, 0, id)[0] == '1';
		}
		CHECK_INT(fresh, 1000);
		CHECK_INT(again, 0);
	}

	/* Reset: a new user's timeline. */
	sl_sessions_reset(s);
	ASSIGN(assign(s, t0, SL_ACT_SEARCH, "sid-a"),
	    "1 sid-a 2026-03-14T08:00:00.000000Z");
	ASSIGN(assign(s, t0 + 1, SL_ACT_SEARCH, ""),
	    "1 j.rivera@2026-03-14T08:00:00.000001Z "
	    "2026-03-14T08:00:00.000001Z");
	sl_sessions_free(s);

	/* A one-minute gap; extreme times do not overflow. */
	s = sl_sessions_new(MIN);
	CHECK(assign(s, INT64_MIN + 5, 0, "")[0] == '1');
	CHECK(assign(s, INT64_MAX - 5 * MIN, 0, "")[0] == '1');
	CHECK(assign(s, INT64_MAX - 4 * MIN, 0, "")[0] == '0');
	CHECK(assign(s, INT64_MAX, 0, "")[0] == '1');
	sl_sessions_free(s);
	sl_sessions_free(NULL);
	return check_done("session");
}
