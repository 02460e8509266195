/*
 * test_compose_edit.c - unit tests of the compose-level edits
 * (src/model/compose_edit.c): adding a key to a service (and the path it
 * declares), granting a secret to a service and declaring a top-level
 * secret in every layout the helpers accept (block and flow lists, short
 * and long entries, empty keys, 4-space and indentless files, CRLF, no
 * final newline), the cases where they decline, and mounting short- and
 * long-syntax volumes read-only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"

/* ---------------------------------------------------------------- helpers */

struct fixture {
	struct dfx_source src;
	struct dfx_compose *c;
};

static struct dfx_compose *load(struct fixture *f, const char *text)
{
	struct dfx_error err = {0};

	dfx_source_init_copy(&f->src, "compose.yaml", text, strlen(text));
	f->c = dfx_compose_parse(&f->src, &err);
	if (!f->c)
		fail_msg("compose parse failed: %u:%u: %s", err.line, err.col, err.message);
	dfx_error_release(&err);
	return f->c;
}

static void unload(struct fixture *f)
{
	dfx_compose_free(f->c);
	dfx_source_release(&f->src);
}

static const struct dfx_compose_service *svc(const struct dfx_compose *c, const char *name)
{
	const struct dfx_compose_service *s = dfx_compose_service_find(c, name);

	assert_non_null(s);
	return s;
}

static char *to_crlf(const char *s)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (; *s; s++) {
		if (*s == '\n')
			dfx_buf_addc(&b, '\r');
		dfx_buf_addc(&b, *s);
	}
	return dfx_buf_detach(&b);
}

/* Apply the edits; the result must equal want and pass the libyaml verifier. */
static void expect_edits(struct dfx_compose *c, struct dfx_yaml_edits *e, const char *want,
			 const char *allowed)
{
	size_t len = 0;
	char *out = dfx_yaml_edits_apply(c->src->data, c->src->len, e, &len);
	struct dfx_buf why = DFX_BUF_INIT;
	char *paths[1];

	assert_non_null(out);
	if (strcmp(out, want)) {
		fprintf(stderr, "--- got ---\n%s\n--- want ---\n%s\n---\n", out, want);
		fail();
	}
	paths[0] = (char *)(allowed ? allowed : "/");
	if (dfx_yaml_verify(c->src->data, c->src->len, out, len, paths, 1, &why) != 0)
		fail_msg("verify: %s", why.ptr);
	dfx_buf_release(&why);
	free(out);
}

/* ---------------------------------------------------------------- secrets */

static void test_edit_secrets_block(void **state)
{
	struct fixture fx;
	struct dfx_compose *c = load(&fx, "services:\n  db:\n    image: postgres\n    environment:\n"
				   "      POSTGRES_PASSWORD: x\n  web:\n    image: nginx\n\n"
				   "volumes:\n  data: {}\n");
	struct dfx_yaml_edits e;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "db"), "db_password", &e), 0);
	assert_int_equal(dfx_compose_edit_declare_secret(c, "db_password", "./secrets/db_password.txt", &e), 0);
	expect_edits(c, &e,
		     "services:\n  db:\n    image: postgres\n    environment:\n"
		     "      POSTGRES_PASSWORD: x\n    secrets:\n      - db_password\n  web:\n"
		     "    image: nginx\n\nvolumes:\n  data: {}\n\nsecrets:\n  db_password:\n"
		     "    file: ./secrets/db_password.txt\n",
		     NULL);
	dfx_yaml_edits_release(&e);
	unload(&fx);
}

static void test_edit_secrets_variants(void **state)
{
	struct dfx_yaml_edits e;
	struct fixture fx;
	struct dfx_compose *c;
	char *in, *want;

	(void)state;
	/* 4-space, indentless, existing block and flow lists, existing top-level block, no final newline */
	c = load(&fx, "services:\n    a:\n        secrets:\n        - api_key\n    b:\n        secrets: [api_key]\n"
		  "    c:\n        image: x\nsecrets:\n    api_key:\n        file: ./k.txt");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "a"), "db", &e), 0);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "b"), "db", &e), 0);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "c"), "db", &e), 0);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "a"), "api_key", &e), 1);
	assert_int_equal(dfx_compose_edit_declare_secret(c, "db", "./secrets/db.txt", &e), 0);
	assert_int_equal(dfx_compose_edit_declare_secret(c, "api_key", "./x", &e), 1);
	expect_edits(c, &e,
		     "services:\n    a:\n        secrets:\n        - api_key\n        - db\n    b:\n"
		     "        secrets: [api_key, db]\n    c:\n        image: x\n        secrets:\n"
		     "        - db\nsecrets:\n    api_key:\n        file: ./k.txt\n    db:\n"
		     "        file: ./secrets/db.txt",
		     NULL);
	dfx_yaml_edits_release(&e);
	unload(&fx);

	/* CRLF, no final newline, top-level secrets created at the end after a trailing comment */
	in = to_crlf("services:\n  db:\n    image: pg\n# end");
	want = to_crlf("services:\n  db:\n    image: pg\n    secrets:\n      - s\n# end\nsecrets:\n"
		       "  s:\n    file: ./s.txt");
	c = load(&fx, in);
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "db"), "s", &e), 0);
	assert_int_equal(dfx_compose_edit_declare_secret(c, "s", "./s.txt", &e), 0);
	expect_edits(c, &e, want, NULL);
	dfx_yaml_edits_release(&e);
	unload(&fx);
	free(in);
	free(want);

	/* an empty `secrets:` key, long-form entries, a flow service */
	c = load(&fx, "services:\n  a:\n    secrets:\n  b:\n    secrets:\n      - source: s\n        target: t\n"
		  "  c: {image: x}\nsecrets:\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "a"), "s", &e), 0);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "b"), "s", &e), 1);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "c"), "s", &e), 0);
	assert_int_equal(dfx_compose_edit_declare_secret(c, "s", "./s.txt", &e), 0);
	expect_edits(c, &e,
		     "services:\n  a:\n    secrets:\n      - s\n  b:\n    secrets:\n      - source: s\n"
		     "        target: t\n  c: {image: x, secrets: [s]}\nsecrets:\n  s:\n    file: ./s.txt\n",
		     NULL);
	dfx_yaml_edits_release(&e);
	unload(&fx);

	/* secrets that come from an anchor are not extended */
	c = load(&fx, "x: &x\n  secrets: [a]\nservices:\n  s:\n    <<: *x\n");
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_compose_edit_grant_secret(c, svc(c, "s"), "b", &e), -1);
	assert_non_null(strstr(e.why, "anchor"));
	assert_int_equal(e.n, 0);
	dfx_yaml_edits_release(&e);
	unload(&fx);
}

/* ---------------------------------------------------------------- services */

static void test_service_add(void **state)
{
	struct fixture fx;
	struct dfx_compose *c = load(&fx, "services:\n  api:\n    image: x\n  web: {image: y}\n");
	struct dfx_yaml_edits e;
	struct dfx_buf path = DFX_BUF_INIT;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_compose_edit_service_add(c, svc(c, "api"), "security_opt",
						      "- no-new-privileges:true", &e, &path), 0);
	assert_string_equal(path.ptr, "/services/api/security_opt");
	dfx_buf_reset(&path);
	assert_int_equal(dfx_compose_edit_service_add(c, svc(c, "web"), "read_only", "true", &e, NULL), 0);
	/* an existing key: declined, no path */
	assert_int_equal(dfx_compose_edit_service_add(c, svc(c, "api"), "image", "z", &e, &path), -1);
	assert_int_equal(path.len, 0);
	assert_non_null(strstr(e.why, "already has"));
	expect_edits(c, &e,
		     "services:\n  api:\n    image: x\n    security_opt:\n      - no-new-privileges:true\n"
		     "  web: {image: y, read_only: true}\n",
		     NULL);
	dfx_yaml_edits_release(&e);
	dfx_buf_release(&path);
	unload(&fx);
}

/* ---------------------------------------------------------------- volumes */

static void test_volume_read_only(void **state)
{
	struct fixture fx;
	struct dfx_compose *c = load(&fx,
		"services:\n"
		"  a:\n"
		"    image: x\n"
		"    volumes:\n"
		"      - /etc:/e\n"
		"      - \"/etc:/e:rw\"\n"
		"      - '/etc:/e:z'\n"
		"      - /etc:/e:rw,z\n"
		"      - \"/\\x65tc:/e:rw\"\n"
		"      - type: bind\n        source: /etc\n        target: /l1\n"
		"      - type: bind\n        source: /etc\n        target: /l2\n        read_only: false\n"
		"      - type: bind\n        source: /etc\n        target: /l3\n        read_only:\n");
	const struct dfx_compose_service *s = svc(c, "a");
	struct dfx_yaml_edits e;

	(void)state;
	assert_int_equal(s->nvolumes, 8);
	dfx_yaml_edits_init(&e);
	for (size_t i = 0; i < s->nvolumes; i++)
		assert_int_equal(dfx_compose_edit_volume_read_only(c, &s->volumes[i], &e), 0);
	expect_edits(c, &e,
		     "services:\n"
		     "  a:\n"
		     "    image: x\n"
		     "    volumes:\n"
		     "      - /etc:/e:ro\n"
		     "      - \"/etc:/e:ro\"\n"
		     "      - '/etc:/e:z,ro'\n"
		     "      - /etc:/e:ro,z\n"
		     "      - \"/etc:/e:ro\"\n"
		     "      - type: bind\n        source: /etc\n        target: /l1\n        read_only: true\n"
		     "      - type: bind\n        source: /etc\n        target: /l2\n        read_only: true\n"
		     "      - type: bind\n        source: /etc\n        target: /l3\n        read_only: true\n",
		     NULL);
	dfx_yaml_edits_release(&e);
	unload(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_secrets_block),
		cmocka_unit_test(test_edit_secrets_variants),
		cmocka_unit_test(test_service_add),
		cmocka_unit_test(test_volume_read_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
