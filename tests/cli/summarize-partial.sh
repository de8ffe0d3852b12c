#!/bin/sh
# summarize-partial: the sample evidence split by user into four cases
# (shards), a partial summary of each, merged: every report and output
# form is byte for byte that of the case ingested from all the evidence,
# in any order of the partials, and so are the alerts of the rules that
# judge each user alone; one partial merged alone is its case's report;
# partials of another version, cut short, of other selection
# options or of shards sharing a user are refused.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

# The whole case, ingested from relative paths, as each shard is below,
# so that the manifests name the logs alike.
mkdir all
cp -R "$S/audit" "$S/delivery-2026-03-16.tar" all/
(cd all && "$INGEST" -q -C ../whole audit delivery-2026-03-16.tar) ||
    fail "whole case"

# The users, dealt round-robin into four shards; each shard's evidence is
# its users' loose files and a tar of their members, in the delivery's
# order and under the same names (one log per user and day).
mkdir x
tar -xf all/delivery-2026-03-16.tar -C x
tar -tf all/delivery-2026-03-16.tar >members
( cd all && find audit -name '*.jsonl.gz'; cat ../members ) |
    sed -n 's,.*/\([^/]*\)\.jsonl\.gz$,\1,p' | sort -u |
    awk '{ print $0 "\t" (NR - 1) % 4 }' >shard-of
expect_eq "users" 30 "$(wc -l <shard-of | tr -d ' ')"
for k in 0 1 2 3; do
	mkdir s$k
	awk -v k=$k -F'\t' '$2 == k { print $1 }' shard-of >s$k/users
	(cd all && find audit -name '*.jsonl.gz') | sort |
	    awk -F/ 'NR == FNR { u[$1 ".jsonl.gz"] = 1; next } $NF in u' \
	    s$k/users - | while read -r f; do
		mkdir -p "s$k/$(dirname "$f")" && cp "all/$f" "s$k/$f"
	done
	awk -F/ 'NR == FNR { u[$1 ".jsonl.gz"] = 1; next }
	    /\/$/ || $NF in u' s$k/users members >s$k/members
	(cd x && tar -cf ../s$k/delivery-2026-03-16.tar --no-recursion \
	    -T ../s$k/members) || fail "shard $k: tar"
	(cd s$k && "$INGEST" -q -C case audit delivery-2026-03-16.tar) ||
	    fail "shard $k: ingest"
done
# Disjoint shards that together hold every event of the whole case.
for k in 0 1 2 3; do ls s$k/case/users; done | sort >got
ls whole/users | sort >want
expect_file "shards: users" want got
for k in 0 1 2 3; do case_rows s$k/case; done | sort >got
case_rows whole | sort >want
cmp -s want got || fail "shards: the events are not those of the whole case"

# same NAME OPTION...: partials of the four shards with the options,
# merged (in shard order and reversed) with the options and each output
# form, against the whole case's report; exit statuses too.
same() {
	name=$1
	shift
	for k in 0 1 2 3; do
		(cd s$k && "$SUM" -C case --partial p "$@") >/dev/null 2>s$k/err ||
		    fail "$name: partial $k: $(cat s$k/err)"
	done
	for form in "" --json; do
		"$SUM" -C whole "$@" $form >want 2>want.err
		echo "exit $?" >>want
		"$SUM" --merge s0/p s1/p s2/p s3/p "$@" $form >got 2>err
		echo "exit $?" >>got
		expect_file "$name ($form)" want got
		# The one message a merge of several partials adds.
		echo "summarize: --merge: duplicates and conflicts between users of different partials are not seen: ingest --merge their cases to find them" >>want.err
		expect_file "$name ($form): messages" want.err err
		"$SUM" --merge s3/p s1/p s0/p s2/p "$@" $form >got 2>err
		echo "exit $?" >>got
		expect_file "$name ($form, other order)" want got
	done
	# Something to compare: a report, or nothing selected (exit 1).
	[ "$(wc -l <want)" -gt 1 ] || grep -qx 'exit 1' want ||
	    fail "$name: no report"
}

same "case report"
same "case report, a week in Berlin" --tz Europe/Berlin \
    --since 2026-03-09 --until 2026-03-16
same "user report" --by user
same "two users" -u m.okafor -u k.yilmaz
same "by day and resource" --by day,resource
same "by hour and action, exports" --by hour,action --action export,view
"$SUM" -C whole --by hour,action --action export,view --no-header >want
"$SUM" --merge s0/p s1/p s2/p s3/p --by hour,action --action export,view \
    --no-header >got
expect_file "no header" want got
same "by weekday, src, purpose" --by weekday,src,purpose --tz Europe/Berlin
same "by session, patterns" --by user,session -e 'CASE-2026-00[0-4]' -i
same "top by bytes" --top 3 --rank bytes
same "nothing selected" --since 2030-01-01

# Alerts: the rules that judge each user by their own events alone (a
# policy on the person register's dataset, rules of one's own) give a
# shard the alerts the whole case gives its users.
only_rules purpose-policy
cat >own.rules <<'X'
rule export-no-purpose
	description "exports without a purpose"
	match action "^export$"
	except effective_purpose "\S"
	count 1 within 30m
	level low
end
rule search-run
	description "searches one after another"
	match action "^search$"
	count 3 within 10m
	level info
end
X
printf 'note\tdataset_pattern\tpurpose_pattern\nregister\t55af10d9\tCASE-2026-00[0-4]\n' >policy.tsv
set -- --alerts --rules "$T/only.rules" --rules "$T/own.rules" \
    --policy "$T/policy.tsv"
same "alerts" "$@"
"$SUM" -C whole "$@" | cut -f3 | sort -u | tr '\n' ' ' >got
expect_eq "alerts: rules" "export-no-purpose purpose-policy rule search-run " \
    "$(cat got)"
same "alerts, low and up, in Berlin" "$@" --min-level low --tz Europe/Berlin
same "alerts, a week judged" "$@" --since 2026-03-16 --until 2026-03-23
same "alerts of two users" "$@" -u t.brandt -u d.weber --fail-on low
same "alerts of no user" "$@" -u nobody
# The other rules judge users against the others or the whole case: a
# partial summary holds what they need only with --peers, and says so.
expect_eq "alerts: other rules" 2 "$(run "$SUM" -C whole --alerts --partial q)"
expect_grep "alerts: other rules: message" \
    '^summarize: --alerts: these rules judge users against others or the whole case, which a partial summary holds only when judged against every shard.s baselines \(--peers\): bulk-export, export-growth, off-hours, ' err
(cd s0 && "$SUM" -C case --partial p "$@") || fail "alerts: partial"
expect_eq "alerts: merged as a report" 2 "$(run "$SUM" --merge s0/p)"
expect_grep "alerts: merged as a report: message" \
    'made with other selection options than this merge: .* alerts baseline=[0-9]+ .* purpose-policy=medium' err
# An alert whose id is not 16 hex digits is not one summarize wrote.
grep -q '^alert	' s0/p || fail "alerts: the partial holds no alert"
awk -F'\t' -v OFS='\t' '$1 == "alert" && !done { $11 = "\"zzzzzzzzzzzzzzzz\""; done = 1 } 1' \
    s0/p >badid
expect_eq "alerts: an id not hex" 2 "$(run "$SUM" --merge badid "$@")"
expect_grep "alerts: an id not hex: message" \
    'badid: line [0-9]+: an alert id is 16 hex digits$' err
set --

# The pictures and the SVG timeline.
for k in 0 1 2 3; do
	(cd s$k && "$SUM" -C case --partial p --by user --tz Europe/Berlin) ||
	    fail "pictures: partial $k"
done
"$SUM" -C whole --by user --tz Europe/Berlin --picture >want
"$SUM" --merge s0/p s1/p s2/p s3/p --by user --tz Europe/Berlin --picture >got
expect_file "pictures" want got
"$SUM" -C whole --by user --tz Europe/Berlin --svg want.svg >/dev/null
"$SUM" --merge s2/p s0/p s3/p s1/p --by user --tz Europe/Berlin \
    --svg got.svg >/dev/null
expect_file "svg" want.svg got.svg

# One partial merged alone is its case's report.
(cd s1 && "$SUM" -C case --partial p --by user) || fail "one: partial"
"$SUM" -C s1/case --by user >want
"$SUM" --merge s1/p --by user >got
expect_file "one partial" want got
(cd s1 && "$SUM" -C case --partial p) || fail "one: partial"
"$SUM" -C s1/case >want
"$SUM" --merge s1/p >got
expect_file "one partial: case report" want got

# Refused, each with a message that says why, exit 2.
for k in 0 2; do
	(cd s$k && "$SUM" -C case --partial p) || fail "refusals: partial $k"
done
sed '1s/	3$/	1/' s0/p >v1
expect_eq "older version" 2 "$(run "$SUM" --merge v1 s2/p)"
expect_grep "older version: message" \
    '^summarize: --merge: v1: line 1: a partial summary of version 1; this summarize reads version 3$' err
sed '1s/	3$/	4/' s0/p >v4
expect_eq "newer version" 2 "$(run "$SUM" --merge s2/p v4)"
expect_grep "newer version: message" \
    '^summarize: --merge: v4: line 1: a partial summary of version 4; this summarize reads version 3$' err
sed '$d' s0/p >short
expect_eq "cut short" 2 "$(run "$SUM" --merge s2/p short)"
expect_grep "cut short: message" \
    'short: line [0-9]+: no end line: the file is cut short$' err
head -c 1000 s0/p >cut
expect_eq "cut mid-line" 2 "$(run "$SUM" --merge cut)"
expect_grep "cut mid-line: message" 'cut: line [0-9]+: the last line is cut short$' err
sed '5d' s0/p >hole
expect_eq "a line missing" 2 "$(run "$SUM" --merge hole)"
expect_grep "a line missing: message" 'hole: line [0-9]+: the end line counts' err
cp "$S/groups.tsv" notone
expect_eq "not a partial" 2 "$(run "$SUM" --merge notone)"
expect_grep "not a partial: message" 'notone: line 1: not a partial summary' err
: >empty
expect_eq "empty" 2 "$(run "$SUM" --merge empty)"
expect_grep "empty: message" 'empty: line 1: empty: not a partial summary' err
expect_eq "missing file" 2 "$(run "$SUM" --merge nosuch)"
expect_grep "missing file: message" 'nosuch: No such file or directory' err
expect_eq "other options" 2 "$(run "$SUM" --merge s0/p s2/p --by day)"
expect_grep "other options: message" \
    's0/p: made with other selection options than this merge: by= since=' err
expect_eq "twice" 2 "$(run "$SUM" --merge s0/p s2/p s0/p)"
expect_grep "twice: message" "s0/p: user \"[a-z.]+\" is in s0/p too" err
expect_eq "merge without files" 2 "$(run "$SUM" --merge)"
expect_grep "merge without files: message" 'give the partial summaries' err

done_testing
