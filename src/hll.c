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
 * The finaliser of MurmurHash3: the keys' hash (sl_hash64, FNV-1a) has
 * weak high bits for short keys, and the sketch needs every bit even.
 * A bijection, so distinct hashes stay distinct.
 */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
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
sl_hll_add(struct sl_hll *h, uint64_t hash)
{
	uint64_t x = mix(hash);
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
