/*
 * df102.c - DF102 secret-in-arg: an ARG whose name is a credential name
 * (with or without a default), or whose default value is a credential by
 * its form. Build arguments end up in the image history and in build
 * provenance. Unsafe fix: delete the ARG (and an `ENV NAME=$NAME` that
 * copies it into the image); RUNs of the stage that use it get
 * `--mount=type=secret,id=<name>,env=<NAME>`, and `# syntax=` is added or
 * upgraded to a frontend that knows `env=` (1.10+).
 * Seed: "Secrets in Build Args/ENV" (`ARG AWS_SECRET_ACCESS_KEY`);
 * hadolint DL3064; BuildKit SecretsUsedInArgOrEnv; Trivy DS-0031;
 * Semgrep secret-in-build-arg; CIS Docker Benchmark 4.10.
 */
#include <stdlib.h>
#include <string.h>

#include "dfhelp.h"
#include "dockfix/dfedit.h"
#include "dockfix/shellwords.h"
#include "dockfix/rule.h"
#include "dockfix/secrets.h"

/* Pairs per file whose fix is worked out: each scans the rest of the file,
   so the cap keeps a file of thousands of secret ARGs linear. The findings
   past it say so in their hint (never a silent hint-only finding). */
#define MAX_FIXES 256

static bool secret_value(const char *v, const char **kind)
{
	size_t s, n;

	*kind = NULL;
	if (!v || !*v)
		return false;
	if (dfx_value_is_reference(v)) {
		if (!dfx_value_reference_default(v, &s, &n) || dfx_value_is_reference(v + s))
			return false;
		return dfx_secret_value(v + s, n, kind);
	}
	return dfx_secret_value(v, strlen(v), kind);
}

/* Whether a FROM line expands the global ARG `name` (it must then stay). */
static bool used_in_from(const struct dfx_dockerfile *df, const char *name)
{
	for (size_t s = 0; s < df->nstages; s++) {
		const struct dfx_df_instr *in = &df->instrs[df->stages[s].from];

		if (dfx_shellwords_mentions_var(in->args_text, name))
			return true;
		for (size_t k = 0; k < in->nflags; k++)
			if (in->flags[k].value && dfx_shellwords_mentions_var(in->flags[k].value, name))
				return true;
	}
	return false;
}

/*
 * Whether an ENV or ARG of the file gives `name` a literal that looks like
 * a generated secret: a bare-`key` name (`KEY`, `CACHE_KEY`) is then a
 * credential also where the ARG has no default, as DF101 judges the ENV
 * (`ARG KEY` with `ENV KEY=9f8e...` later).
 */
static bool secretish_elsewhere(const struct dfx_dockerfile *df, const char *name)
{
	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = dfx_df_unwrap(&df->instrs[i]);

		if (!dfx_df_is(in, "ENV") && !dfx_df_is(in, "ARG"))
			continue;
		for (size_t k = 0; k < in->nkvs; k++)
			if (!strcmp(in->kvs[k].key, name) && in->kvs[k].value &&
			    !dfx_value_is_reference(in->kvs[k].value) && dfx_dfhelp_secretish_value(in->kvs[k].value))
				return true;
	}
	return false;
}

/* A name `$NAME` can expand, and so an env= of a secret mount: [A-Za-z_][A-Za-z0-9_]*. */
static bool var_name(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static void check_pair(struct dfx_ctx *ctx, const struct dfx_df_instr *in, size_t k, bool onbuild, size_t *fixes)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_kv *kv = &in->kvs[k];
	const char *v = kv->value, *kind = NULL;
	bool byname = dfx_secret_name(kv->key) &&
		      (!v || !*v || dfx_value_is_reference(v) || !dfx_value_is_inert(v)) &&
		      (!dfx_dfhelp_bare_key_name(kv->key) || (v && dfx_dfhelp_secretish_value(v)) ||
		       ((!v || !*v || dfx_value_is_reference(v)) && secretish_elsewhere(df, kv->key)));
	bool byvalue = !byname && secret_value(v, &kind);
	struct dfx_finding *f;
	char *id;

	if (!byname && !byvalue)
		return;
	if (!var_name(kv->key)) {
		/* `ARG ACCESSTOKEN}}` of a template: no RUN can expand it, and a
		   secret id or env= made from it would be invalid */
		f = dfx_emit(ctx, kv->span,
			       "ARG %s looks like a credential, but `%s` is not a variable name (letters, digits "
			       "and `_`, not starting with a digit), so no step can expand it: is this a template?",
			       kv->key, kv->key);
		if (f)
			f->hint = dfx_xstrdup("fix the name (or the template that writes it), then pass the value "
					      "as a build secret (`RUN --mount=type=secret,id=...,env=...`)");
		if (f && v && *v && !dfx_value_is_reference(v))
			f->secret = kv->value_span;
		else if (f)
			dfx_finding_severity(ctx, f, DFX_SEV_HIGH);
		return;
	}
	id = dfx_dfedit_secret_id(kv->key);
	if (v && *v && !dfx_value_is_reference(v)) {
		char *red = dfx_redact(v, strlen(v));

		if (byname)
			f = dfx_emit(ctx, kv->span,
				       "ARG %s is a credential and its default (%s) is written in the Dockerfile; "
				       "build arguments are recorded in the image history and build provenance: pass "
				       "it as a build secret instead (`docker build --secret id=%s,env=%s`)",
				       kv->key, red, id, kv->key);
		else
			f = dfx_emit(ctx, kv->span,
				       "the default of ARG %s is a credential (%s%s%s); build arguments are recorded "
				       "in the image history and build provenance: pass it as a build secret instead "
				       "(`docker build --secret id=%s,env=%s`)",
				       kv->key, kind && *kind ? kind : "", kind && *kind ? ", " : "", red, id, kv->key);
		free(red);
		if (f)
			f->secret = kv->value_span;
	} else {
		f = dfx_emit(ctx, kv->span,
			       "ARG %s passes a credential as a build argument, recorded in the image history "
			       "(docker history) and build provenance: pass it as a build secret instead (`docker "
			       "build --secret id=%s,env=%s`)",
			       kv->key, id, kv->key);
		/* no secret in the file: it leaks only when a build passes one (high, not critical) */
		dfx_finding_severity(ctx, f, DFX_SEV_HIGH);
	}
	if (!f) {
		free(id);
		return;
	}
	f->hint = dfx_xasprintf("read it only in the step that needs it: `RUN --mount=type=secret,id=%s,env=%s "
				"...` (compose: `build.secrets`); a value the running container needs goes in at run "
				"time (`docker run -e %s`, compose `environment:`)",
				id, kv->key, kv->key);
	if (!onbuild && !(in->stage < 0 && used_in_from(df, kv->key)) && (*fixes)++ >= MAX_FIXES) {
		char *h = f->hint;

		f->hint = dfx_xasprintf("%s. No fix is offered here: the file has more than %d credential ARGs "
					"and only the first %d get one in a run; run the fix again once they are "
					"applied",
					h, MAX_FIXES, MAX_FIXES);
		free(h);
	} else if (!onbuild && !(in->stage < 0 && used_in_from(df, kv->key))) {
		struct dfx_buf lines = DFX_BUF_INIT;
		struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "%s", "");
		bool every = false;
		size_t nenv, n = dfx_dfedit_secret_fix(fix, ctx->file->path, df, (size_t)(in - df->instrs), k,
							 false, &lines, &nenv, &every);
		const char *env = nenv ? " and the ENV that copies it into the image" : "";

		free(fix->description);
		if (n)
			fix->description = dfx_xasprintf("delete ARG %s%s; RUN on line%s %s read%s it from the build "
							 "secret `%s` (--mount=type=secret,id=%s,env=%s)%s; build with "
							 "`docker build --secret id=%s,env=%s` (compose: `build.secrets`)",
							 kv->key, env, n > 1 ? "s" : "", lines.ptr, n > 1 ? "" : "s", id,
							 id, kv->key,
							 every ? " - every RUN after it, as no step names it and a program "
								 "may read it from the environment"
							       : "",
							 id, kv->key);
		else
			fix->description = dfx_xasprintf("delete ARG %s%s (no RUN of its stage follows it)", kv->key,
							 env);
		f->fix = fix;
		dfx_buf_release(&lines);
	}
	free(id);
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	size_t fixes = 0;

	const struct dfx_df_instr *in;

	DFX_EACH_INSTR(df, in) {
		/* ONBUILD's wrapped instruction is not one of the file's own */
		bool onbuild = in < df->instrs || in >= df->instrs + df->ninstrs;

		if (!dfx_df_is(in, "ARG"))
			continue;
		for (size_t k = 0; k < in->nkvs; k++)
			check_pair(ctx, in, k, onbuild, &fixes);
	}
}

const struct dfx_rule dfx_rule_df102 = {
	.code = "DF102",
	.name = "secret-in-arg",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A credential is passed as a build argument (ARG)",
	.what = "Finds ARG declarations (also under ONBUILD) whose name is a credential name - the "
		"tokens password, passwd, pwd, secret, token, api key, access key, private key, "
		"credential(s), auth as whole words of the name, not `*_FILE`, `*_PATH` or `PUBLIC*`; a "
		"bare `KEY` only with a default that looks generated - with or without a default, and "
		"ARGs whose default value is a credential by its form (provider token, URL with an "
		"embedded password, private key, high-entropy string).",
	.why = "A build argument's value is recorded in the image: `docker history --no-trunc` shows "
	       "it in every RUN that was built with it, and BuildKit's provenance attestations list "
	       "the build arguments. A default written in the Dockerfile is also in the repository. "
	       "BuildKit secret mounts give a step the value without recording it anywhere."
	       "\n\nSeverity: critical when the Dockerfile writes a default value (the secret is in the repository and every image); high for an ARG without a default, which leaks only when a build passes a value.",
	.example = "ARG AWS_SECRET_ACCESS_KEY\n"
		   "RUN aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY",
	.instead = "# syntax=docker/dockerfile:1\n"
		   "RUN --mount=type=secret,id=aws_secret_access_key,env=AWS_SECRET_ACCESS_KEY \\\n"
		   "    aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY\n\n"
		   "docker build --secret id=aws_secret_access_key,env=AWS_SECRET_ACCESS_KEY .",
	.fix_safety = "Unsafe. The fix deletes the pair (the whole ARG when it is the only one) and an "
		      "`ENV NAME=$NAME` that copies it into the image, and gives the RUN steps of the "
		      "stage that expand the variable `--mount=type=secret,id=<name>,env=<NAME>`; "
		      "`# syntax=docker/dockerfile:1` is added or an older pinned frontend upgraded, "
		      "because `env=` needs frontend 1.10. Builds must then pass `--secret "
		      "id=<name>,env=<NAME>` instead of `--build-arg`. A tool that reads the variable "
		      "without the RUN text naming it (an .npmrc with `${NPM_TOKEN}`) needs the mount "
		      "added by hand. An ARG that a FROM line uses is not deleted. An ARG whose name is not "
		      "a variable name (`ARG TOKEN}}` in a template) gets a hint, not a fix: no step can "
		      "expand it, and a secret `env=` needs a variable name. The fix is worked out for the "
		      "first 256 credential ARGs of a file; the hint of any past them says so.",
	.refs = "hadolint DL3064; BuildKit check SecretsUsedInArgOrEnv; Trivy DS-0031 (AVD-DS-0031); Semgrep "
		"dockerfile.security.secret-in-build-arg; CIS Docker Benchmark 4.10",
	.check = check,
};
