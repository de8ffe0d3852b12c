/* test-case-meta.c: what a case says about itself: user names as bytes,
 * users' spans, the manifest, rejects and conflicts as rows. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "check.h"

static char tmp[] = "/tmp/test-case-meta-XXXXXX";

static const char sha_a[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char sha_b[] =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static struct sl_str
B(const char *p, size_t n)
{
	struct sl_str r = { p, n };

	return r;
}

static struct sl_str
S(const char *s)
{
	return B(s, strlen(s));
}

static void
ev_init(struct sl_event *ev, struct sl_str user, int64_t t, const char *key,
    const char *origin, uint64_t line, const char *raw)
{
	memset(ev, 0, sizeof(*ev));
	ev->time = t;
	ev->user = user;
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

static void
report(void *arg, const char *file, const char *problem)
{
	(void)arg;
	fprintf(stderr, "verify: %s: %s\n", file, problem);
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

/* The times of a user's timeline as "t t t". */
static void
times(struct sl_case *c, struct sl_str user, struct sl_buf *out)
{
	struct sl_timeline *t;
	const struct sl_event *ev;
	int rc;

	sl_buf_reset(out);
	t = sl_timeline_open(c, user.p, user.n, INT64_MIN, INT64_MAX);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	while ((rc = sl_timeline_next(t, &ev)) > 0) {
		CHECK(ev->user.n == user.n &&
		    memcmp(ev->user.p, user.p, user.n) == 0);
		sl_buf_printf(out, "%s%lld", out->n > 0 ? " " : "",
		    (long long)ev->time);
	}
	CHECK_INT(rc, 0);
	sl_timeline_free(t);
}

/* Users whose names hold NUL, and one that is a prefix of them. */
static void
test_nul_names(void)
{
	struct sl_ingest_opts o = { 0 };
	struct sl_ingest_result res;
	struct sl_log_stats st;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_buf b = { 0 };
	struct sl_case *c;
	struct sl_str u;
	char dir[300];
	int lg;

	snprintf(dir, sizeof(dir), "%s/nul", tmp);
	c = open_case(dir, SL_CASE_CREATE | SL_CASE_WRITE);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	sl_ingest_opts_init(&o);
	in = sl_ingest_new(c, &o);
	lg = sl_ingest_log(in, "n.log", "test");
	ev_init(&ev, B("a\0b", 3), 30, "", "n.log", 1, "r1");
	CHECK_INT(sl_ingest_event(in, lg, &ev), 0);
	ev_init(&ev, B("a", 1), 10, "", "n.log", 2, "r2");
	CHECK_INT(sl_ingest_event(in, lg, &ev), 0);
	ev_init(&ev, B("a\0", 2), 20, "", "n.log", 3, "r3");
	CHECK_INT(sl_ingest_event(in, lg, &ev), 0);
	ev_init(&ev, B("a\0b", 3), 40, "", "n.log", 4, "r4");
	CHECK_INT(sl_ingest_event(in, lg, &ev), 0);
	memset(&st, 0, sizeof(st));
	memcpy(st.sha256, sha_a, 65);
	st.is_source = 1;
	CHECK_INT(sl_ingest_log_end(in, lg, &st), 0);
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	CHECK_INT(res.users, 3);
	sl_ingest_free(in);
	sl_case_free(c);

	/* From the file names alone, in a new handle. */
	c = open_case(dir, 0);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(sl_case_user_count(c), 3);
	u = sl_case_user(c, 0);
	CHECK(u.n == 1 && memcmp(u.p, "a", 2) == 0);
	u = sl_case_user(c, 1);
	CHECK(u.n == 2 && memcmp(u.p, "a\0", 3) == 0);
	u = sl_case_user(c, 2);
	CHECK(u.n == 3 && memcmp(u.p, "a\0b", 4) == 0);
	u = sl_case_user(c, 3);
	CHECK(u.p == NULL && u.n == 0);
	times(c, B("a\0b", 3), &b);
	CHECK_MEM(b.p, b.n, "30 40");
	times(c, B("a\0", 2), &b);
	CHECK_MEM(b.p, b.n, "20");
	times(c, B("a", 1), &b);
	CHECK_MEM(b.p, b.n, "10");
	times(c, B("a\0c", 3), &b);
	CHECK_MEM(b.p, b.n, "");
	CHECK_INT(sl_case_verify(c, report, NULL), 0);
	sl_case_free(c);
	sl_buf_release(&b);
}

/* A time as sl_time_format prints it, "-" for INT64_MIN. */
static const char *
T(int64_t us)
{
	static char buf[4][32];
	static int k;

	k = (k + 1) % 4;
	if (us == INT64_MIN)
		return "-";
	sl_time_format(us, buf[k], sizeof(buf[k]));
	return buf[k];
}

static void
log_end(struct sl_ingest *in, int log, const char *sha, int is_source,
    uint64_t bytes, uint64_t reversals, uint64_t zoneless, const char *notes)
{
	struct sl_log_stats st;

	memset(&st, 0, sizeof(st));
	snprintf(st.sha256, sizeof(st.sha256), "%s", sha);
	st.bytes = bytes;
	st.is_source = is_source;
	st.reversals = reversals;
	st.zoneless = zoneless;
	st.notes = notes;
	CHECK_INT(sl_ingest_log_end(in, log, &st), 0);
}

#define T0 INT64_C(1772438400000000)	/* 2026-03-02T08:00:00Z */
#define BULK 4000

/* A case with two logs, a reject, a conflict and a timeline of many
 * blocks. */
static void
build(const char *dir)
{
	struct sl_ingest_opts o = { 0 };
	struct sl_ingest_result res;
	struct sl_ingest *in;
	struct sl_event ev;
	struct sl_item it;
	struct sl_case *c;
	char raw[300];
	int la, lb, i;

	c = open_case(dir, SL_CASE_CREATE | SL_CASE_WRITE);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	sl_ingest_opts_init(&o);
	o.tz = "Europe/Berlin";
	in = sl_ingest_new(c, &o);
	la = sl_ingest_log(in, "logs/a.jsonl", "test");
	lb = sl_ingest_log(in, "logs/b.tar!in\tner.log", "test");
	ev_init(&ev, S("alice"), T0, "k1", "logs/a.jsonl", 1, "r1");
	ev.scope = S("test");
	CHECK_INT(sl_ingest_event(in, la, &ev), 0);
	ev_init(&ev, S("alice"), T0 + 60000000, "k2", "logs/a.jsonl", 2,
	    "r2");
	ev.scope = S("test");
	CHECK_INT(sl_ingest_event(in, la, &ev), 0);
	/* k1 again, naming another user: a conflict */
	ev_init(&ev, S("bob"), T0 + 5000000, "k1", "logs/b.tar!in\tner.log",
	    7, "r7");
	ev.scope = S("test");
	CHECK_INT(sl_ingest_event(in, lb, &ev), 0);
	memset(raw, 'x', sizeof(raw) - 1);
	raw[sizeof(raw) - 1] = '\0';
	for (i = 0; i < BULK; i++) {
		raw[0] = (char)('a' + i % 26);
		raw[1] = (char)('a' + i / 26 % 26);
		raw[2] = (char)('a' + i / 676 % 26);
		ev_init(&ev, S("bulk"), T0 + (int64_t)i * 1000000, "",
		    "logs/b.tar!in\tner.log", 10 + (uint64_t)i, raw);
		CHECK_INT(sl_ingest_event(in, lb, &ev), 0);
	}
	memset(&it, 0, sizeof(it));
	it.type = SL_ITEM_REJECT;
	it.name = "logs/a.jsonl";
	it.profile = "test";
	it.reason = "no time";
	it.line = 3;
	it.offset = 250;
	it.raw = B("bad\trecord\0end", 14);
	CHECK_INT(sl_ingest_reject(in, la, &it), 0);
	log_end(in, la, sha_a, 1, 1234, 2, 0, "repaired=2 truncated=4096");
	log_end(in, lb, sha_b, 0, 99, 0, 3, "");
	CHECK_INT(sl_ingest_commit(in, &res), 0);
	CHECK_INT(res.conflicts, 1);
	sl_ingest_free(in);
	sl_case_free(c);
}

static void
test_user_span(const char *dir)
{
	struct sl_user_span sp;
	struct sl_timeline *t;
	const struct sl_event *ev;
	struct sl_case *c;
	uint64_t n = 0;
	int64_t first = INT64_MIN, last = INT64_MIN;

	c = open_case(dir, 0);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(sl_case_user_span(c, "alice", 5, &sp), 0);
	CHECK_INT(sp.events, 2);
	CHECK_INT(sp.blocks, 1);
	CHECK_STR(T(sp.first), "2026-03-02T08:00:00.000000Z");
	CHECK_STR(T(sp.last), "2026-03-02T08:01:00.000000Z");
	/* bob's copy of k1 was a duplicate: he has no timeline */
	CHECK_INT(sl_case_user_span(c, "bob", 3, &sp), -ENOENT);
	CHECK_INT(sp.events, 0);
	CHECK_INT(sp.first, INT64_MIN);
	CHECK_STR(sl_case_error(c), "no user \"bob\" in the case");
	CHECK_INT(sl_case_user_span(c, "alic", 4, &sp), -ENOENT);
	/* Many blocks: the index agrees with the rows themselves. */
	CHECK_INT(sl_case_user_span(c, "bulk", 4, &sp), 0);
	CHECK_INT(sp.events, BULK);
	CHECK(sp.blocks > 5);
	t = sl_timeline_open(c, "bulk", 4, INT64_MIN, INT64_MAX);
	CHECK(t != NULL);
	while (t != NULL && sl_timeline_next(t, &ev) > 0) {
		if (n++ == 0)
			first = ev->time;
		last = ev->time;
	}
	sl_timeline_free(t);
	CHECK_INT(n, sp.events);
	CHECK_INT(first, sp.first);
	CHECK_INT(last, sp.last);
	CHECK_STR(T(sp.last), "2026-03-02T09:06:39.000000Z");
	sl_case_free(c);
}

static void
test_notes(void)
{
	static const char n[] = "repaired=2 truncated=4096 corrupt year=2025/"
	    "mtime";
	struct sl_str v;

	CHECK_INT(sl_notes_get(n, strlen(n), "truncated", &v), 1);
	CHECK_SLSTR(v, "4096");
	CHECK_INT(sl_notes_get(n, strlen(n), "repaired", &v), 1);
	CHECK_SLSTR(v, "2");
	CHECK_INT(sl_notes_get(n, strlen(n), "corrupt", &v), 1);
	CHECK_SLSTR(v, "");
	CHECK_INT(sl_notes_get(n, strlen(n), "year", &v), 1);
	CHECK_SLSTR(v, "2025/mtime");
	CHECK_INT(sl_notes_get(n, strlen(n), "trunc", &v), 0);
	CHECK_INT(sl_notes_get(n, strlen(n), "lost", NULL), 0);
	CHECK_INT(sl_notes_get(n, strlen(n), "mtime", NULL), 0);
	CHECK_INT(sl_notes_get("", 0, "truncated", NULL), 0);
	/* only the first n bytes count */
	CHECK_INT(sl_notes_get(n, 10, "repaired", &v), 1);
	CHECK_SLSTR(v, "2");
	CHECK_INT(sl_notes_get(n, 10, "truncated", NULL), 0);
}

/* Every cell of a manifest row, one line. */
static void
mrow(const struct sl_manifest_row *r, struct sl_buf *b)
{
	sl_buf_reset(b);
	sl_buf_printf(b, "%llu %s %lld %s|%s|%s %lld %lld %lld %lld %s %s "
	    "%s %lld %lld [%s]", (unsigned long long)r->lineno,
	    r->sha256.n ? r->sha256.p : "-", (long long)r->bytes, r->path.p,
	    r->member.p, r->profile.p, (long long)r->read,
	    (long long)r->accepted, (long long)r->duplicates,
	    (long long)r->rejected, T(r->first), T(r->last),
	    r->tz.n ? r->tz.p : "-",
	    r->conflicts == SL_NOT_COUNTED ? -1LL : (long long)r->conflicts,
	    r->reversals == SL_NOT_COUNTED ? -1LL : (long long)r->reversals,
	    r->notes.p);
}

static void
test_manifest(const char *dir)
{
	const struct sl_manifest_row *r;
	struct sl_manifest *m;
	struct sl_buf b = { 0 };
	struct sl_case *c;
	struct sl_str v;

	c = open_case(dir, 0);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	m = sl_manifest_open(c);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK(sl_manifest_has(m, "notes"));
	CHECK(sl_manifest_has(m, "conflicts"));
	CHECK(!sl_manifest_has(m, "nonesuch"));
	CHECK_INT(sl_manifest_next(m, &r), 1);
	mrow(r, &b);
	CHECK_MEM(b.p, b.n, "2 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa 1234 logs/a.jsonl||test 3 2 0 1 "
	    "2026-03-02T08:00:00.000000Z 2026-03-02T08:01:00.000000Z - 0 2 "
	    "[repaired=2 truncated=4096]");
	CHECK(r->ingested != INT64_MIN);
	CHECK_INT(sl_notes_get(r->notes.p, r->notes.n, "truncated", &v), 1);
	CHECK_SLSTR(v, "4096");
	CHECK_INT(sl_manifest_next(m, &r), 1);
	mrow(r, &b);
	CHECK_MEM(b.p, b.n, "3 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	    "bbbbbbbbbbbbbbbb 99 logs/b.tar|in\tner.log|test 4001 4000 1 0 "
	    "2026-03-02T08:00:00.000000Z 2026-03-02T09:06:39.000000Z "
	    "Europe/Berlin 1 0 []");
	/* strings end in NUL where their cell ended */
	CHECK_INT(r->path.p[r->path.n], '\0');
	CHECK_INT(r->member.p[r->member.n], '\0');
	CHECK_INT(sl_manifest_next(m, &r), 0);
	CHECK_INT(sl_manifest_next(m, &r), 0);
	sl_manifest_free(m);
	sl_case_free(c);
	sl_buf_release(&b);
}

static void
test_rejects_conflicts(const char *dir)
{
	const struct sl_reject_row *r;
	const struct sl_conflict_row *k;
	struct sl_rejects *rj;
	struct sl_conflicts *cf;
	struct sl_case *c;

	c = open_case(dir, 0);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	rj = sl_rejects_open(c);
	CHECK(rj != NULL);
	CHECK_INT(sl_rejects_next(rj, &r), 1);
	CHECK_INT(r->row, 1);
	CHECK_SLSTR(r->origin, "logs/a.jsonl");
	CHECK_INT(r->line, 3);
	CHECK_INT(r->offset, 250);
	CHECK_SLSTR(r->profile, "test");
	CHECK_SLSTR(r->reason, "no time");
	CHECK(r->raw.n == 14 && memcmp(r->raw.p, "bad\trecord\0end", 15) == 0);
	CHECK_INT(sl_rejects_next(rj, &r), 0);
	sl_rejects_free(rj);

	cf = sl_conflicts_open(c);
	CHECK(cf != NULL);
	CHECK_INT(sl_conflicts_next(cf, &k), 1);
	CHECK_INT(k->row, 1);
	CHECK_SLSTR(k->scope, "test");
	CHECK_SLSTR(k->key, "k1");
	CHECK_SLSTR(k->kept_user, "alice");
	CHECK_STR(T(k->kept_time), "2026-03-02T08:00:00.000000Z");
	CHECK_SLSTR(k->kept_origin, "logs/a.jsonl");
	CHECK_INT(k->kept_line, 1);
	CHECK_INT(k->kept_offset, 100);
	CHECK_SLSTR(k->user, "bob");
	CHECK_STR(T(k->time), "2026-03-02T08:00:05.000000Z");
	CHECK_SLSTR(k->origin, "logs/b.tar!in\tner.log");
	CHECK_INT(k->line, 7);
	CHECK_INT(k->offset, 700);
	CHECK_SLSTR(k->differs, "user,time");
	CHECK_SLSTR(k->raw, "r7");
	CHECK_INT(sl_conflicts_next(cf, &k), 0);
	sl_conflicts_free(cf);
	sl_case_free(c);
}

static void
spit(const char *path, const char *p)
{
	FILE *fp = fopen(path, "wb");

	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	fputs(p, fp);
	fclose(fp);
}

/* Columns by name, in any order, more of them, fewer; a bad row is told
 * and passed over. */
static void
test_manifest_shapes(const char *dir)
{
	const struct sl_manifest_row *r;
	struct sl_manifest *m;
	struct sl_buf b = { 0 };
	struct sl_case *c;
	char path[400], want[500];

	c = open_case(dir, 0);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
	spit(path, "options\tnotes\tpath\tsha256\treversals\tread\n"
	    "--map x=y\tcorrupt=1\ta\\tb\t\t7\t5\textra\n"
	    "\t\tbad\\q\t\t\t\n"
	    "\t\tc\t\tseven\t\n"
	    "\t\td\tABC\t\t\n"
	    "\t\te\n");
	m = sl_manifest_open(c);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	CHECK(sl_manifest_has(m, "notes"));
	CHECK(!sl_manifest_has(m, "conflicts"));
	CHECK(!sl_manifest_has(m, "options"));	/* not one we read */
	CHECK_INT(sl_manifest_next(m, &r), 1);
	mrow(r, &b);
	CHECK_MEM(b.p, b.n, "2 - -1 a\tb|| 5 -1 -1 -1 - - - -1 7 "
	    "[corrupt=1]");
	CHECK_INT(r->ingested, INT64_MIN);
	CHECK_INT(sl_manifest_next(m, &r), -EBADMSG);
	snprintf(want, sizeof(want), "\"%s/manifest.tsv\": line 3: malformed "
	    "path", dir);
	CHECK_STR(sl_case_error(c), want);
	CHECK_INT(sl_manifest_next(m, &r), -EBADMSG);
	CHECK(strstr(sl_case_error(c), "line 4: malformed reversals") != NULL);
	CHECK_INT(sl_manifest_next(m, &r), -EBADMSG);
	CHECK(strstr(sl_case_error(c), "line 5: malformed sha256") != NULL);
	CHECK_INT(sl_manifest_next(m, &r), 1);
	CHECK_INT(r->lineno, 6);
	CHECK_SLSTR(r->path, "e");
	CHECK_INT(r->read, SL_NOT_COUNTED);
	CHECK_INT(sl_manifest_next(m, &r), 0);
	sl_manifest_free(m);
	sl_case_free(c);
	/* Opening the case passes over them too. */
	c = open_case(dir, 0);
	CHECK(c != NULL);
	sl_case_free(c);
	/* A manifest recorded but gone (the file, not the case's link to
	 * it). */
	snprintf(path, sizeof(path), "%s/current/manifest.tsv", dir);
	unlink(path);
	c = open_case(dir, 0);
	CHECK(c == NULL);
	sl_buf_release(&b);
}

/* A case of format 1, as sessionlog 0.1 wrote it, and upgraded. */
static void
test_format1(void)
{
	const struct sl_manifest_row *r;
	const struct sl_reject_row *rr;
	const struct sl_conflict_row *kr;
	struct sl_user_span sp;
	struct sl_manifest *m;
	struct sl_rejects *rj;
	struct sl_conflicts *cf;
	struct sl_buf b = { 0 };
	struct sl_case *c;
	char dir[300], cmd[800];
	int pass;

	snprintf(dir, sizeof(dir), "%s/v1", tmp);
	snprintf(cmd, sizeof(cmd), "cp -R '%s/testdata/case-v1' '%s'", SRCDIR,
	    dir);
	CHECK_INT(system(cmd), 0);
	for (pass = 0; pass < 2; pass++) {
		c = open_case(dir, pass ? SL_CASE_WRITE : 0);
		CHECK(c != NULL);
		if (c == NULL)
			return;
		CHECK_INT(sl_case_version(c), 1);
		if (pass == 1) {
			CHECK_INT(sl_case_upgrade(c), 1);
			CHECK_INT(sl_case_version(c), 3);
		}
		m = sl_manifest_open(c);
		CHECK(m != NULL);
		if (m == NULL)
			return;
		/* upgraded: the columns are there, empty on old rows */
		CHECK_INT(sl_manifest_has(m, "notes"), pass);
		CHECK_INT(sl_manifest_has(m, "reversals"), pass);
		CHECK_INT(sl_manifest_next(m, &r), 1);
		mrow(r, &b);
		CHECK_MEM(b.p, b.n, "2 2a79db7e936e06c7f2d6e93947df6716fb58cc7"
		    "48286ec7c1e1281c773d53bae 476 testdata/formats/generic.csv"
		    "||generic-csv 6 6 0 0 2026-03-02T08:00:00.000000Z "
		    "2026-03-02T08:30:00.000000Z UTC -1 -1 []");
		CHECK_STR(T(r->ingested), "2026-12-01T21:35:38.589992Z");
		CHECK_INT(sl_manifest_next(m, &r), 1);
		mrow(r, &b);
		CHECK_MEM(b.p, b.n, "3 eae877e9621ad61ed6fdd99f37cf938103da931"
		    "88e82f8b1db762a331addc337 10826 testdata/formats/"
		    "m365.jsonl||m365 10 9 1 0 2026-03-02T07:58:02.000000Z "
		    "2026-03-02T09:40:13.000000Z UTC -1 -1 []");
		CHECK_INT(r->conflicts, SL_NOT_COUNTED);
		CHECK_INT(r->reversals, SL_NOT_COUNTED);
		CHECK_INT(sl_manifest_next(m, &r), 0);
		sl_manifest_free(m);

		/* format 1 had no rejects here, and no conflicts at all */
		rj = sl_rejects_open(c);
		CHECK(rj != NULL);
		CHECK_INT(sl_rejects_next(rj, &rr), 0);
		sl_rejects_free(rj);
		cf = sl_conflicts_open(c);
		CHECK(cf != NULL);
		CHECK_INT(sl_conflicts_next(cf, &kr), 0);
		sl_conflicts_free(cf);

		CHECK_INT(sl_case_user_span(c, "j.rivera@agency.example", 23,
		    &sp), 0);
		CHECK_INT(sp.events, 5);
		CHECK_INT(sp.blocks, 1);
		CHECK_STR(T(sp.first), "2026-03-02T07:58:02.000000Z");
		CHECK_STR(T(sp.last), "2026-03-02T09:40:13.000000Z");
		CHECK_INT(sl_case_user_span(c, "a.schmidt", 9, &sp), 0);
		CHECK_INT(sp.events, 2);
		CHECK_STR(T(sp.first), "2026-03-02T08:10:02.000000Z");
		CHECK_STR(T(sp.last), "2026-03-02T08:11:30.000000Z");
		sl_case_free(c);
	}
	sl_buf_release(&b);
}

int
main(void)
{
	char cmd[400], dir[300];

	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_nul_names();
	test_notes();
	snprintf(dir, sizeof(dir), "%s/built", tmp);
	build(dir);
	test_user_span(dir);
	test_manifest(dir);
	test_rejects_conflicts(dir);
	test_manifest_shapes(dir);
	test_format1();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	return check_done("case-meta");
}
