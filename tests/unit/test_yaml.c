/*
 * test_yaml.c - unit tests of the YAML span tree (src/parse/yamltree.c and
 * its printer and lookups, yaml_query.c), the text-edit helpers
 * (yaml_edit.c, yaml_insert.c) and the libyaml verifier (yaml_verify.c).
 *
 * Round trips are byte-exact (print == input); spans are checked against
 * the text they must cover (quotes, properties, block scalar headers,
 * implicit nulls: the places libfyaml's marks leave out); every edit
 * helper is checked against the exact expected output and the result is
 * re-verified with libyaml.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Parse must fail; returns the message (caller frees) and the position. */
static char *parse_err(const char *text, size_t len, unsigned *line, unsigned *col)
{
	struct dfx_error err = {0};
	struct dfx_yaml *t = dfx_yaml_parse(text, len, "t.yml", &err);
	char *msg;

	if (t) {
		dfx_yaml_free(t);
		fail_msg("parse unexpectedly succeeded");
	}
	assert_non_null(err.message);
	assert_string_equal(err.path, "t.yml");
	*line = err.line;
	*col = err.col;
	msg = dfx_xstrdup(err.message);
	dfx_error_release(&err);
	return msg;
}

static void roundtrip(const char *text)
{
	struct dfx_yaml *t = parse(text);
	struct dfx_buf b = DFX_BUF_INIT;

	assert_int_equal(dfx_yaml_print(t, &b), 0);
	assert_int_equal(b.len, strlen(text));
	assert_memory_equal(b.ptr, text, b.len);
	dfx_buf_release(&b);
	dfx_yaml_free(t);
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

/* ---------------------------------------------------------------- round trips */

static const char compose_lf[] =
	"# header comment\n"
	"version: \"3.8\"   # trailing\n"
	"\n"
	"x-defaults: &default\n"
	"  restart: unless-stopped\n"
	"  logging:\n"
	"    driver: json-file  # log driver\n"
	"\n"
	"services:\n"
	"  # above db\n"
	"  db:\n"
	"    <<: *default\n"
	"    image: 'postgres:15'\n"
	"    environment:\n"
	"      POSTGRES_USER: postgres\n"
	"      POSTGRES_PASSWORD: postgres   # FIXME weak\n"
	"      EMPTY:\n"
	"    ports:\n"
	"      - \"5432:5432\"\n"
	"      - 8080:80\n"
	"    command: [ \"postgres\", \"-c\", 'max_connections=200' ]\n"
	"    healthcheck:\n"
	"      test: |\n"
	"        pg_isready -U postgres || exit 1\n"
	"      interval: 10s\n"
	"  web:\n"
	"    <<: [*default]\n"
	"    image: nginx\n"
	"    command: >\n"
	"      /bin/sh -c\n"
	"      \"nginx -g 'daemon off;'\"\n"
	"    labels: {a: b, c: d}\n"
	"    depends_on:\n"
	"      - db\n"
	"\n"
	"  # trailing comment inside services\n"
	"volumes:\n"
	"  data: {}\n";

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

static void test_roundtrip_basic(void **state)
{
	char *crlf = to_crlf(compose_lf);
	struct dfx_buf b = DFX_BUF_INIT;

	(void)state;
	roundtrip(compose_lf);
	roundtrip(crlf);
	dfx_buf_adds(&b, "\xEF\xBB\xBF");
	dfx_buf_adds(&b, compose_lf);
	roundtrip(b.ptr);
	/* no final newline */
	b.ptr[--b.len] = '\0';
	roundtrip(b.ptr);
	dfx_buf_release(&b);
	free(crlf);
	roundtrip("");
	roundtrip("# only a comment\n");
	roundtrip("\n\n");
	roundtrip("a: 1");
	roundtrip("plain scalar document\n");
	/* several documents */
	roundtrip("a: 1\n---\nb: [2]\n...\n---\n# c\nc: {d: 3}\n");
	{
		struct dfx_yaml *t = parse("a: &x 1\n---\nb: 2\n---\n");

		assert_int_equal(t->ndocs, 3);
		assert_ptr_equal(t->docs[0], t->root);
		assert_int_equal(t->docs[1]->type, DFX_YAML_MAPPING);
		assert_ptr_equal(dfx_yaml_node_at(t, 12)->parent, t->docs[1]);
		dfx_yaml_free(t);
	}
}

static void test_roundtrip_styles(void **state)
{
	(void)state;
	/* 4-space indentation, indentless sequences, comments everywhere */
	roundtrip("services:\n"
		  "    web:   # the web\n"
		  "        image: nginx\n"
		  "        # between keys\n"
		  "        ports:\n"
		  "        - \"80:80\"\n"
		  "        -   443:443   # spaced\n"
		  "        environment:\n"
		  "        - A=1\n"
		  "        - B\n"
		  "# column zero comment\n"
		  "        cap_add: [NET_ADMIN,\n"
		  "            SYS_TIME]\n"
		  "    # end of services\n");
	/* flow collections, nested, empty, multi-line */
	roundtrip("a: []\nb: {}\nc: [1, [2, 3], {x: y}]\nd: {k: [v], e: }\n"
		  "e: [\n  one,\n  two,\n]\nf: { a: 1,\n     b: 2 }\n");
	/* block scalars: headers, chomping, indentation indicator, blank lines, comments after */
	roundtrip("a: |\n  line1\n\n  line3\nb: |-\n  x\nc: |+\n  kept\n\n\nd: >2\n   more\n  less\n"
		  "e: >-\n  folded\n  text\n# after\nf: |\n\n  leading blank\ng: |\nh: end\n");
	/* anchors, aliases, merges, tags */
	roundtrip("base: &b {x: 1}\nlist: &l\n  - a\nm:\n  <<: [*b, *l]\n  k: !!str 5\n"
		  "s: &s scalar\nt: *s\nu: !custom\n  v: 1\n");
	/* quoted scalars over several lines, explicit document markers */
	roundtrip("---\na: \"one\n  two\"\nb: 'it''s\n\n  here'\n...\n");
	/* empty values in every position */
	roundtrip("a:\nb: &x\nc: !!null\nd:\n  -\n  - \n  - x\ne: {a, b: }\n? complex\n: v\n");
	/* a ':' that starts the next plain key is not the empty value's indicator */
	roundtrip("\xEF\xBB\xBF--- &r\n? [a]\n:v_file:\n  volumes:\n    ");
	roundtrip("? a\n:b: c\n");
	/* UTF-8 */
	roundtrip("name: \"h\xC3\xA9llo w\xC3\xB6rld\"\nk\xC3\xA9y: \xE2\x98\x95 caf\xC3\xA9\n");
}

static void test_roundtrip_sloppy_flow(void **state)
{
	/* a flow sequence closed less indented than its items (opentelemetry-demo) */
	const char *text = "services:\n"
			   "  app:\n"
			   "    command:\n"
			   "      [\n"
			   "        \"--config=/etc/otel.yml\",\n"
			   "        \"--feature-gates=x\"\n"
			   "    ]\n"
			   "    image: otel\n";
	struct dfx_yaml *t;

	(void)state;
	roundtrip(text);
	t = parse(text);
	assert_int_equal(dfx_yaml_seq_len(at(t, "/services/app/command")), 2);
	assert_string_equal(dfx_yaml_str(at(t, "/services/app/image")), "otel");
	dfx_yaml_free(t);
}

/* ---------------------------------------------------------------- spans */

static void test_spans(void **state)
{
	struct dfx_yaml *t = parse("a: \"dq\"\n"
				   "b: 'sq'\n"
				   "c: &anc val\n"
				   "d: *anc\n"
				   "e: |-\n"
				   "  lit\n"
				   "  two\n"
				   "f: >\n"
				   "  folded\n"
				   "\n"
				   "g:\n"
				   "h: !!str 12\n"
				   "i: &m\n"
				   "  k: v\n"
				   "j:\n"
				   "  - x\n"
				   "  - y   # c\n"
				   "\n"
				   "# trailing\n");
	const struct dfx_yaml_node *n;

	(void)state;
	n = at(t, "/a");
	assert_int_equal(n->style, DFX_YAML_DOUBLE);
	assert_span(t, n->span, "\"dq\"");
	assert_span(t, n->inner, "dq");
	n = at(t, "/b");
	assert_int_equal(n->style, DFX_YAML_SINGLE);
	assert_span(t, n->span, "'sq'");
	assert_span(t, n->inner, "sq");
	n = at(t, "/c");
	assert_span(t, n->span, "&anc val");
	assert_span(t, n->tok, "val");
	assert_span(t, n->anchor_span, "&anc");
	assert_string_equal(n->anchor, "anc");
	n = at(t, "/d");
	assert_int_equal(n->type, DFX_YAML_ALIAS);
	assert_span(t, n->span, "*anc");
	assert_string_equal(n->value, "anc");
	assert_ptr_equal(n->target, at(t, "/c"));
	assert_ptr_equal(dfx_yaml_resolve(n), at(t, "/c"));
	n = at(t, "/e");
	assert_int_equal(n->style, DFX_YAML_LITERAL);
	assert_span(t, n->span, "|-\n  lit\n  two");
	assert_span(t, n->inner, "lit\n  two");
	assert_string_equal(n->value, "lit\ntwo");
	n = at(t, "/f");
	assert_int_equal(n->style, DFX_YAML_FOLDED);
	assert_span(t, n->span, ">\n  folded");
	assert_string_equal(n->value, "folded\n");
	n = at(t, "/g");
	assert_true(n->empty);
	assert_int_equal(n->span.start, n->span.end);
	assert_int_equal(t->data[n->span.start - 1], ':');
	assert_true(dfx_yaml_is_null(n));
	n = at(t, "/h");
	assert_span(t, n->tag_span, "!!str");
	assert_string_equal(n->tag, "!!str");
	assert_span(t, n->span, "!!str 12");
	n = at(t, "/i");
	assert_int_equal(n->type, DFX_YAML_MAPPING);
	assert_span(t, n->span, "&m\n  k: v");
	n = at(t, "/j");
	assert_int_equal(n->style, DFX_YAML_BLOCK);
	assert_span(t, n->span, "- x\n  - y"); /* ends at its last child, not at the comment */
	assert_int_equal(t->data[at(t, "/j/1")->entry], '-');
	assert_int_equal(dfx_yaml_entry_start(t, at(t, "/j/1")), at(t, "/j/1")->entry);
	assert_int_equal(dfx_yaml_entry_start(t, at(t, "/i")), key_at(t, "/i")->span.start);
	assert_true(key_at(t, "/a")->is_key);
	assert_false(at(t, "/a")->is_key);
	assert_span(t, t->root->span, "a: \"dq\"\nb: 'sq'\nc: &anc val\nd: *anc\ne: |-\n  lit\n  two\n"
					"f: >\n  folded\n\ng:\nh: !!str 12\ni: &m\n  k: v\nj:\n"
					"  - x\n  - y");
	dfx_yaml_free(t);
}

/* Single-quoted scalars are decoded by dockfix itself; check against libyaml too. */
static void test_single_quoted(void **state)
{
	static const char *const cases[][2] = {
		{"a: 'it''s'\n", "it's"},
		{"a: ''''''''''''''''''''''\n", "''''''''''"},
		{"a: 'x''''''''''''''y'\n", "x'''''''y"},
		{"a: 'one\n  two'\n", "one two"},
		{"a: 'one  \n\n   \n  two  '\n", "one\n\ntwo  "},
		{"a: '  lead\n'\n", "  lead "},
		{"a: 'crlf\r\n  next'\n", "crlf next"},
		{"a: ''\n", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_yaml *t = parse(cases[i][0]);
		struct dfx_buf why = DFX_BUF_INIT, want = DFX_BUF_INIT;
		const struct dfx_yaml_node *n = at(t, "/a");
		char *none[] = {(char *)"/none"};

		assert_int_equal(n->style, DFX_YAML_SINGLE);
		assert_string_equal(n->value, cases[i][1]);
		assert_int_equal(n->vlen, strlen(cases[i][1]));
		/* libyaml reads the same value: no difference from the value written double-quoted */
		dfx_buf_adds(&want, "a: \"");
		for (const char *c = cases[i][1]; *c; c++)
			dfx_buf_adds(&want, *c == '\n' ? "\\n" : (char[2]){*c, 0});
		dfx_buf_adds(&want, "\"\n");
		if (dfx_yaml_verify(t->data, t->len, want.ptr, want.len, none, 1, &why) != 0)
			fail_msg("%s: %s", cases[i][0], why.ptr);
		dfx_buf_release(&why);
		dfx_buf_release(&want);
		dfx_yaml_free(t);
	}
}

static void test_spans_crlf_bom(void **state)
{
	char *crlf = to_crlf("\xEF\xBB\xBF" "a:\n  b: \"x\"\n  c: |\n    l1\n    l2\n  d:\n  - 1\n");
	struct dfx_yaml *t = parse(crlf);
	const struct dfx_yaml_node *n;

	(void)state;
	assert_int_equal(t->root->span.start, 3);
	n = at(t, "/a/b");
	assert_span(t, n->span, "\"x\"");
	n = at(t, "/a/c");
	assert_span(t, n->span, "|\r\n    l1\r\n    l2");
	assert_string_equal(n->value, "l1\nl2\n");
	n = at(t, "/a/d/0");
	assert_span(t, n->span, "1");
	assert_int_equal(t->data[n->entry], '-');
	dfx_yaml_free(t);
	free(crlf);
}

/* ---------------------------------------------------------------- errors and caps */

static void test_duplicate_keys(void **state)
{
	unsigned line, col;
	char *msg;
	struct dfx_yaml *t;

	(void)state;
	msg = parse_err("services:\n  web:\n    image: a\n    image: b\n", 43, &line, &col);
	assert_non_null(strstr(msg, "duplicate key \"image\""));
	assert_non_null(strstr(msg, "line 3"));
	assert_int_equal(line, 4);
	assert_int_equal(col, 5);
	free(msg);
	/* quoting does not make a key different; flow mappings are checked too */
	msg = parse_err("a: {x: 1, \"x\": 2}\n", 18, &line, &col);
	assert_non_null(strstr(msg, "duplicate key"));
	assert_int_equal(line, 1);
	assert_int_equal(col, 11);
	free(msg);
	/* a merged key is not a duplicate */
	t = parse("b: &b {image: a}\nc:\n  <<: *b\n  image: c\n");
	assert_string_equal(dfx_yaml_str(dfx_yaml_get(t, at(t, "/c"), "image")), "c");
	dfx_yaml_free(t);
}

static void test_other_errors(void **state)
{
	unsigned line, col;
	char *msg;
	struct dfx_buf b = DFX_BUF_INIT;

	(void)state;
	msg = parse_err("a: &x 1\n---\nb: *x\n", 17, &line, &col);
	assert_non_null(strstr(msg, "unknown anchor 'x'"));
	assert_int_equal(line, 3);
	free(msg);
	msg = parse_err("a: *nope\n", 9, &line, &col);
	assert_non_null(strstr(msg, "unknown anchor 'nope'"));
	assert_int_equal(line, 1);
	assert_int_equal(col, 4);
	free(msg);
	msg = parse_err("a: b\nc: \xC0\xAF\n", 10, &line, &col); /* overlong UTF-8 libfyaml accepts */
	assert_non_null(strstr(msg, "invalid UTF-8"));
	assert_int_equal(line, 2);
	assert_int_equal(col, 4);
	free(msg);
	msg = parse_err("a: b # \xFF comment\n", 17, &line, &col);
	assert_non_null(strstr(msg, "invalid UTF-8"));
	free(msg);
	msg = parse_err("a: 1\rb: 2\r", 10, &line, &col);
	assert_non_null(strstr(msg, "carriage return"));
	assert_int_equal(line, 1);
	assert_int_equal(col, 5);
	free(msg);
	msg = parse_err("a: b\x01\n", 6, &line, &col);
	assert_non_null(strstr(msg, "control character"));
	free(msg);
	msg = parse_err("a: b\0c\n", 7, &line, &col);
	assert_non_null(strstr(msg, "control character"));
	free(msg);
	msg = parse_err("a:\n\tb: 1\n", 9, &line, &col);
	assert_int_equal(line, 2);
	free(msg);
	msg = parse_err("a: [1, 2\n", 9, &line, &col);
	assert_true(line >= 1);
	free(msg);
	msg = parse_err("a: b: c\n", 8, &line, &col);
	assert_int_equal(line, 1);
	free(msg);
	/* inputs on which libfyaml 0.7.12 would crash in fy_parser_destroy() */
	msg = parse_err("? x:\t :g", 8, &line, &col);
	assert_non_null(strstr(msg, "tab"));
	assert_int_equal(line, 1);
	free(msg);
	msg = parse_err("x:\n  ? a:\t|", 11, &line, &col);
	assert_int_equal(line, 2);
	free(msg);
	/* file size cap */
	{
		size_t big = DFX_MAX_FILE_SIZE + 1;
		char *data = dfx_xmalloc(big);

		memset(data, ' ', big);
		msg = parse_err(data, big, &line, &col);
		assert_non_null(strstr(msg, "file too large"));
		free(msg);
		free(data);
	}
	/* line length cap: a line of exactly DFX_MAX_LINE_LEN bytes is fine, one more is not */
	for (size_t extra = 0; extra <= 1; extra++) {
		size_t n = DFX_MAX_LINE_LEN + extra + 6;
		char *data = dfx_xmalloc(n + 1);

		memcpy(data, "a: ", 3);
		memset(data + 3, 'x', DFX_MAX_LINE_LEN - 3 + extra);
		memcpy(data + DFX_MAX_LINE_LEN + extra, "\nb: 1\n", 6);
		data[n] = '\0';
		if (extra) {
			msg = parse_err(data, n, &line, &col);
			assert_non_null(strstr(msg, "line too long (1048577 bytes; the limit is 1048576)"));
			assert_int_equal(line, 1);
			assert_int_equal(col, DFX_MAX_LINE_LEN + 1);
			free(msg);
		} else {
			struct dfx_error err = {0};
			struct dfx_yaml *t = dfx_yaml_parse(data, n, "t.yml", &err);

			assert_non_null(t);
			dfx_yaml_free(t);
		}
		free(data);
	}
	dfx_buf_release(&b);
}

static void test_depth_cap(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;
	unsigned line, col;
	char *msg;
	struct dfx_yaml *t;

	(void)state;
	/* 63 levels are fine */
	for (int i = 0; i < 63; i++)
		dfx_buf_addc(&b, '[');
	for (int i = 0; i < 63; i++)
		dfx_buf_addc(&b, ']');
	t = parse(b.ptr);
	dfx_yaml_free(t);
	/* 100000 levels fail fast with a position */
	dfx_buf_reset(&b);
	dfx_buf_adds(&b, "a:\n  b: ");
	for (int i = 0; i < 100000; i++)
		dfx_buf_addc(&b, '[');
	for (int i = 0; i < 100000; i++)
		dfx_buf_addc(&b, ']');
	msg = parse_err(b.ptr, b.len, &line, &col);
	assert_non_null(strstr(msg, "nesting deeper than 64"));
	assert_int_equal(line, 2);
	assert_int_equal(col, 6 + 62);
	free(msg);
	/* block mappings too */
	dfx_buf_reset(&b);
	for (int i = 0; i < 70; i++) {
		for (int j = 0; j < i; j++)
			dfx_buf_addc(&b, ' ');
		dfx_buf_adds(&b, "k:\n");
	}
	msg = parse_err(b.ptr, b.len, &line, &col);
	assert_non_null(strstr(msg, "nesting deeper"));
	free(msg);
	dfx_buf_release(&b);
}

static void test_node_cap(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;
	unsigned line, col;
	char *msg;

	(void)state;
	/* 1,000 items a line: lines stay under DFX_MAX_LINE_LEN */
	dfx_buf_addc(&b, '[');
	for (unsigned i = 0; i < DFX_YAML_MAX_NODES + 10; i++)
		dfx_buf_adds(&b, i % 1000 == 999 ? "0,\n" : "0,");
	dfx_buf_addc(&b, ']');
	msg = parse_err(b.ptr, b.len, &line, &col);
	assert_non_null(strstr(msg, "too many YAML nodes"));
	/* the sequence is node 1, so the node past the cap is item 1,000,000, the last of line 1,000 */
	assert_int_equal(line, DFX_YAML_MAX_NODES / 1000);
	free(msg);
	dfx_buf_release(&b);
}

/* Nine levels of nine aliases: 9^9 visits if expanded. Lookups must stay bounded. */
static void test_alias_bomb(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_yaml *t;
	struct dfx_yaml_ref ref;
	clock_t t0 = clock();
	int rc;

	(void)state;
	dfx_buf_adds(&b, "l0: &l0 {x: 1}\n");
	for (int i = 1; i <= 9; i++) {
		dfx_buf_addf(&b, "l%d: &l%d\n  <<: [", i, i);
		for (int j = 0; j < 9; j++)
			dfx_buf_addf(&b, "%s*l%d", j ? ", " : "", i - 1);
		dfx_buf_adds(&b, "]\n");
	}
	dfx_buf_adds(&b, "bomb:\n  <<: *l9\n");
	t = parse(b.ptr);
	rc = dfx_yaml_map_get(t, at(t, "/bomb"), "missing", &ref);
	assert_int_equal(rc, -1);
	assert_true(t->budget_spent);
	assert_true(t->visits <= t->budget);
	assert_true(t->budget < DFX_YAML_VISIT_BUDGET + 8 * 1000);
	/* a found key is still found cheaply through the first chain */
	dfx_yaml_free(t);
	t = parse(b.ptr);
	assert_int_equal(dfx_yaml_map_get(t, at(t, "/bomb"), "x", &ref), 1);
	assert_true(ref.from_anchor);
	assert_string_equal(ref.via->value, "l9");
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	dfx_yaml_free(t);
	/* a self-referencing merge terminates */
	t = parse("a: &a\n  <<: *a\n  k: v\n");
	assert_int_equal(dfx_yaml_map_get(t, at(t, "/a"), "zz", &ref), 0);
	dfx_buf_release(&b);
	dfx_yaml_free(t);
}

/* ---------------------------------------------------------------- layout */

static void test_layout(void **state)
{
	struct dfx_yaml *t = parse("services:\n    web:\n        ports:\n        - '80:80'\n\nvolumes:\n    d: {}");
	const struct dfx_yaml_layout *L = dfx_yaml_layout_of(t);
	char *crlf;

	(void)state;
	assert_int_equal(L->indent, 4);
	assert_int_equal(L->seq_indent, 0);
	assert_string_equal(L->eol, "\n");
	assert_int_equal(L->quote, '\'');
	assert_false(L->final_newline);
	assert_true(L->blank_between_top);
	dfx_yaml_free(t);
	crlf = to_crlf("a:\n  b:\n    - \"x\"\n");
	t = parse(crlf);
	L = dfx_yaml_layout_of(t);
	assert_int_equal(L->indent, 2);
	assert_int_equal(L->seq_indent, 2);
	assert_string_equal(L->eol, "\r\n");
	assert_int_equal(L->quote, '"');
	assert_true(L->final_newline);
	assert_false(L->blank_between_top);
	dfx_yaml_free(t);
	free(crlf);
}

static void test_render_scalar(void **state)
{
	struct dfx_yaml *t = parse("a: b\n");
	static const char *const cases[][2] = {
		{"db_password", "db_password"},
		{"/run/secrets/x", "/run/secrets/x"},
		{"127.0.0.1:5432:5432", "127.0.0.1:5432:5432"},
		{"5432", "\"5432\""},
		{"22:22", "\"22:22\""},
		{"1.5e3", "\"1.5e3\""},
		{"true", "\"true\""},
		{"null", "\"null\""},
		{"", "\"\""},
		{"a: b", "\"a: b\""},
		{"x #y", "\"x #y\""},
		{"-c", "-c"},
		{"- c", "\"- c\""},
		{"*x", "\"*x\""},
		{"line\nbreak", "\"line\\nbreak\""},
		{"say \"hi\"", "say \"hi\""},
		{"\"quoted", "\"\\\"quoted\""},
		{"no-new-privileges:true", "no-new-privileges:true"},
	};
	struct dfx_buf b = DFX_BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dfx_buf_reset(&b);
		dfx_yaml_render_scalar(t, cases[i][0], false, &b);
		assert_string_equal(b.ptr, cases[i][1]);
	}
	dfx_buf_reset(&b);
	dfx_yaml_render_scalar(t, "a,b", true, &b);
	assert_string_equal(b.ptr, "\"a,b\"");
	dfx_buf_release(&b);
	dfx_yaml_free(t);
	/* the file's quote character */
	t = parse("a: 'b'\nc: 'd'\n");
	dfx_yaml_render_scalar(t, "it's: here", false, &b);
	assert_string_equal(b.ptr, "'it''s: here'");
	dfx_buf_release(&b);
	dfx_yaml_free(t);
}

/* ---------------------------------------------------------------- scalar edits */

static void test_edit_replace_scalar(void **state)
{
	struct dfx_yaml *t = parse("a: plain   # keep\nb: 'single'\nc: \"double\"\nd: 5432\ne:\n"
				   "f: &anc anchored\ng: *anc\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/a"), "other", &e), 0);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/b"), "it's", &e), 0);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/c"), "a \"q\" \\ b\n", &e), 0);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/d"), "5433", &e), 0);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/e"), "filled", &e), 0);
	/* an alias is followed: the anchor's definition changes */
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/g"), "new: value", &e), 0);
	expect_edits(t, &e,
		     "a: other   # keep\nb: 'it''s'\nc: \"a \\\"q\\\" \\\\ b\\n\"\nd: 5433\ne: filled\n"
		     "f: &anc \"new: value\"\ng: *anc\n",
		     NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* a plain scalar that would change type is quoted */
	t = parse("a: text\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/a"), "true", &e), 0);
	expect_edits(t, &e, "a: \"true\"\n", "/a");
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_block_scalar(void **state)
{
	struct dfx_yaml *t = parse("cmd: |  # header comment\n  redis-server\n  --save 60\nnext: 1\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_scalar_append(t, at(t, "/cmd"), " --aclfile /run/secrets/acl", &e), 0);
	expect_edits(t, &e,
		     "cmd: |  # header comment\n  redis-server\n  --save 60 --aclfile /run/secrets/acl\nnext: 1\n",
		     "/cmd");
	dfx_yaml_edits_release(&e);
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/cmd"), "a\nb", &e), 0);
	expect_edits(t, &e, "cmd: |-  # header comment\n  a\n  b\nnext: 1\n", "/cmd");
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	t = parse("c: >\n    folded text\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/c"), "new text\n", &e), 0);
	expect_edits(t, &e, "c: >\n    new text\n", "/c");
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_prepend_port(void **state)
{
	struct dfx_yaml *t = parse("ports:\n  - \"5432:5432\"\n  - 5432:5432\n  - '6379:6379'\n  - 5432\n"
				   "flow: [8080:80, \"9000\"]\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_scalar_prepend(t, at(t, "/ports/0"), "127.0.0.1:", &e), 0);
	assert_int_equal(dfx_yaml_edit_scalar_prepend(t, at(t, "/ports/1"), "127.0.0.1:", &e), 0);
	assert_int_equal(dfx_yaml_edit_scalar_prepend(t, at(t, "/ports/2"), "127.0.0.1:", &e), 0);
	assert_int_equal(dfx_yaml_edit_scalar_prepend(t, at(t, "/ports/3"), "127.0.0.1::", &e), 0);
	assert_int_equal(dfx_yaml_edit_scalar_prepend(t, at(t, "/flow/0"), "127.0.0.1:", &e), 0);
	assert_int_equal(dfx_yaml_edit_scalar_prepend(t, at(t, "/flow/1"), "127.0.0.1::", &e), 0);
	expect_edits(t, &e,
		     "ports:\n  - \"127.0.0.1:5432:5432\"\n  - 127.0.0.1:5432:5432\n"
		     "  - '127.0.0.1:6379:6379'\n  - 127.0.0.1::5432\n"
		     "flow: [127.0.0.1:8080:80, \"127.0.0.1::9000\"]\n",
		     NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_scalar_splice(void **state)
{
	struct dfx_yaml *t = parse("a: /x:/y:rw\nb: 'nginx:1.25'\nc: \"esc\\x41:1\"\nd: [\"q:rw,z\"]\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	/* in place: only the bytes asked for change */
	assert_int_equal(dfx_yaml_edit_scalar_splice(t, at(t, "/a"), 6, 8, "ro", &e), 0);
	assert_int_equal(dfx_yaml_edit_scalar_splice(t, at(t, "/b"), 5, 10, ":1.27", &e), 0);
	/* escapes: the whole value is rewritten in its style */
	assert_int_equal(dfx_yaml_edit_scalar_splice(t, at(t, "/c"), 4, 6, ":2", &e), 0);
	assert_int_equal(dfx_yaml_edit_scalar_splice(t, at(t, "/d/0"), 6, 6, ",ro", &e), 0);
	expect_edits(t, &e, "a: /x:/y:ro\nb: 'nginx:1.27'\nc: \"escA:2\"\nd: [\"q:rw,z,ro\"]\n", NULL);
	assert_int_equal(dfx_yaml_edit_scalar_splice(t, at(t, "/a"), 3, 99, "x", &e), -1);
	assert_non_null(e.why);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

static void test_edit_rename_key(void **state)
{
	struct dfx_yaml *t = parse("env:\n  POSTGRES_PASSWORD: x\n  'QUOTED': y\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_rename_key(t, key_at(t, "/env/POSTGRES_PASSWORD"),
						  "POSTGRES_PASSWORD_FILE", &e), 0);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/env/POSTGRES_PASSWORD"),
						      "/run/secrets/db_password", &e), 0);
	assert_int_equal(dfx_yaml_edit_rename_key(t, key_at(t, "/env/QUOTED"), "RENAMED", &e), 0);
	expect_edits(t, &e,
		     "env:\n  POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n  'RENAMED': y\n",
		     "/env");
	dfx_yaml_edits_release(&e);
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_rename_key(t, at(t, "/env/QUOTED"), "x", &e), -1);
	assert_non_null(e.why);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
}

/* ---------------------------------------------------------------- deletion */

static void test_edit_delete(void **state)
{
	struct dfx_yaml *t = parse("svc:\n  image: x\n  # about privileged\n  privileged: true  # bad\n"
				   "  cap_add:\n    - SYS_ADMIN\n    - CHOWN\n  network_mode: host\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_delete(t, key_at(t, "/svc/privileged"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/svc/cap_add/0"), &e), 0);
	expect_edits(t, &e,
		     "svc:\n  image: x\n  # about privileged\n  cap_add:\n    - CHOWN\n  network_mode: host\n",
		     "/svc");
	dfx_yaml_edits_release(&e);

	/* the last entry leaves an empty collection */
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/svc/cap_add/0"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/svc/cap_add/1"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/svc/network_mode"), &e), 0);
	expect_edits(t, &e,
		     "svc:\n  image: x\n  # about privileged\n  privileged: true  # bad\n  cap_add:\n",
		     "/svc");
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	t = parse("a:\n  - only\nb:\n  k: v\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/a/0"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/b/k"), &e), 0);
	expect_edits(t, &e, "a: []\nb: {}\n", NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* flow entries go with their comma */
	t = parse("a: [x, y, z]\nb: [x, y, z]\nc: [x, y, z]\nd: [only]\ne: {k: v, l: w}\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/a/0"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/b/1"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/c/2"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/d/0"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, key_at(t, "/e/l"), &e), 0);
	expect_edits(t, &e, "a: [y, z]\nb: [x, z]\nc: [x, y]\nd: []\ne: {k: v}\n", NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* the last line without a final newline; the first key of a `- ` item */
	t = parse("a: 1\nlist:\n  - k: 1\n    j: 2\nb: 2");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_delete(t, key_at(t, "/b"), &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, key_at(t, "/list/0/k"), &e), 0);
	expect_edits(t, &e, "a: 1\nlist:\n  - j: 2", NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);

	/* CRLF */
	{
		char *in = to_crlf("a:\n  x: 1\n  y: 2\n"), *want = to_crlf("a:\n  y: 2\n");

		t = parse(in);
		dfx_yaml_edits_init(&e);
		assert_int_equal(dfx_yaml_edit_delete(t, key_at(t, "/a/x"), &e), 0);
		expect_edits(t, &e, want, "/a/x");
		dfx_yaml_edits_release(&e);
		dfx_yaml_free(t);
		free(in);
		free(want);
	}
}

/* Every helper on one CRLF file with 4-space indentation and indentless sequences. */
static void test_edit_crlf_all(void **state)
{
	char *in = to_crlf("services:\n"
			   "    db:\n"
			   "        image: \"postgres\"\n"
			   "        command: |\n"
			   "            postgres\n"
			   "            -c x=1\n"
			   "        cap_add:\n"
			   "        - SYS_ADMIN\n"
			   "        - CHOWN\n"
			   "        ports: [\"5432:5432\"]\n"
			   "        environment:\n"
			   "            PASSWORD: example\n");
	char *want = to_crlf("services:\n"
			     "    db:\n"
			     "        image: \"postgres:16\"\n"
			     "        command: |-\n"
			     "            postgres\n"
			     "            -c x=2\n"
			     "        cap_add:\n"
			     "        - CHOWN\n"
			     "        - NET_BIND_SERVICE\n"
			     "        ports: [\"127.0.0.1:5432:5432\", \"127.0.0.1:8080:80\"]\n"
			     "        environment:\n"
			     "            PASSWORD_FILE: /run/secrets/pw\n"
			     "        read_only: true\n"
			     "        secrets:\n"
			     "        - pw\n"
			     "secrets:\n"
			     "    pw:\n"
			     "        file: ./secrets/pw.txt\n");
	struct dfx_yaml *t = parse(in);
	const struct dfx_yaml_node *db = at(t, "/services/db");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_scalar_append(t, at(t, "/services/db/image"), ":16", &e), 0);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/services/db/command"), "postgres\n-c x=2", &e), 0);
	assert_int_equal(dfx_yaml_edit_delete(t, at(t, "/services/db/cap_add/0"), &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_append_scalar(t, at(t, "/services/db/cap_add"), "NET_BIND_SERVICE", &e), 0);
	assert_int_equal(dfx_yaml_edit_scalar_prepend(t, at(t, "/services/db/ports/0"), "127.0.0.1:", &e), 0);
	assert_int_equal(dfx_yaml_edit_seq_append_scalar(t, at(t, "/services/db/ports"), "127.0.0.1:8080:80", &e), 0);
	assert_int_equal(dfx_yaml_edit_rename_key(t, key_at(t, "/services/db/environment/PASSWORD"), "PASSWORD_FILE", &e), 0);
	assert_int_equal(dfx_yaml_edit_replace_scalar(t, at(t, "/services/db/environment/PASSWORD"), "/run/secrets/pw", &e), 0);
	assert_int_equal(dfx_yaml_edit_map_insert(t, db, "read_only", "true", &e), 0);
	assert_int_equal(dfx_yaml_edit_map_insert(t, db, "secrets", "- pw", &e), 0);
	assert_int_equal(dfx_yaml_edit_top_insert(t, "secrets", "pw:\n  file: ./secrets/pw.txt", &e), 0);
	expect_edits(t, &e, want, NULL);
	dfx_yaml_edits_release(&e);
	dfx_yaml_free(t);
	free(in);
	free(want);
}

/* ---------------------------------------------------------------- edits plumbing */

static void test_edits_apply_overlap(void **state)
{
	struct dfx_yaml_edits e;
	size_t len;
	char *out;
	struct dfx_fix *f;

	(void)state;
	dfx_yaml_edits_init(&e);
	dfx_yaml_edits_add(&e, 2, 4, "XY");
	dfx_yaml_edits_add(&e, 0, 0, ">");
	dfx_yaml_edits_add(&e, 4, 4, "!");
	out = dfx_yaml_edits_apply("abcdef", 6, &e, &len);
	assert_string_equal(out, ">abXY!ef");
	assert_int_equal(len, 8);
	free(out);
	f = dfx_fix_new(DFX_FIX_SAFE, "test");
	dfx_yaml_edits_to_fix(&e, f, "compose.yaml");
	assert_int_equal(f->nedits, 3);
	assert_string_equal(f->edits[0].path, "compose.yaml");
	dfx_fix_free(f);
	dfx_yaml_edits_add(&e, 3, 5, "Z");
	assert_null(dfx_yaml_edits_apply("abcdef", 6, &e, &len));
	dfx_yaml_edits_release(&e);
}

/* ---------------------------------------------------------------- verifier */

/* The flattening, seen through the lines an undeclared change lists. */
static void test_flatten(void **state)
{
	struct dfx_buf why = DFX_BUF_INIT;
	const char *old = "z: 1\n", *new = "a: &x {b: [1, \"2\"]}\nc: *x\nd/e: ~\n";
	char *none[] = {(char *)"/none"};

	(void)state;
	assert_int_equal(dfx_yaml_verify(old, strlen(old), new, strlen(new), none, 1, &why), -1);
	assert_string_equal(why.ptr,
			    "the rewrite changes YAML paths it did not declare:\n"
			    "  + /a = <map> &x\n"
			    "  + /a/b = <seq>\n"
			    "  + /a/b/0 = 1\n"
			    "  + /a/b/1 = \"2\"\n"
			    "  + /c = *x\n"
			    "  + /d~1e = ~\n"
			    "  ...");
	dfx_buf_reset(&why);
	assert_int_equal(dfx_yaml_verify(old, strlen(old), "a: [", 4, none, 1, &why), -1);
	assert_non_null(strstr(why.ptr, "the rewritten text does not parse"));
	dfx_buf_release(&why);
}

static void test_verify(void **state)
{
	const char *old = "services:\n  db:\n    image: postgres\n    ports:\n      - \"5432:5432\"\n";
	const char *good = "services:\n  db:\n    image: postgres\n    ports:\n      - \"127.0.0.1:5432:5432\"\n";
	const char *wrong = "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"127.0.0.1:5432:5432\"\n";
	const char *broken = "services:\n  db:\n    image: postgres\n    ports:\n    - \"5432:5432\n";
	char *allowed[] = {"/services/db/ports/0"};
	char *bad_prefix[] = {"/services/d"};
	char *created[] = {"/secrets/db_password", "/services/db/secrets"};
	struct dfx_buf why = DFX_BUF_INIT;

	(void)state;
	assert_int_equal(dfx_yaml_verify(old, strlen(old), good, strlen(good), allowed, 1, &why), 0);
	/* a deliberately wrong edit (the image changed too) is caught */
	assert_int_equal(dfx_yaml_verify(old, strlen(old), wrong, strlen(wrong), allowed, 1, &why), -1);
	assert_non_null(strstr(why.ptr, "/services/db/image"));
	dfx_buf_reset(&why);
	/* prefixes match whole segments */
	assert_int_equal(dfx_yaml_verify(old, strlen(old), good, strlen(good), bad_prefix, 1, &why), -1);
	dfx_buf_reset(&why);
	assert_int_equal(dfx_yaml_verify(old, strlen(old), broken, strlen(broken), allowed, 1, &why), -1);
	assert_non_null(strstr(why.ptr, "does not parse"));
	dfx_buf_reset(&why);
	/* creating the parents of an allowed path */
	{
		const char *after = "services:\n  db:\n    image: postgres\n    ports:\n      - \"5432:5432\"\n"
				    "    secrets:\n      - db_password\nsecrets:\n  db_password:\n"
				    "    file: ./secrets/db_password.txt\n";

		assert_int_equal(dfx_yaml_verify(old, strlen(old), after, strlen(after), created, 2, &why), 0);
		assert_int_equal(dfx_yaml_verify(old, strlen(old), after, strlen(after), created, 1, &why), -1);
	}
	dfx_buf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_basic),
		cmocka_unit_test(test_roundtrip_styles),
		cmocka_unit_test(test_roundtrip_sloppy_flow),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_single_quoted),
		cmocka_unit_test(test_spans_crlf_bom),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_other_errors),
		cmocka_unit_test(test_depth_cap),
		cmocka_unit_test(test_node_cap),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_render_scalar),
		cmocka_unit_test(test_edit_replace_scalar),
		cmocka_unit_test(test_edit_block_scalar),
		cmocka_unit_test(test_edit_prepend_port),
		cmocka_unit_test(test_edit_scalar_splice),
		cmocka_unit_test(test_edit_rename_key),
		cmocka_unit_test(test_edit_delete),
		cmocka_unit_test(test_edit_crlf_all),
		cmocka_unit_test(test_edits_apply_overlap),
		cmocka_unit_test(test_flatten),
		cmocka_unit_test(test_verify),
	};

	return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
