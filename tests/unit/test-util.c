/* test-util.c: buffers and the names of the event vocabulary. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store.h"
#include "check.h"

/* Names joined into an origin and read back: the same names, exactly. */
static void
test_origin(void)
{
	static const char *const names[] = {
		"in/b!ng.zip", "x.zip!y.jsonl", "100%21.jsonl", "50%.jsonl",
		"%", "%2", "%21", "%25", "%%21", "%2!", "!", "", "a%2%21",
		"report%20final.json", "%!%", "!!", "%251",
	};
	struct sl_buf o = { 0 }, name = { 0 };
	size_t i, pos = 0, k = 0;

	for (i = 0; i < SL_ARRAY_LEN(names); i++) {
		if (i > 0)
			sl_buf_addc(&o, '!');
		CHECK_INT(sl_origin_escape(names[i], strlen(names[i]), &o), 0);
	}
	while (sl_origin_next(o.p, o.n, &pos, &name) == 1) {
		CHECK(k < SL_ARRAY_LEN(names));
		if (k < SL_ARRAY_LEN(names))
			CHECK_MEM(name.p, name.n, names[k]);
		k++;
	}
	CHECK_INT(k, SL_ARRAY_LEN(names));

	/* The escape as sessionlog(5) gives it. */
	o.n = 0;
	sl_origin_escape("x.zip!y%21%25%20%.jsonl", 23, &o);
	CHECK_MEM(o.p, o.n, "x.zip%21y%2521%2525%20%.jsonl");

	/* An older case's origins read as they were written, '!' apart. */
	pos = 0;
	CHECK_INT(sl_origin_next("a.zip!report%20x%.json", 22, &pos, &name),
	    1);
	CHECK_MEM(name.p, name.n, "a.zip");
	CHECK_INT(sl_origin_next("a.zip!report%20x%.json", 22, &pos, &name),
	    1);
	CHECK_MEM(name.p, name.n, "report%20x%.json");
	CHECK_INT(sl_origin_next("a.zip!report%20x%.json", 22, &pos, &name),
	    0);
	sl_buf_release(&o);
	sl_buf_release(&name);
}

static void
test_buf(void)
{
	struct sl_buf b = { 0 };
	int i;

	CHECK_INT(sl_buf_adds(&b, "abc"), 0);
	CHECK_INT(sl_buf_addc(&b, 'd'), 0);
	CHECK_INT(sl_buf_printf(&b, "-%d-%s", 42, "x"), 0);
	CHECK_MEM(b.p, b.n, "abcd-42-x");
	CHECK_INT(b.p[b.n], '\0');
	for (i = 0; i < 10000; i++)
		sl_buf_addc(&b, 'z');
	CHECK_INT(b.n, 9 + 10000);
	CHECK_INT(b.p[b.n], '\0');
	sl_buf_reset(&b);
	CHECK_INT(b.n, 0);
	CHECK_STR(b.p, "");
	CHECK_INT(sl_buf_add(&b, "\0x", 2), 0);
	CHECK_INT(b.n, 2);
	CHECK_INT(b.p[1], 'x');
	sl_buf_release(&b);
	CHECK(b.p == NULL && b.cap == 0);
	sl_buf_release(&b);
}

static void
test_names(void)
{
	int i;

	CHECK_STR(sl_action_name(SL_ACT_EXPORT), "export");
	CHECK_STR(sl_action_name(SL_ACT_OTHER), "other");
	CHECK(sl_action_name(SL_ACT__COUNT) == NULL);
	CHECK(sl_action_name(-1) == NULL);
	CHECK_STR(sl_outcome_name(SL_OUT_DENIED), "denied");
	for (i = 0; i < SL_ACT__COUNT; i++) {
		const char *n = sl_action_name(i);

		CHECK_INT(sl_action_parse(n, strlen(n)), i);
	}
	for (i = 0; i < SL_OUT__COUNT; i++) {
		const char *n = sl_outcome_name(i);

		CHECK_INT(sl_outcome_parse(n, strlen(n)), i);
	}
	CHECK_INT(sl_action_parse("Export", 6), -EINVAL);
	CHECK_INT(sl_action_parse("exports", 7), -EINVAL);
	CHECK_INT(sl_action_parse("export", 5), -EINVAL);
}

static void
test_small(void)
{
	struct sl_str s = { "abc", 3 };
	char err[8];
	char *d;

	CHECK(sl_str_eq(s, "abc"));
	CHECK(!sl_str_eq(s, "ab"));
	s.n = 0;
	CHECK(sl_str_eq(s, ""));
	sl_seterr(err, sizeof(err), "%s", "a long message");
	CHECK_STR(err, "a long ");
	sl_seterr(NULL, 0, "%s", "nothing");
	d = sl_strndup("hello", 4);
	CHECK_STR(d, "hell");
	free(d);
	CHECK(sl_hash64("a", 1) != sl_hash64("b", 1));
	CHECK(sl_hash64("", 0) == 0xcbf29ce484222325u);
	CHECK_INT(sl_hexval('0'), 0);
	CHECK_INT(sl_hexval('f'), 15);
	CHECK_INT(sl_hexval('A'), 10);
	CHECK_INT(sl_hexval('g'), -1);
	CHECK_INT(sl_hexval('/'), -1);
}

/* Option structs as a caller of another version hands them over. */
struct opts_v1 {
	size_t size;
	int a;
};
struct opts_v2 {
	size_t size;
	int a;
	long b;
};
struct opts_v3 {
	size_t size;
	int a;
	long b;
	const char *c;
};

static void
test_opts_copy(void)
{
	struct opts_v1 o1;
	struct opts_v2 o2;
	struct opts_v3 o3;

	/* NULL: every default, and the size of this version's struct. */
	memset(&o2, 0xff, sizeof(o2));
	CHECK_INT(sl_opts_copy(&o2, sizeof(o2), NULL), 0);
	CHECK_INT(o2.size, sizeof(o2));
	CHECK_INT(o2.a, 0);
	CHECK_INT(o2.b, 0);
	/* An earlier caller's struct: what it does not have is default,
	 * whatever follows it in memory. */
	memset(&o3, 0xff, sizeof(o3));
	o3.size = sizeof(o1);
	o3.a = 7;
	CHECK_INT(sl_opts_copy(&o2, sizeof(o2), &o3), 0);
	CHECK_INT(o2.a, 7);
	CHECK_INT(o2.b, 0);
	/* A later caller's struct: its members this version does not know
	 * must be zero. */
	memset(&o3, 0, sizeof(o3));
	o3.size = sizeof(o3);
	o3.a = 1;
	o3.b = 2;
	CHECK_INT(sl_opts_copy(&o2, sizeof(o2), &o3), 0);
	CHECK_INT(o2.a, 1);
	CHECK_INT(o2.b, 2);
	o3.c = "set";
	CHECK_INT(sl_opts_copy(&o2, sizeof(o2), &o3), -E2BIG);
	/* Never initialised. */
	memset(&o1, 0, sizeof(o1));
	o1.a = 3;
	CHECK_INT(sl_opts_copy(&o2, sizeof(o2), &o1), -EINVAL);
}

static void
test_sha256(void)
{
	struct sl_sha256 *h = sl_sha256_new();
	char hex[65];

	CHECK(h != NULL);
	sl_sha256_final(h, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	sl_sha256_update(h, "ab", 2);
	sl_sha256_update(h, "c", 1);
	sl_sha256_final(h, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	sl_sha256_free(h);
	sl_sha256_free(NULL);
	CHECK_INT(sl_sha256_file("/nonexistent/file", hex, NULL), -ENOENT);
}

int
main(void)
{
	test_buf();
	test_origin();
	test_names();
	test_small();
	test_sha256();
	test_opts_copy();
	return check_done("util");
}
