/* prefilter.c: byte tests on raw records, before they are parsed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One literal, searched with Horspool's shifts (on folded bytes for
 * SL_MATCH_ICASE). */
struct lit {
	unsigned char *p;	/* folded with icase */
	size_t n;
	int field;
	int icase;
	int wide;		/* icase, and holds a letter that Unicode
				 * folds with a character beyond ASCII */
	size_t shift[256];
};

struct group {
	struct lit *v;
	size_t n;
};

struct sl_prefilter {
	struct group *g;
	size_t n;
};

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

struct sl_prefilter *
sl_prefilter_new(void)
{
	return calloc(1, sizeof(struct sl_prefilter));
}

void
sl_prefilter_free(struct sl_prefilter *pf)
{
	size_t i, k;

	if (pf == NULL)
		return;
	for (i = 0; i < pf->n; i++) {
		for (k = 0; k < pf->g[i].n; k++)
			free(pf->g[i].v[k].p);
		free(pf->g[i].v);
	}
	free(pf->g);
	free(pf);
}

int
sl_prefilter_group(struct sl_prefilter *pf)
{
	struct group *g;

	g = realloc(pf->g, (pf->n + 1) * sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	pf->g = g;
	memset(&pf->g[pf->n++], 0, sizeof(*g));
	return 0;
}

/* The fields whose values the extractor takes from the record's bytes, so
 * that a literal of theirs is in the record when it is in the value. */
static int
field_ok(int field)
{
	switch (field) {
	case SL_FIELD_TEXT:
	case SL_FIELD_RAW:
	case SL_FIELD_QUERY:
	case SL_FIELD_RESOURCE:
	case SL_FIELD_PURPOSE:
	case SL_FIELD_SRC:
	case SL_FIELD_TRACE:
	case SL_FIELD_KIND:
	case SL_FIELD_KEY:
		return 1;
	default:
		return 0;
	}
}

int
sl_prefilter_add(struct sl_prefilter *pf, int field, const char *lit,
    size_t n, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)lit;
	struct group *g;
	struct lit *l, *v;
	size_t i;

	if (pf->n == 0 || n == 0 || !field_ok(field))
		return -EINVAL;
	/* What an escape, a quoting or a joined list could hide. */
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == '"' ||
		    s[i] == '\\' || ((flags & SL_MATCH_ICASE) && s[i] > 0x7f))
			return -EINVAL;
	g = &pf->g[pf->n - 1];
	v = realloc(g->v, (g->n + 1) * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	g->v = v;
	l = &g->v[g->n];
	memset(l, 0, sizeof(*l));
	if ((l->p = malloc(n)) == NULL)
		return -ENOMEM;
	l->n = n;
	l->field = field;
	l->icase = (flags & SL_MATCH_ICASE) != 0;
	for (i = 0; i < n; i++) {
		l->p[i] = l->icase ? fold(s[i]) : s[i];
		/* K and S fold with KELVIN SIGN and LATIN SMALL LETTER LONG
		 * S under Unicode's case folding (PCRE2_UCP). */
		if (l->icase && (l->p[i] == 'k' || l->p[i] == 's'))
			l->wide = 1;
	}
	for (i = 0; i < 256; i++)
		l->shift[i] = n;
	for (i = 0; i + 1 < n; i++) {
		l->shift[l->p[i]] = n - 1 - i;
		if (l->icase && l->p[i] >= 'a' && l->p[i] <= 'z')
			l->shift[l->p[i] - 'a' + 'A'] = n - 1 - i;
	}
	g->n++;
	return 0;
}

static int
find(const struct lit *l, const unsigned char *p, size_t n)
{
	size_t i, j, last;

	if (!l->icase)
		return memmem(p, n, l->p, l->n) != NULL;
	if (n < l->n)
		return 0;
	last = l->n - 1;
	for (i = 0; i + last < n; i += l->shift[p[i + last]]) {
		for (j = last; fold(p[i + j]) == l->p[j]; j--)
			if (j == 0)
				return 1;
	}
	return 0;
}

unsigned
sl_prefilter_fields(const struct sl_prefilter *pf)
{
	unsigned mask = 0;
	size_t i, k;

	for (i = 0; i < pf->n; i++)
		for (k = 0; k < pf->g[i].n; k++) {
			int f = pf->g[i].v[k].field;

			if (f == SL_FIELD_TEXT)
				mask |= 1u << SL_FIELD_QUERY |
				    1u << SL_FIELD_RESOURCE |
				    1u << SL_FIELD_PURPOSE |
				    1u << SL_FIELD_SRC;
			else if (f != SL_FIELD_RAW)
				mask |= 1u << f;
		}
	return mask;
}

static int
has_high(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] > 0x7f)
			return 1;
	return 0;
}

int
sl_prefilter_pass(const struct sl_prefilter *pf, const char *rec, size_t n)
{
	const unsigned char *p = (const unsigned char *)rec;
	int high = -1;
	size_t i, k;

	for (i = 0; i < pf->n; i++) {
		const struct group *g = &pf->g[i];
		int ok = 0, wide = 0;

		for (k = 0; k < g->n && !ok; k++) {
			ok = find(&g->v[k], p, n);
			wide |= g->v[k].wide;
		}
		if (ok)
			continue;
		/* A JSON string with escapes: the value is not its bytes. */
		if (memchr(p, '\\', n) != NULL)
			return 1;
		if (wide) {
			if (high < 0)
				high = has_high(p, n);
			if (high)
				continue;
		}
		return 0;
	}
	return 1;
}

/* Whether group g may hold a literal in the rows p[0..n) of a case: the
 * values are there verbatim, TSV escapes being of backslashes and control
 * characters, which no literal holds.  *high caches has_high (-1: not
 * known yet). */
static int
group_in_rows(const struct group *g, const unsigned char *p, size_t n,
    int *high)
{
	size_t k;
	int wide = 0;

	for (k = 0; k < g->n; k++) {
		if (find(&g->v[k], p, n))
			return 1;
		wide |= g->v[k].wide;
	}
	if (!wide)
		return 0;
	if (*high < 0)
		*high = has_high(p, n);
	return *high;
}

size_t
sl_prefilter_groups(const struct sl_prefilter *pf)
{
	return pf->n;
}

size_t
sl_prefilter_longest(const struct sl_prefilter *pf)
{
	size_t i, k, m = 0;

	for (i = 0; i < pf->n; i++)
		for (k = 0; k < pf->g[i].n; k++)
			if (pf->g[i].v[k].n > m)
				m = pf->g[i].v[k].n;
	return m;
}

size_t
sl_prefilter_rows(const struct sl_prefilter *pf, const char *rows, size_t n,
    unsigned char *found)
{
	const unsigned char *p = (const unsigned char *)rows;
	size_t i, nfound = 0;
	int high = -1;

	for (i = 0; i < pf->n; i++) {
		if (!found[i])
			found[i] = (unsigned char)group_in_rows(&pf->g[i], p,
			    n, &high);
		nfound += found[i];
	}
	return nfound;
}

/* Punctuation that a backslash makes literal in PCRE2 (and that stands for
 * itself after one). */
static int
punct(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && !(c >= '0' && c <= '9') &&
	    !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z');
}

int
sl_prefilter_literal(const char *pat, size_t n, unsigned flags, char **out,
    size_t *outn)
{
	const unsigned char *s = (const unsigned char *)pat;
	char *b;
	size_t i, k = 0;

	*out = NULL;
	*outn = 0;
	if ((b = malloc(n + 1)) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (flags & SL_MATCH_FIXED) {
			b[k++] = (char)s[i];
			continue;
		}
		if (strchr("^$.|?*+()[]{}", s[i]) != NULL && s[i] != '\0')
			goto none;
		if (s[i] == '\\') {
			if (i + 1 == n || !punct(s[i + 1]))
				goto none;
			i++;
		}
		b[k++] = (char)s[i];
	}
	if (k == 0)
		goto none;
	b[k] = '\0';
	*out = b;
	*outn = k;
	return 1;
none:
	free(b);
	return 0;
}
