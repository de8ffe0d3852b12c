/* test-watch.c: watchlists: loading, folding, matching names and patterns. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "check.h"

static struct sl_watch *
watch(const char *text)
{
	struct sl_watch *w = sl_watch_new();
	char err[256] = "";
	int rc;

	rc = sl_watch_add(w, text, strlen(text), "t", err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "watch: %s\n", err);
	CHECK_INT(rc, 0);
	return w;
}

/* The matching entries of w in s, as "i,j" (or "" for none, "E" for an
 * error). */
static const char *
hits(const struct sl_watch *w, const char *s)
{
	static char buf[256];
	struct sl_str subj;
	size_t out[16], i, k = 0;
	int n;

	subj.p = s;
	subj.n = strlen(s);
	if ((n = sl_watch_test(w, &subj, 1, out, 16)) < 0)
		return "E";
	buf[0] = '\0';
	for (i = 0; i < (size_t)n && i < 16; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%zu",
		    i ? "," : "", out[i]);
	return buf;
}

/* Whether a one-line watchlist entry matches s. */
static int
one(const char *entry, const char *s)
{
	struct sl_watch *w = watch(entry);
	int r = strcmp(hits(w, s), "0") == 0;

	sl_watch_free(w);
	return r;
}

static int
add_err(const char *text, char *err, size_t errlen)
{
	struct sl_watch *w = sl_watch_new();
	int rc = sl_watch_add(w, text, strlen(text), "list.txt", err, errlen);

	sl_watch_free(w);
	return rc;
}

int
main(void)
{
	struct sl_watch *w;
	struct sl_event ev;
	char err[256], path[256], want[400];
	size_t out[4];
	int i, fd;

	/* NFC (U+00E9) and NFD (e U+0301) forms match both ways. */
	CHECK(one("Ren\xc3\xa9 Dub\xc3\xa9", "rene\xcc\x81 dube\xcc\x81"));
	CHECK(one("Rene\xcc\x81", "REN\xc3\x89"));
	/* Marks do not count: accent-insensitive. */
	CHECK(one("Ren\xc3\xa9", "Rene"));
	CHECK(one("Rene", "Ren\xc3\xa9"));

	/* Full case folding: ß is ss. */
	CHECK(one("Stra\xc3\x9f" "e", "STRASSE"));
	CHECK(one("STRASSE", "stra\xc3\x9f" "e"));
	CHECK(one("Gro\xc3\x9f", "GROSS"));
	/* Turkish: İ folds to i and a dot, the dot is a mark; dotless ı is
	 * taken as i.  So all spellings of Yılmaz meet (no Turkish locale:
	 * I is never ı). */
	CHECK(one("Y\xc4\xb1lmaz", "YILMAZ"));
	CHECK(one("Y\xc4\xb1lmaz", "yilmaz"));
	CHECK(one("YILMAZ", "y\xc4\xb1lmaz"));
	CHECK(one("\xc4\xb0stanbul", "istanbul"));
	CHECK(one("istanbul", "\xc4\xb0STANBUL"));

	/* Any order of the parts, any separators between them. */
	CHECK(one("Hartmann Lena", "lena hartmann"));
	CHECK(one("Lena Hartmann", "Hartmann, Lena"));
	CHECK(one("Lena Hartmann", "address of hartmann/lena"));
	CHECK(!one("Lena Hartmann", "Lena Hartung"));
	CHECK(!one("Lena Hartmann", "Hartmann"));
	/* Whole tokens only. */
	CHECK(!one("Ann", "Annabel"));
	CHECK(!one("Ann", "Hannah"));
	CHECK(one("Ann", "Ann-Marie"));
	CHECK(one("Ann", "who is ann?"));
	/* A soft hyphen does not split a token. */
	CHECK(one("Hartmann", "Hart\xc2\xad" "mann"));
	/* Compatibility forms: full-width letters. */
	CHECK(one("Lena", "\xef\xbc\xac\xef\xbd\x85\xef\xbd\x8e\xef\xbd\x81"));

	/* Names beyond Latin-1. */
	CHECK(one("\xc5\x81ukasz Wr\xc3\xb3" "bel", "wrobel lukasz"));
	CHECK(one("\xc5\x81ukasz Wr\xc3\xb3" "bel", "\xc5\x81UKASZ WR\xc3\x93" "BEL"));
	CHECK(one("Nguy\xe1\xbb\x85n V\xc4\x83n An", "nguyen van an"));
	CHECK(one("Nguy\xe1\xbb\x85n V\xc4\x83n An", "AN NGUY\xe1\xbb\x84N V\xc4\x82N"));
	CHECK(!one("Nguy\xe1\xbb\x85n V\xc4\x83n An", "nguyen van anh"));
	/* Greek and Cyrillic: case folding beyond Latin (final sigma). */
	CHECK(one("\xce\x9f\xce\x94\xce\xa5\xce\xa3\xce\xa3\xce\x95\xce\xa5\xce\xa3",
	    "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5\xcf\x85\xcf\x82"));
	CHECK(one("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd"));
	/* Müller and Mueller are different spellings, not forms. */
	CHECK(!one("M\xc3\xbcller", "Mueller"));

	/* Comments, blank lines, blanks around lines; entries in order,
	 * several matching at once. */
	w = watch("# protected persons\n\n  Lena Hartmann  \r\n"
	    "\t# indented comment\nBrandl\nre:\\bCASE-2026-0\\d{3}\\b\n"
	    "Nowak\n");
	CHECK_INT(sl_watch_count(w), 4);
	CHECK_STR(sl_watch_entry(w, 0), "Lena Hartmann");
	CHECK_STR(sl_watch_entry(w, 2), "re:\\bCASE-2026-0\\d{3}\\b");
	CHECK(sl_watch_entry(w, 4) == NULL);
	CHECK_STR(hits(w, "nowak and brandl"), "1,3");
	CHECK_STR(hits(w, "for case-2026-0151: Marek Brandl"), "1,2");
	CHECK_STR(hits(w, "CASE-2026-01511"), "");
	CHECK_STR(hits(w, "nothing"), "");
	/* Events: the query and each resource value; not the purpose. */
	memset(&ev, 0, sizeof(ev));
	ev.query.p = "hartmann lena";
	ev.query.n = strlen(ev.query.p);
	ev.resource.p = "/Agency/Lena\n/Agency/Hartmann/x\n/p/Nowak";
	ev.resource.n = strlen(ev.resource.p);
	ev.purpose.p = "Brandl";
	ev.purpose.n = 6;
	CHECK_INT(sl_watch_test_event(w, &ev, out, 4), 2);
	CHECK_INT(out[0], 0);
	CHECK_INT(out[1], 3);
	/* Parts in two resource values are not a name. */
	ev.query.n = 0;
	CHECK_INT(sl_watch_test_event(w, &ev, out, 4), 1);
	CHECK_INT(out[0], 3);
	/* More matches than room: the count, the first ones. */
	CHECK_INT(sl_watch_test_event(w, &ev, out, 0), 1);
	sl_watch_free(w);

	/* re: lines are caseless and see the subject in NFC. */
	w = watch("re:^m\xc3\xbcller\\b");
	CHECK_STR(hits(w, "MU\xcc\x88LLER, Jan"), "0");
	CHECK_STR(hits(w, "Jan M\xc3\xbcller"), "");
	/* Invalid UTF-8 in a subject: searched safely. */
	CHECK_STR(hits(w, "m\xc3\xbcller\xff"), "0");
	sl_watch_free(w);
	w = watch("Hartmann");
	CHECK_STR(hits(w, "\xffHartmann\xfe"), "0");
	CHECK_STR(hits(w, ""), "");
	sl_watch_free(w);

	/* Errors name the file and line. */
	CHECK_INT(add_err("ok\n# c\n\nre:(unclosed\n", err, sizeof(err)),
	    -EINVAL);
	CHECK_STR(err, "list.txt:4: bad pattern: missing closing "
	    "parenthesis at offset 9");
	CHECK_INT(add_err("a\n--\n", err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "list.txt:2: no letters or digits in \"--\"");
	CHECK_INT(add_err("a\nb\xff\n", err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "list.txt:2: not valid UTF-8");
	w = sl_watch_new();
	CHECK_INT(sl_watch_load(w, "/nonexistent/w.txt", err, sizeof(err)),
	    -ENOENT);
	CHECK_STR(err, "/nonexistent/w.txt: No such file or directory");
	/* A file: its entries, then an error at its line. */
	snprintf(path, sizeof(path), "%s/test-watch.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	CHECK((fd = mkstemp(path)) >= 0);
	CHECK(write(fd, "# list\nLena Hartmann\nre:[\n", 27) == 27);
	close(fd);
	CHECK_INT(sl_watch_load(w, path, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:3: bad pattern: missing terminating "
	    "] for character class at offset 1", path);
	CHECK_STR(err, want);
	CHECK_INT(sl_watch_count(w), 1);
	unlink(path);
	sl_watch_free(w);

	/* Thousands of entries: each found, nothing else. */
	w = sl_watch_new();
	for (i = 0; i < 5000; i++) {
		char line[64];

		snprintf(line, sizeof(line), "Person%d Family%d\n", i, i % 97);
		CHECK_INT(sl_watch_add(w, line, strlen(line), "big", err,
		    sizeof(err)), 0);
	}
	CHECK_INT(sl_watch_count(w), 5000);
	CHECK_STR(hits(w, "family3 person4853 person101"), "4853");
	CHECK_STR(hits(w, "family3 person4852"), "");
	sl_watch_free(w);
	return check_done("watch");
}
