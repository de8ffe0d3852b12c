#!/bin/sh
# ingest-full: when the disk fills while the case is written, ingest says
# so ("No space left on device", with the file), whichever file it was
# writing (spill, keys, a timeline, its index, the manifest, the commit
# list), and the case stays as it was.  Needs a small tmpfs: run as root,
# else skipped (77).  A file past ulimit -f is told the same way.
. "$SRCDIR/tests/cli/lib.sh"

mkdir full
if [ "$(id -u)" -ne 0 ] ||
    ! mount -t tmpfs -o size=400k tmpfs full 2>/dev/null; then
	echo "cannot mount a tmpfs (needs root): skipped" >&2
	exit 77
fi
trap 'umount "$T/full" 2>/dev/null; chmod -R u+rwx "$T" 2>/dev/null;
    rm -rf "$T"' EXIT

# 3,000 records whose queries do not compress (320 hex digits each, from
# awk's rand with a fixed seed): the timelines are about as large as the
# spill, so the disk fills at every stage of the commit as the tmpfs
# grows.
awk 'BEGIN {
	srand(7)
	for (i = 0; i < 3000; i++) {
		q = ""
		for (j = 0; j < 40; j++)
			q = q sprintf("%08x", int(rand() * 4294967296))
		printf "{\"type\":\"audit.3\",\"time\":\"2026-03-02T%02d:" \
		    "%02d:%02d.000000000Z\",\"uid\":\"u%d\",\"categories\":" \
		    "[\"dataSearch\"],\"logEntryId\":\"r-%05d\"," \
		    "\"requestFields\":{\"dataSearchQuery\":\"%s\"}}\n",
		    int(i / 3600), int(i / 60) % 60, i % 60, i % 5, i, q
	}
}' >big.jsonl
head -2 big.jsonl | sed 's/"r-/"p-/' >small.jsonl

n=0
for kb in $(seq 400 16 880); do
	umount full
	mount -t tmpfs -o size=${kb}k tmpfs full || {
		fail "$kb KiB: cannot mount"
		break
	}
	if [ "$(run "$INGEST" -q -C full/c small.jsonl)" -ne 0 ]; then
		fail "$kb KiB: the first ingest"
		continue
	fi
	cp full/c/manifest.tsv before.tsv
	st=$(run "$INGEST" -q -C full/c big.jsonl)
	[ "$st" -eq 0 ] && continue
	n=$((n + 1))
	expect_eq "$kb KiB: exit status" 2 "$st"
	head -n 1 err >first
	expect_grep "$kb KiB: the disk is full, and which file" \
	    '^ingest: cannot update the case "full/c": cannot (write|create) "full/c/[^"]+": No space left on device$' first
	sed -n 's/.*cannot [a-z]* "full\/c\/\([^"]*\)".*/\1/p' first >>files
	expect_file "$kb KiB: the manifest unchanged" before.tsv \
	    full/c/manifest.tsv
	expect_eq "$kb KiB: nothing left behind" "" \
	    "$(ls -A full/c | grep -E '^\.(txn|tmp)' || true)"
	"$INGEST" --verify -C full/c >out 2>&1 ||
	    fail "$kb KiB: verify: $(cat out)"
done
# Which files the disk filled on depends on the tmpfs's accounting; the
# run must have met several, a timeline among them.
sort -u files >met
[ "$n" -gt 0 ] || fail "the disk never filled"
[ "$(wc -l <met)" -ge 3 ] || fail "full at fewer than 3 files: $(cat met)"
expect_grep "full while writing a timeline" '^gen/[0-9]+/users/' met

# ulimit -f: the file that grows past it is named, with EFBIG's words.
# 200 blocks of 512 bytes: less than each user's timeline (about 147 KB:
# the queries do not compress), so it is met while writing one.
umount full
mount -t tmpfs -o size=64m tmpfs full
st=$( (ulimit -f 200; "$INGEST" -q -C full/u big.jsonl) >out 2>err; echo $?)
expect_eq "ulimit -f: exit status" 2 "$st"
expect_grep "ulimit -f: the file and the reason" \
    '^ingest: cannot update the case "full/u": cannot write "full/u/[^"]+": File too large$' err
done_testing
