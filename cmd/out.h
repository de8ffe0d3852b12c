/* out.h: rows of named cells as an aligned table, TSV or JSON lines. */
#ifndef SL_OUT_H
#define SL_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum out_format {
	OUT_TABLE = 1,	/* aligned for a terminal; control bytes escaped */
	OUT_TSV,	/* one header line; \t \n \r \\ escaped as two bytes */
	OUT_JSON,	/* one object a line */
	OUT_CARD,	/* a terminal record per row: one "name  value" line
			 * a cell, a list's items on lines of their own,
			 * control bytes escaped; for rows too wide for a
			 * table */
};

/* Highlighting in table cells: find(arg, field, p, n, from, &s, &e)
 * returns 1 with the next span to highlight at or after from, else 0. */
struct out_hl {
	int (*find)(void *arg, int field, const char *p, size_t n,
	    size_t from, size_t *start, size_t *end);
	void *arg;
};

struct out;

/*
 * Rows go to fp.  header: TSV prints the names of the first main row's
 * cells as a header line.  color: table cells may carry highlighting.
 * main_kind: in JSON, main rows carry "type": main_kind when not NULL.
 * Exits on ENOMEM (it is the tools' helper).
 */
struct out *out_new(FILE *fp, int format, int header, int color,
    const char *main_kind);
/* Choose the format: --json, else a table on a terminal, else TSV. */
int out_format_for(FILE *fp, int json);
/* Whether to color: a table on a terminal and NO_COLOR unset or empty. */
int out_color_for(FILE *fp, int format);

/* Names of the main rows' cells, for the header, when they are known
 * before the first row (else the first main row's names are used).  The
 * header goes before the first row of any kind. */
void out_names(struct out *o, const char *const *names, size_t n);

/* A row: kind NULL for a main row, else a line of its own ("session"):
 * TSV "#kind" and the values, JSON {"type":"kind",...}, a table prints it
 * as "kind name=value ..." between the aligned rows. */
void out_begin(struct out *o, const char *kind);
void out_str(struct out *o, const char *name, const char *p, size_t n);
/* A string with table highlighting of field's spans (hl may be NULL). */
void out_str_hl(struct out *o, const char *name, const char *p, size_t n,
    const struct out_hl *hl, int field);
/* Values separated by '\n': a JSON array, ", " between in a table, the
 * TSV escape "\n" between in TSV. */
void out_list(struct out *o, const char *name, const char *p, size_t n,
    const struct out_hl *hl, int field);
/* A number; negative is unknown: null in JSON, empty otherwise. */
void out_int(struct out *o, const char *name, int64_t v);
/* A real number, six significant digits; not finite: null in JSON,
 * empty otherwise. */
void out_num(struct out *o, const char *name, double v);
/* A mark: true/false in JSON, "*" or "" in TSV and table. */
void out_mark(struct out *o, const char *name, int on);
void out_end(struct out *o);
/* A table line of its own (a session header), escaped like the cells,
 * bold when colouring, cut to the width when fitting; other formats
 * ignore it. */
void out_line(struct out *o, const char *p, size_t n);

/* Screen width for a table on fp: the terminal's, else $COLUMNS, else
 * 80; 0 when fp is not a terminal. */
size_t out_term_width(FILE *fp);
/* Whether the locale (LC_ALL, LC_CTYPE, LANG) is UTF-8. */
int out_utf8(void);
/* Fit a table to cols screen columns (0: do not) by cutting the cells
 * of the columns out_cut() allows, marking each cut with ell (borrowed,
 * e.g. "\u2026" or "~").  Other formats ignore it. */
void out_fit(struct out *o, size_t cols, const char *ell);
/* Let fit cut the column name (after out_names()): prio 1 columns are
 * narrowed first, prio 2 only when that is not enough, 0 never. */
void out_cut(struct out *o, const char *name, int prio);
/* Print what a table holds back to align it. */
void out_flush(struct out *o);
/* Rows printed so far (main and others). */
uint64_t out_rows(const struct out *o);
void out_free(struct out *o);

/* Escapers, for tools writing their own lines. */
void out_json_string(FILE *fp, const char *p, size_t n);
void out_tsv_cell(FILE *fp, const char *p, size_t n);

#endif
