/* test-split.c: lines, CSV records and JSON values out of a log. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "internal.h"
#include "check.h"

static char dir[64];
static int nfile;

static void
gzip_to(struct sl_buf *b, const void *p, size_t n)
{
	z_stream z;
	size_t bound;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	bound = deflateBound(&z, n) + 32;
	sl_buf_grow(b, bound);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)b->p + b->n;
	z.avail_out = (uInt)bound;
	deflate(&z, Z_FINISH);
	b->n += bound - z.avail_out;
	deflateEnd(&z);
}

/*
 * Split the bytes p (a file of their own) in mode; records as
 * "line@offset[flags] text|" into out (flags L too long, C cut, U without
 * its line end), "D|" for SL_EDISCONT, "E|" and the message for an error,
 * and "Rn@offset what|" for repaired JSON.  mode -1: choose by
 * sl_split_peek as the reader does.
 */
static void
split(const void *p, size_t n, int mode, size_t max, struct sl_buf *out)
{
	struct sl_walk *w;
	struct sl_walk_item it;
	struct sl_split *sp;
	struct sl_record r;
	char path[128];
	const char *paths[1] = { path };
	FILE *fp;
	const char *what;
	uint64_t nrep, first;
	int rc, c;

	snprintf(path, sizeof(path), "%s/f%d", dir, nfile++);
	fp = fopen(path, "wb");
	fwrite(p, 1, n, fp);
	fclose(fp);
	sl_buf_reset(out);
	w = sl_walk_new(paths, 1, NULL);
	CHECK_INT(sl_walk_next(w, &it), 1);
	CHECK_INT(it.type, SL_WALK_LOG);
	sp = sl_split_new(it.stream, mode < 0 ? SL_SPLIT_LINES : mode, max);
	c = sl_split_peek(sp);
	if (mode < 0 && (c == '{' || c == '['))
		sl_split_set_mode(sp, SL_SPLIT_JSON);
	while ((rc = sl_split_next(sp, &r)) != 0) {
		if (rc == SL_EDISCONT) {
			sl_buf_adds(out, "D|");
			continue;
		}
		if (rc < 0) {
			sl_buf_adds(out, "E|");
			break;
		}
		sl_buf_printf(out, "%llu@%llu", (unsigned long long)r.line,
		    (unsigned long long)r.offset);
		if (r.flags & SL_REC_TOOLONG)
			sl_buf_adds(out, "L");
		if (r.flags & SL_REC_CUT)
			sl_buf_adds(out, "C");
		if (r.flags & SL_REC_UNTERM)
			sl_buf_adds(out, "U");
		sl_buf_printf(out, " %.*s|", (int)r.n, r.p);
	}
	if (rc < 0 && rc != SL_EDISCONT)
		sl_buf_printf(out, "%s", sl_split_error(sp));
	if ((nrep = sl_split_repairs(sp, &first, &what)) > 0)
		sl_buf_printf(out, "R%llu@%llu %s|", (unsigned long long)nrep,
		    (unsigned long long)first, what);
	sl_split_free(sp);
	sl_walk_free(w);
	unlink(path);
}

#define SPLIT(s, mode, max, want)					\
	do {								\
		split(s, sizeof(s) - 1, mode, max, &out);		\
		CHECK_MEM(out.p, out.n, want);				\
	} while (0)

/* ---- the block scan of JSON values against the bytewise one --------------- */

static uint64_t rnd_x = 0x2545f4914f6cdd1dull;

static unsigned
rnd(unsigned n)
{
	rnd_x ^= rnd_x << 13;
	rnd_x ^= rnd_x >> 7;
	rnd_x ^= rnd_x << 17;
	return (unsigned)(rnd_x >> 11) % n;
}

/* A string, often longer than a block: brackets, quotes escaped,
 * backslashes, \u escapes, now and then a raw newline (malformed). */
static void
gen_string(struct sl_buf *b)
{
	static const char *const bits[] = {
		"a", "Lena Hartmann", "{", "}", "[", "]", "\\\"", "\\\\",
		"\\u00e9", "\\/", ",", ":", " ", "x.y123", "\xc3\xa9", "\\n",
		"0123456789abcdef0123456789abcdef",
	};
	unsigned i, n = rnd(4) == 0 ? 20 + rnd(60) : rnd(8);

	sl_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		if (rnd(400) == 0)
			sl_buf_addc(b, '\n');
		else
			sl_buf_adds(b, bits[rnd(SL_ARRAY_LEN(bits))]);
	}
	sl_buf_addc(b, '"');
}

/* Blanks between tokens: none, spaces, or a newline and an indent (as a
 * pretty-printed record has). */
static void
gen_blank(struct sl_buf *b, int pretty)
{
	if (pretty && rnd(2) == 0)
		sl_buf_adds(b, rnd(2) ? "\n  " : "\r\n\t");
	else if (rnd(5) == 0)
		sl_buf_adds(b, " ");
}

static void
gen_value(struct sl_buf *b, int depth, int pretty)
{
	unsigned i, n, k = depth > 4 ? 2 + rnd(3) : rnd(6);

	switch (k) {
	case 0:
	case 1:
		sl_buf_addc(b, k == 0 ? '{' : '[');
		n = rnd(depth == 0 ? 24 : 6);
		for (i = 0; i < n; i++) {
			if (i > 0)
				sl_buf_addc(b, ',');
			gen_blank(b, pretty);
			if (k == 0) {
				gen_string(b);
				sl_buf_addc(b, ':');
				gen_blank(b, 0);
			}
			gen_value(b, depth + 1, pretty);
		}
		gen_blank(b, pretty);
		sl_buf_addc(b, k == 0 ? '}' : ']');
		break;
	case 2:
	case 3:
		gen_string(b);
		break;
	case 4:
		sl_buf_adds(b, rnd(2) ? "12345" : "-0.5e3");
		break;
	default:
		sl_buf_adds(b, rnd(2) ? "true" : "null");
		break;
	}
}

/*
 * Logs of JSON records, one a line, pretty-printed, in a top-level array
 * or a "Records" wrapper, then damaged now and then (a byte changed, cut,
 * or dropped: brackets and quotes lost, records running into each other),
 * split with the block scan and without: the same records, lines,
 * offsets, flags and repairs.
 */
static void
test_blocks(void)
{
	struct sl_buf log = { 0 }, a = { 0 }, b = { 0 };
	unsigned round, i, n, wrap, pretty;
	size_t max, at;

	for (round = 0; round < 400; round++) {
		sl_buf_reset(&log);
		wrap = rnd(6);
		pretty = rnd(3) == 0;
		n = round % 50 == 0 ? 2000 : 1 + rnd(30);
		if (wrap == 0)
			sl_buf_adds(&log, "[\n");
		else if (wrap == 1)
			sl_buf_adds(&log, "{\"Records\": [");
		for (i = 0; i < n; i++) {
			if (i > 0 && wrap <= 1)
				sl_buf_addc(&log, ',');
			sl_buf_addc(&log, '{');
			gen_blank(&log, pretty);
			sl_buf_adds(&log, "\"uid\":");
			gen_string(&log);
			sl_buf_addc(&log, ',');
			gen_blank(&log, pretty);
			sl_buf_adds(&log, "\"v\":");
			gen_value(&log, 0, pretty);
			gen_blank(&log, pretty);
			sl_buf_addc(&log, '}');
			sl_buf_addc(&log, '\n');
		}
		if (wrap == 0)
			sl_buf_adds(&log, "]\n");
		else if (wrap == 1)
			sl_buf_adds(&log, "]}\n");
		for (i = rnd(4) == 0 ? 1 + rnd(8) : 0; i > 0 && log.n > 0;
		    i--) {
			at = rnd((unsigned)log.n);
			switch (rnd(3)) {
			case 0:
				log.p[at] = "{}[]\"\\\n x"[rnd(9)];
				break;
			case 1:
				memmove(log.p + at, log.p + at + 1,
				    log.n - at - 1);
				log.n--;
				break;
			default:
				log.n = at;
				break;
			}
		}
		max = rnd(4) == 0 ? 64 + rnd(400) : 0;
		sl_split_blocks = 1;
		split(log.p, log.n, -1, max, &a);
		sl_split_blocks = 0;
		split(log.p, log.n, -1, max, &b);
		sl_split_blocks = 1;
		CHECK(a.n == b.n && memcmp(a.p, b.p, a.n) == 0);
		if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0) {
			fprintf(stderr, "  round %u: the log (%zu bytes) split "
			    "differently with the block scan\n", round,
			    log.n);
			break;
		}
	}
	sl_buf_release(&log);
	sl_buf_release(&a);
	sl_buf_release(&b);
}

int
main(void)
{
	struct sl_buf out = { 0 }, big = { 0 }, gz = { 0 };
	const char *q;
	size_t i, m1;

	strcpy(dir, "/tmp/test-split-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 2;

	/* Lines: CRLF, blank lines counted but skipped, no final LF (the
	 * last line is told to be without its line end). */
	SPLIT("a\r\nb\n\n  \n\t\r\nc", SL_SPLIT_LINES, 0,
	    "1@0 a|2@3 b|6@12U c|");
	SPLIT("a\nb  \n \n", SL_SPLIT_LINES, 0, "1@0 a|2@2 b  |");
	SPLIT("", SL_SPLIT_LINES, 0, "");
	SPLIT("\n\n", SL_SPLIT_LINES, 0, "");
	SPLIT("  lead\n", SL_SPLIT_LINES, 0, "1@0   lead|");
	/* A UTF-8 byte order mark is not part of the first record. */
	SPLIT("\xef\xbb\xbf{\"a\":1}\n", -1, 0, "1@3 {\"a\":1}|");

	/* Too long: a prefix, the rest skipped, the next line intact. */
	SPLIT("abcdefghij\nxy\n", SL_SPLIT_LINES, 4, "1@0L abcd|2@11 xy|");
	SPLIT("{\"a\":\"b}cdef\"}\n{\"d\":1}", SL_SPLIT_JSON, 8,
	    "1@0L {\"a\":\"b}|2@15 {\"d\":1}|");
	sl_buf_reset(&big);
	for (i = 0; i < 3000000; i++)
		sl_buf_addc(&big, 'x');
	sl_buf_adds(&big, "\nlast\n");
	split(big.p, big.n, SL_SPLIT_LINES, 1000, &out);
	CHECK(out.n > 1000 && strncmp(out.p, "1@0L xxx", 8) == 0);
	CHECK(strstr(out.p, "|2@3000001 last|") != NULL);

	/* CSV: quoted newlines stay in the record; "" is a quote; a quote
	 * inside an unquoted field is text and opens nothing. */
	SPLIT("h1,h2\r\n1,\"x\ny\"\r\n2,\"a\"\"\nb\"\n3,5\" tv\n4,z\n",
	    SL_SPLIT_CSV, 0,
	    "1@0 h1,h2|2@7 1,\"x\ny\"|4@16 2,\"a\"\"\nb\"|6@26 3,5\" tv|"
	    "7@34 4,z|");
	SPLIT("a,\"open\nb\n", SL_SPLIT_CSV, 0, "1@0C a,\"open\nb|");
	SPLIT("h\n1,\"a\nb\",Logo", SL_SPLIT_CSV, 0,
	    "1@0 h|2@2U 1,\"a\nb\",Logo|");

	/* JSON: NDJSON, pretty objects, arrays and wrappers. */
	SPLIT("{\"a\":1}\n{\"b\":\"}\\\"{\"}\n", -1, 0,
	    "1@0 {\"a\":1}|2@8 {\"b\":\"}\\\"{\"}|");
	SPLIT("{\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}\n{\n \"c\": 3\n}\n",
	    -1, 0, "1@0 {\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}|"
	    "6@33 {\n \"c\": 3\n}|");
	SPLIT("[{\"a\":1},\n {\"b\":[2]}, 3, \"s\"]", -1, 0,
	    "1@1 {\"a\":1}|2@11 {\"b\":[2]}|2@22 3|2@25 \"s\"|");
	SPLIT("{\"Records\":[{\"a\":1},{\"b\":2}],\"x\":{\"y\":[]}}\n"
	    "{\"c\":3}", -1, 0,
	    "1@12 {\"a\":1}|1@20 {\"b\":2}|2@43 {\"c\":3}|");
	SPLIT("{\n  \"Records\" : [\n    {\n      \"a\": 1\n    }\n  ]\n}\n",
	    -1, 0, "3@22 {\n      \"a\": 1\n    }|");
	SPLIT("{\"Recordsx\":[1]}", -1, 0, "1@0 {\"Recordsx\":[1]}|");
	SPLIT("{\"value\":[]}{\"data\":7}", -1, 0, "1@12 {\"data\":7}|");
	/* A record that does not end: cut.  A broken NDJSON line does not
	 * swallow the lines after it. */
	SPLIT("{\"a\":1}\n{\"b\":[1,", -1, 0, "1@0 {\"a\":1}|2@8C {\"b\":[1,|");
	SPLIT("{\"a\":\"x\n{\"b\":1}\n{\"c\":{\n{\"d\":2}\n", -1, 0,
	    "1@0 {\"a\":\"x|2@8 {\"b\":1}|3@16 {\"c\":{|4@23 {\"d\":2}|");
	SPLIT("junk here\n{\"a\":1}", -1, 0, "1@0 junk here|2@10U {\"a\":1}|");
	SPLIT("{\"a\":1}\n\"bare", -1, 0, "1@0 {\"a\":1}|2@8C \"bare|");
	SPLIT("{\"a\":1}\nbare ", -1, 0, "1@0 {\"a\":1}|2@8U bare|");

	/* Malformed JSON read as meant, and told; values side by side at
	 * the top are well formed. */
	SPLIT("{\"Records\":[{\"a\":1}{\"b\":2} {\"c\":3},\n]}", -1, 0,
	    "1@12 {\"a\":1}|1@19 {\"b\":2}|1@27 {\"c\":3}|"
	    "R3@19 no comma between array elements|");
	SPLIT("[1,,2]\n[,3]", -1, 0,
	    "1@1 1|1@4 2|2@9 3|R2@3 a comma with no array element before "
	    "it|");
	SPLIT("[{\"a\":1},]", -1, 0,
	    "1@1 {\"a\":1}|R1@8 a comma before the end of an array|");
	SPLIT("{\"a\":1}{\"b\":2}\n{\"c\":3} [4]\n", -1, 0,
	    "1@0 {\"a\":1}|1@7 {\"b\":2}|2@15 {\"c\":3}|2@24 4|");
	SPLIT("{\"a\":1},\n{\"b\":2}]", -1, 0,
	    "1@0 {\"a\":1}|2@9 {\"b\":2}|R2@7 a comma between top-level "
	    "values|");

	/* Lost data: the cut record, SL_EDISCONT, then the next record. */
	sl_buf_reset(&big);
	for (i = 0; i < 300; i++)
		sl_buf_printf(&big, "{\"n\":%zu,\"pad\":\"%zx\"}\n", i,
		    i * 2654435761u);
	sl_buf_reset(&gz);
	gzip_to(&gz, big.p, 100 * 0 + (size_t)(strstr(big.p, "{\"n\":100,") -
	    big.p));
	m1 = gz.n;
	gzip_to(&gz, strstr(big.p, "{\"n\":100,"), (size_t)(strstr(big.p,
	    "{\"n\":200,") - strstr(big.p, "{\"n\":100,")));
	gzip_to(&gz, strstr(big.p, "{\"n\":200,"), (size_t)(big.p + big.n -
	    strstr(big.p, "{\"n\":200,")));
	memset(gz.p + m1 + 10, 0xff, 16);
	split(gz.p, gz.n, -1, 0, &out);
	CHECK(strstr(out.p, "{\"n\":99,") != NULL);
	CHECK(strstr(out.p, "{\"n\":100,") == NULL);
	CHECK(strstr(out.p, "|D|") != NULL);
	CHECK(strstr(out.p, "{\"n\":200,") != NULL);
	CHECK(strstr(out.p, "{\"n\":299,") != NULL);
	/* Damage in the middle of a member: the partial line is cut. */
	gz.n = 0;
	gzip_to(&gz, big.p, big.n / 2);
	m1 = gz.n;
	gzip_to(&gz, big.p + big.n / 2, big.n - big.n / 2);
	memset(gz.p + m1 / 2, 0xaa, 40);
	split(gz.p, gz.n, SL_SPLIT_LINES, 0, &out);
	CHECK(strstr(out.p, "|D|") != NULL);
	CHECK(strstr(out.p, "{\"n\":299,") != NULL);
	/* Truncated: whole records kept, the cut one handed out cut (its
	 * line end is lost with the rest, in whatever mode), then the
	 * error. */
	gz.n = 0;
	gzip_to(&gz, big.p, big.n);
	gz.n = gz.n / 2;
	split(gz.p, gz.n, -1, 0, &out);
	CHECK(strstr(out.p, "{\"n\":1,") != NULL);
	CHECK(strstr(out.p, "C {\"n\":") != NULL);
	q = strstr(out.p, "C {\"n\":");
	CHECK(q != NULL && strchr(q, '|') == strstr(out.p, "|E|"));
	CHECK(strstr(out.p, "|E|truncated gzip data at compressed byte ") !=
	    NULL);
	split(gz.p, gz.n, SL_SPLIT_LINES, 0, &out);
	q = strstr(out.p, "C {\"n\":");
	CHECK(q != NULL && strchr(q, '|') == strstr(out.p, "|E|"));

	test_blocks();

	sl_buf_release(&out);
	sl_buf_release(&big);
	sl_buf_release(&gz);
	rmdir(dir);
	return check_done("split");
}
