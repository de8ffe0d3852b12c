#!/bin/sh
# ingest-dups-large: duplicates are found however many events one user has
# at one time: 600,000 identical lines are one event, and a group past the
# memory given to it (--memory) keeps and drops exactly what a group in
# memory does, against the case's copies too.
. "$SRCDIR/tests/cli/lib.sh"

# lines N QUERIES...: N generic JSON lines of alice at one time, cycling
# through the queries.
lines() {
	awk -v n="$1" -v qs="$2" 'BEGIN { k = split(qs, q, " ")
		for (i = 0; i < n; i++)
			printf "{\"time\":\"2026-03-01T08:00:00Z\",\"user\":" \
			    "\"alice\",\"action\":\"search\",\"query\":\"%s\"}\n",
			    q[i % k + 1] }'
}

lines 600000 "the-same-query-every-time" | gzip >same.jsonl.gz
st=$(run "$INGEST" -C c same.jsonl.gz)
expect_eq "600,000 lines: exit status" 0 "$st"
expect_eq "600,000 lines: read accepted duplicates" "600000 1 599999" \
	"$(manifest_field c same.jsonl.gz read) \
$(manifest_field c same.jsonl.gz accepted) \
$(manifest_field c same.jsonl.gz duplicates)"
expect_eq "600,000 lines: one row" 1 \
	"$(zcat c/users/alice.tsv.gz | sed 1d | wc -l | tr -d ' ')"

# Seven queries over and over, then a later log with three more: in
# memory, and through the disk (--memory 1M leaves 256 KiB to a group).
lines 20000 "a b c d e f g" >a.jsonl
lines 15000 "g x a y b z c" >b.jsonl
for m in 256M 1M; do
	"$INGEST" -q -C c-$m --memory $m a.jsonl 2>/dev/null
	"$INGEST" -q -C c-$m --memory $m b.jsonl 2>/dev/null
	awk -F'\t' '{ print $3 "\t" $6 "\t" $7 "\t" $8 }' c-$m/manifest.tsv \
		>manifest-$m
	zcat c-$m/users/alice.tsv.gz >timeline-$m
done
cat >want <<'W'
path	read	accepted	duplicates
a.jsonl	20000	7	19993
b.jsonl	15000	3	14997
W
expect_file "in memory: manifest" want manifest-256M
expect_file "through the disk: manifest" want manifest-1M
expect_file "through the disk: the same timeline" timeline-256M timeline-1M
expect_eq "through the disk: queries" "a b c d e f g x y z" \
	"$(cut -f7 timeline-1M | sed 1d | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "nothing left in .tmp" "" "$(ls -A c-1M | grep -Fx .tmp)"
expect_eq "verify" 0 "$(run "$INGEST" --verify -C c-1M)"

exit $((fails > 0))
