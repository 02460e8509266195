/*
 * dc502.c - DC502 image-unpinned: the check of DF303 on a compose
 * service's `image:`. No tag, `latest`, or another floating tag that names
 * a release channel (`stable`, `lts`, `edge`, ...: data/floating-tags.tsv),
 * and no digest; variables are replaced by their defaults. Unsafe fix: the
 * recommended tag (`nginx` -> `nginx:1.30`, variant kept); for a database,
 * a development channel or a value from variable defaults, a hint. Services
 * with `build:` are skipped: their `image:` names what is built.
 *
 * hadolint DL3006, DL3007 (for FROM); dclint service-image-require-
 * explicit-tag; Trivy DS-0001; Checkov CKV_DOCKER_7; CIS Docker Benchmark
 * v1.6.0 4.2.
 */
#include <stdlib.h>
#include <string.h>

#include "dcimage.h"

static void check_service(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	struct dfx_dc_image im;
	struct dfx_image_suggestion sg;
	struct dfx_finding *f;
	const struct dfx_imageref *ref = &im.ref;
	enum dfx_tag_channel ch;

	if (!dfx_dc_image_get(ctx, s, false, &im))
		return;
	ch = ref->has_tag ? dfx_image_tag_channel(ref->tag) : DFX_TAG_RELEASE;
	if (ref->digest || ch == DFX_TAG_VERSION) {
		dfx_dc_image_release(&im);
		return;
	}
	if (!ref->has_tag || !strcmp(ref->tag, "latest"))
		f = dfx_dc_emit(ctx, im.from, im.where,
			       "unpinned image: service `%s` uses `%s`%s%s: every pull can bring a different "
			       "version, and rebuilds are not reproducible",
			       s->name, im.text, im.var_note,
			       ref->has_tag ? "" : " without a tag (that is `latest`)");
	else
		f = dfx_dc_emit(ctx, im.from, im.where,
			       "unpinned image: service `%s` uses `%s`%s, the floating tag `%s` (a release channel, "
			       "not a version): every pull can bring a different version, and rebuilds are not "
			       "reproducible",
			       s->name, im.text, im.var_note, ref->tag);
	if (f) {
		bool pin = dfx_image_pin(ref, &sg) && !sg.image_changes && sg.tag[0];

		if (pin && ch != DFX_TAG_DEVELOPMENT && !im.by_var && !dfx_db_image(ref)) {
			char *desc = dfx_xasprintf("pin the recommended tag `%s`", sg.text);

			dfx_dc_image_retag(ctx, f, s, sg.tag, desc);
			free(desc);
		} else if (pin && dfx_db_image(ref)) {
			/* a database must stay on the version its data files were written by */
			f->hint = dfx_xasprintf("pin the version the service runs now (`docker compose images` "
						"shows it), e.g. `%s`; a database cannot go back to an older "
						"version of its data files",
						sg.text);
		} else if (pin) {
			f->hint = dfx_xasprintf("pin a release tag, e.g. `%s`%s", sg.text,
						!im.by_var ? "" : strcmp(im.var_source, ".env") ? " (in the variable's default)" : " (in .env)");
		} else {
			f->hint = dfx_xstrdup("pin a release tag (and ideally a digest: `image:tag@sha256:...`)");
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

const struct dfx_rule dfx_rule_dc502 = {
	.code = "DC502",
	.name = "image-unpinned",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service image has no tag or uses latest or another floating tag",
	.what = "Runs the check of DF303 on each service's `image:`: no tag, the tag `latest`, or a "
		"floating tag that names a release channel rather than a version (`stable`, `lts`, "
		"`current`, `edge`, `nightly`, `mainline`, `rolling`, also with a variant: "
		"`lts-alpine`), and no digest. Variables are replaced by their defaults "
		"(`${REPO_PREFIX-}cypress/included` is `cypress/included`). Services with `build:` are "
		"skipped, since their `image:` names the image they build.",
	.why = "An unpinned image changes under you at the next pull: a new major version, or a "
	       "compromised `latest`, arrives without review, and two hosts running the same compose "
	       "file can run different software.",
	.example = "services:\n  proxy:\n    image: nginx\n  web:\n    image: node:lts-alpine",
	.instead = "services:\n  proxy:\n    image: nginx:1.30\n  web:\n    image: node:26-alpine",
	.fix_safety = "Unsafe: the pinned release may differ from what the floating tag gave before. The "
		      "fix writes the recommended tag from the end-of-life table and keeps the variant. "
		      "Databases (which must stay on the version that wrote their data), development "
		      "channels (`edge`, `nightly`: the release is older software), images the table does "
		      "not know and values from variable defaults get a hint.",
	.refs = "as DF303; hadolint DL3006, DL3007; dclint service-image-require-explicit-tag; Trivy "
		"DS-0001; Checkov CKV_DOCKER_7; CIS Docker Benchmark v1.6.0 4.2",
	.check = check,
};
