/* partial.h: summarize's partial summaries (summarize --partial, --merge):
 * the aggregates of one shard of a case as text, sessionlog(5) PARTIAL
 * SUMMARIES. */
#ifndef SL_CMD_PARTIAL_H
#define SL_CMD_PARTIAL_H

#include <stdint.h>
#include <stdio.h>

#include "sessionlog.h"

#define PART_MAGIC "sessionlog-summary"
#define PART_VERSION 3
/* The oldest version read: 2's items had no user (and it had none of
 * the baselines of three rules). */
#define PART_VERSION_MIN 3

/* Writing: the lines in order, header first, end last.  Each function
 * dies (exit 2) on a write error. */
struct part_writer {
	FILE *fp;
	const char *path;
	uint64_t lines;
};

void part_header(struct part_writer *w, const char *select,
    const char *tz);
/* A manifest row of the shard's case: its sha256, path, member, and
 * whether it is an archive's own row (not a log). */
void part_source(struct part_writer *w, struct sl_str sha256,
    struct sl_str path, struct sl_str member, int container);
/* A user and what the usage module counted of their events. */
void part_user(struct part_writer *w, struct sl_str name,
    struct sl_usage *u);
/* A group of a grouped report: its key parts, the users with events in
 * it, its usage. */
void part_group(struct part_writer *w, const struct sl_str *parts,
    size_t nparts, uint64_t users, struct sl_usage *u);
/* With --alerts: each user of the shard -u asked for (all when it was
 * not given), then each alert. */
void part_held(struct part_writer *w, struct sl_str name);
void part_alert(struct part_writer *w, const struct sl_alert *a);
/* --alerts --baselines: a user and what the rules whose baselines span
 * users need of it (sl_detect_user_baseline's line). */
void part_baseline(struct part_writer *w, struct sl_str name,
    const char *line, size_t len);
/* --alerts --baselines: one line of what the shard's case adds to the
 * rules about the whole case (sl_detect_case_baseline's), after the
 * users' baselines. */
void part_case_baseline(struct part_writer *w, const char *line,
    size_t len);
/* --alerts --peers: how many users the run judged its shard against
 * (its own and the peers), before the held users. */
void part_peers(struct part_writer *w, uint64_t n);
/* The trailer: whether some user could not be read, and the count of
 * lines, so that a file cut short is refused. */
void part_end(struct part_writer *w, int trouble);

/* Reading: the callbacks get each record; strings are borrowed for the
 * call, a usage (made with uo) becomes the callee's. */
struct part_sink {
	void *arg;
	const struct sl_usage_opts *uo;
	/* The groups' usages are made with it (NULL: with uo). */
	const struct sl_usage_opts *group_uo;
	/* The header: 0, 1 to read no further (part_read then returns 0
	 * without end), or -1 to refuse the file with the message set in
	 * err (errlen bytes). */
	int (*header)(void *arg, const char *select, const char *tz,
	    char *err, size_t errlen);
	void (*source)(void *arg, struct sl_str sha256, struct sl_str path,
	    struct sl_str member, int container);
	/* A user: 0, or -1 to refuse (a user in two partials). */
	int (*user)(void *arg, struct sl_str name, struct sl_usage *u,
	    char *err, size_t errlen);
	void (*group)(void *arg, const struct sl_str *parts, size_t nparts,
	    uint64_t users, struct sl_usage *u);
	/* A user judged: 0, or -1 to refuse as for user. */
	int (*held)(void *arg, struct sl_str name, char *err, size_t errlen);
	/* An alert, its strings and evidence allocated: the callee's, to
	 * free with part_alert_release. */
	void (*alert)(void *arg, struct sl_alert *a);
	/* A baseline line: 0, or -1 to refuse.  NULL: refused. */
	int (*baseline)(void *arg, struct sl_str name, struct sl_str line,
	    char *err, size_t errlen);
	/* A case baseline line: 0, or -1 to refuse.  NULL: refused. */
	int (*case_baseline)(void *arg, struct sl_str line, char *err,
	    size_t errlen);
	/* The peers line: NULL, refused. */
	void (*peers)(void *arg, uint64_t n);
	void (*end)(void *arg, int trouble);
};

void part_alert_release(struct sl_alert *a);

/* Read the partial at path into the sink.  0, or -1 with a message in
 * err that names the file and line. */
int part_read(const char *path, const struct part_sink *s, char *err,
    size_t errlen);

#endif
