/* test-csv.c: splitting CSV and TSV records into fields. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

/* Split s and join the fields with '|' into out. */
static int
split(const char *s, size_t n, int delim, struct sl_fields *f,
    struct sl_buf *out)
{
	const char *err;
	size_t off, i;
	int r;

	sl_buf_reset(out);
	r = sl_csv_split(s, n, delim, f, &err, &off);
	if (r < 0)
		return r;
	for (i = 0; i < f->n; i++) {
		if (i > 0)
			sl_buf_addc(out, '|');
		sl_buf_add(out, f->value[i].p, f->value[i].n);
	}
	sl_buf_addc(out, '\0');
	out->n--;
	return (int)f->n;
}

static void
test_table(void)
{
	static const struct {
		const char *in;
		int delim;
		int n;
		const char *want;
	} t[] = {
		{ "a,b,c", ',', 3, "a|b|c" },
		{ "", ',', 1, "" },
		{ ",", ',', 2, "|" },
		{ "a,b,", ',', 3, "a|b|" },
		{ ",,", ',', 3, "||" },
		{ " a , b ", ',', 2, " a | b " },
		{ "\"a,b\",c", ',', 2, "a,b|c" },
		{ "\"a\"\"b\",c", ',', 2, "a\"b|c" },
		{ "\"\"", ',', 1, "" },
		{ "\"\"\"\"", ',', 1, "\"" },
		{ "\"\",\"\"", ',', 2, "|" },
		{ "\"line1\nline2\",x", ',', 2, "line1\nline2|x" },
		{ "\"crlf\r\ninside\",x", ',', 2, "crlf\r\ninside|x" },
		{ "a,b\r", ',', 2, "a|b" },
		{ "a,\"b\"\r", ',', 2, "a|b" },
		{ "ab\"c,d", ',', 2, "ab\"c|d" },
		{ "\"ab\"c,d", ',', 2, "abc|d" },
		{ "\"a\"\"b\"c\"d,e", ',', 2, "a\"bc\"d|e" },
		{ " \"a\",b", ',', 2, " \"a\"|b" },
		{ "a\tb", ',', 1, "a\tb" },
		{ "a\tb\tc", '\t', 3, "a|b|c" },
		{ "a\t\t", '\t', 3, "a||" },
		{ "142\t\"rentdirect.com\" apt\t2006-03-01 07:17:12", '\t', 3,
		    "142|\"rentdirect.com\" apt|2006-03-01 07:17:12" },
		{ "1\t\"quoted\"\tx", '\t', 3, "1|quoted|x" },
		{ "1\t\"tab\tinside\"\tx", '\t', 3, "1|tab\tinside|x" },
		{ "1\t\"unterminated\tx", '\t', 3, "1|\"unterminated|x" },
		{ "1\tsay \"hi\"\tx", '\t', 3, "1|say \"hi\"|x" },
		{ "1\t\"a\"\"b\"", '\t', 2, "1|a\"b" },
		{ "a,b", '\t', 1, "a,b" },
	};
	struct sl_fields f = { 0 };
	struct sl_buf out = { 0 };
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(t); i++) {
		int r = split(t[i].in, strlen(t[i].in), t[i].delim, &f, &out);

		CHECK_INT(r, t[i].n);
		if (r >= 0 && strcmp(out.p, t[i].want) != 0)
			fprintf(stderr, "case %zu\n", i);
		CHECK_STR(out.p, t[i].want);
		CHECK(f.name == NULL);
	}
	sl_buf_release(&out);
	sl_fields_release(&f);
}

static void
test_errors(void)
{
	struct sl_fields f = { 0 };
	const char *err;
	size_t off;

	CHECK_INT(sl_csv_split("a,\"bc", 5, ',', &f, &err, &off), -EBADMSG);
	CHECK_STR(err, "unterminated quoted field");
	CHECK_INT(off, 2);
	CHECK_INT(f.n, 0);
	CHECK_INT(sl_csv_split("\"a\"\"", 4, ',', &f, &err, &off), -EBADMSG);
	CHECK_INT(off, 0);
	CHECK_INT(sl_csv_split("\"", 1, ',', &f, &err, &off), -EBADMSG);
	CHECK_INT(sl_csv_split("a;b", 3, ';', &f, &err, &off), -EINVAL);
	/* TSV never fails. */
	CHECK_INT(sl_csv_split("\"", 1, '\t', &f, &err, &off), 0);
	CHECK_INT(f.n, 1);
	CHECK_SLSTR(f.value[0], "\"");
	CHECK_INT(sl_csv_split(NULL, 0, ',', &f, NULL, NULL), 0);
	CHECK_INT(f.n, 1);
	CHECK_INT(f.value[0].n, 0);
	sl_fields_release(&f);
	sl_fields_release(NULL);
}

static void
test_pointers(void)
{
	struct sl_fields f = { 0 };
	struct sl_buf rec = { 0 };
	char want[32];
	const char *s = "plain,\"q\"\"1\",\"no-escape\",x";
	int i;

	/* Unquoted and simply quoted fields point into the record. */
	CHECK_INT(sl_csv_split(s, strlen(s), ',', &f, NULL, NULL), 0);
	CHECK_INT(f.n, 4);
	CHECK(f.value[0].p == s);
	CHECK(f.value[2].p == s + 14);
	CHECK_SLSTR(f.value[1], "q\"1");
	CHECK(f.value[1].p == f.buf.p);
	/* Many unescaped fields make buf move; every value stays right. */
	for (i = 0; i < 2000; i++)
		sl_buf_printf(&rec, "%s\"v\"\"%d\"", i ? "," : "", i);
	CHECK_INT(sl_csv_split(rec.p, rec.n, ',', &f, NULL, NULL), 0);
	CHECK_INT(f.n, 2000);
	for (i = 0; i < 2000; i += 123) {
		snprintf(want, sizeof(want), "v\"%d", i);
		CHECK_SLSTR(f.value[i], want);
	}
	CHECK_SLSTR(f.value[1999], "v\"1999");
	/* The arrays are reused. */
	{
		struct sl_str *v = f.value;

		CHECK_INT(sl_csv_split("a,b", 3, ',', &f, NULL, NULL), 0);
		CHECK(f.value == v);
		CHECK_INT(f.n, 2);
	}
	sl_buf_release(&rec);
	sl_fields_release(&f);
}

int
main(void)
{
	test_table();
	test_errors();
	test_pointers();
	return check_done("csv");
}
