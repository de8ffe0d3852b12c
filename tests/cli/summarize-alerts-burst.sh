#!/bin/sh
# summarize-alerts-burst: the rules search-burst and denied-burst, on the
# sample evidence (k.yilmaz's refusals) and on three weeks of generic JSON
# lines made here: a scraper, an analyst's weekly batch of searches, a
# colleague's first batch, a user with a few failures.
. "$SRCDIR/tests/cli/lib.sh"
# The rules tested here alone: others added later must not change it.
only_rules search-burst denied-burst
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# k.yilmaz is refused twelve times in under three minutes (truth.tsv:
# denied-burst); the isolated refusals of the sample are nothing, for
# everyone else and for him: one alert, high.
expect_eq "sample: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules)"
awk -F'\t' '$3 ~ /burst/ { print $2, $3, $4, $6, $7, $8, $9 }' out >got
cat >want <<'X'
high denied-burst k.yilmaz 2026-03-19T15:04:50.178245Z 2026-03-19T15:07:28.426387Z 12 0
X
expect_file "sample: the only burst alert" want got
expect_eq "sample: explanation" "12 denied or failed in 5 min at the peak, 12 (12 denied, 0 failed) over 3 min; the user's routine peak 0 (10 baseline days), the group's 1" \
    "$(awk -F'\t' '$3 == "denied-burst" { print $10 }' out)"
# The evidence is the refusals, the first eight named; the session and
# the truth's times agree.
expect_eq "sample: session" "8146ae09-61b4-4f76-9dfe-c032976a9fd3" \
    "$(awk -F'\t' '$3 == "denied-burst" { print $5 }' out)"
awk -F'\t' '$1 == "denied-burst" { print $2, $3 }' "$S/truth.tsv" >want
awk -F'\t' '$3 == "denied-burst" { print $4, $5 }' out >got
expect_file "sample: truth's user and session" want got
awk -F'\t' '$3 == "denied-burst" { print $11 }' out | sed 's/\\n/\n/g' |
    sed 's|.*!||' >got
for l in 48 49 50 51 52 53 54 55; do
	echo "audit/2026-03-19/k.yilmaz.jsonl.gz:$l"
done >want
expect_file "sample: evidence" want got

# Judged on its day against the 28 days before, alone (no group): high.
expect_eq "sample since: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --since 2026-03-19 --until 2026-03-20 -u k.yilmaz)"
awk -F'\t' 'NR > 1 { print $1, $2, $3, $4, $8, $9 }' out >got
echo "9b53e892ba8457d7 high denied-burst k.yilmaz 12 0" >want
expect_file "sample since: same id, high" want got

# Three weeks, Monday 2026-04-06 to Sunday 2026-04-26, UTC.  Everyone
# works weekdays from 09:00: a search, a look at a result 20-49 s later,
# the next search one to three minutes on, 14 times.  On top of that:
# - an.batch's batch of 240 searches, one a second, every Tuesday 16:00;
# - an.new, also an analyst, runs the same batch once, Tuesday 04-21;
# - de.scraper searches and loads 400 times in four minutes (one every
#   0.6 s) on Thursday 04-23 from 10:30;
# - an.plain's 08:00 check of an archive the analysts lost access to is
#   refused six times in 75 s every Wednesday; an.new tries it once,
#   Wednesday 04-22, and is refused eight times in under four minutes;
# - de.fails has three failed searches in two minutes on Thursday 04-16
#   and a refused load on 04-08 and 04-19.
mkfix() {
	awk -v users="an.batch an.new an.plain de.scraper de.plain de.fails" '
	function ts(d, ms,   s) {
		s = int(ms / 1000)
		return sprintf("2026-04-%02dT%02d:%02d:%02d.%03dZ", 6 + d,
		    int(s / 3600), int(s / 60) % 60, s % 60, ms % 1000)
	}
	function ev(u, d, ms, act, out, q) {
		fmt = "{\"@timestamp\":\"%s\",\"user\":\"%s\","
		fmt = fmt "\"session\":\"%s-%d\",\"action\":\"%s\","
		fmt = fmt "\"outcome\":\"%s\",\"query\":\"%s\","
		fmt = fmt "\"src\":\"192.0.2.%d\"}\n"
		printf fmt, ts(d, ms), u, u, d, act, out, q, 10 + ui
	}
	BEGIN {
		n = split(users, us, " ")
		for (d = 0; d < 21; d++) for (ui = 1; ui <= n; ui++) {
			u = us[ui]
			if (d % 7 < 5) {
				t = (9 * 3600 + ui * 420) * 1000
				ev(u, d, t, "login", "success", "")
				for (i = 0; i < 14; i++) {
					look = (20 + (i * 7 + d) % 30) * 1000
					ev(u, d, t, "search", "success",
					    "case " i)
					ev(u, d, t + look, "view", "success",
					    "")
					t += (60 + (i * 13 + d * 5) % 120) * 1000
				}
			}
			batch = u == "an.batch" && d % 7 == 1
			if (batch || (u == "an.new" && d == 15))
				for (i = 0; i < 240; i++)
					ev(u, d, 16 * 3600000 + i * 1000,
					    "search", "success", "batch " i)
			if (u == "de.scraper" && d == 17)
				for (i = 0; i < 400; i++) {
					t = 37800000 + i * 600
					if (i % 2)
						ev(u, d, t, "view", "success",
						    "")
					else
						ev(u, d, t, "search",
						    "success", "name " i)
				}
			if (u == "an.plain" && d % 7 == 2)
				for (i = 0; i < 6; i++)
					ev(u, d, 8 * 3600000 + i * 15000,
					    "view", "denied", "")
			if (u == "an.new" && d == 16)
				for (i = 0; i < 8; i++)
					ev(u, d, 8 * 3600000 + i * 30000,
					    "view", "denied", "")
			if (u == "de.fails" && d == 10)
				for (i = 0; i < 3; i++)
					ev(u, d, 14 * 3600000 + i * 50000,
					    "search", "error", "case x")
			if (u == "de.fails" && (d == 2 || d == 13))
				ev(u, d, 11 * 3600000, "view", "denied", "")
		}
	}'
}
mkfix >work.jsonl
printf 'user\tgroup\nan.batch\tanalysts\nan.new\tanalysts\nan.plain\tanalysts\nde.scraper\tdesk\nde.plain\tdesk\nde.fails\tdesk\n' \
    >groups.tsv
expect_eq "fixture case" 0 "$(run "$INGEST" -q -C fix work.jsonl)"

# Every day against the others, with the units: the scraper is far above
# his own and his desk's rates (high); the first batch of a new analyst
# is above her own but what her group does (medium); the weekly batch is
# the analyst's routine (info, each Tuesday).  Refusals alike: the weekly
# ones are routine (info), the new analyst's the group's (medium); a few
# failures are nothing.
expect_eq "fixture: exit" 0 "$(run "$SUM" -C fix --alerts --rules only.rules \
    --groups groups.tsv)"
awk -F'\t' 'NR > 1 { print $2, $3, $4, $6, $7, $8, $9 }' out >got
cat >want <<'X'
high search-burst de.scraper 2026-04-23T10:30:00.000000Z 2026-04-23T10:33:59.400000Z 100 3
medium search-burst an.new 2026-04-21T16:00:00.000000Z 2026-04-21T16:03:59.000000Z 60 3
medium denied-burst an.new 2026-04-22T08:00:00.000000Z 2026-04-22T08:03:30.000000Z 8 0
info search-burst an.batch 2026-04-07T16:00:00.000000Z 2026-04-07T16:03:59.000000Z 60 60
info search-burst an.batch 2026-04-14T16:00:00.000000Z 2026-04-14T16:03:59.000000Z 60 60
info search-burst an.batch 2026-04-21T16:00:00.000000Z 2026-04-21T16:03:59.000000Z 60 60
info denied-burst an.plain 2026-04-08T08:00:00.000000Z 2026-04-08T08:01:15.000000Z 6 6
info denied-burst an.plain 2026-04-15T08:00:00.000000Z 2026-04-15T08:01:15.000000Z 6 6
info denied-burst an.plain 2026-04-22T08:00:00.000000Z 2026-04-22T08:01:15.000000Z 6 6
X
expect_file "fixture: alerts" want got
expect_eq "fixture: scraper's explanation" "100 searches and loads in 1 min at the peak, 400 (200 searches, 200 loads) over 4 min; the user's routine peak 3 (14 baseline days), the group's 3" \
    "$(awk -F'\t' '$4 == "de.scraper" { print $10 }' out)"
expect_eq "fixture: new analyst's refusals" "8 denied or failed in 5 min at the peak, 8 (8 denied, 0 failed) over 4 min; the user's routine peak 0 (14 baseline days), the group's 6" \
    "$(awk -F'\t' '$3 == "denied-burst" && $4 == "an.new" { print $10 }' out)"
expect_eq "fixture: analyst's explanation" "60 searches and loads in 1 min at the peak, 240 (240 searches, 0 loads) over 4 min; the user's routine peak 60 (14 baseline days), the group's 3" \
    "$(awk -F'\t' '$4 == "an.batch" { print $10; exit }' out)"
# The evidence: the burst's first eight events.
grep -n '"2026-04-23T10:30:0.*"de.scraper"' work.jsonl | head -8 |
    sed 's/:.*//; s/^/work.jsonl:/' >want
awk -F'\t' '$4 == "de.scraper" { print $11 }' out | sed 's/\\n/\n/g' >got
expect_file "fixture: scraper's evidence" want got
id=$(awk -F'\t' '$4 == "de.scraper" { print $1 }' out)

# Without the units, everyone is one group, and the analysts' batches
# are something the group does: the scraper is medium.
expect_eq "fixture, one group: exit" 0 "$(run "$SUM" -C fix --alerts --rules only.rules \
    -u de.scraper)"
expect_eq "fixture, one group: one user alone" "medium" \
    "$(awk -F'\t' 'NR == 2 { print $2 }' out)"
expect_eq "fixture, one group: exit" 0 "$(run "$SUM" -C fix --alerts --rules only.rules)"
expect_eq "fixture, one group: scraper" "medium 100 3" \
    "$(awk -F'\t' '$4 == "de.scraper" { print $2, $8, $9 }' out)"

# The judged day against the 28 days before: the same alerts, the same
# ids; on the analyst's third Tuesday his batch is routine.
expect_eq "fixture since: exit" 0 "$(run "$SUM" -C fix --alerts --rules only.rules \
    --groups groups.tsv --since 2026-04-21 --until 2026-04-24)"
awk -F'\t' 'NR > 1 { print $2, $3, $4, $8, $9 }' out >got
cat >want <<'X'
high search-burst de.scraper 100 3
medium search-burst an.new 60 3
medium denied-burst an.new 8 0
info search-burst an.batch 60 60
info denied-burst an.plain 6 6
X
expect_file "fixture since: alerts" want got
expect_eq "fixture since: the scraper's id" "$id" \
    "$(awk -F'\t' '$4 == "de.scraper" { print $1 }' out)"

# A burst that grows keeps its id: cut off after two minutes, it is the
# same alert with fewer events.
expect_eq "growing: exit" 0 "$(run "$SUM" -C fix --alerts --rules only.rules \
    --groups groups.tsv --since 2026-04-23 --until 2026-04-23T10:32:00Z)"
expect_eq "growing: same id" "$id high 2026-04-23T10:31:59.400000Z" \
    "$(awk -F'\t' '$4 == "de.scraper" { print $1, $2, $7 }' out)"
expect_eq "growing: fewer events" "100 searches and loads in 1 min at the peak, 200 (100 searches, 100 loads) over 119 s; the user's routine peak 3 (13 baseline days), the group's 3" \
    "$(awk -F'\t' '$4 == "de.scraper" { print $10 }' out)"

done_testing
