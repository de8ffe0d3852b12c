#!/bin/sh
# grep-sessions-options.sh: every selection and output option, with exact
# output, on a small Foundry fixture (tests/cli/data/gap.jsonl).
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
DATA=$SRCDIR/tests/cli/data

cp "$DATA/gap.jsonl" .
st=$(run "$INGEST" -q -C c gap.jsonl)
expect_eq "ingest" 0 "$st"
export SESSIONLOG_CASE=c

# check NAME STATUS EXPECTED -- ARGS: run against the case and against the
# raw source, both must give EXPECTED (a string) and STATUS.
check() {
	name=$1 want_st=$2 want=$3
	shift 4
	printf '%s' "$want" >expected
	[ -n "$want" ] && echo >>expected
	st=$(run "$GS" "$@")
	expect_eq "$name: exit" "$want_st" "$st"
	expect_file "$name" expected out
	st=$(run "$GS" "$@" gap.jsonl)
	expect_eq "$name (raw): exit" "$want_st" "$st"
	expect_file "$name (raw)" expected out
}

T1=2026-03-14T
# -e: the text fields; users in byte order, then time.
check "-e" 0 "time	user	session	query
${T1}08:10:00.000000Z	alice	alice@${T1}08:00:00.000000Z	Lena Hartmann
${T1}09:21:00.000000Z	alice	alice@${T1}09:21:00.000000Z	Hartmann, Léna
${T1}07:02:00.000000Z	bob	s-2	Lena Hartmann" -- -e Hartmann -o time,user,session,query

# Nothing selected: exit 1, no output at all.
check "no match" 1 "" -- -e 'no such thing'
# -i folds case beyond ASCII; -w wants whole words; -F fixed strings.
check "-i" 0 "${T1}09:21:00.000000Z	Hartmann, Léna" -- \
    -i -e 'LÉNA' -o time,query --no-header
check "no -i" 1 "" -- -e 'LÉNA'
check "-w" 1 "" -- -w -e Hart
check "-w whole" 0 "${T1}09:00:00.000000Z" -- -w -e Brandl -o time \
    --no-header
check "-F" 1 "" -- -F -e 'L.na'
check "regex dot is one character" 0 "Lena Hartmann
Hartmann, Léna
Lena Hartmann" -- -e 'L.na' -o query --no-header
check "-F comma" 0 "Hartmann, Léna" -- -F -e 'Hartmann, L' -o query \
    --no-header
# -f and -e together: any of them.
printf 'Brandl\n' >pats
check "-f" 0 "${T1}08:10:00.000000Z	alice
${T1}07:02:00.000000Z	bob
${T1}09:00:00.000000Z	bob" -- -f pats -e 'Lena' -o time,user --no-header
# A NUL in a pattern file would cut the pattern short (here to "Lena",
# which matches more): refused, with the line; \x00 is the way to say it.
printf 'Brandl\nLena\000 Hartmann\n' >pats
check "-f with a NUL" 2 "" -- -f pats
expect_eq "-f with a NUL: message" \
    'grep-sessions: -f "pats": line 2 holds a NUL byte: write it as \x00' \
    "$(cat err)"
printf 'Lena\\x00 Hartmann\n' >pats
check "-f with \\x00" 1 "" -- -f pats
# -v inverts the pattern, filters still hold.
check "-v" 0 "${T1}09:00:00.000000Z	bob	Marek Brandl" -- \
    -v -e Hartmann --action search -o time,user,query --no-header
# -k: all must hold.
check "-k" 0 "${T1}07:03:00.000000Z	s-1
${T1}07:04:00.000000Z	s-2" -- \
    -k 'action=^export$' -k user=bob -o time,session --no-header
check "-k bad field" 2 "" -- -k nosuch=x
check "bad pattern" 2 "" -- -e 'a('
# --action, --outcome, --min-count, --min-bytes, -u (also @file).
check "--outcome" 0 "${T1}09:21:00.000000Z	alice	denied" -- \
    --outcome denied -o time,user,outcome --no-header
check "--min-bytes" 0 "alice	52000
bob	5000000" -- --action export --min-bytes 5000 -o user,bytes --no-header
check "--min-count" 0 "alice	3
bob	25" -- --min-count 3 -o user,count --no-header
printf '# users\nbob\n' >users
check "-u @file" 0 "${T1}07:00:00.000000Z	login" -- -u @users \
    --action login -o time,action --no-header
# A file without names is an error, never every user (what no -u means).
printf '# nobody yet\n\n' >nobody
st=$(run "$GS" -c -u @nobody)
expect_eq "-u @empty: exit" 2 "$st"
expect_eq "-u @empty: says" \
    'grep-sessions: "nobody": no user names in it' "$(cat err)"
expect_eq "-u @empty: no output" "" "$(cat out)"
check "--action list" 0 "alice	login
alice	logout
alice	login
bob	login" -- --action login,logout -o user,action --no-header
# --no-purpose: no purpose given, nor by a justification before it in its
# session.
check "--no-purpose" 0 "alice	alice@${T1}09:10:00.000001Z	${T1}09:10:00.000001Z	${T1}09:20:00.000000Z	2	1
bob	s-2	${T1}07:02:00.000000Z	${T1}07:04:00.000000Z	2	1" -- \
    -l --action export --no-purpose --no-header
# --all: sessions where each pattern occurs.
check "--all" 0 "bob	s-2	2	2" -- -l --all -k query=Hartmann \
    -k 'action=^export$' -o user,session,events,matches --no-header
check "--all none" 1 "" -- -l --all -e Brandl -e Hartmann
# -s: whole sessions with a header line, matching events marked.
check "-s" 0 "match	time	session	action
#session	bob	s-1	${T1}07:00:00.000000Z	${T1}09:00:00.000000Z	2h00m00s	4	1	10.1.0.1
	${T1}07:00:00.000000Z	s-1	login
	${T1}07:01:00.000000Z	s-1	justify
	${T1}07:03:00.000000Z	s-1	export
*	${T1}09:00:00.000000Z	s-1	search" -- -s -e Brandl -o match,time,session,action
# -t: the timeline with session boundaries.
check "-t" 0 "#session	alice	alice@${T1}09:10:00.000001Z	${T1}09:10:00.000001Z	${T1}09:20:00.000000Z	9m59s	2	2	10.0.0.2
*	${T1}09:10:00.000001Z	export
*	${T1}09:20:00.000000Z	logout
#session	alice	alice@${T1}09:21:00.000000Z	${T1}09:21:00.000000Z	${T1}09:21:00.000000Z	0s	1	1	10.0.0.2
*	${T1}09:21:00.000000Z	search" -- -t -u alice --since ${T1}09:00 \
    --until ${T1}09:22 -o match,time,action --no-header
# With patterns, -t still shows every event, the selected ones marked;
# a header wherever the session changes.
check "-t marks" 0 "#session	bob	s-1	${T1}07:00:00.000000Z	${T1}09:00:00.000000Z	2h00m00s	4	1	10.1.0.1
	${T1}07:00:00.000000Z
	${T1}07:01:00.000000Z
#session	bob	s-2	${T1}07:02:00.000000Z	${T1}07:04:00.000000Z	2m00s	2	0	10.1.0.9
	${T1}07:02:00.000000Z
#session	bob	s-1	${T1}07:00:00.000000Z	${T1}09:00:00.000000Z	2h00m00s	4	1	10.1.0.1
	${T1}07:03:00.000000Z
#session	bob	s-2	${T1}07:02:00.000000Z	${T1}07:04:00.000000Z	2m00s	2	0	10.1.0.9
	${T1}07:04:00.000000Z
#session	bob	s-1	${T1}07:00:00.000000Z	${T1}09:00:00.000000Z	2h00m00s	4	1	10.1.0.1
*	${T1}09:00:00.000000Z" -- -t -u bob -e Brandl -o match,time --no-header
check "-t with -A" 2 "" -- -t -A 1
# Context stays inside the session: 07:03 belongs to s-1.
check "-A" 0 "*	${T1}07:02:00.000000Z	s-2
	${T1}07:04:00.000000Z	s-2" -- -u bob -e 'Lena' -A 1 \
    -o match,time,session --no-header
check "-B" 0 "	${T1}08:00:00.000000Z	login
*	${T1}08:10:00.000000Z	search" -- -u alice -e 'Lena' -B 5 \
    -o match,time,action --no-header
check "--context" 0 "	${T1}08:00:00.000000Z
*	${T1}08:10:00.000000Z
	${T1}08:40:00.000000Z" -- -u alice -e 'Lena' --context 1 \
    -o match,time --no-header
# -c: counts per user.
check "-c" 0 "user	events	sessions
alice	9	4
bob	6	2" -- -c
check "-c -e" 0 "alice	2	2
bob	1	1" -- -c -e Hartmann --no-header
# -q: nothing printed.
check "-q" 0 "" -- -q -e Hartmann
check "-q none" 1 "" -- -q -e 'no such thing'
# --watchlist tells which entry matched; a name matches in any order of
# its parts and whatever its accents ("Hartmann, Léna").
printf '# protected\n\nLena Hartmann\nBrandl\n' >watch
check "--watchlist" 0 "alice	${T1}08:10:00.000000Z	Lena Hartmann
alice	${T1}09:21:00.000000Z	Lena Hartmann
bob	${T1}07:02:00.000000Z	Lena Hartmann
bob	${T1}09:00:00.000000Z	Brandl" -- --watchlist watch \
    -o user,time,watch --no-header
# --raw: the record byte for byte after its origin and line.
check "--raw" 0 "gap.jsonl:15:$(sed -n 15p gap.jsonl)" -- --raw -e Brandl
# Times: relative to SESSIONLOG_NOW, in --tz.
export SESSIONLOG_NOW=${T1}09:30:00Z
check "--since -30m" 0 "alice	${T1}09:10:00.000001Z
alice	${T1}09:20:00.000000Z
alice	${T1}09:21:00.000000Z
alice	${T1}09:22:00.000000Z
alice	${T1}09:23:00.000000Z
alice	${T1}09:24:00.000000Z
bob	${T1}09:00:00.000000Z" -- --since -30m -o user,time --no-header
check "--until today" 1 "" -- --until today
check "--since today" 0 "9
6" -- -c --since today --until now -o events --no-header
# --tz also prints the times in the zone, with the offset.
check "--tz" 0 "alice	${T1}10:10:00.000001+01:00
bob	${T1}10:00:00.000000+01:00" -- --tz Europe/Berlin \
    --since 2026-03-14T10:00 --until 2026-03-14T10:15 -o user,time \
    --no-header
check "bad --since" 2 "" -- --since 'next week'
unset SESSIONLOG_NOW

# JSON lines, valid for a JSON parser, with the fields as typed values.
"$GS" --json -s -u bob >out 2>err
if command -v jq >/dev/null 2>&1; then
	jq -c '[.type, .session, .action, .match, .bytes]' out >actual ||
	    fail "--json is not valid JSON"
	cat >expected <<'EOF'
["session","s-1",null,null,null]
["event","s-1","login",true,null]
["event","s-1","justify",true,null]
["event","s-1","export",true,999]
["event","s-1","search",true,null]
["session","s-2",null,null,null]
["event","s-2","search",true,null]
["event","s-2","export",true,5000000]
EOF
	expect_file "--json" expected actual
	# Control characters escaped; bytes that are not UTF-8 kept
	# recoverable as lone surrogates (surrogateescape).
	printf '{"type":"audit.3","time":"2026-03-14T10:00:00Z","uid":"eve",' >bad.jsonl
	printf '"categories":["dataSearch"],"requestFields":{"dataSearchQuery":' >>bad.jsonl
	printf '"a\\tb\\u0001 \\"q\\" \377\376 end"},"result":"SUCCESS"}\n' >>bad.jsonl
	"$GS" --json -o query bad.jsonl >out 2>err
	jq . out >/dev/null || fail "--json with invalid UTF-8 is not JSON"
	expect_eq "--json escapes" \
	    '{"query":"a\tb\u0001 \"q\" \udcff\udcfe end"}' "$(cat out)"
else
	fail "jq is needed to check --json"
fi

# On a terminal: an aligned table, matches highlighted, and control bytes
# of a crafted record escaped so that they cannot drive the terminal.
if command -v script >/dev/null 2>&1; then
	printf '{"type":"audit.3","time":"2026-03-14T10:00:00Z","uid":"eve",' >evil.jsonl
	printf '"categories":["dataSearch"],"requestFields":{"dataSearchQuery":' >>evil.jsonl
	printf '"x\\u001b]0;owned\\u0007\\u001b[2J \\u009b1m end"},"result":"SUCCESS"}\n' >>evil.jsonl
	NO_COLOR=1 script -qec "'$GS' -o user,query evil.jsonl" /dev/null |
	    tr -d '\r' >out
	cat >expected <<'EOF'
user  query
eve   x\x1b]0;owned\x07\x1b[2J \u009b1m end
EOF
	expect_file "terminal escapes" expected out
	script -qec "'$GS' -o user,query -e owned evil.jsonl" /dev/null |
	    tr -d '\r' >out
	printf '\033[4muser\033[m  \033[4mquery\033[m\neve   x\\x1b]0;\033[01;31mowned\033[m\\x07\\x1b[2J \\u009b1m end\n' >expected
	expect_file "terminal highlighting" expected out
else
	fail "script(1) is needed for the terminal tests"
fi

# --profile forces the profile of raw sources.
"$GS" -c --profile foundry-audit3 -o events --no-header gap.jsonl >out 2>err
expect_eq "--profile" "9
6" "$(cat out)"

# A pattern that backtracks without end is given up, said so, and exit 2;
# the evidence's user name in the message is escaped.
q=$(awk 'BEGIN { while (n++ < 5000) printf "a" }')
printf '{"type":"audit.3","time":"2026-03-14T10:00:00Z","uid":"e\\u001bve",' >bomb.jsonl
printf '"categories":["dataSearch"],"requestFields":{"dataSearchQuery":"%s"},' "$q" >>bomb.jsonl
printf '"result":"SUCCESS"}\n' >>bomb.jsonl
st=$(run "$GS" -c -e '(a+)+$b|(a|aa)*c' bomb.jsonl)
expect_eq "runaway pattern exit" 2 "$st"
expect_grep "runaway pattern reported" 'gave up on an event of "e\\x1bve"' err

# Errors: a case that is not there, a bad source among good ones (reported,
# the others still searched, exit 2).
st=$(run "$GS" -C nosuchcase -e x)
expect_eq "no case" 2 "$st"
st=$(run "$GS" -e Brandl -o user gap.jsonl "$FIX/bad/empty.jsonl")
expect_eq "bad source exit" 2 "$st"
expect_grep "bad source output" '^bob$' out
expect_grep "bad source reported" 'empty\.jsonl' err
st=$(run "$GS" -e Brandl -o user gap.jsonl "$FIX/bad/truncated.jsonl.gz")
expect_eq "truncated source exit" 2 "$st"
expect_grep "truncated source output" '^bob$' out
expect_grep "truncated source reported" 'truncated' err
st=$(run "$GS" -e Brandl gap.jsonl nosuchfile)
expect_eq "missing source exit" 2 "$st"
st=$(run "$GS" -s -c)
expect_eq "-s with -c" 2 "$st"
st=$(run "$GS" --help)
expect_eq "--help" 0 "$st"
expect_grep "--help synopsis" '^usage: grep-sessions' out
st=$(run "$GS" --version)
expect_eq "--version" 0 "$st"

# -u names the case does not hold: one warning each (a typo, perhaps), not
# an error; the users it holds are still searched.
st=$(run "$GS" -C c -c -u zz -u alice -u zz -u aa)
expect_eq "-u unknown: exit" 0 "$st"
printf 'grep-sessions: no events of user "%s"\n' aa zz >want
expect_file "-u unknown: the warnings" want err
expect_eq "-u unknown: alice still counted" alice "$(tail -n +2 out | cut -f 1)"

done_testing
