#!/bin/sh
# summarize-svg: the timeline picture: a valid SVG document with a lane per
# user, a bar per session, a mark per alert, a time axis in the run's zone
# and a legend; names from the evidence escaped.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

command -v xmllint >/dev/null 2>&1 || { fail "xmllint is needed"; done_testing; }

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# A week of four users with their alerts, times in CET.
expect_eq "svg: exit" 0 "$(run "$SUM" -C case --alerts --tz Europe/Berlin \
    --since 2026-03-02 --until 2026-03-09 -u s.novak -u d.weber \
    -u m.okafor -u k.yilmaz --svg week.svg)"
alerts=$(sed 1d out | wc -l)
xmllint --noout week.svg || fail "svg: not well-formed XML"
expect_eq "svg: root" svg "$(xmllint --xpath 'name(/*)' week.svg)"
expect_eq "svg: lanes" "d.weber k.yilmaz m.okafor s.novak" \
    "$(xmllint --xpath '//*[local-name()="g"][@class="user"]/*[local-name()="text"]/text()' week.svg |
    tr '\n' ' ' | sed 's/ $//')"
# A bar per session of each user in the week, as the user report counts.
"$SUM" -C case --tz Europe/Berlin --since 2026-03-02 --until 2026-03-09 \
    -u s.novak -u d.weber -u m.okafor -u k.yilmaz --json |
    sed 's/.*"sessions":\([0-9]*\).*/\1/' | awk '{ n += $1 } END { print n }' >want
xmllint --xpath 'count(//*[local-name()="rect"][@class="session"])' week.svg >got
echo >>got
# The legend has one session sample bar besides the lanes' bars.
expect_eq "svg: a bar per session" "$(($(cat want) + 1))" "$(cat got)"
expect_eq "svg: a mark per alert" "$alerts" \
    "$(xmllint --xpath 'count(//*[local-name()="path"][starts-with(@class,"alert ")])' week.svg)"
expect_grep "svg: concurrent-sessions marked high" \
    '<path class="alert high" .*<title>high concurrent-sessions: two sessions at once' week.svg
# Where alerts meet, the most serious is drawn last, on top: d.weber's
# high watchlist alert over the low no-purpose one a minute later.
expect_eq "svg weber: exit" 0 "$(run "$SUM" -C case --alerts \
    --tz Europe/Berlin --since 2026-03-17 --until 2026-03-18 -u d.weber \
    --watchlist "$S/watchlist.txt" --svg weber.svg)"
expect_eq "svg: most serious on top" "low high" \
    "$(xmllint --xpath '//*[local-name()="path"][starts-with(@class,"alert ")]/@class' weber.svg |
    sed 's/ *class="alert \([a-z]*\)"/\1 /g' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')"
# The axis: days in the zone, Monday 2026-03-02 first; the legend names it.
expect_grep "svg: first day" '>2026-03-02</text>' week.svg
expect_grep "svg: zone" '>times in Europe/Berlin</text>' week.svg

# One day: the axis counts hours.
expect_eq "svg day: exit" 0 "$(run "$SUM" -C case --tz Europe/Berlin \
    --since 2026-03-05 --until 2026-03-06 -u s.novak --svg day.svg)"
xmllint --noout day.svg || fail "svg day: not well-formed XML"
expect_grep "svg day: hours" '>06:00</text>' day.svg

# A user name with markup in it is text, not markup.
printf '{"type":"audit.3","time":"2026-03-14T10:00:00Z","uid":"<b>&amp;\\u0007x",' >evil.jsonl
printf '"categories":["dataSearch"],"requestFields":{"dataSearchQuery":"q"},' >>evil.jsonl
printf '"result":"SUCCESS"}\n' >>evil.jsonl
expect_eq "svg evil: exit" 0 "$(run "$SUM" --svg evil.svg evil.jsonl)"
xmllint --noout evil.svg || fail "svg evil: not well-formed XML"
expect_eq "svg evil: name as text" "<b>&amp;$(printf '\357\277\275')x" \
    "$(xmllint --xpath 'string(//*[local-name()="g"][@class="user"]/*[local-name()="text"])' evil.svg)"

# Errors: not with --json; a file that cannot be written.
expect_eq "svg json" 2 "$(run "$SUM" -C case --json --svg x.svg)"
expect_eq "svg unwritable" 2 "$(run "$SUM" -C case --svg nodir/x.svg)"
expect_grep "svg unwritable: message" '^summarize: --svg: nodir/x.svg: No such file or directory$' err

done_testing
