#!/bin/sh
# abi-symbols.sh HEADER LIBRARY [TOOL...]: the shared library exports
# exactly the functions HEADER declares, each declared with SL_API, and
# each TOOL links the shared library (so the linker holds it to them).
set -u
export LC_ALL=C
hdr=$1 lib=$2
shift 2
here=$(dirname "$0")
T=$(mktemp -d "${TMPDIR:-/tmp}/sl-abi.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# The extractor first, on a header that has every shape it must tell
# apart: a declaration it must find, one without SL_API, a function
# pointer in a struct, an inline definition, a prototype over two lines
# whose arguments hold a function pointer, comments and a macro.
cat >"$T/shapes.h" <<'HDR'
#define SL_THING(x) foo(x)
#ifdef __cplusplus
extern "C" {
#endif
struct sl_x {
	int (*cb)(void *arg, int n);	/* cb(x) */
	const char *name;
};
/* sl_commented(void); */
SL_API int sl_one(struct sl_x *x);
struct sl_str sl_two(const char *p,
    void (*report)(void *arg, const char *s), void *arg);
static inline void
sl_three(struct sl_x *x)
{
	x->name = 0;
}
SL_API void
sl_four(void);
#ifdef __cplusplus
}
#endif
HDR
awk -f "$here/header-functions.awk" "$T/shapes.h" >"$T/shapes.got"
printf '%s\n' 'sl_one 10 1' 'sl_two 11 0' 'sl_four 18 1' >"$T/shapes.want"
diff -u "$T/shapes.want" "$T/shapes.got" >&2 ||
    fail "header-functions.awk on the test header"

awk -f "$here/header-functions.awk" "$hdr" >"$T/decl"
[ -s "$T/decl" ] || fail "no function found in $hdr"
awk '$3 != 1 { print "  " $1 " (line " $2 ")" }' "$T/decl" >"$T/noapi"
if [ -s "$T/noapi" ]; then
	fail "declared in $hdr without SL_API:"
	cat "$T/noapi" >&2
fi
awk '{ print $1 }' "$T/decl" | sort -u >"$T/want"

# Every defined dynamic symbol, whatever its type (functions, data, weak):
# the header declares no variables, so none may be exported.
nm -D --defined-only "$lib" >"$T/nm" || fail "nm -D $lib"
awk 'NF >= 3 { print $3 } NF == 2 { print $2 }' "$T/nm" |
    sed 's/@.*//' | sort -u >"$T/got"
if ! diff -u "$T/want" "$T/got" >"$T/diff"; then
	fail "exports of $lib differ from $hdr (-: declared, not exported;" \
	    "+: exported, not declared)"
	sed -n '/^[-+][^-+]/p' "$T/diff" >&2
fi

for tool in "$@"; do
	if ! readelf -d "$tool" | grep -q 'NEEDED.*libsessionlog\.so'; then
		fail "$tool does not link the shared library"
	fi
done

[ "$fails" -eq 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo ok
