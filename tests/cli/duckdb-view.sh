#!/bin/sh
# duckdb-view.sh: the shipped DuckDB view file (share/sessionlog.duckdb.sql)
# reads a case as the tools do: events per user and action, exports and
# their bytes per user, times, the manifest's totals and the rejects equal
# what summarize, grep-sessions and ingest print, and escaped values (tab,
# newline, CR, backslash, other controls, several resources) come back byte
# for byte.  DuckDB is the npm package @duckdb/node-api run with the
# machine's node, installed by scripts/install-duckdb into a cache
# directory; without it and without a way to install it the test skips
# (exit 77), except in CI (CI=true), where scripts/bootstrap installed it.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
SUM=$BUILDDIR/cmd/summarize
VIEW=$SRCDIR/share/sessionlog.duckdb.sql

if ! NM=$(sh "$SRCDIR/scripts/install-duckdb" 2>install.err); then
	cat install.err >&2
	if [ "${CI:-}" = true ]; then
		echo "FAIL: DuckDB is not installed (scripts/bootstrap)" >&2
		exit 1
	fi
	echo "SKIP: DuckDB is not installed and cannot be" >&2
	exit 77
fi

# duck CASE QUERY: the rows of QUERY over the views of CASE, as TSV.
# Lambdas written "x -> ..." are refused, as DuckDB 2.0 does by default.
duck() {
	{
		echo "SET lambda_syntax = 'DISABLE_SINGLE_ARROW';"
		printf "SET VARIABLE case_dir = '%s';\n" \
		    "$(printf '%s' "$1" | sed "s/'/''/g")"
	} >set.sql
	printf '%s\n' "$2" >query.sql
	# MALLOC_PERTURB_ (set by meson test) is for our code: in DuckDB's
	# it fills every read buffer of every file, 128 MiB each.
	env -u MALLOC_PERTURB_ NODE_PATH="$NM" \
	    node "$SRCDIR/tests/cli/duckdb.cjs" set.sql "$VIEW" query.sql
}

# iso EXPR: a timestamp as the tools print it.
iso() {
	echo "strftime($1, '%Y-%m-%dT%H:%M:%S.%fZ')"
}

# The figures of a user's or a group's own exports, as summarize gives
# them: 0 without exports, empty when no export gave the figure.
OWN='flags & 1 = 0'
EXP="action = 'export' AND outcome IN ('success', 'unknown')"
EXPCOLS="count(*) FILTER ($EXP) AS n,
	CASE WHEN n = 0 THEN 0 ELSE sum(count) FILTER ($EXP) END,
	CASE WHEN n = 0 THEN 0 ELSE sum(bytes) FILTER ($EXP) END"

st=$(run "$INGEST" -C c "$FIX/sample/audit" \
    "$FIX/sample/delivery-2026-03-16.tar")
expect_eq "sample: ingest" 0 "$st"
mv err ingest.err
C=$T/c

# Own events per user and action, with their exports, as summarize --by
# user,action counts them.
"$SUM" -C c --by user,action --no-header | cut -f1-3,5-7 >expected
duck "$C" "SELECT user, action, count(*), $EXPCOLS FROM events
	WHERE $OWN GROUP BY user, action ORDER BY user, action;" >got
expect_file "own events per user and action" expected got

# Exports, records and bytes exported per user, as summarize --by user.
"$SUM" -C c --by user --no-header | cut -f1,15-17 >expected
duck "$C" "SELECT user, $EXPCOLS FROM events WHERE $OWN
	GROUP BY user ORDER BY user;" >got
expect_file "exports per user" expected got
expect_grep "m.okafor exported 2.7 GB" '^m\.okafor	[0-9]+		2[0-9]{9}$' got

# The README's example: who exported most on 12 March.
"$SUM" -C c --by user,day --since 2026-03-12 --until 2026-03-13 \
    --no-header | awk -F'\t' '$5 > 0 { print $1 "\t" $5 "\t" $7 }' |
    sort -t "$(printf '\t')" -k3,3nr | head -n 3 >expected
duck "$C" "SELECT user, count(*) AS exports, sum(bytes) AS bytes
  FROM events
  WHERE action = 'export' AND outcome IN ('success', 'unknown')
    AND flags & 1 = 0 AND time >= '2026-03-12' AND time < '2026-03-13'
  GROUP BY user ORDER BY bytes DESC LIMIT 3;" >got
expect_file "README: exports of 12 March" expected got
printf 'm.okafor\t19\t2677024874\np.moreau\t2\t193512\nj.rivera\t2\t177634\n' \
    >expected
expect_file "README: exports of 12 March, as shown" expected got

# Every event, backend calls too, per user and per user and action, as
# grep-sessions -c counts them.
"$GS" -C c -c --no-header | cut -f1,2 >expected
duck "$C" "SELECT user, count(*) FROM events GROUP BY user
	ORDER BY user;" >got
expect_file "events per user (grep-sessions -c)" expected got
for a in admin auth delete export justify login logout modify other \
    search share view; do
	"$GS" -C c -c --action "$a" --no-header |
	    awk -F'\t' -v a="$a" '{ print $1 "\t" a "\t" $2 }'
done >expected
duck "$C" "SELECT user, action, count(*) FROM events GROUP BY ALL
	ORDER BY action, user;" >got
expect_file "events per user and action (grep-sessions -c)" expected got

# Times: the exports of a night, selected by time in both.
"$GS" -C c --action export --since 2026-03-12 --until 2026-03-12T05:00 \
    -o time,user,session,bytes,resource --no-header >expected
duck "$C" "SELECT $(iso time), user, session, bytes,
	array_to_string(resource, chr(10)) FROM events
	WHERE action = 'export' AND time >= TIMESTAMP '2026-03-12'
	AND time < TIMESTAMP '2026-03-12 05:00' ORDER BY time, origin, line;" \
    >got
expect_file "night exports" expected got
expect_eq "night exports: 18" 18 "$(wc -l <got)"

# The manifest's totals: records as ingest reported them, events and
# backend calls, logs and sources and the span as summarize reports them.
"$SUM" -C c | awk -F'\t' '$1 ~ /^(first|last|sources|logs|events|backend)$/' \
    >expected
duck "$C" "SELECT 'first', $(iso 'min(time)') FROM events WHERE $OWN
	UNION ALL SELECT 'last', $(iso 'max(time)') FROM events WHERE $OWN
	UNION ALL SELECT 'sources', count(DISTINCT path)::VARCHAR FROM manifest
	UNION ALL SELECT 'logs', count(*)::VARCHAR FROM manifest
	    WHERE NOT list_contains(string_split(coalesce(notes, ''), ' '),
	    'container')
	UNION ALL SELECT 'events', sum(accepted)::VARCHAR FROM manifest
	UNION ALL SELECT 'backend', count(*)::VARCHAR FROM events
	    WHERE flags & 1 = 1;" >got.0
# events in the manifest are all accepted events; summarize's are the own
# ones: the difference is the backend calls.
awk -F'\t' '$1 == "backend" { b = $2 } { v[NR] = $0; k[NR] = $1; x[NR] = $2 }
	END { for (i = 1; i <= NR; i++)
		print (k[i] == "events" ? "events\t" x[i] - b : v[i]) }' \
    got.0 >got
expect_file "manifest and summarize" expected got
# "records 17,193 read: 17,145 accepted, 48 duplicates, 0 rejected"
sed -n 's/^ *records *//p' ingest.err |
    sed 's/\([0-9]\),\([0-9]\)/\1\2/g' >expected
duck "$C" "SELECT format('{} read: {} accepted, {} duplicates, {} rejected',
	sum(read), sum(accepted), sum(duplicates), sum(rejected))
	FROM manifest;" >got
expect_file "manifest totals (ingest)" expected got
expect_eq "manifest: 17,193 read" \
    "17193 read: 17145 accepted, 48 duplicates, 0 rejected" "$(cat got)"
duck "$C" "SELECT (SELECT sum(accepted) FROM manifest),
	(SELECT count(*) FROM events), (SELECT sum(rejected) FROM manifest),
	(SELECT count(*) FROM rejects);" >got
expect_eq "accepted rows and rejects" "17145	17145	0	0" "$(cat got)"
expect_eq "every log row has its digest" 0 \
    "$(duck "$C" "SELECT count(*) FROM manifest WHERE sha256 IS NULL
	OR length(sha256) <> 64 OR ingested IS NULL;")"

# The views name only users/*.tsv.gz, manifest.tsv and rejects.tsv.gz, and
# read them through symbolic links too (a case whose files live elsewhere
# and are linked in place).
mkdir -p linked/store
cp -R c linked/store/c
ln -s store/c/users linked/users
ln -s store/c/manifest.tsv linked/manifest.tsv
ln -s store/c/rejects.tsv.gz linked/rejects.tsv.gz
duck "$T/linked" "SELECT (SELECT count(*) FROM events),
	(SELECT sum(accepted) FROM manifest), (SELECT count(*) FROM rejects);" \
    >got
expect_eq "linked case" "17145	17145	0" "$(cat got)"

# Escaped values.  Invented Foundry audit.3 records: an export with three
# resources holding a tab and backslashes and a purpose holding newlines,
# CR, other control bytes and UTF-8; a search by a user whose name holds a
# tab, with a literal backslash-n and two backslashes in the query; a
# backend call; a query of 3,000,000 bytes (longer than DuckDB's default
# line limit); a broken record, kept as a reject.
{
	printf '%s' '{"type":"audit.3","time":"2026-03-14T08:00:00.123456Z",'
	printf '%s' '"uid":"e.vogel","sid":"s-1","traceId":"t-1",'
	printf '%s' '"logEntryId":"k-1","categories":["dataExport"],'
	printf '%s' '"origins":["192.0.2.10"],"requestFields":{'
	printf '%s' '"downloadedResources":["ri.test.tab\there",'
	printf '%s' '"ri.test.back\\slash\\t","ri.test.plain","ri.test.plain"],'
	printf '%s' '"userJustification":["line one\nline two\r\nend \\n \u0001'
	printf '%s' '\u001f \u00e9 \\\\"]},"resultFields":{"downloadedSize":1234},'
	printf '%s\n' '"result":"SUCCESS"}'
	printf '%s' '{"type":"audit.3","time":"2026-03-14T08:01:00Z",'
	printf '%s' '"uid":"tab\tuser","categories":["dataSearch"],'
	printf '%s' '"origins":["192.0.2.11"],'
	printf '%s' '"requestFields":{"dataSearchQuery":"a\tb\\nc\\\\d"},'
	printf '%s\n' '"result":"SUCCESS"}'
	printf '%s' '{"type":"audit.3","time":"2026-03-14T08:02:00Z",'
	printf '%s' '"uid":"e.vogel","categories":["dataLoad"],"origins":[],'
	printf '%s' '"requestFields":{"loadedResources":["ri.test.plain"]},'
	printf '%s\n' '"result":"SUCCESS"}'
	printf '%s' '{"type":"audit.3","time":"2026-03-14T08:03:00Z",'
	printf '%s' '"uid":"big.query","categories":["dataSearch"],'
	printf '%s' '"origins":["192.0.2.12"],"requestFields":{"dataSearchQuery":"'
	head -c 3000000 /dev/zero | tr '\0' x
	printf '%s\n' '"},"result":"SUCCESS"}'
	printf '{"type":"audit.3","time":"2026-03-14T08:04:00Z","uid":\t"a\\\\b\n'
} >esc.jsonl
st=$(run "$INGEST" -q -C e esc.jsonl)
expect_eq "escapes: ingest (a reject is exit 2)" 2 "$st"
E=$T/e

# Every column of the small events as grep-sessions prints them (the
# runner escapes DuckDB's values as the case does, so a value the view did
# not unescape comes back with its backslashes doubled); not the session,
# which grep-sessions names for the events without one.
COLS=time,user,action,outcome,resource,query,count,bytes,purpose
COLS=$COLS,src,trace,kind,key,flags,profile,origin,line,offset,raw
"$GS" -C e -u e.vogel -u "$(printf 'tab\tuser')" -o "$COLS" --no-header \
    >expected
duck "$E" "SELECT $(iso time), user, action, outcome,
	array_to_string(resource, chr(10)), query, count, bytes, purpose, src,
	trace, kind, key, flags, profile, origin, line, \"offset\", raw
	FROM events WHERE user <> 'big.query'
	ORDER BY user, time, key, origin, line;" >got
expect_file "escapes: every column" expected got
expect_eq "escapes: 3 events" 3 "$(wc -l <got)"

# The values themselves, byte for byte.
B="chr(92)"
duck "$E" "SELECT
	resource = ['ri.test.tab' || chr(9) || 'here',
	    'ri.test.back' || $B || 'slash' || $B || 't', 'ri.test.plain'],
	purpose = 'line one' || chr(10) || 'line two' || chr(13) || chr(10) ||
	    'end ' || $B || 'n ' || chr(1) || chr(31) || ' é ' || $B || $B,
	session = 's-1', trace = 't-1', key = 'k-1', count IS NULL,
	bytes = 1234, flags = 0
	FROM events WHERE action = 'export';" >got
expect_eq "escapes: export's values" \
    "true	true	true	true	true	true	true	true" "$(cat got)"
duck "$E" "SELECT user = 'tab' || chr(9) || 'user', len(resource) = 0,
	query = 'a' || chr(9) || 'b' || $B || 'nc' || $B || $B || 'd',
	session IS NULL, purpose IS NULL, count IS NULL, bytes IS NULL
	FROM events WHERE action = 'search' AND user LIKE 'tab%';" >got
expect_eq "escapes: search's values" \
    "true	true	true	true	true	true	true" "$(cat got)"
duck "$E" "SELECT action, flags, len(resource), resource[1] FROM events
	WHERE flags & 1 = 1;" >got
expect_eq "escapes: the backend call" "view	1	1	ri.test.plain" "$(cat got)"
duck "$E" "SELECT length(query), query = repeat('x', 3000000) FROM events
	WHERE user = 'big.query';" >got
expect_eq "escapes: a 3 MB query" "3000000	true" "$(cat got)"

# The raw records of events and rejects are the evidence's lines.
i=1
while [ $i -le 5 ]; do
	printf '%s\t%s\n' $i "$(sed -n "${i}p" esc.jsonl | tr -d '\n' |
	    md5sum | cut -d' ' -f1)"
	i=$((i + 1))
done >expected
duck "$E" "SELECT line, md5(raw) FROM (SELECT line, raw FROM events
	UNION ALL SELECT line, raw FROM rejects) ORDER BY line;" >got
expect_file "escapes: raw records" expected got
duck "$E" "SELECT (SELECT sum(rejected) FROM manifest), count(*),
	min(origin) = 'esc.jsonl', min(\"offset\") > 0
	FROM rejects;" >got
expect_eq "escapes: the reject" "1	1	true	true" "$(cat got)"

# The macros on cells the fixtures above do not hold: the escapes next to
# each other (a backslash-t that is not a tab, a backslash before a tab,
# "\x41" as text), every \xHH of a control byte, and times written with
# "@" (outside the years 0000 to 9999; the evidence rarely has one).
Q=$(cat <<'EOF'
SELECT bool_and(sessionlog_unescape(s) = e), count(*) FROM (VALUES
	('a\\tb', 'a' || chr(92) || 'tb'),
	('a\tb', 'a' || chr(9) || 'b'),
	('\\\t', chr(92) || chr(9)),
	('\\\\', chr(92) || chr(92)),
	('\\x41', chr(92) || 'x41'),
	('\r\n', chr(13) || chr(10)),
	('\x00\x01\x08\x0b\x0c\x0e\x1b\x1f', chr(0) || chr(1) || chr(8) ||
	    chr(11) || chr(12) || chr(14) || chr(27) || chr(31)),
	('no escape', 'no escape'), ('', '')) t(s, e);
EOF
)
duck "$E" "$Q" >got
expect_eq "unescape: tricky cells" "true	9" "$(cat got)"
Q=$(cat <<'EOF'
SELECT bool_and(sessionlog_unescape('<\x' || printf('%02x', i) || '>') =
	'<' || chr(i::INTEGER) || '>'), count(*) FROM range(32) t(i);
EOF
)
duck "$E" "$Q" >got
expect_eq "unescape: every \\xHH" "true	32" "$(cat got)"
duck "$E" "SELECT
	sessionlog_time('2024-03-01T07:17:12.123456Z') =
	    TIMESTAMP '2024-03-01 07:17:12.123456',
	sessionlog_time('@0') = TIMESTAMP '1970-01-01',
	sessionlog_time('@-1') = TIMESTAMP '1969-12-31 23:59:59.999999',
	year(sessionlog_time('@253402300800000000')) = 10000,
	sessionlog_time('') IS NULL;" >got
expect_eq "times" "true	true	true	true	true" "$(cat got)"

# A cell that is not UTF-8 (an invented record with a Latin-1 byte): the
# case keeps the byte, DuckDB (whose strings are UTF-8) stops with an
# error rather than give other bytes, as sessionlog(5) says.
{
	printf '%s' '{"type":"audit.3","time":"2026-03-14T08:00:00Z",'
	printf '%s' '"uid":"l.user","categories":["dataSearch"],'
	printf '%s' '"origins":["192.0.2.1"],'
	printf '"requestFields":{"dataSearchQuery":"caf\351"},'
	printf '%s\n' '"result":"SUCCESS"}'
} >latin1.jsonl
st=$(run "$INGEST" -q -C l latin1.jsonl)
expect_eq "latin-1: ingest" 0 "$st"
expect_eq "latin-1: the byte is kept" 1 \
    "$(zcat l/users/l.user.tsv.gz | grep -c "caf$(printf '\351')")"
# (All columns: DuckDB 1.5.6 reports a projection of some of them as an
# internal error instead.)
if duck "$T/l" "SELECT * FROM events;" >got 2>duck.err; then
	fail "latin-1: DuckDB read a cell that is not UTF-8"
fi
expect_grep "latin-1: DuckDB's error" '^Invalid unicode' duck.err

done_testing
