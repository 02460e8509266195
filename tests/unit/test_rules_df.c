/*
 * test_rules_df.c - cmocka tests of the helpers private to the Dockerfile
 * rules (src/rules/dockerfile/dfhelp.c): bare "key" credential names,
 * secret-looking literals, and re-tagging a stage's base image in its FROM
 * or in the global ARG it is built from, inserting lines after an
 * instruction (an open continuation is closed first), and judging a
 * COPY/ADD source of the build context by its bytes, and the span of a
 * token of an instruction.
 * Reference: the Dockerfile reference (FROM, ARG before FROM).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/rules/dockerfile/dfhelp.h"
#include "dockfix/fix.h"
#include "dockfix/workspace.h"

/* ================================================================ helpers */

struct parsed {
	struct dfx_source src;
	struct dfx_dockerfile *df;
};

static void parse(struct parsed *p, const char *text)
{
	struct dfx_error err = {0};

	dfx_source_init_copy(&p->src, "Dockerfile", text, strlen(text));
	p->df = dfx_dockerfile_parse(&p->src, &err);
	assert_non_null(p->df);
	dfx_error_release(&err);
}

static void unparse(struct parsed *p)
{
	dfx_dockerfile_free(p->df);
	dfx_source_release(&p->src);
}

/* The text after applying a fix's edits. Caller frees. */
static char *apply(const struct parsed *p, const struct dfx_fix *fix)
{
	const struct dfx_edit **v = calloc(fix->nedits + 1, sizeof(*v));
	size_t len;
	char *out;

	for (size_t i = 0; i < fix->nedits; i++)
		v[i] = &fix->edits[i];
	out = dfx_fix_splice(p->src.data, p->src.len, v, fix->nedits, &len);
	free(v);
	return out;
}

static void test_names(void **state)
{
	(void)state;
	assert_true(dfx_dfhelp_bare_key_name("CACHE_KEY"));
	assert_true(dfx_dfhelp_bare_key_name("DefaultProcess__Filters__0__Key"));
	assert_false(dfx_dfhelp_bare_key_name("API_KEY"));
	assert_false(dfx_dfhelp_bare_key_name("apiKey"));
	assert_false(dfx_dfhelp_bare_key_name("AWS_SECRET_ACCESS_KEY"));
	assert_false(dfx_dfhelp_bare_key_name("LICENSE_KEY"));
	assert_false(dfx_dfhelp_bare_key_name("DB_PASSWORD"));
	assert_true(dfx_dfhelp_secretish_value("lgNvGyhnUKpa5PJi"));
	assert_false(dfx_dfhelp_secretish_value("ProcessId"));
	assert_false(dfx_dfhelp_secretish_value("v1.2.3-beta4"));
}


static void check_retag(const char *in, size_t stage, const char *tag, const char *want)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	bool ok;

	parse(&p, in);
	ok = dfx_dfhelp_retag(fix, "Dockerfile", p.df, &p.df->stages[stage], tag);
	if (!want) {
		assert_false(ok);
	} else {
		char *out = apply(&p, fix);

		assert_true(ok);
		assert_string_equal(out, want);
		free(out);
	}
	dfx_fix_free(fix);
	unparse(&p);
}

static void test_retag(void **state)
{
	(void)state;
	check_retag("FROM node:14\n", 0, "26", "FROM node:26\n");
	check_retag("FROM node\n", 0, "26", "FROM node:26\n");
	check_retag("FROM docker.io/library/node:14@sha256:abc AS b\n", 0, "26",
		    "FROM docker.io/library/node:26 AS b\n");
	check_retag("FROM localhost:5000/node:14\n", 0, "26", "FROM localhost:5000/node:26\n");
	check_retag("ARG V=14\nFROM node:${V}-alpine\n", 0, "26-alpine", "ARG V=26\nFROM node:${V}-alpine\n");
	check_retag("ARG IMG=\"python:3.8\"\nFROM $IMG\n", 0, "3.14", "ARG IMG=\"python:3.14\"\nFROM $IMG\n");
	/* variables in the name only: the written tag changes */
	check_retag("ARG REPO=mcr.microsoft.com/dotnet/runtime\nFROM $REPO:8.0-noble\n", 0, "10.0-noble",
		    "ARG REPO=mcr.microsoft.com/dotnet/runtime\nFROM $REPO:10.0-noble\n");
	check_retag("ARG R=docker.io\nFROM ${R}/node:14@sha256:abc\n", 0, "26", "ARG R=docker.io\nFROM ${R}/node:26\n");
	/* the suffix does not fit, two variables, a default that is itself a variable */
	check_retag("ARG V=14\nFROM node:${V}-alpine\n", 0, "26", NULL);
	check_retag("ARG R=docker.io\nARG V=14\nFROM ${R}/node:${V}\n", 0, "26", NULL);
	check_retag("ARG W=14\nARG V=$W\nFROM node:$V\n", 0, "26", NULL);
	/* an image word split by a continuation is left alone */
	check_retag("FROM node:\\\n14\n", 0, "26", NULL);
}

static void check_insert(const char *in, size_t instr, const char *want)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_SAFE, "t");
	char *out;

	parse(&p, in);
	dfx_dfhelp_insert_after(fix, "Dockerfile", p.df, &p.df->instrs[instr], "USER app\n");
	out = apply(&p, fix);
	assert_string_equal(out, want);
	free(out);
	dfx_fix_free(fix);
	unparse(&p);
}

static void test_insert_after(void **state)
{
	(void)state;
	check_insert("FROM x\nRUN a\nCMD b\n", 1, "FROM x\nRUN a\nUSER app\nCMD b\n");
	/* no final newline: nor after the insertion */
	check_insert("FROM x\nRUN a", 1, "FROM x\nRUN a\nUSER app");
	/* an open continuation at the end of the file is closed, not extended */
	check_insert("FROM x\nRUN apk add curl \\\n", 1, "FROM x\nRUN apk add curl\nUSER app\n");
	check_insert("FROM x\nRUN a \\", 1, "FROM x\nRUN a\nUSER app");
	check_insert("FROM x\nRUN a \\\n# last\n", 1, "FROM x\nRUN a\n# last\nUSER app\n");
}

static void test_context_source(void **state)
{
	char dir[] = "/tmp/dfx-ctx-XXXXXX", path[256];
	struct dfx_config cfg;
	struct dfx_workspace ws;
	static const unsigned char gz[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	f = fopen(path, "w");
	fputs("plain\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/vendor.bin", dir);
	f = fopen(path, "w");
	fwrite(gz, 1, sizeof(gz), f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/src", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	assert_int_equal(dfx_dfhelp_context_source(&ws, dir, "notes.txt"), DFX_SRC_FILE);
	assert_int_equal(dfx_dfhelp_context_source(&ws, dir, "./notes.txt"), DFX_SRC_FILE);
	assert_int_equal(dfx_dfhelp_context_source(&ws, dir, "/notes.txt"), DFX_SRC_FILE);
	assert_int_equal(dfx_dfhelp_context_source(&ws, dir, "vendor.bin"), DFX_SRC_ARCHIVE);
	assert_int_equal(dfx_dfhelp_context_source(&ws, dir, "src/"), DFX_SRC_DIR);
	assert_int_equal(dfx_dfhelp_context_source(&ws, dir, "missing.conf"), DFX_SRC_UNKNOWN);
	assert_int_equal(dfx_dfhelp_context_source(&ws, dir, "*.txt"), DFX_SRC_UNKNOWN);
	assert_int_equal(dfx_dfhelp_context_source(&ws, dir, "../notes.txt"), DFX_SRC_UNKNOWN);
	assert_int_equal(dfx_dfhelp_context_source(&ws, NULL, "notes.txt"), DFX_SRC_UNKNOWN);
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vendor.bin", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/src", dir);
	rmdir(path);
	rmdir(dir);
}

/* The source text of a token span. Caller frees. */
static char *span_text(const struct parsed *p, struct dfx_span sp)
{
	return dfx_xstrndup(p->src.data + sp.start, sp.end - sp.start);
}

static void test_token_span(void **state)
{
	struct parsed p;
	struct dfx_span sp;
	char *t;

	(void)state;
	parse(&p, "FROM x\nRUN apt-get install -y sudo \\\n && sudo-helper && /usr/bin/sudo -u a true\n"
		  "RUN <<EOF\nset -e\nsudo make\nEOF\n");
	/* words only: `sudo-helper` is not `sudo`; the path form counts */
	assert_true(dfx_dfhelp_token_span(&p.df->instrs[1], "sudo", true, 0, &sp));
	t = span_text(&p, sp);
	assert_string_equal(t, "sudo");
	assert_int_equal(sp.start, strstr(p.src.data, "sudo \\") - p.src.data);
	free(t);
	assert_true(dfx_dfhelp_token_span(&p.df->instrs[1], "sudo", true, 1, &sp));
	assert_int_equal(sp.start, strstr(p.src.data, "sudo -u") - p.src.data); /* across the continuation */
	assert_false(dfx_dfhelp_token_span(&p.df->instrs[1], "sudo", true, 2, &sp));
	assert_true(dfx_dfhelp_token_span(&p.df->instrs[1], "sudo-helper", false, 0, &sp));
	/* a heredoc body */
	assert_true(dfx_dfhelp_token_span(&p.df->instrs[2], "sudo", true, 0, &sp));
	assert_int_equal(sp.start, strstr(p.src.data, "sudo make") - p.src.data);
	assert_false(dfx_dfhelp_token_span(&p.df->instrs[2], "", true, 0, &sp));
	unparse(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_retag),
		cmocka_unit_test(test_insert_after),
		cmocka_unit_test(test_context_source),
		cmocka_unit_test(test_token_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
