/*
 * test-inflate-paths.c: the same answers from ISA-L and zlib.
 *
 * Built with -Disal=enabled (or auto, where it is installed) sl_gz inflates
 * gzip members with ISA-L and the BGZF writer deflates with it; without,
 * zlib does it all.  Both builds run this test with the same expectations:
 * the output and every message as zlib alone gives them, computed here
 * with zlib from the layout of the input, and BGZF blocks that either
 * library wrote read by the other.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
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

/* Log-like text with some repetition, and pseudo-random bytes. */
static void
make_text(struct sl_buf *b, size_t n, uint64_t seed)
{
	uint64_t x = seed;
	char line[128];

	while (b->n < n) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		snprintf(line, sizeof(line), "{\"user\":\"u%u\",\"q\":\"%llx\","
		    "\"n\":%u}\n", (unsigned)(x % 300),
		    (unsigned long long)(x >> 20), (unsigned)(x % 7));
		sl_buf_add(b, line, strlen(line));
	}
	b->n = n;
}

static void
make_noise(struct sl_buf *b, size_t n, uint64_t seed)
{
	uint64_t x = seed;
	size_t i;

	sl_buf_grow(b, n);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b->p[b->n + i] = (char)(x >> 24);
	}
	b->n += n;
}

static void
put32(struct sl_buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8),
		(unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	sl_buf_add(b, (const char *)c, 4);
}

/* Raw deflate of p at level onto b. */
static void
raw_deflate(struct sl_buf *b, const char *p, size_t n, int level)
{
	z_stream z;
	size_t bound;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	bound = deflateBound(&z, n) + 64;
	sl_buf_grow(b, bound);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)b->p + b->n;
	z.avail_out = (uInt)bound;
	CHECK_INT(deflate(&z, Z_FINISH), Z_STREAM_END);
	b->n += bound - z.avail_out;
	deflateEnd(&z);
}

/*
 * A gzip member of p: with fancy set, its header carries FEXTRA, FNAME,
 * FCOMMENT and FHCRC (RFC 1952, 2.3.1), as few writers make them.
 */
static void
member(struct sl_buf *b, const char *p, size_t n, int level, int fancy)
{
	static const unsigned char plain[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0,
		0, 0, 3 };
	size_t h = b->n;

	if (!fancy)
		sl_buf_add(b, (const char *)plain, sizeof(plain));
	else {
		unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0x1e, 0, 0, 0, 0, 0,
			3 };
		uint32_t hc;

		sl_buf_add(b, (const char *)hdr, sizeof(hdr));
		sl_buf_add(b, "\x06\x00" "AB\x02\x00xy", 8);
		sl_buf_add(b, "audit-2026-03-02.jsonl", 23);
		sl_buf_add(b, "made by hand", 13);
		hc = (uint32_t)crc32(0, (unsigned char *)b->p + h,
		    (uInt)(b->n - h));
		sl_buf_add(b, (const char *)&(unsigned char[2]){
		    (unsigned char)hc, (unsigned char)(hc >> 8) }, 2);
	}
	raw_deflate(b, p, n, level);
	put32(b, (uint32_t)crc32(0, (const unsigned char *)p, (uInt)n));
	put32(b, (uint32_t)n);
}

/* What zlib alone makes of one member at p: its output. */
static void
zlib_ref(const unsigned char *p, size_t n, struct sl_buf *out)
{
	unsigned char buf[65536];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	inflateInit2(&z, 31);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = inflate(&z, Z_NO_FLUSH);
		sl_buf_add(out, (const char *)buf, sizeof(buf) - z.avail_out);
	} while (rc == Z_OK);
	inflateEnd(&z);
}

/* Decode in with sl_gz in pieces of chunk bytes (0: as much as asked). */
static int
decode(const struct sl_buf *in, size_t chunk, struct sl_buf *out,
    int *ndisc, char *msg, size_t msglen)
{
	struct mem m = { (const unsigned char *)in->p, in->n, 0, chunk };
	struct sl_gz *g;
	static char buf[100000];
	size_t ask = chunk == 1 ? 3 : sizeof(buf);
	ssize_t r;

	*ndisc = 0;
	msg[0] = '\0';
	out->n = 0;
	g = sl_gz_new(0, mem_in, NULL, &m);
	for (;;) {
		r = sl_gz_read(g, buf, ask);
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

static int
same(const struct sl_buf *a, const struct sl_buf *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

static void
test_gzip(void)
{
	static const size_t chunks[] = { 0, 1, 7, 4093, 65536 };
	struct sl_buf d1 = { 0 }, d2 = { 0 }, d3 = { 0 }, all = { 0 };
	struct sl_buf in = { 0 }, cut = { 0 }, out = { 0 }, want = { 0 };
	size_t m2, m3, i;
	char msg[512], exp[512];
	int nd, rc;

	make_text(&d1, 300000, 1);
	make_text(&d2, 200000, 2);
	make_noise(&d3, 100000, 3);
	member(&in, d1.p, d1.n, 6, 0);
	m2 = in.n;
	member(&in, d2.p, d2.n, 1, 1);
	m3 = in.n;
	member(&in, d3.p, d3.n, 0, 0);
	sl_buf_add(&all, d1.p, d1.n);
	sl_buf_add(&all, d2.p, d2.n);
	sl_buf_add(&all, d3.p, d3.n);

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		/* Three members, one with every header field: all of it. */
		rc = decode(&in, chunks[i], &out, &nd, msg, sizeof(msg));
		CHECK_INT(rc, 0);
		CHECK_INT(nd, 0);
		CHECK(same(&out, &all));

		/* A bad CRC in the second: its data, and zlib's words. */
		in.p[m3 - 8] ^= 0x55;
		rc = decode(&in, chunks[i], &out, &nd, msg, sizeof(msg));
		in.p[m3 - 8] ^= 0x55;
		CHECK_INT(rc, 0);
		CHECK_INT(nd, 1);
		CHECK(same(&out, &all));
		snprintf(exp, sizeof(exp), "corrupt gzip member at compressed "
		    "byte %zu (incorrect data check): its data was read but "
		    "may be damaged", m2);
		CHECK_STR(msg, exp);

		/* A bad length. */
		in.p[m3 - 2] ^= 0x01;
		rc = decode(&in, chunks[i], &out, &nd, msg, sizeof(msg));
		in.p[m3 - 2] ^= 0x01;
		CHECK_INT(nd, 1);
		CHECK(same(&out, &all));
		snprintf(exp, sizeof(exp), "corrupt gzip member at compressed "
		    "byte %zu (incorrect length check): its data was read but "
		    "may be damaged", m2);
		CHECK_STR(msg, exp);

		/* Cut in the first member's data: what zlib gets out. */
		cut.n = 0;
		sl_buf_add(&cut, in.p, m2 / 2);
		want.n = 0;
		zlib_ref((unsigned char *)cut.p, cut.n, &want);
		rc = decode(&cut, chunks[i], &out, &nd, msg, sizeof(msg));
		CHECK_INT(rc, -EPIPE);
		CHECK(same(&out, &want));
		snprintf(exp, sizeof(exp), "truncated gzip data at compressed "
		    "byte %zu (in the member at byte 0)", cut.n);
		CHECK_STR(msg, exp);

		/* Cut in the second member's trailer. */
		cut.n = 0;
		sl_buf_add(&cut, in.p, m3 - 3);
		rc = decode(&cut, chunks[i], &out, &nd, msg, sizeof(msg));
		CHECK_INT(rc, -EPIPE);
		CHECK(out.n == d1.n + d2.n && memcmp(out.p, all.p, out.n) == 0);
		snprintf(exp, sizeof(exp), "truncated gzip data at compressed "
		    "byte %zu (in the member at byte %zu)", cut.n, m2);
		CHECK_STR(msg, exp);

		/* Trailing garbage after the last member. */
		cut.n = 0;
		sl_buf_add(&cut, in.p, in.n);
		sl_buf_add(&cut, "junk!\n", 6);
		rc = decode(&cut, chunks[i], &out, &nd, msg, sizeof(msg));
		CHECK_INT(rc, 0);
		CHECK_INT(nd, 1);
		CHECK(same(&out, &all));
		snprintf(exp, sizeof(exp), "trailing garbage after gzip data "
		    "at compressed byte %zu (6 bytes ignored)", in.n);
		CHECK_STR(msg, exp);

		/* A damaged block header in the first member (BTYPE 3). */
		cut.n = 0;
		sl_buf_add(&cut, in.p, in.n);
		cut.p[10] = (char)(cut.p[10] | 0x06);
		rc = decode(&cut, chunks[i], &out, &nd, msg, sizeof(msg));
		CHECK_INT(rc, 0);
		CHECK_INT(nd, 1);
		CHECK(out.n == d2.n + d3.n &&
		    memcmp(out.p, all.p + d1.n, out.n) == 0);
		snprintf(exp, sizeof(exp), "corrupt gzip data at compressed "
		    "byte 11 (invalid block type); skipped to the next member "
		    "at byte %zu, %zu bytes lost", m2, m2 - 11);
		CHECK_STR(msg, exp);
	}
	free(d1.p);
	free(d2.p);
	free(d3.p);
	free(all.p);
	free(in.p);
	free(cut.p);
	free(out.p);
	free(want.p);
}

/* A member larger than the input ISA-L may keep (8 MiB), cut short. */
static void
test_large(void)
{
	struct sl_buf d = { 0 }, in = { 0 }, out = { 0 }, want = { 0 };
	char msg[512], exp[512];
	int nd, rc;

	make_noise(&d, 9u << 20, 4);
	member(&in, d.p, d.n, 1, 0);
	rc = decode(&in, 0, &out, &nd, msg, sizeof(msg));
	CHECK_INT(rc, 0);
	CHECK(same(&out, &d));
	in.n -= 5;
	zlib_ref((unsigned char *)in.p, in.n, &want);
	rc = decode(&in, 0, &out, &nd, msg, sizeof(msg));
	CHECK_INT(rc, -EPIPE);
	CHECK(same(&out, &want));
	snprintf(exp, sizeof(exp), "truncated gzip data at compressed byte "
	    "%zu (in the member at byte 0)", in.n);
	CHECK_STR(msg, exp);
	free(d.p);
	free(in.p);
	free(out.p);
	free(want.p);
}

/* BGZF blocks of the writer (ISA-L where built with it) read by zlib,
 * and a block deflated by zlib read by the block reader. */
static void
test_bgzf(void)
{
	struct sl_buf d = { 0 }, blk = { 0 }, out = { 0 };
	struct sl_bgzf_writer *w;
	struct sl_bgzf_reader *r;
	unsigned char *p, *raw;
	size_t n, off, bsize, isize;
	z_stream z;
	FILE *fp;
	char *mem = NULL;
	int blocks = 0;

	make_text(&d, 500000, 5);
	make_noise(&d, 70000, 6);
	fp = open_memstream(&mem, &n);
	w = sl_bgzf_writer_new(fp, 1);
	CHECK(w != NULL);
	CHECK_INT(sl_bgzf_write(w, d.p, d.n), 0);
	CHECK_INT(sl_bgzf_close(w), 0);
	fclose(fp);
	/* Each block by hand with zlib: raw inflate, CRC, ISIZE. */
	raw = malloc(65536);
	out.n = 0;
	for (off = 0; off + 28 < n; off += bsize) {
		p = (unsigned char *)mem + off;
		CHECK(p[0] == 0x1f && p[1] == 0x8b && p[12] == 'B');
		bsize = (size_t)(p[16] | p[17] << 8) + 1;
		isize = (size_t)p[bsize - 4] | (size_t)p[bsize - 3] << 8 |
		    (size_t)p[bsize - 2] << 16;
		memset(&z, 0, sizeof(z));
		inflateInit2(&z, -15);
		z.next_in = p + 18;
		z.avail_in = (uInt)(bsize - 26);
		z.next_out = raw;
		z.avail_out = 65536;
		CHECK_INT(inflate(&z, Z_FINISH), Z_STREAM_END);
		CHECK_INT(z.avail_in, 0);
		CHECK_INT(65536 - z.avail_out, isize);
		CHECK_INT(crc32(0, raw, (uInt)isize),
		    (uint32_t)(p[bsize - 8] | p[bsize - 7] << 8 |
		    p[bsize - 6] << 16 | (uint32_t)p[bsize - 5] << 24));
		inflateEnd(&z);
		sl_buf_add(&out, (const char *)raw, isize);
		blocks++;
	}
	CHECK(blocks >= 9);
	CHECK_INT(off + 28, n);
	CHECK(same(&out, &d));
	free(mem);

	/* A block deflated by zlib (level 9, as another writer might). */
	blk.n = 0;
	sl_buf_add(&blk, "\x1f\x8b\x08\x04\0\0\0\0\0\xff\x06\0BC\x02\0\0\0",
	    18);
	raw_deflate(&blk, d.p, 60000, 9);
	put32(&blk, (uint32_t)crc32(0, (unsigned char *)d.p, 60000));
	put32(&blk, 60000);
	blk.p[16] = (char)((blk.n - 1) & 0xff);
	blk.p[17] = (char)((blk.n - 1) >> 8);
	fp = fmemopen(blk.p, blk.n, "rb");
	r = sl_bgzf_reader_new(fp);
	out.n = 0;
	CHECK_INT(sl_bgzf_read_block(r, &out, NULL), 1);
	CHECK(out.n == 60000 && memcmp(out.p, d.p, 60000) == 0);
	sl_bgzf_reader_free(r);
	fclose(fp);
	/* Its CRC damaged: refused, in zlib's words. */
	blk.p[blk.n - 8] ^= 1;
	fp = fmemopen(blk.p, blk.n, "rb");
	r = sl_bgzf_reader_new(fp);
	out.n = 0;
	CHECK_INT(sl_bgzf_read_block(r, &out, NULL), -EBADMSG);
	CHECK_STR(sl_bgzf_reader_error(r),
	    "block at offset 0: CRC mismatch");
	sl_bgzf_reader_free(r);
	fclose(fp);
	free(raw);
	free(d.p);
	free(blk.p);
	free(out.p);
}

/* ---- a distance too far back ------------------------------------------ */

/* Bits into a deflate stream, least significant first (RFC 1951, 3.1.1). */
struct bits {
	struct sl_buf *b;
	uint32_t acc;
	int n;
};

static void
put_bits(struct bits *w, uint32_t v, int n)
{
	w->acc |= v << w->n;
	w->n += n;
	while (w->n >= 8) {
		sl_buf_addc(w->b, (int)(w->acc & 0xff));
		w->acc >>= 8;
		w->n -= 8;
	}
}

/* A Huffman code: its bits go most significant first. */
static void
put_code(struct bits *w, uint32_t code, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--)
		put_bits(w, (code >> i) & 1, 1);
}

/* A literal byte in the fixed code (RFC 1951, 3.2.6). */
static void
put_lit(struct bits *w, int c)
{
	if (c < 144)
		put_code(w, 0x30 + (uint32_t)c, 8);
	else
		put_code(w, 0x190 + (uint32_t)(c - 144), 9);
}

/*
 * A gzip member of one fixed-code block: lits literal bytes (text), then
 * a copy of 3 bytes from dist back, which is further back than the
 * member's output when dist > lits: zlib says "invalid distance too far
 * back" there.  The trailer is of the literals alone.
 */
static void
far_member(struct sl_buf *b, const struct sl_buf *text, size_t lits,
    uint32_t dist)
{
	static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0,
		0, 0, 3 };
	struct bits w = { b, 0, 0 };
	uint32_t code = 0, base = 1;
	size_t i;

	sl_buf_add(b, (const char *)hdr, sizeof(hdr));
	put_bits(&w, 1, 1);		/* BFINAL */
	put_bits(&w, 1, 2);		/* BTYPE 01: fixed codes */
	for (i = 0; i < lits; i++)
		put_lit(&w, (unsigned char)text->p[i]);
	put_code(&w, 1, 7);		/* 257: length 3 */
	/* The distance code whose range holds dist, and its extra bits. */
	while (code < 29) {
		int extra = code < 4 ? 0 : (int)(code / 2 - 1);
		uint32_t next = base + (1u << extra);

		if (dist < next)
			break;
		base = next;
		code++;
	}
	put_code(&w, code, 5);
	put_bits(&w, dist - base, code < 4 ? 0 : (int)(code / 2 - 1));
	put_code(&w, 0, 7);		/* 256: end of block */
	put_bits(&w, 0, 7);		/* to a byte */
	put32(b, (uint32_t)crc32(0, (const unsigned char *)text->p,
	    (uInt)lits));
	put32(b, (uint32_t)lits);
}

/*
 * A member whose data copies from before its start: ISA-L (2.30) does not
 * always see it, and copied whatever its state held, bytes of an earlier
 * file among them.  The output is zlib's: the bytes before that copy, then
 * the next member, and zlib's words for it.
 */
static void
test_far(void)
{
	static const size_t chunks[] = { 0, 1, 7, 4093, 65536 };
	static const struct {
		size_t lits;
		uint32_t dist;
	} far[] = {
		{ 1, 2 }, { 0, 1 }, { 100, 32768 }, { 20000, 25000 },
		{ 32000, 32001 },
	};
	struct sl_buf text = { 0 }, in = { 0 }, next = { 0 }, out = { 0 },
	    want = { 0 };
	size_t i, k, c, m2;
	char msg[512];
	int nd;

	make_text(&text, 40000, 7);
	make_text(&next, 50000, 8);
	for (k = 0; k < SL_ARRAY_LEN(far); k++) {
		/* After a good member (ISA-L's state then holds its bytes)
		 * and as the first. */
		for (i = 0; i < 2; i++) {
			in.n = 0;
			if (i == 1)
				member(&in, next.p, next.n, 6, 0);
			m2 = in.n;
			far_member(&in, &text, far[k].lits, far[k].dist);
			want.n = 0;
			zlib_ref((unsigned char *)in.p + m2, in.n - m2, &want);
			CHECK(want.n == far[k].lits);
			member(&in, next.p, next.n, 6, 0);
			if (i == 1) {
				out.n = 0;
				sl_buf_add(&out, next.p, next.n);
				sl_buf_add(&out, want.p, want.n);
				want.n = 0;
				sl_buf_add(&want, out.p, out.n);
			}
			sl_buf_add(&want, next.p, next.n);
			for (c = 0; c < SL_ARRAY_LEN(chunks); c++) {
				decode(&in, chunks[c], &out, &nd, msg,
				    sizeof(msg));
				CHECK_INT(nd, 1);
				CHECK(same(&out, &want));
				CHECK(strstr(msg, "(invalid distance too far "
				    "back)") != NULL);
				if (!same(&out, &want) || nd != 1)
					fprintf(stderr, "  %zu literals, "
					    "distance %u, %s, chunk %zu: %zu "
					    "bytes out, want %zu; %s\n",
					    far[k].lits, far[k].dist,
					    i ? "second member" : "first",
					    chunks[c], out.n, want.n, msg);
			}
		}
	}
	free(text.p);
	free(in.p);
	free(next.p);
	free(out.p);
	free(want.p);
}

int
main(void)
{
	test_gzip();
	test_large();
	test_bgzf();
	test_far();
	return check_done("inflate-paths");
}
