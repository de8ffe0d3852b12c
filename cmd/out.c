/* out.c: rows of named cells as an aligned table, TSV or JSON lines. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"

#define TABLE_BATCH 1000	/* rows a table holds back to align them */
#define HL_ON "\033[01;31m"
#define HL_OFF "\033[m"

struct sbuf {
	char *p;
	size_t n, cap;
};

static void
sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;

		while (ncap < b->n + n + 1)
			ncap *= 2;
		if ((b->p = realloc(b->p, ncap)) == NULL)
			cli_die("out of memory");
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
sb_adds(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void
sb_addc(struct sbuf *b, int c)
{
	char ch = (char)c;

	sb_add(b, &ch, 1);
}

/* A table cell: text in o->text, its width on the screen. */
struct cell {
	size_t off, len, width;
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
};

/* Length of the valid UTF-8 sequence at p (1 to 4) with its code point,
 * or 0 for an invalid byte (overlong forms, surrogates and values above
 * U+10FFFF are invalid). */
static size_t
utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

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
	struct out *o = calloc(1, sizeof(*o));

	if (o == NULL)
		cli_die("out of memory");
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
		} else if ((len = utf8_seq(p + i, n - i, &cp)) > 0) {
			sb_add(b, p + i, len);
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
	size_t i;
	char esc[8];

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

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
 * Render for a terminal: C0 and C1 controls, DEL and bytes that are not
 * UTF-8 as escapes, so that a crafted log cannot drive the terminal;
 * returns the width added.  sep replaces '\n' when not NULL.
 */
static size_t
render(struct sbuf *b, const char *s, size_t n, const char *sep)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, w = 0;
	uint32_t cp;
	char esc[16];

	while (i < n) {
		unsigned char c = p[i];

		if (c == '\n' && sep != NULL) {
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
		} else if ((len = utf8_seq(p + i, n - i, &cp)) == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			sb_adds(b, esc);
			w += 4;
			i++;
		} else if (cp >= 0x80 && cp < 0xa0) {
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
    const char *sep, const struct out_hl *hl, int field)
{
	size_t at = 0, s, e, w = 0;

	if (!o->color || hl == NULL || hl->find == NULL)
		return render(b, p, n, sep);
	while (at < n && hl->find(hl->arg, field, p, n, at, &s, &e) == 1 &&
	    s >= at && e > s && e <= n) {
		w += render(b, p + at, s - at, sep);
		sb_adds(b, HL_ON);
		w += render(b, p + s, e - s, sep);
		sb_adds(b, HL_OFF);
		at = e;
	}
	return w + render(b, p + at, n - at, sep);
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
			render(&o->line, kind, strlen(kind), NULL);
		}
		break;
	}
}

void
out_names(struct out *o, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		o->names = realloc(o->names, (o->nnames + 1) *
		    sizeof(*o->names));
		if (o->names == NULL ||
		    (o->names[o->nnames] = strdup(names[i])) == NULL)
			cli_die("out of memory");
		o->nnames++;
	}
	o->named = 1;
}

static void
remember_name(struct out *o, const char *name)
{
	if (o->kind != NULL || o->named)
		return;
	o->names = realloc(o->names, (o->nnames + 1) * sizeof(*o->names));
	if (o->names == NULL ||
	    (o->names[o->nnames] = strdup(name)) == NULL)
		cli_die("out of memory");
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
			render(&o->line, name, strlen(name), NULL);
			sb_addc(&o->line, '=');
		}
		break;
	}
	o->ncell++;
}

static void
table_cell(struct out *o, const char *p, size_t n, const char *sep,
    const struct out_hl *hl, int field)
{
	struct cell *c;
	size_t off = o->text.n;

	if (o->kind != NULL) {
		render_hl(o, &o->line, p, n, sep, hl, field);
		return;
	}
	if (o->ncells == o->ccells) {
		o->ccells = o->ccells ? o->ccells * 2 : 256;
		o->cells = realloc(o->cells, o->ccells * sizeof(*o->cells));
		if (o->cells == NULL)
			cli_die("out of memory");
	}
	c = &o->cells[o->ncells++];
	c->width = render_hl(o, &o->text, p, n, sep, hl, field);
	c->off = off;
	c->len = o->text.n - off;
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
		o->rows = realloc(o->rows, o->crows * sizeof(*o->rows));
		if (o->rows == NULL)
			cli_die("out of memory");
	}
	o->rows[o->nrows].first = first;
	o->rows[o->nrows].n = n;
	o->rows[o->nrows].line = line;
	o->nrows++;
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
	case OUT_TABLE: {
		size_t first;

		if (o->kind != NULL) {
			struct cell *c;

			if (o->color)
				sb_adds(&o->line, "\033[m");
			if (o->ncells == o->ccells) {
				o->ccells = o->ccells ? o->ccells * 2 : 256;
				o->cells = realloc(o->cells,
				    o->ccells * sizeof(*o->cells));
				if (o->cells == NULL)
					cli_die("out of memory");
			}
			c = &o->cells[o->ncells++];
			c->off = o->text.n;
			sb_add(&o->text, o->line.p, o->line.n);
			c->len = o->line.n;
			c->width = 0;
			table_push_row(o, o->ncells - 1, 1, 1);
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

/* Cap on the width a column is padded to; longer cells run on. */
#define COL_MAX 48

void
out_flush(struct out *o)
{
	size_t *w, i, j, ncol = 0;

	if (o->format != OUT_TABLE || o->nrows == 0)
		return;
	for (i = 0; i < o->nrows; i++)
		if (!o->rows[i].line && o->rows[i].n > ncol)
			ncol = o->rows[i].n;
	if (ncol < o->nnames)
		ncol = o->nnames;
	if ((w = calloc(ncol + 1, sizeof(*w))) == NULL)
		cli_die("out of memory");
	for (j = 0; j < o->nnames; j++)
		w[j] = strlen(o->names[j]);
	for (i = 0; i < o->nrows; i++) {
		if (o->rows[i].line)
			continue;
		for (j = 0; j < o->rows[i].n; j++) {
			size_t cw = o->cells[o->rows[i].first + j].width;

			if (cw > w[j])
				w[j] = cw > COL_MAX ? COL_MAX : cw;
		}
	}
	if (o->header && !o->header_done && o->nnames > 0) {
		for (j = 0; j < o->nnames; j++) {
			if (o->color)
				fputs("\033[4m", o->fp);
			fputs(o->names[j], o->fp);
			if (o->color)
				fputs("\033[m", o->fp);
			if (j + 1 < o->nnames)
				fprintf(o->fp, "%*s", (int)(w[j] + 2 -
				    strlen(o->names[j])), "");
		}
		putc('\n', o->fp);
		o->header_done = 1;
	}
	for (i = 0; i < o->nrows; i++) {
		const struct row *r = &o->rows[i];

		for (j = 0; j < r->n; j++) {
			const struct cell *c = &o->cells[r->first + j];

			fwrite(o->text.p + c->off, 1, c->len, o->fp);
			if (!r->line && j + 1 < r->n && c->width < w[j] + 2)
				fprintf(o->fp, "%*s",
				    (int)(w[j] + 2 - c->width), "");
			else if (!r->line && j + 1 < r->n)
				putc(' ', o->fp);
		}
		putc('\n', o->fp);
		o->printed++;
	}
	free(w);
	o->nrows = o->ncells = 0;
	o->text.n = 0;
}
