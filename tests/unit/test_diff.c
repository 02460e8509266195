/*
 * test_diff.c - unit tests of the unified diff printer (src/diff.c).
 *
 * Small cases are checked byte for byte against what `git diff` prints for
 * them (hunk rules of git's xdiff/xemit.c); every diff is also applied with
 * `git apply` in a scratch repository and with `patch -p1`, and the result
 * compared with the new bytes. A seeded random test does the same for a few
 * hundred edits and checks that the diff is a shortest one. Tests that need
 * git or patch say so and skip that part when the tool is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dockfix/diff.h"

/* ---------------------------------------------------------------- helpers */

static char *diff_bytes(const char *op, const char *np, const char *a, size_t alen,
			const char *b, size_t blen, size_t *len)
{
	struct dfx_buf out = DFX_BUF_INIT;

	dfx_diff_unified(&out, op, np, a, alen, b, blen);
	*len = out.len;
	if (!out.ptr)
		return dfx_xstrdup("");
	return dfx_buf_detach(&out);
}

static int run(const char *fmt, ...) DFX_PRINTF(1, 2);
static int run(const char *fmt, ...)
{
	struct dfx_buf cmd = DFX_BUF_INIT;
	va_list ap;
	int st;

	va_start(ap, fmt);
	dfx_buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	st = system(cmd.ptr);
	dfx_buf_release(&cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool have_tool(const char *name)
{
	static int git = -1, patch = -1;
	int *v = !strcmp(name, "git") ? &git : &patch;

	if (*v < 0) {
		*v = run("command -v %s >/dev/null 2>&1", name) == 0;
		if (!*v)
			print_message("note: %s not found; skipping the %s round trips\n", name,
				      name);
	}
	return *v;
}

static char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = dfx_xasprintf("%s/dfx-diff-XXXXXX", base && *base ? base : "/tmp");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The file's bytes (NUL-terminated), or NULL when it does not exist. */
static char *read_bytes(const char *path, size_t *len)
{
	struct dfx_buf b = DFX_BUF_INIT;
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		assert_int_equal(errno, ENOENT);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		dfx_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	dfx_buf_addc(&b, '\0');
	return dfx_buf_detach(&b);
}

static void assert_file_is(const char *dir, const char *name, const char *want, size_t wlen)
{
	char *path = dfx_xasprintf("%s/%s", dir, name);
	size_t len = 0;
	char *got = read_bytes(path, &len);

	if (!want) {
		if (got)
			fail_msg("%s should have been deleted", path);
	} else {
		if (!got)
			fail_msg("%s is missing", path);
		if (len != wlen || memcmp(got, want, len))
			fail_msg("%s differs from the expected bytes", path);
	}
	free(got);
	free(path);
}

static void rm_rf(const char *path)
{
	assert_int_equal(run("rm -rf '%s'", path), 0);
}

enum tool { TOOL_GIT, TOOL_PATCH };

/*
 * Applies `patch` with git (checked outside a repository, then applied in
 * a fresh one) or GNU patch to a
 * directory holding a[0,alen) as `op` (or nothing for a new file), and
 * checks that `np` then holds b[0,blen) (or that `op` is gone).
 */
static void check_apply(enum tool tool, const char *op, const char *np, const char *a,
			size_t alen, const char *b, size_t blen, const char *patch,
			size_t plen)
{
	char *dir, *pf, *path;
	int rc;

	if (!plen || !have_tool(tool == TOOL_GIT ? "git" : "patch"))
		return;
	dir = make_tmpdir();
	pf = dfx_xasprintf("%s.patch", dir);
	write_bytes(pf, patch, plen);
	if (op) {
		path = dfx_xasprintf("%s/%s", dir, op);
		write_bytes(path, a, alen);
		free(path);
	}
	/* git: outside a repository (as on a plain tree), then inside one. */
	if (tool == TOOL_GIT)
		rc = run("cd '%s' && GIT_CEILING_DIRECTORIES=\"$(dirname \"$PWD\")\" "
			 "git apply --check --whitespace=nowarn '%s' && git init -q . && "
			 "git apply --whitespace=nowarn '%s'", dir, pf, pf);
	else
		rc = run("cd '%s' && patch -p1 -s --dry-run <'%s' >/dev/null && "
			 "patch -p1 -s --no-backup-if-mismatch <'%s'",
			 dir, pf, pf);
	if (rc != 0)
		fail_msg("%s rejected the patch:\n%.*s", tool == TOOL_GIT ? "git apply" : "patch",
			 (int)plen, patch);
	assert_file_is(dir, np ? np : op, np ? b : NULL, blen);
	rm_rf(dir);
	unlink(pf);
	free(pf);
	free(dir);
}

static void expect_diff(const char *op, const char *np, const char *a, const char *b,
			const char *want)
{
	size_t alen = strlen(a), blen = strlen(b), len;
	char *got = diff_bytes(op, np, a, alen, b, blen, &len);

	assert_string_equal(got, want);
	check_apply(TOOL_GIT, op, np, a, alen, b, blen, got, len);
	check_apply(TOOL_PATCH, op, np, a, alen, b, blen, got, len);
	free(got);
}

#define TEN "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"
#define TWENTY TEN "11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n"

/* ---------------------------------------------------------------- cases */

static void test_identical(void **state)
{
	expect_diff("f", "f", "", "", "");
	expect_diff("f", "f", TEN, TEN, "");
	expect_diff(NULL, "new", "", "", ""); /* an empty new file has no diff */
}

static void test_insert_top(void **state)
{
	expect_diff("f", "f", TEN, "0\n" TEN,
		    "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n");
}

static void test_insert_middle(void **state)
{
	expect_diff("f", "f", TEN, "1\n2\n3\n4\n5\nnew\n6\n7\n8\n9\n10\n",
		    "--- a/f\n+++ b/f\n@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n");
}

static void test_insert_end(void **state)
{
	expect_diff("f", "f", TEN, TEN "11\n",
		    "--- a/f\n+++ b/f\n@@ -8,3 +8,4 @@\n 8\n 9\n 10\n+11\n");
}

static void test_delete(void **state)
{
	expect_diff("f", "f", TEN, "1\n2\n3\n4\n6\n7\n8\n9\n10\n",
		    "--- a/f\n+++ b/f\n@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n");
}

static void test_replace(void **state)
{
	expect_diff("f", "f", TEN, "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n",
		    "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

static void test_single_line(void **state)
{
	/* A count of 1 is left out of the hunk header. */
	expect_diff("f", "f", "a\n", "b\n", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n");
}

static void test_merged_hunks(void **state)
{
	/* Six common lines between two changes: the contexts touch, one hunk. */
	expect_diff("f", "f", TWENTY,
		    "1\n2\nthree\n4\n5\n6\n7\n8\n9\nten\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n",
		    "--- a/f\n+++ b/f\n@@ -1,13 +1,13 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n"
		    " 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13\n");
}

static void test_separate_hunks(void **state)
{
	/* Seven common lines: two hunks. */
	expect_diff("f", "f", TWENTY,
		    "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n"
		    "eleven\n12\n13\n14\n15\n16\n17\n18\n19\n20\n",
		    "--- a/f\n+++ b/f\n@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n"
		    "@@ -8,7 +8,7 @@\n 8\n 9\n 10\n-11\n+eleven\n 12\n 13\n 14\n");
}

static void test_far_apart(void **state)
{
	expect_diff("f", "f", TWENTY,
		    "first\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"
		    "11\n12\n13\n14\n15\n16\n17\n18\n19\n20\nlast\n",
		    "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-1\n+first\n 2\n 3\n 4\n"
		    "@@ -18,3 +18,4 @@\n 18\n 19\n 20\n+last\n");
}

static void test_new_file(void **state)
{
	expect_diff(NULL, "new/file.txt", "", "a\nb\n",
		    "--- /dev/null\n+++ b/new/file.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	expect_diff(NULL, "one", "", "a\n", "--- /dev/null\n+++ b/one\n@@ -0,0 +1 @@\n+a\n");
}

static void test_deleted_file(void **state)
{
	expect_diff("old.txt", NULL, "a\nb\n", "",
		    "--- a/old.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n");
}

static void test_empty_file(void **state)
{
	expect_diff("f", "f", "", "a\nb\n", "--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	expect_diff("f", "f", "a\nb\n", "", "--- a/f\n+++ b/f\n@@ -1,2 +0,0 @@\n-a\n-b\n");
}

static void test_no_newline_old(void **state)
{
	expect_diff("f", "f", "1\n2\n3", "1\n2\n3\n",
		    "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n 2\n-3\n"
		    "\\ No newline at end of file\n+3\n");
}

static void test_no_newline_new(void **state)
{
	expect_diff("f", "f", "1\n2\n3\n", "1\n2\n3",
		    "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n 2\n-3\n+3\n"
		    "\\ No newline at end of file\n");
}

static void test_no_newline_both(void **state)
{
	/* The last line is common context: marked once. */
	expect_diff("f", "f", "1\n2\n3\n4\n5\n6\n7", "1\n2\n3\nfour\n5\n6\n7",
		    "--- a/f\n+++ b/f\n@@ -1,7 +1,7 @@\n 1\n 2\n 3\n-4\n+four\n 5\n 6\n 7\n"
		    "\\ No newline at end of file\n");
	expect_diff("f", "f", "a\nx", "a\ny",
		    "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-x\n"
		    "\\ No newline at end of file\n+y\n\\ No newline at end of file\n");
	expect_diff("f", "f", "x", "", "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-x\n"
		    "\\ No newline at end of file\n");
}

static void test_crlf(void **state)
{
	expect_diff("f", "f", "one\r\ntwo\r\nthree\r\n", "one\r\nTWO\r\nthree\r\n",
		    "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n one\r\n-two\r\n+TWO\r\n three\r\n");
	/* Only the line end changes: the lines differ. */
	expect_diff("f", "f", "a\r\nb\r\n", "a\r\nb\n",
		    "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+b\n");
	expect_diff("f", "f", "a\r\nb\r", "a\r\nc\r",
		    "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n"
		    "\\ No newline at end of file\n+c\r\n\\ No newline at end of file\n");
}

static void test_slide_down(void **state)
{
	/* An added copy of a block goes after the existing one, as git puts it. */
	expect_diff("f", "f", "a\nb\n\nc\n", "a\nb\n\nb\n\nc\n",
		    "--- a/f\n+++ b/f\n@@ -1,4 +1,6 @@\n a\n b\n \n+b\n+\n c\n");
	expect_diff("f", "f", "x\n\n\n\ny\n", "x\n\n\n\n\ny\n",
		    "--- a/f\n+++ b/f\n@@ -2,4 +2,5 @@\n \n \n \n+\n y\n");
	/* ... also into the common lines after the part that differs. */
	expect_diff("f", "f", "a\nm\nx\nx\nz\n", "b\nm\nx\nz\n",
		    "--- a/f\n+++ b/f\n@@ -1,5 +1,4 @@\n-a\n+b\n m\n x\n-x\n z\n");
}

static void test_paths(void **state)
{
	expect_diff("my file", "my file", "a\n", "b\n",
		    "--- a/my file\t\n+++ b/my file\t\n@@ -1 +1 @@\n-a\n+b\n");
	expect_diff("q\"x", "q\"x", "a\n", "b\n",
		    "--- \"a/q\\\"x\"\n+++ \"b/q\\\"x\"\n@@ -1 +1 @@\n-a\n+b\n");
}

static void test_binary_bytes(void **state)
{
	/* NUL bytes are line content like any other. */
	static const char a[] = "a\0b\nc\n", b[] = "a\0b\nd\n";
	static const char want[] = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\0b\n-c\n+d\n";
	size_t len;
	char *got = diff_bytes("f", "f", a, sizeof(a) - 1, b, sizeof(b) - 1, &len);

	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(got, want, len);
	check_apply(TOOL_PATCH, "f", "f", a, sizeof(a) - 1, b, sizeof(b) - 1, got, len);
	free(got);
}

static void test_null_inputs(void **state)
{
	size_t len;
	char *got = diff_bytes(NULL, "n", NULL, 0, "x\n", 2, &len);

	assert_string_equal(got, "--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+x\n");
	free(got);
	got = diff_bytes("f", "f", NULL, 0, NULL, 0, &len);
	assert_int_equal(len, 0);
	free(got);
}

/* ---------------------------------------------------------------- random */

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state; /* xorshift64 */

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static size_t rnd(size_t n)
{
	return (size_t)(rng() % n);
}

static const char *const vocab[] = {
	"a\n", "b\n", "c\n", "\n", "\n", "x y\n", "d\r\n", "e\r\n", "  indented\n", "}\n",
	"u0\n", "u1\n", "u2\n", "u3\n", "u4\n", "u5\n", "u6\n", "u7\n", "u8\n", "u9\n",
	"u10\n", "u11\n", "u12\n", "u13\n", "u14\n", "u15\n", "u16\n", "u17\n",
};
#define NVOCAB (sizeof(vocab) / sizeof(vocab[0]))
#define MAXL 64

struct text {
	size_t w[MAXL]; /* vocabulary index of each line */
	size_t n;
	bool nonl;      /* the last line lacks its '\n' */
};

static void text_render(const struct text *t, struct dfx_buf *out)
{
	dfx_buf_reset(out);
	for (size_t i = 0; i < t->n; i++) {
		size_t len = strlen(vocab[t->w[i]]);

		if (i + 1 == t->n && t->nonl)
			len--;
		dfx_buf_add(out, vocab[t->w[i]], len);
	}
}

static void text_random(struct text *t)
{
	t->n = rnd(41);
	for (size_t i = 0; i < t->n; i++)
		t->w[i] = rnd(NVOCAB);
	t->nonl = t->n && rnd(5) == 0;
}

static void text_edit(struct text *t)
{
	size_t nops = rnd(6);

	for (size_t k = 0; k < nops; k++) {
		size_t op = rnd(10), at = rnd(t->n + 1), cnt = 1 + rnd(3);

		if (op < 4) { /* insert */
			if (t->n + cnt > MAXL)
				continue;
			memmove(t->w + at + cnt, t->w + at, (t->n - at) * sizeof(t->w[0]));
			for (size_t i = 0; i < cnt; i++)
				t->w[at + i] = rnd(NVOCAB);
			t->n += cnt;
		} else if (op < 7) { /* delete */
			if (at + cnt > t->n)
				cnt = t->n - at;
			memmove(t->w + at, t->w + at + cnt, (t->n - at - cnt) * sizeof(t->w[0]));
			t->n -= cnt;
		} else if (op < 9 && t->n) { /* replace */
			t->w[at < t->n ? at : t->n - 1] = rnd(NVOCAB);
		} else { /* toggle the final newline */
			t->nonl = !t->nonl;
		}
	}
	if (!t->n)
		t->nonl = false;
}

/* Lines of a rendered text, for the reference LCS. */
static size_t split_lines(const char *p, size_t len, const char **ln, size_t *ll)
{
	size_t n = 0, s = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n') {
			ln[n] = p + s;
			ll[n++] = i + 1 - s;
			s = i + 1;
		}
	}
	if (s < len) {
		ln[n] = p + s;
		ll[n++] = len - s;
	}
	return n;
}

/* Length of a shortest edit script, by the textbook LCS table. */
static size_t shortest_edit(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *la[MAXL + 1], *lb[MAXL + 1];
	size_t za[MAXL + 1], zb[MAXL + 1], t[MAXL + 1][MAXL + 1];
	size_t n = split_lines(a, alen, la, za), m = split_lines(b, blen, lb, zb);

	for (size_t i = 0; i <= n; i++) {
		for (size_t j = 0; j <= m; j++) {
			if (!i || !j)
				t[i][j] = 0;
			else if (za[i - 1] == zb[j - 1] && !memcmp(la[i - 1], lb[j - 1], za[i - 1]))
				t[i][j] = t[i - 1][j - 1] + 1;
			else
				t[i][j] = t[i - 1][j] > t[i][j - 1] ? t[i - 1][j] : t[i][j - 1];
		}
	}
	return n + m - 2 * t[n][m];
}

/* '+' and '-' lines of a diff body (the two header lines excluded). */
static size_t count_edits(const char *d, size_t len)
{
	size_t n = 0, line = 0;

	for (size_t i = 0; i < len; i++) {
		if ((i == 0 || d[i - 1] == '\n') && line++ >= 2 && (d[i] == '+' || d[i] == '-'))
			n++;
	}
	return n;
}

static void test_random(void **state)
{
	enum { NCASES = 200 };
	struct dfx_buf a = DFX_BUF_INIT, b = DFX_BUF_INIT, all = DFX_BUF_INIT;
	char *pdir = make_tmpdir(), *gdir = make_tmpdir();
	struct dfx_buf *want = dfx_xcalloc(NCASES, sizeof(*want));
	bool patch_ok = have_tool("patch"), git_ok = have_tool("git");
	size_t nonempty = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int c = 0; c < NCASES; c++) {
		struct text t;
		char name[16], *path, *d;
		size_t dlen;

		text_random(&t);
		text_render(&t, &a);
		text_edit(&t);
		text_render(&t, &b);
		snprintf(name, sizeof(name), "c%03d", c);
		d = diff_bytes(name, name, a.ptr, a.len, b.ptr, b.len, &dlen);
		if (!dlen)
			assert_true(a.len == b.len && !memcmp(a.ptr, b.ptr, a.len));
		else
			nonempty++;
		if (count_edits(d, dlen) != shortest_edit(a.ptr, a.len, b.ptr, b.len))
			fail_msg("case %d: %zu edits, the shortest has %zu:\n%s", c,
				 count_edits(d, dlen),
				 shortest_edit(a.ptr, a.len, b.ptr, b.len), d);
		dfx_buf_add(&all, d, dlen);
		dfx_buf_add(&want[c], b.ptr, b.len);

		path = dfx_xasprintf("%s/%s", gdir, name);
		write_bytes(path, a.ptr, a.len);
		free(path);
		path = dfx_xasprintf("%s/%s", pdir, name);
		write_bytes(path, a.ptr, a.len);
		free(path);
		if (patch_ok && dlen) {
			char *pf = dfx_xasprintf("%s.patch", pdir);

			write_bytes(pf, d, dlen);
			if (run("cd '%s' && patch -p1 -s --no-backup-if-mismatch <'%s'", pdir, pf))
				fail_msg("case %d: patch rejected:\n%s", c, d);
			assert_file_is(pdir, name, b.ptr, b.len);
			unlink(pf);
			free(pf);
		}
		free(d);
	}
	assert_true(nonempty > NCASES / 2);

	/* All cases as one multi-file patch, through git apply. */
	if (git_ok) {
		char *pf = dfx_xasprintf("%s.patch", gdir);

		write_bytes(pf, all.ptr, all.len);
		assert_int_equal(run("cd '%s' && git init -q . && "
				     "git apply --whitespace=nowarn '%s'", gdir, pf), 0);
		for (int c = 0; c < NCASES; c++) {
			char name[16];

			snprintf(name, sizeof(name), "c%03d", c);
			assert_file_is(gdir, name, want[c].ptr ? want[c].ptr : "", want[c].len);
		}
		unlink(pf);
		free(pf);
	}
	for (int c = 0; c < NCASES; c++)
		dfx_buf_release(&want[c]);
	free(want);
	rm_rf(pdir);
	rm_rf(gdir);
	free(pdir);
	free(gdir);
	dfx_buf_release(&a);
	dfx_buf_release(&b);
	dfx_buf_release(&all);
}

/* ---------------------------------------------------------------- scale */

static double cpu_seconds(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

static size_t count_hunks(const char *d, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i + 2 < len; i++)
		if ((i == 0 || d[i - 1] == '\n') && !memcmp(d + i, "@@ ", 3))
			n++;
	return n;
}

/* A file at the size cap with three small fixes: three small hunks, fast. */
static void test_large_file_small_edits(void **state)
{
	struct dfx_buf a = DFX_BUF_INIT, b = DFX_BUF_INIT;
	const size_t nlines = 190000;
	double t0;
	size_t len;
	char *d;

	for (size_t i = 0; i < nlines; i++) {
		dfx_buf_addf(&a, "line %06zu: some text to pad the line out\n", i);
		if (i == 10)
			dfx_buf_adds(&b, "line 10 replaced\n");
		else if (i != nlines - 10)
			dfx_buf_addf(&b, "line %06zu: some text to pad the line out\n", i);
		if (i == nlines / 2)
			dfx_buf_adds(&b, "an inserted line\n");
	}
	assert_true(a.len <= DFX_MAX_FILE_SIZE);
	t0 = cpu_seconds();
	d = diff_bytes("big", "big", a.ptr, a.len, b.ptr, b.len, &len);
	print_message("8 MB diff: %.3f s\n", cpu_seconds() - t0);
	assert_true(cpu_seconds() - t0 < 5.0);
	assert_int_equal(count_hunks(d, len), 3);
	assert_true(len < 2048);
	assert_non_null(strstr(d, "@@ -8,7 +8,7 @@\n"));
	assert_non_null(strstr(d, "+an inserted line\n"));
	check_apply(TOOL_PATCH, "big", "big", a.ptr, a.len, b.ptr, b.len, d, len);
	free(d);
	dfx_buf_release(&a);
	dfx_buf_release(&b);
}

/*
 * Two unrelated sequences over a tiny alphabet make a huge edit distance:
 * the search must stay bounded and the diff must still apply.
 */
static void test_pathological_bounded(void **state)
{
	struct dfx_buf a = DFX_BUF_INIT, b = DFX_BUF_INIT;
	double t0;
	size_t len;
	char *d;

	rng_state = 12345;
	for (int i = 0; i < 150000; i++) {
		dfx_buf_addf(&a, "%d\n", (int)rnd(8));
		dfx_buf_addf(&b, "%d\n", (int)rnd(8));
	}
	t0 = cpu_seconds();
	d = diff_bytes("p", "p", a.ptr, a.len, b.ptr, b.len, &len);
	print_message("pathological diff: %.3f s\n", cpu_seconds() - t0);
	assert_true(cpu_seconds() - t0 < 20.0);
	assert_true(len > 0);
	check_apply(TOOL_PATCH, "p", "p", a.ptr, a.len, b.ptr, b.len, d, len);
	free(d);

	/* Nothing in common at all: every line differs, one hunk. */
	dfx_buf_reset(&b);
	for (int i = 0; i < 150000; i++)
		dfx_buf_addf(&b, "other %d\n", i);
	t0 = cpu_seconds();
	d = diff_bytes("p", "p", a.ptr, a.len, b.ptr, b.len, &len);
	assert_true(cpu_seconds() - t0 < 5.0);
	assert_int_equal(count_hunks(d, len), 1);
	assert_non_null(strstr(d, "@@ -1,150000 +1,150000 @@\n"));
	free(d);
	dfx_buf_release(&a);
	dfx_buf_release(&b);
}

/*
 * Thousands of scattered changes among lines that recur everywhere: past
 * the search's cost bound, the diff must stay close to the shortest (here
 * at most two lines per replaced line), not collapse into one replacement.
 */
static void test_many_scattered_edits(void **state)
{
	enum { NL = 30000, NEDIT = 3000 };
	size_t *w = dfx_xmalloc(NL * sizeof(*w));
	struct dfx_buf a = DFX_BUF_INIT, b = DFX_BUF_INIT;
	size_t len;
	char *d;

	rng_state = 777;
	for (size_t i = 0; i < NL; i++) {
		w[i] = rnd(1000);
		dfx_buf_addf(&a, "entry number %zu\n", w[i]);
	}
	for (size_t k = 0; k < NEDIT; k++) {
		size_t at = rnd(NL);

		w[at] = rnd(1000);
	}
	for (size_t i = 0; i < NL; i++)
		dfx_buf_addf(&b, "entry number %zu\n", w[i]);
	d = diff_bytes("m", "m", a.ptr, a.len, b.ptr, b.len, &len);
	print_message("scattered edits: %zu changed lines\n", count_edits(d, len));
	assert_true(count_edits(d, len) <= 2 * NEDIT);
	check_apply(TOOL_PATCH, "m", "m", a.ptr, a.len, b.ptr, b.len, d, len);
	free(d);
	free(w);
	dfx_buf_release(&a);
	dfx_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_insert_top),
		cmocka_unit_test(test_insert_middle),
		cmocka_unit_test(test_insert_end),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_single_line),
		cmocka_unit_test(test_merged_hunks),
		cmocka_unit_test(test_separate_hunks),
		cmocka_unit_test(test_far_apart),
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_deleted_file),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_no_newline_old),
		cmocka_unit_test(test_no_newline_new),
		cmocka_unit_test(test_no_newline_both),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_slide_down),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_binary_bytes),
		cmocka_unit_test(test_null_inputs),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_large_file_small_edits),
		cmocka_unit_test(test_many_scattered_edits),
		cmocka_unit_test(test_pathological_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
