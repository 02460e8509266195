/*
 * test_yaml_query.c - unit tests of the lookups on the YAML span tree
 * (src/parse/yaml_query.c): mapping lookups with `<<` merges (earlier
 * sources win, anchors reported), iteration, booleans as Docker Compose
 * reads them, null, and the node and path at an offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/yamltree.h"

/* ---------------------------------------------------------------- helpers */

static struct dfx_yaml *parse(const char *text)
{
	struct dfx_error err = {0};
	struct dfx_yaml *t = dfx_yaml_parse(text, strlen(text), "t.yml", &err);

	if (!t)
		fail_msg("parse failed: %u:%u: %s", err.line, err.col, err.message);
	dfx_error_release(&err);
	return t;
}

/* The node at a path of own keys ("/services/db/ports/0"), no merges. */
static const struct dfx_yaml_node *at(const struct dfx_yaml *t, const char *path)
{
	const struct dfx_yaml_node *n = t->root;
	char seg[128];

	while (n && *path == '/') {
		size_t l = strcspn(path + 1, "/");
		const struct dfx_yaml_node *next = NULL;

		memcpy(seg, path + 1, l);
		seg[l] = '\0';
		path += l + 1;
		n = dfx_yaml_resolve(n);
		if (n->type == DFX_YAML_MAPPING) {
			for (size_t i = 0; i < n->n && !next; i++)
				if (dfx_yaml_str_eq(n->pairs[i].key, seg))
					next = n->pairs[i].value;
		} else if (n->type == DFX_YAML_SEQUENCE) {
			size_t i = (size_t)strtoul(seg, NULL, 10);

			next = i < n->n ? n->items[i] : NULL;
		}
		n = next;
	}
	assert_non_null(n);
	return n;
}

static char *text_of(const struct dfx_yaml *t, struct dfx_span s)
{
	return dfx_xstrndup(t->data + s.start, s.end - s.start);
}

static void assert_span(const struct dfx_yaml *t, struct dfx_span s, const char *want)
{
	char *got = text_of(t, s);

	assert_string_equal(got, want);
	free(got);
}

static const struct dfx_yaml_node *key_at(const struct dfx_yaml *t, const char *path)
{
	const struct dfx_yaml_node *v = at(t, path);

	assert_non_null(v->parent);
	assert_int_equal(v->parent->type, DFX_YAML_MAPPING);
	return v->parent->pairs[v->index].key;
}

/* ---------------------------------------------------------------- lookups */

static int collect(const struct dfx_yaml_ref *ref, void *arg)
{
	struct dfx_buf *b = arg;

	dfx_buf_addf(b, "%s=%s%s;", dfx_yaml_str(ref->key), dfx_yaml_str(ref->node),
		     ref->from_anchor ? "*" : "");
	return 0;
}

static void test_merge_lookup(void **state)
{
	struct dfx_yaml *t = parse("a: &a {x: a, y: a, z: a}\n"
				   "b: &b {x: b, w: b}\n"
				   "v: &v value\n"
				   "m:\n"
				   "  <<: [*b, *a]\n"
				   "  y: own\n"
				   "  p: *v\n"
				   "n:\n"
				   "  <<: *a\n");
	struct dfx_yaml_ref ref;
	struct dfx_buf b = DFX_BUF_INIT;
	const struct dfx_yaml_node *m = at(t, "/m");

	(void)state;
	assert_int_equal(dfx_yaml_map_get(t, m, "y", &ref), 1);
	assert_string_equal(dfx_yaml_str(ref.node), "own");
	assert_false(ref.from_anchor);
	assert_ptr_equal(ref.map, m);
	/* earlier merge sources win */
	assert_int_equal(dfx_yaml_map_get(t, m, "x", &ref), 1);
	assert_string_equal(dfx_yaml_str(ref.node), "b");
	assert_true(ref.from_anchor);
	assert_string_equal(ref.via->value, "b");
	assert_ptr_equal(ref.map, at(t, "/b"));
	assert_int_equal(dfx_yaml_map_get(t, m, "z", &ref), 1);
	assert_string_equal(ref.via->value, "a");
	/* a value that is an alias */
	assert_int_equal(dfx_yaml_map_get(t, m, "p", &ref), 1);
	assert_int_equal(ref.value->type, DFX_YAML_ALIAS);
	assert_string_equal(dfx_yaml_str(ref.node), "value");
	assert_true(ref.from_anchor);
	assert_int_equal(dfx_yaml_map_get(t, m, "none", &ref), 0);
	assert_null(dfx_yaml_get(t, m, "none"));
	assert_string_equal(dfx_yaml_str(dfx_yaml_get(t, at(t, "/n"), "z")), "a");
	assert_int_equal(dfx_yaml_map_foreach(t, m, collect, &b), 0);
	assert_string_equal(b.ptr, "y=own;p=value*;x=b*;w=b*;z=a*;");
	dfx_buf_release(&b);
	dfx_yaml_free(t);
}

static void test_truthiness(void **state)
{
	struct dfx_yaml *t = parse("[true, True, yes, on, Y, false, no, OFF, \"true\", 'YES', \"1\", "
				   "\"off\", 1, maybe, \"\", ~, [x]]");
	static const enum dfx_yaml_truth want[] = {
		DFX_YAML_TRUE, DFX_YAML_TRUE, DFX_YAML_TRUE, DFX_YAML_TRUE, DFX_YAML_TRUE,
		DFX_YAML_FALSE, DFX_YAML_FALSE, DFX_YAML_FALSE, DFX_YAML_TRUE, DFX_YAML_TRUE,
		DFX_YAML_TRUE, DFX_YAML_FALSE, DFX_YAML_NOT_BOOL, DFX_YAML_NOT_BOOL,
		DFX_YAML_NOT_BOOL, DFX_YAML_NOT_BOOL, DFX_YAML_NOT_BOOL};

	(void)state;
	assert_int_equal(dfx_yaml_seq_len(t->root), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(dfx_yaml_truth(dfx_yaml_seq_item(t->root, i)), want[i]);
	assert_true(dfx_yaml_is_true(dfx_yaml_seq_item(t->root, 0)));
	assert_true(dfx_yaml_is_null(dfx_yaml_seq_item(t->root, 15)));
	assert_null(dfx_yaml_seq_item(t->root, 99));
	dfx_yaml_free(t);
}

static void test_node_at_and_path(void **state)
{
	struct dfx_yaml *t = parse("services:\n  db:\n    ports:\n      - \"5432:5432\"\n"
				   "  we/b~:\n    image: x\n");
	const struct dfx_yaml_node *port = at(t, "/services/db/ports/0");
	struct dfx_buf b = DFX_BUF_INIT;

	(void)state;
	assert_ptr_equal(dfx_yaml_node_at(t, port->span.start + 2), port);
	dfx_yaml_node_path(port, &b);
	assert_string_equal(b.ptr, "/services/db/ports/0");
	dfx_buf_reset(&b);
	dfx_yaml_node_path(key_at(t, "/services/db"), &b);
	assert_string_equal(b.ptr, "/services/db");
	dfx_buf_reset(&b);
	dfx_yaml_node_path(dfx_yaml_get(t, dfx_yaml_get(t, at(t, "/services"), "we/b~"), "image"), &b);
	assert_string_equal(b.ptr, "/services/we~1b~0/image");
	dfx_buf_reset(&b);
	dfx_yaml_node_path(t->root, &b);
	assert_string_equal(b.ptr, "/");
	dfx_buf_release(&b);
	assert_null(dfx_yaml_node_at(t, (uint32_t)t->len + 5));
	/* where entries begin: a pair at its key, a block item at its '-' */
	assert_span(t, (struct dfx_span){dfx_yaml_entry_start(t, port), port->span.end}, "- \"5432:5432\"");
	assert_span(t, (struct dfx_span){dfx_yaml_entry_start(t, at(t, "/services/db/ports")),
					 key_at(t, "/services/db/ports")->span.end}, "ports");
	dfx_yaml_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_lookup),
		cmocka_unit_test(test_truthiness),
		cmocka_unit_test(test_node_at_and_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
