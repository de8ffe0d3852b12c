/* ingest.c: staging events in bounded memory and merging them into a case. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define LOG_EXISTING UINT32_MAX
#define MAX_RUNS 64
#define CHUNK_DATA 0xff00u
#define MEM_DEFAULT ((size_t)256 << 20)
#define MEM_MIN ((size_t)64 << 10)

/*
 * A staged record: an event (cls 1) or a reject (cls 0) with the fields it
 * is sorted by and its row as stored.  Followed by user, key, origin, row
 * and key scope bytes, padded to 8.
 *
 * The key pass sorts key records (of events with a scoped key) by scope and
 * key; their row is "action<TAB>resource" as the event row has them.  It
 * marks each duplicate it finds with a drop record (SR_DROP): the event's
 * own header, user, key and origin, so that it sorts just before the event
 * in the merge; its row, for a conflict (SR_CONFLICT), is the kept copy's
 * part of the conflicts row and what differs.
 */
struct srec {
	int64_t time;
	uint64_t line, offset, seq;
	uint32_t log, cls;
	uint32_t ulen, klen, olen, rlen, slen, flags;
};

#define SR_DROP 0x1u
#define SR_CONFLICT 0x2u
#define SR_DUP 0x4u		/* a duplicate, in a group past memory */

#define S_USER(s) ((const char *)((s) + 1))
#define S_KEY(s) (S_USER(s) + (s)->ulen)
#define S_ORIGIN(s) (S_KEY(s) + (s)->klen)
#define S_ROW(s) (S_ORIGIN(s) + (s)->olen)
#define S_SCOPE(s) (S_ROW(s) + (s)->rlen)

static size_t
payload(const struct srec *s)
{
	size_t n = (size_t)s->ulen + s->klen + s->olen + s->rlen + s->slen;

	return (n + 7) & ~(size_t)7;
}

typedef int srec_cmp_fn(const struct srec *, const struct srec *);
static srec_cmp_fn srec_cmp, key_cmp, class_cmp;

/* Records staged in memory up to a limit, then in sorted runs on disk. */
struct sorter {
	char *arena;
	size_t an, acap, nrec, limit;
	char **runs;
	size_t nruns, cruns;
	srec_cmp_fn *cmp;
};

struct ilog {
	char *name, *profile;
	char *notes;		/* st.notes, owned */
	uint64_t events, rejects, dups;
	uint64_t conflicts;	/* of dups: the same key saying other things */
	int64_t first, last;
	struct sl_log_stats st;
	int ended;
	uint64_t other;		/* records left to other shards */
	/* A log of merged cases (sl_ingest_case): its row says what the
	 * rows of the cases said, added up. */
	int merged;
	size_t plen;		/* length of its path in name */
	char *tz;		/* the zone its row names */
	uint64_t total;		/* records of the log in every shard */
	unsigned nsh;		/* shards of the split (0: none) */
	unsigned char *sh;	/* which of them are in, a bit each */
};

/* The shard of a user met recently (sl_ingest_opts.shard). */
struct shcache {
	char *name;
	size_t n;
	unsigned shard;
};

#define SHCACHE 1024

enum { SRC_MEM, SRC_RUN, SRC_TIMELINE, SRC_REJECTS, SRC_KEYS };

struct src {
	int kind;
	const struct srec *cur;
	const struct srec **v;	/* MEM */
	size_t i, n;
	FILE *fp;		/* RUN, TIMELINE, REJECTS */
	struct sl_bgzf_reader *br;	/* RUN: its blocks */
	struct sl_buf blk;	/* RUN: the block being read */
	size_t bpos;
	struct sl_buf rb;	/* the current record */
	struct sl_lines l;
	int header;
	char rel[256];
	const char *user;	/* TIMELINE: whose */
	size_t ulen;
};

/* The new timeline of one user being written. */
struct uout {
	int open;
	char *user;
	size_t ulen;
	char rel[256], irel[256];
	FILE *fp;
	struct sl_bgzf_writer *w;
	/* The index: a chunk a row, its offset known when the blocks
	 * before it are written (in a pool, later than its end). */
	struct uchunk {
		uint64_t block, rows;
		int64_t first, last;
	} *chunks;
	size_t nchunks, cchunks;
	struct sl_buf idx;
	uint64_t chunk_block, chunk_rows, chunk_bytes, added;
	uint64_t removed;	/* old rows of replaced origins left out */
	uint64_t rows;		/* rows written */
	int64_t chunk_first, chunk_last;
};

/* Sources by their current record. */
struct heap {
	struct src **v;
	size_t n, cap;
	srec_cmp_fn *cmp;
};

struct sl_ingest {
	struct sl_case *c;
	size_t mem_limit;
	char *tz;
	char err[1024];
	struct ilog *logs;
	size_t nlogs, clogs;
	struct sorter ev;	/* events, rejects, drop records */
	struct sorter ks;	/* key records, during commit */
	struct sl_buf row, scratch;
	uint64_t seq;
	unsigned runid;
	uint64_t staged_rejects;
	uint64_t scoped;	/* events with a scoped key */
	int done;
	/* Names whose rows this ingest replaces (see replaced()): sorted
	 * and unique during the commit. */
	char **repl;
	size_t nrepl, crepl;
	int reread;		/* opts.reread */
	unsigned char *touched;	/* case users the merge rewrote */
	/* commit state */
	char **paths;
	size_t npaths, cpaths;
	struct heap hp;		/* the merge into the case */
	struct sl_buf pend;	/* the drop record waiting for its event */
	struct sl_buf kwin;	/* the kept copy of the key group */
	FILE *cfp;		/* conflicts.tsv.gz being written */
	struct sl_bgzf_writer *cw;
	struct sl_buf group;
	size_t *goff, *gslot, *gtab;
	size_t ngroup, cgroup, ctab;
	size_t group_max;	/* bytes of a group held in memory */
	/* A group past group_max: its records sorted by class (gs), then
	 * back in the merge's order with the duplicates marked (os). */
	int big;
	struct sorter gs, os;
	struct sl_buf gkey;	/* its first record: whose and when */
	struct sl_buf gfirst;	/* the first record of the current class */
	struct uout u;
	FILE *rfp;
	struct sl_bgzf_writer *rw;
	struct sl_ingest_result res;
	unsigned jobs;		/* opts.jobs */
	struct sl_bgzf_pool *pool;	/* deflates the commit's files */
	struct idxq *iq;	/* writes the users' indexes */
	/* shards */
	unsigned shard, nshards;
	struct shcache *shc;
	uint64_t other_events, other_rejects;
	int staging_event;	/* an event of this shard staged as reject */
	/* merged cases: their logs by name (open addressing, -1 empty),
	 * and the cases whose conflicts the commit copies */
	int merging;
	int *mtab;
	size_t mcap;
	struct sl_case **msrc;
	size_t nmsrc;
};

static int
ifail(struct sl_ingest *in, int rc, const char *fmt, ...) SL_PRINTF(3, 4);

static int
ifail(struct sl_ingest *in, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->err, sizeof(in->err), fmt, ap);
	va_end(ap);
	return rc;
}

int
sl_ingest_fail(struct sl_ingest *in, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->err, sizeof(in->err), fmt, ap);
	va_end(ap);
	return rc;
}

/* Was the ingest asked to stop (sl_ingest_opts.stop)?  -EINTR or 0. */
static int
stopped(struct sl_ingest *in)
{
	if (in->c->stop == NULL || in->c->stop(in->c->stop_arg) == 0)
		return 0;
	return ifail(in, -EINTR, "interrupted");
}

/* Take over the case's message. */
static int
cfail(struct sl_ingest *in, int rc)
{
	snprintf(in->err, sizeof(in->err), "%s", in->c->err);
	return rc;
}

const char *
sl_ingest_error(const struct sl_ingest *in)
{
	return in->err;
}

struct sl_ingest *
sl_ingest_new(struct sl_case *c, const struct sl_ingest_opts *opts)
{
	struct sl_ingest_opts o;
	struct sl_ingest *in;
	int rc;

	if (!c->writer) {
		sl_case_fail(c, -EPERM, "case %s is not open for writing",
		    c->dir);
		return NULL;
	}
	if (c->version < 2) {
		sl_case_fail(c, -ENOTSUP, "case %s is of format %d, written "
		    "by an earlier version: it must be upgraded before "
		    "anything is added", c->dir, c->version);
		return NULL;
	}
	in = calloc(1, sizeof(*in));
	if (in == NULL) {
		sl_case_fail(c, -ENOMEM, "out of memory");
		return NULL;
	}
	in->c = c;
	if ((rc = sl_opts_copy(&o, sizeof(o), opts)) < 0) {
		sl_case_fail(c, rc, rc == -EINVAL ? "ingest options not "
		    "initialised (sl_ingest_opts_init)" : "ingest options "
		    "of a later version set options this version does not "
		    "know");
		free(in);
		return NULL;
	}
	in->mem_limit = o.mem_limit > 0 ? o.mem_limit : MEM_DEFAULT;
	if (in->mem_limit < MEM_MIN)
		in->mem_limit = MEM_MIN;
	in->ev.limit = in->mem_limit;
	in->ev.cmp = srec_cmp;
	in->ks.cmp = key_cmp;
	/* A quarter of the memory for the events of one user at one time,
	 * as many as fit; more go through the disk. */
	in->group_max = in->mem_limit / 4;
	in->gs.cmp = class_cmp;
	in->gs.limit = in->group_max;
	in->os.cmp = srec_cmp;
	in->os.limit = in->group_max;
	in->reread = o.reread;
	in->jobs = o.jobs;
	if (o.nshards > SL_SHARD_MAX || (o.nshards > 0 && (o.shard < 1 ||
	    o.shard > o.nshards))) {
		sl_case_fail(c, -EINVAL, "shard %u of %u: no such shard",
		    o.shard, o.nshards);
		free(in);
		return NULL;
	}
	in->shard = o.shard;
	in->nshards = o.nshards;
	c->stop = o.stop;
	c->stop_arg = o.stop_arg;
	in->tz = strdup(o.tz != NULL ? o.tz : "UTC");
	if (in->tz == NULL) {
		free(in);
		sl_case_fail(c, -ENOMEM, "out of memory");
		return NULL;
	}
	return in;
}

/* Append a copy of s to the string list *v of *n (capacity *cap). */
static int
strv_add(struct sl_ingest *in, char ***v, size_t *n, size_t *cap,
    const char *s)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **p = realloc(*v, ncap * sizeof(*p));

		if (p == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		*v = p;
		*cap = ncap;
	}
	if (((*v)[*n] = strdup(s)) == NULL)
		return ifail(in, -ENOMEM, "out of memory");
	(*n)++;
	return 0;
}

/* Rows of name (and of the members under it) are to be replaced. */
static int
repl_add(struct sl_ingest *in, const char *name)
{
	return strv_add(in, &in->repl, &in->nrepl, &in->crepl, name);
}

static int
str_pcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the names and drop repeats, for replaced(). */
static void
repl_sort(struct sl_ingest *in)
{
	size_t i, j;

	if (in->nrepl == 0)
		return;
	qsort(in->repl, in->nrepl, sizeof(*in->repl), str_pcmp);
	for (i = j = 1; i < in->nrepl; i++) {
		if (strcmp(in->repl[i], in->repl[j - 1]) == 0)
			free(in->repl[i]);
		else
			in->repl[j++] = in->repl[i];
	}
	in->nrepl = j;
}

static int
repl_has(const struct sl_ingest *in, const char *p, size_t n)
{
	size_t lo = 0, hi = in->nrepl;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *r = in->repl[mid];
		size_t rn = strlen(r);
		int d = memcmp(r, p, rn < n ? rn : n);

		if (d == 0)
			d = rn < n ? -1 : rn > n;
		if (d == 0)
			return 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Does a row of origin o[0..n) come from a replaced log: is o one of the
 * names, or does it start with one followed by '!' (a member of it)?
 */
static int
replaced(const struct sl_ingest *in, const char *o, size_t n)
{
	const char *bang;
	size_t i = 0;

	if (in->nrepl == 0)
		return 0;
	while ((bang = memchr(o + i, '!', n - i)) != NULL) {
		if (repl_has(in, o, (size_t)(bang - o)))
			return 1;
		i = (size_t)(bang - o) + 1;
	}
	return repl_has(in, o, n);
}

int
sl_ingest_log(struct sl_ingest *in, const char *name, const char *profile)
{
	struct ilog *g;

	if (in->done)
		return ifail(in, -EINVAL, "the ingest was already committed");
	if (in->nlogs >= INT_MAX)
		return ifail(in, -E2BIG, "too many logs");
	if (in->nlogs == in->clogs) {
		size_t ncap = in->clogs ? in->clogs * 2 : 64;

		g = realloc(in->logs, ncap * sizeof(*g));
		if (g == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		in->logs = g;
		in->clogs = ncap;
	}
	g = &in->logs[in->nlogs];
	memset(g, 0, sizeof(*g));
	g->first = INT64_MAX;
	g->last = INT64_MIN;
	g->name = strdup(name != NULL ? name : "");
	g->profile = strdup(profile != NULL ? profile : "");
	if (g->name == NULL || g->profile == NULL) {
		free(g->name);
		free(g->profile);
		return ifail(in, -ENOMEM, "out of memory");
	}
	/* Every log read again replaces what came from it before. */
	if (in->reread && repl_add(in, g->name) < 0) {
		free(g->name);
		free(g->profile);
		return -ENOMEM;
	}
	return (int)in->nlogs++;
}

static int
srec_cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int d = an > 0 && bn > 0 ? memcmp(a, b, an < bn ? an : bn) : 0;

	if (d != 0)
		return d;
	return an < bn ? -1 : an > bn;
}

/* Events by user, time, key, origin, line, offset; rejects (first) by
 * origin, line, offset; then what is in the case before what is new, and
 * the order of staging; a drop record before its event. */
static int
srec_cmp_ident(const struct srec *a, const struct srec *b)
{
	int d;

	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->cls == 1) {
		d = srec_cmp_bytes(S_USER(a), a->ulen, S_USER(b), b->ulen);
		if (d != 0)
			return d;
		if (a->time != b->time)
			return a->time < b->time ? -1 : 1;
		d = srec_cmp_bytes(S_KEY(a), a->klen, S_KEY(b), b->klen);
		if (d != 0)
			return d;
	}
	d = srec_cmp_bytes(S_ORIGIN(a), a->olen, S_ORIGIN(b), b->olen);
	if (d != 0)
		return d;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if ((a->log == LOG_EXISTING) != (b->log == LOG_EXISTING))
		return a->log == LOG_EXISTING ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

static int
srec_cmp(const struct srec *a, const struct srec *b)
{
	int d = srec_cmp_ident(a, b);

	if (d != 0 || (a->flags & SR_DROP) == (b->flags & SR_DROP))
		return d;
	return a->flags & SR_DROP ? -1 : 1;
}

/*
 * Key records by scope and key; in a group, the copy in the case first,
 * then origin, line, offset: the first is kept, whatever the order in which
 * parallel readers staged them.
 */
static int
key_cmp(const struct srec *a, const struct srec *b)
{
	int d;

	d = srec_cmp_bytes(S_SCOPE(a), a->slen, S_SCOPE(b), b->slen);
	if (d != 0)
		return d;
	d = srec_cmp_bytes(S_KEY(a), a->klen, S_KEY(b), b->klen);
	if (d != 0)
		return d;
	if ((a->log == LOG_EXISTING) != (b->log == LOG_EXISTING))
		return a->log == LOG_EXISTING ? -1 : 1;
	d = srec_cmp_bytes(S_ORIGIN(a), a->olen, S_ORIGIN(b), b->olen);
	if (d != 0)
		return d;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

static int
srec_pcmp(const void *a, const void *b)
{
	return srec_cmp(*(const struct srec *const *)a,
	    *(const struct srec *const *)b);
}

static int
key_pcmp(const void *a, const void *b)
{
	return key_cmp(*(const struct srec *const *)a,
	    *(const struct srec *const *)b);
}

static int
class_pcmp(const void *a, const void *b)
{
	return class_cmp(*(const struct srec *const *)a,
	    *(const struct srec *const *)b);
}

/* memcpy that allows the NULL of an empty sl_str. */
static void
put(char *dst, const char *src, size_t n)
{
	if (n > 0)
		memcpy(dst, src, n);
}

/* Lay out a record at dst, which has room for it. */
static void
srec_put(char *dst, const struct srec *h, const char *user, const char *key,
    const char *origin, const char *row, const char *scope)
{
	size_t used = (size_t)h->ulen + h->klen + h->olen + h->rlen + h->slen;
	char *q = dst + sizeof(*h);

	memcpy(dst, h, sizeof(*h));
	put(q, user, h->ulen);
	q += h->ulen;
	put(q, key, h->klen);
	q += h->klen;
	put(q, origin, h->olen);
	q += h->olen;
	put(q, row, h->rlen);
	q += h->rlen;
	put(q, scope, h->slen);
	q += h->slen;
	memset(q, 0, payload(h) - used);
}

/* Build a record into buf (reset first). */
static int
srec_build(struct sl_buf *buf, const struct srec *h, const char *user,
    const char *key, const char *origin, const char *row, const char *scope)
{
	size_t total = sizeof(*h) + payload(h);

	sl_buf_reset(buf);
	if (sl_buf_grow(buf, total) < 0)
		return -ENOMEM;
	srec_put(buf->p, h, user, key, origin, row, scope);
	buf->n = total;
	return 0;
}

/* ---- the merge heap ------------------------------------------------------ */

static int
heap_less(const struct heap *hp, struct src *a, struct src *b)
{
	return hp->cmp(a->cur, b->cur) < 0;
}

static void
heap_down(struct heap *hp, size_t i)
{
	struct src **h = hp->v;

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct src *t;

		if (l < hp->n && heap_less(hp, h[l], h[m]))
			m = l;
		if (r < hp->n && heap_less(hp, h[r], h[m]))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static int
heap_push(struct heap *hp, struct src *s)
{
	size_t i;

	if (hp->n == hp->cap) {
		size_t ncap = hp->cap ? hp->cap * 2 : 16;
		struct src **p = realloc(hp->v, ncap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		hp->v = p;
		hp->cap = ncap;
	}
	i = hp->n++;
	hp->v[i] = s;
	while (i > 0 && heap_less(hp, hp->v[i], hp->v[(i - 1) / 2])) {
		struct src *t = hp->v[i];

		hp->v[i] = hp->v[(i - 1) / 2];
		hp->v[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
	return 0;
}

static void
src_free(struct src *s)
{
	if (s == NULL)
		return;
	sl_lines_release(&s->l);
	sl_bgzf_reader_free(s->br);
	sl_buf_release(&s->blk);
	if (s->fp != NULL)
		fclose(s->fp);
	sl_buf_release(&s->rb);
	free(s);
}

/* Read n bytes of a run into dst, across its blocks: n, fewer at its end,
 * or a negative errno value. */
static ssize_t
run_read(struct sl_ingest *in, struct src *s, void *dst, size_t n)
{
	char *q = dst;
	size_t got = 0, k;
	int rc;

	while (got < n) {
		if (s->bpos == s->blk.n) {
			sl_buf_reset(&s->blk);
			s->bpos = 0;
			rc = sl_bgzf_read_block(s->br, &s->blk, NULL);
			if (rc == 0)
				break;
			if (rc < 0)
				return ifail(in, rc == -ENOMEM ? rc : -EIO,
				    "cannot read \"%s/%s\": %s", in->c->dir,
				    s->rel, rc == -ENOMEM ? "out of memory" :
				    sl_bgzf_reader_error(s->br));
			continue;
		}
		k = s->blk.n - s->bpos;
		if (k > n - got)
			k = n - got;
		memcpy(q + got, s->blk.p + s->bpos, k);
		s->bpos += k;
		got += k;
	}
	return (ssize_t)got;
}

/* The next record of a source: 1, 0 at its end, or a negative errno value
 * with in->err set. */
static int
src_next(struct sl_ingest *in, struct src *s)
{
	struct sl_str col[SL_ROW_COLUMNS];
	struct srec h;
	struct sl_event ev;
	char *p;
	size_t n;
	ssize_t r;
	int rc;

	switch (s->kind) {
	case SRC_MEM:
		if (s->i >= s->n)
			return 0;
		s->cur = s->v[s->i++];
		return 1;
	case SRC_RUN:
		if ((r = run_read(in, s, &h, sizeof(h))) < 0)
			return (int)r;
		if (r == 0)
			return 0;
		if ((size_t)r != sizeof(h) || (uint64_t)h.ulen + h.klen +
		    h.olen + h.rlen + h.slen > (uint64_t)SL_MAX_LINE * 2)
			return ifail(in, -EIO, "cannot read \"%s/%s\": bad "
			    "record", in->c->dir, s->rel);
		sl_buf_reset(&s->rb);
		if (sl_buf_grow(&s->rb, sizeof(h) + payload(&h)) < 0)
			return ifail(in, -ENOMEM, "out of memory");
		memcpy(s->rb.p, &h, sizeof(h));
		if ((r = run_read(in, s, s->rb.p + sizeof(h),
		    payload(&h))) < 0)
			return (int)r;
		if ((size_t)r != payload(&h))
			return ifail(in, -EIO, "cannot read \"%s/%s\": short "
			    "read", in->c->dir, s->rel);
		s->cur = (const struct srec *)s->rb.p;
		return 1;
	default:
		break;
	}
again:
	for (;;) {
		rc = sl_lines_next(&s->l, &p, &n);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return ifail(in, rc, "\"%s/%s\": %s (run verify)",
			    in->c->dir, s->rel, s->l.err);
		if (!s->header)
			break;
		s->header = 0;
	}
	memset(&h, 0, sizeof(h));
	h.log = LOG_EXISTING;
	h.rlen = (uint32_t)n;
	sl_buf_reset(&in->scratch);
	if (sl_buf_add(&in->scratch, p, n) < 0)
		return ifail(in, -ENOMEM, "out of memory");
	if (s->kind == SRC_TIMELINE) {
		if (sl_row_parse(in->scratch.p, n, &ev) < 0)
			return ifail(in, -EBADMSG, "\"%s/%s\": malformed row "
			    "(run verify)", in->c->dir, s->rel);
		if (ev.user.n != s->ulen ||
		    memcmp(ev.user.p, s->user, s->ulen) != 0)
			return ifail(in, -EBADMSG, "\"%s/%s\": holds a row of "
			    "another user (run verify)", in->c->dir, s->rel);
		if (replaced(in, ev.origin.p, ev.origin.n)) {
			in->u.removed++;
			goto again;
		}
		h.cls = 1;
		h.time = ev.time;
		h.line = ev.line;
		h.offset = ev.offset;
		h.ulen = (uint32_t)ev.user.n;
		h.klen = (uint32_t)ev.key.n;
		h.olen = (uint32_t)ev.origin.n;
		rc = srec_build(&s->rb, &h, ev.user.p, ev.key.p, ev.origin.p,
		    p, "");
	} else if (s->kind == SRC_KEYS) {
		struct sl_str kc[SL_KEY_COLUMNS];

		if (sl_row_split(in->scratch.p, n, kc, SL_KEY_COLUMNS) < 0 ||
		    sl_row_unescape(&kc[0]) < 0 ||
		    sl_row_unescape(&kc[1]) < 0 ||
		    sl_row_unescape(&kc[2]) < 0 ||
		    sl_row_time_parse(kc[3].p, kc[3].n, &h.time) < 0 ||
		    sl_row_unescape(&kc[6]) < 0 ||
		    sl_row_u64_parse(kc[7].p, kc[7].n, &h.line) < 0 ||
		    sl_row_u64_parse(kc[8].p, kc[8].n, &h.offset) < 0 ||
		    kc[0].n == 0 || kc[1].n == 0)
			return ifail(in, -EBADMSG, "\"%s/%s\": malformed row "
			    "(run verify)", in->c->dir, s->rel);
		if (replaced(in, kc[6].p, kc[6].n))
			goto again;
		h.cls = 1;
		h.slen = (uint32_t)kc[0].n;
		h.klen = (uint32_t)kc[1].n;
		h.ulen = (uint32_t)kc[2].n;
		h.olen = (uint32_t)kc[6].n;
		/* action and resource, as escaped, side by side */
		h.rlen = (uint32_t)(kc[5].p + kc[5].n - kc[4].p);
		rc = srec_build(&s->rb, &h, kc[2].p, kc[1].p, kc[6].p,
		    kc[4].p, kc[0].p);
	} else {
		if (sl_row_split(in->scratch.p, n, col, SL_REJECT_COLUMNS) <
		    0 || sl_row_unescape(&col[0]) < 0 ||
		    sl_row_u64_parse(col[1].p, col[1].n, &h.line) < 0 ||
		    sl_row_u64_parse(col[2].p, col[2].n, &h.offset) < 0)
			return ifail(in, -EBADMSG, "\"%s/%s\": malformed row "
			    "(run verify)", in->c->dir, s->rel);
		if (replaced(in, col[0].p, col[0].n))
			goto again;
		h.olen = (uint32_t)col[0].n;
		rc = srec_build(&s->rb, &h, "", "", col[0].p, p, "");
	}
	if (rc < 0)
		return ifail(in, -ENOMEM, "out of memory");
	s->cur = (const struct srec *)s->rb.p;
	return 1;
}

/* Pop the heap's minimum source forward. */
static int
heap_advance(struct sl_ingest *in, struct heap *hp)
{
	struct src *s = hp->v[0];
	int rc;

	if ((rc = stopped(in)) < 0)
		return rc;
	rc = src_next(in, s);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		hp->v[0] = hp->v[--hp->n];
		src_free(s);
	}
	if (hp->n > 0)
		heap_down(hp, 0);
	return 0;
}

/* Start a source and put it on the heap if it has anything. */
static int
heap_add(struct sl_ingest *in, struct heap *hp, struct src *s)
{
	int rc;

	rc = src_next(in, s);
	if (rc <= 0) {
		src_free(s);
		return rc;
	}
	if (heap_push(hp, s) < 0) {
		src_free(s);
		return ifail(in, -ENOMEM, "out of memory");
	}
	return 0;
}

static void
heap_clear(struct heap *hp)
{
	while (hp->n > 0)
		src_free(hp->v[--hp->n]);
}

static void
heap_free(struct heap *hp)
{
	heap_clear(hp);
	free(hp->v);
	hp->v = NULL;
	hp->cap = 0;
}

/* A merge source reading a store file: a sorted run (binary records) or a
 * BGZF table (timeline, rejects) whose header line is skipped. */
static struct src *
src_open(struct sl_ingest *in, int kind, const char *rel)
{
	struct src *s;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		ifail(in, -ENOMEM, "out of memory");
		return NULL;
	}
	s->kind = kind;
	snprintf(s->rel, sizeof(s->rel), "%s", rel);
	s->fp = sl_case_fopen(in->c, rel);
	if (s->fp == NULL) {
		ifail(in, -errno, "cannot read \"%s/%s\": %s", in->c->dir,
		    rel, strerror(errno));
		free(s);
		return NULL;
	}
	if (kind != SRC_RUN) {
		s->header = 1;
		sl_lines_init(&s->l, s->fp);
	} else if ((s->br = sl_bgzf_reader_new(s->fp)) == NULL) {
		ifail(in, -ENOMEM, "out of memory");
		fclose(s->fp);
		free(s);
		return NULL;
	}
	return s;
}

/* ---- staging and runs ---------------------------------------------------- */

/*
 * A sorted run: the records as they are in memory, in BGZF blocks at zlib's
 * fastest level, so that a run takes less room on disk than the evidence
 * it came from (records of one repeated line compress a hundred times).
 * With jobs, its blocks are deflated on the pool's threads (made at the
 * first run, kept for the commit): the thread that stages is the one the
 * reading threads wait for.
 */
struct run {
	FILE *fp;
	struct sl_bgzf_writer *w;
	char *rel;
};

static int
write_rec(struct run *r, const struct srec *s)
{
	return sl_bgzf_write(r->w, s, sizeof(*s) + payload(s));
}

/* With jobs, the pool that deflates BGZF blocks: made when first needed
 * (the first run, or the commit), kept to the commit's end; 0 or -ENOMEM.
 * Without, there is none and writers deflate on their caller's thread. */
static int
need_pool(struct sl_ingest *in)
{
	if (in->jobs > 1 && in->pool == NULL &&
	    (in->pool = sl_bgzf_pool_new(in->jobs)) == NULL)
		return -ENOMEM;
	return 0;
}

static int
new_run(struct sl_ingest *in, struct sorter *so, struct run *r)
{
	char rel[64];
	int rc;

	memset(r, 0, sizeof(*r));
	if (so->nruns == so->cruns) {
		size_t ncap = so->cruns ? so->cruns * 2 : 16;
		char **p = realloc(so->runs, ncap * sizeof(*p));

		if (p == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		so->runs = p;
		so->cruns = ncap;
	}
	if ((rc = sl_case_mkdir(in->c, SL_TMP)) < 0)
		return cfail(in, rc);
	snprintf(rel, sizeof(rel), "%s/run-%u", SL_TMP, in->runid++);
	r->rel = strdup(rel);
	if (r->rel == NULL)
		return ifail(in, -ENOMEM, "out of memory");
	r->fp = sl_case_fcreate(in->c, rel);
	if (r->fp == NULL) {
		free(r->rel);
		return cfail(in, -EIO);
	}
	if (need_pool(in) < 0) {
		fclose(r->fp);
		sl_case_unlink(in->c, r->rel);
		free(r->rel);
		return ifail(in, -ENOMEM, "out of memory");
	}
	if ((r->w = sl_bgzf_writer_pool(r->fp, 1, in->pool)) == NULL) {
		fclose(r->fp);
		sl_case_unlink(in->c, r->rel);
		free(r->rel);
		return ifail(in, -ENOMEM, "out of memory");
	}
	return 0;
}

/* Finish a run; on failure (rc < 0 given or met) it is removed. */
static int
close_run(struct sl_ingest *in, struct run *r, int rc)
{
	int e;

	if ((e = sl_bgzf_close(r->w)) < 0 && rc == 0)
		rc = ifail(in, e, "cannot write \"%s/%s\": %s", in->c->dir,
		    r->rel, strerror(-e));
	/* The reason is the failing call's: ENOSPC says the disk is full. */
	errno = 0;
	if ((fflush(r->fp) != 0 || ferror(r->fp)) && rc == 0)
		rc = ifail(in, errno ? -errno : -EIO,
		    "cannot write \"%s/%s\": %s", in->c->dir, r->rel,
		    strerror(errno ? errno : EIO));
	errno = 0;
	if (fclose(r->fp) != 0 && rc == 0)
		rc = ifail(in, errno ? -errno : -EIO,
		    "cannot write \"%s/%s\": %s", in->c->dir, r->rel,
		    strerror(errno ? errno : EIO));
	if (rc < 0) {
		sl_case_unlink(in->c, r->rel);
		free(r->rel);
		r->rel = NULL;
	}
	return rc;
}

/* The staged records in order; the array is the caller's. */
static const struct srec **
sorted_arena(struct sorter *so)
{
	const struct srec **v;
	size_t i, off = 0;

	v = malloc((so->nrec ? so->nrec : 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	for (i = 0; i < so->nrec; i++) {
		v[i] = (const struct srec *)(so->arena + off);
		off += sizeof(struct srec) + payload(v[i]);
	}
	if (so->nrec > 0)
		qsort(v, so->nrec, sizeof(*v), so->cmp == key_cmp ? key_pcmp :
		    so->cmp == class_cmp ? class_pcmp : srec_pcmp);
	return v;
}

/* Merge every run into one, so that a commit never opens too many. */
static int
merge_runs(struct sl_ingest *in, struct sorter *so)
{
	struct heap hp = { .cmp = so->cmp };
	struct src *s;
	struct run run;
	size_t i;
	int rc = 0;

	for (i = 0; i < so->nruns; i++) {
		if ((s = src_open(in, SRC_RUN, so->runs[i])) == NULL) {
			rc = -EIO;
			goto fail;
		}
		if ((rc = heap_add(in, &hp, s)) < 0)
			goto fail;
	}
	if ((rc = new_run(in, so, &run)) < 0)
		goto fail;
	while (hp.n > 0 && rc == 0) {
		if (write_rec(&run, hp.v[0]->cur) < 0)
			rc = ifail(in, -EIO, "cannot write \"%s/%s\": %s",
			    in->c->dir, run.rel, strerror(errno));
		else
			rc = heap_advance(in, &hp);
	}
	if ((rc = close_run(in, &run, rc)) < 0)
		goto fail;
	for (i = 0; i < so->nruns; i++) {
		sl_case_unlink(in->c, so->runs[i]);
		free(so->runs[i]);
	}
	so->runs[0] = run.rel;
	so->nruns = 1;
	heap_free(&hp);
	return 0;
fail:
	heap_free(&hp);
	return rc;
}

static int
spill(struct sl_ingest *in, struct sorter *so)
{
	const struct srec **v;
	struct run run;
	size_t i;
	int rc;

	if (so->nruns >= MAX_RUNS && (rc = merge_runs(in, so)) < 0)
		return rc;
	v = sorted_arena(so);
	if (v == NULL)
		return ifail(in, -ENOMEM, "out of memory");
	if ((rc = new_run(in, so, &run)) < 0) {
		free(v);
		return rc;
	}
	for (i = 0; i < so->nrec && rc == 0; i++)
		if ((rc = stopped(in)) == 0 && write_rec(&run, v[i]) < 0)
			rc = ifail(in, -EIO, "cannot write \"%s/%s\": %s",
			    in->c->dir, run.rel, strerror(errno));
	free(v);
	if ((rc = close_run(in, &run, rc)) < 0)
		return rc;
	so->runs[so->nruns++] = run.rel;
	so->an = 0;
	so->nrec = 0;
	return 0;
}

static int
stage(struct sl_ingest *in, struct sorter *so, const struct srec *h,
    const char *user, const char *key, const char *origin, const char *row,
    const char *scope)
{
	size_t need = sizeof(*h) + payload(h);
	struct srec *s;
	int rc;

	/* The arena and the pointers that sort it stay within the limit. */
	if (so->nrec > 0 && so->an + need + (so->nrec + 1) * sizeof(void *) >
	    so->limit && (rc = spill(in, so)) < 0)
		return rc;
	if (so->an + need > so->acap) {
		size_t cap = so->acap ? so->acap * 2 : 1 << 20;
		char *p;

		if (cap > so->limit)
			cap = so->limit;
		if (cap < so->an + need)
			cap = so->an + need;
		p = realloc(so->arena, cap);
		if (p == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		so->arena = p;
		so->acap = cap;
	}
	s = (struct srec *)(so->arena + so->an);
	srec_put((char *)s, h, user, key, origin, row, scope);
	so->an += need;
	so->nrec++;
	return 0;
}

static void
sorter_release(struct sl_ingest *in, struct sorter *so)
{
	size_t i;

	for (i = 0; i < so->nruns; i++) {
		sl_case_unlink(in->c, so->runs[i]);
		free(so->runs[i]);
	}
	free(so->runs);
	free(so->arena);
	memset(so, 0, sizeof(*so));
}

static int
check_log(struct sl_ingest *in, int log)
{
	if (in->done)
		return ifail(in, -EINVAL, "the ingest was already committed");
	if (log < 0 || (size_t)log >= in->nlogs)
		return ifail(in, -EINVAL, "no log %d", log);
	return 0;
}

/* An event that cannot be stored, staged as a reject with this reason
 * (kept in in->err for the caller); 1, or a negative errno value. */
static int
reject_event(struct sl_ingest *in, int log, const struct sl_event *ev,
    const char *reason)
{
	struct sl_item it;
	char *origin, *profile;
	int rc;

	origin = sl_strndup(ev->origin.p != NULL ? ev->origin.p : "",
	    ev->origin.n);
	profile = sl_strndup(ev->profile.p != NULL ? ev->profile.p : "",
	    ev->profile.n);
	if (origin == NULL || profile == NULL) {
		free(origin);
		free(profile);
		return ifail(in, -ENOMEM, "out of memory");
	}
	memset(&it, 0, sizeof(it));
	it.type = SL_ITEM_REJECT;
	it.name = origin[0] != '\0' ? origin : NULL;
	it.profile = profile[0] != '\0' ? profile : NULL;
	it.reason = reason;
	it.line = ev->line;
	it.offset = ev->offset;
	it.raw = ev->raw;
	rc = sl_ingest_reject(in, log, &it);
	free(origin);
	free(profile);
	if (rc < 0)
		return rc;
	ifail(in, 1, "%s", reason);
	return 1;
}

/* The shard of a user, through a cache: 1 to nshards, or -ENOMEM. */
static int
user_shard(struct sl_ingest *in, const char *p, size_t n)
{
	struct shcache *e;

	if (in->shc == NULL &&
	    (in->shc = calloc(SHCACHE, sizeof(*in->shc))) == NULL)
		return ifail(in, -ENOMEM, "out of memory");
	e = &in->shc[sl_hash64(p, n) % SHCACHE];
	if (e->name != NULL && e->n == n && memcmp(e->name, p, n) == 0)
		return (int)e->shard;
	free(e->name);
	e->name = NULL;
	if ((e->shard = sl_shard_of(p, n, in->nshards)) == 0)
		return ifail(in, -ENOMEM, "out of memory (SHA-256)");
	if ((e->name = malloc(n + 1)) != NULL) {
		memcpy(e->name, p, n);
		e->n = n;
	}
	return (int)e->shard;
}

/* An event of this shard kept as a reject stays in this shard, whatever
 * the shard of its origin. */
static int
shard_reject(struct sl_ingest *in, int log, const struct sl_event *ev,
    const char *reason)
{
	int rc;

	in->staging_event = 1;
	rc = reject_event(in, log, ev, reason);
	in->staging_event = 0;
	return rc;
}

void
sl_ingest_other(const struct sl_ingest *in, uint64_t *events,
    uint64_t *rejects)
{
	*events = in->other_events;
	*rejects = in->other_rejects;
}

int
sl_ingest_event(struct sl_ingest *in, int log, const struct sl_event *ev)
{
	char reason[128];
	struct srec h;
	struct ilog *g;
	int rc;

	if ((rc = check_log(in, log)) < 0 || (rc = stopped(in)) < 0)
		return rc;
	g = &in->logs[log];
	if (ev->user.n == 0)
		return ifail(in, -EINVAL, "\"%s\" line %" PRIu64 ": an event "
		    "without a user", g->name, ev->line);
	if (in->nshards > 0 && !in->merging) {
		if ((rc = user_shard(in, ev->user.p, ev->user.n)) < 0)
			return rc;
		if ((unsigned)rc != in->shard) {
			g->other++;
			in->other_events++;
			return 0;
		}
	}
	/* Checked here, where every event is accepted, so that nothing is
	 * stored that the case's readers would refuse (store.h). */
	if (ev->raw.n > SL_MAX_RECORD_LIMIT) {
		snprintf(reason, sizeof(reason), "record longer than the "
		    "limit (%zu bytes)", (size_t)SL_MAX_RECORD_LIMIT);
		return shard_reject(in, log, ev, reason);
	}
	if (ev->user.n > SL_MAX_ROW || ev->key.n > SL_MAX_ROW ||
	    ev->origin.n > SL_MAX_ROW || ev->scope.n > SL_MAX_ROW)
		goto too_large;
	sl_buf_reset(&in->row);
	if ((rc = sl_row_format(ev, &in->row)) < 0)
		return ifail(in, rc, rc == -ENOMEM ? "out of memory" :
		    "\"%s\" line %" PRIu64 ": an event with a bad action or "
		    "outcome", g->name, ev->line);
	if (in->row.n > SL_MAX_ROW)
		goto too_large;
	memset(&h, 0, sizeof(h));
	h.cls = 1;
	h.time = ev->time;
	h.line = ev->line;
	h.offset = ev->offset;
	h.log = (uint32_t)log;
	h.ulen = (uint32_t)ev->user.n;
	h.klen = (uint32_t)ev->key.n;
	h.olen = (uint32_t)ev->origin.n;
	h.rlen = (uint32_t)in->row.n;
	h.slen = ev->key.n > 0 && ev->scope.n <= UINT32_MAX / 8 ?
	    (uint32_t)ev->scope.n : 0;
	h.seq = in->seq++;
	if ((rc = stage(in, &in->ev, &h, ev->user.p, ev->key.p, ev->origin.p,
	    in->row.p, ev->scope.p)) < 0)
		return rc;
	if (h.slen > 0)
		in->scoped++;
	/* A merged log's row has its counts already. */
	if (in->merging)
		return 0;
	g->events++;
	if (ev->time < g->first)
		g->first = ev->time;
	if (ev->time > g->last)
		g->last = ev->time;
	return 0;

too_large:
	snprintf(reason, sizeof(reason), "event too large to store (its "
	    "fields are longer than %zu bytes)", (size_t)SL_MAX_ROW);
	return shard_reject(in, log, ev, reason);
}

int
sl_ingest_reject(struct sl_ingest *in, int log, const struct sl_item *it)
{
	const char *origin, *profile, *reason;
	struct sl_str raw;
	struct srec h;
	struct ilog *g;
	int rc;

	if ((rc = check_log(in, log)) < 0)
		return rc;
	g = &in->logs[log];
	origin = it->name != NULL ? it->name : g->name;
	profile = it->profile != NULL ? it->profile : g->profile;
	/* A record without a user goes with the shard of its origin. */
	if (in->nshards > 0 && !in->merging && !in->staging_event &&
	    sl_shard_of(origin, strlen(origin), in->nshards) != in->shard) {
		g->other++;
		in->other_rejects++;
		return 0;
	}
	reason = it->reason != NULL ? it->reason : "";
	raw = it->raw;
	if (raw.n > SL_MAX_RECORD_LIMIT)
		raw.n = SL_MAX_RECORD_LIMIT;
	sl_buf_reset(&in->row);
	if (sl_tsv_escape(origin, strlen(origin), &in->row) < 0 ||
	    sl_buf_printf(&in->row, "\t%" PRIu64 "\t%" PRIu64 "\t", it->line,
	    it->offset) < 0 ||
	    sl_tsv_escape(profile, strlen(profile), &in->row) < 0 ||
	    sl_buf_addc(&in->row, '\t') < 0 ||
	    sl_tsv_escape(reason, strlen(reason), &in->row) < 0 ||
	    sl_buf_addc(&in->row, '\t') < 0 ||
	    sl_tsv_escape(raw.p, raw.n, &in->row) < 0)
		return ifail(in, -ENOMEM, "out of memory");
	if (in->row.n > SL_MAX_ROW || strlen(origin) > SL_MAX_ROW)
		return ifail(in, -E2BIG, "\"%s\" line %" PRIu64 ": a reject "
		    "too large to store", g->name, it->line);
	memset(&h, 0, sizeof(h));
	h.line = it->line;
	h.offset = it->offset;
	h.log = (uint32_t)log;
	h.olen = (uint32_t)strlen(origin);
	h.rlen = (uint32_t)in->row.n;
	h.seq = in->seq++;
	if ((rc = stage(in, &in->ev, &h, "", "", origin, in->row.p, "")) < 0)
		return rc;
	in->staged_rejects++;
	if (!in->merging)
		g->rejects++;
	return 0;
}

int
sl_ingest_log_end(struct sl_ingest *in, int log, const struct sl_log_stats *st)
{
	int rc;

	if ((rc = check_log(in, log)) < 0)
		return rc;
	free(in->logs[log].notes);
	in->logs[log].notes = NULL;
	/* An archive's own row is no log: its members have rows of theirs.
	 * Its notes say what else is known of them (partial=N). */
	if (st->container) {
		struct sl_buf b = { 0 };

		if (sl_buf_printf(&b, "container%s%s", st->notes != NULL &&
		    st->notes[0] != '\0' ? " " : "", st->notes != NULL ?
		    st->notes : "") < 0)
			return ifail(in, -ENOMEM, "out of memory");
		in->logs[log].notes = b.p;
	} else {
		in->logs[log].notes = strdup(st->notes != NULL ? st->notes :
		    "");
	}
	if (in->logs[log].notes == NULL)
		return ifail(in, -ENOMEM, "out of memory");
	in->logs[log].st = *st;
	in->logs[log].st.sha256[64] = '\0';
	in->logs[log].st.notes = in->logs[log].notes;
	in->logs[log].ended = 1;
	/* Read although the case has it: the tool chose to read it again
	 * (sl_ingest_opts.reread). */
	if (!in->reread && st->sha256[0] != '\0' &&
	    sl_case_has_sha256(in->c, st->sha256) &&
	    repl_add(in, in->logs[log].name) < 0)
		return -ENOMEM;
	return 0;
}

/* ---- commit: writing timelines ------------------------------------------- */

static int
add_path(struct sl_ingest *in, const char *rel)
{
	return strv_add(in, &in->paths, &in->npaths, &in->cpaths, rel);
}

static int
write_header(struct sl_bgzf_writer *w, const char *const *cols, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		rc = sl_bgzf_write(w, cols[i], strlen(cols[i]));
		if (rc == 0)
			rc = sl_bgzf_write(w, i + 1 < n ? "\t" : "\n", 1);
	}
	return rc;
}

static int
txn_create(struct sl_ingest *in, const char *rel, FILE **fpp,
    struct sl_bgzf_writer **wp)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", SL_TXN, rel);
	*fpp = sl_case_fcreate(in->c, path);
	if (*fpp == NULL)
		return cfail(in, -EIO);
	if (wp == NULL)
		return 0;
	*wp = sl_bgzf_writer_pool(*fpp, 1, in->pool);
	if (*wp == NULL) {
		fclose(*fpp);
		*fpp = NULL;
		return ifail(in, -ENOMEM, "out of memory");
	}
	return 0;
}

/* A write to rel failed with rc (a negative errno value from the call
 * that failed): say why, a full disk above all. */
static int
wfail(struct sl_ingest *in, int rc, const char *dir, const char *rel)
{
	char path[600], where[1200];

	if (rc >= 0 || rc == -ENOMEM)
		rc = rc == -ENOMEM ? rc : -EIO;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return ifail(in, rc, "cannot write \"%s\": %s",
	    sl_case_where(in->c, path, where, sizeof(where)), strerror(-rc));
}

static int
txn_close(struct sl_ingest *in, const char *rel, FILE *fp,
    struct sl_bgzf_writer *w)
{
	char path[300];
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", SL_TXN, rel);
	if (w != NULL && (rc = sl_bgzf_close(w)) < 0) {
		fclose(fp);
		return wfail(in, rc, SL_TXN, rel);
	}
	if ((rc = sl_case_fclose(in->c, fp, path)) < 0)
		return cfail(in, rc);
	return add_path(in, rel);
}

/*
 * With jobs, the users' indexes are written by a thread of their own
 * while the merge goes on (creating a file costs the kernel more than
 * writing a small one); it is joined before the manifest, and its first
 * failure fails the commit.  Like the other files of the update, they
 * are made durable by the commit's syncfs.
 */
struct idxitem {
	struct idxitem *next;
	char rel[300];
	char *p;
	size_t n;
};

struct idxq {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct idxitem *head, *tail;
	int quit;
	struct sl_case *c;
	int err;		/* the first failure, -errno */
	char msg[700];
};

static int
idx_write(struct idxq *q, const struct idxitem *it)
{
	const char *r = it->rel;
	char where[600];
	size_t off = 0;
	ssize_t k;
	int fd, dfd = sl_case_at(q->c, &r), rc = 0;

	fd = openat(dfd, r, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) < 0)
		rc = -errno;
	while (rc == 0 && off < it->n) {
		if ((k = write(fd, it->p + off, it->n - off)) < 0) {
			if (errno != EINTR)
				rc = -errno;
			continue;
		}
		off += (size_t)k;
	}
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		snprintf(q->msg, sizeof(q->msg), "cannot write \"%s\": %s",
		    sl_case_where(q->c, it->rel, where, sizeof(where)),
		    strerror(-rc));
	return rc;
}

static void *
idxq_main(void *arg)
{
	struct idxq *q = arg;
	struct idxitem *it;
	int rc;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->head == NULL && !q->quit)
			pthread_cond_wait(&q->cond, &q->lock);
		if ((it = q->head) == NULL)
			break;
		q->head = it->next;
		if (q->head == NULL)
			q->tail = NULL;
		rc = q->err;
		pthread_mutex_unlock(&q->lock);
		/* After a failure the rest are dropped: the commit fails. */
		if (rc == 0)
			rc = idx_write(q, it);
		free(it->p);
		free(it);
		pthread_mutex_lock(&q->lock);
		if (rc < 0 && q->err == 0)
			q->err = rc;
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static struct idxq *
idxq_new(struct sl_case *c)
{
	struct idxq *q = calloc(1, sizeof(*q));
	sigset_t all, saved;
	int rc;

	if (q == NULL)
		return NULL;
	q->c = c;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	rc = pthread_create(&q->thread, NULL, idxq_main, q);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&q->cond);
		pthread_mutex_destroy(&q->lock);
		free(q);
		return NULL;
	}
	return q;
}

/* Hand the index of u (its buffer taken) to the thread. */
static int
idxq_put(struct sl_ingest *in, struct uout *u)
{
	struct idxq *q = in->iq;
	struct idxitem *it = calloc(1, sizeof(*it));

	if (it == NULL)
		return ifail(in, -ENOMEM, "out of memory");
	snprintf(it->rel, sizeof(it->rel), "%s/%s", SL_TXN, u->irel);
	it->p = u->idx.p;
	it->n = u->idx.n;
	memset(&u->idx, 0, sizeof(u->idx));
	pthread_mutex_lock(&q->lock);
	if (q->tail != NULL)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return add_path(in, u->irel);
}

/* Wait for every index written, end the thread: 0, or its failure
 * (reported if report is set: a commit failing already keeps its own). */
static int
idxq_end(struct sl_ingest *in, int report)
{
	struct idxq *q = in->iq;
	int rc;

	if (q == NULL)
		return 0;
	in->iq = NULL;
	pthread_mutex_lock(&q->lock);
	q->quit = 1;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	rc = q->err;
	if (rc < 0 && report)
		ifail(in, rc, "%s", q->msg);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
	return rc;
}

static int
user_begin(struct sl_ingest *in, const struct srec *s)
{
	struct uout *u = &in->u;
	struct sl_buf enc = { 0 };
	struct src *src;
	int rc;

	memset(u, 0, sizeof(*u));
	u->user = sl_strndup(S_USER(s), s->ulen);
	u->ulen = s->ulen;
	if (u->user == NULL || sl_name_encode(S_USER(s), s->ulen, &enc) < 0) {
		sl_buf_release(&enc);
		return ifail(in, -ENOMEM, "out of memory");
	}
	snprintf(u->rel, sizeof(u->rel), "users/%s.tsv.gz", enc.p);
	snprintf(u->irel, sizeof(u->irel), "users/%s.idx", enc.p);
	sl_buf_release(&enc);
	u->open = 1;
	if (in->touched != NULL) {
		const struct sl_case_user *cu;

		cu = sl_case_find_user(in->c, S_USER(s), s->ulen);
		if (cu != NULL)
			in->touched[cu - in->c->users] = 1;
	}
	if (sl_case_digest(in->c, u->rel) != NULL) {
		if ((src = src_open(in, SRC_TIMELINE, u->rel)) == NULL)
			return -EIO;
		src->user = u->user;
		src->ulen = u->ulen;
		if ((rc = heap_add(in, &in->hp, src)) < 0)
			return rc;
	}
	if ((rc = txn_create(in, u->rel, &u->fp, &u->w)) < 0)
		return rc;
	if ((rc = write_header(u->w, sl_row_header, SL_ROW_COLUMNS)) < 0 ||
	    (rc = sl_bgzf_flush(u->w)) < 0)
		return wfail(in, rc, SL_TXN, u->rel);
	return 0;
}

static int
chunk_end(struct sl_ingest *in)
{
	struct uout *u = &in->u;
	struct uchunk *k;
	int rc;

	if (u->chunk_rows == 0)
		return 0;
	if ((rc = sl_bgzf_flush(u->w)) < 0)
		return wfail(in, rc, SL_TXN, u->rel);
	if (u->nchunks == u->cchunks) {
		size_t ncap = u->cchunks ? u->cchunks * 2 : 64;

		k = realloc(u->chunks, ncap * sizeof(*k));
		if (k == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		u->chunks = k;
		u->cchunks = ncap;
	}
	k = &u->chunks[u->nchunks++];
	k->block = u->chunk_block;
	k->rows = u->chunk_rows;
	k->first = u->chunk_first;
	k->last = u->chunk_last;
	u->chunk_rows = 0;
	u->chunk_bytes = 0;
	return 0;
}

static int
user_row(struct sl_ingest *in, const struct srec *s)
{
	struct uout *u = &in->u;
	int rc;

	if (u->chunk_bytes > 0 && u->chunk_bytes + s->rlen + 1 > CHUNK_DATA &&
	    (rc = chunk_end(in)) < 0)
		return rc;
	if (u->chunk_rows == 0) {
		u->chunk_block = sl_bgzf_blocks(u->w);
		u->chunk_first = s->time;
	}
	if ((rc = sl_bgzf_write(u->w, S_ROW(s), s->rlen)) < 0 ||
	    (rc = sl_bgzf_write(u->w, "\n", 1)) < 0)
		return wfail(in, rc, SL_TXN, u->rel);
	u->chunk_bytes += s->rlen + 1;
	u->chunk_rows++;
	u->rows++;
	u->chunk_last = s->time;
	return 0;
}

/* The user's index, once the offsets of its chunks are known. */
static int
idx_format(struct sl_ingest *in)
{
	struct uout *u = &in->u;
	char a[32], b[32];
	uint64_t off;
	size_t i;
	int rc;

	sl_buf_reset(&u->idx);
	if (sl_buf_printf(&u->idx, "offset\tfirst\tlast\trows\n") < 0)
		return ifail(in, -ENOMEM, "out of memory");
	for (i = 0; i < u->nchunks; i++) {
		if ((rc = sl_bgzf_block_offset(u->w, u->chunks[i].block,
		    &off)) < 0)
			return wfail(in, rc, SL_TXN, u->rel);
		sl_row_time_format(u->chunks[i].first, a);
		sl_row_time_format(u->chunks[i].last, b);
		if (sl_buf_printf(&u->idx, "%" PRIu64 "\t%s\t%s\t%" PRIu64
		    "\n", off, a, b, u->chunks[i].rows) < 0)
			return ifail(in, -ENOMEM, "out of memory");
	}
	return 0;
}

static int
user_end(struct sl_ingest *in)
{
	struct uout *u = &in->u;
	char path[300];
	FILE *fp;
	int rc = 0;

	if (!u->open)
		return 0;
	u->open = 0;
	if ((u->added == 0 && u->removed == 0) || u->rows == 0) {
		/* Nothing new: the old timeline stays as it is; or nothing
		 * left, all replaced: the user leaves the case. */
		sl_bgzf_close(u->w);
		fclose(u->fp);
		snprintf(path, sizeof(path), "%s/%s", SL_TXN, u->rel);
		sl_case_unlink(in->c, path);
		if (u->rows == 0 && u->removed > 0) {
			in->res.users++;
			snprintf(path, sizeof(path), "-%s", u->rel);
			if ((rc = add_path(in, path)) < 0)
				goto done;
			snprintf(path, sizeof(path), "-%s", u->irel);
			rc = add_path(in, path);
		}
		goto done;
	}
	in->res.users++;
	if ((rc = chunk_end(in)) < 0 || (rc = idx_format(in)) < 0) {
		/* A full disk, say: the files go with the transaction. */
		sl_bgzf_close(u->w);
		fclose(u->fp);
		goto done;
	}
	rc = txn_close(in, u->rel, u->fp, u->w);
	if (rc < 0)
		goto done;
	if (in->iq != NULL) {
		rc = idxq_put(in, u);
		goto done;
	}
	if ((rc = txn_create(in, u->irel, &fp, NULL)) < 0)
		goto done;
	if (fwrite(u->idx.p, 1, u->idx.n, fp) != u->idx.n) {
		rc = wfail(in, -errno, SL_TXN, u->irel);
		fclose(fp);
		goto done;
	}
	rc = txn_close(in, u->irel, fp, NULL);
done:
	u->w = NULL;
	u->fp = NULL;
	free(u->user);
	u->user = NULL;
	sl_buf_release(&u->idx);
	free(u->chunks);
	u->chunks = NULL;
	return rc;
}

/* What makes two events of one user at one time the same: the key, or the
 * raw record (the row's last column) when there is none. */
static void
dup_class(const struct srec *s, const char **p, size_t *n)
{
	const char *row = S_ROW(s), *tab;

	if (s->klen > 0) {
		*p = S_KEY(s);
		*n = s->klen;
		return;
	}
	tab = memrchr(row, '\t', s->rlen);
	*p = tab != NULL ? tab + 1 : row;
	*n = s->rlen - (size_t)(*p - row);
}

static int
same_class(const struct srec *a, const struct srec *b)
{
	const char *pa, *pb;
	size_t na, nb;

	if ((a->klen > 0) != (b->klen > 0))
		return 0;
	/* New events with scoped keys: the key pass has decided. */
	if (a->slen > 0 && b->slen > 0 && a->log != LOG_EXISTING &&
	    b->log != LOG_EXISTING)
		return 0;
	dup_class(a, &pa, &na);
	dup_class(b, &pb, &nb);
	return na == nb && (na == 0 || memcmp(pa, pb, na) == 0);
}

/* The records of a group class by class (key or raw record), each class
 * in the merge's order. */
static int
class_order(const struct srec *a, const struct srec *b)
{
	const char *pa, *pb;
	size_t na, nb;

	if ((a->klen > 0) != (b->klen > 0))
		return a->klen > 0 ? 1 : -1;
	dup_class(a, &pa, &na);
	dup_class(b, &pb, &nb);
	return srec_cmp_bytes(pa, na, pb, nb);
}

static int
class_cmp(const struct srec *a, const struct srec *b)
{
	int d = class_order(a, b);

	return d != 0 ? d : srec_cmp(a, b);
}

#define GREC(in, i) ((const struct srec *)((in)->group.p + (in)->goff[i]))

/* A record of the group goes to the timeline, or counts as a duplicate. */
static int
group_emit(struct sl_ingest *in, const struct srec *s, int dup)
{
	int rc;

	if (dup) {
		in->logs[s->log].dups++;
		in->res.duplicates++;
		return 0;
	}
	if ((rc = user_row(in, s)) < 0)
		return rc;
	if (s->log == LOG_EXISTING)
		return 0;
	in->u.added++;
	in->res.accepted++;
	if (in->res.first == INT64_MIN || s->time < in->res.first)
		in->res.first = s->time;
	if (in->res.last == INT64_MIN || s->time > in->res.last)
		in->res.last = s->time;
	return 0;
}

static int
stage_copy(struct sl_ingest *in, struct sorter *so, const struct srec *s,
    uint32_t flags)
{
	struct srec h = *s;

	h.flags = flags;
	return stage(in, so, &h, S_USER(s), S_KEY(s), S_ORIGIN(s), S_ROW(s),
	    S_SCOPE(s));
}

/*
 * The end of a class of a large group: its first record is a duplicate if
 * it is new and the case had a copy (in the order of group_flush, a copy
 * in the case takes the first one's place).
 */
static int
class_end(struct sl_ingest *in, int seen_case)
{
	const struct srec *f = (const struct srec *)in->gfirst.p;

	if (in->gfirst.n == 0)
		return 0;
	return stage_copy(in, &in->os, f, f->log != LOG_EXISTING &&
	    seen_case ? SR_DUP : 0);
}

/* Read a sorter's records in its order: every run on a heap (what is in
 * memory spilled first). */
static int
sorter_heap(struct sl_ingest *in, struct sorter *so, struct heap *hp)
{
	struct src *src;
	size_t i;
	int rc;

	if (so->nrec > 0 && (rc = spill(in, so)) < 0)
		return rc;
	free(so->arena);
	so->arena = NULL;
	so->acap = 0;
	hp->cmp = so->cmp;
	for (i = 0; i < so->nruns; i++) {
		if ((src = src_open(in, SRC_RUN, so->runs[i])) == NULL)
			return -EIO;
		if ((rc = heap_add(in, hp, src)) < 0)
			return rc;
	}
	return 0;
}

/*
 * A group larger than group_max, de-duplicated as group_flush does, with
 * its memory bounded: sorted by class, each class decides which of its
 * records are duplicates, in the merge's order, the way group_flush's
 * table does: a copy in the case is always kept; the class's first record
 * is kept unless the case has a copy; a new record with a scoped key (the
 * key pass has decided between those) is kept while the class's first
 * record is one too and no copy of the case came before it; the others
 * are duplicates.  Then, back in the merge's order, each is written or
 * counted.
 */
static int
big_flush(struct sl_ingest *in)
{
	struct heap hp = { 0 };
	const struct srec *s, *f;
	int seen_case = 0, first_scoped = 0, dup, rc;

	in->big = 0;
	sl_buf_reset(&in->gfirst);
	if ((rc = sorter_heap(in, &in->gs, &hp)) < 0)
		goto fail;
	while (hp.n > 0) {
		s = hp.v[0]->cur;
		f = in->gfirst.n > 0 ? (const struct srec *)in->gfirst.p :
		    NULL;
		if (f == NULL || class_order(f, s) != 0) {
			if ((rc = class_end(in, seen_case)) < 0)
				goto fail;
			sl_buf_reset(&in->gfirst);
			if (sl_buf_add(&in->gfirst, s, sizeof(*s) +
			    payload(s)) < 0) {
				rc = ifail(in, -ENOMEM, "out of memory");
				goto fail;
			}
			seen_case = s->log == LOG_EXISTING;
			first_scoped = s->log != LOG_EXISTING && s->slen > 0;
		} else {
			if (s->log == LOG_EXISTING) {
				seen_case = 1;
				dup = 0;
			} else if (s->slen > 0) {
				dup = !first_scoped || seen_case;
			} else {
				dup = 1;
			}
			if ((rc = stage_copy(in, &in->os, s, dup ? SR_DUP :
			    0)) < 0)
				goto fail;
		}
		if ((rc = heap_advance(in, &hp)) < 0)
			goto fail;
	}
	if ((rc = class_end(in, seen_case)) < 0)
		goto fail;
	sl_buf_reset(&in->gfirst);
	heap_free(&hp);
	sorter_release(in, &in->gs);
	in->gs.cmp = class_cmp;
	in->gs.limit = in->group_max;
	if ((rc = sorter_heap(in, &in->os, &hp)) < 0)
		goto fail;
	while (hp.n > 0) {
		s = hp.v[0]->cur;
		if ((rc = group_emit(in, s, (s->flags & SR_DUP) != 0)) < 0 ||
		    (rc = heap_advance(in, &hp)) < 0)
			goto fail;
	}
	heap_free(&hp);
	sorter_release(in, &in->os);
	in->os.cmp = srec_cmp;
	in->os.limit = in->group_max;
	return 0;
fail:
	heap_free(&hp);
	return rc;
}

/* The group outgrew memory: its records so far go to the class sorter. */
static int
big_start(struct sl_ingest *in)
{
	size_t i;
	int rc;

	sl_buf_reset(&in->gkey);
	if (sl_buf_add(&in->gkey, GREC(in, 0), sizeof(struct srec) +
	    payload(GREC(in, 0))) < 0)
		return ifail(in, -ENOMEM, "out of memory");
	for (i = 0; i < in->ngroup; i++)
		if ((rc = stage_copy(in, &in->gs, GREC(in, i),
		    GREC(in, i)->flags)) < 0)
			return rc;
	in->ngroup = 0;
	sl_buf_release(&in->group);
	in->big = 1;
	return 0;
}

static int
group_flush(struct sl_ingest *in)
{
	size_t i, mask, tsize;
	int rc;

	if (in->big)
		return big_flush(in);
	if (in->ngroup == 0)
		return 0;
	for (tsize = 16; tsize < 2 * in->ngroup; tsize *= 2)
		;
	if (tsize > in->ctab) {
		size_t *p = realloc(in->gtab, tsize * sizeof(*p));

		if (p == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		in->gtab = p;
		in->ctab = tsize;
	}
	memset(in->gtab, 0, tsize * sizeof(*in->gtab));
	mask = tsize - 1;
	/* Each class keeps one winner: a copy in the case, else the first
	 * in sort order (origin, line, offset), so that the case does not
	 * depend on the order in which parallel readers staged the copies. */
	for (i = 0; i < in->ngroup; i++) {
		const struct srec *s = GREC(in, i), *w;
		const char *p;
		size_t n, h;

		dup_class(s, &p, &n);
		h = (size_t)sl_hash64(p, n) ^ (s->klen > 0);
		for (h &= mask; in->gtab[h] != 0; h = (h + 1) & mask)
			if (same_class(GREC(in, in->gtab[h] - 1), s))
				break;
		in->gslot[i] = h;
		if (in->gtab[h] == 0) {
			in->gtab[h] = i + 1;
			continue;
		}
		w = GREC(in, in->gtab[h] - 1);
		if (w->log == LOG_EXISTING)
			continue;
		if (s->log == LOG_EXISTING)
			in->gtab[h] = i + 1;
	}
	for (i = 0; i < in->ngroup; i++) {
		const struct srec *s = GREC(in, i);

		if ((rc = group_emit(in, s, s->log != LOG_EXISTING &&
		    in->gtab[in->gslot[i]] != i + 1)) < 0)
			return rc;
	}
	in->ngroup = 0;
	sl_buf_reset(&in->group);
	return 0;
}

static int
group_add(struct sl_ingest *in, const struct srec *s)
{
	size_t n = sizeof(*s) + payload(s);
	const struct srec *g0;
	int rc;

	if (in->ngroup > 0 || in->big) {
		g0 = in->big ? (const struct srec *)in->gkey.p : GREC(in, 0);
		/* A new user or time ends the group; past its memory, it
		 * goes on through the disk. */
		if (g0->time != s->time || g0->ulen != s->ulen ||
		    memcmp(S_USER(g0), S_USER(s), s->ulen) != 0) {
			if ((rc = group_flush(in)) < 0)
				return rc;
		} else if (!in->big && in->group.n + n > in->group_max &&
		    (rc = big_start(in)) < 0) {
			return rc;
		}
	}
	if (in->big)
		return stage_copy(in, &in->gs, s, s->flags);
	if (in->ngroup == in->cgroup) {
		size_t ncap = in->cgroup ? in->cgroup * 2 : 64;
		size_t *a = realloc(in->goff, ncap * sizeof(*a));

		if (a == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		in->goff = a;
		a = realloc(in->gslot, ncap * sizeof(*a));
		if (a == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		in->gslot = a;
		in->cgroup = ncap;
	}
	in->goff[in->ngroup] = in->group.n;
	if (sl_buf_add(&in->group, s, n) < 0)
		return ifail(in, -ENOMEM, "out of memory");
	in->ngroup++;
	return 0;
}

static int
reject_row(struct sl_ingest *in, const struct srec *s)
{
	int rc;

	if (in->rw == NULL) {
		if ((rc = txn_create(in, SL_REJECTS, &in->rfp, &in->rw)) < 0)
			return rc;
		if ((rc = write_header(in->rw, sl_reject_header,
		    SL_REJECT_COLUMNS)) < 0)
			return wfail(in, rc, SL_TXN, SL_REJECTS);
	}
	if ((rc = sl_bgzf_write(in->rw, S_ROW(s), s->rlen)) < 0 ||
	    (rc = sl_bgzf_write(in->rw, "\n", 1)) < 0)
		return wfail(in, rc, SL_TXN, SL_REJECTS);
	return 0;
}

/* Does a conflicts row involve a replaced origin (kept copy's or the
 * duplicate's)?  1, 0, or a negative errno value. */
static int
conflict_replaced(struct sl_ingest *in, const char *p, size_t n)
{
	struct sl_str col[SL_CONFLICT_COLUMNS];

	sl_buf_reset(&in->scratch);
	if (sl_buf_add(&in->scratch, p, n) < 0)
		return ifail(in, -ENOMEM, "out of memory");
	if (sl_row_split(in->scratch.p, n, col, SL_CONFLICT_COLUMNS) < 0 ||
	    sl_row_unescape(&col[4]) < 0 || sl_row_unescape(&col[9]) < 0)
		return ifail(in, -EBADMSG, "\"%s/%s\": malformed row (run "
		    "verify)", in->c->dir, SL_CONFLICTS);
	return replaced(in, col[4].p, col[4].n) ||
	    replaced(in, col[9].p, col[9].n);
}

/* conflicts.tsv.gz: the rows it had (but those of replaced origins), then
 * the new ones as they come. */
static int
conflicts_open(struct sl_ingest *in)
{
	struct src *old;
	char *p;
	size_t n;
	int rc;

	if ((rc = txn_create(in, SL_CONFLICTS, &in->cfp, &in->cw)) < 0)
		return rc;
	if ((rc = write_header(in->cw, sl_conflict_header,
	    SL_CONFLICT_COLUMNS)) < 0)
		return wfail(in, rc, SL_TXN, SL_CONFLICTS);
	if (sl_case_digest(in->c, SL_CONFLICTS) == NULL)
		return 0;
	if ((old = src_open(in, SRC_KEYS, SL_CONFLICTS)) == NULL)
		return -EIO;
	for (;;) {
		rc = sl_lines_next(&old->l, &p, &n);
		if (rc <= 0)
			break;
		if (old->header) {
			old->header = 0;
			continue;
		}
		if (in->nrepl > 0 && (rc = conflict_replaced(in, p, n)) != 0) {
			if (rc < 0)
				break;
			continue;
		}
		if ((rc = sl_bgzf_write(in->cw, p, n)) < 0 ||
		    (rc = sl_bgzf_write(in->cw, "\n", 1)) < 0) {
			rc = wfail(in, rc, SL_TXN, SL_CONFLICTS);
			break;
		}
	}
	if (rc < 0 && in->err[0] == '\0')
		ifail(in, rc, "\"%s/%s\": %s (run verify)", in->c->dir,
		    SL_CONFLICTS, old->l.err);
	src_free(old);
	return rc;
}

/* A duplicate found by its key, s, leaves the case; a conflicting one is
 * written to conflicts.tsv.gz with the kept copy's part from its drop
 * record d. */
static int
drop(struct sl_ingest *in, const struct srec *d, const struct srec *s)
{
	struct sl_buf *b = &in->row;
	const char *tab, *raw;
	char t[32];
	int rc;

	in->logs[s->log].dups++;
	in->res.duplicates++;
	if (!(d->flags & SR_CONFLICT))
		return 0;
	if (in->cw == NULL && (rc = conflicts_open(in)) < 0)
		return rc;
	/* the kept copy's part, then the differing fields after a tab */
	tab = memrchr(S_ROW(d), '\t', d->rlen);
	raw = memrchr(S_ROW(s), '\t', s->rlen);
	if (tab == NULL || raw == NULL)
		return ifail(in, -EBADMSG, "a staged record is malformed");
	sl_buf_reset(b);
	sl_row_time_format(s->time, t);
	if (sl_buf_add(b, S_ROW(d), (size_t)(tab - S_ROW(d))) < 0 ||
	    sl_buf_addc(b, '\t') < 0 ||
	    sl_tsv_escape(S_USER(s), s->ulen, b) < 0 ||
	    sl_buf_printf(b, "\t%s\t", t) < 0 ||
	    sl_tsv_escape(S_ORIGIN(s), s->olen, b) < 0 ||
	    sl_buf_printf(b, "\t%" PRIu64 "\t%" PRIu64, s->line,
	    s->offset) < 0 ||
	    sl_buf_add(b, tab, (size_t)(S_ROW(d) + d->rlen - tab)) < 0 ||
	    sl_buf_add(b, raw, (size_t)(S_ROW(s) + s->rlen - raw)) < 0 ||
	    sl_buf_addc(b, '\n') < 0)
		return ifail(in, -ENOMEM, "out of memory");
	if ((rc = sl_bgzf_write(in->cw, b->p, b->n)) < 0)
		return wfail(in, rc, SL_TXN, SL_CONFLICTS);
	return 0;
}

/*
 * The users the merge did not meet may hold rows of replaced origins too:
 * each of their timelines is read, and written again without those rows
 * (or removed, with nothing left) when it had any.
 */
static int
untouched(struct sl_ingest *in)
{
	struct sl_buf b = { 0 };
	struct srec h;
	size_t i;
	int rc = 0;

	if (in->touched == NULL)
		return 0;
	for (i = 0; i < in->c->nusers; i++) {
		const struct sl_case_user *cu = &in->c->users[i];

		if (in->touched[i])
			continue;
		memset(&h, 0, sizeof(h));
		h.cls = 1;
		h.ulen = (uint32_t)cu->namelen;
		sl_buf_reset(&b);
		if (srec_build(&b, &h, cu->name, "", "", "", "") < 0) {
			rc = ifail(in, -ENOMEM, "out of memory");
			break;
		}
		if ((rc = user_begin(in, (const struct srec *)b.p)) < 0)
			break;
		while (in->hp.n > 0 && rc == 0) {
			if ((rc = group_add(in, in->hp.v[0]->cur)) == 0)
				rc = heap_advance(in, &in->hp);
		}
		if (rc < 0 || (rc = group_flush(in)) < 0 ||
		    (rc = user_end(in)) < 0)
			break;
	}
	sl_buf_release(&b);
	return rc;
}

/* The conflicts the merged cases found themselves follow those found
 * now: their rows as they are. */
static int
merged_conflicts(struct sl_ingest *in)
{
	struct sl_lines l;
	size_t i, n;
	FILE *fp;
	char *p;
	int rc = 0, header;

	for (i = 0; i < in->nmsrc && rc == 0; i++) {
		struct sl_case *c = in->msrc[i];

		if ((fp = sl_case_fopen(c, SL_CONFLICTS)) == NULL) {
			if (errno == ENOENT &&
			    sl_case_digest(c, SL_CONFLICTS) == NULL)
				continue;
			return ifail(in, -errno, "cannot read \"%s/%s\": %s",
			    c->dir, SL_CONFLICTS, strerror(errno));
		}
		sl_lines_init(&l, fp);
		header = 1;
		while ((rc = sl_lines_next(&l, &p, &n)) > 0) {
			if (header) {
				header = 0;
				continue;
			}
			if (in->cw == NULL && (rc = conflicts_open(in)) < 0)
				break;
			if ((rc = sl_bgzf_write(in->cw, p, n)) < 0 ||
			    (rc = sl_bgzf_write(in->cw, "\n", 1)) < 0) {
				rc = wfail(in, rc, SL_TXN, SL_CONFLICTS);
				break;
			}
		}
		if (rc < 0 && in->err[0] == '\0')
			ifail(in, rc, "\"%s/%s\": %s (run verify)", c->dir,
			    SL_CONFLICTS, l.err);
		sl_lines_release(&l);
		fclose(fp);
	}
	return rc;
}

static int
merge(struct sl_ingest *in)
{
	const struct srec *s, *d;
	int rc;

	sl_buf_reset(&in->pend);
	/* Rows of replaced origins leave conflicts.tsv.gz. */
	if (in->nrepl > 0 && sl_case_digest(in->c, SL_CONFLICTS) != NULL &&
	    (rc = conflicts_open(in)) < 0)
		return rc;
	while (in->hp.n > 0) {
		s = in->hp.v[0]->cur;
		d = in->pend.n > 0 ? (const struct srec *)in->pend.p : NULL;
		if (s->cls == 0) {
			rc = reject_row(in, s);
		} else if (!in->u.open || s->ulen != in->u.ulen ||
		    memcmp(S_USER(s), in->u.user, s->ulen) != 0) {
			if ((rc = group_flush(in)) < 0 ||
			    (rc = user_end(in)) < 0 ||
			    (rc = user_begin(in, s)) < 0)
				return rc;
			continue;	/* the old timeline may come first */
		} else if (s->flags & SR_DROP) {
			/* Its event is the next record equal to it. */
			sl_buf_reset(&in->pend);
			rc = sl_buf_add(&in->pend, s, sizeof(*s) +
			    payload(s)) < 0 ? ifail(in, -ENOMEM,
			    "out of memory") : 0;
		} else if (d != NULL && srec_cmp_ident(d, s) == 0) {
			rc = drop(in, d, s);
			sl_buf_reset(&in->pend);
		} else {
			rc = group_add(in, s);
		}
		if (rc < 0 || (rc = heap_advance(in, &in->hp)) < 0)
			return rc;
	}
	if ((rc = group_flush(in)) < 0 || (rc = user_end(in)) < 0)
		return rc;
	if ((rc = untouched(in)) < 0 || (rc = merged_conflicts(in)) < 0)
		return rc;
	/* Every old reject replaced and no new one: only the header. */
	if (in->rw == NULL && in->nrepl > 0 &&
	    sl_case_digest(in->c, SL_REJECTS) != NULL) {
		if ((rc = sl_case_txn_empty_table(in->c, SL_REJECTS,
		    sl_reject_header, SL_REJECT_COLUMNS)) < 0)
			return cfail(in, rc);
		if ((rc = add_path(in, SL_REJECTS)) < 0)
			return rc;
	}
	if (in->rw != NULL) {
		rc = txn_close(in, SL_REJECTS, in->rfp, in->rw);
		in->rw = NULL;
		in->rfp = NULL;
	}
	if (rc == 0 && in->cw != NULL) {
		rc = txn_close(in, SL_CONFLICTS, in->cfp, in->cw);
		in->cw = NULL;
		in->cfp = NULL;
	}
	return rc;
}

/* ---- commit: keys across users ------------------------------------------ */

/* The key record of a staged event, if it has a scoped key. */
static int
key_stage(struct sl_ingest *in, const struct srec *s)
{
	const char *row = S_ROW(s), *end = row + s->rlen, *tab[6], *p;
	struct srec h;
	size_t k;

	if (s->cls != 1 || s->slen == 0 || (s->flags & SR_DROP))
		return 0;
	/* Columns 3 (action) and 5 (resource) only: the row is read in
	 * place up to its sixth tab, not copied and split whole (its raw
	 * record, the last column, is most of it). */
	for (k = 0, p = row; k < 6; k++, p = tab[k - 1] + 1)
		if ((tab[k] = memchr(p, '\t', (size_t)(end - p))) == NULL)
			return ifail(in, -EBADMSG,
			    "a staged record is malformed");
	/* What a copy says besides user and time, escaped as stored. */
	sl_buf_reset(&in->row);
	if (sl_buf_add(&in->row, tab[2] + 1, (size_t)(tab[3] - tab[2] - 1)) <
	    0 || sl_buf_addc(&in->row, '\t') < 0 ||
	    sl_buf_add(&in->row, tab[4] + 1, (size_t)(tab[5] - tab[4] - 1)) <
	    0)
		return ifail(in, -ENOMEM, "out of memory");
	h = *s;
	h.rlen = (uint32_t)in->row.n;
	return stage(in, &in->ks, &h, S_USER(s), S_KEY(s), S_ORIGIN(s),
	    in->row.p, S_SCOPE(s));
}

/* The kept copy of a key, as a row of keys.tsv.gz. */
static int
key_row(struct sl_ingest *in, struct sl_bgzf_writer *w, const struct srec *s)
{
	struct sl_buf *b = &in->row;
	char t[32];
	int rc;

	sl_buf_reset(b);
	sl_row_time_format(s->time, t);
	if (sl_tsv_escape(S_SCOPE(s), s->slen, b) < 0 ||
	    sl_buf_addc(b, '\t') < 0 ||
	    sl_tsv_escape(S_KEY(s), s->klen, b) < 0 ||
	    sl_buf_addc(b, '\t') < 0 ||
	    sl_tsv_escape(S_USER(s), s->ulen, b) < 0 ||
	    sl_buf_printf(b, "\t%s\t", t) < 0 ||
	    sl_buf_add(b, S_ROW(s), s->rlen) < 0 ||
	    sl_buf_addc(b, '\t') < 0 ||
	    sl_tsv_escape(S_ORIGIN(s), s->olen, b) < 0 ||
	    sl_buf_printf(b, "\t%" PRIu64 "\t%" PRIu64 "\n", s->line,
	    s->offset) < 0)
		return ifail(in, -ENOMEM, "out of memory");
	if ((rc = sl_bgzf_write(w, b->p, b->n)) < 0)
		return wfail(in, rc, SL_TXN, SL_KEYS);
	return 0;
}

static void
differs_add(char *buf, size_t n, const char *what)
{
	size_t len = strlen(buf);

	snprintf(buf + len, n - len, "%s%s", len > 0 ? "," : "", what);
}

/*
 * s repeats the key of the kept copy w: mark its event to be dropped.  A
 * copy that says something else (user, time, action, resource, compared as
 * normalised) is a conflict: its drop record carries the kept copy's part
 * of the conflicts row.
 */
static int
key_dup(struct sl_ingest *in, const struct srec *w, const struct srec *s)
{
	struct sl_buf *b = &in->row;
	const char *wr = S_ROW(w), *sr = S_ROW(s), *wt, *st;
	char differs[64] = "", t[32];
	struct srec h;

	if (s->log == LOG_EXISTING)
		return 0;	/* a damaged index: keep the first */
	wt = memchr(wr, '\t', w->rlen);
	st = memchr(sr, '\t', s->rlen);
	if (wt == NULL || st == NULL)
		return ifail(in, -EBADMSG, "a key record is malformed");
	if (w->ulen != s->ulen || memcmp(S_USER(w), S_USER(s), s->ulen) != 0)
		differs_add(differs, sizeof(differs), "user");
	if (w->time != s->time)
		differs_add(differs, sizeof(differs), "time");
	if (wt - wr != st - sr || memcmp(wr, sr, (size_t)(st - sr)) != 0)
		differs_add(differs, sizeof(differs), "action");
	if (wr + w->rlen - wt != sr + s->rlen - st ||
	    memcmp(wt, st, (size_t)(sr + s->rlen - st)) != 0)
		differs_add(differs, sizeof(differs), "resource");
	h = *s;
	h.flags = SR_DROP;
	h.slen = 0;
	h.rlen = 0;
	sl_buf_reset(b);
	if (differs[0] != '\0') {
		h.flags |= SR_CONFLICT;
		sl_row_time_format(w->time, t);
		if (sl_tsv_escape(S_SCOPE(s), s->slen, b) < 0 ||
		    sl_buf_addc(b, '\t') < 0 ||
		    sl_tsv_escape(S_KEY(s), s->klen, b) < 0 ||
		    sl_buf_addc(b, '\t') < 0 ||
		    sl_tsv_escape(S_USER(w), w->ulen, b) < 0 ||
		    sl_buf_printf(b, "\t%s\t", t) < 0 ||
		    sl_tsv_escape(S_ORIGIN(w), w->olen, b) < 0 ||
		    sl_buf_printf(b, "\t%" PRIu64 "\t%" PRIu64 "\t%s",
		    w->line, w->offset, differs) < 0)
			return ifail(in, -ENOMEM, "out of memory");
		h.rlen = (uint32_t)b->n;
		in->logs[s->log].conflicts++;
		in->res.conflicts++;
	}
	return stage(in, &in->ev, &h, S_USER(s), S_KEY(s), S_ORIGIN(s), b->p,
	    "");
}

/*
 * Duplicates across users: every scoped key of the staged events, with the
 * keys already in the case, sorted by scope and key on disk.  Each key keeps
 * one copy (the case's, else the first in origin, line, offset order); the
 * others get drop records that remove them in the merge.  Writes the new
 * keys.tsv.gz.
 */
static int
key_pass(struct sl_ingest *in)
{
	struct heap hp = { .cmp = key_cmp };
	struct sl_bgzf_writer *kw = NULL;
	const struct srec *s, *w;
	struct src *src;
	FILE *kfp = NULL;
	const struct srec **kv = NULL;
	size_t i, off, used, kheld;
	char *p;
	int rc = 0;

	/* Keys of replaced origins leave keys.tsv.gz even when nothing new
	 * has a key. */
	if (in->scoped == 0 && (in->nrepl == 0 ||
	    sl_case_digest(in->c, SL_KEYS) == NULL))
		return 0;
	/*
	 * The key records get the memory the staged events leave, if that
	 * is an eighth of it at least: the events stay in memory, their
	 * arena trimmed to what it holds, rather than go to disk and be
	 * read back twice (here and in the merge).  Else the events are
	 * spilled and the key records get half.
	 */
	used = in->ev.an + (in->ev.nrec + 1) * sizeof(void *);
	if (used <= in->mem_limit - in->mem_limit / 8) {
		if (in->ev.acap > in->ev.an && in->ev.an > 0 &&
		    (p = realloc(in->ev.arena, in->ev.an)) != NULL) {
			in->ev.arena = p;
			in->ev.acap = in->ev.an;
		}
		in->ks.limit = in->mem_limit - used;
	} else {
		if (in->ev.nrec > 0 && (rc = spill(in, &in->ev)) < 0)
			return rc;
		free(in->ev.arena);
		in->ev.arena = NULL;
		in->ev.acap = 0;
		in->ks.limit = in->mem_limit / 2;
	}
	for (i = 0; i < in->ev.nruns; i++) {
		if ((src = src_open(in, SRC_RUN, in->ev.runs[i])) == NULL)
			return -EIO;
		while ((rc = src_next(in, src)) > 0)
			if ((rc = key_stage(in, src->cur)) < 0)
				break;
		src_free(src);
		if (rc < 0)
			return rc;
	}
	for (i = 0, off = 0; i < in->ev.nrec; i++) {
		s = (const struct srec *)(in->ev.arena + off);
		off += sizeof(*s) + payload(s);
		if ((rc = key_stage(in, s)) < 0)
			return rc;
	}
	/*
	 * Key records that all fit in memory are read from there, the
	 * events' limit lowered by what they hold while drop records are
	 * staged; else they are read back from disk, so that drop records
	 * have the memory.
	 */
	kheld = in->ks.acap + in->ks.nrec * sizeof(void *);
	used = in->ev.an + (in->ev.nrec + 1) * sizeof(void *);
	if (in->ks.nruns == 0 && in->ks.nrec > 0 &&
	    kheld + used <= in->mem_limit) {
		if ((kv = sorted_arena(&in->ks)) == NULL ||
		    (src = calloc(1, sizeof(*src))) == NULL) {
			rc = ifail(in, -ENOMEM, "out of memory");
			goto fail;
		}
		src->kind = SRC_MEM;
		src->v = kv;
		src->n = in->ks.nrec;
		if ((rc = heap_add(in, &hp, src)) < 0)
			goto fail;
		in->ev.limit = in->mem_limit - kheld;
	} else {
		if (in->ks.nrec > 0 && (rc = spill(in, &in->ks)) < 0)
			return rc;
		free(in->ks.arena);
		in->ks.arena = NULL;
		in->ks.acap = 0;
	}
	for (i = 0; i < in->ks.nruns; i++) {
		if ((src = src_open(in, SRC_RUN, in->ks.runs[i])) == NULL) {
			rc = -EIO;
			goto fail;
		}
		if ((rc = heap_add(in, &hp, src)) < 0)
			goto fail;
	}
	if (sl_case_digest(in->c, SL_KEYS) != NULL) {
		if ((src = src_open(in, SRC_KEYS, SL_KEYS)) == NULL) {
			rc = -EIO;
			goto fail;
		}
		if ((rc = heap_add(in, &hp, src)) < 0)
			goto fail;
	}
	if ((rc = txn_create(in, SL_KEYS, &kfp, &kw)) < 0)
		goto fail;
	if ((rc = write_header(kw, sl_key_header, SL_KEY_COLUMNS)) < 0) {
		rc = wfail(in, rc, SL_TXN, SL_KEYS);
		goto fail;
	}
	sl_buf_reset(&in->kwin);
	while (hp.n > 0) {
		s = hp.v[0]->cur;
		w = in->kwin.n > 0 ? (const struct srec *)in->kwin.p : NULL;
		if (w != NULL && srec_cmp_bytes(S_SCOPE(w), w->slen,
		    S_SCOPE(s), s->slen) == 0 && srec_cmp_bytes(S_KEY(w),
		    w->klen, S_KEY(s), s->klen) == 0) {
			rc = key_dup(in, w, s);
		} else {
			sl_buf_reset(&in->kwin);
			rc = sl_buf_add(&in->kwin, s, sizeof(*s) +
			    payload(s)) < 0 ? ifail(in, -ENOMEM,
			    "out of memory") : key_row(in, kw, s);
		}
		if (rc < 0 || (rc = heap_advance(in, &hp)) < 0)
			goto fail;
	}
	heap_free(&hp);
	rc = txn_close(in, SL_KEYS, kfp, kw);
	sorter_release(in, &in->ks);
	free(kv);
	in->ev.limit = in->mem_limit;
	return rc;
fail:
	heap_free(&hp);
	free(kv);
	in->ev.limit = in->mem_limit;
	if (kw != NULL) {
		sl_bgzf_close(kw);
		fclose(kfp);
	}
	return rc;
}

/* ---- commit: the manifest ------------------------------------------------ */

/*
 * The notes of a log's row in a shard, or in a merge of some shards of a
 * split: its own notes, then shard=LIST/N (the shards in, by number,
 * comma-separated) and other=K (the records of the log the shards not in
 * hold).  A merge of every shard is as if there had been no split.
 */
static int
shard_words(struct sl_ingest *in, const struct ilog *g, const char *notes,
    struct sl_buf *b)
{
	uint64_t other;
	unsigned i, n = 0;
	int sep = '=';

	if (g->merged) {
		for (i = 0; i < g->nsh; i++)
			n += (g->sh[i / 8] >> (i % 8)) & 1;
		if (g->nsh == 0 || n == g->nsh)
			return 0;
		other = g->total - (g->events + g->rejects);
	} else if (in->nshards > 0) {
		other = g->other;
	} else {
		return 0;
	}
	if (sl_buf_printf(b, "%s%sshard", notes, notes[0] != '\0' ? " " :
	    "") < 0)
		return ifail(in, -ENOMEM, "out of memory");
	if (g->merged) {
		for (i = 0; i < g->nsh; i++) {
			if (!((g->sh[i / 8] >> (i % 8)) & 1))
				continue;
			if (sl_buf_printf(b, "%c%u", sep, i + 1) < 0)
				return ifail(in, -ENOMEM, "out of memory");
			sep = ',';
		}
		n = g->nsh;
	} else {
		if (sl_buf_printf(b, "=%u", in->shard) < 0)
			return ifail(in, -ENOMEM, "out of memory");
		n = in->nshards;
	}
	if (sl_buf_printf(b, "/%u other=%" PRIu64, n, other) < 0 ||
	    sl_buf_addc(b, '\0') < 0)
		return ifail(in, -ENOMEM, "out of memory");
	return 0;
}

static int
manifest_row(struct sl_ingest *in, struct sl_buf *b, const struct ilog *g,
    const char *now)
{
	const char *bang;
	size_t plen;
	char t1[32] = "", t2[32] = "";
	uint64_t read = g->events + g->rejects;
	/* A zone is recorded only where it decided a time. */
	const char *tz = g->merged ? g->tz : g->ended && g->st.zoneless > 0 ?
	    in->tz : "";
	const char *notes = g->ended && g->notes != NULL ? g->notes : "";
	struct sl_buf words = { 0 };
	int rc;

	bang = g->ended && g->st.is_source ? NULL : strchr(g->name, '!');
	plen = bang != NULL ? (size_t)(bang - g->name) : strlen(g->name);
	if (g->merged) {
		plen = g->plen;
		bang = plen < strlen(g->name) ? g->name + plen : NULL;
	}
	if ((rc = shard_words(in, g, notes, &words)) < 0)
		return rc;
	if (words.n > 0)
		notes = words.p;
	if (g->events > 0) {
		sl_row_time_format(g->first, t1);
		sl_row_time_format(g->last, t2);
	}
	if (sl_buf_printf(b, "%s\t%" PRIu64 "\t", g->ended ? g->st.sha256 : "",
	    g->ended ? g->st.bytes : 0) < 0 ||
	    sl_tsv_escape(g->name, plen, b) < 0 ||
	    sl_buf_addc(b, '\t') < 0 ||
	    (bang != NULL &&
	    sl_tsv_escape(bang + 1, strlen(bang + 1), b) < 0) ||
	    sl_buf_addc(b, '\t') < 0 ||
	    sl_tsv_escape(g->profile, strlen(g->profile), b) < 0 ||
	    sl_buf_printf(b, "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%"
	    PRIu64 "\t%s\t%s\t", read, g->events - g->dups, g->dups,
	    g->rejects, t1, t2) < 0 ||
	    sl_tsv_escape(tz, strlen(tz), b) < 0 ||
	    sl_buf_printf(b, "\t%s\t%" PRIu64 "\t%" PRIu64 "\t", now,
	    g->conflicts, g->ended ? g->st.reversals : 0) < 0 ||
	    sl_tsv_escape(notes, strlen(notes), b) < 0 ||
	    sl_buf_addc(b, '\n') < 0)
		rc = ifail(in, -ENOMEM, "out of memory");
	sl_buf_release(&words);
	return rc;
}

static int
ilog_name_cmp(const void *a, const void *b)
{
	const struct ilog *x = *(const struct ilog *const *)a;
	const struct ilog *y = *(const struct ilog *const *)b;

	return strcmp(x->name, y->name);
}

/* Is the manifest row in line one of a replaced log?  1, 0, or a negative
 * errno value. */
static int
manifest_replaced(struct sl_ingest *in, const struct sl_buf *line)
{
	struct sl_str col[SL_MANIFEST_COLUMNS];
	struct sl_buf *b = &in->row;

	sl_buf_reset(&in->scratch);
	if (sl_buf_add(&in->scratch, line->p, line->n) < 0)
		return ifail(in, -ENOMEM, "out of memory");
	if (sl_row_split(in->scratch.p, line->n, col,
	    SL_MANIFEST_COLUMNS) < 0 ||
	    sl_row_unescape(&col[2]) < 0 || sl_row_unescape(&col[3]) < 0)
		return ifail(in, -EBADMSG, "\"%s/%s\": malformed row (run "
		    "verify)", in->c->dir, SL_MANIFEST);
	sl_buf_reset(b);
	if (sl_buf_add(b, col[2].p, col[2].n) < 0 || (col[3].n > 0 &&
	    (sl_buf_addc(b, '!') < 0 ||
	    sl_buf_add(b, col[3].p, col[3].n) < 0)))
		return ifail(in, -ENOMEM, "out of memory");
	return replaced(in, b->p, b->n);
}

static int
write_manifest(struct sl_ingest *in)
{
	struct sl_buf line = { 0 }, row = { 0 };
	const struct ilog **order;
	struct timespec ts;
	char now[32];
	FILE *fp, *old;
	size_t i;
	int rc, first = 1;

	clock_gettime(CLOCK_REALTIME, &ts);
	sl_row_time_format((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000,
	    now);
	if ((rc = txn_create(in, SL_MANIFEST, &fp, NULL)) < 0)
		return rc;
	for (i = 0; i < SL_MANIFEST_COLUMNS; i++)
		fprintf(fp, "%s%c", sl_manifest_header[i],
		    i + 1 < SL_MANIFEST_COLUMNS ? '\t' : '\n');
	old = sl_case_fopen(in->c, SL_MANIFEST);
	if (old != NULL) {
		while ((rc = sl_case_getline(old, &line, 1 << 20)) > 0) {
			if (first) {
				first = 0;
				continue;
			}
			/* The rows of a replaced log give way to its new ones. */
			if (in->nrepl > 0 && (rc = manifest_replaced(in,
			    &line)) != 0) {
				if (rc < 0)
					break;
				continue;
			}
			if (fwrite(line.p, 1, line.n, fp) != line.n ||
			    putc('\n', fp) == EOF) {
				rc = wfail(in, -errno, SL_TXN, SL_MANIFEST);
				break;
			}
		}
		fclose(old);
		if (rc < 0) {
			fclose(fp);
			sl_buf_release(&line);
			if (in->err[0] != '\0')
				return rc;
			return ifail(in, rc, "cannot read \"%s/%s\": %s",
			    in->c->dir, SL_MANIFEST, strerror(-rc));
		}
	}
	/* New rows in name order: parallel readers finish logs in any order,
	 * and the manifest must not depend on it. */
	order = malloc((in->nlogs + 1) * sizeof(*order));
	if (order == NULL)
		rc = ifail(in, -ENOMEM, "out of memory");
	for (i = 0; i < in->nlogs && rc == 0; i++)
		order[i] = &in->logs[i];
	if (rc == 0)
		qsort(order, in->nlogs, sizeof(*order), ilog_name_cmp);
	for (i = 0; i < in->nlogs && rc == 0; i++) {
		sl_buf_reset(&row);
		rc = manifest_row(in, &row, order[i], now);
		/* The reason of a failed write is its own errno, before
		 * another call changes it: "No space left on device". */
		if (rc == 0 && fwrite(row.p, 1, row.n, fp) != row.n)
			rc = wfail(in, -errno, SL_TXN, SL_MANIFEST);
	}
	free(order);
	sl_buf_release(&line);
	sl_buf_release(&row);
	if (rc < 0) {
		fclose(fp);
		return rc;
	}
	return txn_close(in, SL_MANIFEST, fp, NULL);
}

int
sl_ingest_commit(struct sl_ingest *in, struct sl_ingest_result *res)
{
	const struct srec **v = NULL;
	struct src *s;
	size_t i;
	int rc;

	if (in->done)
		return ifail(in, -EINVAL, "the ingest was already committed");
	memset(&in->res, 0, sizeof(in->res));
	in->res.first = in->res.last = INT64_MIN;
	if (in->nlogs == 0 && in->ev.nrec == 0 && in->ev.nruns == 0)
		goto out;
	if ((rc = sl_case_txn_begin(in->c)) < 0 ||
	    (rc = sl_case_mkdir(in->c, "users")) < 0)
		return cfail(in, rc);
	repl_sort(in);
	/* With jobs, the blocks of the case's new files are deflated on
	 * threads while this one merges; the files are the same. */
	if (need_pool(in) < 0) {
		rc = ifail(in, -ENOMEM, "out of memory");
		goto fail;
	}
	if (in->jobs > 1 && (in->iq = idxq_new(in->c)) == NULL) {
		rc = ifail(in, -ENOMEM, "out of memory");
		goto fail;
	}
	if (in->nrepl > 0 && in->c->nusers > 0 &&
	    (in->touched = calloc(in->c->nusers, 1)) == NULL) {
		rc = ifail(in, -ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = key_pass(in)) < 0)
		goto fail;
	/* Drop records may have filled the arena past what a heap of the
	 * runs leaves: merge them all into one. */
	if (in->ev.nruns >= MAX_RUNS && (rc = merge_runs(in, &in->ev)) < 0)
		goto fail;
	in->hp.cmp = srec_cmp;
	for (i = 0; i < in->ev.nruns; i++) {
		if ((s = src_open(in, SRC_RUN, in->ev.runs[i])) == NULL) {
			rc = -EIO;
			goto fail;
		}
		if ((rc = heap_add(in, &in->hp, s)) < 0)
			goto fail;
	}
	if (in->ev.nrec > 0) {
		if ((v = sorted_arena(&in->ev)) == NULL ||
		    (s = calloc(1, sizeof(*s))) == NULL) {
			rc = ifail(in, -ENOMEM, "out of memory");
			goto fail;
		}
		s->kind = SRC_MEM;
		s->v = v;
		s->n = in->ev.nrec;
		if ((rc = heap_add(in, &in->hp, s)) < 0)
			goto fail;
	}
	if ((in->staged_rejects > 0 || in->nrepl > 0) &&
	    sl_case_digest(in->c, SL_REJECTS) != NULL) {
		if ((s = src_open(in, SRC_REJECTS, SL_REJECTS)) == NULL) {
			rc = -EIO;
			goto fail;
		}
		if ((rc = heap_add(in, &in->hp, s)) < 0)
			goto fail;
	}
	if ((rc = merge(in)) < 0 || (rc = idxq_end(in, 1)) < 0 ||
	    (rc = write_manifest(in)) < 0)
		goto fail;
	sl_bgzf_pool_free(in->pool);
	in->pool = NULL;
	if ((rc = sl_case_txn_commit(in->c, in->paths, in->npaths)) < 0) {
		cfail(in, rc);
		goto fail;
	}
	free(v);
	v = NULL;
	free(in->touched);
	in->touched = NULL;
out:
	for (i = 0; i < in->nlogs; i++) {
		in->res.logs++;
		in->res.read += in->logs[i].events + in->logs[i].rejects;
		in->res.rejected += in->logs[i].rejects;
	}
	in->done = 1;
	if (res != NULL)
		*res = in->res;
	return 0;
fail:
	heap_clear(&in->hp);
	if (in->u.open) {
		sl_bgzf_close(in->u.w);
		fclose(in->u.fp);
		free(in->u.user);
		sl_buf_release(&in->u.idx);
		free(in->u.chunks);
		in->u.chunks = NULL;
		in->u.open = 0;
	}
	if (in->rw != NULL) {
		sl_bgzf_close(in->rw);
		fclose(in->rfp);
		in->rw = NULL;
	}
	if (in->cw != NULL) {
		sl_bgzf_close(in->cw);
		fclose(in->cfp);
		in->cw = NULL;
	}
	idxq_end(in, 0);
	sl_bgzf_pool_free(in->pool);
	in->pool = NULL;
	free(v);
	free(in->touched);
	in->touched = NULL;
	sl_case_txn_abort(in->c);
	for (i = 0; i < in->npaths; i++)
		free(in->paths[i]);
	in->npaths = 0;
	for (i = 0; i < in->nlogs; i++)
		in->logs[i].dups = in->logs[i].conflicts = 0;
	return rc;
}

void
sl_ingest_free(struct sl_ingest *in)
{
	size_t i;

	if (in == NULL)
		return;
	sorter_release(in, &in->ev);
	sorter_release(in, &in->ks);
	sorter_release(in, &in->gs);
	sorter_release(in, &in->os);
	sl_buf_release(&in->gkey);
	sl_buf_release(&in->gfirst);
	/* Made for the runs of an ingest never committed. */
	sl_bgzf_pool_free(in->pool);
	if (in->runid > 0)
		sl_case_rmtree(in->c, SL_TMP);
	in->c->stop = NULL;
	for (i = 0; i < in->nlogs; i++) {
		free(in->logs[i].name);
		free(in->logs[i].profile);
		free(in->logs[i].notes);
		free(in->logs[i].tz);
		free(in->logs[i].sh);
	}
	free(in->logs);
	if (in->shc != NULL)
		for (i = 0; i < SHCACHE; i++)
			free(in->shc[i].name);
	free(in->shc);
	free(in->mtab);
	free(in->msrc);
	for (i = 0; i < in->npaths; i++)
		free(in->paths[i]);
	free(in->paths);
	for (i = 0; i < in->nrepl; i++)
		free(in->repl[i]);
	free(in->repl);
	heap_free(&in->hp);
	sl_buf_release(&in->pend);
	sl_buf_release(&in->kwin);
	free(in->goff);
	free(in->gslot);
	free(in->gtab);
	sl_buf_release(&in->group);
	sl_buf_release(&in->row);
	sl_buf_release(&in->scratch);
	free(in->tz);
	free(in);
}

/* ---- merging cases ------------------------------------------------------- */

/* The merged log named name[0..n) (of that SHA-256 when sha256 is not
 * NULL; else the first of the name), or -1. */
static int
mlog_find(const struct sl_ingest *in, const char *name, size_t n,
    const char *sha256)
{
	size_t i;
	int id;

	if (in->mcap == 0)
		return -1;
	for (i = sl_hash64(name, n) & (in->mcap - 1);
	    (id = in->mtab[i]) >= 0; i = (i + 1) & (in->mcap - 1))
		if (strlen(in->logs[id].name) == n &&
		    memcmp(in->logs[id].name, name, n) == 0 &&
		    (sha256 == NULL ||
		    strcmp(in->logs[id].st.sha256, sha256) == 0))
			return id;
	return -1;
}

static int
mlog_add(struct sl_ingest *in, int id)
{
	const char *name = in->logs[id].name;
	size_t i;

	if (2 * (size_t)(in->nlogs + 1) > in->mcap) {
		size_t ncap = in->mcap ? in->mcap * 2 : 256, j;
		int *t = malloc(ncap * sizeof(*t));

		if (t == NULL)
			return ifail(in, -ENOMEM, "out of memory");
		for (j = 0; j < ncap; j++)
			t[j] = -1;
		free(in->mtab);
		in->mtab = t;
		in->mcap = ncap;
		for (j = 0; j < in->nlogs; j++)
			if (in->logs[j].merged && (int)j != id &&
			    mlog_add(in, (int)j) < 0)
				return -ENOMEM;
	}
	for (i = sl_hash64(name, strlen(name)) & (in->mcap - 1);
	    in->mtab[i] >= 0; i = (i + 1) & (in->mcap - 1))
		;
	in->mtab[i] = id;
	return 0;
}

/*
 * A row's shard= and other= words: 0 with the split's number of shards
 * (0 for a row of no split) and its shards' bits in sh, the other words
 * kept in rest; -EBADMSG for words that do not parse.
 */
static int
row_shards(const struct sl_manifest_row *r, unsigned *nsh,
    unsigned char *sh, uint64_t *other, struct sl_buf *rest)
{
	const char *p = r->notes.p, *e = p + r->notes.n, *w, *q;
	unsigned long v, list[SL_SHARD_MAX];
	size_t nl = 0, i;
	char *end;

	*nsh = 0;
	*other = 0;
	sl_buf_reset(rest);
	for (; p < e; p = w + 1) {
		if ((w = memchr(p, ' ', (size_t)(e - p))) == NULL)
			w = e;
		if (w - p > 6 && memcmp(p, "shard=", 6) == 0) {
			for (q = p + 6; q < w; q = end + 1) {
				if (*q < '0' || *q > '9' || nl == SL_SHARD_MAX)
					return -EBADMSG;
				list[nl++] = strtoul(q, &end, 10);
				if (end >= w || (*end != ',' && *end != '/'))
					return -EBADMSG;
				if (*end == '/')
					break;
			}
			q = end + 1;
			if (q >= w || *q < '0' || *q > '9')
				return -EBADMSG;
			v = strtoul(q, &end, 10);
			if (end != w || v == 0 || v > SL_SHARD_MAX)
				return -EBADMSG;
			*nsh = (unsigned)v;
			memset(sh, 0, (SL_SHARD_MAX + 7) / 8);
			for (i = 0; i < nl; i++) {
				if (list[i] < 1 || list[i] > v)
					return -EBADMSG;
				sh[(list[i] - 1) / 8] |= (unsigned char)(1u <<
				    ((list[i] - 1) % 8));
			}
		} else if (w - p > 6 && memcmp(p, "other=", 6) == 0) {
			if (sl_row_u64_parse(p + 6, (size_t)(w - p - 6),
			    other) < 0)
				return -EBADMSG;
		} else {
			if ((rest->n > 0 && sl_buf_addc(rest, ' ') < 0) ||
			    sl_buf_add(rest, p, (size_t)(w - p)) < 0)
				return -ENOMEM;
		}
	}
	if (*nsh == 0 && *other != 0)
		return -EBADMSG;
	return sl_buf_addc(rest, '\0') < 0 ? -ENOMEM : 0;
}

/* A manifest row of a merged case: a new log, or added to the log of
 * that name another shard of the split gave. */
static int
merge_row(struct sl_ingest *in, struct sl_case *src,
    const struct sl_manifest_row *r)
{
	unsigned char sh[(SL_SHARD_MAX + 7) / 8];
	struct sl_buf name = { 0 }, rest = { 0 };
	unsigned nsh, i;
	uint64_t other, dups, conflicts;
	struct ilog *g;
	int id, rc;

	if ((rc = row_shards(r, &nsh, sh, &other, &rest)) < 0) {
		rc = rc == -ENOMEM ? ifail(in, rc, "out of memory") :
		    ifail(in, rc, "\"%s/%s\": line %" PRIu64 ": malformed "
		    "shard words", src->dir, SL_MANIFEST, r->lineno);
		goto out;
	}
	if (sl_buf_add(&name, r->path.p, r->path.n) < 0 ||
	    (r->member.n > 0 && (sl_buf_addc(&name, '!') < 0 ||
	    sl_buf_add(&name, r->member.p, r->member.n) < 0)) ||
	    sl_buf_addc(&name, '\0') < 0) {
		rc = ifail(in, -ENOMEM, "out of memory");
		goto out;
	}
	if (r->sha256.n > 0 && sl_case_has_sha256(in->c, r->sha256.p)) {
		rc = ifail(in, -EEXIST, "\"%s\" of \"%s\" is already in the "
		    "case \"%s\"", name.p, src->dir, in->c->dir);
		goto out;
	}
	dups = r->duplicates == SL_NOT_COUNTED ? 0 : r->duplicates;
	conflicts = r->conflicts == SL_NOT_COUNTED ? 0 : r->conflicts;
	if ((id = mlog_find(in, name.p, name.n - 1, r->sha256.p)) >= 0) {
		g = &in->logs[id];
		if (nsh == 0 || g->nsh != nsh) {
			rc = ifail(in, -EEXIST, "\"%s\" is in two of the cases "
			    "merged (\"%s\" among them), not as shards of "
			    "one split", name.p, src->dir);
			goto out;
		}
		for (i = 0; i < (nsh + 7) / 8; i++)
			if (g->sh[i] & sh[i]) {
				rc = ifail(in, -EEXIST, "\"%s\": a shard of it "
				    "is in two of the cases merged (\"%s\" "
				    "among them)", name.p, src->dir);
				goto out;
			}
		for (i = 0; i < (nsh + 7) / 8; i++)
			g->sh[i] |= sh[i];
	} else {
		if ((id = sl_ingest_log(in, name.p, r->profile.p)) < 0) {
			rc = id;
			goto out;
		}
		g = &in->logs[id];
		g->merged = 1;
		g->ended = 1;
		g->plen = r->path.n;
		g->notes = strdup(rest.p);
		g->tz = strdup(r->tz.p);
		g->nsh = nsh;
		g->sh = calloc((nsh + 7) / 8 + 1, 1);
		if (g->notes == NULL || g->tz == NULL || g->sh == NULL) {
			rc = ifail(in, -ENOMEM, "out of memory");
			goto out;
		}
		memcpy(g->sh, sh, (nsh + 7) / 8);
		g->total = r->read + other;
		snprintf(g->st.sha256, sizeof(g->st.sha256), "%s",
		    r->sha256.p);
		g->st.bytes = r->bytes;
		g->st.reversals = r->reversals == SL_NOT_COUNTED ? 0 :
		    r->reversals;
		if ((rc = mlog_add(in, id)) < 0)
			goto out;
	}
	/* What the row counted: its events (kept and dropped), rejects,
	 * and the span of them. */
	g->events += r->accepted + dups;
	g->dups += dups;
	g->rejects += r->rejected;
	g->conflicts += conflicts;
	if (r->first != INT64_MIN && r->first < g->first)
		g->first = r->first;
	if (r->last != INT64_MIN && r->last > g->last)
		g->last = r->last;
	rc = 0;
out:
	sl_buf_release(&name);
	sl_buf_release(&rest);
	return rc;
}

/* The scopes of a case's keyed events, from its keys.tsv.gz: the scope
 * is not in the timelines' rows. */
struct scoped {
	uint64_t hash;		/* of user, key and origin */
	uint64_t line, offset;
	size_t scope;		/* in the scope list */
};

struct scopes {
	struct scoped *v;
	size_t n, cap;
	char **names;
	size_t nnames;
};

static uint64_t
scoped_hash(struct sl_str user, struct sl_str key, struct sl_str origin)
{
	uint64_t h[3];

	h[0] = sl_hash64(user.p, user.n);
	h[1] = sl_hash64(key.p, key.n);
	h[2] = sl_hash64(origin.p, origin.n);
	return sl_hash64(h, sizeof(h));
}

static int
scoped_cmp(const void *a, const void *b)
{
	const struct scoped *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return 0;
}

static void
scopes_free(struct scopes *sc)
{
	size_t i;

	for (i = 0; i < sc->nnames; i++)
		free(sc->names[i]);
	free(sc->names);
	free(sc->v);
}

static int
scopes_load(struct sl_ingest *in, struct sl_case *src, struct scopes *sc)
{
	const struct sl_key_row *k;
	struct sl_keys *ks;
	size_t i;
	int rc;

	if ((ks = sl_keys_open(src)) == NULL)
		return ifail(in, -EIO, "%s", sl_case_error(src));
	while ((rc = sl_keys_next(ks, &k)) > 0) {
		for (i = 0; i < sc->nnames; i++)
			if (strlen(sc->names[i]) == k->scope.n &&
			    memcmp(sc->names[i], k->scope.p, k->scope.n) == 0)
				break;
		if (i == sc->nnames) {
			char **p = realloc(sc->names, (i + 1) * sizeof(*p));

			if (p == NULL)
				break;
			sc->names = p;
			if ((p[i] = sl_strndup(k->scope.p, k->scope.n)) ==
			    NULL)
				break;
			sc->nnames++;
		}
		if (sc->n == sc->cap) {
			size_t ncap = sc->cap ? sc->cap * 2 : 1024;
			struct scoped *v = realloc(sc->v, ncap * sizeof(*v));

			if (v == NULL)
				break;
			sc->v = v;
			sc->cap = ncap;
		}
		sc->v[sc->n].hash = scoped_hash(k->user, k->key, k->origin);
		sc->v[sc->n].line = k->line;
		sc->v[sc->n].offset = k->offset;
		sc->v[sc->n].scope = i;
		sc->n++;
	}
	sl_keys_free(ks);
	if (rc > 0)
		return ifail(in, -ENOMEM, "out of memory");
	if (rc < 0)
		return ifail(in, rc, "%s", sl_case_error(src));
	if (sc->n > 0)
		qsort(sc->v, sc->n, sizeof(*sc->v), scoped_cmp);
	return 0;
}

/* The scope of a keyed event of the case, or none. */
static struct sl_str
scope_of(const struct scopes *sc, const struct sl_event *ev)
{
	struct sl_str none = { "", 0 }, s;
	struct scoped k, *f;

	if (ev->key.n == 0 || sc->n == 0)
		return none;
	k.hash = scoped_hash(ev->user, ev->key, ev->origin);
	k.line = ev->line;
	k.offset = ev->offset;
	f = bsearch(&k, sc->v, sc->n, sizeof(*sc->v), scoped_cmp);
	if (f == NULL)
		return none;
	s.p = sc->names[f->scope];
	s.n = strlen(s.p);
	return s;
}

/* Every event of every user of src, with the scope of its key. */
static int
merge_events(struct sl_ingest *in, struct sl_case *src,
    const struct scopes *sc)
{
	const struct sl_event *ev;
	struct sl_timeline *t;
	struct sl_event e;
	struct sl_str u;
	size_t i;
	int id, rc = 0;

	for (i = 0; i < sl_case_user_count(src) && rc >= 0; i++) {
		u = sl_case_user(src, i);
		t = sl_timeline_open(src, u.p, u.n, INT64_MIN, INT64_MAX);
		if (t == NULL)
			return ifail(in, -EIO, "%s", sl_case_error(src));
		while ((rc = sl_timeline_next(t, &ev)) > 0) {
			id = mlog_find(in, ev->origin.p, ev->origin.n, NULL);
			if (id < 0) {
				rc = ifail(in, -EBADMSG, "\"%s\": an event of "
				    "\"%.*s\" line %" PRIu64 " has no row in "
				    "the manifest", src->dir,
				    (int)(ev->origin.n > 200 ? 200 :
				    ev->origin.n), ev->origin.p, ev->line);
				break;
			}
			e = *ev;
			e.scope = scope_of(sc, ev);
			if ((rc = sl_ingest_event(in, id, &e)) < 0)
				break;
		}
		if (rc < 0 && in->err[0] == '\0')
			ifail(in, rc, "%s", sl_case_error(src));
		sl_timeline_free(t);
	}
	return rc < 0 ? rc : 0;
}

static int
merge_rejects(struct sl_ingest *in, struct sl_case *src)
{
	const struct sl_reject_row *r;
	struct sl_rejects *rs;
	struct sl_item it;
	int id, rc;

	if ((rs = sl_rejects_open(src)) == NULL)
		return ifail(in, -EIO, "%s", sl_case_error(src));
	while ((rc = sl_rejects_next(rs, &r)) > 0) {
		/* Any log will do: the rows count the rejects already. */
		if ((id = mlog_find(in, r->origin.p, r->origin.n, NULL)) < 0)
			id = 0;
		if (in->nlogs == 0) {
			rc = ifail(in, -EBADMSG, "\"%s\": rejects but no "
			    "manifest", src->dir);
			break;
		}
		memset(&it, 0, sizeof(it));
		it.type = SL_ITEM_REJECT;
		it.name = r->origin.p;
		it.profile = r->profile.p;
		it.reason = r->reason.p;
		it.line = r->line;
		it.offset = r->offset;
		it.raw = r->raw;
		if ((rc = sl_ingest_reject(in, id, &it)) < 0)
			break;
	}
	if (rc < 0 && in->err[0] == '\0')
		ifail(in, rc, "%s", sl_case_error(src));
	sl_rejects_free(rs);
	return rc < 0 ? rc : 0;
}

int
sl_ingest_case(struct sl_ingest *in, struct sl_case *src)
{
	const struct sl_manifest_row *r;
	struct sl_manifest *m;
	struct sl_case **v;
	struct scopes sc;
	int rc;

	if (in->done)
		return ifail(in, -EINVAL, "the ingest was already committed");
	if (in->nshards > 0)
		return ifail(in, -EINVAL, "a shard cannot take merged cases");
	if (src->version < 2)
		return ifail(in, -ENOTSUP, "case \"%s\" is of format %d: "
		    "upgrade it first", src->dir, src->version);
	if ((v = realloc(in->msrc, (in->nmsrc + 1) * sizeof(*v))) == NULL)
		return ifail(in, -ENOMEM, "out of memory");
	in->msrc = v;
	if ((m = sl_manifest_open(src)) == NULL)
		return ifail(in, -EIO, "%s", sl_case_error(src));
	rc = 0;
	while (rc == 0 && (rc = sl_manifest_next(m, &r)) > 0)
		rc = merge_row(in, src, r);
	if (rc < 0 && in->err[0] == '\0')
		ifail(in, rc, "%s", sl_case_error(src));
	sl_manifest_free(m);
	if (rc < 0)
		return rc;
	memset(&sc, 0, sizeof(sc));
	in->merging = 1;
	if ((rc = scopes_load(in, src, &sc)) == 0 &&
	    (rc = merge_events(in, src, &sc)) == 0)
		rc = merge_rejects(in, src);
	in->merging = 0;
	scopes_free(&sc);
	if (rc < 0)
		return rc;
	in->msrc[in->nmsrc++] = src;
	return 0;
}
