/* test-bytes.c: the byte searches, held to the C library's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

/* sl_memmem against memmem on one haystack and needle; the haystack is
 * copied to the end of a buffer of its own size, so that a read past it
 * is caught by the sanitizers. */
static void
same(const char *h, size_t hn, const char *nd, size_t nn)
{
	char *hc = malloc(hn > 0 ? hn : 1), *nc = malloc(nn > 0 ? nn : 1);
	const char *got, *want;

	if (hc == NULL || nc == NULL) {
		CHECK(!"out of memory");
		goto out;
	}
	if (hn > 0)
		memcpy(hc, h, hn);
	if (nn > 0)
		memcpy(nc, nd, nn);
	got = sl_memmem(hc, hn, nc, nn);
	want = memmem(hc, hn, nc, nn);
	CHECK(got == want);
	if (got != want)
		fprintf(stderr, "  haystack %zu \"%.*s\", needle \"%.*s\": "
		    "at %td, want %td\n", hn, (int)hn, h, (int)nn, nd,
		    got ? got - hc : -1, want ? want - hc : -1);
out:
	free(hc);
	free(nc);
}

static void
test_cases(void)
{
	static const char rec[] = "{\"categories\":[\"search\"],\"uid\":"
	    "\"a.b1\",\"userName\":\"a.b1\",\"uids\":\"x\",\"query\":"
	    "\"Lena Hartmann\"}";
	static const char *const needles[] = {
		"\"uid\"", "\"userName\"", "\"logEntryId\"", "Lena Hartmann",
		"}", "{", "\"", "\"\"", "ab", "a.b1", "\"x\"}", "n\"}",
		"\"query\":\"Lena Hartmann\"}", "Hartmannn",
	};
	size_t i, k;

	for (i = 0; i < SL_ARRAY_LEN(needles); i++)
		for (k = 0; k <= sizeof(rec) - 1; k++) {
			/* Every suffix and every prefix of the record. */
			same(rec + k, sizeof(rec) - 1 - k, needles[i],
			    strlen(needles[i]));
			same(rec, k, needles[i], strlen(needles[i]));
		}
	same("", 0, "", 0);
	same("abc", 3, "", 0);
	same("", 0, "a", 1);
	same("ab", 2, "abc", 3);
}

/* Random haystacks over a small alphabet (many near misses), and needles
 * cut from them or made up, of every length up to 40. */
static void
test_random(void)
{
	char h[300], nd[41];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t round, hn, nn, i;

	for (round = 0; round < 20000; round++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		hn = (size_t)(x % sizeof(h));
		for (i = 0; i < hn; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			h[i] = "ab\"c\xe9"[x % (round % 2 ? 2 : 5)];
		}
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		nn = (size_t)(x % sizeof(nd));
		if (round % 3 == 0 && hn >= nn) {
			memcpy(nd, h + (x >> 20) % (hn - nn + 1), nn);
		} else {
			for (i = 0; i < nn; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				nd[i] = "ab\"c\xe9"[x % (round % 2 ? 2 : 5)];
			}
		}
		same(h, hn, nd, nn);
	}
}

int
main(void)
{
	test_cases();
	test_random();
	return check_done("bytes");
}
