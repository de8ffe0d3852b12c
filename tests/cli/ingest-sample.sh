#!/bin/sh
# ingest-sample: the sample evidence gives the totals of its ground truth;
# ingesting it again changes nothing; verify finds the case intact, and
# finds tampering.
. "$SRCDIR/tests/cli/lib.sh"

S=$FIX/sample
truth() {
	awk -F'\t' -v m="metric=$1;" '$1 == "total" && index($7, m) == 1 { print $6 }' "$S/truth.tsv"
}

st=$(run "$INGEST" -C c "$S/audit" "$S/delivery-2026-03-16.tar")
expect_eq "exit status" 0 "$st"
expect_eq "read" "$(truth records)" "$(manifest_sum c read)"
expect_eq "accepted" "$(truth accepted)" "$(manifest_sum c accepted)"
expect_eq "duplicates" "$(truth duplicates)" "$(manifest_sum c duplicates)"
expect_eq "rejected" 0 "$(manifest_sum c rejected)"
expect_eq "users" "$(truth users)" "$(ls c/users | grep -c '\.tsv\.gz$')"
expect_eq "rows" "$(truth accepted)" "$(case_rows c | wc -l)"
expect_grep "report: records" "records +17,193 read: 17,145 accepted, 48 duplicates, 0 rejected" err
expect_grep "report: users" "users +30 " err
expect_grep "report: span" "span +2026-03-02T06:25:50.870803Z .. 2026-03-22T15:16:55.520400Z" err

# Per-user event counts of the ground truth.
awk -F'\t' '$1 == "user" { print $2 "\t" $6 }' "$S/truth.tsv" | sort >want-users
for f in c/users/*.tsv.gz; do
	printf '%s\t%s\n' "$(zcat "$f" | sed -n '2{s/^[^\t]*\t//;s/\t.*//;p}')" \
		"$(zcat "$f" | tail -n +2 | wc -l)"
done | sort >got-users
if [ -s want-users ]; then
	expect_file "events per user" want-users got-users
fi

# The bulk export at night: the planted session is all there, in order.
zcat c/users/m.okafor.tsv.gz | awk -F'\t' '$3 == "fc38a01f-3e44-406e-a5a3-c684dbb41e11"' >night
expect_eq "night session events" 24 "$(wc -l <night)"
expect_eq "night session exports" 18 "$(awk -F'\t' '$4 == "export"' night | wc -l)"
expect_eq "night session bytes" 2676912658 "$(awk -F'\t' '$4 == "export" { s += $9 } END { printf "%.0f", s }' night)"
expect_eq "night session in time order" "$(cut -f1 night)" "$(cut -f1 night | sort)"

# Again: nothing new, nothing changed.
sha() { (cd c && find . -type f ! -name audit.log ! -name .lock | sort | xargs sha256sum); }
sha >before
st=$(run "$INGEST" -C c "$S/audit" "$S/delivery-2026-03-16.tar")
expect_eq "second ingest: exit status" 0 "$st"
sha >after
expect_file "second ingest changes no file" before after
expect_grep "second ingest: says so" "already in the case" err
expect_eq "audit.log has both runs" 2 "$(grep -c '	ingest	' c/audit.log)"

# Owner-only permissions.
expect_eq "case mode" 700 "$(stat -c %a c)"
expect_eq "timeline mode" 600 "$(stat -c %a c/users/m.okafor.tsv.gz)"

# Verify: intact, then tampered.
st=$(run "$INGEST" --verify -C c)
expect_eq "verify intact: exit" 0 "$st"
expect_eq "verify intact: no output" "" "$(cat out)"
printf 'x' | dd of=c/users/d.weber.tsv.gz bs=1 seek=100 conv=notrunc 2>/dev/null
st=$(run "$INGEST" --verify -C c)
expect_eq "verify tampered: exit" 1 "$st"
expect_grep "verify names the file" "users/d.weber.tsv.gz" out
done_testing
