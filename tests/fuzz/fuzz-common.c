/* fuzz-common.c: private directories and files for the fuzz targets. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sessionlog.h"
#include "fuzz-common.h"

volatile unsigned fuzz_sink;

static char privdir[4096];

void
fuzz_touch(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fuzz_sink += (unsigned char)p[i];
}

static void
cleanup(void)
{
	if (privdir[0] != '\0')
		fuzz_rmtree(privdir);
}

const char *
fuzz_dir(const char *target)
{
	const char *t = getenv("TMPDIR");

	if (privdir[0] != '\0')
		return privdir;
	snprintf(privdir, sizeof(privdir), "%s/fuzz-%s.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp", target);
	if (mkdtemp(privdir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(cleanup);
	return privdir;
}

char *
fuzz_path(char *buf, size_t size, const char *d, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", d, name);

	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "fuzz: path too long: %s/%s\n", d, name);
		abort();
	}
	return buf;
}

void
fuzz_write(const char *path, const void *p, size_t n)
{
	FILE *fp;

	if ((fp = fopen(path, "wb")) == NULL ||
	    (n > 0 && fwrite(p, 1, n, fp) != n) || fclose(fp) != 0) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path,
		    strerror(errno));
		abort();
	}
}

void
fuzz_rmtree(const char *path)
{
	struct dirent *de;
	struct stat st;
	char sub[4096];
	DIR *d;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	/* A reader may have left a directory it cannot list (a mode the
	 * input set): make it ours again first. */
	chmod(path, 0700);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			fuzz_rmtree(fuzz_path(sub, sizeof(sub), path,
			    de->d_name));
		}
		closedir(d);
	}
	rmdir(path);
}

static void
copy_file(const char *src, const char *dst, mode_t mode)
{
	char buf[65536];
	ssize_t r;
	int in, out;

	if ((in = open(src, O_RDONLY)) < 0 ||
	    (out = open(dst, O_WRONLY | O_CREAT | O_EXCL, mode & 07777)) < 0) {
		fprintf(stderr, "fuzz: cannot copy %s: %s\n", src,
		    strerror(errno));
		abort();
	}
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)r) != r)
			abort();
	if (r < 0 || close(out) < 0)
		abort();
	close(in);
}

void
fuzz_copytree(const char *src, const char *dst)
{
	struct dirent *de;
	struct stat st;
	char s[4096], t[4096];
	DIR *d;

	if (lstat(src, &st) < 0)
		abort();
	if (S_ISREG(st.st_mode)) {
		copy_file(src, dst, st.st_mode);
		return;
	}
	/* A case's links (current, and users, manifest.tsv... through it)
	 * are part of it: without them no copy opens. */
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(src, s, sizeof(s) - 1);

		if (n < 0)
			abort();
		s[n] = '\0';
		if (symlink(s, dst) < 0) {
			fprintf(stderr, "fuzz: cannot link %s: %s\n", dst,
			    strerror(errno));
			abort();
		}
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	if (mkdir(dst, st.st_mode & 07777) < 0 || (d = opendir(src)) == NULL) {
		fprintf(stderr, "fuzz: cannot copy %s: %s\n", src,
		    strerror(errno));
		abort();
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		fuzz_copytree(fuzz_path(s, sizeof(s), src, de->d_name),
		    fuzz_path(t, sizeof(t), dst, de->d_name));
	}
	closedir(d);
}

/* ---- a detector run over made-up users ---------------------------------- */

#define DAY INT64_C(86400000000)
#define MIN INT64_C(60000000)

struct fake {
	int64_t at;		/* after the user's day start */
	int action;
	const char *resource, *query, *purpose, *session;
	int64_t count, bytes;
};

static const struct fake fakes[] = {
	{ 0, SL_ACT_LOGIN, "", "", "", "s1", -1, -1 },
	{ 1 * MIN, SL_ACT_JUSTIFY, "", "", "court order 12/26", "s1", -1, -1 },
	{ 2 * MIN, SL_ACT_SEARCH, "", "Hartmann", "", "s1", 40, -1 },
	{ 3 * MIN, SL_ACT_SEARCH, "", "hartmann, anna", "", "s1", 2, -1 },
	{ 4 * MIN, SL_ACT_VIEW, "ri.foundry.main.dataset."
	    "02a9d43b-34e2-4e1a-8213-4c117ece9828", "", "", "s1", 1, 900 },
	{ 5 * MIN, SL_ACT_EXPORT, "ri.foundry.main.dataset."
	    "b741f0ad-7844-4240-91d5-530c8a81a432\n/reports/q1.csv", "",
	    "source handling", "s1", 120000, INT64_C(900000000) },
	{ 6 * MIN, SL_ACT_SHARE, "/reports/q1.csv", "", "", "", -1, -1 },
	{ 7 * MIN, SL_ACT_DELETE, "/reports/q1.csv", "", "", "", -1, -1 },
	{ 8 * MIN, SL_ACT_ADMIN, "role:admin", "", "", "", -1, -1 },
	{ 9 * MIN, SL_ACT_LOGOUT, "", "", "", "s1", -1, -1 },
	{ 600 * MIN, SL_ACT_AUTH, "", "", "", "", -1, -1 },
	{ 601 * MIN, SL_ACT_VIEW, "ri.foundry.main.dataset."
	    "0ad05b9d-e204-48df-ae5b-009a933a7b42", "", "", "", 1, 10 },
};

static struct sl_str
str(const char *s)
{
	struct sl_str r = { s, strlen(s) };

	return r;
}

static void
feed_user(struct sl_detect *d, const char *name, int days, int64_t shift)
{
	struct sl_detect_user *u;
	struct sl_event ev;
	struct sl_step st;
	int64_t t0 = INT64_C(1772352000000000);	/* 2026-03-01 */
	size_t i;
	int day;

	if ((u = sl_detect_user_new(d, name, strlen(name))) == NULL)
		return;
	for (day = 0; day < days; day++)
		for (i = 0; i < sizeof(fakes) / sizeof(fakes[0]); i++) {
			const struct fake *f = &fakes[i];

			/* Every user every action on the last day; before,
			 * only logins, searches and views. */
			if (day < days - 1 && f->action != SL_ACT_LOGIN &&
			    f->action != SL_ACT_SEARCH &&
			    f->action != SL_ACT_VIEW)
				continue;
			memset(&ev, 0, sizeof(ev));
			memset(&st, 0, sizeof(st));
			ev.time = t0 + day * DAY + 8 * 60 * MIN + shift + f->at;
			ev.user = str(name);
			ev.session = str(f->session);
			ev.action = f->action;
			ev.outcome = i % 5 == 4 ? SL_OUT_DENIED : SL_OUT_SUCCESS;
			ev.resource = str(f->resource);
			ev.query = str(f->query);
			ev.purpose = str(f->purpose);
			ev.count = f->count;
			ev.bytes = f->bytes;
			/* Absent values are empty strings, never NULL
			 * views (sessionlog.h, struct sl_event). */
			ev.src = str("192.0.2.7");
			ev.trace = str("");
			ev.key = str(i % 3 == 0 ? "" : f->resource);
			ev.scope = str(i % 3 == 0 ? "" : "fake");
			ev.profile = str("fake");
			ev.kind = str("fake");
			ev.origin = str("fake.jsonl");
			ev.line = i + 1;
			ev.raw = str("{}");
			st.ev = &ev;
			st.session = *f->session != '\0' ? str(f->session) :
			    str("derived");
			st.start = ev.time;
			st.starts = i == 0;
			st.in_range = 1;
			st.purpose = str(f->purpose);
			st.purpose_from = *f->purpose != '\0' ?
			    SL_PURPOSE_OWN : SL_PURPOSE_NONE;
			if (sl_detect_user_add(u, &st) < 0) {
				sl_detect_user_free(d, u);
				return;
			}
		}
	if (sl_detect_user_end(d, u) < 0)
		sl_detect_user_free(d, u);
}

int
fuzz_detect_feed(struct sl_detect *d)
{
	const struct sl_alert *a;
	size_t i, k;
	int rc;

	feed_user(d, "a.schmidt", 5, 0);
	feed_user(d, "j.rivera", 5, 13 * 60 * MIN);
	feed_user(d, "d.weber", 2, 30 * MIN);
	if ((rc = sl_detect_run(d, NULL)) < 0) {
		if (sl_detect_error(d) == NULL)
			abort();
		return rc;
	}
	for (i = 0; i < sl_detect_count(d); i++) {
		if ((a = sl_detect_alert(d, i)) == NULL ||
		    a->rule == NULL || a->explanation == NULL ||
		    sl_level_name(a->level) == NULL)
			abort();
		fuzz_touch(a->explanation, strlen(a->explanation));
		fuzz_touch(a->user.p, a->user.n);
		for (k = 0; k < a->nevidence; k++)
			fuzz_touch(a->evidence[k].p, a->evidence[k].n);
	}
	return 0;
}

/* ---- a case made by the library ------------------------------------------ */

static const char *const case_logs[] = {
	SRCDIR "/testdata/formats/foundry-audit2.jsonl",
	SRCDIR "/testdata/formats/generic.csv",
	SRCDIR "/testdata/dups/m365-mangled.jsonl",
	SRCDIR "/testdata/bad/bad-time.jsonl",
};

void
fuzz_make_case(const char *dir)
{
	struct sl_ingest_result res;
	struct sl_reader_opts ro;
	struct sl_profileset *ps;
	struct sl_ingest *in;
	struct sl_case *c;
	char err[512];

	if ((ps = sl_profileset_load(SRCDIR "/profiles", err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	if ((c = sl_case_open(dir, SL_CASE_CREATE | SL_CASE_WRITE |
	    SL_CASE_SCRATCH, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	sl_reader_opts_init(&ro);
	if ((in = sl_ingest_new(c, NULL)) == NULL ||
	    sl_ingest_read(in, case_logs,
	    sizeof(case_logs) / sizeof(case_logs[0]), ps, &ro, 1, NULL,
	    NULL) < 0 || sl_ingest_commit(in, &res) < 0) {
		fprintf(stderr, "fuzz: cannot make a case: %s\n",
		    in != NULL ? sl_ingest_error(in) : sl_case_error(c));
		abort();
	}
	sl_ingest_free(in);
	sl_case_free(c);
	sl_profileset_free(ps);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_add(const char *top, const char *rel, char ***list, size_t *n,
    size_t *cap)
{
	struct dirent *de;
	struct stat st;
	char full[4096], sub[4096];
	DIR *d;

	fuzz_path(full, sizeof(full), top, rel);
	if (lstat(full, &st) < 0)
		abort();
	if (S_ISREG(st.st_mode) && *rel != '\0') {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			if ((*list = realloc(*list, *cap *
			    sizeof(**list))) == NULL)
				abort();
		}
		if (((*list)[(*n)++] = strdup(rel)) == NULL)
			abort();
		return;
	}
	if (!S_ISDIR(st.st_mode) || (d = opendir(full)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (*rel == '\0')
			snprintf(sub, sizeof(sub), "%s", de->d_name);
		else
			fuzz_path(sub, sizeof(sub), rel, de->d_name);
		list_add(top, sub, list, n, cap);
	}
	closedir(d);
}

char **
fuzz_list_files(const char *dir, size_t *n)
{
	char **list = NULL;
	size_t cap = 0;

	*n = 0;
	list_add(dir, "", &list, n, &cap);
	if (*n > 0)
		qsort(list, *n, sizeof(*list), cmp_str);
	return list;
}
