/* test-keycount.c: the count of scoped keys and the byte search for the
 * keys of records left out unparsed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

static const struct sl_str names[] = {
	{ "\"logEntryId\"", 12 }, { "\"eventId\"", 9 },
};

static uint64_t h0;

static uint64_t
kh(const char *key)
{
	return sl_key_hash("foundry", 7, key, strlen(key));
}

/* The scan of rec: how many hashes, each checked against want (NULL
 * ended, in the order found). */
static int
scan(const char *rec, const char *const *want)
{
	uint64_t out[4];
	int n, i;

	n = sl_json_key_scan(rec, strlen(rec), names, 2, h0, out, 4);
	for (i = 0; i < n; i++) {
		CHECK(want[i] != NULL);
		if (want[i] == NULL)
			break;
		CHECK(out[i] == kh(want[i]));
	}
	if (n >= 0)
		CHECK(want[n] == NULL);
	return n;
}

static int
u64cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* How often h is in the sorted ref[0..n). */
static uint64_t
ref_count(const uint64_t *ref, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n, c = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ref[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + c < n && ref[lo + c] == h)
		c++;
	return c;
}

/*
 * Counts beyond the memory limit: runs in a file, against a sorted copy.
 * 30,000 hashes in adds of 1 to 700, at most 1,000 held: a common hash
 * 2,000 times (across pages and runs), the smallest and largest hashes,
 * many that differ in every byte; then the same with TMPDIR where no file
 * can be made (the hashes stay in memory).
 */
static void
spilled(void)
{
	enum { N = 30000 };
	uint64_t *w = malloc(N * sizeof(*w)), *ref = malloc(N * sizeof(*w));
	uint64_t x, probe[] = { 0, 1, UINT64_MAX, UINT64_MAX - 1, 42 };
	struct sl_keycount *kc;
	const char *tmp = getenv("TMPDIR");
	char *saved = tmp != NULL ? strdup(tmp) : NULL;
	size_t i, k, bad;
	int pass;

	for (i = 0; i < N; i++) {
		if (i % 15 == 0)
			w[i] = 42;
		else if (i % 1001 == 0)
			w[i] = i % 2 ? UINT64_MAX : 0;
		else {
			x = (uint64_t)(i * 7919 % 9000) + 0x9e3779b97f4a7c15u;
			x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
			w[i] = x ^ (x >> 27);
		}
	}
	memcpy(ref, w, N * sizeof(*w));
	qsort(ref, N, sizeof(*ref), u64cmp);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)
			setenv("TMPDIR", "/nonexistent/sessionlog-test", 1);
		kc = sl_keycount_new();
		sl_keycount_set_limit(kc, 1000);
		for (i = 0, k = 1; i < N; i += k, k = k * 7 % 701 + 1)
			sl_keycount_add(kc, w + i, i + k <= N ? k : N - i);
		if (pass == 0)
			CHECK(sl_keycount_runs(kc) > 10);
		else
			CHECK_INT(sl_keycount_runs(kc), 0);
		CHECK_INT(sl_keycount_get(kc, 42), ref_count(ref, N, 42));
		CHECK(sl_keycount_get(kc, 42) >= 2000);
		for (i = 0, bad = 0; i < N; i++)
			bad += sl_keycount_get(kc, w[i]) !=
			    ref_count(ref, N, w[i]);
		CHECK_INT(bad, 0);
		for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
			CHECK_INT(sl_keycount_get(kc, probe[i]),
			    ref_count(ref, N, probe[i]));
		for (i = 0, bad = 0; i < N; i += 97)
			bad += sl_keycount_get(kc, w[i] + 1) !=
			    ref_count(ref, N, w[i] + 1);
		CHECK_INT(bad, 0);
		/* Added after the counts were read: counted too. */
		sl_keycount_add(kc, probe, 1);
		CHECK_INT(sl_keycount_get(kc, 0), ref_count(ref, N, 0) + 1);
		CHECK(sl_keycount_complete(kc));
		sl_keycount_free(kc);
	}
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	free(w);
	free(ref);
}

/* The strings handed out, joined by '|'; stop at "stop". */
static char got[256];

static int
gather(void *arg, const char *v, size_t n)
{
	(void)arg;
	if (n == 4 && memcmp(v, "stop", 4) == 0)
		return 7;
	snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%.*s",
	    got[0] != '\0' ? "|" : "", (int)n, v);
	return 0;
}

static int
strs(const char *rec, int arrays)
{
	static const struct sl_str pats[] = { { "\"a\"", 3 }, { "\"b\"", 3 } };

	got[0] = '\0';
	return sl_json_member_strings(rec, strlen(rec), pats, 2, arrays,
	    gather, NULL);
}

/* Member strings, arrays; the user names of the shipped profiles. */
static void
members(void)
{
	struct sl_profileset *ps;
	struct sl_extract_opts xo = { 0 };
	struct sl_extractor *x;
	struct sl_str n[8];
	size_t nn = 0;
	char err[256];

	CHECK_INT(strs("{\"a\":[\"x\", null ,\"y\"],\"b\":\"z\"}", 1), 0);
	CHECK_MEM(got, strlen(got), "x|y|z");
	CHECK_INT(strs("{\"a\":[\"x\"],\"b\":\"z\"}", 0), -1);
	CHECK_INT(strs("{\"a\":[],\"c\":{\"b\" : \"\"}}", 1), 0);
	CHECK_MEM(got, strlen(got), "");
	CHECK_INT(strs("{\"a\":[1]}", 1), -1);
	CHECK_INT(strs("{\"a\":[\"x\",{\"b\":\"y\"}]}", 1), -1);
	CHECK_INT(strs("{\"a\":[\"x\"", 1), -1);
	CHECK_INT(strs("{\"a\":[\"x\" \"y\"]}", 1), -1);
	CHECK_INT(strs("{\"a\":[\"x\",\"stop\",\"y\"]}", 1), 7);
	CHECK_MEM(got, strlen(got), "x");
	/* A name as a value is no member; an escape, no byte search. */
	CHECK_INT(strs("{\"c\":\"a\",\"b\":\"z\"}", 1), 0);
	CHECK_MEM(got, strlen(got), "z");
	CHECK_INT(strs("{\"a\":\"x\\u0041\"}", 1), -1);

	ps = sl_profileset_load(SRCDIR "/profiles", err, sizeof(err));
	CHECK(ps != NULL);
	if (ps == NULL)
		return;
	/* audit.3: onBehalfOfUserIds[0] (twice), uid (twice), userName. */
	x = sl_extractor_new(sl_profileset_find(ps, "foundry-audit3"), &xo,
	    err, sizeof(err));
	CHECK(x != NULL);
	CHECK_INT(sl_extractor_user_names(x, n, 8, &nn), 1);
	CHECK_INT(nn, 3);
	if (nn == 3) {
		CHECK_MEM(n[0].p, n[0].n, "onBehalfOfUserIds");
		CHECK_MEM(n[1].p, n[1].n, "uid");
		CHECK_MEM(n[2].p, n[2].n, "userName");
	}
	/* Its key names take no index: as before. */
	{
		struct sl_str scope;

		CHECK_INT(sl_extractor_key_names(x, n, 8, &nn, &scope), 1);
		CHECK_INT(nn, 2);
	}
	sl_extractor_free(x);
	/* cloudtrail: after() of an ARN is no member's whole value. */
	x = sl_extractor_new(sl_profileset_find(ps, "cloudtrail"), &xo,
	    err, sizeof(err));
	CHECK(x != NULL);
	CHECK_INT(sl_extractor_user_names(x, n, 8, &nn), -1);
	sl_extractor_free(x);
	sl_profileset_free(ps);
}

int
main(void)
{
	static const char *none[] = { NULL };
	struct sl_keycount *kc;
	uint64_t v[3];

	h0 = sl_key_hash_scope("foundry", 7);
	/* The hash: the scope, a 0xff, the key; no two ways to split. */
	CHECK(kh("L-1") == sl_key_hash_more(h0, "L-1", 3));
	CHECK(sl_key_hash("ab", 2, "c", 1) != sl_key_hash("a", 1, "bc", 2));
	CHECK(sl_key_hash("", 0, "x", 1) != sl_key_hash("x", 1, "", 0));

	/* Each name, at any depth, with spaces around the colon. */
	{
		const char *w[] = { "L-1", "E-1", NULL };
		CHECK_INT(scan("{\"a\":1,\"logEntryId\":\"L-1\",\"eventId\":"
		    "\"E-1\"}", w), 2);
	}
	{
		const char *w[] = { "E-2", NULL };
		CHECK_INT(scan("{\"eventId\" :\t\"E-2\"}", w), 1);
		CHECK_INT(scan("{\"x\":{\"y\":[{\"eventId\":\"E-2\"}]}}", w), 1);
		/* The same value twice is counted once. */
		CHECK_INT(scan("{\"eventId\":\"E-2\",\"x\":{\"eventId\":"
		    "\"E-2\"}}", w), 1);
		/* A string that is a value, not a name, is no key. */
		CHECK_INT(scan("{\"k\":\"eventId\",\"j\":[\"eventId\"],"
		    "\"eventId\":\"E-2\"}", w), 1);
		/* Another name that ends or starts with it is not it. */
		CHECK_INT(scan("{\"xeventId\":\"E-9\",\"eventIdx\":\"E-8\","
		    "\"eventId\":\"E-2\"}", w), 1);
	}
	{
		const char *w[] = { "L-3", "E-3", NULL };
		/* Nested: every value is counted, the first name's first. */
		CHECK_INT(scan("{\"eventId\":\"E-3\",\"r\":{\"logEntryId\":"
		    "\"L-3\"}}", w), 2);
	}
	/* No key: null, an empty string, no name. */
	CHECK_INT(scan("{\"logEntryId\":null,\"eventId\":\"\"}", none), 0);
	CHECK_INT(scan("{\"uid\":\"u\"}", none), 0);
	CHECK_INT(scan("", none), 0);
	/* Not sure: parse the record. */
	CHECK_INT(scan("{\"eventId\":12}", none), -1);
	CHECK_INT(scan("{\"eventId\":\"E\",\"x\":{\"eventId\":{}}}", none), -1);
	CHECK_INT(scan("{\"eventId\":[\"E\"]}", none), -1);
	CHECK_INT(scan("{\"eventId\":\"E\\u0031\"}", none), -1);
	CHECK_INT(scan("{\"even\\u0074Id\":\"E-1\"}", none), -1);
	CHECK_INT(scan("{\"q\":\"a\\\\b\",\"eventId\":\"E\"}", none), -1);
	CHECK_INT(scan("{\"eventId\":\"E", none), -1);
	CHECK_INT(scan("{\"eventId\":", none), -1);
	CHECK_INT(scan("{\"eventId\": ", none), -1);
	/* More values than room. */
	CHECK_INT(scan("{\"eventId\":\"1\",\"a\":{\"eventId\":\"2\"},\"b\":"
	    "{\"eventId\":\"3\"},\"c\":{\"eventId\":\"4\"},\"d\":{"
	    "\"eventId\":\"5\"}}", none), -1);

	/* The count. */
	kc = sl_keycount_new();
	CHECK(kc != NULL);
	CHECK(sl_keycount_complete(kc));
	CHECK_INT(sl_keycount_get(kc, kh("a")), 0);
	v[0] = kh("a");
	v[1] = kh("b");
	v[2] = kh("a");
	sl_keycount_add(kc, v, 3);
	sl_keycount_add(kc, v + 1, 1);
	CHECK_INT(sl_keycount_get(kc, kh("a")), 2);
	CHECK_INT(sl_keycount_get(kc, kh("b")), 2);
	CHECK_INT(sl_keycount_get(kc, kh("c")), 0);
	/* Added after a look: sorted again. */
	sl_keycount_add(kc, v, 1);
	CHECK_INT(sl_keycount_get(kc, kh("a")), 3);
	CHECK(sl_keycount_complete(kc));
	sl_keycount_incomplete(kc);
	CHECK(!sl_keycount_complete(kc));
	sl_keycount_free(kc);
	sl_keycount_free(NULL);
	{
		/* Many, in several adds (the buffer grows). */
		uint64_t *w = malloc(10000 * sizeof(*w));
		size_t i;

		kc = sl_keycount_new();
		for (i = 0; i < 10000; i++)
			w[i] = i % 100;
		for (i = 0; i < 10000; i += 1000)
			sl_keycount_add(kc, w + i, 1000);
		CHECK_INT(sl_keycount_get(kc, 0), 100);
		CHECK_INT(sl_keycount_get(kc, 99), 100);
		CHECK_INT(sl_keycount_get(kc, 100), 0);
		free(w);
		sl_keycount_free(kc);
	}
	{
		/* Hashes that differ in every byte (the radix sort's
		 * passes), each 5 times, in an order of their own. */
		uint64_t *w = malloc(5000 * sizeof(*w)), x;
		size_t i, bad = 0;

		kc = sl_keycount_new();
		for (i = 0; i < 5000; i++) {
			x = (uint64_t)(i * 7919 % 1000) + 0x9e3779b97f4a7c15u;
			x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
			w[i] = x ^ (x >> 27);
		}
		sl_keycount_add(kc, w, 5000);
		for (i = 0; i < 5000; i++)
			bad += sl_keycount_get(kc, w[i]) != 5;
		CHECK_INT(bad, 0);
		CHECK_INT(sl_keycount_get(kc, w[0] + 1), 0);
		free(w);
		sl_keycount_free(kc);
	}
	spilled();
	members();
	return check_done("keycount");
}
