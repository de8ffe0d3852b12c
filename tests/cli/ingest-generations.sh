#!/bin/sh
# ingest-generations: kill -9 of a writer at any point leaves the old case
# or the new one, --verify clean; readers leave a dead writer's leftovers
# alone and the next writer removes them; a case of format 2 is read as
# it is, kept from its writers while its own format's readers read it,
# and made one of format 3 by its next writer, also from the states a
# crash of that upgrade leaves.
. "$SRCDIR/tests/cli/lib.sh"
GREP=$BUILDDIR/cmd/grep-sessions

awk 'BEGIN {
	print "time,user,action,query"
	for (i = 0; i < 120000; i++)
		printf "2026-01-%02dT%02d:%02d:%02dZ,user%d,search,query %d " \
		    "with some words to make the record longer\n", i % 28 + 1,
		    i % 24, i % 60, int(i / 7) % 60, i % 97, i
}' >big.csv
"$INGEST" -q -C old "$FIX/formats/generic.csv" || fail "the old case"
query() { "$GREP" -C "$1" --no-header -o user,time,action,resource,query; }
query old >want-old
rm -rf new
cp -R old new
"$INGEST" -q -C new big.csv || fail "the new case"
query new >want-new
gens() { ls -A "$1/gen" | tr '\n' ' '; }

# killed NAME WHEN: ingest big.csv into a copy of the old case, kill -9
# it once WHEN holds, and check what is left.
killed() {
	rm -rf c
	cp -R old c
	g=$(readlink c/current)
	next=c/gen/$((${g#gen/} + 1))
	"$INGEST" -q --memory 1M -C c big.csv >out 2>err &
	pid=$!
	case $2 in
	spilling) wait_until "[ -d c/.tmp ]" $pid ;;
	building) wait_until "[ -d $next/users ]" $pid ;;
	linking) wait_until "[ -e $next/sessionlog.case ]" $pid ;;
	switched) wait_until "[ \"\$(readlink c/current)\" != $g ]" $pid ;;
	*) sleep "$2" ;;
	esac
	kill -KILL $pid 2>/dev/null
	wait $pid
	st=$?
	[ $st -eq 137 ] || [ $st -eq 0 ] || fail "$1: status $st"
	query c >got
	if cmp -s got want-old; then
		:
	elif ! cmp -s got want-new; then
		fail "$1: neither the old case nor the new one"
	fi
	expect_eq "$1: verify" 0 "$(run "$INGEST" --verify -C c)"
	# A reader leaves what the dead writer left.
	ls -A c c/gen >before
	query c >/dev/null
	ls -A c c/gen >after
	expect_file "$1: a reader removes nothing" before after
	# The next writer removes it, whatever it was.
	expect_eq "$1: next writer" 0 \
	    "$(run "$INGEST" -q -C c "$FIX/formats/generic.csv")"
	expect_eq "$1: generations left" "$(readlink c/current | sed 's|gen/||') " \
	    "$(gens c)"
	expect_eq "$1: files left" "" \
	    "$(ls -A c | grep -E '^(\.tmp|\.txn|current\.new|sessionlog\.case\.new)$')"
	expect_eq "$1: verify after" 0 "$(run "$INGEST" --verify -C c)"
}
killed "kill -9 spilling" spilling
killed "kill -9 building" building
killed "kill -9 linking" linking
killed "kill -9 switched" switched
killed "kill -9 after 1s" 1

# mk_v2 CASE DIR: DIR as sessionlog 0.2 wrote CASE, format 2: the files of
# the current generation in the case's directory.
mk_v2() {
	mkdir "$2"
	cp -R "$1/current/." "$2/"
	sed -i '1s/.*/sessionlog-case 2/' "$2/sessionlog.case"
	chmod -R go-rwx "$2"
}
mk_v2 new v2
cp -R v2 v2-orig
expect_eq "format 2: reads" 0 "$(run query v2)"
expect_file "format 2: events" want-new out
expect_eq "format 2: verifies" 0 "$(run "$INGEST" --verify -C v2)"
expect_eq "format 2: readers change nothing" "" \
    "$(diff -r -x audit.log v2-orig v2)"
ino=$(stat -c %i v2/users/user7.tsv.gz)

# Its own format's readers keep its writers out (flock -s is one).
if command -v flock >/dev/null 2>&1; then
	: >v2/.lock
	flock -s v2/.lock sleep 2 &
	sleep 0.3
	expect_eq "format 2 being read: writer" 2 \
	    "$(run "$INGEST" -q -C v2 "$FIX/formats/generic.csv")"
	echo 'ingest: case "v2" is being read by another process (a case of format 2 keeps its writers out while it is read)' >want
	expect_file "format 2 being read: message" want err
	expect_eq "format 2 being read: --wait" 0 \
	    "$(run "$INGEST" -q --wait=30 -C v2 "$FIX/formats/generic.csv")"
	wait
else
	"$INGEST" -q -C v2 "$FIX/formats/generic.csv"
fi
expect_eq "format 2 upgraded: marker" "sessionlog-case 3" \
    "$(cat v2/sessionlog.case)"
expect_eq "format 2 upgraded: generation" "gen/1" "$(readlink v2/current)"
expect_eq "format 2 upgraded: users shown" "current/users" \
    "$(readlink v2/users)"
expect_eq "format 2 upgraded: manifest shown" "current/manifest.tsv" \
    "$(readlink v2/manifest.tsv)"
expect_eq "format 2 upgraded: timelines linked, not copied" "$ino" \
    "$(stat -c %i v2/gen/1/users/user7.tsv.gz)"
expect_eq "format 2 upgraded: reads" 0 "$(run query v2)"
expect_file "format 2 upgraded: events" want-new out
expect_eq "format 2 upgraded: verifies" 0 "$(run "$INGEST" --verify -C v2)"
expect_eq "format 2 upgraded: --upgrade" 0 "$(run "$INGEST" --upgrade -C v2)"
echo 'ingest: case "v2" is already of format 3: nothing to do' >want
expect_file "format 2 upgraded: --upgrade says" want err
# ingest --upgrade of a case of format 2 says what it did.
rm -rf v2b
cp -R v2-orig v2b
expect_eq "format 2: --upgrade" 0 "$(run "$INGEST" --upgrade -C v2b)"
echo 'ingest: case "v2b" upgraded from format 2 to 3' >want
expect_file "format 2: --upgrade says" want err

# A crash of the upgrade before sessionlog.case said format 3: its
# readers read the files where they were; the next writer starts again.
rm -rf v2c
cp -R v2-orig v2c
mkdir -p v2c/gen/1/users
echo junk >v2c/gen/1/manifest.tsv
ln -s gen/1 v2c/current
expect_eq "upgrade cut short: reads" 0 "$(run query v2c)"
expect_file "upgrade cut short: events" want-new out
expect_eq "upgrade cut short: writer" 0 \
    "$(run "$INGEST" -q -C v2c "$FIX/formats/generic.csv")"
expect_eq "upgrade cut short: upgraded" "sessionlog-case 3" \
    "$(cat v2c/sessionlog.case)"
expect_eq "upgrade cut short: verify" 0 "$(run "$INGEST" --verify -C v2c)"
expect_eq "upgrade cut short: events" 0 "$(run query v2c)"
expect_file "upgrade cut short: events after" want-new out
# ... and after it, before the directory showed the links: readers read
# the generation, the next writer makes the links.
rm -rf v2d
cp -R v2c v2d
rm v2d/users v2d/manifest.tsv
cp -R v2-orig/users v2-orig/manifest.tsv v2d/
expect_eq "links not made: reads" 0 "$(run query v2d)"
expect_file "links not made: events" want-new out
expect_eq "links not made: writer" 0 \
    "$(run "$INGEST" -q -C v2d "$FIX/formats/generic.csv")"
expect_eq "links not made: links" "current/users current/manifest.tsv" \
    "$(readlink v2d/users) $(readlink v2d/manifest.tsv)"
expect_eq "links not made: verify" 0 "$(run "$INGEST" --verify -C v2d)"

# An update of format 2 that a crash of its writer cut short (.txn/COMMIT
# written): a reader does not finish it, a writer does.
rm -rf v2e
cp -R v2-orig v2e
mkdir v2e/.txn
cp v2e/sessionlog.case v2e/.txn/sessionlog.case
printf 'sessionlog-commit 1\nsessionlog.case\n' >v2e/.txn/COMMIT
expect_eq "format 2 commit cut short: reader" 2 "$(run query v2e)"
echo 'grep-sessions: case "v2e" has an update that a crash cut short: any writer finishes it (ingest --upgrade -C v2e)' >want
expect_file "format 2 commit cut short: message" want err
expect_eq "format 2 commit cut short: left" "COMMIT sessionlog.case" \
    "$(ls v2e/.txn | tr '\n' ' ' | sed 's/ $//')"
expect_eq "format 2 commit cut short: writer" 0 \
    "$(run "$INGEST" --upgrade -C v2e)"
expect_eq "format 2 commit cut short: finished" "" "$(ls -A v2e | grep txn)"
expect_eq "format 2 commit cut short: verify" 0 "$(run "$INGEST" --verify -C v2e)"
done_testing
