#!/bin/sh
# summarize-alerts-watch: the watchlist and rare-access rules
# (sessionlog(7)), on the sample evidence (d.weber's private-person search,
# TRUTH.md scenario b) and on a small case of five analysts made here, read
# in another zone, with groups, names in NFC and NFD and in another order,
# re: lines, and resources few others use.
. "$SRCDIR/tests/cli/lib.sh"
# The rules tested here alone: others added later must not change it.
only_rules watchlist rare-access
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

# A watchlist of the test's own (the sample's watchlist.txt is gen-sample's):
# "Lena Hartmann", whom only d.weber's scenario searches for, and "Dragan
# Petrović", a person of CASE-2026-0193 whom its officers search for.
printf '# protected persons (fictional)\nLena Hartmann\n' >sample-watch.txt
printf 'Dragan Petrovi\304\207\n' >>sample-watch.txt

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# d.weber's searches for Lena Hartmann in a session without a purpose:
# high.  "Hartmann Kiel" lacks a part of the name and is not counted.  Her
# searches for Dragan Petrović that day were under CASE-2026-0193's
# purposes: medium, and the baseline says she searched for him before.
expect_eq "sample: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --watchlist sample-watch.txt --since 2026-03-17 --until 2026-03-18 \
    -u d.weber)"
cat >want <<'X'
id	level	rule	user	session	start	end	value	baseline	explanation
c1f03ecd66e44fa1	high	watchlist	d.weber	b8f2bcd5-43a5-4f4d-8be7-bf64b93aa650	2026-03-17T13:53:35.221168Z	2026-03-17T13:56:57.475583Z	3	0	3 events matching watchlist entry "Lena Hartmann" without a purpose; matched on 0 of 8 own baseline days
fdbe949308270e2e	medium	watchlist	d.weber	be0d44e9-47a6-4df5-addc-f63e408eb39d	2026-03-17T07:23:30.409428Z	2026-03-17T07:23:30.409428Z	1	3	1 event matching watchlist entry "Dragan Petrović" with purpose "CASE-2026-0193 investigation"; matched on 3 of 8 own baseline days
76dd944b338f90b0	medium	watchlist	d.weber	379bd675-d618-4041-a2e7-1188db2acfd3	2026-03-17T09:50:46.532742Z	2026-03-17T09:50:46.532742Z	1	3	1 event matching watchlist entry "Dragan Petrović" with purpose "CASE-2026-0193: travel pattern analysis"; matched on 3 of 8 own baseline days
X
cut -f1-10 out >got
expect_file "sample: d.weber" want got
E="$S/delivery-2026-03-16.tar!audit/2026-03-17/d.weber.jsonl.gz"
expect_eq "sample: evidence" "$E:39\\n$E:42\\n$E:45" \
    "$(sed -n 2p out | cut -f11)"

# The whole sample, every day against the others: the same alert, the same
# id.  Lena Hartmann only for d.weber (high); Dragan Petrović for the
# officers of CASE-2026-0193, at medium in sessions with a purpose, high in
# s.novak's one session without one; no rare-access alert: a new person's
# record is every officer's routine, and every dataset is used by many.
expect_eq "sample loo: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --watchlist sample-watch.txt)"
expect_grep "sample loo: same id" \
    '^c1f03ecd66e44fa1	high	watchlist	d.weber	b8f2bcd5-' out
awk -F'\t' 'NR > 1 && ($3 == "watchlist" || $3 == "rare-access") {
    e = $10; sub(/ with purpose.*/, " with purpose", e); sub(/;.*/, "", e)
    sub(/^[0-9]+ events? /, "", e); print $2, $3, $4, e }' out |
    sort | uniq -c >got
cat >want <<'X'
      1 high watchlist d.weber matching watchlist entry "Lena Hartmann" without a purpose
      1 high watchlist s.novak matching watchlist entry "Dragan Petrović" without a purpose
     17 medium watchlist a.meyer matching watchlist entry "Dragan Petrović" with purpose
      7 medium watchlist b.kowalski matching watchlist entry "Dragan Petrović" with purpose
      7 medium watchlist d.weber matching watchlist entry "Dragan Petrović" with purpose
     11 medium watchlist m.okafor matching watchlist entry "Dragan Petrović" with purpose
      4 medium watchlist r.costa matching watchlist entry "Dragan Petrović" with purpose
     29 medium watchlist s.novak matching watchlist entry "Dragan Petrović" with purpose
X
expect_file "sample loo: watchlist and rare-access" want got
# With a judged week and its baseline, no rare-access either.
expect_eq "sample week 3: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --since 2026-03-16 --until 2026-03-23)"
expect_eq "sample week 3: no rare-access" "" \
    "$(awk -F'\t' '$3 == "rare-access"' out)"

# Without --watchlist the rule has nothing to look for.
expect_eq "no watchlist: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    -u d.weber)"
expect_eq "no watchlist: no alert" "" \
    "$(awk -F'\t' '$3 == "watchlist"' out)"

# --watchlist is for --alerts, and its errors are grep-sessions': the file
# and the line.
expect_eq "watchlist without alerts" 2 "$(run "$SUM" -C case \
    --watchlist sample-watch.txt)"
printf 'Lena Hartmann\nre:(\n' >bad.txt
expect_eq "bad watchlist: exit" 2 "$(run "$SUM" -C case --alerts --rules only.rules \
    --watchlist bad.txt)"
expect_eq "bad watchlist: message" "summarize: watchlist bad.txt:2: bad \
pattern: missing closing parenthesis at offset 1" "$(cat err)"
printf '# none yet\n' >empty.txt
expect_eq "empty watchlist: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    -u d.weber --watchlist empty.txt)"
expect_eq "empty watchlist: warning" \
    'summarize: watchlist "empty.txt" has no entries' "$(cat err)"

# ---- five analysts, a week in Tokyo ----------------------------------------
#
# Generic JSON lines, times in UTC, judged in Asia/Tokyo (UTC+9: 01:00Z is
# 10:00 local).  ana, ben, cara and dan are the "analysts", eve is on
# "patrol".  Every day each reads /data/common/people; ben alone reads
# /data/special/informants and, each day, a new person record of his own
# (/records/person/PN: his routine); dan alone reads
# /data/special/audit-trail.
ev() {
	p=
	[ -n "${7:-}" ] && p=",\"purpose\":\"$7\""
	printf '{"time":"%s","user":"%s","session":"%s","action":"%s",' \
	    "$1" "$2" "$3" "$4"
	printf '"%s":"%s"%s}\n' "$5" "$6" "$p"
}
for d in 1 2 3 4 5; do
	D=$(printf '2026-04-%02d' $((5 + d)))
	for u in ana ben cara dan eve; do
		ev ${D}T01:00:00Z $u $u-d$d view resource /data/common/people \
		    "CASE-1 review"
	done
	ev ${D}T01:10:00Z ben ben-d$d view resource \
	    /data/special/informants "CASE-1 review"
	ev ${D}T01:20:00Z ben ben-d$d view resource /records/person/P$d \
	    "CASE-1 review"
	ev ${D}T01:30:00Z dan dan-d$d view resource \
	    /data/special/audit-trail "CASE-1 review"
done >week.jsonl
{
	# Watchlist: ana searches for Lena Hartmann, surname first, under a
	# purpose that does not name her (medium) ...
	ev 2026-04-07T03:00:00Z ana ana-d2 search query "Hartmann, Lena" \
	    "CASE-1 review"
	# ... and for Dragan Petrović, lower case and decomposed (NFD), in a
	# session without a purpose (high).
	ev 2026-04-07T03:30:00Z ana ana-d2x search query \
	    "$(printf 'petrovic\314\201 dragan')"
	# ben works the case that lists Lena Hartmann: his purpose names her
	# (low); a record named after her is a match too.
	ev 2026-04-08T03:00:00Z ben ben-d3w search query "lena HARTMANN" \
	    "Witness interview: Lena Hartmann (CASE-9)"
	ev 2026-04-08T03:05:00Z ben ben-d3w view resource \
	    /records/person/Hartmann_Lena \
	    "Witness interview: Lena Hartmann (CASE-9)"
	# cara: two entries in one session, one alert naming both; the
	# watchlist has Zofia Wójcik in NFD, cara types it composed.
	ev 2026-04-08T03:00:00Z cara cara-d3w search query \
	    "$(printf 'W\303\263jcik Zofia')" "CASE-4 background"
	ev 2026-04-08T03:02:00Z cara cara-d3w search query "Lena Hartmann" \
	    "CASE-4 background"
	# dan: a re: line on an operation's code, without a purpose (high);
	# and searches that are not the names (no alert).
	ev 2026-04-09T03:00:00Z dan dan-d4w search query "OP-4711 suspects"
	ev 2026-04-07T03:00:00Z dan dan-d2w search query "Hartmann Kiel" \
	    "CASE-1 review"
	ev 2026-04-07T03:01:00Z dan dan-d2w search query \
	    "Lena Hartmannsberger" "CASE-1 review"

	# Rare access.  ana opens the informant register, which only ben
	# uses, in a session without a purpose: almost no one uses it and
	# no purpose (medium).
	ev 2026-04-09T02:00:00Z ana ana-d4b view resource \
	    /data/special/informants
	# cara reads dan's audit trail with a purpose and exports it
	# (medium).
	ev 2026-04-09T02:00:00Z cara cara-d4 view resource \
	    /data/special/audit-trail "CASE-1 review"
	ev 2026-04-09T02:05:00Z cara cara-d4 export resource \
	    /data/special/audit-trail "CASE-1 review"
	# dan opens one of ben's person records: new for dan, but his
	# group starts on such records all the time (info).
	ev 2026-04-08T02:00:00Z dan dan-d3 view resource /records/person/P3 \
	    "CASE-1 review"
	# eve does the same on patrol, where no one does it: low.
	ev 2026-04-08T02:00:00Z eve eve-d3 view resource /records/person/P9 \
	    "CASE-1 review"
	# ana uses a dataset no one else uses on two days: never first on a
	# day of its own leaving the other days out; first in a judged
	# period starting on the first of them.
	ev 2026-04-09T02:30:00Z ana ana-d4 view resource /data/special/liaison \
	    "CASE-1 review"
	ev 2026-04-10T02:30:00Z ana ana-d5 view resource /data/special/liaison \
	    "CASE-1 review"
	# A refused attempt is not a use (denied-burst's business).
	ev 2026-04-10T02:40:00Z eve eve-d5 view resource /data/special/vault \
	    "CASE-1 review" | sed 's/}$/,"outcome":"denied"}/'
} >planted.jsonl
printf 'user\tunit\nana\tanalysts\nben\tanalysts\ncara\tanalysts\n' >groups.tsv
printf 'dan\tanalysts\neve\tpatrol\n' >>groups.tsv
printf '# protected\nLena Hartmann\nDragan Petrovi\304\207\n' >w.txt
printf 'Zofia Wo\314\201jcik\nre:\\bOP-47[0-9]{2}\\b\n' >>w.txt

expect_eq "week case" 0 "$(run "$INGEST" -q -C week --profile generic-json \
    week.jsonl planted.jsonl)"

alerts() {
	awk -F'\t' -v OFS='\t' 'NR > 1 && ($3 == "watchlist" ||
	    $3 == "rare-access") { print $2, $3, $4, $5, $6, $8, $9, $10 }' \
	    out | sort -t '	' -k3,3 -k5,5 -k2,2
}

# Every day against the others.  Watchlist: the planted searches at their
# levels, the NFD, reordered and re: entries found, "Hartmann Kiel" and
# "Lena Hartmannsberger" not.  Rare access: ana and cara medium, eve low,
# dan info (his group's routine); ben's own routine, and ana's dataset of
# two days, nothing; nothing on the first day, when everything is new.
expect_eq "week loo: exit" 0 "$(run "$SUM" -C week --alerts --rules only.rules --tz Asia/Tokyo \
    --groups groups.tsv --group-column unit --watchlist w.txt)"
cp out week-case.tsv
alerts >got
cat >want <<'X'
medium	watchlist	ana	ana-d2	2026-04-07T12:00:00.000000+09:00	1	0	1 event matching watchlist entry "Lena Hartmann" with purpose "CASE-1 review"; matched on 0 of 4 own baseline days
high	watchlist	ana	ana-d2x	2026-04-07T12:30:00.000000+09:00	1	0	1 event matching watchlist entry "Dragan Petrović" without a purpose; matched on 0 of 4 own baseline days
medium	rare-access	ana	ana-d4b	2026-04-09T11:00:00.000000+09:00	1	0	first access to "/data/special/informants" (used by 1 other user; no purpose); own baseline days with a first access to a rare "/data/special/" resource: 0 of 3, group's: 0%
low	watchlist	ben	ben-d3w	2026-04-08T12:00:00.000000+09:00	2	0	2 events matching watchlist entry "Lena Hartmann" with purpose "Witness interview: Lena Hartmann (CASE-9)" naming it; matched on 0 of 4 own baseline days
medium	watchlist	cara	cara-d3w	2026-04-08T12:00:00.000000+09:00	2	0	2 events matching watchlist entries "Zofia Wójcik", "Lena Hartmann" with purpose "CASE-4 background"; matched on 0 of 4 own baseline days
medium	rare-access	cara	cara-d4	2026-04-09T11:00:00.000000+09:00	1	0	first access to "/data/special/audit-trail" (used by 1 other user; exported); own baseline days with a first access to a rare "/data/special/" resource: 0 of 3, group's: 0%
info	rare-access	dan	dan-d3	2026-04-08T11:00:00.000000+09:00	1	0	first access to "/records/person/P3" (used by 1 other user); own baseline days with a first access to a rare "/records/person/" resource: 0 of 3, group's: 33%
high	watchlist	dan	dan-d4w	2026-04-09T12:00:00.000000+09:00	1	0	1 event matching watchlist entry "re:\\bOP-47[0-9]{2}\\b" without a purpose; matched on 0 of 4 own baseline days
low	rare-access	eve	eve-d3	2026-04-08T11:00:00.000000+09:00	0	0	first access to "/records/person/P9" (used by 0 other users); own baseline days with a first access to a rare "/records/person/" resource: 0 of 3, group's: 0%
X
expect_file "week loo" want got
# The same alerts, ids and evidence from the raw sources.
expect_eq "week raw: exit" 0 "$(run "$SUM" --alerts --rules only.rules --tz Asia/Tokyo \
    --groups groups.tsv --group-column unit --watchlist w.txt \
    --profile generic-json week.jsonl planted.jsonl)"
expect_file "week raw" week-case.tsv out

# Judged from Thursday with the days before as baseline: ana's dataset of
# Thursday and Friday is new on Thursday (low); what happened before
# Thursday is baseline, not judged.
expect_eq "week since: exit" 0 "$(run "$SUM" -C week --alerts --rules only.rules \
    --tz Asia/Tokyo --groups groups.tsv --group-column unit \
    --watchlist w.txt --since 2026-04-09 --until 2026-04-11)"
alerts >got
cat >want <<'X'
medium	rare-access	ana	ana-d4b	2026-04-09T11:00:00.000000+09:00	1	0	first access to "/data/special/informants" (used by 1 other user; no purpose); own baseline days with a first access to a rare "/data/special/" resource: 0 of 2, group's: 0%
low	rare-access	ana	ana-d4	2026-04-09T11:30:00.000000+09:00	0	0	first access to "/data/special/liaison" (used by 0 other users); own baseline days with a first access to a rare "/data/special/" resource: 0 of 2, group's: 0%
medium	rare-access	cara	cara-d4	2026-04-09T11:00:00.000000+09:00	1	0	first access to "/data/special/audit-trail" (used by 1 other user; exported); own baseline days with a first access to a rare "/data/special/" resource: 0 of 2, group's: 0%
high	watchlist	dan	dan-d4w	2026-04-09T12:00:00.000000+09:00	1	0	1 event matching watchlist entry "re:\\bOP-47[0-9]{2}\\b" without a purpose; matched on 0 of 3 own baseline days
X
expect_file "week since" want got

# Without groups everyone is one group, in which ben starts on new person
# records every day: eve's first one is info now, as dan's.  Without a
# watchlist, no watchlist alerts.
expect_eq "week no groups: exit" 0 "$(run "$SUM" -C week --alerts --rules only.rules \
    --tz Asia/Tokyo)"
alerts >got
cat >want <<'X'
medium	rare-access	ana	ana-d4b	2026-04-09T11:00:00.000000+09:00	1	0	first access to "/data/special/informants" (used by 1 other user; no purpose); own baseline days with a first access to a rare "/data/special/" resource: 0 of 3, group's: 0%
medium	rare-access	cara	cara-d4	2026-04-09T11:00:00.000000+09:00	1	0	first access to "/data/special/audit-trail" (used by 1 other user; exported); own baseline days with a first access to a rare "/data/special/" resource: 0 of 3, group's: 0%
info	rare-access	dan	dan-d3	2026-04-08T11:00:00.000000+09:00	1	0	first access to "/records/person/P3" (used by 1 other user); own baseline days with a first access to a rare "/records/person/" resource: 0 of 3, group's: 25%
info	rare-access	eve	eve-d3	2026-04-08T11:00:00.000000+09:00	0	0	first access to "/records/person/P9" (used by 0 other users); own baseline days with a first access to a rare "/records/person/" resource: 0 of 3, group's: 25%
X
expect_file "week no groups" want got

done_testing
