/*
 * yamltree.c - dockfix's lossless YAML span tree, built from libfyaml 0.7.12
 * parser events (fy_parser_parse; fy_mark.input_pos is a byte offset).
 *
 * References: the YAML 1.2 grammar (yaml.org/spec/1.2.2) as libfyaml
 * implements it, with corrections for the marks libfyaml's event API
 * reports (see the libfyaml documentation of struct fy_event and
 * fy_mark): quoted scalars, '*' and '&' excluded from marks, block scalar
 * headers excluded, block collections ending at the next token, no mark for
 * implicit nulls; the YAML merge-key type (yaml.org/type/merge.html) for
 * `<<`. Duplicate keys, unknown aliases and control characters are
 * rejected as Docker Compose's YAML reader (go-yaml v3) rejects them;
 * several documents are kept (t->docs), each with its own anchors.
 *
 * The document builder of libfyaml is never used (quadratic duplicate-key
 * check, unbounded alias resolution); aliases are kept as nodes pointing at
 * their anchor, and merges are resolved lazily by the lookups in
 * yaml_query.c, under a per-tree visit budget.
 */
#include <libfyaml.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/yamltree.h"
#include "yaml_strmap.h"

/* ---------------------------------------------------------------- arena */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char mem[];
};

struct dfx_yaml_arena {
	struct chunk *head;
	size_t next;        /* the size of the next chunk: from the file's size, doubling */
};

static void *arena_alloc(struct dfx_yaml_arena *a, size_t n)
{
	struct chunk *c = a->head;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > a->next ? n : a->next;

		if (a->next < 1 << 20)
			a->next *= 2;
		c = dfx_xmalloc(sizeof(*c) + cap);
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	c->used += n;
	return c->mem + c->used - n;
}

static char *arena_strndup(struct dfx_yaml_arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void arena_free(struct dfx_yaml_arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* ---------------------------------------------------------------- positions */

static void linecol(const char *data, size_t len, size_t off, unsigned *line, unsigned *col)
{
	size_t ls = 0;
	unsigned l = 1;

	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (data[i] == '\n') {
			l++;
			ls = i + 1;
		}
	}
	*line = l;
	*col = (unsigned)(off - ls) + 1;
}

/* Byte offset of a 1-based line and code-point column (libfyaml diagnostics). */
static size_t offset_of(const char *data, size_t len, int line, int col)
{
	size_t off = 0;

	for (int l = 1; l < line && off < len; off++)
		if (data[off] == '\n')
			l++;
	for (int c = 1; c < col && off < len && data[off] != '\n'; c++) {
		off++;
		while (off < len && ((unsigned char)data[off] & 0xC0) == 0x80)
			off++;
	}
	return off;
}

/*
 * Check that the text is UTF-8 made of YAML printable characters (as
 * libyaml's reader does: tab, line breaks, U+0020-U+007E, U+0085,
 * U+00A0-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF) in lines of at most
 * DFX_MAX_LINE_LEN bytes. Returns the offset of the first offending byte
 * (for a long line, the first byte past the limit), or len.
 */
static size_t check_text(const unsigned char *s, size_t len, const char **what)
{
	size_t i = 0, line = 0;

	while (i < len) {
		unsigned c = s[i], cp, n;

		if (i - line >= DFX_MAX_LINE_LEN && c != '\n' && c != '\r') {
			*what = "line too long";
			return i;
		}
		if (c == '\n')
			line = i + 1;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
				*what = "control character";
				return i;
			}
			if (c == '\r' && (i + 1 >= len || s[i + 1] != '\n')) {
				/* a line break for YAML, but dockfix works on LF and CRLF lines */
				*what = "carriage return without a line feed";
				return i;
			}
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			*what = "invalid UTF-8";
			return i;
		}
		if (len - i <= n) {
			*what = "invalid UTF-8";
			return i;
		}
		for (unsigned k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80) {
				*what = "invalid UTF-8";
				return i;
			}
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF)) {
			*what = "invalid UTF-8";
			return i;
		}
		if ((cp < 0xA0 && cp != 0x85) || cp == 0xFFFE || cp == 0xFFFF) {
			*what = "control character";
			return i;
		}
		i += n + 1;
	}
	return len;
}

/* ---------------------------------------------------------------- builder */

struct frame {
	struct dfx_yaml_node *node;
	size_t base;      /* first child in the kids stack */
};

struct builder {
	struct dfx_yaml *t;
	const char *path;
	struct dfx_error *err;
	bool failed;
	struct frame *stack;
	size_t sp, scap;
	struct dfx_yaml_node **kids;
	size_t nkids, kcap;
	struct strmap anchors;
	uint32_t last;    /* end of the last token seen */
	int ndocs;
	struct dfx_yaml_node **prev_docs; /* t->docs so far (arena) */
};

static void fail_at(struct builder *b, size_t off, const char *fmt, ...) DFX_PRINTF(3, 4);

static void fail_at(struct builder *b, size_t off, const char *fmt, ...)
{
	struct dfx_buf msg = DFX_BUF_INIT;
	unsigned line, col;
	va_list ap;

	if (b->failed)
		return;
	b->failed = true;
	va_start(ap, fmt);
	dfx_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	linecol(b->t->data, b->t->len, off, &line, &col);
	dfx_error_set(b->err, b->path, line, col, "%s", msg.ptr ? msg.ptr : "");
	dfx_buf_release(&msg);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip blanks, line breaks and comments from p; returns the next significant offset. */
static uint32_t skip_trivia(const struct dfx_yaml *t, uint32_t p)
{
	while (p < t->len) {
		char c = t->data[p];

		if (is_ws(c)) {
			p++;
		} else if (c == '#') {
			while (p < t->len && t->data[p] != '\n')
				p++;
		} else {
			break;
		}
	}
	return p;
}

static uint32_t mark_pos(const struct fy_mark *m, const struct dfx_yaml *t)
{
	if (!m)
		return 0;
	return m->input_pos > t->len ? (uint32_t)t->len : (uint32_t)m->input_pos;
}

static uint32_t line_start_of(const struct dfx_yaml *t, uint32_t p)
{
	while (p > 0 && t->data[p - 1] != '\n')
		p--;
	return p;
}

static struct dfx_yaml_node *new_node(struct builder *b, enum dfx_yaml_type type)
{
	struct dfx_yaml_node *n = arena_alloc(b->t->arena, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = type;
	b->t->nnodes++;
	return n;
}

/* Record anchor and tag properties of an event on node n. Returns the end of the last property. */
static uint32_t set_props(struct builder *b, struct dfx_yaml_node *n, struct fy_event *ev)
{
	struct fy_token *at = fy_event_get_anchor_token(ev);
	struct fy_token *tt = fy_event_get_tag_token(ev);
	struct dfx_yaml *t = b->t;
	uint32_t end = 0;

	if (at) {
		const struct fy_mark *s = fy_token_start_mark(at), *e = fy_token_end_mark(at);
		uint32_t as = mark_pos(s, t), ae = mark_pos(e, t);
		size_t len;
		const char *name = fy_token_get_text(at, &len);

		if (as > 0 && t->data[as - 1] == '&')
			as--;
		if (ae < as)
			ae = as;
		n->anchor_span.start = as;
		n->anchor_span.end = ae;
		n->anchor = arena_strndup(t->arena, name ? name : "", name ? len : 0);
		if (ae > end)
			end = ae;
	}
	if (tt) {
		uint32_t ts = mark_pos(fy_token_start_mark(tt), t);
		uint32_t te = mark_pos(fy_token_end_mark(tt), t);

		if (te < ts)
			te = ts;
		n->tag_span.start = ts;
		n->tag_span.end = te;
		n->tag = arena_strndup(t->arena, t->data + ts, te - ts);
		if (te > end)
			end = te;
	}
	return end;
}

/* Start of the properties, or `tok` when there are none. */
static uint32_t props_start(const struct dfx_yaml_node *n, uint32_t tok)
{
	uint32_t s = tok;

	if (n->anchor && n->anchor_span.start < s)
		s = n->anchor_span.start;
	if (n->tag && n->tag_span.start < s)
		s = n->tag_span.start;
	return s;
}

static size_t nchildren(const struct builder *b)
{
	return b->sp ? b->nkids - b->stack[b->sp - 1].base : 0;
}

/* Column (bytes from the line start) of the entry holding the next child of the open collection. */
static uint32_t entry_col(struct builder *b, uint32_t header)
{
	const struct dfx_yaml *t = b->t;
	struct frame *f;

	if (!b->sp)
		return 0;
	f = &b->stack[b->sp - 1];
	if (f->node->type == DFX_YAML_MAPPING && nchildren(b) % 2 == 1) {
		uint32_t k = b->kids[b->nkids - 1]->span.start;
		return k - line_start_of(t, k);
	}
	/* a sequence item: the '-' before the header */
	while (header > 0 && t->data[header - 1] != '-' && t->data[header - 1] != '\n')
		header--;
	if (header > 0 && t->data[header - 1] == '-')
		header--;
	return header - line_start_of(t, header);
}

/* Spans of a literal or folded scalar, from libfyaml's content region [cs, ce). */
static void block_scalar_spans(struct builder *b, struct dfx_yaml_node *n, uint32_t from,
			       uint32_t cs, uint32_t ce)
{
	const struct dfx_yaml *t = b->t;
	const char *d = t->data;
	uint32_t p = from, hend, end, first = 0, ci = 0;
	bool keep = false, have_first = false;
	unsigned explicit_indent = 0;

	/* the header: the first significant character after the previous token */
	for (;;) {
		p = skip_trivia(t, p);
		if (p >= cs || p >= t->len || d[p] == '|' || d[p] == '>')
			break;
		p++; /* ':' '-' '?' indicators */
	}
	if (p < t->len && (d[p] == '|' || d[p] == '>')) {
		hend = p + 1;
		while (hend < t->len &&
		       (d[hend] == '+' || d[hend] == '-' || (d[hend] >= '1' && d[hend] <= '9'))) {
			if (d[hend] == '+')
				keep = true;
			else if (d[hend] != '-')
				explicit_indent = (unsigned)(d[hend] - '0');
			hend++;
		}
	} else {
		p = hend = cs < from ? from : cs; /* not found: keep the spans ordered */
	}
	if (cs < hend)
		cs = hend;
	if (ce < cs)
		ce = cs;

	/* content lines: blank, or indented at least as much as the first one */
	if (explicit_indent)
		ci = entry_col(b, p) + explicit_indent;
	end = hend;
	for (uint32_t ls = cs; ls < ce;) {
		uint32_t q = ls, le;

		while (q < ce && (d[q] == ' ' || d[q] == '\t'))
			q++;
		le = q;
		while (le < ce && d[le] != '\n')
			le++;
		if (q < le && !(le - q == 1 && d[q] == '\r')) {
			uint32_t indent = q - ls;

			if (!have_first) {
				have_first = true;
				first = q;
				if (!explicit_indent)
					ci = indent;
			}
			if (indent < ci && d[q] == '#')
				break; /* a less indented comment line ends the scalar */
			end = le;
			while (end > q && (d[end - 1] == '\r' || d[end - 1] == ' ' || d[end - 1] == '\t'))
				end--;
		}
		if (keep && le < ce)
			end = le + 1; /* trailing line breaks are content */
		ls = le < ce ? le + 1 : le;
	}
	if (!have_first)
		first = end;
	n->tok.start = p;
	n->tok.end = end;
	n->inner.start = have_first ? first : end;
	n->inner.end = end;
	if (n->inner.start > n->inner.end)
		n->inner.start = n->inner.end;
}

/*
 * Keep a node before its next sibling: an implicit null placed after a ':'
 * that turned out to start the next token moves back, and block
 * collections ending with it follow.
 */
static void clamp_end(struct dfx_yaml_node *n, uint32_t limit)
{
	if (n->span.end <= limit)
		return;
	if (n->type == DFX_YAML_SCALAR && n->empty) {
		uint32_t at = n->tok.start < limit ? n->tok.start : limit;

		n->tok.start = n->tok.end = at;
		n->inner = n->tok;
		if (n->span.start > at)
			n->span.start = at;
		n->span.end = at;
	} else if (n->style == DFX_YAML_BLOCK && n->n && n->pairs) {
		struct dfx_yaml_node *last = n->pairs[n->n - 1].value;

		clamp_end(last, limit);
		n->tok.end = n->span.end = last->span.end > n->tok.start ? last->span.end : n->tok.start;
		n->inner = n->tok;
	} else if (n->style == DFX_YAML_BLOCK && n->n && n->items) {
		struct dfx_yaml_node *last = n->items[n->n - 1];

		clamp_end(last, limit);
		n->tok.end = n->span.end = last->span.end > n->tok.start ? last->span.end : n->tok.start;
		n->inner = n->tok;
	}
}

static int add_node(struct builder *b, struct dfx_yaml_node *n)
{
	struct dfx_yaml *t = b->t;

	if (b->sp) {
		struct frame *f = &b->stack[b->sp - 1];

		if (b->nkids > f->base)
			clamp_end(b->kids[b->nkids - 1], n->span.start);
		n->parent = f->node;
		n->depth = (uint16_t)(f->node->depth + 1);
		if (f->node->type == DFX_YAML_MAPPING)
			n->is_key = nchildren(b) % 2 == 0;
		DFX_GROW(b->kids, b->nkids + 1, b->kcap);
		b->kids[b->nkids++] = n;
	} else if (t->ndocs < (size_t)b->ndocs) {
		t->docs = arena_alloc(t->arena, (size_t)b->ndocs * sizeof(*t->docs));
		for (size_t i = 0; i < t->ndocs; i++)
			t->docs[i] = b->prev_docs[i];
		t->docs[t->ndocs++] = n;
		b->prev_docs = t->docs;
		if (!t->root)
			t->root = n;
	} else {
		fail_at(b, n->span.start, "more than one root node");
		return -1;
	}
	if (n->anchor)
		strmap_put(&b->anchors, n->anchor, strlen(n->anchor), n);
	if (t->nnodes > DFX_YAML_MAX_NODES) {
		fail_at(b, n->span.start, "too many YAML nodes (the limit is %u)", DFX_YAML_MAX_NODES);
		return -1;
	}
	return 0;
}

/*
 * Is the ':' or '-' at q an indicator (followed by a blank, a line break,
 * the end, or in flow context a flow indicator; a ':' may also touch the
 * previous token, as in {"a":b}), not the start of a plain scalar?
 */
static bool indicator_end(const struct builder *b, uint32_t q, uint32_t from)
{
	const struct dfx_yaml *t = b->t;
	bool flow = b->sp && b->stack[b->sp - 1].node->style == DFX_YAML_FLOW;
	char c;

	if (q + 1 >= t->len)
		return true;
	c = t->data[q + 1];
	if (is_ws(c) || (flow && strchr(",[]{}", c)))
		return true;
	return t->data[q] == ':' && q == from;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Decode the text between the quotes of a single-quoted scalar (YAML 1.2
 * section 7.3.2: '' is a quote; a line break folds into a space, each empty
 * line into a line feed; blanks around line breaks go). Done here because
 * libfyaml 0.7.12 leaks memory decoding runs of escaped quotes.
 */
static char *decode_single(struct dfx_yaml_arena *a, const char *s, size_t n, size_t *outlen)
{
	char *out = arena_alloc(a, n + 1);
	size_t o = 0, i = 0, empty = 0;
	bool first = true;

	while (i <= n) {
		size_t e = i, b = i, end;
		bool last;

		while (e < n && s[e] != '\n' && s[e] != '\r')
			e++;
		last = e >= n;
		end = e;
		if (!first)
			while (b < end && is_blank(s[b]))
				b++;
		if (!last)
			while (end > b && is_blank(s[end - 1]))
				end--;
		if (!first && !last && b == end) {
			empty++;
		} else {
			if (!first) {
				if (!empty)
					out[o++] = ' ';
				for (; empty; empty--)
					out[o++] = '\n';
			}
			for (size_t k = b; k < end; k++) {
				out[o++] = s[k];
				if (s[k] == '\'' && k + 1 < end && s[k + 1] == '\'')
					k++;
			}
		}
		first = false;
		if (last)
			break;
		i = e + (s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? 2 : 1);
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

static int on_scalar(struct builder *b, struct fy_event *ev)
{
	struct dfx_yaml *t = b->t;
	struct dfx_yaml_node *n = new_node(b, DFX_YAML_SCALAR);
	const struct fy_mark *sm = fy_event_start_mark(ev), *em = fy_event_end_mark(ev);
	struct fy_token *vt = ev->scalar.value;
	uint32_t pend = set_props(b, n, ev), from = b->last > pend ? b->last : pend;
	enum fy_scalar_style fstyle = vt ? fy_token_scalar_style(vt) : FYSS_PLAIN;

	if (fstyle == FYSS_SINGLE_QUOTED && sm && em && mark_pos(em, t) >= mark_pos(sm, t)) {
		uint32_t s0 = mark_pos(sm, t);

		n->value = decode_single(t->arena, t->data + s0, mark_pos(em, t) - s0, &n->vlen);
	} else {
		size_t len = 0;
		const char *text = vt ? fy_token_get_text(vt, &len) : NULL;

		n->value = arena_strndup(t->arena, text ? text : "", text ? len : 0);
		n->vlen = text ? len : 0;
	}
	switch (fstyle) {
	case FYSS_SINGLE_QUOTED:
		n->style = DFX_YAML_SINGLE;
		break;
	case FYSS_DOUBLE_QUOTED:
		n->style = DFX_YAML_DOUBLE;
		break;
	case FYSS_LITERAL:
		n->style = DFX_YAML_LITERAL;
		break;
	case FYSS_FOLDED:
		n->style = DFX_YAML_FOLDED;
		break;
	default:
		n->style = DFX_YAML_PLAIN;
		break;
	}

	if (!sm || !em) {
		/* implicit null: zero width after the ':' / '-' (or the properties) */
		uint32_t at = from;

		n->empty = true;
		n->style = DFX_YAML_PLAIN;
		if (!pend) {
			uint32_t q = skip_trivia(t, from);
			bool in_map = b->sp && b->stack[b->sp - 1].node->type == DFX_YAML_MAPPING;
			bool is_key = in_map && nchildren(b) % 2 == 0;

			if (is_key)
				at = q < t->len ? q : from;
			else if (q < t->len && (t->data[q] == ':' || (!in_map && t->data[q] == '-')) &&
				 indicator_end(b, q, from))
				at = q + 1;
		}
		n->tok.start = n->tok.end = at;
		n->inner = n->tok;
	} else {
		uint32_t s = mark_pos(sm, t), e = mark_pos(em, t);

		if (e < s)
			e = s;
		n->tok.start = n->inner.start = s;
		n->tok.end = n->inner.end = e;
		if (n->style == DFX_YAML_SINGLE || n->style == DFX_YAML_DOUBLE) {
			char q = n->style == DFX_YAML_SINGLE ? '\'' : '"';

			if (s > 0 && t->data[s - 1] == q)
				n->tok.start = s - 1;
			if (e < t->len && t->data[e] == q)
				n->tok.end = e + 1;
		} else if (n->style == DFX_YAML_LITERAL || n->style == DFX_YAML_FOLDED) {
			block_scalar_spans(b, n, from, s, e);
		}
	}
	n->span.start = props_start(n, n->tok.start);
	n->span.end = n->tok.end;
	if (n->tok.end > b->last)
		b->last = n->tok.end;
	return add_node(b, n);
}

static int on_alias(struct builder *b, struct fy_event *ev)
{
	struct dfx_yaml *t = b->t;
	struct dfx_yaml_node *n = new_node(b, DFX_YAML_ALIAS);
	uint32_t s = mark_pos(fy_event_start_mark(ev), t), e = mark_pos(fy_event_end_mark(ev), t);
	size_t len = 0;
	const char *name = ev->alias.anchor ? fy_token_get_text(ev->alias.anchor, &len) : NULL;

	if (!fy_event_start_mark(ev))
		s = e = b->last;
	if (e < s)
		e = s;
	if (s > 0 && t->data[s - 1] == '*')
		s--;
	n->span.start = n->tok.start = n->inner.start = s;
	n->span.end = n->tok.end = n->inner.end = e;
	n->value = arena_strndup(t->arena, name ? name : "", name ? len : 0);
	n->vlen = name ? len : 0;
	n->target = (struct dfx_yaml_node *)strmap_get(&b->anchors, n->value, n->vlen);
	if (!n->target) {
		fail_at(b, s, "unknown anchor '%s' referenced", n->value);
		return -1;
	}
	if (e > b->last)
		b->last = e;
	return add_node(b, n);
}

static int on_collection_start(struct builder *b, struct fy_event *ev, enum dfx_yaml_type type)
{
	struct dfx_yaml *t = b->t;
	struct dfx_yaml_node *n = new_node(b, type);
	const struct fy_mark *sm = fy_event_start_mark(ev), *em = fy_event_end_mark(ev);
	uint32_t pend = set_props(b, n, ev);
	uint32_t s = sm ? mark_pos(sm, t) : (pend > b->last ? pend : b->last);
	struct frame *f;

	n->style = fy_event_get_node_style(ev) == FYNS_FLOW ? DFX_YAML_FLOW : DFX_YAML_BLOCK;
	if (n->style == DFX_YAML_FLOW && (s >= t->len || (t->data[s] != '[' && t->data[s] != '{')))
		s = pend > b->last ? pend : b->last; /* a bare `k: v` pair inside [ ] */
	n->tok.start = n->tok.end = s;
	n->span.start = props_start(n, s);
	n->span.end = s;
	if (add_node(b, n) < 0)
		return -1;
	if (n->depth >= DFX_YAML_MAX_DEPTH) {
		fail_at(b, s, "YAML nesting deeper than %d levels", DFX_YAML_MAX_DEPTH);
		return -1;
	}
	DFX_GROW(b->stack, b->sp + 1, b->scap);
	f = &b->stack[b->sp++];
	f->node = n;
	f->base = b->nkids;
	if (n->style == DFX_YAML_FLOW && s < t->len && (t->data[s] == '[' || t->data[s] == '{')) {
		uint32_t e = em ? mark_pos(em, t) : s + 1;

		if (e > b->last)
			b->last = e;
	} else if (s > b->last) {
		b->last = s;
	}
	if (pend > b->last)
		b->last = pend;
	return 0;
}

static int cmp_keys(const void *pa, const void *pb)
{
	const struct dfx_yaml_node *a = *(const struct dfx_yaml_node *const *)pa;
	const struct dfx_yaml_node *b = *(const struct dfx_yaml_node *const *)pb;
	int c;

	if (a->vlen != b->vlen)
		return a->vlen < b->vlen ? -1 : 1;
	c = memcmp(a->value, b->value, a->vlen);
	if (c)
		return c;
	return a->span.start < b->span.start ? -1 : a->span.start > b->span.start;
}

/* Docker Compose (go-yaml v3) rejects a mapping that repeats a scalar key, `<<` included. */
static int check_duplicates(struct builder *b, struct dfx_yaml_node *map)
{
	struct dfx_yaml_node **keys;
	size_t nk = 0;
	int rc = 0;

	if (map->n < 2)
		return 0;
	keys = dfx_xmalloc(map->n * sizeof(*keys));
	for (size_t i = 0; i < map->n; i++)
		if (map->pairs[i].key->type == DFX_YAML_SCALAR)
			keys[nk++] = map->pairs[i].key;
	dfx_qsort(keys, nk, sizeof(*keys), cmp_keys);
	for (size_t i = 1; i < nk; i++) {
		if (keys[i]->vlen == keys[i - 1]->vlen &&
		    !memcmp(keys[i]->value, keys[i - 1]->value, keys[i]->vlen)) {
			unsigned line, col;
			const struct dfx_yaml_node *first = keys[i - 1], *dup = keys[i];

			for (size_t j = i + 1; j < nk && keys[j]->vlen == dup->vlen &&
			     !memcmp(keys[j]->value, dup->value, dup->vlen); j++)
				;
			linecol(b->t->data, b->t->len, first->span.start, &line, &col);
			fail_at(b, dup->span.start, "duplicate key \"%.*s\" (first defined at line %u)",
				dup->vlen > 80 ? 80 : (int)dup->vlen, dup->value, line);
			rc = -1;
			break;
		}
	}
	free(keys);
	return rc;
}

static int on_collection_end(struct builder *b, struct fy_event *ev)
{
	struct dfx_yaml *t = b->t;
	struct frame *f;
	struct dfx_yaml_node *n, **kids;
	size_t nk;

	if (!b->sp)
		return 0;
	f = &b->stack[--b->sp];
	n = f->node;
	nk = b->nkids - f->base;
	kids = nk ? b->kids + f->base : NULL;
	if (n->type == DFX_YAML_MAPPING) {
		if (nk % 2) {
			fail_at(b, n->tok.start, "mapping with a key and no value");
			return -1;
		}
		n->n = nk / 2;
		n->pairs = arena_alloc(t->arena, (n->n ? n->n : 1) * sizeof(*n->pairs));
		for (size_t i = 0; i < n->n; i++) {
			n->pairs[i].key = kids[2 * i];
			n->pairs[i].value = kids[2 * i + 1];
			kids[2 * i]->index = kids[2 * i + 1]->index = (uint32_t)i;
		}
	} else {
		n->n = nk;
		n->items = arena_alloc(t->arena, (nk ? nk : 1) * sizeof(*n->items));
		for (size_t i = 0; i < nk; i++) {
			n->items[i] = kids[i];
			kids[i]->index = (uint32_t)i;
		}
	}
	b->nkids = f->base;

	if (n->style == DFX_YAML_FLOW && n->tok.start < t->len &&
	    (t->data[n->tok.start] == '[' || t->data[n->tok.start] == '{')) {
		const struct fy_mark *em = fy_event_end_mark(ev);
		uint32_t e = em ? mark_pos(em, t) : 0;

		if (nk && e < kids[nk - 1]->span.end)
			e = kids[nk - 1]->span.end;
		if (e <= n->tok.start)
			e = n->tok.start + 1;
		n->tok.end = e;
	} else if (nk) {
		/* block collections (and bare flow pairs) end with their last child */
		if (n->tok.start > kids[0]->span.start)
			n->tok.start = kids[0]->span.start;
		n->tok.end = kids[nk - 1]->span.end;
	}
	if (n->tok.end < n->tok.start)
		n->tok.end = n->tok.start;
	n->inner = n->tok;
	n->span.start = props_start(n, n->tok.start);
	n->span.end = n->tok.end;
	if (n->tok.end > b->last)
		b->last = n->tok.end;

	/* where each child's entry starts: its key, or the '-' of a block item */
	if (n->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < n->n; i++)
			n->pairs[i].key->entry = n->pairs[i].value->entry = n->pairs[i].key->span.start;
	} else {
		uint32_t from = n->tok.start;

		for (size_t i = 0; i < n->n; i++) {
			struct dfx_yaml_node *it = n->items[i];
			uint32_t p = n->style == DFX_YAML_BLOCK ? skip_trivia(t, from) : it->span.start;

			it->entry = p < t->len && t->data[p] == '-' && p <= it->span.start ? p : it->span.start;
			from = it->span.end;
		}
	}
	if (n->type == DFX_YAML_MAPPING)
		return check_duplicates(b, n);
	return 0;
}

static void stream_error(struct builder *b, struct fy_diag *diag)
{
	struct fy_diag_error *de;
	void *it = NULL;

	while ((de = fy_diag_errors_iterate(diag, &it))) {
		size_t off = offset_of(b->t->data, b->t->len, de->line, de->column);

		fail_at(b, off, "%s", de->msg && *de->msg ? de->msg : "invalid YAML");
		return;
	}
	fail_at(b, b->last, "invalid YAML");
}

static int on_event(struct builder *b, struct fy_event *ev)
{
	switch (ev->type) {
	case FYET_DOCUMENT_START:
		/* anchors do not cross documents (YAML 1.2, 3.2.2.2) */
		if (++b->ndocs > 1)
			strmap_release(&b->anchors);
		if (b->ndocs > DFX_YAML_MAX_DOCS) {
			const struct fy_mark *m = fy_event_start_mark(ev);

			fail_at(b, m ? mark_pos(m, b->t) : b->last,
				"too many YAML documents in the file (the limit is %d)", DFX_YAML_MAX_DOCS);
			return -1;
		}
		return 0;
	case FYET_SCALAR:
		return on_scalar(b, ev);
	case FYET_ALIAS:
		return on_alias(b, ev);
	case FYET_MAPPING_START:
		return on_collection_start(b, ev, DFX_YAML_MAPPING);
	case FYET_SEQUENCE_START:
		return on_collection_start(b, ev, DFX_YAML_SEQUENCE);
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		return on_collection_end(b, ev);
	default:
		return 0;
	}
}

/*
 * libfyaml 0.7.12 corrupts its indentation stack when it reports "cannot use
 * tab for indentation of block entry" inside an explicit `?` key, and then
 * frees an object twice in fy_parser_destroy() (found by fuzzing; e.g.
 * "? a:\t|"). A parser that failed on such input is therefore never
 * destroyed: it is kept here, reachable, for the life of the process. Only
 * invalid files cost this memory.
 */
static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fy_parser **quarantine;
static size_t nquarantine, quarantine_cap;

static bool unsafe_to_destroy(const struct dfx_yaml *t, const struct dfx_error *err)
{
	if (!err->message || !strstr(err->message, "tab"))
		return false;
	for (size_t i = 0; i + 1 < t->len; i++)
		if (t->data[i] == '?' && is_ws(t->data[i + 1]))
			return true;
	return false;
}

static void parser_release(struct fy_parser *fyp, bool unsafe)
{
	if (!unsafe) {
		fy_parser_destroy(fyp);
		return;
	}
	pthread_mutex_lock(&quarantine_lock);
	DFX_GROW(quarantine, nquarantine + 1, quarantine_cap);
	quarantine[nquarantine++] = fyp;
	pthread_mutex_unlock(&quarantine_lock);
}

struct dfx_yaml *dfx_yaml_parse(const char *data, size_t len, const char *path,
				struct dfx_error *err)
{
	struct dfx_yaml *t = dfx_xcalloc(1, sizeof(*t));
	struct builder b;
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;
	struct fy_parse_cfg cfg;
	struct fy_parser *fyp;
	struct fy_event *ev;
	const char *what = NULL;
	size_t bad;

	memset(&b, 0, sizeof(b));
	b.t = t;
	b.path = path ? path : "-";
	b.err = err;
	t->data = data ? data : "";
	t->len = data ? len : 0;
	t->arena = dfx_xcalloc(1, sizeof(*t->arena));
	/* a tree takes about eight times its text: start there, not with a fixed large chunk */
	t->arena->next = t->len < 512 ? 4096 : t->len * 8;

	if (t->len > DFX_MAX_FILE_SIZE) {
		fail_at(&b, 0, "file too large (%zu bytes; the limit is %u)", t->len, DFX_MAX_FILE_SIZE);
		goto fail;
	}
	bad = check_text((const unsigned char *)t->data, t->len, &what);
	if (bad < t->len) {
		if (strcmp(what, "line too long") == 0) {
			const char *nl = memchr(t->data + bad, '\n', t->len - bad);
			size_t end = nl ? (size_t)(nl - t->data) : t->len;

			if (end > bad && t->data[end - 1] == '\r')
				end--;
			fail_at(&b, bad, "line too long (%zu bytes; the limit is %u)", end - (bad - DFX_MAX_LINE_LEN),
				DFX_MAX_LINE_LEN);
		} else if (t->data[bad] == '\r') {
			fail_at(&b, bad, "%s: only LF and CRLF line breaks are supported", what);
		} else {
			fail_at(&b, bad, "%s (byte 0x%02x) is not allowed in YAML", what,
				(unsigned char)t->data[bad]);
		}
		goto fail;
	}

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	dcfg.colorize = false;
	diag = fy_diag_create(&dcfg);
	if (!diag) {
		fail_at(&b, 0, "cannot create the YAML parser");
		goto fail;
	}
	fy_diag_set_collect_errors(diag, true);
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET | FYPCF_SLOPPY_FLOW_INDENTATION;
	cfg.diag = diag;
	fyp = fy_parser_create(&cfg);
	if (!fyp || fy_parser_set_string(fyp, t->data, t->len)) {
		if (fyp)
			fy_parser_destroy(fyp);
		fy_diag_destroy(diag);
		fail_at(&b, 0, "cannot create the YAML parser");
		goto fail;
	}
	while ((ev = fy_parser_parse(fyp))) {
		int rc = on_event(&b, ev);

		fy_parser_event_free(fyp, ev);
		if (rc < 0 || b.failed)
			break;
	}
	if (!b.failed && fy_parser_get_stream_error(fyp))
		stream_error(&b, diag);
	if (!b.failed && b.sp)
		fail_at(&b, b.last, "unterminated YAML collection");
	parser_release(fyp, fy_parser_get_stream_error(fyp) && unsafe_to_destroy(t, err));
	fy_diag_destroy(diag);
	if (b.failed)
		goto fail;
	t->budget = DFX_YAML_VISIT_BUDGET + 8ul * t->nnodes;
	free(b.stack);
	free(b.kids);
	strmap_release(&b.anchors);
	return t;
fail:
	free(b.stack);
	free(b.kids);
	strmap_release(&b.anchors);
	dfx_yaml_free(t);
	return NULL;
}

void dfx_yaml_free(struct dfx_yaml *t)
{
	if (!t)
		return;
	arena_free(t->arena);
	free(t->layout);
	free(t);
}
