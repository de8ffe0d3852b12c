#!/bin/sh
# ingest-bad: each bad input of testdata/bad is reported with the log's name
# and position, everything readable is kept, and the exit status is 2.
. "$SRCDIR/tests/cli/lib.sh"

tail -n +2 "$FIX/bad/expected.tsv" |
# Tabs become '|': a tab in IFS is white space, and empty fields would be
# skipped.
tr '\t' '|' |
while IFS='|' read -r file error kept rejected notes; do
	c=case-$(echo "$file" | tr '/.' '__')
	st=$(run "$INGEST" -q -j 1 -C "$c" "$FIX/bad/$file")
	if [ -n "$error" ] || [ "$rejected" -gt 0 ]; then
		expect_eq "$file: exit status" 2 "$st"
	else
		expect_eq "$file: exit status" 0 "$st"
	fi
	if [ -n "$error" ]; then
		expect_grep "$file: message names the log" \
			"^ingest: .*bad/$file[!:].*$error" err
	fi
	expect_eq "$file: events kept" "$kept" "$(case_rows "$c" | wc -l)"
	expect_eq "$file: rejected" "$rejected" \
		"$(zcat "$c/rejects.tsv.gz" 2>/dev/null | tail -n +2 | wc -l)"
	if [ "$fails" -ne 0 ]; then
		sed 's/^/  stderr| /' err >&2
		exit 1
	fi
done || fails=1
done_testing
