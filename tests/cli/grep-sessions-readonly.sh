#!/bin/sh
# grep-sessions-readonly.sh: a case that cannot be written (evidence on
# write-protected storage, another investigator's case) is searched all
# the same; the tool warns that its run could not be recorded in audit.log
# and finds what it finds.  Root writes anything, so as root the check runs
# as nobody.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
A=$FIX/formats/generic.jsonl

mkdir ro
"$INGEST" -q -C ro/case "$A"
"$GS" -C ro/case -c -o user,events --no-header >want 2>/dev/null
lines=$(wc -l <ro/case/audit.log)
as=
gs=$GS
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
		# nobody may not reach the build tree: run a copy.
		chmod 755 "$T"
		copy_tool "$GS" ro
		chown -R nobody ro
		as="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups env LD_LIBRARY_PATH=$T/ro"
		gs=$T/ro/grep-sessions
		$as test -x "$gs" || as=skip
	else
		as=skip
	fi
fi
if [ "$as" = skip ]; then
	echo "read-only check skipped: cannot run as another user" >&2
	exit 0
fi
chmod -R a-w ro/case
# Writable by nobody's group or others? Then the check would prove nothing.
$as sh -c ': >>ro/case/audit.log' 2>/dev/null &&
    fail "the case is still writable"

st=$(cd "$T" && $as "$gs" -C ro/case -c -o user,events --no-header \
    >got 2>err; echo $?)
expect_eq "status" 0 "$st"
expect_file "found as in a writable case" want got
expect_grep "warning" '^grep-sessions: this run could not be recorded in the audit log of "ro/case": ' err
expect_eq "one warning" 1 "$(wc -l <err | tr -d ' ')"
expect_eq "audit.log unchanged" "$lines" "$(wc -l <ro/case/audit.log)"

# Nothing found is still 1, not an error.
st=$(cd "$T" && $as "$gs" -C ro/case -q -u nosuchuser >/dev/null 2>&1;
    echo $?)
expect_eq "nothing found: status" 1 "$st"

chmod -R u+w ro
exit $((fails > 0))
