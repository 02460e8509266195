/*
 * test_lsp.c - cmocka tests of src/report/lsp.c: positions in UTF-16 code
 * units and in UTF-8 bytes and back (astral characters are two units, a
 * character past the line end is the line end), the one minimal TextEdit
 * between two texts (never splitting a UTF-8 sequence), diagnostics' shape,
 * and file URIs with characters that need percent-encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dockfix/lsp.h"

/* "a😀é b\nxy\n": 😀 is 4 bytes (2 UTF-16 units), é is 2 bytes (1 unit) */
static const char text[] = "a\xF0\x9F\x98\x80\xC3\xA9 b\nxy\n";

static void test_positions(void **state)
{
	struct dfx_source s;
	struct dfx_lsp_pos p;

	(void)state;
	dfx_source_init_copy(&s, "f", text, strlen(text));
	/* 'b' is byte 8: UTF-16 character 5, UTF-8 character 8 */
	p = dfx_lsp_position(&s, 8, DFX_LSP_UTF16);
	assert_int_equal(p.line, 0);
	assert_int_equal(p.character, 5);
	p = dfx_lsp_position(&s, 8, DFX_LSP_UTF8);
	assert_int_equal(p.character, 8);
	assert_int_equal(dfx_lsp_offset(&s, (struct dfx_lsp_pos){0, 5}, DFX_LSP_UTF16), 8);
	assert_int_equal(dfx_lsp_offset(&s, (struct dfx_lsp_pos){0, 3}, DFX_LSP_UTF16), 5);
	/* line 1, and a character past its end */
	p = dfx_lsp_position(&s, 11, DFX_LSP_UTF16);
	assert_int_equal(p.line, 1);
	assert_int_equal(p.character, 1);
	assert_int_equal(dfx_lsp_offset(&s, (struct dfx_lsp_pos){1, 99}, DFX_LSP_UTF16), 12);
	assert_int_equal(dfx_lsp_offset(&s, (struct dfx_lsp_pos){1, 99}, DFX_LSP_UTF8), 12);
	/* past the last line: the end */
	assert_int_equal(dfx_lsp_offset(&s, (struct dfx_lsp_pos){9, 0}, DFX_LSP_UTF16), (uint32_t)strlen(text));
	p = dfx_lsp_position(&s, 999, DFX_LSP_UTF16);
	assert_int_equal(p.line, 2);
	assert_int_equal(p.character, 0);
	dfx_source_release(&s);
}

static char *edit(const char *old, const char *new_text)
{
	struct dfx_source s;
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_source_init_copy(&s, "f", old, strlen(old));
	if (!dfx_lsp_text_edit(&b, &s, new_text, strlen(new_text), DFX_LSP_UTF16))
		dfx_buf_adds(&b, "none");
	dfx_source_release(&s);
	return dfx_buf_detach(&b);
}

static void test_text_edit(void **state)
{
	char *e;

	(void)state;
	e = edit("FROM a\nADD x /x\nCMD y\n", "FROM a\nCOPY x /x\nCMD y\n");
	assert_string_equal(e, "{\"range\":{\"start\":{\"line\":1,\"character\":0},\"end\":{\"line\":1,\"character\":3}},"
			       "\"newText\":\"COPY\"}");
	free(e);
	/* an insertion at the end, and no edit between equal texts */
	e = edit("a\n", "a\nb\n");
	assert_string_equal(e, "{\"range\":{\"start\":{\"line\":1,\"character\":0},\"end\":{\"line\":1,\"character\":0}},"
			       "\"newText\":\"b\\n\"}");
	free(e);
	e = edit("same", "same");
	assert_string_equal(e, "none");
	free(e);
	/* é (C3 A9) -> è (C3 A8): the edit replaces the whole character */
	e = edit("caf\xC3\xA9!", "caf\xC3\xA8!");
	assert_string_equal(e, "{\"range\":{\"start\":{\"line\":0,\"character\":3},\"end\":{\"line\":0,\"character\":4}},"
			       "\"newText\":\"\xC3\xA8\"}");
	free(e);
	/* from an empty file (a file a fix creates) */
	e = edit("", "x\n");
	assert_string_equal(e, "{\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}},"
			       "\"newText\":\"x\\n\"}");
	free(e);
}

static void test_diagnostic(void **state)
{
	static const struct dfx_rule rule = {.code = "DX101", .name = "thing", .severity = DFX_SEV_MEDIUM};
	struct dfx_source s;
	struct dfx_finding f = {0};
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_error e = {0};

	(void)state;
	dfx_source_init_copy(&s, "f", text, strlen(text));
	f.rule = &rule;
	f.severity = DFX_SEV_MEDIUM;
	f.src = &s;
	f.span = (struct dfx_span){8, 9};
	f.message = "msg";
	dfx_lsp_diagnostic(&b, &f, DFX_LSP_UTF16);
	assert_non_null(strstr(b.ptr, "\"range\":{\"start\":{\"line\":0,\"character\":5},\"end\":{\"line\":0,\"character\":6}}"));
	assert_non_null(strstr(b.ptr, "\"severity\":2,\"code\":\"DX101\""));
	assert_non_null(strstr(b.ptr, "\"source\":\"dockfix\",\"message\":\"thing: msg\""));
	assert_non_null(strstr(b.ptr, "\"data\":{\"fix\":null}"));
	dfx_buf_reset(&b);
	dfx_error_set(&e, "f", 2, 2, "bad");
	dfx_lsp_error_diagnostic(&b, &s, &e, DFX_LSP_UTF16);
	assert_string_equal(b.ptr, "{\"range\":{\"start\":{\"line\":1,\"character\":1},\"end\":{\"line\":1,\"character\":1}},"
				   "\"severity\":1,\"source\":\"dockfix\",\"message\":\"bad\"}");
	assert_int_equal(dfx_lsp_severity(DFX_SEV_CRITICAL), 1);
	assert_int_equal(dfx_lsp_severity(DFX_SEV_LOW), 3);
	dfx_error_release(&e);
	dfx_buf_release(&b);
	dfx_source_release(&s);
}

static void test_uris(void **state)
{
	char *u, *p;

	(void)state;
	u = dfx_lsp_uri("/home/a b/caf\xC3\xA9/#x%.yaml");
	assert_string_equal(u, "file:///home/a%20b/caf%C3%A9/%23x%25.yaml");
	p = dfx_lsp_uri_path(u);
	assert_string_equal(p, "/home/a b/caf\xC3\xA9/#x%.yaml");
	free(u);
	free(p);
	p = dfx_lsp_uri_path("file://localhost/etc/x");
	assert_string_equal(p, "/etc/x");
	free(p);
	assert_null(dfx_lsp_uri_path("untitled:Untitled-1"));
	assert_null(dfx_lsp_uri_path("file://host/x"));
	assert_null(dfx_lsp_uri_path("file:///a%00b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_text_edit),
		cmocka_unit_test(test_diagnostic),
		cmocka_unit_test(test_uris),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
