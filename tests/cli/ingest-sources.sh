#!/bin/sh
# ingest-sources: standard input, directories, every container kind, nesting,
# symlink loops and files that cannot be read; names of logs in provenance.
. "$SRCDIR/tests/cli/lib.sh"

A=$FIX/formats/foundry-audit2.jsonl	# 8 records, 2 users
n=8

# Standard input.
st=$(run "$INGEST" -q -j 1 -C stdin - <"$A")
expect_eq "stdin: exit" 0 "$st"
expect_eq "stdin: accepted" $n "$(manifest_sum stdin accepted)"

# Every compression and archive kind, recognised by content: no file name
# says what it is.
mkdir src
cp "$A" src/plain
gzip -c "$A" >src/g
xz -c "$A" >src/x
bzip2 -c "$A" >src/b
zstd -q -c "$A" >src/z
lz4 -q -c "$A" >src/l
mkdir t && cp "$A" t/a.jsonl && gzip -c "$A" >t/b.jsonl.gz
(cd t && tar -cf ../src/tarball a.jsonl b.jsonl.gz)
(cd t && zip -q ../zipfile.zip a.jsonl b.jsonl.gz) && mv zipfile.zip src/zipfile
(cd t && bsdtar -cf ../src/sevenzip --format 7zip a.jsonl)
(cd t && echo a.jsonl | cpio -o --quiet >../src/cpiofile 2>/dev/null)
# Nested: a tar.gz holding a zip holding a gzip.
(cd t && zip -q inner.zip b.jsonl.gz && tar -czf ../src/nested inner.zip)
st=$(run "$INGEST" -q -j 1 -C kinds src)
expect_eq "kinds: exit" 0 "$st"
# plain g x b z l: 6; tarball 2; zipfile 2; sevenzip 1; cpio 1; nested 1
expect_eq "kinds: accepted" $n "$(manifest_sum kinds accepted)"
expect_eq "kinds: all but the first copy are duplicates" $((12 * n)) \
	"$(manifest_sum kinds duplicates)"
expect_eq "kinds: timelines hold each event once" $n "$(case_rows kinds | wc -l)"
awk -F'\t' 'NR > 1 && $5 != "" { print $3 ($4 != "" ? "!" $4 : "") }' \
	kinds/manifest.tsv | sort >names
cat >want-names <<'NAMES'
src/b
src/cpiofile!a.jsonl
src/g
src/l
src/nested!inner.zip!b.jsonl.gz
src/plain
src/sevenzip!a.jsonl
src/tarball!a.jsonl
src/tarball!b.jsonl.gz
src/x
src/z
src/zipfile!a.jsonl
src/zipfile!b.jsonl.gz
NAMES
expect_file "kinds: log names" want-names names

# Followed (--follow), a symlink loop and a dangling link are reported;
# the rest is read.
mkdir -p loop/sub
cp "$A" loop/sub/a.jsonl
ln -s .. loop/sub/up
ln -s nowhere loop/dangling
st=$(run "$INGEST" -q -j 1 --follow -C loopcase loop)
expect_eq "loop: exit" 2 "$st"
expect_grep "loop: reported" "loop/sub/up.*loop" err
expect_grep "dangling: reported" "loop/dangling" err
expect_eq "loop: the file is read once" $n "$(manifest_sum loopcase accepted)"

# A file that cannot be read is reported; the rest is read.  Root reads
# anything, so as root the check runs as nobody.
mkdir -p np/ev
cp "$A" np/ev/a.jsonl
cp "$A" np/ev/b.jsonl
chmod 000 np/ev/b.jsonl
as=
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
		# nobody may not reach the build tree: run copies.
		chmod 755 "$T"
		copy_tool "$INGEST" np
		cp -R "$SRCDIR/profiles" np/profiles
		chown -R nobody np
		as="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups env LD_LIBRARY_PATH=$T/np"
		$as test -x np/ingest || as=skip
	else
		as=skip
	fi
fi
if [ "$as" = skip ]; then
	echo "unreadable-file check skipped: cannot run as another user" >&2
else
	prog=$INGEST
	pdir=$SESSIONLOG_PROFILES
	if [ -x np/ingest ]; then
		prog=$T/np/ingest
		pdir=$T/np/profiles
	fi
	st=$(export SESSIONLOG_PROFILES="$pdir"
	    run $as "$prog" -q -j 1 -C np/case np/ev)
	expect_eq "unreadable: exit" 2 "$st"
	expect_grep "unreadable: named, with the reason" \
		"np/ev/b.jsonl.*Permission denied" err
	expect_eq "unreadable: the other file read" $n \
		"$(manifest_sum np/case accepted)"
fi

# A missing file is an error; the other source is still read.
st=$(run "$INGEST" -q -j 1 -C missing nosuchfile "$A")
expect_eq "missing: exit" 2 "$st"
expect_grep "missing: named" "nosuchfile" err
expect_eq "missing: other source read" $n "$(manifest_sum missing accepted)"

# Two jobs give the same case as one.
st=$(run "$INGEST" -q -j 2 -C kinds2 src)
expect_eq "two jobs: exit" 0 "$st"
for f in kinds/users/*.tsv.gz; do
	cmp -s "$f" "kinds2/users/${f##*/}" || fail "two jobs: ${f##*/} differs"
done

# A member named ../../evil.jsonl is a name, not a path.
st=$(run "$INGEST" -q -j 1 -C evil "$FIX/bad/evil-path.zip")
expect_eq "evil: exit" 0 "$st"
expect_eq "evil: nothing written outside" "" "$(ls .. | grep -x evil.jsonl)"
expect_grep "evil: the member keeps its name" "evil-path.zip	\.\./\.\./evil\.jsonl	" evil/manifest.tsv
expect_eq "evil: events" 3 "$(case_rows evil | wc -l)"
done_testing
