/* shard.c: which shard of a split by user a name belongs to. */
#include "internal.h"

/* The first 8 bytes of the name's SHA-256, big-endian, modulo the number
 * of shards: a digest, so that every machine and every version agrees,
 * whatever the byte order or the hash tables of the day. */
unsigned
sl_shard_of(const void *p, size_t n, unsigned nshards)
{
	unsigned char d[32];
	unsigned int i;
	uint64_t v = 0;

	if (nshards == 0)
		return 0;
	if (sl_sha256_bytes(p, n, d) < 0)
		return 0;
	for (i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return (unsigned)(v % nshards) + 1;
}
