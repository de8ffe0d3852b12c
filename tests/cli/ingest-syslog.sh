#!/bin/sh
# ingest-syslog.sh: syslog files (auth.log, RFC 5424, ISO-stamped) through
# the syslog profile; the year of yearless times from --year, the file time
# or the case's dated evidence, never from today; the manifest notes.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
S=$FIX/formats/syslog
COLS=time,user,session,action,outcome,src,resource,flags

# git keeps no file times: copy the yearless logs and set them.
cp "$S/auth.log" "$S/auth.log.2.gz" "$S/rfc5424.log" "$S/syslog-iso.log" .
touch -d 2026-03-02T12:00:00Z auth.log
touch -d 2027-01-01T06:25:00Z auth.log.2.gz

# auth.log, dated by its file time; rejects are the lines naming no user.
expect_eq "auth.log status" 2 "$(run "$INGEST" -q -C c auth.log)"
cat >want <<'X'
2026-03-02T08:05:40.000000Z	admin	bastion:sshd[1230]	auth	failure	198.51.100.23		0
2026-03-02T08:05:44.000000Z	admin	bastion:sshd[1230]	login	failure	198.51.100.23		0
2026-03-02T08:05:45.000000Z	admin	bastion:sshd[1230]	auth	unknown			0
2026-03-02T08:02:14.000000Z	alice	bastion:sshd[1210]	login	success	192.0.2.10		0
2026-03-02T08:02:14.000000Z	alice	bastion:sshd[1210]	auth	success			0
2026-03-02T09:15:02.000000Z	alice	alice@2026-03-02T09:15:02.000000Z	admin	success		/usr/bin/cat /etc/shadow	0
2026-03-02T09:15:02.000000Z	alice	alice@2026-03-02T09:15:02.000000Z	auth	success			0
2026-03-02T09:30:05.000000Z	alice	bastion:su[1320]	admin	success		root	0
2026-03-02T09:30:05.000000Z	alice	bastion:su[1320]	auth	success			0
2026-03-02T10:02:51.000000Z	alice	bastion:sshd[1210]	logout	success	192.0.2.10		0
2026-03-02T10:02:51.000000Z	alice	bastion:sshd[1210]	other	success			0
2026-03-02T08:10:03.000000Z	bob	bastion:sshd[1240]	auth	failure	2001:db8::7		0
2026-03-02T08:10:05.000000Z	bob	bastion:sshd[1240]	login	failure	2001:db8::7		0
2026-03-02T08:10:11.000000Z	bob	bastion:sshd[1240]	login	success	2001:db8::7		0
2026-03-02T08:10:11.000000Z	bob	bastion:sshd[1240]	auth	success			0
2026-03-02T09:20:11.000000Z	bob	bob@2026-03-02T09:20:11.000000Z	admin	denied		/usr/bin/less /var/log/auth.log	0
2026-03-02T09:22:40.000000Z	bob	bob@2026-03-02T09:20:11.000000Z	auth	failure			0
2026-03-02T09:22:47.000000Z	bob	bob@2026-03-02T09:20:11.000000Z	admin	failure		/usr/sbin/tcpdump -i eth0	0
2026-03-02T09:45:30.000000Z	bob	bastion:su[1340]	auth	failure			0
2026-03-02T09:45:32.000000Z	bob	bastion:su[1340]	admin	failure		root	0
2026-03-02T08:40:19.000000Z	mallory	bastion:sshd[1262]	login	denied			0
2026-03-02T08:40:21.000000Z	mallory	bastion:sshd[1262]	login	failure	198.51.100.40		0
2026-03-02T08:40:24.000000Z	mallory	bastion:sshd[1262]	auth	unknown			0
2026-03-02T08:17:01.000000Z	root	bastion:CRON[1251]	auth	success			1
2026-03-02T08:17:01.000000Z	root	bastion:CRON[1251]	other	success			1
2026-03-02T09:15:02.000000Z	root	root@2026-03-02T09:15:02.000000Z	other	success			0
2026-03-02T09:41:12.000000Z	root	bastion:su[1320]	other	success			0
X
"$GS" -C c -o $COLS --no-header >got
expect_file "auth.log events" want got
expect_eq "auth.log counts" "syslog 34 27 0 7 year=2026/mtime" \
    "$(for k in profile read accepted duplicates rejected notes; do
	manifest_field c auth.log $k; done | tr '\n' ' ' | sed 's/ *$//')"
zcat c/rejects.tsv.gz | cut -f2,5 >got
printf '%s\n' "line	reason" "1	no user" "2	no user" "5	no user" \
    "7	no user" "8	no user" "31	no user" "34	no user" >want
expect_file "auth.log rejects" want got
# The sudo command is the resource: a search for the file finds it.
"$GS" -C c -e shadow -o user,action,resource --no-header >got
printf 'alice\tadmin\t/usr/bin/cat /etc/shadow\n' >want
expect_file "-e shadow" want got

# A rotated log from Dec 31 into Jan 1: the file time, and --year, give
# the later lines the next year.  Another log after it in the same run
# must not lose its notes.
expect_eq "rotated status" 0 \
    "$(run "$INGEST" -q -j 1 -C r auth.log.2.gz rfc5424.log)"
"$GS" -C r -u alice -o time,session,action,resource --no-header >got
cat >want <<'X'
2026-12-31T23:58:02.000000Z	bastion:sshd[901]	login	
2026-12-31T23:58:02.000000Z	bastion:sshd[901]	auth	
2027-01-01T00:03:17.000000Z	alice@2027-01-01T00:03:17.000000Z	admin	/usr/bin/journalctl --rotate
2027-01-01T00:10:45.000000Z	bastion:sshd[901]	logout	
2027-01-01T00:10:45.000000Z	bastion:sshd[901]	other	
X
expect_file "rollover by mtime" want got
expect_eq "rollover note" "year=2026-2027/mtime" \
    "$(manifest_field r auth.log.2.gz notes)"
expect_eq "dated log: no note" "" "$(manifest_field r rfc5424.log notes)"
expect_eq "--year status" 0 \
    "$(run "$INGEST" -q -C y --year 2026 auth.log.2.gz)"
"$GS" -C y -u alice -o time,session,action,resource --no-header >got
expect_file "rollover by --year" want got
expect_eq "--year note" "year=2026-2027/option" \
    "$(manifest_field y auth.log.2.gz notes)"
# --year wins over the file time, in grep-sessions too.
"$GS" --year 2025 -o time,user --no-header auth.log.2.gz | head -1 >got
printf '2025-12-31T23:58:02.000000Z\talice\n' >want
expect_file "grep-sessions --year" want got
expect_eq "--year range" 2 "$(run "$INGEST" -C y --year 99 auth.log)"
expect_grep "--year message" '--year: 99 is out of range' err

# RFC 5424 and ISO-stamped lines carry their own dates.
"$GS" -C r -u erin -u root -o $COLS --no-header >got
cat >want <<'X'
2026-03-02T08:00:00.123000Z	erin	gw01:sshd[3011]	login	success	192.0.2.44		0
2026-03-02T08:00:00.130000Z	erin	gw01:sshd[3011]	auth	success			0
2026-03-02T08:02:00.000000Z	erin	erin@2026-03-02T08:02:00.000000Z	admin	success		/usr/bin/psql -d clinic -f /srv/export.sql	0
2026-03-02T08:30:00.000000Z	erin	gw01:sshd[3011]	logout	success	192.0.2.44		0
2026-03-02T08:01:10.500000Z	root	gw01:sshd[3020]	login	failure	198.51.100.99		0
2026-03-02T08:01:11.000000Z	root	gw01:sshd[3020]	auth	failure	198.51.100.99		0
X
expect_file "rfc5424 events" want got
"$GS" -o $COLS --no-header syslog-iso.log >got 2>/dev/null
cat >want <<'X'
2026-03-03T06:00:01.204518Z	alice	kiosk:CRON[2210]	other	success		/home/alice/bin/sync-reports --all	1
2026-03-03T06:12:44.010233Z	carol	kiosk:login[802]	auth	success			0
2026-03-03T06:12:44.031877Z	carol	kiosk:login[802]	login	success			0
2026-03-03T06:55:31.118274Z	carol	kiosk:login[802]	other	success			0
2026-03-03T06:20:09.500001Z	dave	kiosk:login[815]	auth	failure			0
2026-03-03T06:20:12.733000Z	dave	kiosk:login[815]	login	failure			0
X
expect_file "iso events" want got

# Standard input has no file time: the case's dated logs give the year;
# without any, the lines are rejected, never dated by today.
expect_eq "stdin, no evidence" 2 \
    "$(run sh -c "\"$INGEST\" -q -C n - <auth.log")"
expect_eq "stdin, no evidence: counts" "34 0 34" \
    "$(for k in read accepted rejected notes; do
	manifest_field n '(stdin)' $k; done | tr '\n' ' ' | sed 's/ *$//')"
zcat n/rejects.tsv.gz | sed -n 2p | cut -f5 >got
echo 'no year for "Mar  2 07:59:58": give --year' >want
expect_file "stdin, no evidence: reason" want got
expect_eq "stdin, evidence" 2 \
    "$(run sh -c "\"$INGEST\" -q -C r - <auth.log")"
expect_eq "stdin, evidence: counts" "34 27 7 year=2026/evidence" \
    "$(for k in read accepted rejected notes; do
	manifest_field r '(stdin)' $k; done | tr '\n' ' ' | sed 's/ *$//')"

# The profile is listed.
"$INGEST" --list-profiles >out
expect_grep "--list-profiles" '^syslog[[:space:]]' out

done_testing
