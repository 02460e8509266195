/*
 * dc503.c - DC503 image-unverified: the check of DF302 on a compose
 * service's `image:`. Not a Docker Official Image, not under a vendor
 * registry of the built-in table (data/trusted-registries.tsv), and not
 * under a registry or namespace of `trusted-registries` in .dockfix.yaml
 * (`untrusted-registries` takes built-in entries back); variables are
 * replaced by their defaults, and a variable without one in the tag does
 * not matter (`acme/app:${TAG}`). No fix. Services with `build:` are skipped:
 * their `image:` names what is built.
 *
 * Seed: "Image Security" (unverified base images); hadolint DL3026
 * (trustedRegistries); CIS Docker Benchmark v1.6.0 4.2 (trusted base
 * images); Docker Official Images program.
 */
#include <stdlib.h>
#include <string.h>

#include "dcimage.h"

static void check_service(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	const struct dfx_config *cf = ctx->ws->config;
	struct dfx_trust_lists l = {0};
	struct dfx_dc_image im;
	struct dfx_finding *f;

	if (!dfx_dc_image_get(ctx, s, true, &im))
		return;
	if (cf)
		l = (struct dfx_trust_lists){cf->trusted, cf->ntrusted, cf->untrusted, cf->nuntrusted};
	if (dfx_image_trust(&im.ref, &l, NULL) == DFX_TRUST_NONE) {
		const struct dfx_imageref *ref = &im.ref;

		f = dfx_dc_emit(ctx, im.from, im.where,
			       "unverified image: service `%s` uses `%s`%s, which is not a Docker Official Image "
			       "and not from a trusted registry",
			       s->name, im.text, im.var_note);
		if (f) {
			/* the publisher: a Docker Hub namespace, or registry/namespace elsewhere */
			size_t ns = strcspn(ref->path, "/");
			bool hub = !strcmp(ref->registry, "docker.io");

			f->hint = dfx_xasprintf("check who publishes `%s`; if you trust them, add `%s%s%.*s` "
						"to `trusted-registries` in .dockfix.yaml, or use an official image",
						ref->name, hub ? "" : ref->registry, hub || !ref->path[ns] ? "" : "/",
						ref->path[ns] ? (int)ns : 0, ref->path);
		}
	}
	dfx_dc_image_release(&im);
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s)
		check_service(ctx, s);
}

const struct dfx_rule dfx_rule_dc503 = {
	.code = "DC503",
	.name = "image-unverified",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_NONE,
	.summary = "A service image is neither a Docker Official Image nor from a trusted registry",
	.what = "Runs the check of DF302 on each service's `image:`: it must be a Docker Official "
		"Image (or its per-architecture namespace or official mirror), come from a vendor "
		"registry that only the vendor publishes to (built in: `mcr.microsoft.com`, Red Hat's "
		"registries, `gcr.io/distroless`, `cgr.dev/chainguard`, `docker.elastic.co`, "
		"`registry.k8s.io`, project namespaces on quay.io and ghcr.io; see "
		"src/model/data/trusted-registries.tsv), or sit under an entry of `trusted-registries` in "
		".dockfix.yaml; `untrusted-registries` removes built-in entries. Variables are replaced "
		"by their defaults. Services with `build:` are skipped.",
	.why = "Anyone can push an image under their own name on a public registry. Typosquats and "
	       "abandoned images with cryptominers are common; an image from an unknown publisher "
	       "decides what runs in the container.",
	.example = "services:\n  app:\n    image: someuser/node-app:1.4",
	.instead = "services:\n  app:\n    image: ghcr.io/acme/node-app:1.4.2\n\n# .dockfix.yaml\n"
		   "trusted-registries: [ghcr.io/acme]",
	.fix_safety = "No fix: which publisher to trust is the project's decision.",
	.refs = "as DF302; hadolint DL3026 (trustedRegistries); CIS Docker Benchmark v1.6.0 4.2 (trusted base "
		"images)",
	.check = check,
};
