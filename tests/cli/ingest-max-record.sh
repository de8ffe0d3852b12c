#!/bin/sh
# ingest-max-record: one record-size limit.  A record one byte over
# --max-record is a reject with its reason (keeping --max-record bytes),
# one of exactly --max-record bytes is read; the run goes on, the case
# verifies and the user's timeline reads, in the case and from raw sources.
# --max-record is bounded by the largest record a case stores (64M).
. "$SRCDIR/tests/cli/lib.sh"
GREP=$BUILDDIR/cmd/grep-sessions

# rec TIME LEN: a generic JSON record of exactly LEN bytes.
rec() {
	head='{"@timestamp":"'$1'","event":{"action":"search","outcome":"success"},"user":{"name":"j.rivera"},"message":"'
	tail='"}'
	pad=$(($2 - ${#head} - ${#tail}))
	printf '%s%s%s\n' "$head" "$(head -c "$pad" /dev/zero | tr '\0' x)" \
	    "$tail"
}
{
	rec 2026-03-02T08:00:00Z 200
	rec 2026-03-02T08:01:00Z 1024
	rec 2026-03-02T08:02:00Z 1025
	rec 2026-03-02T08:03:00Z 300
} >big.jsonl
expect_eq "fixture: record lengths" "200 1024 1025 300" \
    "$(awk '{ printf "%s%d", (NR > 1 ? " " : ""), length($0) }' big.jsonl)"

st=$(run "$INGEST" -C c --max-record 1K big.jsonl)
expect_eq "ingest: exit" 2 "$st"
expect_grep "ingest: the reject said" \
    '^ingest: big\.jsonl:3: rejected: record longer than the limit$' err
expect_grep "ingest: counts" \
    '^  records    4 read: 3 accepted, 0 duplicates, 1 rejected$' err
expect_eq "manifest: accepted" 3 "$(manifest_field c big.jsonl accepted)"
expect_eq "manifest: rejected" 1 "$(manifest_field c big.jsonl rejected)"
expect_eq "manifest: notes" "max-record=1024 toolong=1" \
    "$(manifest_field c big.jsonl notes)"
# The reject keeps the record's first --max-record bytes.
zcat c/rejects.tsv.gz | tail -n +2 >rejects
expect_eq "reject: line and reason" \
    "3	record longer than the limit" \
    "$(cut -f 2,5 rejects)"
expect_eq "reject: raw kept" 1024 "$(cut -f 6 rejects | tr -d '\n' | wc -c)"
expect_eq "reject: raw is the prefix" "$(sed -n 3p big.jsonl | head -c 1024)" \
    "$(cut -f 6 rejects)"

expect_eq "--verify: exit" 0 "$(run "$INGEST" -C c --verify)"
expect_eq "--verify: no problem" "" "$(cat out)"
expect_eq "timeline: exit" 0 "$(run "$GREP" -C c -t -o time,action -u j.rivera)"
grep -v '^#session' out >events
cat >expected <<'X'
time	action
2026-03-02T08:00:00.000000Z	search
2026-03-02T08:01:00.000000Z	search
2026-03-02T08:03:00.000000Z	search
X
expect_file "timeline: the three events" expected events

# The log is incomplete: with the same limit it is skipped, with another it
# is read again and replaces what the first run made of it.
expect_eq "same limit: exit" 0 \
    "$(run "$INGEST" -C c --max-record 1K big.jsonl)"
expect_grep "same limit: skipped" 'already in the case' err
expect_eq "same limit: still 3" 3 "$(manifest_field c big.jsonl accepted)"
expect_eq "default limit: exit" 0 "$(run "$INGEST" -q -C c big.jsonl)"
expect_eq "default limit: one row" 1 \
    "$(awk -F'\t' '$3 == "big.jsonl"' c/manifest.tsv | wc -l)"
expect_eq "default limit: all read" 4 "$(manifest_field c big.jsonl accepted)"
expect_eq "default limit: no reject" 0 "$(manifest_field c big.jsonl rejected)"
expect_eq "default limit: notes" "" "$(manifest_field c big.jsonl notes)"
expect_eq "default limit: rejects gone" "" \
    "$(zcat c/rejects.tsv.gz | tail -n +2)"
expect_eq "default limit: verify" 0 "$(run "$INGEST" -C c --verify)"
expect_eq "default limit: 4 events" 4 \
    "$("$GREP" -C c -u j.rivera --no-header -o time | wc -l)"

# Raw sources: the same limit, the same answer.
st=$(run "$GREP" -t -o time,action -u j.rivera --max-record 1K big.jsonl)
expect_eq "raw: exit" 0 "$st"
grep -v '^#session' out >events
expect_file "raw: the three events" expected events
expect_grep "raw: the reject is said" \
    '1 record\(s\) could not be read and were skipped' err

# The bound: 64M is the largest record a case stores.
expect_eq "65M: exit" 2 "$(run "$INGEST" -C d --max-record 65M big.jsonl)"
expect_eq "65M: message" \
    'ingest: --max-record: "65M" is out of range (64 to 67108864 bytes)' \
    "$(cat err)"
expect_eq "65M: grep-sessions exit" 2 \
    "$(run "$GREP" --max-record 67108865 big.jsonl)"
expect_eq "65M: grep-sessions message" \
    'grep-sessions: --max-record: "67108865" is out of range (64 to 67108864 bytes)' \
    "$(cat err)"
expect_eq "64M: exit" 0 "$(run "$INGEST" -q -C e --max-record 64M big.jsonl)"
expect_eq "64M: all read" 4 "$(manifest_field e big.jsonl accepted)"

done_testing
