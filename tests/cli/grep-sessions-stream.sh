#!/bin/sh
# grep-sessions-stream.sh: a search over raw sources (two passes, the first
# with a prefilter on the raw records) gives byte for byte what the same
# search gives on the case that ingest makes of those sources: a matrix of
# selections and outputs over archives, directories of gzip'd Foundry logs,
# the format and duplicate fixtures, and hostile records (a match behind a
# JSON \u escape, duplicates and conflicts where only one copy matches).
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
S=$FIX/sample

# same NAME CASE SOURCES -- ARGS...: stdout and exit status of the raw
# search equal the case's.
same() {
	name=$1 c=$2 srcs=$3
	shift 4
	# shellcheck disable=SC2086
	"$GS" "$@" $srcs >raw.out 2>raw.err
	rst=$?
	"$GS" -C "$c" "$@" >case.out 2>case.err
	cst=$?
	expect_eq "$name: status" "$cst" "$rst"
	expect_file "$name: output" case.out raw.out
}

# wrap SELECTION: the same selection with each pattern of -e and -k in
# (?:...), which no prefilter takes for a literal: the reference that a
# prefilter must not change.
wrap() {
	printf '%s\n' "$1" | awk -F'|' -v OFS='|' '{
		for (i = 1; i < NF; i++)
			if ($i == "-e") {
				$(i + 1) = "(?:" $(i + 1) ")"; i++
			} else if ($i == "-k") {
				k = index($(i + 1), "=")
				$(i + 1) = substr($(i + 1), 1, k) "(?:" \
				    substr($(i + 1), k + 1) ")"; i++
			}
		print
	}'
}

# unfiltered NAME CASE SELECTION: the case's answer to a selection is the
# one it gives with no prefilter (the rows of every user parsed).
unfiltered() {
	case $3 in *-F*) return 0 ;; esac
	oldifs=$IFS
	IFS='|'
	# shellcheck disable=SC2046
	set -- "$1" "$2" $(wrap "$3")
	IFS=$oldifs
	name=$1 c=$2
	shift 2
	"$GS" -C "$c" "$@" >ref.out 2>ref.err
	fst=$?
	expect_eq "$name: status without a prefilter" "$cst" "$fst"
	expect_file "$name: output without a prefilter" ref.out case.out
}

# Hostile records, made here.  h.escape searched for the planted name
# with one letter written \u0061; h.plain for it in clear; the second
# reading, which parses only the records holding the name of a user with a
# hit, meets names written with JSON escapes in some records or all
# (José, Müller, ops/bot), in another user's record and in other cases
# (Anna.K).
cat >hostile.jsonl <<'EOT'
{"@timestamp":"2026-03-02T08:00:00Z","user":"h.escape","action":"search","query":"Lena Hartm\u0061nn"}
{"@timestamp":"2026-03-02T08:05:00Z","user":"h.escape","action":"search","query":"weather"}
{"@timestamp":"2026-03-02T09:00:00Z","user":"h.plain","action":"search","query":"LENA HARTMANN"}
{"@timestamp":"2026-03-02T09:01:00Z","user":"h.plain","action":"search","query":"Lena Hartmannsdorf"}
{"@timestamp":"2026-03-02T09:02:00Z","user":"h.plain","action":"search","query":"\u004cena Hartmann"}
{"@timestamp":"2026-03-02T10:00:00Z","user":"h.kelvin","action":"search","query":"\u212arause"}
{"@timestamp":"2026-03-02T10:01:00Z","user":"h.kelvin","action":"search","query":"‮Krause"}
{"@timestamp":"2026-03-02T11:00:00Z","user":"h.tsv","action":"search","query":"C:\\Lena Hartmann\\x"}
{"@timestamp":"2026-03-02T11:01:00Z","user":"h.tsv","action":"search","query":"\tLena Hartmann\n"}
{"@timestamp":"2026-03-02T11:02:00Z","user":"h.tsv2","action":"search","query":"Lena\tHartmann"}
{"@timestamp":"2026-03-02T13:00:00Z","user":"Jos\u00e9","action":"search","query":"Lena Hartmann"}
{"@timestamp":"2026-03-02T13:01:00Z","user":"José","action":"view","query":"weather"}
{"@timestamp":"2026-03-02T13:02:00Z","user":"Jos\u00e9","action":"view","query":"tea"}
{"@timestamp":"2026-03-02T13:10:00Z","user":"M\u00fcller","action":"search","query":"Lena Hartmann"}
{"@timestamp":"2026-03-02T13:11:00Z","user":"M\u00fcller","action":"view","query":"maps"}
{"@timestamp":"2026-03-02T13:20:00Z","user":"ops\/bot","action":"search","query":"Lena Hartmann"}
{"@timestamp":"2026-03-02T13:21:00Z","user":"ops/bot","action":"view","query":"logs"}
{"@timestamp":"2026-03-02T13:30:00Z","user":"Anna.K","action":"search","query":"Lena Hartmann"}
{"@timestamp":"2026-03-02T13:31:00Z","user":"anna.k","action":"view","query":"about Anna.K"}
{"@timestamp":"2026-03-02T13:32:00Z","user":"Anna.K","action":"view","query":"Needle"}
{"@timestamp":"2026-03-02T13:33:00Z","user":"ANNA.K","action":"view","query":"Needle"}
EOT
# Rows longer than a BGZF block (64 KiB): users whose one event holds the
# name at offsets around the first block's end, so that in some of them it
# is cut between two blocks (the raw column has it escaped, so that the
# query column is the only place of the name in the row).
i=0
while [ $i -lt 48 ]; do
	awk -v n=$((64900 + i * 11)) -v u=$i 'BEGIN {
		for (s = "x"; length(s) < n; s = s s)
			;
		s = substr(s, 1, n)
		printf "{\"@timestamp\":\"2026-03-02T12:00:00Z\",\"user\":\"h.long%02d\",\"action\":\"search\",\"query\":\"%sLena Hartm\\u0061nn\"}\n", u, s
	}'
	i=$((i + 1))
done >hostile-long.jsonl
# CloudTrail copies of one eventID.  a.json is read first: its copies win.
ct() { # USER TIME EVENTID OBJECT
	printf '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE0001","arn":"arn:aws:iam::123456789012:user/%s","accountId":"123456789012","userName":"%s"},"eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.0","requestParameters":{"bucketName":"case-evidence","key":"%s"},"responseElements":null,"requestID":"7QX2M4K9R1B5T8V3","eventID":"%s","readOnly":true,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"123456789012"}\n' \
	    "$1" "$1" "$2" "$4" "$3"
}
mkdir ct
{
	# A conflict across users: carol's copy is kept, dave's matching
	# one is dropped.
	ct carol 2026-03-04T10:00:00Z 11111111-0000-4000-8000-000000000001 \
	    exports/plain.csv
	# A conflict in one user: the kept copy does not match.
	ct erin 2026-03-04T11:00:00Z 11111111-0000-4000-8000-000000000002 \
	    exports/plain2.csv
	# A duplicate, the same after normalisation: the kept copy has the
	# name escaped.
	ct frank 2026-03-04T12:00:00Z 11111111-0000-4000-8000-000000000003 \
	    'exports/Needle\u0031.csv'
	ct frank 2026-03-04T12:05:00Z 11111111-0000-4000-8000-000000000004 \
	    exports/other.csv
	# A conflict in time: the copy kept is the later one.
	ct gina 2026-03-04T10:30:00Z 11111111-0000-4000-8000-000000000006 \
	    exports/ginas.csv
} >ct/a.json
{
	ct dave 2026-03-04T10:00:00Z 11111111-0000-4000-8000-000000000001 \
	    exports/Needle0.csv
	ct dave 2026-03-04T10:10:00Z 11111111-0000-4000-8000-000000000005 \
	    exports/daves.csv
	ct erin 2026-03-04T11:00:30Z 11111111-0000-4000-8000-000000000002 \
	    exports/Needle2.csv
	ct frank 2026-03-04T12:00:00Z 11111111-0000-4000-8000-000000000003 \
	    exports/Needle1.csv
	ct gina 2026-03-04T10:20:00Z 11111111-0000-4000-8000-000000000006 \
	    exports/Needle6.csv
} >ct/b.json
# Foundry audit.3 copies of one key (logEntryId, else eventId), for the
# first reading's count of the keys of the records it does not parse: a
# key of an event staged is in both when it is counted more often than
# staged.  fa/a.jsonl is read first: its copies win.
fa() { # USER TIME "KEY MEMBERS" QUERY [MORE MEMBERS]
	printf '{"categories":["dataSearch"],"environment":"prod",%s,"origins":["10.0.0.1"],"requestFields":{"dataSearchQuery":"%s"},"result":"SUCCESS","resultFields":{%s},"sid":"s-%s","time":"%s","type":"audit.3","uid":"%s"}\n' \
	    "$3" "$4" "${5-}" "$1" "$2" "$1"
}
mkdir fa
{
	# A conflict across users: carl's copy wins over dora's, which
	# matches (k[0] is the key of --map below).
	fa u.carl 2026-03-05T09:00:00Z '"logEntryId":"L-1","eventId":"E-1"' \
	    weather '"k":["K-1"]'
	# A copy outside --since/--until: erik's earlier copy wins.
	fa u.erik 2026-03-01T08:00:00Z '"logEntryId":"L-2","eventId":"E-2"' tea
	# Nested members of the key's names: one with an object (the record
	# is parsed), one with a string (an extra key counted, no copy).
	fa u.fay 2026-03-05T11:00:00Z '"logEntryId":"L-3","eventId":"E-3"' \
	    Needle9 '"eventId":{"logEntryId":1},"x":{"logEntryId":"L-5"}'
	fa u.gus 2026-03-05T11:01:00Z '"logEntryId":"L-6","eventId":"E-6"' \
	    maps '"inner":{"logEntryId" : "L-5"}'
	# An escaped key value: hal's copy of L-7, not matching, wins.
	fa u.hal 2026-03-05T12:00:00Z '"logEntryId":"L\u002d7"' tea
	# The second name: jon's copy of E-11 wins.
	fa u.jon 2026-03-05T13:00:00Z '"eventId":"E-11"' tea
	# An exact duplicate, in both files.
	fa u.lee 2026-03-05T14:00:00Z '"logEntryId":"L-12"' Needle12
	# A key member after a null one.
	fa u.max 2026-03-05T15:00:00Z '"logEntryId":null,"eventId":"E-13"' tea
} >fa/a.jsonl
{
	fa u.dora 2026-03-05T09:00:00Z '"logEntryId":"L-1","eventId":"E-1"' \
	    Needle7 '"k":["K-1"]'
	fa u.erik 2026-03-05T10:00:00Z '"logEntryId":"L-2","eventId":"E-2"' \
	    Needle8
	fa u.fay2 2026-03-05T11:02:00Z '"logEntryId":"L-5"' Needle9
	fa u.ida 2026-03-05T12:00:00Z '"logEntryId":"L-7"' Needle10
	fa u.kim 2026-03-05T13:00:00Z '"eventId":"E-11"' Needle11
	fa u.lee 2026-03-05T14:00:00Z '"logEntryId":"L-12"' Needle12
	fa u.nat 2026-03-05T15:00:00Z '"eventId":"E-13"' Needle13
} >fa/b.jsonl
# A CSV log among them (every row parsed), with a conflict across users.
{
	echo 'id,date,user,pc,activity'
	echo '{K001-AAAAAAAA-00000001},03/05/2026 09:00:00,CSV001,PC-1000,Logon'
	echo '{K001-AAAAAAAA-00000001},03/05/2026 09:00:00,CSV002,PC-Needle14,Logon'
	echo '{K001-AAAAAAAA-00000002},03/05/2026 09:10:00,CSV002,PC-Needle14,Logoff'
} >fa/logon.csv

"$INGEST" -q -C case-sample "$S/delivery-2026-03-16.tar" >/dev/null 2>&1
"$INGEST" -q -C case-formats "$FIX/formats/generic.jsonl" \
    "$FIX/formats/generic.csv" "$FIX/formats/m365.jsonl" \
    "$FIX/formats/cloudtrail-lines.json" "$FIX/formats/foundry-audit2.jsonl" \
    >/dev/null 2>&1
"$INGEST" -q -C case-dups "$FIX/dups" >/dev/null 2>&1
"$INGEST" -q -C case-hostile "$T/hostile.jsonl" "$T/hostile-long.jsonl" \
    "$T/ct" "$T/fa" >/dev/null 2>&1

SAMPLE=$S/delivery-2026-03-16.tar
FORMATS="$FIX/formats/generic.jsonl $FIX/formats/generic.csv
$FIX/formats/m365.jsonl $FIX/formats/cloudtrail-lines.json
$FIX/formats/foundry-audit2.jsonl"
HOSTILE="$T/hostile.jsonl $T/hostile-long.jsonl $T/ct $T/fa"

# The selections, one a line: the arguments of a run, split at '|'.
# Those for every set of sources:
cat >selections <<'EOT'
-c|-e|Ines Lange
-c|-i|-w|-e|lange
-e|HL\-XA\ 1399
-F|-e|HL-XA 1399
-c|-e|HL.XA 1399
-c|-e|CASE-2026-0158|-e|Tobias Petrović
-c|-i|-e|petrović
-s|-e|Karim Lange
-l|-e|Milena
-t|-e|Milena
--json|-e|Jonas Marković
-c|-k|query=Lange|-k|resource=persons
-c|-e|Lange|--since|2026-03-02T12:00|--until|2026-03-16T12:00
-l|-e|Lange|--action|search|--outcome|success
-c|-u|i.lange|-e|Lange
-c|-v|-e|Lange
-c|-e|10.20.10.41
-c|-e|anna
-c|-k|raw=Hartm
-c|-k|session=^h|-e|a
EOT
# Those for the hostile records:
cat >hostile-selections <<'EOT'
-c|-e|Lena Hartmann
-c|-i|-w|-e|lena hartmann
-s|-e|Lena Hartmann
-c|-i|-e|krause
-c|-e|Needle
-s|-e|Needle
-l|-e|Needle0
-c|-e|Needle1
-c|-e|Needle2
-c|-k|key=11111111-0000-4000-8000-000000000001
-c|-e|Needle|--until|2026-03-04T10:05
-s|-k|user=José|-e|tea
-s|-k|user=ops/bot
-c|-i|-k|user=anna.k
-s|-e|Needle|-e|maps
-s|-i|-w|-e|anna.k
-s|-e|Müller
-c|-u|dave
-s|-u|dave|-e|Needle
-c|-u|gina|--until|2026-03-04T10:25
-c|-u|erin|-u|gina|--until|2026-03-04T11:00:10
-c|-e|Needle7
-s|-e|Needle8
-c|-e|Needle8|--since|2026-03-05
-c|-e|Needle8|--until|2026-03-02
-c|-e|Needle9
-c|-e|Needle10
-c|-e|Needle11
-c|-e|Needle12
-c|-e|Needle13
-c|-e|Needle14
-c|-e|Needle1[0-4]
-s|-e|Needle
EOT
cat selections >>hostile-selections

for set in sample formats dups hostile; do
	sels=selections
	case $set in
	sample) srcs=$SAMPLE ;;
	formats) srcs=$FORMATS ;;
	dups) srcs=$FIX/dups ;;
	hostile) srcs=$HOSTILE sels=hostile-selections ;;
	esac
	while IFS= read -r sel; do
		oldifs=$IFS
		IFS='|'
		# shellcheck disable=SC2086
		set -- $sel
		IFS=$oldifs
		same "$set: $sel" "case-$set" "$srcs" -- "$@"
		unfiltered "$set: $sel" "case-$set" "$sel"
	done <$sels
done

# A key that a byte search cannot find (a path with an index): the first
# reading's count is incomplete, and a reading for the copies of the keys
# of the events staged finds them instead.
"$INGEST" -q -C case-famap --map 'key=resultFields.k[0]' "$T/fa" >/dev/null \
    2>&1
for sel in '-c -e Needle7' '-c -e Needle' '-s -e Needle9'; do
	# shellcheck disable=SC2086
	same "--map key=resultFields.k[0]: $sel" case-famap "$T/fa" -- \
	    --map 'key=resultFields.k[0]' $sel
done

# The hostile records are found: the escaped name, and the kept copies.
longs=$(i=0; while [ $i -lt 48 ]; do printf 'h.long%02d\t1\n' $i;
    i=$((i + 1)); done)
"$GS" -c -o user,events --no-header -e 'Lena Hartmann' $HOSTILE >out 2>err
expect_eq "escaped name found" "Anna.K	1
José	1
Müller	1
h.escape	1
$longs
h.plain	2
h.tsv	2
ops/bot	1" "$(cat out)"
"$GS" -c -o user,events --no-header -i -e 'lena hartmann' $HOSTILE >out \
    2>err
expect_eq "escaped name found, -i" "Anna.K	1
José	1
Müller	1
h.escape	1
$longs
h.plain	3
h.tsv	2
ops/bot	1" "$(cat out)"
# The case finds them too, the names cut between two blocks included.
"$GS" -C case-hostile -c -o user,events --no-header -e 'Lena Hartmann' \
    >out 2>err
expect_eq "the case finds the name in long rows" "Anna.K	1
José	1
Müller	1
h.escape	1
$longs
h.plain	2
h.tsv	2
ops/bot	1" "$(cat out)"
"$GS" -c -o user,events --no-header -i -e krause $HOSTILE >out 2>err
expect_eq "-i: KELVIN SIGN folds to k" "h.kelvin	2" "$(cat out)"
"$GS" -c -o user,events --no-header -e Needle $HOSTILE >out 2>err
expect_eq "only the kept copies" "ANNA.K	1
Anna.K	1
CSV002	1
frank	1
u.fay	1
u.fay2	1
u.lee	1" "$(cat out)"

# Read once (-u, or standard input, which cannot be read again), the
# copies of a key that the users asked for do not hold are still the
# case's to choose from: dave's copy of carol's event is not his, gina's
# copy before --until is not the one kept.
for sel in "-c -u dave" "-c -u gina --until 2026-03-04T10:25" \
    "-c -u dave -u gina -e Needle"; do
	# shellcheck disable=SC2086
	"$GS" -C case-hostile $sel >case.out 2>case.err
	cst=$?
	# shellcheck disable=SC2086
	cat "$T/ct/a.json" "$T/ct/b.json" | "$GS" $sel - >raw.out 2>raw.err
	expect_eq "standard input: $sel: status" "$cst" "$?"
	expect_file "standard input: $sel: output" case.out raw.out
done

[ "$fails" -eq 0 ] || exit 1
