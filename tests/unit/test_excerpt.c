/*
 * test_excerpt.c - cmocka tests of src/base/excerpt.c: what is shown of a
 * file's bytes. Control characters, C1 controls and bytes that are not
 * UTF-8 are escaped as \xNN, valid UTF-8 and tabs are kept, hidden spans
 * are redacted, and the caret line stays under the marked span whatever
 * the escapes and redactions did to the columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dockfix/core.h"

static void test_printable(void **state)
{
	char *s;

	(void)state;
	s = dfx_printable("a\033[31mb\007c\nd\te\x7f");
	assert_string_equal(s, "a\\x1B[31mb\\x07c\\x0Ad\\x09e\\x7F");
	free(s);
	/* valid UTF-8 is kept; C1 controls and stray bytes are not */
	s = dfx_printable("caf\xC3\xA9 \xC2\x9B" "2J \xFF \xE2\x82");
	assert_string_equal(s, "caf\xC3\xA9 \\xC2\\x9B" "2J \\xFF \\xE2\\x82");
	free(s);
	/* overlong and surrogate encodings are not UTF-8 */
	s = dfx_printable("\xC0\xAF\xED\xA0\x80");
	assert_string_equal(s, "\\xC0\\xAF\\xED\\xA0\\x80");
	free(s);
	s = dfx_printable(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void excerpt(const char *text, unsigned line, struct dfx_span mark, const struct dfx_span *hide, size_t n,
		    const char *want_text, const char *want_caret)
{
	struct dfx_source src;
	struct dfx_excerpt x;

	dfx_source_init_copy(&src, "f", text, strlen(text));
	dfx_source_excerpt(&src, line, mark, hide, n, &x);
	assert_int_equal(x.line, line);
	assert_string_equal(x.text, want_text);
	assert_string_equal(x.caret, want_caret);
	dfx_excerpt_release(&x);
	dfx_source_release(&src);
}

static void test_excerpt_marks(void **state)
{
	(void)state;
	/* the span on line 2 ("b c" starts at 4) */
	excerpt("a\nxx b c\n", 2, (struct dfx_span){5, 6}, NULL, 0, "xx b c", "   ^");
	/* an empty span: one caret at its column; past the end: after the text */
	excerpt("a\nxx b c\n", 2, (struct dfx_span){4, 4}, NULL, 0, "xx b c", "  ^");
	excerpt("a\nxx b c", 2, (struct dfx_span){8, 8}, NULL, 0, "xx b c", "      ^");
	/* tabs are kept in both lines, so the caret stays aligned in a terminal */
	excerpt("\tk: v\n", 1, (struct dfx_span){1, 2}, NULL, 0, "\tk: v", "\t^");
	/* an escaped byte takes four columns, and the caret moves with it */
	excerpt("x\033y z\n", 1, (struct dfx_span){4, 5}, NULL, 0, "x\\x1By z", "       ^");
	excerpt("x\033y z\n", 1, (struct dfx_span){1, 2}, NULL, 0, "x\\x1By z", " ^^^^");
	/* UTF-8: one column per code point */
	excerpt("\xC3\xA9t\xC3\xA9 x\n", 1, (struct dfx_span){6, 7}, NULL, 0, "\xC3\xA9t\xC3\xA9 x", "    ^");
	/* CRLF: the \r is the line end, not shown */
	excerpt("ab\r\ncd\r\n", 1, (struct dfx_span){0, 2}, NULL, 0, "ab", "^^");
}

static void test_excerpt_hides(void **state)
{
	const char *t = "KEY: sk_live_0123456789abcdef tail\n";
	struct dfx_span h[] = {{5, 29}};

	(void)state;
	/* the hidden bytes are redacted; a mark on them underlines the redaction */
	excerpt(t, 1, (struct dfx_span){0, 34}, h, 1, "KEY: sk_l…(24 chars) tail", "^^^^^^^^^^^^^^^^^^^^^^^^^");
	excerpt(t, 1, (struct dfx_span){12, 12}, h, 1, "KEY: sk_l…(24 chars) tail", "     ^^^^^^^^^^^^^^^");
	excerpt(t, 1, (struct dfx_span){30, 34}, h, 1, "KEY: sk_l…(24 chars) tail", "                     ^^^^");
	/* spans on other lines change nothing */
	struct dfx_span far[] = {{100, 120}};
	excerpt(t, 1, (struct dfx_span){0, 3}, far, 1, "KEY: sk_live_0123456789abcdef tail", "^^^");
	/* a hidden span running past the line end stops at the line end */
	struct dfx_span run[] = {{30, 200}};
	excerpt("KEY: sk_live_0123456789abcdef tail\nnext\n", 1, (struct dfx_span){0, 3}, run, 1,
		"KEY: sk_live_0123456789abcdef …(4 chars)", "^^^");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_excerpt_marks),
		cmocka_unit_test(test_excerpt_hides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
