/* test-ingest-read.c: sl_ingest_read, in the calling thread and in
 * several: what it stages, what it tells, how it stops. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessionlog.h"
#include "check.h"

static char dir[64];
static struct sl_profileset *ps;

static const char *const files[][2] = {
	{ "a.jsonl",
	    "{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"user\":\"ann\","
	    "\"action\":\"search\"}\n"
	    "{\"@timestamp\":\"2026-03-02T08:01:00Z\",\"user\":\"bob\","
	    "\"action\":\"search\"}\n"
	    "{\"@timestamp\":\"2026-03-02T08:02:00Z\",\"user\":\"ann\","
	    "\"action\":\"export\"\n" },
	{ "b.jsonl",
	    "{\"@timestamp\":\"2026-03-02T09:00:00Z\",\"user\":\"bob\","
	    "\"action\":\"login\"}\n"
	    "{\"@timestamp\":\"2026-03-02T09:00:05Z\",\"user\":\"\","
	    "\"action\":\"search\"}\n" },
	{ "c.jsonl",
	    "{\"@timestamp\":\"2026-03-02T10:00:00Z\",\"user\":\"cy\","
	    "\"action\":\"view\"}\n" },
	{ "junk.txt", "nothing here reads\nas a log at all\n" },
};

struct seen {
	uint64_t events, rejects, begins, ends, errors;
	uint64_t codes[16];
	char *names[16];	/* by log id, from LOG_BEGIN */
	int bad_log;		/* an item whose log or name did not match */
	int drop_bob;
	int stop_at;		/* fail with -EINTR at this event; 0: never */
};

static int
tell(void *arg, const struct sl_item *it, int log)
{
	struct seen *s = arg;

	switch (it->type) {
	case SL_ITEM_LOG_BEGIN:
		s->begins++;
		if (log < 0 || log >= 16)
			s->bad_log = 1;
		else
			s->names[log] = strdup(it->name);
		return 0;
	case SL_ITEM_EVENT:
	case SL_ITEM_REJECT:
		if (log < 0 || log >= 16 || s->names[log] == NULL ||
		    it->name == NULL || strcmp(s->names[log], it->name) != 0)
			s->bad_log = 1;
		if (it->type == SL_ITEM_REJECT) {
			s->rejects++;
			if (it->code >= 0 && it->code < 16)
				s->codes[it->code]++;
			return 0;
		}
		s->events++;
		if (s->stop_at > 0 && s->events == (uint64_t)s->stop_at)
			return -EINTR;
		return s->drop_bob && it->ev->user.n == 3 &&
		    memcmp(it->ev->user.p, "bob", 3) == 0;
	case SL_ITEM_LOG_END:
		s->ends++;
		return 0;
	case SL_ITEM_ERROR:
		s->errors++;
		return 0;
	}
	return 0;
}

static void
seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < 16; i++)
		free(s->names[i]);
}

/* Read every file into a new case with jobs threads; the users it has. */
static int
run(const char *name, int jobs, struct seen *s, struct sl_ingest_result *res,
    char *users, size_t ulen)
{
	const char *src[sizeof(files) / sizeof(files[0])];
	char paths[sizeof(files) / sizeof(files[0])][128], cdir[128];
	char err[256];
	struct sl_reader_opts ro;
	struct sl_case *c;
	struct sl_ingest *in;
	size_t i, n = sizeof(files) / sizeof(files[0]);
	int rc;

	for (i = 0; i < n; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir,
		    files[i][0]);
		src[i] = paths[i];
	}
	snprintf(cdir, sizeof(cdir), "%s/%s", dir, name);
	c = sl_case_open(cdir, SL_CASE_CREATE | SL_CASE_WRITE, err,
	    sizeof(err));
	CHECK(c != NULL);
	if (c == NULL)
		return -1;
	in = sl_ingest_new(c, NULL);
	CHECK(in != NULL);
	sl_reader_opts_init(&ro);
	rc = sl_ingest_read(in, src, n, ps, &ro, jobs, tell, s);
	if (rc == 0)
		CHECK_INT(sl_ingest_commit(in, res), 0);
	sl_ingest_free(in);
	sl_case_free(c);
	users[0] = '\0';
	if (rc == 0) {
		c = sl_case_open(cdir, 0, err, sizeof(err));
		CHECK(c != NULL);
		for (i = 0; c != NULL && i < sl_case_user_count(c); i++) {
			strncat(users, sl_case_user(c, i).p, ulen -
			    strlen(users) - 2);
			strcat(users, " ");
		}
		sl_case_free(c);
	}
	return rc;
}

static void
test_jobs(int jobs)
{
	struct sl_ingest_result res;
	struct seen s = { 0 };
	char users[256], name[32];

	snprintf(name, sizeof(name), "case-%d", jobs);
	CHECK_INT(run(name, jobs, &s, &res, users, sizeof(users)), 0);
	CHECK_INT(s.begins, 4);
	CHECK_INT(s.ends, 4);
	CHECK_INT(s.events, 4);
	/* The cut export, the empty user, and junk's two lines. */
	CHECK_INT(s.rejects, 4);
	CHECK_INT(s.codes[SL_REJECT_NO_PROFILE], 2);
	CHECK_INT(s.codes[SL_REJECT_NO_USER], 1);
	CHECK_INT(s.codes[SL_REJECT_INVALID_JSON] +
	    s.codes[SL_REJECT_CUT], 1);
	CHECK_INT(s.errors, 1);		/* junk.txt: no profile */
	CHECK_INT(s.bad_log, 0);
	CHECK_INT(res.accepted, 4);
	CHECK_INT(res.rejected, 4);
	CHECK_STR(users, "ann bob cy ");
	seen_free(&s);

	/* An event the caller declines is not staged. */
	memset(&s, 0, sizeof(s));
	s.drop_bob = 1;
	snprintf(name, sizeof(name), "nobob-%d", jobs);
	CHECK_INT(run(name, jobs, &s, &res, users, sizeof(users)), 0);
	CHECK_INT(res.accepted, 2);
	CHECK_STR(users, "ann cy ");
	seen_free(&s);

	/* The caller's error ends the run with its value. */
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	snprintf(name, sizeof(name), "stop-%d", jobs);
	CHECK_INT(run(name, jobs, &s, &res, users, sizeof(users)), -EINTR);
	CHECK_INT(s.events, 2);
	seen_free(&s);
}

static void
test_bad_opts(void)
{
	struct sl_reader_opts ro;
	struct sl_case *c;
	struct sl_ingest *in;
	const char *src[] = { "-" };
	char cdir[128], err[256];

	snprintf(cdir, sizeof(cdir), "%s/bad", dir);
	c = sl_case_open(cdir, SL_CASE_CREATE | SL_CASE_WRITE, err,
	    sizeof(err));
	in = sl_ingest_new(c, NULL);
	sl_reader_opts_init(&ro);
	ro.profile = "no-such-profile";
	CHECK_INT(sl_ingest_read(in, src, 1, ps, &ro, 1, NULL, NULL),
	    -EINVAL);
	CHECK(strstr(sl_ingest_error(in), "no-such-profile") != NULL);
	CHECK_INT(sl_ingest_read(in, src, 1, ps, &ro, 4, NULL, NULL),
	    -EINVAL);
	sl_ingest_free(in);
	sl_case_free(c);
}

int
main(void)
{
	char err[256], cmd[128], path[128];
	size_t i;
	FILE *fp;

	ps = sl_profileset_load(SRCDIR "/profiles", err, sizeof(err));
	CHECK(ps != NULL);
	if (ps == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/sl-iread.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		fp = fopen(path, "w");
		CHECK(fp != NULL);
		if (fp == NULL)
			return 1;
		fputs(files[i][1], fp);
		fclose(fp);
	}
	test_jobs(1);
	test_jobs(3);
	test_bad_opts();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	sl_profileset_free(ps);
	return check_done("ingest-read");
}
