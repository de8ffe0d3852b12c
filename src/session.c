/* session.c: sessions derived from one user's events while reading them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A source session id seen since the reset, with its first event's time. */
struct seen {
	char *id;
	size_t n;
	int64_t start;
};

struct sl_sessions {
	int64_t gap;
	/* The current derived session. */
	int open;		/* a derived session is open */
	int ended;		/* ... and its last event was a logout */
	int64_t start, last;
	struct sl_buf name;	/* "USER@STARTTIME" */
	/* Source session ids seen, open addressing; size is a power of 2. */
	struct seen *tab;
	size_t size, used;
};

struct sl_sessions *
sl_sessions_new(int64_t gap)
{
	struct sl_sessions *s;

	if (gap <= 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->gap = gap;
	return s;
}

void
sl_sessions_reset(struct sl_sessions *s)
{
	size_t i;

	if (s == NULL)
		return;
	s->open = s->ended = 0;
	sl_buf_reset(&s->name);
	for (i = 0; i < s->size; i++) {
		free(s->tab[i].id);
		s->tab[i].id = NULL;
	}
	s->used = 0;
}

void
sl_sessions_free(struct sl_sessions *s)
{
	if (s == NULL)
		return;
	sl_sessions_reset(s);
	free(s->tab);
	sl_buf_release(&s->name);
	free(s);
}

static int
grow(struct sl_sessions *s)
{
	size_t nsize = s->size ? s->size * 2 : 64, i, h;
	struct seen *nt;

	if ((nt = calloc(nsize, sizeof(*nt))) == NULL)
		return -ENOMEM;
	for (i = 0; i < s->size; i++) {
		if (s->tab[i].id == NULL)
			continue;
		h = (size_t)sl_hash64(s->tab[i].id, s->tab[i].n) & (nsize - 1);
		while (nt[h].id != NULL)
			h = (h + 1) & (nsize - 1);
		nt[h] = s->tab[i];
	}
	free(s->tab);
	s->tab = nt;
	s->size = nsize;
	return 0;
}

/* 1 if id was new (now remembered with start t), 0 if seen; -ENOMEM. */
static int
source_seen(struct sl_sessions *s, struct sl_str id, int64_t t,
    int64_t *start)
{
	size_t h;

	if ((s->used + 1) * 2 > s->size && grow(s) < 0)
		return -ENOMEM;
	h = (size_t)sl_hash64(id.p, id.n) & (s->size - 1);
	for (; s->tab[h].id != NULL; h = (h + 1) & (s->size - 1)) {
		if (s->tab[h].n == id.n &&
		    memcmp(s->tab[h].id, id.p, id.n) == 0) {
			*start = s->tab[h].start;
			return 0;
		}
	}
	if ((s->tab[h].id = sl_strndup(id.p, id.n)) == NULL)
		return -ENOMEM;
	s->tab[h].n = id.n;
	s->tab[h].start = t;
	s->used++;
	*start = t;
	return 1;
}

int
sl_sessions_assign(struct sl_sessions *s, const struct sl_event *ev,
    struct sl_str *name, int64_t *start)
{
	char tbuf[32];
	int fresh;

	if (ev->session.n > 0) {
		fresh = source_seen(s, ev->session, ev->time, start);
		if (fresh < 0)
			return fresh;
		*name = ev->session;
		return fresh;
	}
	/* A gap equal to the limit does not split.  The difference is
	 * taken unsigned: exact for ordered times, and cannot overflow. */
	fresh = !s->open || s->ended || ev->action == SL_ACT_LOGIN ||
	    ev->time < s->last ||
	    (uint64_t)ev->time - (uint64_t)s->last > (uint64_t)s->gap;
	if (fresh) {
		sl_buf_reset(&s->name);
		if (sl_buf_add(&s->name, ev->user.p, ev->user.n) < 0 ||
		    sl_buf_addc(&s->name, '@') < 0 ||
		    sl_buf_add(&s->name, tbuf, (size_t)sl_time_format(
		    ev->time, tbuf, sizeof(tbuf))) < 0) {
			s->open = 0;
			return -ENOMEM;
		}
		s->open = 1;
		s->start = ev->time;
	}
	s->last = ev->time;
	s->ended = ev->action == SL_ACT_LOGOUT;
	name->p = s->name.p;
	name->n = s->name.n;
	*start = s->start;
	return fresh;
}
