#!/bin/sh
# user-nul.sh: a user name with a NUL byte in it (testdata/bad/user-nul.*:
# "alice" NUL "evil" beside alice and beside the user whose name is the
# escape written out, "alice\x00evil" with a backslash).  User names are
# bytes end to end: the store, every tool, -u and --verify tell the three
# apart, and the hidden user's events are neither lost nor given to alice.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
SUM=$BUILDDIR/cmd/summarize
DU=$BUILDDIR/cmd/diff-users

# Copies, so that the origins in the output are the same wherever the
# source tree is.
cp "$FIX/bad/user-nul.jsonl" "$FIX/bad/user-nul.csv" . || exit 2
st=$(run "$INGEST" -q -C c user-nul.jsonl user-nul.csv)
expect_eq "ingest: exit" 0 "$st"
expect_eq "ingest: three timelines" \
    "alice%00evil.tsv.gz alice%5cx00evil.tsv.gz alice.tsv.gz" \
    "$(cd c/users && echo *.tsv.gz)"

# A raw NUL in a key=value log (an sshd line of syslog) is kept the same.
pre='host1 sshd[12]: Accepted password for alice'
printf 'Mar  2 08:00:00 %s from 192.0.2.10 port 50022 ssh2\n' "$pre" >auth.log
pre='host1 sshd[13]: Accepted password for alice'
printf 'Mar  2 09:00:00 %s\000evil from 198.51.100.7 port 50023 ssh2\n' \
    "$pre" >>auth.log
st=$(run "$INGEST" -q -C s --year 2026 auth.log)
expect_eq "syslog: exit" 0 "$st"
expect_eq "syslog: two timelines" "alice%00evil.tsv.gz alice.tsv.gz" \
    "$(cd s/users && echo *.tsv.gz)"
st=$(run "$GS" -C s -u '"alice\x00evil"' -o user,action,src,line --no-header)
expect_eq "syslog -u hidden: exit" 0 "$st"
expect_eq "syslog -u hidden" "alice\x00evil	login	198.51.100.7	2" \
    "$(cat out)"

# The fresh case is whole: verify reads every name back byte for byte.
st=$(run "$INGEST" -C c --verify)
expect_eq "verify: exit" 0 "$st"
expect_eq "verify: message" 'ingest: case "c" verified: every file matches' \
    "$(cat err)"

# Every event once, under its own user; the NUL is printed as \x00 and the
# backslash of the third name as \\.
cat >expected <<'EOF'
time	user	session	action	outcome	count	bytes	resource	query	purpose	src
2026-03-02T08:00:00.000000Z	alice	s-100	search	unknown				harbour permits		192.0.2.10
2026-03-02T08:05:00.000000Z	alice	s-100	view	unknown			permits-2026			192.0.2.10
2026-03-03T08:00:00.000000Z	alice	alice@2026-03-03T08:00:00.000000Z	view	unknown			permits-2026			192.0.2.10
2026-03-02T09:00:00.000000Z	alice\x00evil	s-200	search	unknown				Marek Dudek		198.51.100.7
2026-03-02T09:02:00.000000Z	alice\x00evil	s-200	export	unknown	50000		persons-register			198.51.100.7
2026-03-03T09:00:00.000000Z	alice\x00evil	alice\x00evil@2026-03-03T09:00:00.000000Z	export	unknown			persons-register			198.51.100.7
2026-03-02T10:00:00.000000Z	alice\\x00evil	s-300	view	unknown			permits-2026			198.51.100.7
EOF
st=$(run "$GS" -C c)
expect_eq "grep-sessions: exit" 0 "$st"
expect_file "grep-sessions: every event once" expected out
expect_eq "grep-sessions: quiet" "" "$(cat err)"

# -u alice is alice alone.
st=$(run "$GS" -C c -u alice)
expect_eq "-u alice: exit" 0 "$st"
head -4 expected >want
expect_file "-u alice: alice's events" want out

# The hidden user by the escaped name between double quotes, as TSV and
# the terminal print it and as JSON does; the same in a -u file.
{ head -1 expected; sed -n 5,7p expected; } >want
for u in '"alice\x00evil"' '"alice\u0000evil"' '"\x61lice\x00evil"'; do
	st=$(run "$GS" -C c -u "$u")
	expect_eq "-u $u: exit" 0 "$st"
	expect_file "-u $u: the hidden user's events" want out
done
printf '# the hidden user\n"alice\\x00evil"\n' >users.txt
st=$(run "$GS" -C c -u @users.txt)
expect_eq "-u @file: exit" 0 "$st"
expect_file "-u @file: the hidden user's events" want out
# A raw NUL in a line of the file is a byte of the name too.
printf 'alice\000evil\n' >raw.txt
st=$(run "$GS" -C c -u @raw.txt)
expect_eq "-u @file with a raw NUL: exit" 0 "$st"
expect_file "-u @file with a raw NUL: the hidden user's events" want out
# A name that starts with a NUL byte is a name, not a blank line.
printf '\000evil\n' >lead.txt
st=$(run "$GS" -C c -u @lead.txt)
expect_eq "-u @file, a leading NUL: exit" 1 "$st"
expect_eq "-u @file, a leading NUL: warning" \
    'grep-sessions: no events of user "\x00evil"' "$(cat err)"
printf '"alice\\q"\n' >bad.txt
st=$(run "$GS" -C c -u @bad.txt)
expect_eq "-u @file bad escape: exit" 2 "$st"
expect_grep "-u @file bad escape: message" \
    '^grep-sessions: -u: "bad.txt": "alice\\q": unknown escape' err
st=$(run "$GS" -C c -u '"alice\x00evil"' --json -o user,session --no-header)
expect_eq "-u hidden --json: exit" 0 "$st"
cat >want <<'EOF'
{"user":"alice\u0000evil","session":"s-200"}
{"user":"alice\u0000evil","session":"s-200"}
{"user":"alice\u0000evil","session":"alice\u0000evil@2026-03-03T09:00:00.000000Z"}
EOF
expect_file "-u hidden --json" want out

# Unquoted, the name is as it is: the user with the backslash.
{ head -1 expected; sed -n 8p expected; } >want
st=$(run "$GS" -C c -u 'alice\x00evil')
expect_eq "-u with a backslash: exit" 0 "$st"
expect_file "-u with a backslash: that user" want out
st=$(run "$GS" -C c -u '"alice\\x00evil"')
expect_eq "-u quoted backslash: exit" 0 "$st"
expect_file "-u quoted backslash: that user" want out

# =NAME stays literal: the double quotes are part of the name, which is
# no user's; the warning quotes it so that it can be pasted back.
st=$(run "$GS" -C c -u '="alice\x00evil"')
expect_eq "-u =\"...\": exit" 1 "$st"
expect_eq "-u =\"...\": nothing" "" "$(cat out)"
expect_eq "-u =\"...\": warning" \
    'grep-sessions: no events of user "\"alice\\x00evil\""' "$(cat err)"
# A bad escape is an error, not a name.
st=$(run "$GS" -C c -u '"alice\q"')
expect_eq "-u bad escape: exit" 2 "$st"
expect_grep "-u bad escape: message" \
    '^grep-sessions: -u: "alice\\q": unknown escape' err
st=$(run "$GS" -C c -u '"alice\x0"')
expect_eq "-u short \\x: exit" 2 "$st"

# On a terminal the session lines escape the NUL as \x00 and the
# backslash as \\ (script(1) gives the tool a terminal).
if command -v script >/dev/null 2>&1; then
	cat >gs-tty.sh <<EOF
#!/bin/sh
exec "$GS" -C c -s -u alice -u '"alice\x00evil"' -u 'alice\x00evil'
EOF
	chmod +x gs-tty.sh
	script -qec "stty cols 200; COLUMNS=200 NO_COLOR=1 LC_ALL=C ./gs-tty.sh" \
	    /dev/null </dev/null | tr -d '\r' | grep '^-- ' | cut -d' ' -f2,4 >got
	cat >want <<'EOF'
alice s-100
alice alice@2026-03-03T08:00:00.000000Z
alice\x00evil s-200
alice\x00evil alice\x00evil@2026-03-03T09:00:00.000000Z
alice\\x00evil s-300
EOF
	expect_file "terminal: session lines" want got
else
	echo "no script(1): the terminal check is skipped" >&2
fi

# Counts and sessions per user.
cat >want <<'EOF'
user	events	sessions
alice	3	2
alice\x00evil	3	2
alice\\x00evil	1	1
EOF
st=$(run "$GS" -C c -c)
expect_eq "-c: exit" 0 "$st"
expect_file "-c: three users" want out

# A pattern on the user field sees every byte: ^alice$ is alice alone,
# and PCRE2's \x00 is the NUL.
st=$(run "$GS" -C c -c -k 'user=^alice$' --no-header)
expect_eq "-k user=^alice\$: exit" 0 "$st"
expect_eq "-k user=^alice\$: alice" "alice	3	2" "$(cat out)"
st=$(run "$GS" -C c -c -k 'user=^alice\x00evil$' --no-header)
expect_eq "-k user NUL: exit" 0 "$st"
expect_eq "-k user NUL: the hidden user" "alice\x00evil	3	2" "$(cat out)"

# Raw sources read into a scratch case: the same selection.
{ head -1 expected; sed -n 5,6p expected; } >want
st=$(run "$GS" -u '"alice\x00evil"' user-nul.jsonl)
expect_eq "raw -u hidden: exit" 0 "$st"
expect_file "raw -u hidden: its events" want out

# summarize: the case counts three users; the hidden user's report is
# its own.
st=$(run "$SUM" -C c --no-header)
expect_eq "summarize: exit" 0 "$st"
expect_grep "summarize: three users" '^users	3$' out
expect_grep "summarize: seven events" '^events	7$' out
cat >want <<'EOF'
user	first	last	days	sessions	events	exports	export_records	srcs
alice	2026-03-02T08:00:00.000000Z	2026-03-03T08:00:00.000000Z	2	2	3	0	0	3 192.0.2.10
alice\x00evil	2026-03-02T09:00:00.000000Z	2026-03-03T09:00:00.000000Z	2	2	3	2	50000	3 198.51.100.7
alice\\x00evil	2026-03-02T10:00:00.000000Z	2026-03-02T10:00:00.000000Z	1	1	1	0	0	1 198.51.100.7
EOF
st=$(run "$SUM" -C c --by user)
expect_eq "summarize --by user: exit" 0 "$st"
cut -f1-5,8,15,16,18 out >got
expect_file "summarize --by user" want got
st=$(run "$SUM" -C c -u '"alice\x00evil"')
expect_eq "summarize -u hidden: exit" 0 "$st"
sed -n 3p want >want1
tail -n +2 out | cut -f1-5,8,15,16,18 >got
expect_file "summarize -u hidden: its report" want1 got

# The pictures' headings tell the hidden user from the one with a
# backslash.
st=$(run "$SUM" -C c -u '"alice\x00evil"' -u 'alice\x00evil' --picture)
expect_eq "summarize --picture: exit" 0 "$st"
cat >want <<'EOF'
alice\x00evil: events by weekday and hour (UTC), all weeks added
alice\x00evil: events a day (UTC), 2026-03-02 to 2026-03-03
alice\\x00evil: events by weekday and hour (UTC), all weeks added
alice\\x00evil: events a day (UTC), 2026-03-02 to 2026-03-02
EOF
grep '^alice.*: events' out >got
expect_file "summarize --picture: headings" want got

# The alert names the hidden user, not alice; -u alice has none.
cat >want <<'EOF'
level	rule	user	session	value	evidence
high	bulk-export	alice\x00evil	s-200	50000	user-nul.jsonl:4
EOF
st=$(run "$SUM" -C c --alerts)
expect_eq "alerts: exit" 0 "$st"
cut -f2-5,8,11 out >got
expect_file "alerts: the hidden user's" want got
st=$(run "$SUM" -C c --alerts -u '"alice\x00evil"')
expect_eq "alerts -u hidden: exit" 0 "$st"
cut -f2-5,8,11 out >got
expect_file "alerts -u hidden" want got
st=$(run "$SUM" -C c --alerts -u alice --no-header)
expect_eq "alerts -u alice: exit" 0 "$st"
expect_eq "alerts -u alice: none" "" "$(cat out)"

# diff-users: alice against the hidden user, who is someone else.
cat >want <<'EOF'
dimension	item	left	right	score	flag
resource	*	1	1	0	differs
resource	permits-2026	2	0	0.5	
resource	persons-register	0	2	0.5	
src	*	1	1	0	differs
src	192.0.2.10	3	0	0.5	
src	198.51.100.7	0	3	0.5	
overall	*	0	2	0	differs
EOF
st=$(run "$DU" -C c --dimension resource,src alice '"alice\x00evil"')
expect_eq "diff-users: exit" 1 "$st"
expect_file "diff-users alice hidden" want out
st=$(run "$DU" -C c --dimension src alice --peers all)
expect_eq "diff-users --peers all: exit" 1 "$st"
cat >want <<'EOF'
dimension	item	left	right	score	flag
src	*	1	1	0	differs
src	192.0.2.10	3	0	100	peers-uncommon
src	198.51.100.7	0	2	0	
overall	*	0	1	0	differs
EOF
expect_file "diff-users --peers all: both others" want out
# The similar users: the hidden user is indexed and found by name.
cat >want <<'EOF'
rank	user	other	score	shared	jaccard	items
1	alice	alice\\x00evil	1	1	0.1111	resource=permits-2026
2	alice\x00evil	alice\\x00evil	1	1	0.1111	src=198.51.100.7
EOF
st=$(run "$DU" -C c --pairs --rank shared)
expect_eq "diff-users --pairs: exit" 0 "$st"
expect_file "diff-users --pairs: three users" want out
st=$(run "$DU" -C c --similar '"alice\x00evil"' --rank shared)
expect_eq "diff-users --similar hidden: exit" 0 "$st"
{ head -1 want; sed -n 3p want | sed 's/^2/1/'; } >want1
expect_file "diff-users --similar hidden" want1 out
# A user not in the case is named escaped, as it can be given back.
st=$(run "$DU" -C c alice '"alice\x00"')
expect_eq "diff-users no such user: exit" 2 "$st"
expect_eq "diff-users no such user: message" \
    'diff-users: "alice\x00": no such user in the case' "$(cat err)"

done_testing
