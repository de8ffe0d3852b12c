#!/bin/sh
# ingest-partial: a log read only in part or not at all is recorded so
# (issue 15): an encrypted member, an archive nested too deep, a member
# whose data fails its CRC.  The manifest says which and why, with the
# digest of the bytes that were read; every byte libarchive returned is
# kept; the source is read again only with other options, and a merely
# truncated log is not read again.
. "$SRCDIR/tests/cli/lib.sh"

command -v zip >/dev/null && command -v unzip >/dev/null || {
	echo "zip and unzip are needed" >&2
	exit 77
}

mkdir in
cp "$FIX/bad/encrypted-member.zip" "$FIX/bad/nested-deep.zip" \
    "$FIX/bad/bad-crc.zip" "$FIX/bad/truncated.jsonl.gz" in/

# The manifest without the time of the ingest (column 13).
rows() {
	cut -f1-12,14- "$1/manifest.tsv" | tail -n +2
}

st=$(run "$INGEST" -j 1 -C c in/encrypted-member.zip in/nested-deep.zip \
    in/bad-crc.zip)
expect_eq "exit status" 2 "$st"
cat >want <<'EOF'
ingest: in/encrypted-member.zip!dudek-searches.jsonl: encrypted member; not read
ingest: in/nested-deep.zip!level8.zip!level7.zip!level6.zip!level5.zip!level4.zip!level3.zip!level2.zip!level1.zip: archive nested more than 8 deep; not read
ingest: in/bad-crc.zip!lange-searches.jsonl: the member's data failed its archive's check (ZIP bad CRC: 0x23c57dd1 should be 0x23c57d2e); all 3065 bytes read are kept
ingest: case c
  sources    3 read; 4 logs
  records    7 read: 7 accepted, 0 duplicates, 0 rejected
  users      2 with new events
  span       2026-03-02T09:04:28.064000Z .. 2026-03-02T09:14:38.074000Z
  errors     3 (see above)
EOF
expect_file "messages" want err

# The member that failed its CRC keeps all its records and has the digest
# of all its data (unzip -p writes it despite the CRC); the encrypted one
# has a row of no records and no digest; the archive nested too deep has
# the digest of its own bytes; every archive holding one of them says so.
crc=$(unzip -p in/bad-crc.zip 2>/dev/null | sha256sum | cut -d' ' -f1)
unzip -p in/nested-deep.zip >l8.zip
for k in 8 7 6 5 4 3 2; do
	unzip -p l$k.zip >l$((k - 1)).zip
done
deep=$(sha256sum <l1.zip | cut -d' ' -f1)
expect_eq "bad-crc: digest of the data read" "$crc" \
    "$(manifest_field c 'in/bad-crc.zip!lange-searches.jsonl' sha256)"
expect_eq "nested: digest of the archive not read" "$deep" \
    "$(manifest_field c 'in/nested-deep.zip!level8.zip!level7.zip!level6.zip!level5.zip!level4.zip!level3.zip!level2.zip!level1.zip' sha256)"
sha() {
	sha256sum <"$1" | cut -d' ' -f1
}
cat >want <<EOF
$(sha in/bad-crc.zip)	622	in/bad-crc.zip			0	0	0	0				0	0	container partial=1
$crc	3065	in/bad-crc.zip	lange-searches.jsonl	foundry-audit3	5	5	0	0	2026-03-02T09:10:10.070000Z	2026-03-02T09:14:38.074000Z		0	0	badcheck
$(sha in/encrypted-member.zip)	3954	in/encrypted-member.zip			0	0	0	0				0	0	container partial=1
7879f156c31a0f9019d5ca83183243fb49013f9344a1db7b7b718d545e3322ab	1234	in/encrypted-member.zip	case-searches.jsonl	foundry-audit3	2	2	0	0	2026-03-02T09:04:28.064000Z	2026-03-02T09:05:35.065000Z		0	0	
	0	in/encrypted-member.zip	dudek-searches.jsonl		0	0	0	0				0	0	unread=encrypted
$(sha in/nested-deep.zip)	2898	in/nested-deep.zip			0	0	0	0				0	0	container partial=1
$(sha l8.zip)	2716	in/nested-deep.zip	level8.zip		0	0	0	0				0	0	container partial=1
$(sha l7.zip)	2534	in/nested-deep.zip	level8.zip!level7.zip		0	0	0	0				0	0	container partial=1
$(sha l6.zip)	2352	in/nested-deep.zip	level8.zip!level7.zip!level6.zip		0	0	0	0				0	0	container partial=1
$(sha l5.zip)	2170	in/nested-deep.zip	level8.zip!level7.zip!level6.zip!level5.zip		0	0	0	0				0	0	container partial=1
$(sha l4.zip)	1988	in/nested-deep.zip	level8.zip!level7.zip!level6.zip!level5.zip!level4.zip		0	0	0	0				0	0	container partial=1
$(sha l3.zip)	1806	in/nested-deep.zip	level8.zip!level7.zip!level6.zip!level5.zip!level4.zip!level3.zip		0	0	0	0				0	0	container partial=1
$(sha l2.zip)	1624	in/nested-deep.zip	level8.zip!level7.zip!level6.zip!level5.zip!level4.zip!level3.zip!level2.zip		0	0	0	0				0	0	container partial=1
$deep	1442	in/nested-deep.zip	level8.zip!level7.zip!level6.zip!level5.zip!level4.zip!level3.zip!level2.zip!level1.zip		0	0	0	0				0	0	unread=nested
EOF
rows c >got
expect_file "manifest" want got

# Read again with the same options: skipped, not read on every run.
st=$(run "$INGEST" -j 1 -C c in/encrypted-member.zip in/nested-deep.zip \
    in/bad-crc.zip)
expect_eq "same options: exit status" 0 "$st"
expect_grep "same options: skipped" \
    '^ingest: in/encrypted-member.zip: already in the case' err
expect_grep "same options: nothing new" 'nothing new: the case is unchanged' \
    err

# With other options an incomplete source is read again and replaces its
# rows, which now carry those options.
st=$(run "$INGEST" -q -j 1 -C c --max-record 100000 in/encrypted-member.zip)
expect_eq "other options: exit status" 2 "$st"
expect_grep "other options: read again" \
    '^ingest: in/encrypted-member.zip!dudek-searches.jsonl: encrypted member; not read$' err
cat >want <<'EOF'
in/encrypted-member.zip		container max-record=100000 partial=1
in/encrypted-member.zip	case-searches.jsonl	max-record=100000
in/encrypted-member.zip	dudek-searches.jsonl	max-record=100000 unread=encrypted
EOF
cut -f3,4,16 c/manifest.tsv | grep '^in/encrypted' >got
expect_file "other options: rows replaced" want got
expect_eq "other options: events not doubled" 7 "$(case_rows c | wc -l)"
st=$(run "$INGEST" -j 1 -C c --max-record 100000 in/encrypted-member.zip)
expect_eq "other options again: skipped" 0 "$st"

# A truncated log is complete as far as it goes: read once.
run "$INGEST" -q -j 1 -C t in/truncated.jsonl.gz >/dev/null
expect_eq "truncated: noted" "truncated=16524" \
    "$(manifest_field t in/truncated.jsonl.gz notes)"
st=$(run "$INGEST" -j 1 -C t in/truncated.jsonl.gz)
expect_eq "truncated: not read again" 0 "$st"
expect_grep "truncated: skipped" \
    '^ingest: in/truncated.jsonl.gz: already in the case' err

# The integrity alerts say what was not read and what failed its check.
"$BUILDDIR/cmd/summarize" -C c --alerts --no-header 2>/dev/null |
    awk -F'\t' '{ print $11 "\t" $10 }' |
    grep -E 'encrypted|nested too deep|check' | sort >got
cat >want <<'EOF'
in/bad-crc.zip!lange-searches.jsonl	its data failed its archive's check (CRC or size): damaged, every byte kept
in/encrypted-member.zip!dudek-searches.jsonl	it was not read: an encrypted member (the log has no event times: told whatever the period)
in/nested-deep.zip!level8.zip!level7.zip!level6.zip!level5.zip!level4.zip!level3.zip!level2.zip!level1.zip	it was not read: an archive nested too deep (the log has no event times: told whatever the period)
EOF
expect_file "alerts" want got

# Compressed five times over: one time more than is read.  A row of its
# own, with the file's digest.
zcat in/truncated.jsonl.gz 2>/dev/null | head -n 3 >five
for k in 1 2 3 4 5; do
	gzip -n -c five >five.gz && mv five.gz five
done
st=$(run "$INGEST" -q -j 1 -C c5 five)
expect_eq "compressed 5 times: exit status" 2 "$st"
expect_eq "compressed 5 times: message" \
    "ingest: five: compressed more than 4 times over; not read" \
    "$(head -n 1 err)"
expect_eq "compressed 5 times: row" "$(sha five)	unread=compressed" \
    "$(manifest_field c5 five sha256)	$(manifest_field c5 five notes)"

# Member data is read block by block now: a sparse member's holes, the
# last one included, still read as zeros, as archive_read_data gave them.
truncate -s 1M hole.log 2>/dev/null &&
    zcat in/truncated.jsonl.gz 2>/dev/null | head -n 2 >>hole.log &&
    truncate -s 2M hole.log && tar -S -cf sparse.tar hole.log 2>/dev/null &&
    {
	run "$INGEST" -q -j 1 -C sp sparse.tar >/dev/null
	expect_eq "sparse member: all its bytes" "$(sha hole.log) 2097152" \
	    "$(manifest_field sp 'sparse.tar!hole.log' sha256) $(manifest_field \
	    sp 'sparse.tar!hole.log' bytes)"
}

# A zip member of 20,000 records (3.4 MB, 176 KB deflated) whose CRC is
# wrong: libarchive returns its last block with the error, and that block
# was dropped (17,000-odd records kept, the last one "cut short").  Now
# every record is kept and the digest is the data's.
awk 'BEGIN {
	for (i = 0; i < 20000; i++)
		printf "{\"type\":\"audit.3\",\"time\":\"2026-03-02T%02d:" \
		    "%02d:%02d.000000000Z\",\"uid\":\"u%d\",\"categories\":" \
		    "[\"dataSearch\"],\"logEntryId\":\"crc-%05d\"," \
		    "\"requestFields\":{\"dataSearchQuery\":\"case %d\"}}\n",
		    int(i / 3600), int(i / 60) % 60, i % 60, i % 5, i,
		    i * 7 % 1000
}' >big.jsonl
zip -q -X big.zip big.jsonl
# The CRC in the local header (offset 14) and in the central directory
# header (offset 16; the directory's offset is at 16 in the 22-byte end
# record): both 0xffffffff.
size=$(wc -c <big.zip)
cd_at=$(od -An -tu1 -j $((size - 6)) -N4 big.zip |
    awk '{ print $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }')
for at in 14 $((cd_at + 16)); do
	printf '\377\377\377\377' | dd of=big.zip bs=1 seek="$at" \
	    conv=notrunc 2>/dev/null
done
st=$(run "$INGEST" -q -j 1 -C big big.zip)
expect_eq "big: exit status" 2 "$st"
cat >want <<'EOF'
ingest: big.zip!big.jsonl: the member's data failed its archive's check (ZIP bad CRC: 0x92d86251 should be 0xffffffff); all 3397800 bytes read are kept
ingest: case big
  sources    1 read; 1 logs
  records    20,000 read: 20,000 accepted, 0 duplicates, 0 rejected
  users      5 with new events
  span       2026-03-02T00:00:00.000000Z .. 2026-03-02T05:33:19.000000Z
  errors     1 (see above)
EOF
expect_file "big: messages" want err
expect_eq "big: every record" 20000 "$(case_rows big | wc -l)"
expect_eq "big: digest of all the data" "$(sha big.jsonl) 3397800 badcheck" \
    "$(manifest_field big 'big.zip!big.jsonl' sha256) $(manifest_field big \
    'big.zip!big.jsonl' bytes) $(manifest_field big 'big.zip!big.jsonl' notes)"
"$INGEST" --verify -C big >out 2>err
expect_eq "big: verified" "" "$(cat out)"
done_testing
