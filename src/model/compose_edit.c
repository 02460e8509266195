/*
 * compose_edit.c - compose-level edits: add a key to a service, grant a
 * secret to a service, declare a top-level file secret, and mount a service volume read-only
 * (short or long syntax). They build on the YAML edit helpers
 * (yaml_edit.c, yaml_insert.c), so new text follows the file's own layout,
 * and they decline (return -1 with out->why) where an edit would change
 * more than the one service or secret it is about, such as a list that
 * comes from an anchor.
 *
 * References: the Compose Specification, compose-spec/compose-spec
 * 05-services.md ("secrets" short and long syntax; "volumes": the short
 * syntax's `ro`/`rw` access mode, the long syntax's `read_only`) and
 * 09-secrets.md (top-level `secrets:` with `file:`).
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"

static int decline(struct dfx_yaml_edits *out, const char *why)
{
	free(out->why);
	out->why = dfx_xstrdup(why);
	return -1;
}

/* ---------------------------------------------------------------- services */

int dfx_compose_edit_service_add(struct dfx_compose *c, const struct dfx_compose_service *s, const char *key,
				 const char *yaml, struct dfx_yaml_edits *out, struct dfx_buf *path)
{
	int rc = dfx_yaml_edit_map_insert(c->yaml, s->node, key, yaml, out);

	if (rc == 0 && path) {
		dfx_yaml_node_path(s->node, path);
		if (!path->len || path->ptr[path->len - 1] != '/')
			dfx_buf_addc(path, '/');
		dfx_buf_adds(path, key);
	}
	return rc;
}

/* ---------------------------------------------------------------- secrets */

/* Whether a service's secrets list grants `name` (short `- name` or long `source: name`). */
static bool seq_has_secret(const struct dfx_yaml_node *seq, const char *name)
{
	for (size_t i = 0; i < dfx_yaml_seq_len(seq); i++) {
		const struct dfx_yaml_node *it = dfx_yaml_seq_item(seq, i);

		if (dfx_yaml_str_eq(it, name))
			return true;
		if (it && it->type == DFX_YAML_MAPPING) {
			for (size_t j = 0; j < it->n; j++)
				if (dfx_yaml_str_eq(it->pairs[j].key, "source") &&
				    dfx_yaml_str_eq(it->pairs[j].value, name))
					return true;
		}
	}
	return false;
}

int dfx_compose_edit_grant_secret(struct dfx_compose *c, const struct dfx_compose_service *s,
				  const char *name, struct dfx_yaml_edits *out)
{
	struct dfx_yaml *t = c->yaml;
	struct dfx_yaml_ref ref;
	const struct dfx_yaml_node *svc = dfx_yaml_resolve(s->node);
	struct dfx_buf b = DFX_BUF_INIT;
	int rc;

	if (!svc || svc->type != DFX_YAML_MAPPING || !name || !*name)
		return decline(out, "not a service mapping");
	if (c->legacy)
		return decline(out, "a version 1 compose file has no secrets");
	rc = dfx_yaml_map_get(t, svc, "secrets", &ref);
	if (rc < 0)
		return decline(out, "alias expansion budget spent");
	if (rc == 1) {
		const struct dfx_yaml_node *v = ref.node;

		if (ref.from_anchor)
			return decline(out, "the service's secrets come from an anchor");
		if (v->type == DFX_YAML_SEQUENCE) {
			if (seq_has_secret(v, name))
				return 1;
			return dfx_yaml_edit_seq_append_scalar(t, v, name, out);
		}
		if (dfx_yaml_is_null(v)) {
			if (v->empty) {
				dfx_buf_adds(&b, "- ");
				dfx_yaml_render_scalar(t, name, false, &b);
				rc = dfx_yaml_edit_fill_empty(t, ref.key, v, b.ptr, out);
			} else {
				dfx_buf_addc(&b, '[');
				dfx_yaml_render_scalar(t, name, true, &b);
				dfx_buf_addc(&b, ']');
				dfx_yaml_edits_add(out, v->tok.start, v->tok.end, b.ptr);
				rc = 0;
			}
			dfx_buf_release(&b);
			return rc;
		}
		return decline(out, "the service's secrets are not a list");
	}
	dfx_buf_adds(&b, "- ");
	dfx_yaml_render_scalar(t, name, false, &b);
	rc = dfx_yaml_edit_map_insert(t, svc, "secrets", b.ptr, out);
	dfx_buf_release(&b);
	return rc;
}

int dfx_compose_edit_declare_secret(struct dfx_compose *c, const char *name, const char *file,
				    struct dfx_yaml_edits *out)
{
	struct dfx_yaml *t = c->yaml;
	const struct dfx_yaml_node *root = dfx_yaml_resolve(t->root), *sec = NULL, *seckey = NULL;
	struct dfx_buf v = DFX_BUF_INIT, m = DFX_BUF_INIT;
	int rc = 0;

	if (!root || root->type != DFX_YAML_MAPPING)
		return decline(out, "the file is not a mapping");
	if (c->legacy)
		return decline(out, "a version 1 compose file has no top-level secrets");
	if (!name || !*name || !file || !*file)
		return decline(out, "no secret name or file");
	for (size_t i = 0; i < root->n; i++)
		if (dfx_yaml_str_eq(root->pairs[i].key, "secrets")) {
			seckey = root->pairs[i].key;
			sec = root->pairs[i].value;
		}
	/* the value: `file: ./secrets/x.txt` */
	dfx_buf_adds(&v, "file: ");
	dfx_yaml_render_scalar(t, file, false, &v);
	/* the entry: `name:\n  file: ...` */
	dfx_yaml_render_scalar(t, name, false, &m);
	dfx_buf_adds(&m, ":\n  ");
	dfx_buf_add(&m, v.ptr, v.len);

	if (!sec) {
		rc = dfx_yaml_edit_top_insert(t, "secrets", m.ptr, out);
	} else {
		const struct dfx_yaml_node *s = dfx_yaml_resolve(sec);

		if (s->type == DFX_YAML_MAPPING) {
			bool declared = false;

			for (size_t i = 0; i < s->n && !declared; i++)
				declared = dfx_yaml_str_eq(s->pairs[i].key, name);
			if (declared)
				rc = 1;
			else if (sec->type == DFX_YAML_ALIAS)
				rc = decline(out, "the top-level secrets come from an anchor");
			else
				rc = dfx_yaml_edit_map_insert(t, s, name, v.ptr, out);
		} else if (s->type == DFX_YAML_SCALAR && s->empty) {
			rc = dfx_yaml_edit_fill_empty(t, seckey, s, m.ptr, out);
		} else {
			rc = decline(out, "the top-level secrets are not a mapping");
		}
	}
	dfx_buf_release(&v);
	dfx_buf_release(&m);
	return rc;
}

/* ---------------------------------------------------------------- volumes */

/* Short syntax: append ":ro", turn an `rw` option into `ro`, or add ",ro" to the options. */
static int read_only_short(struct dfx_yaml *t, const struct dfx_compose_volume *v, struct dfx_yaml_edits *out)
{
	const struct dfx_yaml_node *n = v->node;
	size_t ml, mstart;

	if (!v->mode)
		return dfx_yaml_edit_scalar_append(t, n, ":ro", out);
	ml = strlen(v->mode);
	if (n->vlen < ml + 1 || memcmp(n->value + n->vlen - ml, v->mode, ml) || n->value[n->vlen - ml - 1] != ':')
		return decline(out, "the volume's options could not be located");
	mstart = n->vlen - ml;
	for (size_t i = 0; i < ml; i += strcspn(v->mode + i, ",") + 1)
		if (strcspn(v->mode + i, ",") == 2 && !strncmp(v->mode + i, "rw", 2))
			return dfx_yaml_edit_scalar_splice(t, n, mstart + i, mstart + i + 2, "ro", out);
	return dfx_yaml_edit_scalar_splice(t, n, n->vlen, n->vlen, ",ro", out);
}

int dfx_compose_edit_volume_read_only(struct dfx_compose *c, const struct dfx_compose_volume *v,
				      struct dfx_yaml_edits *out)
{
	struct dfx_yaml *t = c->yaml;

	if (!v->long_syntax)
		return read_only_short(t, v, out);
	if (v->read_only_ref.key) {
		if (v->read_only_ref.node && v->read_only_ref.node->type == DFX_YAML_SCALAR &&
		    !v->read_only_ref.node->empty)
			return dfx_yaml_edit_replace_scalar(t, v->read_only_ref.node, "true", out);
		return dfx_yaml_edit_map_set(t, v->node, "read_only", "true", out);
	}
	return dfx_yaml_edit_map_insert(t, v->node, "read_only", "true", out);
}
