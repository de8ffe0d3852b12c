/* fuzz-manifest.c: a case's manifest (manifest.tsv), read by opening the
 * case and by the manifest's reader, as the tools do. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessionlog.h"
#include "fuzz-common.h"

#define FUZZ_MAX (64 * 1024)

static char casedir[4200];
static char manifest[8400];

static void
setup(void)
{
	char **files;
	size_t n, i;
	const char *base;

	fuzz_path(casedir, sizeof(casedir), fuzz_dir("manifest"), "case");
	fuzz_make_case(casedir);
	/* Wherever the case keeps it. */
	files = fuzz_list_files(casedir, &n);
	for (i = 0; i < n; i++) {
		base = strrchr(files[i], '/');
		base = base != NULL ? base + 1 : files[i];
		if (manifest[0] == '\0' && strcmp(base, "manifest.tsv") == 0)
			fuzz_path(manifest, sizeof(manifest), casedir,
			    files[i]);
		free(files[i]);
	}
	free(files);
	if (manifest[0] == '\0') {
		fprintf(stderr, "fuzz-manifest: no manifest.tsv in %s\n",
		    casedir);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sl_manifest_row *row;
	struct sl_manifest *m;
	struct sl_detect *d;
	struct sl_case *c;
	struct sl_str v;
	char err[512], tz[128];
	int rc;

	if (manifest[0] == '\0')
		setup();
	if (size > FUZZ_MAX)
		return 0;
	fuzz_write(manifest, data, size);
	err[0] = '\0';
	if ((c = sl_case_open(casedir, 0, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	(void)sl_case_tz(c, tz, sizeof(tz));
	(void)sl_case_dated_last(c);
	(void)sl_case_has_sha256(c, "0000000000000000000000000000000000000"
	    "000000000000000000000000000");
	if ((m = sl_manifest_open(c)) == NULL) {
		if (*sl_case_error(c) == '\0')
			abort();
	} else {
		(void)sl_manifest_has(m, "notes");
		while ((rc = sl_manifest_next(m, &row)) != 0) {
			if (rc < 0 && rc != -EBADMSG)
				break;
			if (rc < 0)
				continue;
			fuzz_touch(row->sha256.p, row->sha256.n);
			fuzz_touch(row->path.p, row->path.n);
			fuzz_touch(row->member.p, row->member.n);
			fuzz_touch(row->profile.p, row->profile.n);
			fuzz_touch(row->tz.p, row->tz.n);
			fuzz_touch(row->notes.p, row->notes.n);
			if (sl_notes_get(row->notes.p, row->notes.n,
			    "truncated", &v) == 1)
				fuzz_touch(v.p, v.n);
		}
		sl_manifest_free(m);
	}
	/* The integrity rules judge the manifest. */
	if ((d = sl_detect_new(NULL)) != NULL) {
		(void)sl_detect_run(d, c);
		sl_detect_free(d);
	}
	sl_case_free(c);
	return 0;
}
