/* test-row.c: store rows round-trip every byte; times, numbers strict. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

static struct sl_str
S(const char *p, size_t n)
{
	struct sl_str s = { p, n };

	return s;
}

static int
str_same(struct sl_str a, struct sl_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static void
test_escape(void)
{
	struct sl_buf b = { 0 };
	static const char in[] = "a\tb\nc\rd\\e\x01\x7f\xff";

	CHECK_INT(sl_tsv_escape(in, sizeof(in) - 1, &b), 0);
	CHECK_MEM(b.p, b.n, "a\\tb\\nc\\rd\\\\e\\x01\x7f\xff");
	sl_buf_reset(&b);
	CHECK_INT(sl_tsv_escape("", 0, &b), 0);
	CHECK_INT(b.n, 0);
	sl_buf_release(&b);
}

static void
test_time(void)
{
	char buf[32];
	int64_t t;

	CHECK_INT(sl_row_time_format(0, buf), 27);
	CHECK_STR(buf, "1970-01-01T00:00:00.000000Z");
	sl_row_time_format(INT64_C(1709277432123456), buf);
	CHECK_STR(buf, "2024-03-01T07:17:12.123456Z");
	sl_row_time_format(-1, buf);
	CHECK_STR(buf, "1969-12-31T23:59:59.999999Z");
	CHECK_INT(sl_row_time_parse(buf, strlen(buf), &t), 0);
	CHECK_INT(t, -1);
	sl_row_time_format(INT64_MIN, buf);
	CHECK_STR(buf, "@-9223372036854775808");
	CHECK_INT(sl_row_time_parse(buf, strlen(buf), &t), 0);
	CHECK(t == INT64_MIN);
	sl_row_time_format(INT64_MAX, buf);
	CHECK_INT(sl_row_time_parse(buf, strlen(buf), &t), 0);
	CHECK(t == INT64_MAX);
	CHECK_INT(sl_row_time_parse("2024-02-30T00:00:00.000000Z", 27, &t),
	    -EBADMSG);
	CHECK_INT(sl_row_time_parse("2024-02-29T00:00:00.000000Z", 27, &t), 0);
	CHECK_INT(sl_row_time_parse("2024-03-01T07:17:12Z", 20, &t), -EBADMSG);
	CHECK_INT(sl_row_time_parse("@", 1, &t), -EBADMSG);
	CHECK_INT(sl_row_time_parse("@9223372036854775808", 20, &t), -EBADMSG);
	/* Every day of a few centuries survives the trip. */
	for (t = INT64_C(-3000000000000000); t < INT64_C(6000000000000000);
	    t += INT64_C(86399999999) + 7) {
		int64_t back = 0;

		sl_row_time_format(t, buf);
		if (sl_row_time_parse(buf, strlen(buf), &back) != 0 ||
		    back != t) {
			CHECK_INT(back, t);
			break;
		}
	}
}

static void
test_roundtrip(void)
{
	static const char nasty[] = "\t\n\r\\\0\x01\x1f\x7f\x80\xff\\x41\\t ";
	struct sl_event ev, back;
	struct sl_buf b = { 0 };
	char *copy;
	int i, k;

	for (k = 0; k < 3; k++) {
		memset(&ev, 0, sizeof(ev));
		ev.time = k == 0 ? INT64_C(1709277432123456) : k == 1 ?
		    INT64_MIN : -5;
		ev.user = S("al\tice\xc3\xa9", 9);
		ev.session = S(nasty, sizeof(nasty) - 1);
		ev.action = SL_ACT_EXPORT;
		ev.outcome = SL_OUT_DENIED;
		ev.resource = S("ri.a\nri.b", 9);
		ev.query = S(nasty, sizeof(nasty) - 1);
		ev.count = k == 0 ? -1 : 42;
		ev.bytes = k == 0 ? INT64_MAX : -1;
		ev.purpose = S("", 0);
		ev.src = S("10.0.0.1", 8);
		ev.trace = S(nasty + 4, 3);
		ev.kind = S("dataExport", 10);
		ev.key = S(k == 2 ? "" : "id-1", k == 2 ? 0 : 4);
		ev.flags = k == 1 ? 0xffffffffu : SL_EV_BACKEND;
		ev.profile = S("foundry-audit", 13);
		ev.origin = S("a.tar!x/\ty.log", 14);
		ev.line = UINT64_MAX;
		ev.offset = 12345;
		ev.raw = S(nasty, sizeof(nasty) - 1);
		sl_buf_reset(&b);
		CHECK_INT(sl_row_format(&ev, &b), 0);
		CHECK(memchr(b.p, '\n', b.n) == NULL);
		CHECK(memchr(b.p, '\r', b.n) == NULL);
		CHECK(memchr(b.p, '\0', b.n) == NULL);
		copy = sl_strndup(b.p, b.n);
		CHECK_INT(sl_row_parse(copy, b.n, &back), 0);
		CHECK(back.time == ev.time);
		CHECK(str_same(back.user, ev.user));
		CHECK(str_same(back.session, ev.session));
		CHECK_INT(back.action, SL_ACT_EXPORT);
		CHECK_INT(back.outcome, SL_OUT_DENIED);
		CHECK(str_same(back.resource, ev.resource));
		CHECK(str_same(back.query, ev.query));
		CHECK(back.count == ev.count);
		CHECK(back.bytes == ev.bytes);
		CHECK(str_same(back.purpose, ev.purpose));
		CHECK(str_same(back.src, ev.src));
		CHECK(str_same(back.trace, ev.trace));
		CHECK(str_same(back.kind, ev.kind));
		CHECK(str_same(back.key, ev.key));
		CHECK(back.flags == ev.flags);
		CHECK(str_same(back.profile, ev.profile));
		CHECK(str_same(back.origin, ev.origin));
		CHECK(back.line == ev.line);
		CHECK(back.offset == ev.offset);
		CHECK(str_same(back.raw, ev.raw));
		free(copy);
	}
	/* Every byte value in every string field. */
	{
		char all[256];

		for (i = 0; i < 256; i++)
			all[i] = (char)i;
		memset(&ev, 0, sizeof(ev));
		ev.user = ev.raw = ev.query = ev.key = S(all, 256);
		sl_buf_reset(&b);
		CHECK_INT(sl_row_format(&ev, &b), 0);
		copy = sl_strndup(b.p, b.n);
		CHECK_INT(sl_row_parse(copy, b.n, &back), 0);
		CHECK(str_same(back.raw, ev.raw));
		CHECK(str_same(back.user, ev.user));
		CHECK(str_same(back.key, ev.key));
		free(copy);
	}
	sl_buf_release(&b);
}

#define P "2024-03-01T07:17:12.123456Z\tu\t\t"
#define T10 "\t\t\t\t\t\t\t\t\t\t"

static void
test_bad(void)
{
	static const char *const bad[] = {
		"",
		"2024-03-01T07:17:12.123456Z",
		/* 19 columns */
		P "view\tsuccess" T10 "0\t\to\t1",
		/* unknown action */
		P "peek\tsuccess" T10 "0\t\to\t1\t0\traw",
		/* bad escape */
		P "view\tsuccess" T10 "0\t\to\t1\t0\tra\\q",
		/* truncated \x */
		P "view\tsuccess" T10 "0\t\to\t1\t0\tra\\x4",
		/* negative count */
		P "view\tsuccess\t\t\t-1\t\t\t\t\t\t\t0\t\to\t1\t0\traw",
		/* line empty */
		P "view\tsuccess" T10 "0\t\to\t\t0\traw",
		/* 21 columns */
		P "view\tsuccess" T10 "0\t\to\t1\t0\traw\tx",
	};
	static const char good[] =
	    P "view\tsuccess" T10 "0\t\to\t1\t0\tra\\x41w";
	struct sl_event ev;
	char buf[256];
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(bad); i++) {
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		if (sl_row_parse(buf, strlen(buf), &ev) != -EBADMSG) {
			fprintf(stderr, "accepted bad row %zu\n", i);
			CHECK(0);
		}
	}
	snprintf(buf, sizeof(buf), "%s", good);
	CHECK_INT(sl_row_parse(buf, strlen(buf), &ev), 0);
	CHECK_SLSTR(ev.raw, "raAw");
	CHECK_INT(ev.count, -1);
	CHECK_INT(ev.action, SL_ACT_VIEW);
}

int
main(void)
{
	test_escape();
	test_time();
	test_roundtrip();
	test_bad();
	return check_done("row");
}
