#!/bin/sh
# ingest-names.sh: a member's name is kept whole however long it is: the
# manifest names the log exactly as its events' origin does (a nested
# member's name once lost its end past 4096 bytes in the manifest).
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions

# Two levels of members whose names are nearly 3000 bytes each (pax
# headers, names given by --transform: no such paths on disk).
cp "$FIX/formats/generic.jsonl" ev.jsonl
dirs=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	dirs=$dirs$(printf '%0180d' 0)$i/
done
tar --format=pax -cf inner.tar --transform "s|^ev.jsonl\$|${dirs}ev.jsonl|" \
    ev.jsonl
tar --format=pax -cf outer.tar \
    --transform "s|^inner.tar\$|${dirs}inner.tar|" inner.tar
name="outer.tar!${dirs}inner.tar!${dirs}ev.jsonl"
expect_eq "the name is long" 1 "$([ ${#name} -gt 5000 ] && echo 1)"

for j in 1 2; do
	rm -rf case
	st=$(run "$INGEST" -q -j $j -C case outer.tar)
	expect_eq "-j $j: status" 0 "$st"
	expect_eq "-j $j: the manifest row" generic-json \
	    "$(manifest_field case "$name" profile)"
	"$GS" -C case -o origin --no-header -e . | sort -u >origins
	expect_eq "-j $j: the origin" "$name" "$(cat origins)"
done

exit $((fails > 0))
