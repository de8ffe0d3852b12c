/* fuzz-policy.c: purpose policy files (summarize --policy), then a run
 * that matches resources and purposes against them. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessionlog.h"
#include "fuzz-common.h"

#define FUZZ_MAX (64 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[4200];
	struct sl_detect *d;
	int rc;

	if (path[0] == '\0')
		fuzz_path(path, sizeof(path), fuzz_dir("policy"), "policy.tsv");
	if (size > FUZZ_MAX)
		return 0;
	fuzz_write(path, data, size);
	if ((d = sl_detect_new(NULL)) == NULL)
		return 0;
	rc = sl_detect_load_policy(d, path);
	if (rc < 0) {
		const char *e = sl_detect_error(d);

		if (rc != -ENOMEM && (e == NULL ||
		    strncmp(e, path, strlen(path)) != 0))
			abort();
	}
	/* The run costs most of an input's time: only for a file that
	 * loaded, so that the parser is what the time goes to. */
	if (rc == 0)
		fuzz_detect_feed(d);
	sl_detect_free(d);
	return 0;
}
