/* sessionlog.h: the public interface of libsessionlog. */
#ifndef SESSIONLOG_H
#define SESSIONLOG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_VERSION "0.1.0"

/*
 * SL_API marks what the shared library exports: it is built with hidden
 * visibility, so a function without it is internal and cannot be linked
 * against (tests/abi/abi-symbols.sh checks that the exports are exactly
 * the functions declared here).
 */
#if defined(__GNUC__) && __GNUC__ >= 4
#define SL_API __attribute__((visibility("default")))
#else
#define SL_API
#endif

/*
 * Conventions.
 *
 * Functions returning int return >= 0 on success and a negative errno value
 * on failure (-ENOMEM, -EIO, -EINVAL, -EBADMSG for malformed input, -E2BIG
 * for a limit exceeded, -EAGAIN for a locked case, ...).  The detail of the
 * last failure is kept in the handle and read with the handle's _error()
 * call.  Constructors return NULL on failure.  Every _free() accepts NULL.
 * The library never prints, never exits, and keeps no global state: handles
 * may be used from different threads as long as one handle is used by one
 * thread at a time.
 *
 * Strings handed out (struct sl_str, const char *) are borrowed views, valid
 * until the next call on the same handle unless said otherwise.
 *
 * A call that writes text into the caller's buffer takes the buffer's size
 * and always NUL-terminates it; a message (err, errlen) is cut to fit, a
 * formatted value that does not fit is -E2BIG with "" in the buffer.  The
 * SL_*_LEN constants are sizes that always suffice.
 *
 * Option structs (struct sl_reader_opts, struct sl_ingest_opts) may grow at
 * their end in later versions.  Start one with its static inline _init()
 * call: it zeroes it (zero is every option's default) and sets its first
 * member, size, to the size the caller was compiled with.  The library
 * reads only what that size covers and takes the defaults for the rest; a
 * size of 0 (a struct that was never initialised) is -EINVAL, and a struct
 * larger than this version knows is accepted when the members it does not
 * know are all zero, else -E2BIG.  A NULL option struct is every default.
 */

/* A borrowed byte string; not NUL-terminated unless said otherwise. */
struct sl_str {
	const char *p;
	size_t n;
};

/* The action vocabulary of DESIGN.md. */
enum sl_action {
	SL_ACT_OTHER = 0,
	SL_ACT_LOGIN,
	SL_ACT_LOGOUT,
	SL_ACT_SEARCH,
	SL_ACT_VIEW,
	SL_ACT_EXPORT,
	SL_ACT_SHARE,
	SL_ACT_MODIFY,
	SL_ACT_DELETE,
	SL_ACT_ADMIN,
	SL_ACT_JUSTIFY,
	SL_ACT_AUTH,
	SL_ACT__COUNT
};

enum sl_outcome {
	SL_OUT_UNKNOWN = 0,
	SL_OUT_SUCCESS,
	SL_OUT_FAILURE,
	SL_OUT_DENIED,
	SL_OUT__COUNT
};

/* Names as printed ("search", "denied"); NULL for an out-of-range value. */
SL_API const char *sl_action_name(int action);
SL_API const char *sl_outcome_name(int outcome);
/* Parse a name (exact, lower case); returns the enum value or -EINVAL. */
SL_API int sl_action_parse(const char *s, size_t n);
SL_API int sl_outcome_parse(const char *s, size_t n);

/* Event flags. */
#define SL_EV_BACKEND 0x1u	/* not started by the user (Foundry: empty origins) */

/*
 * The normalised event.  Every string is a borrowed view; an absent value is
 * the empty string.  A field that may hold several values (resource) holds
 * them separated by '\n', in source order, without duplicates.
 */
struct sl_event {
	int64_t time;		/* microseconds since 1970-01-01T00:00:00Z */
	struct sl_str user;	/* the accountable human */
	struct sl_str session;	/* the source's own session id, or empty */
	int action;		/* enum sl_action */
	int outcome;		/* enum sl_outcome */
	struct sl_str resource;	/* '\n'-separated */
	struct sl_str query;
	int64_t count;		/* records returned or exported; -1 unknown */
	int64_t bytes;		/* bytes exported or returned; -1 unknown */
	struct sl_str purpose;	/* as given on this record */
	struct sl_str src;	/* client address or host */
	struct sl_str trace;	/* request correlation id (Foundry traceId) */
	struct sl_str kind;	/* the source's own name for what happened */
	struct sl_str key;	/* the source's unique record id, or empty */
	struct sl_str scope;	/* where key is unique (its profile's family,
				 * "family@host" for a key unique per host);
				 * empty: not compared across users */
	unsigned flags;		/* SL_EV_* */
	struct sl_str profile;	/* the profile that read it */
	struct sl_str origin;	/* "path" or "path!member[!member]" */
	uint64_t line;		/* 1-based line where the record starts */
	uint64_t offset;	/* byte offset of the record in the log */
	struct sl_str raw;	/* the record, byte for byte, without its line end */
};

/* Times.  Formats "2024-03-01T07:17:12.123456Z" into out (size bytes;
 * SL_TIME_LEN always suffice); returns the length or -E2BIG. */
#define SL_TIME_LEN 32
SL_API int sl_time_format(int64_t us, char *out, size_t size);

/*
 * Time zones of the system's database (TZif files under $TZDIR, else
 * /usr/share/zoneinfo), daylight saving time included.
 */
struct sl_tz;

/* Load a zone by name: "UTC", "Europe/Berlin", "America/New_York"; NULL
 * is UTC.  Returns NULL for an unknown or invalid zone, with a message in
 * err (errlen bytes) such as "unknown time zone \"Mars/Base\": No such
 * file or directory". */
SL_API struct sl_tz *sl_tz_load(const char *name, char *err, size_t errlen);
SL_API void sl_tz_free(struct sl_tz *tz);
/* The name the zone was loaded by; "UTC" for NULL.  Borrowed from tz. */
SL_API const char *sl_tz_name(const struct sl_tz *tz);
/* Nonzero when tz is NULL or UTC by one of its names (UTC, Etc/UTC, GMT,
 * Z, Zulu, ...). */
SL_API int sl_tz_is_utc(const struct sl_tz *tz);

/* A moment as a clock in a zone shows it. */
struct sl_civil {
	int64_t year;
	int month, day;		/* 1-12, 1-31 */
	int hour, min, sec;	/* 0-23, 0-59, 0-59 */
	int usec;		/* 0-999999 */
	int wday;		/* day of the week, 0 Sunday .. 6 Saturday */
	int32_t offset;		/* seconds east of UTC in force then */
};

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day
 * 1-31), and the date of a day number back (Howard Hinnant's algorithms;
 * any int64 year that fits): for counting and walking calendar days. */
SL_API int64_t sl_days_from_civil(int64_t y, int m, int d);
SL_API void sl_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* The local date and time of the instant us (microseconds since the
 * epoch) in tz (NULL: UTC). */
SL_API void sl_time_civil(int64_t us, const struct sl_tz *tz,
    struct sl_civil *c);
/* Format us as tz shows it, with the offset in force, at the precision
 * of sl_time_format: "2006-03-01T09:18:56.000000-05:00".  An offset with
 * seconds (local mean time before 1900) is written "+HH:MM:SS".  A UTC
 * zone (or NULL) gives exactly sl_time_format's "...Z".  out holds size
 * bytes (SL_TIME_TZ_LEN always suffice); returns the length or -E2BIG. */
#define SL_TIME_TZ_LEN 48
SL_API int sl_time_format_tz(int64_t us, const struct sl_tz *tz, char *out,
    size_t size);

/*
 * Profiles: format descriptions loaded from a directory of *.profile files
 * (see sessionlog(5)).
 */
struct sl_profileset;

/* Load every *.profile file in dir.  Returns NULL on failure, with a message
 * in err (errlen bytes, NUL-terminated) naming the file and line. */
SL_API struct sl_profileset *sl_profileset_load(const char *dir, char *err,
    size_t errlen);
SL_API void sl_profileset_free(struct sl_profileset *ps);
/* Number of profiles and the name and one-line description of the i-th, in
 * name order. */
SL_API size_t sl_profileset_count(const struct sl_profileset *ps);
SL_API const char *sl_profileset_name(const struct sl_profileset *ps, size_t i);
SL_API const char *sl_profileset_description(const struct sl_profileset *ps,
    size_t i);

/*
 * The one record-size limit.  No record longer than SL_MAX_RECORD_LIMIT
 * bytes is stored: the reader's max_record (ingest's --max-record) may not
 * be set above it, and sl_ingest_event turns a longer event into a reject.
 * The case's readers take back every row such records make (a record
 * escaped, up to 4 bytes per byte, the fields taken from it, the columns),
 * so an event that was stored can always be read again.
 */
#define SL_MAX_RECORD_LIMIT ((size_t)64 << 20)
#define SL_MAX_RECORD_DEFAULT ((size_t)16 << 20)

/*
 * What one source may expand to (sl_reader_opts.max_expand): every byte its
 * logs give, through all its archives and compression layers, counts
 * against max_expand times the source's own size, but never less than
 * SL_EXPAND_FLOOR, whose ratio says little.  Real gzip'd logs expand 5 to
 * 20 times, rarely past 100; one deflate layer cannot pass about 1032; a
 * nested archive or a degenerate bzip2 or xz stream can.
 */
#define SL_MAX_EXPAND_DEFAULT 1000
#define SL_EXPAND_FLOOR ((uint64_t)1 << 20)
#define SL_EXPAND_UNLIMITED UINT64_MAX

/*
 * Reading evidence.  A reader walks sources (files, directories, archives,
 * "-" for stdin), detects compression, archives and formats from content,
 * and hands out items in a stable order.
 */
struct sl_reader_opts {
	size_t size;		/* sizeof(struct sl_reader_opts), by _init */
	const char *profile;	/* force this profile, or NULL to detect */
	const char *const *maps;/* "field=path" overrides, nmaps of them */
	size_t nmaps;
	const char *tz;		/* zone for times without one; NULL is UTC */
	/* The year of times written without one (syslog's "Mar  2 08:00:00"):
	 * year > 0 is the year of each log's first such time (later ones
	 * move on to the next year when the log does, Dec 31 to Jan 1); 0
	 * takes it from the log's modification time (the latest year that
	 * puts the time at most a day after it), else from evidence_time
	 * (the first such time takes the year that puts it closest to it);
	 * else those records are rejected.  The manifest notes say which
	 * (sessionlog(5)). */
	int year;
	/* Dated evidence: ingest gives sl_case_dated_last of its case; 0 is
	 * none.  Never the time of day: the answer must not depend on it. */
	int64_t evidence_time;
	/* A longer record is a reject (a prefix of it kept); 0 is
	 * SL_MAX_RECORD_DEFAULT, more than SL_MAX_RECORD_LIMIT an error. */
	size_t max_record;
	int max_depth;		/* archive nesting; 0: 8 */
	const char *tmpdir;	/* where stdin is spooled; NULL: $TMPDIR or /tmp */
	/* Asked for each source file and each archive member before it is
	 * read, with the SHA-256 (64 hex digits) of its stored bytes; returns
	 * nonzero to skip it.  May be NULL. */
	int (*skip)(void *arg, const char *sha256);
	void *skip_arg;
	/* Read only part of the sources, for readers working side by side:
	 * the regular files met by the walk (in its stable order) are dealt
	 * out in turn to nparts readers, and this reader takes those whose
	 * number modulo nparts is part.  Messages about directories come from
	 * part 0 only.  nparts 0 or 1: everything. */
	unsigned part, nparts;
	/* Added for hostile evidence: a symbolic link met inside a directory
	 * source is not followed but handed out as SL_ITEM_SKIPPED with a
	 * reason, since it may point out of the evidence (at the
	 * investigator's own files); nonzero follows it.  A source named in
	 * the list itself is always followed (find -H).  A directory that is
	 * a sessionlog case is never read, followed or not. */
	int follow;
	/* Added for decompression bombs: a source's logs may expand to
	 * max_expand times its size (0 is SL_MAX_EXPAND_DEFAULT,
	 * SL_EXPAND_UNLIMITED none; see SL_EXPAND_FLOOR), and to at most
	 * max_expand_bytes in all (0 is no limit).  Past that, the log being
	 * read gives an SL_ITEM_ERROR and ends there (notes truncated= and
	 * expand-limit=), and nothing more of the source is read: its other
	 * members are not opened, and its LOG_END rows say expand-limit=. */
	uint64_t max_expand, max_expand_bytes;
	/* Added for grep over raw evidence: records that cannot hold what
	 * the prefilter looks for are left out before they are parsed
	 * (sl_prefilter_new); NULL reads them all.  Borrowed; it must
	 * outlive the reader. */
	const struct sl_prefilter *prefilter;
	/* Added for grep over raw evidence: the scoped key of every event
	 * read, and of every record the prefilter left out, is counted in
	 * keys (sl_keycount_new), which readers working side by side may
	 * share; NULL counts nothing.  Borrowed; it must outlive the
	 * reader. */
	struct sl_keycount *keys;
};

/* Every option at its default, for this version's struct (see
 * Conventions). */
static inline void
sl_reader_opts_init(struct sl_reader_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = sizeof(*o);
}

enum sl_item_type {
	SL_ITEM_EVENT = 1,	/* ev */
	SL_ITEM_REJECT,		/* a record that could not be normalised */
	SL_ITEM_LOG_BEGIN,	/* a logical log starts: name, profile */
	SL_ITEM_LOG_END,	/* it ended: name, stats */
	SL_ITEM_SKIPPED,	/* a source or member skipped by opts.skip,
				 * or not read (reason says why) */
	SL_ITEM_ERROR,		/* something went wrong; reading goes on */
	/* Added for malformed evidence that was read in full (JSON whose
	 * commas had to be set right): name, reason.  Not an error; the
	 * log's notes say it too. */
	SL_ITEM_WARNING,
};

/* Counts kept for one logical log (a file or an archive member). */
struct sl_log_stats {
	char sha256[65];	/* of the stored bytes (file, or archive entry) */
	uint64_t bytes;		/* stored bytes */
	uint64_t records;	/* records read */
	uint64_t accepted;	/* events handed out */
	uint64_t rejected;	/* rejects handed out */
	int64_t first, last;	/* time span of accepted events; INT64_MIN if none */
	int is_source;		/* a top-level source rather than an archive member */
	int container;		/* nonzero for an archive or a directory that only
				 * holds other logs (no records of its own) */
	/* Added with case format 2 (LOG_END of a log with records): */
	uint64_t reversals;	/* records whose time goes back from the
				 * previous record's by more than the
				 * profile's tolerance (source order) */
	uint64_t zoneless;	/* events whose time had no zone of its own
				 * and was read in the run's zone */
	const char *notes;	/* what the investigator should know about
				 * how the log was read, as space-separated
				 * NAME or NAME=VALUE words (sessionlog(5)),
				 * or ""; NUL-terminated, borrowed like the
				 * item.  NULL is "" */
};

/*
 * Why a record was rejected, for grouping and counting: the reason's text
 * (sl_item.reason) says it with the details of the record (positions,
 * values); the code is the kind.  Values may be added.
 */
enum sl_reject_code {
	SL_REJECT_OTHER = 0,	/* none of these */
	SL_REJECT_NO_PROFILE,	/* no profile recognises the log */
	SL_REJECT_TOO_LONG,	/* longer than a limit (--max-record) */
	SL_REJECT_CUT,		/* cut short: data lost, or the log ends */
	SL_REJECT_INVALID_JSON,	/* JSON that does not parse */
	SL_REJECT_NOT_OBJECT,	/* JSON, but not an object */
	SL_REJECT_BAD_ROW,	/* a CSV/TSV row or header, or key=value
				 * text, that does not split */
	SL_REJECT_FIELD_COUNT,	/* not as many fields as the header */
	SL_REJECT_NO_TIME_COLUMN,	/* the header names no time column */
	SL_REJECT_NO_TIME,	/* the record has no time */
	SL_REJECT_BAD_TIME,	/* a time that does not parse */
	SL_REJECT_NO_YEAR,	/* a time without a year, and none given */
	SL_REJECT_NO_USER,	/* the record names no user */
};

/* A short fixed description of a reject code ("no user", "invalid
 * JSON"), never NULL. */
SL_API const char *sl_reject_code_name(int code);

struct sl_item {
	int type;			/* enum sl_item_type */
	const struct sl_event *ev;	/* EVENT */
	/* REJECT: reason, origin, line, offset, raw; LOG_*: name;
	 * SKIPPED: name, stats.sha256 and reason NULL for opts.skip, or
	 * reason (a symbolic link not followed, a sessionlog case) and the
	 * stats zero; ERROR: name (may be empty), reason;
	 * WARNING: name, reason */
	const char *name;		/* NUL-terminated log name */
	const char *profile;		/* LOG_BEGIN, LOG_END, REJECT: profile or "" */
	const char *reason;		/* NUL-terminated, no trailing newline */
	uint64_t line, offset;
	struct sl_str raw;
	const struct sl_log_stats *stats;	/* LOG_END, SKIPPED */
	int code;			/* REJECT: enum sl_reject_code */
};

struct sl_reader;

/* Open a reader over n sources.  The profile set must outlive the reader.
 * Returns NULL on failure with a message in err (errlen bytes). */
SL_API struct sl_reader *sl_reader_new(const char *const *sources, size_t n,
    const struct sl_profileset *ps, const struct sl_reader_opts *opts,
    char *err, size_t errlen);
/* Next item into *it (borrowed until the next call).  Returns 1 for an item,
 * 0 at the end, a negative errno value for a failure that ends reading
 * (out of memory); bad input never ends reading, it gives ERROR items. */
SL_API int sl_reader_next(struct sl_reader *r, struct sl_item *it);
/* Number of ERROR items handed out so far. */
SL_API uint64_t sl_reader_errors(const struct sl_reader *r);
SL_API void sl_reader_free(struct sl_reader *r);

/*
 * The case store (DESIGN.md, sessionlog(5)).
 */
struct sl_case;

#define SL_CASE_FORMAT 3	/* the case format this version writes */
#define SL_CASE_CREATE 0x1	/* create the case if it does not exist */
#define SL_CASE_WRITE  0x2	/* take the writer's lock */
#define SL_CASE_SCRATCH 0x4	/* a tool's private working case that need
				 * not survive a crash: nothing is synced to
				 * disk (updates stay atomic for readers) */

/*
 * Open the case at dir.  Returns NULL on failure with a message in err.
 * A reader reads one generation of the case, as it was when opened,
 * whatever a writer does meanwhile, and never keeps a writer out.  A
 * writer (SL_CASE_WRITE, SL_CASE_CREATE) fails at once when another
 * writer holds the case, with a message naming its pid and since when.
 */
SL_API struct sl_case *sl_case_open(const char *dir, int flags, char *err,
    size_t errlen);
/* The same, but a writer waits up to wait seconds for the other writer to
 * finish (wait < 0: as long as it takes; 0: sl_case_open). */
SL_API struct sl_case *sl_case_open_wait(const char *dir, int flags,
    int wait, char *err, size_t errlen);
SL_API const char *sl_case_error(const struct sl_case *c);
SL_API void sl_case_free(struct sl_case *c);

/* Append one line to the case's audit.log: time, user, tool, arguments. */
SL_API int sl_case_audit(struct sl_case *c, const char *tool, int argc,
    char *const *argv);

/* The case's format version: 3 is this version's; 2 is read as it is and
 * becomes 3 when opened for writing; 1 is read but must be upgraded
 * (sl_case_upgrade) before it is written to. */
SL_API int sl_case_version(const struct sl_case *c);
/* Upgrade a case of an earlier format to this one, atomically (needs
 * SL_CASE_WRITE).  Returns the format it had when opened (1 or 2) when it
 * was upgraded, 0 when it already was current, or a negative errno value
 * (detail in sl_case_error). */
SL_API int sl_case_upgrade(struct sl_case *c);

/* Nonzero if a source or member with this SHA-256 is in the manifest. */
SL_API int sl_case_has_sha256(const struct sl_case *c, const char *sha256);

/*
 * The zone the case's sources were read in.  The manifest records, for each
 * log that had times without a zone, the zone they were read in, and
 * nothing for the others.  Returns the number of distinct zones recorded:
 * 0 (none), 1 with its name in tz (tzlen bytes, NUL-terminated), or 2 for
 * two or more (tz holds one of them); or a negative errno value (detail in
 * sl_case_error), -E2BIG when the name does not fit.
 */
SL_API int sl_case_tz(struct sl_case *c, char *tz, size_t tzlen);

/* The latest time of the logs in the case whose times all carried their
 * year (no year= in their manifest notes), as opened; 0 if none.  It dates
 * logs whose times have no year (sl_reader_opts.evidence_time). */
SL_API int64_t sl_case_dated_last(const struct sl_case *c);

/* User names in the case, in byte order (unsigned bytes; a name that is
 * a prefix of another comes first).  A name is a byte string that may
 * hold any byte, NUL included; p is also NUL-terminated for convenience.
 * Valid until sl_case_free; { NULL, 0 } when i is out of range. */
SL_API size_t sl_case_user_count(const struct sl_case *c);
SL_API struct sl_str sl_case_user(const struct sl_case *c, size_t i);

struct sl_prefilter;
/* Whether a row of the timeline of user[0..userlen) may pass the
 * prefilter pf (sl_prefilter_new), tested on the timeline's decompressed
 * bytes without splitting them into rows or fields: 1 when it may, 0 when
 * no row can (every field value is in a row verbatim, escaped for TSV
 * only where a literal has no bytes), or a negative errno value (-ENOENT
 * for a user not in the case); then read the timeline.  The rows are not
 * parsed, so a malformed one is not noticed here.  A NULL pf or one of no
 * groups: 1. */
SL_API int sl_case_user_may_hold(struct sl_case *c, const char *user,
    size_t userlen, const struct sl_prefilter *pf);

/*
 * What a case says about itself, read without the timelines: what the
 * integrity detectors of summarize look at.
 */

/* A user's timeline as its index (users/NAME.idx) describes it, read
 * without decompressing anything. */
struct sl_user_span {
	uint64_t events;	/* rows of the timeline */
	uint64_t blocks;	/* BGZF blocks holding rows */
	int64_t first, last;	/* time span; INT64_MIN when no events */
};

/* The span of the user user[0..userlen) (any byte, NUL included).
 * Returns 0 with *span set, -ENOENT for a user not in the case, or
 * another negative errno value (-EBADMSG for a malformed index); detail
 * in sl_case_error. */
SL_API int sl_case_user_span(struct sl_case *c, const char *user,
    size_t userlen, struct sl_user_span *span);

/* A count that the row does not give: conflicts and reversals of a log
 * read by sessionlog 0.1 (a case of format 1, or the rows it had before
 * ingest --upgrade, left empty), or a column the manifest lacks. */
#define SL_NOT_COUNTED UINT64_MAX

/*
 * The manifest (manifest.tsv, sessionlog(5)): one row per log ingested, in
 * the file's order.  Columns are found by their header names, so a
 * manifest of format 1 (13 columns) reads like one of format 2, and
 * columns added later are passed over.  Every string is unescaped and
 * NUL-terminated (it may hold NUL itself); an absent column reads as an
 * empty string, a count as SL_NOT_COUNTED, a time as INT64_MIN.
 */
struct sl_manifest_row {
	uint64_t lineno;	/* line in manifest.tsv (the header is 1) */
	struct sl_str sha256;	/* 64 lower-case hex digits; empty for a
				 * log whose reading did not finish */
	uint64_t bytes;		/* stored bytes */
	struct sl_str path;	/* the log's name up to its first '!' */
	struct sl_str member;	/* the rest after it, or empty */
	struct sl_str profile;
	uint64_t read;		/* = accepted + duplicates + rejected */
	uint64_t accepted, duplicates, rejected;
	int64_t first, last;	/* span of its events; INT64_MIN if none */
	struct sl_str tz;	/* zone of its times without one, or empty */
	int64_t ingested;	/* when (UTC) */
	uint64_t conflicts;	/* SL_NOT_COUNTED: not counted (format 1) */
	uint64_t reversals;	/* SL_NOT_COUNTED: not counted (format 1) */
	struct sl_str notes;	/* space-separated NAME or NAME=VALUE words
				 * (sl_notes_get), or empty */
};

struct sl_manifest;

/* Open the case's manifest.  A case without one (and none recorded) has
 * no rows.  Returns NULL on failure (detail in sl_case_error). */
SL_API struct sl_manifest *sl_manifest_open(struct sl_case *c);
/* Nonzero when the manifest has the column of this header name (for
 * example "notes", which format 1 lacks). */
SL_API int sl_manifest_has(const struct sl_manifest *m, const char *column);
/* The next row into *row (borrowed until the next call or _free).
 * Returns 1, 0 at the end, -EBADMSG for a malformed row (a cell that
 * does not parse; detail in sl_case_error), after which the next call
 * goes on with the next row, or another negative errno value that ends
 * the reading. */
SL_API int sl_manifest_next(struct sl_manifest *m,
    const struct sl_manifest_row **row);
SL_API void sl_manifest_free(struct sl_manifest *m);

/* Look up the word name in the manifest notes notes[0..n): 1 when it is
 * there, with *value set to what follows its '=' (empty for a bare
 * NAME), or 0.  For example "truncated" in "repaired=2 truncated=4096"
 * gives 1 and "4096". */
SL_API int sl_notes_get(const char *notes, size_t n, const char *name,
    struct sl_str *value);

/*
 * The rejects (rejects.tsv.gz): every record that could not be normalised,
 * by origin and line.  Strings as for the manifest.
 */
struct sl_reject_row {
	uint64_t row;		/* 1-based, in file order */
	struct sl_str origin;	/* "path" or "path!member[!member]" */
	uint64_t line, offset;	/* where the record starts in the log */
	struct sl_str profile;	/* the profile that read it, or empty */
	struct sl_str reason;
	struct sl_str raw;	/* the record, byte for byte */
};

struct sl_rejects;

/* Open, next, free as for the manifest; a case of format 1 that never
 * rejected anything has no rejects.tsv.gz and no rows.  A read error of
 * the compressed file ends the reading. */
SL_API struct sl_rejects *sl_rejects_open(struct sl_case *c);
SL_API int sl_rejects_next(struct sl_rejects *r,
    const struct sl_reject_row **row);
SL_API void sl_rejects_free(struct sl_rejects *r);

/*
 * The conflicts (conflicts.tsv.gz): duplicates that share a key with the
 * copy kept but say something else, one row each.  A case of format 1 has
 * none.
 */
struct sl_conflict_row {
	uint64_t row;		/* 1-based, in file order */
	struct sl_str scope, key;
	/* the copy kept */
	struct sl_str kept_user;
	int64_t kept_time;
	struct sl_str kept_origin;
	uint64_t kept_line, kept_offset;
	/* the duplicate */
	struct sl_str user;
	int64_t time;
	struct sl_str origin;
	uint64_t line, offset;
	struct sl_str differs;	/* comma-separated: user,time,action,resource */
	struct sl_str raw;	/* the duplicate's record */
};

struct sl_conflicts;

SL_API struct sl_conflicts *sl_conflicts_open(struct sl_case *c);
SL_API int sl_conflicts_next(struct sl_conflicts *k,
    const struct sl_conflict_row **row);
SL_API void sl_conflicts_free(struct sl_conflicts *k);

/*
 * Ingesting into a case (needs SL_CASE_WRITE).  Events and rejects are
 * staged, sorted on disk in bounded memory, merged into the timelines and
 * made visible all at once by sl_ingest_commit.
 */
struct sl_ingest;

struct sl_ingest_opts {
	size_t size;		/* sizeof(struct sl_ingest_opts), by _init */
	size_t mem_limit;	/* bytes for in-memory sorting; 0: 256 MiB */
	const char *tz;		/* recorded in the manifest; NULL is UTC */
	/*
	 * Added for reading logs again.  Nonzero: every log read replaces
	 * what came from it before.  Zero: only a log whose SHA-256 the
	 * case has already does (read although known: the skip callback
	 * chose to read it again).  Replacing a log named N removes, in
	 * the commit, every event, reject, key and conflict whose origin
	 * is N or starts with "N!", and its manifest rows; a user left
	 * with no events leaves the case (sessionlog(5)).
	 */
	int reread;
	/*
	 * Added for stopping on a signal.  Not NULL: asked at every record
	 * and file; once it returns nonzero (a signal handler has set a
	 * flag), reading, sorting and sl_ingest_commit stop with -EINTR
	 * and the case is left as it was.  A commit past its point of no
	 * return ends, and the case is the new one.
	 */
	int (*stop)(void *arg);
	void *stop_arg;
	/*
	 * Added for shards.  nshards > 0 (at most SL_SHARD_MAX) keeps only
	 * shard `shard` (1 to nshards) of the records: the events of the
	 * users whose sl_shard_of is shard, and the rejects whose origin's
	 * is.  The others are counted, not staged: each log's manifest row
	 * gets the notes words shard=SHARD/NSHARDS and other=K, K the
	 * records of the log left to the other shards (sessionlog(5)).
	 */
	unsigned shard, nshards;
	/*
	 * Added for the parallel commit.  jobs > 1: sl_ingest_commit
	 * deflates the blocks of the case's new files on jobs threads of
	 * its own while the calling thread merges; the case is byte for
	 * byte the one a commit without them writes.  0 or 1: none.
	 */
	unsigned jobs;
};

#define SL_SHARD_MAX 4096

/*
 * The shard (1 to nshards) of the byte string p[0..n): the first 8 bytes
 * of its SHA-256 as a big-endian number, modulo nshards, plus one.  The
 * same on every machine and in every version (sessionlog(5)).  0 when
 * nshards is 0.
 */
SL_API unsigned sl_shard_of(const void *p, size_t n, unsigned nshards);

static inline void
sl_ingest_opts_init(struct sl_ingest_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = sizeof(*o);
}

SL_API struct sl_ingest *sl_ingest_new(struct sl_case *c,
    const struct sl_ingest_opts *opts);
/* Register a logical log (LOG_BEGIN); returns its id (>= 0) for the events
 * and rejects of that log. */
SL_API int sl_ingest_log(struct sl_ingest *in, const char *name,
    const char *profile);
/*
 * Events and rejects are copied.  sl_ingest_event returns 0 for an event
 * staged, 1 for one staged as a reject instead, with the reason in
 * sl_ingest_error (a record longer than SL_MAX_RECORD_LIMIT, or fields
 * too large to store with it), or a negative errno value.  A reject keeps
 * at most the first SL_MAX_RECORD_LIMIT bytes of its record.
 */
SL_API int sl_ingest_event(struct sl_ingest *in, int log,
    const struct sl_event *ev);
SL_API int sl_ingest_reject(struct sl_ingest *in, int log,
    const struct sl_item *it);
/* The log ended with these stats (LOG_END). */
SL_API int sl_ingest_log_end(struct sl_ingest *in, int log,
    const struct sl_log_stats *st);

struct sl_ingest_result {
	uint64_t logs, read, accepted, duplicates, rejected;
	uint64_t conflicts;	/* of duplicates: those that said something
				 * else than their kept copy */
	uint64_t users;		/* users whose timeline changed */
	int64_t first, last;	/* span of the accepted events; INT64_MIN if none */
};

/*
 * What sl_ingest_read tells its caller, in the order items are staged, in
 * the calling thread: every item (sl_item; borrowed for the call) with the
 * id of the log it belongs to (sl_ingest_log), or -1 for SKIPPED, ERROR and
 * WARNING.  An EVENT is told before it is staged: returning 1 leaves it
 * out.  An event the store cannot hold (its row would be too long) is
 * kept as a reject and told once more, as a REJECT of code
 * SL_REJECT_TOO_LONG whose ev is set: the same record, not another one.
 * LOG_BEGIN and LOG_END (an archive's too) come after the log is
 * registered or ended.  Returning a negative errno value stops the run,
 * and sl_ingest_read returns it.
 */
typedef int sl_ingest_report_fn(void *arg, const struct sl_item *it,
    int log);

/*
 * Read n sources with the profiles and reader options into the ingest:
 * every item of sl_reader_next staged (events, rejects, the logs and
 * their ends).  jobs > 1 reads in that many threads, each taking its part
 * of the sources (sl_reader_opts.part; opts' own part is ignored) while
 * the calling thread stages and reports, in the order of the source
 * files (the items of each file together, as one reader gives them);
 * 1 or less reads in the calling thread.  The threads start with every signal
 * blocked.  Returns 0 when all was read (bad input gives ERROR items, not
 * a failure) or a negative errno value with the detail in sl_ingest_error
 * (a reader that cannot start, out of memory, report's own value); what
 * was staged stays staged until committed or freed.
 */
SL_API int sl_ingest_read(struct sl_ingest *in, const char *const *sources,
    size_t n, const struct sl_profileset *ps,
    const struct sl_reader_opts *opts, int jobs,
    sl_ingest_report_fn *report, void *arg);

/*
 * Stage a whole other case, src (open for reading; borrowed: it must stay
 * open until the commit), as if its evidence were read again: every
 * event of its timelines, its rejects, its manifest rows and its
 * conflicts.  The commit then de-duplicates across the cases as ingesting
 * the evidence does (keys across users, records of one user at one
 * time).  A log in several of the cases merged is one manifest row: its
 * counts added up, when the cases are shards of one split (each row's
 * shard= words name other shards of the same number), else -EEXIST.  A
 * log the case already has gives -EEXIST.  The rows of the cases are
 * folded: shard= and other= leave the notes once every shard of the log
 * is in.  Returns 0 or a negative errno value (detail in
 * sl_ingest_error).  Memory: the keyed events of src (about 40 bytes
 * each) while it is staged.
 */
SL_API int sl_ingest_case(struct sl_ingest *in, struct sl_case *src);
/* Records that sl_ingest_opts.shard left to the other shards so far:
 * events and rejects. */
SL_API void sl_ingest_other(const struct sl_ingest *in, uint64_t *events,
    uint64_t *rejects);

/* Merge everything staged into the case atomically.  On failure the case is
 * left as it was. */
SL_API int sl_ingest_commit(struct sl_ingest *in, struct sl_ingest_result *res);
SL_API const char *sl_ingest_error(const struct sl_ingest *in);
/* Free; an uncommitted ingest is discarded. */
SL_API void sl_ingest_free(struct sl_ingest *in);

/*
 * Reading one user's timeline from a case, in time order; with a time range
 * (since inclusive, until exclusive; INT64_MIN/INT64_MAX for open ends) only
 * the blocks that overlap it are read.
 */
struct sl_timeline;

/* The user is the byte string user[0..userlen) (any byte, NUL included).
 * A user not in the case gives an empty timeline.  Returns NULL on failure
 * (detail in sl_case_error). */
SL_API struct sl_timeline *sl_timeline_open(struct sl_case *c, const char *user,
    size_t userlen, int64_t since, int64_t until);
/* Returns 1 with *ev set (borrowed until the next call), 0 at the end, or a
 * negative errno value (detail in sl_case_error). */
SL_API int sl_timeline_next(struct sl_timeline *t, const struct sl_event **ev);
SL_API void sl_timeline_free(struct sl_timeline *t);

/* Check every file of the case against its recorded digests and structure.
 * Calls report(arg, file, problem) for each problem found; returns the
 * number of problems (>= 0) or a negative errno value. */
SL_API int sl_case_verify(struct sl_case *c,
    void (*report)(void *arg, const char *file, const char *problem),
    void *arg);

/*
 * Times and durations as given on the command line.
 */

/*
 * Parse a --since/--until value into microseconds: an ISO time or date
 * ("2026-03-14", "2026-03-14T22:00", "2026-03-14 22:00:00+01:00"; a bare
 * date is its midnight), "now", "today" or "yesterday" (their midnights),
 * or a time before now: "-7d", "-12h", "-30m", "-45s", "-2w", "-1h30m"
 * (units ms s m h d w).  A time without a zone, and the midnights, are read in the zone
 * tz (NULL: UTC); now is the current time.  Returns 0, or -EINVAL with a
 * message in err (errlen bytes).
 */
SL_API int sl_when_parse(const char *s, const char *tz, int64_t now,
    int64_t *us, char *err, size_t errlen);

/* Parse a duration: "30m", "90s", "1h30m", "2d", "1w", "500ms", or a bare
 * number of seconds.  Returns 0 with *us (>= 0), or -EINVAL. */
SL_API int sl_duration_parse(const char *s, int64_t *us);
/* Format a duration (>= 0) as "45s", "23m12s", "2h05m00s" or "3d04h05m" into
 * out (size bytes; SL_DURATION_LEN always suffice); returns the length or
 * -E2BIG. */
#define SL_DURATION_LEN 32
SL_API int sl_duration_format(int64_t us, char *out, size_t size);

/*
 * Sessions, derived while reading one user's events in time order
 * (DESIGN.md): an event with the source's own session id belongs to that
 * session; the others form derived sessions, each a run of events with no
 * gap longer than the gap between one and the next (a gap equal to it does
 * not split), started by a login and ended by a logout.  A derived session
 * is named "USER@STARTTIME" with STARTTIME as sl_time_format prints it.
 */
#define SL_GAP_DEFAULT (INT64_C(30) * 60 * 1000000)

struct sl_sessions;

/* A sessionizer with this gap (us, > 0).  NULL on ENOMEM. */
SL_API struct sl_sessions *sl_sessions_new(int64_t gap);
/* Forget everything: the next event starts a new user's timeline. */
SL_API void sl_sessions_reset(struct sl_sessions *s);
/*
 * Assign the next event of the user's timeline (time order; events of one
 * user between resets) to its session.  Sets *name to the session's name
 * (ev->session itself, or the derived name owned by s, valid until the
 * next call) and *start to the time of the session's first event seen since
 * the reset.  Returns 1 when the event starts a session (a new derived
 * session, or a source session id not seen since the reset), 0 when it
 * continues one, -ENOMEM.
 */
SL_API int sl_sessions_assign(struct sl_sessions *s, const struct sl_event *ev,
    struct sl_str *name, int64_t *start);
SL_API void sl_sessions_free(struct sl_sessions *s);

/*
 * A cursor over one user's timeline: each step gives the event with its
 * context, so that every tool applies the rules of sessions and purposes
 * the same way (DESIGN.md).
 *
 * The effective purpose of an event is its own purpose; else the purpose of
 * the latest earlier justification (an event of action justify with a
 * purpose) of its session: the same source session id, or for an event
 * without one the same derived session; else, for an event without a
 * source session id, the latest earlier justification with the same trace
 * id made in a source session (a trace is one request: the event belongs to
 * the session that justified it).  A purpose of
 * only blanks (space, tab, line ends) is none, on an event as on a
 * justification.  A purpose never carries from one session to another: an
 * event with a source session id takes only its own session's, and a
 * derived session starts without one and never takes another derived
 * session's, not even through a trace.  The stored purpose (ev->purpose)
 * stays as the record gave it.
 */
enum sl_purpose_from {
	SL_PURPOSE_NONE = 0,	/* no purpose */
	SL_PURPOSE_OWN,		/* the event's own purpose field */
	SL_PURPOSE_SESSION,	/* a justification earlier in its session */
	SL_PURPOSE_TRACE,	/* a justification earlier in its trace */
	SL_PURPOSE__COUNT
};

/* "none", "own", "session", "trace"; NULL for an out-of-range value. */
SL_API const char *sl_purpose_from_name(int from);

/* One step of a cursor.  Every pointer is borrowed from the cursor and
 * valid until the next call on it. */
struct sl_step {
	const struct sl_event *ev;	/* as stored: ev->session is empty
					 * for an event of a derived session */
	struct sl_str session;	/* ev->session, or the derived session's
				 * name "USER@STARTTIME" */
	int64_t start;		/* time of the session's first event */
	int starts;		/* 1 when the event starts its session */
	int in_range;		/* 1 when since <= ev->time; 0 for an event
				 * before since read as context */
	struct sl_str purpose;	/* effective purpose; empty if none */
	int purpose_from;	/* enum sl_purpose_from */
};

struct sl_cursor;

/*
 * Open a cursor on the user's events (user: userlen bytes, any byte; a
 * name the store cannot hold has no events) in the time range [since,
 * until) (INT64_MIN, INT64_MAX for open ends) of the cases (ncases of
 * them, borrowed: they must outlive the cursor and not be used by another
 * thread meanwhile), with sessions derived with this gap (us, > 0; see
 * SL_GAP_DEFAULT).
 *
 * The cursor starts reading early enough to give the derived session open
 * at since from its first event: it steps back through the timeline's
 * index one block at a time from the block holding since, until a block
 * shows where that session started (a login, a logout, or a gap longer
 * than the gap between derived events).  The events read before since are
 * given too, with in_range 0: their own sessions may have started earlier
 * still.  A session with a source session id has as start, and starts at,
 * its first event the cursor read; a trace's justification counts from
 * there too.
 *
 * Several cases are read as one when the user is in at most one of them
 * (a case split into shards by user); a user in two or more gives
 * -ENOTSUP: merging timelines is not implemented.
 *
 * Returns NULL only when out of memory.  Any other failure (-EINVAL for a
 * gap <= 0, -ENOTSUP, an unreadable timeline) is kept in the cursor: the
 * first sl_cursor_next returns it and sl_cursor_error tells it.
 */
SL_API struct sl_cursor *sl_cursor_open(struct sl_case *const *cases,
    size_t ncases, const char *user, size_t userlen, int64_t since,
    int64_t until, int64_t gap);
/* The next event in time order into *st (borrowed until the next call).
 * Returns 1, 0 at the end, or a negative errno value (detail in
 * sl_cursor_error); after a failure every call returns it again. */
SL_API int sl_cursor_next(struct sl_cursor *cur, struct sl_step *st);
/* The message of the last failure, "" if none; borrowed from cur. */
SL_API const char *sl_cursor_error(const struct sl_cursor *cur);
SL_API void sl_cursor_free(struct sl_cursor *cur);

/*
 * Usage: the aggregates of one user's events (or of a window of them) that
 * summarize reports and diff-users compares.  Fed with the steps of a
 * cursor; only steps in range count.  What is counted how:
 *
 * - Backend events (SL_EV_BACKEND: not started by the user) count in
 *   backend and backend_actions only, nowhere else.  Everything below is
 *   about the user's own events ("own": in range and not backend).
 * - actions, outcomes: own events by action and by outcome.
 * - exports: own export events whose outcome is success or unknown (a
 *   failed or denied export moved no data; it is still in actions and
 *   outcomes).  export_records and export_bytes sum their count and
 *   bytes where known; export_records_unknown and export_bytes_unknown
 *   are the exports whose count or bytes was unknown.  Sums stop at
 *   UINT64_MAX.
 * - data_access: own view, export and share events of any outcome;
 *   data_no_purpose: those whose effective purpose (the cursor's) was
 *   none.
 * - first, last: times of the first and last own event (INT64_MIN when
 *   there is none).
 * - hours: own events by hour of the week in the zone of the options,
 *   bin wday * 24 + hour (wday 0 Sunday, sl_civil), as the local clock
 *   shows it: on a day when clocks go forward one hour has no events,
 *   on a day when they go back one holds two hours' worth.
 * - The maps (enum sl_usage_map) count own events per distinct key,
 *   keys compared as bytes (any byte):
 *   RESOURCE  each distinct resource of an event (the values of its
 *             '\n'-separated list; empty values skipped), any action;
 *   QUERY     the query text as typed, of any event with a non-empty
 *             query (searches counted as distinct queries);
 *   TERM      each distinct word of such a query, once an event, folded
 *             as the watchlist folds names (Unicode case folding, NFC and
 *             NFD alike, accents dropped: "Petrović" is "petrovic");
 *   SRC       the source address or host, when not empty;
 *   PURPOSE   the effective purpose, when there is one, any action;
 *   DAY       the local date "YYYY-MM-DD" in the zone (active days;
 *             years 0-9999 sort as dates);
 *   SESSION   the cursor's session name, of the event's user: a session
 *             is one user's, so its item's key is the name as the log
 *             gave it (or as derived) and its user the user (ev->user),
 *             and two users' sessions of the same name are two items
 *             (auditd numbers sessions per boot, so names collide in a
 *             usage merged from several users); an item's first and last
 *             are the times of the session's first and last own event in
 *             range: its in-range part.
 *   sessions is the number of SESSION items ((user, name) pairs), session_total the sum of
 *   their lengths (last - first, us) and session_longest the longest;
 *   days is the number of DAY keys, hour_days[h] of those with own events
 *   in local hour h, wday_days[w] of those on weekday w.
 *
 * Memory: per-user state, a fixed part plus, for each map, one entry and
 * a copy of the key per distinct key; nothing grows with the number of
 * events alone.
 *
 * Sketches: with max_keys (for a merge of many users' usages that must
 * stay bounded), a map other than DAY that comes to hold more distinct
 * keys becomes a HyperLogLog sketch of 16 KiB: its items are dropped
 * (sl_usage_list gives none, sl_usage_get finds none), sl_usage_count is
 * the estimate (standard error 1.04 / sqrt(16384) = 0.81%; keys hashed
 * alike on every machine, so an estimate depends only on the set of
 * keys), and for SESSION, sessions is the estimate while session_total
 * and session_longest stay as they were.  A merge with a sketched map
 * makes that map of dst a sketch too, of the union.  DAY stays exact: its
 * keys are bounded by the days of the span.
 */
struct sl_usage_opts {
	size_t size;		/* sizeof(struct sl_usage_opts), by _init */
	/* Zone of hours and days (borrowed: it must outlive the usage and
	 * its merges); NULL is UTC. */
	const struct sl_tz *tz;
	/* The distinct keys a map other than DAY keeps exact: one more and
	 * it becomes a sketch (sl_usage_sketched); 0, no limit. */
	size_t max_keys;
};

static inline void
sl_usage_opts_init(struct sl_usage_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = sizeof(*o);
}

#define SL_USAGE_HOURS (7 * 24)

/* The scalar figures.  Handed out by the library, so it may grow at its
 * end in later versions. */
struct sl_usage_figures {
	uint64_t events;		/* own events */
	uint64_t actions[SL_ACT__COUNT];
	uint64_t outcomes[SL_OUT__COUNT];
	uint64_t backend;		/* backend events in range */
	uint64_t backend_actions[SL_ACT__COUNT];
	uint64_t exports;
	uint64_t export_records, export_records_unknown;
	uint64_t export_bytes, export_bytes_unknown;
	uint64_t data_access, data_no_purpose;
	uint64_t sessions;
	int64_t session_total, session_longest;	/* us */
	uint64_t days;
	int64_t first, last;
	uint64_t hours[SL_USAGE_HOURS];
	uint64_t hour_days[24];	/* DAY keys with own events in each local
				 * hour (usual hours, sl_usual_hours) */
	uint64_t wday_days[7];	/* DAY keys of each weekday, 0 Sunday */
};

enum sl_usage_map {
	SL_USAGE_RESOURCE = 0,
	SL_USAGE_QUERY,
	SL_USAGE_SRC,
	SL_USAGE_PURPOSE,
	SL_USAGE_DAY,
	SL_USAGE_SESSION,
	SL_USAGE_TERM,
	SL_USAGE__MAPS
};

/* One key of a map: how many own events had it, the first and last of
 * their times; for SESSION, the user whose session it is (empty for the
 * other maps, and ignored by sl_usage_put_item there). */
struct sl_usage_item {
	struct sl_str key;
	uint64_t count;
	int64_t first, last;
	struct sl_str user;
};

/* Orders of sl_usage_list. */
enum {
	SL_USAGE_BY_COUNT = 0,	/* count descending, ties as by key */
	SL_USAGE_BY_KEY,	/* key bytes ascending (unsigned; a prefix
				 * first), then user bytes */
};

struct sl_usage;

/* An empty usage.  Returns NULL with errno set: ENOMEM, or EINVAL or
 * E2BIG for options refused (see Conventions). */
SL_API struct sl_usage *sl_usage_new(const struct sl_usage_opts *opts);
/* Count one cursor step (st and what it points to are only read during
 * the call).  Returns 1 when it counted (in range), 0 when not, or
 * -ENOMEM, after which u may hold part of the step: it is no longer
 * exact, only fit to be freed. */
SL_API int sl_usage_add(struct sl_usage *u, const struct sl_step *st);
/* Add what src counted to dst, exactly as if dst had been fed src's steps
 * too (the same session seen by both spans both parts).  Both must have
 * been made with zones of the same name; else -EINVAL, as for dst ==
 * src.  Returns 0 or -ENOMEM (dst then holds part of src). */
SL_API int sl_usage_merge(struct sl_usage *dst, const struct sl_usage *src);
/* The figures, borrowed from u until its next add, merge or free. */
SL_API const struct sl_usage_figures *sl_usage_figures(
    const struct sl_usage *u);
/* The number of distinct keys of a map (estimated if it is a sketch);
 * 0 for an unknown map. */
SL_API size_t sl_usage_count(const struct sl_usage *u, int map);
/* 1 when a map is a sketch (see Sketches above), else 0. */
SL_API int sl_usage_sketched(const struct sl_usage *u, int map);
/* Look key[0..n) up in a map: 1 with *item filled (its key borrowed as
 * the figures are), or 0.  For SESSION (where users' sessions may share a
 * name) the session of that name of the first user in byte order, found
 * by a walk of the items. */
SL_API int sl_usage_get(const struct sl_usage *u, int map, const char *key,
    size_t n, struct sl_usage_item *item);
/* The first max items of a map in the order asked (SL_USAGE_BY_COUNT for
 * a top-N; max SIZE_MAX for all) into *items, *n of them: an array owned
 * by u, valid until the next call on u.  Returns 0, -EINVAL for an unknown
 * map or order, or -ENOMEM. */
SL_API int sl_usage_list(struct sl_usage *u, int map, int order, size_t max,
    const struct sl_usage_item **items, size_t *n);
SL_API void sl_usage_free(struct sl_usage *u);
/*
 * Taking a usage apart and putting it back together, for summaries
 * written on one machine and merged on another (summarize --partial):
 * a usage u2 made empty with the same zone, given sl_usage_put_figures
 * of u's figures and sl_usage_put_item of each item of each of u's maps
 * (a DAY item with its sl_usage_day_mask), is u; given those of several
 * usages, it is their sl_usage_merge.
 *
 * sl_usage_day_mask: the DAY key[0..n)'s local hours with own events
 * (bit h for hour h) and, in bits 24-27, its weekday + 1 (1 Sunday); 0
 * when u has no such key.
 * sl_usage_put_figures: add the figures of f that are not made of the
 * maps' keys (every one but sessions, session_total, session_longest,
 * days, hour_days and wday_days, which the items make); returns 0.
 * sl_usage_put_item: add the item it to map as a merge of a usage holding
 * it would; day_mask as sl_usage_day_mask gives it for a DAY item,
 * ignored for the other maps.  Returns 0, -EINVAL for an unknown map, a
 * count of 0, first after last or a DAY mask without a weekday, or
 * -ENOMEM (u then holds part of it).
 */
SL_API uint32_t sl_usage_day_mask(const struct sl_usage *u, const char *key,
    size_t n);
SL_API int sl_usage_put_figures(struct sl_usage *u,
    const struct sl_usage_figures *f);
SL_API int sl_usage_put_item(struct sl_usage *u, int map,
    const struct sl_usage_item *it, uint32_t day_mask);

/*
 * Usual hours: the hours of the week at which a user usually works, from
 * their active days (days with own events) in a period (sessionlog(7),
 * USUAL HOURS).  summarize's per-user report and the off-hours detector
 * use this one definition.
 *
 * An hour of the day is usual when the user was active in it on at least
 * min_days days and at least min_share of their active days; the usual
 * hours are then widened by margin hours on each side (overtime of an
 * hour is not unusual).  A weekday is usual when the user was active on
 * at least weekday_share of the period's days of that weekday (and on
 * one at least); a weekday the period does not hold is usual (nothing
 * says otherwise).  An hour of the week is usual when its weekday and
 * its hour of day are.  Hours go round midnight: a night shift's hours
 * are 22:00-06:00.
 */
struct sl_usual_settings {
	double min_days;	/* 2 */
	double min_share;	/* 0.1 */
	double margin;		/* whole hours, 2 */
	double weekday_share;	/* 0.25 */
};

/* The defaults above into *s. */
SL_API void sl_usual_defaults(struct sl_usual_settings *s);

/* What usual hours are learned from. */
struct sl_usual_days {
	uint64_t days;			/* active days */
	uint64_t hour_days[24];		/* active days with events in each
					 * local hour */
	uint64_t wday_active[7];	/* active days of each weekday (0
					 * Sunday) */
	uint64_t wday_days[7];		/* days of each weekday in the
					 * period, active or not */
};

/*
 * Fill usual (wday * 24 + hour, as sl_usage_figures' hours) with 1 for
 * each usual hour of the week, 0 for the others.  Returns the number of
 * usual hours of the week, 0 when the user has fewer than min_days active
 * days: too few to say what is usual (every hour is then 0).
 */
SL_API int sl_usual_hours(const struct sl_usual_days *in,
    const struct sl_usual_settings *s, unsigned char usual[SL_USAGE_HOURS]);

/*
 * Similar users: who is most alike, found through an inverted index from
 * items to the users holding them, never by comparing every pair
 * (sessionlog(7), SIMILAR USERS).  How shared accounts and coordinated
 * searches show.
 *
 * An item is a kind (a small integer >= 0 the caller chooses: resources,
 * whole queries, query terms, source addresses, hours of the week, ...)
 * and a key (bytes, any byte); each user holds a set of distinct items.
 * The df of an item is the number of users holding it, N the number of
 * users in the index (those without items too).  An item held by more
 * than max_df users (a common search word, a shared proxy address) is
 * skipped: it says little and would cost most (the work is the sum over
 * items of df squared).  The others are counted, each with the weight
 * log(N / df): a plate number two users searched for weighs more than a
 * word everyone searched for, and an item held by every user weighs 0.
 *
 * Two users share the counted items both hold.  Their score, by rank:
 * WEIGHTED (the default) the sum of the shared items' weights less the
 * weight two users holding as many counted items would share by chance,
 * |A| * |B| * C, |A| the number of A's counted items and C a constant of
 * the index (sessionlog(7), SIMILAR USERS): heavy users, who share much
 * by chance, do not outrank a pair sharing a few rare items; SUM the sum
 * of the shared items' weights; SHARED the number of shared items;
 * JACCARD shared / (|A| + |B| - shared).  Weights are summed in fixed
 * point (2^-32) and C in 128-bit, so that a score does not depend on the
 * order of adding or on threads.  Pairs whose score is 0 or less are not
 * listed; ties are broken by names (byte order), so answers are
 * deterministic.
 *
 * Use: sl_sim_new; sl_sim_user and sl_sim_add (or sl_sim_add_usage) for
 * every user; then the questions (sl_sim_pairs, sl_sim_similar,
 * sl_sim_shared), the first of which freezes the index: adding after it
 * is -EBUSY.  One thread at a time on a handle; sl_sim_pairs spreads its
 * work over the threads of the options.  Memory: one entry per distinct
 * item of each user, a copy of each distinct key, and per thread of
 * sl_sim_pairs 12 bytes a user.
 */
enum sl_sim_rank {
	SL_SIM_WEIGHTED = 0,	/* shared weight less the chance weight */
	SL_SIM_SHARED,		/* number of shared items */
	SL_SIM_JACCARD,		/* shared / items of either */
	SL_SIM_SUM,		/* sum of the shared items' weights */
	SL_SIM__RANKS
};

/* The default max_df: the larger of SL_SIM_MAX_DF_MIN users and
 * SL_SIM_MAX_DF_PERMILLE per mille of the users. */
#define SL_SIM_MAX_DF_MIN 50
#define SL_SIM_MAX_DF_PERMILLE 50

struct sl_sim_opts {
	size_t size;		/* sizeof(struct sl_sim_opts), by _init */
	int rank;		/* enum sl_sim_rank */
	/* Items held by more users are skipped; 0: the default above. */
	size_t max_df;
	unsigned threads;	/* of sl_sim_pairs; 0 or 1: the caller's */
};

static inline void
sl_sim_opts_init(struct sl_sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = sizeof(*o);
}

/* "weighted", "shared", "jaccard", "sum"; NULL out of range.  Parse a name
 * (exact) into the rank or -EINVAL. */
SL_API const char *sl_sim_rank_name(int rank);
SL_API int sl_sim_rank_parse(const char *s, size_t n);

/* A pair of users (indexes of sl_sim_user_name) and what they share. */
struct sl_sim_pair {
	size_t a, b;		/* sl_sim_pairs: a's name sorts before b's;
				 * sl_sim_similar: a is the user asked */
	double score;		/* by the rank of the options */
	uint64_t shared;	/* shared counted items */
	double weight;		/* the sum of their weights */
	double expected;	/* the weight shared by chance */
	double jaccard;
};

/* A shared item. */
struct sl_sim_item {
	int kind;
	struct sl_str key;	/* borrowed from the index */
	uint64_t df;		/* users holding it */
	double weight;		/* log(N / df) */
};

struct sl_sim;

/* An empty index.  NULL with errno set: ENOMEM, or EINVAL (an unknown
 * rank) or E2BIG for options refused (see Conventions). */
SL_API struct sl_sim *sl_sim_new(const struct sl_sim_opts *opts);
/* The user named name[0..n) (any byte): its index (>= 0, in order of
 * first adding; the same name gives the same index), or -ENOMEM, -E2BIG
 * (more than INT_MAX - 1 users), -EBUSY (the index is frozen). */
SL_API int sl_sim_user(struct sl_sim *s, const char *name, size_t n);
/* The index of the user named name[0..n), or -ENOENT. */
SL_API int sl_sim_find(const struct sl_sim *s, const char *name, size_t n);
SL_API size_t sl_sim_user_count(const struct sl_sim *s);
/* The name of user i (NUL-terminated too), { NULL, 0 } out of range;
 * valid until sl_sim_free. */
SL_API struct sl_str sl_sim_user_name(const struct sl_sim *s, size_t i);
/* User user holds the item (kind, key[0..n)); holding it again changes
 * nothing.  0, or -EINVAL (no such user, a negative kind), -ENOMEM,
 * -E2BIG (more than UINT32_MAX - 1 distinct items), -EBUSY. */
SL_API int sl_sim_add(struct sl_sim *s, int user, int kind, const char *key,
    size_t n);

/* sl_sim_add_usage's kinds: the maps of a usage as their enum
 * sl_usage_map, and the hours of the week with events as
 * SL_SIM_KIND_HOUR, keyed "Sun 00" .. "Sat 23". */
#define SL_SIM_KIND_HOUR SL_USAGE__MAPS
#define SL_SIM_HOURS (1u << SL_SIM_KIND_HOUR)
/* Add the keys of each map of u whose bit (1 << map) is in kinds, and the
 * hours if SL_SIM_HOURS is, as items of user.  0 or as sl_sim_add. */
SL_API int sl_sim_add_usage(struct sl_sim *s, int user, struct sl_usage *u,
    unsigned kinds);

/*
 * The questions.  Each answers into an array owned by s and returns 0 or
 * a negative errno value (-ENOMEM, -EINVAL for an unknown user).  Pairs
 * are valid until the next sl_sim_pairs or sl_sim_similar, items until
 * the next sl_sim_shared (so each pair listed can be explained), both
 * until sl_sim_free.
 *
 * sl_sim_pairs: the max most alike pairs of the index, best first (score
 * descending, then the names of a and b).
 * sl_sim_similar: the max users most like user, best first (score
 * descending, then name); a is user in every pair.
 * sl_sim_shared: the counted items users a and b share, at most max, most
 * distinctive first (weight descending, then kind, then key bytes).
 */
SL_API int sl_sim_pairs(struct sl_sim *s, size_t max,
    const struct sl_sim_pair **pairs, size_t *n);
SL_API int sl_sim_similar(struct sl_sim *s, size_t user, size_t max,
    const struct sl_sim_pair **pairs, size_t *n);
SL_API int sl_sim_shared(struct sl_sim *s, size_t a, size_t b, size_t max,
    const struct sl_sim_item **items, size_t *n);
/* The max_df in use (the default worked out for the users added so far,
 * fixed once frozen). */
SL_API size_t sl_sim_max_df(const struct sl_sim *s);
SL_API void sl_sim_free(struct sl_sim *s);

/*
 * Event fields by name, for -o, -k and output: time user session action
 * outcome resource query count bytes purpose src trace kind key flags
 * profile origin line offset raw.
 */
enum sl_field {
	SL_FIELD_TIME = 0,
	SL_FIELD_USER,
	SL_FIELD_SESSION,
	SL_FIELD_ACTION,
	SL_FIELD_OUTCOME,
	SL_FIELD_RESOURCE,
	SL_FIELD_QUERY,
	SL_FIELD_COUNT,
	SL_FIELD_BYTES,
	SL_FIELD_PURPOSE,
	SL_FIELD_SRC,
	SL_FIELD_TRACE,
	SL_FIELD_KIND,
	SL_FIELD_KEY,
	SL_FIELD_FLAGS,
	SL_FIELD_PROFILE,
	SL_FIELD_ORIGIN,
	SL_FIELD_LINE,
	SL_FIELD_OFFSET,
	SL_FIELD_RAW,
	SL_FIELD__COUNT
};
/* The text fields a plain pattern looks at: query, resource, purpose, src. */
#define SL_FIELD_TEXT (-1)

/* Name of a field, NULL if out of range; parse a name (exact) into the
 * field or -EINVAL. */
SL_API const char *sl_field_name(int field);
SL_API int sl_field_parse(const char *s, size_t n);
/* The text of a field of ev: strings as they are, action and outcome by
 * name, time as sl_time_format, count and bytes in decimal (empty when
 * unknown), flags, line and offset in decimal.  Numbers and times are
 * formatted into buf (size bytes; SL_FIELD_LEN always suffice); the result
 * borrows from ev or buf, and has p NULL (n 0) when buf was too small. */
#define SL_FIELD_LEN 32
SL_API struct sl_str sl_event_field(const struct sl_event *ev, int field,
    char *buf, size_t size);

/*
 * Matching events with PCRE2 patterns (JIT-compiled when the platform has
 * it).  Patterns and subjects are UTF-8 with Unicode properties and case
 * folding; subjects that are not valid UTF-8 are matched safely: a
 * match never includes an invalid byte, the valid parts are searched.  ^ and $ also match at the '\n' between the values of a
 * multi-valued field.  Matching is bounded: a pattern that needs more than
 * a fixed budget of steps on one subject fails with -E2BIG instead of
 * running away.
 */
#define SL_MATCH_ICASE 0x1	/* -i: ignore case */
#define SL_MATCH_WORD  0x2	/* -w: only at word boundaries */
#define SL_MATCH_FIXED 0x4	/* -F: the pattern is a fixed string */
/* sl_prefilter_add: the literal is the field's whole value (a user's
 * name, a key), not a piece that a match must hold. */
#define SL_PREFILTER_WHOLE 0x100

struct sl_matcher;

SL_API struct sl_matcher *sl_matcher_new(void);
/* Add a pattern (n bytes; may hold NUL) on one field or on SL_FIELD_TEXT.
 * Returns its index (>= 0, in order of adding), or -EINVAL with PCRE2's
 * message and offset in err, or -ENOMEM. */
SL_API int sl_matcher_add(struct sl_matcher *m, int field, const char *pat,
    size_t n, unsigned flags, char *err, size_t errlen);
SL_API size_t sl_matcher_count(const struct sl_matcher *m);
/* Whether pattern i matches its field(s) of ev: 1, 0, or -E2BIG (the
 * matching budget ran out) or another negative errno value. */
SL_API int sl_matcher_test(struct sl_matcher *m, size_t i,
    const struct sl_event *ev);
/* The first match at or after byte from of any pattern that applies to
 * field (a pattern on that field, or a plain pattern when field is one of
 * the text fields) in p..n: 1 with [*start, *end), 0 if none, or a
 * negative errno value.  For highlighting; empty matches are skipped. */
SL_API int sl_matcher_find(struct sl_matcher *m, int field, const char *p,
    size_t n, size_t from, size_t *start, size_t *end);

/*
 * A prefilter on raw records (sl_reader_opts.prefilter): byte strings that
 * a record must hold, tested on its bytes before it is parsed, so that a
 * reader leaves out the records a search cannot select without the cost of
 * reading them.  It is a conjunction of groups, each a disjunction of
 * literals: a record passes when every group has a literal that may be in
 * one of its fields.  It is conservative: a record passes whenever the
 * literal could be hidden from a byte search (a backslash escape in the
 * record, a case folding beyond ASCII with SL_MATCH_ICASE), and a log
 * passes whole unless its format is JSON and its profile takes each field
 * of a literal verbatim from the record (no table, constant or length;
 * --map rules included).  Literals hold no control characters, double
 * quotes or backslashes, and no bytes above 0x7f with SL_MATCH_ICASE
 * (sl_prefilter_add refuses them: the caller then adds no group).
 */
struct sl_prefilter;

/* A prefilter of no groups (every record passes), or NULL without
 * memory. */
SL_API struct sl_prefilter *sl_prefilter_new(void);
/* Start a group; the literals added next belong to it.  0 or -ENOMEM. */
SL_API int sl_prefilter_group(struct sl_prefilter *pf);
/* A literal of the current group: n bytes that a match of the pattern on
 * field (SL_FIELD_TEXT for the text fields, SL_FIELD_RAW for the record,
 * or one of USER, QUERY, RESOURCE, PURPOSE, SRC, TRACE, KIND, KEY) must
 * hold; flags SL_MATCH_ICASE compares ASCII letters without case, and
 * SL_PREFILTER_WHOLE says the literal is the field's whole value (a group
 * of whole user names is then tested, where the profile allows, on the
 * values of the record's user members alone).  A group of many exact
 * literals of 4 bytes or more (user names, keys) is searched in one scan
 * of the record.  0, -EINVAL
 * for a literal or field the prefilter cannot test (no group yet, an
 * empty literal, a byte it refuses), -ENOMEM. */
SL_API int sl_prefilter_add(struct sl_prefilter *pf, int field,
    const char *lit, size_t n, unsigned flags);
/* Whether the literal that a pattern of sl_matcher_add (with flags) must
 * hold can be known from its text: the pattern with its escapes of
 * punctuation undone (\. is ".") when it has no other regular
 * expression syntax; with SL_MATCH_FIXED, the pattern itself.  Returns
 * the literal in *out (malloc'd, NUL-terminated, *outn bytes) and 1, 0
 * when there is none, -ENOMEM. */
SL_API int sl_prefilter_literal(const char *pat, size_t n, unsigned flags,
    char **out, size_t *outn);
SL_API void sl_prefilter_free(struct sl_prefilter *pf);

/*
 * A count of scoped keys (sl_reader_opts.keys), for a search that needs to
 * know whether an event's key has copies among the records it does not
 * parse: each event read with a key and a scope counts the hash of both
 * (sl_key_hash), and each record that a prefilter left out counts the
 * hashes of the values its bytes hold under the names its profile takes
 * the key from (a JSON string without escapes, at any depth, each value
 * once a record).  So a count may be more than the records with the key
 * (a nested member of the same name), never less, unless
 * sl_keycount_complete says so: when a log's records left out cannot
 * give their key by a byte search (a key from a table, a constant, a
 * length, a pattern or text after a separator, a key scope that depends
 * on the record's host), they are not counted and the count is
 * incomplete.  A record whose key member holds another JSON value is
 * parsed instead.  About 8 bytes a record, in memory up to 32 MiB of
 * them, beyond that in sorted runs in a file in TMPDIR (unlinked at
 * once), so that memory stays bounded; adding is thread-safe, reading
 * the counts is not (read them once the readers are done).  A count
 * that cannot be read back is UINT64_MAX (as if every key had copies).
 */
struct sl_keycount;

/* An empty count, or NULL without memory. */
SL_API struct sl_keycount *sl_keycount_new(void);
SL_API void sl_keycount_free(struct sl_keycount *kc);
/* The hash of a scoped key, as the case compares keys: the scope, then
 * the key. */
SL_API uint64_t sl_key_hash(const char *scope, size_t scopelen,
    const char *key, size_t keylen);
/* 1 when every record read was counted, 0 when some were not. */
SL_API int sl_keycount_complete(const struct sl_keycount *kc);
/* How many times hash h was counted (0: never).  The first call after
 * adding sorts the hashes in place. */
SL_API uint64_t sl_keycount_get(struct sl_keycount *kc, uint64_t h);
SL_API void sl_matcher_free(struct sl_matcher *m);

/*
 * Watchlists: names of protected persons and other terms, found in what
 * users searched for and looked at (sessionlog(5), WATCHLISTS).  A line is
 * a name or term; a line starting "re:" is a PCRE2 pattern (UTF-8, Unicode
 * properties, caseless); blank lines and lines starting '#' are skipped,
 * blanks around a line are not part of it.
 *
 * A name matches a subject when every one of its parts is a whole token of
 * the subject, in any order.  Tokens are the runs of letters and digits
 * after compatibility decomposition (NFKD), Unicode full case folding and
 * dropping combining marks and default-ignorable characters; the letters
 * ı ł đ ø ħ ŧ, which Unicode does not decompose, count as i l d o h t.  So
 * NFC and NFD forms match, "ß" matches "SS", "Łukasz Wróbel" matches
 * "WROBEL, lukasz", and "Ann" does not match "Annabel".  Spellings that
 * differ by more than marks ("Müller", "Mueller") are separate entries.
 * A pattern is matched against the subject in NFC (as it is when that is
 * not valid UTF-8).
 *
 * A name is compiled once into token ids in a hash table, and a subject is
 * tokenised once: testing costs grow with the subject, not with the number
 * of names.  Patterns are tried one after the other.
 */
struct sl_watch;

SL_API struct sl_watch *sl_watch_new(void);
/* Add the entries of a watchlist file / of text (n bytes; name is what
 * errors call it, NULL: "watchlist"): 0, or -EINVAL with "name:line: why"
 * in err (a bad pattern, a name without letters or digits, a line that is
 * not UTF-8), or another negative errno value (err: "path: why").  Entries
 * added before an error stay. */
SL_API int sl_watch_load(struct sl_watch *w, const char *path, char *err,
    size_t errlen);
SL_API int sl_watch_add(struct sl_watch *w, const char *text, size_t n,
    const char *name, char *err, size_t errlen);
/* The number of entries; entry i as written in its line (trimmed), NULL
 * when out of range. */
SL_API size_t sl_watch_count(const struct sl_watch *w);
SL_API const char *sl_watch_entry(const struct sl_watch *w, size_t i);
/* Which entries match any of the nsubj subjects (names within one
 * subject): their indexes, ascending, in out (at most max of them); returns
 * how many matched (which may be more than max), or -E2BIG (a pattern ran
 * out of its matching budget), -ENOMEM.  The watchlist is only read: one
 * watchlist may be tested from several threads at once. */
SL_API int sl_watch_test(const struct sl_watch *w, const struct sl_str *subj,
    size_t nsubj, size_t *out, size_t max);
/* The same on what an event searched for and looked at: its query and
 * each of its resources (not its purpose: a justification naming a person
 * is not a search for them). */
SL_API int sl_watch_test_event(const struct sl_watch *w,
    const struct sl_event *ev, size_t *out, size_t max);
SL_API void sl_watch_free(struct sl_watch *w);

/*
 * Detectors: alerts from the behaviour of users against their own past
 * and their group's (summarize --alerts; the rules and their settings are
 * described in sessionlog(7), the rules file in sessionlog(5)).
 *
 * A run: sl_detect_new with the options; groups, policy, rules file;
 * sl_detect_range tells which time the cursors must cover (the judged
 * period and its baseline); each user's steps go to a struct
 * sl_detect_user (sl_detect_user_add; one thread per user at a time,
 * several users at once), handed back with sl_detect_user_end (any
 * thread); then sl_detect_case with the case (log integrity), and
 * sl_detect_run, after which the alerts are ranked: level first, then how
 * far each exceeds its threshold, then time, rule, user, id.
 */
enum sl_level {
	SL_LEVEL_INFO = 0,
	SL_LEVEL_LOW,
	SL_LEVEL_MEDIUM,
	SL_LEVEL_HIGH,
	SL_LEVEL_CRITICAL,
	SL_LEVEL__COUNT
};

/* "info" .. "critical"; NULL for an out-of-range value. */
SL_API const char *sl_level_name(int level);
/* The level named s[0..n) (ASCII case ignored), or -1. */
SL_API int sl_level_parse(const char *s, size_t n);

struct sl_alert {
	char id[17];		/* 16 hex digits: a hash of rule, user and the
				 * first event that triggered it */
	const char *rule;
	int level;		/* enum sl_level */
	struct sl_str user;	/* empty for a case-wide alert */
	struct sl_str session;	/* of the first trigger event, or empty */
	int64_t start, end;	/* us: first and last event behind it */
	double value;		/* what was observed */
	double baseline;	/* what it was compared with */
	double threshold;	/* the threshold it crossed */
	double excess;		/* value / threshold (>= 1), for ranking */
	const char *explanation;	/* one line */
	const struct sl_str *evidence;	/* origins "path:line" */
	size_t nevidence;	/* the first of them, nevents in all */
	uint64_t nevents;
};

struct sl_detect_opts {
	size_t size;		/* sizeof(struct sl_detect_opts), by _init */
	const struct sl_tz *tz;	/* zone of days and hours; borrowed */
	/* The judged period [since, until); since INT64_MIN: every day of
	 * the case, each against all the others. */
	int64_t since, until;
	int64_t baseline;	/* before since; default 28 days */
	/* Working hours as a fixed policy (off-hours): minutes after local
	 * midnight [work_from, work_to), on the days of workdays (bit wday,
	 * 0 Sunday); work_from -1: learn each user's usual hours. */
	int work_from, work_to;
	unsigned workdays;
	const struct sl_watch *watch;	/* borrowed; NULL: no watchlist */
};

static inline void
sl_detect_opts_init(struct sl_detect_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = sizeof(*o);
	o->since = INT64_MIN;
	o->until = INT64_MAX;
	o->baseline = INT64_C(28) * 86400 * 1000000;
	o->work_from = -1;
	o->work_to = -1;
	o->workdays = 0x3e;	/* Monday to Friday */
}

struct sl_detect;
struct sl_detect_user;

/* A run with these options (copied; tz and watch borrowed).  NULL with
 * errno set: ENOMEM, EINVAL (since >= until, a negative baseline, hours
 * out of range). */
SL_API struct sl_detect *sl_detect_new(const struct sl_detect_opts *opts);
/* The message of the last failure of a call on d. */
SL_API const char *sl_detect_error(const struct sl_detect *d);
/* Read a groups file: TSV with a header naming the columns "user" and
 * column (NULL: "group"); a user without a row is in the group of users
 * without one.  0, or a negative errno value (message in
 * sl_detect_error). */
SL_API int sl_detect_load_groups(struct sl_detect *d, const char *path,
    const char *column);
/* The group of the user user[0..n) as the groups file gives it: borrowed
 * from d; empty for a user without a row, and for every user when no
 * groups file was read (diff-users --peers group). */
SL_API struct sl_str sl_detect_group(const struct sl_detect *d,
    const char *user, size_t n);
/* Read a purpose policy (sessionlog(5)): TSV with a header naming the
 * columns "dataset_pattern" and "purpose_pattern"; it replaces any
 * policy read before.  0, or a negative errno value (message, with the
 * file and line, in sl_detect_error). */
SL_API int sl_detect_load_policy(struct sl_detect *d, const char *path);
/* Read a rules file (sessionlog(5), RULES FILES): settings, base levels
 * and switches of the rules, and rules of its own, added after the
 * others; before the first user (sl_detect_user_new).  0, or a negative
 * errno value with "path:line: why" in sl_detect_error (-EINVAL: an
 * unknown rule, setting or directive, a bad value or pattern; -EBUSY:
 * users were made).  What the lines before an error changed stays. */
SL_API int sl_detect_load_rules(struct sl_detect *d, const char *path);
/* The rules: how many, and the name of each (NULL out of range). */
SL_API size_t sl_detect_rule_count(const struct sl_detect *d);
SL_API const char *sl_detect_rule_name(const struct sl_detect *d, size_t i);
/* Rule i's base level (-1 out of range), and in *disabled (may be NULL)
 * whether it is switched off. */
SL_API int sl_detect_rule_level(const struct sl_detect *d, size_t i,
    int *disabled);
/* Setting k of rule i: its name (NULL past the last), and its value as a
 * rules file writes it ("300s", "1000000000B", "0.25") in value (size
 * bytes). */
SL_API const char *sl_detect_rule_setting(const struct sl_detect *d,
    size_t i, size_t k, char *value, size_t size);
/* Whether rule i judges each user by their own events alone: no
 * baseline of other users or groups, nothing case-wide, so that the
 * alerts of a shard of the users are those the whole case gives them
 * (summarize --partial).  1, 0, or -1 out of range. */
SL_API int sl_detect_rule_alone(const struct sl_detect *d, size_t i);
/*
 * Peers: the alerts of a shard of the users (summarize --partial) against
 * what the other shards' users contribute to the baselines that span
 * users.  sl_detect_rule_peers: whether rule i judges a shard's users
 * exactly once every other user is added as a peer (1, 0, -1 out of
 * range).  After sl_detect_user_end, sl_detect_user_baseline gives user i
 * (0 .. sl_detect_user_count) of d: its name, borrowed, and in *line
 * (malloc'd, *len bytes, one line of text without tab or newline) what
 * the peer rules need of it; 0 or -ENOMEM.  sl_detect_add_peer adds such
 * a user, as a run with the same options gave it, before sl_detect_run:
 * it counts in every baseline and is never judged.  0, -ENOMEM, or
 * -EINVAL with the reason in sl_detect_error.
 */
SL_API int sl_detect_rule_peers(const struct sl_detect *d, size_t i);
SL_API size_t sl_detect_user_count(const struct sl_detect *d);
SL_API int sl_detect_user_baseline(const struct sl_detect *d, size_t i,
    struct sl_str *name, char **line, size_t *len);
SL_API int sl_detect_add_peer(struct sl_detect *d, const char *user,
    size_t n, const char *line, size_t len);
/*
 * Peers of the rules about the whole case (log-integrity): what a shard's
 * case adds to them (its logs' manifest rows, first rejects and
 * conflicts).  sl_detect_case_baseline: after sl_detect_run on case c,
 * lines of text (malloc'd in *text, *len bytes; each without tab, ending
 * in a newline; none when no such rule is on); 0, -ENOMEM, or another
 * negative errno value with the reason in sl_detect_error.
 * sl_detect_add_case_peer: one such line of any shard, this one's too
 * (without its newline), before sl_detect_run; once called (line NULL:
 * no line, only that), sl_detect_run judges the logs of the case by the
 * lines added, summed as ingest --merge sums a log's rows, not by the
 * case given it.  0, -ENOMEM, or -EINVAL with the reason in
 * sl_detect_error.
 */
SL_API int sl_detect_case_baseline(struct sl_detect *d, struct sl_case *c,
    char **text, size_t *len);
SL_API int sl_detect_add_case_peer(struct sl_detect *d, const char *line,
    size_t len);
/* The order of the ranking: level first, then excess, start, rule, user
 * and id; < 0, 0 or > 0 as for qsort(3). */
SL_API int sl_alert_cmp(const struct sl_alert *a, const struct sl_alert *b);
/* The time cursors must cover: [*from, *to). */
SL_API void sl_detect_range(const struct sl_detect *d, int64_t *from,
    int64_t *to);
/* A user's detector state (name: n bytes), NULL when out of memory. */
SL_API struct sl_detect_user *sl_detect_user_new(struct sl_detect *d,
    const char *user, size_t n);
/* One step of the user's cursor, in order: 0 or a negative errno value
 * (the user is then only fit to be ended or freed). */
SL_API int sl_detect_user_add(struct sl_detect_user *u,
    const struct sl_step *st);
/* Hand the user over to d (any thread; u is then d's): 0 or -ENOMEM. */
SL_API int sl_detect_user_end(struct sl_detect *d, struct sl_detect_user *u);
/* Free a user not handed over. */
SL_API void sl_detect_user_free(struct sl_detect *d,
    struct sl_detect_user *u);
/* Judge: every user's rules, then the case's manifest (c may be NULL:
 * raw sources have none of their own).  0 or a negative errno value. */
SL_API int sl_detect_run(struct sl_detect *d, struct sl_case *c);
/* The alerts, ranked; borrowed from d. */
SL_API size_t sl_detect_count(const struct sl_detect *d);
SL_API const struct sl_alert *sl_detect_alert(const struct sl_detect *d,
    size_t i);
SL_API void sl_detect_free(struct sl_detect *d);

#ifdef __cplusplus
}
#endif
#endif
