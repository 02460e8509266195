/*
 * df302.c - DF302 base-image-unverified: a FROM image (or an image a
 * `COPY --from=` copies from) that is not a Docker Official Image
 * (docker.io/library/<name>, its per-architecture namespaces and official
 * mirrors), not under a vendor registry of the built-in table
 * (src/model/data/trusted-registries.tsv: mcr.microsoft.com, Red Hat,
 * Elastic, distroless, Chainguard, ...) and not under a registry or
 * namespace the project trusts (`trusted-registries` in .dockfix.yaml;
 * prefix match on registry/namespace, `*.example.com` matches sub-domains;
 * `untrusted-registries` takes built-in entries back). scratch,
 * stage references and unresolved variables are skipped. Detection only.
 * Seed: "Image Security - Base Image" (`FROM random-user/node-app #
 * Unverified`); hadolint DL3026 (trustedRegistries); CIS Docker
 * Benchmark 4.2 (use trusted base images).
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/image.h"
#include "dockfix/rule.h"

/* The project's entries and the built-in vendor registries decide (image.c). */
static bool trusted(const struct dfx_config *cfg, const struct dfx_imageref *ref)
{
	struct dfx_trust_lists l = {0};

	if (cfg)
		l = (struct dfx_trust_lists){cfg->trusted, cfg->ntrusted, cfg->untrusted, cfg->nuntrusted};
	return dfx_image_trust(ref, &l, NULL) != DFX_TRUST_NONE;
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
	if (!ref.unresolved && !ref.scratch && !trusted(ctx->ws->config, &ref)) {
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
		"`public.ecr.aws/docker/library/node`), come from a vendor registry that only the vendor "
		"publishes to (built in: `mcr.microsoft.com`, `registry.access.redhat.com`, "
		"`registry.redhat.io`, `gcr.io/distroless`, `cgr.dev/chainguard`, `docker.elastic.co`, "
		"`registry.k8s.io`, and project namespaces on quay.io and ghcr.io such as "
		"`quay.io/jupyter` and `ghcr.io/astral-sh`; the list and its sources are "
		"src/model/data/trusted-registries.tsv), or sit under a registry or namespace listed in "
		"`trusted-registries` of .dockfix.yaml (`ghcr.io/acme`, `registry.example.com`, "
		"`bitnami`, `*.example.com`). `untrusted-registries` removes built-in entries "
		"(`untrusted-registries: [quay.io/libpod]`); the most specific entry decides. scratch, "
		"FROM another stage and references with unresolved variables are skipped.",
	.why = "Anyone can push an image under their own name. An unvetted base image decides what "
	       "runs in every container built on it - a backdoor, a cryptominer, or simply stale "
	       "packages nobody rebuilds. Official images are reviewed and rebuilt for security "
	       "fixes; for anything else the project should decide once, explicitly, whom it trusts.",
	.example = "FROM random-user/node-app",
	.instead = "FROM node:26-slim\n\n# .dockfix.yaml, for your own registry\n"
		   "trusted-registries: [ghcr.io/acme]",
	.fix_safety = "No fix: which image to trust is the project's decision.",
	.refs = "hadolint DL3026 (trustedRegistries); CIS Docker Benchmark 4.2; Docker Official Images program",
	.check = check,
};
