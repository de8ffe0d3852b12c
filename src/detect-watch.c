/*
 * detect-watch.c: rule "watchlist": searches for, and looks at, the names
 * and terms of a watchlist (summarize --watchlist; sessionlog(7)).
 *
 * A protected person searched for is worth a reviewer's look whoever does
 * it; how urgent depends on what the session says it was for: no purpose
 * at all is the case the office looks for, a purpose that names the
 * person is an officer working the case that lists them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

/* Entries named in an explanation; the rest are counted. */
#define NAMED_MAX 3
/* Bytes of a purpose quoted in an explanation. */
#define PURPOSE_MAX 60

struct wsess {
	struct det_evid ev;
	size_t *entry;		/* the entries matched, in order of matching */
	unsigned char *named;	/* per entry: every match's purpose names it */
	size_t nentry, capentry;
	int nopurpose;		/* a match without an effective purpose */
	char *purpose;		/* the first match's purpose, or NULL */
	int64_t start, end;
};

struct wstate {
	size_t *hit, *inpurpose;	/* sl_watch_test's answers */
	struct det_map names;		/* session name -> index */
	struct wsess *s;
	size_t n, cap;
	struct det_map days;		/* (entry, local day) matched */
	int purposes;			/* an event with a purpose */
};

static const struct det_param params[] = {
	{ NULL, 0 },
};

/* The key of an entry's day in wstate.days. */
static void
day_key(char *k, size_t entry, int64_t day)
{
	uint64_t e = entry;

	memcpy(k, &e, 8);
	memcpy(k + 8, &day, 8);
}

static struct wsess *
session(struct wstate *ws, struct sl_str name)
{
	ssize_t k;
	int added;

	if ((k = det_map_put(&ws->names, name.p, name.n, &added)) < 0)
		return NULL;
	if (added) {
		if (ws->n == ws->cap) {
			size_t cap = ws->cap ? ws->cap * 2 : 8;
			struct wsess *v = realloc(ws->s, cap * sizeof(*v));

			if (v == NULL)
				return NULL;
			ws->s = v;
			ws->cap = cap;
		}
		memset(&ws->s[ws->n++], 0, sizeof(*ws->s));
	}
	return &ws->s[k];
}

static int
has(const size_t *v, size_t n, size_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static int
w_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct wstate *ws = arg;
	const struct sl_watch *w = d->opts.watch;
	const struct sl_event *ev = st->ev;
	struct wsess *s;
	size_t nw, i, k, np = 0;
	int rc;

	(void)u;
	if (!st->in_range || (ev->flags & SL_EV_BACKEND))
		return 0;
	if (st->purpose.n > 0)
		ws->purposes = 1;
	if (w == NULL || (nw = sl_watch_count(w)) == 0)
		return 0;
	if (ws->hit == NULL) {
		if ((ws->hit = calloc(nw, sizeof(*ws->hit))) == NULL ||
		    (ws->inpurpose = calloc(nw, sizeof(*ws->hit))) == NULL)
			return -ENOMEM;
	}
	/* A pattern out of its matching budget on a crafted query says
	 * nothing about it: the event is taken as not matching rather than
	 * stopping every other rule. */
	if ((rc = sl_watch_test_event(w, ev, ws->hit, nw)) == -E2BIG)
		return 0;
	if (rc <= 0)
		return rc;
	for (i = 0; i < (size_t)rc; i++) {
		char key[16];

		day_key(key, ws->hit[i], det_day(d, ev->time));
		if (det_map_put(&ws->days, key, sizeof(key), NULL) < 0)
			return -ENOMEM;
	}
	if (!det_judged(d, ev->time))
		return 0;
	if ((s = session(ws, st->session)) == NULL)
		return -ENOMEM;
	if (st->purpose.n > 0) {
		int r = sl_watch_test(w, &st->purpose, 1, ws->inpurpose, nw);

		if (r == -ENOMEM)
			return r;
		np = r < 0 ? 0 : (size_t)r;
		if (s->purpose == NULL && (s->purpose =
		    sl_strndup(st->purpose.p, st->purpose.n)) == NULL)
			return -ENOMEM;
	} else
		s->nopurpose = 1;
	for (i = 0; i < (size_t)rc; i++) {
		int named = has(ws->inpurpose, np, ws->hit[i]);

		for (k = 0; k < s->nentry; k++)
			if (s->entry[k] == ws->hit[i])
				break;
		if (k < s->nentry) {
			s->named[k] &= named;
			continue;
		}
		if (s->nentry == s->capentry) {
			size_t cap = s->capentry ? s->capentry * 2 : 4;
			size_t *e = realloc(s->entry, cap * sizeof(*e));
			unsigned char *nm;

			if (e == NULL)
				return -ENOMEM;
			s->entry = e;
			if ((nm = realloc(s->named, cap)) == NULL)
				return -ENOMEM;
			s->named = nm;
			s->capentry = cap;
		}
		s->entry[s->nentry] = ws->hit[i];
		s->named[s->nentry++] = (unsigned char)named;
	}
	if (s->ev.events == 0)
		s->start = ev->time;
	s->end = ev->time;
	return det_evid_add(&s->ev, ev, st->session);
}

static void
w_release(void *arg)
{
	struct wstate *ws = arg;
	size_t i;

	for (i = 0; i < ws->n; i++) {
		det_evid_release(&ws->s[i].ev);
		free(ws->s[i].entry);
		free(ws->s[i].named);
		free(ws->s[i].purpose);
	}
	free(ws->s);
	free(ws->hit);
	free(ws->inpurpose);
	det_map_release(&ws->names);
	det_map_release(&ws->days);
}

/* Of the user's active baseline days for judged day, how many, and on how
 * many one of the session's entries matched. */
static void
baseline_days(const struct sl_detect *d, const struct det_user *u,
    const struct wstate *ws, const struct wsess *s, int64_t judged,
    size_t *active, size_t *hits)
{
	size_t i, k;
	char key[16];

	*active = *hits = 0;
	for (i = 0; i < u->ndays; i++) {
		if (!det_is_baseline(d, judged, u->days[i].day))
			continue;
		(*active)++;
		for (k = 0; k < s->nentry; k++) {
			day_key(key, s->entry[k], u->days[i].day);
			if (det_map_find(&ws->days, key, sizeof(key)) >= 0) {
				(*hits)++;
				break;
			}
		}
	}
}

/* Quote a purpose, cut at PURPOSE_MAX bytes on a character boundary. */
static int
quote_purpose(struct sl_buf *b, const char *p)
{
	size_t n = strlen(p);

	if (n <= PURPOSE_MAX)
		return sl_buf_printf(b, "with purpose \"%s\"", p);
	n = PURPOSE_MAX;
	while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
		n--;
	return sl_buf_printf(b, "with purpose \"%.*s...\"", (int)n, p);
}

static int
w_run(struct sl_detect *d, int rule)
{
	const struct sl_watch *w = d->opts.watch;
	struct sl_buf b = { NULL, 0, 0 };
	size_t ui, i, k;
	int recorded = 0, rc = 0;

	if (w == NULL)
		return 0;
	/* Without a purpose anywhere in the run, the sources do not record
	 * them: a missing one then says nothing. */
	for (ui = 0; ui < d->nusers; ui++)
		if (((struct wstate *)d->users[ui]->state[rule])->purposes)
			recorded = 1;
	for (ui = 0; ui < d->nusers && rc == 0; ui++) {
		const struct det_user *u = d->users[ui];
		const struct wstate *ws = u->state[rule];

		for (i = 0; i < ws->n && rc == 0; i++) {
			const struct wsess *s = &ws->s[i];
			size_t active, hits;
			int named = 1, bump;

			for (k = 0; k < s->nentry; k++)
				named &= s->named[k];
			baseline_days(d, u, ws, s, det_day(d, s->start),
			    &active, &hits);
			b.n = 0;
			rc = sl_buf_printf(&b, "%llu event%s matching watchlist "
			    "entr%s ", (unsigned long long)s->ev.events,
			    s->ev.events == 1 ? "" : "s",
			    s->nentry == 1 ? "y" : "ies");
			for (k = 0; k < s->nentry && k < NAMED_MAX && rc == 0;
			    k++)
				rc = sl_buf_printf(&b, "%s\"%s\"", k ? ", " : "",
				    sl_watch_entry(w, s->entry[k]));
			if (rc == 0 && s->nentry > NAMED_MAX)
				rc = sl_buf_printf(&b, " and %zu more",
				    s->nentry - NAMED_MAX);
			if (rc < 0)
				break;
			/* No purpose: what the office looks for; a purpose
			 * naming every entry: the officer works the case of
			 * that person. */
			if (s->nopurpose && recorded) {
				bump = 1;
				rc = sl_buf_printf(&b, " without a purpose");
			} else if (s->nopurpose) {
				bump = 0;
				rc = sl_buf_printf(&b, "; no purposes in the "
				    "sources");
			} else if (named) {
				bump = -1;
				rc = sl_buf_printf(&b, " ");
				if (rc == 0)
					rc = quote_purpose(&b, s->purpose);
				if (rc == 0)
					rc = sl_buf_printf(&b, " naming %s",
					    s->nentry == 1 ? "it" : "them");
			} else {
				bump = 0;
				rc = sl_buf_printf(&b, " ");
				if (rc == 0)
					rc = quote_purpose(&b, s->purpose);
			}
			if (rc == 0)
				rc = sl_buf_printf(&b, "; matched on %zu of %zu "
				    "own baseline days", hits, active);
			if (rc == 0)
				rc = det_emit(d, rule, u, bump, s->start, s->end,
				    (double)s->ev.events, (double)hits, 1,
				    &s->ev, "%s", b.p);
		}
	}
	sl_buf_release(&b);
	return rc < 0 ? -ENOMEM : 0;
}

/* A peer: whether it has an event with a purpose (which decides, over
 * every user of the run, whether the sources record them); its own
 * matches are judged in its shard, against its own days. */
static int
w_save(const struct sl_detect *d, int rule, const struct det_user *u,
    const void *st, struct sl_buf *b)
{
	const struct wstate *ws = st;

	(void)d;
	(void)rule;
	(void)u;
	return sl_buf_printf(b, " %d", ws->purposes ? 1 : 0) < 0 ? -ENOMEM :
	    0;
}

static int
w_load(const struct sl_detect *d, int rule, struct det_user *u, void *st,
    struct det_rd *r)
{
	struct wstate *ws = st;
	int64_t v = det_rd_int(r);

	(void)d;
	(void)rule;
	(void)u;
	if (v != 0 && v != 1)
		r->bad = 1;
	ws->purposes = v == 1;
	return 0;
}

const struct det_rule det_rule_watch = {
	.name = "watchlist",
	.level = SL_LEVEL_MEDIUM,
	.params = params,
	.size = sizeof(struct wstate),
	.add = w_add,
	.run = w_run,
	.release = w_release,
	.save = w_save,
	.load = w_load,
};
