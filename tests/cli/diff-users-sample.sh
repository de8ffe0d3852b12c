#!/bin/sh
# diff-users-sample: on the sample evidence each planted officer stands out
# against the peers of their unit (groups.tsv) in the dimensions their
# scenario touches (TRUTH.md): m.okafor's night export over the VPN (export
# volume, hours, sources), d.weber's search for a private person (query
# terms), s.novak's account used from a second workstation (sources),
# k.yilmaz's refused reads (outcomes).  Every officer is compared, so that
# "stands out" means: more than any innocent colleague.
. "$SRCDIR/tests/cli/lib.sh"
DU=$BUILDDIR/cmd/diff-users
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# Each officer against their unit over the three weeks, in the office's
# zone: one TSV of all, the officer's name in front.
: >all.tsv
for u in $(tail -n +2 "$S/groups.tsv" | cut -f1); do
	st=$(run "$DU" -C case "$u" --peers group --groups "$S/groups.tsv" \
	    --tz Europe/Berlin --dimension action,query,src,hour,export \
	    --no-header)
	case $st in
	0|1) ;;
	*) fail "$u: exit $st: $(cat err)" ;;
	esac
	sed "s/^/$u	/" out >>all.tsv
done
expect_eq "30 officers compared" 30 "$(grep -c '	overall	' all.tsv)"

# m.okafor: the export similarity furthest below its threshold of all
# officers, his exported bytes above every colleague's.
expect_eq "export: lowest similarity" "m.okafor differs" "$(awk -F'\t' \
    '$2 == "export" && $3 == "*" { print $6, $1, $7 }' all.tsv |
    sort -g | head -n 1 | cut -d' ' -f2-)"
expect_eq "export: bytes above the unit" "m.okafor" "$(awk -F'\t' \
    '$2 == "export" && $3 == "bytes" && $7 ~ /peers-uncommon/ &&
    $6 == 100 { print $1 }' all.tsv | grep -x m.okafor)"
# Hours: he alone works at night (22:00-06:00) where his unit does not.
expect_eq "hour: the only one at night" "m.okafor 02" "$(awk -F'\t' \
    '$2 == "hour" && $3 != "*" && ($3 >= 22 || $3 < 6) &&
    $7 ~ /peers-uncommon/ { print $1, $3 }' all.tsv)"
# Sources: more addresses than the unit's median, only the two whose
# accounts were used from a second place; that place is flagged.
expect_eq "src: more than the unit" "m.okafor
s.novak" "$(awk -F'\t' '$2 == "src" && $3 == "*" && $4 > $5 { print $1 }' \
    all.tsv | sort)"
expect_eq "src: the VPN address" "10.99.14.7 peers-uncommon" \
    "$(awk -F'\t' '$1 == "m.okafor" && $2 == "src" && $3 == "10.99.14.7" {
    print $3, $7 }' all.tsv)"
expect_eq "src: the other unit's workstation" "10.20.15.57 peers-uncommon" \
    "$(awk -F'\t' '$1 == "s.novak" && $2 == "src" && $3 == "10.20.15.57" {
    print $3, $7 }' all.tsv)"
# k.yilmaz: the most refusals of anyone, above his whole unit.
expect_eq "action: most denied" "k.yilmaz 12 0 100 peers-uncommon" \
    "$(awk -F'\t' '$2 == "action" && $3 == "denied" { print $4, $1, $5,
    $6, $7 }' all.tsv | sort -rn | head -n 1 | awk '{ print $2, $1, $3,
    $4, $5 }')"
# d.weber: the private person's name is his search alone.
expect_eq "query: Lena Hartmann" "d.weber" "$(awk -F'\t' \
    '$2 == "query" && $3 == "Lena Hartmann" && $4 > 0 { print $1 }' \
    all.tsv)"

# d.weber in week three against the weeks before: the only words he
# searched for the first time that his unit does not search are hers.
expect_eq "d.weber week three: exit" 1 "$(run "$DU" -C case d.weber \
    --peers group --groups "$S/groups.tsv" --tz Europe/Berlin \
    --since 2026-03-16 --dimension term)"
cat >want <<'X'
hartmann	4	0	100	first,peers-uncommon
lena	3	0	100	first,peers-uncommon
1991	1	0	100	first,peers-uncommon
X
awk -F'\t' '$6 == "first,peers-uncommon" { print $2 "\t" $3 "\t" $4 "\t" \
    $5 "\t" $6 }' out >got
expect_file "d.weber week three: her name" want got

done_testing
