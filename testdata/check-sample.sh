#!/bin/sh
# check-sample.sh: regenerate committed test data and compare it byte for byte.
#   check-sample.sh sample GEN-SAMPLE SAMPLEDIR       the whole directory
#   check-sample.sh scenarios GEN-SCENARIOS DIR       the whole directory
#   check-sample.sh fixtures MAKE-FIXTURES TESTDATADIR every file it makes
set -eu
[ $# -eq 3 ] || {
	echo "usage: $0 sample|scenarios|fixtures PROGRAM DIR" >&2
	exit 2
}
mode=$1 prog=$2 ref=$3
export LC_ALL=C TZ=UTC
t=$(mktemp -d "${TMPDIR:-/tmp}/sl-testdata.XXXXXX")
trap 'rm -rf "$t"' EXIT

"$prog" "$t/out"
case $mode in
sample|scenarios)
	# Both ways: a file missing from either side fails too.
	diff -r "$ref" "$t/out"
	;;
fixtures)
	n=0
	for f in $(cd "$t/out" && find . -type f | sort); do
		cmp "$t/out/$f" "$ref/$f"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || { echo "$prog made no files" >&2; exit 1; }
	;;
*)
	echo "$0: unknown mode '$mode'" >&2
	exit 2
	;;
esac
echo "ok: $mode matches ($ref)"
