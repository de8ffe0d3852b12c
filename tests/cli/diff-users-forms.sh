#!/bin/sh
# diff-users-forms: every form (two users, --peers as a list, @file, all and
# group, --split) on a small fixture, with exact output in TSV, JSON and on a
# terminal; --dimension, --top, the exit statuses, the flags, a user with no
# events in the window, unknown users, a user against itself, raw sources
# after "--".
. "$SRCDIR/tests/cli/lib.sh"
DU=$BUILDDIR/cmd/diff-users

# ann works 08:00 UTC from 192.0.2.10 and exports a little; a week later
# she logs in at 22:00 from another address, searches a new name and
# exports far more.  bob and cal work 09:00 from their own addresses.
cat >a.csv <<'X'
timestamp,user,action,resource,query,src,result,bytes
2026-03-02 08:00:00,ann,login,,,192.0.2.10,success,
2026-03-02 08:01:00,ann,search,,Jane Roe,192.0.2.10,success,
2026-03-02 08:02:00,ann,view,/persons/1,,192.0.2.10,success,
2026-03-02 08:03:00,ann,export,/persons/1,,192.0.2.10,success,2048
2026-03-09 22:00:00,ann,login,,,198.51.100.7,success,
2026-03-09 22:01:00,ann,search,,Max Mustermann,198.51.100.7,success,
2026-03-09 22:02:00,ann,view,/persons/9,,198.51.100.7,success,
2026-03-09 22:03:00,ann,export,/persons/9,,198.51.100.7,success,900000
2026-03-02 09:00:00,bob,login,,,192.0.2.20,success,
2026-03-02 09:01:00,bob,search,,Jane Roe,192.0.2.20,success,
2026-03-02 09:02:00,bob,view,/persons/1,,192.0.2.20,success,
2026-03-02 09:03:00,bob,view,/persons/2,,192.0.2.20,denied,
2026-03-09 09:00:00,bob,login,,,192.0.2.20,success,
2026-03-09 09:01:00,bob,search,,Jane Roe,192.0.2.20,success,
2026-03-09 09:02:00,bob,view,/persons/1,,192.0.2.20,success,
2026-03-03 09:00:00,cal,login,,,192.0.2.30,success,
2026-03-03 09:01:00,cal,search,,Jane Roe,192.0.2.30,success,
2026-03-03 09:02:00,cal,view,/persons/1,,192.0.2.30,success,
2026-03-03 09:05:00,cal,export,/persons/1,,192.0.2.30,success,1024
X
printf 'user\tgroup\nann\tdesk\nbob\tdesk\ncal\tfield\n' >groups.tsv
expect_eq "ingest" 0 "$(run "$INGEST" -q -C c a.csv)"

# Two users, TSV: a summary line per dimension (item "*": distinct items
# left and right, the similarity, "differs" below the threshold), then the
# items, the largest part of the difference first.
expect_eq "ann bob: exit 1 (differences)" 1 "$(run "$DU" -C c ann bob)"
expect_eq "ann bob: quiet" "" "$(cat err)"
cat >want <<'X'
dimension	item	left	right	score	flag
resource	*	2	2	0.4	differs
resource	/persons/9	2	0	0.4	
resource	/persons/2	0	1	0.2	
resource	/persons/1	2	2	0	
action	*	5	5	0.8036	
action	export	2	0	0.0625	
action	view	2	3	0.0446	
action	success	8	6	0.0357	
action	denied	0	1	0.0357	
action	login	2	2	0.0089	
action	search	2	2	0.0089	
query	*	2	1	0.3333	
query	Jane Roe	1	2	0.3333	
query	Max Mustermann	1	0	0.3333	
term	*	4	2	0.3333	
term	jane	1	2	0.1667	
term	max	1	0	0.1667	
term	mustermann	1	0	0.1667	
term	roe	1	2	0.1667	
purpose	*	0	0	1	
src	*	2	1	0	differs
src	192.0.2.20	0	7	0.4667	
src	192.0.2.10	4	0	0.2667	
src	198.51.100.7	4	0	0.2667	
hour	*	2	1	0	differs
hour	09	0	7	0.5	
hour	08	4	0	0.25	
hour	22	4	0	0.25	
weekday	*	1	1	1	
weekday	Mon	8	7	0	
session	*	3	3	0.8333	
session	mean-seconds	180	150	0.1667	
session	longest-seconds	180	180	0	
session	sessions	2	2	0	
activity	*	3	3	0.875	
activity	events	8	7	0.125	
activity	events-per-day	4	3.5	0.125	
activity	days	2	2	0	
export	*	2	0	0	differs
export	bytes	902048	0	1	
export	exports	2	0	1	
export	records	0	0	0	
overall	*	7	4	0.5071	differs
X
expect_file "ann bob: tsv" want out

# --dimension (repeatable, or a list), --top, --no-header, --json.
expect_eq "dimension: exit" 1 "$(run "$DU" -C c ann bob --dimension hour \
    --dimension export,weekday --top 1 --no-header)"
# Dimensions come in their own order, not the command line's.
cat >want <<'X'
hour	*	2	1	0	differs
hour	09	0	7	0.5	
weekday	*	1	1	1	
weekday	Mon	8	7	0	
export	*	2	0	0	differs
export	bytes	902048	0	1	
overall	*	1	2	0.3333	differs
X
expect_file "dimension, top, no-header" want out
expect_eq "json: exit" 1 "$(run "$DU" -C c ann bob --dimension export \
    --json)"
cat >want <<'X'
{"dimension":"export","item":"*","left":2,"right":0,"score":0,"flag":"differs"}
{"dimension":"export","item":"bytes","left":902048,"right":0,"score":1,"flag":""}
{"dimension":"export","item":"exports","left":2,"right":0,"score":1,"flag":""}
{"dimension":"export","item":"records","left":0,"right":0,"score":0,"flag":""}
{"dimension":"overall","item":"*","left":0,"right":1,"score":0,"flag":"differs"}
X
expect_file "json" want out

# A user against itself: every similarity 1, exit 0.
expect_eq "ann ann: exit 0" 0 "$(run "$DU" -C c ann ann)"
expect_eq "ann ann: overall" "overall	*	11	0	1	" "$(tail -n 1 out)"
expect_eq "ann ann: nothing differs" "" \
    "$(awk -F'\t' 'NR > 1 && $6 != ""' out)"

# --since leaves history before the window: what ann does in it for the
# first time, and what is far more common in it than before, is flagged.
expect_eq "since: exit" 1 "$(run "$DU" -C c ann bob --since 2026-03-09 \
    --dimension hour,src,export)"
cat >want <<'X'
dimension	item	left	right	score	flag
src	*	1	1	0	differs
src	198.51.100.7	4	0	0.5714	first
src	192.0.2.20	0	3	0.4286	
hour	*	1	1	0	differs
hour	22	4	0	0.5	first
hour	09	0	3	0.5	
export	*	2	0	0	differs
export	bytes	900000	0	1	uncommon
export	exports	1	0	1	
export	records	0	0	0	
overall	*	0	3	0	differs
X
expect_file "since: flags" want out

# --split: before (left) and from (right) the date; flags are about the
# later window against everything before the date.
expect_eq "split: exit" 1 "$(run "$DU" -C c ann --split 2026-03-05 \
    --dimension query,src,export)"
cat >want <<'X'
dimension	item	left	right	score	flag
query	*	1	1	0	differs
query	Max Mustermann	0	1	0.5	first
query	Jane Roe	1	0	0.5	
src	*	1	1	0	differs
src	198.51.100.7	0	4	0.5	first
src	192.0.2.10	4	0	0.5	
export	*	2	2	0.0023	differs
export	bytes	2048	900000	0.9977	uncommon
export	exports	1	1	0	
export	records	0	0	0	
overall	*	0	3	0.0008	differs
X
expect_file "split" want out
expect_eq "split outside the window" 2 "$(run "$DU" -C c ann \
    --split 2026-03-05 --since 2026-03-06)"
expect_eq "split outside: message" \
    "diff-users: --split: the date is not between --since and --until" \
    "$(cat err)"
expect_eq "split: bad date" 2 "$(run "$DU" -C c ann --split soon)"

# --peers: right is the peers' median, score the percentile of ann among
# them; the similarity is the median of ann's with each peer.
expect_eq "peers list: exit" 1 "$(run "$DU" -C c ann --peers bob,cal \
    --dimension src,export)"
cat >want <<'X'
dimension	item	left	right	score	flag
src	*	2	1	0	differs
src	192.0.2.10	4	0	100	peers-uncommon
src	198.51.100.7	4	0	100	peers-uncommon
src	192.0.2.20	0	3.5	25	
src	192.0.2.30	0	2	25	
export	*	2	1	0.0006	differs
export	bytes	902048	512	100	peers-uncommon
export	exports	2	0.5	100	peers-uncommon
export	records	0	0	50	
overall	*	0	2	0.0003	differs
X
expect_file "peers list" want out
printf '# the desk\nbob\ncal\nann\n' >peers.txt
run "$DU" -C c ann --peers @peers.txt --dimension src,export >/dev/null
expect_file "peers @file (the subject among them is left out)" want out
run "$DU" -C c ann --peers all --dimension src,export >/dev/null
expect_file "peers all" want out

# --peers group: ann's group of the groups file, bob alone.
expect_eq "peers group: exit" 1 "$(run "$DU" -C c ann --peers group \
    --groups groups.tsv --dimension export --no-header)"
cat >want <<'X'
export	*	2	0	0	differs
export	bytes	902048	0	100	peers-uncommon
export	exports	2	0	100	peers-uncommon
export	records	0	0	50	
overall	*	0	1	0	differs
X
expect_file "peers group" want out
expect_eq "peers group, other column: exit" 2 "$(run "$DU" -C c ann \
    --peers group --groups groups.tsv --group-column unit)"
expect_eq "peers group, other column: message" \
    'diff-users: --groups: groups.tsv:1: the header names no column "unit"' \
    "$(cat err)"
expect_eq "peers group without groups" 2 "$(run "$DU" -C c ann \
    --peers group)"
expect_eq "groups without peers group" 2 "$(run "$DU" -C c ann bob \
    --groups groups.tsv)"

# A terminal: a readable diff, "-" for what only the left has, "+" for the
# right's, both counts for the shared.
if command -v script >/dev/null 2>&1; then
	script -qec "$DU -C c ann bob --dimension resource,export" \
	    /dev/null </dev/null | tr -d '\r' >out
	cat >want <<'X'
"ann" (-) against "bob" (+), from the start until the end

resource  similarity 0.40, threshold 0.50: differs
  - /persons/9             2            0  0.400
  + /persons/2             0            1  0.200
    /persons/1             2            2  0.000

export    similarity 0.00, threshold 0.50: differs
  - bytes          902048            0  1.000
  - exports             2            0  1.000
    records             0            0  0.000

overall   similarity 0.20  2 of 2 dimensions differ
X
	expect_file "terminal" want out
	script -qec "$DU -C c ann --peers bob,cal --dimension hour --top 1" \
	    /dev/null </dev/null | tr -d '\r' >out
	cat >want <<'X'
"ann" (-) against the median of 2 peers, from the start until the end

hour      similarity 0.00, threshold 0.60: differs
  - 08               4            0  p100  peers-uncommon
    (2 more)

overall   similarity 0.00  1 of 1 dimension differs
X
	expect_file "terminal, peers" want out
fi

# A window in which a user has no events: said, and compared as empty
# (no division by zero); both empty are alike.
expect_eq "empty window: exit" 1 "$(run "$DU" -C c ann bob \
    --since 2026-03-09T20:00 --dimension activity,hour)"
cat >want <<'X'
dimension	item	left	right	score	flag
hour	*	1	0	0	differs
hour	22	4	0	0.5	first
activity	*	3	0	0	differs
activity	days	1	0	1	
activity	events	4	0	1	
activity	events-per-day	4	0	1	
overall	*	0	2	0	differs
X
expect_file "empty window" want out
expect_eq "empty window: message" \
    'diff-users: "bob" has no events from 2026-03-09T20:00:00.000000Z until the end' \
    "$(cat err)"
expect_eq "both empty: exit 0" 0 "$(run "$DU" -C c ann bob \
    --since 2026-03-05 --until 2026-03-06 --dimension export)"
cat >want <<'X'
diff-users: "ann" has no events from 2026-03-05T00:00:00.000000Z until 2026-03-06T00:00:00.000000Z
diff-users: "bob" has no events from 2026-03-05T00:00:00.000000Z until 2026-03-06T00:00:00.000000Z
X
expect_file "both empty: messages" want err
expect_eq "split, empty after: exit" 1 "$(run "$DU" -C c bob \
    --split 2026-03-05 --until 2026-03-08 --dimension activity)"
expect_eq "split, empty after: message" \
    'diff-users: "bob" has no events after the split, from 2026-03-05T00:00:00.000000Z until 2026-03-08T00:00:00.000000Z' \
    "$(cat err)"
expect_eq "peers without events in the window" 2 "$(run "$DU" -C c ann \
    --peers cal --since 2026-03-09)"
expect_eq "peers without events: message" \
    "diff-users: 1 of the peers has no events in the window and is left out
diff-users: --peers: no peer has events in the window" "$(cat err)"

# Unknown users: an error, exit 2.
expect_eq "unknown user" 2 "$(run "$DU" -C c ann nobody)"
expect_eq "unknown user: message" \
    'diff-users: "nobody": no such user in the case' "$(cat err)"
expect_eq "unknown peer" 2 "$(run "$DU" -C c ann --peers bob,nobody)"
expect_eq "unknown peer: message" \
    'diff-users: --peers: "nobody": no such user in the case' "$(cat err)"
expect_eq "unknown subject of a split" 2 "$(run "$DU" -C c x --split \
    2026-03-05)"

# Usage errors.
expect_eq "one user" 2 "$(run "$DU" -C c ann)"
expect_eq "three users" 2 "$(run "$DU" -C c ann bob cal)"
expect_eq "peers and split" 2 "$(run "$DU" -C c ann --peers all \
    --split 2026-03-05)"
expect_eq "bad dimension" 2 "$(run "$DU" -C c ann bob --dimension colour)"
expect_eq "bad rank" 2 "$(run "$DU" -C c --pairs --rank best)"

# Raw sources after "--" read as the case is.
run "$DU" -C c ann --split 2026-03-05 >/dev/null
mv out case.out
expect_eq "sources: exit" 1 "$(run "$DU" ann --split 2026-03-05 -- a.csv)"
expect_file "sources: as the case" case.out out
expect_eq "sources: unknown user" 2 "$(run "$DU" ann nobody -- a.csv)"
expect_eq "sources: unknown user: message" \
    'diff-users: "nobody": no such user in the sources' "$(cat err)"
expect_eq "sources: nothing after --" 2 "$(run "$DU" ann bob --)"

# Selection: --action keeps only those events.
expect_eq "action: exit" 0 "$(run "$DU" -C c ann cal --action search \
    --dimension query --no-header)"
cat >want <<'X'
query	*	2	1	0.5	
query	Max Mustermann	1	0	0.5	
query	Jane Roe	1	1	0	
overall	*	1	0	0.5	
X
expect_file "action" want out

done_testing
