/* sim-bench.c: times the similar-users pairs (sl_sim) over a whole case. */

/*
 * What diff-users --pairs does, without the tool: every user's usage read
 * with the cursor (threads each with their own case handle), its
 * resources, whole queries, query terms, source addresses and hours of the
 * week put in one similarity index, then the most alike pairs.  Prints
 * the pairs (TSV: a b score shared weight expected jaccard, then the
 * pair's most distinctive shared items) on stdout and the time of each
 * phase on stderr.  With -t K, the case is gen-bench's with --twins K:
 * the users its generator numbered 2i and 2i + 1 (the number ends the
 * name) are one person's two accounts, and their ranks among the first
 * -R pairs are printed on stderr.  Only the public header: it is a
 * client of the library as the tools are.
 */

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sessionlog.h"

struct ctx {
	const char *casedir;
	struct sl_case *c;	/* the main thread's: user names */
	struct sl_sim *sim;
	pthread_mutex_t lock;
	size_t next, nusers;
	uint64_t events;
	int failed;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const unsigned kinds = 1u << SL_USAGE_RESOURCE |
    1u << SL_USAGE_QUERY | 1u << SL_USAGE_TERM | 1u << SL_USAGE_SRC |
    SL_SIM_HOURS;

static void *
worker(void *arg)
{
	struct ctx *x = arg;
	struct sl_case *c;
	struct sl_cursor *cur;
	struct sl_usage *u;
	struct sl_step st;
	struct sl_str name;
	uint64_t events = 0;
	char err[512];
	size_t i;
	int rc;

	if ((c = sl_case_open(x->casedir, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "sim-bench: %s\n", err);
		pthread_mutex_lock(&x->lock);
		x->failed = 1;
		pthread_mutex_unlock(&x->lock);
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&x->lock);
		i = x->next++;
		pthread_mutex_unlock(&x->lock);
		if (i >= x->nusers)
			break;
		name = sl_case_user(c, i);
		if ((u = sl_usage_new(NULL)) == NULL ||
		    (cur = sl_cursor_open(&c, 1, name.p, name.n, INT64_MIN,
		    INT64_MAX, SL_GAP_DEFAULT)) == NULL) {
			fprintf(stderr, "sim-bench: out of memory\n");
			exit(2);
		}
		while ((rc = sl_cursor_next(cur, &st)) > 0)
			if (sl_usage_add(u, &st) < 0) {
				rc = -ENOMEM;
				break;
			}
		events += sl_usage_figures(u)->events;
		pthread_mutex_lock(&x->lock);
		if (rc < 0) {
			fprintf(stderr, "sim-bench: %s: %s\n", name.p,
			    sl_cursor_error(cur));
			x->failed = 1;
		} else if (sl_sim_add_usage(x->sim, (int)i, u, kinds) < 0) {
			fprintf(stderr, "sim-bench: out of memory\n");
			exit(2);
		}
		pthread_mutex_unlock(&x->lock);
		sl_cursor_free(cur);
		sl_usage_free(u);
	}
	pthread_mutex_lock(&x->lock);
	x->events += events;
	pthread_mutex_unlock(&x->lock);
	sl_case_free(c);
	return NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: sim-bench [-j threads] [-n top] "
	    "[-r weighted|shared|jaccard|sum] [-m max-df] [-t twins] "
	    "[-R ranks] CASE\n");
	exit(2);
}

static unsigned long
number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || *s == '-')
		usage();
	return v;
}

/* gen-bench's number of the user named name: the digits ending it. */
static long
gen_number(const char *name)
{
	const char *e = name + strlen(name), *p = e;

	while (p > name && isdigit((unsigned char)p[-1]))
		p--;
	return p < e && e - p < 9 ? strtol(p, NULL, 10) : -1;
}

/* Where the twins rank among the pairs p[0 .. n), on stderr. */
static void
twin_ranks(struct sl_sim *s, const struct sl_sim_pair *p, size_t n,
    long twins, size_t max)
{
	long i, a, b, first = 0;
	size_t k;

	fprintf(stderr, "sim-bench: twins' ranks (%ld pairs):", twins);
	for (i = 0; i < twins; i++) {
		for (k = 0; k < n; k++) {
			a = gen_number(sl_sim_user_name(s, p[k].a).p);
			b = gen_number(sl_sim_user_name(s, p[k].b).p);
			if ((a == 2 * i && b == 2 * i + 1) ||
			    (b == 2 * i && a == 2 * i + 1))
				break;
		}
		if (k < n) {
			fprintf(stderr, " %zu", k + 1);
			first += k < (size_t)twins;
		} else
			fprintf(stderr, " >%zu", max);
	}
	fprintf(stderr, "; %ld of them in the first %ld\n", first, twins);
}

int
main(int argc, char **argv)
{
	struct sl_sim_opts so;
	const struct sl_sim_pair *p;
	const struct sl_sim_item *it;
	struct ctx x;
	pthread_t tid[64];
	unsigned nt = 2, i;
	size_t top = 20, ranks = 100000, n, k, m, j;
	long twins = 0;
	double t0, t1, t2;
	char err[512];
	int opt, rank = SL_SIM_WEIGHTED, rc;

	sl_sim_opts_init(&so);
	while ((opt = getopt(argc, argv, "j:m:n:r:R:t:")) != -1) {
		switch (opt) {
		case 'j':
			nt = (unsigned)number(optarg);
			if (nt < 1 || nt > 64)
				usage();
			break;
		case 'm':
			so.max_df = number(optarg);
			break;
		case 'n':
			top = number(optarg);
			break;
		case 'R':
			ranks = number(optarg);
			break;
		case 't':
			twins = (long)number(optarg);
			if (twins > 100000)
				usage();
			break;
		case 'r':
			if ((rank = sl_sim_rank_parse(optarg,
			    strlen(optarg))) < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	memset(&x, 0, sizeof(x));
	x.casedir = argv[optind];
	pthread_mutex_init(&x.lock, NULL);
	if ((x.c = sl_case_open(x.casedir, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "sim-bench: %s\n", err);
		return 2;
	}
	so.rank = rank;
	so.threads = nt;
	if ((x.sim = sl_sim_new(&so)) == NULL) {
		perror("sim-bench");
		return 2;
	}
	/* Users in the case's order: their indexes do not depend on which
	 * thread reads whom. */
	x.nusers = sl_case_user_count(x.c);
	for (k = 0; k < x.nusers; k++) {
		struct sl_str u = sl_case_user(x.c, k);

		if (sl_sim_user(x.sim, u.p, u.n) != (int)k) {
			fprintf(stderr, "sim-bench: cannot add users\n");
			return 2;
		}
	}
	t0 = now();
	for (i = 1; i < nt; i++)
		if (pthread_create(&tid[i], NULL, worker, &x) != 0) {
			fprintf(stderr, "sim-bench: cannot start a thread\n");
			return 2;
		}
	worker(&x);
	for (i = 1; i < nt; i++)
		pthread_join(tid[i], NULL);
	if (x.failed)
		return 2;
	t1 = now();
	if ((rc = sl_sim_pairs(x.sim, twins > 0 && ranks > top ? ranks : top,
	    &p, &n)) < 0) {
		fprintf(stderr, "sim-bench: %s\n", strerror(-rc));
		return 2;
	}
	t2 = now();
	if (twins > 0)
		twin_ranks(x.sim, p, n, twins, ranks > top ? ranks : top);
	printf("a\tb\tscore\tshared\tweight\texpected\tjaccard\titems\n");
	for (k = 0; k < n && k < top; k++) {
		printf("%s\t%s\t%.4f\t%llu\t%.4f\t%.4f\t%.4f\t",
		    sl_sim_user_name(x.sim, p[k].a).p,
		    sl_sim_user_name(x.sim, p[k].b).p, p[k].score,
		    (unsigned long long)p[k].shared, p[k].weight,
		    p[k].expected, p[k].jaccard);
		if (sl_sim_shared(x.sim, p[k].a, p[k].b, 3, &it, &m) < 0)
			m = 0;
		for (j = 0; j < m; j++)
			printf("%s%d:%.*s", j > 0 ? " " : "", it[j].kind,
			    (int)it[j].key.n, it[j].key.p);
		printf("\n");
	}
	fprintf(stderr, "sim-bench: %zu users, %llu events, max_df %zu, "
	    "%u threads: read %.2f s, pairs %.2f s\n", x.nusers,
	    (unsigned long long)x.events, sl_sim_max_df(x.sim), nt, t1 - t0,
	    t2 - t1);
	sl_sim_free(x.sim);
	sl_case_free(x.c);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 2;
	return n > 0 ? 0 : 1;
}
