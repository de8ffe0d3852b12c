/* profile-set.c: a directory of profiles, and detection of a log's profile */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

#define MAX_PROFILE_BYTES (1u << 20)

/* ---- profile sets ------------------------------------------------------ */

static int
cmp_name(const void *a, const void *b)
{
	const struct sl_profile *x = *(struct sl_profile *const *)a;
	const struct sl_profile *y = *(struct sl_profile *const *)b;

	return strcmp(x->name, y->name);
}

static int
cmp_score(const void *a, const void *b)
{
	const struct sl_profile *x = *(struct sl_profile *const *)a;
	const struct sl_profile *y = *(struct sl_profile *const *)b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
read_file(const char *path, struct sl_buf *b)
{
	FILE *fp;
	char chunk[8192];
	size_t n;
	int r = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->n + n > MAX_PROFILE_BYTES) {
			r = -E2BIG;
			break;
		}
		if ((r = sl_buf_add(b, chunk, n)) < 0)
			break;
	}
	if (r == 0 && ferror(fp))
		r = -EIO;
	fclose(fp);
	return r;
}

struct sl_profileset *
sl_profileset_load(const char *dir, char *err, size_t errlen)
{
	struct sl_profileset *ps = NULL;
	struct sl_profile *p;
	struct sl_buf path = { 0 }, text = { 0 };
	struct dirent *de;
	char **names = NULL;
	size_t nnames = 0, i, len;
	DIR *d;
	int r;

	if ((d = opendir(dir)) == NULL) {
		sl_seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 8 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 8, ".profile") != 0)
			continue;
		if (sl_grow(&names, &nnames, sizeof(*names)) < 0 ||
		    (names[nnames] = strdup(de->d_name)) == NULL) {
			closedir(d);
			goto nomem;
		}
		nnames++;
	}
	closedir(d);
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), cmp_str);
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		goto nomem;
	for (i = 0; i < nnames; i++) {
		sl_buf_reset(&path);
		sl_buf_reset(&text);
		if (sl_buf_printf(&path, "%s/%s", dir, names[i]) < 0)
			goto nomem;
		if ((r = read_file(path.p, &text)) < 0) {
			sl_seterr(err, errlen, "%s: %s", path.p, r == -E2BIG ?
			    "profile too large" : strerror(-r));
			goto fail;
		}
		if (sl_profile_parse(path.p, text.p != NULL ? text.p : "",
		    text.n, &p, err, errlen) < 0)
			goto fail;
		if (sl_grow(&ps->p, &ps->n, sizeof(*ps->p)) < 0) {
			sl_profile_free(p);
			goto nomem;
		}
		ps->p[ps->n++] = p;
	}
	if (ps->n == 0) {
		sl_seterr(err, errlen, "%s: no *.profile files", dir);
		goto fail;
	}
	qsort(ps->p, ps->n, sizeof(*ps->p), cmp_name);
	for (i = 1; i < ps->n; i++)
		if (strcmp(ps->p[i - 1]->name, ps->p[i]->name) == 0) {
			sl_seterr(err, errlen, "%s: profile name \"%s\" also "
			    "used by %s", ps->p[i]->file, ps->p[i]->name,
			    ps->p[i - 1]->file);
			goto fail;
		}
	if ((ps->byscore = malloc(ps->n * sizeof(*ps->byscore))) == NULL)
		goto nomem;
	memcpy(ps->byscore, ps->p, ps->n * sizeof(*ps->byscore));
	qsort(ps->byscore, ps->n, sizeof(*ps->byscore), cmp_score);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	sl_buf_release(&path);
	sl_buf_release(&text);
	return ps;
nomem:
	sl_seterr(err, errlen, "%s: out of memory", dir);
fail:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	sl_buf_release(&path);
	sl_buf_release(&text);
	sl_profileset_free(ps);
	return NULL;
}

void
sl_profileset_free(struct sl_profileset *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->n; i++)
		sl_profile_free(ps->p[i]);
	free(ps->p);
	free(ps->byscore);
	free(ps);
}

size_t
sl_profileset_count(const struct sl_profileset *ps)
{
	return ps != NULL ? ps->n : 0;
}

const char *
sl_profileset_name(const struct sl_profileset *ps, size_t i)
{
	return ps != NULL && i < ps->n ? ps->p[i]->name : NULL;
}

const char *
sl_profileset_description(const struct sl_profileset *ps, size_t i)
{
	return ps != NULL && i < ps->n ? ps->p[i]->desc : NULL;
}

const struct sl_profile *
sl_profileset_find(const struct sl_profileset *ps, const char *name)
{
	size_t i;

	if (ps == NULL || name == NULL)
		return NULL;
	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i]->name, name) == 0)
			return ps->p[i];
	return NULL;
}

const char *
sl_profile_name(const struct sl_profile *p)
{
	return p->name;
}

int
sl_profile_reader(const struct sl_profile *p)
{
	return p->reader;
}

int64_t
sl_profile_tolerance(const struct sl_profile *p)
{
	return p->tolerance;
}

int
sl_profile_split_mode(const struct sl_profile *p)
{
	switch (p->reader) {
	case SL_READ_JSON:
		return SL_SPLIT_JSON;
	case SL_READ_CSV:
		return SL_SPLIT_CSV;
	default:
		return SL_SPLIT_LINES;
	}
}

/* ---- detection --------------------------------------------------------- */

struct detectctx {
	struct evalctx cx;
	struct sl_json j;
	int json_state;		/* 0 untried, 1 an object, -1 not */
	struct sl_fields f;	/* kv of the current record */
	int kv_state;
	struct sl_fields hdr, row;	/* header and first data row */
	int hdr_delim;		/* what hdr and row were split at */
	int colidx[256];
};

/* Plain tab split (IANA text/tab-separated-values: no quoting). */
static int
tsv_split(const char *p, size_t n, struct sl_fields *f)
{
	const char *e = p + n, *s;

	f->n = 0;
	for (;;) {
		if (f->n == f->cap) {
			size_t nc = f->cap ? f->cap * 2 : 16;
			struct sl_str *v = realloc(f->value, nc *
			    sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			f->value = v;
			f->cap = nc;
		}
		s = memchr(p, '\t', (size_t)(e - p));
		if (s == NULL)
			s = e;
		f->value[f->n].p = p;
		f->value[f->n].n = (size_t)(s - p);
		f->n++;
		if (s == e)
			break;
		p = s + 1;
	}
	if (f->n > 0 && f->value[f->n - 1].n > 0 &&
	    f->value[f->n - 1].p[f->value[f->n - 1].n - 1] == '\r')
		f->value[f->n - 1].n--;
	return 0;
}

/* Add empty fields up to n. */
int
sl_pad_fields(struct sl_fields *f, size_t n)
{
	struct sl_str *v;

	if (n > f->cap) {
		if ((v = realloc(f->value, n * sizeof(*v))) == NULL)
			return -ENOMEM;
		f->value = v;
		f->cap = n;
	}
	while (f->n < n) {
		f->value[f->n].p = "";
		f->value[f->n].n = 0;
		f->n++;
	}
	return 0;
}

int
sl_split_delim(int reader, const char *p, size_t n, struct sl_fields *f,
    const char **err, size_t *err_off)
{
	if (reader == SL_READ_TSV)
		return tsv_split(p, n, f);
	return sl_csv_split(p, n, ',', f, err, err_off);
}

/* A header name without a UTF-8 byte order mark and surrounding blanks. */
struct sl_str
sl_header_name(struct sl_str s, int first)
{
	if (first && s.n >= 3 && memcmp(s.p, "\xef\xbb\xbf", 3) == 0) {
		s.p += 3;
		s.n -= 3;
	}
	while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' ||
	    s.p[s.n - 1] == '\r'))
		s.n--;
	return s;
}

/* The column of a name: the same bytes, else the first that differs only
 * in ASCII case (exports write "Timestamp", "UserName", "SourceIP"). */
int
sl_header_find(const struct sl_fields *h, const char *name, size_t n)
{
	size_t i, k;
	struct sl_str s;
	int nocase = -1;

	for (i = 0; i < h->n; i++) {
		s = sl_header_name(h->value[i], i == 0);
		if (s.n != n)
			continue;
		if (memcmp(s.p, name, n) == 0)
			return (int)i;
		if (nocase >= 0)
			continue;
		for (k = 0; k < n; k++)
			if (sl_ascii_lower((unsigned char)s.p[k]) !=
			    sl_ascii_lower((unsigned char)name[k]))
				break;
		if (k == n)
			nocase = (int)i;
	}
	return nocase;
}

/* A plausible header: two or more distinct, non-empty, short names. */
static int
header_ok(const struct sl_fields *h)
{
	size_t i, k;
	struct sl_str a, b;

	if (h->n < 2 || h->n > 4096)
		return 0;
	for (i = 0; i < h->n; i++) {
		a = sl_header_name(h->value[i], i == 0);
		if (a.n == 0 || a.n > 64)
			return 0;
		for (k = 0; k < i && h->n <= 256; k++) {
			b = sl_header_name(h->value[k], k == 0);
			if (a.n == b.n && memcmp(a.p, b.p, a.n) == 0)
				return 0;
		}
	}
	return 1;
}

static int
detect_csv(struct detectctx *dc, const struct sl_profile *p,
    const struct sl_record *recs, size_t n)
{
	const char *err;
	size_t off, i, k, npath;
	struct doc d = { 0 };
	int delim = p->reader == SL_READ_TSV ? '\t' : ',';

	if (recs[0].flags != 0 || recs[0].n == 0 || recs[0].p[0] == '{' ||
	    recs[0].p[0] == '[')
		return 0;
	if (dc->hdr_delim != delim) {
		dc->hdr_delim = -1;
		if (sl_split_delim(p->reader, recs[0].p, recs[0].n, &dc->hdr,
		    &err, &off) < 0)
			return 0;
		dc->row.n = 0;
		if (n > 1 && recs[1].flags == 0 && sl_split_delim(p->reader,
		    recs[1].p, recs[1].n, &dc->row, &err, &off) < 0)
			dc->row.n = 0;
		dc->hdr_delim = delim;
	}
	if (!header_ok(&dc->hdr))
		return 0;
	for (i = 0; i < p->ncolumns; i++)
		if (sl_header_find(&dc->hdr, p->columns[i],
		    strlen(p->columns[i])) < 0)
			return 0;
	npath = p->npaths < SL_ARRAY_LEN(dc->colidx) ? p->npaths :
	    SL_ARRAY_LEN(dc->colidx);
	for (k = 0; k < npath; k++)
		dc->colidx[k] = sl_header_find(&dc->hdr, p->pathnames[k],
		    strlen(p->pathnames[k]));
	d.reader = p->reader;
	d.value = dc->row.value;
	d.n = dc->row.n == dc->hdr.n ? dc->row.n : 0;
	d.colidx = dc->colidx;
	d.ncolidx = npath;
	for (i = 0; i < p->ndetect; i++) {
		const struct cond *c = &p->detect[i];

		if (c->line) {
			d.raw.p = recs[0].p;
			d.raw.n = recs[0].n;
		} else if (d.n == 0) {
			return 0;	/* needs a data row */
		} else {
			d.raw.p = recs[1].p;
			d.raw.n = recs[1].n;
		}
		if (!sl_cond_holds(&dc->cx, &d, c))
			return 0;
	}
	return 1;
}

static int
detect_one(struct detectctx *dc, const struct sl_profile *p,
    const struct sl_record *recs, size_t n, size_t i)
{
	const struct sl_record *rec = &recs[i];
	struct doc d = { 0 };
	const char *err;

	if (p->reader == SL_READ_CSV || p->reader == SL_READ_TSV)
		return i == 0 && detect_csv(dc, p, recs, n);
	if (rec->flags != 0)
		return 0;
	d.reader = p->reader;
	d.raw.p = rec->p;
	d.raw.n = rec->n;
	if (p->reader == SL_READ_JSON) {
		if (dc->json_state == 0) {
			dc->json_state = -1;
			sl_evalctx_reset(&dc->cx);
			if (sl_json_parse(&dc->j, rec->p, rec->n) == 0 &&
			    dc->j.n > 0 && dc->j.t[0].type == SL_JSON_OBJECT &&
			    sl_evalctx_fit(&dc->cx, dc->j.n) == 0)
				dc->json_state = 1;
		}
		if (dc->json_state < 0)
			return 0;
		d.j = &dc->j;
	} else {
		if (dc->kv_state == 0) {
			dc->kv_state = -1;
			if (rec->n > 0 && rec->p[0] != '{' &&
			    sl_kv_split(rec->p, rec->n, &dc->f, &err) == 0)
				dc->kv_state = 1;
		}
		if (dc->kv_state < 0)
			return 0;
		d.name = dc->f.name;
		d.value = dc->f.value;
		d.n = dc->f.n;
	}
	return sl_conds_hold(&dc->cx, &d, p->detect, p->ndetect);
}

const struct sl_profile *
sl_profileset_detect(const struct sl_profileset *ps,
    const struct sl_record *recs, size_t n)
{
	struct detectctx *dc;
	const struct sl_profile *found = NULL;
	size_t i, k;

	if (ps == NULL || n == 0)
		return NULL;
	if ((dc = calloc(1, sizeof(*dc))) == NULL)
		return NULL;
	if (sl_evalctx_init(&dc->cx) < 0)
		goto done;
	dc->hdr_delim = 0;
	for (i = 0; i < n && found == NULL; i++) {
		dc->json_state = dc->kv_state = 0;
		for (k = 0; k < ps->n && found == NULL; k++)
			if (detect_one(dc, ps->byscore[k], recs, n, i))
				found = ps->byscore[k];
	}
done:
	sl_evalctx_release(&dc->cx);
	sl_json_release(&dc->j);
	sl_fields_release(&dc->f);
	sl_fields_release(&dc->hdr);
	sl_fields_release(&dc->row);
	free(dc);
	return found;
}
