/* cli.c: messages, option values and output helpers for the tools. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "util.h"

const char *cli_progname = "sessionlog";

static void vwarn_(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/*
 * Messages quote names and values from the evidence: they are written as
 * cli_put_safe writes them, but for the line breaks and tabs of the
 * message itself.
 */
static void
vwarn_(const char *fmt, va_list ap)
{
	char *msg;
	size_t i, j, n;

	fflush(stdout);
	fprintf(stderr, "%s: ", cli_progname);
	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("out of memory\n", stderr);
		return;
	}
	n = strlen(msg);
	for (i = j = 0; i < n; i++)
		if (msg[i] == '\n' || msg[i] == '\t') {
			cli_put_safe(stderr, msg + j, i - j);
			fputc(msg[i], stderr);
			j = i + 1;
		}
	cli_put_safe(stderr, msg + j, n - j);
	fputc('\n', stderr);
	free(msg);
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

/* Length of the valid UTF-8 sequence at p (1 to 4) with its code point,
 * or 0 for an invalid byte (overlong forms, surrogates and values above
 * U+10FFFF are invalid). */
size_t
cli_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * Characters that must not reach a terminal raw: the C1 controls, and those
 * that are invisible or reorder the text around them (Unicode's bidi
 * controls and zero-width characters), with which a record could show an
 * investigator something else than it holds, its time included.
 */
int
cli_unseen(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||
	    cp == 0x061c ||			/* ARABIC LETTER MARK */
	    cp == 0x180e ||			/* MONGOLIAN VOWEL SEPARATOR */
	    (cp >= 0x200b && cp <= 0x200f) ||	/* zero width, LRM, RLM */
	    (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, embeddings */
	    (cp >= 0x2060 && cp <= 0x206f) ||	/* joiner, isolates, ... */
	    cp == 0xfeff ||			/* ZERO WIDTH NO-BREAK SPACE */
	    (cp >= 0xfff9 && cp <= 0xfffb);	/* interlinear annotation */
}

void
cli_put_safe(FILE *fp, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		unsigned char c = p[i];

		if (c < 0x20 || c == 0x7f) {
			fprintf(fp, "\\x%02x", c);
			i++;
		} else if ((len = cli_utf8_seq(p + i, n - i, &cp)) == 0) {
			fprintf(fp, "\\x%02x", c);
			i++;
		} else if (cli_unseen(cp)) {
			fprintf(fp, "\\u%04x", (unsigned)cp);
			i += len;
		} else {
			fwrite(p + i, 1, len, fp);
			i += len;
		}
	}
}

char *
cli_name_quote(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0, len;
	uint32_t cp;
	char *q;

	/* At most 6 bytes ("\uHHHH") for each byte, and the quotes. */
	if (n > (SIZE_MAX - 3) / 6 || (q = malloc(n * 6 + 3)) == NULL)
		cli_die("out of memory");
	q[k++] = '"';
	while (i < n) {
		unsigned char c = p[i];

		if (c == '\\' || c == '"') {
			q[k++] = '\\';
			q[k++] = (char)c;
			i++;
		} else if (c == '\t' || c == '\n' || c == '\r') {
			q[k++] = '\\';
			q[k++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
			i++;
		} else if (c < 0x20 || c == 0x7f ||
		    (len = cli_utf8_seq(p + i, n - i, &cp)) == 0) {
			k += (size_t)snprintf(q + k, 5, "\\x%02x", c);
			i++;
		} else if (cli_unseen(cp)) {
			k += (size_t)snprintf(q + k, 7, "\\u%04x",
			    (unsigned)cp);
			i += len;
		} else {
			memcpy(q + k, p + i, len);
			k += len;
			i += len;
		}
	}
	q[k++] = '"';
	q[k] = '\0';
	return q;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The number written with k hex digits at s, or -1. */
static long
hexnum(const char *s, size_t k)
{
	long v = 0;
	size_t i;

	for (i = 0; i < k; i++) {
		int d = hexval((unsigned char)s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

int
cli_name_unquote(const char *s, size_t len, char **out, size_t *outn,
    const char **err)
{
	size_t i, k = 0;
	long v;
	char *b;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"') {
		*err = "not between double quotes";
		return -1;
	}
	/* The escapes are never shorter than what they stand for. */
	if ((b = malloc(len)) == NULL)
		cli_die("out of memory");
	for (i = 1; i < len - 1; i++) {
		if (s[i] == '"') {
			*err = "a double quote inside is written \\\"";
			goto fail;
		}
		if (s[i] != '\\') {
			b[k++] = s[i];
			continue;
		}
		if (++i == len - 1) {
			*err = "a backslash at the end is written \\\\";
			goto fail;
		}
		switch (s[i]) {
		case '\\': case '"':
			b[k++] = s[i];
			break;
		case 't': b[k++] = '\t'; break;
		case 'n': b[k++] = '\n'; break;
		case 'r': b[k++] = '\r'; break;
		case 'x':
			if (i + 2 >= len - 1 ||
			    (v = hexnum(s + i + 1, 2)) < 0) {
				*err = "\\x takes two hex digits";
				goto fail;
			}
			b[k++] = (char)v;
			i += 2;
			break;
		case 'u':
			if (i + 4 >= len - 1 ||
			    (v = hexnum(s + i + 1, 4)) < 0) {
				*err = "\\u takes four hex digits";
				goto fail;
			}
			i += 4;
			if (v >= 0xdc80 && v <= 0xdcff) {
				b[k++] = (char)(v & 0xff);
			} else if (v >= 0xd800 && v <= 0xdfff) {
				*err = "\\u of a surrogate stands for no "
				    "character";
				goto fail;
			} else if (v < 0x80) {
				b[k++] = (char)v;
			} else if (v < 0x800) {
				b[k++] = (char)(0xc0 | v >> 6);
				b[k++] = (char)(0x80 | (v & 0x3f));
			} else {
				b[k++] = (char)(0xe0 | v >> 12);
				b[k++] = (char)(0x80 | (v >> 6 & 0x3f));
				b[k++] = (char)(0x80 | (v & 0x3f));
			}
			break;
		default:
			*err = "unknown escape (\\\\ \\\" \\t \\n \\r \\xHH "
			    "\\uHHHH are known)";
			goto fail;
		}
	}
	b[k] = '\0';
	*out = b;
	*outn = k;
	return 0;
fail:
	free(b);
	return -1;
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

/*
 * The scratch case is a copy of the evidence, personal data, and must not
 * outlive the tool however it ends.  It is removed by a cleaner process
 * forked when the case is made, before the tool starts any thread: it
 * waits on a pipe and removes the directory when the tool closes it, to
 * ask, or dies (which closes it too: SIGKILL and crashes), then exits,
 * which closes the acknowledgement pipe.  A signal handler can then ask for
 * the removal with close(2) and wait for it with read(2), both
 * async-signal-safe, where walking the directory in the handler would need
 * opendir(3) (it allocates) or a fixed idea of what the case holds.
 */
static const int scratch_signals[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM };

static struct {
	pid_t pid;		/* the cleaner, or -1 */
	int ctl;		/* write end: its closing asks */
	int ack;		/* read end: end of file once removed */
	char *dir;
} cleaner = { -1, -1, -1, NULL };

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

/* Remove dir and everything below it.  A file made while the walk ran (a
 * thread still writing) leaves the top non-empty: walk again. */
static void
rm_tree(const char *dir)
{
	int i;

	for (i = 0; i < 8; i++) {
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		if (access(dir, F_OK) != 0 && errno == ENOENT)
			break;
	}
}

/* Async-signal-safe: ask the cleaner, wait until it is done.  Closing
 * the pipe is the asking: a byte written to a cleaner that is gone would
 * raise SIGPIPE. */
static void
cleaner_run(void)
{
	int saved = errno;
	char c;

	if (cleaner.pid < 0) {
		errno = saved;
		return;
	}
	close(cleaner.ctl);
	while (read(cleaner.ack, &c, 1) != 0 && errno == EINTR)
		;
	close(cleaner.ack);
	while (waitpid(cleaner.pid, NULL, 0) < 0 && errno == EINTR)
		;
	cleaner.pid = -1;
	errno = saved;
}

static void
scratch_signal(int sig)
{
	struct sigaction sa;

	cleaner_run();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	/* Delivered, with its default action, when the handler returns. */
	raise(sig);
}

/* cleaner_run outside a handler: no handler may start it a second time
 * halfway through. */
static void
cleaner_finish(void)
{
	sigset_t block, saved;
	size_t i;

	sigemptyset(&block);
	for (i = 0; i < sizeof(scratch_signals) / sizeof(*scratch_signals);
	    i++)
		sigaddset(&block, scratch_signals[i]);
	pthread_sigmask(SIG_BLOCK, &block, &saved);
	cleaner_run();
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
}

/* cli_die and every other exit(3) */
static void
scratch_atexit(void)
{
	cleaner_finish();
}

static void
cleaner_main(int ctl, int ack)
{
	long fd, max = sysconf(_SC_OPEN_MAX);
	size_t i;
	char c;

	/* Hold none of the tool's files: a reader of its output must see
	 * the end when the tool ends. */
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 0; fd < max; fd++)
		if (fd != ctl && fd != ack)
			close((int)fd);
	/* ^C reaches the whole process group; the cleaner waits for the
	 * tool instead. */
	for (i = 0; i < sizeof(scratch_signals) / sizeof(*scratch_signals);
	    i++)
		signal(scratch_signals[i], SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (read(ctl, &c, 1) < 0 && errno == EINTR)
		;
	rm_tree(cleaner.dir);
	_exit(0);
}

/* Make the scratch directory and its cleaner, and catch the signals that
 * end the tool, with those signals blocked so that none comes between. */
static void
scratch_make(struct cli_scratch *s, const char *tmp)
{
	static int registered;
	struct sigaction sa, old;
	sigset_t block, saved;
	int ctl[2], ack[2];
	size_t i;
	char *dir;

	if (asprintf(&dir, "%s/sessionlog.XXXXXX", tmp) < 0)
		cli_die("out of memory");
	if (pipe2(ctl, O_CLOEXEC) < 0 || pipe2(ack, O_CLOEXEC) < 0)
		cli_die("cannot make a pipe: %s", strerror(errno));
	sigemptyset(&block);
	for (i = 0; i < sizeof(scratch_signals) / sizeof(*scratch_signals);
	    i++)
		sigaddset(&block, scratch_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &saved);
	if (mkdtemp(dir) == NULL) {
		sigprocmask(SIG_SETMASK, &saved, NULL);
		cli_die("cannot make a temporary directory in \"%s\": %s",
		    tmp, strerror(errno));
	}
	cleaner.dir = dir;
	cleaner.pid = fork();
	if (cleaner.pid < 0) {
		rmdir(dir);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		cli_die("cannot start a process: %s", strerror(errno));
	}
	if (cleaner.pid == 0)
		cleaner_main(ctl[0], ack[1]);
	close(ctl[0]);
	close(ack[1]);
	cleaner.ctl = ctl[1];
	cleaner.ack = ack[0];
	s->dir = dir;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = scratch_signal;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(scratch_signals) / sizeof(*scratch_signals);
	    i++) {
		/* A signal ignored by whoever started the tool (nohup, a
		 * background job) stays ignored. */
		if (sigaction(scratch_signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(scratch_signals[i], &sa, NULL);
	}
	if (!registered && atexit(scratch_atexit) == 0)
		registered = 1;
	sigprocmask(SIG_SETMASK, &saved, NULL);
}

void
cli_scratch_close(struct cli_scratch *s)
{
	sl_case_free(s->c);
	s->c = NULL;
	if (s->dir != NULL) {
		cleaner_finish();
		/* The cleaner could have been killed on its own. */
		rm_tree(s->dir);
	}
	/* cleaner.dir is s->dir; the cleaner, gone, no longer needs it. */
	cleaner.dir = NULL;
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

/* What the reading of raw sources tells the tool. */
struct scratch_tell {
	int (*keep)(void *arg, const struct sl_event *ev);
	void *arg;
	uint64_t errors, rejects;
};

static int
scratch_tell(void *arg, const struct sl_item *it, int log)
{
	struct scratch_tell *st = arg;

	(void)log;
	switch (it->type) {
	case SL_ITEM_EVENT:
		return st->keep != NULL && !st->keep(st->arg, it->ev);
	case SL_ITEM_REJECT:
		st->rejects++;
		break;
	case SL_ITEM_ERROR:
		st->errors++;
		say_item("", it->name, it->reason != NULL ? it->reason :
		    "error");
		break;
	case SL_ITEM_WARNING:
		say_item("warning: ", it->name, it->reason);
		break;
	case SL_ITEM_SKIPPED:
		/* A link or a case among the sources, not read. */
		if (it->reason != NULL)
			say_item("", it->name, it->reason);
		break;
	}
	return 0;
}

/* The users with a hit in the first pass: a set of names. */
struct userset {
	struct sl_str *v;	/* open addressing; p NULL: free */
	size_t n, cap;
};

static uint64_t
name_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static struct sl_str *
userset_slot(const struct userset *u, const char *p, size_t n)
{
	size_t i = (size_t)name_hash(p, n) & (u->cap - 1);

	while (u->v[i].p != NULL && (u->v[i].n != n ||
	    memcmp(u->v[i].p, p, n) != 0))
		i = (i + 1) & (u->cap - 1);
	return &u->v[i];
}

static int
userset_has(const struct userset *u, const char *p, size_t n)
{
	return u->n > 0 && userset_slot(u, p, n)->p != NULL;
}

static void
userset_add(struct userset *u, const char *p, size_t n)
{
	struct sl_str *slot, *old = u->v;
	size_t i, ocap = u->cap;
	char *q;

	if ((u->n + 1) * 2 > u->cap) {
		u->cap = u->cap ? u->cap * 2 : 64;
		if ((u->v = calloc(u->cap, sizeof(*u->v))) == NULL)
			cli_die("out of memory");
		u->n = 0;
		for (i = 0; i < ocap; i++)
			if (old[i].p != NULL) {
				*userset_slot(u, old[i].p, old[i].n) = old[i];
				u->n++;
			}
		free(old);
	}
	slot = userset_slot(u, p, n);
	if (slot->p != NULL)
		return;
	if ((q = malloc(n + 1)) == NULL)
		cli_die("out of memory");
	memcpy(q, p, n);
	q[n] = '\0';
	slot->p = q;
	slot->n = n;
	u->n++;
}

static void
userset_release(struct userset *u)
{
	size_t i;

	for (i = 0; i < u->cap; i++)
		free((char *)u->v[i].p);
	free(u->v);
}

/* The first pass: nothing staged, nothing said (the second pass reads
 * the same records and says it all). */
struct hits {
	int (*hit)(void *arg, const struct sl_event *ev);
	int (*keep)(void *arg, const struct sl_event *ev);
	void *arg;
	/* 1: only the users with a hit are staged (a first reading found
	 * them); 0: every user that keep keeps. */
	int by_users;
	struct userset users;
	/* The hashes of the scoped keys of the events staged (k) and of
	 * those left out (nk): a key in both may make a staged event a
	 * duplicate in the whole case.  Then a last reading stages every
	 * copy of such keys (both: the keys in both, sorted). */
	struct keyv {
		uint64_t *v;
		size_t n, cap;
	} k, nk, both;
	/* The first reading's count of every record's key: when complete,
	 * a key staged is in both when it was counted more often than
	 * staged, and nk and ks are not needed. */
	struct sl_keycount *kc;
	int counted;
	/* The scoped keys of the events staged, as text (the scope aside):
	 * what a reading for the copies of those keys looks for. */
	struct userset ks;
};

static void
keyv_add(struct keyv *kv, uint64_t h)
{
	if (kv->n == kv->cap) {
		kv->cap = kv->cap ? kv->cap * 2 : 1024;
		kv->v = xrealloc(kv->v, kv->cap, sizeof(*kv->v));
	}
	kv->v[kv->n++] = h;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
keyv_sort(struct keyv *kv)
{
	size_t i, j;

	if (kv->n == 0)
		return;
	qsort(kv->v, kv->n, sizeof(*kv->v), u64_cmp);
	for (i = j = 1; i < kv->n; i++)
		if (kv->v[i] != kv->v[j - 1])
			kv->v[j++] = kv->v[i];
	kv->n = j;
}

static int
keyv_has(const struct keyv *kv, uint64_t h)
{
	return kv->n > 0 && bsearch(&h, kv->v, kv->n, sizeof(*kv->v),
	    u64_cmp) != NULL;
}

/* Where the ingest compares keys: the scope, then the key. */
static uint64_t
key_hash(const struct sl_event *ev)
{
	return sl_key_hash(ev->scope.p, ev->scope.n, ev->key.p, ev->key.n);
}

static int
hits_tell(void *arg, const struct sl_item *it, int log)
{
	struct hits *h = arg;

	(void)log;
	if (it->type != SL_ITEM_EVENT)
		return 0;
	if (!userset_has(&h->users, it->ev->user.p, it->ev->user.n) &&
	    (h->keep == NULL || h->keep(h->arg, it->ev)) &&
	    h->hit(h->arg, it->ev))
		userset_add(&h->users, it->ev->user.p, it->ev->user.n);
	return 1;
}

/* The third pass stages as scratch_tell does, and says nothing: the
 * second pass said it all. */
static int
hits_tell_quiet(void *arg, const struct sl_item *it, int log)
{
	struct scratch_tell *st = arg;

	(void)log;
	if (it->type != SL_ITEM_EVENT)
		return 0;
	return !st->keep(st->arg, it->ev);
}

/* Whether ev is staged: of a user with a hit (when a first reading found
 * them), and kept. */
static int
hits_staged(const struct hits *h, const struct sl_event *ev)
{
	return (!h->by_users ||
	    userset_has(&h->users, ev->user.p, ev->user.n)) &&
	    (h->keep == NULL || h->keep(h->arg, ev));
}

/* The second pass stages the users with a hit (or, read once, those that
 * keep keeps), and notes the keys of what it stages and of what not. */
static int
hits_keep(void *arg, const struct sl_event *ev)
{
	struct hits *h = arg;
	int keep = hits_staged(h, ev);

	if (ev->key.n > 0 && ev->scope.n > 0) {
		if (h->counted) {
			if (keep)
				keyv_add(&h->k, key_hash(ev));
		} else {
			keyv_add(keep ? &h->k : &h->nk, key_hash(ev));
			if (keep && h->by_users)
				userset_add(&h->ks, ev->key.p, ev->key.n);
		}
	}
	return keep;
}

/* Sources read once that cannot be read again (standard input): every
 * event with a key is staged too, as any may be the copy the case keeps
 * of a key an event kept holds (the tool asks for the users and times it
 * wants of the case). */
static int
keep_or_keyed(void *arg, const struct sl_event *ev)
{
	const struct hits *h = arg;

	return h->keep(h->arg, ev) || (ev->key.n > 0 && ev->scope.n > 0);
}

/* The reading for the copies of the staged events' keys: the keys of the
 * events not staged, nothing staged and nothing said (the second reading
 * said it all). */
static int
keys_tell(void *arg, const struct sl_item *it, int log)
{
	struct hits *h = arg;
	const struct sl_event *ev = it->ev;

	(void)log;
	if (it->type != SL_ITEM_EVENT)
		return 0;
	if (ev->key.n > 0 && ev->scope.n > 0 && !hits_staged(h, ev))
		keyv_add(&h->nk, key_hash(ev));
	return 1;
}

/*
 * A prefilter of one group: the strings of set as exact literals of field,
 * for a reading that needs only the records holding one of them (the
 * reader tests the records of logs whose profile takes field verbatim).
 * NULL when one of them cannot be tested: read every record then.
 */
static struct sl_prefilter *
set_prefilter(const struct userset *set, int field)
{
	struct sl_prefilter *pf;
	size_t i;
	int rc = 0;

	if ((pf = sl_prefilter_new()) == NULL || sl_prefilter_group(pf) < 0)
		cli_die("out of memory");
	for (i = 0; i < set->cap && rc == 0; i++)
		if (set->v[i].p != NULL)
			rc = sl_prefilter_add(pf, field, set->v[i].p,
			    set->v[i].n, SL_PREFILTER_WHOLE);
	if (rc == -ENOMEM)
		cli_die("out of memory");
	if (rc < 0) {
		sl_prefilter_free(pf);
		return NULL;
	}
	return pf;
}

/* The third pass: the same, and every copy of a key in both.  An event
 * staged that way, of a user without a hit, is never selected: it is
 * there to take its place in the choice among the copies of its key. */
static int
both_keep(void *arg, const struct sl_event *ev)
{
	struct hits *h = arg;

	if (hits_staged(h, ev))
		return 1;
	return ev->key.n > 0 && ev->scope.n > 0 &&
	    keyv_has(&h->both, key_hash(ev));
}

/* The keys of hs->k that hs->nk has too, into hs->both; with the first
 * reading's count, those counted more often than staged (staged copies of
 * a key are no copies outside). */
static void
keys_shared(struct hits *hs)
{
	size_t i = 0, j = 0;

	if (hs->counted) {
		if (hs->k.n > 0)
			qsort(hs->k.v, hs->k.n, sizeof(*hs->k.v), u64_cmp);
		while (i < hs->k.n) {
			for (j = i + 1; j < hs->k.n && hs->k.v[j] == hs->k.v[i];
			    j++)
				;
			if (sl_keycount_get(hs->kc, hs->k.v[i]) > j - i)
				keyv_add(&hs->both, hs->k.v[i]);
			i = j;
		}
		free(hs->k.v);
		memset(&hs->k, 0, sizeof(hs->k));
		return;
	}
	keyv_sort(&hs->k);
	keyv_sort(&hs->nk);
	while (i < hs->k.n && j < hs->nk.n) {
		if (hs->k.v[i] < hs->nk.v[j]) {
			i++;
		} else if (hs->k.v[i] > hs->nk.v[j]) {
			j++;
		} else {
			keyv_add(&hs->both, hs->k.v[i]);
			i++;
			j++;
		}
	}
	free(hs->k.v);
	free(hs->nk.v);
	memset(&hs->k, 0, sizeof(hs->k));
	memset(&hs->nk, 0, sizeof(hs->nk));
}

/* Sources that can be read twice: files and directories. */
static int
rereadable(const char *const *sources, size_t n)
{
	struct stat st;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(sources[i], "-") == 0 ||
		    stat(sources[i], &st) < 0 ||
		    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
			return 0;
	return 1;
}

static long
scratch_jobs(void)
{
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);

	return jobs < 1 ? 1 : jobs > 8 ? 8 : jobs;
}

struct sl_case *
cli_scratch_open(struct cli_scratch *s, const char *const *sources, size_t n,
    const struct sl_reader_opts *ro,
    int (*keep)(void *arg, const struct sl_event *ev), void *arg,
    uint64_t *errors)
{
	return cli_scratch_open_hits(s, sources, n, ro, NULL, NULL, keep, arg,
	    errors);
}

/* A reading of the sources that stages nothing (tell returns 1 for every
 * event); 0, or -1 with the reason in err. */
static int
read_aside(struct sl_case *c, const char *const *sources, size_t n,
    const struct sl_profileset *ps, const struct sl_reader_opts *o,
    long jobs, int (*tell)(void *arg, const struct sl_item *it, int log),
    void *arg, char *err, size_t errlen)
{
	struct sl_ingest *in;
	int rc;

	if ((in = sl_ingest_new(c, NULL)) == NULL) {
		snprintf(err, errlen, "%s", sl_case_error(c));
		return -1;
	}
	rc = sl_ingest_read(in, sources, n, ps, o, (int)jobs, tell, arg);
	if (rc < 0)
		snprintf(err, errlen, "%s", sl_ingest_error(in));
	sl_ingest_free(in);
	return rc < 0 ? -1 : 0;
}

struct sl_case *
cli_scratch_open_hits(struct cli_scratch *s, const char *const *sources,
    size_t n, const struct sl_reader_opts *ro, const struct sl_prefilter *pf,
    int (*hit)(void *arg, const struct sl_event *ev),
    int (*keep)(void *arg, const struct sl_event *ev), void *arg,
    uint64_t *errors)
{
	struct hits hs;
	struct scratch_tell st = { keep, arg, 0, 0 };
	struct sl_ingest_result res;
	struct sl_reader_opts o;
	struct sl_profileset *ps = NULL;
	struct sl_prefilter *names = NULL, *keys = NULL;
	struct sl_ingest *in = NULL;
	const char *tmp = getenv("TMPDIR");
	char err[1024];
	long jobs;

	memset(s, 0, sizeof(*s));
	memset(&hs, 0, sizeof(hs));
	hs.hit = hit;
	hs.keep = keep;
	hs.arg = arg;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	scratch_make(s, tmp);
	s->c = sl_case_open(s->dir, SL_CASE_CREATE | SL_CASE_WRITE |
	    SL_CASE_SCRATCH, err, sizeof(err));
	if (s->c == NULL)
		goto fail;
	ps = cli_profiles();
	/* Standard input is spooled inside the scratch case, so that it goes
	 * with it. */
	o = *ro;
	o.tmpdir = s->dir;
	/* Threads as ingest takes them; the messages still come in the
	 * order of the sources. */
	jobs = scratch_jobs();
	if (pf != NULL && hit != NULL && rereadable(sources, n)) {
		o.prefilter = pf;
		/* Every record's key is counted, so that the copies of the
		 * keys of the events staged need no reading of their own. */
		if ((hs.kc = sl_keycount_new()) == NULL)
			cli_die("out of memory");
		o.keys = hs.kc;
		if (read_aside(s->c, sources, n, ps, &o, jobs, hits_tell, &hs,
		    err, sizeof(err)) < 0)
			goto fail;
		hs.counted = sl_keycount_complete(hs.kc);
		o.keys = NULL;
		st.keep = hits_keep;
		st.arg = &hs;
		hs.by_users = 1;
		/* The second reading parses only the records that may be
		 * of a user with a hit: those holding one of their names. */
		names = set_prefilter(&hs.users, SL_FIELD_USER);
	} else if (keep != NULL) {
		/* Read once, every record parsed: what it stages and what
		 * not gives the keys in both; then, as above, a reading
		 * stages every copy of those, so that the copy kept is the
		 * case's.  Without a second reading, every copy is staged
		 * from the start. */
		st.keep = rereadable(sources, n) ? hits_keep : keep_or_keyed;
		st.arg = &hs;
	}
	o.prefilter = names;
	if ((in = sl_ingest_new(s->c, NULL)) == NULL) {
		snprintf(err, sizeof(err), "%s", sl_case_error(s->c));
		goto fail;
	}
	if (sl_ingest_read(in, sources, n, ps, &o, (int)jobs, scratch_tell,
	    &st) < 0)
		goto ingest_fail;
	o.prefilter = NULL;
	if (names != NULL && !hs.counted && hs.ks.n > 0) {
		/* The records it left out may hold copies of the staged
		 * events' keys: a reading for the records holding one. */
		keys = set_prefilter(&hs.ks, SL_FIELD_KEY);
		o.prefilter = keys;
		if (read_aside(s->c, sources, n, ps, &o, jobs, keys_tell, &hs,
		    err, sizeof(err)) < 0)
			goto fail;
		o.prefilter = NULL;
	}
	if (st.keep == hits_keep && (keys_shared(&hs), hs.both.n > 0)) {
		/* Read again: the second reading's messages were said. */
		sl_ingest_free(in);
		if ((in = sl_ingest_new(s->c, NULL)) == NULL) {
			snprintf(err, sizeof(err), "%s", sl_case_error(s->c));
			goto fail;
		}
		st.keep = both_keep;
		if (sl_ingest_read(in, sources, n, ps, &o, (int)jobs,
		    hits_tell_quiet, &st) < 0)
			goto ingest_fail;
	}
	if (sl_ingest_commit(in, &res) < 0) {
ingest_fail:
		snprintf(err, sizeof(err), "%s", sl_ingest_error(in));
		goto fail;
	}
	*errors += st.errors;
	if (st.rejects > 0)
		cli_warn("%llu record(s) could not be read and were skipped "
		    "(ingest lists them)", (unsigned long long)st.rejects);
	sl_ingest_free(in);
	sl_profileset_free(ps);
	sl_prefilter_free(names);
	sl_prefilter_free(keys);
	userset_release(&hs.users);
	userset_release(&hs.ks);
	free(hs.k.v);
	free(hs.nk.v);
	free(hs.both.v);
	sl_keycount_free(hs.kc);
	return s->c;
fail:
	sl_ingest_free(in);
	sl_profileset_free(ps);
	sl_prefilter_free(names);
	sl_prefilter_free(keys);
	userset_release(&hs.users);
	userset_release(&hs.ks);
	free(hs.k.v);
	free(hs.nk.v);
	free(hs.both.v);
	sl_keycount_free(hs.kc);
	cli_scratch_close(s);
	cli_die("cannot read the sources: %s", err);
}

/* ---- several cases (-C A -C B ...) ------------------------------------- */

void
cli_cases_add(struct cli_cases *cc, const char *dir)
{
	cc->v = xrealloc(cc->v, cc->n + 1, sizeof(*cc->v));
	cc->v[cc->n++] = dir;
}

struct sl_case *
cli_cases_open(struct cli_cases *cc, struct cli_scratch *s, const char **dir,
    const char *tool, int nargs, char **args)
{
	struct sl_ingest_result res;
	struct sl_ingest *in = NULL;
	struct sl_case **src, *c;
	const char *tmp = getenv("TMPDIR");
	char err[1024];
	size_t i;

	memset(s, 0, sizeof(*s));
	if (cc->n <= 1) {
		*dir = cli_case_dir(cc->n == 1 ? cc->v[0] : NULL);
		if ((c = sl_case_open(*dir, 0, err, sizeof(err))) == NULL)
			cli_die("%s", err);
		/* A case on write-protected storage, or another
		 * investigator's, is read all the same: audit.log records
		 * the runs of those who may write the case, it does not
		 * decide who reads it (file permissions do). */
		if (sl_case_audit(c, tool, nargs, args) < 0)
			cli_warn("this run could not be recorded in the audit "
			    "log of \"%s\": %s", *dir, sl_case_error(c));
		return c;
	}
	/* The cases first: one that cannot be read stops the run before
	 * anything is copied. */
	src = xrealloc(NULL, cc->n, sizeof(*src));
	for (i = 0; i < cc->n; i++) {
		if ((src[i] = sl_case_open(cc->v[i], 0, err,
		    sizeof(err))) == NULL)
			cli_die("%s", err);
		if (sl_case_audit(src[i], tool, nargs, args) < 0)
			cli_warn("this run could not be recorded in the audit "
			    "log of \"%s\": %s", cc->v[i],
			    sl_case_error(src[i]));
	}
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	scratch_make(s, tmp);
	s->c = sl_case_open(s->dir, SL_CASE_CREATE | SL_CASE_WRITE |
	    SL_CASE_SCRATCH, err, sizeof(err));
	if (s->c == NULL)
		goto fail;
	if ((in = sl_ingest_new(s->c, NULL)) == NULL) {
		snprintf(err, sizeof(err), "%s", sl_case_error(s->c));
		goto fail;
	}
	for (i = 0; i < cc->n; i++)
		if (sl_ingest_case(in, src[i]) < 0)
			break;
	if (i < cc->n || sl_ingest_commit(in, &res) < 0) {
		snprintf(err, sizeof(err), "%s", sl_ingest_error(in));
		goto fail;
	}
	sl_ingest_free(in);
	for (i = 0; i < cc->n; i++)
		sl_case_free(src[i]);
	free(src);
	*dir = s->dir;
	return s->c;
fail:
	sl_ingest_free(in);
	cli_scratch_close(s);
	cli_die("cannot merge the cases: %s", err);
}

void
cli_cases_close(struct cli_scratch *s, struct sl_case *c)
{
	if (s->dir != NULL)
		cli_scratch_close(s);
	else
		sl_case_free(c);
}
