/*
 * gen-common.h: what the test data generators share: growing strings,
 * JSON string literals, seeded randomness, civil time and hand-made gzip
 * members.  Everything is a pure function of its input: no clock, locale,
 * TZ or floating point, so that the output is the same byte for byte on
 * every run with the same zlib.
 */
#ifndef GEN_COMMON_H
#define GEN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define NS_PER_S INT64_C(1000000000)
#define S_PER_DAY INT64_C(86400)

/* Set by main(): the name die() and write_file() put before messages. */
extern const char *gen_progname;

void die(const char *msg) __attribute__((noreturn));
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

struct sb {
	char *p;
	size_t n, cap;
};

void sb_add(struct sb *b, const void *p, size_t n);
void sb_puts(struct sb *b, const char *s);
void sb_printf(struct sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A JSON string literal of UTF-8 text. */
void sb_jstr(struct sb *b, const char *s);
void sb_reset(struct sb *b);

/* splitmix64. */
struct rng {
	uint64_t s;
};

uint64_t rnd(struct rng *r);
uint64_t below(struct rng *r, uint64_t n);	/* [0, n) */
int64_t range(struct rng *r, int64_t lo, int64_t hi);	/* [lo, hi] */
int chance(struct rng *r, unsigned per_mille);
void uuid(struct rng *r, char out[37]);		/* version 4 */

/* Proleptic Gregorian days since 1970-01-01, and back. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int *y, int *m, int *d);
int weekday(int64_t day);			/* 0 Monday */
/* ns since the epoch as UTC text: digits 9 (nanoseconds), 6
 * (microseconds, truncated, as sessionlog keeps them) or 0. */
void fmt_time(int64_t ns, int digits, char out[64]);
void fmt_date(int64_t day, char out[16]);

/* One gzip member around raw deflate: mtime 0, no name, XFL 0, OS 3. */
void gzip_member(struct sb *out, const char *p, size_t n);

void mkdirs(const char *path);
void write_file(const char *path, const void *p, size_t n);

#endif
