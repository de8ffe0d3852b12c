/* split.c: a log's bytes to records: lines, CSV records, JSON values. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"

#define BLOCK (128u << 10)	/* least room for one stream read */
#define LOOKAHEAD 4096		/* bytes to tell a wrapper object */

enum {
	RK_LINE = 0,		/* to the next LF */
	RK_CSV,			/* to the next LF outside quotes */
	RK_JVAL,		/* JSON object, array or string */
	RK_JBARE,		/* anything else at the top: to the line end */
	RK_JSCALAR,		/* a scalar array element */
};

enum { JS_TOP = 0, JS_ARRAY, JS_REST };

/* Inside an array: what came last. */
enum { AR_START = 0, AR_ELEM, AR_COMMA };

struct sl_split {
	struct sl_stream *s;
	int mode;
	size_t max;
	char *buf;
	size_t cap, start, end;	/* unconsumed bytes: buf[start..end) */
	uint64_t base;		/* log offset of buf[0] */
	uint64_t line;		/* line of buf[start] */
	int eof, disc, err, owe_disc, bom_done;
	size_t consume;		/* to drop at the next call */
	uint64_t consume_nl;
	/* The record being looked at; positions relative to start. */
	int rk, inrec, skip;
	size_t scan;
	uint64_t nl;
	int depth, instr, esc;	/* JSON */
	int inq, rec0;		/* CSV */
	int64_t last_close;
	unsigned char prevc;
	int js, wrapped;	/* JSON: inside an array to unwrap */
	int ar;			/* JSON: AR_*, inside that array */
	uint64_t repairs, repair_off;	/* malformed JSON read as meant */
	uint64_t comma_off;	/* of the last comma in an array */
	const char *repair_what;	/* the first such place */
	int resync;		/* after lost data: 1 to the next LF, 2 to a
				 * '{' at a line start (3: not at one now) */
	char msg[768];
};

struct sl_split *
sl_split_new(struct sl_stream *s, int mode, size_t max_record)
{
	struct sl_split *sp;

	sp = calloc(1, sizeof(*sp));
	if (sp == NULL)
		return NULL;
	sp->s = s;
	sp->mode = mode;
	sp->max = max_record ? max_record : SL_MAX_RECORD_DEFAULT;
	sp->cap = 2 * BLOCK;
	sp->buf = malloc(sp->cap);
	if (sp->buf == NULL) {
		free(sp);
		return NULL;
	}
	sp->line = 1;
	return sp;
}

void
sl_split_free(struct sl_split *sp)
{
	if (sp == NULL)
		return;
	free(sp->buf);
	free(sp);
}

const char *
sl_split_error(const struct sl_split *sp)
{
	return sp->msg;
}

static void
rec_reset(struct sl_split *sp)
{
	sp->inrec = sp->skip = 0;
	sp->scan = 0;
	sp->nl = 0;
	sp->depth = sp->instr = sp->esc = 0;
	sp->inq = 0;
	sp->rec0 = 1;
	sp->last_close = -2;
}

void
sl_split_set_mode(struct sl_split *sp, int mode)
{
	sp->mode = mode;
	sp->js = JS_TOP;
	sp->wrapped = 0;
	sp->ar = AR_START;
	rec_reset(sp);
}

uint64_t
sl_split_tell(const struct sl_split *sp)
{
	return sp->base + sp->end;
}

int
sl_split_failed(const struct sl_split *sp)
{
	return sp->err;
}

uint64_t
sl_split_repairs(const struct sl_split *sp, uint64_t *first,
    const char **what)
{
	*first = sp->repair_off;
	*what = sp->repair_what != NULL ? sp->repair_what : "";
	return sp->repairs;
}

/* Malformed JSON at buf[start] that is read as its writer meant it: say
 * so, since the evidence is not what it should be. */
static void
repaired(struct sl_split *sp, uint64_t off, const char *what)
{
	if (sp->repairs++ == 0) {
		sp->repair_off = off;
		sp->repair_what = what;
	}
}

/* Read more of the stream.  1 if bytes came, 0 if not (eof, disc or err
 * set). */
static int
more(struct sl_split *sp)
{
	ssize_t r;
	char *p;

	if (sp->eof || sp->disc || sp->err)
		return 0;
	if (sp->start > 0 && sp->cap - sp->end < BLOCK) {
		memmove(sp->buf, sp->buf + sp->start, sp->end - sp->start);
		sp->base += sp->start;
		sp->end -= sp->start;
		sp->start = 0;
	}
	if (sp->cap - sp->end < BLOCK) {
		p = realloc(sp->buf, sp->cap * 2);
		if (p == NULL) {
			sp->err = -ENOMEM;
			snprintf(sp->msg, sizeof(sp->msg), "%s",
			    strerror(ENOMEM));
			return 0;
		}
		sp->buf = p;
		sp->cap *= 2;
	}
	r = sl_stream_read(sp->s, sp->buf + sp->end, sp->cap - sp->end);
	if (r > 0) {
		sp->end += (size_t)r;
		if (!sp->bom_done && sp->base + sp->start == 0 &&
		    sp->end - sp->start >= 3) {
			sp->bom_done = 1;
			if (memcmp(sp->buf + sp->start, "\xef\xbb\xbf", 3) == 0)
				sp->start += 3;
		}
		return 1;
	}
	sp->bom_done = 1;
	if (r == 0) {
		sp->eof = 1;
	} else if (r == SL_EDISCONT) {
		sp->disc = 1;
		snprintf(sp->msg, sizeof(sp->msg), "%s",
		    sl_stream_error(sp->s));
	} else {
		sp->err = (int)r;
		snprintf(sp->msg, sizeof(sp->msg), "%s",
		    sl_stream_error(sp->s));
	}
	return 0;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

/* Drop n bytes at start (not part of a record), counting lines. */
static void
drop(struct sl_split *sp, size_t n)
{
	const char *p = sp->buf + sp->start, *e = p + n;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		sp->line++;
		p++;
	}
	sp->start += n;
}

/*
 * Scan the current record from sp->scan on.  1 with *rend (end of the
 * record's bytes) and *rnext (after its terminator), 0 if the data ends
 * first (everything scanned).  Positions relative to start.
 */
/* The bytes scan_rec acts on inside a JSON string, and outside one. */
static const unsigned char str_stop[256] = {
	['"'] = 1, ['\\'] = 1, ['\n'] = 1,
};
static const unsigned char tok_stop[256] = {
	['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1, ['\n'] = 1,
};

int sl_split_blocks = 1;

#if defined(__SSE2__)
/* Bit i set for byte i of the 64 in x that equals v. */
static inline uint64_t
mask64(const __m128i x[4], __m128i v)
{
	return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x[0], v)) |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x[1], v)) <<
	    16 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x[2], v)) <<
	    32 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x[3], v)) <<
	    48;
}

/* Bit i: the parity of the bits 0 .. i of x. */
static inline uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/*
 * A JSON value's bytes from q on, 64 a step, inside an object or array
 * (depth > 0) and not after a backslash.  A block without a backslash and
 * without a newline inside a string changes only instr and depth, and its
 * bits tell both: the quotes' running parity is where the strings are, and
 * the brackets outside them step the depth (the idea of simdjson's stage
 * 1, Langdale and Lemire, 2019).  The byte loop below takes one step a
 * byte, a sixth of the raw grep's time before this.
 *
 * Returns where the bytewise scan must go on, with instr and depth as they
 * are there: at a bracket that closes the value or a newline outside a
 * string (*fast just after it: blocks again from there), at the start of a
 * block it must scan itself (*fast after the block), or at the last bytes,
 * fewer than a block (*fast at e).
 */
static const char *
json_blocks(struct sl_split *sp, const char *q, const char *e,
    const char **fast)
{
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
	    nl = _mm_set1_epi8('\n'), open = _mm_set1_epi8('{'),
	    close = _mm_set1_epi8('}'), bit = _mm_set1_epi8(0x20);

	for (; e - q >= 64; q += 64) {
		__m128i x[4], y[4];
		uint64_t in, nls, opens, closes, ev, one;
		int i, k;

		for (i = 0; i < 4; i++) {
			x[i] = _mm_loadu_si128((const __m128i *)(q + 16 * i));
			/* '[' and ']' are '{' and '}' but for bit 0x20. */
			y[i] = _mm_or_si128(x[i], bit);
		}
		if (mask64(x, bs) != 0) {
			*fast = q + 64;
			return q;
		}
		/* Set for an opening quote and a string's bytes. */
		in = prefix_xor(mask64(x, quote));
		if (sp->instr)
			in = ~in;
		nls = mask64(x, nl);
		if ((nls & in) != 0) {
			*fast = q + 64;
			return q;
		}
		opens = mask64(y, open) & ~in;
		closes = mask64(y, close) & ~in;
		for (ev = opens | closes | (nls & ~in); ev != 0; ev &= ev - 1) {
			k = __builtin_ctzll(ev);
			one = (uint64_t)1 << k;
			if (opens & one) {
				sp->depth++;
			} else if ((closes & one) && sp->depth > 1) {
				sp->depth--;
			} else {
				sp->instr = 0;
				*fast = q + k + 1;
				return q + k;
			}
		}
		sp->instr = (int)(in >> 63);
	}
	*fast = e;
	return q;
}
#endif

static int
scan_rec(struct sl_split *sp, size_t *rend, size_t *rnext)
{
	const char *b = sp->buf + sp->start, *p = b + sp->scan;
	const char *e = sp->buf + sp->end, *q, *le;
#if defined(__SSE2__)
	const char *fast = p;	/* where json_blocks may be tried again */
#endif

	switch (sp->rk) {
	case RK_LINE:
	case RK_JBARE:
		q = memchr(p, '\n', (size_t)(e - p));
		if (q == NULL)
			break;
		*rnext = (size_t)(q - b) + 1;
		sp->nl++;
		while (q > b && (q[-1] == '\r' || (sp->rk == RK_JBARE &&
		    blank((unsigned char)q[-1]))))
			q--;
		*rend = (size_t)(q - b);
		return 1;
	case RK_CSV:
		for (;;) {
			le = memchr(p, '\n', (size_t)(e - p));
			q = p;
			while ((q = memchr(q, '"', (size_t)((le ? le : e) -
			    q))) != NULL) {
				int64_t at = q - b;

				if (sp->inq) {
					sp->inq = 0;
					sp->last_close = at;
				} else {
					int c = q > b ? (unsigned char)q[-1] :
					    sp->rec0 ? ',' : sp->prevc;

					if (c == ',' || c == '\t' ||
					    at == sp->last_close + 1)
						sp->inq = 1;
				}
				q++;
			}
			if (le == NULL)
				break;
			sp->nl++;
			if (sp->inq) {
				p = le + 1;
				continue;
			}
			*rnext = (size_t)(le - b) + 1;
			if (le > b && le[-1] == '\r')
				le--;
			*rend = (size_t)(le - b);
			return 1;
		}
		break;
	case RK_JSCALAR:
		for (q = p; q < e; q++) {
			int c = (unsigned char)*q;

			if (blank(c) || c == ',' || c == ']' || c == '}')
				break;
		}
		if (q == e)
			break;
		*rend = *rnext = (size_t)(q - b);
		return 1;
	default:
		for (q = p; q < e; q++) {
			int c;

#if defined(__SSE2__)
			if (q >= fast && sp->depth > 0 && !sp->esc &&
			    sl_split_blocks) {
				q = json_blocks(sp, q, e, &fast);
				if (q == e)
					break;
			}
#endif
			/* Past the bytes that change nothing, in a tight
			 * loop: most of a record is inside strings. */
			if (sp->instr && !sp->esc) {
				while (q < e && !str_stop[(unsigned char)*q])
					q++;
			} else if (!sp->instr) {
				while (q < e && !tok_stop[(unsigned char)*q])
					q++;
			}
			if (q == e)
				break;
			c = (unsigned char)*q;
			if (sp->instr) {
				if (sp->esc) {
					sp->esc = 0;
				} else if (c == '\\') {
					sp->esc = 1;
				} else if (c == '"') {
					sp->instr = 0;
					if (sp->depth == 0)
						goto done;
				} else if (c == '\n') {
					/* JSON strings hold no raw newline:
					 * a broken line, not a long string. */
					if (sp->js == JS_TOP)
						goto broken;
					sp->nl++;
				}
				continue;
			}
			switch (c) {
			case '"':
				sp->instr = 1;
				break;
			case '{':
			case '[':
				sp->depth++;
				break;
			case '}':
			case ']':
				if (--sp->depth <= 0)
					goto done;
				break;
			case '\n':
				/* A '{' in column 0 is the next record: the
				 * one here lacks its end (NDJSON). */
				if (sp->js == JS_TOP && q + 1 == e &&
				    !sp->eof && !sp->disc && !sp->err) {
					sp->scan = (size_t)(q - b);
					return 0;
				}
				if (sp->js == JS_TOP && q + 1 < e &&
				    q[1] == '{')
					goto broken;
				sp->nl++;
				break;
			}
		}
		break;
broken:
		*rnext = (size_t)(q - b) + 1;
		sp->nl++;
		while (q > b && blank((unsigned char)q[-1]))
			q--;
		*rend = (size_t)(q - b);
		return 1;
done:
		*rend = *rnext = (size_t)(q - b) + 1;
		return 1;
	}
	sp->scan = (size_t)(e - b);
	return 0;
}

/* A wrapper object's head "{ "Records" : [" at start?  1 with *n its
 * length, 0 if not, -1 if more bytes are needed to tell. */
static int
wrapper(const struct sl_split *sp, size_t *n)
{
	static const char *const names[] = {
		"Records", "records", "value", "items", "events", "data",
	};
	const char *b = sp->buf + sp->start, *p = b + 1;
	const char *e = sp->buf + sp->end, *k;
	size_t i, kl;

	if ((size_t)(e - b) > LOOKAHEAD)
		e = b + LOOKAHEAD;
#define WS() while (p < e && blank((unsigned char)*p)) p++
	WS();
	if (p == e)
		goto need;
	if (*p != '"')
		return 0;
	k = ++p;
	while (p < e && *p != '"' && *p != '\\' && p - k < 16)
		p++;
	if (p == e)
		goto need;
	if (*p != '"')
		return 0;
	kl = (size_t)(p - k);
	for (i = 0; i < SL_ARRAY_LEN(names); i++)
		if (strlen(names[i]) == kl && memcmp(names[i], k, kl) == 0)
			break;
	if (i == SL_ARRAY_LEN(names))
		return 0;
	p++;
	WS();
	if (p == e)
		goto need;
	if (*p++ != ':')
		return 0;
	WS();
	if (p == e)
		goto need;
	if (*p != '[')
		return 0;
	*n = (size_t)(p - b) + 1;
	return 1;
#undef WS
need:
	if ((size_t)(sp->end - sp->start) > LOOKAHEAD || sp->eof ||
	    sp->disc || sp->err)
		return 0;
	return -1;
}

/*
 * Position at the start of the next record, dropping what lies between
 * records.  1 with sp->rk set, 0 when the data ends first.
 */
static int
find_start(struct sl_split *sp)
{
	const char *p, *e, *q;
	uint64_t here;
	size_t n;
	int c, r;

	for (;;) {
		p = sp->buf + sp->start;
		e = sp->buf + sp->end;
		if (sp->resync == 1) {
			q = memchr(p, '\n', (size_t)(e - p));
			if (q == NULL) {
				sp->start = sp->end;
				return 0;
			}
			drop(sp, (size_t)(q - p) + 1);
			sp->resync = 0;
			continue;
		}
		if (sp->resync >= 2) {
			if (p == e)
				return 0;
			if (sp->resync == 2 && *p == '{') {
				sp->resync = 0;
				continue;
			}
			q = memchr(p, '\n', (size_t)(e - p));
			drop(sp, q != NULL ? (size_t)(q - p) + 1 :
			    (size_t)(e - p));
			sp->resync = q != NULL ? 2 : 3;
			continue;
		}
		if (p == e)
			return 0;
		c = (unsigned char)*p;
		here = sp->base + sp->start;
		if (sp->mode != SL_SPLIT_JSON) {
			/* Skip a blank line; keep leading blanks of text. */
			for (q = p; q < e && blank((unsigned char)*q) &&
			    *q != '\n'; q++)
				;
			if (q == e) {
				if (sp->eof || sp->disc || sp->err ||
				    (size_t)(e - p) > sp->max) {
					drop(sp, (size_t)(e - p));
				}
				return 0;
			}
			if (*q == '\n') {
				drop(sp, (size_t)(q - p) + 1);
				continue;
			}
			sp->rk = sp->mode == SL_SPLIT_CSV ? RK_CSV : RK_LINE;
			return 1;
		}
		if (sp->js == JS_REST) {
			/* The members after a wrapper's array. */
			sp->rk = RK_JVAL;
			if (scan_rec(sp, &n, &n)) {
				drop(sp, n);
				sp->js = JS_TOP;
				rec_reset(sp);
				continue;
			}
			drop(sp, sp->scan);
			sp->scan = 0;
			return 0;
		}
		if (blank(c)) {
			for (q = p; q < e && blank((unsigned char)*q); q++)
				;
			drop(sp, (size_t)(q - p));
			continue;
		}
		/* Values at the top may stand side by side (JSON lines,
		 * concatenated JSON); commas and stray brackets may not, nor
		 * may array elements go without one comma between them. */
		if (c == ',') {
			if (sp->js != JS_ARRAY)
				repaired(sp, here, "a comma between top-level "
				    "values");
			else if (sp->ar != AR_ELEM)
				repaired(sp, here, "a comma with no array "
				    "element before it");
			sp->ar = AR_COMMA;
			sp->comma_off = here;
			drop(sp, 1);
			continue;
		}
		if (sp->js == JS_TOP && (c == ']' || c == '}')) {
			repaired(sp, here, c == ']' ? "a \"]\" that closes "
			    "nothing" : "a \"}\" that closes nothing");
			drop(sp, 1);
			continue;
		}
		if (sp->js == JS_ARRAY && (c == ']' || c == '}')) {
			if (sp->ar == AR_COMMA)
				repaired(sp, sp->comma_off, "a comma before "
				    "the end of an array");
			drop(sp, 1);
			sp->js = sp->wrapped ? JS_REST : JS_TOP;
			sp->wrapped = 0;
			rec_reset(sp);
			sp->depth = 1;
			continue;
		}
		if (sp->js == JS_TOP && c == '[') {
			drop(sp, 1);
			sp->js = JS_ARRAY;
			sp->wrapped = 0;
			sp->ar = AR_START;
			continue;
		}
		if (sp->js == JS_TOP && c == '{') {
			r = wrapper(sp, &n);
			if (r < 0)
				return 0;
			if (r == 1) {
				drop(sp, n);
				sp->js = JS_ARRAY;
				sp->wrapped = 1;
				sp->ar = AR_START;
				continue;
			}
		}
		if (sp->js == JS_ARRAY) {
			if (sp->ar == AR_ELEM)
				repaired(sp, here, "no comma between array "
				    "elements");
			sp->ar = AR_ELEM;
		}
		if (c == '{' || c == '[' || c == '"') {
			sp->rk = RK_JVAL;
			sp->depth = c != '"';
			sp->instr = c == '"';
			sp->scan = 1;
		} else {
			sp->rk = sp->js == JS_ARRAY ? RK_JSCALAR : RK_JBARE;
		}
		return 1;
	}
}

/* Hand out buf[start..start+n) as a record. */
static int
emit(struct sl_split *sp, struct sl_record *rec, size_t n, size_t next,
    unsigned flags)
{
	rec->p = sp->buf + sp->start;
	rec->n = n;
	rec->line = sp->line;
	rec->offset = sp->base + sp->start;
	rec->flags = flags;
	if (n > sp->max) {
		rec->n = sp->max;
		rec->flags |= SL_REC_TOOLONG;
	}
	sp->consume = next;
	sp->consume_nl = sp->nl;
	return 1;
}

/* The data ended inside a record (or between records). */
static int
ended(struct sl_split *sp, struct sl_record *rec)
{
	size_t n = sp->end - sp->start;
	int json = sp->mode == SL_SPLIT_JSON, cut;

	if (!sp->err && !sp->disc && !sp->eof)
		return 0;
	while (n > 0 && blank((unsigned char)sp->buf[sp->start + n - 1]))
		n--;
	if (sp->inrec && n > 0) {
		/* Data that stops (failure, loss) cuts the record, however
		 * whole it looks; a log that merely ends leaves it to the
		 * profile to tell a record without its line end from one
		 * cut short. */
		cut = sp->err || sp->disc || (json && sp->rk != RK_JBARE) ||
		    (sp->rk == RK_CSV && sp->inq);
		sp->inrec = 0;
		if (sp->disc)
			sp->owe_disc = 1;
		emit(sp, rec, n, sp->end - sp->start, cut ? SL_REC_CUT :
		    SL_REC_UNTERM);
		sp->consume_nl = sp->nl;
		return 1;
	}
	if (sp->err)
		return sp->err;
	if (sp->disc) {
		sp->start = sp->end;
		sp->owe_disc = 1;
		return 2;
	}
	return 0;
}

/* After lost data: where to pick up. */
static void
gap(struct sl_split *sp, int atstart)
{
	int json = sp->mode == SL_SPLIT_JSON;

	sp->disc = 0;
	if (json) {
		sp->resync = atstart && sp->js == JS_TOP ? 2 : 3;
		sp->js = JS_TOP;
		sp->wrapped = 0;
	} else {
		sp->resync = atstart ? 0 : 1;
	}
	rec_reset(sp);
}

int
sl_split_next(struct sl_split *sp, struct sl_record *rec)
{
	size_t rend, rnext;
	int r;

	memset(rec, 0, sizeof(*rec));
	sp->start += sp->consume;
	sp->line += sp->consume_nl;
	sp->consume = 0;
	sp->consume_nl = 0;
	for (;;) {
		if (sp->owe_disc) {
			int atstart = sp->owe_disc == 2;

			sp->owe_disc = 0;
			gap(sp, atstart);
			return SL_EDISCONT;
		}
		if (!sp->inrec) {
			if (!find_start(sp)) {
				if (more(sp))
					continue;
				if (sp->disc) {
					/* Lost data between records. */
					sp->start = sp->end;
					sp->owe_disc = sp->mode ==
					    SL_SPLIT_JSON && sp->js != JS_TOP ?
					    1 : 2;
					continue;
				}
				if (sp->err)
					return sp->err;
				return 0;
			}
			r = sp->rk;
			rec_reset(sp);
			sp->rk = r;
			sp->inrec = 1;
			if (r == RK_JVAL) {
				sp->scan = 1;
				sp->instr = sp->buf[sp->start] == '"';
				sp->depth = !sp->instr;
			}
		}
		if (sp->skip) {
			/* The tail of a record too long to keep. */
			if (scan_rec(sp, &rend, &rnext)) {
				sp->start += rnext;
				sp->line += sp->nl;
				rec_reset(sp);
				continue;
			}
			sp->prevc = (unsigned char)sp->buf[sp->end - 1];
			sp->last_close -= (int64_t)sp->scan;
			sp->start = sp->end;
			sp->line += sp->nl;
			sp->nl = 0;
			sp->scan = 0;
			sp->rec0 = 0;
			if (more(sp))
				continue;
			if (sp->err)
				return sp->err;
			rec_reset(sp);
			if (sp->disc) {
				sp->owe_disc = 1;
				continue;
			}
			return 0;
		}
		if (scan_rec(sp, &rend, &rnext)) {
			sp->inrec = 0;
			return emit(sp, rec, rend, rnext, 0);
		}
		if (sp->end - sp->start > sp->max) {
			/* Hand out a prefix; the rest is skipped unkept. */
			emit(sp, rec, sp->max, sp->max, SL_REC_TOOLONG);
			sp->consume_nl = 0;
			sp->skip = 1;
			sp->scan -= sp->max;
			sp->last_close -= (int64_t)sp->max;
			sp->rec0 = 0;
			sp->prevc = (unsigned char)sp->buf[sp->start +
			    sp->max - 1];
			return 1;
		}
		if (more(sp))
			continue;
		r = ended(sp, rec);
		if (r == 2) {
			sp->owe_disc = 2;
			continue;
		}
		return r;
	}
}

int
sl_split_peek(struct sl_split *sp)
{
	const char *p, *e, *q;
	size_t off = 0;

	for (;;) {
		p = sp->buf + sp->start + off;
		e = sp->buf + sp->end;
		for (q = p; q < e && blank((unsigned char)*q); q++)
			;
		if (q < e)
			return (unsigned char)*q;
		off = sp->end - sp->start;
		if (off > sp->max || !more(sp))
			return -1;
	}
}
