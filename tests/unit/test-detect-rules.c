/* test-detect-rules.c: rules files: settings by unit, levels, switches,
 * rules of their own, and the errors that name the line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect.h"
#include "check.h"

/* A rule with a setting of every unit, for the values to be read by. */
static const struct det_param fake_params[] = {
	{ "ratio", 4, DET_NUMBER },
	{ "min-events", 10, DET_COUNT },
	{ "window", 60, DET_SECONDS },
	{ "ceiling", 1e9, DET_BYTES },
	{ "routine", 0.2, DET_SHARE },
	{ NULL, 0, 0 },
};

static struct det_rule fake = {
	.name = "fake-rule",
	.level = SL_LEVEL_LOW,
	.params = fake_params,
};

static char path[64];

/* A run with the fake rule after the built-in ones; its index in *fi. */
static struct sl_detect *
run_new(int *fi)
{
	struct sl_detect *d = sl_detect_new(NULL);

	CHECK(d != NULL);
	*fi = det_add_rule(d, &fake);
	CHECK(*fi > 0);
	return d;
}

/* Load text as a rules file: the return value, the message in err. */
static int
load(struct sl_detect *d, const char *text)
{
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
	return sl_detect_load_rules(d, path);
}

static void
check_error(const char *text, const char *want)
{
	struct sl_detect *d;
	char full[512];
	int fi;

	d = run_new(&fi);
	CHECK_INT(load(d, text), -EINVAL);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	CHECK_STR(sl_detect_error(d), full);
	sl_detect_free(d);
}

static void
test_values(void)
{
	struct sl_detect *d;
	int fi, ci;

	d = run_new(&fi);
	CHECK_INT(load(d,
	    "# every unit\n"
	    "set fake-rule ratio -2.5\n"
	    "set fake-rule min-events 1000000\n"
	    "set fake-rule window 1h30m   # a comment\n"
	    "set fake-rule ceiling 2GB\n"
	    "\n"
	    "set fake-rule routine 35%\n"
	    "set concurrent-sessions min-overlap 10m\n"
	    "set concurrent-sessions routine-share 0.5\n"
	    "level fake-rule critical\n"
	    "disable concurrent-sessions\n"), 0);
	ci = det_rule_find(d, "concurrent-sessions");
	CHECK(ci >= 0);
	CHECK(det_param(d, fi, "ratio") == -2.5);
	CHECK(det_param(d, fi, "min-events") == 1e6);
	CHECK(det_param(d, fi, "window") == 5400);
	CHECK(det_param(d, fi, "ceiling") == 2e9);
	CHECK(det_param(d, fi, "routine") == 0.35);
	CHECK(det_param(d, ci, "min-overlap") == 600);
	CHECK(det_param(d, ci, "routine-share") == 0.5);
	CHECK_INT(d->level[fi], SL_LEVEL_CRITICAL);
	CHECK_INT(d->disabled[ci], 1);
	CHECK_INT(d->disabled[fi], 0);
	/* Sizes in both kinds of units; a later file changes them again. */
	CHECK_INT(load(d, "set fake-rule ceiling 3GiB\nenable "
	    "concurrent-sessions\n"), 0);
	CHECK(det_param(d, fi, "ceiling") == 3.0 * 1073741824.0);
	CHECK_INT(d->disabled[ci], 0);
	CHECK_INT(load(d, "set fake-rule ceiling 500\n"
	    "set fake-rule window 45\n"), 0);
	CHECK(det_param(d, fi, "ceiling") == 500);
	CHECK(det_param(d, fi, "window") == 45);
	CHECK_INT(load(d, "set fake-rule ceiling 1.5kB\n"), 0);
	CHECK(det_param(d, fi, "ceiling") == 1500);
	sl_detect_free(d);
}

static void
test_own_rules(void)
{
	struct sl_detect *d;
	size_t n;
	int fi, ri;

	d = run_new(&fi);
	n = sl_detect_rule_count(d);
	CHECK_INT(load(d,
	    "rule vip-export\n"
	    "  description \"exports of \\\"VIP\\\" data\"\n"
	    "  match action \"^export$\"\n"
	    "  except effective_purpose \".\"\n"
	    "  match text vip\n"
	    "  count 3 within 10m\n"
	    "  level high\n"
	    "end\n"
	    "set vip-export count 4\n"), 0);
	CHECK_INT(sl_detect_rule_count(d), n + 1);
	ri = det_rule_find(d, "vip-export");
	CHECK_INT(ri, (int)n);
	CHECK_STR(sl_detect_rule_name(d, n), "vip-export");
	CHECK(det_param(d, ri, "count") == 4);
	CHECK(det_param(d, ri, "window") == 600);
	CHECK_INT(d->level[ri], SL_LEVEL_HIGH);
	/* A rule without count: each matching event; the default level. */
	CHECK_INT(load(d, "rule any-delete\nmatch action delete\nend\n"), 0);
	ri = det_rule_find(d, "any-delete");
	CHECK(det_param(d, ri, "count") == 1);
	CHECK(det_param(d, ri, "window") == 3600);
	CHECK_INT(d->level[ri], SL_LEVEL_MEDIUM);
	/* Once users are made, the rules are fixed. */
	sl_detect_user_free(d, sl_detect_user_new(d, "ann", 3));
	CHECK_INT(load(d, "level any-delete low\n"), -EBUSY);
	sl_detect_free(d);
}

static void
test_errors(void)
{
	struct sl_detect *d;
	int fi;

	check_error("set off-hour threshold 3\n", "1: no rule \"off-hour\"");
	check_error("\n# two\nset concurrent-sessions overlap 5m\n",
	    "3: rule \"concurrent-sessions\" has no setting \"overlap\" (it "
	    "has min-overlap, routine-share)");
	check_error("set concurrent-sessions min-overlap 5 minutes\n",
	    "1: set: give a rule, a setting and a value");
	check_error("set concurrent-sessions min-overlap 5x\n",
	    "1: min-overlap: \"5x\" is not a duration (like 90s, 5m, 1h30m, "
	    "2d)");
	check_error("set concurrent-sessions routine-share 120%\n",
	    "1: routine-share: \"120%\" is not a share (0 to 1, or 0% to "
	    "100%)");
	check_error("set concurrent-sessions routine-share 1.5\n",
	    "1: routine-share: \"1.5\" is not a share (0 to 1, or 0% to "
	    "100%)");
	check_error("set fake-rule ceiling 1XB\n",
	    "1: ceiling: \"1XB\" is not a size (like 500MB, 1GB, 2GiB)");
	check_error("set fake-rule min-events 2.5\n",
	    "1: min-events: \"2.5\" is not a whole number");
	check_error("set fake-rule min-events -1\n",
	    "1: min-events: \"-1\" is not a whole number");
	check_error("set fake-rule ratio many\n",
	    "1: ratio: \"many\" is not a number");
	check_error("level concurrent-sessions severe\n",
	    "1: \"severe\" is not a level (info, low, medium, high, "
	    "critical)");
	check_error("disable nosuch\n", "1: no rule \"nosuch\"");
	check_error("threshold 3\n", "1: \"threshold\" is not a directive "
	    "(set, level, disable, enable, rule)");
	check_error("match query x\n", "1: \"match\" outside a rule");
	check_error("end\n", "1: \"end\" outside a rule");
	check_error("set a \"b\n", "1: unterminated string");
	check_error("rule concurrent-sessions\nend\n",
	    "1: rule \"concurrent-sessions\": there is a rule of that name");
	check_error("rule x\nend\nrule x\nend\n",
	    "3: rule \"x\": there is a rule of that name");
	check_error("rule Big\nend\n", "1: \"Big\" is not a rule name "
	    "(lower-case letters and digits, then also '-', '_', '.')");
	check_error("rule x\n match nofield y\nend\n",
	    "2: no field \"nofield\" (the event fields of grep-sessions -k, "
	    "text, effective_purpose)");
	check_error("rule x\n match query \"(\"\nend\n",
	    "2: bad pattern \"(\": missing closing parenthesis at offset 1");
	check_error("rule x\n count 0 within 5m\nend\n",
	    "2: count: 0 is out of range (1 to 100000)");
	check_error("rule x\n count 3 within 0\nend\n",
	    "2: within: the window must be longer than 0");
	check_error("rule x\n count 3 in 5m\nend\n",
	    "2: count: give \"count N within DURATION\"");
	check_error("rule x\n frob\nend\n", "2: \"frob\" is not a line of a "
	    "rule (description, level, match, except, count, end)");
	check_error("rule x\n rule y\n", "2: rule inside rule \"x\" (\"end\" "
	    "it first)");
	check_error("\nrule x\n match query y\n", "2: rule \"x\" has no "
	    "\"end\"");
	/* A missing file: path and why. */
	d = run_new(&fi);
	CHECK_INT(sl_detect_load_rules(d, "/nonexistent/rules"), -ENOENT);
	CHECK_STR(sl_detect_error(d), "/nonexistent/rules: No such file or "
	    "directory");
	sl_detect_free(d);
}

int
main(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/sl-rules.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return 2;
	close(fd);
	test_values();
	test_own_rules();
	test_errors();
	unlink(path);
	return check_done("detect-rules");
}
