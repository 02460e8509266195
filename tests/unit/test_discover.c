/*
 * test_discover.c - cmocka tests of discovery (src/engine/discover.c): the
 * kind a file name implies, the walk of a folder (skipped folders, never
 * following a symbolic link to a folder), and the link of a compose
 * `build:` to its Dockerfile and build context.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/discover.h"
#include "dockfix/workspace.h"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_kind(void **state)
{
	(void)state;
	assert_int_equal(dfx_discover_kind("Dockerfile"), DFX_KIND_DOCKERFILE);
	assert_int_equal(dfx_discover_kind("Dockerfile.prod"), DFX_KIND_DOCKERFILE);
	assert_int_equal(dfx_discover_kind("api.dockerfile"), DFX_KIND_DOCKERFILE);
	assert_int_equal(dfx_discover_kind("Containerfile"), DFX_KIND_DOCKERFILE);
	assert_int_equal(dfx_discover_kind("compose.yaml"), DFX_KIND_COMPOSE);
	assert_int_equal(dfx_discover_kind("docker-compose.override.yml"), DFX_KIND_COMPOSE);
	assert_int_equal(dfx_discover_kind(".env"), DFX_KIND_ENVFILE);
	assert_int_equal(dfx_discover_kind("README.md"), DFX_KIND_UNKNOWN);
	assert_int_equal(dfx_discover_kind("values.yaml"), DFX_KIND_UNKNOWN);
}

static const struct dfx_wsfile *target(const struct dfx_workspace *ws, const char *suffix)
{
	size_t n = strlen(suffix);

	for (size_t i = 0; i < ws->n; i++) {
		const char *p = ws->files[i]->path;
		size_t l = strlen(p);

		if (ws->files[i]->target && l >= n && strcmp(p + l - n, suffix) == 0)
			return ws->files[i];
	}
	return NULL;
}

static void test_walk_and_link(void **state)
{
	char dir[] = "/tmp/dfx-discover-XXXXXX";
	char path[256], cwd[4096];
	struct dfx_config cfg;
	struct dfx_workspace ws;
	const struct dfx_wsfile *df;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mkdir("api", 0755), 0);
	assert_int_equal(mkdir("node_modules", 0755), 0);
	assert_int_equal(mkdir("elsewhere", 0755), 0);
	put("compose.yaml", "services:\n  api:\n    build:\n      context: api\n      dockerfile: Dockerfile.prod\n");
	put("api/Dockerfile.prod", "FROM alpine\n");
	put("node_modules/Dockerfile", "FROM alpine\n");
	put("elsewhere/Dockerfile", "FROM alpine\n");
	assert_int_equal(symlink("elsewhere", "linked"), 0);
	put("notes.txt", "not a Docker file\n");

	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	dfx_discover(&ws, ".");
	dfx_discover_link(&ws);
	assert_non_null(target(&ws, "compose.yaml"));
	df = target(&ws, "api/Dockerfile.prod");
	assert_non_null(df);
	assert_string_equal(df->context, "api");
	assert_non_null(target(&ws, "elsewhere/Dockerfile"));
	assert_null(target(&ws, "node_modules/Dockerfile"));
	assert_null(target(&ws, "linked/Dockerfile"));
	assert_null(target(&ws, "notes.txt"));
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);

	const char *files[] = {"compose.yaml", "api/Dockerfile.prod", "node_modules/Dockerfile",
			       "elsewhere/Dockerfile", "linked", "notes.txt", "api", "node_modules", "elsewhere"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (unlink(files[i]) != 0)
			rmdir(files[i]);
	assert_int_equal(chdir(cwd), 0);
	snprintf(path, sizeof(path), "%s", dir);
	assert_int_equal(rmdir(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_walk_and_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
