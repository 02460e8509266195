/*
 * test_jsonw.c - cmocka tests of the JSON writer (src/base/jsonw.c):
 * RFC 8259 string escaping (quotes, backslash, named and \u escapes for
 * control characters, UTF-8 passed through, null for NULL) and the pretty
 * writer's layout (commas, two-space indentation, empty containers, keys
 * and nested values); the output is parsed back with src/parse/json.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dockfix/json.h"
#include "dockfix/jsonw.h"

static void test_escape(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;

	(void)state;
	dfx_jsonw_str(&b, "a\"b\\c\nd\re\tf\x01g\x7fh\xC3\xA9");
	assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007fh\xC3\xA9\"");
	dfx_buf_reset(&b);
	dfx_jsonw_str(&b, NULL);
	assert_string_equal(b.ptr, "null");
	dfx_buf_release(&b);
}

static void test_pretty(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_jsonw w;

	(void)state;
	dfx_jsonw_init(&w, &b);
	dfx_jsonw_open(&w, '{');
	dfx_jsonw_key(&w, "name");
	dfx_jsonw_string(&w, "x\"y");
	dfx_jsonw_key(&w, "list");
	dfx_jsonw_open(&w, '[');
	dfx_jsonw_uint(&w, 1);
	dfx_jsonw_bool(&w, false);
	dfx_jsonw_open(&w, '{');
	dfx_jsonw_close(&w, '}');
	dfx_jsonw_close(&w, ']');
	dfx_jsonw_key(&w, "empty");
	dfx_jsonw_open(&w, '[');
	dfx_jsonw_close(&w, ']');
	dfx_jsonw_close(&w, '}');
	assert_string_equal(b.ptr, "{\n"
				   "  \"name\": \"x\\\"y\",\n"
				   "  \"list\": [\n"
				   "    1,\n"
				   "    false,\n"
				   "    {}\n"
				   "  ],\n"
				   "  \"empty\": []\n"
				   "}");
	dfx_buf_release(&b);
}

/* Whatever is written parses back to the same values. */
static void test_round_trip(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_jsonw w;
	struct dfx_json_error err;
	struct dfx_json_doc *doc;
	long long n = 0;
	const char *odd = "tab\there \"q\" back\\slash \x1f end";

	(void)state;
	dfx_jsonw_init(&w, &b);
	dfx_jsonw_open(&w, '{');
	dfx_jsonw_key(&w, "s");
	dfx_jsonw_string(&w, odd);
	dfx_jsonw_key(&w, "n");
	dfx_jsonw_uint(&w, 4294967296ull);
	dfx_jsonw_close(&w, '}');
	memset(&err, 0, sizeof(err));
	doc = dfx_json_parse(b.ptr, b.len, 0, &err);
	assert_non_null(doc);
	assert_string_equal(dfx_json_string(dfx_json_get(doc->root, "s")), odd);
	assert_int_equal(dfx_json_int(dfx_json_get(doc->root, "n"), &n), 0);
	assert_true(n == 4294967296ll);
	dfx_json_free(doc);
	dfx_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
