/* fuzz-idx.c: a timeline's index (users/NAME.idx), as every reader of
 * timelines loads it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "store.h"

#define FUZZ_MAX (64 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_chunk *ch = NULL;
	char err[256];
	size_t n = 0, i;
	FILE *fp;
	int rc;

	if (size > FUZZ_MAX)
		return 0;
	/* fmemopen does not take an empty buffer everywhere. */
	if (size == 0) {
		if ((fp = tmpfile()) == NULL)
			return 0;
	} else if ((fp = fmemopen((void *)data, size, "r")) == NULL) {
		return 0;
	}
	err[0] = '\0';
	rc = sl_idx_load(fp, &ch, &n, err, sizeof(err));
	fclose(fp);
	if (rc < 0) {
		if (rc != -ENOMEM && rc != -EBADMSG)
			abort();
		if (err[0] == '\0')
			abort();
		return 0;
	}
	/* What the readers rely on: blocks in order, spans that do not go
	 * back, no empty block. */
	for (i = 0; i < n; i++) {
		if (ch[i].first > ch[i].last || ch[i].rows == 0)
			abort();
		if (i > 0 && (ch[i].off <= ch[i - 1].off ||
		    ch[i].first < ch[i - 1].last))
			abort();
	}
	free(ch);
	return 0;
}
