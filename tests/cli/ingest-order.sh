#!/bin/sh
# ingest-order.sh: with several threads, what ingest says comes in the
# order of the source files, as with one thread, in every run: the files
# are dealt to the reading threads in turn, and their items are taken back
# one file of each thread in turn.
. "$SRCDIR/tests/cli/lib.sh"

mkdir ev
for f in a b c d e; do
	{
		echo "{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"user\":\"u$f\"}"
		echo "{\"@timestamp\":\"no time\",\"user\":\"u$f\"}"
		echo "{\"@timestamp\":\"2026-03-02T08:00:01Z\",\"user\":\"\"}"
	} >ev/$f.jsonl
done
echo 'not a log' >ev/f.txt

"$INGEST" -j 1 -C one ev 2>err1
grep -v '^  span' err1 | sed 's/case one/case X/' >want
for i in 1 2 3 4 5 6; do
	rm -rf three
	"$INGEST" -j 3 -C three ev 2>err3
	grep -v '^  span' err3 | sed 's/case three/case X/' >got
	expect_file "-j 3, run $i: as -j 1" want got
done
expect_grep "rejects are shown" 'ev/c.jsonl:2: rejected' want

# The sample evidence: an archive of many members, directories, logs
# larger than a batch.
"$INGEST" -j 1 -C s1 "$FIX/sample" 2>err1
sed 's/case s1/case X/' err1 >want
"$INGEST" -j 3 -C s3 "$FIX/sample" 2>err3
sed 's/case s3/case X/' err3 >got
expect_file "sample: -j 3 as -j 1" want got

exit $((fails > 0))
