/* txn.c: the case's files, created 0600 and synced, and transactions that
 * make them visible all at once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

/* ---- files --------------------------------------------------------------- */

int
sl_case_at(struct sl_case *c, const char **rel)
{
	size_t n = strlen(SL_TXN);

	if (c->txnfd >= 0 && strncmp(*rel, SL_TXN, n) == 0 &&
	    ((*rel)[n] == '/' || (*rel)[n] == '\0')) {
		*rel = (*rel)[n] == '/' ? *rel + n + 1 : ".";
		return c->txnfd;
	}
	if (strncmp(*rel, SL_TMP, strlen(SL_TMP)) == 0)
		return c->rootfd;
	return c->dirfd;
}

/* Where rel is, for messages: "CASE/gen/N/users/x" for ".txn/users/x". */
const char *
sl_case_where(struct sl_case *c, const char *rel, char *buf, size_t len)
{
	const char *r = rel;
	int fd = sl_case_at(c, &r);

	if (fd == c->txnfd && fd >= 0)
		snprintf(buf, len, "%s/%s/%lu/%s", c->dir, SL_GEN, c->txngen,
		    r);
	else
		snprintf(buf, len, "%s/%s", c->dir, rel);
	return buf;
}

int
sl_case_unlink(struct sl_case *c, const char *rel)
{
	int fd = sl_case_at(c, &rel);

	return unlinkat(fd, rel, 0) < 0 ? -errno : 0;
}

FILE *
sl_case_fopen(struct sl_case *c, const char *rel)
{
	FILE *fp;
	int fd, dfd = sl_case_at(c, &rel);

	fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	fp = fdopen(fd, "rb");
	if (fp == NULL) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return fp;
}

FILE *
sl_case_fcreate(struct sl_case *c, const char *rel)
{
	const char *r = rel;
	char path[600];
	FILE *fp;
	int fd, dfd = sl_case_at(c, &r);

	fd = openat(dfd, r, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) < 0 ||
	    (fp = fdopen(fd, "wb")) == NULL) {
		sl_case_fail(c, -errno, "cannot create \"%s\": %s",
		    sl_case_where(c, rel, path, sizeof(path)), strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return fp;
}

int
sl_case_fclose(struct sl_case *c, FILE *fp, const char *rel)
{
	char path[600];
	int bad, later;

	/* Files of an update are made durable together by one syncfs(2)
	 * before the update commits (see the commit), not one by one: a
	 * case of many users would otherwise wait for hundreds of syncs. */
	later = c->nosync ||
	    strncmp(rel, SL_TXN "/", strlen(SL_TXN "/")) == 0;
	/* The reason is the failing call's: ENOSPC says the disk is full.
	 * A stream whose error came from an earlier write that no one
	 * checked has no reason left to tell. */
	errno = 0;
	bad = fflush(fp) != 0 || ferror(fp) ||
	    (!later && fsync(fileno(fp)) != 0);
	if (bad) {
		int e = errno ? errno : EIO;

		fclose(fp);
		return sl_case_fail(c, -e, "cannot write \"%s\": %s",
		    sl_case_where(c, rel, path, sizeof(path)), strerror(e));
	}
	if (fclose(fp) != 0)
		return sl_case_fail(c, -errno, "cannot write \"%s\": %s",
		    sl_case_where(c, rel, path, sizeof(path)), strerror(errno));
	return 0;
}

/* One line of a plain text file, at most max bytes; 1, 0 at the end,
 * -E2BIG, -EIO.  The newline is dropped. */
int
sl_case_getline(FILE *fp, struct sl_buf *b, size_t max)
{
	int ch;

	sl_buf_reset(b);
	if (sl_buf_grow(b, 0) < 0)
		return -ENOMEM;
	while ((ch = getc(fp)) != EOF) {
		if (ch == '\n')
			return 1;
		if (b->n >= max)
			return -E2BIG;
		if (sl_buf_addc(b, ch) < 0)
			return -ENOMEM;
	}
	if (ferror(fp))
		return -EIO;
	return b->n > 0 ? 1 : 0;
}

static int
fsync_at(struct sl_case *c, int dfd, const char *rel)
{
	int fd, rc = 0;

	if (c->nosync)
		return 0;
	fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Remove the directory name in dfd with everything in it, depth levels of
 * directories below it at most; links are removed, never followed. */
static void
rm_dir(int dfd, const char *name, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) < 0 &&
		    (errno == EISDIR || errno == EPERM) && depth > 0)
			rm_dir(fd, de->d_name, depth - 1);
	}
	closedir(d);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

void
sl_case_rmtree(struct sl_case *c, const char *rel)
{
	int fd = sl_case_at(c, &rel);

	if (fd == c->txnfd && strcmp(rel, ".") == 0)
		return;		/* the generation: sl_case_txn_abort */
	/* One level deeper at most: .txn/users. */
	rm_dir(fd, rel, 1);
}

int
sl_case_mkdir(struct sl_case *c, const char *rel)
{
	char path[600];
	const char *r = rel;
	int fd = sl_case_at(c, &r);

	if (mkdirat(fd, r, 0700) < 0 && errno != EEXIST)
		return sl_case_fail(c, -errno, "cannot create \"%s\": %s",
		    sl_case_where(c, rel, path, sizeof(path)), strerror(errno));
	if (fchmodat(fd, r, 0700, 0) < 0)
		return sl_case_fail(c, -errno, "cannot create \"%s\": %s",
		    sl_case_where(c, rel, path, sizeof(path)), strerror(errno));
	return 0;
}

/* ---- transactions -------------------------------------------------------- */

/* N of a name "N" in gen/ (digits, no leading zero), else 0. */
static unsigned long
gen_number(const char *name)
{
	unsigned long n = 0;
	const char *p;

	if (name[0] < '1' || name[0] > '9' || strlen(name) > 15)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	return n;
}

/* Call fn for every generation in gen/ with its number. */
static void
each_gen(struct sl_case *c, void (*fn)(struct sl_case *, int, const char *,
    unsigned long, void *), void *arg)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(c->rootfd, SL_GEN, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (fd < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		unsigned long n = gen_number(de->d_name);

		if (n > 0)
			fn(c, dirfd(d), de->d_name, n, arg);
	}
	closedir(d);
}

static void
max_gen(struct sl_case *c, int gfd, const char *name, unsigned long n,
    void *arg)
{
	unsigned long *max = arg;

	(void)c;
	(void)gfd;
	(void)name;
	if (n > *max)
		*max = n;
}

/*
 * A generation that is neither read here nor being built goes when no
 * reader holds it: a reader takes its shared lock and then checks that
 * sessionlog.case is still there, so the file goes first, under the
 * exclusive lock, and a reader that comes later looks again.
 */
static void
drop_gen(struct sl_case *c, int gfd, const char *name, unsigned long n,
    void *arg)
{
	int fd;

	(void)arg;
	if (n == c->gen || n == c->txngen)
		return;
	fd = openat(gfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		unlinkat(fd, SL_CASE_FILE, 0);
		rm_dir(gfd, name, 1);
	}
	close(fd);
}

void
sl_case_drop_gens(struct sl_case *c)
{
	unlinkat(c->rootfd, SL_CURRENT, 0);
	unlinkat(c->rootfd, SL_CURRENT ".new", 0);
	rm_dir(c->rootfd, SL_GEN, 2);
}

void
sl_case_gc(struct sl_case *c)
{
	if (c->writer)
		each_gen(c, drop_gen, NULL);
}

int
sl_case_txn_begin(struct sl_case *c)
{
	char rel[64];
	unsigned long n = c->gen;
	int rc;

	sl_case_txn_abort(c);
	if (mkdirat(c->rootfd, SL_GEN, 0700) < 0 && errno != EEXIST)
		return sl_case_fail(c, -errno, "cannot create \"%s/%s\": %s",
		    c->dir, SL_GEN, strerror(errno));
	each_gen(c, max_gen, &n);
	/* Numbers only grow: a reader that finds current changed never
	 * meets an older generation under a newer one's name. */
	for (;;) {
		n++;
		snprintf(rel, sizeof(rel), "%s/%lu", SL_GEN, n);
		if (mkdirat(c->rootfd, rel, 0700) == 0)
			break;
		if (errno != EEXIST)
			return sl_case_fail(c, -errno, "cannot create "
			    "\"%s/%s\": %s", c->dir, rel, strerror(errno));
	}
	c->txngen = n;
	c->txnfd = openat(c->rootfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (c->txnfd < 0) {
		rc = sl_case_fail(c, -errno, "cannot open \"%s/%s\": %s",
		    c->dir, rel, strerror(errno));
		sl_case_txn_abort(c);
		return rc;
	}
	if ((rc = sl_case_mkdir(c, SL_TXN "/users")) < 0) {
		sl_case_txn_abort(c);
		return rc;
	}
	return 0;
}

void
sl_case_txn_abort(struct sl_case *c)
{
	char rel[64];

	if (c->txngen == 0)
		return;
	if (c->txnfd >= 0)
		close(c->txnfd);
	c->txnfd = -1;
	snprintf(rel, sizeof(rel), "%s/%lu", SL_GEN, c->txngen);
	rm_dir(c->rootfd, rel, 1);
	c->txngen = 0;
}

int
sl_digest_by_path(const void *a, const void *b)
{
	return strcmp(((const struct sl_digest *)a)->path,
	    ((const struct sl_digest *)b)->path);
}

/* Format 2: rename the files listed in .txn/COMMIT into place and remove
 * .txn.  Format 3 has no such list: its generations are never changed. */
int
sl_case_txn_finish(struct sl_case *c)
{
	struct sl_buf line = { 0 }, from = { 0 };
	FILE *fp;
	int rc, first = 1;

	fp = sl_case_fopen(c, SL_TXN "/COMMIT");
	if (fp == NULL)
		return sl_case_fail(c, -errno, "cannot read \"%s/%s\": %s",
		    c->dir, SL_TXN "/COMMIT", strerror(errno));
	while ((rc = sl_case_getline(fp, &line, 4096)) > 0) {
		if (first) {
			first = 0;
			if (strcmp(line.p, "sessionlog-commit 1") != 0)
				break;
			continue;
		}
		/* "-path": the file leaves the case. */
		if (line.p[0] == '-' && sl_case_safe_rel(line.p + 1)) {
			if (unlinkat(c->dirfd, line.p + 1, 0) < 0 &&
			    errno != ENOENT) {
				rc = sl_case_fail(c, -errno, "cannot remove "
				    "\"%s/%s\": %s", c->dir, line.p + 1,
				    strerror(errno));
				break;
			}
			continue;
		}
		if (!sl_case_safe_rel(line.p)) {
			rc = -EBADMSG;
			break;
		}
		sl_buf_reset(&from);
		if (sl_buf_printf(&from, "%s/%s", SL_TXN, line.p) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (renameat(c->dirfd, from.p, c->dirfd, line.p) < 0 &&
		    errno != ENOENT) {
			rc = sl_case_fail(c, -errno, "cannot rename \"%s/%s\" "
			    "to \"%s/%s\": %s", c->dir, from.p, c->dir,
			    line.p, strerror(errno));
			break;
		}
	}
	fclose(fp);
	sl_buf_release(&from);
	sl_buf_release(&line);
	if (rc == 0 && first)
		rc = -EBADMSG;
	if (rc == -EBADMSG || rc == -E2BIG || rc == -EIO)
		return sl_case_fail(c, -EBADMSG, "unreadable commit list "
		    "\"%s/%s\"", c->dir, SL_TXN "/COMMIT");
	if (rc < 0)
		return rc;
	if ((rc = fsync_at(c, c->dirfd, "users")) < 0 ||
	    (rc = fsync_at(c, c->dirfd, ".")) < 0)
		return sl_case_fail(c, rc, "cannot sync \"%s\": %s", c->dir,
		    strerror(-rc));
	if (unlinkat(c->dirfd, SL_TXN "/COMMIT", 0) < 0)
		return sl_case_fail(c, -errno, "cannot remove \"%s/%s\": %s",
		    c->dir, SL_TXN "/COMMIT", strerror(errno));
	sl_case_rmtree(c, SL_TXN);
	return 0;
}

/* The names in the case's directory that show the current generation's
 * files, for people and the tools of other engines. */
static const char *const shown[] = {
	SL_MANIFEST, SL_REJECTS, SL_KEYS, SL_CONFLICTS, "users",
};

/*
 * Make the case's directory show the current generation: the files and
 * users/ of a case of format 2 become links into current/ (the case is
 * already of format 3 when this runs: its readers no longer look here).
 * Run by every writer, so a crash half-way is finished by the next.
 */
static int
show_current(struct sl_case *c)
{
	char target[64];
	struct stat st;
	size_t i;

	rm_dir(c->rootfd, SL_TXN, 1);
	for (i = 0; i < SL_ARRAY_LEN(shown); i++) {
		if (fstatat(c->rootfd, shown[i], &st, AT_SYMLINK_NOFOLLOW) ==
		    0) {
			if (S_ISLNK(st.st_mode))
				continue;
			if (S_ISDIR(st.st_mode))
				rm_dir(c->rootfd, shown[i], 0);
			else
				unlinkat(c->rootfd, shown[i], 0);
		}
		snprintf(target, sizeof(target), "%s/%s", SL_CURRENT,
		    shown[i]);
		if (symlinkat(target, c->rootfd, shown[i]) < 0 &&
		    errno != EEXIST)
			return sl_case_fail(c, -errno, "cannot link \"%s/%s\""
			    ": %s", c->dir, shown[i], strerror(errno));
	}
	return 0;
}

int
sl_case_show_current(struct sl_case *c)
{
	return show_current(c);
}

/* sessionlog.case of the case's directory: the format only, the digests
 * being the generation's.  Written last when a case becomes one of
 * format 3: until then its readers read it as it was. */
static int
write_root_marker(struct sl_case *c)
{
	static const char tmp[] = SL_CASE_FILE ".new";
	char line[] = SL_CASE_MARKER "\n";
	int fd, rc = 0;

	unlinkat(c->rootfd, tmp, 0);
	fd = openat(c->rootfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) < 0 ||
	    write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
	    (!c->nosync && fsync(fd) < 0))
		rc = -errno ? -errno : -EIO;
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && renameat(c->rootfd, tmp, c->rootfd, SL_CASE_FILE) < 0)
		rc = -errno;
	if (rc == 0)
		rc = fsync_at(c, c->rootfd, ".");
	if (rc < 0) {
		unlinkat(c->rootfd, tmp, 0);
		return sl_case_fail(c, rc, "cannot write \"%s/%s\": %s",
		    c->dir, SL_CASE_FILE, strerror(-rc));
	}
	return 0;
}

int
sl_case_txn_commit(struct sl_case *c, char *const *paths, size_t n)
{
	static const char tmplink[] = SL_CURRENT ".new";
	struct sl_digest *dig = NULL;
	struct sl_buf b = { 0 };
	size_t i, j, ndig = 0, nkept;
	char target[64];
	FILE *fp = NULL;
	int rc = 0, old;

	if (c->txnfd < 0)
		return sl_case_fail(c, -EINVAL, "no update begun");
	dig = calloc(c->ndig + n + 1, sizeof(*dig));
	if (dig == NULL)
		return sl_case_fail(c, -ENOMEM, "out of memory");
	for (i = 0; i < c->ndig; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(c->dig[i].path, paths[j] +
			    (paths[j][0] == '-')) == 0)
				break;
		if (j == n)
			dig[ndig++] = c->dig[i];	/* borrowed path */
	}
	/* What does not change is the same file in both generations. */
	nkept = ndig;
	for (i = 0; i < nkept; i++) {
		if (c->stop != NULL && c->stop(c->stop_arg)) {
			rc = sl_case_fail(c, -EINTR, "interrupted");
			goto fail;
		}
		if (linkat(c->dirfd, dig[i].path, c->txnfd, dig[i].path, 0) <
		    0) {
			rc = sl_case_fail(c, -errno, "cannot link \"%s/%s/%s\""
			    " into \"%s/%s/%lu\": %s", c->dir, c->genrel,
			    dig[i].path, c->dir, SL_GEN, c->txngen,
			    strerror(errno));
			goto fail;
		}
	}
	for (j = 0; j < n; j++) {
		if (paths[j][0] == '-')
			continue;	/* removed: no digest */
		if (c->stop != NULL && c->stop(c->stop_arg)) {
			rc = sl_case_fail(c, -EINTR, "interrupted");
			goto fail;
		}
		sl_buf_reset(&b);
		if (sl_buf_printf(&b, "%s/%s/%lu/%s", c->dir, SL_GEN,
		    c->txngen, paths[j]) < 0) {
			rc = sl_case_fail(c, -ENOMEM, "out of memory");
			goto fail;
		}
		rc = sl_sha256_file(b.p, dig[ndig].hex, NULL);
		if (rc < 0) {
			sl_case_fail(c, rc, "cannot read \"%s\": %s", b.p,
			    strerror(-rc));
			goto fail;
		}
		dig[ndig++].path = paths[j];
	}
	if (ndig > 0)
		qsort(dig, ndig, sizeof(*dig), sl_digest_by_path);

	if ((fp = sl_case_fcreate(c, SL_TXN "/" SL_CASE_FILE)) == NULL) {
		rc = -EIO;
		goto fail;
	}
	fprintf(fp, "%s\n", SL_CASE_MARKER);
	for (i = 0; i < ndig; i++)
		fprintf(fp, "sha256 %s %s\n", dig[i].hex, dig[i].path);
	rc = sl_case_fclose(c, fp, SL_TXN "/" SL_CASE_FILE);
	fp = NULL;
	if (rc < 0)
		goto fail;
	if (!c->nosync && syncfs(c->txnfd) < 0) {
		rc = sl_case_fail(c, -errno, "cannot sync \"%s\": %s", c->dir,
		    strerror(errno));
		goto fail;
	}
	if ((rc = fsync_at(c, c->txnfd, "users")) < 0 ||
	    (rc = fsync_at(c, c->txnfd, ".")) < 0 ||
	    (rc = fsync_at(c, c->rootfd, SL_GEN)) < 0) {
		sl_case_fail(c, rc, "cannot sync \"%s/%s/%lu\": %s", c->dir,
		    SL_GEN, c->txngen, strerror(-rc));
		goto fail;
	}
	snprintf(target, sizeof(target), "%s/%lu", SL_GEN, c->txngen);
	unlinkat(c->rootfd, tmplink, 0);
	if (symlinkat(target, c->rootfd, tmplink) < 0) {
		rc = sl_case_fail(c, -errno, "cannot create \"%s/%s\": %s",
		    c->dir, tmplink, strerror(errno));
		goto fail;
	}
	/* The last moment a signal can leave the case as it was; past it
	 * the commit ends whatever comes. */
	if (c->stop != NULL && c->stop(c->stop_arg)) {
		unlinkat(c->rootfd, tmplink, 0);
		rc = sl_case_fail(c, -EINTR, "interrupted");
		goto fail;
	}
	/* The point of no return: one rename switches every reader that
	 * comes later to the new generation. */
	if (renameat(c->rootfd, tmplink, c->rootfd, SL_CURRENT) < 0) {
		rc = sl_case_fail(c, -errno, "cannot commit \"%s\": %s",
		    c->dir, strerror(errno));
		unlinkat(c->rootfd, tmplink, 0);
		goto fail;
	}
	free(dig);
	dig = NULL;
	sl_buf_release(&b);
	if ((rc = fsync_at(c, c->rootfd, ".")) < 0)
		return sl_case_fail(c, rc, "cannot sync \"%s\": %s", c->dir,
		    strerror(-rc));
	/* This writer reads the new generation from now on. */
	old = c->dirfd;
	c->dirfd = c->txnfd;
	c->txnfd = -1;
	c->gen = c->txngen;
	c->txngen = 0;
	snprintf(c->genrel, sizeof(c->genrel), "%s/%lu", SL_GEN, c->gen);
	flock(c->dirfd, LOCK_SH | LOCK_NB);
	if (old >= 0 && old != c->rootfd)
		close(old);
	if (c->version < 3) {
		/* A case of format 2 or one being created: the readers of
		 * the case's directory turn to current/ here. */
		if ((rc = write_root_marker(c)) < 0)
			return rc;
		c->version = 3;
	}
	if ((rc = show_current(c)) < 0 || (rc = sl_case_load(c)) < 0)
		return rc;
	sl_case_gc(c);
	return 0;
fail:
	if (fp != NULL)
		fclose(fp);
	free(dig);
	sl_buf_release(&b);
	sl_case_txn_abort(c);
	return rc;
}

int
sl_case_txn_empty_table(struct sl_case *c, const char *rel,
    const char *const *header, size_t ncol)
{
	struct sl_bgzf_writer *w;
	char path[300];
	size_t i;
	FILE *fp;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", SL_TXN, rel);
	if ((fp = sl_case_fcreate(c, path)) == NULL)
		return -EIO;
	if ((w = sl_bgzf_writer_new(fp, 1)) == NULL) {
		fclose(fp);
		return sl_case_fail(c, -ENOMEM, "out of memory");
	}
	for (i = 0; i < ncol && rc == 0; i++) {
		rc = sl_bgzf_write(w, header[i], strlen(header[i]));
		if (rc == 0)
			rc = sl_bgzf_write(w, i + 1 < ncol ? "\t" : "\n", 1);
	}
	if (rc == 0)
		rc = sl_bgzf_close(w);
	else
		sl_bgzf_close(w);
	if (rc < 0) {
		fclose(fp);
		return sl_case_fail(c, rc, "cannot write \"%s/%s\": %s",
		    c->dir, path, strerror(-rc));
	}
	return sl_case_fclose(c, fp, path);
}
