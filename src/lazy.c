/*
 * lazy.c: shared libraries loaded when first needed, not at every start.
 *
 * libarchive (with the dozen libraries it needs: ICU, libxml2, the
 * compressors) and libcrypto are mapped and relocated by the dynamic
 * linker before main() of every tool, whether it reads an archive or
 * hashes a file or not: on the machines we measured, where each page
 * fault costs tens of microseconds, that was 18 of the 26 ms a tool took
 * to start, and a query of one user's day on a case needs about 1 ms of
 * its own (bench/RESULTS.md).  So they are opened with dlopen(3) the
 * first time a source is an archive or a digest is taken.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "config.h"
#include "internal.h"

#if SL_LAZY_LIBS

int
sl_lazy_load(struct sl_lazy *l, char *err, size_t errlen)
{
	void *h;
	const char *e;

	pthread_mutex_lock(&l->lock);
	if (l->state == 0) {
		l->state = -1;
		if ((h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
			e = dlerror();
			sl_seterr(l->why, sizeof(l->why), "%s",
			    e != NULL ? e : l->soname);
		} else if ((e = l->resolve(h)) != NULL) {
			sl_seterr(l->why, sizeof(l->why), "%s: no symbol %s",
			    l->soname, e);
			dlclose(h);
		} else
			l->state = 1;
	}
	pthread_mutex_unlock(&l->lock);
	if (l->state < 0) {
		sl_seterr(err, errlen, "%s", l->why);
		return -1;
	}
	return 0;
}

#else

int
sl_lazy_load(struct sl_lazy *l, char *err, size_t errlen)
{
	(void)l;
	(void)err;
	(void)errlen;
	return 0;
}

#endif
