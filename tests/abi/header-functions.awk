# header-functions.awk: the functions a C header declares, one a line as
# "NAME LINE API", where LINE is the line the declaration starts on and API
# is 1 when it carries SL_API.  Comments, preprocessor lines, the C++ guard,
# and everything inside braces (struct and enum bodies, inline function
# bodies) are skipped; a top-level statement ending in ';' whose first
# identifier directly followed by '(' is its name is a function declaration
# (a typedef is not).
# A top-level statement ending in '{' is a definition (static inline) and is
# not exported.
BEGIN {
	depth = 0; incomment = 0; stmt = ""; start = 0; skipcpp = 0
}
{
	line = $0
	if (skipcpp) {
		if (line ~ /^#[ \t]*endif/)
			skipcpp = 0
		next
	}
	if (line ~ /^#[ \t]*if(def)?[ \t]+(defined[ (]*)?__cplusplus/) {
		skipcpp = 1
		next
	}
	# Comments.
	out = ""
	while (line != "") {
		if (incomment) {
			i = index(line, "*/")
			if (i == 0) { line = ""; break }
			line = substr(line, i + 2); incomment = 0
		} else {
			i = index(line, "/*")
			if (i == 0) { out = out line; line = ""; break }
			out = out substr(line, 1, i - 1) " "
			line = substr(line, i + 2); incomment = 1
		}
	}
	line = out
	if (line ~ /^[ \t]*#/) {
		# A directive, and its continuation lines.
		while (line ~ /\\$/ && (getline line) > 0)
			;
		next
	}
	n = length(line)
	for (i = 1; i <= n; i++) {
		ch = substr(line, i, 1)
		if (depth == 0 && stmt ~ /^[ \t]*$/ && ch !~ /[ \t]/)
			start = NR
		if (ch == "{") {
			if (depth == 0)
				stmt = ""
			depth++
		} else if (ch == "}") {
			depth--
			stmt = ""
		} else if (depth == 0 && ch == ";") {
			emit(stmt, start)
			stmt = ""
		} else if (depth == 0) {
			stmt = stmt ch
		}
	}
	if (depth == 0)
		stmt = stmt " "
}
function emit(s, at,    m, name) {
	# A typedef of a function type names a type, not a function.
	if (s ~ /^[ \t]*typedef[ \t]/)
		return
	if (match(s, /[A-Za-z_][A-Za-z0-9_]*\(/) == 0)
		return
	name = substr(s, RSTART, RLENGTH - 1)
	print name, at, (s ~ /(^|[ \t])SL_API[ \t]/) ? 1 : 0
}
