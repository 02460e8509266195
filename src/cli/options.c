/*
 * options.c - the one table of command-line options and its parser (see
 * options.h; git's parse-options model, getopt_long(3) conventions). The
 * README "Usage" options table documents the same options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dockfix/config.h"
#include "options.h"

enum { CHECK = DFX_CMD_CHECK, INSPECT = DFX_CMD_INSPECT, RULES = DFX_CMD_RULES, EXPLAIN = DFX_CMD_EXPLAIN,
       INIT = DFX_CMD_INIT, LSP = DFX_CMD_LSP };

int dfx_options_usage_error(const struct dfx_cli_command *cmd, const char *fmt, const char *arg)
{
	return dfx_cli_usage_error(cmd->name, fmt, arg);
}

static int err(const struct dfx_cli_command *cmd, const char *fmt, const char *arg)
{
	return cmd->usage_error(cmd, fmt, arg);
}

/* ---------------------------------------------------------------- setters */

/* "YYYY-MM-DD" -> YYYYMMDD. Returns 0 or -1. */
static int parse_date(const char *s, int *out)
{
	unsigned y, m, d;
	char tail;

	if (sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*out = (int)(y * 10000 + m * 100 + d);
	return 0;
}


static int set_diff(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (o->mode == DFX_MODE_WRITE)
		return err(cmd, "%s", "--diff and --write cannot be combined");
	o->mode = DFX_MODE_DIFF;
	return 0;
}

static int set_write(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (o->mode == DFX_MODE_DIFF)
		return err(cmd, "%s", "--diff and --write cannot be combined");
	o->mode = DFX_MODE_WRITE;
	return 0;
}

static int set_unsafe(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->unsafe = true;
	return 0;
}

static int set_format(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (!dfx_cli_format_ok(v))
		return err(cmd, "unknown --format '%s' (text, json, sarif, github, gitlab, checklist)", v);
	o->format = v;
	return 0;
}

static int set_rules_format(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0 && strcmp(v, "markdown") != 0)
		return err(cmd, "unknown --format '%s' (text, json, markdown)", v);
	o->format = v;
	return 0;
}

static int set_fail_on(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	enum dfx_severity s;

	if (dfx_severity_parse(v, &s) != 0)
		return err(cmd, "unknown --fail-on '%s' (critical, high, medium, low, none)", v);
	o->fail_on = v;
	return 0;
}

/* Split `v` at commas onto *codes; each must name a rule or a group, as in .dockfix.yaml. */
static int set_codes(const struct dfx_cli_command *cmd, const char *opt, const char *v, char ***codes, size_t *n)
{
	size_t from = *n;

	dfx_cli_split_codes(v, codes, n);
	for (size_t i = from; i < *n; i++)
		if (!dfx_rule_find((*codes)[i]) && !dfx_rule_prefix((*codes)[i])) {
			struct dfx_buf b = DFX_BUF_INIT;
			int rc;

			dfx_buf_addf(&b, "%s: no rule matches '%%s' (see `dockfix rules`)", opt);
			rc = err(cmd, b.ptr, (*codes)[i]);
			dfx_buf_release(&b);
			return rc;
		}
	return 0;
}

static int set_select(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	return set_codes(cmd, "--select", v, &o->select, &o->nselect);
}

static int set_ignore(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	return set_codes(cmd, "--ignore", v, &o->ignore, &o->nignore);
}

static int set_config(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->config = v;
	return 0;
}

static int set_stdin_name(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->stdin_name = v;
	return 0;
}

static int set_as_of(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (parse_date(v, &o->as_of) != 0)
		return err(cmd, "bad --as-of '%s' (want YYYY-MM-DD)", v);
	return 0;
}

static int set_eol_data(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->eol_data = v;
	return 0;
}

static int set_color(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never"))
		return err(cmd, "unknown --color '%s' (auto, always, never)", v);
	o->color = v;
	return 0;
}

static int set_jobs(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end || n < 0 || n > 1024)
		return err(cmd, "bad -j '%s' (want a number of threads, 0 for one per core)", v);
	o->jobs = (int)n;
	return 0;
}

static int set_quiet(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->quiet = true;
	return 0;
}

static int set_statistics(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->statistics = true;
	return 0;
}

static int set_show_fixes(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->show_fixes = true;
	return 0;
}

static int set_exit_zero(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->exit_zero = true;
	return 0;
}

static int set_output_file(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (!*v || strcmp(v, "-") == 0)
		return err(cmd, "bad --output-file '%s' (want a file name)", v);
	o->output_file = v;
	return 0;
}

static int set_baseline(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (!*v)
		return err(cmd, "%s needs a file name", "--baseline");
	o->baseline = v;
	return 0;
}

static int set_generate_baseline(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (!*v || strcmp(v, "-") == 0)
		return err(cmd, "bad --generate-baseline '%s' (want a file name)", v);
	o->generate_baseline = v;
	return 0;
}

static int set_version(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	return DFX_OPT_VERSION;
}

static int set_help(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	return DFX_OPT_HELP;
}

static int set_db(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->db = v;
	return 0;
}

static int set_dir(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	if (!*v)
		return err(cmd, "%s needs a value", "--dir");
	o->dir = v;
	return 0;
}

static int set_port(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->port = v;
	return 0;
}

static int set_force(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *v)
{
	o->force = true;
	return 0;
}

/* ---------------------------------------------------------------- the table */

/* In the order of the help. */
static const struct dfx_option options[] = {
	{"diff", 0, NULL, CHECK, "print fixes as a unified diff (exit 1 when non-empty)", set_diff},
	{"write", 0, NULL, CHECK, "apply fixes in place (atomic per file)", set_write},
	{"unsafe-fixes", 0, NULL, CHECK, "also apply fixes that may change what the container can do", set_unsafe},
	{"format", 0, "FORMAT", CHECK | INSPECT, "text (default), json, sarif, github, gitlab, checklist", set_format},
	{"format", 0, "FORMAT", RULES, "text (default), json, markdown", set_rules_format},
	{"fail-on", 0, "SEVERITY", CHECK | INSPECT, "critical, high, medium (default), low, none", set_fail_on},
	{"select", 0, "CODE,...", CHECK, "only these rules (a prefix such as DF1 selects a group)", set_select},
	{"select", 0, "CODE,...", INSPECT, "only these rules", set_select},
	{"ignore", 0, "CODE,...", CHECK | INSPECT, "not these rules", set_ignore},
	{"config", 0, "FILE", CHECK | INSPECT | LSP, "configuration (default: .dockfix.yaml found upward)", set_config},
	{"stdin-filename", 0, "NAME", CHECK, "name of the file read from PATH -", set_stdin_name},
	{"stdin-filename", 0, "NAME", INSPECT, "name to show for standard input (default: -)", set_stdin_name},
	{"as-of", 0, "YYYY-MM-DD", CHECK, "evaluate base-image end-of-life on this date", set_as_of},
	{"eol-data", 0, "FILE", CHECK, "end-of-life table to use instead of the built-in one (eol.tsv format)",
	 set_eol_data},
	{"color", 0, "WHEN", CHECK | INSPECT, "auto (default), always, never; NO_COLOR is honoured", set_color},
	{"jobs", 'j', "N", CHECK, "threads (default 0, one per core; the output is the same for any N)", set_jobs},
	{"quiet", 'q', NULL, CHECK | INSPECT, "findings only: no source lines, no summary", set_quiet},
	{"statistics", 0, NULL, CHECK | INSPECT, "findings per rule (count, fixable) instead of the findings",
	 set_statistics},
	{"show-fixes", 0, NULL, CHECK, "list the fixes applied (--write) or that would be, per file and rule",
	 set_show_fixes},
	{"output-file", 'o', "FILE", CHECK | INSPECT, "write the report (or the diff) to FILE, atomically",
	 set_output_file},
	{"exit-zero", 0, NULL, CHECK | INSPECT, "exit 0 even when findings remain (errors still exit 2)",
	 set_exit_zero},
	{"baseline", 0, "FILE", CHECK | INSPECT, "report only findings FILE does not list", set_baseline},
	{"generate-baseline", 0, "FILE", CHECK | INSPECT, "write the findings' fingerprints to FILE",
	 set_generate_baseline},
	{"version", 0, NULL, CHECK, "print version and the base-image table's data date", set_version},
	{"db", 0, "DB", INIT, "postgres, mysql, mariadb, mongo, redis, or none (default)", set_db},
	{"dir", 0, "DIR", INIT, "where to write (default: .); created when missing", set_dir},
	{"port", 0, "N", INIT,
	 "the port the app listens on and is published on\n"
	 "(default: node 3000, python 8000, go and java 8080);\n"
	 "static always listens on 8080 and N is the host port",
	 set_port},
	{"force", 'f', NULL, INIT, "overwrite existing files; existing secrets are kept", set_force},
	{"help", 'h', NULL, CHECK, "this help", set_help},
	{"help", 'h', NULL, INSPECT, "this help", set_help},
	{"help", 'h', NULL, RULES | EXPLAIN | INIT | LSP, "show this help", set_help},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* ---------------------------------------------------------------- parser */

static const struct dfx_option *find_short(unsigned bit, char c)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if ((options[i].commands & bit) && options[i].short_name == c)
			return &options[i];
	return NULL;
}

/* The option `name` (n bytes) names: exactly, or as the prefix of one option only. */
static const struct dfx_option *find_long(unsigned bit, const char *name, size_t n)
{
	const struct dfx_option *hit = NULL;
	size_t nhits = 0;

	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct dfx_option *op = &options[i];

		if (!(op->commands & bit) || strncmp(op->name, name, n) != 0)
			continue;
		if (op->name[n] == '\0')
			return op;
		hit = op;
		nhits++;
	}
	return nhits == 1 ? hit : NULL;
}

int dfx_options_parse(const struct dfx_cli_command *cmd, int argc, char **argv, struct dfx_cli_opts *o, int *first)
{
	char **operands = dfx_xcalloc((size_t)argc + 1, sizeof(*operands));
	int nops = 0, w = 1, rc = 0, i;

	for (i = 1; i < argc && !rc; i++) {
		char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			argv[w++] = a;
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			operands[nops++] = a;
			continue;
		}
		argv[w++] = a;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			const struct dfx_option *op = find_long(cmd->bit, a + 2, n);
			const char *value = NULL;

			if (!op) {
				rc = err(cmd, "unknown or ambiguous option '%s'", a);
				break;
			}
			if (eq && !op->arg) {
				rc = err(cmd, "option '%s' takes no value", a);
				break;
			}
			if (op->arg && !eq && i + 1 >= argc) {
				rc = err(cmd, "option '%s' needs a value", a);
				break;
			}
			if (op->arg) {
				value = eq ? eq + 1 : argv[++i];
				if (!eq)
					argv[w++] = argv[i];
			}
			rc = op->set(o, cmd, value);
			continue;
		}
		for (const char *p = a + 1; *p && !rc; p++) {
			const struct dfx_option *op = find_short(cmd->bit, *p);
			const char *value = NULL;

			char name[3] = {'-', *p, '\0'};

			if (!op) {
				rc = err(cmd, "unknown option '%s'", name);
				break;
			}
			if (op->arg && !p[1] && i + 1 >= argc) {
				rc = err(cmd, "option '%s' needs a value", name);
				break;
			}
			if (op->arg) {
				if (p[1]) {
					value = p + 1;
				} else {
					value = argv[++i];
					argv[w++] = argv[i];
				}
				rc = op->set(o, cmd, value);
				break;
			}
			rc = op->set(o, cmd, NULL);
		}
	}
	/* operands after "--" */
	for (; i < argc && !rc; i++)
		operands[nops++] = argv[i];
	if (!rc) {
		*first = w;
		for (int k = 0; k < nops; k++)
			argv[w++] = operands[k];
	}
	free(operands);
	return rc;
}

void dfx_options_release(struct dfx_cli_opts *o)
{
	dfx_cli_free_codes(o->select, o->nselect);
	dfx_cli_free_codes(o->ignore, o->nignore);
	dfx_cli_free_codes(o->known, o->nknown);
	o->select = o->ignore = o->known = NULL;
	o->nselect = o->nignore = o->nknown = 0;
}

void dfx_options_help(struct dfx_buf *b, const struct dfx_cli_command *cmd)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct dfx_option *op = &options[i];
		struct dfx_buf left = DFX_BUF_INIT;

		if (!(op->commands & cmd->bit))
			continue;
		if (op->short_name)
			dfx_buf_addf(&left, "-%c, ", op->short_name);
		dfx_buf_addf(&left, "--%s%s%s", op->name, op->arg ? " " : "", op->arg ? op->arg : "");
		dfx_buf_addf(b, "  %-*s", cmd->help_width, left.ptr);
		for (const char *h = op->help; *h;) {
			size_t n = strcspn(h, "\n");

			dfx_buf_addf(b, "%.*s\n", (int)n, h);
			h += n;
			if (*h == '\n') {
				h++;
				dfx_buf_addf(b, "  %-*s", cmd->help_width, "");
			}
		}
		dfx_buf_release(&left);
	}
}
