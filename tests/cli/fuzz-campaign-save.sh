#!/bin/sh
# fuzz-campaign-save: scripts/fuzz-campaign save folds each target's
# scratch corpus into the kept corpus (CAMPAIGN/T) with the fuzzer's
# -merge=1, leaves out the inputs that are seeds, skips a target whose
# fuzzer was not built, and run hands the kept corpus to the fuzzer
# beside the seeds.  The fuzzer is a stand-in script that does what
# libFuzzer's merge does with inputs new to the output directory.
. "$(dirname "$0")/lib.sh"

mkdir -p build/tests/fuzz camp/json/corpus camp/nofuzzer/corpus kept
cat >build/tests/fuzz/fuzz-json-libfuzzer <<'FUZZ'
#!/bin/sh
# merge: -merge=1 [options] OUT IN...; otherwise record the arguments.
if [ "$1" = -merge=1 ]; then
	shift
	while case $1 in -*) true;; *) false;; esac; do shift; done
	out=$1
	shift
	for d in "$@"; do
		for f in "$d"/*; do
			h=$(sha1sum <"$f" | cut -c1-40)
			[ -e "$out/$h" ] || cp "$f" "$out/$h"
		done
	done
	exit 0
fi
echo "$*" >>"$ARGS"
# The campaign ends after this chunk.
touch "$STOPFILE"
FUZZ
chmod +x build/tests/fuzz/fuzz-json-libfuzzer
seed=$(ls "$SRCDIR/tests/fuzz/corpus/json" | head -n 1)
cp "$SRCDIR/tests/fuzz/corpus/json/$seed" camp/json/corpus/
printf '{"new":1}' >camp/json/corpus/a
printf '{"new":2}' >camp/json/corpus/b
printf 'x' >camp/nofuzzer/corpus/c

env BUILD="$T/build" CAMPAIGN="$T/kept" FUZZ_TMP="$T" \
    sh "$SRCDIR/scripts/fuzz-campaign" save "$T/camp" >out 2>err ||
	fail "save: exit $?: $(cat err)"
ls kept/json >got
for s in '{"new":1}' '{"new":2}'; do
	printf '%s' "$s" | sha1sum | cut -c1-40
done | sort >want
expect_file "kept: the new inputs, not the seed" want got
expect_eq "no fuzzer, nothing kept" "" "$(ls kept | grep -v '^json$')"
expect_grep "no fuzzer: message" \
    '^fuzz-campaign: no .*/fuzz-nofuzzer-libfuzzer: nofuzzer not saved$' err
expect_grep "what was kept" '^json: 0 kept before, 2 now, [0-9]+ KiB$' out

# Saved twice: nothing new.
env BUILD="$T/build" CAMPAIGN="$T/kept" FUZZ_TMP="$T" \
    sh "$SRCDIR/scripts/fuzz-campaign" save "$T/camp" >out 2>err ||
	fail "save again: exit $?: $(cat err)"
expect_grep "saved again" '^json: 2 kept before, 2 now, [0-9]+ KiB$' out

# run reads the kept corpus after the seeds; STOP, made by the chunk,
# ends it.
mkdir run
printf 'json 1\n' >run/targets
: >args
env BUILD="$T/build" CAMPAIGN="$T/kept" FUZZ_TMP="$T" ARGS="$T/args" \
    STOPFILE="$T/run/STOP" \
    sh "$SRCDIR/scripts/fuzz-campaign" run "$T/run" >out 2>err ||
	fail "run: exit $?: $(cat err)"
expect_grep "run: the kept corpus read" \
    "^$T/run/json/corpus $SRCDIR/tests/fuzz/corpus/json $T/kept/json -max_total_time=1 " args

done_testing
