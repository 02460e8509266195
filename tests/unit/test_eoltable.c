/*
 * test_eoltable.c - cmocka tests of an end-of-life table read at run time
 * (src/model/eoltable.c, --eol-data): errors at FILE:line:col for each
 * malformed part, the table in use unchanged after an error, and the
 * lookups of image.c answering from the loaded table once it is read.
 * The format is that of src/model/data/eol.tsv (data/eol.md "Columns").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dockfix/core.h"
#include "dockfix/diag.h"
#include "dockfix/image.h"

#define HEADER                                                                                            \
	"image\tcycle\ttag_patterns\teol_date\tsupported_on_2027_06_01\trecommended_replacement_tag\tvariant\t" \
	"product\textended_support_end\tminimal_upgrade_tag\tcarry_tokens\tsource\tnotes\n"
#define ROW27 "node\t27\t27|27.*|27-*\t2030-04-30\tyes\t27\tdefault\tnodejs\t\t\t\tendoflife.date\t\n"
#define ROW26 "node\t26\t26|26.*|26-*\t2029-04-30\tyes\t27\tdefault\tnodejs\t\t\t\tendoflife.date\t\n"
#define ROW14 "node\t14\t14|14.*|14-*\t2023-04-30\tno\t27\tdefault\tnodejs\t\t26\t\tendoflife.date\t\n"

static char *write_tmp(const char *text)
{
	char *path = dfx_xstrdup("/tmp/dfx-eoltable-XXXXXX");
	int fd = mkstemp(path);
	size_t n = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Loading `text` fails with one error at line:col whose message contains `what`. */
static void load_fails(const char *text, unsigned line, unsigned col, const char *what)
{
	char *path = write_tmp(text);
	struct dfx_diags d = {0};

	if (dfx_image_eol_load(path, &d) == 0)
		fail_msg("loaded, want an error about '%s'", what);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].severity, DFX_DIAG_ERROR);
	assert_string_equal(d.v[0].path, path);
	if (d.v[0].line != line || d.v[0].col != col)
		fail_msg("'%s' at %u:%u, want %u:%u", d.v[0].message, d.v[0].line, d.v[0].col, line, col);
	if (!strstr(d.v[0].message, what))
		fail_msg("message '%s' does not say '%s'", d.v[0].message, what);
	dfx_diags_release(&d);
	unlink(path);
	free(path);
}

static int status_of(const char *s)
{
	struct dfx_imageref ref;
	struct dfx_eol_result r;
	int st;

	assert_int_equal(dfx_image_parse(&ref, s, NULL), 0);
	st = dfx_image_eol(&ref, 0, &r);
	dfx_image_release(&ref);
	return st;
}

static void test_errors(void **state)
{
	(void)state;
	load_fails("", 1, 1, "no header row");
	load_fails("image\tcycle\n" ROW26, 1, 1, "no column 'tag_patterns'");
	load_fails("image\tcycle\ttag_patterns\teol_date\trecommended_replacement_tag\tvariant\tproduct\t"
		   "extended_support_end\tminimal_upgrade_tag\tcarry_tokens\tsource\n",
		   1, 1, "supported_on_");
	load_fails(HEADER, 1, 1, "no rows");
	/* row 3: field 4 (eol_date) starts in column 17 */
	load_fails(HEADER ROW26 "node\t25\t25|25.*\t2026-13-01\tno\t27\tdefault\tnodejs\t\t\t\tx\t\n", 3, 17, "bad date");
	load_fails(HEADER "node\t25\t25\t2026-06-01\tmaybe\t27\tdefault\tnodejs\t\t\t\tx\t\n", 2, 23, "yes or no");
	load_fails(HEADER "node\t25\t25\t2026-06-01\tno\t27\tweird\tnodejs\t\t\t\tx\t\n", 2, 29, "unknown variant");
	load_fails(HEADER "node\t25\t25\t2026-06-01\tno\t27\tdefault\n", 2, 36, "expected 13 tab-separated fields");
	load_fails(HEADER "node\t25\t25\t2026-06-01\tyes\t27\tdefault\tnodejs\t\t\t\tx\t\n", 2, 23, "supported is yes");
	load_fails(HEADER "node\t25\t25\t2026-06-01\tno\t27\tdefault\tnodejs\t\t\tat-end:x\tx\t\n", 2, 46, "carry_tokens");
	load_fails(HEADER "\t25\t25\t2026-06-01\tno\t27\tdefault\tnodejs\t\t\t\tx\t\n", 2, 1, "empty image");
	{
		struct dfx_diags d = {0};

		assert_int_equal(dfx_image_eol_load("/nonexistent/eol.tsv", &d), -1);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.v[0].line, 1);
		dfx_diags_release(&d);
	}
	/* after the errors, the built-in table is still the one in use */
	assert_false(dfx_image_eol_loaded());
	assert_string_equal(dfx_image_eol_data_date(), "2026-08-22");
	assert_int_equal(status_of("node:14"), DFX_EOL_EXPIRED);
	assert_int_equal(status_of("node:27"), DFX_EOL_UNKNOWN);
}

static void test_load(void **state)
{
	char *path = write_tmp(HEADER ROW27 ROW26 "\r\n" ROW14);
	struct dfx_diags d = {0};
	struct dfx_imageref ref;
	struct dfx_eol_result r;

	(void)state;
	assert_int_equal(dfx_image_eol_load(path, &d), 0);
	assert_int_equal(d.n, 0);
	assert_true(dfx_image_eol_loaded());
	assert_string_equal(dfx_image_eol_data_date(), "2027-06-01");
	assert_int_equal(dfx_image_eol_judged_on(), 20270601);
	assert_int_equal(status_of("node:27"), DFX_EOL_SUPPORTED);
	assert_int_equal(status_of("node:14"), DFX_EOL_EXPIRED);
	assert_int_equal(status_of("python:3.8"), DFX_EOL_UNKNOWN); /* not in the loaded table */
	assert_int_equal(dfx_image_parse(&ref, "node:28", NULL), 0);
	assert_true(dfx_image_eol_newer(&ref, &r));
	assert_string_equal(r.cycle, "27");
	dfx_image_release(&ref);
	assert_string_equal(dfx_image_recommended_tag("node", NULL), "27");
	/* the warning speaks of the loaded table and its date */
	assert_false(dfx_image_eol_stale(20271201));
	dfx_image_eol_warn_stale(20271202, &d);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.v[0].message, "loaded"));
	assert_non_null(strstr(d.v[0].message, "2027-06-01"));
	dfx_diags_release(&d);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
