/* test-container.c: sources, directories, archives and nesting to logs. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "internal.h"
#include "check.h"

static char dir[64];

static void
put(const char *name, const void *p, size_t n)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fwrite(p, 1, n, fp);
	fclose(fp);
}

static void
gzip_to(struct sl_buf *b, const void *p, size_t n)
{
	z_stream z;
	size_t bound;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	bound = deflateBound(&z, n) + 32;
	sl_buf_grow(b, bound);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)b->p + b->n;
	z.avail_out = (uInt)bound;
	deflate(&z, Z_FINISH);
	b->n += bound - z.avail_out;
	deflateEnd(&z);
}

struct member {
	const char *name;
	const char *p;
	size_t n;
};

/* An archive in memory with libarchive's writer. */
static void
archive_to(struct sl_buf *b, int format, int filter,
    const struct member *m, size_t nm)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t used = 0, cap = 1 << 20, i;

	archive_write_set_format(a, format);
	if (filter != ARCHIVE_FILTER_NONE)
		archive_write_add_filter(a, filter);
	sl_buf_grow(b, cap);
	archive_write_open_memory(a, b->p + b->n, cap, &used);
	for (i = 0; i < nm; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_size(e, (la_int64_t)m[i].n);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, 1772438400, 0);
		archive_write_header(a, e);
		archive_write_data(a, m[i].p, m[i].n);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	b->n += used;
}

/* Walk paths; print items as lines into out ("L name", "E name sha",
 * "C name" for a container end, "S name", "! name: message"), and count
 * lines read from each log. */
struct walked {
	struct sl_buf out;
	int errors, skipped, logs;
};

static int
skip_all(void *arg, const char *sha)
{
	(void)sha;
	return *(int *)arg;
}

static void
walk(const char *const *paths, size_t n, struct sl_walk_opts *o,
    struct walked *wk, int read_all)
{
	struct sl_walk *w;
	struct sl_walk_item it;
	char buf[4096];
	ssize_t r;
	int rc;

	memset(wk, 0, sizeof(*wk));
	w = sl_walk_new(paths, n, o);
	while ((rc = sl_walk_next(w, &it)) > 0) {
		const char *name = it.name;

		/* Names relative to the temporary directory. */
		if (strncmp(name, dir, strlen(dir)) == 0)
			name += strlen(dir) + 1;
		switch (it.type) {
		case SL_WALK_LOG: {
			size_t lines = 0;

			wk->logs++;
			while (read_all && (r = sl_stream_read(it.stream, buf,
			    sizeof(buf))) != 0) {
				if (r < 0) {
					if (r == SL_EDISCONT)
						continue;
					break;
				}
				for (ssize_t i = 0; i < r; i++)
					lines += buf[i] == '\n';
			}
			sl_buf_printf(&wk->out, "L %s %zu\n", name, lines);
			break;
		}
		case SL_WALK_LOG_END:
			sl_buf_printf(&wk->out, "%c %s %.8s %llu%s%s\n",
			    it.stats.container ? 'C' : 'E', name,
			    it.stats.sha256,
			    (unsigned long long)it.stats.bytes,
			    it.stats.notes[0] != '\0' ? " " : "",
			    it.stats.notes);
			break;
		case SL_WALK_SKIPPED:
			wk->skipped++;
			if (it.message != NULL)
				sl_buf_printf(&wk->out, "S %s: %s\n", name,
				    it.message);
			else
				sl_buf_printf(&wk->out, "S %s\n", name);
			break;
		case SL_WALK_UNREAD:
			/* An error, with a row of its own. */
			wk->errors++;
			sl_buf_printf(&wk->out, "! %s: %s [%s %.8s %llu]\n",
			    name, it.message, it.stats.notes,
			    it.stats.sha256,
			    (unsigned long long)it.stats.bytes);
			break;
		default:
			wk->errors++;
			sl_buf_printf(&wk->out, "! %s: %s\n", name,
			    it.message);
			break;
		}
	}
	CHECK_INT(rc, 0);
	sl_walk_free(w);
}

static void
sha_of(const void *p, size_t n, char hex[65])
{
	struct sl_sha256 *h = sl_sha256_new();

	sl_sha256_update(h, p, n);
	sl_sha256_final(h, hex);
	sl_sha256_free(h);
}

static int
has(const struct walked *wk, const char *s)
{
	int ok = wk->out.p != NULL && strstr(wk->out.p, s) != NULL;

	if (!ok)
		fprintf(stderr, "missing \"%s\" in:\n%s", s,
		    wk->out.p ? wk->out.p : "");
	return ok;
}

int
main(void)
{
	struct sl_buf log = { 0 }, b = { 0 }, t = { 0 }, g = { 0 };
	struct sl_walk_opts o;
	struct walked wk;
	char path[256], path2[256], want[512], hex[65];
	const char *paths[4];
	int i, yes = 1;

	strcpy(dir, "/tmp/test-container-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 2;
	for (i = 0; i < 100; i++)
		sl_buf_printf(&log, "{\"n\":%d}\n", i);

	/* Plain, gzip, multi-member gzip: content decides, not the name. */
	put("plain.gz", log.p, log.n);
	gzip_to(&g, log.p, 500);
	gzip_to(&g, log.p + 500, log.n - 500);
	put("multi", g.p, g.n);
	snprintf(path, sizeof(path), "%s/plain.gz", dir);
	snprintf(path2, sizeof(path2), "%s/multi", dir);
	paths[0] = path;
	paths[1] = path2;
	walk(paths, 2, NULL, &wk, 1);
	CHECK(has(&wk, "L plain.gz 100\n"));
	CHECK(has(&wk, "L multi 100\n"));
	sha_of(g.p, g.n, hex);
	snprintf(want, sizeof(want), "E multi %.8s %zu\n", hex, g.n);
	CHECK(has(&wk, want));
	CHECK_INT(wk.errors, 0);
	sl_buf_release(&wk.out);

	/* Skipped by digest: nothing is read. */
	memset(&o, 0, sizeof(o));
	o.skip = skip_all;
	o.skip_arg = &yes;
	walk(paths, 2, &o, &wk, 1);
	CHECK_INT(wk.skipped, 2);
	CHECK_INT(wk.logs, 0);
	sl_buf_release(&wk.out);

	/* tar with a gzip member, compressed with our gzip; xz and zstd
	 * single files; a zip with ../evil and a nested tar.gz. */
	{
		struct member m[2] = {
			{ "a.jsonl", log.p, log.n },
			{ "b.jsonl.gz", g.p, g.n },
		};
		struct sl_buf tgz = { 0 }, z = { 0 }, x = { 0 };
		struct member zm[2];

		archive_to(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
		    ARCHIVE_FILTER_NONE, m, 2);
		put("t.tar", t.p, t.n);
		gzip_to(&tgz, t.p, t.n);
		put("t.tgz", tgz.p, tgz.n);
		zm[0].name = "../../evil";
		zm[0].p = log.p;
		zm[0].n = log.n;
		zm[1].name = "in/t.tgz";
		zm[1].p = tgz.p;
		zm[1].n = tgz.n;
		archive_to(&z, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, zm, 2);
		put("z.zip", z.p, z.n);
		archive_to(&x, ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_XZ, m, 1);
		put("x.xz", x.p, x.n);
		sl_buf_reset(&x);
		archive_to(&x, ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_ZSTD, m, 1);
		put("x.zst", x.p, x.n);
		sl_buf_reset(&x);
		archive_to(&x, ARCHIVE_FORMAT_7ZIP, ARCHIVE_FILTER_NONE, m, 2);
		put("s.7z", x.p, x.n);
		sl_buf_reset(&x);
		archive_to(&x, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC,
		    ARCHIVE_FILTER_NONE, m, 1);
		put("c.cpio", x.p, x.n);
		/* The member hash covers bytes the caller never read. */
		snprintf(path, sizeof(path), "%s/t.tgz", dir);
		paths[0] = path;
		walk(paths, 1, NULL, &wk, 0);
		sha_of(g.p, g.n, hex);
		snprintf(want, sizeof(want), "L t.tgz!b.jsonl.gz 0\nE "
		    "t.tgz!b.jsonl.gz %.8s %zu\n", hex, g.n);
		CHECK(has(&wk, want));
		sha_of(tgz.p, tgz.n, hex);
		snprintf(want, sizeof(want), "C t.tgz %.8s %zu\n", hex, tgz.n);
		CHECK(has(&wk, want));
		sl_buf_release(&wk.out);

		snprintf(path, sizeof(path), "%s", dir);
		paths[0] = path;
		walk(paths, 1, NULL, &wk, 1);
		CHECK(has(&wk, "L c.cpio!a.jsonl 100\nE c.cpio!a.jsonl"));
		CHECK(has(&wk, "L multi 100\n"));
		CHECK(has(&wk, "L s.7z!a.jsonl 100\nE s.7z!a.jsonl"));
		CHECK(has(&wk, "L s.7z!b.jsonl.gz 100\n"));
		CHECK(has(&wk, "L t.tar!a.jsonl 100\nE t.tar!a.jsonl"));
		CHECK(has(&wk, "L t.tar!b.jsonl.gz 100\n"));
		CHECK(has(&wk, "L x.xz 100\nE x.xz "));
		CHECK(has(&wk, "L x.zst 100\nE x.zst "));
		CHECK(has(&wk, "L z.zip!../../evil 100\n"));
		CHECK(has(&wk, "L z.zip!in/t.tgz!a.jsonl 100\n"));
		CHECK(has(&wk, "L z.zip!in/t.tgz!b.jsonl.gz 100\n"));
		CHECK(has(&wk, "\nC z.zip!in/t.tgz "));
		/* Sorted by name, containers end after their members. */
		CHECK(strstr(wk.out.p, "c.cpio") < strstr(wk.out.p, "multi"));
		CHECK(strstr(wk.out.p, "t.tgz") < strstr(wk.out.p, "x.xz"));
		CHECK(strstr(wk.out.p, "C z.zip!in/t.tgz") <
		    strstr(wk.out.p, "C z.zip "));
		CHECK_INT(wk.errors, 0);
		sl_buf_release(&wk.out);

		/* Nesting beyond max_depth is an error item. */
		memset(&o, 0, sizeof(o));
		o.max_depth = 1;
		snprintf(path, sizeof(path), "%s/z.zip", dir);
		walk(paths, 1, &o, &wk, 1);
		CHECK(has(&wk, "! z.zip!in/t.tgz: archive nested more"));
		/* Not read, with the digest of the archive's bytes; the
		 * zip around it says so. */
		sha_of(tgz.p, tgz.n, hex);
		snprintf(want, sizeof(want), "deep; not read [unread=nested "
		    "%.8s %zu]\n", hex, tgz.n);
		CHECK(has(&wk, want));
		CHECK(has(&wk, " partial=1\n"));
		CHECK(strstr(wk.out.p, "\nC z.zip ") <
		    strstr(wk.out.p, " partial=1\n"));
		CHECK(has(&wk, "L z.zip!../../evil 100\n"));
		CHECK_INT(wk.errors, 1);
		sl_buf_release(&wk.out);

		/* Two parts share the files out and read each once. */
		{
			struct walked w2;

			memset(&o, 0, sizeof(o));
			o.nparts = 2;
			snprintf(path, sizeof(path), "%s", dir);
			walk(paths, 1, &o, &wk, 0);
			o.part = 1;
			walk(paths, 1, &o, &w2, 0);
			CHECK(has(&wk, "L c.cpio!a.jsonl"));
			CHECK(strstr(w2.out.p, "c.cpio") == NULL);
			CHECK(has(&w2, "L multi"));
			CHECK(strstr(wk.out.p, "L multi") == NULL);
			sl_buf_release(&wk.out);
			sl_buf_release(&w2.out);
		}
		sl_buf_release(&tgz);
		sl_buf_release(&z);
		sl_buf_release(&x);
	}

	/* Links inside a directory are not followed; followed, a symlink
	 * loop, a dangling link; and a fifo: told, the rest read. */
	snprintf(path, sizeof(path), "%s/d/sub", dir);
	mkdir(path, 0755);
	*strrchr(path, '/') = '\0';
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d/sub", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d/sub/up", dir);
	CHECK_INT(symlink("..", path), 0);
	snprintf(path, sizeof(path), "%s/d/dangling", dir);
	CHECK_INT(symlink("nowhere", path), 0);
	snprintf(path, sizeof(path), "%s/d/fifo", dir);
	CHECK_INT(mkfifo(path, 0600), 0);
	put("d/sub/a.log", log.p, log.n);
	put("d/empty", "", 0);
	snprintf(path, sizeof(path), "%s/d/", dir);
	walk(paths, 1, NULL, &wk, 1);
	CHECK(has(&wk, "S d/dangling: symbolic link; not followed\n"));
	CHECK(has(&wk, "! d/fifo: not a regular file"));
	CHECK(has(&wk, "S d/sub/up: symbolic link; not followed\n"));
	CHECK_INT(wk.errors, 1);
	CHECK_INT(wk.skipped, 2);
	CHECK_INT(wk.logs, 2);
	sl_buf_release(&wk.out);
	{
		struct sl_walk_opts fo = { 0 };

		fo.follow = 1;
		walk(paths, 1, &fo, &wk, 1);
	}
	CHECK(has(&wk, "! d/dangling: cannot open: No such file"));
	CHECK(has(&wk, "L d/empty 0\nE d/empty e3b0c442 0\n"));
	CHECK(has(&wk, "! d/fifo: not a regular file"));
	CHECK(has(&wk, "L d/sub/a.log 100\n"));
	CHECK(has(&wk, "! d/sub/up: symbolic link loop"));
	CHECK_INT(wk.errors, 3);
	CHECK_INT(wk.logs, 2);
	sl_buf_release(&wk.out);

	/* stdin through a pipe: spooled, hashed, named (stdin). */
	{
		int fds[2], saved = dup(0);
		pid_t pid;

		CHECK_INT(pipe(fds), 0);
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			if (write(fds[1], g.p, g.n) != (ssize_t)g.n)
				_exit(1);
			_exit(0);
		}
		close(fds[1]);
		dup2(fds[0], 0);
		close(fds[0]);
		memset(&o, 0, sizeof(o));
		o.tmpdir = dir;
		paths[0] = "-";
		walk(paths, 1, &o, &wk, 1);
		waitpid(pid, NULL, 0);
		dup2(saved, 0);
		close(saved);
		sha_of(g.p, g.n, hex);
		snprintf(want, sizeof(want), "L (stdin) 100\nE (stdin) %.8s "
		    "%zu\n", hex, g.n);
		CHECK(has(&wk, want));
		sl_buf_release(&wk.out);
	}

	/* Missing source: an error, and the walk goes on. */
	paths[0] = "/nonexistent/x";
	snprintf(path, sizeof(path), "%s/multi", dir);
	paths[1] = path;
	walk(paths, 2, NULL, &wk, 1);
	CHECK(has(&wk, "! /nonexistent/x: cannot open"));
	CHECK(has(&wk, "L multi 100\n"));
	sl_buf_release(&wk.out);

	sl_buf_release(&log);
	sl_buf_release(&b);
	sl_buf_release(&t);
	sl_buf_release(&g);
	snprintf(want, sizeof(want), "rm -rf '%s'", dir);
	if (system(want) != 0)
		return 2;
	return check_done("container");
}
