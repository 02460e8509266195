/*
 * test_credential.c - cmocka tests of credential detection in compose
 * files (src/model/credential.c): which environment entries are
 * credential sites, which values are weak, inert (switch words, keywords,
 * paths, placeholders) or real, `${VAR:-default}` defaults, sites shared
 * through a `<<` merge, user-name variables, and a service's clients.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/credential.h"

static const char compose[] =
	"x-shared: &shared\n"
	"  SHARED_SECRET: Qw7pLm3Zx9Rt5Vb2Nk8\n"
	"services:\n"
	"  db:\n"
	"    image: postgres:17\n"
	"    environment:\n"
	"      POSTGRES_USER: app\n"
	"      POSTGRES_PASSWORD: example\n"
	"  cache:\n"
	"    image: redis:7\n"
	"    environment:\n"
	"      <<: *shared\n"
	"  app:\n"
	"    image: example/app:1\n"
	"    depends_on: [db]\n"
	"    environment:\n"
	"      <<: *shared\n"
	"      DB_PASSWORD: Xk9mP2vL8qR4nTz5wQ\n"
	"      API_KEY: your-api-key-here\n"
	"      REGISTRY_AUTH: htpasswd\n"
	"      TLS_KEY: certs/server.key\n"
	"      SMTP_PASSWORD: changeme\n"
	"      MINIO_ACCESS_KEY: admin\n"
	"      APP_SECRET: ${APP_SECRET:-s3cr3tKx9mP2vL8qR4}\n"
	"      TOKEN: ${TOKEN}\n"
	"      AUTH_BACKENDS: EmailAuthBackend,GitHubAuthBackend\n"
	"      OTHER_API_KEY: ${OTHER_API_KEY:-invalid}\n"
	"      DEMO_API_KEY: argilla.apikey\n"
	"      DATABASE_URL: postgres://app:pw@db:5432/app\n";

struct fixture {
	struct dfx_source src;
	struct dfx_compose *c;
	struct dfx_cred_sites sites;
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
	dfx_credential_sites_collect(f->c, &f->sites);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dfx_credential_sites_release(&f->sites);
	dfx_compose_free(f->c);
	dfx_source_release(&f->src);
	free(f);
	return 0;
}

static const struct dfx_cred_site *site(struct fixture *f, const char *name)
{
	for (size_t i = 0; i < f->sites.n; i++)
		if (!strcmp(f->sites.v[i].name, name))
			return &f->sites.v[i];
	return NULL;
}

static void test_sites(void **state)
{
	struct fixture *f = *state;
	const struct dfx_cred_site *s;
	char *svcs;

	/* the image's own init password, a documented example value */
	s = site(f, "POSTGRES_PASSWORD");
	assert_non_null(s);
	assert_true(s->literal && s->server && s->weak && !s->inert);
	assert_string_equal(s->why_weak, "a well-known default");
	/* a client's password: literal, strong, not the image's own */
	s = site(f, "DB_PASSWORD");
	assert_non_null(s);
	assert_true(s->literal && !s->weak && !s->inert && !s->server && s->editable);
	/* a placeholder under a password name is weak, under another name inert */
	assert_true(site(f, "SMTP_PASSWORD")->weak);
	assert_true(site(f, "API_KEY")->inert);
	/* keywords and file paths are not secrets */
	assert_true(site(f, "REGISTRY_AUTH")->inert);
	assert_true(site(f, "TLS_KEY")->inert);
	/* user-name variables are no sites; POSTGRES_USER is no credential name */
	assert_null(site(f, "MINIO_ACCESS_KEY"));
	assert_null(site(f, "POSTGRES_USER"));
	/* a default that is a secret; a bare reference has none */
	s = site(f, "APP_SECRET");
	assert_false(s->literal);
	assert_string_equal(s->dflt, "s3cr3tKx9mP2vL8qR4");
	assert_false(s->dflt_weak);
	assert_null(site(f, "TOKEN")->dflt);
	/* not secrets: a list of names, a switch word as the default */
	assert_true(site(f, "AUTH_BACKENDS")->inert);
	assert_null(site(f, "OTHER_API_KEY")->dflt);
	/* but a documented default key of two lower-case words is one */
	assert_false(site(f, "DEMO_API_KEY")->inert);
	/* one site for a merged anchor, used by two services */
	s = site(f, "SHARED_SECRET");
	assert_int_equal(s->nsvcs, 2);
	svcs = dfx_credential_site_services(s);
	assert_string_equal(svcs, "cache, app");
	free(svcs);
	/* the span points at the name, the value span at the value */
	s = site(f, "DB_PASSWORD");
	assert_memory_equal(compose + dfx_credential_site_span(s).start, "DB_PASSWORD", 11);
	assert_memory_equal(compose + dfx_credential_value_span(s).start, "Xk9mP2vL8qR4nTz5wQ", 18);
}

static void test_names(void **state)
{
	char *v;

	(void)state;
	assert_true(dfx_credential_userish("MINIO_ACCESS_KEY"));
	assert_true(dfx_credential_userish("AWS_ACCESS_KEY_ID"));
	assert_true(dfx_credential_userish("POSTGRES_USER"));
	assert_false(dfx_credential_userish("AWS_SECRET_ACCESS_KEY"));
	assert_false(dfx_credential_userish("DB_PASSWORD"));
	assert_true(dfx_credential_password_name("RABBITMQ_DEFAULT_PASS"));
	assert_true(dfx_credential_password_name("PGPASSWORD"));
	assert_false(dfx_credential_password_name("API_TOKEN"));
	v = dfx_credential_ref_var("${DB_PASSWORD:-x}");
	assert_string_equal(v, "DB_PASSWORD");
	free(v);
	v = dfx_credential_ref_var("$HOME");
	assert_string_equal(v, "HOME");
	free(v);
	assert_null(dfx_credential_ref_var("plain"));
	v = dfx_credential_ident("My-App.DB Password");
	assert_string_equal(v, "my_app_db_password");
	free(v);
	v = dfx_credential_ident("--");
	assert_string_equal(v, "secret");
	free(v);
}

static void test_clients(void **state)
{
	struct fixture *f = *state;
	char *cl;

	/* app names db in depends_on and in its DATABASE_URL; cache has no client */
	cl = dfx_credential_clients(f->c, &f->c->services[0]);
	assert_string_equal(cl, "app");
	free(cl);
	cl = dfx_credential_clients(f->c, &f->c->services[1]);
	assert_true(cl == NULL || !*cl);
	free(cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sites),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_clients),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
