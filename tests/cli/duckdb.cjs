// duckdb.cjs: run SQL files with DuckDB (the npm package @duckdb/node-api,
// found through NODE_PATH) in one in-memory database, and print the rows
// of the last statement as TSV escaped as sessionlog escapes its cells
// (sessionlog(5), Rows), NULL as an empty cell.  For the CLI tests.
'use strict';
const fs = require('fs');
const { DuckDBInstance } = require('@duckdb/node-api');

// Escape a value's UTF-8 bytes as sl_tsv_escape does.
function escape(s) {
	let out = '';
	for (const ch of s) {
		const c = ch.codePointAt(0);
		if (ch === '\\')
			out += '\\\\';
		else if (ch === '\t')
			out += '\\t';
		else if (ch === '\n')
			out += '\\n';
		else if (ch === '\r')
			out += '\\r';
		else if (c < 0x20)
			out += '\\x' + c.toString(16).padStart(2, '0');
		else
			out += ch;
	}
	return out;
}

async function main() {
	const sql = process.argv.slice(2)
	    .map((f) => fs.readFileSync(f, 'utf8')).join('\n');
	const db = await DuckDBInstance.create(':memory:');
	const con = await db.connect();
	const res = await con.runAndReadAll(sql);
	const lines = res.getRows().map((row) => row.map((v) =>
	    v === null ? '' : escape(v.toString())).join('\t') + '\n');
	process.stdout.write(lines.join(''));
}

main().catch((e) => {
	process.stderr.write('duckdb: ' + e.message + '\n');
	process.exit(2);
});
