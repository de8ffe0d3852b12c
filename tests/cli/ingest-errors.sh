#!/bin/sh
# ingest-errors: a bad --profile, --tz or --map stops ingest before the case
# is created or touched; the reject summary says the real numbers; --tz
# also prints the times.
. "$SRCDIR/tests/cli/lib.sh"

A=$FIX/formats/generic.jsonl

# bad NAME WANT-MESSAGE ARGS...: exit 2, the message, and no case made.
bad() {
	name=$1 msg=$2
	shift 2
	expect_eq "$name: exit" 2 "$(run "$INGEST" -C new "$@" "$A")"
	expect_eq "$name: message" "$msg" "$(cat err)"
	expect_eq "$name: no case made" "" "$(ls -d new 2>/dev/null)"
	# An existing case is left exactly as it was, audit.log included.
	expect_eq "$name (case): exit" 2 "$(run "$INGEST" -C old "$@" "$A")"
	expect_eq "$name (case): message" "$msg" "$(cat err)"
	(cd old && find . -type f | LC_ALL=C sort | xargs sha256sum) >after
	expect_file "$name (case): untouched" before after
	expect_eq "$name (case): nothing new in the directory" "" \
	    "$(find old -newer stamp)"
}

expect_eq "first ingest" 0 "$(run "$INGEST" -q -C old "$FIX/formats/generic.csv")"
(cd old && find . -type f | LC_ALL=C sort | xargs sha256sum) >before
sleep 1
touch stamp

bad "unknown --profile" 'ingest: unknown profile "nosuch"' --profile nosuch
bad "invalid --tz" \
    'ingest: --tz: unknown time zone "Mars/Olympus": No such file or directory' \
    --tz Mars/Olympus
bad "invalid --tz path" 'ingest: --tz: invalid time zone name "../etc/passwd"' \
    --tz ../etc/passwd
bad "--map without =" 'ingest: --map: "nonsense": expected field=path' \
    --map nonsense
bad "--map of no field" 'ingest: --map: unknown field "usr"' --map usr=actor
bad "--map with its profile" 'ingest: --map: unknown field "usr"' \
    --profile generic-json --map usr=actor
bad "--map with an empty path" 'ingest: --map: "user=": empty path' --map user=

# A good --map without --profile still reads.
expect_eq "good --map: exit" 0 \
    "$(run "$INGEST" -q -C mapped --map user=source.ip "$A")"
expect_eq "good --map: users" "10.20.10.41 10.20.11.102" \
    "$(ls mapped/users | sed -n 's/\.tsv\.gz$//p' | tr '\n' ' ' | sed 's/ $//')"

# The summary groups rejects by the kind of their reason (its code); each
# reject shown says the field counts and the position as they are.
{
	cat "$FIX/bad/bad-fields.csv"
	echo '{Z1Z1-A1AA11AA-1111AAAA},01/05/2010 08:00:00,ACM2278,PC-5866'
	echo '{Z2Z2-A2AA22AA-2222AAAA},01/05/2010 09:00:00,ACM2278,PC-5866,Logon,x'
} >fields.csv
st=$(run "$INGEST" -C f fields.csv "$FIX/bad/invalid-json.jsonl")
expect_eq "field counts: exit" 2 "$st"
grep -v ': rejected: ' err | grep -v '^  span' >actual
cat >expected <<'X'
ingest: case f
  sources    2 read; 2 logs
  records    15 read: 8 accepted, 0 duplicates, 7 rejected
  rejects    4 invalid JSON
             3 not as many fields as the header
  users      4 with new events
X
expect_file "field counts: summary" expected actual
expect_grep "field counts: each reject" \
    '^ingest: fields.csv:8: rejected: 6 fields where the header has 5$' err
expect_grep "field counts: each reject" \
    '^ingest: fields.csv:7: rejected: 4 fields where the header has 5$' err

# --tz: the CERT dates carry no zone; the span is printed in the zone.
st=$(run "$INGEST" -C ny --tz America/New_York "$FIX/bad/bad-fields.csv")
expect_grep "--tz: span in the zone" \
    '^  span       2010-01-04T07:24:58\.000000-05:00 \.\. 2010-01-04T17:02:16\.000000-05:00$' err
expect_eq "--tz: stored in UTC" \
    "2010-01-04T12:24:58.000000Z" "$(case_rows ny | cut -f1 | LC_ALL=C sort | head -n 1)"

done_testing
