/* test-prefilter.c: literals of patterns and the byte tests on records. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

/* The literal of pat under flags, or "" for none. */
static char lit[256];

static const char *
literal(const char *pat, unsigned flags)
{
	char *out;
	size_t n;
	int rc;

	rc = sl_prefilter_literal(pat, strlen(pat), flags, &out, &n);
	if (rc <= 0)
		return "";
	snprintf(lit, sizeof(lit), "%.*s", (int)n, out);
	free(out);
	return lit;
}

static int
pass(const struct sl_prefilter *pf, const char *rec)
{
	return sl_prefilter_pass(pf, rec, strlen(rec));
}

static size_t
rows(const struct sl_prefilter *pf, const char *p, unsigned char *found)
{
	return sl_prefilter_rows(pf, p, strlen(p), found);
}

/* A group of whole user names: is_one takes whole values only. */
static void
whole_names(void)
{
	static const char *const few[] = { "alice", "bob", "x.y" };
	struct sl_prefilter *pf;
	char name[32];
	int i;

	/* Few names, one of them shorter than 4 bytes: no table. */
	pf = sl_prefilter_new();
	CHECK(pf != NULL && sl_prefilter_group(pf) == 0);
	for (i = 0; i < 3; i++)
		CHECK_INT(sl_prefilter_add(pf, SL_FIELD_USER, few[i],
		    strlen(few[i]), SL_PREFILTER_WHOLE), 0);
	CHECK(sl_prefilter_exact(pf, SL_FIELD_USER));
	CHECK(!sl_prefilter_exact(pf, SL_FIELD_KEY));
	CHECK(sl_prefilter_is_one(pf, "alice", 5));
	CHECK(sl_prefilter_is_one(pf, "x.y", 3));
	CHECK(!sl_prefilter_is_one(pf, "alic", 4));
	CHECK(!sl_prefilter_is_one(pf, "alice2", 6));
	CHECK(!sl_prefilter_is_one(pf, "", 0));
	/* A literal that is a piece, not a whole value: not exact. */
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_USER, "carol", 5, 0), 0);
	CHECK(!sl_prefilter_exact(pf, SL_FIELD_USER));
	sl_prefilter_free(pf);

	/* Many names of 4 bytes or more: the table. */
	pf = sl_prefilter_new();
	CHECK(pf != NULL && sl_prefilter_group(pf) == 0);
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "user.%d", i * 7);
		CHECK_INT(sl_prefilter_add(pf, SL_FIELD_USER, name,
		    strlen(name), SL_PREFILTER_WHOLE), 0);
	}
	CHECK(sl_prefilter_exact(pf, SL_FIELD_USER));
	CHECK(sl_prefilter_is_one(pf, "user.0", 6));
	CHECK(sl_prefilter_is_one(pf, "user.273", 8));
	CHECK(!sl_prefilter_is_one(pf, "user.27", 7));	/* a prefix */
	CHECK(!sl_prefilter_is_one(pf, "user.2733", 9));
	CHECK(!sl_prefilter_is_one(pf, "use", 3));
	/* Two groups: not one set of names. */
	CHECK_INT(sl_prefilter_group(pf), 0);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_USER, "dave", 4,
	    SL_PREFILTER_WHOLE), 0);
	CHECK(!sl_prefilter_exact(pf, SL_FIELD_USER));
	sl_prefilter_free(pf);

	/* Case-folded names are no exact set. */
	pf = sl_prefilter_new();
	CHECK(pf != NULL && sl_prefilter_group(pf) == 0);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_USER, "alice", 5,
	    SL_PREFILTER_WHOLE | SL_MATCH_ICASE), 0);
	CHECK(!sl_prefilter_exact(pf, SL_FIELD_USER));
	sl_prefilter_free(pf);
}

int
main(void)
{
	struct sl_prefilter *pf;

	/* Literals: plain text, escaped punctuation, -F; no regex. */
	CHECK(strcmp(literal("Lena Hartmann", 0), "Lena Hartmann") == 0);
	CHECK(strcmp(literal("HL\\-XA\\ 1399", 0), "HL-XA 1399") == 0);
	CHECK(strcmp(literal("a.b", 0), "") == 0);
	CHECK(strcmp(literal("a.b", SL_MATCH_FIXED), "a.b") == 0);
	CHECK(strcmp(literal("\\d+", 0), "") == 0);
	CHECK(strcmp(literal("\\Qx\\E", 0), "") == 0);
	CHECK(strcmp(literal("x\\", 0), "") == 0);
	CHECK(strcmp(literal("", 0), "") == 0);
	CHECK(strcmp(literal("(?i)x", 0), "") == 0);

	pf = sl_prefilter_new();
	CHECK(pf != NULL);
	/* A literal before any group, and bytes that escapes could hide. */
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "x", 1, 0), -EINVAL);
	CHECK_INT(sl_prefilter_group(pf), 0);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "a\"b", 3, 0), -EINVAL);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "a\tb", 3, 0), -EINVAL);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "\xc3\xa9", 2,
	    SL_MATCH_ICASE), -EINVAL);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_SESSION, "x", 1, 0), -EINVAL);
	/* One group of two: either literal passes. */
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "Lena Hartmann", 13, 0),
	    0);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "HL-XA", 5, 0), 0);
	CHECK_INT(sl_prefilter_fields(pf), 1u << SL_FIELD_QUERY |
	    1u << SL_FIELD_RESOURCE | 1u << SL_FIELD_PURPOSE |
	    1u << SL_FIELD_SRC);
	CHECK(pass(pf, "{\"q\":\"Lena Hartmann\"}"));
	CHECK(pass(pf, "{\"q\":\"HL-XA 1399\"}"));
	CHECK(!pass(pf, "{\"q\":\"LENA HARTMANN\"}"));
	CHECK(!pass(pf, "{\"q\":\"Lena\"}"));
	/* A JSON escape may hide it. */
	CHECK(pass(pf, "{\"q\":\"Lena Hartm\\u0061nn\"}"));
	/* A second group: both must pass. */
	CHECK_INT(sl_prefilter_group(pf), 0);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_RESOURCE, "persons", 7,
	    SL_MATCH_ICASE), 0);
	CHECK(!pass(pf, "{\"q\":\"Lena Hartmann\"}"));
	CHECK(pass(pf, "{\"q\":\"Lena Hartmann\",\"r\":\"/PERSONS\"}"));
	/* s folds with LONG S beyond ASCII: a record with such bytes
	 * passes the group. */
	CHECK(pass(pf, "{\"q\":\"Lena Hartmann\",\"r\":\"per\xc5\xbfons\"}"));
	/* Any byte beyond ASCII, as a byte search cannot tell. */
	CHECK(pass(pf, "{\"q\":\"Lena Hartmann\",\"r\":\"p\xc3\xa9r\"}"));
	sl_prefilter_free(pf);

	/* -i: ASCII case; a literal without k or s ignores other bytes. */
	pf = sl_prefilter_new();
	CHECK_INT(sl_prefilter_group(pf), 0);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "hartmann", 8,
	    SL_MATCH_ICASE), 0);
	CHECK(pass(pf, "xx HARTMANN"));
	CHECK(pass(pf, "HaRtMaNn"));
	CHECK(!pass(pf, "hartman"));
	CHECK(!pass(pf, "h\xc3\xa4rtmann"));
	sl_prefilter_free(pf);

	/* KELVIN SIGN is k under Unicode's folding. */
	pf = sl_prefilter_new();
	CHECK_INT(sl_prefilter_group(pf), 0);
	CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "krause", 6,
	    SL_MATCH_ICASE), 0);
	CHECK(pass(pf, "\xe2\x84\xaarause"));
	CHECK(pass(pf, "KRAUSE"));
	CHECK(!pass(pf, "rause"));
	sl_prefilter_free(pf);
	sl_prefilter_free(NULL);

	/* The rows of a case: values verbatim, TSV escapes no literal
	 * holds, so a backslash does not pass a row; groups are found in
	 * pieces and stay found. */
	{
		unsigned char found[2];

		pf = sl_prefilter_new();
		CHECK_INT(sl_prefilter_groups(pf), 0);
		CHECK_INT(sl_prefilter_group(pf), 0);
		CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "Lena Hartmann",
		    13, 0), 0);
		CHECK_INT(sl_prefilter_add(pf, SL_FIELD_TEXT, "HL-XA", 5, 0),
		    0);
		CHECK_INT(sl_prefilter_group(pf), 0);
		CHECK_INT(sl_prefilter_add(pf, SL_FIELD_RESOURCE, "persons",
		    7, SL_MATCH_ICASE), 0);
		CHECK_INT(sl_prefilter_groups(pf), 2);
		CHECK_INT(sl_prefilter_longest(pf), 13);
		memset(found, 0, sizeof(found));
		/* TSV escapes and a JSON one in the raw column: not the
		 * value, and no fall back to passing. */
		CHECK_INT(rows(pf, "a\\\\b\\tLena Hartm\\u0061nn", found), 0);
		CHECK_INT(rows(pf, "q\\tLena Hartmann\\n", found), 1);
		CHECK_INT(found[0], 1);
		CHECK_INT(found[1], 0);
		/* The second group in another piece. */
		CHECK_INT(rows(pf, "/data/PERSONS", found), 2);
		/* s may be LONG S: a byte beyond ASCII passes the group,
		 * TSV's \x escapes of control characters do not. */
		memset(found, 0, sizeof(found));
		CHECK_INT(rows(pf, "pers\\x01ons", found), 0);
		CHECK_INT(rows(pf, "per\xc5\xbfons", found), 1);
		CHECK_INT(found[1], 1);
		CHECK_INT(found[0], 0);
		sl_prefilter_free(pf);
	}

	/* Many exact literals of a group (the names or keys of a second
	 * reading) are searched by a table: each found wherever it is,
	 * with shared first bytes, a literal at the record's end, and a
	 * short one beside them. */
	{
		static const char *const keys[] = {
			"11111111-0000-4000-8000-000000000001",
			"11111111-0000-4000-8000-000000000002",
			"22222222-aaaa", "9999", "José", "ops/bot",
		};
		char rec[128];
		size_t i;

		pf = sl_prefilter_new();
		CHECK_INT(sl_prefilter_group(pf), 0);
		for (i = 0; i < SL_ARRAY_LEN(keys); i++)
			CHECK_INT(sl_prefilter_add(pf, SL_FIELD_KEY, keys[i],
			    strlen(keys[i]), 0), 0);
		/* Enough more for the table (and a shorter one after
		 * longer ones, which shortens its window). */
		for (i = 0; i < 24; i++) {
			snprintf(rec, sizeof(rec), "%02zu-0000-4000-8000-%012zu",
			    i, i * 7919);
			CHECK_INT(sl_prefilter_add(pf, SL_FIELD_KEY, rec,
			    strlen(rec), 0), 0);
		}
		CHECK_INT(sl_prefilter_add(pf, SL_FIELD_USER, "Anna.K", 6, 0),
		    0);
		CHECK_INT(sl_prefilter_fields(pf), 1u << SL_FIELD_KEY |
		    1u << SL_FIELD_USER);
		for (i = 0; i < SL_ARRAY_LEN(keys); i++) {
			snprintf(rec, sizeof(rec), "{\"id\":\"%s\"}", keys[i]);
			CHECK(pass(pf, rec));
			snprintf(rec, sizeof(rec), "x%s", keys[i]);
			CHECK(pass(pf, rec));
		}
		for (i = 0; i < 24; i++) {
			snprintf(rec, sizeof(rec), "{\"id\":\"%02zu-0000-4000-"
			    "8000-%012zu\"}", i, i * 7919);
			CHECK(pass(pf, rec));
			snprintf(rec, sizeof(rec), "{\"id\":\"%02zu-0000-4000-"
			    "8000-%012zu\"}", i, i * 7919 + 1);
			CHECK(!pass(pf, rec));
		}
		CHECK(pass(pf, "{\"u\":\"Anna.K\"}"));
		CHECK(!pass(pf, "{\"u\":\"anna.k\"}"));
		CHECK(!pass(pf, "{\"id\":\"11111111-0000-4000-8000-000000000003\"}"));
		CHECK(!pass(pf, "{\"id\":\"111\",\"u\":\"Jos\"}"));
		CHECK(!pass(pf, "ops/bo"));
		CHECK(!pass(pf, ""));
		/* Names written with escapes pass. */
		CHECK(pass(pf, "{\"u\":\"Jos\\u00e9\"}"));
		CHECK(pass(pf, "{\"u\":\"ops\\/bot\"}"));
		/* Case matters for exact literals. */
		CHECK(!pass(pf, "{\"u\":\"OPS/BOT\"}"));
		sl_prefilter_free(pf);
	}

	/* The keys of a large search: 300,000 of them, a shorter one now
	 * and then.  Adding them took n * n steps (minutes here: the
	 * shortest was looked for among all at each), and each literal
	 * held 2 KiB of shifts it never used. */
	{
		enum { NKEYS = 300000 };
		char rec[96];
		size_t i;

		pf = sl_prefilter_new();
		CHECK_INT(sl_prefilter_group(pf), 0);
		for (i = 0; i < NKEYS; i++) {
			int len = snprintf(rec, sizeof(rec),
			    "%08zx-%04zx-4000-8000-%012zu", i * 2654435761u %
			    0xffffffffu, i % 65536, i);

			if (i % 50000 == 49999)
				len = 8 + (int)(i / 50000);
			CHECK_INT(sl_prefilter_add(pf, SL_FIELD_KEY, rec,
			    (size_t)len, 0), 0);
		}
		for (i = 0; i < NKEYS; i += 997) {
			snprintf(rec, sizeof(rec), "{\"id\":\"%08zx-%04zx-4000-"
			    "8000-%012zu\"}", i * 2654435761u % 0xffffffffu,
			    i % 65536, i);
			CHECK(pass(pf, rec));
		}
		/* The short ones (a key's first 8 to 13 bytes), found in
		 * longer text. */
		for (i = 49999; i < NKEYS; i += 50000) {
			char sub[32];

			snprintf(sub, sizeof(sub), "%08zx-%04zx",
			    i * 2654435761u % 0xffffffffu, i % 65536);
			snprintf(rec, sizeof(rec), "{\"q\":\"<%.*s>\"}",
			    (int)(8 + i / 50000), sub);
			CHECK(pass(pf, rec));
		}
		CHECK(!pass(pf, "{\"id\":\"zzzzzzzz-zzzz-4000-8000-"
		    "zzzzzzzzzzzz\"}"));
		sl_prefilter_free(pf);
	}

	whole_names();
	return check_done("prefilter");
}
