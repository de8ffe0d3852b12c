/* partial.c: the text form of summarize's partial summaries. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "partial.h"
#include "util.h"

#define NFIG 11

static const char *const map_names[SL_USAGE__MAPS] = {
	"resource", "query", "src", "purpose", "day", "session", "term",
};

/* ---- writing ------------------------------------------------------------- */

static void
wcheck(struct part_writer *w)
{
	if (ferror(w->fp))
		cli_die("%s: write error", w->path);
}

static void
put_quoted(FILE *fp, const char *p, size_t n)
{
	char *q = cli_name_quote(p, n);

	fputc('\t', fp);
	fputs(q, fp);
	free(q);
}

static void
put_nums(FILE *fp, const char *tag, const uint64_t *v, size_t n, int count)
{
	size_t i;

	fputs(tag, fp);
	if (count)
		fprintf(fp, "\t%zu", n);
	for (i = 0; i < n; i++)
		fprintf(fp, "\t%" PRIu64, v[i]);
	fputc('\n', fp);
}

void
part_header(struct part_writer *w, const char *select, const char *tz)
{
	fprintf(w->fp, "%s\t%d\n", PART_MAGIC, PART_VERSION);
	fputs("select", w->fp);
	put_quoted(w->fp, select, strlen(select));
	fputs("\ntz", w->fp);
	put_quoted(w->fp, tz, strlen(tz));
	fputc('\n', w->fp);
	w->lines += 3;
	wcheck(w);
}

void
part_source(struct part_writer *w, struct sl_str sha256, struct sl_str path,
    struct sl_str member, int container)
{
	fprintf(w->fp, "source\t%d", container ? 1 : 0);
	put_quoted(w->fp, sha256.p, sha256.n);
	put_quoted(w->fp, path.p, path.n);
	put_quoted(w->fp, member.p, member.n);
	fputc('\n', w->fp);
	w->lines++;
	wcheck(w);
}

static void
put_usage(struct part_writer *w, struct sl_usage *u)
{
	const struct sl_usage_figures *f = sl_usage_figures(u);
	const struct sl_usage_item *it;
	size_t n, i;
	int m;

	fprintf(w->fp, "figures\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%"
	    PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%"
	    PRIu64 "\t%" PRId64 "\t%" PRId64 "\n", f->events, f->backend,
	    f->exports, f->export_records, f->export_records_unknown,
	    f->export_bytes, f->export_bytes_unknown, f->data_access,
	    f->data_no_purpose, f->first, f->last);
	put_nums(w->fp, "actions", f->actions, SL_ACT__COUNT, 1);
	put_nums(w->fp, "backend-actions", f->backend_actions, SL_ACT__COUNT,
	    1);
	put_nums(w->fp, "outcomes", f->outcomes, SL_OUT__COUNT, 1);
	put_nums(w->fp, "hours", f->hours, SL_USAGE_HOURS, 0);
	w->lines += 5;
	/* In key order: the file does not depend on the order the events
	 * came in. */
	for (m = 0; m < SL_USAGE__MAPS; m++) {
		if (sl_usage_list(u, m, SL_USAGE_BY_KEY, SIZE_MAX, &it, &n) < 0)
			cli_die("out of memory");
		for (i = 0; i < n; i++) {
			fprintf(w->fp, "item\t%s\t%" PRIu64 "\t%" PRId64 "\t%"
			    PRId64 "\t%" PRIu32, map_names[m], it[i].count,
			    it[i].first, it[i].last, m == SL_USAGE_DAY ?
			    sl_usage_day_mask(u, it[i].key.p, it[i].key.n) :
			    0);
			put_quoted(w->fp, it[i].key.p, it[i].key.n);
			/* A session's user: users' sessions of one name
			 * are apart. */
			put_quoted(w->fp, it[i].user.p, it[i].user.n);
			fputc('\n', w->fp);
			w->lines++;
		}
	}
	wcheck(w);
}

void
part_user(struct part_writer *w, struct sl_str name, struct sl_usage *u)
{
	fputs("user", w->fp);
	put_quoted(w->fp, name.p, name.n);
	fputc('\n', w->fp);
	w->lines++;
	put_usage(w, u);
}

void
part_group(struct part_writer *w, const struct sl_str *parts, size_t nparts,
    uint64_t users, struct sl_usage *u)
{
	size_t i;

	fprintf(w->fp, "group\t%" PRIu64 "\t%zu", users, nparts);
	for (i = 0; i < nparts; i++)
		put_quoted(w->fp, parts[i].p, parts[i].n);
	fputc('\n', w->fp);
	w->lines++;
	put_usage(w, u);
}

void
part_held(struct part_writer *w, struct sl_str name)
{
	fputs("held", w->fp);
	put_quoted(w->fp, name.p, name.n);
	fputc('\n', w->fp);
	w->lines++;
	wcheck(w);
}

/* Doubles with 17 significant digits: read back, the same double. */
void
part_alert(struct part_writer *w, const struct sl_alert *a)
{
	size_t i;

	fprintf(w->fp, "alert\t%d\t%" PRId64 "\t%" PRId64 "\t%.17g\t%.17g"
	    "\t%.17g\t%.17g\t%" PRIu64 "\t%zu", a->level, a->start, a->end,
	    a->value, a->baseline, a->threshold, a->excess, a->nevents,
	    a->nevidence);
	put_quoted(w->fp, a->id, strlen(a->id));
	put_quoted(w->fp, a->rule, strlen(a->rule));
	put_quoted(w->fp, a->user.p, a->user.n);
	put_quoted(w->fp, a->session.p, a->session.n);
	put_quoted(w->fp, a->explanation, strlen(a->explanation));
	for (i = 0; i < a->nevidence; i++)
		put_quoted(w->fp, a->evidence[i].p, a->evidence[i].n);
	fputc('\n', w->fp);
	w->lines++;
	wcheck(w);
}

void
part_baseline(struct part_writer *w, struct sl_str name, const char *line,
    size_t len)
{
	fputs("baseline", w->fp);
	put_quoted(w->fp, name.p, name.n);
	put_quoted(w->fp, line, len);
	fputc('\n', w->fp);
	w->lines++;
	wcheck(w);
}

void
part_case_baseline(struct part_writer *w, const char *line, size_t len)
{
	fputs("case-baseline", w->fp);
	put_quoted(w->fp, line, len);
	fputc('\n', w->fp);
	w->lines++;
	wcheck(w);
}

void
part_peers(struct part_writer *w, uint64_t n)
{
	fprintf(w->fp, "peers\t%" PRIu64 "\n", n);
	w->lines++;
	wcheck(w);
}

void
part_alert_release(struct sl_alert *a)
{
	size_t i;

	free((char *)a->rule);
	free((char *)a->user.p);
	free((char *)a->session.p);
	free((char *)a->explanation);
	for (i = 0; i < a->nevidence; i++)
		free((char *)a->evidence[i].p);
	free((struct sl_str *)a->evidence);
	memset(a, 0, sizeof(*a));
}

void
part_end(struct part_writer *w, int trouble)
{
	fprintf(w->fp, "end\t%d\t%" PRIu64 "\n", trouble ? 1 : 0, w->lines);
	wcheck(w);
}

/* ---- reading ------------------------------------------------------------- */

struct rd {
	const char *path;
	const struct part_sink *s;
	uint64_t lineno;
	char *err;
	size_t errlen;
	struct sl_str f[200];	/* the line's fields: hours has 169 */
	size_t nf;
	char **own;		/* unquoted strings of the line */
	size_t nown;
	/* The record whose usage lines follow: 1 user, 2 group. */
	int kind;
	struct sl_usage *u;
	char *name;
	size_t namelen;
	struct sl_str *parts;
	size_t nparts;
	uint64_t users;
	int seen;		/* figures..hours lines seen, a bit each */
	char *select;		/* the header's */
};

static int bad(struct rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct rd *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s: line %" PRIu64 ": %s", r->path,
	    r->lineno, msg);
	return -1;
}

static int
num_u(struct rd *r, size_t i, uint64_t *v)
{
	char buf[32], *end;

	if (i >= r->nf || r->f[i].n == 0 || r->f[i].n >= sizeof(buf) ||
	    r->f[i].p[0] < '0' || r->f[i].p[0] > '9')
		return bad(r, "a number is missing or malformed");
	memcpy(buf, r->f[i].p, r->f[i].n);
	buf[r->f[i].n] = '\0';
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		return bad(r, "\"%s\" is not a number", buf);
	return 0;
}

static int
num_i(struct rd *r, size_t i, int64_t *v)
{
	char buf[32], *end;

	if (i >= r->nf || r->f[i].n == 0 || r->f[i].n >= sizeof(buf))
		return bad(r, "a number is missing or malformed");
	memcpy(buf, r->f[i].p, r->f[i].n);
	buf[r->f[i].n] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0' || buf[0] == '+' || buf[0] == ' ')
		return bad(r, "\"%s\" is not a number", buf);
	return 0;
}

/* Field i, a quoted string, unquoted into *out (kept until the next
 * line). */
static int
str(struct rd *r, size_t i, struct sl_str *out)
{
	const char *why;
	char *p;
	size_t n;

	if (i >= r->nf || r->f[i].n < 2 || r->f[i].p[0] != '"')
		return bad(r, "a quoted string is missing");
	if (cli_name_unquote(r->f[i].p, r->f[i].n, &p, &n, &why) < 0)
		return bad(r, "a quoted string: %s", why);
	r->own = xrealloc(r->own, r->nown + 1, sizeof(*r->own));
	r->own[r->nown++] = p;
	out->p = p;
	out->n = n;
	return 0;
}

/* Hand the record being read to the sink. */
static int
flush(struct rd *r)
{
	int rc = 0;

	if (r->kind == 0)
		return 0;
	if (r->seen != 0x1f)
		return bad(r, "the %s before is missing figures", r->kind == 1 ?
		    "user" : "group");
	if (r->kind == 1) {
		struct sl_str name = { r->name, r->namelen };

		rc = r->s->user(r->s->arg, name, r->u, r->err, r->errlen);
	} else
		r->s->group(r->s->arg, r->parts, r->nparts, r->users, r->u);
	r->u = NULL;
	r->kind = 0;
	return rc;
}

static void
record_release(struct rd *r)
{
	size_t i;

	sl_usage_free(r->u);
	r->u = NULL;
	free(r->name);
	r->name = NULL;
	for (i = 0; i < r->nparts; i++)
		free((char *)r->parts[i].p);
	free(r->parts);
	r->parts = NULL;
	r->nparts = 0;
}

static int
record_start(struct rd *r, int kind)
{
	if (flush(r) < 0)
		return -1;
	record_release(r);
	if ((r->u = sl_usage_new(kind == 2 && r->s->group_uo != NULL ?
	    r->s->group_uo : r->s->uo)) == NULL)
		cli_die("out of memory");
	r->kind = kind;
	r->seen = 0;
	return 0;
}

/* figures, actions, backend-actions, outcomes, hours. */
static int
usage_line(struct rd *r, const char *tag)
{
	static const char *const tags[] = { "figures", "actions",
	    "backend-actions", "outcomes", "hours" };
	struct sl_usage_figures f;
	uint64_t *v = NULL, n;
	size_t i, k, want = 0;

	for (k = 0; k < 5; k++)
		if (strcmp(tag, tags[k]) == 0)
			break;
	if (r->kind == 0)
		return bad(r, "\"%s\" outside a user or group", tag);
	if (r->seen & (1 << k))
		return bad(r, "\"%s\" twice", tag);
	r->seen |= 1 << k;
	memset(&f, 0, sizeof(f));
	f.first = f.last = INT64_MIN;
	switch (k) {
	case 0:
		if (r->nf != 1 + NFIG)
			return bad(r, "figures: %zu fields, not %d", r->nf - 1,
			    NFIG);
		if (num_u(r, 1, &f.events) < 0 || num_u(r, 2, &f.backend) < 0 ||
		    num_u(r, 3, &f.exports) < 0 ||
		    num_u(r, 4, &f.export_records) < 0 ||
		    num_u(r, 5, &f.export_records_unknown) < 0 ||
		    num_u(r, 6, &f.export_bytes) < 0 ||
		    num_u(r, 7, &f.export_bytes_unknown) < 0 ||
		    num_u(r, 8, &f.data_access) < 0 ||
		    num_u(r, 9, &f.data_no_purpose) < 0 ||
		    num_i(r, 10, &f.first) < 0 || num_i(r, 11, &f.last) < 0)
			return -1;
		sl_usage_put_figures(r->u, &f);
		return 0;
	case 1:
		v = f.actions;
		want = SL_ACT__COUNT;
		break;
	case 2:
		v = f.backend_actions;
		want = SL_ACT__COUNT;
		break;
	case 3:
		v = f.outcomes;
		want = SL_OUT__COUNT;
		break;
	default:
		v = f.hours;
		want = SL_USAGE_HOURS;
		break;
	}
	i = 1;
	if (k != 4) {
		if (num_u(r, i++, &n) < 0)
			return -1;
		if (n != want)
			return bad(r, "%s: %" PRIu64 " of them, this version "
			    "has %zu", tag, n, want);
	}
	if (r->nf != i + want)
		return bad(r, "%s: %zu values, not %zu", tag, r->nf - i, want);
	for (k = 0; k < want; k++)
		if (num_u(r, i + k, &v[k]) < 0)
			return -1;
	sl_usage_put_figures(r->u, &f);
	return 0;
}

static int
item_line(struct rd *r)
{
	struct sl_usage_item it;
	uint64_t mask;
	size_t m;
	int rc;

	if (r->kind == 0 || r->seen != 0x1f)
		return bad(r, "an item before its user's or group's figures");
	if (r->nf != 8)
		return bad(r, "item: %zu fields, not 7", r->nf - 1);
	for (m = 0; m < SL_USAGE__MAPS; m++)
		if (strlen(map_names[m]) == r->f[1].n &&
		    memcmp(map_names[m], r->f[1].p, r->f[1].n) == 0)
			break;
	if (m == SL_USAGE__MAPS)
		return bad(r, "item: unknown map \"%.*s\"", (int)r->f[1].n,
		    r->f[1].p);
	if (num_u(r, 2, &it.count) < 0 || num_i(r, 3, &it.first) < 0 ||
	    num_i(r, 4, &it.last) < 0 || num_u(r, 5, &mask) < 0 ||
	    str(r, 6, &it.key) < 0 || str(r, 7, &it.user) < 0)
		return -1;
	if (mask > UINT32_MAX)
		return bad(r, "item: bad day mask");
	if ((rc = sl_usage_put_item(r->u, (int)m, &it, (uint32_t)mask)) < 0)
		return rc == -ENOMEM ? (cli_die("out of memory"), -1) :
		    bad(r, "item: impossible values");
	return 0;
}

static int
num_d(struct rd *r, size_t i, double *v)
{
	char buf[64], *end;

	if (i >= r->nf || r->f[i].n == 0 || r->f[i].n >= sizeof(buf))
		return bad(r, "a number is missing or malformed");
	memcpy(buf, r->f[i].p, r->f[i].n);
	buf[r->f[i].n] = '\0';
	*v = strtod(buf, &end);
	if (*end != '\0' || buf[0] == ' ')
		return bad(r, "\"%s\" is not a number", buf);
	return 0;
}

/* A string field copied for good. */
static int
str_keep(struct rd *r, size_t i, struct sl_str *out)
{
	struct sl_str s;
	char *p;

	if (str(r, i, &s) < 0)
		return -1;
	p = xrealloc(NULL, s.n + 1, 1);
	memcpy(p, s.p, s.n + 1);
	out->p = p;
	out->n = s.n;
	return 0;
}

static int
alert_line(struct rd *r)
{
	struct sl_alert a;
	struct sl_str s, *ev;
	int64_t lv;
	uint64_t nev;
	size_t i;

	memset(&a, 0, sizeof(a));
	if (r->kind != 0 || r->s->alert == NULL)
		return bad(r, "an alert out of place");
	if (num_i(r, 1, &lv) < 0 || num_i(r, 2, &a.start) < 0 ||
	    num_i(r, 3, &a.end) < 0 || num_d(r, 4, &a.value) < 0 ||
	    num_d(r, 5, &a.baseline) < 0 || num_d(r, 6, &a.threshold) < 0 ||
	    num_d(r, 7, &a.excess) < 0 || num_u(r, 8, &a.nevents) < 0 ||
	    num_u(r, 9, &nev) < 0)
		return -1;
	if (lv < 0 || lv > 4 || nev > 64 || r->nf != 15 + nev)
		return bad(r, "a malformed alert line");
	a.level = (int)lv;
	if (str(r, 10, &s) < 0)
		return -1;
	if (s.n != 16 || strspn(s.p, "0123456789abcdef") != 16)
		return bad(r, "an alert id is 16 hex digits");
	memcpy(a.id, s.p, 16);
	a.id[16] = '\0';
	ev = xcalloc(nev + 1, sizeof(*ev));
	a.evidence = ev;
	if (str_keep(r, 11, &s) < 0)
		goto fail;
	a.rule = s.p;
	if (str_keep(r, 12, &a.user) < 0 || str_keep(r, 13, &a.session) < 0 ||
	    str_keep(r, 14, &s) < 0)
		goto fail;
	a.explanation = s.p;
	for (i = 0; i < nev; i++) {
		if (str_keep(r, 15 + i, &ev[i]) < 0)
			goto fail;
		a.nevidence++;
	}
	r->s->alert(r->s->arg, &a);
	return 0;
fail:
	part_alert_release(&a);
	return -1;
}

/* One line, its fields in r->f: 1 at the end line, 0, or -1. */
static int
line(struct rd *r, int *state, int *trouble)
{
	const char *tag;
	struct sl_str a, b, c;
	uint64_t v, n, i;
	char tagbuf[32];

	if (r->f[0].n >= sizeof(tagbuf))
		return bad(r, "unknown line");
	memcpy(tagbuf, r->f[0].p, r->f[0].n);
	tagbuf[r->f[0].n] = '\0';
	tag = tagbuf;
	if (*state == 0) {
		if (strcmp(tag, PART_MAGIC) != 0)
			return bad(r, "not a partial summary of summarize "
			    "--partial");
		if (num_u(r, 1, &v) < 0)
			return -1;
		/* Version 2 lacks only what version 3 added (the
		 * baselines of watchlist, concurrent-sessions and
		 * log-integrity, which it was made without): read as it
		 * is. */
		if (v < PART_VERSION_MIN || v > PART_VERSION || r->nf != 2)
			return PART_VERSION_MIN == PART_VERSION ?
			    bad(r, "a partial summary of version %" PRIu64
			    "; this summarize reads version %d", v,
			    PART_VERSION) :
			    bad(r, "a partial summary of version %" PRIu64
			    "; this summarize reads versions %d to %d", v,
			    PART_VERSION_MIN, PART_VERSION);
		*state = 1;
		return 0;
	}
	if (*state == 1 || *state == 2) {
		if (strcmp(tag, *state == 1 ? "select" : "tz") != 0 ||
		    r->nf != 2 || str(r, 1, &a) < 0)
			return bad(r, "the header is malformed");
		(*state)++;
		if (*state == 2) {
			r->select = xstrdup(a.p);
			return 0;
		}
		/* 1: the reader wants no more than the header. */
		switch (r->s->header(r->s->arg, r->select, a.p, r->err,
		    r->errlen)) {
		case 0:
			return 0;
		case 1:
			return 2;
		default:
			return -1;
		}
	}
	if (*state != 3)
		return bad(r, "the header is cut short");
	if (strcmp(tag, "source") == 0) {
		if (r->s->source == NULL)
			return bad(r, "a source out of place");
		if (r->kind != 0 || r->nf != 5 || num_u(r, 1, &v) < 0 ||
		    v > 1 || str(r, 2, &a) < 0 || str(r, 3, &b) < 0 ||
		    str(r, 4, &c) < 0)
			return bad(r, "a malformed source line");
		r->s->source(r->s->arg, a, b, c, (int)v);
		return 0;
	}
	if (strcmp(tag, "user") == 0) {
		if (r->s->user == NULL)
			return bad(r, "a user out of place");
		if (r->nf != 2 || str(r, 1, &a) < 0)
			return bad(r, "a malformed user line");
		if (record_start(r, 1) < 0)
			return -1;
		r->name = xrealloc(NULL, a.n + 1, 1);
		memcpy(r->name, a.p, a.n + 1);
		r->namelen = a.n;
		return 0;
	}
	if (strcmp(tag, "group") == 0) {
		if (r->s->group == NULL)
			return bad(r, "a group out of place");
		if (num_u(r, 1, &v) < 0 || num_u(r, 2, &n) < 0 ||
		    n == 0 || n > 16 || r->nf != 3 + n)
			return bad(r, "a malformed group line");
		if (record_start(r, 2) < 0)
			return -1;
		r->users = v;
		r->parts = xcalloc(n, sizeof(*r->parts));
		for (i = 0; i < n; i++) {
			char *p;

			if (str(r, 3 + i, &a) < 0)
				return -1;
			p = xrealloc(NULL, a.n + 1, 1);
			memcpy(p, a.p, a.n + 1);
			r->parts[r->nparts].p = p;
			r->parts[r->nparts++].n = a.n;
		}
		return 0;
	}
	if (strcmp(tag, "item") == 0)
		return item_line(r);
	if (strcmp(tag, "held") == 0) {
		if (flush(r) < 0)
			return -1;
		if (r->s->held == NULL)
			return bad(r, "a held user out of place");
		if (r->nf != 2 || str(r, 1, &a) < 0)
			return bad(r, "a malformed held line");
		return r->s->held(r->s->arg, a, r->err, r->errlen);
	}
	if (strcmp(tag, "alert") == 0) {
		if (flush(r) < 0)
			return -1;
		return alert_line(r);
	}
	if (strcmp(tag, "baseline") == 0) {
		if (flush(r) < 0)
			return -1;
		if (r->kind != 0 || r->s->baseline == NULL)
			return bad(r, "a baseline out of place");
		if (r->nf != 3 || str(r, 1, &a) < 0 || str(r, 2, &b) < 0)
			return bad(r, "a malformed baseline line");
		return r->s->baseline(r->s->arg, a, b, r->err, r->errlen);
	}
	if (strcmp(tag, "case-baseline") == 0) {
		if (flush(r) < 0)
			return -1;
		if (r->kind != 0 || r->s->case_baseline == NULL)
			return bad(r, "a case baseline out of place");
		if (r->nf != 2 || str(r, 1, &a) < 0)
			return bad(r, "a malformed case baseline line");
		return r->s->case_baseline(r->s->arg, a, r->err, r->errlen);
	}
	if (strcmp(tag, "peers") == 0) {
		if (flush(r) < 0)
			return -1;
		if (r->s->peers == NULL)
			return bad(r, "a peers line out of place");
		if (r->nf != 2 || num_u(r, 1, &v) < 0)
			return bad(r, "a malformed peers line");
		r->s->peers(r->s->arg, v);
		return 0;
	}
	if (strcmp(tag, "end") == 0) {
		if (r->nf != 3 || num_u(r, 1, &v) < 0 || v > 1 ||
		    num_u(r, 2, &n) < 0)
			return bad(r, "a malformed end line");
		if (n != r->lineno - 1)
			return bad(r, "the end line counts %" PRIu64 " lines "
			    "before it, not %" PRIu64, n, r->lineno - 1);
		if (flush(r) < 0)
			return -1;
		*trouble = (int)v;
		return 1;
	}
	if (strcmp(tag, "figures") == 0 || strcmp(tag, "actions") == 0 ||
	    strcmp(tag, "backend-actions") == 0 ||
	    strcmp(tag, "outcomes") == 0 || strcmp(tag, "hours") == 0)
		return usage_line(r, tag);
	return bad(r, "unknown line \"%s\"", tag);
}

int
part_read(const char *path, const struct part_sink *s, char *err,
    size_t errlen)
{
	struct rd r;
	FILE *fp;
	char *buf = NULL;
	size_t cap = 0, i;
	ssize_t len;
	int state = 0, trouble = 0, rc = -1, done = 0;

	memset(&r, 0, sizeof(r));
	r.path = path;
	r.s = s;
	r.err = err;
	r.errlen = errlen;
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&buf, &cap, fp)) > 0) {
		char *p = buf, *end;

		r.lineno++;
		if (done) {
			bad(&r, "lines after the end line");
			goto fail;
		}
		if (buf[len - 1] != '\n') {
			bad(&r, "the last line is cut short");
			goto fail;
		}
		buf[--len] = '\0';
		if (strlen(buf) != (size_t)len) {
			bad(&r, "a NUL byte: not a partial summary");
			goto fail;
		}
		end = buf + len;
		for (r.nf = 0; r.nf < sizeof(r.f) / sizeof(r.f[0]); r.nf++) {
			char *t = memchr(p, '\t', (size_t)(end - p));

			r.f[r.nf].p = p;
			r.f[r.nf].n = t ? (size_t)(t - p) : (size_t)(end - p);
			if (t == NULL) {
				r.nf++;
				break;
			}
			p = t + 1;
		}
		/* More fields than any line has. */
		if (r.nf == sizeof(r.f) / sizeof(r.f[0])) {
			bad(&r, "too many fields");
			goto fail;
		}
		done = line(&r, &state, &trouble);
		for (i = 0; i < r.nown; i++)
			free(r.own[i]);
		r.nown = 0;
		if (done < 0)
			goto fail;
		if (done == 2) {
			rc = 0;
			goto fail;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!done) {
		r.lineno++;
		bad(&r, r.lineno == 1 ? "empty: not a partial summary" :
		    "no end line: the file is cut short");
		goto fail;
	}
	s->end(s->arg, trouble);
	rc = 0;
fail:
	for (i = 0; i < r.nown; i++)
		free(r.own[i]);
	free(r.own);
	free(r.select);
	record_release(&r);
	free(buf);
	fclose(fp);
	return rc;
}
