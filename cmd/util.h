/* util.h: allocation, a string buffer and a string map for the tools. */
#ifndef SL_CMD_UTIL_H
#define SL_CMD_UTIL_H

#include <stddef.h>

/* Allocation that dies ("out of memory", exit 2) instead of failing.
 * xrealloc takes n elements of size bytes and checks the product. */
void *xrealloc(void *p, size_t n, size_t size);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

/* A growable byte buffer; p is NUL-terminated once anything was added. */
struct sbuf {
	char *p;
	size_t n, cap;
};

void sb_add(struct sbuf *b, const void *p, size_t n);
void sb_adds(struct sbuf *b, const char *s);
void sb_addc(struct sbuf *b, int c);
void sb_release(struct sbuf *b);

/* A hash map from byte strings (not owned: they must stay valid while
 * in the map) to indexes.  Zeroed is empty. */
struct smap {
	struct {
		const char *key;
		size_t len, val;
	} *t;
	size_t size, used;
};

/* The value of key (p, n), or SIZE_MAX if absent. */
size_t smap_get(const struct smap *m, const char *p, size_t n);
/* Set key (p, n) to val. */
void smap_put(struct smap *m, const char *p, size_t n, size_t val);
/* Empty the map, keeping its memory. */
void smap_clear(struct smap *m);
void smap_free(struct smap *m);

#endif
