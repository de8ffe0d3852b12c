/* meta.c: what a case says about itself: users' spans from their indexes,
 * and the manifest, rejects and conflicts read as rows. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

int
sl_case_user_span(struct sl_case *c, const char *user, size_t userlen,
    struct sl_user_span *span)
{
	const struct sl_case_user *u;
	struct sl_chunk *ch = NULL;
	size_t nch = 0, i;
	char rel[300], err[128];
	FILE *fp;
	int rc;

	span->events = span->blocks = 0;
	span->first = span->last = INT64_MIN;
	if ((u = sl_case_find_user(c, user, userlen)) == NULL)
		return sl_case_fail(c, -ENOENT, "no user \"%.*s\" in the case",
		    (int)(userlen > 200 ? 200 : userlen), user);
	snprintf(rel, sizeof(rel), "users/%s.idx", u->file);
	if ((fp = sl_case_fopen(c, rel)) == NULL)
		return sl_case_fail(c, -errno, "cannot read \"%s/%s\": %s",
		    c->dir, rel, strerror(errno));
	rc = sl_idx_load(fp, &ch, &nch, err, sizeof(err));
	fclose(fp);
	if (rc < 0)
		return sl_case_fail(c, rc, "\"%s/%s\": %s", c->dir, rel, err);
	for (i = 0; i < nch; i++)
		span->events += ch[i].rows;
	span->blocks = nch;
	if (nch > 0) {
		span->first = ch[0].first;
		span->last = ch[nch - 1].last;
	}
	free(ch);
	return 0;
}

/* ---- tables read by their header names ----------------------------------- */

struct table {
	struct sl_case *c;
	const char *rel;
	FILE *fp;
	int bgzf;		/* a BGZF file (else plain text) */
	struct sl_lines l;
	struct sl_buf line;
	uint64_t lineno;
	int done;
	const char *const *names;	/* the columns wanted */
	size_t nnames;
	int *which;		/* for each header cell, its name or -1 */
	size_t nwhich;
	struct sl_str *cell;	/* of the current row, by name */
	const char *bad;	/* the name of the cell that did not parse */
};

static int
table_line(struct table *t, char **p, size_t *n)
{
	int rc;

	if (t->bgzf) {
		rc = sl_lines_next(&t->l, p, n);
		if (rc < 0)
			return sl_case_fail(t->c, rc, "\"%s/%s\": %s",
			    t->c->dir, t->rel, t->l.err);
	} else {
		rc = sl_case_getline(t->fp, &t->line, SL_MAX_LINE);
		if (rc < 0)
			return sl_case_fail(t->c, rc, "cannot read \"%s/%s\": "
			    "%s", t->c->dir, t->rel, rc == -E2BIG ?
			    "a line too long" : strerror(-rc));
		*p = t->line.p;
		*n = t->line.n;
	}
	if (rc > 0)
		t->lineno++;
	return rc;
}

/* Open rel and map its header.  A file that is not there and not recorded
 * has no rows (format 1 wrote rejects.tsv.gz only when needed). */
static int
table_open(struct table *t, struct sl_case *c, const char *rel, int bgzf,
    const char *const *names, size_t nnames)
{
	char *p, *e, *tab;
	size_t n, i;
	int rc;

	memset(t, 0, sizeof(*t));
	t->c = c;
	t->rel = rel;
	t->bgzf = bgzf;
	t->names = names;
	t->nnames = nnames;
	t->cell = calloc(nnames, sizeof(*t->cell));
	if (t->cell == NULL)
		return sl_case_fail(c, -ENOMEM, "out of memory");
	if ((t->fp = sl_case_fopen(c, rel)) == NULL) {
		if (errno == ENOENT && sl_case_digest(c, rel) == NULL) {
			t->done = 1;
			return 0;
		}
		return sl_case_fail(c, -errno, "cannot read \"%s/%s\": %s",
		    c->dir, rel, strerror(errno));
	}
	if (bgzf)
		sl_lines_init(&t->l, t->fp);
	if ((rc = table_line(t, &p, &n)) <= 0) {
		t->done = 1;
		return rc;
	}
	for (e = p + n; ; p = tab + 1) {
		int *w = realloc(t->which, (t->nwhich + 1) * sizeof(*w));

		if (w == NULL)
			return sl_case_fail(c, -ENOMEM, "out of memory");
		t->which = w;
		tab = memchr(p, '\t', (size_t)(e - p));
		w[t->nwhich] = -1;
		for (i = 0; i < nnames; i++)
			if (strlen(names[i]) == (size_t)((tab ? tab : e) - p) &&
			    memcmp(names[i], p, strlen(names[i])) == 0)
				w[t->nwhich] = (int)i;
		t->nwhich++;
		if (tab == NULL)
			break;
	}
	return 0;
}

static int
table_has(const struct table *t, const char *name)
{
	size_t j;

	for (j = 0; j < t->nwhich; j++)
		if (t->which[j] >= 0 && strcmp(t->names[t->which[j]],
		    name) == 0)
			return 1;
	return 0;
}

/* The next row, its cells by name, each NUL-terminated in place (the tab
 * after it becomes NUL); absent ones empty.  1, 0, or a negative errno. */
static int
table_next(struct table *t)
{
	char *p, *e, *tab;
	size_t n, i, j;
	int rc;

	if (t->done)
		return 0;
	if ((rc = table_line(t, &p, &n)) <= 0) {
		t->done = 1;
		return rc;
	}
	for (i = 0; i < t->nnames; i++) {
		t->cell[i].p = "";
		t->cell[i].n = 0;
	}
	for (e = p + n, j = 0; j < t->nwhich; j++, p = tab + 1) {
		tab = memchr(p, '\t', (size_t)(e - p));
		if (tab != NULL)
			*tab = '\0';
		if (t->which[j] >= 0) {
			t->cell[t->which[j]].p = p;
			t->cell[t->which[j]].n = (size_t)((tab ? tab : e) - p);
		}
		if (tab == NULL)
			break;
	}
	t->bad = NULL;
	return 1;
}

static void
table_release(struct table *t)
{
	if (t->bgzf)
		sl_lines_release(&t->l);
	if (t->fp != NULL)
		fclose(t->fp);
	sl_buf_release(&t->line);
	free(t->which);
	free(t->cell);
}

/* Cell i as a string: unescaped, NUL-terminated. */
static struct sl_str
cell_str(struct table *t, size_t i)
{
	struct sl_str s = t->cell[i];

	if (s.n == 0)
		return s;
	if (sl_row_unescape(&s) < 0) {
		t->bad = t->names[i];
		s.n = 0;
	}
	((char *)s.p)[s.n] = '\0';
	return s;
}

/* Cell i as a count: empty is SL_NOT_COUNTED. */
static uint64_t
cell_u64(struct table *t, size_t i)
{
	uint64_t v;

	if (t->cell[i].n == 0)
		return SL_NOT_COUNTED;
	if (sl_row_u64_parse(t->cell[i].p, t->cell[i].n, &v) < 0) {
		t->bad = t->names[i];
		return SL_NOT_COUNTED;
	}
	return v;
}

/* Cell i as a time: empty is INT64_MIN. */
static int64_t
cell_time(struct table *t, size_t i)
{
	int64_t v;

	if (t->cell[i].n == 0)
		return INT64_MIN;
	if (sl_row_time_parse(t->cell[i].p, t->cell[i].n, &v) < 0) {
		t->bad = t->names[i];
		return INT64_MIN;
	}
	return v;
}

/* After a row's cells: -EBADMSG if one of them did not parse. */
static int
table_check(struct table *t)
{
	if (t->bad == NULL)
		return 1;
	return sl_case_fail(t->c, -EBADMSG, "\"%s/%s\": line %" PRIu64 ": "
	    "malformed %s", t->c->dir, t->rel, t->lineno, t->bad);
}

/* ---- the manifest -------------------------------------------------------- */

enum {
	M_SHA256, M_BYTES, M_PATH, M_MEMBER, M_PROFILE, M_READ, M_ACCEPTED,
	M_DUPLICATES, M_REJECTED, M_FIRST, M_LAST, M_TZ, M_INGESTED,
	M_CONFLICTS, M_REVERSALS, M_NOTES, M__COUNT
};

struct sl_manifest {
	struct table t;
	struct sl_manifest_row row;
};

int
sl_case_manifest(struct sl_case *c, struct sl_manifest **mp)
{
	struct sl_manifest *m;
	int rc;

	*mp = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return sl_case_fail(c, -ENOMEM, "out of memory");
	/* sl_manifest_header names the columns in the order of M_*. */
	if ((rc = table_open(&m->t, c, SL_MANIFEST, 0, sl_manifest_header,
	    M__COUNT)) < 0) {
		sl_manifest_free(m);
		return rc;
	}
	*mp = m;
	return 0;
}

struct sl_manifest *
sl_manifest_open(struct sl_case *c)
{
	struct sl_manifest *m;

	sl_case_manifest(c, &m);
	return m;
}

int
sl_manifest_has(const struct sl_manifest *m, const char *column)
{
	return table_has(&m->t, column);
}

static int
is_sha256(struct sl_str s)
{
	size_t i;

	if (s.n != 64)
		return s.n == 0;
	for (i = 0; i < 64; i++)
		if (!((s.p[i] >= '0' && s.p[i] <= '9') ||
		    (s.p[i] >= 'a' && s.p[i] <= 'f')))
			return 0;
	return 1;
}

int
sl_manifest_next(struct sl_manifest *m, const struct sl_manifest_row **row)
{
	struct sl_manifest_row *r = &m->row;
	struct table *t = &m->t;
	int rc;

	if ((rc = table_next(t)) <= 0)
		return rc;
	r->lineno = t->lineno;
	r->sha256 = cell_str(t, M_SHA256);
	if (!is_sha256(r->sha256))
		t->bad = "sha256";
	r->bytes = cell_u64(t, M_BYTES);
	r->path = cell_str(t, M_PATH);
	r->member = cell_str(t, M_MEMBER);
	r->profile = cell_str(t, M_PROFILE);
	r->read = cell_u64(t, M_READ);
	r->accepted = cell_u64(t, M_ACCEPTED);
	r->duplicates = cell_u64(t, M_DUPLICATES);
	r->rejected = cell_u64(t, M_REJECTED);
	r->first = cell_time(t, M_FIRST);
	r->last = cell_time(t, M_LAST);
	r->tz = cell_str(t, M_TZ);
	r->ingested = cell_time(t, M_INGESTED);
	r->conflicts = cell_u64(t, M_CONFLICTS);
	r->reversals = cell_u64(t, M_REVERSALS);
	r->notes = cell_str(t, M_NOTES);
	if ((rc = table_check(t)) < 0)
		return rc;
	*row = r;
	return 1;
}

void
sl_manifest_free(struct sl_manifest *m)
{
	if (m == NULL)
		return;
	table_release(&m->t);
	free(m);
}

int
sl_notes_get(const char *notes, size_t n, const char *name,
    struct sl_str *value)
{
	const char *p = notes, *e = notes + n, *sp;
	size_t len = strlen(name), w;

	for (; p < e; p = sp + 1) {
		if ((sp = memchr(p, ' ', (size_t)(e - p))) == NULL)
			sp = e;
		w = (size_t)(sp - p);
		if (w >= len && memcmp(p, name, len) == 0 &&
		    (w == len || p[len] == '=')) {
			if (value != NULL) {
				value->p = w == len ? sp : p + len + 1;
				value->n = w == len ? 0 : w - len - 1;
			}
			return 1;
		}
	}
	return 0;
}

/* ---- rejects ------------------------------------------------------------- */

enum { R_ORIGIN, R_LINE, R_OFFSET, R_PROFILE, R_REASON, R_RAW, R__COUNT };

struct sl_rejects {
	struct table t;
	struct sl_reject_row row;
};

struct sl_rejects *
sl_rejects_open(struct sl_case *c)
{
	struct sl_rejects *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		sl_case_fail(c, -ENOMEM, "out of memory");
		return NULL;
	}
	if (table_open(&r->t, c, SL_REJECTS, 1, sl_reject_header,
	    R__COUNT) < 0) {
		sl_rejects_free(r);
		return NULL;
	}
	return r;
}

int
sl_rejects_next(struct sl_rejects *r, const struct sl_reject_row **row)
{
	struct sl_reject_row *x = &r->row;
	struct table *t = &r->t;
	int rc;

	if ((rc = table_next(t)) <= 0)
		return rc;
	x->row = t->lineno - 1;
	x->origin = cell_str(t, R_ORIGIN);
	x->line = cell_u64(t, R_LINE);
	x->offset = cell_u64(t, R_OFFSET);
	x->profile = cell_str(t, R_PROFILE);
	x->reason = cell_str(t, R_REASON);
	x->raw = cell_str(t, R_RAW);
	if (x->line == SL_NOT_COUNTED)
		t->bad = "line";
	else if (x->offset == SL_NOT_COUNTED)
		t->bad = "offset";
	if ((rc = table_check(t)) < 0)
		return rc;
	*row = x;
	return 1;
}

void
sl_rejects_free(struct sl_rejects *r)
{
	if (r == NULL)
		return;
	table_release(&r->t);
	free(r);
}

/* ---- conflicts ----------------------------------------------------------- */

enum {
	K_SCOPE, K_KEY, K_KEPT_USER, K_KEPT_TIME, K_KEPT_ORIGIN, K_KEPT_LINE,
	K_KEPT_OFFSET, K_USER, K_TIME, K_ORIGIN, K_LINE, K_OFFSET, K_DIFFERS,
	K_RAW, K__COUNT
};

struct sl_conflicts {
	struct table t;
	struct sl_conflict_row row;
};

struct sl_conflicts *
sl_conflicts_open(struct sl_case *c)
{
	struct sl_conflicts *k;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		sl_case_fail(c, -ENOMEM, "out of memory");
		return NULL;
	}
	if (table_open(&k->t, c, SL_CONFLICTS, 1, sl_conflict_header,
	    K__COUNT) < 0) {
		sl_conflicts_free(k);
		return NULL;
	}
	return k;
}

int
sl_conflicts_next(struct sl_conflicts *k, const struct sl_conflict_row **row)
{
	struct sl_conflict_row *x = &k->row;
	struct table *t = &k->t;
	int rc;

	if ((rc = table_next(t)) <= 0)
		return rc;
	x->row = t->lineno - 1;
	x->scope = cell_str(t, K_SCOPE);
	x->key = cell_str(t, K_KEY);
	x->kept_user = cell_str(t, K_KEPT_USER);
	x->kept_time = cell_time(t, K_KEPT_TIME);
	x->kept_origin = cell_str(t, K_KEPT_ORIGIN);
	x->kept_line = cell_u64(t, K_KEPT_LINE);
	x->kept_offset = cell_u64(t, K_KEPT_OFFSET);
	x->user = cell_str(t, K_USER);
	x->time = cell_time(t, K_TIME);
	x->origin = cell_str(t, K_ORIGIN);
	x->line = cell_u64(t, K_LINE);
	x->offset = cell_u64(t, K_OFFSET);
	x->differs = cell_str(t, K_DIFFERS);
	x->raw = cell_str(t, K_RAW);
	if ((rc = table_check(t)) < 0)
		return rc;
	*row = x;
	return 1;
}

void
sl_conflicts_free(struct sl_conflicts *k)
{
	if (k == NULL)
		return;
	table_release(&k->t);
	free(k);
}

/* ---- keys ---------------------------------------------------------------- */

enum {
	Y_SCOPE, Y_KEY, Y_USER, Y_TIME, Y_ACTION, Y_RESOURCE, Y_ORIGIN,
	Y_LINE, Y_OFFSET, Y__COUNT
};

struct sl_keys {
	struct table t;
	struct sl_key_row row;
};

struct sl_keys *
sl_keys_open(struct sl_case *c)
{
	struct sl_keys *k;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		sl_case_fail(c, -ENOMEM, "out of memory");
		return NULL;
	}
	if (table_open(&k->t, c, SL_KEYS, 1, sl_key_header, Y__COUNT) < 0) {
		sl_keys_free(k);
		return NULL;
	}
	return k;
}

int
sl_keys_next(struct sl_keys *k, const struct sl_key_row **row)
{
	struct sl_key_row *x = &k->row;
	struct table *t = &k->t;
	int rc;

	if ((rc = table_next(t)) <= 0)
		return rc;
	x->scope = cell_str(t, Y_SCOPE);
	x->key = cell_str(t, Y_KEY);
	x->user = cell_str(t, Y_USER);
	x->origin = cell_str(t, Y_ORIGIN);
	x->line = cell_u64(t, Y_LINE);
	x->offset = cell_u64(t, Y_OFFSET);
	if (x->line == SL_NOT_COUNTED)
		t->bad = "line";
	else if (x->offset == SL_NOT_COUNTED)
		t->bad = "offset";
	if ((rc = table_check(t)) < 0)
		return rc;
	*row = x;
	return 1;
}

void
sl_keys_free(struct sl_keys *k)
{
	if (k == NULL)
		return;
	table_release(&k->t);
	free(k);
}
