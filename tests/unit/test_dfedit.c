/*
 * test_dfedit.c - cmocka tests of the shared Dockerfile edits
 * (src/rules/dfedit.c): deleting one ENV/ARG pair without breaking
 * continuations, the `# syntax=` directive a secret mount with `env=`
 * needs, the DF101/DF102/DC107 secret-mount fix, secret mounts already
 * there, deleting an instruction.
 * Reference: the Dockerfile reference (parser directives, RUN --mount);
 * BuildKit build secrets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/dfedit.h"
#include "dockfix/fix.h"

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

static void check_delete(const char *in, size_t instr, size_t k, const char *want)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	char *out;
	struct dfx_error err = {0};
	struct dfx_source s2;
	struct dfx_dockerfile *df2;

	parse(&p, in);
	assert_int_equal(dfx_dfedit_secret_fix(fix, "Dockerfile", p.df, instr, k, false, NULL, NULL, NULL), 0);
	out = apply(&p, fix);
	assert_string_equal(out, want);
	/* the result still parses */
	dfx_source_init_copy(&s2, "Dockerfile", out, strlen(out));
	df2 = dfx_dockerfile_parse(&s2, &err);
	assert_non_null(df2);
	dfx_dockerfile_free(df2);
	dfx_source_release(&s2);
	dfx_error_release(&err);
	free(out);
	dfx_fix_free(fix);
	unparse(&p);
}

static void test_delete_pair(void **state)
{
	(void)state;
	/* the only pair: the whole instruction */
	check_delete("FROM x\nENV A=1\nCMD true\n", 1, 0, "FROM x\nCMD true\n");
	/* first, middle and last pair of a continuation */
	check_delete("FROM x\nENV A=1 \\\n    B=2 \\\n    C=3\n", 1, 0, "FROM x\nENV B=2 \\\n    C=3\n");
	check_delete("FROM x\nENV A=1 \\\n    B=2 \\\n    C=3\n", 1, 1, "FROM x\nENV A=1 \\\n    C=3\n");
	check_delete("FROM x\nENV A=1 \\\n    B=2 \\\n    C=3\n", 1, 2, "FROM x\nENV A=1 \\\n    B=2\n");
	/* ARG without default, CRLF, backtick escape */
	check_delete("FROM x\r\nARG A \\\r\n  B\r\n", 1, 1, "FROM x\r\nARG A\r\n");
	check_delete("# escape=`\nFROM x\nENV A=1 `\n    B=\"two words\"\n", 1, 1, "# escape=`\nFROM x\nENV A=1\n");
	/* quoted values with blanks */
	check_delete("FROM x\nENV A=\"x y\" B='z w'\n", 1, 0, "FROM x\nENV B='z w'\n");
	/* no final newline: the file still ends without one */
	check_delete("FROM x\nENV A=1", 1, 0, "FROM x");
	check_delete("FROM x\r\nENV A=1", 1, 0, "FROM x");
	check_delete("FROM x\nENV A=1 B=2", 1, 1, "FROM x\nENV A=1");
}

/* The syntax line the secret fix gives `in` + "ARG T\nRUN echo $T\n". */
static void check_syntax(const char *in, const char *want)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	char *text = dfx_xasprintf("%sARG T\nRUN echo $T\n", in);
	char *out, *expect = dfx_xasprintf("%sRUN --mount=type=secret,id=t,env=T echo $T\n", want);

	parse(&p, text);
	assert_int_equal(dfx_dfedit_secret_fix(fix, "Dockerfile", p.df, p.df->ninstrs - 2, 0, false, NULL, NULL, NULL), 1);
	out = apply(&p, fix);
	assert_string_equal(out, expect);
	free(out);
	free(expect);
	free(text);
	dfx_fix_free(fix);
	unparse(&p);
}

static void test_syntax_edit(void **state)
{
	(void)state;
	check_syntax("FROM x\n", "# syntax=docker/dockerfile:1\nFROM x\n");
	check_syntax("FROM x\r\n", "# syntax=docker/dockerfile:1\r\nFROM x\r\n");
	check_syntax("\xEF\xBB\xBF" "FROM x\n", "\xEF\xBB\xBF# syntax=docker/dockerfile:1\nFROM x\n");
	/* inside the directive block, never before it as something else */
	check_syntax("# escape=`\nFROM x\n", "# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n");
	check_syntax("# syntax=docker/dockerfile:1.4\nFROM x\n", "# syntax=docker/dockerfile:1\nFROM x\n");
	check_syntax("# syntax = docker/dockerfile:1.3-labs\nFROM x\n", "# syntax = docker/dockerfile:1-labs\nFROM x\n");
	check_syntax("#syntax=docker.io/docker/dockerfile:1.2@sha256:abc\nFROM x\n",
		     "#syntax=docker/dockerfile:1\nFROM x\n");
	/* new enough, or not Docker's frontend: unchanged */
	check_syntax("# syntax=docker/dockerfile:1\nFROM x\n", "# syntax=docker/dockerfile:1\nFROM x\n");
	check_syntax("# syntax=docker/dockerfile:1.10\nFROM x\n", "# syntax=docker/dockerfile:1.10\nFROM x\n");
	check_syntax("# syntax=docker/dockerfile:1.12.0-labs\nFROM x\n",
		     "# syntax=docker/dockerfile:1.12.0-labs\nFROM x\n");
	check_syntax("# syntax=edrevo/dockerfile-plus\nFROM x\n", "# syntax=edrevo/dockerfile-plus\nFROM x\n");
}

static void test_secret_pair_fix(void **state)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	struct dfx_buf lines = DFX_BUF_INIT;
	char *out;
	size_t n, nenv;

	(void)state;
	parse(&p, "FROM amazon/aws-cli:2\n"
		  "ARG AWS_SECRET_ACCESS_KEY\n"
		  "ENV AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}\n"
		  "RUN --network=none echo $AWS_SECRET_ACCESS_KEY\n"
		  "RUN aws s3 ls\n"
		  "RUN echo unrelated\n"
		  "RUN --mount=type=secret,id=k,env=AWS_SECRET_ACCESS_KEY echo done\n"
		  "FROM alpine:3.22\n"
		  "RUN echo $AWS_SECRET_ACCESS_KEY\n");
	n = dfx_dfedit_secret_fix(fix, "Dockerfile", p.df, 1, 0, false, &lines, &nenv, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(nenv, 1);
	assert_string_equal(lines.ptr, "4, 5");
	out = apply(&p, fix);
	assert_string_equal(out,
			    "# syntax=docker/dockerfile:1\n"
			    "FROM amazon/aws-cli:2\n"
			    "RUN --network=none --mount=type=secret,id=aws_secret_access_key,env=AWS_SECRET_ACCESS_KEY "
			    "echo $AWS_SECRET_ACCESS_KEY\n"
			    "RUN --mount=type=secret,id=aws_secret_access_key,env=AWS_SECRET_ACCESS_KEY aws s3 ls\n"
			    "RUN echo unrelated\n"
			    "RUN --mount=type=secret,id=k,env=AWS_SECRET_ACCESS_KEY echo done\n"
			    "FROM alpine:3.22\n"
			    "RUN echo $AWS_SECRET_ACCESS_KEY\n");
	free(out);
	dfx_buf_release(&lines);
	dfx_fix_free(fix);
	unparse(&p);
}

static void test_secret_env_inherits(void **state)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	size_t n;

	(void)state;
	parse(&p, "FROM node:24 AS base\nENV NPM_TOKEN=x1y2\nFROM base AS build\nRUN npm ci\nFROM node:24\nRUN npm ci\n");
	n = dfx_dfedit_secret_fix(fix, "Dockerfile", p.df, 1, 0, true, NULL, NULL, NULL);
	assert_int_equal(n, 1); /* the stage built FROM base, not the unrelated one */
	dfx_fix_free(fix);
	unparse(&p);
}

/* No RUN names the variable and no known tool reads it: every RUN that had it gets the secret. */
static void test_secret_every_run(void **state)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	struct dfx_buf lines = DFX_BUF_INIT;
	bool every = false;
	size_t n;
	char *out;

	(void)state;
	parse(&p, "FROM node:22 AS build\nRUN echo before\nARG SENTRY_AUTH_TOKEN\nRUN npm ci\nRUN npm run build\n"
		  "FROM nginx:1.29\nRUN echo other stage\n");
	n = dfx_dfedit_secret_fix(fix, "Dockerfile", p.df, 2, 0, false, &lines, NULL, &every);
	assert_int_equal(n, 2);
	assert_true(every);
	assert_string_equal(lines.ptr, "4, 5");
	out = apply(&p, fix);
	assert_string_equal(out, "# syntax=docker/dockerfile:1\nFROM node:22 AS build\nRUN echo before\n"
				 "RUN --mount=type=secret,id=sentry_auth_token,env=SENTRY_AUTH_TOKEN npm ci\n"
				 "RUN --mount=type=secret,id=sentry_auth_token,env=SENTRY_AUTH_TOKEN npm run build\n"
				 "FROM nginx:1.29\nRUN echo other stage\n");
	free(out);
	dfx_buf_release(&lines);
	dfx_fix_free(fix);
	unparse(&p);
	/* a step that names it: only that one, and `every` stays false */
	fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	parse(&p, "FROM node:22\nARG SENTRY_AUTH_TOKEN\nRUN npm ci\nRUN sentry-cli --auth-token \"$SENTRY_AUTH_TOKEN\" x\n");
	n = dfx_dfedit_secret_fix(fix, "Dockerfile", p.df, 1, 0, false, NULL, NULL, &every);
	assert_int_equal(n, 1);
	assert_false(every);
	dfx_fix_free(fix);
	unparse(&p);
}

static void test_has_secret_mount(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, "FROM x\nRUN --mount=type=secret,id=env,dst=/app/.env true\n"
		  "RUN --mount=type=bind,target=/app/.env true\n");
	assert_true(dfx_dfedit_has_secret_mount(&p.df->instrs[1], "target", "/app/.env"));
	assert_true(dfx_dfedit_has_secret_mount(&p.df->instrs[1], "id", "env"));
	assert_false(dfx_dfedit_has_secret_mount(&p.df->instrs[1], "env", "ENV"));
	assert_false(dfx_dfedit_has_secret_mount(&p.df->instrs[2], "target", "/app/.env")); /* not a secret */
	unparse(&p);
}

static void test_secret_id_and_delete(void **state)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	char *id = dfx_dfedit_secret_id("NPM_Token"), *out;

	(void)state;
	assert_string_equal(id, "npm_token");
	free(id);
	parse(&p, "FROM x\nRUN true\nUSER app");
	dfx_dfedit_delete_instr(fix, "Dockerfile", p.df, &p.df->instrs[2]);
	out = apply(&p, fix);
	assert_string_equal(out, "FROM x\nRUN true");
	free(out);
	dfx_fix_free(fix);
	unparse(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delete_pair),
		cmocka_unit_test(test_syntax_edit),
		cmocka_unit_test(test_secret_pair_fix),
		cmocka_unit_test(test_secret_env_inherits),
		cmocka_unit_test(test_secret_every_run),
		cmocka_unit_test(test_has_secret_mount),
		cmocka_unit_test(test_secret_id_and_delete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
