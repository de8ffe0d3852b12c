/* test-json.c: the strict JSON tape parser. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

static int
parse(struct sl_json *j, const char *s)
{
	return sl_json_parse(j, s, strlen(s));
}

/* The decoded text of token tok as a NUL-terminated string in b. */
static const char *
text(struct sl_json *j, int tok, struct sl_buf *b)
{
	sl_buf_reset(b);
	if (sl_json_text(j, tok, b) < 0)
		return "<error>";
	return b->n > 0 ? b->p : "";
}

static void
test_valid(void)
{
	static const char *const ok[] = {
		"0", "-0", "1", "-1", "12.5e+10", "1E-7", "0.0", "-0.5e0",
		"123456789012345678901234567890",
		"true", "false", "null", "\"\"", "[]", "{}", " [ ] ",
		"\t\r\n{\"a\":[1,2,{\"b\":null}]}\n",
		"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"",
		"{\"a\":1,\"a\":2}",
		"[[[[[]]]]]",
	};
	struct sl_json j = { 0 };
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(ok); i++) {
		int r = parse(&j, ok[i]);

		if (r != 0)
			fprintf(stderr, "rejected %s: %s at %zu\n", ok[i],
			    j.err, j.err_off);
		CHECK_INT(r, 0);
	}
	sl_json_release(&j);
}

static void
test_invalid(void)
{
	static const struct {
		const char *s;
		size_t off;
	} bad[] = {
		{ "", 0 },
		{ "   ", 3 },
		{ "[1,2,]", 5 },
		{ "{\"a\":1,}", 7 },
		{ "{\"a\" 1}", 5 },
		{ "{1:2}", 1 },
		{ "[1 2]", 3 },
		{ "01", 0 },
		{ "-01", 1 },
		{ "-", 1 },
		{ "- 1", 1 },
		{ "1.", 2 },
		{ ".5", 0 },
		{ "1e", 2 },
		{ "1e+", 3 },
		{ "+1", 0 },
		{ "NaN", 0 },
		{ "Infinity", 0 },
		{ "-Infinity", 1 },
		{ "tru", 0 },
		{ "nul", 0 },
		{ "True", 0 },
		{ "\"abc", 4 },
		{ "\"a\\x\"", 2 },
		{ "\"a\\u12g4\"", 2 },
		{ "\"a\\u12", 6 },
		{ "\"a\\", 3 },
		{ "\"a\tb\"", 2 },
		{ "\"a\nb\"", 2 },
		{ "[1,2", 4 },
		{ "{\"a\":", 5 },
		{ "{\"a\"", 4 },
		{ "[1]]", 3 },
		{ "{} {}", 3 },
		{ "1 2", 2 },
		{ "[1}", 2 },
		{ "{\"a\":1]", 6 },
		{ "'a'", 0 },
		{ "[,1]", 1 },
		{ "\"\x7f\x01\"", 2 },
	};
	struct sl_json j = { 0 };
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(bad); i++) {
		int r = parse(&j, bad[i].s);

		CHECK_INT(r, -EBADMSG);
		if (r == -EBADMSG && j.err_off != bad[i].off)
			fprintf(stderr, "%s: %s at %zu, want %zu\n", bad[i].s,
			    j.err, j.err_off, bad[i].off);
		CHECK_INT(j.err_off, bad[i].off);
		CHECK(j.err[0] != '\0');
		CHECK_INT(j.n, 0);
	}
	CHECK_INT(parse(&j, "[1,2,]"), -EBADMSG);
	CHECK_STR(j.err, "unexpected character");
	CHECK_INT(parse(&j, "\"a\\q\""), -EBADMSG);
	CHECK_STR(j.err, "invalid escape");
	CHECK_INT(parse(&j, "00"), -EBADMSG);
	CHECK_STR(j.err, "leading zero");
	CHECK_INT(parse(&j, "[] x"), -EBADMSG);
	CHECK_STR(j.err, "trailing garbage");
	/* A NUL byte is not white space. */
	CHECK_INT(sl_json_parse(&j, "{}\0", 3), -EBADMSG);
	CHECK_INT(j.err_off, 2);
	sl_json_release(&j);
}

static void
test_tape(void)
{
	static const char doc[] =
	    "{\"a\": [1, {\"x\": true}, \"s\"], \"b\": {}, \"c\": null, "
	    "\"d\": -2.5e3}";
	struct sl_json j = { 0 };
	struct sl_buf b = { 0 };
	int a, x, d;

	CHECK_INT(parse(&j, doc), 0);
	/* obj, "a", [, 1, {, "x", true, "s", "b", {}, "c", null, "d", num */
	CHECK_INT(j.n, 14);
	CHECK_INT(j.t[0].type, SL_JSON_OBJECT);
	CHECK_INT(j.t[0].count, 4);
	CHECK_INT(j.t[0].next, 14);
	CHECK_INT(j.t[0].start, 0);
	CHECK_INT(j.t[0].len, sizeof(doc) - 1);
	CHECK_INT(j.t[1].type, SL_JSON_STRING);
	CHECK_INT(j.t[1].start, 2);
	CHECK_INT(j.t[1].len, 1);
	CHECK_INT(j.t[2].type, SL_JSON_ARRAY);
	CHECK_INT(j.t[2].count, 3);
	CHECK_INT(j.t[2].next, 8);
	CHECK_INT(j.t[4].next, 7);
	CHECK_INT(j.t[4].count, 1);
	a = sl_json_member(&j, 0, "a", 1);
	CHECK_INT(a, 2);
	CHECK_INT(sl_json_element(&j, a, 0), 3);
	CHECK_INT(sl_json_element(&j, a, 1), 4);
	CHECK_INT(sl_json_element(&j, a, 2), 7);
	CHECK_INT(sl_json_element(&j, a, 3), -1);
	CHECK_INT(sl_json_element(&j, 0, 0), -1);
	x = sl_json_member(&j, sl_json_element(&j, a, 1), "x", 1);
	CHECK_INT(j.t[x].type, SL_JSON_TRUE);
	CHECK_STR(text(&j, x, &b), "true");
	CHECK_STR(text(&j, sl_json_element(&j, a, 2), &b), "s");
	CHECK_STR(text(&j, sl_json_member(&j, 0, "b", 1), &b), "{}");
	CHECK_STR(text(&j, sl_json_member(&j, 0, "c", 1), &b), "");
	CHECK_INT(j.t[sl_json_member(&j, 0, "c", 1)].type, SL_JSON_NULL);
	d = sl_json_member(&j, 0, "d", 1);
	CHECK_STR(text(&j, d, &b), "-2.5e3");
	CHECK_STR(text(&j, a, &b), "[1, {\"x\": true}, \"s\"]");
	CHECK_INT(sl_json_member(&j, 0, "e", 1), -1);
	CHECK_INT(sl_json_member(&j, 0, "", 0), -1);
	CHECK_INT(sl_json_member(&j, a, "a", 1), -1);
	CHECK_INT(sl_json_member(&j, -1, "a", 1), -1);
	CHECK_INT(sl_json_member(&j, 99, "a", 1), -1);
	CHECK_INT(sl_json_text(&j, 99, &b), -EINVAL);
	/* A member whose name is a prefix of another is not confused. */
	CHECK_INT(parse(&j, "{\"ab\":1,\"a\":2}"), 0);
	CHECK_STR(text(&j, sl_json_member(&j, 0, "a", 1), &b), "2");
	/* Duplicate keys: the first wins. */
	CHECK_INT(parse(&j, "{\"k\":1,\"k\":2}"), 0);
	CHECK_STR(text(&j, sl_json_member(&j, 0, "k", 1), &b), "1");
	/* The token array is reused: no change of buffer for a smaller doc. */
	{
		struct sl_json_tok *t = j.t;

		CHECK_INT(parse(&j, "[1,2,3]"), 0);
		CHECK(j.t == t);
	}
	sl_buf_release(&b);
	sl_json_release(&j);
}

static void
test_strings(void)
{
	struct sl_json j = { 0 };
	struct sl_buf b = { 0 };
	const char *s;

	CHECK_INT(parse(&j, "\"a\\nb\\t\\\"c\\\\\\/\\b\\f\\r\""), 0);
	CHECK_INT(j.t[0].escaped, 1);
	CHECK_STR(text(&j, 0, &b), "a\nb\t\"c\\/\b\f\r");
	CHECK_INT(parse(&j, "\"plain\""), 0);
	CHECK_INT(j.t[0].escaped, 0);
	/* \u: one, two, three bytes, a surrogate pair to four. */
	CHECK_INT(parse(&j, "\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\""), 0);
	CHECK_STR(text(&j, 0, &b), "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* Lone surrogates are kept as WTF-8. */
	CHECK_INT(parse(&j, "\"x\\ud83dy\""), 0);
	CHECK_STR(text(&j, 0, &b), "x\xed\xa0\xbdy");
	CHECK_INT(parse(&j, "\"\\ude00\""), 0);
	CHECK_STR(text(&j, 0, &b), "\xed\xb8\x80");
	CHECK_INT(parse(&j, "\"\\ud83d\\u0041\""), 0);
	CHECK_STR(text(&j, 0, &b), "\xed\xa0\xbd" "A");
	CHECK_INT(parse(&j, "\"\\ud83d\\ud83d\\ude00\""), 0);
	CHECK_STR(text(&j, 0, &b), "\xed\xa0\xbd\xf0\x9f\x98\x80");
	/* \u0000 gives a NUL byte. */
	CHECK_INT(parse(&j, "\"a\\u0000b\""), 0);
	sl_buf_reset(&b);
	CHECK_INT(sl_json_text(&j, 0, &b), 0);
	CHECK_INT(b.n, 3);
	CHECK(memcmp(b.p, "a\0b", 3) == 0);
	/* Raw bytes that are not UTF-8 are kept as they are. */
	s = "\"\xff\xfe\xc3(\x80 caf\xe9\"";
	CHECK_INT(parse(&j, s), 0);
	CHECK_STR(text(&j, 0, &b), "\xff\xfe\xc3(\x80 caf\xe9");
	CHECK_INT(parse(&j, "\"\xed\xa0\x80\""), 0);
	/* Long strings cross the eight-byte scanning. */
	CHECK_INT(parse(&j, "\"0123456789abcdef0123456789\\\"abcdefghijkl\""),
	    0);
	CHECK_STR(text(&j, 0, &b), "0123456789abcdef0123456789\"abcdefghijkl");
	CHECK_INT(parse(&j, "\"0123456789abcdef\x01xyz\""), -EBADMSG);
	CHECK_INT(j.err_off, 17);
	sl_buf_release(&b);
	sl_json_release(&j);
}

static void
test_escaped_keys(void)
{
	struct sl_json j = { 0 };
	struct sl_buf b = { 0 };

	CHECK_INT(parse(&j,
	    "{\"\\u0075id\":\"u1\",\"a\\\"b\":2,\"caf\\u00e9\":3,"
	    "\"\\ud83d\\ude00\":4,\"x\\ny\":5}"), 0);
	CHECK_STR(text(&j, sl_json_member(&j, 0, "uid", 3), &b), "u1");
	CHECK_STR(text(&j, sl_json_member(&j, 0, "a\"b", 3), &b), "2");
	CHECK_STR(text(&j, sl_json_member(&j, 0, "caf\xc3\xa9", 5), &b), "3");
	CHECK_STR(text(&j, sl_json_member(&j, 0, "\xf0\x9f\x98\x80", 4), &b),
	    "4");
	CHECK_STR(text(&j, sl_json_member(&j, 0, "x\ny", 3), &b), "5");
	CHECK_INT(sl_json_member(&j, 0, "ui", 2), -1);
	CHECK_INT(sl_json_member(&j, 0, "uidx", 4), -1);
	CHECK_INT(sl_json_member(&j, 0, "a\\\"b", 4), -1);
	sl_buf_release(&b);
	sl_json_release(&j);
}

static void
test_depth(void)
{
	struct sl_json j = { 0 };
	char *s;
	size_t i, d = 10000;

	s = malloc(2 * d + 1);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	for (i = 0; i < d; i++) {
		s[i] = '[';
		s[d + i] = ']';
	}
	/* 512 deep is fine, 513 is not. */
	CHECK_INT(sl_json_parse(&j, s + d - 512, 1024), 0);
	CHECK_INT(j.n, 512);
	CHECK_INT(j.t[0].next, 512);
	CHECK_INT(j.t[511].next, 512);
	CHECK_INT(sl_json_parse(&j, s + d - 513, 1026), -EBADMSG);
	CHECK_INT(j.err_off, 512);
	CHECK_STR(j.err, "nesting too deep");
	CHECK_INT(sl_json_parse(&j, s, 2 * d), -EBADMSG);
	j.max_depth = 3;
	CHECK_INT(parse(&j, "[[[1]]]"), 0);
	CHECK_INT(parse(&j, "{\"a\":{\"b\":[[]]}}"), -EBADMSG);
	CHECK_INT(j.err_off, 11);
	j.max_depth = 0;
	/* Unterminated deep nesting. */
	CHECK_INT(sl_json_parse(&j, s, 100), -EBADMSG);
	CHECK_INT(j.err_off, 100);
	free(s);
	sl_json_release(&j);
}

static void
test_big(void)
{
	struct sl_json j = { 0 };
	struct sl_buf doc = { 0 }, b = { 0 };
	int i, e;

	sl_buf_addc(&doc, '[');
	for (i = 0; i < 100000; i++)
		sl_buf_printf(&doc, "%s{\"i\":%d,\"s\":\"v%d\"}", i ? "," : "",
		    i, i);
	sl_buf_addc(&doc, ']');
	CHECK_INT(sl_json_parse(&j, doc.p, doc.n), 0);
	CHECK_INT(j.t[0].count, 100000);
	CHECK_INT(j.n, 1 + 100000 * 5);
	e = sl_json_element(&j, 0, 99999);
	CHECK_STR(text(&j, sl_json_member(&j, e, "s", 1), &b), "v99999");
	CHECK_STR(text(&j, sl_json_member(&j, e, "i", 1), &b), "99999");
	/* A number longer than any integer type is kept as written. */
	CHECK_INT(parse(&j, "{\"n\":-123456789012345678901234567890.5e-300}"),
	    0);
	CHECK_STR(text(&j, 2, &b), "-123456789012345678901234567890.5e-300");
	sl_buf_release(&doc);
	sl_buf_release(&b);
	sl_json_release(&j);
}

int
main(void)
{
	test_valid();
	test_invalid();
	test_tape();
	test_strings();
	test_escaped_keys();
	test_depth();
	test_big();
	sl_json_release(NULL);
	return check_done("json");
}
