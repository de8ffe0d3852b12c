#!/bin/sh
# summarize-pictures: a user's hour-by-weekday grid and per-day sparkline
# (--picture, as on a terminal) on the sample evidence, in a UTF-8 and in
# an ASCII locale; checked against the grouped reports and truth.tsv.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# Piped, the report is TSV and has no pictures.
expect_eq "plain: exit" 0 "$(run "$SUM" -C case -u m.okafor)"
mv out plain
expect_eq "plain: no pictures" 2 "$(wc -l <plain | tr -d ' ')"

# --picture: the same report, then the pictures after a blank line.
# m.okafor's night bulk export (truth: 24 events from 10.99.14.7 on
# Thursday 2026-03-12, 01:13-01:5x UTC) is the dark cell at Thu 01.
expect_eq "utf-8: exit" 0 \
    "$(LC_ALL=C.UTF-8 run "$SUM" -C case -u m.okafor --picture)"
head -n 2 out >got
expect_file "utf-8: the report first" plain got
tail -n +3 out >got
cat >want <<'X'

m.okafor: events by weekday and hour (UTC), all weeks added
      00    03    06    09    12    15    18    21      total
Mon  │              ██▓▓▓▓░░  ▓▓▒▒▒▒░░                │ 108
Tue  │              ██▒▒▓▓    ██░░▒▒░░                │ 99
Wed  │              ▓▓░░▓▓    ▒▒░░░░                  │ 63
Thu  │  ██          ██▒▒▒▒░░  ▓▓░░▒▒    ░░            │ 133
Fri  │              ██░░▓▓    ▒▒▓▓░░                  │ 95
Sat  │                                                │ 0
Sun  │                                                │ 0
      ░ 1-7  ▒ 8-15  ▓ 16-23  █ 24-31 events; █: the busiest hours, up to 31

m.okafor: events a day (UTC), 2026-03-02 to 2026-03-20
2026-03-02 ▅▅▅▅▅  ▆▄ █▅  ▆▆▄▆▅ 2026-03-20
█ = 57 events (2026-03-12, the busiest day), ▁ up to 1/8 of it; blank: none
X
expect_file "utf-8 pictures" want got

# The same pictures in ASCII where the locale is not UTF-8.
expect_eq "ascii: exit" 0 "$(run "$SUM" -C case -u m.okafor --picture)"
tail -n +3 out >got
cat >want <<'X'

m.okafor: events by weekday and hour (UTC), all weeks added
      00    03    06    09    12    15    18    21      total
Mon  |              ##****..  **::::..                | 108
Tue  |              ##::**    ##..::..                | 99
Wed  |              **..**    ::....                  | 63
Thu  |  ##          ##::::..  **..::    ..            | 133
Fri  |              ##..**    ::**..                  | 95
Sat  |                                                | 0
Sun  |                                                | 0
      . 1-7  : 8-15  * 16-23  # 24-31 events; #: the busiest hours, up to 31

m.okafor: events a day (UTC), 2026-03-02 to 2026-03-20
2026-03-02 *****  *: #*  **:** 2026-03-20
# = 57 events (2026-03-12, the busiest day), . up to 1/4 of it; blank: none
X
expect_file "ascii pictures" want got
expect_eq "ascii: within 80 columns" "" "$(awk 'length > 80' got)"

# What the pictures draw is what the grouped reports count: Thursday 01h
# holds the 24 bulk-export events, the busiest hour is 31 events, the
# busiest day 2026-03-12 with 57, and 14 days have events.
run "$SUM" -C case -u m.okafor --by weekday,hour >/dev/null
expect_eq "Thu 01" 24 \
    "$(awk -F'\t' '$1 == "Thu" && $2 == "01" { print $4 }' out)"
expect_eq "busiest hour" 31 \
    "$(awk -F'\t' 'NR > 1 && $4 > m { m = $4 } END { print m }' out)"
run "$SUM" -C case -u m.okafor --by day >/dev/null
expect_eq "busiest day" "2026-03-12 57" \
    "$(awk -F'\t' 'NR > 1 && $3 > m { m = $3; d = $1 } END { print d, m }' out)"
expect_eq "days" 14 "$(awk 'END { print NR - 1 }' out)"

# In the run's zone: --tz Europe/Berlin (UTC+1 in March before the 29th)
# moves the night export to Thursday 02h.
expect_eq "berlin: exit" 0 "$(run "$SUM" -C case -u m.okafor --picture \
    --tz Europe/Berlin)"
expect_grep "berlin: zone named" \
    '^m\.okafor: events by weekday and hour \(Europe/Berlin\)' out
expect_grep "berlin: Thu 02" '^Thu  \|    ##' out

# A span longer than a line (tests/cli/data/span.csv, counts chosen by
# hand): the day line wraps after 56 days, the second line starts with
# its own date, blank days at the end of a line are not written; with a
# busiest hour of 8 the shades stand for 1-2, 3-4, 5-6 and 7-8 events,
# with a busiest day of 8 each step of the day line is one event.
expect_eq "span: exit" 0 "$(LC_ALL=C.UTF-8 run "$SUM" -u dana --picture \
    "$SRCDIR/tests/cli/data/span.csv")"
tail -n +3 out >got
cat >want <<'X'

dana: events by weekday and hour (UTC), all weeks added
      00    03    06    09    12    15    18    21      total
Mon  │                  ░░                            │ 2
Tue  │                    ░░                        ▒▒│ 5
Wed  │                      ▒▒                        │ 4
Thu  │                        ██                      │ 8
Fri  │                                                │ 0
Sat  │                                                │ 0
Sun  │                                                │ 0
      ░ 1-2  ▒ 3-4  ▓ 5-6  █ 7-8 events; █: the busiest hours, up to 8

dana: events a day (UTC), 2026-01-05 to 2026-03-10
2026-01-05 ▁▂▄█
2026-03-02 ▁       ▃ 2026-03-10
█ = 8 events (2026-01-08, the busiest day), ▁ up to 1/8 of it; blank: none
X
expect_file "span pictures" want got

# Pictures are of users, and never in JSON.
expect_eq "json: exit" 2 "$(run "$SUM" -C case -u m.okafor --picture --json)"
expect_grep "json: why" 'pictures do not go into --json' err
expect_eq "case: exit" 2 "$(run "$SUM" -C case --picture)"
expect_grep "case: why" 'give -u or --by user' err

done_testing
