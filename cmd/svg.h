/* svg.h: a timeline picture: one lane per user, sessions as bars, alerts
 * as marks, a time axis in the run's zone, a legend. */
#ifndef SL_SVG_H
#define SL_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sessionlog.h"

struct svg_bar {
	int64_t start, end;	/* us */
};

struct svg_mark {
	int64_t time;		/* us */
	int level;		/* enum sl_level */
	const char *title;	/* tooltip: rule and explanation */
};

struct svg_lane {
	const char *name;	/* any bytes: escaped */
	size_t namelen;
	struct svg_bar *bars;
	size_t nbars;
	struct svg_mark *marks;	/* the most serious first */
	size_t nmarks;
};

/* Draw the lanes over [from, to) (us) to fp, dates and hours as tz shows
 * them; title on top.  Returns 0, or -1 when fp failed. */
int svg_timeline(FILE *fp, const struct svg_lane *lanes, size_t n,
    int64_t from, int64_t to, const struct sl_tz *tz, const char *title);

#endif
