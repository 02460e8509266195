/*
 * compose.c - the Docker Compose model over the YAML span tree: services
 * (image, build, ports, environment, env_file, secrets, volumes and the
 * privilege keys), top-level secrets/volumes/networks/configs, `x-`
 * extensions and the `# dockfix ignore=` comments. The value syntaxes
 * (interpolation, port and volume specs) are in compose_syntax.c, the
 * compose-level edits in compose_edit.c.
 *
 * A service is the merge of its layers (struct dfx_compose_service): the
 * bases it `extends:` in the file, then its definitions in each YAML
 * document; version 1 files (services at the top level) are read into the
 * same model.
 *
 * References: the Compose Specification (compose-spec/compose-spec
 * 05-services.md, 07-volumes.md, 09-secrets.md, 10-fragments.md for
 * anchors and `<<` merges, 13-merge.md for how layers merge and for
 * `!reset`/`!override`, 05-services.md `extends`); Docker's "Compose file
 * versions and upgrading" for version 1. Merge keys are applied through
 * the YAML lookups, which report when a value came through an anchor.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"
#include "dockfix/path.h"

struct dfx_compose_comment {
	uint32_t off;
	unsigned line;
	bool own_line;  /* nothing but blanks before it on its line */
	long pragma;    /* index into c->pragmas for a `dockfix ignore=` comment, else -1 */
};

/* ---------------------------------------------------------------- model building */

/* Copy n bytes of s to *w as a string and move *w past it (storage is presized). */
static char *store(char **w, const char *s, size_t n)
{
	char *r = *w;

	memcpy(r, s, n);
	r[n] = '\0';
	*w += n + 1;
	return r;
}

struct builder {
	struct dfx_compose *c;
	struct dfx_error *err;
	bool failed;
};

static void fail_at(struct builder *b, uint32_t off, const char *msg)
{
	unsigned line, col;

	if (b->failed)
		return;
	b->failed = true;
	dfx_source_linecol(b->c->src, off, &line, &col);
	dfx_error_set(b->err, b->c->src->path, line, col, "%s", msg);
}

/* Look a key up; a spent budget fails the parse. */
static void get(struct builder *b, const struct dfx_yaml_node *map, const char *key,
		struct dfx_yaml_ref *ref)
{
	if (dfx_yaml_map_get(b->c->yaml, map, key, ref) < 0) {
		memset(ref, 0, sizeof(*ref));
		fail_at(b, map ? map->span.start : 0,
			"too many alias and merge-key expansions (the limit protects against alias bombs)");
	}
}

static const char *scalar_text(const struct dfx_yaml_node *n)
{
	n = dfx_yaml_resolve(n);
	if (!n || n->type != DFX_YAML_SCALAR || dfx_yaml_is_null(n))
		return NULL;
	return n->value;
}

static bool via_alias(const struct dfx_yaml_node *item)
{
	return item && item->type == DFX_YAML_ALIAS;
}

/* --- environment (and build args) */

struct env_list {
	struct dfx_compose_env *v;
	size_t n, cap;
	bool from_anchor;
	const struct dfx_yaml_node *via;
};

static int env_from_ref(const struct dfx_yaml_ref *ref, void *arg)
{
	struct env_list *l = arg;
	struct dfx_compose_env *e;
	const struct dfx_yaml_node *k = dfx_yaml_resolve(ref->key);

	if (!k || k->type != DFX_YAML_SCALAR)
		return 0;
	DFX_GROW(l->v, l->n + 1, l->cap);
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->name = k->value;
	e->key = ref->key;
	e->node = ref->node;
	e->value = scalar_text(ref->node);
	e->name_span = ref->key->inner;
	e->value_span = ref->node ? ref->node->inner : ref->value->inner;
	e->from_anchor = l->from_anchor || ref->from_anchor;
	e->via = l->via ? l->via : ref->via;
	return 0;
}

static void env_from_item(struct env_list *l, const struct dfx_yaml *y, const struct dfx_yaml_node *item)
{
	const struct dfx_yaml_node *n = dfx_yaml_resolve(item);
	struct dfx_compose_env *e;
	const char *eq;
	size_t nl;
	char *w;

	if (!n || n->type != DFX_YAML_SCALAR || dfx_yaml_is_null(n) || strlen(n->value) != n->vlen)
		return;
	DFX_GROW(l->v, l->n + 1, l->cap);
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->list_form = true;
	e->node = n;
	e->from_anchor = l->from_anchor || via_alias(item);
	e->via = l->via ? l->via : (via_alias(item) ? item : NULL);
	eq = strchr(n->value, '=');
	nl = eq ? (size_t)(eq - n->value) : n->vlen;
	e->storage = dfx_xmalloc(n->vlen + 2);
	w = e->storage;
	e->name = store(&w, n->value, nl);
	if (eq)
		e->value = store(&w, eq + 1, n->vlen - nl - 1);
	e->span_exact = n->style != DFX_YAML_LITERAL && n->style != DFX_YAML_FOLDED &&
			n->inner.end - n->inner.start == n->vlen &&
			!memcmp(y->data + n->inner.start, n->value, n->vlen);
	if (e->span_exact) {
		e->name_span.start = n->inner.start;
		e->name_span.end = n->inner.start + (uint32_t)nl;
		e->value_span.start = eq ? e->name_span.end + 1 : n->inner.end;
		e->value_span.end = n->inner.end;
	} else {
		e->name_span = e->value_span = n->inner;
	}
}

/* Read one layer's environment (or build args) into l. */
static void read_env_layer(struct builder *b, const struct dfx_yaml_ref *field, struct env_list *l)
{
	const struct dfx_yaml_node *n = field->node;

	l->from_anchor = field->from_anchor;
	l->via = field->via;
	if (!n)
		return;
	if (n->type == DFX_YAML_MAPPING) {
		if (dfx_yaml_map_foreach(b->c->yaml, n, env_from_ref, l) < 0)
			fail_at(b, n->span.start, "too many alias and merge-key expansions");
	} else if (n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < n->n; i++)
			env_from_item(l, b->c->yaml, n->items[i]);
	}
}

/* Environment of every layer, merged by name: a later layer's entry replaces an earlier one's. */
static void read_env_refs(struct builder *b, const struct dfx_yaml_ref *refs, size_t nrefs,
			  struct dfx_compose_env **out, size_t *nout)
{
	struct env_list l = {NULL, 0, 0, false, NULL};
	size_t *layer_end = dfx_xcalloc(nrefs + 1, sizeof(*layer_end)), w = 0, li = 0;

	for (size_t i = 0; i < nrefs; i++) {
		read_env_layer(b, &refs[i], &l);
		layer_end[i] = l.n;
	}
	for (size_t i = 0; i < l.n; i++) {
		bool later = false;

		while (li < nrefs && layer_end[li] <= i)
			li++;
		for (size_t j = li < nrefs ? layer_end[li] : l.n; j < l.n && !later; j++)
			later = l.v[i].name && l.v[j].name && !strcmp(l.v[i].name, l.v[j].name);
		if (later) {
			free(l.v[i].storage);
			continue;
		}
		l.v[w++] = l.v[i];
	}
	free(layer_end);
	*out = l.v;
	*nout = w;
}

static void read_env(struct builder *b, const struct dfx_yaml_ref *field, struct dfx_compose_env **out,
		     size_t *nout)
{
	read_env_refs(b, field, 1, out, nout);
}

/* --- secrets granted to a service or a build */

static void read_secret_refs(struct builder *b, const struct dfx_yaml_ref *field,
			     struct dfx_compose_secret_ref **out, size_t *nout)
{
	const struct dfx_yaml_node *n = field->node;
	struct dfx_compose_secret_ref *v = *out;
	size_t cnt = *nout, cap = *nout;

	if (!n || n->type != DFX_YAML_SEQUENCE)
		return;
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *it = dfx_yaml_resolve(n->items[i]);
		struct dfx_compose_secret_ref *s;

		if (!it)
			continue;
		DFX_GROW(v, cnt + 1, cap);
		s = &v[cnt++];
		memset(s, 0, sizeof(*s));
		s->node = it;
		s->from_anchor = field->from_anchor || via_alias(n->items[i]);
		if (it->type == DFX_YAML_MAPPING) {
			struct dfx_yaml_ref r;

			s->long_syntax = true;
			get(b, it, "source", &r);
			s->source = scalar_text(r.node);
			get(b, it, "target", &r);
			s->target = scalar_text(r.node);
		} else {
			s->source = scalar_text(it);
		}
	}
	*out = v;
	*nout = cnt;
}

/* --- ports */

static void read_ports(struct builder *b, struct dfx_compose_service *s, const struct dfx_yaml_ref *field)
{
	const struct dfx_yaml_node *n = field->node;
	size_t cap = s->nports;

	if (!n || n->type != DFX_YAML_SEQUENCE)
		return;
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *it = dfx_yaml_resolve(n->items[i]);
		struct dfx_compose_port *p;

		if (!it || (it->type != DFX_YAML_SCALAR && it->type != DFX_YAML_MAPPING))
			continue;
		DFX_GROW(s->ports, s->nports + 1, cap);
		p = &s->ports[s->nports++];
		if (it->type == DFX_YAML_SCALAR) {
			dfx_compose_port_parse(it->value, p);
		} else {
			memset(p, 0, sizeof(*p));
			p->long_syntax = true;
			get(b, it, "target", &p->target_ref);
			get(b, it, "published", &p->published_ref);
			get(b, it, "host_ip", &p->host_ip_ref);
			get(b, it, "protocol", &p->protocol_ref);
			p->target = scalar_text(p->target_ref.node);
			p->published = scalar_text(p->published_ref.node);
			p->host_ip = scalar_text(p->host_ip_ref.node);
			p->protocol = scalar_text(p->protocol_ref.node);
			{
				struct dfx_yaml_ref m;

				get(b, it, "mode", &m);
				p->mode = scalar_text(m.node);
			}
			p->valid = p->target != NULL;
			if (p->target && !dfx_compose_port_range(p->target, &p->target_lo, &p->target_hi))
				p->target_lo = p->target_hi = 0;
			if (p->published && !dfx_compose_port_range(p->published, &p->published_lo, &p->published_hi))
				p->published_lo = p->published_hi = 0;
			p->interpolated = dfx_compose_is_interpolated(p->target) ||
					  dfx_compose_is_interpolated(p->published) ||
					  dfx_compose_is_interpolated(p->host_ip);
		}
		p->item = n->items[i];
		p->node = it;
		p->from_anchor = field->from_anchor || via_alias(n->items[i]);
	}
}

/* --- volumes */

static void read_volumes(struct builder *b, struct dfx_compose_service *s, const struct dfx_yaml_ref *field)
{
	const struct dfx_yaml_node *n = field->node;
	size_t cap = s->nvolumes;

	if (!n || n->type != DFX_YAML_SEQUENCE)
		return;
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *it = dfx_yaml_resolve(n->items[i]);
		struct dfx_compose_volume *v;

		if (!it || (it->type != DFX_YAML_SCALAR && it->type != DFX_YAML_MAPPING))
			continue;
		DFX_GROW(s->volumes, s->nvolumes + 1, cap);
		v = &s->volumes[s->nvolumes++];
		if (it->type == DFX_YAML_SCALAR) {
			dfx_compose_volume_parse(it->value, v);
		} else {
			struct dfx_yaml_ref r;

			memset(v, 0, sizeof(*v));
			v->long_syntax = true;
			get(b, it, "type", &r);
			v->type = scalar_text(r.node);
			get(b, it, "source", &v->source_ref);
			get(b, it, "target", &v->target_ref);
			get(b, it, "read_only", &v->read_only_ref);
			v->source = scalar_text(v->source_ref.node);
			v->target = scalar_text(v->target_ref.node);
			v->read_only = dfx_yaml_is_true(v->read_only_ref.node);
			v->valid = v->target != NULL;
			if (!v->type)
				v->type = v->source && dfx_compose_is_host_path(v->source) ? "bind" : "volume";
		}
		v->node = it;
		v->from_anchor = field->from_anchor || via_alias(n->items[i]);
	}
}

/* --- env_file */

static void read_env_files(struct builder *b, struct dfx_compose_service *s, const struct dfx_yaml_ref *field)
{
	const struct dfx_yaml_node *n = field->node;
	size_t cap = s->nenv_files, cnt;
	const struct dfx_yaml_node *one[1];
	const struct dfx_yaml_node *const *items;

	if (!n)
		return;
	if (n->type == DFX_YAML_SEQUENCE) {
		items = (const struct dfx_yaml_node *const *)n->items;
		cnt = n->n;
	} else {
		one[0] = n;
		items = one;
		cnt = 1;
	}
	for (size_t i = 0; i < cnt; i++) {
		const struct dfx_yaml_node *it = dfx_yaml_resolve(items[i]);
		struct dfx_compose_env_file *f;
		struct dfx_yaml_ref r;

		if (!it)
			continue;
		DFX_GROW(s->env_files, s->nenv_files + 1, cap);
		f = &s->env_files[s->nenv_files++];
		memset(f, 0, sizeof(*f));
		f->node = it;
		f->required = true;
		if (it->type == DFX_YAML_MAPPING) {
			get(b, it, "path", &r);
			f->path = scalar_text(r.node);
			get(b, it, "required", &r);
			if (r.node && dfx_yaml_truth(r.node) == DFX_YAML_FALSE)
				f->required = false;
			get(b, it, "format", &r);
			f->format = scalar_text(r.node);
		} else {
			f->path = scalar_text(it);
		}
	}
}

/* --- build */

static void read_build(struct builder *b, struct dfx_compose_service *s)
{
	struct dfx_compose_build *bd = &s->build;
	const struct dfx_yaml_node *n = s->build_ref.node;
	struct dfx_yaml_ref r;

	if (!n)
		return;
	bd->node = n;
	if (n->type == DFX_YAML_SCALAR) {
		bd->context = scalar_text(n);
		bd->context_ref = s->build_ref;
		return;
	}
	if (n->type != DFX_YAML_MAPPING)
		return;
	get(b, n, "context", &bd->context_ref);
	get(b, n, "dockerfile", &bd->dockerfile_ref);
	get(b, n, "args", &bd->args_ref);
	get(b, n, "secrets", &bd->secrets_ref);
	get(b, n, "dockerfile_inline", &r);
	bd->context = scalar_text(bd->context_ref.node);
	bd->dockerfile = scalar_text(bd->dockerfile_ref.node);
	bd->dockerfile_inline = scalar_text(r.node);
	if (s->build_ref.from_anchor) {
		bd->args_ref.from_anchor = bd->secrets_ref.from_anchor = true;
		if (!bd->args_ref.via)
			bd->args_ref.via = s->build_ref.via;
		if (!bd->secrets_ref.via)
			bd->secrets_ref.via = s->build_ref.via;
	}
	read_env(b, &bd->args_ref, &bd->args, &bd->nargs);
	read_secret_refs(b, &bd->secrets_ref, &bd->secrets, &bd->nsecrets);
}

static const struct {
	const char *key;
	size_t off;
} service_fields[] = {
#define F(k, m) {k, offsetof(struct dfx_compose_service, m)}
	F("image", image), F("build", build_ref), F("ports", ports_ref),
	F("environment", environment), F("env_file", env_file_ref), F("secrets", secrets_ref),
	F("volumes", volumes_ref), F("command", command), F("entrypoint", entrypoint),
	F("user", user), F("privileged", privileged), F("cap_add", cap_add),
	F("cap_drop", cap_drop), F("security_opt", security_opt),
	F("network_mode", network_mode), F("pid", pid), F("ipc", ipc), F("uts", uts),
	F("userns_mode", userns_mode), F("cgroup", cgroup), F("use_api_socket", use_api_socket),
	F("healthcheck", healthcheck), F("read_only", read_only), F("expose", expose),
	F("extends", extends), F("networks", networks), F("depends_on", depends_on),
	F("devices", devices), F("sysctls", sysctls), F("tmpfs", tmpfs), F("labels", labels),
#undef F
};

#define NFIELDS (sizeof(service_fields) / sizeof(service_fields[0]))

/* A value tagged `!reset` (merge.md: the key is removed) or `!override` (replaces, no merge). */
static bool tagged(const struct dfx_yaml_node *v, const char *tag)
{
	return v && v->tag && !strcmp(v->tag, tag);
}

struct field_pass {
	struct dfx_compose_service *s;
	bool legacy;
	bool done[NFIELDS];
};

/* One pass over a layer's effective keys (merges applied) fills the fields no later layer set. */
static int service_field(const struct dfx_yaml_ref *ref, void *arg)
{
	struct field_pass *fp = arg;
	const char *k = dfx_yaml_str(ref->key);

	if (!k)
		return 0;
	if (fp->legacy && !strcmp(k, "net"))
		k = "network_mode";
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!strcmp(k, service_fields[i].key)) {
			struct dfx_yaml_ref *f = (struct dfx_yaml_ref *)((char *)fp->s + service_fields[i].off);

			if (!fp->done[i]) {
				fp->done[i] = true;
				if (!tagged(ref->value, "!reset"))
					*f = *ref;
			}
			break;
		}
	}
	return 0;
}

/*
 * The refs of `key` in each layer, base first, as Compose merges them: a
 * `!reset` value drops what came before and adds nothing, `!override`
 * drops what came before. Returns the count (refs has room for nlayers).
 */
static size_t layer_refs(struct builder *b, const struct dfx_compose_service *s, const char *key,
			 struct dfx_yaml_ref *refs)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nlayers; i++) {
		struct dfx_yaml_ref r;

		get(b, s->layers[i], key, &r);
		if (!r.key)
			continue;
		if (tagged(r.value, "!reset") || tagged(r.value, "!override"))
			n = 0;
		if (tagged(r.value, "!reset"))
			continue;
		if (s->alias && s->layers[i] == s->node) {
			r.from_anchor = true;
			if (!r.via)
				r.via = s->alias;
		}
		refs[n++] = r;
	}
	return n;
}

/* Volumes merge by mount target: a later layer's volume replaces an earlier one at the same target. */
static void volumes_by_target(struct dfx_compose_service *s, size_t from)
{
	size_t w = 0;

	for (size_t i = 0; i < s->nvolumes; i++) {
		bool later = false;

		for (size_t j = i < from ? from : s->nvolumes; j < s->nvolumes && !later; j++)
			later = s->volumes[i].target && s->volumes[j].target &&
				!strcmp(s->volumes[i].target, s->volumes[j].target);
		if (later) {
			dfx_compose_volume_release(&s->volumes[i]);
			continue;
		}
		s->volumes[w++] = s->volumes[i];
	}
	s->nvolumes = w;
}

static void read_service(struct builder *b, struct dfx_compose_service *s)
{
	struct field_pass fp;
	struct dfx_yaml_ref *refs;
	size_t n;

	if (!s->node)
		return;
	memset(&fp, 0, sizeof(fp));
	fp.s = s;
	fp.legacy = b->c->legacy;
	for (size_t i = s->nlayers; i-- > 0;) {
		if (dfx_yaml_map_foreach(b->c->yaml, s->layers[i], service_field, &fp) < 0) {
			fail_at(b, s->layers[i]->span.start,
				"too many alias and merge-key expansions (the limit protects against alias bombs)");
			return;
		}
	}
	if (s->alias) {
		for (size_t i = 0; i < NFIELDS; i++) {
			struct dfx_yaml_ref *f = (struct dfx_yaml_ref *)((char *)s + service_fields[i].off);

			if (f->key && f->map == s->node) {
				f->from_anchor = true;
				if (!f->via)
					f->via = s->alias;
			}
		}
	}
	s->image_name = scalar_text(s->image.node);
	read_build(b, s);
	refs = dfx_xcalloc(s->nlayers, sizeof(*refs));
	n = layer_refs(b, s, "ports", refs);
	for (size_t i = 0; i < n; i++)
		read_ports(b, s, &refs[i]);
	n = layer_refs(b, s, "environment", refs);
	read_env_refs(b, refs, n, &s->env, &s->nenv);
	n = layer_refs(b, s, "env_file", refs);
	for (size_t i = 0; i < n; i++)
		read_env_files(b, s, &refs[i]);
	n = layer_refs(b, s, "secrets", refs);
	for (size_t i = 0; i < n; i++)
		read_secret_refs(b, &refs[i], &s->secrets, &s->nsecrets);
	n = layer_refs(b, s, "volumes", refs);
	for (size_t i = 0; i < n; i++) {
		size_t from = s->nvolumes;

		read_volumes(b, s, &refs[i]);
		if (i > 0)
			volumes_by_target(s, from);
	}
	free(refs);
}

static void read_named(const struct dfx_yaml_node *n, struct dfx_compose_named **out, size_t *nout)
{
	size_t cap = 0;

	n = dfx_yaml_resolve(n);
	if (!n || n->type != DFX_YAML_MAPPING)
		return;
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *k = dfx_yaml_resolve(n->pairs[i].key);
		struct dfx_compose_named *e;

		if (!k || k->type != DFX_YAML_SCALAR || dfx_yaml_is_merge_key(n->pairs[i].key))
			continue;
		DFX_GROW(*out, *nout + 1, cap);
		e = &(*out)[(*nout)++];
		e->name = k->value;
		e->key = n->pairs[i].key;
		e->node = dfx_yaml_resolve(n->pairs[i].value);
	}
}

static void read_top_secrets(struct builder *b)
{
	struct dfx_compose *c = b->c;
	const struct dfx_yaml_node *n = c->secrets_ref.node;
	size_t cap = 0;

	if (!n || n->type != DFX_YAML_MAPPING)
		return;
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *k = dfx_yaml_resolve(n->pairs[i].key);
		const struct dfx_yaml_node *v = dfx_yaml_resolve(n->pairs[i].value);
		struct dfx_compose_secret *s;
		struct dfx_yaml_ref r;

		if (!k || k->type != DFX_YAML_SCALAR || dfx_yaml_is_merge_key(n->pairs[i].key))
			continue;
		DFX_GROW(c->secrets, c->nsecrets + 1, cap);
		s = &c->secrets[c->nsecrets++];
		memset(s, 0, sizeof(*s));
		s->name = k->value;
		s->key = n->pairs[i].key;
		s->node = v;
		if (v && v->type == DFX_YAML_MAPPING) {
			get(b, v, "file", &s->file_ref);
			s->file = scalar_text(s->file_ref.node);
			get(b, v, "environment", &r);
			s->environment = scalar_text(r.node);
			get(b, v, "external", &r);
			s->external = r.node && (dfx_yaml_is_true(r.node) || r.node->type == DFX_YAML_MAPPING);
		}
	}
}

/* ---------------------------------------------------------------- comments */

/* Spans where a '#' is text, not a comment: scalars (for block scalars, the lines after the header). */
static void collect_scalars(const struct dfx_yaml *y, const struct dfx_yaml_node *n, struct dfx_span **v,
			    size_t *cnt, size_t *cap)
{
	if (n->type == DFX_YAML_SCALAR) {
		struct dfx_span s = n->tok;

		if (n->style == DFX_YAML_LITERAL || n->style == DFX_YAML_FOLDED) {
			while (s.start < s.end && y->data[s.start] != '\n')
				s.start++;
		}
		if (!n->empty && s.end > s.start) {
			DFX_GROW(*v, *cnt + 1, *cap);
			(*v)[(*cnt)++] = s;
		}
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == DFX_YAML_MAPPING) {
			collect_scalars(y, n->pairs[i].key, v, cnt, cap);
			collect_scalars(y, n->pairs[i].value, v, cnt, cap);
		} else if (n->type == DFX_YAML_SEQUENCE) {
			collect_scalars(y, n->items[i], v, cnt, cap);
		}
	}
}

static void collect_comments(struct dfx_compose *c)
{
	const struct dfx_yaml *y = c->yaml;
	const char *d = y->data;
	struct dfx_span *sp = NULL;
	size_t nsp = 0, spcap = 0, k = 0, cap = 0, pcap = 0;
	uint32_t i = 0;

	for (size_t di = 0; di < y->ndocs; di++)
		collect_scalars(y, y->docs[di], &sp, &nsp, &spcap);
	while (i < y->len) {
		while (k < nsp && sp[k].end <= i)
			k++;
		if (k < nsp && sp[k].start <= i) {
			i = sp[k].end;
			continue;
		}
		if (d[i] == '#' && (i == 0 || d[i - 1] == ' ' || d[i - 1] == '\t' || d[i - 1] == '\n' ||
				    d[i - 1] == '\r' || (i == 3 && !memcmp(d, "\xEF\xBB\xBF", 3)))) {
			uint32_t e = i, ls = i;
			struct dfx_compose_comment *cm;
			unsigned col;

			while (e < y->len && d[e] != '\n')
				e++;
			while (ls > 0 && d[ls - 1] != '\n')
				ls--;
			DFX_GROW(c->comments, c->ncomments + 1, cap);
			cm = &c->comments[c->ncomments++];
			cm->off = i;
			dfx_source_linecol(c->src, i, &cm->line, &col);
			cm->own_line = true;
			for (uint32_t q = ls; q < i; q++)
				if (d[q] != ' ' && d[q] != '\t' && !(ls == 0 && q < 3 && (unsigned char)d[q] >= 0x80))
					cm->own_line = false;
			cm->pragma = -1;
			{
				struct dfx_pragma pg;

				if (dfx_pragma_parse(d, i, e, false, &pg)) {
					DFX_GROW(c->pragmas, c->npragmas + 1, pcap);
					c->pragmas[c->npragmas] = pg;
					cm->pragma = (long)c->npragmas++;
				}
			}
			i = e;
			continue;
		}
		i++;
	}
	free(sp);
}

/* ---------------------------------------------------------------- parse */

/* Top-level keys of the Compose Specification (02-model.md .. 13-merge.md). */
static bool top_level_key(const char *k)
{
	static const char *const keys[] = {"version", "name", "services", "networks", "volumes",
					   "secrets", "configs", "include", "models"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(k, keys[i]))
			return true;
	return !strncmp(k, "x-", 2);
}

/*
 * A version 1 file (docs.docker.com "Compose file versions and
 * upgrading"): no `services:` or `version:`, and a top-level entry is a
 * service, a mapping with `image:` or `build:`.
 */
static bool legacy_doc(struct dfx_yaml *y, const struct dfx_yaml_node *root)
{
	bool service = false;

	for (size_t i = 0; i < root->n; i++) {
		const struct dfx_yaml_node *k = dfx_yaml_resolve(root->pairs[i].key);
		const struct dfx_yaml_node *v = dfx_yaml_resolve(root->pairs[i].value);

		if (!k || k->type != DFX_YAML_SCALAR)
			continue;
		if (!strcmp(k->value, "services") || !strcmp(k->value, "version"))
			return false;
		if (!top_level_key(k->value) && v && v->type == DFX_YAML_MAPPING &&
		    (dfx_yaml_get(y, v, "image") || dfx_yaml_get(y, v, "build")))
			service = true;
	}
	return service;
}

static void add_layer(struct dfx_compose_service *s, const struct dfx_yaml_node *n, size_t *cap)
{
	DFX_GROW(s->layers, s->nlayers + 1, *cap);
	s->layers[s->nlayers++] = n;
}

/* Services of one document (its `services:`, or its top level in a version 1 file). */
static void add_services(struct builder *b, const struct dfx_yaml_node *services, bool legacy, size_t *cap,
			 size_t **lcaps)
{
	struct dfx_compose *c = b->c;

	for (size_t i = 0; i < services->n && !b->failed; i++) {
		const struct dfx_yaml_node *k = dfx_yaml_resolve(services->pairs[i].key);
		const struct dfx_yaml_node *v = dfx_yaml_resolve(services->pairs[i].value);
		const struct dfx_yaml_node *raw = services->pairs[i].value;
		struct dfx_compose_service *s = NULL;

		if (!k || k->type != DFX_YAML_SCALAR || dfx_yaml_is_merge_key(services->pairs[i].key) ||
		    !strncmp(k->value, "x-", 2) || (legacy && top_level_key(k->value)))
			continue;
		for (size_t j = 0; j < c->nservices && !s; j++)
			if (!strcmp(c->services[j].name, k->value))
				s = &c->services[j];
		if (!s) {
			size_t old = *cap;

			DFX_GROW(c->services, c->nservices + 1, *cap);
			if (*cap != old) {
				*lcaps = dfx_xrealloc(*lcaps, *cap * sizeof(**lcaps));
			}
			(*lcaps)[c->nservices] = 0;
			s = &c->services[c->nservices++];
			memset(s, 0, sizeof(*s));
			s->name = k->value;
			s->key = services->pairs[i].key;
			s->node = v && v->type == DFX_YAML_MAPPING ? v : NULL;
			s->alias = via_alias(raw) ? raw : NULL;
		} else if (tagged(raw, "!reset") || (v && tagged(v, "!reset"))) {
			s->nlayers = 0;
			continue;
		} else if (!s->node && v && v->type == DFX_YAML_MAPPING) {
			s->key = services->pairs[i].key;
			s->node = v;
		}
		if (v && v->type == DFX_YAML_MAPPING)
			add_layer(s, v, &(*lcaps)[s - c->services]);
	}
}

/* `extends: NAME` or `extends: {service: NAME[, file: F]}`: the base's name, else NULL
   (*file: F, when the base is in another file). */
static const char *extends_local(struct builder *b, const struct dfx_compose_service *s, const char **file)
{
	const struct dfx_yaml_node *e = NULL;

	*file = NULL;
	for (size_t i = s->nlayers; i-- > 0 && !e;)
		e = dfx_yaml_get(b->c->yaml, s->layers[i], "extends");
	if (!e)
		return NULL;
	if (e->type == DFX_YAML_SCALAR)
		return scalar_text(e);
	if (e->type != DFX_YAML_MAPPING)
		return NULL;
	if (dfx_yaml_get(b->c->yaml, e, "file"))
		*file = scalar_text(dfx_yaml_get(b->c->yaml, e, "file"));
	return scalar_text(dfx_yaml_get(b->c->yaml, e, "service"));
}

/* Layers of the bases of service i (recursively; a cycle or a missing base ends the chain). */
static void collect_extends(struct builder *b, size_t i, const struct dfx_yaml_node ***out, size_t *n,
			    size_t *cap, unsigned depth, const struct dfx_yaml_node **own, const size_t *nown,
			    const size_t *first)
{
	struct dfx_compose *c = b->c;
	const char *base = c->services[i].extends_name;
	const struct dfx_compose_service *bs;

	if (!base || c->services[i].extends_file || depth > 16)
		return;
	bs = dfx_compose_service_find(c, base);
	if (!bs || bs == &c->services[i])
		return;
	collect_extends(b, (size_t)(bs - c->services), out, n, cap, depth + 1, own, nown, first);
	for (size_t k = 0; k < nown[bs - c->services]; k++) {
		DFX_GROW(*out, *n + 1, *cap);
		(*out)[(*n)++] = own[first[bs - c->services] + k];
	}
}

static void resolve_extends(struct builder *b)
{
	struct dfx_compose *c = b->c;
	size_t total = 0, *nown, *first;
	const struct dfx_yaml_node **own;

	for (size_t i = 0; i < c->nservices; i++) {
		c->services[i].extends_name = extends_local(b, &c->services[i], &c->services[i].extends_file);
		total += c->services[i].nlayers;
	}
	own = dfx_xcalloc(total + 1, sizeof(*own));
	nown = dfx_xcalloc(c->nservices + 1, sizeof(*nown));
	first = dfx_xcalloc(c->nservices + 1, sizeof(*first));
	total = 0;
	for (size_t i = 0; i < c->nservices; i++) {
		first[i] = total;
		nown[i] = c->services[i].nlayers;
		for (size_t k = 0; k < nown[i]; k++)
			own[total++] = c->services[i].layers[k];
	}
	for (size_t i = 0; i < c->nservices; i++) {
		struct dfx_compose_service *s = &c->services[i];
		const struct dfx_yaml_node **v = NULL;
		size_t n = 0, cap = 0;

		if (!s->extends_name || s->extends_file)
			continue;
		collect_extends(b, i, &v, &n, &cap, 0, own, nown, first);
		for (size_t k = 0; k < nown[i]; k++) {
			DFX_GROW(v, n + 1, cap);
			v[n++] = own[first[i] + k];
		}
		free(s->layers);
		s->layers = v;
		s->nlayers = n;
	}
	free(own);
	free(nown);
	free(first);
}

struct dfx_compose *dfx_compose_parse(const struct dfx_source *src, struct dfx_error *err)
{
	struct dfx_compose *c = dfx_xcalloc(1, sizeof(*c));
	struct builder b = {c, err, false};
	const struct dfx_yaml_node *root;
	size_t cap = 0, *lcaps = NULL;

	c->src = src;
	c->yaml = dfx_yaml_parse(src->data, src->len, src->path, err);
	if (!c->yaml) {
		free(c);
		return NULL;
	}
	c->ndocs = c->yaml->ndocs;
	root = c->root = dfx_yaml_resolve(c->yaml->root);
	for (size_t d = 1; d < c->ndocs && root && dfx_yaml_is_null(root); d++)
		root = c->root = dfx_yaml_resolve(c->yaml->docs[d]);
	if (!root || dfx_yaml_is_null(root)) {
		fail_at(&b, 0, "empty compose file");
		goto fail;
	}
	/* every document is a mapping (or empty); Compose merges them in order */
	for (size_t d = 0; d < c->ndocs; d++) {
		const struct dfx_yaml_node *r = dfx_yaml_resolve(c->yaml->docs[d]);

		if (r && !dfx_yaml_is_null(r) && r->type != DFX_YAML_MAPPING) {
			fail_at(&b, r->span.start, "the top level of a compose file must be a mapping");
			goto fail;
		}
		if (r && r->type == DFX_YAML_MAPPING && legacy_doc(c->yaml, r))
			c->legacy = true;
	}
	get(&b, root, "version", &c->version);
	get(&b, root, "name", &c->name);
	get(&b, root, "services", &c->services_ref);
	get(&b, root, "secrets", &c->secrets_ref);
	get(&b, root, "volumes", &c->volumes_ref);
	get(&b, root, "networks", &c->networks_ref);
	get(&b, root, "configs", &c->configs_ref);
	get(&b, root, "include", &c->include);
	for (size_t d = 0; d < c->ndocs && !b.failed; d++) {
		const struct dfx_yaml_node *r = dfx_yaml_resolve(c->yaml->docs[d]);
		struct dfx_yaml_ref sref;
		const struct dfx_yaml_node *services;

		if (!r || r->type != DFX_YAML_MAPPING)
			continue;
		if (c->legacy && legacy_doc(c->yaml, r)) {
			add_services(&b, r, true, &cap, &lcaps);
			continue;
		}
		get(&b, r, "services", &sref);
		services = sref.node;
		if (services && !dfx_yaml_is_null(services) && services->type != DFX_YAML_MAPPING) {
			fail_at(&b, services->span.start, "`services` must be a mapping");
			goto fail;
		}
		if (!c->services_ref.key && sref.key)
			c->services_ref = sref;
		if (services && services->type == DFX_YAML_MAPPING)
			add_services(&b, services, false, &cap, &lcaps);
	}
	free(lcaps);
	lcaps = NULL;
	resolve_extends(&b);
	for (size_t i = 0; i < c->nservices && !b.failed; i++)
		read_service(&b, &c->services[i]);
	/* top-level secrets: the first document that declares them */
	for (size_t d = 0; d < c->ndocs && !c->secrets_ref.key; d++) {
		const struct dfx_yaml_node *r = dfx_yaml_resolve(c->yaml->docs[d]);

		if (r && r != root && r->type == DFX_YAML_MAPPING)
			get(&b, r, "secrets", &c->secrets_ref);
	}
	read_top_secrets(&b);
	read_named(c->volumes_ref.node, &c->volumes, &c->nvolumes);
	read_named(c->networks_ref.node, &c->networks, &c->nnetworks);
	read_named(c->configs_ref.node, &c->configs, &c->nconfigs);
	{
		size_t ecap = 0;

		for (size_t i = 0; i < root->n; i++) {
			const struct dfx_yaml_node *k = dfx_yaml_resolve(root->pairs[i].key);

			if (!k || k->type != DFX_YAML_SCALAR || strncmp(k->value, "x-", 2))
				continue;
			DFX_GROW(c->extensions, c->nextensions + 1, ecap);
			c->extensions[c->nextensions].name = k->value;
			c->extensions[c->nextensions].key = root->pairs[i].key;
			c->extensions[c->nextensions].node = dfx_yaml_resolve(root->pairs[i].value);
			c->nextensions++;
		}
	}
	if (b.failed || c->yaml->budget_spent) {
		fail_at(&b, 0, "too many alias and merge-key expansions");
		goto fail;
	}
	collect_comments(c);
	return c;
fail:
	free(lcaps);
	dfx_compose_free(c);
	return NULL;
}

static void free_env(struct dfx_compose_env *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].storage);
	free(v);
}

/* Owned by the model: the key's name. */
const char *dfx_compose_key_at(const struct dfx_compose *c, uint32_t offset,
			       const struct dfx_compose_service **svc, bool *scalar)
{
	for (size_t i = 0; c && i < c->nservices; i++) {
		const struct dfx_compose_service *s = &c->services[i];

		for (size_t l = 0; l < s->nlayers; l++) {
			const struct dfx_yaml_node *m = s->layers[l];

			if (!m || m->type != DFX_YAML_MAPPING || offset < m->span.start || offset >= m->span.end)
				continue;
			for (size_t k = 0; k < m->n; k++) {
				const struct dfx_yaml_node *key = m->pairs[k].key, *v = m->pairs[k].value;

				if (!key || !v || key->type != DFX_YAML_SCALAR || offset < key->span.start ||
				    offset >= (v->span.end > key->span.end ? v->span.end : key->span.end))
					continue;
				if (!key->value || !strcmp(key->value, "<<"))
					return NULL;
				*svc = s;
				*scalar = v->type == DFX_YAML_SCALAR;
				return key->value;
			}
		}
	}
	return NULL;
}

bool dfx_compose_service_replaces(const struct dfx_compose_service *s, const char *key, bool scalar)
{
	for (size_t l = 0; s && l < s->nlayers; l++) {
		const struct dfx_yaml_node *m = s->layers[l];

		for (size_t k = 0; m && m->type == DFX_YAML_MAPPING && k < m->n; k++) {
			const struct dfx_yaml_node *kn = m->pairs[k].key, *raw = m->pairs[k].value;
			const struct dfx_yaml_node *v = dfx_yaml_resolve(raw);

			if (!kn || kn->type != DFX_YAML_SCALAR || !dfx_yaml_str_eq(kn, key) || !v)
				continue;
			if (tagged(raw, "!reset") || tagged(raw, "!override") ||
			    (scalar && v->type == DFX_YAML_SCALAR))
				return true;
		}
	}
	return false;
}

/* The ports take the .env's values; each port keeps its nodes (the text as written). */
void dfx_compose_use_env(struct dfx_compose *c, const char *text, size_t len)
{
	if (!c || c->env_used)
		return;
	c->env_used = true;
	if (!text)
		return;
	for (size_t i = 0; i < c->nservices; i++) {
		struct dfx_compose_service *s = &c->services[i];

		for (size_t j = 0; j < s->nports; j++) {
			struct dfx_compose_port *p = &s->ports[j], t;
			char *spec;

			if (!p->interpolated || p->long_syntax || !p->node || p->node->type != DFX_YAML_SCALAR ||
			    !p->node->value)
				continue;
			spec = dfx_compose_with_env(p->node->value, text, len);
			if (!strcmp(spec, p->node->value) || dfx_compose_port_parse(spec, &t) != 0) {
				if (strcmp(spec, p->node->value))
					dfx_compose_port_release(&t);
				free(spec);
				continue;
			}
			t.item = p->item;
			t.node = p->node;
			t.from_anchor = p->from_anchor;
			t.by_env = true;
			t.env_spec = spec;
			dfx_compose_port_release(p);
			*p = t;
		}
	}
}

void dfx_compose_free(struct dfx_compose *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nservices; i++) {
		struct dfx_compose_service *s = &c->services[i];

		for (size_t j = 0; j < s->nports; j++)
			dfx_compose_port_release(&s->ports[j]);
		for (size_t j = 0; j < s->nvolumes; j++)
			dfx_compose_volume_release(&s->volumes[j]);
		free(s->ports);
		free(s->volumes);
		free(s->layers);
		free_env(s->env, s->nenv);
		free_env(s->build.args, s->build.nargs);
		free(s->build.secrets);
		free(s->env_files);
		free(s->secrets);
	}
	for (size_t i = 0; i < c->npragmas; i++)
		dfx_pragma_release(&c->pragmas[i]);
	free(c->pragmas);
	free(c->comments);
	free(c->services);
	free(c->secrets);
	free(c->volumes);
	free(c->networks);
	free(c->configs);
	free(c->extensions);
	dfx_yaml_free(c->yaml);
	free(c);
}

int dfx_compose_service_get(struct dfx_compose *c, const struct dfx_compose_service *s,
			    const char *key, struct dfx_yaml_ref *ref)
{
	memset(ref, 0, sizeof(*ref));
	if (!s->node)
		return 0;
	for (size_t i = s->nlayers; i-- > 0;) {
		int rc = dfx_yaml_map_get(c->yaml, s->layers[i], key, ref);

		if (rc < 0)
			return rc;
		if (rc == 0 && c->legacy && !strcmp(key, "network_mode"))
			rc = dfx_yaml_map_get(c->yaml, s->layers[i], "net", ref);
		if (rc == 0)
			continue;
		if (tagged(ref->value, "!reset")) {
			memset(ref, 0, sizeof(*ref));
			return 0;
		}
		if (s->alias && s->layers[i] == s->node) {
			ref->from_anchor = true;
			if (!ref->via)
				ref->via = s->alias;
		}
		return 1;
	}
	return 0;
}

bool dfx_compose_service_exposed(const struct dfx_compose_service *s)
{
	const char *nm = scalar_text(s->network_mode.node);

	if (nm && !strcmp(nm, "host"))
		return true;
	for (size_t i = 0; i < s->nports; i++) {
		const struct dfx_compose_port *p = &s->ports[i];

		/* a port without a host part is published on an ephemeral port of every address */
		if (p->target && !dfx_compose_port_loopback(p))
			return true;
	}
	return false;
}

const struct dfx_compose_service *dfx_compose_service_find(const struct dfx_compose *c, const char *name)
{
	for (size_t i = 0; i < c->nservices; i++)
		if (!strcmp(c->services[i].name, name))
			return &c->services[i];
	return NULL;
}

/* ---------------------------------------------------------------- related files */

static void add_related(const char *dir, const char *p, char ***out, size_t *n, size_t *cap)
{
	char *full;

	if (!p || !*p || dfx_compose_is_interpolated(p) || strstr(p, "://"))
		return;
	full = dfx_path_join(dir, p);
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*out)[i], full)) {
			free(full);
			return;
		}
	DFX_GROW(*out, *n + 1, *cap);
	(*out)[(*n)++] = full;
}

/* `include:` entry: a path, or a mapping whose `path:` is a path or a list of them. */
static void include_entry(const struct dfx_compose *c, const struct dfx_yaml_node *it, const char *dir,
			  char ***out, size_t *n, size_t *cap)
{
	const struct dfx_yaml_node *p;

	it = dfx_yaml_resolve(it);
	if (!it)
		return;
	if (it->type == DFX_YAML_SCALAR) {
		add_related(dir, scalar_text(it), out, n, cap);
		return;
	}
	if (it->type != DFX_YAML_MAPPING)
		return;
	p = dfx_yaml_get(c->yaml, it, "path");
	if (p && p->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < p->n; i++)
			add_related(dir, scalar_text(p->items[i]), out, n, cap);
	} else {
		add_related(dir, scalar_text(p), out, n, cap);
	}
}

static size_t related(const struct dfx_compose *c, const char *compose_path, bool extends, char ***out)
{
	char *dir = dfx_path_dir(compose_path);
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t i = 0; extends && i < c->nservices; i++)
		add_related(dir, c->services[i].extends_file, out, &n, &cap);
	for (size_t d = 0; d < c->yaml->ndocs; d++) {
		const struct dfx_yaml_node *r = dfx_yaml_resolve(c->yaml->docs[d]);
		const struct dfx_yaml_node *inc = r && r->type == DFX_YAML_MAPPING ?
						  dfx_yaml_get(c->yaml, r, "include") : NULL;

		if (!inc)
			continue;
		if (inc->type == DFX_YAML_SEQUENCE) {
			for (size_t i = 0; i < inc->n; i++)
				include_entry(c, inc->items[i], dir, out, &n, &cap);
		} else {
			include_entry(c, inc, dir, out, &n, &cap);
		}
	}
	free(dir);
	return n;
}

size_t dfx_compose_related(const struct dfx_compose *c, const char *compose_path, char ***out)
{
	return related(c, compose_path, true, out);
}

size_t dfx_compose_includes(const struct dfx_compose *c, const char *compose_path, char ***out)
{
	return related(c, compose_path, false, out);
}

enum dfx_compose_default dfx_compose_default_kind(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	if (!strncmp(b, "docker-", 7))
		b += 7;
	if (!strcmp(b, "compose.yaml") || !strcmp(b, "compose.yml"))
		return DFX_COMPOSE_BASE;
	if (!strcmp(b, "compose.override.yaml") || !strcmp(b, "compose.override.yml"))
		return DFX_COMPOSE_OVERRIDE;
	return DFX_COMPOSE_OTHER;
}

const char *const *dfx_compose_default_names(enum dfx_compose_default kind, size_t *n)
{
	static const char *const base[] = {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"};
	static const char *const ovr[] = {"compose.override.yaml", "compose.override.yml",
					  "docker-compose.override.yaml", "docker-compose.override.yml"};

	*n = kind == DFX_COMPOSE_OTHER ? 0 : 4;
	return kind == DFX_COMPOSE_BASE ? base : kind == DFX_COMPOSE_OVERRIDE ? ovr : NULL;
}

/* ---------------------------------------------------------------- build */

char *dfx_compose_build_dockerfile(const struct dfx_compose_service *s, const char *compose_path,
				   char **context)
{
	const struct dfx_compose_build *bd = &s->build;
	char *cdir, *ctx, *dfp;

	if (context)
		*context = NULL;
	if (!bd->node || bd->dockerfile_inline)
		return NULL;
	cdir = dfx_path_dir(compose_path);
	ctx = dfx_path_join(cdir, bd->context ? bd->context : ".");
	dfp = dfx_path_join(ctx, bd->dockerfile ? bd->dockerfile : "Dockerfile");
	free(cdir);
	if (context)
		*context = ctx;
	else
		free(ctx);
	return dfp;
}

/* ---------------------------------------------------------------- suppression */

/* Set by dfx_compose_would_suppress() on its thread: look, do not mark. */
static _Thread_local bool peeking;

/* Whether comment i is a well-formed pragma naming `code`; marks the code used. */
static bool comment_has(const struct dfx_compose *c, size_t i, const char *code)
{
	struct dfx_pragma *pg;

	if (c->comments[i].pragma < 0)
		return false;
	pg = &c->pragmas[c->comments[i].pragma];
	if (pg->error)
		return false;
	for (size_t k = 0; k < pg->ncodes; k++)
		if (dfx_pragma_code_is(pg, c->src->data, k, code)) {
			if (!peeking)
				dfx_pragma_mark(pg, k);
			return true;
		}
	return false;
}

/* First comment on `line` or after it. */
static size_t first_on_line(const struct dfx_compose *c, unsigned line)
{
	size_t lo = 0, hi = c->ncomments;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->comments[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool pragma_on_line(const struct dfx_compose *c, unsigned line, const char *code)
{
	for (size_t i = first_on_line(c, line); i < c->ncomments && c->comments[i].line == line; i++)
		if (comment_has(c, i, code))
			return true;
	return false;
}

static bool comment_only_line(const struct dfx_compose *c, unsigned line)
{
	size_t i = first_on_line(c, line);

	return i < c->ncomments && c->comments[i].line == line && c->comments[i].own_line;
}

/* The entry starting on `line`: a pragma trailing on it or on the comment lines just above. */
static bool entry_suppressed(const struct dfx_compose *c, unsigned line, const char *code)
{
	if (pragma_on_line(c, line, code))
		return true;
	for (unsigned l = line - 1; l >= 1 && comment_only_line(c, l); l--)
		if (pragma_on_line(c, l, code))
			return true;
	return false;
}

bool dfx_compose_would_suppress(const struct dfx_compose *c, const char *code, uint32_t offset)
{
	bool r;

	peeking = true;
	r = dfx_compose_suppressed(c, code, offset);
	peeking = false;
	return r;
}

bool dfx_compose_suppressed(const struct dfx_compose *c, const char *code, uint32_t offset)
{
	unsigned line, col, last = 0;
	const struct dfx_yaml_node *n;

	if (!c || !code || !c->ncomments)
		return false;
	dfx_source_linecol(c->src, offset, &line, &col);
	if (entry_suppressed(c, line, code))
		return true;
	n = dfx_yaml_node_at(c->yaml, offset);
	for (; n && n->parent; n = n->parent) {
		unsigned el;

		dfx_source_linecol(c->src, dfx_yaml_entry_start(c->yaml, n), &el, &col);
		if (el == last)
			continue;
		last = el;
		if (entry_suppressed(c, el, code))
			return true;
	}
	return false;
}

