/* util.c: allocation, a string buffer and a string map for the tools. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

void *
xrealloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		cli_die("out of memory");
	if ((p = realloc(p, n * size)) == NULL && n * size > 0)
		cli_die("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL && n > 0 && size > 0)
		cli_die("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		cli_die("out of memory");
	return p;
}

void
sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (n > SIZE_MAX - b->n - 1)
		cli_die("out of memory");
	if (b->n + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;

		while (ncap < b->n + n + 1)
			ncap = ncap > SIZE_MAX / 2 ? b->n + n + 1 : ncap * 2;
		b->p = xrealloc(b->p, ncap, 1);
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
sb_adds(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void
sb_addc(struct sbuf *b, int c)
{
	char ch = (char)c;

	sb_add(b, &ch, 1);
}

void
sb_release(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* 64-bit FNV-1a. */
static uint64_t
hash(const char *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

void
smap_clear(struct smap *m)
{
	if (m->t != NULL)
		memset(m->t, 0, m->size * sizeof(*m->t));
	m->used = 0;
}

void
smap_free(struct smap *m)
{
	free(m->t);
	memset(m, 0, sizeof(*m));
}

size_t
smap_get(const struct smap *m, const char *p, size_t n)
{
	size_t h, mask;

	if (m->size == 0)
		return SIZE_MAX;
	mask = m->size - 1;
	for (h = (size_t)hash(p, n) & mask; m->t[h].key != NULL;
	    h = (h + 1) & mask)
		if (m->t[h].len == n && memcmp(m->t[h].key, p, n) == 0)
			return m->t[h].val;
	return SIZE_MAX;
}

void
smap_put(struct smap *m, const char *p, size_t n, size_t val)
{
	size_t h, mask, i;

	if ((m->used + 1) * 2 > m->size) {
		struct smap nm;

		nm.size = m->size ? m->size * 2 : 256;
		nm.t = xcalloc(nm.size, sizeof(*nm.t));
		for (i = 0; i < m->size; i++) {
			if (m->t[i].key == NULL)
				continue;
			h = (size_t)hash(m->t[i].key, m->t[i].len) &
			    (nm.size - 1);
			while (nm.t[h].key != NULL)
				h = (h + 1) & (nm.size - 1);
			nm.t[h] = m->t[i];
		}
		nm.used = m->used;
		free(m->t);
		*m = nm;
	}
	mask = m->size - 1;
	for (h = (size_t)hash(p, n) & mask; m->t[h].key != NULL;
	    h = (h + 1) & mask) {
		if (m->t[h].len == n && memcmp(m->t[h].key, p, n) == 0) {
			m->t[h].val = val;
			return;
		}
	}
	/* An empty key is "", not NULL: NULL marks a free slot. */
	m->t[h].key = n > 0 ? p : "";
	m->t[h].len = n;
	m->t[h].val = val;
	m->used++;
}
