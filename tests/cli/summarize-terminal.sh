#!/bin/sh
# summarize-terminal: on a terminal a user's report, far wider than a
# screen, is a card per user (one "name  value" line a figure, a list's
# items on lines of their own), with control bytes escaped.
. "$SRCDIR/tests/cli/lib.sh"
SUM=$BUILDDIR/cmd/summarize

if ! command -v script >/dev/null 2>&1; then
	echo "no script(1): skipped" >&2
	exit 77
fi
# Two users; a query with an escape byte, a resource list, an export.
printf '%s\n' \
    'timestamp,user,action,resource,query,bytes' \
    '2026-03-02 08:00:00,ann,search,,"Jane Roe",' \
    '2026-03-02 08:05:00,ann,view,/persons/1,,' \
    '2026-03-02 08:06:00,ann,export,/persons/1,,2048' >a.csv
printf '2026-03-02 08:07:00,ann,search,,"x\033[31my",\n' >>a.csv
printf '%s\n' '2026-03-03 09:00:00,bob,view,/persons/2,,' >>a.csv
expect_eq "ingest" 0 "$(run "$INGEST" -q -C c a.csv)"

script -qec "stty cols 80; COLUMNS=80 NO_COLOR=1 LC_ALL=C \
    $SUM -C c -u ann -u bob" /dev/null </dev/null | tr -d '\r' >out
# The pictures follow the cards after a blank line; the cards are what is
# checked here.
sed -n '/events by weekday/q;p' out >cards
cat >want <<'X'
user              ann
first             2026-03-02T08:00:00.000000Z
last              2026-03-02T08:07:00.000000Z
days              1
sessions          1
session_seconds   420
longest_seconds   420
events            4
backend           0
actions           search=2
                  view=1
                  export=1
resources         1
top_resources     2 /persons/1
queries           2
top_queries       1 Jane Roe
                  1 x\x1b[31my
exports           1
export_records
export_bytes      2048
srcs
outside_usual

user              bob
first             2026-03-03T09:00:00.000000Z
last              2026-03-03T09:00:00.000000Z
days              1
sessions          1
session_seconds   0
longest_seconds   0
events            1
backend           0
actions           view=1
resources         1
top_resources     1 /persons/2
queries           0
top_queries
exports           0
export_records    0
export_bytes      0
srcs
outside_usual


X
expect_file "cards" want cards
# Piped, the same report is the TSV table.
"$SUM" -C c -u ann -u bob >tsv
expect_eq "piped: a header and two rows" 3 "$(wc -l <tsv)"
expect_eq "piped: TSV" "user	first" "$(head -n 1 tsv | cut -f 1,2)"
done_testing
