/*
 * fuzz_yaml.c - libFuzzer target for the YAML span tree, its edit helpers
 * and verifier, and the compose model (src/yaml*.c, src/compose.c).
 *
 * Any input must either fail with a located error (line and column >= 1)
 * or give a tree whose spans are ordered, inside the input, and print back
 * to the input byte for byte. Lookups, edits and the verifier must not
 * crash or run away on it (alias bombs stay within the visit budget).
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude tests/fuzz/fuzz_yaml.c \
 *       src/yaml.c src/yaml_edit.c src/yaml_verify.c src/compose.c src/buf.c \
 *       src/source.c src/finding.c -lfyaml -lyaml
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"
#include "dockfix/yamltree.h"

static void check_span(const struct dfx_yaml *t, struct dfx_span s)
{
	if (s.start > s.end || s.end > t->len)
		abort();
}

static void check_node(const struct dfx_yaml *t, const struct dfx_yaml_node *n, unsigned depth)
{
	if (depth > DFX_YAML_MAX_DEPTH + 1)
		abort();
	check_span(t, n->span);
	check_span(t, n->tok);
	check_span(t, n->inner);
	if (n->type == DFX_YAML_ALIAS && !n->target)
		abort();
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == DFX_YAML_MAPPING) {
			if (n->pairs[i].key->parent != n || n->pairs[i].value->parent != n)
				abort();
			check_node(t, n->pairs[i].key, depth + 1);
			check_node(t, n->pairs[i].value, depth + 1);
		} else {
			if (n->items[i]->parent != n)
				abort();
			check_node(t, n->items[i], depth + 1);
		}
	}
}

static int count(const struct dfx_yaml_ref *ref, void *arg)
{
	(void)ref;
	++*(size_t *)arg;
	return 0;
}

/* Try the edit helpers on the first collection entries; verify what applies. */
static void try_edits(struct dfx_yaml *t)
{
	const struct dfx_yaml_node *root = t->root, *first = NULL;
	struct dfx_yaml_edits e;
	struct dfx_buf why = DFX_BUF_INIT;
	char *allowed[] = {"/"};

	if (!root || (root->type != DFX_YAML_MAPPING && root->type != DFX_YAML_SEQUENCE) || !root->n)
		return;
	first = root->type == DFX_YAML_MAPPING ? root->pairs[0].value : root->items[0];
	for (int k = 0; k < 8; k++) {
		size_t len = 0;
		char *out;

		dfx_yaml_edits_init(&e);
		switch (k) {
		case 0:
			dfx_yaml_edit_delete(t, first, &e);
			break;
		case 1:
			dfx_yaml_edit_map_insert(t, root, "fz", "- a\n- b: c", &e);
			break;
		case 2:
			dfx_yaml_edit_seq_append(t, first, "x: y", &e);
			break;
		case 3:
			dfx_yaml_edit_replace_scalar(t, first, "a: \"b\"\n'c'", &e);
			break;
		case 4:
			dfx_yaml_edit_scalar_prepend(t, first, "127.0.0.1:", &e);
			break;
		case 5:
			dfx_yaml_edit_top_insert(t, "secrets", "s:\n  file: ./s.txt", &e);
			break;
		case 6:
			dfx_yaml_edit_map_set(t, first, "secrets", "- s", &e);
			break;
		default:
			dfx_yaml_edit_map_set(t, first, "k", "[1, 2]", &e);
			break;
		}
		out = dfx_yaml_edits_apply(t->data, t->len, &e, &len);
		if (out && e.n)
			dfx_yaml_verify(t->data, t->len, out, len, allowed, 1, &why);
		free(out);
		dfx_buf_reset(&why);
		dfx_yaml_edits_release(&e);
	}
	dfx_buf_release(&why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dfx_error err = {0};
	struct dfx_yaml *t = dfx_yaml_parse((const char *)data, size, "fuzz.yml", &err);
	struct dfx_source src;
	struct dfx_compose *c;

	if (!t) {
		if (!err.message || err.line < 1 || err.col < 1)
			abort();
		dfx_error_release(&err);
	} else {
		struct dfx_buf b = DFX_BUF_INIT;
		struct dfx_yaml_ref ref;
		size_t n = 0;

		if (t->root)
			check_node(t, t->root, 0);
		if (dfx_yaml_print(t, &b) < 0 || b.len != size || (size && memcmp(b.ptr, data, size)))
			abort();
		dfx_buf_reset(&b);
		if (t->root) {
			dfx_yaml_map_get(t, t->root, "services", &ref);
			dfx_yaml_map_foreach(t, t->root, count, &n);
			dfx_yaml_node_path(dfx_yaml_node_at(t, (uint32_t)(size / 2)), &b);
			if (t->visits > t->budget)
				abort();
		}
		dfx_yaml_layout_of(t);
		try_edits(t);
		dfx_buf_release(&b);
		dfx_yaml_free(t);
	}

	dfx_source_init_copy(&src, "fuzz.yml", (const char *)data, size);
	c = dfx_compose_parse(&src, &err);
	if (c) {
		for (size_t i = 0; i < c->nservices; i++)
			if (c->services[i].node)
				dfx_compose_suppressed(c, "DC201", c->services[i].node->span.start);
		dfx_compose_suppressed(c, "DC201", (uint32_t)(size / 2));
		dfx_compose_free(c);
	} else {
		dfx_error_release(&err);
	}
	dfx_source_release(&src);
	return 0;
}
