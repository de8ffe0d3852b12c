/* timeline.c: reading timelines: lines of BGZF files, chunk indexes, one
 * user's events in time order. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* ---- lines of BGZF files ------------------------------------------------- */

void
sl_lines_init(struct sl_lines *l, FILE *fp)
{
	memset(l, 0, sizeof(*l));
	l->fp = fp;
}

void
sl_lines_release(struct sl_lines *l)
{
	sl_bgzf_reader_free(l->r);
	sl_buf_release(&l->buf);
	free(l->boff);
	free(l->bpos);
	free(l->blen);
	memset(l, 0, sizeof(*l));
}

int
sl_lines_seek(struct sl_lines *l, uint64_t off)
{
	int rc;

	if (l->r == NULL && (l->r = sl_bgzf_reader_new(l->fp)) == NULL)
		return -ENOMEM;
	sl_buf_reset(&l->buf);
	l->pos = 0;
	l->nb = 0;
	l->eof = 0;
	rc = sl_bgzf_reader_seek(l->r, off);
	if (rc < 0)
		snprintf(l->err, sizeof(l->err), "%s",
		    sl_bgzf_reader_error(l->r));
	return rc;
}

static int
lines_fill(struct sl_lines *l)
{
	size_t keep, i, drop;
	uint64_t off;
	int rc;

	/* Drop consumed bytes and the blocks wholly before them. */
	if (l->pos > 0) {
		keep = l->buf.n - l->pos;
		memmove(l->buf.p, l->buf.p + l->pos, keep);
		l->buf.n = keep;
		l->buf.p[keep] = '\0';
		for (drop = 0; drop < l->nb && l->bpos[drop] +
		    (int64_t)l->blen[drop] <= (int64_t)l->pos; drop++)
			;
		for (i = drop; i < l->nb; i++) {
			l->boff[i - drop] = l->boff[i];
			l->bpos[i - drop] = l->bpos[i] - (int64_t)l->pos;
			l->blen[i - drop] = l->blen[i];
		}
		l->nb -= drop;
		l->pos = 0;
	}
	if (l->nb == l->cb) {
		size_t ncap = l->cb ? l->cb * 2 : 16;
		uint64_t *bo = realloc(l->boff, ncap * sizeof(*bo));
		int64_t *bp;
		size_t *bl;

		if (bo == NULL)
			return -ENOMEM;
		l->boff = bo;
		bp = realloc(l->bpos, ncap * sizeof(*bp));
		if (bp == NULL)
			return -ENOMEM;
		l->bpos = bp;
		bl = realloc(l->blen, ncap * sizeof(*bl));
		if (bl == NULL)
			return -ENOMEM;
		l->blen = bl;
		l->cb = ncap;
	}
	i = l->buf.n;
	rc = sl_bgzf_read_block(l->r, &l->buf, &off);
	if (rc <= 0) {
		if (rc < 0)
			snprintf(l->err, sizeof(l->err), "%s",
			    sl_bgzf_reader_error(l->r));
		return rc;
	}
	l->blocks++;
	l->last_empty = l->buf.n == i;
	if (l->buf.n > i) {
		l->boff[l->nb] = off;
		l->bpos[l->nb] = (int64_t)i;
		l->blen[l->nb] = l->buf.n - i;
		l->nb++;
	}
	return 1;
}

int
sl_lines_next(struct sl_lines *l, char **line, size_t *n)
{
	char *nl;
	size_t i, scanned = 0;
	int rc;

	if (l->r == NULL && (l->r = sl_bgzf_reader_new(l->fp)) == NULL)
		return -ENOMEM;
	for (;;) {
		if (l->buf.n > l->pos + scanned) {
			nl = memchr(l->buf.p + l->pos + scanned, '\n',
			    l->buf.n - l->pos - scanned);
			if (nl != NULL)
				break;
			scanned = l->buf.n - l->pos;
		}
		if (scanned > SL_MAX_LINE) {
			snprintf(l->err, sizeof(l->err), "a line longer than "
			    "%zu bytes", (size_t)SL_MAX_LINE);
			return -E2BIG;
		}
		if (l->eof)
			return 0;
		rc = lines_fill(l);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			l->eof = 1;
			if (l->buf.n > l->pos) {
				snprintf(l->err, sizeof(l->err), "the file "
				    "ends inside a line");
				return -EBADMSG;
			}
			return 0;
		}
	}
	*line = l->buf.p + l->pos;
	*n = (size_t)(nl - *line);
	*nl = '\0';
	l->line_block = 0;
	l->line_at_start = 0;
	for (i = 0; i < l->nb; i++) {
		int64_t p = (int64_t)l->pos;

		if (l->bpos[i] <= p && p < l->bpos[i] + (int64_t)l->blen[i]) {
			l->line_block = l->boff[i];
			l->line_at_start = l->bpos[i] == p;
			break;
		}
	}
	l->pos += *n + 1;
	return 1;
}

/* ---- idx ----------------------------------------------------------------- */

int
sl_idx_load(FILE *fp, struct sl_chunk **chunks, size_t *nchunks, char *err,
    size_t errlen)
{
	struct sl_buf line = { 0 };
	struct sl_chunk *ch = NULL;
	struct sl_str col[SL_IDX_COLUMNS];
	size_t n = 0, cap = 0, lineno = 0, i;
	int rc;

	while ((rc = sl_case_getline(fp, &line, 4096)) > 0) {
		struct sl_chunk k;

		lineno++;
		if (sl_row_split(line.p, line.n, col, SL_IDX_COLUMNS) < 0) {
			rc = -EBADMSG;
			break;
		}
		if (lineno == 1) {
			for (i = 0; i < SL_IDX_COLUMNS; i++)
				if (!sl_str_eq(col[i], sl_idx_header[i]))
					rc = -EBADMSG;
			if (rc < 0)
				break;
			continue;
		}
		if (sl_row_u64_parse(col[0].p, col[0].n, &k.off) < 0 ||
		    sl_row_time_parse(col[1].p, col[1].n, &k.first) < 0 ||
		    sl_row_time_parse(col[2].p, col[2].n, &k.last) < 0 ||
		    sl_row_u64_parse(col[3].p, col[3].n, &k.rows) < 0 ||
		    k.first > k.last || k.rows == 0 ||
		    (n > 0 && (k.off <= ch[n - 1].off ||
		    k.first < ch[n - 1].last))) {
			rc = -EBADMSG;
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct sl_chunk *p = realloc(ch, ncap * sizeof(*p));

			if (p == NULL) {
				rc = -ENOMEM;
				break;
			}
			ch = p;
			cap = ncap;
		}
		ch[n++] = k;
	}
	sl_buf_release(&line);
	if (rc == 0 && lineno == 0)
		rc = -EBADMSG;
	if (rc < 0) {
		sl_seterr(err, errlen, rc == -ENOMEM ? "out of memory" :
		    "line %zu is malformed", lineno);
		free(ch);
		return rc == -ENOMEM ? rc : -EBADMSG;
	}
	*chunks = ch;
	*nchunks = n;
	return 0;
}

/* ---- timelines ----------------------------------------------------------- */

struct sl_timeline {
	struct sl_case *c;
	FILE *fp;
	struct sl_lines l;
	int64_t since, until;
	char *user;
	size_t userlen;
	char rel[256];
	int header;		/* the next line is the column header */
	int done;
	struct sl_event ev;
};


struct sl_timeline *
sl_timeline_open(struct sl_case *c, const char *user, size_t userlen,
    int64_t since, int64_t until)
{
	const struct sl_case_user *u;
	struct sl_timeline *t;
	struct sl_chunk *ch = NULL;
	size_t nch = 0, lo, hi;
	char idx[256], err[128];
	FILE *ifp;

	t = calloc(1, sizeof(*t));
	if (user == NULL)
		user = "", userlen = 0;
	if (t == NULL || (t->user = sl_strndup(user, userlen)) == NULL) {
		free(t);
		sl_case_fail(c, -ENOMEM, "out of memory");
		return NULL;
	}
	t->c = c;
	t->since = since;
	t->until = until;
	t->userlen = userlen;
	u = sl_case_find_user(c, user, userlen);
	if (u == NULL || since >= until) {
		t->done = 1;	/* no such user: an empty timeline */
		return t;
	}
	snprintf(t->rel, sizeof(t->rel), "users/%s.tsv.gz", u->file);
	snprintf(idx, sizeof(idx), "users/%s.idx", u->file);
	t->fp = sl_case_fopen(c, t->rel);
	if (t->fp == NULL) {
		sl_case_fail(c, -errno, "cannot read \"%s/%s\": %s", c->dir,
		    t->rel, strerror(errno));
		goto fail;
	}
	sl_lines_init(&t->l, t->fp);
	t->header = 1;
	if (since == INT64_MIN)
		return t;
	/* Seek through the index; without a usable one, read it all. */
	ifp = sl_case_fopen(c, idx);
	if (ifp == NULL)
		return t;
	if (sl_idx_load(ifp, &ch, &nch, err, sizeof(err)) < 0) {
		fclose(ifp);
		return t;
	}
	fclose(ifp);
	lo = 0;
	hi = nch;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ch[mid].last < since)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == nch) {
		t->done = 1;
	} else if (sl_lines_seek(&t->l, ch[lo].off) < 0) {
		sl_case_fail(c, -EIO, "\"%s/%s\": %s", c->dir, t->rel,
		    t->l.err);
		free(ch);
		goto fail;
	} else {
		t->header = 0;
	}
	free(ch);
	return t;
fail:
	sl_timeline_free(t);
	return NULL;
}

int
sl_timeline_next(struct sl_timeline *t, const struct sl_event **ev)
{
	char *p;
	size_t n;
	int rc;

	while (!t->done) {
		rc = sl_lines_next(&t->l, &p, &n);
		if (rc == 0)
			break;
		if (rc < 0)
			return sl_case_fail(t->c, rc, "\"%s/%s\": %s",
			    t->c->dir, t->rel, t->l.err);
		if (t->header) {
			t->header = 0;
			continue;
		}
		if (sl_row_parse(p, n, &t->ev) < 0)
			return sl_case_fail(t->c, -EBADMSG, "\"%s/%s\": "
			    "malformed row at block offset %" PRIu64, t->c->dir,
			    t->rel, t->l.line_block);
		if (t->ev.user.n != t->userlen ||
		    memcmp(t->ev.user.p, t->user, t->userlen) != 0)
			return sl_case_fail(t->c, -EBADMSG, "\"%s/%s\": a row "
			    "of another user at block offset %" PRIu64,
			    t->c->dir, t->rel, t->l.line_block);
		if (t->ev.time < t->since)
			continue;
		if (t->ev.time >= t->until)
			break;
		*ev = &t->ev;
		return 1;
	}
	t->done = 1;
	return 0;
}

void
sl_timeline_free(struct sl_timeline *t)
{
	if (t == NULL)
		return;
	sl_lines_release(&t->l);
	if (t->fp != NULL)
		fclose(t->fp);
	free(t->user);
	free(t);
}

/* ---- a prefilter on a whole timeline -------------------------------------- */

int
sl_case_user_may_hold(struct sl_case *c, const char *user, size_t userlen,
    const struct sl_prefilter *pf)
{
	const struct sl_case_user *u;
	struct sl_bgzf_reader *r = NULL;
	struct sl_buf buf = { 0 };
	unsigned char *found = NULL;
	size_t ng, keep, start = 0, nfound = 0;
	char rel[300];
	FILE *fp = NULL;
	int rc, header = 1;

	if (pf == NULL || (ng = sl_prefilter_groups(pf)) == 0)
		return 1;
	if ((u = sl_case_find_user(c, user, userlen)) == NULL)
		return -ENOENT;
	keep = sl_prefilter_longest(pf);
	keep = keep > 0 ? keep - 1 : 0;
	snprintf(rel, sizeof(rel), "users/%s.tsv.gz", u->file);
	if ((fp = sl_case_fopen(c, rel)) == NULL)
		return -errno;
	if ((found = calloc(ng, 1)) == NULL ||
	    (r = sl_bgzf_reader_new(fp)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		size_t from = buf.n;

		rc = sl_bgzf_read_block(r, &buf, NULL);
		if (rc <= 0)
			break;
		/* The column header names the columns: not a row. */
		if (header && buf.n > from) {
			char *nl = memchr(buf.p + from, '\n', buf.n - from);

			if (nl == NULL)
				continue;
			header = 0;
			start = (size_t)(nl + 1 - buf.p);
		}
		nfound = sl_prefilter_rows(pf, buf.p + start, buf.n - start,
		    found);
		if (nfound == ng)
			break;
		/* The tail that a literal cut at the block's end may start
		 * in goes in front of the next block. */
		if (buf.n - start > keep) {
			memmove(buf.p, buf.p + buf.n - keep, keep);
			buf.n = keep;
		} else if (start > 0) {
			memmove(buf.p, buf.p + start, buf.n - start);
			buf.n -= start;
		}
		start = 0;
	}
	if (rc >= 0)
		rc = nfound == ng;
out:
	sl_bgzf_reader_free(r);
	sl_buf_release(&buf);
	free(found);
	fclose(fp);
	return rc;
}
