/* when.c: --since/--until times and durations as given on command lines. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

/* Microseconds in one unit; 0 for an unknown unit. */
static int64_t
unit_us(const char *u, size_t n)
{
	static const struct {
		const char *name;
		int64_t us;
	} units[] = {
		{ "ms", 1000 },
		{ "s", US_PER_SEC },
		{ "m", 60 * US_PER_SEC },
		{ "h", 3600 * US_PER_SEC },
		{ "d", US_PER_DAY },
		{ "w", 7 * US_PER_DAY },
	};
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(units); i++)
		if (strlen(units[i].name) == n &&
		    memcmp(units[i].name, u, n) == 0)
			return units[i].us;
	return 0;
}

/* One or more NUMBER UNIT pairs ("1h30m"), or, when bare is allowed, a
 * lone number of seconds; no sign.  The total stays below 2^62 us. */
static int
parse_span(const char *s, int bare, int64_t *us)
{
	const int64_t max = INT64_C(1) << 62;
	int64_t total = 0;
	const char *p = s;

	if (bare && *s != '\0' && strspn(s, "0123456789") == strlen(s)) {
		if (strlen(s) > 12)
			return -EINVAL;
		*us = (int64_t)strtoll(s, NULL, 10) * US_PER_SEC;
		return 0;
	}
	if (*p == '\0')
		return -EINVAL;
	while (*p != '\0') {
		int64_t v = 0, mul;
		const char *u;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (v > (max - 9) / 10)
				return -EINVAL;
			v = v * 10 + (*p - '0');
		}
		for (u = p; *p >= 'a' && *p <= 'z'; p++)
			;
		if ((mul = unit_us(u, (size_t)(p - u))) == 0)
			return -EINVAL;
		if (v > (max - total) / mul)
			return -EINVAL;
		total += v * mul;
	}
	*us = total;
	return 0;
}

int
sl_duration_parse(const char *s, int64_t *us)
{
	if (s == NULL || us == NULL)
		return -EINVAL;
	return parse_span(s, 1, us);
}

int
sl_duration_format(int64_t us, char *out, size_t size)
{
	char tmp[SL_DURATION_LEN];
	int64_t s = us / US_PER_SEC;
	int n;

	if (us < 0)
		n = snprintf(tmp, sizeof(tmp), "-");
	else if (s < 60)
		n = snprintf(tmp, sizeof(tmp), "%llds", (long long)s);
	else if (s < 3600)
		n = snprintf(tmp, sizeof(tmp), "%lldm%02llds",
		    (long long)(s / 60), (long long)(s % 60));
	else if (s < 86400)
		n = snprintf(tmp, sizeof(tmp), "%lldh%02lldm%02llds",
		    (long long)(s / 3600), (long long)(s / 60 % 60),
		    (long long)(s % 60));
	else
		n = snprintf(tmp, sizeof(tmp), "%lldd%02lldh%02lldm",
		    (long long)(s / 86400), (long long)(s / 3600 % 24),
		    (long long)(s / 60 % 60));
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			out[0] = '\0';
		return -E2BIG;
	}
	memcpy(out, tmp, (size_t)n + 1);
	return n;
}

/* Midnight (in tz) of the local day that holds t, minus days days. */
static int
midnight(const struct sl_tz *tz, int64_t t, int days, int64_t *us)
{
	char date[32];
	int64_t m;
	int i;

	/* The local date is within a day of the UTC date: start from the
	 * UTC date of t and step until [midnight, next midnight) holds t. */
	for (i = -2; i <= 2; i++) {
		int64_t next, day = t / US_PER_DAY + i;

		if (day < -700000 || day > 2900000)
			return -EINVAL;
		sl_time_format(t + i * US_PER_DAY, date, sizeof(date));
		if (sl_time_parse(date, 10, SL_TIME_ISO, tz, 0, &m, NULL) < 0)
			continue;
		sl_time_format(t + (i + 1) * US_PER_DAY, date,
		    sizeof(date));
		if (sl_time_parse(date, 10, SL_TIME_ISO, tz, 0, &next,
		    NULL) < 0)
			continue;
		if (m <= t && t < next)
			break;
	}
	if (i > 2)
		return -EINVAL;
	for (; days > 0; days--) {
		/* The day before starts at the midnight of the date of one
		 * microsecond earlier. */
		if (midnight(tz, m - 1, 0, &m) < 0)
			return -EINVAL;
	}
	*us = m;
	return 0;
}

int
sl_when_parse(const char *s, const char *zone, int64_t now, int64_t *us,
    char *err, size_t errlen)
{
	struct sl_tz *tz = NULL;
	int64_t span;
	char tzerr[128];
	int rc = -EINVAL;

	if (s == NULL || us == NULL) {
		sl_seterr(err, errlen, "no time given");
		return -EINVAL;
	}
	if (strcmp(s, "now") == 0) {
		*us = now;
		return 0;
	}
	if (s[0] == '-') {
		if (parse_span(s + 1, 0, &span) < 0 || now < INT64_MIN / 2) {
			sl_seterr(err, errlen, "\"%s\" is not a time before "
			    "now (like -7d, -12h, -30m)", s);
			return -EINVAL;
		}
		*us = now - span;
		return 0;
	}
	tz = sl_tz_load(zone != NULL ? zone : "UTC", tzerr,
	    sizeof(tzerr));
	if (tz == NULL) {
		sl_seterr(err, errlen, "%s", tzerr);
		return -EINVAL;
	}
	if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0) {
		rc = midnight(tz, now, s[0] == 'y', us);
		if (rc < 0)
			sl_seterr(err, errlen, "cannot find the midnight "
			    "before now");
		goto out;
	}
	/* Only ISO times: the other shapes the log parser accepts (epoch
	 * numbers, US dates) are too easy to mistype on a command line. */
	rc = sl_time_parse(s, strlen(s), SL_TIME_ISO, tz, 0, us, NULL);
	if (rc < 0)
		sl_seterr(err, errlen, "\"%s\" is not a time (like "
		    "2026-03-14, 2026-03-14T22:00, today, -7d)", s);
out:
	sl_tz_free(tz);
	return rc < 0 ? -EINVAL : 0;
}
