/* gen-sample.c: writes the sample Foundry audit.3 evidence and its ground truth. */

/*
 * Everything here is a pure function of the seed: no time(), no locale, no
 * TZ, no floating point.  Gzip members are written by hand around raw
 * deflate (mtime 0, no name, OS 3) and the tar by hand (ustar, fixed mtime,
 * uid, gid and names), so the output is byte for byte the same on every run
 * with the same zlib.  See testdata/README.md for what is planted where.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <zlib.h>

#define DEFAULT_SEED 20260302u
#define NS_PER_S INT64_C(1000000000)
#define S_PER_DAY INT64_C(86400)
#define NDAYS 21		/* 2026-03-02 (Mon) .. 2026-03-22 (Sun) */
#define FIRST_TAR_DAY 14	/* days 14.. (2026-03-16 ..) only in the tar */
#define MISSING_DAY 9		/* 2026-03-11 (Wed): no logs at all */
#define LOCAL_OFFSET 3600	/* the agency keeps CET (UTC+1) all through */
#define NOFFICERS 30
#define NCASES 12
#define MAXSUBJ 4
#define MAXRES 6

/* ---- small helpers ------------------------------------------------------ */

struct sb {
	char *p;
	size_t n, cap;
};

static void
die(const char *msg)
{
	fprintf(stderr, "gen-sample: %s\n", msg);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static void
sb_grow(struct sb *b, size_t extra)
{
	if (b->n + extra + 1 <= b->cap)
		return;
	while (b->n + extra + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->p = xrealloc(b->p, b->cap);
}

static void
sb_add(struct sb *b, const void *p, size_t n)
{
	sb_grow(b, n);
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	sb_grow(b, 64);
	room = b->cap - b->n;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->n, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf");
	if ((size_t)n >= room) {
		sb_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->n += (size_t)n;
}

/* A JSON string literal; our strings are UTF-8 already. */
static void
sb_jstr(struct sb *b, const char *s)
{
	sb_puts(b, "\"");
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20)
			sb_printf(b, "\\u%04x", c);
		else
			sb_add(b, s, 1);
	}
	sb_puts(b, "\"");
}

static void
sb_reset(struct sb *b)
{
	b->n = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

/* ---- deterministic randomness (splitmix64) ------------------------------ */

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, n); the bias of a 64-bit modulo is far below notice. */
static uint64_t
below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static int64_t
range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)below(r, (uint64_t)(hi - lo + 1));
}

static int
chance(struct rng *r, unsigned per_mille)
{
	return below(r, 1000) < per_mille;
}

static void
uuid(struct rng *r, char out[37])
{
	uint64_t a = rnd(r), b = rnd(r);

	a = (a & ~UINT64_C(0xf000)) | UINT64_C(0x4000);
	b = (b & ~(UINT64_C(3) << 62)) | (UINT64_C(2) << 62);
	snprintf(out, 37, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04"
	    PRIx64 "-%012" PRIx64, a >> 32, (a >> 16) & 0xffff, a & 0xffff,
	    b >> 48, b & UINT64_C(0xffffffffffff));
}

/* ---- civil time, UTC only ----------------------------------------------- */

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

/* digits: 9 for the log's nanoseconds, 6 for sessionlog's microseconds,
 * 0 for whole seconds. */
static void
fmt_time(int64_t ns, int digits, char out[64])
{
	int64_t s = ns / NS_PER_S, frac = ns % NS_PER_S;
	int64_t days = s / S_PER_DAY, sec = s % S_PER_DAY;
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	if (digits == 9)
		snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%09" PRId64
		    "Z", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
		    (int)(sec % 60), frac);
	else if (digits == 6)
		snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64
		    "Z", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
		    (int)(sec % 60), frac / 1000);
	else
		snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		    (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

static void
fmt_date(int64_t day, char out[16])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

/* Microsecond time as sessionlog prints it (nanoseconds truncated). */
static void
fmt_us(int64_t ns, char out[64])
{
	fmt_time(ns, 6, out);
}

/* ---- the fictional agency ----------------------------------------------- */

static const char *const officer_names[NOFFICERS] = {
	"j.rivera", "a.schmidt", "m.okafor", "d.weber", "s.novak",
	"k.yilmaz", "l.fischer", "p.moreau", "r.costa", "t.brandt",
	"e.lindqvist", "h.nakamura", "c.oconnor", "b.kowalski", "f.haddad",
	"g.petrov", "i.santos", "n.becker", "o.jansen", "v.rossi",
	"w.zimmer", "y.dubois", "z.horvat", "a.meyer", "m.schulz",
	"s.wagner", "j.hoffmann", "l.koch", "r.richter", "t.klein",
};

static const char *const first_names[] = {
	"Marek", "Jana", "Tobias", "Ayla", "Stefan", "Milena", "Jonas",
	"Petra", "Arben", "Nadia", "Dragan", "Sophie", "Karim", "Elif",
	"Viktor", "Ines", "Luca", "Oksana", "Rafael", "Birgit", "Emre",
	"Katarina", "Florian", "Zoran", "Leila", "Henrik", "Dana",
};

/* No "Hartmann": the private person of scenario (b) is on no case. */
static const char *const last_names[] = {
	"Dudek", "Albrecht", "Berisha", "Kowalczyk", "Lange", "Marković",
	"Demir", "Vogel", "Krasniqi", "Sommer", "Popescu", "Brandl",
	"Jovanović", "Aydın", "Friedrich", "Nowak", "Kraus", "Hoxha",
	"Seidel", "Petrović", "Engel", "Kaya", "Lorenz", "Wolff",
};

static const char *const cities[] = {
	"Hamburg", "Kiel", "Lübeck", "Bremen", "Hannover", "Rostock",
};

static const char *const plate_prefix[] = {
	"HH", "KI", "HL", "HB", "H", "HRO", "SE", "OD", "PI",
};

enum ds {
	DS_CASES, DS_PERSONS, DS_VEHICLES, DS_TRAVEL, DS_PHONES, DS_ADDRESS,
	DS_BANK, DS_FIREARMS, DS_INCIDENTS, DS_WATCHLIST, DS_INFORMANTS,
	DS__COUNT
};

static const char *const ds_path[DS__COUNT] = {
	"/Agency/Cases/case_files",
	"/Agency/Registers/person_records",
	"/Agency/Registers/vehicle_registrations",
	"/Agency/Border/travel_records",
	"/Agency/Telecom/phone_subscribers",
	"/Agency/Registers/address_register",
	"/Agency/Finance/bank_transactions",
	"/Agency/Registers/firearms_licences",
	"/Agency/Cases/incident_reports",
	"/Agency/Intel/watchlist_entries",
	"/Agency/Intel/informant_register",
};

/* Relative weight of each dataset in everyday loads; the informant register
 * is restricted and never opened in the normal course of work. */
static const unsigned ds_weight[DS__COUNT] = {
	30, 25, 15, 10, 8, 12, 3, 2, 12, 4, 0,
};

struct subject {
	char name[64];		/* "Marek Dudek" */
	char first[32], last[32];
	char city[16];
	char obj[80];		/* person object RID */
};

struct kase {
	char id[16];		/* CASE-2026-0117 */
	struct subject subj[MAXSUBJ];
	int nsubj;
	char plate[16], plate_obj[80];
	char phone[24];
	char analysis[80];	/* Contour analysis RID */
};

struct officer {
	const char *name;
	char ip[24];
	int unit;
	int cases[3];
	int ncases;
	int arrive;		/* seconds after local midnight */
	int leave_days;		/* bit mask of days off */
};

/* The planted scenarios (see TRUTH.md). */
#define NIGHT_USER "m.okafor"
#define NIGHT_DAY 10		/* 2026-03-12 (Thu) */
#define NIGHT_IP "10.99.14.7"
#define PRIVATE_USER "d.weber"
#define PRIVATE_DAY 15		/* 2026-03-17 (Tue), inside the tar */
#define PRIVATE_NAME "Lena Hartmann"
#define SHARED_USER "s.novak"
#define SHARED_DAY 3		/* 2026-03-05 (Thu) */
#define SHARED_IP "10.20.15.57"
#define DENIED_USER "k.yilmaz"
#define DENIED_DAY 17		/* 2026-03-19 (Thu), inside the tar */
#define DENIED_N 12
/* Delivery quirks. */
#define MULTI_USER "a.schmidt"
#define MULTI_DAY 2		/* 2026-03-04: two gzip members */
#define EXACT_USER "l.fischer"
#define EXACT_DAY 4		/* 2026-03-06: three lines written twice */
#define SAMEID_USER "p.moreau"
#define SAMEID_DAY 7		/* 2026-03-09: two lines re-serialised */
#define REDELIVER_USER "r.costa"
#define REDELIVER_DAY 11	/* 2026-03-13: delivered again in the tar */

struct product {
	const char *name, *version, *service, *host[3];
};

enum prod {
	P_MULTIPASS, P_GOTHAM, P_OBJEXP, P_CONTOUR, P_DATAPROXY, P_SEARCHSVC,
	P__COUNT
};

static const struct product products[P__COUNT] = {
	{ "multipass", "3.418.0", "multipass",
	  { "multipass-5b7d9c8f6-4xk2p", "multipass-5b7d9c8f6-9hq7t",
	    "multipass-5b7d9c8f6-rm2zc" } },
	{ "gotham", "4.112.3", "gotham-server",
	  { "gotham-server-0", "gotham-server-1", "gotham-server-2" } },
	{ "object-explorer", "2.77.1", "object-explorer",
	  { "object-explorer-6f5c8-2bd9x", "object-explorer-6f5c8-k8w4q",
	    "object-explorer-6f5c8-t7n2m" } },
	{ "contour", "3.201.0", "contour-backend",
	  { "contour-backend-77d4b-5jx8s", "contour-backend-77d4b-c2v6r",
	    "contour-backend-77d4b-q9l3f" } },
	{ "data-proxy", "1.884.2", "data-proxy",
	  { "data-proxy-8c6f7d-2mkd4", "data-proxy-8c6f7d-hx5ql",
	    "data-proxy-8c6f7d-w3zt8" } },
	{ "search-service", "5.40.0", "search-service",
	  { "search-service-59fb7-6tq2n", "search-service-59fb7-b8m1v",
	    "search-service-59fb7-x4c7k" } },
};

static const char *const browser_ua[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 "
	"Firefox/123.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.66",
};

#define SVC_SEARCH "svc.search-backend"
#define SVC_CONTOUR "svc.contour-builds"

/* ---- output collection -------------------------------------------------- */

struct line {
	int64_t ns;
	uint32_t seq;
	char *text;
	char id[37];		/* logEntryId */
	const char *user;	/* attributed user (static string) */
};

struct file {
	struct line *v;
	size_t n, cap;
};

/* A session as the truth file describes it. */
struct span {
	char sid[37];
	int64_t first, last;	/* ns */
	int events;		/* records with this sid */
	int user_events;	/* of which started by the user (origins set) */
	int64_t bytes, rows;	/* dataExport sums */
	int exports, denied, justifies, searches, loads;
	char ip[24];
};

struct gen {
	struct rng r;
	uint64_t seed;
	char org[80];
	char ds_rid[DS__COUNT][64];
	struct kase cases[NCASES];
	struct officer off[NOFFICERS];
	char private_obj[80];
	char svc_sid[37], svc_token[37];
	uint32_t seq;
	struct sb tmp, req, res;
	struct file *f;		/* where emit() writes */
	struct span *cur;	/* session being generated, or NULL */
	const struct subject *last_subj;
	char last_results[MAXRES][80];
	int nlast;
};

/* lo..hi whole units plus a random fraction, as ns; C leaves the order of
 * two calls in one expression open, so each draw is its own statement. */
static int64_t
secs(struct gen *g, int64_t lo, int64_t hi)
{
	int64_t s = range(&g->r, lo, hi);

	return s * NS_PER_S + range(&g->r, 0, NS_PER_S - 1);
}

static int64_t
msecs(struct gen *g, int64_t lo, int64_t hi)
{
	int64_t ms = range(&g->r, lo, hi);

	return ms * 1000000 + range(&g->r, 0, 999999);
}

static void
file_push(struct gen *g, int64_t ns, const char *text, const char *id,
    const char *user)
{
	struct file *f = g->f;
	struct line *l;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 128;
		f->v = xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	l = &f->v[f->n++];
	l->ns = ns;
	l->seq = g->seq++;
	l->text = xstrdup(text);
	memcpy(l->id, id, 37);
	l->user = user;
}

static int
line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
file_free(struct file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].text);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* ---- one audit.3 record ------------------------------------------------- */

struct rec {
	int64_t ns;
	const char *uid;	/* the caller */
	const char *obo;	/* the human it acts for, or NULL */
	const char *sid, *token, *trace;
	const char *name;
	int prod;
	const char *cats;	/* JSON array text */
	const char *req, *res;	/* JSON object text */
	const char *result;
	const char *ip;		/* NULL for a backend call */
	const char *ua;
};

static void
emit(struct gen *g, const struct rec *e)
{
	const struct product *p = &products[e->prod];
	struct sb *b = &g->tmp;
	char id[37], evid[37], seqid[37], t[64];
	const char *user = e->obo ? e->obo : e->uid;

	uuid(&g->r, id);
	uuid(&g->r, evid);
	uuid(&g->r, seqid);
	fmt_time(e->ns, 9, t);
	sb_reset(b);
	sb_printf(b, "{\"categories\":%s,\"entities\":[],"
	    "\"environment\":\"prod\",\"eventId\":\"%s\",\"host\":\"%s\","
	    "\"logEntryId\":\"%s\",\"name\":\"%s\",\"orgId\":\"%s\",",
	    e->cats, evid, p->host[below(&g->r, 3)], id, e->name, g->org);
	if (e->ip != NULL)
		sb_printf(b, "\"origin\":\"%s\",\"origins\":[\"%s\"],", e->ip,
		    e->ip);
	else
		sb_puts(b, "\"origins\":[],");
	sb_printf(b, "\"product\":\"%s\",\"productVersion\":\"%s\","
	    "\"requestFields\":%s,\"result\":\"%s\",\"resultFields\":%s,"
	    "\"sequenceId\":\"%s\",\"service\":\"%s\",\"sid\":\"%s\",",
	    p->name, p->version, e->req ? e->req : "{}", e->result,
	    e->res ? e->res : "{}", seqid, p->service, e->sid);
	if (e->ip != NULL)
		sb_printf(b, "\"sourceOrigin\":\"%s\",", e->ip);
	sb_printf(b, "\"stack\":\"agency-prod-eu1\",\"time\":\"%s\","
	    "\"tokenId\":\"%s\",\"traceId\":\"%s\",\"type\":\"audit.3\","
	    "\"uid\":\"%s\",\"userAgent\":", t, e->token, e->trace, e->uid);
	sb_jstr(b, e->ua);
	sb_printf(b, ",\"users\":[{\"uid\":\"%s\",\"userName\":\"%s\"}]}",
	    e->uid, e->uid);
	file_push(g, e->ns, b->p, id, user);

	if (g->cur != NULL && strcmp(e->sid, g->cur->sid) == 0) {
		struct span *s = g->cur;

		if (s->events == 0 || e->ns < s->first)
			s->first = e->ns;
		if (s->events == 0 || e->ns > s->last)
			s->last = e->ns;
		s->events++;
		if (e->ip != NULL)
			s->user_events++;
	}
}

/* ---- catalogue set-up --------------------------------------------------- */

static void
make_rid(struct gen *g, const char *prefix, char *out, size_t n)
{
	char u[37];

	uuid(&g->r, u);
	snprintf(out, n, "%s%s", prefix, u);
}

static void
setup(struct gen *g)
{
	char u[37];
	int i, j, pp, l1, l2, num;

	make_rid(g, "ri.multipass..organization.", g->org, sizeof(g->org));
	for (i = 0; i < DS__COUNT; i++)
		make_rid(g, "ri.foundry.main.dataset.", g->ds_rid[i],
		    sizeof(g->ds_rid[i]));
	make_rid(g, "ri.phonograph2-objects.main.object.", g->private_obj,
	    sizeof(g->private_obj));
	for (i = 0; i < NCASES; i++) {
		struct kase *k = &g->cases[i];
		int dup;

		do {
			dup = 0;
			snprintf(k->id, sizeof(k->id), "CASE-2026-%04d",
			    (int)range(&g->r, 101, 199));
			for (j = 0; j < i; j++)
				dup |= strcmp(g->cases[j].id, k->id) == 0;
		} while (dup);
		k->nsubj = (int)range(&g->r, 2, MAXSUBJ);
		for (j = 0; j < k->nsubj; j++) {
			struct subject *s = &k->subj[j];

			snprintf(s->first, sizeof(s->first), "%s",
			    first_names[below(&g->r,
			    sizeof(first_names) / sizeof(*first_names))]);
			/* Relatives share the first subject's surname. */
			snprintf(s->last, sizeof(s->last), "%s",
			    j == 1 && chance(&g->r, 500) ? k->subj[0].last :
			    last_names[below(&g->r,
			    sizeof(last_names) / sizeof(*last_names))]);
			strcpy(s->name, s->first);
			strcat(s->name, " ");
			strcat(s->name, s->last);
			snprintf(s->city, sizeof(s->city), "%s",
			    cities[below(&g->r,
			    sizeof(cities) / sizeof(*cities))]);
			make_rid(g, "ri.phonograph2-objects.main.object.",
			    s->obj, sizeof(s->obj));
		}
		pp = (int)below(&g->r,
		    sizeof(plate_prefix) / sizeof(*plate_prefix));
		l1 = 'A' + (int)below(&g->r, 26);
		l2 = 'A' + (int)below(&g->r, 26);
		num = (int)range(&g->r, 10, 9999);
		snprintf(k->plate, sizeof(k->plate), "%s-%c%c %d",
		    plate_prefix[pp], l1, l2, num);
		make_rid(g, "ri.phonograph2-objects.main.object.", k->plate_obj,
		    sizeof(k->plate_obj));
		l1 = (int)range(&g->r, 1, 9);
		l2 = (int)range(&g->r, 0, 9999);
		num = (int)range(&g->r, 0, 9999);
		snprintf(k->phone, sizeof(k->phone), "+49 15%d %04d %04d",
		    l1, l2, num);
		make_rid(g, "ri.contour.main.analysis.", k->analysis,
		    sizeof(k->analysis));
	}
	for (i = 0; i < NOFFICERS; i++) {
		struct officer *o = &g->off[i];

		o->name = officer_names[i];
		o->unit = i % 5;
		snprintf(o->ip, sizeof(o->ip), "10.20.%d.%d", 10 + o->unit,
		    (int)range(&g->r, 20, 240));
		o->ncases = (int)range(&g->r, 1, 3);
		for (j = 0; j < o->ncases; j++)
			o->cases[j] = (o->unit * 2 + j +
			    (int)below(&g->r, 3)) % NCASES;
		o->arrive = 7 * 3600 + 1800 + (int)below(&g->r, 5400);
		/* About one weekday in fifteen off, never on a day that
		 * carries a planted scenario or delivery quirk. */
		o->leave_days = 0;
		for (j = 0; j < NDAYS; j++)
			if (chance(&g->r, 60))
				o->leave_days |= 1 << j;
	}
	uuid(&g->r, u);
	memcpy(g->svc_token, u, 37);
}

/* ---- activities --------------------------------------------------------- */

static const char *
ua_of(const struct officer *o)
{
	return browser_ua[strlen(o->name) % 3];
}

struct sess {
	const struct officer *o;
	char sid[37], token[37];
	const char *ip;
	const char *ua;
	int kase;		/* the case worked on, -1 none */
};

static void
json_list(struct sb *b, char list[][80], int n)
{
	int i;

	sb_puts(b, "[");
	for (i = 0; i < n; i++)
		sb_printf(b, "%s\"%s\"", i ? "," : "", list[i]);
	sb_puts(b, "]");
}

static void
base_rec(const struct sess *s, struct rec *e, int64_t ns, const char *trace)
{
	memset(e, 0, sizeof(*e));
	e->ns = ns;
	e->uid = s->o->name;
	e->sid = s->sid;
	e->token = s->token;
	e->trace = trace;
	e->result = "SUCCESS";
	e->ip = s->ip;
	e->ua = s->ua;
}

/* A result other than success, now and then and never in bursts. */
static const char *
random_result(struct gen *g)
{
	uint64_t x = below(&g->r, 1000);

	if (x < 3)
		return "ERROR";
	if (x < 5)
		return "UNAUTHORIZED";
	return "SUCCESS";
}

static void
ev_login(struct gen *g, const struct sess *s, int64_t ns)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base_rec(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"loginUserId\":\"%s\"}", s->o->name);
	e.name = "MULTIPASS_LOGIN";
	e.prod = P_MULTIPASS;
	e.cats = "[\"userLogin\"]";
	e.req = g->req.p;
	emit(g, &e);
}

static void
ev_logout(struct gen *g, const struct sess *s, int64_t ns)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base_rec(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"logoutUserId\":\"%s\"}", s->o->name);
	e.name = "MULTIPASS_LOGOUT";
	e.prod = P_MULTIPASS;
	e.cats = "[\"userLogout\"]";
	e.req = g->req.p;
	emit(g, &e);
}

static void
ev_justify(struct gen *g, const struct sess *s, int64_t ns, const char *text)
{
	struct rec e;
	char trace[37], jid[37];

	uuid(&g->r, trace);
	uuid(&g->r, jid);
	base_rec(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"userJustifyId\":\"%s\",\"userJustification\":",
	    jid);
	sb_jstr(&g->req, text);
	sb_puts(&g->req, "}");
	e.name = "GOTHAM_SUBMIT_JUSTIFICATION";
	e.prod = P_GOTHAM;
	e.cats = "[\"userJustify\"]";
	e.req = g->req.p;
	emit(g, &e);
	if (g->cur != NULL)
		g->cur->justifies++;
}

static void
purpose_text(struct gen *g, const struct kase *k, char *out, size_t n)
{
	static const char *const pre[] = {
		"", "", "", "", "", "Ermittlungsverfahren ", "",
	};
	static const char *const post[] = {
		" investigation",
		" investigation",
		": witness background check",
		" - vehicle trace",
		" follow-up on associates",
		" \xe2\x80\x93 Halterabfrage",
		": travel pattern analysis",
	};
	uint64_t i = below(&g->r, sizeof(post) / sizeof(*post));

	snprintf(out, n, "%s%s%s", pre[i], k->id, post[i]);
}

/* Searches: the text typed and, with it, the backend hydration call made
 * on the officer's behalf in the same trace. */
static void
ev_search(struct gen *g, const struct sess *s, int64_t ns, const char *query,
    const char *hit, int nres)
{
	struct rec e;
	char trace[37];
	int i;

	uuid(&g->r, trace);
	g->nlast = 0;
	if (hit != NULL && nres > 0)
		snprintf(g->last_results[g->nlast++], 80, "%s", hit);
	for (i = g->nlast; i < nres && i < MAXRES; i++)
		make_rid(g, "ri.phonograph2-objects.main.object.",
		    g->last_results[g->nlast++], 80);
	base_rec(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_puts(&g->req, "{\"dataSearchContext\":\"gotham-global-search\","
	    "\"dataSearchQuery\":");
	sb_jstr(&g->req, query);
	sb_puts(&g->req, "}");
	sb_reset(&g->res);
	sb_puts(&g->res, "{\"dataSearchResults\":");
	json_list(&g->res, g->last_results, g->nlast);
	sb_puts(&g->res, "}");
	e.name = "GOTHAM_SEARCH";
	e.prod = P_GOTHAM;
	e.cats = "[\"dataSearch\"]";
	e.req = g->req.p;
	e.res = g->res.p;
	e.result = random_result(g);
	emit(g, &e);
	if (g->cur != NULL)
		g->cur->searches++;

	if (g->nlast > 0 && chance(&g->r, 600)) {
		base_rec(s, &e, ns + msecs(g, 2, 60), trace);
		sb_reset(&g->req);
		sb_printf(&g->req, "{\"onBehalfOfUserIds\":[\"%s\"]}",
		    s->o->name);
		sb_reset(&g->res);
		sb_printf(&g->res, "{\"loadedResources\":[\"%s\"]}",
		    g->ds_rid[DS_PERSONS]);
		e.uid = SVC_SEARCH;
		e.obo = s->o->name;
		e.token = g->svc_token;
		e.ip = NULL;
		e.ua = "search-service/5.40.0 (conjure-java-runtime)";
		e.name = "SEARCH_SERVICE_HYDRATE_RESULTS";
		e.prod = P_SEARCHSVC;
		e.cats = "[\"dataLoad\",\"onBehalfOf\"]";
		e.req = g->req.p;
		e.res = g->res.p;
		emit(g, &e);
	}
}

static void
ev_object_load(struct gen *g, const struct sess *s, int64_t ns,
    const char *obj, const char *result)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base_rec(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"requestedOntologyDataResources\":[\"%s\"]}",
	    obj);
	sb_reset(&g->res);
	if (strcmp(result, "SUCCESS") == 0)
		sb_printf(&g->res,
		    "{\"loadedOntologyDataResources\":[\"%s\"]}", obj);
	else
		sb_puts(&g->res, "{\"loadedOntologyDataResources\":[]}");
	e.name = "OBJECT_EXPLORER_LOAD_OBJECT";
	e.prod = P_OBJEXP;
	e.cats = "[\"ontologyDataLoad\"]";
	e.req = g->req.p;
	e.res = g->res.p;
	e.result = result;
	emit(g, &e);
	if (g->cur != NULL) {
		g->cur->loads++;
		if (strcmp(result, "UNAUTHORIZED") == 0)
			g->cur->denied++;
	}
}

static void
ev_data_load(struct gen *g, const struct sess *s, int64_t ns, int ds,
    const char *result)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base_rec(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"datasetRid\":\"%s\",\"rowLimit\":%d}",
	    g->ds_rid[ds], chance(&g->r, 500) ? 500 : 100);
	sb_reset(&g->res);
	if (strcmp(result, "SUCCESS") == 0)
		sb_printf(&g->res, "{\"loadedResources\":[\"%s\"]}",
		    g->ds_rid[ds]);
	else
		sb_puts(&g->res, "{\"loadedResources\":[]}");
	e.name = "DATA_PROXY_READ_TABLE";
	e.prod = P_DATAPROXY;
	e.cats = "[\"dataLoad\"]";
	e.req = g->req.p;
	e.res = g->res.p;
	e.result = result;
	emit(g, &e);
	if (g->cur != NULL) {
		g->cur->loads++;
		if (strcmp(result, "UNAUTHORIZED") == 0)
			g->cur->denied++;
	}
}

static void
ev_analysis(struct gen *g, const struct sess *s, int64_t ns,
    const struct kase *k)
{
	struct rec e;
	char trace[37];
	int ds = chance(&g->r, 500) ? DS_TRAVEL : DS_PHONES;

	uuid(&g->r, trace);
	base_rec(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"accessedLogicResources\":[\"%s\"]}",
	    k->analysis);
	e.name = "CONTOUR_OPEN_ANALYSIS";
	e.prod = P_CONTOUR;
	e.cats = "[\"logicAccess\"]";
	e.req = g->req.p;
	emit(g, &e);

	/* Contour's build service loads the analysis inputs for the user. */
	base_rec(s, &e, ns + msecs(g, 40, 900), trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"onBehalfOfUserIds\":[\"%s\"]}", s->o->name);
	sb_reset(&g->res);
	sb_printf(&g->res, "{\"loadedResources\":[\"%s\",\"%s\"]}",
	    g->ds_rid[DS_CASES], g->ds_rid[ds]);
	e.uid = SVC_CONTOUR;
	e.obo = s->o->name;
	e.token = g->svc_token;
	e.ip = NULL;
	e.ua = "contour-backend/3.201.0 (conjure-java-runtime)";
	e.name = "CONTOUR_COMPUTE_BOARD";
	e.prod = P_CONTOUR;
	e.cats = "[\"dataLoad\",\"onBehalfOf\"]";
	e.req = g->req.p;
	e.res = g->res.p;
	emit(g, &e);
	if (g->cur != NULL)
		g->cur->loads++;
}

static void
ev_export(struct gen *g, const struct sess *s, int64_t ns, int ds,
    int64_t rows, int64_t bytes, int csv)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base_rec(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"downloadedResources\":[\"%s\"],"
	    "\"exportFormat\":\"%s\"}", g->ds_rid[ds], csv ? "CSV" : "XLSX");
	sb_reset(&g->res);
	sb_printf(&g->res, "{\"downloadedSize\":%" PRId64 ",\"rowCount\":%"
	    PRId64 "}", bytes, rows);
	e.name = csv ? "CONTOUR_EXPORT_CSV" : "CONTOUR_EXPORT_XLSX";
	e.prod = P_CONTOUR;
	e.cats = "[\"dataExport\"]";
	e.req = g->req.p;
	e.res = g->res.p;
	emit(g, &e);
	if (g->cur != NULL) {
		g->cur->exports++;
		g->cur->bytes += bytes;
		g->cur->rows += rows;
	}
}

static void
ev_internal(struct gen *g, const struct sess *s, int64_t ns)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base_rec(s, &e, ns, trace);
	e.ip = NULL;
	e.name = "MULTIPASS_REFRESH_TOKEN";
	e.prod = P_MULTIPASS;
	e.cats = "[\"internal\"]";
	emit(g, &e);
}

/* A human pause between two clicks, in ns: mostly one to four minutes,
 * sometimes a long read.  Integer only, so no libm rounding differences. */
static int64_t
pause_ns(struct gen *g)
{
	int64_t s = range(&g->r, 8, 150);

	s += range(&g->r, 0, 150);

	if (chance(&g->r, 150))
		s += range(&g->r, 300, 1200);
	return s * NS_PER_S + range(&g->r, 0, NS_PER_S - 1);
}

static void
search_query(struct gen *g, const struct kase *k, char *q, size_t n,
    const char **hit)
{
	const struct subject *sj = &k->subj[below(&g->r, (uint64_t)k->nsubj)];
	char compact[16];
	size_t i, j;

	switch (below(&g->r, 9)) {
	case 0: case 1: case 2:
		snprintf(q, n, "%s", sj->name);
		*hit = sj->obj;
		break;
	case 3:
		snprintf(q, n, "%s, %s", sj->last, sj->first);
		*hit = sj->obj;
		break;
	case 4:
		snprintf(q, n, "%s %s", sj->last, sj->city);
		*hit = sj->obj;
		break;
	case 5:
		snprintf(q, n, "%s", k->plate);
		*hit = k->plate_obj;
		break;
	case 6:
		for (i = j = 0; k->plate[i] != '\0' && j + 1 < sizeof(compact);
		    i++)
			if (k->plate[i] != '-' && k->plate[i] != ' ')
				compact[j++] = k->plate[i];
		compact[j] = '\0';
		snprintf(q, n, "%s", compact);
		*hit = k->plate_obj;
		break;
	case 7:
		snprintf(q, n, "%s", k->phone);
		*hit = NULL;
		break;
	default:
		snprintf(q, n, "%s", k->id);
		*hit = NULL;
		break;
	}
	g->last_subj = sj;
}

static int
pick_ds(struct gen *g)
{
	unsigned total = 0, x;
	int i;

	for (i = 0; i < DS__COUNT; i++)
		total += ds_weight[i];
	x = (unsigned)below(&g->r, total);
	for (i = 0; i < DS__COUNT; i++) {
		if (x < ds_weight[i])
			return i;
		x -= ds_weight[i];
	}
	return 0;
}

static void
sess_open(struct gen *g, struct sess *s, const struct officer *o,
    const char *ip, struct span *sp)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	uuid(&g->r, s->sid);
	uuid(&g->r, s->token);
	s->ip = ip;
	s->ua = ua_of(o);
	s->kase = o->cases[below(&g->r, (uint64_t)o->ncases)];
	memset(sp, 0, sizeof(*sp));
	memcpy(sp->sid, s->sid, 37);
	snprintf(sp->ip, sizeof(sp->ip), "%s", ip);
	g->cur = sp;
	g->nlast = 0;
}

/*
 * An ordinary working session: login, a stated purpose, nact actions on
 * the officer's cases, usually a logout.  Returns the time of its last event.
 */
static int64_t
work_session(struct gen *g, const struct officer *o, int64_t t,
    const char *ip, int nact, struct span *sp)
{
	struct sess s;
	char purpose[128], q[96];
	const char *hit;
	int i;

	sess_open(g, &s, o, ip, sp);
	ev_login(g, &s, t);
	t += secs(g, 5, 90);
	/* Almost always a purpose first; one session in fifty goes without,
	 * as happens when the form is skipped for a quick lookup. */
	if (!chance(&g->r, 20)) {
		purpose_text(g, &g->cases[s.kase], purpose, sizeof(purpose));
		ev_justify(g, &s, t, purpose);
		t += secs(g, 3, 40);
	}
	for (i = 0; i < nact; i++) {
		const struct kase *k = &g->cases[s.kase];
		uint64_t x = below(&g->r, 100);

		if (x < 42) {
			search_query(g, k, q, sizeof(q), &hit);
			ev_search(g, &s, t, q, hit, (int)range(&g->r,
			    hit ? 1 : 0, MAXRES));
		} else if (x < 64) {
			const char *obj = k->subj[0].obj;

			if (g->nlast > 0)
				obj = g->last_results[below(&g->r,
				    (uint64_t)g->nlast)];
			ev_object_load(g, &s, t, obj, random_result(g));
		} else if (x < 84) {
			int ds = pick_ds(g);

			ev_data_load(g, &s, t, ds, random_result(g));
		} else if (x < 92) {
			ev_analysis(g, &s, t, k);
		} else if (x < 94) {
			int ds = chance(&g->r, 500) ? DS_CASES :
			    DS_INCIDENTS;
			int64_t rows = range(&g->r, 3, 400);
			int64_t width = range(&g->r, 180, 420);

			ev_export(g, &s, t, ds, rows, rows * width,
			    chance(&g->r, 700));
		} else if (x < 97) {
			ev_internal(g, &s, t);
		} else if (o->ncases > 1) {
			/* Moving to another case: a new purpose. */
			s.kase = o->cases[below(&g->r, (uint64_t)o->ncases)];
			purpose_text(g, &g->cases[s.kase], purpose,
			    sizeof(purpose));
			ev_justify(g, &s, t, purpose);
		} else {
			ev_internal(g, &s, t);
		}
		t += pause_ns(g);
	}
	if (chance(&g->r, 850))
		ev_logout(g, &s, t);
	else
		t -= pause_ns(g) / 4;	/* timed out: no logout record */
	g->cur = NULL;
	return sp->last;
}

/* ---- the planted scenarios ---------------------------------------------- */

struct truth {
	struct span night, priv, shared_a, shared_b, denied;
	int64_t denied_first, denied_last;
	char night_purpose[128];
	int night_ds[DS__COUNT];
};

static void
night_export(struct gen *g, const struct officer *o, int64_t day0,
    struct truth *tr)
{
	static const int order[] = {
		DS_PERSONS, DS_ADDRESS, DS_PHONES, DS_VEHICLES, DS_TRAVEL,
		DS_BANK,
	};
	struct sess s;
	int64_t t = day0 + (2 * 3600 + 13 * 60 - LOCAL_OFFSET) * NS_PER_S +
	    secs(g, 0, 59);
	int i;

	sess_open(g, &s, o, NIGHT_IP, &tr->night);
	ev_login(g, &s, t);
	t += secs(g, 20, 40);
	snprintf(tr->night_purpose, sizeof(tr->night_purpose),
	    "%s investigation", g->cases[o->cases[0]].id);
	ev_justify(g, &s, t, tr->night_purpose);
	t += range(&g->r, 10, 30) * NS_PER_S;
	for (i = 0; i < 18; i++) {
		int ds = order[i % 6];
		int64_t rows = range(&g->r, 180000, 1400000);

		if (i % 6 == 0) {
			ev_data_load(g, &s, t, ds, "SUCCESS");
			t += secs(g, 8, 20);
		}
		int64_t width = range(&g->r, 190, 260);

		ev_export(g, &s, t, ds, rows, rows * width, 1);
		tr->night_ds[ds]++;
		t += secs(g, 55, 95);
	}
	ev_logout(g, &s, t);
	g->cur = NULL;
}

static void
private_search(struct gen *g, const struct officer *o, int64_t t,
    struct truth *tr)
{
	static const char *const queries[] = {
		"Lena Hartmann", "Hartmann, Lena", "Hartmann Kiel",
		"lena hartmann 1991",
	};
	struct sess s;
	size_t i;

	sess_open(g, &s, o, o->ip, &tr->priv);
	ev_login(g, &s, t);
	t += secs(g, 10, 40);
	for (i = 0; i < sizeof(queries) / sizeof(*queries); i++) {
		ev_search(g, &s, t, queries[i], g->private_obj,
		    i == 2 ? 3 : 1);
		t += secs(g, 20, 70);
		if (i == 0 || i == 3) {
			ev_object_load(g, &s, t, g->private_obj, "SUCCESS");
			t += secs(g, 30, 120);
		}
	}
	ev_data_load(g, &s, t, DS_ADDRESS, "SUCCESS");
	t += secs(g, 40, 90);
	ev_data_load(g, &s, t, DS_VEHICLES, "SUCCESS");
	t += secs(g, 40, 90);
	ev_logout(g, &s, t);
	g->cur = NULL;
}

static void
denied_burst(struct gen *g, const struct officer *o, int64_t t,
    struct truth *tr)
{
	struct sess s;
	char purpose[128], q[96];
	const char *hit;
	int i;

	sess_open(g, &s, o, o->ip, &tr->denied);
	ev_login(g, &s, t);
	t += range(&g->r, 10, 40) * NS_PER_S;
	purpose_text(g, &g->cases[s.kase], purpose, sizeof(purpose));
	ev_justify(g, &s, t, purpose);
	for (i = 0; i < 3; i++) {
		t += secs(g, 30, 90);
		search_query(g, &g->cases[s.kase], q, sizeof(q), &hit);
		ev_search(g, &s, t, q, hit, 3);
	}
	for (i = 0; i < DENIED_N; i++) {
		t += secs(g, 6, 20);
		if (i == 0)
			tr->denied_first = t;
		tr->denied_last = t;
		if (i % 3 == 2)
			ev_object_load(g, &s, t, g->last_results[0],
			    "UNAUTHORIZED");
		else
			ev_data_load(g, &s, t, DS_INFORMANTS, "UNAUTHORIZED");
	}
	t += secs(g, 60, 180);
	ev_logout(g, &s, t);
	g->cur = NULL;
}

/* ---- a day of one officer ----------------------------------------------- */

static int
weekday(int64_t day)
{
	return (int)((day + 3) % 7);	/* 0 Monday; 1970-01-01 was a Thursday */
}

static int
is_quirk_day(const char *name, int d)
{
	return (d == NIGHT_DAY && strcmp(name, NIGHT_USER) == 0) ||
	    (d == PRIVATE_DAY && strcmp(name, PRIVATE_USER) == 0) ||
	    (d == SHARED_DAY && strcmp(name, SHARED_USER) == 0) ||
	    (d == DENIED_DAY && strcmp(name, DENIED_USER) == 0) ||
	    (d == MULTI_DAY && strcmp(name, MULTI_USER) == 0) ||
	    (d == EXACT_DAY && strcmp(name, EXACT_USER) == 0) ||
	    (d == SAMEID_DAY && strcmp(name, SAMEID_USER) == 0) ||
	    (d == REDELIVER_DAY && strcmp(name, REDELIVER_USER) == 0);
}

static void
officer_day(struct gen *g, const struct officer *o, int d, int64_t day0,
    struct truth *tr)
{
	struct span sp, first;
	int64_t t, end;

	if (d == NIGHT_DAY && strcmp(o->name, NIGHT_USER) == 0)
		night_export(g, o, day0, tr);

	/* Morning, late morning, after lunch, sometimes late afternoon:
	 * each session a run of work, the gaps meetings and phone calls. */
	t = day0 + (int64_t)(o->arrive - LOCAL_OFFSET) * NS_PER_S +
	    secs(g, -900, 900);
	end = work_session(g, o, t, o->ip, (int)range(&g->r, 6, 12), &first);
	t = end + secs(g, 2700, 6300);
	end = work_session(g, o, t, o->ip, (int)range(&g->r, 3, 8), &sp);
	t = day0 + (int64_t)(13 * 3600 - LOCAL_OFFSET) * NS_PER_S +
	    secs(g, 0, 3600);
	if (t < end + 600 * NS_PER_S)
		t = end + 600 * NS_PER_S + range(&g->r, 0, NS_PER_S - 1);
	end = work_session(g, o, t, o->ip, (int)range(&g->r, 4, 10), &sp);
	t = end + secs(g, 2700, 7200);
	if (chance(&g->r, 600)) {
		end = work_session(g, o, t, o->ip, (int)range(&g->r, 3, 6),
		    &sp);
		t = end + range(&g->r, 900, 2400) * NS_PER_S;
	}
	/* Overtime now and then: a short evening session after 18:00. */
	if (chance(&g->r, 100)) {
		int64_t eve = day0 + (int64_t)(18 * 3600 - LOCAL_OFFSET) *
		    NS_PER_S + secs(g, 0, 4800);

		if (eve > t)
			t = eve;
		end = work_session(g, o, t, o->ip, (int)range(&g->r, 3, 8),
		    &sp);
		t = end + range(&g->r, 900, 2400) * NS_PER_S;
	}

	if (d == SHARED_DAY && strcmp(o->name, SHARED_USER) == 0) {
		/* Someone else at another desk logs in as this officer
		 * while the officer's own first session is running. */
		tr->shared_a = first;
		t = first.first + (first.last - first.first) / 4;
		work_session(g, o, t, SHARED_IP, 9, &tr->shared_b);
	}
	if (d == PRIVATE_DAY && strcmp(o->name, PRIVATE_USER) == 0)
		private_search(g, o, t, tr);
	if (d == DENIED_DAY && strcmp(o->name, DENIED_USER) == 0)
		denied_burst(g, o, t, tr);
}

static void
weekend_day(struct gen *g, int64_t day0)
{
	int a = (int)below(&g->r, NOFFICERS);
	int b = (a + 1 + (int)below(&g->r, NOFFICERS - 1)) % NOFFICERS;
	struct span sp;
	int64_t t;

	t = day0 + (int64_t)(9 * 3600 + (int)below(&g->r, 7200)) * NS_PER_S;
	work_session(g, &g->off[a], t, g->off[a].ip,
	    (int)range(&g->r, 5, 12), &sp);
	t = day0 + (int64_t)(12 * 3600 + (int)below(&g->r, 7200)) * NS_PER_S;
	work_session(g, &g->off[b], t, g->off[b].ip,
	    (int)range(&g->r, 5, 12), &sp);
}

/* ---- gzip and tar ------------------------------------------------------- */

/* One gzip member around raw deflate: mtime 0, no name, XFL 0, OS 3. */
static void
gzip_member(struct sb *out, const char *p, size_t n)
{
	static const unsigned char hdr[10] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3
	};
	unsigned char buf[16384], tr[8];
	z_stream z;
	uLong crc = crc32(0L, Z_NULL, 0);
	int ret;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		die("deflateInit2");
	sb_add(out, hdr, sizeof(hdr));
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		ret = deflate(&z, Z_FINISH);
		if (ret == Z_STREAM_ERROR)
			die("deflate");
		sb_add(out, buf, sizeof(buf) - z.avail_out);
	} while (ret != Z_STREAM_END);
	deflateEnd(&z);
	crc = crc32(crc, (const unsigned char *)p, (uInt)n);
	tr[0] = (unsigned char)crc;
	tr[1] = (unsigned char)(crc >> 8);
	tr[2] = (unsigned char)(crc >> 16);
	tr[3] = (unsigned char)(crc >> 24);
	tr[4] = (unsigned char)n;
	tr[5] = (unsigned char)(n >> 8);
	tr[6] = (unsigned char)(n >> 16);
	tr[7] = (unsigned char)(n >> 24);
	sb_add(out, tr, sizeof(tr));
}

static void
tar_header(struct sb *t, const char *name, size_t size, int dir)
{
	unsigned char h[512];
	unsigned sum = 0;
	size_t i;

	if (strlen(name) >= 100)
		die("tar member name too long");
	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name));
	snprintf((char *)h + 100, 8, "%07o", dir ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 1000);
	snprintf((char *)h + 116, 8, "%07o", 1000);
	snprintf((char *)h + 124, 12, "%011zo", size);
	/* Packed the Monday after the last day, 06:00 UTC. */
	snprintf((char *)h + 136, 12, "%011llo", (unsigned long long)
	    (days_from_civil(2026, 3, 23) * S_PER_DAY + 6 * 3600));
	memset(h + 148, ' ', 8);
	h[156] = dir ? '5' : '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "export", 6);
	memcpy(h + 297, "export", 6);
	for (i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	sb_add(t, h, sizeof(h));
}

static void
tar_add(struct sb *t, const char *name, const void *p, size_t n)
{
	static const char zero[512];

	tar_header(t, name, n, 0);
	sb_add(t, p, n);
	if (n % 512)
		sb_add(t, zero, 512 - n % 512);
}

static void
tar_finish(struct sb *t)
{
	static const char zero[512];

	/* Two zero blocks, then padding to GNU tar's 10240-byte record. */
	sb_add(t, zero, 512);
	sb_add(t, zero, 512);
	while (t->n % 10240)
		sb_add(t, zero, 512);
}

static void
mkdirs(const char *path)
{
	char buf[4096];
	size_t i;

	if (strlen(path) >= sizeof(buf))
		die("path too long");
	strcpy(buf, path);
	for (i = 1; buf[i] != '\0'; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			die("cannot create a directory");
		buf[i] = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		die("cannot create a directory");
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(p, 1, n, fp) != n || fclose(fp) != 0) {
		fprintf(stderr, "gen-sample: %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

/* ---- accounting --------------------------------------------------------- */

/* Every logical log as a reader sees it, for the totals. */
struct logrec {
	char name[128];
	size_t nlines;
	const struct line **lines;
};

struct seen {
	uint64_t *h;
	const char **text;
	size_t cap;
};

static uint64_t
fnv(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h | 1;
}

/* Returns NULL if id is new, else the text first seen with it. */
static const char *
seen_add(struct seen *st, const char *id, const char *text)
{
	uint64_t h = fnv(id);
	size_t i = (size_t)(h % st->cap);

	while (st->h[i] != 0) {
		if (st->h[i] == h)
			return st->text[i];
		i = (i + 1) % st->cap;
	}
	st->h[i] = h;
	st->text[i] = text;
	return NULL;
}

/* ---- main --------------------------------------------------------------- */

struct userday {
	struct file f;
	int off, day;
};

struct totals {
	uint64_t logs, loose_files, loose_members, tar_members, records;
	uint64_t unique, dup_exact, dup_sameid;
	int64_t first, last;
	uint64_t user_events[NOFFICERS];
	int64_t user_first[NOFFICERS], user_last[NOFFICERS];
	uint64_t files_per_day[NDAYS];
};

static int
officer_index(const struct gen *g, const char *name)
{
	int i;

	for (i = 0; i < NOFFICERS; i++)
		if (strcmp(g->off[i].name, name) == 0)
			return i;
	return -1;
}

static void
account(const struct gen *g, struct totals *tt, struct seen *st,
    const struct line *l, const char *text)
{
	const char *prev;
	int u;

	tt->records++;
	prev = seen_add(st, l->id, text);
	if (prev != NULL) {
		if (strcmp(prev, text) == 0)
			tt->dup_exact++;
		else
			tt->dup_sameid++;
		return;
	}
	tt->unique++;
	if (tt->unique == 1 || l->ns < tt->first)
		tt->first = l->ns;
	if (tt->unique == 1 || l->ns > tt->last)
		tt->last = l->ns;
	u = officer_index(g, l->user);
	if (u < 0)
		die("event without an officer");
	if (tt->user_events[u] == 0 || l->ns < tt->user_first[u])
		tt->user_first[u] = l->ns;
	if (tt->user_events[u] == 0 || l->ns > tt->user_last[u])
		tt->user_last[u] = l->ns;
	tt->user_events[u]++;
}

/*
 * The tar opens with a day delivered before: the same lines again, plus two
 * late internal events the first export had missed.
 */
static void
redeliver(struct gen *g, struct totals *tt, struct seen *st, struct sb *tar,
    const struct file *rf, const struct officer *ro, int64_t day)
{
	struct sb body = { 0 }, gz = { 0 }, path = { 0 };
	struct file late = { 0 };
	struct span sp;
	struct sess s;
	struct rec e;
	char date[16], trace[37];
	size_t k;

	fmt_date(day, date);
	sb_printf(&path, "audit/%s/", date);
	tar_header(tar, path.p, 0, 1);
	for (k = 0; k < rf->n; k++) {
		sb_puts(&body, rf->v[k].text);
		sb_puts(&body, "\n");
		account(g, tt, st, &rf->v[k], rf->v[k].text);
	}
	g->f = &late;
	sess_open(g, &s, ro, ro->ip, &sp);
	g->cur = NULL;
	for (k = 0; k < 2; k++) {
		uuid(&g->r, trace);
		base_rec(&s, &e, rf->v[rf->n - 1].ns + (int64_t)(k + 1) * 40 *
		    60 * NS_PER_S + range(&g->r, 0, NS_PER_S - 1), trace);
		e.ip = NULL;
		e.name = "MULTIPASS_REVOKE_EXPIRED_TOKEN";
		e.prod = P_MULTIPASS;
		e.cats = "[\"internal\"]";
		emit(g, &e);
	}
	for (k = 0; k < late.n; k++) {
		sb_puts(&body, late.v[k].text);
		sb_puts(&body, "\n");
		account(g, tt, st, &late.v[k], late.v[k].text);
	}
	gzip_member(&gz, body.p, body.n);
	sb_reset(&path);
	sb_printf(&path, "audit/%s/%s.jsonl.gz", date, ro->name);
	tar_add(tar, path.p, gz.p, gz.n);
	tt->logs++;
	tt->tar_members++;
	file_free(&late);
	free(body.p);
	free(gz.p);
	free(path.p);
}

/* The same record with its categories moved to the end, as a re-delivery
 * through another serialiser writes it: same logEntryId, other bytes. */
static char *
reserialise(const char *text)
{
	const char *end = strstr(text, "],");
	struct sb b = { 0 };
	size_t n = strlen(text);

	if (strncmp(text, "{\"categories\":", 14) != 0 || end == NULL)
		die("unexpected record layout");
	sb_puts(&b, "{");
	sb_add(&b, end + 2, n - (size_t)(end + 2 - text) - 1);
	sb_puts(&b, ",");
	sb_add(&b, text + 1, (size_t)(end + 1 - (text + 1)));
	sb_puts(&b, "}");
	return b.p;
}

static void
span_row(FILE *fp, const char *scen, const char *user, const struct span *s,
    const char *detail, const char *alert)
{
	char a[64], b[64];

	fmt_us(s->first, a);
	fmt_us(s->last, b);
	fprintf(fp, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", scen, user, s->sid,
	    a, b, s->events, detail, alert);
}

static void
total_row(FILE *fp, const char *metric, uint64_t v, const char *what)
{
	fprintf(fp, "total\t\t\t\t\t%" PRIu64 "\tmetric=%s; %s\t\t\t\n", v,
	    metric, what);
}

/* TRUTH.md: the story, then every row of truth.tsv as a table. */
static void
write_truth_md(const char *outdir, const struct gen *g)
{
	static const char *const text[] = {
"# Sample evidence: ground truth",
"",
"Written by `testdata/gen-sample` (seed %SEED%); do not edit, regenerate:",
"`build/testdata/gen-sample testdata/sample`.  The agency, its officers, its",
"cases and every person named here are fictional.",
"",
"## What it is",
"",
"Palantir Foundry audit logs, schema `audit.3`, of a fictional police",
"agency: 30 officers in five units, three weeks from Monday 2026-03-02 to",
"Sunday 2026-03-22.  One JSON object per line, one gzip file per user and",
"day (UTC days), as an audit export delivers them:",
"",
"- `audit/YYYY-MM-DD/USER.jsonl.gz`: weeks one and two, loose files;",
"- `delivery-2026-03-16.tar`: week three (2026-03-16 .. 2026-03-22) as",
"  `audit/YYYY-MM-DD/USER.jsonl.gz` members (with directory entries), and,",
"  first in the tar, a re-delivery of one day of week two.",
"",
"Times are UTC with nanoseconds; sessionlog keeps microseconds (truncated),",
"and so do the times below.  The agency works in CET (UTC+1; no daylight",
"saving change inside the span): office hours are about 07:30-17:00 local,",
"i.e. 06:30-16:00 UTC; weekends have two officers on duty each day.",
"",
"Each officer's work comes in sessions (`sid`): `userLogin`, a",
"`userJustify` naming the case (`CASE-2026-NNNN ...`; about one session",
"in fifty has none), searches (`dataSearch`, GOTHAM_SEARCH) for the case's",
"people, number plates, phone numbers and case number, object loads",
"(`ontologyDataLoad`), table reads (`dataLoad`), Contour analyses",
"(`logicAccess`) with the build service's delegated loads (`dataLoad` +",
"`onBehalfOf`, uid `svc.contour-builds`, empty `origins`), search",
"hydration calls on the officer's behalf (`svc.search-backend`), token",
"refreshes (`internal`, empty `origins`), small exports now and then",
"(`dataExport`, `downloadedSize` bytes, `rowCount` rows), and usually a",
"`userLogout`.  About 0.5 % of actions fail (`ERROR`) or are refused",
"(`UNAUTHORIZED`), one at a time.  The delegated calls carry the",
"officer's `sid` and `traceId`.",
"",
"Identity: real Foundry exports carry a UUID in `uid` and the readable",
"name, when at all, in `users[].userName`.  Here `uid` holds the login",
"name (`j.rivera`) so timelines read well; `users[0]` repeats it.  The",
"user a correct reader attributes an event to is",
"`requestFields.onBehalfOfUserIds[0]`, else `uid`.",
"",
"Datasets are Foundry RIDs; the catalogue:",
"",
NULL
	};
	struct sb b = { 0 }, p = { 0 };
	FILE *fp, *in;
	char line[8192];
	int i, first = 1;

	sb_printf(&p, "%s/TRUTH.md", outdir);
	fp = fopen(p.p, "w");
	if (fp == NULL)
		die("cannot write TRUTH.md");
	for (i = 0; text[i] != NULL; i++) {
		const char *s = strstr(text[i], "%SEED%");

		if (s != NULL)
			fprintf(fp, "%.*s%" PRIu64 "%s\n", (int)(s - text[i]),
			    text[i], g->seed, s + 6);
		else
			fprintf(fp, "%s\n", text[i]);
	}
	fprintf(fp, "| dataset | RID |\n| --- | --- |\n");
	for (i = 0; i < DS__COUNT; i++)
		fprintf(fp, "| `%s` | `%s` |\n", ds_path[i], g->ds_rid[i]);
	fprintf(fp, "\nCases and their people (searches only ever name "
	    "these, except in scenario (b)):\n\n| case | people | plate | "
	    "phone |\n| --- | --- | --- | --- |\n");
	for (i = 0; i < NCASES; i++) {
		const struct kase *k = &g->cases[i];
		int j;

		fprintf(fp, "| %s | ", k->id);
		for (j = 0; j < k->nsubj; j++)
			fprintf(fp, "%s%s", j ? ", " : "", k->subj[j].name);
		fprintf(fp, " | %s | %s |\n", k->plate, k->phone);
	}
	fprintf(fp, "\n%s",
"## Planted scenarios\n"
"\n"
"- (a) `bulk-export-night`: " NIGHT_USER " logs in at night over the VPN\n"
"  pool and exports six registers three times each, gigabytes in total.\n"
"- (b) `private-person-search`: " PRIVATE_USER " searches for \""
PRIVATE_NAME "\",\n"
"  a private person on no case, in a session with no justification, and\n"
"  opens her record and her address and vehicle entries.\n"
"- (c) `shared-account-concurrent`: " SHARED_USER "'s account is used from\n"
"  a second workstation in another unit while the officer's own session\n"
"  runs: two sessions, two origins, overlapping.\n"
"- (d) `coverage-gap`: Wednesday 2026-03-11 has no log file at all.\n"
"- (e) `denied-burst`: " DENIED_USER " is refused twelve times within a\n"
"  few minutes trying to read the restricted informant register.\n"
"\n"
"Delivery quirks a correct reader must account for:\n"
"\n"
"- `delivery-multi-member`: one loose file is two gzip members;\n"
"- `duplicate-exact`: three lines written twice in a row in one file;\n"
"- `duplicate-same-id`: two lines repeated five lines later with their\n"
"  keys in another order (same `logEntryId`, other bytes);\n"
"- `duplicate-redelivery`: one day's file of week two delivered again in\n"
"  the tar with two late lines added (sha256 differs from the loose file).\n"
"\n"
"Duplicates are records whose `logEntryId` was seen before; every count\n"
"reconciles: records = accepted + duplicates + rejected.  The evidence\n"
"is `audit/` and the tar; this file and `truth.tsv` are not evidence.\n"
"\n"
"## Ground truth (truth.tsv)\n"
"\n"
"`truth.tsv`: tab-separated, one header line; columns `scenario user\n"
"session start end events detail rule level also`; times UTC,\n"
"microseconds; `total` rows carry their number in `events` and their name\n"
"as `metric=NAME` in `detail`; `user` rows give each user's unique events\n"
"and first and last event.  `rule` and `level` are the alert a scenario\n"
"must raise (`summarize --alerts`, sessionlog(7)) for that user, starting\n"
"inside its span (a case-wide alert for an empty user), `none` for a quirk\n"
"that is no misuse; `also` lists further alerts it must raise as\n"
"`rule:level`.  The quirks' duplicates are alerted on the log that holds\n"
"them.\n"
"\n"
"`groups.tsv`: each officer's unit (columns `user group`), for\n"
"`summarize --alerts --groups`.  `watchlist.txt`: the agency's protected\n"
"persons, for `--watchlist`; only scenario (b) searches for one of them.\n"
"\n");
	sb_printf(&b, "%s/truth.tsv", outdir);
	in = fopen(b.p, "r");
	if (in == NULL)
		die("cannot read truth.tsv");
	while (fgets(line, sizeof(line), in) != NULL) {
		char *c;

		line[strcspn(line, "\n")] = '\0';
		fputs("|", fp);
		for (c = line;;) {
			char *tab = strchr(c, '\t');

			if (tab != NULL)
				*tab = '\0';
			fprintf(fp, " %s |", c);
			if (tab == NULL)
				break;
			c = tab + 1;
		}
		fputs("\n", fp);
		if (first) {
			fputs("| --- | --- | --- | --- | --- | --- | --- "
			    "| --- | --- | --- |\n", fp);
			first = 0;
		}
	}
	fclose(in);
	if (fclose(fp) != 0)
		die("cannot write TRUTH.md");
	free(b.p);
	free(p.p);
}

/* groups.tsv: the units; watchlist.txt: the protected persons. */
static void
write_groups(const char *outdir, const struct gen *g)
{
	static const char *const unit[5] = {
		"patrol", "investigations", "border", "intelligence", "fraud",
	};
	struct sb b = { 0 };
	FILE *fp;
	int o;

	sb_printf(&b, "%s/groups.tsv", outdir);
	if ((fp = fopen(b.p, "w")) == NULL)
		die("cannot write groups.tsv");
	fprintf(fp, "user\tgroup\n");
	for (o = 0; o < NOFFICERS; o++)
		fprintf(fp, "%s\t%s\n", g->off[o].name, unit[g->off[o].unit]);
	if (fclose(fp) != 0)
		die("cannot write groups.tsv");
	sb_reset(&b);
	sb_printf(&b, "%s/watchlist.txt", outdir);
	if ((fp = fopen(b.p, "w")) == NULL)
		die("cannot write watchlist.txt");
	fputs("# Protected persons of the agency (fictional): searches for\n"
	    "# them need a reason on record.  One name a line, any order of\n"
	    "# its parts; re: lines are patterns.\n"
	    PRIVATE_NAME "\n"
	    "Zofia W\xc3\xb3jcik\n"
	    "J\xc3\xbcrgen Albrecht\n"
	    "Amara Okonjo-Lindgren\n", fp);
	if (fclose(fp) != 0)
		die("cannot write watchlist.txt");
	free(b.p);
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen-sample [--seed N] OUTDIR\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct gen *g;
	struct truth tr;
	struct userday *ud = NULL;
	size_t nud = 0, i, j;
	struct sb path = { 0 }, gz = { 0 }, body = { 0 }, tar = { 0 };
	struct sb det = { 0 };
	struct totals *tt;
	struct seen st;
	const char *outdir = NULL;
	int64_t base_day = days_from_civil(2026, 3, 2);
	uint64_t seed = DEFAULT_SEED;
	int d, o, tar_dirs_done = 0;
	char date[16], a[64], b[64];
	FILE *fp;
	size_t redeliver_ud = (size_t)-1;
	size_t exact_lines[3] = { 0 }, sameid_lines[2] = { 0 };
	size_t multi_split = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < (size_t)argc) {
			char *end;

			errno = 0;
			seed = strtoull(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || end == argv[i])
				usage();
		} else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: gen-sample [--seed N] OUTDIR\n");
			return 0;
		} else if (argv[i][0] == '-' || outdir != NULL) {
			usage();
		} else {
			outdir = argv[i];
		}
	}
	if (outdir == NULL)
		usage();

	g = xrealloc(NULL, sizeof(*g));
	memset(g, 0, sizeof(*g));
	memset(&tr, 0, sizeof(tr));
	g->seed = seed;
	g->r.s = seed;
	setup(g);
	uuid(&g->r, g->svc_sid);

	/* Generate day by day, officer by officer. */
	for (d = 0; d < NDAYS; d++) {
		int64_t day = base_day + d;
		int64_t day0 = day * S_PER_DAY * NS_PER_S;
		int wd = weekday(day);

		if (wd >= 5) {
			/* Weekend duty: two officers, short sessions; their
			 * files are found below by officer. */
			struct file wf = { 0 };

			g->f = &wf;
			weekend_day(g, day0);
			for (o = 0; o < NOFFICERS; o++) {
				struct file f = { 0 };

				for (j = 0; j < wf.n; j++) {
					if (strcmp(wf.v[j].user,
					    g->off[o].name) != 0)
						continue;
					if (f.n == f.cap) {
						f.cap = f.cap ? f.cap * 2 : 64;
						f.v = xrealloc(f.v, f.cap *
						    sizeof(*f.v));
					}
					f.v[f.n++] = wf.v[j];
				}
				if (f.n == 0)
					continue;
				ud = xrealloc(ud, (nud + 1) * sizeof(*ud));
				ud[nud].f = f;
				ud[nud].off = o;
				ud[nud].day = d;
				nud++;
			}
			free(wf.v);
			continue;
		}
		for (o = 0; o < NOFFICERS; o++) {
			const struct officer *of = &g->off[o];

			if (d == MISSING_DAY)
				continue;
			if ((of->leave_days & (1 << d)) &&
			    !is_quirk_day(of->name, d))
				continue;
			ud = xrealloc(ud, (nud + 1) * sizeof(*ud));
			memset(&ud[nud], 0, sizeof(*ud));
			ud[nud].off = o;
			ud[nud].day = d;
			g->f = &ud[nud].f;
			officer_day(g, of, d, day0, &tr);
			nud++;
		}
	}
	if (tr.shared_b.first >= tr.shared_a.last ||
	    tr.night.events == 0 || tr.priv.events == 0 ||
	    tr.denied.events == 0)
		die("a planted scenario did not come out as planned");

	for (i = 0; i < nud; i++)
		qsort(ud[i].f.v, ud[i].f.n, sizeof(*ud[i].f.v), line_cmp);

	/* Write the logs. */
	mkdirs(outdir);
	tt = xrealloc(NULL, sizeof(*tt));
	memset(tt, 0, sizeof(*tt));
	st.cap = 1u << 17;
	st.h = xrealloc(NULL, st.cap * sizeof(*st.h));
	st.text = xrealloc(NULL, st.cap * sizeof(*st.text));
	memset(st.h, 0, st.cap * sizeof(*st.h));
	for (i = 0; i < nud; i++) {
		const struct officer *of = &g->off[ud[i].off];
		struct file *f = &ud[i].f;
		int in_tar = ud[i].day >= FIRST_TAR_DAY;
		char **extra = NULL;	/* lines written in addition */
		size_t k;

		d = ud[i].day;
		fmt_date(base_day + d, date);
		sb_reset(&gz);
		sb_reset(&body);
		extra = xrealloc(NULL, f->n * sizeof(*extra));
		memset(extra, 0, f->n * sizeof(*extra));
		if (d == EXACT_DAY && strcmp(of->name, EXACT_USER) == 0) {
			exact_lines[0] = f->n / 5;
			exact_lines[1] = f->n / 2;
			exact_lines[2] = f->n * 4 / 5;
			for (k = 0; k < 3; k++)
				extra[exact_lines[k]] =
				    xstrdup(f->v[exact_lines[k]].text);
		}
		if (d == SAMEID_DAY && strcmp(of->name, SAMEID_USER) == 0) {
			sameid_lines[0] = f->n / 3;
			sameid_lines[1] = f->n * 2 / 3;
			/* The copy follows five lines later. */
			for (k = 0; k < 2; k++)
				extra[sameid_lines[k] + 5] =
				    reserialise(f->v[sameid_lines[k]].text);
		}
		if (d == REDELIVER_DAY && strcmp(of->name, REDELIVER_USER) == 0)
			redeliver_ud = i;

		tt->logs++;
		if (in_tar)
			tt->tar_members++;
		else
			tt->loose_files++;
		tt->files_per_day[d]++;
		for (k = 0; k < f->n; k++) {
			if (d == MULTI_DAY && strcmp(of->name, MULTI_USER) ==
			    0 && multi_split == 0 &&
			    f->v[k].ns >= (base_day + d) * S_PER_DAY *
			    NS_PER_S + 11 * 3600 * NS_PER_S) {
				/* The exporter flushed at 11:00: the rest
				 * of the day is a second gzip member. */
				multi_split = k;
				gzip_member(&gz, body.p, body.n);
				sb_reset(&body);
				tt->loose_members++;
			}
			sb_puts(&body, f->v[k].text);
			sb_puts(&body, "\n");
			account(g, tt, &st, &f->v[k], f->v[k].text);
			if (extra[k] != NULL) {
				sb_puts(&body, extra[k]);
				sb_puts(&body, "\n");
				account(g, tt, &st, &f->v[k], extra[k]);
			}
		}
		gzip_member(&gz, body.p, body.n);
		if (!in_tar)
			tt->loose_members++;
		for (k = 0; k < f->n; k++)
			free(extra[k]);
		free(extra);

		if (in_tar) {
			if (!tar_dirs_done) {
				tar_header(&tar, "audit/", 0, 1);
				if (redeliver_ud != (size_t)-1)
					redeliver(g, tt, &st, &tar,
					    &ud[redeliver_ud].f,
					    &g->off[ud[redeliver_ud].off],
					    base_day + REDELIVER_DAY);
				tar_dirs_done = 1;
			}
			if (i == 0 || ud[i - 1].day != d) {
				sb_reset(&path);
				sb_printf(&path, "audit/%s/", date);
				tar_header(&tar, path.p, 0, 1);
			}
			sb_reset(&path);
			sb_printf(&path, "audit/%s/%s.jsonl.gz", date,
			    of->name);
			tar_add(&tar, path.p, gz.p, gz.n);
		} else {
			sb_reset(&path);
			sb_printf(&path, "%s/audit/%s", outdir, date);
			mkdirs(path.p);
			sb_printf(&path, "/%s.jsonl.gz", of->name);
			write_file(path.p, gz.p, gz.n);
		}

	}
	tar_finish(&tar);
	sb_reset(&path);
	fmt_date(base_day + FIRST_TAR_DAY, date);
	sb_printf(&path, "%s/delivery-%s.tar", outdir, date);
	write_file(path.p, tar.p, tar.n);

	/* The ground truth. */
	sb_reset(&path);
	sb_printf(&path, "%s/truth.tsv", outdir);
	fp = fopen(path.p, "w");
	if (fp == NULL)
		die("cannot write truth.tsv");
	fprintf(fp, "scenario\tuser\tsession\tstart\tend\tevents\tdetail\t"
	    "rule\tlevel\talso\n");
	fmt_us(tt->first, a);
	fmt_us(tt->last, b);
	fprintf(fp, "total\t\t\t%s\t%s\t%" PRIu64 "\tmetric=span; first and "
	    "last event; events = unique events\t\t\t\n", a, b, tt->unique);
	total_row(fp, "logs", tt->logs, "logical logs with records: loose "
	    ".jsonl.gz files plus .jsonl.gz members of the tar");
	total_row(fp, "loose_files", tt->loose_files, "loose .jsonl.gz files "
	    "under audit/");
	total_row(fp, "loose_gzip_members", tt->loose_members, "gzip members "
	    "in the loose files (one file has two)");
	total_row(fp, "tar_members", tt->tar_members, ".jsonl.gz members of "
	    "the tar (directories not counted)");
	total_row(fp, "records", tt->records, "records read = accepted + "
	    "duplicates + rejected");
	total_row(fp, "accepted", tt->unique, "unique events (by logEntryId)");
	total_row(fp, "duplicates", tt->dup_exact + tt->dup_sameid,
	    "records whose logEntryId was seen before");
	total_row(fp, "duplicates_exact", tt->dup_exact, "of which the same "
	    "bytes as the first copy");
	total_row(fp, "duplicates_same_id", tt->dup_sameid, "of which other "
	    "bytes, same logEntryId");
	total_row(fp, "rejected", 0, "every record is valid audit.3");
	{
		uint64_t nu = 0;

		for (o = 0; o < NOFFICERS; o++)
			nu += tt->user_events[o] > 0;
		total_row(fp, "users", nu, "attributed users "
		    "(onBehalfOfUserIds[0], else uid)");
	}

	fmt_time(tr.night.first + LOCAL_OFFSET * NS_PER_S, 0, a);
	fmt_time(tr.night.last + LOCAL_OFFSET * NS_PER_S, 0, b);
	sb_reset(&det);
	sb_printf(&det, "local (CET) %.8s-%.8s; src=%s; purpose=\"%s\"; "
	    "exports=%d; bytes=%" PRId64 "; rows=%" PRId64 "; datasets=",
	    a + 11, b + 11, NIGHT_IP, tr.night_purpose, tr.night.exports, tr.night.bytes,
	    tr.night.rows);
	for (d = 0, i = 0; d < DS__COUNT; d++)
		if (tr.night_ds[d])
			sb_printf(&det, "%s%s(%s)x%d", i++ ? "," : "",
			    g->ds_rid[d], ds_path[d], tr.night_ds[d]);
	span_row(fp, "bulk-export-night", NIGHT_USER, &tr.night, det.p,
	    "bulk-export\tcritical\toff-hours:high");

	sb_reset(&det);
	sb_printf(&det, "no userJustify in session; searches=%d for \"%s\" "
	    "(on no case); object=%s; loads=%d incl. %s,%s; src=%s",
	    tr.priv.searches, PRIVATE_NAME, g->private_obj, tr.priv.loads,
	    ds_path[DS_ADDRESS], ds_path[DS_VEHICLES], tr.priv.ip);
	span_row(fp, "private-person-search", PRIVATE_USER, &tr.priv, det.p,
	    "watchlist\thigh\tno-purpose:low");

	sb_reset(&det);
	fmt_us(tr.shared_b.first, a);
	fmt_us(tr.shared_b.last < tr.shared_a.last ? tr.shared_b.last :
	    tr.shared_a.last, b);
	sb_printf(&det, "own desk src=%s; concurrent with the next row "
	    "from %s to %s", tr.shared_a.ip, a, b);
	span_row(fp, "shared-account-concurrent", SHARED_USER, &tr.shared_a,
	    det.p, "concurrent-sessions\thigh\t");
	sb_reset(&det);
	sb_printf(&det, "second place src=%s; concurrent with the row above "
	    "from %s to %s", tr.shared_b.ip, a, b);
	span_row(fp, "shared-account-concurrent", SHARED_USER, &tr.shared_b,
	    det.p, "concurrent-sessions\thigh\t");

	{
		struct span gap;
		int64_t before = INT64_MIN, after = INT64_MAX;
		int64_t g0 = (base_day + MISSING_DAY) * S_PER_DAY * NS_PER_S;
		int64_t g1 = g0 + S_PER_DAY * NS_PER_S;

		for (i = 0; i < nud; i++)
			for (j = 0; j < ud[i].f.n; j++) {
				int64_t ns = ud[i].f.v[j].ns;

				if (ns < g0 && ns > before)
					before = ns;
				if (ns >= g1 && ns < after)
					after = ns;
			}
		memset(&gap, 0, sizeof(gap));
		gap.first = g0;
		gap.last = g1;
		fmt_us(before, a);
		fmt_us(after, b);
		sb_reset(&det);
		sb_printf(&det, "weekday with no log file for any user "
		    "(start inclusive, end exclusive); last event before %s, "
		    "first after %s", a, b);
		span_row(fp, "coverage-gap", "", &gap, det.p,
		    "log-integrity\tmedium\t");
	}

	fmt_us(tr.denied_first, a);
	fmt_us(tr.denied_last, b);
	sb_reset(&det);
	sb_printf(&det, "denied=%d (result UNAUTHORIZED) from %s to %s on %s "
	    "and its objects; src=%s", tr.denied.denied, a, b,
	    ds_path[DS_INFORMANTS], tr.denied.ip);
	span_row(fp, "denied-burst", DENIED_USER, &tr.denied, det.p,
	    "denied-burst\thigh\t");

	{
		struct userday *u;

		for (i = 0; i < nud; i++) {
			u = &ud[i];
			d = u->day;
			fmt_date(base_day + d, date);
			if (d == MULTI_DAY &&
			    strcmp(g->off[u->off].name, MULTI_USER) == 0)
				fprintf(fp, "delivery-multi-member\t%s\t\t\t\t"
				    "%zu\taudit/%s/%s.jsonl.gz: two gzip "
				    "members, lines 1-%zu and %zu-%zu\tnone\t\t"
				    "\n",
				    MULTI_USER, u->f.n, date, MULTI_USER,
				    multi_split, multi_split + 1, u->f.n);
			if (d == EXACT_DAY &&
			    strcmp(g->off[u->off].name, EXACT_USER) == 0)
				fprintf(fp, "duplicate-exact\t%s\t\t\t\t3\t"
				    "audit/%s/%s.jsonl.gz: lines %zu, %zu and "
				    "%zu written twice in a row (logEntryId "
				    "%s, %s, %s)\tlog-integrity\tinfo\t\n", EXACT_USER, date,
				    EXACT_USER, exact_lines[0] + 1,
				    exact_lines[1] + 2, exact_lines[2] + 3,
				    u->f.v[exact_lines[0]].id,
				    u->f.v[exact_lines[1]].id,
				    u->f.v[exact_lines[2]].id);
			if (d == SAMEID_DAY &&
			    strcmp(g->off[u->off].name, SAMEID_USER) == 0)
				fprintf(fp, "duplicate-same-id\t%s\t\t\t\t2\t"
				    "audit/%s/%s.jsonl.gz: lines %zu and %zu "
				    "again as lines %zu and %zu, keys in "
				    "another order (logEntryId %s, %s)\t"
				    "log-integrity\tinfo\t\n",
				    SAMEID_USER, date, SAMEID_USER,
				    sameid_lines[0] + 1, sameid_lines[1] + 2,
				    sameid_lines[0] + 7, sameid_lines[1] + 8,
				    u->f.v[sameid_lines[0]].id,
				    u->f.v[sameid_lines[1]].id);
			if (d == REDELIVER_DAY &&
			    strcmp(g->off[u->off].name, REDELIVER_USER) == 0)
				fprintf(fp, "duplicate-redelivery\t%s\t\t\t\t"
				    "%zu\tdelivery-%s.tar!audit/%s/%s.jsonl.gz"
				    " repeats all %zu lines of audit/%s/%s."
				    "jsonl.gz exactly and adds 2 late "
				    "internal events\tlog-integrity\tinfo\t\n",
				    REDELIVER_USER,
				    u->f.n, "2026-03-16", date, REDELIVER_USER,
				    u->f.n, date, REDELIVER_USER);
		}
	}
	for (o = 0; o < NOFFICERS; o++) {
		fmt_us(tt->user_first[o], a);
		fmt_us(tt->user_last[o], b);
		fprintf(fp, "user\t%s\t\t%s\t%s\t%" PRIu64 "\tunique events "
		    "attributed to the user\t\t\t\n", g->off[o].name, a, b,
		    tt->user_events[o]);
	}
	if (fclose(fp) != 0)
		die("cannot write truth.tsv");
	write_truth_md(outdir, g);
	write_groups(outdir, g);

	for (i = 0; i < nud; i++)
		file_free(&ud[i].f);
	free(ud);
	free(st.h);
	free(st.text);
	free(tt);
	free(path.p);
	free(gz.p);
	free(body.p);
	free(tar.p);
	free(det.p);
	free(g->tmp.p);
	free(g->req.p);
	free(g->res.p);
	free(g);
	return 0;
}
