#!/bin/sh
# summarize-sessions: a session is one user's: two users whose logs give
# their sessions the same name (auditd numbers them per boot) have two
# sessions, in a group and in the case report, and across partials.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize

# alice and bob each in a session named "7" on 2026-03-02, alice in one
# named "8" too; on 2026-03-03 bob alone in "7" again (his own session,
# spanning both days).
cat >ev.jsonl <<'X'
{"@timestamp":"2026-03-02T08:00:00Z","user":"alice","session":"7","action":"login"}
{"@timestamp":"2026-03-02T08:10:00Z","user":"alice","session":"7","action":"search","query":"a"}
{"@timestamp":"2026-03-02T09:00:00Z","user":"alice","session":"8","action":"login"}
{"@timestamp":"2026-03-02T08:05:00Z","user":"bob","session":"7","action":"login"}
{"@timestamp":"2026-03-02T08:20:00Z","user":"bob","session":"7","action":"search","query":"b"}
{"@timestamp":"2026-03-03T08:00:00Z","user":"bob","session":"7","action":"search","query":"c"}
X
expect_eq "ingest" 0 "$(run "$INGEST" -q -C case ev.jsonl)"

# By day: alice's 7 and 8, bob's 7 on the 2nd; bob's 7 on the 3rd.
"$SUM" -C case --by day | cut -f1,4 >got
printf 'day\tsessions\n2026-03-02\t3\n2026-03-03\t1\n' >want
expect_file "by day" want got
# The same as the sum of the users' sessions of each day.
{
	printf 'day\tsessions\n'
	"$SUM" -C case --by day,user |
	    awk -F'\t' 'NR > 1 { s[$1] += $4 }
		END { for (d in s) print d "\t" s[d] }' | sort
} >got
expect_file "by day = sum by day,user" want got
# No dimension of users: the case's one group.
"$SUM" -C case --by weekday | cut -f4 >got
printf 'sessions\n3\n1\n' >want
expect_file "by weekday" want got

# The case report: three sessions (the users' two and one).
"$SUM" -C case | grep '^sessions' >got
printf 'sessions\t3\n' >want
expect_file "case report" want got
"$SUM" -C case --json | grep '"sessions"' >got
printf '{"field":"sessions","value":"3"}\n' >want
expect_file "case report, json" want got

# Across partials (one shard a user): the same as a whole case of their
# logs.
grep alice ev.jsonl >a.jsonl
grep bob ev.jsonl >b.jsonl
expect_eq "ingest whole" 0 "$(run "$INGEST" -q -C whole a.jsonl b.jsonl)"
expect_eq "ingest a" 0 "$(run "$INGEST" -q -C ca a.jsonl)"
expect_eq "ingest b" 0 "$(run "$INGEST" -q -C cb b.jsonl)"
for by in day weekday day,user; do
	"$SUM" -C ca --by "$by" --partial pa || fail "partial a $by"
	"$SUM" -C cb --by "$by" --partial pb || fail "partial b $by"
	"$SUM" -C whole --by "$by" >want
	"$SUM" --merge pa pb --by "$by" >got
	expect_file "merge --by $by" want got
done
"$SUM" -C ca --partial pa || fail "partial a"
"$SUM" -C cb --partial pb || fail "partial b"
"$SUM" -C whole >want
"$SUM" --merge pb pa >got
expect_file "merge: case report" want got

[ "$fails" -eq 0 ]
