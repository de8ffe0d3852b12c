#!/bin/sh
# summarize-reports: the case report, a user's report, grouped and ranked
# reports on the sample evidence, checked against testdata/sample/truth.tsv
# where it gives the numbers; raw sources answer as the case does.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"
# The tar's own manifest row is noted as a container, not a log.
expect_eq "archive row" "container 0" \
    "$(manifest_field case "$S/delivery-2026-03-16.tar" notes) $(manifest_field case "$S/delivery-2026-03-16.tar" read)"

# The case: span and users as truth.tsv gives them; own events plus
# backend events are its 17145 unique events; 2026-03-11 is the planted
# coverage gap (no event between 03-10 18:09 and 03-12 01:13).
expect_eq "case: exit" 0 "$(run "$SUM" -C case)"
cat >want <<'X'
field	value
first	2026-03-02T06:25:50.870803Z
last	2026-03-22T15:16:55.520400Z
sources	259
logs	404
users	30
events	13516
backend	3629
action.login	1464
action.logout	1247
action.search	4049
action.view	4976
action.export	197
action.justify	1583
outcome.success	13463
outcome.failure	21
outcome.denied	32
sessions	1464
days	20
busiest_day	2026-03-18 1029
quietest_day	2026-03-22 20
gap_day	2026-03-11
X
expect_file "case report" want out
expect_eq "case: events + backend = truth's unique events" 17145 \
    "$(awk -F'\t' '$1 == "events" || $1 == "backend" { n += $2 } END { print n }' out)"

# One user: m.okafor (truth: 605 events; the bulk export night from
# 10.99.14.7, 24 events).
expect_eq "user: exit" 0 "$(run "$SUM" -C case -u m.okafor)"
cat >want <<'X'
user	first	last	days	sessions	session_seconds	longest_seconds	events	backend	actions	resources	top_resources	queries	top_queries	exports	export_records	export_bytes	srcs	outside_usual
m.okafor	2026-03-02T07:29:57.302290Z	2026-03-20T13:42:37.379012Z	14	53	85795	4158	498	107	login=53\nlogout=44\nsearch=146\nview=173\nexport=22\njustify=60	51	22 ri.foundry.main.dataset.3615ed80-20e3-445f-bbef-52baadfba1d6\n21 ri.foundry.main.dataset.55af10d9-ad9a-4208-a5d6-d217c3b92b00\n19 ri.foundry.main.dataset.0d95db47-769f-4c5b-afee-40f765b59485\n17 ri.phonograph2-objects.main.object.ec155722-8e99-4591-9d30-de0e0003a3d5\n11 ri.contour.main.analysis.a717f58d-d8ff-4f30-8a89-209a0f641dc9	32	9 +49 157 5360 4736\n9 Dragan Petrović\n9 Dragan Popescu\n8 CASE-2026-0148\n8 CASE-2026-0163	22		2677212133	474 10.20.12.220\n24 10.99.14.7	0.048
X
expect_file "user report" want out
expect_eq "user: events + backend = truth" \
    "$(awk -F'\t' '$1 == "user" && $2 == "m.okafor" { print $6 }' "$S/truth.tsv")" \
    "$(awk -F'\t' 'NR == 2 { print $8 + $9 }' out)"
# Every user's events + backend as truth.tsv counts them.
run "$SUM" -C case --by user --no-header >/dev/null
awk -F'\t' '{ print $1 "\t" $8 + $9 }' out | sort >got
awk -F'\t' '$1 == "user" { print $2 "\t" $6 }' "$S/truth.tsv" | sort >want
expect_file "every user: events + backend = truth" want got

# Grouped: a user by day, and the bulk export night (truth: 24 events
# from 10.99.14.7, 18 exports, 2676912658 bytes, 6 datasets).
expect_eq "by user,day: exit" 0 \
    "$(run "$SUM" -C case -u m.okafor --by user,day --since 2026-03-11 --until 2026-03-13)"
cat >want <<'X'
user	day	events	sessions	exports	export_records	export_bytes	resources	queries
m.okafor	2026-03-12	57	5	19		2677024874	11	9
X
expect_file "by user,day" want out
"$SUM" -C case -u m.okafor --by user,day,src --since 2026-03-12 \
    --until 2026-03-13 --hours 01:00-02:00 >out
cat >want <<'X'
user	day	src	events	sessions	exports	export_records	export_bytes	resources	queries
m.okafor	2026-03-12	10.99.14.7	24	1	18		2676912658	6	0
X
expect_file "bulk export night" want out
"$SUM" -C case -u k.yilmaz --by outcome >out
expect_eq "by outcome: denied burst" "denied	1	12" "$(sed -n 2p out | cut -f1-3)"

# Rankings name their key; ties by key.
expect_eq "top: exit" 0 "$(run "$SUM" -C case --top 3 --rank bytes)"
cat >want <<'X'
ranking	rank	user	events	sessions	exports	export_records	export_bytes	resources	queries
bytes	1	m.okafor	498	53	22		2677212133	51	32
bytes	2	l.fischer	444	49	8		750921	54	30
bytes	3	r.richter	462	51	13		750911	47	21
X
expect_file "top 3 by bytes" want out

# --json: one object a line, numbers as numbers.
"$SUM" -C case --top 2 --rank exports --json >out
expect_eq "json: parsed" "exports 1 m.okafor 22
exports 2 r.richter 13" "$(jq -r '"\(.ranking) \(.rank) \(.user) \(.exports)"' out)"
# Foundry's exports give their bytes, not their row counts: the records
# are unknown (null), not 0.
expect_eq "json: unknown records" "null 2677212133" \
    "$(jq -r 'select(.user == "m.okafor") | "\(.export_records) \(.export_bytes)"' out)"

# Threads do not change the answer.
"$SUM" -C case --by action,outcome -j1 >j1
"$SUM" -C case --by action,outcome -j2 >j2
expect_file "-j1 = -j2" j1 j2

# Nothing selected: 1; an error: 2.
expect_eq "nothing selected: exit" 1 "$(run "$SUM" -C case -u nobody)"
expect_eq "bad --by: exit" 2 "$(run "$SUM" -C case --by colour)"

# Raw sources (read from where the case was read from) give the case's
# answer.
"$SUM" -C case >fromcase
expect_eq "raw: exit" 0 \
    "$(cd "$S" && "$SUM" audit delivery-2026-03-16.tar >"$T/fromraw" 2>"$T/err"; echo $?)"
expect_file "raw sources = case" fromcase fromraw
"$SUM" -C case -u d.weber --by user,day --until 2026-03-10 >fromcase
(cd "$S" && "$SUM" -u d.weber --by user,day --until 2026-03-10 audit \
    delivery-2026-03-16.tar >"$T/fromraw")
expect_file "raw sources = case, one user, --until" fromcase fromraw

# -u names the case does not hold: one warning each, not an error.
expect_eq "-u unknown: exit" 0 \
    "$(run "$SUM" -C case -u nobody -u m.okafor -u nobody -u a.nobody)"
printf 'summarize: no events of user "%s"\n' a.nobody nobody >want
expect_file "-u unknown: the warnings" want err
expect_eq "-u unknown: m.okafor's row" m.okafor "$(tail -n +2 out | cut -f 1)"

done_testing
