#!/bin/sh
# ingest-integrity: evidence cut short or malformed leaves its trace in the
# case: a last record cut by the end of the log or of its container is a
# reject "record cut short", a cut gzip says truncated= and a damaged one
# corrupt= and lost= in the manifest, and JSON read as meant although it
# was malformed is a warning and repaired= (testdata/README.md).
. "$SRCDIR/tests/cli/lib.sh"

CUT='record cut short (data lost, or the log ends inside it)'
mkdir in
for f in cut-logon.csv cut-line.jsonl cut-tail.csv.gz corrupt-member.jsonl.gz \
    repaired-records.json no-final-newline.csv; do
	cp "$FIX/bad/$f" in/
done

# Cut and damaged logs: exit status 2, every loss told.
expect_eq "cut: exit status" 2 "$(run "$INGEST" -j 1 -C c in/cut-logon.csv \
	in/cut-line.jsonl in/cut-tail.csv.gz in/corrupt-member.jsonl.gz)"
cat >expected <<EOF2
ingest: in/cut-logon.csv:5: rejected: $CUT
ingest: in/cut-line.jsonl:3: rejected: $CUT
ingest: in/cut-tail.csv.gz:79: rejected: $CUT
ingest: in/cut-tail.csv.gz: truncated gzip data at compressed byte 1237 (in the member at byte 0)
ingest: in/corrupt-member.jsonl.gz: corrupt gzip data at compressed byte 616 (invalid block type); skipped to the next member at byte 1213, 597 bytes lost
ingest: case c
  sources    4 read; 4 logs
  records    105 read: 102 accepted, 0 duplicates, 3 rejected
  rejects    3 $CUT
  users      5 with new events
  span       2026-03-02T07:00:00.000000Z .. 2026-03-03T16:28:44.000000Z
  errors     2 (see above)
EOF2
expect_file "cut: stderr" expected err
cut -f3,6-9,16 c/manifest.tsv >actual
printf '%s\t%s\t%s\t%s\t%s\t%s\n' \
	path read accepted duplicates rejected notes \
	in/corrupt-member.jsonl.gz 20 20 0 0 'corrupt=1 lost=597' \
	in/cut-line.jsonl 3 2 0 1 '' \
	in/cut-logon.csv 4 3 0 1 '' \
	in/cut-tail.csv.gz 78 77 0 1 truncated=5240 >expected
expect_file "cut: manifest" expected actual
# The rejects, raw byte for byte: the cut logon row, the JSON line and
# the CSV row whose tail the cut gzip lost.
zcat c/rejects.tsv.gz | cut -f1-6 >actual
{
	printf 'origin\tline\toffset\tprofile\treason\traw\n'
	printf 'in/cut-line.jsonl\t3\t792\tfoundry-audit3\t%s\t%s\n' "$CUT" \
		"$(tail -n 1 in/cut-line.jsonl)"
	printf 'in/cut-logon.csv\t5\t227\tcert-logon\t%s\t%s\n' "$CUT" \
		"$(tail -n 1 in/cut-logon.csv)"
	# zlib gets 18 bytes of row 78 out of the cut deflate data (gzip
	# itself stops a little earlier); make-fixtures checks and says so.
	printf 'in/cut-tail.csv.gz\t79\t5222\tcert-logon\t%s\t%s\n' "$CUT" \
		'{C077-T4IL2849-976'
} >expected
expect_file "cut: rejects" expected actual
expect_eq "cut: logon row as cut" \
	'{D4F1-Y8GM37ZC-5521HPLU},03/02/2026 17:46:51,AVD0412,PC-0042,Logo' \
	"$(zcat c/rejects.tsv.gz | awk -F'\t' '$1 == "in/cut-logon.csv" { print $6 }')"
# Counts reconcile: read = accepted + duplicates + rejected, rejects in
# the manifest = rows of rejects.tsv.gz, accepted = events stored.
expect_eq "cut: read" "$(manifest_sum c read)" \
	$(($(manifest_sum c accepted) + $(manifest_sum c duplicates) + \
	$(manifest_sum c rejected)))
expect_eq "cut: rejected rows" "$(manifest_sum c rejected)" \
	"$(zcat c/rejects.tsv.gz | tail -n +2 | wc -l)"
expect_eq "cut: events" "$(manifest_sum c accepted)" \
	"$(case_rows c | wc -l)"

# Malformed JSON read in full, and a log whose last line merely lacks its
# line end: nothing lost, a warning, exit status 0.
expect_eq "repaired: exit status" 0 "$(run "$INGEST" -j 1 -C r \
	in/repaired-records.json in/no-final-newline.csv)"
cat >expected <<EOF2
ingest: warning: in/repaired-records.json: malformed JSON read as meant at 2 places, the first at byte 982: no comma between array elements
ingest: case r
  sources    2 read; 2 logs
  records    7 read: 7 accepted, 0 duplicates, 0 rejected
  users      3 with new events
  span       2026-03-02T07:58:12.000000Z .. 2026-03-02T17:46:51.000000Z
  warnings   1 (see above)
EOF2
expect_file "repaired: stderr" expected err
cut -f3,6-9,16 r/manifest.tsv >actual
printf '%s\t%s\t%s\t%s\t%s\t%s\n' \
	path read accepted duplicates rejected notes \
	in/no-final-newline.csv 4 4 0 0 '' \
	in/repaired-records.json 3 3 0 0 repaired=2 >expected
expect_file "repaired: manifest" expected actual
expect_eq "repaired: no rejects" 1 "$(zcat r/rejects.tsv.gz | wc -l)"
# The last row, without its line end, is whole: its logoff is an event.
expect_eq "no final newline: last row" "logout" \
	"$(case_rows r | awk -F'\t' '$14 == "{D4F1-Y8GM37ZC-5521HPLU}" { print $4 }')"
# -q keeps the warning and the report.
expect_eq "repaired -q: exit status" 0 "$(run "$INGEST" -q -j 1 -C q \
	in/repaired-records.json)"
expect_grep "repaired -q: warning" '^ingest: warning: in/repaired-records.json: ' err
done_testing
