/* fuzz-stream.c: containers, gzip recovery and the record splitter. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define FUZZ_MAX (64 * 1024)
/* Bounds on the work for one input: decompressed bytes per walk (a small
 * input may be a compression bomb) and records per log. */
#define FUZZ_MAX_BYTES (8u << 20)
#define FUZZ_MAX_RECORDS 100000
#define FUZZ_MAX_RECORD 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where record bytes are summed so that reading them is not optimised out. */
static volatile unsigned sink;

static char dir[4096];
static char path[4200];

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void
setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/fuzz-stream.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("fuzz-stream: mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/input", dir);
	atexit(cleanup);
}

/* What the splitter handed out, every record's place, flags and bytes
 * hashed: JSON split with the block scan and without must agree. */
static uint64_t digest;

static void
digest_add(const void *p, size_t n)
{
	digest = (digest ^ sl_hash64(p, n)) * 1099511628211ull;
}

/* Read one log through the splitter in mode; returns the records' bytes. */
static uint64_t
split_log(struct sl_stream *s, int mode, uint64_t budget)
{
	struct sl_split *sp;
	struct sl_record rec;
	uint64_t bytes = 0;
	unsigned nrec = 0;
	int rc;

	if ((sp = sl_split_new(s, mode, FUZZ_MAX_RECORD)) == NULL)
		return 0;
	if (mode == SL_SPLIT_JSON)
		(void)sl_split_peek(sp);
	while (nrec++ < FUZZ_MAX_RECORDS && bytes < budget) {
		rc = sl_split_next(sp, &rec);
		digest_add(&rc, sizeof(rc));
		if (rc == SL_EDISCONT) {
			if (sl_split_error(sp) == NULL)
				abort();
			continue;
		}
		if (rc < 0) {
			if (sl_split_error(sp) == NULL)
				abort();
			break;
		}
		if (rc == 0)
			break;
		if (rec.n > FUZZ_MAX_RECORD || (rec.n > 0 && rec.p == NULL))
			abort();
		digest_add(&rec.offset, sizeof(rec.offset));
		digest_add(&rec.line, sizeof(rec.line));
		digest_add(&rec.flags, sizeof(rec.flags));
		digest_add(&rec.n, sizeof(rec.n));
		digest_add(rec.p, rec.n);
		if (rec.n > 0)
			sink += (unsigned char)rec.p[0] +
			    (unsigned char)rec.p[rec.n - 1];
		/* Where the log is: skipped bytes count too. */
		bytes = rec.offset + rec.n + 1;
	}
	sl_split_free(sp);
	return bytes;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* JSON twice: with the block scan, then without (the last). */
	static const int modes[] = {
		SL_SPLIT_LINES, SL_SPLIT_CSV, SL_SPLIT_JSON, SL_SPLIT_JSON,
	};
	uint64_t json = 0;
	const char *paths[1] = { path };
	struct sl_walk_opts wo = { 0 };
	struct sl_walk_item it;
	struct sl_walk *w;
	uint64_t used;
	size_t m;
	FILE *fp;
	int rc;

	if (dir[0] == '\0')
		setup();
	if (size > FUZZ_MAX)
		return 0;
	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	if (fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	wo.max_depth = 3;
	wo.tmpdir = dir;
	for (m = 0; m < SL_ARRAY_LEN(modes); m++) {
		sl_split_blocks = m + 1 < SL_ARRAY_LEN(modes);
		digest = 0;
		if ((w = sl_walk_new(paths, 1, &wo)) == NULL)
			continue;
		used = 0;
		while ((rc = sl_walk_next(w, &it)) == 1) {
			if (it.name == NULL)
				abort();
			if (it.type == SL_WALK_LOG && used < FUZZ_MAX_BYTES)
				used += split_log(it.stream, modes[m],
				    FUZZ_MAX_BYTES - used);
			if (it.type == SL_WALK_ERROR && it.message == NULL)
				abort();
		}
		sl_walk_free(w);
		if (m + 2 == SL_ARRAY_LEN(modes))
			json = digest;
		else if (m + 1 == SL_ARRAY_LEN(modes) && digest != json)
			abort();	/* the block scan split differently */
	}
	sl_split_blocks = 1;
	unlink(path);
	return 0;
}
