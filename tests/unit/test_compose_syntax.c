/*
 * test_compose_syntax.c - unit tests of the compose value syntaxes
 * (src/model/compose_syntax.c): the short port and volume spec parsers
 * (tables following compose-go and the Compose Specification examples),
 * port ranges, host-path sources and their normalised form, and the
 * interpolation helpers.
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

static void assert_str_or_null(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* ---------------------------------------------------------------- ports */

struct port_case {
	const char *spec;
	int ok;
	const char *ip, *published, *target, *proto;
	unsigned plo, phi, tlo, thi;
	bool all;
};

/* Variables in a volume source: no split inside ${...}; the default is the host path. */
static void test_volume_variables(void **state)
{
	struct dfx_compose_volume v;
	char *h;

	(void)state;
	assert_int_equal(dfx_compose_volume_parse("${SOCK:-/var/run/docker.sock}:/var/run/docker.sock:ro", &v), 0);
	assert_string_equal(v.source, "${SOCK:-/var/run/docker.sock}");
	assert_string_equal(v.target, "/var/run/docker.sock");
	assert_string_equal(v.mode, "ro");
	assert_string_equal(v.type, "bind");
	h = dfx_compose_volume_host_path(&v);
	assert_string_equal(h, "/var/run/docker.sock");
	free(h);
	dfx_compose_volume_release(&v);
	assert_int_equal(dfx_compose_volume_parse("${ROOT:-/}:/host", &v), 0);
	h = dfx_compose_volume_host_path(&v);
	assert_string_equal(h, "/");
	free(h);
	dfx_compose_volume_release(&v);
	assert_int_equal(dfx_compose_volume_parse("${SOCK}:/var/run/docker.sock", &v), 0);
	assert_null(dfx_compose_volume_host_path(&v));
	assert_string_equal(v.type, "volume");
	dfx_compose_volume_release(&v);
	assert_int_equal(dfx_compose_volume_parse("${DATA:-./data}:/data", &v), 0);
	assert_string_equal(v.type, "bind");
	assert_null(dfx_compose_volume_host_path(&v));
	dfx_compose_volume_release(&v);
}

/* Loopback host IPs, defaults applied (reachability). */
static void test_port_loopback(void **state)
{
	static const struct {
		const char *spec;
		bool loopback;
	} t[] = {
		{"127.0.0.1:80:80", true}, {"127.0.0.2:80:80", true}, {"[::1]:80:80", true},
		{"${BIND:-127.0.0.1}:80:80", true}, {"80:80", false}, {"0.0.0.0:80:80", false},
		{"192.168.1.10:80:80", false}, {"${BIND}:80:80", false}, {"${BIND:-0.0.0.0}:80:80", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct dfx_compose_port p;

		dfx_compose_port_parse(t[i].spec, &p);
		if (dfx_compose_port_loopback(&p) != t[i].loopback)
			fail_msg("%s: loopback should be %d", t[i].spec, t[i].loopback);
		dfx_compose_port_release(&p);
	}
}

static void test_port_table(void **state)
{
	static const struct port_case cases[] = {
		{"3000", 0, NULL, NULL, "3000", NULL, 0, 0, 3000, 3000, true},
		{"3000-3005", 0, NULL, NULL, "3000-3005", NULL, 0, 0, 3000, 3005, true},
		{"8000:8000", 0, NULL, "8000", "8000", NULL, 8000, 8000, 8000, 8000, true},
		{"9090-9091:8080-8081", 0, NULL, "9090-9091", "8080-8081", NULL, 9090, 9091, 8080, 8081, true},
		{"49100:22", 0, NULL, "49100", "22", NULL, 49100, 49100, 22, 22, true},
		{"8000-9000:80", 0, NULL, "8000-9000", "80", NULL, 8000, 9000, 80, 80, true},
		{"127.0.0.1:8001:8001", 0, "127.0.0.1", "8001", "8001", NULL, 8001, 8001, 8001, 8001, false},
		{"127.0.0.1:5000-5010:5000-5010", 0, "127.0.0.1", "5000-5010", "5000-5010", NULL, 5000,
		 5010, 5000, 5010, false},
		{"127.0.0.1::5432", 0, "127.0.0.1", NULL, "5432", NULL, 0, 0, 5432, 5432, false},
		{"0.0.0.0:5432:5432", 0, "0.0.0.0", "5432", "5432", NULL, 5432, 5432, 5432, 5432, true},
		{"::1:6000:6000", 0, "::1", "6000", "6000", NULL, 6000, 6000, 6000, 6000, false},
		{"[::1]:6001:6001", 0, "::1", "6001", "6001", NULL, 6001, 6001, 6001, 6001, false},
		{"[::]:80:80", 0, "::", "80", "80", NULL, 80, 80, 80, 80, true},
		{"[::1]::80", 0, "::1", NULL, "80", NULL, 0, 0, 80, 80, false},
		{"6060:6060/udp", 0, NULL, "6060", "6060", "udp", 6060, 6060, 6060, 6060, true},
		{"127.0.0.1:53:53/udp", 0, "127.0.0.1", "53", "53", "udp", 53, 53, 53, 53, false},
		{"80/tcp", 0, NULL, NULL, "80", "tcp", 0, 0, 80, 80, true},
		{"9/sctp", 0, NULL, NULL, "9", "sctp", 0, 0, 9, 9, true},
		{"${PORT:-5432}:5432", 0, NULL, "${PORT:-5432}", "5432", NULL, 5432, 5432, 5432, 5432, true},
		{"${BIND}:${P}:80", 0, "${BIND}", "${P}", "80", NULL, 0, 0, 80, 80, false},
		{"80:80/bogus", -1, NULL, "80", "80", "bogus", 80, 80, 80, 80, true},
		{"1.2.3:80:80", -1, "1.2.3", "80", "80", NULL, 80, 80, 80, 80, false},
		{"70000:80", -1, NULL, "70000", "80", NULL, 0, 0, 80, 80, true},
		{"", -1, NULL, NULL, "", NULL, 0, 0, 0, 0, true},
		{"80-70", -1, NULL, NULL, "80-70", NULL, 0, 0, 0, 0, true},
		{"a:b", -1, NULL, "a", "b", NULL, 0, 0, 0, 0, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct port_case *k = &cases[i];
		struct dfx_compose_port p;
		int rc = dfx_compose_port_parse(k->spec, &p);

		if (rc != k->ok)
			fail_msg("%s: rc %d", k->spec, rc);
		assert_int_equal(p.valid, k->ok == 0);
		assert_str_or_null(p.host_ip, k->ip);
		assert_str_or_null(p.published, k->published);
		assert_str_or_null(p.target, k->target);
		assert_str_or_null(p.protocol, k->proto);
		assert_int_equal(p.published_lo, k->plo);
		assert_int_equal(p.published_hi, k->phi);
		assert_int_equal(p.target_lo, k->tlo);
		assert_int_equal(p.target_hi, k->thi);
		if (dfx_compose_port_all_interfaces(&p) != k->all)
			fail_msg("%s: all interfaces", k->spec);
		assert_int_equal(p.interpolated, strchr(k->spec, '$') != NULL);
		dfx_compose_port_release(&p);
	}
}

static void test_volume_table(void **state)
{
	static const struct {
		const char *spec;
		int ok;
		const char *type, *source, *target, *mode;
		bool ro;
	} cases[] = {
		{"/data", 0, "volume", NULL, "/data", NULL, false},
		{"db", 0, "volume", NULL, "db", NULL, false},
		{"data:/data", 0, "volume", "data", "/data", NULL, false},
		{"./x:/x:ro", 0, "bind", "./x", "/x", "ro", true},
		{"~/.ssh:/root/.ssh:ro", 0, "bind", "~/.ssh", "/root/.ssh", "ro", true},
		{"/:/host:rw", 0, "bind", "/", "/host", "rw", false},
		{"C:\\data:/data", 0, "bind", "C:\\data", "/data", NULL, false},
		{"vol:/a:ro:x", -1, "volume", "vol", "/a", "x", false},
		{"vol::/b", -1, "volume", "vol", "/b", NULL, false},
		{"c:/x:/y", 0, "bind", "c:/x", "/y", NULL, false}, /* a drive letter, as compose-go */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_compose_volume v;
		int rc = dfx_compose_volume_parse(cases[i].spec, &v);

		if (rc != cases[i].ok)
			fail_msg("%s: rc %d", cases[i].spec, rc);
		assert_string_equal(v.type, cases[i].type);
		assert_str_or_null(v.source, cases[i].source);
		assert_str_or_null(v.target, cases[i].target);
		assert_str_or_null(v.mode, cases[i].mode);
		assert_int_equal(v.read_only, cases[i].ro);
		dfx_compose_volume_release(&v);
	}
}

/* ---------------------------------------------------------------- interpolation */

static void test_interpolation(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;

	(void)state;
	assert_true(dfx_compose_is_interpolated("${VAR}"));
	assert_true(dfx_compose_is_interpolated("${VAR:-x}"));
	assert_true(dfx_compose_is_interpolated("pre$VAR"));
	assert_true(dfx_compose_is_interpolated("postgres://u:${PASS}@db"));
	assert_false(dfx_compose_is_interpolated("$$VAR"));
	assert_false(dfx_compose_is_interpolated("pa$$word"));
	assert_false(dfx_compose_is_interpolated("cost: 5$"));
	assert_false(dfx_compose_is_interpolated("$1"));
	assert_false(dfx_compose_is_interpolated(NULL));
	assert_true(dfx_compose_is_interpolated("$$${X}"));
	assert_true(dfx_compose_is_variable_only("${PASS}"));
	assert_true(dfx_compose_is_variable_only("$PASS"));
	assert_true(dfx_compose_is_variable_only("${PASS:?required}"));
	assert_true(dfx_compose_is_variable_only("${A:-${B:-x}}"));
	assert_false(dfx_compose_is_variable_only("${PASS}x"));
	assert_false(dfx_compose_is_variable_only("x$PASS"));
	assert_false(dfx_compose_is_variable_only("$$PASS"));
	assert_true(dfx_compose_var_default("${PASS:-postgres}", &b));
	assert_string_equal(b.ptr, "postgres");
	dfx_buf_reset(&b);
	assert_true(dfx_compose_var_default("${PASS-}", &b));
	assert_int_equal(b.len, 0);
	assert_false(dfx_compose_var_default("${PASS:?x}", &b));
	assert_false(dfx_compose_var_default("$PASS", &b));
	dfx_buf_release(&b);
}

static void test_port_range(void **state)
{
	unsigned lo = 7, hi = 7;

	(void)state;
	assert_true(dfx_compose_port_range("80", &lo, &hi));
	assert_int_equal(lo, 80);
	assert_int_equal(hi, 80);
	assert_true(dfx_compose_port_range("0-65535", &lo, &hi));
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 65535);
	lo = hi = 7;
	assert_false(dfx_compose_port_range("65536", &lo, &hi));
	assert_false(dfx_compose_port_range("90-80", &lo, &hi));
	assert_false(dfx_compose_port_range("80-", &lo, &hi));
	assert_false(dfx_compose_port_range("80/tcp", &lo, &hi));
	assert_false(dfx_compose_port_range("", &lo, &hi));
	assert_false(dfx_compose_port_range("${P}", &lo, &hi));
	/* untouched on failure */
	assert_int_equal(lo, 7);
	assert_int_equal(hi, 7);
}

static void test_host_path(void **state)
{
	static const struct {
		const char *spec, *host;
	} cases[] = {
		{"/var/run/docker.sock:/var/run/docker.sock", "/var/run/docker.sock"},
		{"//var//run/./docker.sock/:/s", "/var/run/docker.sock"},
		{"/:/host", "/"},
		{"~/.ssh:/root/.ssh:ro", "~/.ssh"},
		{"$HOME/.aws:/a", "~/.aws"},
		{"${HOME}/.kube:/k", "~/.kube"},
		{"${XDG_RUNTIME_DIR}/podman/podman.sock:/s", "$XDG_RUNTIME_DIR/podman/podman.sock"},
		{"$HOMEDIR/x:/x", NULL},
		{"./data:/data", NULL},
		{"data:/data", NULL},
		{"/data", NULL},
	};

	(void)state;
	assert_false(dfx_compose_is_host_path(NULL));
	assert_false(dfx_compose_is_host_path(""));
	assert_false(dfx_compose_is_host_path("data"));
	assert_true(dfx_compose_is_host_path("./data"));
	assert_true(dfx_compose_is_host_path("~/x"));
	assert_true(dfx_compose_is_host_path("\\\\server\\share"));
	assert_true(dfx_compose_is_host_path("C:\\data"));
	assert_true(dfx_compose_is_host_path("c:/data"));
	assert_false(dfx_compose_is_host_path("c:data"));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_compose_volume v;
		char *h;

		dfx_compose_volume_parse(cases[i].spec, &v);
		h = dfx_compose_volume_host_path(&v);
		if ((h == NULL) != (cases[i].host == NULL) || (h && strcmp(h, cases[i].host)))
			fail_msg("%s: got %s", cases[i].spec, h ? h : "NULL");
		free(h);
		dfx_compose_volume_release(&v);
	}
	{
		/* long syntax: tmpfs mounts have no host path; a variable with a default is read */
		struct dfx_compose_volume v = {0};
		char *h;

		v.long_syntax = true;
		v.type = "tmpfs";
		v.source = "/x";
		assert_null(dfx_compose_volume_host_path(&v));
		v.type = "bind";
		v.source = "${HOME:-/root}/.kube/";
		h = dfx_compose_volume_host_path(&v);
		assert_string_equal(h, "~/.kube");
		free(h);
	}
}

static void test_with_defaults(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain"},
		{"", ""},
		{"${TAG:-latest}", "latest"},
		{"nginx:${TAG-1.25}", "nginx:1.25"},
		{"pa$$word", "pa$word"},
		{"${A:-x}${B:-y}", "xy"},
		{"${TAG}", NULL},
		{"$TAG", NULL},
		{"${TAG:?set it}", NULL},
		{"${A:-${B}}", NULL},
		{"${A:-x", NULL},
		{"cost 5$", "cost 5$"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = dfx_compose_with_defaults(cases[i].in);

		if ((got == NULL) != (cases[i].out == NULL) || (got && strcmp(got, cases[i].out)))
			fail_msg("%s: got %s", cases[i].in, got ? got : "NULL");
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_table),
		cmocka_unit_test(test_port_loopback),
		cmocka_unit_test(test_volume_variables),
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_volume_table),
		cmocka_unit_test(test_host_path),
		cmocka_unit_test(test_interpolation),
		cmocka_unit_test(test_with_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
