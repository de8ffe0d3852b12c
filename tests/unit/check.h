/* check.h: the smallest test harness that can fail loudly. */
#ifndef SL_CHECK_H
#define SL_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed;
static int check_run;

#define CHECK(cond)							\
	do {								\
		check_run++;						\
		if (!(cond)) {						\
			check_failed++;					\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
			    __FILE__, __LINE__, #cond);			\
		}							\
	} while (0)

#define CHECK_INT(got, want)						\
	do {								\
		long long g_ = (long long)(got), w_ = (long long)(want); \
		check_run++;						\
		if (g_ != w_) {						\
			check_failed++;					\
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", \
			    __FILE__, __LINE__, #got, g_, w_);		\
		}							\
	} while (0)

/* Compare a (pointer, length) pair or NUL-terminated string with want. */
#define CHECK_MEM(p, n, want)						\
	do {								\
		const char *p_ = (const char *)(p);			\
		size_t n_ = (n), wn_ = strlen(want);			\
		check_run++;						\
		if (n_ != wn_ || (n_ > 0 && memcmp(p_, want, n_) != 0)) { \
			check_failed++;					\
			fprintf(stderr, "%s:%d: %s is \"%.*s\", want \"%s\"\n", \
			    __FILE__, __LINE__, #p, (int)n_, p_ ? p_ : "", want); \
		}							\
	} while (0)

static inline size_t
check_strlen(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

#define CHECK_STR(s, want) CHECK_MEM((s), check_strlen(s), (want))
#define CHECK_SLSTR(str, want) CHECK_MEM((str).p, (str).n, (want))

static inline int
check_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_run, check_failed);
	return check_failed > 0;
}

#endif
