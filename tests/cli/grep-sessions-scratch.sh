#!/bin/sh
# grep-sessions-scratch.sh: raw evidence is read into a private scratch case
# in $TMPDIR, a copy of personal data; it is gone however the tool ends: a
# closed pipe, ^C, SIGTERM, SIGHUP, a fatal error, and even SIGKILL.
. "$SRCDIR/tests/cli/lib.sh"
GS=$BUILDDIR/cmd/grep-sessions
EV=$FIX/formats/generic.jsonl

# empty_tmp NAME DIR: DIR holds nothing.
empty_tmp() {
	left=$(ls -A "$2")
	[ -z "$left" ] || fail "$1: left in \$TMPDIR: $left"
}

# An ordinary run leaves nothing either.
mkdir tmp-plain
st=$(TMPDIR=$T/tmp-plain run "$GS" -c "$EV")
expect_eq "plain: status" 0 "$st"
empty_tmp plain tmp-plain

# The issue's case: the reader of the output goes away after one line.
mkdir tmp-head
TMPDIR=$T/tmp-head "$GS" -e . "$FIX/sample" 2>/dev/null | head -1 >out
expect_eq "head -1: a line" 1 "$(wc -l <out | tr -d ' ')"
empty_tmp "head -1" tmp-head

# SIGPIPE for certain: the output's reader is gone before the tool writes
# more than its buffer holds.
mkdir tmp-pipe
mkfifo out.fifo in.fifo
(TMPDIR=$T/tmp-pipe "$GS" -e . - >out.fifo <in.fifo 2>err.pipe
echo $? >status.pipe) &
exec 4<out.fifo
exec 3>in.fifo
exec 4<&-
cat "$FIX/sample/delivery-2026-03-16.tar" >&3
exec 3>&-
wait
expect_eq "SIGPIPE: status" 141 "$(cat status.pipe)"
expect_eq "SIGPIPE: quiet" "" "$(cat err.pipe)"
empty_tmp SIGPIPE tmp-pipe
rm -f out.fifo in.fifo

# A signal while the tool reads standard input, which is held open: the
# scratch case exists (seen) when the signal comes.  The tool runs in the
# foreground, where the shell leaves SIGINT alone; a helper in the
# background sends the signal.
# signalled SIG STATUS
signalled() {
	d=$T/tmp-$1
	mkdir "$d"
	rm -f in.fifo pid seen
	mkfifo in.fifo
	(
		exec 3>in.fifo
		head -1 "$EV" >&3
		i=0
		while [ ! -s pid ] || [ -z "$(ls -A "$d")" ]; do
			i=$((i + 1))
			[ $i -gt 300 ] && break
			sleep 0.1
		done
		ls -A "$d" >seen
		kill -"$1" "$(cat pid)"
	) &
	# The signal's default action, whatever this test inherited (a run
	# under nohup ignores SIGHUP, and a tool keeps what was ignored;
	# env(1) of coreutils 8.31 and later).
	TMPDIR=$d env --default-signal="$1" sh -c 'echo $$ >pid; exec "$0" -e . -' "$GS" \
	    <in.fifo >out 2>err
	st=$?
	wait
	expect_eq "$1: status" "$2" "$st"
	expect_grep "$1: the scratch case was there" '^sessionlog\.' seen
	empty_tmp "$1" "$d"
}
signalled INT 130
signalled TERM 143
signalled HUP 129

# SIGKILL cannot be caught: the cleaner, which waits for the tool, removes
# the case when the tool is gone.
d=$T/tmp-KILL
mkdir "$d"
rm -f in.fifo pid seen
mkfifo in.fifo
(
	exec 3>in.fifo
	head -1 "$EV" >&3
	i=0
	while [ ! -s pid ] || [ -z "$(ls -A "$d")" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && break
		sleep 0.1
	done
	ls -A "$d" >seen
	kill -KILL "$(cat pid)"
) &
TMPDIR=$d sh -c 'echo $$ >pid; exec "$0" -e . -' "$GS" <in.fifo >out 2>err
st=$?
wait
expect_eq "KILL: status" 137 "$st"
expect_grep "KILL: the scratch case was there" '^sessionlog\.' seen
i=0
while [ -n "$(ls -A "$d")" ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
empty_tmp KILL "$d"

# A fatal error once the scratch case exists: no profiles to read it with.
mkdir tmp-fatal
st=$(TMPDIR=$T/tmp-fatal SESSIONLOG_PROFILES=$T/none run "$GS" -e . "$EV")
expect_eq "fatal: status" 2 "$st"
expect_grep "fatal: message" 'cannot load profiles' err
empty_tmp fatal tmp-fatal

exit $((fails > 0))
