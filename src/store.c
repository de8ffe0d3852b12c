/* store.c: the case store: opening, locking, recovery, names, timelines. */
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

/* ---- file names of users ------------------------------------------------- */

static int
keep_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	    ch == '.' || ch == '_' || ch == '@' || ch == '+' || ch == '-';
}

static int
is_device(const char *p, size_t n)
{
	static const char *const dev3[] = { "con", "prn", "aux", "nul" };
	size_t i, len = 0;

	while (len < n && p[len] != '.')
		len++;
	if (len == 3) {
		for (i = 0; i < SL_ARRAY_LEN(dev3); i++)
			if (memcmp(p, dev3[i], 3) == 0)
				return 1;
		return 0;
	}
	return len == 4 && (memcmp(p, "com", 3) == 0 ||
	    memcmp(p, "lpt", 3) == 0) && p[3] >= '1' && p[3] <= '9';
}

#define NAME_MAX_ENC 200
#define NAME_CUT 160

int
sl_name_encode(const char *name, size_t n, struct sl_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)name;
	size_t i, start = out->n, k;
	struct sl_sha256 *h;
	char dg[65];

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int enc = !keep_byte(s[i]);

		/* A leading or trailing dot, or the first byte of a device
		 * name, is escaped even though it is a kept byte. */
		if ((i == 0 && (s[0] == '.' || is_device(name, n))) ||
		    (i == n - 1 && s[i] == '.'))
			enc = 1;
		if (!enc) {
			if (sl_buf_addc(out, s[i]) < 0)
				return -ENOMEM;
			continue;
		}
		if (sl_buf_addc(out, '%') < 0 ||
		    sl_buf_addc(out, hex[s[i] >> 4]) < 0 ||
		    sl_buf_addc(out, hex[s[i] & 15]) < 0)
			return -ENOMEM;
	}
	if (out->n - start <= NAME_MAX_ENC)
		return 0;
	k = NAME_CUT;
	if (out->p[start + k - 1] == '%')
		k -= 1;
	else if (out->p[start + k - 2] == '%')
		k -= 2;
	out->n = start + k;
	h = sl_sha256_new();
	if (h == NULL)
		return -ENOMEM;
	sl_sha256_update(h, name, n);
	sl_sha256_final(h, dg);
	sl_sha256_free(h);
	if (sl_buf_addc(out, '~') < 0 || sl_buf_add(out, dg, 32) < 0)
		return -ENOMEM;
	return 0;
}

int
sl_name_decode(const char *file, size_t n, struct sl_buf *out)
{
	struct sl_buf re = { 0 };
	size_t i, start = out->n;
	int hi, lo, rc;

	if (n == 0 || n > NAME_MAX_ENC + 1 + 32 || file[0] == '.')
		return -EBADMSG;
	if (memchr(file, '~', n) != NULL) {
		for (i = 0; i < n; i++)
			if (!keep_byte((unsigned char)file[i]) &&
			    file[i] != '%' && file[i] != '~')
				return -EBADMSG;
		return 1;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)file[i];

		if (ch != '%') {
			if (!keep_byte(ch))
				goto bad;
			if (sl_buf_addc(out, ch) < 0)
				return -ENOMEM;
			continue;
		}
		if (i + 2 >= n)
			goto bad;
		hi = file[i + 1];
		lo = file[i + 2];
		hi = hi >= '0' && hi <= '9' ? hi - '0' :
		    hi >= 'a' && hi <= 'f' ? hi - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' :
		    lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			goto bad;
		if (sl_buf_addc(out, hi << 4 | lo) < 0)
			return -ENOMEM;
		i += 2;
	}
	/* Only the one canonical spelling of each name is ours. */
	rc = sl_name_encode(out->p + start, out->n - start, &re);
	if (rc == -ENOMEM) {
		sl_buf_release(&re);
		return rc;
	}
	if (rc < 0 || re.n != n || memcmp(re.p, file, n) != 0) {
		sl_buf_release(&re);
		goto bad;
	}
	sl_buf_release(&re);
	return 0;
bad:
	out->n = start;
	if (out->cap > 0)
		out->p[start] = '\0';
	return -EBADMSG;
}

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

/* A path the store itself would write: "NAME" or "users/NAME". */
static int
safe_rel(const char *p)
{
	size_t i;

	if (strncmp(p, "users/", 6) == 0)
		p += 6;
	if (p[0] == '\0' || p[0] == '.')
		return 0;
	for (i = 0; p[i] != '\0'; i++)
		if (!keep_byte((unsigned char)p[i]) && p[i] != '%' &&
		    p[i] != '~')
			return 0;
	return i < 256;
}

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

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct sl_digest *)a)->path,
	    ((const struct sl_digest *)b)->path);
}

/* Rename the files listed in .txn/COMMIT into place and remove .txn. */
static int
txn_finish(struct sl_case *c)
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
		if (!safe_rel(line.p)) {
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
			if (strcmp(c->dig[i].path, paths[j]) == 0)
				break;
		if (j == n)
			dig[ndig++] = c->dig[i];	/* borrowed path */
	}
	for (j = 0; j < n; j++) {
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
		qsort(dig, ndig, sizeof(*dig), by_path);

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
	if ((rc = txn_finish(c)) < 0)
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

/* ---- loading ------------------------------------------------------------- */

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
		    line.p[71] != ' ' || !safe_rel(line.p + 72)) {
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
		qsort(c->dig, c->ndig, sizeof(*c->dig), by_path);
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
		rc = txn_finish(c);
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

/* ---- lines of BGZF files ------------------------------------------------- */

void
sl_lines_init(struct sl_lines *l, FILE *fp)
{
	memset(l, 0, sizeof(*l));
	l->fp = fp;
}

void
sl_lines_release(struct sl_lines *l)
{
	sl_bgzf_reader_free(l->r);
	sl_buf_release(&l->buf);
	free(l->boff);
	free(l->bpos);
	free(l->blen);
	memset(l, 0, sizeof(*l));
}

int
sl_lines_seek(struct sl_lines *l, uint64_t off)
{
	int rc;

	if (l->r == NULL && (l->r = sl_bgzf_reader_new(l->fp)) == NULL)
		return -ENOMEM;
	sl_buf_reset(&l->buf);
	l->pos = 0;
	l->nb = 0;
	l->eof = 0;
	rc = sl_bgzf_reader_seek(l->r, off);
	if (rc < 0)
		snprintf(l->err, sizeof(l->err), "%s",
		    sl_bgzf_reader_error(l->r));
	return rc;
}

static int
lines_fill(struct sl_lines *l)
{
	size_t keep, i, drop;
	uint64_t off;
	int rc;

	/* Drop consumed bytes and the blocks wholly before them. */
	if (l->pos > 0) {
		keep = l->buf.n - l->pos;
		memmove(l->buf.p, l->buf.p + l->pos, keep);
		l->buf.n = keep;
		l->buf.p[keep] = '\0';
		for (drop = 0; drop < l->nb && l->bpos[drop] +
		    (int64_t)l->blen[drop] <= (int64_t)l->pos; drop++)
			;
		for (i = drop; i < l->nb; i++) {
			l->boff[i - drop] = l->boff[i];
			l->bpos[i - drop] = l->bpos[i] - (int64_t)l->pos;
			l->blen[i - drop] = l->blen[i];
		}
		l->nb -= drop;
		l->pos = 0;
	}
	if (l->nb == l->cb) {
		size_t ncap = l->cb ? l->cb * 2 : 16;
		uint64_t *bo = realloc(l->boff, ncap * sizeof(*bo));
		int64_t *bp;
		size_t *bl;

		if (bo == NULL)
			return -ENOMEM;
		l->boff = bo;
		bp = realloc(l->bpos, ncap * sizeof(*bp));
		if (bp == NULL)
			return -ENOMEM;
		l->bpos = bp;
		bl = realloc(l->blen, ncap * sizeof(*bl));
		if (bl == NULL)
			return -ENOMEM;
		l->blen = bl;
		l->cb = ncap;
	}
	i = l->buf.n;
	rc = sl_bgzf_read_block(l->r, &l->buf, &off);
	if (rc <= 0) {
		if (rc < 0)
			snprintf(l->err, sizeof(l->err), "%s",
			    sl_bgzf_reader_error(l->r));
		return rc;
	}
	l->blocks++;
	l->last_empty = l->buf.n == i;
	if (l->buf.n > i) {
		l->boff[l->nb] = off;
		l->bpos[l->nb] = (int64_t)i;
		l->blen[l->nb] = l->buf.n - i;
		l->nb++;
	}
	return 1;
}

int
sl_lines_next(struct sl_lines *l, char **line, size_t *n)
{
	char *nl;
	size_t i, scanned = 0;
	int rc;

	if (l->r == NULL && (l->r = sl_bgzf_reader_new(l->fp)) == NULL)
		return -ENOMEM;
	for (;;) {
		if (l->buf.n > l->pos + scanned) {
			nl = memchr(l->buf.p + l->pos + scanned, '\n',
			    l->buf.n - l->pos - scanned);
			if (nl != NULL)
				break;
			scanned = l->buf.n - l->pos;
		}
		if (scanned > SL_MAX_LINE) {
			snprintf(l->err, sizeof(l->err), "a line longer than "
			    "%u bytes", SL_MAX_LINE);
			return -E2BIG;
		}
		if (l->eof)
			return 0;
		rc = lines_fill(l);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			l->eof = 1;
			if (l->buf.n > l->pos) {
				snprintf(l->err, sizeof(l->err), "the file "
				    "ends inside a line");
				return -EBADMSG;
			}
			return 0;
		}
	}
	*line = l->buf.p + l->pos;
	*n = (size_t)(nl - *line);
	*nl = '\0';
	l->line_block = 0;
	l->line_at_start = 0;
	for (i = 0; i < l->nb; i++) {
		int64_t p = (int64_t)l->pos;

		if (l->bpos[i] <= p && p < l->bpos[i] + (int64_t)l->blen[i]) {
			l->line_block = l->boff[i];
			l->line_at_start = l->bpos[i] == p;
			break;
		}
	}
	l->pos += *n + 1;
	return 1;
}

/* ---- idx ----------------------------------------------------------------- */

int
sl_idx_load(FILE *fp, struct sl_chunk **chunks, size_t *nchunks, char *err,
    size_t errlen)
{
	struct sl_buf line = { 0 };
	struct sl_chunk *ch = NULL;
	struct sl_str col[SL_IDX_COLUMNS];
	size_t n = 0, cap = 0, lineno = 0, i;
	int rc;

	while ((rc = sl_case_getline(fp, &line, 4096)) > 0) {
		struct sl_chunk k;

		lineno++;
		if (sl_row_split(line.p, line.n, col, SL_IDX_COLUMNS) < 0) {
			rc = -EBADMSG;
			break;
		}
		if (lineno == 1) {
			for (i = 0; i < SL_IDX_COLUMNS; i++)
				if (!sl_str_eq(col[i], sl_idx_header[i]))
					rc = -EBADMSG;
			if (rc < 0)
				break;
			continue;
		}
		if (sl_row_u64_parse(col[0].p, col[0].n, &k.off) < 0 ||
		    sl_row_time_parse(col[1].p, col[1].n, &k.first) < 0 ||
		    sl_row_time_parse(col[2].p, col[2].n, &k.last) < 0 ||
		    sl_row_u64_parse(col[3].p, col[3].n, &k.rows) < 0 ||
		    k.first > k.last || k.rows == 0 ||
		    (n > 0 && (k.off <= ch[n - 1].off ||
		    k.first < ch[n - 1].last))) {
			rc = -EBADMSG;
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct sl_chunk *p = realloc(ch, ncap * sizeof(*p));

			if (p == NULL) {
				rc = -ENOMEM;
				break;
			}
			ch = p;
			cap = ncap;
		}
		ch[n++] = k;
	}
	sl_buf_release(&line);
	if (rc == 0 && lineno == 0)
		rc = -EBADMSG;
	if (rc < 0) {
		sl_seterr(err, errlen, rc == -ENOMEM ? "out of memory" :
		    "line %zu is malformed", lineno);
		free(ch);
		return rc == -ENOMEM ? rc : -EBADMSG;
	}
	*chunks = ch;
	*nchunks = n;
	return 0;
}

/* ---- timelines ----------------------------------------------------------- */

struct sl_timeline {
	struct sl_case *c;
	FILE *fp;
	struct sl_lines l;
	int64_t since, until;
	char *user;
	size_t userlen;
	char rel[256];
	int header;		/* the next line is the column header */
	int done;
	struct sl_event ev;
};

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

struct sl_timeline *
sl_timeline_open(struct sl_case *c, const char *user, size_t userlen,
    int64_t since, int64_t until)
{
	const struct sl_case_user *u;
	struct sl_timeline *t;
	struct sl_chunk *ch = NULL;
	size_t nch = 0, lo, hi;
	char idx[256], err[128];
	FILE *ifp;

	t = calloc(1, sizeof(*t));
	if (user == NULL)
		user = "", userlen = 0;
	if (t == NULL || (t->user = sl_strndup(user, userlen)) == NULL) {
		free(t);
		sl_case_fail(c, -ENOMEM, "out of memory");
		return NULL;
	}
	t->c = c;
	t->since = since;
	t->until = until;
	t->userlen = userlen;
	u = sl_case_find_user(c, user, userlen);
	if (u == NULL || since >= until) {
		t->done = 1;	/* no such user: an empty timeline */
		return t;
	}
	snprintf(t->rel, sizeof(t->rel), "users/%s.tsv.gz", u->file);
	snprintf(idx, sizeof(idx), "users/%s.idx", u->file);
	t->fp = sl_case_fopen(c, t->rel);
	if (t->fp == NULL) {
		sl_case_fail(c, -errno, "cannot read \"%s/%s\": %s", c->dir,
		    t->rel, strerror(errno));
		goto fail;
	}
	sl_lines_init(&t->l, t->fp);
	t->header = 1;
	if (since == INT64_MIN)
		return t;
	/* Seek through the index; without a usable one, read it all. */
	ifp = sl_case_fopen(c, idx);
	if (ifp == NULL)
		return t;
	if (sl_idx_load(ifp, &ch, &nch, err, sizeof(err)) < 0) {
		fclose(ifp);
		return t;
	}
	fclose(ifp);
	lo = 0;
	hi = nch;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ch[mid].last < since)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == nch) {
		t->done = 1;
	} else if (sl_lines_seek(&t->l, ch[lo].off) < 0) {
		sl_case_fail(c, -EIO, "\"%s/%s\": %s", c->dir, t->rel,
		    t->l.err);
		free(ch);
		goto fail;
	} else {
		t->header = 0;
	}
	free(ch);
	return t;
fail:
	sl_timeline_free(t);
	return NULL;
}

int
sl_timeline_next(struct sl_timeline *t, const struct sl_event **ev)
{
	char *p;
	size_t n;
	int rc;

	while (!t->done) {
		rc = sl_lines_next(&t->l, &p, &n);
		if (rc == 0)
			break;
		if (rc < 0)
			return sl_case_fail(t->c, rc, "\"%s/%s\": %s",
			    t->c->dir, t->rel, t->l.err);
		if (t->header) {
			t->header = 0;
			continue;
		}
		if (sl_row_parse(p, n, &t->ev) < 0)
			return sl_case_fail(t->c, -EBADMSG, "\"%s/%s\": "
			    "malformed row at block offset %" PRIu64, t->c->dir,
			    t->rel, t->l.line_block);
		if (t->ev.user.n != t->userlen ||
		    memcmp(t->ev.user.p, t->user, t->userlen) != 0)
			return sl_case_fail(t->c, -EBADMSG, "\"%s/%s\": a row "
			    "of another user at block offset %" PRIu64,
			    t->c->dir, t->rel, t->l.line_block);
		if (t->ev.time < t->since)
			continue;
		if (t->ev.time >= t->until)
			break;
		*ev = &t->ev;
		return 1;
	}
	t->done = 1;
	return 0;
}

void
sl_timeline_free(struct sl_timeline *t)
{
	if (t == NULL)
		return;
	sl_lines_release(&t->l);
	if (t->fp != NULL)
		fclose(t->fp);
	free(t->user);
	free(t);
}
