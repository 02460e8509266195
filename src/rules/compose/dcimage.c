/*
 * dcimage.c - helpers of the compose image rules DC501-DC503 (dcimage.h):
 * the service's image with variable defaults applied, and the tag fix.
 *
 * References: the Compose Specification 05-services.md (`image`) and
 * 12-interpolation.md; github.com/distribution/reference (reference.go:
 * name, `:tag`, `@digest`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcimage.h"

bool dfx_dc_image_get(struct dfx_ctx *ctx, const struct dfx_compose_service *s, bool name_only,
		      struct dfx_dc_image *im)
{
	const char *img = s->image_name;
	char *resolved = NULL;
	bool by_env = false, env_all = false;
	int rc;

	memset(im, 0, sizeof(*im));
	if (!img || !*img || s->build.node || !s->image.node || s->image.node->type != DFX_YAML_SCALAR)
		return false;
	if (strchr(img, '$')) {
		resolved = dfx_dc_expand(ctx, img); /* the .env's values, then the defaults */
		if (!resolved && !name_only)
			return false;
		im->by_var = resolved && strcmp(resolved, img) != 0;
		by_env = im->by_var && dfx_dc_env_sets(ctx, img, &env_all);
	}
	im->var_note = "";
	if (im->by_var) {
		im->var_note = !by_env ? " (with its variable defaults)"
			       : env_all ? " (with the values of .env)"
					 : " (with the values of .env and its variable defaults)";
		im->var_source = by_env ? ".env" : "a variable default";
	}
	rc = dfx_image_parse(&im->ref, resolved ? resolved : img, NULL);
	free(resolved);
	if (rc != 0)
		return false;
	/* with name_only, a variable in the tag is allowed: ref.name is then known */
	if ((im->ref.unresolved && !(name_only && im->ref.registry)) || im->ref.scratch || !im->ref.name) {
		dfx_image_release(&im->ref);
		return false;
	}
	im->text = img;
	im->where = s->image.value->span;
	im->from = &s->image;
	return true;
}

void dfx_dc_image_release(struct dfx_dc_image *im)
{
	dfx_image_release(&im->ref);
	memset(im, 0, sizeof(*im));
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

void dfx_dc_image_retag(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_compose_service *s,
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
