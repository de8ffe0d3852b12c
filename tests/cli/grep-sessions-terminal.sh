#!/bin/sh
# grep-sessions-terminal.sh: the table on a terminal fits its width, -s and
# -t leave out the columns their session header line says, and the header
# line reads as one.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions

if ! command -v script >/dev/null 2>&1; then
	echo "no script(1): skipped" >&2
	exit 77
fi
cp "$SRCDIR/tests/cli/data/gap.jsonl" .
st=$(run "$INGEST" -q -C c gap.jsonl)
expect_eq "ingest gap.jsonl" 0 "$st"

# tty LOCALE ARGS...: the tool on a 100-column terminal, into out
# without the terminal's carriage returns.
tty() {
	loc=$1
	shift
	script -qec "stty cols 100; COLUMNS=100 NO_COLOR=1 LC_ALL=$loc \
	    $GS -C c $*" /dev/null </dev/null | tr -d '\r' >out
}

# too_wide FILE: lines wider than 100 columns ("…", "─", "→" are one).
too_wide() {
	ell=$(printf '\342\200\246')
	bar=$(printf '\342\224\200')
	arr=$(printf '\342\206\222')
	sed -e "s/$ell/~/g" -e "s/$bar/-/g" -e "s/$arr/>/g" "$1" |
	    awk 'length($0) > 100'
}

for mode in -s -t; do
	for loc in C C.UTF-8; do
		tty "$loc" "$mode"
		expect_eq "$mode $loc: nothing wider than 100" "" \
		    "$(too_wide out)"
		head -n 1 out >hdr
		expect_grep "$mode $loc: header" '^match +time +action' hdr
		if grep -Eq '(^| )(user|session)( |$)' hdr; then
			fail "$mode $loc: user or session column in the table"
		fi
	done
done

# The session header line, in ASCII and in UTF-8.
tty C -s -u bob
expect_grep "-s header line" \
    '^-- bob  s-1  2026-03-14T07:00:00Z -> 09:00:00Z  2h00m00s  4 events, 4 matching  from 10\.1\.0\.1$' out
tty C.UTF-8 -s -u bob
expect_grep "-s UTF-8 header line" \
    "^$(printf '\342\224\200\342\224\200') bob  s-1  2026-03-14T07:00:00Z $(printf '\342\206\222') 09:00:00Z  2h00m00s" out

# Several resources cut show the first and how many more; cut cells end
# in the locale's mark.
tty C -s -u alice
expect_grep "list cut to the first and +N" '~ \+1 ' out
expect_grep "cut cell marked" '~ ' out

# An explicit -o still wins.
tty C -s -o user,session,time
expect_grep "-o user,session" '^user +session +time$' out

# Piped, nothing changes: the TSV header keeps user and session.
"$GS" -C c -s -u bob >out
expect_grep "TSV keeps the columns" '^match	time	user	session	' out
expect_grep "TSV session line" '^#session	bob	s-1	' out

[ "$fails" -eq 0 ]
