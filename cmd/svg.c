/* svg.c: the timeline picture of summarize --svg (svg.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"

#define US_PER_S INT64_C(1000000)
#define US_PER_H (INT64_C(3600) * US_PER_S)
#define US_PER_D (INT64_C(24) * US_PER_H)

/* Layout, in pixels. */
#define WIDTH 1200
#define LABEL 170	/* the lane names' column */
#define RIGHT 20
#define TOP 56		/* title and axis labels */
#define LANE 24
#define BAR 10
#define LEGEND 56

static const char *const level_color[SL_LEVEL__COUNT] = {
	"#8c8c8c", "#4e79a7", "#e8a317", "#d62728", "#7b0000",
};

/* Text for XML: &, <, >, " escaped; control bytes and bytes that are not
 * UTF-8 as U+FFFD, so that any name from the evidence makes a valid
 * document. */
static void
xml_text(FILE *fp, const char *p, size_t n)
{
	size_t i = 0, k, len;
	unsigned char c;

	while (i < n) {
		c = (unsigned char)p[i];
		if (c == '&')
			fputs("&amp;", fp);
		else if (c == '<')
			fputs("&lt;", fp);
		else if (c == '>')
			fputs("&gt;", fp);
		else if (c == '"')
			fputs("&quot;", fp);
		else if (c < 0x20 || c == 0x7f)
			fputs("\xef\xbf\xbd", fp);
		else if (c < 0x80)
			fputc(c, fp);
		else {
			len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 :
			    c >= 0xc2 && c < 0xe0 ? 2 : 0;
			if (len == 0 || c >= 0xf5 || i + len > n)
				len = 0;
			for (k = 1; k < len; k++)
				if (((unsigned char)p[i + k] & 0xc0) != 0x80)
					len = 0;
			if (len == 0) {
				fputs("\xef\xbf\xbd", fp);
				i++;
				continue;
			}
			fwrite(p + i, 1, len, fp);
			i += len;
			continue;
		}
		i++;
	}
}

static double
xpos(int64_t t, int64_t from, int64_t to)
{
	double w = WIDTH - LABEL - RIGHT;

	if (to <= from)
		return LABEL;
	if (t < from)
		t = from;
	if (t > to)
		t = to;
	return LABEL + w * (double)(t - from) / (double)(to - from);
}

/* The local midnight at or before t. */
static int64_t
midnight(int64_t t, const struct sl_tz *tz)
{
	struct sl_civil c, m;
	int64_t r;

	sl_time_civil(t, tz, &c);
	r = t - ((int64_t)c.hour * 3600 + c.min * 60 + c.sec) * US_PER_S -
	    c.usec;
	/* A change of offset since midnight moved it. */
	sl_time_civil(r, tz, &m);
	if (m.offset != c.offset)
		r -= (int64_t)(c.offset - m.offset) * US_PER_S;
	return r;
}

/* The local midnight after the one at m. */
static int64_t
next_midnight(int64_t m, const struct sl_tz *tz)
{
	return midnight(m + US_PER_D + 3 * US_PER_H, tz);
}

static void
axis(FILE *fp, int64_t from, int64_t to, const struct sl_tz *tz, int height)
{
	static const int days_step[] = { 1, 2, 7, 14, 28, 91, 182, 364 };
	static const int hours_step[] = { 1, 2, 3, 6, 12 };
	int64_t span = to - from, t;
	struct sl_civil c;
	size_t i;
	int step = 0, k, bottom = height - LEGEND;

	if (span <= 2 * US_PER_D) {
		/* Hours. */
		for (i = 0; i < sizeof(hours_step) / sizeof(hours_step[0]);
		    i++)
			if (span / (hours_step[i] * US_PER_H) <= 12)
				break;
		step = i < sizeof(hours_step) / sizeof(hours_step[0]) ?
		    hours_step[i] : 24;
		for (t = from - from % US_PER_H; t < to; t += US_PER_H) {
			double x;

			if (t < from)
				continue;
			sl_time_civil(t, tz, &c);
			if (c.min != 0 || c.hour % step != 0)
				continue;
			x = xpos(t, from, to);
			fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" "
			    "x2=\"%.1f\" y2=\"%d\"/>\n", x, TOP - 6, x, bottom);
			fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%d\">"
			    "%02d:00</text>\n", x, TOP - 10, c.hour);
			if (c.hour == 0 || t == from)
				fprintf(fp, "<text class=\"date\" x=\"%.1f\" "
				    "y=\"%d\">%04lld-%02d-%02d</text>\n", x,
				    TOP - 26, (long long)c.year, c.month,
				    c.day);
		}
		return;
	}
	for (i = 0; i < sizeof(days_step) / sizeof(days_step[0]); i++)
		if (span / (days_step[i] * US_PER_D) <= 12)
			break;
	step = i < sizeof(days_step) / sizeof(days_step[0]) ?
	    days_step[i] : 728;
	/* Day ticks at local midnights; labelled every step days, weekly
	 * steps starting on Mondays. */
	k = 0;
	for (t = midnight(from, tz); t < to; t = next_midnight(t, tz)) {
		double x;
		int64_t dn;

		sl_time_civil(t, tz, &c);
		dn = sl_days_from_civil(c.year, c.month, c.day);
		if (t < from)
			continue;
		x = xpos(t, from, to);
		if (c.wday == 0 || c.wday == 6)
			fprintf(fp, "<rect class=\"weekend\" x=\"%.1f\" "
			    "y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n", x,
			    TOP, xpos(next_midnight(t, tz), from, to) - x,
			    bottom - TOP - 16);
		fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" "
		    "x2=\"%.1f\" y2=\"%d\"/>\n", x, TOP - 6, x, bottom - 16);
		if (step >= 7 ? c.wday == 1 && (dn - 4) / 7 % (step / 7) == 0 :
		    k % step == 0)
			fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%d\">"
			    "%04lld-%02d-%02d</text>\n", x, TOP - 10,
			    (long long)c.year, c.month, c.day);
		k++;
	}
}

int
svg_timeline(FILE *fp, const struct svg_lane *lanes, size_t n, int64_t from,
    int64_t to, const struct sl_tz *tz, const char *title)
{
	int height = TOP + (int)n * LANE + 16 + LEGEND;
	size_t i, k;
	int l;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
	    "font-size=\"12\">\n", WIDTH, height, WIDTH, height);
	fputs("<style>\n"
	    ".title{font-size:15px;font-weight:bold}\n"
	    ".tick{fill:#333;text-anchor:middle;font-size:11px}\n"
	    ".date{fill:#000;text-anchor:start;font-size:11px;"
	    "font-weight:bold}\n"
	    ".grid{stroke:#ddd;stroke-width:1}\n"
	    ".weekend{fill:#e9e4f0;fill-opacity:0.6}\n"
	    ".lane{fill:#f7f7f7}\n"
	    ".name{fill:#000;text-anchor:end;dominant-baseline:middle}\n"
	    ".session{fill:#4a7ab5;fill-opacity:0.85}\n"
	    "</style>\n", fp);
	fputs("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", fp);
	fputs("<text class=\"title\" x=\"10\" y=\"18\">", fp);
	xml_text(fp, title, strlen(title));
	fputs("</text>\n", fp);
	for (i = 0; i < n; i++) {
		int y = TOP + (int)i * LANE;

		if (i % 2 == 0)
			fprintf(fp, "<rect class=\"lane\" x=\"%d\" y=\"%d\" "
			    "width=\"%d\" height=\"%d\"/>\n", LABEL, y,
			    WIDTH - LABEL - RIGHT, LANE);
	}
	axis(fp, from, to, tz, height);
	for (i = 0; i < n; i++) {
		const struct svg_lane *ln = &lanes[i];
		int y = TOP + (int)i * LANE;

		fprintf(fp, "<g class=\"user\">\n<text class=\"name\" "
		    "x=\"%d\" y=\"%d\">", LABEL - 8, y + LANE / 2);
		xml_text(fp, ln->name, ln->namelen);
		fputs("</text>\n", fp);
		for (k = 0; k < ln->nbars; k++) {
			double a = xpos(ln->bars[k].start, from, to);
			double b = xpos(ln->bars[k].end, from, to);

			fprintf(fp, "<rect class=\"session\" x=\"%.1f\" "
			    "y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n", a,
			    y + (LANE - BAR) / 2, b - a < 1 ? 1 : b - a, BAR);
		}
		/* The marks come ranked, the most serious first: drawn
		 * last, on top of a lesser one at the same time. */
		for (k = ln->nmarks; k-- > 0;) {
			const struct svg_mark *m = &ln->marks[k];
			double x = xpos(m->time, from, to);
			int lv = m->level < 0 ? 0 : m->level >= SL_LEVEL__COUNT ?
			    SL_LEVEL__COUNT - 1 : m->level;

			/* A diamond over the lane, its level's colour, the
			 * rule and explanation as its tooltip. */
			fprintf(fp, "<path class=\"alert %s\" d=\"M%.1f %d "
			    "l6 7 l-6 7 l-6 -7 z\" fill=\"%s\" stroke=\"#fff\" "
			    "stroke-width=\"1\"><title>", sl_level_name(lv), x,
			    y + LANE / 2 - 7, level_color[lv]);
			xml_text(fp, m->title, strlen(m->title));
			fputs("</title></path>\n", fp);
		}
		fputs("</g>\n", fp);
	}
	/* The legend. */
	{
		int y = height - LEGEND + 24, x = LABEL;

		fprintf(fp, "<g class=\"legend\">\n<rect class=\"session\" "
		    "x=\"%d\" y=\"%d\" width=\"24\" height=\"%d\"/>\n"
		    "<text x=\"%d\" y=\"%d\">session</text>\n", x, y - BAR / 2,
		    BAR, x + 30, y + 4);
		x += 110;
		for (l = 0; l < SL_LEVEL__COUNT; l++) {
			fprintf(fp, "<path d=\"M%d %d l6 7 l-6 7 l-6 -7 z\" "
			    "fill=\"%s\"/>\n<text x=\"%d\" y=\"%d\">%s alert"
			    "</text>\n", x + 6, y - 7, level_color[l], x + 16,
			    y + 4, sl_level_name(l));
			x += 110;
		}
		fprintf(fp, "<text x=\"%d\" y=\"%d\" fill=\"#555\">times in "
		    "%s</text>\n</g>\n", x + 10, y + 4, sl_tz_name(tz));
	}
	fputs("</svg>\n", fp);
	return ferror(fp) ? -1 : 0;
}
