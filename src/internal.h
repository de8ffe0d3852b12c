/* internal.h: interfaces between the modules of libsessionlog. */
#ifndef SL_INTERNAL_H
#define SL_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>

#include "sessionlog.h"

#define SL_UNUSED __attribute__((unused))
#define SL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define SL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define SL_MAX_DEPTH_DEFAULT 8

/* ---- util.c: growable buffers, small helpers ------------------------- */

/* A growable byte buffer; p is always NUL-terminated when cap > 0. */
struct sl_buf {
	char *p;
	size_t n, cap;
};

/* Make room for extra more bytes (plus the NUL). 0 or -ENOMEM. */
int sl_buf_grow(struct sl_buf *b, size_t extra);
int sl_buf_add(struct sl_buf *b, const void *p, size_t n);
int sl_buf_addc(struct sl_buf *b, int c);
int sl_buf_adds(struct sl_buf *b, const char *s);
int sl_buf_printf(struct sl_buf *b, const char *fmt, ...) SL_PRINTF(2, 3);
void sl_buf_reset(struct sl_buf *b);	/* n = 0, keeps the memory */
void sl_buf_release(struct sl_buf *b);	/* frees the memory */

/* Copy of s (NUL-terminated), NULL on ENOMEM. */
char *sl_strndup(const char *s, size_t n);
/* snprintf into a fixed error buffer, never overflowing; errlen may be 0. */
void sl_seterr(char *err, size_t errlen, const char *fmt, ...)
    SL_PRINTF(3, 4);
int sl_str_eq(struct sl_str a, const char *s);
/* Copy the caller's option struct src (NULL: every default; its first
 * member is its size) into dst (dstsize bytes), zeroing what src does not
 * cover: 0, -EINVAL for a size of 0, -E2BIG for a nonzero member this
 * version does not know (sessionlog.h, Conventions). */
int sl_opts_copy(void *dst, size_t dstsize, const void *src);
/* The value of a hex digit, or -1. */
int sl_hexval(int c);
/* 64-bit FNV-1a, for hash tables (not for digests). */
uint64_t sl_hash64(const void *p, size_t n);

/* ---- bytes.c: byte searches ------------------------------------------- */

/* The first nd[0..nn) in h[0..hn), as memmem: h itself for nn 0, NULL if
 * none; faster than the C library's for short needles in short records. */
const char *sl_memmem(const char *h, size_t hn, const char *nd, size_t nn);

/* ---- match.c: matching from several threads --------------------------- */

/* What one match needs besides the patterns (match data, JIT stack):
 * one thread's at a time.  NULL on ENOMEM; _free accepts NULL. */
struct sl_match_scratch;
struct sl_match_scratch *sl_match_scratch_new(void);
void sl_match_scratch_free(struct sl_match_scratch *s);
/* sl_matcher_test with the caller's scratch instead of m's own: m is only
 * read, so that threads with a scratch each may share one matcher. */
int sl_matcher_test_with(const struct sl_matcher *m, size_t i,
    const struct sl_event *ev, struct sl_match_scratch *s);

/* ---- lazy.c: libraries opened when first needed ---------------------------- */

/*
 * A shared library that the library opens with dlopen(3) on first use
 * (SL_LAZY_LIBS; otherwise it is linked and sl_lazy_load does nothing):
 * soname, and resolve, which sets the user's function pointers from the
 * handle and returns NULL, or the name of a symbol it did not find.
 * Define one statically with SL_LAZY_INIT.
 */
struct sl_lazy {
	const char *soname;
	const char *(*resolve)(void *handle);
	pthread_mutex_t lock;
	int state;		/* 0: not tried, 1: loaded, -1: failed */
	char why[256];
};
#define SL_LAZY_INIT(soname, resolve) \
	{ (soname), (resolve), PTHREAD_MUTEX_INITIALIZER, 0, { 0 } }
/* Open l once (thread-safe); 0, or -1 with why in err, every time. */
int sl_lazy_load(struct sl_lazy *l, char *err, size_t errlen);
/* A symbol of a lazy library into a function pointer (as dlsym(3) says). */
#define SL_LAZY_SYM(h, ptr, name) \
	((*(void **)&(ptr) = dlsym((h), (name))) != NULL)
/*
 * A file's lazy library (with <dlfcn.h>): FUNCS(X) lists X(function) for
 * each function it calls, declared by the library's header; this makes
 * lazy_fn, with a pointer of each, set by lazy_lib once sl_lazy_load has
 * loaded it.  Call them as lazy_fn.function(...).
 */
#define SL_LAZY_PTR_(f) __typeof__(f) *f;
#define SL_LAZY_RESOLVE_(f) \
	if (!SL_LAZY_SYM(h_, lazy_fn.f, #f)) \
		return #f;
#define SL_LAZY_LIBRARY(FUNCS, soname) \
	static struct { FUNCS(SL_LAZY_PTR_) } lazy_fn; \
	static const char *lazy_resolve(void *h_) \
	{ \
		FUNCS(SL_LAZY_RESOLVE_) \
		return NULL; \
	} \
	static struct sl_lazy lazy_lib = SL_LAZY_INIT(soname, lazy_resolve)

/* ---- sha256.c: SHA-256 through OpenSSL's EVP --------------------------- */

struct sl_sha256;
struct sl_sha256 *sl_sha256_new(void);
void sl_sha256_update(struct sl_sha256 *h, const void *p, size_t n);
/* Finish into 65 bytes of lower-case hex; the context is reset for reuse. */
void sl_sha256_final(struct sl_sha256 *h, char hex[65]);
void sl_sha256_free(struct sl_sha256 *h);
/* Digest of a whole file by path; 0 or a negative errno value. */
int sl_sha256_file(const char *path, char hex[65], uint64_t *bytes);
/* The digest of p[0..n) in d; 0, or -1 without libcrypto. */
int sl_sha256_bytes(const void *p, size_t n, unsigned char d[32]);

/* ---- container.c, gzip.c: sources to logical logs ---------------------- */

/* Extra errors of streams (negative, outside the errno range). */
#define SL_EDISCONT (-4096)	/* bytes were lost here; data goes on after */

/*
 * A logical log's decompressed bytes.  sl_stream_read returns the number of
 * bytes read (> 0), 0 at the end, SL_EDISCONT once at each place where data
 * was lost (a corrupt gzip member skipped; reading may go on), or another
 * negative errno value for a failure that ends the log (truncated input:
 * -EPIPE, unreadable: -EIO, ...).  sl_stream_error tells what happened, with
 * positions, for the last negative return.
 */
struct sl_stream;
ssize_t sl_stream_read(struct sl_stream *s, void *buf, size_t n);
const char *sl_stream_error(const struct sl_stream *s);
/* Compressed bytes skipped so far as damaged by the gzip or zlib layers of
 * the log itself (not those of an archive around it: 0 there). */
uint64_t sl_stream_lost(const struct sl_stream *s);

struct sl_walk_opts {
	int max_depth;		/* archive nesting limit; 0: 8 */
	const char *tmpdir;	/* for spooling stdin; NULL: $TMPDIR or /tmp */
	int (*skip)(void *arg, const char *sha256);	/* may be NULL */
	void *skip_arg;
	/* Deal the regular files out to nparts walks; take number % nparts
	 * == part (see sl_reader_opts).  Added by the lead. */
	unsigned part, nparts;
	int follow;	/* follow symbolic links inside directories */
	/* What a source's logs may expand to (sl_reader_opts). */
	uint64_t max_expand, max_expand_bytes;
};

enum sl_walk_type {
	SL_WALK_LOG = 1,	/* a logical log: name, stream, is_source */
	SL_WALK_LOG_END,	/* name, stats (sha256, bytes, is_source, container) */
	SL_WALK_SKIPPED,	/* name, stats.sha256: skipped by opts.skip;
				 * or name, message: not read, and why */
	SL_WALK_ERROR,		/* name, message; walking goes on */
	/* name, message, stats (sha256 and bytes of what could be read,
	 * or none; is_source; notes "unread=WHY"): a log not read at all
	 * (an encrypted member, an archive nested too deep), told with
	 * why and recorded as a log of no records */
	SL_WALK_UNREAD,
};

struct sl_walk_item {
	int type;		/* enum sl_walk_type */
	const char *name;	/* "path" or "path!member!member" */
	struct sl_stream *stream;	/* LOG: valid until the next call */
	int64_t mtime;		/* LOG: modification time (us), or INT64_MIN */
	const char *message;	/* ERROR; SKIPPED when not by opts.skip */
	struct sl_log_stats stats;	/* LOG_END, SKIPPED: sha256, bytes,
					 * is_source, container; notes (LOG_END,
					 * UNREAD) "" or words of the manifest */
};

/*
 * Walks sources in order: directories recursively in byte order of names
 * (symlink loops reported, not followed twice), "-" is stdin (spooled to a
 * temporary file so that it can be hashed and skipped like a file).  Every
 * regular file is hashed before it is read and offered to opts.skip.  Content
 * decides the container: gzip (every member; corrupt members skipped with
 * SL_EDISCONT, truncation reported), zlib, libarchive formats and filters
 * (tar, zip, 7z, cpio, ar...; xz, bzip2, zstd, lz4, ...) nested up to
 * max_depth; anything else is a logical log of its own.  An archive or
 * directory gives a LOG_END with container set after its members.  Archive
 * member names are only ever used as names, never as paths.
 */
struct sl_walk;
struct sl_walk *sl_walk_new(const char *const *paths, size_t n,
    const struct sl_walk_opts *opts);
/* 1 with *it filled (borrowed until the next call), 0 at the end, -ENOMEM. */
int sl_walk_next(struct sl_walk *w, struct sl_walk_item *it);
void sl_walk_free(struct sl_walk *w);

/*
 * Added by the container layer: the gzip and zlib decoder that container.c
 * stacks on its byte sources (gzip.c).  in() returns bytes read (> 0), 0 at
 * the end or a negative errno value, with inerr() (may be NULL) telling why.
 * sl_gz_read returns as sl_stream_read does; sl_gz_error tells what the last
 * negative return was about.  zlib: 0 for gzip (every member, corrupt ones
 * skipped), 1 for a zlib stream.
 */
struct sl_gz;
struct sl_gz *sl_gz_new(int zlib, ssize_t (*in)(void *arg, void *buf,
    size_t n), const char *(*inerr)(void *arg), void *arg);
ssize_t sl_gz_read(struct sl_gz *g, void *buf, size_t n);
const char *sl_gz_error(const struct sl_gz *g);
/* Compressed bytes skipped so far: damaged data, junk between members,
 * trailing garbage. */
uint64_t sl_gz_lost(const struct sl_gz *g);
void sl_gz_free(struct sl_gz *g);

/* ---- split.c: logical log to records ------------------------------------ */

enum sl_split_mode {
	SL_SPLIT_LINES = 0,	/* LF or CRLF; a last line without LF counts */
	SL_SPLIT_CSV,		/* lines, but a quoted field may hold newlines */
	SL_SPLIT_JSON,		/* whitespace-separated JSON values; a top-level
				 * array, or an object whose first member is
				 * "Records" (any case-sensitive name in the
				 * wrapper list: Records, records, value, items,
				 * events, data) holding an array, gives its
				 * elements as records */
};

#define SL_REC_TOOLONG 0x1	/* longer than max_record: p/n hold a prefix */
#define SL_REC_CUT     0x2	/* cut short by lost or truncated data */
#define SL_REC_UNTERM  0x4	/* the last record of a log that ends without
				 * its line end: whole or cut, the profile
				 * tells (a line, a CSV row, a bare line in
				 * JSON mode; a JSON value is whole or CUT) */

struct sl_record {
	const char *p;		/* the record without its line end */
	size_t n;
	uint64_t line;		/* 1-based line where it starts */
	uint64_t offset;	/* byte offset where it starts */
	unsigned flags;		/* SL_REC_* */
};

struct sl_split;
struct sl_split *sl_split_new(struct sl_stream *s, int mode,
    size_t max_record);
/* The first non-blank byte of the log without consuming it, or -1 if there
 * is none; used to choose the mode before the first record. */
int sl_split_peek(struct sl_split *sp);
void sl_split_set_mode(struct sl_split *sp, int mode);
/* 1 with *rec (borrowed until the next call), 0 at the end, negative errno
 * on a stream failure (see sl_split_error); after SL_EDISCONT from the
 * stream, the partial record is handed out with SL_REC_CUT and reading
 * resumes at the next record boundary; a stream failure inside a record
 * hands out the partial record with SL_REC_CUT first, then the failure.
 * Empty lines are skipped. */
int sl_split_next(struct sl_split *sp, struct sl_record *rec);
/* 1 (the default): JSON values are scanned 64 bytes a step where they
 * can be (with SSE2); tests set 0 to hold that to the bytewise scan. */
extern int sl_split_blocks;
const char *sl_split_error(const struct sl_split *sp);
/* Bytes of the log read from the stream so far: after a failure, where its
 * data stops. */
uint64_t sl_split_tell(const struct sl_split *sp);
/* The stream failure that ended the log (negative errno), or 0. */
int sl_split_failed(const struct sl_split *sp);
/*
 * JSON mode: the places where malformed JSON was read as its writer meant
 * it -- no comma between two array elements, a comma with no element before
 * it or one before the array's end, a comma or a closing bracket between
 * top-level values (values side by side at the top, as in JSON lines or
 * concatenated JSON, are well formed).  Returns how many; *first is the log
 * offset of the first and *what (static) says what it was.
 */
uint64_t sl_split_repairs(const struct sl_split *sp, uint64_t *first,
    const char **what);
void sl_split_free(struct sl_split *sp);

/* ---- json.c: strict JSON records ----------------------------------------- */

enum sl_json_type {
	SL_JSON_NULL = 0,
	SL_JSON_FALSE,
	SL_JSON_TRUE,
	SL_JSON_NUMBER,
	SL_JSON_STRING,
	SL_JSON_ARRAY,
	SL_JSON_OBJECT,
};

/*
 * A parsed record as a flat array of tokens in document order.  An object's
 * members are a STRING token (the key) followed by the value's tokens.
 */
struct sl_json_tok {
	uint8_t type;		/* enum sl_json_type */
	uint8_t escaped;	/* STRING: holds backslash escapes */
	uint32_t start, len;	/* bytes in the source; for STRING inside the
				 * quotes, for containers from bracket to bracket */
	uint32_t next;		/* index of the first token after this value */
	uint32_t count;		/* ARRAY: elements; OBJECT: members */
};

struct sl_json {
	const char *src;
	size_t srclen;
	struct sl_json_tok *t;
	size_t n, cap;
	size_t max_depth;	/* 0: 512 */
	size_t err_off;		/* byte offset of the first error */
	char err[96];		/* what is wrong, e.g. "invalid escape" */
};

/* Parse one complete JSON value (the whole of p..n but surrounding white
 * space).  0 on success; -EBADMSG with err/err_off for invalid JSON
 * (including invalid UTF-8 escapes: lone surrogates are allowed and kept as
 * WTF-8; raw non-UTF-8 bytes are kept as they are); -ENOMEM. */
int sl_json_parse(struct sl_json *j, const char *p, size_t n);
void sl_json_release(struct sl_json *j);
/* Value token of member key in object token obj, or -1. */
int sl_json_member(const struct sl_json *j, int obj, const char *key,
    size_t klen);
/* Token of element i of array token arr, or -1. */
int sl_json_element(const struct sl_json *j, int arr, size_t i);
/* Append the text of a token to out: a string decoded (escapes, \u and
 * surrogate pairs to UTF-8), a number, true/false as written, null as
 * nothing, an object or array as its source text.  0 or -ENOMEM. */
int sl_json_text(const struct sl_json *j, int tok, struct sl_buf *out);

/* ---- csv.c, kv.c: delimited and key=value records ---------------------- */

/* Named (kv) or positional (csv) fields of one record; the strings point
 * into buf or into the record. */
struct sl_fields {
	struct sl_str *name;	/* kv only; NULL for csv */
	struct sl_str *value;
	size_t n, cap;
	struct sl_buf buf;
};
void sl_fields_release(struct sl_fields *f);

/* Split one record into fields with RFC 4180 quoting ("" inside quotes is a
 * quote, quoted fields may hold delim and newlines) for delim ',' or '\t'.
 * Surrounding spaces are kept.  0, or -EBADMSG with *err naming the problem
 * and *err_off its offset (e.g. a quote inside an unquoted field is allowed
 * and kept, an unterminated quoted field is not). */
int sl_csv_split(const char *p, size_t n, int delim, struct sl_fields *f,
    const char **err, size_t *err_off);

/*
 * Parse key=value pairs separated by white space; a value may be "quoted",
 * 'quoted' or bare.  Lines in syslog form ("Mar  1 07:17:12 host prog[pid]:
 * rest", an RFC 3339 time in place of the BSD one, or RFC 5424) give the
 * pseudo-fields _time, _host, _prog, _pid (RFC 5424: _msgid and the
 * structured data's pairs), then, when there is a program name, _proc
 * ("host:prog[pid]") and _msg (rest as written, if not empty), and the pairs
 * of rest; auditd lines ("type=T msg=audit(1364481363.243:24287): ...") give
 * type, _time ("1364481363.243"), _serial and the pairs after the colon.
 * Text that is not a pair is kept in the pseudo-field _text. 0 or -EBADMSG.
 */
int sl_kv_split(const char *p, size_t n, struct sl_fields *f,
    const char **err);

/*
 * The head of an auditd line, "[node=NODE ]type=TYPE msg=audit(TIME:SERIAL):":
 * 1 with its parts pointing into p (node empty when absent) and ms the
 * stamp in milliseconds, or 0 when the line does not start so.
 */
struct sl_audit_head {
	struct sl_str node, type, time, serial;
	int64_t ms;
};
int sl_audit_head(const char *p, size_t n, struct sl_audit_head *h);

/* ---- time.c: timestamps --------------------------------------------------- */

enum sl_time_fmt {
	SL_TIME_AUTO = 0,	/* any of the below, told apart by shape */
	SL_TIME_ISO,		/* RFC 3339 / ISO 8601, any precision, Z or
				 * offset or none; 'T' or ' ' between */
	SL_TIME_EPOCH,		/* seconds, with optional fraction */
	SL_TIME_EPOCH_MS,	/* milliseconds */
	SL_TIME_US,		/* MM/DD/YYYY HH:MM:SS */
	SL_TIME_SYSLOG,		/* Mon dd HH:MM:SS, year from context */
};

/* Time zones (sl_tz_load and the rest) are in the public header. */
/* Local seconds (as a clock in tz shows them, counted from 1970-01-01
 * 00:00) to UTC seconds; of two such instants the earlier, a skipped
 * local time shifted forward by the gap. */
int64_t sl_tz_to_utc(const struct sl_tz *tz, int64_t local);

/*
 * Parse a timestamp into microseconds since the epoch (UTC).  A time with no
 * zone is read in tz (NULL: UTC); ref is the time (us) used to choose the year
 * of syslog times (the latest year that is not more than a day after ref).
 * Finer precision than microseconds is truncated.  *zoned is set to 1 when
 * the text carried its own zone or is an epoch number.  0 or -EINVAL.
 */
int sl_time_parse(const char *p, size_t n, int fmt, const struct sl_tz *tz,
    int64_t ref, int64_t *us, int *zoned);
/* Whether sl_time_parse would read this text in format fmt as a syslog
 * time, which has no year. */
int sl_time_yearless(const char *p, size_t n, int fmt);
/*
 * A syslog time "Mon dd HH:MM:SS[.frac]" without a zone, read in tz, in the
 * year the rule gives: SL_YEAR_IS the year arg; SL_YEAR_BEFORE the latest
 * year that puts it at most a day after the time arg (us), as sl_time_parse
 * does; SL_YEAR_NEAR the year (arg's, or the one before or after) that puts
 * it closest to the time arg.  Sets *us and *year (the year of its date as
 * written).  0, or -EINVAL (not such a time, or no such date: Feb 29).
 */
enum { SL_YEAR_IS, SL_YEAR_BEFORE, SL_YEAR_NEAR };
int sl_time_syslog(const char *p, size_t n, const struct sl_tz *tz, int rule,
    int64_t arg, int64_t *us, int64_t *year);

/* ---- profiles (profile-*.c, extract.c, auditd.c): formats as data --------- */

enum sl_reader_kind {
	SL_READ_JSON = 1,
	SL_READ_CSV,
	SL_READ_TSV,
	SL_READ_KV,		/* key=value and syslog lines */
	SL_READ_AUDITD,		/* key=value lines grouped by audit serial */
};

struct sl_profile;
const struct sl_profile *sl_profileset_find(const struct sl_profileset *ps,
    const char *name);
const char *sl_profile_name(const struct sl_profile *p);
int sl_profile_reader(const struct sl_profile *p);	/* enum sl_reader_kind */
/* prefilter.c: the bit set (1 << SL_FIELD_*) of the fields the literals
 * of pf are in (SL_FIELD_TEXT's four for it; SL_FIELD_RAW none), and
 * whether the record rec[0..n) may hold what pf asks (1) or not (0). */
unsigned sl_prefilter_fields(const struct sl_prefilter *pf);
/* 1 when pf is one group of exact literals (SL_PREFILTER_WHOLE, no
 * SL_MATCH_ICASE), all of field: then sl_prefilter_is_one tells whether
 * s[0..n) is one of them. */
int sl_prefilter_exact(const struct sl_prefilter *pf, int field);
int sl_prefilter_is_one(const struct sl_prefilter *pf, const char *s,
    size_t n);
int sl_prefilter_pass(const struct sl_prefilter *pf, const char *rec,
    size_t n);
/* The same on the rows of a case's timelines (values verbatim, escaped for
 * TSV), tested group by group, so that a caller can test a timeline in
 * pieces: found[] has one flag for each of the sl_prefilter_groups(pf)
 * groups, set for a group with a literal that may be in rows[0..n) (and
 * left set).  Returns how many flags are set.  A literal cut between two
 * pieces is found when each piece starts with the last
 * sl_prefilter_longest(pf) - 1 bytes of the one before. */
size_t sl_prefilter_groups(const struct sl_prefilter *pf);
size_t sl_prefilter_longest(const struct sl_prefilter *pf);
size_t sl_prefilter_rows(const struct sl_prefilter *pf, const char *rows,
    size_t n, unsigned char *found);

/* keycount.c: add n hashes to kc (out of memory: the count becomes
 * incomplete), or mark it incomplete; the hash of a scope (then
 * sl_key_hash_more over the key gives sl_key_hash). */
void sl_keycount_add(struct sl_keycount *kc, const uint64_t *h, size_t n);
void sl_keycount_incomplete(struct sl_keycount *kc);
/* Hold at most this many hashes in memory (RUN_MAX unless set), the
 * rest in sorted runs in a file; and how many runs there are. */
void sl_keycount_set_limit(struct sl_keycount *kc, size_t hashes);
size_t sl_keycount_runs(const struct sl_keycount *kc);
uint64_t sl_key_hash_scope(const char *scope, size_t n);
uint64_t sl_key_hash_more(uint64_t h, const char *key, size_t n);
/*
 * The keys that the JSON record rec[0..n) may hold under the member names
 * pats (each "NAME" with its double quotes): every string value after one
 * of them and a colon, at any depth, hashed on from the scope's hash h0,
 * each distinct hash once into out (at most max).  Returns how many, or -1
 * when a byte search cannot be sure to find the record's key: a backslash
 * anywhere in the record, a member of one of the names whose value is
 * neither a string nor null, a string not closed, more than max values.
 * The caller then parses the record.
 */
int sl_json_key_scan(const char *rec, size_t n, const struct sl_str *pats,
    size_t npats, uint64_t h0, uint64_t *out, size_t max);
/*
 * Each string value (without its quotes, maybe empty) that follows one of
 * the member names pats ("NAME", quoted) and a colon in the JSON record
 * rec[0..n), at any depth, handed to fn, which returns 0 to go on, or
 * something else to stop with it; with arrays, each string of an array
 * value too.  Returns 0 when every one was seen, what fn stopped with,
 * or -1 when a byte search cannot be sure: a backslash anywhere in the
 * record, a member of one of the names whose value is neither a string
 * nor null (nor, with arrays, an array of strings and nulls), a string
 * or an array not closed.
 */
int sl_json_member_strings(const char *rec, size_t n,
    const struct sl_str *pats, size_t npats, int arrays,
    int (*fn)(void *arg, const char *v, size_t vn), void *arg);

/* The splitter mode for this profile's reader. */
int sl_profile_split_mode(const struct sl_profile *p);

/*
 * Choose the profile for a log from its first records (up to 32, raw, as
 * split in the mode the first byte suggests: '{' or '[' JSON, else lines).
 * Returns the profile whose detect rules all hold for the first record that
 * any profile accepts, highest score first, ties by name; NULL if none.
 */
const struct sl_profile *sl_profileset_detect(const struct sl_profileset *ps,
    const struct sl_record *recs, size_t n);

/*
 * An extractor reads the records of one log with one profile into events.
 * It owns the strings of the events it hands out (valid until the next call).
 */
struct sl_extract_opts {
	const char *const *maps;	/* "field=path" overrides */
	size_t nmaps;
	const struct sl_tz *tz;
	/*
	 * The year of times without one (syslog), from the first of these
	 * that is set: year (> 0) is the year of the log's first such time;
	 * ref_time (the log's modification time, us) gives each the latest
	 * year that puts it at most a day after ref_time; near_time (us)
	 * gives the first the year that puts it closest to near_time.  With
	 * year or near_time, each later time takes the year closest to the
	 * previous one's, so a log that runs from Dec 31 into Jan 1 moves on
	 * to the next year.  0 is unset (an mtime of 0 is no time: gzip and
	 * archives write it when they have none); with none set such times
	 * are rejected.
	 */
	int year;
	int64_t ref_time;
	int64_t near_time;
};

struct sl_extractor;
/* NULL on failure with a message in err (a bad --map, say). */
struct sl_extractor *sl_extractor_new(const struct sl_profile *p,
    const struct sl_extract_opts *opts, char *err, size_t errlen);
/*
 * Feed one record.  Returns 1 with *ev filled (origin, profile, line,
 * offset and raw are left for the caller to set), 0 when the record was
 * consumed without an event (a CSV header, an auditd line whose group is
 * still open), or -EBADMSG with *reason set (a static or extractor-owned
 * string: "invalid JSON at byte 17: invalid escape", "no time",
 * "unparseable time \"...\"", "no user", "4 fields, header has 5", ...).
 * Added by auditd.c: an auditd event handed out here is an event whose
 * lines (grouped by node, time and serial) are complete, so the extractor
 * sets its line, offset and raw (all its lines joined by '\n', in file
 * order) itself, with raw.p non-NULL; the caller keeps them when ev->raw.p
 * is set on return (ev zeroed before the call).  One record may complete
 * several events: take them out with sl_extract_next before the next
 * record.
 */
int sl_extract_record(struct sl_extractor *x, const struct sl_record *rec,
    struct sl_event *ev, const char **reason);
/* The next event already complete (auditd), without a new record: same
 * returns as sl_extract_record; 0 when none is. */
int sl_extract_next(struct sl_extractor *x, struct sl_event *ev,
    const char **reason);
/* At the end of the log: hand out the events still open (auditd), one per
 * call in the order of their first lines.  Same returns as
 * sl_extract_record; 0 when nothing is pending.  line/offset/raw of the
 * flushed event are set by the extractor in *ev. */
int sl_extract_flush(struct sl_extractor *x, struct sl_event *ev,
    const char **reason);
/* The enum sl_reject_code of the reason given last. */
int sl_extract_code(const struct sl_extractor *x);
/* What an extractor counted over its log so far. */
struct sl_extract_counts {
	uint64_t zoneless;	/* times read in the run's zone */
	uint64_t fractional;	/* count or bytes with a real fraction, left
				 * unknown */
	uint64_t yearless;	/* times without a year given one */
	int64_t year_lo, year_hi;	/* the years they were given */
};
void sl_extractor_counts(const struct sl_extractor *x,
    struct sl_extract_counts *c);
/* What is wrong with the log as a whole, once its CSV/TSV header is read
 * ("no column gives the time: the header has columns A, B; use --map
 * time=COLUMN"), or NULL.  Its rows are then rejected with the reason "no
 * column gives the time"; the message is for saying it once. */
const char *sl_extractor_problem(const struct sl_extractor *x);
/* Whether the values of the fields in mask (1 << SL_FIELD_*) are the
 * record's own bytes, decoded of JSON escapes at most (every rule of theirs,
 * --map's too, takes a path, after() or re() of one, never a table, a
 * constant or a length), and whether the event of a record never depends
 * on the records before it (times without a year take it from the log's
 * modification time, if at all): then a prefilter may leave records out. */
int sl_extractor_verbatim(const struct sl_extractor *x, unsigned mask);
/* Where a JSON record's key may be found by a byte search: 1 with the
 * member names (the last name of each path of every key rule, --map's
 * too; at most max, borrowed from the profile) in names and the key's
 * scope in *scope; 0 when no event of the profile has a scoped key (no
 * key rule, keyscope none); -1 when a byte search cannot find it (a
 * table, a constant, a length, after() or re(), a path with an index or
 * a star, a name a JSON string writes with an escape, keyscope host,
 * more than max names). */
int sl_extractor_key_names(const struct sl_extractor *x,
    struct sl_str *names, size_t max, size_t *n, struct sl_str *scope);
/* Where a JSON record's user may be found by a byte search: 1 with the
 * member names (the last name of each path of every user rule, --map's
 * too; at most max, borrowed) when the user is always the string value
 * of one of them, or one of the strings of its array value (a path that
 * ends in an index or a star: users[0]), unchanged; -1 when not (as for
 * the key names, but for indexes and stars). */
int sl_extractor_user_names(const struct sl_extractor *x,
    struct sl_str *names, size_t max, size_t *n);
void sl_extractor_free(struct sl_extractor *x);
/* How far (us) a record's time may go back from the previous record's
 * before it counts as out of source order; the profile's "tolerance"
 * directive, 1 s unless it says otherwise. */
int64_t sl_profile_tolerance(const struct sl_profile *p);

/* ---- row.c: the store's text rows ----------------------------------------- */

/*
 * One event as one line of the store (no trailing newline appended here),
 * columns in this order, tab-separated, with \t \n \r \\ escaped as two
 * characters (and other bytes < 0x20 as \xHH):
 *   time user session action outcome resource query count bytes purpose src
 *   trace kind key flags profile origin line offset raw
 * time as sl_time_format, count/bytes empty when unknown, flags as decimal.
 */
#define SL_ROW_COLUMNS 20
extern const char *const sl_row_header[SL_ROW_COLUMNS];
int sl_row_format(const struct sl_event *ev, struct sl_buf *out);
/* Parse a row (without newline) in place: unescapes into line, points ev's
 * strings into it.  0 or -EBADMSG. */
int sl_row_parse(char *line, size_t n, struct sl_event *ev);
/* Escape bytes for a TSV cell. */
int sl_tsv_escape(const char *p, size_t n, struct sl_buf *out);
/* Added by the store: the row time format ("2024-03-01T07:17:12.123456Z"
 * for years 0000-9999, else "@" and the decimal microseconds) into out (32
 * bytes), returning the length; its strict parser (0 or -EBADMSG); a strict
 * unsigned decimal parser; splitting a line into exactly ncol tab-separated
 * columns (0 or -EBADMSG); unescaping a cell in place (0 or -EBADMSG). */
int sl_row_time_format(int64_t us, char *out);
int sl_row_time_parse(const char *p, size_t n, int64_t *us);
int sl_row_u64_parse(const char *p, size_t n, uint64_t *v);
int sl_row_split(char *line, size_t n, struct sl_str *col, size_t ncol);
int sl_row_unescape(struct sl_str *s);

/* ---- bgzf.c: blocked gzip ------------------------------------------------- */

/* Writes BGZF: gzip members of at most 64 KiB with the BC extra field, each
 * holding at most 0xff00 input bytes, ending with the empty EOF block. */
struct sl_bgzf_writer;
struct sl_bgzf_writer *sl_bgzf_writer_new(FILE *fp, int level);
int sl_bgzf_write(struct sl_bgzf_writer *w, const void *p, size_t n);
/* Close the current block; returns 0. */
int sl_bgzf_flush(struct sl_bgzf_writer *w);
/* Compressed offset of the next block (after a flush; in a pool, after
 * waiting for the blocks before it). */
uint64_t sl_bgzf_tell(struct sl_bgzf_writer *w);
/* Flush, write the EOF block; frees w; 0 or negative errno. */
int sl_bgzf_close(struct sl_bgzf_writer *w);
/*
 * Added for the parallel commit: threads that deflate the blocks of
 * writers made with sl_bgzf_writer_pool while the caller goes on; each
 * writer writes its blocks in order, so the file is byte for byte what a
 * writer without a pool writes.  A block's offset is known once the
 * blocks before it are written: sl_bgzf_blocks is the number of the
 * next block (blocks are numbered from 0 in the order they are closed),
 * and sl_bgzf_block_offset gives block k's offset (k up to the number of
 * blocks closed: then the offset of the next), waiting for the pool as
 * needed.  One thread uses a writer; a pool serves any number of them
 * and is freed after them.
 */
struct sl_bgzf_pool;
struct sl_bgzf_pool *sl_bgzf_pool_new(unsigned nthreads);
void sl_bgzf_pool_free(struct sl_bgzf_pool *p);
struct sl_bgzf_writer *sl_bgzf_writer_pool(FILE *fp, int level,
    struct sl_bgzf_pool *pool);
uint64_t sl_bgzf_blocks(const struct sl_bgzf_writer *w);
int sl_bgzf_block_offset(struct sl_bgzf_writer *w, uint64_t k,
    uint64_t *off);

/* Added by the store: reading BGZF block by block.  sl_bgzf_read_block
 * reads the block at the file position, checks header, CRC and ISIZE, and
 * appends its data to out (setting *off, if not NULL, to the block's
 * compressed offset); returns 1, 0 at the end of the file, -EBADMSG for a
 * bad block or -EIO (sl_bgzf_reader_error tells which and where). */
struct sl_bgzf_reader;
struct sl_bgzf_reader *sl_bgzf_reader_new(FILE *fp);
int sl_bgzf_read_block(struct sl_bgzf_reader *r, struct sl_buf *out,
    uint64_t *off);
int sl_bgzf_reader_seek(struct sl_bgzf_reader *r, uint64_t off);
uint64_t sl_bgzf_reader_tell(const struct sl_bgzf_reader *r);
const char *sl_bgzf_reader_error(const struct sl_bgzf_reader *r);
void sl_bgzf_reader_free(struct sl_bgzf_reader *r);

/*
 * Words of text as the watchlist compares them (watch.c): runs of letters
 * and digits after NFKD, full case folding and dropping marks, so that NFC
 * and NFD forms are one and accents do not count.  Calls fn with each
 * (NUL-terminated in tmp); returns 0, what fn returned if not 0, or
 * -ENOMEM.
 */
int sl_fold_tokens(const char *p, size_t n, struct sl_buf *tmp,
    int (*fn)(void *, const char *, size_t), void *arg);

/*
 * HyperLogLog sketches of distinct counts (hll.c): 2^SL_HLL_P one-byte
 * registers (16 KiB), standard error about 1.04 / sqrt(2^SL_HLL_P) =
 * 0.81%, estimated by Ertl's improved raw estimator (no bias tables).
 * Deterministic: keys are hashed by XXH64 (sl_hll_hash, the same on
 * every machine), so a sketch depends only on the set of keys, never on
 * their order or the run; the sketch of a union is sl_hll_merge of the
 * sketches, register for register.
 * count[v] is how many registers hold v, kept so that an estimate costs
 * a walk of 66 values, not of the registers.
 */
#define SL_HLL_P 14
#define SL_HLL_M (1u << SL_HLL_P)
struct sl_hll {
	uint8_t reg[SL_HLL_M];
	uint32_t count[64 - SL_HLL_P + 2];
};

/* An empty sketch, or NULL (ENOMEM); _free accepts NULL. */
struct sl_hll *sl_hll_new(void);
void sl_hll_free(struct sl_hll *h);
/* Count the key key[0..n). */
void sl_hll_add(struct sl_hll *h, const void *key, size_t n);
/* XXH64 of key[0..n) with seed 0. */
uint64_t sl_hll_hash(const void *key, size_t n);
/* dst becomes the sketch of the union of both sets. */
void sl_hll_merge(struct sl_hll *dst, const struct sl_hll *src);
/* The estimated number of distinct keys added (0 for none). */
double sl_hll_estimate(const struct sl_hll *h);

#endif
