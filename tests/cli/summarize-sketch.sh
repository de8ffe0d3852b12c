#!/bin/sh
# summarize-sketch: summarize --merge keeps a group's distinct sets exact
# up to --merge-max-keys keys and estimates past it.  The sample evidence
# in four shards (ingest --shard), a partial of each, merged with a tiny
# cap: every group figure of a set of more keys than the cap is marked
# estimated ("~N" in TSV, the row's "estimated" list in JSON) and close
# to the exact figure by the documented standard error, SE = 1.04 /
# sqrt(16384): the root mean square of the relative errors of all the
# estimates is at most 2 SE, and no estimate is off by more than 6 SE
# (and the rounding to a whole number).  The error is a standard error,
# not a bound: with a hundred estimates, some are beyond 3 SE (at about
# 100 keys, three register collisions are 3 %), so no single estimate
# is held to that; a sketch biased by a few per cent fails the mean.
# Every other
# figure is the whole case's, byte for byte.  Per-user groups and the
# case report are exact whatever the cap; with no cap, or one as large as
# the largest set, the merge is the whole case's report.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

mkdir all
cp -R "$S/audit" "$S/delivery-2026-03-16.tar" all/
(cd all && "$INGEST" -q -C ../whole audit delivery-2026-03-16.tar) ||
    fail "whole case"
for k in 1 2 3 4; do
	(cd all && "$INGEST" -q -C ../s$k --shard $k/4 audit \
	    delivery-2026-03-16.tar) || fail "shard $k"
done

# partials NAME OPTION...: the four shards' partials p1..p4.
partials() {
	name=$1
	shift
	for k in 1 2 3 4; do
		"$SUM" -C s$k --partial p$k "$@" 2>err ||
		    fail "$name: partial $k: $(cat err)"
	done
}

# estimated NAME CAP OPTION...: with --merge-max-keys CAP, TSV and JSON
# against the whole case's, as the comment above says; how many figures
# and ranks were estimated into the files nest and nranks.
estimated() {
	name=$1 cap=$2
	shift 2
	partials "$name" "$@"
	"$SUM" -C whole "$@" >want || fail "$name: whole"
	"$SUM" --merge p1 p2 p3 p4 --merge-max-keys "$cap" "$@" >got \
	    2>/dev/null || fail "$name: merge"
	"$SUM" -C whole "$@" --json >want.json
	"$SUM" --merge p1 p2 p3 p4 --merge-max-keys "$cap" "$@" --json \
	    >got.json 2>/dev/null || fail "$name: merge --json"
	# The sets of the columns' figures, by column name.
	awk -F'\t' -v cap="$cap" -v se=0.008125 -v name="$name" '
	function abs(x) { return x < 0 ? -x : x }
	NR == FNR { w[FNR] = $0; next }
	FNR == 1 {
		if ($0 != w[1]) { print name ": header differs"; bad++ }
		for (i = 1; i <= NF; i++) col[i] = $i
		next
	}
	{
		n = split(w[FNR], v, "\t")
		if (n != NF) { print name ": line " FNR ": columns"; bad++ }
		for (i = 1; i <= NF; i++) {
			set = col[i] == "sessions" || col[i] == "resources" ||
			    col[i] == "queries"
			if (substr($i, 1, 1) != "~") {
				if ($i != v[i]) {
					print name ": line " FNR ": " col[i] \
					    " " $i ", exact " v[i]
					bad++
				}
				if (set && v[i] + 0 > cap) {
					print name ": line " FNR ": " col[i] \
					    " " v[i] " not marked estimated"
					bad++
				}
				continue
			}
			est = substr($i, 2) + 0
			if (col[i] == "rank") {
				ranks++
				continue
			}
			if (!set || v[i] + 0 <= cap) {
				print name ": line " FNR ": " col[i] " " $i \
				    " marked estimated, exact " v[i]
				bad++
			}
			if (abs(est - v[i]) > 6 * se * v[i] + 0.5) {
				print name ": line " FNR ": " col[i] " " $i \
				    ", exact " v[i] ": beyond the error"
				bad++
			}
			if (v[i] + 0 > 0)
				sq += ((est - v[i]) / v[i]) ^ 2
			nest++
		}
	}
	END {
		if (FNR != length(w)) { print name ": lines"; bad++ }
		if (nest > 0 && sqrt(sq / nest) > 2 * se) {
			print name ": the estimates are off by " \
			    sqrt(sq / nest) " (root mean square), beyond 2 SE"
			bad++
		}
		print nest + 0 > "nest"
		print ranks + 0 > "nranks"
		exit bad > 0
	}' want got >&2 || fail "$name: TSV"
	# JSON: the same numbers, unquoted; "estimated" names the TSV's ~.
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[i] = $i; next }
	{
		s = ""
		for (i = 1; i <= NF; i++)
			if (substr($i, 1, 1) == "~")
				s = s (s == "" ? "" : ",") "\"" col[i] "\""
		print s == "" ? "" : ",\"estimated\":[" s "]"
	}' got >want.est
	sed -n 's/.*\(,"estimated":\[[^]]*\]\)}$/\1/p; /"estimated"/!s/.*//p' \
	    got.json >got.est
	expect_file "$name: JSON estimated" want.est got.est
	# The JSON numbers are the TSV's, "~" dropped; the figures that
	# are not sets are the whole case's.
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[i] = $i; next }
	{
		s = ""
		for (i = 1; i <= NF; i++)
			if (col[i] ~ /^(rank|sessions|resources|queries)$/) {
				x = $i
				sub(/^~/, "", x)
				s = s " " col[i] "=" x
			}
		print s
	}' got >want.sets
	sets() {
		sed 's/,"estimated":\[[^]]*\]}$/}/' "$1" | awk '{
			s = ""
			n = split("rank sessions resources queries", c, " ")
			for (i = 1; i <= n; i++)
				if (match($0, "\"" c[i] "\":[0-9]+")) {
					x = substr($0, RSTART, RLENGTH)
					sub(/^"[a-z]+":/, "", x)
					s = s " " c[i] "=" x
				}
			print s
		}'
	}
	sets got.json >got.sets
	expect_file "$name: JSON sets" want.sets got.sets
	strip='s/"(rank|sessions|resources|queries)":[0-9]+/"\1":N/g'
	sed -E "$strip" want.json >want.rest
	sed -E 's/,"estimated":\[[^]]*\]}$/}/' got.json | sed -E "$strip" \
	    >got.rest
	expect_file "$name: JSON others" want.rest got.rest
}

# A day's groups hold about 100 sessions, resources and queries; a tiny
# cap makes most of them sketches.
estimated "by day" 10 --by day
n=$(cat nest)
[ "$n" -gt 20 ] || fail "by day: only $n figures estimated"
estimated "by day and action" 10 --by day,action
n=$(cat nest)
[ "$n" -gt 20 ] || fail "by day and action: only $n figures estimated"
# Ranked by an estimate: every rank says so.
estimated "top by resources" 10 --by action --top 3 --rank resources
n=$(cat nest)
[ "$n" -gt 0 ] || fail "top by resources: nothing estimated"
expect_eq "top by resources: ranks" 3 "$(cat nranks)"
estimated "top by events" 10 --by action --top 3 --rank events
n=$(cat nest)
expect_eq "top by events: ranks" 0 "$(cat nranks)"
# Ranked by a figure that is not a column (srcs), estimated: so are the
# ranks.
estimated "top by srcs" 1 --by resource --top 5 --rank srcs
n=$(cat nest)
expect_eq "top by srcs: ranks" 5 "$(cat nranks)"

# exact NAME CAP OPTION...: the merge with --merge-max-keys CAP is the
# whole case's report, TSV and JSON.
exact() {
	name=$1 cap=$2
	shift 2
	partials "$name" "$@"
	for form in "" --json; do
		"$SUM" -C whole "$@" $form >want
		"$SUM" --merge p1 p2 p3 p4 --merge-max-keys "$cap" "$@" \
		    $form >got 2>/dev/null || fail "$name: merge $form"
		expect_file "$name ($form)" want got
	done
}
exact "per user and day, cap 1" 1 --by user,day
exact "top users by resources, cap 1" 1 --top 5 --rank resources
exact "case report, cap 1" 1
exact "by day, no cap" 0 --by day
# The largest set of the report: a cap of it keeps all exact, one less
# does not.
"$SUM" -C whole --by day >want
max=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { for (k in c) if (k == "sessions" || k == "resources" ||
      k == "queries") if ($c[k] + 0 > m) m = $c[k] + 0 } END { print m }' want)
[ "$max" -gt 50 ] || fail "by day: the largest set is $max"
exact "by day, cap $max" "$max" --by day
estimated "by day, cap $((max - 1))" $((max - 1)) --by day
n=$(cat nest)
[ "$n" -ge 1 ] || fail "by day, cap $((max - 1)): nothing estimated"
# The default keeps the sample exact.
partials "default" --by day,resource
"$SUM" -C whole --by day,resource >want
"$SUM" --merge p1 p2 p3 p4 --by day,resource >got 2>/dev/null
expect_file "default cap" want got

expect_eq "not without --merge" 2 "$(run "$SUM" -C whole --merge-max-keys 5)"
expect_grep "not without --merge: message" \
    '^summarize: --merge-max-keys: it is for --merge$' err
expect_eq "a bad cap" 2 "$(run "$SUM" --merge p1 --merge-max-keys -1)"

done_testing
