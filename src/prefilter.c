/* prefilter.c: byte tests on raw records, before they are parsed. */
#include <errno.h>
#include <stdint.h>
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
	int whole;		/* SL_PREFILTER_WHOLE */
	int wide;		/* icase, and holds a letter that Unicode
				 * folds with a character beyond ASCII */
	size_t *shift;		/* icase: Horspool's 256 shifts; else NULL
				 * (sl_memmem): a group of keys holds
				 * many */
};

/*
 * A group of many literals (the keys or names of a second reading) is
 * searched in one scan: each position's next four bytes are looked up in
 * a bit set of the literals' first four bytes, and only then in a hash
 * table of them (head of a chain through next), so that hundreds of
 * literals cost about what one does.
 */
#define MANY 16
#define BITS (1u << 16)

struct group {
	struct lit *v;
	size_t n, cap;
	int plain;		/* every literal exact and 4 bytes or more */
	uint64_t *bits;		/* BITS bits; NULL: no table */
	size_t *tab;		/* index + 1 of a chain's head; 0: free */
	size_t *next;		/* index + 1 of the next of the chain */
	size_t ncap;		/* next's */
	size_t tcap;
	/* Wu and Manber's shifts: how far a window of the shortest
	 * literal's length (m) may move on, by the hash of its last four
	 * bytes; 0 where a literal may start at the window. */
	unsigned char *shift;	/* BITS entries */
	size_t m;
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
		for (k = 0; k < pf->g[i].n; k++) {
			free(pf->g[i].v[k].p);
			free(pf->g[i].v[k].shift);
		}
		free(pf->g[i].v);
		free(pf->g[i].bits);
		free(pf->g[i].tab);
		free(pf->g[i].next);
		free(pf->g[i].shift);
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
	memset(&pf->g[pf->n], 0, sizeof(*g));
	pf->g[pf->n++].plain = 1;
	return 0;
}

static uint32_t
load4(const unsigned char *p)
{
	uint32_t x;

	memcpy(&x, p, 4);
	return x;
}

static size_t
hash4(uint32_t x)
{
	return (size_t)((x * 2654435761u) >> 16);
}

/* The chain of the literals that start with x, or 0. */
static size_t
table_find(const struct group *g, uint32_t x)
{
	size_t i = hash4(x) & (g->tcap - 1);

	while (g->tab[i] != 0 && load4(g->v[g->tab[i] - 1].p) != x)
		i = (i + 1) & (g->tcap - 1);
	return i;
}

/* The shifts of literal l's first m bytes: each 4 bytes at j may end a
 * window m - 4 - j bytes before the literal's start window. */
static void
shift_put(struct group *g, const struct lit *l)
{
	size_t j, d, h;

	for (j = 0; j + 4 <= g->m; j++) {
		h = hash4(load4(l->p + j)) & (BITS - 1);
		d = g->m - 4 - j;
		if (d < g->shift[h])
			g->shift[h] = (unsigned char)d;
	}
}

static void
table_put(struct group *g, size_t i)
{
	uint32_t x = load4(g->v[i].p);
	size_t h = hash4(x) & (BITS - 1), slot;

	g->bits[h / 64] |= UINT64_C(1) << (h % 64);
	slot = table_find(g, x);
	g->next[i] = g->tab[slot];
	g->tab[slot] = i + 1;
	shift_put(g, &g->v[i]);
}

/* Start the shifts over for the shortest literal's length m. */
static void
shift_reset(struct group *g, size_t m)
{
	size_t i;

	g->m = m;
	memset(g->shift, (int)(m - 3 > 255 ? 255 : m - 3), BITS);
	for (i = 0; i + 1 < g->n; i++)
		shift_put(g, &g->v[i]);
}

/* Put g's last literal in the table, made or grown as needed (to twice
 * the literals); 0 or -ENOMEM. */
static int
table_add(struct group *g)
{
	size_t cap = g->tcap ? g->tcap : 16, i, m, *next;

	if (g->ncap < g->n) {
		if ((next = realloc(g->next, g->cap * sizeof(*next))) == NULL)
			return -ENOMEM;
		g->next = next;
		g->ncap = g->cap;
	}
	if (g->bits == NULL &&
	    (g->bits = calloc(BITS / 64, sizeof(*g->bits))) == NULL)
		return -ENOMEM;
	if (g->shift == NULL) {
		if ((g->shift = malloc(BITS)) == NULL)
			return -ENOMEM;
		g->m = SIZE_MAX;
	}
	/* The shortest of all first: a reset for a shorter literal of those
	 * before would take that many bytes of the later, shorter ones.
	 * Only the new literal can be shorter once the table is made (all
	 * of them then: not at each literal, which made adding n of them
	 * take n * n steps). */
	m = g->m;
	for (i = g->tcap > 0 ? g->n - 1 : 0; i < g->n; i++)
		if (g->v[i].n < m)
			m = g->v[i].n;
	if (m < g->m)
		shift_reset(g, m);
	if (g->tcap >= g->n * 2) {
		table_put(g, g->n - 1);
		return 0;
	}
	while (cap < g->n * 2)
		cap *= 2;
	free(g->tab);
	if ((g->tab = calloc(cap, sizeof(*g->tab))) == NULL) {
		g->tcap = 0;
		return -ENOMEM;
	}
	g->tcap = cap;
	for (i = 0; i < g->n; i++)
		table_put(g, i);
	return 0;
}

/* Whether one of g's literals is in p[0..n), by the table: a window of
 * m bytes moves on by the shift of its last four bytes, and where that is
 * 0, the literals starting with its first four are compared. */
static int
table_scan(const struct group *g, const unsigned char *p, size_t n)
{
	size_t i, j, h, d;

	for (i = 0; i + g->m <= n;) {
		uint32_t x;

		d = g->shift[hash4(load4(p + i + g->m - 4)) & (BITS - 1)];
		if (d > 0) {
			i += d;
			continue;
		}
		x = load4(p + i);
		h = hash4(x) & (BITS - 1);
		if (!(g->bits[h / 64] >> (h % 64) & 1)) {
			i++;
			continue;
		}
		for (j = g->tab[table_find(g, x)]; j != 0; j = g->next[j - 1]) {
			const struct lit *l = &g->v[j - 1];

			if (l->n <= n - i && memcmp(p + i, l->p, l->n) == 0)
				return 1;
		}
		i++;
	}
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
	case SL_FIELD_USER:
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
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 4;

		if ((v = realloc(g->v, cap * sizeof(*v))) == NULL)
			return -ENOMEM;
		g->v = v;
		g->cap = cap;
	}
	l = &g->v[g->n];
	memset(l, 0, sizeof(*l));
	if ((l->p = malloc(n)) == NULL)
		return -ENOMEM;
	if ((flags & SL_MATCH_ICASE) &&
	    (l->shift = malloc(256 * sizeof(*l->shift))) == NULL) {
		free(l->p);
		return -ENOMEM;
	}
	l->n = n;
	l->field = field;
	l->icase = (flags & SL_MATCH_ICASE) != 0;
	l->whole = (flags & SL_PREFILTER_WHOLE) != 0;
	for (i = 0; i < n; i++) {
		l->p[i] = l->icase ? fold(s[i]) : s[i];
		/* K and S fold with KELVIN SIGN and LATIN SMALL LETTER LONG
		 * S under Unicode's case folding (PCRE2_UCP). */
		if (l->icase && (l->p[i] == 'k' || l->p[i] == 's'))
			l->wide = 1;
	}
	for (i = 0; l->icase && i < 256; i++)
		l->shift[i] = n;
	for (i = 0; l->icase && i + 1 < n; i++) {
		l->shift[l->p[i]] = n - 1 - i;
		if (l->p[i] >= 'a' && l->p[i] <= 'z')
			l->shift[l->p[i] - 'a' + 'A'] = n - 1 - i;
	}
	g->n++;
	if (l->icase || n < 4)
		g->plain = 0;
	if (g->plain && g->n >= MANY)
		return table_add(g);
	return 0;
}

static int
find(const struct lit *l, const unsigned char *p, size_t n)
{
	size_t i, j, last;

	if (!l->icase)
		return sl_memmem((const char *)p, n, (const char *)l->p,
		    l->n) != NULL;
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

/* Whether a literal of g is in p[0..n); *wide set when one may fold with
 * a letter beyond ASCII. */
static int
group_find(const struct group *g, const unsigned char *p, size_t n,
    int *wide)
{
	size_t k;

	*wide = 0;
	if (g->plain && g->tcap > 0)
		return table_scan(g, p, n);
	for (k = 0; k < g->n; k++) {
		if (find(&g->v[k], p, n))
			return 1;
		*wide |= g->v[k].wide;
	}
	return 0;
}

int
sl_prefilter_exact(const struct sl_prefilter *pf, int field)
{
	size_t k;

	if (pf->n != 1 || pf->g[0].n == 0)
		return 0;
	for (k = 0; k < pf->g[0].n; k++)
		if (pf->g[0].v[k].field != field || pf->g[0].v[k].icase ||
		    !pf->g[0].v[k].whole)
			return 0;
	return 1;
}

int
sl_prefilter_is_one(const struct sl_prefilter *pf, const char *s, size_t n)
{
	const struct group *g = &pf->g[0];
	const struct lit *l;
	size_t j, k;

	if (g->plain && g->tcap > 0) {
		/* Every literal is in the table, none shorter than 4. */
		if (n < 4)
			return 0;
		for (j = g->tab[table_find(g, load4(
		    (const unsigned char *)s))]; j != 0; j = g->next[j - 1]) {
			l = &g->v[j - 1];
			if (l->n == n && memcmp(l->p, s, n) == 0)
				return 1;
		}
		return 0;
	}
	for (k = 0; k < g->n; k++)
		if (g->v[k].n == n && memcmp(g->v[k].p, s, n) == 0)
			return 1;
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
	size_t i;

	for (i = 0; i < pf->n; i++) {
		int wide;

		if (group_find(&pf->g[i], p, n, &wide))
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
	int wide;

	if (group_find(g, p, n, &wide))
		return 1;
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
