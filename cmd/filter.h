/* filter.h: the time filters every reading tool shares: --since, --until,
 * --tz, --hours and --weekdays, and the run's zone. */
#ifndef SL_FILTER_H
#define SL_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "sessionlog.h"

#define CLI_FILTER_MAX_HOURS 16

/*
 * One zone per run: --tz governs every time of the run without a zone
 * (the evidence's, --since/--until, --hours, --weekdays) and the times
 * printed; without it, the zone the case's sources were read in when
 * they share one, else UTC, and times are printed in UTC.
 */
struct cli_filter {
	const char *since_arg, *until_arg;	/* as given, or NULL */
	const char *tz_arg;			/* --tz as given, or NULL */
	struct sl_tz *tz;			/* the run's zone; NULL: UTC */
	int64_t since, until;		/* after cli_filter_resolve; open
					 * ends INT64_MIN and INT64_MAX */
	struct {
		int lo, hi;		/* minutes of the day, [lo, hi), and
					 * across midnight when hi <= lo */
	} hours[CLI_FILTER_MAX_HOURS];
	size_t nhours;			/* 0: any time of day */
	unsigned weekdays;		/* bit 0 Sunday .. 6 Saturday; 0: any */
};

void cli_filter_init(struct cli_filter *f);
/* --tz: load the zone now, so that a bad one is an error whatever else the
 * run does.  Dies (exit 2) naming the option. */
void cli_filter_tz(struct cli_filter *f, const char *arg);
/* --hours "22:00-06:00[,HH:MM-HH:MM...]" and --weekdays "Sat,Sun",
 * "mon-fri", "Monday"; repeatable (they add up).  Die on a bad value. */
void cli_filter_hours(struct cli_filter *f, const char *arg);
void cli_filter_weekdays(struct cli_filter *f, const char *arg);
/* The same parsers for other options (opt names them in messages): one
 * range of minutes of the day [*lo, *hi), a set of days (bit 0 Sunday). */
void cli_parse_hours(const char *opt, const char *arg, int *lo, int *hi);
unsigned cli_parse_weekdays(const char *opt, const char *arg);
/* Check --since and --until (and SESSIONLOG_NOW) before the sources or the
 * case are opened, so that a typo is an error whatever else is wrong.
 * Dies on a bad time. */
void cli_filter_check(struct cli_filter *f);
/*
 * Settle the run's zone and read --since and --until in it: --tz, else
 * the zone the sources of case c (NULL for raw sources) were read in when
 * they share one, else UTC.  When the zone comes from the case, is not UTC
 * and a filter depends on it, say so on stderr.  Dies on a bad time.
 */
void cli_filter_resolve(struct cli_filter *f, struct sl_case *c);
/* Whether the instant t (us) passes --hours and --weekdays in the run's
 * zone. */
int cli_filter_clock(const struct cli_filter *f, int64_t t);
/* Whether the event e passes --action and --outcome (bit sets of
 * cli_parse_set; 0: any) and --hours and --weekdays. */
int cli_filter_event(const struct cli_filter *f, unsigned actions,
    unsigned outcomes, const struct sl_event *e);
/* The zone times are printed in: --tz's, else NULL (UTC). */
const struct sl_tz *cli_filter_print_tz(const struct cli_filter *f);
void cli_filter_release(struct cli_filter *f);

/*
 * The other selection options the reading tools share.
 */

/* Lines of the file path ("-": standard input), without their line ends;
 * with comments set, lines whose first non-blank is '#' and blank lines are
 * left out.  Each line is NUL-terminated; lens, when not NULL, gets an
 * array of their lengths, for lines that hold a NUL byte.  Dies when the
 * file cannot be read.  The lines and the arrays are the caller's to
 * free. */
char **cli_read_lines(const char *path, int comments, size_t *n,
    size_t **lens);

/* Comma-separated names ("login,export") into a bit set of the values
 * parse() gives them; dies naming the option on an unknown one. */
unsigned cli_parse_set(const char *opt, const char *arg,
    int (*parse)(const char *, size_t));

/* A user name: n bytes, any byte (NUL included); p[n] is a NUL too. */
struct cli_name {
	char *p;
	size_t n;
};

/* -u/--user: names, sorted in byte order once all are added. */
struct cli_users {
	struct cli_name *v;
	size_t n;
};

/*
 * -u NAME, or -u @FILE (one name a line, '#' comments; @- is stdin), or
 * -u =NAME: NAME exactly, so that "=@team" names the user "@team".  A
 * NAME (on the command line or a line of FILE) written between double
 * quotes is in the escaped form the tools print (cli_name_parse), so that
 * "alice\x00evil" names a user with a NUL byte.  Dies on a bad escape,
 * and on a FILE without names.
 */
void cli_users_add(struct cli_users *u, const char *arg);
/* A user named on the command line (opt names the option in messages):
 * =NAME is NAME as it is, "NAME" is escaped (cli_name_unquote), anything
 * else is the name as it is.  Dies on a bad escape; out->p is the
 * caller's to free. */
void cli_name_arg(const char *opt, const char *arg, struct cli_name *out);
/* One name as it is (n bytes), never a file nor an escape. */
void cli_users_add_name(struct cli_users *u, const char *name, size_t n);
void cli_users_sort(struct cli_users *u);
/* Whether the user p[0..n) was asked for; every user when none was. */
int cli_users_want(const struct cli_users *u, const char *p, size_t n);
/* Warn about the users asked for that case c does not hold (a typo,
 * perhaps: not an error). */
void cli_users_missing(const struct cli_users *u, struct sl_case *c);
void cli_users_release(struct cli_users *u);

/* Raw sources: which events the scratch case needs (a keep callback of
 * cli_scratch_open, arg a struct cli_keep): those of the users asked for,
 * before until; the earlier ones too, to find where sessions start. */
struct cli_keep {
	const struct cli_users *users;
	int64_t until;
};
int cli_keep_event(void *arg, const struct sl_event *ev);

/*
 * Patterns (grep-sessions(1)): -e PATTERN and -f FILE, of which an event
 * must match one (when there are any), and -k FIELD=PATTERN, all of which
 * it must match; -i, -w and -F apply to all of them, wherever they stand
 * on the command line: the options are gathered first, then compiled.
 * grep-sessions adds its watchlist entries as conditions of their own.
 */
enum cli_cond_kind { CLI_COND_PAT, CLI_COND_FIELD, CLI_COND_WATCH };

struct cli_cond {
	int kind;		/* enum cli_cond_kind */
	int field;		/* SL_FIELD_TEXT for -e and -f */
	size_t idx;		/* in the matcher, or in the watchlist */
	char *pat;		/* the pattern, or the watchlist entry */
	char *label;		/* the watchlist entry, or NULL */
};

struct cli_patterns {
	char **args;		/* -e, -f and -k as given */
	int *opts;		/* 'e', 'f' or 'k' of each */
	size_t nargs;
	unsigned flags;		/* SL_MATCH_* of -i, -w, -F */
	struct cli_cond *conds;
	size_t nconds, npat, nfield;
	int need_raw;		/* a -k raw= pattern: records must be kept */
	struct sl_matcher *m;	/* after cli_patterns_compile */
};

/* -e, -f or -k (opt) with its argument (borrowed until compiled). */
void cli_patterns_arg(struct cli_patterns *p, int opt, const char *arg);
/* Compile what was gathered into p->m; dies on a bad pattern, an unknown
 * field or an unreadable file. */
void cli_patterns_compile(struct cli_patterns *p);
/* A condition of p's: a watchlist entry (kind CLI_COND_WATCH, idx its
 * index in the watchlist), counted with -e's. */
void cli_patterns_watch(struct cli_patterns *p, size_t idx,
    const char *entry);
/* A matcher of p's patterns for another thread (a matcher is used by one
 * thread at a time), with the same indexes.  Dies when out of memory. */
struct sl_matcher *cli_patterns_matcher(const struct cli_patterns *p);
/* Whether condition c holds for ev, on matcher m (p->m or a copy): 1 or 0;
 * a match that fails (too complex) counts as none and its error goes to
 * *err when that is still 0. */
int cli_patterns_hit(const struct cli_patterns *p, struct sl_matcher *m,
    size_t c, const struct sl_event *ev, int *err);
/* Whether ev passes the patterns: one -e/-f pattern (or none given, or
 * anyp: one found by the caller, as a watchlist entry), and every -k. */
int cli_patterns_test(const struct cli_patterns *p, struct sl_matcher *m,
    const struct sl_event *ev, int anyp, int *err);
void cli_patterns_release(struct cli_patterns *p);
/* --watchlist FILE, repeatable (grep-sessions, summarize): the entries of
 * every file in one watchlist, in the format and with the matching of
 * sessionlog(5), WATCHLISTS.  Dies naming the file and line of an entry
 * that cannot be used; warns about a file without entries.  NULL when n
 * is 0; the caller frees it with sl_watch_free. */
struct sl_watch *cli_watch_load(char *const *paths, size_t n);

/* The current time (us): $SESSIONLOG_NOW when set (an ISO time, UTC when
 * it has no zone), else the clock.  Dies on a bad value. */
int64_t cli_now(void);

#endif
