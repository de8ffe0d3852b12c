/* fuzz-json.c: sl_json_parse and sl_json_text over every token. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FUZZ_MAX (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_json j = { 0 };
	struct sl_buf b = { 0 };
	char *p;
	size_t i, k;

	if (size > FUZZ_MAX)
		return 0;
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	j.max_depth = 64;
	if (sl_json_parse(&j, p, size) == 0) {
		for (i = 0; i < j.n; i++) {
			const struct sl_json_tok *t = &j.t[i];

			if (t->next <= i || t->next > j.n ||
			    (size_t)t->start + t->len > size)
				abort();
			sl_buf_reset(&b);
			if (sl_json_text(&j, (int)i, &b) < 0)
				break;
			if (t->type == SL_JSON_OBJECT && t->count > 0) {
				/* The first key, looked up by its text. */
				const struct sl_json_tok *key = &j.t[i + 1];

				if (!key->escaped && sl_json_member(&j,
				    (int)i, p + key->start, key->len) < 0)
					abort();
			}
			if (t->type == SL_JSON_ARRAY) {
				for (k = 0; k <= t->count && k < 4; k++)
					if ((sl_json_element(&j, (int)i, k) <
					    0) != (k == t->count))
						abort();
			}
		}
	}
	/* Reuse of the same handle, as the extractor does. */
	j.max_depth = 0;
	(void)sl_json_parse(&j, p, size);
	sl_buf_release(&b);
	sl_json_release(&j);
	free(p);
	return 0;
}
