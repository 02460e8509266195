/*
 * test_json.c - cmocka tests of the strict JSON parser (src/json.c, RFC
 * 8259): values and spans, every error class with its line and column, the
 * depth and size caps, huge numbers, escapes and UTF-16 surrogate pairs,
 * JSON Lines sequences and the decoded-to-raw offset map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "dockfix/json.h"

static struct dfx_json_doc *parse(const char *s, unsigned flags, struct dfx_json_error *err)
{
	return dfx_json_parse(s, strlen(s), flags, err);
}

/* Parsing must fail at line:col with a message containing `want`. */
static void expect_error(const char *s, unsigned line, unsigned col, const char *want)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc = parse(s, 0, &err);

	if (doc) {
		dfx_json_free(doc);
		fail_msg("parsed but should not: %s", s);
	}
	if (err.line != line || err.col != col || !strstr(err.msg, want))
		fail_msg("input %s: got %u:%u '%s', want %u:%u '%s'", s, err.line, err.col, err.msg, line, col,
			 want);
}

static void test_scalars(void **state)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc;

	(void)state;
	doc = parse("  true ", 0, &err);
	assert_non_null(doc);
	assert_int_equal(doc->root->type, DFX_JSON_TRUE);
	assert_int_equal(doc->root->span.start, 2);
	assert_int_equal(doc->root->span.end, 6);
	dfx_json_free(doc);

	doc = parse("null", 0, &err);
	assert_non_null(doc);
	assert_int_equal(doc->root->type, DFX_JSON_NULL);
	dfx_json_free(doc);

	doc = parse("-12.5e2", 0, &err);
	assert_non_null(doc);
	assert_int_equal(doc->root->type, DFX_JSON_NUMBER);
	assert_true(doc->root->num == -1250.0);
	dfx_json_free(doc);

	doc = parse("\"a\\u00e9\\n\"", 0, &err);
	assert_non_null(doc);
	assert_string_equal(dfx_json_string(doc->root), "a\xC3\xA9\n");
	assert_int_equal(doc->root->len, 4);
	assert_int_equal(doc->root->span.start, 0);
	assert_int_equal(doc->root->span.end, 11);
	dfx_json_free(doc);
}

static void test_tree_and_spans(void **state)
{
	const char *s = "[{\"Id\":\"sha256:ab\",\"Config\":{\"User\":\"\",\"Env\":[\"A=1\",\"B=2\"]}}]";
	struct dfx_json_error err;
	struct dfx_json_doc *doc = parse(s, 0, &err);
	const struct dfx_json *img, *cfg, *env, *user;

	(void)state;
	assert_non_null(doc);
	assert_int_equal(doc->root->type, DFX_JSON_ARRAY);
	assert_int_equal(doc->root->nkids, 1);
	img = &doc->root->kids[0];
	assert_int_equal(img->type, DFX_JSON_OBJECT);
	assert_int_equal(img->nkids, 2);
	cfg = dfx_json_get(img, "Config");
	assert_non_null(cfg);
	assert_int_equal(cfg->key_span.start, (uint32_t)(strstr(s, "\"Config\"") - s));
	env = dfx_json_get(cfg, "Env");
	assert_non_null(env);
	assert_int_equal(env->nkids, 2);
	assert_string_equal(dfx_json_string(&env->kids[1]), "B=2");
	assert_int_equal(env->kids[1].span.start, (uint32_t)(strstr(s, "\"B=2\"") - s));
	assert_int_equal(env->kids[1].span.end, (uint32_t)(strstr(s, "\"B=2\"") - s + 5));
	user = dfx_json_get(cfg, "User");
	assert_non_null(user);
	assert_int_equal(user->len, 0);
	assert_null(dfx_json_get(cfg, "Missing"));
	assert_null(dfx_json_get(env, "Env")); /* not an object */
	dfx_json_free(doc);
}

static void test_empty_containers_and_duplicates(void **state)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc = parse("{\"a\":[],\"b\":{},\"a\":[1]}", 0, &err);
	const struct dfx_json *a;
	long long n;

	(void)state;
	assert_non_null(doc);
	a = dfx_json_get(doc->root, "a"); /* the last one wins, as in Go */
	assert_non_null(a);
	assert_int_equal(a->nkids, 1);
	assert_int_equal(dfx_json_int(&a->kids[0], &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(dfx_json_get(doc->root, "b")->nkids, 0);
	dfx_json_free(doc);
}

static void test_errors_line_col(void **state)
{
	(void)state;
	expect_error("", 1, 1, "unexpected end of input");
	expect_error("{\n  \"a\": 1,\n}", 3, 1, "trailing comma");
	expect_error("[1,\n 2,\n 3", 1, 1, "unterminated array");
	expect_error("{\"a\" 1}", 1, 6, "expected ':'");
	expect_error("{'a': 1}", 1, 2, "expected a quoted member name");
	expect_error("[1 2]", 1, 4, "expected ',' or ']'");
	expect_error("// c\n1", 1, 1, "unexpected '/'");
	expect_error("[NaN]", 1, 2, "unexpected 'N'");
	expect_error("[01]", 1, 2, "leading zeros");
	expect_error("[1.]", 1, 4, "digit after '.'");
	expect_error("[1e+]", 1, 5, "exponent");
	expect_error("[-]", 1, 3, "digit after '-'");
	expect_error("[tru]", 1, 2, "unexpected 't'");
	expect_error("\"abc", 1, 1, "unterminated string");
	expect_error("[\"a\tb\"]", 1, 4, "control character U+0009");
	expect_error("\"\\x\"", 1, 2, "invalid escape");
	expect_error("\"\\u12G4\"", 1, 2, "four hex digits");
	expect_error("1 2", 1, 3, "after the JSON value");
	expect_error("{}\n\n  x", 3, 3, "after the JSON value");
}

static void test_utf8_and_surrogates(void **state)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc;

	(void)state;
	/* U+1F600 as a surrogate pair and as raw UTF-8 decode to the same bytes */
	doc = parse("[\"\\uD83D\\uDE00\", \"\xF0\x9F\x98\x80\"]", 0, &err);
	assert_non_null(doc);
	assert_string_equal(doc->root->kids[0].str, "\xF0\x9F\x98\x80");
	assert_string_equal(doc->root->kids[1].str, "\xF0\x9F\x98\x80");
	dfx_json_free(doc);

	/* \u0000 is kept: the length says so */
	doc = parse("\"a\\u0000b\"", 0, &err);
	assert_non_null(doc);
	assert_int_equal(doc->root->len, 3);
	assert_int_equal(doc->root->str[1], '\0');
	dfx_json_free(doc);

	expect_error("\"\\uD83D\"", 1, 2, "lone high surrogate");
	expect_error("\"\\uD83Dx\"", 1, 2, "lone high surrogate");
	expect_error("\"\\uD83D\\u0041\"", 1, 2, "lone high surrogate");
	expect_error("\"\\uDE00\"", 1, 2, "lone low surrogate");
	expect_error("\"\xFF\"", 1, 2, "invalid UTF-8");
	expect_error("\"\xC0\xAF\"", 1, 2, "invalid UTF-8");          /* overlong '/' */
	expect_error("\"\xED\xA0\x80\"", 1, 2, "invalid UTF-8");      /* encoded surrogate */
	expect_error("\"\xF4\x90\x80\x80\"", 1, 2, "invalid UTF-8");  /* above U+10FFFF */
	expect_error("\"\xE2\x82\"", 1, 2, "invalid UTF-8");          /* truncated */
}

static void test_bom(void **state)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc = parse("\xEF\xBB\xBF{\"a\":1}", 0, &err);

	(void)state;
	assert_non_null(doc);
	assert_int_equal(doc->root->span.start, 3);
	dfx_json_free(doc);
}

static void test_depth_cap(void **state)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc;
	size_t n = DFX_JSON_MAX_DEPTH;
	char *s = malloc(2 * (n + 1) + 1);

	(void)state;
	/* exactly the cap: fine */
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	doc = parse(s, 0, &err);
	assert_non_null(doc);
	dfx_json_free(doc);
	/* one more: a clear error at the innermost bracket */
	memset(s, '[', n + 1);
	memset(s + n + 1, ']', n + 1);
	s[2 * (n + 1)] = '\0';
	doc = parse(s, 0, &err);
	assert_null(doc);
	assert_non_null(strstr(err.msg, "nesting deeper than 256"));
	assert_int_equal(err.col, n + 1);
	free(s);
}

static void test_deep_garbage_is_bounded(void **state)
{
	/* a megabyte of '[' must fail fast at the cap, not overflow the stack */
	size_t n = 1024 * 1024;
	char *s = malloc(n + 1);
	struct dfx_json_error err;

	(void)state;
	memset(s, '[', n);
	s[n] = '\0';
	assert_null(parse(s, 0, &err));
	assert_non_null(strstr(err.msg, "nesting deeper"));
	free(s);
}

static void test_size_cap(void **state)
{
	struct dfx_json_error err;
	size_t n = DFX_MAX_FILE_SIZE + 1;
	char *s = malloc(n);

	(void)state;
	memset(s, ' ', n);
	s[0] = '1';
	assert_null(dfx_json_parse(s, n, 0, &err));
	assert_non_null(strstr(err.msg, "too large"));
	free(s);
}

static void test_huge_numbers(void **state)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc;
	long long v;
	char big[1200];

	(void)state;
	doc = parse("[1e999, -1e999, 1e-999, 123456789012345678901234567890, 9007199254740993, 42]", 0, &err);
	assert_non_null(doc);
	assert_true(isinf(doc->root->kids[0].num) && doc->root->kids[0].num > 0);
	assert_true(isinf(doc->root->kids[1].num) && doc->root->kids[1].num < 0);
	assert_true(doc->root->kids[2].num == 0.0);
	assert_int_equal(dfx_json_int(&doc->root->kids[0], &v), -1);
	assert_int_equal(dfx_json_int(&doc->root->kids[3], &v), -1);
	assert_int_equal(dfx_json_int(&doc->root->kids[5], &v), 0);
	assert_int_equal(v, 42);
	/* spans keep the exact text */
	assert_int_equal(doc->root->kids[3].span.end - doc->root->kids[3].span.start, 30);
	dfx_json_free(doc);

	/* a thousand digits */
	memset(big, '9', 1000);
	big[1000] = '\0';
	doc = parse(big, 0, &err);
	assert_non_null(doc);
	assert_true(doc->root->num > 1e300 || isinf(doc->root->num));
	dfx_json_free(doc);
}

static void test_escapes(void **state)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc = parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00E9\\u20AC\"", 0, &err);

	(void)state;
	assert_non_null(doc);
	assert_string_equal(doc->root->str, "\"\\/\b\f\n\r\tA\xC3\xA9\xE2\x82\xAC");
	dfx_json_free(doc);
}

static void test_sequence(void **state)
{
	const char *s = "{\"CreatedBy\":\"a\"}\n{\"CreatedBy\":\"b\"}\r\n\n";
	struct dfx_json_error err;
	struct dfx_json_doc *doc = parse(s, DFX_JSON_SEQ, &err);

	(void)state;
	assert_non_null(doc);
	assert_int_equal(doc->root->type, DFX_JSON_ARRAY);
	assert_int_equal(doc->root->nkids, 2);
	assert_string_equal(dfx_json_string(dfx_json_get(&doc->root->kids[1], "CreatedBy")), "b");
	dfx_json_free(doc);

	doc = parse("  \n", DFX_JSON_SEQ, &err);
	assert_non_null(doc);
	assert_int_equal(doc->root->nkids, 0);
	dfx_json_free(doc);

	/* an error in the second line reports line 2 */
	assert_null(parse("{\"a\":1}\n{\"a\":,}\n", DFX_JSON_SEQ, &err));
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 6);
}

static void test_raw_offset(void **state)
{
	/* the decoded "K=a\"b" : '=' at 1, the quote escape at decoded 3 */
	const char *s = "[\"K=a\\\"b\\u00e9c\"]";
	struct dfx_json_error err;
	struct dfx_json_doc *doc = parse(s, 0, &err);
	const struct dfx_json *v;

	(void)state;
	assert_non_null(doc);
	v = &doc->root->kids[0];
	assert_string_equal(v->str, "K=a\"b\xC3\xA9" "c");
	assert_int_equal(dfx_json_raw_offset(s, v, 0), 2);      /* 'K' */
	assert_int_equal(dfx_json_raw_offset(s, v, 2), 4);      /* 'a' */
	assert_int_equal(dfx_json_raw_offset(s, v, 3), 5);      /* the backslash of \" */
	assert_int_equal(dfx_json_raw_offset(s, v, 4), 7);      /* 'b' */
	assert_int_equal(dfx_json_raw_offset(s, v, 5), 8);      /* \u00e9 */
	assert_int_equal(dfx_json_raw_offset(s, v, 6), 8);      /* inside it: its start */
	assert_int_equal(dfx_json_raw_offset(s, v, 7), 14);     /* 'c' */
	assert_int_equal(dfx_json_raw_offset(s, v, v->len), 15); /* closing quote */
	dfx_json_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_tree_and_spans),
		cmocka_unit_test(test_empty_containers_and_duplicates),
		cmocka_unit_test(test_errors_line_col),
		cmocka_unit_test(test_utf8_and_surrogates),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_depth_cap),
		cmocka_unit_test(test_deep_garbage_is_bounded),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_huge_numbers),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_raw_offset),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
