/*
 * test_ignore.c - cmocka tests of the one .gitignore matcher and the one
 * .dockerignore matcher (src/model/ignore.c): gitignore(5) patterns
 * (anchoring, trailing slash, `**`, `!` re-includes, escapes), the
 * .gitignore chain (nested files, .git as the top, .git/info/exclude),
 * the patterns and appends a fix makes; moby/patternmatcher for
 * .dockerignore.
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
#include "dockfix/ignore.h"

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
	char tmpl[] = "/tmp/dfx-ignore-XXXXXX";

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

static const struct dfx_source *ws_read(void *ws, const char *path)
{
	return dfx_ws_read(ws, path);
}

static enum dfx_ignore_git status(const char *path, bool dir, char **nearest)
{
	struct dfx_workspace ws;
	struct dfx_ignore_files files = {ws_read, &ws};
	enum dfx_ignore_git st;

	dfx_ws_init(&ws, NULL);
	st = dfx_ignore_git_status(&files, path, dir, nearest);
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

/* The pattern a fix appends for one path, read back through the matcher. */
static char *pattern_for(const char *dir, const char *path, bool is_dir)
{
	struct dfx_workspace ws;
	struct dfx_ignore_files files = {ws_read, &ws};
	struct dfx_ignore_paths ig = {0};
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_SAFE, "t");
	struct dfx_buf desc = DFX_BUF_INIT;
	char *gi = dfx_xasprintf("%s/.git/HEAD", dir);

	put(gi, "x\n");
	dfx_ws_init(&ws, NULL);
	dfx_ignore_paths_add(&ig, path, is_dir);
	assert_int_equal(dfx_ignore_git_fix(&files, fix, &ig, dir, &desc), 1);
	assert_int_equal(fix->nedits, 1);
	{
		struct dfx_ignore m;
		const char *text = fix->edits[0].text;
		const char *rel = path + strlen(dir) + 1;

		dfx_ignore_parse(&m, DFX_IGNORE_GIT, text, strlen(text));
		assert_true(dfx_ignore_match(&m, rel, is_dir)); /* the pattern ignores what it was made for */
		dfx_ignore_release(&m);
	}
	dfx_fix_free(fix);
	dfx_ignore_paths_release(&ig);
	dfx_ws_release(&ws);
	free(gi);
	return dfx_buf_detach(&desc);
}

static void test_patterns(void **state)
{
	static const struct {
		const char *path, *want;
		bool dir;
	} cases[] = {
		{"p1/.env", ".env", false},                 /* a bare .env matches in every directory */
		{"p2/secrets", "secrets/", true},
		{"p3/api_key.txt", "/api_key.txt", false},   /* a file only where it is */
		{"p4/config/app.env", "config/app.env", false},
		{"p5/a[1]*.txt", "/a\\[1]\\*.txt", false}, /* glob characters escaped */
		{"p6/#notes", "/\\#notes", false},          /* not a comment */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir = dfx_xstrndup(cases[i].path, strcspn(cases[i].path, "/")), *p;

		p = pattern_for(dir, cases[i].path, cases[i].dir);
		assert_string_equal(p, cases[i].want);
		free(p);
		free(dir);
	}
}

static bool gmatch(const char *text, const char *path, bool dir)
{
	struct dfx_ignore ig;
	bool hit;

	dfx_ignore_parse(&ig, DFX_IGNORE_GIT, text, strlen(text));
	hit = dfx_ignore_match(&ig, path, dir);
	dfx_ignore_release(&ig);
	return hit;
}

static bool dmatch(const char *text, const char *path, bool dir)
{
	struct dfx_ignore ig;
	bool hit;

	dfx_ignore_parse(&ig, DFX_IGNORE_DOCKER, text, strlen(text));
	hit = dfx_ignore_match(&ig, path, dir);
	dfx_ignore_release(&ig);
	return hit;
}

static void test_git_match(void **state)
{
	(void)state;
	/* no inner slash: any depth; a trailing slash: directories (and what is below) only */
	assert_true(gmatch(".env\n", "a/b/.env", false));
	assert_true(gmatch("secrets/\n", "x/secrets/db.txt", false));
	assert_false(gmatch("secrets/\n", "x/secrets", false));
	assert_true(gmatch("secrets/\n", "x/secrets", true));
	/* an inner or leading slash anchors */
	assert_true(gmatch("/root.txt\n", "root.txt", false));
	assert_false(gmatch("/root.txt\n", "a/root.txt", false));
	assert_false(gmatch("a/b\n", "x/a/b", false));
	assert_true(gmatch("a/**/b\n", "a/x/y/b", false));
	/* the last matching pattern wins; `!` re-includes */
	assert_false(gmatch("*.local\n!keep.local\n", "keep.local", false));
	assert_true(gmatch("!keep.local\n*.local\n", "keep.local", false));
	/* escapes, comments, CRLF, trailing blanks */
	assert_true(gmatch("\\#x\n", "#x", false));
	assert_false(gmatch("#x\n", "#x", false));
	assert_true(gmatch(".env\r\n", ".env", false));
	assert_true(gmatch(".env   \n", ".env", false));
	/* what a folder's contents pattern ignores */
	assert_true(gmatch("/secrets/*\n", "secrets/db.txt", false));
	assert_false(gmatch("/secrets/*\n", "secrets", true));
}

static void test_docker_match(void **state)
{
	(void)state;
	/* .dockerignore: paths from the context root, no any-depth rule for bare names */
	assert_true(dmatch(".env\n", ".env", false));
	assert_false(dmatch(".env\n", "a/.env", false));
	assert_true(dmatch("**/.env\n", "a/b/.env", false));
	assert_true(dmatch("secrets\n", "secrets/db.txt", false));
	assert_false(dmatch("secrets\n!secrets/pub.txt\n", "secrets/pub.txt", false));
	assert_true(dmatch("  *.pem  \n", "key.pem", false));
}

static void test_git_top(void **state)
{
	char *top;

	(void)state;
	put("t/.git/HEAD", "x\n");
	put("t/a/b/compose.yaml", "x\n");
	top = dfx_ignore_git_top("t/a/b/compose.yaml");
	assert_string_equal(top, "t");
	free(top);
	top = dfx_ignore_git_top("nogit/compose.yaml");
	assert_string_equal(top, ".");
	free(top);
	assert_string_equal(dfx_ignore_rel("t/a/b", "t"), "a/b");
	assert_string_equal(dfx_ignore_rel("u/a", "t"), "u/a");
}

static void test_gitignore_fix(void **state)
{
	struct dfx_workspace ws;
	struct dfx_ignore_files files = {ws_read, &ws};
	struct dfx_ignore_paths ig = {0};
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_SAFE, "t");
	struct dfx_buf desc = DFX_BUF_INIT;

	(void)state;
	put("w/.gitignore", "dist/"); /* no final newline */
	put("w/.git/HEAD", "x\n");
	dfx_ws_init(&ws, NULL);
	dfx_ignore_paths_add(&ig, "w/secrets", true);
	dfx_ignore_paths_add(&ig, "w/.env", false);
	dfx_ignore_paths_add(&ig, "w/.env", false); /* once */
	assert_int_equal(dfx_ignore_git_fix(&files, fix, &ig, "w", &desc), 2);
	assert_int_equal(fix->nedits, 1);
	assert_string_equal(fix->edits[0].path, "w/.gitignore");
	assert_int_equal(fix->edits[0].start, 5);
	assert_string_equal(fix->edits[0].text, "\nsecrets/\n.env\n");
	assert_string_equal(desc.ptr, "secrets/, .env");
	dfx_buf_release(&desc);
	dfx_fix_free(fix);
	dfx_ignore_paths_release(&ig);

	/* nothing applies: a new .gitignore in the given directory */
	fix = dfx_fix_new(DFX_FIX_SAFE, "t");
	put("v/.git/HEAD", "x\n");
	dfx_ignore_paths_add(&ig, "v/sub/.env.production", false);
	assert_int_equal(dfx_ignore_git_fix(&files, fix, &ig, "v/sub", NULL), 1);
	assert_string_equal(fix->edits[0].path, "v/sub/.gitignore");
	assert_string_equal(fix->edits[0].text, ".env.production\n");
	dfx_fix_free(fix);
	dfx_ignore_paths_release(&ig);
	dfx_ws_release(&ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_git_match),
		cmocka_unit_test(test_docker_match),
		cmocka_unit_test(test_git_top),
		cmocka_unit_test(test_gitignore_fix),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
