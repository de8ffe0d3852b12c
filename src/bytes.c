/*
 * bytes.c: the byte searches every record pays for, faster than the C
 * library's for their case: a short needle (a member name, a user's name,
 * a literal of the pattern) in a record of a kilobyte or so, searched once
 * per record, so that a search's set-up counts as much as its speed.
 *
 * With SSE2 (every x86-64), 16 candidate starts are tested at once by two
 * of the needle's bytes (the technique of Wojciech Muła's "SIMD-friendly
 * algorithms for substring searching"), and a candidate is checked whole.
 * Elsewhere, the C library's memmem.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"

const char *
sl_memmem(const char *h, size_t hn, const char *nd, size_t nn)
{
#if defined(__SSE2__)
	const unsigned char *p = (const unsigned char *)h;
	size_t a, b, i = 0, last;
	__m128i fa, fb;
	unsigned m;

	if (nn == 0)
		return h;
	if (nn > hn)
		return NULL;
	if (nn == 1)
		return memchr(h, (unsigned char)nd[0], hn);
	/* The two bytes tested: inside the needle where it has an inside,
	 * as its ends are often delimiters ('"'), common in the haystack. */
	a = nn >= 4 ? 1 : 0;
	b = nn >= 4 ? nn - 2 : nn - 1;
	last = hn - nn;		/* the last start */
	fa = _mm_set1_epi8(nd[a]);
	fb = _mm_set1_epi8(nd[b]);
	/* Starts i .. i + 15 read p[i + a .. i + b + 15], inside the
	 * haystack while i + 15 <= last. */
	for (; last >= 15 && i <= last - 15; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + i + a));
		__m128i y = _mm_loadu_si128((const __m128i *)(p + i + b));

		m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpeq_epi8(x, fa), _mm_cmpeq_epi8(y, fb)));
		while (m != 0) {
			size_t j = i + (size_t)__builtin_ctz(m);

			if (memcmp(p + j, nd, nn) == 0)
				return h + j;
			m &= m - 1;
		}
	}
	for (; i <= last; i++)
		if (p[i + a] == (unsigned char)nd[a] &&
		    p[i + b] == (unsigned char)nd[b] &&
		    memcmp(p + i, nd, nn) == 0)
			return h + i;
	return NULL;
#else
	return memmem(h, hn, nd, nn);
#endif
}
