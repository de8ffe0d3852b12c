/* test-when.c: --since/--until times and durations. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "check.h"

#define S INT64_C(1000000)

static int64_t
when(const char *s, const char *tz, int64_t now)
{
	char err[200];
	int64_t us = INT64_MIN;

	if (sl_when_parse(s, tz, now, &us, err, sizeof(err)) < 0)
		return INT64_MIN;
	return us;
}

static int64_t
iso(const char *s)
{
	int64_t us = 0;

	sl_time_parse(s, strlen(s), SL_TIME_ISO, NULL, 0, &us, NULL);
	return us;
}

int
main(void)
{
	int64_t now = iso("2026-03-14T22:30:15.5Z"), us;
	char buf[32], err[200];

	/* Absolute times and dates; a bare date is its midnight. */
	CHECK_INT(when("2026-03-14", NULL, now), iso("2026-03-14T00:00:00Z"));
	CHECK_INT(when("2026-03-14T22:00", NULL, now),
	    iso("2026-03-14T22:00:00Z"));
	CHECK_INT(when("2026-03-14 22:00:00+01:00", NULL, now),
	    iso("2026-03-14T21:00:00Z"));
	CHECK_INT(when("2026-03-14T22:00:00.123456Z", "Europe/Berlin", now),
	    iso("2026-03-14T22:00:00.123456Z"));
	/* Without a zone, in --tz. */
	CHECK_INT(when("2026-03-14", "Europe/Berlin", now),
	    iso("2026-03-13T23:00:00Z"));
	CHECK_INT(when("2026-07-14T02:00", "Europe/Berlin", now),
	    iso("2026-07-14T00:00:00Z"));
	/* Words. */
	CHECK_INT(when("now", NULL, now), now);
	CHECK_INT(when("today", NULL, now), iso("2026-03-14T00:00:00Z"));
	CHECK_INT(when("yesterday", NULL, now), iso("2026-03-13T00:00:00Z"));
	CHECK_INT(when("today", "Europe/Berlin", now),
	    iso("2026-03-13T23:00:00Z"));
	/* 23:30 UTC is already the 15th in Berlin. */
	CHECK_INT(when("today", "Europe/Berlin", now + 3600 * S),
	    iso("2026-03-14T23:00:00Z"));
	CHECK_INT(when("yesterday", "Europe/Berlin", now + 3600 * S),
	    iso("2026-03-13T23:00:00Z"));
	CHECK_INT(when("today", "America/New_York", now),
	    iso("2026-03-14T04:00:00Z"));
	/* Across the spring change in New York (2026-03-08): a day of 23 h. */
	CHECK_INT(when("yesterday", "America/New_York",
	    iso("2026-03-09T12:00:00Z")), iso("2026-03-08T05:00:00Z"));
	/* Relative. */
	CHECK_INT(when("-7d", NULL, now), now - 7 * 86400 * S);
	CHECK_INT(when("-12h", NULL, now), now - 12 * 3600 * S);
	CHECK_INT(when("-30m", NULL, now), now - 30 * 60 * S);
	CHECK_INT(when("-45s", NULL, now), now - 45 * S);
	CHECK_INT(when("-2w", NULL, now), now - 14 * 86400 * S);
	CHECK_INT(when("-1h30m", NULL, now), now - 90 * 60 * S);
	/* Not times. */
	CHECK_INT(when("", NULL, now), INT64_MIN);
	CHECK_INT(when("-", NULL, now), INT64_MIN);
	CHECK_INT(when("-7", NULL, now), INT64_MIN);
	CHECK_INT(when("-7x", NULL, now), INT64_MIN);
	CHECK_INT(when("-d", NULL, now), INT64_MIN);
	CHECK_INT(when("7d", NULL, now), INT64_MIN);
	CHECK_INT(when("tomorrow", NULL, now), INT64_MIN);
	CHECK_INT(when("2026-02-30", NULL, now), INT64_MIN);
	CHECK_INT(when("1710454215", NULL, now), INT64_MIN);
	CHECK_INT(when("-99999999999999999999d", NULL, now), INT64_MIN);
	CHECK_INT(when("today", "No/Such_Zone", now), INT64_MIN);
	CHECK_INT(sl_when_parse("junk", NULL, now, &us, err, sizeof(err)),
	    -EINVAL);
	CHECK(strstr(err, "\"junk\" is not a time") != NULL);
	CHECK_INT(sl_when_parse(NULL, NULL, now, &us, err, sizeof(err)),
	    -EINVAL);

	/* Durations. */
	CHECK_INT(sl_duration_parse("30m", &us), 0);
	CHECK_INT(us, 1800 * S);
	CHECK_INT(sl_duration_parse("1h30m", &us), 0);
	CHECK_INT(us, 5400 * S);
	CHECK_INT(sl_duration_parse("90", &us), 0);
	CHECK_INT(us, 90 * S);
	CHECK_INT(sl_duration_parse("500ms", &us), 0);
	CHECK_INT(us, 500000);
	CHECK_INT(sl_duration_parse("2d", &us), 0);
	CHECK_INT(us, 2 * 86400 * S);
	CHECK_INT(sl_duration_parse("", &us), -EINVAL);
	CHECK_INT(sl_duration_parse("m", &us), -EINVAL);
	CHECK_INT(sl_duration_parse("-5m", &us), -EINVAL);
	CHECK_INT(sl_duration_parse("5 m", &us), -EINVAL);
	CHECK_INT(sl_duration_parse("30m5", &us), -EINVAL);
	CHECK_INT(sl_duration_parse("9999999999999999999999s", &us), -EINVAL);
	CHECK_INT(sl_duration_parse("99999999999999w", &us), -EINVAL);
	CHECK_INT(sl_duration_parse(NULL, &us), -EINVAL);

	sl_duration_format(45 * S + 999999, buf, sizeof(buf));
	CHECK_STR(buf, "45s");
	sl_duration_format(23 * 60 * S + 12 * S, buf, sizeof(buf));
	CHECK_STR(buf, "23m12s");
	sl_duration_format(2 * 3600 * S + 5 * 60 * S, buf, sizeof(buf));
	CHECK_STR(buf, "2h05m00s");
	sl_duration_format(3 * 86400 * S + 4 * 3600 * S + 5 * 60 * S, buf, sizeof(buf));
	CHECK_STR(buf, "3d04h05m");
	sl_duration_format(0, buf, sizeof(buf));
	CHECK_STR(buf, "0s");
	CHECK_INT(sl_duration_format(23 * 60 * S + 12 * S, buf, 7), 6);
	CHECK_STR(buf, "23m12s");
	CHECK_INT(sl_duration_format(23 * 60 * S + 12 * S, buf, 6), -E2BIG);
	CHECK_STR(buf, "");
	return check_done("when");
}
