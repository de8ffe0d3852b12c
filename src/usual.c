/* usual.c: a user's usual hours of the week (sessionlog.h, sessionlog(7)). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

void
sl_usual_defaults(struct sl_usual_settings *s)
{
	s->min_days = 2;
	s->min_share = 0.1;
	s->margin = 2;
	s->weekday_share = 0.25;
}

int
sl_usual_hours(const struct sl_usual_days *in,
    const struct sl_usual_settings *s, unsigned char usual[SL_USAGE_HOURS])
{
	unsigned char hour[24], wide[24];
	double need;
	int h, k, w, n = 0, margin;

	memset(usual, 0, SL_USAGE_HOURS);
	if ((double)in->days < s->min_days || in->days == 0)
		return 0;
	/* Days, not events: one long night does not make its hours usual,
	 * however busy it was. */
	need = s->min_days;
	if (s->min_share * (double)in->days > need)
		need = s->min_share * (double)in->days;
	for (h = 0; h < 24; h++)
		hour[h] = in->hour_days[h] > 0 &&
		    (double)in->hour_days[h] >= need;
	margin = s->margin > 0 ? (int)ceil(s->margin) : 0;
	if (margin > 12)
		margin = 12;
	memset(wide, 0, sizeof(wide));
	for (h = 0; h < 24; h++)
		if (hour[h])
			for (k = -margin; k <= margin; k++)
				wide[(h + k + 24) % 24] = 1;
	for (w = 0; w < 7; w++) {
		double want = s->weekday_share * (double)in->wday_days[w];

		if (in->wday_days[w] > 0 && (in->wday_active[w] == 0 ||
		    (double)in->wday_active[w] < want))
			continue;
		for (h = 0; h < 24; h++)
			if (wide[h]) {
				usual[w * 24 + h] = 1;
				n++;
			}
	}
	return n;
}
