/* fuzz-rules.c: rules files (summarize --rules), then a run with what
 * they set. */
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
	const char *name;
	char value[128];
	size_t i, k;
	int rc, off;

	if (path[0] == '\0')
		fuzz_path(path, sizeof(path), fuzz_dir("rules"), "fuzz.rules");
	if (size > FUZZ_MAX)
		return 0;
	fuzz_write(path, data, size);
	if ((d = sl_detect_new(NULL)) == NULL)
		return 0;
	rc = sl_detect_load_rules(d, path);
	if (rc < 0) {
		const char *e = sl_detect_error(d);

		/* "path:line: why", or the file's own error. */
		if (rc != -ENOMEM && (e == NULL ||
		    strncmp(e, path, strlen(path)) != 0))
			abort();
	}
	/* What the lines before an error set stays: read it all back. */
	for (i = 0; i < sl_detect_rule_count(d); i++) {
		if ((name = sl_detect_rule_name(d, i)) == NULL ||
		    sl_level_name(sl_detect_rule_level(d, i, &off)) == NULL)
			abort();
		for (k = 0; sl_detect_rule_setting(d, i, k, value,
		    sizeof(value)) != NULL; k++)
			fuzz_touch(value, strlen(value));
	}
	/* The run costs most of an input's time: only for a file that
	 * loaded, so that the parser is what the time goes to. */
	if (rc == 0)
		fuzz_detect_feed(d);
	sl_detect_free(d);
	return 0;
}
