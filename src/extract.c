/* extract.c: events extracted from JSON, CSV, TSV and key=value records */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

#define CUT_REASON "record cut short (data lost, or the log ends inside it)"

/* ---- extraction -------------------------------------------------------- */

void
sl_extractor_counts(const struct sl_extractor *x, struct sl_extract_counts *c)
{
	*c = x->counts;
}

void
sl_extractor_free(struct sl_extractor *x)
{
	size_t i;

	if (x == NULL)
		return;
	sl_profile_free(x->extra);
	for (i = 0; i < F__COUNT; i++) {
		free(x->fr[i]);
		sl_buf_release(&x->fb[i]);
	}
	sl_evalctx_release(&x->cx);
	free(x->lset);
	sl_json_release(&x->j);
	sl_fields_release(&x->f);
	free(x->colidx);
	for (i = 0; i < x->aqcap; i++) {
		sl_buf_release(&x->aq[i].raw);
		sl_buf_release(&x->aq[i].key);
	}
	free(x->aq);
	sl_buf_release(&x->araw);
	sl_buf_release(&x->akey);
	sl_buf_release(&x->atmp);
	sl_buf_release(&x->aexec);
	sl_buf_release(&x->atitle);
	sl_buf_release(&x->ubuf);
	free(x->utab);
	sl_buf_release(&x->scope);
	sl_buf_release(&x->mbuf);
	sl_buf_release(&x->problem);
	free(x->mname);
	free(x->mval);
	free(x->moff);
	free(x);
}

static int
setup_rules(struct sl_extractor *x)
{
	const struct sl_profile *p = x->p, *e = x->extra;
	int over[F__COUNT] = { 0 };
	size_t i, f, k;

	for (i = 0; i < e->nrules; i++)
		over[e->rules[i].field] = 1;
	for (f = 0; f < F__COUNT; f++) {
		x->fr[f] = calloc(p->nrules + e->nrules + 1,
		    sizeof(*x->fr[f]));
		if (x->fr[f] == NULL)
			return -ENOMEM;
		k = 0;
		if (over[f]) {
			for (i = 0; i < e->nrules; i++)
				if (e->rules[i].field == (int)f)
					x->fr[f][k++] = &e->rules[i];
		} else {
			for (i = 0; i < p->nrules; i++)
				if (p->rules[i].field == (int)f)
					x->fr[f][k++] = &p->rules[i];
		}
		x->nfr[f] = k;
	}
	return 0;
}

struct sl_extractor *
sl_extractor_new(const struct sl_profile *p, const struct sl_extract_opts *o,
    char *err, size_t errlen)
{
	static const struct sl_extract_opts none = { 0 };
	struct sl_extractor *x;
	int r;

	if (o == NULL)
		o = &none;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		goto nomem;
	x->p = p;
	x->tz = p->tz != NULL ? p->tz : o->tz;
	x->year = o->year;
	x->ref = o->ref_time;
	x->near = o->near_time;
	if (sl_evalctx_init(&x->cx) < 0)
		goto nomem;
	if ((r = sl_compile_maps(x, o, err, errlen)) < 0) {
		if (r == -ENOMEM)
			goto nomem;
		sl_extractor_free(x);
		return NULL;
	}
	if (setup_rules(x) < 0)
		goto nomem;
	x->ncolidx = x->extra->npaths;
	if (x->ncolidx > 0 && (x->colidx = malloc(x->ncolidx *
	    sizeof(*x->colidx))) == NULL)
		goto nomem;
	return x;
nomem:
	sl_seterr(err, errlen, "out of memory");
	sl_extractor_free(x);
	return NULL;
}

static const char *
path_name(const struct sl_extractor *x, size_t id)
{
	if (id < x->p->npaths)
		return x->p->pathnames[id];
	return x->extra->pathnames[id];
}

/*
 * Can some time rule ever give a value with this header?  A literal can,
 * a path can when it names a column or when the row embeds a JSON record.
 * When none can, every row would be rejected for the same reason: say it
 * once, with the header's columns and the way out.
 */
static int
header_check(struct sl_extractor *x)
{
	const struct rule *ru;
	const struct term *t;
	struct sl_str s;
	size_t i, a;
	int r = 0;

	if (x->embedcol >= 0)
		return 0;
	for (i = 0; i < x->nfr[F_TIME]; i++) {
		ru = x->fr[F_TIME][i];
		for (a = 0; a < ru->nalt; a++) {
			t = &ru->alt[a];
			if (t->kind == T_LIT || (t->path.id < x->ncolidx &&
			    x->colidx[t->path.id] >= 0))
				return 0;
		}
	}
	x->notime = 1;
	sl_buf_reset(&x->problem);
	r |= sl_buf_adds(&x->problem, "no column gives the time: the header "
	    "has columns ");
	for (i = 0; i < x->f.n; i++) {
		if (x->problem.n > 400) {
			r |= sl_buf_adds(&x->problem, ", ...");
			break;
		}
		s = sl_header_name(x->f.value[i], i == 0);
		if (i > 0)
			r |= sl_buf_adds(&x->problem, ", ");
		r |= sl_buf_add(&x->problem, s.p, s.n > 64 ? 64 : s.n);
	}
	r |= sl_buf_adds(&x->problem, "; use --map time=COLUMN");
	return r < 0 ? -ENOMEM : 0;
}

static int
read_header(struct sl_extractor *x, const struct sl_record *rec,
    const char **reason)
{
	const char *err = NULL;
	size_t off = 0, i;
	int r;

	r = sl_split_delim(x->p->reader, rec->p, rec->n, &x->f, &err, &off);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		snprintf(x->reason, sizeof(x->reason),
		    "bad header at byte %zu: %s", off, err ? err : "?");
		*reason = x->reason;
		x->code = SL_REJECT_BAD_ROW;
		return -EBADMSG;
	}
	x->ncols = x->f.n;
	x->embedcol = x->p->embed == NULL ? -1 :
	    sl_header_find(&x->f, x->p->embed, strlen(x->p->embed));
	for (i = 0; i < x->ncolidx; i++) {
		const char *nm = path_name(x, i);

		x->colidx[i] = sl_header_find(&x->f, nm, strlen(nm));
	}
	x->have_header = 1;
	return header_check(x);
}

const char *
sl_extractor_problem(const struct sl_extractor *x)
{
	return x->problem.n > 0 ? x->problem.p : NULL;
}

static int
field_of(int f)
{
	switch (f) {
	case SL_FIELD_USER: return F_USER;
	case SL_FIELD_QUERY: return F_QUERY;
	case SL_FIELD_RESOURCE: return F_RESOURCE;
	case SL_FIELD_PURPOSE: return F_PURPOSE;
	case SL_FIELD_SRC: return F_SRC;
	case SL_FIELD_TRACE: return F_TRACE;
	case SL_FIELD_KIND: return F_KIND;
	case SL_FIELD_KEY: return F_KEY;
	default: return -1;
	}
}

int
sl_extractor_verbatim(const struct sl_extractor *x, unsigned mask)
{
	const struct rule *ru;
	size_t i, a;
	int f, g;

	/* A year from the records before: none may be left out. */
	if (x->ref == 0 && (x->p->timefmt == SL_TIME_SYSLOG ||
	    x->p->timefmt == SL_TIME_AUTO))
		return 0;
	for (f = 0; f < 32; f++) {
		if (!(mask & 1u << f))
			continue;
		if ((g = field_of(f)) < 0)
			return 0;
		for (i = 0; i < x->nfr[g]; i++) {
			ru = x->fr[g][i];
			if (ru->table >= 0)
				return 0;
			for (a = 0; a < ru->nalt; a++)
				if (ru->alt[a].kind == T_LIT ||
				    ru->alt[a].kind == T_LEN)
					return 0;
		}
	}
	return 1;
}

/* The last member name of every path that field g's rules take, each
 * name once, when each rule is a list of paths of member names (with
 * index, indexes and stars after a name as well): 1 with them in names
 * (borrowed), -1 when some rule is anything else (a table, a constant, a
 * length, after() or re(), without index an index or a star, a name a
 * JSON string writes with an escape, more than max names), 0 without
 * rules. */
static int
path_names(const struct sl_extractor *x, int g, struct sl_str *names,
    size_t max, size_t *n, int index)
{
	const struct rule *ru;
	const struct term *t;
	const struct seg *sg;
	size_t i, a, s, k;

	*n = 0;
	if (x->nfr[g] == 0)
		return 0;
	for (i = 0; i < x->nfr[g]; i++) {
		ru = x->fr[g][i];
		if (ru->table >= 0)
			return -1;
		for (a = 0; a < ru->nalt; a++) {
			t = &ru->alt[a];
			if (t->kind != T_PATH || t->path.nseg == 0)
				return -1;
			for (s = 0; s < t->path.nseg; s++)
				if (t->path.seg[s].kind != SEG_KEY && !index)
					return -1;
			/* The name an index or a star follows. */
			for (s = t->path.nseg; s > 0 &&
			    t->path.seg[s - 1].kind != SEG_KEY; s--)
				;
			if (s == 0)
				return -1;
			sg = &t->path.seg[s - 1];
			for (k = 0; k < sg->klen; k++)
				if ((unsigned char)sg->key[k] < 0x20 ||
				    sg->key[k] == '"' || sg->key[k] == '\\')
					return -1;
			if (sg->klen == 0)
				return -1;
			for (k = 0; k < *n && (names[k].n != sg->klen ||
			    memcmp(names[k].p, sg->key, sg->klen) != 0); k++)
				;
			if (k < *n)
				continue;	/* named already */
			if (*n == max)
				return -1;
			names[*n].p = sg->key;
			names[*n].n = sg->klen;
			(*n)++;
		}
	}
	return 1;
}

int
sl_extractor_key_names(const struct sl_extractor *x, struct sl_str *names,
    size_t max, size_t *n, struct sl_str *scope)
{
	int rc;

	*n = 0;
	if (x->nfr[F_KEY] == 0 || x->p->keyscope == KS_NONE)
		return 0;
	if (x->p->keyscope != KS_GLOBAL)
		return -1;
	if ((rc = path_names(x, F_KEY, names, max, n, 0)) <= 0)
		return rc;
	scope->p = x->p->family != NULL ? x->p->family : x->p->name;
	scope->n = strlen(scope->p);
	return 1;
}

int
sl_extractor_user_names(const struct sl_extractor *x, struct sl_str *names,
    size_t max, size_t *n)
{
	int rc = path_names(x, F_USER, names, max, n, 1);

	/* No rule: no event has a user to find. */
	return rc == 0 ? -1 : rc;
}

/*
 * A count or bytes value: a non-negative integer, written as digits or as
 * a JSON number whose fraction is zero or whose exponent makes it whole
 * (89.0, 1.2E4, 1e3), read with exact decimal arithmetic, never through a
 * double.  0 with *v set; 1 for a number with a real fraction (12.5, 1e-3),
 * which leaves the field unknown; -EINVAL for anything else, including a
 * negative number and a whole one above INT64_MAX (1E30).
 */
int
sl_parse_num(struct sl_str s, int64_t *v)
{
	const char *p = s.p, *e = s.p + s.n, *dig, *frac = NULL;
	size_t nint, nfrac = 0, i, ndig;
	int64_t exp = 0, point;
	uint64_t x = 0;
	int eneg = 0;

	while (p < e && *p == ' ')
		p++;
	dig = p;
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	if ((nint = (size_t)(p - dig)) == 0)
		return -EINVAL;
	if (p < e && *p == '.') {
		frac = ++p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if ((nfrac = (size_t)(p - frac)) == 0)
			return -EINVAL;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == e)
			return -EINVAL;
		for (; p < e && *p >= '0' && *p <= '9'; p++)
			if (exp < 100000)	/* beyond it, only the sign
						 * matters */
				exp = exp * 10 + (*p - '0');
	}
	if (p != e)
		return -EINVAL;
	/* The digits int||frac with the decimal point after "point" of
	 * them: those before it make the value, those after must be 0. */
	ndig = nint + nfrac;
	point = (int64_t)nint + (eneg ? -exp : exp);
	for (i = 0; i < ndig; i++) {
		char c = i < nint ? dig[i] : frac[i - nint];

		if ((int64_t)i >= point) {
			if (c != '0')
				return 1;
			continue;
		}
		if (x > ((uint64_t)INT64_MAX - (uint64_t)(c - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(c - '0');
	}
	/* Zeros the exponent adds after the digits. */
	for (; point > (int64_t)ndig && x != 0; point--) {
		if (x > (uint64_t)INT64_MAX / 10)
			return -EINVAL;
		x *= 10;
	}
	*v = (int64_t)x;
	return 0;
}

struct sl_str
sl_fb_str(const struct sl_buf *b)
{
	struct sl_str s;

	s.p = b->n > 0 ? b->p : "";
	s.n = b->n;
	return s;
}

/* Quote at most 40 bytes of s into dst, escaping what is not printable. */
static void
quote_short(char *dst, size_t dn, struct sl_str s)
{
	size_t i, o = 0, lim = s.n > 40 ? 40 : s.n;

	for (i = 0; i < lim && o + 5 < dn; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(dst + o, dn - o, "\\x%02x", c);
		} else {
			dst[o++] = (char)c;
		}
	}
	if (s.n > lim && o + 4 < dn) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

/*
 * The address of a source without its port, so that filters and
 * comparisons by address work whatever the log added: "203.0.113.7:28491"
 * and "host.example:443" lose ":PORT", "[2001:db8::1]:25138" and
 * "[2001:db8::1]" give "2001:db8::1".  Text with more than one colon
 * outside brackets is a bare IPv6 address ("2001:db8::1",
 * "::ffff:192.0.2.1") and stays as it is: its last group is no port.
 */
static struct sl_str
src_address(struct sl_str s)
{
	const char *c, *rb;
	size_t i, np;

	if (s.n > 2 && s.p[0] == '[') {
		rb = memchr(s.p, ']', s.n);
		if (rb == NULL || rb == s.p + 1)
			return s;
		np = s.n - (size_t)(rb + 1 - s.p);
		if (np > 0 && (rb[1] != ':' || np < 2 || np > 6))
			return s;
		for (i = 2; i <= np; i++)
			if (rb[i] < '0' || rb[i] > '9')
				return s;
		s.n = (size_t)(rb - s.p) - 1;
		s.p++;
		return s;
	}
	c = memchr(s.p, ':', s.n);
	if (c == NULL || c == s.p ||
	    memchr(c + 1, ':', s.n - (size_t)(c + 1 - s.p)) != NULL)
		return s;
	np = s.n - (size_t)(c + 1 - s.p);
	if (np == 0 || np > 5)
		return s;
	for (i = 1; i <= np; i++)
		if (c[i] < '0' || c[i] > '9')
			return s;
	s.n = (size_t)(c - s.p);
	return s;
}

/*
 * Where the event's key is unique: the profile's family, for keyscope host
 * with the host after '@'.  A key without a known scope (keyscope none, or
 * no host) is not compared across users.
 */
static int
key_scope(struct sl_extractor *x, struct sl_event *ev)
{
	const struct sl_profile *p = x->p;
	const char *fam = p->family != NULL ? p->family : p->name;
	struct sl_str host = sl_fb_str(&x->fb[F_HOST]);

	sl_buf_reset(&x->scope);
	ev->scope.p = NULL;
	ev->scope.n = 0;
	if (ev->key.n == 0 || p->keyscope == KS_NONE ||
	    (p->keyscope == KS_HOST && host.n == 0))
		return 1;
	if (sl_buf_add(&x->scope, fam, strlen(fam)) < 0 ||
	    (p->keyscope == KS_HOST && (sl_buf_addc(&x->scope, '@') < 0 ||
	    sl_buf_add(&x->scope, host.p, host.n) < 0)))
		return -ENOMEM;
	ev->scope.p = x->scope.p;
	ev->scope.n = x->scope.n;
	return 1;
}

/*
 * A time without a year, by the rules of sl_extract_opts.  0, -EINVAL when
 * it is no valid time, -ENOENT when nothing gives its year.
 */
static int
yearless_time(struct sl_extractor *x, struct sl_str s, int64_t *us)
{
	int64_t y;
	int r;

	if (x->ref != 0)
		r = sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_BEFORE, x->ref, us,
		    &y);
	else if (x->prev_yearless != 0)
		r = sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_NEAR,
		    x->prev_yearless, us, &y);
	else if (x->year > 0)
		r = sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_IS, x->year, us,
		    &y);
	else if (x->near != 0)
		r = sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_NEAR, x->near, us,
		    &y);
	else if (sl_time_syslog(s.p, s.n, x->tz, SL_YEAR_IS, 2000, us,
	    &y) < 0)
		return -EINVAL;	/* not a time at all (2000 has Feb 29) */
	else
		return -ENOENT;
	if (r < 0)
		return r;
	/* 0 marks "none": a time at the very epoch moves by a microsecond */
	x->prev_yearless = *us != 0 ? *us : 1;
	if (x->counts.yearless == 0 || y < x->counts.year_lo)
		x->counts.year_lo = y;
	if (x->counts.yearless == 0 || y > x->counts.year_hi)
		x->counts.year_hi = y;
	x->counts.yearless++;
	return 0;
}

/* Fill ev from the record as d presents it. */
int
sl_extract(struct sl_extractor *x, const struct doc *d, struct sl_event *ev,
    const char **reason)
{
	struct sl_str s;
	char q[180];
	size_t f, i;
	int r, act, zoned;

	sl_evalctx_reset(&x->cx);
	if (d->j != NULL && sl_evalctx_fit(&x->cx, d->j->n) < 0)
		return -ENOMEM;
	ev->flags = 0;
	x->frac[0] = x->frac[1] = 0;
	for (f = 0; f < F__COUNT; f++) {
		sl_buf_reset(&x->fb[f]);
		if (x->ln > 0) {
			memset(x->lset, 0, x->lcap * sizeof(*x->lset));
			x->ln = 0;
		}
		for (i = 0; i < x->nfr[f]; i++) {
			if (f == F_FLAG) {
				if (sl_conds_hold(&x->cx, d, x->fr[f][i]->cond,
				    x->fr[f][i]->ncond))
					ev->flags |= SL_EV_BACKEND;
				continue;
			}
			r = sl_rule_apply(x, d, x->fr[f][i]);
			if (r < 0)
				return r;
			if (r > 0 && f != F_RESOURCE)
				break;
		}
		/* A field needed for the rest is checked early. */
		if (f == F_TIME) {
			s = sl_fb_str(&x->fb[F_TIME]);
			if (s.n == 0) {
				*reason = "no time field";
				x->code = SL_REJECT_NO_TIME;
				return -EBADMSG;
			}
			zoned = 0;
			if (sl_time_yearless(s.p, s.n, x->p->timefmt))
				r = yearless_time(x, s, &ev->time);
			else
				r = sl_time_parse(s.p, s.n, x->p->timefmt,
				    x->tz, 0, &ev->time, &zoned);
			if (r == -ENOENT) {
				quote_short(q, sizeof(q), s);
				snprintf(x->reason, sizeof(x->reason),
				    "no year for \"%s\": give --year", q);
				*reason = x->reason;
				x->code = SL_REJECT_NO_YEAR;
				return -EBADMSG;
			}
			if (r < 0) {
				quote_short(q, sizeof(q), s);
				snprintf(x->reason, sizeof(x->reason),
				    "unparseable time \"%s\"", q);
				*reason = x->reason;
				x->code = SL_REJECT_BAD_TIME;
				x->cutlike = 1;
				return -EBADMSG;
			}
			if (!zoned)
				x->counts.zoneless++;
		} else if (f == F_USER && x->fb[F_USER].n == 0) {
			*reason = "no user";
			x->code = SL_REJECT_NO_USER;
			return -EBADMSG;
		}
	}
	ev->user = sl_fb_str(&x->fb[F_USER]);
	ev->session = sl_fb_str(&x->fb[F_SESSION]);
	s = sl_fb_str(&x->fb[F_ACTION]);
	act = s.n > 0 ? sl_action_parse(s.p, s.n) : SL_ACT_OTHER;
	ev->action = act >= 0 ? act : SL_ACT_OTHER;
	s = sl_fb_str(&x->fb[F_OUTCOME]);
	act = s.n > 0 ? sl_outcome_parse(s.p, s.n) : SL_OUT_UNKNOWN;
	ev->outcome = act >= 0 ? act : SL_OUT_UNKNOWN;
	ev->resource = sl_fb_str(&x->fb[F_RESOURCE]);
	ev->query = sl_fb_str(&x->fb[F_QUERY]);
	ev->count = -1;
	ev->bytes = -1;
	if (x->fb[F_COUNT].n > 0)
		(void)sl_parse_num(sl_fb_str(&x->fb[F_COUNT]), &ev->count);
	else if (x->frac[0])
		x->counts.fractional++;
	if (x->fb[F_BYTES].n > 0)
		(void)sl_parse_num(sl_fb_str(&x->fb[F_BYTES]), &ev->bytes);
	else if (x->frac[1])
		x->counts.fractional++;
	ev->purpose = sl_fb_str(&x->fb[F_PURPOSE]);
	ev->src = src_address(sl_fb_str(&x->fb[F_SRC]));
	ev->trace = sl_fb_str(&x->fb[F_TRACE]);
	ev->kind = sl_fb_str(&x->fb[F_KIND]);
	ev->key = sl_fb_str(&x->fb[F_KEY]);
	return key_scope(x, ev);
}

int
sl_extract_code(const struct sl_extractor *x)
{
	return x != NULL ? x->code : SL_REJECT_OTHER;
}

static int
extract_record(struct sl_extractor *x, const struct sl_record *rec,
    struct sl_event *ev, const char **reason)
{
	struct doc d = { 0 };
	const char *err = NULL;
	size_t off = 0;
	int r;

	*reason = NULL;
	if (rec->flags & SL_REC_TOOLONG) {
		*reason = "record longer than the limit";
		x->code = SL_REJECT_TOO_LONG;
		return -EBADMSG;
	}
	if (rec->flags & SL_REC_CUT) {
		*reason = CUT_REASON;
		x->code = SL_REJECT_CUT;
		return -EBADMSG;
	}
	/* Every failure to parse below is one a cut would explain. */
	x->cutlike = 1;
	d.reader = x->p->reader;
	d.raw.p = rec->p;
	d.raw.n = rec->n;
	switch (x->p->reader) {
	case SL_READ_JSON:
		r = sl_json_parse(&x->j, rec->p, rec->n);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			snprintf(x->reason, sizeof(x->reason),
			    "invalid JSON at byte %zu: %s", x->j.err_off,
			    x->j.err);
			*reason = x->reason;
			x->code = SL_REJECT_INVALID_JSON;
			return -EBADMSG;
		}
		if (x->j.n == 0 || x->j.t[0].type != SL_JSON_OBJECT) {
			*reason = "not a JSON object";
			x->code = SL_REJECT_NOT_OBJECT;
			return -EBADMSG;
		}
		d.j = &x->j;
		x->whole = 1;
		break;
	case SL_READ_CSV:
	case SL_READ_TSV:
		if (!x->have_header) {
			r = read_header(x, rec, reason);
			return r < 0 ? r : 0;
		}
		if (x->notime) {
			*reason = "no column gives the time";
			x->code = SL_REJECT_NO_TIME_COLUMN;
			return -EBADMSG;
		}
		r = sl_split_delim(x->p->reader, rec->p, rec->n, &x->f, &err,
		    &off);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			snprintf(x->reason, sizeof(x->reason),
			    "bad %s row at byte %zu: %s",
			    x->p->reader == SL_READ_CSV ? "CSV" : "TSV", off,
			    err != NULL ? err : "?");
			*reason = x->reason;
			x->code = SL_REJECT_BAD_ROW;
			return -EBADMSG;
		}
		if (x->f.n < x->ncols)
			x->miss = 1;	/* fewer fields: as telling */
		/* A tsv row may leave out trailing empty fields (the AOL
		 * log does for searches without a click). */
		if (x->p->reader == SL_READ_TSV && x->f.n < x->ncols) {
			if (sl_pad_fields(&x->f, x->ncols) < 0)
				return -ENOMEM;
		}
		if (x->f.n != x->ncols) {
			snprintf(x->reason, sizeof(x->reason),
			    "%zu fields where the header has %zu", x->f.n,
			    x->ncols);
			*reason = x->reason;
			x->code = SL_REJECT_FIELD_COUNT;
			return -EBADMSG;
		}
		d.value = x->f.value;
		d.n = x->f.n;
		d.colidx = x->colidx;
		d.ncolidx = x->ncolidx;
		if (x->embedcol >= 0 && x->f.value[x->embedcol].n > 0) {
			const struct sl_str *v = &x->f.value[x->embedcol];

			r = sl_json_parse(&x->j, v->p, v->n);
			if (r == -ENOMEM)
				return r;
			if (r < 0 || x->j.t[0].type != SL_JSON_OBJECT) {
				snprintf(x->reason, sizeof(x->reason),
				    "invalid JSON in column %s at byte %zu: "
				    "%s", x->p->embed, r < 0 ? x->j.err_off :
				    0, r < 0 ? x->j.err : "not an object");
				*reason = x->reason;
				x->code = SL_REJECT_INVALID_JSON;
				return -EBADMSG;
			}
			d.j = &x->j;
		}
		break;
	case SL_READ_AUDITD:
		return sl_auditd_record(x, rec, ev, reason);
	default:
		if (sl_kv_split(rec->p, rec->n, &x->f, &err) < 0) {
			snprintf(x->reason, sizeof(x->reason),
			    "not key=value: %s", err != NULL ? err : "?");
			*reason = x->reason;
			x->code = SL_REJECT_BAD_ROW;
			return -EBADMSG;
		}
		d.name = x->f.name;
		d.value = x->f.value;
		d.n = x->f.n;
		break;
	}
	x->cutlike = 0;
	return sl_extract(x, &d, ev, reason);
}

int
sl_extract_record(struct sl_extractor *x, const struct sl_record *rec,
    struct sl_event *ev, const char **reason)
{
	int r;

	x->cutlike = x->miss = x->whole = 0;
	x->code = SL_REJECT_OTHER;
	r = extract_record(x, rec, ev, reason);
	/*
	 * The last record of a log without its line end may be whole or cut
	 * short: it is cut when it has fewer fields than the header, does
	 * not parse completely, or holds a value that a closed table of the
	 * profile does not know ("Logo" for "Logon").  A JSON object that
	 * parsed has its closing brace: whole.  An auditd line is part of a
	 * group and is not judged alone.
	 */
	if (!(rec->flags & SL_REC_UNTERM) || x->whole ||
	    x->p->reader == SL_READ_AUDITD)
		return r;
	if (r == -ENOMEM || r == 0)
		return r;
	if ((r == -EBADMSG && x->cutlike) || x->miss) {
		*reason = CUT_REASON;
		x->code = SL_REJECT_CUT;
		return -EBADMSG;
	}
	return r;
}
