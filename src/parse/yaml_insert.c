/*
 * yaml_insert.c - inserting entries into a YAML span tree: add a pair to a
 * block or flow mapping, append an item to a sequence, set a key (replace
 * a scalar, fill an empty value, or insert), and add a top-level entry at
 * the end of the document. A value given as YAML text is re-emitted in the
 * file's own layout (indent step, sequence dash indentation, line ending,
 * quote character; flow text inside [ ] and { }).
 *
 * References: YAML 1.2 (yaml.org/spec/1.2.2) chapters 7 (flow styles) and
 * 8 (block styles: indentation, compact sequences); edits are byte ranges
 * on the original text, checked afterwards by yaml_verify.c.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/yamltree.h"
#include "yaml_text.h"

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
		} else if (flow && !dfx_yaml_plain_safe(n->value, n->vlen, true)) {
			dfx_yaml_quote(em->L->quote, n->value, n->vlen, em->out);
		} else {
			dfx_buf_add(em->out, src + n->tok.start, n->tok.end - n->tok.start);
		}
		return 0;
	case DFX_YAML_SINGLE:
	case DFX_YAML_DOUBLE:
		if ((n->style == DFX_YAML_SINGLE ? '\'' : '"') == em->L->quote || em->keep_quotes)
			dfx_buf_add(em->out, src + n->tok.start, n->tok.end - n->tok.start);
		else
			dfx_yaml_quote(em->L->quote, n->value, n->vlen, em->out);
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
		dfx_yaml_decline(out, "invalid YAML value to insert: %s", err.message ? err.message : "?");
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
		return dfx_yaml_decline(out, "not a mapping");
	if (!key || !*key)
		return dfx_yaml_decline(out, "empty key");
	for (size_t i = 0; i < map->n; i++)
		if (dfx_yaml_str_eq(map->pairs[i].key, key))
			return dfx_yaml_decline(out, "the mapping already has the key \"%s\"", key);
	if (parse_fragment(yaml, &frag, out) < 0)
		return -1;
	em.frag = frag;

	if (map->style == DFX_YAML_FLOW) {
		uint32_t at;

		if (bare_flow_pair(t, map)) {
			dfx_yaml_free(frag);
			return dfx_yaml_decline(out, "cannot add to a single-pair mapping inside [ ]");
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
		dfx_yaml_decline(out, "%s", em.why ? em.why : "cannot insert this value");
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
		dfx_yaml_quote(q, value, strlen(value), out);
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
		return dfx_yaml_decline(out, "not a sequence");
	if (!yaml || !*yaml)
		yaml = "null";
	if (parse_fragment(yaml, &frag, out) < 0)
		return -1;
	em.frag = frag;
	if (!frag->root) {
		dfx_yaml_free(frag);
		return dfx_yaml_decline(out, "nothing to append");
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
		dfx_yaml_decline(out, "%s", em.why ? em.why : "cannot insert this value");
	dfx_buf_release(&b);
	dfx_yaml_free(frag);
	return rc;
}

int dfx_yaml_edit_seq_append(struct dfx_yaml *t, const struct dfx_yaml_node *seq,
			     const char *yaml, struct dfx_yaml_edits *out)
{
	return seq_append(t, seq, yaml, false, out);
}

int dfx_yaml_edit_seq_prepend(struct dfx_yaml *t, const struct dfx_yaml_node *seq, const char *yaml,
			      struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	struct dfx_yaml *frag = NULL;
	struct dfx_buf b = DFX_BUF_INIT;
	struct emitter em = {t, L, NULL, &b, NULL, false};
	int rc;

	seq = dfx_yaml_resolve(seq);
	if (!seq || seq->type != DFX_YAML_SEQUENCE)
		return dfx_yaml_decline(out, "not a sequence");
	if (!seq->n)
		return seq_append(t, seq, yaml, false, out);
	if (seq->style == DFX_YAML_BLOCK) {
		uint32_t e = seq->items[0]->entry, ls = line_start(t, e);

		for (uint32_t i = ls; i < e; i++)
			if (t->data[i] != ' ')
				return dfx_yaml_decline(out, "the list's first item does not start its line");
	}
	if (parse_fragment(yaml && *yaml ? yaml : "null", &frag, out) < 0)
		return -1;
	em.frag = frag;
	if (!frag->root) {
		dfx_yaml_free(frag);
		return dfx_yaml_decline(out, "nothing to insert");
	}
	if (seq->style == DFX_YAML_FLOW) {
		rc = emit_flow(&em, frag->root);
		dfx_buf_adds(&b, ", ");
		if (rc == 0)
			dfx_yaml_edits_add(out, seq->items[0]->span.start, seq->items[0]->span.start, b.ptr);
	} else {
		uint32_t e = seq->items[0]->entry, ls = line_start(t, e);
		const struct dfx_yaml_node *it = frag->root;

		dfx_buf_add(&b, t->data + ls, e - ls);
		dfx_buf_adds(&b, "- ");
		if (it->type == DFX_YAML_SCALAR || it->style == DFX_YAML_FLOW) {
			rc = emit_flow(&em, it);
			dfx_buf_adds(&b, L->eol);
		} else {
			rc = emit_block(&em, it, col_of(t, e) + 2, true);
		}
		if (rc == 0)
			dfx_yaml_edits_add(out, ls, ls, b.ptr);
	}
	if (rc < 0)
		dfx_yaml_decline(out, "%s", em.why ? em.why : "cannot insert this value");
	dfx_buf_release(&b);
	dfx_yaml_free(frag);
	return rc;
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
		dfx_yaml_decline(out, "%s", em.why ? em.why : "cannot insert this value");
	dfx_buf_release(&b);
	dfx_yaml_free(frag);
	return rc;
}

int dfx_yaml_edit_map_set(struct dfx_yaml *t, const struct dfx_yaml_node *map,
			  const char *key, const char *yaml, struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_node *m = dfx_yaml_resolve(map);

	if (!m || m->type != DFX_YAML_MAPPING)
		return dfx_yaml_decline(out, "not a mapping");
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
			return dfx_yaml_decline(out, "only a scalar value is replaced in place");
		}
		em.frag = frag;
		rc = emit_scalar(&em, frag->root, in_flow(v));
		if (rc == 0)
			dfx_yaml_edits_add(out, v->tok.start, v->tok.end, b.ptr ? b.ptr : "");
		else
			dfx_yaml_decline(out, "%s", em.why);
		dfx_buf_release(&b);
		dfx_yaml_free(frag);
		return rc;
	}
	return map_insert(t, m, key, yaml, false, out);
}

int dfx_yaml_edit_fill_empty(struct dfx_yaml *t, const struct dfx_yaml_node *key,
			     const struct dfx_yaml_node *value, const char *yaml, struct dfx_yaml_edits *out)
{
	return fill_empty(t, key, value, yaml, out);
}

/* ---------------------------------------------------------------- top level */

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

int dfx_yaml_edit_top_insert(struct dfx_yaml *t, const char *key, const char *yaml,
			     struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	const struct dfx_yaml_node *root = dfx_yaml_resolve(t->root);
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_yaml *ft = NULL;
	struct emitter em = {t, L, NULL, &b, NULL, false};
	unsigned col;
	uint32_t after;
	int rc;

	if (!root || root->type != DFX_YAML_MAPPING)
		return dfx_yaml_decline(out, "the file is not a mapping");
	if (root->style == DFX_YAML_FLOW || root->n == 0)
		return map_insert(t, root, key, yaml, false, out);
	if (!key || !*key)
		return dfx_yaml_decline(out, "empty key");
	for (size_t i = 0; i < root->n; i++)
		if (dfx_yaml_str_eq(root->pairs[i].key, key))
			return dfx_yaml_decline(out, "the mapping already has the key \"%s\"", key);
	col = col_of(t, root->pairs[0].key->span.start);
	after = skip_root_tail(t, root);
	if (parse_fragment(yaml, &ft, out) < 0)
		return -1;
	em.frag = ft;
	if (L->blank_between_top)
		dfx_buf_adds(&b, L->eol);
	indent(&b, col);
	dfx_yaml_render_scalar(t, key, false, &b);
	dfx_buf_addc(&b, ':');
	if (ft && ft->root)
		rc = emit_value(&em, ft->root, col);
	else {
		dfx_buf_adds(&b, L->eol);
		rc = 0;
	}
	if (rc < 0) {
		dfx_yaml_decline(out, "%s", em.why ? em.why : "cannot insert this value");
	} else if (after == t->len) {
		/* append at the end of the file */
		struct dfx_buf e = DFX_BUF_INIT;

		if (t->len && t->data[t->len - 1] != '\n') {
			dfx_buf_adds(&e, L->eol);
			chop_eol(&b);
		}
		if (L->blank_between_top && t->len && blank_line_at(t, line_start(t, (uint32_t)t->len - 1)) &&
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
	dfx_buf_release(&b);
	return rc;
}
