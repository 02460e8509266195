/*
 * test_writer.c - unit tests of the atomic writer (src/writer.c): modes
 * kept or given, parent directories created, symbolic links refused,
 * exclusive creation, and on every error the original left as it was with
 * no temporary file or new directory behind. Each test works in its own
 * scratch directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/writer.h"

/* ---------------------------------------------------------------- helpers */

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");
	char *dir = dfx_xasprintf("%s/dfx-writer-XXXXXX", base && *base ? base : "/tmp");

	if (!mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	umask(022);
	*state = dir;
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
	remove_tree(*state);
	free(*state);
	return 0;
}

static char *join(void **state, const char *name)
{
	return dfx_xasprintf("%s/%s", (const char *)*state, name);
}

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void assert_content(const char *path, const char *want)
{
	char buf[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_int_equal(n, strlen(want));
	assert_string_equal(buf, want);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Number of entries under dir (recursively) whose name marks a temp file. */
static int count_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char *sub;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (strstr(e->d_name, ".dockfix-"))
			n++;
		sub = dfx_xasprintf("%s/%s", dir, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			n += count_temps(sub);
		free(sub);
	}
	closedir(d);
	return n;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* ---------------------------------------------------------------- tests */

static void test_replace_keeps_mode(void **state)
{
	struct dfx_error err = {0};
	char *p = join(state, "entrypoint.sh");

	put(p, "old\n", 0755);
	assert_int_equal(dfx_write_atomic(p, "new\n", 4, 0644, &err), 0);
	assert_null(err.message);
	assert_content(p, "new\n");
	assert_int_equal(mode_of(p), 0755);

	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(dfx_write_atomic(p, "newer\n", 6, 0644, &err), 0);
	assert_content(p, "newer\n");
	assert_int_equal(mode_of(p), 0640);
	assert_int_equal(count_temps(*state), 0);
	assert_int_equal(count_entries(*state), 1);
	free(p);
}

static void test_new_file_gets_create_mode(void **state)
{
	struct dfx_error err = {0};
	char *p = join(state, "db_password.txt"), *q = join(state, ".dockerignore");

	/* Exactly the mode asked for, whatever the umask. */
	umask(077);
	assert_int_equal(dfx_write_atomic(q, ".env\n", 5, 0644, &err), 0);
	umask(022);
	assert_int_equal(dfx_write_atomic(p, "s3cret", 6, 0600, &err), 0);
	assert_content(p, "s3cret");
	assert_int_equal(mode_of(p), 0600);
	assert_content(q, ".env\n");
	assert_int_equal(mode_of(q), 0644);
	assert_int_equal(count_temps(*state), 0);
	free(p);
	free(q);
}

static void test_creates_parent_dirs(void **state)
{
	struct dfx_error err = {0};
	char *p = join(state, "secrets/db/password.txt");
	char *d1 = join(state, "secrets"), *d2 = join(state, "secrets/db");

	assert_int_equal(dfx_write_atomic(p, "pw\n", 3, 0600, &err), 0);
	assert_content(p, "pw\n");
	assert_int_equal(mode_of(p), 0600);
	assert_int_equal(mode_of(d1), 0755);
	assert_int_equal(mode_of(d2), 0755);
	assert_int_equal(count_temps(*state), 0);
	free(p);
	free(d1);
	free(d2);
}

static void test_symlink_refused(void **state)
{
	struct dfx_error err = {0};
	char *target = join(state, "target"), *link = join(state, "Dockerfile");

	put(target, "FROM alpine\n", 0644);
	assert_int_equal(symlink("target", link), 0);
	assert_int_equal(dfx_write_atomic(link, "FROM scratch\n", 13, 0644, &err), -1);
	assert_non_null(err.message);
	assert_non_null(strstr(err.message, "is a symbolic link; not following it"));
	assert_string_equal(err.path, link);
	assert_content(target, "FROM alpine\n");
	assert_int_equal(mode_of(target), 0644);
	{
		struct stat st;

		assert_int_equal(lstat(link, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
	}
	assert_int_equal(count_temps(*state), 0);
	dfx_error_release(&err);
	free(target);
	free(link);
}

static void test_dangling_symlink_refused(void **state)
{
	struct dfx_error err = {0};
	char *link = join(state, "compose.yaml"), *target = join(state, "elsewhere");

	assert_int_equal(symlink("elsewhere", link), 0);
	assert_int_equal(dfx_write_atomic(link, "x\n", 2, 0644, &err), -1);
	assert_non_null(strstr(err.message, "symbolic link"));
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(count_temps(*state), 0);
	dfx_error_release(&err);
	free(link);
	free(target);
}

static void test_parent_is_a_file(void **state)
{
	struct dfx_error err = {0};
	char *file = join(state, "file"), *p = join(state, "file/x");
	char *deep = join(state, "new/file/x"), *nf = join(state, "new/file");
	char *nd = join(state, "new");

	put(file, "keep\n", 0644);
	assert_int_equal(dfx_write_atomic(p, "x\n", 2, 0644, &err), -1);
	assert_non_null(err.message);
	assert_string_equal(err.path, p);
	assert_content(file, "keep\n");
	dfx_error_release(&err);

	/* A missing directory chain ending at a file: what was made is undone. */
	assert_int_equal(mkdir(nd, 0755), 0);
	put(nf, "keep\n", 0644);
	assert_int_equal(dfx_write_atomic(deep, "x\n", 2, 0644, &err), -1);
	assert_non_null(err.message);
	assert_content(nf, "keep\n");
	assert_int_equal(count_temps(*state), 0);
	assert_int_equal(count_entries(*state), 2);
	dfx_error_release(&err);
	free(file);
	free(p);
	free(deep);
	free(nf);
	free(nd);
}

static void test_not_a_regular_file(void **state)
{
	struct dfx_error err = {0};
	char *d = join(state, "dir");

	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(dfx_write_atomic(d, "x", 1, 0644, &err), -1);
	assert_non_null(strstr(err.message, "is a directory"));
	dfx_error_release(&err);
	assert_int_equal(dfx_write_atomic("", "x", 1, 0644, &err), -1);
	assert_non_null(err.message);
	dfx_error_release(&err);
	free(d);
}

static void test_unwritable_directory(void **state)
{
	struct dfx_error err = {0};
	char *d = join(state, "ro"), *p = join(state, "ro/Dockerfile");

	if (geteuid() == 0) {
		/* Permissions do not bind root; test_parent_is_a_file covers errors. */
		print_message("note: running as root; skipping the read-only directory test\n");
		free(d);
		free(p);
		skip();
	}
	assert_int_equal(mkdir(d, 0755), 0);
	put(p, "FROM alpine\n", 0644);
	assert_int_equal(chmod(d, 0555), 0);
	assert_int_equal(dfx_write_atomic(p, "FROM scratch\n", 13, 0644, &err), -1);
	assert_non_null(strstr(err.message, "temporary file"));
	assert_content(p, "FROM alpine\n");
	assert_int_equal(chmod(d, 0755), 0);
	assert_int_equal(count_temps(*state), 0);
	dfx_error_release(&err);
	free(d);
	free(p);
}

/*
 * A write that fails half way (file size limit, which binds root too):
 * the original is untouched, the temporary file and the directories made
 * for a new file are removed.
 */
static void test_failed_write_leaves_nothing(void **state)
{
	struct dfx_error err = {0};
	char *p = join(state, "Dockerfile"), *n = join(state, "a/b/new.txt");
	char *big = dfx_xmalloc(1 << 16);
	struct rlimit old, lim;

	memset(big, 'x', 1 << 16);
	put(p, "FROM alpine\n", 0755);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);

	assert_int_equal(dfx_write_atomic(p, big, 1 << 16, 0644, &err), -1);
	assert_non_null(strstr(err.message, "cannot write"));
	dfx_error_release(&err);
	assert_int_equal(dfx_write_atomic(n, big, 1 << 16, 0600, &err), -1);
	dfx_error_release(&err);
	assert_int_equal(dfx_write_exclusive(n, big, 1 << 16, 0600, &err), -1);
	dfx_error_release(&err);

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_content(p, "FROM alpine\n");
	assert_int_equal(mode_of(p), 0755);
	assert_int_equal(count_temps(*state), 0);
	assert_int_equal(count_entries(*state), 1); /* no a/ left behind */
	free(big);
	free(p);
	free(n);
}

static void test_exclusive(void **state)
{
	struct dfx_error err = {0};
	char *p = join(state, "sub/.dockfix.toml"), *link = join(state, "link");
	char *dir = join(state, "sub");

	assert_int_equal(dfx_write_exclusive(p, "a = 1\n", 6, 0644, &err), 0);
	assert_null(err.message);
	assert_content(p, "a = 1\n");
	assert_int_equal(mode_of(p), 0644);

	/* Exists: refused, untouched. */
	assert_int_equal(dfx_write_exclusive(p, "b = 2\n", 6, 0644, &err), -1);
	assert_non_null(strstr(err.message, "already exists"));
	assert_content(p, "a = 1\n");
	dfx_error_release(&err);

	/* Even a dangling symbolic link counts as existing. */
	assert_int_equal(symlink("nowhere", link), 0);
	assert_int_equal(dfx_write_exclusive(link, "c\n", 2, 0644, &err), -1);
	assert_non_null(err.message);
	dfx_error_release(&err);
	{
		char *nowhere = join(state, "nowhere");

		assert_int_equal(access(nowhere, F_OK), -1);
		free(nowhere);
	}
	assert_int_equal(count_temps(*state), 0);
	assert_int_equal(count_entries(dir), 1);
	free(p);
	free(link);
	free(dir);
}

static void test_empty_and_binary(void **state)
{
	struct dfx_error err = {0};
	char *p = join(state, "f");
	static const char bin[] = {'a', '\0', 'b', '\r', '\n'};
	char got[8];
	FILE *f;

	assert_int_equal(dfx_write_atomic(p, NULL, 0, 0644, &err), 0);
	assert_content(p, "");
	assert_int_equal(dfx_write_atomic(p, bin, sizeof(bin), 0644, &err), 0);
	f = fopen(p, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got), f), sizeof(bin));
	fclose(f);
	assert_memory_equal(got, bin, sizeof(bin));
	free(p);
}

static void test_relative_path(void **state)
{
	struct dfx_error err = {0};
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(*state), 0);
	assert_int_equal(dfx_write_atomic("plain.txt", "x\n", 2, 0644, &err), 0);
	assert_int_equal(dfx_write_atomic("plain.txt", "y\n", 2, 0644, &err), 0);
	assert_int_equal(dfx_write_exclusive("other.txt", "z\n", 2, 0600, &err), 0);
	assert_int_equal(chdir(cwd), 0);
	{
		char *p = join(state, "plain.txt"), *q = join(state, "other.txt");

		assert_content(p, "y\n");
		assert_content(q, "z\n");
		assert_int_equal(mode_of(q), 0600);
		free(p);
		free(q);
	}
	assert_int_equal(count_temps(*state), 0);
}

static void test_long_name(void **state)
{
	struct dfx_error err = {0};
	char name[251];
	char *p;

	/* The temporary name must still fit in NAME_MAX. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	p = join(state, name);
	assert_int_equal(dfx_write_atomic(p, "x\n", 2, 0644, &err), 0);
	assert_content(p, "x\n");
	assert_int_equal(count_temps(*state), 0);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace_keeps_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_file_gets_create_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_creates_parent_dirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dangling_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_is_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_regular_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exclusive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_name, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
