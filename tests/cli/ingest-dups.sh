#!/bin/sh
# ingest-dups: a record whose key was already seen is a duplicate whatever
# user it names (no phantom user for a mangled name); a copy that says
# something else is a conflict, kept in conflicts.tsv.gz and reported; keys
# compare within their scope only; the case's copy is kept on a later
# ingest; -j1 and -j2 give the same case.
. "$SRCDIR/tests/cli/lib.sh"

mkdir d
cp "$FIX"/dups/* d/
M=d/m365-mangled.jsonl

st=$(run "$INGEST" -j 1 -C c $M d/cloudtrail-lines.json \
	d/cloudtrail-records.json d/auditd-alpha.log d/auditd-beta.log)
expect_eq "exit status: conflicts are trouble" 2 "$st"
expect_eq "users" "1001 anna.lind@contoso.example bob per.holm@contoso.example" \
	"$(ls c/users | sed -n 's/\.tsv\.gz$//p' | tr '\n' ' ' | sed 's/ $//')"

cat >want <<'W'
d/auditd-alpha.log	1	1	0	0
d/auditd-beta.log	1	1	0	0
d/cloudtrail-lines.json	2	2	0	0
d/cloudtrail-records.json	1	0	1	0
d/m365-mangled.jsonl	6	3	3	2
W
awk -F'\t' 'NR > 1 { print $3 "\t" $6 "\t" $7 "\t" $8 "\t" $14 }' \
	c/manifest.tsv | sort >got
expect_file "manifest: read accepted duplicates conflicts" want got

A=0d4c1f7e-6a2b-4c8d-9e1f-2a3b4c5d6e7f
B=1e5d2a8f-7b3c-4d9e-8f2a-3b4c5d6e7f80
cat >want <<W
scope	key	kept_user	kept_time	kept_origin	kept_line	kept_offset	user	time	origin	line	offset	differs
m365	$B	anna.lind@contoso.example	2026-03-04T09:05:00.000000Z	$M	2	419	anna.lind@contoso.example	2026-03-04T09:06:00.000000Z	$M	6	2098	time,action
m365	$A	anna.lind@contoso.example	2026-03-04T09:00:00.000000Z	$M	1	0	anna.lindcontoso.example	2026-03-04T09:00:00.000000Z	$M	4	1260	user
W
zcat c/conflicts.tsv.gz | cut -f1-13 >got
expect_file "conflicts.tsv.gz" want got
expect_eq "conflicts.tsv.gz: raw of the altered copy" \
	"$(sed -n 6p $M)" "$(zcat c/conflicts.tsv.gz | sed -n 2p | cut -f14)"

expect_grep "report: records" \
	"^  records    11 read: 7 accepted, 4 duplicates, 0 rejected$" err
expect_grep "report: conflicts" \
	"^  conflicts  2 duplicates that differ from their kept copy \(see c/conflicts.tsv.gz\)$" err
expect_grep "warning" \
	"^ingest: 2 duplicates differ from the copy kept: the evidence may be damaged or tampered with$" err

# Both nodes' logins are there: TIME:SERIAL is unique per host only.
expect_eq "auditd: one event per node" 2 \
	"$(zcat c/users/1001.tsv.gz | tail -n +2 | wc -l)"
expect_eq "key index: one row per key" 7 \
	"$(zcat c/keys.tsv.gz | tail -n +2 | wc -l)"
expect_eq "key index: scopes" "auditd@alpha auditd@beta cloudtrail m365" \
	"$(zcat c/keys.tsv.gz | tail -n +2 | cut -f1 | sort -u | tr '\n' ' ' | sed 's/ $//')"

# The same in parallel: the same case.
st=$(run "$INGEST" -j 2 -C c2 d/auditd-beta.log d/auditd-alpha.log \
	d/cloudtrail-records.json d/cloudtrail-lines.json $M)
expect_eq "-j2: exit status" 2 "$st"
sha() { (cd "$1" && find . -type f ! -name audit.log ! -name .lock \
	! -name manifest.tsv ! -name sessionlog.case | sort | xargs sha256sum); }
sha c >a
sha c2 >b
expect_file "-j1 and -j2 give the same files" a b
cut -f1-12,14- c/manifest.tsv >a
cut -f1-12,14- c2/manifest.tsv >b
expect_file "-j1 and -j2 give the same manifest" a b

# Later: a key already in the case keeps the case's copy, whatever user
# the new copy names; a new key of a mangled name is an event of that name.
st=$(run "$INGEST" -C c d/m365-again.jsonl)
expect_eq "second ingest: exit status" 0 "$st"
expect_eq "second ingest: duplicates" 1 \
	"$(manifest_field c d/m365-again.jsonl duplicates)"
expect_eq "second ingest: conflicts" 0 \
	"$(manifest_field c d/m365-again.jsonl conflicts)"
expect_eq "second ingest: conflicts.tsv.gz unchanged" 3 \
	"$(zcat c/conflicts.tsv.gz | wc -l)"
expect_eq "kept copy is the case's" "$M	1" \
	"$(zcat c/keys.tsv.gz | awk -F'\t' -v k=$A '$2 == k { print $7 "\t" $8 }')"
expect_eq "anna's events" 2 \
	"$(zcat 'c/users/anna.lind@contoso.example.tsv.gz' | tail -n +2 | wc -l)"
expect_eq "verify" 0 "$(run "$INGEST" --verify -C c)"
done_testing
