#!/bin/sh
# ingest-upgrade: a case written by sessionlog 0.1.0 (case format 1,
# testdata/case-v1) is read as it is, refused for writing until it is
# upgraded, upgraded atomically by ingest --upgrade, and then verified and
# extended like a new case.
. "$SRCDIR/tests/cli/lib.sh"
GREP=$BUILDDIR/cmd/grep-sessions

cp -R "$FIX/case-v1" old
chmod -R go-rwx old
cp -R "$FIX/case-v1" old-orig

# Read as it is: the same events as a case made now from the same logs.
"$INGEST" -q -j 1 -C new "$FIX/formats/generic.csv" "$FIX/formats/m365.jsonl"
expect_eq "new case reads" 0 "$(run "$GREP" -C new --no-header -o user,time,action,resource)"
cp out want
expect_eq "format 1 reads" 0 "$(run "$GREP" -C old --no-header -o user,time,action,resource)"
expect_file "format 1 events" want out
expect_eq "format 1 verifies" 0 "$(run "$INGEST" --verify -C old)"

# Not written to before the upgrade, and left as it was (but for the lock
# file that every writer takes).
rm -rf before
cp -R old before
expect_eq "ingest into format 1" 2 "$(run "$INGEST" -q -C old "$FIX/formats/generic.jsonl")"
cat >want <<EOF2
ingest: case "old" was written by an earlier version (format 1): run 'ingest --upgrade -C old' first
EOF2
expect_file "refusal message" want err
expect_eq "left as it was" "" "$(diff -r -x .lock before old)"

# The upgrade.
expect_eq "upgrade" 0 "$(run "$INGEST" --upgrade -C old)"
echo 'ingest: case "old" upgraded from format 1 to 3' >want
expect_file "upgrade message" want err
expect_eq "marker" "sessionlog-case 3" "$(head -n 1 old/sessionlog.case)"
expect_eq "generation" "gen/1" "$(readlink old/current)"
expect_eq "users shown" "current/users" "$(readlink old/users)"
expect_eq "manifest header" "$(head -n 1 new/manifest.tsv)" "$(head -n 1 old/manifest.tsv)"
# Rows of format 1 keep every value; what it did not count is empty.
tail -n +2 old-orig/manifest.tsv | sed 's/$/\t\t\t/' >want
tail -n +2 old/manifest.tsv >got
expect_file "rows kept" want got
expect_eq "empty rejects table" "origin	line	offset	profile	reason	raw" \
	"$(zcat old/rejects.tsv.gz)"
expect_eq "upgraded verifies" 0 "$(run "$INGEST" --verify -C old)"
expect_eq "audit.log says so, with every argument" "ingest	--upgrade -C old" \
	"$(grep -c '	ingest	--upgrade -C old$' old/audit.log | sed 's/^1$/ingest	--upgrade -C old/')"
expect_eq "events unchanged" 0 "$(run "$GREP" -C old --no-header -o user,time,action,resource)"
"$GREP" -C new --no-header -o user,time,action,resource >want
expect_file "events after upgrade" want out

# Again: nothing to do.
expect_eq "second upgrade" 0 "$(run "$INGEST" --upgrade -C old)"
echo 'ingest: case "old" is already of format 3: nothing to do' >want
expect_file "second upgrade message" want err

# Now it takes new evidence like any case, and a new case is of format 3
# with its empty rejects table from the start.
expect_eq "ingest after upgrade" 0 "$(run "$INGEST" -q -C old "$FIX/formats/generic.jsonl")"
expect_eq "verifies after ingest" 0 "$(run "$INGEST" --verify -C old)"
expect_eq "new case marker" "sessionlog-case 3" "$(head -n 1 new/sessionlog.case)"
expect_eq "new case rejects" "origin	line	offset	profile	reason	raw" \
	"$(zcat new/rejects.tsv.gz)"
# --upgrade takes no sources.
expect_eq "upgrade with a source" 2 "$(run "$INGEST" --upgrade -C old x)"
done_testing
