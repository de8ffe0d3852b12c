/*
 * fuzz-keyscan.c: the raw grep's byte search for keys against the parser.
 *
 * A raw-source grep counts the key of every record its prefilter leaves
 * out by a byte search of the record (sl_json_key_scan) instead of
 * parsing it; a key the search misses is a copy the grep never knows of,
 * so it would show an event the case drops as a duplicate.  The input's
 * first byte picks a JSON profile whose key a byte search can find
 * (sl_extractor_key_names), the rest is its records, one a line: every
 * key the extractor gives a record's events must be among the hashes the
 * search returns for that record, unless the search says it cannot be
 * sure (-1, and the reader then parses the record).  Likewise the names
 * reading's test of users (sl_json_member_strings over the user's member
 * names, arrays included): the user the extractor gives an event must be
 * among the strings it hands out, unless it says -1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FUZZ_MAX (64 * 1024)
#define NAMES 8
#define HASHES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_profileset *ps;
static struct sl_tz *tz;
/* The profiles whose keys a byte search finds, by index in ps. */
static size_t keyed[64], nkeyed;

static void
unload(void)
{
	sl_profileset_free(ps);
	sl_tz_free(tz);
}

static void
load(void)
{
	const struct sl_profile *prof;
	struct sl_extract_opts xo = { 0 };
	struct sl_extractor *x;
	struct sl_str names[NAMES], scope;
	char err[512];
	size_t i, n;

	ps = sl_profileset_load(SRCDIR "/profiles", err, sizeof(err));
	if (ps == NULL || sl_profileset_count(ps) == 0) {
		fprintf(stderr, "fuzz-keyscan: %s\n", err);
		abort();
	}
	if ((tz = sl_tz_load("Europe/Berlin", err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz-keyscan: %s\n", err);
		abort();
	}
	xo.tz = tz;
	for (i = 0; i < sl_profileset_count(ps) && nkeyed < 64; i++) {
		prof = sl_profileset_find(ps, sl_profileset_name(ps, i));
		x = sl_extractor_new(prof, &xo, err, sizeof(err));
		if (x == NULL)
			abort();
		/* As the reader: JSON only. */
		if (sl_profile_reader(prof) == SL_READ_JSON &&
		    sl_extractor_key_names(x, names, NAMES, &n, &scope) == 1)
			keyed[nkeyed++] = i;
		sl_extractor_free(x);
	}
	if (nkeyed == 0) {
		fprintf(stderr, "fuzz-keyscan: no profile to fuzz\n");
		abort();
	}
	atexit(unload);
}

/* The names quoted as the reader searches for them ("NAME"). */
static size_t
quote(const struct sl_str *names, size_t n, char *buf, size_t cap,
    struct sl_str *pats)
{
	size_t i, off = 0;

	for (i = 0; i < n; i++) {
		if (off + names[i].n + 2 > cap)
			abort();
		pats[i].p = buf + off;
		buf[off++] = '"';
		memcpy(buf + off, names[i].p, names[i].n);
		off += names[i].n;
		buf[off++] = '"';
		pats[i].n = names[i].n + 2;
	}
	return n;
}

/* The strings a byte search finds under the user's member names. */
struct strs {
	const char *v[64];
	size_t n[64], count;
};

static int
collect(void *arg, const char *v, size_t n)
{
	struct strs *s = arg;

	if (s->count == 64)
		return -1;	/* as many as a record holds: give up */
	s->v[s->count] = v;
	s->n[s->count++] = n;
	return 0;
}

/* Abort unless the event's user is among the record's user strings. */
static void
check_user(const struct sl_event *ev, const struct strs *us, int rc)
{
	size_t i;

	if (rc != 0 || ev->user.n == 0)
		return;
	for (i = 0; i < us->count; i++)
		if (us->n[i] == ev->user.n &&
		    memcmp(us->v[i], ev->user.p, ev->user.n) == 0)
			return;
	fprintf(stderr, "fuzz-keyscan: the byte search missed user '%.*s'\n",
	    (int)ev->user.n, ev->user.p);
	abort();
}

/* Abort unless the event's scoped key is among the record's hashes. */
static void
check(const struct sl_event *ev, const uint64_t *h, int nh)
{
	uint64_t k;
	int i;

	if (nh < 0 || ev->key.n == 0 || ev->scope.n == 0)
		return;
	k = sl_key_hash(ev->scope.p, ev->scope.n, ev->key.p, ev->key.n);
	for (i = 0; i < nh; i++)
		if (h[i] == k)
			return;
	fprintf(stderr, "fuzz-keyscan: the byte search missed key '%.*s' "
	    "(scope %.*s)\n", (int)ev->key.n, ev->key.p, (int)ev->scope.n,
	    ev->scope.p);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_extract_opts xo = { 0 };
	struct sl_extractor *x;
	struct sl_str names[NAMES], pats[NAMES], scope;
	struct sl_str unames[NAMES], upats[NAMES];
	struct strs us;
	struct sl_event ev;
	struct sl_record rec;
	const char *reason;
	char err[256], pbuf[1024], ubuf[1024], *p;
	uint64_t h[HASHES], h0;
	size_t i, start, n, nnames, nunames = 0, line = 1;
	int rc, nh, uok, urc;

	if (ps == NULL)
		load();
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	xo.tz = tz;
	xo.ref_time = INT64_C(1709277432000000);
	x = sl_extractor_new(sl_profileset_find(ps, sl_profileset_name(ps,
	    keyed[data[0] % nkeyed])), &xo, err, sizeof(err));
	if (x == NULL ||
	    sl_extractor_key_names(x, names, NAMES, &nnames, &scope) != 1)
		abort();
	quote(names, nnames, pbuf, sizeof(pbuf), pats);
	uok = sl_extractor_user_names(x, unames, NAMES, &nunames) == 1;
	if (uok)
		quote(unames, nunames, ubuf, sizeof(ubuf), upats);
	h0 = sl_key_hash_scope(scope.p, scope.n);
	n = size - 1;
	if ((p = malloc(n ? n : 1)) == NULL) {
		sl_extractor_free(x);
		return 0;
	}
	memcpy(p, data + 1, n);
	for (start = 0, i = 0; i <= n; i++) {
		if (i < n && p[i] != '\n')
			continue;
		if (i > start) {
			memset(&rec, 0, sizeof(rec));
			rec.p = p + start;
			rec.n = i - start;
			rec.line = line;
			rec.offset = start;
			nh = sl_json_key_scan(rec.p, rec.n, pats, nnames, h0,
			    h, HASHES);
			if (nh > HASHES)
				abort();
			us.count = 0;
			urc = uok ? sl_json_member_strings(rec.p, rec.n,
			    upats, nunames, 1, collect, &us) : -1;
			memset(&ev, 0, sizeof(ev));
			reason = NULL;
			rc = sl_extract_record(x, &rec, &ev, &reason);
			while (rc != 0 && rc != -ENOMEM) {
				if (rc == 1) {
					check(&ev, h, nh);
					check_user(&ev, &us, urc);
				}
				memset(&ev, 0, sizeof(ev));
				reason = NULL;
				rc = sl_extract_next(x, &ev, &reason);
			}
		}
		start = i + 1;
		line++;
	}
	sl_extractor_free(x);
	free(p);
	return 0;
}
