/* make-fixtures.c: writes the binary and byte-exact fixtures of formats/ and bad/. */

/*
 * Usage: make-fixtures OUTDIR.  Writes OUTDIR/formats/cloudtrail-records.zip
 * and the generated files of OUTDIR/bad/; the hand-written fixtures beside
 * them are not touched.  Nothing depends on the clock, the locale or TZ:
 * gzip members have mtime 0 and no name, zip entries a fixed mtime, owner
 * and mode, so the same zlib and libarchive give the same bytes.
 * testdata/README.md says what each file is and what a reader must make
 * of it; the counts printed on stdout are the ones in bad/expected.tsv.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

/* 2026-03-02T14:05:00Z, when the CloudTrail files were "delivered". */
#define FIXED_MTIME 1772460300

struct sb {
	unsigned char *p;
	size_t n, cap;
};

static void
die(const char *what)
{
	fprintf(stderr, "make-fixtures: %s\n", what);
	exit(2);
}

static void
sb_add(struct sb *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			die("out of memory");
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Raw deflate of p[0..n) into out. */
static void
deflate_raw(struct sb *out, const void *p, size_t n)
{
	unsigned char buf[16384];
	z_stream z;
	int ret;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		die("deflateInit2");
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
}

/* One gzip member around raw deflate: mtime 0, no name, XFL 0, OS 3. */
static void
gzip_member(struct sb *out, const void *p, size_t n)
{
	static const unsigned char hdr[10] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3
	};
	unsigned char tr[8];
	uLong crc = crc32(0L, Z_NULL, 0);

	sb_add(out, hdr, sizeof(hdr));
	deflate_raw(out, p, n);
	crc = crc32(crc, p, (uInt)n);
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

/* How many whole lines zlib gets out of a cut raw deflate stream. */
static int
lines_before_cut(const unsigned char *p, size_t n)
{
	unsigned char buf[65536];
	z_stream z;
	int lines = 0, ret;
	size_t i;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		die("inflateInit2");
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		ret = inflate(&z, Z_SYNC_FLUSH);
		for (i = 0; i < sizeof(buf) - z.avail_out; i++)
			lines += buf[i] == '\n';
	} while (ret == Z_OK && z.avail_in > 0);
	inflateEnd(&z);
	if (ret == Z_STREAM_END)
		die("the cut stream is complete");
	return lines;
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
write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(p, 1, n, fp) != n || fclose(fp) != 0) {
		fprintf(stderr, "make-fixtures: %s: %s\n", path,
		    strerror(errno));
		exit(2);
	}
}

/* A compact but complete audit.3 line; query may hold any bytes. */
static void
audit3(struct sb *b, int i, const char *user, const char *time,
    const char *query)
{
	char s[2048];

	snprintf(s, sizeof(s), "{\"categories\":[\"dataSearch\"],"
	    "\"environment\":\"prod\",\"eventId\":\"0c5e%04d-1f2a-4b3c-8d4e-"
	    "5f6a7b8c9d0e\",\"logEntryId\":\"9a1b%04d-2c3d-4e5f-8a6b-"
	    "7c8d9e0f1a2b\",\"name\":\"GOTHAM_SEARCH\",\"origins\":"
	    "[\"10.20.10.41\"],\"product\":\"gotham\",\"requestFields\":"
	    "{\"dataSearchContext\":\"gotham-global-search\","
	    "\"dataSearchQuery\":\"%s\"},\"result\":\"SUCCESS\","
	    "\"resultFields\":{\"dataSearchResults\":[]},\"service\":"
	    "\"gotham-server\",\"sid\":\"3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b\","
	    "\"time\":\"%s\",\"traceId\":\"5d6e%04d-8f9a-4b0c-9d1e-2f3a4b5c6d7e\","
	    "\"type\":\"audit.3\",\"uid\":\"%s\",\"users\":[{\"uid\":\"%s\","
	    "\"userName\":\"%s\"}]}\n", i, i, query, time, i, user, user,
	    user);
	sb_puts(b, s);
}

static void
audit3_at(struct sb *b, int i, const char *user, const char *query)
{
	char t[64];

	snprintf(t, sizeof(t), "2026-03-02T%02d:%02d:%02d.%09dZ", 8 + i / 60,
	    i % 60, (i * 7) % 60, i * 1000003 % 1000000000);
	audit3(b, i, user, t, query);
}

/* ---- formats/cloudtrail-records.zip ------------------------------------ */

static const char *const ct_rec[] = {
	"{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
	"\"principalId\":\"AIDAJ45Q7YFFAREXAMPLE\",\"arn\":\"arn:aws:iam::"
	"123456789012:user/alice\",\"accountId\":\"123456789012\","
	"\"accessKeyId\":\"ASIAQGFXEXAMPLE12345\",\"userName\":\"alice\"},"
	"\"eventTime\":\"2026-03-02T14:01:07Z\",\"eventSource\":"
	"\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":"
	"\"us-east-1\",\"sourceIPAddress\":\"198.51.100.23\",\"userAgent\":"
	"\"[aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0-18-amd64]\","
	"\"requestParameters\":{\"bucketName\":\"agency-case-exports\","
	"\"Host\":\"agency-case-exports.s3.us-east-1.amazonaws.com\",\"key\":"
	"\"exports/2026-03/vehicles.csv\"},\"responseElements\":null,"
	"\"additionalEventData\":{\"bytesTransferredOut\":1048576},"
	"\"requestID\":\"R1A2B3C4D5E6F7G8\",\"eventID\":"
	"\"11111111-2222-4333-8444-555555555501\",\"readOnly\":true,"
	"\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::"
	"agency-case-exports/exports/2026-03/vehicles.csv\"}],\"eventType\":"
	"\"AwsApiCall\",\"managementEvent\":false,\"recipientAccountId\":"
	"\"123456789012\",\"eventCategory\":\"Data\"}",

	"{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\","
	"\"principalId\":\"AROAXYZEXAMPLEROLEID:m.okafor\",\"arn\":\"arn:aws:"
	"sts::123456789012:assumed-role/AnalystRole/m.okafor\",\"accountId\":"
	"\"123456789012\",\"accessKeyId\":\"ASIAEXAMPLEOKAFOR001\","
	"\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
	"\"principalId\":\"AROAXYZEXAMPLEROLEID\",\"arn\":\"arn:aws:iam::"
	"123456789012:role/AnalystRole\",\"accountId\":\"123456789012\","
	"\"userName\":\"AnalystRole\"},\"attributes\":{\"creationDate\":"
	"\"2026-03-02T13:58:00Z\",\"mfaAuthenticated\":\"false\"}}},"
	"\"eventTime\":\"2026-03-02T14:02:44Z\",\"eventSource\":"
	"\"s3.amazonaws.com\",\"eventName\":\"PutObject\",\"awsRegion\":"
	"\"us-east-1\",\"sourceIPAddress\":\"10.20.12.77\",\"userAgent\":"
	"\"[aws-sdk-java/1.12.667]\",\"requestParameters\":{\"bucketName\":"
	"\"agency-transfer\",\"key\":\"outbox/persons-full.csv\"},"
	"\"responseElements\":null,\"requestID\":\"R2B3C4D5E6F7G8H9\","
	"\"eventID\":\"11111111-2222-4333-8444-555555555502\",\"readOnly\":"
	"false,\"eventType\":\"AwsApiCall\",\"managementEvent\":false,"
	"\"recipientAccountId\":\"123456789012\",\"eventCategory\":\"Data\"}",

	"{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
	"\"principalId\":\"AIDAI3Z8EXAMPLEBOB01\",\"arn\":\"arn:aws:iam::"
	"123456789012:user/bob\",\"accountId\":\"123456789012\","
	"\"userName\":\"bob\"},\"eventTime\":\"2026-03-02T14:03:59Z\","
	"\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
	"\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113.77\","
	"\"userAgent\":\"[aws-cli/2.15.30]\",\"errorCode\":\"AccessDenied\","
	"\"errorMessage\":\"Access Denied\",\"requestParameters\":"
	"{\"bucketName\":\"agency-informants\",\"key\":\"register/q1.parquet\"},"
	"\"responseElements\":null,\"requestID\":\"R3C4D5E6F7G8H9I0\","
	"\"eventID\":\"11111111-2222-4333-8444-555555555503\",\"readOnly\":true,"
	"\"eventType\":\"AwsApiCall\",\"managementEvent\":false,"
	"\"recipientAccountId\":\"123456789012\",\"eventCategory\":\"Data\"}",

	"{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
	"\"principalId\":\"AIDAJ45Q7YFFAREXAMPLE\",\"arn\":\"arn:aws:iam::"
	"123456789012:user/alice\",\"accountId\":\"123456789012\","
	"\"userName\":\"alice\"},\"eventTime\":\"2026-03-02T14:08:31Z\","
	"\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateAccessKey\","
	"\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.23\","
	"\"userAgent\":\"console.amazonaws.com\",\"requestParameters\":"
	"{\"userName\":\"alice\"},\"responseElements\":{\"accessKey\":"
	"{\"accessKeyId\":\"AKIAEXAMPLENEWKEY001\",\"status\":\"Active\","
	"\"userName\":\"alice\",\"createDate\":\"Mar 2, 2026 2:08:31 PM\"}},"
	"\"requestID\":\"R4D5E6F7G8H9I0J1\",\"eventID\":"
	"\"11111111-2222-4333-8444-555555555504\",\"readOnly\":false,"
	"\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
	"\"recipientAccountId\":\"123456789012\",\"eventCategory\":"
	"\"Management\"}",

	"{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AWSService\","
	"\"invokedBy\":\"cloudtrail.amazonaws.com\"},\"eventTime\":"
	"\"2026-03-02T14:09:00Z\",\"eventSource\":\"kms.amazonaws.com\","
	"\"eventName\":\"GenerateDataKey\",\"awsRegion\":\"us-east-1\","
	"\"sourceIPAddress\":\"cloudtrail.amazonaws.com\",\"userAgent\":"
	"\"cloudtrail.amazonaws.com\",\"requestParameters\":{\"keySpec\":"
	"\"AES_256\",\"keyId\":\"arn:aws:kms:us-east-1:123456789012:key/"
	"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\"},\"responseElements\":null,"
	"\"requestID\":\"R5E6F7G8H9I0J1K2\",\"eventID\":"
	"\"11111111-2222-4333-8444-555555555505\",\"readOnly\":true,"
	"\"resources\":[{\"accountId\":\"123456789012\",\"type\":"
	"\"AWS::KMS::Key\",\"ARN\":\"arn:aws:kms:us-east-1:123456789012:key/"
	"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\"}],\"eventType\":"
	"\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":"
	"\"123456789012\",\"sharedEventID\":"
	"\"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a\",\"eventCategory\":"
	"\"Management\"}",
};

/* {"Records":[...]} on one line, as CloudTrail delivers it to S3. */
static void
ct_doc(struct sb *b, const int *idx, int n)
{
	int i;

	sb_puts(b, "{\"Records\":[");
	for (i = 0; i < n; i++) {
		if (i)
			sb_puts(b, ",");
		sb_puts(b, ct_rec[idx[i]]);
	}
	sb_puts(b, "]}");
}

/* The same records pretty-printed (two-space indent), as a person saves
 * the output of "aws cloudtrail lookup-events" or an editor reflows it. */
static void
ct_pretty(struct sb *b, const int *idx, int n)
{
	int i, depth = 1, instr = 0, esc = 0;
	const char *s;

	sb_puts(b, "{\n  \"Records\": [\n");
	for (i = 0; i < n; i++) {
		int d;

		for (d = 0; d < depth + 1; d++)
			sb_puts(b, "  ");
		depth++;
		for (s = ct_rec[idx[i]]; *s != '\0'; s++) {
			if (instr) {
				sb_add(b, s, 1);
				if (esc)
					esc = 0;
				else if (*s == '\\')
					esc = 1;
				else if (*s == '"')
					instr = 0;
				continue;
			}
			switch (*s) {
			case '"':
				instr = 1;
				sb_add(b, s, 1);
				break;
			case '{': case '[':
				if (s[1] == '}' || s[1] == ']') {
					sb_add(b, s, 2);
					s++;
					break;
				}
				sb_add(b, s, 1);
				sb_puts(b, "\n");
				depth++;
				for (d = 0; d < depth; d++)
					sb_puts(b, "  ");
				break;
			case '}': case ']':
				sb_puts(b, "\n");
				depth--;
				for (d = 0; d < depth; d++)
					sb_puts(b, "  ");
				sb_add(b, s, 1);
				break;
			case ',':
				sb_puts(b, ",\n");
				for (d = 0; d < depth; d++)
					sb_puts(b, "  ");
				break;
			case ':':
				sb_puts(b, ": ");
				break;
			default:
				sb_add(b, s, 1);
			}
		}
		depth--;
		sb_puts(b, i + 1 < n ? ",\n" : "\n");
	}
	sb_puts(b, "  ]\n}\n");
}

struct zip {
	struct archive *a;
	struct sb out;
};

static la_ssize_t
zip_write_cb(struct archive *a, void *arg, const void *p, size_t n)
{
	struct zip *z = arg;

	(void)a;
	sb_add(&z->out, p, n);
	return (la_ssize_t)n;
}

static void
zip_open(struct zip *z)
{
	memset(z, 0, sizeof(*z));
	z->a = archive_write_new();
	if (z->a == NULL || archive_write_set_format_zip(z->a) != ARCHIVE_OK)
		die("libarchive: zip");
	/* 1-byte blocks: no padding at the end of the archive. */
	archive_write_set_bytes_per_block(z->a, 1);
	if (archive_write_open(z->a, z, NULL, zip_write_cb, NULL) !=
	    ARCHIVE_OK)
		die(archive_error_string(z->a));
}

static void
zip_add(struct zip *z, const char *name, const void *p, size_t n,
    int store)
{
	struct archive_entry *e = archive_entry_new();

	if (e == NULL)
		die("out of memory");
	if (store)
		archive_write_zip_set_compression_store(z->a);
	else
		archive_write_zip_set_compression_deflate(z->a);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_mtime(e, FIXED_MTIME, 0);
	archive_entry_set_uid(e, 1000);
	archive_entry_set_gid(e, 1000);
	if (archive_write_header(z->a, e) != ARCHIVE_OK ||
	    archive_write_data(z->a, p, n) != (la_ssize_t)n)
		die(archive_error_string(z->a));
	archive_entry_free(e);
}

static void
zip_close(struct zip *z, const char *dir, const char *name)
{
	if (archive_write_close(z->a) != ARCHIVE_OK)
		die(archive_error_string(z->a));
	archive_write_free(z->a);
	write_file(dir, name, z->out.p, z->out.n);
	free(z->out.p);
}

/*
 * bad/zip-bomb.zip: a zip of zips of zips, 16 members at each level, the
 * leaves 256 KiB of one JSON line over and over: about 10 KB that expand
 * to 1 GiB, the shape of the 5.5 KB zip of zips that gives 10 GB.
 */
static void
zip_level(struct sb *out, const char *stem, const char *ext, const void *p,
    size_t n)
{
	struct zip z;
	char name[64];
	int i;

	zip_open(&z);
	for (i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "%s-%02d.%s", stem, i, ext);
		zip_add(&z, name, p, n, 0);
	}
	if (archive_write_close(z.a) != ARCHIVE_OK)
		die(archive_error_string(z.a));
	archive_write_free(z.a);
	*out = z.out;
}

static void
zip_bomb(const char *dir)
{
	static const char line[] = "{\"time\":\"2026-03-01T08:00:00Z\","
	    "\"user\":\"mallory\",\"action\":\"search\",\"query\":"
	    "\"bomb\"}\n";
	struct sb leaf = { 0 }, l1, l2, l3;

	while (leaf.n + sizeof(line) - 1 <= 256 << 10)
		sb_puts(&leaf, line);
	zip_level(&l1, "events", "jsonl", leaf.p, leaf.n);
	zip_level(&l2, "l1", "zip", l1.p, l1.n);
	zip_level(&l3, "l2", "zip", l2.p, l2.n);
	write_file(dir, "zip-bomb.zip", l3.p, l3.n);
	free(leaf.p);
	free(l1.p);
	free(l2.p);
	free(l3.p);
}

static void
cloudtrail_zip(const char *dir)
{
	static const int f1[] = { 0, 1, 2 }, f2[] = { 2, 3 }, f3[] = { 4, 0 };
	struct sb doc = { 0 }, gz = { 0 };
	struct zip z;

	zip_open(&z);
	ct_doc(&doc, f1, 3);
	gzip_member(&gz, doc.p, doc.n);
	zip_add(&z, "AWSLogs/123456789012/CloudTrail/us-east-1/2026/03/02/"
	    "123456789012_CloudTrail_us-east-1_20260302T1405Z_AbCdEf"
	    "0123456789.json.gz", gz.p, gz.n, 1);
	doc.n = gz.n = 0;
	/* Record 2 again: CloudTrail delivers at least once. */
	ct_doc(&doc, f2, 2);
	gzip_member(&gz, doc.p, doc.n);
	zip_add(&z, "AWSLogs/123456789012/CloudTrail/us-east-1/2026/03/02/"
	    "123456789012_CloudTrail_us-east-1_20260302T1410Z_XyZ987"
	    "6543210abc.json.gz", gz.p, gz.n, 1);
	doc.n = 0;
	ct_pretty(&doc, f3, 2);
	zip_add(&z, "manual/lookup-events-2026-03-02.json", doc.p, doc.n, 0);
	zip_close(&z, dir, "cloudtrail-records.zip");
	free(doc.p);
	free(gz.p);
}

/* ---- bad/ --------------------------------------------------------------- */

static void
truncated_gz(const char *dir)
{
	struct sb body = { 0 }, gz = { 0 };
	size_t cut;
	int i, kept;

	for (i = 0; i < 60; i++)
		audit3_at(&body, i, i % 3 ? "j.rivera" : "a.schmidt",
		    i % 2 ? "Marek Dudek" : "HH-MD 4471");
	gzip_member(&gz, body.p, body.n);
	/* Cut at 60% of the deflate data: mid-stream, no trailer. */
	cut = 10 + (gz.n - 18) * 6 / 10;
	kept = lines_before_cut(gz.p + 10, cut - 10);
	write_file(dir, "truncated.jsonl.gz", gz.p, cut);
	printf("bad/truncated.jsonl.gz\t60 records\t%d whole lines before "
	    "the cut\n", kept);
	free(body.p);
	free(gz.p);
}

/* What zlib gets out of a cut raw deflate stream, into out. */
static void
inflate_cut(const unsigned char *p, size_t n, struct sb *out)
{
	unsigned char buf[65536];
	z_stream z;
	int ret;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		die("inflateInit2");
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		ret = inflate(&z, Z_SYNC_FLUSH);
		sb_add(out, buf, sizeof(buf) - z.avail_out);
	} while (ret == Z_OK && z.avail_in > 0);
	inflateEnd(&z);
	if (ret == Z_STREAM_END)
		die("the cut stream is complete");
}

/* A CERT logon table, gzip'd, whose tail is cut off inside a row. */
static void
cut_tail_gz(const char *dir)
{
	static const char *const user[] = { "AVD0412", "KRN0733", "LBM0291" };
	struct sb body = { 0 }, gz = { 0 }, got = { 0 };
	char row[160];
	size_t cut, i, rows = 0, last = 0;
	int k;

	sb_puts(&body, "id,date,user,pc,activity\n");
	for (k = 0; k < 120; k++) {
		snprintf(row, sizeof(row), "{C%03d-T4IL%04d-%04dCUTG},"
		    "03/%02d/2026 %02d:%02d:%02d,%s,PC-%04d,%s\n", k,
		    k * 37 % 10000, k * 7919 % 10000, 2 + k / 40,
		    7 + k % 40 / 4, k * 13 % 60, k * 29 % 60, user[k % 3],
		    42 + k % 3 * 1145, k % 2 ? "Logoff" : "Logon");
		sb_puts(&body, row);
	}
	gzip_member(&gz, body.p, body.n);
	/* Cut at 70% of the deflate data: no trailer, a row cut mid-way. */
	cut = 10 + (gz.n - 18) * 7 / 10;
	inflate_cut(gz.p + 10, cut - 10, &got);
	if (got.n == 0 || got.p[got.n - 1] == '\n')
		die("the cut gzip ends between rows");
	for (i = 0; i < got.n; i++)
		if (got.p[i] == '\n') {
			rows++;
			last = i;
		}
	write_file(dir, "cut-tail.csv.gz", gz.p, cut);
	printf("bad/cut-tail.csv.gz\t120 rows\t%zu whole rows before the "
	    "cut, then %zu bytes of row %zu\n", rows - 1, got.n - last - 1,
	    rows);
	free(body.p);
	free(gz.p);
	free(got.p);
}

static void
corrupt_member_gz(const char *dir)
{
	struct sb m[3] = { { 0 } }, gz = { 0 };
	size_t start, i, len;
	int k;

	for (k = 0; k < 3; k++) {
		struct sb body = { 0 };
		int j;

		for (j = 0; j < 10; j++)
			audit3_at(&body, k * 10 + j, "s.novak",
			    "CASE-2026-0117");
		gzip_member(&m[k], body.p, body.n);
		free(body.p);
	}
	sb_add(&gz, m[0].p, m[0].n);
	start = gz.n;
	sb_add(&gz, m[1].p, m[1].n);
	sb_add(&gz, m[2].p, m[2].n);
	/* Overwrite the start of member 2's deflate data: 0xff is a block
	 * of the reserved type 3, so inflate fails at once. */
	len = 64;
	memset(gz.p + start + 10, 0xff, len);
	for (i = start + 1; i + 3 <= start + m[1].n; i++)
		if (gz.p[i] == 0x1f && gz.p[i + 1] == 0x8b &&
		    gz.p[i + 2] == 8)
			die("corrupt member holds a gzip magic");
	write_file(dir, "corrupt-member.jsonl.gz", gz.p, gz.n);
	printf("bad/corrupt-member.jsonl.gz\tmembers at 0, %zu, %zu\t"
	    "records 1-10 and 21-30 readable\n", m[0].n, m[0].n + m[1].n);
	for (k = 0; k < 3; k++)
		free(m[k].p);
	free(gz.p);
}

static void
invalid_json(const char *dir)
{
	struct sb b = { 0 };
	char t[64];

	audit3_at(&b, 1, "j.rivera", "Marek Dudek");
	/* A trailing comma in an object. */
	sb_puts(&b, "{\"type\":\"audit.3\",\"time\":\"2026-03-02T08:02:00."
	    "000000000Z\",\"uid\":\"j.rivera\",\"categories\":[\"dataSearch\"],"
	    "\"logEntryId\":\"bad-0002\",}\n");
	audit3_at(&b, 3, "j.rivera", "Jana Dudek");
	/* An escape JSON does not have. */
	sb_puts(&b, "{\"type\":\"audit.3\",\"time\":\"2026-03-02T08:04:00."
	    "000000000Z\",\"uid\":\"j.rivera\",\"categories\":[\"dataSearch\"],"
	    "\"logEntryId\":\"bad-0004\",\"requestFields\":"
	    "{\"dataSearchQuery\":\"C:\\Users\\qdudek\"}}\n");
	/* A string that never ends. */
	sb_puts(&b, "{\"type\":\"audit.3\",\"time\":\"2026-03-02T08:05:00."
	    "000000000Z\",\"uid\":\"j.rivera\",\"categories\":[\"dataSearch\"],"
	    "\"logEntryId\":\"bad-0005\",\"requestFields\":"
	    "{\"dataSearchQuery\":\"Marek Du}}\n");
	/* A raw control character (0x01) inside a string. */
	sb_puts(&b, "{\"type\":\"audit.3\",\"time\":\"2026-03-02T08:06:00."
	    "000000000Z\",\"uid\":\"j.rivera\",\"categories\":[\"dataSearch\"],"
	    "\"logEntryId\":\"bad-0006\",\"requestFields\":"
	    "{\"dataSearchQuery\":\"Marek\001Dudek\"}}\n");
	audit3_at(&b, 7, "a.schmidt", "HH-MD 4471");
	snprintf(t, sizeof(t), "2026-03-02T08:08:00.000000000Z");
	audit3(&b, 8, "a.schmidt", t, "CASE-2026-0117");
	write_file(dir, "invalid-json.jsonl", b.p, b.n);
	free(b.p);
}

static void
invalid_utf8(const char *dir)
{
	/* Valid JSON byte-wise, not valid UTF-8: a lone 0xff, a broken
	 * two-byte sequence, an overlong '/', a UTF-16 surrogate encoded
	 * in UTF-8 (CESU/WTF-8), and Latin-1 "Müller". */
	static const char *const q[] = {
		"Dudek \xff", "M\xc3\x28rek", "..\xc0\xaf..\xc0\xaf\x65tc",
		"\xed\xa0\x80 surrogate", "M\xfcller",
	};
	struct sb b = { 0 };
	size_t i;

	for (i = 0; i < sizeof(q) / sizeof(*q); i++)
		audit3_at(&b, 40 + (int)i, "d.weber", q[i]);
	write_file(dir, "invalid-utf8.jsonl", b.p, b.n);
	free(b.p);
}

static void
evil_zip(const char *dir)
{
	struct sb b = { 0 };
	struct zip z;
	int i;

	for (i = 0; i < 3; i++)
		audit3_at(&b, 50 + i, "t.klein", "Lena Hartmann");
	zip_open(&z);
	zip_add(&z, "../../evil.jsonl", b.p, b.n, 0);
	zip_close(&z, dir, "evil-path.zip");
	free(b.p);
}

/*
 * A user name with a NUL byte in it, "alice" NUL "evil", beside alice and
 * beside a user whose name is the escape the tools print for it, written
 * out ("alice\x00evil" with a backslash): JSON lines with the NUL as
 * \u0000, and a CSV table with the NUL as a raw byte.  The hidden user's
 * export is a bulk one, so that an alert names it; the user with the
 * backslash shares a dataset with alice and an address with the hidden
 * user, so that the similar users tell all three apart.
 */
static void
user_nul(const char *dir)
{
	static const char json[] =
	    "{\"time\":\"2026-03-02T08:00:00Z\",\"user\":\"alice\","
	    "\"session\":\"s-100\",\"action\":\"search\","
	    "\"query\":\"harbour permits\",\"src\":\"192.0.2.10\"}\n"
	    "{\"time\":\"2026-03-02T08:05:00Z\",\"user\":\"alice\","
	    "\"session\":\"s-100\",\"action\":\"view\","
	    "\"dataset\":\"permits-2026\",\"src\":\"192.0.2.10\"}\n"
	    "{\"time\":\"2026-03-02T09:00:00Z\",\"user\":\"alice\\u0000evil\","
	    "\"session\":\"s-200\",\"action\":\"search\","
	    "\"query\":\"Marek Dudek\",\"src\":\"198.51.100.7\"}\n"
	    "{\"time\":\"2026-03-02T09:02:00Z\",\"user\":\"alice\\u0000evil\","
	    "\"session\":\"s-200\",\"action\":\"export\","
	    "\"dataset\":\"persons-register\",\"count\":50000,"
	    "\"src\":\"198.51.100.7\"}\n"
	    "{\"time\":\"2026-03-02T10:00:00Z\",\"user\":\"alice\\\\x00evil\","
	    "\"session\":\"s-300\",\"action\":\"view\","
	    "\"dataset\":\"permits-2026\",\"src\":\"198.51.100.7\"}\n";
	static const char csv[] =
	    "time,user,action,dataset,src\n"
	    "2026-03-03T08:00:00Z,alice,view,permits-2026,192.0.2.10\n"
	    "2026-03-03T09:00:00Z,alice\0evil,export,persons-register,"
	    "198.51.100.7\n";

	write_file(dir, "user-nul.jsonl", json, sizeof(json) - 1);
	write_file(dir, "user-nul.csv", csv, sizeof(csv) - 1);
}

/*
 * A zip written field by field (PKWARE APPNOTE.TXT 4.3.7 local header,
 * 4.3.12 central directory header, 4.3.16 end of central directory), for
 * the damaged and encrypted members libarchive does not write: the flags
 * and the CRC are the caller's.  Unix attributes, the fixed mtime.
 */
struct rawzip {
	struct sb out, cd;
	unsigned n;
};

static void
put16(struct sb *b, unsigned v)
{
	unsigned char p[2] = { (unsigned char)v, (unsigned char)(v >> 8) };

	sb_add(b, p, 2);
}

static void
put32(struct sb *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static void
rawzip_add(struct rawzip *z, const char *name, unsigned flags,
    unsigned method, uint32_t crc, const void *p, size_t n, size_t usize)
{
	/* FIXED_MTIME as MS-DOS date and time: 2026-03-02 14:05:00. */
	const unsigned dtime = 14 << 11 | 5 << 5, ddate = (2026 - 1980) << 9 |
	    3 << 5 | 2;
	uint32_t at = (uint32_t)z->out.n;
	size_t len = strlen(name);

	put32(&z->out, 0x04034b50);
	put16(&z->out, 20);
	put16(&z->out, flags);
	put16(&z->out, method);
	put16(&z->out, dtime);
	put16(&z->out, ddate);
	put32(&z->out, crc);
	put32(&z->out, (uint32_t)n);
	put32(&z->out, (uint32_t)usize);
	put16(&z->out, (unsigned)len);
	put16(&z->out, 0);
	sb_add(&z->out, name, len);
	sb_add(&z->out, p, n);

	put32(&z->cd, 0x02014b50);
	put16(&z->cd, 3 << 8 | 20);	/* made by: Unix, 2.0 */
	put16(&z->cd, 20);
	put16(&z->cd, flags);
	put16(&z->cd, method);
	put16(&z->cd, dtime);
	put16(&z->cd, ddate);
	put32(&z->cd, crc);
	put32(&z->cd, (uint32_t)n);
	put32(&z->cd, (uint32_t)usize);
	put16(&z->cd, (unsigned)len);
	put16(&z->cd, 0);		/* extra */
	put16(&z->cd, 0);		/* comment */
	put16(&z->cd, 0);		/* disk */
	put16(&z->cd, 0);		/* internal attributes */
	put32(&z->cd, (uint32_t)0100644 << 16);
	put32(&z->cd, at);
	sb_add(&z->cd, name, len);
	z->n++;
}

static void
rawzip_close(struct rawzip *z, const char *dir, const char *name)
{
	uint32_t at = (uint32_t)z->out.n;

	sb_add(&z->out, z->cd.p, z->cd.n);
	put32(&z->out, 0x06054b50);
	put16(&z->out, 0);
	put16(&z->out, 0);
	put16(&z->out, z->n);
	put16(&z->out, z->n);
	put32(&z->out, (uint32_t)z->cd.n);
	put32(&z->out, at);
	put16(&z->out, 0);
	write_file(dir, name, z->out.p, z->out.n);
	free(z->out.p);
	free(z->cd.p);
	memset(z, 0, sizeof(*z));
}

/* Traditional PKWARE encryption (APPNOTE.TXT 6.1). */
struct zcrypt {
	uint32_t k[3];
};

static uint32_t
zc_crc(uint32_t c, unsigned char b)
{
	return (uint32_t)get_crc_table()[(c ^ b) & 0xff] ^ c >> 8;
}

static void
zc_update(struct zcrypt *z, unsigned char b)
{
	z->k[0] = zc_crc(z->k[0], b);
	z->k[1] = (z->k[1] + (z->k[0] & 0xff)) * 134775813u + 1;
	z->k[2] = zc_crc(z->k[2], (unsigned char)(z->k[1] >> 24));
}

static unsigned char
zc_byte(struct zcrypt *z, unsigned char b)
{
	unsigned t = (z->k[2] | 2) & 0xffff;
	unsigned char c = (unsigned char)(b ^ ((t * (t ^ 1)) >> 8));

	zc_update(z, b);
	return c;
}

/* A zip of two members: an audit.3 log encrypted with the password
 * "fixture" (stored; `unzip -P fixture` reads it), and one that is not. */
static void
encrypted_zip(const char *dir)
{
	struct sb plain = { 0 }, enc = { 0 }, open_ = { 0 };
	struct rawzip z = { 0 };
	struct zcrypt zc = { { 0x12345678, 0x23456789, 0x34567890 } };
	const char *pw = "fixture";
	unsigned char hdr[12], c;
	uint32_t crc;
	size_t i;
	int k;

	for (k = 0; k < 4; k++)
		audit3_at(&plain, 60 + k, "m.vogel", "Marek Dudek");
	for (k = 0; k < 2; k++)
		audit3_at(&open_, 64 + k, "m.vogel", "CASE-2026-0117");
	crc = (uint32_t)crc32(0L, plain.p, (uInt)plain.n);
	for (i = 0; pw[i] != '\0'; i++)
		zc_update(&zc, (unsigned char)pw[i]);
	/* The header's first 11 bytes are random when a tool writes it;
	 * here fixed, so the file is the same on every run.  The last one
	 * is the CRC's high byte, which the password check compares. */
	for (i = 0; i < 11; i++)
		hdr[i] = (unsigned char)(0x5a + 17 * i);
	hdr[11] = (unsigned char)(crc >> 24);
	for (i = 0; i < sizeof(hdr); i++) {
		c = zc_byte(&zc, hdr[i]);
		sb_add(&enc, &c, 1);
	}
	for (i = 0; i < plain.n; i++) {
		c = zc_byte(&zc, plain.p[i]);
		sb_add(&enc, &c, 1);
	}
	rawzip_add(&z, "dudek-searches.jsonl", 1, 0, crc, enc.p, enc.n,
	    plain.n);
	rawzip_add(&z, "case-searches.jsonl", 0, 0,
	    (uint32_t)crc32(0L, open_.p, (uInt)open_.n), open_.p, open_.n,
	    open_.n);
	rawzip_close(&z, dir, "encrypted-member.zip");
	free(plain.p);
	free(enc.p);
	free(open_.p);
}

/* A deflated member whose recorded CRC is not its data's: libarchive
 * reads it all and says "ZIP bad CRC" with the last (here the only)
 * block of data. */
static void
bad_crc_zip(const char *dir)
{
	struct sb body = { 0 }, def = { 0 };
	struct rawzip z = { 0 };
	uint32_t crc;
	int k;

	for (k = 0; k < 5; k++)
		audit3_at(&body, 70 + k, "p.lange", "HH-MD 4471");
	deflate_raw(&def, body.p, body.n);
	crc = (uint32_t)crc32(0L, body.p, (uInt)body.n);
	rawzip_add(&z, "lange-searches.jsonl", 0, 8, crc ^ 0xff, def.p, def.n,
	    body.n);
	rawzip_close(&z, dir, "bad-crc.zip");
	printf("bad/bad-crc.zip\t5 records, %zu bytes\tCRC 0x%08lx recorded "
	    "as 0x%08lx\n", body.n, (unsigned long)crc,
	    (unsigned long)(crc ^ 0xff));
	free(body.p);
	free(def.p);
}

/* Zips inside zips, nine deep: one more than the walk reads. */
static void
nested_zip(const char *dir)
{
	struct sb cur = { 0 };
	struct zip z;
	char name[64], inner[64];
	int k;

	for (k = 0; k < 2; k++)
		audit3_at(&cur, 80 + k, "r.krause", "Lena Hartmann");
	snprintf(inner, sizeof(inner), "krause-searches.jsonl");
	for (k = 1; k <= 9; k++) {
		zip_open(&z);
		zip_add(&z, inner, cur.p, cur.n, 1);
		if (archive_write_close(z.a) != ARCHIVE_OK)
			die(archive_error_string(z.a));
		archive_write_free(z.a);
		free(cur.p);
		cur = z.out;
		snprintf(name, sizeof(name), "level%d.zip", k);
		snprintf(inner, sizeof(inner), "%s", name);
	}
	write_file(dir, "nested-deep.zip", cur.p, cur.n);
	free(cur.p);
}

/*
 * Member names that hold the origin's separator: "x.zip!y.jsonl" beside a
 * member "x.zip" that is a zip holding "y.jsonl" (joined with '!', both
 * would be "bang-names.zip!x.zip!y.jsonl"), and names holding the escape
 * itself ("100%21.jsonl") and a lone '%' ("50%.jsonl").
 */
static void
bang_zip(const char *dir)
{
	struct sb a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	struct zip z, in;

	audit3_at(&a, 90, "h.berger", "outer member");
	audit3_at(&b, 91, "i.schulz", "inner member");
	audit3_at(&c, 92, "j.wolf", "escape in the name");
	audit3_at(&d, 93, "k.roth", "percent in the name");
	zip_open(&in);
	zip_add(&in, "y.jsonl", b.p, b.n, 1);
	if (archive_write_close(in.a) != ARCHIVE_OK)
		die(archive_error_string(in.a));
	archive_write_free(in.a);
	zip_open(&z);
	zip_add(&z, "x.zip!y.jsonl", a.p, a.n, 1);
	zip_add(&z, "x.zip", in.out.p, in.out.n, 1);
	zip_add(&z, "100%21.jsonl", c.p, c.n, 1);
	zip_add(&z, "50%.jsonl", d.p, d.n, 1);
	zip_close(&z, dir, "bang-names.zip");
	free(a.p);
	free(b.p);
	free(c.p);
	free(d.p);
	free(in.out.p);
}

int
main(int argc, char **argv)
{
	char formats[4096], bad[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: make-fixtures OUTDIR\n");
		return 2;
	}
	snprintf(formats, sizeof(formats), "%s/formats", argv[1]);
	snprintf(bad, sizeof(bad), "%s/bad", argv[1]);
	mkdirs(formats);
	mkdirs(bad);
	cloudtrail_zip(formats);
	truncated_gz(bad);
	cut_tail_gz(bad);
	corrupt_member_gz(bad);
	invalid_json(bad);
	invalid_utf8(bad);
	evil_zip(bad);
	zip_bomb(bad);
	encrypted_zip(bad);
	bad_crc_zip(bad);
	nested_zip(bad);
	bang_zip(bad);
	write_file(bad, "empty.jsonl", "", 0);
	user_nul(bad);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write error");
	return 0;
}
