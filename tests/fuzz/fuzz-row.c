/* fuzz-row.c: sl_row_parse must round-trip through sl_row_format. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FUZZ_MAX (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
str_same(struct sl_str a, struct sl_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static int
event_same(const struct sl_event *a, const struct sl_event *b)
{
	return a->time == b->time && a->action == b->action &&
	    a->outcome == b->outcome && a->count == b->count &&
	    a->bytes == b->bytes && a->flags == b->flags &&
	    a->line == b->line && a->offset == b->offset &&
	    str_same(a->user, b->user) && str_same(a->session, b->session) &&
	    str_same(a->resource, b->resource) &&
	    str_same(a->query, b->query) &&
	    str_same(a->purpose, b->purpose) && str_same(a->src, b->src) &&
	    str_same(a->trace, b->trace) && str_same(a->kind, b->kind) &&
	    str_same(a->key, b->key) && str_same(a->profile, b->profile) &&
	    str_same(a->origin, b->origin) && str_same(a->raw, b->raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_event ev, ev2;
	struct sl_buf a = { 0 }, b = { 0 };
	char *p, *q = NULL;

	if (size > FUZZ_MAX)
		return 0;
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	if (sl_row_parse(p, size, &ev) < 0)
		goto done;
	/* Parsed, formatted, parsed again: the same event and, formatted
	 * once more, the same row. */
	if (sl_row_format(&ev, &a) < 0)
		abort();
	if ((q = malloc(a.n ? a.n : 1)) == NULL)
		goto done;
	memcpy(q, a.p, a.n);
	if (sl_row_parse(q, a.n, &ev2) < 0 || !event_same(&ev, &ev2))
		abort();
	if (sl_row_format(&ev2, &b) < 0 || a.n != b.n ||
	    memcmp(a.p, b.p, a.n) != 0)
		abort();
done:
	sl_buf_release(&a);
	sl_buf_release(&b);
	free(q);
	free(p);
	return 0;
}
