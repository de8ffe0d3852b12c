/* test-shard.c: the shard of a user name, as sessionlog(5) defines it. */
#include <string.h>

#include "internal.h"
#include "check.h"

/*
 * The values below were computed apart from the library: the first 16 hex
 * digits of `printf %s NAME | sha256sum` as a number, modulo N, plus one
 * ("a.meyer": caa87af36c724a2e; "": e3b0c44298fc1c14; "x\0y":
 * ce3890a816f5237a).  A change of the function moves every user of
 * every split case to another shard: these must never change.
 */
static void
test_values(void)
{
	CHECK_INT(sl_shard_of("a.meyer", 7, 1), 1);
	CHECK_INT(sl_shard_of("a.meyer", 7, 3), 1);
	CHECK_INT(sl_shard_of("a.meyer", 7, 4), 3);
	CHECK_INT(sl_shard_of("a.meyer", 7, 7), 1);
	CHECK_INT(sl_shard_of("a.meyer", 7, 4096), 2607);
	CHECK_INT(sl_shard_of("", 0, 3), 2);
	CHECK_INT(sl_shard_of("", 0, 4096), 3093);
	/* Every byte of the name counts, NUL included. */
	CHECK_INT(sl_shard_of("x\0y", 3, 4), 3);
	CHECK_INT(sl_shard_of("x\0y", 3, 4096), 891);
	/* No split, no shard. */
	CHECK_INT(sl_shard_of("a.meyer", 7, 0), 0);
}

/* Every shard is used, none past n. */
static void
test_spread(void)
{
	unsigned seen[5] = { 0 }, s, i;
	char name[16];

	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "user%u", i);
		s = sl_shard_of(name, strlen(name), 4);
		CHECK(s >= 1 && s <= 4);
		if (s >= 1 && s <= 4)
			seen[s]++;
	}
	for (s = 1; s <= 4; s++)
		CHECK(seen[s] > 60);
}

int
main(void)
{
	test_values();
	test_spread();
	return check_done("shard");
}
