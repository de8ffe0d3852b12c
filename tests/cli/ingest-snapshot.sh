#!/bin/sh
# ingest-snapshot: readers and writers do not lock each other out.  A
# reader paused in the middle of its output while an ingest commits gets
# the old case entire, and the ingest does not wait for it; queries and
# --verify work during a long ingest; a second writer fails at once naming
# the first (pid, since when), or waits with --wait; the generation a
# reader held goes with the next writer once the reader is done.
. "$SRCDIR/tests/cli/lib.sh"
GREP=$BUILDDIR/cmd/grep-sessions

# gen_csv MONTH N: N rows of 40 users in MONTH of 2026.
gen_csv() {
	awk -v month="$1" -v n="$2" 'BEGIN {
		print "time,user,action,query"
		for (i = 0; i < n; i++)
			printf "2026-%02d-%02dT%02d:%02d:%02dZ,user%02d,search," \
			    "query %d with words enough to fill a pipe\n",
			    month, 1 + i % 9, i % 24, i % 60, int(i / 7) % 60,
			    i % 40, i
	}'
}
gen_csv 1 20000 >old.csv
gen_csv 2 20000 >new.csv
gen_csv 3 50 >more.csv
"$INGEST" -q -C c old.csv || fail "the old case"
gen() { readlink c/current; }
query() { "$GREP" -C c --no-header -o user,time,action,query; }
query >want-old
[ "$(wc -c <want-old)" -gt 500000 ] || fail "output too small to pause"

# A reader paused mid-output: a FIFO read 4 KiB at first, the rest later.
mkfifo p
query >p 2>gerr &
gpid=$!
exec 3<p
dd bs=4096 count=1 <&3 >got 2>/dev/null
g0=$(gen)
expect_eq "ingest while a reader is paused" 0 \
    "$(run "$INGEST" -q -C c new.csv)"
g1=$(gen)
[ "$g0" != "$g1" ] || fail "the ingest did not switch generations"
expect_eq "the reader's generation kept" yes \
    "$([ -d "c/$g0" ] && echo yes)"
cat <&3 >>got
exec 3<&-
wait $gpid
expect_eq "paused reader: status" 0 "$?"
expect_file "paused reader: the old case entire" want-old got
query >want-new
[ "$(wc -l <want-new)" -eq 40000 ] || fail "the new case has both"
# The next writer removes the generation no one reads any more.
expect_eq "next writer" 0 "$(run "$INGEST" -q -C c new.csv)"
expect_eq "old generation removed" "$g1" "$(ls c/gen | sed 's|^|gen/|')"
expect_eq "verify" 0 "$(run "$INGEST" --verify -C c)"

# A long ingest: one reading stdin from a FIFO held open.
mkfifo in
"$INGEST" -q -C c - <in >ierr 2>&1 &
ipid=$!
exec 4>in
n=0
while ! grep -q "^$ipid " c/.lock 2>/dev/null; do
	n=$((n + 1))
	[ $n -lt 1200 ] || break
	sleep 0.05
done
expect_grep "the writer's lock names it" "^$ipid 20[0-9-]+T[0-9:.]+Z$" c/.lock
since=$(cut -d' ' -f2 c/.lock)

# Queries and verify during the ingest.
expect_eq "query during an ingest" 0 "$(run query)"
expect_file "query during an ingest: the case" want-new out
expect_eq "verify during an ingest" 0 "$(run "$INGEST" --verify -C c)"

# A second writer: at once, a message naming the first.
t0=$(date +%s)
expect_eq "second writer" 2 "$(run "$INGEST" -q -C c more.csv)"
echo "ingest: case \"c\" is being written by another process (pid $ipid since $since)" >want
expect_file "second writer: message" want err
expect_eq "second writer: at once" yes "$([ $(($(date +%s) - t0)) -lt 2 ] && echo yes)"
expect_eq "--upgrade is a writer too" 2 "$(run "$INGEST" --upgrade -C c)"
expect_file "--upgrade: message" want err
# --wait=N: waits, then gives up.
t0=$(date +%s)
expect_eq "--wait=1" 2 "$(run "$INGEST" -q --wait=1 -C c more.csv)"
echo "ingest: case \"c\" is still being written by another process (pid $ipid since $since) after 1 second" >want
expect_file "--wait=1: message" want err
expect_eq "--wait=1: waited" yes "$([ $(($(date +%s) - t0)) -ge 1 ] && echo yes)"
expect_eq "--wait=x" 2 "$(run "$INGEST" -q --wait=x -C c more.csv)"
# --wait=N: waits, then proceeds when the first is done.
# (Not holding the FIFO open: the long ingest must see its end.)
"$INGEST" -q --wait=60 -C c more.csv >w1 2>&1 4>&- &
w1=$!
"$INGEST" -q --wait -C c more.csv >w2 2>&1 4>&- &
w2=$!
sleep 0.5
expect_eq "waiting writers wait" yes \
    "$(kill -0 $w1 2>/dev/null && kill -0 $w2 2>/dev/null && echo yes)"
gen_csv 4 30 >&4
exec 4>&-
wait $ipid
expect_eq "the long ingest" 0 "$?"
wait $w1
st1=$?
wait $w2
st2=$?
expect_eq "waiting writers: status" "0 0" "$st1 $st2"
expect_eq "waiting writers: no message" "" "$(cat w1 w2)"
expect_eq "every log in the manifest" 3 \
    "$(cut -f3 c/manifest.tsv | grep -c -e '^old.csv$' -e '^new.csv$' -e '^more.csv$')"
expect_eq "stdin in the manifest" 1 "$(cut -f3 c/manifest.tsv | grep -c '^(stdin)$')"
expect_eq "verify after" 0 "$(run "$INGEST" --verify -C c)"
expect_eq "one generation left" "$(gen)" "$(ls c/gen | sed 's|^|gen/|')"
expect_eq "lock released" "" "$(cat c/.lock)"

# People read the case through the links of its directory.
expect_eq "users shown" "current/users" "$(readlink c/users)"
expect_eq "zcat through the link" "time	user" \
    "$(zcat c/users/user07.tsv.gz | head -n 1 | cut -f1,2)"
expect_eq "manifest shown" "current/manifest.tsv" "$(readlink c/manifest.tsv)"
done_testing
