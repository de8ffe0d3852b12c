#!/bin/sh
# ingest-auditd: an aggregated audit.log whose events' lines interleave (two
# nodes, several serials at once) is read as whole events: none is rejected
# as a fragment, hex values are decoded so that a pattern finds the command,
# users are named alike with and without the ENRICHED part, and the key
# carries the node.
. "$SRCDIR/tests/cli/lib.sh"

LOG=$FIX/formats/auditd/interleaved.log
GS=$BUILDDIR/cmd/grep-sessions

st=$(run "$INGEST" -q -j 1 -C c "$LOG")
expect_eq "exit status" 0 "$st"
expect_eq "read" 8 "$(manifest_sum c read)"
expect_eq "accepted" 8 "$(manifest_sum c accepted)"
expect_eq "duplicates" 0 "$(manifest_sum c duplicates)"
expect_eq "rejected" 0 "$(manifest_sum c rejected)"
expect_eq "users" "jdoe.tsv.gz root.tsv.gz" \
	"$(cd c/users && echo *.tsv.gz)"

# cat /etc/shadow is only in the hex proctitle and the EXECVE arguments.
cat >expected <<'END'
time	user	session	action	outcome	count	bytes	resource	query	purpose	src
2026-03-02T10:00:09.012000Z	root	31	other	success			/usr/bin/cat	cat /etc/shadow		
2026-03-02T10:00:09.014000Z	root	31	other	success			/etc/shadow	cat /etc/shadow		
END
"$GS" -C c -e shadow >actual 2>err
expect_eq "grep-sessions -e shadow: exit status" 0 $?
expect_file "grep-sessions -e shadow" expected actual
# the same from the raw log
"$GS" -e shadow "$LOG" >actual 2>err
expect_file "grep-sessions -e shadow on the log" expected actual

# Every event: the node in the key, the line of its first line, the
# command, and root named alike by acct, by auid 0 and by uid 0.
cat >expected <<'END'
key	user	session	action	resource	query	src	line
bastion01:1772445601.210:7101	jdoe	21	login	/usr/sbin/sshd		198.51.100.23	2
bastion01:1772445605.330:7108	jdoe	21	other	/usr/bin/grep	grep -ril Ward 11 /srv/cases		6
db02:1772445600.000:6001	root	root@2026-03-02T10:00:00.000000Z	other				1
db02:1772445601.500:6010	root	root@2026-03-02T10:00:00.000000Z	auth	/usr/sbin/sshd		198.51.100.77	3
db02:1772445601.540:6012	root	31	other	/usr/sbin/sshd	sshd: root [priv]		4
db02:1772445609.012:6020	root	31	other	/usr/bin/cat	cat /etc/shadow		11
db02:1772445609.014:6021	root	31	other	/etc/shadow	cat /etc/shadow		20
db02:1772445650.900:6040	root	31	logout	/usr/sbin/sshd		198.51.100.77	27
END
"$GS" -C c -o key,user,session,action,resource,query,src,line >actual 2>err
expect_file "every event" expected actual

# An event's raw record is its lines, in file order, byte for byte.
grep -F 'msg=audit(1772445605.330:7108)' "$LOG" >expected
# (the first line comes after the origin, "PATH:LINE:")
"$GS" -C c -k query=Ward --raw >out 2>err
sed '1s|^.*/interleaved\.log:6:||' out >actual
expect_file "raw of an interleaved event" expected actual

done_testing
