/*
 * dh101.c - DH101 image-env-secret: a `docker inspect` object whose
 * Config.Env (or ContainerConfig.Env, the environment of the step that made
 * the image) holds a credential, by name or by value, as DF101 decides for
 * a Dockerfile ENV. Nothing to fix in place: the image has to be rebuilt
 * and the credential rotated.
 * Seed: "Checking Image History" (`docker inspect <image> | jq
 * '.[0].Config.Env'`), "Secrets in Build Args/ENV".
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/rule.h"
#include "dockfix/inspect.h"
#include "dockfix/secrets.h"

static void check_entry(struct dfx_ctx *ctx, const struct dfx_inspect_image *img, const char *where,
			const struct dfx_json *e)
{
	const char *s = e->str, *eq, *value, *kind = NULL;
	size_t vlen;
	char *name, *red;
	bool by_value, by_name;
	struct dfx_finding *f;

	if (e->type != DFX_JSON_STRING)
		return;
	eq = memchr(s, '=', e->len);
	if (!eq || eq == s)
		return;
	value = eq + 1;
	vlen = e->len - (size_t)(value - s);
	if (!vlen)
		return;
	name = dfx_xstrndup(s, (size_t)(eq - s));
	by_value = dfx_secret_value(value, vlen, &kind);
	by_name = dfx_secret_name(name) && !dfx_value_is_reference(value);
	if (by_value || by_name) {
		red = dfx_redact(value, vlen);
		if (by_value && !(by_name && kind && strstr(kind, "entropy")))
			f = dfx_emit(ctx, e->span,
				       "image %s: %s sets %s to a credential (%s: %s): anyone who can pull the image "
				       "reads it with `docker inspect`", img->name, where, name,
				       kind ? kind : "by its form", red);
		else
			f = dfx_emit(ctx, e->span,
				       "image %s: %s sets the credential %s (%s): anyone who can pull the image "
				       "reads it with `docker inspect`", img->name, where, name, red);
		if (f) {
			f->secret = dfx_inspect_span(ctx->file->cur.data, e, (size_t)(value - s), e->len);
			f->hint = dfx_xasprintf("rotate %s now (it has been published with the image), rebuild "
						"without the ENV, and pass it at run time (`docker run -e %s`, a "
						"compose `secrets:` file mounted under /run/secrets)", name, name);
		}
		free(red);
	}
	free(name);
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_inspect *in = ctx->file->inspect;

	if (!in)
		return;
	for (size_t i = 0; i < in->nimages; i++) {
		const struct dfx_inspect_image *img = &in->images[i];

		for (size_t k = 0; k < 2; k++) {
			const struct dfx_json *env = img->env[k];

			for (size_t j = 0; env && j < env->nkids; j++)
				check_entry(ctx, img, k == 0 ? "Config.Env" : "ContainerConfig.Env", &env->kids[j]);
		}
	}
}

const struct dfx_rule dfx_rule_dh101 = {
	.code = "DH101",
	.name = "image-env-secret",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_IMAGE,
	.fix = DFX_FIX_NONE,
	.summary = "A built image's environment holds a credential",
	.what = "Reads `docker inspect IMAGE` output and checks every `Config.Env` entry (and "
		"`ContainerConfig.Env`, the environment of the build step that produced the image) the way "
		"DF101 checks an ENV instruction: a credential name (password, secret, token, api key, access "
		"key, private key, credentials, auth; not *_FILE, *_PATH or public keys) with a value, or a "
		"value that is a credential by its form (provider token, URL with a password, private key, "
		"high-entropy string).",
	.why = "The environment of an image is part of its configuration: anyone who can pull the image "
	       "can read it with `docker inspect`, and every container started from it exposes it in "
	       "`/proc/1/environ` and to `docker exec env`. A credential there is published to every "
	       "registry, cache and machine the image reaches, and deleting it in a later layer does not "
	       "remove it.",
	.example = "$ docker inspect myapp:1.0 | jq '.[0].Config.Env'\n[\n  \"PATH=/usr/local/bin:/usr/bin\",\n"
		   "  \"API_KEY=sk_live_...\"\n]",
	.instead = "# Dockerfile: no ENV for the credential; pass it when the container starts\n"
		   "docker run -e API_KEY myapp:1.0\n"
		   "# or, with compose: secrets: [api_key] and read /run/secrets/api_key",
	.fix_safety = "No fix: the image is already built. Rotate the credential (it has been published "
		      "with the image), remove the ENV from the Dockerfile (dockfix fixes DF101 there) and "
		      "rebuild.",
	.refs = "CIS Docker Benchmark 4.10; BuildKit check SecretsUsedInArgOrEnv",
	.check = check,
};
