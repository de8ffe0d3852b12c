/* gen-common.c: helpers of the test data generators (see gen-common.h). */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <zlib.h>

#include "gen-common.h"

const char *gen_progname = "gen";

void
die(const char *msg)
{
	fprintf(stderr, "%s: %s\n", gen_progname, msg);
	exit(2);
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static void
sb_grow(struct sb *b, size_t extra)
{
	if (b->n + extra + 1 <= b->cap)
		return;
	while (b->n + extra + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->p = xrealloc(b->p, b->cap);
}

void
sb_add(struct sb *b, const void *p, size_t n)
{
	sb_grow(b, n);
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	sb_grow(b, 64);
	room = b->cap - b->n;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->n, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf");
	if ((size_t)n >= room) {
		sb_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->n += (size_t)n;
}

void
sb_jstr(struct sb *b, const char *s)
{
	sb_puts(b, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20)
			sb_printf(b, "\\u%04x", c);
		else
			sb_add(b, s, 1);
	}
	sb_puts(b, "\"");
}

void
sb_reset(struct sb *b)
{
	b->n = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

uint64_t
rnd(struct rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The bias of a 64-bit modulo is far below notice. */
uint64_t
below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

int64_t
range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)below(r, (uint64_t)(hi - lo + 1));
}

int
chance(struct rng *r, unsigned per_mille)
{
	return below(r, 1000) < per_mille;
}

void
uuid(struct rng *r, char out[37])
{
	uint64_t a = rnd(r), b = rnd(r);

	a = (a & ~UINT64_C(0xf000)) | UINT64_C(0x4000);
	b = (b & ~(UINT64_C(3) << 62)) | (UINT64_C(2) << 62);
	snprintf(out, 37, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04"
	    PRIx64 "-%012" PRIx64, a >> 32, (a >> 16) & 0xffff, a & 0xffff,
	    b >> 48, b & UINT64_C(0xffffffffffff));
}

int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

int
weekday(int64_t day)
{
	return (int)(((day + 3) % 7 + 7) % 7);	/* 1970-01-01: Thursday */
}

void
fmt_time(int64_t ns, int digits, char out[64])
{
	int64_t s = ns / NS_PER_S, frac = ns % NS_PER_S;
	int64_t days = s / S_PER_DAY, sec = s % S_PER_DAY;
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	if (digits == 9)
		snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%09" PRId64
		    "Z", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
		    (int)(sec % 60), frac);
	else if (digits == 6)
		snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64
		    "Z", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
		    (int)(sec % 60), frac / 1000);
	else
		snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		    (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

void
fmt_date(int64_t day, char out[16])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

void
gzip_member(struct sb *out, const char *p, size_t n)
{
	static const unsigned char hdr[10] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3
	};
	unsigned char buf[16384], tr[8];
	z_stream z;
	uLong crc = crc32(0L, Z_NULL, 0);
	int ret;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		die("deflateInit2");
	sb_add(out, hdr, sizeof(hdr));
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		ret = deflate(&z, Z_FINISH);
		if (ret == Z_STREAM_ERROR)
			die("deflate");
		sb_add(out, buf, sizeof(buf) - z.avail_out);
	} while (ret != Z_STREAM_END);
	deflateEnd(&z);
	crc = crc32(crc, (const unsigned char *)p, (uInt)n);
	tr[0] = (unsigned char)crc;
	tr[1] = (unsigned char)(crc >> 8);
	tr[2] = (unsigned char)(crc >> 16);
	tr[3] = (unsigned char)(crc >> 24);
	tr[4] = (unsigned char)n;
	tr[5] = (unsigned char)(n >> 8);
	tr[6] = (unsigned char)(n >> 16);
	tr[7] = (unsigned char)(n >> 24);
	sb_add(out, tr, sizeof(tr));
}

void
mkdirs(const char *path)
{
	char buf[4096];
	size_t i;

	if (strlen(path) >= sizeof(buf))
		die("path too long");
	strcpy(buf, path);
	for (i = 1; buf[i] != '\0'; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			die("cannot create a directory");
		buf[i] = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		die("cannot create a directory");
}

void
write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(p, 1, n, fp) != n || fclose(fp) != 0) {
		fprintf(stderr, "%s: %s: %s\n", gen_progname, path,
		    strerror(errno));
		exit(2);
	}
}
