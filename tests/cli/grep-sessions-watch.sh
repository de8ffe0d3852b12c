#!/bin/sh
# grep-sessions-watch.sh: --watchlist on the sample evidence: d.weber's
# searches for "Lena Hartmann" (testdata/sample/TRUTH.md, scenario b) found
# by a watchlist that writes the name in NFD and surname first, and a re:
# line on the record she opened; bad lines name file:line.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
S=$FIX/sample

st=$(run "$INGEST" -q -C c "$S/audit" "$S/delivery-2026-03-16.tar")
expect_eq "ingest the sample" 0 "$st"

# "Léna" with e and U+0301 (NFD); the sample's queries are plain ASCII.
printf '# protected persons\nHartmann, Le\314\201na\n\n' >w.txt
printf 're:^ri\\.phonograph2-objects\\.main\\.object\\.07416b6c\n' >>w.txt
D=2026-03-17T13
nfd=$(printf 'Hartmann, Le\314\201na')
cat >expected <<EOT
user	time	action	query	watch
d.weber	${D}:53:35.221168Z	search	Lena Hartmann	$nfd
d.weber	${D}:54:24.443464Z	view		re:^ri\\\\.phonograph2-objects\\\\.main\\\\.object\\\\.07416b6c
d.weber	${D}:55:19.115371Z	search	Hartmann, Lena	$nfd
d.weber	${D}:56:57.475583Z	search	lena hartmann 1991	$nfd
d.weber	${D}:57:57.232599Z	view		re:^ri\\\\.phonograph2-objects\\\\.main\\\\.object\\\\.07416b6c
EOT
st=$(run "$GS" -C c --watchlist w.txt -o user,time,action,query,watch)
expect_eq "watchlist: exit" 0 "$st"
expect_file "watchlist" expected out
# The same from the raw evidence.
st=$(run "$GS" --watchlist w.txt -o user,time,action,query,watch \
    "$S/audit" "$S/delivery-2026-03-16.tar")
expect_eq "watchlist (raw): exit" 0 "$st"
expect_file "watchlist (raw)" expected out

# Searches only; "Hartmann Kiel" is not the name: every part must be there.
st=$(run "$GS" -C c -c --action search --watchlist w.txt --no-header)
expect_eq "searches: exit" 0 "$st"
expect_eq "searches" "d.weber	3	1" "$(cat out)"
# --all: a session with both entries.
st=$(run "$GS" -C c -l --all --watchlist w.txt -o user,events,matches \
    --no-header)
expect_eq "--all" "d.weber	12	5" "$(cat out)"

# Whole tokens: "Hart" or "Lena Hartman" match nothing.
printf 'Hart\nLena Hartman\n' >none.txt
st=$(run "$GS" -C c -q --watchlist none.txt)
expect_eq "whole tokens: exit" 1 "$st"

# Errors: the file and line, exit 2; an empty list is told.
printf 'Lena Hartmann\n# re: below\nre:(\n' >bad.txt
st=$(run "$GS" -C c --watchlist bad.txt)
expect_eq "bad re: exit" 2 "$st"
expect_eq "bad re: message" "grep-sessions: watchlist bad.txt:3: bad \
pattern: missing closing parenthesis at offset 1" "$(cat err)"
printf '\n# nothing\n' >empty.txt
st=$(run "$GS" -C c -q --watchlist empty.txt --watchlist w.txt)
expect_eq "empty list: exit" 0 "$st"
expect_eq "empty list: warning" \
    'grep-sessions: watchlist "empty.txt" has no entries' "$(cat err)"
st=$(run "$GS" -C c --watchlist nosuch.txt)
expect_eq "missing file: exit" 2 "$st"
expect_eq "missing file" \
    "grep-sessions: watchlist nosuch.txt: No such file or directory" \
    "$(cat err)"
done_testing
