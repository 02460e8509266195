/*
 * df101.c - DF101 secret-in-env: an ENV pair whose name is a credential name
 * (password, secret, token, api key, ...) with a literal value, or whose
 * value is a credential by its form (provider token, URL with a password,
 * private key, high-entropy string). Values that are variable references
 * are not judged. Unsafe fix: delete the pair; RUNs of the stage (and the
 * stages built from it) that use the variable get
 * `--mount=type=secret,id=<name>,env=<NAME>`, with a `# syntax=` that
 * knows `env=`; the hint says how to pass it at run and build time.
 * Seed: "Secrets in Build Args/ENV"; hadolint DL3064; BuildKit
 * SecretsUsedInArgOrEnv; Trivy DS-0031; Checkov secrets scan; CIS 4.10.
 */
#include <stdlib.h>
#include <string.h>

#include "dfhelp.h"
#include "dockfix/dfedit.h"
#include "dockfix/rule.h"
#include "dockfix/secrets.h"

#define MAX_FIXES 16 /* pairs per file whose fix is worked out (each scans the rest of the file) */

/* Whether a value is a credential by form; a reference's default counts too. */
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

static void check_pair(struct dfx_ctx *ctx, const struct dfx_df_instr *in, size_t k, bool onbuild, size_t *fixes)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_kv *kv = &in->kvs[k];
	const char *kind = NULL;
	bool byname = dfx_secret_name(kv->key) && kv->value && !dfx_value_is_inert(kv->value) &&
		      strpbrk(kv->value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") &&
		      (!dfx_dfhelp_bare_key_name(kv->key) || dfx_dfhelp_secretish_value(kv->value));
	bool byvalue = !byname && secret_value(kv->value, &kind);
	struct dfx_finding *f;
	char *red, *id;

	if (!byname && !byvalue)
		return;
	red = dfx_redact(kv->value, strlen(kv->value));
	if (byname)
		f = dfx_emit(ctx, kv->span,
			       "ENV %s sets a credential to a literal value (%s), stored in the image config for "
			       "anyone who can pull the image; pass it at run time instead (`docker run -e %s`, "
			       "compose `environment:` or `secrets:`)",
			       kv->key, red, kv->key);
	else
		f = dfx_emit(ctx, kv->span,
			       "ENV %s holds a credential value (%s%s%s), stored in the image config for anyone "
			       "who can pull the image; pass it at run time instead (`docker run -e %s`, compose "
			       "`environment:` or `secrets:`)",
			       kv->key, kind && *kind ? kind : "", kind && *kind ? ", " : "", red, kv->key);
	free(red);
	if (!f)
		return;
	f->secret = kv->value_span;
	id = dfx_dfedit_secret_id(kv->key);
	f->hint = dfx_xasprintf("keep the value out of the Dockerfile (an untracked .env for compose, a "
				"secrets manager); a build step that needs it reads a build secret: `RUN "
				"--mount=type=secret,id=%s,env=%s ...` with `docker build --secret id=%s,env=%s`",
				id, kv->key, id, kv->key);
	if (!onbuild && (*fixes)++ < MAX_FIXES) {
		struct dfx_buf lines = DFX_BUF_INIT;
		struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "%s", "");
		bool every = false;
		size_t n = dfx_dfedit_secret_fix(fix, ctx->file->path, df, (size_t)(in - df->instrs), k, true, &lines,
						 NULL, &every);

		free(fix->description);
		if (n && every)
			fix->description = dfx_xasprintf("delete ENV %s; no RUN names it, so every RUN (line%s %s) gets "
							 "it from the build secret `%s`, as any program may read it from "
							 "the environment (--mount=type=secret,id=%s,env=%s)",
							 kv->key, n > 1 ? "s" : "", lines.ptr, id, id, kv->key);
		else if (n)
			fix->description = dfx_xasprintf("delete ENV %s; RUN on line%s %s read%s it from the build "
							 "secret `%s` (--mount=type=secret,id=%s,env=%s)",
							 kv->key, n > 1 ? "s" : "", lines.ptr, n > 1 ? "" : "s", id, id,
							 kv->key);
		else
			fix->description = dfx_xasprintf("delete ENV %s from the image (the application must get "
							 "it at run time)", kv->key);
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

		if (!dfx_df_is(in, "ENV"))
			continue;
		for (size_t k = 0; k < in->nkvs; k++)
			check_pair(ctx, in, k, onbuild, &fixes);
	}
}

const struct dfx_rule dfx_rule_df101 = {
	.code = "DF101",
	.name = "secret-in-env",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A credential is set with ENV and baked into the image",
	.what = "Finds ENV pairs (also under ONBUILD) whose name is a credential name - the tokens "
		"password, passwd, pwd, secret, token, api key, access key, private key, credential(s), "
		"auth, matched as whole words of the name, not `*_FILE`, `*_PATH` or `PUBLIC*`; a bare "
		"`KEY` only with a value that looks generated - with a literal value, and pairs whose value is a credential by its form whatever the name: a "
		"provider token (AWS, GitHub, Stripe, Slack, ...), a URL with an embedded password, a "
		"private-key header, a long high-entropy string. Values that are only variable "
		"references (`$X`, `${X}`) are not judged; switches such as `true` and file paths are "
		"not credentials.",
	.why = "ENV values become part of the image configuration. Anyone who can pull the image reads "
	       "them with `docker inspect` or `docker history`, every container started from it gets "
	       "them, and they cannot be rotated without rebuilding. Registries, CI caches and layer "
	       "exports spread them further.",
	.example = "ENV API_KEY=sk_live_abc123\nENV DATABASE_URL=postgres://user:password@host/db",
	.instead = "# pass it when the container starts\ndocker run -e API_KEY ...\n\n"
		   "# or, for a build step that needs it\n"
		   "RUN --mount=type=secret,id=api_key,env=API_KEY ./fetch-assets\n"
		   "docker build --secret id=api_key,env=API_KEY .",
	.fix_safety = "Unsafe. The fix deletes the pair (the whole ENV when it is the only pair), so "
		      "the image no longer carries the value and the application must receive it at run "
		      "time (`docker run -e`, compose `environment:` or `secrets:`). RUN steps of the stage "
		      "(and of stages built from it) that expand the variable or run a tool known to read "
		      "it (aws, npm, gh, ...) get - and when none does, every RUN step, since any program may "
		      "read it from the environment - "
		      "`--mount=type=secret,id=<name>,env=<NAME>` and must then be built with `docker build "
		      "--secret id=<name>,env=<NAME>`; `# syntax=docker/dockerfile:1` is added (or an "
		      "older pinned frontend upgraded) because `env=` needs Dockerfile frontend 1.10.",
	.refs = "hadolint DL3064; BuildKit check SecretsUsedInArgOrEnv; Trivy DS-0031 (AVD-DS-0031); Checkov "
		"secrets framework; KICS \"Passwords And Secrets - Generic Secret\"; CIS Docker Benchmark 4.10",
	.check = check,
};
