/* fuzz-csv.c: sl_csv_split with ',' and with '\t'. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FUZZ_MAX (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *p, size_t n, const struct sl_fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		const char *v = f->value[i].p;
		size_t vn = f->value[i].n;

		/* A field points into the record or into the field buffer. */
		if (vn > 0 && !(v >= p && v + vn <= p + n) &&
		    !(f->buf.p != NULL && v >= f->buf.p &&
		    v + vn <= f->buf.p + f->buf.n))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { ',', '\t' };
	struct sl_fields f = { 0 };
	const char *err;
	size_t i, err_off;
	char *p;

	if (size > FUZZ_MAX)
		return 0;
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	for (i = 0; i < SL_ARRAY_LEN(delims); i++) {
		err = NULL;
		err_off = 0;
		if (sl_csv_split(p, size, delims[i], &f, &err, &err_off) == 0)
			check(p, size, &f);
		else if (err == NULL || err_off > size)
			abort();
	}
	sl_fields_release(&f);
	free(p);
	return 0;
}
