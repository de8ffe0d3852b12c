/* test-bgzf.c: BGZF files read back by zlib, gzip and our block reader. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "internal.h"
#include "check.h"

static char dir[] = "/tmp/test-bgzf-XXXXXX";

static int
have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* A whole file, or NULL. */
static char *
read_all(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *p = NULL;
	long len;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)len + 1)) != NULL &&
	    fread(p, 1, (size_t)len, fp) != (size_t)len) {
		free(p);
		p = NULL;
	}
	if (p != NULL)
		*n = (size_t)len;
	fclose(fp);
	return p;
}

/* Text, then incompressible bytes, then more text: several blocks. */
static char *
make_data(size_t n)
{
	uint64_t x = 88172645463325252u;
	char *p = malloc(n);
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i > n / 3 && i < 2 * n / 3)
			p[i] = (char)x;
		else
			p[i] = "abcdefgh\n"[i % 9];
	}
	return p;
}

static int
write_file(const char *path, const char *data, size_t n, uint64_t *offs,
    size_t *noffs)
{
	struct sl_bgzf_writer *w;
	FILE *fp = fopen(path, "wb");
	size_t i, step = 10007;

	if (fp == NULL)
		return -1;
	w = sl_bgzf_writer_new(fp, 6);
	*noffs = 0;
	for (i = 0; i < n; i += step) {
		size_t k = n - i < step ? n - i : step;

		CHECK_INT(sl_bgzf_write(w, data + i, k), 0);
		if (i % (step * 5) == 0) {
			CHECK_INT(sl_bgzf_flush(w), 0);
			offs[(*noffs)++] = sl_bgzf_tell(w);
		}
	}
	CHECK_INT(sl_bgzf_close(w), 0);
	return fclose(fp);
}

static void
test_roundtrip(void)
{
	size_t n = 1000003, noffs, got = 0;
	char *data = make_data(n), *back = malloc(n + 1);
	char path[256], cmd[600];
	uint64_t offs[256], off;
	struct sl_bgzf_reader *r;
	struct sl_buf b = { 0 };
	gzFile gz;
	FILE *fp;
	int rc, blocks = 0, k;
	long size;

	snprintf(path, sizeof(path), "%s/a.gz", dir);
	CHECK_INT(write_file(path, data, n, offs, &noffs), 0);

	/* zlib reads across all the members. */
	gz = gzopen(path, "rb");
	CHECK(gz != NULL);
	while ((k = gzread(gz, back + got, (unsigned)(n + 1 - got))) > 0)
		got += (size_t)k;
	gzclose(gz);
	CHECK_INT(got, n);
	CHECK(memcmp(back, data, n) == 0);

	/* Our reader: every block checks out, at most 64 KiB each. */
	fp = fopen(path, "rb");
	r = sl_bgzf_reader_new(fp);
	while ((rc = sl_bgzf_read_block(r, &b, &off)) > 0)
		blocks++;
	CHECK_INT(rc, 0);
	CHECK_INT(b.n, n);
	CHECK(b.n == n && memcmp(b.p, data, n) == 0);
	CHECK(blocks > (int)(n / 0xff00));
	/* Seeking to a flushed offset gives the data from there. */
	CHECK(noffs > 2);
	CHECK_INT(sl_bgzf_reader_seek(r, offs[1]), 0);
	sl_buf_reset(&b);
	CHECK_INT(sl_bgzf_read_block(r, &b, &off), 1);
	CHECK(off == offs[1]);
	CHECK(b.n > 0 && memcmp(b.p, data + 10007 * 6, b.n) == 0);
	sl_bgzf_reader_free(r);
	fclose(fp);

	/* Last 28 bytes: the EOF block. */
	fp = fopen(path, "rb");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, -28, SEEK_CUR);
	{
		unsigned char eof[28];

		CHECK_INT(fread(eof, 1, 28, fp), 28);
		CHECK(eof[0] == 0x1f && eof[12] == 'B' && eof[13] == 'C' &&
		    eof[16] == 27);
	}
	fclose(fp);
	CHECK(size > 0);

	if (have("gzip")) {
		snprintf(cmd, sizeof(cmd), "gzip -t '%s'", path);
		CHECK_INT(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > '%s/a.out'", path,
		    dir);
		CHECK_INT(system(cmd), 0);
		snprintf(path, sizeof(path), "%s/a.out", dir);
		fp = fopen(path, "rb");
		got = fp != NULL ? fread(back, 1, n + 1, fp) : 0;
		if (fp != NULL)
			fclose(fp);
		CHECK_INT(got, n);
		CHECK(memcmp(back, data, n) == 0);
		unlink(path);
	} else {
		fprintf(stderr, "gzip not found: skipped\n");
	}
	if (have("zcat")) {
		snprintf(path, sizeof(path), "%s/a.gz", dir);
		snprintf(cmd, sizeof(cmd), ""
		    "test $(zcat '%s' | wc -c) -eq %zu", path, n);
		CHECK_INT(system(cmd), 0);
	}
	snprintf(path, sizeof(path), "%s/a.gz", dir);
	unlink(path);
	sl_buf_release(&b);
	free(data);
	free(back);
}

static void
test_corrupt(void)
{
	char path[256], *data = make_data(200000);
	uint64_t offs[64];
	size_t noffs, i;
	struct sl_bgzf_reader *r;
	struct sl_buf b = { 0 };
	FILE *fp;
	long size;
	int rc, bad = 0;

	snprintf(path, sizeof(path), "%s/c.gz", dir);
	write_file(path, data, 200000, offs, &noffs);
	fp = fopen(path, "r+b");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	/* Flip bytes at many places: each flip is caught or harmless to the
	 * data (never silently different data). */
	for (i = 1; i < 40; i++) {
		long at = (long)((uint64_t)size * i / 40);
		int ch;

		fseek(fp, at, SEEK_SET);
		ch = getc(fp);
		fseek(fp, at, SEEK_SET);
		putc(ch ^ 0x5a, fp);
		fflush(fp);
		rewind(fp);
		r = sl_bgzf_reader_new(fp);
		sl_buf_reset(&b);
		while ((rc = sl_bgzf_read_block(r, &b, NULL)) > 0)
			;
		if (rc < 0) {
			bad++;
			CHECK(rc == -EBADMSG);
			CHECK(strstr(sl_bgzf_reader_error(r), "block at "
			    "offset") != NULL);
		} else {
			CHECK(b.n == 200000 && memcmp(b.p, data, b.n) == 0);
		}
		sl_bgzf_reader_free(r);
		fseek(fp, at, SEEK_SET);
		putc(ch, fp);
		fflush(fp);
	}
	CHECK(bad > 30);
	/* Truncation. */
	CHECK_INT(ftruncate(fileno(fp), size - 40), 0);
	rewind(fp);
	r = sl_bgzf_reader_new(fp);
	sl_buf_reset(&b);
	while ((rc = sl_bgzf_read_block(r, &b, NULL)) > 0)
		;
	CHECK_INT(rc, -EBADMSG);
	sl_bgzf_reader_free(r);
	fclose(fp);
	unlink(path);
	sl_buf_release(&b);
	free(data);
}

static void
test_empty(void)
{
	char path[256];
	struct sl_bgzf_writer *w;
	struct sl_bgzf_reader *r;
	struct sl_buf b = { 0 };
	FILE *fp;

	snprintf(path, sizeof(path), "%s/e.gz", dir);
	fp = fopen(path, "wb");
	w = sl_bgzf_writer_new(fp, 6);
	CHECK_INT(sl_bgzf_flush(w), 0);
	CHECK(sl_bgzf_tell(w) == 0);
	CHECK_INT(sl_bgzf_close(w), 0);
	CHECK_INT(ftell(fp), 28);
	fclose(fp);
	fp = fopen(path, "rb");
	r = sl_bgzf_reader_new(fp);
	CHECK_INT(sl_bgzf_read_block(r, &b, NULL), 1);
	CHECK_INT(b.n, 0);
	CHECK_INT(sl_bgzf_read_block(r, &b, NULL), 0);
	sl_bgzf_reader_free(r);
	fclose(fp);
	unlink(path);
	sl_buf_release(&b);
}

/*
 * Writers in a pool: several files written at once, a block at a time
 * on the pool's threads, are byte for byte what writers without one
 * write, at level 1 and 6 and with stored (incompressible) blocks; and
 * the offsets of their blocks, by number, are where the blocks are.
 */
static void
test_pool(void)
{
	size_t n = 1000003, step = 7919, i, k, m;
	char *data = make_data(n), path[256];
	unsigned threads;

	for (threads = 1; threads <= 3; threads += 2) {
		struct sl_bgzf_pool *pool = sl_bgzf_pool_new(threads);
		struct sl_bgzf_writer *w[4];
		uint64_t blk[4][200], off[4][200];
		size_t nblk[4] = { 0 };
		FILE *fp[4];
		char *a, *b;
		size_t an, bn;

		CHECK(pool != NULL);
		for (k = 0; k < 4; k++) {
			snprintf(path, sizeof(path), "%s/p%zu.gz", dir, k);
			fp[k] = fopen(path, "wb");
			w[k] = k < 2 ? sl_bgzf_writer_pool(fp[k], k ? 6 : 1,
			    pool) : sl_bgzf_writer_new(fp[k], k == 3 ? 6 : 1);
			CHECK(w[k] != NULL);
		}
		/* The writers take turns, as the commit's do. */
		for (i = 0; i < n; i += step) {
			m = n - i < step ? n - i : step;
			for (k = 0; k < 4; k++) {
				CHECK_INT(sl_bgzf_write(w[k], data + i, m), 0);
				if (i % (step * 3) == 0 && nblk[k] < 200) {
					CHECK_INT(sl_bgzf_flush(w[k]), 0);
					blk[k][nblk[k]++] =
					    sl_bgzf_blocks(w[k]);
				}
			}
		}
		for (k = 0; k < 4; k++) {
			for (i = 0; i < nblk[k]; i++)
				CHECK_INT(sl_bgzf_block_offset(w[k],
				    blk[k][i], &off[k][i]), 0);
			CHECK_INT(sl_bgzf_close(w[k]), 0);
			fclose(fp[k]);
		}
		sl_bgzf_pool_free(pool);
		for (k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "%s/p%zu.gz", dir, k);
			a = read_all(path, &an);
			snprintf(path, sizeof(path), "%s/p%zu.gz", dir,
			    k + 2);
			b = read_all(path, &bn);
			CHECK(a != NULL && b != NULL && an == bn &&
			    memcmp(a, b, an) == 0);
			CHECK_INT(nblk[k], nblk[k + 2]);
			for (i = 0; i < nblk[k]; i++) {
				CHECK_INT(blk[k][i], blk[k + 2][i]);
				CHECK_INT(off[k][i], off[k + 2][i]);
				/* A block starts there. */
				CHECK(off[k][i] + 18 <= an &&
				    (unsigned char)a[off[k][i]] == 0x1f &&
				    (unsigned char)a[off[k][i] + 1] == 0x8b);
			}
			free(a);
			free(b);
		}
		for (k = 0; k < 4; k++) {
			snprintf(path, sizeof(path), "%s/p%zu.gz", dir, k);
			unlink(path);
		}
	}
	free(data);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_roundtrip();
	test_corrupt();
	test_empty();
	test_pool();
	rmdir(dir);
	return check_done("bgzf");
}
