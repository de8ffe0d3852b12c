/* test-hll.c: HyperLogLog sketches: estimates of known cardinalities
 * within the documented error, the sketch of a union is the merge of the
 * sketches, and a sketch depends on the set of keys alone; a usage's map
 * past max_keys becomes one. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

/* The documented standard error, 1.04 / sqrt(m). */
#define SE (1.04 / sqrt((double)SL_HLL_M))

static void
add_key(struct sl_hll *h, const char *set, unsigned long i)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%s-%lu", set, i);

	sl_hll_add(h, buf, (size_t)n);
}

/* The sketch of keys set-from .. set-(to - 1). */
static struct sl_hll *
sketch(const char *set, unsigned long from, unsigned long to)
{
	struct sl_hll *h = sl_hll_new();
	unsigned long i;

	if (h == NULL) {
		perror("sl_hll_new");
		exit(1);
	}
	for (i = from; i < to; i++)
		add_key(h, set, i);
	return h;
}

/* XXH64, seed 0: the values of xxhsum -H1 (xxHash 0.8.1), which every
 * length path (under 4, 4-7, 8-31, 32 and more bytes) must give. */
static void
test_hash(void)
{
	static const struct {
		const char *key;
		uint64_t h;
	} v[] = {
		{ "", UINT64_C(0xef46db3751d8e999) },
		{ "a", UINT64_C(0xd24ec4f1a98c6e5b) },
		{ "abc", UINT64_C(0x44bc2cf5ad770999) },
		{ "Nobody inspects the spammish repetition",
		    UINT64_C(0xfbcea83c8a378bf1) },
		{ "0123456789abcdef0123456789abcdef0123456789",
		    UINT64_C(0xa76190c3acf08a1c) },
		{ "ri.foundry.main.dataset.0301d019-3b95-484a-bdfc-"
		    "afeb5fc1f384x", UINT64_C(0x93c728c8b404d212) },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK(sl_hll_hash(v[i].key, strlen(v[i].key)) == v[i].h);
}

static void
test_small(void)
{
	struct sl_hll *h = sl_hll_new();
	struct sl_hll *g;

	CHECK(h != NULL);
	CHECK(sl_hll_estimate(h) == 0);
	sl_hll_add(h, "a", 1);
	CHECK(llround(sl_hll_estimate(h)) == 1);
	/* The same key again changes nothing. */
	g = sketch("x", 0, 0);
	memcpy(g, h, sizeof(*g));
	sl_hll_add(h, "a", 1);
	CHECK(memcmp(g, h, sizeof(*g)) == 0);
	sl_hll_add(h, "b", 1);
	CHECK(llround(sl_hll_estimate(h)) == 2);
	sl_hll_free(g);
	sl_hll_free(h);
	sl_hll_free(NULL);
}

/* Known cardinalities, each within three standard errors. */
static void
test_known(void)
{
	static const unsigned long n[] = {
		10, 100, 1000, 5000, 20000, 50000, 100000, 300000, 1000000,
	};
	size_t i;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		struct sl_hll *h = sketch("known", 0, n[i]);
		double e = sl_hll_estimate(h);
		double err = fabs(e - (double)n[i]) / (double)n[i];

		if (err > 3 * SE)
			fprintf(stderr, "%lu keys: estimate %.1f\n", n[i], e);
		CHECK(err <= 3 * SE);
		sl_hll_free(h);
	}
}

/* Over many sets, the root mean square of the relative error is the
 * documented standard error (within a fifth: 60 sets estimate it to
 * about 10%). */
static void
test_standard_error(void)
{
	double sum = 0, rms;
	char set[32];
	int s;

	for (s = 0; s < 60; s++) {
		struct sl_hll *h;
		double e;

		snprintf(set, sizeof(set), "se%d", s);
		h = sketch(set, 0, 30000);
		e = (sl_hll_estimate(h) - 30000) / 30000;
		sum += e * e;
		sl_hll_free(h);
	}
	rms = sqrt(sum / 60);
	if (rms > 1.2 * SE)
		fprintf(stderr, "relative error %.5f, documented %.5f\n", rms,
		    SE);
	CHECK(rms <= 1.2 * SE);
	CHECK(rms > 0.3 * SE);
}

/* Merging the sketches of two overlapping sets is the sketch of their
 * union, in either order; the order keys come in does not matter. */
static void
test_merge(void)
{
	struct sl_hll *a = sketch("m", 0, 60000);
	struct sl_hll *b = sketch("m", 40000, 100000);
	struct sl_hll *u = sketch("m", 0, 100000);
	struct sl_hll *ab = sl_hll_new(), *ba = sl_hll_new(), *r;
	unsigned long i;

	sl_hll_merge(ab, a);
	sl_hll_merge(ab, b);
	CHECK(memcmp(ab, u, sizeof(*u)) == 0);
	sl_hll_merge(ba, b);
	sl_hll_merge(ba, a);
	CHECK(memcmp(ba, u, sizeof(*u)) == 0);
	/* Merging a sketch into itself, or again, changes nothing. */
	sl_hll_merge(ab, a);
	sl_hll_merge(ab, ab);
	CHECK(memcmp(ab, u, sizeof(*u)) == 0);
	CHECK(fabs(sl_hll_estimate(u) - 100000) <= 3 * SE * 100000);
	r = sl_hll_new();
	for (i = 100000; i-- > 0;)
		add_key(r, "m", i);
	CHECK(memcmp(r, u, sizeof(*u)) == 0);
	sl_hll_free(a);
	sl_hll_free(b);
	sl_hll_free(u);
	sl_hll_free(ab);
	sl_hll_free(ba);
	sl_hll_free(r);
}

/* Put keys set-from .. set-(to - 1) into a usage's map. */
static void
put_keys(struct sl_usage *u, int map, const char *set, unsigned long from,
    unsigned long to)
{
	struct sl_usage_item it = { { NULL, 0 }, 0, 0, 0, { NULL, 0 } };
	char buf[64];
	unsigned long i;

	for (i = from; i < to; i++) {
		it.key.p = buf;
		it.key.n = (size_t)snprintf(buf, sizeof(buf), "%s-%lu", set,
		    i);
		it.count = 1;
		it.first = it.last = (int64_t)i;
		CHECK_INT(sl_usage_put_item(u, map, &it, 0x1000001), 0);
	}
}

static struct sl_usage *
usage(size_t max_keys)
{
	struct sl_usage_opts o;

	sl_usage_opts_init(&o);
	o.max_keys = max_keys;
	return sl_usage_new(&o);
}

static void
test_usage(void)
{
	struct sl_usage *a = usage(10), *b = usage(0), *m = usage(10);
	struct sl_usage *c = usage(10), *x = usage(0);
	const struct sl_usage_item *it;
	size_t n;

	/* Exact up to max_keys, a sketch past it. */
	put_keys(a, SL_USAGE_RESOURCE, "r", 0, 10);
	CHECK_INT(sl_usage_sketched(a, SL_USAGE_RESOURCE), 0);
	CHECK_INT(sl_usage_count(a, SL_USAGE_RESOURCE), 10);
	put_keys(a, SL_USAGE_RESOURCE, "r", 10, 11);
	CHECK_INT(sl_usage_sketched(a, SL_USAGE_RESOURCE), 1);
	CHECK_INT(sl_usage_count(a, SL_USAGE_RESOURCE), 11);
	CHECK_INT(sl_usage_list(a, SL_USAGE_RESOURCE, SL_USAGE_BY_KEY,
	    SIZE_MAX, &it, &n), 0);
	CHECK_INT(n, 0);
	put_keys(a, SL_USAGE_RESOURCE, "r", 0, 600);
	CHECK(fabs((double)sl_usage_count(a, SL_USAGE_RESOURCE) - 600) <=
	    3 * SE * 600);
	/* The other maps are on their own; DAY never becomes a sketch. */
	CHECK_INT(sl_usage_sketched(a, SL_USAGE_QUERY), 0);
	put_keys(a, SL_USAGE_DAY, "d", 0, 40);
	CHECK_INT(sl_usage_sketched(a, SL_USAGE_DAY), 0);
	CHECK_INT(sl_usage_figures(a)->days, 40);
	/* Sessions: the figure is the estimate. */
	put_keys(a, SL_USAGE_SESSION, "s", 0, 300);
	CHECK_INT(sl_usage_sketched(a, SL_USAGE_SESSION), 1);
	CHECK_INT(sl_usage_figures(a)->sessions,
	    sl_usage_count(a, SL_USAGE_SESSION));
	CHECK(fabs((double)sl_usage_figures(a)->sessions - 300) <=
	    3 * SE * 300);

	/* A sketch merged with an exact map is the sketch of the union. */
	put_keys(b, SL_USAGE_RESOURCE, "r", 400, 1000);
	CHECK_INT(sl_usage_merge(m, a), 0);
	CHECK_INT(sl_usage_merge(m, b), 0);
	put_keys(c, SL_USAGE_RESOURCE, "r", 0, 1000);
	CHECK_INT(sl_usage_count(m, SL_USAGE_RESOURCE),
	    sl_usage_count(c, SL_USAGE_RESOURCE));
	CHECK(fabs((double)sl_usage_count(m, SL_USAGE_RESOURCE) - 1000) <=
	    3 * SE * 1000);
	/* A usage without a limit that merges a sketch holds one. */
	CHECK_INT(sl_usage_merge(x, a), 0);
	CHECK_INT(sl_usage_sketched(x, SL_USAGE_RESOURCE), 1);
	CHECK_INT(sl_usage_count(x, SL_USAGE_RESOURCE),
	    sl_usage_count(a, SL_USAGE_RESOURCE));
	CHECK_INT(sl_usage_sketched(x, SL_USAGE_QUERY), 0);
	CHECK_INT(sl_usage_sketched(x, 99), 0);
	sl_usage_free(a);
	sl_usage_free(b);
	sl_usage_free(m);
	sl_usage_free(c);
	sl_usage_free(x);
}

int
main(void)
{
	test_hash();
	test_small();
	test_known();
	test_standard_error();
	test_merge();
	test_usage();
	return check_done("hll");
}
