/*
 * test_build.c - cmocka tests of the build facts (src/model/build.c):
 * build detection per ecosystem, non-production Dockerfile paths,
 * WORKDIR tracking, secret-looking files copied in and removed again, the
 * image a stage is built FROM and the stages of the final image.
 * Reference: the Dockerfile reference (FROM, WORKDIR, COPY, ADD).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/build.h"

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

/* Whether `COPY <name> /dst/` copies a secret-looking file; *what its kind. */
static bool copies_secret(const char *name, const char **what)
{
	struct parsed p;
	struct dfx_build_copied *v;
	char *text = dfx_xasprintf("FROM alpine:3.22\nCOPY %s /dst/\n", name);
	size_t n;

	parse(&p, text);
	n = dfx_build_copied_secrets(p.df, &v);
	assert_true(n <= 1);
	if (n && what)
		*what = v[0].what;
	dfx_build_copied_free(v, n);
	unparse(&p);
	free(text);
	return n == 1;
}

static void test_secret_files(void **state)
{
	const char *what;

	(void)state;
	assert_true(copies_secret(".env", &what));
	assert_true(copies_secret("config/.env.production", NULL));
	assert_true(copies_secret(".envrc", NULL));
	assert_false(copies_secret(".env.example", NULL));
	assert_false(copies_secret(".env.sample", NULL));
	assert_false(copies_secret(".environment", NULL));
	assert_true(copies_secret("certs/server.key", NULL));
	assert_true(copies_secret("privkey.pem", NULL));
	assert_false(copies_secret("certs/ca.pem", NULL));
	assert_false(copies_secret("fullchain.pem", NULL));
	assert_false(copies_secret("nodesource.gpg.key", NULL));
	assert_false(copies_secret("dh2048.pem", NULL));
	assert_true(copies_secret("id_ed25519", NULL));
	assert_false(copies_secret("id_ed25519.pub", NULL));
	assert_true(copies_secret("home/.ssh/", &what));
	assert_string_equal(what, "SSH directory (.ssh/)");
	assert_false(copies_secret(".ssh/known_hosts", NULL));
	assert_true(copies_secret(".aws/credentials", NULL));
	assert_true(copies_secret(".npmrc", NULL));
	assert_true(copies_secret("gcp-credentials.json", NULL));
	assert_true(copies_secret("store.p12", NULL));
	assert_true(copies_secret("kubeconfig.yaml", NULL));
	assert_false(copies_secret("package.json", NULL));
}

static void test_copy_and_rm(void **state)
{
	struct parsed p;
	struct dfx_build_copied *v;
	char **t, *wd;
	size_t n, nt;

	(void)state;
	parse(&p, "FROM alpine:3.22\nWORKDIR /app\nCOPY .env ./\nCOPY .ssh /root/.ssh\nCOPY x.pem y.key /etc/ssl/\n"
		  "RUN rm -f .env && sudo rm -rf -- /root/.ssh/id_rsa /etc/ssl/*.key \"$X\"\n");
	wd = dfx_build_workdir(p.df, 2);
	assert_string_equal(wd, "/app");
	free(wd);
	n = dfx_build_copied_secrets(p.df, &v);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].target, "/app/.env");
	assert_string_equal(v[1].target, "/root/.ssh");
	assert_true(v[1].dir);
	assert_string_equal(v[2].target, "/etc/ssl/x.pem");
	assert_string_equal(v[3].target, "/etc/ssl/y.key");
	wd = dfx_build_workdir(p.df, 5);
	nt = dfx_build_rm_targets(p.df, 5, wd, &t);
	free(wd);
	assert_int_equal(nt, 3);
	assert_string_equal(t[0], "/app/.env");
	assert_true(dfx_build_removes(&v[0], t[0]));
	assert_true(dfx_build_removes(&v[1], t[1])); /* a file inside the copied directory */
	assert_true(dfx_build_removes(&v[3], t[2])); /* a wildcard */
	assert_false(dfx_build_removes(&v[2], t[2]));
	for (size_t k = 0; k < nt; k++)
		free(t[k]);
	free(t);
	dfx_build_copied_free(v, n);
	unparse(&p);
}

static void test_nonprod_path(void **state)
{
	(void)state;
	assert_true(dfx_build_nonprod_path("Dockerfile.dev"));
	assert_true(dfx_build_nonprod_path("docker/build.Dockerfile"));
	assert_true(dfx_build_nonprod_path("services/api/tests/Dockerfile"));
	assert_true(dfx_build_nonprod_path(".devcontainer/Dockerfile"));
	assert_true(dfx_build_nonprod_path("acme__app__testdata__Dockerfile"));
	assert_false(dfx_build_nonprod_path("services/api/Dockerfile"));
	assert_false(dfx_build_nonprod_path("Dockerfile.prod"));
	assert_false(dfx_build_nonprod_path("latest/Dockerfile"));
}

static void test_build_scan(void **state)
{
	struct parsed p;
	struct dfx_build_steps b;

	(void)state;
	parse(&p, "FROM node:24\nRUN pnpm install --frozen-lockfile\nRUN pnpm run build:prod\n");
	assert_int_equal(dfx_build_scan(p.df, 0, &b), DFX_ECO_NODE);
	assert_string_equal(b.what, "pnpm run build:prod");
	assert_int_equal(b.build_at, 2);
	unparse(&p);
	parse(&p, "FROM alpine:3.22\nRUN apk add --virtual .deps gcc make && make && apk del .deps\n");
	assert_int_equal(dfx_build_scan(p.df, 0, &b), DFX_ECO_NONE);
	unparse(&p);
	parse(&p, "FROM python:3.13-slim\nRUN apt-get install -y build-essential\nRUN pip install -r r.txt\n");
	assert_int_equal(dfx_build_scan(p.df, 0, &b), DFX_ECO_PIP);
	unparse(&p);
	parse(&p, "FROM node:24-slim\nRUN npm ci --omit=dev\n");
	assert_int_equal(dfx_build_scan(p.df, 0, &b), DFX_ECO_NONE);
	unparse(&p);
}

static void test_stages(void **state)
{
	struct parsed p;
	struct dfx_imageref ref;
	struct dfx_build_wds w;

	(void)state;
	parse(&p, "ARG V=3.22\nFROM alpine:${V} AS base\nWORKDIR /srv\nFROM base AS app\nWORKDIR data\n"
		  "FROM golang:1.25 AS tool\nFROM app\nFROM $NOPE\n");
	assert_true(dfx_build_stage_image(p.df, &p.df->stages[0], &ref));
	assert_string_equal(ref.tag, "3.22");
	dfx_image_release(&ref);
	assert_false(dfx_build_stage_image(p.df, &p.df->stages[1], &ref)); /* FROM another stage */
	assert_false(dfx_build_stage_image(p.df, &p.df->stages[4], &ref)); /* unresolved */
	/* the final stage is FROM $NOPE: only it is in the final image */
	assert_true(dfx_build_stage_in_final(p.df, 4));
	assert_false(dfx_build_stage_in_final(p.df, 0));
	unparse(&p);
	parse(&p, "FROM alpine:3.22 AS base\nWORKDIR /srv\nFROM base AS app\nWORKDIR data\nFROM golang:1.25\nFROM app\n");
	assert_true(dfx_build_stage_in_final(p.df, 0));
	assert_true(dfx_build_stage_in_final(p.df, 1));
	assert_false(dfx_build_stage_in_final(p.df, 2));
	dfx_build_workdirs(p.df, &w);
	assert_string_equal(w.at[1], "/srv");
	assert_string_equal(w.at[3], "/srv/data");
	assert_string_equal(w.at[4], "/");
	assert_string_equal(w.at[5], "/srv/data"); /* FROM app starts in app's directory */
	dfx_build_workdirs_release(&w);
	unparse(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_files),
		cmocka_unit_test(test_copy_and_rm),
		cmocka_unit_test(test_nonprod_path),
		cmocka_unit_test(test_build_scan),
		cmocka_unit_test(test_stages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
