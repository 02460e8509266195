/*
 * test_yaml_insert.c - unit tests of the insertion helpers on the YAML span
 * tree (src/parse/yaml_insert.c): mapping inserts, setting a key, sequence
 * appends and prepends, filling an empty value and adding a top-level
 * entry, each in block and flow style, in the file's own layout (indent,
 * sequence indentation, CRLF, no final newline), checked against the exact
 * expected text and re-verified with libyaml.
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

static const struct dfx_yaml_node *key_at(const struct dfx_yaml *t, const char *path)
{
	const struct dfx_yaml_node *v = at(t, path);

	assert_non_null(v->parent);
	assert_int_equal(v->parent->type, DFX_YAML_MAPPING);
	return v->parent->pairs[v->index].key;
}

static char *to_crlf(const char *s)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (; *s; s++) {
		if (*s == '\n')
			dfx_buf_addc(&b, '\r');
		dfx_buf_addc(&b, *s);
	}
	return dfx_buf_detach(&b);
}

/*
 * Apply the edits, compare with the expected text, and check with the
 * verifier that only `allowed` changed (NULL: anything).
 */
static void expect_edits(struct dfx_yaml *t, struct dfx_yaml_edits *e, const char *want,
			 const char *allowed)
{
	size_t len = 0;
	char *out = dfx_yaml_edits_apply(t->data, t->len, e, &len);
	struct dfx_buf why = DFX_BUF_INIT;
	char *paths[1];

	assert_non_null(out);
	if (strcmp(out, want)) {
		fprintf(stderr, "--- got ---\n%s\n--- want ---\n%s\n---\n", out, want);
		fail();
	}
	paths[0] = (char *)(allowed ? allowed : "/");
	if (dfx_yaml_verify(t->data, t->len, out, len, paths, 1, &why) != 0)
		fail_msg("verify: %s", why.ptr);
	dfx_buf_release(&why);
	free(out);
}

/* ---------------------------------------------------------------- insertions */

static void test_edit_map_insert(void **state)
{
	struct dfx_yaml *t = parse("services:\n  web:\n    image: nginx   # web\n    # trailing comment\n"
				   "  db:\n    image: pg\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_map_insert(t, at(t, "/services/web"), "read_only", "true", &e), 0);
	assert_int_equal(dfx_yaml_edit_map_insert(t, at(t, "/services/db"), "security_opt",
						  "- no-new-privileges:true", &e), 0);
	expect_edits(t, &e,
		     "services:\n  web:\n    image: nginx   # web\n    read_only: true\n"
		     "    # trailing comment\n  db:\n    image: pg\n    security_opt:\n"
		     "      - no-new-privileges:true\n",
		     "/services");
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* 4 spaces, indentless sequences, CRLF, no final newline */
	{
		char *in = to_crlf("services:\n    web:\n        cap_drop:\n        - ALL\n        image: x");
		char *crlf;

		t = parse(in);
		dfx_yaml_edits_init(&e);
		assert_int_equal(dfx_yaml_edit_map_insert(t, at(t, "/services/web"), "cap_add",
							  "- CHOWN\n- SETUID", &e), 0);
		assert_int_equal(dfx_yaml_edit_map_insert(t, t->root, "volumes", "data:\n  driver: local",
							  &e), 0);
		crlf = to_crlf("services:\n    web:\n        cap_drop:\n        - ALL\n        image: x\n"
			       "        cap_add:\n        - CHOWN\n        - SETUID\nvolumes:\n    data:\n"
			       "        driver: local");
		expect_edits(t, &e, crlf, NULL);
		free(crlf);
		dfx_yaml_edits_release(&e);
		dfx_yaml_free(t);
		free(in);
	}

	/* flow mappings */
	t = parse("labels: {a: b}\nempty: {}\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_map_insert_scalar(t, at(t, "/labels"), "c", "d, e", &e), 0);
	assert_int_equal(dfx_yaml_edit_map_insert(t, at(t, "/empty"), "k", "- x\n- y", &e), 0);
	expect_edits(t, &e, "labels: {a: b, c: \"d, e\"}\nempty: {k: [x, y]}\n", NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* a mapping inside a sequence item */
	t = parse("ports:\n  - target: 5432\n    published: 5432\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_map_insert_scalar(t, at(t, "/ports/0"), "host_ip", "127.0.0.1", &e), 0);
	expect_edits(t, &e, "ports:\n  - target: 5432\n    published: 5432\n    host_ip: 127.0.0.1\n",
		     "/ports/0/host_ip");
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_map_set(void **state)
{
	struct dfx_yaml *t = parse("a:\n  x: 1\n  y:\n  z: {}\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_map_set(t, at(t, "/a"), "x", "2", &e), 0);
	assert_int_equal(dfx_yaml_edit_map_set(t, at(t, "/a"), "y", "- v", &e), 0);
	assert_int_equal(dfx_yaml_edit_map_set(t, at(t, "/a"), "w", "3", &e), 0);
	expect_edits(t, &e, "a:\n  x: 2\n  y:\n    - v\n  z: {}\n  w: 3\n", "/a");
	dfx_yaml_edits_release(&e);
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_map_set(t, at(t, "/a"), "z", "1", &e), -1);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_seq_append(void **state)
{
	struct dfx_yaml *t = parse("a:\n  - x   # c\n  # after\nb:\n- y\nc: [p, q]\nd: []\n"
				   "e: [\n    one,\n    two\n  ]\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_seq_append_scalar(t, at(t, "/a"), "new", &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_append_scalar(t, at(t, "/b"), "z", &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_append_scalar(t, at(t, "/c"), "r", &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_append_scalar(t, at(t, "/d"), "only", &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_append_scalar(t, at(t, "/e"), "three", &e), 0);
	expect_edits(t, &e,
		     "a:\n  - x   # c\n  - new\n  # after\nb:\n- y\n- z\nc: [p, q, r]\nd: [only]\n"
		     "e: [\n    one,\n    two, three\n  ]\n",
		     NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* a block mapping item */
	t = parse("ports:\n- 80:80\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_seq_append(t, at(t, "/ports"),
						  "target: 443\nhost_ip: 127.0.0.1", &e), 0);
	expect_edits(t, &e, "ports:\n- 80:80\n- target: 443\n  host_ip: 127.0.0.1\n", "/ports");
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_top_insert(void **state)
{
	struct dfx_yaml_edits e;
	struct dfx_yaml *t;
	char *in, *want;

	(void)state;
	/* blank-line separated top level: a blank line before the new key; an existing key declines */
	t = parse("services:\n  db:\n    image: pg\n\nvolumes:\n  data: {}\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_top_insert(t, "configs", "c:\n  file: ./c.conf", &e), 0);
	assert_int_equal(dfx_yaml_edit_top_insert(t, "volumes", "x: {}", &e), -1);
	assert_non_null(strstr(e.why, "already has"));
	expect_edits(t, &e, "services:\n  db:\n    image: pg\n\nvolumes:\n  data: {}\n\nconfigs:\n  c:\n"
			    "    file: ./c.conf\n", NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* after a trailing comment, CRLF, no final newline */
	in = to_crlf("a:\n  b: 1\n# end");
	want = to_crlf("a:\n  b: 1\n# end\nk:\n  - v");
	t = parse(in);
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_top_insert(t, "k", "- v", &e), 0);
	expect_edits(t, &e, want, NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
	free(in);
	free(want);

	/* a flow top level: as a mapping insert; a sequence at the top declines */
	t = parse("{a: 1}\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_top_insert(t, "b", "2", &e), 0);
	expect_edits(t, &e, "{a: 1, b: 2}\n", NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
	t = parse("- a\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_top_insert(t, "b", "2", &e), -1);
	assert_int_equal(e.n, 0);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_fill_empty(void **state)
{
	struct dfx_yaml_edits e;
	struct dfx_yaml *t = parse("a:\n  list:\n  flow: [x]\nb:\n");

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_fill_empty(t, key_at(t, "/a/list"), at(t, "/a/list"), "- v", &e), 0);
	assert_int_equal(dfx_yaml_edit_fill_empty(t, key_at(t, "/b"), at(t, "/b"), "[1, 2]", &e), 0);
	expect_edits(t, &e, "a:\n  list:\n    - v\n  flow: [x]\nb: [1, 2]\n", NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_seq_prepend(void **state)
{
	struct dfx_yaml_edits e;
	struct dfx_yaml *t;
	char *in, *want;

	(void)state;
	/* block (indented and indentless), flow, empty flow */
	t = parse("a:\n  - x\n  - y\nb:\n- p\nc: [m, n]\nd: []\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_seq_prepend(t, at(t, "/a"), "w", &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_prepend(t, at(t, "/b"), "{k: v}", &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_prepend(t, at(t, "/c"), "l", &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_prepend(t, at(t, "/d"), "z", &e), 0);
	expect_edits(t, &e, "a:\n  - w\n  - x\n  - y\nb:\n- {k: v}\n- p\nc: [l, m, n]\nd: [z]\n", NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* CRLF; a block mapping item */
	in = to_crlf("l:\n    - a\n");
	want = to_crlf("l:\n    - k: v\n      j: w\n    - a\n");
	t = parse(in);
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_seq_prepend(t, at(t, "/l"), "k: v\nj: w", &e), 0);
	expect_edits(t, &e, want, NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
	free(in);
	free(want);

	/* a first item that does not start its line; not a sequence */
	t = parse("a:\n- - x\n  - y\nb: 1\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_seq_prepend(t, at(t, "/a/0"), "w", &e), -1);
	assert_non_null(strstr(e.why, "does not start its line"));
	assert_int_equal(dfx_yaml_edit_seq_prepend(t, at(t, "/b"), "w", &e), -1);
	assert_string_equal(e.why, "not a sequence");
	assert_int_equal(e.n, 0);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_map_insert),
		cmocka_unit_test(test_edit_map_set),
		cmocka_unit_test(test_edit_seq_append),
		cmocka_unit_test(test_edit_seq_prepend),
		cmocka_unit_test(test_edit_top_insert),
		cmocka_unit_test(test_edit_fill_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
