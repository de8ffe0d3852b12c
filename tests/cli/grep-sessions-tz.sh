#!/bin/sh
# grep-sessions-tz.sh: one zone per run.  --tz reads the evidence's and the
# command line's times without a zone and prints the times; without it the
# zone of the case's sources is used; --hours and --weekdays in that zone,
# across a change to daylight saving time (tests/cli/data/dst.csv).
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
NY=America/New_York

cp "$SRCDIR/tests/cli/data/dst.csv" .
expect_eq "ingest --tz" 0 "$(run "$INGEST" -q -C c --tz $NY dst.csv)"
expect_eq "manifest: the zone" "$NY" "$(awk -F'\t' 'NR == 1 {
	for (i = 1; i <= NF; i++) if ($i == "tz") k = i; next } { print $k }' \
    c/manifest.tsv)"
export SESSIONLOG_CASE=c

# check NAME STATUS EXPECTED-OUT EXPECTED-ERR -- ARGS: exact stdout, stderr
# and status, against the case.
check() {
	name=$1 want_st=$2 want=$3 want_err=$4
	shift 5
	printf '%s' "$want" >expected
	[ -n "$want" ] && echo >>expected
	st=$(run "$GS" "$@")
	expect_eq "$name: exit" "$want_st" "$st"
	expect_file "$name" expected out
	expect_eq "$name: stderr" "$want_err" "$(cat err)"
}
# raw: the same against the raw source read with --tz.
raw() {
	name=$1 want_st=$2 want=$3 want_err=$4
	shift 5
	check "$name (raw)" "$want_st" "$want" "$want_err" -- "$@" dst.csv
}

NOTE="grep-sessions: times are read in $NY, the zone of the case's sources (--tz chooses another)"
D=2026-03-0

# Printed in the zone with the offset in force: EST, then EDT from 03:00
# on the 8th (the hour 02:00-03:00 does not exist).
ALL="r1	${D}7T21:59:00.000000-05:00
r2	${D}7T22:00:00.000000-05:00
r3	${D}8T01:59:59.000000-05:00
r4	${D}8T03:00:00.000000-04:00
r5	${D}8T05:59:00.000000-04:00
r6	${D}8T06:00:00.000000-04:00
r7	${D}9T12:00:00.000000-04:00
r8	2026-03-10T23:30:00.000000-04:00
r9	2026-03-13T09:00:00.000000-04:00"
check "--tz prints" 0 "$ALL" "" -- --tz $NY -o resource,time --no-header
raw "--tz prints" 0 "$ALL" "" -- --tz $NY -o resource,time --no-header
# Without --tz, times are printed in UTC, and with no time to read there is
# nothing to say about the zone.
check "UTC by default" 0 "r1	${D}8T02:59:00.000000Z
r3	${D}8T06:59:59.000000Z
r4	${D}8T07:00:00.000000Z
r8	2026-03-11T03:30:00.000000Z" "" -- -e 'r[1348]' -o resource,time --no-header
# JSON and session rows too.
check "--json" 0 '{"time":"2026-03-08T03:00:00.000000-04:00","resource":["r4"]}' \
    "" -- --json --tz $NY -e r4 -o time,resource
check "-l" 0 "ann	ann@${D}8T06:59:59.000000Z	${D}8T01:59:59.000000-05:00	${D}8T03:00:00.000000-04:00	2	1" \
    "" -- -l --tz $NY -e r4 --no-header

# --since/--until without a zone: in the case's zone, said on stderr.
check "--since, case zone" 0 "r4	${D}8T07:00:00.000000Z
r5	${D}8T09:59:00.000000Z" "$NOTE" -- --since ${D}8T03:00 \
    --until ${D}8T06:00 -o resource,time --no-header
# --tz chooses: the same instants asked for in UTC, printed in UTC.
check "--since, --tz UTC" 0 "r4	${D}8T07:00:00.000000Z
r5	${D}8T09:59:00.000000Z" "" -- --tz UTC --since ${D}8T07:00 \
    --until ${D}8T10:00 -o resource,time --no-header
raw "--since, --tz" 0 "r4	${D}8T03:00:00.000000-04:00
r5	${D}8T05:59:00.000000-04:00" "" -- --tz $NY --since ${D}8T03:00 \
    --until ${D}8T06:00 -o resource,time --no-header
# A bare date is the zone's midnight; "today" too, with a fixed now.
check "--since date" 0 "r3
r4
r5
r6" "$NOTE" -- --since ${D}8 --until ${D}9 -o resource --no-header
SESSIONLOG_NOW=${D}8T12:00:00Z check "--since today" 0 "r3
r4
r5
r6" "" -- --tz $NY --since today --until now -o resource \
    --no-header

# --hours: start inclusive, end exclusive, across midnight.
NIGHT="r2
r3
r4
r5
r8"
check "--hours 22:00-06:00" 0 "$NIGHT" "" -- --tz $NY --hours 22:00-06:00 \
    -o resource --no-header
raw "--hours 22:00-06:00" 0 "$NIGHT" "" -- --tz $NY --hours 22:00-06:00 \
    -o resource --no-header
check "--hours, case zone" 0 "$NIGHT" "$NOTE" -- --hours 22:00-06:00 \
    -o resource --no-header
check "--hours in UTC" 0 "r1
r2
r8" "" -- --tz UTC --hours 22:00-06:00 -o resource --no-header
check "--hours, two ranges" 0 "r1
r3" "" -- --tz $NY --hours 00:00-02:00,21:00-22:00 -o resource --no-header
check "--hours to 24:00" 0 "r8" "" -- --tz $NY --hours 23:00-24:00 \
    -o resource --no-header
# --weekdays: the day of the event in the zone.
check "--weekdays Sat,Sun" 0 "r1
r2
r3
r4
r5
r6" "" -- --tz $NY --weekdays Sat,Sun -o resource --no-header
check "--weekdays tuesday" 0 "r8" "" -- --tz $NY --weekdays tuesday \
    -o resource --no-header
check "--weekdays in UTC" 0 "r8" "" -- --tz UTC --weekdays WED \
    -o resource --no-header
check "--weekdays Fri-Mon" 0 "r1
r2
r3
r4
r5
r6
r7
r9" "" -- --tz $NY --weekdays Fri-Mon -o resource --no-header
check "office hours" 0 "r7
r9" "" -- --tz $NY --weekdays Mon-Fri --hours 09:00-17:00 -o resource \
    --no-header
# An event filter: -s still shows the whole session, marking the hits.
check "-s" 0 "#session	bob	bob@2026-03-11T03:30:00.000000Z	2026-03-10T23:30:00.000000-04:00	2026-03-10T23:30:00.000000-04:00	0s	1	1	192.0.2.20
*	2026-03-10T23:30:00.000000-04:00	r8" "" -- -s --tz $NY --weekdays Tue \
    -o match,time,resource --no-header

# Errors: exit 2, said clearly, with or without a case.
bad() {
	name=$1 msg=$2
	shift 2
	check "$name" 2 "" "grep-sessions: $msg" -- "$@"
	raw "$name" 2 "" "grep-sessions: $msg" -- "$@"
}
bad "bad --tz" '--tz: unknown time zone "Mars/Olympus": No such file or directory' \
    --tz Mars/Olympus
bad "bad --tz path" '--tz: invalid time zone name "../../etc/passwd"' \
    --tz ../../etc/passwd
for h in 25:00-01:00 22:00 22-06 22:00-06:60 24:00-01:00 22:00-06:00, ''; do
	bad "bad --hours '$h'" "--hours: \"$h\" is not a time of day range (like 09:00-17:00, or 22:00-06:00 across midnight)" \
	    --hours "$h"
done
bad "bad --weekdays" '--weekdays: "Funday" is not a day or a range of days (like Sat,Sun or Mon-Fri)' \
    --weekdays Mon,Funday
bad "bad --weekdays range" '--weekdays: "Mon-Xyz" is not a day or a range of days (like Sat,Sun or Mon-Fri)' \
    --weekdays Mon-Xyz
bad "bad --since" '--since: "8 March" is not a time (like 2026-03-14, 2026-03-14T22:00, today, -7d)' \
    --since '8 March'
# No case at all: the option is still the first complaint.
check "bad --tz, no case" 2 "" "grep-sessions: --tz: unknown time zone \"Mars/Olympus\": No such file or directory" \
    -- -C nosuch --tz Mars/Olympus

# Sources read in different zones: UTC, and said so.
expect_eq "ingest, other zone" 0 \
    "$(run "$INGEST" -q -C c --tz Europe/Berlin "$FIX/formats/generic.csv")"
check "mixed zones" 0 "r4
r5" "grep-sessions: the case's sources were read in different zones; times are read in UTC (--tz chooses another)" \
    -- -u ann --since ${D}8T07:00 --until ${D}8T10:00 -o resource --no-header
# A case read in UTC: nothing to say.
expect_eq "ingest in UTC" 0 "$(run "$INGEST" -q -C u dst.csv)"
check "UTC case" 0 "r4
r5" "" -- -C u --since ${D}8T03:00 --until ${D}8T06:00 -o resource --no-header

# On a terminal the session line shows the times in the zone, without the
# fraction, the date once.
if command -v script >/dev/null 2>&1; then
	script -qec "stty cols 160; COLUMNS=160 NO_COLOR=1 LC_ALL=C $GS -C c -s \
	    --tz $NY -e r4" /dev/null </dev/null | tr -d '\r' >out
	expect_grep "terminal: session line" \
	    "^-- ann  ann@${D}8T06:59:59.000000Z  ${D}8T01:59:59-05:00 -> 03:00:00-04:00  1s  2 events, 1 matching  from 192.0.2.10$" out
fi

# Raw sources: a log no profile reads is not said to be kept.
printf 'just some notes\nmore notes\n' >notes.txt
check "raw rejects" 2 "" "grep-sessions: notes.txt: no profile recognises this log (line 1: \"just some notes\"); its records are rejected; name a profile with --profile
grep-sessions: 2 record(s) could not be read and were skipped (ingest lists them)" \
    -- -e x notes.txt

done_testing
