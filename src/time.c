/* time.c: timestamps to UTC microseconds, and time zones from TZif files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define US_PER_SEC 1000000LL
#define SECS_PER_DAY 86400LL
#define TZ_FILE_MAX (1u << 20)
#define TZ_DIR_DEFAULT "/usr/share/zoneinfo"
/* 1000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the years we accept. */
#define MIN_SECS (-30610224000LL)
#define MAX_SECS 253402300799LL

/* ---- civil calendar (Howard Hinnant's algorithms) ----------------------- */

int64_t
sl_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
sl_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
month_days(int64_t y, int m)
{
	static const int md[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

/* Floor division of seconds into days. */
static int64_t
day_of(int64_t secs)
{
	return secs >= 0 ? secs / SECS_PER_DAY :
	    -((-secs + SECS_PER_DAY - 1) / SECS_PER_DAY);
}

/* Copy the n bytes formatted in tmp to out (size bytes), or "" and -E2BIG
 * when they do not fit. */
static int
put_formatted(const char *tmp, int n, char *out, size_t size)
{
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			out[0] = '\0';
		return -E2BIG;
	}
	memcpy(out, tmp, (size_t)n + 1);
	return n;
}

/* Years outside 0000-9999 are printed as they come (a sign or more
 * digits), never past 31 bytes; sl_time_parse only gives 1000-9999. */
int
sl_time_format(int64_t us, char *out, size_t size)
{
	char tmp[SL_TIME_LEN];
	int64_t secs, frac, days, rem, y;
	int m, d, n;

	secs = us / US_PER_SEC;
	frac = us % US_PER_SEC;
	if (frac < 0) {
		frac += US_PER_SEC;
		secs--;
	}
	days = day_of(secs);
	rem = secs - days * SECS_PER_DAY;
	sl_civil_from_days(days, &y, &m, &d);
	n = snprintf(tmp, sizeof(tmp), "%04lld-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    (long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
	    (int)(rem % 60), (int)frac);
	return put_formatted(tmp, n, out, size);
}

/* ---- POSIX TZ rules (the TZif footer) ----------------------------------- */

struct rule_date {
	int kind;		/* 'J' (1-365, no Feb 29), 'N' (0-365), 'M' */
	int n, m, w, wd;	/* J/N: n; M: month, week 1-5, weekday 0-6 */
	int32_t secs;		/* local time of day of the change */
};

struct tz_rule {
	int32_t std_off, dst_off;	/* seconds east of UTC */
	int has_dst;
	struct rule_date start, end;
};

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* A zone abbreviation: three or more letters, or <...>. */
static const char *
rule_abbr(const char *s)
{
	const char *b = s;

	if (*s == '<') {
		for (b = ++s; *s != '>'; s++)
			if (!is_alpha(*s) && !is_digit(*s) && *s != '+' &&
			    *s != '-')
				return NULL;
		return s - b >= 3 ? s + 1 : NULL;
	}
	while (is_alpha(*s))
		s++;
	return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] with hh up to maxh; the sign is applied. */
static const char *
rule_hms(const char *s, int32_t *secs, int maxh)
{
	int32_t h = 0, mi = 0, se = 0, sign = 1;
	int k;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (k = 0; k < 3 && is_digit(*s); k++)
		h = h * 10 + (*s++ - '0');
	if (k == 0 || h > maxh)
		return NULL;
	if (*s == ':') {
		if (!is_digit(s[1]) || !is_digit(s[2]))
			return NULL;
		mi = (s[1] - '0') * 10 + (s[2] - '0');
		s += 3;
		if (*s == ':') {
			if (!is_digit(s[1]) || !is_digit(s[2]))
				return NULL;
			se = (s[1] - '0') * 10 + (s[2] - '0');
			s += 3;
		}
		if (mi > 59 || se > 59)
			return NULL;
	}
	*secs = sign * (h * 3600 + mi * 60 + se);
	return s;
}

static const char *
rule_num(const char *s, int *v, int lo, int hi)
{
	int n = 0, k;

	for (k = 0; k < 3 && is_digit(*s); k++)
		n = n * 10 + (*s++ - '0');
	if (k == 0 || n < lo || n > hi)
		return NULL;
	*v = n;
	return s;
}

static const char *
rule_date(const char *s, struct rule_date *d)
{
	d->secs = 2 * 3600;
	if (*s == 'J') {
		d->kind = 'J';
		s = rule_num(s + 1, &d->n, 1, 365);
	} else if (*s == 'M') {
		d->kind = 'M';
		if ((s = rule_num(s + 1, &d->m, 1, 12)) == NULL || *s != '.')
			return NULL;
		if ((s = rule_num(s + 1, &d->w, 1, 5)) == NULL || *s != '.')
			return NULL;
		s = rule_num(s + 1, &d->wd, 0, 6);
	} else {
		d->kind = 'N';
		s = rule_num(s, &d->n, 0, 365);
	}
	if (s != NULL && *s == '/')
		s = rule_hms(s + 1, &d->secs, 167);
	return s;
}

/* Parse a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3". */
static int
rule_parse(const char *s, struct tz_rule *r)
{
	int32_t v;

	memset(r, 0, sizeof(*r));
	if ((s = rule_abbr(s)) == NULL || (s = rule_hms(s, &v, 24)) == NULL)
		return -1;
	r->std_off = -v;	/* POSIX counts west of Greenwich */
	if (*s == '\0')
		return 0;
	if ((s = rule_abbr(s)) == NULL)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if ((s = rule_hms(s, &v, 24)) == NULL)
			return -1;
		r->dst_off = -v;
	}
	if (*s == '\0') {
		/* No rule given: the US rules, as glibc does. */
		r->start = (struct rule_date){ 'M', 0, 3, 2, 0, 7200 };
		r->end = (struct rule_date){ 'M', 0, 11, 1, 0, 7200 };
		return 0;
	}
	if (*s != ',' || (s = rule_date(s + 1, &r->start)) == NULL ||
	    *s != ',' || (s = rule_date(s + 1, &r->end)) == NULL ||
	    *s != '\0')
		return -1;
	return 0;
}

/* Seconds (local clock, as if UTC) of the change d in year y. */
static int64_t
rule_when(const struct rule_date *d, int64_t y)
{
	int64_t day, first;
	int wd, dd;

	switch (d->kind) {
	case 'J':
		day = sl_days_from_civil(y, 1, 1) + d->n - 1;
		if (is_leap(y) && d->n >= 60)
			day++;
		break;
	case 'N':
		day = sl_days_from_civil(y, 1, 1) + d->n;
		break;
	default:
		first = sl_days_from_civil(y, d->m, 1);
		/* 1970-01-01 was a Thursday (4). */
		wd = (int)(((first % 7) + 7 + 4) % 7);
		dd = (d->wd - wd + 7) % 7 + (d->w - 1) * 7;
		while (dd >= month_days(y, d->m))
			dd -= 7;
		day = first + dd;
		break;
	}
	return day * SECS_PER_DAY + d->secs;
}

static int32_t
rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t y, start, end;
	int m, d;

	if (!r->has_dst)
		return r->std_off;
	sl_civil_from_days(day_of(t + r->std_off), &y, &m, &d);
	start = rule_when(&r->start, y) - r->std_off;
	end = rule_when(&r->end, y) - r->dst_off;
	if (start < end)
		return t >= start && t < end ? r->dst_off : r->std_off;
	return t >= end && t < start ? r->std_off : r->dst_off;
}

/* ---- zones --------------------------------------------------------------- */

struct sl_tz {
	char *name;
	int64_t *trans;		/* transition times (UTC seconds), ascending */
	uint8_t *idx;		/* type of each transition */
	size_t ntrans;
	int32_t *offs;		/* UTC offset of each type */
	size_t ntypes;		/* 0: UTC */
	int has_rule;
	struct tz_rule rule;	/* after the last transition */
};

/* UTC offset (seconds east) in force at UTC second t. */
static int32_t
tz_offset(const struct sl_tz *tz, int64_t t)
{
	size_t lo, hi, mid;

	if (tz == NULL || tz->ntypes == 0)
		return 0;
	if (tz->has_rule && (tz->ntrans == 0 || t >= tz->trans[tz->ntrans - 1]))
		return rule_offset(&tz->rule, t);
	if (tz->ntrans == 0 || t < tz->trans[0])
		return tz->offs[0];
	lo = 0;
	hi = tz->ntrans;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->offs[tz->idx[lo]];
}

/*
 * Local seconds to UTC.  Of two instants with this local time (the hour
 * repeated when clocks go back) the earlier is taken; a local time that does
 * not exist (skipped when clocks go forward) is read with the offset in
 * force before the change, so it comes out shifted forward by the gap, as
 * mktime(3) does with tm_isdst = -1.
 */
int64_t
sl_tz_to_utc(const struct sl_tz *tz, int64_t l)
{
	int32_t cand[3];
	int64_t t, best = INT64_MAX;
	size_t i;

	if (tz == NULL || tz->ntypes == 0)
		return l;
	cand[0] = tz_offset(tz, l - 90000);
	cand[1] = tz_offset(tz, l);
	cand[2] = tz_offset(tz, l + 90000);
	for (i = 0; i < 3; i++) {
		t = l - cand[i];
		if (tz_offset(tz, t) == cand[i] && t < best)
			best = t;
	}
	return best != INT64_MAX ? best : l - cand[0];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Parse a TZif file (RFC 8536), using the 64-bit data of v2+. */
static int
tzif_parse(struct sl_tz *tz, const unsigned char *p, size_t n,
    const char **why)
{
	const unsigned char *h = p, *d, *e = p + n, *nl;
	uint64_t cnt[6], size;
	size_t tsz = 4, i;
	char footer[256];
	int32_t off;

	*why = "not a TZif file";
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	for (;;) {
		for (i = 0; i < 6; i++)
			cnt[i] = be32(h + 20 + 4 * i);
		/* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
		size = cnt[3] * tsz + cnt[3] + cnt[4] * 6 + cnt[5] +
		    cnt[2] * (tsz + 4) + cnt[1] + cnt[0];
		*why = "truncated TZif file";
		if (size > (uint64_t)(e - h - 44))
			return -1;
		if (tsz == 8 || h[4] < '2')
			break;
		h += 44 + size;
		tsz = 8;
		if (e - h < 44 || memcmp(h, "TZif", 4) != 0)
			return -1;
	}
	*why = "invalid TZif file";
	if (cnt[4] == 0 || cnt[4] > 256)
		return -1;
	d = h + 44;
	tz->ntrans = (size_t)cnt[3];
	tz->ntypes = (size_t)cnt[4];
	tz->trans = calloc(tz->ntrans + 1, sizeof(*tz->trans));
	tz->idx = calloc(tz->ntrans + 1, 1);
	tz->offs = calloc(tz->ntypes, sizeof(*tz->offs));
	if (tz->trans == NULL || tz->idx == NULL || tz->offs == NULL) {
		*why = strerror(ENOMEM);
		return -1;
	}
	for (i = 0; i < tz->ntrans; i++, d += tsz) {
		tz->trans[i] = tsz == 8 ? be64(d) : (int32_t)be32(d);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
			return -1;
	}
	for (i = 0; i < tz->ntrans; i++, d++) {
		if (*d >= tz->ntypes)
			return -1;
		tz->idx[i] = *d;
	}
	for (i = 0; i < tz->ntypes; i++, d += 6) {
		off = (int32_t)be32(d);
		if (off < -26 * 3600 || off > 26 * 3600 || d[4] > 1)
			return -1;
		tz->offs[i] = off;
	}
	d = h + 44 + size;
	if (tsz == 8 && d < e && *d == '\n') {
		nl = memchr(d + 1, '\n', (size_t)(e - d - 1));
		if (nl != NULL && nl - d - 1 > 0 &&
		    (size_t)(nl - d - 1) < sizeof(footer)) {
			memcpy(footer, d + 1, (size_t)(nl - d - 1));
			footer[nl - d - 1] = '\0';
			/* A footer we cannot read leaves the last type. */
			tz->has_rule = rule_parse(footer, &tz->rule) == 0;
		}
	}
	return 0;
}

static int
read_file(const char *path, unsigned char **out, size_t *outlen)
{
	struct stat st;
	unsigned char *p = NULL;
	size_t n = 0;
	ssize_t r;
	int fd, ret = -EINVAL;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)TZ_FILE_MAX)
		goto fail;
	p = malloc((size_t)st.st_size + 1);
	if (p == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	while (n < (size_t)st.st_size + 1) {
		r = read(fd, p + n, (size_t)st.st_size + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > (size_t)st.st_size)	/* it grew while we read */
		goto fail;
	close(fd);
	*out = p;
	*outlen = n;
	return 0;
fail:
	free(p);
	close(fd);
	return ret;
}

static int
is_utc_name(const char *s)
{
	static const char *const names[] = {
		"UTC", "Z", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT",
		"Zulu", "Etc/Zulu", "Universal", "Etc/Universal",
	};
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(names); i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

static int
under_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && path[n] == '/' &&
	    path[n + 1] != '\0';
}

struct sl_tz *
sl_tz_load(const char *name, char *err, size_t errlen)
{
	struct sl_tz *tz;
	unsigned char *data = NULL;
	const char *dir, *file = name, *why;
	char path[PATH_MAX];
	size_t len = 0;
	int r;

	if (name == NULL)
		name = file = "UTC";
	tz = calloc(1, sizeof(*tz));
	if (tz == NULL || (tz->name = sl_strndup(name, strlen(name))) == NULL) {
		sl_seterr(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	if (*file == ':')	/* POSIX's TZ=:Area/City */
		file++;
	if (is_utc_name(file))
		return tz;
	dir = getenv("TZDIR");
	if (dir == NULL || *dir == '\0')
		dir = TZ_DIR_DEFAULT;
	if (*file == '\0' || strstr(file, "..") != NULL ||
	    (*file == '/' && !under_dir(file, dir) &&
	    !under_dir(file, TZ_DIR_DEFAULT))) {
		sl_seterr(err, errlen, "invalid time zone name \"%s\"", name);
		goto fail;
	}
	if (*file == '/')
		r = snprintf(path, sizeof(path), "%s", file);
	else
		r = snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (r < 0 || (size_t)r >= sizeof(path)) {
		sl_seterr(err, errlen, "invalid time zone name \"%s\"", name);
		goto fail;
	}
	r = read_file(path, &data, &len);
	if (r < 0) {
		sl_seterr(err, errlen, "unknown time zone \"%s\": %s", name,
		    r == -EINVAL ? "not a regular file" : strerror(-r));
		goto fail;
	}
	if (tzif_parse(tz, data, len, &why) < 0) {
		sl_seterr(err, errlen, "time zone \"%s\": %s", name, why);
		goto fail;
	}
	free(data);
	return tz;
fail:
	free(data);
	sl_tz_free(tz);
	return NULL;
}

void
sl_tz_free(struct sl_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->idx);
	free(tz->offs);
	free(tz);
}

const char *
sl_tz_name(const struct sl_tz *tz)
{
	return tz != NULL ? tz->name : "UTC";
}

int
sl_tz_is_utc(const struct sl_tz *tz)
{
	return tz == NULL || tz->ntypes == 0;
}

void
sl_time_civil(int64_t us, const struct sl_tz *tz, struct sl_civil *c)
{
	int64_t secs, frac, days, rem;

	secs = us / US_PER_SEC;
	frac = us % US_PER_SEC;
	if (frac < 0) {
		frac += US_PER_SEC;
		secs--;
	}
	c->offset = tz_offset(tz, secs);
	secs += c->offset;
	days = day_of(secs);
	rem = secs - days * SECS_PER_DAY;
	sl_civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem / 60 % 60);
	c->sec = (int)(rem % 60);
	c->usec = (int)frac;
	/* 1970-01-01 was a Thursday (4). */
	c->wday = (int)(((days % 7) + 7 + 4) % 7);
}

int
sl_time_format_tz(int64_t us, const struct sl_tz *tz, char *out,
    size_t size)
{
	char tmp[SL_TIME_TZ_LEN];
	struct sl_civil c;
	int32_t off;
	char sign;
	int n;

	if (sl_tz_is_utc(tz))
		return sl_time_format(us, out, size);
	sl_time_civil(us, tz, &c);
	sign = c.offset < 0 ? '-' : '+';
	off = c.offset < 0 ? -c.offset : c.offset;
	n = snprintf(tmp, sizeof(tmp),
	    "%04lld-%02d-%02dT%02d:%02d:%02d.%06d%c%02d:%02d",
	    (long long)c.year, c.month, c.day, c.hour, c.min, c.sec, c.usec,
	    sign, (int)(off / 3600), (int)(off / 60 % 60));
	if (off % 60 != 0)
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ":%02d",
		    (int)(off % 60));
	return put_formatted(tmp, n, out, size);
}

/* ---- parsing ------------------------------------------------------------ */

struct tm_parts {
	int64_t y;
	int mo, d, h, mi, s;
	int32_t us;
	int zoned;
	int32_t off;		/* seconds east of UTC when zoned */
};

/* Between min and max digits at *s into *v; 0 or -1. */
static int
num(const char **s, const char *e, int min, int max, int *v)
{
	const char *p = *s;
	int n = 0, k = 0;

	while (p < e && k < max && is_digit(*p)) {
		n = n * 10 + (*p++ - '0');
		k++;
	}
	if (k < min)
		return -1;
	*s = p;
	*v = n;
	return 0;
}

/* An optional fraction after '.' or ',': truncated to microseconds. */
static int
frac(const char **s, const char *e, int32_t *us)
{
	const char *p = *s;
	int32_t v = 0;
	int k = 0;

	*us = 0;
	if (p == e || (*p != '.' && *p != ','))
		return 0;
	p++;
	if (p == e || !is_digit(*p))
		return -1;
	for (; p < e && is_digit(*p); p++, k++)
		if (k < 6)
			v = v * 10 + (*p - '0');
	for (; k < 6; k++)
		v *= 10;
	*us = v;
	*s = p;
	return 0;
}

/* HH:MM[:SS[.frac]]; hours of one or two digits when loose. */
static int
clock_time(const char **s, const char *e, struct tm_parts *tp, int loose)
{
	if (num(s, e, loose ? 1 : 2, 2, &tp->h) < 0 || *s == e || **s != ':')
		return -1;
	(*s)++;
	if (num(s, e, 2, 2, &tp->mi) < 0)
		return -1;
	if (*s < e && **s == ':') {
		(*s)++;
		if (num(s, e, 2, 2, &tp->s) < 0)
			return -1;
		return frac(s, e, &tp->us);
	}
	return 0;
}

static int
ieq(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word), i;

	if ((size_t)(e - s) < n)
		return 0;
	for (i = 0; i < n; i++)
		if ((s[i] | 0x20) != (word[i] | 0x20))
			return 0;
	return 1;
}

/* Z, UTC, GMT, +hh, +hhmm, +hh:mm; an optional space before. */
static int
zone(const char *s, const char *e, struct tm_parts *tp)
{
	int hh, mm = 0, sign;

	if (s == e)
		return 0;
	if (*s == ' ')
		s++;
	if (e - s == 1 && (*s == 'Z' || *s == 'z')) {
		tp->zoned = 1;
		return 0;
	}
	if (e - s == 3 && (ieq(s, e, "UTC") || ieq(s, e, "GMT"))) {
		tp->zoned = 1;
		return 0;
	}
	if (s == e || (*s != '+' && *s != '-'))
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (num(&s, e, 2, 2, &hh) < 0)
		return -1;
	if (s < e && *s == ':') {
		s++;
		if (s == e)
			return -1;
	}
	if (s < e && num(&s, e, 2, 2, &mm) < 0)
		return -1;
	if (s != e || hh > 23 || mm > 59)
		return -1;
	tp->zoned = 1;
	tp->off = sign * (hh * 3600 + mm * 60);
	return 0;
}

/* YYYY-MM-DD[(T|t| )HH:MM[:SS[.frac]]][zone] */
static int
parse_iso(const char *s, const char *e, struct tm_parts *tp)
{
	int y;

	if (num(&s, e, 4, 4, &y) < 0 || s == e || *s++ != '-' ||
	    num(&s, e, 2, 2, &tp->mo) < 0 || s == e || *s++ != '-' ||
	    num(&s, e, 2, 2, &tp->d) < 0)
		return -1;
	tp->y = y;
	if (s == e)
		return 0;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	s++;
	if (clock_time(&s, e, tp, 0) < 0)
		return -1;
	return zone(s, e, tp);
}

/* M/D/YYYY[ H:MM[:SS[.frac]][ AM|PM]] */
static int
parse_us(const char *s, const char *e, struct tm_parts *tp)
{
	int y;

	if (num(&s, e, 1, 2, &tp->mo) < 0 || s == e || *s++ != '/' ||
	    num(&s, e, 1, 2, &tp->d) < 0 || s == e || *s++ != '/' ||
	    num(&s, e, 4, 4, &y) < 0)
		return -1;
	tp->y = y;
	if (s == e)
		return 0;
	if (*s != ' ' && *s != 'T')
		return -1;
	s++;
	if (clock_time(&s, e, tp, 1) < 0)
		return -1;
	if (s < e && *s == ' ')
		s++;
	if (s == e)
		return 0;
	if (e - s != 2 || (!ieq(s, e, "AM") && !ieq(s, e, "PM")) ||
	    tp->h < 1 || tp->h > 12)
		return -1;
	tp->h = tp->h % 12 + ((s[0] | 0x20) == 'p' ? 12 : 0);
	return 0;
}

/* Mon [d]d HH:MM:SS[.frac]; the year is left to the caller. */
static int
parse_syslog(const char *s, const char *e, struct tm_parts *tp)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int i;

	if (e - s < 4)
		return -1;
	for (i = 0; i < 12; i++)
		if ((s[0] | 0x20) == months[3 * i] &&
		    (s[1] | 0x20) == months[3 * i + 1] &&
		    (s[2] | 0x20) == months[3 * i + 2])
			break;
	if (i == 12 || s[3] != ' ')
		return -1;
	tp->mo = i + 1;
	s += 4;
	if (s < e && *s == ' ')
		s++;
	if (num(&s, e, 1, 2, &tp->d) < 0 || s == e || *s++ != ' ')
		return -1;
	if (e - s < 8 || s[5] != ':' || clock_time(&s, e, tp, 0) < 0 ||
	    s != e)
		return -1;
	return 0;
}

/* [-]digits[.digits] as a count of 10^-scale seconds, to microseconds. */
static int
parse_epoch(const char *s, const char *e, int scale, int64_t *us)
{
	const char *b;
	int64_t v = 0, f = 0, div = 1;
	int neg = 0, k;

	if (s < e && *s == '-') {
		neg = 1;
		s++;
	}
	for (b = s; s < e && is_digit(*s); s++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (s == b)
		return -1;
	if (s < e && *s == '.') {
		s++;
		if (s == e || !is_digit(*s))
			return -1;
		/* The fraction's microseconds: 6 - scale digits count. */
		for (k = 0; s < e && is_digit(*s); s++, k++) {
			if (k < 6 - scale) {
				f = f * 10 + (*s - '0');
				div *= 10;
			}
		}
	}
	if (s != e)
		return -1;
	for (k = scale; k < 6; k++) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
		f *= 10;
	}
	for (k = 6; k < scale; k++)
		v /= 10;
	if (div > 1)
		f /= div;
	else
		f = 0;
	v += f;
	if (neg)
		v = -v;
	if (v < MIN_SECS * US_PER_SEC || v > MAX_SECS * US_PER_SEC + 999999)
		return -1;
	*us = v;
	return 0;
}

/* Validate the parts and turn them into UTC microseconds. */
static int
finish(struct tm_parts *tp, const struct sl_tz *tz, int64_t *us)
{
	int64_t secs;

	if (tp->y < 1000 || tp->y > 9999 || tp->mo < 1 || tp->mo > 12 ||
	    tp->d < 1 || tp->d > month_days(tp->y, tp->mo) || tp->h > 23 ||
	    tp->mi > 59 || tp->s > 60)
		return -1;
	if (tp->s == 60) {
		/* A leap second is kept inside the minute it ends. */
		tp->s = 59;
		tp->us = 999999;
	}
	secs = sl_days_from_civil(tp->y, tp->mo, tp->d) * SECS_PER_DAY +
	    tp->h * 3600 + tp->mi * 60 + tp->s;
	if (tp->zoned)
		secs -= tp->off;
	else
		secs = sl_tz_to_utc(tz, secs);
	*us = secs * US_PER_SEC + tp->us;
	return 0;
}

static int
syslog_year(struct tm_parts *tp, const struct sl_tz *tz, int64_t ref,
    int64_t *us)
{
	const int64_t day = SECS_PER_DAY * US_PER_SEC;
	int64_t y, ry, t, limit;
	int m, d;

	sl_civil_from_days(day_of(ref / US_PER_SEC), &ry, &m, &d);
	if (ry < 1001)
		ry = 1001;
	if (ry > 9998)
		ry = 9998;
	limit = ref > INT64_MAX - day ? INT64_MAX : ref + day;
	/* The latest year that is at most a day after ref; Feb 29 may need
	 * to go back to a leap year. */
	for (y = ry + 1; y >= ry - 8; y--) {
		tp->y = y;
		if (finish(tp, tz, &t) == 0 && t <= limit) {
			*us = t;
			return 0;
		}
	}
	return -1;
}

/* The text of a time without surrounding white space: [*s, *e). */
static int
trim(const char *p, size_t n, const char **s, const char **e)
{
	if (p == NULL)
		return -1;
	*s = p;
	*e = p + n;
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' ||
	    (*e)[-1] == '\r' || (*e)[-1] == '\n'))
		(*e)--;
	return *s == *e ? -1 : 0;
}

int
sl_time_yearless(const char *p, size_t n, int fmt)
{
	const char *s, *e;

	if (trim(p, n, &s, &e) < 0)
		return 0;
	return fmt == SL_TIME_SYSLOG || (fmt == SL_TIME_AUTO && is_alpha(*s));
}

int
sl_time_syslog(const char *p, size_t n, const struct sl_tz *tz, int rule,
    int64_t arg, int64_t *us, int64_t *year)
{
	struct tm_parts tp = { 0 };
	const char *s, *e;
	int64_t y, ny, t, best = 0, by = 0, bd = -1, dist;
	int m, d;

	if (trim(p, n, &s, &e) < 0 || parse_syslog(s, e, &tp) < 0)
		return -EINVAL;
	switch (rule) {
	case SL_YEAR_IS:
		tp.y = arg;
		if (finish(&tp, tz, us) < 0)
			return -EINVAL;
		*year = arg;
		return 0;
	case SL_YEAR_BEFORE:
		if (syslog_year(&tp, tz, arg, us) < 0)
			return -EINVAL;
		*year = tp.y;
		return 0;
	default:
		break;
	}
	/* Of the years around arg's, the one closest to it; a year without
	 * the date (Feb 29) is passed over. */
	sl_civil_from_days(day_of(arg / US_PER_SEC), &ny, &m, &d);
	for (y = ny - 1; y <= ny + 1; y++) {
		tp.y = y;
		if (finish(&tp, tz, &t) < 0)
			continue;
		dist = t > arg ? t - arg : arg - t;
		if (bd < 0 || dist < bd) {
			bd = dist;
			best = t;
			by = y;
		}
	}
	if (bd < 0)
		return -EINVAL;
	*us = best;
	*year = by;
	return 0;
}

/* Digits (with one optional '.' and leading '-') of an epoch number. */
static int
epoch_scale(const char *s, const char *e)
{
	const char *b;
	size_t n;

	if (s < e && *s == '-')
		s++;
	for (b = s; s < e && is_digit(*s); s++)
		;
	n = (size_t)(s - b);
	if (n == 0)
		return -1;
	if (s < e) {
		if (*s != '.')
			return -1;
		for (s++; s < e && is_digit(*s); s++)
			;
		if (s != e)
			return -1;
	}
	if (n <= 11)
		return 0;
	if (n <= 14)
		return 3;
	if (n <= 17)
		return 6;
	if (n <= 19)
		return 9;
	return -1;
}

/*
 * AUTO goes by shape: "dddd-" ISO, "d/" or "dd/" US, a letter syslog, else
 * an epoch number whose integer digits give the unit: up to 11 seconds,
 * 12-14 milliseconds, 15-17 microseconds, 18-19 nanoseconds.  Surrounding
 * white space is ignored.  Leap seconds (:60) become :59.999999.  Zone files
 * with leap-second tables ("right/") are read as if they had none.
 */
int
sl_time_parse(const char *p, size_t n, int fmt, const struct sl_tz *tz,
    int64_t ref, int64_t *us, int *zoned)
{
	struct tm_parts tp = { 0 };
	const char *s, *e;
	int scale, r;

	if (zoned != NULL)
		*zoned = 0;
	if (trim(p, n, &s, &e) < 0)
		return -EINVAL;
	if (fmt == SL_TIME_AUTO) {
		if (e - s >= 10 && is_digit(s[0]) && is_digit(s[3]) &&
		    s[4] == '-')
			fmt = SL_TIME_ISO;
		else if (e - s >= 8 && is_digit(s[0]) &&
		    (s[1] == '/' || s[2] == '/'))
			fmt = SL_TIME_US;
		else if (is_alpha(s[0]))
			fmt = SL_TIME_SYSLOG;
		else {
			scale = epoch_scale(s, e);
			if (scale < 0 || parse_epoch(s, e, scale, us) < 0)
				return -EINVAL;
			if (zoned != NULL)
				*zoned = 1;
			return 0;
		}
	}
	switch (fmt) {
	case SL_TIME_EPOCH:
	case SL_TIME_EPOCH_MS:
		if (parse_epoch(s, e, fmt == SL_TIME_EPOCH ? 0 : 3, us) < 0)
			return -EINVAL;
		if (zoned != NULL)
			*zoned = 1;
		return 0;
	case SL_TIME_ISO:
		r = parse_iso(s, e, &tp);
		break;
	case SL_TIME_US:
		r = parse_us(s, e, &tp);
		break;
	case SL_TIME_SYSLOG:
		if (parse_syslog(s, e, &tp) < 0 ||
		    syslog_year(&tp, tz, ref, us) < 0)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
	if (r < 0 || finish(&tp, tz, us) < 0)
		return -EINVAL;
	if (zoned != NULL)
		*zoned = tp.zoned;
	return 0;
}
