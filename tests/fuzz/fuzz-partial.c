/* fuzz-partial.c: the reader of summarize's partial summaries
 * (cmd/partial.c), which reads files made on other machines.  What it
 * accepts is written again with the writer, read again and written once
 * more: the two writes must be the same bytes (the reader and the writer
 * agree), and the second read must accept what the writer made. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessionlog.h"
#include "partial.h"
#include "fuzz-common.h"

#define FUZZ_MAX (64 * 1024)

struct echo {
	struct part_writer w;
	char *buf;
	size_t len;
	int alerts;		/* alerts seen, their strings checked */
};

static int
e_header(void *arg, const char *select, const char *tz, char *err,
    size_t errlen)
{
	struct echo *e = arg;

	(void)err;
	(void)errlen;
	part_header(&e->w, select, tz);
	return 0;
}

static void
e_source(void *arg, struct sl_str sha256, struct sl_str path,
    struct sl_str member, int container)
{
	struct echo *e = arg;

	part_source(&e->w, sha256, path, member, container);
}

static int
e_user(void *arg, struct sl_str name, struct sl_usage *u, char *err,
    size_t errlen)
{
	struct echo *e = arg;

	(void)err;
	(void)errlen;
	part_user(&e->w, name, u);
	sl_usage_free(u);
	return 0;
}

static void
e_group(void *arg, const struct sl_str *parts, size_t nparts,
    uint64_t users, struct sl_usage *u)
{
	struct echo *e = arg;

	part_group(&e->w, parts, nparts, users, u);
	sl_usage_free(u);
}

static int
e_held(void *arg, struct sl_str name, char *err, size_t errlen)
{
	struct echo *e = arg;

	(void)err;
	(void)errlen;
	part_held(&e->w, name);
	return 0;
}

static void
e_alert(void *arg, struct sl_alert *a)
{
	struct echo *e = arg;
	size_t i;

	/* The strings the reader hands over are whole: NUL-terminated where
	 * the alert takes C strings, their lengths readable. */
	fuzz_touch(a->rule, strlen(a->rule));
	fuzz_touch(a->explanation, strlen(a->explanation));
	fuzz_touch(a->user.p, a->user.n);
	fuzz_touch(a->session.p, a->session.n);
	for (i = 0; i < a->nevidence; i++)
		fuzz_touch(a->evidence[i].p, a->evidence[i].n);
	if (strlen(a->id) != 16)
		abort();
	part_alert(&e->w, a);
	part_alert_release(a);
	e->alerts++;
}

static int
e_baseline(void *arg, struct sl_str name, struct sl_str line, char *err,
    size_t errlen)
{
	struct echo *e = arg;

	(void)err;
	(void)errlen;
	part_baseline(&e->w, name, line.p, line.n);
	return 0;
}

static int
e_case_baseline(void *arg, struct sl_str line, char *err, size_t errlen)
{
	struct echo *e = arg;

	(void)err;
	(void)errlen;
	part_case_baseline(&e->w, line.p, line.n);
	return 0;
}

static void
e_peers(void *arg, uint64_t n)
{
	struct echo *e = arg;

	part_peers(&e->w, n);
}

static void
e_end(void *arg, int trouble)
{
	struct echo *e = arg;

	part_end(&e->w, trouble);
}

/* Read path and write what it holds into e's memory stream.  Returns
 * part_read's value. */
static int
echo_read(const char *path, struct echo *e, const struct sl_usage_opts *uo)
{
	struct part_sink s;
	char err[512];
	int rc;

	memset(e, 0, sizeof(*e));
	if ((e->w.fp = open_memstream(&e->buf, &e->len)) == NULL)
		abort();
	e->w.path = "echo";
	memset(&s, 0, sizeof(s));
	s.arg = e;
	s.uo = uo;
	s.header = e_header;
	s.source = e_source;
	s.user = e_user;
	s.group = e_group;
	s.held = e_held;
	s.alert = e_alert;
	s.baseline = e_baseline;
	s.case_baseline = e_case_baseline;
	s.peers = e_peers;
	s.end = e_end;
	err[0] = '\0';
	rc = part_read(path, &s, err, sizeof(err));
	/* A refusal always says why. */
	if (rc < 0 && err[0] == '\0')
		abort();
	if (fclose(e->w.fp) != 0)
		abort();
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[4200], again[4200];
	struct sl_usage_opts uo;
	struct echo e1, e2;

	if (path[0] == '\0') {
		fuzz_path(path, sizeof(path), fuzz_dir("partial"), "in.sum");
		fuzz_path(again, sizeof(again), fuzz_dir("partial"),
		    "again.sum");
	}
	if (size > FUZZ_MAX)
		return 0;
	fuzz_write(path, data, size);
	sl_usage_opts_init(&uo);
	if (echo_read(path, &e1, &uo) < 0) {
		free(e1.buf);
		return 0;
	}
	fuzz_write(again, e1.buf, e1.len);
	if (echo_read(again, &e2, &uo) < 0) {
		fprintf(stderr, "fuzz-partial: the writer's own file was "
		    "refused\n");
		abort();
	}
	if (e1.len != e2.len || memcmp(e1.buf, e2.buf, e1.len) != 0) {
		fprintf(stderr, "fuzz-partial: read, written, read again: "
		    "not the same\n");
		abort();
	}
	free(e1.buf);
	free(e2.buf);
	return 0;
}
