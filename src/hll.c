/* hll.c: HyperLogLog sketches of distinct counts, mergeable (internal.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define Q (64 - SL_HLL_P)	/* hash bits after the register index */

struct sl_hll *
sl_hll_new(void)
{
	struct sl_hll *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->count[0] = SL_HLL_M;
	return h;
}

void
sl_hll_free(struct sl_hll *h)
{
	free(h);
}

/*
 * The keys' hash: XXH64 with seed 0 (Yann Collet's xxHash, its
 * specification), bytes read little-endian whatever the machine.  Not
 * sl_hash64: FNV-1a, even through a finaliser, spread the resource names
 * of the sample evidence (one prefix, a UUID each) over the registers
 * with twice the collisions of a random function, which the estimate
 * cannot tell from fewer keys.
 */
#define P1 UINT64_C(0x9E3779B185EBCA87)
#define P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P3 UINT64_C(0x165667B19E3779F9)
#define P4 UINT64_C(0x85EBCA77C2B2AE63)
#define P5 UINT64_C(0x27D4EB2F165667C5)

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
rd64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
rd32(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24;
}

static uint64_t
round64(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static uint64_t
merge_round(uint64_t acc, uint64_t v)
{
	acc ^= round64(0, v);
	return acc * P1 + P4;
}

uint64_t
sl_hll_hash(const void *key, size_t n)
{
	const unsigned char *p = key, *end;
	uint64_t h;

	/* An empty key may have no buffer, and NULL + 0 is undefined. */
	end = n > 0 ? p + n : p;

	if (n >= 32) {
		uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0 - P1;

		do {
			v1 = round64(v1, rd64(p));
			v2 = round64(v2, rd64(p + 8));
			v3 = round64(v3, rd64(p + 16));
			v4 = round64(v4, rd64(p + 24));
			p += 32;
		} while (end - p >= 32);
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		h = merge_round(h, v1);
		h = merge_round(h, v2);
		h = merge_round(h, v3);
		h = merge_round(h, v4);
	} else
		h = P5;
	h += (uint64_t)n;
	for (; end - p >= 8; p += 8) {
		h ^= round64(0, rd64(p));
		h = rotl(h, 27) * P1 + P4;
	}
	if (end - p >= 4) {
		h ^= rd32(p) * P1;
		h = rotl(h, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++) {
		h ^= *p * P5;
		h = rotl(h, 11) * P1;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

static void
put(struct sl_hll *h, size_t i, unsigned r)
{
	if (r <= h->reg[i])
		return;
	h->count[h->reg[i]]--;
	h->count[r]++;
	h->reg[i] = (uint8_t)r;
}

void
sl_hll_add(struct sl_hll *h, const void *key, size_t n)
{
	uint64_t x = sl_hll_hash(key, n);
	uint64_t w = x << SL_HLL_P;
	unsigned r = 1;

	/* Leading zeros of the Q bits below the index, + 1; Q + 1 when
	 * they are all zero. */
	if (w == 0)
		r = Q + 1;
	else
		while (!(w & (UINT64_C(1) << 63))) {
			w <<= 1;
			r++;
		}
	put(h, (size_t)(x >> Q), r);
}

void
sl_hll_merge(struct sl_hll *dst, const struct sl_hll *src)
{
	size_t i;

	for (i = 0; i < SL_HLL_M; i++)
		put(dst, i, src->reg[i]);
}

/* Ertl's sigma and tau (arXiv:1702.01284, algorithm 6). */
static double
sigma(double x)
{
	double y = 1, z = x, old;

	if (x == 1)
		return INFINITY;
	do {
		x *= x;
		old = z;
		z += x * y;
		y += y;
	} while (z != old);
	return z;
}

static double
tau(double x)
{
	double y = 1, z, old;

	if (x == 0 || x == 1)
		return 0;
	z = 1 - x;
	do {
		x = sqrt(x);
		old = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (z != old);
	return z / 3;
}

/*
 * Ertl's improved raw estimator: from the histogram of the registers
 * alone, without the bias tables of HyperLogLog++ or a switch to linear
 * counting, unbiased from one key to beyond 2^50.
 */
double
sl_hll_estimate(const struct sl_hll *h)
{
	double m = SL_HLL_M, z;
	int k;

	z = m * tau(1 - (double)h->count[Q + 1] / m);
	for (k = Q; k >= 1; k--)
		z = 0.5 * (z + h->count[k]);
	z += m * sigma((double)h->count[0] / m);
	return m * m / (2 * log(2)) / z;
}
