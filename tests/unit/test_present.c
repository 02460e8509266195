/*
 * test_present.c - cmocka tests of the presenter (src/report/present.c),
 * seen through a format's callback as every format sees it,
 * and of the text and JSON formats over it: positions in bytes and in code
 * points, the redacted source line and its caret, fixes and whether their
 * edits may be shown, fingerprint occurrences, files that could not be
 * checked, the kinds of file checked, rules turned off, summary counts;
 * every format is found by name and none shows a secret value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dockfix/report.h"

static const struct dfx_rule rule_a = {
	.code = "DX101", .name = "secret-thing", .severity = DFX_SEV_CRITICAL, .kind = DFX_KIND_DOCKERFILE,
};
static const struct dfx_rule rule_b = {
	.code = "DX201", .name = "other-thing", .severity = DFX_SEV_LOW, .kind = DFX_KIND_DOCKERFILE,
};

static const char text[] = "FROM alpine\nENV K=\xC3\xA9sk_live_51H8mXyZaBcDeFgHiJkLmNoP tail\nUSER root\n";
static const char secret[] = "sk_live_51H8mXyZaBcDeFgHiJkLmNoP";

static uint32_t off(const char *needle)
{
	const char *p = strstr(text, needle);

	assert_non_null(p);
	return (uint32_t)(p - text);
}

static struct dfx_finding *add(struct dfx_findings *fs, const struct dfx_rule *r, const struct dfx_source *src,
			       uint32_t start, uint32_t end)
{
	struct dfx_finding *x;

	DFX_GROW(fs->v, fs->n + 1, fs->cap);
	x = &fs->v[fs->n++];
	memset(x, 0, sizeof(*x));
	x->rule = r;
	x->severity = r->severity;
	x->src = src;
	x->span.start = start;
	x->span.end = end;
	x->message = dfx_xstrdup("msg");
	return x;
}

struct fixture {
	struct dfx_source src;
	struct dfx_findings fs;
	struct dfx_error err;
	struct dfx_report_file files[3];
	struct dfx_report_opts o;
};

static int setup(void **state)
{
	struct fixture *t = calloc(1, sizeof(*t));
	struct dfx_finding *x;
	static const char *const disabled[] = {"DX999"};

	if (!t)
		return -1;
	dfx_source_init_copy(&t->src, "./sub/Dockerfile", text, strlen(text));
	/* the secret on line 2, after a two-byte character */
	x = add(&t->fs, &rule_a, &t->src, off("ENV"), off(" tail"));
	x->secret.start = off("sk_live");
	x->secret.end = off("sk_live") + (uint32_t)strlen(secret);
	x->fix = dfx_fix_new(DFX_FIX_UNSAFE, "delete it");
	dfx_fix_edit(x->fix, "sub/Dockerfile", off("ENV"), off("USER"), "");
	/* an empty span at the end of line 3, a safe fix creating a file */
	x = add(&t->fs, &rule_b, &t->src, off("root") + 4, off("root") + 4);
	x->hint = dfx_xstrdup("do it by hand");
	x->fix = dfx_fix_new(DFX_FIX_SAFE, "add a file");
	dfx_fix_create(x->fix, "sub/.dockerignore", ".env\n", 0, 0);
	/* the same rule on the same line text again: a second occurrence */
	add(&t->fs, &rule_b, &t->src, off("USER"), off("USER") + 4);
	/* a fix whose text would write the secret value */
	x = add(&t->fs, &rule_b, &t->src, off("FROM"), off("FROM") + 4);
	x->fix = dfx_fix_new(DFX_FIX_SAFE, "copy");
	dfx_fix_edit(x->fix, "sub/Dockerfile", 0, 0, "# sk_live_51H8mXyZaBcDeFgHiJkLmNoP\n");

	dfx_error_set(&t->err, "bad.yaml", 3, 0, "%s", "not YAML");
	t->files[0] = (struct dfx_report_file){"sub/Dockerfile", DFX_KIND_DOCKERFILE, true, false, NULL, false, &t->src};
	t->files[1] = (struct dfx_report_file){"bad.yaml", DFX_KIND_COMPOSE, true, true, &t->err, false, NULL};
	t->files[2] = (struct dfx_report_file){"sub/.dockerignore", DFX_KIND_DOCKERIGNORE, false, false, NULL, false,
					       NULL};
	t->o.files = t->files;
	t->o.nrun_files = 3;
	t->o.disabled = disabled;
	t->o.ndisabled = 1;
	t->o.nfiles = 2;
	t->o.nerrors = 1;
	t->o.root = ".";
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *t = *state;

	dfx_findings_release(&t->fs);
	dfx_source_release(&t->src);
	dfx_error_release(&t->err);
	free(t);
	return 0;
}

/* The presentation is seen as a format sees it: through a format's callback. */
static void (*current)(const struct dfx_presentation *p);
static int calls;

static void capture(struct dfx_buf *out, const struct dfx_presentation *p)
{
	calls++;
	current(p);
}

static const struct dfx_format capturing = {"capture", capture, NULL, NULL};

static void run(struct fixture *t, void (*check)(const struct dfx_presentation *p))
{
	struct dfx_buf b = DFX_BUF_INIT;

	current = check;
	calls = 0;
	dfx_report(&b, &capturing, &t->fs, &t->o);
	assert_int_equal(calls, 1);
	dfx_buf_release(&b);
}

static void check_positions_0(const struct dfx_presentation *p)
{
	const struct dfx_presented *x;

	assert_int_equal(p->n, 4);
	x = &p->v[0];
	assert_string_equal(x->path, "./sub/Dockerfile");
	assert_string_equal(x->display, "sub/Dockerfile");
	/* bytes: "ENV K=" then é (2 bytes) then the secret */
	assert_int_equal(x->pos.line, 2);
	assert_int_equal(x->pos.col, 1);
	assert_int_equal(x->pos.end_line, 2);
	assert_int_equal(x->pos.end_col, 9 + strlen(secret));
	/* code points: one less */
	assert_int_equal(x->region.end_col, 8 + strlen(secret));
	assert_int_equal(x->annotation.end_col, 8 + strlen(secret));
	/* an empty span at the end of a line: zero columns in SARIF, one for GitHub */
	x = &p->v[1];
	assert_int_equal(x->region.line, 3);
	assert_int_equal(x->region.col, 10);
	assert_int_equal(x->region.end_col, 10);
	assert_int_equal(x->annotation.end_col, 11);
	assert_int_equal(x->pos.col, 10);
}

static void check_redaction_0(const struct dfx_presentation *p)
{
	char *red = dfx_redact(secret, strlen(secret));
	char *want = dfx_xasprintf("ENV K=\xC3\xA9%s tail", red);

	assert_int_equal(p->v[0].source_line, 2);
	assert_string_equal(p->v[0].source, want);
	/* one caret per character shown, the redaction included */
	assert_int_equal(strlen(p->v[0].caret), 7 + strlen("sk_l") + 1 + strlen("(32 chars)"));
	assert_null(strchr(p->v[0].caret, ' '));
	/* the span USER on line 3 */
	assert_int_equal(p->v[2].source_line, 3);
	assert_string_equal(p->v[2].source, "USER root");
	assert_string_equal(p->v[2].caret, "^^^^");
	/* the secret value is nowhere in the presentation */
	for (size_t i = 0; i < p->n; i++)
		assert_null(strstr(p->v[i].source, "sk_live"));
	free(red);
	free(want);
}

static void check_fixes_0(const struct dfx_presentation *p)
{
	assert_string_equal(p->v[0].fix, "delete it");
	assert_true(p->v[0].needs_unsafe);
	assert_int_equal(p->v[0].nedits, 1);
	assert_int_equal(p->v[0].edits[0].deleted.line, 2);
	assert_int_equal(p->v[0].edits[0].deleted.end_line, 3);
	/* a created file is inserted at 1:1 */
	assert_false(p->v[1].needs_unsafe);
	assert_int_equal(p->v[1].nedits, 1);
	assert_int_equal(p->v[1].edits[0].deleted.line, 1);
	assert_int_equal(p->v[1].edits[0].deleted.end_col, 1);
	assert_string_equal(p->v[1].hint, "do it by hand");
	assert_null(p->v[2].fix);
	assert_int_equal(p->v[2].nedits, 0);
	/* its text holds a reported secret: the fix is named, its edits are not shown */
	assert_string_equal(p->v[3].fix, "copy");
	assert_int_equal(p->v[3].nedits, 0);
}

static void check_fixes_1(const struct dfx_presentation *p)
{
	assert_false(p->v[0].needs_unsafe);
}

static void check_run_facts_0(const struct dfx_presentation *p)
{
	/* findings 2 and 3 are on line 3 with the same rule: occurrences 1 and 2 */
	assert_int_equal(p->v[1].fingerprint, p->v[2].fingerprint);
	assert_int_equal(p->v[1].occurrence, 1);
	assert_int_equal(p->v[2].occurrence, 2);
	assert_int_not_equal(p->v[0].fingerprint, p->v[1].fingerprint);
	assert_int_equal(p->nerrors, 1);
	assert_string_equal(p->errors[0].path, "bad.yaml");
	assert_int_equal(p->errors[0].line, 3);
	assert_string_equal(p->errors[0].message, "not YAML");
	assert_int_equal(p->kinds, (1u << DFX_KIND_DOCKERFILE) | (1u << DFX_KIND_COMPOSE));
	assert_true(dfx_present_disabled(p, "DX999"));
	assert_false(dfx_present_disabled(p, "DX101"));
	assert_int_equal(p->sum.total, 4);
	assert_int_equal(p->sum.by_sev[DFX_SEV_CRITICAL], 1);
	assert_int_equal(p->sum.by_sev[DFX_SEV_LOW], 3);
	assert_int_equal(p->sum.fixable_safe, 2);
	assert_int_equal(p->sum.fixable_unsafe, 1);
}

static void test_positions(void **state)
{
	struct fixture *t = *state;

	run(t, check_positions_0);
}

static void test_redaction(void **state)
{
	struct fixture *t = *state;
	run(t, check_redaction_0);
}

static void test_fixes(void **state)
{
	struct fixture *t = *state;

	run(t, check_fixes_0);

	t->o.unsafe_fixes = true;
	run(t, check_fixes_1);
	t->o.unsafe_fixes = false;
}

static void test_run_facts(void **state)
{
	struct fixture *t = *state;

	run(t, check_run_facts_0);
}

static char *render(const char *format, struct fixture *t)
{
	struct dfx_buf b = DFX_BUF_INIT;
	const struct dfx_format *fmt = dfx_format_find(format);

	assert_non_null(fmt);
	assert_string_equal(fmt->name, format);
	dfx_report(&b, fmt, &t->fs, &t->o);
	dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
}

static void test_formats(void **state)
{
	struct fixture *t = *state;
	const char *names[] = {"text", "json", "sarif", "github", "checklist"};
	char *out;

	assert_null(dfx_format_find("xml"));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		out = render(names[i], t);
		assert_null(strstr(out, "sk_live_51H8"));
		free(out);
	}
	out = render("text", t);
	assert_non_null(strstr(out, "./sub/Dockerfile:2:1: CRITICAL DX101 secret-thing: msg\n2 | ENV K=\xC3\xA9sk_l"));
	assert_non_null(strstr(out, "  = fix (unsafe, needs --unsafe-fixes): delete it\n"));
	assert_non_null(strstr(out, "  = hint: do it by hand\n"));
	/* two files given, one could not be checked: the findings are in the one that was */
	assert_non_null(strstr(out, "Found 4 findings in 1 file (1 critical, 3 low). 2 fixable with --write. "
				    "1 more with --write --unsafe-fixes.\n1 more file could not be checked.\n"));
	free(out);
	t->o.quiet = true;
	out = render("text", t);
	assert_null(strstr(out, " | "));
	assert_null(strstr(out, "Found"));
	free(out);
	t->o.quiet = false;
	out = render("json", t);
	assert_non_null(strstr(out, "{\"version\":1,\"findings\":[\n{\"code\":\"DX101\""));
	assert_non_null(strstr(out, "\"line\":2,\"column\":1,\"end_line\":2,\"end_column\":41,"));
	assert_non_null(strstr(out, "\"summary\":{\"files\":2,\"errors\":1,\"findings\":4,\"critical\":1,\"high\":0,"
				    "\"medium\":0,\"low\":3,\"fixable\":2,\"fixable_unsafe\":1}}\n"));
	free(out);
}

/* A baseline hides findings: not shown, not counted, their secrets still redacted where another
   finding shows the line; fingerprints are those of SARIF, occurrences counted over all findings. */
static void test_hidden(void **state)
{
	struct fixture *t = *state;
	bool hidden[5] = {true, false, false, false, false};
	char *fps[5] = {0};
	char *out;

	add(&t->fs, &rule_b, &t->src, off("tail"), off("tail") + 4);
	dfx_report_fingerprints(&t->fs, &t->o, fps);
	for (size_t i = 0; i < 5; i++) {
		assert_non_null(fps[i]);
		assert_int_equal(strlen(fps[i]), 18);
		assert_int_equal(fps[i][16], ':');
	}
	/* findings 2 and 3 (rule_b on line 3): the same hash, occurrences 1 and 2 */
	assert_memory_equal(fps[1], fps[2], 16);
	assert_string_equal(fps[1] + 16, ":1");
	assert_string_equal(fps[2] + 16, ":2");
	assert_string_not_equal(fps[0], fps[4]);
	for (size_t i = 0; i < 5; i++)
		free(fps[i]);

	t->o.hidden = hidden;
	out = render("text", t);
	assert_null(strstr(out, "DX101"));
	assert_null(strstr(out, "sk_live_51H8"));
	assert_non_null(strstr(out, "./sub/Dockerfile:2:"));
	assert_non_null(strstr(out, "2 | ENV K=\xC3\xA9sk_l"));
	assert_non_null(strstr(out, "Found 4 findings in 1 file (4 low)."));
	free(out);
	out = render("json", t);
	assert_null(strstr(out, "DX101"));
	assert_non_null(strstr(out, "\"findings\":4,\"critical\":0,"));
	free(out);
	t->o.hidden = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hidden, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
