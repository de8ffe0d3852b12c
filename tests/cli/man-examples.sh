#!/bin/sh
# man-examples.sh: every EXAMPLES command of the man pages runs, on the
# sample evidence and the format fixtures, and prints something; where the
# page shows the output, exactly that.  The commands are taken from the
# page source, so that an example edited later is still tested.
. "$SRCDIR/tests/cli/lib.sh"
export PATH="$BUILDDIR/cmd:$T/bin:$PATH"
# The pages say the examples run as if it were this moment.
export SESSIONLOG_NOW=2026-03-20T08:00:00Z

# mail(1) is not there to send: a stand-in shows what would be sent.
mkdir bin
cat >bin/mail <<'X'
#!/bin/sh
echo "mail $*"
cat
X
chmod +x bin/mail

# extract PAGE DIR: one DIR/N.sh per literal block of EXAMPLES, its command
# lines ("$ " and their continuations), and DIR/N.out, the lines shown
# after them.
extract() {
	mkdir -p "$2"
	awk -v dir="$2" '
		/^\.Sh / { inex = ($2 == "EXAMPLES"); next }
		!inex { next }
		/^\.Bd -literal/ { n++; inbd = 1; cont = 0
			printf "" >(dir "/" n ".sh"); printf "" >(dir "/" n ".out")
			next }
		/^\.Ed/ { inbd = 0; next }
		!inbd { next }
		{
			line = $0
			gsub(/\\e/, "\\", line)
			if (cont || substr(line, 1, 2) == "$ ") {
				if (!cont)
					line = substr(line, 3)
				print line >(dir "/" n ".sh")
				cont = (line ~ /\\$/)
			} else {
				print line >(dir "/" n ".out")
			}
		}' "$1"
}

# run_examples PAGE WORKDIR
run_examples() {
	page=$1 work=$2
	extract "$SRCDIR/man/$page" "$T/ex-$page"
	count=$(ls "$T/ex-$page"/*.sh 2>/dev/null | wc -l)
	expect_eq "$page: has examples" yes "$([ "$count" -gt 0 ] && echo yes)"
	i=1
	while [ -f "$T/ex-$page/$i.sh" ]; do
		cmd=$(cat "$T/ex-$page/$i.sh")
		st=$(cd "$work" && sh "$T/ex-$page/$i.sh" >"$T/got" 2>&1; echo $?)
		expect_eq "$page example $i: exit ($cmd)" 0 "$st"
		if [ ! -s "$T/got" ]; then
			fail "$page example $i prints nothing: $cmd"
		fi
		if [ -s "$T/ex-$page/$i.out" ]; then
			expect_file "$page example $i: output" \
			    "$T/ex-$page/$i.out" "$T/got"
		fi
		i=$((i + 1))
	done
}

# Where the examples run: the evidence and the fixtures side by side.
setup() {
	mkdir "$1"
	ln -s "$FIX/sample/audit" "$1/audit"
	ln -s "$FIX/sample/delivery-2026-03-16.tar" "$1/"
	ln -s "$FIX/formats/generic.csv" "$FIX/formats/generic.jsonl" "$1/"
	ln -s "$FIX/sample/groups.tsv" "$FIX/sample/watchlist.txt" "$1/"
}

# ingest's examples build on each other: the case, more in it, a check.
setup ing
run_examples ingest.1 "$T/ing"
expect_eq "ingest examples made the case" yes \
    "$([ -f ing/case/sessionlog.case ] && echo yes)"

# grep-sessions' read the case of the sample alone, as its page says.
setup gs
expect_eq "sample case" 0 \
    "$(run "$INGEST" -q -C gs/case gs/audit gs/delivery-2026-03-16.tar)"
run_examples grep-sessions.1 "$T/gs"

# summarize's read the same case.
run_examples summarize.1 "$T/gs"

# diff-users' too, with the sample's groups.tsv.
run_examples diff-users.1 "$T/gs"

# sessionlog(5) has no EXAMPLES; if it gets some, they must be run here.
expect_eq "sessionlog.5: no examples to run" "" \
    "$(grep -n '^\.Sh EXAMPLES' "$SRCDIR/man/sessionlog.5")"

done_testing
