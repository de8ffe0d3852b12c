#!/bin/sh
# summarize-alerts-purpose: the rules on purposes (no-purpose,
# boilerplate-purpose, purpose-policy) and the --policy file, on the
# sample evidence and on a case of our own made here.
. "$SRCDIR/tests/cli/lib.sh"
# The rules tested here alone: others added later must not change it.
only_rules no-purpose boilerplate-purpose purpose-policy
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample
PR='no-purpose|boilerplate-purpose|purpose-policy'

# level rule user session start end value baseline of the purpose rules'
# alerts in out
purpose_alerts() {
	awk -F'\t' -v pr="^($PR)\$" 'NR > 1 && $3 ~ pr {
		print $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 "\t" $8 "\t" $9
	}' out
}

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# ---- the sample ----------------------------------------------------------

# d.weber's search for a private person (truth.tsv: private-person-search)
# in a session without a justification: one session, as 1 in 50 are, low.
expect_eq "sample: d.weber: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --since 2026-03-17 --until 2026-03-18 -u d.weber)"
purpose_alerts >got
cat >want <<'X'
low	no-purpose	d.weber	b8f2bcd5-43a5-4f4d-8be7-bf64b93aa650	2026-03-17T13:54:24.443464Z	2026-03-17T14:00:49.364695Z	1	0.0812183
X
expect_file "sample: d.weber: no-purpose low" want got
expect_eq "sample: d.weber: explanation" "4 data accesses without a purpose, where foundry-audit3 records purposes; 1 of 4 sessions that day without one; own baseline 0.0% of 29, group's 2.0% of 985" \
    "$(awk -F'\t' '$3 == "no-purpose" { print $10 }' out)"

# The whole sample, every day against the others: the sessions without a
# justification are found, one alert each, none above low: a session
# without one now and then is what the agency's officers do.
expect_eq "sample: all: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules)"
purpose_alerts >all
expect_eq "sample: no-purpose alerts" 29 \
    "$(awk -F'\t' '$2 == "no-purpose"' all | wc -l | tr -d ' ')"
expect_eq "sample: no-purpose: of innocent users" 28 \
    "$(awk -F'\t' '$2 == "no-purpose" && $4 != "b8f2bcd5-43a5-4f4d-8be7-bf64b93aa650"' all | wc -l | tr -d ' ')"
expect_eq "sample: levels" "low" \
    "$(cut -f1 all | sort -u | tr '\n' ' ' | sed 's/ $//')"
expect_eq "sample: no boilerplate, no policy alerts" "no-purpose" \
    "$(cut -f2 all | sort -u | tr '\n' ' ' | sed 's/ $//')"
expect_grep "sample: d.weber's among them" \
    '^low	no-purpose	d\.weber	b8f2bcd5-43a5-4f4d-8be7-bf64b93aa650	' all

# ---- a case of our own -------------------------------------------------

# A registry of another shape: TSV with a header (generic-tsv), sessions
# with ids, a justification as an event of its own; three weeks of
# weekdays, 2026-04-06 .. 2026-04-24, the judged day Wednesday 2026-04-22.
# Units: patrol (a.one .. a.four, the users below but the analysts) and
# analysis (w.wide, w.two, w.new), whose daily work covers many objects.
#
# sess USER DAY HH:MM N PURPOSE ACTION RES...: session N of USER on DAY,
# a login, a justification with PURPOSE ("-": none), ACTION on each
# resource a minute apart, a logout.
sess() {
	u=$1 day=$2 hm=$3 n=$4 purpose=$5 act=$6
	shift 6
	h=${hm%:*} m=${hm#*:}
	sid="$u-$day-$n"
	tm 0
	printf '%s\t%s\t%s\tlogin\t\t\t192.0.2.%d\n' $T "$u" "$sid" "$n"
	tm 1
	[ "$purpose" = - ] || printf '%s\t%s\t%s\tjustify\t\t%s\t192.0.2.%d\n' \
	    $T "$u" "$sid" "$purpose" "$n"
	k=2
	for r; do
		tm $k
		printf '%s\t%s\t%s\t%s\t%s\t\t192.0.2.%d\n' $T "$u" "$sid" \
		    "$act" "$r" "$n"
		k=$((k + 1))
	done
	tm $k
	printf '%s\t%s\t%s\tlogout\t\t\t192.0.2.%d\n' $T "$u" "$sid" "$n"
}
# tm K: T, the time K minutes after the session's start (no subshell:
# this writes thousands of lines).
tm() {
	hh=$((${h#0} + (${m#0} + $1) / 60)) mm=$(((${m#0} + $1) % 60))
	[ $hh -ge 10 ] || hh=0$hh
	[ $mm -ge 10 ] || mm=0$mm
	T=${day}T$hh:$mm:00Z
}
objs() {
	i=$2
	while [ "$i" -le "$3" ]; do
		printf '%s%d ' "$1" "$i"
		i=$((i + 1))
	done
}
DAYS="2026-04-06 2026-04-07 2026-04-08 2026-04-09 2026-04-10
2026-04-13 2026-04-14 2026-04-15 2026-04-16 2026-04-17
2026-04-20 2026-04-21 2026-04-22 2026-04-23 2026-04-24"
J=2026-04-22
{
printf 'time\tuser\tsession\taction\tresource\tpurpose\tsrc\n'
for d in $DAYS; do
	# Patrol: two justified sessions a day on registers and objects.
	for u in a.one a.two a.three a.four x.viol c.ok b.boiler n.nop \
	    e.edge f.edge; do
		sess $u $d 08:00 1 "CASE-2026-0101 investigation" view \
		    /reg/person /reg/vehicle /obj/$u-1
		sess $u $d 13:00 2 "CASE-2026-0102 follow-up" view \
		    /reg/address /obj/$u-2
	done
	# A clerk who reads public data without ever giving a purpose.
	sess p.public $d 09:00 1 - view /pub/weather
	# Analysts: one purpose a day over 30 objects, their routine.
	sess w.wide $d 08:00 1 "CASE-2026-0200 analysis" view \
	    $(objs /obj/wide- 1 30)
	sess w.two $d 08:00 1 "CASE-2026-0201 analysis" view \
	    $(objs /obj/two- 1 30)
	if [ $d = $J ]; then
		# A new analyst's first wide day: new for them, not for
		# the unit.
		sess w.new $d 08:00 1 "CASE-2026-0300 analysis" view \
		    $(objs /obj/new- 1 30)
		# "routine check" over 40 unrelated objects, written three
		# ways.
		sess b.boiler $d 15:00 3 "Routine check" view \
		    $(objs /obj/b 1 14)
		sess b.boiler $d 16:00 4 "routine  check" view \
		    $(objs /obj/b 15 27)
		sess b.boiler $d 17:00 5 "ROUTINE CHECK " view \
		    $(objs /obj/b 28 40)
		# min-resources, 20, is enough; 19 is not.
		sess e.edge $d 15:00 3 "sweep" view $(objs /obj/e 1 20)
		sess f.edge $d 15:00 3 "sweep" view $(objs /obj/f 1 19)
		# Purposes the policy does not allow, and no purpose.
		sess x.viol $d 15:00 3 "general enquiry" view /reg/person
		sess x.viol $d 16:00 4 "general enquiry" export /reg/vehicle
		sess x.viol $d 17:00 5 - view /reg/address
		sess x.viol $d 17:30 6 - view /pub/weather
		# A case number in lower case is one.
		sess c.ok $d 15:00 3 "case-2026-0101 follow-up" view \
		    /reg/person /pub/weather
		# Four sessions without a purpose in one day.
		for n in 3 4 5 6; do
			sess n.nop $d 1$n:00 $n - view /reg/person /obj/n$n
		done
	else
		sess w.new $d 08:00 1 "CASE-2026-0300 analysis" view \
		    /obj/new-1 /obj/new-2 /obj/new-3
	fi
done
} >registry.tsv
# Another system of the same office, JSON lines that record no purposes.
for d in 2026-04-21 $J; do
	printf '{"timestamp":"%sT10:00:00Z","user":"j.json","action":"view","resource":"/reg/person","session":"j-%s"}\n' $d $d
	printf '{"timestamp":"%sT10:01:00Z","user":"j.json","action":"view","resource":"/reg/vehicle","session":"j-%s"}\n' $d $d
done >other.jsonl
printf 'user\tunit\n' >units.tsv
for u in a.one a.two a.three a.four x.viol c.ok b.boiler n.nop p.public \
    j.json e.edge f.edge; do
	printf '%s\tpatrol\n' $u
done >>units.tsv
printf 'w.wide\tanalysis\nw.two\tanalysis\nw.new\tanalysis\n' >>units.tsv
# The policy: registers need a case number, public data nothing; a note
# column first, which is not read.
printf 'note\tdataset_pattern\tpurpose_pattern\n' >policy.tsv
printf 'registers: a case\t^/reg/\tCASE-\\d{4}-\\d{4}\n' >>policy.tsv
printf 'public\t^/pub/\t*\n' >>policy.tsv

expect_eq "registry case" 0 "$(run "$INGEST" -q -C reg \
    --profile generic-tsv registry.tsv)"
expect_eq "registry case: json" 0 "$(run "$INGEST" -q -C reg \
    --profile generic-json other.jsonl)"

# Without a policy: a purpose is needed where the source records them
# (the TSV), not in the JSON lines, which never do.  n.nop's four sessions
# without one in a day, where the user and the unit leave out one in
# fifty at most, are medium; x.viol's two, low; the clerk who never gives
# one, low: a habit is no excuse (the policy says what needs none).  "routine check", written three ways,
# over 40 objects in a day, is far wider than b.boiler and the patrol
# unit ever go: medium; w.new's 30 objects are new for them but what the
# analysts do every day: low; w.wide's and w.two's daily 30: nothing;
# e.edge's 20, min-resources, medium; f.edge's 19, nothing.
expect_eq "no policy: exit" 0 "$(run "$SUM" -C reg --alerts --rules only.rules \
    --groups units.tsv --group-column unit --since $J --until 2026-04-23)"
purpose_alerts >got
cat >want <<'X'
medium	boilerplate-purpose	b.boiler	b.boiler-2026-04-22-3	2026-04-22T15:02:00.000000Z	2026-04-22T17:14:00.000000Z	40	3
medium	no-purpose	n.nop	n.nop-2026-04-22-3	2026-04-22T13:02:00.000000Z	2026-04-22T13:03:00.000000Z	4	0.315789
medium	no-purpose	n.nop	n.nop-2026-04-22-4	2026-04-22T14:02:00.000000Z	2026-04-22T14:03:00.000000Z	4	0.315789
medium	no-purpose	n.nop	n.nop-2026-04-22-5	2026-04-22T15:02:00.000000Z	2026-04-22T15:03:00.000000Z	4	0.315789
medium	no-purpose	n.nop	n.nop-2026-04-22-6	2026-04-22T16:02:00.000000Z	2026-04-22T16:03:00.000000Z	4	0.315789
medium	boilerplate-purpose	e.edge	e.edge-2026-04-22-3	2026-04-22T15:02:00.000000Z	2026-04-22T15:21:00.000000Z	20	3
low	boilerplate-purpose	w.new	w.new-2026-04-22-1	2026-04-22T08:02:00.000000Z	2026-04-22T08:31:00.000000Z	30	3
low	no-purpose	p.public	p.public-2026-04-22-1	2026-04-22T09:02:00.000000Z	2026-04-22T09:02:00.000000Z	1	0.02
low	no-purpose	x.viol	x.viol-2026-04-22-5	2026-04-22T17:02:00.000000Z	2026-04-22T17:02:00.000000Z	2	0.315789
low	no-purpose	x.viol	x.viol-2026-04-22-6	2026-04-22T17:32:00.000000Z	2026-04-22T17:32:00.000000Z	2	0.315789
X
expect_file "no policy: alerts" want got
awk -F'\t' -v pr="^($PR)\$" 'NR > 1 && $3 ~ pr { print $4 ": " $10 }' out \
    | sort -u >got
cat >want <<'X'
b.boiler: purpose "routine check" over 40 distinct resources in a day; own baseline 3, group's 3 (90% quantile of days)
e.edge: purpose "sweep" over 20 distinct resources in a day; own baseline 3, group's 3 (90% quantile of days)
n.nop: 2 data accesses without a purpose, where generic-tsv records purposes; 4 of 6 sessions that day without one; own baseline 0.0% of 24, group's 5.3% of 228
p.public: 1 data access without a purpose, where generic-tsv records purposes; 1 of 1 sessions that day without one; own baseline 100.0% of 12, group's 0.0% of 240
w.new: purpose "case-2026-0300 analysis" over 30 distinct resources in a day; own baseline 3, group's 30 (90% quantile of days)
x.viol: 1 data access without a purpose, where generic-tsv records purposes; 2 of 6 sessions that day without one; own baseline 0.0% of 24, group's 5.3% of 228
X
expect_file "no policy: explanations" want got

# With the policy: the registers need a case number (in any case), the
# public data nothing (x.viol's and the clerk's reads of it are fine),
# and the JSON lines' reads of the registers need one too.  A purpose the
# policy does not allow is medium, high for an export.
expect_eq "policy: exit" 0 "$(run "$SUM" -C reg --alerts --rules only.rules --policy policy.tsv \
    --groups units.tsv --group-column unit --since $J --until 2026-04-23)"
purpose_alerts >got
cat >want <<'X'
high	purpose-policy	x.viol	x.viol-2026-04-22-4	2026-04-22T16:02:00.000000Z	2026-04-22T16:02:00.000000Z	1	0
medium	boilerplate-purpose	b.boiler	b.boiler-2026-04-22-3	2026-04-22T15:02:00.000000Z	2026-04-22T17:14:00.000000Z	40	3
medium	no-purpose	n.nop	n.nop-2026-04-22-3	2026-04-22T13:02:00.000000Z	2026-04-22T13:02:00.000000Z	4	0.12
medium	no-purpose	n.nop	n.nop-2026-04-22-4	2026-04-22T14:02:00.000000Z	2026-04-22T14:02:00.000000Z	4	0.12
medium	no-purpose	n.nop	n.nop-2026-04-22-5	2026-04-22T15:02:00.000000Z	2026-04-22T15:02:00.000000Z	4	0.12
medium	no-purpose	n.nop	n.nop-2026-04-22-6	2026-04-22T16:02:00.000000Z	2026-04-22T16:02:00.000000Z	4	0.12
medium	boilerplate-purpose	e.edge	e.edge-2026-04-22-3	2026-04-22T15:02:00.000000Z	2026-04-22T15:21:00.000000Z	20	3
medium	purpose-policy	x.viol	x.viol-2026-04-22-3	2026-04-22T15:02:00.000000Z	2026-04-22T15:02:00.000000Z	1	0
low	boilerplate-purpose	w.new	w.new-2026-04-22-1	2026-04-22T08:02:00.000000Z	2026-04-22T08:31:00.000000Z	30	3
low	no-purpose	j.json	j-2026-04-22	2026-04-22T10:00:00.000000Z	2026-04-22T10:01:00.000000Z	1	0.02
low	no-purpose	x.viol	x.viol-2026-04-22-5	2026-04-22T17:02:00.000000Z	2026-04-22T17:02:00.000000Z	1	0.1
X
expect_file "policy: alerts" want got
awk -F'\t' 'NR > 1 && ($3 == "purpose-policy" || $4 == "j.json") {
	print $4 ": " $10 }' out | sort -u >got
cat >want <<'X'
j.json: 2 data accesses without a purpose, where line 2 of the policy requires one; 1 of 1 sessions that day without one; own baseline 100.0% of 1, group's 0.0% of 240
x.viol: 1 data access (export) under purpose "general enquiry", which line 2 of the policy does not allow: dataset_pattern "^/reg/" needs purpose_pattern "CASE-\\d{4}-\\d{4}"
x.viol: 1 data access under purpose "general enquiry", which line 2 of the policy does not allow: dataset_pattern "^/reg/" needs purpose_pattern "CASE-\\d{4}-\\d{4}"
X
expect_file "policy: explanations" want got
expect_eq "policy: evidence" "registry.tsv:2534" \
    "$(awk -F'\t' '$2 == "high" { print $11 }' out)"
awk -F'\t' -v pr="^($PR)\$" 'NR > 1 && $3 ~ pr && $6 ~ /^2026-04-22/ {
	print $1 }' out | sort >ids.since

# Every day against the others: the same alerts of the judged day, with
# the same ids, and none on the routine days but j.json's other read.
expect_eq "leave one day out: exit" 0 "$(run "$SUM" -C reg --alerts --rules only.rules \
    --policy policy.tsv --groups units.tsv --group-column unit)"
awk -F'\t' -v pr="^($PR)\$" 'NR > 1 && $3 ~ pr && $6 ~ /^2026-04-22/ {
	print $1 }' out | sort >ids.loo
expect_file "leave one day out: same ids" ids.since ids.loo
expect_eq "leave one day out: other days" \
    "low	no-purpose	j.json	j-2026-04-21" \
    "$(awk -F'\t' -v pr="^($PR)\$" 'NR > 1 && $3 ~ pr && $6 !~ /^2026-04-22/ {
	print $2 "\t" $3 "\t" $4 "\t" $5 }' out)"

# A case whose sources record no purposes at all: no access lacks one.
expect_eq "no purposes recorded: case" 0 "$(run "$INGEST" -q -C nopurp \
    --profile generic-json other.jsonl)"
expect_eq "no purposes recorded: exit" 0 "$(run "$SUM" -C nopurp --alerts --rules only.rules)"
expect_eq "no purposes recorded: no alerts" "" "$(purpose_alerts)"

# The policy file's errors name the file and line.
printf 'dataset\tpurpose_pattern\n^/reg/\tCASE\n' >bad1.tsv
printf 'dataset_pattern\tpurpose_pattern\n^/pub/\t*\n^/reg/(\tCASE\n' >bad2.tsv
printf 'dataset_pattern\tpurpose_pattern\n^/reg/\t\n' >bad3.tsv
printf 'purpose_pattern\tdataset_pattern\n[a-\t^/reg/\n' >bad4.tsv
: >bad5.tsv
for t in "bad1.tsv:bad1.tsv:1: the header names no column \"dataset_pattern\"" \
    "bad2.tsv:bad2.tsv:3: dataset_pattern: missing closing parenthesis at offset 7" \
    "bad3.tsv:bad3.tsv:2: no purpose_pattern in this line (\"*\": no purpose required)" \
    "bad4.tsv:bad4.tsv:2: purpose_pattern: missing terminating ] for character class at offset 3" \
    "bad5.tsv:bad5.tsv: empty: a policy file starts with a header line" \
    "nothere.tsv:nothere.tsv: No such file or directory"; do
	f=${t%%:*}
	expect_eq "policy error: $f: exit" 2 "$(run "$SUM" -C reg --alerts --rules only.rules \
	    --policy $f)"
	expect_eq "policy error: $f: message" "summarize: --policy: ${t#*:}" \
	    "$(cat err)"
done
expect_eq "policy without alerts" 2 "$(run "$SUM" -C reg --policy policy.tsv)"

done_testing
