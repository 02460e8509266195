/*
 * cmd_rules.c - `dockfix rules [--format json]` lists every rule;
 * `dockfix explain RULE` prints one rule's documentation (ruff's layout:
 * What it does / Why is this bad / Example / Use instead / Fix safety).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "dockfix/jsonw.h"

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
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc && !strcmp(argv[i + 1], "json")) {
			json = true;
			i++;
		} else if (!strcmp(argv[i], "--format=json")) {
			json = true;
		} else if ((!strcmp(argv[i], "--format") && i + 1 < argc && !strcmp(argv[i + 1], "text")) ) {
			i++;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			puts("usage: dockfix rules [--format text|json]");
			return 0;
		} else {
			fprintf(stderr, "dockfix rules: unknown argument '%s'\nusage: dockfix rules [--format text|json]\n",
				argv[i]);
			return 2;
		}
	}
	if (json) {
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

	if (argc != 2 || argv[1][0] == '-') {
		if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			puts("usage: dockfix explain RULE");
			return 0;
		}
		fputs("usage: dockfix explain RULE\n", stderr);
		return 2;
	}
	r = dfx_rule_find(argv[1]);
	for (size_t i = 0; !r && i < dfx_nrules; i++)
		if (!strcmp(dfx_rules[i]->name, argv[1]))
			r = dfx_rules[i];
	if (!r) {
		fprintf(stderr, "dockfix explain: unknown rule '%s' (see `dockfix rules`)\n", argv[1]);
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
