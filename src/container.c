/* container.c: sources (files, directories, stdin, archives) to logs. */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "config.h"
#include "internal.h"
#include "store.h"

/*
 * libarchive's functions, called through LA(f): with SL_LAZY_LIBS, opened
 * on the first archive a walk meets (lazy.c), so that a tool that reads
 * none does not map it and the libraries it needs at every start.
 */
#define LA_FUNCS(X) \
	X(archive_entry_filetype) \
	X(archive_entry_hardlink) \
	X(archive_entry_is_encrypted) \
	X(archive_entry_mtime) \
	X(archive_entry_mtime_is_set) \
	X(archive_entry_mtime_nsec) \
	X(archive_entry_pathname) \
	X(archive_entry_pathname_utf8) \
	X(archive_entry_size) \
	X(archive_error_string) \
	X(archive_format) \
	X(archive_read_data_block) \
	X(archive_read_free) \
	X(archive_read_new) \
	X(archive_read_next_header) \
	X(archive_read_open1) \
	X(archive_read_set_callback_data) \
	X(archive_read_set_read_callback) \
	X(archive_read_set_seek_callback) \
	X(archive_read_set_skip_callback) \
	X(archive_read_support_filter_bzip2) \
	X(archive_read_support_filter_compress) \
	X(archive_read_support_filter_lz4) \
	X(archive_read_support_filter_lzip) \
	X(archive_read_support_filter_lzma) \
	X(archive_read_support_filter_xz) \
	X(archive_read_support_filter_zstd) \
	X(archive_read_support_format_7zip) \
	X(archive_read_support_format_ar) \
	X(archive_read_support_format_cab) \
	X(archive_read_support_format_cpio) \
	X(archive_read_support_format_lha) \
	X(archive_read_support_format_rar) \
	X(archive_read_support_format_rar5) \
	X(archive_read_support_format_raw) \
	X(archive_read_support_format_tar) \
	X(archive_read_support_format_xar) \
	X(archive_read_support_format_zip) \
	X(archive_set_error)

#if SL_LAZY_LIBS
SL_LAZY_LIBRARY(LA_FUNCS, SL_ARCHIVE_SONAME);
#define LA(f) (lazy_fn.f)
#else
static struct sl_lazy lazy_lib = SL_LAZY_INIT("", NULL);
#define LA(f) f
#endif

#define SNIFF 512		/* bytes looked at to tell the content */
#define ARBUF (128u << 10)	/* libarchive read callback buffer */
#define MAX_COMP 4		/* compression layers inside one another */
#define MAX_RETRY 100000	/* consecutive damaged archive headers */

enum { L_FD = 1, L_GZ, L_ENTRY };
enum { C_PLAIN = 0, C_GZIP, C_ZLIB, C_ARCHIVE };
enum { F_DIR = 1, F_ARCH };

/* A libarchive reader over one of our streams. */
struct arch {
	struct archive *a;
	struct sl_stream *in;	/* owned: what the archive is read from */
	unsigned char *rbuf;
	int fatal;
	char disc[512];		/* a discontinuity below, not yet told */
};

/*
 * What one source may expand to: every byte its logs hand to the reader
 * counts, wherever it sits in the source's archives and compression
 * layers (ingest(1), --max-expand).
 */
struct budget {
	uint64_t size;		/* the source's own bytes */
	uint64_t used, limit;
	const char *source;	/* its name, the walk's */
	int tripped;
	char msg[512];
	char notes[64];		/* expand-limit=N, once tripped */
};

/* A layer of a log's decoding: file, gzip/zlib, or archive member data. */
struct sl_stream {
	int kind;
	struct sl_stream *below;	/* L_GZ: its input (owned) */
	unsigned char *pb;	/* sniffed bytes handed out first */
	size_t pbn, pbi;
	int pend;		/* a return owed after the sniffed bytes */
	/* L_FD */
	int fd;
	uint64_t size, pos;	/* bytes to read (as hashed); fd position */
	/* L_GZ */
	struct sl_gz *gz;
	/* L_ENTRY */
	struct arch *ar;
	int own;		/* ar is ours (a raw filter), else a member's */
	struct sl_sha256 *sha;	/* member: digest of its stored bytes */
	uint64_t bytes;
	int eof, failed;
	struct budget *bud;	/* a log's top layer: its source's */
	/* L_ENTRY: the data block libarchive handed out, not yet read */
	const unsigned char *blk;
	size_t blkn;
	int64_t blkoff;		/* its offset in the member's data */
	char check[256];	/* the member failed its archive's check */
	char err[512];
};

struct frame {
	int kind;
	char *name;
	int depth;		/* F_ARCH: archive depth of its members */
	/* F_DIR */
	char **ents;
	size_t n, i;
	dev_t dev;
	ino_t ino;
	/* F_ARCH */
	struct arch *ar;
	struct sl_stream *base;	/* bottom of ar->in: file or member data */
	int is_source, done, have, retries;
	int hrc;		/* result of a header read ahead */
	struct archive_entry *ent;
	char sha[65];
	uint64_t bytes;
	int64_t mtime;
	uint64_t partial;	/* logs under it read in part or not at all */
};

struct pitem {
	int type;
	char *name, *msg;
	char *notes;		/* LOG_END, UNREAD: st.notes, owned */
	struct sl_stream *stream;
	int64_t mtime;
	struct sl_log_stats st;
};

struct sl_walk {
	char **paths;
	size_t npaths, ipath;
	struct sl_walk_opts o;
	uint64_t nfiles;	/* regular files met, for part/nparts */
	struct frame *fr;
	size_t nfr, capfr;
	struct pitem *q;	/* items waiting to be handed out */
	size_t nq, iq, capq;
	struct pitem out;	/* the item handed out last */
	/* The log handed out last, finished at the next call. */
	struct sl_stream *top, *base;
	char *name;
	int is_source;
	char sha[65];
	uint64_t bytes;
	unsigned char *scratch;
	struct budget bud;	/* of the source being read */
	char *bud_source;
};

/* ---- layers ------------------------------------------------------------ */

static void arch_free(struct arch *ar);

static void
layer_free(struct sl_stream *s)
{
	struct sl_stream *below;

	while (s != NULL) {
		below = s->below;
		if (s->kind == L_FD && s->fd >= 0)
			close(s->fd);
		sl_gz_free(s->gz);
		if (s->own)
			arch_free(s->ar);
		sl_sha256_free(s->sha);
		free(s->pb);
		free(s);
		s = below;
	}
}

static struct sl_stream *
layer_new(int kind)
{
	struct sl_stream *s;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->kind = kind;
	s->fd = -1;
	return s;
}

/* A member's data error: the message, and whether the archive can go
 * on. */
static int
entry_fail(struct sl_stream *s, int r, const char *what)
{
	const char *e = LA(archive_error_string)(s->ar->a);

	snprintf(s->err, sizeof(s->err), "%s", e != NULL ? e : what);
	if (r == ARCHIVE_FATAL)
		s->ar->fatal = 1;
	return -1;
}

/*
 * A member's data, by archive_read_data_block: archive_read_data drops
 * the last block when libarchive's own check of the member fails (zip's
 * CRC and sizes: ARCHIVE_WARN with the block), and that block is up to
 * a few hundred KiB of evidence.  Every byte returned is kept and the
 * failed check is told at the end (s->check).  The holes of a sparse
 * member read as zeros, as archive_read_data gives them.  Bytes handed
 * out, 0 at the end, -1 with the message in s->err.
 */
static ssize_t
entry_read(struct sl_stream *s, unsigned char *buf, size_t n)
{
	const void *p;
	la_int64_t off;
	size_t k;
	int r;

	for (;;) {
		if (s->blkoff > (int64_t)s->bytes) {
			k = (uint64_t)s->blkoff - s->bytes < n ?
			    (size_t)((uint64_t)s->blkoff - s->bytes) : n;
			memset(buf, 0, k);
			return (ssize_t)k;
		}
		if (s->blkn > 0) {
			k = s->blkn < n ? s->blkn : n;
			memcpy(buf, s->blk, k);
			s->blk += k;
			s->blkn -= k;
			s->blkoff += (int64_t)k;
			return (ssize_t)k;
		}
		if (s->eof)
			return 0;
		off = 0;
		r = LA(archive_read_data_block)(s->ar->a, &p, &k, &off);
		if (r == ARCHIVE_EOF) {
			/* The end's offset is the size: a hole before it
			 * (a sparse file's last) reads as zeros too. */
			s->eof = 1;
			if (off > (la_int64_t)s->bytes) {
				s->blkn = 0;
				s->blkoff = off;
			}
			continue;
		}
		if (r == ARCHIVE_WARN && s->check[0] == '\0')
			snprintf(s->check, sizeof(s->check), "%s",
			    LA(archive_error_string)(s->ar->a) != NULL ?
			    LA(archive_error_string)(s->ar->a) :
			    "damaged member");
		else if (r < ARCHIVE_WARN || r == ARCHIVE_RETRY)
			return entry_fail(s, r, "cannot read archive data");
		if (off < (la_int64_t)s->bytes) {
			snprintf(s->err, sizeof(s->err), "data of the member "
			    "out of order at byte %" PRIu64, s->bytes);
			return -1;
		}
		s->blk = p;
		s->blkn = k;
		s->blkoff = off;
	}
}

static ssize_t
layer_read(struct sl_stream *s, void *buf, size_t n)
{
	ssize_t r;
	size_t k;

	if (n == 0)
		return 0;
	if (s->pbi < s->pbn) {
		k = s->pbn - s->pbi;
		if (k > n)
			k = n;
		memcpy(buf, s->pb + s->pbi, k);
		s->pbi += k;
		return (ssize_t)k;
	}
	if (s->pend != 0) {
		r = s->pend;
		if (r == SL_EDISCONT)
			s->pend = 0;
		return r;
	}
	if (s->failed)
		return s->failed;
	switch (s->kind) {
	case L_FD:
		if (s->pos >= s->size)
			return 0;
		if (n > s->size - s->pos)
			n = (size_t)(s->size - s->pos);
		do
			r = read(s->fd, buf, n);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			snprintf(s->err, sizeof(s->err), "read error at byte "
			    "%" PRIu64 ": %s", s->pos, strerror(errno));
			return s->failed = -EIO;
		}
		if (r == 0) {
			snprintf(s->err, sizeof(s->err), "file shrank to %"
			    PRIu64 " bytes while being read", s->pos);
			return s->failed = -EIO;
		}
		s->pos += (uint64_t)r;
		return r;
	case L_GZ:
		r = sl_gz_read(s->gz, buf, n);
		if (r < 0)
			snprintf(s->err, sizeof(s->err), "%s",
			    sl_gz_error(s->gz));
		return r;
	default:
		r = entry_read(s, buf, n);
		if (r > 0) {
			if (s->sha != NULL)
				sl_sha256_update(s->sha, buf, (size_t)r);
			s->bytes += (uint64_t)r;
		} else if (r < 0) {
			return s->failed = -EIO;
		}
		if (s->ar->disc[0] != '\0') {
			/* Data was lost in a compressed archive. */
			snprintf(s->err, sizeof(s->err), "%s", s->ar->disc);
			s->ar->disc[0] = '\0';
			if (r == 0)
				return SL_EDISCONT;
			s->pend = SL_EDISCONT;
		}
		return r;
	}
}

/* The budget is spent: what the log's reader and the walk are told. */
static ssize_t
trip(struct sl_stream *s, struct budget *b)
{
	if (!b->tripped) {
		b->tripped = 1;
		snprintf(b->msg, sizeof(b->msg), "expands past %" PRIu64
		    " bytes, the limit for the %" PRIu64 " bytes of \"%s\" "
		    "(a decompression bomb?); the rest of that source is not "
		    "read", b->limit, b->size, b->source);
		snprintf(b->notes, sizeof(b->notes), "expand-limit=%" PRIu64,
		    b->limit);
	}
	snprintf(s->err, sizeof(s->err), "%s", b->msg);
	return s->failed = -EFBIG;
}

ssize_t
sl_stream_read(struct sl_stream *s, void *buf, size_t n)
{
	struct budget *b = s->bud;
	ssize_t r;

	if (b == NULL)
		return layer_read(s, buf, n);
	if (b->tripped)
		return trip(s, b);
	/* Up to the limit exactly; a byte past it trips. */
	if (b->used < b->limit && n > b->limit - b->used)
		n = (size_t)(b->limit - b->used);
	r = layer_read(s, buf, n);
	if (r > 0 && b->used == b->limit)
		return trip(s, b);
	if (r > 0)
		b->used += (uint64_t)r;
	return r;
}

const char *
sl_stream_error(const struct sl_stream *s)
{
	return s->err;
}

uint64_t
sl_stream_lost(const struct sl_stream *s)
{
	uint64_t n = 0;

	for (; s != NULL; s = s->below)
		if (s->kind == L_GZ)
			n += sl_gz_lost(s->gz);
	return n;
}

/* Read up to SNIFF bytes ahead; they are handed out again first.  A
 * negative return on the way is kept for after them. */
static int
sniff(struct sl_stream *s)
{
	size_t n = 0;
	ssize_t r;

	s->pb = malloc(SNIFF);
	if (s->pb == NULL)
		return -ENOMEM;
	while (n < SNIFF) {
		r = layer_read(s, s->pb + n, SNIFF - n);
		if (r <= 0) {
			if (r < 0)
				s->pend = (int)r;
			break;
		}
		n += (size_t)r;
	}
	s->pbn = n;
	s->pbi = 0;
	return 0;
}

static ssize_t
gz_in(void *arg, void *buf, size_t n)
{
	struct sl_stream *s = arg;
	ssize_t r;

	/* A loss below a gzip layer cannot be told apart from damage. */
	while ((r = layer_read(s, buf, n)) == SL_EDISCONT)
		;
	return r;
}

static const char *
gz_inerr(void *arg)
{
	return ((struct sl_stream *)arg)->err;
}

/* ---- content ----------------------------------------------------------- */

static unsigned long
octal(const unsigned char *p, size_t n)
{
	unsigned long v = 0;
	size_t i = 0;

	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (unsigned long)(p[i] - '0');
	return v;
}

static int
tar_header(const unsigned char *p, size_t n)
{
	unsigned long sum = 0, want;
	size_t i;

	if (n < 512)
		return 0;
	if (memcmp(p + 257, "ustar", 5) == 0)
		return 1;
	if (p[0] == 0 || p[148] < ' ')
		return 0;
	for (i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : p[i];
	want = octal(p + 148, 8);
	return want == sum;
}

static int
zlib_ok(const unsigned char *p, size_t n)
{
	unsigned char out[1024];
	z_stream z;
	int r;

	if (n < 2 || p[0] != 0x78 || (p[1] & 0x20) != 0 ||
	    ((unsigned)p[0] << 8 | p[1]) % 31 != 0)
		return 0;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		r = inflate(&z, Z_NO_FLUSH);
	} while (r == Z_OK && z.avail_in > 0);
	inflateEnd(&z);
	return r == Z_OK || r == Z_STREAM_END || r == Z_BUF_ERROR;
}

static int
lzma_alone(const unsigned char *p, size_t n)
{
	uint32_t d;
	int i;

	if (n < 13 || p[0] != 0x5d)
		return 0;
	d = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 |
	    (uint32_t)p[4] << 24;
	for (i = 12; i <= 30; i++)
		if (d == 1u << i || d == (1u << i) + (1u << (i - 1)))
			break;
	if (i > 30)
		return 0;
	for (i = 5; i < 13 && p[i] == 0xff; i++)
		;
	return i == 13 || p[12] == 0;
}

static int
classify(const unsigned char *p, size_t n)
{
	static const struct {
		const char *m;
		size_t n;
	} magic[] = {
		{ "\xfd" "7zXZ\0", 6 },		/* xz */
		{ "\x28\xb5\x2f\xfd", 4 },	/* zstd */
		{ "\x04\x22\x4d\x18", 4 },	/* lz4 */
		{ "\x02\x21\x4c\x18", 4 },	/* lz4 legacy */
		{ "LZIP", 4 },
		{ "\x1f\x9d", 2 },		/* compress */
		{ "PK\x03\x04", 4 },
		{ "PK\x05\x06", 4 },		/* empty zip */
		{ "PK\x07\x08PK", 6 },		/* spanned zip */
		{ "PK00PK\x03\x04", 8 },
		{ "7z\xbc\xaf\x27\x1c", 6 },
		{ "Rar!\x1a\x07", 6 },
		{ "MSCF\0\0\0\0", 8 },		/* cab */
		{ "xar!", 4 },
		{ "!<arch>\n", 8 },
		{ "!<thin>\n", 8 },
		{ "070707", 6 },		/* cpio odc */
		{ "070701", 6 },		/* cpio newc */
		{ "070702", 6 },
		{ "\xc7\x71", 2 },		/* cpio binary */
		{ "\x71\xc7", 2 },
	};
	size_t i;

	if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return C_GZIP;
	if (zlib_ok(p, n))
		return C_ZLIB;
	for (i = 0; i < SL_ARRAY_LEN(magic); i++)
		if (n >= magic[i].n && memcmp(p, magic[i].m, magic[i].n) == 0)
			return C_ARCHIVE;
	if (n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' &&
	    p[3] <= '9' && (memcmp(p + 4, "1AY&SY", 6) == 0 ||
	    memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0))
		return C_ARCHIVE;
	if (n >= 7 && p[2] == '-' && p[3] == 'l' && p[4] == 'h' &&
	    p[6] == '-')
		return C_ARCHIVE;	/* lha */
	if (lzma_alone(p, n) || tar_header(p, n))
		return C_ARCHIVE;
	return C_PLAIN;
}

/* ---- libarchive -------------------------------------------------------- */

static la_ssize_t
ar_read(struct archive *a, void *arg, const void **buf)
{
	struct arch *ar = arg;
	ssize_t r;

	for (;;) {
		r = layer_read(ar->in, ar->rbuf, ARBUF);
		if (r != SL_EDISCONT)
			break;
		if (ar->disc[0] == '\0')
			snprintf(ar->disc, sizeof(ar->disc), "%s",
			    ar->in->err);
	}
	if (r < 0) {
		LA(archive_set_error)(a, EIO, "%s", ar->in->err);
		return -1;
	}
	*buf = ar->rbuf;
	return r;
}

/* Seeking is offered for a bare file (zip's central directory, 7z). */
static la_int64_t
ar_seek(struct archive *a, void *arg, la_int64_t off, int whence)
{
	struct arch *ar = arg;
	struct sl_stream *s = ar->in;
	int64_t at;

	(void)a;
	if (whence == SEEK_SET)
		at = off;
	else if (whence == SEEK_CUR)
		at = (int64_t)s->pos - (int64_t)(s->pbn - s->pbi) + off;
	else
		at = (int64_t)s->size + off;
	if (at < 0 || (uint64_t)at > s->size)
		return ARCHIVE_FATAL;
	if (lseek(s->fd, at, SEEK_SET) < 0)
		return ARCHIVE_FATAL;
	s->pbn = s->pbi = 0;
	s->pend = 0;
	s->pos = (uint64_t)at;
	return at;
}

static la_int64_t
ar_skip(struct archive *a, void *arg, la_int64_t n)
{
	struct arch *ar = arg;
	struct sl_stream *s = ar->in;
	la_int64_t cur, to;

	cur = (la_int64_t)s->pos - (la_int64_t)(s->pbn - s->pbi);
	to = (uint64_t)n > s->size - (uint64_t)cur ? (la_int64_t)s->size :
	    cur + n;
	if (ar_seek(a, arg, to, SEEK_SET) < 0)
		return 0;
	return to - cur;
}

static void
arch_free(struct arch *ar)
{
	if (ar == NULL)
		return;
	if (ar->a != NULL)
		LA(archive_read_free)(ar->a);
	layer_free(ar->in);
	free(ar->rbuf);
	free(ar);
}

/* A reader over in (taken over, also on failure); NULL with a message. */
static struct arch *
arch_open(struct sl_stream *in, char *err, size_t errlen)
{
	struct archive *a;
	struct arch *ar;

	ar = calloc(1, sizeof(*ar));
	if (ar == NULL) {
		layer_free(in);
		sl_seterr(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	ar->in = in;
	if (sl_lazy_load(&lazy_lib, err, errlen) < 0)
		goto fail;
	ar->rbuf = malloc(ARBUF);
	ar->a = a = LA(archive_read_new)();
	if (ar->rbuf == NULL || a == NULL) {
		sl_seterr(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	/* No gzip filter (ours recovers damage) and no filters that run
	 * external programs on evidence. */
	LA(archive_read_support_filter_bzip2)(a);
	LA(archive_read_support_filter_compress)(a);
	LA(archive_read_support_filter_lz4)(a);
	LA(archive_read_support_filter_lzip)(a);
	LA(archive_read_support_filter_lzma)(a);
	LA(archive_read_support_filter_xz)(a);
	LA(archive_read_support_filter_zstd)(a);
	LA(archive_read_support_format_7zip)(a);
	LA(archive_read_support_format_ar)(a);
	LA(archive_read_support_format_cab)(a);
	LA(archive_read_support_format_cpio)(a);
	LA(archive_read_support_format_lha)(a);
	LA(archive_read_support_format_rar)(a);
	LA(archive_read_support_format_rar5)(a);
	LA(archive_read_support_format_tar)(a);
	LA(archive_read_support_format_xar)(a);
	LA(archive_read_support_format_zip)(a);
	LA(archive_read_support_format_raw)(a);
	LA(archive_read_set_callback_data)(a, ar);
	LA(archive_read_set_read_callback)(a, ar_read);
	if (in->kind == L_FD) {
		LA(archive_read_set_seek_callback)(a, ar_seek);
		LA(archive_read_set_skip_callback)(a, ar_skip);
	}
	if (LA(archive_read_open1)(a) != ARCHIVE_OK) {
		sl_seterr(err, errlen, "%s", LA(archive_error_string)(a) != NULL ?
		    LA(archive_error_string)(a) : "cannot read archive");
		goto fail;
	}
	return ar;
fail:
	arch_free(ar);
	return NULL;
}

/* ---- the walk ------------------------------------------------------------ */

#define SKIP_LINK	"symbolic link; not followed"

static void
pitem_release(struct pitem *p)
{
	free(p->name);
	free(p->msg);
	free(p->notes);
	memset(p, 0, sizeof(*p));
}

/* Queue an item; name and msg are copied.  0 or -ENOMEM. */
static int
push(struct sl_walk *w, int type, const char *name, const char *msg,
    const struct sl_log_stats *st)
{
	struct pitem *p;

	if (w->iq > 0 && w->iq == w->nq)
		w->iq = w->nq = 0;
	if (w->nq == w->capq) {
		size_t cap = w->capq ? w->capq * 2 : 8;

		p = realloc(w->q, cap * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		w->q = p;
		w->capq = cap;
	}
	p = &w->q[w->nq];
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->mtime = INT64_MIN;
	p->name = strdup(name);
	p->msg = msg != NULL ? strdup(msg) : NULL;
	if (p->name == NULL || (msg != NULL && p->msg == NULL)) {
		pitem_release(p);
		return -ENOMEM;
	}
	if (st != NULL)
		p->st = *st;
	w->nq++;
	return 0;
}

static int
push_error(struct sl_walk *w, const char *name, const char *fmt, ...)
    SL_PRINTF(3, 4);

static int
push_error(struct sl_walk *w, const char *name, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return push(w, SL_WALK_ERROR, name, msg, NULL);
}

static int drain(struct sl_walk *w, struct sl_stream *s);

/* A log under the open archives was read in part or not at all: each
 * says so in its own row (a source is read again as a whole). */
static void
mark_partial(struct sl_walk *w)
{
	size_t i;

	for (i = 0; i < w->nfr; i++)
		if (w->fr[i].kind == F_ARCH)
			w->fr[i].partial++;
}

/*
 * A log not read at all, and why: an UNREAD with msg (the reader tells it
 * as an error) whose row notes "unread=word" and has the digest of the
 * log's bytes:
 * a source's own (sha), a member's read to its end from base (taken
 * over; NULL: none can be read, and the row has no digest).
 */
static int
push_unread(struct sl_walk *w, struct sl_stream *base, const char *name,
    int is_source, const char *sha, uint64_t bytes, const char *word,
    const char *msg)
{
	struct sl_log_stats st;
	struct sl_buf notes = { 0 };
	int rc;

	memset(&st, 0, sizeof(st));
	st.is_source = is_source;
	if (base != NULL && base->kind == L_ENTRY && base->sha != NULL) {
		rc = drain(w, base);
		if (rc == -ENOMEM) {
			layer_free(base);
			return rc;
		}
		/* The digest only of data read to its end. */
		if (rc == 0) {
			sl_sha256_final(base->sha, st.sha256);
			st.bytes = base->bytes;
		}
	} else if (sha != NULL) {
		memcpy(st.sha256, sha, sizeof(st.sha256));
		st.bytes = bytes;
	}
	layer_free(base);
	mark_partial(w);
	if ((rc = sl_buf_printf(&notes, "unread=%s", word)) < 0 ||
	    (rc = push(w, SL_WALK_UNREAD, name, msg, &st)) < 0) {
		sl_buf_release(&notes);
		return rc;
	}
	w->q[w->nq - 1].notes = notes.p;
	return 0;
}

/* Messages that are not about a file dealt to this part come from part 0. */
static int
part0(const struct sl_walk *w)
{
	return w->o.nparts <= 1 || w->o.part == 0;
}

struct sl_walk *
sl_walk_new(const char *const *paths, size_t n, const struct sl_walk_opts *o)
{
	struct sl_walk *w;
	size_t i;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	if (o != NULL)
		w->o = *o;
	if (w->o.max_depth <= 0)
		w->o.max_depth = SL_MAX_DEPTH_DEFAULT;
	w->paths = calloc(n ? n : 1, sizeof(*w->paths));
	if (w->paths == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((w->paths[i] = strdup(paths[i])) == NULL)
			goto fail;
		w->npaths++;
	}
	return w;
fail:
	sl_walk_free(w);
	return NULL;
}

static void
frame_release(struct frame *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->ents[i]);
	free(f->ents);
	arch_free(f->ar);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

static void
log_release(struct sl_walk *w)
{
	layer_free(w->top);
	w->top = w->base = NULL;
	free(w->name);
	w->name = NULL;
}

void
sl_walk_free(struct sl_walk *w)
{
	size_t i;

	if (w == NULL)
		return;
	log_release(w);
	while (w->nfr > 0)
		frame_release(&w->fr[--w->nfr]);
	free(w->fr);
	for (i = w->iq; i < w->nq; i++) {
		layer_free(w->q[i].stream);
		pitem_release(&w->q[i]);
	}
	free(w->q);
	pitem_release(&w->out);
	for (i = 0; i < w->npaths; i++)
		free(w->paths[i]);
	free(w->paths);
	free(w->scratch);
	free(w->bud_source);
	free(w);
}

static struct frame *
frame_push(struct sl_walk *w, int kind, const char *name)
{
	struct frame *f;

	if (w->nfr == w->capfr) {
		size_t cap = w->capfr ? w->capfr * 2 : 8;

		f = realloc(w->fr, cap * sizeof(*f));
		if (f == NULL)
			return NULL;
		w->fr = f;
		w->capfr = cap;
	}
	f = &w->fr[w->nfr];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	if ((f->name = strdup(name)) == NULL)
		return NULL;
	w->nfr++;
	return f;
}

/* Read what is left of a member's data for its digest.  0, or the
 * negative value that stopped it (message in s->err). */
static int
drain(struct sl_walk *w, struct sl_stream *s)
{
	ssize_t r;

	if (w->scratch == NULL && (w->scratch = malloc(ARBUF)) == NULL)
		return -ENOMEM;
	s->pbi = s->pbn;
	s->pend = 0;
	for (;;) {
		r = layer_read(s, w->scratch, ARBUF);
		if (r == SL_EDISCONT)
			continue;
		if (r <= 0)
			return (int)r;
	}
}

/* push_unread for base, at the bottom of the layers top: the layers
 * above it are freed, base is read to its end. */
static int
unread_in(struct sl_walk *w, struct sl_stream *top, struct sl_stream *base,
    const char *name, int is_source, const char *sha, uint64_t bytes,
    const char *word, const char *msg)
{
	struct sl_stream *s;

	while (top != NULL && top != base) {
		/* What the layer reads from: below it, or in its own
		 * archive (a compressed single file). */
		s = top->below;
		top->below = NULL;
		if (top->own && top->ar != NULL) {
			s = top->ar->in;
			top->ar->in = NULL;
		}
		layer_free(top);
		top = s;
	}
	return push_unread(w, base, name, is_source, sha, bytes, word, msg);
}

/* The same for an archive open over base. */
static int
unread_arch(struct sl_walk *w, struct arch *ar, struct sl_stream *base,
    const char *name, int is_source, const char *sha, uint64_t bytes,
    const char *word, const char *msg)
{
	struct sl_stream *top = ar->in;

	ar->in = NULL;
	arch_free(ar);
	return unread_in(w, top, base, name, is_source, sha, bytes, word,
	    msg);
}

/*
 * A source of size bytes starts: what its logs may expand to is the larger
 * of max_expand times its size and SL_EXPAND_FLOOR (a small file's ratio
 * says little), and at most max_expand_bytes.
 */
static int
budget_start(struct sl_walk *w, const char *name, uint64_t size)
{
	struct budget *b = &w->bud;
	uint64_t ratio = w->o.max_expand, lim = UINT64_MAX;

	free(w->bud_source);
	if ((w->bud_source = strdup(name)) == NULL)
		return -ENOMEM;
	memset(b, 0, sizeof(*b));
	b->size = size;
	b->source = w->bud_source;
	if (ratio == 0)
		ratio = SL_MAX_EXPAND_DEFAULT;
	if (ratio != SL_EXPAND_UNLIMITED) {
		lim = size > UINT64_MAX / ratio ? UINT64_MAX : size * ratio;
		if (lim < SL_EXPAND_FLOOR)
			lim = SL_EXPAND_FLOOR;
	}
	if (w->o.max_expand_bytes != 0 && lim > w->o.max_expand_bytes)
		lim = w->o.max_expand_bytes;
	b->limit = lim;
	return 0;
}

/*
 * Decide what the stream base (a file, or a member's data) holds and act:
 * queue a LOG, push an archive frame, or queue an ERROR or an UNREAD.  base is taken
 * over.  depth: archive depth of base (0 for a source).
 */
static int
content(struct sl_walk *w, struct sl_stream *base, const char *name,
    int depth, int is_source, const char *sha, uint64_t bytes, int64_t mtime)
{
	struct sl_stream *top = base, *s;
	struct arch *ar;
	struct archive_entry *ent = NULL;
	struct frame *f;
	char err[512];
	int ncomp = 0, c, rc;

	if (is_source && budget_start(w, name, bytes) < 0)
		goto nomem;
	for (;;) {
		if (sniff(top) < 0)
			goto nomem;
		c = classify(top->pb, top->pbn);
		if (c == C_PLAIN)
			break;
		if (c != C_ARCHIVE && ++ncomp > MAX_COMP) {
			snprintf(err, sizeof(err), "compressed more than %d "
			    "times over; not read", MAX_COMP);
			return unread_in(w, top, base, name, is_source, sha,
			    bytes, "compressed", err);
		}
		if (c == C_GZIP || c == C_ZLIB) {
			if ((s = layer_new(L_GZ)) == NULL)
				goto nomem;
			s->below = top;
			top = s;
			s->gz = sl_gz_new(c == C_ZLIB, gz_in, gz_inerr,
			    s->below);
			if (s->gz == NULL)
				goto nomem;
			continue;
		}
		ar = arch_open(top, err, sizeof(err));
		top = NULL;
		if (ar == NULL)
			return push_error(w, name, "cannot read archive: %s",
			    err);
		rc = LA(archive_read_next_header)(ar->a, &ent);
		if (LA(archive_format)(ar->a) == ARCHIVE_FORMAT_RAW &&
		    rc >= ARCHIVE_WARN) {
			/* A compressed single file: its data is the log. */
			if (++ncomp > MAX_COMP) {
				snprintf(err, sizeof(err), "compressed more "
				    "than %d times over; not read", MAX_COMP);
				return unread_arch(w, ar, base, name,
				    is_source, sha, bytes, "compressed", err);
			}
			if ((top = layer_new(L_ENTRY)) == NULL) {
				arch_free(ar);
				goto nomem;
			}
			top->ar = ar;
			top->own = 1;
			continue;
		}
		if (depth + 1 > w->o.max_depth) {
			snprintf(err, sizeof(err), "archive nested more than "
			    "%d deep; not read", w->o.max_depth);
			return unread_arch(w, ar, base, name, is_source, sha,
			    bytes, "nested", err);
		}
		if ((f = frame_push(w, F_ARCH, name)) == NULL) {
			arch_free(ar);
			goto nomem;
		}
		f->ar = ar;
		f->base = base;
		f->depth = depth + 1;
		f->is_source = is_source;
		f->have = 1;
		f->hrc = rc;
		f->ent = ent;
		f->mtime = mtime;
		f->bytes = bytes;
		if (sha != NULL)
			memcpy(f->sha, sha, 65);
		return 0;
	}
	rc = push(w, SL_WALK_LOG, name, NULL, NULL);
	if (rc < 0) {
		layer_free(top);
		return rc;
	}
	top->bud = &w->bud;
	w->q[w->nq - 1].stream = top;
	w->q[w->nq - 1].mtime = mtime;
	w->q[w->nq - 1].st.is_source = is_source;
	w->base = base;
	w->is_source = is_source;
	w->bytes = bytes;
	if (sha != NULL)
		memcpy(w->sha, sha, 65);
	return 0;
nomem:
	layer_free(top);
	return -ENOMEM;
}

static int open_fd_as(struct sl_walk *w, int fd, const char *name,
    int64_t mtime);

/* Hash an open regular file, offer it to skip, and read it: named by its
 * path as an origin's first name is (sl_origin_escape). */
static int
open_fd(struct sl_walk *w, int fd, const char *path, int64_t mtime)
{
	struct sl_buf name = { 0 };
	int rc;

	if (sl_origin_escape(path, strlen(path), &name) < 0 ||
	    sl_buf_grow(&name, 0) < 0) {
		close(fd);
		sl_buf_release(&name);
		return -ENOMEM;
	}
	rc = open_fd_as(w, fd, name.p, mtime);
	sl_buf_release(&name);
	return rc;
}

static int
open_fd_as(struct sl_walk *w, int fd, const char *name, int64_t mtime)
{
	struct sl_log_stats st;
	struct sl_sha256 *h;
	struct sl_stream *s;
	ssize_t r;
	uint64_t total = 0;
	char *buf;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	h = sl_sha256_new();
	buf = malloc(ARBUF);
	if (h == NULL || buf == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	for (;;) {
		r = read(fd, buf, ARBUF);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = push_error(w, name, "read error: %s",
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		sl_sha256_update(h, buf, (size_t)r);
		total += (uint64_t)r;
	}
	sl_sha256_final(h, st.sha256);
	st.bytes = total;
	st.is_source = 1;
	if (w->o.skip != NULL && w->o.skip(w->o.skip_arg, st.sha256)) {
		rc = push(w, SL_WALK_SKIPPED, name, NULL, &st);
		goto fail;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		rc = push_error(w, name, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if ((s = layer_new(L_FD)) == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	s->fd = fd;
	s->size = total;
	fd = -1;
	rc = content(w, s, name, 0, 1, st.sha256, total, mtime);
fail:
	if (fd >= 0)
		close(fd);
	sl_sha256_free(h);
	free(buf);
	return rc;
}

static int
open_stdin(struct sl_walk *w)
{
	const char *dir = w->o.tmpdir;
	char path[PATH_MAX], *buf;
	ssize_t r, k;
	int fd, rc;

	if (dir == NULL)
		dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/sessionlog-stdin-XXXXXX",
	    dir) >= sizeof(path))
		return push_error(w, "(stdin)", "cannot spool standard input: "
		    "%s", strerror(ENAMETOOLONG));
	fd = mkstemp(path);
	if (fd < 0)
		return push_error(w, "(stdin)", "cannot spool standard input "
		    "in %s: %s", dir, strerror(errno));
	unlink(path);
	if ((buf = malloc(ARBUF)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		r = read(STDIN_FILENO, buf, ARBUF);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (k = 0; k < r; ) {
			ssize_t wr = write(fd, buf + k, (size_t)(r - k));

			if (wr < 0 && errno == EINTR)
				continue;
			if (wr <= 0) {
				r = -1;
				break;
			}
			k += wr;
		}
		if (r < 0)
			break;
	}
	free(buf);
	if (r < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		rc = errno;
		close(fd);
		return push_error(w, "(stdin)", "cannot spool standard input: "
		    "%s", strerror(rc ? rc : EIO));
	}
	return open_fd(w, fd, "(stdin)", INT64_MIN);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A source not read, and why: not an error, the investigator's choice or
 * the walk's rule. */
static int
push_skip(struct sl_walk *w, const char *name, const char *why)
{
	struct sl_log_stats st;

	if (!part0(w))
		return 0;
	memset(&st, 0, sizeof(st));
	return push(w, SL_WALK_SKIPPED, name, why, &st);
}

/* Whether the directory open at dfd is a sessionlog case: its own files,
 * read as logs, would be counted again on every run. */
static int
is_case(int dfd)
{
	char buf[16];
	ssize_t n;
	int fd;

	fd = openat(dfd, SL_CASE_FILE, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == (ssize_t)sizeof(buf) &&
	    memcmp(buf, "sessionlog-case ", sizeof(buf)) == 0;
}

static int
open_dir(struct sl_walk *w, const char *path, int nofollow)
{
	struct dirent *de;
	struct frame *f;
	struct stat st;
	size_t i, len;
	DIR *d;
	char **v;
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK |
	    (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0 && nofollow && errno == ELOOP)
		return push_skip(w, path, SKIP_LINK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return part0(w) ? push_error(w, path, "cannot open: %s",
		    strerror(e)) : 0;
	}
	if (is_case(fd)) {
		close(fd);
		return push_skip(w, path, "a sessionlog case; not read");
	}
	for (i = 0; i < w->nfr; i++) {
		if (w->fr[i].kind == F_DIR && w->fr[i].dev == st.st_dev &&
		    w->fr[i].ino == st.st_ino) {
			close(fd);
			return part0(w) ? push_error(w, path, "symbolic link "
			    "loop: the directory is already being read") : 0;
		}
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return part0(w) ? push_error(w, path, "cannot open: %s",
		    strerror(errno)) : 0;
	}
	if ((f = frame_push(w, F_DIR, path)) == NULL) {
		closedir(d);
		return -ENOMEM;
	}
	len = strlen(f->name);
	while (len > 1 && f->name[len - 1] == '/')
		f->name[--len] = '\0';
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (f->n % 64 == 0) {
			v = realloc(f->ents, (f->n + 64) * sizeof(*v));
			if (v == NULL)
				goto nomem;
			f->ents = v;
		}
		if ((f->ents[f->n] = strdup(de->d_name)) == NULL)
			goto nomem;
		f->n++;
	}
	closedir(d);
	if (f->n > 0)
		qsort(f->ents, f->n, sizeof(*f->ents), cmpstr);
	return 0;
nomem:
	closedir(d);
	return -ENOMEM;
}

/*
 * A source named by the caller (top) is followed if it is a symbolic link,
 * as find -H does; a link met inside a directory is not, unless the caller
 * asks: it may lead out of the evidence.  The links are refused when
 * opened (O_NOFOLLOW), not only when looked at, so that one put in place
 * between the two is refused too.
 */
static int
open_path(struct sl_walk *w, const char *path, int top)
{
	struct stat st;
	int64_t mtime;
	int fd, e, nofollow = !top && !w->o.follow;

	if (strcmp(path, "-") == 0) {
		if (w->o.nparts > 1 && w->nfiles++ % w->o.nparts != w->o.part)
			return 0;
		return open_stdin(w);
	}
	if ((nofollow ? lstat(path, &st) : stat(path, &st)) < 0) {
		e = errno;
		if (!part0(w))
			return 0;
		if (e == ELOOP)
			return push_error(w, path, "symbolic link loop");
		return push_error(w, path, "cannot open: %s", strerror(e));
	}
	if (S_ISLNK(st.st_mode))
		return push_skip(w, path, SKIP_LINK);
	if (S_ISDIR(st.st_mode))
		return open_dir(w, path, nofollow);
	if (!S_ISREG(st.st_mode))
		return part0(w) ? push_error(w, path, "not a regular file; "
		    "not read") : 0;
	if (w->o.nparts > 1 && w->nfiles++ % w->o.nparts != w->o.part)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0 && nofollow && errno == ELOOP)
		return push(w, SL_WALK_SKIPPED, path, SKIP_LINK, NULL);
	if (fd < 0)
		return push_error(w, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return push_error(w, path, "not a regular file; not read");
	}
	mtime = (int64_t)st.st_mtim.tv_sec * 1000000 +
	    st.st_mtim.tv_nsec / 1000;
	return open_fd(w, fd, path, mtime);
}

/*
 * A log's or an archive's LOG_END, with the notes: st's own (a limit
 * met), "container" for an archive and the number of logs under it read in part or not at all
 * (partial=N), "badcheck" when base, a member's data, failed its
 * archive's check (told here too).
 */
static int
push_end(struct sl_walk *w, const char *name, const struct sl_log_stats *st,
    const struct sl_stream *b, uint64_t partial)
{
	struct sl_buf notes = { 0 };
	int bad = b->kind == L_ENTRY && b->check[0] != '\0', rc;

	if (bad)
		mark_partial(w);
	/* st's own notes first: the source's expansion limit, met. */
	if ((st->notes != NULL && st->notes[0] != '\0' &&
	    sl_buf_printf(&notes, "%s", st->notes) < 0) ||
	    (partial > 0 && sl_buf_printf(&notes, "%spartial=%" PRIu64,
	    notes.n > 0 ? " " : "", partial) < 0) ||
	    (bad && sl_buf_printf(&notes, "%sbadcheck",
	    notes.n > 0 ? " " : "") < 0) ||
	    (rc = push(w, SL_WALK_LOG_END, name, NULL, st)) < 0) {
		sl_buf_release(&notes);
		return -ENOMEM;
	}
	w->q[w->nq - 1].notes = notes.p;
	if (bad)
		return push_error(w, name, "the member's data failed its "
		    "archive's check (%s); all %" PRIu64 " bytes read are "
		    "kept", b->check, b->bytes);
	return 0;
}

/* The end of the log handed out last: its digest. */
static int
log_finish(struct sl_walk *w)
{
	struct sl_log_stats st;
	struct sl_stream *b = w->base;
	int rc = 0, r;

	memset(&st, 0, sizeof(st));
	st.is_source = w->is_source;
	if (w->bud.tripped) {
		/* Not read to its end: no digest, nothing more expanded
		 * for one. */
		st.notes = w->bud.notes;
		if (b->kind != L_ENTRY || b->sha == NULL) {
			memcpy(st.sha256, w->sha, sizeof(st.sha256));
			st.bytes = w->bytes;
		}
	} else if (b->kind == L_ENTRY && b->sha != NULL) {
		int failed = b->failed;

		r = drain(w, b);
		if (r == -ENOMEM)
			return r;
		sl_sha256_final(b->sha, st.sha256);
		st.bytes = b->bytes;
		if (r < 0 && !failed)
			rc = 1;
	} else {
		memcpy(st.sha256, w->sha, sizeof(st.sha256));
		st.bytes = w->bytes;
	}
	r = push_end(w, w->name, &st, b, 0);
	if (r == 0 && rc == 1)
		r = push_error(w, w->name, "cannot read to the end: %s",
		    b->err);
	log_release(w);
	return r;
}

static int
arch_finish(struct sl_walk *w)
{
	struct frame *f = &w->fr[w->nfr - 1];
	struct sl_log_stats st;
	int r;

	memset(&st, 0, sizeof(st));
	st.is_source = f->is_source;
	st.container = 1;
	if (w->bud.tripped) {
		st.notes = w->bud.notes;
		if (f->base->kind != L_ENTRY || f->base->sha == NULL) {
			memcpy(st.sha256, f->sha, sizeof(st.sha256));
			st.bytes = f->bytes;
		}
	} else if (f->base->kind == L_ENTRY && f->base->sha != NULL) {
		r = drain(w, f->base);
		if (r == -ENOMEM)
			return r;
		sl_sha256_final(f->base->sha, st.sha256);
		st.bytes = f->base->bytes;
	} else {
		memcpy(st.sha256, f->sha, sizeof(st.sha256));
		st.bytes = f->bytes;
	}
	/* Its own failed check counts in the archives around it. */
	w->nfr--;
	r = push_end(w, f->name, &st, f->base, f->partial);
	frame_release(f);
	return r;
}

static int
arch_step(struct sl_walk *w)
{
	struct frame *f = &w->fr[w->nfr - 1];
	struct archive_entry *ent;
	struct sl_stream *s;
	struct sl_buf name = { 0 };
	const char *path;
	int64_t mtime;
	int rc;

	if (f->done || f->ar->fatal || w->bud.tripped)
		return arch_finish(w);
	if (f->have) {
		f->have = 0;
		rc = f->hrc;
		ent = f->ent;
	} else {
		rc = LA(archive_read_next_header)(f->ar->a, &ent);
	}
	if (f->ar->disc[0] != '\0') {
		if (push_error(w, f->name, "%s", f->ar->disc) < 0)
			return -ENOMEM;
		f->ar->disc[0] = '\0';
	}
	if (rc == ARCHIVE_EOF) {
		f->done = 1;
		return 0;
	}
	if (rc == ARCHIVE_RETRY && ++f->retries < MAX_RETRY) {
		if (f->retries > 1)
			return 0;
		return push_error(w, f->name, "damaged archive: %s; looking "
		    "for the next member", LA(archive_error_string)(f->ar->a));
	}
	if (rc < ARCHIVE_WARN || rc == ARCHIVE_RETRY) {
		f->done = 1;
		return push_error(w, f->name, "damaged archive: %s",
		    LA(archive_error_string)(f->ar->a) != NULL ?
		    LA(archive_error_string)(f->ar->a) : "cannot read");
	}
	f->retries = 0;
	if (LA(archive_entry_filetype)(ent) != AE_IFREG ||
	    (LA(archive_entry_hardlink)(ent) != NULL &&
	    LA(archive_entry_size)(ent) == 0))
		return 0;
	path = LA(archive_entry_pathname)(ent);
	if (path == NULL)
		path = LA(archive_entry_pathname_utf8)(ent);
	if (path == NULL)
		path = "(unnamed)";
	/* A '!' in the name would make the origin ambiguous. */
	if (sl_buf_printf(&name, "%s!", f->name) < 0 ||
	    sl_origin_escape(path, strlen(path), &name) < 0) {
		sl_buf_release(&name);
		return -ENOMEM;
	}
	if (LA(archive_entry_is_encrypted)(ent)) {
		rc = push_unread(w, NULL, name.p, 0, NULL, 0, "encrypted",
		    "encrypted member; not read");
		sl_buf_release(&name);
		return rc;
	}
	mtime = LA(archive_entry_mtime_is_set)(ent) ?
	    (int64_t)LA(archive_entry_mtime)(ent) * 1000000 +
	    LA(archive_entry_mtime_nsec)(ent) / 1000 : f->mtime;
	if ((s = layer_new(L_ENTRY)) == NULL ||
	    (s->sha = sl_sha256_new()) == NULL) {
		layer_free(s);
		sl_buf_release(&name);
		return -ENOMEM;
	}
	s->ar = f->ar;
	rc = content(w, s, name.p, f->depth, 0, NULL, 0, mtime);
	sl_buf_release(&name);
	return rc;
}

/* One step of the walk: queue items, or change state.  1 at the end. */
static int
step(struct sl_walk *w)
{
	struct frame *f;
	struct sl_buf path = { 0 };
	int rc;

	if (w->nfr == 0) {
		if (w->ipath >= w->npaths)
			return 1;
		return open_path(w, w->paths[w->ipath++], 1);
	}
	f = &w->fr[w->nfr - 1];
	if (f->kind == F_ARCH)
		return arch_step(w);
	if (f->i >= f->n) {
		frame_release(f);
		w->nfr--;
		return 0;
	}
	if (sl_buf_printf(&path, "%s%s%s", f->name,
	    f->name[strlen(f->name) - 1] == '/' ? "" : "/",
	    f->ents[f->i++]) < 0)
		return -ENOMEM;
	rc = open_path(w, path.p, 0);
	sl_buf_release(&path);
	return rc;
}

int
sl_walk_next(struct sl_walk *w, struct sl_walk_item *it)
{
	struct pitem *p;
	int rc;

	pitem_release(&w->out);
	memset(it, 0, sizeof(*it));
	if (w->top != NULL && (rc = log_finish(w)) < 0)
		return rc;
	while (w->iq == w->nq) {
		rc = step(w);
		if (rc < 0)
			return rc;
		if (rc == 1 && w->iq == w->nq)
			return 0;
	}
	p = &w->q[w->iq++];
	w->out = *p;
	it->type = p->type;
	it->name = p->name;
	it->message = p->msg;
	it->stream = p->stream;
	it->mtime = p->mtime;
	it->stats = p->st;
	if (p->type == SL_WALK_LOG_END || p->type == SL_WALK_UNREAD)
		it->stats.notes = p->notes != NULL ? p->notes : "";
	if (p->type == SL_WALK_LOG) {
		w->top = p->stream;
		w->name = strdup(p->name);
		if (w->name == NULL)
			return -ENOMEM;
	}
	return 1;
}
