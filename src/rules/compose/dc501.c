/*
 * dc501.c - DC501 image-eol / unpinned / unverified: the checks of DF301,
 * DF303 and DF302 on a compose service's `image:`. One code; the message
 * says which check failed:
 *   - end of life: the tag's release cycle has reached end of life on the
 *     evaluation date (built-in table), or the tag names an end-of-life
 *     Debian/Ubuntu/Alpine release. Unsafe fix: the recommended supported
 *     tag, variant kept (`node:14-alpine` -> `node:26-alpine`); a major
 *     jump, an image change, an OS base or a database (its data files
 *     need a migration) is a hint only.
 *   - unpinned: no tag, or `latest`, and no digest. Unsafe fix: the
 *     recommended tag (`nginx` -> `nginx:1.30`, variant kept); for a
 *     database, a hint to pin the version that runs now.
 *   - unverified: not a Docker Official Image and not under a registry or
 *     namespace listed in `trusted-registries`. No fix.
 * Services with `build:` are skipped: their `image:` names what is built.
 * EOL findings are high, the other two medium (as DF301 / DF303 / DF302),
 * unless the configuration sets DC501's severity.
 *
 * Seed: "Image Security" (Outdated or unverified base images; official,
 * recent, minimal). hadolint DL3006, DL3007, DL3026; Trivy DS-0001;
 * Checkov CKV_DOCKER_7; dclint service-image-require-explicit-tag; CIS
 * Docker Benchmark v1.6.0 4.2 (trusted base images). Reference grammar and
 * table lookup: data/eol.md sections 5-7.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"
#include "dockfix/image.h"

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

static bool trusted(const struct dfx_config *cf, const struct dfx_imageref *ref)
{
	char *full;
	bool ok = false;

	if (!cf || !ref->registry || !ref->path)
		return false;
	full = dfx_xasprintf("%s/%s", ref->registry, ref->path);
	for (size_t i = 0; cf && i < cf->ntrusted && !ok; i++) {
		const char *t = cf->trusted[i];
		size_t n = strlen(t);

		while (n && t[n - 1] == '/')
			n--;
		if (!n)
			continue;
		ok = (!strncmp(full, t, n) && (full[n] == '/' || !full[n])) ||
		     (!strncmp(ref->name, t, n) && (ref->name[n] == '/' || !ref->name[n])) ||
		     (strlen(ref->registry) == n && !strncmp(ref->registry, t, n));
	}
	free(full);
	return ok;
}

/* Offset in the reference where the tag (":tag") or digest ("@...") starts; its length if neither. */
static size_t name_end(const char *v)
{
	const char *slash = strrchr(v, '/'), *at = strchr(v, '@'), *colon;
	const char *from = slash ? slash : v;

	colon = strchr(from, ':');
	if (at && (!colon || colon > at))
		colon = NULL;
	if (colon)
		return (size_t)(colon - v);
	if (at)
		return (size_t)(at - v);
	return strlen(v);
}

/* Edits that set the image's tag to `tag`, dropping any digest. */
static int set_tag(struct dfx_yaml *t, const struct dfx_yaml_node *n, const char *tag, struct dfx_yaml_edits *ed)
{
	size_t ne = name_end(n->value), vl = strlen(n->value);
	char *nv;
	int rc;

	while (vl && (n->value[vl - 1] == ' ' || n->value[vl - 1] == '\t'))
		vl--;
	if (vl == n->vlen) {
		nv = dfx_xasprintf(":%s", tag);
		rc = dfx_yaml_edit_scalar_splice(t, n, ne, n->vlen, nv, ed);
		free(nv);
		return rc;
	}
	nv = dfx_xasprintf("%.*s:%s", (int)ne, n->value, tag);
	rc = dfx_yaml_edit_replace_scalar(t, n, nv, ed);
	free(nv);
	return rc;
}

static void attach_tag_fix(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_compose_service *s,
			   const char *tag, const char *desc)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_yaml_node *n = s->image.node;
	struct dfx_yaml_edits ed;
	struct dfx_buf path = DFX_BUF_INIT;
	const char *why;

	if (!dfx_dc_fix_allowed(ctx, n, &why)) {
		f->hint = dfx_xstrdup(why);
		return;
	}
	dfx_yaml_edits_init(&ed);
	if (set_tag(c->yaml, n, tag, &ed) == 0)
		dfx_yaml_node_path(n, &path);
	dfx_dc_attach(ctx, f, DFX_FIX_UNSAFE, &ed, path.ptr, NULL, "%s", desc);
	dfx_yaml_edits_release(&ed);
	dfx_buf_release(&path);
}

static void check_eol(struct dfx_ctx *ctx, const struct dfx_compose_service *s, struct dfx_span where,
		      const char *img)
{
	struct dfx_imageref ref;
	struct dfx_eol_result r;
	struct dfx_finding *f;
	char date[32];
	char *resolved = NULL;
	bool by_var = false;
	int as_of = ctx->ws->config ? ctx->ws->config->as_of : 0;

	if (dfx_image_parse(&ref, img, NULL) != 0)
		return;
	if (ref.unresolved) {
		dfx_image_release(&ref);
		resolved = dfx_compose_with_defaults(img);
		if (!resolved || dfx_image_parse(&ref, resolved, NULL) != 0 || ref.unresolved) {
			if (resolved && ref.unresolved)
				dfx_image_release(&ref);
			free(resolved);
			return;
		}
		by_var = true;
	}
	if (dfx_image_eol(&ref, as_of, &r) == DFX_EOL_EXPIRED) {
		date_text(r.eol_date, date, sizeof(date));
		if (r.deprecated)
			f = dfx_emit(ctx, where,
				       "end-of-life image: service `%s` uses `%s`%s, a deprecated image that no longer "
				       "gets security updates",
				       s->name, img, by_var ? " (with its variable defaults)" : "");
		else
			f = dfx_emit(ctx, where,
				       "end-of-life image: service `%s` uses `%s`%s: %s %s reached end of life on %s and "
				       "gets no security updates",
				       s->name, img, by_var ? " (with its variable defaults)" : "", r.product, r.cycle,
				       date);
		/* a database's data files do not survive a major upgrade by tag alone */
		if (f && r.has_rec && !by_var && !r.suggest_only && !r.rec.image_changes && !dfx_db_image(&ref)) {
			char *desc = dfx_xasprintf("upgrade to the supported tag `%s`%s", r.rec.text,
						   ref.digest ? " (the digest is dropped: pin the new one)" : "");

			attach_tag_fix(ctx, f, s, r.rec.tag, desc);
			free(desc);
		} else if (f && r.has_rec) {
			if (r.has_min && strcmp(r.min.text, r.rec.text))
				f->hint = dfx_xasprintf("upgrade to `%s` (smallest supported step: `%s`)%s%s",
							r.rec.text, r.min.text,
							by_var ? "; the tag comes from a variable default" : "",
							dfx_db_image(&ref) ? "; migrate the data (dump and restore, or "
									     "the product's upgrade tool) first" : "");
			else
				f->hint = dfx_xasprintf("upgrade to `%s`%s%s", r.rec.text,
							by_var ? "; the tag comes from a variable default" : "",
							dfx_db_image(&ref) ? "; migrate the data (dump and restore, or "
									     "the product's upgrade tool) first" : "");
		} else if (f) {
			f->hint = dfx_xstrdup("move to a supported release of the image");
		}
	} else if (dfx_image_suite_eol(&ref, as_of, &r) == DFX_EOL_EXPIRED) {
		date_text(r.eol_date, date, sizeof(date));
		f = dfx_emit(ctx, where,
			       "end-of-life image: service `%s` uses `%s`, built on %s %s, which reached end of life on %s",
			       s->name, img, r.product, r.cycle, date);
		if (f)
			f->hint = r.has_rec ? dfx_xasprintf("use a tag of the image built on a supported release "
							    "(`%s`)",
							    r.rec.text)
					    : dfx_xstrdup("use a tag built on a supported OS release");
	}
	dfx_image_release(&ref);
	free(resolved);
}

static void check_service(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	struct dfx_compose *c = ctx->file->compose;
	const char *img = s->image_name;
	struct dfx_span where;
	struct dfx_imageref ref;
	struct dfx_finding *f;

	if (!img || !*img || s->build.node || !s->image.node || s->image.node->type != DFX_YAML_SCALAR)
		return;
	where = s->image.via ? dfx_dc_ref_span(c, &s->image) : s->image.value->span;
	check_eol(ctx, s, where, img);
	if (dfx_image_parse(&ref, img, NULL) != 0)
		return;
	if (ref.scratch || !ref.name) {
		dfx_image_release(&ref);
		return;
	}
	/* unpinned: no tag or `latest`, and no digest */
	if (!ref.unresolved && !ref.digest && (!ref.has_tag || !strcmp(ref.tag, "latest"))) {
		struct dfx_image_suggestion sg;

		f = dfx_emit(ctx, where,
			       "unpinned image: service `%s` uses `%s`%s: every pull can bring a different "
			       "version, and rebuilds are not reproducible",
			       s->name, img, ref.has_tag ? "" : " without a tag (that is `latest`)");
		if (f) {
			set_severity(ctx, f, DFX_SEV_MEDIUM);
			if (dfx_image_pin(&ref, &sg) && !sg.image_changes && sg.tag[0] && !dfx_db_image(&ref)) {
				char *desc = dfx_xasprintf("pin the recommended tag `%s`", sg.text);

				attach_tag_fix(ctx, f, s, sg.tag, desc);
				free(desc);
			} else if (sg.tag[0] && !sg.image_changes) {
				/* a database must stay on the version its data files were written by */
				f->hint = dfx_xasprintf("pin the version the service runs now (`docker compose images` "
							"shows it), e.g. `%s`; a database cannot go back to an older "
							"version of its data files",
							sg.text);
			} else {
				f->hint = dfx_xstrdup("pin a release tag (and ideally a digest: `image:tag@sha256:...`)");
			}
		}
	}
	/* unverified: not an official image and not trusted */
	if (!ref.official && ref.registry && ref.path && !trusted(ctx->ws->config, &ref)) {
		f = dfx_emit(ctx, where,
			       "unverified image: service `%s` uses `%s`, which is not a Docker Official Image "
			       "and not from a trusted registry",
			       s->name, img);
		if (f) {
			/* the publisher: a Docker Hub namespace, or registry/namespace elsewhere */
			size_t ns = strcspn(ref.path, "/");
			bool hub = !strcmp(ref.registry, "docker.io");

			set_severity(ctx, f, DFX_SEV_MEDIUM);
			f->hint = dfx_xasprintf("check who publishes `%s`; if you trust them, add `%s%s%.*s` "
						"to `trusted-registries` in .dockfix.yaml, or use an official image",
						ref.name, hub ? "" : ref.registry, hub || !ref.path[ns] ? "" : "/",
						ref.path[ns] ? (int)ns : 0, ref.path);
		}
	}
	dfx_image_release(&ref);
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
	.name = "image-eol-unpinned-unverified",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service image is end of life, unpinned, or from an unverified publisher",
	.what = "Runs the base-image checks of DF301, DF303 and DF302 on each service's `image:`. "
		"image-eol: the tag's release cycle is past its end of life on the evaluation date "
		"(`--as-of`), or the image is deprecated, or the tag names an end-of-life Debian, Ubuntu "
		"or Alpine release; `${VAR:-default}` tags are judged by their default. image-unpinned: "
		"no tag or `latest`, without a digest. image-unverified: not a Docker Official Image "
		"and not under a registry or namespace listed in `trusted-registries`. Services with "
		"`build:` are skipped, since their `image:` names the image they build.",
	.why = "An end-of-life release gets no more security fixes, so every new CVE in it stays "
	       "open. An unpinned image changes under you at the next pull: a new major version, "
	       "or a compromised `latest`, arrives without review. Images from unknown publishers "
	       "are a supply-chain risk: typosquats and abandoned images with cryptominers are "
	       "common on public registries.",
	.example = "services:\n  db:\n    image: postgres:11\n  cache:\n    image: redis\n  app:\n    "
		   "image: someuser/node-app",
	.instead = "services:\n  db:\n    image: postgres:18\n  cache:\n    image: redis:8.2\n  app:\n    "
		   "image: ghcr.io/acme/node-app:1.4.2   # acme is in trusted-registries",
	.fix_safety = "Unsafe: a new tag is a new version of the software. For end-of-life images the "
		      "fix moves to the recommended supported tag and keeps the variant (`-alpine`, "
		      "`-slim`); upgrades of databases, caches and brokers (their data files need a "
		      "migration), upgrades that the table marks as a major jump or an image change, and "
		      "OS bases are only suggested. Unpinned images are pinned to the recommended "
		      "tag, except databases, which must stay on the version that wrote their data. "
		      "A digest is dropped when the tag changes. Unverified images have no fix.",
	.refs = "seed: Image Security (Outdated or unverified; official, recent, minimal); as DF301, "
		"DF302, DF303; hadolint DL3006, DL3007, DL3026; Trivy DS-0001; Checkov CKV_DOCKER_7; "
		"dclint service-image-require-explicit-tag; CIS Docker Benchmark v1.6.0 4.2 (trusted "
		"base images)",
	.check = check,
};
