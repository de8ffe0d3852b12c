/* test-store.c: the case store: names, ingest and dedup, timelines, recovery,
 * locking, verify and tampering. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "store.h"
#include "check.h"

static char tmp[] = "/tmp/test-store-XXXXXX";

static struct sl_str
S(const char *s)
{
	struct sl_str r = { s, strlen(s) };

	return r;
}

static void
test_names(void)
{
	struct sl_buf e = { 0 }, d = { 0 }, e2 = { 0 };
	uint64_t x = 0x9e3779b97f4a7c15u;
	char name[400];
	size_t i, j, n;
	int hashed = 0;

	/* Fixed cases. */
	CHECK_INT(sl_name_encode("alice", 5, &e), 0);
	CHECK_MEM(e.p, e.n, "alice");
	sl_buf_reset(&e);
	sl_name_encode("Bob Smith/..", 12, &e);
	CHECK_MEM(e.p, e.n, "%42ob%20%53mith%2f.%2e");
	sl_buf_reset(&e);
	sl_name_encode(".hidden", 7, &e);
	CHECK_MEM(e.p, e.n, "%2ehidden");
	sl_buf_reset(&e);
	sl_name_encode("con", 3, &e);
	CHECK_MEM(e.p, e.n, "%63on");
	sl_buf_reset(&e);
	sl_name_encode("lpt1.txt", 8, &e);
	CHECK_MEM(e.p, e.n, "%6cpt1.txt");
	sl_buf_reset(&e);
	sl_name_encode("console", 7, &e);
	CHECK_MEM(e.p, e.n, "console");
	sl_buf_reset(&e);
	sl_name_encode("a~b%c", 5, &e);
	CHECK_MEM(e.p, e.n, "a%7eb%25c");
	/* A name is bytes: NUL is one of them, and round-trips. */
	sl_buf_reset(&e);
	CHECK_INT(sl_name_encode("a\0b", 3, &e), 0);
	CHECK_MEM(e.p, e.n, "a%00b");
	CHECK_INT(sl_name_decode(e.p, e.n, &d), 0);
	CHECK(d.n == 3 && memcmp(d.p, "a\0b", 3) == 0);
	sl_buf_reset(&d);
	sl_buf_reset(&e);
	CHECK_INT(sl_name_encode("\0", 1, &e), 0);
	CHECK_MEM(e.p, e.n, "%00");
	CHECK_INT(sl_name_decode(e.p, e.n, &d), 0);
	CHECK(d.n == 1 && d.p[0] == '\0');
	sl_buf_reset(&d);
	sl_buf_reset(&e);
	CHECK_INT(sl_name_encode("", 0, &e), -EINVAL);
	/* Upper-case hex, a kept byte escaped. */
	CHECK_INT(sl_name_decode("%2Fx", 4, &d), -EBADMSG);
	CHECK_INT(sl_name_decode("%61", 3, &d), -EBADMSG);
	CHECK_INT(sl_name_decode("a/b", 3, &d), -EBADMSG);
	CHECK_INT(sl_name_decode(".a", 2, &d), -EBADMSG);

	/* Random names: safe, reversible unless hashed, and distinct. */
	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = 1 + x % (i % 10 == 0 ? 300 : 12);
		for (j = 0; j < n; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Mostly from a small alphabet, to hit the edges. */
			name[j] = (x >> 8) % 4 == 0 ? (char)(x >> 16) :
			    ".aCc0on ~%"[(x >> 24) % 10];
		}
		sl_buf_reset(&e);
		CHECK_INT(sl_name_encode(name, n, &e), 0);
		CHECK(e.n > 0 && e.n <= 200 + 1 + 32);
		CHECK(e.p[0] != '.');
		CHECK(e.p[e.n - 1] != '.');
		CHECK(strspn(e.p, "abcdefghijklmnopqrstuvwxyz0123456789._@+%~-")
		    == e.n);
		sl_buf_reset(&d);
		j = (size_t)sl_name_decode(e.p, e.n, &d);
		if (j == 1) {
			hashed++;
			CHECK(e.n == 160 + 33 || e.n == 159 + 33 ||
			    e.n == 158 + 33);
			continue;
		}
		CHECK_INT(j, 0);
		CHECK(d.n == n && memcmp(d.p, name, n) == 0);
		/* A one-byte change gives another file. */
		name[n - 1] ^= 1;
		sl_buf_reset(&e2);
		sl_name_encode(name, n, &e2);
		CHECK(e2.n != e.n || memcmp(e2.p, e.p, e.n) != 0);
	}
	CHECK(hashed > 100);
	sl_buf_release(&e);
	sl_buf_release(&d);
	sl_buf_release(&e2);
}

/* ---- helpers ---- */

static void
ev_init(struct sl_event *ev, const char *user, int64_t t, const char *key,
    const char *origin, uint64_t line, const char *raw)
{
	memset(ev, 0, sizeof(*ev));
	ev->time = t;
	ev->user = S(user);
	ev->action = SL_ACT_VIEW;
	ev->outcome = SL_OUT_SUCCESS;
	ev->resource = S("ri.dataset.1");
	ev->count = ev->bytes = -1;
	ev->key = S(key);
	ev->profile = S("test");
	ev->origin = S(origin);
	ev->line = line;
	ev->offset = line * 100;
	ev->raw = S(raw);
}

static struct sl_case *
open_case(const char *dir, int flags)
{
	char err[512];
	struct sl_case *c = sl_case_open(dir, flags, err, sizeof(err));

	if (c == NULL)
		fprintf(stderr, "open %s: %s\n", dir, err);
	return c;
}

static void
log_end(struct sl_ingest *in, int log, const char *sha)
{
	struct sl_log_stats st;

	memset(&st, 0, sizeof(st));
	snprintf(st.sha256, sizeof(st.sha256), "%s", sha);
	st.is_source = 1;
	CHECK_INT(sl_ingest_log_end(in, log, &st), 0);
}

/* The timeline as "time key origin line" lines. */
static void
dump(struct sl_case *c, const char *user, int64_t since, int64_t until,
    struct sl_buf *out)
{
	struct sl_timeline *t = sl_timeline_open(c, user, strlen(user), since,
	    until);
	const struct sl_event *ev;
	int rc;

	sl_buf_reset(out);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	while ((rc = sl_timeline_next(t, &ev)) > 0)
		sl_buf_printf(out, "%lld %.*s %.*s %llu\n",
		    (long long)ev->time, (int)ev->key.n, ev->key.p,
		    (int)ev->origin.n, ev->origin.p,
		    (unsigned long long)ev->line);
	CHECK_INT(rc, 0);
	sl_timeline_free(t);
}

static int nproblems;

static void
report(void *arg, const char *file, const char *problem)
{
	struct sl_buf *b = arg;

	nproblems++;
	if (b != NULL)
		sl_buf_printf(b, "%s: %s\n", file, problem);
}

static int
verify(struct sl_case *c, struct sl_buf *msgs)
{
	if (msgs != NULL)
		sl_buf_reset(msgs);
	return sl_case_verify(c, report, msgs);
}

static char *
slurp_gz(const char *path, size_t *n)
{
	struct sl_buf b = { 0 };
	char buf[65536];
	gzFile gz = gzopen(path, "rb");
	int k;

	if (gz == NULL)
		return NULL;
	while ((k = gzread(gz, buf, sizeof(buf))) > 0)
		sl_buf_add(&b, buf, (size_t)k);
	gzclose(gz);
	*n = b.n;
	return b.p;
}

static char *
slurp(const char *path, size_t *n)
{
	struct sl_buf b = { 0 };
	char buf[65536];
	FILE *fp = fopen(path, "rb");
	size_t k;

	if (fp == NULL)
		return NULL;
	while ((k = fread(buf, 1, sizeof(buf), fp)) > 0)
		sl_buf_add(&b, buf, k);
	fclose(fp);
	*n = b.n;
	return b.p;
}

static void
spit(const char *path, const char *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	fwrite(p, 1, n, fp);
	fclose(fp);
}

/* Record a file's new digest in sessionlog.case, as a careful tamperer
 * would. */
static void
redigest(const char *casedir, const char *rel)
{
	char path[512], hex[65], *p, *at;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", casedir, rel);
	sl_sha256_file(path, hex, NULL);
	snprintf(path, sizeof(path), "%s/current/sessionlog.case", casedir);
	p = slurp(path, &n);
	at = strstr(p, rel);
	memcpy(at - 65, hex, 64);
	spit(path, p, n);
	free(p);
}

static int
count_lines(const char *p, size_t n)
{
	int k = 0;
	size_t i;

	for (i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

/* ---- the tests ---- */

static char casedir[300];

static void
test_create(void)
{
	struct sl_case *c;
	struct stat st;
	char path[400];

	snprintf(casedir, sizeof(casedir), "%s/case", tmp);
	umask(0);
	CHECK(open_case(casedir, 0) == NULL);
	c = open_case(casedir, SL_CASE_CREATE | SL_CASE_WRITE);
	CHECK(c != NULL);
	CHECK_INT(sl_case_user_count(c), 0);
	CHECK_INT(verify(c, NULL), 0);
	sl_case_free(c);
	CHECK_INT(stat(casedir, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/users", casedir);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/manifest.tsv", casedir);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/sessionlog.case", casedir);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	umask(022);
	/* A directory that is not a case is left alone. */
	snprintf(path, sizeof(path), "%s/notacase", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/notacase/x", tmp);
	spit(path, "x", 1);
	snprintf(path, sizeof(path), "%s/notacase", tmp);
	CHECK(open_case(path, SL_CASE_CREATE | SL_CASE_WRITE) == NULL);
}

static const char sha_a[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char sha_b[] =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static void
test_ingest(void)
{
	struct sl_ingest_opts o;
	struct sl_ingest_result res;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_item it;
	struct sl_buf b = { 0 };
	struct sl_case *c;
	char path[400], *p;
	size_t n;
	int la, lb, lb2;

	sl_ingest_opts_init(&o);
	c = open_case(casedir, SL_CASE_WRITE);
	CHECK(c != NULL);
	CHECK_INT(sl_case_has_sha256(c, sha_a), 0);
	in = sl_ingest_new(c, &o);
	la = sl_ingest_log(in, "a.log", "test");
	CHECK_INT(la, 0);
	/* alice: ties at t=100 */
	ev_init(&ev, "alice", 100, "k2", "a.log", 3, "r3");
	CHECK_INT(sl_ingest_event(in, la, &ev), 0);
	ev_init(&ev, "alice", 100, "k1", "a.log", 4, "r4");
	sl_ingest_event(in, la, &ev);
	ev_init(&ev, "alice", 100, "", "a.log", 5, "same");
	sl_ingest_event(in, la, &ev);
	ev_init(&ev, "alice", 50, "k0", "a.log", 6, "r6");
	sl_ingest_event(in, la, &ev);
	/* staged twice in one batch: the first wins */
	ev_init(&ev, "alice", 200, "dupkey", "a.log", 7, "first");
	sl_ingest_event(in, la, &ev);
	ev_init(&ev, "alice", 200, "dupkey", "a.log", 8, "second");
	sl_ingest_event(in, la, &ev);
	ev_init(&ev, "Bob Smith", 10, "", "a.log", 9, "b9");
	sl_ingest_event(in, la, &ev);
	ev_init(&ev, "", 10, "", "a.log", 10, "nouser");
	CHECK_INT(sl_ingest_event(in, la, &ev), -EINVAL);
	memset(&it, 0, sizeof(it));
	it.type = SL_ITEM_REJECT;
	it.name = "a.log";
	it.profile = "test";
	it.reason = "no time";
	it.line = 2;
	it.raw = S("garbage\twith tab");
	CHECK_INT(sl_ingest_reject(in, la, &it), 0);
	log_end(in, la, sha_a);
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	CHECK_INT(res.logs, 1);
	CHECK_INT(res.read, 8);
	CHECK_INT(res.accepted, 6);
	CHECK_INT(res.duplicates, 1);
	CHECK_INT(res.rejected, 1);
	CHECK_INT(res.users, 2);
	CHECK_INT(res.first, 10);
	CHECK_INT(res.last, 200);
	CHECK_INT(sl_ingest_commit(in, &res), -EINVAL);
	sl_ingest_free(in);
	CHECK(sl_case_has_sha256(c, sha_a));
	CHECK(!sl_case_has_sha256(c, sha_b));
	CHECK_INT(sl_case_user_count(c), 2);
	CHECK_STR(sl_case_user(c, 0).p, "Bob Smith");
	CHECK_STR(sl_case_user(c, 1).p, "alice");

	/* Second batch: overlaps the first. */
	in = sl_ingest_new(c, &o);
	lb = sl_ingest_log(in, "b.log", "test");
	lb2 = sl_ingest_log(in, "c.tar!inner.log", "test");
	/* dup by key */
	ev_init(&ev, "alice", 100, "k1", "b.log", 1, "other raw");
	sl_ingest_event(in, lb, &ev);
	/* dup by raw */
	ev_init(&ev, "alice", 100, "", "b.log", 2, "same");
	sl_ingest_event(in, lb, &ev);
	/* new */
	ev_init(&ev, "alice", 100, "", "b.log", 3, "different");
	sl_ingest_event(in, lb, &ev);
	/* another time: new */
	ev_init(&ev, "alice", 101, "", "b.log", 4, "same");
	sl_ingest_event(in, lb, &ev);
	/* dup, sorts first */
	ev_init(&ev, "alice", 100, "k1", "a.log", 1, "x");
	sl_ingest_event(in, lb2, &ev);
	ev_init(&ev, "carol", 5, "", "c.tar!inner.log", 1, "c1");
	sl_ingest_event(in, lb2, &ev);
	it.name = "b.log";
	it.line = 9;
	sl_ingest_reject(in, lb, &it);
	it.name = "c.tar!inner.log";
	it.line = 1;
	sl_ingest_reject(in, lb2, &it);
	log_end(in, lb, sha_b);
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	CHECK_INT(res.read, 8);
	CHECK_INT(res.accepted, 3);
	CHECK_INT(res.duplicates, 3);
	CHECK_INT(res.rejected, 2);
	CHECK_INT(res.users, 2);
	sl_ingest_free(in);
	sl_case_free(c);

	/* Read back from a fresh handle. */
	c = open_case(casedir, 0);
	CHECK(c != NULL);
	CHECK_INT(sl_case_user_count(c), 3);
	CHECK(sl_case_has_sha256(c, sha_b));
	dump(c, "alice", INT64_MIN, INT64_MAX, &b);
	CHECK_MEM(b.p, b.n,
	    "50 k0 a.log 6\n"
	    "100  a.log 5\n"
	    "100  b.log 3\n"
	    "100 k1 a.log 4\n"
	    "100 k2 a.log 3\n"
	    "101  b.log 4\n"
	    "200 dupkey a.log 7\n");
	dump(c, "alice", 100, 101, &b);
	CHECK_INT(count_lines(b.p, b.n), 4);
	dump(c, "nobody", INT64_MIN, INT64_MAX, &b);
	CHECK_INT(b.n, 0);
	dump(c, "Bob Smith", INT64_MIN, INT64_MAX, &b);
	CHECK_MEM(b.p, b.n, "10  a.log 9\n");
	CHECK_INT(verify(c, &b), 0);
	if (b.n > 0)
		fprintf(stderr, "%s", b.p);

	/* The files are plain gzip, the manifest counts per log. */
	snprintf(path, sizeof(path), "%s/users/alice.tsv.gz", casedir);
	p = slurp_gz(path, &n);
	CHECK(p != NULL && n > 5 && memcmp(p, "time\tuser\t", 10) == 0);
	CHECK_INT(count_lines(p, n), 8);
	free(p);
	snprintf(path, sizeof(path), "%s/rejects.tsv.gz", casedir);
	p = slurp_gz(path, &n);
	CHECK_MEM(p, n,
	    "origin\tline\toffset\tprofile\treason\traw\n"
	    "a.log\t2\t0\ttest\tno time\tgarbage\\twith tab\n"
	    "b.log\t9\t0\ttest\tno time\tgarbage\\twith tab\n"
	    "c.tar!inner.log\t1\t0\ttest\tno time\tgarbage\\twith tab\n");
	free(p);
	snprintf(path, sizeof(path), "%s/manifest.tsv", casedir);
	p = slurp(path, &n);
	CHECK(p != NULL && count_lines(p, n) == 4);
	/* a.log: read 8 = 6 + 1 + 1; b.log: 5 = 2 + 2 + 1;
	 * c.tar!inner.log: 3 = 1 + 1 + 1, path and member apart */
	CHECK(strstr(p, "\ta.log\t\ttest\t8\t6\t1\t1\t") != NULL);
	CHECK(strstr(p, "\tb.log\t\ttest\t5\t2\t2\t1\t") != NULL);
	CHECK(strstr(p, "\tc.tar\tinner.log\ttest\t3\t1\t1\t1\t") != NULL);
	CHECK(strstr(p, sha_a) != NULL);
	free(p);
	sl_case_free(c);
	sl_buf_release(&b);
}

/* A case of many events for one user, ingested with mem_limit. */
static void
build_big(const char *dir, size_t mem_limit, int nev)
{
	struct sl_ingest_opts o;
	struct sl_ingest_result res;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_case *c;
	char raw[300], key[32], user[16];
	int i, log;
	struct stat st;
	char path[400];

	sl_ingest_opts_init(&o);
	c = open_case(dir, SL_CASE_CREATE | SL_CASE_WRITE);
	if (c == NULL)
		return;
	o.mem_limit = mem_limit;
	in = sl_ingest_new(c, &o);
	log = sl_ingest_log(in, "big.log", "test");
	for (i = 0; i < nev; i++) {
		/* Times out of order, a few users, some duplicates. */
		int64_t t = (int64_t)((i * 7919) % nev) * 1000000;

		snprintf(user, sizeof(user), "u%d", i % 3);
		snprintf(key, sizeof(key), "id%d", i % (nev - 50));
		snprintf(raw, sizeof(raw), "{\"n\":%d,\"pad\":\"%0200d\"}", i,
		    i);
		ev_init(&ev, user, t, key, "big.log", (uint64_t)i + 1, raw);
		if (sl_ingest_event(in, log, &ev) < 0) {
			CHECK(0);
			break;
		}
	}
	log_end(in, log, sha_a);
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	CHECK_INT(res.accepted + res.duplicates, nev);
	sl_ingest_free(in);
	snprintf(path, sizeof(path), "%s/.tmp", dir);
	CHECK(stat(path, &st) < 0);	/* runs are cleaned up */
	sl_case_free(c);
}

/* The zone of the case: what the manifest's tz column says. */
static void
test_case_tz(void)
{
	static const char head[] = "sha256\tbytes\tpath\tmember\tprofile\t"
	    "read\taccepted\tduplicates\trejected\tfirst\tlast\ttz\t"
	    "ingested\n";
	static const struct {
		const char *rows;	/* tz cells, one per row, '|' between */
		int want;
		const char *zone;
	} t[] = {
		{ "", 0, "" },
		{ "|", 0, "" },
		{ "America/New_York||America/New_York", 1,
		    "America/New_York" },
		{ "|UTC|", 1, "UTC" },
		{ "America/New_York|UTC", 2, "America/New_York" },
		{ "Europe/Berlin|Europe/Berlin|America/New_York|UTC", 2,
		    "Europe/Berlin" },
	};
	struct sl_case *c;
	char dir[400], path[450], zone[64], buf[4096];
	size_t i, n;
	const char *p, *q;

	snprintf(dir, sizeof(dir), "%s/tzcase", tmp);
	c = open_case(dir, SL_CASE_CREATE | SL_CASE_WRITE);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	/* A new case: a manifest with only its header. */
	CHECK_INT(sl_case_tz(c, zone, sizeof(zone)), 0);
	CHECK_STR(zone, "");
	snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = (size_t)snprintf(buf, sizeof(buf), "%s", head);
		for (p = t[i].rows; ; p = q + 1) {
			q = strchr(p, '|');
			if (q == NULL)
				q = p + strlen(p);
			if (*t[i].rows != '\0' || q != p)
				n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				    "%s\t1\tf\t\tx\t1\t1\t0\t0\t\t\t%.*s\t"
				    "2026-03-14T00:00:00.000000Z\n", sha_a,
				    (int)(q - p), p);
			if (*q == '\0')
				break;
		}
		spit(path, buf, n);
		CHECK_INT(sl_case_tz(c, zone, sizeof(zone)), t[i].want);
		CHECK_STR(zone, t[i].zone);
	}
	/* Found by its name, with more columns after it and before. */
	n = (size_t)snprintf(buf, sizeof(buf), "sha256\textra\ttz\tmore\n"
	    "%s\ta\tAsia/Kolkata\tb\tc\n%s\t\t\t\n", sha_a, sha_b);
	spit(path, buf, n);
	CHECK_INT(sl_case_tz(c, zone, sizeof(zone)), 1);
	CHECK_STR(zone, "Asia/Kolkata");
	CHECK_INT(sl_case_tz(c, zone, 5), -E2BIG);
	/* No tz column at all: no zone. */
	spit(path, "sha256\tpath\n", 12);
	CHECK_INT(sl_case_tz(c, zone, sizeof(zone)), 0);
	/* No manifest (the file, not the case's link to it). */
	snprintf(path, sizeof(path), "%s/current/manifest.tsv", dir);
	unlink(path);
	CHECK(sl_case_tz(c, zone, sizeof(zone)) < 0);
	sl_case_free(c);
}

static void
test_big(void)
{
	char d1[300], d2[300], p1[400], p2[400], *a, *b;
	struct sl_buf x = { 0 }, y = { 0 };
	struct sl_case *c1, *c2;
	size_t na, nb;
	int nev = 30000, i;

	snprintf(d1, sizeof(d1), "%s/big1", tmp);
	snprintf(d2, sizeof(d2), "%s/big2", tmp);
	build_big(d1, 0, nev);
	/* The smallest limit: many runs, merged. */
	build_big(d2, 1, nev);
	/* Same timelines whatever the memory. */
	for (i = 0; i < 3; i++) {
		snprintf(p1, sizeof(p1), "%s/users/u%d.tsv.gz", d1, i);
		snprintf(p2, sizeof(p2), "%s/users/u%d.tsv.gz", d2, i);
		a = slurp_gz(p1, &na);
		b = slurp_gz(p2, &nb);
		CHECK(a != NULL && b != NULL && na == nb &&
		    memcmp(a, b, na) == 0);
		CHECK(na > 1000000);
		free(a);
		free(b);
	}
	c1 = open_case(d1, 0);
	c2 = open_case(d2, 0);
	CHECK_INT(verify(c1, NULL), 0);
	CHECK_INT(verify(c2, NULL), 0);
	/* Time ranges through the idx agree with a filtered full read. */
	{
		static const int64_t r[][2] = {
			{ INT64_MIN, INT64_MAX }, { 0, 1 },
			{ 12345000000, 12346000000 },
			{ 29000000000, INT64_MAX }, { INT64_MIN, 777000000 },
			{ 5000000000, 5000000000 }, { 40000000000, INT64_MAX },
		};
		size_t k;

		for (k = 0; k < SL_ARRAY_LEN(r); k++) {
			struct sl_timeline *t;
			const struct sl_event *ev;
			uint64_t want = 0;

			t = sl_timeline_open(c1, "u1", 2, INT64_MIN, INT64_MAX);
			while (sl_timeline_next(t, &ev) > 0)
				if (ev->time >= r[k][0] && ev->time < r[k][1])
					want++;
			sl_timeline_free(t);
			dump(c1, "u1", r[k][0], r[k][1], &x);
			dump(c2, "u1", r[k][0], r[k][1], &y);
			CHECK_INT(count_lines(x.p, x.n), want);
			CHECK(x.n == y.n && memcmp(x.p, y.p, x.n) == 0);
		}
	}
	/* The idx lets a range read skip a damaged early block. */
	{
		FILE *fp;
		const struct sl_event *ev;
		struct sl_timeline *t;
		int rc;

		snprintf(p1, sizeof(p1), "%s/users/u1.tsv.gz", d1);
		fp = fopen(p1, "r+b");
		fseek(fp, 2000, SEEK_SET);
		putc(getc(fp) ^ 0xff, fp);
		fclose(fp);
		t = sl_timeline_open(c1, "u1", 2, 29000000000, INT64_MAX);
		while ((rc = sl_timeline_next(t, &ev)) > 0)
			;
		CHECK_INT(rc, 0);
		sl_timeline_free(t);
		t = sl_timeline_open(c1, "u1", 2, INT64_MIN, INT64_MAX);
		while ((rc = sl_timeline_next(t, &ev)) > 0)
			;
		CHECK(rc < 0);
		CHECK(strstr(sl_case_error(c1), "u1.tsv.gz") != NULL);
		sl_timeline_free(t);
		nproblems = 0;
		CHECK(verify(c1, NULL) >= 2);	/* digest and the block */
	}
	sl_case_free(c1);
	sl_case_free(c2);
	sl_buf_release(&x);
	sl_buf_release(&y);
}

/* The number of the generation current names, or 0. */
static unsigned long
current_gen(const char *dir)
{
	char path[400], link[64];
	ssize_t r;

	snprintf(path, sizeof(path), "%s/current", dir);
	r = readlink(path, link, sizeof(link) - 1);
	if (r < 0)
		return 0;
	link[r] = '\0';
	return strncmp(link, "gen/", 4) == 0 ? strtoul(link + 4, NULL, 10) :
	    0;
}

static int
gen_exists(const char *dir, unsigned long n)
{
	char path[400];
	struct stat st;

	snprintf(path, sizeof(path), "%s/gen/%lu", dir, n);
	return stat(path, &st) == 0;
}

/* Commit a new generation of the case with one more manifest row. */
static int
add_row(struct sl_case *c, const char *name)
{
	static char manifest[] = "manifest.tsv";
	char *paths[1] = { manifest };
	FILE *in, *out;
	int ch, rc;

	if ((rc = sl_case_txn_begin(c)) < 0)
		return rc;
	in = sl_case_fopen(c, "manifest.tsv");
	out = sl_case_fcreate(c, ".txn/manifest.tsv");
	if (in == NULL || out == NULL)
		return -EIO;
	while ((ch = getc(in)) != EOF)
		putc(ch, out);
	fclose(in);
	fprintf(out, "\t0\t%s\t\t\t0\t0\t0\t0\t\t\tUTC\t"
	    "2024-01-01T00:00:00.000000Z\t0\t0\t\n", name);
	if ((rc = sl_case_fclose(c, out, ".txn/manifest.tsv")) < 0)
		return rc;
	return sl_case_txn_commit(c, paths, 1);
}

static void
test_recovery(void)
{
	struct sl_case *c, *r;
	struct sl_buf b = { 0 };
	char path[400];
	unsigned long g;
	struct stat st;
	FILE *fp;

	/* What a writer left before its commit: a generation never
	 * shown, and a link never renamed.  A reader reads the case as it
	 * is and leaves them; the next writer removes them. */
	g = current_gen(casedir);
	CHECK(g > 0);
	snprintf(path, sizeof(path), "%s/gen/%lu", casedir, g + 1);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/gen/%lu/users", casedir, g + 1);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/gen/%lu/users/alice.tsv.gz", casedir,
	    g + 1);
	spit(path, "half-written", 12);
	snprintf(path, sizeof(path), "%s/current.new", casedir);
	CHECK_INT(symlink("gen/999", path), 0);
	c = open_case(casedir, 0);
	CHECK(c != NULL);
	CHECK_INT(verify(c, &b), 0);
	sl_case_free(c);
	CHECK(gen_exists(casedir, g + 1));
	CHECK_INT(current_gen(casedir), g);
	c = open_case(casedir, SL_CASE_WRITE);
	CHECK(c != NULL);
	CHECK(!gen_exists(casedir, g + 1));
	CHECK(lstat(path, &st) < 0);
	CHECK_INT(verify(c, &b), 0);

	/* A reader holds its generation: the writer commits beside it
	 * and removes it only when the reader is gone. */
	r = open_case(casedir, 0);
	CHECK(r != NULL);
	CHECK_INT(add_row(c, "while-read.log"), 0);
	CHECK_INT(current_gen(casedir), g + 1);
	CHECK(gen_exists(casedir, g));
	CHECK(!sl_case_has_sha256(r, NULL));
	{
		struct sl_manifest *m = sl_manifest_open(r);
		const struct sl_manifest_row *row;
		int rows = 0, rc;

		while ((rc = sl_manifest_next(m, &row)) > 0)
			rows++;
		CHECK_INT(rc, 0);
		sl_manifest_free(m);
		m = sl_manifest_open(c);
		while ((rc = sl_manifest_next(m, &row)) > 0)
			rows--;
		sl_manifest_free(m);
		CHECK_INT(rows, -1);	/* the reader: the old generation */
	}
	CHECK_INT(verify(r, &b), 0);
	sl_case_free(r);
	CHECK(gen_exists(casedir, g));
	CHECK_INT(add_row(c, "after-read.log"), 0);
	CHECK(!gen_exists(casedir, g));
	CHECK(!gen_exists(casedir, g + 1));
	CHECK_INT(current_gen(casedir), g + 2);
	CHECK_INT(verify(c, &b), 0);
	sl_case_free(c);

	/* A generation found gone after its lock is not read: current is
	 * read again.  (A writer removes sessionlog.case first.) */
	snprintf(path, sizeof(path), "%s/gen/%lu/sessionlog.case", casedir,
	    g + 2);
	{
		char keep[420];

		snprintf(keep, sizeof(keep), "%s.keep", path);
		CHECK_INT(rename(path, keep), 0);
		{
			char err[512];

			c = sl_case_open(casedir, 0, err, sizeof(err));
			CHECK(c == NULL);
			CHECK(strstr(err, "no generation of the case could be "
			    "opened") != NULL);
		}
		CHECK_INT(rename(keep, path), 0);
	}
	fp = fopen(path, "r");
	CHECK(fp != NULL);
	if (fp != NULL)
		fclose(fp);
	sl_buf_release(&b);
}

/* A writer in a child process that holds the case until told. */
static pid_t
hold_case(int go[2], int ready[2])
{
	char err[512], ch;
	struct sl_case *c;
	pid_t pid;

	CHECK_INT(pipe(go), 0);
	CHECK_INT(pipe(ready), 0);
	pid = fork();
	if (pid == 0) {
		c = sl_case_open(casedir, SL_CASE_WRITE, err, sizeof(err));
		if (write(ready[1], c != NULL ? "y" : "n", 1) != 1 ||
		    read(go[0], &ch, 1) != 1)
			_exit(1);
		sl_case_free(c);
		_exit(0);
	}
	CHECK(read(ready[0], &ch, 1) == 1 && ch == 'y');
	return pid;
}

static void
test_lock(void)
{
	int go[2], ready[2], status;
	char err[512], want[64];
	struct sl_case *c, *c2;
	struct timespec t0, t1;
	pid_t pid;

	pid = hold_case(go, ready);
	c = sl_case_open(casedir, SL_CASE_WRITE, err, sizeof(err));
	CHECK(c == NULL);
	snprintf(want, sizeof(want), "(pid %ld since 2", (long)pid);
	CHECK(strstr(err, "is being written by another process") != NULL);
	CHECK(strstr(err, want) != NULL);
	/* Readers are not kept out by a writer. */
	c = open_case(casedir, 0);
	CHECK(c != NULL);
	sl_case_free(c);
	/* --wait: a second writer waits, and gives up. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = sl_case_open_wait(casedir, SL_CASE_WRITE, 1, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(c == NULL);
	CHECK(strstr(err, "is still being written by another process") !=
	    NULL);
	CHECK(strstr(err, "after 1 second") != NULL);
	CHECK(t1.tv_sec - t0.tv_sec >= 1);
	CHECK(write(go[1], "x", 1) == 1);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	/* ... or gets the case when the first is done. */
	pid = hold_case(go, ready);
	if (fork() == 0) {
		usleep(300000);
		_exit(write(go[1], "x", 1) == 1 ? 0 : 1);
	}
	c = sl_case_open_wait(casedir, SL_CASE_WRITE, 30, err, sizeof(err));
	CHECK(c != NULL);
	/* Readers share with the writer, and a writer never waits for
	 * them. */
	c2 = open_case(casedir, 0);
	CHECK(c2 != NULL);
	sl_case_free(c);
	c = open_case(casedir, SL_CASE_WRITE);
	CHECK(c != NULL);
	sl_case_free(c);
	sl_case_free(c2);
	while (wait(&status) > 0)
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
}

static void
test_audit(void)
{
	char *const argv[] = { "-C", "my case", "it's\ttabbed", NULL };
	struct sl_case *c = open_case(casedir, 0);
	char path[400], *p;
	struct stat st;
	size_t n;

	CHECK_INT(sl_case_audit(c, "grep-sessions", 3, argv), 0);
	CHECK_INT(sl_case_audit(c, "ingest", 0, NULL), 0);
	sl_case_free(c);
	snprintf(path, sizeof(path), "%s/audit.log", casedir);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	p = slurp(path, &n);
	CHECK_INT(count_lines(p, n), 2);
	CHECK(strstr(p, "\tgrep-sessions\t-C 'my case' 'it'\\\\''s\\ttabbed'\n")
	    != NULL);
	CHECK(strstr(p, "\tingest\t\n") != NULL);
	CHECK(p[4] == '-' && p[10] == 'T' && p[26] == 'Z' && p[27] == '\t');
	free(p);
}

static void
test_tamper(void)
{
	struct sl_case *c;
	struct sl_buf b = { 0 };
	char path[400], *p, *orig, *nl;
	size_t n, on;
	FILE *fp;
	struct sl_bgzf_writer *w;
	int k;

	c = open_case(casedir, 0);
	CHECK_INT(verify(c, &b), 0);
	sl_case_free(c);

	/* A flipped byte. */
	snprintf(path, sizeof(path), "%s/users/alice.tsv.gz", casedir);
	orig = slurp(path, &on);
	orig[on / 2] ^= 0x20;
	spit(path, orig, on);
	c = open_case(casedir, 0);
	k = verify(c, &b);
	CHECK(k >= 2);
	CHECK(strstr(b.p, "users/alice.tsv.gz: SHA-256") != NULL);
	sl_case_free(c);
	orig[on / 2] ^= 0x20;
	spit(path, orig, on);

	/* A row deleted and the digest fixed up. */
	p = slurp_gz(path, &n);
	/* The end of the first row. */
	nl = strchr(strchr(p, '\n') + 1, '\n');
	fp = fopen(path, "wb");
	w = sl_bgzf_writer_new(fp, 6);
	sl_bgzf_write(w, p, (size_t)(strchr(p, '\n') + 1 - p));
	sl_bgzf_write(w, nl + 1, n - (size_t)(nl + 1 - p));
	sl_bgzf_close(w);
	fclose(fp);
	free(p);
	redigest(casedir, "users/alice.tsv.gz");
	c = open_case(casedir, 0);
	k = verify(c, &b);
	CHECK(k >= 2);
	CHECK(strstr(b.p, "manifest.tsv: \"a.log\": 6 events accepted, the "
	    "timelines hold 5") != NULL);
	CHECK(strstr(b.p, "users/alice.idx: chunk") != NULL);
	sl_case_free(c);
	spit(path, orig, on);
	redigest(casedir, "users/alice.tsv.gz");
	free(orig);

	/* The manifest edited, digest fixed up. */
	snprintf(path, sizeof(path), "%s/manifest.tsv", casedir);
	orig = slurp(path, &on);
	p = strstr(orig, "\tb.log\t\ttest\t5\t2\t2\t1\t");
	CHECK(p != NULL);
	p[15] = '3';
	p[17] = '1';
	spit(path, orig, on);
	redigest(casedir, "manifest.tsv");
	c = open_case(casedir, 0);
	k = verify(c, &b);
	CHECK_INT(k, 1);
	CHECK(strstr(b.p, "manifest.tsv: \"b.log\": 3 events accepted, the "
	    "timelines hold 2") != NULL);
	sl_case_free(c);
	/* ... and not fixed up. */
	p[15] = '2';
	p[17] = '2';
	p[13] = '6';
	spit(path, orig, on);
	c = open_case(casedir, 0);
	k = verify(c, &b);
	CHECK(k >= 2);
	CHECK(strstr(b.p, "manifest.tsv: SHA-256") != NULL);
	CHECK(strstr(b.p, "read is not") != NULL);
	sl_case_free(c);
	p[13] = '5';
	spit(path, orig, on);
	redigest(casedir, "manifest.tsv");
	free(orig);

	/* A file slipped in. */
	snprintf(path, sizeof(path), "%s/users/mallory.tsv.gz", casedir);
	spit(path, "x", 1);
	c = open_case(casedir, 0);
	CHECK_INT(verify(c, &b), 1);
	CHECK(strstr(b.p, "users/mallory.tsv.gz: not recorded") != NULL);
	sl_case_free(c);
	unlink(path);
	c = open_case(casedir, 0);
	CHECK_INT(verify(c, &b), 0);
	sl_case_free(c);
	sl_buf_release(&b);
}

/* Rows larger than a block: a chunk of several blocks. */
static void
test_large_rows(void)
{
	struct sl_ingest_result res;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_case *c;
	struct sl_timeline *t;
	const struct sl_event *e;
	char dir[300], *raw;
	size_t n = 300000;
	int i, log, got = 0;

	snprintf(dir, sizeof(dir), "%s/large", tmp);
	raw = malloc(n + 1);
	for (i = 0; (size_t)i < n; i++)
		raw[i] = (char)(i * 131 % 251);	/* control bytes too */
	raw[n] = '\0';
	c = open_case(dir, SL_CASE_CREATE | SL_CASE_WRITE);
	in = sl_ingest_new(c, NULL);
	log = sl_ingest_log(in, "l.log", "test");
	for (i = 0; i < 6; i++) {
		ev_init(&ev, "big", i % 2 == 0 ? 1000 * i : 7, "", "l.log",
		    (uint64_t)i + 1, "");
		ev.raw.p = raw;
		ev.raw.n = i % 3 == 0 ? n : 10 + (size_t)i;
		CHECK_INT(sl_ingest_event(in, log, &ev), 0);
	}
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	CHECK_INT(res.accepted, 6);
	sl_ingest_free(in);
	CHECK_INT(verify(c, NULL), 0);
	t = sl_timeline_open(c, "big", 3, 1, 5000);
	while (sl_timeline_next(t, &e) > 0) {
		got++;
		if (e->line == 4)
			CHECK(e->raw.n == n && memcmp(e->raw.p, raw, n) == 0);
	}
	CHECK_INT(got, 5);
	sl_timeline_free(t);
	sl_case_free(c);
	free(raw);
}

/* The one record-size limit, where an event is accepted: a record of
 * exactly SL_MAX_RECORD_LIMIT bytes is stored and read back, one byte more
 * is a reject with its reason (keeping the limit's worth), and the run goes
 * on. */
static void
test_record_limit(void)
{
	struct sl_ingest_result res;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_case *c;
	struct sl_timeline *t;
	const struct sl_event *e;
	struct sl_buf msgs = { 0 };
	char dir[300], path[400], *raw, *rej, *nl, *tab;
	size_t n = SL_MAX_RECORD_LIMIT + 1, rn;
	int log, got = 0;

	snprintf(dir, sizeof(dir), "%s/limit", tmp);
	raw = malloc(n);
	CHECK(raw != NULL);
	if (raw == NULL)
		return;
	memset(raw, 'x', n);
	/* Scratch: nothing synced, 64 MiB twice is slow enough. */
	c = open_case(dir, SL_CASE_CREATE | SL_CASE_WRITE | SL_CASE_SCRATCH);
	in = sl_ingest_new(c, NULL);
	log = sl_ingest_log(in, "l.log", "test");
	ev_init(&ev, "limit", 1000, "", "l.log", 1, "");
	ev.raw.p = raw;
	ev.raw.n = n - 1;
	CHECK_INT(sl_ingest_event(in, log, &ev), 0);
	ev_init(&ev, "limit", 2000, "", "l.log", 2, "");
	ev.raw.p = raw;
	ev.raw.n = n;
	CHECK_INT(sl_ingest_event(in, log, &ev), 1);
	CHECK_STR(sl_ingest_error(in),
	    "record longer than the limit (67108864 bytes)");
	ev_init(&ev, "limit", 3000, "", "l.log", 3, "after");
	CHECK_INT(sl_ingest_event(in, log, &ev), 0);
	log_end(in, log, sha_a);
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	CHECK_INT(res.read, 3);
	CHECK_INT(res.accepted, 2);
	CHECK_INT(res.rejected, 1);
	sl_ingest_free(in);
	CHECK_INT(verify(c, &msgs), 0);
	t = sl_timeline_open(c, "limit", 5, INT64_MIN, INT64_MAX);
	while (t != NULL && sl_timeline_next(t, &e) > 0) {
		got++;
		if (e->line == 1)
			CHECK(e->raw.n == n - 1 && e->raw.p[0] == 'x' &&
			    e->raw.p[n - 2] == 'x');
		else
			CHECK_SLSTR(e->raw, "after");
	}
	CHECK_INT(got, 2);
	sl_timeline_free(t);
	sl_case_free(c);

	/* The reject: its reason, and the record's first 64 MiB. */
	snprintf(path, sizeof(path), "%s/rejects.tsv.gz", dir);
	rej = slurp_gz(path, &rn);
	CHECK(rej != NULL);
	if (rej != NULL) {
		nl = memchr(rej, '\n', rn);
		CHECK(nl != NULL);
		if (nl != NULL) {
			const char *want = "l.log\t2\t200\ttest\trecord longer "
			    "than the limit (67108864 bytes)\t";

			CHECK(strncmp(nl + 1, want, strlen(want)) == 0);
			tab = nl + 1 + strlen(want);
			CHECK_INT(rn - (size_t)(tab - rej), n - 1 + 1);
		}
	}
	free(rej);
	free(raw);
	sl_buf_release(&msgs);
}

int
main(void)
{
	char cmd[400];

	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_names();
	test_create();
	test_ingest();
	test_recovery();
	test_lock();
	test_audit();
	test_tamper();
	test_big();
	test_case_tz();
	test_large_rows();
	test_record_limit();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	return check_done("store");
}
