#!/bin/sh
# summarize-partial-alerts: the rules whose baselines span users, judged
# shard by shard against the other shards' baselines (--baselines, then
# --partial --peers) and merged, give the alerts of the whole case, byte
# for byte in every output form: each rule alone and all of them together,
# on the sample split into four shards and on evidence made here where
# the sample has no alert of a rule (a scraper, a new analyst's batch,
# growing small exports, a look into a sealed archive, one purpose for a
# day's forty records).
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize
S=$FIX/sample
# The rules judged against peers, and one that judges each user alone.
PEER="bulk-export export-growth off-hours search-burst no-purpose
boilerplate-purpose rare-access denied-burst watchlist concurrent-sessions
log-integrity"

# shard DIR [OPTION...]: the logs under DIR/src (relative paths, one log
# per user named USER.jsonl or USER.jsonl.gz, loose or in a tar) ingested
# into DIR/whole, and each user's logs, dealt round-robin by name into
# four shards, into DIR/s0/case .. DIR/s3/case under the same names,
# with the ingest options.  Dies when they are not the whole case's
# events.
shard() {
	d=$1
	shift
	(cd "$d/src" && "$INGEST" -q -C ../whole "$@" $(ls)) ||
	    fail "$d: whole case"
	( cd "$d/src" && find . -type f ! -name '*.tar'
	    for t in $(find . -name '*.tar'); do tar -tf "$t"; done ) |
	    sed -n 's|^.*/\([^/]*\)\.jsonl\(\.gz\)*$|\1|p' | sort -u |
	    awk '{ print $0 "\t" (NR - 1) % 4 }' >"$d/shard-of"
	for k in 0 1 2 3; do
		mkdir -p "$d/s$k/src"
		awk -v k=$k -F'\t' '$2 == k { print $1 }' "$d/shard-of" \
		    >"$d/s$k/users"
		(cd "$d/src" && find . -type f ! -name '*.tar') |
		    awk -F/ 'NR == FNR { u[$1] = 1; next }
		    { n = $NF; sub(/\.jsonl(\.gz)?$/, "", n) } n in u' \
		    "$d/s$k/users" - | while read -r f; do
			mkdir -p "$d/s$k/src/$(dirname "$f")" &&
			    cp "$d/src/$f" "$d/s$k/src/$f"
		done
		for t in $(cd "$d/src" && find . -name '*.tar'); do
			rm -rf "$d/x" && mkdir "$d/x" &&
			    tar -xf "$d/src/$t" -C "$d/x" || fail "$d: untar"
			tar -tf "$d/src/$t" | awk -F/ 'NR == FNR { u[$1] = 1;
			    next } { n = $NF; sub(/\.jsonl(\.gz)?$/, "", n) }
			    /\/$/ || n in u' "$d/s$k/users" - >"$d/members"
			(cd "$d/x" && tar -cf "../s$k/src/$t" --no-recursion \
			    -T ../members) || fail "$d: shard $k: tar"
		done
		(cd "$d/s$k/src" && "$INGEST" -q -C ../case "$@" $(ls)) ||
		    fail "$d: shard $k: ingest"
	done
	for k in 0 1 2 3; do case_rows "$d/s$k/case"; done | sort >got
	case_rows "$d/whole" | sort >want
	if ! cmp -s want got; then
		fail "$d: the shards' events are not the whole's"
		done_testing
	fi
}

# same D NAME OPTION...: pass one, each shard's baselines; pass two, each
# shard's alerts against all four baselines; the merge in shard order and
# reversed, against the whole case, in each output form, exit status
# and messages too.
same() {
	d=$1 name=$2
	shift 2
	for k in 0 1 2 3; do
		"$SUM" -C "$d/s$k/case" --alerts "$@" --baselines "$d/s$k/b" \
		    2>err || fail "$name: baselines $k: $(cat err)"
	done
	for k in 0 1 2 3; do
		"$SUM" -C "$d/s$k/case" --alerts "$@" --partial "$d/s$k/p" \
		    --peers "$d/s0/b" --peers "$d/s1/b" --peers "$d/s2/b" \
		    --peers "$d/s3/b" 2>err ||
		    fail "$name: partial $k: $(cat err)"
	done
	for form in "" --json --no-header; do
		"$SUM" -C "$d/whole" --alerts "$@" $form >want 2>want.err
		echo "exit $?" >>want
		"$SUM" --merge "$d/s0/p" "$d/s1/p" "$d/s2/p" "$d/s3/p" \
		    --alerts "$@" $form >got 2>err
		echo "exit $?" >>got
		expect_file "$name ($form)" want got
		# The one message a merge of several partials adds.
		echo "summarize: --merge: duplicates and conflicts between users of different partials are not seen: ingest --merge their cases to find them" >>want.err
		expect_file "$name ($form): messages" want.err err
		"$SUM" --merge "$d/s3/p" "$d/s2/p" "$d/s1/p" "$d/s0/p" \
		    --alerts "$@" $form >got 2>err
		echo "exit $?" >>got
		expect_file "$name ($form, reversed)" want got
	done
	# Something compared: not two runs refused alike.
	grep -qx 'exit 2' want && fail "$name: the whole case's run failed"
	return 0
}

# fires D RULE OPTION...: the whole case has an alert of RULE.
fires() {
	d=$1 r=$2
	shift 2
	"$SUM" -C "$d/whole" --alerts "$@" | cut -f3 | grep -qx "$r" ||
	    fail "$d: no $r alert with $*"
}

# Each rule alone, then all of them with purpose-policy (a rule that
# judges each user alone).
for r in $PEER; do
	only_rules $r
	mv only.rules $r.rules
done
only_rules $PEER purpose-policy
mv only.rules all.rules
printf 'note\tdataset_pattern\tpurpose_pattern\nregister\t55af10d9\tCASE-2026-00[0-4]\n' >policy.tsv

# The sample: m.okafor's night export (bulk-export), k.yilmaz's refusals
# (denied-burst), work at unusual hours (off-hours), access without a
# purpose (no-purpose), d.weber's search for a protected person
# (watchlist), s.novak in two places at once (concurrent-sessions), the
# day without logs and the logs with copies (log-integrity); with and
# without its groups, every day judged or one.
mkdir -p sample/src
cp -R "$S/audit" "$S/delivery-2026-03-16.tar" sample/src/
shard sample
G="--groups $S/groups.tsv --watchlist $S/watchlist.txt"
fires sample bulk-export --rules "$T/bulk-export.rules"
fires sample denied-burst --rules "$T/denied-burst.rules" $G
fires sample off-hours --rules "$T/off-hours.rules" $G
fires sample no-purpose --rules "$T/no-purpose.rules" $G
fires sample off-hours --rules "$T/off-hours.rules" $G --since 2026-03-16
fires sample watchlist --rules "$T/watchlist.rules" $G
fires sample concurrent-sessions --rules "$T/concurrent-sessions.rules" $G
fires sample log-integrity --rules "$T/log-integrity.rules" $G
for r in $PEER; do
	same sample "sample: $r" --rules "$T/$r.rules" \
	    --watchlist "$S/watchlist.txt"
	same sample "sample: $r, groups" --rules "$T/$r.rules" $G
done
same sample "sample: all" --rules "$T/all.rules" --policy "$T/policy.tsv" $G
same sample "sample: all, a day judged" --rules "$T/all.rules" $G \
    --since 2026-03-12 --until 2026-03-13
same sample "sample: all, a week judged, Berlin" --rules "$T/all.rules" \
    $G --since 2026-03-16 --until 2026-03-23 --tz Europe/Berlin
same sample "sample: off-hours, work hours" --rules "$T/off-hours.rules" \
    --work-hours 08:00-18:00 --workdays mon-fri
same sample "sample: all, two users shown" --rules "$T/all.rules" $G \
    -u m.okafor -u k.yilmaz --min-level low
# The alerts about the whole case (log-integrity) are in every partial,
# the same, and merged once: a partial whose copy differs is refused.
grep -q '"log-integrity"	""' sample/s1/p ||
	fail "sample: no alert about the whole case in a partial"
sed '/"log-integrity"	""/s/^\(alert	[^"]*\)"[0-9a-f]*"/\1"0000000000000000"/' \
    sample/s1/p >other
expect_eq "whole-case alerts differ" 2 "$(run "$SUM" --merge sample/s0/p \
    other sample/s2/p sample/s3/p --alerts --rules "$T/all.rules" $G \
    -u m.okafor -u k.yilmaz --min-level low)"
expect_grep "whole-case alerts differ: message" \
    '^summarize: --merge --alerts: other: its alerts about the whole case are not those of sample/s0/p' err

# Watchlist and concurrent sessions judged by what other shards' users
# do: three weeks of weekdays; w.seeker (whose sources record no purpose)
# once searches for a protected person, while p.purpose in another shard
# gives purposes, so the sources do record them; c.one works in two
# places at once every day, and c.two, in another shard of c.one's
# group, does it once: done by the group now and then.
mkdir -p wc/src
awk '
function ev(u, d, h, m, sid, src, act, q, pur,    f) {
	f = "wc/src/" u ".jsonl"
	printf "{\"time\":\"2026-08-%02dT%02d:%02d:00Z\",\"user\":\"%s\"," \
	    "\"session\":\"%s\",\"src\":\"%s\",\"action\":\"%s\"," \
	    "\"outcome\":\"success\",\"query\":\"%s\"", d, h, m, u, sid,
	    src, act, q >f
	if (pur != "")
		printf ",\"purpose\":\"%s\"", pur >f
	printf "}\n" >f
}
BEGIN {
	for (d = 3; d <= 21; d++) {
		if ((d - 3) % 7 > 4)
			continue
		for (m = 0; m < 180; m += 10) {
			ev("p.purpose", d, 9 + int(m / 60), m % 60, "ap-" d,
			    "192.0.2.50", "search", "case " m, "CASE-" d)
			q = "case " m
			if (d == 19 && m == 60)
				q = "Lena Hartmann"
			ev("w.seeker", d, 9 + int(m / 60), m % 60, "ws-" d,
			    "192.0.2.51", "search", q, "")
			ev("c.one", d, 9 + int(m / 60), m % 60, "c1a-" d,
			    "192.0.2.52", "search", "case " m, "")
			if (m >= 30 && m < 120)
				ev("c.one", d, 9 + int(m / 60), m % 60 + 5,
				    "c1b-" d, "198.51.100.52", "search",
				    "field " m, "")
			ev("c.two", d, 9 + int(m / 60), m % 60, "c2a-" d,
			    "192.0.2.53", "search", "case " m, "")
			if (d == 20 && m >= 30 && m < 120)
				ev("c.two", d, 9 + int(m / 60), m % 60 + 5,
				    "c2b-" d, "198.51.100.53", "search",
				    "field " m, "")
			ev("c.three", d, 9 + int(m / 60), m % 60, "c3a-" d,
			    "192.0.2.54", "search", "case " m, "")
		}
	}
}'
shard wc --profile generic-json
printf 'user\tgroup\np.purpose\tdesk\nw.seeker\tdesk\nc.one\tfield\nc.two\tfield\nc.three\tfield\n' \
    >wc-groups.tsv
printf 'Lena Hartmann\n' >wc-watch.txt
G="--groups $T/wc-groups.tsv --watchlist $T/wc-watch.txt"
fires wc watchlist --rules "$T/watchlist.rules" $G
fires wc concurrent-sessions --rules "$T/concurrent-sessions.rules" $G
"$SUM" -C wc/whole --alerts --rules "$T/watchlist.rules" $G |
    grep -q 'w.seeker.*without a purpose' ||
	fail "wc: w.seeker's search is not without a purpose"
"$SUM" -C wc/whole --alerts --rules "$T/concurrent-sessions.rules" $G |
    grep -q "c.two.*of own baseline days ([0-9]*), [1-9][0-9]*% of group's" ||
	fail "wc: c.two's group does not work in two places"
same wc "wc: watchlist" --rules "$T/watchlist.rules" $G
same wc "wc: concurrent-sessions" --rules "$T/concurrent-sessions.rules" $G
same wc "wc: all" --rules "$T/all.rules" $G
same wc "wc: all, a week judged" --rules "$T/all.rules" $G \
    --since 2026-08-17

# Searches: three weeks of weekdays, a search and a look at its result
# every few minutes; an analyst's weekly batch of 240 searches a second,
# a new analyst's first such batch, a scraper's 400 searches and loads in
# four minutes; a weekly burst of refusals and a new one.
mkdir -p burst/src
awk -v users="an.batch an.new an.plain de.scraper de.plain de.fails" '
function ts(d, ms,   s) {
	s = int(ms / 1000)
	return sprintf("2026-04-%02dT%02d:%02d:%02d.%03dZ", 6 + d,
	    int(s / 3600), int(s / 60) % 60, s % 60, ms % 1000)
}
function ev(u, d, ms, act, out, q) {
	printf "{\"@timestamp\":\"%s\",\"user\":\"%s\",\"session\":\"%s-%d\"," \
	    "\"action\":\"%s\",\"outcome\":\"%s\",\"query\":\"%s\"," \
	    "\"src\":\"192.0.2.%d\"}\n", ts(d, ms), u, u, d, act, out, q,
	    10 + ui >("burst/src/" u ".jsonl")
}
BEGIN {
	n = split(users, us, " ")
	for (d = 0; d < 21; d++) for (ui = 1; ui <= n; ui++) {
		u = us[ui]
		if (d % 7 < 5) {
			t = (9 * 3600 + ui * 420) * 1000
			for (i = 0; i < 14; i++) {
				ev(u, d, t, "search", "success", "case " i)
				ev(u, d, t + (20 + (i * 7 + d) % 30) * 1000,
				    "view", "success", "")
				t += (60 + (i * 13 + d * 5) % 120) * 1000
			}
		}
		if ((u == "an.batch" && d % 7 == 1) ||
		    (u == "an.new" && d == 15))
			for (i = 0; i < 240; i++)
				ev(u, d, 16 * 3600000 + i * 1000, "search",
				    "success", "batch " i)
		if (u == "de.scraper" && d == 17)
			for (i = 0; i < 400; i++)
				ev(u, d, 37800000 + i * 600,
				    i % 2 ? "view" : "search", "success",
				    "name " i)
		if (u == "an.plain" && d % 7 == 2)
			for (i = 0; i < 6; i++)
				ev(u, d, 8 * 3600000 + i * 15000, "view",
				    "denied", "")
		if (u == "an.new" && d == 16)
			for (i = 0; i < 8; i++)
				ev(u, d, 8 * 3600000 + i * 30000, "view",
				    "denied", "")
	}
}'
shard burst
printf 'user\tgroup\nan.batch\tanalysts\nan.new\tanalysts\nan.plain\tanalysts\nde.scraper\tdesk\nde.plain\tdesk\nde.fails\tdesk\n' \
    >burst-groups.tsv
G="--groups $T/burst-groups.tsv"
fires burst search-burst --rules "$T/search-burst.rules" $G
fires burst denied-burst --rules "$T/denied-burst.rules" $G
same burst "burst: search-burst" --rules "$T/search-burst.rules" $G
same burst "burst: denied-burst" --rules "$T/denied-burst.rules" $G
same burst "burst: all" --rules "$T/all.rules" $G
same burst "burst: all, a week judged" --rules "$T/all.rules" $G \
    --since 2026-04-20 --until 2026-04-27

# Exports: four weeks of weekdays, a session a day; stewards' weekly
# extracts, a clerk's first one, records without bytes, exports of no
# size, a new 3.5 GB export, forty small exports in a day.
mkdir -p exports/src
awk '
function sess(u, d, h, n, b, r, ip,    s, t, i, x, f) {
	f = "exports/src/" u ".jsonl"
	s = sprintf("%s-%02d-%02d", u, d, h)
	t = sprintf("2026-05-%02dT%02d", d, h)
	x = "\"user\":\"" u "\",\"session\":\"" s "\",\"src\":\"" ip "\""
	printf "{\"time\":\"%s:00:00Z\",%s,\"action\":\"login\"," \
	    "\"outcome\":\"success\"}\n", t, x >f
	for (i = 0; i < n; i++) {
		printf "{\"time\":\"%s:%02d:%02dZ\",%s,\"action\":\"export\"," \
		    "\"outcome\":\"success\",\"dataset\":\"registry/persons\"",
		    t, 10 + int(i / 2), (i % 2) * 30, x >f
		if (b >= 0)
			printf ",\"bytes\":%.0f", b >f
		if (r >= 0)
			printf ",\"rows\":%.0f", r >f
		printf "}\n" >f
	}
}
BEGIN {
	for (d = 4; d <= 29; d++) {
		w = (d - 4) % 7
		if (w > 4)
			continue
		sess("st.ward", d, 9, w == 0 ? 3 : 1, w == 0 ? 2e8 : 30000, -1,
		    "192.0.2.10")
		sess("st.ward2", d, 10, w == 1 ? 2 : 0, 3e8, -1, "192.0.2.11")
		sess("rc.clerk", d, 8, 1, 20000 + (d % 3) * 5000, -1,
		    "192.0.2.12")
		sess("rc.new", d, 11, 1, d == 21 ? 6.5e8 : 40000, -1,
		    "192.0.2.13")
		sess("u.rows", d, 13, 1, -1, d == 14 ? 1500000 : 100 + d,
		    "192.0.2.14")
		sess("u.nosize", d, 14, d == 12 ? 30 : 1, -1, -1, "192.0.2.15")
		sess("p.new", d, 9, d % 2 == 0 || d == 20,
		    d == 20 ? 3.5e9 : 50000, -1, "192.0.2.20")
		if (d == 27) {
			sess("p.busy", d, 8, 15, 60000, -1, "192.0.2.21")
			sess("p.busy", d, 13, 15, 60000, -1, "192.0.2.21")
			sess("p.busy", d, 15, 10, 60000, -1, "192.0.2.21")
		} else
			sess("p.busy", d, 8, 1 + d % 2, 60000, -1,
			    "192.0.2.21")
		sess("p.other", d, 10, w == 1 || w == 3, 80000, -1,
		    "192.0.2.22")
	}
}'
shard exports --profile generic-json
{
	printf 'user\tgroup\n'
	for u in st.ward st.ward2 rc.clerk rc.new u.rows u.nosize; do
		printf '%s\trecords\n' $u
	done
	for u in p.new p.busy p.other; do
		printf '%s\tpatrol\n' $u
	done
} >exports-groups.tsv
G="--groups $T/exports-groups.tsv"
fires exports bulk-export --rules "$T/bulk-export.rules" $G
fires exports export-growth --rules "$T/export-growth.rules" $G
same exports "exports: bulk-export" --rules "$T/bulk-export.rules" $G
same exports "exports: export-growth" --rules "$T/export-growth.rules" $G
same exports "exports: all" --rules "$T/all.rules" $G
same exports "exports: all, a day judged, 5 days before" \
    --rules "$T/all.rules" $G --since 2026-05-25 --until 2026-05-26 \
    --baseline 5d
same exports "exports: all, a week judged" --rules "$T/all.rules" $G \
    --since 2026-05-25

# Resources: four weeks of weekdays, everyone looks at the same four
# lists every day; an officer opens a new person's record every day
# (their routine), an analyst once opens a sealed archive no one else
# opens (rare-access).
mkdir -p rare/src
awk '
function ev(u, d, h, m, res,    f) {
	f = "rare/src/" u ".jsonl"
	printf "{\"time\":\"2026-06-%02dT%02d:%02d:00Z\",\"user\":\"%s\"," \
	    "\"session\":\"%s-%02d\",\"src\":\"192.0.2.30\"," \
	    "\"action\":\"view\",\"outcome\":\"success\"," \
	    "\"dataset\":\"%s\"}\n", d, h, m, u, u, d, res >f
}
BEGIN {
	n = split("an.curious an.one an.two de.officer de.one de.two", us,
	    " ")
	for (d = 1; d <= 26; d++) {
		if ((d - 1) % 7 > 4)
			continue
		for (ui = 1; ui <= n; ui++) {
			u = us[ui]
			for (k = 0; k < 4; k++)
				ev(u, d, 9 + k, ui * 5,
				    "registry/persons/list-" k)
			if (u == "de.officer")
				ev(u, d, 14, 0, "registry/persons/p-" d)
			if (u == "an.curious" && d == 17)
				ev(u, d, 15, 30, "archive/sealed/case-77")
		}
	}
}'
shard rare --profile generic-json
printf 'user\tgroup\nan.curious\tanalysts\nan.one\tanalysts\nan.two\tanalysts\nde.officer\tdesk\nde.one\tdesk\nde.two\tdesk\n' \
    >rare-groups.tsv
G="--groups $T/rare-groups.tsv"
fires rare rare-access --rules "$T/rare-access.rules" $G
same rare "rare: rare-access" --rules "$T/rare-access.rules" $G
same rare "rare: rare-access, no groups" --rules "$T/rare-access.rules"
same rare "rare: all" --rules "$T/all.rules" $G
same rare "rare: all, a week judged" --rules "$T/all.rules" $G \
    --since 2026-06-15 --until 2026-06-22

# Purposes: three weeks of weekdays, three records a day, each with its
# case number; one user once gives forty records one text
# (boilerplate-purpose).
mkdir -p bp/src
awk '
function ev(u, d, h, m, res, pur,    f) {
	f = "bp/src/" u ".jsonl"
	printf "{\"time\":\"2026-07-%02dT%02d:%02d:00Z\",\"user\":\"%s\"," \
	    "\"session\":\"%s-%02d\",\"src\":\"192.0.2.40\"," \
	    "\"action\":\"view\",\"outcome\":\"success\"," \
	    "\"dataset\":\"%s\",\"purpose\":\"%s\"}\n", d, h, m, u, u, d,
	    res, pur >f
}
BEGIN {
	n = split("b.boiler b.one b.two c.one c.two c.three", us, " ")
	for (d = 1; d <= 24; d++) {
		if ((d - 1) % 7 > 4)
			continue
		for (ui = 1; ui <= n; ui++) {
			u = us[ui]
			for (k = 0; k < 3; k++)
				ev(u, d, 9 + k, ui,
				    "registry/persons/p-" (d * 10 + k),
				    sprintf("CASE-2026-%03d", d * 10 + k))
			if (u == "b.boiler" && d == 22)
				for (k = 0; k < 40; k++)
					ev(u, d, 14, k,
					    "registry/persons/q-" k,
					    "routine check")
		}
	}
}'
shard bp --profile generic-json
printf 'user\tgroup\nb.boiler\tb\nb.one\tb\nb.two\tb\nc.one\tc\nc.two\tc\nc.three\tc\n' \
    >bp-groups.tsv
G="--groups $T/bp-groups.tsv"
fires bp boilerplate-purpose --rules "$T/boilerplate-purpose.rules" $G
same bp "bp: boilerplate-purpose" --rules "$T/boilerplate-purpose.rules" $G
same bp "bp: all" --rules "$T/all.rules" $G
same bp "bp: all, a week judged" --rules "$T/all.rules" $G \
    --since 2026-07-20

# Refused, exit 2, each with a message that says why: a rule judged
# against others without --peers; peers missing this shard's users, or
# naming a user twice, or made with other options; a merge missing a
# shard, or with a partial of other rules, or with a baselines file.
# (The exports' files are those of their last run above.)
G="--groups $T/exports-groups.tsv"
set -- --rules "$T/all.rules" $G --since 2026-05-25
B="--peers exports/s0/b --peers exports/s1/b --peers exports/s2/b"
expect_eq "no peers" 2 \
    "$(run "$SUM" -C exports/s3/case --alerts "$@" --partial q)"
expect_grep "no peers: message" '^summarize: --alerts: these rules judge users against others or the whole case, which a partial summary holds only when judged against every shard.s baselines \(--peers\): bulk-export, export-growth, off-hours, search-burst, no-purpose, boilerplate-purpose, watchlist, rare-access, concurrent-sessions, denied-burst, log-integrity ' err
expect_eq "own baselines missing" 2 \
    "$(run "$SUM" -C exports/s3/case --alerts "$@" --partial q $B)"
expect_grep "own baselines missing: message" \
    '^summarize: --peers: 2 of the 2 users of this shard are in none of the baselines given' err
expect_eq "baselines twice" 2 "$(run "$SUM" -C exports/s3/case --alerts \
    "$@" --partial q $B --peers exports/s3/b --peers exports/s1/b)"
expect_grep "baselines twice: message" \
    '^summarize: --peers: exports/s1/b: user "[a-z.]+" twice: ' err
expect_eq "other options" 2 "$(run "$SUM" -C exports/s3/case --alerts \
    --rules "$T/all.rules" $G --partial q $B --peers exports/s3/b)"
expect_grep "other options: message" \
    'exports/s0/b: made with other selection options than this run' err
expect_eq "a shard missing" 2 "$(run "$SUM" --merge exports/s0/p \
    exports/s1/p exports/s3/p --alerts "$@")"
expect_grep "a shard missing: message" \
    '^summarize: --merge --alerts: the partials were judged against 9 users, they hold [0-9]+: give the partials of every shard$' err
only_rules purpose-policy
"$SUM" -C exports/s2/case --alerts --rules "$T/only.rules" $G \
    --since 2026-05-25 --partial q ||
    fail "alone: partial"
expect_eq "a partial of other rules" 2 "$(run "$SUM" --merge exports/s0/p exports/s1/p \
    q exports/s3/p --alerts --rules "$T/only.rules" $G --since 2026-05-25)"
expect_grep "a partial of other rules: message" 'made with other selection options' err
expect_eq "baselines as a partial" 2 \
    "$(run "$SUM" --merge exports/s0/b --alerts "$@")"
expect_grep "baselines as a partial: message" \
    'exports/s0/b: line 4: a baseline out of place' err
# A case baseline whose figures do not read back is named with its file
# when it is read, not later without one.
awk 'BEGIN { OFS = "\t" } !done && /^case-baseline\t"log-integrity / {
	print "case-baseline", "\"log-integrity 6e616d65 x 12\""; done = 1
	next } { print }' exports/s1/b >bad-case-b
grep -q '^case-baseline	"log-integrity 6e616d65 x 12"$' bad-case-b ||
    fail "bad-case-b: no log-integrity case baseline to spoil"
expect_eq "a malformed case baseline" 2 "$(run "$SUM" -C exports/s3/case \
    --alerts "$@" --partial q --peers exports/s0/b --peers bad-case-b \
    --peers exports/s2/b --peers exports/s3/b)"
expect_grep "a malformed case baseline: message" \
    '^summarize: --peers: bad-case-b: a malformed baseline of log-integrity$' err

done_testing
