/*
 * df304.c - DF304 base-image-not-minimal: the final image is built on the
 * full variant of an image that has a -slim variant of the same version
 * (python:3.12 -> python:3.12-slim, node:22-bookworm -> node:22-bookworm-slim).
 * Only the final stage and the stages it is built FROM count: builders may
 * need the compilers. Unsafe fix: switch the tag to the slim variant.
 * Seed: "Image Security - Base Image" (`FROM node:20-slim`); CIS Docker
 * Benchmark 4.3 (do not install unnecessary packages); Docker build best practices.
 */
#include <stdlib.h>
#include <string.h>

#include "dfhelp.h"
#include "dockfix/build.h"
#include "dockfix/image.h"
#include "dockfix/rule.h"

/* A stage name with the word dev, development, debug or test (dev-envs, test_runner). */
static bool dev_stage(const char *name)
{
	static const char *const words[] = {"dev", "devel", "development", "debug", "test", "tests", NULL};

	for (const char *t = name; *t;) {
		size_t n = strcspn(t, "-_.");

		for (size_t k = 0; words[k]; k++)
			if (n == strlen(words[k]) && !strncmp(t, words[k], n))
				return true;
		t += n;
		if (*t)
			t++;
	}
	return false;
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	const char *fin = df->nstages ? df->stages[df->nstages - 1].name : NULL;

	if (dfx_build_nonprod_path(ctx->file->path))
		return; /* a dev, CI or test image */
	if (fin && dev_stage(fin))
		return; /* the last stage is a development target */
	for (size_t s = 0; s < df->nstages; s++) {
		const struct dfx_df_stage *st = &df->stages[s];
		struct dfx_imageref ref;
		struct dfx_image_suggestion sg;
		struct dfx_finding *f;

		struct dfx_build_steps b;

		if (!dfx_build_stage_in_final(df, s) || !dfx_build_stage_image(df, st, &ref))
			continue;
		/* a stage that compiles needs the full image: DF401 splits it instead */
		if (dfx_build_scan(df, s, &b) != DFX_ECO_NONE ||
		    dfx_build_scan(df, df->nstages - 1, &b) != DFX_ECO_NONE) {
			dfx_image_release(&ref);
			continue;
		}
		if (ref.scratch || !dfx_image_slim(&ref, &sg)) {
			dfx_image_release(&ref);
			continue;
		}
		f = dfx_emit(ctx, st->image_span,
			       "the final image is built on %s, the full variant: %s has the same release with a "
			       "fraction of the packages (less to patch, less for an attacker to use)",
			       st->image, sg.text);
		if (f) {
			f->fix = dfx_fix_new(DFX_FIX_UNSAFE, "use %s", sg.text);
			if (!dfx_dfhelp_retag(f->fix, ctx->file->path, df, st, sg.tag)) {
				dfx_fix_free(f->fix);
				f->fix = NULL;
				f->hint = dfx_xasprintf("use %s, or build in a full image and copy the result into "
							"a slim one", sg.text);
			}
		}
		dfx_image_release(&ref);
	}
}

const struct dfx_rule dfx_rule_df304 = {
	.code = "DF304",
	.name = "base-image-not-minimal",
	.severity = DFX_SEV_LOW,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "The final image uses a full base image where a -slim variant exists",
	.what = "Looks at the image the final stage is built on (following FROM-stage references) and "
		"fires when it is the full variant of an image that publishes a `-slim` variant of the "
		"same release: node, python, ruby, debian. Builder stages are not checked, nor a final "
		"stage that compiles (DF401 splits it into a full builder and a slim runtime stage), nor "
		"Dockerfiles whose path says they are dev, CI or test images (`Dockerfile.dev`, "
		"`.devcontainer/`, `tests/`, `integration/`) or whose last stage is a development target (`dev`, "
		"`dev-envs`, `test`); -slim, -alpine, Windows and pre-release tags are already "
		"minimal or have no slim twin.",
	.why = "The full variants carry compilers, headers, version-control tools and hundreds of "
	       "libraries the application never uses. Each is something to patch, something "
	       "scanners report, and something an attacker who gets in can use. The -slim variant "
	       "keeps the same release and C library (glibc).",
	.example = "FROM python:3.12\nCOPY app.py .\nCMD [\"python\", \"app.py\"]",
	.instead = "FROM python:3.12-slim\nCOPY app.py .\nCMD [\"python\", \"app.py\"]",
	.fix_safety = "Unsafe: a package the application needs at run time (a shared library, a "
		      "compiler for a native extension) may be missing from the slim variant. The fix "
		      "only changes the tag. -alpine is never suggested because it changes the C library "
		      "to musl.",
	.refs = "Multi-Stage Builds (node:18-slim production stage); CIS Docker Benchmark 4.3; Docker build best "
		"practices (minimal base images)",
	.check = check,
};
