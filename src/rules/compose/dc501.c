/*
 * dc501.c - DC501 image-eol: the check of DF301 on a compose service's
 * `image:`. The tag's release cycle has reached end of life on the
 * evaluation date (end-of-life table), the image is deprecated, or the tag
 * names an end-of-life Debian/Ubuntu/Alpine release; `${VAR:-default}`
 * values are judged by their defaults. Unsafe fix: the recommended
 * supported tag, variant kept (`node:14-alpine` -> `node:26-alpine`); a
 * major jump, an image change, an OS base, a database (its data files need
 * a migration) or a value from variable defaults is a hint only. A version
 * newer than every release the table knows (`node:27`) is a low finding:
 * the table cannot judge it. Services with `build:` are skipped: their
 * `image:` names what is built.
 *
 * Seed: "Image Security" (Outdated base images; official, recent,
 * minimal). endoflife.date; Trivy OS end-of-life detection; CIS Docker
 * Benchmark v1.6.0 4.3. Table lookup: data/eol.md sections 5-7.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcimage.h"

static void date_text(int d, char *out, size_t n)
{
	if (d > 0)
		snprintf(out, n, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
	else
		snprintf(out, n, "an unknown date");
}

/* Lower the finding to `sev` unless the configuration sets this rule's severity. */
static void set_severity(struct dfx_ctx *ctx, struct dfx_finding *f, enum dfx_severity sev)
{
	const struct dfx_config *cf = ctx->ws->config;

	for (size_t i = 0; cf && i < cf->nsevs; i++)
		if (!strcmp(cf->sevs[i].code, ctx->rule->code))
			return;
	f->severity = sev;
}

static void check_service(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	struct dfx_dc_image im;
	struct dfx_eol_result r;
	struct dfx_finding *f;
	char date[32];
	const char *img;
	bool by_var;
	int as_of = ctx->ws->config ? ctx->ws->config->as_of : 0;

	if (!dfx_dc_image_get(ctx, s, false, &im))
		return;
	img = im.text;
	by_var = im.by_var;
	if (dfx_image_eol(&im.ref, as_of, &r) == DFX_EOL_EXPIRED) {
		date_text(r.eol_date, date, sizeof(date));
		if (r.deprecated)
			f = dfx_dc_emit(ctx, im.from, im.where,
				       "end-of-life image: service `%s` uses `%s`%s, a deprecated image that no longer "
				       "gets security updates",
				       s->name, img, im.var_note);
		else
			f = dfx_dc_emit(ctx, im.from, im.where,
				       "end-of-life image: service `%s` uses `%s`%s: %s %s reached end of life on %s and "
				       "gets no security updates",
				       s->name, img, im.var_note, r.product, r.cycle,
				       date);
		/* a database's data files do not survive a major upgrade by tag alone */
		if (f && r.has_rec && !by_var && !r.suggest_only && !r.rec.image_changes && !dfx_db_image(&im.ref)) {
			char *desc = dfx_xasprintf("upgrade to the supported tag `%s`%s", r.rec.text,
						   im.ref.digest ? " (the digest is dropped: pin the new one)" : "");

			dfx_dc_image_retag(ctx, f, s, r.rec.tag, desc);
			free(desc);
		} else if (f && r.has_rec) {
			if (r.has_min && strcmp(r.min.text, r.rec.text))
				f->hint = dfx_xasprintf("upgrade to `%s` (smallest supported step: `%s`)%s%s%s",
							r.rec.text, r.min.text,
							by_var ? "; the tag comes from " : "", by_var ? im.var_source : "",
							dfx_db_image(&im.ref) ? "; migrate the data (dump and restore, or "
										"the product's upgrade tool) first" : "");
			else
				f->hint = dfx_xasprintf("upgrade to `%s`%s%s%s", r.rec.text,
							by_var ? "; the tag comes from " : "", by_var ? im.var_source : "",
							dfx_db_image(&im.ref) ? "; migrate the data (dump and restore, or "
										"the product's upgrade tool) first" : "");
		} else if (f) {
			f->hint = dfx_xstrdup("move to a supported release of the image");
		}
	} else if (dfx_image_suite_eol(&im.ref, as_of, &r) == DFX_EOL_EXPIRED) {
		date_text(r.eol_date, date, sizeof(date));
		f = dfx_dc_emit(ctx, im.from, im.where,
			       "end-of-life image: service `%s` uses `%s`, built on %s %s, which reached end of life on %s",
			       s->name, img, r.product, r.cycle, date);
		if (f)
			f->hint = r.has_rec ? dfx_xasprintf("use a tag of the image built on a supported release "
							    "(`%s`)",
							    r.rec.text)
					    : dfx_xstrdup("use a tag built on a supported OS release");
	} else if (dfx_image_eol_newer(&im.ref, &r)) {
		f = dfx_dc_emit(ctx, im.from, im.where,
			       "unknown release: service `%s` uses `%s`%s, newer than every %s release the end-of-life "
			       "table (data of %s) knows, the newest being %s: whether it is supported cannot be "
			       "judged",
			       s->name, img, im.var_note, r.image, dfx_image_eol_data_date(),
			       r.cycle);
		if (f) {
			set_severity(ctx, f, DFX_SEV_LOW);
			f->hint = dfx_xstrdup("pass a newer end-of-life table with --eol-data FILE (eol.tsv format), "
					      "or use a newer dockfix");
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

const struct dfx_rule dfx_rule_dc501 = {
	.code = "DC501",
	.name = "image-eol",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service image is past its end of life",
	.what = "Runs the check of DF301 on each service's `image:`: the tag's release cycle is past its "
		"end of life on the evaluation date (`--as-of`, the table of `--eol-data`), the image is "
		"deprecated, or the tag names an end-of-life Debian, Ubuntu or Alpine release. Variables "
		"are replaced by their defaults (`postgres:${PG_VERSION:-12}`, "
		"`${REGISTRY-}node:14`). A version newer than every release the table knows (`node:27` "
		"when the table ends at 26) is reported as low: the table cannot judge it. Services with "
		"`build:` are skipped, since their `image:` names the image they build. Unpinned images "
		"are DC502, unverified ones DC503.",
	.why = "An end-of-life release gets no more security fixes, so every new CVE in it stays "
	       "open, and its official image is no longer rebuilt, so the OS packages underneath go "
	       "stale too.",
	.example = "services:\n  db:\n    image: postgres:11\n  web:\n    image: node:14-alpine",
	.instead = "services:\n  db:\n    image: postgres:18\n  web:\n    image: node:26-alpine",
	.fix_safety = "Unsafe: a new tag is a new version of the software. The fix moves to the "
		      "recommended supported tag and keeps the variant (`-alpine`, `-slim`); upgrades of "
		      "databases, caches and brokers (their data files need a migration), upgrades that "
		      "the table marks as a major jump or an image change, OS bases and tags that come "
		      "from variable defaults are only suggested. A digest is dropped when the tag "
		      "changes.",
	.refs = "official, recent, minimal); as DF301; endoflife.date; Trivy OS end-of-life detection; CIS "
		"Docker Benchmark v1.6.0 4.3",
	.check = check,
};
