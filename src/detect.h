/*
 * detect.h: what the detectors (detect-*.c) share with the framework
 * (detect.c).  Not installed.
 *
 * A run: the tool feeds each user's cursor steps to a struct det_user
 * (one thread per user at a time, the struct sl_detect only read); every
 * rule's add() sees every step and keeps what it needs in its own
 * per-user state.  When every user is in, sl_detect_run calls each
 * rule's run(), which looks at all users at once (their groups, their
 * baselines) and emits alerts with det_emit().  Case-wide rules (log
 * integrity) also get case() with the case's manifest.
 *
 * Judged and baseline time: with a judged period (opts since set), events
 * in [since, until) are judged and the days in [since - baseline, since)
 * are the baseline.  Without one, every day is judged against every other
 * day of the case ("leave one day out").  det_judged() and
 * det_is_baseline() say which; rules keep per-day figures (struct
 * det_day) so that both ways cost the same.
 */
#ifndef SL_DETECT_H
#define SL_DETECT_H

#include <pthread.h>

#include "internal.h"

#define DET_US_PER_DAY INT64_C(86400000000)
#define DET_US_PER_MIN INT64_C(60000000)

/*
 * Distinct byte-string keys, each with an index (its order of insertion)
 * into the caller's own arrays.
 */
struct det_map {
	char **key;
	size_t *keylen;
	uint64_t *hash;
	size_t n, cap;
	size_t *tab;		/* index + 1, 0 empty; size a power of 2 */
	size_t size;
};

/* The index of key[0..n), adding it when new (*added 1; added may be
 * NULL): >= 0, or -ENOMEM. */
ssize_t det_map_put(struct det_map *m, const char *k, size_t n, int *added);
/* The index of key, or -1. */
ssize_t det_map_find(const struct det_map *m, const char *k, size_t n);
void det_map_release(struct det_map *m);

/* One local day of a user's own (not backend) events. */
struct det_day {
	int64_t day;		/* days since 1970-01-01, local date */
	uint64_t events;
	uint32_t hours[24];	/* own events by local hour */
	int64_t first, last;	/* us */
};

/*
 * Evidence: the origins of the events behind an alert, "origin:line",
 * the first DET_EVID_MAX of them kept, all counted; and the event that
 * triggered it first, which the alert's id is made of.
 */
#define DET_EVID_MAX 8
struct det_evid {
	char *v[DET_EVID_MAX];
	size_t n;
	uint64_t events;	/* all events behind the alert */
	int64_t first_time;	/* the first trigger event */
	char *first_key;	/* what it is (time, key or bytes), for the
				 * id */
	char *session;		/* its session */
};

/* Add an event (its session: the cursor's session name).  0 or -ENOMEM. */
int det_evid_add(struct det_evid *e, const struct sl_event *ev,
    struct sl_str session);
/* Copy: 0 or -ENOMEM. */
int det_evid_copy(struct det_evid *dst, const struct det_evid *src);
/* Merge src's evidence into dst (dst keeps its first trigger unless
 * src's is earlier). */
int det_evid_merge(struct det_evid *dst, const struct det_evid *src);
void det_evid_release(struct det_evid *e);

/* What a setting's value is, so that a rules file can read and check it
 * (sessionlog(5), RULES FILES). */
enum det_unit {
	DET_NUMBER = 0,		/* any number */
	DET_COUNT,		/* a whole number, >= 0 */
	DET_SECONDS,		/* a duration ("90s", "5m"), kept in seconds */
	DET_BYTES,		/* a size ("500MB", "2GiB"), kept in bytes */
	DET_SHARE,		/* 0 to 1, or a percentage ("20%") */
};

/* A setting of a rule: its name, default value and what it means (the
 * text sessionlog(7) gives), and what kind of value it takes. */
struct det_param {
	const char *name;
	double value;
	int unit;		/* enum det_unit; 0: a number */
};

struct sl_detect;
struct det_user;

/* Reading a peer's line (sl_detect_add_peer): space-separated tokens;
 * a token that is missing or not a number sets bad and reads as 0. */
struct det_rd {
	const char *p, *end;
	int bad;
};
/* The next word (n bytes, 0 at the end of the line). */
const char *det_rd_word(struct det_rd *r, size_t *n);
int64_t det_rd_int(struct det_rd *r);
uint64_t det_rd_u64(struct det_rd *r);
double det_rd_num(struct det_rd *r);
/* A count of items that follow, each of at least min tokens: bad when
 * the line cannot hold them. */
size_t det_rd_count(struct det_rd *r, size_t min);
/* A byte string as one word, " " and pairs of lower-case hex digits (any
 * byte may be in a name); read back into *out (malloc'd, *n bytes, NULL
 * when bad).  0 or -ENOMEM. */
int det_buf_hex(struct sl_buf *b, const char *p, size_t n);
int det_rd_hex(struct det_rd *r, char **out, size_t *n);

struct det_rule {
	const char *name;
	int level;			/* default base level (enum sl_level) */
	const struct det_param *params;	/* ends with a NULL name */
	size_t size;			/* per-user state, zeroed at start */
	/* Every step of the user (in range or context); 0 or -errno. */
	int (*add)(const struct sl_detect *d, struct det_user *u, void *st,
	    const struct sl_step *s);
	/* After the user's last step, in the same thread. */
	int (*end)(const struct sl_detect *d, struct det_user *u, void *st);
	/* After every user: judge them. */
	int (*run)(struct sl_detect *d, int rule);
	/* Case-wide: the manifest (after run). */
	int (*run_case)(struct sl_detect *d, int rule, struct sl_case *c);
	void (*release)(void *st);
	/* Optional: when a user's (zeroed) state is made, before any add;
	 * 0 or -errno.  For a rule that must know which it is (a rules
	 * file's own rules share their code). */
	int (*init)(const struct sl_detect *d, int rule, void *st);
	/* A rule added at run time (det_add_rule): its own data, and how
	 * d frees the rule at the end; NULL for the built-in ones. */
	void *arg;
	void (*destroy)(struct det_rule *r);
	/* 1: each user judged by their own events alone
	 * (sl_detect_rule_alone). */
	int alone;
	/* A rule whose baselines span users: what another shard's user
	 * adds to them, as text (save appends to b), and that text read
	 * back into a peer's zeroed state (load); 0 or -errno (-EINVAL:
	 * malformed).  Both or neither (sl_detect_rule_peers). */
	int (*save)(const struct sl_detect *d, int rule,
	    const struct det_user *u, const void *st, struct sl_buf *b);
	int (*load)(const struct sl_detect *d, int rule, struct det_user *u,
	    void *st, struct det_rd *r);
	/* A case-wide rule (run_case) whose shards add up: what the
	 * shard's case adds, as lines that start with the rule's name,
	 * each ending in a newline, appended to b; 0 or -errno.  With
	 * other shards' lines (d->case_peers), run_case reads them from
	 * d->case_lines, not from its case. */
	int (*save_case)(struct sl_detect *d, int rule, struct sl_case *c,
	    struct sl_buf *b);
	/* Whether one such line (r after the rule's name) reads back: 0,
	 * -EINVAL or -ENOMEM; tried as each is added, so that a malformed
	 * one is named with its file.  NULL: read only by run_case. */
	int (*check_case)(struct det_rd *r);
};

struct det_user {
	char *name;
	size_t namelen;
	size_t group;			/* index into d->groups; 0: none */
	struct det_day *days;		/* by day ascending */
	size_t ndays, capdays;
	void **state;			/* per rule */
	int64_t first, last;		/* own events, INT64_MIN if none */
	int peer;			/* another shard's: never judged */
};


struct sl_detect {
	struct sl_detect_opts opts;
	int loo;			/* leave-one-day-out: no since */
	int64_t since_day, until_day;	/* judged local days [since, until) */
	/* Rules: built in, then custom; settings and levels per rule. */
	const struct det_rule **rules;
	size_t nrules;
	double **param;			/* [rule][param] */
	int *level;			/* base level per rule */
	int *disabled;
	int started;			/* a user was made: rules are fixed */
	/* Groups: names, and each user's. */
	struct det_map groups;		/* group names */
	struct det_map group_of;	/* user -> index in group_user */
	size_t *group_user;		/* group of each user of group_of */
	size_t ngroup_user;
	int grouped;			/* a groups file was given */
	/* Users in. */
	struct det_user **users;
	size_t nusers, capusers;
	pthread_mutex_t lock;
	struct det_policy *policy;	/* --policy; NULL: none */
	/* Every shard's lines of the case-wide rules
	 * (sl_detect_add_case_peer); case_peers: judge by them. */
	char **case_lines;
	size_t *case_len;
	size_t ncase_lines;
	int case_peers;
	/* Alerts out. */
	struct sl_alert *alerts;
	struct det_evid *evid;		/* of each alert */
	size_t nalerts, capalerts;
	char err[512];
};

/* Add a rule at run time, after those there are (a rules file's own):
 * before the first user only.  d takes r and frees it with r->destroy
 * at the end, or now when this fails.  The rule's index, or -ENOMEM,
 * -EBUSY (users were made). */
int det_add_rule(struct sl_detect *d, struct det_rule *r);
/* The index of the rule named name, or -1. */
int det_rule_find(const struct sl_detect *d, const char *name);

/* The value of a setting of rule (by its index), as the rules file left
 * it; a name the rule does not have is a bug: abort(). */
double det_param(const struct sl_detect *d, int rule, const char *name);

/* Local day number and hour of an instant in the run's zone. */
int64_t det_day(const struct sl_detect *d, int64_t t);
int det_hour(const struct sl_detect *d, int64_t t);
/* Time of local midnight starting day (first instant of it). */
int64_t det_day_start(const struct sl_detect *d, int64_t day);

/* Is an event at time t judged?  Is local day `day` in the baseline of
 * a judged day `judged` (leave one day out: any other day)? */
int det_judged(const struct sl_detect *d, int64_t t);
int det_is_baseline(const struct sl_detect *d, int64_t judged, int64_t day);

/* The user's record of day, or NULL. */
const struct det_day *det_user_day(const struct det_user *u, int64_t day);

/* Robust statistics of v[0..n) (v is reordered): the q-quantile
 * (0..1, linear interpolation), median, and the median absolute
 * deviation.  0 for n == 0. */
double det_quantile(double *v, size_t n, double q);
double det_median(double *v, size_t n);
double det_mad(double *v, size_t n);

/*
 * Emit an alert of rule for user u (NULL: case-wide), level the rule's
 * base level plus bump (clamped to info..critical), for the span
 * [start, end] (us), observed value against baseline with threshold
 * crossed; ev gives the evidence and the id (its first trigger event;
 * for a case-wide alert without events, its first_key may be any text
 * that names what it is about and first_time the start).  The
 * explanation is printf-formatted.  0 or -ENOMEM.
 */
int det_emit(struct sl_detect *d, int rule, const struct det_user *u,
    int bump, int64_t start, int64_t end, double value, double baseline,
    double threshold, const struct det_evid *ev, const char *fmt, ...)
    SL_PRINTF(11, 12);

/* Format a size as "2.5 GB" into buf: for explanations. */
const char *det_bytes(double v, char *buf, size_t size);

/* The fields of a tab-separated line p[0..n) (a trailing CR dropped)
 * into f, at most max of them; returns how many. */
size_t det_tsv_fields(const char *p, size_t n, struct sl_str *f,
    size_t max);

/*
 * A purpose policy (detect-policy.c, sl_detect_load_policy): rows of a
 * dataset pattern and the pattern the purpose of an access to a matching
 * resource must match.  Matching needs match data of the thread's own: a
 * struct det_pcache per user, which also remembers each resource's row.
 */
struct det_policy;
struct det_pcache {
	struct det_map res;		/* resource -> index into row */
	ssize_t *row;			/* its row, -1: none */
	size_t cap;
	void *md;			/* pcre2_match_data */
};

/* The row of the first matching dataset pattern for resource[0..n) in
 * the cache's user: >= 0, -1 for none, or -ENOMEM (-2 and below). */
ssize_t det_policy_row(const struct det_policy *p, struct det_pcache *c,
    const char *res, size_t n);
/* Does a row require a purpose (its purpose_pattern is not "*")? */
int det_policy_requires(const struct det_policy *p, size_t row);
/* Does purpose[0..n) (not empty) satisfy the row?  1, 0 or -ENOMEM. */
int det_policy_allows(const struct det_policy *p, struct det_pcache *c,
    size_t row, const char *purpose, size_t n);
/* A row's patterns and line, for explanations. */
const char *det_policy_dataset(const struct det_policy *p, size_t row);
const char *det_policy_purpose(const struct det_policy *p, size_t row);
unsigned long det_policy_line(const struct det_policy *p, size_t row);
void det_pcache_release(struct det_pcache *c);
void det_policy_free(struct det_policy *p);

/* The built-in rules, in detect-*.c (listed in detect.c's builtin[]). */
extern const struct det_rule det_rule_hours;
extern const struct det_rule det_rule_search_burst;
extern const struct det_rule det_rule_bulk_export;
extern const struct det_rule det_rule_export_growth;
extern const struct det_rule det_rule_no_purpose;
extern const struct det_rule det_rule_boilerplate_purpose;
extern const struct det_rule det_rule_purpose_policy;
extern const struct det_rule det_rule_watch;
extern const struct det_rule det_rule_rare;
extern const struct det_rule det_rule_concurrent;
extern const struct det_rule det_rule_denied_burst;
extern const struct det_rule det_rule_integrity;

#endif
