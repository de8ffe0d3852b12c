#!/bin/sh
# ingest-formats: every real-shape fixture gives the counts, profile and users
# stated in testdata/formats/expected.tsv, and the counts reconcile.
. "$SRCDIR/tests/cli/lib.sh"

tail -n +2 "$FIX/formats/expected.tsv" |
# Tabs become '|': a tab in IFS is white space, and empty fields would be
# skipped.
tr '\t' '|' |
while IFS='|' read -r file profile records accepted dups rejected users notes; do
	c=case-$(echo "$file" | tr '/.' '__')
	st=$(run "$INGEST" -q -j 1 -C "$c" "$FIX/formats/$file")
	want=0
	[ "$rejected" -gt 0 ] && want=2
	expect_eq "$file: exit status" "$want" "$st"
	expect_eq "$file: read" "$records" "$(manifest_sum "$c" read)"
	expect_eq "$file: accepted" "$accepted" "$(manifest_sum "$c" accepted)"
	expect_eq "$file: duplicates" "$dups" "$(manifest_sum "$c" duplicates)"
	expect_eq "$file: rejected" "$rejected" "$(manifest_sum "$c" rejected)"
	expect_eq "$file: reconciles" "$records" \
		"$(($(manifest_sum "$c" accepted) + $(manifest_sum "$c" duplicates) + $(manifest_sum "$c" rejected)))"
	expect_eq "$file: users" "$users" "$(ls "$c/users" | grep -c '\.tsv\.gz$')"
	expect_eq "$file: rows in timelines" "$accepted" "$(case_rows "$c" | wc -l)"
	got=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["profile"] != "" { print $c["profile"] }' "$c/manifest.tsv" | sort -u)
	expect_eq "$file: profile" "$profile" "$got"
	expect_eq "$file: rejects kept" "$rejected" \
		"$(zcat "$c/rejects.tsv.gz" 2>/dev/null | tail -n +2 | wc -l)"
	if [ "$fails" -ne 0 ]; then
		sed 's/^/  stderr| /' err >&2
		exit 1
	fi
done || fails=1
done_testing
