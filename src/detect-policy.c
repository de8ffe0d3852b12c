/* detect-policy.c: the purpose policy file of summarize --policy. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

/* A pattern is tried on one resource or purpose, short strings: limits
 * far below the match module's stop a pathological pattern early. */
#define POLICY_MATCH_LIMIT 1000000
#define POLICY_DEPTH_LIMIT 10000
#define POLICY_FIELDS 256

struct prow {
	pcre2_code *dataset;
	pcre2_code *purpose;		/* NULL: "*", no purpose required */
	char *dpat, *ppat;
	unsigned long line;
};

struct det_policy {
	struct prow *row;
	size_t n, cap;
	pcre2_match_context *mctx;
};

void
det_policy_free(struct det_policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		pcre2_code_free(p->row[i].dataset);
		pcre2_code_free(p->row[i].purpose);
		free(p->row[i].dpat);
		free(p->row[i].ppat);
	}
	free(p->row);
	pcre2_match_context_free(p->mctx);
	free(p);
}

static int
compile(struct sl_detect *d, const char *path, unsigned long line,
    const char *col, struct sl_str pat, uint32_t opts, pcre2_code **code)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int ec;

	/* Resources and purposes are text as the sources gave it: UTF-8
	 * where valid, matched as it is where not. */
	*code = pcre2_compile((PCRE2_SPTR)(pat.n > 0 ? pat.p : ""), pat.n,
	    opts | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP, &ec, &off,
	    NULL);
	if (*code == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(d->err, sizeof(d->err), "%s:%lu: %s: %s at offset "
		    "%zu", path, line, col, (char *)msg, (size_t)off);
		return ec == PCRE2_ERROR_NOMEMORY ? -ENOMEM : -EINVAL;
	}
	/* JIT is an optimisation: without it the interpreter matches. */
	(void)pcre2_jit_compile(*code, PCRE2_JIT_COMPLETE);
	return 0;
}

static int
add_row(struct sl_detect *d, struct det_policy *p, const char *path,
    unsigned long line, struct sl_str ds, struct sl_str pp)
{
	struct prow *r;
	int rc;

	if (ds.n == 0 || pp.n == 0) {
		snprintf(d->err, sizeof(d->err), "%s:%lu: no %s in this line%s",
		    path, line, ds.n == 0 ? "dataset_pattern" :
		    "purpose_pattern", ds.n == 0 ? "" :
		    " (\"*\": no purpose required)");
		return -EINVAL;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct prow *v = realloc(p->row, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		p->row = v;
		p->cap = cap;
	}
	r = &p->row[p->n];
	memset(r, 0, sizeof(*r));
	r->line = line;
	if ((r->dpat = sl_strndup(ds.p, ds.n)) == NULL ||
	    (r->ppat = sl_strndup(pp.p, pp.n)) == NULL) {
		free(r->dpat);
		return -ENOMEM;
	}
	if ((rc = compile(d, path, line, "dataset_pattern", ds, 0,
	    &r->dataset)) < 0)
		goto fail;
	if (!(pp.n == 1 && pp.p[0] == '*') &&
	    (rc = compile(d, path, line, "purpose_pattern", pp,
	    PCRE2_CASELESS, &r->purpose)) < 0)
		goto fail;
	p->n++;
	return 0;
fail:
	pcre2_code_free(r->dataset);
	free(r->dpat);
	free(r->ppat);
	return rc;
}

int
sl_detect_load_policy(struct sl_detect *d, const char *path)
{
	struct sl_str f[POLICY_FIELDS], none = { "", 0 };
	struct det_policy *p;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0, nf, i, dcol = SIZE_MAX, pcol = SIZE_MAX;
	unsigned long lineno = 0;
	ssize_t len;
	int rc = 0;

	d->err[0] = '\0';
	if ((fp = fopen(path, "r")) == NULL) {
		rc = -errno;
		snprintf(d->err, sizeof(d->err), "%s: %s", path,
		    strerror(errno));
		return rc;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->mctx = pcre2_match_context_create(NULL)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	pcre2_set_match_limit(p->mctx, POLICY_MATCH_LIMIT);
	pcre2_set_depth_limit(p->mctx, POLICY_DEPTH_LIMIT);
	while ((len = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			len--;
		nf = det_tsv_fields(line, (size_t)len, f, POLICY_FIELDS);
		if (lineno == 1) {
			for (i = 0; i < nf; i++) {
				if (dcol == SIZE_MAX &&
				    sl_str_eq(f[i], "dataset_pattern"))
					dcol = i;
				if (pcol == SIZE_MAX &&
				    sl_str_eq(f[i], "purpose_pattern"))
					pcol = i;
			}
			if (dcol == SIZE_MAX || pcol == SIZE_MAX) {
				snprintf(d->err, sizeof(d->err), "%s:1: the "
				    "header names no column \"%s\"", path,
				    dcol == SIZE_MAX ? "dataset_pattern" :
				    "purpose_pattern");
				rc = -EINVAL;
				goto out;
			}
			continue;
		}
		if (len == 0 || (len == 1 && line[0] == '\r'))
			continue;
		if ((rc = add_row(d, p, path, lineno, dcol < nf ? f[dcol] :
		    none, pcol < nf ? f[pcol] : none)) < 0)
			goto out;
	}
	if (ferror(fp)) {
		rc = -EIO;
		snprintf(d->err, sizeof(d->err), "%s: %s", path,
		    strerror(EIO));
	} else if (lineno == 0) {
		rc = -EINVAL;
		snprintf(d->err, sizeof(d->err), "%s: empty: a policy file "
		    "starts with a header line", path);
	}
out:
	if (rc == 0) {
		det_policy_free(d->policy);
		d->policy = p;
	} else {
		if (rc == -ENOMEM && d->err[0] == '\0')
			snprintf(d->err, sizeof(d->err), "%s: %s", path,
			    strerror(ENOMEM));
		det_policy_free(p);
	}
	free(line);
	fclose(fp);
	return rc;
}

/* 1 when code matches s[0..n), else 0: a match that hits a limit is no
 * match (the pattern's author is told by nothing else; the limits are
 * far above what a resource name needs). */
static int
matches(const struct det_policy *p, struct det_pcache *c,
    const pcre2_code *code, const char *s, size_t n)
{
	return pcre2_match(code, (PCRE2_SPTR)(n > 0 ? s : ""), n, 0, 0,
	    c->md, p->mctx) >= 0;
}

static int
cache_md(struct det_pcache *c)
{
	if (c->md == NULL &&
	    (c->md = pcre2_match_data_create(1, NULL)) == NULL)
		return -ENOMEM;
	return 0;
}

ssize_t
det_policy_row(const struct det_policy *p, struct det_pcache *c,
    const char *res, size_t n)
{
	ssize_t k, row = -1;
	size_t i;
	int added;

	if (cache_md(c) < 0)
		return -ENOMEM;
	/* A user opens the same few datasets again and again. */
	if ((k = det_map_put(&c->res, res, n, &added)) < 0)
		return -ENOMEM;
	if (!added)
		return c->row[k];
	if ((size_t)k >= c->cap) {
		size_t cap = c->res.cap;
		ssize_t *v = realloc(c->row, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		c->row = v;
		c->cap = cap;
	}
	for (i = 0; i < p->n; i++)
		if (matches(p, c, p->row[i].dataset, res, n)) {
			row = (ssize_t)i;
			break;
		}
	c->row[k] = row;
	return row;
}

int
det_policy_requires(const struct det_policy *p, size_t row)
{
	return p->row[row].purpose != NULL;
}

int
det_policy_allows(const struct det_policy *p, struct det_pcache *c,
    size_t row, const char *purpose, size_t n)
{
	if (p->row[row].purpose == NULL)
		return 1;
	if (cache_md(c) < 0)
		return -ENOMEM;
	return matches(p, c, p->row[row].purpose, purpose, n);
}

const char *
det_policy_dataset(const struct det_policy *p, size_t row)
{
	return p->row[row].dpat;
}

const char *
det_policy_purpose(const struct det_policy *p, size_t row)
{
	return p->row[row].ppat;
}

unsigned long
det_policy_line(const struct det_policy *p, size_t row)
{
	return p->row[row].line;
}

void
det_pcache_release(struct det_pcache *c)
{
	det_map_release(&c->res);
	free(c->row);
	pcre2_match_data_free(c->md);
	memset(c, 0, sizeof(*c));
}
