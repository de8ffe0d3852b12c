/* bgzf.c: blocked gzip (htslib's BGZF) for the case store, write and read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "config.h"
#if SL_HAVE_ISAL
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#endif

#include "internal.h"

#define BLOCK_DATA 0xff00u	/* input bytes per block, as htslib */
#define BLOCK_MAX 0x10000u	/* a whole block, header to trailer */
#define HDR_LEN 18u
#define TRL_LEN 8u

static const unsigned char eof_block[28] = {
	0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06,
	0x00, 0x42, 0x43, 0x02, 0x00, 0x1b, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

struct sl_bgzf_writer {
	FILE *fp;
	int level, cur;
	uint64_t off;
	size_t n;
	int err;
	z_stream z;
#if SL_HAVE_ISAL
	struct isal_zstream *iz;	/* level 1 deflate, a block at a time */
#endif
	unsigned char in[BLOCK_DATA];
	unsigned char out[BLOCK_MAX];
};

/* The CRC-32 of gzip: ISA-L's folds with carry-less multiplies, several
 * times zlib's speed; the same value. */
static uint32_t
gzcrc(const unsigned char *p, size_t n)
{
#if SL_HAVE_ISAL
	return crc32_gzip_refl(0, p, n);
#else
	return (uint32_t)crc32(crc32(0, NULL, 0), p, (uInt)n);
#endif
}

struct sl_bgzf_writer *
sl_bgzf_writer_new(FILE *fp, int level)
{
	struct sl_bgzf_writer *w;
	off_t pos;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->fp = fp;
	w->level = level < 0 || level > 9 ? Z_DEFAULT_COMPRESSION : level;
	w->cur = w->level;
	pos = ftello(fp);
	w->off = pos > 0 ? (uint64_t)pos : 0;
#if SL_HAVE_ISAL
	/*
	 * ISA-L's level 1 deflates a block about six times faster than
	 * zlib's and a little smaller; any level but 0 (stored) takes it.
	 * Its output is plain deflate: zlib, gzip and htslib read it.
	 */
	if (w->level != 0) {
		w->iz = calloc(1, sizeof(*w->iz) + ISAL_DEF_LVL1_DEFAULT);
		if (w->iz == NULL) {
			free(w);
			return NULL;
		}
	}
#endif
	if (deflateInit2(&w->z, w->level, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
#if SL_HAVE_ISAL
		free(w->iz);
#endif
		free(w);
		return NULL;
	}
	return w;
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8 & 0xff);
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* Deflate the pending bytes at level; returns the compressed size, or 0 if
 * it does not fit in a block. */
static size_t
deflate_block(struct sl_bgzf_writer *w, int level)
{
	size_t room = BLOCK_MAX - HDR_LEN - TRL_LEN;

#if SL_HAVE_ISAL
	if (level != 0 && w->iz != NULL) {
		struct isal_zstream *z = w->iz;

		isal_deflate_stateless_init(z);
		z->level = 1;
		z->level_buf = (uint8_t *)(z + 1);
		z->level_buf_size = ISAL_DEF_LVL1_DEFAULT;
		z->end_of_stream = 1;
		z->flush = NO_FLUSH;
		z->gzip_flag = IGZIP_DEFLATE;
		z->next_in = w->in;
		z->avail_in = (uint32_t)w->n;
		z->next_out = w->out + HDR_LEN;
		z->avail_out = (uint32_t)room;
		if (isal_deflate_stateless(z) != COMP_OK)
			return 0;	/* does not fit: stored */
		return room - z->avail_out;
	}
#endif
	deflateReset(&w->z);
	w->z.next_in = w->in;
	w->z.avail_in = 0;
	w->z.next_out = w->out + HDR_LEN;
	w->z.avail_out = (uInt)room;
	if (level != w->cur && deflateParams(&w->z, level,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	w->cur = level;
	w->z.avail_in = (uInt)w->n;
	if (deflate(&w->z, Z_FINISH) != Z_STREAM_END)
		return 0;
	return room - w->z.avail_out;
}

static int
write_block(struct sl_bgzf_writer *w)
{
	size_t clen, total;

	clen = deflate_block(w, w->level);
	/* Incompressible data: stored blocks always fit (65280 + 5 bytes). */
	if (clen == 0 && (clen = deflate_block(w, 0)) == 0)
		return w->err = -EIO;
	total = HDR_LEN + clen + TRL_LEN;
	memcpy(w->out, eof_block, HDR_LEN);
	put16(w->out + 16, (unsigned)(total - 1));
	put32(w->out + HDR_LEN + clen, gzcrc(w->in, w->n));
	put32(w->out + HDR_LEN + clen + 4, (uint32_t)w->n);
	if (fwrite(w->out, 1, total, w->fp) != total)
		return w->err = errno ? -errno : -EIO;
	w->off += total;
	w->n = 0;
	return 0;
}

int
sl_bgzf_write(struct sl_bgzf_writer *w, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t k;
	int rc;

	if (w->err < 0)
		return w->err;
	while (n > 0) {
		k = BLOCK_DATA - w->n;
		if (k > n)
			k = n;
		memcpy(w->in + w->n, s, k);
		w->n += k;
		s += k;
		n -= k;
		if (w->n == BLOCK_DATA && (rc = write_block(w)) < 0)
			return rc;
	}
	return 0;
}

int
sl_bgzf_flush(struct sl_bgzf_writer *w)
{
	if (w->err < 0)
		return w->err;
	if (w->n == 0)
		return 0;
	return write_block(w);
}

uint64_t
sl_bgzf_tell(const struct sl_bgzf_writer *w)
{
	return w->off;
}

int
sl_bgzf_close(struct sl_bgzf_writer *w)
{
	int rc;

	if (w == NULL)
		return 0;
	rc = sl_bgzf_flush(w);
	if (rc == 0 && fwrite(eof_block, 1, sizeof(eof_block), w->fp) !=
	    sizeof(eof_block))
		rc = errno ? -errno : -EIO;
	if (rc == 0 && fflush(w->fp) != 0)
		rc = errno ? -errno : -EIO;
	deflateEnd(&w->z);
#if SL_HAVE_ISAL
	free(w->iz);
#endif
	free(w);
	return rc;
}

struct sl_bgzf_reader {
	FILE *fp;
	uint64_t off;		/* of the next block */
	int zinit;
	z_stream z;
#if SL_HAVE_ISAL
	struct inflate_state *st;
#endif
	char err[160];
	unsigned char blk[BLOCK_MAX];
};

struct sl_bgzf_reader *
sl_bgzf_reader_new(FILE *fp)
{
	struct sl_bgzf_reader *r;
	off_t pos;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->fp = fp;
	pos = ftello(fp);
	r->off = pos > 0 ? (uint64_t)pos : 0;
#if SL_HAVE_ISAL
	if ((r->st = malloc(sizeof(*r->st))) == NULL) {
		free(r);
		return NULL;
	}
#endif
	if (inflateInit2(&r->z, -15) != Z_OK) {
#if SL_HAVE_ISAL
		free(r->st);
#endif
		free(r);
		return NULL;
	}
	r->zinit = 1;
	return r;
}

void
sl_bgzf_reader_free(struct sl_bgzf_reader *r)
{
	if (r == NULL)
		return;
	if (r->zinit)
		inflateEnd(&r->z);
#if SL_HAVE_ISAL
	free(r->st);
#endif
	free(r);
}

const char *
sl_bgzf_reader_error(const struct sl_bgzf_reader *r)
{
	return r->err;
}

int
sl_bgzf_reader_seek(struct sl_bgzf_reader *r, uint64_t off)
{
	if (off > INT64_MAX || fseeko(r->fp, (off_t)off, SEEK_SET) != 0) {
		snprintf(r->err, sizeof(r->err), "cannot seek to %llu",
		    (unsigned long long)off);
		return -EIO;
	}
	r->off = off;
	return 0;
}

uint64_t
sl_bgzf_reader_tell(const struct sl_bgzf_reader *r)
{
	return r->off;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int
bad(struct sl_bgzf_reader *r, const char *what)
{
	snprintf(r->err, sizeof(r->err), "block at offset %llu: %s",
	    (unsigned long long)r->off, what);
	return -EBADMSG;
}

/* Inflates a block's deflate data (src, clen bytes) to dst, which has room
 * for BLOCK_MAX bytes; NULL, or why it cannot be read. */
static const char *
inflate_block(struct sl_bgzf_reader *r, unsigned char *src, size_t clen,
    unsigned char *dst, uint32_t isize, uint32_t crc)
{
#if SL_HAVE_ISAL
	/*
	 * A block whose deflate data ISA-L takes whole, to the byte, with the
	 * size and CRC of the trailer is what zlib reads too; anything else
	 * is decoded again by zlib below, so that what is refused and why
	 * is zlib's.
	 */
	isal_inflate_init(r->st);
	r->st->next_in = src;
	r->st->avail_in = (uint32_t)clen;
	r->st->next_out = dst;
	r->st->avail_out = BLOCK_MAX;
	if (isal_inflate(r->st) == ISAL_DECOMP_OK &&
	    r->st->block_state == ISAL_BLOCK_FINISH &&
	    r->st->avail_in == 0 && r->st->read_in_length < 8 &&
	    BLOCK_MAX - r->st->avail_out == isize &&
	    gzcrc(dst, isize) == crc)
		return NULL;
#endif
	inflateReset(&r->z);
	r->z.next_in = src;
	r->z.avail_in = (uInt)clen;
	r->z.next_out = dst;
	r->z.avail_out = BLOCK_MAX;
	if (inflate(&r->z, Z_FINISH) != Z_STREAM_END || r->z.avail_in != 0)
		return "corrupt deflate data";
	if (BLOCK_MAX - r->z.avail_out != isize)
		return "data size does not match ISIZE";
	if (gzcrc(dst, isize) != crc)
		return "CRC mismatch";
	return NULL;
}

int
sl_bgzf_read_block(struct sl_bgzf_reader *r, struct sl_buf *out,
    uint64_t *off)
{
	unsigned char *b = r->blk;
	const char *why;
	size_t got, bsize, clen;
	uint32_t isize, crc;

	if (off != NULL)
		*off = r->off;
	got = fread(b, 1, HDR_LEN, r->fp);
	if (got == 0 && !ferror(r->fp))
		return 0;
	if (ferror(r->fp)) {
		snprintf(r->err, sizeof(r->err), "read error at offset %llu",
		    (unsigned long long)r->off);
		return -EIO;
	}
	if (got < HDR_LEN)
		return bad(r, "truncated block header");
	/* Exactly our (and htslib's) layout: FEXTRA with one BC subfield. */
	if (b[0] != 0x1f || b[1] != 0x8b || b[2] != 8 || b[3] != 4 ||
	    b[10] != 6 || b[11] != 0 || b[12] != 'B' || b[13] != 'C' ||
	    b[14] != 2 || b[15] != 0)
		return bad(r, "not a BGZF block header");
	bsize = ((size_t)b[16] | (size_t)b[17] << 8) + 1;
	if (bsize < HDR_LEN + TRL_LEN + 2)
		return bad(r, "block size too small");
	if (fread(b + HDR_LEN, 1, bsize - HDR_LEN, r->fp) != bsize - HDR_LEN)
		return bad(r, "truncated block");
	clen = bsize - HDR_LEN - TRL_LEN;
	isize = get32(b + bsize - 4);
	crc = get32(b + bsize - 8);
	if (isize > BLOCK_MAX)
		return bad(r, "block data size too large");
	if (sl_buf_grow(out, BLOCK_MAX) < 0)
		return -ENOMEM;
	why = inflate_block(r, b + HDR_LEN, clen,
	    (unsigned char *)out->p + out->n, isize, crc);
	if (why != NULL)
		return bad(r, why);
	out->n += isize;
	out->p[out->n] = '\0';
	r->off += bsize;
	return 1;
}
