/* gzip.c: gzip (every member) and zlib decoding that survives damaged data. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "config.h"
#if SL_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "internal.h"

#define GZ_INBUF (256u << 10)	/* compressed input buffer */
#define GZ_TRIAL (64u << 10)	/* input a resync candidate must survive */
#define GZ_SCRATCH (32u << 10)
#define GZ_WINDOW 32768u	/* the farthest a deflate copy reaches back */
#define GZ_RETAIN (8u << 20)	/* input kept from a member's start */

/*
 * Who decodes the current member.  With ISA-L, zlib reads a gzip member's
 * header (its errors and its idea of a header stay) and ISA-L the deflate
 * data and the trailer, about twice zlib's speed.  The member's input is
 * kept from its start, and anything but a clean end (damage, a bad CRC or
 * length, input that ends, a member larger than GZ_RETAIN) makes zlib
 * decode the member again from its start, dropping what was handed out
 * already: what is read, refused and said about it is zlib's, to the byte.
 *
 * But ISA-L (2.30) does not always refuse a copy from before the member's
 * start (zlib's "invalid distance too far back"): it copies whatever its
 * state held there, bytes of an earlier member or file among them, and
 * only the CRC at the member's end tells, after the bytes were handed out.
 * Such a copy can only be in a member's first 32 KiB (GZ_WINDOW): there
 * zlib decodes ahead of ISA-L (the check: its output dropped), and ISA-L
 * hands out nothing zlib has not decoded; where zlib stops (damage, the
 * input's end), zlib takes the member from there, as above.
 */
enum {
	GZM_ZLIB = 0,		/* zlib, header to trailer */
	GZM_HEADER,		/* zlib up to the first deflate block */
	GZM_ISAL,		/* ISA-L from there on */
};

/* The check of a member's first GZ_WINDOW bytes. */
enum {
	CHK_OFF = 0,		/* not needed (past the window, or zlib) */
	CHK_RUN,		/* zlib ahead of ISA-L */
	CHK_STOP,		/* zlib stopped inside the window: zlib takes
				 * the member */
};

enum {
	GZ_MEMBER = 0,		/* inflating a member (or the zlib stream) */
	GZ_BETWEEN,		/* a member ended: another, padding or junk */
	GZ_DONE,
	GZ_FAILED,
};

struct sl_gz {
	int zlib;
	ssize_t (*in)(void *arg, void *buf, size_t n);
	const char *(*inerr)(void *arg);
	void *arg;
	z_stream z;
	int zinit;
	unsigned char *buf;	/* input; z.next_in points into it */
	size_t len;		/* bytes in buf */
	size_t cap;		/* size of buf */
	int mode;		/* GZM_*: who decodes the member */
	uint64_t mout;		/* handed out of the member (ISA-L) */
	uint64_t skip;		/* bytes zlib decodes again and drops */
	int zfull;		/* zlib filled the output: it may hold more */
#if SL_HAVE_ISAL
	struct inflate_state *st;
	z_stream cz;		/* the check's raw inflate */
	int czinit;
	int chk;		/* CHK_* */
	uint64_t chk_in;	/* compressed offset the check reads at */
	uint64_t chk_out;	/* member bytes the check decoded */
#endif
	uint64_t base;		/* compressed offset of buf[0] */
	int in_eof;
	int state;
	uint64_t member;	/* compressed offset of the current member */
	int pend;		/* a return owed after data handed out */
	int fail;		/* sticky error once GZ_FAILED */
	uint64_t lost;		/* compressed bytes skipped as damaged */
	unsigned char *scratch;
	char err[384];
};

static uint64_t
in_off(const struct sl_gz *g)
{
	return g->base + (uint64_t)(g->z.next_in - g->buf);
}

static size_t
in_avail(const struct sl_gz *g)
{
	return g->z.avail_in;
}

/*
 * Make at least need bytes available at z.next_in unless the input ends
 * first (need <= GZ_INBUF).  Returns the bytes available, or a negative
 * errno value when reading fails (message set).
 */
static ssize_t
fill(struct sl_gz *g, size_t need)
{
	size_t have, done;
	ssize_t r;

	have = g->z.avail_in;
	if (have >= need || g->in_eof)
		return (ssize_t)have;
	done = (size_t)(g->z.next_in - g->buf);
	/* Until ISA-L is done with a member, zlib may need it again. */
	if (g->mode != GZM_ZLIB && done > g->member - g->base)
		done = (size_t)(g->member - g->base);
	if (done == 0 && g->len == g->cap && g->mode != GZM_ZLIB) {
		unsigned char *nb = NULL;

		if (g->cap < GZ_RETAIN)
			nb = realloc(g->buf, 2 * g->cap);
		if (nb != NULL) {
			g->z.next_in = nb + (g->z.next_in - g->buf);
			g->buf = nb;
			g->cap *= 2;
		} else if (g->mode == GZM_HEADER) {
			/* A header this long: zlib reads the member. */
			g->mode = GZM_ZLIB;
			done = (size_t)(g->z.next_in - g->buf);
		} else
			return (ssize_t)have;	/* sl_gz_read hands over */
	}
	if (done > 0) {
		memmove(g->buf, g->buf + done, g->len - done);
		g->base += done;
		g->len -= done;
		g->z.next_in -= done;
	}
	while (g->len - (size_t)(g->z.next_in - g->buf) < need &&
	    !g->in_eof && g->len < g->cap) {
		r = g->in(g->arg, g->buf + g->len, g->cap - g->len);
		if (r == -EINTR)
			continue;
		if (r < 0) {
			const char *m = g->inerr != NULL ? g->inerr(g->arg) :
			    NULL;

			snprintf(g->err, sizeof(g->err), "cannot read "
			    "compressed data at byte %" PRIu64 ": %s",
			    g->base + g->len, m != NULL && *m != '\0' ? m :
			    strerror((int)-r));
			return r;
		}
		if (r == 0)
			g->in_eof = 1;
		g->len += (size_t)r;
	}
	g->z.avail_in = (uInt)(g->len - (size_t)(g->z.next_in - g->buf));
	return (ssize_t)g->z.avail_in;
}

static void
skip_in(struct sl_gz *g, size_t n)
{
	g->z.next_in += n;
	g->z.avail_in -= (uInt)n;
}

struct sl_gz *
sl_gz_new(int zlib, ssize_t (*in)(void *arg, void *buf, size_t n),
    const char *(*inerr)(void *arg), void *arg)
{
	struct sl_gz *g;

	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->zlib = zlib;
	g->in = in;
	g->inerr = inerr;
	g->arg = arg;
	g->buf = malloc(GZ_INBUF);
	if (g->buf == NULL)
		goto fail;
	g->cap = GZ_INBUF;
	g->z.next_in = g->buf;
	if (inflateInit2(&g->z, zlib ? 15 : 31) != Z_OK)
		goto fail;
	g->zinit = 1;
#if SL_HAVE_ISAL
	if (!zlib) {
		/* Zeroed: whatever ISA-L reads of it is not of an earlier
		 * file (see the check above). */
		if ((g->st = calloc(1, sizeof(*g->st))) == NULL)
			goto fail;
		g->mode = GZM_HEADER;
	}
#endif
	return g;
fail:
	sl_gz_free(g);
	return NULL;
}

void
sl_gz_free(struct sl_gz *g)
{
	if (g == NULL)
		return;
	if (g->zinit)
		inflateEnd(&g->z);
#if SL_HAVE_ISAL
	if (g->czinit)
		inflateEnd(&g->cz);
	free(g->st);
#endif
	free(g->buf);
	free(g->scratch);
	free(g);
}

const char *
sl_gz_error(const struct sl_gz *g)
{
	return g->err;
}

uint64_t
sl_gz_lost(const struct sl_gz *g)
{
	return g->lost;
}

static int
failed(struct sl_gz *g, int rc)
{
	g->state = GZ_FAILED;
	g->fail = rc;
	return rc;
}

/* A gzip header that a real writer could have made starts at p. */
static int
plausible(const unsigned char *p)
{
	if (p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || (p[3] & 0xe0) != 0)
		return 0;
	if (p[8] != 0 && p[8] != 2 && p[8] != 4)
		return 0;
	return p[9] <= 13 || p[9] == 255;
}

/* Does a member starting at p (n bytes, all the input there is or at least
 * GZ_TRIAL) inflate without error as far as the bytes go? */
static int
trial(struct sl_gz *g, const unsigned char *p, size_t n)
{
	z_stream t;
	int r, ok = 0;

	if (g->scratch == NULL && (g->scratch = malloc(GZ_SCRATCH)) == NULL)
		return 1;	/* cannot check: take it */
	memset(&t, 0, sizeof(t));
	if (inflateInit2(&t, 31) != Z_OK)
		return 1;
	t.next_in = (unsigned char *)p;
	t.avail_in = (uInt)n;
	for (;;) {
		t.next_out = g->scratch;
		t.avail_out = GZ_SCRATCH;
		r = inflate(&t, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			ok = 1;
			break;
		}
		if (r != Z_OK && r != Z_BUF_ERROR)
			break;
		if (t.avail_in == 0 || (r == Z_BUF_ERROR &&
		    t.avail_out != 0)) {
			/* Ran out of input with no error: good enough, as
			 * long as the header and a block were read. */
			ok = n - t.avail_in >= 12;
			break;
		}
	}
	inflateEnd(&t);
	return ok;
}

/*
 * Look for the next gzip member from the current input position on.
 * Returns 1 with the input positioned at it, 0 if the input ends first
 * (all of it consumed), or a negative errno value.
 */
static int
resync(struct sl_gz *g)
{
	const unsigned char *p, *q;
	ssize_t r;
	size_t n;

	for (;;) {
		r = fill(g, GZ_TRIAL + 10);
		if (r < 0)
			return (int)r;
		n = (size_t)r;
		if (n < 10) {
			skip_in(g, n);
			return 0;
		}
		p = g->z.next_in;
		q = memchr(p, 0x1f, n - 9);
		if (q == NULL) {
			skip_in(g, n - 9);
			continue;
		}
		skip_in(g, (size_t)(q - p));
		if ((size_t)r - (size_t)(q - p) < GZ_TRIAL + 10 && !g->in_eof)
			continue;	/* refill so the trial has its input */
		if (plausible(q) && trial(g, q, in_avail(g)))
			return 1;
		skip_in(g, 1);
	}
}

/* The member at the input position starts afresh. */
static void
restart(struct sl_gz *g)
{
	inflateReset(&g->z);
	g->member = in_off(g);
	g->state = GZ_MEMBER;
	g->mode = GZM_ZLIB;
#if SL_HAVE_ISAL
	if (!g->zlib)
		g->mode = GZM_HEADER;
#endif
	g->mout = 0;
	g->skip = 0;
}

#if SL_HAVE_ISAL
/* zlib decodes the member again from its start (kept in buf). */
static int
to_zlib(struct sl_gz *g)
{
	size_t at = (size_t)(g->member - g->base);

	if (g->scratch == NULL && (g->scratch = malloc(GZ_SCRATCH)) == NULL) {
		snprintf(g->err, sizeof(g->err), "out of memory");
		return failed(g, -ENOMEM);
	}
	inflateReset(&g->z);
	g->z.next_in = g->buf + at;
	g->z.avail_in = (uInt)(g->len - at);
	g->skip = g->mout;
	g->mode = GZM_ZLIB;
	g->chk = CHK_OFF;
	return 0;
}

/* The header read, ISA-L takes the member's deflate data and trailer, and
 * the check starts at its first block. */
static void
to_isal(struct sl_gz *g)
{
	isal_inflate_init(g->st);
	g->st->crc_flag = ISAL_GZIP_NO_HDR_VER;
	g->mode = GZM_ISAL;
	g->chk = CHK_STOP;	/* until it can run */
	g->chk_in = in_off(g);
	g->chk_out = 0;
	if (g->scratch == NULL && (g->scratch = malloc(GZ_SCRATCH)) == NULL)
		return;
	if (!g->czinit) {
		if (inflateInit2(&g->cz, -15) != Z_OK)
			return;
		g->czinit = 1;
	} else if (inflateReset(&g->cz) != Z_OK)
		return;
	g->chk = CHK_RUN;
}

/*
 * The check decodes the member to byte min(mout + n, GZ_WINDOW) if it can:
 * 1 if it did, or found the member sound (ISA-L goes on), 0 if it stopped
 * short (damage, the input's end): zlib takes the member, and hands out
 * what is sound of it itself.  (Not ISA-L up to there: a first version
 * cut ISA-L's room to the bytes checked, and valgrind saw ISA-L write 8
 * bytes past a room so cut.)
 */
static int
check_ahead(struct sl_gz *g, size_t n)
{
	uint64_t want = g->mout + n;
	size_t at, before_in;
	uInt before_out;
	ssize_t r;
	int rc;

	if (want > GZ_WINDOW)
		want = GZ_WINDOW;
	while (g->chk == CHK_RUN && g->chk_out < want) {
		at = (size_t)(g->chk_in - g->base);
		if (at >= g->len) {
			/* Ahead of ISA-L's input: more of it. */
			r = fill(g, at - (size_t)(g->z.next_in - g->buf) + 1);
			if (r < 0 || g->chk_in - g->base >= g->len)
				g->chk = CHK_STOP;
			continue;
		}
		g->cz.next_in = g->buf + at;
		g->cz.avail_in = (uInt)(g->len - at);
		g->cz.next_out = g->scratch;
		g->cz.avail_out = GZ_SCRATCH;
		before_in = g->cz.avail_in;
		before_out = g->cz.avail_out;
		rc = inflate(&g->cz, Z_NO_FLUSH);
		g->chk_in += before_in - g->cz.avail_in;
		g->chk_out += before_out - g->cz.avail_out;
		if (rc == Z_STREAM_END)
			g->chk = CHK_OFF;	/* all of it is sound */
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			g->chk = CHK_STOP;	/* damage: zlib says where */
	}
	if (g->chk_out >= GZ_WINDOW)
		g->chk = CHK_OFF;
	return g->chk != CHK_STOP;
}

/*
 * ISA-L decodes into out (n bytes of room); returns the bytes it put
 * there.  A clean end of the member moves on to GZ_BETWEEN; anything else
 * hands the member to zlib (to_zlib).
 */
static size_t
isal_step(struct sl_gz *g, unsigned char *out, size_t n)
{
	size_t put;
	ssize_t r;
	int rc;

	if (g->z.avail_in == 0) {
		r = fill(g, 1);
		if (r < 0) {
			failed(g, (int)r);
			return 0;
		}
		if (r == 0) {
			/* Cut short, or larger than GZ_RETAIN. */
			to_zlib(g);
			return 0;
		}
	}
	if (g->chk != CHK_OFF && !check_ahead(g, n)) {
		to_zlib(g);
		return 0;
	}
	g->st->next_in = g->z.next_in;
	g->st->avail_in = g->z.avail_in;
	g->st->next_out = out;
	g->st->avail_out = (uint32_t)n;
	rc = isal_inflate(g->st);
	put = n - g->st->avail_out;
	g->z.next_in = g->st->next_in;
	g->z.avail_in = g->st->avail_in;
	g->mout += put;
	if (rc < 0)
		to_zlib(g);
	else if (g->st->block_state == ISAL_BLOCK_FINISH) {
		/* The trailer's bits ISA-L read ahead go back to the input. */
		size_t back = (size_t)(g->st->read_in_length / 8);

		g->z.next_in -= back;
		g->z.avail_in += (uInt)back;
		g->state = GZ_BETWEEN;
		g->mode = GZM_ZLIB;
	}
	return put;
}
#endif

/* Corrupt data at the input position: skip to the next member. */
static int
corrupt(struct sl_gz *g, const char *why)
{
	uint64_t at = in_off(g), member = g->member;
	int check = strstr(why, "data check") != NULL ||
	    strstr(why, "length check") != NULL;
	char what[128];
	int rc;

	snprintf(what, sizeof(what), "%s", why);
	if (g->zlib) {
		snprintf(g->err, sizeof(g->err), "corrupt zlib data at "
		    "compressed byte %" PRIu64 " (%s); the rest cannot be "
		    "read", at, what);
		return failed(g, -EBADMSG);
	}
	rc = resync(g);
	if (rc < 0)
		return failed(g, rc);
	g->lost += in_off(g) - at;
	if (rc == 0) {
		snprintf(g->err, sizeof(g->err), "corrupt gzip data at "
		    "compressed byte %" PRIu64 " (%s) in the member at byte %"
		    PRIu64 "; no member follows, %" PRIu64 " bytes lost", at,
		    what, member, in_off(g) - at);
		return failed(g, -EBADMSG);
	}
	if (check && in_off(g) - at <= 8)
		snprintf(g->err, sizeof(g->err), "corrupt gzip member at "
		    "compressed byte %" PRIu64 " (%s): its data was read but "
		    "may be damaged", member, what);
	else
		snprintf(g->err, sizeof(g->err), "corrupt gzip data at "
		    "compressed byte %" PRIu64 " (%s); skipped to the next "
		    "member at byte %" PRIu64 ", %" PRIu64 " bytes lost", at,
		    what, in_off(g), in_off(g) - at);
	restart(g);
	return SL_EDISCONT;
}

/* After a member: the next one, zero padding, or junk. */
static int
between(struct sl_gz *g)
{
	const unsigned char *p;
	uint64_t at;
	ssize_t r;
	size_t i;
	int rc;

	r = fill(g, 2);
	if (r < 0)
		return failed(g, (int)r);
	if (r == 0) {
		g->state = GZ_DONE;
		return 0;
	}
	p = g->z.next_in;
	if (r >= 2 && ((!g->zlib && p[0] == 0x1f && p[1] == 0x8b) ||
	    (g->zlib && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 &&
	    ((unsigned)p[0] << 8 | p[1]) % 31 == 0))) {
		restart(g);
		return 1;
	}
	at = in_off(g);
	for (;;) {
		r = fill(g, 1);
		if (r < 0)
			return failed(g, (int)r);
		if (r == 0) {
			/* Zero padding (tape blocks, preallocation). */
			g->state = GZ_DONE;
			return 0;
		}
		p = g->z.next_in;
		for (i = 0; i < (size_t)r && p[i] == 0; i++)
			;
		skip_in(g, i);
		if (i < (size_t)r)
			break;
	}
	if (!g->zlib) {
		rc = resync(g);
		if (rc < 0)
			return failed(g, rc);
		if (rc == 1) {
			g->lost += in_off(g) - at;
			snprintf(g->err, sizeof(g->err), "%" PRIu64 " bytes "
			    "of junk between gzip members at compressed byte "
			    "%" PRIu64 " skipped", in_off(g) - at, at);
			restart(g);
			return SL_EDISCONT;
		}
	} else {
		skip_in(g, in_avail(g));
		while ((r = fill(g, 1)) > 0)
			skip_in(g, (size_t)r);
		if (r < 0)
			return failed(g, (int)r);
	}
	g->lost += in_off(g) - at;
	snprintf(g->err, sizeof(g->err), "trailing garbage after %s data at "
	    "compressed byte %" PRIu64 " (%" PRIu64 " bytes ignored)",
	    g->zlib ? "zlib" : "gzip", at, in_off(g) - at);
	g->state = GZ_DONE;
	return SL_EDISCONT;
}

ssize_t
sl_gz_read(struct sl_gz *g, void *buf, size_t n)
{
	unsigned char *out = buf;
	size_t got = 0, before;
	ssize_t r;
	int rc;

	if (g->pend != 0) {
		rc = g->pend;
		g->pend = 0;
		return rc;
	}
	if (n > UINT_MAX)
		n = UINT_MAX;
	while (got < n) {
		rc = 0;
		if (g->state == GZ_FAILED)
			rc = g->fail;
		else if (g->state == GZ_DONE)
			break;
		else if (g->state == GZ_BETWEEN)
			rc = between(g);
		if (rc < 0) {
			if (got > 0) {
				g->pend = rc;
				break;
			}
			return rc;
		}
		if (g->state != GZ_MEMBER)
			continue;
#if SL_HAVE_ISAL
		if (g->mode == GZM_ISAL) {
			got += isal_step(g, out + got, n - got);
			continue;
		}
#endif
		if (g->z.avail_in == 0) {
			r = fill(g, 1);
			if (r < 0) {
				rc = failed(g, (int)r);
				continue;
			}
			/*
			 * At the end of the input zlib may still hold the
			 * rest of a match it had no room for: that first.
			 */
			if (r == 0 && !g->zfull) {
				snprintf(g->err, sizeof(g->err), "truncated "
				    "%s data at compressed byte %" PRIu64
				    " (in the member at byte %" PRIu64 ")",
				    g->zlib ? "zlib" : "gzip", in_off(g),
				    g->member);
				failed(g, -EPIPE);
				continue;
			}
		}
		if (g->skip > 0) {
			/* What ISA-L handed out already. */
			g->z.next_out = g->scratch;
			g->z.avail_out = g->skip < GZ_SCRATCH ?
			    (uInt)g->skip : GZ_SCRATCH;
		} else {
			g->z.next_out = out + got;
			g->z.avail_out = (uInt)(n - got);
		}
		before = g->z.avail_out;
		rc = inflate(&g->z, g->mode == GZM_HEADER ? Z_BLOCK :
		    Z_NO_FLUSH);
		if (g->skip > 0)
			g->skip -= before - g->z.avail_out;
		else
			got += before - g->z.avail_out;
		g->zfull = g->z.avail_out == 0;
#if SL_HAVE_ISAL
		/* At the first block, with no bits of it read yet. */
		if (g->mode == GZM_HEADER && (rc == Z_OK ||
		    rc == Z_BUF_ERROR) && (g->z.data_type & 0xc7) == 0x80)
			to_isal(g);
#endif
		switch (rc) {
		case Z_STREAM_END:
			g->state = GZ_BETWEEN;
			break;
		case Z_OK:
		case Z_BUF_ERROR:
			break;
		case Z_MEM_ERROR:
			snprintf(g->err, sizeof(g->err), "out of memory");
			failed(g, -ENOMEM);
			break;
		default:
			rc = corrupt(g, rc == Z_NEED_DICT ? "needs a preset "
			    "dictionary" : g->z.msg != NULL ? g->z.msg :
			    "invalid data");
			if (rc == SL_EDISCONT) {
				if (got > 0) {
					g->pend = rc;
					return (ssize_t)got;
				}
				return rc;
			}
			break;
		}
	}
	return (ssize_t)got;
}
