/*
 * json.c - a strict, bounded recursive-descent JSON parser (RFC 8259) into a
 * tree with byte spans; see json.h. Used by `dockfix inspect` to read
 * `docker inspect` and `docker history --format '{{json .}}'` output.
 *
 * Children of a container are collected on one shared scratch stack while
 * the container is parsed and copied into the document's arena when it
 * closes, so every node array is exactly sized and nothing is realloc'd
 * behind a pointer a caller holds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/json.h"

/* ------------------------------------------------------------------ arena */

struct block {
	struct block *next;
	size_t used, cap;
	max_align_t data[]; /* cap bytes */
};

struct dfx_json_arena {
	struct block *head;
};

#define BLOCK_MIN (64u * 1024u)

static void *arena_alloc(struct dfx_json_arena *a, size_t n)
{
	struct block *b = a->head;
	size_t align = sizeof(max_align_t);

	n = (n + align - 1) / align * align;
	if (!n)
		n = align;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;

		b = dfx_xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	b->used += n;
	return (char *)b->data + b->used - n;
}

static void arena_free(struct dfx_json_arena *a)
{
	struct block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* ------------------------------------------------------------------ parser */

struct parser {
	const unsigned char *s;
	size_t len, pos;
	struct dfx_json_arena *arena;
	struct dfx_json *stack; /* children of the open containers */
	size_t nstack, cap;
	struct dfx_buf scratch;
	struct dfx_json_error *err;
	bool failed;
};

static void fail_at(struct parser *p, size_t off, const char *fmt, ...) DFX_PRINTF(3, 4);

static void fail_at(struct parser *p, size_t off, const char *fmt, ...)
{
	struct dfx_json_error *e = p->err;
	va_list ap;
	unsigned line = 1;
	size_t ls = 0;

	if (p->failed)
		return;
	p->failed = true;
	if (off > p->len)
		off = p->len;
	for (size_t i = 0; i < off; i++) {
		if (p->s[i] == '\n') {
			line++;
			ls = i + 1;
		}
	}
	e->off = (uint32_t)off;
	e->line = line;
	e->col = (unsigned)(off - ls + 1);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/* A printable description of the byte at `off` for messages. */
static void describe(const struct parser *p, size_t off, char *out, size_t n)
{
	unsigned char c;

	if (off >= p->len) {
		snprintf(out, n, "end of input");
		return;
	}
	c = p->s[off];
	if (c >= 0x21 && c < 0x7f)
		snprintf(out, n, "'%c'", c);
	else
		snprintf(out, n, "byte 0x%02x", c);
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		unsigned char c = p->s[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s[at]; -1 when they are not. */
static long hex4(const unsigned char *s, size_t len, size_t at)
{
	long v = 0;

	if (at + 4 > len)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		int h = hexval(s[at + i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void put_utf8(struct dfx_buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		dfx_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		dfx_buf_addc(b, (char)(0xC0 | (cp >> 6)));
		dfx_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		dfx_buf_addc(b, (char)(0xE0 | (cp >> 12)));
		dfx_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		dfx_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		dfx_buf_addc(b, (char)(0xF0 | (cp >> 18)));
		dfx_buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		dfx_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		dfx_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/*
 * Length of the well-formed UTF-8 sequence at s[at] (RFC 3629: no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_len(const unsigned char *s, size_t len, size_t at)
{
	unsigned char c = s[at];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (at + n > len)
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[at + 1] < lo || s[at + 1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[at + i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Decode the string at p->pos (a '"') into arena memory. */
static int parse_string(struct parser *p, const char **out, size_t *outlen, struct dfx_span *span)
{
	size_t start = p->pos;
	struct dfx_buf *b = &p->scratch;
	char *copy;

	dfx_buf_reset(b);
	p->pos++; /* opening quote */
	for (;;) {
		unsigned char c;

		if (p->pos >= p->len) {
			fail_at(p, start, "unterminated string (no closing '\"' before the end of input)");
			return -1;
		}
		c = p->s[p->pos];
		if (c == '"') {
			p->pos++;
			break;
		}
		if (c < 0x20) {
			fail_at(p, p->pos, "control character U+%04X in a string (it must be escaped)", c);
			return -1;
		}
		if (c == '\\') {
			size_t esc = p->pos;
			unsigned char e;
			long cp, lo;

			if (p->pos + 1 >= p->len) {
				fail_at(p, start, "unterminated string (no closing '\"' before the end of input)");
				return -1;
			}
			e = p->s[p->pos + 1];
			p->pos += 2;
			switch (e) {
			case '"':
			case '\\':
			case '/':
				dfx_buf_addc(b, (char)e);
				continue;
			case 'b':
				dfx_buf_addc(b, '\b');
				continue;
			case 'f':
				dfx_buf_addc(b, '\f');
				continue;
			case 'n':
				dfx_buf_addc(b, '\n');
				continue;
			case 'r':
				dfx_buf_addc(b, '\r');
				continue;
			case 't':
				dfx_buf_addc(b, '\t');
				continue;
			case 'u':
				break;
			default: {
				char d[24];

				describe(p, esc + 1, d, sizeof(d));
				fail_at(p, esc, "invalid escape: backslash followed by %s", d);
				return -1;
			}
			}
			cp = hex4(p->s, p->len, p->pos);
			if (cp < 0) {
				fail_at(p, esc, "invalid \\u escape (want four hex digits)");
				return -1;
			}
			p->pos += 4;
			if (cp >= 0xDC00 && cp <= 0xDFFF) {
				fail_at(p, esc, "lone low surrogate \\u%04lX in a string", cp);
				return -1;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (p->pos + 1 >= p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
				    (lo = hex4(p->s, p->len, p->pos + 2)) < 0xDC00 || lo > 0xDFFF) {
					fail_at(p, esc, "lone high surrogate \\u%04lX (not followed by a low surrogate)", cp);
					return -1;
				}
				p->pos += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			put_utf8(b, (unsigned long)cp);
			continue;
		}
		if (c < 0x80) {
			dfx_buf_addc(b, (char)c);
			p->pos++;
		} else {
			size_t n = utf8_len(p->s, p->len, p->pos);

			if (!n) {
				fail_at(p, p->pos, "invalid UTF-8 (byte 0x%02x) in a string", c);
				return -1;
			}
			dfx_buf_add(b, p->s + p->pos, n);
			p->pos += n;
		}
	}
	copy = arena_alloc(p->arena, b->len + 1);
	if (b->len)
		memcpy(copy, b->ptr, b->len);
	copy[b->len] = '\0';
	*out = copy;
	*outlen = b->len;
	span->start = (uint32_t)start;
	span->end = (uint32_t)p->pos;
	return 0;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct parser *p, struct dfx_json *v)
{
	size_t start = p->pos;
	struct dfx_buf *b = &p->scratch;

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len || !is_digit(p->s[p->pos])) {
		fail_at(p, p->pos, "a number needs a digit after '-'");
		return -1;
	}
	if (p->s[p->pos] == '0') {
		p->pos++;
		if (p->pos < p->len && is_digit(p->s[p->pos])) {
			fail_at(p, start, "leading zeros are not allowed in numbers");
			return -1;
		}
	} else {
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	}
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (p->pos >= p->len || !is_digit(p->s[p->pos])) {
			fail_at(p, p->pos, "a number needs a digit after '.'");
			return -1;
		}
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || !is_digit(p->s[p->pos])) {
			fail_at(p, p->pos, "a number needs a digit in its exponent");
			return -1;
		}
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	}
	/* the grammar is checked: strtod on a NUL-terminated copy of exactly it */
	dfx_buf_reset(b);
	dfx_buf_add(b, p->s + start, p->pos - start);
	v->num = strtod(b->ptr, NULL);
	v->type = DFX_JSON_NUMBER;
	v->span.start = (uint32_t)start;
	v->span.end = (uint32_t)p->pos;
	return 0;
}

static int parse_literal(struct parser *p, struct dfx_json *v, const char *word, enum dfx_json_type t)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0) {
		char d[24];

		describe(p, p->pos, d, sizeof(d));
		fail_at(p, p->pos, "unexpected %s; expected a JSON value", d);
		return -1;
	}
	v->type = t;
	v->span.start = (uint32_t)p->pos;
	p->pos += n;
	v->span.end = (uint32_t)p->pos;
	return 0;
}

static void push(struct parser *p, const struct dfx_json *v)
{
	DFX_GROW(p->stack, p->nstack + 1, p->cap);
	p->stack[p->nstack++] = *v;
}

/* Move the children pushed since `base` into the arena as v's kids. */
static void close_container(struct parser *p, struct dfx_json *v, size_t base)
{
	size_t n = p->nstack - base;

	v->nkids = n;
	v->kids = NULL;
	if (n) {
		v->kids = arena_alloc(p->arena, n * sizeof(*v->kids));
		memcpy(v->kids, p->stack + base, n * sizeof(*v->kids));
	}
	p->nstack = base;
}

static int parse_value(struct parser *p, struct dfx_json *v, unsigned depth);

static int parse_container(struct parser *p, struct dfx_json *v, unsigned depth, bool object)
{
	size_t start = p->pos, base = p->nstack;
	char close = object ? '}' : ']';
	const char *what = object ? "object" : "array";

	if (depth >= DFX_JSON_MAX_DEPTH) {
		fail_at(p, start, "nesting deeper than %u levels", DFX_JSON_MAX_DEPTH);
		return -1;
	}
	v->type = object ? DFX_JSON_OBJECT : DFX_JSON_ARRAY;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		goto done;
	}
	for (;;) {
		struct dfx_json kid;
		char d[24];

		memset(&kid, 0, sizeof(kid));
		skip_ws(p);
		if (object) {
			const char *key;
			size_t keylen;
			struct dfx_span ks;

			if (p->pos >= p->len || p->s[p->pos] != '"') {
				describe(p, p->pos, d, sizeof(d));
				fail_at(p, p->pos, "expected a quoted member name in the object, found %s", d);
				goto fail;
			}
			if (parse_string(p, &key, &keylen, &ks) != 0)
				goto fail;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				describe(p, p->pos, d, sizeof(d));
				fail_at(p, p->pos, "expected ':' after the member name, found %s", d);
				goto fail;
			}
			p->pos++;
			if (parse_value(p, &kid, depth + 1) != 0)
				goto fail;
			kid.key = key;
			kid.keylen = keylen;
			kid.key_span = ks;
		} else if (parse_value(p, &kid, depth + 1) != 0) {
			goto fail;
		}
		push(p, &kid);
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			skip_ws(p);
			if (p->pos < p->len && p->s[p->pos] == close) {
				fail_at(p, p->pos, "trailing comma before '%c'", close);
				goto fail;
			}
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			break;
		}
		if (p->pos >= p->len) {
			fail_at(p, start, "unterminated %s (no closing '%c' before the end of input)", what, close);
			goto fail;
		}
		describe(p, p->pos, d, sizeof(d));
		fail_at(p, p->pos, "expected ',' or '%c' in the %s, found %s", close, what, d);
		goto fail;
	}
done:
	v->span.start = (uint32_t)start;
	v->span.end = (uint32_t)p->pos;
	close_container(p, v, base);
	return 0;
fail:
	p->nstack = base;
	return -1;
}

static int parse_value(struct parser *p, struct dfx_json *v, unsigned depth)
{
	unsigned char c;

	skip_ws(p);
	if (p->pos >= p->len) {
		fail_at(p, p->pos, "unexpected end of input; expected a JSON value");
		return -1;
	}
	c = p->s[p->pos];
	switch (c) {
	case '{':
		return parse_container(p, v, depth, true);
	case '[':
		return parse_container(p, v, depth, false);
	case '"':
		v->type = DFX_JSON_STRING;
		return parse_string(p, &v->str, &v->len, &v->span);
	case 't':
		return parse_literal(p, v, "true", DFX_JSON_TRUE);
	case 'f':
		return parse_literal(p, v, "false", DFX_JSON_FALSE);
	case 'n':
		return parse_literal(p, v, "null", DFX_JSON_NULL);
	default:
		if (c == '-' || is_digit(c))
			return parse_number(p, v);
		{
			char d[24];

			describe(p, p->pos, d, sizeof(d));
			fail_at(p, p->pos, "unexpected %s; expected a JSON value", d);
		}
		return -1;
	}
}

struct dfx_json_doc *dfx_json_parse(const char *data, size_t len, unsigned flags, struct dfx_json_error *err)
{
	struct parser p;
	struct dfx_json_doc *doc;
	struct dfx_json *root;
	struct dfx_json_error dummy;
	size_t first;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.s = (const unsigned char *)data;
	p.len = len;
	p.err = err;
	if (len > DFX_MAX_FILE_SIZE) {
		p.len = 0;
		fail_at(&p, 0, "input too large (%zu bytes; the limit is %u)", len, DFX_MAX_FILE_SIZE);
		return NULL;
	}
	p.arena = dfx_xcalloc(1, sizeof(*p.arena));
	dfx_buf_init(&p.scratch);
	root = arena_alloc(p.arena, sizeof(*root));
	memset(root, 0, sizeof(*root));
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		p.pos = 3;
	first = p.pos;
	if (flags & DFX_JSON_SEQ) {
		root->type = DFX_JSON_ARRAY;
		for (;;) {
			struct dfx_json v;

			memset(&v, 0, sizeof(v));
			skip_ws(&p);
			if (p.pos >= p.len)
				break;
			if (parse_value(&p, &v, 0) != 0)
				goto fail;
			push(&p, &v);
		}
		root->span.start = (uint32_t)first;
		root->span.end = (uint32_t)p.len;
		close_container(&p, root, 0);
	} else {
		if (parse_value(&p, root, 0) != 0)
			goto fail;
		skip_ws(&p);
		if (p.pos < p.len) {
			char d[24];

			describe(&p, p.pos, d, sizeof(d));
			fail_at(&p, p.pos, "unexpected %s after the JSON value", d);
			goto fail;
		}
	}
	free(p.stack);
	dfx_buf_release(&p.scratch);
	doc = dfx_xcalloc(1, sizeof(*doc));
	doc->root = root;
	doc->arena = p.arena;
	return doc;
fail:
	free(p.stack);
	dfx_buf_release(&p.scratch);
	arena_free(p.arena);
	return NULL;
}

void dfx_json_free(struct dfx_json_doc *doc)
{
	if (!doc)
		return;
	arena_free(doc->arena);
	free(doc);
}

/* ------------------------------------------------------------------ access */

const struct dfx_json *dfx_json_get(const struct dfx_json *obj, const char *key)
{
	size_t n = strlen(key);

	if (!obj || obj->type != DFX_JSON_OBJECT)
		return NULL;
	for (size_t i = obj->nkids; i-- > 0;) {
		const struct dfx_json *m = &obj->kids[i];

		if (m->keylen == n && memcmp(m->key, key, n) == 0)
			return m;
	}
	return NULL;
}

const struct dfx_json *dfx_json_get_any(const struct dfx_json *obj, const char *const *keys)
{
	for (; *keys; keys++) {
		const struct dfx_json *v = dfx_json_get(obj, *keys);
		if (v)
			return v;
	}
	return NULL;
}

const char *dfx_json_string(const struct dfx_json *v)
{
	return v && v->type == DFX_JSON_STRING ? v->str : NULL;
}

int dfx_json_int(const struct dfx_json *v, long long *out)
{
	long long n;

	/* exact integers only: within ±2^53 every integer is representable */
	if (!v || v->type != DFX_JSON_NUMBER || !isfinite(v->num) || v->num < -9007199254740992.0 ||
	    v->num > 9007199254740992.0)
		return -1;
	n = (long long)v->num;
	if ((double)n != v->num)
		return -1;
	*out = n;
	return 0;
}

const char *dfx_json_type_name(enum dfx_json_type t)
{
	switch (t) {
	case DFX_JSON_NULL:
		return "null";
	case DFX_JSON_FALSE:
	case DFX_JSON_TRUE:
		return "boolean";
	case DFX_JSON_NUMBER:
		return "number";
	case DFX_JSON_STRING:
		return "string";
	case DFX_JSON_ARRAY:
		return "array";
	case DFX_JSON_OBJECT:
		return "object";
	}
	return "?";
}

static size_t utf8_width(unsigned long cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

uint32_t dfx_json_raw_offset(const char *data, const struct dfx_json *v, size_t decoded_off)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t raw, end, d = 0;

	if (!v || v->type != DFX_JSON_STRING || v->span.end < v->span.start + 2)
		return v ? v->span.start : 0;
	raw = v->span.start + 1;
	end = v->span.end - 1; /* closing quote */
	while (raw < end && d < decoded_off) {
		size_t step = 1, out = 1;

		if (s[raw] == '\\') {
			step = 2;
			if (s[raw + 1] == 'u') {
				long cp = hex4(s, end, raw + 2);

				step = 6;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					step = 12;
					cp = 0x10000;
				}
				out = utf8_width(cp < 0 ? 0 : (unsigned long)cp);
			}
		}
		if (d + out > decoded_off)
			break; /* inside one escape's output: map to the escape */
		d += out;
		raw += step;
	}
	return (uint32_t)raw;
}
