#!/bin/sh
# fuzz-campaign-summary: scripts/fuzz-campaign summary adds up the chunks
# of a campaign from their logs: executions, coverage, the execution that
# last found an edge, the plateau rule, crashes, and the seconds of a
# chunk cut short (no "exit" line) as lasting until its log was last
# written, not until the summary is made.
. "$(dirname "$0")/lib.sh"

mkdir -p camp/alpha camp/beta
# alpha: a whole chunk (60 s, a new edge at 2,000 of 100,000 executions),
# then a chunk killed after 30 s that found nothing new.
cat >camp/alpha/log-0.txt <<'LOG'
chunk 0 start 2026-01-01T00:00:00Z
#2	INITED cov: 10 ft: 12 corp: 1/1b exec/s: 0 rss: 30Mb
#1000	NEW    cov: 10 ft: 13 corp: 2/2b exec/s: 0 rss: 30Mb
#2000	NEW    cov: 11 ft: 15 corp: 3/3b exec/s: 0 rss: 30Mb
#100000	DONE   cov: 11 ft: 15 corp: 3/3b exec/s: 1666 rss: 30Mb
Done 100000 runs in 60 second(s)
exit 0 end 2026-01-01T00:01:00Z
LOG
cat >camp/alpha/log-1.txt <<'LOG'
chunk 1 start 2026-01-01T00:02:00Z
#3	INITED cov: 11 ft: 15 corp: 3/3b exec/s: 0 rss: 30Mb
#50000	pulse  cov: 11 ft: 15 corp: 3/3b exec/s: 1666 rss: 30Mb
LOG
touch -d 2026-01-01T00:02:30Z camp/alpha/log-1.txt
# beta: one chunk that crashed, its last edge in the last tenth.
cat >camp/beta/log-0.txt <<'LOG'
chunk 0 start 2026-01-01T01:00:00Z
#2	INITED cov: 5 ft: 5 corp: 1/1b exec/s: 0 rss: 30Mb
#950	NEW    cov: 6 ft: 7 corp: 2/2b exec/s: 0 rss: 30Mb
#1000	pulse  cov: 6 ft: 7 corp: 2/2b exec/s: 100 rss: 30Mb
exit 1 end 2026-01-01T01:00:10Z
LOG

cat >want <<'OUT'
target	execs	cov	ft	seconds	last new edge	plateau	crashes
alpha	150000	11	15	90	2000	yes	0
beta	1000	6	7	10	950	no	1
total	151000			100
OUT
sh "$SRCDIR/scripts/fuzz-campaign" summary "$T/camp" >got 2>err ||
	fail "summary: exit $?: $(cat err)"
expect_file "summary" want got

done_testing
