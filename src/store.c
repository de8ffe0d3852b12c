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
			if (strcmp(line.p, SL_CASE_MARKER) == 0)
				c->version = 3;
			else if (strcmp(line.p, SL_CASE_MARKER_2) == 0)
				c->version = 2;
			else if (strcmp(line.p, SL_CASE_MARKER_1) == 0)
				c->version = 1;
			else {
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

/* The format named by the first line of the case directory's
 * sessionlog.case: 1, 2 or 3, 0 when there is none, or -ENOTSUP,
 * -EBADMSG, another negative errno value (c->err set but for 0). */
static int
root_version(struct sl_case *c)
{
	char buf[64];
	ssize_t r;
	int fd;

	fd = openat(c->rootfd, SL_CASE_FILE, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || (r = read(fd, buf, sizeof(buf) - 1)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return sl_case_fail(c, -e, "cannot read \"%s/%s\": %s",
		    c->dir, SL_CASE_FILE, strerror(e));
	}
	close(fd);
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, SL_CASE_MARKER) == 0)
		return 3;
	if (strcmp(buf, SL_CASE_MARKER_2) == 0)
		return 2;
	if (strcmp(buf, SL_CASE_MARKER_1) == 0)
		return 1;
	if (strncmp(buf, "sessionlog-case ", 16) == 0)
		return sl_case_fail(c, -ENOTSUP, "\"%s/%s\": unsupported case "
		    "version (this is sessionlog %s)", c->dir, SL_CASE_FILE,
		    SL_VERSION);
	return sl_case_fail(c, -EBADMSG, "\"%s/%s\": line 1 is not a "
	    "sessionlog case line", c->dir, SL_CASE_FILE);
}

/* " (pid N since TIME)" of a living writer that holds .lock, or "". */
static void
lock_holder(struct sl_case *c, char *out, size_t len)
{
	char buf[96], *sp, *p;
	ssize_t r;
	long pid;

	out[0] = '\0';
	r = pread(c->lockfd, buf, sizeof(buf) - 1, 0);
	if (r <= 0)
		return;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	pid = strtol(buf, &sp, 10);
	if (pid <= 0 || pid > INT_MAX ||
	    (kill((pid_t)pid, 0) < 0 && errno != EPERM))
		return;		/* a writer that died, or not one */
	while (*sp == ' ')
		sp++;
	for (p = sp; *p != '\0'; p++)
		if (strchr("0123456789-:.TZ", *p) == NULL)
			break;
	if (*sp != '\0' && *p == '\0')
		snprintf(out, len, " (pid %ld since %s)", pid, sp);
	else
		snprintf(out, len, " (pid %ld)", pid);
}

/*
 * The writer's lock: flock(2) on .lock, which then holds the writer's pid
 * and since when.  Writers wait for each other (wait seconds, < 0 for as
 * long as it takes); readers of format 3 never take it.  A reader of a
 * case of format 1 or 2 shares it, as those formats' own tools do.
 */
static int
lock_writer(struct sl_case *c, int wait, int flat)
{
	struct timespec t0, now, nap = { 0, 50000000 };
	char buf[64], who[128], when[32];
	int n;

	c->lockfd = openat(c->rootfd, SL_LOCK, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (c->lockfd < 0)
		return sl_case_fail(c, -errno, "cannot open \"%s/%s\": %s",
		    c->dir, SL_LOCK, strerror(errno));
	fchmod(c->lockfd, 0600);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(c->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return sl_case_fail(c, -errno, "cannot lock \"%s\": "
			    "%s", c->dir, strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (wait >= 0 && now.tv_sec - t0.tv_sec +
		    (now.tv_nsec - t0.tv_nsec) / 1e9 >= wait) {
			lock_holder(c, who, sizeof(who));
			if (who[0] == '\0' && flat)
				return sl_case_fail(c, -EAGAIN, "case \"%s\" "
				    "is being read by another process (a case "
				    "of format %d keeps its writers out while "
				    "it is read)", c->dir, flat);
			if (wait == 0)
				return sl_case_fail(c, -EAGAIN, "case \"%s\" "
				    "is being written by another process%s",
				    c->dir, who);
			return sl_case_fail(c, -ETIMEDOUT, "case \"%s\" is "
			    "still being written by another process%s after "
			    "%d second%s", c->dir, who, wait,
			    wait == 1 ? "" : "s");
		}
		nanosleep(&nap, NULL);
	}
	clock_gettime(CLOCK_REALTIME, &now);
	sl_row_time_format((int64_t)now.tv_sec * 1000000 +
	    now.tv_nsec / 1000, when);
	n = snprintf(buf, sizeof(buf), "%ld %s\n", (long)getpid(), when);
	if (ftruncate(c->lockfd, 0) < 0 ||
	    pwrite(c->lockfd, buf, (size_t)n, 0) != n)
		return sl_case_fail(c, -errno, "cannot write \"%s/%s\": %s",
		    c->dir, SL_LOCK, strerror(errno));
	c->writer = 1;
	return 0;
}

/* A reader of a case of format 1 or 2: the shared lock of those formats.
 * 0 when held (or needless), 1 when the case became one of format 3
 * meanwhile (the first writer of a case of format 2 makes it one at
 * once: that writer is waited for a moment). */
static int
lock_reader_flat(struct sl_case *c)
{
	struct timespec nap = { 0, 50000000 };
	char who[128];
	int tries, v;

	c->lockfd = openat(c->rootfd, SL_LOCK, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW);
	if (c->lockfd < 0 && errno == ENOENT)
		return 0;	/* never written: nothing to fear */
	if (c->lockfd < 0)
		return sl_case_fail(c, -errno, "cannot open \"%s/%s\": %s",
		    c->dir, SL_LOCK, strerror(errno));
	for (tries = 0;; tries++) {
		int locked = flock(c->lockfd, LOCK_SH | LOCK_NB) == 0;

		if (!locked && errno != EWOULDBLOCK && errno != EINTR)
			return sl_case_fail(c, -errno, "cannot lock \"%s\": "
			    "%s", c->dir, strerror(errno));
		if ((v = root_version(c)) < 0)
			return v;
		if (v == 3) {
			close(c->lockfd);
			c->lockfd = -1;
			return 1;
		}
		if (locked)
			return 0;
		if (tries == 40) {
			lock_holder(c, who, sizeof(who));
			return sl_case_fail(c, -EAGAIN, "case \"%s\" is being "
			    "written by another process%s", c->dir, who);
		}
		nanosleep(&nap, NULL);
	}
}

/*
 * The generation a case of format 3 shows now: the link current names
 * gen/N; its directory is opened and held with a shared lock, and is
 * read through that descriptor only, so that what is read is one
 * generation whatever the writer does meanwhile.  A generation that a
 * writer removes loses its sessionlog.case first: found missing after
 * the lock, current is read again.
 */
static int
open_current(struct sl_case *c)
{
	struct timespec nap = { 0, 1000000 };
	char link[64];
	unsigned long n;
	ssize_t r;
	int tries, fd;

	for (tries = 0; tries < 2000; tries++) {
		if (tries > 0)
			nanosleep(&nap, NULL);
		r = readlinkat(c->rootfd, SL_CURRENT, link, sizeof(link) - 1);
		if (r < 0)
			return sl_case_fail(c, -errno, "cannot read \"%s/%s\":"
			    " %s", c->dir, SL_CURRENT, strerror(errno));
		link[r] = '\0';
		n = strncmp(link, SL_GEN "/", strlen(SL_GEN "/")) == 0 ?
		    strtoul(link + strlen(SL_GEN "/"), NULL, 10) : 0;
		snprintf(c->genrel, sizeof(c->genrel), "%s/%lu", SL_GEN, n);
		if (n == 0 || strcmp(c->genrel, link) != 0)
			return sl_case_fail(c, -EBADMSG, "\"%s/%s\": not a "
			    "link to a generation of the case", c->dir,
			    SL_CURRENT);
		fd = openat(c->rootfd, link, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return sl_case_fail(c, -errno, "cannot open \"%s/%s\":"
			    " %s", c->dir, link, strerror(errno));
		if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
			int e = errno;

			close(fd);
			if (e == EWOULDBLOCK || e == EINTR)
				continue;	/* being removed */
			return sl_case_fail(c, -e, "cannot lock \"%s/%s\": "
			    "%s", c->dir, link, strerror(e));
		}
		if (faccessat(fd, SL_CASE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) <
		    0) {
			close(fd);
			continue;
		}
		c->dirfd = fd;
		c->gen = n;
		return 0;
	}
	return sl_case_fail(c, -EAGAIN, "\"%s/%s\": no generation of the "
	    "case could be opened", c->dir, SL_CURRENT);
}

/* The names that a case being created, or left half-created by a crash,
 * may already hold. */
static int
dir_is_empty(int dirfd)
{
	static const char *const ours[] = { SL_LOCK, SL_TXN, SL_TMP,
	    SL_AUDIT, SL_GEN, SL_CURRENT, SL_CURRENT ".new",
	    SL_CASE_FILE ".new" };
	static const char *const links[] = { SL_MANIFEST, SL_REJECTS,
	    SL_KEYS, SL_CONFLICTS, "users" };
	struct dirent *de;
	struct stat st;
	size_t i;
	DIR *d;
	int fd, empty = 1;

	fd = dup(dirfd);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (empty && (de = readdir(d)) != NULL) {
		int ok = strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0;

		for (i = 0; i < SL_ARRAY_LEN(ours) && !ok; i++)
			ok = strcmp(de->d_name, ours[i]) == 0;
		for (i = 0; i < SL_ARRAY_LEN(links) && !ok; i++)
			ok = strcmp(de->d_name, links[i]) == 0 &&
			    fstatat(dirfd, de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 &&
			    (S_ISLNK(st.st_mode) || (S_ISDIR(st.st_mode) &&
			    unlinkat(dirfd, de->d_name, AT_REMOVEDIR) == 0));
		empty = ok;
	}
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

	if (fchmod(c->rootfd, 0700) < 0)
		return sl_case_fail(c, -errno, "cannot create \"%s\": %s",
		    c->dir, strerror(errno));
	/* What a creation that did not finish left: it never showed. */
	sl_case_drop_gens(c);
	c->version = 0;
	if ((rc = sl_case_txn_begin(c)) < 0)
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
	/* A case of format 2 became one of format 3 when it was opened. */
	if (c->version >= 3)
		return c->found < 3 ? c->found : 0;
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

/* The first writer of a case of format 2: the same files, in generation
 * 1 of format 3 (linked, not copied). */
static int
upgrade_2(struct sl_case *c)
{
	int rc;

	if ((rc = sl_case_txn_begin(c)) < 0)
		return rc;
	return sl_case_txn_commit(c, NULL, 0);
}

/* A case of format 1 or 2, read where it is; its first writer finishes an
 * update that a crash of its own format's writer cut short, and makes a
 * case of format 2 one of format 3 (format 1 waits for ingest
 * --upgrade). */
static int
open_flat(struct sl_case *c)
{
	int rc;

	if (faccessat(c->rootfd, SL_TXN "/COMMIT", F_OK, 0) == 0) {
		if (!c->writer)
			return sl_case_fail(c, -EAGAIN, "case \"%s\" has an "
			    "update that a crash cut short: any writer "
			    "finishes it (ingest --upgrade -C %s)", c->dir,
			    c->dir);
		if ((rc = sl_case_txn_finish(c)) < 0)
			return sl_case_fail(c, rc, "case %s has an unfinished "
			    "update that cannot be completed (%s)", c->dir,
			    strerror(-rc));
	} else if (c->writer) {
		/* Roll back what a writer left before committing. */
		sl_case_rmtree(c, SL_TXN);
	}
	if (c->writer)
		sl_case_drop_gens(c);
	if ((rc = sl_case_load(c)) < 0)
		return rc;
	if (c->writer && c->version == 2)
		return upgrade_2(c);
	return 0;
}

struct sl_case *
sl_case_open(const char *dir, int flags, char *err, size_t errlen)
{
	return sl_case_open_wait(dir, flags, 0, err, errlen);
}

struct sl_case *
sl_case_open_wait(const char *dir, int flags, int wait, char *err,
    size_t errlen)
{
	struct sl_case *c;
	int writer = (flags & (SL_CASE_WRITE | SL_CASE_CREATE)) != 0;
	int rc, v;

	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->dir = strdup(dir)) == NULL) {
		sl_seterr(err, errlen, "out of memory");
		free(c);
		return NULL;
	}
	c->rootfd = c->dirfd = c->txnfd = c->lockfd = -1;
	strcpy(c->genrel, ".");
	c->nosync = (flags & SL_CASE_SCRATCH) != 0;
	c->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0 && errno == ENOENT && (flags & SL_CASE_CREATE)) {
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			rc = sl_case_fail(c, -errno, "cannot create \"%s\": %s",
			    dir, strerror(errno));
			goto fail;
		}
		c->rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (c->rootfd < 0) {
		rc = sl_case_fail(c, -errno, "cannot open case \"%s\": %s",
		    dir, strerror(errno));
		goto fail;
	}
	/* Refused before the lock is taken, as well as after: the lock
	 * file must not be left in a directory that is not a case. */
	if ((v = root_version(c)) < 0) {
		rc = v;
		goto fail;
	}
	if (v == 0 && (!(flags & SL_CASE_CREATE) ||
	    !dir_is_empty(c->rootfd))) {
		rc = sl_case_fail(c, -ENOENT, "\"%s\" is not a sessionlog "
		    "case (no %s)", dir, SL_CASE_FILE);
		goto fail;
	}
	if (writer) {
		if ((rc = lock_writer(c, wait, v < 3 ? v : 0)) < 0)
			goto fail;
		if ((v = root_version(c)) < 0) {
			rc = v;
			goto fail;
		}
		if (v == 0 && !dir_is_empty(c->rootfd)) {
			rc = sl_case_fail(c, -ENOENT, "\"%s\" is not a "
			    "sessionlog case (no %s)", dir, SL_CASE_FILE);
			goto fail;
		}
	} else if (v < 3) {
		if ((rc = lock_reader_flat(c)) < 0)
			goto fail;
		if (rc == 1)
			v = 3;
	}
	c->found = v;
	if (c->writer)
		sl_case_rmtree(c, SL_TMP);
	if (v == 0) {
		rc = create_case(c);
	} else if (v == 3) {
		if (c->writer) {
			unlinkat(c->rootfd, SL_CURRENT ".new", 0);
			unlinkat(c->rootfd, SL_CASE_FILE ".new", 0);
		}
		if ((rc = open_current(c)) == 0 &&
		    (rc = sl_case_load(c)) == 0 && c->writer &&
		    (rc = sl_case_show_current(c)) == 0)
			sl_case_gc(c);
	} else {
		c->dirfd = c->rootfd;
		rc = open_flat(c);
	}
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
	sl_case_txn_abort(c);
	free_state(c);
	if (c->lockfd >= 0) {
		if (c->writer && ftruncate(c->lockfd, 0) < 0)
			c->writer = 0;	/* nothing more to do about it */
		close(c->lockfd);
	}
	if (c->dirfd >= 0 && c->dirfd != c->rootfd)
		close(c->dirfd);
	if (c->rootfd >= 0)
		close(c->rootfd);
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
	fd = openat(c->rootfd, SL_AUDIT, O_WRONLY | O_APPEND | O_CREAT |
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
