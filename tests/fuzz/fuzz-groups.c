/* fuzz-groups.c: groups files (summarize --groups, diff-users --peers),
 * by the default column or another named by the first byte. */
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
	static const char *const columns[] = { NULL, "site", "user", "" };
	static const char *const users[] = {
		"a.schmidt", "j.rivera", "d.weber", "", "nobody",
	};
	static char path[4200];
	struct sl_detect *d;
	struct sl_str g;
	size_t i;
	int rc;

	if (path[0] == '\0')
		fuzz_path(path, sizeof(path), fuzz_dir("groups"), "groups.tsv");
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	fuzz_write(path, data + 1, size - 1);
	if ((d = sl_detect_new(NULL)) == NULL)
		return 0;
	rc = sl_detect_load_groups(d, path, columns[data[0] % 4]);
	if (rc < 0) {
		const char *e = sl_detect_error(d);

		if (rc != -ENOMEM && (e == NULL || *e == '\0'))
			abort();
		sl_detect_free(d);
		return 0;
	}
	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		g = sl_detect_group(d, users[i], strlen(users[i]));
		if (g.n > 0 && g.p == NULL)
			abort();
		fuzz_touch(g.p, g.n);
	}
	fuzz_detect_feed(d);
	sl_detect_free(d);
	return 0;
}
