#!/bin/sh
# summarize-alerts-scenarios: the detectors on the second scenario set
# (testdata/scenarios, made by gen-scenarios; its TRUTH.md tells the
# story): every planted row of truth.tsv must be found by its rule at its
# level for its user, starting inside the row's span; no negative
# control may get the rules it names above info; and the users with
# nothing planted get few alerts.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
SC=$FIX/scenarios

# The truth covers every rule (a generator that lost a scenario fails
# here, not silently below).
expect_eq "truth: every rule planted" "boilerplate-purpose bulk-export concurrent-sessions denied-burst export-growth log-integrity no-purpose off-hours purpose-policy rare-access search-burst watchlist" \
    "$(awk -F'\t' 'NR > 1 && $5 != "none" { print $5 }' "$SC/truth.tsv" |
    sort -u | tr '\n' ' ' | sed 's/ $//')"

# check.awk TRUTH GROUPS ALERTS: prints one line per truth row and a
# summary; exits with the number of rows that failed.
cat >check.awk <<'X'
BEGIN { FS = "\t"; lv["info"] = 0; lv["low"] = 1; lv["medium"] = 2
	lv["high"] = 3; lv["critical"] = 4 }
# Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
function days(y, m, d,    era, yoe, doy, mm) {
	y -= (m <= 2)
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	mm = m > 2 ? m - 3 : m + 9
	doy = int((153 * mm + 2) / 5) + d - 1
	return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + \
	    doy - 719468
}
# Microseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+hh:mm)".
function us(t,    s, frac, off, z) {
	s = (days(substr(t, 1, 4) + 0, substr(t, 6, 2) + 0, \
	    substr(t, 9, 2) + 0) * 86400 + substr(t, 12, 2) * 3600 + \
	    substr(t, 15, 2) * 60 + substr(t, 18, 2)) * 1000000
	z = substr(t, 20)
	frac = 0
	if (substr(z, 1, 1) == ".") {
		frac = substr(z, 2, 6) + 0
		z = substr(z, 8)
	}
	off = 0
	if (z != "Z")
		off = (substr(z, 2, 2) * 3600 + substr(z, 5, 2) * 60) * \
		    (substr(z, 1, 1) == "-" ? -1 : 1) * 1000000
	return s + frac - off
}
FILENAME == ARGV[1] && FNR == 1 { next }
FILENAME == ARGV[1] {
	nt++
	ts[nt] = $1; tu[nt] = $2; t0[nt] = us($3); t1[nt] = us($4)
	tr[nt] = $5; tl[nt] = $6; td[nt] = $7
	if ($5 != "none")
		planted[$2] = 1
	next
}
FILENAME == ARGV[2] && FNR == 1 { next }
FILENAME == ARGV[2] { member[$1] = 1; next }
FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	na++
	ar[na] = $col["rule"]; au[na] = $col["user"]
	al[na] = $col["level"]; as[na] = us($col["start"])
}
END {
	bad = 0
	for (i = 1; i <= nt; i++) {
		if (tr[i] == "none") {
			# not=RULE,RULE; ...
			split(substr(td[i], 5, index(td[i], ";") - 5), nots, ",")
			hit = ""
			for (k in nots)
				for (j = 1; j <= na; j++)
					if (ar[j] == nots[k] && au[j] == tu[i] &&
					    lv[al[j]] > 0 && as[j] >= t0[i] &&
					    as[j] <= t1[i])
						hit = hit " " ar[j] "/" al[j]
			if (hit != "") {
				printf "FAIL control %s %s: alerted%s\n", \
				    ts[i], tu[i], hit
				bad++
			} else
				printf "ok   control %s %s\n", ts[i], tu[i]
			continue
		}
		found = 0; seen = ""
		for (j = 1; j <= na; j++) {
			if (ar[j] != tr[i] || au[j] != tu[i])
				continue
			if (al[j] == tl[i] && as[j] >= t0[i] && as[j] <= t1[i])
				found = 1
			else if (as[j] >= t0[i] && as[j] <= t1[i])
				seen = seen " " al[j]
		}
		if (found)
			printf "ok   %s %s %s %s\n", ts[i], tu[i], tr[i], tl[i]
		else {
			printf "FAIL %s %s: no %s alert at %s in the span%s\n", \
			    ts[i], tu[i], tr[i], tl[i], \
			    seen == "" ? "" : " (levels given:" seen ")"
			bad++
		}
	}
	# The users with nothing planted: how many alerts a reviewer would
	# read about them.
	for (u in member)
		if (!(u in planted))
			ninno++
	for (j = 1; j <= na; j++)
		if (au[j] in member && !(au[j] in planted) && lv[al[j]] > 0) {
			inno++
			if (lv[al[j]] >= 2) {
				innohigh++
				printf "note innocent %s: %s %s\n", au[j], \
				    ar[j], al[j]
			}
		}
	printf "innocent users %d: %d alerts above info, %d medium or " \
	    "above\n", ninno, inno, innohigh
	# At most about one medium-or-above alert per ten innocent users,
	# and on average at most two low alerts each.
	if (innohigh > int(ninno / 10)) {
		printf "FAIL innocent users: %d alerts at medium or above " \
		    "(at most %d)\n", innohigh, int(ninno / 10)
		bad++
	}
	if (inno > 2 * ninno) {
		printf "FAIL innocent users: %d alerts above info (at most " \
		    "%d)\n", inno, 2 * ninno
		bad++
	}
	exit bad
}
X
# The checker itself, on alerts made from the truth: every planted row
# as the alert it asks for (one of them with the times in the zone's
# offset, as summarize prints them), then with a row missing, a level
# off, a control broken and too many alerts for innocent users.
oracle() {
	printf 'id\tlevel\trule\tuser\tsession\tstart\tend\tvalue\tbaseline\texplanation\tevidence\n'
	awk -F'\t' 'NR > 1 && $5 != "none" {
		t = $3
		if ($1 == "shared-account")
			t = sprintf("%s%02d%s-04:00", substr(t, 1, 11),
			    substr(t, 12, 2) - 4, substr(t, 14, 13))
		printf "x\t%s\t%s\t%s\t\t%s\t%s\t1\t0\tplanted\t\n",
		    $6, $5, $2, t, t }' "$SC/truth.tsv"
}
oracle >a.tsv
expect_eq "checker: the truth itself passes" 0 \
    "$(awk -f check.awk "$SC/truth.tsv" "$SC/groups.tsv" a.tsv >c.out; echo $?)"
expect_grep "checker: offset times" '^ok   shared-account k.valdivia ' c.out
grep -v 'scraping-burst\|d\.okonkwo' a.tsv >b.tsv
expect_eq "checker: a missing row fails" 1 \
    "$(awk -f check.awk "$SC/truth.tsv" "$SC/groups.tsv" b.tsv >c.out; echo $?)"
expect_grep "checker: names it" '^FAIL scraping-burst d.okonkwo: no search-burst alert at high' c.out
sed 's/^x\tcritical\t/x\thigh\t/' a.tsv >b.tsv
expect_eq "checker: a level off fails" 1 \
    "$(awk -f check.awk "$SC/truth.tsv" "$SC/groups.tsv" b.tsv >c.out; echo $?)"
expect_grep "checker: says which" '^FAIL first-huge-export i.romero: no bulk-export alert at critical in the span \(levels given: high\)' c.out
{ cat a.tsv; printf 'y\tmedium\toff-hours\tx.mbeki\t\t2026-03-08T03:30:00-04:00\t\t1\t0\t\t\n'; \
  printf 'y\tinfo\tsearch-burst\tg.ostrowski\t\t2026-03-09T07:10:00-04:00\t\t1\t0\t\t\n'; } >b.tsv
expect_eq "checker: a broken control fails, info does not" 1 \
    "$(awk -f check.awk "$SC/truth.tsv" "$SC/groups.tsv" b.tsv >c.out; echo $?)"
expect_grep "checker: names the control" '^FAIL control night-shift x.mbeki: alerted off-hours/medium' c.out
{ cat a.tsv; for u in h.benedetti l.ashworth q.adeyemi; do
	printf 'z\tmedium\tno-purpose\t%s\t\t2026-03-03T12:00:00Z\t\t1\t0\t\t\n' "$u"
done; } >b.tsv
expect_eq "checker: innocent users' budget" 1 \
    "$(awk -f check.awk "$SC/truth.tsv" "$SC/groups.tsv" b.tsv >c.out; echo $?)"
expect_grep "checker: counts them" '^innocent users 23: 3 alerts above info, 3 medium or above$' c.out

# The detectors and their options come in parallel branches: until
# summarize has --policy and --watchlist this test cannot run.
"$SUM" --help >help 2>&1
if ! grep -q -- --policy help || ! grep -q -- --watchlist help; then
	echo "summarize --alerts has no --policy or --watchlist yet: skipped"
	[ "$fails" -eq 0 ] || done_testing	# the checker's own failures
	exit 77
fi

# One file is a cut-off gzip: ingest says so (exit 2) and keeps the rest.
expect_eq "ingest" 2 "$(run "$INGEST" -q -C case "$SC/audit")"
expect_grep "ingest: the cut file" \
    'audit/2026-03-13\.jsonl\.gz: truncated gzip data' err

expect_eq "alerts: exit" 0 "$(run "$SUM" -C case --alerts \
    --tz America/New_York --groups "$SC/groups.tsv" \
    --policy "$SC/policy.tsv" --watchlist "$SC/watchlist.txt")"
cp out alerts.tsv
expect_grep "alerts: header" \
    '^id	level	rule	user	session	start	end	value	baseline	' alerts.tsv

awk -f check.awk "$SC/truth.tsv" "$SC/groups.tsv" alerts.tsv >check.out
st=$?
cat check.out >&2
expect_eq "truth rows and innocent users" 0 "$st"

done_testing
