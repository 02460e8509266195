/*
 * df303.c - DF303 base-image-unpinned: a FROM image (ARG defaults resolved,
 * stage references and scratch skipped) with no tag, the tag `latest` or
 * another floating tag that names a release channel (`stable`, `lts`,
 * `edge`, `mainline`, ...: data/floating-tags.tsv), and no digest.
 * Unsafe fix: pin the recommended tag from the built-in table, keeping the variant of a floating tag (node -> node:26); images
 * the table does not know get a hint.
 * hadolint DL3006, DL3007; Trivy DS-0001; Checkov CKV_DOCKER_7; Semgrep
 * missing-image-version / avoid-latest-version; CIS Docker Benchmark 4.2.
 */
#include <stdlib.h>
#include <string.h>

#include "dfhelp.h"
#include "dockfix/build.h"
#include "dockfix/image.h"
#include "dockfix/rule.h"

/*
 * Whether the FROM image as written takes a digest from a BuildKit
 * platform argument, which is always set in FROM:
 * `busybox${TARGETARCH:+@sha256:...}` is pinned, though ARG defaults
 * alone leave it bare.
 */
static bool platform_digest(const struct dfx_dockerfile *df, const struct dfx_df_stage *st)
{
	static const char *const args[] = {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
					   "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT", NULL};
	char *word = dfx_xstrndup(df->src->data + st->image_span.start, st->image_span.end - st->image_span.start);
	bool pinned = false;

	for (size_t k = 0; args[k] && !pinned; k++) {
		char *pat = dfx_xasprintf("${%s:+@sha256:", args[k]), *pat2 = dfx_xasprintf("${%s+@sha256:", args[k]);

		pinned = strstr(word, pat) || strstr(word, pat2);
		free(pat);
		free(pat2);
	}
	free(word);
	return pinned;
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	for (size_t s = 0; s < df->nstages; s++) {
		const struct dfx_df_stage *st = &df->stages[s];
		struct dfx_imageref ref;
		struct dfx_image_suggestion sg;
		struct dfx_finding *f;

		if (!dfx_build_stage_image(df, st, &ref))
			continue;
		if (ref.scratch || ref.digest || (ref.has_tag && !dfx_image_tag_floating(ref.tag)) ||
		    platform_digest(df, st)) {
			dfx_image_release(&ref);
			continue;
		}
		if (ref.has_tag && !strcmp(ref.tag, "latest"))
			f = dfx_emit(ctx, st->image_span,
				       "base image %s uses the tag latest: every build can get a different image, "
				       "and a new major release can break the build or the application unnoticed",
				       st->image);
		else if (ref.has_tag)
			f = dfx_emit(ctx, st->image_span,
				       "base image %s uses the floating tag %s, a release channel rather than a "
				       "version: every build can get a different image, and a new major release can "
				       "break the build or the application unnoticed",
				       st->image, ref.tag);
		else
			f = dfx_emit(ctx, st->image_span,
				       "base image %s has no tag, which means latest: every build can get a "
				       "different image, and a new major release can break it unnoticed",
				       st->image);
		if (f) {
			/* a development channel (edge, nightly) is not the release it would be pinned to */
			if (dfx_image_tag_channel(ref.tag) != DFX_TAG_DEVELOPMENT && dfx_image_pin(&ref, &sg) &&
			    !sg.image_changes && sg.tag[0]) {
				f->fix = dfx_fix_new(DFX_FIX_UNSAFE, "pin %s (the recommended supported release)", sg.text);
				if (!dfx_dfhelp_retag(f->fix, ctx->file->path, df, st, sg.tag)) {
					dfx_fix_free(f->fix);
					f->fix = NULL;
				}
			}
			if (!f->fix)
				f->hint = dfx_xstrdup("pin a version tag (image:1.2) and, for reproducible builds, "
						      "its digest (image:1.2@sha256:...) kept current by a bot such as "
						      "Renovate or Dependabot");
		}
		dfx_image_release(&ref);
	}
}

const struct dfx_rule dfx_rule_df303 = {
	.code = "DF303",
	.name = "base-image-unpinned",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A base image has no tag or uses latest or another floating tag",
	.what = "Finds FROM images (ARG defaults resolved; FROM another stage, scratch and unresolved "
		"references skipped) that have no tag, the tag `latest`, or a floating tag that names a "
		"release channel rather than a version: `stable`, `lts`, `current`, `edge`, `nightly`, "
		"`mainline`, `rolling`, `testing`, `sid`, `tip`, ... (src/model/data/floating-tags.tsv), "
		"also with a variant (`lts-alpine`, `stable-slim`). A dated or versioned snapshot of a "
		"channel (`stable-20260803`) and a digest (`@sha256:...`) count as pinned, also one added by a BuildKit platform argument, which FROM always has "
		"(`busybox${TARGETARCH:+@sha256:...}`).",
	.why = "`latest` moves: the same Dockerfile builds a different image from one day to the next, "
	       "a new major release arrives without review, and a build cannot be reproduced or "
	       "audited later. A vulnerability report for the image cannot say which version was "
	       "used.",
	.example = "FROM node\nFROM python:latest\nFROM node:lts-alpine",
	.instead = "FROM node:26\nFROM python:3.14\nFROM node:26-alpine\n# or pinned by digest: FROM node:26@sha256:...",
	.fix_safety = "Unsafe: the pinned release may differ from what latest gave before. The fix "
		      "writes the recommended supported tag from the built-in table, keeping the variant "
		      "of a floating tag (`alpine` -> `26-alpine`), in the FROM or in the default of the "
		      "ARG it is built from. Images the table does not know, development channels (`edge`, "
		      "`nightly`, `tip`: the release would be older software), and tags whose recommended "
		      "successor is another image, get a hint.",
	.refs = "hadolint DL3006, DL3007; Trivy DS-0001 (AVD-DS-0001); Checkov CKV_DOCKER_7; Semgrep "
		"dockerfile.best-practice.missing-image-version, avoid-latest-version; CIS Docker "
		"Benchmark 4.2",
	.check = check,
};
