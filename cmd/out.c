/* out.c: rows of named cells as an aligned table, TSV or JSON lines. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "util.h"

#define TABLE_BATCH 1000	/* rows a table holds back to align them */
#define HL_ON "\033[01;31m"
#define HL_OFF "\033[m"

/* A table cell: text in o->text, its width on the screen; a list cell
 * also the rendered length and width of its first item and the count. */
struct cell {
	size_t off, len, width;
	size_t first_len, first_width, nitems;
};

/* Where render() put the first list separator. */
struct lmark {
	size_t start, w;	/* cell's start in the buffer; width so far */
	size_t first_len, first_width, nsep;
};

struct row {
	size_t first, n;	/* cells; a kind line has one cell */
	int line;		/* a line of its own, not aligned */
};

struct out {
	FILE *fp;
	int format, header, color;
	const char *main_kind;
	/* The row being built. */
	const char *kind;
	int ncell;
	/* TSV header and table columns: the first main row's names. */
	char **names;
	size_t nnames;
	int named, header_done;
	/* Table rows held back. */
	struct sbuf text;
	struct cell *cells;
	size_t ncells, ccells;
	struct row *rows;
	size_t nrows, crows;
	struct sbuf line;	/* a kind line being built */
	uint64_t printed;
	/* Fitting a table to the screen (out_fit). */
	size_t cols;
	const char *ell;
	int *cutprio;		/* per name: 0 never cut, 1 first, 2 last */
};

int
out_format_for(FILE *fp, int json)
{
	if (json)
		return OUT_JSON;
	return isatty(fileno(fp)) ? OUT_TABLE : OUT_TSV;
}

int
out_color_for(FILE *fp, int format)
{
	const char *nc = getenv("NO_COLOR");

	if (format != OUT_TABLE || !isatty(fileno(fp)))
		return 0;
	return nc == NULL || *nc == '\0';
}

struct out *
out_new(FILE *fp, int format, int header, int color, const char *main_kind)
{
	struct out *o = xcalloc(1, sizeof(*o));

	o->fp = fp;
	o->format = format;
	o->header = header;
	o->color = color && format == OUT_TABLE;
	o->main_kind = main_kind;
	return o;
}

void
out_free(struct out *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nnames; i++)
		free(o->names[i]);
	free(o->names);
	free(o->cutprio);
	free(o->text.p);
	free(o->line.p);
	free(o->cells);
	free(o->rows);
	free(o);
}

uint64_t
out_rows(const struct out *o)
{
	return o->printed;
}

/* ---- escaping ----------------------------------------------------------- */

static void
json_esc(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;
	char esc[16];

	sb_addc(b, '"');
	while (i < n) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			sb_addc(b, '\\');
			sb_addc(b, c);
			i++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n': sb_adds(b, "\\n"); break;
			case '\t': sb_adds(b, "\\t"); break;
			case '\r': sb_adds(b, "\\r"); break;
			default:
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				sb_adds(b, esc);
				break;
			}
			i++;
		} else if ((len = cli_utf8_seq(p + i, n - i, &cp)) > 0) {
			/* the same text, but not raw on a terminal when the
			 * JSON is read there */
			if (cli_unseen(cp)) {
				snprintf(esc, sizeof(esc), "\\u%04x",
				    (unsigned)cp);
				sb_adds(b, esc);
			} else {
				sb_add(b, p + i, len);
			}
			i += len;
		} else {
			/* A byte that is not UTF-8 becomes a lone low
			 * surrogate U+DC80..U+DCFF ("surrogateescape", PEP
			 * 383): the JSON stays valid and the evidence can be
			 * restored byte for byte. */
			snprintf(esc, sizeof(esc), "\\udc%02x", c);
			sb_adds(b, esc);
			i++;
		}
	}
	sb_addc(b, '"');
}

void
out_json_string(FILE *fp, const char *p, size_t n)
{
	struct sbuf b = { 0 };

	json_esc(&b, p, n);
	fwrite(b.p, 1, b.n, fp);
	free(b.p);
}

static void
tsv_esc(struct sbuf *b, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i;
	uint32_t cp;
	char esc[8];

	for (i = 0; i < n; i++) {
		unsigned char c = u[i];

		/* C1 controls written as UTF-8 are controls too (U+0085 is
		 * a line break to some readers) */
		if (c == 0xc2 && i + 1 < n && cli_utf8_seq(u + i, n - i,
		    &cp) == 2 && cp < 0xa0) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			sb_adds(b, esc);
			i++;
			continue;
		}
		switch (c) {
		case '\t': sb_adds(b, "\\t"); break;
		case '\n': sb_adds(b, "\\n"); break;
		case '\r': sb_adds(b, "\\r"); break;
		case '\\': sb_adds(b, "\\\\"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(esc, sizeof(esc), "\\x%02x", c);
				sb_adds(b, esc);
			} else {
				sb_addc(b, c);
			}
		}
	}
}

void
out_tsv_cell(FILE *fp, const char *p, size_t n)
{
	struct sbuf b = { 0 };

	tsv_esc(&b, p, n);
	if (b.n > 0)
		fwrite(b.p, 1, b.n, fp);
	free(b.p);
}

/*
 * Render for a terminal: C0 and C1 controls, DEL, bytes that are not UTF-8
 * and the characters that are invisible or reorder text (cli_unseen) as
 * escapes, so that a crafted log cannot drive the terminal or change what
 * the reader sees;
 * returns the width added.  sep replaces '\n' when not NULL.
 */
static size_t
render(struct sbuf *b, const char *s, size_t n, const char *sep,
    struct lmark *m)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, w = 0;
	uint32_t cp;
	char esc[16];

	while (i < n) {
		unsigned char c = p[i];

		if (c == '\n' && sep != NULL) {
			if (m != NULL && m->nsep++ == 0) {
				m->first_len = b->n - m->start;
				m->first_width = m->w + w;
			}
			sb_adds(b, sep);
			w += strlen(sep);
			i++;
		} else if (c == '\\') {
			sb_adds(b, "\\\\");
			w += 2;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			sb_adds(b, esc);
			w += 4;
			i++;
		} else if ((len = cli_utf8_seq(p + i, n - i, &cp)) == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			sb_adds(b, esc);
			w += 4;
			i++;
		} else if (cli_unseen(cp)) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			sb_adds(b, esc);
			w += 6;
			i += len;
		} else {
			sb_add(b, p + i, len);
			w++;
			i += len;
		}
	}
	return w;
}

/* Render with the spans hl finds highlighted. */
static size_t
render_hl(struct out *o, struct sbuf *b, const char *p, size_t n,
    const char *sep, const struct out_hl *hl, int field, struct lmark *m)
{
	size_t at = 0, s, e, w = 0;

	if (!o->color || hl == NULL || hl->find == NULL)
		return render(b, p, n, sep, m);
	while (at < n && hl->find(hl->arg, field, p, n, at, &s, &e) == 1 &&
	    s >= at && e > s && e <= n) {
		w += render(b, p + at, s - at, sep, m);
		if (m != NULL)
			m->w = w;
		sb_adds(b, HL_ON);
		w += render(b, p + s, e - s, sep, m);
		if (m != NULL)
			m->w = w;
		sb_adds(b, HL_OFF);
		at = e;
	}
	return w + render(b, p + at, n - at, sep, m);
}

/* ---- rows --------------------------------------------------------------- */

void
out_begin(struct out *o, const char *kind)
{
	o->kind = kind;
	o->ncell = 0;
	o->line.n = 0;
	sb_adds(&o->line, "");
	switch (o->format) {
	case OUT_JSON:
		sb_addc(&o->line, '{');
		if (kind != NULL || o->main_kind != NULL) {
			sb_adds(&o->line, "\"type\":");
			json_esc(&o->line, kind ? kind : o->main_kind,
			    strlen(kind ? kind : o->main_kind));
			o->ncell++;
		}
		break;
	case OUT_TSV:
		if (kind != NULL) {
			sb_addc(&o->line, '#');
			tsv_esc(&o->line, kind, strlen(kind));
			o->ncell++;
		}
		break;
	case OUT_TABLE:
		if (kind != NULL) {
			if (o->color)
				sb_adds(&o->line, "\033[1m");
			render(&o->line, kind, strlen(kind), NULL, NULL);
		}
		break;
	case OUT_CARD:
		if (kind != NULL) {
			render(&o->line, kind, strlen(kind), NULL, NULL);
			sb_addc(&o->line, '\n');
		}
		break;
	}
}

/* Names are padded to this many columns in a card; longer ones run on. */
#define CARD_NAME 16

/* A card line: the name, then the value, a list's further items on lines
 * of their own under the first. */
static void
card_cell(struct out *o, const char *name, const char *p, size_t n)
{
	size_t w, i, start;

	w = render(&o->line, name, strlen(name), NULL, NULL);
	if (n == 0) {
		sb_addc(&o->line, '\n');
		return;
	}
	do
		sb_addc(&o->line, ' ');
	while (++w < CARD_NAME + 2);
	for (i = start = 0; i <= n; i++) {
		if (i < n && p[i] != '\n')
			continue;
		if (start > 0)
			for (w = 0; w < CARD_NAME + 2; w++)
				sb_addc(&o->line, ' ');
		render(&o->line, p + start, i - start, NULL, NULL);
		sb_addc(&o->line, '\n');
		start = i + 1;
	}
}

void
out_names(struct out *o, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		o->names = xrealloc(o->names, o->nnames + 1,
		    sizeof(*o->names));
		o->names[o->nnames] = xstrdup(names[i]);
		o->nnames++;
	}
	o->named = 1;
}

static void
remember_name(struct out *o, const char *name)
{
	if (o->kind != NULL || o->named)
		return;
	o->names = xrealloc(o->names, o->nnames + 1, sizeof(*o->names));
	o->names[o->nnames] = xstrdup(name);
	o->nnames++;
}

/* Start a cell: separators, JSON key, table cell bookkeeping. */
static void
cell_begin(struct out *o, const char *name)
{
	remember_name(o, name);
	switch (o->format) {
	case OUT_JSON:
		if (o->ncell > 0)
			sb_addc(&o->line, ',');
		json_esc(&o->line, name, strlen(name));
		sb_addc(&o->line, ':');
		break;
	case OUT_TSV:
		if (o->ncell > 0)
			sb_addc(&o->line, '\t');
		break;
	case OUT_TABLE:
		if (o->kind != NULL) {
			sb_addc(&o->line, ' ');
			render(&o->line, name, strlen(name), NULL, NULL);
			sb_addc(&o->line, '=');
		}
		break;
	case OUT_CARD:
		break;
	}
	o->ncell++;
}

static void
table_cell(struct out *o, const char *p, size_t n, const char *sep,
    const struct out_hl *hl, int field)
{
	struct cell *c;
	struct lmark m = { 0 };
	size_t off = o->text.n;

	if (o->kind != NULL) {
		render_hl(o, &o->line, p, n, sep, hl, field, NULL);
		return;
	}
	if (o->ncells == o->ccells) {
		o->ccells = o->ccells ? o->ccells * 2 : 256;
		o->cells = xrealloc(o->cells, o->ccells, sizeof(*o->cells));
	}
	c = &o->cells[o->ncells++];
	m.start = off;
	c->width = render_hl(o, &o->text, p, n, sep, hl, field, &m);
	c->off = off;
	c->len = o->text.n - off;
	c->nitems = m.nsep + 1;
	c->first_len = m.nsep > 0 ? m.first_len : c->len;
	c->first_width = m.nsep > 0 ? m.first_width : c->width;
}

void
out_str_hl(struct out *o, const char *name, const char *p, size_t n,
    const struct out_hl *hl, int field)
{
	cell_begin(o, name);
	switch (o->format) {
	case OUT_JSON:
		json_esc(&o->line, p, n);
		break;
	case OUT_TSV:
		tsv_esc(&o->line, p, n);
		break;
	case OUT_TABLE:
		table_cell(o, p, n, NULL, hl, field);
		break;
	case OUT_CARD:
		card_cell(o, name, p, n);
		break;
	}
}

void
out_str(struct out *o, const char *name, const char *p, size_t n)
{
	out_str_hl(o, name, p, n, NULL, 0);
}

void
out_list(struct out *o, const char *name, const char *p, size_t n,
    const struct out_hl *hl, int field)
{
	size_t i, start;

	if (o->format != OUT_JSON) {
		cell_begin(o, name);
		if (o->format == OUT_TSV)
			tsv_esc(&o->line, p, n);
		else if (o->format == OUT_CARD)
			card_cell(o, name, p, n);
		else
			table_cell(o, p, n, ", ", hl, field);
		return;
	}
	cell_begin(o, name);
	sb_addc(&o->line, '[');
	for (i = start = 0; n > 0 && i <= n; i++) {
		if (i < n && p[i] != '\n')
			continue;
		if (start > 0)
			sb_addc(&o->line, ',');
		json_esc(&o->line, p + start, i - start);
		start = i + 1;
	}
	sb_addc(&o->line, ']');
}

void
out_int(struct out *o, const char *name, int64_t v)
{
	char buf[32];
	int n = 0;

	if (v >= 0)
		n = snprintf(buf, sizeof(buf), "%" PRId64, v);
	if (o->format == OUT_JSON) {
		cell_begin(o, name);
		if (v < 0)
			sb_adds(&o->line, "null");
		else
			sb_adds(&o->line, buf);
		return;
	}
	out_str(o, name, buf, (size_t)n);
}

void
out_num(struct out *o, const char *name, double v)
{
	char buf[64];
	int n;

	/* A whole number as it is (bytes: 2676912658, not 2.67691e+09),
	 * else six significant digits; both are valid JSON numbers. */
	if (v != v || v - v != 0)
		n = 0;
	else if (v == (double)(int64_t)v && v < 1e15 && v > -1e15)
		n = snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)v);
	else
		n = snprintf(buf, sizeof(buf), "%.6g", v);
	if (o->format == OUT_JSON) {
		cell_begin(o, name);
		sb_adds(&o->line, n > 0 ? buf : "null");
		return;
	}
	out_str(o, name, buf, (size_t)n);
}

void
out_mark(struct out *o, const char *name, int on)
{
	if (o->format == OUT_JSON) {
		cell_begin(o, name);
		sb_adds(&o->line, on ? "true" : "false");
		return;
	}
	out_str(o, name, on ? "*" : "", on ? 1 : 0);
}

static void
table_push_row(struct out *o, size_t first, size_t n, int line)
{
	if (o->nrows == o->crows) {
		o->crows = o->crows ? o->crows * 2 : 64;
		o->rows = xrealloc(o->rows, o->crows, sizeof(*o->rows));
	}
	o->rows[o->nrows].first = first;
	o->rows[o->nrows].n = n;
	o->rows[o->nrows].line = line;
	o->nrows++;
}

/* Walk rendered text: the bytes of p that fit in maxw screen columns
 * without splitting a character, an escape or a colour sequence; *width
 * gets their width, *open whether a colour is left on. */
static size_t
vis_fit(const char *p, size_t n, size_t maxw, size_t *width, int *open)
{
	size_t i = 0, w = 0, len, uw;
	uint32_t cp;

	*open = 0;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c == 0x1b) {
			len = 1;
			while (i + len < n && p[i + len - 1] != 'm')
				len++;
			/* No colour begun where nothing more fits. */
			if (!(len == 3 && p[i + 1] == '[') && w >= maxw)
				break;
			*open = !(len == 3 && p[i + 1] == '[');
			i += len;
			continue;
		}
		if (c == '\\' && i + 1 < n)
			len = uw = p[i + 1] == 'x' ? 4 : p[i + 1] == 'u' ? 6 : 2;
		else if ((len = cli_utf8_seq((const unsigned char *)p + i, n - i,
		    &cp)) == 0)
			len = 1, uw = 1;
		else
			uw = 1;
		if (i + len > n)
			len = n - i;
		if (w + uw > maxw)
			break;
		w += uw;
		i += len;
	}
	*width = w;
	return i;
}

/* Queue o->line as a line of its own. */
static void
table_push_line(struct out *o)
{
	struct cell *c;
	int open;

	if (o->ncells == o->ccells) {
		o->ccells = o->ccells ? o->ccells * 2 : 256;
		o->cells = xrealloc(o->cells, o->ccells, sizeof(*o->cells));
	}
	c = &o->cells[o->ncells++];
	c->off = o->text.n;
	sb_add(&o->text, o->line.p, o->line.n);
	c->len = o->line.n;
	vis_fit(o->line.p, o->line.n, SIZE_MAX, &c->width, &open);
	c->first_len = c->len;
	c->first_width = c->width;
	c->nitems = 1;
	table_push_row(o, o->ncells - 1, 1, 1);
}

void
out_line(struct out *o, const char *p, size_t n)
{
	if (o->format != OUT_TABLE)
		return;
	o->line.n = 0;
	sb_adds(&o->line, "");
	if (o->color)
		sb_adds(&o->line, "\033[1m");
	render(&o->line, p, n, NULL, NULL);
	if (o->color)
		sb_adds(&o->line, "\033[m");
	table_push_line(o);
	if (o->nrows >= TABLE_BATCH)
		out_flush(o);
}

size_t
out_term_width(FILE *fp)
{
	struct winsize ws;
	const char *e = getenv("COLUMNS");
	char *end;
	long v;

	if (!isatty(fileno(fp)))
		return 0;
	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (e != NULL && *e != '\0') {
		v = strtol(e, &end, 10);
		if (*end == '\0' && v > 0 && v <= 100000)
			return (size_t)v;
	}
	return 80;
}

int
out_utf8(void)
{
	const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v;
	size_t i;

	/* The first that is set decides, as setlocale(3) would. */
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if ((v = getenv(vars[i])) == NULL || *v == '\0')
			continue;
		for (; *v != '\0'; v++)
			if (strncasecmp(v, "utf-8", 5) == 0 ||
			    strncasecmp(v, "utf8", 4) == 0)
				return 1;
		return 0;
	}
	return 0;
}

void
out_fit(struct out *o, size_t cols, const char *ell)
{
	o->cols = o->format == OUT_TABLE ? cols : 0;
	o->ell = ell;
}

void
out_cut(struct out *o, const char *name, int prio)
{
	size_t j;

	if (o->cutprio == NULL && o->nnames > 0 &&
	    (o->cutprio = calloc(o->nnames, sizeof(*o->cutprio))) == NULL)
		cli_die("out of memory");
	for (j = 0; j < o->nnames; j++)
		if (strcmp(o->names[j], name) == 0)
			o->cutprio[j] = prio;
}

void
out_end(struct out *o)
{
	if (o->kind == NULL && !o->named)
		o->named = 1;
	switch (o->format) {
	case OUT_JSON:
		sb_adds(&o->line, "}\n");
		fwrite(o->line.p, 1, o->line.n, o->fp);
		o->printed++;
		break;
	case OUT_TSV:
		if ((o->kind == NULL || o->nnames > 0) && o->header &&
		    !o->header_done) {
			size_t j;

			for (j = 0; j < o->nnames; j++) {
				if (j > 0)
					putc('\t', o->fp);
				out_tsv_cell(o->fp, o->names[j],
				    strlen(o->names[j]));
			}
			putc('\n', o->fp);
			o->header_done = 1;
		}
		sb_addc(&o->line, '\n');
		fwrite(o->line.p, 1, o->line.n, o->fp);
		o->printed++;
		break;
	case OUT_CARD:
		/* A blank line between records. */
		sb_addc(&o->line, '\n');
		fwrite(o->line.p, 1, o->line.n, o->fp);
		o->printed++;
		break;
	case OUT_TABLE: {
		size_t first;

		if (o->kind != NULL) {
			if (o->color)
				sb_adds(&o->line, "\033[m");
			table_push_line(o);
		} else {
			first = o->ncells - (size_t)o->ncell;
			table_push_row(o, first, (size_t)o->ncell, 0);
		}
		if (o->nrows >= TABLE_BATCH)
			out_flush(o);
		break;
	}
	}
	o->kind = NULL;
}

/* Cap on the width a column is padded to; longer cells run on (or are
 * cut when fitting). */
#define COL_MAX 48
/* Narrowest a column is cut to when fitting, unless its cells are all
 * narrower: then only its name is cut, to two columns at least. */
#define COL_MIN 6

/* Print cell c cut to maxw columns; returns the width printed. */
static size_t
put_cut(struct out *o, const struct cell *c, size_t maxw)
{
	const char *p = o->text.p + c->off;
	size_t ellw = 1, n, w, more = c->nitems - 1;
	char plus[32] = "";
	int open, pn = 0;

	if (c->width <= maxw || maxw == 0) {
		fwrite(p, 1, c->len, o->fp);
		return c->width;
	}
	if (more > 0)
		pn = snprintf(plus, sizeof(plus), " +%zu", more);
	if (more > 0 && c->first_width + (size_t)pn <= maxw) {
		/* The first of several, and how many more. */
		n = vis_fit(p, c->first_len, SIZE_MAX, &w, &open);
		fwrite(p, 1, n, o->fp);
		if (open)
			fputs("\033[m", o->fp);
		fputs(plus, o->fp);
		return w + (size_t)pn;
	}
	if (more > 0 && maxw > (size_t)pn + ellw) {
		n = vis_fit(p, c->first_len, maxw - (size_t)pn - ellw, &w,
		    &open);
		fwrite(p, 1, n, o->fp);
		if (open)
			fputs("\033[m", o->fp);
		fputs(o->ell, o->fp);
		fputs(plus, o->fp);
		return w + ellw + (size_t)pn;
	}
	n = vis_fit(p, c->len, maxw - ellw, &w, &open);
	fwrite(p, 1, n, o->fp);
	if (open)
		fputs("\033[m", o->fp);
	fputs(o->ell, o->fp);
	return w + ellw;
}

/* Narrow the cuttable columns until a row fits in o->cols. */
static void
fit_widths(struct out *o, size_t *w, const size_t *cmax, size_t ncol)
{
	size_t total = 0, j, best;
	int prio;

	for (j = 0; j < ncol; j++)
		total += w[j] + (j + 1 < ncol ? 2 : 0);
	for (prio = 1; prio <= 2; prio++) {
		while (total > o->cols) {
			best = SIZE_MAX;
			for (j = 0; j < ncol && j < o->nnames; j++)
				if (o->cutprio[j] == prio && w[j] > 2 &&
				    (w[j] > COL_MIN || w[j] > cmax[j]) &&
				    (best == SIZE_MAX || w[j] > w[best]))
					best = j;
			if (best == SIZE_MAX)
				break;
			w[best]--;
			total--;
		}
	}
}

void
out_flush(struct out *o)
{
	size_t *w, *cmax, i, j, ncol = 0, pw;
	int fit;

	if (o->format != OUT_TABLE || o->nrows == 0)
		return;
	for (i = 0; i < o->nrows; i++)
		if (!o->rows[i].line && o->rows[i].n > ncol)
			ncol = o->rows[i].n;
	if (ncol < o->nnames)
		ncol = o->nnames;
	fit = o->cols > 0 && o->cutprio != NULL;
	w = xcalloc(ncol + 1, sizeof(*w));
	cmax = xcalloc(ncol + 1, sizeof(*cmax));
	for (j = 0; j < o->nnames; j++)
		w[j] = strlen(o->names[j]);
	for (i = 0; i < o->nrows; i++) {
		if (o->rows[i].line)
			continue;
		for (j = 0; j < o->rows[i].n; j++) {
			size_t cw = o->cells[o->rows[i].first + j].width;

			if (cw > cmax[j])
				cmax[j] = cw;
			if (cw > w[j])
				w[j] = cw > COL_MAX && (!fit ||
				    j >= o->nnames || o->cutprio[j] != 0) ?
				    COL_MAX : cw;
		}
	}
	if (fit)
		fit_widths(o, w, cmax, ncol);
	if (o->header && !o->header_done && o->nnames > 0) {
		for (j = 0; j < o->nnames; j++) {
			const char *nm = o->names[j];
			size_t nl = strlen(nm), shown = nl;

			if (o->color)
				fputs("\033[4m", o->fp);
			if (fit && nl > w[j]) {
				fwrite(nm, 1, w[j] - 1, o->fp);
				fputs(o->ell, o->fp);
				shown = w[j];
			} else {
				fputs(nm, o->fp);
			}
			if (o->color)
				fputs("\033[m", o->fp);
			if (j + 1 < o->nnames)
				fprintf(o->fp, "%*s", (int)(w[j] + 2 -
				    shown), "");
		}
		putc('\n', o->fp);
		o->header_done = 1;
	}
	for (i = 0; i < o->nrows; i++) {
		const struct row *r = &o->rows[i];

		for (j = 0; j < r->n; j++) {
			const struct cell *c = &o->cells[r->first + j];

			if (!fit) {
				fwrite(o->text.p + c->off, 1, c->len, o->fp);
				pw = c->width;
			} else if (r->line) {
				pw = put_cut(o, c, o->cols);
			} else {
				pw = put_cut(o, c, j < o->nnames &&
				    o->cutprio[j] != 0 ? w[j] : 0);
			}
			if (!r->line && j + 1 < r->n && pw < w[j] + 2)
				fprintf(o->fp, "%*s",
				    (int)(w[j] + 2 - pw), "");
			else if (!r->line && j + 1 < r->n)
				putc(' ', o->fp);
		}
		putc('\n', o->fp);
		o->printed++;
	}
	free(w);
	free(cmax);
	o->nrows = o->ncells = 0;
	o->text.n = 0;
}
