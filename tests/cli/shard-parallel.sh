#!/bin/sh
# shard-parallel.sh: evidence split by user into 4 shards, ingested by GNU
# parallel as the stand-in for 4 machines (the recipe of the README's
# "Beyond one machine"), and put back together: the merge (ingest --merge)
# is the case one machine makes (ingest --verify passes; the same rows in
# every timeline, rejects, keys and conflicts; the same manifest), the
# shards' manifest counts add up to it, and the reading tools given the 4
# shards (-C x4) answer as the case does: grep-sessions -c, summarize, and
# summarize --alerts.  Three sets: the sample evidence, testdata/dups (keys
# repeated across users, whose duplicates and conflicts across shards only
# the merge can see), and a few MB from bench/gen-bench.  Without GNU
# parallel the test skips (exit 77), except in CI (CI=true), where
# scripts/bootstrap installed it.  The alerts of every rule, from the
# shards' partials merged, are those of the one machine's case: on the
# sample, on the generated set, and on damaged logs.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
SUM=$BUILDDIR/cmd/summarize

if ! command -v parallel >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: GNU parallel is not installed (scripts/bootstrap)" >&2
		exit 1
	fi
	echo "SKIP: GNU parallel is not installed" >&2
	exit 77
fi
PATH=$BUILDDIR/cmd:$PATH
export PATH

# The manifest without its ingested column (the time of each run).
manifest() {
	awk -F'\t' -v OFS='\t' '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ingested") x = i }
		{ $x = ""; print }' "$1/manifest.tsv"
}

# Each user's timeline as its file, decompressed.
timelines() {
	(cd "$1/users" && for f in *.tsv.gz; do
		[ -e "$f" ] || continue
		printf '== %s\n' "$f"
		zcat "$f"
	done)
}

# shard_sum SHARDS... COLUMN: a manifest column added up over the shards.
shard_sum() {
	_col=$1
	shift
	for _c in "$@"; do
		manifest_sum "$_c" "$_col"
	done | awk '{ s += $1 } END { print s + 0 }'
}

# check NAME SOURCE...: ingest the sources on one machine (NAME) and in 4
# shards (NAME-1 .. NAME-4) by GNU parallel, merge the shards (NAME-m),
# and compare.
check() {
	name=$1
	shift
	ingest -q -C "$name" "$@" >/dev/null 2>"$name.err"
	# The README's recipe: one job per shard.
	parallel ingest -q --shard {}/4 -C "$name-{}" "$@" ::: 1 2 3 4 \
	    >/dev/null 2>"$name-shards.err"
	for i in 1 2 3 4; do
		[ -f "$name-$i/sessionlog.case" ] ||
			fail "$name: shard $i was not made"
	done
	st=$(run ingest -C "$name-m" --merge "$name-1" "$name-2" "$name-3" \
	    "$name-4")
	[ "$st" = 0 ] || [ "$st" = 2 ] || fail "$name: merge exit $st"
	expect_grep "$name: merge report" "4 cases merged" err
	st=$(run ingest --verify -C "$name-m")
	expect_eq "$name: merged case verifies" 0 "$st"

	timelines "$name" >whole.rows
	timelines "$name-m" >merged.rows
	expect_file "$name: timelines" whole.rows merged.rows
	for f in rejects keys; do
		zcat "$name/$f.tsv.gz" >whole.$f
		zcat "$name-m/$f.tsv.gz" >merged.$f
		expect_file "$name: $f" whole.$f merged.$f
	done
	zcat "$name/conflicts.tsv.gz" | sort >whole.conflicts
	zcat "$name-m/conflicts.tsv.gz" | sort >merged.conflicts
	expect_file "$name: conflicts" whole.conflicts merged.conflicts
	manifest "$name" >whole.manifest
	manifest "$name-m" >merged.manifest
	expect_file "$name: manifest" whole.manifest merged.manifest

	# Every record in exactly one shard: the shards' read add up to the
	# case's, and each shard's read + other is every record of the log.
	for col in read rejected; do
		expect_eq "$name: $col of the shards" \
		    "$(manifest_sum "$name" $col)" \
		    "$(shard_sum $col "$name-1" "$name-2" "$name-3" "$name-4")"
	done
	for i in 1 2 3 4; do
		awk -F'\t' 'NR == 1 { for (j = 1; j <= NF; j++) c[$j] = j;
		    next }
		    { o = $c["notes"]; sub(/.*other=/, "", o); sub(/ .*/, "", o)
		      print $c["path"] "!" $c["member"] "\t" $c["read"] + o }' \
		    "$name-$i/manifest.tsv" >shard.reads
		awk -F'\t' 'NR == 1 { for (j = 1; j <= NF; j++) c[$j] = j;
		    next }
		    { print $c["path"] "!" $c["member"] "\t" $c["read"] }' \
		    "$name/manifest.tsv" >whole.reads
		expect_file "$name: shard $i read + other" whole.reads \
		    shard.reads
		expect_grep "$name: shard $i notes" "shard=$i/4 other=" \
		    "$name-$i/manifest.tsv"
	done

	"$GS" -c -C "$name" >whole.count 2>/dev/null
	"$GS" -c -C "$name-m" >merged.count 2>/dev/null
	"$GS" -c -C "$name-1" -C "$name-2" -C "$name-3" -C "$name-4" \
	    >shards.count 2>shards.err
	expect_file "$name: grep-sessions -c, merged" whole.count merged.count
	expect_file "$name: grep-sessions -c, 4 shards" whole.count \
	    shards.count
	"$SUM" -C "$name" >whole.sum 2>/dev/null
	"$SUM" -C "$name-1" -C "$name-2" -C "$name-3" -C "$name-4" \
	    >shards.sum 2>/dev/null
	expect_file "$name: summarize, 4 shards" whole.sum shards.sum
	# The README's recipe: each shard's partial summary by GNU parallel,
	# merged without a merged case.
	parallel "$SUM" -C "$name-{}" --partial "$name-{}.part" ::: 1 2 3 4 \
	    2>"$name-part.err" || fail "$name: partials: $(cat "$name-part.err")"
	"$SUM" --merge "$name-1.part" "$name-2.part" "$name-3.part" \
	    "$name-4.part" >partials.sum 2>partials.err ||
		fail "$name: merge of partials: $(cat partials.err)"
	expect_grep "$name: merge of partials: what it cannot see" \
	    '^summarize: --merge: duplicates and conflicts between users of different partials are not seen' \
	    partials.err
	# Duplicates across users in different shards are what partials
	# cannot see (dups has them; the merged case does).
	[ "$name" = dups ] && return 0
	expect_file "$name: summarize --merge of the partials" whole.sum \
	    partials.sum
}

check sample "$FIX/sample/audit" "$FIX/sample/delivery-2026-03-16.tar"
# Each user is where sessionlog(5)'s shell recipe puts it.
for i in 1 2 3 4; do
	"$GS" -c --no-header -C "sample-$i" 2>/dev/null | cut -f1 >users
	[ -s users ] || fail "sample: shard $i has no users"
	while read -r u; do
		echo "$u $(( 0x$(printf %s "$u" | sha256sum | cut -c16) % 4 + 1 ))"
	done <users >got.shards
	sed "s/\$/ $i/" users >want.shards
	expect_file "sample: users of shard $i" want.shards got.shards
done
A="--alerts --min-level low --tz Europe/Berlin
--groups $FIX/sample/groups.tsv --watchlist $FIX/sample/watchlist.txt"
# shellcheck disable=SC2086
"$SUM" -C sample $A >whole.alerts 2>/dev/null
# shellcheck disable=SC2086
"$SUM" -C sample-1 -C sample-2 -C sample-3 -C sample-4 $A \
    >shards.alerts 2>/dev/null
expect_file "sample: alerts, 4 shards" whole.alerts shards.alerts
# diff-users over the 4 shards: two users, a user against the group's
# peers (who live in other shards), the most alike pairs of all users.
DU=$BUILDDIR/cmd/diff-users
for form in "d.weber m.okafor" \
    "d.weber --peers group --groups $FIX/sample/groups.tsv" "--pairs"; do
	# shellcheck disable=SC2086
	"$DU" -C sample $form >whole.du 2>&1
	echo "exit $?" >>whole.du
	# shellcheck disable=SC2086
	"$DU" -C sample-1 -C sample-2 -C sample-3 -C sample-4 $form \
	    >shards.du 2>&1
	echo "exit $?" >>shards.du
	# 0 alike, 1 different (as diff(1)), 2 an error.
	case $(tail -n 1 whole.du) in
	"exit 0"|"exit 1") ;;
	*) fail "sample: diff-users $form: $(cat whole.du)" ;;
	esac
	expect_file "sample: diff-users $form, 4 shards" whole.du shards.du
done
[ -s whole.alerts ] || fail "sample: no alerts to compare"

# alerts NAME OPTION...: the alerts without a merged case, as the README
# runs them (every rule on): baselines per shard, each shard judged
# against all of them, the partials merged; byte for byte those of the
# case of one machine (NAME) with the same options.
alerts() {
	name=$1
	shift
	"$SUM" -C "$name" "$@" >whole.alerts 2>/dev/null
	parallel "$SUM" -C "$name-{}" "$@" --baselines "$name-base-{}" \
	    ::: 1 2 3 4 2>base.err || fail "$name: baselines: $(cat base.err)"
	parallel "$SUM" -C "$name-{}" "$@" --partial "$name-alerts-{}" \
	    --peers "$name-base-1" --peers "$name-base-2" \
	    --peers "$name-base-3" --peers "$name-base-4" ::: 1 2 3 4 \
	    2>alerts.err || fail "$name: partial alerts: $(cat alerts.err)"
	"$SUM" --merge "$name-alerts-1" "$name-alerts-2" "$name-alerts-3" \
	    "$name-alerts-4" "$@" >partials.alerts 2>partials.err ||
		fail "$name: merged alerts: $(cat partials.err)"
	expect_file "$name: alerts, partials merged ($*)" whole.alerts \
	    partials.alerts
	[ -s whole.alerts ] || fail "$name: no alerts to compare"
}
A="--groups $FIX/sample/groups.tsv --watchlist $FIX/sample/watchlist.txt"
# shellcheck disable=SC2086
alerts sample --alerts $A
# The rules that span users and the whole case each fire, so that a
# merge that got them wrong would differ: s.novak's two places at once,
# d.weber's search for a protected person, the day without logs.
for r in bulk-export concurrent-sessions watchlist log-integrity; do
	cut -f3 whole.alerts | grep -qx "$r" || fail "sample: no $r to compare"
done
grep -q 'concurrent-sessions	s.novak' whole.alerts ||
	fail "sample: no concurrent-sessions of s.novak"
grep -q 'watchlist	d.weber' whole.alerts ||
	fail "sample: no watchlist of d.weber"
# shellcheck disable=SC2086
alerts sample --alerts --min-level info --tz Europe/Berlin $A
cut -f3 whole.alerts | grep -c log-integrity | grep -qx 4 ||
	fail "sample: not the 4 log-integrity alerts (a gap, 3 logs' copies)"

# Duplicates across users in different shards: each shard keeps its copy,
# the merge drops the later one and records the conflict as one machine
# does.
check dups "$FIX/dups"
expect_eq "dups: conflicts of one machine" 2 "$(manifest_sum dups conflicts)"
expect_eq "dups: conflicts seen by the shards alone" 1 \
    "$(shard_sum conflicts dups-1 dups-2 dups-3 dups-4)"
expect_eq "dups: conflicts of the merge" 2 "$(manifest_sum dups-m conflicts)"

"$BUILDDIR/bench/gen-bench" --mb 8 --files 4 genlogs 2>/dev/null ||
	fail "gen-bench"
check gen genlogs
[ "$(manifest_sum gen accepted)" -gt 5000 ] || fail "gen: too few events"
alerts gen --alerts --min-level info

# Logs read damaged, repaired, in part rejected (each log's rejects in
# one shard), out of order: log-integrity from every shard's manifest.
mkdir badlogs
cp "$FIX/bad/corrupt-member.jsonl.gz" "$FIX/bad/repaired-records.json" \
    "$FIX/bad/bad-time.jsonl" "$SRCDIR/tests/cli/data/order.csv" badlogs/
printf 'timestamp,user,action,resource\nsoon,j.rivera,view,/persons/1\n' \
    >badlogs/notime.csv
ingest -q -j 1 -C bad badlogs/* 2>/dev/null
parallel ingest -q -j 1 --shard {}/4 -C "bad-{}" badlogs/* ::: 1 2 3 4 \
    >/dev/null 2>&1
alerts bad --alerts --min-level info
[ "$(grep -c log-integrity whole.alerts)" -ge 5 ] ||
	fail "bad: too few log-integrity alerts"

# Split by source instead: each job reads one of the files, every user
# in any of them, and the merge de-duplicates across the jobs' cases.
parallel ingest -q -C "part-{#}" {} ::: genlogs/*.jsonl.gz 2>/dev/null
st=$(run ingest -q -C parts --merge part-1 part-2 part-3 part-4)
expect_eq "parts: merge" 0 "$st"
timelines parts >merged.rows
timelines gen >whole.rows
expect_file "parts: timelines" whole.rows merged.rows
manifest parts >merged.manifest
manifest gen >whole.manifest
expect_file "parts: manifest" whole.manifest merged.manifest
"$GS" -c -C part-1 -C part-2 -C part-3 -C part-4 >parts.count 2>/dev/null
"$GS" -c -C gen >whole.count 2>/dev/null
expect_file "parts: grep-sessions -c" whole.count parts.count

# A shard takes only its own shard's evidence, and merges only cases.
st=$(run ingest -q --shard 2/4 -C sample-1 "$FIX/dups")
expect_eq "another shard into a shard" 2 "$st"
expect_grep "another shard: message" 'holds shard 1/4, not 2/4' err
st=$(run ingest -q -C sample-1 "$FIX/dups")
expect_eq "no shard into a shard" 2 "$st"
st=$(run ingest -q --shard 5/4 -C x "$FIX/dups")
expect_eq "--shard 5/4" 2 "$st"
[ ! -e x ] || fail "--shard 5/4 made a case"
# A log merged twice, or already in the case, is refused.
st=$(run ingest -C again --merge sample-1 sample-1)
expect_eq "a shard merged twice" 2 "$st"
expect_grep "a shard merged twice: message" 'in two of the cases merged' err
st=$(run ingest -C sample-m --merge sample-2)
expect_eq "a log already in the case" 2 "$st"
expect_grep "already in the case: message" 'is already in the case' err
# Merging half the shards: the rest are said to be elsewhere.
ingest -q -C half --merge sample-1 sample-3 2>/dev/null
expect_grep "half: notes" 'shard=1,3/4 other=' half/manifest.tsv
ingest -q -C all --merge half sample-2 sample-4 2>/dev/null
manifest all >all.manifest
manifest sample >whole.manifest
expect_file "halves merged" whole.manifest all.manifest
# Merged into a case that has other evidence: as if ingested there.
ingest -q -C more "$FIX/dups" 2>/dev/null
st=$(run ingest -q -C more --merge sample-1 sample-2 sample-3 sample-4)
expect_eq "into a case with more: merge" 0 "$st"
ingest -q -C both "$FIX/dups" "$FIX/sample/audit" \
    "$FIX/sample/delivery-2026-03-16.tar" 2>/dev/null
timelines more >merged.rows
timelines both >whole.rows
expect_file "into a case with more: timelines" whole.rows merged.rows
expect_eq "into a case with more: verify" 0 "$(run ingest --verify -C more)"
expect_grep "into a case with more: audit" 'ingest.*--merge sample-1' \
    more/audit.log
# The audit log of each case read names the run.
expect_grep "audit of a shard" 'summarize.*-C sample-1 -C sample-2' \
    sample-3/audit.log

done_testing
