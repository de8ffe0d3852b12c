/* fuzz-time.c: sl_time_parse in every format, in UTC and Europe/Berlin. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FUZZ_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_tz *zones[2];

static void
free_zones(void)
{
	sl_tz_free(zones[0]);
	sl_tz_free(zones[1]);
}

static void
load_zones(void)
{
	static const char *const names[] = { "UTC", "Europe/Berlin" };
	char err[256];
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(names); i++) {
		zones[i] = sl_tz_load(names[i], err, sizeof(err));
		if (zones[i] == NULL) {
			fprintf(stderr, "fuzz-time: %s\n", err);
			abort();
		}
	}
	atexit(free_zones);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Reference times for syslog years: 2024-03-01, the epoch, before
	 * it, and the last second of 9999. */
	static const int64_t refs[] = {
		INT64_C(1709277432000000), 0, INT64_C(-86400000001),
		INT64_C(253402300799000000),
	};
	char out[32];
	int64_t us, back;
	int len;
	size_t z, r;
	int fmt, zoned;
	char *p;

	if (zones[0] == NULL)
		load_zones();
	if (size > FUZZ_MAX)
		return 0;
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(p, data, size);
	for (fmt = SL_TIME_AUTO; fmt <= SL_TIME_SYSLOG; fmt++) {
		for (z = 0; z < SL_ARRAY_LEN(zones); z++) {
			for (r = 0; r < SL_ARRAY_LEN(refs); r++) {
				zoned = -1;
				if (sl_time_parse(p, size, fmt, zones[z],
				    refs[r], &us, &zoned) < 0)
					continue;
				if (zoned != 0 && zoned != 1)
					abort();
				if (sl_time_format(us, out, sizeof(out)) >= 32)
					abort();
				/* The store's row time must read back. */
				len = sl_row_time_format(us, out);
				if (len <= 0 || len >= 32 ||
				    sl_row_time_parse(out, (size_t)len,
				    &back) < 0 || back != us)
					abort();
			}
		}
		/* No zone at all means UTC. */
		(void)sl_time_parse(p, size, fmt, NULL, refs[0], &us, NULL);
	}
	free(p);
	return 0;
}
