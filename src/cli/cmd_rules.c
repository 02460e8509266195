/*
 * cmd_rules.c - `dockfix rules [--format text|json|markdown]` lists every
 * rule; `dockfix explain RULE` prints one rule's documentation (ruff's
 * layout: What it does / Why is this bad / Example / Use instead / Fix
 * safety). RULE is a code or a name in any case, or a hadolint or BuildKit
 * code with a dockfix equivalent (src/engine/compat.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cmd.h"
#include "options.h"
#include "dockfix/compat.h"
#include "dockfix/jsonw.h"

static const char rules_usage[] = "usage: dockfix rules [--format text|json|markdown]\n";
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
	if (o.format && strcmp(o.format, "markdown") == 0) {
		/* the table of README "Rules" */
		printf("| code | name | severity | fix | summary |\n|---|---|---|---|---|\n");
		for (size_t i = 0; i < dfx_nrules; i++) {
			const struct dfx_rule *r = dfx_rules[i];

			char anchor[16];
			size_t k;

			/* the anchor is the lower-case code: SARIF's helpUri points at it */
			for (k = 0; r->code[k] && k + 1 < sizeof(anchor); k++)
				anchor[k] = (char)(r->code[k] >= 'A' && r->code[k] <= 'Z' ? r->code[k] + 32 : r->code[k]);
			anchor[k] = '\0';
			printf("| <a id=\"%s\"></a>%s | %s | %s | %s | ", anchor, r->code, r->name,
			       dfx_severity_name(r->severity), r->fix ? dfx_applicability_name(r->fix) : "-");
			for (const char *p = r->summary; *p; p++) {
				if (*p == '|')
					fputs("\\|", stdout);
				else
					putchar(*p);
			}
			fputs(" |\n", stdout);
		}
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

/* A code (any case) or a name. */
static const struct dfx_rule *find_rule(const char *code)
{
	for (size_t i = 0; i < dfx_nrules; i++)
		if (!strcasecmp(dfx_rules[i]->code, code) || !strcasecmp(dfx_rules[i]->name, code))
			return dfx_rules[i];
	return NULL;
}

static void explain_rule(const struct dfx_rule *r);

/* Another tool's code: what it is, then the documentation of each dockfix equivalent. */
static int explain_equivalent(const struct dfx_compat *e)
{
	const char *tool = e->tool == DFX_PRAGMA_HADOLINT ? "hadolint" : "BuildKit build check";
	bool first = true;

	printf("%s (%s: %s) is equivalent to ", e->code, tool, e->title);
	for (const char *p = e->dockfix; *p;) {
		size_t m = strcspn(p, ",");

		printf("%s%.*s", p == e->dockfix ? "" : (p[m] ? ", " : " and "), (int)m, p);
		p += m + (p[m] == ',');
	}
	if (e->tool == DFX_PRAGMA_HADOLINT)
		printf(": `# hadolint ignore=%s` comments and `.hadolint.yaml` apply to %s in dockfix too.\n", e->code,
		       strchr(e->dockfix, ',') ? "them" : "it");
	else
		printf(": `# check=skip=%s` applies to %s in dockfix too.\n", e->code,
		       strchr(e->dockfix, ',') ? "them" : "it");
	for (const char *p = e->dockfix; *p;) {
		size_t m = strcspn(p, ",");
		char *code = dfx_xstrndup(p, m);
		const struct dfx_rule *r = dfx_rule_find(code);

		if (r) {
			printf("%s", first ? "\n" : "\n\n");
			explain_rule(r);
			first = false;
		}
		free(code);
		p += m + (p[m] == ',');
	}
	return 0;
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
	r = find_rule(code);
	if (!r) {
		const struct dfx_compat *e = dfx_compat_find(code, strlen(code));

		if (e)
			return explain_equivalent(e);
		fprintf(stderr, "dockfix explain: unknown rule '%s' (see `dockfix rules`)\n", code);
		return 2;
	}
	explain_rule(r);
	return 0;
}
static void explain_rule(const struct dfx_rule *r)
{
	printf("# %s %s (%s)\n\n%s\n", r->code, r->name, dfx_severity_name(r->severity), r->summary);
	section("What it does", r->what, false);
	section("Why is this bad", r->why, false);
	section("Example", r->example, true);
	section("Use instead", r->instead, true);
	printf("\n## Fix safety\n\n%s\n", r->fix_safety && *r->fix_safety ? r->fix_safety
			: "No automatic fix: the finding says what to change by hand.");
	section("References", r->refs, false);
}
