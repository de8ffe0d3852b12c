#!/bin/sh
# ingest-manifest: what the manifest of case format 2 says of each log:
# the zone only where it decided a time, the count of steps back in time,
# conflicts and notes columns present.
. "$SRCDIR/tests/cli/lib.sh"

expect_eq "ingest" 0 "$(run "$INGEST" -q -j 1 --tz Europe/Berlin -C c \
	"$SRCDIR/tests/cli/data/order.csv" "$FIX/formats/generic.jsonl")"
# Zone-less times were read in --tz; generic.jsonl's carry their own.
expect_eq "tz of zone-less log" "Europe/Berlin" \
	"$(manifest_field c "$SRCDIR/tests/cli/data/order.csv" tz)"
expect_eq "tz of zoned log" "" \
	"$(manifest_field c "$FIX/formats/generic.jsonl" tz)"
# Two steps back of more than the 1 s tolerance; half a second is not one.
expect_eq "reversals" 2 \
	"$(manifest_field c "$SRCDIR/tests/cli/data/order.csv" reversals)"
# generic.jsonl's last record, 08:30+01:00, is 07:30Z: earlier than the
# 08:11:30Z before it.
expect_eq "reversal across offsets" 1 \
	"$(manifest_field c "$FIX/formats/generic.jsonl" reversals)"
expect_eq "conflicts" 0 \
	"$(manifest_field c "$SRCDIR/tests/cli/data/order.csv" conflicts)"
expect_eq "notes" "" \
	"$(manifest_field c "$SRCDIR/tests/cli/data/order.csv" notes)"
expect_eq "columns" "sha256 bytes path member profile read accepted duplicates rejected first last tz ingested conflicts reversals notes" \
	"$(head -n 1 c/manifest.tsv | tr '\t' ' ')"
# The times were read in Berlin (UTC+1 in March).
expect_eq "first" "2026-03-02T06:58:00.000000Z" \
	"$(manifest_field c "$SRCDIR/tests/cli/data/order.csv" first)"
done_testing
