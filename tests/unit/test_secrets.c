/*
 * test_secrets.c - cmocka tests of the credentials engine (src/secrets.c,
 * include/secrets.h): credential names and their near misses, credential
 * values by provider format, URL password and entropy (and the look-alikes
 * that must not match: digests, UUIDs, versions, paths, public keys),
 * variable references and their defaults, inert values, weak passwords,
 * user-name variables, generated secrets, and concurrent first use.
 *
 * Token-shaped test values are split into adjacent string literals so that
 * this file itself never contains a contiguous provider token.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

#include <cmocka.h>

#include "dockfix/core.h"
#include "dockfix/secrets.h"

/* ------------------------------------------------------------------ names */

static const char *const secret_names[] = {
	/* the seed */
	"API_KEY", "AWS_SECRET_ACCESS_KEY",
	/* plain tokens */
	"DB_PASSWORD", "POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD", "password", "PASSWORD",
	"DB_PASSWD", "DB_PWD", "SOME_PSW", "DB_PASS", "RABBITMQ_DEFAULT_PASS",
	"SECRET", "JWT_SECRET", "SECRET_KEY_BASE", "DJANGO_SECRET_KEY", "CLIENT_SECRET",
	"GOOGLE_OAUTH_CLIENT_SECRET", "GITHUB_TOKEN", "NPM_TOKEN", "NODE_AUTH_TOKEN",
	"AUTH", "NEO4J_AUTH", "BASIC_AUTH", "REDIS_AUTH", "GPG_PASSPHRASE", "PASSPHRASE",
	"CREDENTIALS", "AZURE_CREDENTIALS", "DOCKER_CREDS", "PRIVATE_KEY", "SSH_PRIVATE_KEY",
	"ACCESS_KEY", "MINIO_ACCESS_KEY", "SSL_KEY", "ENCRYPTION_KEY", "LICENSE_KEY",
	"RABBITMQ_ERLANG_COOKIE", "WORDPRESS_AUTH_SALT", "MARIADB_PASSWORD_HASH",
	/* api key spellings */
	"api_key", "apikey", "APIKEY", "ApiKey", "apiKey", "APIKey", "api-key", "x.api.key",
	"OPENAI_API_KEY", "OPENAI_API_KEYS", "LT_API_KEYS",
	/* identifiers that are credentials (decided: BuildKit, Trivy, hadolint agree) */
	"AWS_ACCESS_KEY_ID", "VAULT_SECRET_ID", "VAULT_DEV_ROOT_TOKEN_ID",
	/* camelCase and compounds */
	"oauthToken", "OAuthToken", "githubToken", "dbPassword", "clientSecret",
	"PGPASSWORD", "LDAP_ROOTPASS", "ADMINPASS", "TS_AUTHKEY", "ACCESSTOKEN",
	"VIKUNJA_SERVICE_JWTSECRET", "Passwort",
	/* the last credential phrase is followed by a word that is no exemption */
	"SERVICE_PASSWORD_ADMIN", "DB_PASSWORD_HASH", "AUTH_TOKEN_VALUE",
};

static const char *const plain_names[] = {
	"", "AUTHOR", "AUTHORS", "AUTHORIZATION_ADMINLIST_ENABLED", "TOKENIZERS_PARALLELISM",
	"OAUTH_ENABLED", "OAuthEnabled", "GitHubOAuthApp", "OAUTH2_PROXY_VERSION",
	/* *_FILE, *_PATH, *_DIR */
	"PASSWORD_FILE", "POSTGRES_PASSWORD_FILE", "GF_SECURITY_ADMIN_PASSWORD__FILE",
	"SECRET_KEY_FILE", "SSL_KEY_PATH", "SECRETS_DIR", "APIKEY_PATH", "KEY_FILE",
	/* public */
	"PUBLIC_KEY", "NEXT_PUBLIC_API_KEY", "VAPID_PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY",
	"LOGFLARE_PUBLIC_ACCESS_TOKEN", "SSH_PUBLIC_KEY",
	/* describes a credential */
	"POSTGRES_HOST_AUTH_METHOD", "AUTH_TYPE", "AUTH_MODE", "AUTH_PROVIDER", "TOKEN_URL",
	"NEXTAUTH_URL", "OIDC_TOKEN_URI", "PASSWORD_MIN_LENGTH", "PASSWORD_LENGTH",
	"TOKEN_EXPIRY", "REFRESH_TOKEN_EXPIRY_TIME", "RESET_PASSWORD_TOKEN_EXPIRY_HOURS",
	"GPG_KEY_VERSION", "SECRET_NAME", "AUTH_USER", "AUTH_USERNAME", "AUTH_CLIENT_ID",
	"TOKEN_ID", "KMS_KEY_ID", "API_KEY_RATE_LIMIT", "SIGNING_KEY_ALGORITHM",
	"PEERDB_CLICKHOUSE_AWS_CREDENTIALS_AWS_REGION", "AUTH_LOGIN", "POSTGRES_AUTH_DB",
	/* switches */
	"MYSQL_ALLOW_EMPTY_PASSWORD", "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "ALLOW_EMPTY_PASSWORD",
	"MYSQL_RANDOM_ROOT_PASSWORD", "MYSQL_ONETIME_PASSWORD", "ARANGO_NO_AUTH",
	"GF_AUTH_ANONYMOUS_ENABLED", "PASSWORD_REQUIRED", "ENABLE_AUTH", "EMAIL_AUTH_DISABLED",
	"NEXUS_SECURITY_RANDOMPASSWORD", "CORS_CREDENTIALS",
	/* GPG and other public keys, prefixes */
	"GPG_KEY", "GPG_KEYS", "JENKINS_GPG_KEY", "PGP_KEYSERVER", "REDIS_KEY_PREFIX",
	"CACHE_REDIS_PREFIX_KEY", "RE_CAPTCHA_SITE_KEY", "PRIMARY_KEY",
	/* no credential token at all */
	"DATABASE_URL", "POSTGRES_USER", "POSTGRES_DB", "NODE_VERSION", "MAX_TOKENS",
	"input_cost_per_token", "KEYCLOAK_VERSION", "AUTH0_DOMAIN", "MONKEY", "PROXY_BYPASS",
	"COMPASS_URL", "PASSWORDLOWERCASE", "KEEPASSXC_VERSION",
	/* exact exemptions */
	"PWD", "OLDPWD", "GOOGLE_APPLICATION_CREDENTIALS",
};

static void test_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(secret_names) / sizeof(secret_names[0]); i++)
		if (!dfx_secret_name(secret_names[i]))
			fail_msg("should be a credential name: %s", secret_names[i]);
	for (size_t i = 0; i < sizeof(plain_names) / sizeof(plain_names[0]); i++)
		if (dfx_secret_name(plain_names[i]))
			fail_msg("should not be a credential name: %s", plain_names[i]);
	assert_false(dfx_secret_name(NULL));
}

static void test_names_long(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;

	(void)state;
	for (int i = 0; i < 2000; i++)
		dfx_buf_adds(&b, "A_");
	dfx_buf_adds(&b, "PASSWORD");
	assert_true(dfx_secret_name(b.ptr));
	dfx_buf_reset(&b);
	for (int i = 0; i < 5000; i++)
		dfx_buf_adds(&b, "Ab");
	assert_false(dfx_secret_name(b.ptr));
	dfx_buf_release(&b);
	assert_true(dfx_secret_name("__DB__PASSWORD__"));
	assert_false(dfx_secret_name("___"));
}

/* ------------------------------------------------------------------ values */

struct value_case {
	const char *value;
	const char *kind; /* NULL: not a credential */
};

static const struct value_case value_cases[] = {
	/* the seed */
	{"sk_l" "ive_abc123", "Stripe live secret key"},
	{"postgres://user:password@host/db", "URL with embedded password"},
	/* provider formats */
	{"AKIA" "IOSFODNN7EXAMPLE", "AWS access key ID"},
	{"ASIA" "Y34FZKBOKMUTVV7A", "AWS access key ID"},
	{"gh" "p_0123456789abcdefABCDEF0123456789abcd", "GitHub token"},
	{"token: gh" "s_0123456789abcdefABCDEF0123456789abcd end", "GitHub token"},
	{"github" "_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab",
	 "GitHub fine-grained token"},
	{"glp" "at-abcdefghij0123456789", "GitLab token"},
	{"xox" "b-1234567890-abcdefghij", "Slack token"},
	{"rk_l" "ive_0123456789abcdefghij", "Stripe live secret key"},
	{"AIz" "aSyA0123456789abcdefghijklmnopqrstuv", "Google API key"},
	{"sk-pr" "oj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN", "OpenAI API key"},
	{"sk-a" "nt-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN", "Anthropic API key"},
	{"np" "m_abcdefghijklmnopqrstuvwxyz0123456789", "npm access token"},
	{"S" "G.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "SendGrid API key"},
	{"S" "K0123456789abcdef0123456789abcdef", "Twilio API key"},
	{"dck" "r_pat_abcdefghijklmnopqrstuvwxyz", "Docker Hub access token"},
	{"hv" "s.CAESIabcdefghijklmnopqrstuvwxyz", "HashiCorp Vault token"},
	{"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngifQ."
	 "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "JSON Web Token"},
	{"-----BEGIN RSA PRIV" "ATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
	 "Private key"},
	{"-----BEGIN OPENSSH PRIV" "ATE KEY-----", "Private key"},
	{"LS0tLS1CRUdJTiBQUklWQVRFIEtF" "WS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVND",
	 "Private key (base64)"},
	/* URLs with a literal password */
	{"redis://:s3cretPassw0rd@redis:6379/0", "URL with embedded password"},
	{"mongodb://root:example@mongo:27017/", "URL with embedded password"},
	{"amqp://guest:guest@rabbitmq:5672", "URL with embedded password"},
	{"https://user:p%40ss@example.com/x", "URL with embedded password"},
	{"jdbc:postgresql://db/app --url postgres://a:b@c", "URL with embedded password"},
	/* high entropy */
	{"Zt8qL2vN9xR4mK7pW3cY6hB1jF5dG0sA", "high-entropy string"},
	{"UYgnt8bxxK5G2sFaNzyqi5Z+OgF8m2akNc0xdQx718w=", "high-entropy string"},
	{"--token=Zt8qL2vN9xR4mK7pW3cY6hB1jF5dG0sA", "high-entropy string"},
	{"https://example.com/hook?key=Zt8qL2vN9xR4mK7pW3cY6hB1jF5dG0sA", "high-entropy string"},

	/* not literals */
	{"", NULL},
	{"   ", NULL},
	{"${API_KEY}", NULL},
	{"$API_KEY", NULL},
	{"${DB_PASSWORD:-}", NULL},
	{"${A}${B}", NULL},
	/* URLs without a literal password */
	{"postgres://user:${DB_PASSWORD}@db/app", NULL},
	{"postgres://user:$DB_PASSWORD@db/app", NULL},
	{"postgresql://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB:-app}", NULL},
	{"postgres://user@db/app", NULL},
	{"postgres://db:5432/app", NULL},
	{"postgres://user:@db/app", NULL},
	{"postgres://user:****@db/app", NULL},
	{"postgres://user:xxxx@db/app", NULL},
	{"https://example.com/a/b?c=d", NULL},
	{"https://github.com/Bubka/2FAuth/issues", NULL},
	{"https://cdn.jsdelivr.net/gh/IceWhaleTech/CasaOS-AppStore@main/Apps/2FAuth/icon.svg", NULL},
	/* digests, hashes, ids, versions */
	{"sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", NULL},
	{"node@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", NULL},
	{"d41d8cd98f00b204e9800998ecf8427e", NULL},
	{"da39a3ee5e6b4b0d3255bfef95601890afd80709", NULL},
	{"7169605F62C751356D054A26A821E680E5FA6305", NULL},
	{"550e8400-e29b-41d4-a716-446655440000", NULL},
	{"1.2.3-rc.1+build.5", NULL},
	{"v2.11.0-alpha.3", NULL},
	{"ckjPoprWQzOf0-FuNkGfFQ", NULL},
	{"sha512-3UkWdEQ1pYxPNR0cEBsn6m8gKBhDbfSPaW3g5yJ2Yc0Yk9jXBkfyZBzLBAwY6TkNlRQ3ZyZuv9P3pN0mgw9GZQ==",
	 NULL},
	/* paths, identifiers, options, test keys */
	{"/usr/local/lib/python3.12/site-packages", NULL},
	{"/run/secrets/db_password", NULL},
	{"main/Apps/N8n/screenshot-1", NULL},
	{"MyServiceAccountName2024Production", NULL},
	{"org.apache.kafka.common.security.plain.PlainLoginModule", NULL},
	{"-Xmx512m -XX:MaxRAMPercentage=75.0", NULL},
	{"--", NULL},
	{"a ---", NULL},
	{"sk_t" "est_0123456789abcdefghijklmnop", NULL},
	{"true", NULL},
	{"changeme", NULL},
	/* public material */
	{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFuGmoeGq/pojrsyP1pszcNVuZx9iFkCELtxrh31QJ68 me@host", NULL},
	{"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURkekNDQWwrZ0F3SUJBZ0lFQWdBQXVUQU5CZ2tx", NULL},
};

static void test_values(void **state)
{
	(void)state;
	assert_null(dfx_secret_init_error());
	for (size_t i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		const struct value_case *c = &value_cases[i];
		const char *kind = "unset";
		bool hit = dfx_secret_value(c->value, strlen(c->value), &kind);

		if (c->kind && !hit)
			fail_msg("case %zu: should be a credential (%s)", i, c->kind);
		if (!c->kind && hit)
			fail_msg("case %zu: should not be a credential, got %s", i, kind);
		if (c->kind && strcmp(kind, c->kind) != 0)
			fail_msg("case %zu: kind %s, want %s", i, kind, c->kind);
		if (!c->kind)
			assert_null(kind);
	}
	assert_false(dfx_secret_value(NULL, 0, NULL));
	/* len is honoured: the secret after it is not seen */
	assert_false(dfx_secret_value("abc sk_l" "ive_abc123", 3, NULL));
}

static void test_entropy_word(void **state)
{
	const char *w = "Zt8qL2vN9xR4mK7pW3cY6hB1jF5dG0sA";

	(void)state;
	assert_true(dfx_secret_entropy_word(w, strlen(w)));
	assert_false(dfx_secret_entropy_word(w, 23)); /* too short */
	assert_false(dfx_secret_entropy_word("abcdefghijklmnopqrstuvwxyz0123", 30));
	assert_false(dfx_secret_entropy_word("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123", 30));
	assert_false(dfx_secret_entropy_word("aaaaaaaaaaaaaaaaaaaaaaaaaaaaA1", 30));
	assert_false(dfx_secret_entropy_word(NULL, 0));
}

/* Generated secrets look random: the detector must see them (almost always). */
static void test_generated_are_detected(void **state)
{
	int hits = 0;

	(void)state;
	for (int i = 0; i < 200; i++) {
		char *s = dfx_secret_gen();

		assert_non_null(s);
		hits += dfx_secret_value(s, strlen(s), NULL);
		free(s);
	}
	assert_true(hits >= 180);
}

static void test_values_hostile(void **state)
{
	size_t n = 1u << 20;
	char *s = dfx_xmalloc(n + 1);
	clock_t t0 = clock();

	(void)state;
	memset(s, 'a', n);
	s[n] = '\0';
	assert_false(dfx_secret_value(s, n, NULL));
	for (size_t i = 0; i + 3 <= n; i += 3)
		memcpy(s + i, "://", 3);
	assert_false(dfx_secret_value(s, n, NULL));
	for (size_t i = 0; i + 4 <= n; i += 4)
		memcpy(s + i, "a:b@", 4);
	memcpy(s, "x://", 4);
	dfx_secret_value(s, n, NULL);
	for (size_t i = 0; i < n; i++)
		s[i] = "Ab1+"[i % 4];
	dfx_secret_value(s, n, NULL);
	free(s);
	/* linear time: a few MB of scanning, far under the limit */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0);
}


/* Random inputs from an alphabet rich in separators: no crash, no overrun (ASan). */
static void test_random_inputs(void **state)
{
	static const char alpha[] = "aA0_-.:/@$%{}=+ \t\"'#?*xXsk_live_ghp_AKIA://${}:-";
	unsigned seed = 12345;
	char buf[96];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		size_t n = 0, len;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof(buf);
		for (; n < len; n++) {
			seed = seed * 1103515245u + 12345u;
			buf[n] = (seed >> 16) % 7 == 0 ? (char)((seed >> 8) & 0xFF)
						      : alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		dfx_secret_value(buf, n, NULL);
		buf[n] = '\0';
		dfx_secret_name(buf);
		dfx_value_is_reference(buf);
		dfx_value_is_inert(buf);
		dfx_weak_password(buf, "user");
		{
			size_t s, l;

			if (dfx_value_reference_default(buf, &s, &l))
				assert_true(s + l <= strlen(buf));
		}
	}
}

/* ------------------------------------------------------------------ references */

static void test_references(void **state)
{
	static const char *const refs[] = {
		"$VAR", "${VAR}", "${VAR:-x}", "${VAR-x}", "${VAR:?err}", "${VAR:+alt}",
		" ${A}${B} ", "${A:-${B:-c}}", "$_x1", "${VAR:-a b}",
	};
	static const char *const literals[] = {
		"", "   ", "$$VAR", "x${VAR}", "${VAR}x", "$", "${}", "${1}", "$1", "literal",
		"${VAR", "$ VAR", "${VAR}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (!dfx_value_is_reference(refs[i]))
			fail_msg("should be a reference: '%s'", refs[i]);
	for (size_t i = 0; i < sizeof(literals) / sizeof(literals[0]); i++)
		if (dfx_value_is_reference(literals[i]))
			fail_msg("should not be a reference: '%s'", literals[i]);
	assert_false(dfx_value_is_reference(NULL));
}

static void test_reference_default(void **state)
{
	static const struct {
		const char *v, *def;
	} cases[] = {
		{"${PG_PASS:-postgres}", "postgres"},
		{" ${PG_PASS:-postgres} ", "postgres"},
		{"${X-abc}", "abc"},
		{"${X:-}", ""},
		{"${X:-${Y}}", "${Y}"},
		{"${X}", NULL},
		{"${X:?e}", NULL},
		{"${X:+y}", NULL},
		{"$X", NULL},
		{"${X:-a}b", NULL},
		{"plain", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t start = 99, len = 99;
		bool ok = dfx_value_reference_default(cases[i].v, &start, &len);

		if (!cases[i].def) {
			if (ok)
				fail_msg("'%s' should have no default", cases[i].v);
			continue;
		}
		if (!ok)
			fail_msg("'%s' should have a default", cases[i].v);
		assert_int_equal(len, strlen(cases[i].def));
		assert_memory_equal(cases[i].v + start, cases[i].def, len);
	}
	assert_false(dfx_value_reference_default(NULL, NULL, NULL));
}

static void test_inert(void **state)
{
	static const char *const inert[] = {
		"", "  ", "${X}", "$X", "true", "FALSE", "yes", "No", "none", "null", "0", "1",
		"/run/secrets/db_password", "./certs/key.pem", "../key", "~/.ssh/id_rsa",
	};
	static const char *const live[] = {
		"hunter2", "s3cr3t", "/run secrets", "postgres://u:p@h", "truefalse", "nonee",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(inert) / sizeof(inert[0]); i++)
		if (!dfx_value_is_inert(inert[i]))
			fail_msg("should be inert: '%s'", inert[i]);
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (dfx_value_is_inert(live[i]))
			fail_msg("should not be inert: '%s'", live[i]);
	assert_true(dfx_value_is_inert(NULL));
}

/* ------------------------------------------------------------------ passwords */

static void test_weak_passwords(void **state)
{
	static const struct {
		const char *value, *user;
		bool weak;
	} cases[] = {
		{"", NULL, true},
		{"postgres", NULL, true},
		{"example", NULL, true},
		{"root", NULL, true},
		{"secret", NULL, true},
		{"changeme", NULL, true},
		{"guest", NULL, true},
		{"minioadmin", NULL, true},
		{"short", NULL, true},
		{"elevenchars", NULL, true},
		{"mysecretpassword", NULL, true},
		{"MySecretPassword", NULL, true},
		{"my-secret-pw", NULL, true},
		{"put your unique phrase here", NULL, true},
		{"example password", NULL, true},
		{"mongoexpresspass", NULL, true},
		{"passwordpassword", NULL, true},
		{"aaaaaaaaaaaaaaaaaaaa", NULL, true},
		{"abcabcabcabcabcabc", NULL, true},
		{"appuser-login-2024", "appuser-login-2024", true},
		{"AppUser-Login-2024", "appuser-login-2024", true},
		{"p\xc3\xa4ssw\xc3\xb6rd123", NULL, true}, /* 11 characters, 13 bytes */
		{"correct-horse-7Battery", NULL, false},
		{"Zt8qL2vN9xR4mK7p", NULL, false},
		{"appuser-login-2024", "someone-else", false},
		{"twelve-chars", NULL, false},
		{"${DB_PASSWORD}", NULL, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (dfx_weak_password(cases[i].value, cases[i].user) != cases[i].weak)
			fail_msg("'%s' (user %s): weak should be %d", cases[i].value,
				 cases[i].user ? cases[i].user : "-", cases[i].weak);
	assert_true(dfx_weak_password(NULL, NULL));
}

static void test_user_vars(void **state)
{
	const char *def = "unset";

	(void)state;
	assert_string_equal(dfx_secret_user_var("POSTGRES_PASSWORD", &def), "POSTGRES_USER");
	assert_string_equal(def, "postgres");
	assert_null(dfx_secret_user_var("MYSQL_ROOT_PASSWORD", &def));
	assert_string_equal(def, "root");
	assert_string_equal(dfx_secret_user_var("MONGO_INITDB_ROOT_PASSWORD", &def),
			    "MONGO_INITDB_ROOT_USERNAME");
	assert_null(def);
	assert_string_equal(dfx_secret_user_var("RABBITMQ_DEFAULT_PASS", &def), "RABBITMQ_DEFAULT_USER");
	assert_string_equal(def, "guest");
	assert_string_equal(dfx_secret_user_var("MINIO_ROOT_PASSWORD", NULL), "MINIO_ROOT_USER");
	assert_null(dfx_secret_user_var("UNKNOWN_PASSWORD", &def));
	assert_null(def);
	assert_null(dfx_secret_user_var(NULL, NULL));
}

/* ------------------------------------------------------------------ generation */

static void test_gen(void **state)
{
	char *a = dfx_secret_gen(), *b = dfx_secret_gen();

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(a, b);
	assert_false(dfx_weak_password(a, NULL));
	free(a);
	free(b);
}

/* ------------------------------------------------------------------ threads */

static void *worker(void *arg)
{
	long ok = 1;

	(void)arg;
	for (int i = 0; i < 200; i++) {
		const char *k = NULL;

		ok &= dfx_secret_value("postgres://u:pw@h/db", 20, &k) &&
		      strcmp(k, "URL with embedded password") == 0;
		ok &= dfx_secret_name("DB_PASSWORD");
		ok &= !dfx_secret_value("1.2.3", 5, NULL);
	}
	return (void *)ok;
}

/* First use from many threads at once: the patterns compile exactly once. */
static void test_threads(void **state)
{
	pthread_t t[8];

	(void)state;
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 8; i++) {
		void *r;

		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_true((long)r == 1);
	}
}

/* The parts of a line of an unparsed file that are hidden when it is shown. */
static size_t spans(const char *line, struct dfx_span *out, size_t max)
{
	return dfx_secret_line_spans(line, strlen(line), out, max);
}

static void assert_hidden(const char *line, const char *want)
{
	struct dfx_span sp[8];
	size_t n = spans(line, sp, 8);
	char got[256] = "";

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(got);

		snprintf(got + len, sizeof(got) - len, "%s%.*s", i ? "|" : "", (int)(sp[i].end - sp[i].start),
			 line + sp[i].start);
	}
	assert_string_equal(got, want);
}

static void test_line_spans(void **state)
{
	struct dfx_span sp[2];

	(void)state;
	assert_hidden("      STRIPE_API_KEY: sk_live_51HxYzAbCdEfGhIjKlMnOpQr: [", "sk_live_51HxYzAbCdEfGhIjKlMnOpQr: [");
	assert_hidden("  - DB_PASSWORD=hunter2  ", "hunter2");
	assert_hidden("ENV API_TOKEN \"abc def\" more", "abc def");
	assert_hidden("{\"password\": \"s3cr3t\", \"user\": \"bob\"}", "s3cr3t");
	assert_hidden("[{\"Env\":[\"API_KEY=xyz123\", }]", "xyz123");
	/* a URL with a password is a credential word: all of it is hidden */
	assert_hidden("url: postgres://app:Tr0ub4dor@db:5432/app", "postgres://app:Tr0ub4dor@db:5432/app");
	assert_hidden("url=\"redis://:Tr0ub4dor@cache\"", "redis://:Tr0ub4dor@cache");
	assert_hidden("command: [\"--token\", \"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\"",
		      "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789");
	/* names that describe a credential, and lines without one */
	assert_hidden("POSTGRES_PASSWORD_FILE: /run/secrets/db", "");
	assert_hidden("image: nginx:1.27 # password rotation", "");
	assert_hidden("url: https://example.com/a:b@c", "");
	assert_hidden("", "");
	/* a key and a token in the same value are one span */
	assert_hidden("SECRET_KEY: sk_live_51HxYzAbCdEfGhIjKlMnOpQr", "sk_live_51HxYzAbCdEfGhIjKlMnOpQr");
	/* at most `max` spans are stored */
	assert_int_equal(spans("{\"a_password\": \"a\", \"b_password\": \"b\", \"c_password\": \"c\"}", sp, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: exercises the lazy initialisation under contention */
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_long),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_entropy_word),
		cmocka_unit_test(test_generated_are_detected),
		cmocka_unit_test(test_values_hostile),
		cmocka_unit_test(test_random_inputs),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_reference_default),
		cmocka_unit_test(test_inert),
		cmocka_unit_test(test_weak_passwords),
		cmocka_unit_test(test_user_vars),
		cmocka_unit_test(test_gen),
		cmocka_unit_test(test_line_spans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
