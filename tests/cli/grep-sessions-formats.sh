#!/bin/sh
# grep-sessions-formats.sh: the format fixtures of several profiles: every
# accepted event is found, timelines from the raw files equal those of the
# ingested case, and known events are found by field.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
F=$FIX/formats

# The accepted events and users of each fixture (formats/expected.tsv).
tail -n +2 "$F/expected.tsv" >fixtures
while IFS='	' read -r file profile records accepted dups rejected users \
    notes; do
	c=case-$(echo "$file" | tr '/.' '__')
	"$INGEST" -q -C "$c" "$F/$file" >/dev/null 2>&1
	"$GS" -C "$c" -c -o events --no-header >out 2>err
	got=$(awk '{ s += $1 } END { print s + 0 }' out)
	expect_eq "$file: events" "$accepted" "$got"
	expect_eq "$file: users" "$users" "$(wc -l <out | tr -d ' ')"
	# The timeline, with sessions, from the raw file equals the case's.
	"$GS" -C "$c" -t -o time,user,session,action,outcome,origin,line \
	    >case.out 2>err
	"$GS" -t -o time,user,session,action,outcome,origin,line \
	    "$F/$file" >raw.out 2>err
	expect_file "$file: raw = case" case.out raw.out
	"$GS" -C "$c" --json -t >json.out 2>err
	jq -e . json.out >/dev/null || fail "$file: --json does not parse"
done <fixtures

# Known events by field, per profile.
# CloudTrail: the failed console login and the AccessDenied calls.
"$GS" -c --outcome failure,denied -o user,events --no-header \
    "$F/cloudtrail-lines.json" >out 2>err
expect_eq "cloudtrail: failures" "bob	3" "$(cat out)"
# M365: the one failed logon, and the duplicate Id counted once.
"$GS" -c --action login --outcome failure -o events --no-header \
    "$F/m365.jsonl" >out 2>err
expect_eq "m365: failed logon" 1 "$(cat out)"
# AOL: the "-" query and the several clicks of one query are all there.
st=$(run "$GS" -q -k 'query=^-$' "$F/aol.tsv")
expect_eq "aol: the - query" 0 "$st"
# auditd: sessions are the ses= numbers; the cron session is its own.
"$GS" -l -o user,session --no-header "$F/auditd/audit.log" >out 2>err
st=$?
expect_eq "auditd: sessions" 0 "$st"
[ "$(wc -l <out)" -ge 2 ] || fail "auditd: fewer than 2 sessions"
# CERT: a table per file, read together.
"$GS" -c -o user --no-header "$F/cert" >out 2>err
st=$?
expect_eq "cert: exit (cut last lines are rejects, not errors)" 0 "$st"
[ -s out ] || fail "cert: no users"

# Exact sessions of three profiles: the AOL log has no session ids
# (derived per AnonID), M365 neither, auditd's are the ses= numbers (login
# records before the session exists are derived).
cat >expected <<'EOF'
1337	1337@2006-03-01T07:17:12.000000Z	2006-03-01T07:17:12.000000Z	2006-03-01T07:19:30.000000Z	4
2718	2718@2006-03-02T18:40:05.000000Z	2006-03-02T18:40:05.000000Z	2006-03-02T18:44:31.000000Z	4
4096	4096@2006-03-03T23:02:10.000000Z	2006-03-03T23:02:10.000000Z	2006-03-03T23:06:00.000000Z	4
EOF
"$GS" -l -o user,session,start,end,events --no-header "$F/aol.tsv" >out 2>err
expect_file "aol: sessions" expected out
cat >expected <<'EOF'
a.schmidt@agency.example	a.schmidt@agency.example@2026-03-02T09:12:04.000000Z	3
d.weber@agency.example	d.weber@agency.example@2026-03-02T08:31:55.000000Z	1
j.rivera@agency.example	j.rivera@agency.example@2026-03-02T07:58:02.000000Z	4
j.rivera@agency.example	j.rivera@agency.example@2026-03-02T09:40:13.000000Z	1
EOF
"$GS" -l -o user,session,events --no-header "$F/m365.jsonl" >out 2>err
expect_file "m365: sessions" expected out
cat >expected <<'EOF'
jdoe	jdoe@2026-03-02T08:00:12.118000Z	3
jdoe	12	8
root	root@2026-03-02T08:05:00.001000Z	3
root	13	4
EOF
"$GS" -l -u jdoe -u root -o user,session,events --no-header \
    "$F/auditd/audit.log" >out 2>err
expect_file "auditd: sessions" expected out

done_testing
