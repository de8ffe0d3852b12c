#!/bin/sh
# summarize-alerts-hours: the off-hours rule on the sample evidence and on
# a fixture of its own: a night unit, a day worker at night, a liaison
# officer drifting later, weekend duty, and a fixed --work-hours policy.
. "$SRCDIR/tests/cli/lib.sh"
# The rules tested here alone: others added later must not change it.
only_rules off-hours
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# m.okafor's night session (truth.tsv: bulk-export-night, 02:13 CET) is
# high: hours the user never works, nor anyone else, with exports.  The
# same id judged on its day against the days before and leave-one-day-out.
expect_eq "sample: since" 0 "$(run "$SUM" -C case --alerts --rules only.rules --tz Etc/GMT-1 \
    --since 2026-03-12 --until 2026-03-13 -u m.okafor)"
awk -F'\t' 'NR == 1 || $3 == "off-hours"' out | cut -f1-9 >got
cat >want <<'X'
id	level	rule	user	session	start	end	value	baseline
f7089a32a8608061	high	off-hours	m.okafor	fc38a01f-3e44-406e-a5a3-c684dbb41e11	2026-03-12T02:13:46.376497+01:00	2026-03-12T02:37:09.348221+01:00	24	0
X
expect_file "sample: night export" want got

# The whole sample, every day against the others: the planted night,
# one evening far from a user's short days where others work at times
# (medium), and low ones for a first weekend duty or a late evening.
expect_eq "sample: all" 0 "$(run "$SUM" -C case --alerts --rules only.rules --tz Europe/Berlin)"
awk -F'\t' '$3 == "off-hours" { print $1, $2, $4, $6 }' out >got
cat >want <<'X'
f7089a32a8608061 high m.okafor 2026-03-12T02:13:46.376497+01:00
fa080df215e28cdc medium n.becker 2026-03-12T19:07:34.138705+01:00
0778b56802455eb6 low p.moreau 2026-03-08T11:59:34.000000+01:00
X
head -3 got >got3
expect_file "sample: first alerts" want got3
expect_eq "sample: few" "1 high, 1 medium, 10 low" "$(awk '
	{ n[$2]++ } END { printf "%d high, %d medium, %d low", n["high"],
	    n["medium"], n["low"] }' got)"
expect_eq "sample: explanation" "24 events Thu 02:13-Thu 02:37, 4 h from own usual hours (Mon-Fri 06:00-19:00); 0.0% of own baseline events at these hours; not usual for the group; 21 data accesses, 18 exports" \
    "$(awk -F'\t' '$3 == "off-hours" && $4 == "m.okafor" { print $10 }' out)"

# A fixture four weeks long from Monday 2026-01-05 in India's zone
# (+05:30), as generic JSON lines: an office of three day workers and a
# liaison officer whose day starts and ends ten minutes later each day; a
# night unit of three working 22:00-06:00, and a new member of it in the
# last week only.  d.day2 is on duty one Saturday; d.day1, who only ever
# works days, logs in at 02:10 one Wednesday and exports three times.
cat >gen.awk <<'X'
function stamp(k, m,    dom, mon) {
	k += int(m / 1440); m %= 1440
	dom = 5 + k; mon = 1
	if (dom > 31) { dom -= 31; mon = 2 }
	return sprintf("2026-%02d-%02dT%02d:%02d:00+05:30", mon, dom,
	    int(m / 60), m % 60)
}
function ev(u, k, m, act, sid, extra) {
	printf "{\"@timestamp\":\"%s\",\"user\":\"%s\",\"action\":\"%s\"," \
	    "\"session\":\"%s\",\"src\":\"192.0.2.%d\"," \
	    "\"resource\":\"/reg/persons\"%s}\n", stamp(k, m), u, act, sid,
	    10 + length(u), extra
}
function sess(u, k, a, b,    m, n, sid) {
	sid = u "-" k "-" a
	ev(u, k, a, "login", sid, "")
	for (m = a + 5; m < b; m += 20)
		ev(u, k, m, (n++ % 2) ? "view" : "search", sid, "")
	ev(u, k, b, "logout", sid, "")
}
BEGIN {
	for (k = 0; k < 28; k++) {
		if (k % 7 >= 5)
			continue
		sess("d.day1", k, 9 * 60 + 5, 16 * 60 + 50)
		sess("d.day2", k, 8 * 60 + 55, 17 * 60 + 10)
		sess("d.day3", k, 9 * 60 + 20, 17 * 60)
		sess("l.drift", k, 9 * 60 + 10 * k, 17 * 60 + 10 * k)
		sess("n.one", k, 22 * 60, 29 * 60 + 50)
		sess("n.two", k, 21 * 60 + 50, 30 * 60)
		sess("n.three", k, 22 * 60 + 10, 29 * 60 + 40)
		if (k >= 21)
			sess("n.new", k, 22 * 60, 29 * 60 + 45)
	}
	sess("d.day2", 19, 10 * 60, 12 * 60)
	sid = "d.day1-night"
	ev("d.day1", 23, 2 * 60 + 10, "login", sid, "")
	ev("d.day1", 23, 2 * 60 + 12, "search", sid, "")
	ev("d.day1", 23, 2 * 60 + 14, "view", sid, "")
	for (i = 0; i < 3; i++)
		ev("d.day1", 23, 2 * 60 + 16 + i, "export", sid,
		    ",\"rows\":50000,\"bytes\":90000000")
	ev("d.day1", 23, 2 * 60 + 25, "logout", sid, "")
}
X
awk -f gen.awk >hours.jsonl
printf 'user\tunit\n' >units.tsv
for u in d.day1 d.day2 d.day3 l.drift; do printf '%s\toffice\n' $u; done \
    >>units.tsv
for u in n.one n.two n.three n.new; do printf '%s\tnights\n' $u; done \
    >>units.tsv
expect_eq "fixture case" 0 "$(run "$INGEST" -q -C fx --profile generic-json \
    hours.jsonl)"
Z="--tz Asia/Kolkata"

# With the units: the day worker at night is high; the night unit's
# nights, its new member's (judged by the unit's hours), and the
# drifting liaison officer are not alerted; the first Saturday on duty,
# at the worker's own day hours, is low.
expect_eq "units: exit" 0 "$(run "$SUM" -C fx --alerts --rules only.rules $Z \
    --groups units.tsv --group-column unit)"
cut -f1-4,6,8-10 out >got
cat >want <<'X'
id	level	rule	user	start	value	baseline	explanation
3a3e5447779d0f14	high	off-hours	d.day1	2026-01-28T02:10:00.000000+05:30	7	0	7 events Wed 02:10-Wed 02:25, 5 h from own usual hours (Mon-Fri 07:00-19:00); 0.0% of own baseline events at these hours; not usual for the group; 4 data accesses, 3 exports
692c7ba4383675f5	low	off-hours	d.day2	2026-01-24T10:00:00.000000+05:30	8	0	8 events Sat 10:00-Sat 12:00, on a day outside own usual hours (Mon-Fri 06:00-20:00); 0.0% of own baseline events at these hours; not usual for the group; 3 data accesses, 0 exports
X
expect_file "units: alerts" want got

# The last week judged against the three before it: the liaison officer
# is now later than every baseline day, and still not alerted; the night
# keeps its id.
expect_eq "since: exit" 0 "$(run "$SUM" -C fx --alerts --rules only.rules $Z \
    --groups units.tsv --group-column unit --since 2026-01-26 \
    --until 2026-02-02)"
cut -f1-4 out >got
cat >want <<'X'
id	level	rule	user
3a3e5447779d0f14	high	off-hours	d.day1
X
expect_file "since: alerts" want got

# Without a groups file everyone is one group, and the night unit makes
# nights something the group does: the same night is low.
expect_eq "one group: exit" 0 "$(run "$SUM" -C fx --alerts --rules only.rules $Z)"
cut -f2,4 out | sed 1d >got
printf 'low\td.day2\nlow\td.day1\n' >want
expect_file "one group: alerts" want got
expect_grep "one group: why" '02:10-Wed 02:25, .*; usual for the group;' out

# A fixed policy replaces the learned hours: everything outside it is
# off-hours, the night unit too; far outside with exports is high, far
# outside is medium, just outside (within near-hours) low.
expect_eq "policy: exit" 0 "$(run "$SUM" -C fx --alerts --rules only.rules $Z \
    --groups units.tsv --group-column unit --since 2026-01-28 \
    --until 2026-01-29 --work-hours 08:00-18:00 --workdays Mon-Fri)"
cut -f2,4,6,8 out >got
cat >want <<'X'
level	user	start	value
high	d.day1	2026-01-28T02:10:00.000000+05:30	7
medium	n.one	2026-01-28T00:05:00.000000+05:30	19
medium	n.two	2026-01-28T00:15:00.000000+05:30	19
medium	n.new	2026-01-28T00:05:00.000000+05:30	18
medium	n.three	2026-01-28T00:15:00.000000+05:30	18
medium	l.drift	2026-01-28T18:15:00.000000+05:30	9
medium	n.two	2026-01-28T21:50:00.000000+05:30	8
medium	n.new	2026-01-28T22:00:00.000000+05:30	7
medium	n.one	2026-01-28T22:00:00.000000+05:30	7
medium	n.three	2026-01-28T22:10:00.000000+05:30	7
X
expect_file "policy: alerts" want got
expect_grep "policy: why" '^.*	7 events Wed 02:10-Wed 02:25, 5 h 50 min outside working hours \(Mon-Fri 08:00-18:00\);' out

# A night policy across midnight: a shift belongs to the day it starts
# on, so Friday night's hours on Saturday morning are inside; Saturday
# day duty is outside (a weekend), and only a little after the shift's
# end at first, so the distance is the stretch's farthest minute.
expect_eq "night policy: exit" 0 "$(run "$SUM" -C fx --alerts --rules only.rules $Z \
    --since 2026-01-24 --until 2026-01-25 --work-hours 22:00-06:00 \
    --workdays Mon-Fri)"
cut -f2,4,10 out | sed 1d >got
printf 'medium\td.day2\t8 events Sat 10:00-Sat 12:00, 6 h 01 min outside working hours (Mon-Fri 22:00-06:00); 0.0%% of own baseline events at these hours; 3 data accesses, 0 exports\n' >want
expect_file "night policy: alerts" want got

done_testing
