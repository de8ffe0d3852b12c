#!/bin/sh
# escape-values.sh: values that could hide evidence or mislead the reader:
# many values in one field, invisible and reordering characters, names
# that look like syntax.  Every fixture is made here, with exact output.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions

# An event with 600 resources (an invented Foundry audit.3 record): every
# one is kept and searchable, the last as well as the first, so that a
# user cannot hide the real target behind decoys; repeats count once.
{
	printf '{"categories":["dataLoad"],"name":"LOADRESOURCES",'
	printf '"origins":["192.0.2.1"],"requestFields":{"loadedResources":['
	i=1
	while [ $i -le 600 ]; do
		[ $i -gt 1 ] && printf ','
		printf '"ri.test.r-%04d"' $i
		i=$((i + 1))
	done
	# repeats are kept once
	printf ',"ri.test.r-0001","ri.test.r-0600"'
	printf ']},"result":"SUCCESS","resultFields":{},'
	printf '"service":"gotham-server",'
	printf '"time":"2026-03-14T08:00:00.000000000Z","type":"audit.3",'
	printf '"uid":"alice"}\n'
} >many.jsonl
st=$(run "$INGEST" -q -C c many.jsonl)
expect_eq "600 resources: ingest" 0 "$st"
for r in 0001 0512 0513 0600; do
	st=$(run "$GS" -C c -k resource=ri.test.r-$r -o time,user --no-header)
	expect_eq "resource $r: exit" 0 "$st"
	expect_eq "resource $r" "2026-03-14T08:00:00.000000Z	alice" \
	    "$(cat out)"
done
st=$(run "$GS" -C c -o resource --no-header --json)
expect_eq "600 resources: exit" 0 "$st"
expect_eq "600 resources: all of them" 600 \
    "$(tr ',' '\n' <out | grep -c 'ri\.test\.r-')"

done_testing
