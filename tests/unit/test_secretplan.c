/*
 * test_secretplan.c - cmocka tests of the plan that moves credentials out
 * of compose files (src/rules/compose/secretplan.c) and of fix groups in
 * the fix engine (src/engine/fix.c), through the rules that use them
 * (DC101): a `_FILE` secret for an image that reads one, the .env route
 * otherwise, the files created and git-ignored, and several findings of
 * one file fixed as one group in one pass.
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

#include "dockfix/driver.h"
#include "dockfix/fix.h"
#include "dockfix/workspace.h"

static char *tmpdir;
static char *oldcwd;

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/dfx-secretplan-XXXXXX";

	(void)state;
	oldcwd = getcwd(NULL, 0);
	tmpdir = dfx_xstrdup(mkdtemp(tmpl));
	return chdir(tmpdir);
}

static int teardown(void **state)
{
	char *cmd = dfx_xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	if (chdir(oldcwd) != 0 || system(cmd) != 0)
		return -1;
	free(cmd);
	free(tmpdir);
	free(oldcwd);
	return 0;
}

struct run {
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_wsfile *file;
	struct dfx_findings fs;
};

static void start(struct run *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	put("compose.yaml", text);
	dfx_config_init(&r->cfg);
	r->cfg.as_of = 20261128;
	dfx_ws_init(&r->ws, &r->cfg);
	r->file = dfx_ws_add_target(&r->ws, "compose.yaml", DFX_KIND_COMPOSE);
	dfx_check_all(&r->ws, &r->fs);
}

static void stop(struct run *r)
{
	dfx_findings_release(&r->fs);
	dfx_ws_release(&r->ws);
	dfx_config_release(&r->cfg);
}

static size_t of_rule(const struct run *r, const char *code, const struct dfx_finding **v, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->fs.n; i++)
		if (!strcmp(r->fs.v[i].rule->code, code) && n < max)
			v[n++] = &r->fs.v[i];
	return n;
}

static const struct dfx_edit *edit_of(const struct dfx_fix *fx, const char *path)
{
	for (size_t i = 0; i < fx->nedits; i++)
		if (!strcmp(fx->edits[i].path, path))
			return &fx->edits[i];
	return NULL;
}

/* postgres reads POSTGRES_PASSWORD_FILE: a Docker secret with the same value */
static void test_file_secret(void **state)
{
	struct run r;
	const struct dfx_finding *f[4];
	const struct dfx_edit *e;

	(void)state;
	start(&r, "services:\n  db:\n    image: postgres:17\n    environment:\n"
		  "      POSTGRES_PASSWORD: Xk9mP2vL8qR4nTz5wQ\n");
	assert_int_equal(of_rule(&r, "DC101", f, 4), 1);
	assert_non_null(f[0]->fix);
	assert_int_equal(f[0]->fix->applicability, DFX_FIX_SAFE);
	assert_int_equal(f[0]->fix->group, 0); /* alone */
	e = edit_of(f[0]->fix, "secrets/db_postgres_password.txt");
	assert_non_null(e);
	assert_string_equal(e->text, "Xk9mP2vL8qR4nTz5wQ"); /* moved, not changed */
	assert_true(e->flags & DFX_EDIT_SECRET);
	assert_int_equal(e->mode, 0600);
	assert_non_null(edit_of(f[0]->fix, ".gitignore"));
	assert_non_null(strstr(f[0]->fix->description, "POSTGRES_PASSWORD_FILE: /run/secrets/db_postgres_password"));
	stop(&r);
}

/* an image without a _FILE convention: the .env route */
static void test_dotenv_route(void **state)
{
	struct run r;
	const struct dfx_finding *f[4];
	const struct dfx_edit *e;

	(void)state;
	start(&r, "services:\n  app:\n    image: example/app:1\n    environment:\n"
		  "      APP_DB_PASSWORD: Xk9mP2vL8qR4nTz5wQ\n");
	assert_int_equal(of_rule(&r, "DC101", f, 4), 1);
	e = edit_of(f[0]->fix, ".env");
	assert_non_null(e);
	assert_string_equal(e->text, "APP_DB_PASSWORD=Xk9mP2vL8qR4nTz5wQ\n");
	e = edit_of(f[0]->fix, "compose.yaml");
	assert_non_null(e);
	assert_non_null(strstr(e->text, "${APP_DB_PASSWORD:?set APP_DB_PASSWORD in .env}"));
	stop(&r);
}

/* two findings of one file: one group, the first carries the edits, both fixed in one pass */
static void test_group(void **state)
{
	struct run r;
	const struct dfx_finding *f[4];
	struct dfx_fix_stats st = {0};
	struct dfx_wsfile *c;

	(void)state;
	start(&r, "services:\n  app:\n    image: example/app:1\n    environment:\n"
		  "      APP_DB_PASSWORD: Xk9mP2vL8qR4nTz5wQ\n      APP_API_TOKEN: Zr8nVq2Lm5Kx7Tp3Wd9Yb4\n");
	assert_int_equal(of_rule(&r, "DC101", f, 4), 2);
	assert_non_null(f[0]->fix);
	assert_non_null(f[1]->fix);
	assert_int_not_equal(f[0]->fix->group, 0);
	assert_int_equal(f[0]->fix->group, f[1]->fix->group);
	assert_non_null(strstr(f[0]->fix->description, "the 2 findings of DC101 in this file at once"));
	assert_int_equal(f[1]->fix->nedits, 0); /* its edits are the first one's */
	assert_non_null(edit_of(f[0]->fix, ".env"));
	assert_string_equal(edit_of(f[0]->fix, ".env")->text,
			    "APP_DB_PASSWORD=Xk9mP2vL8qR4nTz5wQ\nAPP_API_TOKEN=Zr8nVq2Lm5Kx7Tp3Wd9Yb4\n");
	dfx_findings_release(&r.fs);
	memset(&r.fs, 0, sizeof(r.fs));

	dfx_fix_run(&r.ws, DFX_FIX_SAFE, &st);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.passes, 1); /* one pass applies the group, the next finds nothing */
	c = dfx_ws_file(&r.ws, "compose.yaml");
	assert_non_null(strstr(c->cur.data, "APP_DB_PASSWORD: ${APP_DB_PASSWORD:?"));
	assert_non_null(strstr(c->cur.data, "APP_API_TOKEN: ${APP_API_TOKEN:?"));
	dfx_fix_stats_release(&st);
	stop(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_secret),
		cmocka_unit_test(test_dotenv_route),
		cmocka_unit_test(test_group),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
