/* store.h: what the files of the case store (store.c, names.c, txn.c,
 * timeline.c, meta.c) and ingest.c and verify.c share. */
#ifndef SL_STORE_H
#define SL_STORE_H

#include <stdio.h>

#include "internal.h"

#define SL_CASE_MARKER "sessionlog-case 3"
/* Format 2 (sessionlog 0.1 before generations): the files of one
 * generation directly in the case's directory, and readers sharing .lock.
 * Read as it is; its first writer makes it a case of format 3. */
#define SL_CASE_MARKER_2 "sessionlog-case 2"
/* Format 1 (sessionlog 0.1.0): a manifest of 13 columns, no conflicts, and
 * rejects.tsv.gz only once something was rejected.  Read, and upgraded by
 * sl_case_upgrade; never written. */
#define SL_CASE_MARKER_1 "sessionlog-case 1"
#define SL_MANIFEST_COLUMNS_1 13
#define SL_CASE_FILE "sessionlog.case"
#define SL_MANIFEST "manifest.tsv"
#define SL_REJECTS "rejects.tsv.gz"
#define SL_KEYS "keys.tsv.gz"
#define SL_CONFLICTS "conflicts.tsv.gz"
#define SL_AUDIT "audit.log"
#define SL_TXN ".txn"
#define SL_TMP ".tmp"
#define SL_LOCK ".lock"
/* Format 3: generations gen/N, the one read named by the link current. */
#define SL_GEN "gen"
#define SL_CURRENT "current"
/*
 * The longest row stored for one event or reject: its record of at most
 * SL_MAX_RECORD_LIMIT bytes escaped (up to 4 bytes per byte), the fields
 * taken from it (at most as much again), and the columns.  sl_ingest_event
 * rejects an event whose row would be longer.  A line of the case's files
 * holds at most two rows' worth (a conflict: one event's record, the
 * other's names), and is what the readers take back.
 */
#define SL_MAX_ROW (2 * 4 * SL_MAX_RECORD_LIMIT + ((size_t)1 << 20))
#define SL_MAX_LINE (2 * SL_MAX_ROW)

#define SL_MANIFEST_COLUMNS 16
extern const char *const sl_manifest_header[SL_MANIFEST_COLUMNS];
#define SL_REJECT_COLUMNS 6
extern const char *const sl_reject_header[SL_REJECT_COLUMNS];
/* The key index: one row per (scope, key) in the case, the kept copy. */
#define SL_KEY_COLUMNS 9
extern const char *const sl_key_header[SL_KEY_COLUMNS];
#define SL_CONFLICT_COLUMNS 14
extern const char *const sl_conflict_header[SL_CONFLICT_COLUMNS];
#define SL_IDX_COLUMNS 4
extern const char *const sl_idx_header[SL_IDX_COLUMNS];

struct sl_digest {
	char *path;		/* in the case, e.g. "users/bob.idx" */
	char hex[65];
};

struct sl_case_user {
	char *name;		/* NUL-terminated, but may hold NUL bytes */
	size_t namelen;
	char *file;		/* encoded base name, without ".tsv.gz" */
};

struct sl_case {
	char *dir;
	int rootfd;		/* the case's directory */
	int dirfd;		/* the files read: gen/N, locked shared, or
				 * rootfd for a case of format 1 or 2; -1
				 * while a case is created */
	int txnfd;		/* the generation being written, or -1 */
	unsigned long gen, txngen;	/* their numbers (0: none) */
	char genrel[32];	/* "gen/N" of dirfd, or "." */
	int lockfd;
	int writer;		/* holds the writer's lock */
	int version;		/* case format: 1, 2 or 3 */
	int found;		/* the format it had when opened */
	int nosync;		/* SL_CASE_SCRATCH: no fsync, no syncfs */
	int (*stop)(void *);	/* sl_ingest_opts.stop, while ingesting */
	void *stop_arg;
	char err[1024];
	struct sl_digest *dig;	/* from sessionlog.case, sorted by path */
	size_t ndig;
	unsigned char (*shas)[32];	/* manifest digests, sorted */
	size_t nshas;
	int64_t dated_last;	/* see sl_case_dated_last */
	struct sl_case_user *users;	/* sorted by name */
	size_t nusers;
};

/* The user user[0..len) of the case, or NULL. */
const struct sl_case_user *sl_case_find_user(const struct sl_case *c,
    const char *user, size_t len);
/* Set c->err; returns rc. */
int sl_case_fail(struct sl_case *c, int rc, const char *fmt, ...)
    SL_PRINTF(3, 4);
/* Read sessionlog.case, the manifest digests and the users again. */
int sl_case_load(struct sl_case *c);
/* The directory a path of the store is relative to: ".txn/..." is the
 * generation being written (rel moved past ".txn/"), ".tmp..." the case's
 * directory, anything else the generation read. */
int sl_case_at(struct sl_case *c, const char **rel);
/* unlinkat(2) of a path of the store (sl_case_at). */
int sl_case_unlink(struct sl_case *c, const char *rel);
/* Where rel is, for messages: "CASE/gen/N/x" for ".txn/x"; in buf. */
const char *sl_case_where(struct sl_case *c, const char *rel, char *buf,
    size_t len);
/* Open a store file for reading (NULL, errno set, on failure) or create
 * one with mode 0600 whatever the umask (NULL with c->err set). */
FILE *sl_case_fopen(struct sl_case *c, const char *rel);
FILE *sl_case_fcreate(struct sl_case *c, const char *rel);
/* fflush, fsync and fclose a created file; 0 or c->err set. */
int sl_case_fclose(struct sl_case *c, FILE *fp, const char *rel);
/* A directory of the case, mode 0700; 0 or c->err set. */
int sl_case_mkdir(struct sl_case *c, const char *rel);
/* One line of a plain text file, at most max bytes, without its newline:
 * 1, 0 at the end, -E2BIG, -EIO, -ENOMEM. */
int sl_case_getline(FILE *fp, struct sl_buf *b, size_t max);
/* sl_manifest_open with its error code: 0 with *m, or a negative errno
 * value (c->err set). */
int sl_case_manifest(struct sl_case *c, struct sl_manifest **m);
/* Columns of the case's manifest rows (by its format). */
size_t sl_case_manifest_columns(const struct sl_case *c);
/* A BGZF table with only its header line, created in the transaction. */
int sl_case_txn_empty_table(struct sl_case *c, const char *rel,
    const char *const *header, size_t ncol);
/* The digest recorded for rel, or NULL. */
const char *sl_case_digest(const struct sl_case *c, const char *rel);

/* Order of struct sl_digest by path, for qsort. */
int sl_digest_by_path(const void *a, const void *b);
/* A path the store itself would write: "NAME" or "users/NAME". */
int sl_case_safe_rel(const char *p);
/* Transactions: a new generation gen/N+1 is built, its files created
 * under .txn/ (sl_case_at) by their final name and listed; at the commit
 * the files of the case not listed are linked in from the generation
 * read, its sessionlog.case written with the digests of every file, all
 * synced, and the link current switched to it by one rename(2).  A path
 * listed as "-path" leaves the case (its digest dropped).  A case of
 * format 1 or 2 (or one being created) becomes one of format 3. */
int sl_case_txn_begin(struct sl_case *c);
int sl_case_txn_commit(struct sl_case *c, char *const *paths, size_t n);
void sl_case_txn_abort(struct sl_case *c);
/* Format 2: rename the files listed in .txn/COMMIT into place and remove
 * .txn (the recovery of an update that a crash cut short). */
int sl_case_txn_finish(struct sl_case *c);
/* Remove the generations no reader holds but the one read (writer). */
void sl_case_gc(struct sl_case *c);
/* Remove gen/ and current: a case whose sessionlog.case names no
 * generation (format 1 or 2, or being created) has none yet (writer). */
void sl_case_drop_gens(struct sl_case *c);
/* The case's directory shows the current generation (writer). */
int sl_case_show_current(struct sl_case *c);
/* Remove every file in the case's directory rel and the directory. */
void sl_case_rmtree(struct sl_case *c, const char *rel);

/* File names of user names (see sessionlog(5)).  Encode: 0, or -EINVAL
 * for an empty name.  Decode: 0 with the name in out, 1 for a hashed
 * (irreversible) name, -EBADMSG if not a name we make. */
/* A name as it goes into an origin (path!member!member): '!' is written
 * "%21", a '%' followed by "21" or "25" is written "%25"; appended to out.
 * 0 or -ENOMEM. */
int sl_origin_escape(const char *name, size_t n, struct sl_buf *out);
/* The names of an origin o[0..n), one by one as they were before
 * sl_origin_escape: *pos starts at 0; 1 with the next name in *name, 0
 * after the last, -ENOMEM.  An origin of an older case reads the same
 * (only "%21" and "%25" in it are read as escapes). */
int sl_origin_next(const char *o, size_t n, size_t *pos,
    struct sl_buf *name);
int sl_name_encode(const char *name, size_t n, struct sl_buf *out);
int sl_name_decode(const char *file, size_t n, struct sl_buf *out);

/* Lines of a BGZF file, with where each one starts. */
struct sl_lines {
	FILE *fp;
	struct sl_bgzf_reader *r;
	struct sl_buf buf;	/* data of blocks [pos, n) not yet consumed */
	size_t pos;
	uint64_t *boff;		/* blocks in buf: compressed offset, */
	int64_t *bpos;		/* position in buf (< 0: partly read) */
	size_t *blen;		/* and data length */
	size_t nb, cb;
	int eof;
	uint64_t blocks;	/* blocks read */
	int last_empty;		/* the last block read held no data */
	uint64_t line_block;	/* block where the line returned starts */
	int line_at_start;	/* and it starts at the block's first byte */
	char err[200];
};

void sl_lines_init(struct sl_lines *l, FILE *fp);
int sl_lines_seek(struct sl_lines *l, uint64_t off);
/* 1 with the line (writable, NUL-terminated, no newline) until the next
 * call, 0 at the end, -EBADMSG/-EIO/-E2BIG/-ENOMEM (l->err). */
int sl_lines_next(struct sl_lines *l, char **line, size_t *n);
void sl_lines_release(struct sl_lines *l);

/* Parse the idx of a timeline: chunks of offset, first, last, rows. */
struct sl_chunk {
	uint64_t off, rows;
	int64_t first, last;
};
int sl_idx_load(FILE *fp, struct sl_chunk **chunks, size_t *n,
    char *err, size_t errlen);

/* Set the message of sl_ingest_error; returns rc (ingest-read.c). */
int sl_ingest_fail(struct sl_ingest *in, int rc, const char *fmt, ...)
    SL_PRINTF(3, 4);

/* keys.tsv.gz read as rows (meta.c), for merging cases: the columns
 * that say which event a key is of and its scope.  Strings unescaped and
 * NUL-terminated, borrowed until the next call. */
struct sl_key_row {
	struct sl_str scope, key, user, origin;
	uint64_t line, offset;
};
struct sl_keys;
struct sl_keys *sl_keys_open(struct sl_case *c);
int sl_keys_next(struct sl_keys *k, const struct sl_key_row **row);
void sl_keys_free(struct sl_keys *k);

#endif
