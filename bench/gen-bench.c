/* gen-bench.c: writes large synthetic Foundry audit.3 logs for bench/run. */

/*
 * The records are shaped like testdata/sample's (same keys in the same
 * order, same products, hosts, categories and field names) but come from a
 * simple model: a few hundred officers, a fixed number of concurrent
 * sessions, each a login, a mix of justifications, searches, object and
 * table loads with the search backend's delegated loads, the odd export,
 * share, admin call or denied access, and a logout.  File K is its own
 * day of log and a pure function of (seed, K, --mb, --files): no time(),
 * no locale, no floating point, gzip written by zlib with mtime 0, so the
 * output is byte for byte the same for the same zlib.
 *
 * A needle for the benchmark's "few matches" question is planted: about
 * one search in NEEDLE_EVERY is for NEEDLE, a name that is on no list
 * otherwise.  The count is printed on stderr.
 *
 * --twins K plants K pairs of accounts used by one person each, for the
 * similar-users measurement: users 2i and 2i+1 share a source address,
 * and half their searches are for the pair's own TWIN_PLATES plate
 * numbers ("HH-" and 5 digits, which no other search has).  Without
 * --twins the output is the same as before it existed.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#define DEFAULT_SEED 20260302u
#define NS_PER_S INT64_C(1000000000)
#define S_PER_DAY INT64_C(86400)
#define NUSERS 300		/* default of --users */
#define NSLOTS 48		/* concurrent sessions */
#define NDATASETS 40
#define NEEDLE "Lena Hartmann"
#define NEEDLE_EVERY 4096	/* searches per planted needle, on average */
#define CHUNK (1u << 20)
#define TWIN_PLATES 4		/* plate numbers of each twin pair */

static const char *progname = "gen-bench";

static void
die(const char *msg)
{
	fprintf(stderr, "%s: %s\n", progname, msg);
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* ---- a plain append buffer ---------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
};

static void
buf_need(struct buf *b, size_t extra)
{
	if (b->n + extra <= b->cap)
		return;
	while (b->n + extra > b->cap)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->p = realloc(b->p, b->cap);
	if (b->p == NULL)
		die("out of memory");
}

static void
put(struct buf *b, const char *s, size_t n)
{
	buf_need(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

#define PUTL(b, lit) put((b), (lit), sizeof(lit) - 1)

static void
put_u64(struct buf *b, uint64_t v)
{
	char t[24];
	int i = sizeof(t);

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(b, t + i, sizeof(t) - (size_t)i);
}

/* Zero-padded to width digits. */
static void
put_dec(struct buf *b, uint64_t v, int width)
{
	char t[24];
	int i;

	for (i = width - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	put(b, t, (size_t)width);
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

static uint64_t
below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static int
chance(struct rng *r, unsigned per_mille)
{
	return below(r, 1000) < per_mille;
}

static const char hexd[] = "0123456789abcdef";

/* A version 4 UUID, 36 characters, not terminated. */
static void
uuid(struct rng *r, char out[36])
{
	uint64_t a = rnd(r), b = rnd(r);
	int i, j = 0;

	a = (a & ~UINT64_C(0xf000)) | UINT64_C(0x4000);
	b = (b & ~(UINT64_C(3) << 62)) | (UINT64_C(2) << 62);
	for (i = 60; i >= 0; i -= 4) {
		if (j == 8 || j == 13)
			out[j++] = '-';
		out[j++] = hexd[(a >> i) & 15];
	}
	for (i = 60; i >= 0; i -= 4) {
		if (j == 18 || j == 23)
			out[j++] = '-';
		out[j++] = hexd[(b >> i) & 15];
	}
}

static void
put_uuid(struct buf *b, struct rng *r)
{
	buf_need(b, 36);
	uuid(r, b->p + b->n);
	b->n += 36;
}

/* ---- civil time, UTC only ----------------------------------------------- */

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

/* 2026-03-02T06:46:56.484227398Z */
static void
put_time(struct buf *b, int64_t ns)
{
	int64_t s = ns / NS_PER_S, sec = s % S_PER_DAY;
	int y, m, d;

	civil_from_days(s / S_PER_DAY, &y, &m, &d);
	put_dec(b, (uint64_t)y, 4);
	PUTL(b, "-");
	put_dec(b, (uint64_t)m, 2);
	PUTL(b, "-");
	put_dec(b, (uint64_t)d, 2);
	PUTL(b, "T");
	put_dec(b, (uint64_t)(sec / 3600), 2);
	PUTL(b, ":");
	put_dec(b, (uint64_t)(sec / 60 % 60), 2);
	PUTL(b, ":");
	put_dec(b, (uint64_t)(sec % 60), 2);
	PUTL(b, ".");
	put_dec(b, (uint64_t)(ns % NS_PER_S), 9);
	PUTL(b, "Z");
}

/* ---- the fictional agency ----------------------------------------------- */

static const char *const first_names[] = {
	"Marek", "Jana", "Tobias", "Ayla", "Stefan", "Milena", "Jonas",
	"Petra", "Arben", "Nadia", "Dragan", "Sophie", "Karim", "Elif",
	"Viktor", "Ines", "Luca", "Oksana", "Rafael", "Birgit", "Emre",
	"Katarina", "Florian", "Zoran", "Leila", "Henrik", "Dana",
};

/* No "Hartmann": the needle must match only where it is planted. */
static const char *const last_names[] = {
	"Dudek", "Albrecht", "Berisha", "Kowalczyk", "Lange", "Marković",
	"Demir", "Vogel", "Krasniqi", "Sommer", "Popescu", "Brandl",
	"Jovanović", "Aydın", "Friedrich", "Nowak", "Kraus", "Hoxha",
	"Seidel", "Petrović", "Engel", "Kaya", "Lorenz", "Wolff",
	"Schmidt", "Okafor", "Weber", "Novak", "Yilmaz", "Fischer",
	"Moreau", "Costa", "Brandt", "Lindqvist", "Nakamura", "Becker",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const purposes[] = {
	"vehicle trace", "suspect identification", "address check",
	"follow-up on incident report", "witness contact details",
	"financial investigation", "border movement check",
	"phone subscriber lookup", "case review",
};

static const char *const plate_prefix[] = {
	"HH", "KI", "HL", "HB", "H", "HRO", "SE", "OD", "PI",
};

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
#define SVC_UA "search-service/5.40.0 (conjure-java-runtime)"
#define OBJ_PREFIX "ri.phonograph2-objects.main.object."
#define DS_PREFIX "ri.foundry.main.dataset."

struct user {
	char name[40];
	char ip[32];
	int ua;
};

struct slot {
	int user;
	char sid[36], token[36];
	int left;		/* events before the logout */
	int started;
};

struct gen {
	struct rng r;
	char org[36];
	char ds[NDATASETS][36];
	char svc_sid[36], svc_token[36];
	struct user *users;
	int nusers;
	int twins;		/* users 0 .. 2 * twins - 1 are pairs */
	struct slot slots[NSLOTS];
	int64_t now;		/* ns */
	uint64_t needles, records;
	struct buf req, res;
};

/* The same catalogue for every file: it depends on the seed alone. */
static void
setup(struct gen *g, uint64_t seed, int nusers, int twins)
{
	int i;

	memset(g, 0, sizeof(*g));
	g->r.s = seed;
	g->nusers = nusers;
	if ((g->users = calloc((size_t)nusers, sizeof(*g->users))) == NULL)
		die("out of memory");
	uuid(&g->r, g->org);
	for (i = 0; i < NDATASETS; i++)
		uuid(&g->r, g->ds[i]);
	for (i = 0; i < g->nusers; i++) {
		struct user *u = &g->users[i];
		const char *ln = last_names[below(&g->r, NELEM(last_names))];
		char first = (char)('a' + below(&g->r, 26));
		size_t k;

		snprintf(u->name, sizeof(u->name), "%c.%s%d", first, ln, i);
		for (k = 0; u->name[k] != '\0'; k++)
			if (u->name[k] >= 'A' && u->name[k] <= 'Z')
				u->name[k] = (char)(u->name[k] - 'A' + 'a');
		snprintf(u->ip, sizeof(u->ip), "10.20.%d.%d",
		    10 + (int)below(&g->r, 8), 2 + (int)below(&g->r, 250));
		u->ua = (int)below(&g->r, NELEM(browser_ua));
	}
	/* After every draw, so that the other users stay as they were. */
	g->twins = twins;
	for (i = 1; i < 2 * twins; i += 2)
		memcpy(g->users[i].ip, g->users[i - 1].ip,
		    sizeof(g->users[i].ip));
	uuid(&g->r, g->svc_sid);
	uuid(&g->r, g->svc_token);
}

static void
new_session(struct gen *g, struct slot *s)
{
	s->user = (int)below(&g->r, (uint64_t)g->nusers);
	uuid(&g->r, s->sid);
	uuid(&g->r, s->token);
	s->left = 10 + (int)below(&g->r, 90);
	s->started = 0;
}

struct rec {
	const char *uid, *name, *cats, *result, *ip, *ua;
	const char *sid, *token;	/* 36 characters each */
	int prod;
};

static void
emit(struct gen *g, struct buf *out, const struct rec *e)
{
	const struct product *p = &products[e->prod];
	struct buf *b = out;

	g->records++;
	PUTL(b, "{\"categories\":");
	puts_(b, e->cats);
	PUTL(b, ",\"entities\":[],\"environment\":\"prod\",\"eventId\":\"");
	put_uuid(b, &g->r);
	PUTL(b, "\",\"host\":\"");
	puts_(b, p->host[below(&g->r, 3)]);
	PUTL(b, "\",\"logEntryId\":\"");
	put_uuid(b, &g->r);
	PUTL(b, "\",\"name\":\"");
	puts_(b, e->name);
	PUTL(b, "\",\"orgId\":\"ri.multipass..organization.");
	put(b, g->org, 36);
	PUTL(b, "\",");
	if (e->ip != NULL) {
		PUTL(b, "\"origin\":\"");
		puts_(b, e->ip);
		PUTL(b, "\",\"origins\":[\"");
		puts_(b, e->ip);
		PUTL(b, "\"],");
	} else {
		PUTL(b, "\"origins\":[],");
	}
	PUTL(b, "\"product\":\"");
	puts_(b, p->name);
	PUTL(b, "\",\"productVersion\":\"");
	puts_(b, p->version);
	PUTL(b, "\",\"requestFields\":");
	if (g->req.n != 0)
		put(b, g->req.p, g->req.n);
	else
		PUTL(b, "{}");
	PUTL(b, ",\"result\":\"");
	puts_(b, e->result);
	PUTL(b, "\",\"resultFields\":");
	if (g->res.n != 0)
		put(b, g->res.p, g->res.n);
	else
		PUTL(b, "{}");
	PUTL(b, ",\"sequenceId\":\"");
	put_uuid(b, &g->r);
	PUTL(b, "\",\"service\":\"");
	puts_(b, p->service);
	PUTL(b, "\",\"sid\":\"");
	put(b, e->sid, 36);
	PUTL(b, "\",");
	if (e->ip != NULL) {
		PUTL(b, "\"sourceOrigin\":\"");
		puts_(b, e->ip);
		PUTL(b, "\",");
	}
	PUTL(b, "\"stack\":\"agency-prod-eu1\",\"time\":\"");
	put_time(b, g->now);
	PUTL(b, "\",\"tokenId\":\"");
	put(b, e->token, 36);
	PUTL(b, "\",\"traceId\":\"");
	put_uuid(b, &g->r);
	PUTL(b, "\",\"type\":\"audit.3\",\"uid\":\"");
	puts_(b, e->uid);
	PUTL(b, "\",\"userAgent\":\"");
	puts_(b, e->ua);
	PUTL(b, "\",\"users\":[{\"uid\":\"");
	puts_(b, e->uid);
	PUTL(b, "\",\"userName\":\"");
	puts_(b, e->uid);
	PUTL(b, "\"}]}\n");
}

static void
put_obj(struct gen *g, struct buf *b)
{
	PUTL(b, "\"" OBJ_PREFIX);
	put_uuid(b, &g->r);
	PUTL(b, "\"");
}

static void
put_ds(struct gen *g, struct buf *b)
{
	PUTL(b, "\"" DS_PREFIX);
	put(b, g->ds[below(&g->r, NDATASETS)], 36);
	PUTL(b, "\"");
}

static const char *
random_result(struct gen *g)
{
	return chance(&g->r, 5) ? "UNAUTHORIZED" : "SUCCESS";
}

/* One event of the session in slot s, and maybe the backend's echo. */
static void
step(struct gen *g, struct slot *s, struct buf *out)
{
	const struct user *u = &g->users[s->user];
	struct rec e;
	unsigned k;
	int i, n;

	memset(&e, 0, sizeof(e));
	e.uid = u->name;
	e.ip = u->ip;
	e.ua = browser_ua[u->ua];
	e.sid = s->sid;
	e.token = s->token;
	e.result = "SUCCESS";
	g->req.n = 0;
	g->res.n = 0;
	if (!s->started) {
		s->started = 1;
		e.prod = P_MULTIPASS;
		e.name = "MULTIPASS_LOGIN";
		e.cats = "[\"userLogin\"]";
		PUTL(&g->req, "{\"loginUserId\":\"");
		puts_(&g->req, u->name);
		PUTL(&g->req, "\"}");
		emit(g, out, &e);
		return;
	}
	if (--s->left <= 0) {
		e.prod = P_MULTIPASS;
		e.name = "MULTIPASS_LOGOUT";
		e.cats = "[\"userLogout\"]";
		emit(g, out, &e);
		new_session(g, s);
		return;
	}
	k = (unsigned)below(&g->r, 1000);
	if (k < 80) {
		e.prod = P_GOTHAM;
		e.name = "GOTHAM_SUBMIT_JUSTIFICATION";
		e.cats = "[\"userJustify\"]";
		PUTL(&g->req, "{\"userJustifyId\":\"");
		put_uuid(&g->req, &g->r);
		PUTL(&g->req, "\",\"userJustification\":\"CASE-2026-0");
		put_dec(&g->req, 100 + below(&g->r, 900), 3);
		PUTL(&g->req, " - ");
		puts_(&g->req, purposes[below(&g->r, NELEM(purposes))]);
		PUTL(&g->req, "\"}");
		emit(g, out, &e);
	} else if (k < 380) {
		e.prod = P_GOTHAM;
		e.name = "GOTHAM_SEARCH";
		e.cats = "[\"dataSearch\"]";
		e.result = random_result(g);
		PUTL(&g->req, "{\"dataSearchContext\":\"gotham-global-search\","
		    "\"dataSearchQuery\":\"");
		if (below(&g->r, NEEDLE_EVERY) == 0) {
			PUTL(&g->req, NEEDLE);
			g->needles++;
		} else if (s->user < 2 * g->twins && chance(&g->r, 500)) {
			/* Twins only: others draw nothing here. */
			PUTL(&g->req, "HH-");
			put_u64(&g->req, 10000 + (uint64_t)(s->user / 2) *
			    TWIN_PLATES + below(&g->r, TWIN_PLATES));
		} else if (chance(&g->r, 200)) {
			puts_(&g->req, plate_prefix[below(&g->r,
			    NELEM(plate_prefix))]);
			PUTL(&g->req, "-");
			put_u64(&g->req, 1 + below(&g->r, 9999));
		} else {
			puts_(&g->req, first_names[below(&g->r,
			    NELEM(first_names))]);
			PUTL(&g->req, " ");
			puts_(&g->req, last_names[below(&g->r,
			    NELEM(last_names))]);
		}
		PUTL(&g->req, "\"}");
		PUTL(&g->res, "{\"dataSearchResults\":[");
		n = (int)below(&g->r, 6);
		for (i = 0; i < n; i++) {
			if (i > 0)
				PUTL(&g->res, ",");
			put_obj(g, &g->res);
		}
		PUTL(&g->res, "]}");
		emit(g, out, &e);
		if (n > 0 && chance(&g->r, 600)) {
			/* The search backend hydrates the results. */
			memset(&e, 0, sizeof(e));
			e.prod = P_SEARCHSVC;
			e.name = "SEARCH_SERVICE_HYDRATE_RESULTS";
			e.cats = "[\"dataLoad\",\"onBehalfOf\"]";
			e.uid = SVC_SEARCH;
			e.ua = SVC_UA;
			e.sid = g->svc_sid;
			e.token = g->svc_token;
			e.result = "SUCCESS";
			g->req.n = 0;
			g->res.n = 0;
			PUTL(&g->req, "{\"onBehalfOfUserIds\":[\"");
			puts_(&g->req, u->name);
			PUTL(&g->req, "\"]}");
			PUTL(&g->res, "{\"loadedResources\":[");
			put_ds(g, &g->res);
			PUTL(&g->res, "]}");
			g->now += 1000000 * (int64_t)(1 + below(&g->r, 400));
			emit(g, out, &e);
		}
	} else if (k < 650) {
		e.prod = P_OBJEXP;
		e.name = "OBJECT_EXPLORER_LOAD_OBJECT";
		e.cats = "[\"ontologyDataLoad\"]";
		e.result = random_result(g);
		n = 1 + (int)below(&g->r, 3);
		PUTL(&g->req, "{\"requestedOntologyDataResources\":[");
		g->res.n = 0;
		PUTL(&g->res, "{\"loadedOntologyDataResources\":[");
		for (i = 0; i < n; i++) {
			size_t at = g->req.n + 1;

			if (i > 0) {
				PUTL(&g->req, ",");
				PUTL(&g->res, ",");
				at++;
			}
			put_obj(g, &g->req);
			put(&g->res, g->req.p + at - 1, g->req.n - at + 1);
		}
		PUTL(&g->req, "]}");
		PUTL(&g->res, "]}");
		if (strcmp(e.result, "SUCCESS") != 0)
			g->res.n = 0;
		emit(g, out, &e);
	} else if (k < 900) {
		e.prod = P_DATAPROXY;
		e.name = "DATA_PROXY_READ_TABLE";
		e.cats = "[\"dataLoad\"]";
		e.result = random_result(g);
		PUTL(&g->req, "{\"datasetRid\":");
		put_ds(g, &g->req);
		PUTL(&g->req, ",\"rowLimit\":");
		put_u64(&g->req, 100 * (1 + below(&g->r, 100)));
		PUTL(&g->req, "}");
		if (strcmp(e.result, "SUCCESS") == 0) {
			PUTL(&g->res, "{\"loadedResources\":[");
			put(&g->res, g->req.p + 14, 24 + 36 + 2);
			PUTL(&g->res, "]}");
		}
		emit(g, out, &e);
	} else if (k < 940) {
		e.prod = P_CONTOUR;
		e.name = chance(&g->r, 700) ? "CONTOUR_EXPORT_CSV" :
		    "CONTOUR_EXPORT_XLSX";
		e.cats = "[\"dataExport\"]";
		PUTL(&g->req, "{\"downloadedResources\":[");
		put_ds(g, &g->req);
		PUTL(&g->req, "],\"exportFormat\":\"");
		puts_(&g->req, e.name[15] == 'C' ? "CSV" : "XLSX");
		PUTL(&g->req, "\"}");
		n = 1 + (int)below(&g->r, chance(&g->r, 20) ? 200000 : 500);
		PUTL(&g->res, "{\"downloadedSize\":");
		put_u64(&g->res, (uint64_t)n * (200 + below(&g->r, 300)));
		PUTL(&g->res, ",\"rowCount\":");
		put_u64(&g->res, (uint64_t)n);
		PUTL(&g->res, "}");
		emit(g, out, &e);
	} else if (k < 970) {
		e.prod = P_CONTOUR;
		e.name = "CONTOUR_OPEN_ANALYSIS";
		e.cats = "[\"logicAccess\"]";
		PUTL(&g->req, "{\"accessedLogicResources\":[\"ri.contour.main"
		    ".analysis.");
		put_uuid(&g->req, &g->r);
		PUTL(&g->req, "\"]}");
		emit(g, out, &e);
	} else if (k < 985) {
		e.prod = P_GOTHAM;
		e.name = "GOTHAM_SHARE_OBJECT";
		e.cats = "[\"dataShare\"]";
		PUTL(&g->req, "{\"sharedResources\":[");
		put_obj(g, &g->req);
		PUTL(&g->req, "],\"sharedWith\":[\"");
		puts_(&g->req, g->users[below(&g->r, (uint64_t)g->nusers)].name);
		PUTL(&g->req, "\"]}");
		emit(g, out, &e);
	} else {
		e.prod = P_MULTIPASS;
		e.name = "MULTIPASS_UPDATE_GROUP_MEMBERS";
		e.cats = "[\"managementGroups\"]";
		e.result = random_result(g);
		PUTL(&g->req, "{\"groupId\":\"");
		put_uuid(&g->req, &g->r);
		PUTL(&g->req, "\",\"addedUserIds\":[\"");
		puts_(&g->req, g->users[below(&g->r, (uint64_t)g->nusers)].name);
		PUTL(&g->req, "\"]}");
		emit(g, out, &e);
	}
}

/* ---- one output file ---------------------------------------------------- */

static void
gz_write(z_stream *z, FILE *fp, const void *p, size_t n, int flush)
{
	static unsigned char ob[CHUNK];

	z->next_in = (unsigned char *)(uintptr_t)p;
	z->avail_in = (uInt)n;
	do {
		int rc;

		z->next_out = ob;
		z->avail_out = sizeof(ob);
		rc = deflate(z, flush);
		if (rc == Z_STREAM_ERROR)
			die("deflate failed");
		if (fwrite(ob, 1, sizeof(ob) - z->avail_out, fp) !=
		    sizeof(ob) - z->avail_out)
			die("write error");
	} while (z->avail_out == 0);
}

/* File k: bytes of log, or records records when that is not 0. */
static int
write_file(uint64_t seed, int k, uint64_t bytes, uint64_t records, int nusers,
    int twins, const char *path)
{
	struct gen *g = xmalloc(sizeof(*g));
	struct buf out = { 0 };
	z_stream z;
	FILE *fp;
	uint64_t written = 0;
	int64_t day = INT64_C(20514) + k;	/* 2026-03-02 + k */
	int64_t gap;
	int i;
	char tmp[4096];

	setup(g, seed, nusers, twins);
	/* Each file's events are their own stream. */
	g->r.s = seed ^ (UINT64_C(0x5851f42d4c957f2d) * (uint64_t)(k + 1));
	for (i = 0; i < NSLOTS; i++) {
		new_session(g, &g->slots[i]);
		g->slots[i].left = 1 + (int)below(&g->r, 99);
	}
	/* About 1.2 KB a record; spread the file over one day. */
	gap = S_PER_DAY * NS_PER_S / (int64_t)((records != 0 ? records :
	    bytes / 1200) + 1);
	g->now = day * S_PER_DAY * NS_PER_S + 6 * 3600 * NS_PER_S;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "wb");
	if (fp == NULL)
		die("cannot create output file");
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	while (records != 0 ? g->records < records : written < bytes) {
		g->now += (int64_t)below(&g->r, (uint64_t)(2 * gap));
		step(g, &g->slots[below(&g->r, NSLOTS)], &out);
		if (out.n >= CHUNK) {
			gz_write(&z, fp, out.p, out.n, Z_NO_FLUSH);
			written += out.n;
			out.n = 0;
		}
	}
	gz_write(&z, fp, out.p, out.n, Z_FINISH);
	deflateEnd(&z);
	if (fclose(fp) != 0)
		die("write error");
	if (rename(tmp, path) != 0)
		die("cannot rename output file");
	fprintf(stderr, "%s: %s: %" PRIu64 " records, %" PRIu64
	    " needles\n", progname, path, g->records, g->needles);
	free(out.p);
	free(g->req.p);
	free(g->res.p);
	free(g->users);
	free(g);
	return 0;
}

static void
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: gen-bench [--seed N] [--mb N] [--files K] "
	    "[--users N] [--events N] [--twins K] [--jobs J] OUTDIR\n");
	exit(status);
}

static uint64_t
number(const char *s, uint64_t lo, uint64_t hi)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || *s == '-' || v < lo ||
	    v > hi)
		usage(stderr, 2);
	return (uint64_t)v;
}

int
main(int argc, char **argv)
{
	uint64_t seed = DEFAULT_SEED, mb = 100, files = 4, jobs = 1, per;
	uint64_t users = NUSERS, events = 0, twins = 0, per_events = 0;
	const char *outdir = NULL;
	int i, running = 0, failed = 0, status;
	uint64_t k;
	char path[4096];

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0)
			usage(stdout, 0);
		else if (i + 1 < argc && strcmp(a, "--seed") == 0)
			seed = number(argv[++i], 0, UINT64_MAX);
		else if (i + 1 < argc && strcmp(a, "--mb") == 0)
			mb = number(argv[++i], 1, 1000000);
		else if (i + 1 < argc && strcmp(a, "--files") == 0)
			files = number(argv[++i], 1, 10000);
		else if (i + 1 < argc && strcmp(a, "--users") == 0)
			users = number(argv[++i], 1, 1000000);
		else if (i + 1 < argc && strcmp(a, "--events") == 0)
			events = number(argv[++i], 1, UINT64_C(1) << 40);
		else if (i + 1 < argc && strcmp(a, "--twins") == 0)
			twins = number(argv[++i], 0, 500000);
		else if (i + 1 < argc && strcmp(a, "--jobs") == 0)
			jobs = number(argv[++i], 1, 1024);
		else if (a[0] == '-' || outdir != NULL)
			usage(stderr, 2);
		else
			outdir = a;
	}
	if (outdir == NULL || 2 * twins > users)
		usage(stderr, 2);
	if (mkdir(outdir, 0777) != 0 && errno != EEXIST)
		die("cannot create output directory");
	per = mb * 1000000 / files;
	/* --events: the records, not the megabytes, are dealt out. */
	if (events != 0)
		per_events = (events + files - 1) / files;
	/* One child per file, at most jobs at a time: files are independent. */
	for (k = 0; k < files; k++) {
		pid_t pid;

		snprintf(path, sizeof(path), "%s/audit-%03" PRIu64 ".jsonl.gz",
		    outdir, k);
		if (jobs == 1) {
			write_file(seed, (int)k, per, per_events, (int)users,
			    (int)twins, path);
			continue;
		}
		if (running == (int)jobs) {
			if (wait(&status) > 0 && (!WIFEXITED(status) ||
			    WEXITSTATUS(status) != 0))
				failed = 1;
			running--;
		}
		fflush(stderr);
		pid = fork();
		if (pid < 0)
			die("fork failed");
		if (pid == 0)
			_exit(write_file(seed, (int)k, per, per_events,
			    (int)users, (int)twins, path));
		running++;
	}
	while (running-- > 0)
		if (wait(&status) > 0 && (!WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0))
			failed = 1;
	return failed ? 2 : 0;
}
