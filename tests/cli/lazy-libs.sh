#!/bin/sh
# lazy-libs: libarchive and libcrypto, with the libraries they need, are
# opened when first needed (src/lazy.c), not at every start of a tool: a
# query of a case maps neither, an ingest of a zip opens both, and the
# answers do not change.  Skipped when the build links them (-Dlazy_libs).
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions

grep -q '^#define SL_LAZY_LIBS 1' "$BUILDDIR/config.h" || exit 77

# The objects the dynamic linker mapped for a command (glibc's LD_DEBUG).
mapped() {
	rm -f ld.*
	LD_DEBUG=files LD_DEBUG_OUTPUT=ld "$@" >out 2>err
	cat ld.* 2>/dev/null | sed -n 's/.*file=\([^ ]*\) .*/\1/p' | sort -u
}

# Not linked: the library's own dynamic section does not need them.
if command -v objdump >/dev/null; then
	objdump -p "$BUILDDIR"/src/libsessionlog.so | grep NEEDED >needed
	expect_eq "libsessionlog needs libarchive" 0 \
	    "$(grep -c 'libarchive' needed)"
	expect_eq "libsessionlog needs libcrypto" 0 \
	    "$(grep -c 'libcrypto' needed)"
fi

# An ingest of a zip opens both, as it reads the archive and takes its
# digest; what it read is what the linked build read.
mapped "$INGEST" -q -j 1 -C c "$FIX/formats/cloudtrail-records.zip" >libs
expect_eq "ingest of a zip: no word with -q" "" "$(cat out err)"
expect_eq "ingest of a zip opens libarchive" 1 \
    "$(grep -c '^libarchive\.so' libs)"
expect_eq "ingest of a zip opens libcrypto" 1 \
    "$(grep -c '^libcrypto\.so' libs)"
expect_eq "ingest of a zip: events" 5 \
    "$("$GS" -c -C c | awk 'NR > 1 { n += $2 } END { print n }')"
expect_eq "ingest of a zip: its three members" 3 \
    "$(awk -F'\t' 'NR > 1 && $4 != ""' c/manifest.tsv | wc -l | tr -d ' ')"
"$INGEST" --verify -C c >/dev/null 2>verify.err
expect_eq "the case verifies (digests through the lazy libcrypto)" 0 $?

# A query of the case, and --version: neither is mapped.
u=$(ls c/users | sed -n 's/\.tsv\.gz$//p' | head -n 1)
for args in "--version" "-c -C c -u $u" "-C c -u $u --since 2026-03-02"; do
	# shellcheck disable=SC2086
	mapped "$GS" $args >libs
	expect_eq "grep-sessions $args maps libarchive" 0 \
	    "$(grep -c 'libarchive' libs)"
	expect_eq "grep-sessions $args maps libcrypto" 0 \
	    "$(grep -c 'libcrypto' libs)"
	expect_eq "grep-sessions $args maps ICU" 0 "$(grep -c 'libicu' libs)"
done

done_testing
