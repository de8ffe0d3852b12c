#!/bin/sh
# grep-sessions-gap.sh: derived sessions split exactly at the gap, sessions
# of the source's own ids, and raw sources answering as the ingested case.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
DATA=$SRCDIR/tests/cli/data

cp "$DATA/gap.jsonl" "$DATA/gap.csv" .
st=$(run "$INGEST" -q -C c gap.jsonl)
expect_eq "ingest gap.jsonl" 0 "$st"
st=$(run "$INGEST" -q -C csv gap.csv)
expect_eq "ingest gap.csv" 0 "$st"

# Default gap (30m): 08:10 -> 08:40 is exactly 30 minutes and does not
# split; 08:40 -> 09:10:00.000001 is longer and does; a logout ends a
# session, a login starts one.
cat >expected <<'EOF'
user	session	start	end	events	matches
alice	alice@2026-03-14T08:00:00.000000Z	2026-03-14T08:00:00.000000Z	2026-03-14T08:40:00.000000Z	3	3
alice	alice@2026-03-14T09:10:00.000001Z	2026-03-14T09:10:00.000001Z	2026-03-14T09:20:00.000000Z	2	2
alice	alice@2026-03-14T09:21:00.000000Z	2026-03-14T09:21:00.000000Z	2026-03-14T09:21:00.000000Z	1	1
alice	alice@2026-03-14T09:22:00.000000Z	2026-03-14T09:22:00.000000Z	2026-03-14T09:24:00.000000Z	3	3
bob	s-1	2026-03-14T07:00:00.000000Z	2026-03-14T09:00:00.000000Z	4	4
bob	s-2	2026-03-14T07:02:00.000000Z	2026-03-14T07:04:00.000000Z	2	2
EOF
st=$(run "$GS" -C c -l)
expect_eq "-l exit" 0 "$st"
expect_file "-l default gap" expected out

# The same from the raw source, without a case.
st=$(run "$GS" -l gap.jsonl)
expect_eq "-l raw exit" 0 "$st"
expect_file "-l raw source" expected out

# --gap 30m given explicitly is the default.
"$GS" -C c -l --gap 30m >out 2>err
expect_file "--gap 30m" expected out

# One microsecond shorter than 30m splits 08:10 -> 08:40.
cat >expected <<'EOF'
alice	alice@2026-03-14T08:00:00.000000Z	2
alice	alice@2026-03-14T08:40:00.000000Z	1
alice	alice@2026-03-14T09:10:00.000001Z	2
alice	alice@2026-03-14T09:21:00.000000Z	1
alice	alice@2026-03-14T09:22:00.000000Z	3
EOF
"$GS" -C c -l -u alice --gap 1799999ms -o user,session,events \
    --no-header >out 2>err
expect_file "--gap 1799.999s" expected out

# 30m and one microsecond no longer splits 08:40 -> 09:10:00.000001; a
# minute more changes nothing else (logout and login still cut).
cat >expected <<'EOF'
alice	alice@2026-03-14T08:00:00.000000Z	5
alice	alice@2026-03-14T09:21:00.000000Z	1
alice	alice@2026-03-14T09:22:00.000000Z	3
EOF
"$GS" -C c -l -u alice --gap 31m -o user,session,events --no-header \
    >out 2>err
expect_file "--gap 31m" expected out

# The generic CSV profile derives the same sessions.
cat >expected <<'EOF'
alice	alice@2026-03-14T08:00:00.000000Z	3
alice	alice@2026-03-14T09:10:00.000001Z	2
alice	alice@2026-03-14T09:21:00.000000Z	1
EOF
"$GS" -C csv -l -o user,session,events --no-header >out 2>err
expect_file "csv sessions" expected out
"$GS" -l -o user,session,events --no-header gap.csv >out 2>err
expect_file "csv sessions, raw" expected out

# A derived session keeps the name of its true start when --since cuts
# into it: grep-sessions reads back to find it.
cat >expected <<'EOF'
alice	alice@2026-03-14T08:00:00.000000Z	2026-03-14T08:40:00.000000Z	1
alice	alice@2026-03-14T09:10:00.000001Z	2026-03-14T09:10:00.000001Z	2
EOF
"$GS" -C c -l -u alice --since 2026-03-14T08:40 --until 2026-03-14T09:21 \
    -o user,session,start,events --no-header >out 2>err
expect_file "--since inside a session" expected out
"$GS" -l -u alice --since 2026-03-14T08:40 --until 2026-03-14T09:21 \
    -o user,session,start,events --no-header gap.jsonl >out 2>err
expect_file "--since inside a session, raw" expected out

# Bad gaps.
st=$(run "$GS" -C c -l --gap 29m59s999999us)
expect_eq "--gap with an unknown unit" 2 "$st"
st=$(run "$GS" -C c -l --gap 0)
expect_eq "--gap 0" 2 "$st"

# Each run against the case is in its audit.log.
n=$(grep -c "	grep-sessions	" c/audit.log)
expect_eq "audit.log lines" 5 "$n"
expect_grep "audit.log arguments" \
    "grep-sessions	-C c -l -u alice --gap 31m" c/audit.log

done_testing
