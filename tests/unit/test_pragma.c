/*
 * test_pragma.c - cmocka tests of the suppression comment reader
 * (src/parse/pragma.c), the table of other tools' equivalents
 * (src/engine/compat.c), where Dockerfile pragmas apply
 * (src/parse/dockerfile.c), and the configuration's patterns
 * (src/engine/config.c: exclude, per-file-ignores, .hadolint.yaml).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/compat.h"
#include "dockfix/config.h"
#include "dockfix/dockerfile.h"
#include "dockfix/ignore.h"
#include "dockfix/pragma.h"

static bool parse(const char *text, bool hadolint, struct dfx_pragma *pg)
{
	return dfx_pragma_parse(text, 0, (uint32_t)strlen(text), hadolint, pg);
}

static char *code(const char *text, const struct dfx_pragma *pg, size_t i)
{
	return dfx_xstrndup(text + pg->codes[i].start, pg->codes[i].end - pg->codes[i].start);
}

static void test_grammar(void **state)
{
	struct dfx_pragma pg;
	const char *t;
	char *c;

	(void)state;
	t = "# dockfix ignore=DF201, df105 ,DF3 because\r";
	assert_true(parse(t, false, &pg));
	assert_int_equal(pg.tool, DFX_PRAGMA_DOCKFIX);
	assert_false(pg.global);
	assert_null(pg.error);
	assert_int_equal(pg.ncodes, 3);
	c = code(t, &pg, 1);
	assert_string_equal(c, "df105");
	free(c);
	assert_true(dfx_pragma_code_is(&pg, t, 1, "DF105"));
	assert_int_equal(pg.text.end, strlen(t) - 1); /* no '\r' */
	dfx_pragma_release(&pg);

	assert_true(parse("#dockfix: global ignore = DF302", false, &pg));
	assert_true(pg.global);
	assert_int_equal(pg.ncodes, 1);
	dfx_pragma_release(&pg);

	/* malformed: still a pragma, with the reason */
	assert_true(parse("# dockfix ignore", false, &pg));
	assert_non_null(pg.error);
	dfx_pragma_release(&pg);
	assert_true(parse("# dockfix ignore= , ", false, &pg));
	assert_non_null(pg.error);
	dfx_pragma_release(&pg);
	assert_true(parse("# dockfix global", false, &pg));
	assert_non_null(pg.error);
	dfx_pragma_release(&pg);

	/* ordinary comments */
	assert_false(parse("# dockfix is great", false, &pg));
	assert_false(parse("# dockfix ignored this", false, &pg));
	assert_false(parse("# dockfixignore=DF201", false, &pg));
	assert_false(parse("# see dockfix ignore=DF201", false, &pg));

	/* hadolint only where asked, and never reported as malformed */
	assert_false(parse("# hadolint ignore=DL3002", false, &pg));
	assert_true(parse("# hadolint global ignore=DL3002,SC2086", true, &pg));
	assert_int_equal(pg.tool, DFX_PRAGMA_HADOLINT);
	assert_true(pg.global);
	assert_int_equal(pg.ncodes, 2);
	dfx_pragma_release(&pg);
	assert_false(parse("# hadolint ignore", true, &pg));

	/* used bits */
	assert_true(parse("# dockfix ignore=DF201,DF202", false, &pg));
	assert_false(dfx_pragma_used(&pg, 1));
	dfx_pragma_mark(&pg, 1);
	assert_true(dfx_pragma_used(&pg, 1));
	assert_false(dfx_pragma_used(&pg, 0));
	dfx_pragma_release(&pg);
}

static void test_compat(void **state)
{
	(void)state;
	assert_true(dfx_compat_covers(DFX_PRAGMA_HADOLINT, "dl3002", 6, "DF201"));
	assert_true(dfx_compat_covers(DFX_PRAGMA_HADOLINT, "DL3007", 6, "DF303"));
	assert_false(dfx_compat_covers(DFX_PRAGMA_HADOLINT, "DL3007", 6, "DF201"));
	assert_false(dfx_compat_covers(DFX_PRAGMA_HADOLINT, "DL3008", 6, "DF303"));
	/* a BuildKit name is no hadolint code */
	assert_false(dfx_compat_covers(DFX_PRAGMA_HADOLINT, "SecretsUsedInArgOrEnv", 21, "DF101"));
	assert_true(dfx_compat_covers(DFX_PRAGMA_BUILDKIT, "SecretsUsedInArgOrEnv", 21, "DF102"));
	assert_true(dfx_compat_covers(DFX_PRAGMA_BUILDKIT, "all", 3, "DF101"));
	assert_false(dfx_compat_covers(DFX_PRAGMA_BUILDKIT, "all", 3, "DF201"));
	/* every equivalent names a rule */
	for (size_t i = 0; i < dfx_compat_n; i++) {
		const char *p = dfx_compat_table[i].dockfix;

		while (*p) {
			size_t m = strcspn(p, ",");
			char *c = dfx_xstrndup(p, m);

			assert_non_null(dfx_rule_find(c));
			free(c);
			p += m + (p[m] == ',');
		}
	}
}

static struct dfx_dockerfile *df_parse(struct dfx_source *src, const char *text)
{
	struct dfx_error err = {0};
	struct dfx_dockerfile *df;

	dfx_source_init(src, "Dockerfile", dfx_xstrdup(text), strlen(text));
	df = dfx_dockerfile_parse(src, &err);
	assert_non_null(df);
	return df;
}

static void test_targets(void **state)
{
	struct dfx_source src;
	struct dfx_dockerfile *df;

	(void)state;
	df = df_parse(&src, "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended, SecretsUsedInArgOrEnv;error=true\n"
			    "FROM a\n# x\n# hadolint ignore=DL3002\n# dockfix ignore=DF201\nUSER root\n"
			    "# dockfix ignore=DF202\n\nRUN a \\\n # dockfix ignore=DF202\n b\n# dockfix ignore=DF402");
	assert_int_equal(df->npragmas, 6);
	assert_int_equal(df->pragmas[0].tool, DFX_PRAGMA_BUILDKIT);
	assert_true(df->pragmas[0].global);
	assert_int_equal(df->pragmas[0].ncodes, 2);
	assert_int_equal(df->pragmas[1].tool, DFX_PRAGMA_HADOLINT);
	assert_int_equal(df->pragmas[1].target, 1);
	assert_int_equal(df->pragmas[2].target, 1);
	/* a blank line between */
	assert_int_equal(df->pragmas[3].target, DFX_PRAGMA_NO_TARGET);
	/* inside a continuation */
	assert_int_equal(df->pragmas[4].target, DFX_PRAGMA_NO_TARGET);
	/* at the end of the file */
	assert_int_equal(df->pragmas[5].target, DFX_PRAGMA_NO_TARGET);
	dfx_dockerfile_free(df);
	dfx_source_release(&src);
}

static int cfg(struct dfx_config *c, const char *text, bool hadolint, struct dfx_error *err)
{
	struct dfx_source src;
	int rc;

	dfx_source_init(&src, ".dockfix.yaml", dfx_xstrdup(text), strlen(text));
	rc = hadolint ? dfx_config_parse_hadolint(c, &src, err) : dfx_config_parse(c, &src, err);
	dfx_source_release(&src);
	return rc;
}

static void test_config(void **state)
{
	struct dfx_config c;
	struct dfx_error err = {0};

	(void)state;
	dfx_config_init(&c);
	assert_int_equal(cfg(&c, "exclude: [tests/fixtures/, '*.gen.Dockerfile', /top]\n"
				 "per-file-ignores:\n  'legacy/**': [DF2, DC101]\n  Dockerfile.dev: DF303\n",
			     false, &err),
			 0);
	assert_true(dfx_config_excluded(&c, "tests/fixtures", true));
	assert_false(dfx_config_excluded(&c, "tests/fixtures", false));
	assert_true(dfx_config_excluded(&c, "a/b.gen.Dockerfile", false));
	assert_true(dfx_config_excluded(&c, "top", false));
	assert_false(dfx_config_excluded(&c, "a/top", false));
	/* only the path itself: what is below a named folder is not excluded */
	assert_false(dfx_config_excluded(&c, "tests/fixtures/x/Dockerfile", false));
	assert_false(dfx_config_enabled_at(&c, "legacy/a/Dockerfile", "DF201"));
	assert_true(dfx_config_enabled_at(&c, "legacy/a/Dockerfile", "DF101"));
	assert_false(dfx_config_enabled_at(&c, "svc/Dockerfile.dev", "DF303"));
	assert_true(dfx_config_enabled_at(&c, "svc/Dockerfile", "DF303"));
	assert_true(dfx_config_enabled_at(&c, NULL, "DF303"));
	dfx_config_release(&c);

	/* positions */
	dfx_config_init(&c);
	assert_int_equal(cfg(&c, "per-file-ignores:\n  x: [DF201,\n      DF9]\n", false, &err), -1);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 7);
	dfx_error_release(&err);
	dfx_config_release(&c);
	dfx_config_init(&c);
	assert_int_equal(cfg(&c, "select: [DF\n", false, &err), -1);
	assert_non_null(strstr(err.message, "invalid YAML: "));
	dfx_error_release(&err);
	dfx_config_release(&c);

	/* .hadolint.yaml: equivalents only; .dockfix.yaml's severity wins */
	dfx_config_init(&c);
	assert_int_equal(cfg(&c, "severity: {DF402: medium}\n", false, &err), 0);
	assert_int_equal(cfg(&c, "ignored: [DL3002, DL3008]\ntrustedRegistries: [r.example.com]\n"
				 "override:\n  error: [DL3020, DL3006]\n  style: [DL3000]\nno-fail: true\n",
			     true, &err),
			 0);
	assert_int_equal(c.nignore, 1);
	assert_string_equal(c.ignore[0], "DF201");
	assert_int_equal(c.ntrusted, 1);
	assert_int_equal(dfx_config_severity(&c, dfx_rule_find("DF402")), DFX_SEV_MEDIUM);
	assert_int_equal(dfx_config_severity(&c, dfx_rule_find("DF303")), DFX_SEV_HIGH);
	dfx_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_compat),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
