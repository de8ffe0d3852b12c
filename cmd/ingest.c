/* ingest.c: read evidence into a case store of per-user timelines. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sessionlog.h"

#define MAX_JOBS 64
#define BATCH_BYTES (1u << 20)
#define QUEUE_BATCHES 8
#define REJECTS_SHOWN 5		/* reject messages printed per log */
#define REJECTS_SHOWN_ALL 50	/* and in all */

enum {
	OPT_PROFILE = CHAR_MAX + 1,
	OPT_MAP,
	OPT_TZ,
	OPT_MAX_RECORD,
	OPT_MEMORY,
	OPT_VERIFY,
	OPT_UPGRADE,
	OPT_LIST_PROFILES,
	OPT_YEAR,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "case", required_argument, NULL, 'C' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "max-record", required_argument, NULL, OPT_MAX_RECORD },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "upgrade", no_argument, NULL, OPT_UPGRADE },
	{ "list-profiles", no_argument, NULL, OPT_LIST_PROFILES },
	{ "year", required_argument, NULL, OPT_YEAR },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ingest [-q] [-C case] [-j jobs] [--profile name] "
	    "[--map field=path]...\n"
	    "              [--tz zone] [--year year] [--max-record size] "
	    "[--memory size]\n"
	    "              source...\n"
	    "       ingest --verify [-C case]\n"
	    "       ingest --upgrade [-C case]\n"
	    "       ingest --list-profiles\n");
}

/*
 * Items travel from the reading threads to the main thread in batches: a
 * byte buffer of records, each a header followed by its strings.
 */
struct qitem {
	int type;		/* enum sl_item_type */
	uint64_t line, offset;
	struct sl_log_stats st;
	struct sl_event ev;	/* EVENT; its strings follow, re-pointed by
				 * the reader of the batch */
	size_t len;		/* bytes of strings that follow */
};

struct batch {
	char *p;
	size_t n, cap;
	struct batch *next;
	int worker;		/* which worker filled it */
	int last;		/* the worker has finished */
};

struct worker {
	pthread_t thread;
	int id;
	struct job *job;
	struct sl_reader *reader;
	int failed;		/* -errno if the reader failed */
};

struct job {
	const char *const *sources;
	size_t nsources;
	struct sl_reader_opts ropts;
	int njobs;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch *head, *tail;
	struct batch *spare;	/* used batches, kept for their memory */
	int queued;
};

/* arg points to the case, opened after the readers (see main). */
static int
skip_known(void *arg, const char *sha256)
{
	struct sl_case *const *c = arg;

	return sl_case_has_sha256(*c, sha256);
}

/* A string in a batch is its length, then its bytes. */
static size_t
str_len(struct sl_str s)
{
	return sizeof(size_t) + s.n;
}

static void
put_str(char **w, struct sl_str s)
{
	memcpy(*w, &s.n, sizeof(size_t));
	*w += sizeof(size_t);
	if (s.n > 0)
		memcpy(*w, s.p, s.n);
	*w += s.n;
}

static struct sl_str
get_str(const char **r)
{
	struct sl_str s;

	memcpy(&s.n, *r, sizeof(size_t));
	*r += sizeof(size_t);
	s.p = *r;
	*r += s.n;
	return s;
}

#define EV_STRINGS(X, e)						\
	X((e)->user) X((e)->session) X((e)->resource) X((e)->query)	\
	X((e)->purpose) X((e)->src) X((e)->trace) X((e)->kind)		\
	X((e)->key) X((e)->scope) X((e)->profile) X((e)->origin)	\
	X((e)->raw)

static int
batch_reserve(struct batch *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->n + n <= b->cap)
		return 0;
	cap = b->cap ? b->cap : BATCH_BYTES;
	while (cap < b->n + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int
batch_item(struct batch *b, const struct sl_item *it)
{
	struct qitem q;
	struct sl_str name, profile, reason, raw, notes;
	size_t len = 0;
	char *w;

	memset(&q, 0, sizeof(q));
	q.type = it->type;
	q.line = it->line;
	q.offset = it->offset;
	if (it->stats != NULL)
		q.st = *it->stats;
	name.p = it->name != NULL ? it->name : "";
	name.n = strlen(name.p);
	profile.p = it->profile != NULL ? it->profile : "";
	profile.n = strlen(profile.p);
	reason.p = it->reason != NULL ? it->reason : "";
	reason.n = strlen(reason.p);
	raw = it->raw;
	/* The notes travel with their NUL, to be pointed at in place. */
	notes.p = it->stats != NULL && it->stats->notes != NULL ?
	    it->stats->notes : "";
	notes.n = strlen(notes.p) + 1;
	if (it->type == SL_ITEM_EVENT) {
		q.ev = *it->ev;
#define LEN(s) len += str_len(s);
		EV_STRINGS(LEN, it->ev)
#undef LEN
	} else {
		len = str_len(name) + str_len(profile) + str_len(reason) +
		    str_len(raw) + str_len(notes);
	}
	q.len = len;
	if (batch_reserve(b, sizeof(q) + len) < 0)
		return -ENOMEM;
	memcpy(b->p + b->n, &q, sizeof(q));
	w = b->p + b->n + sizeof(q);
	if (it->type == SL_ITEM_EVENT) {
#define PUT(s) put_str(&w, s);
		EV_STRINGS(PUT, it->ev)
#undef PUT
	} else {
		put_str(&w, name);
		put_str(&w, profile);
		put_str(&w, reason);
		put_str(&w, raw);
		put_str(&w, notes);
	}
	b->n = (size_t)(w - b->p);
	return 0;
}

static void
queue_push(struct job *job, struct batch *b)
{
	pthread_mutex_lock(&job->lock);
	while (job->queued >= QUEUE_BATCHES * job->njobs)
		pthread_cond_wait(&job->cond, &job->lock);
	if (job->tail != NULL)
		job->tail->next = b;
	else
		job->head = b;
	job->tail = b;
	job->queued++;
	pthread_cond_broadcast(&job->cond);
	pthread_mutex_unlock(&job->lock);
}

static struct batch *
queue_pop(struct job *job)
{
	struct batch *b;

	pthread_mutex_lock(&job->lock);
	while (job->head == NULL)
		pthread_cond_wait(&job->cond, &job->lock);
	b = job->head;
	job->head = b->next;
	if (job->head == NULL)
		job->tail = NULL;
	job->queued--;
	pthread_cond_broadcast(&job->cond);
	pthread_mutex_unlock(&job->lock);
	return b;
}

/* A batch to fill: a spare one if there is one, so that the big buffers are
 * not given back to the system and faulted in again for every megabyte. */
static struct batch *
batch_get(struct job *job)
{
	struct batch *b;

	pthread_mutex_lock(&job->lock);
	b = job->spare;
	if (b != NULL)
		job->spare = b->next;
	pthread_mutex_unlock(&job->lock);
	if (b == NULL)
		return calloc(1, sizeof(*b));
	b->next = NULL;
	b->n = 0;
	b->last = 0;
	return b;
}

static void
batch_put_back(struct job *job, struct batch *b)
{
	pthread_mutex_lock(&job->lock);
	b->next = job->spare;
	job->spare = b;
	pthread_mutex_unlock(&job->lock);
}

static void *
worker_main(void *arg)
{
	struct worker *wk = arg;
	struct sl_item it;
	struct batch *b;
	int rc;

	b = batch_get(wk->job);
	for (;;) {
		if (b == NULL) {
			wk->failed = -ENOMEM;
			break;
		}
		rc = sl_reader_next(wk->reader, &it);
		if (rc <= 0) {
			if (rc < 0)
				wk->failed = rc;
			break;
		}
		b->worker = wk->id;
		if (batch_item(b, &it) < 0) {
			wk->failed = -ENOMEM;
			break;
		}
		if (b->n >= BATCH_BYTES) {
			queue_push(wk->job, b);
			b = batch_get(wk->job);
		}
	}
	if (b == NULL)
		b = batch_get(wk->job);
	if (b == NULL)
		abort();	/* cannot even say that we are done */
	b->worker = wk->id;
	b->last = 1;
	queue_push(wk->job, b);
	return NULL;
}

/* What the main thread learns while it feeds the store. */
struct tally {
	uint64_t logs, sources, skipped, records, rejected, errors;
	uint64_t warnings;	/* malformed evidence read in full */
	uint64_t shown;		/* reject messages printed */
	struct reason {
		char *text;
		uint64_t count;
	} *reasons;
	size_t nreasons;
	int progress;
	time_t last_progress;
	uint64_t bytes;
};

/* Reject reasons grouped without their positions (the number after
 * "byte ") and quoted values; other numbers, such as field counts, are
 * what the reason says and stay. */
static void
count_reason(struct tally *t, const char *reason)
{
	char key[128];
	size_t i, j = 0;
	int quoted = 0, num = 0;

	for (i = 0; reason[i] != '\0' && j + 2 < sizeof(key); i++) {
		char c = reason[i];

		if (c == '"') {
			quoted = !quoted;
			if (!quoted)
				continue;
			key[j++] = '"', key[j++] = '.', key[j++] = '.';
			key[j++] = '.', key[j++] = '"';
			continue;
		}
		if (quoted)
			continue;
		if (c >= '0' && c <= '9' && (num || (j >= 5 &&
		    memcmp(key + j - 5, "byte ", 5) == 0))) {
			if (!num)
				key[j++] = 'N';
			num = 1;
			continue;
		}
		num = 0;
		key[j++] = c;
	}
	key[j] = '\0';
	for (i = 0; i < t->nreasons; i++)
		if (strcmp(t->reasons[i].text, key) == 0) {
			t->reasons[i].count++;
			return;
		}
	{
		struct reason *r = realloc(t->reasons,
		    (t->nreasons + 1) * sizeof(*r));

		if (r == NULL)
			return;
		t->reasons = r;
		r[t->nreasons].text = strdup(key);
		r[t->nreasons].count = 1;
		if (r[t->nreasons].text != NULL)
			t->nreasons++;
	}
}

static int
by_count(const void *a, const void *b)
{
	const struct reason *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->text, y->text);
}

static void
say_safe(const char *prefix, const char *name, const char *msg)
{
	fprintf(stderr, "%s: %s", cli_progname, prefix);
	cli_put_safe(stderr, name, strlen(name));
	fputs(": ", stderr);
	cli_put_safe(stderr, msg, strlen(msg));
	fputc('\n', stderr);
}

static void
progress(struct tally *t, int final)
{
	char a[32], b[32];
	time_t now;

	if (!t->progress)
		return;
	now = time(NULL);
	if (!final && now == t->last_progress)
		return;
	t->last_progress = now;
	fprintf(stderr, "\r%s: %s logs, %s records, %llu MB read%s",
	    cli_progname, cli_count(t->logs, a), cli_count(t->records, b),
	    (unsigned long long)(t->bytes >> 20), final ? "\033[K\r" : "");
	if (final)
		fputs("\033[K", stderr);
}

/* Per worker: which store log each of its logs became, and how many of its
 * rejects were shown. */
struct wlogs {
	int *ids;
	size_t n, cap;
	uint64_t shown;
};

static int
feed(struct sl_ingest *in, struct tally *t, struct wlogs *wl,
    const struct qitem *q, const char *s)
{
	struct sl_str name, profile, reason, raw, notes;
	struct sl_log_stats st;
	struct sl_item it;
	char nbuf[4096], pbuf[256], rbuf[1024];
	int id, rc;

	if (q->type == SL_ITEM_EVENT) {
		struct sl_event ev = q->ev;

#define GET(f) f = get_str(&s);
		EV_STRINGS(GET, &ev)
#undef GET
		t->records++;
		if (wl->n == 0)
			return -EINVAL;
		rc = sl_ingest_event(in, wl->ids[wl->n - 1], &ev);
		if (rc == 1) {
			/* Too large to store: kept as a reject. */
			t->rejected++;
			count_reason(t, sl_ingest_error(in));
		}
		return rc;
	}
	name = get_str(&s);
	profile = get_str(&s);
	reason = get_str(&s);
	raw = get_str(&s);
	notes = get_str(&s);
	st = q->st;
	st.notes = notes.p;
	snprintf(nbuf, sizeof(nbuf), "%.*s", (int)name.n, name.p);
	snprintf(pbuf, sizeof(pbuf), "%.*s", (int)profile.n, profile.p);
	snprintf(rbuf, sizeof(rbuf), "%.*s", (int)reason.n, reason.p);
	memset(&it, 0, sizeof(it));
	it.type = q->type;
	it.name = nbuf;
	it.profile = pbuf;
	it.reason = rbuf;
	it.line = q->line;
	it.offset = q->offset;
	it.raw = raw;
	it.stats = &st;
	switch (q->type) {
	case SL_ITEM_LOG_BEGIN:
		id = sl_ingest_log(in, nbuf, pbuf);
		if (id < 0)
			return id;
		if (wl->n == wl->cap) {
			size_t cap = wl->cap ? wl->cap * 2 : 64;
			int *p = realloc(wl->ids, cap * sizeof(*p));

			if (p == NULL)
				return -ENOMEM;
			wl->ids = p;
			wl->cap = cap;
		}
		wl->ids[wl->n++] = id;
		wl->shown = 0;
		t->logs++;
		return 0;
	case SL_ITEM_REJECT:
		t->records++;
		t->rejected++;
		count_reason(t, rbuf);
		/* A log no profile reads, or whose header gives no time,
		 * was reported once already, as an error; its records need
		 * no message each. */
		if (strcmp(rbuf, "no profile recognises this log") == 0 ||
		    strcmp(rbuf, "no column gives the time") == 0) {
			;
		} else if (t->shown >= REJECTS_SHOWN_ALL) {
			if (t->shown++ == REJECTS_SHOWN_ALL) {
				progress(t, 1);
				cli_warn("more rejects not shown (all are kept "
				    "in rejects.tsv.gz)");
			}
		} else if (wl->shown++ < REJECTS_SHOWN) {
			t->shown++;
			char where[64];

			snprintf(where, sizeof(where), ":%llu",
			    (unsigned long long)q->line);
			progress(t, 1);
			fprintf(stderr, "%s: ", cli_progname);
			cli_put_safe(stderr, nbuf, strlen(nbuf));
			fprintf(stderr, "%s: rejected: ", where);
			cli_put_safe(stderr, rbuf, strlen(rbuf));
			fputc('\n', stderr);
		} else if (wl->shown == REJECTS_SHOWN + 1) {
			progress(t, 1);
			say_safe("", nbuf, "more rejects not shown (all are "
			    "kept in rejects.tsv.gz)");
		}
		if (wl->n == 0)
			return -EINVAL;
		return sl_ingest_reject(in, wl->ids[wl->n - 1], &it);
	case SL_ITEM_LOG_END:
		t->bytes += q->st.bytes;
		if (q->st.is_source)
			t->sources++;
		if (q->st.container) {
			/* An archive: a manifest row of its own. */
			id = sl_ingest_log(in, nbuf, "");
			if (id < 0)
				return id;
			return sl_ingest_log_end(in, id, &st);
		}
		if (wl->n == 0)
			return -EINVAL;
		/* st, not q->st: its notes point into this batch, where
		 * they travelled; the reader's own text is gone by now. */
		rc = sl_ingest_log_end(in, wl->ids[wl->n - 1], &st);
		progress(t, 0);
		return rc;
	case SL_ITEM_SKIPPED:
		t->skipped++;
		progress(t, 1);
		fprintf(stderr, "%s: ", cli_progname);
		cli_put_safe(stderr, nbuf, strlen(nbuf));
		fprintf(stderr, ": already in the case (sha256 %.16s...), "
		    "skipped\n", q->st.sha256);
		return 0;
	case SL_ITEM_WARNING:
		t->warnings++;
		progress(t, 1);
		say_safe("warning: ", nbuf, rbuf);
		return 0;
	case SL_ITEM_ERROR:
		t->errors++;
		progress(t, 1);
		if (nbuf[0] != '\0')
			say_safe("", nbuf, rbuf);
		else
			cli_warn("%s", rbuf);
		return 0;
	}
	return 0;
}

static void
report(const char *dir, const struct tally *t,
    const struct sl_ingest_result *res, int committed,
    const struct sl_tz *tz)
{
	char a[32], b[32], c[32], d[32], e[32];
	char t1[SL_TIME_TZ_LEN], t2[SL_TIME_TZ_LEN];
	size_t i;

	fprintf(stderr, "%s: case %s\n", cli_progname, dir);
	fprintf(stderr, "  sources    %s read", cli_count(t->sources, a));
	if (t->skipped > 0)
		fprintf(stderr, ", %s already in the case",
		    cli_count(t->skipped, b));
	fprintf(stderr, "; %s logs\n", cli_count(t->logs, c));
	fprintf(stderr, "  records    %s read: %s accepted, %s duplicates, "
	    "%s rejected\n", cli_count(t->records, a),
	    cli_count(committed ? res->accepted : 0, b),
	    cli_count(committed ? res->duplicates : 0, c),
	    cli_count(t->rejected, d));
	if (committed && res->conflicts > 0)
		fprintf(stderr, "  conflicts  %s duplicates that differ from "
		    "their kept copy (see %s/conflicts.tsv.gz)\n",
		    cli_count(res->conflicts, a), dir);
	/* The five commonest, and records cut short however rare: they
	 * say that the evidence itself is incomplete. */
	for (i = 0; i < t->nreasons; i++)
		if (i < 5 || strncmp(t->reasons[i].text, "record cut short",
		    16) == 0)
			fprintf(stderr, "  %-10s %s %s\n", i == 0 ? "rejects" :
			    "", cli_count(t->reasons[i].count, e),
			    t->reasons[i].text);
	if (committed) {
		fprintf(stderr, "  users      %s with new events\n",
		    cli_count(res->users, a));
		if (res->first != INT64_MIN) {
			sl_time_format_tz(res->first, tz, t1, sizeof(t1));
			sl_time_format_tz(res->last, tz, t2, sizeof(t2));
			fprintf(stderr, "  span       %s .. %s\n", t1, t2);
		}
	} else {
		fprintf(stderr, "  nothing new: the case is unchanged\n");
	}
	if (t->errors > 0)
		fprintf(stderr, "  errors     %s (see above)\n",
		    cli_count(t->errors, a));
	if (t->warnings > 0)
		fprintf(stderr, "  warnings   %s (see above)\n",
		    cli_count(t->warnings, a));
}

static void
verify_report(void *arg, const char *file, const char *problem)
{
	(void)arg;
	cli_put_safe(stdout, file, strlen(file));
	fputs(": ", stdout);
	cli_put_safe(stdout, problem, strlen(problem));
	fputc('\n', stdout);
}

static int
verify(const char *dir)
{
	struct sl_case *c;
	char err[512];
	int n;

	c = sl_case_open(dir, 0, err, sizeof(err));
	if (c == NULL)
		cli_die("%s", err);
	n = sl_case_verify(c, verify_report, NULL);
	if (n < 0)
		cli_die("cannot verify \"%s\": %s", dir, sl_case_error(c));
	sl_case_audit(c, "ingest", 1, (char *[]){ "--verify" });
	sl_case_free(c);
	cli_close_stdout();
	if (n > 0) {
		cli_warn("case \"%s\": %d problem%s found", dir, n,
		    n == 1 ? "" : "s");
		return 1;
	}
	fprintf(stderr, "%s: case \"%s\" verified: every file matches\n",
	    cli_progname, dir);
	return 0;
}

/* Bring a case of an earlier format up to this version's. */
static int
upgrade(const char *dir)
{
	struct sl_case *c;
	char err[512];
	int from, rc;

	c = sl_case_open(dir, SL_CASE_WRITE, err, sizeof(err));
	if (c == NULL)
		cli_die("%s", err);
	from = sl_case_version(c);
	rc = sl_case_upgrade(c);
	if (rc < 0)
		cli_die("cannot upgrade \"%s\": %s", dir, sl_case_error(c));
	sl_case_audit(c, "ingest", 1, (char *[]){ "--upgrade" });
	sl_case_free(c);
	if (rc == 0)
		fprintf(stderr, "%s: case \"%s\" is already of format %d: "
		    "nothing to do\n", cli_progname, dir, from);
	else
		fprintf(stderr, "%s: case \"%s\" upgraded from format %d "
		    "to %d\n", cli_progname, dir, from, from + 1);
	return 0;
}

static void
list_profiles(const struct sl_profileset *ps)
{
	size_t i, n = sl_profileset_count(ps);

	for (i = 0; i < n; i++)
		printf("%-16s %s\n", sl_profileset_name(ps, i),
		    sl_profileset_description(ps, i));
	cli_close_stdout();
}

int
main(int argc, char **argv)
{
	struct sl_ingest_opts iopts;
	struct sl_ingest_result res;
	struct worker workers[MAX_JOBS];
	struct wlogs wlogs[MAX_JOBS];
	struct tally t;
	struct job job;
	struct sl_profileset *ps;
	struct sl_ingest *in;
	struct sl_case *c = NULL;
	struct sl_tz *tz = NULL;
	const char **maps = NULL;
	const char *casedir = NULL;
	char err[512];
	size_t nmaps = 0;
	int ch, i, quiet = 0, do_verify = 0, do_list = 0, running;
	int do_upgrade = 0;
	int njobs = 0, status = 0, rc = 0, failed = 0;

	cli_progname = "ingest";
	memset(&job, 0, sizeof(job));
	sl_reader_opts_init(&job.ropts);
	sl_ingest_opts_init(&iopts);
	while ((ch = getopt_long(argc, argv, "C:j:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			casedir = optarg;
			break;
		case 'j':
			njobs = (int)cli_number("-j", optarg, 1, MAX_JOBS);
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_PROFILE:
			job.ropts.profile = optarg;
			break;
		case OPT_MAP:
			maps = realloc(maps, (nmaps + 1) * sizeof(*maps));
			if (maps == NULL)
				cli_die("%s", strerror(ENOMEM));
			maps[nmaps++] = optarg;
			break;
		case OPT_TZ:
			job.ropts.tz = optarg;
			iopts.tz = optarg;
			break;
		case OPT_YEAR:
			job.ropts.year = cli_year(optarg);
			break;
		case OPT_MAX_RECORD:
			job.ropts.max_record = cli_size("--max-record", optarg,
			    64, SL_MAX_RECORD_LIMIT);
			break;
		case OPT_MEMORY:
			iopts.mem_limit = cli_size("--memory", optarg,
			    (size_t)1 << 20, SIZE_MAX);
			break;
		case OPT_VERIFY:
			do_verify = 1;
			break;
		case OPT_UPGRADE:
			do_upgrade = 1;
			break;
		case OPT_LIST_PROFILES:
			do_list = 1;
			break;
		case OPT_HELP:
			usage(stdout);
			cli_close_stdout();
			return 0;
		case OPT_VERSION:
			cli_version();
		default:
			usage(stderr);
			free(maps);
			return EXIT_TROUBLE;
		}
	}
	argc -= optind;
	argv += optind;
	casedir = cli_case_dir(casedir);

	if (do_verify || do_upgrade) {
		free(maps);
		if (argc > 0 || (do_verify && do_upgrade)) {
			usage(stderr);
			return EXIT_TROUBLE;
		}
		return do_verify ? verify(casedir) : upgrade(casedir);
	}
	ps = cli_profiles();
	if (do_list) {
		list_profiles(ps);
		sl_profileset_free(ps);
		return 0;
	}
	if (argc == 0) {
		usage(stderr);
		sl_profileset_free(ps);
		free(maps);
		return EXIT_TROUBLE;
	}
	job.ropts.maps = maps;
	job.ropts.nmaps = nmaps;
	/* The zone is the run's: times without one in the sources, and the
	 * times printed. */
	if (iopts.tz != NULL && (tz = sl_tz_load(iopts.tz, err,
	    sizeof(err))) == NULL)
		cli_die("--tz: %s", err);

	if (njobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		njobs = n < 1 ? 1 : n > 8 ? 8 : (int)n;
	}
	job.sources = (const char *const *)argv;
	job.nsources = (size_t)argc;
	job.njobs = njobs;
	job.ropts.skip = skip_known;
	job.ropts.skip_arg = &c;
	pthread_mutex_init(&job.lock, NULL);
	pthread_cond_init(&job.cond, NULL);

	memset(&t, 0, sizeof(t));
	t.progress = !quiet && isatty(STDERR_FILENO);
	memset(wlogs, 0, sizeof(wlogs));
	/* A reader checks --profile, --map and --tz; only when they are
	 * good is the case created or touched. */
	workers[0].reader = sl_reader_new(job.sources, job.nsources, ps,
	    &job.ropts, err, sizeof(err));
	if (workers[0].reader == NULL)
		cli_die("%s", err);
	sl_reader_free(workers[0].reader);
	c = sl_case_open(casedir, SL_CASE_CREATE | SL_CASE_WRITE, err,
	    sizeof(err));
	if (c == NULL)
		cli_die("%s", err);
	if (sl_case_version(c) < 2)
		cli_die("case \"%s\" was written by an earlier version "
		    "(format %d): run 'ingest --upgrade -C %s' first", casedir,
		    sl_case_version(c), casedir);
	/* Times without a year, in logs without a file time (stdin), are
	 * dated by the case's other evidence as it stood before this run:
	 * the logs of this run are read in parallel, in no fixed order. */
	job.ropts.evidence_time = sl_case_dated_last(c);
	for (i = 0; i < njobs; i++) {
		struct sl_reader_opts ro = job.ropts;

		ro.part = (unsigned)i;
		ro.nparts = (unsigned)njobs;
		workers[i].id = i;
		workers[i].job = &job;
		workers[i].failed = 0;
		workers[i].reader = sl_reader_new(job.sources, job.nsources,
		    ps, &ro, err, sizeof(err));
		if (workers[i].reader == NULL)
			cli_die("%s", err);
	}
	sl_case_audit(c, "ingest", argc, argv);
	in = sl_ingest_new(c, &iopts);
	if (in == NULL)
		cli_die("cannot start ingesting into \"%s\": %s", casedir,
		    sl_case_error(c));
	for (i = 0; i < njobs; i++)
		if (pthread_create(&workers[i].thread, NULL, worker_main,
		    &workers[i]) != 0)
			cli_die("cannot start a thread: %s", strerror(errno));

	running = njobs;
	while (running > 0) {
		struct batch *b = queue_pop(&job);
		const char *p = b->p, *end = b->p + b->n;

		while (p < end && rc >= 0) {
			struct qitem q;

			memcpy(&q, p, sizeof(q));
			p += sizeof(q);
			rc = feed(in, &t, &wlogs[b->worker], &q, p);
			p += q.len;
		}
		if (b->last)
			running--;
		batch_put_back(&job, b);
		if (rc < 0 && !failed) {
			failed = 1;
			cli_warn("cannot ingest: %s", sl_ingest_error(in));
		}
	}
	for (i = 0; i < njobs; i++) {
		pthread_join(workers[i].thread, NULL);
		if (workers[i].failed < 0 && !failed) {
			failed = 1;
			cli_warn("reading failed: %s",
			    strerror(-workers[i].failed));
		}
		sl_reader_free(workers[i].reader);
	}
	while (job.spare != NULL) {
		struct batch *b = job.spare;

		job.spare = b->next;
		free(b->p);
		free(b);
	}
	progress(&t, 1);

	memset(&res, 0, sizeof(res));
	res.first = res.last = INT64_MIN;
	if (!failed) {
		if (t.progress)
			fprintf(stderr, "%s: sorting and writing the case...",
			    cli_progname);
		rc = sl_ingest_commit(in, &res);
		if (t.progress)
			fputs("\r\033[K", stderr);
		if (rc < 0) {
			failed = 1;
			cli_warn("cannot update the case \"%s\": %s", casedir,
			    sl_ingest_error(in));
		}
	}
	/* qsort's array must not be NULL, even for no elements. */
	if (t.nreasons > 0)
		qsort(t.reasons, t.nreasons, sizeof(*t.reasons), by_count);
	/* The same record saying two things: a damaged or altered export. */
	if (!failed && res.conflicts > 0)
		cli_warn("%" PRIu64 " duplicate%s differ%s from the copy "
		    "kept: the evidence may be damaged or tampered with",
		    res.conflicts, res.conflicts == 1 ? "" : "s",
		    res.conflicts == 1 ? "s" : "");
	if (!quiet || t.errors > 0 || t.warnings > 0 || t.rejected > 0 ||
	    failed || res.conflicts > 0)
		report(casedir, &t, &res, !failed && t.logs > 0, tz);
	sl_ingest_free(in);
	sl_case_free(c);
	sl_profileset_free(ps);
	sl_tz_free(tz);
	for (i = 0; (size_t)i < t.nreasons; i++)
		free(t.reasons[i].text);
	free(t.reasons);
	for (i = 0; i < njobs; i++)
		free(wlogs[i].ids);
	free(maps);
	if (failed || t.errors > 0 || t.rejected > 0 || res.conflicts > 0)
		status = EXIT_TROUBLE;
	return status;
}
