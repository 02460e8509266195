/*
 * test_credgraph.c - cmocka tests of the credential graph
 * (src/model/credgraph.c): links by URL (with and without a password in
 * the userinfo), by a `*_HOST` variable with or without a password beside
 * it, by depends_on and links only, and the first client of a server that
 * connects without a password.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/credgraph.h"

static const char compose[] =
	"services:\n"
	"  db:\n"
	"    image: postgres:17\n"
	"  cache:\n"
	"    image: redis:7\n"
	"  api:\n"
	"    image: example/api:1\n"
	"    environment:\n"
	"      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app\n"
	"      REDIS_URL: redis://cache:6379/0\n"
	"  web:\n"
	"    image: example/web:1\n"
	"    depends_on: [db]\n"
	"    environment:\n"
	"      WEB_DBHOST: db:5432\n"
	"  worker:\n"
	"    image: example/worker:1\n"
	"    links: [cache]\n"
	"    environment:\n"
	"      BROKER_PASSWORD: ${BROKER_PASSWORD}\n"
	"  other:\n"
	"    image: example/other:1\n"
	"    environment:\n"
	"      NOTE: database db2 is elsewhere\n";

struct fixture {
	struct dfx_source src;
	struct dfx_compose *c;
	struct dfx_credgraph g;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct dfx_error err = {0};

	dfx_source_init_copy(&f->src, "compose.yaml", compose, strlen(compose));
	f->c = dfx_compose_parse(&f->src, &err);
	dfx_error_release(&err);
	if (!f->c)
		return -1;
	dfx_credgraph_build(f->c, &f->g);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dfx_credgraph_release(&f->g);
	dfx_compose_free(f->c);
	dfx_source_release(&f->src);
	free(f);
	return 0;
}

static const struct dfx_credlink *link_of(struct fixture *f, const char *client, const char *server)
{
	for (size_t i = 0; i < f->g.n; i++)
		if (!strcmp(f->g.v[i].client->name, client) && !strcmp(f->g.v[i].server->name, server))
			return &f->g.v[i];
	return NULL;
}

static void test_links(void **state)
{
	struct fixture *f = *state;
	const struct dfx_credlink *l;

	l = link_of(f, "api", "db");
	assert_non_null(l);
	assert_int_equal(l->kind, DFX_LINK_URL);
	assert_string_equal(l->via->name, "DATABASE_URL");
	assert_true(l->password); /* ${DB_PASSWORD} in the userinfo */
	l = link_of(f, "api", "cache");
	assert_int_equal(l->kind, DFX_LINK_URL);
	assert_false(l->password);
	/* a host variable wins over depends_on; no password variable beside it */
	l = link_of(f, "web", "db");
	assert_int_equal(l->kind, DFX_LINK_HOST);
	assert_string_equal(l->via->name, "WEB_DBHOST");
	assert_false(l->password);
	/* links only, with a password variable of the client */
	l = link_of(f, "worker", "cache");
	assert_int_equal(l->kind, DFX_LINK_DEPENDS);
	assert_null(l->via);
	assert_true(l->password);
	/* a mention in prose is no link */
	assert_null(link_of(f, "other", "db"));
	assert_int_equal(f->g.n, 4);
}

static void test_passwordless(void **state)
{
	struct fixture *f = *state;
	const struct dfx_compose_service *db = &f->c->services[0], *cache = &f->c->services[1];
	const struct dfx_compose_service *skip[1];
	const struct dfx_credlink *l;

	l = dfx_credgraph_passwordless(&f->g, db, NULL, 0);
	assert_non_null(l);
	assert_string_equal(l->client->name, "web");
	skip[0] = l->client;
	assert_null(dfx_credgraph_passwordless(&f->g, db, skip, 1));
	l = dfx_credgraph_passwordless(&f->g, cache, NULL, 0);
	assert_string_equal(l->client->name, "api");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_passwordless),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
