/*
 * yaml_text.h - private to the YAML edit helpers (yaml_edit.c,
 * yaml_insert.c): positions and lines in the parsed text, and the scalar
 * rendering and decline helpers both files share.
 */
#ifndef DOCKFIX_YAML_TEXT_H
#define DOCKFIX_YAML_TEXT_H

#include "dockfix/yamltree.h"

static inline uint32_t line_start(const struct dfx_yaml *t, uint32_t p)
{
	if (p > t->len)
		p = (uint32_t)t->len;
	while (p > 0 && t->data[p - 1] != '\n')
		p--;
	return p;
}

/* Just after the line break of the line holding p (end of file when none). */
static inline uint32_t next_line(const struct dfx_yaml *t, uint32_t p)
{
	while (p < t->len && t->data[p] != '\n')
		p++;
	return p < t->len ? p + 1 : (uint32_t)t->len;
}

/* Column of p in characters (indentation is ASCII, the rest may be UTF-8). */
static inline unsigned col_of(const struct dfx_yaml *t, uint32_t p)
{
	unsigned c = 0;

	for (uint32_t i = line_start(t, p); i < p && i < t->len; i++)
		if (((unsigned char)t->data[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static inline bool blanks_before(const struct dfx_yaml *t, uint32_t p)
{
	for (uint32_t i = line_start(t, p); i < p; i++)
		if (t->data[i] != ' ' && t->data[i] != '\t')
			return false;
	return true;
}

static inline bool blank_line_at(const struct dfx_yaml *t, uint32_t ls)
{
	for (uint32_t i = ls; i < t->len && t->data[i] != '\n'; i++)
		if (t->data[i] != ' ' && t->data[i] != '\t' && t->data[i] != '\r')
			return false;
	return true;
}

static inline bool comment_line_at(const struct dfx_yaml *t, uint32_t ls)
{
	uint32_t i = ls;

	while (i < t->len && (t->data[i] == ' ' || t->data[i] == '\t'))
		i++;
	return i < t->len && t->data[i] == '#';
}

/* Offset of the last byte of a node (its start when it is empty). */
static inline uint32_t last_byte(const struct dfx_yaml_node *n)
{
	return n->span.end > n->span.start ? n->span.end - 1 : n->span.start;
}

static inline void indent(struct dfx_buf *b, unsigned n)
{
	while (n--)
		dfx_buf_addc(b, ' ');
}

static inline bool in_flow(const struct dfx_yaml_node *n)
{
	return n->parent && n->parent->style == DFX_YAML_FLOW;
}

static inline bool bare_flow_pair(const struct dfx_yaml *t, const struct dfx_yaml_node *n)
{
	return n->style == DFX_YAML_FLOW && n->tok.start < t->len && t->data[n->tok.start] != '[' &&
	       t->data[n->tok.start] != '{';
}

static inline bool is_block_scalar(const struct dfx_yaml_node *n)
{
	return n->style == DFX_YAML_LITERAL || n->style == DFX_YAML_FOLDED;
}

/* Set out->why (formatted) and return -1: a helper declines the edit. */
int dfx_yaml_decline(struct dfx_yaml_edits *out, const char *fmt, ...) DFX_PRINTF(2, 3);
/* Whether a string can be written as a plain scalar (inside [ ] / { } when flow). */
bool dfx_yaml_plain_safe(const char *v, size_t len, bool flow);
/* Append v quoted with q ('"' or '\''; double quotes when escapes are needed). */
void dfx_yaml_quote(char q, const char *v, size_t len, struct dfx_buf *out);

#endif
