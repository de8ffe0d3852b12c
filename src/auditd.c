/* auditd.c: auditd lines assembled into events as ausearch does */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

/*
 * auditd: lines are assembled into events by their stamp (node, time,
 * serial) as ausearch does.  An event is complete at its EOE line, when a
 * line of the same node is AUDIT_EOE_MS newer (ausearch's end-of-event
 * timeout), when the window is full (the oldest events are closed), or at
 * the end of the log.  Events are handed out in the order of their first
 * lines.
 */
#define MAX_GROUP_BYTES (1u << 20)	/* raw bytes of one event */
#define AUDIT_OPEN_MAX 256		/* events in the window */
#define AUDIT_WINDOW_BYTES (4u << 20)	/* their raw bytes together */
#define AUDIT_EOE_MS 2000
#define AUDIT_UIDS_MAX 4096		/* uid names learnt from one log */

/* ---- auditd events ----------------------------------------------------- */

static int
merged_add(struct sl_extractor *x, struct sl_str name, struct sl_str val)
{
	uintptr_t b = (uintptr_t)x->mbuf.p, v = (uintptr_t)val.p;
	size_t *o, voff = SIZE_MAX;

	/* The value may be one of the record's own (a uid without a name
	 * stands for itself): hold it by its offset, since growing the
	 * buffer moves it. */
	if (val.n > 0 && b != 0 && v >= b && v < b + x->mbuf.n)
		voff = v - b;
	if (sl_buf_grow(&x->mbuf, name.n + val.n) < 0)
		return -ENOMEM;
	if (voff != SIZE_MAX)
		val.p = x->mbuf.p + voff;
	if (x->mn == x->mcap) {
		size_t nc = x->mcap ? x->mcap * 2 : 64;

		if ((o = realloc(x->moff, nc * 4 * sizeof(*o))) == NULL)
			return -ENOMEM;
		x->moff = o;
		x->mcap = nc;
	}
	o = &x->moff[x->mn * 4];
	o[0] = x->mbuf.n;
	o[1] = name.n;
	if (sl_buf_add(&x->mbuf, name.p, name.n) < 0)
		return -ENOMEM;
	o[2] = x->mbuf.n;
	o[3] = val.n;
	if (sl_buf_add(&x->mbuf, val.p, val.n) < 0)
		return -ENOMEM;
	x->mn++;
	return 0;
}

static int
merged_adds(struct sl_extractor *x, const char *name, struct sl_str val)
{
	struct sl_str nm;

	nm.p = name;
	nm.n = strlen(name);
	return merged_add(x, nm, val);
}

static int
all_digits(struct sl_str s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return s.n > 0;
}

/* "a0", "a1", ...: the arguments of an EXECVE record. */
static int
is_arg(struct sl_str nm)
{
	nm.p++;
	nm.n--;
	return nm.n > 0 && nm.p[-1] == 'a' && all_digits(nm);
}

/*
 * Fields whose value auditd writes in hex when it holds a space, a quote,
 * a control character or a byte above 0x7e (audit_log_n_untrustedstring),
 * and in double quotes otherwise.
 */
static int
hexable(struct sl_str nm, int execve)
{
	static const char *const names[] = {
		"acct", "cmd", "comm", "cwd", "exe", "name", "path",
		"proctitle",
	};
	size_t i;

	if (execve && nm.n > 1 && is_arg(nm))
		return 1;
	for (i = 0; i < SL_ARRAY_LEN(names); i++)
		if (sl_str_eq(nm, names[i]))
			return 1;
	return 0;
}

/*
 * Decode v into x->atmp if the line wrote it bare (not in quotes) as an
 * even number of hex digits; NUL bytes (proctitle separates argv with
 * them) become spaces, trailing ones go.  1 when decoded.
 */
static int
unhex(struct sl_extractor *x, const char *line, size_t n, struct sl_str *v)
{
	size_t i;
	int hi, lo;

	/* A quoted value starts after a quote, or was unescaped out of
	 * the line. */
	if (v->n == 0 || v->n % 2 != 0 || v->p <= line || v->p > line + n ||
	    v->p[-1] != '=')
		return 0;
	for (i = 0; i < v->n; i++)
		if (sl_hexval((unsigned char)v->p[i]) < 0)
			return 0;
	sl_buf_reset(&x->atmp);
	if (sl_buf_grow(&x->atmp, v->n / 2) < 0)
		return -ENOMEM;
	for (i = 0; i < v->n; i += 2) {
		hi = sl_hexval((unsigned char)v->p[i]);
		lo = sl_hexval((unsigned char)v->p[i + 1]);
		x->atmp.p[x->atmp.n++] = (char)(hi << 4 | lo);
	}
	while (x->atmp.n > 0 && x->atmp.p[x->atmp.n - 1] == '\0')
		x->atmp.n--;
	for (i = 0; i < x->atmp.n; i++)
		if (x->atmp.p[i] == '\0')
			x->atmp.p[i] = ' ';
	v->p = x->atmp.n > 0 ? x->atmp.p : "";
	v->n = x->atmp.n;
	return 1;
}

/* The slot of (node, uid) in the uid table: its entry or an empty one. */
static size_t
uid_slot(const struct sl_extractor *x, struct sl_str node, struct sl_str uid)
{
	size_t mask = 2 * AUDIT_UIDS_MAX - 1, h;
	const char *e;

	h = (size_t)(sl_hash64(node.p, node.n) * 31 ^ sl_hash64(uid.p, uid.n));
	for (h &= mask; x->utab[h] != 0; h = (h + 1) & mask) {
		e = x->ubuf.p + x->utab[h] - 1;
		if (strlen(e) == node.n && memcmp(e, node.p, node.n) == 0 &&
		    strlen(e + node.n + 1) == uid.n &&
		    memcmp(e + node.n + 1, uid.p, uid.n) == 0)
			break;
	}
	return h;
}

/* The name a line pairs with a uid (the ENRICHED part), kept per node. */
static int
uid_learn(struct sl_extractor *x, struct sl_str node, struct sl_str uid,
    struct sl_str name)
{
	size_t h, off;

	if (!all_digits(uid) || sl_str_eq(uid, "4294967295") || name.n == 0 ||
	    sl_str_eq(name, "unset") || memchr(name.p, '\0', name.n) != NULL)
		return 0;
	if (x->utab == NULL && (x->utab = calloc(2 * AUDIT_UIDS_MAX,
	    sizeof(*x->utab))) == NULL)
		return -ENOMEM;
	h = uid_slot(x, node, uid);
	if (x->utab[h] != 0 || x->un == AUDIT_UIDS_MAX)
		return 0;
	off = x->ubuf.n;
	if (sl_buf_add(&x->ubuf, node.p, node.n) < 0 ||
	    sl_buf_addc(&x->ubuf, '\0') < 0 ||
	    sl_buf_add(&x->ubuf, uid.p, uid.n) < 0 ||
	    sl_buf_addc(&x->ubuf, '\0') < 0 ||
	    sl_buf_add(&x->ubuf, name.p, name.n) < 0 ||
	    sl_buf_addc(&x->ubuf, '\0') < 0)
		return -ENOMEM;
	x->utab[h] = off + 1;
	x->un++;
	return 0;
}

/*
 * A uid as the user it names: the name the log paired it with on this
 * node, else "root" for 0 (root on every Linux system), else the number.
 */
static struct sl_str
uid_name(const struct sl_extractor *x, struct sl_str node, struct sl_str uid)
{
	struct sl_str s;
	size_t h;

	if (x->utab != NULL) {
		h = uid_slot(x, node, uid);
		if (x->utab[h] != 0) {
			s.p = x->ubuf.p + x->utab[h] - 1 + node.n + 1 +
			    uid.n + 1;
			s.n = strlen(s.p);
			return s;
		}
	}
	if (sl_str_eq(uid, "0")) {
		s.p = "root";
		s.n = 4;
		return s;
	}
	return uid;
}

/* Learn the names this line gives its uids. */
static int
line_uids(struct sl_extractor *x, struct sl_str node)
{
	static const char *const ids[][2] = {
		{ "auid", "AUID" }, { "uid", "UID" }, { "euid", "EUID" },
		{ "suid", "SUID" }, { "fsuid", "FSUID" }, { "ouid", "OUID" },
		{ "old-auid", "OLD-AUID" }, { "id", "ID" },
	};
	struct sl_str num, name;
	size_t k, i;
	int r;

	for (k = 0; k < SL_ARRAY_LEN(ids); k++) {
		num.n = name.n = 0;
		for (i = 0; i < x->f.n; i++) {
			if (num.n == 0 && sl_str_eq(x->f.name[i], ids[k][0]))
				num = x->f.value[i];
			else if (name.n == 0 &&
			    sl_str_eq(x->f.name[i], ids[k][1]))
				name = x->f.value[i];
		}
		if (num.n > 0 && name.n > 0 &&
		    (r = uid_learn(x, node, num, name)) < 0)
			return r;
	}
	return 0;
}

/* Merge the fields of one line (split into x->f) into the event's. */
static int
line_merge(struct sl_extractor *x, const char *p, size_t n)
{
	struct sl_str type = { "", 0 }, v;
	size_t i;
	int execve = 0, title, r, chunked = 0;

	for (i = 0; i < x->f.n; i++) {
		if (sl_str_eq(x->f.name[i], "type")) {
			type = x->f.value[i];
			break;
		}
	}
	execve = sl_str_eq(type, "EXECVE");
	title = sl_str_eq(type, "PROCTITLE");
	for (i = 0; i < x->f.n; i++) {
		v = x->f.value[i];
		if (hexable(x->f.name[i], execve) &&
		    (r = unhex(x, p, n, &v)) < 0)
			return r;
		if (merged_add(x, x->f.name[i], v) < 0)
			return -ENOMEM;
		if (execve && x->f.name[i].n > 1 && is_arg(x->f.name[i])) {
			if ((x->aexec.n > 0 && sl_buf_addc(&x->aexec,
			    ' ') < 0) || sl_buf_add(&x->aexec, v.p, v.n) < 0)
				return -ENOMEM;
		} else if (execve && x->f.name[i].n > 4 &&
		    memcmp(x->f.name[i].p + x->f.name[i].n - 4, "_len",
		    4) == 0) {
			chunked = 1;
		} else if (title && x->atitle.n == 0 &&
		    sl_str_eq(x->f.name[i], "proctitle") &&
		    sl_buf_add(&x->atitle, v.p, v.n) < 0) {
			return -ENOMEM;
		}
	}
	/* An argument too long for one record comes in pieces (a1_len=,
	 * a1[0]=...): the proctitle tells the command then. */
	if (chunked)
		x->aexec.n = 0;
	return 0;
}

/* The first value of a merged field, or an empty string. */
static struct sl_str
merged_get(const struct sl_extractor *x, const char *name)
{
	struct sl_str s = { "", 0 };
	size_t i, k = strlen(name);

	for (i = 0; i < x->mn; i++) {
		const size_t *o = &x->moff[i * 4];

		if (o[1] == k && memcmp(x->mbuf.p + o[0], name, k) == 0) {
			s.p = x->mbuf.p + o[2];
			s.n = o[3];
			break;
		}
	}
	return s;
}

/* Build the event of the group in x->araw (key x->akey). */
static int
group_emit(struct sl_extractor *x, struct sl_event *ev, const char **reason)
{
	const struct sl_buf *g = &x->araw;
	struct sl_audit_head h;
	struct doc d = { 0 };
	const char *p, *e, *nl, *err;
	struct sl_str node = { "", 0 }, s;
	size_t i;
	int r;

	sl_buf_reset(&x->mbuf);
	sl_buf_reset(&x->aexec);
	sl_buf_reset(&x->atitle);
	x->mn = 0;
	if (merged_adds(x, "_id", sl_fb_str(&x->akey)) < 0)
		return -ENOMEM;
	p = g->p;
	e = g->p + g->n;
	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		if (sl_audit_head(p, (size_t)(nl - p), &h))
			node = h.node;
		if (sl_kv_split(p, (size_t)(nl - p), &x->f, &err) == 0 &&
		    ((r = line_merge(x, p, (size_t)(nl - p))) < 0 ||
		    (r = line_uids(x, node)) < 0))
			return r;
		p = nl + 1;
	}
	/* The command line: EXECVE's arguments are whole, the proctitle
	 * stops at 128 bytes. */
	s = sl_fb_str(x->aexec.n > 0 ? &x->aexec : &x->atitle);
	if (s.n > 0 && merged_adds(x, "_cmdline", s) < 0)
		return -ENOMEM;
	/* node points into the raw text, which does not move */
	s = merged_get(x, "auid");
	if (all_digits(s) && !sl_str_eq(s, "4294967295") &&
	    merged_adds(x, "_auid", uid_name(x, node, s)) < 0)
		return -ENOMEM;
	s = merged_get(x, "uid");
	if (all_digits(s) && !sl_str_eq(s, "4294967295") &&
	    merged_adds(x, "_uid", uid_name(x, node, s)) < 0)
		return -ENOMEM;
	if (x->mn > 0) {
		struct sl_str *a = realloc(x->mname, x->mn * sizeof(*a));

		if (a == NULL)
			return -ENOMEM;
		x->mname = a;
		if ((a = realloc(x->mval, x->mn * sizeof(*a))) == NULL)
			return -ENOMEM;
		x->mval = a;
	}
	for (i = 0; i < x->mn; i++) {
		size_t *o = &x->moff[i * 4];

		x->mname[i].p = x->mbuf.p + o[0];
		x->mname[i].n = o[1];
		x->mval[i].p = x->mbuf.p + o[2];
		x->mval[i].n = o[3];
	}
	d.reader = SL_READ_AUDITD;
	d.name = x->mname;
	d.value = x->mval;
	d.n = x->mn;
	d.raw = sl_fb_str(g);
	r = sl_extract(x, &d, ev, reason);
	ev->line = x->aline;
	ev->offset = x->aoff;
	ev->raw = d.raw;
	return r;
}

#define AQ(x, i) (&(x)->aq[((x)->aqhead + (i)) % (x)->aqcap])

/* Hand out the first queued event if it is complete (or all is set). */
static int
next_ready(struct sl_extractor *x, int all, struct sl_event *ev,
    const char **reason)
{
	struct agroup *g;
	struct sl_buf t;

	if (x->aqn == 0)
		return 0;
	g = AQ(x, 0);
	if (!g->done && !all)
		return 0;
	/* Its buffers become the handed-out event's, which the event
	 * borrows until the next call; the slot gets the old ones. */
	t = x->araw;
	x->araw = g->raw;
	g->raw = t;
	t = x->akey;
	x->akey = g->key;
	g->key = t;
	x->aline = g->line;
	x->aoff = g->off;
	x->aqbytes -= x->araw.n;
	x->aqhead = (x->aqhead + 1) % x->aqcap;
	x->aqn--;
	return group_emit(x, ev, reason);
}

/* Room for one more event in the ring (it only grows when the caller
 * does not take the complete events out). */
static int
ring_room(struct sl_extractor *x)
{
	struct agroup *a;
	size_t i, nc;

	if (x->aqn < x->aqcap)
		return 0;
	nc = x->aqcap ? x->aqcap * 2 : AUDIT_OPEN_MAX + 1;
	if ((a = calloc(nc, sizeof(*a))) == NULL)
		return -ENOMEM;
	for (i = 0; i < x->aqcap; i++)
		a[i] = *AQ(x, i);
	free(x->aq);
	x->aq = a;
	x->aqhead = 0;
	x->aqcap = nc;
	return 0;
}

static int
key_is(const struct agroup *g, const struct sl_audit_head *h)
{
	const char *k = g->key.p;
	size_t n = h->time.n + 1 + h->serial.n;

	if (g->ms != h->ms || g->nodelen != h->node.n ||
	    g->key.n != g->nodelen + (g->nodelen > 0) + n)
		return 0;
	if (g->nodelen > 0) {
		if (memcmp(k, h->node.p, h->node.n) != 0)
			return 0;
		k += g->nodelen + 1;
	}
	return memcmp(k, h->time.p, h->time.n) == 0 &&
	    memcmp(k + h->time.n + 1, h->serial.p, h->serial.n) == 0;
}

int
sl_auditd_record(struct sl_extractor *x, const struct sl_record *rec,
    struct sl_event *ev, const char **reason)
{
	struct sl_audit_head h;
	struct agroup *g = NULL, *c;
	size_t i, nfree, bfree;
	int have, r;

	have = sl_audit_head(rec->p, rec->n, &h);
	/* Newest first: the lines of an event are seldom far apart. */
	for (i = x->aqn; have && i-- > 0;) {
		c = AQ(x, i);
		if (key_is(c, &h)) {
			g = c;
			break;
		}
	}
	if (g != NULL) {
		if (g->raw.n + 1 + rec->n > MAX_GROUP_BYTES) {
			*reason = "auditd event longer than 1 MiB: line "
			    "not joined to it";
			x->code = SL_REJECT_TOO_LONG;
			return -EBADMSG;
		}
		if (sl_buf_addc(&g->raw, '\n') < 0 ||
		    sl_buf_add(&g->raw, rec->p, rec->n) < 0)
			return -ENOMEM;
		x->aqbytes += 1 + rec->n;
		if (sl_str_eq(h.type, "EOE"))
			g->done = 1;
		return next_ready(x, 0, ev, reason);
	}
	/* A new event: older ones of its node are complete after the
	 * timeout, and a full window closes the oldest. */
	for (i = 0; have && i < x->aqn; i++) {
		c = AQ(x, i);
		if (!c->done && c->nodelen == h.node.n &&
		    memcmp(c->key.p, h.node.p, h.node.n) == 0 &&
		    c->ms <= h.ms - AUDIT_EOE_MS)
			c->done = 1;
	}
	for (i = nfree = bfree = 0; i < x->aqn &&
	    (x->aqn - nfree >= AUDIT_OPEN_MAX ||
	    x->aqbytes - bfree + rec->n > AUDIT_WINDOW_BYTES); i++) {
		c = AQ(x, i);
		c->done = 1;
		nfree++;
		bfree += c->raw.n;
	}
	if ((r = ring_room(x)) < 0)
		return r;
	g = AQ(x, x->aqn);
	sl_buf_reset(&g->raw);
	sl_buf_reset(&g->key);
	g->nodelen = 0;
	g->ms = 0;
	g->done = 1;		/* a line without a stamp stands alone */
	if (have) {
		if ((h.node.n > 0 && (sl_buf_add(&g->key, h.node.p,
		    h.node.n) < 0 || sl_buf_addc(&g->key, ':') < 0)) ||
		    sl_buf_add(&g->key, h.time.p, h.time.n) < 0 ||
		    sl_buf_addc(&g->key, ':') < 0 ||
		    sl_buf_add(&g->key, h.serial.p, h.serial.n) < 0)
			return -ENOMEM;
		g->nodelen = h.node.n;
		g->ms = h.ms;
		/* an EOE whose event was already handed out stands alone */
		g->done = sl_str_eq(h.type, "EOE");
	}
	if (sl_buf_add(&g->raw, rec->p, rec->n) < 0)
		return -ENOMEM;
	g->line = rec->line;
	g->off = rec->offset;
	x->aqbytes += rec->n;
	x->aqn++;
	return next_ready(x, 0, ev, reason);
}

int
sl_extract_next(struct sl_extractor *x, struct sl_event *ev,
    const char **reason)
{
	*reason = NULL;
	if (x != NULL)
		x->code = SL_REJECT_OTHER;
	if (x == NULL || x->p->reader != SL_READ_AUDITD)
		return 0;
	return next_ready(x, 0, ev, reason);
}

int
sl_extract_flush(struct sl_extractor *x, struct sl_event *ev,
    const char **reason)
{
	*reason = NULL;
	if (x != NULL)
		x->code = SL_REJECT_OTHER;
	if (x == NULL || x->p->reader != SL_READ_AUDITD)
		return 0;
	return next_ready(x, 1, ev, reason);
}
