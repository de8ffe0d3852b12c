/* fuzz-common.h: what the targets that read files share. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A private directory under $TMPDIR (or /tmp) named after the target,
 * made on the first call and removed with everything in it at exit.
 * Aborts when it cannot be made. */
const char *fuzz_dir(const char *target);
/* dir/name, in a static buffer of the caller's (size bytes); aborts when
 * it does not fit. */
char *fuzz_path(char *buf, size_t size, const char *dir, const char *name);
/* Write n bytes to path, replacing it; aborts on failure. */
void fuzz_write(const char *path, const void *p, size_t n);
/* Remove path and, for a directory, everything in it (no links followed).
 * Missing is no error. */
void fuzz_rmtree(const char *path);
/* Copy the tree at src to dst (which must not exist): directories and
 * regular files, modes kept.  Aborts on failure. */
void fuzz_copytree(const char *src, const char *dst);

/* Where bytes read are summed so that reading them is not optimised out. */
extern volatile unsigned fuzz_sink;
void fuzz_touch(const char *p, size_t n);

struct sl_detect;
/* Feed d a few users' days of every action (searches for names, exports,
 * justifications, resources of the policy fixtures), run it (no case), and
 * look at every alert.  Returns sl_detect_run's value. */
int fuzz_detect_feed(struct sl_detect *d);

/* Make a case at dir (which must not exist) with the library's own
 * ingest from a few fixture logs of SRCDIR/testdata: events of several
 * users, rejects, duplicates and conflicts.  Aborts on failure. */
void fuzz_make_case(const char *dir);
/* The regular files under dir, as paths relative to it, in byte order
 * (a directory walk: whatever the case's layout is).  *n set; the list
 * and its strings are malloc'd.  Aborts on failure. */
char **fuzz_list_files(const char *dir, size_t *n);

#endif
