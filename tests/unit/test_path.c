/*
 * test_path.c - cmocka tests of the lexical path arithmetic
 * (src/base/path.c) and of the core vocabulary of src/base/finding.c:
 * severities, applicabilities, fixes and their edits, sorting of findings,
 * redaction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dockfix/core.h"
#include "dockfix/path.h"

static void expect_clean(const char *in, const char *want)
{
	char *got = dfx_path_clean(in);

	assert_string_equal(got, want);
	free(got);
}

static void test_clean(void **state)
{
	(void)state;
	expect_clean("./a//b/", "a/b");
	expect_clean("a/./b/../c", "a/c");
	expect_clean("a/..", ".");
	expect_clean("", ".");
	expect_clean("../x", "../x");
	expect_clean("../../x/..", "../..");
	expect_clean("/../etc", "/etc");
	expect_clean("//a///b", "/a/b");
	expect_clean("/", "/");
}

static void test_join_and_dir(void **state)
{
	char *s;

	(void)state;
	s = dfx_path_join("compose", "../Dockerfile");
	assert_string_equal(s, "Dockerfile");
	free(s);
	s = dfx_path_join(".", "a/b");
	assert_string_equal(s, "a/b");
	free(s);
	s = dfx_path_join("x", "/etc/passwd");
	assert_string_equal(s, "/etc/passwd");
	free(s);
	s = dfx_path_dir("a/b/c.yaml");
	assert_string_equal(s, "a/b");
	free(s);
	s = dfx_path_dir("c.yaml");
	assert_string_equal(s, ".");
	free(s);
	s = dfx_path_dir("/c.yaml");
	assert_string_equal(s, "/");
	free(s);
}

static void test_severity_names(void **state)
{
	enum dfx_severity s;

	(void)state;
	for (int i = DFX_SEV_LOW; i <= DFX_SEV_CRITICAL; i++) {
		assert_int_equal(dfx_severity_parse(dfx_severity_name((enum dfx_severity)i), &s), 0);
		assert_int_equal((int)s, i);
	}
	assert_int_equal(dfx_severity_parse("severe", &s), -1);
	assert_string_equal(dfx_applicability_name(DFX_FIX_SAFE), "safe");
	assert_string_equal(dfx_applicability_name(DFX_FIX_UNSAFE), "unsafe");
}

static void test_fix_edits(void **state)
{
	struct dfx_fix *f = dfx_fix_new(DFX_FIX_SAFE, "bind %s to %s", "db", "127.0.0.1");

	(void)state;
	assert_string_equal(f->description, "bind db to 127.0.0.1");
	dfx_fix_edit(f, "compose.yaml", 10, 14, "127.0.0.1:5432");
	dfx_fix_create(f, "secrets/db.txt", "pw\n", DFX_EDIT_SECRET, 0);
	dfx_fix_path(f, "/services/db/ports/0");
	assert_int_equal(f->nedits, 2);
	assert_int_equal(f->edits[0].start, 10);
	assert_int_equal(f->edits[0].end, 14);
	assert_int_equal(f->edits[1].start, 0);
	assert_int_equal(f->edits[1].end, 0);
	assert_true(f->edits[1].flags & DFX_EDIT_SECRET);
	assert_int_equal(f->npaths, 1);
	assert_string_equal(f->paths[0], "/services/db/ports/0");
	dfx_fix_free(f);
}

static void test_redact(void **state)
{
	char *r;

	(void)state;
	r = dfx_redact("sk_live_0123456789abcdef", 24);
	assert_non_null(strstr(r, "24 chars"));
	assert_null(strstr(r, "0123"));
	free(r);
	r = dfx_redact("ab", 2);
	assert_null(strstr(r, "ab"));
	free(r);
}

/* Entries of one path come out as one run, in the order they were added. */
static void test_path_index(void **state)
{
	struct dfx_path_index *ix = dfx_xcalloc(1, sizeof(*ix));
	static const char *const paths[] = {"b/x.env", "a/x.env", "b/x.env", "c", "a/x.env", "b/x.env"};
	int tags[6];
	size_t lo, end;

	(void)state;
	for (int i = 0; i < 6; i++) {
		tags[i] = i;
		dfx_path_index_add(ix, dfx_xstrdup(paths[i]), &tags[i], NULL, (uint32_t)i, i % 2);
	}
	dfx_path_index_sort(ix);
	lo = dfx_path_index_find(ix, "b/x.env", &end);
	assert_int_equal(end - lo, 3);
	assert_int_equal(ix->v[lo].off, 0);
	assert_int_equal(ix->v[lo + 1].off, 2);
	assert_int_equal(ix->v[lo + 2].off, 5);
	assert_ptr_equal(ix->v[lo + 2].by, &tags[5]);
	lo = dfx_path_index_find(ix, "a/x.env", &end);
	assert_int_equal(end - lo, 2);
	assert_true(ix->v[lo].flag);
	lo = dfx_path_index_find(ix, "b", &end);
	assert_int_equal(end, lo);
	lo = dfx_path_index_find(ix, "zz", &end);
	assert_int_equal(lo, ix->n);
	assert_int_equal(end, ix->n);
	dfx_path_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_join_and_dir),
		cmocka_unit_test(test_severity_names),
		cmocka_unit_test(test_fix_edits),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_path_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
