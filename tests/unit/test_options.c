/*
 * test_options.c - cmocka tests of the option table and its parser
 * (src/cli/options.c): operands after options keep their order and move
 * behind them, `--name=value` and `--name value`, unique prefixes,
 * ambiguous and unknown names, clustered short options, `--`, a missing
 * value, options a command does not accept, validation of values, help and
 * version, and the help list generated from the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "src/cli/options.h"

static int errors;

static int count_error(const struct dfx_cli_command *cmd, const char *fmt, const char *arg)
{
	errors++;
	return 2;
}

static const struct dfx_cli_command check = {"dockfix", DFX_CMD_CHECK, 24, count_error};
static const struct dfx_cli_command inspect = {"dockfix inspect", DFX_CMD_INSPECT, 24, count_error};
static const struct dfx_cli_command init = {"dockfix init", DFX_CMD_INIT, 13, count_error};

static int parse(const struct dfx_cli_command *cmd, char **argv, struct dfx_cli_opts *o, int *first)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(o, 0, sizeof(*o));
	errors = 0;
	return dfx_options_parse(cmd, argc, argv, o, first);
}

static void test_permute(void **state)
{
	char *argv[] = {"dockfix", "a", "--format", "json", "b", "-qj4", "--sel=DF1,DC", "--", "-c", NULL};
	struct dfx_cli_opts o;
	int first;

	(void)state;
	assert_int_equal(parse(&check, argv, &o, &first), 0);
	assert_string_equal(o.format, "json");
	assert_true(o.quiet);
	assert_int_equal(o.jobs, 4);
	assert_int_equal(o.nselect, 2);
	assert_string_equal(o.select[1], "DC");
	/* options, then "--", then the operands in their order */
	assert_int_equal(first, 6);
	assert_string_equal(argv[5], "--");
	assert_string_equal(argv[6], "a");
	assert_string_equal(argv[7], "b");
	assert_string_equal(argv[8], "-c");
	dfx_options_release(&o);
}

static void test_errors(void **state)
{
	char *unknown[] = {"dockfix", "--bogus", NULL};
	char *ambiguous[] = {"dockfix", "--s", "x", NULL};
	char *missing[] = {"dockfix", "--format", NULL};
	char *bad[] = {"dockfix", "--format=yaml", NULL};
	char *flag_value[] = {"dockfix", "--diff=yes", NULL};
	char *short_missing[] = {"dockfix", "-j", NULL};
	char *both[] = {"dockfix", "--diff", "--write", NULL};
	char *not_here[] = {"dockfix", "--diff", NULL};
	char *bad_date[] = {"dockfix", "--as-of", "2026-13-01", NULL};
	struct dfx_cli_opts o;
	int first;

	(void)state;
	assert_int_equal(parse(&check, unknown, &o, &first), 2);
	assert_int_equal(errors, 1);
	assert_int_equal(parse(&check, ambiguous, &o, &first), 2);
	assert_int_equal(parse(&check, missing, &o, &first), 2);
	assert_int_equal(parse(&check, bad, &o, &first), 2);
	assert_int_equal(parse(&check, flag_value, &o, &first), 2);
	assert_int_equal(parse(&check, short_missing, &o, &first), 2);
	assert_int_equal(parse(&check, both, &o, &first), 2);
	assert_int_equal(parse(&check, bad_date, &o, &first), 2);
	/* inspect has no --diff */
	assert_int_equal(parse(&inspect, not_here, &o, &first), 2);
	assert_int_equal(errors, 1);
}

static void test_values(void **state)
{
	char *argv[] = {"dockfix", "--as-of", "2026-11-28", "--color=never", "--unsafe", "--write", NULL};
	char *help[] = {"dockfix", "-qh", "--bogus", NULL};
	char *version[] = {"dockfix", "--version", NULL};
	char *initv[] = {"init", "node", "--db=postgres", "-f", "--dir", "x", "--port", "80", NULL};
	struct dfx_cli_opts o;
	int first;

	(void)state;
	assert_int_equal(parse(&check, argv, &o, &first), 0);
	assert_int_equal(o.as_of, 20261128);
	assert_string_equal(o.color, "never");
	assert_true(o.unsafe);
	assert_int_equal(o.mode, DFX_MODE_WRITE);
	assert_int_equal(parse(&check, help, &o, &first), DFX_OPT_HELP);
	assert_int_equal(errors, 0);
	assert_int_equal(parse(&check, version, &o, &first), DFX_OPT_VERSION);
	assert_int_equal(parse(&init, initv, &o, &first), 0);
	assert_string_equal(o.db, "postgres");
	assert_string_equal(o.dir, "x");
	assert_string_equal(o.port, "80");
	assert_true(o.force);
	assert_int_equal(first, 7);
	assert_string_equal(initv[first], "node");
	assert_int_equal(parse(&init, version, &o, &first), 2);
}

/* The adoption options, and --select / --ignore codes checked like .dockfix.yaml's. */
static void test_adoption(void **state)
{
	char *a1[] = {"dockfix", "--statistics", "--show-fixes", "-o", "r.txt", "--exit-zero", "--baseline=b.json",
		      "--generate-baseline", "g.json", ".", NULL};
	char *a2[] = {"dockfix", "--select", "DF201,ZZ9", NULL};
	char *a3[] = {"dockfix", "--ignore", "DC", "--ignore", "QQ", NULL};
	char *a4[] = {"dockfix", "--select", "DF2,DC1", "--ignore", "DC106", NULL};
	char *a5[] = {"dockfix", "-qo", "x.json", NULL};
	char *a6[] = {"dockfix", "inspect", "--show-fixes", NULL};
	char *a7[] = {"dockfix", "--output-file", "-", NULL};
	struct dfx_cli_opts o;
	int first;

	(void)state;
	assert_int_equal(parse(&check, a1, &o, &first), 0);
	assert_true(o.statistics && o.show_fixes && o.exit_zero);
	assert_string_equal(o.output_file, "r.txt");
	assert_string_equal(o.baseline, "b.json");
	assert_string_equal(o.generate_baseline, "g.json");
	dfx_options_release(&o);
	assert_int_equal(parse(&check, a2, &o, &first), 2);
	assert_int_equal(errors, 1);
	dfx_options_release(&o);
	assert_int_equal(parse(&check, a3, &o, &first), 2);
	assert_int_equal(errors, 1);
	dfx_options_release(&o);
	assert_int_equal(parse(&check, a4, &o, &first), 0);
	assert_int_equal(o.nselect, 2);
	assert_int_equal(o.nignore, 1);
	dfx_options_release(&o);
	assert_int_equal(parse(&check, a5, &o, &first), 0);
	assert_true(o.quiet);
	assert_string_equal(o.output_file, "x.json");
	dfx_options_release(&o);
	/* --show-fixes is the audit's only */
	assert_int_equal(parse(&inspect, a6 + 1, &o, &first), 2);
	dfx_options_release(&o);
	assert_int_equal(parse(&check, a7, &o, &first), 2);
	dfx_options_release(&o);
}

static void test_help(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;

	(void)state;
	dfx_options_help(&b, &check);
	assert_non_null(strstr(b.ptr, "  --diff                  print fixes as a unified diff"));
	assert_non_null(strstr(b.ptr, "\n  -j, --jobs N            threads"));
	assert_null(strstr(b.ptr, "--db"));
	dfx_buf_reset(&b);
	dfx_options_help(&b, &init);
	assert_non_null(strstr(b.ptr, "  --db DB      postgres"));
	/* a help text of several lines is indented under its first */
	assert_non_null(strstr(b.ptr, "is published on\n               (default: node 3000"));
	assert_null(strstr(b.ptr, "--format"));
	dfx_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permute),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_adoption),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
