#!/bin/sh
# ingest-pipeline: real exports read right (issue 11).  CloudTrail records
# re-exported by a log pipeline (@timestamp without eventTime, whole-number
# floats, a real fraction, ports on the source address), a CSV with export
# column names, a CSV whose time column nobody knows (told once per log),
# and Microsoft 365 administration.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
F=$FIX/formats

# Several logs in one run: each log's notes reach its own manifest row.
st=$(run "$INGEST" -q -j 1 -C case "$F/cloudtrail-pipeline.jsonl" \
	"$F/m365-admin.jsonl" "$F/events-unknown-time.csv")
expect_eq "ingest: exit status" 0 "$st"
expect_eq "ingest: quiet" "" "$(cat err)"
"$GS" -C case --no-header -o time,user,action,outcome,bytes,count,src \
	>out 2>err
cat >expected <<'EOF'
2026-03-02T09:14:03.000000Z	alice	view	success	89		198.51.100.7
2026-03-02T09:15:27.000000Z	alice	view	success	12000		198.51.100.7
2026-03-02T09:16:02.000000Z	alice	view	success			198.51.100.7
2026-03-02T10:02:11.000000Z	bob	login	success			203.0.113.7
2026-03-02T08:00:05.000000Z	k.lindqvist	login	unknown			192.0.2.10
2026-03-02T08:03:40.000000Z	k.lindqvist	export	unknown	2048		192.0.2.10
2026-03-02T08:04:10.000000Z	k.lindqvist	search	unknown			192.0.2.10
2026-03-02T10:05:40.000000Z	m.okafor@agency.example	admin	success			2001:db8::1
2026-03-02T10:07:00.000000Z	m.okafor@agency.example	view	success			2001:db8::1
2026-03-02T08:30:00.000000Z	p.osei	delete	unknown			2001:db8:0:1::20
2026-03-02T11:12:00.000000Z	r.ng@agency.example	login	success			198.51.100.23
2026-03-02T11:00:01.000000Z	t.admin@agency.example	admin	success			2001:db8::1
2026-03-02T11:02:15.000000Z	t.admin@agency.example	admin	success			203.0.113.7
2026-03-02T11:03:40.000000Z	t.admin@agency.example	admin	success			203.0.113.7
2026-03-02T11:05:00.000000Z	t.admin@agency.example	admin	success			
2026-03-02T11:05:30.000000Z	t.admin@agency.example	admin	success			
2026-03-02T11:06:12.000000Z	t.admin@agency.example	admin	success			
2026-03-02T11:07:45.000000Z	t.admin@agency.example	admin	success			
2026-03-02T11:10:03.000000Z	t.admin@agency.example	view	success			203.0.113.7
EOF
expect_file "events as stored" expected out
expect_eq "grep-sessions: quiet" "" "$(cat err)"

# 1536.5 is the one real fraction; -5 is no number of bytes at all.
expect_eq "fractional note" "fractional=1" \
	"$(manifest_field case "$F/cloudtrail-pipeline.jsonl" notes)"
expect_eq "no note for m365" "" \
	"$(manifest_field case "$F/m365-admin.jsonl" notes)"
expect_eq "no note for the csv" "" \
	"$(manifest_field case "$F/events-unknown-time.csv" notes)"

# The raw record keeps the port the log wrote; src is the address.
"$GS" -C case --no-header -o src,raw -u bob >out 2>err
expect_grep "raw keeps the port" '^203\.0\.113\.7	.*"sourceIPAddress":"203\.0\.113\.7:28491"' out
# Filters by address work on the stored address.
"$GS" -C case --no-header -o user -k 'src=^2001:db8::1$' >out 2>err
expect_eq "filter by address" "$(printf 'm.okafor@agency.example\nt.admin@agency.example')" \
	"$(sort -u out)"

# A CSV whose time column no profile knows: one message for the log, every
# row still kept as a reject, the counts reconcile.
st=$(run "$INGEST" -j 1 -C case2 "$F/events-no-time.csv")
expect_eq "unknown time column: exit status" 2 "$st"
cat >expected <<EOF
ingest: $F/events-no-time.csv: no column gives the time: the header has columns When, Who, What, Where; use --map time=COLUMN
ingest: case case2
  sources    1 read; 1 logs
  records    3 read: 0 accepted, 0 duplicates, 3 rejected
  rejects    3 no column gives the time
  users      0 with new events
  errors     1 (see above)
EOF
expect_file "unknown time column: said once" expected err
expect_eq "unknown time column: rejects kept" 3 \
	"$(zcat case2/rejects.tsv.gz | tail -n +2 | cut -f5 | grep -cx 'no column gives the time')"
expect_eq "unknown time column: read" 3 "$(manifest_sum case2 read)"

# The way out the message names.
st=$(run "$INGEST" -q -j 1 -C case3 --map time=When --map user=Who \
	--map 'action=What map gen' --map src=Where "$F/events-no-time.csv")
expect_eq "--map time: exit status" 0 "$st"
"$GS" -C case3 --no-header -o time,user,action,src >out 2>err
cat >expected <<'EOF'
2026-03-02T08:00:05.000000Z	k.lindqvist	login	192.0.2.10
2026-03-02T08:03:40.000000Z	k.lindqvist	export	192.0.2.10
2026-03-02T08:30:00.000000Z	p.osei	delete	192.0.2.11
EOF
expect_file "--map time: events" expected out
done_testing
