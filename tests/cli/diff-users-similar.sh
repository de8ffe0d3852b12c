#!/bin/sh
# diff-users-similar: --similar and --pairs on a fixture where one person
# works under two accounts (jdoe and jdoe.admin: one workstation, the same
# rare searches, the same evening) among colleagues who share a common
# search word, a common register, and (ann and bob) one case: the two
# accounts are the most alike pair under every --rank, ann and bob next.
. "$SRCDIR/tests/cli/lib.sh"
DU=$BUILDDIR/cmd/diff-users

# Generic CSV as an export of a search front end would write it.
cat >p.csv <<'X'
timestamp,user,action,resource,query,src,result
2026-03-03 08:00:00,ann,search,,google,192.0.2.11,success
2026-03-03 08:05:00,ann,search,,Jane Roe,192.0.2.11,success
2026-03-03 08:06:00,ann,view,/cases/7,,192.0.2.11,success
2026-03-03 08:10:00,ann,view,/registers/persons,,192.0.2.11,success
2026-03-03 09:00:00,bob,search,,google,192.0.2.12,success
2026-03-03 09:05:00,bob,search,,Jane Roe,192.0.2.12,success
2026-03-03 09:06:00,bob,view,/cases/7,,192.0.2.12,success
2026-03-03 09:10:00,bob,view,/registers/persons,,192.0.2.12,success
2026-03-04 08:00:00,cal,search,,google,192.0.2.13,success
2026-03-04 08:05:00,cal,search,,John Smith,192.0.2.13,success
2026-03-04 08:06:00,cal,view,/cases/8,,192.0.2.13,success
2026-03-04 08:10:00,cal,view,/registers/persons,,192.0.2.13,success
2026-03-04 10:00:00,dan,search,,google,192.0.2.14,success
2026-03-04 10:05:00,dan,search,,Max Mustermann,192.0.2.14,success
2026-03-04 10:06:00,dan,view,/cases/9,,192.0.2.14,success
2026-03-04 10:10:00,dan,view,/registers/persons,,192.0.2.14,success
2026-03-05 21:00:00,jdoe,search,,google,192.0.2.50,success
2026-03-05 21:02:00,jdoe,search,,Erika Musterfrau,192.0.2.50,success
2026-03-05 21:04:00,jdoe,view,/registers/vehicles,,192.0.2.50,success
2026-03-05 21:30:00,jdoe.admin,search,,B-XY 1234,192.0.2.50,success
2026-03-05 21:32:00,jdoe.admin,search,,Erika Musterfrau,192.0.2.50,success
2026-03-05 21:34:00,jdoe.admin,view,/registers/vehicles,,192.0.2.50,success
2026-03-06 07:00:00,jdoe,search,,B-XY 1234,192.0.2.50,success
2026-03-06 07:05:00,jdoe,view,/registers/persons,,192.0.2.50,success
X
expect_eq "ingest" 0 "$(run "$INGEST" -q -C c p.csv)"

# The default rank: the shared items' weights log(N/df) beyond what two
# users of their sizes would share by chance (sessionlog(7)), so the rare
# searches, the workstation and the evening hour count most, and "google"
# (five of six users) almost nothing: ann and cal share no more than
# chance and are not listed.
expect_eq "pairs: exit" 0 "$(run "$DU" -C c --pairs --top 3)"
cat >want <<'X'
rank	user	other	score	shared	jaccard	items
1	jdoe	jdoe.admin	6.8773	10	0.7143	resource=/registers/vehicles\nquery=B-XY 1234\nquery=Erika Musterfrau\nsrc=192.0.2.50\nterm=1234
2	ann	bob	2.5641	7	0.6364	resource=/cases/7\nquery=Jane Roe\nterm=jane\nterm=roe\nresource=/registers/persons
X
expect_file "pairs" want out
# The plain sum of the weights (--rank sum) lists them.
expect_eq "pairs --rank sum" "10.9861 4.9414 0.547" \
    "$(run "$DU" -C c --pairs --rank sum --top 3 --no-header >/dev/null;
    cut -f4 out | paste -sd' ')"
for r in shared jaccard; do
	expect_eq "pairs --rank $r: exit" 0 "$(run "$DU" -C c --pairs \
	    --rank $r --top 2 --no-header)"
	expect_eq "pairs --rank $r: the two accounts first" \
	    "jdoe jdoe.admin
ann bob" "$(cut -f2,3 out | tr '\t' ' ')"
done
run "$DU" -C c --pairs --rank shared --top 2 --no-header >/dev/null
expect_eq "pairs --rank shared: scores" "10 7" "$(cut -f4 out | paste -sd' ')"
run "$DU" -C c --pairs --rank jaccard --top 2 --no-header >/dev/null
expect_eq "pairs --rank jaccard: scores" "0.7143 0.6364" \
    "$(cut -f4 out | paste -sd' ')"

# --similar: the users most like one, the other account first.
expect_eq "similar: exit" 0 "$(run "$DU" -C c --similar jdoe.admin \
    --json --top 2)"
cat >want <<'X'
{"rank":1,"user":"jdoe.admin","other":"jdoe","score":6.8773,"shared":10,"jaccard":0.7143,"items":["resource=/registers/vehicles","query=B-XY 1234","query=Erika Musterfrau","src=192.0.2.50","term=1234"]}
X
expect_file "similar" want out

# --dimension chooses the kinds of items: by source address alone, only
# the two accounts share anything; cal shares nothing (exit 1, no lines).
expect_eq "pairs by src" "1	jdoe	jdoe.admin	0.7775	1	1	src=192.0.2.50" \
    "$(run "$DU" -C c --pairs --dimension src --no-header >/dev/null;
    cat out)"
expect_eq "similar, nothing shared: exit 1" 1 "$(run "$DU" -C c \
    --similar cal --dimension src)"
expect_eq "similar, nothing shared: no output" "" "$(cat out err)"
expect_eq "similar by hour" "jdoe.admin hour=Thu 21" "$(run "$DU" -C c \
    --similar jdoe --dimension hour --no-header >/dev/null;
    cut -f3,7 out | tr '\t' ' ')"

# Raw sources after "--" answer as the case does.
run "$DU" -C c --pairs >/dev/null
mv out case.out
expect_eq "sources: exit" 0 "$(run "$DU" --pairs -- p.csv)"
expect_file "sources: as the case" case.out out

# Errors.
expect_eq "similar: unknown user" 2 "$(run "$DU" -C c --similar nobody)"
expect_eq "similar: unknown user: message" \
    'diff-users: "nobody": no such user in the case' "$(cat err)"
expect_eq "pairs with users" 2 "$(run "$DU" -C c --pairs ann)"
expect_eq "similar and pairs" 2 "$(run "$DU" -C c --pairs --similar ann)"
expect_eq "rank without similar" 2 "$(run "$DU" -C c ann bob --rank shared)"
expect_eq "rank: bad" 2 "$(run "$DU" -C c --pairs --rank best)"
expect_eq "dimension not of items" 2 "$(run "$DU" -C c --pairs \
    --dimension export)"
expect_eq "dimension not of items: message" \
    'diff-users: --dimension: "export" is not compared by --similar and --pairs (resource, query, term, src, hour)' \
    "$(cat err)"

done_testing
