#!/bin/sh
# ingest-walk: what a directory walk reads.  Symbolic links inside a
# directory are not followed unless --follow asks (one may lead to the
# investigator's own files); a link named on the command line is (find -H).
. "$SRCDIR/tests/cli/lib.sh"

A=$FIX/formats/foundry-audit2.jsonl	# 8 records, 2 users
n=8

# Whether a case holds the text anywhere, compressed or not.
case_has() {
	for f in $(find "$1" -type f); do
		case $f in
		*.gz)	zcat "$f" 2>/dev/null ;;
		*)	cat "$f" ;;
		esac
	done | grep -c -- "$2"
}

# Evidence with links out of itself: to a file (a stand-in for
# /etc/shadow, holding a marker) and to a directory, from the top and
# from a subdirectory.
mkdir -p ev/sub outside
cp "$A" ev/a.jsonl
printf 'root:MARKER-9d1c:19000:0:99999:7:::\n' >shadow
cp shadow outside/x
ln -s ../shadow ev/link
ln -s ../../shadow ev/sub/link
ln -s ../outside ev/dir

st=$(run "$INGEST" -j 1 -C c ev)
expect_eq "links: exit" 0 "$st"
cat >want <<'W'
ingest: ev/dir: symbolic link; not followed
ingest: ev/link: symbolic link; not followed
ingest: ev/sub/link: symbolic link; not followed
ingest: case c
  sources    1 read, 3 not read (see above); 1 logs
  records    8 read: 8 accepted, 0 duplicates, 0 rejected
  users      2 with new events
  span       2026-03-02T08:00:04.218000Z .. 2026-03-02T10:30:00.000000Z
W
expect_file "links: skipped, each named" want err
expect_eq "links: the marker is nowhere in the case" 0 "$(case_has c MARKER-9d1c)"
expect_eq "links: the log read" $n "$(manifest_sum c accepted)"

# -q does not hide them: evidence may be missing from the case.
st=$(run "$INGEST" -q -j 1 -C cq ev)
expect_eq "links -q: exit" 0 "$st"
head -n 3 want >wantq
expect_file "links -q: still named" wantq err

# --follow reads them: the marker is in the rejects.
st=$(run "$INGEST" -q -j 1 --follow -C cf ev)
expect_eq "follow: exit (no profile for the marker)" 2 "$st"
expect_eq "follow: the marker read, three times" 3 \
	"$(zcat cf/rejects.tsv.gz | grep -c MARKER-9d1c)"
expect_grep "follow: the linked directory read" "ev/dir/x" err

# A link named on the command line is followed, as find -H does.
ln -s ev evlink
st=$(run "$INGEST" -q -j 1 -C ch evlink)
expect_eq "command line: exit" 0 "$st"
expect_eq "command line: the directory read" $n \
	"$(manifest_sum ch accepted)"
expect_grep "command line: links inside still skipped" \
	"^ingest: evlink/link: symbolic link; not followed$" err

# -q says nothing of sources already in the case; without it, each is
# named (with two jobs too, whose items travel between threads).
st=$(run "$INGEST" -q -j 1 -C c ev/a.jsonl)
expect_eq "-q again: exit" 0 "$st"
expect_eq "-q again: nothing said" "" "$(cat err)"
st=$(run "$INGEST" -j 2 -C c ev/a.jsonl)
expect_eq "again: exit" 0 "$st"
expect_grep "again: named" \
	"^ingest: ev/a.jsonl: already in the case \(sha256 [0-9a-f]{16}\.\.\.\), skipped$" err

# The case reads itself: 'cd evidence && ingest .' writes ./case inside
# the evidence; neither run reads it, so the second changes nothing.
mkdir here
cp "$A" here/a.jsonl
st=$(cd here && "$INGEST" -j 1 . >../out 2>../err1; echo $?)
expect_eq "own case: first run" 0 "$st"
cat >want <<'W'
ingest: ./case: a sessionlog case; not read
ingest: case case
  sources    1 read, 1 not read (see above); 1 logs
  records    8 read: 8 accepted, 0 duplicates, 0 rejected
  users      2 with new events
  span       2026-03-02T08:00:04.218000Z .. 2026-03-02T10:30:00.000000Z
W
expect_file "own case: first run" want err1
find here/case -type f ! -name audit.log | sort | xargs cat | cksum >sum1
st=$(cd here && "$INGEST" -j 2 . >../out 2>../err2; echo $?)
expect_eq "own case: second run" 0 "$st"
cat >want <<'W'
ingest: ./a.jsonl: already in the case (sha256 61f3a3d6538adbf7...), skipped
ingest: ./case: a sessionlog case; not read
ingest: case case
  sources    0 read, 1 already in the case, 1 not read (see above); 0 logs
  records    0 read: 0 accepted, 0 duplicates, 0 rejected
  nothing new: the case is unchanged
W
expect_file "own case: second run" want err2
find here/case -type f ! -name audit.log | sort | xargs cat | cksum >sum2
expect_file "own case: unchanged" sum1 sum2
expect_eq "own case: counts" "8 0" \
	"$(manifest_sum here/case accepted) $(manifest_sum here/case duplicates)"

# Another case, named as a source or found in a walk, is not read either.
st=$(run "$INGEST" -j 1 -C other here/case c)
expect_eq "other case: exit" 0 "$st"
cat >want <<'W'
ingest: here/case: a sessionlog case; not read
ingest: c: a sessionlog case; not read
W
grep 'not read$' err >got
expect_file "other case: named" want got
expect_eq "other case: nothing read" 0 "$(manifest_sum other accepted)"

# A directory that is not a case is refused and left as it was: no lock
# file left in it.
mkdir notcase
echo keep >notcase/file
st=$(run "$INGEST" -q -j 1 -C notcase "$A")
expect_eq "not a case: exit" 2 "$st"
expect_eq "not a case: said" \
	'ingest: "notcase" is not a sessionlog case (no sessionlog.case)' \
	"$(cat err)"
expect_eq "not a case: untouched" "file" "$(ls -A notcase)"
run "$BUILDDIR/cmd/grep-sessions" -C notcase -c >/dev/null
expect_eq "not a case, read: untouched" "file" "$(ls -A notcase)"

# The tools that read raw sources walk them the same way.
for tool in grep-sessions summarize diff-users; do
	args= want=0
	# Two users who differ: 1, as diff(1).
	[ $tool = diff-users ] && args="a.schmidt j.rivera --" want=1
	st=$(run "$BUILDDIR/cmd/$tool" $args ev)
	expect_eq "$tool: exit" $want "$st"
	sed "s/^ingest:/$tool:/" wantq >want-$tool
	expect_file "$tool: links named" want-$tool err
	expect_eq "$tool: the marker is not read" 0 \
	    "$(cat out err | grep -c MARKER-9d1c)"
	run "$BUILDDIR/cmd/$tool" --follow $args ev >/dev/null
	expect_grep "$tool --follow: read" "^$tool: ev/link: no profile" err
done

done_testing
