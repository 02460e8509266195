/*
 * test_imagebehaviour.c - cmocka tests of the image behaviour model
 * (src/model/imagebehaviour.c, data src/model/data/image-behaviour.tsv):
 * variant-specific rows, privilege drops and their uids, *_FILE variables
 * and who reads them, written paths, client facts, unknown images.
 * Reference: the images' upstream Dockerfiles and entrypoint scripts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/imagebehaviour.h"

static void test_databases(void **state)
{
	const struct dfx_imagebehaviour *b;

	(void)state;
	b = dfx_imagebehaviour_find("postgres:16");
	assert_non_null(b);
	assert_true(dfx_imagebehaviour_drops(b));
	assert_string_equal(b->drop, "gosu");
	assert_string_equal(b->drop_user, "999:999");
	assert_string_equal(b->file_as, "root");
	assert_string_equal(b->pw_ignored, "yes");
	assert_int_equal(b->port, 5432);
	assert_true(dfx_imagebehaviour_file_var(b, "POSTGRES_PASSWORD_FILE"));
	assert_false(dfx_imagebehaviour_file_var(b, "POSTGRES_HOST_AUTH_METHOD_FILE"));
	assert_true(dfx_imagebehaviour_listed(b->schemes, "postgresql"));
	assert_true(dfx_imagebehaviour_listed(b->pass_vars, "PGPASSWORD"));
	assert_false(dfx_imagebehaviour_listed(b->pass_vars, "PG"));
	/* the Alpine variant drops to 70, not 999 */
	b = dfx_imagebehaviour_find("docker.io/library/postgres:17-alpine3.22");
	assert_non_null(b);
	assert_string_equal(b->drop_user, "70:70");
	/* mongo reads its *_FILE after the drop */
	b = dfx_imagebehaviour_find("mongo:8");
	assert_non_null(b);
	assert_string_equal(b->file_as, "drop");
	/* redis 8 drops with setpriv, 7 with gosu; alpine's gid is 1000 */
	assert_string_equal(dfx_imagebehaviour_find("redis:8.2")->drop, "setpriv");
	assert_string_equal(dfx_imagebehaviour_find("redis:7.4-alpine")->drop_user, "999:1000");
	assert_true(dfx_imagebehaviour_writes(dfx_imagebehaviour_find("redis"), "/data/dump.rdb"));
	assert_false(dfx_imagebehaviour_writes(dfx_imagebehaviour_find("redis"), "/database"));
}

static void test_web_and_prefix_forms(void **state)
{
	const struct dfx_imagebehaviour *b;

	(void)state;
	b = dfx_imagebehaviour_find("nginx:1.27-alpine");
	assert_non_null(b);
	assert_false(dfx_imagebehaviour_drops(b) && strcmp(b->drop, "daemon") != 0);
	assert_string_equal(b->nonroot, "no");
	assert_string_equal(b->nonroot_alt, "nginxinc/nginx-unprivileged:8080");
	assert_true(dfx_imagebehaviour_writes(b, "/var/cache/nginx/client_temp"));
	b = dfx_imagebehaviour_find("nginxinc/nginx-unprivileged:1.27");
	assert_non_null(b);
	assert_true(dfx_imagebehaviour_nonroot_default(b));
	assert_false(dfx_imagebehaviour_drops(b));
	b = dfx_imagebehaviour_find("lscr.io/linuxserver/sonarr:latest");
	assert_non_null(b);
	assert_string_equal(b->drop, "s6");
	assert_true(dfx_imagebehaviour_file_var(b, "FILE__PASSWORD"));
	b = dfx_imagebehaviour_find("bitnami/postgresql:16");
	assert_non_null(b);
	assert_true(dfx_imagebehaviour_nonroot_default(b));
	assert_true(dfx_imagebehaviour_file_var(b, "POSTGRESQL_PASSWORD_FILE"));
	/* grafana reads GF_<SECTION>_<KEY>__FILE only; rabbitmq's *_FILE is fatal, not listed */
	b = dfx_imagebehaviour_find("grafana/grafana:11.4.0");
	assert_non_null(b);
	assert_true(dfx_imagebehaviour_file_var(b, "GF_SECURITY_ADMIN_PASSWORD__FILE"));
	assert_false(dfx_imagebehaviour_file_var(b, "GF_SECURITY_ADMIN_PASSWORD_FILE"));
	assert_false(dfx_imagebehaviour_file_var(dfx_imagebehaviour_find("rabbitmq:4"), "RABBITMQ_DEFAULT_PASS_FILE"));
	/* old haproxy and 2016 nanoserver start as root; newer ones do not */
	assert_false(dfx_imagebehaviour_nonroot_default(dfx_imagebehaviour_find("haproxy:1.7-alpine")));
	assert_true(dfx_imagebehaviour_nonroot_default(dfx_imagebehaviour_find("haproxy:3.0")));
	assert_false(dfx_imagebehaviour_nonroot_default(dfx_imagebehaviour_find("mcr.microsoft.com/windows/nanoserver:sac2016")));
	b = dfx_imagebehaviour_find("mcr.microsoft.com/windows/nanoserver:ltsc2022");
	assert_non_null(b);
	assert_string_equal(b->user, "ContainerUser");
	assert_true(dfx_imagebehaviour_nonroot_default(b));
	assert_false(dfx_imagebehaviour_nonroot_default(dfx_imagebehaviour_find("mcr.microsoft.com/windows/servercore:ltsc2022")));
}

static void test_unknown(void **state)
{
	(void)state;
	assert_null(dfx_imagebehaviour_find("acme/internal-app:1"));
	assert_null(dfx_imagebehaviour_find("scratch"));
	assert_null(dfx_imagebehaviour_find("postgres:${V}"));
	assert_null(dfx_imagebehaviour_find(""));
	assert_null(dfx_imagebehaviour_find(NULL));
	assert_false(dfx_imagebehaviour_drops(NULL));
	assert_false(dfx_imagebehaviour_file_var(NULL, "X_FILE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_databases),
		cmocka_unit_test(test_web_and_prefix_forms),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
