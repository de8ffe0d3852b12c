#!/bin/sh
# summarize-alerts: the alerts framework on the sample evidence: a judged
# period with its baseline, the output formats, --fail-on, groups files.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# s.novak's two sessions at once (truth.tsv: shared-account-concurrent),
# judged on its day against the days before: new for the user and the
# group, so high.
expect_eq "concurrent: exit" 0 "$(run "$SUM" -C case --alerts \
    --since 2026-03-05 --until 2026-03-06 -u s.novak)"
cut -f1-9 out >got
cat >want <<'X'
id	level	rule	user	session	start	end	value	baseline
2567cbcf13fa1c62	high	concurrent-sessions	s.novak	1e29fdbd-3972-4db7-9010-61776cdd7b77	2026-03-05T07:29:21.324231Z	2026-03-05T08:15:02.934689Z	45.6935	0
X
expect_file "concurrent: alert" want got
expect_eq "concurrent: explanation" "two sessions at once from 10.20.14.134 and 10.20.15.57 for 46 min; on 0% of own baseline days (3), 0% of group's" \
    "$(sed 1d out | cut -f10)"
expect_eq "concurrent: evidence" "$S/audit/2026-03-05/s.novak.jsonl.gz:1" \
    "$(sed 1d out | cut -f11 | sed 's/\\n.*//')"

# The same alert has the same id without --since (every day judged
# against the others) and in JSON, with numbers as numbers.
expect_eq "json: exit" 0 "$(run "$SUM" -C case --alerts -u s.novak --json)"
expect_grep "json: same id, numbers" \
    '^\{"id":"2567cbcf13fa1c62","level":"high","rule":"concurrent-sessions","user":"s.novak",.*"value":45.6935,"baseline":0,' out

# --fail-on: 3 at or above the level, 0 below it.
expect_eq "fail-on high" 3 "$(run "$SUM" -C case --alerts -u s.novak \
    --fail-on high)"
expect_eq "fail-on critical" 0 "$(run "$SUM" -C case --alerts -u s.novak \
    --fail-on critical)"
expect_eq "fail-on bad" 2 "$(run "$SUM" -C case --alerts --fail-on severe)"
expect_eq "fail-on bad: message" 'summarize: --fail-on: "severe" is not a level (info, low, medium, high, critical)' "$(cat err)"
expect_eq "fail-on without alerts" 2 "$(run "$SUM" -C case --fail-on high)"

# Groups: a header with "user" and the group column, else an error.
printf 'user\tunit\ns.novak\tpatrol\n' >groups.tsv
expect_eq "groups: column" 0 "$(run "$SUM" -C case --alerts -u s.novak \
    --groups groups.tsv --group-column unit)"
expect_eq "groups: no column" 2 "$(run "$SUM" -C case --alerts \
    --groups groups.tsv)"
expect_eq "groups: no column: message" \
    'summarize: --groups: groups.tsv:1: the header names no column "group"' \
    "$(cat err)"
expect_eq "groups: missing file" 2 "$(run "$SUM" -C case --alerts \
    --groups nothere.tsv)"
expect_eq "groups: missing file: message" \
    'summarize: --groups: nothere.tsv: No such file or directory' \
    "$(cat err)"

# --work-hours takes one range, --workdays needs it.
expect_eq "work-hours bad" 2 "$(run "$SUM" -C case --alerts \
    --work-hours 07:00-19:00,20:00-21:00)"
expect_eq "workdays alone" 2 "$(run "$SUM" -C case --alerts \
    --workdays Mon-Fri)"

# --min-level: the alerts at or above a level; --fail-on judges those.
expect_eq "min-level: exit" 0 "$(run "$SUM" -C case --alerts \
    --min-level high --no-header)"
expect_eq "min-level: high and critical only" "critical high" \
    "$(cut -f2 out | sort -u | tr '\n' ' ' | sed 's/ $//')"
expect_eq "min-level bad" 2 "$(run "$SUM" -C case --alerts --min-level x)"
expect_eq "min-level without alerts" 2 "$(run "$SUM" -C case \
    --min-level high)"

# --list-rules: every rule, on, with its base level and settings.
expect_eq "list-rules: exit" 0 "$(run "$SUM" --list-rules)"
cut -f1-3 out >got
cat >want <<'X'
rule	level	enabled
bulk-export	high	*
export-growth	medium	*
off-hours	medium	*
search-burst	medium	*
no-purpose	low	*
boilerplate-purpose	low	*
purpose-policy	medium	*
watchlist	medium	*
rare-access	low	*
concurrent-sessions	medium	*
denied-burst	medium	*
log-integrity	medium	*
X
expect_file "list-rules" want got
expect_eq "list-rules: concurrent-sessions settings" \
    'min-overlap=300s\nroutine-share=0.2' \
    "$(awk -F'\t' '$1 == "concurrent-sessions" { print $4 }' out)"
printf 'disable off-hours\nlevel watchlist high\n' >r.rules
"$SUM" --list-rules --rules r.rules | awk -F'\t' \
    '$1 == "off-hours" || $1 == "watchlist" { print $1, $2, $3 }' >got
printf 'off-hours medium \nwatchlist high *\n' >want
expect_file "list-rules with a rules file" want got
# Settings take their units: a window as a duration, a floor as a size.
printf 'set search-burst window 2m\nset bulk-export min-bytes 50MB\n' >u.rules
expect_eq "settings with units" \
    "bulk-export min-bytes=50000000B search-burst window=120s" \
    "$("$SUM" --list-rules --rules u.rules | awk -F'\t' '
	$1 == "search-burst" || $1 == "bulk-export" {
		n = split($4, s, /\\n/)
		for (i = 1; i <= n; i++)
			if (s[i] ~ /^(window|min-bytes)=/)
				printf "%s%s %s", sep, $1, s[i]
		sep = " "
	}' | sed 's/^ //')"
printf 'set search-burst window many\n' >bad.rules
expect_eq "settings: a bad duration" 2 "$(run "$SUM" --list-rules \
    --rules bad.rules)"

done_testing
