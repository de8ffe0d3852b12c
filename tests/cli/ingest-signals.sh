#!/bin/sh
# ingest-signals: SIGTERM, SIGINT and SIGHUP during an ingest remove its
# spill and transaction files and leave the old case, or the new one when
# the commit was past its point of no return, with status 128 + the
# signal; a file past ulimit -f fails as a full disk does.
. "$SRCDIR/tests/cli/lib.sh"

# Enough records to spill many runs with --memory 1M: seconds of work.
awk 'BEGIN {
	print "time,user,action,query"
	for (i = 0; i < 400000; i++)
		printf "2026-01-%02dT%02d:%02d:%02dZ,user%d,search,query %d " \
		    "with some words to make the record longer\n", i % 28 + 1,
		    i % 24, i % 60, int(i / 7) % 60, i % 97, i
}' >big.csv
"$INGEST" -q -C old "$FIX/formats/generic.csv" || fail "the old case"
old_rows=$(wc -l <old/manifest.tsv)

# interrupt NAME SIG NUMBER WHEN: ingest big.csv into a copy of the old
# case, send SIG once WHEN (.tmp: spilling; next: the next generation,
# writing the case) appears, and check what is left.
interrupt() {
	rm -rf c
	cp -R old c
	# A background job of a script starts with SIGINT ignored, and the
	# tool keeps a signal ignored as nohup asks: start it with the
	# default action.
	env --default-signal="$2" "$INGEST" -q --memory 1M -C c big.csv \
	    >out 2>err &
	pid=$!
	when=$4
	[ "$when" = next ] && when=gen/$(($(readlink c/current | sed 's|gen/||') + 1))
	if ! wait_until "[ -e c/$when ]" $pid; then
		wait $pid
		fail "$1: c/$4 never appeared"
		return
	fi
	kill -"$2" $pid
	wait $pid
	st=$?
	rows=$(wc -l <c/manifest.tsv)
	if [ $st -eq 0 ]; then
		# The ingest ended before the signal came: the new case.
		expect_eq "$1: new case" $((old_rows + 1)) "$rows"
	else
		expect_eq "$1: status" $((128 + $3)) "$st"
		if [ "$rows" -eq "$old_rows" ]; then
			expect_file "$1: old manifest" old/manifest.tsv \
			    c/manifest.tsv
			expect_grep "$1: message" \
			    "^ingest: interrupted by SIG$2: the case \"c\" is unchanged$" err
		else
			expect_eq "$1: new case" $((old_rows + 1)) "$rows"
			expect_grep "$1: message" \
			    "^ingest: interrupted by SIG$2 after the case \"c\" was updated$" err
		fi
	fi
	expect_eq "$1: files left" "" "$(ls -A c | grep -E '^\.(tmp|txn)$')"
	expect_eq "$1: generations left" "$(readlink c/current)" \
	    "$(ls c/gen | sed 's|^|gen/|')"
	expect_eq "$1: verify" 0 "$(run "$INGEST" --verify -C c)"
}

if env --default-signal=INT true 2>/dev/null; then
	interrupt "TERM spilling" TERM 15 .tmp
	interrupt "INT spilling" INT 2 .tmp
	interrupt "HUP spilling" HUP 1 .tmp
	interrupt "TERM committing" TERM 15 next
	interrupt "INT committing" INT 2 next
else
	echo "env --default-signal missing: signal tests skipped" >&2
fi

# ulimit -f: SIGXFSZ ignored, the write fails with EFBIG and is told as
# the file and the reason; the case is unchanged.
rm -rf c
cp -R old c
st=$( (ulimit -f 2000; "$INGEST" -q --memory 1M -C c big.csv >out 2>err;
    echo $?) )
expect_eq "ulimit -f: status" 2 "$st"
expect_grep "ulimit -f: message" \
    '^ingest: cannot ingest: cannot write "c/\.tmp/run-[0-9]+": File too large$' err
expect_file "ulimit -f: old manifest" old/manifest.tsv c/manifest.tsv
expect_eq "ulimit -f: files left" "" "$(ls -A c | grep -E '^\.(tmp|txn)$')"
expect_eq "ulimit -f: verify" 0 "$(run "$INGEST" --verify -C c)"

exit $((fails > 0))
