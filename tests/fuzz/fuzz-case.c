/*
 * fuzz-case.c: reading a damaged case.  A case made once by the library's
 * ingest is copied for each input; the first byte picks one of its files
 * (found by a directory walk, whatever the layout) and the second how the
 * rest of the input damages it: replaces it, is written over it at an
 * offset, replaces its tail, is written over its decompressed text (a
 * gzip file, compressed again as BGZF so that the rows are what changes),
 * or the file goes.  The copy is then read as the tools read a case:
 * every user's cursor (into the detectors), the manifest, rejects and
 * conflicts, verify.  Failures must be reported with a message.  Only
 * the damaged file is put back after each input while nothing else
 * changed (see fresh()): copying the whole case each time was most of the
 * cost.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz-common.h"
#include "internal.h"

#define FUZZ_MAX (64 * 1024)
/* A damaged gzip file may claim any size: read this much of it. */
#define FUZZ_MAX_TEXT (4u << 20)

enum { REPLACE, OVERWRITE, TAIL, TEXT, REMOVE, NMODES };

static char pristine[4200], work[4200];
static char **files;
static size_t nfiles;

static void
release(void)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
}

static void
said(void *arg, const char *file, const char *problem)
{
	(void)arg;
	fprintf(stderr, "fuzz-case: %s: %s\n", file, problem);
}

/* A copy of the case, undamaged, must open and verify clean: else every
 * input would only test the refusal of a broken copy (a copy without the
 * case's links did exactly that). */
static void
check_copy(void)
{
	struct sl_case *c;
	char err[1024];

	fuzz_rmtree(work);
	fuzz_copytree(pristine, work);
	if ((c = sl_case_open(work, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz-case: the copy does not open: %s\n",
		    err);
		abort();
	}
	if (sl_case_verify(c, said, NULL) != 0) {
		fprintf(stderr, "fuzz-case: the copy does not verify%s\n",
		    sl_case_error(c));
		abort();
	}
	sl_case_free(c);
}

static void
setup(void)
{
	const char *dir = fuzz_dir("case");

	fuzz_path(pristine, sizeof(pristine), dir, "pristine");
	fuzz_path(work, sizeof(work), dir, "case");
	fuzz_make_case(pristine);
	files = fuzz_list_files(pristine, &nfiles);
	if (nfiles == 0)
		abort();
	atexit(release);
	check_copy();
}

/*
 * The work copy is made again only when it may differ from the pristine
 * case in more than the file damaged last (which restore() puts back):
 * when its files are not the pristine ones.  A reader that changed a
 * file in place without adding or removing any would go unnoticed; the
 * readers of this version write nothing, and one finishing a writer's
 * renames needs a .txn that no input makes.
 */
static const char *damaged;

static void
restore(void)
{
	char src[8400], dst[8400];

	if (damaged == NULL)
		return;
	fuzz_path(dst, sizeof(dst), work, damaged);
	unlink(dst);
	fuzz_copytree(fuzz_path(src, sizeof(src), pristine, damaged), dst);
	damaged = NULL;
}

static int
fresh(void)
{
	char **now;
	size_t n, i;
	int same;

	if (access(work, F_OK) < 0)
		return 0;
	now = fuzz_list_files(work, &n);
	same = n == nfiles;
	for (i = 0; i < n; i++) {
		if (same && strcmp(now[i], files[i]) != 0)
			same = 0;
		free(now[i]);
	}
	free(now);
	return same;
}

static int
slurp(const char *path, struct sl_buf *b)
{
	char tmp[65536];
	size_t r;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((r = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		if (sl_buf_add(b, tmp, r) < 0)
			abort();
	fclose(fp);
	return 0;
}

/* The text of every gzip member of p[0..n), at most FUZZ_MAX_TEXT of it;
 * -1 when it is not gzip. */
static int
inflate_all(const char *p, size_t n, struct sl_buf *out)
{
	unsigned char tmp[65536];
	z_stream z;
	int rc;

	if (n < 2 || (unsigned char)p[0] != 0x1f || (unsigned char)p[1] != 0x8b)
		return -1;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		abort();
	z.next_in = (unsigned char *)p;
	z.avail_in = (unsigned)n;
	while (out->n < FUZZ_MAX_TEXT) {
		z.next_out = tmp;
		z.avail_out = sizeof(tmp);
		rc = inflate(&z, Z_NO_FLUSH);
		if (sl_buf_add(out, tmp, sizeof(tmp) - z.avail_out) < 0)
			abort();
		if (rc == Z_STREAM_END) {
			if (z.avail_in == 0 || inflateReset(&z) != Z_OK)
				break;
			continue;
		}
		if (rc != Z_OK)
			break;
	}
	inflateEnd(&z);
	return 0;
}

/* p[0..n) written over b at off, b growing as needed. */
static void
overwrite(struct sl_buf *b, size_t off, const uint8_t *p, size_t n)
{
	/* An empty file has no buffer to point into. */
	if (n == 0)
		return;
	if (off + n > b->n) {
		if (sl_buf_grow(b, off + n - b->n) < 0)
			abort();
		b->n = off + n;
	}
	memcpy(b->p + off, p, n);
}

static void
damage(const char *path, int mode, const uint8_t *p, size_t n)
{
	struct sl_buf file = { 0 }, text = { 0 };
	struct sl_bgzf_writer *w;
	size_t off = 0;
	FILE *fp;

	if (mode == REMOVE) {
		unlink(path);
		return;
	}
	if (mode == REPLACE) {
		fuzz_write(path, p, n);
		return;
	}
	if (n < 2)
		return;
	if (slurp(path, &file) < 0)
		abort();
	off = ((size_t)p[0] << 8 | p[1]);
	p += 2;
	n -= 2;
	if (mode == TEXT && inflate_all(file.p, file.n, &text) == 0) {
		off %= text.n + 1;
		overwrite(&text, off, p, n);
		if ((fp = fopen(path, "wb")) == NULL ||
		    (w = sl_bgzf_writer_new(fp, 1)) == NULL)
			abort();
		if (sl_bgzf_write(w, text.p, text.n) < 0 ||
		    sl_bgzf_close(w) < 0 || fclose(fp) != 0)
			abort();
	} else {
		off %= file.n + 1;
		if (mode == TAIL)
			file.n = off;
		overwrite(&file, off, p, n);
		fuzz_write(path, file.p, file.n);
	}
	sl_buf_release(&file);
	sl_buf_release(&text);
}

static void
report(void *arg, const char *file, const char *problem)
{
	(void)arg;
	if (file == NULL || problem == NULL || *problem == '\0')
		abort();
	fuzz_touch(problem, strlen(problem));
}

static void
touch_event(const struct sl_event *ev)
{
	const struct sl_str *s[] = {
		&ev->user, &ev->session, &ev->resource, &ev->query,
		&ev->purpose, &ev->src, &ev->trace, &ev->kind, &ev->key,
		&ev->scope, &ev->profile, &ev->origin, &ev->raw,
	};
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(s); i++) {
		if (s[i]->n > 0 && s[i]->p == NULL)
			abort();
		fuzz_touch(s[i]->p, s[i]->n);
	}
}

/* Every user through a cursor, as grep-sessions and summarize read. */
static void
read_users(struct sl_case *c, struct sl_detect *d)
{
	struct sl_user_span span;
	struct sl_detect_user *du;
	struct sl_cursor *cur;
	struct sl_step st;
	struct sl_str u;
	size_t i;
	int rc;

	for (i = 0; i < sl_case_user_count(c); i++) {
		u = sl_case_user(c, i);
		if (u.p == NULL)
			abort();
		if (sl_case_user_span(c, u.p, u.n, &span) < 0 &&
		    *sl_case_error(c) == '\0')
			abort();
		cur = sl_cursor_open(&c, 1, u.p, u.n, INT64_MIN, INT64_MAX,
		    SL_GAP_DEFAULT);
		if (cur == NULL)
			continue;
		du = d != NULL ? sl_detect_user_new(d, u.p, u.n) : NULL;
		while ((rc = sl_cursor_next(cur, &st)) == 1) {
			touch_event(st.ev);
			fuzz_touch(st.session.p, st.session.n);
			fuzz_touch(st.purpose.p, st.purpose.n);
			if (du != NULL && sl_detect_user_add(du, &st) < 0) {
				sl_detect_user_free(d, du);
				du = NULL;
			}
		}
		if (rc < 0 && *sl_cursor_error(cur) == '\0')
			abort();
		if (du != NULL && sl_detect_user_end(d, du) < 0)
			sl_detect_user_free(d, du);
		sl_cursor_free(cur);
	}
}

static void
read_tables(struct sl_case *c)
{
	const struct sl_manifest_row *mr;
	const struct sl_reject_row *rr;
	const struct sl_conflict_row *kr;
	struct sl_manifest *m;
	struct sl_rejects *r;
	struct sl_conflicts *k;
	int rc;

	if ((m = sl_manifest_open(c)) != NULL) {
		while ((rc = sl_manifest_next(m, &mr)) == 1 || rc == -EBADMSG)
			if (rc == 1)
				fuzz_touch(mr->notes.p, mr->notes.n);
		sl_manifest_free(m);
	}
	if ((r = sl_rejects_open(c)) != NULL) {
		while ((rc = sl_rejects_next(r, &rr)) == 1 || rc == -EBADMSG)
			if (rc == 1)
				fuzz_touch(rr->raw.p, rr->raw.n);
		sl_rejects_free(r);
	}
	if ((k = sl_conflicts_open(c)) != NULL) {
		while ((rc = sl_conflicts_next(k, &kr)) == 1 ||
		    rc == -EBADMSG)
			if (rc == 1)
				fuzz_touch(kr->raw.p, kr->raw.n);
		sl_conflicts_free(k);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_detect *d;
	struct sl_case *c;
	char path[8400], err[1024], tz[128];

	if (nfiles == 0)
		setup();
	if (size < 2 || size > FUZZ_MAX)
		return 0;
	if (!fresh()) {
		fuzz_rmtree(work);
		fuzz_copytree(pristine, work);
	}
	damaged = files[data[0] % nfiles];
	damage(fuzz_path(path, sizeof(path), work, damaged), data[1] % NMODES,
	    data + 2, size - 2);
	err[0] = '\0';
	if ((c = sl_case_open(work, 0, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort();
		restore();
		return 0;
	}
	(void)sl_case_version(c);
	(void)sl_case_tz(c, tz, sizeof(tz));
	d = sl_detect_new(NULL);
	read_users(c, d);
	read_tables(c);
	if (sl_case_verify(c, report, NULL) < 0 && *sl_case_error(c) == '\0')
		abort();
	if (d != NULL) {
		(void)sl_detect_run(d, c);
		sl_detect_free(d);
	}
	sl_case_free(c);
	restore();
	return 0;
}
