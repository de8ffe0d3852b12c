/* profile.h: what the profile files (profile-*.c, extract.c, auditd.c) share */
#ifndef SL_PROFILE_H
#define SL_PROFILE_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>

#include "internal.h"

#define MAX_GROUPS 31		/* capturing groups of an re() pattern */

enum field {
	F_TIME, F_USER, F_SESSION, F_ACTION, F_OUTCOME, F_RESOURCE, F_QUERY,
	F_COUNT, F_BYTES, F_PURPOSE, F_SRC, F_TRACE, F_KIND, F_KEY, F_FLAG,
	F_HOST, F__COUNT
};

enum seg_kind { SEG_KEY, SEG_INDEX, SEG_STAR };

struct seg {
	int kind;
	char *key;
	size_t klen;
	size_t index;
};

struct path {
	struct seg *seg;
	size_t nseg;
	size_t id;		/* column slot for csv/tsv */
	char *text;		/* as written, for csv/kv: the name */
	size_t tlen;
};

enum term_kind { T_PATH, T_LIT, T_LEN, T_AFTER, T_RE };

struct term {
	int kind;
	struct path path;
	char *lit;		/* T_LIT value, T_AFTER separator */
	size_t litlen;
	pcre2_code *re;		/* T_RE */
};

enum cond_op { C_EQ, C_NE, C_RE, C_NRE, C_EXISTS, C_NEXISTS, C_EMPTY,
	C_NEMPTY };

struct cond {
	int op;
	int line;		/* the subject is the raw record ($line) */
	struct path path;
	char *lit;
	size_t litlen;
	pcre2_code *re;
};

struct rule {
	int field;
	struct term *alt;
	size_t nalt;
	int table;		/* index or -1 */
	char *tname;		/* table name until resolved */
	struct cond *cond;
	size_t ncond;
	int lineno;
};

struct tentry {
	char *pat;
	size_t patlen;
	char *val;
	size_t vallen;
};

struct table {
	char *name;
	int nocase;
	struct tentry *e;
	size_t n;
};

struct sl_profile {
	char *name;
	char *desc;
	char *file;
	int reader;
	int score;
	int timefmt;
	struct sl_tz *tz;
	char **columns;
	size_t ncolumns;
	struct cond *detect;
	size_t ndetect;
	struct rule *rules;
	size_t nrules;
	struct table *tables;
	size_t ntables;
	char **pathnames;	/* by path id, for csv/tsv columns */
	size_t npaths;
	char *embed;		/* csv/tsv: a column holding a JSON record */
	int64_t tolerance;	/* us a time may go back in source order */
	char *family;		/* where keys are compared; NULL: the name */
	int keyscope;		/* KS_* */
};

/* How far a profile's key is unique (sessionlog(5), keyscope). */
enum { KS_NONE, KS_GLOBAL, KS_HOST };

struct sl_profileset {
	struct sl_profile **p;		/* name order */
	struct sl_profile **byscore;	/* score, then name */
	size_t n;
};

/* One record as the paths see it. */
struct doc {
	int reader;
	const struct sl_json *j;	/* json */
	const struct sl_str *name;	/* kv, auditd */
	const struct sl_str *value;	/* kv, auditd; csv/tsv by column */
	size_t n;
	const int *colidx;		/* csv/tsv: path id to column */
	size_t ncolidx;
	struct sl_str raw;
};

/* A value found by a path: a JSON token, or text. */
struct val {
	int tok;		/* json token, or -1 */
	struct sl_str s;	/* text when tok < 0 */
};

#define ROOT_CACHE 32

struct evalctx {
	/* Per record: top-level members already looked up, and the
	 * top-level values that are arrays or objects (nroot < 0: not yet). */
	struct {
		const char *key;
		size_t klen;
		int tok;
	} rc[ROOT_CACHE];
	size_t nrc;
	/* root, vals and wl hold cap entries each: a path gives distinct
	 * tokens, so a record's token count bounds them. */
	int *root;
	int nroot;
	struct val *vals;
	int *wl[2];
	size_t cap;
	struct sl_buf tmp;
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

struct agroup {
	struct sl_buf raw;		/* its lines, joined by '\n' */
	struct sl_buf key;		/* [node:]TIME:SERIAL */
	size_t nodelen;			/* node's bytes at the start of key */
	int64_t ms;			/* the stamp's time */
	uint64_t line, off;
	int done;
};

struct sl_extractor {
	const struct sl_profile *p;
	const struct sl_tz *tz;
	int year;			/* the year rule, see sl_extract_opts */
	int64_t ref, near;
	int64_t prev_yearless;		/* time of the previous such, or 0 */
	struct sl_profile *extra;	/* --map rules, paths numbered on */
	const struct rule **fr[F__COUNT];
	size_t nfr[F__COUNT];
	struct evalctx cx;
	struct sl_json j;
	struct sl_fields f;
	int *colidx;
	size_t ncolidx;
	size_t ncols;
	int have_header;
	int embedcol;			/* column of the embedded JSON, or -1 */
	struct sl_buf fb[F__COUNT];
	struct lent {			/* the current list's values, hashed */
		size_t off, len;	/* off + 1 into the list; 0: empty */
	} *lset;
	size_t lcap, ln;
	char reason[224];
	int code;			/* enum sl_reject_code of the reason */
	/* auditd */
	struct agroup *aq;		/* events being assembled, a ring in
					 * the order of their first lines */
	size_t aqcap, aqhead, aqn;
	size_t aqbytes;			/* raw bytes of the queued events */
	struct sl_buf araw, akey;	/* the event handed out last */
	uint64_t aline, aoff;
	struct sl_buf atmp;		/* a decoded value */
	struct sl_buf aexec, atitle;	/* command lines of EXECVE, PROCTITLE */
	struct sl_buf ubuf;		/* uid names: "node\0uid\0name\0"... */
	size_t *utab;			/* offsets + 1 into ubuf, hashed */
	size_t un;
	struct sl_buf scope;		/* the event's key scope */
	struct sl_buf mbuf;		/* merged fields' text */
	struct sl_str *mname, *mval;
	size_t mn, mcap;
	size_t *moff;			/* name off, len, value off, len */
	struct sl_extract_counts counts;
	int frac[2];			/* this record's count, bytes: a value
					 * with a real fraction was passed over */
	int notime;			/* csv/tsv: no column can give the time */
	struct sl_buf problem;		/* what is wrong with the header */
	/* What the record just read showed that a cut would explain: */
	int cutlike;			/* it does not parse completely */
	int miss;			/* a value no entry of a closed
					 * table matched */
	int whole;			/* JSON that parsed: nothing cut */
};

/* profile-parse.c */
void sl_profile_free(struct sl_profile *p);
/* Grow *arr (of elements of size sz) to hold one more than *n. */
int sl_grow(void *arrp, size_t *n, size_t sz);
int sl_ascii_lower(int c);
/* Glob with '*' only, optionally ignoring ASCII case. */
int sl_glob_match(const char *pat, size_t pn, const char *s, size_t sn,
    int nocase);
/* One profile from its text; 0 with *out, or -errno with err set. */
int sl_profile_parse(const char *file, const char *text, size_t n,
    struct sl_profile **out, char *err, size_t errlen);
/* Compile the --map overrides into x->extra. */
int sl_compile_maps(struct sl_extractor *x, const struct sl_extract_opts *o,
    char *err, size_t errlen);

/* profile-set.c: the columns of CSV and TSV records */
/* Add empty fields up to n. */
int sl_pad_fields(struct sl_fields *f, size_t n);
int sl_split_delim(int reader, const char *p, size_t n, struct sl_fields *f,
    const char **err, size_t *err_off);
/* A header name without a UTF-8 byte order mark and surrounding blanks. */
struct sl_str sl_header_name(struct sl_str s, int first);
/* The column of a name, or -1. */
int sl_header_find(const struct sl_fields *h, const char *name, size_t n);

/* profile-eval.c */
int sl_cond_holds(struct evalctx *cx, const struct doc *d,
    const struct cond *c);
int sl_conds_hold(struct evalctx *cx, const struct doc *d,
    const struct cond *c, size_t n);
int sl_evalctx_init(struct evalctx *cx);
/* A new record: forget the top-level lookups. */
void sl_evalctx_reset(struct evalctx *cx);
int sl_evalctx_fit(struct evalctx *cx, size_t ntok);
void sl_evalctx_release(struct evalctx *cx);
/* Apply one rule; 1 when it gave a value (appended to x->fb[field]), 0
 * when not, -ENOMEM. */
int sl_rule_apply(struct sl_extractor *x, const struct doc *d,
    const struct rule *ru);

/* extract.c */
/* A count or bytes value: 0 with *v set, 1 for a number with a real
 * fraction, -EINVAL for anything else. */
int sl_parse_num(struct sl_str s, int64_t *v);
struct sl_str sl_fb_str(const struct sl_buf *b);
/* Fill ev from the record as d presents it. */
int sl_extract(struct sl_extractor *x, const struct doc *d,
    struct sl_event *ev, const char **reason);

/* auditd.c */
/* One auditd line: joined to its event, and an event handed out in ev
 * when one is complete. */
int sl_auditd_record(struct sl_extractor *x, const struct sl_record *rec,
    struct sl_event *ev, const char **reason);

#endif /* SL_PROFILE_H */
