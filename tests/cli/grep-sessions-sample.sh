#!/bin/sh
# grep-sessions-sample.sh: the planted scenarios of the sample evidence,
# found as testdata/sample/truth.tsv says, from the case and from the raw
# evidence alike.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
S=$FIX/sample
TRUTH=$S/truth.tsv

st=$(run "$INGEST" -q -C c "$S/audit" "$S/delivery-2026-03-16.tar")
expect_eq "ingest the sample" 0 "$st"
export SESSIONLOG_CASE=c

# truth SCENARIO: "user session start end events" rows of a scenario.
truth() {
	awk -F'\t' -v s="$1" '$1 == s { print $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' \
	    "$TRUTH"
}

# (b) a search for a private person, in a session without a purpose.
truth private-person-search >expected
st=$(run "$GS" -l -u d.weber -e 'Lena Hartmann' \
    -o user,session,start,end,events --no-header)
expect_eq "private person: exit" 0 "$st"
expect_file "private person session" expected out
"$GS" -l --no-purpose --action search -F -e 'Lena Hartmann' \
    -o user,session,start,end,events --no-header >out 2>err
expect_file "private person, --no-purpose" expected out
# Nobody else searched for her.
"$GS" -c -F -e 'Lena Hartmann' -o user --no-header >out 2>err
expect_eq "private person: only d.weber" "d.weber" "$(cat out)"

# (a) a night of bulk exports: the session, all its events, 18 exports.
truth bulk-export-night >expected
"$GS" -l --action export --since 2026-03-12T00:00 --until 2026-03-12T05:00 \
    -o user,session,start,end,events --no-header >out 2>err
expect_file "bulk export session" expected out
"$GS" -c --action export --since 2026-03-12T00:00 \
    --until 2026-03-12T05:00 -o events --no-header >out 2>err
expect_eq "bulk exports" 18 "$(cat out)"
# the same night in local time (CET)
"$GS" -c --action export --tz Europe/Berlin --since 2026-03-12T01:00 \
    --until 2026-03-12T06:00 -o events --no-header >out 2>err
expect_eq "bulk exports, --tz" 18 "$(cat out)"

# (c) one account, two workstations, overlapping sessions.
truth shared-account-concurrent >expected
"$GS" -l -u s.novak --since 2026-03-05T07:00 --until 2026-03-05T09:00 \
    -o user,session,start,end,events --no-header >out 2>err
expect_file "shared account sessions" expected out

# (d) a weekday without logs.
st=$(run "$GS" -q --since 2026-03-11 --until 2026-03-12)
expect_eq "coverage gap: nothing" 1 "$st"

# (e) twelve denied reads in a few minutes.
"$GS" -c --outcome denied -u k.yilmaz --since 2026-03-19 \
    --until 2026-03-20 -o events,sessions --no-header >out 2>err
expect_eq "denied burst" "12	1" "$(cat out)"
truth denied-burst | cut -f2 >expected
"$GS" -l --outcome denied -u k.yilmaz --since 2026-03-19 \
    --until 2026-03-20 -o session --no-header >out 2>err
expect_file "denied burst session" expected out

# Every user's events, as counted by the truth.
awk -F'\t' '$1 == "user" { print $2 "\t" $6 }' "$TRUTH" | sort >expected
"$GS" -c -o user,events --no-header >out 2>err
expect_file "events per user" expected out

# The raw evidence gives the same answers as the case.
for args in "-l -u d.weber -e Lena" "-c --outcome denied" \
    "-s -u m.okafor --since 2026-03-12 --until 2026-03-13" \
    "--json -t -u s.novak --since 2026-03-05 --until 2026-03-06"; do
	# shellcheck disable=SC2086
	"$GS" $args >case.out 2>err
	# shellcheck disable=SC2086
	"$GS" $args "$S/audit" "$S/delivery-2026-03-16.tar" >raw.out 2>err
	expect_file "raw = case: $args" case.out raw.out
	[ -s case.out ] || fail "raw = case: $args: no output"
done

# --json lines parse, one object per line.
"$GS" --json -s -u d.weber --since 2026-03-17 --until 2026-03-18 >out 2>err
n=$(wc -l <out)
m=$(jq -c . out | wc -l)
expect_eq "--json parses" "$n" "$m"
expect_grep "--json session" '^\{"type":"session","user":"d\.weber"' out

done_testing
