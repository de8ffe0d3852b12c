# lib.sh: helpers for the CLI tests; sourced by each tests/cli/*.sh.
# Each test writes what it expects and what it got, and compares them.
set -u
export LC_ALL=C TZ=UTC
: "${BUILDDIR:?}" "${SRCDIR:?}"
INGEST=$BUILDDIR/cmd/ingest
FIX=$SRCDIR/testdata
export SESSIONLOG_PROFILES=$SRCDIR/profiles
unset SESSIONLOG_CASE

T=$(mktemp -d "${TMPDIR:-/tmp}/sl-cli.XXXXXX")
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 2
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" != "$3" ]; then
		fail "$1"
		printf '  want: %s\n  got:  %s\n' "$2" "$3" >&2
	fi
}

# expect_file NAME EXPECTED-FILE ACTUAL-FILE
expect_file() {
	if ! diff -u "$2" "$3" >&2; then
		fail "$1"
	fi
}

# expect_grep NAME PATTERN FILE: FILE has a line matching the ERE.
expect_grep() {
	if ! grep -Eq -- "$2" "$3"; then
		fail "$1: no line matches /$2/ in $3"
		sed 's/^/  | /' "$3" >&2
	fi
}

# status CMD...: run, keep stdout/stderr in out/err, print the exit status.
run() {
	"$@" >out 2>err
	echo $?
}

# wait_until TEST PID: poll until the shell test TEST succeeds (0) or PID
# has ended (1), at most 60 s, for a slow shared machine.
wait_until() {
	_n=0
	while ! eval "$1"; do
		kill -0 "$2" 2>/dev/null || return 1
		_n=$((_n + 1))
		[ $_n -lt 3000 ] || return 1
		sleep 0.02
	done
	return 0
}

# The manifest row of a log: field values by column name.
# manifest_field CASE LOGNAME COLUMN
manifest_field() {
	awk -F'\t' -v want="$2" -v col="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ name = $c["path"]; if ($c["member"] != "") name = name "!" $c["member"] }
		name == want { print $c[col] }' "$1/manifest.tsv"
}

# Sum a manifest column over all rows.
manifest_sum() {
	awk -F'\t' -v col="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ s += $c[col] } END { print s + 0 }' "$1/manifest.tsv"
}

# Every user's events, as the store holds them, without the header lines.
case_rows() {
	for f in "$1"/users/*.tsv.gz; do
		[ -e "$f" ] && zcat "$f" | tail -n +2
	done
}

# copy_tool TOOL DIR: a copy of a built tool and of the shared library it
# links in DIR, for running as another user who cannot reach the build
# tree; run it with LD_LIBRARY_PATH=DIR.
copy_tool() {
	cp "$1" "$2/" || return
	for f in "$BUILDDIR"/src/libsessionlog.so*; do
		[ -d "$f" ] || cp -P "$f" "$2/" || return
	done
}

done_testing() {
	if [ "$fails" -ne 0 ]; then
		echo "$fails check(s) failed" >&2
		exit 1
	fi
	exit 0
}

# only_rules RULE...: a rules file "only.rules" that switches off every
# built-in rule of summarize --alerts but these, so that a test of some
# rules does not change when rules are added; use it as
# --rules only.rules.
only_rules() {
	"$BUILDDIR/cmd/summarize" --list-rules --no-header | cut -f1 |
	    awk -v keep=" $* " 'index(keep, " " $1 " ") == 0 { print "disable " $1 }' >only.rules
}
