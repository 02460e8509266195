/*
 * test_image.c - cmocka tests of image references and image facts
 * (src/image.c, include/image.h): reference parsing and Docker Hub
 * normalisation (distribution/reference normalize.go), the end-of-life
 * lookup against the test vectors of eol.md section 9 judged on
 * 2026-11-28, versions newer than the table, its staleness, floating
 * tags, trusted registries, pinning, slim variants, database images and
 * ports, *_FILE variables and non-root images.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/core.h"
#include "dockfix/diag.h"
#include "dockfix/image.h"

#define AS_OF 20261128
#define HEX64 "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

static void parse_ok(struct dfx_imageref *ref, const char *s)
{
	const char *err = NULL;

	if (dfx_image_parse(ref, s, &err) != 0)
		fail_msg("'%s' should parse: %s", s, err);
}

static void assert_str_or_null(const char *got, const char *want, const char *what, const char *in)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want) != 0)
		fail_msg("%s: %s is '%s', want '%s'", in, what, got ? got : "(null)",
			 want ? want : "(null)");
}

/* ------------------------------------------------------------------ parsing */

static const struct {
	const char *in;
	const char *registry, *path, *name, *base, *tag, *digest;
	bool official, scratch, unresolved;
} parse_cases[] = {
	{"node", "docker.io", "library/node", "node", "node", NULL, NULL, true, false, false},
	{"node:14", "docker.io", "library/node", "node", "node", "14", NULL, true, false, false},
	{"library/node:14", "docker.io", "library/node", "node", "node", "14", NULL, true, false, false},
	{"docker.io/node", "docker.io", "library/node", "node", "node", NULL, NULL, true, false, false},
	{"docker.io/library/node:14", "docker.io", "library/node", "node", "node", "14", NULL, true, false,
	 false},
	{"index.docker.io/library/node:16", "docker.io", "library/node", "node", "node", "16", NULL, true,
	 false, false},
	{"registry-1.docker.io/library/node", "docker.io", "library/node", "node", "node", NULL, NULL, true,
	 false, false},
	{"registry.hub.docker.com/bitnami/redis", "docker.io", "bitnami/redis", "bitnami/redis", "redis",
	 NULL, NULL, false, false, false},
	{"bitnami/redis:7.2", "docker.io", "bitnami/redis", "bitnami/redis", "redis", "7.2", NULL, false,
	 false, false},
	{"docker.io/library/foo/bar", "docker.io", "library/foo/bar", "library/foo/bar", "bar", NULL, NULL,
	 false, false, false},
	{"localhost:5000/node", "localhost:5000", "node", "localhost:5000/node", "node", NULL, NULL, false,
	 false, false},
	{"localhost/app:1", "localhost", "app", "localhost/app", "app", "1", NULL, false, false, false},
	{"registry:5000/team/app", "registry:5000", "team/app", "registry:5000/team/app", "app", NULL, NULL,
	 false, false, false},
	{"[::1]:5000/app:v1", "[::1]:5000", "app", "[::1]:5000/app", "app", "v1", NULL, false, false, false},
	{"MyRegistry/app", "MyRegistry", "app", "MyRegistry/app", "app", NULL, NULL, false, false, false},
	{"ghcr.io/owner/app:1.0@sha256:" HEX64, "ghcr.io", "owner/app", "ghcr.io/owner/app", "app", "1.0",
	 "sha256:" HEX64, false, false, false},
	{"node@sha256:" HEX64, "docker.io", "library/node", "node", "node", NULL, "sha256:" HEX64, true,
	 false, false},
	{"mcr.microsoft.com/dotnet/sdk:8.0-alpine", "mcr.microsoft.com", "dotnet/sdk",
	 "mcr.microsoft.com/dotnet/sdk", "sdk", "8.0-alpine", NULL, false, false, false},
	{"gcr.io/distroless/static-debian12:nonroot", "gcr.io", "distroless/static-debian12",
	 "gcr.io/distroless/static-debian12", "static-debian12", "nonroot", NULL, false, false, false},
	{"a__b/c-d--e.f:T_1.x-y", "docker.io", "a__b/c-d--e.f", "a__b/c-d--e.f", "c-d--e.f", "T_1.x-y",
	 NULL, false, false, false},
	{"  python:3.12-slim\t", "docker.io", "library/python", "python", "python", "3.12-slim", NULL, true,
	 false, false},
	{"scratch", NULL, NULL, "scratch", NULL, NULL, NULL, false, true, false},
	{"${BASE}", NULL, NULL, NULL, NULL, NULL, NULL, false, false, true},
	{"$BASE_IMAGE", NULL, NULL, NULL, NULL, NULL, NULL, false, false, true},
	{"${REGISTRY:-ghcr.io}/app:1", NULL, NULL, NULL, NULL, "1", NULL, false, false, true},
	{"${IMG:-node:14}", NULL, NULL, NULL, NULL, NULL, NULL, false, false, true},
	{"node:${NODE_VERSION}-alpine", "docker.io", "library/node", "node", "node",
	 "${NODE_VERSION}-alpine", NULL, true, false, true},
	{"postgres:${PG_VERSION:-13}", "docker.io", "library/postgres", "postgres", "postgres",
	 "${PG_VERSION:-13}", NULL, true, false, true},
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		struct dfx_imageref ref;
		const char *in = parse_cases[i].in;

		parse_ok(&ref, in);
		assert_str_or_null(ref.registry, parse_cases[i].registry, "registry", in);
		assert_str_or_null(ref.path, parse_cases[i].path, "path", in);
		assert_str_or_null(ref.name, parse_cases[i].name, "name", in);
		assert_str_or_null(ref.base, parse_cases[i].base, "base", in);
		assert_str_or_null(ref.tag, parse_cases[i].tag, "tag", in);
		assert_str_or_null(ref.digest, parse_cases[i].digest, "digest", in);
		if (ref.has_tag != (parse_cases[i].tag != NULL) || ref.official != parse_cases[i].official ||
		    ref.scratch != parse_cases[i].scratch || ref.unresolved != parse_cases[i].unresolved)
			fail_msg("%s: flags tag=%d official=%d scratch=%d unresolved=%d", in, ref.has_tag,
				 ref.official, ref.scratch, ref.unresolved);
		dfx_image_release(&ref);
	}
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"", "   ", "Node:14", "docker.io/MyOrg/app", "node:", "node:-x", "node:.x",
		"node@sha256:abc", "node@sha256:" HEX64 "zz", "node@:" HEX64, "a//b", "/node", "node/",
		"ghcr.io/", "-node", "node_", "no de", "node:a/b",
		"node:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dfx_imageref ref;
		const char *err = NULL;

		if (dfx_image_parse(&ref, bad[i], &err) == 0)
			fail_msg("'%s' should not parse (name %s)", bad[i], ref.name ? ref.name : "-");
		assert_non_null(err);
		assert_null(ref.name);
		dfx_image_release(&ref);
	}
	{
		struct dfx_imageref ref;
		const char *err = NULL;

		assert_int_equal(dfx_image_parse(&ref, "docker.io/MyOrg/app", &err), -1);
		assert_string_equal(err, "repository name must be lowercase");
		assert_int_equal(dfx_image_parse(&ref, NULL, NULL), -1);
	}
}

/* ------------------------------------------------------------------ end of life */

struct eol_case {
	const char *in;
	int status;
	const char *cycle;
	int eol_date;
	const char *rec; /* rec.text, NULL: none */
	const char *min; /* min.text, NULL: none */
};

/* eol.md section 9, and the cases of the brief, at 2026-11-28. */
static const struct eol_case eol_cases[] = {
	{"node:14", DFX_EOL_EXPIRED, "14", 20230430, "node:26", "node:22"},
	{"node:14-alpine", DFX_EOL_EXPIRED, "14", 20230430, "node:26-alpine", "node:22-alpine"},
	{"node:fermium-alpine3.12", DFX_EOL_EXPIRED, "14", 20230430, "node:26-alpine", "node:22-alpine"},
	{"node:14.21.3-bullseye-slim", DFX_EOL_EXPIRED, "14", 20230430, "node:26-slim", "node:22-slim"},
	{"node:lts", DFX_EOL_SUPPORTED, "floating", 0, NULL, NULL},
	{"node", DFX_EOL_SUPPORTED, "floating", 0, NULL, NULL},
	{"node:22-alpine", DFX_EOL_SUPPORTED, "22", 20270430, "node:26-alpine", NULL},
	{"node:26", DFX_EOL_SUPPORTED, "26", 20290430, NULL, NULL},
	{"index.docker.io/library/node:16", DFX_EOL_EXPIRED, "16", 20230911, "node:26", "node:22"},
	{"python:3.8-slim", DFX_EOL_EXPIRED, "3.8", 20241007, "python:3.14-slim", "python:3.11-slim"},
	{"python:3.8-slim-buster", DFX_EOL_EXPIRED, "3.8", 20241007, "python:3.14-slim", "python:3.11-slim"},
	{"python:2", DFX_EOL_EXPIRED, "2.x (major alias)", 20200101, "python:3.14", NULL},
	{"python:3", DFX_EOL_SUPPORTED, "3.x (major alias)", 20301031, "python:3.14", NULL},
	{"python:3.10-alpine3.18", DFX_EOL_EXPIRED, "3.10", 20261031, "python:3.14-alpine",
	 "python:3.11-alpine"},
	{"docker.io/library/python:3.11@sha256:" HEX64, DFX_EOL_SUPPORTED, "3.11", 20271031, "python:3.14",
	 NULL},
	{"golang:1.20-alpine", DFX_EOL_EXPIRED, "1.20", 20240206, "golang:1.27-alpine", "golang:1.26-alpine"},
	{"eclipse-temurin:26-jdk-alpine-3.23", DFX_EOL_EXPIRED, "26", 20260915,
	 "eclipse-temurin:25-jdk-alpine", NULL},
	{"openjdk:11-jre-slim", DFX_EOL_EXPIRED, "11", 20220819, "eclipse-temurin:25-jre",
	 "eclipse-temurin:11-jre"},
	{"openjdk:latest", DFX_EOL_EXPIRED, "* (deprecated image)", 20220819, "eclipse-temurin:25", NULL},
	{"openjdk:28-ea-jdk", DFX_EOL_SUPPORTED, "floating", 0, NULL, NULL},
	{"postgres:14-alpine", DFX_EOL_EXPIRED, "14", 20261112, "postgres:18-alpine", "postgres:15-alpine"},
	{"postgres:11", DFX_EOL_EXPIRED, "11", 20231109, "postgres:18", "postgres:15"},
	{"mysql:8.0.36-debian", DFX_EOL_EXPIRED, "8.0", 20260430, "mysql:9.7", "mysql:8.4"},
	{"mysql:8", DFX_EOL_SUPPORTED, "8.x (major alias)", 20320430, "mysql:9.7", NULL},
	{"mariadb:10.4", DFX_EOL_EXPIRED, "10.4", 20240618, "mariadb:12.3", "mariadb:10.11"},
	{"mongo:4.4", DFX_EOL_EXPIRED, "4.4", 20240229, "mongo:8.3", "mongo:7.0"},
	{"redis:6.0-alpine", DFX_EOL_EXPIRED, "6.0", 20220531, "redis:8.10-alpine", "redis:6.2-alpine"},
	{"rabbitmq:3.9-management", DFX_EOL_EXPIRED, "3.9", 20230131, "rabbitmq:4.3-management", "rabbitmq:4.3-management"},
	{"rabbitmq:3-management-alpine", DFX_EOL_EXPIRED, "3.x (major alias)", 20240917,
	 "rabbitmq:4.3-management-alpine", NULL},
	{"php:7.4-fpm-alpine", DFX_EOL_EXPIRED, "7.4", 20221128, "php:8.5-fpm-alpine", "php:8.2-fpm-alpine"},
	{"nginx:1.20.2-alpine-perl", DFX_EOL_EXPIRED, "1.20", 20220524, "nginx:1.30-alpine-perl", "nginx:1.30-alpine-perl"},
	{"httpd:2.2", DFX_EOL_EXPIRED, "2.2", 20170711, "httpd:2.4", "httpd:2.4"},
	{"traefik:mimolette", DFX_EOL_EXPIRED, "2.11", 20260201, "traefik:v3.7", "traefik:v3.7"},
	{"debian:stretch", DFX_EOL_EXPIRED, "9", 20200718, "debian:trixie", "debian:trixie"},
	{"debian:9", DFX_EOL_EXPIRED, "9", 20200718, "debian:trixie", "debian:trixie"},
	{"debian:bookworm", DFX_EOL_EXPIRED, "12", 20260711, "debian:trixie", "debian:trixie"},
	{"ubuntu:bionic", DFX_EOL_EXPIRED, "18.04", 20230531, "ubuntu:26.04", "ubuntu:22.04"},
	{"ubuntu:18.04", DFX_EOL_EXPIRED, "18.04", 20230531, "ubuntu:26.04", "ubuntu:22.04"},
	{"alpine:3.12", DFX_EOL_EXPIRED, "3.12", 20220501, "alpine:3.24", "alpine:3.22"},
	{"centos:centos7.9.2009", DFX_EOL_EXPIRED, "7", 20240630, "almalinux:10", "almalinux:8"},
	{"amazonlinux:2", DFX_EOL_EXPIRED, "2", 20260630, "amazonlinux:2023", "amazonlinux:2023"},
	{"amazonlinux:1", DFX_EOL_EXPIRED, "2018.03", 20231231, "amazonlinux:2023", "amazonlinux:2023"},
	{"mcr.microsoft.com/dotnet/sdk:8.0-alpine", DFX_EOL_EXPIRED, "8", 20261110,
	 "mcr.microsoft.com/dotnet/sdk:10.0-alpine", "mcr.microsoft.com/dotnet/sdk:10.0-alpine"},
	{"mcr.microsoft.com/dotnet/core/sdk:3.1", DFX_EOL_EXPIRED, "* (deprecated image)", 20221213,
	 "mcr.microsoft.com/dotnet/sdk:10.0", NULL},
	{"docker.elastic.co/elasticsearch/elasticsearch:8.11.1", DFX_EOL_EXPIRED, "8.0-8.15", 20250415,
	 "docker.elastic.co/elasticsearch/elasticsearch:9.5.2",
	 "docker.elastic.co/elasticsearch/elasticsearch:8.19.20"},
	{"consul:1.15", DFX_EOL_EXPIRED, "* (deprecated image)", 20230626, "hashicorp/consul:1.15", NULL},
	{"rockylinux:9", DFX_EOL_EXPIRED, "9", 20320531, "rockylinux/rockylinux:9", NULL},
	/* unknown: other namespaces and registries, digests, variables, scratch */
	{"localhost:5000/node:14", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"ghcr.io/foo/node:14", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"myorg/node:14", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"bitnami/node:14", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"node@sha256:" HEX64, DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"node:${NODE_VERSION}", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"${BASE}", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"scratch", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"myapp:1.0", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
	{"node:not-a-version", DFX_EOL_UNKNOWN, NULL, 0, NULL, NULL},
};

static void test_eol(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(eol_cases) / sizeof(eol_cases[0]); i++) {
		const struct eol_case *c = &eol_cases[i];
		struct dfx_imageref ref;
		struct dfx_eol_result r;
		int st;

		parse_ok(&ref, c->in);
		st = dfx_image_eol(&ref, AS_OF, &r);
		if (st != c->status)
			fail_msg("%s: status %d, want %d", c->in, st, c->status);
		assert_str_or_null(r.cycle, c->cycle, "cycle", c->in);
		if (c->status != DFX_EOL_UNKNOWN && r.eol_date != c->eol_date)
			fail_msg("%s: eol %d, want %d", c->in, r.eol_date, c->eol_date);
		assert_str_or_null(r.has_rec ? r.rec.text : NULL, c->rec, "recommended", c->in);
		assert_str_or_null(r.has_min ? r.min.text : NULL, c->min, "minimal", c->in);
		dfx_image_release(&ref);
	}
}

static void eol_of(const char *in, int as_of, struct dfx_eol_result *r, int want)
{
	struct dfx_imageref ref;

	parse_ok(&ref, in);
	if (dfx_image_eol(&ref, as_of, r) != want)
		fail_msg("%s at %d: status should be %d", in, as_of, want);
	dfx_image_release(&ref);
}

static void test_eol_details(void **state)
{
	struct dfx_eol_result r;

	(void)state;
	/* the variant is kept and named */
	eol_of("node:14-alpine", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_string_equal(r.variant, "alpine");
	assert_string_equal(r.product, "nodejs");
	assert_string_equal(r.rec.image, "node");
	assert_string_equal(r.rec.tag, "26-alpine");
	assert_false(r.rec.image_changes);
	assert_false(r.rec.major_jump);
	assert_false(r.suggest_only);

	/* dates: EOL on the day itself, not the day before; 0 = judgement date */
	eol_of("python:3.10", 20261030, &r, DFX_EOL_SUPPORTED);
	eol_of("python:3.10", 20261031, &r, DFX_EOL_EXPIRED);
	eol_of("python:3.10", 0, &r, DFX_EOL_EXPIRED);
	eol_of("node:22", 20270430, &r, DFX_EOL_EXPIRED);
	assert_string_equal(r.rec.text, "node:26");
	/* a later date: the recommendation would be the cycle itself */
	eol_of("node:26", 20300101, &r, DFX_EOL_EXPIRED);
	assert_false(r.has_rec);

	/* node 1-3: EOL without a date */
	eol_of("node:3", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_int_equal(r.eol_date, -1);

	/* majors, image changes and OS images are suggestions */
	eol_of("mysql:8.0", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_true(r.rec.major_jump);
	assert_false(r.min.major_jump);
	assert_true(r.suggest_only);
	eol_of("openjdk:8", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_true(r.deprecated);
	assert_true(r.rec.image_changes);
	assert_true(r.rec.major_jump);
	assert_string_equal(r.rec.image, "eclipse-temurin");
	assert_true(r.suggest_only);
	eol_of("ubuntu:18.04", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_true(r.os_image);
	assert_true(r.suggest_only);
	assert_int_equal(r.ext_support_end, 20280401);
	eol_of("debian:bookworm", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_int_equal(r.ext_support_end, 20280630);
	eol_of("docker.elastic.co/elasticsearch/elasticsearch:8.11.1", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_true(r.derived);
	assert_true(r.rec.major_jump);
	assert_false(r.min.major_jump);

	/* Windows tags are never rewritten to Linux ones */
	eol_of("redis:3.2-windowsservercore", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_true(r.windows_fallback);
	assert_true(r.suggest_only);
	eol_of("python:3.10-windowsservercore", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_string_equal(r.rec.tag, "3.14-windowsservercore");
	assert_false(r.windows_fallback);

	/* stale official image: supported upstream, still EOL here */
	eol_of("rockylinux:9", AS_OF, &r, DFX_EOL_EXPIRED);
	assert_true(r.deprecated);
	assert_true(r.rec.image_changes);

	/* floating tags never expire */
	eol_of("node:lts-alpine", 20991231, &r, DFX_EOL_SUPPORTED);
	assert_true(r.floating);
	assert_false(r.has_rec);

	/* unknown leaves the result zeroed */
	eol_of("ghcr.io/foo/node:14", AS_OF, &r, DFX_EOL_UNKNOWN);
	assert_null(r.image);
	assert_false(r.has_rec);
	assert_int_equal(dfx_image_eol(NULL, AS_OF, &r), DFX_EOL_UNKNOWN);
}

static void test_suite_eol(void **state)
{
	static const struct {
		const char *in;
		int status;
		const char *image, *cycle, *rec;
	} cases[] = {
		{"node:lts-buster", DFX_EOL_EXPIRED, "debian", "10", "debian:trixie"},
		{"node:lts-buster-slim", DFX_EOL_EXPIRED, "debian", "10", "debian:trixie"},
		{"python:3.12-slim-bookworm", DFX_EOL_EXPIRED, "debian", "12", "debian:trixie"},
		{"python:3.12-slim-trixie", DFX_EOL_SUPPORTED, "debian", "13", NULL},
		{"golang:stretch", DFX_EOL_EXPIRED, "debian", "9", "debian:trixie"},
		{"golang:alpine3.12", DFX_EOL_EXPIRED, "alpine", "3.12", "alpine:3.24"},
		{"php:8.3-fpm-alpine3.20", DFX_EOL_EXPIRED, "alpine", "3.20", "alpine:3.24"},
		{"eclipse-temurin:21-jdk-focal", DFX_EOL_EXPIRED, "ubuntu", "20.04", "ubuntu:26.04"},
		{"eclipse-temurin:21-jdk-noble", DFX_EOL_SUPPORTED, "ubuntu", "24.04", "ubuntu:26.04"},
		{"buildpack-deps:buster-curl", DFX_EOL_EXPIRED, "debian", "10", "debian:trixie"},
		{"nginx:stable-alpine", DFX_EOL_UNKNOWN, NULL, NULL, NULL},
		{"node:22-alpine", DFX_EOL_UNKNOWN, NULL, NULL, NULL},
		{"debian:buster", DFX_EOL_UNKNOWN, NULL, NULL, NULL},
		{"myorg/app:1.0-buster", DFX_EOL_UNKNOWN, NULL, NULL, NULL},
		{"node", DFX_EOL_UNKNOWN, NULL, NULL, NULL},
		{"node:${V}-buster", DFX_EOL_UNKNOWN, NULL, NULL, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_imageref ref;
		struct dfx_eol_result r;
		int st;

		parse_ok(&ref, cases[i].in);
		st = dfx_image_suite_eol(&ref, AS_OF, &r);
		if (st != cases[i].status)
			fail_msg("%s: suite status %d, want %d", cases[i].in, st, cases[i].status);
		assert_str_or_null(r.image, cases[i].image, "os", cases[i].in);
		assert_str_or_null(r.cycle, cases[i].cycle, "os cycle", cases[i].in);
		assert_str_or_null(r.has_rec ? r.rec.text : NULL, cases[i].rec, "os rec", cases[i].in);
		if (st != DFX_EOL_UNKNOWN)
			assert_true(r.os_image && r.suggest_only);
		dfx_image_release(&ref);
	}
}

static void test_data_date(void **state)
{
	(void)state;
	assert_string_equal(dfx_image_eol_data_date(), "2026-08-22");
	assert_int_equal(dfx_image_eol_judged_on(), 20261128);
	assert_int_equal(dfx_image_eol_data_age(20260822), 0);
	assert_int_equal(dfx_image_eol_data_age(20261120), 90);
	assert_int_equal(dfx_image_eol_data_age(20270101), 132);
}


/* ------------------------------------------------------------------ newer than the table, staleness */

static void test_newer(void **state)
{
	static const struct {
		const char *in;
		bool newer;
		const char *newest;
	} cases[] = {
		{"node:27", true, "26"},
		{"node:27-alpine", true, "26"},
		{"node:v27.1.0", true, "26"},
		{"python:3.15.1-slim", true, "3.14"},
		{"python:4", true, "3.14"},
		{"node:26", false, NULL},       /* in the table */
		{"node:26.99", false, NULL},
		{"node:2026", false, NULL},     /* a build number, not a release */
		{"node:lts", false, NULL},      /* no version */
		{"node", false, NULL},
		{"python:3.14.9", false, NULL},
		{"someuser/node:99", false, NULL}, /* not in the table */
		{"node:${V}", false, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_imageref ref;
		struct dfx_eol_result r;
		bool got;

		parse_ok(&ref, cases[i].in);
		got = dfx_image_eol_newer(&ref, &r);
		if (got != cases[i].newer)
			fail_msg("%s: newer is %d, want %d", cases[i].in, got, cases[i].newer);
		if (got)
			assert_str_or_null(r.cycle, cases[i].newest, "newest cycle", cases[i].in);
		dfx_image_release(&ref);
	}
}

static void test_stale(void **state)
{
	(void)state;
	/* data of 2026-08-22: six calendar months end on 2027-02-22 */
	assert_false(dfx_image_eol_stale(20261128));
	assert_false(dfx_image_eol_stale(20270222));
	assert_true(dfx_image_eol_stale(20270223));
	assert_true(dfx_image_eol_stale(20300101));
	{
		struct dfx_diags d = {0};

		dfx_image_eol_warn_stale(20270222, &d);
		assert_int_equal(d.n, 0);
		dfx_image_eol_warn_stale(20270301, &d);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.v[0].severity, DFX_DIAG_WARNING);
		assert_non_null(strstr(d.v[0].message, "2026-08-22"));
		assert_non_null(strstr(d.v[0].message, "--eol-data"));
		dfx_diags_release(&d);
	}
}

/* ------------------------------------------------------------------ floating tags, trust */

static void test_floating(void **state)
{
	static const struct {
		const char *tag;
		enum dfx_tag_channel want;
	} cases[] = {
		{"latest", DFX_TAG_RELEASE},
		{"stable", DFX_TAG_RELEASE},
		{"lts", DFX_TAG_RELEASE},
		{"lts-alpine", DFX_TAG_RELEASE},
		{"stable-slim", DFX_TAG_RELEASE},
		{"mainline-alpine-perl", DFX_TAG_RELEASE},
		{"current", DFX_TAG_RELEASE},
		{"edge", DFX_TAG_DEVELOPMENT},
		{"nightly", DFX_TAG_DEVELOPMENT},
		{"rolling", DFX_TAG_DEVELOPMENT},
		{"tip-alpine", DFX_TAG_DEVELOPMENT},
		{"stable-20260803", DFX_TAG_VERSION}, /* a dated snapshot */
		{"edge-3.21", DFX_TAG_VERSION},
		{"stable-v0.35.5", DFX_TAG_VERSION},
		{"lts-jdk17", DFX_TAG_RELEASE},
		{"latest-vnc", DFX_TAG_RELEASE},
		{"26-stable", DFX_TAG_VERSION},
		{"1.2.3", DFX_TAG_VERSION},
		{"stabler", DFX_TAG_VERSION},
		{"alpine", DFX_TAG_VERSION},
		{"", DFX_TAG_VERSION},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (dfx_image_tag_channel(cases[i].tag) != cases[i].want)
			fail_msg("%s: channel %d, want %d", cases[i].tag, dfx_image_tag_channel(cases[i].tag),
				 cases[i].want);
	assert_false(dfx_image_tag_channel(NULL));
	assert_true(dfx_image_tag_floating("lts"));
	assert_false(dfx_image_tag_floating("26"));
}

static void test_trust(void **state)
{
	static char *trusted[] = {"ghcr.io/acme", "bitnami", "*.corp.example.com", "mcr.microsoft.com/dotnet"};
	static char *untrusted[] = {"quay.io/libpod", "mcr.microsoft.com"};
	static const struct {
		const char *in;
		bool with_lists;
		enum dfx_image_trust want;
	} cases[] = {
		{"node:26", false, DFX_TRUST_OFFICIAL},
		{"docker.io/library/node", false, DFX_TRUST_OFFICIAL},
		{"arm64v8/alpine:3.22", false, DFX_TRUST_OFFICIAL},
		{"mirror.gcr.io/library/debian", false, DFX_TRUST_OFFICIAL},
		{"public.ecr.aws/docker/library/redis:8", false, DFX_TRUST_OFFICIAL},
		{"mcr.microsoft.com/dotnet/sdk:10.0", false, DFX_TRUST_BUILTIN},
		{"mcr.microsoft.com/windows/nanoserver:ltsc2022", false, DFX_TRUST_BUILTIN},
		{"gcr.io/distroless/static-debian12", false, DFX_TRUST_BUILTIN},
		{"registry.access.redhat.com/ubi9/ubi", false, DFX_TRUST_BUILTIN},
		{"REGISTRY.REDHAT.IO/rhel9/postgresql-16", false, DFX_TRUST_BUILTIN},
		{"cgr.dev/chainguard/static", false, DFX_TRUST_BUILTIN},
		{"quay.io/jupyter/base-notebook", false, DFX_TRUST_BUILTIN},
		{"quay.io/libpod/alpine", false, DFX_TRUST_BUILTIN},
		{"ghcr.io/astral-sh/uv:0.9", false, DFX_TRUST_BUILTIN},
		{"docker.elastic.co/elasticsearch/elasticsearch:9", false, DFX_TRUST_BUILTIN},
		{"cgr.dev/someone/static", false, DFX_TRUST_NONE},
		{"gcr.io/someproject/app", false, DFX_TRUST_NONE},
		{"quay.io/jupyter-forks/base", false, DFX_TRUST_NONE},
		{"mcr.microsoft.com.evil.example/app", false, DFX_TRUST_NONE},
		{"microsoft/nanoserver", false, DFX_TRUST_NONE},
		{"someuser/app", false, DFX_TRUST_NONE},
		{"ghcr.io/acme/api", false, DFX_TRUST_NONE},
		/* with the project's lists */
		{"ghcr.io/acme/api", true, DFX_TRUST_CONFIG},
		{"ghcr.io/acme-forks/api", true, DFX_TRUST_NONE},
		{"bitnami/redis", true, DFX_TRUST_CONFIG},
		{"docker.io/bitnami/redis", true, DFX_TRUST_CONFIG},
		{"registry.corp.example.com/x/y", true, DFX_TRUST_CONFIG},
		{"corp.example.com/x", true, DFX_TRUST_CONFIG},
		{"quay.io/libpod/alpine", true, DFX_TRUST_NONE},
		{"quay.io/jupyter/base-notebook", true, DFX_TRUST_BUILTIN},
		{"mcr.microsoft.com/mssql/server", true, DFX_TRUST_NONE},   /* untrusted registry */
		{"mcr.microsoft.com/dotnet/sdk", true, DFX_TRUST_CONFIG},   /* more specific */
		{"node:26", true, DFX_TRUST_OFFICIAL},
	};
	struct dfx_trust_lists l = {trusted, 4, untrusted, 2};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_imageref ref;
		const char *why = NULL;
		enum dfx_image_trust got;

		parse_ok(&ref, cases[i].in);
		got = dfx_image_trust(&ref, cases[i].with_lists ? &l : NULL, &why);
		if (got != cases[i].want)
			fail_msg("%s%s: trust %d, want %d", cases[i].in, cases[i].with_lists ? " (lists)" : "", got,
				 cases[i].want);
		if ((got == DFX_TRUST_BUILTIN) != (why != NULL))
			fail_msg("%s: a reason only for built-in trust", cases[i].in);
		dfx_image_release(&ref);
	}
	{
		/* a tie between a trusted and an untrusted entry: untrusted wins */
		static char *t[] = {"quay.io/acme"}, *u[] = {"quay.io/acme/"};
		struct dfx_trust_lists tie = {t, 1, u, 1};
		struct dfx_imageref ref;

		parse_ok(&ref, "quay.io/acme/app");
		assert_int_equal(dfx_image_trust(&ref, &tie, NULL), DFX_TRUST_NONE);
		dfx_image_release(&ref);
		parse_ok(&ref, "${REG}/app");
		assert_int_equal(dfx_image_trust(&ref, &tie, NULL), DFX_TRUST_NONE);
		dfx_image_release(&ref);
	}
}

/* ------------------------------------------------------------------ pinning */

static void test_recommended_tag(void **state)
{
	static const struct {
		const char *name, *variant, *want;
	} cases[] = {
		{"node", NULL, "26"},
		{"node", "default", "26"},
		{"node", "alpine", "26-alpine"},
		{"node", "slim", "26-slim"},
		{"python", "slim", "3.14-slim"},
		{"postgres", NULL, "18"},
		{"nginx", "alpine", "1.30-alpine"},
		{"golang", "slim", "1.27"},
		{"eclipse-temurin", NULL, "25"},
		{"mcr.microsoft.com/dotnet/aspnet", NULL, "10.0"},
		{"consul", NULL, NULL},
		{"myapp", NULL, NULL},
		{NULL, NULL, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_str_or_null(dfx_image_recommended_tag(cases[i].name, cases[i].variant),
				   cases[i].want, "recommended tag", cases[i].name ? cases[i].name : "NULL");
}

static void test_pin(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"node", "node:26"},
		{"node:latest", "node:26"},
		{"node:alpine", "node:26-alpine"},
		{"python:slim", "python:3.14-slim"},
		{"php:fpm-alpine", "php:8.5-fpm-alpine"},
		{"rabbitmq:management", "rabbitmq:4.3-management"},
		{"nginx:alpine-perl", "nginx:1.30-alpine-perl"},
		{"docker.io/library/postgres", "postgres:18"},
		{"myapp", NULL},
		{"ghcr.io/foo/node", NULL},
		{"${IMAGE}", NULL},
		{"scratch", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_imageref ref;
		struct dfx_image_suggestion sg;
		bool ok;

		parse_ok(&ref, cases[i].in);
		ok = dfx_image_pin(&ref, &sg);
		assert_str_or_null(ok ? sg.text : NULL, cases[i].want, "pin", cases[i].in);
		dfx_image_release(&ref);
	}
}

/* ------------------------------------------------------------------ slim */

static void test_slim(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"python:3.12", "python:3.12-slim"},
		{"python:3.12.1", "python:3.12.1-slim"},
		{"python:3.12-bookworm", "python:3.12-slim-bookworm"},
		{"python", "python:slim"},
		{"python:latest", "python:slim"},
		{"python:bookworm", "python:slim-bookworm"},
		{"python:3", "python:3-slim"},
		{"node:22", "node:22-slim"},
		{"node:22-bookworm", "node:22-bookworm-slim"},
		{"node:lts", "node:lts-slim"},
		{"ruby:3.3", "ruby:3.3-slim"},
		{"debian:bookworm", "debian:bookworm-slim"},
		{"debian:12", "debian:12-slim"},
		{"debian", "debian:stable-slim"},
		/* already minimal, no slim variant, or not judged */
		{"python:3.12-slim", NULL},
		{"python:3.12-slim-bookworm", NULL},
		{"python:3.12-alpine", NULL},
		{"python:3.12-windowsservercore", NULL},
		{"python:2.6", NULL},
		{"python:3.15-rc", NULL},
		{"python@sha256:" HEX64, NULL},
		{"node:lts-alpine", NULL},
		{"debian:experimental", NULL},
		{"debian:bookworm-backports", NULL},
		{"golang:1.22", NULL},
		{"php:8.3", NULL},
		{"postgres:16", NULL},
		{"ghcr.io/x/python:3.12", NULL},
		{"python:${PY}", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_imageref ref;
		struct dfx_image_suggestion sg;
		bool ok;

		parse_ok(&ref, cases[i].in);
		ok = dfx_image_slim(&ref, &sg);
		assert_str_or_null(ok ? sg.text : NULL, cases[i].want, "slim", cases[i].in);
		dfx_image_release(&ref);
	}
}

/* ------------------------------------------------------------------ databases */

static void test_db_images(void **state)
{
	static const struct {
		const char *in, *kind;
	} cases[] = {
		{"postgres", "postgres"},
		{"postgres:16-alpine", "postgres"},
		{"docker.io/library/postgres:16", "postgres"},
		{"postgres:${PG_VERSION:-13}", "postgres"},
		{"bitnami/postgresql:16", "postgres"},
		{"postgis/postgis:16-3.4", "postgres"},
		{"timescale/timescaledb:latest-pg16", "postgres"},
		{"mysql:8", "mysql"},
		{"mariadb:11", "mysql"},
		{"mongo:7", "mongo"},
		{"bitnami/mongodb", "mongo"},
		{"redis:7", "redis"},
		{"valkey/valkey:8", "redis"},
		{"eqalpha/keydb", "redis"},
		{"docker.dragonflydb.io/dragonflydb/dragonfly", "redis"},
		{"bitnamilegacy/redis:7.2", "redis"},
		{"memcached:1.6", "memcached"},
		{"elasticsearch:8.15.0", "elasticsearch"},
		{"docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "elasticsearch"},
		{"opensearchproject/opensearch:2", "elasticsearch"},
		{"cassandra:5", "cassandra"},
		{"couchdb:3", "couchdb"},
		{"clickhouse/clickhouse-server:24", "clickhouse"},
		{"neo4j:5", "neo4j"},
		{"influxdb:2", "influxdb"},
		{"arangodb", "arangodb"},
		{"rabbitmq:3-management", "rabbitmq"},
		{"nats:2", "nats"},
		{"eclipse-mosquitto:2", "mqtt"},
		{"zookeeper", "zookeeper"},
		{"bitnami/kafka", "kafka"},
		{"confluentinc/cp-kafka:7.6.0", "kafka"},
		{"mcr.microsoft.com/mssql/server:2022-latest", "mssql"},
		{"minio/minio", "object-store"},
		{"node:22", NULL},
		{"nginx", NULL},
		{"prometheuscommunity/postgres-exporter", NULL},
		{"oliver006/redis_exporter", NULL},
		{"redis/redisinsight", NULL},
		{"adminer", NULL},
		{"phpmyadmin", NULL},
		{"dpage/pgadmin4", NULL},
		{"mongo-express", NULL},
		{"${DB_IMAGE}", NULL},
		{"scratch", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_imageref ref;

		parse_ok(&ref, cases[i].in);
		assert_str_or_null(dfx_db_image_kind(&ref), cases[i].kind, "kind", cases[i].in);
		assert_int_equal(dfx_db_image(&ref), cases[i].kind != NULL);
		dfx_image_release(&ref);
	}
	assert_null(dfx_db_image_kind(NULL));
}

static void test_db_ports(void **state)
{
	/* DC201: database ports */
	static const unsigned db[] = {5432, 3306, 33060, 27017, 6379, 11211, 9200, 9300, 9042, 5984,
				      8123, 7474, 7687, 8086, 8529, 5672, 15672, 4222, 1883, 2181};
	static const unsigned web[] = {0, 22, 80, 443, 3000, 5000, 5601, 8000, 8080, 9000, 9090,
				       9093, 65535, 65536, 100000};

	(void)state;
	for (size_t i = 0; i < sizeof(db) / sizeof(db[0]); i++)
		if (!dfx_db_port(db[i]))
			fail_msg("%u should be a database port", db[i]);
	for (size_t i = 0; i < sizeof(web) / sizeof(web[0]); i++)
		if (dfx_db_port(web[i]))
			fail_msg("%u should not be a database port", web[i]);
	assert_string_equal(dfx_db_port_service(5432), "PostgreSQL");
	assert_string_equal(dfx_db_port_service(6379), "Redis");
	assert_null(dfx_db_port_service(8080));
}

/* ------------------------------------------------------------------ *_FILE */

static void test_file_vars(void **state)
{
	static const struct {
		const char *image, *var, *want;
	} cases[] = {
		{"postgres", "POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE"},
		{"postgres:16-alpine", "POSTGRES_USER", "POSTGRES_USER_FILE"},
		{"postgres", "POSTGRES_DB", "POSTGRES_DB_FILE"},
		{"postgres", "POSTGRES_HOST_AUTH_METHOD", NULL},
		{"postgres", "POSTGRES_PASSWORD_FILE", NULL},
		{"postgis/postgis", "POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE"},
		{"mysql:8.4", "MYSQL_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD_FILE"},
		{"mysql", "MYSQL_PASSWORD", "MYSQL_PASSWORD_FILE"},
		{"mysql", "MYSQL_ALLOW_EMPTY_PASSWORD", NULL},
		{"mariadb:11", "MARIADB_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD_FILE"},
		{"mariadb", "MYSQL_PASSWORD", "MYSQL_PASSWORD_FILE"},
		{"mongo:7", "MONGO_INITDB_ROOT_PASSWORD", "MONGO_INITDB_ROOT_PASSWORD_FILE"},
		{"mongo", "MONGO_INITDB_DATABASE", NULL},
		{"wordpress", "WORDPRESS_DB_PASSWORD", "WORDPRESS_DB_PASSWORD_FILE"},
		{"wordpress:php8.3", "WORDPRESS_AUTH_KEY", "WORDPRESS_AUTH_KEY_FILE"},
		{"nextcloud", "NEXTCLOUD_ADMIN_PASSWORD", "NEXTCLOUD_ADMIN_PASSWORD_FILE"},
		{"nextcloud", "REDIS_HOST_PASSWORD", "REDIS_HOST_PASSWORD_FILE"},
		{"nextcloud", "POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE"},
		{"grafana/grafana", "GF_SECURITY_ADMIN_PASSWORD", "GF_SECURITY_ADMIN_PASSWORD__FILE"},
		{"grafana/grafana-oss:11", "GF_DATABASE_PASSWORD", "GF_DATABASE_PASSWORD__FILE"},
		{"minio/minio", "MINIO_ROOT_PASSWORD", "MINIO_ROOT_PASSWORD_FILE"},
		{"quay.io/minio/minio", "MINIO_ROOT_USER", "MINIO_ROOT_USER_FILE"},
		{"bitnami/postgresql:16", "POSTGRESQL_PASSWORD", "POSTGRESQL_PASSWORD_FILE"},
		{"bitnamilegacy/redis", "REDIS_PASSWORD", "REDIS_PASSWORD_FILE"},
		{"docker.io/bitnami/redis", "REDIS_PASSWORD", "REDIS_PASSWORD_FILE"},
		{"public.ecr.aws/bitnami/redis", "REDIS_PASSWORD", "REDIS_PASSWORD_FILE"},
		{"elasticsearch:8.15.0", "ELASTIC_PASSWORD", "ELASTIC_PASSWORD_FILE"},
		{"docker.elastic.co/elasticsearch/elasticsearch:8", "ELASTIC_PASSWORD", "ELASTIC_PASSWORD_FILE"},
		{"phpmyadmin", "PMA_PASSWORD", "PMA_PASSWORD_FILE"},
		{"redis", "REDIS_PASSWORD", NULL},
		{"rabbitmq:4", "RABBITMQ_DEFAULT_PASS", NULL},
		{"node", "API_KEY", NULL},
		{"${DB}", "POSTGRES_PASSWORD", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_imageref ref;
		char *got;

		parse_ok(&ref, cases[i].image);
		got = dfx_image_file_var(&ref, cases[i].var);
		assert_str_or_null(got, cases[i].want, cases[i].var, cases[i].image);
		free(got);
		dfx_image_release(&ref);
	}
	{
		struct dfx_imageref ref;

		parse_ok(&ref, "grafana/grafana");
		assert_string_equal(dfx_image_file_suffix(&ref, "GF_SECURITY_ADMIN_PASSWORD"), "__FILE");
		assert_null(dfx_image_file_suffix(&ref, NULL));
		assert_null(dfx_image_file_suffix(&ref, ""));
		dfx_image_release(&ref);
	}
}

/* ------------------------------------------------------------------ users */

static void test_nonroot(void **state)
{
	static const struct {
		const char *in, *user;
	} cases[] = {
		{"nginxinc/nginx-unprivileged:alpine", "101:101"},
		{"nginxinc/nginx-unprivileged", "101:101"},
		{"gcr.io/distroless/static-debian12:nonroot", "65532:65532"},
		{"gcr.io/distroless/base-debian12:debug-nonroot", "65532:65532"},
		{"cgr.dev/chainguard/node:latest", "65532:65532"},
		{"cgr.dev/chainguard/python@sha256:" HEX64, "65532:65532"},
		{"mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled", "1654:1654"},
		{"bitnami/redis:7.2", "1001"},
		{"grafana/grafana:11.0.0", "472:0"},
		{"registry.access.redhat.com/ubi9/python-311", "1001:0"},
		{"gcr.io/distroless/static-debian12", NULL},
		{"gcr.io/distroless/static-debian12@sha256:" HEX64, NULL},
		{"cgr.dev/chainguard/wolfi-base", NULL},
		{"mcr.microsoft.com/dotnet/aspnet:8.0", NULL},
		{"registry.access.redhat.com/ubi9/ubi-minimal", NULL},
		{"node:22", NULL},
		{"nginx", NULL},
		{"python:3.12-slim", NULL},
		{"${BASE}", NULL},
		{"scratch", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dfx_imageref ref;

		parse_ok(&ref, cases[i].in);
		assert_str_or_null(dfx_image_default_user(&ref), cases[i].user, "user", cases[i].in);
		assert_int_equal(dfx_image_nonroot(&ref), cases[i].user != NULL);
		dfx_image_release(&ref);
	}
	assert_false(dfx_image_nonroot(NULL));
}


/* Random references: parse never crashes, and every accepted one is usable. */
static void test_random_refs(void **state)
{
	static const char alpha[] = "aZ09:/@._-$}{ [sha256]localhost.io";
	unsigned seed = 777;
	char buf[80];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		struct dfx_imageref ref;
		struct dfx_eol_result r;
		struct dfx_image_suggestion sg;
		size_t n, len;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % (sizeof(buf) - 1);
		for (n = 0; n < len; n++) {
			seed = seed * 1103515245u + 12345u;
			buf[n] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		buf[n] = '\0';
		if (dfx_image_parse(&ref, buf, NULL) != 0)
			continue;
		dfx_image_eol(&ref, AS_OF, &r);
		dfx_image_pin(&ref, &sg);
		dfx_image_slim(&ref, &sg);
		dfx_db_image(&ref);
		dfx_image_nonroot(&ref);
		free(dfx_image_file_var(&ref, "POSTGRES_PASSWORD"));
		dfx_image_release(&ref);
	}
}

/* Every test vector's replacement is itself a supported tag of the table. */
static void test_replacements_are_supported(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(eol_cases) / sizeof(eol_cases[0]); i++) {
		const struct eol_case *c = &eol_cases[i];
		struct dfx_imageref ref, rep;
		struct dfx_eol_result r, r2;

		if (!c->rec || c->status != DFX_EOL_EXPIRED)
			continue;
		parse_ok(&ref, c->in);
		dfx_image_eol(&ref, AS_OF, &r);
		parse_ok(&rep, r.rec.text);
		if (dfx_image_eol(&rep, AS_OF, &r2) == DFX_EOL_EXPIRED)
			fail_msg("%s -> %s is itself EOL", c->in, r.rec.text);
		dfx_image_release(&rep);
		dfx_image_release(&ref);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_eol),
		cmocka_unit_test(test_eol_details),
		cmocka_unit_test(test_suite_eol),
		cmocka_unit_test(test_data_date),
		cmocka_unit_test(test_newer),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_floating),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_recommended_tag),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_slim),
		cmocka_unit_test(test_db_images),
		cmocka_unit_test(test_db_ports),
		cmocka_unit_test(test_file_vars),
		cmocka_unit_test(test_nonroot),
		cmocka_unit_test(test_replacements_are_supported),
		cmocka_unit_test(test_random_refs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
