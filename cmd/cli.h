/* cli.h: helpers shared by the sessionlog tools (not by the library). */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sessionlog.h"

/* Exit statuses shared by every tool (DESIGN.md). */
#define EXIT_FOUND 0
#define EXIT_NOTHING 1
#define EXIT_TROUBLE 2

extern const char *cli_progname;

/* Messages on stderr, "tool: message"; cli_die exits 2. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* The case directory: -C, else $SESSIONLOG_CASE, else "./case". */
const char *cli_case_dir(const char *opt);
/* Load the profiles: $SESSIONLOG_PROFILES, the installed directory, or the
 * source tree's when running uninstalled.  Dies on failure. */
struct sl_profileset *cli_profiles(void);
/* Parse "16M", "512K", "1G", "4096" (bytes); dies naming the option. */
size_t cli_size(const char *opt, const char *s, size_t min, size_t max);
long cli_number(const char *opt, const char *s, long min, long max);
/* --year: the year of times written without one; dies unless 1000-9999. */
int cli_year(const char *s);
/* Write s to fp with control characters and invalid bytes as \xHH, C1
 * controls and cli_unseen characters as \uHHHH, so that a crafted log
 * cannot drive the terminal or hide what it holds. */
void cli_put_safe(FILE *fp, const char *s, size_t n);
/*
 * User names are bytes, any byte (NUL included).  cli_name_quote gives the
 * name p[0..n) between double quotes with '\\', '"', control bytes and
 * bytes that are not UTF-8 as \\, \", \t, \n, \r and \xHH, C1
 * controls and cli_unseen characters as \uHHHH: what the tools' messages
 * show, and what -u takes back.  Allocated (the caller frees it); dies
 * when out of memory.
 */
char *cli_name_quote(const char *p, size_t n);
/*
 * The name written as s[0..len), between double quotes, with the escapes
 * the tools print: \\ \" \t \n \r, \xHH (the byte HH), \uHHHH (the
 * character in UTF-8; \udc80 to \udcff, JSON's spelling of a byte that is
 * not UTF-8, the byte).  0 with the bytes in a new buffer *out (*outn of
 * them, NUL-terminated too; the caller frees it), or -1 with *err set.
 */
int cli_name_unquote(const char *s, size_t len, char **out, size_t *outn,
    const char **err);
/* Length of the valid UTF-8 sequence at p (1 to 4) with its code point, or
 * 0 for an invalid byte. */
size_t cli_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);
/* Is cp a C1 control or a character that is invisible or reorders text? */
int cli_unseen(uint32_t cp);
/* Format n with thousands separators into buf (32 bytes). */
const char *cli_count(uint64_t n, char *buf);
/* Flush and close stdout; on a write error say so and exit 2. */
void cli_close_stdout(void);
/* Print "tool (sessionlog) VERSION" and exit 0. */
void cli_version(void) __attribute__((noreturn));


/*
 * Raw evidence for the reading tools: the sources are read into a private
 * case in a temporary directory ($TMPDIR or /tmp), which sorts and
 * de-duplicates them in bounded memory exactly as ingest does, and the tool
 * then reads that case.  keep (may be NULL) chooses the events worth
 * staging.  Reader errors and rejects are reported on stderr; *errors
 * counts the errors.  Dies on failure.  cli_scratch_close frees the case
 * and removes the directory.
 */
struct cli_scratch {
	char *dir;
	struct sl_case *c;
};
struct sl_case *cli_scratch_open(struct cli_scratch *s,
    const char *const *sources, size_t n, const struct sl_reader_opts *ro,
    int (*keep)(void *arg, const struct sl_event *ev), void *arg,
    uint64_t *errors);
/*
 * The same with a first pass, for a search (grep-sessions): the sources
 * are read once with the prefilter pf, and hit (arg) is asked of each event
 * that is read and that keep stages; the second pass stages, of the events
 * keep chooses, only those of the users who had a hit, every one of theirs,
 * so that their sessions, purposes and duplicates come out as the whole
 * case has them.  Without pf, or when a source cannot be read twice
 * (standard input, a pipe), it is cli_scratch_open.
 */
struct sl_case *cli_scratch_open_hits(struct cli_scratch *s,
    const char *const *sources, size_t n, const struct sl_reader_opts *ro,
    const struct sl_prefilter *pf,
    int (*hit)(void *arg, const struct sl_event *ev),
    int (*keep)(void *arg, const struct sl_event *ev), void *arg,
    uint64_t *errors);
void cli_scratch_close(struct cli_scratch *s);

/*
 * -C given once or more.  cli_cases_open opens the case of one -C (none:
 * cli_case_dir's), or, for several, merges them as ingest --merge does
 * into a private case in a temporary directory, removed as raw evidence's
 * is: the tool then answers as the merged case would, duplicates across
 * the cases included.  Each case read records the run in its audit.log
 * (tool and arguments).  *dir is the directory of the case read.  Dies
 * on failure.  cli_cases_close frees the case (and the private one).
 */
struct cli_cases {
	const char **v;
	size_t n;
};
void cli_cases_add(struct cli_cases *cc, const char *dir);
struct sl_case *cli_cases_open(struct cli_cases *cc, struct cli_scratch *s,
    const char **dir, const char *tool, int nargs, char **args);
void cli_cases_close(struct cli_scratch *s, struct sl_case *c);

#endif
