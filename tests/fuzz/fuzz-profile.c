/* fuzz-profile.c: the profile language parser, and records through what
 * it made. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "profile.h"

#define FUZZ_MAX (64 * 1024)

/* Records of every reader's kind: a profile that parses reads each of
 * them, whatever it expects. */
static const char *const records[] = {
	"{\"@timestamp\":\"2024-03-01T07:17:12Z\",\"user\":\"alice\","
	    "\"action\":\"search\",\"query\":\"x\",\"resource\":[\"a\",\"b\"],"
	    "\"count\":3,\"bytes\":\"12\",\"purpose\":\"case 7\"}",
	"time,user,action,resource,count",
	"2024-03-01T07:17:12Z,alice,export,a,5",
	"time\tuser\taction",
	"2024-03-01 07:17:12\tbob\tlogin",
	"type=USER_LOGIN msg=audit(1709277432.123:42): pid=1 uid=0 "
	    "auid=1000 ses=3 msg='op=login acct=\"alice\" res=success'",
	"Mar  1 07:17:12 host sshd[1]: Accepted password for alice from "
	    "192.0.2.1 port 22 ssh2",
	"{\"Records\":[{\"eventTime\":\"2024-03-01T07:17:12Z\"}]}",
};

static struct sl_tz *tz;

static void
unload(void)
{
	sl_tz_free(tz);
}

static void
touch(const struct sl_event *ev)
{
	const struct sl_str *s[] = {
		&ev->user, &ev->session, &ev->resource, &ev->query,
		&ev->purpose, &ev->src, &ev->trace, &ev->kind, &ev->key,
		&ev->scope,
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		if (s[i]->n > 0 && s[i]->p == NULL)
			abort();
		fuzz_touch(s[i]->p, s[i]->n);
	}
}

/* Every record through x, then what it still holds. */
static void
extract(struct sl_extractor *x)
{
	struct sl_record rec;
	struct sl_event ev;
	const char *reason;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		memset(&rec, 0, sizeof(rec));
		rec.p = records[i];
		rec.n = strlen(records[i]);
		rec.line = i + 1;
		memset(&ev, 0, sizeof(ev));
		reason = NULL;
		rc = sl_extract_record(x, &rec, &ev, &reason);
		while (rc != 0 && rc != -ENOMEM) {
			if (rc == 1)
				touch(&ev);
			else if (reason == NULL)
				abort();
			memset(&ev, 0, sizeof(ev));
			reason = NULL;
			rc = sl_extract_next(x, &ev, &reason);
		}
	}
	memset(&ev, 0, sizeof(ev));
	reason = NULL;
	while ((rc = sl_extract_flush(x, &ev, &reason)) != 0 &&
	    rc != -ENOMEM) {
		if (rc == 1)
			touch(&ev);
		else if (reason == NULL)
			abort();
		memset(&ev, 0, sizeof(ev));
		reason = NULL;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_extract_opts xo = { 0 };
	struct sl_extractor *x;
	struct sl_profile *p;
	char err[512], *text;
	int rc;

	if (tz == NULL) {
		if ((tz = sl_tz_load("Europe/Berlin", err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "fuzz-profile: %s\n", err);
			abort();
		}
		atexit(unload);
	}
	if (size > FUZZ_MAX)
		return 0;
	/* As sl_profileset_load hands it over: NUL-terminated. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	rc = sl_profile_parse("fuzz.profile", text, size, &p, err,
	    sizeof(err));
	if (rc < 0) {
		/* A refusal says why. */
		if (rc != -ENOMEM && err[0] == '\0')
			abort();
		free(text);
		return 0;
	}
	free(text);
	xo.tz = tz;
	xo.ref_time = INT64_C(1709277432000000);
	if ((x = sl_extractor_new(p, &xo, err, sizeof(err))) != NULL) {
		extract(x);
		sl_extractor_free(x);
	}
	sl_profile_free(p);
	return 0;
}
