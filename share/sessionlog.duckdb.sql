-- sessionlog.duckdb.sql: the views events, manifest and rejects over a
-- sessionlog case, for DuckDB 1.3 or later (see sessionlog(5), "Reading
-- the case with other engines").
--
-- Set the case directory first, then read this file:
--
--	SET VARIABLE case_dir = '/path/to/case';
--	.read /usr/local/share/sessionlog/sessionlog.duckdb.sql
--	SELECT user, action, count(*) FROM events GROUP BY ALL;
--
-- The views read the files when they are queried, so they always show the
-- case as it is then; a new SET VARIABLE case_dir points them at another
-- case (with the same columns) without reading this file again.
--
-- The case's cells escape backslash, tab, newline and carriage return as
-- \\ \t \n \r and every other byte below 0x20 as \xHH; DuckDB's CSV reader
-- does not undo that, so sessionlog_unescape does.  The quoting of CSV is
-- switched off (a cell is never quoted, '"' is an ordinary byte), and no
-- cell can be the null string \N (a lone backslash is never written), so
-- every cell is read as it was written.
--
-- DuckDB reads no line longer than its max_line_size, and holds a buffer
-- of that size for each file it reads at once (one per thread).  The views
-- take lines of up to 128 MiB; a case with longer rows (a row can reach
-- 513 MiB, sessionlog(5)) fails with DuckDB's "Maximum line size ...
-- exceeded" until the limit is raised, in bytes, before a query:
--
--	SET VARIABLE sessionlog_max_line = 1073741824;

-- A cell as written in the case, back to the bytes it stands for.  The
-- cell is split at each \\ (left to right, as a reader of the escapes
-- meets them), so that every backslash left in a piece starts one of
-- \t \n \r \xHH; each piece loses its escapes, and the pieces are joined
-- again with a single backslash.  Undoing \\ first, or last, with replace()
-- would misread "\\t" or "\\\t".  The lambdas are written "lambda x: ...",
-- the syntax of DuckDB 1.3 and later (2.0 refuses "x -> ..." by default).
CREATE OR REPLACE MACRO sessionlog_unescape(s) AS
	CASE WHEN s IS NULL OR strpos(s, '\') = 0 THEN s
	ELSE array_to_string(list_transform(string_split(s, '\\'), lambda p:
		array_to_string(list_transform(
		    string_split(replace(replace(replace(p,
			'\t', chr(9)), '\n', chr(10)), '\r', chr(13)), '\x'),
		    lambda q, i: CASE WHEN i = 1 THEN q
			ELSE chr(('0x' || left(q, 2))::INTEGER) || substr(q, 3)
			END), '')), '\')
	END;

-- A time column: "YYYY-MM-DDTHH:MM:SS.ffffffZ" in UTC, or "@" and the
-- microseconds since the epoch for a time outside the years 0000 to 9999.
CREATE OR REPLACE MACRO sessionlog_time(s) AS
	CASE WHEN s = '' THEN NULL
	WHEN left(s, 1) = '@' THEN make_timestamp(substr(s, 2)::BIGINT)
	ELSE strptime(s, '%Y-%m-%dT%H:%M:%S.%fZ') END;

-- A text column: its value, NULL when empty (sessionlog writes an absent
-- value as an empty cell).
CREATE OR REPLACE MACRO sessionlog_text(s) AS
	nullif(sessionlog_unescape(s), '');

CREATE OR REPLACE VIEW events AS
SELECT
	sessionlog_time(time) AS time,
	sessionlog_unescape(user) AS user,
	sessionlog_text(session) AS session,
	action,
	outcome,
	-- one list element per resource, in the event's order; [] when none
	CASE WHEN resource = '' THEN []::VARCHAR[]
	ELSE string_split(sessionlog_unescape(resource), chr(10))
	END AS resource,
	sessionlog_text(query) AS query,
	nullif(count, '')::BIGINT AS count,
	nullif(bytes, '')::BIGINT AS bytes,
	sessionlog_text(purpose) AS purpose,
	sessionlog_text(src) AS src,
	sessionlog_text(trace) AS trace,
	sessionlog_text(kind) AS kind,
	sessionlog_text(key) AS key,
	flags::UINTEGER AS flags,
	sessionlog_unescape(profile) AS profile,
	sessionlog_unescape(origin) AS origin,
	line::UBIGINT AS line,
	"offset"::UBIGINT AS "offset",
	sessionlog_unescape(raw) AS raw
FROM read_csv(getvariable('case_dir') || '/users/*.tsv.gz',
	delim = '\t', quote = '', escape = '', header = true,
	auto_detect = false, comment = '', nullstr = '\N',
	max_line_size = coalesce(getvariable('sessionlog_max_line'), 134217728),
	buffer_size = coalesce(getvariable('sessionlog_max_line'), 134217728),
	columns = {
		'time': 'VARCHAR', 'user': 'VARCHAR', 'session': 'VARCHAR',
		'action': 'VARCHAR', 'outcome': 'VARCHAR',
		'resource': 'VARCHAR', 'query': 'VARCHAR',
		'count': 'VARCHAR', 'bytes': 'VARCHAR', 'purpose': 'VARCHAR',
		'src': 'VARCHAR', 'trace': 'VARCHAR', 'kind': 'VARCHAR',
		'key': 'VARCHAR', 'flags': 'VARCHAR', 'profile': 'VARCHAR',
		'origin': 'VARCHAR', 'line': 'VARCHAR', 'offset': 'VARCHAR',
		'raw': 'VARCHAR'});

CREATE OR REPLACE VIEW manifest AS
SELECT
	nullif(sha256, '') AS sha256,
	bytes::UBIGINT AS bytes,
	sessionlog_unescape(path) AS path,
	sessionlog_text(member) AS member,
	sessionlog_text(profile) AS profile,
	read::UBIGINT AS read,
	accepted::UBIGINT AS accepted,
	duplicates::UBIGINT AS duplicates,
	rejected::UBIGINT AS rejected,
	sessionlog_time(first) AS first,
	sessionlog_time(last) AS last,
	sessionlog_text(tz) AS tz,
	sessionlog_time(ingested) AS ingested,
	-- empty on the rows of a case of format 1 (not counted then)
	nullif(conflicts, '')::UBIGINT AS conflicts,
	nullif(reversals, '')::UBIGINT AS reversals,
	sessionlog_text(notes) AS notes
FROM read_csv(getvariable('case_dir') || '/manifest.tsv',
	delim = '\t', quote = '', escape = '', header = true,
	auto_detect = false, comment = '', nullstr = '\N',
	max_line_size = coalesce(getvariable('sessionlog_max_line'), 134217728),
	buffer_size = coalesce(getvariable('sessionlog_max_line'), 134217728),
	columns = {
		'sha256': 'VARCHAR', 'bytes': 'VARCHAR', 'path': 'VARCHAR',
		'member': 'VARCHAR', 'profile': 'VARCHAR', 'read': 'VARCHAR',
		'accepted': 'VARCHAR', 'duplicates': 'VARCHAR',
		'rejected': 'VARCHAR', 'first': 'VARCHAR', 'last': 'VARCHAR',
		'tz': 'VARCHAR', 'ingested': 'VARCHAR',
		'conflicts': 'VARCHAR', 'reversals': 'VARCHAR',
		'notes': 'VARCHAR'});

CREATE OR REPLACE VIEW rejects AS
SELECT
	sessionlog_unescape(origin) AS origin,
	line::UBIGINT AS line,
	"offset"::UBIGINT AS "offset",
	sessionlog_text(profile) AS profile,
	sessionlog_unescape(reason) AS reason,
	sessionlog_unescape(raw) AS raw
FROM read_csv(getvariable('case_dir') || '/rejects.tsv.gz',
	delim = '\t', quote = '', escape = '', header = true,
	auto_detect = false, comment = '', nullstr = '\N',
	max_line_size = coalesce(getvariable('sessionlog_max_line'), 134217728),
	buffer_size = coalesce(getvariable('sessionlog_max_line'), 134217728),
	columns = {
		'origin': 'VARCHAR', 'line': 'VARCHAR', 'offset': 'VARCHAR',
		'profile': 'VARCHAR', 'reason': 'VARCHAR', 'raw': 'VARCHAR'});
