/*
 * test_credfix.c - cmocka tests of the shared machinery of the compose
 * credential rules (src/rules/credfix.c, include/credfix.h): the
 * .gitignore chain of gitignore(5) (nested files, anchoring, `!`
 * re-includes, .git as the top, .git/info/exclude), .gitignore patterns
 * for a path, the appends a fix makes, dotenv reading and writing,
 * placeholder and user-name heuristics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dockfix/workspace.h"
#include "src/rules/compose/credfix.h"

static char *tmpdir;
static char *oldcwd;

static void put(const char *path, const char *text)
{
	char *dir = dfx_path_dir(path);
	char *cmd = dfx_xasprintf("mkdir -p '%s'", dir);
	FILE *f;

	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(cmd);
	free(dir);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/dfx-credfix-XXXXXX";

	(void)state;
	oldcwd = getcwd(NULL, 0);
	tmpdir = dfx_xstrdup(mkdtemp(tmpl));
	return chdir(tmpdir);
}

static int teardown(void **state)
{
	char *cmd = dfx_xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	if (chdir(oldcwd) != 0)
		return -1;
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	free(tmpdir);
	free(oldcwd);
	return 0;
}

static enum dfx_cred_git status(const char *path, bool dir, char **nearest)
{
	struct dfx_workspace ws;
	enum dfx_cred_git st;

	dfx_ws_init(&ws, NULL);
	st = dfx_cred_git_status(&ws, path, dir, nearest);
	dfx_ws_release(&ws);
	return st;
}

static void test_chain(void **state)
{
	char *nearest = NULL;

	(void)state;
	put("repo/.git/HEAD", "ref: refs/heads/main\n");
	put("repo/.gitignore", "secrets/\n/root-only.txt\n*.local\n");
	put("repo/app/.gitignore", "config/.env\n!keep.local\n");
	put("repo/.git/info/exclude", "excluded-by-info\n");
	put(".gitignore", "repo/\n"); /* above .git: never consulted */

	/* a bare dir pattern matches at any depth */
	assert_int_equal(status("repo/deploy/secrets/db.txt", false, NULL), DFX_GIT_IGNORED);
	/* an anchored pattern only at the root of its file */
	assert_int_equal(status("repo/root-only.txt", false, NULL), DFX_GIT_IGNORED);
	assert_int_equal(status("repo/app/root-only.txt", false, NULL), DFX_GIT_NOT_IGNORED);
	/* a nested .gitignore, patterns relative to its directory */
	assert_int_equal(status("repo/app/config/.env", false, &nearest), DFX_GIT_IGNORED);
	assert_string_equal(nearest, "repo/app/.gitignore");
	free(nearest);
	assert_int_equal(status("repo/config/.env", false, &nearest), DFX_GIT_NOT_IGNORED);
	assert_string_equal(nearest, "repo/.gitignore");
	free(nearest);
	/* the deeper file re-includes what the parent excludes */
	assert_int_equal(status("repo/app/keep.local", false, NULL), DFX_GIT_REINCLUDED);
	assert_int_equal(status("repo/app/other.local", false, NULL), DFX_GIT_IGNORED);
	/* .git/info/exclude counts */
	assert_int_equal(status("repo/x/excluded-by-info", false, NULL), DFX_GIT_IGNORED);
	/* no .gitignore at all */
	assert_int_equal(status("elsewhere/.env", false, &nearest), DFX_GIT_NOT_IGNORED);
	assert_string_equal(nearest, ".gitignore"); /* the scan root's own */
	free(nearest);
}

static void test_patterns(void **state)
{
	char *p;

	(void)state;
	p = dfx_cred_git_pattern(".env", false);
	assert_string_equal(p, ".env");
	free(p);
	p = dfx_cred_git_pattern("secrets", true);
	assert_string_equal(p, "secrets/");
	free(p);
	p = dfx_cred_git_pattern("api_key.txt", false);
	assert_string_equal(p, "/api_key.txt");
	free(p);
	p = dfx_cred_git_pattern("config/app.env", false);
	assert_string_equal(p, "config/app.env");
	free(p);
	p = dfx_cred_git_pattern("a[1]*.txt", false);
	assert_string_equal(p, "/a\\[1]\\*.txt");
	free(p);
}

static void test_gitignore_fix(void **state)
{
	struct dfx_workspace ws;
	struct dfx_cred_ignores ig = {0};
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_SAFE, "t");
	struct dfx_buf desc = DFX_BUF_INIT;

	(void)state;
	put("w/.gitignore", "dist/"); /* no final newline */
	put("w/.git/HEAD", "x\n");
	dfx_ws_init(&ws, NULL);
	dfx_cred_ignores_add(&ig, "w/secrets", true);
	dfx_cred_ignores_add(&ig, "w/.env", false);
	dfx_cred_ignores_add(&ig, "w/.env", false); /* once */
	assert_int_equal(dfx_cred_gitignore_fix(&ws, fix, &ig, "w", &desc), 2);
	assert_int_equal(fix->nedits, 1);
	assert_string_equal(fix->edits[0].path, "w/.gitignore");
	assert_int_equal(fix->edits[0].start, 5);
	assert_string_equal(fix->edits[0].text, "\nsecrets/\n.env\n");
	assert_string_equal(desc.ptr, "secrets/, .env");
	dfx_buf_release(&desc);
	dfx_fix_free(fix);
	dfx_cred_ignores_release(&ig);

	/* nothing applies: a new .gitignore in the given directory */
	fix = dfx_fix_new(DFX_FIX_SAFE, "t");
	put("v/.git/HEAD", "x\n");
	dfx_cred_ignores_add(&ig, "v/sub/.env.production", false);
	assert_int_equal(dfx_cred_gitignore_fix(&ws, fix, &ig, "v/sub", NULL), 1);
	assert_string_equal(fix->edits[0].path, "v/sub/.gitignore");
	assert_string_equal(fix->edits[0].text, ".env.production\n");
	dfx_fix_free(fix);
	dfx_cred_ignores_release(&ig);
	dfx_ws_release(&ws);
}

static void test_dotenv(void **state)
{
	static const char text[] = "# comment\nexport A=1\nB = 'two words'\nC=\"x\\ny\"\nD=plain # note\nE=\nA=again\n";
	char *v;

	(void)state;
	v = dfx_cred_dotenv_get(text, sizeof(text) - 1, "A");
	assert_string_equal(v, "again"); /* the last one wins */
	free(v);
	v = dfx_cred_dotenv_get(text, sizeof(text) - 1, "B");
	assert_string_equal(v, "two words");
	free(v);
	v = dfx_cred_dotenv_get(text, sizeof(text) - 1, "C");
	assert_string_equal(v, "x\ny");
	free(v);
	v = dfx_cred_dotenv_get(text, sizeof(text) - 1, "D");
	assert_string_equal(v, "plain");
	free(v);
	v = dfx_cred_dotenv_get(text, sizeof(text) - 1, "E");
	assert_string_equal(v, "");
	free(v);
	assert_null(dfx_cred_dotenv_get(text, sizeof(text) - 1, "F"));

	v = dfx_cred_dotenv_line("X", "abc-123_./+:@");
	assert_string_equal(v, "X=abc-123_./+:@");
	free(v);
	v = dfx_cred_dotenv_line("X", "p$ss word#1");
	assert_string_equal(v, "X='p$ss word#1'");
	free(v);
	v = dfx_cred_dotenv_line("X", "it's");
	assert_string_equal(v, "X=\"it's\"");
	free(v);
	assert_null(dfx_cred_dotenv_line("X", "it's $x"));
	assert_null(dfx_cred_dotenv_line("X", "two\nlines"));

	assert_true(dfx_cred_dotenv_has_secret("DB_PASSWORD=Xk9mP2vL8q\n", 22));
	assert_false(dfx_cred_dotenv_has_secret("DB_PASSWORD=\nDEBUG=true\n", 24));
	assert_false(dfx_cred_dotenv_has_secret("DB_PASSWORD=${DB_PASSWORD}\n", 27));
	assert_false(dfx_cred_dotenv_has_secret("APP_ENV=prod\nLOG_LEVEL=info\n", 28));
}

static void test_heuristics(void **state)
{
	(void)state;
	assert_true(dfx_cred_placeholder("your-api-key-here"));
	assert_true(dfx_cred_placeholder("<token>"));
	assert_true(dfx_cred_placeholder("CHANGE_ME"));
	assert_false(dfx_cred_placeholder("Xk9mP2vL8qR4nTz5wQ"));
	assert_true(dfx_cred_userish("MINIO_ACCESS_KEY"));
	assert_true(dfx_cred_userish("AWS_ACCESS_KEY_ID"));
	assert_true(dfx_cred_userish("POSTGRES_USER"));
	assert_false(dfx_cred_userish("AWS_SECRET_ACCESS_KEY"));
	assert_false(dfx_cred_userish("DB_PASSWORD"));
	assert_true(dfx_cred_password_name("RABBITMQ_DEFAULT_PASS"));
	assert_true(dfx_cred_password_name("PGPASSWORD"));
	assert_false(dfx_cred_password_name("API_TOKEN"));
	assert_true(dfx_cred_weak_listed("Postgres"));
	assert_false(dfx_cred_weak_listed("Xk9mP2vL8qR4nTz5wQ"));
	{
		char *v = dfx_cred_ref_var("${DB_PASSWORD:-x}");

		assert_string_equal(v, "DB_PASSWORD");
		free(v);
		v = dfx_cred_ref_var("$HOME");
		assert_string_equal(v, "HOME");
		free(v);
		assert_null(dfx_cred_ref_var("plain"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_gitignore_fix),
		cmocka_unit_test(test_dotenv),
		cmocka_unit_test(test_heuristics),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
