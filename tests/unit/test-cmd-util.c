/* test-cmd-util.c: the tools' allocation, string buffer and string map,
 * and the quoting of user names. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"
#include "check.h"

static void
test_sbuf(void)
{
	struct sbuf b = { 0 };
	int i;

	sb_adds(&b, "ab");
	sb_addc(&b, 'c');
	sb_add(&b, "d\0e", 3);
	CHECK_INT(b.n, 6);
	CHECK(memcmp(b.p, "abcd\0e", 6) == 0);
	CHECK_INT(b.p[b.n], '\0');
	for (i = 0; i < 5000; i++)
		sb_addc(&b, 'z');
	CHECK_INT(b.n, 6 + 5000);
	CHECK_INT(b.p[b.n], '\0');
	CHECK(b.cap > b.n);
	sb_release(&b);
	CHECK(b.p == NULL && b.n == 0 && b.cap == 0);
	/* Nothing added yet is still a string once something empty is. */
	sb_add(&b, "", 0);
	CHECK_STR(b.p, "");
	sb_release(&b);
}

static void
test_smap(void)
{
	struct smap m = { 0 };
	char (*keys)[16];
	size_t i, n = 3000;

	CHECK_INT(smap_get(&m, "a", 1), SIZE_MAX);
	keys = xcalloc(n, sizeof(*keys));
	for (i = 0; i < n; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		smap_put(&m, keys[i], strlen(keys[i]), i);
	}
	/* Every key is found after the table grew several times. */
	for (i = 0; i < n; i++)
		if (smap_get(&m, keys[i], strlen(keys[i])) != i)
			break;
	CHECK_INT(i, n);
	CHECK_INT(m.used, n);
	/* By bytes, not by NUL-terminated string: "k1" is not "k10". */
	CHECK_INT(smap_get(&m, "k10", 2), 1);
	CHECK_INT(smap_get(&m, "k", 1), SIZE_MAX);
	/* A key put again takes the new value and is not counted twice. */
	smap_put(&m, "k7", 2, 70);
	CHECK_INT(smap_get(&m, "k7", 2), 70);
	CHECK_INT(m.used, n);
	/* The empty key and keys with NUL bytes are keys like any other. */
	smap_put(&m, NULL, 0, 5);
	CHECK_INT(smap_get(&m, "", 0), 5);
	smap_put(&m, "a\0b", 3, 6);
	CHECK_INT(smap_get(&m, "a\0b", 3), 6);
	CHECK_INT(smap_get(&m, "a", 1), SIZE_MAX);
	smap_clear(&m);
	CHECK_INT(m.used, 0);
	CHECK_INT(smap_get(&m, "k7", 2), SIZE_MAX);
	smap_put(&m, "k7", 2, 1);
	CHECK_INT(smap_get(&m, "k7", 2), 1);
	smap_free(&m);
	CHECK(m.t == NULL && m.size == 0);
	smap_free(&m);
	free(keys);
}

static void
test_alloc(void)
{
	int *v = NULL;
	char *s;
	size_t i;

	for (i = 0; i < 100; i++) {
		v = xrealloc(v, i + 1, sizeof(*v));
		v[i] = (int)i;
	}
	CHECK_INT(v[99], 99);
	free(v);
	s = xstrdup("evidence");
	CHECK_STR(s, "evidence");
	free(s);
	/* Nothing asked for is not a failure. */
	free(xrealloc(NULL, 0, 8));
}

/* quote then unquote gives the name back, byte for byte. */
static int
round_trip(const char *p, size_t n)
{
	const char *err = NULL;
	char *q = cli_name_quote(p, n), *b = NULL;
	size_t bn = 0;
	int ok;

	ok = cli_name_unquote(q, strlen(q), &b, &bn, &err) == 0 && bn == n &&
	    (n == 0 || memcmp(b, p, n) == 0) && b[bn] == '\0';
	if (!ok)
		fprintf(stderr, "round trip failed: %s (%s)\n", q,
		    err ? err : "different bytes");
	free(q);
	free(b);
	return ok;
}

static int
unquote_fails(const char *s)
{
	const char *err = NULL;
	char *b = NULL;
	size_t bn;

	if (cli_name_unquote(s, strlen(s), &b, &bn, &err) == 0) {
		free(b);
		return 0;
	}
	return err != NULL;
}

static void
test_name_quote(void)
{
	char one[1], buf[64], *q, *b;
	const char *err;
	size_t i, k, n;
	unsigned x = 1;

	q = cli_name_quote("alice\0evil", 10);
	CHECK_STR(q, "\"alice\\x00evil\"");
	free(q);
	q = cli_name_quote("a\\b\"c\td\xff\xc2\x85\xe2\x80\xae", 13);
	CHECK_STR(q, "\"a\\\\b\\\"c\\td\\xff\\u0085\\u202e\"");
	free(q);
	q = cli_name_quote("M\xc3\xbcller", 7);
	CHECK_STR(q, "\"M\xc3\xbcller\"");
	free(q);
	/* Every byte alone, and random strings of bytes. */
	for (i = 0; i < 256; i++) {
		one[0] = (char)i;
		CHECK(round_trip(one, 1));
	}
	CHECK(round_trip("", 0));
	for (k = 0; k < 2000; k++) {
		n = k % sizeof(buf);
		for (i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (char)(x >> 16);
		}
		CHECK(round_trip(buf, n));
	}
	/* JSON's spellings: \u0000 is NUL, \udcff the byte 0xff. */
	CHECK(cli_name_unquote("\"a\\u0000b\\udcff\\u00fc\"", 22, &b, &n,
	    &err) == 0);
	CHECK_INT(n, 6);
	CHECK(memcmp(b, "a\0b\xff\xc3\xbc", 6) == 0);
	free(b);
	CHECK(unquote_fails("alice"));
	CHECK(unquote_fails("\""));
	CHECK(unquote_fails("\"a\\q\""));
	CHECK(unquote_fails("\"a\\x0\""));
	CHECK(unquote_fails("\"a\\xg0\""));
	CHECK(unquote_fails("\"a\\u00\""));
	CHECK(unquote_fails("\"a\\ud800\""));
	CHECK(unquote_fails("\"a\\\""));
	CHECK(unquote_fails("\"a\"b\""));
}

int
main(void)
{
	test_sbuf();
	test_smap();
	test_alloc();
	test_name_quote();
	return check_done("cmd-util");
}
