/* ingest.c: read evidence into a case store of per-user timelines. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"
#include "sessionlog.h"

#define MAX_JOBS 64
#define MAX_WAIT (366L * 24 * 3600)	/* --wait: a year */
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
	OPT_REREAD,
	OPT_FOLLOW,
	OPT_MAX_EXPAND,
	OPT_MAX_EXPAND_BYTES,
	OPT_WAIT,
	OPT_SHARD,
	OPT_MERGE,
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
	{ "reread", no_argument, NULL, OPT_REREAD },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "max-expand", required_argument, NULL, OPT_MAX_EXPAND },
	{ "max-expand-bytes", required_argument, NULL, OPT_MAX_EXPAND_BYTES },
	{ "wait", optional_argument, NULL, OPT_WAIT },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: ingest [-q] [--follow] [--reread] [-C case] [-j jobs] "
	    "[--profile name]\n"
	    "              [--map field=path]...\n"
	    "              [--tz zone] [--year year] [--max-record size] "
	    "[--memory size]\n"
	    "              [--max-expand ratio] [--max-expand-bytes size]\n"
	    "              [--shard i/n] [--wait[=seconds]] source...\n"
	    "       ingest --merge [-q] [-C case] [--wait[=seconds]] "
	    "case...\n"
	    "       ingest --verify [-C case]\n"
	    "       ingest --upgrade [--wait[=seconds]] [-C case]\n"
	    "       ingest --list-profiles\n");
}

/*
 * The logs of the case by SHA-256, and whether one met again is skipped:
 * it is, unless every manifest row of that SHA-256 is of a log recorded
 * as incomplete and none was read with this run's options (ingest(1)).
 */
struct known {
	int reread;		/* --reread: nothing is skipped */
	struct smap shas;	/* sha256 -> 1 skip, 0 read again */
	char **keys;		/* the map's keys, owned */
	size_t nkeys;
	struct sbuf opts;	/* this run's options, as notes words */
	const char *shard;	/* --shard as the notes say it, or NULL */
};

/* The words of the reading options in notes, and the profile forced. */
static void
option_words(struct sbuf *b, const char *notes, size_t n, const char *prof,
    size_t pn)
{
	size_t i = 0, j;
	int forced = 0;

	while (i < n) {
		for (j = i; j < n && notes[j] != ' '; j++)
			;
		if ((j - i == 14 && memcmp(notes + i, "profile=forced", 14) ==
		    0) || (j - i >= 4 && memcmp(notes + i, "map=", 4) == 0) ||
		    (j - i >= 11 && memcmp(notes + i, "max-record=", 11) ==
		    0) || (j - i >= 11 && memcmp(notes + i, "max-expand=",
		    11) == 0) || (j - i >= 17 && memcmp(notes + i,
		    "max-expand-bytes=", 17) == 0)) {
			if (b->n > 0)
				sb_addc(b, ' ');
			sb_add(b, notes + i, j - i);
			forced |= notes[i] == 'p';
		}
		i = j + 1;
	}
	if (forced) {
		sb_addc(b, ' ');
		sb_add(b, prof, pn);
	}
	sb_addc(b, '\0');
}

/* This run's options as a log's notes would say them (sessionlog(5)). */
static void
run_words(struct known *k, const struct sl_reader_opts *o)
{
	static const char hex[] = "0123456789ABCDEF";
	struct sbuf w = { 0 };
	const unsigned char *p;
	char num[48];
	size_t i;

	sb_adds(&w, "");
	if (o->profile != NULL)
		sb_adds(&w, "profile=forced");
	for (i = 0; i < o->nmaps; i++) {
		if (w.n > 0)
			sb_addc(&w, ' ');
		sb_adds(&w, "map=");
		for (p = (const unsigned char *)o->maps[i]; *p != '\0'; p++) {
			if (*p <= ' ' || *p == '%' || *p == 0x7f) {
				sb_addc(&w, '%');
				sb_addc(&w, hex[*p >> 4]);
				sb_addc(&w, hex[*p & 15]);
			} else {
				sb_addc(&w, *p);
			}
		}
	}
	if (o->max_record != 0 && o->max_record != SL_MAX_RECORD_DEFAULT) {
		snprintf(num, sizeof(num), "max-record=%zu", o->max_record);
		if (w.n > 0)
			sb_addc(&w, ' ');
		sb_adds(&w, num);
	}
	if (o->max_expand != 0 && o->max_expand != SL_MAX_EXPAND_DEFAULT) {
		snprintf(num, sizeof(num), "max-expand=%llu",
		    o->max_expand == SL_EXPAND_UNLIMITED ? 0ULL :
		    (unsigned long long)o->max_expand);
		if (w.n > 0)
			sb_addc(&w, ' ');
		sb_adds(&w, num);
	}
	if (o->max_expand_bytes != 0) {
		snprintf(num, sizeof(num), "max-expand-bytes=%llu",
		    (unsigned long long)o->max_expand_bytes);
		if (w.n > 0)
			sb_addc(&w, ' ');
		sb_adds(&w, num);
	}
	option_words(&k->opts, w.p, w.n, o->profile != NULL ? o->profile : "",
	    o->profile != NULL ? strlen(o->profile) : 0);
	sb_release(&w);
}

/* Incomplete: no profile recognised its records, none of its records
 * was read (all rejected: no time column, say), a record was over the
 * size limit, its data stops early, was lost or failed its archive's
 * check, it was not read (an encrypted member), its source expanded past
 * the limit, or, for an archive, one of its logs was not read or failed
 * its check. */
static int
incomplete(const struct sl_manifest_row *r)
{
	struct sl_str v;

	return (r->profile.n == 0 && r->read > 0) ||
	    (r->read > 0 && r->accepted == 0 && r->duplicates == 0) ||
	    sl_notes_get(r->notes.p, r->notes.n, "truncated", &v) ||
	    sl_notes_get(r->notes.p, r->notes.n, "corrupt", &v) ||
	    sl_notes_get(r->notes.p, r->notes.n, "toolong", &v) ||
	    sl_notes_get(r->notes.p, r->notes.n, "expand-limit", &v) ||
	    sl_notes_get(r->notes.p, r->notes.n, "badcheck", &v) ||
	    sl_notes_get(r->notes.p, r->notes.n, "unread", &v) ||
	    sl_notes_get(r->notes.p, r->notes.n, "partial", &v);
}

/* A case holds one shard of one split, or none: what its rows say must
 * be what this run does. */
static void
check_shard(const struct known *k, const struct sl_manifest_row *r,
    const char *dir)
{
	struct sl_str v;
	int has = sl_notes_get(r->notes.p, r->notes.n, "shard", &v);

	if (k->shard == NULL && has)
		cli_die("case \"%s\" holds shard %.*s of a split: ingest into "
		    "it with --shard %.*s", dir, (int)v.n, v.p, (int)v.n,
		    v.p);
	if (k->shard != NULL && !has)
		cli_die("case \"%s\" is not a shard: --shard %s would mix "
		    "a shard into it", dir, k->shard);
	if (k->shard != NULL && (v.n != strlen(k->shard) ||
	    memcmp(v.p, k->shard, v.n) != 0))
		cli_die("case \"%s\" holds shard %.*s, not %s", dir,
		    (int)v.n, v.p, k->shard);
}

static void
known_load(struct known *k, struct sl_case *c, const char *dir)
{
	const struct sl_manifest_row *r;
	struct sl_manifest *m;
	struct sbuf w = { 0 };
	size_t v;
	int rc, skip;

	if ((m = sl_manifest_open(c)) == NULL)
		cli_die("cannot read the manifest of \"%s\": %s", dir,
		    sl_case_error(c));
	while ((rc = sl_manifest_next(m, &r)) != 0) {
		if (rc == -EBADMSG)
			continue;
		if (rc < 0)
			cli_die("cannot read the manifest of \"%s\": %s", dir,
			    sl_case_error(c));
		check_shard(k, r, dir);
		if (r->sha256.n == 0)
			continue;
		skip = !incomplete(r);
		if (!skip) {
			w.n = 0;
			option_words(&w, r->notes.p, r->notes.n, r->profile.p,
			    r->profile.n);
			skip = strcmp(w.p, k->opts.p) == 0;
		}
		v = smap_get(&k->shas, r->sha256.p, r->sha256.n);
		if (v == SIZE_MAX) {
			k->keys = xrealloc(k->keys, k->nkeys + 1,
			    sizeof(*k->keys));
			k->keys[k->nkeys] = xstrdup(r->sha256.p);
			smap_put(&k->shas, k->keys[k->nkeys++], r->sha256.n,
			    (size_t)skip);
		} else if (skip) {
			smap_put(&k->shas, r->sha256.p, r->sha256.n, 1);
		}
	}
	sl_manifest_free(m);
	sb_release(&w);
}

static void
known_free(struct known *k)
{
	size_t i;

	for (i = 0; i < k->nkeys; i++)
		free(k->keys[i]);
	free(k->keys);
	smap_free(&k->shas);
	sb_release(&k->opts);
}

/* The skip callback, asked once the case is open (see main). */
static int
skip_known(void *arg, const char *sha256)
{
	const struct known *k = arg;
	size_t v;

	if (k->reread)
		return 0;
	v = smap_get(&k->shas, sha256, strlen(sha256));
	return v != SIZE_MAX && v == 1;
}

/* What the tool learns while the sources are read into the store. */
struct tally {
	uint64_t logs, sources, skipped, records, rejected, errors;
	uint64_t warnings;	/* malformed evidence read in full */
	uint64_t unread;	/* links and cases in the sources, not read */
	uint64_t other;		/* records left to other shards */
	unsigned shard, nshards;	/* --shard */
	int quiet;		/* -q */
	uint64_t shown;		/* reject messages printed */
	uint64_t *log_shown;	/* and per log, by its id */
	size_t nlog_shown;
	struct reason {
		int code;	/* enum sl_reject_code */
		uint64_t count;
	} *reasons;
	size_t nreasons;
	int progress;
	time_t last_progress;
	uint64_t bytes;
};

/* Rejects grouped by the kind of their reason. */
static void
count_reason(struct tally *t, int code)
{
	struct reason *r;
	size_t i;

	for (i = 0; i < t->nreasons; i++)
		if (t->reasons[i].code == code) {
			t->reasons[i].count++;
			return;
		}
	r = xrealloc(t->reasons, t->nreasons + 1, sizeof(*r));
	t->reasons = r;
	r[t->nreasons].code = code;
	r[t->nreasons].count = 1;
	t->nreasons++;
}

static int
by_count(const void *a, const void *b)
{
	const struct reason *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(sl_reject_code_name(x->code),
	    sl_reject_code_name(y->code));
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

/* Reject messages shown of a log so far. */
static uint64_t *
log_shown(struct tally *t, int log)
{
	if ((size_t)log >= t->nlog_shown) {
		size_t n = (size_t)log * 2 + 64;
		uint64_t *p = xrealloc(t->log_shown, n, sizeof(*p));

		memset(p + t->nlog_shown, 0, (n - t->nlog_shown) *
		    sizeof(*p));
		t->log_shown = p;
		t->nlog_shown = n;
	}
	return &t->log_shown[log];
}

/* sl_ingest_read's report: the counts, the messages and the progress. */
/*
 * A signal that ends the tool only sets this: the ingest stops at its next
 * record (sl_ingest_opts.stop), removes its spill and transaction files
 * (gigabytes) and leaves the case as it was, which no handler could do
 * safely halfway through a write.
 */
static volatile sig_atomic_t caught;
static const int stop_signals[] = { SIGHUP, SIGINT, SIGTERM };

static void
on_stop_signal(int sig)
{
	caught = sig;
}

static int
stop_asked(void *arg)
{
	(void)arg;
	return caught != 0;
}

/* No SA_RESTART: a read of a pipe or terminal returns so that the ingest
 * stops without waiting for input.  A signal ignored when the tool
 * started (nohup, a background job of a script) stays ignored. */
static void
catch_stop_signals(void)
{
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(stop_signals) / sizeof(*stop_signals); i++)
		if (sigaction(stop_signals[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
}

static const char *
signal_name(int sig)
{
	return sig == SIGHUP ? "SIGHUP" : sig == SIGINT ? "SIGINT" :
	    sig == SIGTERM ? "SIGTERM" : "a signal";
}

/* Die of the signal caught, as the shell expects of an interrupted tool
 * (status 128 + its number). */
static void
die_of_signal(int sig)
{
	struct sigaction sa;
	sigset_t set;

	fflush(NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static int
tell(void *arg, const struct sl_item *it, int log)
{
	struct tally *t = arg;
	uint64_t *shown;

	/* An error a signal caused (a read cut short) is not the
	 * evidence's. */
	if (caught)
		return -EINTR;
	switch (it->type) {
	case SL_ITEM_EVENT:
		t->records++;
		return 0;
	case SL_ITEM_LOG_BEGIN:
		t->logs++;
		return 0;
	case SL_ITEM_REJECT:
		/* An event the store refused was counted as one already. */
		if (it->ev == NULL)
			t->records++;
		/* Another shard keeps it, and says it (sl_ingest_opts). */
		if (t->nshards > 0 && it->ev == NULL && it->name != NULL &&
		    sl_shard_of(it->name, strlen(it->name), t->nshards) !=
		    t->shard)
			return 0;
		t->rejected++;
		count_reason(t, it->code);
		shown = log_shown(t, log);
		/* A log no profile reads, or whose header gives no time,
		 * was reported once already, as an error; its records need
		 * no message each. */
		if (it->code == SL_REJECT_NO_PROFILE ||
		    it->code == SL_REJECT_NO_TIME_COLUMN) {
			;
		} else if (t->shown >= REJECTS_SHOWN_ALL) {
			if (t->shown++ == REJECTS_SHOWN_ALL) {
				progress(t, 1);
				cli_warn("more rejects not shown (all are kept "
				    "in rejects.tsv.gz)");
			}
		} else if ((*shown)++ < REJECTS_SHOWN) {
			t->shown++;
			progress(t, 1);
			fprintf(stderr, "%s: ", cli_progname);
			cli_put_safe(stderr, it->name, strlen(it->name));
			fprintf(stderr, ":%llu: rejected: ",
			    (unsigned long long)it->line);
			cli_put_safe(stderr, it->reason, strlen(it->reason));
			fputc('\n', stderr);
		} else if (*shown == REJECTS_SHOWN + 1) {
			progress(t, 1);
			say_safe("", it->name, "more rejects not shown (all "
			    "are kept in rejects.tsv.gz)");
		}
		return 0;
	case SL_ITEM_LOG_END:
		t->bytes += it->stats->bytes;
		if (it->stats->is_source)
			t->sources++;
		if (!it->stats->container)
			progress(t, 0);
		return 0;
	case SL_ITEM_SKIPPED:
		/* A source not read at all is said even with -q: evidence
		 * may be missing from the case. */
		if (it->reason != NULL) {
			t->unread++;
			progress(t, 1);
			say_safe("", it->name, it->reason);
			return 0;
		}
		t->skipped++;
		if (t->quiet)
			return 0;
		progress(t, 1);
		fprintf(stderr, "%s: ", cli_progname);
		cli_put_safe(stderr, it->name, strlen(it->name));
		fprintf(stderr, ": already in the case (sha256 %.16s...), "
		    "skipped\n", it->stats->sha256);
		return 0;
	case SL_ITEM_WARNING:
		t->warnings++;
		progress(t, 1);
		say_safe("warning: ", it->name, it->reason);
		return 0;
	case SL_ITEM_ERROR:
		t->errors++;
		progress(t, 1);
		if (it->name != NULL && it->name[0] != '\0')
			say_safe("", it->name, it->reason);
		else
			cli_warn("%s", it->reason);
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
	if (t->unread > 0)
		fprintf(stderr, ", %s not read (see above)",
		    cli_count(t->unread, d));
	fprintf(stderr, "; %s logs\n", cli_count(t->logs, c));
	fprintf(stderr, "  records    %s read: %s accepted, %s duplicates, "
	    "%s rejected", cli_count(t->records, a),
	    cli_count(committed ? res->accepted : 0, b),
	    cli_count(committed ? res->duplicates : 0, c),
	    cli_count(t->rejected, d));
	if (t->nshards > 0)
		fprintf(stderr, ", %s of other shards",
		    cli_count(t->other, e));
	fputc('\n', stderr);
	if (committed && res->conflicts > 0)
		fprintf(stderr, "  conflicts  %s duplicates that differ from "
		    "their kept copy (see %s/conflicts.tsv.gz)\n",
		    cli_count(res->conflicts, a), dir);
	/* The five commonest, and records cut short however rare: they
	 * say that the evidence itself is incomplete. */
	for (i = 0; i < t->nreasons; i++)
		if (i < 5 || t->reasons[i].code == SL_REJECT_CUT)
			fprintf(stderr, "  %-10s %s %s\n", i == 0 ? "rejects" :
			    "", cli_count(t->reasons[i].count, e),
			    sl_reject_code_name(t->reasons[i].code));
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
verify(const char *dir, int nargs, char **args)
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
	sl_case_audit(c, "ingest", nargs, args);
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
upgrade(const char *dir, int wait, int nargs, char **args)
{
	struct sl_case *c;
	char err[512];
	int rc;

	c = sl_case_open_wait(dir, SL_CASE_WRITE, wait, err, sizeof(err));
	if (c == NULL)
		cli_die("%s", err);
	rc = sl_case_upgrade(c);
	if (rc < 0)
		cli_die("cannot upgrade \"%s\": %s", dir, sl_case_error(c));
	sl_case_audit(c, "ingest", nargs, args);
	sl_case_free(c);
	if (rc == 0)
		fprintf(stderr, "%s: case \"%s\" is already of format %d: "
		    "nothing to do\n", cli_progname, dir, SL_CASE_FORMAT);
	else
		fprintf(stderr, "%s: case \"%s\" upgraded from format %d "
		    "to %d\n", cli_progname, dir, rc, SL_CASE_FORMAT);
	return 0;
}

/* --shard I/N: 1 <= I <= N <= SL_SHARD_MAX. */
static void
parse_shard(const char *s, struct sl_ingest_opts *o, char *word, size_t len)
{
	const char *slash = strchr(s, '/');
	char num[32];
	long i, n;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(num))
		cli_die("--shard: \"%s\" is not I/N (1/4 to 4/4, say)", s);
	memcpy(num, s, (size_t)(slash - s));
	num[slash - s] = '\0';
	n = cli_number("--shard", slash + 1, 1, SL_SHARD_MAX);
	i = cli_number("--shard", num, 1, n);
	o->shard = (unsigned)i;
	o->nshards = (unsigned)n;
	snprintf(word, len, "%ld/%ld", i, n);
}

/* ingest --merge: the cases given, into the case. */
static int
merge_cases(const char *dir, int wait, int quiet, int argc, char **argv,
    int nargs, char **args)
{
	struct sl_ingest_opts iopts;
	struct sl_ingest_result res;
	struct sl_case *c, **src;
	struct sl_ingest *in;
	char err[512], a[32], b[32], d[32];
	int i, rc;

	src = xrealloc(NULL, (size_t)argc, sizeof(*src));
	/* The cases merged first: a case that cannot be read leaves the
	 * case merged into untouched, even uncreated. */
	for (i = 0; i < argc; i++)
		if ((src[i] = sl_case_open(argv[i], 0, err,
		    sizeof(err))) == NULL)
			cli_die("%s", err);
	c = sl_case_open_wait(dir, SL_CASE_CREATE | SL_CASE_WRITE, wait,
	    err, sizeof(err));
	if (c == NULL)
		cli_die("%s", err);
	catch_stop_signals();
	if (sl_case_version(c) < 2)
		cli_die("case \"%s\" was written by an earlier version "
		    "(format %d): run 'ingest --upgrade -C %s' first", dir,
		    sl_case_version(c), dir);
	sl_ingest_opts_init(&iopts);
	iopts.stop = stop_asked;
	sl_case_audit(c, "ingest", nargs, args);
	if ((in = sl_ingest_new(c, &iopts)) == NULL)
		cli_die("cannot start merging into \"%s\": %s", dir,
		    sl_case_error(c));
	rc = 0;
	for (i = 0; i < argc && rc == 0 && !caught; i++)
		rc = sl_ingest_case(in, src[i]);
	memset(&res, 0, sizeof(res));
	if (rc == 0 && !caught)
		rc = sl_ingest_commit(in, &res);
	if (caught) {
		sl_ingest_free(in);
		sl_case_free(c);
		cli_warn("interrupted by %s: the case \"%s\" is unchanged",
		    signal_name(caught), dir);
		die_of_signal(caught);
	}
	if (rc < 0)
		cli_die("cannot merge into \"%s\": %s", dir,
		    sl_ingest_error(in));
	if (res.conflicts > 0)
		cli_warn("%" PRIu64 " duplicate%s across the cases differ%s "
		    "from the copy kept: the evidence may be damaged or "
		    "tampered with", res.conflicts, res.conflicts == 1 ? "" :
		    "s", res.conflicts == 1 ? "s" : "");
	if (!quiet || res.conflicts > 0)
		fprintf(stderr, "%s: case %s: %d case%s merged: %s events "
		    "accepted, %s duplicates across them, %s users\n",
		    cli_progname, dir, argc, argc == 1 ? "" : "s",
		    cli_count(res.accepted, a), cli_count(res.duplicates, b),
		    cli_count(res.users, d));
	sl_ingest_free(in);
	sl_case_free(c);
	for (i = 0; i < argc; i++)
		sl_case_free(src[i]);
	free(src);
	return res.conflicts > 0 ? EXIT_TROUBLE : 0;
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
	struct sl_reader_opts ropts;
	struct sl_reader *r;
	struct tally t;
	struct sl_profileset *ps;
	struct sl_ingest *in;
	struct sl_case *c = NULL;
	struct known known;
	struct sl_tz *tz = NULL;
	const char **maps = NULL;
	const char *casedir = NULL;
	char err[512];
	size_t nmaps = 0;
	int ch, quiet = 0, do_verify = 0, do_list = 0;
	int do_upgrade = 0, wait = 0, do_merge = 0;
	char shardword[32] = "";
	uint64_t oev, orej;
	int njobs = 0, status = 0, rc = 0, failed = 0, nargs;
	char **args;

	cli_progname = "ingest";
	/* A file past ulimit -f fails with EFBIG, told like a full disk,
	 * instead of ending the tool without a word. */
	signal(SIGXFSZ, SIG_IGN);
	sl_reader_opts_init(&ropts);
	sl_ingest_opts_init(&iopts);
	/* The audit line has the arguments as given: getopt_long permutes
	 * argv, and the options are what a log was read with. */
	nargs = argc - 1;
	args = xrealloc(NULL, (size_t)argc, sizeof(*args));
	memcpy(args, argv + 1, (size_t)nargs * sizeof(*args));
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
			ropts.profile = optarg;
			break;
		case OPT_MAP:
			maps = xrealloc(maps, nmaps + 1, sizeof(*maps));
			maps[nmaps++] = optarg;
			break;
		case OPT_TZ:
			ropts.tz = optarg;
			iopts.tz = optarg;
			break;
		case OPT_YEAR:
			ropts.year = cli_year(optarg);
			break;
		case OPT_REREAD:
			iopts.reread = 1;
			break;
		case OPT_FOLLOW:
			ropts.follow = 1;
			break;
		case OPT_WAIT:
			/* without a number: as long as it takes */
			wait = optarg == NULL ? -1 : (int)cli_number("--wait",
			    optarg, 0, MAX_WAIT);
			break;
		case OPT_MAX_RECORD:
			ropts.max_record = cli_size("--max-record", optarg,
			    64, SL_MAX_RECORD_LIMIT);
			break;
		case OPT_MAX_EXPAND:
			ropts.max_expand = (uint64_t)cli_number("--max-expand",
			    optarg, 0, LONG_MAX);
			if (ropts.max_expand == 0)
				ropts.max_expand = SL_EXPAND_UNLIMITED;
			break;
		case OPT_MAX_EXPAND_BYTES:
			ropts.max_expand_bytes = cli_size("--max-expand-bytes",
			    optarg, 0, SIZE_MAX);
			break;
		case OPT_MEMORY:
			iopts.mem_limit = cli_size("--memory", optarg,
			    (size_t)1 << 20, SIZE_MAX);
			break;
		case OPT_VERIFY:
			do_verify = 1;
			break;
		case OPT_SHARD:
			parse_shard(optarg, &iopts, shardword,
			    sizeof(shardword));
			break;
		case OPT_MERGE:
			do_merge = 1;
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
			free(args);
			return 0;
		case OPT_VERSION:
			cli_version();
		default:
			usage(stderr);
			free(maps);
			free(args);
			return EXIT_TROUBLE;
		}
	}
	argc -= optind;
	argv += optind;
	casedir = cli_case_dir(casedir);

	if (do_merge) {
		/* What reads evidence has no meaning for cases. */
		if (argc == 0 || do_verify || do_upgrade || do_list ||
		    iopts.nshards > 0 || nmaps > 0 || ropts.profile != NULL ||
		    iopts.tz != NULL || iopts.reread || ropts.follow) {
			usage(stderr);
			free(maps);
			free(args);
			return EXIT_TROUBLE;
		}
		free(maps);
		status = merge_cases(casedir, wait, quiet, argc, argv, nargs,
		    args);
		free(args);
		return status;
	}
	if (do_verify || do_upgrade) {
		free(maps);
		if (argc > 0 || (do_verify && do_upgrade)) {
			usage(stderr);
			free(args);
			return EXIT_TROUBLE;
		}
		status = do_verify ? verify(casedir, nargs, args) :
		    upgrade(casedir, wait, nargs, args);
		free(args);
		return status;
	}
	ps = cli_profiles();
	if (do_list) {
		list_profiles(ps);
		sl_profileset_free(ps);
		free(args);
		return 0;
	}
	if (argc == 0) {
		usage(stderr);
		sl_profileset_free(ps);
		free(maps);
		free(args);
		return EXIT_TROUBLE;
	}
	ropts.maps = maps;
	ropts.nmaps = nmaps;
	/* The zone is the run's: times without one in the sources, and the
	 * times printed. */
	if (iopts.tz != NULL && (tz = sl_tz_load(iopts.tz, err,
	    sizeof(err))) == NULL)
		cli_die("--tz: %s", err);

	if (njobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		njobs = n < 1 ? 1 : n > 8 ? 8 : (int)n;
	}
	/* The commit deflates the case's files on as many threads. */
	iopts.jobs = (unsigned)njobs;
	memset(&known, 0, sizeof(known));
	known.reread = iopts.reread;
	known.shard = iopts.nshards > 0 ? shardword : NULL;
	ropts.skip = skip_known;
	ropts.skip_arg = &known;

	memset(&t, 0, sizeof(t));
	t.progress = !quiet && isatty(STDERR_FILENO);
	t.quiet = quiet;
	t.shard = iopts.shard;
	t.nshards = iopts.nshards;
	/* A reader checks --profile, --map and --tz; only when they are
	 * good is the case created or touched. */
	r = sl_reader_new((const char *const *)argv, (size_t)argc, ps,
	    &ropts, err, sizeof(err));
	if (r == NULL)
		cli_die("%s", err);
	sl_reader_free(r);
	c = sl_case_open_wait(casedir, SL_CASE_CREATE | SL_CASE_WRITE, wait,
	    err, sizeof(err));
	if (c == NULL)
		cli_die("%s", err);
	/* From here an end by a signal has files to remove. */
	catch_stop_signals();
	iopts.stop = stop_asked;
	if (sl_case_version(c) < 2)
		cli_die("case \"%s\" was written by an earlier version "
		    "(format %d): run 'ingest --upgrade -C %s' first", casedir,
		    sl_case_version(c), casedir);
	/* Times without a year, in logs without a file time (stdin), are
	 * dated by the case's other evidence as it stood before this run:
	 * the logs of this run are read in parallel, in no fixed order. */
	ropts.evidence_time = sl_case_dated_last(c);
	run_words(&known, &ropts);
	known_load(&known, c, casedir);
	sl_case_audit(c, "ingest", nargs, args);
	in = sl_ingest_new(c, &iopts);
	if (in == NULL)
		cli_die("cannot start ingesting into \"%s\": %s", casedir,
		    sl_case_error(c));
	if (sl_ingest_read(in, (const char *const *)argv, (size_t)argc, ps,
	    &ropts, njobs, tell, &t) < 0) {
		failed = 1;
		if (!caught)
			cli_warn("cannot ingest: %s", sl_ingest_error(in));
	}
	progress(&t, 1);
	sl_ingest_other(in, &oev, &orej);
	t.other = oev + orej;

	memset(&res, 0, sizeof(res));
	res.first = res.last = INT64_MIN;
	if (!failed && !caught) {
		if (t.progress)
			fprintf(stderr, "%s: sorting and writing the case...",
			    cli_progname);
		rc = sl_ingest_commit(in, &res);
		if (t.progress)
			fputs("\r\033[K", stderr);
		if (rc < 0) {
			failed = 1;
			if (!caught)
				cli_warn("cannot update the case \"%s\": %s",
				    casedir, sl_ingest_error(in));
		}
	}
	if (caught) {
		int sig = caught;

		/* Freeing the ingest removes its spill files; a failed
		 * commit has removed its own. */
		sl_ingest_free(in);
		sl_case_free(c);
		if (failed || t.logs == 0)
			cli_warn("interrupted by %s: the case \"%s\" is "
			    "unchanged", signal_name(sig), casedir);
		else
			cli_warn("interrupted by %s after the case \"%s\" "
			    "was updated", signal_name(sig), casedir);
		die_of_signal(sig);
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
	known_free(&known);
	sl_profileset_free(ps);
	sl_tz_free(tz);
	free(t.reasons);
	free(t.log_shown);
	free(maps);
	free(args);
	if (failed || t.errors > 0 || t.rejected > 0 || res.conflicts > 0)
		status = EXIT_TROUBLE;
	return status;
}
