#!/bin/sh
# summarize-rules: rules files (sessionlog(5), RULES FILES): settings and
# levels of the built-in rules, switching them off, and rules of the
# file's own, on the sample evidence and on a fixture made here.
. "$SRCDIR/tests/cli/lib.sh"
# The built-in rule these tests change alone: others must not change them.
only_rules concurrent-sessions
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# s.novak's sessions overlap for 46 minutes (truth.tsv:
# shared-account-concurrent): a min-overlap above that finds nothing, one
# below it the same alert as without a rules file.
novak() {
	run "$SUM" -C case --alerts --rules only.rules --since 2026-03-05 --until 2026-03-06 \
	    -u s.novak "$@"
}
printf '# more than 50 minutes at once\nset concurrent-sessions min-overlap 50m\n' >long.rules
expect_eq "min-overlap 50m: exit" 0 "$(novak --rules long.rules)"
expect_eq "min-overlap 50m: no alert" "" "$(cat out)"
printf 'set concurrent-sessions min-overlap 2400  # seconds\n' >short.rules
expect_eq "min-overlap 40m: exit" 0 "$(novak --rules short.rules)"
expect_eq "min-overlap 40m: the alert" \
    "2567cbcf13fa1c62	high	concurrent-sessions	s.novak" \
    "$(sed 1d out | cut -f1-4)"

# The base level: new for the user and the group is one above it.
printf 'level concurrent-sessions low\n' >low.rules
expect_eq "level low: exit" 0 "$(novak --rules low.rules)"
expect_eq "level low: medium" \
    "2567cbcf13fa1c62	medium	concurrent-sessions	s.novak" \
    "$(sed 1d out | cut -f1-4)"
# A routine share of 0% makes any overlap the user's routine: info.
printf 'set concurrent-sessions routine-share 0%%\n' >routine.rules
expect_eq "routine-share 0%: exit" 0 "$(novak --rules routine.rules)"
expect_eq "routine-share 0%: info" \
    "2567cbcf13fa1c62	info	concurrent-sessions	s.novak" \
    "$(sed 1d out | cut -f1-4)"
# Files apply in order: the second switches the rule off.
printf 'disable concurrent-sessions\n' >off.rules
expect_eq "disable: exit" 0 "$(novak --rules low.rules --rules off.rules)"
expect_eq "disable: no alert" "" "$(cat out)"

# A rule of one's own on the sample: d.weber's searches for a protected
# person (TRUTH.md: private-person-search), two within ten minutes.
cat >person.rules <<'X'
rule person-search
	description "searches for a protected person"
	level high
	match action "^search$"
	match query "(?i)\bhartmann\b"
	count 2 within 10m
end
disable concurrent-sessions
X
expect_eq "person-search: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --rules person.rules)"
cut -f1-10 out >got
cat >want <<'X'
id	level	rule	user	session	start	end	value	baseline	explanation
ff8b52c106f18c04	high	person-search	d.weber	b8f2bcd5-43a5-4f4d-8be7-bf64b93aa650	2026-03-17T13:53:35.221168Z	2026-03-17T13:56:57.475583Z	4	2	searches for a protected person: 4 matching events within 10m00s (the rule asks for 2); 4 in all over 3m22s
X
expect_file "person-search: the alert" want got

# A fixture: ann and bob export from VIP datasets; ann gave a purpose
# for her first session (a justification), bob for one export.
ev() {
	printf '{"timestamp":"2026-03-%sZ","user":"%s","action":"%s","dataset":"%s","session":"%s","purpose":"%s","ip":"%s"}\n' "$@"
}
{
	ev 10T10:00:00 ann export vip/payroll s1 "" 192.0.2.1
	ev 10T10:01:00 ann justify "" s1 "case 4711" 192.0.2.1
	ev 10T10:02:00 ann export vip/payroll s1 "" 192.0.2.1
	ev 10T10:03:00 ann export vip/staff s1 "" 192.0.2.1
	ev 10T10:07:30 ann export vip/staff s1 "" 192.0.2.1
	ev 10T11:00:00 ann export vip/staff s2 "" 192.0.2.1
	ev 10T12:00:00 ann export vip/staff s3 "" 192.0.2.1
	ev 10T12:04:00 ann export vip/staff s3 "" 192.0.2.1
	ev 10T12:08:00 ann export vip/staff s3 "" 192.0.2.1
	ev 10T12:09:00 ann export public/x s3 "" 192.0.2.1
	ev 11T09:00:00 bob export vip/payroll s4 "" 192.0.2.2
	ev 11T09:01:00 bob export vip/payroll s4 "" 192.0.2.2
	ev 11T09:02:00 bob export vip/payroll s4 "" 192.0.2.2
	ev 11T09:03:00 bob export vip/payroll s4 "ticket 9" 192.0.2.2
} >vip.jsonl

# Three VIP exports within five minutes: ann's 10:00, 10:02 and 10:03
# (10:07:30 comes within five minutes of 10:03 and joins the alert;
# 11:00 is too late); 12:00, 12:04, 12:08 never have three in one window.
cat >vip.rules <<'X'
rule vip-export		# a comment after a line
	description "exports of VIP datasets"
	match action "^export$"
	match resource "^vip/"
	count 3 within 5m
	level high
end
X
expect_eq "vip-export: exit" 0 "$(run "$SUM" vip.jsonl --alerts --rules only.rules \
    --rules vip.rules)"
cat >want <<'X'
id	level	rule	user	session	start	end	value	baseline	explanation	evidence
93af2fd8fa617b07	high	vip-export	bob	s4	2026-03-11T09:00:00.000000Z	2026-03-11T09:03:00.000000Z	4	3	exports of VIP datasets: 4 matching events within 5m00s (the rule asks for 3); 4 in all over 3m00s	vip.jsonl:11\nvip.jsonl:12\nvip.jsonl:13\nvip.jsonl:14
e4e1951ac6c3d91f	high	vip-export	ann	s1	2026-03-10T10:00:00.000000Z	2026-03-10T10:07:30.000000Z	3	3	exports of VIP datasets: 3 matching events within 5m00s (the rule asks for 3); 4 in all over 7m30s	vip.jsonl:1\nvip.jsonl:3\nvip.jsonl:4\nvip.jsonl:5
X
cut -f1-11 out >got
expect_file "vip-export: alerts" want got

# Exports without a purpose: the effective purpose (ann's justification
# covers the rest of s1, bob's own purpose his last export), one alert
# per run of them less than 30 minutes apart.
cat >np.rules <<'X'
rule export-no-purpose
	description "exports without a purpose"
	match action "^export$"
	except effective_purpose "\S"
	count 1 within 30m
	level low
end
X
expect_eq "no purpose: exit" 0 "$(run "$SUM" vip.jsonl --alerts --rules only.rules \
    --rules np.rules)"
cut -f2-10 out >got
cat >want <<'X'
level	rule	user	session	start	end	value	baseline	explanation
low	export-no-purpose	ann	s3	2026-03-10T12:00:00.000000Z	2026-03-10T12:09:00.000000Z	4	1	exports without a purpose: 4 matching events within 30m00s (the rule asks for 1); 4 in all over 9m00s
low	export-no-purpose	bob	s4	2026-03-11T09:00:00.000000Z	2026-03-11T09:02:00.000000Z	3	1	exports without a purpose: 3 matching events within 30m00s (the rule asks for 1); 3 in all over 2m00s
low	export-no-purpose	ann	s1	2026-03-10T10:00:00.000000Z	2026-03-10T10:00:00.000000Z	1	1	exports without a purpose: 1 matching event within 30m00s (the rule asks for 1); 1 in all over 0s
low	export-no-purpose	ann	s2	2026-03-10T11:00:00.000000Z	2026-03-10T11:00:00.000000Z	1	1	exports without a purpose: 1 matching event within 30m00s (the rule asks for 1); 1 in all over 0s
X
expect_file "no purpose: alerts" want got

# Only the judged period counts (--since), and only the events selected;
# a later "set" changes the rule's own count; --fail-on sees its level.
expect_eq "since: exit" 0 "$(run "$SUM" vip.jsonl --alerts --rules only.rules \
    --rules np.rules --since 2026-03-11)"
expect_eq "since: bob only" "low	export-no-purpose	bob	3" \
    "$(sed 1d out | cut -f2,3,4,8)"
expect_eq "-e: exit" 0 "$(run "$SUM" vip.jsonl --alerts --rules only.rules --rules vip.rules \
    -e staff)"
expect_eq "-e: two staff exports only: none" "" "$(sed 1d out)"
printf 'set vip-export count 4\n' >four.rules
expect_eq "count 4: exit" 3 "$(run "$SUM" vip.jsonl --alerts --rules only.rules \
    --rules vip.rules --rules four.rules --fail-on high)"
expect_eq "count 4: bob only" "high	vip-export	bob	4	4" \
    "$(sed 1d out | cut -f2,3,4,8,9)"

# JSON: the same keys as every alert.
expect_eq "json: exit" 0 "$(run "$SUM" vip.jsonl --alerts --rules only.rules --rules vip.rules \
    --json -u ann)"
expect_grep "json: the alert" '^\{"id":"e4e1951ac6c3d91f","level":"high","rule":"vip-export","user":"ann","session":"s1",.*"value":3,"baseline":3,"explanation":"exports of VIP datasets: ' out

# The example of sessionlog(5) reads, and does what it says.
sed -n '/^\.Sh RULES FILES/,/^\.Sh/p' "$SRCDIR/man/sessionlog.5" |
    sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed '1d;$d; s/\\e/\\/g' >man.rules
expect_eq "man example: exit" 0 "$(run "$SUM" vip.jsonl --alerts --rules only.rules \
    --rules man.rules -u bob)"
expect_eq "man example: the alerts" "high	vip-export	bob	4
low	export-no-purpose	bob	3" "$(sed 1d out | cut -f2,3,4,8)"

# Errors name the file and the line; a rules file needs --alerts.
printf 'set concurrent-sessions min-overlap 50m\n\nset off-hour threshold 3\n' >bad.rules
expect_eq "unknown rule" 2 "$(run "$SUM" -C case --alerts --rules only.rules --rules bad.rules)"
expect_eq "unknown rule: message" \
    'summarize: --rules: bad.rules:3: no rule "off-hour"' "$(cat err)"
printf 'set concurrent-sessions min-overlaps 5m\n' >bad.rules
expect_eq "unknown setting" 2 "$(run "$SUM" -C case --alerts --rules only.rules \
    --rules bad.rules)"
expect_eq "unknown setting: message" \
    'summarize: --rules: bad.rules:1: rule "concurrent-sessions" has no setting "min-overlaps" (it has min-overlap, routine-share)' \
    "$(cat err)"
printf 'set concurrent-sessions min-overlap soon\n' >bad.rules
expect_eq "bad duration" 2 "$(run "$SUM" -C case --alerts --rules only.rules \
    --rules bad.rules)"
expect_eq "bad duration: message" \
    'summarize: --rules: bad.rules:1: min-overlap: "soon" is not a duration (like 90s, 5m, 1h30m, 2d)' \
    "$(cat err)"
printf 'rule x\n\tmatch query "(?<"\nend\n' >bad.rules
expect_eq "bad pattern" 2 "$(run "$SUM" -C case --alerts --rules only.rules --rules bad.rules)"
expect_grep "bad pattern: message" \
    '^summarize: --rules: bad.rules:2: bad pattern "\(\?<": .* at offset 3$' err
expect_eq "missing file" 2 "$(run "$SUM" -C case --alerts --rules only.rules \
    --rules nothere.rules)"
expect_eq "missing file: message" \
    'summarize: --rules: nothere.rules: No such file or directory' \
    "$(cat err)"
expect_eq "without --alerts --rules only.rules" 2 "$(run "$SUM" -C case --rules vip.rules)"

done_testing
