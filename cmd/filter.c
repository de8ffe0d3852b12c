/* filter.c: --since, --until, --tz, --hours and --weekdays for every tool. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "filter.h"
#include "util.h"

static const char *const day_names[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday",
};

void
cli_filter_init(struct cli_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->since = INT64_MIN;
	f->until = INT64_MAX;
}

void
cli_filter_release(struct cli_filter *f)
{
	sl_tz_free(f->tz);
	f->tz = NULL;
}

void
cli_filter_tz(struct cli_filter *f, const char *arg)
{
	char err[512];

	sl_tz_free(f->tz);
	if ((f->tz = sl_tz_load(arg, err, sizeof(err))) == NULL)
		cli_die("--tz: %s", err);
	f->tz_arg = arg;
}

/* "HH:MM" (hours of one or two digits, 00-24, 24:00 only as an end) at
 * *s into minutes of the day; advances *s.  -1 if it is not one. */
static int
clock_minutes(const char **s, int end)
{
	const char *p = *s;
	int h = 0, m, k;

	for (k = 0; k < 2 && *p >= '0' && *p <= '9'; k++)
		h = h * 10 + (*p++ - '0');
	if (k == 0 || *p != ':' || p[1] < '0' || p[1] > '5' ||
	    p[2] < '0' || p[2] > '9')
		return -1;
	m = (p[1] - '0') * 10 + (p[2] - '0');
	if (h > 24 || (h == 24 && (m != 0 || !end)))
		return -1;
	*s = p + 3;
	return h * 60 + m;
}

/* One range "HH:MM-HH:MM" at *p into [*lo, *hi) minutes, advancing *p
 * to the ',' or end after it; dies naming opt otherwise. */
static void
hour_range(const char *opt, const char *arg, const char **p, int *lo,
    int *hi)
{
	if ((*lo = clock_minutes(p, 0)) < 0 || *(*p)++ != '-' ||
	    (*hi = clock_minutes(p, 1)) < 0 || (**p != ',' && **p != '\0'))
		cli_die("%s: \"%s\" is not a time of day range (like "
		    "09:00-17:00, or 22:00-06:00 across midnight)", opt, arg);
}

void
cli_parse_hours(const char *opt, const char *arg, int *lo, int *hi)
{
	const char *p = arg;

	hour_range(opt, arg, &p, lo, hi);
	if (*p != '\0')
		cli_die("%s: \"%s\": one range only", opt, arg);
}

void
cli_filter_hours(struct cli_filter *f, const char *arg)
{
	const char *p = arg;
	int lo, hi;

	for (;;) {
		hour_range("--hours", arg, &p, &lo, &hi);
		if (f->nhours == CLI_FILTER_MAX_HOURS)
			cli_die("--hours: more than %d ranges",
			    CLI_FILTER_MAX_HOURS);
		f->hours[f->nhours].lo = lo;
		f->hours[f->nhours].hi = hi == 24 * 60 ? 0 : hi;
		f->nhours++;
		if (*p == '\0')
			break;
		p++;
	}
}

/* A day's name, three letters or in full, any case: 0 Sunday .. 6, or -1. */
static int
day_parse(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < 7; i++) {
		if (n != 3 && n != strlen(day_names[i]))
			continue;
		for (k = 0; k < n; k++)
			if ((s[k] | 0x20) != day_names[i][k])
				break;
		if (k == n)
			return (int)i;
	}
	return -1;
}

void
cli_filter_weekdays(struct cli_filter *f, const char *arg)
{
	f->weekdays |= cli_parse_weekdays("--weekdays", arg);
}

unsigned
cli_parse_weekdays(const char *opt, const char *arg)
{
	const char *p = arg;
	unsigned set = 0;
	size_t n, a;
	int d1, d2;

	for (;;) {
		n = strcspn(p, ",");
		a = strcspn(p, "-");
		if (a < n) {
			d1 = day_parse(p, a);
			d2 = day_parse(p + a + 1, n - a - 1);
		} else {
			d1 = d2 = day_parse(p, n);
		}
		if (d1 < 0 || d2 < 0)
			cli_die("%s: \"%.*s\" is not a day or a range of "
			    "days (like Sat,Sun or Mon-Fri)", opt, (int)n, p);
		/* A range goes forward through the week: Fri-Mon is four
		 * days. */
		for (;;) {
			set |= 1u << d1;
			if (d1 == d2)
				break;
			d1 = (d1 + 1) % 7;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	return set;
}

int64_t
cli_now(void)
{
	const char *env = getenv("SESSIONLOG_NOW");
	struct timespec ts;
	int64_t us;
	char err[256];

	/* A fixed "now" makes relative times reproducible (tests). */
	if (env != NULL && *env != '\0') {
		if (sl_when_parse(env, "UTC", 0, &us, err, sizeof(err)) < 0)
			cli_die("SESSIONLOG_NOW: %s", err);
		return us;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --since and --until in the zone f->tz. */
static void
parse_times(struct cli_filter *f)
{
	const char *name = sl_tz_name(f->tz);
	char err[512];
	int64_t now;

	if (f->since_arg == NULL && f->until_arg == NULL)
		return;
	now = cli_now();
	if (f->since_arg != NULL && sl_when_parse(f->since_arg, name, now,
	    &f->since, err, sizeof(err)) < 0)
		cli_die("--since: %s", err);
	if (f->until_arg != NULL && sl_when_parse(f->until_arg, name, now,
	    &f->until, err, sizeof(err)) < 0)
		cli_die("--until: %s", err);
}

void
cli_filter_check(struct cli_filter *f)
{
	parse_times(f);
}

void
cli_filter_resolve(struct cli_filter *f, struct sl_case *c)
{
	char zone[256], err[512];
	int nz, uses;

	/* Whether a time of the run is read in the zone. */
	uses = f->since_arg != NULL || f->until_arg != NULL ||
	    f->nhours > 0 || f->weekdays != 0;
	if (f->tz_arg == NULL && c != NULL) {
		nz = sl_case_tz(c, zone, sizeof(zone));
		if (nz < 0)
			cli_die("%s", sl_case_error(c));
		if (nz == 1 && (f->tz = sl_tz_load(zone, err,
		    sizeof(err))) == NULL)
			cli_die("the zone the case was read in: %s", err);
		if (nz == 1 && uses && !sl_tz_is_utc(f->tz))
			cli_warn("times are read in %s, the zone of the case's "
			    "sources (--tz chooses another)", zone);
		if (nz > 1 && uses)
			cli_warn("the case's sources were read in different "
			    "zones; times are read in UTC (--tz chooses "
			    "another)");
	}
	parse_times(f);
}

int
cli_filter_clock(const struct cli_filter *f, int64_t t)
{
	struct sl_civil c;
	size_t i;
	int m;

	if (f->nhours == 0 && f->weekdays == 0)
		return 1;
	sl_time_civil(t, f->tz, &c);
	if (f->weekdays != 0 && !(f->weekdays & (1u << c.wday)))
		return 0;
	if (f->nhours == 0)
		return 1;
	m = c.hour * 60 + c.min;
	for (i = 0; i < f->nhours; i++) {
		int lo = f->hours[i].lo, hi = f->hours[i].hi;

		if (lo < hi ? m >= lo && m < hi : m >= lo || m < hi)
			return 1;
	}
	return 0;
}

int
cli_filter_event(const struct cli_filter *f, unsigned actions,
    unsigned outcomes, const struct sl_event *e)
{
	if (actions && (e->action < 0 || e->action >= 32 ||
	    !(actions & (1u << e->action))))
		return 0;
	if (outcomes && (e->outcome < 0 || e->outcome >= 32 ||
	    !(outcomes & (1u << e->outcome))))
		return 0;
	return cli_filter_clock(f, e->time);
}

const struct sl_tz *
cli_filter_print_tz(const struct cli_filter *f)
{
	return f->tz_arg != NULL ? f->tz : NULL;
}

/* ---- users, sets, lines -------------------------------------------------- */

char **
cli_read_lines(const char *path, int comments, size_t *n, size_t **lens)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char **v = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;

	*n = 0;
	if (lens != NULL)
		*lens = NULL;
	if (fp == NULL)
		cli_die("cannot open \"%s\": %s", path, strerror(errno));
	while ((len = getline(&line, &cap, fp)) >= 0) {
		size_t k = (size_t)len;

		while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
			line[--k] = '\0';
		if (comments) {
			size_t b = strspn(line, " \t");

			/* blank: a NUL byte is not blank */
			if (b == k || line[b] == '#')
				continue;
		}
		v = xrealloc(v, *n + 1, sizeof(*v));
		v[*n] = xrealloc(NULL, k + 1, 1);
		memcpy(v[*n], line, k + 1);
		if (lens != NULL) {
			*lens = xrealloc(*lens, *n + 1, sizeof(**lens));
			(*lens)[*n] = k;
		}
		(*n)++;
	}
	if (ferror(fp))
		cli_die("cannot read \"%s\": %s", path, strerror(errno));
	free(line);
	if (fp != stdin)
		fclose(fp);
	return v;
}

struct sl_watch *
cli_watch_load(char *const *paths, size_t n)
{
	struct sl_watch *w;
	char err[512];
	size_t i, had;

	if (n == 0)
		return NULL;
	if ((w = sl_watch_new()) == NULL)
		cli_die("out of memory");
	for (i = 0; i < n; i++) {
		had = sl_watch_count(w);
		if (sl_watch_load(w, paths[i], err, sizeof(err)) < 0)
			cli_die("watchlist %s", err);
		if (sl_watch_count(w) == had)
			cli_warn("watchlist \"%s\" has no entries", paths[i]);
	}
	return w;
}

unsigned
cli_parse_set(const char *opt, const char *arg,
    int (*parse)(const char *, size_t))
{
	unsigned set = 0;
	const char *p = arg;

	for (;;) {
		size_t n = strcspn(p, ",");
		int v = parse(p, n);

		if (v < 0)
			cli_die("%s: unknown value \"%.*s\"", opt, (int)n, p);
		set |= 1u << v;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	return set;
}

void
cli_users_add_name(struct cli_users *u, const char *name, size_t n)
{
	struct cli_name *v;

	u->v = xrealloc(u->v, u->n + 1, sizeof(*u->v));
	v = &u->v[u->n++];
	v->p = xrealloc(NULL, n + 1, 1);
	memcpy(v->p, name, n);
	v->p[n] = '\0';
	v->n = n;
}

/* A name of -u or of a line of its file, s[0..len): "NAME" in double
 * quotes is escaped, anything else is the name as it is, any byte. */
static void
quoted_name(const char *opt, const char *s, size_t len, const char *file,
    struct cli_name *out)
{
	const char *err;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"') {
		out->p = xrealloc(NULL, len + 1, 1);
		memcpy(out->p, s, len);
		out->p[len] = '\0';
		out->n = len;
		return;
	}
	if (cli_name_unquote(s, len, &out->p, &out->n, &err) == 0)
		return;
	/* s is as the user wrote it (up to a NUL byte in a file: a message
	 * is a C string). */
	if (file != NULL)
		cli_die("%s: \"%s\": %s: %s", opt, file, s, err);
	cli_die("%s: %s: %s (=NAME takes NAME as it is)", opt, s, err);
}

void
cli_name_arg(const char *opt, const char *arg, struct cli_name *out)
{
	/* a leading '=' is the escape that names a user whose name starts
	 * with '@', '=' or '"' */
	if (arg[0] == '=') {
		out->n = strlen(arg + 1);
		out->p = xrealloc(NULL, out->n + 1, 1);
		memcpy(out->p, arg + 1, out->n + 1);
		return;
	}
	quoted_name(opt, arg, strlen(arg), NULL, out);
}

void
cli_users_add(struct cli_users *u, const char *arg)
{
	char **v;
	size_t n, i, *lens;

	/* '@' reads a file */
	u->v = xrealloc(u->v, u->n + 1, sizeof(*u->v));
	if (arg[0] != '@') {
		cli_name_arg("-u", arg, &u->v[u->n++]);
		return;
	}
	v = cli_read_lines(arg + 1, 1, &n, &lens);
	/* No names must not mean every user (what no -u means): a list
	 * emptied by mistake would turn a query about a few officers into
	 * one about all of them. */
	if (n == 0)
		cli_die("\"%s\": no user names in it", arg + 1);
	u->v = xrealloc(u->v, u->n + n + 1, sizeof(*u->v));
	for (i = 0; i < n; i++) {
		quoted_name("-u", v[i], lens[i], arg + 1, &u->v[u->n++]);
		free(v[i]);
	}
	free(v);
	free(lens);
}

/* Two names in unsigned byte order, a prefix first. */
static int
cmp_name(const char *a, size_t an, const char *b, size_t bn)
{
	size_t k = an < bn ? an : bn;
	int d = k > 0 ? memcmp(a, b, k) : 0;

	if (d == 0)
		d = an < bn ? -1 : an > bn;
	return d;
}

static int
cmp_names(const void *a, const void *b)
{
	const struct cli_name *x = a, *y = b;

	return cmp_name(x->p, x->n, y->p, y->n);
}

void
cli_users_sort(struct cli_users *u)
{
	if (u->n > 1)
		qsort(u->v, u->n, sizeof(*u->v), cmp_names);
}

int
cli_users_want(const struct cli_users *u, const char *p, size_t n)
{
	size_t lo = 0, hi = u->n;

	if (u->n == 0)
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = cmp_name(u->v[mid].p, u->v[mid].n, p, n);

		if (d == 0)
			return 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void
cli_users_missing(const struct cli_users *u, struct sl_case *c)
{
	size_t nu = sl_case_user_count(c), i, k = 0;
	struct sl_str name;
	char *q;

	/* Both lists are sorted: one pass. */
	for (i = 0; i < u->n; i++) {
		const struct cli_name *w = &u->v[i];

		if (i > 0 && cmp_names(&u->v[i - 1], w) == 0)
			continue;
		while (k < nu && (name = sl_case_user(c, k),
		    cmp_name(w->p, w->n, name.p, name.n) > 0))
			k++;
		name = k < nu ? sl_case_user(c, k) : (struct sl_str){ "", 0 };
		if (k >= nu || cmp_name(w->p, w->n, name.p, name.n) != 0) {
			q = cli_name_quote(w->p, w->n);
			cli_warn("no events of user %s", q);
			free(q);
		}
	}
}

void
cli_users_release(struct cli_users *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		free(u->v[i].p);
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

int
cli_keep_event(void *arg, const struct sl_event *ev)
{
	const struct cli_keep *k = arg;

	return ev->time < k->until &&
	    cli_users_want(k->users, ev->user.p, ev->user.n);
}

/* ---- patterns ------------------------------------------------------------ */

void
cli_patterns_arg(struct cli_patterns *p, int opt, const char *arg)
{
	p->args = xrealloc(p->args, p->nargs + 1, sizeof(*p->args));
	p->opts = xrealloc(p->opts, p->nargs + 1, sizeof(*p->opts));
	p->args[p->nargs] = (char *)arg;
	p->opts[p->nargs++] = opt;
}

static void
cond_add(struct cli_patterns *p, int kind, int field, const char *pat,
    size_t n, const char *label)
{
	struct cli_cond *c;
	char err[512];
	int idx = 0;

	if (kind != CLI_COND_WATCH && (idx = sl_matcher_add(p->m, field, pat,
	    n, p->flags, err, sizeof(err))) < 0) {
		if (idx == -ENOMEM)
			cli_die("out of memory");
		cli_die("bad pattern \"%.*s\": %s", (int)(n > 200 ? 200 : n),
		    pat, err);
	}
	p->conds = xrealloc(p->conds, p->nconds + 1, sizeof(*p->conds));
	c = &p->conds[p->nconds++];
	c->kind = kind;
	c->field = field;
	c->idx = (size_t)idx;
	c->pat = xrealloc(NULL, n + 1, 1);
	memcpy(c->pat, pat, n);
	c->pat[n] = '\0';
	c->label = label != NULL ? xstrdup(label) : NULL;
	if (kind == CLI_COND_FIELD)
		p->nfield++;
	else
		p->npat++;
}

void
cli_patterns_compile(struct cli_patterns *p)
{
	size_t i, k, n, *lens;
	char **v;

	if (p->m == NULL && (p->m = sl_matcher_new()) == NULL)
		cli_die("out of memory");
	for (i = 0; i < p->nargs; i++) {
		const char *a = p->args[i], *eq;
		int field;

		switch (p->opts[i]) {
		case 'e':
			cond_add(p, CLI_COND_PAT, SL_FIELD_TEXT, a, strlen(a),
			    NULL);
			break;
		case 'f':
			v = cli_read_lines(a, 0, &n, &lens);
			for (k = 0; k < n; k++) {
				/* A pattern is a C string from here on: a NUL
				 * would cut it short and widen the search. */
				if (memchr(v[k], '\0', lens[k]) != NULL)
					cli_die("-f \"%s\": line %zu holds a "
					    "NUL byte: write it as \\x00", a,
					    k + 1);
				cond_add(p, CLI_COND_PAT, SL_FIELD_TEXT, v[k],
				    lens[k], NULL);
				free(v[k]);
			}
			free(v);
			free(lens);
			break;
		case 'k':
			if ((eq = strchr(a, '=')) == NULL ||
			    (field = sl_field_parse(a, (size_t)(eq - a))) < 0)
				cli_die("-k: \"%s\" is not FIELD=PATTERN with "
				    "one of the event fields", a);
			if (field == SL_FIELD_RAW)
				p->need_raw = 1;
			cond_add(p, CLI_COND_FIELD, field, eq + 1,
			    strlen(eq + 1), NULL);
			break;
		}
	}
	free(p->args);
	free(p->opts);
	p->args = NULL;
	p->opts = NULL;
	p->nargs = 0;
}

void
cli_patterns_watch(struct cli_patterns *p, size_t idx, const char *entry)
{
	cond_add(p, CLI_COND_WATCH, 0, entry, strlen(entry), entry);
	p->conds[p->nconds - 1].idx = idx;
}

struct sl_matcher *
cli_patterns_matcher(const struct cli_patterns *p)
{
	struct sl_matcher *m;
	char err[512];
	size_t i;

	if ((m = sl_matcher_new()) == NULL)
		cli_die("out of memory");
	/* The patterns compiled once already: only memory can fail. */
	for (i = 0; i < p->nconds; i++)
		if (p->conds[i].kind != CLI_COND_WATCH &&
		    sl_matcher_add(m, p->conds[i].field, p->conds[i].pat,
		    strlen(p->conds[i].pat), p->flags, err, sizeof(err)) < 0)
			cli_die("out of memory");
	return m;
}

int
cli_patterns_hit(const struct cli_patterns *p, struct sl_matcher *m,
    size_t c, const struct sl_event *ev, int *err)
{
	int rc = sl_matcher_test(m, p->conds[c].idx, ev);

	if (rc < 0) {
		if (*err == 0)
			*err = rc;
		return 0;
	}
	return rc;
}

int
cli_patterns_test(const struct cli_patterns *p, struct sl_matcher *m,
    const struct sl_event *ev, int anyp, int *err)
{
	size_t c;

	if (p->npat == 0)
		anyp = 1;
	for (c = 0; c < p->nconds; c++)
		switch (p->conds[c].kind) {
		case CLI_COND_PAT:
			if (!anyp && cli_patterns_hit(p, m, c, ev, err))
				anyp = 1;
			break;
		case CLI_COND_FIELD:
			if (!cli_patterns_hit(p, m, c, ev, err))
				return 0;
			break;
		}
	return anyp;
}

void
cli_patterns_release(struct cli_patterns *p)
{
	size_t i;

	for (i = 0; i < p->nconds; i++) {
		free(p->conds[i].pat);
		free(p->conds[i].label);
	}
	free(p->conds);
	free(p->args);
	free(p->opts);
	sl_matcher_free(p->m);
	memset(p, 0, sizeof(*p));
}
