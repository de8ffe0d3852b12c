/* keycount.c: the scoped keys of the records read, counted as hashes; the
 * keys of records left out unparsed found by a byte search. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/*
 * Memory stays bounded however large the evidence: once RUN_MAX hashes
 * are held (32 MiB, about 4.5 GB of audit.3), they are sorted and written
 * as a run to an unlinked file in TMPDIR, with every PAGE-th hash kept as
 * a fence; a count reads one page (or a few, for a hash counted more
 * often than a page holds) of each run.  A run that cannot be written
 * leaves the hashes in memory, as before.
 */
#define RUN_MAX ((size_t)1 << 22)
#define PAGE 512

struct run {
	off_t off;		/* of its first hash in the file */
	size_t n;
	uint64_t *fence;	/* the hash at every PAGE-th place */
};

struct sl_keycount {
	pthread_mutex_t lock;
	uint64_t *v;
	size_t n, cap;
	int sorted;
	int incomplete;
	size_t limit;		/* hashes held before a run is written */
	int fd;			/* the runs' file, -1 before the first */
	off_t end;
	struct run *runs;
	size_t nruns;
	uint64_t *page;		/* PAGE hashes read back */
};

struct sl_keycount *
sl_keycount_new(void)
{
	struct sl_keycount *kc = calloc(1, sizeof(*kc));

	if (kc == NULL)
		return NULL;
	if (pthread_mutex_init(&kc->lock, NULL) != 0) {
		free(kc);
		return NULL;
	}
	kc->sorted = 1;
	kc->limit = RUN_MAX;
	kc->fd = -1;
	return kc;
}

void
sl_keycount_free(struct sl_keycount *kc)
{
	size_t i;

	if (kc == NULL)
		return;
	pthread_mutex_destroy(&kc->lock);
	for (i = 0; i < kc->nruns; i++)
		free(kc->runs[i].fence);
	free(kc->runs);
	free(kc->page);
	if (kc->fd >= 0)
		close(kc->fd);
	free(kc->v);
	free(kc);
}

void
sl_keycount_set_limit(struct sl_keycount *kc, size_t hashes)
{
	kc->limit = hashes > 0 ? hashes : 1;
}

size_t
sl_keycount_runs(const struct sl_keycount *kc)
{
	return kc->nruns;
}

static void sort_hashes(uint64_t *v, size_t n);

/* A file for the runs, unlinked at once; -1 if none can be made. */
static int
runs_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/sessionlog-keys-XXXXXX",
	    dir) >= sizeof(path))
		return -1;
	if ((fd = mkstemp(path)) >= 0)
		unlink(path);
	return fd;
}

static int
write_all(int fd, const void *p, size_t n, off_t off)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = pwrite(fd, c, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

static int
read_all(int fd, void *p, size_t n, off_t off)
{
	char *c = p;
	ssize_t r;

	while (n > 0) {
		r = pread(fd, c, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/* The held hashes, sorted, as a run in the file (under the lock); 0, or
 * -1 when they stay in memory (and no run is tried again). */
static int
spill(struct sl_keycount *kc)
{
	struct run *runs, *r;
	size_t i, nf = (kc->n + PAGE - 1) / PAGE;

	if (kc->fd < 0 && (kc->fd = runs_file()) < 0)
		goto keep;
	runs = realloc(kc->runs, (kc->nruns + 1) * sizeof(*runs));
	if (runs == NULL)
		goto keep;
	kc->runs = runs;
	r = &runs[kc->nruns];
	if ((r->fence = malloc(nf * sizeof(*r->fence))) == NULL)
		goto keep;
	sort_hashes(kc->v, kc->n);
	if (write_all(kc->fd, kc->v, kc->n * sizeof(*kc->v), kc->end) < 0) {
		free(r->fence);
		goto keep;
	}
	for (i = 0; i < nf; i++)
		r->fence[i] = kc->v[i * PAGE];
	r->off = kc->end;
	r->n = kc->n;
	kc->end += (off_t)(kc->n * sizeof(*kc->v));
	kc->nruns++;
	kc->n = 0;
	kc->sorted = 1;
	return 0;
keep:
	kc->limit = SIZE_MAX;
	return -1;
}

/* FNV-1a, as the tools compare keys: the scope, a 0xff, the key. */
#define FNV_BASIS 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

uint64_t
sl_key_hash_scope(const char *scope, size_t n)
{
	uint64_t h = FNV_BASIS;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)scope[i]) * FNV_PRIME;
	return (h ^ 0xff) * FNV_PRIME;
}

uint64_t
sl_key_hash_more(uint64_t h, const char *key, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)key[i]) * FNV_PRIME;
	return h;
}

uint64_t
sl_key_hash(const char *scope, size_t scopelen, const char *key,
    size_t keylen)
{
	return sl_key_hash_more(sl_key_hash_scope(scope, scopelen), key,
	    keylen);
}

void
sl_keycount_add(struct sl_keycount *kc, const uint64_t *h, size_t n)
{
	uint64_t *v;
	size_t cap;

	if (n == 0)
		return;
	pthread_mutex_lock(&kc->lock);
	if (kc->n > 0 && kc->n + n > kc->limit)
		(void)spill(kc);
	if (kc->n + n > kc->cap) {
		cap = kc->cap ? kc->cap : 4096;
		while (cap < kc->n + n)
			cap *= 2;
		if ((v = realloc(kc->v, cap * sizeof(*v))) == NULL) {
			/* Counts that miss some are no counts. */
			kc->incomplete = 1;
			pthread_mutex_unlock(&kc->lock);
			return;
		}
		kc->v = v;
		kc->cap = cap;
	}
	memcpy(kc->v + kc->n, h, n * sizeof(*h));
	kc->n += n;
	kc->sorted = 0;
	pthread_mutex_unlock(&kc->lock);
}

void
sl_keycount_incomplete(struct sl_keycount *kc)
{
	pthread_mutex_lock(&kc->lock);
	kc->incomplete = 1;
	pthread_mutex_unlock(&kc->lock);
}

int
sl_keycount_complete(const struct sl_keycount *kc)
{
	return !kc->incomplete;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort v[0..n): a radix sort by bytes, least significant first (a pass
 * where every hash has the same byte is skipped), or qsort without the
 * memory for a second array. */
static void
sort_hashes(uint64_t *v, size_t n)
{
	size_t count[8][256], i, sum, t;
	uint64_t *a = v, *b, *sw;
	int k;

	if (n < 1024 || (b = malloc(n * sizeof(*b))) == NULL) {
		qsort(v, n, sizeof(*v), u64_cmp);
		return;
	}
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		for (k = 0; k < 8; k++)
			count[k][(v[i] >> (8 * k)) & 0xff]++;
	for (k = 0; k < 8; k++) {
		if (count[k][(v[0] >> (8 * k)) & 0xff] == n)
			continue;
		for (i = 0, sum = 0; i < 256; i++) {
			t = count[k][i];
			count[k][i] = sum;
			sum += t;
		}
		for (i = 0; i < n; i++)
			b[count[k][(a[i] >> (8 * k)) & 0xff]++] = a[i];
		sw = a;
		a = b;
		b = sw;
	}
	if (a != v) {
		memcpy(v, a, n * sizeof(*v));
		b = a;
	}
	free(b);
}

/* The first index whose hash is not below h (upper: above h). */
static size_t
bound(const uint64_t *v, size_t n, uint64_t h, int upper)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid] < h || (upper && v[mid] == h))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* How often h is in run r: the pages from the one before the first
 * fence not below h, on while they end with h.  -1 when a page cannot
 * be read. */
static int64_t
run_count(struct sl_keycount *kc, const struct run *r, uint64_t h)
{
	size_t nf = (r->n + PAGE - 1) / PAGE, p, k;
	int64_t c = 0;

	p = bound(r->fence, nf, h, 0);
	if (p == 0 && r->fence[0] > h)
		return 0;
	if (p > 0)
		p--;
	if (kc->page == NULL &&
	    (kc->page = malloc(PAGE * sizeof(*kc->page))) == NULL)
		return -1;
	for (; p < nf; p++) {
		k = r->n - p * PAGE < PAGE ? r->n - p * PAGE : PAGE;
		if (read_all(kc->fd, kc->page, k * sizeof(*kc->page),
		    r->off + (off_t)(p * PAGE * sizeof(*kc->page))) < 0)
			return -1;
		c += (int64_t)(bound(kc->page, k, h, 1) -
		    bound(kc->page, k, h, 0));
		if (kc->page[k - 1] > h)
			break;
	}
	return c;
}

uint64_t
sl_keycount_get(struct sl_keycount *kc, uint64_t h)
{
	uint64_t c;
	int64_t rc;
	size_t i;

	if (!kc->sorted) {
		sort_hashes(kc->v, kc->n);
		kc->sorted = 1;
	}
	c = bound(kc->v, kc->n, h, 1) - bound(kc->v, kc->n, h, 0);
	for (i = 0; i < kc->nruns; i++) {
		if ((rc = run_count(kc, &kc->runs[i], h)) < 0) {
			/* A run lost: every key has copies, as far as
			 * anyone can tell, so the caller reads them. */
			kc->incomplete = 1;
			return UINT64_MAX;
		}
		c += (uint64_t)rc;
	}
	return c;
}

#define IS_WS(c) ((c) == ' ' || (c) == '\n' || (c) == '\r' || (c) == '\t')

/* The strings of the array whose '[' is at s, each to fn (nulls
 * skipped); 0, what fn stopped with, or -1 for anything else in it. */
static int
array_strings(const char *s, const char *end,
    int (*fn)(void *arg, const char *v, size_t vn), void *arg)
{
	const char *e;
	int rc;

	for (s++;;) {
		while (s < end && IS_WS(*s))
			s++;
		if (s == end)
			return -1;
		if (*s == ']')
			return 0;
		if (*s == 'n' && end - s >= 4 && memcmp(s, "null", 4) == 0)
			s += 4;
		else if (*s == '"') {
			if ((e = memchr(s + 1, '"', (size_t)(end - s - 1))) ==
			    NULL)
				return -1;
			if ((rc = fn(arg, s + 1, (size_t)(e - s - 1))) != 0)
				return rc;
			s = e + 1;
		} else
			return -1;
		while (s < end && IS_WS(*s))
			s++;
		if (s < end && *s == ',')
			s++;
		else if (s == end || *s != ']')
			return -1;
	}
}

int
sl_json_member_strings(const char *rec, size_t n, const struct sl_str *pats,
    size_t npats, int arrays,
    int (*fn)(void *arg, const char *v, size_t vn), void *arg)
{
	const char *end = rec + n, *q, *hit, *s, *v, *e;
	size_t i;
	int rc;

	/* An escape could hide a name or change a value. */
	if (memchr(rec, '\\', n) != NULL)
		return -1;
	for (i = 0; i < npats; i++) {
		q = rec;
		while (q < end && (hit = sl_memmem(q, (size_t)(end - q),
		    pats[i].p, pats[i].n)) != NULL) {
			q = hit + 1;
			/* A member name is followed by a colon; a string
			 * that is not, is a value. */
			s = hit + pats[i].n;
			while (s < end && IS_WS(*s))
				s++;
			if (s == end || *s != ':')
				continue;
			s++;
			while (s < end && IS_WS(*s))
				s++;
			if (s == end)
				return -1;
			if (*s == 'n' && end - s >= 4 &&
			    memcmp(s, "null", 4) == 0)
				continue;	/* no value */
			if (*s == '[' && arrays) {
				if ((rc = array_strings(s, end, fn, arg)) != 0)
					return rc;
				continue;
			}
			if (*s != '"')
				return -1;	/* a number, object, ...: parse */
			v = s + 1;
			if ((e = memchr(v, '"', (size_t)(end - v))) == NULL)
				return -1;
			if ((rc = fn(arg, v, (size_t)(e - v))) != 0)
				return rc;
		}
	}
	return 0;
}

struct key_scan {
	uint64_t h0, *out;
	size_t n, max;
};

static int
key_one(void *arg, const char *v, size_t vn)
{
	struct key_scan *ks = arg;
	uint64_t h;
	size_t k;

	if (vn == 0)
		return 0;	/* empty: no key */
	h = sl_key_hash_more(ks->h0, v, vn);
	for (k = 0; k < ks->n && ks->out[k] != h; k++)
		;
	if (k < ks->n)
		return 0;
	if (ks->n == ks->max)
		return -1;
	ks->out[ks->n++] = h;
	return 0;
}

int
sl_json_key_scan(const char *rec, size_t n, const struct sl_str *pats,
    size_t npats, uint64_t h0, uint64_t *out, size_t max)
{
	struct key_scan ks = { h0, out, 0, max };

	if (sl_json_member_strings(rec, n, pats, npats, 0, key_one, &ks) < 0)
		return -1;
	return (int)ks.n;
}
