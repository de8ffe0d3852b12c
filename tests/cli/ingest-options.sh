#!/bin/sh
# ingest-options.sh: audit.log has every argument of a run, options
# included (they were lost to getopt), and each manifest row the options
# its log was read with, in its notes (sessionlog(5)).
. "$SRCDIR/tests/cli/lib.sh"
A=$FIX/formats/generic.jsonl

st=$(run "$INGEST" -q -C c --profile generic-json --map user=source.ip \
    --map 'action=event.action map gen' --tz Europe/Berlin --year 2026 \
    --max-record 1M -j 2 "$A")
expect_eq "status" 0 "$st"
expect_eq "audit line" "ingest	-q -C c --profile generic-json --map user=source.ip --map 'action=event.action map gen' --tz Europe/Berlin --year 2026 --max-record 1M -j 2 $A" \
    "$(cut -f 3- c/audit.log)"
# A value's spaces are %20: the notes stay space-separated words.
expect_eq "notes" \
    "profile=forced map=user=source.ip map=action=event.action%20map%20gen max-record=1048576" \
    "$(manifest_field c "$A" notes)"
expect_eq "users by the map" 2 "$(ls c/users/*.tsv.gz | wc -l | tr -d ' ')"

# Options in the order given, and the operands among them: as typed.
st=$(run "$INGEST" -C c "$A" --map user=user.name -q)
expect_eq "again: status" 0 "$st"
expect_eq "again: audit line" "ingest	-C c $A --map user=user.name -q" \
    "$(tail -n 1 c/audit.log | cut -f 3-)"

# Without options that change the reading, no notes.
"$INGEST" -q -C plain "$A"
expect_eq "plain: no notes" "" "$(manifest_field plain "$A" notes)"

# --verify and --upgrade say their case too.
"$INGEST" --verify -C plain >/dev/null 2>&1
expect_eq "verify: audit line" "ingest	--verify -C plain" \
    "$(tail -n 1 plain/audit.log | cut -f 3-)"

exit $((fails > 0))
