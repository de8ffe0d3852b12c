/*
 * gen-scenarios.c: writes the second scenario set (testdata/scenarios/):
 * four weeks of Foundry audit.3 logs of a fictional revenue and customs
 * enforcement office in New York, with groups, a purpose policy, a
 * watchlist and the ground truth of every planted alert and negative
 * control.
 *
 * A pure function of the seed (no clock, locale, TZ or floating point);
 * see gen-common.h.  The office keeps America/New_York time, and the
 * span holds the change to daylight saving time (2026-03-08): the
 * generator converts local times itself, from the US rule (second Sunday
 * of March 02:00 to first Sunday of November 02:00), so it needs no
 * zone database.  TRUTH.md (written below) tells what is planted.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen-common.h"

#define DEFAULT_SEED 20260223u
#define YEAR 2026
#define NDAYS 28		/* local days 2026-02-23 (Mon) .. 03-22 (Sun) */
#define MISSING_DAY 10		/* 2026-03-05 (Thu): no log file */
#define OUTAGE_DAY 15		/* 2026-03-10 (Tue): collector down */
#define OUTAGE_FROM (10 * 3600)	/* 10:00-13:00 local */
#define OUTAGE_TO (13 * 3600)
#define TRUNC_DAY 18		/* 2026-03-13 (Fri): file cut in transfer */
#define TRUNC_PERCENT 55	/* of its deflate data kept */
#define NIGHT_USER "h.kowalczyk"
#define NIGHT_DAY 23		/* Wed 03-18, 03:05 EDT */
#define SHARED_USER "k.valdivia"
#define SHARED_DAY 17		/* Thu 03-12 */
#define SHARED_IP "203.0.113.45"
#define HABIT_USER "e.fitzgerald"
#define HABIT_FROM 14		/* Mon 03-09 .. the end */
#define GROWTH_USER "o.petrakis"
#define GROWTH_FROM 21		/* Mon 03-16 .. Fri 03-20 */
#define HOUR INT64_C(3600)
#define MIN INT64_C(60)

/* ---- time in the office's zone ------------------------------------------ */

static int64_t base_day;	/* local day 0, days since the epoch */
static int64_t dst_from, dst_to;	/* UTC ns: EDT in [from, to) */

static void
zone_setup(void)
{
	int64_t mar1 = days_from_civil(YEAR, 3, 1);
	int64_t nov1 = days_from_civil(YEAR, 11, 1);
	int64_t sun2 = mar1 + (6 - weekday(mar1)) + 7;	/* second Sunday */
	int64_t sun1 = nov1 + (6 - weekday(nov1));	/* first Sunday */

	/* 02:00 EST is 07:00 UTC; 02:00 EDT is 06:00 UTC. */
	dst_from = (sun2 * S_PER_DAY + 7 * HOUR) * NS_PER_S;
	dst_to = (sun1 * S_PER_DAY + 6 * HOUR) * NS_PER_S;
}

static int64_t
utc_offset(int64_t ns)
{
	return ns >= dst_from && ns < dst_to ? -4 * HOUR : -5 * HOUR;
}

/* UTC ns of local day d (0 = base_day) at sec seconds after midnight (may
 * be negative or beyond a day).  Never asked for the skipped hour. */
static int64_t
local_ns(int d, int64_t sec)
{
	int64_t l = ((base_day + d) * S_PER_DAY + sec) * NS_PER_S;
	int64_t u = l + 5 * HOUR * NS_PER_S;

	if (u >= dst_from && u < dst_to)
		u = l + 4 * HOUR * NS_PER_S;
	return u;
}

/* Local day index (0 = base_day) and seconds into it, of a UTC time. */
static int
local_day(int64_t ns)
{
	int64_t l = ns / NS_PER_S + utc_offset(ns);

	return (int)((l - (l % S_PER_DAY + S_PER_DAY) % S_PER_DAY) /
	    S_PER_DAY - base_day);
}

static int64_t
local_sec(int64_t ns)
{
	int64_t l = ns / NS_PER_S + utc_offset(ns);

	return (l % S_PER_DAY + S_PER_DAY) % S_PER_DAY;
}

/* "2026-03-12 03:05:12 EDT" */
static void
fmt_local(int64_t ns, char out[64])
{
	char t[64];
	int64_t off = utc_offset(ns);

	fmt_time(ns + off * NS_PER_S, 0, t);
	snprintf(out, 64, "%.10s %.8s %s", t, t + 11,
	    off == -4 * HOUR ? "EDT" : "EST");
}

/* ---- the fictional office ------------------------------------------------ */

enum grp {
	G_INV, G_FIN, G_NIGHT, G_STEW, G_ANA, G_REC, G_LIA, G__COUNT
};

static const char *const group_name[G__COUNT] = {
	"investigations", "financial-crime", "night-desk", "data-stewards",
	"analytics", "records", "liaison",
};

/* Routines that are somebody's normal work. */
#define R_EARLY		0x01	/* starts at 06:40, the earliest of all */
#define R_HANDLER	0x02	/* opens the informant register for sources */
#define R_ARCHIVE	0x04	/* uses the legacy archive twice a week */
#define R_DISCLOSE	0x08	/* many small exports every day */
#define R_BATCH		0x10	/* Monday morning batch search run */
#define R_EXTRACT	0x20	/* Wednesday bulk extract */
#define R_CASE0		0x40	/* works the case whose people share a
				 * watchlisted first name */

struct user {
	const char *name;
	int group;
	unsigned routine;
	char ip[24];
	int cases[3], ncases;
	int arrive;		/* local seconds after midnight */
	uint32_t leave;		/* bit per day off */
};

#define U(n, g, r) { .name = n, .group = g, .routine = r }
static struct user users[] = {
	U("a.brennan", G_INV, R_EARLY | R_HANDLER),
	U("c.delgado", G_INV, R_CASE0),
	U("d.okonkwo", G_INV, 0),
	U("e.fitzgerald", G_INV, 0),
	U("f.marchetti", G_INV, 0),
	U("g.nakashima", G_INV, 0),
	U("h.kowalczyk", G_INV, 0),
	U("i.romero", G_INV, 0),
	U("j.abernathy", G_INV, 0),
	U("k.lindqvist", G_INV, 0),
	U("l.moreno", G_INV, 0),
	U("m.castellanos", G_INV, 0),
	U("n.oyelaran", G_INV, 0),
	U("p.vasquez", G_INV, R_HANDLER | R_CASE0),
	U("q.adeyemi", G_FIN, 0),
	U("r.halvorsen", G_FIN, 0),
	U("s.whitfield", G_FIN, 0),
	U("t.yamamoto", G_FIN, 0),
	U("u.ferreira", G_FIN, 0),
	U("v.obrien", G_NIGHT, 0),
	U("w.santangelo", G_NIGHT, 0),
	U("x.mbeki", G_NIGHT, 0),
	U("y.kaminski", G_NIGHT, 0),
	U("z.lachance", G_NIGHT, 0),
	U("b.harrington", G_NIGHT, 0),
	U("c.pemberton", G_STEW, R_EXTRACT),
	U("d.achebe", G_STEW, R_EXTRACT),
	U("e.sorensen", G_STEW, R_EXTRACT),
	U("f.villanueva", G_STEW, R_EXTRACT),
	U("g.ostrowski", G_ANA, R_BATCH),
	U("h.benedetti", G_ANA, 0),
	U("i.mukherjee", G_ANA, 0),
	U("j.thornton", G_ANA, 0),
	U("k.valdivia", G_ANA, 0),
	U("l.ashworth", G_REC, R_ARCHIVE),
	U("m.dubois", G_REC, 0),
	U("n.carrington", G_REC, R_DISCLOSE),
	U("o.petrakis", G_REC, 0),
	U("p.aguilar", G_LIA, 0),
	U("r.nkemelu", G_LIA, 0),
};
#undef U
#define NUSERS ((int)(sizeof(users) / sizeof(*users)))

enum ds {
	DS_CASES, DS_TAXPAYERS, DS_CUSTOMS, DS_COMPANIES, DS_VEHICLES,
	DS_SHIPPING, DS_PERSONS, DS_BANK, DS_INFORMANTS, DS_ARCHIVE,
	DS__COUNT
};

static const char *const ds_path[DS__COUNT] = {
	"/Office/Cases/case_files",
	"/Office/Revenue/taxpayer_records",
	"/Office/Customs/import_declarations",
	"/Office/Registers/company_register",
	"/Office/Customs/vehicle_imports",
	"/Office/Customs/shipping_manifests",
	"/Office/Registers/person_index",
	"/Office/Finance/bank_reports",
	"/Office/Intel/informant_register",
	"/Office/Archive/legacy_case_archive_1994_2009",
};

/* Weight in everyday table reads; the last three only by their users. */
static const unsigned ds_weight[DS__COUNT] = {
	30, 20, 18, 12, 8, 10, 15, 0, 0, 0,
};

static const char *const first_names[] = {
	"Marisol", "Devon", "Tamika", "Anthony", "Yesenia", "Brian", "Keisha",
	"Roberto", "Svetlana", "Dmitri", "Aaliyah", "Wei", "Tyrone", "Priya",
	"Gianni", "Nadia", "Hector", "Colleen", "Olumide", "Mei",
};

static const char *const last_names[] = {
	"Alvarez", "Goldberg", "Washington", "Russo", "Chen", "Petrenko",
	"Morales", "O'Connell", "Singh", "Kowalski", "Baptiste", "Nguyen",
	"Rosenthal", "Okafor", "DiMarco", "Haddad", "Jankowski", "Reyes",
};

static const char *const companies[] = {
	"Harborline Freight LLC", "Atlantic Reefer Logistics Inc.",
	"Bayside Import Co.", "Red Hook Customs Brokers",
	"Gowanus Trading Corp.", "Kill Van Kull Shipping",
	"Newtown Creek Metals LLC",
	"Sunset Park Apparel Imports", "Port Ivory Auto Export",
	"Hudson Bonded Warehouse Inc.", "Maspeth Tobacco Distributors",
	"Jamaica Bay Seafood LLC", "Bronx Terminal Produce Inc.",
	"Flushing Electronics Wholesale",
};

static const char *const purpose_tail[] = {
	" import duty audit", " customs valuation review",
	": witness background check", " follow-up on associates",
	" \xe2\x80\x93 transfer pricing", ": container trace",
	" undervaluation inquiry",
};

#define NCASES 14
#define MAXSUBJ 4
#define MAXRES 5

struct subject {
	char name[64], first[32], last[32], obj[80];
};

struct kase {
	char id[16];
	struct subject subj[MAXSUBJ];
	int nsubj;
	const char *company;
	char company_obj[80];
	char ein[16], container[20];
};

/* What the truth's details report. */
static int stat_sessions[64][2], stat_nopurpose[64][2], stat_namesake[64];
static int stat_exports[64][NDAYS];
static int64_t stat_bytes[64][NDAYS];

/* ---- the log --------------------------------------------------------------- */

struct line {
	int64_t ns;
	uint32_t seq;
	char *text;
};

/* A stretch of planted or routine work as the truth tells it. */
struct span {
	char sid[37];
	int64_t first, last;
	int events, exports, searches, denied, loads;
	int64_t bytes;
};

struct gen {
	struct rng r;
	uint64_t seed;
	char ds_rid[DS__COUNT][64];
	struct kase cases[NCASES];
	char svc_token[37];
	struct line *v;
	size_t n, cap;
	uint32_t seq;
	struct sb tmp, req, res;
	struct span *cur;	/* also counts into this, when set */
	char last_results[MAXRES][80];
	int nlast;
};

struct sess {
	const struct user *u;
	char sid[37];
	const char *ip;
	int kase;
};

enum prod { P_MULTIPASS, P_GOTHAM, P_OBJEXP, P_DATAPROXY, P_CONTOUR,
	P_SEARCHSVC, P__COUNT };

static const char *const prod_name[P__COUNT][2] = {
	{ "multipass", "3.431.2" }, { "gotham", "4.118.0" },
	{ "object-explorer", "2.81.4" }, { "data-proxy", "1.902.0" },
	{ "contour", "3.214.1" }, { "search-service", "5.44.3" },
};

#define UA_DESK "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " \
	"AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36"
#define UA_MAC "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) " \
	"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15"
#define UA_BATCH "python-requests/2.32.3 foundry-platform-sdk/1.9.0"
#define SVC_SEARCH "svc.search-backend"

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
push(struct gen *g, int64_t ns, const char *text)
{
	struct line *l;

	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4096;
		g->v = xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	l = &g->v[g->n++];
	l->ns = ns;
	l->seq = g->seq++;
	l->text = xstrdup(text);
}

struct rec {
	int64_t ns;
	const char *uid, *obo, *sid, *trace, *name, *cats, *req, *res;
	const char *result, *ip, *ua;
	int prod;
};

static void
emit(struct gen *g, const struct rec *e)
{
	struct sb *b = &g->tmp;
	char id[37], evid[37], t[64];

	uuid(&g->r, evid);
	uuid(&g->r, id);
	fmt_time(e->ns, 9, t);
	sb_reset(b);
	sb_printf(b, "{\"categories\":%s,\"environment\":\"prod\","
	    "\"eventId\":\"%s\",\"logEntryId\":\"%s\",\"name\":\"%s\",",
	    e->cats, evid, id, e->name);
	if (e->ip != NULL)
		sb_printf(b, "\"origins\":[\"%s\"],", e->ip);
	else
		sb_puts(b, "\"origins\":[],");
	sb_printf(b, "\"product\":\"%s\",\"productVersion\":\"%s\","
	    "\"requestFields\":%s,\"result\":\"%s\",\"resultFields\":%s,"
	    "\"sid\":\"%s\",\"time\":\"%s\",\"traceId\":\"%s\","
	    "\"type\":\"audit.3\",\"uid\":\"%s\",\"userAgent\":",
	    prod_name[e->prod][0], prod_name[e->prod][1],
	    e->req ? e->req : "{}", e->result ? e->result : "SUCCESS",
	    e->res ? e->res : "{}", e->sid, t, e->trace, e->uid);
	sb_jstr(b, e->ua);
	sb_printf(b, ",\"users\":[{\"uid\":\"%s\",\"userName\":\"%s\"}]}",
	    e->uid, e->uid);
	push(g, e->ns, b->p);
	if (g->cur != NULL && e->ip != NULL) {
		struct span *s = g->cur;

		if (s->events == 0 || e->ns < s->first)
			s->first = e->ns;
		if (s->events == 0 || e->ns > s->last)
			s->last = e->ns;
		s->events++;
	}
}

/* ---- set-up ----------------------------------------------------------------- */

static void
make_rid(struct gen *g, const char *prefix, char *out, size_t n)
{
	char u[37];

	uuid(&g->r, u);
	snprintf(out, n, "%s%s", prefix, u);
}

#define NELEM(a) (sizeof(a) / sizeof(*(a)))

static void
subject(struct gen *g, struct subject *s, const char *first,
    const char *last)
{
	snprintf(s->first, sizeof(s->first), "%s", first);
	snprintf(s->last, sizeof(s->last), "%s", last);
	snprintf(s->name, sizeof(s->name), "%s %s", first, last);
	make_rid(g, "ri.phonograph2-objects.main.object.", s->obj,
	    sizeof(s->obj));
}

static void
setup(struct gen *g)
{
	int i, j;

	for (i = 0; i < DS__COUNT; i++)
		make_rid(g, "ri.foundry.main.dataset.", g->ds_rid[i],
		    sizeof(g->ds_rid[i]));
	uuid(&g->r, g->svc_token);
	for (i = 0; i < NCASES; i++) {
		struct kase *k = &g->cases[i];
		int dup, prefix, serial, check;
		char owner;

		do {
			dup = 0;
			snprintf(k->id, sizeof(k->id), "CASE-2026-%04d",
			    (int)range(&g->r, 301, 499));
			for (j = 0; j < i; j++)
				dup |= strcmp(g->cases[j].id, k->id) == 0;
		} while (dup);
		if (i == 0) {
			/* People who share a first name with two
			 * protected witnesses, but are not them. */
			subject(g, &k->subj[0], "Zo\xc3\xab", "Marchand");
			subject(g, &k->subj[1], "Jos\xc3\xa9",
			    "Ram\xc3\xadrez-Ortega");
			k->nsubj = 2;
		} else {
			k->nsubj = (int)range(&g->r, 2, MAXSUBJ);
			for (j = 0; j < k->nsubj; j++) {
				const char *f = first_names[below(&g->r,
				    NELEM(first_names))];
				const char *l = last_names[below(&g->r,
				    NELEM(last_names))];

				subject(g, &k->subj[j], f, l);
			}
		}
		k->company = companies[i % NELEM(companies)];
		make_rid(g, "ri.phonograph2-objects.main.object.",
		    k->company_obj, sizeof(k->company_obj));
		/* The order of a call's arguments is unspecified: draw each
		 * number in its own statement, last field first, the order
		 * gcc took when the committed fixtures were made, so that
		 * every compiler makes the same bytes. */
		serial = (int)range(&g->r, 0, 9999999);
		prefix = (int)range(&g->r, 10, 99);
		snprintf(k->ein, sizeof(k->ein), "%02d-%07d", prefix, serial);
		check = (int)range(&g->r, 0, 9);
		serial = (int)range(&g->r, 0, 999999);
		owner = "MCTH"[below(&g->r, 4)];
		snprintf(k->container, sizeof(k->container), "%cSCU %06d %d",
		    owner, serial, check);
	}
	for (i = 0; i < NUSERS; i++) {
		struct user *u = &users[i];
		int net = 10 + u->group * 10;

		snprintf(u->ip, sizeof(u->ip), "10.40.%d.%d", net,
		    (int)range(&g->r, 20, 230));
		u->ncases = (int)range(&g->r, 1, 3);
		for (j = 0; j < u->ncases; j++)
			u->cases[j] = 1 + (i * 3 + j * 5 +
			    (int)below(&g->r, 3)) % (NCASES - 1);
		if (u->routine & R_CASE0)
			u->cases[0] = 0;
		u->arrive = (int)(7 * HOUR + 45 * MIN) +
		    (int)below(&g->r, 80 * 60);
		if (u->routine & R_EARLY)
			u->arrive = (int)(6 * HOUR + 40 * MIN);
		if (u->group == G_LIA)
			u->arrive = (int)(9 * HOUR) + (int)below(&g->r, 1800);
		u->leave = 0;
		for (j = 0; j < NDAYS; j++)
			if (chance(&g->r, 50))
				u->leave |= UINT32_C(1) << j;
	}
}

static struct user *
user_named(const char *name)
{
	int i;

	for (i = 0; i < NUSERS; i++)
		if (strcmp(users[i].name, name) == 0)
			return &users[i];
	die("no such user");
}

/* ---- events ------------------------------------------------------------------ */

static void
base(const struct sess *s, struct rec *e, int64_t ns, const char *trace)
{
	memset(e, 0, sizeof(*e));
	e->ns = ns;
	e->uid = s->u->name;
	e->sid = s->sid;
	e->trace = trace;
	e->ip = s->ip;
	e->ua = s->u->group == G_LIA ? UA_MAC : UA_DESK;
}

static const char *
random_result(struct gen *g)
{
	uint64_t x = below(&g->r, 1000);

	return x < 2 ? "ERROR" : x < 4 ? "UNAUTHORIZED" : "SUCCESS";
}

static void
ev_simple(struct gen *g, const struct sess *s, int64_t ns, const char *cat,
    const char *name, int prod, const char *req)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base(s, &e, ns, trace);
	e.cats = cat;
	e.name = name;
	e.prod = prod;
	e.req = req;
	emit(g, &e);
}

static void
ev_login(struct gen *g, const struct sess *s, int64_t ns)
{
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"loginUserId\":\"%s\"}", s->u->name);
	ev_simple(g, s, ns, "[\"userLogin\"]", "MULTIPASS_LOGIN", P_MULTIPASS,
	    g->req.p);
}

static void
ev_logout(struct gen *g, const struct sess *s, int64_t ns)
{
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"logoutUserId\":\"%s\"}", s->u->name);
	ev_simple(g, s, ns, "[\"userLogout\"]", "MULTIPASS_LOGOUT",
	    P_MULTIPASS, g->req.p);
}

static void
ev_justify(struct gen *g, const struct sess *s, int64_t ns, const char *text)
{
	char jid[37];

	uuid(&g->r, jid);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"userJustifyId\":\"%s\",\"userJustification\":",
	    jid);
	sb_jstr(&g->req, text);
	sb_puts(&g->req, "}");
	ev_simple(g, s, ns, "[\"userJustify\"]", "GOTHAM_SUBMIT_JUSTIFICATION",
	    P_GOTHAM, g->req.p);
}

static void
ev_internal(struct gen *g, const struct sess *s, int64_t ns)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base(s, &e, ns, trace);
	e.ip = NULL;
	e.cats = "[\"internal\"]";
	e.name = "MULTIPASS_REFRESH_TOKEN";
	e.prod = P_MULTIPASS;
	emit(g, &e);
}

/* A search and, now and then, the search service's hydration of its
 * results on the user's behalf (a backend call: empty origins). */
static void
ev_search(struct gen *g, const struct sess *s, int64_t ns, const char *query,
    const char *hit, int nres, const char *ua)
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
	base(s, &e, ns, trace);
	if (ua != NULL)
		e.ua = ua;
	sb_reset(&g->req);
	sb_puts(&g->req, "{\"dataSearchContext\":\"gotham-global-search\","
	    "\"dataSearchQuery\":");
	sb_jstr(&g->req, query);
	sb_puts(&g->req, "}");
	sb_reset(&g->res);
	sb_puts(&g->res, "{\"dataSearchResults\":[");
	for (i = 0; i < g->nlast; i++)
		sb_printf(&g->res, "%s\"%s\"", i ? "," : "",
		    g->last_results[i]);
	sb_puts(&g->res, "]}");
	e.cats = "[\"dataSearch\"]";
	e.name = "GOTHAM_SEARCH";
	e.prod = P_GOTHAM;
	e.req = g->req.p;
	e.res = g->res.p;
	e.result = random_result(g);
	emit(g, &e);
	if (g->cur != NULL)
		g->cur->searches++;
	if (g->nlast > 0 && ua == NULL && chance(&g->r, 300)) {
		base(s, &e, ns + msecs(g, 5, 80), trace);
		sb_reset(&g->req);
		sb_printf(&g->req, "{\"onBehalfOfUserIds\":[\"%s\"]}",
		    s->u->name);
		sb_reset(&g->res);
		sb_printf(&g->res, "{\"loadedResources\":[\"%s\"]}",
		    g->ds_rid[DS_PERSONS]);
		e.uid = SVC_SEARCH;
		e.ip = NULL;
		e.ua = "search-service/5.44.3 (conjure-java-runtime)";
		e.cats = "[\"dataLoad\",\"onBehalfOf\"]";
		e.name = "SEARCH_SERVICE_HYDRATE_RESULTS";
		e.prod = P_SEARCHSVC;
		e.req = g->req.p;
		e.res = g->res.p;
		emit(g, &e);
	}
}

static void
ev_object(struct gen *g, const struct sess *s, int64_t ns, const char *obj,
    const char *result)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"requestedOntologyDataResources\":[\"%s\"]}",
	    obj);
	sb_reset(&g->res);
	if (strcmp(result, "SUCCESS") == 0)
		sb_printf(&g->res,
		    "{\"loadedOntologyDataResources\":[\"%s\"]}", obj);
	else
		sb_puts(&g->res, "{\"loadedOntologyDataResources\":[]}");
	e.cats = "[\"ontologyDataLoad\"]";
	e.name = "OBJECT_EXPLORER_LOAD_OBJECT";
	e.prod = P_OBJEXP;
	e.req = g->req.p;
	e.res = g->res.p;
	e.result = result;
	emit(g, &e);
	if (g->cur != NULL) {
		g->cur->loads++;
		g->cur->denied += strcmp(result, "UNAUTHORIZED") == 0;
	}
}

static void
ev_table(struct gen *g, const struct sess *s, int64_t ns, int ds,
    const char *result)
{
	struct rec e;
	char trace[37];

	uuid(&g->r, trace);
	base(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"datasetRid\":\"%s\",\"rowLimit\":%d}",
	    g->ds_rid[ds], chance(&g->r, 500) ? 500 : 100);
	sb_reset(&g->res);
	if (strcmp(result, "SUCCESS") == 0)
		sb_printf(&g->res, "{\"loadedResources\":[\"%s\"]}",
		    g->ds_rid[ds]);
	else
		sb_puts(&g->res, "{\"loadedResources\":[]}");
	e.cats = "[\"dataLoad\"]";
	e.name = "DATA_PROXY_READ_TABLE";
	e.prod = P_DATAPROXY;
	e.req = g->req.p;
	e.res = g->res.p;
	e.result = result;
	emit(g, &e);
	if (g->cur != NULL) {
		g->cur->loads++;
		g->cur->denied += strcmp(result, "UNAUTHORIZED") == 0;
	}
}

static void
ev_export(struct gen *g, const struct sess *s, int64_t ns, int ds,
    int64_t rows, int64_t bytes)
{
	struct rec e;
	char trace[37];
	int csv = bytes > 20000000 || chance(&g->r, 700);

	uuid(&g->r, trace);
	base(s, &e, ns, trace);
	sb_reset(&g->req);
	sb_printf(&g->req, "{\"downloadedResources\":[\"%s\"],"
	    "\"exportFormat\":\"%s\"}", g->ds_rid[ds], csv ? "CSV" : "XLSX");
	sb_reset(&g->res);
	sb_printf(&g->res, "{\"downloadedSize\":%" PRId64 ",\"rowCount\":%"
	    PRId64 "}", bytes, rows);
	if (s->u != NULL && local_day(ns) >= 0 && local_day(ns) < NDAYS) {
		stat_exports[s->u - users][local_day(ns)]++;
		stat_bytes[s->u - users][local_day(ns)] += bytes;
	}
	e.cats = "[\"dataExport\"]";
	e.name = csv ? "CONTOUR_EXPORT_CSV" : "CONTOUR_EXPORT_XLSX";
	e.prod = P_CONTOUR;
	e.req = g->req.p;
	e.res = g->res.p;
	emit(g, &e);
	if (g->cur != NULL) {
		g->cur->exports++;
		g->cur->bytes += bytes;
	}
}

/* An everyday export: a few hundred rows of a case table. */
static void
ev_small_export(struct gen *g, const struct sess *s, int64_t ns)
{
	int ds = chance(&g->r, 500) ? DS_CASES : DS_CUSTOMS;
	int64_t rows = range(&g->r, 5, 400);
	int64_t width = range(&g->r, 180, 420);

	ev_export(g, s, ns, ds, rows, rows * width);
}

static int64_t
pause_ns(struct gen *g)
{
	int64_t s = range(&g->r, 10, 140);

	s += range(&g->r, 0, 140);
	if (chance(&g->r, 120))
		s += range(&g->r, 240, 900);
	return s * NS_PER_S + range(&g->r, 0, NS_PER_S - 1);
}

static void
purpose_text(struct gen *g, const struct kase *k, char *out, size_t n)
{
	snprintf(out, n, "%s%s", k->id,
	    purpose_tail[below(&g->r, NELEM(purpose_tail))]);
}

static const char *
search_query(struct gen *g, const struct kase *k, char *q, size_t n)
{
	const struct subject *sj = &k->subj[below(&g->r, (uint64_t)k->nsubj)];

	switch (below(&g->r, 8)) {
	case 0: case 1: case 2:
		snprintf(q, n, "%s", sj->name);
		return sj->obj;
	case 3:
		snprintf(q, n, "%s, %s", sj->last, sj->first);
		return sj->obj;
	case 4:
		snprintf(q, n, "%s", k->company);
		return k->company_obj;
	case 5:
		snprintf(q, n, "EIN %s", k->ein);
		return k->company_obj;
	case 6:
		snprintf(q, n, "%s", k->container);
		return NULL;
	default:
		snprintf(q, n, "%s", k->id);
		return NULL;
	}
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
sess_open(struct gen *g, struct sess *s, const struct user *u,
    const char *ip)
{
	memset(s, 0, sizeof(*s));
	s->u = u;
	uuid(&g->r, s->sid);
	s->ip = ip;
	s->kase = u->cases[below(&g->r, (uint64_t)u->ncases)];
	g->nlast = 0;
}

static void
span_open(struct gen *g, struct span *sp, const struct sess *s)
{
	memset(sp, 0, sizeof(*sp));
	memcpy(sp->sid, s->sid, 37);
	g->cur = sp;
}

/* ---- a day's work ------------------------------------------------------------ */

/* What is special about one user's session: set by the day's plan. */
struct plan {
	unsigned nopurpose_pm;	/* chance of a session without purpose */
	int extra_exports;	/* to spread over the day's sessions */
	int extra_sessions;	/* sessions left to spread them over */
	int fin_bank;		/* financial: bank reads today */
	int handler;		/* informant register read today */
	int archive;		/* legacy archive read today */
};

/* One everyday session: login, mostly a purpose, nact actions on the
 * user's cases, mostly a logout.  Returns its last event's time. */
static int64_t
work_session(struct gen *g, const struct user *u, struct plan *pl,
    int64_t t, const char *ip, int nact)
{
	struct sess s;
	char purpose[128], q[96];
	int i, extra = 0, special = 0, purposeful;
	int64_t last;

	sess_open(g, &s, u, ip);
	ev_login(g, &s, t);
	last = t;
	t += secs(g, 5, 60);
	purposeful = !chance(&g->r, pl->nopurpose_pm);
	stat_sessions[u - users][local_day(t) >= HABIT_FROM]++;
	if (!purposeful)
		stat_nopurpose[u - users][local_day(t) >= HABIT_FROM]++;
	if (purposeful) {
		if (pl->fin_bank > 0 || pl->handler > 0)
			special = 1;
		if (pl->fin_bank > 0)
			snprintf(purpose, sizeof(purpose), "%s bank records "
			    "under court order 26-MC-%04d",
			    g->cases[s.kase].id, 100 + s.kase * 37);
		else if (pl->handler > 0)
			snprintf(purpose, sizeof(purpose), "%s source "
			    "handling (debrief)", g->cases[s.kase].id);
		else
			purpose_text(g, &g->cases[s.kase], purpose,
			    sizeof(purpose));
		ev_justify(g, &s, t, purpose);
		last = t;
		t += secs(g, 3, 30);
	}
	if (pl->extra_exports > 0 && pl->extra_sessions > 0) {
		extra = pl->extra_exports / pl->extra_sessions;
		pl->extra_exports -= extra;
		pl->extra_sessions--;
	}
	for (i = 0; i < nact + extra; i++) {
		const struct kase *k = &g->cases[s.kase];
		uint64_t x = below(&g->r, 100);

		if (i >= nact) {
			/* The extra exports of the day: small ones. */
			int64_t rows = range(&g->r, 900, 2400);
			int64_t bytes = rows * range(&g->r, 260, 300);

			ev_export(g, &s, t, chance(&g->r, 500) ? DS_CASES :
			    DS_TAXPAYERS, rows, bytes);
			last = t;
			t += secs(g, 40, 200);
			continue;
		}
		if (special && i == 1) {
			if (pl->fin_bank > 0) {
				ev_table(g, &s, t, DS_BANK, "SUCCESS");
				if (pl->fin_bank > 1) {
					int64_t rows, bytes;

					last = t += secs(g, 30, 120);
					/* Bytes first, as in the setup. */
					bytes = range(&g->r, 8000, 120000);
					rows = range(&g->r, 20, 300);
					ev_export(g, &s, t, DS_BANK, rows,
					    bytes);
				}
				pl->fin_bank = 0;
			} else {
				ev_table(g, &s, t, DS_INFORMANTS, "SUCCESS");
				pl->handler = 0;
			}
		} else if (pl->archive > 0 && i == 2) {
			ev_table(g, &s, t, DS_ARCHIVE, "SUCCESS");
			pl->archive = 0;
		} else if (x < 40) {
			const char *hit = search_query(g, k, q, sizeof(q));

			if (k == &g->cases[0] && hit == k->subj[0].obj)
				stat_namesake[u - users]++;
			ev_search(g, &s, t, q, hit, (int)range(&g->r,
			    hit ? 1 : 0, MAXRES), NULL);
		} else if (x < 62) {
			const char *obj = k->subj[0].obj;

			if (g->nlast > 0)
				obj = g->last_results[below(&g->r,
				    (uint64_t)g->nlast)];
			ev_object(g, &s, t, obj, random_result(g));
		} else if (x < 86) {
			/* The result first, as in the setup. */
			const char *res = random_result(g);

			ev_table(g, &s, t, pick_ds(g), res);
		} else if (x < 90) {
			ev_small_export(g, &s, t);
		} else if (x < 95) {
			ev_internal(g, &s, t);
		} else if (u->ncases > 1 && purposeful && !(special &&
		    i < 1)) {
			/* Another of the user's cases; not before the
			 * special read, which its own purpose covers. */
			s.kase = u->cases[below(&g->r, (uint64_t)u->ncases)];
			purpose_text(g, &g->cases[s.kase], purpose,
			    sizeof(purpose));
			ev_justify(g, &s, t, purpose);
		} else {
			ev_internal(g, &s, t);
		}
		last = t;
		t += pause_ns(g);
	}
	if (chance(&g->r, 850)) {
		last = t;
		ev_logout(g, &s, t);
	}
	return last;
}

/* ---- the planted scenarios ---------------------------------------------------- */

struct truthrow {
	const char *scenario, *user, *rule, *level;
	int64_t start, end;	/* UTC ns; end inclusive */
	char detail[1024];
};

static struct truthrow truth[64];
static int ntruth;

static struct truthrow *
truth_add(const char *scen, const char *user, const char *rule,
    const char *level, int64_t start, int64_t end)
{
	struct truthrow *t;

	if (ntruth == (int)NELEM(truth))
		die("too many truth rows");
	t = &truth[ntruth++];
	t->scenario = scen;
	t->user = user;
	t->rule = rule;
	t->level = level;
	t->start = start;
	t->end = end;
	t->detail[0] = '\0';
	return t;
}

/* The detail: the local times of the span, then the printf text. */
static void __attribute__((format(printf, 2, 3)))
detail_local(struct truthrow *t, const char *fmt, ...)
{
	char a[64], b[64];
	va_list ap;
	int n;

	fmt_local(t->start, a);
	fmt_local(t->end, b);
	n = snprintf(t->detail, sizeof(t->detail), "%s .. %s; ", a, b);
	va_start(ap, fmt);
	vsnprintf(t->detail + n, sizeof(t->detail) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* A session opened for a scenario, counted into sp. */
static void
scen_open(struct gen *g, struct sess *s, struct span *sp,
    const struct user *u, const char *ip, int64_t t, const char *purpose)
{
	sess_open(g, s, u, ip);
	span_open(g, sp, s);
	ev_login(g, s, t);
	if (purpose != NULL)
		ev_justify(g, s, t + secs(g, 10, 40), purpose);
}

static int64_t
scen_close(struct gen *g, struct sess *s, struct span *sp, int64_t t)
{
	ev_logout(g, s, t);
	g->cur = NULL;
	return sp->last;
}

static char *
case_purpose(struct gen *g, const struct user *u, char *buf, size_t n)
{
	purpose_text(g, &g->cases[u->cases[0]], buf, n);
	return buf;
}

/* (bulk-export, critical) an investigator who exports a few hundred rows
 * at most exports three whole tables: gigabytes, in office hours. */
static int64_t
sc_huge_export(struct gen *g, const struct user *u, int64_t t)
{
	static const int ds[] = { DS_CUSTOMS, DS_TAXPAYERS, DS_SHIPPING };
	static const int64_t mb[] = { 1410, 920, 790 };
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	char p[128], more[256];
	size_t i;

	scen_open(g, &s, &sp, u, u->ip, t, case_purpose(g, u, p, sizeof(p)));
	t += secs(g, 60, 120);
	for (i = 0; i < NELEM(ds); i++) {
		ev_table(g, &s, t, ds[i], "SUCCESS");
		t += secs(g, 30, 90);
		ev_export(g, &s, t, ds[i], mb[i] * 4100,
		    mb[i] * 1000000 + range(&g->r, 0, 999999));
		t += secs(g, 240, 420);
	}
	t = scen_close(g, &s, &sp, t);
	tr = truth_add("first-huge-export", u->name, "bulk-export",
	    "critical", sp.first, sp.last);
	snprintf(more, sizeof(more), "exports=%d bytes=%" PRId64
	    " purpose=\"%s\"",
	    sp.exports, sp.bytes, p);
	detail_local(tr, "session of three whole-table exports "
	    "(import_declarations, taxpayer_records, shipping_manifests), "
	    "over the 1 GB ceiling; the user's exports are otherwise a few "
	    "hundred rows; %s", more);
	return t;
}

/* (bulk-export, high) a records clerk exports four large tables: far
 * above own and group, under the absolute ceiling. */
static int64_t
sc_large_export(struct gen *g, const struct user *u, int64_t t)
{
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	char p[128], more[256];
	int i;

	scen_open(g, &s, &sp, u, u->ip, t, case_purpose(g, u, p, sizeof(p)));
	t += secs(g, 60, 120);
	for (i = 0; i < 4; i++) {
		int ds = i % 2 ? DS_PERSONS : DS_TAXPAYERS;
		int64_t bytes = range(&g->r, 45000000, 75000000);

		ev_export(g, &s, t, ds, bytes / 260, bytes);
		t += secs(g, 90, 200);
	}
	t = scen_close(g, &s, &sp, t);
	tr = truth_add("large-export-below-ceiling", u->name, "bulk-export",
	    "high", sp.first, sp.last);
	snprintf(more, sizeof(more), "exports=%d bytes=%" PRId64, sp.exports,
	    sp.bytes);
	detail_local(tr, "four exports of 45-75 MB (person_index, "
	    "taxpayer_records) by a records clerk whose exports are small, "
	    "in a group with no large exports; under the ceiling; %s", more);
	return t;
}

/* (off-hours, high) a day worker's session at three in the morning, with
 * reads and exports of ordinary size, over the VPN. */
static void
sc_night_session(struct gen *g, const struct user *u, int d)
{
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	char p[128], q[96];
	int64_t t = local_ns(d, 3 * HOUR + 5 * MIN) + secs(g, 0, 120);
	int i;

	scen_open(g, &s, &sp, u, "10.40.99.23", t,
	    case_purpose(g, u, p, sizeof(p)));
	t += secs(g, 60, 100);
	for (i = 0; i < 9; i++) {
		if (i % 3 == 0) {
			const char *hit = search_query(g,
			    &g->cases[u->cases[0]], q, sizeof(q));

			ev_search(g, &s, t, q, hit, 3, NULL);
		} else if (i % 3 == 1) {
			ev_table(g, &s, t, i < 4 ? DS_TAXPAYERS : DS_PERSONS,
			    "SUCCESS");
		} else {
			ev_small_export(g, &s, t);
		}
		t += secs(g, 90, 260);
	}
	scen_close(g, &s, &sp, t);
	tr = truth_add("day-worker-night-session", u->name, "off-hours",
	    "high", sp.first, sp.last);
	detail_local(tr, "an investigator who works office hours (from "
	    "about 08:00 to 17:30) logs in at 03:05 over the VPN "
	    "(10.40.99.23), reads taxpayer and person tables and makes "
	    "%d ordinary exports", sp.exports);
}

/* (search-burst) hundreds of searches in minutes: names off a list. */
static int64_t
sc_scrape(struct gen *g, const struct user *u, int64_t t, int n,
    const char *scen, const char *level, const char *why)
{
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	char p[128], q[96], more[256];
	int i;

	scen_open(g, &s, &sp, u, u->ip, t, case_purpose(g, u, p, sizeof(p)));
	t += secs(g, 30, 60);
	for (i = 0; i < n; i++) {
		snprintf(q, sizeof(q), "%s %c",
		    last_names[(size_t)i % NELEM(last_names)],
		    'A' + (int)((size_t)i / NELEM(last_names) % 26));
		ev_search(g, &s, t, q, NULL, (int)range(&g->r, 0, MAXRES),
		    NULL);
		t += msecs(g, 1100, 2600);
	}
	t += secs(g, 20, 60);
	t = scen_close(g, &s, &sp, t);
	tr = truth_add(scen, u->name, "search-burst", level, sp.first,
	    sp.last);
	snprintf(more, sizeof(more), "searches=%d (\"SURNAME INITIAL\" off a "
	    "list, 1-2.6 s apart); %s", sp.searches, why);
	detail_local(tr, "%s", more);
	return t;
}

/* (denied-burst, high) refused again and again on the informant
 * register, never refused like that before. */
static int64_t
sc_denied(struct gen *g, const struct user *u, int64_t t)
{
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	char p[128], more[64];
	int i;

	scen_open(g, &s, &sp, u, u->ip, t, case_purpose(g, u, p, sizeof(p)));
	t += secs(g, 40, 90);
	for (i = 0; i < 14; i++) {
		ev_table(g, &s, t, DS_INFORMANTS, "UNAUTHORIZED");
		t += secs(g, 6, 16);
	}
	t += secs(g, 60, 120);
	t = scen_close(g, &s, &sp, t);
	tr = truth_add("denied-burst", u->name, "denied-burst", "high",
	    sp.first, sp.last);
	snprintf(more, sizeof(more), "denied=%d", sp.denied);
	detail_local(tr, "UNAUTHORIZED reads of "
	    "/Office/Intel/informant_register 6-16 s apart; %s", more);
	return t;
}

/* (no-purpose, low) one quick lookup without a justification. */
static int64_t
sc_lookup_nopurpose(struct gen *g, const struct user *u, int64_t t)
{
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	const struct kase *k = &g->cases[u->cases[u->ncases - 1]];
	int i;

	scen_open(g, &s, &sp, u, u->ip, t, NULL);
	t += secs(g, 20, 50);
	for (i = 0; i < 2; i++) {
		ev_search(g, &s, t, k->subj[i].name, k->subj[i].obj, 2, NULL);
		t += secs(g, 20, 60);
		ev_object(g, &s, t, k->subj[i].obj, "SUCCESS");
		t += secs(g, 40, 120);
	}
	ev_table(g, &s, t, DS_TAXPAYERS, "SUCCESS");
	t += secs(g, 30, 90);
	t = scen_close(g, &s, &sp, t);
	tr = truth_add("lookup-without-purpose", u->name, "no-purpose", "low",
	    sp.first, sp.last);
	detail_local(tr, "no userJustify in the session: two "
	    "person searches, their objects and a taxpayer_records read");
	return t;
}

/* (boilerplate-purpose, medium) the same text, "Routine check", given
 * for 42 people of unrelated cases in one morning. */
static int64_t
sc_boilerplate(struct gen *g, const struct user *u, int64_t t, int d)
{
	struct sess s;
	struct span sp, all;
	struct truthrow *tr;
	int i, n = 0, round;

	memset(&all, 0, sizeof(all));
	for (round = 0; round < 3; round++) {
		sess_open(g, &s, u, u->ip);
		span_open(g, &sp, &s);
		ev_login(g, &s, t);
		t += secs(g, 10, 30);
		for (i = 0; i < 14; i++, n++) {
			const struct kase *k = &g->cases[1 + n % (NCASES - 1)];
			const struct subject *sj = &k->subj[n / (NCASES - 1) %
			    k->nsubj];

			ev_justify(g, &s, t, "Routine check");
			t += secs(g, 8, 20);
			ev_search(g, &s, t, sj->name, sj->obj, 1, NULL);
			t += secs(g, 10, 30);
			ev_object(g, &s, t, sj->obj, "SUCCESS");
			t += secs(g, 40, 140);
		}
		t = scen_close(g, &s, &sp, t) + secs(g, 1200, 2400);
		if (round == 0)
			all.first = sp.first;
		all.last = sp.last;
		all.events += sp.events;
	}
	tr = truth_add("boilerplate-purpose", u->name, "boilerplate-purpose",
	    "medium", local_ns(d, 0), local_ns(d + 1, 0) - 1);
	{
		char a[64], b[64];

		fmt_local(all.first, a);
		fmt_local(all.last, b);
		snprintf(tr->detail, sizeof(tr->detail), "span: the local "
		    "day; planted %s .. %s: three sessions with 42 "
		    "justifications \"Routine check\", each followed by a "
		    "search for and the object of a person of 13 unrelated "
		    "cases (none of the user's own)", a, b);
	}
	return t;
}

/* (purpose-policy) restricted data under a purpose the policy does not
 * allow for it: bank reports exported for a duty audit (high), the
 * informant register read for a case inquiry (medium). */
static int64_t
sc_policy(struct gen *g, const struct user *u, int64_t t, int export)
{
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	char p[128], q[96];
	const struct kase *k = &g->cases[u->cases[0]];
	const char *hit;

	snprintf(p, sizeof(p), export ? "%s import duty audit" :
	    "%s undervaluation inquiry", k->id);
	scen_open(g, &s, &sp, u, u->ip, t, p);
	t += secs(g, 40, 80);
	hit = search_query(g, k, q, sizeof(q));
	ev_search(g, &s, t, q, hit, 2, NULL);
	t += secs(g, 40, 100);
	ev_table(g, &s, t, export ? DS_BANK : DS_INFORMANTS, "SUCCESS");
	t += secs(g, 60, 180);
	if (export) {
		ev_export(g, &s, t, DS_BANK, 412, 412 * 312);
		t += secs(g, 30, 90);
	} else {
		ev_table(g, &s, t, DS_INFORMANTS, "SUCCESS");
		t += secs(g, 60, 120);
	}
	t = scen_close(g, &s, &sp, t);
	if (export) {
		tr = truth_add("policy-violation-export", u->name,
		    "purpose-policy", "high", sp.first, sp.last);
		detail_local(tr, "reads and exports "
		    "/Office/Finance/bank_reports (412 rows) under purpose "
		    "\"%s\": the policy wants a court order or warrant", p);
	} else {
		tr = truth_add("policy-violation-view", u->name,
		    "purpose-policy", "medium", sp.first, sp.last);
		detail_local(tr, "reads "
		    "/Office/Intel/informant_register twice under purpose "
		    "\"%s\": the policy wants source handling", p);
	}
	return t;
}

/* (watchlist) searches for protected names and an operation's code
 * name, written as people type them. */
static int64_t
sc_watch(struct gen *g, const struct user *u, int64_t t, int which)
{
	static const char *const q0[] = {
		/* NFD, surname first with a comma */
		"\xc3\x98" "dega\xcc\x8a" "rd, Zoe\xcc\x88",
		/* upper case, NFC */
		"ZO\xc3\x8b \xc3\x98" "DEG\xc3\x85RD",
	};
	static const char *const q1[] = {
		"M\xc3\x9cLLER-\xc3\x91\xc3\x9a\xc3\x91" "EZ, Jos\xc3\xa9",
		"Jos\xc3\xa9 M\xc3\xbcller-\xc3\x91\xc3\xba\xc3\xb1" "ez Queens",
	};
	static const char *const q2[] = {
		"Op. Nightjar container list",
	};
	const char *const *qs = which == 0 ? q0 : which == 1 ? q1 : q2;
	size_t nq = which == 2 ? 1 : 2, i;
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	char p[128], obj[80], more[256];

	scen_open(g, &s, &sp, u, u->ip, t,
	    which == 1 ? NULL : case_purpose(g, u, p, sizeof(p)));
	t += secs(g, 40, 90);
	make_rid(g, "ri.phonograph2-objects.main.object.", obj, sizeof(obj));
	for (i = 0; i < nq; i++) {
		ev_search(g, &s, t, qs[i], obj, 1, NULL);
		t += secs(g, 20, 60);
		ev_object(g, &s, t, obj, "SUCCESS");
		t += secs(g, 60, 150);
	}
	t = scen_close(g, &s, &sp, t);
	if (which == 0) {
		tr = truth_add("watchlist-nfd-reversed", u->name, "watchlist",
		    "medium", sp.first, sp.last);
		snprintf(more, sizeof(more), "purpose \"%s\"", p);
		detail_local(tr, "searches \"\xc3\x98"
		    "dega\xcc\x8a" "rd, Zoe\xcc\x88\" (NFD, parts reversed) "
		    "and \"ZO\xc3\x8b \xc3\x98" "DEG\xc3\x85RD\" for the "
		    "watchlisted \"Zo\xc3\xab \xc3\x98" "deg\xc3\xa5rd\", "
		    "and opens the hit, in a session with %s", more);
	} else if (which == 1) {
		tr = truth_add("watchlist-no-purpose", u->name, "watchlist",
		    "high", sp.first, sp.last);
		detail_local(tr, "searches \"M\xc3\x9cLLER-"
		    "\xc3\x91\xc3\x9a\xc3\x91" "EZ, Jos\xc3\xa9\" and \"Jos"
		    "\xc3\xa9 M\xc3\xbcller-\xc3\x91\xc3\xba\xc3\xb1" "ez "
		    "Queens\" (NFC; the watchlist writes the name NFD) in a "
		    "session with no justification");
	} else {
		tr = truth_add("watchlist-pattern", u->name, "watchlist",
		    "medium", sp.first, sp.last);
		snprintf(more, sizeof(more), "purpose \"%s\"", p);
		detail_local(tr, "searches \"Op. Nightjar container "
		    "list\", matched by the watchlist's re: line, in a session "
		    "with %s", more);
	}
	return t;
}

/* (rare-access, medium) a first look into the legacy archive, which one
 * records clerk uses, in a session without a purpose. */
static int64_t
sc_rare(struct gen *g, const struct user *u, int64_t t)
{
	struct sess s;
	struct span sp;
	struct truthrow *tr;
	int i;

	scen_open(g, &s, &sp, u, u->ip, t, NULL);
	t += secs(g, 30, 90);
	for (i = 0; i < 3; i++) {
		ev_table(g, &s, t, DS_ARCHIVE, "SUCCESS");
		t += secs(g, 120, 300);
	}
	t = scen_close(g, &s, &sp, t);
	tr = truth_add("rare-first-access", u->name, "rare-access", "medium",
	    sp.first, sp.last);
	detail_local(tr, "three reads of "
	    "/Office/Archive/legacy_case_archive_1994_2009, which only "
	    "l.ashworth uses, the user's first, in a session without a "
	    "justification");
	return t;
}

/* ---- who does what when ------------------------------------------------------- */

enum scen {
	SC_NONE, SC_HUGE, SC_LARGE, SC_SCRAPE, SC_SCRAPE_PEER, SC_DENIED,
	SC_LOOKUP, SC_BOILER, SC_POLICY_EXPORT, SC_POLICY_VIEW, SC_WATCH_NFD,
	SC_WATCH_NOPURPOSE, SC_WATCH_RE, SC_RARE,
};

struct planted {
	const char *user;
	int day;
	int at;			/* local seconds after midnight */
	int scen;
};

static const struct planted planted[] = {
	{ "i.romero", 17, 14 * 3600 + 10 * 60, SC_HUGE },	/* Thu 03-12 */
	{ "m.dubois", 16, 10 * 3600 + 40 * 60, SC_LARGE },	/* Wed 03-11 */
	{ "d.okonkwo", 24, 15 * 3600 + 20 * 60, SC_SCRAPE },	/* Thu 03-19 */
	{ "j.thornton", 22, 11 * 3600, SC_SCRAPE_PEER },	/* Tue 03-17 */
	{ "k.lindqvist", 16, 16 * 3600 + 10 * 60, SC_DENIED },	/* Wed 03-11 */
	{ "c.delgado", 21, 11 * 3600 + 20 * 60, SC_LOOKUP },	/* Mon 03-16 */
	{ "f.marchetti", 24, 9 * 3600 + 30 * 60, SC_BOILER },	/* Thu 03-19 */
	{ "g.nakashima", 15, 14 * 3600 + 30 * 60, SC_POLICY_EXPORT },
	{ "l.moreno", 7, 10 * 3600 + 15 * 60, SC_POLICY_VIEW },	/* Mon 03-02 */
	{ "m.castellanos", 16, 13 * 3600 + 40 * 60, SC_WATCH_NFD },
	{ "n.oyelaran", 25, 16 * 3600 + 30 * 60, SC_WATCH_NOPURPOSE },
	{ "i.mukherjee", 1, 14 * 3600, SC_WATCH_RE },		/* Tue 02-24 */
	{ "j.abernathy", 25, 10 * 3600 + 5 * 60, SC_RARE },	/* Fri 03-20 */
};


static int
is_workday(int d)
{
	return weekday(base_day + d) < 5;
}

static int64_t
run_planted(struct gen *g, const struct user *u, int d, int64_t t,
    int scen)
{
	switch (scen) {
	case SC_HUGE:
		return sc_huge_export(g, u, t);
	case SC_LARGE:
		return sc_large_export(g, u, t);
	case SC_SCRAPE:
		return sc_scrape(g, u, t, 260, "scraping-burst", "high",
		    "the user's own searches and the group's never come "
		    "faster than a few a minute");
	case SC_SCRAPE_PEER:
		return sc_scrape(g, u, t, 130, "burst-beside-batch-analyst",
		    "medium", "far above the user's own searches, but the "
		    "group has g.ostrowski's weekly batch run (300+ searches "
		    "in minutes): not far above the group's maximum");
	case SC_DENIED:
		return sc_denied(g, u, t);
	case SC_LOOKUP:
		return sc_lookup_nopurpose(g, u, t);
	case SC_BOILER:
		return sc_boilerplate(g, u, t, d);
	case SC_POLICY_EXPORT:
		return sc_policy(g, u, t, 1);
	case SC_POLICY_VIEW:
		return sc_policy(g, u, t, 0);
	case SC_WATCH_NFD:
		return sc_watch(g, u, t, 0);
	case SC_WATCH_NOPURPOSE:
		return sc_watch(g, u, t, 1);
	case SC_WATCH_RE:
		return sc_watch(g, u, t, 2);
	case SC_RARE:
		return sc_rare(g, u, t);
	}
	die("unknown scenario");
}

/* The data stewards' weekly extract: the same four tables every
 * Wednesday, 150-220 MB each, under the same kind of purpose. */
static int64_t
extract_session(struct gen *g, const struct user *u, int d, int64_t t)
{
	static const int ds[] = {
		DS_TAXPAYERS, DS_CUSTOMS, DS_SHIPPING, DS_VEHICLES,
	};
	struct sess s;
	char p[128];
	int64_t last;
	size_t i;

	sess_open(g, &s, u, u->ip);
	ev_login(g, &s, t);
	t += secs(g, 10, 40);
	snprintf(p, sizeof(p), "Weekly statistical extract DS-REQ-2026-W%02d "
	    "(statistics unit)", 9 + d / 7);
	ev_justify(g, &s, t, p);
	t += secs(g, 20, 60);
	for (i = 0; i < NELEM(ds); i++) {
		int64_t bytes = range(&g->r, 150000000, 220000000);

		ev_table(g, &s, t, ds[i], "SUCCESS");
		t += secs(g, 20, 60);
		ev_export(g, &s, t, ds[i], bytes / 240, bytes);
		last = t;
		t += secs(g, 300, 600);
	}
	ev_logout(g, &s, t);
	(void)last;
	return t;
}

/* The batch analyst's Monday run: a list of risk indicators searched one
 * after another by a script, 300-340 searches in about seven minutes. */
static int64_t
batch_session(struct gen *g, const struct user *u, int d, int64_t t)
{
	static const char *const terms[] = {
		"undervalued electronics", "transshipment Newark",
		"split invoice", "HS 8471", "HS 8517", "HS 2402",
		"duplicate bill of lading", "shell importer",
		"first-time importer", "consignee change", "free zone Colon",
		"reefer misdeclared", "cash deposit structuring",
	};
	struct sess s;
	char p[128], q[128];
	int i, n = (int)range(&g->r, 300, 340);

	sess_open(g, &s, u, u->ip);
	ev_login(g, &s, t);
	t += secs(g, 2, 5);
	snprintf(p, sizeof(p), "Weekly risk-indicator search run "
	    "RUN-2026-W%02d", 9 + d / 7);
	ev_justify(g, &s, t, p);
	t += secs(g, 2, 5);
	for (i = 0; i < n; i++) {
		snprintf(q, sizeof(q), "%s %s",
		    terms[(size_t)i % NELEM(terms)],
		    g->cases[(size_t)i / NELEM(terms) % NCASES].company);
		ev_search(g, &s, t, q, NULL, (int)range(&g->r, 0, 3),
		    UA_BATCH);
		t += msecs(g, 900, 1600);
	}
	ev_logout(g, &s, t);
	return t;
}

/* A day worker's day: sessions from arrival to about half past five,
 * with the planted scenario of the day, if any, where it falls. */
static void
day_worker(struct gen *g, struct user *u, int d)
{
	struct plan pl;
	const struct planted *pp = NULL;
	int64_t t, want = 0;
	int slot, nslots = 4, wd = weekday(base_day + d);
	size_t i;

	for (i = 0; i < NELEM(planted); i++)
		if (planted[i].day == d && strcmp(planted[i].user, u->name) ==
		    0)
			pp = &planted[i];
	if (!is_workday(d))
		return;
	if ((u->leave & (UINT32_C(1) << d)) && pp == NULL &&
	    !(d == NIGHT_DAY && strcmp(u->name, NIGHT_USER) == 0) &&
	    !(d == SHARED_DAY && strcmp(u->name, SHARED_USER) == 0) &&
	    !(d >= GROWTH_FROM && strcmp(u->name, GROWTH_USER) == 0))
		return;

	memset(&pl, 0, sizeof(pl));
	pl.nopurpose_pm = 15;
	if (strcmp(u->name, HABIT_USER) == 0 && d >= HABIT_FROM)
		pl.nopurpose_pm = 700;
	if (u->routine & R_DISCLOSE) {
		pl.extra_exports = (int)range(&g->r, 16, 26);
		pl.extra_sessions = 4;
	}
	if (strcmp(u->name, GROWTH_USER) == 0 && d >= GROWTH_FROM &&
	    d < GROWTH_FROM + 5) {
		static const int n[5] = { 5, 9, 14, 19, 24 };

		pl.extra_exports = n[d - GROWTH_FROM];
		pl.extra_sessions = 4;
	}
	if (u->group == G_FIN && chance(&g->r, 600))
		pl.fin_bank = wd == 3 ? 2 : 1;	/* exports on Thursdays */
	if ((u->routine & R_HANDLER) && (wd == 1 || wd == 3))
		pl.handler = 1;
	if ((u->routine & R_ARCHIVE) && (wd == 1 || wd == 3))
		pl.archive = 1;
	if (pp != NULL)
		want = local_ns(d, pp->at);

	if (d == NIGHT_DAY && strcmp(u->name, NIGHT_USER) == 0)
		sc_night_session(g, u, d);

	t = local_ns(d, u->arrive) + secs(g, -600, 600);
	if (u->routine & R_BATCH && wd == 0) {
		/* The run is started at ten past seven, before the day. */
		batch_session(g, u, d, local_ns(d, 7 * HOUR + 10 * MIN) +
		    secs(g, 0, 60));
	}
	if (d == SHARED_DAY && strcmp(u->name, SHARED_USER) == 0) {
		struct sess s;
		struct span own, other;
		struct truthrow *tr;
		char p[128], more[256], a[64], b[64];
		int64_t t2;

		/* The user at the desk, and someone else with the same
		 * account from outside, at the same time. */
		t = local_ns(d, 9 * HOUR + 40 * MIN) + secs(g, 0, 60);
		sess_open(g, &s, u, u->ip);
		g->cur = NULL;
		span_open(g, &own, &s);
		t2 = work_session(g, u, &pl, t, u->ip, 12);
		g->cur = &other;
		memset(&other, 0, sizeof(other));
		work_session(g, u, &pl, t + 25 * MIN * NS_PER_S + secs(g, 0,
		    60), SHARED_IP, 10);
		g->cur = NULL;
		own.first = t;
		own.last = t2;
		fmt_local(other.first, a);
		fmt_local(own.last < other.last ? own.last : other.last, b);
		tr = truth_add("shared-account", u->name,
		    "concurrent-sessions", "high", own.first,
		    other.last > own.last ? other.last : own.last);
		snprintf(more, sizeof(more), "own desk %s; a second session "
		    "from %s overlaps it from %s to %s", u->ip, SHARED_IP, a,
		    b);
		detail_local(tr, "%s", more);
		(void)p;
		t = (other.last > t2 ? other.last : t2) + secs(g, 900, 1800);
		nslots = 2;
	}

	for (slot = 0; slot < nslots; slot++) {
		int nact;

		if (pp != NULL && t >= want - 30 * MIN * NS_PER_S) {
			t = run_planted(g, u, d, t > want ? t : want,
			    pp->scen) + secs(g, 900, 2400);
			pp = NULL;
		}
		if ((u->routine & R_EXTRACT) && wd == 2 && slot == 1) {
			t = extract_session(g, u, d, t) + secs(g, 900, 2400);
			continue;
		}
		if (local_sec(t) > 17 * HOUR + 15 * MIN && slot > 1)
			break;
		nact = slot == 0 ? (int)range(&g->r, 4, 9) :
		    (int)range(&g->r, 2, 7);
		t = work_session(g, u, &pl, t, u->ip, nact);
		if (slot == 1 && local_sec(t) < 12 * HOUR + 30 * MIN)
			t = local_ns(d, 12 * HOUR + 40 * MIN) +
			    secs(g, 0, 1800);
		else
			t += secs(g, 1500, 4500);
	}
	if (pp != NULL)
		run_planted(g, u, d, t > want ? t : want, pp->scen);
}

/* A liaison officer works from the partner site: every session comes
 * from another address of its pool, one after the other, and one day a
 * week from the visitors' network at the office. */
static void
liaison_day(struct gen *g, struct user *u, int d)
{
	struct plan pl;
	char ip[24];
	int64_t t;
	int slot;

	if (!is_workday(d) || (u->leave & (UINT32_C(1) << d)))
		return;
	memset(&pl, 0, sizeof(pl));
	pl.nopurpose_pm = 15;
	t = local_ns(d, u->arrive) + secs(g, -600, 600);
	for (slot = 0; slot < 4; slot++) {
		if (weekday(base_day + d) == 2)
			snprintf(ip, sizeof(ip), "10.40.250.%d",
			    (int)range(&g->r, 100, 199));
		else
			snprintf(ip, sizeof(ip), "172.22.8.%d",
			    (int)range(&g->r, 20, 80));
		t = work_session(g, u, &pl, t, ip, (int)range(&g->r, 3, 8));
		t += secs(g, 1200, 3600);
		if (local_sec(t) > 17 * HOUR + 30 * MIN)
			break;
	}
}

/* The night desk: four nights a week on a rota, 22:00 to about 06:00,
 * sessions through the night. */
static void
night_shift(struct gen *g, struct user *u, int idx, int d)
{
	struct plan pl;
	int64_t t, end;

	if ((weekday(base_day + d) + idx) % 7 >= 4 || d == NDAYS - 1)
		return;
	memset(&pl, 0, sizeof(pl));
	pl.nopurpose_pm = 15;
	t = local_ns(d, 22 * HOUR) + secs(g, -900, 900);
	end = t + 7 * HOUR * NS_PER_S + 40 * MIN * NS_PER_S;
	while (t < end) {
		t = work_session(g, u, &pl, t, u->ip, (int)range(&g->r, 3,
		    9));
		t += secs(g, 1800, 4800);
	}
}

/* ---- output -------------------------------------------------------------------- */

static int
line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
write_text(const char *dir, const char *name, const char *text)
{
	struct sb p = { 0 };

	sb_printf(&p, "%s/%s", dir, name);
	write_file(p.p, text, strlen(text));
	free(p.p);
}

static void
write_groups(const char *dir)
{
	struct sb b = { 0 };
	int i;

	sb_puts(&b, "user\tgroup\tsite\n");
	for (i = 0; i < NUSERS; i++)
		sb_printf(&b, "%s\t%s\t%s\n", users[i].name,
		    group_name[users[i].group],
		    users[i].group == G_LIA ? "partner" : "hq");
	write_text(dir, "groups.tsv", b.p);
	free(b.p);
}

static void
rid_pattern(struct sb *b, const char *rid)
{
	sb_puts(b, "^");
	for (; *rid != '\0'; rid++) {
		if (*rid == '.')
			sb_puts(b, "\\");
		sb_add(b, rid, 1);
	}
	sb_puts(b, "$");
}

static void
write_policy(const struct gen *g, const char *dir)
{
	struct sb b = { 0 };

	sb_puts(&b, "dataset_pattern\tpurpose_pattern\towner\tnote\n");
	rid_pattern(&b, g->ds_rid[DS_BANK]);
	sb_puts(&b, "\t\\b(court order|warrant)\\b\tFinancial Intelligence "
	    "Unit\tbank_reports: only under a court order or warrant\n");
	rid_pattern(&b, g->ds_rid[DS_INFORMANTS]);
	sb_puts(&b, "\t\\bsource handling\\b\tSource Unit\t"
	    "informant_register: only for handling a source\n");
	rid_pattern(&b, g->ds_rid[DS_COMPANIES]);
	sb_puts(&b, "\t*\tRegisters\tcompany_register: public, no purpose "
	    "needed\n");
	sb_puts(&b, ".\t.\tOversight Office\teverything else: some stated "
	    "purpose\n");
	write_text(dir, "policy.tsv", b.p);
	free(b.p);
}

static void
write_watchlist(const char *dir)
{
	write_text(dir, "watchlist.txt",
	    "# Protected persons and terms - oversight office list, rev. "
	    "2026-02\n"
	    "# Witnesses under protection, as the court orders write them.\n"
	    "Zo\xc3\xab \xc3\x98" "deg\xc3\xa5rd\n"
	    "# written decomposed (NFD), as pasted from the court's system\n"
	    "Jose\xcc\x81 Mu\xcc\x88ller-N\xcc\x83u\xcc\x81n\xcc\x83" "ez\n"
	    "Siobh\xc3\xa1n \xc3\x93 Briain\n"
	    "\n"
	    "# Operations\n"
	    "re:\\bop(eration|\\.)?\\s*nightjar\\b\n");
}

/* Seconds into the local day of the line. */
static int
in_outage(int64_t ns)
{
	int64_t s = local_sec(ns);

	return local_day(ns) == OUTAGE_DAY && s >= OUTAGE_FROM &&
	    s < OUTAGE_TO;
}

static void
write_logs(struct gen *g, const char *dir, size_t *kept, int64_t *lost_from)
{
	struct sb body = { 0 }, gz = { 0 }, path = { 0 };
	size_t i = 0, j;
	int d;
	char date[16];

	*kept = 0;
	for (d = 0; d < NDAYS; d++) {
		sb_reset(&body);
		for (; i < g->n && local_day(g->v[i].ns) <= d; i++) {
			if (local_day(g->v[i].ns) < d || in_outage(g->v[i].ns))
				continue;
			sb_puts(&body, g->v[i].text);
			sb_puts(&body, "\n");
			if (d != MISSING_DAY && d != TRUNC_DAY)
				(*kept)++;
		}
		if (d == MISSING_DAY || body.n == 0)
			continue;
		sb_reset(&gz);
		gzip_member(&gz, body.p, body.n);
		if (d == TRUNC_DAY) {
			/* The transfer broke off: the member's header and
			 * the first part of its deflate data, no trailer. */
			size_t keep = 10 + (gz.n - 18) * TRUNC_PERCENT / 100;

			gz.n = keep;
			*lost_from = 0;
			for (j = 0; j < g->n; j++)
				if (local_day(g->v[j].ns) == d) {
					*lost_from = g->v[j].ns;
					break;
				}
		}
		fmt_date(base_day + d, date);
		sb_reset(&path);
		sb_printf(&path, "%s/audit", dir);
		mkdirs(path.p);
		sb_printf(&path, "/%s.jsonl.gz", date);
		write_file(path.p, gz.p, gz.n);
	}
	free(body.p);
	free(gz.p);
	free(path.p);
}

/* ---- the ground truth ----------------------------------------------------------- */

static int
uidx(const char *name)
{
	return (int)(user_named(name) - users);
}

static void
control(const char *scen, const char *user, const char *not,
    const char *why)
{
	struct truthrow *t = truth_add(scen, user, "none", "info",
	    local_ns(0, 0), local_ns(NDAYS, 0) - 1);

	snprintf(t->detail, sizeof(t->detail), "not=%s; %s", not, why);
}

static void
truth_integrity_and_controls(int64_t lost_from)
{
	struct truthrow *t;
	struct sb b = { 0 };
	char a[64], c[64], date[16];
	int i, d, ui;

	t = truth_add("missing-day", "", "log-integrity", "medium",
	    local_ns(MISSING_DAY, 0), local_ns(MISSING_DAY + 1, 0) - 1);
	fmt_date(base_day + MISSING_DAY, date);
	snprintf(t->detail, sizeof(t->detail), "no file audit/%s.jsonl.gz: "
	    "a whole weekday (local) without logs, the night desk's and "
	    "everyone's", date);
	t = truth_add("collector-outage", "", "log-integrity", "low",
	    local_ns(OUTAGE_DAY, OUTAGE_FROM),
	    local_ns(OUTAGE_DAY, OUTAGE_TO) - 1);
	fmt_date(base_day + OUTAGE_DAY, date);
	snprintf(t->detail, sizeof(t->detail), "audit/%s.jsonl.gz has no "
	    "record from 10:00 to 13:00 local on a busy weekday (the "
	    "collector was down; the rest of the day is there)", date);
	t = truth_add("truncated-gzip", "", "log-integrity", "high",
	    local_ns(TRUNC_DAY, 0), local_ns(TRUNC_DAY + 1, 0) - 1);
	fmt_date(base_day + TRUNC_DAY, date);
	fmt_local(lost_from, a);
	snprintf(t->detail, sizeof(t->detail), "audit/%s.jsonl.gz ends "
	    "after %d%% of its deflate data, without the gzip trailer (a "
	    "transfer cut off): the day's later records are lost (first "
	    "record of the day %s); the afternoon's missing hours follow "
	    "from it", date, TRUNC_PERCENT, a);

	ui = uidx(HABIT_USER);
	t = truth_add("habitual-no-purpose", HABIT_USER, "no-purpose",
	    "medium", local_ns(HABIT_FROM, 0), local_ns(NDAYS, 0) - 1);
	fmt_local(t->start, a);
	snprintf(t->detail, sizeof(t->detail), "from %s on, %d of %d "
	    "sessions without a justification (before: %d of %d; every "
	    "other user about 1 in 70)", a, stat_nopurpose[ui][1],
	    stat_sessions[ui][1], stat_nopurpose[ui][0],
	    stat_sessions[ui][0]);

	ui = uidx(GROWTH_USER);
	t = truth_add("slow-export-growth", GROWTH_USER, "export-growth",
	    "medium", local_ns(GROWTH_FROM, 0),
	    local_ns(GROWTH_FROM + 5, 0) - 1);
	sb_printf(&b, "Mon-Fri, local days; exports per day (bytes):");
	for (d = GROWTH_FROM; d < GROWTH_FROM + 5; d++)
		sb_printf(&b, " %d (%" PRId64 ")", stat_exports[ui][d],
		    stat_bytes[ui][d]);
	sb_printf(&b, "; each export 230-720 KB, like the group's: "
	    "n.carrington's routine is 16-26 such exports a day, so far "
	    "above own baseline (0-1 small export a day), not above the "
	    "group's busiest");
	snprintf(t->detail, sizeof(t->detail), "%s", b.p);
	free(b.p);

	for (i = 0; i < NUSERS; i++) {
		const struct user *u = &users[i];

		if (u->group == G_NIGHT)
			control("night-shift", u->name, "off-hours",
			    "night desk: four nights a week on a rota, "
			    "22:00 to about 06:00 local, across the DST "
			    "change");
		if (u->routine & R_EXTRACT)
			control("weekly-extract", u->name,
			    "bulk-export,export-growth", "data steward: "
			    "every Wednesday about 10:30 four exports of "
			    "150-220 MB (taxpayer_records, "
			    "import_declarations, shipping_manifests, "
			    "vehicle_imports)");
		if (u->routine & R_BATCH)
			control("weekly-batch-search", u->name,
			    "search-burst", "analyst: every Monday at 07:10 "
			    "a script's 300-340 searches, 0.9-1.6 s apart");
		if (u->group == G_LIA)
			control("liaison-other-site", u->name,
			    "concurrent-sessions,off-hours", "liaison "
			    "officer: 09:00-18:00, each session from another "
			    "address of the partner site's pool "
			    "172.22.8.20-80, Wednesdays from the office's "
			    "visitor network 10.40.250.0/24; one session at "
			    "a time");
		if (u->group == G_FIN)
			control("court-order-bank-access", u->name,
			    "purpose-policy,rare-access", "financial "
			    "investigator: reads bank_reports on most days "
			    "and exports from it on Thursdays, always under "
			    "\"CASE-... bank records under court order "
			    "26-MC-NNNN\"");
		if (u->routine & R_HANDLER)
			control("informant-handler", u->name,
			    "purpose-policy,rare-access", "source handler: "
			    "reads informant_register on Tuesdays and "
			    "Thursdays under \"CASE-... source handling "
			    "(debrief)\"");
		if (u->routine & R_ARCHIVE)
			control("archive-regular", u->name, "rare-access",
			    "records clerk: the only regular user of "
			    "legacy_case_archive_1994_2009, Tuesdays and "
			    "Thursdays");
		if (u->routine & R_DISCLOSE)
			control("disclosure-clerk", u->name,
			    "bulk-export,export-growth", "disclosure clerk: "
			    "16-26 small exports (230-720 KB) every working "
			    "day");
		if (u->routine & R_EARLY)
			control("dst-early-bird", u->name, "off-hours",
			    "starts at 06:40 local every day, before and "
			    "after the change to daylight saving time (11:40 "
			    "then 10:40 UTC)");
		if ((u->routine & R_CASE0) && stat_namesake[i] > 0) {
			snprintf(c, sizeof(c), "%d", stat_namesake[i]);
			t = truth_add("watchlist-namesake", u->name, "none",
			    "info", local_ns(0, 0), local_ns(NDAYS, 0) - 1);
			snprintf(t->detail, sizeof(t->detail), "not=watchlist; "
			    "searches %s times for \"Zo\xc3\xab Marchand\" "
			    "(first name of a watchlisted witness, not her), "
			    "a subject of the user's case", c);
		}
	}
}

static int
truth_cmp(const void *a, const void *b)
{
	const struct truthrow *x = a, *y = b;
	int nx = strcmp(x->rule, "none") == 0, ny = strcmp(y->rule, "none") ==
	    0;
	int c;

	if (nx != ny)
		return nx - ny;
	if (!nx && x->start != y->start)
		return x->start < y->start ? -1 : 1;
	c = strcmp(x->scenario, y->scenario);
	return c != 0 ? c : strcmp(x->user, y->user);
}

static void
write_truth_tsv(const char *dir)
{
	struct sb b = { 0 };
	char a[64], c[64];
	int i;

	qsort(truth, (size_t)ntruth, sizeof(*truth), truth_cmp);
	sb_puts(&b, "scenario\tuser\tstart\tend\trule\tlevel\tdetail\n");
	for (i = 0; i < ntruth; i++) {
		fmt_time(truth[i].start, 6, a);
		fmt_time(truth[i].end, 6, c);
		sb_printf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
		    truth[i].scenario, truth[i].user, a, c, truth[i].rule,
		    truth[i].level, truth[i].detail);
	}
	write_text(dir, "truth.tsv", b.p);
	free(b.p);
}

static void
write_truth_md(const struct gen *g, const char *dir, size_t kept)
{
	static const char *const head[] = {
"# Scenario set 2: ground truth",
"",
"Written by `testdata/gen-scenarios` (seed %SEED%); do not edit,",
"regenerate: `build/testdata/gen-scenarios testdata/scenarios`.  The",
"office, its staff, its cases and every person named here are fictional;",
"addresses are private (10.40.0.0/16, 172.22.8.0/24) or documentation",
"(203.0.113.0/24) ranges.",
"",
"## What it is",
"",
"Palantir Foundry audit logs, schema `audit.3`, of a fictional revenue and",
"customs enforcement office in New York: 40 staff in seven groups",
"(`groups.tsv`), four weeks of local days from Monday 2026-02-23 to",
"Sunday 2026-03-22 in America/New_York, across the change to daylight",
"saving time on Sunday 2026-03-08 (02:00 EST became 03:00 EDT: UTC-5,",
"then UTC-4).  Unlike the first sample (one file per user and UTC day),",
"the office's collector writes one file for everyone per *local* day,",
"`audit/YYYY-MM-DD.jsonl.gz`, the records in time order, each a leaner",
"audit.3 record (no `host`, `orgId`, `sequenceId`, `tokenId`; the",
"schema's required fields are all there).  Times are UTC with",
"nanoseconds; the truth's times are UTC microseconds, as sessionlog keeps",
"them, its details in local time.",
"",
"Groups and their work:",
"",
"- `investigations` (14): 07:45-17:30 on weekdays, sessions with a",
"  justification naming a case (`CASE-2026-NNNN ...`), searches for the",
"  case's people, companies, EINs and containers, object and table",
"  reads, now and then a small export; a.brennan starts at 06:40 every",
"  day; a.brennan and p.vasquez handle sources and read the informant",
"  register twice a week under \"source handling\".",
"- `financial-crime` (5): the same, and bank_reports on most days,",
"  exports from it on Thursdays, under a court order.",
"- `night-desk` (6): four nights a week on a rota, 22:00 to about 06:00.",
"- `data-stewards` (4): office hours, and every Wednesday a bulk extract",
"  of four tables, 150-220 MB each.",
"- `analytics` (5): office hours; g.ostrowski's script runs 300-340",
"  searches in about seven minutes every Monday at 07:10.",
"- `records` (4): office hours; l.ashworth reads the legacy archive on",
"  Tuesdays and Thursdays; n.carrington (disclosure) makes 16-26 small",
"  exports every day.",
"- `liaison` (2): officers of a partner agency, 09:00-18:00, every",
"  session from another address of the partner site's pool, Wednesdays",
"  from the office's visitor network.",
"",
"About one session in seventy goes without a justification, for anyone;",
"about 0.4 % of actions fail or are refused, one at a time; the search",
"service's hydration calls on a user's behalf are backend calls (empty",
"`origins`).",
"",
"Beside the logs: `groups.tsv` (`user group site`), `policy.tsv` (a",
"purpose policy: bank_reports only under a court order or warrant, the",
"informant register only for source handling, the company register",
"free (`*`), everything else some purpose), `watchlist.txt` (two",
"protected witnesses, one written NFD in the file, a third name, and a",
"`re:` line for an operation's code name).",
"",
NULL
	};
	struct sb b = { 0 };
	char a[64];
	int i, k;

	for (i = 0; head[i] != NULL; i++) {
		const char *s = strstr(head[i], "%SEED%");

		if (s != NULL)
			sb_printf(&b, "%.*s%" PRIu64 "%s\n",
			    (int)(s - head[i]), head[i], g->seed, s + 6);
		else
			sb_printf(&b, "%s\n", head[i]);
	}
	sb_puts(&b, "Datasets:\n\n| dataset | RID |\n| --- | --- |\n");
	for (i = 0; i < DS__COUNT; i++)
		sb_printf(&b, "| `%s` | `%s` |\n", ds_path[i], g->ds_rid[i]);
	sb_puts(&b, "\nCases:\n\n| case | people | company | EIN | container "
	    "|\n| --- | --- | --- | --- | --- |\n");
	for (i = 0; i < NCASES; i++) {
		const struct kase *c = &g->cases[i];

		sb_printf(&b, "| %s | ", c->id);
		for (k = 0; k < c->nsubj; k++)
			sb_printf(&b, "%s%s", k ? ", " : "", c->subj[k].name);
		sb_printf(&b, " | %s | %s | %s |\n", c->company, c->ein,
		    c->container);
	}
	fmt_local(dst_from, a);
	sb_printf(&b, "\n%zu records are in the files as delivered (the "
	    "missing day, the outage and the whole truncated day not "
	    "counted).  Daylight saving time starts at %s.\n\n", kept, a);
	sb_puts(&b,
"## The ground truth (truth.tsv)\n"
"\n"
"Tab-separated, one header line: `scenario user start end rule level\n"
"detail`.  A planted row says: `summarize --alerts --tz America/New_York`\n"
"with the groups, policy and watchlist files must raise an alert of\n"
"`rule` at `level` for `user` (empty: a case-wide alert) whose start lies\n"
"in [`start`, `end`].  Levels follow the agreed levels of the detectors\n"
"(high for what is new to the user and the group, medium where the group\n"
"does the like, critical above an absolute ceiling).  A row with rule\n"
"`none` is a negative control: legitimately unusual work that is routine\n"
"for the user or the group; `detail` starts `not=RULE,...`: those rules\n"
"must not alert for that user above `info` anywhere in the span.\n"
"`tests/cli/summarize-alerts-scenarios.sh` checks every row.\n"
"\n"
"| scenario | user | start | end | rule | level | detail |\n"
"| --- | --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < ntruth; i++) {
		char s[64], e[64];

		fmt_time(truth[i].start, 6, s);
		fmt_time(truth[i].end, 6, e);
		sb_printf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n",
		    truth[i].scenario, truth[i].user, s, e, truth[i].rule,
		    truth[i].level, truth[i].detail);
	}
	write_text(dir, "TRUTH.md", b.p);
	free(b.p);
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen-scenarios [--seed N] OUTDIR\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct gen *g;
	const char *outdir = NULL;
	uint64_t seed = DEFAULT_SEED;
	size_t i, kept = 0;
	int64_t lost_from = 0;
	int d, u, night;

	gen_progname = "gen-scenarios";
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < (size_t)argc) {
			char *end;

			errno = 0;
			seed = strtoull(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || end == argv[i])
				usage();
		} else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: gen-scenarios [--seed N] OUTDIR\n");
			return 0;
		} else if (argv[i][0] == '-' || outdir != NULL) {
			usage();
		} else {
			outdir = argv[i];
		}
	}
	if (outdir == NULL)
		usage();
	if (NUSERS > 64)
		die("too many users for the statistics");

	base_day = days_from_civil(2026, 2, 23);
	zone_setup();
	g = xrealloc(NULL, sizeof(*g));
	memset(g, 0, sizeof(*g));
	g->seed = seed;
	g->r.s = seed;
	setup(g);

	for (d = 0; d < NDAYS; d++) {
		for (u = 0, night = 0; u < NUSERS; u++) {
			struct user *us = &users[u];

			if (us->group == G_NIGHT)
				night_shift(g, us, night++, d);
			else if (us->group == G_LIA)
				liaison_day(g, us, d);
			else
				day_worker(g, us, d);
		}
	}
	qsort(g->v, g->n, sizeof(*g->v), line_cmp);

	mkdirs(outdir);
	write_logs(g, outdir, &kept, &lost_from);
	write_groups(outdir);
	write_policy(g, outdir);
	write_watchlist(outdir);
	truth_integrity_and_controls(lost_from);
	write_truth_tsv(outdir);
	write_truth_md(g, outdir, kept);

	for (i = 0; i < g->n; i++)
		free(g->v[i].text);
	free(g->v);
	free(g->tmp.p);
	free(g->req.p);
	free(g->res.p);
	free(g);
	return 0;
}
