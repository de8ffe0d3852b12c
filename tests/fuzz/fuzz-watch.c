/* fuzz-watch.c: watchlists (--watch), then names and events tested
 * against what they hold. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sessionlog.h"
#include "fuzz-common.h"

#define FUZZ_MAX (64 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const subjects[] = {
		"Zoe Odegard", "ZOË ØDEGÅRD", "Jose\xcc\x81 Mu\xcc\x88ller",
		"müller-ñúñez, josé", "Łukasz Wróbel", "hartmann anna",
		"STRASSE", "straße", "ann", "\xff\xfe invalid \xc3",
		"a\xe2\x80\x8b" "b\xef\xbb\xbf" "c", "",
	};
	struct sl_str subj[sizeof(subjects) / sizeof(subjects[0]) + 1];
	struct sl_event ev;
	struct sl_watch *w;
	size_t out[8], i, n;
	char err[512];
	int rc;

	if (size > FUZZ_MAX)
		return 0;
	if ((w = sl_watch_new()) == NULL)
		return 0;
	err[0] = '\0';
	rc = sl_watch_add(w, (const char *)data, size, "fuzz", err,
	    sizeof(err));
	if (rc < 0 && rc != -ENOMEM && err[0] == '\0')
		abort();
	for (i = 0; i < sl_watch_count(w); i++) {
		const char *e = sl_watch_entry(w, i);

		if (e == NULL)
			abort();
		fuzz_touch(e, strlen(e));
	}
	for (n = 0; n < sizeof(subjects) / sizeof(subjects[0]); n++) {
		subj[n].p = subjects[n];
		subj[n].n = strlen(subjects[n]);
	}
	/* The list's own text is a subject too: its names match
	 * themselves. */
	subj[n].p = (const char *)data;
	subj[n].n = size;
	for (i = 0; i <= n; i++) {
		rc = sl_watch_test(w, &subj[i], 1, out, 8);
		if (rc > 0 && out[0] >= sl_watch_count(w))
			abort();
	}
	(void)sl_watch_test(w, subj, n + 1, out, 8);
	memset(&ev, 0, sizeof(ev));
	ev.query = subj[n];
	ev.resource.p = "Zoë Ødegård\n/people/hartmann\n";
	ev.resource.n = strlen(ev.resource.p);
	(void)sl_watch_test_event(w, &ev, out, 8);
	sl_watch_free(w);
	return 0;
}
