#!/bin/sh
# ingest-member-names: a '!' in a member's or a source's name does not make
# the origin (path!member!member) ambiguous: it is written %21, and a '%'
# that would read as %21 or %25 is written %25 (sessionlog(5)).  Before,
# bad/bang-names.zip's member "x.zip!y.jsonl" and the member y.jsonl of its
# member x.zip had the same origin.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions

mkdir in
cp "$FIX/bad/bang-names.zip" 'in/b!ng.zip'

cat >want <<'EOF'
user	origin
h.berger	in/b%21ng.zip!x.zip%21y.jsonl
i.schulz	in/b%21ng.zip!x.zip!y.jsonl
j.wolf	in/b%21ng.zip!100%2521.jsonl
k.roth	in/b%21ng.zip!50%.jsonl
EOF
# From the raw source and from the case alike.
"$GS" -o user,origin 'in/b!ng.zip' >got 2>err
expect_file "raw source: origins" want got
st=$(run "$INGEST" -q -j 1 -C c 'in/b!ng.zip')
expect_eq "exit status" 0 "$st"
"$GS" -C c -o user,origin >got 2>err
expect_file "case: origins" want got

# path and member are the origin split at its first '!', as written.
cat >want <<'EOF'
in/b%21ng.zip		0	container
in/b%21ng.zip	100%2521.jsonl	1	
in/b%21ng.zip	50%.jsonl	1	
in/b%21ng.zip	x.zip	0	container
in/b%21ng.zip	x.zip!y.jsonl	1	
in/b%21ng.zip	x.zip%21y.jsonl	1	
EOF
cut -f3,4,7,16 c/manifest.tsv | tail -n +2 >got
expect_file "manifest" want got
"$INGEST" --verify -C c >out 2>err || fail "verify: $(cat out err)"

# Read again, the source replaces exactly its own rows.
st=$(run "$INGEST" -q -j 1 -C c --reread 'in/b!ng.zip')
expect_eq "reread: exit status" 0 "$st"
expect_eq "reread: events" 4 "$(case_rows c | wc -l)"
cut -f3,4,7,16 c/manifest.tsv | tail -n +2 >got
expect_file "reread: manifest" want got
"$INGEST" --verify -C c >out 2>err || fail "reread: verify: $(cat out err)"
done_testing
