/* sessionlog.h: the public interface of libsessionlog. */
#ifndef SESSIONLOG_H
#define SESSIONLOG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_VERSION "0.1.0"

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
const char *sl_action_name(int action);
const char *sl_outcome_name(int outcome);
/* Parse a name (exact, lower case); returns the enum value or -EINVAL. */
int sl_action_parse(const char *s, size_t n);
int sl_outcome_parse(const char *s, size_t n);

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

/* Times.  Formats "2024-03-01T07:17:12.123456Z" into out (at least 32 bytes);
 * returns the length. */
int sl_time_format(int64_t us, char *out);

/*
 * Time zones of the system's database (TZif files under $TZDIR, else
 * /usr/share/zoneinfo), daylight saving time included.
 */
struct sl_tz;

/* Load a zone by name: "UTC", "Europe/Berlin", "America/New_York"; NULL
 * is UTC.  Returns NULL for an unknown or invalid zone, with a message in
 * err (errlen bytes) such as "unknown time zone \"Mars/Base\": No such
 * file or directory". */
struct sl_tz *sl_tz_load(const char *name, char *err, size_t errlen);
void sl_tz_free(struct sl_tz *tz);
/* The name the zone was loaded by; "UTC" for NULL.  Borrowed from tz. */
const char *sl_tz_name(const struct sl_tz *tz);
/* Nonzero when tz is NULL or UTC by one of its names (UTC, Etc/UTC, GMT,
 * Z, Zulu, ...). */
int sl_tz_is_utc(const struct sl_tz *tz);

/* A moment as a clock in a zone shows it. */
struct sl_civil {
	int64_t year;
	int month, day;		/* 1-12, 1-31 */
	int hour, min, sec;	/* 0-23, 0-59, 0-59 */
	int usec;		/* 0-999999 */
	int wday;		/* day of the week, 0 Sunday .. 6 Saturday */
	int32_t offset;		/* seconds east of UTC in force then */
};

/* The local date and time of the instant us (microseconds since the
 * epoch) in tz (NULL: UTC). */
void sl_time_civil(int64_t us, const struct sl_tz *tz, struct sl_civil *c);
/* Format us as tz shows it, with the offset in force, at the precision
 * of sl_time_format: "2006-03-01T09:18:56.000000-05:00".  An offset with
 * seconds (local mean time before 1900) is written "+HH:MM:SS".  A UTC
 * zone (or NULL) gives exactly sl_time_format's "...Z".  out holds at
 * least SL_TIME_TZ_LEN bytes; returns the length. */
#define SL_TIME_TZ_LEN 48
int sl_time_format_tz(int64_t us, const struct sl_tz *tz, char *out);

/*
 * Profiles: format descriptions loaded from a directory of *.profile files
 * (see sessionlog(5)).
 */
struct sl_profileset;

/* Load every *.profile file in dir.  Returns NULL on failure, with a message
 * in err (errlen bytes, NUL-terminated) naming the file and line. */
struct sl_profileset *sl_profileset_load(const char *dir, char *err,
    size_t errlen);
void sl_profileset_free(struct sl_profileset *ps);
/* Number of profiles and the name and one-line description of the i-th, in
 * name order. */
size_t sl_profileset_count(const struct sl_profileset *ps);
const char *sl_profileset_name(const struct sl_profileset *ps, size_t i);
const char *sl_profileset_description(const struct sl_profileset *ps,
    size_t i);

/*
 * Reading evidence.  A reader walks sources (files, directories, archives,
 * "-" for stdin), detects compression, archives and formats from content,
 * and hands out items in a stable order.
 */
struct sl_reader_opts {
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
	size_t max_record;	/* 0: 16 MiB */
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
};

enum sl_item_type {
	SL_ITEM_EVENT = 1,	/* ev */
	SL_ITEM_REJECT,		/* a record that could not be normalised */
	SL_ITEM_LOG_BEGIN,	/* a logical log starts: name, profile */
	SL_ITEM_LOG_END,	/* it ended: name, stats */
	SL_ITEM_SKIPPED,	/* a source or member skipped by opts.skip */
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
const char *sl_reject_code_name(int code);

struct sl_item {
	int type;			/* enum sl_item_type */
	const struct sl_event *ev;	/* EVENT */
	/* REJECT: reason, origin, line, offset, raw; LOG_*: name;
	 * SKIPPED: name, stats.sha256; ERROR: name (may be empty), reason;
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
struct sl_reader *sl_reader_new(const char *const *sources, size_t n,
    const struct sl_profileset *ps, const struct sl_reader_opts *opts,
    char *err, size_t errlen);
/* Next item into *it (borrowed until the next call).  Returns 1 for an item,
 * 0 at the end, a negative errno value for a failure that ends reading
 * (out of memory); bad input never ends reading, it gives ERROR items. */
int sl_reader_next(struct sl_reader *r, struct sl_item *it);
/* Number of ERROR items handed out so far. */
uint64_t sl_reader_errors(const struct sl_reader *r);
void sl_reader_free(struct sl_reader *r);

/*
 * The case store (DESIGN.md, sessionlog(5)).
 */
struct sl_case;

#define SL_CASE_CREATE 0x1	/* create the case if it does not exist */
#define SL_CASE_WRITE  0x2	/* take the writer's lock */
#define SL_CASE_SCRATCH 0x4	/* a tool's private working case that need
				 * not survive a crash: nothing is synced to
				 * disk (updates stay atomic for readers) */

/* Open the case at dir.  Returns NULL on failure with a message in err. */
struct sl_case *sl_case_open(const char *dir, int flags, char *err,
    size_t errlen);
const char *sl_case_error(const struct sl_case *c);
void sl_case_free(struct sl_case *c);

/* Append one line to the case's audit.log: time, user, tool, arguments. */
int sl_case_audit(struct sl_case *c, const char *tool, int argc,
    char *const *argv);

/* The case's format version: 2 is this version's; 1 is read but must be
 * upgraded before it is written to. */
int sl_case_version(const struct sl_case *c);
/* Upgrade a case of an earlier format to this one, atomically (needs
 * SL_CASE_WRITE).  Returns 1 when it was upgraded, 0 when it already was
 * current, or a negative errno value (detail in sl_case_error). */
int sl_case_upgrade(struct sl_case *c);

/* Nonzero if a source or member with this SHA-256 is in the manifest. */
int sl_case_has_sha256(const struct sl_case *c, const char *sha256);

/*
 * The zone the case's sources were read in.  The manifest records, for each
 * log that had times without a zone, the zone they were read in, and
 * nothing for the others.  Returns the number of distinct zones recorded:
 * 0 (none), 1 with its name in tz (tzlen bytes, NUL-terminated), or 2 for
 * two or more (tz holds one of them); or a negative errno value (detail in
 * sl_case_error), -E2BIG when the name does not fit.
 */
int sl_case_tz(struct sl_case *c, char *tz, size_t tzlen);

/* The latest time of the logs in the case whose times all carried their
 * year (no year= in their manifest notes), as opened; 0 if none.  It dates
 * logs whose times have no year (sl_reader_opts.evidence_time). */
int64_t sl_case_dated_last(const struct sl_case *c);

/* User names in the case, in byte order.  Valid until sl_case_free. */
size_t sl_case_user_count(const struct sl_case *c);
const char *sl_case_user(const struct sl_case *c, size_t i);

/*
 * Ingesting into a case (needs SL_CASE_WRITE).  Events and rejects are
 * staged, sorted on disk in bounded memory, merged into the timelines and
 * made visible all at once by sl_ingest_commit.
 */
struct sl_ingest;

struct sl_ingest_opts {
	size_t mem_limit;	/* bytes for in-memory sorting; 0: 256 MiB */
	const char *tz;		/* recorded in the manifest; NULL is UTC */
};

struct sl_ingest *sl_ingest_new(struct sl_case *c,
    const struct sl_ingest_opts *opts);
/* Register a logical log (LOG_BEGIN); returns its id (>= 0) for the events
 * and rejects of that log. */
int sl_ingest_log(struct sl_ingest *in, const char *name, const char *profile);
/* Events and rejects are copied. */
int sl_ingest_event(struct sl_ingest *in, int log, const struct sl_event *ev);
int sl_ingest_reject(struct sl_ingest *in, int log, const struct sl_item *it);
/* The log ended with these stats (LOG_END). */
int sl_ingest_log_end(struct sl_ingest *in, int log,
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
 * out.  LOG_BEGIN and LOG_END (an archive's too) come after the log is
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
int sl_ingest_read(struct sl_ingest *in, const char *const *sources,
    size_t n, const struct sl_profileset *ps,
    const struct sl_reader_opts *opts, int jobs,
    sl_ingest_report_fn *report, void *arg);

/* Merge everything staged into the case atomically.  On failure the case is
 * left as it was. */
int sl_ingest_commit(struct sl_ingest *in, struct sl_ingest_result *res);
const char *sl_ingest_error(const struct sl_ingest *in);
/* Free; an uncommitted ingest is discarded. */
void sl_ingest_free(struct sl_ingest *in);

/*
 * Reading one user's timeline from a case, in time order; with a time range
 * (since inclusive, until exclusive; INT64_MIN/INT64_MAX for open ends) only
 * the blocks that overlap it are read.
 */
struct sl_timeline;

struct sl_timeline *sl_timeline_open(struct sl_case *c, const char *user,
    int64_t since, int64_t until);
/* Returns 1 with *ev set (borrowed until the next call), 0 at the end, or a
 * negative errno value (detail in sl_case_error). */
int sl_timeline_next(struct sl_timeline *t, const struct sl_event **ev);
void sl_timeline_free(struct sl_timeline *t);

/* Check every file of the case against its recorded digests and structure.
 * Calls report(arg, file, problem) for each problem found; returns the
 * number of problems (>= 0) or a negative errno value. */
int sl_case_verify(struct sl_case *c,
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
int sl_when_parse(const char *s, const char *tz, int64_t now, int64_t *us,
    char *err, size_t errlen);

/* Parse a duration: "30m", "90s", "1h30m", "2d", "1w", "500ms", or a bare
 * number of seconds.  Returns 0 with *us (>= 0), or -EINVAL. */
int sl_duration_parse(const char *s, int64_t *us);
/* Format a duration (>= 0) as "45s", "23m12s", "2h05m00s" or "3d04h05m" into
 * out (at least 32 bytes); returns the length. */
int sl_duration_format(int64_t us, char *out);

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
struct sl_sessions *sl_sessions_new(int64_t gap);
/* Forget everything: the next event starts a new user's timeline. */
void sl_sessions_reset(struct sl_sessions *s);
/*
 * Assign the next event of the user's timeline (time order; events of one
 * user between resets) to its session.  Sets *name to the session's name
 * (ev->session itself, or the derived name owned by s, valid until the
 * next call) and *start to the time of the session's first event seen since
 * the reset.  Returns 1 when the event starts a session (a new derived
 * session, or a source session id not seen since the reset), 0 when it
 * continues one, -ENOMEM.
 */
int sl_sessions_assign(struct sl_sessions *s, const struct sl_event *ev,
    struct sl_str *name, int64_t *start);
void sl_sessions_free(struct sl_sessions *s);

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
const char *sl_field_name(int field);
int sl_field_parse(const char *s, size_t n);
/* The text of a field of ev: strings as they are, action and outcome by
 * name, time as sl_time_format, count and bytes in decimal (empty when
 * unknown), flags, line and offset in decimal.  Numbers and times are
 * formatted into buf (at least 32 bytes); the result borrows from ev or
 * buf. */
struct sl_str sl_event_field(const struct sl_event *ev, int field,
    char *buf);

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

struct sl_matcher;

struct sl_matcher *sl_matcher_new(void);
/* Add a pattern (n bytes; may hold NUL) on one field or on SL_FIELD_TEXT.
 * Returns its index (>= 0, in order of adding), or -EINVAL with PCRE2's
 * message and offset in err, or -ENOMEM. */
int sl_matcher_add(struct sl_matcher *m, int field, const char *pat,
    size_t n, unsigned flags, char *err, size_t errlen);
size_t sl_matcher_count(const struct sl_matcher *m);
/* Whether pattern i matches its field(s) of ev: 1, 0, or -E2BIG (the
 * matching budget ran out) or another negative errno value. */
int sl_matcher_test(struct sl_matcher *m, size_t i,
    const struct sl_event *ev);
/* The first match at or after byte from of any pattern that applies to
 * field (a pattern on that field, or a plain pattern when field is one of
 * the text fields) in p..n: 1 with [*start, *end), 0 if none, or a
 * negative errno value.  For highlighting; empty matches are skipped. */
int sl_matcher_find(struct sl_matcher *m, int field, const char *p,
    size_t n, size_t from, size_t *start, size_t *end);
void sl_matcher_free(struct sl_matcher *m);

#ifdef __cplusplus
}
#endif
#endif
