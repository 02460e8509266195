/*
 * test_rules_df.c - cmocka tests of the helpers behind the Dockerfile
 * security rules DF101-DF407 (src/rules/dfutil.c): the shell command
 * splitter, variable and path mentions, deleting one ENV/ARG pair without
 * breaking continuations, the `# syntax=` edit for `env=` secret mounts,
 * the DF101/DF102 secret-mount fix, secret-looking file names, rm targets,
 * bare "key" names, production-image paths, build detection and re-tagging.
 * References: SPEC.md section 3; research/dockerfile-anchors.md 3.4-3.9.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/rules/dockerfile/dfutil.h"
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

/* The program of command k of `text`, wrappers skipped. */
static const char *prog_of(struct dfx_sh_script *s, size_t k)
{
	size_t p;

	assert_true(k < s->n);
	p = dfx_sh_real_prog(&s->cmds[k]);
	return p < s->cmds[k].argc ? dfx_sh_base(s->cmds[k].argv[p]) : "";
}

/* ================================================================ shell */

static void test_shell_split(void **state)
{
	struct dfx_sh_script s = {0};
	const char *t = "A=1 sudo -u app env X=2 make install && curl -fsSL 'https://x/a b' | sh -s -- -y; "
			"echo \"$(wget -qO- https://y)\" > /dev/null 2>&1\n# comment | bash\nfor f in *.tar; do tar xf $f; done";

	(void)state;
	dfx_sh_parse(&s, t, strlen(t));
	assert_int_equal(s.n, 8);
	assert_string_equal(s.cmds[0].argv[s.cmds[0].prog], "sudo");
	assert_string_equal(prog_of(&s, 0), "make");
	assert_false(s.cmds[0].piped);
	assert_string_equal(prog_of(&s, 1), "curl");
	assert_string_equal(s.cmds[1].argv[2], "https://x/a b");
	assert_true(s.cmds[1].piped);
	assert_string_equal(prog_of(&s, 2), "sh");
	assert_string_equal(prog_of(&s, 3), "echo");
	assert_int_equal(s.cmds[3].argc, 2); /* the redirections are not words */
	assert_int_equal(s.cmds[4].prog, s.cmds[4].argc); /* for ... in: no program */
	assert_string_equal(prog_of(&s, 5), "tar");
	assert_int_equal(s.cmds[6].prog, s.cmds[6].argc); /* done */
	assert_true(s.cmds[7].subst);
	assert_string_equal(prog_of(&s, 7), "wget");
	dfx_sh_release(&s);
}

static void test_shell_heredoc_and_quotes(void **state)
{
	struct dfx_sh_script s = {0};
	const char *t = "cat <<EOF > /etc/x\nsudo rm -rf /\nEOF\nprintf '%s|%s' a b; command -v sudo";

	(void)state;
	dfx_sh_parse(&s, t, strlen(t));
	assert_int_equal(s.n, 3);
	assert_string_equal(prog_of(&s, 0), "cat");
	assert_string_equal(prog_of(&s, 1), "printf");
	assert_false(s.cmds[1].piped);
	/* `command -v sudo` looks sudo up: command is not a wrapper here */
	assert_string_equal(prog_of(&s, 2), "command");
	dfx_sh_release(&s);
}

static void test_shell_run_forms(void **state)
{
	struct parsed p;
	struct dfx_sh_script s = {0};

	(void)state;
	parse(&p, "FROM x\n"
		  "RUN [\"sh\", \"-ec\", \"curl -k https://a | bash\"]\n"
		  "RUN [\"sudo\", \"make\"]\n"
		  "RUN <<EOF bash\nset -e\nsudo id\nEOF\n"
		  "RUN cat <<EOF > /opt/notes\nsudo is not run here\nEOF\n"
		  "RUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n");
	dfx_sh_run(&s, &p.df->instrs[1]);
	assert_int_equal(s.n, 2);
	assert_string_equal(prog_of(&s, 1), "bash");
	dfx_sh_release(&s);
	dfx_sh_run(&s, &p.df->instrs[2]);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.cmds[0].argv[0], "sudo");
	dfx_sh_release(&s);
	dfx_sh_run(&s, &p.df->instrs[3]);
	assert_int_equal(s.n, 3); /* bash, set, sudo id */
	assert_string_equal(prog_of(&s, 2), "id");
	dfx_sh_release(&s);
	dfx_sh_run(&s, &p.df->instrs[4]);
	assert_int_equal(s.n, 1); /* the body is file content */
	dfx_sh_release(&s);
	dfx_sh_run(&s, &p.df->instrs[5]);
	assert_int_equal(s.n, 0); /* a python script */
	dfx_sh_release(&s);
	unparse(&p);
}

/* ================================================================ mentions */

static void test_mentions(void **state)
{
	struct parsed p;

	(void)state;
	assert_true(dfx_dfu_mentions_var("echo $TOKEN", "TOKEN"));
	assert_true(dfx_dfu_mentions_var("echo ${TOKEN:-x}", "TOKEN"));
	assert_false(dfx_dfu_mentions_var("echo $TOKENS ${TOKEN_ID}", "TOKEN"));
	assert_false(dfx_dfu_mentions_var("echo TOKEN", "TOKEN"));
	parse(&p, "FROM x\nRUN . /app/.env && cat .env.example /app/.envrc\n"
		  "RUN --mount=type=secret,id=env,dst=/app/.env true\n");
	assert_true(dfx_dfu_run_mentions_path(&p.df->instrs[1], "/app/.env"));
	assert_false(dfx_dfu_run_mentions_path(&p.df->instrs[1], ".env"));
	assert_true(dfx_dfu_has_secret_mount(&p.df->instrs[2], "target", "/app/.env"));
	assert_true(dfx_dfu_has_secret_mount(&p.df->instrs[2], "id", "env"));
	assert_false(dfx_dfu_has_secret_mount(&p.df->instrs[2], "env", "ENV"));
	unparse(&p);
}

/* ================================================================ pair deletion */

static void check_delete(const char *in, size_t instr, size_t k, const char *want)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	char *out;
	struct dfx_error err = {0};
	struct dfx_source s2;
	struct dfx_dockerfile *df2;

	parse(&p, in);
	dfx_dfu_delete_pair(fix, "Dockerfile", p.df, &p.df->instrs[instr], k);
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
	check_delete("FROM x\nENV A=1\nRUN true\n", 1, 0, "FROM x\nRUN true\n");
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

/* ================================================================ syntax directive */

static void check_syntax(const char *in, const char *want)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	char *out;
	bool added;

	parse(&p, in);
	added = dfx_dfu_syntax_edit(fix, "Dockerfile", p.df);
	out = apply(&p, fix);
	assert_string_equal(out, want);
	assert_int_equal(added, strcmp(in, want) != 0);
	free(out);
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

/* ================================================================ secret mounts */

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
	n = dfx_dfu_secret_pair_fix_env(fix, "Dockerfile", p.df, 1, 0, false, &lines, &nenv);
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
	n = dfx_dfu_secret_pair_fix(fix, "Dockerfile", p.df, 1, 0, true, NULL);
	assert_int_equal(n, 1); /* the stage built FROM base, not the unrelated one */
	dfx_fix_free(fix);
	unparse(&p);
}

/* ================================================================ names and paths */

static void test_secret_files(void **state)
{
	const char *what;

	(void)state;
	assert_true(dfx_dfu_secret_file(".env", &what));
	assert_true(dfx_dfu_secret_file("config/.env.production", NULL));
	assert_true(dfx_dfu_secret_file(".envrc", NULL));
	assert_false(dfx_dfu_secret_file(".env.example", NULL));
	assert_false(dfx_dfu_secret_file(".env.sample", NULL));
	assert_false(dfx_dfu_secret_file(".environment", NULL));
	assert_true(dfx_dfu_secret_file("certs/server.key", NULL));
	assert_true(dfx_dfu_secret_file("privkey.pem", NULL));
	assert_false(dfx_dfu_secret_file("certs/ca.pem", NULL));
	assert_false(dfx_dfu_secret_file("fullchain.pem", NULL));
	assert_false(dfx_dfu_secret_file("nodesource.gpg.key", NULL));
	assert_false(dfx_dfu_secret_file("dh2048.pem", NULL));
	assert_true(dfx_dfu_secret_file("id_ed25519", NULL));
	assert_false(dfx_dfu_secret_file("id_ed25519.pub", NULL));
	assert_true(dfx_dfu_secret_file("home/.ssh/", &what));
	assert_string_equal(what, "SSH directory (.ssh/)");
	assert_false(dfx_dfu_secret_file(".ssh/known_hosts", NULL));
	assert_true(dfx_dfu_secret_file(".aws/credentials", NULL));
	assert_true(dfx_dfu_secret_file(".npmrc", NULL));
	assert_true(dfx_dfu_secret_file("gcp-credentials.json", NULL));
	assert_true(dfx_dfu_secret_file("store.p12", NULL));
	assert_true(dfx_dfu_secret_file("kubeconfig.yaml", NULL));
	assert_false(dfx_dfu_secret_file("package.json", NULL));
}

static void test_copy_and_rm(void **state)
{
	struct parsed p;
	struct dfx_dfu_copied *v;
	char **t, *wd;
	size_t n, nt;

	(void)state;
	parse(&p, "FROM alpine:3.22\nWORKDIR /app\nCOPY .env ./\nCOPY .ssh /root/.ssh\nCOPY x.pem y.key /etc/ssl/\n"
		  "RUN rm -f .env && sudo rm -rf -- /root/.ssh/id_rsa /etc/ssl/*.key \"$X\"\n");
	wd = dfx_dfu_workdir(p.df, 2);
	assert_string_equal(wd, "/app");
	free(wd);
	n = dfx_dfu_copied_secrets(p.df, &v);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].target, "/app/.env");
	assert_string_equal(v[1].target, "/root/.ssh");
	assert_true(v[1].dir);
	assert_string_equal(v[2].target, "/etc/ssl/x.pem");
	assert_string_equal(v[3].target, "/etc/ssl/y.key");
	nt = dfx_dfu_rm_targets(p.df, 5, &t);
	assert_int_equal(nt, 3);
	assert_string_equal(t[0], "/app/.env");
	assert_true(dfx_dfu_removes(&v[0], t[0]));
	assert_true(dfx_dfu_removes(&v[1], t[1])); /* a file inside the copied directory */
	assert_true(dfx_dfu_removes(&v[3], t[2])); /* a wildcard */
	assert_false(dfx_dfu_removes(&v[2], t[2]));
	for (size_t k = 0; k < nt; k++)
		free(t[k]);
	free(t);
	dfx_dfu_copied_free(v, n);
	unparse(&p);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(dfx_dfu_bare_key_name("CACHE_KEY"));
	assert_true(dfx_dfu_bare_key_name("DefaultProcess__Filters__0__Key"));
	assert_false(dfx_dfu_bare_key_name("API_KEY"));
	assert_false(dfx_dfu_bare_key_name("apiKey"));
	assert_false(dfx_dfu_bare_key_name("AWS_SECRET_ACCESS_KEY"));
	assert_false(dfx_dfu_bare_key_name("LICENSE_KEY"));
	assert_false(dfx_dfu_bare_key_name("DB_PASSWORD"));
	assert_true(dfx_dfu_secretish_value("lgNvGyhnUKpa5PJi"));
	assert_false(dfx_dfu_secretish_value("ProcessId"));
	assert_false(dfx_dfu_secretish_value("v1.2.3-beta4"));
	assert_true(dfx_dfu_nonprod_path("Dockerfile.dev"));
	assert_true(dfx_dfu_nonprod_path("docker/build.Dockerfile"));
	assert_true(dfx_dfu_nonprod_path("services/api/tests/Dockerfile"));
	assert_true(dfx_dfu_nonprod_path(".devcontainer/Dockerfile"));
	assert_true(dfx_dfu_nonprod_path("acme__app__testdata__Dockerfile"));
	assert_false(dfx_dfu_nonprod_path("services/api/Dockerfile"));
	assert_false(dfx_dfu_nonprod_path("Dockerfile.prod"));
	assert_false(dfx_dfu_nonprod_path("latest/Dockerfile"));
}

/* ================================================================ builds and images */

static void test_build_scan(void **state)
{
	struct parsed p;
	struct dfx_dfu_build b;

	(void)state;
	parse(&p, "FROM node:24\nRUN pnpm install --frozen-lockfile\nRUN pnpm run build:prod\n");
	assert_int_equal(dfx_dfu_build_scan(p.df, 0, &b), DFX_ECO_NODE);
	assert_string_equal(b.what, "pnpm run build:prod");
	assert_int_equal(b.build_at, 2);
	unparse(&p);
	parse(&p, "FROM alpine:3.22\nRUN apk add --virtual .deps gcc make && make && apk del .deps\n");
	assert_int_equal(dfx_dfu_build_scan(p.df, 0, &b), DFX_ECO_NONE);
	unparse(&p);
	parse(&p, "FROM python:3.13-slim\nRUN apt-get install -y build-essential\nRUN pip install -r r.txt\n");
	assert_int_equal(dfx_dfu_build_scan(p.df, 0, &b), DFX_ECO_PIP);
	unparse(&p);
	parse(&p, "FROM node:24-slim\nRUN npm ci --omit=dev\n");
	assert_int_equal(dfx_dfu_build_scan(p.df, 0, &b), DFX_ECO_NONE);
	unparse(&p);
}

static void check_retag(const char *in, size_t stage, const char *tag, const char *want)
{
	struct parsed p;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "t");
	bool ok;

	parse(&p, in);
	ok = dfx_dfu_retag(fix, "Dockerfile", p.df, &p.df->stages[stage], tag);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_split),
		cmocka_unit_test(test_shell_heredoc_and_quotes),
		cmocka_unit_test(test_shell_run_forms),
		cmocka_unit_test(test_mentions),
		cmocka_unit_test(test_delete_pair),
		cmocka_unit_test(test_syntax_edit),
		cmocka_unit_test(test_secret_pair_fix),
		cmocka_unit_test(test_secret_env_inherits),
		cmocka_unit_test(test_secret_files),
		cmocka_unit_test(test_copy_and_rm),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_build_scan),
		cmocka_unit_test(test_retag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
