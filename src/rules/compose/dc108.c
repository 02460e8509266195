/*
 * dc108.c - DC108 escaped-variable-not-expanded: `$${VAR}` or `$$VAR` in a
 * command that no shell runs - an exec-form `command:` / `entrypoint:`
 * (a list, or a string, which Compose splits into words without a shell)
 * or a healthcheck `test: ["CMD", ...]`. Compose turns `$$` into `$` and
 * the program receives the text `${REDIS_PASSWORD}` itself: with
 * `--requirepass $${REDIS_PASSWORD}` that text is the password. Skipped
 * when a shell (sh, bash, ...) is the program or appears in the command.
 * No fix.
 *
 * Reference: compose-spec 12-interpolation.md (`$$` escapes a literal
 * `$`); 05-services.md command, entrypoint and healthcheck (CMD vs
 * CMD-SHELL); Docker's exec form runs no shell.
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"
#include "dockfix/shellwords.h"

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/*
 * The first literal variable reference in a value after Compose's
 * interpolation: an even run of '$' (`$$`, `$$$$`) followed by `{NAME` or
 * NAME. Writes `${NAME}` or `$NAME` (as it reaches the program) to `out`
 * (size n) and returns true.
 */
static bool literal_ref(const char *v, char *out, size_t n)
{
	for (const char *p = v; *p; p++) {
		size_t run = 0, len = 0;
		bool brace;
		const char *name;

		while (p[run] == '$')
			run++;
		if (!run)
			continue;
		p += run - 1;
		if (run % 2)
			continue; /* `$VAR` or `$$${VAR}`: interpolated by Compose */
		brace = p[1] == '{';
		name = p + 1 + brace;
		if (!is_name_start(*name))
			continue;
		while (is_name_char(name[len]))
			len++;
		if (brace && name[len] != '}' && name[len] != ':' && name[len] != '-')
			continue;
		if (len + 4 > n)
			len = n - 4;
		out[0] = '$';
		if (brace)
			out[1] = '{';
		memcpy(out + 1 + brace, name, len);
		if (brace)
			out[1 + brace + len++] = '}';
		out[1 + brace + len] = '\0';
		return true;
	}
	return false;
}

/* Whether a word runs a shell or eval, which would expand the text. */
static bool shell_word(const char *w)
{
	char first[64];
	size_t n = strcspn(w, " \t");

	if (n >= sizeof(first))
		return false;
	memcpy(first, w, n);
	first[n] = '\0';
	return dfx_shellwords_is_shell(dfx_shellwords_base(first)) || !strcmp(first, "eval");
}

/* Whether the value (a string or a list) has a shell word: a string's first word or any list item. */
static bool has_shell(const struct dfx_yaml_node *n)
{
	if (!n)
		return false;
	if (n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < dfx_yaml_seq_len(n); i++) {
			const struct dfx_yaml_node *it = dfx_yaml_seq_item(n, i);

			if (it && it->type == DFX_YAML_SCALAR && shell_word(dfx_yaml_str(it)))
				return true;
		}
		return false;
	}
	return n->type == DFX_YAML_SCALAR && shell_word(dfx_yaml_str(n));
}

static void report(struct dfx_ctx *ctx, const struct dfx_compose_service *s, const char *key,
		   const struct dfx_yaml_node *at, const char *ref)
{
	struct dfx_finding *f;

	f = dfx_emit(ctx, at->span,
		       "service `%s` passes the literal text `%s` in its exec-form `%s`: `$$` escapes the "
		       "variable from Compose and no shell expands it in the container, so the program gets "
		       "those characters, not the variable's value",
		       s->name, ref, key);
	if (f && !strcmp(key, "healthcheck test"))
		f->hint = dfx_xstrdup("write the test as `[\"CMD-SHELL\", \"...\"]` (one string, run by the "
				      "container's shell, which expands `$$VAR`), or `${VAR}` to let Compose fill in "
				      "the value");
	else if (f)
		f->hint = dfx_xstrdup("run the command through a shell (`[\"sh\", \"-c\", \"exec redis-server "
				      "--requirepass \\\"$$REDIS_PASSWORD\\\"\"]`), or write `${VAR}` to let Compose "
				      "fill in the value from its environment; if the literal text was used as a "
				      "password, change it");
}

/* Check each item of a list (from index `from`) or a whole string. */
static void scan(struct dfx_ctx *ctx, const struct dfx_compose_service *s, const char *key,
		 const struct dfx_yaml_node *n, size_t from)
{
	char ref[80];

	if (!n)
		return;
	if (n->type == DFX_YAML_SCALAR) {
		if (literal_ref(dfx_yaml_str(n), ref, sizeof(ref)))
			report(ctx, s, key, n, ref);
		return;
	}
	for (size_t i = from; i < dfx_yaml_seq_len(n); i++) {
		const struct dfx_yaml_node *it = dfx_yaml_seq_item(n, i);

		if (it && it->type == DFX_YAML_SCALAR && literal_ref(dfx_yaml_str(it), ref, sizeof(ref))) {
			report(ctx, s, key, it, ref);
			return; /* one finding per key */
		}
	}
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		const struct dfx_yaml_node *test = NULL, *first;

		if (!has_shell(s->entrypoint.node) && !has_shell(s->command.node)) {
			scan(ctx, s, "entrypoint", s->entrypoint.node, 0);
			scan(ctx, s, "command", s->command.node, 0);
		}
		if (s->healthcheck.node && s->healthcheck.node->type == DFX_YAML_MAPPING)
			test = dfx_yaml_get(c->yaml, s->healthcheck.node, "test");
		/* `test: ["CMD", ...]` is exec form; a string and CMD-SHELL run /bin/sh -c */
		if (!test || test->type != DFX_YAML_SEQUENCE || !(first = dfx_yaml_seq_item(test, 0)) ||
		    !dfx_yaml_str_eq(first, "CMD") || has_shell(test))
			continue;
		scan(ctx, s, "healthcheck test", test, 1);
	}
}

const struct dfx_rule dfx_rule_dc108 = {
	.code = "DC108",
	.name = "escaped-variable-not-expanded",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_NONE,
	.summary = "`$${VAR}` in an exec-form command reaches the program as literal text",
	.what = "Finds `$${VAR}` and `$$VAR` in a service's `command:` or `entrypoint:` (a list, or "
		"a string: Compose splits a string into words without a shell) and in a healthcheck "
		"`test: [\"CMD\", ...]`, when no shell runs the command: neither list has a shell "
		"(sh, bash, ash, dash, zsh, ksh) or `eval` as a word. `CMD-SHELL` and string tests run a "
		"shell and are left alone, and so is `$${VAR}` written for Compose's interpolation "
		"elsewhere.",
	.why = "`$$` tells Compose to leave the `$` alone, so that a shell in the container expands "
	       "the variable. Without a shell nothing expands it: `redis-server --requirepass "
	       "$${REDIS_PASSWORD}` sets the password to the 17 characters `${REDIS_PASSWORD}`, which "
	       "are in the public compose file, while the real secret in the environment is unused. "
	       "Health checks written this way authenticate with the wrong text and fail, or succeed "
	       "against a server that has that text as its password.",
	.example = "services:\n  cache:\n    image: redis:7.4\n    command: [\"redis-server\", \"--requirepass\", "
		   "\"$${REDIS_PASSWORD}\"]",
	.instead = "services:\n  cache:\n    image: redis:7.4\n    command: [\"sh\", \"-c\", \"exec redis-server "
		   "--requirepass \\\"$$REDIS_PASSWORD\\\"\"]",
	.fix_safety = "No fix: whether the value should come from Compose's environment (`${VAR}`) or "
		      "the container's (a shell) is a choice, and a password that was the literal text "
		      "has to be changed.",
	.refs = "compose-spec 12-interpolation.md (`$$`); compose-spec 05-services.md command, entrypoint, "
		"healthcheck (CMD, CMD-SHELL); Dockerfile reference: exec form does not invoke a shell",
	.check = check,
};
