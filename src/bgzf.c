/* bgzf.c: blocked gzip (htslib's BGZF) for the case store, write and read. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
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
#define POOL_MAX 64		/* threads of a pool */
#define PENDING_PER_THREAD 4	/* blocks a writer has in a pool at most */

static const unsigned char eof_block[28] = {
	0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06,
	0x00, 0x42, 0x43, 0x02, 0x00, 0x1b, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* What deflates a block: one per writer, or one per thread of a pool. */
struct deflater {
	int init, cur;
	z_stream z;
#if SL_HAVE_ISAL
	struct isal_zstream *iz;	/* level 1 deflate, a block at a time */
#endif
};

/* A block: its input, then the whole block as written. */
struct job {
	struct job *next;	/* in the pool's queue, or its free list */
	struct job *wnext;	/* in its writer's pending list */
	int level, done, err;
	size_t n, total;
	unsigned char in[BLOCK_DATA];
	unsigned char out[BLOCK_MAX];
};

struct sl_bgzf_pool {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct job *head, *tail;	/* blocks to deflate, in order */
	struct job *spare;		/* blocks done with, for reuse */
	int quit;
	unsigned nthreads;
	pthread_t threads[POOL_MAX];
};

struct sl_bgzf_writer {
	FILE *fp;
	int level;
	uint64_t off;		/* of the next block written */
	int err;
	struct deflater d;
	/* Offsets of the blocks written, by number: a writer in a pool
	 * knows a block's offset once every block before it is written. */
	uint64_t *boff;
	size_t nblocks, cblocks;
	/* The block being filled; in a pool, its blocks being deflated, in
	 * order, the oldest first. */
	struct job *cur;
	struct sl_bgzf_pool *pool;
	struct job *phead, *ptail;
	unsigned npending;
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

static int
deflater_init(struct deflater *d, int level)
{
	memset(d, 0, sizeof(*d));
	d->cur = level;
#if SL_HAVE_ISAL
	/*
	 * ISA-L's level 1 deflates a block about six times faster than
	 * zlib's and a little smaller; any level but 0 (stored) takes it.
	 * Its output is plain deflate: zlib, gzip and htslib read it.
	 */
	d->iz = calloc(1, sizeof(*d->iz) + ISAL_DEF_LVL1_DEFAULT);
	if (d->iz == NULL)
		return -ENOMEM;
#endif
	if (deflateInit2(&d->z, level, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
#if SL_HAVE_ISAL
		free(d->iz);
#endif
		return -ENOMEM;
	}
	d->init = 1;
	return 0;
}

static void
deflater_end(struct deflater *d)
{
	if (!d->init)
		return;
	deflateEnd(&d->z);
#if SL_HAVE_ISAL
	free(d->iz);
#endif
	d->init = 0;
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

/* Deflate the block's bytes at level; returns the compressed size, or 0 if
 * it does not fit in a block.  The result depends on the bytes and the
 * level only, not on which deflater made it. */
static size_t
deflate_block(struct deflater *d, struct job *j, int level)
{
	size_t room = BLOCK_MAX - HDR_LEN - TRL_LEN;

#if SL_HAVE_ISAL
	if (level != 0 && d->iz != NULL) {
		struct isal_zstream *z = d->iz;

		isal_deflate_stateless_init(z);
		z->level = 1;
		z->level_buf = (uint8_t *)(z + 1);
		z->level_buf_size = ISAL_DEF_LVL1_DEFAULT;
		z->end_of_stream = 1;
		z->flush = NO_FLUSH;
		z->gzip_flag = IGZIP_DEFLATE;
		z->next_in = j->in;
		z->avail_in = (uint32_t)j->n;
		z->next_out = j->out + HDR_LEN;
		z->avail_out = (uint32_t)room;
		if (isal_deflate_stateless(z) != COMP_OK)
			return 0;	/* does not fit: stored */
		return room - z->avail_out;
	}
#endif
	deflateReset(&d->z);
	d->z.next_in = j->in;
	d->z.avail_in = 0;
	d->z.next_out = j->out + HDR_LEN;
	d->z.avail_out = (uInt)room;
	if (level != d->cur && deflateParams(&d->z, level,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	d->cur = level;
	d->z.avail_in = (uInt)j->n;
	if (deflate(&d->z, Z_FINISH) != Z_STREAM_END)
		return 0;
	return room - d->z.avail_out;
}

/* Make the whole block of j's bytes in j->out: j->total, or j->err. */
static void
make_block(struct deflater *d, struct job *j)
{
	size_t clen;

	clen = deflate_block(d, j, j->level);
	/* Incompressible data: stored blocks always fit (65280 + 5 bytes). */
	if (clen == 0 && (clen = deflate_block(d, j, 0)) == 0) {
		j->err = -EIO;
		return;
	}
	j->total = HDR_LEN + clen + TRL_LEN;
	memcpy(j->out, eof_block, HDR_LEN);
	put16(j->out + 16, (unsigned)(j->total - 1));
	put32(j->out + HDR_LEN + clen, gzcrc(j->in, j->n));
	put32(j->out + HDR_LEN + clen + 4, (uint32_t)j->n);
}

/* ---- pools ---------------------------------------------------------------- */

static void *
pool_main(void *arg)
{
	struct sl_bgzf_pool *p = arg;
	struct deflater d = { 0 };
	struct job *j;
	int level = -2;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->head == NULL && !p->quit)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->head == NULL)
			break;
		j = p->head;
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		pthread_mutex_unlock(&p->lock);
		/* A deflater made at the block's level, as its writer's
		 * own would be. */
		if (level != j->level) {
			deflater_end(&d);
			level = deflater_init(&d, j->level) == 0 ? j->level :
			    -2;
		}
		if (level == j->level)
			make_block(&d, j);
		else
			j->err = -ENOMEM;
		pthread_mutex_lock(&p->lock);
		j->done = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	deflater_end(&d);
	return NULL;
}

struct sl_bgzf_pool *
sl_bgzf_pool_new(unsigned nthreads)
{
	struct sl_bgzf_pool *p;
	sigset_t all, saved;
	unsigned i;

	if (nthreads == 0 || nthreads > POOL_MAX)
		nthreads = nthreads == 0 ? 1 : POOL_MAX;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	/* Signals stay with the calling thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&p->threads[i], NULL, pool_main, p) != 0)
			break;
		p->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (p->nthreads == 0) {
		sl_bgzf_pool_free(p);
		return NULL;
	}
	return p;
}

void
sl_bgzf_pool_free(struct sl_bgzf_pool *p)
{
	struct job *j;
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	while ((j = p->spare) != NULL) {
		p->spare = j->next;
		free(j);
	}
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* ---- writers -------------------------------------------------------------- */

struct sl_bgzf_writer *
sl_bgzf_writer_new(FILE *fp, int level)
{
	return sl_bgzf_writer_pool(fp, level, NULL);
}

struct sl_bgzf_writer *
sl_bgzf_writer_pool(FILE *fp, int level, struct sl_bgzf_pool *pool)
{
	struct sl_bgzf_writer *w;
	off_t pos;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->fp = fp;
	w->level = level < 0 || level > 9 ? Z_DEFAULT_COMPRESSION : level;
	w->pool = pool;
	pos = ftello(fp);
	w->off = pos > 0 ? (uint64_t)pos : 0;
	if (pool == NULL && deflater_init(&w->d, w->level) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

/* A block to fill: the pool's spare ones first. */
static struct job *
job_get(struct sl_bgzf_writer *w)
{
	struct job *j = NULL;

	if (w->pool != NULL) {
		pthread_mutex_lock(&w->pool->lock);
		if ((j = w->pool->spare) != NULL)
			w->pool->spare = j->next;
		pthread_mutex_unlock(&w->pool->lock);
	}
	if (j == NULL && (j = malloc(sizeof(*j))) == NULL)
		return NULL;
	j->next = j->wnext = NULL;
	j->n = 0;
	j->done = j->err = 0;
	j->level = w->level;
	return j;
}

static void
job_put(struct sl_bgzf_writer *w, struct job *j)
{
	if (w->pool == NULL) {
		free(j);
		return;
	}
	pthread_mutex_lock(&w->pool->lock);
	j->next = w->pool->spare;
	w->pool->spare = j;
	pthread_mutex_unlock(&w->pool->lock);
}

/* Write a made block, the next of the file, and note its offset. */
static int
put_block(struct sl_bgzf_writer *w, struct job *j)
{
	if (j->err < 0)
		return w->err = j->err;
	if (w->nblocks == w->cblocks) {
		size_t ncap = w->cblocks ? w->cblocks * 2 : 16;
		uint64_t *b = realloc(w->boff, ncap * sizeof(*b));

		if (b == NULL)
			return w->err = -ENOMEM;
		w->boff = b;
		w->cblocks = ncap;
	}
	if (fwrite(j->out, 1, j->total, w->fp) != j->total)
		return w->err = errno ? -errno : -EIO;
	w->boff[w->nblocks++] = w->off;
	w->off += j->total;
	return 0;
}

/* Wait for the oldest pending block, write it and give it back. */
static int
pending_one(struct sl_bgzf_writer *w)
{
	struct job *j = w->phead;
	int rc;

	pthread_mutex_lock(&w->pool->lock);
	while (!j->done)
		pthread_cond_wait(&w->pool->done, &w->pool->lock);
	pthread_mutex_unlock(&w->pool->lock);
	w->phead = j->wnext;
	if (w->phead == NULL)
		w->ptail = NULL;
	w->npending--;
	rc = w->err < 0 ? w->err : put_block(w, j);
	job_put(w, j);
	return rc;
}

/* Every pending block written (or dropped after an error). */
static int
pending_all(struct sl_bgzf_writer *w)
{
	int rc = 0, e;

	while (w->phead != NULL)
		if ((e = pending_one(w)) < 0 && rc == 0)
			rc = e;
	return rc;
}

/* The block being filled is complete: deflate it here, or hand it to the
 * pool (writing the oldest of ours when enough are pending). */
static int
end_block(struct sl_bgzf_writer *w)
{
	struct job *j = w->cur;
	struct sl_bgzf_pool *p = w->pool;
	int rc;

	if (p == NULL) {
		/* The block's memory stays for the next. */
		make_block(&w->d, j);
		rc = put_block(w, j);
		j->n = 0;
		j->err = 0;
		return rc;
	}
	w->cur = NULL;
	if (w->ptail != NULL)
		w->ptail->wnext = j;
	else
		w->phead = j;
	w->ptail = j;
	w->npending++;
	pthread_mutex_lock(&p->lock);
	if (p->tail != NULL)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	/* Write what is done; wait only when too much is pending. */
	while (w->phead != NULL) {
		int done;

		pthread_mutex_lock(&p->lock);
		done = w->phead->done;
		pthread_mutex_unlock(&p->lock);
		if (!done && w->npending < PENDING_PER_THREAD * p->nthreads)
			break;
		if ((rc = pending_one(w)) < 0)
			return rc;
	}
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
		if (w->cur == NULL && (w->cur = job_get(w)) == NULL)
			return w->err = -ENOMEM;
		k = BLOCK_DATA - w->cur->n;
		if (k > n)
			k = n;
		memcpy(w->cur->in + w->cur->n, s, k);
		w->cur->n += k;
		s += k;
		n -= k;
		if (w->cur->n == BLOCK_DATA && (rc = end_block(w)) < 0)
			return rc;
	}
	return 0;
}

int
sl_bgzf_flush(struct sl_bgzf_writer *w)
{
	if (w->err < 0)
		return w->err;
	if (w->cur == NULL || w->cur->n == 0)
		return 0;
	return end_block(w);
}

uint64_t
sl_bgzf_tell(struct sl_bgzf_writer *w)
{
	if (w->pool != NULL)
		pending_all(w);
	return w->off;
}

uint64_t
sl_bgzf_blocks(const struct sl_bgzf_writer *w)
{
	return w->nblocks + w->npending;
}

int
sl_bgzf_block_offset(struct sl_bgzf_writer *w, uint64_t k, uint64_t *off)
{
	int rc;

	if (w->err < 0)
		return w->err;
	if (k >= w->nblocks && (rc = pending_all(w)) < 0)
		return rc;
	if (k > w->nblocks)
		return -EINVAL;
	*off = k < w->nblocks ? w->boff[k] : w->off;
	return 0;
}

int
sl_bgzf_close(struct sl_bgzf_writer *w)
{
	int rc, e;

	if (w == NULL)
		return 0;
	rc = sl_bgzf_flush(w);
	/* In a pool, wait for every block, whatever went wrong: they are
	 * this writer's memory. */
	if (w->pool != NULL && (e = pending_all(w)) < 0 && rc == 0)
		rc = e;
	if (rc == 0 && fwrite(eof_block, 1, sizeof(eof_block), w->fp) !=
	    sizeof(eof_block))
		rc = errno ? -errno : -EIO;
	if (rc == 0 && fflush(w->fp) != 0)
		rc = errno ? -errno : -EIO;
	if (w->cur != NULL)
		job_put(w, w->cur);
	deflater_end(&w->d);
	free(w->boff);
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
	if ((r->st = calloc(1, sizeof(*r->st))) == NULL) {
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
