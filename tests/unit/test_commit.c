/*
 * test_commit.c - unit tests of the --write transaction
 * (src/engine/commit.c, include/dockfix/commit.h; the guarantees of the
 * project's README, section "Fixes"): a unit is written whole or not at
 * all, independent units still are, a file changed or created since it was
 * read is never overwritten, nothing is written outside the project or
 * through a symbolic link, files not written get their original bytes back
 * in the workspace, and a killed run's temporary files are swept. Each
 * test works in its own scratch directory (the current directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dockfix/commit.h"
#include "dockfix/writer.h"

struct fixture {
	char *dir;
	char *old_cwd;
	struct dfx_config config;
	struct dfx_workspace ws;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *base = getenv("TMPDIR");

	fx->dir = dfx_xasprintf("%s/dfx-commit-XXXXXX", base && *base ? base : "/tmp");
	fx->old_cwd = getcwd(NULL, 0);
	if (!mkdtemp(fx->dir) || chdir(fx->dir) != 0)
		return -1;
	umask(022);
	dfx_config_init(&fx->config);
	dfx_ws_init(&fx->ws, &fx->config);
	*state = fx;
	return 0;
}

static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0700);
	d = opendir(path);
	if (d) {
		while ((e = readdir(d)) != NULL) {
			char *sub;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			sub = dfx_xasprintf("%s/%s", path, e->d_name);
			remove_tree(sub);
			free(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	dfx_ws_release(&fx->ws);
	dfx_config_release(&fx->config);
	if (chdir(fx->old_cwd) != 0)
		return -1;
	remove_tree(fx->dir);
	free(fx->dir);
	free(fx->old_cwd);
	free(fx);
	return 0;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* A changed file in the workspace: new bytes `text`; created ones get `mode`. */
static struct dfx_wsfile *change(struct dfx_workspace *ws, const char *path, const char *text, unsigned mode)
{
	struct dfx_wsfile *f = dfx_ws_file(ws, path);

	if (!f->on_disk)
		f->mode = mode;
	dfx_ws_set(f, dfx_xstrdup(text), strlen(text));
	return f;
}

/* `t` read `d` (so they form one unit). */
static void reads(struct dfx_wsfile *t, struct dfx_wsfile *d)
{
	t->target = true;
	DFX_GROW(t->deps, t->ndeps + 1, t->depcap);
	t->deps[t->ndeps++] = d;
}

static size_t count_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += dfx_writer_is_temp(e->d_name);
	closedir(d);
	return n;
}

static int commit(struct fixture *fx, struct dfx_commit_result *r)
{
	const char *roots[] = {"."};
	struct dfx_commit_opts o = {roots, 1, NULL};

	return dfx_commit_write(&fx->ws, &o, r);
}

/* ---------------------------------------------------------------- tests */

static void test_unit_written_whole(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;
	struct dfx_wsfile *c, *s;
	struct stat st;

	put("compose.yaml", "old\n");
	c = change(&fx->ws, "compose.yaml", "new: secrets/pw.txt\n", 0);
	s = change(&fx->ws, "secrets/pw.txt", "s3cr3t", 0600);
	s->secret = true;
	reads(c, s);
	assert_int_equal(commit(fx, &r), 0);
	assert_int_equal(r.written, 2);
	assert_int_equal(r.units, 2); /* the secret is a unit the compose file needs */
	assert_string_equal(get("compose.yaml"), "new: secrets/pw.txt\n");
	assert_string_equal(get("secrets/pw.txt"), "s3cr3t");
	assert_int_equal(stat("secrets/pw.txt", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(strstr(r.log.ptr, "created secrets/pw.txt (mode 0600)"));
	assert_null(strstr(r.log.ptr, "s3cr3t"));
	assert_int_equal(count_temps("."), 0);
	assert_int_equal(count_temps("secrets"), 0);
	dfx_commit_result_release(&r);
}

static void test_failed_unit_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;
	struct dfx_wsfile *c, *s, *g, *d;

	put("compose.yaml", "old\n");
	put(".gitignore", "x\n");
	put("secrets", "a file, not a folder");
	put("Dockerfile", "FROM a\n");
	c = change(&fx->ws, "compose.yaml", "new\n", 0);
	g = change(&fx->ws, ".gitignore", "x\nsecrets/\n", 0);
	s = change(&fx->ws, "secrets/pw.txt", "s3cr3t", 0600);
	reads(c, s);
	reads(c, g);
	d = change(&fx->ws, "Dockerfile", "FROM a\nUSER 1\n", 0);
	d->target = true;
	assert_int_equal(commit(fx, &r), -1);
	assert_int_equal(r.units, 4);
	assert_int_equal(r.failed_units, 2);
	assert_int_equal(r.written, 2);
	assert_int_equal(r.not_written, 2);
	/* the unit is as it was; the independent file and the lone ignore file are written */
	assert_string_equal(get("compose.yaml"), "old\n");
	assert_string_equal(get(".gitignore"), "x\nsecrets/\n");
	assert_string_equal(get("Dockerfile"), "FROM a\nUSER 1\n");
	assert_non_null(strstr(r.log.ptr, "secrets/pw.txt: error: cannot write: 'secrets' is not a directory"));
	assert_non_null(strstr(r.log.ptr, "compose.yaml: not written: secrets/pw.txt was not written"));
	/* the workspace describes the disk again */
	assert_false(c->changed);
	assert_false(s->changed);
	assert_string_equal(c->cur.data, "old\n");
	assert_null(dfx_ws_read(&fx->ws, "secrets/pw.txt"));
	assert_true(d->changed);
	assert_int_equal(count_temps("."), 0);
	dfx_commit_result_release(&r);
}

static void test_ignore_file_holds_back_readers(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;
	struct dfx_wsfile *c, *s, *g, *c2;

	assert_int_equal(mkdir("other", 0755), 0);
	put("other/x", "x\n");
	assert_int_equal(symlink("other/x", ".gitignore"), 0);
	put("compose.yaml", "old\n");
	put("b.yaml", "b\n");
	c = change(&fx->ws, "compose.yaml", "new\n", 0);
	s = change(&fx->ws, "secrets/pw.txt", "s3cr3t", 0600);
	s->secret = true; /* never created without its ignore line */
	g = change(&fx->ws, ".gitignore", "x\nsecrets/\n", 0);
	reads(c, s);
	reads(c, g);
	c2 = change(&fx->ws, "b.yaml", "b2\n", 0);
	reads(c2, g);
	assert_int_equal(commit(fx, &r), -1);
	assert_string_equal(get("other/x"), "x\n");
	assert_string_equal(get("compose.yaml"), "old\n");
	assert_string_equal(get("b.yaml"), "b\n");
	assert_null(get("secrets/pw.txt"));
	assert_non_null(strstr(r.log.ptr, ".gitignore: error: is a symbolic link; not writing to it"));
	assert_non_null(strstr(r.log.ptr, "b.yaml: not written: .gitignore was not written"));
	assert_int_equal(r.written, 0);
	dfx_commit_result_release(&r);
}

static void test_shared_env_does_not_tie_units(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;
	struct dfx_wsfile *a, *b, *e, *s;

	put("a.yaml", "a\n");
	put("b.yaml", "b\n");
	put("secrets", "a file, not a folder");
	a = change(&fx->ws, "a.yaml", "a2\n", 0);
	b = change(&fx->ws, "b.yaml", "b2\n", 0);
	e = change(&fx->ws, ".env", "A=1\nB=2\n", 0600);
	s = change(&fx->ws, "secrets/a.txt", "s3cr3t", 0600);
	reads(a, e);
	reads(a, s);
	reads(b, e);
	assert_int_equal(commit(fx, &r), -1);
	assert_string_equal(get("a.yaml"), "a\n");
	assert_string_equal(get("b.yaml"), "b2\n");
	assert_string_equal(get(".env"), "A=1\nB=2\n");
	assert_non_null(strstr(r.log.ptr, "a.yaml: not written: secrets/a.txt was not written"));
	assert_false(a->changed);
	assert_true(b->changed);
	dfx_commit_result_release(&r);
}

static void test_plan_holds_back_outside(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;
	const char *roots[] = {"p/compose.yaml"};
	struct dfx_commit_opts o = {roots, 1, NULL};
	struct dfx_wsfile *c, *g, *d;

	assert_int_equal(mkdir("p", 0755), 0);
	put("p/compose.yaml", "old\n");
	put("p/Dockerfile", "FROM a\n");
	c = change(&fx->ws, "p/compose.yaml", "new\n", 0);
	g = change(&fx->ws, ".gitignore", "secrets/\n", 0);
	reads(c, g);
	d = change(&fx->ws, "p/Dockerfile", "FROM a\nUSER 1\n", 0);
	d->target = true;
	assert_int_equal(dfx_commit_plan(&fx->ws, &o, &r), -1);
	assert_false(c->changed);
	assert_false(g->changed);
	assert_true(d->changed);
	assert_non_null(strstr(r.log.ptr, ".gitignore: note: outside the project, not written"));
	/* nothing on disk */
	assert_string_equal(get("p/compose.yaml"), "old\n");
	assert_string_equal(get("p/Dockerfile"), "FROM a\n");
	assert_null(get(".gitignore"));
	dfx_commit_result_release(&r);
}

static void test_changed_since_read(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;

	struct dfx_wsfile *c;

	put("compose.yaml", "old\n");
	c = change(&fx->ws, "compose.yaml", "new\n", 0);
	reads(c, change(&fx->ws, "secrets/pw.txt", "s3cr3t", 0600));
	put("compose.yaml", "edited by hand\n");
	assert_int_equal(commit(fx, &r), -1);
	assert_string_equal(get("compose.yaml"), "edited by hand\n");
	/* the secret only that file needed is not left behind */
	assert_null(get("secrets/pw.txt"));
	assert_non_null(strstr(r.log.ptr, "compose.yaml: error: changed since it was read"));
	assert_int_equal(count_temps("."), 0);
	dfx_commit_result_release(&r);
}

static void test_created_meanwhile(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;

	change(&fx->ws, ".env", "A=1\n", 0600);
	put(".env", "MINE=1\n");
	assert_int_equal(commit(fx, &r), -1);
	assert_string_equal(get(".env"), "MINE=1\n");
	assert_non_null(strstr(r.log.ptr, ".env: error: appeared since it was read"));
	dfx_commit_result_release(&r);
}

static void test_outside_and_symlinks(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;
	const char *roots[] = {"p"};
	struct dfx_commit_opts o = {roots, 1, NULL};

	assert_int_equal(mkdir("p", 0755), 0);
	assert_int_equal(mkdir("out", 0755), 0);
	put("out/Dockerfile", "FROM a\n");
	put("p/.gitignore", "x\n");
	assert_int_equal(symlink("../out", "p/secrets"), 0);
	assert_int_equal(mkdir("p/b", 0755), 0);
	assert_int_equal(symlink("../../out/Dockerfile", "p/b/Dockerfile"), 0);
	change(&fx->ws, "out/Dockerfile", "FROM a\nUSER 1\n", 0)->target = true;
	change(&fx->ws, "p/secrets/pw.txt", "s3cr3t", 0600);
	change(&fx->ws, "p/b/Dockerfile", "FROM a\nUSER 2\n", 0)->target = true;
	assert_int_equal(dfx_commit_write(&fx->ws, &o, &r), -1);
	assert_int_equal(r.written, 0);
	assert_int_equal(r.failed_units, 3);
	assert_string_equal(get("out/Dockerfile"), "FROM a\n");
	assert_null(get("out/pw.txt"));
	assert_non_null(strstr(r.log.ptr, "out/Dockerfile: error: outside the project, not written"));
	assert_non_null(strstr(r.log.ptr, "p/secrets/pw.txt: error: 'secrets' is a symbolic link; not writing through it"));
	assert_non_null(strstr(r.log.ptr, "p/b/Dockerfile: error: is a symbolic link; not writing to it"));
	dfx_commit_result_release(&r);
}

static void test_sweep_only_stale_pattern(void **state)
{
	struct fixture *fx = *state;
	struct dfx_commit_result r;
	struct timeval old[2] = {{1000000000, 0}, {1000000000, 0}};
	struct timeval recent[2] = {{time(NULL) + 60, 0}, {time(NULL) + 60, 0}};
	int fd;

	put(".compose.yaml.dockfix-AbC123", "stale");
	put(".compose.yaml.dockfix-AbC12", "not the pattern");
	put("compose.yaml.dockfix-AbC123", "not the pattern");
	put(".keep.dockfix-Zz9999", "recent");
	assert_int_equal(utimes(".compose.yaml.dockfix-AbC123", old), 0);
	assert_int_equal(utimes(".compose.yaml.dockfix-AbC12", old), 0);
	assert_int_equal(utimes("compose.yaml.dockfix-AbC123", old), 0);
	/* written since the run began (a run still going): its time is after the
	   commit's start however long the test took to get there */
	assert_int_equal(utimes(".keep.dockfix-Zz9999", recent), 0);
	assert_int_equal(mkdir(".d.dockfix-Dir000", 0755), 0); /* a folder: never removed */
	put("compose.yaml", "old\n");
	change(&fx->ws, "compose.yaml", "new\n", 0)->target = true;
	assert_int_equal(commit(fx, &r), 0);
	assert_int_equal(r.swept, 1);
	assert_null(get(".compose.yaml.dockfix-AbC123"));
	assert_non_null(get(".compose.yaml.dockfix-AbC12"));
	assert_non_null(get("compose.yaml.dockfix-AbC123"));
	assert_non_null(get(".keep.dockfix-Zz9999"));
	fd = open(".d.dockfix-Dir000", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	close(fd);
	dfx_commit_result_release(&r);
}

static void test_temp_pattern(void **state)
{
	(void)state;
	assert_true(dfx_writer_is_temp(".compose.yaml.dockfix-a1B2c3"));
	assert_true(dfx_writer_is_temp("..dockerignore.dockfix-XXXXXX"));
	assert_false(dfx_writer_is_temp(".compose.yaml.dockfix-a1B2c"));
	assert_false(dfx_writer_is_temp(".compose.yaml.dockfix-a1B2c3d"));
	assert_false(dfx_writer_is_temp(".compose.yaml.dockfix-a1B2c-"));
	assert_false(dfx_writer_is_temp("compose.yaml.dockfix-a1B2c3"));
	assert_false(dfx_writer_is_temp(".dockfix-a1B2c3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unit_written_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_unit_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ignore_file_holds_back_readers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_env_does_not_tie_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_holds_back_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_since_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_created_meanwhile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_and_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_only_stale_pattern, setup, teardown),
		cmocka_unit_test(test_temp_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
