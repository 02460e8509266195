/*
 * yaml_edit.c - minimal text edits on a YAML span tree: the edit lists and
 * their application, the file's layout (indent step, sequence dash
 * indentation, line ending, quote character) inferred from the file itself,
 * scalar rendering, replacing a scalar in its own quoting style, prefixes,
 * suffixes, key renames and deletion of entries. Insertion of new entries
 * is in yaml_insert.c.
 *
 * References: YAML 1.2 (yaml.org/spec/1.2.2) chapters 7 (flow styles:
 * plain-scalar restrictions, quoting and escapes) and 8 (block styles:
 * indentation, block scalar headers and chomping). Edits are byte ranges on
 * the original text; bytes outside them never change, and the libyaml
 * verifier (yaml_verify.c) checks the result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/yamltree.h"
#include "yaml_text.h"

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
	dfx_qsort(order, e->n, sizeof(*order), cmp_edit);
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

int dfx_yaml_decline(struct dfx_yaml_edits *out, const char *fmt, ...)
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
bool dfx_yaml_plain_safe(const char *v, size_t len, bool flow)
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

void dfx_yaml_quote(char q, const char *v, size_t len, struct dfx_buf *out)
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

	if (dfx_yaml_plain_safe(value, len, flow) && !plain_is_typed(value))
		dfx_buf_add(out, value, len);
	else
		dfx_yaml_quote(dfx_yaml_layout_of(t)->quote, value, len, out);
}

/* ---------------------------------------------------------------- scalar edits */

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
		return dfx_yaml_decline(out, "block scalars that keep trailing lines are not rewritten");
	for (size_t i = 0; i < body_len; i++) {
		unsigned char c = (unsigned char)value[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
			return dfx_yaml_decline(out, "the new value cannot be written as a block scalar");
	}
	if (!body_len || value[0] == ' ' || value[0] == '\n')
		return dfx_yaml_decline(out, "the new value cannot be written as a block scalar");
	if (n->inner.end <= n->inner.start)
		return dfx_yaml_decline(out, "empty block scalars are not rewritten");

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
		return dfx_yaml_decline(out, "not a scalar");
	flow = in_flow(n);
	if (n->empty) {
		char before = n->tok.start ? t->data[n->tok.start - 1] : '\0';

		if (n->is_key)
			return dfx_yaml_decline(out, "cannot fill an empty key");
		if (before != ':' && before != '-' && !n->anchor && !n->tag)
			return dfx_yaml_decline(out, "cannot place a value here");
		dfx_buf_addc(&b, ' ');
		dfx_yaml_render_scalar(t, value, flow, &b);
		dfx_yaml_edits_add(out, n->tok.start, n->tok.end, b.ptr);
		dfx_buf_release(&b);
		return 0;
	}
	switch (n->style) {
	case DFX_YAML_PLAIN:
		if (dfx_yaml_plain_safe(value, len, flow) && plain_is_typed(value) == plain_is_typed(n->value))
			dfx_buf_add(&b, value, len);
		else
			dfx_yaml_quote(L->quote, value, len, &b);
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
		return dfx_yaml_decline(out, "nothing to replace");
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
		return dfx_yaml_decline(out, "not a scalar");
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

		if (dfx_yaml_plain_safe(whole.ptr, whole.len, flow) &&
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
			rc = dfx_yaml_decline(out, "cannot add a line break to a block scalar here");
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

/* The scalar's text in the file is exactly its value (no escapes, one line). */
static bool verbatim(const struct dfx_yaml *t, const struct dfx_yaml_node *n)
{
	return (n->style == DFX_YAML_PLAIN || n->style == DFX_YAML_SINGLE || n->style == DFX_YAML_DOUBLE) &&
	       n->inner.end - n->inner.start == n->vlen && !memcmp(t->data + n->inner.start, n->value, n->vlen);
}

int dfx_yaml_edit_scalar_splice(struct dfx_yaml *t, const struct dfx_yaml_node *n, size_t from, size_t to,
				const char *text, struct dfx_yaml_edits *out)
{
	struct dfx_buf nv = DFX_BUF_INIT;
	int rc;

	if (!n || !text || from > to || to > n->vlen)
		return dfx_yaml_decline(out, "no such part of the scalar");
	if (verbatim(t, n)) {
		dfx_yaml_edits_add(out, n->inner.start + (uint32_t)from, n->inner.start + (uint32_t)to, text);
		return 0;
	}
	dfx_buf_add(&nv, n->value, from);
	dfx_buf_adds(&nv, text);
	dfx_buf_add(&nv, n->value + to, n->vlen - to);
	rc = dfx_yaml_edit_replace_scalar(t, n, nv.ptr ? nv.ptr : "", out);
	dfx_buf_release(&nv);
	return rc;
}

int dfx_yaml_edit_rename_key(struct dfx_yaml *t, const struct dfx_yaml_node *key,
			     const char *name, struct dfx_yaml_edits *out)
{
	if (!key || !key->is_key || key->type != DFX_YAML_SCALAR || key->empty || !name || !*name)
		return dfx_yaml_decline(out, "not a mapping key");
	if (key->style != DFX_YAML_PLAIN && key->style != DFX_YAML_SINGLE && key->style != DFX_YAML_DOUBLE)
		return dfx_yaml_decline(out, "block scalar keys are not renamed");
	if (key->style == DFX_YAML_PLAIN && !(dfx_yaml_plain_safe(name, strlen(name), in_flow(key)) &&
					     !plain_is_typed(name))) {
		struct dfx_buf b = DFX_BUF_INIT;

		dfx_yaml_quote(dfx_yaml_layout_of(t)->quote, name, strlen(name), &b);
		dfx_yaml_edits_add(out, key->tok.start, key->tok.end, b.ptr);
		dfx_buf_release(&b);
		return 0;
	}
	return replace_scalar(t, key, name, out);
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
		return dfx_yaml_decline(out, "the entry defines the anchor &%s, which is used elsewhere", a->value);
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
		return dfx_yaml_decline(out, "cannot delete the root");
	c = n->parent;
	i = n->index;
	cnt = c->n;
	es = entry_start_of(c, i);
	ee = entry_end_of(c, i);
	empty = c->type == DFX_YAML_MAPPING ? "{}" : "[]";

	if (c->style == DFX_YAML_FLOW) {
		if (bare_flow_pair(t, c))
			return dfx_yaml_decline(out, "cannot delete from a single-pair mapping inside [ ]");
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
		return dfx_yaml_decline(out, "cannot delete this entry");
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
				return dfx_yaml_decline(out, "cannot leave an empty collection here");
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
