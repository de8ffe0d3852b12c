#!/bin/sh
# grep-sessions-purpose.sh: the effective purpose and where it came from
# (own, session, trace, none; a blank justification is none), --no-purpose
# on it, and --all with -v.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
DATA=$SRCDIR/tests/cli/data

cp "$DATA/purpose.jsonl" "$DATA/gap.jsonl" .
st=$(run "$INGEST" -q -C c purpose.jsonl)
expect_eq "ingest purpose.jsonl" 0 "$st"
st=$(run "$INGEST" -q -C g gap.jsonl)
expect_eq "ingest gap.jsonl" 0 "$st"

# check NAME STATUS EXPECTED-FILE SOURCE -- ARGS: against the case and the
# raw source.
check() {
	name=$1 want_st=$2 case=$3 src=$4
	shift 5
	st=$(run "$GS" -C "$case" "$@")
	expect_eq "$name: exit" "$want_st" "$st"
	expect_file "$name" expected out
	st=$(run "$GS" "$@" "$src")
	expect_eq "$name (raw): exit" "$want_st" "$st"
	expect_file "$name (raw)" expected out
}

D=2026-03-15T
S="carol@${D}10:01:00.000000Z"
# 10:00 justifies in s-9; 10:01 has no session id and the same traceId as
# that justification; 10:02 has another trace; 10:03 is in s-9; 10:04 is a
# justification of only blanks, in the derived session, so 10:05 has none.
# The stored purpose stays as given.
printf '%s\n' "time	action	session	purpose	effective_purpose	purpose_from" \
    "${D}10:00:00.000000Z	justify	s-9	CASE-11 warrant	CASE-11 warrant	own" \
    "${D}10:01:00.000000Z	view	$S		CASE-11 warrant	trace" \
    "${D}10:02:00.000000Z	view	$S			none" \
    "${D}10:03:00.000000Z	export	s-9		CASE-11 warrant	session" \
    "${D}10:04:00.000000Z	justify	$S	   		none" \
    "${D}10:05:00.000000Z	search	$S			none" >expected
check "columns" 0 c purpose.jsonl -- \
    -o time,action,session,purpose,effective_purpose,purpose_from

# The same in JSON.
cat >expected <<EOF2
{"time":"${D}10:00:00.000000Z","effective_purpose":"CASE-11 warrant","purpose_from":"own"}
{"time":"${D}10:01:00.000000Z","effective_purpose":"CASE-11 warrant","purpose_from":"trace"}
{"time":"${D}10:02:00.000000Z","effective_purpose":"","purpose_from":"none"}
{"time":"${D}10:03:00.000000Z","effective_purpose":"CASE-11 warrant","purpose_from":"session"}
{"time":"${D}10:04:00.000000Z","effective_purpose":"","purpose_from":"none"}
{"time":"${D}10:05:00.000000Z","effective_purpose":"","purpose_from":"none"}
EOF2
check "--json" 0 c purpose.jsonl -- --json \
    -o time,effective_purpose,purpose_from

# --no-purpose: the events whose effective purpose is none; the one
# justified through its trace is not among them.
printf '%s\n' "${D}10:02:00.000000Z	view" "${D}10:04:00.000000Z	justify" \
    "${D}10:05:00.000000Z	search" >expected
check "--no-purpose" 0 c purpose.jsonl -- --no-purpose -o time,action \
    --no-header

# From --since on, the justification before it still counts: the cursor
# reads back to where the derived session open at --since started.
printf '%s\n' "${D}10:03:00.000000Z	CASE-11 warrant	session" \
    "${D}10:04:00.000000Z		none" "${D}10:05:00.000000Z		none" >expected
check "--since" 0 c purpose.jsonl -- --since ${D}10:03 \
    -o time,effective_purpose,purpose_from --no-header

# -o takes them only for events.
: >expected
check "-l has no effective_purpose" 2 c purpose.jsonl -- -l \
    -o effective_purpose

# --all -v: the sessions where not every pattern occurs.  alice's first
# session and bob's s-2 have both "Hartmann" and "Lena"; alice's 09:21
# session has "Léna", not "Lena".
T=2026-03-14T
printf '%s\n' "alice	alice@${T}09:10:00.000001Z	2	2" \
    "alice	alice@${T}09:21:00.000000Z	1	1" \
    "alice	alice@${T}09:22:00.000000Z	3	3" "bob	s-1	4	4" >expected
check "--all -v" 0 g gap.jsonl -- -l --all -v -e Hartmann -e Lena \
    -o user,session,events,matches --no-header
# Every event of such a session is selected.
printf '%s\n' "${T}07:00:00.000000Z	login" "${T}07:01:00.000000Z	justify" \
    "${T}07:03:00.000000Z	export" "${T}09:00:00.000000Z	search" >expected
check "--all -v events" 0 g gap.jsonl -- --all -v -e Hartmann -e Lena \
    -u bob -o time,action --no-header
# A pattern in every session: nothing.
: >expected
check "--all -v none" 1 g gap.jsonl -- -l --all -v -e . --no-header

done_testing
