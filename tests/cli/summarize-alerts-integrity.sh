#!/bin/sh
# summarize-alerts-integrity: rule log-integrity: coverage gaps on the
# sample and on offices of our own (weekday-only, and with weekend duty),
# duplicates, conflicts, reversals and damaged logs from the manifest, the
# judged period, and the same alerts from a case and from raw sources.
. "$SRCDIR/tests/cli/lib.sh"
# The rules tested here alone: others added later must not change it.
only_rules log-integrity
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

# integrity FILE: the header and the log-integrity alerts of out, with the
# sample's directory written @S@.
integrity() {
	awk -F'\t' 'NR == 1 || $3 == "log-integrity"' out | cut -f1-11 |
	    sed "s|$S|@S@|g" >"$1"
}

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# The sample's whole list (every day judged against the others):
# coverage-gap (TRUTH.md: Wednesday 2026-03-11 has no log file) is a
# medium gap, with the events around it as evidence; the weekend days,
# with two officers on duty, are not gaps.  The duplicate scenarios
# (duplicate-exact, duplicate-same-id: keys in another order, nothing
# else differs, so no conflict; duplicate-redelivery) are info, and the
# two steps back in p.moreau's log are its re-sent copies, not a medium
# alert of their own.
expect_eq "sample: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules)"
integrity got
cat >want <<'X'
id	level	rule	user	session	start	end	value	baseline	explanation	evidence
eec483f37636f3e8	medium	log-integrity			2026-03-11T00:00:00.000000Z	2026-03-12T00:00:00.000000Z	0	995.5	no events on 2026-03-11 (Wednesday), where the baseline's Wednesdays have a median of 996 events from 29 users (2 days); the last event before is at 2026-03-10T18:09:00Z, the first after at 2026-03-12T01:13:46Z	@S@/audit/2026-03-10/t.brandt.jsonl.gz:65\n@S@/audit/2026-03-12/m.okafor.jsonl.gz:1
233e5a870b9ebd71	info	log-integrity			2026-03-06T07:15:38.945926Z	2026-03-06T15:04:42.821437Z	3	49	3 of the log's 49 records are exact copies of records read before (redelivered or written twice)	@S@/audit/2026-03-06/l.fischer.jsonl.gz
7bc10a41991d037d	info	log-integrity			2026-03-09T06:59:23.363399Z	2026-03-09T13:56:14.418389Z	2	48	2 of the log's 48 records are exact copies of records read before (redelivered or written twice); its 2 reversals of time may be those copies	@S@/audit/2026-03-09/p.moreau.jsonl.gz
d3bfb755d8208bc6	info	log-integrity			2026-03-13T07:00:58.643975Z	2026-03-13T15:26:31.691061Z	43	45	43 of the log's 45 records are exact copies of records read before (redelivered or written twice)	@S@/delivery-2026-03-16.tar!audit/2026-03-13/r.costa.jsonl.gz
X
expect_file "sample: the whole list" want got
mv out case.out

# The same sources given raw: every alert of every rule the same.
expect_eq "sample raw: exit" 0 "$(run "$SUM" --alerts --rules only.rules "$S/audit" \
    "$S/delivery-2026-03-16.tar")"
expect_file "sample raw: same alerts" case.out out

# A judged week: its baseline is the week before (one Wednesday); the
# log of 2026-03-06 is before it, and keeps out.  The ids stay.
expect_eq "week: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --since 2026-03-09 --until 2026-03-16)"
integrity got
cut -f1-9 got >got9
cat >want <<'X'
id	level	rule	user	session	start	end	value	baseline
eec483f37636f3e8	medium	log-integrity			2026-03-11T00:00:00.000000Z	2026-03-12T00:00:00.000000Z	0	962
7bc10a41991d037d	info	log-integrity			2026-03-09T06:59:23.363399Z	2026-03-09T13:56:14.418389Z	2	48
d3bfb755d8208bc6	info	log-integrity			2026-03-13T07:00:58.643975Z	2026-03-13T15:26:31.691061Z	43	45
X
expect_file "week: alerts" want got9

# Days are the run's: in Berlin the Wednesday is a local day, and the
# gap is still one (the last event before is 19:09 local).
expect_eq "berlin: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --tz Europe/Berlin --since 2026-03-09 --until 2026-03-16)"
expect_eq "berlin: gap" "medium	2026-03-11T00:00:00.000000+01:00	2026-03-12T00:00:00.000000+01:00	the last event before is at 2026-03-10T19:09:00+01:00, the first after at 2026-03-12T02:13:46+01:00" \
    "$(awk -F'\t' '$3 == "log-integrity" && $2 == "medium" {
        sub(/.*; /, "", $10); print $2 "\t" $6 "\t" $7 "\t" $10 }' out)"

# A judged period that ends with the gap: a day without events up to an
# explicit --until is one, and keeps its id.
expect_eq "until: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules \
    --since 2026-03-09 --until 2026-03-12)"
expect_eq "until: gap" "eec483f37636f3e8	medium	the last event before is at 2026-03-10T18:09:00Z, none follows in the period" \
    "$(awk -F'\t' '$3 == "log-integrity" && $2 == "medium" {
        sub(/.*; /, "", $10); print $1 "\t" $2 "\t" $10 }' out)"

# A few users: logs are not theirs, and they alone are no coverage.
expect_eq "one user: exit" 0 "$(run "$SUM" -C case --alerts --rules only.rules -u s.novak)"
expect_eq "one user: none" "" \
    "$(awk -F'\t' '$3 == "log-integrity"' out)"

# An office of our own: ten users on weekdays 08-16 UTC for three weeks
# from Monday 2026-04-06, one of them on leave the second week; Thursday
# 2026-04-16 lost, and 10:00-12:00 of Tuesday 2026-04-21.  With weekend=1,
# two officers on duty Saturdays and Sundays 09-14, and Saturday
# 2026-04-18 lost too.  With weekend=2, some work on Saturdays now and
# then: three people on 2026-04-11, none on 2026-04-18, one on 2026-04-25.
cat >gen.awk <<'X'
BEGIN {
	OFS = ","
	print "timestamp", "user", "action", "resource"
	for (i = 0; i < 21; i++) {
		day = 6 + i
		wd = i % 7
		date = sprintf("2026-04-%02d", day)
		if (date == "2026-04-16")
			continue
		if (wd < 5) {
			for (u = 1; u <= 10; u++) {
				if (u == 3 && i >= 7 && i <= 11)
					continue
				for (h = 8; h <= 16; h++) {
					if (date == "2026-04-21" &&
					    (h == 10 || h == 11))
						continue
					m = (u * 7 + h * 11 + i * 3) % 50
					emit(date, h, m, "officer" u, "search")
					emit(date, h, m + 9, "officer" u, "view")
				}
			}
		} else if (weekend == 1 && date != "2026-04-18") {
			for (u = 1; u <= 2; u++)
				for (h = 9; h <= 14; h++)
					emit(date, h, (u * 13 + h) % 60,
					    "duty" u, "view")
		} else if (weekend == 2 && wd == 5) {
			n = date == "2026-04-11" ? 3 : \
			    date == "2026-04-25" ? 1 : 0
			for (u = 1; u <= n; u++)
				emit(date, 10, u * 7, "officer" u, "view")
		}
	}
}
function emit(date, h, m, user, a) {
	print date " " sprintf("%02d:%02d:00", h, m), user, a,
	    "/register/" (h % 3)
}
X
# In time order, so that the log has no steps back.
awk -f gen.awk | awk 'NR == 1 { print; next } { print | "sort" }' \
    >office.csv
awk -v weekend=1 -f gen.awk |
    awk 'NR == 1 { print; next } { print | "sort" }' >duty.csv
expect_eq "office case" 0 "$(run "$INGEST" -q -C office office.csv)"
expect_eq "duty case" 0 "$(run "$INGEST" -q -C duty duty.csv)"

# Weekday-only: the lost Thursday (medium) and the two lost hours (low,
# one alert); the empty weekends and the week of leave are nothing.
expect_eq "office: exit" 0 "$(run "$SUM" -C office --alerts --rules only.rules)"
integrity got
cat >want <<'X'
id	level	rule	user	session	start	end	value	baseline	explanation	evidence
eaa4b6576c68cac6	medium	log-integrity			2026-04-16T00:00:00.000000Z	2026-04-17T00:00:00.000000Z	0	180	no events on 2026-04-16 (Thursday), where the baseline's Thursdays have a median of 180 events from 10 users (2 days); the last event before is at 2026-04-15T16:54:00Z, the first after at 2026-04-17T08:06:00Z	office.csv:1387\noffice.csv:1388
39ba96d1db01ed36	low	log-integrity			2026-04-21T10:00:00.000000Z	2026-04-21T12:00:00.000000Z	0	38	0 events in 2 hours, 2026-04-21 10:00 to 12:00 (Tuesday), where the baseline's Tuesdays have a median of 38 events from 10 users in them (2 days)	
X
expect_file "office: alerts" want got
mv out office.out
expect_eq "office raw: exit" 0 "$(run "$SUM" --alerts --rules only.rules office.csv)"
expect_file "office raw: same alerts" office.out out

# With weekend duty the lost Saturday is a gap too: its baseline
# Saturdays had two officers each.
expect_eq "duty: exit" 0 "$(run "$SUM" -C duty --alerts --rules only.rules)"
integrity got
cut -f1-2,6-10 got >got7
cat >want <<'X'
id	level	start	end	value	baseline	explanation
eaa4b6576c68cac6	medium	2026-04-16T00:00:00.000000Z	2026-04-17T00:00:00.000000Z	0	180	no events on 2026-04-16 (Thursday), where the baseline's Thursdays have a median of 180 events from 10 users (2 days); the last event before is at 2026-04-15T16:54:00Z, the first after at 2026-04-17T08:06:00Z
eaa1c8576c951258	medium	2026-04-18T00:00:00.000000Z	2026-04-19T00:00:00.000000Z	0	12	no events on 2026-04-18 (Saturday), where the baseline's Saturdays have a median of 12 events from 2 users (2 days); the last event before is at 2026-04-17T16:53:00Z, the first after at 2026-04-19T09:22:00Z
39ba96d1db01ed36	low	2026-04-21T10:00:00.000000Z	2026-04-21T12:00:00.000000Z	0	38	0 events in 2 hours, 2026-04-21 10:00 to 12:00 (Tuesday), where the baseline's Tuesdays have a median of 38 events from 10 users in them (2 days)
X
expect_file "duty: alerts" want got7

# Saturday work now and then: a Saturday without any is no gap (a median
# of two people would have made it one; three Saturdays in four with two
# or more would).
awk -v weekend=2 -f gen.awk |
    awk 'NR == 1 { print; next } { print | "sort" }' >casual.csv
expect_eq "casual case" 0 "$(run "$INGEST" -q -C casual casual.csv)"
expect_eq "casual: exit" 0 "$(run "$SUM" -C casual --alerts --rules only.rules)"
expect_eq "casual: the lost Thursday and hours only" \
    "2026-04-16T00:00:00.000000Z medium
2026-04-21T10:00:00.000000Z low" \
    "$(awk -F'\t' '$3 == "log-integrity" { print $6 " " $2 }' out)"

# The last week judged against the two before: the lost hours only.
expect_eq "office week: exit" 0 "$(run "$SUM" -C office --alerts --rules only.rules \
    --since 2026-04-20 --until 2026-04-25)"
expect_eq "office week: alerts" "39ba96d1db01ed36	low	0	38" \
    "$(awk -F'\t' '$3 == "log-integrity" {
        print $1 "\t" $2 "\t" $8 "\t" $9 }' out)"

# Logs read damaged, repaired, in part rejected, out of order, or with
# duplicates that differ (testdata/README.md says what each is).
B=$FIX/bad
cp "$B/corrupt-member.jsonl.gz" "$B/repaired-records.json" \
    "$B/bad-time.jsonl" "$FIX/dups/m365-mangled.jsonl" \
    "$SRCDIR/tests/cli/data/order.csv" .
printf 'timestamp,user,action,resource\nsoon,j.rivera,view,/persons/1\n' \
    >notime.csv
expect_eq "bad case" 2 "$(run "$INGEST" -q -j 1 -C bad \
    corrupt-member.jsonl.gz repaired-records.json bad-time.jsonl \
    m365-mangled.jsonl order.csv notime.csv)"
expect_eq "bad: exit" 0 "$(run "$SUM" -C bad --alerts --rules only.rules)"
integrity got
cut -f2,6- got >got8
cat >want <<'X'
level	start	end	value	baseline	explanation	evidence
high	2026-03-02T08:00:00.000000Z	2026-03-02T08:29:23.029000Z	1	20	data lost at 1 place (597 compressed bytes)	corrupt-member.jsonl.gz
medium			1	1	1 of its 1 record rejected (the first: unparseable time "soon") (the log has no event times: told whatever the period)	notime.csv\nnotime.csv:2
medium	2026-03-02T07:00:06.000000Z	2026-03-02T08:00:03.500000Z	1	6	time goes back 1 time from one of the log's 6 records to the next, by more than its format's tolerance	bad-time.jsonl
medium	2026-03-02T07:00:06.000000Z	2026-03-02T08:00:03.500000Z	3	6	3 of its 6 records rejected (the first: unparseable time "2026-13-45T25:61:00Z")	bad-time.jsonl\nbad-time.jsonl:2\nbad-time.jsonl:4\nbad-time.jsonl:5
medium	2026-03-02T07:58:00.000000Z	2026-03-02T08:11:00.000000Z	2	7	time goes back 2 times from one of the log's 7 records to the next, by more than its format's tolerance	order.csv
medium	2026-03-02T08:01:12.000000Z	2026-03-02T08:04:17.000000Z	2	3	malformed JSON read as its writer meant it at 2 places	repaired-records.json
medium	2026-03-04T09:00:00.000000Z	2026-03-04T09:10:00.000000Z	2	6	2 of the log's 6 records repeat another's record id but differ in time,action,user: a damaged or altered export	m365-mangled.jsonl\nm365-mangled.jsonl:6\nm365-mangled.jsonl:2\nm365-mangled.jsonl:4\nm365-mangled.jsonl:1
info	2026-03-04T09:00:00.000000Z	2026-03-04T09:10:00.000000Z	1	6	1 of the log's 6 records is an exact copy of a record read before (redelivered or written twice); its 2 reversals of time may be those copies	m365-mangled.jsonl
X
expect_file "bad: alerts" want got8
mv out bad.out
expect_eq "bad raw: exit" 2 "$(run "$SUM" --alerts --rules only.rules corrupt-member.jsonl.gz \
    repaired-records.json bad-time.jsonl m365-mangled.jsonl order.csv \
    notime.csv)"
expect_file "bad raw: same alerts" bad.out out

# A judged period: logs whose events are all before it keep out; a log
# without event times is always told.
expect_eq "bad since: exit" 0 "$(run "$SUM" -C bad --alerts --rules only.rules \
    --since 2026-03-03)"
expect_eq "bad since: logs" "high=0 medium=2 info=1" \
    "$(awk -F'\t' '$3 == "log-integrity" { n[$2]++ }
        END { printf "high=%d medium=%d info=%d", n["high"], n["medium"],
        n["info"] }' out)"

# A log cut short: its data stops, what followed is lost: high.
cp "$B/truncated.jsonl.gz" .
expect_eq "truncated case" 2 "$(run "$INGEST" -q -C cut truncated.jsonl.gz)"
expect_eq "truncated: exit" 3 "$(run "$SUM" -C cut --alerts --rules only.rules --fail-on high)"
expect_eq "truncated: alert" "high	its data stops at byte 16524: what followed is lost; 1 of its 27 records rejected (the first: record cut short (data lost, or the log ends inside it))	truncated.jsonl.gz\ntruncated.jsonl.gz:27" \
    "$(awk -F'\t' '$3 == "log-integrity" { print $2 "\t" $10 "\t" $11 }' out)"

done_testing
