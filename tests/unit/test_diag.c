/*
 * test_diag.c - cmocka tests of the diagnostics list (src/base/diag.c) and
 * of the library code that fills it instead of printing: a bad
 * `.dockfix.yaml` (src/engine/config.c) is one error with its position,
 * an unknown code in a `# dockfix ignore=` comment (src/engine/driver.c)
 * one warning; the one-line form of each severity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dockfix/config.h"
#include "dockfix/diag.h"
#include "dockfix/driver.h"
#include "dockfix/workspace.h"

static char *formatted(const struct dfx_diags *d)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; i < d->n; i++)
		dfx_diag_format(&b, &d->v[i]);
	dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
}

static void test_format(void **state)
{
	struct dfx_diags d = {0};
	char *s;

	(void)state;
	dfx_diag_add(&d, DFX_DIAG_ERROR, "a/.dockfix.yaml", 3, 7, "unknown key '%s'", "colour");
	dfx_diag_add(&d, DFX_DIAG_WARNING, NULL, 0, 0, "--select: no rule matches '%s'", "ZZ");
	dfx_diag_add(&d, DFX_DIAG_NOTE, "compose.yaml", 2, 5, "DC201 fix dropped: %s", "why");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.v[0].severity, DFX_DIAG_ERROR);
	assert_string_equal(d.v[0].message, "unknown key 'colour'");
	assert_null(d.v[1].path);
	s = formatted(&d);
	assert_string_equal(s, "a/.dockfix.yaml:3:7: error: unknown key 'colour'\n"
			       "warning: --select: no rule matches 'ZZ'\n"
			       "compose.yaml:2:5: DC201 fix dropped: why\n");
	free(s);
	dfx_diag_clear(&d);
	assert_int_equal(d.n, 0);
	dfx_diag_add(&d, DFX_DIAG_NOTE, NULL, 0, 0, "%s", "");
	s = formatted(&d);
	assert_string_equal(s, "\n");
	free(s);
	dfx_diags_release(&d);
	assert_null(d.v);
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_config_error(void **state)
{
	char dir[] = "/tmp/dfx-diag-XXXXXX", *path;
	struct dfx_config c;
	struct dfx_diags d = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = dfx_xasprintf("%s/.dockfix.yaml", dir);
	write_file(path, "ignore: [DF201]\nfail-on: sometimes\n");
	dfx_config_init(&c);
	assert_int_equal(dfx_config_load(&c, path, dir, &d), -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].severity, DFX_DIAG_ERROR);
	assert_string_equal(d.v[0].path, path);
	assert_int_equal(d.v[0].line, 2);
	dfx_config_release(&c);
	dfx_diags_release(&d);

	/* a missing explicit file is an error at 1:1 */
	dfx_config_init(&c);
	assert_int_equal(dfx_config_load(&c, "/nonexistent/dockfix.yaml", ".", &d), -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 1);
	assert_int_equal(d.v[0].col, 1);
	dfx_config_release(&c);
	dfx_diags_release(&d);

	/* a good file adds nothing */
	write_file(path, "ignore: [DF201]\n");
	dfx_config_init(&c);
	assert_int_equal(dfx_config_load(&c, path, dir, &d), 0);
	assert_int_equal(d.n, 0);
	dfx_config_release(&c);
	unlink(path);
	rmdir(dir);
	free(path);
}

static void test_pragma_warning(void **state)
{
	char dir[] = "/tmp/dfx-diag-XXXXXX", *path;
	struct dfx_config c;
	struct dfx_workspace ws;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = dfx_xasprintf("%s/Dockerfile", dir);
	write_file(path, "FROM alpine:3.20\n# dockfix ignore=DF201,QQ123\nUSER 1000\n");
	dfx_config_init(&c);
	dfx_ws_init(&ws, &c);
	dfx_ws_add_target(&ws, path, DFX_KIND_DOCKERFILE);
	assert_int_equal(dfx_check_pragmas(&ws), 1);
	assert_int_equal(ws.diags.n, 1);
	assert_int_equal(ws.diags.v[0].severity, DFX_DIAG_WARNING);
	assert_int_equal(ws.diags.v[0].line, 2);
	assert_non_null(strstr(ws.diags.v[0].message, "'QQ123'"));
	assert_null(strstr(ws.diags.v[0].message, "DF201"));
	dfx_ws_release(&ws);
	dfx_config_release(&c);
	unlink(path);
	rmdir(dir);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_config_error),
		cmocka_unit_test(test_pragma_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
