#!/bin/sh
# escape-values.sh: values that could hide evidence or mislead the reader:
# many values in one field, invisible and reordering characters, names
# that look like syntax.  Every fixture is made here, with exact output.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions

# An event with 600 resources (an invented Foundry audit.3 record): every
# one is kept and searchable, the last as well as the first, so that a
# user cannot hide the real target behind decoys; repeats count once.
{
	printf '{"categories":["dataLoad"],"name":"LOADRESOURCES",'
	printf '"origins":["192.0.2.1"],"requestFields":{"loadedResources":['
	i=1
	while [ $i -le 600 ]; do
		[ $i -gt 1 ] && printf ','
		printf '"ri.test.r-%04d"' $i
		i=$((i + 1))
	done
	# repeats are kept once
	printf ',"ri.test.r-0001","ri.test.r-0600"'
	printf ']},"result":"SUCCESS","resultFields":{},'
	printf '"service":"gotham-server",'
	printf '"time":"2026-03-14T08:00:00.000000000Z","type":"audit.3",'
	printf '"uid":"alice"}\n'
} >many.jsonl
st=$(run "$INGEST" -q -C c many.jsonl)
expect_eq "600 resources: ingest" 0 "$st"
for r in 0001 0512 0513 0600; do
	st=$(run "$GS" -C c -k resource=ri.test.r-$r -o time,user --no-header)
	expect_eq "resource $r: exit" 0 "$st"
	expect_eq "resource $r" "2026-03-14T08:00:00.000000Z	alice" \
	    "$(cat out)"
done
st=$(run "$GS" -C c -o resource --no-header --json)
expect_eq "600 resources: exit" 0 "$st"
expect_eq "600 resources: all of them" 600 \
    "$(tr ',' '\n' <out | grep -c 'ri\.test\.r-')"

# Characters that reorder or hide text (U+202E, U+2066, U+2069, U+200B,
# U+FEFF) and a C1 control written as UTF-8 (U+0085), in a user name and a
# query of an invented Foundry record.  U+00A0 is a visible space and stays.
printf '{"type":"audit.3","time":"2026-03-14T10:00:00Z",' >bidi.jsonl
printf '"uid":"mal\\u202elory","categories":["dataSearch"],' >>bidi.jsonl
printf '"requestFields":{"dataSearchQuery":' >>bidi.jsonl
printf '"a\\u202eb\\u2066c\\u2069d\\u200be\\ufefff\\u0085g\\u00a0h\\\\i"},' \
    >>bidi.jsonl
printf '"result":"SUCCESS"}\n' >>bidi.jsonl
st=$(run "$INGEST" -q -C b bidi.jsonl)
expect_eq "bidi: ingest" 0 "$st"
NB=$(printf '\302\240')
Q=$(printf 'a\342\200\256b\342\201\246c\342\201\251d\342\200\213e\357\273\277f')
Q=$Q$(printf '\302\205g')$NB'h\i'
U=$(printf 'mal\342\200\256lory')
# The store keeps every byte: the raw characters find the event, and the
# JSON decodes to them.
st=$(run "$GS" -C b -F -e "$Q" -o user --no-header)
expect_eq "bidi: raw bytes match" 0 "$st"
# Piped: TSV escapes the C1 control like other controls, keeps the rest.
R=$(printf 'a\342\200\256b\342\201\246c\342\201\251d\342\200\213e\357\273\277f')
printf '%s\t%s\n' "$U" "$R\\u0085g${NB}h\\\\i" >expected
st=$(run "$GS" -C b -o user,query --no-header)
expect_eq "bidi tsv: exit" 0 "$st"
expect_file "bidi tsv" expected out
# JSON: the same text, the invisible characters as \u escapes.
st=$(run "$GS" -C b -o user,query --json)
expect_eq "bidi json: exit" 0 "$st"
printf '%s%s\n' '{"user":"mal\u202elory",' \
    '"query":"a\u202eb\u2066c\u2069d\u200be\ufefff\u0085g'"$NB"'h\\i"}' \
    >expected
expect_file "bidi json" expected out
if command -v jq >/dev/null 2>&1; then
	expect_eq "bidi json decodes to the stored bytes" "$Q" \
	    "$(jq -j .query out)"
	expect_eq "bidi json user" "$U" "$(jq -j .user out)"
else
	fail "jq is needed to check --json"
fi
# On a terminal: every one escaped, so nothing is reordered or hidden.
if command -v script >/dev/null 2>&1; then
	NO_COLOR=1 script -qec "'$GS' -C b -o user,query" /dev/null |
	    tr -d '\r' >out
	printf '%s\n' 'user           query' \
	    'mal\u202elory  a\u202eb\u2066c\u2069d\u200be\ufefff\u0085g'"$NB"'h\\i' \
	    >expected
	expect_file "bidi terminal" expected out
	# and in messages: a user name that -u cannot find
	"$GS" -C b -u "${U}x" >out 2>err
	expect_grep "bidi message" 'mal\\u202eloryx' err
else
	fail "script(1) is needed for the terminal tests"
fi

# -u =NAME names a user exactly: "@team" and "=eq" (invented names), which
# -u @team (a file) and -u =eq (the user "eq") cannot name.
printf '{"type":"audit.3","time":"2026-03-14T10:00:00Z","uid":"@team",' >team.jsonl
printf '"categories":["dataSearch"],"requestFields":{"dataSearchQuery":"x"},' >>team.jsonl
printf '"result":"SUCCESS"}\n' >>team.jsonl
printf '{"type":"audit.3","time":"2026-03-14T10:01:00Z","uid":"=eq",' >>team.jsonl
printf '"categories":["dataSearch"],"requestFields":{"dataSearchQuery":"y"},' >>team.jsonl
printf '"result":"SUCCESS"}\n' >>team.jsonl
st=$(run "$INGEST" -q -C t team.jsonl)
expect_eq "@team: ingest" 0 "$st"
st=$(run "$GS" -C t -u =@team -o user,query --no-header)
expect_eq "-u =@team: exit" 0 "$st"
expect_eq "-u =@team" "@team	x" "$(cat out)"
st=$(run "$GS" -C t -u ==eq -o user,query --no-header)
expect_eq "-u ==eq: exit" 0 "$st"
expect_eq "-u ==eq" "=eq	y" "$(cat out)"
st=$(run "$GS" -C t -u @team -o user)
expect_eq "-u @team reads a file" 2 "$st"
expect_eq "-u @team message" \
    'grep-sessions: cannot open "team": No such file or directory' \
    "$(cat err)"

done_testing
