/*
 * cmd_rules.c - `dockfix rules [--format json]` lists every rule;
 * `dockfix explain RULE` prints one rule's documentation (ruff's layout:
 * What it does / Why is this bad / Example / Use instead / Fix safety).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "options.h"
#include "dockfix/jsonw.h"

static const char rules_usage[] = "usage: dockfix rules [--format text|json]\n";
static const char explain_usage[] = "usage: dockfix explain RULE\n";

/* "dockfix rules: message" and the usage line on stderr. */
static int rules_error(const struct dfx_cli_command *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", cmd->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", cmd->bit == DFX_CMD_RULES ? rules_usage : explain_usage);
	return 2;
}

static const struct dfx_cli_command rules_command = {"dockfix rules", DFX_CMD_RULES, 24, rules_error};
static const struct dfx_cli_command explain_command = {"dockfix explain", DFX_CMD_EXPLAIN, 24, rules_error};

static const char *kind_name(enum dfx_kind k)
{
	switch (k) {
	case DFX_KIND_DOCKERFILE:
		return "dockerfile";
	case DFX_KIND_COMPOSE:
		return "compose";
	case DFX_KIND_ENVFILE:
	case DFX_KIND_GITIGNORE:
	case DFX_KIND_DOCKERIGNORE:
		return "ignore";
	case DFX_KIND_IMAGE:
		return "image";
	default:
		return "other";
	}
}

int dfx_cmd_rules(int argc, char **argv)
{
	struct dfx_cli_opts o = {0};
	int first, rc = dfx_options_parse(&rules_command, argc, argv, &o, &first);

	if (rc == DFX_OPT_HELP) {
		dfx_cli_print_help(&rules_command, "usage: dockfix rules [--format text|json]\n\noptions:\n", "");
		return 0;
	}
	if (rc)
		return rc;
	if (first < argc)
		return rules_error(&rules_command, "unexpected argument '%s'", argv[first]);
	if (o.format && strcmp(o.format, "json") == 0) {
		struct dfx_buf b = DFX_BUF_INIT;

		dfx_buf_adds(&b, "{\"version\":1,\"rules\":[");
		for (size_t i = 0; i < dfx_nrules; i++) {
			const struct dfx_rule *r = dfx_rules[i];

			dfx_buf_adds(&b, i ? ",\n" : "\n");
			dfx_buf_adds(&b, "{\"code\":");
			dfx_jsonw_str(&b, r->code);
			dfx_buf_adds(&b, ",\"name\":");
			dfx_jsonw_str(&b, r->name);
			dfx_buf_adds(&b, ",\"severity\":");
			dfx_jsonw_str(&b, dfx_severity_name(r->severity));
			dfx_buf_adds(&b, ",\"kind\":");
			dfx_jsonw_str(&b, kind_name(r->kind));
			dfx_buf_addf(&b, ",\"fixable\":%s,\"applicability\":", r->fix ? "true" : "false");
			dfx_jsonw_str(&b, dfx_applicability_name(r->fix));
			dfx_buf_adds(&b, ",\"summary\":");
			dfx_jsonw_str(&b, r->summary);
			dfx_buf_adds(&b, "}");
		}
		dfx_buf_adds(&b, "\n]}\n");
		fwrite(b.ptr, 1, b.len, stdout);
		dfx_buf_release(&b);
		return 0;
	}
	printf("%-6s %-40s %-9s %-10s %s\n", "CODE", "NAME", "SEVERITY", "FIX", "SUMMARY");
	for (size_t i = 0; i < dfx_nrules; i++) {
		const struct dfx_rule *r = dfx_rules[i];

		printf("%-6s %-40s %-9s %-10s %s\n", r->code, r->name, dfx_severity_name(r->severity),
		       r->fix ? dfx_applicability_name(r->fix) : "-", r->summary);
	}
	return 0;
}

static void section(const char *title, const char *text, bool code)
{
	if (!text || !*text)
		return;
	printf("\n## %s\n\n", title);
	if (!code) {
		printf("%s\n", text);
		return;
	}
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		printf("    %.*s\n", n, p);
		p += n + (nl ? 1 : 0);
	}
}

int dfx_cmd_explain(int argc, char **argv)
{
	const struct dfx_rule *r;
	struct dfx_cli_opts o = {0};
	int first, rc = dfx_options_parse(&explain_command, argc, argv, &o, &first);
	const char *code;

	if (rc == DFX_OPT_HELP) {
		dfx_cli_print_help(&explain_command, "usage: dockfix explain RULE\n\noptions:\n", "");
		return 0;
	}
	if (rc)
		return rc;
	if (argc - first != 1) {
		fputs(explain_usage, stderr);
		return 2;
	}
	code = argv[first];
	r = dfx_rule_find(code);
	for (size_t i = 0; !r && i < dfx_nrules; i++)
		if (!strcmp(dfx_rules[i]->name, code))
			r = dfx_rules[i];
	if (!r) {
		fprintf(stderr, "dockfix explain: unknown rule '%s' (see `dockfix rules`)\n", code);
		return 2;
	}
	printf("# %s %s (%s)\n\n%s\n", r->code, r->name, dfx_severity_name(r->severity), r->summary);
	section("What it does", r->what, false);
	section("Why is this bad", r->why, false);
	section("Example", r->example, true);
	section("Use instead", r->instead, true);
	printf("\n## Fix safety\n\n%s\n", r->fix_safety && *r->fix_safety ? r->fix_safety
			: "No automatic fix: the finding says what to change by hand.");
	section("References", r->refs, false);
	return 0;
}
