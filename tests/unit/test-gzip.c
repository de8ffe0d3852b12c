/* test-gzip.c: gzip and zlib decoding, with damaged and truncated input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "internal.h"
#include "check.h"

struct mem {
	const unsigned char *p;
	size_t n, off, chunk;
};

static ssize_t
mem_in(void *arg, void *buf, size_t n)
{
	struct mem *m = arg;

	if (n > m->n - m->off)
		n = m->n - m->off;
	if (m->chunk > 0 && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

/* Append a gzip member (or zlib stream, wbits 15) of p to b. */
static void
deflate_to(struct sl_buf *b, const char *p, size_t n, int wbits)
{
	z_stream z;
	size_t bound;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
	bound = deflateBound(&z, n) + 32;
	sl_buf_grow(b, bound);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)b->p + b->n;
	z.avail_out = (uInt)bound;
	deflate(&z, Z_FINISH);
	b->n += bound - z.avail_out;
	deflateEnd(&z);
}

/* Decode everything; collect output in out, count discontinuities; the
 * final return (0 or an error) is returned. */
static int
decode(const struct sl_buf *in, int zlib, size_t chunk, struct sl_buf *out,
    int *ndisc, char *msg, size_t msglen)
{
	struct mem m = { (const unsigned char *)in->p, in->n, 0, chunk };
	struct sl_gz *g;
	char buf[1000];
	ssize_t r;

	*ndisc = 0;
	msg[0] = '\0';
	g = sl_gz_new(zlib, mem_in, NULL, &m);
	for (;;) {
		r = sl_gz_read(g, buf, sizeof(buf));
		if (r > 0) {
			sl_buf_add(out, buf, (size_t)r);
			continue;
		}
		if (r == SL_EDISCONT) {
			(*ndisc)++;
			snprintf(msg, msglen, "%s", sl_gz_error(g));
			continue;
		}
		if (r < 0)
			snprintf(msg, msglen, "%s", sl_gz_error(g));
		break;
	}
	sl_gz_free(g);
	return (int)r;
}

static void
lines(struct sl_buf *b, int from, int to)
{
	int i;

	for (i = from; i < to; i++)
		sl_buf_printf(b, "{\"n\":%d,\"pad\":\"%08x%08x\"}\n", i,
		    (unsigned)i * 2654435761u, (unsigned)i * 40503u);
}

int
main(void)
{
	struct sl_buf a = { 0 }, b = { 0 }, c = { 0 }, gz = { 0 }, out = { 0 };
	char msg[512];
	size_t m1, m2, i;
	int nd, rc;

	lines(&a, 0, 2000);
	lines(&b, 2000, 4000);
	lines(&c, 4000, 6000);

	/* Concatenated members: all of them are read, in small chunks too. */
	deflate_to(&gz, a.p, a.n, 31);
	deflate_to(&gz, b.p, b.n, 31);
	deflate_to(&gz, c.p, c.n, 31);
	for (i = 0; i < 2; i++) {
		sl_buf_reset(&out);
		rc = decode(&gz, 0, i ? 7 : 0, &out, &nd, msg, sizeof(msg));
		CHECK_INT(rc, 0);
		CHECK_INT(nd, 0);
		CHECK_INT(out.n, a.n + b.n + c.n);
		CHECK(out.n >= a.n && memcmp(out.p, a.p, a.n) == 0);
		CHECK(out.n == a.n + b.n + c.n &&
		    memcmp(out.p + a.n + b.n, c.p, c.n) == 0);
	}

	/* Zero padding after the last member is silent; junk is told. */
	sl_buf_add(&gz, "\0\0\0\0\0\0\0\0", 8);
	sl_buf_reset(&out);
	rc = decode(&gz, 0, 0, &out, &nd, msg, sizeof(msg));
	CHECK_INT(rc, 0);
	CHECK_INT(nd, 0);
	CHECK_INT(out.n, a.n + b.n + c.n);
	sl_buf_add(&gz, "junk", 4);
	sl_buf_reset(&out);
	rc = decode(&gz, 0, 0, &out, &nd, msg, sizeof(msg));
	CHECK_INT(rc, 0);
	CHECK_INT(nd, 1);
	CHECK(strstr(msg, "trailing garbage") != NULL);
	CHECK_INT(out.n, a.n + b.n + c.n);

	/* BGZF-like: a member with the BC extra field, then the empty EOF
	 * block; written by the project's own BGZF writer. */
	{
		char path[] = "/tmp/test-gzip-XXXXXX";
		struct sl_bgzf_writer *bw;
		struct sl_buf f = { 0 };
		FILE *fp;
		int fd = mkstemp(path);
		char tmp[4096];
		size_t k;

		fp = fdopen(fd, "w+");
		unlink(path);
		bw = sl_bgzf_writer_new(fp, 6);
		sl_bgzf_write(bw, a.p, a.n);
		sl_bgzf_write(bw, b.p, b.n);
		CHECK_INT(sl_bgzf_close(bw), 0);
		fflush(fp);
		rewind(fp);
		while ((k = fread(tmp, 1, sizeof(tmp), fp)) > 0)
			sl_buf_add(&f, tmp, k);
		fclose(fp);
		CHECK(f.n > 18 && f.p[3] == 4);	/* FEXTRA */
		sl_buf_reset(&out);
		rc = decode(&f, 0, 0, &out, &nd, msg, sizeof(msg));
		CHECK_INT(rc, 0);
		CHECK_INT(nd, 0);
		CHECK_INT(out.n, a.n + b.n);
		CHECK(out.n == a.n + b.n && memcmp(out.p + a.n, b.p, b.n) == 0);
		sl_buf_release(&f);
	}

	/* A corrupt middle member: its bytes are lost, the third is read. */
	sl_buf_reset(&gz);
	deflate_to(&gz, a.p, a.n, 31);
	m1 = gz.n;
	deflate_to(&gz, b.p, b.n, 31);
	m2 = gz.n;
	deflate_to(&gz, c.p, c.n, 31);
	memset(gz.p + m1 + 200, 0xff, 64);
	sl_buf_reset(&out);
	rc = decode(&gz, 0, 0, &out, &nd, msg, sizeof(msg));
	CHECK_INT(rc, 0);
	CHECK_INT(nd, 1);
	CHECK(strstr(msg, "corrupt gzip data at compressed byte") != NULL);
	{
		char want[64];

		snprintf(want, sizeof(want), "next member at byte %zu", m2);
		CHECK(strstr(msg, want) != NULL);
	}
	CHECK(out.n > a.n + c.n && out.n < a.n + b.n + c.n);
	CHECK(memcmp(out.p, a.p, a.n) == 0);
	CHECK(memcmp(out.p + out.n - c.n, c.p, c.n) == 0);

	/* A CRC mismatch is told; the data stays. */
	sl_buf_reset(&gz);
	deflate_to(&gz, a.p, a.n, 31);
	gz.p[gz.n - 8] ^= 1;
	deflate_to(&gz, b.p, b.n, 31);
	sl_buf_reset(&out);
	rc = decode(&gz, 0, 0, &out, &nd, msg, sizeof(msg));
	CHECK_INT(rc, 0);
	CHECK_INT(nd, 1);
	CHECK(strstr(msg, "incorrect data check") != NULL);
	CHECK_INT(out.n, a.n + b.n);

	/* Truncated: every byte before the cut, then -EPIPE with where. */
	sl_buf_reset(&gz);
	deflate_to(&gz, a.p, a.n, 31);
	gz.n = gz.n * 6 / 10;
	sl_buf_reset(&out);
	rc = decode(&gz, 0, 3, &out, &nd, msg, sizeof(msg));
	CHECK_INT(rc, -EPIPE);
	CHECK(strstr(msg, "truncated gzip data at compressed byte") != NULL);
	{
		char want[64];

		snprintf(want, sizeof(want), "byte %zu ", gz.n);
		CHECK(strstr(msg, want) != NULL);
	}
	CHECK(out.n > a.n / 3 && out.n < a.n && memcmp(out.p, a.p, out.n) ==
	    0);

	/* zlib: read; damage ends it with a message. */
	sl_buf_reset(&gz);
	deflate_to(&gz, a.p, a.n, 15);
	CHECK((unsigned char)gz.p[0] == 0x78);
	sl_buf_reset(&out);
	rc = decode(&gz, 1, 0, &out, &nd, msg, sizeof(msg));
	CHECK_INT(rc, 0);
	CHECK_INT(out.n, a.n);
	memset(gz.p + gz.n / 2, 0xff, 16);
	sl_buf_reset(&out);
	rc = decode(&gz, 1, 0, &out, &nd, msg, sizeof(msg));
	CHECK(rc == -EBADMSG || rc == -EPIPE);
	CHECK(strstr(msg, "zlib data at compressed byte") != NULL);

	/* Only junk after the first header: bounded, no hang, told. */
	sl_buf_reset(&gz);
	sl_buf_add(&gz, "\x1f\x8b\x08\x00\0\0\0\0\0\x03", 10);
	for (i = 0; i < 100000; i++)
		sl_buf_addc(&gz, (int)(i * 7 % 251));
	sl_buf_reset(&out);
	rc = decode(&gz, 0, 0, &out, &nd, msg, sizeof(msg));
	CHECK(rc < 0);
	CHECK(strstr(msg, "corrupt gzip data") != NULL);

	sl_buf_release(&a);
	sl_buf_release(&b);
	sl_buf_release(&c);
	sl_buf_release(&gz);
	sl_buf_release(&out);
	return check_done("gzip");
}
