/* util.c: growable buffers, names of the event vocabulary, small helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const action_names[SL_ACT__COUNT] = {
	"other", "login", "logout", "search", "view", "export", "share",
	"modify", "delete", "admin", "justify", "auth",
};

static const char *const outcome_names[SL_OUT__COUNT] = {
	"unknown", "success", "failure", "denied",
};

const char *
sl_action_name(int action)
{
	if (action < 0 || action >= SL_ACT__COUNT)
		return NULL;
	return action_names[action];
}

const char *
sl_outcome_name(int outcome)
{
	if (outcome < 0 || outcome >= SL_OUT__COUNT)
		return NULL;
	return outcome_names[outcome];
}

static int
lookup(const char *const *names, int count, const char *s, size_t n)
{
	int i;

	for (i = 0; i < count; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	return -EINVAL;
}

int
sl_action_parse(const char *s, size_t n)
{
	return lookup(action_names, SL_ACT__COUNT, s, n);
}

int
sl_outcome_parse(const char *s, size_t n)
{
	return lookup(outcome_names, SL_OUT__COUNT, s, n);
}

int
sl_buf_grow(struct sl_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->n - 1)
		return -ENOMEM;
	need = b->n + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->p, cap);
	if (p == NULL)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int
sl_buf_add(struct sl_buf *b, const void *p, size_t n)
{
	if (sl_buf_grow(b, n) < 0)
		return -ENOMEM;
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

int
sl_buf_addc(struct sl_buf *b, int c)
{
	if (b->n + 1 >= b->cap && sl_buf_grow(b, 1) < 0)
		return -ENOMEM;
	b->p[b->n++] = (char)c;
	b->p[b->n] = '\0';
	return 0;
}

int
sl_buf_adds(struct sl_buf *b, const char *s)
{
	return sl_buf_add(b, s, strlen(s));
}

int
sl_buf_printf(struct sl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -EINVAL;
	if (sl_buf_grow(b, (size_t)len) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)len;
	return 0;
}

void
sl_buf_reset(struct sl_buf *b)
{
	b->n = 0;
	if (b->cap > 0)
		b->p[0] = '\0';
}

void
sl_buf_release(struct sl_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

char *
sl_strndup(const char *s, size_t n)
{
	char *p;

	p = malloc(n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
sl_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
sl_opts_copy(void *dst, size_t dstsize, const void *src)
{
	const unsigned char *p = src;
	size_t n, i;

	memset(dst, 0, dstsize);
	if (src == NULL) {
		memcpy(dst, &dstsize, sizeof(dstsize));
		return 0;
	}
	memcpy(&n, src, sizeof(n));
	if (n < sizeof(n))
		return -EINVAL;
	/* A later version's struct: what this one does not know must be
	 * zero, its default, or the caller asked for something we cannot
	 * do. */
	for (i = dstsize; i < n; i++)
		if (p[i] != 0)
			return -E2BIG;
	memcpy(dst, src, n < dstsize ? n : dstsize);
	return 0;
}

int
sl_str_eq(struct sl_str a, const char *s)
{
	size_t n = strlen(s);

	return a.n == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

int
sl_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint64_t
sl_hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325u;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3u;
	}
	return h;
}
