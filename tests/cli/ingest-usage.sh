#!/bin/sh
# ingest-usage: options, messages and exit statuses of the command line.
. "$SRCDIR/tests/cli/lib.sh"

A=$FIX/formats/foundry-audit2.jsonl

expect_eq "--help: exit" 0 "$(run "$INGEST" --help)"
expect_grep "--help: usage" "^usage: ingest " out
expect_eq "--version: exit" 0 "$(run "$INGEST" --version)"
expect_eq "--version" "ingest (sessionlog) 0.1.0" "$(cat out)"
expect_eq "bad option: exit" 2 "$(run "$INGEST" --frobnicate)"
expect_grep "bad option: usage on stderr" "^usage: ingest " err
expect_eq "no source: exit" 2 "$(run "$INGEST" -C c)"
expect_eq "no source: no case made" "" "$(ls -d c 2>/dev/null)"

expect_eq "--list-profiles: exit" 0 "$(run "$INGEST" --list-profiles)"
for p in foundry-audit3 foundry-audit2 cloudtrail m365 m365-csv generic-json \
    generic-csv generic-tsv aol cert-logon cert-device cert-file cert-email \
    cert-http auditd; do
	expect_grep "--list-profiles: $p" "^$p " out
done

expect_eq "unknown profile: exit" 2 "$(run "$INGEST" -C c --profile nosuch "$A")"
expect_grep "unknown profile: said" 'unknown profile "nosuch"' err
expect_eq "bad --map: exit" 2 \
	"$(run "$INGEST" -C c --profile generic-json --map usr=actor "$A")"
expect_grep "bad --map: names the field" "usr" err
expect_eq "bad --tz: exit" 2 "$(run "$INGEST" -C c --tz Mars/Olympus "$A")"
expect_grep "bad --tz: names the zone" "Mars/Olympus" err
expect_eq "bad size: exit" 2 "$(run "$INGEST" -C c --max-record 12X "$A")"
expect_grep "bad size: said" "not a size" err
expect_eq "bad jobs: exit" 2 "$(run "$INGEST" -C c -j 0 "$A")"

# --map takes a field from another path.
st=$(run "$INGEST" -q -C mapped --profile generic-json --map user=source.ip "$FIX/formats/generic.jsonl")
expect_eq "--map: users are the addresses" "10.20.10.41 10.20.11.102" \
	"$(ls mapped/users | sed -n 's/\.tsv\.gz$//p' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--map: exit" 0 "$st"

# A second writer is kept out while the first holds the case.
"$INGEST" -q -C locked "$A" >/dev/null 2>&1
if command -v flock >/dev/null 2>&1 && [ -e locked/.lock ]; then
	flock locked/.lock sleep 3 &
	sleep 0.5
	st=$(run "$INGEST" -C locked "$FIX/formats/generic.jsonl")
	expect_eq "locked: exit" 2 "$st"
	expect_grep "locked: said" "another process" err
	wait
fi

# A record longer than --max-record is rejected, not read into memory.
st=$(run "$INGEST" -q -C small --max-record 100 "$A")
expect_eq "--max-record: exit" 2 "$st"
expect_eq "--max-record: all rejected" 8 "$(manifest_sum small rejected)"
# Reject messages: five a log, fifty in all, then one line saying so; a log
# no profile reads is one message, not one per record.
mkdir many
i=0
while [ $i -lt 12 ]; do
	sed 's/"time":"[^"]*"/"time":"never"/' "$A" >many/bad$i.jsonl
	i=$((i + 1))
done
printf 'plain words\nmore words\n' >many/words.txt
st=$(run "$INGEST" -j 1 -C msgs many)
expect_eq "messages: exit" 2 "$st"
expect_eq "messages: capped" 50 "$(grep -c ': rejected: ' err)"
expect_eq "messages: five per log" 5 "$(grep -c 'bad0.jsonl:[0-9]*: rejected' err)"
expect_eq "messages: cap said once" 1 "$(grep -c '^ingest: more rejects not shown' err)"
expect_eq "messages: unread log said once" 1 "$(grep -c 'words.txt' err)"
expect_eq "messages: every reject kept" $((12 * 8 + 2)) "$(manifest_sum msgs rejected)"
done_testing
