#!/bin/sh
# ingest-reread.sh: --reread replaces what came from the named sources (a
# wrong --map corrected), and a log recorded as incomplete is read again
# when the options differ (ingest(1), sessionlog(5)).
. "$SRCDIR/tests/cli/lib.sh"
cp "$FIX/formats/generic.csv" g.csv
cp "$FIX/formats/cloudtrail-lines.json" ct.json
cp "$FIX/formats/aol.tsv" aol.tsv
users() { (cd "$1/users" && ls) | tr '\n' ' '; }

for j in 1 2; do
	c=c$j
	# The wrong column: events attributed to the client addresses.
	st=$(run "$INGEST" -q -j $j -C $c --map user=src g.csv aol.tsv ct.json)
	# (aol.tsv has no column src: its records are rejects, status 2)
	expect_eq "j$j: wrong map: status" 2 "$st"
	users $c >u
	expect_grep "j$j: wrong users" "10\.20\.10\.41\.tsv\.gz" u
	st=$(run "$INGEST" -q -j $j -C $c --map user=sourceIPAddress ct.json)
	expect_eq "j$j: known, skipped" 0 "$st"
	zcat $c/users/*.tsv.gz | grep -c ct.json >ct.before
	st=$(run "$INGEST" -q -j $j -C $c --reread --map user=user g.csv)
	expect_eq "j$j: reread: status" 0 "$st"
	expect_eq "j$j: reread: stderr" "" "$(cat err)"
	# 10.20.* had only rows of g.csv: they leave the case.
	users $c >u
	expect_grep "j$j: new user" "j\.rivera\.tsv\.gz" u
	expect_eq "j$j: old users gone" "" \
	    "$(tr ' ' '\n' <u | grep -e '^10\.20\.10\.41' -e '^10\.20\.11\.102')"
	expect_eq "j$j: one manifest row" 1 \
	    "$(manifest_field $c g.csv notes | wc -l | tr -d ' ')"
	expect_eq "j$j: its notes" "map=user=user" \
	    "$(manifest_field $c g.csv notes)"
	expect_eq "j$j: its counts" "6 6 0 0" "$(for k in read accepted \
	    duplicates rejected; do manifest_field $c g.csv $k; done | \
	    tr '\n' ' ' | sed 's/ $//')"
	expect_eq "j$j: rows reconcile" "$(manifest_sum $c accepted)" \
	    "$(case_rows $c | wc -l | tr -d ' ')"
	expect_eq "j$j: g.csv rows" 6 "$(case_rows $c | grep -c 'g\.csv')"
	expect_eq "j$j: ct.json untouched" "$(cat ct.before)" \
	    "$(zcat $c/users/*.tsv.gz | grep -c ct.json)"
	expect_eq "j$j: aol rejects untouched" 12 \
	    "$(zcat $c/rejects.tsv.gz | grep -c '^aol\.tsv')"
	# Read again with the same map: the keys of the old rows are gone, so
	# the new ones are not duplicates of them.
	st=$(run "$INGEST" -q -j $j -C $c --reread --map user=sourceIPAddress \
	    ct.json)
	expect_eq "j$j: reread ct: status" 0 "$st"
	expect_eq "j$j: reread ct: no duplicates" 0 \
	    "$(manifest_field $c ct.json duplicates)"
	expect_eq "j$j: reread ct: accepted" \
	    "$(manifest_field $c ct.json read)" \
	    "$(manifest_field $c ct.json accepted)"
	expect_eq "j$j: verify" "0" "$(run "$INGEST" --verify -C $c)"
	expect_eq "j$j: audit: both runs" 2 \
	    "$(grep -c -e '--map user=src g.csv' -e '--reread --map user=user g.csv' $c/audit.log)"
done
# One case whatever the threads.
for f in manifest.tsv; do
	expect_eq "j1 = j2: $f" "$(cut -f 1-12,14- c1/$f)" \
	    "$(cut -f 1-12,14- c2/$f)"
done
for f in c1/users/* c1/rejects.tsv.gz c1/keys.tsv.gz c1/conflicts.tsv.gz; do
	cmp -s "$f" "c2/${f#c1/}" || fail "j1 = j2: $f differs"
done

# A log none of whose records was read (no column gives the time) is
# read again when the options differ, without --reread; with the same
# options, or when complete, it is skipped.
printf 'stamp,who,verb\n2026-03-02 08:00:00,k.lindqvist,login\n2026-03-02 08:05:00,k.lindqvist,logout\n' >odd.csv
"$INGEST" -q -C d odd.csv g.csv 2>/dev/null
expect_eq "incomplete: rejected" 2 "$(manifest_field d odd.csv rejected)"
st=$(run "$INGEST" -C d odd.csv g.csv)
expect_eq "same options: skipped" "0 2" "$st $(grep -c 'skipped' err)"
st=$(run "$INGEST" -C d --profile generic-csv --map time=stamp \
    --map user=who --map action=verb odd.csv g.csv)
expect_eq "other options: status" 0 "$st"
expect_eq "other options: only g.csv skipped" "g.csv: already" \
    "$(grep -o 'g\.csv: already' err)"
expect_eq "other options: one row" "2 0 0 profile=forced map=time=stamp map=user=who map=action=verb" \
    "$(for k in accepted duplicates rejected notes; do \
    manifest_field d odd.csv $k; done | tr '\n' ' ' | sed 's/ $//')"
expect_eq "other options: rejects gone" 0 \
    "$(zcat d/rejects.tsv.gz | tail -n +2 | wc -l | tr -d ' ')"
expect_eq "other options: user" "k.lindqvist.idx" \
    "$(ls d/users | grep lindqvist | head -1)"
st=$(run "$INGEST" -C d --profile generic-csv --map time=stamp \
    --map user=who --map action=verb odd.csv)
expect_eq "complete now: skipped" "0 1" "$st $(grep -c 'skipped' err)"
expect_eq "incomplete: verify" 0 "$(run "$INGEST" --verify -C d)"

done_testing
