/*
 * df302.c - DF302 base-image-unverified: a FROM image (or an image a
 * `COPY --from=` copies from) that is not a Docker Official Image
 * (docker.io/library/<name>) and is not under a registry or namespace the
 * project trusts (`trusted-registries` in .dockfix.yaml; prefix match on
 * registry/namespace, `*.example.com` matches sub-domains). scratch,
 * stage references and unresolved variables are skipped. Detection only.
 * Seed: "Image Security - Base Image" (`FROM random-user/node-app #
 * Unverified`); hadolint DL3026 (trustedRegistries); CIS Docker
 * Benchmark 4.2 (use trusted base images).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/image.h"
#include "dockfix/rule.h"

/* Whether `cand` ("docker.io/bitnami/redis") is under trusted entry `e`. */
static bool under(const char *cand, const char *e)
{
	size_t n = strlen(e);

	while (n && e[n - 1] == '/')
		n--;
	if (!n)
		return false;
	return !strncasecmp(cand, e, n) && (cand[n] == '\0' || cand[n] == '/' || cand[n] == ':' || cand[n] == '@');
}

static bool trusted(const struct dfx_config *cfg, const struct dfx_imageref *ref)
{
	char *full;
	bool ok = false;

	if (!cfg || !ref->registry || !ref->path)
		return false;
	full = dfx_xasprintf("%s/%s", ref->registry, ref->path);
	for (size_t i = 0; i < cfg->ntrusted && !ok; i++) {
		const char *e = cfg->trusted[i];

		if (!strncmp(e, "*.", 2)) {
			size_t rl = strlen(ref->registry), el = strlen(e + 1);

			ok = (rl > el && !strcasecmp(ref->registry + rl - el, e + 1)) || !strcasecmp(ref->registry, e + 2);
		} else {
			ok = under(full, e) || (ref->name && under(ref->name, e));
		}
	}
	free(full);
	return ok;
}

/*
 * Docker Official Images under another name: the per-architecture
 * namespaces the official images are published to (arm64v8/debian) and
 * the official mirrors (mirror.gcr.io/library, public.ecr.aws/docker/library).
 */
static bool official_alias(const struct dfx_imageref *ref)
{
	static const char *const arch[] = {"amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386", "mips64le",
					   "ppc64le", "riscv64", "s390x", "windows-amd64", NULL};
	const char *slash;

	if (!ref->registry || !ref->path)
		return false;
	if (!strcmp(ref->registry, "mirror.gcr.io")) /* the Docker Hub mirror: library/ is implied */
		return !strchr(ref->path, '/') || (!strncmp(ref->path, "library/", 8) && !strchr(ref->path + 8, '/'));
	if (!strcmp(ref->registry, "public.ecr.aws"))
		return !strncmp(ref->path, "docker/library/", 15) && !strchr(ref->path + 15, '/');
	if (strcmp(ref->registry, "docker.io") != 0)
		return false;
	slash = strchr(ref->path, '/');
	if (!slash || strchr(slash + 1, '/'))
		return false;
	for (size_t k = 0; arch[k]; k++)
		if (strlen(arch[k]) == (size_t)(slash - ref->path) && !strncmp(ref->path, arch[k], strlen(arch[k])))
			return true;
	return false;
}

static const char *const hint_text =
	"use a Docker Official Image (node, python, nginx, ...) or an image from a publisher you have "
	"vetted; if you trust this registry or namespace, add it to `trusted-registries` in .dockfix.yaml";

static void check_ref(struct dfx_ctx *ctx, const char *text, struct dfx_span sp, const char *what)
{
	struct dfx_imageref ref;
	struct dfx_finding *f;

	if (dfx_image_parse(&ref, text, NULL) != 0)
		return;
	if (!ref.unresolved && !ref.scratch && !ref.official && !official_alias(&ref) &&
	    !trusted(ctx->ws->config, &ref)) {
		f = dfx_emit(ctx, sp,
			       "%s %s is not a Docker Official Image and not from a trusted registry or namespace: "
			       "nobody has vetted who builds it and what it contains",
			       what, text);
		if (f)
			f->hint = dfx_xstrdup(hint_text);
	}
	dfx_image_release(&ref);
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	for (size_t s = 0; s < df->nstages; s++) {
		const struct dfx_df_stage *st = &df->stages[s];

		if (st->parent >= 0 || !st->image || !st->image[0])
			continue;
		check_ref(ctx, st->image, st->image_span, "base image");
	}
	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		const struct dfx_df_flag *from;

		if (!dfx_df_is(in, "COPY"))
			continue;
		from = dfx_df_instr_flag(in, "from");
		/* a stage name or index parses as a one-word, hence official, image: never reported */
		if (!from || !from->value || !from->value[0] || strchr(from->value, '$'))
			continue;
		check_ref(ctx, from->value, from->span, "COPY --from image");
	}
}

const struct dfx_rule dfx_rule_df302 = {
	.code = "DF302",
	.name = "base-image-unverified",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "A base image is neither a Docker Official Image nor from a trusted registry",
	.what = "Checks every FROM image (ARG defaults resolved) and every image a `COPY --from=` "
		"copies from: it must be a Docker Official Image (`node`, `docker.io/library/node`, the "
		"per-architecture `arm64v8/node` and the official mirrors `mirror.gcr.io/library/node`, "
		"`public.ecr.aws/docker/library/node`) or "
		"sit under a registry or namespace listed in `trusted-registries` of .dockfix.yaml "
		"(`ghcr.io/acme`, `registry.example.com`, `bitnami`, `*.example.com`). scratch, FROM "
		"another stage and references with unresolved variables are skipped.",
	.why = "Anyone can push an image under their own name. An unvetted base image decides what "
	       "runs in every container built on it - a backdoor, a cryptominer, or simply stale "
	       "packages nobody rebuilds. Official images are reviewed and rebuilt for security "
	       "fixes; for anything else the project should decide once, explicitly, whom it trusts.",
	.example = "FROM random-user/node-app",
	.instead = "FROM node:26-slim\n\n# .dockfix.yaml, for your own registry\n"
		   "trusted-registries: [ghcr.io/acme]",
	.fix_safety = "No fix: which image to trust is the project's decision.",
	.refs = "seed: Image Security - Base Image (\"FROM random-user/node-app # Unverified\"); "
		"hadolint DL3026 (trustedRegistries); CIS Docker Benchmark 4.2; Docker Official Images "
		"program",
	.check = check,
};
