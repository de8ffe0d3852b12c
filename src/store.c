/* store.c: the case: opening, locking, recovery, loading, upgrade, audit. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

const char *const sl_manifest_header[SL_MANIFEST_COLUMNS] = {
	"sha256", "bytes", "path", "member", "profile", "read", "accepted",
	"duplicates", "rejected", "first", "last", "tz", "ingested",
	"conflicts", "reversals", "notes",
};

const char *const sl_reject_header[SL_REJECT_COLUMNS] = {
	"origin", "line", "offset", "profile", "reason", "raw",
};

const char *const sl_key_header[SL_KEY_COLUMNS] = {
	"scope", "key", "user", "time", "action", "resource", "origin",
	"line", "offset",
};

const char *const sl_conflict_header[SL_CONFLICT_COLUMNS] = {
	"scope", "key", "kept_user", "kept_time", "kept_origin", "kept_line",
	"kept_offset", "user", "time", "origin", "line", "offset", "differs",
	"raw",
};

const char *const sl_idx_header[SL_IDX_COLUMNS] = {
	"offset", "first", "last", "rows",
};

int
sl_case_fail(struct sl_case *c, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return rc;
}

const char *
sl_case_error(const struct sl_case *c)
{
	return c->err;
}

/* ---- loading ------------------------------------------------------------- */

const char *
sl_case_digest(const struct sl_case *c, const char *rel)
{
	size_t lo = 0, hi = c->ndig;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(c->dig[mid].path, rel);

		if (d == 0)
			return c->dig[mid].hex;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
free_state(struct sl_case *c)
{
	size_t i;

	for (i = 0; i < c->ndig; i++)
		free(c->dig[i].path);
	free(c->dig);
	c->dig = NULL;
	c->ndig = 0;
	free(c->shas);
	c->shas = NULL;
	c->nshas = 0;
	for (i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		free(c->users[i].file);
	}
	free(c->users);
	c->users = NULL;
	c->nusers = 0;
}

static int
hex_bin(const char *hex, size_t n, unsigned char *out)
{
	size_t i;

	if (n != 64)
		return -1;
	for (i = 0; i < 64; i++) {
		int ch = (unsigned char)hex[i], v;

		v = ch >= '0' && ch <= '9' ? ch - '0' :
		    ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
		    ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

static int
by_sha(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* Byte order of names that may hold NUL: a prefix comes first. */
static int
name_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int d = memcmp(a, b, an < bn ? an : bn);

	if (d != 0 || an == bn)
		return d;
	return an < bn ? -1 : 1;
}

static int
by_user(const void *a, const void *b)
{
	const struct sl_case_user *x = a, *y = b;

	return name_cmp(x->name, x->namelen, y->name, y->namelen);
}

const struct sl_case_user *
sl_case_find_user(const struct sl_case *c, const char *user, size_t len)
{
	size_t lo = 0, hi = c->nusers;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = name_cmp(c->users[mid].name, c->users[mid].namelen,
		    user, len);

		if (d == 0)
			return &c->users[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
load_digests(struct sl_case *c)
{
	struct sl_buf line = { 0 };
	size_t cap = 0, lineno = 0;
	FILE *fp;
	int rc;

	fp = sl_case_fopen(c, SL_CASE_FILE);
	if (fp == NULL)
		return sl_case_fail(c, -errno, "cannot read \"%s/%s\": %s",
		    c->dir, SL_CASE_FILE, strerror(errno));
	while ((rc = sl_case_getline(fp, &line, 4096)) > 0) {
		char *sp;

		lineno++;
		if (lineno == 1) {
			c->version = 2;
			if (strcmp(line.p, SL_CASE_MARKER_1) == 0)
				c->version = 1;
			else if (strcmp(line.p, SL_CASE_MARKER) != 0) {
				rc = strncmp(line.p, "sessionlog-case ", 16) ==
				    0 ? -ENOTSUP : -EBADMSG;
				break;
			}
			continue;
		}
		if (line.n < 7 + 64 + 2 || memcmp(line.p, "sha256 ", 7) != 0 ||
		    line.p[71] != ' ' || !sl_case_safe_rel(line.p + 72)) {
			rc = -EBADMSG;
			break;
		}
		sp = line.p + 7;
		if (c->ndig == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct sl_digest *d = realloc(c->dig,
			    ncap * sizeof(*d));

			if (d == NULL) {
				rc = -ENOMEM;
				break;
			}
			c->dig = d;
			cap = ncap;
		}
		memcpy(c->dig[c->ndig].hex, sp, 64);
		c->dig[c->ndig].hex[64] = '\0';
		c->dig[c->ndig].path = strdup(line.p + 72);
		if (c->dig[c->ndig].path == NULL) {
			rc = -ENOMEM;
			break;
		}
		c->ndig++;
	}
	fclose(fp);
	sl_buf_release(&line);
	if (rc == 0 && lineno == 0)
		rc = -EBADMSG;
	if (rc == -ENOTSUP)
		return sl_case_fail(c, rc, "\"%s/%s\": unsupported case "
		    "version (this is sessionlog %s)", c->dir, SL_CASE_FILE,
		    SL_VERSION);
	if (rc == -ENOMEM)
		return sl_case_fail(c, rc, "out of memory");
	if (rc < 0)
		return sl_case_fail(c, -EBADMSG, "\"%s/%s\": line %zu is not "
		    "a sessionlog case line", c->dir, SL_CASE_FILE, lineno);
	if (c->ndig > 0)
		qsort(c->dig, c->ndig, sizeof(*c->dig), sl_digest_by_path);
	return 0;
}

/* The digests of the manifest's logs, and the latest time of those whose
 * times all had their year (sl_case_dated_last). */
static int
load_shas(struct sl_case *c)
{
	const struct sl_manifest_row *r;
	struct sl_manifest *m;
	size_t cap = 0;
	int rc, notes;

	if ((rc = sl_case_manifest(c, &m)) < 0)
		return rc;
	/* format 1 kept no notes: its rows cannot say */
	notes = sl_manifest_has(m, "notes");
	while ((rc = sl_manifest_next(m, &r)) != 0) {
		unsigned char d[32];

		if (rc == -EBADMSG)
			continue;	/* sl_case_verify tells */
		if (rc < 0)
			break;
		if (notes && r->last != INT64_MIN && r->last > c->dated_last &&
		    !sl_notes_get(r->notes.p, r->notes.n, "year", NULL))
			c->dated_last = r->last;
		if (hex_bin(r->sha256.p, r->sha256.n, d) < 0)
			continue;	/* empty for a log never finished */
		if (c->nshas == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *p = realloc(c->shas, ncap * 32);

			if (p == NULL) {
				rc = sl_case_fail(c, -ENOMEM, "out of memory");
				break;
			}
			c->shas = p;
			cap = ncap;
		}
		memcpy(c->shas[c->nshas++], d, 32);
	}
	sl_manifest_free(m);
	if (rc < 0)
		return rc;
	if (c->nshas > 0)
		qsort(c->shas, c->nshas, 32, by_sha);
	return 0;
}

/* The user of a timeline whose file name is hashed: its first row's. */
static int
first_user(struct sl_case *c, const char *rel, struct sl_buf *out)
{
	struct sl_lines l;
	struct sl_str col[SL_ROW_COLUMNS];
	char *p;
	size_t n;
	FILE *fp;
	int rc;

	fp = sl_case_fopen(c, rel);
	if (fp == NULL)
		return sl_case_fail(c, -errno, "cannot read \"%s/%s\": %s",
		    c->dir, rel, strerror(errno));
	sl_lines_init(&l, fp);
	rc = sl_lines_next(&l, &p, &n);		/* the header */
	if (rc > 0)
		rc = sl_lines_next(&l, &p, &n);
	if (rc > 0) {
		rc = sl_row_split(p, n, col, SL_ROW_COLUMNS);
		if (rc == 0)
			rc = sl_row_unescape(&col[1]);
		if (rc == 0 && col[1].n > 0)
			rc = sl_buf_add(out, col[1].p, col[1].n);
		else
			rc = -EBADMSG;
	} else if (rc == 0) {
		rc = -EBADMSG;
	}
	sl_lines_release(&l);
	fclose(fp);
	if (rc < 0 && rc != -ENOMEM)
		return sl_case_fail(c, rc, "\"%s/%s\": cannot read the user "
		    "of the first row", c->dir, rel);
	return rc;
}

int
sl_case_load(struct sl_case *c)
{
	struct sl_buf name = { 0 };
	size_t i, cap = 0;
	int rc;

	free_state(c);
	if ((rc = load_digests(c)) < 0 || (rc = load_shas(c)) < 0)
		return rc;
	for (i = 0; i < c->ndig; i++) {
		const char *p = c->dig[i].path;
		size_t n = strlen(p);
		struct sl_case_user *u;

		if (strncmp(p, "users/", 6) != 0 || n < 6 + 7 ||
		    strcmp(p + n - 7, ".tsv.gz") != 0)
			continue;
		sl_buf_reset(&name);
		rc = sl_name_decode(p + 6, n - 13, &name);
		if (rc == 1)
			rc = first_user(c, p, &name);
		else if (rc == -EBADMSG)
			rc = sl_case_fail(c, rc, "\"%s/%s\": not a user "
			    "timeline name", c->dir, p);
		if (rc < 0)
			goto fail;
		if (c->nusers == cap) {
			size_t ncap = cap ? cap * 2 : 16;

			u = realloc(c->users, ncap * sizeof(*u));
			if (u == NULL) {
				rc = -ENOMEM;
				goto fail;
			}
			c->users = u;
			cap = ncap;
		}
		u = &c->users[c->nusers];
		u->name = sl_strndup(name.p, name.n);
		u->namelen = name.n;
		u->file = sl_strndup(p + 6, n - 13);
		if (u->name == NULL || u->file == NULL) {
			free(u->name);
			free(u->file);
			rc = -ENOMEM;
			goto fail;
		}
		c->nusers++;
	}
	if (c->nusers > 0)
		qsort(c->users, c->nusers, sizeof(*c->users), by_user);
	sl_buf_release(&name);
	return 0;
fail:
	if (rc == -ENOMEM)
		sl_case_fail(c, rc, "out of memory");
	sl_buf_release(&name);
	return rc;
}

/* ---- opening ------------------------------------------------------------- */

static int
lock_case(struct sl_case *c, int writer)
{
	char buf[32];
	ssize_t r;
	long pid = 0;

	if (writer) {
		c->lockfd = openat(c->dirfd, SL_LOCK, O_RDWR | O_CREAT |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
		if (c->lockfd >= 0)
			fchmod(c->lockfd, 0600);
	} else {
		c->lockfd = openat(c->dirfd, SL_LOCK, O_RDONLY | O_CLOEXEC |
		    O_NOFOLLOW);
		if (c->lockfd < 0 && errno == ENOENT)
			return 0;	/* never written: nothing to fear */
	}
	if (c->lockfd < 0)
		return sl_case_fail(c, -errno, "cannot open \"%s/%s\": %s",
		    c->dir, SL_LOCK, strerror(errno));
	if (flock(c->lockfd, (writer ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) {
		if (writer) {
			int n = snprintf(buf, sizeof(buf), "%ld\n",
			    (long)getpid());

			if (ftruncate(c->lockfd, 0) < 0 ||
			    pwrite(c->lockfd, buf, (size_t)n, 0) != n)
				return sl_case_fail(c, -errno, "cannot write "
				    "\"%s/%s\": %s", c->dir, SL_LOCK,
				    strerror(errno));
			c->writer = 1;
		}
		return 0;
	}
	if (errno != EWOULDBLOCK)
		return sl_case_fail(c, -errno, "cannot lock \"%s\": %s",
		    c->dir, strerror(errno));
	r = pread(c->lockfd, buf, sizeof(buf) - 1, 0);
	if (r > 0) {
		buf[r] = '\0';
		pid = strtol(buf, NULL, 10);
	}
	/* A writer leaves its pid; the pid of a dead writer means readers. */
	if (pid > 0 && pid <= INT_MAX && (kill((pid_t)pid, 0) == 0 ||
	    errno == EPERM))
		return sl_case_fail(c, -EAGAIN, "case %s is being written by "
		    "another process (pid %ld)", c->dir, pid);
	return sl_case_fail(c, -EAGAIN, "case %s is being read by another "
	    "process", c->dir);
}

static int
dir_is_empty(int dirfd)
{
	struct dirent *de;
	DIR *d;
	int fd, empty = 1;

	fd = dup(dirfd);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL)
		/* Leftovers of a creation that did not finish are ours. */
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 &&
		    strcmp(de->d_name, SL_LOCK) != 0 &&
		    strcmp(de->d_name, SL_TXN) != 0 &&
		    strcmp(de->d_name, SL_TMP) != 0 &&
		    strcmp(de->d_name, "users") != 0 &&
		    strcmp(de->d_name, SL_AUDIT) != 0)
			empty = 0;
	rewinddir(d);
	closedir(d);
	return empty;
}


static void
manifest_header(FILE *fp)
{
	size_t i;

	for (i = 0; i < SL_MANIFEST_COLUMNS; i++)
		fprintf(fp, "%s%c", sl_manifest_header[i],
		    i + 1 < SL_MANIFEST_COLUMNS ? '\t' : '\n');
}

/* The tables every case of format 2 has, empty or not. */
static const struct {
	const char *rel;
	const char *const *header;
	size_t ncol;
} tables[] = {
	{ SL_REJECTS, sl_reject_header, SL_REJECT_COLUMNS },
	{ SL_KEYS, sl_key_header, SL_KEY_COLUMNS },
	{ SL_CONFLICTS, sl_conflict_header, SL_CONFLICT_COLUMNS },
};

static int
create_case(struct sl_case *c)
{
	static char manifest[] = SL_MANIFEST, rejects[] = SL_REJECTS,
	    keys[] = SL_KEYS, conflicts[] = SL_CONFLICTS;
	char *paths[4] = { manifest, rejects, keys, conflicts };
	size_t i;
	FILE *fp;
	int rc;

	if (fchmod(c->dirfd, 0700) < 0)
		return sl_case_fail(c, -errno, "cannot create \"%s\": %s",
		    c->dir, strerror(errno));
	if ((rc = sl_case_mkdir(c, "users")) < 0 ||
	    (rc = sl_case_txn_begin(c)) < 0)
		return rc;
	fp = sl_case_fcreate(c, SL_TXN "/" SL_MANIFEST);
	if (fp == NULL) {
		sl_case_txn_abort(c);
		return -EIO;
	}
	manifest_header(fp);
	rc = sl_case_fclose(c, fp, SL_TXN "/" SL_MANIFEST);
	for (i = 0; i < SL_ARRAY_LEN(tables) && rc == 0; i++)
		rc = sl_case_txn_empty_table(c, tables[i].rel,
		    tables[i].header, tables[i].ncol);
	if (rc < 0) {
		sl_case_txn_abort(c);
		return rc;
	}
	return sl_case_txn_commit(c, paths, 4);
}

size_t
sl_case_manifest_columns(const struct sl_case *c)
{
	return c->version == 1 ? SL_MANIFEST_COLUMNS_1 : SL_MANIFEST_COLUMNS;
}

int
sl_case_version(const struct sl_case *c)
{
	return c->version;
}

/*
 * Format 1 to 2: the manifest gains conflicts, reversals and notes, left
 * empty (not counted then) on the rows of format 1, and the case gets the
 * empty tables it always has now.  One transaction, like an ingest.
 */
int
sl_case_upgrade(struct sl_case *c)
{
	static char manifest[] = SL_MANIFEST;
	char *paths[1 + SL_ARRAY_LEN(tables)] = { manifest };
	struct sl_buf line = { 0 };
	size_t i, npaths = 1;
	FILE *fp, *old;
	int rc = 0, first = 1;

	if (!c->writer)
		return sl_case_fail(c, -EPERM, "case %s is open for reading "
		    "only", c->dir);
	if (c->version == 2)
		return 0;
	if ((rc = sl_case_txn_begin(c)) < 0)
		return rc;
	if ((fp = sl_case_fcreate(c, SL_TXN "/" SL_MANIFEST)) == NULL) {
		sl_case_txn_abort(c);
		return -EIO;
	}
	manifest_header(fp);
	if ((old = sl_case_fopen(c, SL_MANIFEST)) == NULL && errno != ENOENT)
		rc = sl_case_fail(c, -errno, "cannot read \"%s/%s\": %s",
		    c->dir, SL_MANIFEST, strerror(errno));
	while (old != NULL && (rc = sl_case_getline(old, &line, 1 << 20)) > 0) {
		struct sl_str col[SL_MANIFEST_COLUMNS_1];
		char *copy;
		int ok;

		if (first) {
			first = 0;
			continue;
		}
		/* Check the row's shape without changing it. */
		if ((copy = sl_strndup(line.p, line.n)) == NULL) {
			rc = sl_case_fail(c, -ENOMEM, "out of memory");
			break;
		}
		ok = sl_row_split(copy, line.n, col, SL_MANIFEST_COLUMNS_1) ==
		    0;
		free(copy);
		if (!ok) {
			rc = sl_case_fail(c, -EBADMSG, "\"%s/%s\": a row "
			    "that is not of format 1; not upgraded", c->dir,
			    SL_MANIFEST);
			break;
		}
		fwrite(line.p, 1, line.n, fp);
		fputs("\t\t\t\n", fp);
	}
	if (old != NULL) {
		fclose(old);
		if (rc < 0 && rc != -EBADMSG && rc != -ENOMEM)
			sl_case_fail(c, rc, "cannot read \"%s/%s\": %s",
			    c->dir, SL_MANIFEST, strerror(-rc));
	}
	sl_buf_release(&line);
	if (rc < 0) {
		fclose(fp);
		sl_case_txn_abort(c);
		return rc;
	}
	if ((rc = sl_case_fclose(c, fp, SL_TXN "/" SL_MANIFEST)) < 0) {
		sl_case_txn_abort(c);
		return rc;
	}
	for (i = 0; i < SL_ARRAY_LEN(tables); i++) {
		if (sl_case_digest(c, tables[i].rel) != NULL)
			continue;
		rc = sl_case_txn_empty_table(c, tables[i].rel,
		    tables[i].header, tables[i].ncol);
		if (rc < 0) {
			sl_case_txn_abort(c);
			return rc;
		}
		paths[npaths++] = (char *)tables[i].rel;
	}
	if ((rc = sl_case_txn_commit(c, paths, npaths)) < 0)
		return rc;
	return 1;
}

struct sl_case *
sl_case_open(const char *dir, int flags, char *err, size_t errlen)
{
	struct sl_case *c;
	int writer = (flags & (SL_CASE_WRITE | SL_CASE_CREATE)) != 0;
	int rc, create = 0;

	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->dir = strdup(dir)) == NULL) {
		sl_seterr(err, errlen, "out of memory");
		free(c);
		return NULL;
	}
	c->dirfd = c->lockfd = -1;
	c->nosync = (flags & SL_CASE_SCRATCH) != 0;
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0 && errno == ENOENT && (flags & SL_CASE_CREATE)) {
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			rc = sl_case_fail(c, -errno, "cannot create \"%s\": %s",
			    dir, strerror(errno));
			goto fail;
		}
		c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (c->dirfd < 0) {
		rc = sl_case_fail(c, -errno, "cannot open case \"%s\": %s",
		    dir, strerror(errno));
		goto fail;
	}
	/* Refused before the lock is taken, as well as after: the lock
	 * file must not be left in a directory that is not a case. */
	if (faccessat(c->dirfd, SL_CASE_FILE, F_OK, 0) < 0 &&
	    (!(flags & SL_CASE_CREATE) || !dir_is_empty(c->dirfd))) {
		rc = sl_case_fail(c, -ENOENT, "\"%s\" is not a sessionlog "
		    "case (no %s)", dir, SL_CASE_FILE);
		goto fail;
	}
	if ((rc = lock_case(c, writer)) < 0)
		goto fail;
	if (faccessat(c->dirfd, SL_CASE_FILE, F_OK, 0) < 0) {
		if (!(flags & SL_CASE_CREATE) || !dir_is_empty(c->dirfd)) {
			rc = sl_case_fail(c, -ENOENT, "\"%s\" is not a "
			    "sessionlog case (no %s)", dir, SL_CASE_FILE);
			goto fail;
		}
		create = 1;
	}
	if (faccessat(c->dirfd, SL_TXN "/COMMIT", F_OK, 0) == 0) {
		/* An update was committed but not finished: roll forward. */
		if (!c->writer && c->lockfd >= 0 &&
		    flock(c->lockfd, LOCK_EX | LOCK_NB) < 0) {
			rc = sl_case_fail(c, -EAGAIN, "case %s is being "
			    "updated by another process", dir);
			goto fail;
		}
		rc = sl_case_txn_finish(c);
		if (!c->writer && c->lockfd >= 0)
			flock(c->lockfd, LOCK_SH);
		if (rc < 0) {
			sl_case_fail(c, rc, "case %s has an unfinished update "
			    "that cannot be completed (%s); open it for "
			    "writing to finish it", dir, strerror(-rc));
			goto fail;
		}
	} else if (c->writer) {
		/* Roll back what a writer left before committing. */
		sl_case_rmtree(c, SL_TXN);
	}
	if (c->writer)
		sl_case_rmtree(c, SL_TMP);
	if (create)
		rc = create_case(c);
	else
		rc = sl_case_load(c);
	if (rc < 0)
		goto fail;
	return c;
fail:
	sl_seterr(err, errlen, "%s", c->err);
	sl_case_free(c);
	return NULL;
}

void
sl_case_free(struct sl_case *c)
{
	if (c == NULL)
		return;
	free_state(c);
	if (c->lockfd >= 0) {
		if (c->writer && ftruncate(c->lockfd, 0) < 0)
			c->writer = 0;	/* nothing more to do about it */
		close(c->lockfd);
	}
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c->dir);
	free(c);
}

int
sl_case_has_sha256(const struct sl_case *c, const char *sha256)
{
	unsigned char d[32];

	if (sha256 == NULL || hex_bin(sha256, strlen(sha256), d) < 0 ||
	    c->nshas == 0)
		return 0;
	return bsearch(d, c->shas, c->nshas, 32, by_sha) != NULL;
}

int64_t
sl_case_dated_last(const struct sl_case *c)
{
	return c->dated_last;
}

size_t
sl_case_user_count(const struct sl_case *c)
{
	return c->nusers;
}

struct sl_str
sl_case_user(const struct sl_case *c, size_t i)
{
	struct sl_str r = { NULL, 0 };

	if (i < c->nusers) {
		r.p = c->users[i].name;
		r.n = c->users[i].namelen;
	}
	return r;
}

int
sl_case_tz(struct sl_case *c, char *tz, size_t tzlen)
{
	const struct sl_manifest_row *r;
	struct sl_manifest *m;
	int rc, nzones = 0;

	if (tzlen > 0)
		tz[0] = '\0';
	if ((rc = sl_case_manifest(c, &m)) < 0)
		return rc;
	while (nzones < 2 && (rc = sl_manifest_next(m, &r)) > 0) {
		if (r->tz.n == 0)
			continue;	/* the log had no time without a zone */
		if (nzones == 1 && (strlen(tz) != r->tz.n ||
		    memcmp(tz, r->tz.p, r->tz.n) != 0)) {
			nzones = 2;
		} else if (nzones == 0) {
			if (r->tz.n >= tzlen) {
				rc = sl_case_fail(c, -E2BIG, "\"%s/%s\": line "
				    "%" PRIu64 ": a zone name too long",
				    c->dir, SL_MANIFEST, r->lineno);
				break;
			}
			memcpy(tz, r->tz.p, r->tz.n);
			tz[r->tz.n] = '\0';
			nzones = 1;
		}
	}
	sl_manifest_free(m);
	return rc < 0 ? rc : nzones;
}

/* ---- audit.log ----------------------------------------------------------- */

static int
shell_word(struct sl_buf *b, const char *s)
{
	const char *p;
	int plain = *s != '\0';

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("@%+=:,./_-", *p)))
			plain = 0;
	if (plain)
		return sl_buf_adds(b, s);
	if (sl_buf_addc(b, '\'') < 0)
		return -ENOMEM;
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'' ? sl_buf_adds(b, "'\\''") < 0 :
		    sl_buf_addc(b, *p) < 0)
			return -ENOMEM;
	}
	return sl_buf_addc(b, '\'');
}

int
sl_case_audit(struct sl_case *c, const char *tool, int argc,
    char *const *argv)
{
	struct sl_buf args = { 0 }, line = { 0 };
	struct passwd pw, *pwp = NULL;
	struct timespec ts;
	char tbuf[32], pwbuf[1024];
	uid_t uid = getuid();
	int i, fd = -1, rc = -ENOMEM;
	ssize_t w;

	clock_gettime(CLOCK_REALTIME, &ts);
	sl_row_time_format((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000,
	    tbuf);
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) != 0)
		pwp = NULL;
	for (i = 0; i < argc && argv != NULL; i++)
		if ((i > 0 && sl_buf_addc(&args, ' ') < 0) ||
		    shell_word(&args, argv[i] != NULL ? argv[i] : "") < 0)
			goto fail;
	if (sl_buf_printf(&line, "%s\t", tbuf) < 0 ||
	    (pwp != NULL && (sl_tsv_escape(pwp->pw_name, strlen(pwp->pw_name),
	    &line) < 0 || sl_buf_addc(&line, '/') < 0)) ||
	    sl_buf_printf(&line, "%lu\t", (unsigned long)uid) < 0 ||
	    sl_tsv_escape(tool, strlen(tool), &line) < 0 ||
	    sl_buf_addc(&line, '\t') < 0 ||
	    sl_tsv_escape(args.p != NULL ? args.p : "", args.n, &line) < 0 ||
	    sl_buf_addc(&line, '\n') < 0)
		goto fail;
	fd = openat(c->dirfd, SL_AUDIT, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = sl_case_fail(c, -errno, "cannot open \"%s/%s\": %s",
		    c->dir, SL_AUDIT, strerror(errno));
		goto fail;
	}
	fchmod(fd, 0600);
	/* One write: lines of concurrent runs never interleave. */
	w = write(fd, line.p, line.n);
	if (w != (ssize_t)line.n) {
		rc = sl_case_fail(c, w < 0 ? -errno : -EIO, "cannot write "
		    "\"%s/%s\": %s", c->dir, SL_AUDIT,
		    strerror(w < 0 ? errno : EIO));
		goto fail;
	}
	rc = 0;
fail:
	if (rc == -ENOMEM)
		sl_case_fail(c, rc, "out of memory");
	if (fd >= 0)
		close(fd);
	sl_buf_release(&args);
	sl_buf_release(&line);
	return rc;
}
