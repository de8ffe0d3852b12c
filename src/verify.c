/* verify.c: checking a case against its digests, its structure and counts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

#define MAX_FILE_PROBLEMS 50

/* Counts per origin: what the manifest claims, what the files hold. */
struct ocount {
	char *name;
	uint64_t acc_m, acc_t, rej_m, rej_t;
};

struct vstate {
	struct sl_case *c;
	void (*report)(void *, const char *, const char *);
	void *arg;
	int problems;
	int file_problems;
	struct ocount *tab;
	size_t ntab, cap;
	struct sl_buf msg, scratch, prev;
};

static void
problem(struct vstate *v, const char *file, const char *fmt, ...)
    SL_PRINTF(3, 4);

static void
problem(struct vstate *v, const char *file, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	v->problems++;
	v->file_problems++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (v->report != NULL)
		v->report(v->arg, file, buf);
}

static struct ocount *
origin(struct vstate *v, const char *p, size_t n)
{
	size_t i, mask;

	if (v->ntab * 2 >= v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 256;
		struct ocount *t = calloc(ncap, sizeof(*t));

		if (t == NULL)
			return NULL;
		for (i = 0; i < v->cap; i++) {
			size_t h;

			if (v->tab[i].name == NULL)
				continue;
			h = sl_hash64(v->tab[i].name, strlen(v->tab[i].name));
			for (h &= ncap - 1; t[h].name != NULL;
			    h = (h + 1) & (ncap - 1))
				;
			t[h] = v->tab[i];
		}
		free(v->tab);
		v->tab = t;
		v->cap = ncap;
	}
	mask = v->cap - 1;
	/* Names with NUL bytes count under their prefix. */
	n = strnlen(p, n);
	for (i = sl_hash64(p, n) & mask; v->tab[i].name != NULL;
	    i = (i + 1) & mask)
		if (strlen(v->tab[i].name) == n &&
		    memcmp(v->tab[i].name, p, n) == 0)
			return &v->tab[i];
	if ((v->tab[i].name = sl_strndup(p, n)) == NULL)
		return NULL;
	v->ntab++;
	return &v->tab[i];
}

static int
check_digests(struct vstate *v)
{
	struct sl_case *c = v->c;
	struct sl_buf path = { 0 };
	char hex[65];
	size_t i;
	int rc;

	for (i = 0; i < c->ndig; i++) {
		sl_buf_reset(&path);
		if (sl_buf_printf(&path, "%s/%s/%s", c->dir, c->genrel,
		    c->dig[i].path) < 0)
			return -ENOMEM;
		rc = sl_sha256_file(path.p, hex, NULL);
		if (rc == -ENOMEM) {
			sl_buf_release(&path);
			return rc;
		}
		if (rc < 0)
			problem(v, c->dig[i].path, "cannot read: %s",
			    strerror(-rc));
		else if (strcmp(hex, c->dig[i].hex) != 0)
			problem(v, c->dig[i].path, "SHA-256 %s does not match "
			    "%s in %s (the file was changed)", hex,
			    c->dig[i].hex, SL_CASE_FILE);
	}
	sl_buf_release(&path);
	return 0;
}

static void
check_unlisted(struct vstate *v)
{
	static const char *const top[] = { SL_MANIFEST, SL_REJECTS, SL_KEYS,
	    SL_CONFLICTS };
	struct dirent *de;
	char rel[300];
	size_t i;
	DIR *d;
	int fd;

	for (i = 0; i < SL_ARRAY_LEN(top); i++)
		if (faccessat(v->c->dirfd, top[i], F_OK, 0) == 0 &&
		    sl_case_digest(v->c, top[i]) == NULL)
			problem(v, top[i], "not recorded in %s", SL_CASE_FILE);
	fd = openat(v->c->dirfd, "users", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(rel, sizeof(rel), "users/%s", de->d_name);
		if (sl_case_digest(v->c, rel) == NULL)
			problem(v, rel, "not recorded in %s", SL_CASE_FILE);
	}
	closedir(d);
}

static int
header_ok(const char *p, size_t n, const char *const *cols, size_t ncols)
{
	size_t i, len;

	for (i = 0; i < ncols; i++) {
		len = strlen(cols[i]);
		if (n < len || memcmp(p, cols[i], len) != 0)
			return 0;
		p += len;
		n -= len;
		if (i + 1 < ncols) {
			if (n == 0 || *p != '\t')
				return 0;
			p++;
			n--;
		}
	}
	return n == 0;
}

/* Order of rows in a timeline: time, key, origin, line, offset. */
static int
row_cmp(const struct sl_event *a, const struct sl_event *b)
{
	const struct sl_str *sa[2] = { &a->key, &a->origin };
	const struct sl_str *sb[2] = { &b->key, &b->origin };
	size_t i;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	for (i = 0; i < 2; i++) {
		size_t n = sa[i]->n < sb[i]->n ? sa[i]->n : sb[i]->n;
		int d = n > 0 ? memcmp(sa[i]->p, sb[i]->p, n) : 0;

		if (d != 0)
			return d;
		if (sa[i]->n != sb[i]->n)
			return sa[i]->n < sb[i]->n ? -1 : 1;
	}
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return 0;
}

struct chunkcheck {
	struct sl_chunk *ch;
	size_t n, i;		/* chunks, and the one being read */
	int in;			/* reading chunk i */
	uint64_t rows;
	int64_t first, last;
};

static void
chunk_done(struct vstate *v, const char *idx, struct chunkcheck *k)
{
	const struct sl_chunk *c;

	/* Not reading one: ch may be NULL (an empty idx), and no pointer
	 * may be made from it, not even the first. */
	if (!k->in)
		return;
	c = &k->ch[k->i];
	if (k->rows != c->rows || k->first != c->first || k->last != c->last)
		problem(v, idx, "chunk at offset %" PRIu64 ": the idx says %"
		    PRIu64 " rows from %" PRId64 " to %" PRId64 ", the "
		    "timeline holds %" PRIu64 " from %" PRId64 " to %" PRId64,
		    c->off, c->rows, c->first, c->last, k->rows, k->first,
		    k->last);
	k->in = 0;
	k->i++;
}

/* Does this row start the next chunk of the idx, or skip some? */
static void
chunk_step(struct vstate *v, const char *idx, struct chunkcheck *k,
    const struct sl_lines *l, uint64_t row)
{
	size_t nx;

	for (;;) {
		nx = k->in ? k->i + 1 : k->i;
		if (nx >= k->n || l->line_block < k->ch[nx].off)
			break;
		if (l->line_block == k->ch[nx].off && l->line_at_start) {
			chunk_done(v, idx, k);
			k->i = nx;
			k->in = 1;
			k->rows = 0;
			break;
		}
		problem(v, idx, "chunk at offset %" PRIu64 " does not start "
		    "a row at a block", k->ch[nx].off);
		chunk_done(v, idx, k);
		k->i = nx + 1;
		k->in = 0;
	}
	if (!k->in)
		problem(v, idx, "row %" PRIu64 " is in no chunk", row);
}

static int
check_timeline(struct vstate *v, const struct sl_case_user *u)
{
	struct sl_case *c = v->c;
	struct chunkcheck k = { 0 };
	struct sl_event ev, pev;
	struct sl_lines l;
	struct ocount *oc;
	char rel[300], idx[300], err[128];
	FILE *fp, *ifp;
	char *p;
	size_t n;
	uint64_t rows = 0;
	int rc, have_idx = 0;

	snprintf(rel, sizeof(rel), "users/%s.tsv.gz", u->file);
	snprintf(idx, sizeof(idx), "users/%s.idx", u->file);
	v->file_problems = 0;
	fp = sl_case_fopen(c, rel);
	if (fp == NULL)
		return 0;	/* reported with the digests */
	ifp = sl_case_fopen(c, idx);
	if (ifp == NULL) {
		problem(v, idx, "missing");
	} else {
		if (sl_idx_load(ifp, &k.ch, &k.n, err, sizeof(err)) < 0)
			problem(v, idx, "%s", err);
		else
			have_idx = 1;
		fclose(ifp);
	}
	sl_lines_init(&l, fp);
	memset(&pev, 0, sizeof(pev));
	rc = sl_lines_next(&l, &p, &n);
	if (rc > 0 && !header_ok(p, n, sl_row_header, SL_ROW_COLUMNS))
		problem(v, rel, "the first line is not the column header");
	while (rc > 0 && v->file_problems < MAX_FILE_PROBLEMS) {
		rc = sl_lines_next(&l, &p, &n);
		if (rc <= 0)
			break;
		rows++;
		if (have_idx)
			chunk_step(v, idx, &k, &l, rows);
		sl_buf_reset(&v->scratch);
		if (sl_buf_add(&v->scratch, p, n) < 0)
			return -ENOMEM;
		if (sl_row_parse(v->scratch.p, n, &ev) < 0) {
			problem(v, rel, "row %" PRIu64 " is malformed", rows);
			continue;
		}
		if (k.in) {
			if (k.rows == 0)
				k.first = ev.time;
			k.rows++;
			k.last = ev.time;
		}
		if (ev.user.n != u->namelen ||
		    memcmp(ev.user.p, u->name, u->namelen) != 0)
			problem(v, rel, "row %" PRIu64 " is of another user",
			    rows);
		if (rows > 1 && row_cmp(&pev, &ev) > 0)
			problem(v, rel, "row %" PRIu64 " is out of order",
			    rows);
		if ((oc = origin(v, ev.origin.p, ev.origin.n)) == NULL)
			return -ENOMEM;
		oc->acc_t++;
		/* Keep this row as the previous one. */
		{
			struct sl_buf t = v->prev;

			v->prev = v->scratch;
			v->scratch = t;
			pev = ev;
		}
	}
	if (rc < 0)
		problem(v, rel, "%s", l.err);
	else if (rc == 0 && !l.last_empty)
		problem(v, rel, "no BGZF end-of-file block (truncated?)");
	if (rc == 0 && rows == 0)
		problem(v, rel, "no rows");
	if (have_idx && rc == 0 && v->file_problems < MAX_FILE_PROBLEMS) {
		chunk_done(v, idx, &k);
		for (; k.i < k.n; k.i++)
			problem(v, idx, "chunk at offset %" PRIu64 " does not "
			    "start a row at a block", k.ch[k.i].off);
	}
	if (v->file_problems >= MAX_FILE_PROBLEMS)
		problem(v, rel, "too many problems; the rest is not checked");
	sl_lines_release(&l);
	fclose(fp);
	free(k.ch);
	return 0;
}

/* A table of format 2 other than rejects: there, its header, its rows of
 * ncol columns, its end. */
static int
check_table(struct vstate *v, const char *rel, const char *const *header,
    size_t ncol)
{
	struct sl_str col[SL_CONFLICT_COLUMNS];
	struct sl_lines l;
	uint64_t rows = 0;
	FILE *fp;
	char *p;
	size_t n;
	int rc;

	if (sl_case_digest(v->c, rel) == NULL) {
		if (sl_case_version(v->c) >= 2)
			problem(v, rel, "not recorded in %s (missing)",
			    SL_CASE_FILE);
		return 0;
	}
	if ((fp = sl_case_fopen(v->c, rel)) == NULL)
		return 0;
	v->file_problems = 0;
	sl_lines_init(&l, fp);
	rc = sl_lines_next(&l, &p, &n);
	if (rc > 0 && !header_ok(p, n, header, ncol))
		problem(v, rel, "the first line is not the column header");
	while (rc > 0 && v->file_problems < MAX_FILE_PROBLEMS) {
		rc = sl_lines_next(&l, &p, &n);
		if (rc <= 0)
			break;
		rows++;
		if (sl_row_split(p, n, col, ncol) < 0)
			problem(v, rel, "row %" PRIu64 " is malformed", rows);
	}
	if (rc < 0)
		problem(v, rel, "%s", l.err);
	else if (rc == 0 && !l.last_empty)
		problem(v, rel, "no BGZF end-of-file block (truncated?)");
	sl_lines_release(&l);
	fclose(fp);
	return 0;
}

static int
check_rejects(struct vstate *v)
{
	struct sl_str col[SL_REJECT_COLUMNS], po = { 0 };
	struct sl_lines l;
	struct ocount *oc;
	uint64_t line, off, pline = 0, rows = 0;
	FILE *fp;
	char *p;
	size_t n;
	int rc;

	if (sl_case_digest(v->c, SL_REJECTS) == NULL) {
		/* Format 2 always has the table, empty or not. */
		if (sl_case_version(v->c) >= 2)
			problem(v, SL_REJECTS, "not recorded in %s (missing)",
			    SL_CASE_FILE);
		return 0;
	}
	fp = sl_case_fopen(v->c, SL_REJECTS);
	if (fp == NULL)
		return 0;
	v->file_problems = 0;
	sl_lines_init(&l, fp);
	rc = sl_lines_next(&l, &p, &n);
	if (rc > 0 && !header_ok(p, n, sl_reject_header, SL_REJECT_COLUMNS))
		problem(v, SL_REJECTS, "the first line is not the column "
		    "header");
	while (rc > 0 && v->file_problems < MAX_FILE_PROBLEMS) {
		rc = sl_lines_next(&l, &p, &n);
		if (rc <= 0)
			break;
		rows++;
		sl_buf_reset(&v->scratch);
		if (sl_buf_add(&v->scratch, p, n) < 0)
			return -ENOMEM;
		if (sl_row_split(v->scratch.p, n, col, SL_REJECT_COLUMNS) < 0 ||
		    sl_row_unescape(&col[0]) < 0 ||
		    sl_row_u64_parse(col[1].p, col[1].n, &line) < 0 ||
		    sl_row_u64_parse(col[2].p, col[2].n, &off) < 0 ||
		    sl_row_unescape(&col[3]) < 0 ||
		    sl_row_unescape(&col[4]) < 0 ||
		    sl_row_unescape(&col[5]) < 0) {
			problem(v, SL_REJECTS, "row %" PRIu64 " is malformed",
			    rows);
			continue;
		}
		if (rows > 1) {
			size_t m = po.n < col[0].n ? po.n : col[0].n;
			int d = m > 0 ? memcmp(po.p, col[0].p, m) : 0;

			if (d == 0)
				d = po.n < col[0].n ? -1 : po.n > col[0].n;
			if (d > 0 || (d == 0 && pline > line))
				problem(v, SL_REJECTS, "row %" PRIu64 " is out "
				    "of order", rows);
		}
		if ((oc = origin(v, col[0].p, col[0].n)) == NULL)
			return -ENOMEM;
		oc->rej_t++;
		sl_buf_reset(&v->prev);
		if (sl_buf_add(&v->prev, col[0].p, col[0].n) < 0)
			return -ENOMEM;
		po.p = v->prev.p;
		po.n = v->prev.n;
		pline = line;
	}
	if (rc < 0)
		problem(v, SL_REJECTS, "%s", l.err);
	else if (rc == 0 && !l.last_empty)
		problem(v, SL_REJECTS, "no BGZF end-of-file block "
		    "(truncated?)");
	sl_lines_release(&l);
	fclose(fp);
	return 0;
}

static int
check_manifest(struct vstate *v)
{
	struct sl_str col[SL_MANIFEST_COLUMNS];
	struct sl_buf line = { 0 }, name = { 0 };
	struct ocount *oc;
	uint64_t num[5], extra;
	int64_t t;
	size_t lineno = 0, i, ncol = sl_case_manifest_columns(v->c);
	FILE *fp;
	int rc;

	if (sl_case_digest(v->c, SL_MANIFEST) == NULL) {
		problem(v, SL_MANIFEST, "not recorded in %s", SL_CASE_FILE);
		return 0;
	}
	fp = sl_case_fopen(v->c, SL_MANIFEST);
	if (fp == NULL)
		return 0;
	v->file_problems = 0;
	while ((rc = sl_case_getline(fp, &line, 1 << 20)) > 0 &&
	    v->file_problems < MAX_FILE_PROBLEMS) {
		lineno++;
		if (lineno == 1) {
			if (!header_ok(line.p, line.n, sl_manifest_header,
			    ncol))
				problem(v, SL_MANIFEST, "the first line is not "
				    "the column header");
			continue;
		}
		if (sl_row_split(line.p, line.n, col, ncol) < 0) {
			problem(v, SL_MANIFEST, "line %zu: not %zu columns",
			    lineno, ncol);
			continue;
		}
		rc = 0;
		if (col[0].n != 0 && col[0].n != 64)
			rc = -1;
		for (i = 0; i < col[0].n && rc == 0; i++)
			if (!strchr("0123456789abcdef", col[0].p[i]) ||
			    col[0].p[i] == '\0')
				rc = -1;
		for (i = 0; i < 5 && rc == 0; i++)
			if (sl_row_u64_parse(col[i == 0 ? 1 : i + 4].p,
			    col[i == 0 ? 1 : i + 4].n, &num[i]) < 0)
				rc = -1;
		for (i = 9; i <= 10 && rc == 0; i++)
			if (col[i].n > 0 &&
			    sl_row_time_parse(col[i].p, col[i].n, &t) < 0)
				rc = -1;
		if (rc == 0 && sl_row_time_parse(col[12].p, col[12].n, &t) < 0)
			rc = -1;
		/* conflicts and reversals: empty on rows upgraded from
		 * format 1, which did not count them. */
		for (i = 13; i <= 14 && i < ncol && rc == 0; i++)
			if (col[i].n > 0 &&
			    sl_row_u64_parse(col[i].p, col[i].n, &extra) < 0)
				rc = -1;
		if (rc == 0 && ncol > 15 && sl_row_unescape(&col[15]) < 0)
			rc = -1;
		if (rc == 0 && (sl_row_unescape(&col[2]) < 0 ||
		    sl_row_unescape(&col[3]) < 0))
			rc = -1;
		if (rc < 0) {
			problem(v, SL_MANIFEST, "line %zu is malformed",
			    lineno);
			continue;
		}
		/* read, accepted, duplicates, rejected */
		if (num[1] != num[2] + num[3] + num[4])
			problem(v, SL_MANIFEST, "line %zu: %" PRIu64 " read is "
			    "not %" PRIu64 " accepted + %" PRIu64 " duplicates "
			    "+ %" PRIu64 " rejected", lineno, num[1], num[2],
			    num[3], num[4]);
		sl_buf_reset(&name);
		if (sl_buf_add(&name, col[2].p, col[2].n) < 0 ||
		    (col[3].n > 0 && (sl_buf_addc(&name, '!') < 0 ||
		    sl_buf_add(&name, col[3].p, col[3].n) < 0)) ||
		    (oc = origin(v, name.p, name.n)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		oc->acc_m += num[2];
		oc->rej_m += num[4];
	}
	fclose(fp);
	sl_buf_release(&line);
	sl_buf_release(&name);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		problem(v, SL_MANIFEST, "cannot read: %s", strerror(-rc));
	return 0;
}

int
sl_case_verify(struct sl_case *c,
    void (*report)(void *arg, const char *file, const char *problem),
    void *arg)
{
	struct vstate v;
	size_t i;
	int rc;

	memset(&v, 0, sizeof(v));
	v.c = c;
	v.report = report;
	v.arg = arg;
	if ((rc = check_digests(&v)) < 0)
		goto fail;
	check_unlisted(&v);
	for (i = 0; i < c->nusers; i++)
		if ((rc = check_timeline(&v, &c->users[i])) < 0)
			goto fail;
	if ((rc = check_rejects(&v)) < 0 ||
	    (rc = check_table(&v, SL_KEYS, sl_key_header,
	    SL_KEY_COLUMNS)) < 0 ||
	    (rc = check_table(&v, SL_CONFLICTS, sl_conflict_header,
	    SL_CONFLICT_COLUMNS)) < 0 ||
	    (rc = check_manifest(&v)) < 0)
		goto fail;
	for (i = 0; i < v.cap; i++) {
		struct ocount *o = &v.tab[i];

		if (o->name == NULL)
			continue;
		if (o->acc_m != o->acc_t)
			problem(&v, SL_MANIFEST, "\"%s\": %" PRIu64 " events "
			    "accepted, the timelines hold %" PRIu64, o->name,
			    o->acc_m, o->acc_t);
		if (o->rej_m != o->rej_t)
			problem(&v, SL_MANIFEST, "\"%s\": %" PRIu64 " records "
			    "rejected, %s holds %" PRIu64, o->name, o->rej_m,
			    SL_REJECTS, o->rej_t);
	}
	rc = v.problems;
fail:
	if (rc == -ENOMEM)
		sl_case_fail(c, rc, "out of memory");
	for (i = 0; i < v.cap; i++)
		free(v.tab[i].name);
	free(v.tab);
	sl_buf_release(&v.msg);
	sl_buf_release(&v.scratch);
	sl_buf_release(&v.prev);
	return rc;
}
