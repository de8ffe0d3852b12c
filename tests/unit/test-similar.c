/* test-similar.c: similar users on small indexes scored by hand; ties by
 * name; the document-frequency cap; empty indexes and users without
 * items; threads and postings against pairwise intersections; heavy users
 * against a pair sharing a few rare items. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

#define Q 1			/* the kinds of these tests */
#define R 2

static int
user(struct sl_sim *s, const char *name)
{
	return sl_sim_user(s, name, strlen(name));
}

static void
add(struct sl_sim *s, const char *name, int kind, const char *key)
{
	CHECK_INT(sl_sim_add(s, user(s, name), kind, key, strlen(key)), 0);
}

static struct sl_sim *
sim(int rank, size_t max_df, unsigned threads)
{
	struct sl_sim_opts o;

	sl_sim_opts_init(&o);
	o.rank = rank;
	o.max_df = max_df;
	o.threads = threads;
	return sl_sim_new(&o);
}

/* The pairs as "a-b score" lines, score with 4 decimals. */
static void
pairs_text(struct sl_sim *s, const struct sl_sim_pair *p, size_t n,
    char *out, size_t size)
{
	size_t i, k = 0;

	out[0] = '\0';
	for (i = 0; i < n && k < size; i++)
		k += (size_t)snprintf(out + k, size - k, "%s-%s %.4f\n",
		    sl_sim_user_name(s, p[i].a).p,
		    sl_sim_user_name(s, p[i].b).p, p[i].score);
}

static void
check_pairs(struct sl_sim *s, size_t max, const char *want)
{
	const struct sl_sim_pair *p;
	char got[2048];
	size_t n;

	CHECK_INT(sl_sim_pairs(s, max, &p, &n), 0);
	pairs_text(s, p, n, got, sizeof(got));
	CHECK_STR(got, want);
}

static void
check_similar(struct sl_sim *s, const char *name, size_t max,
    const char *want)
{
	const struct sl_sim_pair *p;
	char got[2048];
	size_t n;
	int u = sl_sim_find(s, name, strlen(name));

	CHECK(u >= 0);
	CHECK_INT(sl_sim_similar(s, (size_t)u, max, &p, &n), 0);
	pairs_text(s, p, n, got, sizeof(got));
	CHECK_STR(got, want);
}

static void
check_shared(struct sl_sim *s, const char *a, const char *b,
    const char *want)
{
	const struct sl_sim_item *it;
	char got[2048];
	size_t n, i, k = 0;

	CHECK_INT(sl_sim_shared(s, (size_t)sl_sim_find(s, a, strlen(a)),
	    (size_t)sl_sim_find(s, b, strlen(b)), SIZE_MAX, &it, &n), 0);
	got[0] = '\0';
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(got + k, sizeof(got) - k,
		    "%d:%.*s df %llu %.4f\n", it[i].kind, (int)it[i].key.n,
		    it[i].key.p, (unsigned long long)it[i].df, it[i].weight);
	CHECK_STR(got, want);
}

/*
 * A pair sharing a rare plate number ranks above the pairs sharing
 * "google": log(6/2) against log(6/4).  Users are added in reverse order:
 * ties go by name, not by order of adding.  Weighted: each user holds one
 * counted item, T = 2 + 4 = 6, the chance weight of a pair is
 * 1 * 1 * (2^2 log 3 + 4^2 log 1.5) / 6^2 = 0.3023: e-f 1.0986 - 0.3023,
 * the others 0.4055 - 0.3023.
 */
static struct sl_sim *
plates(int rank)
{
	struct sl_sim *s = sim(rank, 0, 1);

	add(s, "f", Q, "HH-4711");
	add(s, "e", Q, "HH-4711");
	add(s, "d", Q, "google");
	add(s, "c", Q, "google");
	add(s, "b", Q, "google");
	add(s, "a", Q, "google");
	return s;
}

static void
test_rare_first(void)
{
	struct sl_sim *s = plates(SL_SIM_WEIGHTED);

	CHECK_INT(sl_sim_max_df(s), 50);
	check_pairs(s, SIZE_MAX,
	    "e-f 0.7963\n"
	    "a-b 0.1032\na-c 0.1032\na-d 0.1032\n"
	    "b-c 0.1032\nb-d 0.1032\nc-d 0.1032\n");
	check_pairs(s, 2, "e-f 0.7963\na-b 0.1032\n");
	check_pairs(s, 0, "");
	check_similar(s, "e", 5, "e-f 0.7963\n");
	check_similar(s, "c", 2, "c-a 0.1032\nc-b 0.1032\n");
	check_shared(s, "e", "f", "1:HH-4711 df 2 1.0986\n");
	check_shared(s, "a", "e", "");
	/* Frozen now. */
	CHECK_INT(user(s, "g"), -EBUSY);
	CHECK_INT(sl_sim_add(s, 0, Q, "x", 1), -EBUSY);
	sl_sim_free(s);

	s = plates(SL_SIM_SUM);
	check_pairs(s, 2, "e-f 1.0986\na-b 0.4055\n");
	check_similar(s, "c", 2, "c-a 0.4055\nc-b 0.4055\n");
	sl_sim_free(s);

	/* Counted, every pair shares one item: by name only. */
	s = plates(SL_SIM_SHARED);
	check_pairs(s, SIZE_MAX,
	    "a-b 1.0000\na-c 1.0000\na-d 1.0000\n"
	    "b-c 1.0000\nb-d 1.0000\nc-d 1.0000\ne-f 1.0000\n");
	sl_sim_free(s);
}

/*
 * p and q hold the same four items, r and s six of the same y's, r two of
 * p's x's too.  df: x1 x2 3, x3 x4 y1-y6 2; N 4.
 *   shared:   r-s 6, p-q 4, p-r 2, q-r 2
 *   jaccard:  p-q 4/4, r-s 6/8, p-r q-r 2/10
 *   sum:      r-s 6 log 2 = 4.1589, p-q 2 log 4/3 + 2 log 2 = 1.9617,
 *             p-r q-r 2 log 4/3 = 0.5754
 *   weighted: |p| |q| 4, |r| 8, |s| 6, T = 22; the chance weight of a
 *             pair is |A| |B| (2 * 3^2 log 4/3 + 8 * 2^2 log 2) / 22^2
 *             = |A| |B| 0.056527: r-s 4.1589 - 48 * 0.056527 = 1.4456,
 *             p-q 1.9617 - 0.9044 = 1.0572, p-r q-r 0.5754 - 1.8089 < 0,
 *             not listed
 */
static struct sl_sim *
groups(int rank, size_t max_df)
{
	static const char *const ys[] = { "y1", "y2", "y3", "y4", "y5", "y6" };
	struct sl_sim *s = sim(rank, max_df, 2);
	size_t i;

	add(s, "p", R, "x1");
	add(s, "p", R, "x2");
	add(s, "q", R, "x4");	/* any order, repeats: one set */
	add(s, "q", R, "x3");
	add(s, "q", R, "x2");
	add(s, "q", R, "x1");
	add(s, "q", R, "x3");
	add(s, "p", R, "x3");
	add(s, "p", R, "x4");
	add(s, "p", R, "x1");
	add(s, "r", R, "x1");
	add(s, "r", R, "x2");
	for (i = 0; i < 6; i++) {
		add(s, "r", R, ys[i]);
		add(s, "s", R, ys[5 - i]);
	}
	return s;
}

static void
test_ranks(void)
{
	struct sl_sim *s;

	s = groups(SL_SIM_SHARED, 0);
	check_pairs(s, 10,
	    "r-s 6.0000\np-q 4.0000\np-r 2.0000\nq-r 2.0000\n");
	sl_sim_free(s);
	s = groups(SL_SIM_JACCARD, 0);
	check_pairs(s, 10,
	    "p-q 1.0000\nr-s 0.7500\np-r 0.2000\nq-r 0.2000\n");
	check_similar(s, "r", 10, "r-s 0.7500\nr-p 0.2000\nr-q 0.2000\n");
	sl_sim_free(s);
	s = groups(SL_SIM_SUM, 0);
	check_pairs(s, 10,
	    "r-s 4.1589\np-q 1.9617\np-r 0.5754\nq-r 0.5754\n");
	check_similar(s, "q", 10, "q-p 1.9617\nq-r 0.5754\n");
	sl_sim_free(s);
	s = groups(SL_SIM_WEIGHTED, 0);
	check_pairs(s, 10, "r-s 1.4456\np-q 1.0572\n");
	check_similar(s, "q", 10, "q-p 1.0572\n");
	check_similar(s, "r", 10, "r-s 1.4456\n");
	check_shared(s, "p", "q",
	    "2:x3 df 2 0.6931\n2:x4 df 2 0.6931\n"
	    "2:x1 df 3 0.2877\n2:x2 df 3 0.2877\n");
	check_shared(s, "p", "r", "2:x1 df 3 0.2877\n2:x2 df 3 0.2877\n");
	sl_sim_free(s);

	/* A cap of 2 skips x1 and x2: p-r share nothing counted, and
	 * |r| is 6, so r-s is as alike as p-q. */
	s = groups(SL_SIM_JACCARD, 2);
	CHECK_INT(sl_sim_max_df(s), 2);
	check_pairs(s, 10, "p-q 1.0000\nr-s 1.0000\n");
	check_shared(s, "p", "r", "");
	check_shared(s, "p", "q", "2:x3 df 2 0.6931\n2:x4 df 2 0.6931\n");
	sl_sim_free(s);
}

static void
test_empty(void)
{
	const struct sl_sim_pair *p;
	const struct sl_sim_item *it;
	struct sl_sim *s = sim(SL_SIM_WEIGHTED, 0, 4);
	size_t n = 7;

	CHECK_INT(sl_sim_user_count(s), 0);
	CHECK_INT(sl_sim_find(s, "a", 1), -ENOENT);
	CHECK_INT(sl_sim_pairs(s, 10, &p, &n), 0);
	CHECK_INT(n, 0);
	CHECK_INT(sl_sim_similar(s, 0, 10, &p, &n), -EINVAL);
	CHECK_INT(sl_sim_shared(s, 0, 0, 10, &it, &n), -EINVAL);
	sl_sim_free(s);
	sl_sim_free(NULL);

	/* Users, no items. */
	s = sim(SL_SIM_SHARED, 0, 2);
	CHECK_INT(user(s, "a"), 0);
	CHECK_INT(user(s, "b"), 1);
	CHECK_INT(user(s, "a"), 0);
	check_pairs(s, 10, "");
	check_similar(s, "a", 10, "");
	check_shared(s, "a", "b", "");
	sl_sim_free(s);
}

/*
 * c has no items but counts among the users: a-b share k, log(3/2).
 * Without c, k is held by everyone: weight 0, listed by shared only.
 * Weighted, a-b are not listed: |a| = |b| = 2, T = 4, the chance weight
 * 2 * 2 * (2^2 log 1.5 + 2 log 3) / 4^2 = 0.9548 is more than they share.
 */
static void
test_no_items(void)
{
	struct sl_sim *s = sim(SL_SIM_SUM, 0, 1);

	add(s, "a", Q, "k");
	add(s, "a", Q, "m");
	add(s, "a", Q, "k");
	add(s, "b", Q, "k");
	add(s, "b", R, "m");	/* another kind: another item */
	CHECK_INT(user(s, "c"), 2);
	check_pairs(s, 10, "a-b 0.4055\n");
	check_similar(s, "c", 10, "");
	check_similar(s, "b", 10, "b-a 0.4055\n");
	check_shared(s, "a", "b", "1:k df 2 0.4055\n");
	sl_sim_free(s);

	s = sim(SL_SIM_WEIGHTED, 0, 1);
	add(s, "a", Q, "k");
	add(s, "a", Q, "m");
	add(s, "b", Q, "k");
	add(s, "b", R, "m");
	CHECK_INT(user(s, "c"), 2);
	check_pairs(s, 10, "");
	check_similar(s, "a", 10, "");
	sl_sim_free(s);

	s = sim(SL_SIM_SUM, 0, 1);
	add(s, "a", Q, "k");
	add(s, "b", Q, "k");
	check_pairs(s, 10, "");
	check_shared(s, "a", "b", "1:k df 2 0.0000\n");
	sl_sim_free(s);
	s = sim(SL_SIM_SHARED, 0, 1);
	add(s, "a", Q, "k");
	add(s, "b", Q, "k");
	check_pairs(s, 10, "a-b 1.0000\n");
	sl_sim_free(s);
}

static void
test_args(void)
{
	struct sl_sim_opts o;
	struct sl_sim *s;

	CHECK_STR(sl_sim_rank_name(SL_SIM_JACCARD), "jaccard");
	CHECK(sl_sim_rank_name(SL_SIM__RANKS) == NULL);
	CHECK_INT(sl_sim_rank_parse("shared", 6), SL_SIM_SHARED);
	CHECK_INT(sl_sim_rank_parse("weighted", 8), SL_SIM_WEIGHTED);
	CHECK_INT(sl_sim_rank_parse("sum", 3), SL_SIM_SUM);
	CHECK_STR(sl_sim_rank_name(SL_SIM_SUM), "sum");
	CHECK_INT(sl_sim_rank_parse("share", 5), -EINVAL);
	sl_sim_opts_init(&o);
	o.rank = SL_SIM__RANKS;
	errno = 0;
	CHECK(sl_sim_new(&o) == NULL);
	CHECK_INT(errno, EINVAL);
	o.size = 0;
	CHECK(sl_sim_new(&o) == NULL);
	s = sl_sim_new(NULL);
	CHECK_INT(sl_sim_add(s, 0, Q, "k", 1), -EINVAL);
	CHECK_INT(user(s, ""), 0);	/* any name, the empty one too */
	CHECK_INT(sl_sim_user(s, "a\0b", 3), 1);
	CHECK_INT(sl_sim_find(s, "a\0b", 3), 1);
	CHECK_INT(sl_sim_find(s, "a", 1), -ENOENT);
	CHECK_INT(sl_sim_add(s, 0, -1, "k", 1), -EINVAL);
	CHECK_INT(sl_sim_add(s, 2, Q, "k", 1), -EINVAL);
	CHECK_INT(sl_sim_add(s, 0, Q, "", 0), 0);
	sl_sim_free(s);

	/* The default cap: 50 users, else 5 % of them. */
	s = sl_sim_new(NULL);
	for (size_t i = 0; i < 1999; i++) {
		char name[16];

		snprintf(name, sizeof(name), "u%zu", i);
		user(s, name);
	}
	CHECK_INT(sl_sim_max_df(s), 99);
	user(s, "u1999");
	CHECK_INT(sl_sim_max_df(s), 100);
	sl_sim_free(s);
}

/* Usage maps and hours as items (the sum: three users are too few for
 * anything to be more than chance). */
static void
test_usage(void)
{
	static const char *const who[] = { "a", "b", "c" };
	static const char *const query[] = { "Jan Nowak", "NOWAK jan",
		"weather" };
	struct sl_sim *s = sim(SL_SIM_SUM, 0, 1);
	struct sl_event ev;
	struct sl_step st;
	struct sl_usage *u;
	size_t i;

	for (i = 0; i < 3; i++) {
		memset(&ev, 0, sizeof(ev));
		memset(&st, 0, sizeof(st));
		/* Monday 2026-03-16 09:xx UTC. */
		ev.time = (sl_days_from_civil(2026, 3, 16) * 86400 + 9 * 3600 +
		    (int64_t)i * 60) * 1000000;
		ev.action = SL_ACT_SEARCH;
		ev.query.p = query[i];
		ev.query.n = strlen(query[i]);
		ev.src.p = "198.51.100.7";
		ev.src.n = i < 2 ? 12 : 0;
		st.ev = &ev;
		st.in_range = 1;
		st.session.p = "s";
		st.session.n = 1;
		u = sl_usage_new(NULL);
		CHECK_INT(sl_usage_add(u, &st), 1);
		CHECK_INT(sl_sim_add_usage(s, user(s, who[i]), u,
		    1u << SL_USAGE_QUERY | 1u << SL_USAGE_TERM |
		    1u << SL_USAGE_SRC | SL_SIM_HOURS), 0);
		sl_usage_free(u);
	}
	/* The two spellings are one pair of terms; the hour is everyone's. */
	check_pairs(s, 10, "a-b 1.2164\n");
	check_shared(s, "a", "b",
	    "2:198.51.100.7 df 2 0.4055\n6:jan df 2 0.4055\n"
	    "6:nowak df 2 0.4055\n7:Mon 09 df 3 0.0000\n");
	sl_sim_free(s);
}

/*
 * A larger index from a fixed generator: the pairs of the postings, on
 * one thread and on three, equal those of intersecting every pair's
 * item lists.  Weighted, the pairs listed are those whose shared weight
 * is more than |A| |B| C, |A| the items A shares with itself and C the
 * same for every pair.
 */
static void
test_all_pairs(int rank)
{
	const struct sl_sim_pair *p;
	const struct sl_sim_item *it;
	struct sl_sim *s1, *s3;
	struct sl_sim_pair *one;
	uint64_t x = 12345;
	size_t n1, n3, i, j, k, n, found, size[120];
	double w, c = 0;

	s1 = sim(rank, 12, 1);
	s3 = sim(rank, 12, 3);
	for (i = 0; i < 120; i++) {
		char name[16];

		snprintf(name, sizeof(name), "user%03zu", (i * 37) % 120);
		CHECK_INT(user(s1, name), (int)i);
		CHECK_INT(user(s3, name), (int)i);
	}
	for (i = 0; i < 2000; i++) {
		char key[16];
		int u, kind;

		x = x * 6364136223846793005u + 1442695040888963407u;
		u = (int)((x >> 33) % 120);
		kind = (int)((x >> 20) % 3);
		snprintf(key, sizeof(key), "k%llu",
		    (unsigned long long)((x >> 40) % 300));
		CHECK_INT(sl_sim_add(s1, u, kind, key, strlen(key)), 0);
		CHECK_INT(sl_sim_add(s3, u, kind, key, strlen(key)), 0);
	}
	CHECK_INT(sl_sim_pairs(s1, SIZE_MAX, &p, &n1), 0);
	one = malloc(n1 * sizeof(*one));
	memcpy(one, p, n1 * sizeof(*one));
	CHECK_INT(sl_sim_pairs(s3, SIZE_MAX, &p, &n3), 0);
	CHECK_INT(n3, n1);
	CHECK(n1 > 100);
	CHECK(n1 == n3 && memcmp(one, p, n1 * sizeof(*one)) == 0);
	for (i = 0; i < 120; i++) {
		CHECK_INT(sl_sim_shared(s1, i, i, SIZE_MAX, &it, &n), 0);
		size[i] = n;
	}
	if (rank == SL_SIM_WEIGHTED)
		c = one[0].expected / (double)(size[one[0].a] *
		    size[one[0].b]);
	found = 0;
	for (i = 0; i < 120; i++) {
		for (j = 0; j < 120; j++) {
			struct sl_str a = sl_sim_user_name(s1, i);
			struct sl_str b = sl_sim_user_name(s1, j);

			if (strcmp(a.p, b.p) >= 0)
				continue;
			CHECK_INT(sl_sim_shared(s1, i, j, SIZE_MAX, &it, &n),
			    0);
			for (k = 0, w = 0; k < n; k++)
				w += it[k].weight;
			if (w == 0)
				continue;
			if (rank == SL_SIM_WEIGHTED) {
				double e = (double)(size[i] * size[j]) * c;

				/* Too near to call in doubles. */
				if (fabs(w - e) < 1e-9)
					continue;
				if (w < e)
					w = 0;
			}
			for (k = 0; k < n1; k++)
				if (one[k].a == i && one[k].b == j)
					break;
			if (w == 0) {
				CHECK(k == n1);
				continue;
			}
			CHECK(k < n1);
			if (k == n1)
				continue;
			found++;
			CHECK_INT(one[k].shared, n);
			CHECK(fabs(one[k].weight - w) < 1e-6);
			if (rank == SL_SIM_WEIGHTED)
				CHECK(fabs(one[k].score - (w - (double)(
				    size[i] * size[j]) * c)) < 1e-6);
		}
	}
	CHECK_INT(found, n1);
	/* Best first, ties by name. */
	for (k = 1; k < n1; k++)
		CHECK(one[k - 1].score > one[k].score ||
		    (one[k - 1].score == one[k].score && strcmp(
		    sl_sim_user_name(s1, one[k - 1].a).p,
		    sl_sim_user_name(s1, one[k].a).p) <= 0));
	free(one);
	sl_sim_free(s1);
	sl_sim_free(s3);
}

/*
 * Heavy users against a pair sharing a few rare items.  200 users hold 8
 * items each of a pool of 200 (df about 10, weight about log 20 = 3);
 * ten heavy users hold 60 of the pool each, so that two of them share
 * about 18 items, a sum of about 50; the twins, two ordinary users, share
 * six plate numbers no one else holds, a sum of 6 log 105 = 27.9.  The
 * sum ranks heavy pairs first; weighted, heavy users share about what
 * users as heavy share by chance, and the twins are first.
 */
static struct sl_sim *
heavy(int rank)
{
	struct sl_sim *s = sim(rank, 0, 2);
	uint64_t x = 777;
	char name[16], key[16];
	int i, k, u, n;

	for (i = 0; i < 210; i++) {
		if (i < 10)
			snprintf(name, sizeof(name), "heavy%d", i);
		else if (i < 12)
			snprintf(name, sizeof(name), "twin%d", i - 10);
		else
			snprintf(name, sizeof(name), "user%03d", i);
		u = user(s, name);
		n = i < 10 ? 60 : 8;
		for (k = 0; k < n; k++) {
			x = x * 6364136223846793005u + 1442695040888963407u;
			snprintf(key, sizeof(key), "k%llu",
			    (unsigned long long)((x >> 33) % 200));
			CHECK_INT(sl_sim_add(s, u, Q, key, strlen(key)), 0);
		}
		if (i == 10 || i == 11)
			for (k = 0; k < 6; k++) {
				snprintf(key, sizeof(key), "HH-%d", 4711 + k);
				CHECK_INT(sl_sim_add(s, u, Q, key,
				    strlen(key)), 0);
			}
	}
	return s;
}

static void
test_heavy(void)
{
	const struct sl_sim_pair *p;
	struct sl_sim *s;
	size_t n, k;

	s = heavy(SL_SIM_SUM);
	CHECK_INT(sl_sim_pairs(s, SIZE_MAX, &p, &n), 0);
	CHECK(n > 45);
	for (k = 0; k < n; k++)
		if (strcmp(sl_sim_user_name(s, p[k].a).p, "twin0") == 0 &&
		    strcmp(sl_sim_user_name(s, p[k].b).p, "twin1") == 0)
			break;
	CHECK(k > 10 && k < n);
	CHECK(strncmp(sl_sim_user_name(s, p[0].a).p, "heavy", 5) == 0);
	sl_sim_free(s);

	s = heavy(SL_SIM_WEIGHTED);
	CHECK_INT(sl_sim_pairs(s, SIZE_MAX, &p, &n), 0);
	CHECK(n > 1);
	CHECK_STR(sl_sim_user_name(s, p[0].a).p, "twin0");
	CHECK_STR(sl_sim_user_name(s, p[0].b).p, "twin1");
	/* Every heavy pair below them. */
	for (k = 1; k < n; k++)
		CHECK(p[k].score < p[0].score);
	CHECK_INT(sl_sim_similar(s, (size_t)sl_sim_find(s, "heavy3", 6), 1,
	    &p, &n), 0);
	CHECK(n == 0 || p[0].score < 27.9 - 2.0);
	CHECK_INT(sl_sim_similar(s, (size_t)sl_sim_find(s, "twin1", 5), 1,
	    &p, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(sl_sim_user_name(s, p[0].b).p, "twin0");
	sl_sim_free(s);
}

int
main(void)
{
	test_rare_first();
	test_ranks();
	test_empty();
	test_no_items();
	test_args();
	test_usage();
	test_all_pairs(SL_SIM_SUM);
	test_all_pairs(SL_SIM_WEIGHTED);
	test_heavy();
	return check_done("similar");
}
