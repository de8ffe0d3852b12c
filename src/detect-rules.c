/*
 * detect-rules.c: rules files (sessionlog(5), RULES FILES): the settings,
 * base levels and switches of the rules, and simple rules of a file's
 * own: events whose fields match patterns, so many of them within a time
 * window per user.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect.h"

#define MAX_TOKENS 8
#define COUNT_MAX 100000	/* events a rule may ask for in its window */
#define DEFAULT_WINDOW 3600	/* s: without "count", matching events less
				 * than an hour apart are one alert */

/* ---- a rules file's own rules ------------------------------------------ */

/* A pseudo-field of patterns: the effective purpose (the cursor's). */
#define FIELD_EPURPOSE (-2)

struct cpat {
	size_t idx;		/* in the rule's matcher */
	int negate;		/* "except": the event must not match */
	int effective;		/* on the effective purpose */
};

struct crule {
	struct det_rule rule;
	char *name;
	char *desc;		/* one line, or NULL */
	struct det_param params[3];
	struct sl_matcher *m;
	struct cpat *pats;
	size_t npats;
};

/* One alert to be: matching events each within the window of the one
 * before, of which at least count fell within one window. */
struct cinc {
	int64_t start, last;
	uint64_t events, max;
	struct det_evid ev;
};

struct cstate {
	const struct crule *r;
	int rule;
	struct sl_match_scratch *sc;
	/* The matching events within the last window: their times, and
	 * while no alert is open their evidence (fewer than count). */
	int64_t *t;
	struct det_evid *pend;
	size_t head, n, cap;
	int open;
	struct cinc cur;
	struct cinc *inc;
	size_t ninc, capinc;
};

static int
c_init(const struct sl_detect *d, int rule, void *arg)
{
	struct cstate *cs = arg;

	cs->r = d->rules[rule]->arg;
	cs->rule = rule;
	return 0;
}

static void
inc_release(struct cinc *c)
{
	det_evid_release(&c->ev);
}

/* Forget the window's first event. */
static void
pop(struct cstate *cs)
{
	if (!cs->open)
		det_evid_release(&cs->pend[cs->head]);
	cs->head++;
}

static int
push(struct cstate *cs, int64_t t, const struct sl_event *ev,
    struct sl_str session)
{
	if (cs->head > 0 && cs->head == cs->n)
		cs->head = cs->n = 0;
	if (cs->n == cs->cap) {
		if (cs->head > 0) {
			/* Move the window down instead of growing. */
			memmove(cs->t, cs->t + cs->head,
			    (cs->n - cs->head) * sizeof(*cs->t));
			memmove(cs->pend, cs->pend + cs->head,
			    (cs->n - cs->head) * sizeof(*cs->pend));
			cs->n -= cs->head;
			cs->head = 0;
		} else {
			size_t cap = cs->cap ? cs->cap * 2 : 16;
			int64_t *v = realloc(cs->t, cap * sizeof(*v));
			struct det_evid *e;

			if (v == NULL)
				return -ENOMEM;
			cs->t = v;
			if ((e = realloc(cs->pend, cap * sizeof(*e))) == NULL)
				return -ENOMEM;
			cs->pend = e;
			cs->cap = cap;
		}
	}
	cs->t[cs->n] = t;
	memset(&cs->pend[cs->n], 0, sizeof(cs->pend[cs->n]));
	cs->n++;
	if (cs->open)
		return det_evid_add(&cs->cur.ev, ev, session);
	return det_evid_add(&cs->pend[cs->n - 1], ev, session);
}

/* The open alert is complete: keep it. */
static int
close_inc(struct cstate *cs)
{
	if (!cs->open)
		return 0;
	if (cs->ninc == cs->capinc) {
		size_t cap = cs->capinc ? cs->capinc * 2 : 4;
		struct cinc *v = realloc(cs->inc, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		cs->inc = v;
		cs->capinc = cap;
	}
	cs->inc[cs->ninc++] = cs->cur;
	memset(&cs->cur, 0, sizeof(cs->cur));
	cs->open = 0;
	return 0;
}

/* Whether every pattern of the rule holds for the step's event; a match
 * that runs out of its budget counts as none. */
static int
matches(struct cstate *cs, const struct sl_step *st)
{
	const struct crule *r = cs->r;
	struct sl_event ev = *st->ev, eff;
	size_t i;
	int rc;

	/* The session as the cursor names it (derived ones too), as
	 * grep-sessions -k sees it. */
	ev.session = st->session;
	eff = ev;
	eff.purpose = st->purpose;
	for (i = 0; i < r->npats; i++) {
		rc = sl_matcher_test_with(r->m, r->pats[i].idx,
		    r->pats[i].effective ? &eff : &ev, cs->sc);
		if (rc == -ENOMEM)
			return rc;
		if ((rc > 0) == r->pats[i].negate)
			return 0;
	}
	return 1;
}

static int
c_add(const struct sl_detect *d, struct det_user *u, void *arg,
    const struct sl_step *st)
{
	struct cstate *cs = arg;
	const struct sl_event *ev = st->ev;
	int64_t window, t = ev->time;
	uint64_t count;
	size_t i;
	int rc;

	(void)u;
	if (!st->in_range || (ev->flags & SL_EV_BACKEND) ||
	    !det_judged(d, t))
		return 0;
	if (cs->r->npats > 0 && cs->sc == NULL &&
	    (cs->sc = sl_match_scratch_new()) == NULL)
		return -ENOMEM;
	if ((rc = matches(cs, st)) <= 0)
		return rc;
	window = (int64_t)(det_param(d, cs->rule, "window") * 1e6);
	count = (uint64_t)det_param(d, cs->rule, "count");
	if (count < 1)
		count = 1;
	if (cs->open && t - cs->cur.last > window && (rc = close_inc(cs)) < 0)
		return rc;
	while (cs->head < cs->n && cs->t[cs->head] < t - window)
		pop(cs);
	if ((rc = push(cs, t, ev, st->session)) < 0)
		return rc;
	if (cs->open) {
		cs->cur.last = t;
		cs->cur.events++;
		if (cs->n - cs->head > cs->cur.max)
			cs->cur.max = cs->n - cs->head;
	} else if (cs->n - cs->head >= count) {
		/* An alert opens with the first event of the window that
		 * holds enough of them: its id comes from that event. */
		memset(&cs->cur, 0, sizeof(cs->cur));
		for (i = cs->head; i < cs->n; i++) {
			if (det_evid_merge(&cs->cur.ev, &cs->pend[i]) < 0)
				return -ENOMEM;
			det_evid_release(&cs->pend[i]);
		}
		cs->cur.start = cs->t[cs->head];
		cs->cur.last = t;
		cs->cur.events = cs->cur.max = cs->n - cs->head;
		cs->open = 1;
	}
	return 0;
}

static void
window_release(struct cstate *cs)
{
	size_t i;

	for (i = cs->head; !cs->open && i < cs->n; i++)
		det_evid_release(&cs->pend[i]);
	free(cs->t);
	free(cs->pend);
	cs->t = NULL;
	cs->pend = NULL;
	cs->head = cs->n = cs->cap = 0;
	sl_match_scratch_free(cs->sc);
	cs->sc = NULL;
}

static int
c_end(const struct sl_detect *d, struct det_user *u, void *arg)
{
	struct cstate *cs = arg;

	(void)d;
	(void)u;
	/* Only the alerts are kept past the user's last event. */
	window_release(cs);
	return close_inc(cs);
}

static void
c_release(void *arg)
{
	struct cstate *cs = arg;
	size_t i;

	window_release(cs);
	if (cs->open)
		inc_release(&cs->cur);
	for (i = 0; i < cs->ninc; i++)
		inc_release(&cs->inc[i]);
	free(cs->inc);
}

static int
c_run(struct sl_detect *d, int rule)
{
	const struct crule *r = d->rules[rule]->arg;
	double count = det_param(d, rule, "count");
	int64_t window = (int64_t)(det_param(d, rule, "window") * 1e6);
	char win[SL_DURATION_LEN], span[SL_DURATION_LEN];
	size_t ui, i;

	if (count < 1)
		count = 1;
	if (sl_duration_format(window, win, sizeof(win)) < 0)
		win[0] = '\0';
	for (ui = 0; ui < d->nusers; ui++) {
		struct det_user *u = d->users[ui];
		struct cstate *cs = u->state[rule];

		for (i = 0; i < cs->ninc; i++) {
			const struct cinc *c = &cs->inc[i];

			if (sl_duration_format(c->last - c->start, span,
			    sizeof(span)) < 0)
				span[0] = '\0';
			if (det_emit(d, rule, u, 0, c->start, c->last,
			    (double)c->max, count, count, &c->ev,
			    "%s: %llu matching event%s within %s (the rule "
			    "asks for %.0f); %llu in all over %s",
			    r->desc != NULL ? r->desc : r->name,
			    (unsigned long long)c->max, c->max == 1 ? "" : "s",
			    win, count, (unsigned long long)c->events,
			    span) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static void
crule_destroy(struct det_rule *dr)
{
	struct crule *r = (struct crule *)dr;

	if (r == NULL)
		return;
	free(r->name);
	free(r->desc);
	free(r->pats);
	sl_matcher_free(r->m);
	free(r);
}

static struct crule *
crule_new(const char *name, size_t n)
{
	struct crule *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->name = sl_strndup(name, n)) == NULL ||
	    (r->m = sl_matcher_new()) == NULL) {
		crule_destroy(&r->rule);
		return NULL;
	}
	r->params[0].name = "count";
	r->params[0].value = 1;
	r->params[0].unit = DET_COUNT;
	r->params[1].name = "window";
	r->params[1].value = DEFAULT_WINDOW;
	r->params[1].unit = DET_SECONDS;
	r->rule.name = r->name;
	r->rule.level = SL_LEVEL_MEDIUM;
	r->rule.params = r->params;
	r->rule.size = sizeof(struct cstate);
	/* A window of the user's own events: no one else's. */
	r->rule.alone = 1;
	r->rule.init = c_init;
	r->rule.add = c_add;
	r->rule.end = c_end;
	r->rule.run = c_run;
	r->rule.release = c_release;
	r->rule.arg = r;
	r->rule.destroy = crule_destroy;
	return r;
}

/* ---- reading the file ---------------------------------------------------- */

struct tok {
	const char *p;
	size_t n;
};

struct rparser {
	struct sl_detect *d;
	const char *path;
	unsigned long lineno;
	struct tok t[MAX_TOKENS];
	size_t nt;
	struct sl_buf sbuf;	/* decoded strings */
	struct crule *cur;	/* the rule being read, or NULL */
	unsigned long cur_line;
};

SL_PRINTF(2, 3) static int
perr(struct rparser *ps, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->d->err, sizeof(ps->d->err), "%s:%lu: %s", ps->path,
	    ps->lineno, msg);
	return -EINVAL;
}

/* Tokens of a line, as in the profile language: words separated by
 * blanks, strings in double quotes (\" a quote, \\ a backslash, other
 * backslashes as they are), '#' outside a string to the end of the line
 * a comment. */
static int
lex(struct rparser *ps, const char *p, const char *e)
{
	size_t offs[MAX_TOKENS];
	size_t i;

	ps->nt = 0;
	sl_buf_reset(&ps->sbuf);
	while (p < e) {
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
			continue;
		}
		if (*p == '#')
			break;
		if (ps->nt == MAX_TOKENS)
			return perr(ps, "too many words in a line");
		offs[ps->nt] = ps->sbuf.n;
		if (*p == '"') {
			for (p++;; p++) {
				if (p >= e)
					return perr(ps, "unterminated string");
				if (*p == '"')
					break;
				if (*p == '\\' && p + 1 < e &&
				    (p[1] == '"' || p[1] == '\\'))
					p++;
				if (sl_buf_addc(&ps->sbuf, *p) < 0)
					return -ENOMEM;
			}
			p++;
		} else {
			while (p < e && *p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != '"' && *p != '#')
				if (sl_buf_addc(&ps->sbuf, *p++) < 0)
					return -ENOMEM;
		}
		ps->t[ps->nt].n = ps->sbuf.n - offs[ps->nt];
		if (sl_buf_addc(&ps->sbuf, '\0') < 0)
			return -ENOMEM;
		ps->nt++;
	}
	/* The buffer has stopped moving: point into it. */
	for (i = 0; i < ps->nt; i++)
		ps->t[i].p = ps->sbuf.p + offs[i];
	return 0;
}

static int
is(const struct tok *t, const char *s)
{
	return t->n == strlen(s) && memcmp(t->p, s, t->n) == 0;
}

/* A size: a number and a unit, B (or none), kB MB GB TB PB (powers of
 * 1000, as the alerts print them), KiB MiB GiB TiB (powers of 1024). */
static int
parse_size(const char *s, double *v)
{
	static const struct { const char *u; double m; } units[] = {
		{ "", 1 }, { "b", 1 }, { "kb", 1e3 }, { "mb", 1e6 },
		{ "gb", 1e9 }, { "tb", 1e12 }, { "pb", 1e15 },
		{ "kib", 1024.0 }, { "mib", 1048576.0 },
		{ "gib", 1073741824.0 }, { "tib", 1099511627776.0 },
	};
	char *end;
	size_t i;
	double x;

	if (*s < '0' || *s > '9')
		return -1;
	x = strtod(s, &end);
	for (i = 0; i < SL_ARRAY_LEN(units); i++)
		if (strcasecmp(end, units[i].u) == 0) {
			*v = x * units[i].m;
			return isfinite(*v) ? 0 : -1;
		}
	return -1;
}

/* The value of a setting, by its unit; an error names the setting. */
static int
parse_value(struct rparser *ps, const struct det_param *p, const char *s,
    double *v)
{
	char *end;
	int64_t us;

	switch (p->unit) {
	case DET_SECONDS:
		if (sl_duration_parse(s, &us) < 0)
			return perr(ps, "%s: \"%s\" is not a duration (like "
			    "90s, 5m, 1h30m, 2d)", p->name, s);
		*v = (double)us / 1e6;
		return 0;
	case DET_BYTES:
		if (parse_size(s, v) < 0)
			return perr(ps, "%s: \"%s\" is not a size (like "
			    "500MB, 1GB, 2GiB)", p->name, s);
		return 0;
	case DET_SHARE:
		*v = strtod(s, &end);
		if (end != s && strcmp(end, "%") == 0)
			*v /= 100;
		else if (end == s || *end != '\0')
			*v = -1;
		if (!(*v >= 0 && *v <= 1))
			return perr(ps, "%s: \"%s\" is not a share (0 to 1, "
			    "or 0%% to 100%%)", p->name, s);
		return 0;
	case DET_COUNT:
		*v = strtod(s, &end);
		if (end == s || *end != '\0' || !(*v >= 0) || *v > 1e15 ||
		    *v != (double)(int64_t)*v || *s < '0' || *s > '9')
			return perr(ps, "%s: \"%s\" is not a whole number",
			    p->name, s);
		return 0;
	default:
		*v = strtod(s, &end);
		if (end == s || *end != '\0' || !isfinite(*v))
			return perr(ps, "%s: \"%s\" is not a number", p->name,
			    s);
		return 0;
	}
}

static int
find_rule(struct rparser *ps, const struct tok *t)
{
	int i = det_rule_find(ps->d, t->p);

	if (i < 0)
		return perr(ps, "no rule \"%s\"", t->p);
	return i;
}

static int
parse_level(struct rparser *ps, const struct tok *t)
{
	int lv = sl_level_parse(t->p, t->n);

	if (lv < 0)
		return perr(ps, "\"%s\" is not a level (info, low, medium, "
		    "high, critical)", t->p);
	return lv;
}

/* set RULE SETTING VALUE */
static int
do_set(struct rparser *ps)
{
	const struct det_rule *r;
	struct sl_buf names = { NULL, 0, 0 };
	size_t k;
	int i, rc;
	double v;

	if (ps->nt != 4)
		return perr(ps, "set: give a rule, a setting and a value");
	if ((i = find_rule(ps, &ps->t[1])) < 0)
		return i;
	r = ps->d->rules[i];
	for (k = 0; r->params != NULL && r->params[k].name != NULL; k++)
		if (is(&ps->t[2], r->params[k].name))
			break;
	if (r->params == NULL || r->params[k].name == NULL) {
		for (k = 0; r->params != NULL && r->params[k].name != NULL;
		    k++)
			if (sl_buf_printf(&names, "%s%s", k ? ", " : "",
			    r->params[k].name) < 0) {
				sl_buf_release(&names);
				return -ENOMEM;
			}
		rc = perr(ps, "rule \"%s\" has no setting \"%s\" (%s%s)",
		    r->name, ps->t[2].p, names.n ? "it has " : "it has none",
		    names.n ? names.p : "");
		sl_buf_release(&names);
		return rc;
	}
	if ((rc = parse_value(ps, &r->params[k], ps->t[3].p, &v)) < 0)
		return rc;
	ps->d->param[i][k] = v;
	return 0;
}

static int
valid_name(const struct tok *t)
{
	size_t i;

	if (t->n == 0 || t->n > 64)
		return 0;
	for (i = 0; i < t->n; i++) {
		unsigned char c = (unsigned char)t->p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '-' || c == '_' || c == '.'))))
			return 0;
	}
	return 1;
}

/* match FIELD PATTERN, except FIELD PATTERN */
static int
do_match(struct rparser *ps, int negate)
{
	struct crule *r = ps->cur;
	struct cpat *v;
	char err[300];
	int field, idx;

	if (ps->nt != 3)
		return perr(ps, "%s: give a field and a pattern",
		    negate ? "except" : "match");
	if (is(&ps->t[1], "text"))
		field = SL_FIELD_TEXT;
	else if (is(&ps->t[1], "effective_purpose"))
		field = FIELD_EPURPOSE;
	else if ((field = sl_field_parse(ps->t[1].p, ps->t[1].n)) < 0)
		return perr(ps, "no field \"%s\" (the event fields of "
		    "grep-sessions -k, text, effective_purpose)", ps->t[1].p);
	idx = sl_matcher_add(r->m, field == FIELD_EPURPOSE ?
	    SL_FIELD_PURPOSE : field, ps->t[2].p, ps->t[2].n, 0, err,
	    sizeof(err));
	if (idx == -ENOMEM)
		return idx;
	if (idx < 0)
		return perr(ps, "bad pattern \"%.*s\": %s",
		    (int)(ps->t[2].n > 100 ? 100 : ps->t[2].n), ps->t[2].p,
		    err);
	if ((v = realloc(r->pats, (r->npats + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	r->pats = v;
	v[r->npats].idx = (size_t)idx;
	v[r->npats].negate = negate;
	v[r->npats].effective = field == FIELD_EPURPOSE;
	r->npats++;
	return 0;
}

/* A line inside "rule NAME" ... "end". */
static int
rule_line(struct rparser *ps)
{
	struct crule *r = ps->cur;
	const struct tok *t = ps->t;
	int rc, lv;

	if (is(&t[0], "end")) {
		if (ps->nt != 1)
			return perr(ps, "end: nothing after it");
		ps->cur = NULL;
		if ((rc = det_add_rule(ps->d, &r->rule)) < 0)
			return rc == -EBUSY ? perr(ps, "rules are read "
			    "before the users") : rc;
		return 0;
	}
	if (is(&t[0], "description")) {
		if (ps->nt != 2)
			return perr(ps, "description: give one string (in "
			    "double quotes)");
		free(r->desc);
		if ((r->desc = sl_strndup(t[1].p, t[1].n)) == NULL)
			return -ENOMEM;
		return 0;
	}
	if (is(&t[0], "level")) {
		if (ps->nt != 2)
			return perr(ps, "level: give a level");
		if ((lv = parse_level(ps, &t[1])) < 0)
			return lv;
		r->rule.level = lv;
		return 0;
	}
	if (is(&t[0], "match") || is(&t[0], "except"))
		return do_match(ps, is(&t[0], "except"));
	if (is(&t[0], "count")) {
		double n, w;

		if (ps->nt != 4 || !is(&t[2], "within"))
			return perr(ps, "count: give \"count N within "
			    "DURATION\"");
		if ((rc = parse_value(ps, &r->params[0], t[1].p, &n)) < 0)
			return rc;
		if (n < 1 || n > COUNT_MAX)
			return perr(ps, "count: %s is out of range (1 to %d)",
			    t[1].p, COUNT_MAX);
		if ((rc = parse_value(ps, &r->params[1], t[3].p, &w)) < 0)
			return rc;
		if (w <= 0)
			return perr(ps, "within: the window must be longer "
			    "than 0");
		r->params[0].value = n;
		r->params[1].value = w;
		return 0;
	}
	if (is(&t[0], "rule"))
		return perr(ps, "rule inside rule \"%s\" (\"end\" it first)",
		    r->name);
	return perr(ps, "\"%s\" is not a line of a rule (description, level, "
	    "match, except, count, end)", t[0].p);
}

static int
line(struct rparser *ps)
{
	const struct tok *t = ps->t;
	int i, lv;

	if (ps->cur != NULL)
		return rule_line(ps);
	if (is(&t[0], "set"))
		return do_set(ps);
	if (is(&t[0], "level")) {
		if (ps->nt != 3)
			return perr(ps, "level: give a rule and a level");
		if ((i = find_rule(ps, &t[1])) < 0)
			return i;
		if ((lv = parse_level(ps, &t[2])) < 0)
			return lv;
		ps->d->level[i] = lv;
		return 0;
	}
	if (is(&t[0], "disable") || is(&t[0], "enable")) {
		if (ps->nt != 2)
			return perr(ps, "%s: give a rule", t[0].p);
		if ((i = find_rule(ps, &t[1])) < 0)
			return i;
		ps->d->disabled[i] = is(&t[0], "disable");
		return 0;
	}
	if (is(&t[0], "rule")) {
		if (ps->nt != 2)
			return perr(ps, "rule: give its name");
		if (!valid_name(&t[1]))
			return perr(ps, "\"%s\" is not a rule name (lower-case "
			    "letters and digits, then also '-', '_', '.')",
			    t[1].p);
		if (det_rule_find(ps->d, t[1].p) >= 0)
			return perr(ps, "rule \"%s\": there is a rule of that "
			    "name", t[1].p);
		if ((ps->cur = crule_new(t[1].p, t[1].n)) == NULL)
			return -ENOMEM;
		ps->cur_line = ps->lineno;
		return 0;
	}
	if (is(&t[0], "description") || is(&t[0], "match") ||
	    is(&t[0], "except") || is(&t[0], "count") || is(&t[0], "end"))
		return perr(ps, "\"%s\" outside a rule", t[0].p);
	return perr(ps, "\"%s\" is not a directive (set, level, disable, "
	    "enable, rule)", t[0].p);
}

int
sl_detect_load_rules(struct sl_detect *d, const char *path)
{
	struct rparser ps;
	FILE *fp;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	memset(&ps, 0, sizeof(ps));
	ps.d = d;
	ps.path = path;
	d->err[0] = '\0';
	if (d->started) {
		snprintf(d->err, sizeof(d->err), "%s: rules are read before "
		    "the users", path);
		return -EBUSY;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		rc = -errno;
		snprintf(d->err, sizeof(d->err), "%s: %s", path,
		    strerror(errno));
		return rc;
	}
	while ((len = getline(&buf, &cap, fp)) > 0) {
		ps.lineno++;
		if (buf[len - 1] == '\n')
			len--;
		if (memchr(buf, '\0', (size_t)len) != NULL) {
			rc = perr(&ps, "a NUL byte: not a text file");
			break;
		}
		if ((rc = lex(&ps, buf, buf + len)) < 0)
			break;
		if (ps.nt > 0 && (rc = line(&ps)) < 0)
			break;
	}
	if (rc == 0 && ferror(fp)) {
		rc = -EIO;
		snprintf(d->err, sizeof(d->err), "%s: %s", path,
		    strerror(EIO));
	}
	if (rc == 0 && ps.cur != NULL) {
		ps.lineno = ps.cur_line;
		rc = perr(&ps, "rule \"%s\" has no \"end\"", ps.cur->name);
	}
	if (rc == -ENOMEM && d->err[0] == '\0')
		snprintf(d->err, sizeof(d->err), "%s: %s", path,
		    strerror(ENOMEM));
	if (ps.cur != NULL)
		crule_destroy(&ps.cur->rule);
	sl_buf_release(&ps.sbuf);
	free(buf);
	fclose(fp);
	return rc;
}
