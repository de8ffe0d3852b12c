/* test-reader.c: sources to items, through walk, splitter and profiles. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "check.h"

static char dir[64];
static struct sl_profileset *ps;

static const char audit3[] =
    "{\"type\":\"audit.3\",\"time\":\"2026-03-02T08:00:00.123456789Z\","
    "\"uid\":\"j.rivera\",\"sid\":\"s1\",\"logEntryId\":\"e1\","
    "\"categories\":[\"dataSearch\"],\"requestFields\":"
    "{\"dataSearchQuery\":\"Marek Dudek\"},\"result\":\"SUCCESS\","
    "\"origins\":[\"10.0.0.1\"]}\n"
    "{\"type\":\"audit.3\",\"time\":\"not a time\",\"uid\":\"j.rivera\","
    "\"categories\":[\"dataLoad\"],\"result\":\"SUCCESS\"}\n"
    "{\"type\":\"audit.3\",\"time\":\"2026-03-02T08:00:01Z\","
    "\"uid\":\"j.rivera\",\"sid\":\"s1\",\"logEntryId\":\"e2\","
    "\"categories\":[\"dataLoad\",\"dataExport\"],"
    "\"requestFields\":{\"downloadedResources\":[\"ri.a\",\"ri.b\"],"
    "\"downloadedSize\":4096},\"result\":\"UNAUTHORIZED\","
    "\"origins\":[]}\r\n"
    "{\"type\":\"audit.3\", broken\n";

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	fputs(text, fp);
	fclose(fp);
}

/* Items of one reader as a compact transcript. */
static void
transcript(const char *const *src, size_t n, const struct sl_reader_opts *o,
    struct sl_buf *out)
{
	struct sl_reader *r;
	struct sl_item it;
	char err[256];
	int rc;

	r = sl_reader_new(src, n, ps, o, err, sizeof(err));
	CHECK(r != NULL);
	if (r == NULL) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	while ((rc = sl_reader_next(r, &it)) > 0) {
		const char *base = strrchr(it.name, '/');

		base = base != NULL ? base + 1 : it.name;
		switch (it.type) {
		case SL_ITEM_LOG_BEGIN:
			sl_buf_printf(out, "begin %s %s\n", base, it.profile);
			break;
		case SL_ITEM_EVENT: {
			char t[32];

			sl_time_format(it.ev->time, t, sizeof(t));
			sl_buf_printf(out, "event %s %.*s %s %s %llu %.*s|%.*s "
			    "%lld\n", t, (int)it.ev->user.n, it.ev->user.p,
			    sl_action_name(it.ev->action),
			    sl_outcome_name(it.ev->outcome),
			    (unsigned long long)it.ev->line,
			    (int)it.ev->query.n, it.ev->query.p,
			    (int)it.ev->resource.n, it.ev->resource.p,
			    (long long)it.ev->bytes);
			CHECK(it.ev->raw.n > 0 &&
			    it.ev->raw.p[it.ev->raw.n - 1] != '\r');
			break;
		}
		case SL_ITEM_REJECT:
			sl_buf_printf(out, "reject %llu %s\n",
			    (unsigned long long)it.line, it.reason);
			break;
		case SL_ITEM_LOG_END:
			sl_buf_printf(out, "end %s %llu/%llu/%llu\n", base,
			    (unsigned long long)it.stats->records,
			    (unsigned long long)it.stats->accepted,
			    (unsigned long long)it.stats->rejected);
			CHECK_INT(strlen(it.stats->sha256), 64);
			break;
		case SL_ITEM_SKIPPED:
			sl_buf_printf(out, "skipped %s\n", base);
			break;
		case SL_ITEM_ERROR:
			sl_buf_printf(out, "error %s\n", base);
			break;
		}
	}
	CHECK_INT(rc, 0);
	sl_reader_free(r);
}

static void
test_events(void)
{
	char path[128];
	const char *src[1] = { path };
	struct sl_buf b = { 0 };

	put("a.jsonl", audit3);
	snprintf(path, sizeof(path), "%s/a.jsonl", dir);
	transcript(src, 1, NULL, &b);
	CHECK_STR(b.p,
	    "begin a.jsonl foundry-audit3\n"
	    "event 2026-03-02T08:00:00.123456Z j.rivera search success 1 "
	    "Marek Dudek| -1\n"
	    "reject 2 unparseable time \"not a time\"\n"
	    "event 2026-03-02T08:00:01.000000Z j.rivera export denied 3 "
	    "|ri.a\nri.b 4096\n"
	    "reject 4 record cut short (data lost, or the log ends inside it)\n"
	    "end a.jsonl 4/2/2\n");
	if (check_failed)
		fprintf(stderr, "got:\n%s", b.p);
	sl_buf_release(&b);
}

static int
skip_all(void *arg, const char *sha)
{
	(void)arg;
	return strlen(sha) == 64;
}

static void
test_unknown_and_skip(void)
{
	char p1[128], p2[128];
	const char *src[2] = { p1, p2 };
	struct sl_reader_opts o;
	struct sl_buf b = { 0 };

	sl_reader_opts_init(&o);
	put("notes.txt", "just some notes\nnothing to see\n");
	put("empty.log", "");
	snprintf(p1, sizeof(p1), "%s/notes.txt", dir);
	snprintf(p2, sizeof(p2), "%s/empty.log", dir);
	transcript(src, 2, NULL, &b);
	/* Not a format: said once, records kept as rejects. */
	CHECK_STR(b.p,
	    "begin notes.txt \n"
	    "error notes.txt\n"
	    "reject 1 no profile recognises this log\n"
	    "reject 2 no profile recognises this log\n"
	    "end notes.txt 2/0/2\n"
	    "begin empty.log \n"
	    "error empty.log\n"
	    "end empty.log 0/0/0\n");
	sl_buf_reset(&b);
	o.skip = skip_all;
	transcript(src, 2, &o, &b);
	CHECK_STR(b.p, "skipped notes.txt\nskipped empty.log\n");
	sl_buf_release(&b);
}

static void
test_forced_and_parts(void)
{
	char p[128];
	const char *src[1] = { dir };
	struct sl_reader_opts o;
	struct sl_buf all = { 0 }, p0 = { 0 }, p1 = { 0 };
	struct sl_reader *r;
	char err[256];

	/* Options that were never initialised, and ones of a later version
	 * that ask for something this one does not know. */
	memset(&o, 0, sizeof(o));
	r = sl_reader_new(src, 1, ps, &o, err, sizeof(err));
	CHECK(r == NULL);
	CHECK_STR(err, "reader options not initialised (sl_reader_opts_init)");
	{
		struct {
			struct sl_reader_opts o;
			int later;
		} big;

		memset(&big, 0, sizeof(big));
		big.o.size = sizeof(big);
		r = sl_reader_new(src, 1, ps, &big.o, err, sizeof(err));
		CHECK(r != NULL);
		sl_reader_free(r);
		big.later = 1;
		r = sl_reader_new(src, 1, ps, &big.o, err, sizeof(err));
		CHECK(r == NULL);
		CHECK_STR(err, "reader options of a later version set options "
		    "this version does not know");
	}
	sl_reader_opts_init(&o);
	CHECK_INT(o.size, sizeof(o));
	/* No record limit over what a case can store. */
	o.max_record = SL_MAX_RECORD_LIMIT + 1;
	r = sl_reader_new(src, 1, ps, &o, err, sizeof(err));
	CHECK(r == NULL);
	CHECK_STR(err, "a record limit of 67108865 bytes is over the largest "
	    "the case can store (67108864)");
	o.max_record = SL_MAX_RECORD_LIMIT;
	r = sl_reader_new(src, 1, ps, &o, err, sizeof(err));
	CHECK(r != NULL);
	sl_reader_free(r);
	o.max_record = 0;
	o.profile = "nosuch";
	r = sl_reader_new(src, 1, ps, &o, err, sizeof(err));
	CHECK(r == NULL);
	CHECK_STR(err, "unknown profile \"nosuch\"");
	o.profile = "generic-json";
	o.maps = (const char *const[]){ "usr=actor" };
	o.nmaps = 1;
	r = sl_reader_new(src, 1, ps, &o, err, sizeof(err));
	CHECK(r == NULL);
	CHECK(strstr(err, "usr") != NULL);
	/* Without a profile, a --map no profile can read is an error at once,
	 * before any source is opened; one that some profile reads is not. */
	o.profile = NULL;
	r = sl_reader_new(src, 1, ps, &o, err, sizeof(err));
	CHECK(r == NULL);
	CHECK_STR(err, "--map: unknown field \"usr\"");
	o.maps = (const char *const[]){ "nonsense" };
	r = sl_reader_new(src, 1, ps, &o, err, sizeof(err));
	CHECK(r == NULL);
	CHECK_STR(err, "--map: \"nonsense\": expected field=path");
	o.maps = (const char *const[]){ "user=actor.email" };
	r = sl_reader_new(src, 1, ps, &o, err, sizeof(err));
	CHECK(r != NULL);
	sl_reader_free(r);

	/* Dealt out to two readers, the files are each read exactly once. */
	snprintf(p, sizeof(p), "%s/b.jsonl", dir);
	put("b.jsonl", audit3);
	sl_reader_opts_init(&o);
	transcript(src, 1, &o, &all);
	o.nparts = 2;
	o.part = 0;
	transcript(src, 1, &o, &p0);
	o.part = 1;
	transcript(src, 1, &o, &p1);
	CHECK(strstr(all.p, "begin a.jsonl") != NULL);
	CHECK(strstr(all.p, "begin b.jsonl") != NULL);
	CHECK((strstr(p0.p, "begin a.jsonl") != NULL) !=
	    (strstr(p1.p, "begin a.jsonl") != NULL));
	CHECK((strstr(p0.p, "begin b.jsonl") != NULL) !=
	    (strstr(p1.p, "begin b.jsonl") != NULL));
	CHECK_INT(all.n, p0.n + p1.n);
	sl_buf_release(&all);
	sl_buf_release(&p0);
	sl_buf_release(&p1);
}

int
main(void)
{
	char err[256], cmd[128];

	ps = sl_profileset_load(SRCDIR "/profiles", err, sizeof(err));
	CHECK(ps != NULL);
	if (ps == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/sl-reader.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	test_events();
	test_unknown_and_skip();
	test_forced_and_parts();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	sl_profileset_free(ps);
	return check_done("reader");
}
