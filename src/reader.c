/* reader.c: sources to normalised events, joining walk, splitter and profile. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Records looked at to recognise a log's format. */
#define DETECT_RECORDS 32

enum state {
	ST_WALK = 0,	/* between logs: ask the walk for the next item */
	ST_BEGIN,	/* a log is open, LOG_BEGIN not yet handed out */
	ST_RECORDS,	/* handing out its records */
	ST_FLUSH,	/* records done, flush the extractor */
	ST_END,		/* ask the walk for the log's LOG_END */
	ST_UNREAD_BEGIN,	/* a log not read (SL_WALK_UNREAD) was told: */
	ST_UNREAD_END,		/* its LOG_BEGIN and LOG_END */
};

/* A record copied out of the splitter while detecting the format. */
struct held {
	char *p;
	size_t n;
	uint64_t line, offset;
	unsigned flags;
};

/* How the records a prefilter leaves out are counted in opts.keys: not at
 * all (none is left out, or none has a scoped key), by a byte search of
 * their key's names, or they cannot be (the count is then incomplete). */
enum { KEYS_NONE, KEYS_SCAN, KEYS_CANNOT };
#define KEY_NAMES 8

struct sl_reader {
	const struct sl_profileset *ps;
	const struct sl_profile *forced;
	struct sl_reader_opts opts;
	struct sl_tz *tz;
	struct sl_walk *walk;
	uint64_t errors;
	int state;
	struct sl_walk_item notread;	/* ST_UNREAD_*: borrowed from the walk */

	/* The open log. */
	char *name;
	int64_t mtime;
	struct sl_split *split;
	const struct sl_profile *profile;
	struct sl_extractor *x;
	struct sl_log_stats st;
	int csv_join;		/* join lines of quoted newlines while replaying */
	struct held held[DETECT_RECORDS];
	size_t nheld, ihold;
	int split_done;		/* the splitter reached its end or failed */
	int unread;		/* no profile: said so, records are rejects */
	int told;		/* the extractor's problem with the log said */
	int pf_on;		/* opts.prefilter applies to this log */
	/* opts.keys: how the open log's records that the prefilter leaves
	 * out are counted (KEYS_*), with the names of their key ("NAME",
	 * quoted, in kpat) and the hash of its scope; the hashes wait in
	 * kbuf to be added. */
	int keys;
	/* A prefilter of users' names only, on a log whose user is the
	 * value of one of the member names uname ("NAME", quoted, in upat):
	 * a record passes when one of those values is one of the names,
	 * not whenever a name is anywhere in it. */
	int users;
	struct sl_str uname[KEY_NAMES];
	size_t nuname;
	struct sl_buf upat;
	struct sl_str kname[KEY_NAMES];
	size_t nkname;
	struct sl_buf kpat;
	uint64_t kscope;
	uint64_t kbuf[1024];
	size_t kn;
	char *pending[8];	/* errors met while detecting the format */
	size_t npending, ipending;
	uint64_t pending_lost;	/* more of them than pending holds */

	int64_t prev;		/* time of the log's previous event, or
				 * INT64_MIN */
	const char *year_from;	/* where times without a year got theirs */
	struct sl_buf notes;	/* the log's stats.notes */
	struct sl_stream *stream;	/* the log's, until the walk goes on */
	uint64_t corrupt;	/* places where data was lost */
	uint64_t toolong;	/* records rejected as too long */
	uint64_t lost;		/* compressed bytes lost in them, if known */
	int warned;		/* the repaired JSON was told */

	struct sl_event ev;
	struct sl_buf msg;	/* reasons and errors handed out */
	struct sl_buf rec;	/* a record joined from held lines */
};

/* Add the hashes waiting in kbuf to opts.keys. */
static void
keys_flush(struct sl_reader *r)
{
	if (r->kn > 0)
		sl_keycount_add(r->opts.keys, r->kbuf, r->kn);
	r->kn = 0;
}

static void
keys_put(struct sl_reader *r, uint64_t h)
{
	if (r->kn == SL_ARRAY_LEN(r->kbuf))
		keys_flush(r);
	r->kbuf[r->kn++] = h;
}

static void
log_close(struct sl_reader *r)
{
	size_t i;

	keys_flush(r);
	r->keys = KEYS_NONE;
	for (i = 0; i < r->nheld; i++)
		free(r->held[i].p);
	r->nheld = r->ihold = 0;
	for (i = 0; i < r->npending; i++)
		free(r->pending[i]);
	r->npending = r->ipending = 0;
	r->pending_lost = 0;
	sl_extractor_free(r->x);
	r->x = NULL;
	sl_split_free(r->split);
	r->split = NULL;
	r->stream = NULL;
	free(r->name);
	r->name = NULL;
	r->profile = NULL;
	r->split_done = 0;
	r->csv_join = 0;
	r->unread = 0;
	r->told = 0;
	r->pf_on = 0;
}

struct sl_reader *
sl_reader_new(const char *const *sources, size_t n,
    const struct sl_profileset *ps, const struct sl_reader_opts *opts,
    char *err, size_t errlen)
{
	struct sl_walk_opts wo = { 0 };
	struct sl_reader *r;

	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		sl_seterr(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	r->ps = ps;
	switch (sl_opts_copy(&r->opts, sizeof(r->opts), opts)) {
	case -EINVAL:
		sl_seterr(err, errlen, "reader options not initialised "
		    "(sl_reader_opts_init)");
		goto fail;
	case -E2BIG:
		sl_seterr(err, errlen, "reader options of a later version "
		    "set options this version does not know");
		goto fail;
	}
	if (r->opts.max_record == 0)
		r->opts.max_record = SL_MAX_RECORD_DEFAULT;
	if (r->opts.max_record > SL_MAX_RECORD_LIMIT) {
		sl_seterr(err, errlen, "a record limit of %zu bytes is over "
		    "the largest the case can store (%zu)",
		    r->opts.max_record, (size_t)SL_MAX_RECORD_LIMIT);
		goto fail;
	}
	if (r->opts.max_depth == 0)
		r->opts.max_depth = SL_MAX_DEPTH_DEFAULT;
	if (r->opts.profile != NULL) {
		r->forced = sl_profileset_find(ps, r->opts.profile);
		if (r->forced == NULL) {
			sl_seterr(err, errlen, "unknown profile \"%s\"",
			    r->opts.profile);
			goto fail;
		}
	}
	r->tz = sl_tz_load(r->opts.tz != NULL ? r->opts.tz : "UTC", err,
	    errlen);
	if (r->tz == NULL)
		goto fail;
	/* Check --map once, before any log, so a typo is an error at once:
	 * with the profile given, or else with some profile (a path may name
	 * a profile's table); the first profile's complaint is the one said,
	 * a typo gets the same from all. */
	if (r->opts.nmaps > 0 && (r->forced != NULL ||
	    sl_profileset_count(ps) > 0)) {
		struct sl_extract_opts xo = { 0 };
		size_t i, np = sl_profileset_count(ps);
		char e2[256];

		xo.maps = r->opts.maps;
		xo.nmaps = r->opts.nmaps;
		xo.tz = r->tz;
		if (r->forced != NULL)
			r->x = sl_extractor_new(r->forced, &xo, err, errlen);
		for (i = 0; r->forced == NULL && r->x == NULL && i < np; i++)
			r->x = sl_extractor_new(sl_profileset_find(ps,
			    sl_profileset_name(ps, i)), &xo,
			    i == 0 ? err : e2, i == 0 ? errlen : sizeof(e2));
		if (r->x == NULL)
			goto fail;
		sl_extractor_free(r->x);
		r->x = NULL;
	}
	wo.max_depth = r->opts.max_depth;
	wo.tmpdir = r->opts.tmpdir;
	wo.skip = r->opts.skip;
	wo.skip_arg = r->opts.skip_arg;
	wo.part = r->opts.part;
	wo.nparts = r->opts.nparts;
	wo.follow = r->opts.follow;
	wo.max_expand = r->opts.max_expand;
	wo.max_expand_bytes = r->opts.max_expand_bytes;
	r->walk = sl_walk_new(sources, n, &wo);
	if (r->walk == NULL) {
		sl_seterr(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	return r;
fail:
	sl_reader_free(r);
	return NULL;
}

void
sl_reader_free(struct sl_reader *r)
{
	if (r == NULL)
		return;
	log_close(r);
	sl_walk_free(r->walk);
	sl_tz_free(r->tz);
	sl_buf_release(&r->msg);
	sl_buf_release(&r->notes);
	sl_buf_release(&r->rec);
	sl_buf_release(&r->kpat);
	sl_buf_release(&r->upat);
	free(r);
}

uint64_t
sl_reader_errors(const struct sl_reader *r)
{
	return r->errors;
}

/* Quote at most max bytes of p for a message, escaping what a terminal or a
 * TSV file should not see. */
static void
quote(struct sl_buf *b, const char *p, size_t n, size_t max)
{
	size_t i;

	sl_buf_addc(b, '"');
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7f)
			sl_buf_printf(b, "\\x%02x", c);
		else
			sl_buf_addc(b, c);
	}
	sl_buf_addc(b, '"');
	if (n > max)
		sl_buf_adds(b, "...");
}

static int
error_item(struct sl_reader *r, struct sl_item *it, const char *name,
    const char *fmt, ...) SL_PRINTF(4, 5);

static int
error_item(struct sl_reader *r, struct sl_item *it, const char *name,
    const char *fmt, ...)
{
	va_list ap;
	int len;

	sl_buf_reset(&r->msg);
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || sl_buf_grow(&r->msg, (size_t)len) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(r->msg.p, (size_t)len + 1, fmt, ap);
	va_end(ap);
	r->msg.n = (size_t)len;
	memset(it, 0, sizeof(*it));
	it->type = SL_ITEM_ERROR;
	it->name = name != NULL ? name : "";
	it->profile = "";
	it->reason = r->msg.p;
	r->errors++;
	return 1;
}

/* Malformed JSON read as meant: one warning for the log, not an error
 * (nothing was lost). */
static int
repair_item(struct sl_reader *r, struct sl_item *it)
{
	const char *what;
	uint64_t first, n;
	int rc;

	n = sl_split_repairs(r->split, &first, &what);
	if (n == 1)
		rc = error_item(r, it, r->name, "malformed JSON read as "
		    "meant at byte %llu: %s", (unsigned long long)first, what);
	else
		rc = error_item(r, it, r->name, "malformed JSON read as "
		    "meant at %llu places, the first at byte %llu: %s",
		    (unsigned long long)n, (unsigned long long)first, what);
	if (rc == 1) {
		it->type = SL_ITEM_WARNING;
		r->errors--;
	}
	return rc;
}

/* Keep a message met while looking at the first records. */
static int
pend(struct sl_reader *r, const char *msg)
{
	char *m;

	if (r->npending == SL_ARRAY_LEN(r->pending)) {
		r->pending_lost++;
		return 0;
	}
	m = strdup(msg);
	if (m == NULL)
		return -ENOMEM;
	r->pending[r->npending++] = m;
	return 0;
}

static int
hold(struct sl_reader *r, const struct sl_record *rec)
{
	struct held *h = &r->held[r->nheld];

	h->p = sl_strndup(rec->p, rec->n);
	if (h->p == NULL)
		return -ENOMEM;
	h->n = rec->n;
	h->line = rec->line;
	h->offset = rec->offset;
	h->flags = rec->flags;
	r->nheld++;
	return 0;
}

/* The splitter's next record, counting the places where data was lost. */
static int
split_next(struct sl_reader *r, struct sl_record *rec)
{
	int rc = sl_split_next(r->split, rec);

	if (rc == SL_EDISCONT)
		r->corrupt++;
	return rc;
}

/* The names[0..n) as a byte search looks for them, "NAME", in buf;
 * 0 or -ENOMEM. */
static int
quote_names(struct sl_str *names, size_t n, struct sl_buf *buf)
{
	size_t i, off[KEY_NAMES];

	sl_buf_reset(buf);
	for (i = 0; i < n; i++) {
		off[i] = buf->n;
		if (sl_buf_addc(buf, '"') < 0 ||
		    sl_buf_add(buf, names[i].p, names[i].n) < 0 ||
		    sl_buf_addc(buf, '"') < 0)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		names[i].p = buf->p + off[i];
		names[i].n += 2;
	}
	return 0;
}

/* How the open log's records that the prefilter leaves out are counted in
 * opts.keys (r->keys); 0 or -ENOMEM. */
static int
keys_setup(struct sl_reader *r)
{
	struct sl_str scope;
	int rc;

	rc = sl_extractor_key_names(r->x, r->kname, KEY_NAMES, &r->nkname,
	    &scope);
	r->keys = rc > 0 ? KEYS_SCAN : rc == 0 ? KEYS_NONE : KEYS_CANNOT;
	if (rc <= 0)
		return 0;
	if (quote_names(r->kname, r->nkname, &r->kpat) < 0)
		return -ENOMEM;
	r->kscope = sl_key_hash_scope(scope.p, scope.n);
	return 0;
}

/* Whether the open log's records can be tested by their users' values
 * (r->users); 0 or -ENOMEM. */
static int
users_setup(struct sl_reader *r)
{
	r->users = sl_prefilter_exact(r->opts.prefilter, SL_FIELD_USER) &&
	    sl_extractor_user_names(r->x, r->uname, KEY_NAMES,
	    &r->nuname) > 0;
	if (r->users && quote_names(r->uname, r->nuname, &r->upat) < 0)
		return -ENOMEM;
	return 0;
}

static int
user_one(void *arg, const char *v, size_t n)
{
	return sl_prefilter_is_one(arg, v, n);
}

/* The prefilter's test of a record: with r->users, whether one of the
 * values of the user's members is one of the names (or a byte search
 * cannot tell: the record is parsed), else whether the record holds
 * what the prefilter looks for. */
static int
prefilter_pass(struct sl_reader *r, const struct sl_record *rec)
{
	if (r->users)
		return sl_json_member_strings(rec->p, rec->n, r->uname,
		    r->nuname, 1, user_one, (void *)r->opts.prefilter) != 0;
	return sl_prefilter_pass(r->opts.prefilter, rec->p, rec->n);
}

/* Count the key of a record the prefilter leaves out; 0 when done, 1 when
 * the record must be parsed for it. */
static int
keys_left_out(struct sl_reader *r, const struct sl_record *rec)
{
	uint64_t h[16];
	int n, i;

	switch (r->keys) {
	case KEYS_SCAN:
		n = sl_json_key_scan(rec->p, rec->n, r->kname, r->nkname,
		    r->kscope, h, SL_ARRAY_LEN(h));
		if (n < 0)
			return 1;
		for (i = 0; i < n; i++)
			keys_put(r, h[i]);
		return 0;
	case KEYS_CANNOT:
		sl_keycount_incomplete(r->opts.keys);
		r->keys = KEYS_NONE;	/* said once */
		return 0;
	default:
		return 0;
	}
}

/*
 * Open the log just handed out by the walk: choose the splitter mode and the
 * profile.  Returns 1 with an item (an ERROR when the log cannot be read), 0
 * when the log is ready for LOG_BEGIN, or -ENOMEM.
 */
static int
log_open(struct sl_reader *r, const struct sl_walk_item *w, struct sl_item *it)
{
	struct sl_extract_opts xo = { 0 };
	struct sl_record rec;
	char err[256];
	int c, rc;

	memset(&r->st, 0, sizeof(r->st));
	r->st.first = r->st.last = INT64_MIN;
	r->st.notes = "";
	r->prev = INT64_MIN;
	sl_buf_reset(&r->notes);
	r->stream = w->stream;
	r->corrupt = r->lost = r->toolong = 0;
	r->warned = 0;
	r->name = strdup(w->name);
	if (r->name == NULL)
		return -ENOMEM;
	r->mtime = w->mtime;
	r->split = sl_split_new(w->stream, SL_SPLIT_LINES, r->opts.max_record);
	if (r->split == NULL)
		return -ENOMEM;
	c = sl_split_peek(r->split);
	if (r->forced != NULL) {
		r->profile = r->forced;
		sl_split_set_mode(r->split, sl_profile_split_mode(r->profile));
	} else if (c == '{' || c == '[') {
		sl_split_set_mode(r->split, SL_SPLIT_JSON);
	}
	if (r->profile == NULL) {
		while (r->nheld < DETECT_RECORDS) {
			rc = split_next(r, &rec);
			if (rc == -ENOMEM)
				return rc;
			if (rc < 0) {
				/* Lost or truncated data: told after
				 * LOG_BEGIN, in order with the records. */
				if (pend(r, sl_split_error(r->split)) < 0)
					return -ENOMEM;
				if (rc == SL_EDISCONT)
					continue;
			}
			if (rc <= 0) {
				r->split_done = 1;
				break;
			}
			if (hold(r, &rec) < 0)
				return -ENOMEM;
		}
		if (r->nheld == 0) {
			r->split_done = 1;
			return 0;
		}
		{
			struct sl_record recs[DETECT_RECORDS];
			size_t i;

			for (i = 0; i < r->nheld; i++) {
				recs[i].p = r->held[i].p;
				recs[i].n = r->held[i].n;
				recs[i].line = r->held[i].line;
				recs[i].offset = r->held[i].offset;
				recs[i].flags = r->held[i].flags;
			}
			r->profile = sl_profileset_detect(r->ps, recs,
			    r->nheld);
		}
		if (r->profile == NULL)
			return 0;
		if (sl_profile_split_mode(r->profile) == SL_SPLIT_CSV) {
			r->csv_join = 1;
			sl_split_set_mode(r->split, SL_SPLIT_CSV);
		}
	}
	xo.maps = r->opts.maps;
	xo.nmaps = r->opts.nmaps;
	xo.tz = r->tz;
	/* The year of times without one: never today's, so that reading
	 * the same evidence gives the same answer on any day. */
	if (r->opts.year > 0) {
		xo.year = r->opts.year;
		r->year_from = "option";
	} else if (r->mtime != INT64_MIN && r->mtime != 0) {
		xo.ref_time = r->mtime;
		r->year_from = "mtime";
	} else {
		xo.near_time = r->opts.evidence_time;
		r->year_from = "evidence";
	}
	r->x = sl_extractor_new(r->profile, &xo, err, sizeof(err));
	if (r->x == NULL)
		return error_item(r, it, r->name, "%s", err);
	/* JSON only: a CSV header, a key=value line or an auditd group is
	 * more than its own event. */
	r->pf_on = r->opts.prefilter != NULL &&
	    sl_profile_reader(r->profile) == SL_READ_JSON &&
	    sl_extractor_verbatim(r->x,
	    sl_prefilter_fields(r->opts.prefilter));
	r->users = 0;
	if (r->pf_on && users_setup(r) < 0)
		return -ENOMEM;
	if (r->pf_on && r->opts.keys != NULL)
		return keys_setup(r);
	return 0;
}

/* Odd number of double quotes: a CSV record that goes on past this line. */
static int
quotes_open(const char *p, size_t n, int open)
{
	const char *q = p, *end = p + n;

	while ((q = memchr(q, '"', (size_t)(end - q))) != NULL) {
		open = !open;
		q++;
	}
	return open;
}

/*
 * The next record of the open log: held records first (joined across lines
 * when a CSV quoted field holds a newline), then the splitter.  Returns 1, 0
 * at the end, SL_EDISCONT, or another negative value from the splitter.
 */
static int
next_record(struct sl_reader *r, struct sl_record *rec)
{
	struct held *h;
	int open, rc;

	if (r->ihold >= r->nheld) {
		if (r->split_done)
			return 0;
		return split_next(r, rec);
	}
	h = &r->held[r->ihold++];
	rec->p = h->p;
	rec->n = h->n;
	rec->line = h->line;
	rec->offset = h->offset;
	rec->flags = h->flags;
	if (!r->csv_join || !(open = quotes_open(h->p, h->n, 0)))
		return 1;
	sl_buf_reset(&r->rec);
	if (sl_buf_add(&r->rec, h->p, h->n) < 0)
		return -ENOMEM;
	while (open) {
		struct sl_record more;

		if (r->ihold < r->nheld) {
			h = &r->held[r->ihold++];
			more.p = h->p;
			more.n = h->n;
			more.flags = h->flags;
		} else if (r->split_done) {
			break;
		} else {
			/* Held lines were split without quote tracking;
			 * what follows them still is, line by line. */
			sl_split_set_mode(r->split, SL_SPLIT_LINES);
			rc = split_next(r, &more);
			sl_split_set_mode(r->split, SL_SPLIT_CSV);
			if (rc <= 0) {
				if (rc != SL_EDISCONT)
					r->split_done = 1;
				rec->flags |= SL_REC_CUT;
				break;
			}
		}
		if (r->rec.n + 1 + more.n > r->opts.max_record) {
			rec->flags |= SL_REC_TOOLONG;
			break;
		}
		if (sl_buf_addc(&r->rec, '\n') < 0 ||
		    sl_buf_add(&r->rec, more.p, more.n) < 0)
			return -ENOMEM;
		rec->flags |= more.flags;
		open = quotes_open(more.p, more.n, open);
	}
	rec->p = r->rec.p;
	rec->n = r->rec.n;
	return 1;
}

/* Add a word to the log's notes (sessionlog(5) lists them). */
static int
note(struct sl_reader *r, const char *fmt, ...) SL_PRINTF(2, 3);

static int
note(struct sl_reader *r, const char *fmt, ...)
{
	va_list ap;
	char w[256];

	va_start(ap, fmt);
	vsnprintf(w, sizeof(w), fmt, ap);
	va_end(ap);
	if ((r->notes.n > 0 && sl_buf_addc(&r->notes, ' ') < 0) ||
	    sl_buf_adds(&r->notes, w) < 0)
		return -ENOMEM;
	return 0;
}

/* A word name=value whose value may hold anything: space, '%' and control
 * bytes are written %XX, so that the notes stay words (sessionlog(5)). */
static int
note_value(struct sl_reader *r, const char *name, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if ((r->notes.n > 0 && sl_buf_addc(&r->notes, ' ') < 0) ||
	    sl_buf_adds(&r->notes, name) < 0 ||
	    sl_buf_addc(&r->notes, '=') < 0)
		return -ENOMEM;
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p <= ' ' || *p == '%' || *p == 0x7f) {
			if (sl_buf_addc(&r->notes, '%') < 0 ||
			    sl_buf_addc(&r->notes, hex[*p >> 4]) < 0 ||
			    sl_buf_addc(&r->notes, hex[*p & 15]) < 0)
				return -ENOMEM;
		} else if (sl_buf_addc(&r->notes, *p) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* The options the log was read with that change what it gives. */
static int
option_notes(struct sl_reader *r)
{
	size_t i;

	if (r->forced != NULL && note(r, "profile=forced") < 0)
		return -ENOMEM;
	for (i = 0; i < r->opts.nmaps; i++)
		if (note_value(r, "map", r->opts.maps[i]) < 0)
			return -ENOMEM;
	if (r->opts.max_record != 0 &&
	    r->opts.max_record != SL_MAX_RECORD_DEFAULT &&
	    note(r, "max-record=%zu", r->opts.max_record) < 0)
		return -ENOMEM;
	if (r->opts.max_expand != 0 &&
	    r->opts.max_expand != SL_MAX_EXPAND_DEFAULT &&
	    (r->opts.max_expand == SL_EXPAND_UNLIMITED ?
	    note(r, "max-expand=0") : note(r, "max-expand=%llu",
	    (unsigned long long)r->opts.max_expand)) < 0)
		return -ENOMEM;
	if (r->opts.max_expand_bytes != 0 && note(r, "max-expand-bytes=%llu",
	    (unsigned long long)r->opts.max_expand_bytes) < 0)
		return -ENOMEM;
	return 0;
}

/* The notes of a row the walk gives (an archive's, a log not read): an
 * incomplete one has the options too, for deciding whether to read it
 * again (ingest(1)). */
static int
walk_notes(struct sl_reader *r, const struct sl_walk_item *w)
{
	if (w->stats.notes == NULL || w->stats.notes[0] == '\0')
		return 0;
	sl_buf_reset(&r->notes);
	if (option_notes(r) < 0 || note(r, "%s", w->stats.notes) < 0)
		return -ENOMEM;
	r->st.notes = r->notes.p;
	return 0;
}

/* The notes and counts that only the extractor knows, at the log's end. */
static int
log_notes(struct sl_reader *r)
{
	struct sl_extract_counts xc = { 0 };
	const char *what;
	uint64_t first, n;

	if (r->x != NULL)
		sl_extractor_counts(r->x, &xc);
	r->st.zoneless = xc.zoneless;
	if (option_notes(r) < 0)
		return -ENOMEM;
	if (xc.fractional > 0 &&
	    note(r, "fractional=%llu", (unsigned long long)xc.fractional) < 0)
		return -ENOMEM;
	if (xc.yearless > 0 && xc.year_lo == xc.year_hi &&
	    note(r, "year=%lld/%s", (long long)xc.year_lo, r->year_from) < 0)
		return -ENOMEM;
	if (xc.yearless > 0 && xc.year_lo != xc.year_hi &&
	    note(r, "year=%lld-%lld/%s", (long long)xc.year_lo,
	    (long long)xc.year_hi, r->year_from) < 0)
		return -ENOMEM;
	if (r->split != NULL && sl_split_failed(r->split) != 0 &&
	    note(r, "truncated=%llu",
	    (unsigned long long)sl_split_tell(r->split)) < 0)
		return -ENOMEM;
	if (r->corrupt > 0 &&
	    note(r, "corrupt=%llu", (unsigned long long)r->corrupt) < 0)
		return -ENOMEM;
	if (r->toolong > 0 &&
	    note(r, "toolong=%llu", (unsigned long long)r->toolong) < 0)
		return -ENOMEM;
	if (r->lost > 0 &&
	    note(r, "lost=%llu", (unsigned long long)r->lost) < 0)
		return -ENOMEM;
	n = r->split != NULL ? sl_split_repairs(r->split, &first, &what) : 0;
	if (n > 0 && note(r, "repaired=%llu", (unsigned long long)n) < 0)
		return -ENOMEM;
	r->st.notes = r->notes.p != NULL ? r->notes.p : "";
	return 0;
}

static void
count_event(struct sl_reader *r, const struct sl_event *ev)
{
	/* The sorted case loses the order the source wrote; keep how often
	 * it went back in time, for the integrity checks. */
	if (r->prev != INT64_MIN && ev->time < r->prev &&
	    r->prev - ev->time > sl_profile_tolerance(r->profile))
		r->st.reversals++;
	r->prev = ev->time;
	r->st.accepted++;
	if (r->st.first == INT64_MIN || ev->time < r->st.first)
		r->st.first = ev->time;
	if (r->st.last == INT64_MIN || ev->time > r->st.last)
		r->st.last = ev->time;
}

static void
event_item(struct sl_reader *r, struct sl_item *it, const struct sl_record *rec)
{
	struct sl_event *ev = &r->ev;

	ev->profile.p = sl_profile_name(r->profile);
	ev->profile.n = strlen(ev->profile.p);
	ev->origin.p = r->name;
	ev->origin.n = strlen(r->name);
	/* A grouped record (auditd) brings its own raw lines and position. */
	if (rec != NULL && ev->raw.p == NULL) {
		ev->line = rec->line;
		ev->offset = rec->offset;
		ev->raw.p = rec->p;
		ev->raw.n = rec->n;
	}
	r->st.records++;
	count_event(r, ev);
	if (r->opts.keys != NULL && ev->key.n > 0 && ev->scope.n > 0)
		keys_put(r, sl_key_hash(ev->scope.p, ev->scope.n, ev->key.p,
		    ev->key.n));
	memset(it, 0, sizeof(*it));
	it->type = SL_ITEM_EVENT;
	it->ev = ev;
	it->name = r->name;
	it->profile = ev->profile.p;
}

static const char *const code_names[] = {
	[SL_REJECT_OTHER] = "not readable",
	[SL_REJECT_NO_PROFILE] = "no profile recognises this log",
	[SL_REJECT_TOO_LONG] = "record longer than the limit",
	[SL_REJECT_CUT] = ("record cut short (data lost, or the log ends "
	    "inside it)"),
	[SL_REJECT_INVALID_JSON] = "invalid JSON",
	[SL_REJECT_NOT_OBJECT] = "not a JSON object",
	[SL_REJECT_BAD_ROW] = "row that does not split into fields",
	[SL_REJECT_FIELD_COUNT] = "not as many fields as the header",
	[SL_REJECT_NO_TIME_COLUMN] = "no column gives the time",
	[SL_REJECT_NO_TIME] = "no time field",
	[SL_REJECT_BAD_TIME] = "unparseable time",
	[SL_REJECT_NO_YEAR] = "no year: give --year",
	[SL_REJECT_NO_USER] = "no user",
};

const char *
sl_reject_code_name(int code)
{
	if (code < 0 || (size_t)code >= SL_ARRAY_LEN(code_names) ||
	    code_names[code] == NULL)
		return code_names[SL_REJECT_OTHER];
	return code_names[code];
}

static void
reject_item(struct sl_reader *r, struct sl_item *it, const char *reason,
    int code, uint64_t line, uint64_t offset, const char *p, size_t n)
{
	r->st.records++;
	r->st.rejected++;
	if (code == SL_REJECT_TOO_LONG)
		r->toolong++;
	memset(it, 0, sizeof(*it));
	it->type = SL_ITEM_REJECT;
	it->name = r->name;
	it->profile = r->profile != NULL ? sl_profile_name(r->profile) : "";
	it->reason = reason;
	it->code = code;
	it->line = line;
	it->offset = offset;
	it->raw.p = p;
	it->raw.n = n;
}

/* An item of what the extractor gave (rc != 0) for rec, or for an event
 * it handed out by itself (rec NULL, or its raw set). */
static int
extracted(struct sl_reader *r, struct sl_item *it, int rc, const char *reason,
    const struct sl_record *rec)
{
	if (rc == 1) {
		event_item(r, it, rec);
		return 1;
	}
	if (rc == -ENOMEM)
		return rc;
	if (r->ev.raw.p != NULL || rec == NULL)
		reject_item(r, it, reason != NULL ? reason :
		    "not readable", sl_extract_code(r->x), r->ev.line,
		    r->ev.offset, r->ev.raw.p, r->ev.raw.n);
	else
		reject_item(r, it, reason != NULL ? reason :
		    "not readable", sl_extract_code(r->x), rec->line,
		    rec->offset, rec->p, rec->n);
	return 1;
}

/* One step over the open log's records; returns as sl_reader_next does, or
 * 2 when the log has no more records. */
static int
log_step(struct sl_reader *r, struct sl_item *it)
{
	struct sl_record rec;
	const char *reason = NULL;
	int rc;

	for (;;) {
		/* Events that an earlier record completed come first. */
		memset(&r->ev, 0, sizeof(r->ev));
		rc = sl_extract_next(r->x, &r->ev, &reason);
		if (rc != 0)
			return extracted(r, it, rc, reason, NULL);
		rc = next_record(r, &rec);
		if (rc == 0) {
			r->split_done = 1;
			return 2;
		}
		if (rc == SL_EDISCONT)
			return error_item(r, it, r->name, "%s",
			    sl_split_error(r->split));
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0) {
			r->split_done = 1;
			return error_item(r, it, r->name, "%s",
			    sl_split_error(r->split));
		}
		if (r->pf_on && !prefilter_pass(r, &rec) &&
		    (r->opts.keys == NULL || !keys_left_out(r, &rec)))
			continue;
		memset(&r->ev, 0, sizeof(r->ev));
		rc = sl_extract_record(r->x, &rec, &r->ev, &reason);
		if (rc == 0) {
			const char *m;

			/* A header no rule can read: once, not per row. */
			if (!r->told &&
			    (m = sl_extractor_problem(r->x)) != NULL) {
				r->told = 1;
				return error_item(r, it, r->name, "%s", m);
			}
			continue;
		}
		return extracted(r, it, rc, reason, &rec);
	}
}

/*
 * No profile recognises the log: say so once, then keep every record as a
 * reject so that nothing is lost and the counts still reconcile.  Returns 2
 * when the log has no more records.
 */
static int
reject_unread(struct sl_reader *r, struct sl_item *it)
{
	struct sl_record rec;
	const char *reason;
	int rc, code;

	if (!r->unread) {
		r->unread = 1;
		sl_buf_reset(&r->rec);
		quote(&r->rec, r->held[0].p, r->held[0].n, 60);
		return error_item(r, it, r->name, "no profile recognises this "
		    "log (line %llu: %s); its records are rejected; name a "
		    "profile with --profile",
		    (unsigned long long)r->held[0].line, r->rec.p);
	}
	for (;;) {
		rc = next_record(r, &rec);
		if (rc == 0)
			return 2;
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0) {
			if (rc != SL_EDISCONT)
				r->split_done = 1;
			return error_item(r, it, r->name, "%s",
			    sl_split_error(r->split));
		}
		break;
	}
	if (rec.flags & SL_REC_TOOLONG) {
		reason = "record longer than the limit (--max-record)";
		code = SL_REJECT_TOO_LONG;
	} else if (rec.flags & SL_REC_CUT) {
		reason = "record cut short (data lost, or the log ends inside it)";
		code = SL_REJECT_CUT;
	} else {
		reason = "no profile recognises this log";
		code = SL_REJECT_NO_PROFILE;
	}
	reject_item(r, it, reason, code, rec.line, rec.offset, rec.p, rec.n);
	return 1;
}

static int
log_flush(struct sl_reader *r, struct sl_item *it)
{
	const char *reason = NULL;
	int rc;

	memset(&r->ev, 0, sizeof(r->ev));
	rc = sl_extract_flush(r->x, &r->ev, &reason);
	if (rc == 1) {
		event_item(r, it, NULL);
		return 1;
	}
	if (rc < 0 && rc != -ENOMEM) {
		reject_item(r, it, reason != NULL ? reason : "not readable",
		    sl_extract_code(r->x), r->ev.line, r->ev.offset,
		    r->ev.raw.p, r->ev.raw.n);
		return 1;
	}
	return rc;
}

int
sl_reader_next(struct sl_reader *r, struct sl_item *it)
{
	struct sl_walk_item w;
	int rc;

	for (;;) {
		switch (r->state) {
		case ST_WALK:
			rc = sl_walk_next(r->walk, &w);
			if (rc <= 0)
				return rc;
			memset(it, 0, sizeof(*it));
			it->name = w.name;
			it->profile = "";
			if (w.type == SL_WALK_ERROR) {
				return error_item(r, it, w.name, "%s",
				    w.message);
			}
			if (w.type == SL_WALK_UNREAD) {
				/* An error, and a log of no records: the
				 * evidence holds it, the case must say it
				 * was not read. */
				r->notread = w;
				r->state = ST_UNREAD_BEGIN;
				return error_item(r, it, w.name, "%s",
				    w.message);
			}
			if (w.type == SL_WALK_SKIPPED) {
				r->st = w.stats;
				it->type = SL_ITEM_SKIPPED;
				it->reason = w.message;
				it->stats = &r->st;
				return 1;
			}
			if (w.type == SL_WALK_LOG_END) {
				/* An archive or directory, after its members. */
				r->st = w.stats;
				r->st.first = r->st.last = INT64_MIN;
				if (walk_notes(r, &w) < 0)
					return -ENOMEM;
				it->type = SL_ITEM_LOG_END;
				it->stats = &r->st;
				return 1;
			}
			rc = log_open(r, &w, it);
			r->state = ST_BEGIN;
			if (rc != 0)
				return rc;
			break;
		case ST_UNREAD_BEGIN:
			memset(it, 0, sizeof(*it));
			it->type = SL_ITEM_LOG_BEGIN;
			it->name = r->notread.name;
			it->profile = "";
			r->state = ST_UNREAD_END;
			return 1;
		case ST_UNREAD_END:
			memset(it, 0, sizeof(*it));
			r->st = r->notread.stats;
			r->st.first = r->st.last = INT64_MIN;
			if (walk_notes(r, &r->notread) < 0)
				return -ENOMEM;
			it->type = SL_ITEM_LOG_END;
			it->name = r->notread.name;
			it->profile = "";
			it->stats = &r->st;
			r->state = ST_WALK;
			return 1;
		case ST_BEGIN:
			memset(it, 0, sizeof(*it));
			it->type = SL_ITEM_LOG_BEGIN;
			it->name = r->name;
			it->profile = r->profile != NULL ?
			    sl_profile_name(r->profile) : "";
			r->state = ST_RECORDS;
			return 1;
		case ST_RECORDS:
			if (r->ipending < r->npending) {
				const char *m = r->pending[r->ipending++];

				return error_item(r, it, r->name, "%s", m);
			}
			if (r->pending_lost > 0) {
				uint64_t n = r->pending_lost;

				r->pending_lost = 0;
				return error_item(r, it, r->name, "%llu more "
				    "places where data was lost",
				    (unsigned long long)n);
			}
			if (r->x == NULL && r->profile == NULL &&
			    r->nheld > 0) {
				rc = reject_unread(r, it);
				if (rc != 2)
					return rc;
				r->state = ST_END;
				break;
			}
			if (r->x == NULL) {
				r->state = ST_END;
				if (r->nheld == 0 && r->profile == NULL)
					return error_item(r, it, r->name,
					    "empty log: no records");
				break;
			}
			rc = log_step(r, it);
			if (rc != 2)
				return rc;
			r->state = ST_FLUSH;
			break;
		case ST_FLUSH:
			/* every event still open, one by one */
			rc = log_flush(r, it);
			if (rc != 0)
				return rc;
			r->state = ST_END;
			if (r->st.records == 0 && r->nheld == 0)
				return error_item(r, it, r->name,
				    "empty log: no records");
			break;
		case ST_END:
			if (r->split != NULL && !r->warned) {
				uint64_t first;
				const char *what;

				/* Before the walk finishes the stream. */
				r->warned = 1;
				r->lost = sl_stream_lost(r->stream);
				if (sl_split_repairs(r->split, &first,
				    &what) > 0)
					return repair_item(r, it);
			}
			rc = sl_walk_next(r->walk, &w);
			if (rc < 0)
				return rc;
			r->state = ST_WALK;
			if (rc == 0 || w.type != SL_WALK_LOG_END) {
				/* The walk owes us the log's end; say so
				 * rather than lose the counts. */
				log_close(r);
				return rc == 0 ? 0 : error_item(r, it, w.name,
				    "internal: log ended without its digest");
			}
			/* The walk's own: a failed check of the data. */
			if (log_notes(r) < 0 || (w.stats.notes != NULL &&
			    w.stats.notes[0] != '\0' &&
			    note(r, "%s", w.stats.notes) < 0))
				return -ENOMEM;
			r->st.notes = r->notes.p != NULL ? r->notes.p : "";
			memcpy(r->st.sha256, w.stats.sha256,
			    sizeof(r->st.sha256));
			r->st.bytes = w.stats.bytes;
			r->st.is_source = w.stats.is_source;
			r->st.container = 0;
			memset(it, 0, sizeof(*it));
			it->type = SL_ITEM_LOG_END;
			it->stats = &r->st;
			/* The name must outlive log_close: hand out the
			 * walk's copy. */
			it->name = w.name;
			it->profile = r->profile != NULL ?
			    sl_profile_name(r->profile) : "";
			log_close(r);
			return 1;
		}
	}
}
