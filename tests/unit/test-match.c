/* test-match.c: event fields and PCRE2 matching. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "check.h"

static struct sl_str
S(const char *s)
{
	struct sl_str r;

	r.p = s;
	r.n = strlen(s);
	return r;
}

static struct sl_event
event(void)
{
	struct sl_event e;

	memset(&e, 0, sizeof(e));
	e.time = INT64_C(1773475200000000);	/* 2026-03-14T08:00:00Z */
	e.user = S("d.weber");
	e.session = S("b8f2bcd5");
	e.action = SL_ACT_SEARCH;
	e.outcome = SL_OUT_SUCCESS;
	e.resource = S("ri.dataset.person_records\n"
	    "ri.dataset.address_register");
	e.query = S("Lena Hartmann");
	e.count = 4;
	e.bytes = -1;
	e.purpose = S("");
	e.src = S("10.20.13.202");
	e.origin = S("audit/x.jsonl.gz");
	e.line = 17;
	e.offset = 4096;
	e.raw = S("{\"query\":\"Lena Hartmann\"}");
	return e;
}

/* Add a pattern, returning its index or the error. */
static int
add(struct sl_matcher *m, int field, const char *pat, unsigned flags)
{
	char err[256];

	return sl_matcher_add(m, field, pat, strlen(pat), flags, err,
	    sizeof(err));
}

/* Does pat (on field, with flags) match ev? */
static int
one(const struct sl_event *ev, int field, const char *pat, unsigned flags)
{
	struct sl_matcher *m = sl_matcher_new();
	int i, rc;

	i = add(m, field, pat, flags);
	rc = i < 0 ? i : sl_matcher_test(m, (size_t)i, ev);
	sl_matcher_free(m);
	return rc;
}

int
main(void)
{
	struct sl_event e = event();
	struct sl_matcher *m;
	struct sl_str f;
	size_t s, en;
	char buf[32], err[256];
	int i;

	/* Fields by name. */
	CHECK_INT(sl_field_parse("query", 5), SL_FIELD_QUERY);
	CHECK_INT(sl_field_parse("raw", 3), SL_FIELD_RAW);
	CHECK_INT(sl_field_parse("quer", 4), -EINVAL);
	CHECK_STR(sl_field_name(SL_FIELD_SRC), "src");
	CHECK(sl_field_name(SL_FIELD__COUNT) == NULL);
	f = sl_event_field(&e, SL_FIELD_TIME, buf, sizeof(buf));
	CHECK_SLSTR(f, "2026-03-14T08:00:00.000000Z");
	f = sl_event_field(&e, SL_FIELD_COUNT, buf, sizeof(buf));
	CHECK_SLSTR(f, "4");
	f = sl_event_field(&e, SL_FIELD_BYTES, buf, sizeof(buf));
	CHECK_SLSTR(f, "");
	f = sl_event_field(&e, SL_FIELD_ACTION, buf, sizeof(buf));
	CHECK_SLSTR(f, "search");
	f = sl_event_field(&e, SL_FIELD_OUTCOME, buf, sizeof(buf));
	CHECK_SLSTR(f, "success");
	f = sl_event_field(&e, SL_FIELD_LINE, buf, sizeof(buf));
	CHECK_SLSTR(f, "17");
	/* A buffer too small for the text: p NULL, never a cut value. */
	f = sl_event_field(&e, SL_FIELD_LINE, buf, 3);
	CHECK_SLSTR(f, "17");
	f = sl_event_field(&e, SL_FIELD_LINE, buf, 2);
	CHECK(f.p == NULL && f.n == 0);
	f = sl_event_field(&e, SL_FIELD_TIME, buf, 27);
	CHECK(f.p == NULL && f.n == 0);
	f = sl_event_field(&e, SL_FIELD_ACTION, buf, 0);
	CHECK_SLSTR(f, "search");

	/* Plain patterns look at query, resource, purpose and src. */
	CHECK_INT(one(&e, SL_FIELD_TEXT, "Hartmann", 0), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "hartmann", 0), 0);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "hartmann", SL_MATCH_ICASE), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "address_register", 0), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "^10\\.20\\.", 0), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "d\\.weber", 0), 0);
	/* ^ and $ at each value of a multi-valued field. */
	CHECK_INT(one(&e, SL_FIELD_RESOURCE, "^ri\\.dataset\\.address", 0), 1);
	CHECK_INT(one(&e, SL_FIELD_RESOURCE, "records$", 0), 1);
	/* Field patterns. */
	CHECK_INT(one(&e, SL_FIELD_USER, "^d\\.weber$", 0), 1);
	CHECK_INT(one(&e, SL_FIELD_ACTION, "^search$", 0), 1);
	CHECK_INT(one(&e, SL_FIELD_ACTION, "^export$", 0), 0);
	CHECK_INT(one(&e, SL_FIELD_PURPOSE, "^$", 0), 1);
	/* -w and -F. */
	CHECK_INT(one(&e, SL_FIELD_TEXT, "Hart", SL_MATCH_WORD), 0);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "Hartmann", SL_MATCH_WORD), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "Lena|Hart", SL_MATCH_WORD), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "10.20.13.202", SL_MATCH_FIXED), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "10.20.13.2", SL_MATCH_FIXED |
	    SL_MATCH_WORD), 0);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "10x20", SL_MATCH_FIXED), 0);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "a.b(c[", SL_MATCH_FIXED), 0);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "LENA hartmann", SL_MATCH_FIXED |
	    SL_MATCH_ICASE), 1);

	/* UTF-8: case folding beyond ASCII; word characters are Unicode. */
	e.query = S("Milena Petrovi\xc4\x87");
	CHECK_INT(one(&e, SL_FIELD_TEXT, "PETROVI\xc4\x86", SL_MATCH_ICASE), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "Petrovi", SL_MATCH_WORD), 0);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "Petrovi.$", 0), 1);
	/* Invalid UTF-8 in the subject: no failure, valid parts match. */
	e.query = S("Lena \xff\xfe Hartmann \xc3");
	CHECK_INT(one(&e, SL_FIELD_TEXT, "Hartmann", 0), 1);
	CHECK_INT(one(&e, SL_FIELD_TEXT, "Lena . Hartmann", 0), 0);
	/* Invalid patterns are errors with PCRE2's message. */
	m = sl_matcher_new();
	CHECK_INT(sl_matcher_add(m, SL_FIELD_TEXT, "a(b", 3, 0, err,
	    sizeof(err)), -EINVAL);
	CHECK(strstr(err, "at offset 3") != NULL);
	CHECK_INT(sl_matcher_add(m, SL_FIELD_TEXT, "\xff", 1, 0, err,
	    sizeof(err)), -EINVAL);
	CHECK_INT(sl_matcher_add(m, 99, "a", 1, 0, err, sizeof(err)),
	    -EINVAL);
	CHECK_INT(sl_matcher_count(m), 0);
	/* A pattern holding NUL; a fixed string holding control bytes. */
	CHECK_INT(sl_matcher_add(m, SL_FIELD_RAW, "a\0b", 3, SL_MATCH_FIXED,
	    err, sizeof(err)), 0);
	e.raw.p = "xa\0by";
	e.raw.n = 5;
	CHECK_INT(sl_matcher_test(m, 0, &e), 1);
	CHECK_INT(sl_matcher_test(m, 1, &e), -EINVAL);
	sl_matcher_free(m);

	/* Runaway backtracking ends with -E2BIG, not a hang. */
	{
		static char subject[4096];

		memset(subject, 'a', sizeof(subject) - 1);
		e.query = S(subject);
		CHECK_INT(one(&e, SL_FIELD_QUERY, "(a+)+$b|(a|aa)*c", 0),
		    -E2BIG);
	}

	/* Finding spans for highlighting: the earliest, longest first. */
	e = event();
	m = sl_matcher_new();
	CHECK_INT(add(m, SL_FIELD_TEXT, "mann", 0), 0);
	CHECK_INT(add(m, SL_FIELD_TEXT, "Hart", 0), 1);
	CHECK_INT(add(m, SL_FIELD_USER, "weber", 0), 2);
	CHECK_INT(add(m, SL_FIELD_TEXT, "x*", 0), 3);
	CHECK_INT(sl_matcher_find(m, SL_FIELD_QUERY, e.query.p, e.query.n, 0,
	    &s, &en), 1);
	CHECK_INT(s, 5);
	CHECK_INT(en, 9);
	CHECK_INT(sl_matcher_find(m, SL_FIELD_QUERY, e.query.p, e.query.n, en,
	    &s, &en), 1);
	CHECK_INT(s, 9);
	CHECK_INT(en, 13);
	CHECK_INT(sl_matcher_find(m, SL_FIELD_QUERY, e.query.p, e.query.n, en,
	    &s, &en), 0);
	CHECK_INT(sl_matcher_find(m, SL_FIELD_USER, e.user.p, e.user.n, 0,
	    &s, &en), 1);
	CHECK_INT(s, 2);
	/* The user field is not a text field. */
	CHECK_INT(sl_matcher_find(m, SL_FIELD_KIND, "Hartmann", 8, 0, &s, &en),
	    0);
	for (i = 0; i < 4; i++)
		CHECK_INT(sl_matcher_test(m, (size_t)i, &e), 1);
	sl_matcher_free(m);
	sl_matcher_free(NULL);
	return check_done("match");
}
