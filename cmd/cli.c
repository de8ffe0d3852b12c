/* cli.c: messages, option values and output helpers for the tools. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"

const char *cli_progname = "sessionlog";

static void vwarn_(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

static void
vwarn_(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", cli_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_(fmt, ap);
	va_end(ap);
}

void
cli_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_(fmt, ap);
	va_end(ap);
	exit(EXIT_TROUBLE);
}

const char *
cli_case_dir(const char *opt)
{
	const char *env;

	if (opt != NULL)
		return opt;
	env = getenv("SESSIONLOG_CASE");
	if (env != NULL && *env != '\0')
		return env;
	return "case";
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

struct sl_profileset *
cli_profiles(void)
{
	struct sl_profileset *ps;
	const char *dir;
	char err[512];

	dir = getenv("SESSIONLOG_PROFILES");
	if (dir == NULL || *dir == '\0')
		dir = is_dir(SL_PROFILE_DIR) ? SL_PROFILE_DIR :
		    SL_SOURCE_PROFILE_DIR;
	ps = sl_profileset_load(dir, err, sizeof(err));
	if (ps == NULL)
		cli_die("cannot load profiles from \"%s\": %s", dir, err);
	return ps;
}

size_t
cli_size(const char *opt, const char *s, size_t min, size_t max)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		goto bad;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end != '\0' || v > ULLONG_MAX / mul)
		goto bad;
	v *= mul;
	if (v < min || v > max)
		cli_die("%s: \"%s\" is out of range (%zu to %zu bytes)", opt,
		    s, min, max);
	return (size_t)v;
bad:
	cli_die("%s: \"%s\" is not a size (like 4096, 512K, 16M, 1G)", opt,
	    s);
}

long
cli_number(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		cli_die("%s: \"%s\" is not a number", opt, s);
	if (v < min || v > max)
		cli_die("%s: %ld is out of range (%ld to %ld)", opt, v, min,
		    max);
	return v;
}

int
cli_year(const char *s)
{
	/* the years a time can have (sessionlog(5)) */
	return (int)cli_number("--year", s, 1000, 9999);
}

void
cli_put_safe(FILE *fp, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
}

const char *
cli_count(uint64_t n, char *buf)
{
	char tmp[32];
	int len, i, j = 0;

	len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
	return buf;
}

void
cli_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno == EPIPE)
			exit(EXIT_TROUBLE);
		cli_die("write error on standard output: %s", strerror(errno));
	}
}

void
cli_version(void)
{
	printf("%s (sessionlog) %s\n", cli_progname, SL_PACKAGE_VERSION);
	cli_close_stdout();
	exit(0);
}

/* ---- raw evidence through a scratch case ------------------------------- */

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
cli_scratch_close(struct cli_scratch *s)
{
	sl_case_free(s->c);
	s->c = NULL;
	if (s->dir != NULL)
		nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(s->dir);
	s->dir = NULL;
}

/* "tool: [prefix]name: detail" with both escaped: they come from the
 * evidence. */
static void
say_item(const char *prefix, const char *name, const char *detail)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", cli_progname, prefix);
	if (name != NULL && *name != '\0') {
		cli_put_safe(stderr, name, strlen(name));
		fputs(": ", stderr);
	}
	cli_put_safe(stderr, detail, strlen(detail));
	fputc('\n', stderr);
}

struct sl_case *
cli_scratch_open(struct cli_scratch *s, const char *const *sources, size_t n,
    const struct sl_reader_opts *ro,
    int (*keep)(void *arg, const struct sl_event *ev), void *arg,
    uint64_t *errors)
{
	struct sl_ingest_result res;
	struct sl_profileset *ps;
	struct sl_reader *r = NULL;
	struct sl_ingest *in = NULL;
	struct sl_item it;
	const char *tmp = getenv("TMPDIR");
	uint64_t rejects = 0;
	char err[512], *dir;
	int *ids = NULL, id, rc;
	size_t nids = 0;

	memset(s, 0, sizeof(*s));
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (asprintf(&dir, "%s/sessionlog.XXXXXX", tmp) < 0)
		cli_die("out of memory");
	if (mkdtemp(dir) == NULL)
		cli_die("cannot make a temporary directory in \"%s\": %s",
		    tmp, strerror(errno));
	s->dir = dir;
	s->c = sl_case_open(dir, SL_CASE_CREATE | SL_CASE_WRITE |
	    SL_CASE_SCRATCH, err,
	    sizeof(err));
	if (s->c == NULL)
		goto fail_msg;
	if ((in = sl_ingest_new(s->c, NULL)) == NULL) {
		snprintf(err, sizeof(err), "%s", sl_case_error(s->c));
		goto fail_msg;
	}
	ps = cli_profiles();
	r = sl_reader_new(sources, n, ps, ro, err, sizeof(err));
	if (r == NULL)
		goto fail_msg;
	while ((rc = sl_reader_next(r, &it)) > 0) {
		switch (it.type) {
		case SL_ITEM_LOG_BEGIN:
			if ((id = sl_ingest_log(in, it.name, it.profile)) < 0)
				goto fail_ingest;
			if ((ids = realloc(ids, (nids + 1) * sizeof(*ids))) ==
			    NULL)
				cli_die("out of memory");
			ids[nids++] = id;
			break;
		case SL_ITEM_EVENT:
			if (nids == 0 || (keep != NULL && !keep(arg, it.ev)))
				break;
			if ((rc = sl_ingest_event(in, ids[nids - 1],
			    it.ev)) < 0)
				goto fail_ingest;
			if (rc == 1)
				rejects++;	/* too large to store */
			break;
		case SL_ITEM_REJECT:
			rejects++;
			break;
		case SL_ITEM_LOG_END:
			if (it.stats != NULL && it.stats->container) {
				if ((id = sl_ingest_log(in, it.name, "")) < 0 ||
				    sl_ingest_log_end(in, id, it.stats) < 0)
					goto fail_ingest;
			} else if (nids > 0 && it.stats != NULL &&
			    sl_ingest_log_end(in, ids[nids - 1],
			    it.stats) < 0) {
				goto fail_ingest;
			}
			break;
		case SL_ITEM_ERROR:
			(*errors)++;
			say_item("", it.name, it.reason != NULL ? it.reason :
			    "error");
			break;
		case SL_ITEM_WARNING:
			say_item("warning: ", it.name, it.reason);
			break;
		}
	}
	if (rc < 0)
		cli_die("cannot read the sources: %s", strerror(-rc));
	if (rejects > 0)
		cli_warn("%llu record(s) could not be read and were skipped "
		    "(ingest lists them)", (unsigned long long)rejects);
	if (sl_ingest_commit(in, &res) < 0)
		goto fail_ingest;
	sl_ingest_free(in);
	sl_reader_free(r);
	sl_profileset_free(ps);
	free(ids);
	return s->c;
fail_ingest:
	snprintf(err, sizeof(err), "%s", sl_ingest_error(in));
fail_msg:
	sl_ingest_free(in);
	sl_reader_free(r);
	cli_scratch_close(s);
	cli_die("cannot read the sources: %s", err);
}
