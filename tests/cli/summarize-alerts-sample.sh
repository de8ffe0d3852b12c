#!/bin/sh
# summarize-alerts-sample: every planted scenario of the sample evidence is
# found by the rule truth.tsv names, at its level, for its user and time;
# the innocent users get few alerts, none above low.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample

expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C case "$S/audit" "$S/delivery-2026-03-16.tar")"

# The office works in CET: hours are judged there.  Every day of the case
# against the others (no --since), the units from groups.tsv, the
# protected persons of watchlist.txt.
expect_eq "alerts: exit" 0 "$(run "$SUM" -C case --alerts -j 2 \
    --tz Europe/Berlin --groups "$S/groups.tsv" \
    --watchlist "$S/watchlist.txt")"
expect_eq "alerts: no warning" "" "$(cat err)"
# As UTC times for comparing with truth.tsv.
expect_eq "alerts utc: exit" 0 "$(run "$SUM" -C case --alerts -j 2 \
    --tz Europe/Berlin --groups "$S/groups.tsv" \
    --watchlist "$S/watchlist.txt" --json)"
mv out alerts.json

# alerts.tsv: rule level user start evidence, from the JSON lines (jq-free:
# the keys come in a fixed order).
"$SUM" -C case --alerts --tz Europe/Berlin --groups "$S/groups.tsv" \
    --watchlist "$S/watchlist.txt" | cut -f2,3,4,6,7,11 >alerts.tsv

# Local times with their offset sort wrongly against UTC; truth's times are
# UTC, so compare instants: "2026-03-12T02:13:46.376497+01:00" -> seconds.
cat >check.awk <<'X'
function secs(t,   d, h, off, s) {
	# YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
	d = substr(t, 1, 10); h = substr(t, 12, 8)
	split(d, D, "-"); split(h, H, ":")
	s = (mktime(D[1] " " D[2] " " D[3] " " H[1] " " H[2] " " H[3]) + 0)
	off = substr(t, length(t) - 5)
	if (off ~ /^[+-][0-9][0-9]:[0-9][0-9]$/)
		s -= (substr(off, 1, 1) "1") * (substr(off, 2, 2) * 3600 + substr(off, 5, 2) * 60)
	return s
}
FNR == 1 { next }
FILENAME == ARGV[1] {
	n++; level[n] = $1; rule[n] = $2; user[n] = $3; start[n] = secs($4)
	end[n] = secs($5); ev[n] = $6; next
}
# truth rows: scenario user session start end events detail rule level also
$8 == "" || $8 == "none" { next }
{
	want = $8 ":" $9; extra = $10
	k = split(want (extra != "" ? "," extra : ""), W, ",")
	for (i = 1; i <= k; i++) {
		split(W[i], RL, ":")
		u = RL[1] == "log-integrity" ? "" : $2
		lo = $4 == "" ? -1 : secs($4) - 1
		hi = $5 == "" ? -1 : secs($5) + 1
		lg = ""
		if ($4 == "" && match($7, /[^ :]*\.jsonl\.gz/))
			lg = substr($7, RSTART, RLENGTH)
		found = ""
		for (j = 1; j <= n; j++) {
			if (rule[j] != RL[1] || user[j] != u)
				continue
			# The alert's span meets the scenario's (a local day
			# of a gap starts before the UTC day).
			if (lo >= 0 && (end[j] < lo || start[j] > hi))
				continue
			if (lg != "" && index(ev[j], lg) == 0)
				continue
			found = found level[j] " "
		}
		if (index(found, RL[2] " ") == 0)
			printf "%s %s: want %s %s, found [%s]\n", $1, $2, RL[1], RL[2], found
		else
			printf "%s %s: %s %s\n", $1, $2, RL[1], RL[2]
	}
}
X
TZ=UTC awk -F'\t' -f check.awk alerts.tsv "$S/truth.tsv" >got
cat >want <<'X'
bulk-export-night m.okafor: bulk-export critical
bulk-export-night m.okafor: off-hours high
private-person-search d.weber: watchlist high
private-person-search d.weber: no-purpose low
shared-account-concurrent s.novak: concurrent-sessions high
shared-account-concurrent s.novak: concurrent-sessions high
coverage-gap : log-integrity medium
denied-burst k.yilmaz: denied-burst high
duplicate-exact l.fischer: log-integrity info
duplicate-same-id p.moreau: log-integrity info
duplicate-redelivery r.costa: log-integrity info
X
expect_file "every scenario found at its level" want got

# The innocent: users of no scenario.  Nothing high or critical, one
# medium at most (a late evening three hours past a user's usual end), and
# the lows: a session without a justification now and then (about one in
# fifty has none: one a user, the rule's documented price), weekend duty
# days and evenings.
awk -F'\t' 'NR > 1 && $3 != "" && $3 !~ /^(m\.okafor|d\.weber|s\.novak|k\.yilmaz)$/ { print $1 "\t" $2 }' \
    alerts.tsv | sort | uniq -c | awk '{ print $2 "\t" $3 "\t" $1 }' >innocent
expect_eq "innocent: nothing high" "" \
    "$(awk -F'\t' '$1 == "high" || $1 == "critical"' innocent)"
expect_eq "innocent: medium" "medium	off-hours	1" \
    "$(awk -F'\t' '$1 == "medium"' innocent)"
nopurpose=$(awk -F'\t' '$1 == "low" && $2 == "no-purpose" { print $3 }' innocent)
[ "${nopurpose:-0}" -le 29 ] ||
    fail "innocent: ${nopurpose} no-purpose lows (at most one a user)"
low=$(awk -F'\t' '$1 == "low" && $2 != "no-purpose" { n += $3 } END { print n + 0 }' innocent)
[ "$low" -le 15 ] || fail "innocent: ${low} other low alerts (at most 15)"

# The same alerts, ids included, from the raw sources.
expect_eq "raw: exit" 0 "$(run "$SUM" --alerts --tz Europe/Berlin \
    --groups "$S/groups.tsv" --watchlist "$S/watchlist.txt" --json \
    "$S/audit" "$S/delivery-2026-03-16.tar")"
expect_file "raw sources: the same alerts" alerts.json out

done_testing
