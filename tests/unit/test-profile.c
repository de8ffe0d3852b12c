/* test-profile.c: profile loading, detection and extraction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "internal.h"

static struct sl_profileset *ps;

/* Split text into records at '\n' (as the line splitter would). */
static size_t
records(const char *text, struct sl_record *recs, size_t max)
{
	const char *p = text, *nl;
	size_t n = 0;
	uint64_t line = 1;

	while (*p != '\0' && n < max) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl > p) {
			recs[n].p = p;
			recs[n].n = (size_t)(nl - p);
			recs[n].line = line;
			recs[n].offset = (uint64_t)(p - text);
			/* as the splitter hands out a last line
			 * without its LF */
			recs[n].flags = *nl == '\0' ? SL_REC_UNTERM : 0;
			n++;
		}
		line++;
		p = *nl != '\0' ? nl + 1 : nl;
	}
	return n;
}

static const char *
detect(const char *text)
{
	struct sl_record recs[32];
	const struct sl_profile *p;
	size_t n = records(text, recs, 32);

	p = sl_profileset_detect(ps, recs, n);
	return p != NULL ? sl_profile_name(p) : "(none)";
}

/*
 * Run the records of text through profile name (with maps), keep the
 * event of the index-th event-giving record.  Returns the last return of
 * sl_extract_record for that record; the event's strings are copied into
 * static buffers so they outlive the extractor.
 */
static struct sl_event gev;
static char greason[256];
static struct sl_extract_opts gyear;	/* the year rule of extract_nth */
static struct sl_buf gbuf[10];

static void
keep(struct sl_str *s, int i)
{
	sl_buf_reset(&gbuf[i]);
	sl_buf_add(&gbuf[i], s->p, s->n);
	sl_buf_addc(&gbuf[i], '\0');
	s->p = gbuf[i].p;
}

static int
extract_nth(const char *name, const char *text, size_t want,
    const char *const *maps, size_t nmaps, const char *zone)
{
	struct sl_extract_opts o = { 0 };
	struct sl_record recs[64];
	struct sl_extractor *x;
	struct sl_tz *tz = NULL;
	const struct sl_profile *p = sl_profileset_find(ps, name);
	const char *reason = NULL;
	char err[256];
	size_t n = records(text, recs, 64), i, got = 0;
	int r = -1000, step;

	memset(&gev, 0, sizeof(gev));
	greason[0] = '\0';
	if (p == NULL)
		return -1001;
	if (zone != NULL)
		tz = sl_tz_load(zone, err, sizeof(err));
	o.maps = maps;
	o.nmaps = nmaps;
	o.tz = tz;
	o.year = gyear.year;
	o.ref_time = gyear.ref_time;
	o.near_time = gyear.near_time;
	x = sl_extractor_new(p, &o, err, sizeof(err));
	if (x == NULL) {
		snprintf(greason, sizeof(greason), "%s", err);
		sl_tz_free(tz);
		return -1002;
	}
	/* Each record, then the events it completed, then at the end the
	 * events still open, as the reader asks for them. */
	for (i = 0, step = 0; i <= n;) {
		memset(&gev, 0, sizeof(gev));
		if (step == 0 && i < n)
			r = sl_extract_record(x, &recs[i], &gev, &reason);
		else if (i < n)
			r = sl_extract_next(x, &gev, &reason);
		else
			r = sl_extract_flush(x, &gev, &reason);
		step = 1;
		if (r == 0) {
			if (i == n) {
				r = -1000;	/* no such event */
				break;
			}
			i++;
			step = 0;
			continue;
		}
		if (got++ == want)
			break;
		r = -1000;
	}
	if (r < 0 && reason != NULL)
		snprintf(greason, sizeof(greason), "%s", reason);
	if (r < 0 && gev.raw.p != NULL)	/* a rejected auditd event */
		keep(&gev.raw, 9);
	if (r == 1) {
		keep(&gev.user, 0);
		keep(&gev.resource, 1);
		keep(&gev.query, 2);
		keep(&gev.session, 3);
		keep(&gev.key, 4);
		keep(&gev.src, 5);
		keep(&gev.kind, 6);
		keep(&gev.purpose, 7);
		keep(&gev.trace, 8);
		keep(&gev.raw, 9);
	}
	sl_extractor_free(x);
	sl_tz_free(tz);
	return r;
}

static int
extract(const char *name, const char *text, size_t want)
{
	return extract_nth(name, text, want, NULL, 0, NULL);
}

static const char *
tstr(int64_t us)
{
	static char b[40];

	sl_time_format(us, b, sizeof(b));
	return b;
}

/* Write text as dir/name; returns 0. */
static int
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

static void
rm_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* Load a one-profile directory; returns the error or "" when it loaded. */
static const char *
load_error(const char *text)
{
	static char err[512];
	char dir[] = "/tmp/sl-profile-XXXXXX";
	struct sl_profileset *s;

	err[0] = '\0';
	if (mkdtemp(dir) == NULL)
		return "mkdtemp";
	write_file(dir, "t.profile", text);
	s = sl_profileset_load(dir, err, sizeof(err));
	if (s != NULL)
		err[0] = '\0';
	/* the message names the file relative to dir: cut the dir off */
	if (strncmp(err, dir, strlen(dir)) == 0)
		memmove(err, err + strlen(dir) + 1, strlen(err) - strlen(dir));
	sl_profileset_free(s);
	rm_file(dir, "t.profile");
	rmdir(dir);
	return err;
}

static void
test_language_errors(void)
{
	const char *base = "name t\nreader json\ntime ts\nuser u\n";
	char buf[1024];

	CHECK_STR(load_error(base), "");
	snprintf(buf, sizeof(buf), "%stolerance 5m\n", base);
	CHECK_STR(load_error(buf), "");
	snprintf(buf, sizeof(buf), "%stolerance soon\n", base);
	CHECK_STR(load_error(buf),
	    "t.profile:5: tolerance takes a duration (\"1s\")");
	snprintf(buf, sizeof(buf), "%susr x\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: unknown field \"usr\"");
	CHECK_STR(load_error("name t\ntime ts\n"),
	    "t.profile:2: reader must come before rules and detect lines");
	snprintf(buf, sizeof(buf), "%saction a map nosuch\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: unknown table \"nosuch\"");
	snprintf(buf, sizeof(buf), "%saction a map t\ntable t x=steal\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: table t maps to \"steal\", "
	    "which is not an action");
	snprintf(buf, sizeof(buf), "%saction \"peek\"\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: unknown action \"peek\"");
	snprintf(buf, sizeof(buf), "%sdetect a ~ \"(\"\n", base);
	CHECK(strncmp(load_error(buf), "t.profile:5: bad pattern \"(\"",
	    28) == 0);
	snprintf(buf, sizeof(buf), "%sdetect a = \"x\"\n", base);
	CHECK_STR(load_error(buf),
	    "t.profile:5: expected ==, !=, ~ or !~ after \"a\"");
	snprintf(buf, sizeof(buf), "%squery \"abc\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: unterminated string");
	snprintf(buf, sizeof(buf), "%squery a[x]\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: bad index in path \"a[x]\"");
	snprintf(buf, sizeof(buf), "%squery a b\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: expected \"|\", \"map\", "
	    "\"when\" or the end of the line, not \"b\"");
	snprintf(buf, sizeof(buf), "%sflag frontend\n", base);
	CHECK_STR(load_error(buf),
	    "t.profile:5: unknown flag \"frontend\" (known: backend)");
	CHECK_STR(load_error("name t\nreader json\ntime ts\n"),
	    "t.profile: no user rule");
	CHECK_STR(load_error("reader json\ntime ts\nuser u\n"),
	    "t.profile: no name");
	CHECK_STR(load_error("name t\nreader xml\n"),
	    "t.profile:2: unknown reader (json, csv, tsv, kv, auditd)");
	snprintf(buf, sizeof(buf), "%stimezone Mars/Olympus\n", base);
	CHECK(strncmp(load_error(buf), "t.profile:5: ", 13) == 0);
	snprintf(buf, sizeof(buf), "%sdetect columns a b\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: detect columns is for the "
	    "csv and tsv readers");
	snprintf(buf, sizeof(buf), "%suser re(u, \"(\")\n", base);
	CHECK(strncmp(load_error(buf), "t.profile:5: bad pattern \"(\"",
	    28) == 0);
	snprintf(buf, sizeof(buf), "%suser re(u)\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: expected \",\" before "
	    "\")\"");
	snprintf(buf, sizeof(buf), "%suser re(u, \"\")\n", base);
	CHECK_STR(load_error(buf), "t.profile:5: re() needs a non-empty "
	    "pattern");
	snprintf(buf, sizeof(buf), "%suser re(u, \"%s\")\n", base,
	    "()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()");
	CHECK_STR(load_error(buf), "t.profile:5: re() pattern has 32 groups; "
	    "at most 31");
	/* comments, quoted keys, functions all parse */
	snprintf(buf, sizeof(buf), "%s# c\nquery [\"a.b\"].c | len(x[*]) "
	    "| after(y, \"/\") | re(y, \"a#b\") when !empty(z) and "
	    "q != \"#\" # c\n", base);
	CHECK_STR(load_error(buf), "");
}

static void
test_duplicate_names(void)
{
	char dir[] = "/tmp/sl-profile-XXXXXX";
	char err[512];
	struct sl_profileset *s;

	CHECK(mkdtemp(dir) != NULL);
	write_file(dir, "a.profile", "name t\nreader json\ntime a\nuser b\n");
	write_file(dir, "b.profile", "name t\nreader json\ntime a\nuser b\n");
	write_file(dir, "README", "not a profile");
	s = sl_profileset_load(dir, err, sizeof(err));
	CHECK(s == NULL);
	CHECK(strstr(err, "profile name \"t\" also used by") != NULL);
	rm_file(dir, "b.profile");
	s = sl_profileset_load(dir, err, sizeof(err));
	CHECK(s != NULL);
	CHECK_INT(sl_profileset_count(s), 1);
	sl_profileset_free(s);
	rm_file(dir, "a.profile");
	rm_file(dir, "README");
	s = sl_profileset_load(dir, err, sizeof(err));
	CHECK(s == NULL);
	rmdir(dir);
	CHECK(sl_profileset_load("/nonexistent/dir", err, sizeof(err)) ==
	    NULL);
	CHECK(strstr(err, "/nonexistent/dir") != NULL);
}

/* ---- sample records, shaped like the real exports ------------------------ */

static const char foundry3[] =
    "{\"type\":\"audit.3\",\"time\":\"2024-03-01T07:17:12.123456789Z\","
    "\"uid\":\"svc-pipeline\",\"sid\":\"s-1\",\"traceId\":\"t-9\","
    "\"logEntryId\":\"le-1\",\"eventId\":\"e-1\","
    "\"categories\":[\"dataLoad\",\"dataExport\",\"onBehalfOf\"],"
    "\"name\":\"DATA_EXPORT\",\"product\":\"foundry-catalog\","
    "\"origins\":[\"10.0.0.7\"],\"result\":\"SUCCESS\","
    "\"requestFields\":{\"onBehalfOfUserIds\":[\"alice\",\"bob\"],"
    "\"loadedResources\":[\"ri.dataset.a\"],"
    "\"userJustification\":\"case 42\"},"
    "\"resultFields\":{\"downloadedResources\":[\"ri.dataset.a\","
    "\"ri.dataset.b\"],\"downloadedSize\":10485760}}\n"
    "{\"type\":\"audit.3\",\"time\":\"2024-03-01T07:18:00Z\","
    "\"uid\":\"carol\",\"sid\":\"s-2\",\"logEntryId\":\"le-2\","
    "\"categories\":[\"dataSearch\"],\"origins\":[],"
    "\"result\":\"UNAUTHORIZED\",\"requestFields\":"
    "{\"dataSearchQuery\":\"name:\\\"Doe\\\"\"},\"resultFields\":"
    "{\"dataSearchResults\":[{\"rid\":\"r1\"},{\"rid\":\"r2\"},"
    "{\"rid\":\"r3\"}]}}\n"
    "{\"type\":\"audit.3\",\"time\":\"2024-03-01T07:19:00Z\","
    "\"users\":[{\"userName\":\"dave\"}],\"categories\":[\"userJustify\"],"
    "\"result\":\"ERROR\",\"origins\":[\"10.0.0.8\"],"
    "\"requestFields\":{\"userJustification\":[\"audit 7\",\"x\"]}}\n"
    "{\"type\":\"audit.3\",\"time\":\"2024-03-01T07:20:00Z\","
    "\"uid\":\"erin\",\"categories\":[\"managementPermissions\","
    "\"internal\"],\"result\":\"PERMISSION_DENIED\"}\n";

static void
test_foundry3(void)
{
	CHECK_STR(detect(foundry3), "foundry-audit3");
	CHECK_INT(extract("foundry-audit3", foundry3, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.123456Z");
	CHECK_SLSTR(gev.user, "alice");
	CHECK_SLSTR(gev.session, "s-1");
	CHECK_SLSTR(gev.trace, "t-9");
	CHECK_SLSTR(gev.key, "le-1");
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_INT(gev.outcome, SL_OUT_SUCCESS);
	CHECK_SLSTR(gev.resource, "ri.dataset.a\nri.dataset.b");
	CHECK_INT(gev.bytes, 10485760);
	CHECK_INT(gev.count, -1);
	CHECK_SLSTR(gev.purpose, "case 42");
	CHECK_SLSTR(gev.src, "10.0.0.7");
	CHECK_SLSTR(gev.kind, "dataLoad,dataExport,onBehalfOf");
	CHECK_INT(gev.flags, 0);

	CHECK_INT(extract("foundry-audit3", foundry3, 1), 1);
	CHECK_SLSTR(gev.user, "carol");
	CHECK_INT(gev.action, SL_ACT_SEARCH);
	CHECK_INT(gev.outcome, SL_OUT_DENIED);
	CHECK_SLSTR(gev.query, "name:\"Doe\"");
	CHECK_INT(gev.count, 3);
	CHECK_INT(gev.flags, SL_EV_BACKEND);
	CHECK_SLSTR(gev.resource, "");

	CHECK_INT(extract("foundry-audit3", foundry3, 2), 1);
	CHECK_SLSTR(gev.user, "dave");
	CHECK_INT(gev.action, SL_ACT_JUSTIFY);
	CHECK_INT(gev.outcome, SL_OUT_FAILURE);
	CHECK_SLSTR(gev.purpose, "audit 7");

	CHECK_INT(extract("foundry-audit3", foundry3, 3), 1);
	CHECK_INT(gev.action, SL_ACT_ADMIN);
	CHECK_INT(gev.outcome, SL_OUT_DENIED);
	CHECK_SLSTR(gev.src, "");
	CHECK_INT(gev.flags, 0);	/* no origins field at all */
}

static const char foundry2[] =
    "{\"type\":\"audit.2\",\"time\":\"2019-05-02T10:00:00.5Z\","
    "\"uid\":\"frank\",\"sid\":\"S\",\"trace_id\":\"T\","
    "\"ip\":\"192.0.2.1\",\"name\":\"EXPORT_DATASET\",\"result\":\"SUCCESS\","
    "\"request_params\":{\"_categories\":[\"dataLoad\",\"dataExport\"],"
    "\"datasetRid\":\"ri.x\"},\"result_params\":{}}\n"
    "{\"type\":\"audit.2\",\"time\":\"2019-05-02T10:00:01Z\","
    "\"uid\":\"frank\",\"name\":\"SEARCH_OBJECTS\",\"result\":\"ERROR\","
    "\"request_params\":{\"query\":\"smith\"}}\n";

static void
test_foundry2(void)
{
	CHECK_STR(detect(foundry2), "foundry-audit2");
	CHECK_INT(extract("foundry-audit2", foundry2, 0), 1);
	CHECK_SLSTR(gev.user, "frank");
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_SLSTR(gev.src, "192.0.2.1");
	CHECK_SLSTR(gev.trace, "T");
	CHECK_SLSTR(gev.resource, "ri.x");
	CHECK_SLSTR(gev.kind, "EXPORT_DATASET");
	CHECK_INT(extract("foundry-audit2", foundry2, 1), 1);
	/* from the endpoint name */
	CHECK_INT(gev.action, SL_ACT_SEARCH);
	CHECK_INT(gev.outcome, SL_OUT_FAILURE);
	CHECK_SLSTR(gev.query, "smith");
}

static const char cloudtrail[] =
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"AssumedRole\","
    "\"principalId\":\"AROAEXAMPLE:alice@example.com\","
    "\"arn\":\"arn:aws:sts::123456789012:assumed-role/Analyst/"
    "alice@example.com\",\"accountId\":\"123456789012\","
    "\"accessKeyId\":\"ASIAEXAMPLE\",\"sessionContext\":{\"sessionIssuer\":"
    "{\"type\":\"Role\",\"userName\":\"Analyst\"}}},"
    "\"eventTime\":\"2024-03-01T07:17:12Z\",\"eventSource\":"
    "\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":"
    "\"eu-west-1\",\"sourceIPAddress\":\"198.51.100.7\","
    "\"requestParameters\":{\"bucketName\":\"hr-data\",\"key\":"
    "\"salaries.csv\"},\"additionalEventData\":{\"bytesTransferredOut\":"
    "5120},\"requestID\":\"R1\",\"eventID\":\"E1\",\"resources\":"
    "[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::hr-data/"
    "salaries.csv\"}]}\n"
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\","
    "\"userName\":\"bob\",\"arn\":\"arn:aws:iam::123456789012:user/bob\"},"
    "\"eventTime\":\"2024-03-01T08:00:00Z\",\"eventSource\":"
    "\"iam.amazonaws.com\",\"eventName\":\"AttachUserPolicy\","
    "\"errorCode\":\"AccessDenied\",\"eventID\":\"E2\"}\n"
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\","
    "\"userName\":\"bob\"},\"eventTime\":\"2024-03-01T08:01:00Z\","
    "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":"
    "\"ConsoleLogin\",\"responseElements\":{\"ConsoleLogin\":\"Failure\"},"
    "\"errorMessage\":\"Failed authentication\",\"eventID\":\"E3\"}\n"
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\","
    "\"arn\":\"arn:aws:iam::123456789012:root\"},\"eventTime\":"
    "\"2024-03-01T08:02:00Z\",\"eventSource\":\"ec2.amazonaws.com\","
    "\"eventName\":\"DeleteSnapshot\",\"errorCode\":"
    "\"InvalidSnapshot.NotFound\",\"eventID\":\"E4\"}\n";

static void
test_cloudtrail(void)
{
	CHECK_STR(detect(cloudtrail), "cloudtrail");
	CHECK_INT(extract("cloudtrail", cloudtrail, 0), 1);
	CHECK_SLSTR(gev.user, "alice@example.com");
	CHECK_SLSTR(gev.session, "ASIAEXAMPLE");
	CHECK_INT(gev.action, SL_ACT_VIEW);
	CHECK_INT(gev.outcome, SL_OUT_SUCCESS);
	CHECK_SLSTR(gev.resource,
	    "arn:aws:s3:::hr-data/salaries.csv\nhr-data\nsalaries.csv");
	CHECK_INT(gev.bytes, 5120);
	CHECK_SLSTR(gev.src, "198.51.100.7");
	CHECK_SLSTR(gev.key, "E1");
	CHECK_SLSTR(gev.kind, "GetObject");
	CHECK_INT(extract("cloudtrail", cloudtrail, 1), 1);
	CHECK_SLSTR(gev.user, "bob");
	CHECK_SLSTR(gev.session, "");
	CHECK_INT(gev.action, SL_ACT_ADMIN);
	CHECK_INT(gev.outcome, SL_OUT_DENIED);
	CHECK_INT(extract("cloudtrail", cloudtrail, 2), 1);
	CHECK_INT(gev.action, SL_ACT_LOGIN);
	CHECK_INT(gev.outcome, SL_OUT_FAILURE);
	CHECK_INT(extract("cloudtrail", cloudtrail, 3), 1);
	CHECK_SLSTR(gev.user, "root");
	CHECK_INT(gev.action, SL_ACT_DELETE);
	CHECK_INT(gev.outcome, SL_OUT_FAILURE);
}

static const char m365[] =
    "{\"CreationTime\":\"2024-03-01T07:17:12\",\"Id\":\"6f1c-1\","
    "\"Operation\":\"FileDownloaded\",\"OrganizationId\":\"o\","
    "\"RecordType\":6,\"UserKey\":\"i:0h.f|membership|x\","
    "\"UserType\":0,\"Version\":1,\"Workload\":\"SharePoint\","
    "\"ClientIP\":\"203.0.113.5\",\"ObjectId\":\"https://contoso."
    "sharepoint.com/sites/hr/Shared Documents/pay.xlsx\",\"UserId\":"
    "\"alice@contoso.com\",\"SiteUrl\":\"https://contoso.sharepoint.com/"
    "sites/hr/\",\"SourceFileName\":\"pay.xlsx\"}\n"
    "{\"CreationTime\":\"2024-03-01T07:18:00\",\"Id\":\"6f1c-2\","
    "\"Operation\":\"UserLoginFailed\",\"RecordType\":15,\"ResultStatus\":"
    "\"Success\",\"UserId\":\"bob@contoso.com\",\"Workload\":"
    "\"AzureActiveDirectory\",\"ActorIpAddress\":\"198.51.100.9\"}\n"
    "{\"CreationTime\":\"2024-03-01T07:19:00\",\"Id\":\"6f1c-3\","
    "\"Operation\":\"SearchQueryPerformed\",\"RecordType\":57,"
    "\"UserId\":\"alice@contoso.com\",\"Workload\":\"SharePoint\","
    "\"SearchQueryText\":\"salary john\"}\n"
    "{\"CreationTime\":\"2024-03-01T07:20:00\",\"Id\":\"6f1c-4\","
    "\"Operation\":\"Add-MailboxPermission\",\"RecordType\":1,"
    "\"ResultStatus\":\"True\",\"UserId\":\"admin@contoso.com\","
    "\"Workload\":\"Exchange\",\"ObjectId\":\"ceo\"}\n";

static void
test_m365(void)
{
	CHECK_STR(detect(m365), "m365");
	/* zone-less CreationTime is UTC whatever --tz says */
	CHECK_INT(extract_nth("m365", m365, 0, NULL, 0, "Europe/Berlin"), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "alice@contoso.com");
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_INT(gev.outcome, SL_OUT_UNKNOWN);
	CHECK_SLSTR(gev.resource, "https://contoso.sharepoint.com/sites/hr/"
	    "Shared Documents/pay.xlsx");
	CHECK_SLSTR(gev.key, "6f1c-1");
	CHECK_SLSTR(gev.src, "203.0.113.5");
	CHECK_INT(extract("m365", m365, 1), 1);
	CHECK_INT(gev.action, SL_ACT_LOGIN);
	CHECK_INT(gev.outcome, SL_OUT_FAILURE);
	CHECK_SLSTR(gev.src, "198.51.100.9");
	CHECK_INT(extract("m365", m365, 2), 1);
	CHECK_INT(gev.action, SL_ACT_SEARCH);
	CHECK_SLSTR(gev.query, "salary john");
	CHECK_INT(extract("m365", m365, 3), 1);
	CHECK_INT(gev.action, SL_ACT_ADMIN);
	CHECK_INT(gev.outcome, SL_OUT_SUCCESS);
}

/* The Purview CSV export: the record as JSON in the AuditData column. */
static const char m365csv[] =
    "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n"
    "6f1c-1,2024-03-01T07:17:12.0000000Z,6,FileDownloaded,"
    "alice@contoso.com,\"{\"\"CreationTime\"\":\"\"2024-03-01T07:17:12\"\","
    "\"\"Id\"\":\"\"6f1c-1\"\",\"\"Operation\"\":\"\"FileDownloaded\"\","
    "\"\"Workload\"\":\"\"SharePoint\"\",\"\"UserId\"\":"
    "\"\"alice@contoso.com\"\",\"\"ClientIP\"\":\"\"203.0.113.5\"\","
    "\"\"ObjectId\"\":\"\"https://contoso.sharepoint.com/pay.xlsx\"\"}\"\n"
    "6f1c-2,2024-03-01T07:18:00.0000000Z,6,FileAccessed,bob,\"{not json\"\n";

/* M365 operations to actions: administration by rule (the Exchange admin
 * log, directory activities, cmdlet verbs), the rest by the table. */
static void
test_m365_actions(void)
{
	static const struct {
		const char *op, *rt, *wl;
		int want;
	} t[] = {
		{ "Disable Strong Authentication.", "8",
		    "AzureActiveDirectory", SL_ACT_ADMIN },
		{ "Delete application password for user.", "8",
		    "AzureActiveDirectory", SL_ACT_ADMIN },
		{ "Add member to role.", "8", "AzureActiveDirectory",
		    SL_ACT_ADMIN },
		{ "Update user.", "8", "AzureActiveDirectory", SL_ACT_ADMIN },
		{ "Set company information.", "8", "AzureActiveDirectory",
		    SL_ACT_ADMIN },
		{ "Consent to application.", "8", "AzureActiveDirectory",
		    SL_ACT_ADMIN },
		{ "UserLoggedIn", "15", "AzureActiveDirectory",
		    SL_ACT_LOGIN },
		{ "UserLoginFailed", "15", "AzureActiveDirectory",
		    SL_ACT_LOGIN },
		{ "Set-AdminAuditLogConfig", "1", "Exchange", SL_ACT_ADMIN },
		{ "Set-Mailbox", "1", "Exchange", SL_ACT_ADMIN },
		{ "Set-CASMailbox", "1", "Exchange", SL_ACT_ADMIN },
		{ "Add-MailboxPermission", "1", "Exchange", SL_ACT_ADMIN },
		{ "New-InboxRule", "1", "Exchange", SL_ACT_ADMIN },
		{ "Set-TransportRule", "\"ExchangeAdmin\"", "Exchange",
		    SL_ACT_ADMIN },
		/* the names alone, without RecordType or Workload */
		{ "Set-CASMailbox", NULL, NULL, SL_ACT_ADMIN },
		{ "Grant-CsTeamsPolicy", NULL, NULL, SL_ACT_ADMIN },
		{ "Update user.", NULL, NULL, SL_ACT_ADMIN },
		{ "Disable Strong Authentication.", NULL, NULL,
		    SL_ACT_ADMIN },
		{ "Delete application password for user.", NULL, NULL,
		    SL_ACT_ADMIN },
		{ "Remove member from role.", NULL, NULL, SL_ACT_ADMIN },
		{ "Set license properties.", NULL, NULL, SL_ACT_ADMIN },
		/* what is not administration stays as it was */
		{ "FileAccessed", "6", "SharePoint", SL_ACT_VIEW },
		{ "FileDownloaded", "6", "SharePoint", SL_ACT_EXPORT },
		{ "SearchQueryPerformed", "27", "SharePoint", SL_ACT_SEARCH },
		{ "MailItemsAccessed", "50", "Exchange", SL_ACT_VIEW },
		{ "SoftDelete", "2", "Exchange", SL_ACT_DELETE },
		{ "Send", "2", "Exchange", SL_ACT_SHARE },
		{ "Update", "2", "Exchange", SL_ACT_MODIFY },
		{ "SharingSet", "14", "OneDrive", SL_ACT_SHARE },
		{ "FileModified", "6", "SharePoint", SL_ACT_MODIFY },
		{ "TeamsSessionStarted", "25", "MicrosoftTeams",
		    SL_ACT_OTHER },
	};
	char text[512], rt[64], wl[64];
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(t); i++) {
		rt[0] = wl[0] = '\0';
		if (t[i].rt != NULL)
			snprintf(rt, sizeof(rt), "\"RecordType\":%s,",
			    t[i].rt);
		if (t[i].wl != NULL)
			snprintf(wl, sizeof(wl), "\"Workload\":\"%s\",",
			    t[i].wl);
		snprintf(text, sizeof(text), "{\"CreationTime\":"
		    "\"2024-03-01T07:17:12\",\"Id\":\"x\",%s%s\"Operation\":"
		    "\"%s\",\"UserId\":\"admin@contoso.com\"}\n", rt, wl,
		    t[i].op);
		CHECK_INT(extract("m365", text, 0), 1);
		CHECK_INT(gev.action, t[i].want);
		if (gev.action != t[i].want)
			fprintf(stderr, "  operation %s\n", t[i].op);
	}
}

static void
test_m365_csv(void)
{
	char buf[512];

	CHECK_STR(detect(m365csv), "m365-csv");
	CHECK_INT(extract_nth("m365-csv", m365csv, 0, NULL, 0,
	    "Europe/Berlin"), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "alice@contoso.com");
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_SLSTR(gev.key, "6f1c-1");
	CHECK_SLSTR(gev.src, "203.0.113.5");
	CHECK_SLSTR(gev.resource, "https://contoso.sharepoint.com/pay.xlsx");
	CHECK_INT(extract("m365-csv", m365csv, 1), -EBADMSG);
	CHECK_STR(greason, "invalid JSON in column AuditData at byte 1: "
	    "object key expected");
	/* embed is for csv and tsv, before the rules */
	CHECK_STR(load_error("name t\nreader json\nembed x\n"),
	    "t.profile:3: embed is for the csv and tsv readers");
	snprintf(buf, sizeof(buf), "name t\nreader csv\ntime ts\nembed x\n");
	CHECK_STR(load_error(buf),
	    "t.profile:4: embed must come before rules and detect lines");
}

static void
test_generic_json(void)
{
	static const char g[] =
	    "{\"@timestamp\":\"2024-03-01T08:17:12+01:00\",\"user\":"
	    "{\"name\":\"zoe\"},\"event\":{\"action\":\"User-Logout\","
	    "\"outcome\":\"success\"},\"source\":{\"ip\":\"10.1.1.1\"}}\n"
	    "{\"ts\":1709277432,\"username\":\"yan\",\"action\":\"GET\","
	    "\"url\":\"/api/records/7\",\"status\":\"403\"}\n"
	    "{\"time\":\"2024-03-01 07:17:12\",\"actor\":\"xia\",\"method\":"
	    "\"downloadReport\",\"resource\":\"r1\",\"dataset\":\"d1\","
	    "\"bytes\":\"12x\"}\n";

	CHECK_STR(detect(g), "generic-json");
	CHECK_INT(extract("generic-json", g, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "zoe");
	CHECK_INT(gev.action, SL_ACT_LOGOUT);
	CHECK_INT(gev.outcome, SL_OUT_SUCCESS);
	CHECK_SLSTR(gev.src, "10.1.1.1");
	CHECK_INT(extract("generic-json", g, 1), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_INT(gev.action, SL_ACT_VIEW);
	CHECK_INT(gev.outcome, SL_OUT_DENIED);
	CHECK_SLSTR(gev.resource, "/api/records/7");
	/* a zone-less time is read in --tz */
	CHECK_INT(extract_nth("generic-json", g, 2, NULL, 0,
	    "Europe/Berlin"), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T06:17:12.000000Z");
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_SLSTR(gev.resource, "r1\nd1");
	CHECK_INT(gev.bytes, -1);	/* not a number: unknown */
	CHECK_INT(gev.count, -1);
}

/*
 * Count and bytes: whole numbers as JSON writes them (89.0, 1.2E4) are
 * read exactly; a real fraction leaves the field unknown and is counted.
 * Returns the bytes (count in *count) of a generic-json record with the
 * given bytes and count texts, and the extractor's fractional count in
 * *frac.
 */
static int64_t
num_bytes(const char *bytes, const char *count, int64_t *cnt, uint64_t *frac)
{
	struct sl_extract_counts c;
	struct sl_extractor *x;
	struct sl_record rec = { 0 };
	struct sl_event ev;
	const char *reason;
	char err[128], text[256];

	snprintf(text, sizeof(text), "{\"time\":\"2024-03-01T07:17:12Z\","
	    "\"user\":\"u\",\"bytes\":%s,\"count\":%s}", bytes, count);
	x = sl_extractor_new(sl_profileset_find(ps, "generic-json"), NULL,
	    err, sizeof(err));
	if (x == NULL)
		return -100;
	rec.p = text;
	rec.n = strlen(text);
	memset(&ev, 0, sizeof(ev));
	if (sl_extract_record(x, &rec, &ev, &reason) != 1)
		ev.bytes = ev.count = -99;
	sl_extractor_counts(x, &c);
	*frac = c.fractional;
	*cnt = ev.count;
	sl_extractor_free(x);
	return ev.bytes;
}

static void
test_numbers(void)
{
	static const struct {
		const char *text;
		int64_t want;
		int frac;
	} t[] = {
		{ "89", 89, 0 },
		{ "89.0", 89, 0 },
		{ "89.000", 89, 0 },
		{ "1.2E4", 12000, 0 },
		{ "1.2e+4", 12000, 0 },
		{ "1e3", 1000, 0 },
		{ "0", 0, 0 },
		{ "0.0", 0, 0 },
		{ "0e99999999999", 0, 0 },
		{ "1250E-2", -1, 1 },
		{ "1200E-2", 12, 0 },
		{ "\"89\"", 89, 0 },
		{ "\"89.0\"", 89, 0 },
		{ "9223372036854775807", INT64_MAX, 0 },
		{ "9.223372036854775807E18", INT64_MAX, 0 },
		{ "12.5", -1, 1 },
		{ "1e-3", -1, 1 },
		{ "0.5", -1, 1 },
		{ "89.0000001", -1, 1 },
		{ "1E30", -1, 0 },		/* too big: unknown, not a
						 * fraction */
		{ "9223372036854775808", -1, 0 },
		{ "1e99999999999", -1, 0 },
		{ "-5", -1, 0 },
		{ "-5.0", -1, 0 },
		{ "\"12x\"", -1, 0 },
		{ "\"1e\"", -1, 0 },
		{ "\"1.\"", -1, 0 },
		{ "\".5\"", -1, 0 },
		{ "\"\"", -1, 0 },
		{ "null", -1, 0 },
	};
	int64_t cnt;
	uint64_t frac;
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(t); i++) {
		int64_t b = num_bytes(t[i].text, t[i].text, &cnt, &frac);

		CHECK_INT(b, t[i].want);
		CHECK_INT(cnt, t[i].want);
		/* one for the bytes, one for the count */
		CHECK_INT(frac, t[i].frac * 2);
		if (b != t[i].want || frac != (uint64_t)t[i].frac * 2)
			fprintf(stderr, "  number %s\n", t[i].text);
	}
	/* a fraction in one field of several: counted for that one */
	CHECK_INT(num_bytes("12.5", "3", &cnt, &frac), -1);
	CHECK_INT(cnt, 3);
	CHECK_INT(frac, 1);
	/* a later name with a whole number: the field is known */
	CHECK_INT(num_bytes("12.5, \"size\": 10", "3", &cnt, &frac), 10);
	CHECK_INT(frac, 0);
}

/* The source address is stored without the port a log added. */
static void
test_src_port(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "203.0.113.7:28491", "203.0.113.7" },
		{ "203.0.113.7", "203.0.113.7" },
		{ "[2001:db8::1]:25138", "2001:db8::1" },
		{ "[2001:db8::1]", "2001:db8::1" },
		{ "[fe80::1%eth0]:22", "fe80::1%eth0" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:db8::1:8080", "2001:db8::1:8080" },
		{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
		{ "::1", "::1" },
		{ "host.example:443", "host.example" },
		{ "host.example", "host.example" },
		{ "host.example:", "host.example:" },
		{ "host.example:https", "host.example:https" },
		{ "203.0.113.7:123456", "203.0.113.7:123456" },
		{ ":80", ":80" },
		{ "[2001:db8::1]:", "[2001:db8::1]:" },
		{ "[2001:db8::1]x", "[2001:db8::1]x" },
		{ "[]:80", "[]:80" },
		{ "[2001:db8::1", "[2001:db8::1" },
		{ "AWS Internal", "AWS Internal" },
	};
	char text[256];
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(t); i++) {
		snprintf(text, sizeof(text), "{\"time\":\"2024-03-01T07:17:12Z\","
		    "\"user\":\"u\",\"src\":\"%s\"}\n", t[i].in);
		CHECK_INT(extract("generic-json", text, 0), 1);
		CHECK_SLSTR(gev.src, t[i].want);
	}
}

/* Records re-exported by Logstash, Elasticsearch or OpenSearch: the
 * profiles fall back to @timestamp, and detection still knows them. */
static void
test_pipeline(void)
{
	static const char ct[] =
	    "{\"@version\":\"1\",\"@timestamp\":\"2024-03-01T07:17:12.000Z\","
	    "\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\","
	    "\"userName\":\"alice\"},\"eventSource\":\"s3.amazonaws.com\","
	    "\"eventName\":\"GetObject\",\"sourceIPAddress\":"
	    "\"198.51.100.7:443\",\"additionalEventData\":"
	    "{\"bytesTransferredOut\":89.0},\"eventID\":\"P1\"}\n";
	static const char m[] =
	    "{\"@timestamp\":\"2024-03-01T07:17:12.000Z\",\"@version\":\"1\","
	    "\"Id\":\"p-1\",\"Operation\":\"FileAccessed\",\"Workload\":"
	    "\"SharePoint\",\"CreationTime\":\"2024-03-01T07:17:13\","
	    "\"UserId\":\"a@contoso.com\"}\n"
	    "{\"@timestamp\":\"2024-03-01T07:17:14.000Z\",\"@version\":\"1\","
	    "\"Id\":\"p-2\",\"Operation\":\"FileAccessed\",\"Workload\":"
	    "\"SharePoint\",\"UserId\":\"a@contoso.com\"}\n";
	static const char f3[] =
	    "{\"type\":\"audit.3\",\"@timestamp\":\"2024-03-01T07:17:12Z\","
	    "\"uid\":\"u\",\"categories\":[\"dataLoad\"]}\n";
	static const char f2[] =
	    "{\"type\":\"audit.2\",\"@timestamp\":\"2024-03-01T07:17:12Z\","
	    "\"uid\":\"u\",\"name\":\"x\"}\n";

	CHECK_STR(detect(ct), "cloudtrail");
	CHECK_INT(extract("cloudtrail", ct, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "alice");
	CHECK_INT(gev.bytes, 89);
	CHECK_SLSTR(gev.src, "198.51.100.7");
	CHECK_STR(detect(m), "m365");
	/* CreationTime first, @timestamp when it is missing */
	CHECK_INT(extract("m365", m, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:13.000000Z");
	CHECK_INT(extract("m365", m, 1), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:14.000000Z");
	CHECK_STR(detect(f3), "foundry-audit3");
	CHECK_INT(extract("foundry-audit3", f3, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_STR(detect(f2), "foundry-audit2");
	CHECK_INT(extract("foundry-audit2", f2, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
}

static void
test_maps(void)
{
	static const char g[] =
	    "{\"when\":\"2024-03-01T07:17:12Z\",\"who\":{\"login\":\"q\"},"
	    "\"user\":\"wrong\",\"what\":\"export\",\"k.v\":\"dotted\","
	    "\"list\":[1,2,3]}\n";
	const char *maps[] = { "time=when", "user=who.login",
	    "query=[\"k.v\"]", "action=what map gen", "count=len(list)" };
	const char *bad[] = { "usr=who" };
	const char *bad2[] = { "user" };
	const char *bad3[] = { "action=what map nosuch" };

	CHECK_INT(extract("generic-json", g, 0), -EBADMSG);
	CHECK_STR(greason, "no time field");
	CHECK_INT(extract_nth("generic-json", g, 0, maps, 5, NULL), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "q");
	CHECK_SLSTR(gev.query, "dotted");
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_INT(gev.count, 3);
	CHECK_INT(extract_nth("generic-json", g, 0, bad, 1, NULL), -1002);
	CHECK_STR(greason, "--map: unknown field \"usr\"");
	CHECK_INT(extract_nth("generic-json", g, 0, bad2, 1, NULL), -1002);
	CHECK_INT(extract_nth("generic-json", g, 0, bad3, 1, NULL), -1002);
	CHECK_STR(greason, "--map: unknown table \"nosuch\"");
}

static void
test_rejects(void)
{
	struct sl_extractor *x;
	struct sl_record rec = { 0 };
	struct sl_event ev;
	const char *reason;
	char err[128];

	CHECK_INT(extract("generic-json", "{\"user\":\"a\",\"time\":1,}\n", 0),
	    -EBADMSG);
	CHECK(strncmp(greason, "invalid JSON at byte ", 21) == 0);
	CHECK_INT(extract("generic-json", "[1,2]\n", 0), -EBADMSG);
	CHECK_STR(greason, "not a JSON object");
	CHECK_INT(extract("generic-json", "{\"time\":\"2024-01-01T00:00:00Z\"}",
	    0), -EBADMSG);
	CHECK_STR(greason, "no user");
	CHECK_INT(extract("generic-json", "{\"user\":\"u\",\"time\":\"yesterday"
	    " at \\\"noon\\\"\\u0001 and a very long tail that goes on\"}", 0),
	    -EBADMSG);
	CHECK_STR(greason, "unparseable time \"yesterday at \\\"noon\\\"\\x01 "
	    "and a very long tai...\"");
	x = sl_extractor_new(sl_profileset_find(ps, "generic-json"), NULL,
	    err, sizeof(err));
	CHECK(x != NULL);
	rec.p = "{\"user\":\"u\"";
	rec.n = strlen(rec.p);
	rec.flags = SL_REC_TOOLONG;
	CHECK_INT(sl_extract_record(x, &rec, &ev, &reason), -EBADMSG);
	CHECK_STR(reason, "record longer than the limit");
	rec.flags = SL_REC_CUT;
	CHECK_INT(sl_extract_record(x, &rec, &ev, &reason), -EBADMSG);
	CHECK_STR(reason, "record cut short (data lost, or the log ends inside it)");
	CHECK_INT(sl_extract_flush(x, &ev, &reason), 0);
	sl_extractor_free(x);
	sl_extractor_free(NULL);
}

static const char aol[] =
    "AnonID\tQuery\tQueryTime\tItemRank\tClickURL\n"
    "142\trentdirect.com\t2006-03-01 07:17:12\t\t\n"
    "142\twestchester.gov\t2006-03-20 03:55:57\t1\thttp://www."
    "westchestergov.com\n"
    "142\twestchester.gov\t2006-03-20 03:55:57\t2\thttp://www.co."
    "westchester.ny.us\n"
    "217\t\"lottery\" results\t2006-03-01 11:58:51\n"
    "217\tx\t2006-03-01 11:58:52\t1\thttp://a\textra\n";

static void
test_aol(void)
{
	CHECK_STR(detect(aol), "aol");
	CHECK_INT(extract("aol", aol, 0), 1);
	CHECK_STR(tstr(gev.time), "2006-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "142");
	CHECK_INT(gev.action, SL_ACT_SEARCH);
	CHECK_SLSTR(gev.query, "rentdirect.com");
	CHECK_SLSTR(gev.resource, "");
	CHECK_SLSTR(gev.kind, "query");
	CHECK_INT(extract("aol", aol, 2), 1);
	CHECK_INT(gev.action, SL_ACT_VIEW);
	CHECK_SLSTR(gev.query, "westchester.gov");
	CHECK_SLSTR(gev.resource, "http://www.co.westchester.ny.us");
	CHECK_SLSTR(gev.kind, "click");
	/* trailing empty fields may be left out */
	CHECK_INT(extract("aol", aol, 3), 1);
	CHECK_SLSTR(gev.user, "217");
	CHECK_SLSTR(gev.query, "\"lottery\" results");
	CHECK_INT(gev.action, SL_ACT_SEARCH);
	CHECK_INT(extract("aol", aol, 4), -EBADMSG);
	CHECK_STR(greason, "6 fields where the header has 5");
}

static void
test_cert(void)
{
	static const char logon[] =
	    "id,date,user,pc,activity\n"
	    "{X1D9-S0ES98JV-5357PWMI},01/02/2010 06:49:00,NGF0157,PC-6056,"
	    "Logon\n"
	    "{G2B3-L6EJ61GT-2222RKSO},01/02/2010 17:25:18,NGF0157,PC-6056,"
	    "Logoff\n";
	static const char device[] =
	    "id,date,user,pc,activity\n"
	    "{J1S3-L9UU75BQ-7790ATPL},01/02/2010 07:21:06,MOH0273,PC-6699,"
	    "Connect\n";
	static const char file4[] =
	    "id,date,user,pc,filename,content\n"
	    "{L9G8-J9QE34VM-2834VDPB},01/02/2010 07:23:14,MOH0273,PC-6699,"
	    "EYPC9Y08.doc,\"D0-CF-11-E0 \"\"quoted\"\" words\"\n";
	static const char file6[] =
	    "id,date,user,pc,filename,activity,to_removable_media,"
	    "from_removable_media,content\n"
	    "{A},01/02/2010 07:23:14,MOH0273,PC-6699,R:\\\\a.doc,File Write,"
	    "True,False,x\n"
	    "{B},01/02/2010 07:24:14,MOH0273,PC-6699,C:\\\\b.doc,File Open,"
	    "False,False,x\n";
	static const char email[] =
	    "id,date,user,pc,to,cc,bcc,from,size,attachments,content\n"
	    "{R3I7},01/02/2010 07:11:45,LAP0338,PC-5758,Dean.Flynn@dtaa.com;"
	    "Lynn.Adena@dtaa.com,,,Lynn.Adena@dtaa.com,25830,0,hi\n"
	    "{R3I8},01/02/2010 07:12:16,LAP0338,PC-5758,Dean.Flynn@dtaa.com,"
	    ",a.b@gmail.com,Lynn.Adena@dtaa.com,29942,2,hi\n"
	    "{R3I9},01/02/2010 07:13:16,LAP0338,PC-5758,x@hotmail.com,,,"
	    "Lynn.Adena@dtaa.com,100,0,hi\n";
	static const char http6[] =
	    "id,date,user,pc,url,activity,content\n"
	    "{V1Y4},01/02/2010 07:17:12,LRR0148,PC-4275,http://wikileaks.org/"
	    "up,WWW Upload,x\n";

	CHECK_STR(detect(logon), "cert-logon");
	CHECK_STR(detect(device), "cert-device");
	CHECK_STR(detect(file4), "cert-file");
	CHECK_STR(detect(file6), "cert-file");
	CHECK_STR(detect(email), "cert-email");
	CHECK_STR(detect(http6), "cert-http");
	CHECK_INT(extract("cert-logon", logon, 0), 1);
	CHECK_STR(tstr(gev.time), "2010-01-02T06:49:00.000000Z");
	CHECK_SLSTR(gev.user, "NGF0157");
	CHECK_SLSTR(gev.src, "PC-6056");
	CHECK_SLSTR(gev.key, "{X1D9-S0ES98JV-5357PWMI}");
	CHECK_INT(gev.action, SL_ACT_LOGIN);
	CHECK_INT(extract("cert-logon", logon, 1), 1);
	CHECK_INT(gev.action, SL_ACT_LOGOUT);
	CHECK_INT(extract("cert-device", device, 0), 1);
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_INT(extract("cert-file", file4, 0), 1);
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_SLSTR(gev.resource, "EYPC9Y08.doc");
	CHECK_INT(extract("cert-file", file6, 0), 1);
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_INT(extract("cert-file", file6, 1), 1);
	CHECK_INT(gev.action, SL_ACT_VIEW);
	CHECK_SLSTR(gev.kind, "File Open");
	CHECK_INT(extract("cert-email", email, 0), 1);
	CHECK_INT(gev.action, SL_ACT_OTHER);
	CHECK_INT(gev.bytes, 25830);
	CHECK_INT(gev.count, 0);
	CHECK_INT(extract("cert-email", email, 1), 1);
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_INT(extract("cert-email", email, 2), 1);
	CHECK_INT(gev.action, SL_ACT_SHARE);
	CHECK_INT(extract("cert-http", http6, 0), 1);
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_SLSTR(gev.resource, "http://wikileaks.org/up");
	/* a zone-less US time in --tz */
	CHECK_INT(extract_nth("cert-logon", logon, 0, NULL, 0,
	    "America/New_York"), 1);
	CHECK_STR(tstr(gev.time), "2010-01-02T11:49:00.000000Z");
}

/* The last record of a log without its line end: whole, or cut short. */
static void
test_unterminated(void)
{
#define LOGON "id,date,user,pc,activity\n" \
	"{X1D9-S0ES98JV-5357PWMI},01/02/2010 06:49:00,NGF0157,PC-6056,Logon\n"
#define CUT "record cut short (data lost, or the log ends inside it)"
	/* "Logo" is no value of the closed table act */
	CHECK_INT(extract("cert-logon", LOGON "{Q4D5-W4HH44UC-5188LWZK},"
	    "01/02/2010 17:25:18,NGF0157,PC-0042,Logo", 1), -EBADMSG);
	CHECK_STR(greason, CUT);
	/* ... but it is a value when the line has its end: kept, "other" */
	CHECK_INT(extract("cert-logon", LOGON "{Q4D5-W4HH44UC-5188LWZK},"
	    "01/02/2010 17:25:18,NGF0157,PC-0042,Logo\n", 1), 1);
	CHECK_INT(gev.action, SL_ACT_OTHER);
	CHECK_SLSTR(gev.kind, "Logo");
	/* whole without its line end */
	CHECK_INT(extract("cert-logon", LOGON "{Q4D5-W4HH44UC-5188LWZK},"
	    "01/02/2010 17:25:18,NGF0157,PC-0042,Logoff", 1), 1);
	CHECK_INT(gev.action, SL_ACT_LOGOUT);
	/* fewer fields than the header; with a line end, a row too short */
	CHECK_INT(extract("cert-logon", LOGON "{Q4D5-W4HH44UC-5188LWZK},"
	    "01/02/2010 17:2", 1), -EBADMSG);
	CHECK_STR(greason, CUT);
	CHECK_INT(extract("cert-logon", LOGON "{Q4D5-W4HH44UC-5188LWZK},"
	    "01/02/2010 17:2\n", 1), -EBADMSG);
	CHECK_STR(greason, "2 fields where the header has 5");
	/* a quoted field that never closes does not parse */
	CHECK_INT(extract("cert-file", "id,date,user,pc,filename,content\n"
	    "{L9G8},01/02/2010 07:23:14,MOH0273,PC-6699,a.doc,\"D0-CF",
	    0), -EBADMSG);
	CHECK_STR(greason, CUT);
	/* a tsv row may leave out trailing fields, but not the last one
	 * of a log without its line end: as many whole as cut rows look so */
	CHECK_INT(extract("aol", "AnonID\tQuery\tQueryTime\tItemRank\t"
	    "ClickURL\n217\tlottery\t2006-03-01 11:58:51", 0), -EBADMSG);
	CHECK_STR(greason, CUT);
	CHECK_INT(extract("aol", "AnonID\tQuery\tQueryTime\tItemRank\t"
	    "ClickURL\n217\tlottery\t2006-03-01 11:5", 0), -EBADMSG);
	CHECK_STR(greason, CUT);
	CHECK_INT(extract("aol", "AnonID\tQuery\tQueryTime\tItemRank\t"
	    "ClickURL\n217\tlottery\t2006-03-01 11:58:51\t1\thttp://a",
	    0), 1);
	/* a reason a cut does not explain stays */
	CHECK_INT(extract("cert-logon", LOGON "{Q4D5-W4HH44UC-5188LWZK},"
	    "01/02/2010 17:25:18,,PC-0042,Logoff", 1), -EBADMSG);
	CHECK_STR(greason, "no user");
	/* JSON that parses has its end, whatever its values */
	CHECK_INT(extract("cloudtrail", "{\"eventVersion\":\"1.08\","
	    "\"eventTime\":\"2026-03-02T08:00:00Z\",\"eventSource\":"
	    "\"s3.amazonaws.com\",\"eventName\":\"Get\",\"userIdentity\":"
	    "{\"type\":\"IAMUser\",\"userName\":\"alice\"}}", 0), 1);
	CHECK_INT(extract("generic-json", "{\"user\":\"u\",\"time\":\"2026-03-"
	    "02T08:00:00Z\"", 0), -EBADMSG);
	CHECK_STR(greason, CUT);
#undef CUT
#undef LOGON
}

static void
test_csv_maps(void)
{
	static const char csv[] =
	    "\xef\xbb\xbfWhen,Account Name,Verb,Obj,Extra\n"
	    "2024-03-01T07:17:12Z,kim,Export,\"a,b\",1\n"
	    "2024-03-01T07:17:13Z,kim,Export\n"
	    "2024-03-01T07:17:14Z,kim,Export,\"unterminated,1\n";
	const char *maps[] = { "time=When", "user=[\"Account Name\"]",
	    "action=Verb map gen", "resource=Obj | Extra" };

	CHECK_STR(detect(csv), "generic-csv");
	CHECK_INT(extract_nth("generic-csv", csv, 0, maps, 4, NULL), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "kim");
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_SLSTR(gev.resource, "a,b");
	CHECK_INT(extract_nth("generic-csv", csv, 1, maps, 4, NULL),
	    -EBADMSG);
	CHECK_STR(greason, "3 fields where the header has 5");
	CHECK_INT(extract_nth("generic-csv", csv, 2, maps, 4, NULL),
	    -EBADMSG);
	CHECK(strncmp(greason, "bad CSV row at byte ", 20) == 0);
	/* without the maps nothing names a time: said once by the
	 * extractor, each row rejected with the short reason */
	CHECK_INT(extract("generic-csv", csv, 0), -EBADMSG);
	CHECK_STR(greason, "no column gives the time");
	{
		struct sl_extractor *x;
		struct sl_record recs[4];
		struct sl_event ev;
		const char *reason;
		char err[128];

		CHECK_INT(records(csv, recs, 4), 4);
		x = sl_extractor_new(sl_profileset_find(ps, "generic-csv"),
		    NULL, err, sizeof(err));
		CHECK(x != NULL);
		CHECK(sl_extractor_problem(x) == NULL);
		CHECK_INT(sl_extract_record(x, &recs[0], &ev, &reason), 0);
		CHECK_STR(sl_extractor_problem(x), "no column gives the time: "
		    "the header has columns When, Account Name, Verb, Obj, "
		    "Extra; use --map time=COLUMN");
		CHECK_INT(sl_extract_record(x, &recs[1], &ev, &reason),
		    -EBADMSG);
		CHECK_STR(reason, "no column gives the time");
		sl_extractor_free(x);
	}
}

/* Common column names of exports, matched ignoring ASCII case. */
static void
test_csv_names(void)
{
	static const char a[] =
	    "Event DateTime,UserName,Action,Source IP\n"
	    "2024-03-01 07:17:12,alice,Export,[2001:db8::1]:25138\n";
	static const char b[] =
	    "TIMESTAMP,USER,EVENT,CLIENTIP\n"
	    "2024-03-01T07:17:12Z,bob,login,198.51.100.4\n";
	static const char c[] =
	    "date_time\tAccountName\tRemoteAddress\n"
	    "2024-03-01 07:17:12\tcarl\thost.example:443\n";
	static const char j[] =
	    "{\"TimeGenerated\":\"2024-03-01T07:17:12Z\",\"UserPrincipalName\":"
	    "\"dana@contoso.com\",\"ClientIP\":\"203.0.113.9:1234\"}\n";

	CHECK_STR(detect(a), "generic-csv");
	CHECK_INT(extract("generic-csv", a, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "alice");
	CHECK_INT(gev.action, SL_ACT_EXPORT);
	CHECK_SLSTR(gev.src, "2001:db8::1");
	CHECK_INT(extract("generic-csv", b, 0), 1);
	CHECK_SLSTR(gev.user, "bob");
	CHECK_INT(gev.action, SL_ACT_LOGIN);
	CHECK_SLSTR(gev.src, "198.51.100.4");
	CHECK_STR(detect(c), "generic-tsv");
	CHECK_INT(extract("generic-tsv", c, 0), 1);
	CHECK_SLSTR(gev.user, "carl");
	CHECK_SLSTR(gev.src, "host.example");
	CHECK_INT(extract("generic-json", j, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.000000Z");
	CHECK_SLSTR(gev.user, "dana@contoso.com");
	CHECK_SLSTR(gev.src, "203.0.113.9");
}

static const char audit[] =
    "type=USER_AUTH msg=audit(1709277432.100:501): pid=1 uid=0 "
    "auid=4294967295 ses=4294967295 msg='op=PAM:authentication "
    "acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=198.51.100.4 "
    "addr=198.51.100.4 terminal=ssh res=failed'\n"
    "type=SYSCALL msg=audit(1709277433.250:502): arch=c000003e "
    "syscall=257 success=yes exit=3 items=1 ppid=1 pid=9 auid=1000 uid=0 "
    "ses=7 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"shadow\"\x1d"
    "AUID=\"bob\" UID=\"root\"\n"
    "type=CWD msg=audit(1709277433.250:502): cwd=\"/root\"\n"
    "type=PATH msg=audit(1709277433.250:502): item=0 name=\"/etc/shadow\" "
    "inode=5 exe=\"/nope\"\n"
    "type=USER_LOGIN msg=audit(1709277434.000:503): pid=3 uid=0 auid=1000 "
    "ses=8 msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=? "
    "addr=10.0.0.5 terminal=/dev/pts/0 res=success'\n";

static void
test_auditd(void)
{
	CHECK_STR(detect(audit), "auditd");
	CHECK_INT(extract("auditd", audit, 0), 1);
	CHECK_STR(tstr(gev.time), "2024-03-01T07:17:12.100000Z");
	CHECK_SLSTR(gev.user, "alice");
	CHECK_SLSTR(gev.session, "");
	CHECK_INT(gev.action, SL_ACT_AUTH);
	CHECK_INT(gev.outcome, SL_OUT_FAILURE);
	CHECK_SLSTR(gev.src, "198.51.100.4");
	CHECK_SLSTR(gev.key, "1709277432.100:501");
	CHECK_INT(gev.line, 1);
	CHECK_INT(extract("auditd", audit, 1), 1);
	CHECK_SLSTR(gev.user, "bob");
	CHECK_SLSTR(gev.session, "7");
	CHECK_SLSTR(gev.kind, "SYSCALL");
	CHECK_INT(gev.action, SL_ACT_OTHER);
	CHECK_INT(gev.outcome, SL_OUT_SUCCESS);
	CHECK_SLSTR(gev.resource, "/etc/shadow");
	CHECK_INT(gev.line, 2);
	CHECK(gev.raw.n > 0 && memchr(gev.raw.p, '\n', gev.raw.n) != NULL);
	/* the last group comes out of the flush; the SYSCALL line paired
	 * uid 1000 with bob */
	CHECK_INT(extract("auditd", audit, 2), 1);
	CHECK_INT(gev.action, SL_ACT_LOGIN);
	CHECK_SLSTR(gev.user, "bob");
	CHECK_SLSTR(gev.src, "10.0.0.5");
	CHECK_INT(gev.line, 5);
	CHECK_INT(extract("auditd", audit, 3), -1000);
}

/* Two hosts' lines interleaved, as an aggregated log has them. */
static const char audit2[] =
    "node=a type=SYSCALL msg=audit(100.000:1): syscall=59 auid=1000 "
    "uid=1000 ses=3 exe=\"/usr/bin/cat\"\x1d" "AUID=\"bob\" UID=\"bob\"\n"
    "node=b type=SYSCALL msg=audit(100.000:1): syscall=59 auid=1000 uid=0 "
    "ses=5 exe=\"/usr/bin/less\"\n"
    "node=a type=EXECVE msg=audit(100.000:1): argc=2 a0=\"cat\" "
    "a1=\"/etc/shadow\"\n"
    "node=b type=PROCTITLE msg=audit(100.000:1): "
    "proctitle=6C657373002F746D702F612062\n"
    "node=a type=PROCTITLE msg=audit(100.000:1): "
    "proctitle=636174002F6574632F736861646F77\n"
    "node=a type=EOE msg=audit(100.000:1): \n"
    "node=a type=USER_CMD msg=audit(101.000:2): pid=1 uid=1000 auid=1000 "
    "ses=3 msg='cwd=\"/root\" cmd=636174202F6574632F736861646F77 "
    "exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'\n"
    "node=b type=USER_END msg=audit(103.000:7): pid=2 uid=0 auid=0 ses=5 "
    "msg='op=PAM:session_close acct=\"root\" exe=\"/usr/sbin/sshd\" "
    "res=success'\n"
    "node=b type=EOE msg=audit(100.000:1): \n";

static void
test_auditd_interleaved(void)
{
	CHECK_STR(detect(audit2), "auditd");
	/* node a's event: its four lines, though node b's come between */
	CHECK_INT(extract("auditd", audit2, 0), 1);
	CHECK_SLSTR(gev.key, "a:100.000:1");
	CHECK_SLSTR(gev.user, "bob");
	CHECK_SLSTR(gev.session, "3");
	CHECK_SLSTR(gev.query, "cat /etc/shadow");
	CHECK_SLSTR(gev.resource, "/usr/bin/cat");
	CHECK_INT(gev.line, 1);
	CHECK_INT(gev.offset, 0);
	CHECK_SLSTR(gev.raw, "node=a type=SYSCALL msg=audit(100.000:1): "
	    "syscall=59 auid=1000 uid=1000 ses=3 exe=\"/usr/bin/cat\"\x1d"
	    "AUID=\"bob\" UID=\"bob\"\n"
	    "node=a type=EXECVE msg=audit(100.000:1): argc=2 a0=\"cat\" "
	    "a1=\"/etc/shadow\"\n"
	    "node=a type=PROCTITLE msg=audit(100.000:1): "
	    "proctitle=636174002F6574632F736861646F77\n"
	    "node=a type=EOE msg=audit(100.000:1): ");
	/* node b's event with the same stamp is another event; the name
	 * node a gave uid 1000 is not node b's; the proctitle is decoded */
	CHECK_INT(extract("auditd", audit2, 1), 1);
	CHECK_SLSTR(gev.key, "b:100.000:1");
	CHECK_SLSTR(gev.user, "1000");
	CHECK_SLSTR(gev.query, "less /tmp/a b");
	CHECK_INT(gev.line, 2);
	/* a line without the ENRICHED part: the name learnt on node a;
	 * sudo's command in hex */
	CHECK_INT(extract("auditd", audit2, 2), 1);
	CHECK_SLSTR(gev.key, "a:101.000:2");
	CHECK_SLSTR(gev.user, "bob");
	CHECK_SLSTR(gev.query, "cat /etc/shadow");
	CHECK_INT(gev.line, 7);
	/* uid 0 is root, as acct would say */
	CHECK_INT(extract("auditd", audit2, 3), 1);
	CHECK_SLSTR(gev.user, "root");
	CHECK_INT(gev.action, SL_ACT_LOGOUT);
	/* node b's EOE came after its event was complete (2 s later on
	 * node b): it stands alone and names no one */
	CHECK_INT(extract("auditd", audit2, 4), -EBADMSG);
	CHECK_STR(greason, "no user");
	CHECK_INT(gev.line, 9);
	CHECK_SLSTR(gev.raw, "node=b type=EOE msg=audit(100.000:1): ");
	CHECK_INT(extract("auditd", audit2, 5), -1000);
}

/* Hex is decoded only where auditd writes it: bare, an even number of hex
 * digits, in a field that can hold text. */
static const char audit3[] =
    "type=EXECVE msg=audit(1.000:1): argc=3 a0=\"ls\" a1=\"CAFE\" "
    "a2=2F612062\n"
    "type=CWD msg=audit(1.000:1): cwd=2F686F6D652F61206200\n"
    "type=SYSCALL msg=audit(1.000:1): a0=2F61 uid=5 key=2F61\n"
    "type=EXECVE msg=audit(2.000:2): argc=2 a0=\"cat\" a1_len=6 "
    "a1[0]=2F612062\n"
    "type=PROCTITLE msg=audit(2.000:2): proctitle=636174002F612062\n"
    "type=CWD msg=audit(2.000:2): cwd=\"/x\\\"AB\" uid=7 auid=-1\n";

static void
test_auditd_hex(void)
{
	static const char *const cwd[] = { "query=cwd", "resource=key" };

	CHECK_INT(extract("auditd", audit3, 0), 1);
	CHECK_SLSTR(gev.query, "ls CAFE /a b");
	CHECK_SLSTR(gev.user, "5");
	CHECK_INT(extract_nth("auditd", audit3, 0, cwd, 2, NULL), 1);
	CHECK_SLSTR(gev.query, "/home/a b");
	CHECK_SLSTR(gev.resource, "2F61");
	/* an argument in pieces: the proctitle tells the command */
	CHECK_INT(extract("auditd", audit3, 1), 1);
	CHECK_SLSTR(gev.query, "cat /a b");
	CHECK_SLSTR(gev.user, "7");
	CHECK_INT(extract_nth("auditd", audit3, 1, cwd, 1, NULL), 1);
	CHECK_SLSTR(gev.query, "/x\"AB");
}

/* Feed n lines of text; count the events handed out before the end of the
 * log in *live and all in the return; checks that they come out in the
 * order of their first lines. */
static size_t
auditd_run(const char *text, size_t *live)
{
	struct sl_extractor *x;
	struct sl_record rec;
	struct sl_event ev;
	const char *reason, *p = text, *nl;
	uint64_t last = 0;
	size_t got = 0;
	char err[256];
	int r;

	x = sl_extractor_new(sl_profileset_find(ps, "auditd"), NULL, err,
	    sizeof(err));
	CHECK(x != NULL);
	memset(&rec, 0, sizeof(rec));
	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		rec.p = p;
		rec.n = (size_t)(nl - p);
		rec.line++;
		memset(&ev, 0, sizeof(ev));
		r = sl_extract_record(x, &rec, &ev, &reason);
		while (r == 1) {
			CHECK(ev.line > last);
			last = ev.line;
			got++;
			memset(&ev, 0, sizeof(ev));
			r = sl_extract_next(x, &ev, &reason);
		}
		CHECK_INT(r, 0);
	}
	*live = got;
	memset(&ev, 0, sizeof(ev));
	while ((r = sl_extract_flush(x, &ev, &reason)) == 1) {
		CHECK(ev.line > last);
		last = ev.line;
		got++;
		memset(&ev, 0, sizeof(ev));
	}
	CHECK_INT(r, 0);
	sl_extractor_free(x);
	return got;
}

static void
test_auditd_window(void)
{
	struct sl_buf b = { 0 };
	size_t i, live;
	char line[160];

	/* 300 one-line events in one second: the window holds 256, so the
	 * oldest are closed as the newer come */
	for (i = 0; i < 300; i++) {
		snprintf(line, sizeof(line), "type=USER_ACCT "
		    "msg=audit(200.000:%zu): pid=1 uid=0 auid=0 ses=1 "
		    "msg='op=x acct=\"root\" res=success'\n", 1000 + i);
		sl_buf_add(&b, line, strlen(line));
	}
	sl_buf_addc(&b, '\0');
	CHECK_INT(auditd_run(b.p, &live), 300);
	CHECK_INT(live, 300 - 256);
	/* the timeout: an event is complete when a line of its node is 2 s
	 * newer, not before, and not by another node's lines */
	CHECK_INT(auditd_run(
	    "node=a type=USER_ACCT msg=audit(200.000:1): uid=0\n"
	    "node=a type=USER_ACCT msg=audit(201.999:2): uid=0\n"
	    "node=b type=USER_ACCT msg=audit(300.000:3): uid=0\n", &live), 3);
	CHECK_INT(live, 0);
	CHECK_INT(auditd_run(
	    "node=a type=USER_ACCT msg=audit(200.000:1): uid=0\n"
	    "node=a type=USER_ACCT msg=audit(202.000:2): uid=0\n"
	    "node=a type=USER_ACCT msg=audit(202.001:3): uid=0\n", &live), 3);
	CHECK_INT(live, 1);
	/* EOE completes an event; the next waits for the first */
	CHECK_INT(auditd_run(
	    "type=SYSCALL msg=audit(200.000:1): uid=0\n"
	    "type=SYSCALL msg=audit(200.000:2): uid=0\n"
	    "type=EOE msg=audit(200.000:2): \n"
	    "type=EOE msg=audit(200.000:1): \n", &live), 2);
	CHECK_INT(live, 2);
	CHECK_INT(auditd_run(
	    "type=SYSCALL msg=audit(200.000:1): uid=0\n"
	    "type=SYSCALL msg=audit(200.000:2): uid=0\n"
	    "type=EOE msg=audit(200.000:2): \n", &live), 2);
	CHECK_INT(live, 0);
	sl_buf_release(&b);
}

static void
test_detect_misc(void)
{
	struct sl_record r[2];

	CHECK_STR(detect("time,user,action\n2024-03-01T00:00:00Z,a,login\n"),
	    "generic-csv");
	CHECK_STR(detect("time\tuser\taction\n"), "generic-tsv");
	CHECK_STR(detect("{\"a\":1}\n"), "generic-json");
	CHECK_STR(detect("just some text\n"), "(none)");
	CHECK_STR(detect("{broken json, with commas\n"), "(none)");
	/* a bad first record: the next one decides */
	CHECK_STR(detect("{\"x\":\n{\"type\":\"audit.3\"}\n"),
	    "foundry-audit3");
	CHECK(sl_profileset_detect(ps, r, 0) == NULL);
	CHECK(sl_profileset_find(ps, "nosuch") == NULL);
	CHECK_INT(sl_profile_split_mode(sl_profileset_find(ps, "aol")),
	    SL_SPLIT_LINES);
	CHECK_INT(sl_profile_split_mode(sl_profileset_find(ps, "cert-logon")),
	    SL_SPLIT_CSV);
	CHECK_INT(sl_profile_reader(sl_profileset_find(ps, "auditd")),
	    SL_READ_AUDITD);
}

static void
test_conditions(void)
{
	char dir[] = "/tmp/sl-profile-XXXXXX";
	char err[512];
	struct sl_profileset *save = ps;
	static const char prof[] =
	    "name c\nreader json\ntime t\nuser u\n"
	    "query \"eq\" when a == \"x\"\n"
	    "query \"ne\" when a != \"x\" and exists(a)\n"
	    "query \"re\" when !exists(a) and b[*] ~ \"^y\"\n"
	    "query \"nre\" when !exists(a) and b !~ \"q\" and !empty(b)\n"
	    "query \"empty\"\n"
	    "resource l[*].n\n"
	    "resource l[0].n\n"
	    "resource after(p, \"/\")\n"
	    "count len(l) | len(m)\n"
	    "kind [\"k.k\"] | \"nokind\"\n";
	static const char recs[] =
	    "{\"t\":1709277432,\"u\":\"a\",\"a\":\"x\",\"l\":[{\"n\":\"1\"},"
	    "{\"n\":\"2\"},{\"n\":\"1\"}],\"p\":\"a/b/c\",\"k.k\":\"dot\"}\n"
	    "{\"t\":1709277432,\"u\":\"a\",\"a\":\"z\",\"m\":\"one\"}\n"
	    "{\"t\":1709277432,\"u\":\"a\",\"b\":[\"q\",\"yes\"],"
	    "\"p\":\"nosep\"}\n"
	    "{\"t\":1709277432,\"u\":\"a\",\"b\":[\"r\"],\"l\":[]}\n"
	    "{\"t\":1709277432,\"u\":\"a\",\"b\":[]}\n";

	CHECK(mkdtemp(dir) != NULL);
	write_file(dir, "c.profile", prof);
	ps = sl_profileset_load(dir, err, sizeof(err));
	CHECK(ps != NULL);
	if (ps != NULL) {
		CHECK_INT(extract("c", recs, 0), 1);
		CHECK_SLSTR(gev.query, "eq");
		CHECK_SLSTR(gev.resource, "1\n2\nc");
		CHECK_INT(gev.count, 3);
		CHECK_SLSTR(gev.kind, "dot");
		CHECK_INT(extract("c", recs, 1), 1);
		CHECK_SLSTR(gev.query, "ne");
		CHECK_INT(gev.count, 1);
		CHECK_SLSTR(gev.kind, "nokind");
		CHECK_INT(extract("c", recs, 2), 1);
		CHECK_SLSTR(gev.query, "re");
		CHECK_SLSTR(gev.resource, "nosep");
		CHECK_INT(extract("c", recs, 3), 1);
		CHECK_SLSTR(gev.query, "nre");
		CHECK_INT(gev.count, 0);
		CHECK_INT(extract("c", recs, 4), 1);
		CHECK_SLSTR(gev.query, "empty");
		sl_profileset_free(ps);
	}
	ps = save;
	rm_file(dir, "c.profile");
	rmdir(dir);
}

/* re(PATH, "pattern"): the first group that took part, else the match. */
static void
test_re(void)
{
	char dir[] = "/tmp/sl-profile-XXXXXX";
	char err[512];
	struct sl_profileset *save = ps;
	static const char prof[] =
	    "name r\nreader kv\ntime _time\n"
	    "user re(_msg, \"^Accepted \\S+ for (\\S+) from \")\n"
	    "user re(_msg, \"^(?:Failed \\S+ for (?:invalid user )?(.+?)|"
	    "Invalid user (.+?)) from \\S+ port \\d+\")\n"
	    "user re(u, \"^x(y)?\") | re(_msg, \"^by (\\w+)\") | v\n"
	    "src re(_msg, \" from (\\S+) port \\d+\")\n"
	    "session _proc\n"
	    "action re(_msg, \"^[A-Z][a-z]+\") map act\n"
	    "table act Accepted=login Failed=login Invalid=auth\n"
	    "outcome re(_msg, \"^Accepted\") map ok\n"
	    "outcome \"failure\" when _msg ~ \"^(Failed|Invalid) \"\n"
	    "table ok Accepted=success\n"
	    "resource re(COMMAND, \"[^/]+$\")\n"
	    "resource re(_msg, \"(?<cmd>/usr/\\S+)\")\n";
	static const char recs[] =
	    "2026-03-02T08:00:00Z h sshd[7]: Accepted publickey for alice "
	    "from 192.0.2.10 port 50122 ssh2: ED25519 SHA256:x\n"
	    "2026-03-02T08:00:01Z h sshd[8]: Failed password for invalid "
	    "user bad guy from 198.51.100.7 port 40000 ssh2\n"
	    "2026-03-02T08:00:02Z h sshd[8]: Invalid user eve from "
	    "198.51.100.7 port 40000\n"
	    "2026-03-02T08:00:03Z h x: u=xq by bob COMMAND=/bin/cat "
	    "/usr/share/doc\n"
	    "2026-03-02T08:00:04Z h x: u=z v=carol\n"
	    "2026-03-02T08:00:05Z h x: nobody here\n";

	CHECK(mkdtemp(dir) != NULL);
	write_file(dir, "r.profile", prof);
	ps = sl_profileset_load(dir, err, sizeof(err));
	CHECK(ps != NULL);
	if (ps != NULL) {
		CHECK_INT(extract("r", recs, 0), 1);
		CHECK_SLSTR(gev.user, "alice");
		CHECK_SLSTR(gev.src, "192.0.2.10");
		CHECK_SLSTR(gev.session, "h:sshd[7]");
		CHECK_INT(gev.action, SL_ACT_LOGIN);
		CHECK_INT(gev.outcome, SL_OUT_SUCCESS);
		CHECK_INT(extract("r", recs, 1), 1);
		CHECK_SLSTR(gev.user, "bad guy");
		CHECK_SLSTR(gev.src, "198.51.100.7");
		CHECK_INT(gev.action, SL_ACT_LOGIN);
		CHECK_INT(gev.outcome, SL_OUT_FAILURE);
		/* the second alternative's group */
		CHECK_INT(extract("r", recs, 2), 1);
		CHECK_SLSTR(gev.user, "eve");
		CHECK_INT(gev.action, SL_ACT_AUTH);
		/* a pattern that matches with its group unset: the match */
		CHECK_INT(extract("r", recs, 3), 1);
		CHECK_SLSTR(gev.user, "x");
		CHECK_SLSTR(gev.resource, "cat\n/usr/share/doc");
		CHECK_INT(gev.action, SL_ACT_OTHER);
		CHECK_INT(gev.outcome, SL_OUT_UNKNOWN);
		/* no match: the next term of the rule */
		CHECK_INT(extract("r", recs, 4), 1);
		CHECK_SLSTR(gev.user, "carol");
		CHECK_INT(extract("r", recs, 5), -EBADMSG);
		CHECK_STR(greason, "no user");
		sl_profileset_free(ps);
	}
	ps = save;
	rm_file(dir, "r.profile");
	rmdir(dir);
}

/* The year of times without one: given, from a file time, near a date. */
static void
test_year(void)
{
	char dir[] = "/tmp/sl-profile-XXXXXX";
	char err[512];
	struct sl_profileset *save = ps;
	static const char recs[] =
	    "Dec 31 23:59:58 h a[1]: u=alice\n"
	    "Jan  1 00:00:01 h a[1]: u=alice\n"
	    "Dec 31 23:59:59 h a[1]: u=alice\n";

	CHECK(mkdtemp(dir) != NULL);
	write_file(dir, "y.profile", "name y\nreader kv\n"
	    "time _time | t\nuser u\n");
	ps = sl_profileset_load(dir, err, sizeof(err));
	CHECK(ps != NULL);
	if (ps != NULL) {
		memset(&gyear, 0, sizeof(gyear));
		CHECK_INT(extract("y", recs, 0), -EBADMSG);
		CHECK_STR(greason, "no year for \"Dec 31 23:59:58\": give "
		    "--year");
		CHECK_INT(extract("y", "t=\"Dez 31 23:59:58\" u=a\n", 0),
		    -EBADMSG);
		CHECK_STR(greason, "unparseable time \"Dez 31 23:59:58\"");
		/* --year is the first time's; the log runs into the next */
		gyear.year = 2026;
		CHECK_INT(extract("y", recs, 0), 1);
		CHECK_STR(tstr(gev.time), "2026-12-31T23:59:58.000000Z");
		CHECK_INT(extract("y", recs, 1), 1);
		CHECK_STR(tstr(gev.time), "2027-01-01T00:00:01.000000Z");
		CHECK_INT(extract("y", recs, 2), 1);
		CHECK_STR(tstr(gev.time), "2026-12-31T23:59:59.000000Z");
		/* a file time: each the latest year up to a day after it */
		gyear.year = 0;
		gyear.ref_time = 1798848000LL * 1000000;  /* 2027-01-02 */
		CHECK_INT(extract("y", recs, 0), 1);
		CHECK_STR(tstr(gev.time), "2026-12-31T23:59:58.000000Z");
		CHECK_INT(extract("y", recs, 1), 1);
		CHECK_STR(tstr(gev.time), "2027-01-01T00:00:01.000000Z");
		/* near a date of other evidence, then on from each time */
		gyear.ref_time = 0;
		gyear.near_time = 1790812800LL * 1000000;  /* 2026-10-01 */
		CHECK_INT(extract("y", recs, 0), 1);
		CHECK_STR(tstr(gev.time), "2026-12-31T23:59:58.000000Z");
		CHECK_INT(extract("y", recs, 1), 1);
		CHECK_STR(tstr(gev.time), "2027-01-01T00:00:01.000000Z");
		memset(&gyear, 0, sizeof(gyear));
		sl_profileset_free(ps);
	}
	ps = save;
	rm_file(dir, "y.profile");
	rmdir(dir);
}

int
main(void)
{
	char err[512];
	size_t i;

	ps = sl_profileset_load(SRCDIR "/profiles", err, sizeof(err));
	CHECK(ps != NULL);
	if (ps == NULL) {
		fprintf(stderr, "%s\n", err);
		return check_done("profile");
	}
	CHECK(sl_profileset_count(ps) >= 14);
	/* The default tolerance of source order. */
	CHECK(sl_profile_tolerance(sl_profileset_find(ps, "generic-csv")) ==
	    1000000);
	for (i = 1; i < sl_profileset_count(ps); i++)
		CHECK(strcmp(sl_profileset_name(ps, i - 1),
		    sl_profileset_name(ps, i)) < 0);
	test_language_errors();
	test_duplicate_names();
	test_foundry3();
	test_foundry2();
	test_cloudtrail();
	test_m365();
	test_m365_actions();
	test_m365_csv();
	test_generic_json();
	test_numbers();
	test_src_port();
	test_pipeline();
	test_maps();
	test_rejects();
	test_aol();
	test_cert();
	test_unterminated();
	test_csv_maps();
	test_csv_names();
	test_auditd();
	test_auditd_interleaved();
	test_auditd_hex();
	test_auditd_window();
	test_detect_misc();
	test_conditions();
	test_re();
	test_year();
	sl_profileset_free(ps);
	for (i = 0; i < SL_ARRAY_LEN(gbuf); i++)
		sl_buf_release(&gbuf[i]);
	return check_done("profile");
}
