/* profile-eval.c: rules applied to a record: paths, terms, conditions, re() */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

#define MATCH_LIMIT 100000

/* ---- record access ----------------------------------------------------- */

/*
 * Room for the values of any path into a record of ntok JSON tokens: every
 * value is a distinct token, so there are never more.  0 or -ENOMEM.
 */
int
sl_evalctx_fit(struct evalctx *cx, size_t ntok)
{
	size_t n = ntok + 1, cap = cx->cap;
	void *p;

	if (n <= cap)
		return 0;
	while (cap < n)
		cap *= 2;
	if ((p = reallocarray(cx->root, cap, sizeof(int))) == NULL)
		return -ENOMEM;
	cx->root = p;
	if ((p = reallocarray(cx->vals, cap, sizeof(*cx->vals))) == NULL)
		return -ENOMEM;
	cx->vals = p;
	if ((p = reallocarray(cx->wl[0], cap, sizeof(int))) == NULL)
		return -ENOMEM;
	cx->wl[0] = p;
	if ((p = reallocarray(cx->wl[1], cap, sizeof(int))) == NULL)
		return -ENOMEM;
	cx->wl[1] = p;
	cx->cap = cap;
	return 0;
}

/* Values of a path; returns their number (room made by sl_evalctx_fit). */
static size_t
path_eval(struct evalctx *cx, const struct doc *d, const struct path *pa)
{
	const struct sl_json *j = d->j;
	size_t ncur = 1, nnext, i, s, k;
	int *cur, *next, *sw, c, tk;

	if (d->reader != SL_READ_JSON) {
		if (d->colidx != NULL) {
			if (pa->id >= d->ncolidx || d->colidx[pa->id] < 0 ||
			    (size_t)d->colidx[pa->id] >= d->n) {
				/* Not a column: a path into the JSON record
				 * the profile embeds, if the row has one. */
				if (j != NULL && pa->nseg > 0)
					goto json;
				return 0;
			}
			cx->vals[0].tok = -1;
			cx->vals[0].s = d->value[d->colidx[pa->id]];
			return 1;
		}
		for (i = 0; i < d->n; i++)
			if (d->name[i].n == pa->tlen &&
			    memcmp(d->name[i].p, pa->text, pa->tlen) == 0) {
				cx->vals[0].tok = -1;
				cx->vals[0].s = d->value[i];
				return 1;
			}
		return 0;
	}
json:
	cur = cx->wl[0];
	next = cx->wl[1];
	cur[0] = 0;
	s = 0;
	if (pa->nseg > 0 && pa->seg[0].kind == SEG_KEY) {
		const struct seg *sg = &pa->seg[0];

		for (i = 0; i < cx->nrc; i++)
			if (cx->rc[i].klen == sg->klen &&
			    memcmp(cx->rc[i].key, sg->key, sg->klen) == 0)
				break;
		if (i == cx->nrc) {
			c = sl_json_member(j, 0, sg->key, sg->klen);
			if (cx->nrc < ROOT_CACHE) {
				cx->rc[i].key = sg->key;
				cx->rc[i].klen = sg->klen;
				cx->rc[i].tok = c;
				cx->nrc++;
			}
		} else {
			c = cx->rc[i].tok;
		}
		if (c < 0)
			return 0;
		cur[0] = c;
		s = 1;
	} else if (pa->nseg > 1 && pa->seg[0].kind == SEG_STAR) {
		/* [*].x: only containers can hold x */
		if (cx->nroot < 0) {
			cx->nroot = 0;
			c = 1;
			for (k = 0; k < j->t[0].count; k++) {
				c++;	/* the key */
				if (j->t[c].type >= SL_JSON_ARRAY)
					cx->root[cx->nroot++] = c;
				c = (int)j->t[c].next;
			}
		}
		memcpy(cur, cx->root, (size_t)cx->nroot * sizeof(int));
		ncur = (size_t)cx->nroot;
		s = 1;
	}
	for (; s < pa->nseg && ncur > 0; s++) {
		const struct seg *sg = &pa->seg[s];

		nnext = 0;
		for (i = 0; i < ncur; i++) {
			tk = cur[i];
			if (sg->kind == SEG_KEY) {
				c = sl_json_member(j, tk, sg->key, sg->klen);
				if (c >= 0)
					next[nnext++] = c;
			} else if (sg->kind == SEG_INDEX) {
				c = sl_json_element(j, tk, sg->index);
				if (c >= 0)
					next[nnext++] = c;
			} else if (j->t[tk].type != SL_JSON_ARRAY &&
			    j->t[tk].type != SL_JSON_OBJECT) {
				/* [*] of a single value is that value */
				next[nnext++] = tk;
			} else {
				int obj = j->t[tk].type == SL_JSON_OBJECT;

				c = tk + 1;
				for (k = 0; k < j->t[tk].count; k++) {
					if (obj)	/* skip the key */
						c++;
					next[nnext++] = c;
					c = (int)j->t[c].next;
				}
			}
		}
		sw = cur;
		cur = next;
		next = sw;
		ncur = nnext;
	}
	for (i = 0; i < ncur; i++) {
		cx->vals[i].tok = cur[i];
		cx->vals[i].s.p = NULL;
		cx->vals[i].s.n = 0;
	}
	return ncur;
}

/* Text of a value; escaped JSON strings are decoded into cx->tmp, which is
 * reset first, so the text is valid until the next call. */
static int
val_text(struct evalctx *cx, const struct doc *d, const struct val *v,
    struct sl_str *out)
{
	const struct sl_json_tok *t;

	if (v->tok < 0) {
		*out = v->s;
		return 0;
	}
	t = &d->j->t[v->tok];
	switch (t->type) {
	case SL_JSON_NULL:
		out->p = "";
		out->n = 0;
		return 0;
	case SL_JSON_STRING:
		if (!t->escaped)
			break;
		sl_buf_reset(&cx->tmp);
		if (sl_json_text(d->j, v->tok, &cx->tmp) < 0)
			return -ENOMEM;
		out->p = cx->tmp.p != NULL ? cx->tmp.p : "";
		out->n = cx->tmp.n;
		return 0;
	case SL_JSON_ARRAY:
	case SL_JSON_OBJECT:
		if (t->count == 0) {
			out->p = "";
			out->n = 0;
			return 0;
		}
		break;
	default:
		break;
	}
	out->p = d->j->src + t->start;
	out->n = t->len;
	return 0;
}

static int
re_match(struct evalctx *cx, const pcre2_code *re, struct sl_str s)
{
	int rc;

	rc = pcre2_match(re, (PCRE2_SPTR)(s.p != NULL ? s.p : ""), s.n, 0, 0,
	    cx->md, cx->mc);
	return rc >= 0;
}

int
sl_cond_holds(struct evalctx *cx, const struct doc *d, const struct cond *c)
{
	struct sl_str s;
	size_t n, i;
	int any = 0, nonempty = 0;

	if (c->line)
		return re_match(cx, c->re, d->raw) == (c->op == C_RE);
	n = path_eval(cx, d, &c->path);
	if (c->op == C_EXISTS || c->op == C_NEXISTS)
		return (n > 0) == (c->op == C_EXISTS);
	for (i = 0; i < n; i++) {
		if (val_text(cx, d, &cx->vals[i], &s) < 0)
			return 0;
		if (s.n > 0)
			nonempty = 1;
		switch (c->op) {
		case C_EQ:
		case C_NE:
			if (s.n == c->litlen &&
			    (s.n == 0 || memcmp(s.p, c->lit, s.n) == 0))
				any = 1;
			break;
		case C_RE:
		case C_NRE:
			if (re_match(cx, c->re, s))
				any = 1;
			break;
		default:
			break;
		}
		if (any)
			break;
	}
	switch (c->op) {
	case C_EMPTY:
		return !nonempty;
	case C_NEMPTY:
		return nonempty;
	case C_EQ:
	case C_RE:
		return any;
	default:
		return !any;
	}
}

int
sl_conds_hold(struct evalctx *cx, const struct doc *d, const struct cond *c,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!sl_cond_holds(cx, d, &c[i]))
			return 0;
	return 1;
}

int
sl_evalctx_init(struct evalctx *cx)
{
	memset(cx, 0, sizeof(*cx));
	cx->nroot = -1;
	cx->cap = 64;
	cx->root = malloc(cx->cap * sizeof(int));
	cx->vals = malloc(cx->cap * sizeof(*cx->vals));
	cx->wl[0] = malloc(cx->cap * sizeof(int));
	cx->wl[1] = malloc(cx->cap * sizeof(int));
	cx->md = pcre2_match_data_create(MAX_GROUPS + 1, NULL);
	cx->mc = pcre2_match_context_create(NULL);
	if (cx->vals == NULL || cx->root == NULL || cx->wl[0] == NULL ||
	    cx->wl[1] == NULL || cx->md == NULL || cx->mc == NULL)
		return -ENOMEM;
	pcre2_set_match_limit(cx->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(cx->mc, MATCH_LIMIT / 10);
	return 0;
}

/* A new record: forget the top-level lookups. */
void
sl_evalctx_reset(struct evalctx *cx)
{
	cx->nrc = 0;
	cx->nroot = -1;
}

void
sl_evalctx_release(struct evalctx *cx)
{
	free(cx->root);
	free(cx->vals);
	free(cx->wl[0]);
	free(cx->wl[1]);
	sl_buf_release(&cx->tmp);
	pcre2_match_data_free(cx->md);
	pcre2_match_context_free(cx->mc);
}

/* Evaluate one term into cx->vals; returns the count. */
static size_t
term_eval(struct sl_extractor *x, const struct doc *d, const struct term *t,
    uint64_t *lenv)
{
	size_t n, i;

	if (t->kind == T_LIT) {
		x->cx.vals[0].tok = -1;
		x->cx.vals[0].s.p = t->lit;
		x->cx.vals[0].s.n = t->litlen;
		return 1;
	}
	n = path_eval(&x->cx, d, &t->path);
	if (t->kind == T_LEN) {
		uint64_t sum = 0;

		for (i = 0; i < n; i++) {
			const struct val *v = &x->cx.vals[i];

			if (v->tok >= 0 && (d->j->t[v->tok].type ==
			    SL_JSON_ARRAY || d->j->t[v->tok].type ==
			    SL_JSON_OBJECT))
				sum += d->j->t[v->tok].count;
			else if (v->tok >= 0 && d->j->t[v->tok].type ==
			    SL_JSON_NULL)
				continue;
			else if (v->tok >= 0 || v->s.n > 0)
				sum++;
		}
		*lenv = sum;
		return n > 0 ? 1 : 0;
	}
	return n;
}

/* Does this text suit the field?  A count or bytes with a real fraction
 * does not, and is remembered so that the log can say so. */
static int
value_ok(struct sl_extractor *x, int field, struct sl_str s)
{
	int64_t v;
	int r;

	if (s.n == 0)
		return 0;
	switch (field) {
	case F_ACTION:
		return sl_action_parse(s.p, s.n) >= 0;
	case F_OUTCOME:
		return sl_outcome_parse(s.p, s.n) >= 0;
	case F_COUNT:
	case F_BYTES:
		if ((r = sl_parse_num(s, &v)) == 1)
			x->frac[field == F_COUNT ? 0 : 1] = 1;
		return r == 0;
	default:
		return 1;
	}
}

/* Record a value of the list at off, len in the hash of its values. */
static void
lset_put(struct sl_extractor *x, const char *base, size_t off, size_t len)
{
	size_t m = x->lcap - 1, i;

	i = (size_t)sl_hash64(base + off, len) & m;
	while (x->lset[i].off != 0)
		i = (i + 1) & m;
	x->lset[i].off = off + 1;
	x->lset[i].len = len;
}

/*
 * Append s to the list in b, separated by sep, unless it is there already.
 * A record may give thousands of values (all kept: a user must not hide a
 * target behind decoys), so the values are hashed, not scanned.
 */
static int
list_add(struct sl_extractor *x, struct sl_buf *b, struct sl_str s, int sep)
{
	struct lent *old, *t;
	size_t m, i, k, oldcap, off;

	if (b->n == 0 && s.n == 0)
		return 0;
	if ((x->ln + 1) * 2 > x->lcap) {
		oldcap = x->lcap;
		old = x->lset;
		x->lcap = oldcap > 0 ? oldcap * 2 : 64;
		if ((t = calloc(x->lcap, sizeof(*t))) == NULL) {
			x->lcap = oldcap;
			return -ENOMEM;
		}
		x->lset = t;
		for (k = 0; k < oldcap; k++)
			if (old[k].off != 0)
				lset_put(x, b->p, old[k].off - 1, old[k].len);
		free(old);
	}
	m = x->lcap - 1;
	for (i = (size_t)sl_hash64(s.p, s.n) & m; x->lset[i].off != 0;
	    i = (i + 1) & m)
		if (x->lset[i].len == s.n &&
		    memcmp(b->p + x->lset[i].off - 1, s.p, s.n) == 0)
			return 0;
	if (b->n > 0 && sl_buf_addc(b, sep) < 0)
		return -ENOMEM;
	off = b->n;
	if (sl_buf_add(b, s.p, s.n) < 0)
		return -ENOMEM;
	x->lset[i].off = off + 1;
	x->lset[i].len = s.n;
	x->ln++;
	return 0;
}

/* after(PATH, "sep"): the text after the last sep, or all of it. */
static void
after(const struct term *t, struct sl_str *s)
{
	size_t i;

	if (s->n < t->litlen)
		return;
	for (i = s->n - t->litlen + 1; i-- > 0;)
		if (memcmp(s->p + i, t->lit, t->litlen) == 0) {
			s->p += i + t->litlen;
			s->n -= i + t->litlen;
			return;
		}
}

/* A table without a catch-all entry "*": its entries are all the values
 * the format has. */
static int
table_closed(const struct table *tb)
{
	size_t k;

	for (k = 0; k < tb->n; k++)
		if (tb->e[k].patlen == 1 && tb->e[k].pat[0] == '*')
			return 0;
	return 1;
}

/*
 * re(PATH, "pattern"): the text of the first capturing group that took part
 * in the match, else the whole match; 0 when the pattern does not match.
 */
static int
re_capture(struct evalctx *cx, const pcre2_code *re, struct sl_str *s)
{
	PCRE2_SIZE *ov;
	int rc, i;

	rc = pcre2_match(re, (PCRE2_SPTR)(s->p != NULL ? s->p : ""), s->n, 0,
	    0, cx->md, cx->mc);
	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(cx->md);
	for (i = 1; i < rc; i++)
		if (ov[2 * i] != PCRE2_UNSET)
			break;
	if (i >= rc)
		i = 0;
	s->p += ov[2 * i];
	s->n = ov[2 * i + 1] - ov[2 * i];
	return 1;
}

/* What a term makes of one value's text; 0 when it drops the value. */
static int
term_text(struct sl_extractor *x, const struct term *t, struct sl_str *s)
{
	if (t->kind == T_AFTER)
		after(t, s);
	else if (t->kind == T_RE)
		return re_capture(&x->cx, t->re, s);
	return 1;
}

/*
 * Apply one rule; 1 when it gave a value (appended to x->fb[field]), 0 when
 * not, -ENOMEM.
 */
int
sl_rule_apply(struct sl_extractor *x, const struct doc *d,
    const struct rule *ru)
{
	struct sl_buf *out = &x->fb[ru->field];
	const struct table *tb = NULL;
	struct sl_str s;
	char num[24];
	uint64_t lenv = 0;
	size_t a, n, i, k;
	int got = 0, looked;

	if (!sl_conds_hold(&x->cx, d, ru->cond, ru->ncond))
		return 0;
	if (ru->table >= 0)
		tb = &x->p->tables[ru->table];
	for (a = 0; a < ru->nalt; a++) {
		const struct term *t = &ru->alt[a];

		n = term_eval(x, d, t, &lenv);
		if (n == 0)
			continue;
		if (t->kind == T_LEN) {
			x->cx.vals[0].tok = -1;
			x->cx.vals[0].s.p = num;
			x->cx.vals[0].s.n = (size_t)snprintf(num, sizeof(num),
			    "%" PRIu64, lenv);
			n = 1;
		}
		if (tb != NULL) {
			looked = 0;
			for (k = 0; k < tb->n; k++) {
				for (i = 0; i < n; i++) {
					if (val_text(&x->cx, d, &x->cx.vals[i],
					    &s) < 0)
						return -ENOMEM;
					if (!term_text(x, t, &s))
						continue;
					/* tables map single values only */
					if (x->cx.vals[i].tok >= 0 &&
					    d->j->t[x->cx.vals[i].tok].type >=
					    SL_JSON_ARRAY)
						continue;
					if (s.n == 0)
						continue;
					looked = 1;
					if (sl_glob_match(tb->e[k].pat,
					    tb->e[k].patlen, s.p, s.n,
					    tb->nocase))
						goto mapped;
				}
			}
			if (looked && table_closed(tb))
				x->miss = 1;
			continue;
mapped:
			s.p = tb->e[k].val;
			s.n = tb->e[k].vallen;
			if (!value_ok(x, ru->field, s))
				continue;
			return list_add(x, out, s, '\n') < 0 ? -ENOMEM :
			    1;
		}
		for (i = 0; i < n; i++) {
			if (val_text(&x->cx, d, &x->cx.vals[i], &s) < 0)
				return -ENOMEM;
			if (!term_text(x, t, &s))
				continue;
			if (!value_ok(x, ru->field, s))
				continue;
			if (list_add(x, out, s, ru->field == F_KIND ? ',' :
			    '\n') < 0)
				return -ENOMEM;
			got = 1;
			if (ru->field != F_RESOURCE && ru->field != F_KIND)
				return 1;
		}
		if (got)
			return 1;
	}
	return got;
}
