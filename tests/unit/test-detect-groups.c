/* test-detect-groups.c: the group a groups file gives each user
 * (sl_detect_group), as diff-users --peers group asks it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sessionlog.h"
#include "check.h"

int
main(void)
{
	struct sl_detect *d;
	struct sl_str g;
	char path[64];
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/sl-groups.XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return 2;
	fp = fdopen(fd, "w");
	/* The column asked for, not the first after user; a later row of a
	 * user wins. */
	fputs("user\tunit\tdesk\nann\tpatrol\td1\nbob\tfraud\td2\n"
	    "ann\tborder\td3\n", fp);
	fclose(fp);

	/* Without a groups file every user is in the group of none. */
	CHECK((d = sl_detect_new(NULL)) != NULL);
	g = sl_detect_group(d, "ann", 3);
	CHECK_MEM(g.p, g.n, "");
	CHECK_INT(sl_detect_load_groups(d, path, "unit"), 0);
	g = sl_detect_group(d, "ann", 3);
	CHECK_MEM(g.p, g.n, "border");
	g = sl_detect_group(d, "bob", 3);
	CHECK_MEM(g.p, g.n, "fraud");
	/* A prefix of a name is another user, without a row. */
	g = sl_detect_group(d, "an", 2);
	CHECK_MEM(g.p, g.n, "");
	g = sl_detect_group(d, "cal", 3);
	CHECK_MEM(g.p, g.n, "");
	sl_detect_free(d);

	CHECK((d = sl_detect_new(NULL)) != NULL);
	CHECK_INT(sl_detect_load_groups(d, path, "desk"), 0);
	g = sl_detect_group(d, "bob", 3);
	CHECK_MEM(g.p, g.n, "d2");
	sl_detect_free(d);

	unlink(path);
	return check_done("detect-groups");
}
