/* cursor.c: one user's timeline, each event with its session and purpose. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* Byte strings to owned byte strings: source session ids and trace ids to
 * the latest justification given in them.  Open addressing, size a power
 * of 2. */
struct pent {
	char *k, *v;
	size_t kn, vn;
};

struct pmap {
	struct pent *t;
	size_t size, used;
};

struct sl_cursor {
	struct sl_case *c;	/* the case holding the user, or NULL */
	struct sl_timeline *t;
	struct sl_sessions *sz;
	char *user;		/* NUL-terminated copy */
	size_t ulen;
	int64_t since, until, gap;
	int rc;			/* a failure kept for sl_cursor_next */
	int done;
	struct pmap sess, trace;
	/* The justification of the derived session open now. */
	struct sl_buf dpurpose;
	int dhas;
	char err[1024];
};

static const char *const from_names[SL_PURPOSE__COUNT] = {
	"none", "own", "session", "trace",
};

const char *
sl_purpose_from_name(int from)
{
	if (from < 0 || from >= SL_PURPOSE__COUNT)
		return NULL;
	return from_names[from];
}

/* A purpose of only blanks says nothing: it is none. */
static int
blank(struct sl_str s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (strchr(" \t\n\r\v\f", s.p[i]) == NULL || s.p[i] == '\0')
			return 0;
	return 1;
}

static void
pmap_free(struct pmap *m)
{
	size_t i;

	for (i = 0; i < m->size; i++) {
		free(m->t[i].k);
		free(m->t[i].v);
	}
	free(m->t);
	memset(m, 0, sizeof(*m));
}

static struct pent *
pmap_slot(struct pent *t, size_t size, const char *k, size_t kn)
{
	size_t h = (size_t)sl_hash64(k, kn) & (size - 1);

	while (t[h].k != NULL && (t[h].kn != kn ||
	    memcmp(t[h].k, k, kn) != 0))
		h = (h + 1) & (size - 1);
	return &t[h];
}

static const struct pent *
pmap_get(const struct pmap *m, struct sl_str k)
{
	const struct pent *e;

	if (m->size == 0)
		return NULL;
	e = pmap_slot(m->t, m->size, k.p, k.n);
	return e->k != NULL ? e : NULL;
}

static int
pmap_put(struct pmap *m, struct sl_str k, struct sl_str v)
{
	struct pent *e, *nt;
	char *nv;
	size_t i, nsize;

	if ((m->used + 1) * 2 > m->size) {
		nsize = m->size ? m->size * 2 : 64;
		if ((nt = calloc(nsize, sizeof(*nt))) == NULL)
			return -ENOMEM;
		for (i = 0; i < m->size; i++)
			if (m->t[i].k != NULL)
				*pmap_slot(nt, nsize, m->t[i].k,
				    m->t[i].kn) = m->t[i];
		free(m->t);
		m->t = nt;
		m->size = nsize;
	}
	if ((nv = sl_strndup(v.p, v.n)) == NULL)
		return -ENOMEM;
	e = pmap_slot(m->t, m->size, k.p, k.n);
	if (e->k == NULL) {
		if ((e->k = sl_strndup(k.p, k.n)) == NULL) {
			free(nv);
			return -ENOMEM;
		}
		e->kn = k.n;
		m->used++;
	}
	free(e->v);
	e->v = nv;
	e->vn = v.n;
	return 0;
}

static int
cfail(struct sl_cursor *cur, int rc, const char *msg)
{
	snprintf(cur->err, sizeof(cur->err), "%s", msg);
	cur->rc = rc;
	return rc;
}

/* Whether b comes more than gap after a, without overflow. */
static int
apart(int64_t a, int64_t b, int64_t gap)
{
	return b > a && (uint64_t)b - (uint64_t)a > (uint64_t)gap;
}

/*
 * Where to start reading so that the derived session open at since is read
 * from its first event: *from is the time to open the timeline at.  Steps
 * back from the block holding since one block at a time, each read once,
 * until a block shows a derived session starting in it or after it whatever
 * came before: a login, a logout followed by a derived event, or a gap
 * longer than the gap between two derived events (the first derived event
 * of a block is that far from the block's first time, so from any earlier
 * one).  The event after the last one read is the first derived event of
 * the blocks read so far, or, before any, an event at since.  Without a
 * usable index everything is read.
 */
static int
lookback(struct sl_cursor *cur, const struct sl_case_user *u, int64_t *from)
{
	struct sl_case *c = cur->c;
	struct sl_chunk *ch = NULL;
	struct sl_lines l;
	struct sl_event ev;
	FILE *ifp, *fp = NULL;
	char rel[300], err[128];
	size_t nch = 0, lo, hi, j, r, len;
	int64_t next = cur->since;
	int next_login = 0, rc = 0;
	char *p;

	*from = INT64_MIN;
	snprintf(rel, sizeof(rel), "users/%s.idx", u->file);
	if ((ifp = sl_case_fopen(c, rel)) == NULL)
		return 0;
	rc = sl_idx_load(ifp, &ch, &nch, err, sizeof(err));
	fclose(ifp);
	if (rc < 0)
		return rc == -ENOMEM ? cfail(cur, rc, "out of memory") : 0;
	lo = 0;
	hi = nch;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ch[mid].last < cur->since)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == nch) {
		/* Nothing at or after since. */
		cur->done = 1;
		goto out;
	}
	snprintf(rel, sizeof(rel), "users/%s.tsv.gz", u->file);
	if ((fp = sl_case_fopen(c, rel)) == NULL) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		snprintf(cur->err, sizeof(cur->err), "cannot read \"%s/%s\": "
		    "%s", c->dir, rel, err);
		rc = cur->rc = -EIO;
		goto out;
	}
	sl_lines_init(&l, fp);
	for (j = lo + 1; j-- > 0;) {
		int any = 0, cut = 0, prev_logout = 0;
		int64_t prev = 0, first = 0;
		int first_login = 0;

		if ((rc = sl_lines_seek(&l, ch[j].off)) < 0)
			goto bad;
		for (r = 0; r < ch[j].rows; r++) {
			if ((rc = sl_lines_next(&l, &p, &len)) <= 0) {
				if (rc == 0) {
					rc = -EBADMSG;
					snprintf(l.err, sizeof(l.err), "fewer "
					    "rows than its index says");
				}
				goto bad;
			}
			if (sl_row_parse(p, len, &ev) < 0) {
				rc = -EBADMSG;
				snprintf(l.err, sizeof(l.err), "malformed row "
				    "at block offset %" PRIu64, l.line_block);
				goto bad;
			}
			if (ev.time >= cur->since)
				break;
			if (ev.session.n > 0)
				continue;
			if (!any) {
				first = ev.time;
				first_login = ev.action == SL_ACT_LOGIN;
				cut |= first_login ||
				    apart(ch[j].first, ev.time, cur->gap);
			} else {
				cut |= ev.action == SL_ACT_LOGIN ||
				    prev_logout || apart(prev, ev.time,
				    cur->gap);
			}
			any = 1;
			prev = ev.time;
			prev_logout = ev.action == SL_ACT_LOGOUT;
		}
		if (any) {
			cut |= next_login || prev_logout ||
			    apart(prev, next, cur->gap);
			next = first;
			next_login = first_login;
		} else {
			cut |= next_login || apart(ch[j].first, next,
			    cur->gap);
		}
		if (cut) {
			*from = j > 0 ? ch[j].first : INT64_MIN;
			break;
		}
	}
	rc = 0;
	sl_lines_release(&l);
	goto out;
bad:
	snprintf(cur->err, sizeof(cur->err), "\"%s/%s\": %s", c->dir, rel,
	    l.err);
	cur->rc = rc;
	sl_lines_release(&l);
out:
	if (fp != NULL)
		fclose(fp);
	free(ch);
	return rc;
}

struct sl_cursor *
sl_cursor_open(struct sl_case *const *cases, size_t ncases, const char *user,
    size_t userlen, int64_t since, int64_t until, int64_t gap)
{
	const struct sl_case_user *u = NULL, *uu;
	struct sl_cursor *cur;
	int64_t from = INT64_MIN;
	size_t i, holders = 0;

	if ((cur = calloc(1, sizeof(*cur))) == NULL)
		return NULL;
	if ((cur->user = sl_strndup(user, userlen)) == NULL ||
	    (cur->sz = sl_sessions_new(gap > 0 ? gap : 1)) == NULL) {
		sl_cursor_free(cur);
		return NULL;
	}
	cur->ulen = userlen;
	cur->since = since;
	cur->until = until;
	cur->gap = gap;
	if (gap <= 0) {
		cfail(cur, -EINVAL, "the gap must be positive");
		return cur;
	}
	if (since >= until) {
		cur->done = 1;
		return cur;
	}
	for (i = 0; i < ncases; i++) {
		if ((uu = sl_case_find_user(cases[i], user, userlen)) == NULL)
			continue;
		holders++;
		u = uu;
		cur->c = cases[i];
	}
	if (holders > 1) {
		cfail(cur, -ENOTSUP, "the user's events are in more than one "
		    "of the cases: merging timelines is not supported");
		return cur;
	}
	if (u == NULL) {
		cur->done = 1;
		return cur;
	}
	if (since != INT64_MIN && lookback(cur, u, &from) < 0)
		return cur;
	if (cur->done)
		return cur;
	cur->t = sl_timeline_open(cur->c, cur->user, cur->ulen, from, until);
	if (cur->t == NULL)
		cfail(cur, -EIO, sl_case_error(cur->c));
	return cur;
}

int
sl_cursor_next(struct sl_cursor *cur, struct sl_step *st)
{
	const struct sl_event *ev;
	const struct pent *pe;
	struct sl_str own;
	int rc, fresh, derived;

	if (cur->rc < 0)
		return cur->rc;
	if (cur->done)
		return 0;
	rc = sl_timeline_next(cur->t, &ev);
	if (rc < 0)
		return cfail(cur, rc, sl_case_error(cur->c));
	if (rc == 0) {
		cur->done = 1;
		return 0;
	}
	memset(st, 0, sizeof(*st));
	st->ev = ev;
	fresh = sl_sessions_assign(cur->sz, ev, &st->session, &st->start);
	if (fresh < 0)
		return cfail(cur, fresh, "out of memory");
	st->starts = fresh;
	st->in_range = ev->time >= cur->since;
	derived = ev->session.n == 0;
	if (derived && fresh)
		cur->dhas = 0;
	own = ev->purpose;
	if (!blank(own)) {
		st->purpose = own;
		st->purpose_from = SL_PURPOSE_OWN;
	} else if (derived && cur->dhas) {
		st->purpose.p = cur->dpurpose.p;
		st->purpose.n = cur->dpurpose.n;
		st->purpose_from = SL_PURPOSE_SESSION;
	} else if (!derived &&
	    (pe = pmap_get(&cur->sess, ev->session)) != NULL) {
		st->purpose.p = pe->v;
		st->purpose.n = pe->vn;
		st->purpose_from = SL_PURPOSE_SESSION;
	} else if (derived && ev->trace.n > 0 &&
	    (pe = pmap_get(&cur->trace, ev->trace)) != NULL) {
		st->purpose.p = pe->v;
		st->purpose.n = pe->vn;
		st->purpose_from = SL_PURPOSE_TRACE;
	} else {
		st->purpose.p = "";
		st->purpose_from = SL_PURPOSE_NONE;
	}
	/* A justification speaks for what comes after it.  The step points
	 * at the event's own purpose here, never into what is replaced. */
	if (ev->action != SL_ACT_JUSTIFY || st->purpose_from != SL_PURPOSE_OWN)
		return 1;
	if (derived) {
		sl_buf_reset(&cur->dpurpose);
		if (sl_buf_add(&cur->dpurpose, own.p, own.n) < 0)
			return cfail(cur, -ENOMEM, "out of memory");
		cur->dhas = 1;
	} else if (pmap_put(&cur->sess, ev->session, own) < 0) {
		return cfail(cur, -ENOMEM, "out of memory");
	}
	/* Only a source session's justification reaches its trace: one of a
	 * derived session would carry into the next derived session. */
	if (!derived && ev->trace.n > 0 &&
	    pmap_put(&cur->trace, ev->trace, own) < 0)
		return cfail(cur, -ENOMEM, "out of memory");
	return 1;
}

const char *
sl_cursor_error(const struct sl_cursor *cur)
{
	return cur->err;
}

void
sl_cursor_free(struct sl_cursor *cur)
{
	if (cur == NULL)
		return;
	sl_timeline_free(cur->t);
	sl_sessions_free(cur->sz);
	pmap_free(&cur->sess);
	pmap_free(&cur->trace);
	sl_buf_release(&cur->dpurpose);
	free(cur->user);
	free(cur);
}
