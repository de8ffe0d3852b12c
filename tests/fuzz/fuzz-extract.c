/* fuzz-extract.c: records through a shipped profile's extractor. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FUZZ_MAX (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where record bytes are summed so that reading them is not optimised out. */
static volatile unsigned sink;

static struct sl_profileset *ps;
static struct sl_tz *tz;

static void
unload(void)
{
	sl_profileset_free(ps);
	sl_tz_free(tz);
}

static void
load(void)
{
	char err[512];

	ps = sl_profileset_load(SRCDIR "/profiles", err, sizeof(err));
	if (ps == NULL || sl_profileset_count(ps) == 0) {
		fprintf(stderr, "fuzz-extract: %s\n", err);
		abort();
	}
	if ((tz = sl_tz_load("Europe/Berlin", err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz-extract: %s\n", err);
		abort();
	}
	atexit(unload);
}

/* Look at every byte of an event's strings so that bad views show. */
static void
touch(const struct sl_event *ev)
{
	const struct sl_str *s[] = {
		&ev->user, &ev->session, &ev->resource, &ev->query,
		&ev->purpose, &ev->src, &ev->trace, &ev->kind, &ev->key,
		&ev->raw,
	};
	size_t i, k;

	if (sl_action_name(ev->action) == NULL ||
	    sl_outcome_name(ev->outcome) == NULL)
		abort();
	for (i = 0; i < SL_ARRAY_LEN(s); i++) {
		if (s[i]->n > 0 && s[i]->p == NULL)
			abort();
		for (k = 0; k < s[i]->n; k++)
			sink += (unsigned char)s[i]->p[k];
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sl_profile *prof;
	struct sl_extract_opts xo = { 0 };
	struct sl_extractor *x;
	struct sl_event ev;
	struct sl_record rec;
	const char *reason;
	char err[256], *p;
	size_t i, start, n, line = 1;
	int rc;

	if (ps == NULL)
		load();
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	prof = sl_profileset_find(ps, sl_profileset_name(ps,
	    data[0] % sl_profileset_count(ps)));
	if (prof == NULL)
		abort();
	n = size - 1;
	if ((p = malloc(n ? n : 1)) == NULL)
		return 0;
	memcpy(p, data + 1, n);
	xo.tz = tz;
	xo.ref_time = INT64_C(1709277432000000);
	if ((x = sl_extractor_new(prof, &xo, err, sizeof(err))) == NULL)
		abort();
	/* Records are lines (CR LF too); empty ones are skipped as the
	 * splitter does. */
	for (start = 0, i = 0; i <= n; i++) {
		size_t end = i;

		if (i < n && p[i] != '\n')
			continue;
		if (end > start && p[end - 1] == '\r')
			end--;
		if (end > start) {
			memset(&rec, 0, sizeof(rec));
			rec.p = p + start;
			rec.n = end - start;
			rec.line = line;
			rec.offset = start;
			memset(&ev, 0, sizeof(ev));
			reason = NULL;
			rc = sl_extract_record(x, &rec, &ev, &reason);
			for (;;) {
				if (rc == 1)
					touch(&ev);
				else if (rc < 0 && rc != -ENOMEM &&
				    reason == NULL)
					abort();
				if (rc == 0 || rc == -ENOMEM)
					break;
				memset(&ev, 0, sizeof(ev));
				reason = NULL;
				rc = sl_extract_next(x, &ev, &reason);
			}
		}
		start = i + 1;
		line++;
	}
	memset(&ev, 0, sizeof(ev));
	reason = NULL;
	while ((rc = sl_extract_flush(x, &ev, &reason)) != 0) {
		if (rc == 1)
			touch(&ev);
		else if (rc == -ENOMEM)
			break;
		else if (reason == NULL)
			abort();
		memset(&ev, 0, sizeof(ev));
		reason = NULL;
	}
	sl_extractor_free(x);
	free(p);
	return 0;
}
