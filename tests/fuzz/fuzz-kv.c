/* fuzz-kv.c: sl_kv_split over key=value, syslog and auditd lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FUZZ_MAX (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_str(const char *p, size_t n, const struct sl_fields *f,
    const struct sl_str *s)
{
	if (s->n == 0)
		return;
	if (s->p == NULL || (!(s->p >= p && s->p + s->n <= p + n) &&
	    !(f->buf.p != NULL && s->p >= f->buf.p &&
	    s->p + s->n <= f->buf.p + f->buf.n)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_fields f = { 0 };
	const char *err = NULL;
	size_t i;
	char *p;

	if (size > FUZZ_MAX)
		return 0;
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	if (sl_kv_split(p, size, &f, &err) == 0) {
		/* Names may also be static ("_time"); values may not. */
		for (i = 0; i < f.n; i++) {
			if (f.name[i].n > 0 && f.name[i].p == NULL)
				abort();
			check_str(p, size, &f, &f.value[i]);
		}
	}
	/* Again on the same fields, as readers reuse them. */
	(void)sl_kv_split(p, size, &f, &err);
	sl_fields_release(&f);
	free(p);
	return 0;
}
