/* txn.c: the case's files, created 0600 and synced, and transactions that
 * make them visible all at once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

/* ---- files --------------------------------------------------------------- */

FILE *
sl_case_fopen(struct sl_case *c, const char *rel)
{
	FILE *fp;
	int fd;

	fd = openat(c->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
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
	FILE *fp;
	int fd;

	fd = openat(c->dirfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) < 0 ||
	    (fp = fdopen(fd, "wb")) == NULL) {
		sl_case_fail(c, -errno, "cannot create \"%s/%s\": %s", c->dir,
		    rel, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return fp;
}

int
sl_case_fclose(struct sl_case *c, FILE *fp, const char *rel)
{
	int bad, later;

	/* Files of an update are made durable together by one syncfs(2)
	 * before the update commits (see the commit), not one by one: a
	 * case of many users would otherwise wait for hundreds of syncs. */
	later = c->nosync ||
	    (strncmp(rel, SL_TXN "/", strlen(SL_TXN "/")) == 0 &&
	    strcmp(rel, SL_TXN "/COMMIT.new") != 0);
	/* The reason is the failing call's: ENOSPC says the disk is full.
	 * A stream whose error came from an earlier write that no one
	 * checked has no reason left to tell. */
	errno = 0;
	bad = fflush(fp) != 0 || ferror(fp) ||
	    (!later && fsync(fileno(fp)) != 0);
	if (bad) {
		int e = errno ? errno : EIO;

		fclose(fp);
		return sl_case_fail(c, -e, "cannot write \"%s/%s\": %s",
		    c->dir, rel, strerror(e));
	}
	if (fclose(fp) != 0)
		return sl_case_fail(c, -errno, "cannot write \"%s/%s\": %s",
		    c->dir, rel, strerror(errno));
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
fsync_dir(struct sl_case *c, const char *rel)
{
	int fd, rc = 0;

	if (c->nosync)
		return 0;
	fd = openat(c->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	return rc;
}

void
sl_case_rmtree(struct sl_case *c, const char *rel)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(c->dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
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
		if (unlinkat(fd, de->d_name, 0) < 0 && errno == EISDIR) {
			/* One level deeper at most: .txn/users. */
			int sfd = openat(fd, de->d_name, O_RDONLY |
			    O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			DIR *sd = sfd >= 0 ? fdopendir(sfd) : NULL;
			struct dirent *se;

			if (sd == NULL) {
				if (sfd >= 0)
					close(sfd);
				continue;
			}
			while ((se = readdir(sd)) != NULL)
				if (strcmp(se->d_name, ".") != 0 &&
				    strcmp(se->d_name, "..") != 0)
					unlinkat(sfd, se->d_name, 0);
			closedir(sd);
			unlinkat(fd, de->d_name, AT_REMOVEDIR);
		}
	}
	closedir(d);
	unlinkat(c->dirfd, rel, AT_REMOVEDIR);
}

int
sl_case_mkdir(struct sl_case *c, const char *rel)
{
	if (mkdirat(c->dirfd, rel, 0700) < 0 && errno != EEXIST)
		return sl_case_fail(c, -errno, "cannot create \"%s/%s\": %s",
		    c->dir, rel, strerror(errno));
	if (fchmodat(c->dirfd, rel, 0700, 0) < 0)
		return sl_case_fail(c, -errno, "cannot create \"%s/%s\": %s",
		    c->dir, rel, strerror(errno));
	return 0;
}



/* ---- transactions -------------------------------------------------------- */

int
sl_case_txn_begin(struct sl_case *c)
{
	int rc;

	sl_case_rmtree(c, SL_TXN);
	if ((rc = sl_case_mkdir(c, SL_TXN)) < 0 ||
	    (rc = sl_case_mkdir(c, SL_TXN "/users")) < 0)
		return rc;
	return 0;
}

void
sl_case_txn_abort(struct sl_case *c)
{
	sl_case_rmtree(c, SL_TXN);
}

int
sl_digest_by_path(const void *a, const void *b)
{
	return strcmp(((const struct sl_digest *)a)->path,
	    ((const struct sl_digest *)b)->path);
}

/* Rename the files listed in .txn/COMMIT into place and remove .txn. */
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
	if ((rc = fsync_dir(c, "users")) < 0 || (rc = fsync_dir(c, ".")) < 0)
		return sl_case_fail(c, rc, "cannot sync \"%s\": %s", c->dir,
		    strerror(-rc));
	if (unlinkat(c->dirfd, SL_TXN "/COMMIT", 0) < 0)
		return sl_case_fail(c, -errno, "cannot remove \"%s/%s\": %s",
		    c->dir, SL_TXN "/COMMIT", strerror(errno));
	sl_case_rmtree(c, SL_TXN);
	return 0;
}

int
sl_case_txn_commit(struct sl_case *c, char *const *paths, size_t n)
{
	struct sl_digest *dig = NULL;
	struct sl_buf b = { 0 };
	size_t i, j, ndig = 0;
	FILE *fp = NULL;
	int rc = 0;

	dig = calloc(c->ndig + n, sizeof(*dig));
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
	for (j = 0; j < n; j++) {
		if (paths[j][0] == '-')
			continue;	/* removed: no digest */
		if (c->stop != NULL && c->stop(c->stop_arg)) {
			rc = sl_case_fail(c, -EINTR, "interrupted");
			goto fail;
		}
		sl_buf_reset(&b);
		if (sl_buf_printf(&b, "%s/%s/%s", c->dir, SL_TXN, paths[j]) <
		    0) {
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

	if (!c->nosync && syncfs(c->dirfd) < 0) {
		rc = sl_case_fail(c, -errno, "cannot sync \"%s\": %s", c->dir,
		    strerror(errno));
		goto fail;
	}
	if ((fp = sl_case_fcreate(c, SL_TXN "/COMMIT.new")) == NULL) {
		rc = -EIO;
		goto fail;
	}
	fprintf(fp, "sessionlog-commit 1\n");
	for (j = 0; j < n; j++)
		fprintf(fp, "%s\n", paths[j]);
	fprintf(fp, "%s\n", SL_CASE_FILE);
	rc = sl_case_fclose(c, fp, SL_TXN "/COMMIT.new");
	fp = NULL;
	if (rc < 0)
		goto fail;
	if ((rc = fsync_dir(c, SL_TXN "/users")) < 0 ||
	    (rc = fsync_dir(c, SL_TXN)) < 0) {
		sl_case_fail(c, rc, "cannot sync \"%s/%s\": %s", c->dir,
		    SL_TXN, strerror(-rc));
		goto fail;
	}
	/* The last moment a signal can leave the case as it was; past it
	 * the commit ends whatever comes. */
	if (c->stop != NULL && c->stop(c->stop_arg)) {
		rc = sl_case_fail(c, -EINTR, "interrupted");
		goto fail;
	}
	/* The point of no return: from here a crash rolls forward. */
	if (renameat(c->dirfd, SL_TXN "/COMMIT.new", c->dirfd,
	    SL_TXN "/COMMIT") < 0 || (rc = fsync_dir(c, SL_TXN)) < 0) {
		rc = sl_case_fail(c, rc < 0 ? rc : -errno, "cannot commit "
		    "\"%s\": %s", c->dir, strerror(rc < 0 ? -rc : errno));
		goto fail;
	}
	free(dig);
	dig = NULL;
	sl_buf_release(&b);
	if ((rc = sl_case_txn_finish(c)) < 0)
		return rc;
	return sl_case_load(c);
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
