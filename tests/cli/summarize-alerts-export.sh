#!/bin/sh
# summarize-alerts-export: the rules bulk-export and export-growth, on the
# sample evidence and on a fixture of stewards, newcomers to bulk exports,
# exports of unknown size and a day of many small exports.
. "$SRCDIR/tests/cli/lib.sh"
# The rules tested here alone: others added later must not change it.
only_rules bulk-export export-growth
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

# Our two rules' alerts of the last run (columns 1-10, no header).
ours() {
	awk -F'\t' '$3 == "bulk-export" || $3 == "export-growth"' out |
	    cut -f1-10
}

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# Every day of the sample judged against the others: m.okafor's night
# session (truth.tsv: bulk-export-night, 18 exports, 2676912658 bytes) is
# the one bulk export, critical; no other user has one above low, and
# none has export growth (the night's exports are bulk-export's incident,
# not also growth's).
expect_eq "sample: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules)"
ours >got
cat >want <<'X'
eba3d6822f0be06b	critical	bulk-export	m.okafor	fc38a01f-3e44-406e-a5a3-c684dbb41e11	2026-03-12T01:14:53.692026Z	2026-03-12T01:36:10.017504Z	2676912658	85749	one session: 2.7 GB in 18 exports; own baseline 13 days, 3 sessions with exports, at most 86 kB, group's 144 kB, ceiling 1.0 GB
X
expect_file "sample: alerts" want got
expect_eq "sample: others above low" 0 "$(awk -F'\t' '$3 == "bulk-export" &&
    $4 != "m.okafor" && $2 != "info" && $2 != "low"' out | wc -l)"
expect_eq "sample: users judged" 30 "$("$SUM" -C case --by user --no-header |
    wc -l)"
# The evidence: the session's exports (the first 8 of 18), the first of
# them first, which the id is made of.
expect_eq "sample: json" 0 "$(run "$SUM" -C case --alerts --rules only.rules -u m.okafor --json)"
grep '"rule":"bulk-export"' out | sed 's/.*"evidence":\[//; s/\],"events":18}$//' |
    tr ',' '\n' >got
for l in 4 5 6 7 8 9 11 12; do
	echo "\"$S/audit/2026-03-12/m.okafor.jsonl.gz:$l\""
done >want
expect_file "sample: evidence" want got

# The same session judged with --since against the days before it has the
# same id and level; the sum of truth.tsv's bytes is the value.
expect_eq "since: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --since 2026-03-12 --until 2026-03-13)"
expect_eq "since: alert" \
    "eba3d6822f0be06b	critical	bulk-export	m.okafor	2676912658" \
    "$(ours | cut -f1-4,8)"
expect_eq "since: json value" 1 "$(run "$SUM" -C case --alerts --rules only.rules \
    --since 2026-03-12 --until 2026-03-13 -u m.okafor --json >/dev/null;
    grep -c '"rule":"bulk-export".*"value":2676912658,"baseline":85749,' out)"
# -u picks the alerts shown; the group is still everyone.
expect_eq "alone" "one session: 2.7 GB in 18 exports; own baseline 7 days, 3 sessions with exports, at most 86 kB, group's 129 kB, ceiling 1.0 GB" \
    "$(grep -o '"explanation":"[^"]*"' out | cut -d'"' -f4)"

# The fixture: generic JSON lines, four weeks of weekdays (2026-05-04 ..
# 2026-05-29), one session a day per user: login, a view, exports, logout.
cat >gen.awk <<'X'
function sess(u, d, h, n, b, r, ip,    s, t, i, x) {
	s = sprintf("%s-%02d-%02d", u, d, h)
	t = sprintf("2026-05-%02dT%02d", d, h)
	x = "\"user\":\"" u "\",\"session\":\"" s "\",\"src\":\"" ip "\""
	printf "{\"time\":\"%s:00:00Z\",%s,\"action\":\"login\",\"outcome\":\"success\"}\n", t, x
	printf "{\"time\":\"%s:05:00Z\",%s,\"action\":\"view\",\"outcome\":\"success\",\"dataset\":\"registry/persons\"}\n", t, x
	for (i = 0; i < n; i++) {
		printf "{\"time\":\"%s:%02d:%02dZ\",%s,\"action\":\"export\",\"outcome\":\"success\",\"dataset\":\"registry/persons\"", t, 10 + int(i / 2), (i % 2) * 30, x
		if (b >= 0)
			printf ",\"bytes\":%.0f", b
		if (r >= 0)
			printf ",\"rows\":%.0f", r
		printf "}\n"
	}
	printf "{\"time\":\"%s:59:00Z\",%s,\"action\":\"logout\",\"outcome\":\"success\"}\n", t, x
}
BEGIN {
	for (d = 4; d <= 29; d++) {
		w = (d - 4) % 7
		if (w > 4)
			continue
		# Data stewards: 600 MB weekly, on Mondays and on Tuesdays.
		sess("st.ward", d, 9, w == 0 ? 3 : 1, w == 0 ? 2e8 : 30000, -1, "192.0.2.10")
		sess("st.ward2", d, 10, w == 1 ? 2 : 0, 3e8, -1, "192.0.2.11")
		sess("rc.clerk", d, 8, 1, 20000 + (d % 3) * 5000, -1, "192.0.2.12")
		# A steward's extract by a clerk who never made one.
		sess("rc.new", d, 11, 1, d == 21 ? 6.5e8 : 40000, -1, "192.0.2.13")
		# Records, not bytes: 1.5 million of them once.
		sess("u.rows", d, 13, 1, -1, d == 14 ? 1500000 : 100 + d, "192.0.2.14")
		# No sizes at all: thirty exports in one session once.
		sess("u.nosize", d, 14, d == 12 ? 30 : 1, -1, -1, "192.0.2.15")
		# 3.5 GB in one export, new for the user and the group.
		sess("p.new", d, 9, d % 2 == 0 || d == 20, d == 20 ? 3.5e9 : 50000, -1, "192.0.2.20")
		# Forty small exports in a day instead of one or two.
		if (d == 27) {
			sess("p.busy", d, 8, 15, 60000, -1, "192.0.2.21")
			sess("p.busy", d, 13, 15, 60000, -1, "192.0.2.21")
			sess("p.busy", d, 15, 10, 60000, -1, "192.0.2.21")
		} else
			sess("p.busy", d, 8, 1 + d % 2, 60000, -1, "192.0.2.21")
		sess("p.other", d, 10, w == 1 || w == 3, 80000, -1, "192.0.2.22")
	}
}
X
awk -f gen.awk >exports.jsonl
expect_eq "fixture case" 0 "$(run "$INGEST" -q -C fx --profile generic-json \
    exports.jsonl)"
printf 'user\tgroup\n' >groups.tsv
for u in st.ward st.ward2 rc.clerk rc.new u.rows u.nosize; do
	printf '%s\trecords\n' $u
done >>groups.tsv
for u in p.new p.busy p.other; do
	printf '%s\tpatrol\n' $u
done >>groups.tsv

# Leave one day out: the stewards' weekly extracts are their routine and
# get nothing; the new 3.5 GB export is critical (above the 1 GB
# ceiling), 1.5 million records too; thirty exports of unknown size in a
# session are high; the clerk's first 600 MB extract is medium, since
# two stewards of the group make them; forty small exports in a day are
# growth, high; the days of the bulk exports are not also growth.
expect_eq "fixture: exit" 0 "$(run "$SUM" -C fx --alerts --rules only.rules --groups groups.tsv)"
ours >got
cat >want <<'X'
6bfa4ceea2494f18	critical	bulk-export	p.new	p.new-20-09	2026-05-20T09:10:00.000000Z	2026-05-20T09:10:00.000000Z	3500000000	50000	one session: 3.5 GB in 1 export; own baseline 19 days, 9 sessions with exports, at most 50 kB, group's 695 kB, ceiling 1.0 GB
716818a5d40df92a	critical	bulk-export	u.rows	u.rows-14-13	2026-05-14T13:10:00.000000Z	2026-05-14T13:10:00.000000Z	1500000	129	one session: 1,500,000 records in 1 export; own baseline 19 days, 19 sessions with exports, at most 129 records, group's 0 records, ceiling 1,000,000 records
bb8c4ca6aad617ca	high	export-growth	p.busy	p.busy-27-08	2026-05-27T08:10:00.000000Z	2026-05-27T15:14:30.000000Z	40	2	the day: 40 exports; own baseline 19 days, at most 2 exports, group's 1 export
598342ee880987be	high	bulk-export	u.nosize	u.nosize-12-14	2026-05-12T14:10:00.000000Z	2026-05-12T14:24:30.000000Z	30	1	one session: 30 exports, 30 of them of unknown size; own baseline 19 days, 19 sessions with exports, at most 1 export, group's 2 exports
a87b937c652a37f4	medium	bulk-export	rc.new	rc.new-21-11	2026-05-21T11:10:00.000000Z	2026-05-21T11:10:00.000000Z	650000000	40000	one session: 650 MB in 1 export; own baseline 19 days, 19 sessions with exports, at most 40 kB, group's 600 MB, ceiling 1.0 GB
X
expect_file "fixture: alerts" want got

# The group baseline: the same extract by the clerk counted among the
# patrol, where no one makes them, is new for the group too: high.
sed 's/^rc\.new\trecords$/rc.new\tpatrol/' groups.tsv >groups2.tsv
# (p.new's 3.5 GB export, another patrol incident, left out of what is
# judged: it would be the patrol's routine.)
expect_eq "group: exit" 0 "$(run "$SUM" -C fx --alerts --rules only.rules --groups groups2.tsv \
    -k 'user=^(rc\.new|p\.busy|p\.other)$')"
expect_eq "group: patrol" "high	rc.new	650 MB in 1 export" \
    "$(ours | awk -F'\t' '$4 == "rc.new"' | cut -f2,4,10 |
    sed 's/one session: //; s/;.*//')"

# With --since, the period judged against the --baseline before it: the
# stewards' fourth Monday against the 28 days before is routine; against
# 5 days, which hold no Monday, it is not.
expect_eq "since: steward" 0 "$(run "$SUM" -C fx --alerts --rules only.rules --groups groups.tsv \
    --since 2026-05-25 --until 2026-05-26)"
expect_eq "since: steward, 28d" "" "$(ours)"
expect_eq "since: steward 5d" 0 "$(run "$SUM" -C fx --alerts --rules only.rules \
    --groups groups.tsv --since 2026-05-25 --until 2026-05-26 --baseline 5d)"
cat >want <<'X'
5c69b13586b8cdb0	high	bulk-export	st.ward	st.ward-25-09	2026-05-25T09:10:00.000000Z	2026-05-25T09:11:00.000000Z	600000000	30000	one session: 600 MB in 3 exports; own baseline 3 days, 3 sessions with exports, at most 30 kB, group's 30 kB, ceiling 1.0 GB
X
ours >got
expect_file "since: steward, 5d" want got

# Growth over a judged week: its export count against what the baseline's
# days lead one to expect of 5 days (the daily mean times 5, or the
# busiest day if more), one alert for the period.
expect_eq "since: week" 0 "$(run "$SUM" -C fx --alerts --rules only.rules --groups groups.tsv \
    --since 2026-05-25)"
cat >want <<'X'
4450daebfe92fe79	high	export-growth	p.busy	p.busy-25-08	2026-05-25T08:10:00.000000Z	2026-05-29T08:10:30.000000Z	46	5.2381	the judged period (5 days): 46 exports; own baseline 15 days, expected 5 exports, group's 2 exports
X
ours >got
expect_file "since: week, growth" want got
# The day after is ordinary.
expect_eq "since: day after" 0 "$(run "$SUM" -C fx --alerts --rules only.rules \
    --groups groups.tsv --since 2026-05-28 --until 2026-05-29)"
expect_eq "since: day after, nothing" "" "$(ours)"

# No baseline at all (the case's first day): the floors say the
# session is large, not that it is new; medium.
expect_eq "no baseline" 0 "$(run "$SUM" -C fx --alerts --rules only.rules --groups groups.tsv \
    --since 2026-05-04 --until 2026-05-05)"
expect_eq "no baseline: alert" "medium	st.ward	one session: 600 MB in 3 exports; no own baseline, no group baseline, ceiling 1.0 GB" \
    "$(ours | cut -f2,4,10)"

# --fail-on sees them.
expect_eq "fail-on critical" 3 "$(run "$SUM" -C fx --alerts --rules only.rules -u p.new --groups groups.tsv \
    --fail-on critical)"

done_testing
