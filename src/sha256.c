/* sha256.c: SHA-256 digests of evidence and store files, through OpenSSL. */
#include <errno.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "config.h"
#include "internal.h"

/* OpenSSL's functions, through EV(f): with SL_LAZY_LIBS, libcrypto is
 * opened at the first digest (lazy.c), not at every start. */
#define EV_FUNCS(X) \
	X(EVP_MD_CTX_new) \
	X(EVP_DigestInit_ex) \
	X(EVP_sha256) \
	X(EVP_DigestUpdate) \
	X(EVP_DigestFinal_ex) \
	X(EVP_MD_CTX_free) \
	X(EVP_Digest)

#if SL_LAZY_LIBS
SL_LAZY_LIBRARY(EV_FUNCS, SL_CRYPTO_SONAME);
#define EV(f) (lazy_fn.f)
#else
static struct sl_lazy lazy_lib = SL_LAZY_INIT("", NULL);
#define EV(f) f
#endif

struct sl_sha256 {
	EVP_MD_CTX *md;
};

struct sl_sha256 *
sl_sha256_new(void)
{
	struct sl_sha256 *h;
	char err[256];

	/* Without libcrypto, as without memory: no digest. */
	if (sl_lazy_load(&lazy_lib, err, sizeof(err)) < 0)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->md = EV(EVP_MD_CTX_new)();
	if (h->md == NULL || EV(EVP_DigestInit_ex)(h->md, EV(EVP_sha256)(), NULL) != 1) {
		sl_sha256_free(h);
		return NULL;
	}
	return h;
}

void
sl_sha256_update(struct sl_sha256 *h, const void *p, size_t n)
{
	EV(EVP_DigestUpdate)(h->md, p, n);
}

void
sl_sha256_final(struct sl_sha256 *h, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EV(EVP_DigestFinal_ex)(h->md, d, &n);
	for (i = 0; i < n && i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
	EV(EVP_DigestInit_ex)(h->md, EV(EVP_sha256)(), NULL);
}

void
sl_sha256_free(struct sl_sha256 *h)
{
	if (h == NULL)
		return;
	EV(EVP_MD_CTX_free)(h->md);
	free(h);
}

int
sl_sha256_bytes(const void *p, size_t n, unsigned char d[32])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mn = 0;
	char err[256];

	if (sl_lazy_load(&lazy_lib, err, sizeof(err)) < 0 ||
	    EV(EVP_Digest)(p, n, md, &mn, EV(EVP_sha256)(), NULL) != 1 ||
	    mn != 32)
		return -1;
	memcpy(d, md, 32);
	return 0;
}

int
sl_sha256_file(const char *path, char hex[65], uint64_t *bytes)
{
	struct sl_sha256 *h;
	char *buf;
	ssize_t r;
	uint64_t total = 0;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	h = sl_sha256_new();
	buf = malloc(1 << 17);
	if (h == NULL || buf == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	for (;;) {
		r = read(fd, buf, 1 << 17);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		sl_sha256_update(h, buf, (size_t)r);
		total += (uint64_t)r;
	}
	sl_sha256_final(h, hex);
	if (bytes != NULL)
		*bytes = total;
fail:
	free(buf);
	sl_sha256_free(h);
	close(fd);
	return rc;
}
