/*
 * yaml_edit.c - minimal text edits on a YAML span tree: replace a scalar in
 * its own quoting style, insert and delete mapping and sequence entries, and
 * the compose-specific secrets helpers. New text follows the file's layout
 * (indent step, sequence dash indentation, line ending, quote character),
 * inferred from the file itself.
 *
 * References: YAML 1.2 chapters 7 (flow styles: plain-scalar restrictions,
 * quoting and escapes) and 8 (block styles: indentation, block scalar
 * headers and chomping); the splice approach of research/yaml-spike.md
 * section 6 (edits are byte ranges on the original; bytes outside them
 * never change; the libyaml verifier checks the result).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/yamltree.h"

/* ---------------------------------------------------------------- edit lists */

void dfx_yaml_edits_init(struct dfx_yaml_edits *e)
{
	memset(e, 0, sizeof(*e));
}

void dfx_yaml_edits_release(struct dfx_yaml_edits *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
	free(e->why);
	memset(e, 0, sizeof(*e));
}

void dfx_yaml_edits_add(struct dfx_yaml_edits *e, uint32_t start, uint32_t end, const char *text)
{
	DFX_GROW(e->v, e->n + 1, e->cap);
	e->v[e->n].start = start;
	e->v[e->n].end = end < start ? start : end;
	e->v[e->n].text = dfx_xstrdup(text ? text : "");
	e->n++;
}

void dfx_yaml_edits_to_fix(const struct dfx_yaml_edits *e, struct dfx_fix *f, const char *path)
{
	for (size_t i = 0; i < e->n; i++)
		dfx_fix_edit(f, path, e->v[i].start, e->v[i].end, e->v[i].text);
}

/* Sort key of an edit: position, inserts before a replacement at the same point, then order added. */
struct edit_key {
	uint32_t start;
	int replaces;
	size_t index;
};

static int cmp_edit(const void *pa, const void *pb)
{
	const struct edit_key *x = pa, *y = pb;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->replaces != y->replaces)
		return x->replaces - y->replaces;
	return x->index < y->index ? -1 : x->index > y->index;
}

char *dfx_yaml_edits_apply(const char *data, size_t len, const struct dfx_yaml_edits *e,
			   size_t *outlen)
{
	struct dfx_buf out = DFX_BUF_INIT;
	struct edit_key *order;
	size_t cur = 0;

	order = dfx_xmalloc((e->n ? e->n : 1) * sizeof(*order));
	for (size_t i = 0; i < e->n; i++) {
		order[i].start = e->v[i].start;
		order[i].replaces = e->v[i].end > e->v[i].start;
		order[i].index = i;
	}
	qsort(order, e->n, sizeof(*order), cmp_edit);
	for (size_t i = 0; i < e->n; i++) {
		const struct dfx_yaml_edit *x = &e->v[order[i].index];

		if (x->start < cur || x->end > len) {
			free(order);
			dfx_buf_release(&out);
			return NULL;
		}
		dfx_buf_add(&out, data + cur, x->start - cur);
		dfx_buf_adds(&out, x->text);
		cur = x->end;
	}
	dfx_buf_add(&out, data + cur, len - cur);
	free(order);
	*outlen = out.len;
	if (!out.ptr)
		dfx_buf_add(&out, "", 0);
	return dfx_buf_detach(&out);
}

static int decline(struct dfx_yaml_edits *out, const char *fmt, ...) DFX_PRINTF(2, 3);

static int decline(struct dfx_yaml_edits *out, const char *fmt, ...)
{
	struct dfx_buf b = DFX_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(out->why);
	out->why = dfx_buf_detach(&b);
	return -1;
}

/* ---------------------------------------------------------------- lines */

static uint32_t line_start(const struct dfx_yaml *t, uint32_t p)
{
	if (p > t->len)
		p = (uint32_t)t->len;
	while (p > 0 && t->data[p - 1] != '\n')
		p--;
	return p;
}

/* Just after the line break of the line holding p (end of file when none). */
static uint32_t next_line(const struct dfx_yaml *t, uint32_t p)
{
	while (p < t->len && t->data[p] != '\n')
		p++;
	return p < t->len ? p + 1 : (uint32_t)t->len;
}

/* Column of p in characters (indentation is ASCII, the rest may be UTF-8). */
static unsigned col_of(const struct dfx_yaml *t, uint32_t p)
{
	unsigned c = 0;

	for (uint32_t i = line_start(t, p); i < p && i < t->len; i++)
		if (((unsigned char)t->data[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static bool blanks_before(const struct dfx_yaml *t, uint32_t p)
{
	for (uint32_t i = line_start(t, p); i < p; i++)
		if (t->data[i] != ' ' && t->data[i] != '\t')
			return false;
	return true;
}

static bool blank_line_at(const struct dfx_yaml *t, uint32_t ls)
{
	for (uint32_t i = ls; i < t->len && t->data[i] != '\n'; i++)
		if (t->data[i] != ' ' && t->data[i] != '\t' && t->data[i] != '\r')
			return false;
	return true;
}

static bool comment_line_at(const struct dfx_yaml *t, uint32_t ls)
{
	uint32_t i = ls;

	while (i < t->len && (t->data[i] == ' ' || t->data[i] == '\t'))
		i++;
	return i < t->len && t->data[i] == '#';
}

/* Offset of the last byte of a node (its start when it is empty). */
static uint32_t last_byte(const struct dfx_yaml_node *n)
{
	return n->span.end > n->span.start ? n->span.end - 1 : n->span.start;
}

static void indent(struct dfx_buf *b, unsigned n)
{
	while (n--)
		dfx_buf_addc(b, ' ');
}

static bool in_flow(const struct dfx_yaml_node *n)
{
	return n->parent && n->parent->style == DFX_YAML_FLOW;
}

static bool bare_flow_pair(const struct dfx_yaml *t, const struct dfx_yaml_node *n)
{
	return n->style == DFX_YAML_FLOW && n->tok.start < t->len && t->data[n->tok.start] != '[' &&
	       t->data[n->tok.start] != '{';
}

/* ---------------------------------------------------------------- layout */

static unsigned mode_of(const unsigned *hist, unsigned n, unsigned dflt)
{
	unsigned best = dflt, bestc = 0;

	for (unsigned i = 0; i < n; i++)
		if (hist[i] > bestc) {
			best = i;
			bestc = hist[i];
		}
	return best;
}

struct layout_count {
	unsigned indent[17], seq[17];
	unsigned single, dbl;
};

static void count_layout(const struct dfx_yaml *t, const struct dfx_yaml_node *n, struct layout_count *c)
{
	if (n->type == DFX_YAML_SCALAR) {
		if (n->style == DFX_YAML_SINGLE)
			c->single++;
		else if (n->style == DFX_YAML_DOUBLE)
			c->dbl++;
		return;
	}
	if (n->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < n->n; i++) {
			const struct dfx_yaml_node *k = n->pairs[i].key, *v = n->pairs[i].value;

			if (n->style == DFX_YAML_BLOCK && v->style == DFX_YAML_BLOCK && v->n) {
				unsigned kc = col_of(t, k->span.start), vc = col_of(t, v->tok.start);

				if (v->type == DFX_YAML_MAPPING && vc > kc && vc - kc <= 16)
					c->indent[vc - kc]++;
				else if (v->type == DFX_YAML_SEQUENCE && vc >= kc && vc - kc <= 16)
					c->seq[vc - kc]++;
			}
			count_layout(t, k, c);
			count_layout(t, v, c);
		}
	} else if (n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < n->n; i++)
			count_layout(t, n->items[i], c);
	}
}

const struct dfx_yaml_layout *dfx_yaml_layout_of(struct dfx_yaml *t)
{
	struct dfx_yaml_layout *L;
	struct layout_count c;
	size_t crlf = 0, lf = 0;
	const struct dfx_yaml_node *root = t->root;

	if (t->layout)
		return t->layout;
	L = dfx_xcalloc(1, sizeof(*L));
	memset(&c, 0, sizeof(c));
	if (root)
		count_layout(t, root, &c);
	L->indent = mode_of(c.indent, 17, 2);
	if (!L->indent)
		L->indent = 2;
	L->seq_indent = mode_of(c.seq, 17, L->indent);
	{
		unsigned any = 0;

		for (unsigned i = 0; i < 17; i++)
			any += c.seq[i];
		if (!any)
			L->seq_indent = L->indent;
	}
	for (size_t i = 0; i < t->len; i++) {
		if (t->data[i] == '\n') {
			if (i > 0 && t->data[i - 1] == '\r')
				crlf++;
			else
				lf++;
		}
	}
	L->eol = crlf > lf ? "\r\n" : "\n";
	L->quote = c.single > c.dbl ? '\'' : '"';
	L->final_newline = !t->len || t->data[t->len - 1] == '\n';
	if (root && root->type == DFX_YAML_MAPPING && root->style == DFX_YAML_BLOCK) {
		for (size_t i = 1; i < root->n && !L->blank_between_top; i++) {
			uint32_t ls = line_start(t, root->pairs[i].key->span.start);

			while (ls > 0) {
				uint32_t prev = line_start(t, ls - 1);

				if (blank_line_at(t, prev)) {
					L->blank_between_top = true;
					break;
				}
				if (!comment_line_at(t, prev))
					break;
				ls = prev;
			}
		}
	}
	t->layout = L;
	return L;
}

/* ---------------------------------------------------------------- scalars */

static bool digits(const char *s, const char *set, bool need)
{
	bool any = false;

	for (; *s; s++) {
		if (!strchr(set, *s))
			return false;
		if (*s != '_')
			any = true;
	}
	return any || !need;
}

/* Would a plain scalar with this text read back as something other than a string? */
static bool plain_is_typed(const char *v)
{
	static const char *const words[] = {
		"", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
		"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y",
		"Y", "n", "N", "<<", "=", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
		"-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", NULL};
	const char *s = v, *dot, *e;
	bool colon = false;

	for (size_t i = 0; words[i]; i++)
		if (!strcmp(v, words[i]))
			return true;
	if (*s == '+' || *s == '-')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return digits(s + 2, "0123456789abcdefABCDEF_", true);
	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		return digits(s + 2, "01234567_", true);
	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		return digits(s + 2, "01_", true);
	/* integers, floats, exponents and YAML 1.1 base 60 (1:30, 190:20:30.15) */
	if (!*s || !strchr("0123456789.", *s))
		return false;
	e = strpbrk(s, "eE");
	dot = strchr(s, '.');
	for (const char *p = s; *p && (!e || p < e); p++) {
		if (*p == ':') {
			/* each base-60 part after the first is one or two digits below 60 */
			const char *q = p + 1;
			size_t nd = 0;

			while (q[nd] >= '0' && q[nd] <= '9')
				nd++;
			if (!nd || nd > 2 || (nd == 2 && q[0] > '5'))
				return false;
			if (q[nd] && q[nd] != ':' && q[nd] != '.')
				return false;
			colon = true;
		} else if (!strchr("0123456789_.", *p)) {
			return false;
		}
	}
	if (colon && dot && strchr(dot + 1, ':'))
		return false;
	if (dot && strchr(dot + 1, '.'))
		return false;
	if (e) {
		const char *x = e + 1;

		if (*x == '+' || *x == '-')
			x++;
		if (!digits(x, "0123456789", true))
			return false;
	}
	for (const char *p = s; *p && (!e || p < e); p++)
		if (*p >= '0' && *p <= '9')
			return true;
	return false;
}

static bool needs_escape(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7F)
			return true;
	}
	return false;
}

/* Is v a safe plain scalar (one line, no indicator that would change its meaning)? */
static bool plain_safe(const char *v, size_t len, bool flow)
{
	unsigned char c0;

	if (!len || strlen(v) != len || needs_escape(v, len))
		return false;
	c0 = (unsigned char)v[0];
	if (c0 == ' ' || v[len - 1] == ' ' || v[len - 1] == ':')
		return false;
	if (strchr("[]{},#&*!|>'\"%@`?:", c0))
		return false;
	if (c0 == '-' && (len == 1 || v[1] == ' ' || (flow && strchr(",[]{}", v[1]))))
		return false;
	if (!strncmp(v, "---", 3) || !strncmp(v, "...", 3) || (unsigned char)v[0] == 0xEF)
		return false;
	for (size_t i = 0; i + 1 < len; i++) {
		if (v[i] == ':' && (v[i + 1] == ' ' || (flow && strchr(",[]{}", v[i + 1]))))
			return false;
		if (v[i] == ' ' && v[i + 1] == '#')
			return false;
	}
	if (flow && strpbrk(v, ",[]{}"))
		return false;
	return true;
}

static void quote_double(const char *v, size_t len, struct dfx_buf *out)
{
	dfx_buf_addc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		switch (c) {
		case '"':
			dfx_buf_adds(out, "\\\"");
			break;
		case '\\':
			dfx_buf_adds(out, "\\\\");
			break;
		case '\n':
			dfx_buf_adds(out, "\\n");
			break;
		case '\t':
			dfx_buf_adds(out, "\\t");
			break;
		case '\r':
			dfx_buf_adds(out, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7F)
				dfx_buf_addf(out, "\\x%02X", c);
			else
				dfx_buf_addc(out, (char)c);
		}
	}
	dfx_buf_addc(out, '"');
}

/* Body of a double-quoted scalar (no quotes). */
static void escape_double(const char *v, size_t len, struct dfx_buf *out)
{
	struct dfx_buf q = DFX_BUF_INIT;

	quote_double(v, len, &q);
	dfx_buf_add(out, q.ptr + 1, q.len - 2);
	dfx_buf_release(&q);
}

static void escape_single(const char *v, size_t len, struct dfx_buf *out)
{
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '\'')
			dfx_buf_addc(out, '\'');
		dfx_buf_addc(out, v[i]);
	}
}

static void quote_with(char q, const char *v, size_t len, struct dfx_buf *out)
{
	if (q == '\'' && !needs_escape(v, len) && strlen(v) == len) {
		dfx_buf_addc(out, '\'');
		escape_single(v, len, out);
		dfx_buf_addc(out, '\'');
	} else {
		quote_double(v, len, out);
	}
}

void dfx_yaml_render_scalar(struct dfx_yaml *t, const char *value, bool flow, struct dfx_buf *out)
{
	size_t len = strlen(value);

	if (plain_safe(value, len, flow) && !plain_is_typed(value))
		dfx_buf_add(out, value, len);
	else
		quote_with(dfx_yaml_layout_of(t)->quote, value, len, out);
}

/* ---------------------------------------------------------------- fragments */

/*
 * A value given as YAML text is parsed with the span tree and re-emitted in
 * the file's layout: block collections at the file's indentation, or flow
 * text inside [ ] / { }.
 */
struct emitter {
	struct dfx_yaml *t;               /* the file being edited */
	const struct dfx_yaml_layout *L;
	const struct dfx_yaml *frag;      /* the parsed fragment */
	struct dfx_buf *out;
	const char *why;
	bool keep_quotes;                 /* quoted scalars as given (already in the file's style) */
};

static int emit_scalar(struct emitter *em, const struct dfx_yaml_node *n, bool flow)
{
	const char *src = em->frag->data;

	if (n->type != DFX_YAML_SCALAR || n->anchor || n->tag) {
		em->why = "anchors, aliases and tags are not supported in inserted YAML";
		return -1;
	}
	switch (n->style) {
	case DFX_YAML_PLAIN:
		if (n->empty) {
			if (flow)
				dfx_buf_adds(em->out, "null");
		} else if (flow && !plain_safe(n->value, n->vlen, true)) {
			quote_with(em->L->quote, n->value, n->vlen, em->out);
		} else {
			dfx_buf_add(em->out, src + n->tok.start, n->tok.end - n->tok.start);
		}
		return 0;
	case DFX_YAML_SINGLE:
	case DFX_YAML_DOUBLE:
		if ((n->style == DFX_YAML_SINGLE ? '\'' : '"') == em->L->quote || em->keep_quotes)
			dfx_buf_add(em->out, src + n->tok.start, n->tok.end - n->tok.start);
		else
			quote_with(em->L->quote, n->value, n->vlen, em->out);
		return 0;
	default:
		em->why = "block scalars are not supported in inserted YAML";
		return -1;
	}
}

static int emit_flow(struct emitter *em, const struct dfx_yaml_node *n)
{
	if (n->anchor || n->tag || n->type == DFX_YAML_ALIAS) {
		em->why = "anchors, aliases and tags are not supported in inserted YAML";
		return -1;
	}
	if (n->type == DFX_YAML_SCALAR)
		return emit_scalar(em, n, true);
	dfx_buf_addc(em->out, n->type == DFX_YAML_MAPPING ? '{' : '[');
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			dfx_buf_adds(em->out, ", ");
		if (n->type == DFX_YAML_MAPPING) {
			if (emit_scalar(em, n->pairs[i].key, true) < 0)
				return -1;
			dfx_buf_addc(em->out, ':');
			if (!n->pairs[i].value->empty)
				dfx_buf_addc(em->out, ' ');
			if (!n->pairs[i].value->empty && emit_flow(em, n->pairs[i].value) < 0)
				return -1;
		} else if (emit_flow(em, n->items[i]) < 0) {
			return -1;
		}
	}
	dfx_buf_addc(em->out, n->type == DFX_YAML_MAPPING ? '}' : ']');
	return 0;
}

static int emit_block(struct emitter *em, const struct dfx_yaml_node *n, unsigned col, bool inline_first);

/* What follows `key:` (or `- `) for value v: " scalar" + eol, or eol + nested block lines. */
static int emit_value(struct emitter *em, const struct dfx_yaml_node *v, unsigned col)
{
	if (v->type == DFX_YAML_SCALAR && v->empty) {
		dfx_buf_adds(em->out, em->L->eol);
		return 0;
	}
	if (v->type == DFX_YAML_SCALAR || v->style == DFX_YAML_FLOW) {
		dfx_buf_addc(em->out, ' ');
		if (emit_flow(em, v) < 0)
			return -1;
		dfx_buf_adds(em->out, em->L->eol);
		return 0;
	}
	dfx_buf_adds(em->out, em->L->eol);
	return emit_block(em, v, col + (v->type == DFX_YAML_MAPPING ? em->L->indent : em->L->seq_indent),
			  false);
}

/* Block lines of a collection at column col; inline_first: the caller already wrote the indentation. */
static int emit_block(struct emitter *em, const struct dfx_yaml_node *n, unsigned col, bool inline_first)
{
	if (n->anchor || n->tag || n->type == DFX_YAML_ALIAS) {
		em->why = "anchors, aliases and tags are not supported in inserted YAML";
		return -1;
	}
	for (size_t i = 0; i < n->n; i++) {
		if (i || !inline_first)
			indent(em->out, col);
		if (n->type == DFX_YAML_MAPPING) {
			if (emit_scalar(em, n->pairs[i].key, false) < 0)
				return -1;
			dfx_buf_addc(em->out, ':');
			if (emit_value(em, n->pairs[i].value, col) < 0)
				return -1;
			continue;
		}
		/* a sequence item */
		{
			const struct dfx_yaml_node *it = n->items[i];

			if (it->type == DFX_YAML_SCALAR && it->empty) {
				dfx_buf_addc(em->out, '-');
				dfx_buf_adds(em->out, em->L->eol);
			} else if (it->type == DFX_YAML_SCALAR || it->style == DFX_YAML_FLOW) {
				dfx_buf_adds(em->out, "- ");
				if (emit_flow(em, it) < 0)
					return -1;
				dfx_buf_adds(em->out, em->L->eol);
			} else {
				dfx_buf_adds(em->out, "- ");
				if (emit_block(em, it, col + 2, true) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* Parse a value fragment; NULL/"" gives no tree (an empty value). */
static int parse_fragment(const char *yaml, struct dfx_yaml **frag, struct dfx_yaml_edits *out)
{
	struct dfx_error err = {0};

	*frag = NULL;
	if (!yaml || !*yaml)
		return 0;
	*frag = dfx_yaml_parse(yaml, strlen(yaml), "value", &err);
	if (!*frag) {
		decline(out, "invalid YAML value to insert: %s", err.message ? err.message : "?");
		dfx_error_release(&err);
		return -1;
	}
	dfx_error_release(&err);
	return 0;
}

/* Drop the line break at the end of text. */
static void chop_eol(struct dfx_buf *b)
{
	if (b->len && b->ptr[b->len - 1] == '\n')
		b->ptr[--b->len] = '\0';
	if (b->len && b->ptr[b->len - 1] == '\r')
		b->ptr[--b->len] = '\0';
}

/*
 * Insert whole lines (each ending in the file's eol) after the line that
 * holds offset p. At the end of a file without a final line break the
 * break moves in front, so the file still ends without one.
 */
static void insert_lines_after(struct dfx_yaml *t, uint32_t p, struct dfx_buf *lines,
			       struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	uint32_t at = next_line(t, p);

	if (at == t->len && t->len && t->data[t->len - 1] != '\n') {
		struct dfx_buf b = DFX_BUF_INIT;

		dfx_buf_adds(&b, L->eol);
		chop_eol(lines);
		dfx_buf_add(&b, lines->ptr, lines->len);
		dfx_yaml_edits_add(out, at, at, b.ptr);
		dfx_buf_release(&b);
	} else {
		dfx_yaml_edits_add(out, at, at, lines->ptr ? lines->ptr : "");
	}
}

/* ---------------------------------------------------------------- scalar edits */

static bool is_block_scalar(const struct dfx_yaml_node *n)
{
	return n->style == DFX_YAML_LITERAL || n->style == DFX_YAML_FOLDED;
}

static uint32_t header_end(const struct dfx_yaml *t, const struct dfx_yaml_node *n)
{
	uint32_t p = n->tok.start + 1;

	while (p < t->len && (t->data[p] == '+' || t->data[p] == '-' ||
			      (t->data[p] >= '1' && t->data[p] <= '9')))
		p++;
	return p;
}

static bool header_keeps(const struct dfx_yaml *t, const struct dfx_yaml_node *n)
{
	for (uint32_t p = n->tok.start + 1; p < header_end(t, n); p++)
		if (t->data[p] == '+')
			return true;
	return false;
}

/* Rewrite a literal/folded scalar: header and content lines, comments on the header line kept. */
static int replace_block_scalar(struct dfx_yaml *t, const struct dfx_yaml_node *n, const char *value,
				struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	size_t len = strlen(value), trail = 0, body_len;
	struct dfx_buf hdr = DFX_BUF_INIT, body = DFX_BUF_INIT;
	uint32_t hend = header_end(t, n), cstart;
	unsigned ci;
	bool inner_nl;

	while (trail < len && value[len - 1 - trail] == '\n')
		trail++;
	body_len = len - trail;
	inner_nl = memchr(value, '\n', body_len) != NULL;
	if (trail > 1 || header_keeps(t, n))
		return decline(out, "block scalars that keep trailing lines are not rewritten");
	for (size_t i = 0; i < body_len; i++) {
		unsigned char c = (unsigned char)value[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
			return decline(out, "the new value cannot be written as a block scalar");
	}
	if (!body_len || value[0] == ' ' || value[0] == '\n')
		return decline(out, "the new value cannot be written as a block scalar");
	if (n->inner.end <= n->inner.start)
		return decline(out, "empty block scalars are not rewritten");

	cstart = line_start(t, n->inner.start);
	ci = col_of(t, n->inner.start);
	dfx_buf_addc(&hdr, n->style == DFX_YAML_FOLDED && !inner_nl ? '>' : '|');
	if (!trail)
		dfx_buf_addc(&hdr, '-');
	for (size_t i = 0; i < body_len;) {
		const char *nl = memchr(value + i, '\n', body_len - i);
		size_t e = nl ? (size_t)(nl - value) : body_len;

		if (i)
			dfx_buf_adds(&body, L->eol);
		if (e > i) {
			indent(&body, ci);
			dfx_buf_add(&body, value + i, e - i);
		}
		i = e + 1;
		if (!nl)
			break;
	}
	dfx_yaml_edits_add(out, n->tok.start, hend, hdr.ptr);
	dfx_yaml_edits_add(out, cstart, n->tok.end, body.ptr ? body.ptr : "");
	dfx_buf_release(&hdr);
	dfx_buf_release(&body);
	return 0;
}

static int replace_scalar(struct dfx_yaml *t, const struct dfx_yaml_node *n, const char *value,
			  struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	size_t len = strlen(value);
	bool flow;
	struct dfx_buf b = DFX_BUF_INIT;

	if (!n || n->type != DFX_YAML_SCALAR)
		return decline(out, "not a scalar");
	flow = in_flow(n);
	if (n->empty) {
		char before = n->tok.start ? t->data[n->tok.start - 1] : '\0';

		if (n->is_key)
			return decline(out, "cannot fill an empty key");
		if (before != ':' && before != '-' && !n->anchor && !n->tag)
			return decline(out, "cannot place a value here");
		dfx_buf_addc(&b, ' ');
		dfx_yaml_render_scalar(t, value, flow, &b);
		dfx_yaml_edits_add(out, n->tok.start, n->tok.end, b.ptr);
		dfx_buf_release(&b);
		return 0;
	}
	switch (n->style) {
	case DFX_YAML_PLAIN:
		if (plain_safe(value, len, flow) && plain_is_typed(value) == plain_is_typed(n->value))
			dfx_buf_add(&b, value, len);
		else
			quote_with(L->quote, value, len, &b);
		dfx_yaml_edits_add(out, n->tok.start, n->tok.end, b.ptr);
		break;
	case DFX_YAML_SINGLE:
		if (needs_escape(value, len)) {
			quote_double(value, len, &b);
			dfx_yaml_edits_add(out, n->tok.start, n->tok.end, b.ptr);
		} else {
			escape_single(value, len, &b);
			dfx_yaml_edits_add(out, n->inner.start, n->inner.end, b.ptr ? b.ptr : "");
		}
		break;
	case DFX_YAML_DOUBLE:
		escape_double(value, len, &b);
		dfx_yaml_edits_add(out, n->inner.start, n->inner.end, b.ptr ? b.ptr : "");
		break;
	default:
		dfx_buf_release(&b);
		return replace_block_scalar(t, n, value, out);
	}
	dfx_buf_release(&b);
	return 0;
}

int dfx_yaml_edit_replace_scalar(struct dfx_yaml *t, const struct dfx_yaml_node *n,
				 const char *value, struct dfx_yaml_edits *out)
{
	n = dfx_yaml_resolve(n);
	if (!n || !value)
		return decline(out, "nothing to replace");
	return replace_scalar(t, n, value, out);
}

static int scalar_affix(struct dfx_yaml *t, const struct dfx_yaml_node *n, const char *affix,
			bool prepend, struct dfx_yaml_edits *out)
{
	size_t alen;
	struct dfx_buf b = DFX_BUF_INIT, whole = DFX_BUF_INIT;
	uint32_t at;
	int rc = 0;

	n = dfx_yaml_resolve(n);
	if (!n || n->type != DFX_YAML_SCALAR || !affix)
		return decline(out, "not a scalar");
	alen = strlen(affix);
	if (!alen)
		return 0;
	if (prepend) {
		dfx_buf_adds(&whole, affix);
		dfx_buf_add(&whole, n->value, n->vlen);
	} else {
		dfx_buf_add(&whole, n->value, n->vlen);
		dfx_buf_adds(&whole, affix);
	}
	at = prepend ? n->inner.start : n->inner.end;
	if (n->empty) {
		rc = replace_scalar(t, n, whole.ptr, out);
	} else if (n->style == DFX_YAML_PLAIN) {
		bool flow = in_flow(n);

		if (plain_safe(whole.ptr, whole.len, flow) &&
		    (!plain_is_typed(whole.ptr) || plain_is_typed(n->value)) &&
		    !memchr(n->value, '\n', n->vlen))
			dfx_yaml_edits_add(out, at, at, affix);
		else
			rc = replace_scalar(t, n, whole.ptr, out);
	} else if (n->style == DFX_YAML_SINGLE && !needs_escape(affix, alen)) {
		escape_single(affix, alen, &b);
		dfx_yaml_edits_add(out, at, at, b.ptr);
	} else if (n->style == DFX_YAML_SINGLE || n->style == DFX_YAML_DOUBLE) {
		if (n->style == DFX_YAML_SINGLE) {
			rc = replace_scalar(t, n, whole.ptr, out);
		} else {
			escape_double(affix, alen, &b);
			dfx_yaml_edits_add(out, at, at, b.ptr);
		}
	} else {
		/* block scalar: on the first / last content line */
		if (memchr(affix, '\n', alen) || needs_escape(affix, alen) || n->inner.end <= n->inner.start) {
			rc = decline(out, "cannot add a line break to a block scalar here");
		} else {
			if (!prepend) {
				while (at > n->inner.start && (t->data[at - 1] == '\n' || t->data[at - 1] == '\r' ||
							       t->data[at - 1] == ' ' || t->data[at - 1] == '\t'))
					at--;
			}
			dfx_yaml_edits_add(out, at, at, affix);
		}
	}
	dfx_buf_release(&b);
	dfx_buf_release(&whole);
	return rc;
}

int dfx_yaml_edit_scalar_prepend(struct dfx_yaml *t, const struct dfx_yaml_node *n,
				 const char *prefix, struct dfx_yaml_edits *out)
{
	return scalar_affix(t, n, prefix, true, out);
}

int dfx_yaml_edit_scalar_append(struct dfx_yaml *t, const struct dfx_yaml_node *n,
				const char *suffix, struct dfx_yaml_edits *out)
{
	return scalar_affix(t, n, suffix, false, out);
}

int dfx_yaml_edit_rename_key(struct dfx_yaml *t, const struct dfx_yaml_node *key,
			     const char *name, struct dfx_yaml_edits *out)
{
	if (!key || !key->is_key || key->type != DFX_YAML_SCALAR || key->empty || !name || !*name)
		return decline(out, "not a mapping key");
	if (key->style != DFX_YAML_PLAIN && key->style != DFX_YAML_SINGLE && key->style != DFX_YAML_DOUBLE)
		return decline(out, "block scalar keys are not renamed");
	if (key->style == DFX_YAML_PLAIN && !(plain_safe(name, strlen(name), in_flow(key)) &&
					     !plain_is_typed(name))) {
		struct dfx_buf b = DFX_BUF_INIT;

		quote_with(dfx_yaml_layout_of(t)->quote, name, strlen(name), &b);
		dfx_yaml_edits_add(out, key->tok.start, key->tok.end, b.ptr);
		dfx_buf_release(&b);
		return 0;
	}
	return replace_scalar(t, key, name, out);
}

/* ---------------------------------------------------------------- insertions */

static int map_insert(struct dfx_yaml *t, const struct dfx_yaml_node *map, const char *key,
		      const char *yaml, bool keep_quotes, struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	struct dfx_yaml *frag = NULL;
	struct dfx_buf b = DFX_BUF_INIT;
	struct emitter em = {t, L, NULL, &b, NULL, keep_quotes};
	int rc = 0;

	map = dfx_yaml_resolve(map);
	if (!map || map->type != DFX_YAML_MAPPING)
		return decline(out, "not a mapping");
	if (!key || !*key)
		return decline(out, "empty key");
	for (size_t i = 0; i < map->n; i++)
		if (dfx_yaml_str_eq(map->pairs[i].key, key))
			return decline(out, "the mapping already has the key \"%s\"", key);
	if (parse_fragment(yaml, &frag, out) < 0)
		return -1;
	em.frag = frag;

	if (map->style == DFX_YAML_FLOW) {
		uint32_t at;

		if (bare_flow_pair(t, map)) {
			dfx_yaml_free(frag);
			return decline(out, "cannot add to a single-pair mapping inside [ ]");
		}
		if (map->n) {
			at = map->pairs[map->n - 1].value->span.end;
			dfx_buf_adds(&b, ", ");
		} else {
			at = map->tok.start + 1;
		}
		dfx_yaml_render_scalar(t, key, true, &b);
		dfx_buf_addc(&b, ':');
		if (frag && frag->root) {
			dfx_buf_addc(&b, ' ');
			rc = emit_flow(&em, frag->root);
		}
		if (rc == 0)
			dfx_yaml_edits_add(out, at, at, b.ptr);
	} else {
		unsigned col = col_of(t, map->pairs[0].key->span.start);

		indent(&b, col);
		dfx_yaml_render_scalar(t, key, false, &b);
		dfx_buf_addc(&b, ':');
		if (frag && frag->root)
			rc = emit_value(&em, frag->root, col);
		else
			dfx_buf_adds(&b, L->eol);
		if (rc == 0)
			insert_lines_after(t, last_byte(map), &b, out);
	}
	if (rc < 0)
		decline(out, "%s", em.why ? em.why : "cannot insert this value");
	dfx_buf_release(&b);
	dfx_yaml_free(frag);
	return rc;
}

int dfx_yaml_edit_map_insert(struct dfx_yaml *t, const struct dfx_yaml_node *map,
			     const char *key, const char *yaml, struct dfx_yaml_edits *out)
{
	return map_insert(t, map, key, yaml, false, out);
}

/*
 * The quote character most scalar values of a collection use, or 0 when
 * most are plain: new entries follow their siblings.
 */
static char sibling_quote(const struct dfx_yaml_node *c)
{
	unsigned plain = 0, sq = 0, dq = 0;

	c = dfx_yaml_resolve(c);
	for (size_t i = 0; c && i < c->n; i++) {
		const struct dfx_yaml_node *v = c->type == DFX_YAML_MAPPING ? c->pairs[i].value : c->items[i];

		if (v->type != DFX_YAML_SCALAR || v->empty)
			continue;
		if (v->style == DFX_YAML_SINGLE)
			sq++;
		else if (v->style == DFX_YAML_DOUBLE)
			dq++;
		else if (v->style == DFX_YAML_PLAIN)
			plain++;
	}
	if (sq + dq <= plain)
		return 0;
	return sq > dq ? '\'' : '"';
}

/* A string as a scalar for collection c: quoted like its siblings, else as dfx_yaml_render_scalar. */
static void render_for(struct dfx_yaml *t, const struct dfx_yaml_node *c, const char *value, bool flow,
		       struct dfx_buf *out)
{
	char q = sibling_quote(c);

	if (q)
		quote_with(q, value, strlen(value), out);
	else
		dfx_yaml_render_scalar(t, value, flow, out);
}

int dfx_yaml_edit_map_insert_scalar(struct dfx_yaml *t, const struct dfx_yaml_node *map,
				    const char *key, const char *value, struct dfx_yaml_edits *out)
{
	struct dfx_buf v = DFX_BUF_INIT;
	int rc;

	if (!value)
		return map_insert(t, map, key, NULL, false, out);
	render_for(t, map, value, false, &v);
	rc = map_insert(t, map, key, v.ptr, true, out);
	dfx_buf_release(&v);
	return rc;
}

static int seq_append(struct dfx_yaml *t, const struct dfx_yaml_node *seq, const char *yaml,
		      bool keep_quotes, struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	struct dfx_yaml *frag = NULL;
	struct dfx_buf b = DFX_BUF_INIT;
	struct emitter em = {t, L, NULL, &b, NULL, keep_quotes};
	int rc = 0;

	seq = dfx_yaml_resolve(seq);
	if (!seq || seq->type != DFX_YAML_SEQUENCE)
		return decline(out, "not a sequence");
	if (!yaml || !*yaml)
		yaml = "null";
	if (parse_fragment(yaml, &frag, out) < 0)
		return -1;
	em.frag = frag;
	if (!frag->root) {
		dfx_yaml_free(frag);
		return decline(out, "nothing to append");
	}
	if (seq->style == DFX_YAML_FLOW) {
		uint32_t at;

		if (seq->n) {
			at = seq->items[seq->n - 1]->span.end;
			dfx_buf_adds(&b, ", ");
		} else {
			at = seq->tok.start + 1;
		}
		rc = emit_flow(&em, frag->root);
		if (rc == 0)
			dfx_yaml_edits_add(out, at, at, b.ptr);
	} else {
		unsigned col = col_of(t, seq->items[0]->entry);
		const struct dfx_yaml_node *it = frag->root;

		indent(&b, col);
		if (it->type == DFX_YAML_SCALAR || it->style == DFX_YAML_FLOW) {
			dfx_buf_adds(&b, "- ");
			rc = emit_flow(&em, it);
			dfx_buf_adds(&b, L->eol);
		} else {
			dfx_buf_adds(&b, "- ");
			rc = emit_block(&em, it, col + 2, true);
		}
		if (rc == 0)
			insert_lines_after(t, last_byte(seq), &b, out);
	}
	if (rc < 0)
		decline(out, "%s", em.why ? em.why : "cannot insert this value");
	dfx_buf_release(&b);
	dfx_yaml_free(frag);
	return rc;
}

int dfx_yaml_edit_seq_append(struct dfx_yaml *t, const struct dfx_yaml_node *seq,
			     const char *yaml, struct dfx_yaml_edits *out)
{
	return seq_append(t, seq, yaml, false, out);
}

int dfx_yaml_edit_seq_append_scalar(struct dfx_yaml *t, const struct dfx_yaml_node *seq,
				    const char *value, struct dfx_yaml_edits *out)
{
	struct dfx_buf v = DFX_BUF_INIT;
	int rc;
	const struct dfx_yaml_node *s = dfx_yaml_resolve(seq);

	render_for(t, s, value ? value : "", s && s->style == DFX_YAML_FLOW, &v);
	rc = seq_append(t, seq, v.ptr, true, out);
	dfx_buf_release(&v);
	return rc;
}

/*
 * Give an empty value (`key:` with nothing after it) a value: a scalar or
 * flow text after the ':', or block lines under the key.
 */
static int fill_empty(struct dfx_yaml *t, const struct dfx_yaml_node *key,
		      const struct dfx_yaml_node *v, const char *yaml, struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	struct dfx_yaml *frag = NULL;
	struct dfx_buf b = DFX_BUF_INIT;
	struct emitter em = {t, L, NULL, &b, NULL, false};
	int rc = 0;

	if (parse_fragment(yaml, &frag, out) < 0)
		return -1;
	em.frag = frag;
	if (!frag || !frag->root) {
		dfx_yaml_free(frag);
		return 0;
	}
	if (frag->root->type == DFX_YAML_SCALAR || frag->root->style == DFX_YAML_FLOW || in_flow(v)) {
		dfx_buf_addc(&b, ' ');
		rc = emit_flow(&em, frag->root);
		if (rc == 0)
			dfx_yaml_edits_add(out, v->tok.start, v->tok.end, b.ptr);
	} else if (v->anchor || v->tag) {
		rc = -1;
		em.why = "the empty value has properties";
	} else {
		unsigned col = col_of(t, key->span.start);

		rc = emit_block(&em, frag->root,
				col + (frag->root->type == DFX_YAML_MAPPING ? L->indent : L->seq_indent),
				false);
		if (rc == 0)
			insert_lines_after(t, v->tok.start ? v->tok.start - 1 : 0, &b, out);
	}
	if (rc < 0)
		decline(out, "%s", em.why ? em.why : "cannot insert this value");
	dfx_buf_release(&b);
	dfx_yaml_free(frag);
	return rc;
}

int dfx_yaml_edit_map_set(struct dfx_yaml *t, const struct dfx_yaml_node *map,
			  const char *key, const char *yaml, struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_node *m = dfx_yaml_resolve(map);

	if (!m || m->type != DFX_YAML_MAPPING)
		return decline(out, "not a mapping");
	for (size_t i = 0; i < m->n; i++) {
		const struct dfx_yaml_node *k = m->pairs[i].key, *v = m->pairs[i].value;
		struct dfx_yaml *frag = NULL;
		struct dfx_buf b = DFX_BUF_INIT;
		struct emitter em = {t, dfx_yaml_layout_of(t), NULL, &b, NULL, false};
		int rc;

		if (dfx_yaml_is_merge_key(k) || !dfx_yaml_str_eq(k, key))
			continue;
		if (v->type == DFX_YAML_SCALAR && v->empty)
			return fill_empty(t, k, v, yaml, out);
		if (parse_fragment(yaml, &frag, out) < 0)
			return -1;
		if (!frag || !frag->root || frag->root->type != DFX_YAML_SCALAR ||
		    v->type == DFX_YAML_ALIAS || v->type != DFX_YAML_SCALAR || is_block_scalar(v)) {
			dfx_yaml_free(frag);
			return decline(out, "only a scalar value is replaced in place");
		}
		em.frag = frag;
		rc = emit_scalar(&em, frag->root, in_flow(v));
		if (rc == 0)
			dfx_yaml_edits_add(out, v->tok.start, v->tok.end, b.ptr ? b.ptr : "");
		else
			decline(out, "%s", em.why);
		dfx_buf_release(&b);
		dfx_yaml_free(frag);
		return rc;
	}
	return map_insert(t, m, key, yaml, false, out);
}

/* ---------------------------------------------------------------- deletion */

/* Start of the entry i of collection c: its key, or the '-' of a block item. */
static uint32_t entry_start_of(const struct dfx_yaml_node *c, size_t i)
{
	if (c->type == DFX_YAML_MAPPING)
		return c->pairs[i].key->span.start;
	return c->items[i]->entry;
}

static uint32_t entry_end_of(const struct dfx_yaml_node *c, size_t i)
{
	if (c->type == DFX_YAML_MAPPING)
		return c->pairs[i].value->span.end > c->pairs[i].key->span.end ?
			       c->pairs[i].value->span.end : c->pairs[i].key->span.end;
	return c->items[i]->span.end > c->items[i]->entry ? c->items[i]->span.end : c->items[i]->entry + 1;
}

/* Where ` {}` can follow the key (or properties) of a block collection value, or 0. */
static uint32_t empty_marker_pos(const struct dfx_yaml *t, const struct dfx_yaml_node *c)
{
	const struct dfx_yaml_node *par = c->parent, *key;
	uint32_t p;

	if (!par || par->type != DFX_YAML_MAPPING || c->is_key || par->style != DFX_YAML_BLOCK)
		return 0;
	if (c->anchor || c->tag) {
		p = c->anchor_span.end > c->tag_span.end ? c->anchor_span.end : c->tag_span.end;
		return p;
	}
	key = par->pairs[c->index].key;
	p = key->span.end;
	while (p < t->len && (t->data[p] == ' ' || t->data[p] == '\t'))
		p++;
	return p < t->len && t->data[p] == ':' ? p + 1 : 0;
}

/* An alias outside [start, end) names an anchor defined inside it. */
static const struct dfx_yaml_node *alias_into(const struct dfx_yaml_node *n, uint32_t start, uint32_t end)
{
	const struct dfx_yaml_node *r = NULL;

	if (n->type == DFX_YAML_ALIAS) {
		if (n->target && n->target->span.start >= start && n->target->span.start < end &&
		    (n->span.start < start || n->span.start >= end))
			return n;
		return NULL;
	}
	for (size_t i = 0; i < n->n && !r; i++) {
		if (n->type == DFX_YAML_MAPPING) {
			r = alias_into(n->pairs[i].key, start, end);
			if (!r)
				r = alias_into(n->pairs[i].value, start, end);
		} else if (n->type == DFX_YAML_SEQUENCE) {
			r = alias_into(n->items[i], start, end);
		}
	}
	return r;
}

static int delete_range(struct dfx_yaml *t, uint32_t start, uint32_t end, const char *text,
			struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_node *a = t->root ? alias_into(t->root, start, end) : NULL;

	if (a)
		return decline(out, "the entry defines the anchor &%s, which is used elsewhere", a->value);
	dfx_yaml_edits_add(out, start, end, text);
	return 0;
}

int dfx_yaml_edit_delete(struct dfx_yaml *t, const struct dfx_yaml_node *n, struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	const struct dfx_yaml_node *c;
	size_t i, cnt;
	uint32_t es, ee;
	const char *empty;

	if (!n || !n->parent)
		return decline(out, "cannot delete the root");
	c = n->parent;
	i = n->index;
	cnt = c->n;
	es = entry_start_of(c, i);
	ee = entry_end_of(c, i);
	empty = c->type == DFX_YAML_MAPPING ? "{}" : "[]";

	if (c->style == DFX_YAML_FLOW) {
		if (bare_flow_pair(t, c))
			return decline(out, "cannot delete from a single-pair mapping inside [ ]");
		if (cnt == 1)
			return delete_range(t, es, ee, "", out);
		if (i + 1 < cnt)
			return delete_range(t, es, entry_start_of(c, i + 1), "", out);
		return delete_range(t, entry_end_of(c, i - 1), ee, "", out);
	}
	if (!blanks_before(t, es)) {
		/* shares its line with an indicator: `- key: v` */
		if (i + 1 < cnt)
			return delete_range(t, es, entry_start_of(c, i + 1), "", out);
		if (cnt == 1)
			return delete_range(t, es, ee, empty, out);
		return decline(out, "cannot delete this entry");
	}
	{
		uint32_t ls = line_start(t, es), le = next_line(t, ee > es ? ee - 1 : es);

		if (alias_into(t->root, ls, le))
			return delete_range(t, ls, le, "", out);
		if (cnt == 1) {
			uint32_t p = empty_marker_pos(t, c);

			if (p) {
				char text[4] = " {}";

				text[1] = empty[0];
				text[2] = empty[1];
				dfx_yaml_edits_add(out, p, p, text);
			} else if (!c->parent) {
				struct dfx_buf b = DFX_BUF_INIT;

				dfx_buf_adds(&b, empty);
				if (le < t->len || (t->len && t->data[t->len - 1] == '\n'))
					dfx_buf_adds(&b, L->eol);
				dfx_yaml_edits_add(out, ls, le, b.ptr);
				dfx_buf_release(&b);
				return 0;
			} else {
				return decline(out, "cannot leave an empty collection here");
			}
		}
		if (le == t->len && t->data[t->len - 1] != '\n' && ls > 0) {
			/* the last line has no line break: drop the one before it */
			uint32_t s = ls - 1;

			if (s > 0 && t->data[s - 1] == '\r')
				s--;
			return delete_range(t, s, le, "", out);
		}
		return delete_range(t, ls, le, "", out);
	}
}

/* ---------------------------------------------------------------- secrets */

/* End of file when only blanks and comments follow the root, else where the rest (`...`) starts. */
static uint32_t skip_root_tail(const struct dfx_yaml *t, const struct dfx_yaml_node *root)
{
	uint32_t p = root->span.end;

	while (p < t->len) {
		char c = t->data[p];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			p++;
		} else if (c == '#') {
			while (p < t->len && t->data[p] != '\n')
				p++;
		} else {
			return p;
		}
	}
	return (uint32_t)t->len;
}

static bool seq_has_secret(const struct dfx_yaml_node *seq, const char *name)
{
	for (size_t i = 0; i < dfx_yaml_seq_len(seq); i++) {
		const struct dfx_yaml_node *it = dfx_yaml_seq_item(seq, i);

		if (dfx_yaml_str_eq(it, name))
			return true;
		if (it && it->type == DFX_YAML_MAPPING) {
			for (size_t j = 0; j < it->n; j++)
				if (dfx_yaml_str_eq(it->pairs[j].key, "source") &&
				    dfx_yaml_str_eq(it->pairs[j].value, name))
					return true;
		}
	}
	return false;
}

int dfx_yaml_edit_service_add_secret(struct dfx_yaml *t, const struct dfx_yaml_node *service,
				     const char *name, struct dfx_yaml_edits *out)
{
	struct dfx_yaml_ref ref;
	const struct dfx_yaml_node *svc = dfx_yaml_resolve(service);
	struct dfx_buf b = DFX_BUF_INIT;
	int rc;

	if (!svc || svc->type != DFX_YAML_MAPPING || !name || !*name)
		return decline(out, "not a service mapping");
	rc = dfx_yaml_map_get(t, svc, "secrets", &ref);
	if (rc < 0)
		return decline(out, "alias expansion budget spent");
	if (rc == 1) {
		const struct dfx_yaml_node *v = ref.node;

		if (ref.from_anchor)
			return decline(out, "the service's secrets come from an anchor");
		if (v->type == DFX_YAML_SEQUENCE) {
			if (seq_has_secret(v, name))
				return 1;
			return dfx_yaml_edit_seq_append_scalar(t, v, name, out);
		}
		if (dfx_yaml_is_null(v)) {
			if (v->empty) {
				dfx_buf_adds(&b, "- ");
				dfx_yaml_render_scalar(t, name, false, &b);
				rc = fill_empty(t, ref.key, v, b.ptr, out);
			} else {
				dfx_buf_addc(&b, '[');
				dfx_yaml_render_scalar(t, name, true, &b);
				dfx_buf_addc(&b, ']');
				dfx_yaml_edits_add(out, v->tok.start, v->tok.end, b.ptr);
				rc = 0;
			}
			dfx_buf_release(&b);
			return rc;
		}
		return decline(out, "the service's secrets are not a list");
	}
	dfx_buf_adds(&b, "- ");
	dfx_yaml_render_scalar(t, name, false, &b);
	rc = map_insert(t, svc, "secrets", b.ptr, false, out);
	dfx_buf_release(&b);
	return rc;
}

int dfx_yaml_edit_top_secret(struct dfx_yaml *t, const char *name, const char *file,
			     struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	const struct dfx_yaml_node *root = dfx_yaml_resolve(t->root), *sec = NULL, *seckey = NULL;
	struct dfx_buf v = DFX_BUF_INIT, b = DFX_BUF_INIT;
	int rc = 0;

	if (!root || root->type != DFX_YAML_MAPPING)
		return decline(out, "the file is not a mapping");
	if (!name || !*name || !file || !*file)
		return decline(out, "no secret name or file");
	for (size_t i = 0; i < root->n; i++)
		if (dfx_yaml_str_eq(root->pairs[i].key, "secrets")) {
			seckey = root->pairs[i].key;
			sec = root->pairs[i].value;
		}
	/* the value: `file: ./secrets/x.txt` */
	dfx_buf_adds(&v, "file: ");
	dfx_yaml_render_scalar(t, file, false, &v);

	if (sec) {
		const struct dfx_yaml_node *s = dfx_yaml_resolve(sec);

		if (s->type == DFX_YAML_MAPPING) {
			for (size_t i = 0; i < s->n; i++)
				if (dfx_yaml_str_eq(s->pairs[i].key, name)) {
					dfx_buf_release(&v);
					return 1;
				}
			if (sec->type == DFX_YAML_ALIAS)
				rc = decline(out, "the top-level secrets come from an anchor");
			else
				rc = map_insert(t, s, name, v.ptr, false, out);
		} else if (s->type == DFX_YAML_SCALAR && s->empty) {
			struct dfx_buf m = DFX_BUF_INIT;

			dfx_yaml_render_scalar(t, name, false, &m);
			dfx_buf_adds(&m, ":\n  ");
			dfx_buf_add(&m, v.ptr, v.len);
			rc = fill_empty(t, seckey, s, m.ptr, out);
			dfx_buf_release(&m);
		} else {
			rc = decline(out, "the top-level secrets are not a mapping");
		}
		dfx_buf_release(&v);
		return rc;
	}

	/* no top-level `secrets:` yet */
	{
		struct dfx_buf frag = DFX_BUF_INIT;

		dfx_yaml_render_scalar(t, name, false, &frag);
		dfx_buf_adds(&frag, ":\n  ");
		dfx_buf_add(&frag, v.ptr, v.len);
		dfx_buf_release(&v);
		if (root->style == DFX_YAML_FLOW || root->n == 0) {
			rc = map_insert(t, root, "secrets", frag.ptr, false, out);
			dfx_buf_release(&frag);
			return rc;
		}
		{
			struct dfx_yaml *ft = NULL;
			struct emitter em = {t, L, NULL, &b, NULL, false};
			unsigned col = col_of(t, root->pairs[0].key->span.start);
			uint32_t after = skip_root_tail(t, root);

			if (parse_fragment(frag.ptr, &ft, out) < 0) {
				dfx_buf_release(&frag);
				return -1;
			}
			em.frag = ft;
			if (L->blank_between_top)
				dfx_buf_adds(&b, L->eol);
			indent(&b, col);
			dfx_buf_adds(&b, "secrets:");
			rc = emit_value(&em, ft->root, col);
			if (rc < 0) {
				decline(out, "%s", em.why ? em.why : "cannot insert this value");
			} else if (after == t->len) {
				/* append at the end of the file */
				struct dfx_buf e = DFX_BUF_INIT;

				if (t->len && t->data[t->len - 1] != '\n') {
					dfx_buf_adds(&e, L->eol);
					chop_eol(&b);
				}
				if (L->blank_between_top && t->len &&
				    blank_line_at(t, line_start(t, (uint32_t)t->len - 1)) &&
				    t->data[t->len - 1] == '\n') {
					/* the file already ends with a blank line */
					dfx_buf_add(&e, b.ptr + strlen(L->eol), b.len - strlen(L->eol));
				} else {
					dfx_buf_add(&e, b.ptr, b.len);
				}
				dfx_yaml_edits_add(out, (uint32_t)t->len, (uint32_t)t->len, e.ptr);
				dfx_buf_release(&e);
			} else {
				insert_lines_after(t, last_byte(root), &b, out);
			}
			dfx_yaml_free(ft);
		}
		dfx_buf_release(&frag);
	}
	dfx_buf_release(&b);
	return rc;
}
