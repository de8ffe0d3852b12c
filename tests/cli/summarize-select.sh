#!/bin/sh
# summarize-select: the pattern options summarize shares with grep-sessions
# (-e, -f, -k, -i, -w, -F, -v; cmd/filter.c) restrict what the reports
# count and what --alerts sees.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
GS=$BUILDDIR/cmd/grep-sessions
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# -e: the searches for the watchlisted name (sample TRUTH.md: d.weber's
# private-person search); the same events grep-sessions finds.
expect_eq "-e: exit" 0 "$(run "$SUM" -C case -e Hartmann --by user,action)"
cat >want <<'X'
user	action	events	sessions	exports	export_records	export_bytes	resources	queries
d.weber	search	3	1	0	0	0	0	3
X
expect_file "-e: report" want out
expect_eq "-e: grep-sessions agrees" 0 \
    "$(run "$GS" -C case -e Hartmann -c --no-header)"
expect_eq "-e: grep-sessions count" "d.weber	3	1" "$(cat out)"

# -i, and -k on named fields: every one must hold; a fourth search
# writes the name in lower case.
expect_eq "-k -i: exit" 0 "$(run "$SUM" -C case -i -k 'user=^d\.' \
    -k action=search -e hartmann --by user)"
expect_eq "-k -i: events" "d.weber	4" "$(sed 1d out | cut -f1,8)"
expect_eq "-k -i: grep-sessions agrees" 0 "$(run "$GS" -C case -i \
    -k 'user=^d\.' -k action=search -e hartmann -c --no-header)"
expect_eq "-k -i: grep-sessions count" "d.weber	4	1" "$(cat out)"

# -w: whole words only; -F: the pattern is a fixed string.
expect_eq "-w: part of a word" 1 "$(run "$SUM" -C case -w -e Hartman)"
expect_eq "-w: nothing" "" "$(cat out)"
expect_eq "-F: exit" 0 "$(run "$SUM" -C case -F -e 'Lena Hartmann' \
    --by user)"
expect_eq "-F: the report" "d.weber	1	search=1	1 Lena Hartmann" \
    "$(sed 1d out | cut -f1,8,10,14)"

# -f: patterns from a file, any of them.
printf 'Hartmann\nno such text at all\n' >pats
expect_eq "-f: exit" 0 "$(run "$SUM" -C case -f pats --by user)"
expect_eq "-f: events" "d.weber	3" "$(sed 1d out | cut -f1,8)"

# -v: the events that do not match: the exports only here.
expect_eq "-v: exit" 0 "$(run "$SUM" -C case -v \
    -k 'action=^(search|view|justify|login|logout)$' --by action)"
cat >want <<'X'
action	users	events	sessions	exports	export_records	export_bytes	resources	queries
export	30	197	167	197		2687700565	8	0
X
expect_file "-v: report" want out

# The case report too, and the same with one thread or two (each worker
# matches with a matcher of its own).
expect_eq "case report: exit" 0 "$(run "$SUM" -C case -j1 \
    -k action=export -k 'resource=046825D5' -i)"
cp out j1
expect_eq "case report -j2: exit" 0 "$(run "$SUM" -C case -j2 \
    -k action=export -k 'resource=046825D5' -i)"
expect_file "case report: -j1 and -j2" j1 out
expect_eq "case report: exports" "action.export	84" "$(grep '^action\.' j1)"

# -k session= sees derived session names, as in grep-sessions.
printf '{"timestamp":"2026-03-14T10:00:00Z","user":"ann","action":"search","query":"alpha"}\n' >d.jsonl
printf '{"timestamp":"2026-03-14T10:05:00Z","user":"ann","action":"search","query":"beta"}\n' >>d.jsonl
printf '{"timestamp":"2026-03-14T12:00:00Z","user":"ann","action":"search","query":"alpha beta"}\n' >>d.jsonl
expect_eq "derived session: exit" 0 "$(run "$SUM" d.jsonl \
    -k 'session=@2026-03-14T10:' --by session)"
cat >want <<'X'
session	users	events	sessions	exports	export_records	export_bytes	resources	queries
ann@2026-03-14T10:00:00.000000Z	1	2	1	0	0	0	0	2
X
expect_file "derived session: report" want out

# --alerts judges only the events selected: s.novak's two sessions at
# once (truth.tsv: shared-account-concurrent) come from 10.20.14.134 and
# 10.20.15.57; with only the first address's events there is nothing to
# alert, with both the alert is there.
expect_eq "alerts: one address: exit" 0 "$(run "$SUM" -C case --alerts \
    --since 2026-03-05 --until 2026-03-06 -u s.novak -k 'src=^10\.20\.14\.')"
expect_eq "alerts: one address: none" "" "$(sed 1d out)"
expect_eq "alerts: both: exit" 0 "$(run "$SUM" -C case --alerts \
    --since 2026-03-05 --until 2026-03-06 -u s.novak \
    -k 'src=^10\.20\.1[45]\.')"
expect_eq "alerts: both: the alert" \
    "2567cbcf13fa1c62	high	concurrent-sessions	s.novak" \
    "$(sed 1d out | cut -f1-4)"

# Errors name the option or the pattern.
expect_eq "bad pattern" 2 "$(run "$SUM" -C case -e '(')"
expect_eq "bad pattern: message" \
    'summarize: bad pattern "(": missing closing parenthesis at offset 1' \
    "$(cat err)"
expect_eq "bad field" 2 "$(run "$SUM" -C case -k nofield=x)"
expect_eq "bad field: message" \
    'summarize: -k: "nofield=x" is not FIELD=PATTERN with one of the event fields' \
    "$(cat err)"
expect_eq "-v alone" 2 "$(run "$SUM" -C case -v)"
expect_eq "-v alone: message" 'summarize: -v needs a pattern (-e, -f or -k)' \
    "$(cat err)"

done_testing
