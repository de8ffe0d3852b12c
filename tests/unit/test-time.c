/* test-time.c: timestamp parsing and formatting, TZif zones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "check.h"

#define S 1000000LL

static int
tparse(const char *s, int fmt, const struct sl_tz *tz, int64_t ref,
    int64_t *us, int *zoned)
{
	return sl_time_parse(s, strlen(s), fmt, tz, ref, us, zoned);
}

static void
test_format(void)
{
	char buf[32];

	CHECK_INT(sl_time_format(0, buf, sizeof(buf)), 27);
	CHECK_STR(buf, "1970-01-01T00:00:00.000000Z");
	sl_time_format(1709277432123456LL, buf, sizeof(buf));
	CHECK_STR(buf, "2024-03-01T07:17:12.123456Z");
	sl_time_format(-1, buf, sizeof(buf));
	CHECK_STR(buf, "1969-12-31T23:59:59.999999Z");
	sl_time_format(1709164800LL * S, buf, sizeof(buf));
	CHECK_STR(buf, "2024-02-29T00:00:00.000000Z");
	sl_time_format(253402300799LL * S + 999999, buf, sizeof(buf));
	CHECK_STR(buf, "9999-12-31T23:59:59.999999Z");
	sl_time_format(-30610224000LL * S, buf, sizeof(buf));
	CHECK_STR(buf, "1000-01-01T00:00:00.000000Z");
	/* Out of range years are formatted as they come, never overflowing. */
	CHECK(sl_time_format(INT64_MIN, buf, sizeof(buf)) < 32);
	CHECK(sl_time_format(INT64_MAX, buf, sizeof(buf)) < 32);
	CHECK_STR(buf, "294247-01-10T04:00:54.775807Z");
	/* The buffer's size: exactly enough, one short, none. */
	CHECK_INT(sl_time_format(0, buf, 28), 27);
	CHECK_STR(buf, "1970-01-01T00:00:00.000000Z");
	CHECK_INT(sl_time_format(0, buf, 27), -E2BIG);
	CHECK_STR(buf, "");
	CHECK_INT(sl_time_format(0, NULL, 0), -E2BIG);
}

/* Times printed as a zone's clock shows them, with the offset in force. */
static void
test_format_tz(void)
{
	static const struct {
		const char *zone, *utc, *want;
		int wday;
	} t[] = {
		{ "America/New_York", "2006-03-01T14:18:56Z",
		    "2006-03-01T09:18:56.000000-05:00", 3 },
		/* Spring forward, 2026-03-08 02:00 EST -> 03:00 EDT. */
		{ "America/New_York", "2026-03-08T06:59:59.999999Z",
		    "2026-03-08T01:59:59.999999-05:00", 0 },
		{ "America/New_York", "2026-03-08T07:00:00Z",
		    "2026-03-08T03:00:00.000000-04:00", 0 },
		/* Fall back: 01:30 twice, told apart by the offset. */
		{ "America/New_York", "2026-11-01T05:30:00Z",
		    "2026-11-01T01:30:00.000000-04:00", 0 },
		{ "America/New_York", "2026-11-01T06:30:00Z",
		    "2026-11-01T01:30:00.000000-05:00", 0 },
		/* Past the last transition of the file: the footer's rule. */
		{ "America/New_York", "2100-07-04T16:00:00Z",
		    "2100-07-04T12:00:00.000000-04:00", 0 },
		/* The local date differs from the UTC date. */
		{ "Europe/Berlin", "2026-03-14T23:30:00.5Z",
		    "2026-03-15T00:30:00.500000+01:00", 0 },
		{ "Asia/Kolkata", "2026-03-14T20:00:00Z",
		    "2026-03-15T01:30:00.000000+05:30", 0 },
		/* Before standard time: local mean time, to the second. */
		{ "America/New_York", "1880-01-01T12:00:00Z",
		    "1880-01-01T07:03:58.000000-04:56:02", 4 },
		{ "UTC", "2026-03-08T07:00:00Z",
		    "2026-03-08T07:00:00.000000Z", 0 },
		{ "Etc/UTC", "1969-12-31T23:59:59.999999Z",
		    "1969-12-31T23:59:59.999999Z", 3 },
	};
	struct sl_civil c;
	struct sl_tz *tz;
	char buf[SL_TIME_TZ_LEN], err[256];
	int64_t us;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		tz = sl_tz_load(t[i].zone, err, sizeof(err));
		CHECK(tz != NULL);
		if (tz == NULL)
			continue;
		CHECK_INT(tparse(t[i].utc, SL_TIME_ISO, NULL, 0, &us, NULL),
		    0);
		CHECK_INT(sl_time_format_tz(us, tz, buf, sizeof(buf)),
		    (long long)strlen(t[i].want));
		CHECK_STR(buf, t[i].want);
		sl_time_civil(us, tz, &c);
		CHECK_INT(c.wday, t[i].wday);
		sl_tz_free(tz);
	}
	CHECK(sl_tz_is_utc(NULL));
	sl_time_format_tz(0, NULL, buf, sizeof(buf));
	CHECK_STR(buf, "1970-01-01T00:00:00.000000Z");
	tz = sl_tz_load("America/New_York", err, sizeof(err));
	CHECK(tz != NULL && !sl_tz_is_utc(tz));
	/* The civil parts of a DST instant, and the extremes stay in
	 * bounds. */
	sl_time_civil(1772953200LL * S + 7, tz, &c);	/* 2026-03-08T07:00Z */
	CHECK_INT(c.year, 2026);
	CHECK_INT(c.month, 3);
	CHECK_INT(c.day, 8);
	CHECK_INT(c.hour, 3);
	CHECK_INT(c.min, 0);
	CHECK_INT(c.sec, 0);
	CHECK_INT(c.usec, 7);
	CHECK_INT(c.offset, -4 * 3600);
	CHECK_INT(sl_time_format_tz(0, tz, buf, 33), 32);
	CHECK_STR(buf, "1969-12-31T19:00:00.000000-05:00");
	CHECK_INT(sl_time_format_tz(0, tz, buf, 32), -E2BIG);
	CHECK_STR(buf, "");
	CHECK_INT(sl_time_format_tz(0, NULL, buf, 27), -E2BIG);
	CHECK(sl_time_format_tz(INT64_MIN, tz, buf, sizeof(buf)) < SL_TIME_TZ_LEN);
	CHECK(sl_time_format_tz(INT64_MAX, tz, buf, sizeof(buf)) < SL_TIME_TZ_LEN);
	sl_tz_free(tz);
}

static void
test_utc(void)
{
	static const struct {
		const char *s;
		int fmt;
		int64_t us;
		int zoned;
	} t[] = {
		{ "2024-03-01T07:17:12Z", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01t07:17:12z", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01T07:17:12.123456789Z", SL_TIME_ISO,
		    1709277432 * S + 123456, 1 },
		{ "2024-03-01T07:17:12.1Z", SL_TIME_ISO,
		    1709277432 * S + 100000, 1 },
		{ "2024-03-01T07:17:12,5Z", SL_TIME_ISO,
		    1709277432 * S + 500000, 1 },
		{ "2024-03-01 07:17:12", SL_TIME_ISO, 1709277432 * S, 0 },
		{ "2024-03-01T07:17", SL_TIME_ISO, 1709277420 * S, 0 },
		{ "2024-03-01T09:17:12+02:00", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01T09:17:12+0200", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01T09:17:12+02", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01T02:17:12-05", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01T12:47:12.5+05:30", SL_TIME_ISO,
		    1709277432 * S + 500000, 1 },
		{ "2024-03-01 07:17:12 +0000", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01 07:17:12 UTC", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01T07:17:12-00:00", SL_TIME_ISO, 1709277432 * S, 1 },
		{ "2024-03-01", SL_TIME_ISO, 1709251200 * S, 0 },
		{ "2024-02-29T00:00:00Z", SL_TIME_ISO, 1709164800 * S, 1 },
		{ "2000-02-29", SL_TIME_ISO, 951782400 * S, 0 },
		{ "1000-01-01T00:00:00Z", SL_TIME_ISO, -30610224000LL * S, 1 },
		{ "9999-12-31T23:59:59Z", SL_TIME_ISO, 253402300799LL * S, 1 },
		{ "2016-12-31T23:59:60Z", SL_TIME_ISO,
		    1483228799 * S + 999999, 1 },
		{ "2016-12-31T23:59:60.5Z", SL_TIME_ISO,
		    1483228799 * S + 999999, 1 },
		{ "  2024-03-01T07:17:12Z\r\n", SL_TIME_ISO,
		    1709277432 * S, 1 },
		{ "1364481363", SL_TIME_EPOCH, 1364481363 * S, 1 },
		{ "1364481363.243", SL_TIME_EPOCH, 1364481363 * S + 243000, 1 },
		{ "1364481363.2431239", SL_TIME_EPOCH,
		    1364481363 * S + 243123, 1 },
		{ "0", SL_TIME_EPOCH, 0, 1 },
		{ "-1.5", SL_TIME_EPOCH, -1500000, 1 },
		{ "1709277432123", SL_TIME_EPOCH_MS, 1709277432123000LL, 1 },
		{ "1709277432123.456", SL_TIME_EPOCH_MS,
		    1709277432123456LL, 1 },
		{ "03/01/2024 07:17:12", SL_TIME_US, 1709277432 * S, 0 },
		{ "3/1/2024 7:17:12", SL_TIME_US, 1709277432 * S, 0 },
		{ "03/01/2024 07:17", SL_TIME_US, 1709277420 * S, 0 },
		{ "03/01/2024", SL_TIME_US, 1709251200 * S, 0 },
		{ "03/01/2024 07:17:12 AM", SL_TIME_US, 1709277432 * S, 0 },
		{ "03/01/2024 7:17:12 pm", SL_TIME_US, 1709320632 * S, 0 },
		{ "03/01/2024 12:00:00 AM", SL_TIME_US, 1709251200 * S, 0 },
		{ "03/01/2024 12:00:00 PM", SL_TIME_US, 1709294400 * S, 0 },
		{ "01/02/2010 07:11:45", SL_TIME_US, 1262416305 * S, 0 },
		/* AUTO tells the shapes apart. */
		{ "2024-03-01T07:17:12Z", SL_TIME_AUTO, 1709277432 * S, 1 },
		{ "2006-03-01 07:17:12", SL_TIME_AUTO, 1141197432 * S, 0 },
		{ "01/02/2010 07:11:45", SL_TIME_AUTO, 1262416305 * S, 0 },
		{ "1364481363", SL_TIME_AUTO, 1364481363 * S, 1 },
		{ "1364481363.243", SL_TIME_AUTO, 1364481363 * S + 243000, 1 },
		{ "1709277432123", SL_TIME_AUTO, 1709277432123000LL, 1 },
		{ "1709277432123456", SL_TIME_AUTO, 1709277432123456LL, 1 },
		{ "1709277432123456789", SL_TIME_AUTO, 1709277432123456LL, 1 },
		{ "86400", SL_TIME_AUTO, 86400 * S, 1 },
	};
	int64_t us;
	size_t i;
	int zoned, r;

	for (i = 0; i < SL_ARRAY_LEN(t); i++) {
		us = -42;
		zoned = -1;
		r = tparse(t[i].s, t[i].fmt, NULL, 0, &us, &zoned);
		if (r != 0 || us != t[i].us)
			fprintf(stderr, "case \"%s\": r %d us %lld\n", t[i].s,
			    r, (long long)us);
		CHECK_INT(r, 0);
		CHECK_INT(us, t[i].us);
		CHECK_INT(zoned, t[i].zoned);
	}
}

static void
test_invalid(void)
{
	static const struct {
		const char *s;
		int fmt;
	} t[] = {
		{ "", SL_TIME_AUTO },
		{ "   ", SL_TIME_AUTO },
		{ "2023-02-29", SL_TIME_ISO },
		{ "1900-02-29", SL_TIME_ISO },
		{ "2024-02-30T00:00:00Z", SL_TIME_ISO },
		{ "2024-04-31", SL_TIME_ISO },
		{ "2024-13-01", SL_TIME_ISO },
		{ "2024-00-01", SL_TIME_ISO },
		{ "2024-01-00", SL_TIME_ISO },
		{ "2024-01-32", SL_TIME_ISO },
		{ "2024-03-01T24:00:00Z", SL_TIME_ISO },
		{ "2024-03-01T23:60:00Z", SL_TIME_ISO },
		{ "2024-03-01T23:59:61Z", SL_TIME_ISO },
		{ "0999-12-31T23:59:59Z", SL_TIME_ISO },
		{ "2024-3-1", SL_TIME_ISO },
		{ "2024-03-01T", SL_TIME_ISO },
		{ "2024-03-01T07", SL_TIME_ISO },
		{ "2024-03-01T07:17:12.Z", SL_TIME_ISO },
		{ "2024-03-01T07:17:12+2", SL_TIME_ISO },
		{ "2024-03-01T07:17:12+24:00", SL_TIME_ISO },
		{ "2024-03-01T07:17:12+02:", SL_TIME_ISO },
		{ "2024-03-01T07:17:12+02:60", SL_TIME_ISO },
		{ "2024-03-01T07:17:12ZZ", SL_TIME_ISO },
		{ "2024-03-01T07:17:12 junk", SL_TIME_ISO },
		{ "2024-03-01X07:17:12", SL_TIME_ISO },
		{ "1364481363", SL_TIME_ISO },
		{ "abc", SL_TIME_EPOCH },
		{ "12.", SL_TIME_EPOCH },
		{ "12a", SL_TIME_EPOCH },
		{ "-", SL_TIME_EPOCH },
		{ "99999999999999999999999", SL_TIME_EPOCH },
		{ "300000000000", SL_TIME_EPOCH },
		{ "1.5.2", SL_TIME_AUTO },
		{ "12345678901234567890", SL_TIME_AUTO },
		{ "13/01/2024 07:17:12", SL_TIME_US },
		{ "02/30/2024", SL_TIME_US },
		{ "03/01/24 07:17:12", SL_TIME_US },
		{ "03/01/2024 13:00:00 PM", SL_TIME_US },
		{ "03/01/2024 00:00:00 AM", SL_TIME_US },
		{ "03/01/2024 07:17:12 XM", SL_TIME_US },
		{ "Foo  1 07:17:12", SL_TIME_SYSLOG },
		{ "Mar 32 07:17:12", SL_TIME_SYSLOG },
		{ "Mar  1 07:17", SL_TIME_SYSLOG },
		{ "Mar  1 07:17:12 x", SL_TIME_SYSLOG },
		{ "Feb 30 07:17:12", SL_TIME_SYSLOG },
		{ "2024-03-01T07:17:12Z", 99 },
	};
	int64_t us;
	size_t i;
	int r;

	for (i = 0; i < SL_ARRAY_LEN(t); i++) {
		r = tparse(t[i].s, t[i].fmt, NULL, 1709277432 * S, &us, NULL);
		if (r != -EINVAL)
			fprintf(stderr, "accepted \"%s\": %lld\n", t[i].s,
			    (long long)us);
		CHECK_INT(r, -EINVAL);
	}
	CHECK_INT(sl_time_parse(NULL, 0, 0, NULL, 0, &us, NULL), -EINVAL);
	/* Not NUL-terminated: the length counts. */
	CHECK_INT(sl_time_parse("2024-03-01T07:17:12Zjunk", 20, SL_TIME_ISO,
	    NULL, 0, &us, NULL), 0);
	CHECK_INT(us, 1709277432 * S);
}

static void
test_syslog(void)
{
	int64_t us, ref;
	int zoned = -1;

	ref = 1709277432 * S;	/* 2024-03-01T07:17:12Z */
	CHECK_INT(tparse("Mar  1 07:17:12", SL_TIME_SYSLOG, NULL, ref, &us,
	    &zoned), 0);
	CHECK_INT(us, 1709277432 * S);
	CHECK_INT(zoned, 0);
	CHECK_INT(tparse("Mar 01 07:17:12.250", SL_TIME_AUTO, NULL, ref, &us,
	    NULL), 0);
	CHECK_INT(us, 1709277432 * S + 250000);
	/* Up to a day after ref is still this year. */
	CHECK_INT(tparse("Mar  2 07:17:12", SL_TIME_SYSLOG, NULL, ref, &us,
	    NULL), 0);
	CHECK_INT(us, (1709277432 + 86400) * S);
	/* Later than that is last year. */
	CHECK_INT(tparse("Mar  2 07:17:13", SL_TIME_SYSLOG, NULL, ref, &us,
	    NULL), 0);
	CHECK_INT(us, (1677741433LL) * S);
	CHECK_INT(tparse("Dec 31 23:59:59", SL_TIME_SYSLOG, NULL, ref, &us,
	    NULL), 0);
	CHECK_INT(us, 1704067199 * S);
	/* Just before new year, early January lines belong to next year. */
	ref = 1735689000 * S;	/* 2024-12-31T23:50:00Z */
	CHECK_INT(tparse("Jan  1 00:10:00", SL_TIME_SYSLOG, NULL, ref, &us,
	    NULL), 0);
	CHECK_INT(us, 1735690200 * S);
	/* Feb 29 goes back to the last leap year. */
	ref = 1741000000 * S;	/* 2025-03-03 */
	CHECK_INT(tparse("Feb 29 12:00:00", SL_TIME_SYSLOG, NULL, ref, &us,
	    NULL), 0);
	CHECK_INT(us, 1709208000 * S);
	/* No year before 1000 is accepted, so such a ref gives none. */
	CHECK_INT(tparse("Feb 29 12:00:00", SL_TIME_SYSLOG, NULL, INT64_MIN,
	    &us, NULL), -EINVAL);
	CHECK_INT(tparse("Feb 29 12:00:00", SL_TIME_SYSLOG, NULL, INT64_MAX,
	    &us, NULL), 0);
}

static int
tsys(const char *s, const struct sl_tz *tz, int rule, int64_t arg,
    int64_t *us, int64_t *year)
{
	return sl_time_syslog(s, strlen(s), tz, rule, arg, us, year);
}

/* The year rules of times without one. */
static void
test_syslog_year(void)
{
	struct sl_tz *ny;
	char err[128];
	int64_t us, y = 0;

	CHECK_INT(sl_time_yearless(" Mar  1 07:17:12", 16, SL_TIME_AUTO), 1);
	CHECK_INT(sl_time_yearless("2024-03-01", 10, SL_TIME_AUTO), 0);
	CHECK_INT(sl_time_yearless("2024-03-01", 10, SL_TIME_SYSLOG), 1);
	CHECK_INT(sl_time_yearless("  ", 2, SL_TIME_AUTO), 0);
	/* A year given. */
	CHECK_INT(tsys("Mar  1 07:17:12", NULL, SL_YEAR_IS, 2024, &us, &y), 0);
	CHECK_INT(us, 1709277432 * S);
	CHECK_INT(y, 2024);
	CHECK_INT(tsys("Feb 29 07:17:12", NULL, SL_YEAR_IS, 2025, &us, &y),
	    -EINVAL);
	CHECK_INT(tsys("Mar  1 07:17", NULL, SL_YEAR_IS, 2024, &us, &y),
	    -EINVAL);
	/* Closest to a time: Jan 1 after Dec 31 is next year's, Dec 31
	 * after Jan 1 last year's. */
	CHECK_INT(tsys("Jan  1 00:00:01", NULL, SL_YEAR_NEAR,
	    1798761599 * S, &us, &y), 0);	/* 2026-12-31T23:59:59Z */
	CHECK_INT(us, 1798761601 * S);
	CHECK_INT(y, 2027);
	CHECK_INT(tsys("Dec 31 23:59:58", NULL, SL_YEAR_NEAR,
	    1798761601 * S, &us, &y), 0);
	CHECK_INT(us, 1798761598 * S);
	CHECK_INT(y, 2026);
	CHECK_INT(tsys("Jul  1 00:00:00", NULL, SL_YEAR_NEAR,
	    1798761601 * S, &us, &y), 0);
	CHECK_INT(y, 2027);
	/* Feb 29 only in a leap year near it. */
	CHECK_INT(tsys("Feb 29 00:00:00", NULL, SL_YEAR_NEAR,
	    1798761601 * S, &us, &y), 0);
	CHECK_INT(y, 2028);
	/* The latest year at most a day after the time, as sl_time_parse. */
	CHECK_INT(tsys("Mar  2 07:17:13", NULL, SL_YEAR_BEFORE,
	    1709277432 * S, &us, &y), 0);
	CHECK_INT(us, 1677741433LL * S);
	CHECK_INT(y, 2023);
	/* The year is the one written, in the zone, not UTC's. */
	ny = sl_tz_load("America/New_York", err, sizeof(err));
	CHECK(ny != NULL);
	if (ny != NULL) {
		CHECK_INT(tsys("Dec 31 20:00:00", ny, SL_YEAR_IS, 2026, &us,
		    &y), 0);
		CHECK_INT(us, 1798765200 * S);	/* 2027-01-01T01:00:00Z */
		CHECK_INT(y, 2026);
	}
	sl_tz_free(ny);
}

static void
test_zones(void)
{
	static const struct {
		const char *zone, *s;
		int64_t secs;
	} t[] = {
		{ "Europe/Berlin", "2024-03-31 01:59:59", 1711846799LL },
		{ "Europe/Berlin", "2024-03-31 02:30:00", 1711848600LL },
		{ "Europe/Berlin", "2024-03-31 03:00:00", 1711846800LL },
		{ "Europe/Berlin", "2024-10-27 01:59:59", 1729987199LL },
		{ "Europe/Berlin", "2024-10-27 02:30:00", 1729989000LL },
		{ "Europe/Berlin", "2024-10-27 03:00:00", 1729994400LL },
		{ "America/New_York", "2024-03-10 02:30:00", 1710055800LL },
		{ "America/New_York", "2024-03-10 03:00:00", 1710054000LL },
		{ "America/New_York", "2024-11-03 01:30:00", 1730611800LL },
		{ "America/New_York", "2024-11-03 02:00:00", 1730617200LL },
		{ "America/New_York", "2024-01-15 12:00:00", 1705338000LL },
		{ "America/New_York", "2024-07-15 12:00:00", 1721059200LL },
		/* Beyond the file's transitions: the footer's POSIX rule. */
		{ "Europe/Berlin", "2100-03-28 01:59:59", 4109878799LL },
		{ "Europe/Berlin", "2100-03-28 02:30:00", 4109880600LL },
		{ "Europe/Berlin", "2100-03-28 03:00:00", 4109878800LL },
		{ "Europe/Berlin", "2100-10-31 02:30:00", 4128625800LL },
		{ "Europe/Berlin", "2100-10-31 03:00:00", 4128631200LL },
		{ "Europe/Berlin", "2100-07-01 12:00:00", 4118119200LL },
		{ "Europe/Berlin", "2100-12-01 12:00:00", 4131342000LL },
		{ "America/New_York", "2100-03-14 02:30:00", 4108692600LL },
		{ "America/New_York", "2100-11-07 01:30:00", 4129248600LL },
		{ "America/New_York", "2100-11-07 02:00:00", 4129254000LL },
		{ "America/New_York", "9999-07-01 00:00:00", 253386417600LL },
		{ "Australia/Sydney", "2100-04-04 02:30:00", 4110449400LL },
		{ "Australia/Sydney", "2100-10-03 02:30:00", 4126177800LL },
		{ "Australia/Sydney", "2100-01-15 12:00:00", 4103658000LL },
		{ "Australia/Sydney", "2100-07-15 12:00:00", 4119300000LL },
		{ "Australia/Sydney", "2100-12-31 23:30:00", 4133939400LL },
		{ "Asia/Kolkata", "2024-03-01 12:47:12", 1709277432LL },
		{ "Asia/Kolkata", "2200-03-01 12:47:12", 7263242232LL },
		/* Before the first transition: local mean time. */
		{ "Europe/Berlin", "1890-01-01 00:00:00", -2524524808LL },
		{ "America/New_York", "1883-11-18 12:00:00", -2717651038LL },
		{ "Europe/Berlin", "1000-01-01 00:00:00", -30610227208LL },
		{ ":Europe/Berlin", "2024-07-01 12:00:00", 1719828000LL },
		{ "UTC", "2024-03-01 07:17:12", 1709277432LL },
		{ "Etc/UTC", "2024-03-01 07:17:12", 1709277432LL },
		{ "Etc/GMT+5", "2024-03-01 02:17:12", 1709277432LL },
	};
	struct sl_tz *tz;
	char err[128];
	int64_t us;
	size_t i;
	int zoned;

	for (i = 0; i < SL_ARRAY_LEN(t); i++) {
		tz = sl_tz_load(t[i].zone, err, sizeof(err));
		CHECK(tz != NULL);
		if (tz == NULL) {
			fprintf(stderr, "%s\n", err);
			continue;
		}
		CHECK_STR(sl_tz_name(tz), t[i].zone);
		zoned = -1;
		CHECK_INT(tparse(t[i].s, SL_TIME_AUTO, tz, 0, &us, &zoned), 0);
		if (us != t[i].secs * S)
			fprintf(stderr, "%s %s\n", t[i].zone, t[i].s);
		CHECK_INT(us, t[i].secs * S);
		CHECK_INT(zoned, 0);
		/* A zone in the text wins over tz. */
		CHECK_INT(tparse("2024-03-01T07:17:12Z", SL_TIME_ISO, tz, 0,
		    &us, &zoned), 0);
		CHECK_INT(us, 1709277432 * S);
		CHECK_INT(zoned, 1);
		sl_tz_free(tz);
	}
	/* US and syslog times are read in the zone too. */
	tz = sl_tz_load("America/New_York", err, sizeof(err));
	CHECK(tz != NULL);
	CHECK_INT(tparse("07/15/2024 12:00:00", SL_TIME_US, tz, 0, &us, NULL),
	    0);
	CHECK_INT(us, 1721059200LL * S);
	CHECK_INT(tparse("Jul 15 12:00:00", SL_TIME_SYSLOG, tz,
	    1721059200LL * S, &us, NULL), 0);
	CHECK_INT(us, 1721059200LL * S);
	/* Epochs ignore the zone. */
	CHECK_INT(tparse("1364481363", SL_TIME_AUTO, tz, 0, &us, NULL), 0);
	CHECK_INT(us, 1364481363 * S);
	sl_tz_free(tz);
	sl_tz_free(NULL);
	CHECK_STR(sl_tz_name(NULL), "UTC");
}

static void
test_zone_errors(void)
{
	static const char *const bad[] = {
		"Nowhere/Atlantis", "", "../../etc/passwd",
		"Europe/../../../etc/passwd", "/etc/passwd", "/etc/localtime",
		"Europe", "zone.tab", "/usr/share/zoneinfo/../../../etc/passwd",
	};
	char err[128], dir[] = "/tmp/sl-test-time-XXXXXX", path[256];
	struct sl_tz *tz;
	FILE *fp;
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(bad); i++) {
		err[0] = '\0';
		tz = sl_tz_load(bad[i], err, sizeof(err));
		CHECK(tz == NULL);
		CHECK(err[0] != '\0');
		sl_tz_free(tz);
	}
	/* An absolute path under the database is fine. */
	tz = sl_tz_load("/usr/share/zoneinfo/Europe/Berlin", err, sizeof(err));
	CHECK(tz != NULL);
	sl_tz_free(tz);
	/* Truncated and corrupt TZif files are refused, not trusted. */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/Bad", dir);
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (fp != NULL) {
		fwrite("TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
		    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x10\0\0\0\x01\0\0\0\x04",
		    1, 44, fp);
		fclose(fp);
	}
	tz = sl_tz_load(path, err, sizeof(err));
	CHECK(tz == NULL);
	setenv("TZDIR", dir, 1);
	tz = sl_tz_load("Bad", err, sizeof(err));
	CHECK(tz == NULL);
	CHECK_STR(err, "time zone \"Bad\": truncated TZif file");
	tz = sl_tz_load(path, err, sizeof(err));
	CHECK(tz == NULL);
	CHECK(strstr(err, "truncated TZif file") != NULL);
	unsetenv("TZDIR");
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_format();
	test_format_tz();
	test_utc();
	test_invalid();
	test_syslog();
	test_syslog_year();
	test_zones();
	test_zone_errors();
	return check_done("time");
}
