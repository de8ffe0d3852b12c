/* test-lazy.c: libraries opened on first use (lazy.c), and the digests
 * that go through one. */
#include <dlfcn.h>
#include <string.h>

#include "config.h"
#include "internal.h"
#include "check.h"

static int (*abs_p)(int);
static size_t (*strlen_p)(const char *);

static const char *
resolve_libc(void *h)
{
	if (!SL_LAZY_SYM(h, abs_p, "abs"))
		return "abs";
	if (!SL_LAZY_SYM(h, strlen_p, "strlen"))
		return "strlen";
	return NULL;
}

static const char *
resolve_missing(void *h)
{
	if (!SL_LAZY_SYM(h, abs_p, "sl_no_such_symbol"))
		return "sl_no_such_symbol";
	return NULL;
}

static struct sl_lazy libc_ok = SL_LAZY_INIT("libc.so.6", resolve_libc);
static struct sl_lazy no_lib =
    SL_LAZY_INIT("libsessionlog-no-such-library.so.0", resolve_libc);
static struct sl_lazy no_sym = SL_LAZY_INIT("libc.so.6", resolve_missing);

int
main(void)
{
	static const char hex_abc[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	unsigned char d[32];
	char err[256], hex[65];
	struct sl_sha256 *h;
	size_t i;

#if SL_LAZY_LIBS
	/* A library that loads: its functions work, twice. */
	CHECK_INT(sl_lazy_load(&libc_ok, err, sizeof(err)), 0);
	CHECK_INT(sl_lazy_load(&libc_ok, err, sizeof(err)), 0);
	CHECK(abs_p != NULL && abs_p(-3) == 3);
	CHECK(strlen_p != NULL && strlen_p("four") == 4);
	/* One that is not there: the loader's word, the same each time. */
	err[0] = '\0';
	CHECK_INT(sl_lazy_load(&no_lib, err, sizeof(err)), -1);
	CHECK(strstr(err, "libsessionlog-no-such-library.so.0") != NULL);
	err[0] = '\0';
	CHECK_INT(sl_lazy_load(&no_lib, err, sizeof(err)), -1);
	CHECK(strstr(err, "libsessionlog-no-such-library.so.0") != NULL);
	/* One without a symbol its user needs. */
	CHECK_INT(sl_lazy_load(&no_sym, err, sizeof(err)), -1);
	CHECK(strstr(err, "no symbol sl_no_such_symbol") != NULL);
#else
	(void)libc_ok;
	(void)no_lib;
	(void)no_sym;
	CHECK_INT(sl_lazy_load(&no_lib, err, sizeof(err)), 0);
#endif

	/* SHA-256 through the lazy libcrypto: FIPS 180-2's "abc". */
	CHECK_INT(sl_sha256_bytes("abc", 3, d), 0);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	CHECK_MEM(hex, 64, hex_abc);
	h = sl_sha256_new();
	CHECK(h != NULL);
	if (h != NULL) {
		sl_sha256_update(h, "a", 1);
		sl_sha256_update(h, "bc", 2);
		sl_sha256_final(h, hex);
		CHECK_MEM(hex, 64, hex_abc);
		sl_sha256_free(h);
	}
	/* The shard of a name is the digest's first 8 bytes, so it stays. */
	CHECK_INT(sl_shard_of("abc", 3, 7), (unsigned)(0xba7816bf8f01cfeaULL % 7) + 1);
	return check_done("lazy");
}
