/*
 * watch.c: watchlists of names and terms, matched in what users searched
 * for and looked at.
 *
 * A name entry is compiled once into the ids of its parts (normalised,
 * case-folded tokens, see sl_fold_tokens) in a hash table of tokens, and is
 * filed under its first part.  A subject is tokenised the same way; the
 * tokens the watchlist knows are looked up, and only the entries filed
 * under one of them are checked, each by looking its other parts up in the
 * subject's sorted token ids.  The cost grows with the subject and the
 * entries it could match, not with the size of the watchlist.  re: entries
 * are PCRE2 patterns tried one after the other.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcre2.h>
#include <utf8proc.h>

#include "internal.h"

/* As in match.c: steps one match may take before it is given up. */
#define MATCH_LIMIT 5000000u
#define DEPTH_LIMIT 100000u
#define MAX_FILE (64u << 20)	/* a watchlist file larger is an error */

struct entry {
	char *text;		/* the line as written, trimmed */
	pcre2_code *re;		/* re: entries, else NULL */
	uint32_t *parts;	/* sorted, distinct token ids */
	size_t nparts;
};

struct token {
	char *p;		/* folded text, NUL-terminated */
	size_t n;
	uint64_t hash;
	size_t *filed;		/* entries whose first part this is */
	size_t nfiled;
};

struct sl_watch {
	struct entry *e;
	size_t ne;
	struct token *tok;
	size_t ntok;
	uint32_t *slot;		/* open addressing: token id + 1, 0 free */
	size_t nslot;		/* a power of two */
	size_t *re;		/* indexes of the re: entries */
	size_t nre;
	pcre2_match_context *mctx;
};

struct sl_watch *
sl_watch_new(void)
{
	struct sl_watch *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->mctx = pcre2_match_context_create(NULL)) == NULL) {
		free(w);
		return NULL;
	}
	pcre2_set_match_limit(w->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(w->mctx, DEPTH_LIMIT);
	return w;
}

void
sl_watch_free(struct sl_watch *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->ne; i++) {
		free(w->e[i].text);
		free(w->e[i].parts);
		pcre2_code_free(w->e[i].re);
	}
	for (i = 0; i < w->ntok; i++) {
		free(w->tok[i].p);
		free(w->tok[i].filed);
	}
	free(w->e);
	free(w->tok);
	free(w->slot);
	free(w->re);
	pcre2_match_context_free(w->mctx);
	free(w);
}

size_t
sl_watch_count(const struct sl_watch *w)
{
	return w->ne;
}

const char *
sl_watch_entry(const struct sl_watch *w, size_t i)
{
	return i < w->ne ? w->e[i].text : NULL;
}

/* ---- folding ------------------------------------------------------------ */

/*
 * Letters that Unicode does not decompose into a base letter and a mark,
 * but that people leave out as they leave out accents: ASCII keyboards
 * write "Lukasz" for "Łukasz" and Turkish "ı" is "I" in upper case
 * elsewhere.  Folded as their marks would be stripped.  (Lower case only:
 * they come after case folding.)
 */
static int32_t
unstroke(int32_t c)
{
	switch (c) {
	case 0x0131: return 'i';	/* ı dotless i */
	case 0x0142: return 'l';	/* ł */
	case 0x0111: return 'd';	/* đ */
	case 0x00F8: return 'o';	/* ø */
	case 0x0127: return 'h';	/* ħ */
	case 0x0167: return 't';	/* ŧ */
	default: return c;
	}
}

static int
is_word(int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/*
 * Calls fn for each token of p..n: a run of letters and digits after
 * compatibility decomposition (NFKD), full case folding, and dropping
 * default-ignorable characters and every combining mark (so NFC and NFD
 * forms are one, and accents do not count), then unstroke.  Bytes that are
 * not valid UTF-8 separate tokens.  Tokens are NUL-terminated in tmp.
 * Returns 0, what fn returned if not 0, or -ENOMEM.
 */
int
sl_fold_tokens(const char *p, size_t n, struct sl_buf *tmp,
    int (*fn)(void *, const char *, size_t), void *arg)
{
	const utf8proc_option_t opt = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
	    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE;
	utf8proc_int32_t c, out[32];
	utf8proc_ssize_t k, j;
	size_t i = 0;
	int rc, last = 0;

	sl_buf_reset(tmp);
	while (i <= n) {
		int brk = 1;

		if (i == n) {
			i++;
			k = 0;
		} else {
			k = utf8proc_iterate((const utf8proc_uint8_t *)p + i,
			    (utf8proc_ssize_t)(n - i), &c);
			if (k < 0) {
				i++;
				k = 0;
			} else {
				i += (size_t)k;
				k = utf8proc_decompose_char(c, out,
				    (utf8proc_ssize_t)SL_ARRAY_LEN(out), opt,
				    &last);
				if (k < 0 || k > (utf8proc_ssize_t)
				    SL_ARRAY_LEN(out))
					k = 0;
				/* What folds to nothing (a combining
				 * mark, a soft hyphen) joins its
				 * neighbours. */
				brk = k > 0;
			}
		}
		for (j = 0; j < k; j++) {
			utf8proc_uint8_t u8[4];
			utf8proc_ssize_t m;

			if (!is_word(out[j])) {
				brk = 1;
				break;
			}
			m = utf8proc_encode_char(unstroke(out[j]), u8);
			if (sl_buf_add(tmp, u8, (size_t)m) < 0)
				return -ENOMEM;
			brk = 0;
		}
		if (brk && tmp->n > 0) {
			if ((rc = fn(arg, tmp->p, tmp->n)) != 0)
				return rc;
			sl_buf_reset(tmp);
		}
	}
	return 0;
}

/* ---- the token table ----------------------------------------------------- */

static long
tok_find(const struct sl_watch *w, const char *p, size_t n, uint64_t h)
{
	size_t i;

	if (w->nslot == 0)
		return -1;
	for (i = h & (w->nslot - 1); w->slot[i] != 0;
	    i = (i + 1) & (w->nslot - 1)) {
		const struct token *t = &w->tok[w->slot[i] - 1];

		if (t->hash == h && t->n == n && memcmp(t->p, p, n) == 0)
			return (long)(w->slot[i] - 1);
	}
	return -1;
}

static int
rehash(struct sl_watch *w, size_t nslot)
{
	uint32_t *s;
	size_t i, j;

	if ((s = calloc(nslot, sizeof(*s))) == NULL)
		return -ENOMEM;
	for (i = 0; i < w->ntok; i++) {
		for (j = w->tok[i].hash & (nslot - 1); s[j] != 0;
		    j = (j + 1) & (nslot - 1))
			;
		s[j] = (uint32_t)i + 1;
	}
	free(w->slot);
	w->slot = s;
	w->nslot = nslot;
	return 0;
}

/* The id of token p..n, added if new: >= 0 or -ENOMEM. */
static long
tok_intern(struct sl_watch *w, const char *p, size_t n)
{
	uint64_t h = sl_hash64(p, n);
	struct token *t;
	long id;
	size_t i;

	if ((id = tok_find(w, p, n, h)) >= 0)
		return id;
	if (w->ntok >= UINT32_MAX - 1)
		return -ENOMEM;
	if ((w->ntok + 1) * 2 > w->nslot &&
	    rehash(w, w->nslot ? w->nslot * 2 : 64) < 0)
		return -ENOMEM;
	t = realloc(w->tok, (w->ntok + 1) * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	w->tok = t;
	t = &w->tok[w->ntok];
	memset(t, 0, sizeof(*t));
	if ((t->p = sl_strndup(p, n)) == NULL)
		return -ENOMEM;
	t->n = n;
	t->hash = h;
	for (i = h & (w->nslot - 1); w->slot[i] != 0;
	    i = (i + 1) & (w->nslot - 1))
		;
	w->slot[i] = (uint32_t)w->ntok + 1;
	return (long)w->ntok++;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop repeats; returns the new count. */
static size_t
uniq_u32(uint32_t *v, size_t n)
{
	size_t i, k = 0;

	if (n == 0)		/* v may be NULL, which qsort may not see */
		return 0;
	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* ---- loading --------------------------------------------------------------- */

struct part_acc {
	struct sl_watch *w;
	uint32_t *v;
	size_t n;
};

static int
add_part(void *arg, const char *p, size_t n)
{
	struct part_acc *a = arg;
	uint32_t *v;
	long id;

	if ((id = tok_intern(a->w, p, n)) < 0)
		return (int)id;
	if ((v = realloc(a->v, (a->n + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	a->v = v;
	a->v[a->n++] = (uint32_t)id;
	return 0;
}

static int
file_entry(struct sl_watch *w, uint32_t tid, size_t ei)
{
	struct token *t = &w->tok[tid];
	size_t *f;

	if ((f = realloc(t->filed, (t->nfiled + 1) * sizeof(*f))) == NULL)
		return -ENOMEM;
	t->filed = f;
	t->filed[t->nfiled++] = ei;
	return 0;
}

static int
valid_utf8(const char *p, size_t n)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k;
	size_t i;

	for (i = 0; i < n; i += (size_t)k)
		if ((k = utf8proc_iterate((const utf8proc_uint8_t *)p + i,
		    (utf8proc_ssize_t)(n - i), &c)) < 0)
			return 0;
	return 1;
}

/* Compile one line (trimmed, not blank, not a comment) into an entry. */
static int
add_entry(struct sl_watch *w, const char *p, size_t n, const char *name,
    size_t line, struct sl_buf *tmp, char *err, size_t errlen)
{
	struct entry *e;
	struct part_acc a = { w, NULL, 0 };
	int rc;

	if (!valid_utf8(p, n)) {
		sl_seterr(err, errlen, "%s:%zu: not valid UTF-8", name, line);
		return -EINVAL;
	}
	if ((e = realloc(w->e, (w->ne + 1) * sizeof(*e))) == NULL)
		return -ENOMEM;
	w->e = e;
	e = &w->e[w->ne];
	memset(e, 0, sizeof(*e));
	if ((e->text = sl_strndup(p, n)) == NULL)
		return -ENOMEM;
	if (n >= 3 && memcmp(p, "re:", 3) == 0) {
		PCRE2_UCHAR msg[256];
		PCRE2_SIZE eoff;
		size_t *re;
		int ecode;

		e->re = pcre2_compile((PCRE2_SPTR)p + 3, n - 3, PCRE2_UTF |
		    PCRE2_MATCH_INVALID_UTF | PCRE2_UCP | PCRE2_CASELESS,
		    &ecode, &eoff, NULL);
		if (e->re == NULL) {
			pcre2_get_error_message(ecode, msg, sizeof(msg));
			sl_seterr(err, errlen, "%s:%zu: bad pattern: %s at "
			    "offset %zu", name, line, (char *)msg,
			    (size_t)eoff);
			free(e->text);
			return ecode == PCRE2_ERROR_NOMEMORY ? -ENOMEM :
			    -EINVAL;
		}
		(void)pcre2_jit_compile(e->re, PCRE2_JIT_COMPLETE);
		if ((re = realloc(w->re, (w->nre + 1) * sizeof(*re))) ==
		    NULL) {
			pcre2_code_free(e->re);
			free(e->text);
			return -ENOMEM;
		}
		w->re = re;
		w->re[w->nre++] = w->ne++;
		return 0;
	}
	rc = sl_fold_tokens(p, n, tmp, add_part, &a);
	if (rc == 0 && a.n == 0) {
		sl_seterr(err, errlen, "%s:%zu: no letters or digits in "
		    "\"%.*s\"", name, line, (int)(n > 80 ? 80 : n), p);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = file_entry(w, a.v[0], w->ne);
	if (rc < 0) {
		free(a.v);
		free(e->text);
		if (rc == -ENOMEM)
			sl_seterr(err, errlen, "%s", strerror(ENOMEM));
		return rc;
	}
	e->nparts = uniq_u32(a.v, a.n);
	e->parts = a.v;
	w->ne++;
	return 0;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

int
sl_watch_add(struct sl_watch *w, const char *text, size_t n,
    const char *name, char *err, size_t errlen)
{
	struct sl_buf tmp = { NULL, 0, 0 };
	size_t i = 0, line = 0;
	int rc = 0;

	if (name == NULL)
		name = "watchlist";
	while (i < n && rc == 0) {
		const char *s = text + i, *nl = memchr(s, '\n', n - i);
		size_t len = nl != NULL ? (size_t)(nl - s) : n - i;

		i += len + 1;
		line++;
		while (len > 0 && is_blank((unsigned char)*s)) {
			s++;
			len--;
		}
		while (len > 0 && is_blank((unsigned char)s[len - 1]))
			len--;
		if (len == 0 || *s == '#')
			continue;
		rc = add_entry(w, s, len, name, line, &tmp, err, errlen);
	}
	sl_buf_release(&tmp);
	return rc;
}

int
sl_watch_load(struct sl_watch *w, const char *path, char *err,
    size_t errlen)
{
	struct sl_buf b = { NULL, 0, 0 };
	ssize_t r;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = -errno;
		sl_seterr(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	for (;;) {
		if (sl_buf_grow(&b, 65536) < 0) {
			rc = -ENOMEM;
			break;
		}
		r = read(fd, b.p + b.n, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		b.n += (size_t)r;
		if (b.n > MAX_FILE) {
			rc = -EFBIG;
			break;
		}
	}
	close(fd);
	if (rc < 0)
		sl_seterr(err, errlen, "%s: %s", path, strerror(-rc));
	else
		rc = sl_watch_add(w, b.p != NULL ? b.p : "", b.n, path, err,
		    errlen);
	sl_buf_release(&b);
	return rc;
}

/* ---- testing ------------------------------------------------------------- */

struct subj {
	const struct sl_watch *w;
	uint32_t *v;		/* ids of the subject's known tokens */
	size_t n, cap;
};

static int
see_token(void *arg, const char *p, size_t n)
{
	struct subj *s = arg;
	long id = tok_find(s->w, p, n, sl_hash64(p, n));

	if (id < 0)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		uint32_t *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (uint32_t)id;
	return 0;
}

struct hits {
	size_t *v;
	size_t n, cap;
};

static int
hit(struct hits *h, size_t ei)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		size_t *v = realloc(h->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = ei;
	return 0;
}

/* The re: entries on the subject in NFC (as it is when not valid UTF-8). */
static int
test_re(const struct sl_watch *w, const char *p, size_t n,
    pcre2_match_data *md, struct hits *h)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t m;
	size_t i;
	int rc = 0, r;

	m = utf8proc_map((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n,
	    &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (m >= 0) {
		p = (const char *)nfc;
		n = (size_t)m;
	} else if (m == UTF8PROC_ERROR_NOMEM) {
		return -ENOMEM;
	}
	for (i = 0; i < w->nre && rc == 0; i++) {
		r = pcre2_match(w->e[w->re[i]].re, (PCRE2_SPTR)(n ? p : ""),
		    n, 0, 0, md, w->mctx);
		if (r >= 0)
			rc = hit(h, w->re[i]);
		else if (r == PCRE2_ERROR_NOMEMORY)
			rc = -ENOMEM;
		else if (r != PCRE2_ERROR_NOMATCH)
			rc = -E2BIG;
	}
	free(nfc);
	return rc;
}

static int
test_one(const struct sl_watch *w, const char *p, size_t n,
    struct sl_buf *tmp, struct subj *s, pcre2_match_data *md,
    struct hits *h)
{
	size_t i, j, k;
	int rc;

	s->n = 0;
	if ((rc = sl_fold_tokens(p, n, tmp, see_token, s)) < 0)
		return rc;
	s->n = uniq_u32(s->v, s->n);
	for (i = 0; i < s->n; i++) {
		const struct token *t = &w->tok[s->v[i]];

		for (j = 0; j < t->nfiled; j++) {
			const struct entry *e = &w->e[t->filed[j]];

			/* Every part; the one it is filed under too, which
			 * is cheaper than finding it in the sorted parts. */
			for (k = 0; k < e->nparts; k++)
				if (bsearch(&e->parts[k], s->v, s->n,
				    sizeof(*s->v), cmp_u32) == NULL)
					break;
			if (k == e->nparts && (rc = hit(h, t->filed[j])) < 0)
				return rc;
		}
	}
	if (w->nre > 0 && md != NULL)
		return test_re(w, p, n, md, h);
	return 0;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int
sl_watch_test(const struct sl_watch *w, const struct sl_str *subj,
    size_t nsubj, size_t *out, size_t max)
{
	struct sl_buf tmp = { NULL, 0, 0 };
	struct subj s = { w, NULL, 0, 0 };
	struct hits h = { NULL, 0, 0 };
	pcre2_match_data *md = NULL;
	size_t i, k = 0;
	int rc = 0;

	if (w->nre > 0 && (md = pcre2_match_data_create(1, NULL)) == NULL)
		return -ENOMEM;
	for (i = 0; i < nsubj && rc == 0; i++)
		rc = test_one(w, subj[i].p != NULL ? subj[i].p : "",
		    subj[i].n, &tmp, &s, md, &h);
	if (rc == 0 && h.n > 0) {
		qsort(h.v, h.n, sizeof(*h.v), cmp_size);
		for (i = 0; i < h.n; i++) {
			if (i > 0 && h.v[i] == h.v[i - 1])
				continue;
			if (k < max)
				out[k] = h.v[i];
			k++;
		}
		rc = k > INT32_MAX ? INT32_MAX : (int)k;
	}
	pcre2_match_data_free(md);
	sl_buf_release(&tmp);
	free(s.v);
	free(h.v);
	return rc;
}

int
sl_watch_test_event(const struct sl_watch *w, const struct sl_event *ev,
    size_t *out, size_t max)
{
	struct sl_str one[8], *s = one;
	const char *p = ev->resource.p, *end = p + ev->resource.n, *nl;
	size_t n = 1, cap = SL_ARRAY_LEN(one);
	int rc;

	/* The query, and each value of resource on its own, so that the
	 * parts of a name are not found in two resources. */
	s[0] = ev->query;
	for (; p != NULL && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (n == cap) {
			struct sl_str *v = malloc(cap * 2 * sizeof(*v));

			if (v == NULL) {
				rc = -ENOMEM;
				goto fail;
			}
			memcpy(v, s, n * sizeof(*v));
			if (s != one)
				free(s);
			s = v;
			cap *= 2;
		}
		s[n].p = p;
		s[n++].n = (size_t)(nl - p);
	}
	rc = sl_watch_test(w, s, n, out, max);
fail:
	if (s != one)
		free(s);
	return rc;
}
