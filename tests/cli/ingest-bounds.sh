#!/bin/sh
# ingest-bounds: a decompression bomb stops at the expansion limit with a
# message naming the source and the member, its rows say so and it is read
# again under another limit; the other sources of the run are read; sort
# runs spilled to disk are compressed (a file size limit that an
# uncompressed run breaks does not stop the ingest).
. "$SRCDIR/tests/cli/lib.sh"

mkdir ev
cp "$FIX/bad/zip-bomb.zip" "$FIX/formats/generic.jsonl" ev/
B=ev/zip-bomb.zip

# The default limit: 1000 times the zip's 16838 bytes.  The leaves are
# 262072 bytes each, so the limit falls inside the 65th (l1-04's first).
st=$(run "$INGEST" -C c $B ev/generic.jsonl)
expect_eq "bomb: exit status" 2 "$st"
cat >want <<W
ingest: $B!l2-00.zip!l1-04.zip!events-00.jsonl:798: rejected: record cut short (data lost, or the log ends inside it)
ingest: $B!l2-00.zip!l1-04.zip!events-00.jsonl: expands past 16838000 bytes, the limit for the 16838 bytes of "$B" (a decompression bomb?); the rest of that source is not read
W
grep '^ingest: ev/' err >got
expect_file "bomb: messages" want got
expect_eq "bomb: the other source is read" "6" \
	"$(manifest_field c ev/generic.jsonl accepted)"
expect_eq "bomb: its row" "container expand-limit=16838000" \
	"$(manifest_field c $B notes)"
expect_eq "bomb: the member where it stopped" \
	"truncated=65392 expand-limit=16838000" \
	"$(manifest_field c "$B!l2-00.zip!l1-04.zip!events-00.jsonl" notes)"
expect_eq "bomb: no digest for a member not read to its end" "" \
	"$(manifest_field c "$B!l2-00.zip!l1-04.zip!events-00.jsonl" sha256)"
expect_eq "bomb: no member past it" "" \
	"$(manifest_field c "$B!l2-00.zip!l1-04.zip!events-01.jsonl" read)"
expect_eq "bomb: members read" 65 "$(grep -c 'events-[0-9]*\.jsonl' \
	c/manifest.tsv)"
expect_eq "bomb: nothing left in .tmp" "" "$(ls -A c | grep -Fx .tmp)"

# The same limit again: nothing new to read.  Another: read again, and
# its rows replace the old ones.
st=$(run "$INGEST" -C c $B)
expect_eq "bomb again: exit status" 0 "$st"
expect_grep "bomb again: skipped" "already in the case" err
st=$(run "$INGEST" -C c --max-expand-bytes=1M $B)
expect_eq "--max-expand-bytes: exit status" 2 "$st"
expect_grep "--max-expand-bytes: message" "events-04.jsonl: expands past \
1048576 bytes, the limit for the 16838 bytes of \"$B\"" err
expect_eq "--max-expand-bytes: its row" \
	"container max-expand-bytes=1048576 expand-limit=1048576" \
	"$(manifest_field c $B notes)"
expect_eq "--max-expand-bytes: members" 5 \
	"$(grep -c 'events-[0-9]*\.jsonl' c/manifest.tsv)"
expect_eq "--max-expand-bytes: verify" 0 "$(run "$INGEST" --verify -C c)"
st=$(run "$INGEST" -C c --max-expand-bytes=1M $B)
expect_eq "--max-expand-bytes again: exit status" 0 "$st"
expect_grep "--max-expand-bytes again: skipped" "already in the case" err

# A gzip of a gzip (every layer counts), small: the floor of 1 MiB holds.
head -c 3000000 /dev/zero | tr '\0' '\n' | gzip -9 | gzip -9 >ev/nl.gz
st=$(run "$INGEST" -C c2 ev/nl.gz ev/generic.jsonl)
expect_eq "gzip bomb: exit status" 2 "$st"
expect_grep "gzip bomb: message" "^ingest: ev/nl.gz: expands past 1048576 \
bytes, the limit for the [0-9]+ bytes of \"ev/nl.gz\"" err
expect_eq "gzip bomb: its row" "truncated=1048576 expand-limit=1048576" \
	"$(manifest_field c2 ev/nl.gz notes)"
expect_eq "gzip bomb: other source" 6 \
	"$(manifest_field c2 ev/generic.jsonl accepted)"
# No limit at all.
st=$(run "$INGEST" -C c3 --max-expand=0 ev/nl.gz)
expect_eq "--max-expand=0: exit status" 2 "$st"
expect_grep "--max-expand=0: read to the end" "empty log" err
expect_eq "--max-expand=0: row" "max-expand=0" \
	"$(manifest_field c3 ev/nl.gz notes)"
st=$(run "$INGEST" -C c3 --max-expand=x ev/nl.gz)
expect_eq "--max-expand=x: usage" 2 "$st"

# Sorted runs are compressed: 200,000 records of one line (25 MB of log,
# more as records) in runs of 16 MiB under a file size limit of 2 MiB.
awk 'BEGIN { q = sprintf("%60s", ""); gsub(/ /, "q", q)
	for (i = 0; i < 200000; i++)
		printf "{\"time\":\"2026-03-01T08:00:00Z\",\"user\":\"alice\"," \
		    "\"action\":\"search\",\"query\":\"%s\"}\n", q }' |
	gzip >ev/rep.jsonl.gz
st=$( (ulimit -f 4096; run "$INGEST" -C c4 --memory 16M ev/rep.jsonl.gz) )
expect_eq "compressed runs: exit status" 0 "$st"
expect_eq "compressed runs: read" 200000 \
	"$(manifest_field c4 ev/rep.jsonl.gz read)"

exit $((fails > 0))
