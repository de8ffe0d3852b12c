/* shard.c: which shard of a split by user a name belongs to. */
#include <openssl/evp.h>

#include "internal.h"

/* The first 8 bytes of the name's SHA-256, big-endian, modulo the number
 * of shards: a digest, so that every machine and every version agrees,
 * whatever the byte order or the hash tables of the day. */
unsigned
sl_shard_of(const void *p, size_t n, unsigned nshards)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0, i;
	uint64_t v = 0;

	if (nshards == 0)
		return 0;
	if (EVP_Digest(p, n, d, &dn, EVP_sha256(), NULL) != 1 || dn < 8)
		return 0;
	for (i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return (unsigned)(v % nshards) + 1;
}
