/* grep-sessions.c: find events and whole sessions; print timelines. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "filter.h"
#include "out.h"
#include "util.h"

#define MAX_SRCS 8	/* source addresses named in a session header */
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum mode { M_EVENTS = 0, M_SESSIONS, M_LIST, M_TIMELINE, M_COUNT };

/* Columns of the rows of a mode (-o).  The event columns are the stored
 * fields (enum sl_field, which -k matches and sl_event_field reads off an
 * event), then what the tool shows about an event in its context: match,
 * watch, and the effective purpose and where it came from, which the
 * cursor derives while reading and no stored event holds. */
enum {
	COL_MATCH = SL_FIELD__COUNT,	/* event columns after the fields */
	COL_WATCH,
	COL_EPURPOSE,		/* derived by the cursor, not stored */
	COL_PURPOSE_FROM,
	/* session (-l, headers) and count (-c) columns */
	COL_S_USER,
	COL_S_SESSION,
	COL_S_START,
	COL_S_END,
	COL_S_DURATION,
	COL_S_EVENTS,
	COL_S_MATCHES,
	COL_S_SRC,
	COL_C_USER,
	COL_C_EVENTS,
	COL_C_SESSIONS,
};

struct colname {
	const char *name;
	int col;
};

static const struct colname session_cols[] = {
	{ "user", COL_S_USER }, { "session", COL_S_SESSION },
	{ "start", COL_S_START }, { "end", COL_S_END },
	{ "duration", COL_S_DURATION }, { "events", COL_S_EVENTS },
	{ "matches", COL_S_MATCHES }, { "src", COL_S_SRC },
};

static const struct colname count_cols[] = {
	{ "user", COL_C_USER }, { "events", COL_C_EVENTS },
	{ "sessions", COL_C_SESSIONS },
};

struct opts {
	int mode, quiet, invert, all, json, header, raw;
	long before, after;
	struct cli_filter f;		/* --since --until --tz --hours ... */
	const struct sl_tz *ptz;	/* times are printed in it */
	int64_t since, until, gap;
	int64_t min_count, min_bytes;
	int no_purpose;
	unsigned actions, outcomes;	/* bit sets; 0: any */
	struct cli_users users;		/* -u */
	struct cli_patterns pat;	/* -e -f -k, --watchlist entries */
	struct sl_watch *watch;		/* --watchlist, or NULL */
	size_t watch_base;		/* the condition of its entry 0 */
	int cols[64];
	size_t ncols;
	int need_raw;
};

/* An event in range held for the user being processed, for whole
 * sessions and context; its strings are offsets into the user's arena
 * until fix_strings. */
struct hev {
	struct sl_event e;
	struct sl_str purpose;	/* the effective purpose (sl_cursor) */
	int from;		/* enum sl_purpose_from */
	size_t sess;		/* index into sessions */
	size_t next;		/* next event of its session, or SIZE_MAX */
	unsigned filt:1, sel:1, ctx:1, hit:1;
};

struct sess {
	char *name;
	size_t name_len;
	int64_t start, end;	/* of its events in range */
	size_t first, last;	/* its loaded events; SIZE_MAX if none */
	size_t nev, nsel;	/* events in range, selected events */
	int selected, shown;
};

struct user_state {
	char *arena;
	size_t alen, acap;
	struct hev *ev;
	size_t nev, cev;
	struct sess *ss;
	size_t nss, css;
	struct smap names;
	uint64_t *sat;		/* --all: conditions met, per session */
	size_t words;
};

struct totals {
	uint64_t selected, match_errors;
	int trouble;
};

static const struct option longopts[] = {
	{ "after-context", required_argument, NULL, 'A' },
	{ "before-context", required_argument, NULL, 'B' },
	{ "case", required_argument, NULL, 'C' },
	{ "fixed-strings", no_argument, NULL, 'F' },
	{ "count", no_argument, NULL, 'c' },
	{ "regexp", required_argument, NULL, 'e' },
	{ "file", required_argument, NULL, 'f' },
	{ "ignore-case", no_argument, NULL, 'i' },
	{ "field", required_argument, NULL, 'k' },
	{ "list", no_argument, NULL, 'l' },
	{ "columns", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "sessions", no_argument, NULL, 's' },
	{ "timeline", no_argument, NULL, 't' },
	{ "user", required_argument, NULL, 'u' },
	{ "invert-match", no_argument, NULL, 'v' },
	{ "word-regexp", no_argument, NULL, 'w' },
#define LONGOPT(name, has, val) { name, has, NULL, val },
	LONGOPT("action", required_argument, CHAR_MAX + 1)
	LONGOPT("all", no_argument, CHAR_MAX + 2)
	LONGOPT("context", required_argument, CHAR_MAX + 3)
	LONGOPT("gap", required_argument, CHAR_MAX + 4)
	LONGOPT("help", no_argument, CHAR_MAX + 5)
	LONGOPT("hours", required_argument, CHAR_MAX + 20)
	LONGOPT("json", no_argument, CHAR_MAX + 6)
	LONGOPT("map", required_argument, CHAR_MAX + 7)
	LONGOPT("min-bytes", required_argument, CHAR_MAX + 8)
	LONGOPT("min-count", required_argument, CHAR_MAX + 9)
	LONGOPT("no-header", no_argument, CHAR_MAX + 10)
	LONGOPT("no-purpose", no_argument, CHAR_MAX + 11)
	LONGOPT("outcome", required_argument, CHAR_MAX + 12)
	LONGOPT("profile", required_argument, CHAR_MAX + 13)
	LONGOPT("raw", no_argument, CHAR_MAX + 14)
	LONGOPT("since", required_argument, CHAR_MAX + 15)
	LONGOPT("tz", required_argument, CHAR_MAX + 16)
	LONGOPT("until", required_argument, CHAR_MAX + 17)
	LONGOPT("version", no_argument, CHAR_MAX + 18)
	LONGOPT("watchlist", required_argument, CHAR_MAX + 19)
	LONGOPT("weekdays", required_argument, CHAR_MAX + 21)
	LONGOPT("year", required_argument, CHAR_MAX + 22)
	LONGOPT("max-record", required_argument, CHAR_MAX + 23)
	LONGOPT("follow", no_argument, CHAR_MAX + 24)
#undef LONGOPT
	{ NULL, 0, NULL, 0 }
};

enum {
	OPT_ACTION = CHAR_MAX + 1, OPT_ALL, OPT_CONTEXT, OPT_GAP, OPT_HELP,
	OPT_JSON, OPT_MAP, OPT_MIN_BYTES, OPT_MIN_COUNT, OPT_NO_HEADER,
	OPT_NO_PURPOSE, OPT_OUTCOME, OPT_PROFILE, OPT_RAW, OPT_SINCE, OPT_TZ,
	OPT_UNTIL, OPT_VERSION, OPT_WATCHLIST, OPT_HOURS, OPT_WEEKDAYS,
	OPT_YEAR, OPT_MAX_RECORD, OPT_FOLLOW,
};

static void
usage(FILE *fp)
{
	fputs("usage: grep-sessions [-cFilqstvw] [-A num] [-B num] "
	    "[-C case] [-e pattern]\n"
	    "                     [-f file] [-k field=pattern] "
	    "[-o columns] [-u user]\n"
	    "                     [--action action] [--all] [--context num] "
	    "[--gap duration]\n"
	    "                     [--hours HH:MM-HH:MM] [--json] "
	    "[--map field=path]\n"
	    "                     [--min-bytes num] [--min-count num] "
	    "[--no-header] [--no-purpose]\n"
	    "                     [--outcome outcome] [--profile name] "
	    "[--raw] [--since time]\n"
	    "                     [--tz zone] [--until time] "
	    "[--watchlist file] [--weekdays days]\n"
	    "                     [--year year] [--max-record size] "
	    "[--follow]\n"
	    "                     [source ...]\n", fp);
}

/* ---- columns ------------------------------------------------------------ */

/* Columns a table may cut to fit the screen: free text first. */
static const char *const cut_first[] = {
	"resource", "query", "purpose", "effective_purpose", "watch", "raw",
};
static const char *const cut_last[] = {
	"src", "user", "session", "trace", "kind", "key", "profile",
	"origin", "purpose_from",
};

static const int event_default[] = {
	SL_FIELD_TIME, SL_FIELD_USER, SL_FIELD_SESSION, SL_FIELD_ACTION,
	SL_FIELD_OUTCOME, SL_FIELD_COUNT, SL_FIELD_BYTES, SL_FIELD_RESOURCE,
	SL_FIELD_QUERY, SL_FIELD_PURPOSE, SL_FIELD_SRC,
};

static const int event_json[] = {
	SL_FIELD_TIME, SL_FIELD_USER, SL_FIELD_SESSION, SL_FIELD_ACTION,
	SL_FIELD_OUTCOME, SL_FIELD_RESOURCE, SL_FIELD_QUERY, SL_FIELD_COUNT,
	SL_FIELD_BYTES, SL_FIELD_PURPOSE, SL_FIELD_SRC, SL_FIELD_TRACE,
	SL_FIELD_KIND, SL_FIELD_KEY, SL_FIELD_FLAGS, SL_FIELD_PROFILE,
	SL_FIELD_ORIGIN, SL_FIELD_LINE, SL_FIELD_OFFSET,
};

static const char *
col_name(int col)
{
	size_t i;

	if (col < SL_FIELD__COUNT)
		return sl_field_name(col);
	if (col == COL_MATCH)
		return "match";
	if (col == COL_WATCH)
		return "watch";
	if (col == COL_EPURPOSE)
		return "effective_purpose";
	if (col == COL_PURPOSE_FROM)
		return "purpose_from";
	for (i = 0; i < ARRAY_LEN(session_cols); i++)
		if (session_cols[i].col == col)
			return session_cols[i].name;
	for (i = 0; i < ARRAY_LEN(count_cols); i++)
		if (count_cols[i].col == col)
			return count_cols[i].name;
	return "?";
}

static void
add_col(struct opts *o, int col)
{
	if (o->ncols == ARRAY_LEN(o->cols))
		cli_die("-o: too many columns");
	o->cols[o->ncols++] = col;
}

/* The columns of the main rows: -o, else the mode's default.  table:
 * for a terminal, where -s and -t leave out what their session header
 * line already says. */
static void
set_columns(struct opts *o, const char *spec, int table)
{
	const struct colname *names = NULL;
	size_t nnames = 0, i;

	if (o->mode == M_LIST) {
		names = session_cols;
		nnames = ARRAY_LEN(session_cols);
	} else if (o->mode == M_COUNT) {
		names = count_cols;
		nnames = ARRAY_LEN(count_cols);
	}
	if (spec != NULL) {
		const char *p = spec;

		for (;;) {
			size_t n = strcspn(p, ",");
			int col = -1;

			if (names != NULL) {
				for (i = 0; i < nnames; i++)
					if (strlen(names[i].name) == n &&
					    memcmp(names[i].name, p, n) == 0)
						col = names[i].col;
			} else if ((col = sl_field_parse(p, n)) < 0) {
				if (n == 5 && memcmp(p, "match", 5) == 0)
					col = COL_MATCH;
				else if (n == 5 && memcmp(p, "watch", 5) == 0)
					col = COL_WATCH;
				else if (n == 17 && memcmp(p,
				    "effective_purpose", 17) == 0)
					col = COL_EPURPOSE;
				else if (n == 12 && memcmp(p, "purpose_from",
				    12) == 0)
					col = COL_PURPOSE_FROM;
			}
			if (col < 0)
				cli_die("-o: no column \"%.*s\" here", (int)n,
				    p);
			add_col(o, col);
			if (col == SL_FIELD_RAW)
				o->need_raw = 1;
			if (p[n] == '\0')
				break;
			p += n + 1;
		}
		return;
	}
	if (names != NULL) {
		for (i = 0; i < nnames; i++)
			if (names[i].col != COL_S_DURATION &&
			    names[i].col != COL_S_SRC)
				add_col(o, names[i].col);
		return;
	}
	if (o->mode == M_SESSIONS || o->mode == M_TIMELINE ||
	    o->before > 0 || o->after > 0)
		add_col(o, COL_MATCH);
	if (o->json)
		for (i = 0; i < ARRAY_LEN(event_json); i++)
			add_col(o, event_json[i]);
	else
		for (i = 0; i < ARRAY_LEN(event_default); i++)
			if (!table || (o->mode != M_SESSIONS &&
			    o->mode != M_TIMELINE) ||
			    (event_default[i] != SL_FIELD_USER &&
			    event_default[i] != SL_FIELD_SESSION))
				add_col(o, event_default[i]);
	for (i = 0; i < o->pat.nconds; i++)
		if (o->pat.conds[i].label != NULL) {
			add_col(o, COL_WATCH);
			break;
		}
}

/* ---- the user's events ------------------------------------------------- */

static size_t
arena_add(struct user_state *u, const char *p, size_t n)
{
	size_t off = u->alen;

	if (u->alen + n + 1 > u->acap) {
		size_t cap = u->acap ? u->acap : 1 << 16;

		while (cap < u->alen + n + 1)
			cap *= 2;
		u->arena = xrealloc(u->arena, cap, 1);
		u->acap = cap;
	}
	if (n > 0)
		memcpy(u->arena + off, p, n);
	u->arena[off + n] = '\0';
	u->alen += n + 1;
	return off;
}

/* While loading, an sl_str holds its arena offset in p. */
static struct sl_str
keep_str(struct user_state *u, struct sl_str s)
{
	struct sl_str r;

	r.n = s.n;
	r.p = (const char *)(uintptr_t)arena_add(u, s.p, s.n);
	return r;
}

static struct sl_str
arena_str(const struct user_state *u, struct sl_str s)
{
	struct sl_str r;

	r.n = s.n;
	r.p = u->arena + (uintptr_t)s.p;
	return r;
}

static void
hold(struct user_state *u, const struct sl_step *st, int need_raw)
{
	const struct sl_event *ev = st->ev;
	struct hev *h;
	struct sl_event *e;

	if (u->nev == u->cev) {
		u->cev = u->cev ? u->cev * 2 : 1024;
		u->ev = xrealloc(u->ev, u->cev, sizeof(*u->ev));
	}
	h = &u->ev[u->nev++];
	memset(h, 0, sizeof(*h));
	e = &h->e;
	*e = *ev;
	e->user = keep_str(u, ev->user);
	e->session = keep_str(u, ev->session);
	e->resource = keep_str(u, ev->resource);
	e->query = keep_str(u, ev->query);
	e->purpose = keep_str(u, ev->purpose);
	e->src = keep_str(u, ev->src);
	e->trace = keep_str(u, ev->trace);
	e->kind = keep_str(u, ev->kind);
	e->key = keep_str(u, ev->key);
	e->profile = keep_str(u, ev->profile);
	e->origin = keep_str(u, ev->origin);
	h->purpose = keep_str(u, st->purpose);
	h->from = st->purpose_from;
	if (need_raw) {
		e->raw = keep_str(u, ev->raw);
	} else {
		e->raw.p = (const char *)(uintptr_t)arena_add(u, "", 0);
		e->raw.n = 0;
	}
}

static void
fix_strings(struct user_state *u)
{
	size_t i;

	for (i = 0; i < u->nev; i++) {
		struct sl_event *e = &u->ev[i].e;

		e->user = arena_str(u, e->user);
		e->session = arena_str(u, e->session);
		e->resource = arena_str(u, e->resource);
		e->query = arena_str(u, e->query);
		e->purpose = arena_str(u, e->purpose);
		e->src = arena_str(u, e->src);
		e->trace = arena_str(u, e->trace);
		e->kind = arena_str(u, e->kind);
		e->key = arena_str(u, e->key);
		e->profile = arena_str(u, e->profile);
		e->origin = arena_str(u, e->origin);
		e->raw = arena_str(u, e->raw);
		u->ev[i].purpose = arena_str(u, u->ev[i].purpose);
	}
}

/* ---- one user ----------------------------------------------------------- */

struct ctx {
	struct opts *o;
	struct out *out;
	int format, utf8;
	struct out_hl hl;
	struct sl_case *c;
	struct user_state u;
	struct totals tot;
	size_t *wh;			/* watchlist entries an event matched */
};

static void
user_reset(struct user_state *u)
{
	size_t i;

	for (i = 0; i < u->nss; i++)
		free(u->ss[i].name);
	u->nss = 0;
	u->nev = 0;
	u->alen = 0;
	smap_clear(&u->names);
}

static void
user_free(struct user_state *u)
{
	user_reset(u);
	free(u->ss);
	free(u->ev);
	free(u->arena);
	free(u->sat);
	smap_free(&u->names);
}

/* Put the event just held (index i) into its session: sessions in order
 * of their first event in range. */
static void
group(struct user_state *u, size_t i, struct sl_str name)
{
	struct hev *h = &u->ev[i];
	struct sess *s;
	size_t si;

	si = smap_get(&u->names, name.p, name.n);
	if (si == SIZE_MAX) {
		if (u->nss == u->css) {
			u->css = u->css ? u->css * 2 : 64;
			u->ss = xrealloc(u->ss, u->css, sizeof(*u->ss));
		}
		si = u->nss++;
		s = &u->ss[si];
		memset(s, 0, sizeof(*s));
		s->name = xrealloc(NULL, name.n + 1, 1);
		memcpy(s->name, name.p, name.n);
		s->name[name.n] = '\0';
		s->name_len = name.n;
		s->first = s->last = SIZE_MAX;
		s->start = h->e.time;
		smap_put(&u->names, s->name, s->name_len, si);
	}
	s = &u->ss[si];
	h->sess = si;
	h->next = SIZE_MAX;
	if (s->last != SIZE_MAX)
		u->ev[s->last].next = i;
	else
		s->first = i;
	s->last = i;
	s->end = h->e.time;
	s->nev++;
}

/*
 * Hold the user's events in range, with their sessions and effective
 * purposes from the cursor (which looks back before --since for where a
 * session started); 0, or -1 after a warning.
 */
static int
load(struct ctx *x, struct sl_str user)
{
	struct user_state *u = &x->u;
	const struct opts *o = x->o;
	struct sl_cursor *cur;
	struct sl_step st;
	size_t i;
	int rc;

	user_reset(u);
	cur = sl_cursor_open(&x->c, 1, user.p, user.n, o->since,
	    o->until, o->gap);
	if (cur == NULL)
		cli_die("out of memory");
	while ((rc = sl_cursor_next(cur, &st)) > 0) {
		if (!st.in_range)
			continue;
		hold(u, &st, o->need_raw);
		group(u, u->nev - 1, st.session);
	}
	if (rc < 0) {
		char *q = cli_name_quote(user.p, user.n);

		cli_warn("cannot read the timeline of %s: %s", q,
		    sl_cursor_error(cur));
		free(q);
		x->tot.trouble = 1;
	}
	sl_cursor_free(cur);
	fix_strings(u);
	/* The event carries its session's name, so that -k session= and
	 * the output see derived names too. */
	for (i = 0; i < u->nev; i++) {
		u->ev[i].e.session.p = u->ss[u->ev[i].sess].name;
		u->ev[i].e.session.n = u->ss[u->ev[i].sess].name_len;
	}
	return rc < 0 ? -1 : 0;
}

/* A match failure on e: told once, counted; e counts as not matching. */
static int
match_error(struct ctx *x, int rc, const struct sl_event *e)
{
	if (x->tot.match_errors++ == 0) {
		/* The user name comes from the evidence: escaped. */
		char *q = cli_name_quote(e->user.p, e->user.n);

		cli_warn("pattern matching gave up on an event of %s (%s); "
		    "such events count as not matching", q,
		    rc == -E2BIG ? "too complex" : strerror(-rc));
		free(q);
	}
	x->tot.trouble = 1;
	return 0;
}

/* Whether matcher condition c holds for e. */
static int
cond_hit(struct ctx *x, size_t c, const struct sl_event *e)
{
	int err = 0, rc;

	rc = cli_patterns_hit(&x->o->pat, x->o->pat.m, c, e, &err);
	if (err < 0)
		match_error(x, err, e);
	return rc;
}

/* The watchlist entries e matches, in x->wh: how many. */
static size_t
watch_hits(struct ctx *x, const struct sl_event *e)
{
	const struct opts *o = x->o;
	int rc;

	if (o->watch == NULL)
		return 0;
	rc = sl_watch_test_event(o->watch, e, x->wh,
	    sl_watch_count(o->watch));
	return rc < 0 ? (size_t)match_error(x, rc, e) : (size_t)rc;
}

static int
filter(const struct opts *o, const struct hev *h)
{
	const struct sl_event *e = &h->e;

	if (o->actions && (e->action < 0 || e->action >= 32 ||
	    !(o->actions & (1u << e->action))))
		return 0;
	if (o->outcomes && (e->outcome < 0 || e->outcome >= 32 ||
	    !(o->outcomes & (1u << e->outcome))))
		return 0;
	if (o->min_count >= 0 && e->count < o->min_count)
		return 0;
	if (o->min_bytes >= 0 && e->bytes < o->min_bytes)
		return 0;
	if (o->no_purpose && h->from != SL_PURPOSE_NONE)
		return 0;
	return cli_filter_clock(&o->f, e->time);
}

static void
select_events(struct ctx *x)
{
	struct user_state *u = &x->u;
	const struct opts *o = x->o;
	size_t i, c;

	if (o->all) {
		u->words = (o->pat.nconds + 63) / 64;
		u->sat = xrealloc(u->sat, u->nss * u->words + 1,
		    sizeof(*u->sat));
		memset(u->sat, 0, (u->nss * u->words + 1) * sizeof(*u->sat));
	}
	for (i = 0; i < u->nev; i++) {
		struct hev *h = &u->ev[i];
		size_t nw, k;
		int err = 0;

		if (!(h->filt = filter(o, h)))
			continue;
		nw = watch_hits(x, &h->e);
		if (o->all) {
			uint64_t *sat = u->sat + h->sess * u->words;

			for (c = 0; c < o->pat.nconds; c++) {
				if (o->pat.conds[c].kind == CLI_COND_WATCH ||
				    !cond_hit(x, c, &h->e))
					continue;
				sat[c / 64] |= UINT64_C(1) << (c % 64);
				h->hit = 1;
			}
			for (k = 0; k < nw; k++) {
				c = o->watch_base + x->wh[k];
				sat[c / 64] |= UINT64_C(1) << (c % 64);
				h->hit = 1;
			}
			continue;
		}
		h->hit = cli_patterns_test(&o->pat, o->pat.m, &h->e, nw > 0,
		    &err);
		if (err < 0)
			match_error(x, err, &h->e);
		if (o->invert)
			h->hit = !h->hit;
		h->sel = h->hit;
	}
	if (o->all) {
		for (i = 0; i < u->nss; i++) {
			const uint64_t *sat = u->sat + i * u->words;
			int every = 1;

			for (c = 0; c < o->pat.nconds && every; c++)
				every = (sat[c / 64] >> (c % 64)) & 1;
			u->ss[i].selected = o->invert ? !every : every;
		}
		for (i = 0; i < u->nev; i++) {
			struct hev *h = &u->ev[i];

			h->sel = h->filt && u->ss[h->sess].selected &&
			    (o->invert || o->pat.nconds == 0 || h->hit);
		}
	}
	for (i = 0; i < u->nss; i++)
		u->ss[i].selected = 0;
	for (i = 0; i < u->nev; i++) {
		if (u->ev[i].sel) {
			u->ss[u->ev[i].sess].nsel++;
			u->ss[u->ev[i].sess].selected = 1;
			x->tot.selected++;
		}
	}
}

/* -A/-B: events of the same session around each selected one. */
static void
mark_context(struct ctx *x)
{
	struct user_state *u = &x->u;
	size_t si, *idx = NULL, n, cap = 0, k, j;

	for (si = 0; si < u->nss; si++) {
		const struct sess *s = &u->ss[si];

		if (s->nsel == 0)
			continue;
		n = 0;
		for (k = s->first; k != SIZE_MAX; k = u->ev[k].next) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				idx = xrealloc(idx, cap, sizeof(*idx));
			}
			idx[n++] = k;
		}
		for (k = 0; k < n; k++) {
			size_t lo, hi;

			if (!u->ev[idx[k]].sel)
				continue;
			lo = k > (size_t)x->o->before ? k -
			    (size_t)x->o->before : 0;
			hi = k + (size_t)x->o->after;
			for (j = lo; j <= hi && j < n; j++)
				u->ev[idx[j]].ctx = 1;
		}
	}
	free(idx);
}

/* ---- printing ------------------------------------------------------------ */

static int
hl_find(void *arg, int field, const char *p, size_t n, size_t from,
    size_t *start, size_t *end)
{
	return sl_matcher_find(arg, field, p, n, from, start, end) == 1;
}

static void
print_raw(const struct hev *h)
{
	const struct sl_event *e = &h->e;

	/* The origin and line as grep -n prints them, then the record
	 * byte for byte; on a terminal it is escaped like everything. */
	if (isatty(fileno(stdout))) {
		cli_put_safe(stdout, e->origin.p, e->origin.n);
		printf(":%llu:", (unsigned long long)e->line);
		cli_put_safe(stdout, e->raw.p, e->raw.n);
	} else {
		fwrite(e->origin.p, 1, e->origin.n, stdout);
		printf(":%llu:", (unsigned long long)e->line);
		fwrite(e->raw.p, 1, e->raw.n, stdout);
	}
	putchar('\n');
}

static void
print_event(struct ctx *x, const struct hev *h)
{
	const struct opts *o = x->o;
	const struct sl_event *e = &h->e;
	const struct sess *s = &x->u.ss[h->sess];
	const struct out_hl *hl = o->invert ? NULL : &x->hl;
	struct { char *p; size_t n; } wl = { NULL, 0 };
	struct sl_str f;
	char buf[SL_TIME_TZ_LEN];
	size_t i, c, nw;

	if (o->raw) {
		print_raw(h);
		return;
	}
	out_begin(x->out, NULL);
	for (i = 0; i < o->ncols; i++) {
		int col = o->cols[i];
		const char *name = col_name(col);

		switch (col) {
		case COL_MATCH:
			out_mark(x->out, name, h->sel);
			break;
		case COL_WATCH:
			nw = h->sel ? watch_hits(x, e) : 0;
			for (c = 0; c < nw; c++) {
				const char *l = sl_watch_entry(o->watch,
				    x->wh[c]);
				size_t ln = strlen(l);

				wl.p = xrealloc(wl.p, wl.n + ln + 1, 1);
				if (wl.n > 0)
					wl.p[wl.n++] = '\n';
				memcpy(wl.p + wl.n, l, ln);
				wl.n += ln;
			}
			out_list(x->out, name, wl.p != NULL ? wl.p : "",
			    wl.n, NULL, 0);
			break;
		case COL_EPURPOSE:
			out_str(x->out, name, h->purpose.p, h->purpose.n);
			break;
		case COL_PURPOSE_FROM:
			f.p = sl_purpose_from_name(h->from);
			out_str(x->out, name, f.p, strlen(f.p));
			break;
		case SL_FIELD_TIME:
			f.n = (size_t)sl_time_format_tz(e->time, o->ptz, buf,
			    sizeof(buf));
			out_str_hl(x->out, name, buf, f.n, hl, col);
			break;
		case SL_FIELD_SESSION:
			out_str(x->out, name, s->name, s->name_len);
			break;
		case SL_FIELD_RESOURCE:
			out_list(x->out, name, e->resource.p, e->resource.n,
			    hl, col);
			break;
		case SL_FIELD_COUNT:
			out_int(x->out, name, e->count);
			break;
		case SL_FIELD_BYTES:
			out_int(x->out, name, e->bytes);
			break;
		case SL_FIELD_FLAGS:
			out_int(x->out, name, (int64_t)e->flags);
			break;
		case SL_FIELD_LINE:
			out_int(x->out, name, (int64_t)e->line);
			break;
		case SL_FIELD_OFFSET:
			out_int(x->out, name, (int64_t)e->offset);
			break;
		default:
			f = sl_event_field(e, col, buf, sizeof(buf));
			out_str_hl(x->out, name, f.p, f.n, hl, col);
			break;
		}
	}
	out_end(x->out);
	free(wl.p);
}

/* Distinct source addresses of a session's events in range, in order of
 * appearance, at most MAX_SRCS, '\n'-separated into buf. */
static size_t
session_srcs(struct ctx *x, const struct sess *s, char **buf)
{
	const struct user_state *u = &x->u;
	struct sl_str seen[MAX_SRCS];
	size_t nseen = 0, k, j, n = 0;

	*buf = NULL;
	for (k = s->first; k != SIZE_MAX && nseen < MAX_SRCS;
	    k = u->ev[k].next) {
		struct sl_str src = u->ev[k].e.src;

		if (src.n == 0)
			continue;
		for (j = 0; j < nseen; j++)
			if (seen[j].n == src.n &&
			    memcmp(seen[j].p, src.p, src.n) == 0)
				break;
		if (j < nseen)
			continue;
		seen[nseen++] = src;
		*buf = xrealloc(*buf, n + src.n + 2, 1);
		if (n > 0)
			(*buf)[n++] = '\n';
		memcpy(*buf + n, src.p, src.n);
		n += src.n;
	}
	return n;
}

static void
session_cell(struct ctx *x, struct sl_str user, const struct sess *s,
    int col)
{
	char buf[SL_TIME_TZ_LEN], *srcs;
	size_t n;

	switch (col) {
	case COL_S_USER:
		out_str(x->out, "user", user.p, user.n);
		break;
	case COL_S_SESSION:
		out_str(x->out, "session", s->name, s->name_len);
		break;
	case COL_S_START:
	case COL_S_END:
		n = (size_t)sl_time_format_tz(col == COL_S_START ? s->start :
		    s->end, x->o->ptz, buf, sizeof(buf));
		out_str(x->out, col_name(col), buf, n);
		break;
	case COL_S_DURATION:
		n = (size_t)sl_duration_format(s->end - s->start, buf,
		    sizeof(buf));
		out_str(x->out, "duration", buf, n);
		break;
	case COL_S_EVENTS:
		out_int(x->out, "events", (int64_t)s->nev);
		break;
	case COL_S_MATCHES:
		out_int(x->out, "matches", (int64_t)s->nsel);
		break;
	case COL_S_SRC:
		n = session_srcs(x, s, &srcs);
		out_list(x->out, "src", srcs != NULL ? srcs : "", n, NULL, 0);
		free(srcs);
		break;
	}
}

/* Append "T13:53:19Z" or "T08:53:19-05:00" of a formatted time: without
 * the fraction. */
static void
add_time(char **p, size_t *n, const char *t, size_t tn)
{
	size_t k = strcspn(t, "."), z = k;

	if (k < tn)
		for (z = k + 1; z < tn && t[z] >= '0' && t[z] <= '9'; z++)
			;
	*p = xrealloc(*p, *n + tn + 1, 1);
	memcpy(*p + *n, t, k);
	*n += k;
	memcpy(*p + *n, t + z, tn - z);
	*n += tn - z;
}

static void
add_text(char **p, size_t *n, const char *t, size_t tn)
{
	*p = xrealloc(*p, *n + tn + 1, 1);
	memcpy(*p + *n, t, tn);
	*n += tn;
}

#define ADDS(p, n, s) add_text(p, n, s, strlen(s))

/* The session header as a terminal shows it:
 * "── user  session  start → end  duration  N events, M matching  from src". */
static void
print_session_line(struct ctx *x, struct sl_str user,
    const struct sess *s)
{
	char *p = NULL, *srcs, a[SL_TIME_TZ_LEN], b[SL_TIME_TZ_LEN], num[64];
	size_t n = 0, an, bn, k, sn;

	ADDS(&p, &n, x->utf8 ? "\u2500\u2500 " : "-- ");
	add_text(&p, &n, user.p, user.n);
	ADDS(&p, &n, "  ");
	add_text(&p, &n, s->name, s->name_len);
	ADDS(&p, &n, "  ");
	an = (size_t)sl_time_format_tz(s->start, x->o->ptz, a, sizeof(a));
	bn = (size_t)sl_time_format_tz(s->end, x->o->ptz, b, sizeof(b));
	add_time(&p, &n, a, an);
	ADDS(&p, &n, x->utf8 ? " \u2192 " : " -> ");
	/* The date once when the session does not cross midnight. */
	k = strcspn(a, "T");
	if (k < an && k < bn && memcmp(a, b, k + 1) == 0)
		add_time(&p, &n, b + k + 1, bn - k - 1);
	else
		add_time(&p, &n, b, bn);
	ADDS(&p, &n, "  ");
	sl_duration_format(s->end - s->start, a, sizeof(a));
	ADDS(&p, &n, a);
	snprintf(num, sizeof(num), "  %zu event%s, %zu matching",
	    (size_t)s->nev, s->nev == 1 ? "" : "s", (size_t)s->nsel);
	ADDS(&p, &n, num);
	sn = session_srcs(x, s, &srcs);
	if (sn > 0) {
		ADDS(&p, &n, "  from ");
		for (k = 0; k < sn; k++)
			if (srcs[k] == '\n')
				ADDS(&p, &n, ", ");
			else
				add_text(&p, &n, srcs + k, 1);
	}
	free(srcs);
	out_line(x->out, p, n);
	free(p);
}

/* The header line of a session in -s and -t output. */
static void
print_session_header(struct ctx *x, struct sl_str user,
    const struct sess *s)
{
	size_t i;

	if (x->o->raw)
		return;
	if (x->format == OUT_TABLE) {
		print_session_line(x, user, s);
		return;
	}
	out_begin(x->out, "session");
	for (i = 0; i < ARRAY_LEN(session_cols); i++)
		session_cell(x, user, s, session_cols[i].col);
	out_end(x->out);
}

static void
print_user(struct ctx *x, struct sl_str user)
{
	struct user_state *u = &x->u;
	const struct opts *o = x->o;
	size_t i, k, nsess = 0, nsel = 0, last = SIZE_MAX;

	switch (o->mode) {
	case M_EVENTS:
	case M_TIMELINE:
		/* A timeline is every event of the user; the selected ones
		 * are marked. */
		for (i = 0; i < u->nev; i++) {
			struct hev *h = &u->ev[i];
			struct sess *s = &u->ss[h->sess];

			if (o->mode == M_EVENTS && !(h->sel || h->ctx))
				continue;
			/* A boundary wherever the session changes, so that
			 * interleaved sessions show as such. */
			if (o->mode == M_TIMELINE && h->sess != last) {
				print_session_header(x, user, s);
				last = h->sess;
			}
			print_event(x, h);
		}
		break;
	case M_SESSIONS:
	case M_LIST:
		/* Sessions in the order of their first event in range. */
		for (i = 0; i < u->nev; i++) {
			struct sess *s = &u->ss[u->ev[i].sess];

			if (!s->selected || s->shown)
				continue;
			s->shown = 1;
			if (o->mode == M_LIST) {
				out_begin(x->out, NULL);
				for (k = 0; k < o->ncols; k++)
					session_cell(x, user, s, o->cols[k]);
				out_end(x->out);
				continue;
			}
			print_session_header(x, user, s);
			for (k = s->first; k != SIZE_MAX; k = u->ev[k].next)
				print_event(x, &u->ev[k]);
		}
		break;
	case M_COUNT:
		for (i = 0; i < u->nss; i++)
			if (u->ss[i].nsel > 0) {
				nsess++;
				nsel += u->ss[i].nsel;
			}
		if (nsel == 0)
			break;
		out_begin(x->out, NULL);
		for (k = 0; k < o->ncols; k++) {
			switch (o->cols[k]) {
			case COL_C_USER:
				out_str(x->out, "user", user.p, user.n);
				break;
			case COL_C_EVENTS:
				out_int(x->out, "events", (int64_t)nsel);
				break;
			case COL_C_SESSIONS:
				out_int(x->out, "sessions", (int64_t)nsess);
				break;
			}
		}
		out_end(x->out);
		break;
	}
}

/* Returns 1 when -q has its answer. */
static int
process_user(struct ctx *x, struct sl_str user)
{
	const struct opts *o = x->o;
	uint64_t before = x->tot.selected;

	if (load(x, user) < 0)
		return 0;
	select_events(x);
	if (o->quiet)
		return x->tot.selected > before;
	if (o->before > 0 || o->after > 0)
		mark_context(x);
	print_user(x, user);
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

/* --watchlist files (cli_watch_load): one condition for each entry. */
static void
parse_watchlists(struct opts *o, char **paths, size_t n)
{
	size_t k;

	o->watch = cli_watch_load(paths, n);
	o->watch_base = o->pat.nconds;
	for (k = 0; k < sl_watch_count(o->watch); k++)
		cli_patterns_watch(&o->pat, k, sl_watch_entry(o->watch, k));
}

/* ---- raw sources: a first pass ----------------------------------------- */

/* The fields whose value in the event read from the sources is the one the
 * case gives back (not the derived session, the flags or the origin). */
static int
same_field(int field)
{
	switch (field) {
	case SL_FIELD_SESSION:
	case SL_FIELD_FLAGS:
	case SL_FIELD_PROFILE:
	case SL_FIELD_ORIGIN:
	case SL_FIELD_LINE:
	case SL_FIELD_OFFSET:
		return 0;
	default:
		return 1;
	}
}

/* Whether the literal of pattern pat on field can be tested on the raw
 * records: 1 with it in *lit, else 0. */
static int
testable(const struct opts *o, int field, const char *pat, char **lit,
    size_t *n)
{
	struct sl_prefilter *t;
	int rc;

	if ((rc = sl_prefilter_literal(pat, strlen(pat), o->pat.flags, lit,
	    n)) < 0)
		cli_die("out of memory");
	if (rc == 0)
		return 0;
	if ((t = sl_prefilter_new()) == NULL || sl_prefilter_group(t) < 0)
		cli_die("out of memory");
	rc = sl_prefilter_add(t, field, *lit, *n, o->pat.flags);
	sl_prefilter_free(t);
	if (rc == -ENOMEM)
		cli_die("out of memory");
	if (rc < 0) {
		free(*lit);
		*lit = NULL;
		return 0;
	}
	return 1;
}

static void
pf_add(struct sl_prefilter *pf, int field, const char *lit, size_t n,
    unsigned flags)
{
	if (sl_prefilter_add(pf, field, lit, n, flags) < 0)
		cli_die("out of memory");
}

/*
 * The prefilter of the selection, or NULL when there is none: one group
 * for -e and -f (each with a literal, else none of them can leave a record
 * out) and one for each -k.  A timeline (-t) shows every user, -v and
 * --all select by what does not match or by whole sessions, and a
 * watchlist matches its own way.  On raw sources (the first pass), -u
 * already stages few users and names those it did not find; on a case,
 * the prefilter leaves out the users none of whose rows can hold it.
 */
static struct sl_prefilter *
selection_prefilter(const struct opts *o, int raw)
{
	struct sl_prefilter *pf;
	const struct cli_cond *c;
	char **lits;
	size_t *lens, i, k, groups = 0;
	int all;

	if (o->mode == M_TIMELINE || o->invert || o->all ||
	    o->watch != NULL || (raw && o->users.n > 0) ||
	    o->pat.nconds == 0)
		return NULL;
	for (i = 0; i < o->pat.nconds; i++)
		if (o->pat.conds[i].kind == CLI_COND_WATCH ||
		    !same_field(o->pat.conds[i].field))
			return NULL;
	if ((pf = sl_prefilter_new()) == NULL)
		cli_die("out of memory");
	lits = xrealloc(NULL, o->pat.nconds, sizeof(*lits));
	lens = xrealloc(NULL, o->pat.nconds, sizeof(*lens));
	all = 1;
	for (i = k = 0; i < o->pat.nconds; i++) {
		c = &o->pat.conds[i];
		if (c->kind != CLI_COND_PAT)
			continue;
		if (!testable(o, SL_FIELD_TEXT, c->pat, &lits[k], &lens[k]))
			all = 0;
		else
			k++;
	}
	if (all && k > 0) {
		if (sl_prefilter_group(pf) < 0)
			cli_die("out of memory");
		for (i = 0; i < k; i++)
			pf_add(pf, SL_FIELD_TEXT, lits[i], lens[i],
			    o->pat.flags);
		groups++;
	}
	for (i = 0; i < k; i++)
		free(lits[i]);
	for (i = 0; i < o->pat.nconds; i++) {
		c = &o->pat.conds[i];
		if (c->kind != CLI_COND_FIELD ||
		    !testable(o, c->field, c->pat, &lits[0], &lens[0]))
			continue;
		if (sl_prefilter_group(pf) < 0)
			cli_die("out of memory");
		pf_add(pf, c->field, lits[0], lens[0], o->pat.flags);
		free(lits[0]);
		groups++;
	}
	free(lits);
	free(lens);
	if (groups == 0) {
		sl_prefilter_free(pf);
		return NULL;
	}
	return pf;
}

struct hit_arg {
	struct cli_keep keep;	/* first: cli_keep_event's argument */
	const struct opts *o;
};

/* The first pass: whether ev may be selected on its own (its user then
 * is read in full).  A match that fails counts as one here. */
static int
hit_event(void *arg, const struct sl_event *ev)
{
	const struct hit_arg *h = arg;
	int err = 0, rc;

	if (ev->time < h->o->since)
		return 0;
	rc = cli_patterns_test(&h->o->pat, h->o->pat.m, ev, 0, &err);
	return rc || err < 0;
}

/* ---- a case: the users whose timeline may hold the literals ----------- */

struct may {
	struct sl_case *c;
	const struct sl_prefilter *pf;
	const struct cli_users *users;
	signed char *v;		/* per user: 0 none of its rows can pass */
	size_t n, from, step;
};

static void *
may_run(void *arg)
{
	const struct may *m = arg;
	size_t i;

	for (i = m->from; i < m->n; i += m->step) {
		struct sl_str u = sl_case_user(m->c, i);

		m->v[i] = !cli_users_want(m->users, u.p, u.n) ||
		    sl_case_user_may_hold(m->c, u.p, u.n, m->pf) != 0;
	}
	return NULL;
}

/*
 * Test every user's timeline for the prefilter's literals, on as many
 * threads as there are processors (up to 4): the test is decompression
 * and a byte search, most of the time of a search over a case.  A
 * timeline that cannot be read is said to pass: its reading says why.
 */
static signed char *
may_hold(struct sl_case *c, const struct sl_prefilter *pf,
    const struct cli_users *users)
{
	struct may m[4];
	pthread_t t[4];
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = sl_case_user_count(c), k, nj;
	int started[4] = { 0 };

	nj = jobs < 1 ? 1 : jobs > 4 ? 4 : (size_t)jobs;
	/* Each test allocates and frees its inflate state and buffers:
	 * from the threads' heaps, not mapped and unmapped each time. */
	if (nj > 1) {
		mallopt(M_MMAP_THRESHOLD, 32 << 20);
		mallopt(M_TRIM_THRESHOLD, 64 << 20);
	}
	if (nj > n)
		nj = n > 0 ? n : 1;
	m[0].v = xrealloc(NULL, n + 1, 1);
	for (k = 0; k < nj; k++) {
		m[k].c = c;
		m[k].pf = pf;
		m[k].users = users;
		m[k].v = m[0].v;
		m[k].n = n;
		m[k].from = k;
		m[k].step = nj;
		if (k > 0)
			started[k] = pthread_create(&t[k], NULL, may_run,
			    &m[k]) == 0;
	}
	may_run(&m[0]);
	for (k = 1; k < nj; k++) {
		if (started[k])
			pthread_join(t[k], NULL);
		else
			may_run(&m[k]);
	}
	return m[0].v;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct ctx x;
	struct cli_scratch scratch = { NULL, NULL };
	struct cli_cases cases = { NULL, 0 };
	struct hit_arg keep;
	struct sl_prefilter *pf = NULL;
	signed char *may = NULL;
	struct sl_reader_opts ro;
	const char *casedir = NULL, *cols = NULL;
	const char **maps = NULL;
	char **watch = NULL;
	char **args;
	size_t nwatch = 0, nmaps = 0, i;
	uint64_t read_errors = 0;
	int ch, nargs = argc - 1, nmodes = 0, color, format;
	long ctxn = -1;

	cli_progname = "grep-sessions";
	memset(&o, 0, sizeof(o));
	memset(&x, 0, sizeof(x));
	sl_reader_opts_init(&ro);
	o.header = 1;
	cli_filter_init(&o.f);
	o.since = INT64_MIN;
	o.until = INT64_MAX;
	o.gap = SL_GAP_DEFAULT;
	o.min_count = o.min_bytes = -1;
	o.before = o.after = -1;
	/* The arguments as given, for audit.log: getopt reorders argv. */
	args = xrealloc(NULL, (size_t)argc + 1, sizeof(*args));
	memcpy(args, argv, ((size_t)argc + 1) * sizeof(*args));

#define PUSH(v, n, x_) do {						\
		(v) = xrealloc((v), (n) + 1, sizeof(*(v)));		\
		(v)[(n)++] = (x_);					\
	} while (0)
	while ((ch = getopt_long(argc, argv, "A:B:C:Fce:f:hik:lo:qstu:vw",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			o.after = cli_number("-A", optarg, 0, 1000000);
			break;
		case 'B':
			o.before = cli_number("-B", optarg, 0, 1000000);
			break;
		case 'C':
			cli_cases_add(&cases, optarg);
			break;
		case 'F':
			o.pat.flags |= SL_MATCH_FIXED;
			break;
		case 'c':
			o.mode = M_COUNT;
			nmodes++;
			break;
		case 'e':
		case 'f':
		case 'k':
			cli_patterns_arg(&o.pat, ch, optarg);
			break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			cli_close_stdout();
			exit(0);
		case 'i':
			o.pat.flags |= SL_MATCH_ICASE;
			break;
		case 'l':
			o.mode = M_LIST;
			nmodes++;
			break;
		case 'o':
			cols = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 's':
			o.mode = M_SESSIONS;
			nmodes++;
			break;
		case 't':
			o.mode = M_TIMELINE;
			nmodes++;
			break;
		case 'u':
			cli_users_add(&o.users, optarg);
			break;
		case 'v':
			o.invert = 1;
			break;
		case 'w':
			o.pat.flags |= SL_MATCH_WORD;
			break;
		case OPT_ACTION:
			o.actions |= cli_parse_set("--action", optarg,
			    sl_action_parse);
			break;
		case OPT_ALL:
			o.all = 1;
			break;
		case OPT_CONTEXT:
			ctxn = cli_number("--context", optarg, 0, 1000000);
			break;
		case OPT_GAP:
			if (sl_duration_parse(optarg, &o.gap) < 0 ||
			    o.gap <= 0)
				cli_die("--gap: \"%s\" is not a duration "
				    "(like 30m, 90s, 1h)", optarg);
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_MAP:
			PUSH(maps, nmaps, optarg);
			break;
		case OPT_MIN_BYTES:
			o.min_bytes = cli_number("--min-bytes", optarg, 0,
			    LONG_MAX);
			break;
		case OPT_MIN_COUNT:
			o.min_count = cli_number("--min-count", optarg, 0,
			    LONG_MAX);
			break;
		case OPT_NO_HEADER:
			o.header = 0;
			break;
		case OPT_NO_PURPOSE:
			o.no_purpose = 1;
			break;
		case OPT_OUTCOME:
			o.outcomes |= cli_parse_set("--outcome", optarg,
			    sl_outcome_parse);
			break;
		case OPT_PROFILE:
			ro.profile = optarg;
			break;
		case OPT_RAW:
			o.raw = 1;
			o.need_raw = 1;
			break;
		case OPT_SINCE:
			o.f.since_arg = optarg;
			break;
		case OPT_TZ:
			cli_filter_tz(&o.f, optarg);
			break;
		case OPT_UNTIL:
			o.f.until_arg = optarg;
			break;
		case OPT_HOURS:
			cli_filter_hours(&o.f, optarg);
			break;
		case OPT_WEEKDAYS:
			cli_filter_weekdays(&o.f, optarg);
			break;
		case OPT_VERSION:
			cli_version();
		case OPT_WATCHLIST:
			PUSH(watch, nwatch, optarg);
			break;
		case OPT_FOLLOW:
			ro.follow = 1;
			break;
		case OPT_YEAR:
			ro.year = cli_year(optarg);
			break;
		case OPT_MAX_RECORD:
			ro.max_record = cli_size("--max-record", optarg, 64,
			    SL_MAX_RECORD_LIMIT);
			break;
		default:
			usage(stderr);
			exit(EXIT_TROUBLE);
		}
	}
#undef PUSH
	argc -= optind;
	argv += optind;
	if (nmodes > 1)
		cli_die("-c, -l, -s and -t cannot be combined");
	if (ctxn >= 0) {
		if (o.before < 0)
			o.before = ctxn;
		if (o.after < 0)
			o.after = ctxn;
	}
	if (o.before < 0)
		o.before = 0;
	if (o.after < 0)
		o.after = 0;
	if ((o.before > 0 || o.after > 0) && o.mode != M_EVENTS)
		cli_die("-A, -B and --context go with the default output "
		    "only");
	if (o.raw && (o.mode == M_LIST || o.mode == M_COUNT || o.json ||
	    cols != NULL))
		cli_die("--raw prints events: not with -c, -l, -o or --json");
	cli_filter_check(&o.f);
	o.ptz = cli_filter_print_tz(&o.f);

	/* Patterns: -e, -f, --watchlist (any of them) and -k (all). */
	cli_patterns_compile(&o.pat);
	if (nwatch > 0)
		parse_watchlists(&o, watch, nwatch);
	if (o.invert && o.pat.nconds == 0)
		cli_die("-v needs a pattern (-e, -f, -k or --watchlist)");
	cli_users_sort(&o.users);
	/* -k raw=... needs the records kept. */
	if (o.pat.need_raw)
		o.need_raw = 1;
	format = out_format_for(stdout, o.json);
	color = out_color_for(stdout, format);
	set_columns(&o, cols, format == OUT_TABLE);
	x.o = &o;
	if (o.watch != NULL)
		x.wh = xrealloc(NULL, sl_watch_count(o.watch) + 1,
		    sizeof(*x.wh));
	x.format = format;
	x.utf8 = out_utf8();
	x.out = out_new(stdout, format, o.header, color,
	    o.mode == M_SESSIONS || o.mode == M_TIMELINE ? "event" : NULL);
	{
		const char *names[ARRAY_LEN(o.cols)];

		for (i = 0; i < o.ncols; i++)
			names[i] = col_name(o.cols[i]);
		out_names(x.out, names, o.ncols);
	}
	/* A table fits the screen by cutting free text, never the time,
	 * action, outcome or numbers. */
	out_fit(x.out, out_term_width(stdout), x.utf8 ? "\u2026" : "~");
	for (i = 0; i < ARRAY_LEN(cut_first); i++)
		out_cut(x.out, cut_first[i], 1);
	for (i = 0; i < ARRAY_LEN(cut_last); i++)
		out_cut(x.out, cut_last[i], 2);
	x.hl.find = hl_find;
	x.hl.arg = o.pat.m;

	if (argc > 0) {
		/* Raw sources: their zone-less times are in the run's. */
		cli_filter_resolve(&o.f, NULL);
		o.since = o.f.since;
		o.until = o.f.until;
		ro.tz = o.f.tz_arg;
		ro.maps = maps;
		ro.nmaps = nmaps;
		keep.keep.users = &o.users;
		keep.keep.until = o.until;
		keep.o = &o;
		pf = selection_prefilter(&o, 1);
		x.c = cli_scratch_open_hits(&scratch,
		    (const char *const *)argv, (size_t)argc, &ro, pf,
		    hit_event, cli_keep_event, &keep, &read_errors);
		if (read_errors > 0)
			x.tot.trouble = 1;
	} else {
		x.c = cli_cases_open(&cases, &scratch, &casedir,
		    "grep-sessions", nargs, args + 1);
		cli_filter_resolve(&o.f, x.c);
		o.since = o.f.since;
		o.until = o.f.until;
		pf = selection_prefilter(&o, 0);
		/* -q stops at its first answer: no test of them all
		 * ahead, each user's as it comes. */
		if (pf != NULL && !o.quiet)
			may = may_hold(x.c, pf, &o.users);
	}

	for (i = 0; i < sl_case_user_count(x.c); i++) {
		struct sl_str user = sl_case_user(x.c, i);

		/* A user none of whose rows can be selected is left out
		 * before its rows are parsed. */
		if (may != NULL ? !may[i] : argc == 0 && pf != NULL &&
		    sl_case_user_may_hold(x.c, user.p, user.n, pf) == 0)
			continue;
		if (cli_users_want(&o.users, user.p, user.n) &&
		    process_user(&x, user)) {
			/* -q: the answer is known; errors so far do not
			 * change it, as with grep -q. */
			x.tot.trouble = 0;
			break;
		}
	}
	cli_users_missing(&o.users, x.c);

	out_flush(x.out);
	out_free(x.out);
	user_free(&x.u);
	cli_cases_close(&scratch, x.c);
	free(cases.v);
	cli_patterns_release(&o.pat);
	sl_prefilter_free(pf);
	free(may);
	sl_watch_free(o.watch);
	free(x.wh);
	cli_filter_release(&o.f);
	cli_users_release(&o.users);
	free(watch);
	free(maps);
	free(args);
	cli_close_stdout();
	if (x.tot.trouble)
		return EXIT_TROUBLE;
	return x.tot.selected > 0 ? EXIT_FOUND : EXIT_NOTHING;
}
