/*
 * compose.c - the Docker Compose model over the YAML span tree: services
 * (image, build, ports, environment, env_file, secrets, volumes and the
 * privilege keys), top-level secrets/volumes/networks/configs, `x-`
 * extensions, `# dockfix ignore=` comments and interpolation helpers.
 *
 * References: the Compose Specification (compose-spec/compose-spec
 * 05-services.md, 09-secrets.md, 12-interpolation.md), compose-go's
 * parsers that Docker Compose runs (types.ParsePortConfig via
 * go-connections nat.ParsePortSpecs, loader.ParseVolume), summarised in
 * research/compose-anchors.md section 5. Merge keys are applied through
 * the YAML lookups, which report when a value came through an anchor.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"

struct dfx_compose_comment {
	uint32_t off;
	unsigned line;
	bool own_line;  /* nothing but blanks before it on its line */
	char *codes;    /* "DC201,DC301" for a `dockfix ignore=` comment, else NULL */
};

/* ---------------------------------------------------------------- interpolation */

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

bool dfx_compose_is_interpolated(const char *v)
{
	if (!v)
		return false;
	for (size_t i = 0; v[i]; i++) {
		if (v[i] != '$')
			continue;
		if (v[i + 1] == '$') {
			i++;
			continue;
		}
		if (v[i + 1] == '{' || name_start(v[i + 1]))
			return true;
	}
	return false;
}

/* Length of the `${...}` starting at v (nested braces counted), or 0 when unterminated. */
static size_t braced_len(const char *v)
{
	unsigned depth = 0;

	for (size_t i = 0; v[i]; i++) {
		if (v[i] == '$' && v[i + 1] == '{') {
			depth++;
			i++;
		} else if (v[i] == '}' && depth && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

bool dfx_compose_is_variable_only(const char *v)
{
	size_t i = 1;

	if (!v || v[0] != '$')
		return false;
	if (v[1] == '{') {
		size_t n = braced_len(v);

		return n && !v[n] && name_start(v[2]);
	}
	if (!name_start(v[1]))
		return false;
	while (name_char(v[i]))
		i++;
	return !v[i];
}

bool dfx_compose_var_default(const char *v, struct dfx_buf *out)
{
	size_t n, i = 2;

	if (!dfx_compose_is_variable_only(v) || v[1] != '{')
		return false;
	n = strlen(v);
	while (name_char(v[i]))
		i++;
	if (v[i] == ':' && v[i + 1] == '-')
		i += 2;
	else if (v[i] == '-')
		i += 1;
	else
		return false;
	dfx_buf_add(out, v + i, n - 1 - i);
	return true;
}

/* ---------------------------------------------------------------- ports */

/* "N" or "N-M", ports 0..65535; false for anything else. */
static bool port_range(const char *s, unsigned *lo, unsigned *hi)
{
	unsigned a = 0, b = 0;
	size_t i = 0, nd = 0;

	while (s[i] >= '0' && s[i] <= '9' && nd < 6) {
		a = a * 10 + (unsigned)(s[i++] - '0');
		nd++;
	}
	if (!nd || a > 65535)
		return false;
	b = a;
	if (s[i] == '-') {
		i++;
		b = 0;
		nd = 0;
		while (s[i] >= '0' && s[i] <= '9' && nd < 6) {
			b = b * 10 + (unsigned)(s[i++] - '0');
			nd++;
		}
		if (!nd || b > 65535 || b < a)
			return false;
	}
	if (s[i])
		return false;
	*lo = a;
	*hi = b;
	return true;
}

static bool ipv4(const char *s)
{
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		while (*s >= '0' && *s <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			nd++;
		}
		if (!nd || v > 255)
			return false;
		if (part < 3 && *s++ != '.')
			return false;
	}
	return !*s;
}

static bool ipv6(const char *s)
{
	unsigned colons = 0;
	const char *dbl = strstr(s, "::");

	if (!strchr(s, ':') || (dbl && strstr(dbl + 1, "::")))
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == ':')
			colons++;
		else if (*p == '.')
			return ipv4(strrchr(s, ':') + 1) && colons >= 2;
		else if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
			return false;
	}
	return colons >= 2 && colons <= 7;
}

static bool valid_ip(const char *s)
{
	return dfx_compose_is_interpolated(s) || ipv4(s) || ipv6(s);
}

static bool equals_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return false;
	return !*a && !*b;
}

static char *store(char **w, const char *s, size_t n)
{
	char *r = *w;

	memcpy(r, s, n);
	r[n] = '\0';
	*w += n + 1;
	return r;
}

int dfx_compose_port_parse(const char *spec, struct dfx_compose_port *p)
{
	size_t len, starts[64], ends[64], n = 0, i = 0, depth = 0;
	char *w;
	const char *cont;
	size_t clen, slash;

	memset(p, 0, sizeof(*p));
	if (!spec)
		return -1;
	len = strlen(spec);
	p->interpolated = dfx_compose_is_interpolated(spec);
	p->storage = dfx_xmalloc(len + 8);
	w = p->storage;
	/* split on ':' outside ${...} */
	starts[n] = 0;
	for (i = 0; i < len; i++) {
		if (spec[i] == '$' && spec[i + 1] == '{') {
			depth++;
			i++;
		} else if (spec[i] == '}' && depth) {
			depth--;
		} else if (spec[i] == ':' && !depth) {
			if (n + 1 >= 64)
				return -1;
			ends[n++] = i;
			starts[n] = i + 1;
		}
	}
	ends[n++] = len;

	cont = spec + starts[n - 1];
	clen = ends[n - 1] - starts[n - 1];
	for (slash = 0; slash < clen && cont[slash] != '/'; slash++)
		;
	p->target = store(&w, cont, slash);
	if (slash + 1 < clen)
		p->protocol = store(&w, cont + slash + 1, clen - slash - 1);
	if (n >= 2 && ends[n - 2] > starts[n - 2])
		p->published = store(&w, spec + starts[n - 2], ends[n - 2] - starts[n - 2]);
	if (n >= 3) {
		const char *ip = spec;
		size_t iplen = ends[n - 3];

		if (iplen >= 2 && ip[0] == '[' && ip[iplen - 1] == ']') {
			ip++;
			iplen -= 2;
		}
		if (iplen)
			p->host_ip = store(&w, ip, iplen);
	}

	p->valid = *p->target != '\0';
	if (p->valid && !dfx_compose_is_interpolated(p->target) &&
	    !port_range(p->target, &p->target_lo, &p->target_hi))
		p->valid = false;
	if (p->published && !dfx_compose_is_interpolated(p->published) &&
	    !port_range(p->published, &p->published_lo, &p->published_hi))
		p->valid = false;
	if (p->host_ip && !valid_ip(p->host_ip))
		p->valid = false;
	if (p->protocol && !dfx_compose_is_interpolated(p->protocol) &&
	    !equals_nocase(p->protocol, "tcp") && !equals_nocase(p->protocol, "udp") &&
	    !equals_nocase(p->protocol, "sctp"))
		p->valid = false;
	return p->valid ? 0 : -1;
}

void dfx_compose_port_release(struct dfx_compose_port *p)
{
	free(p->storage);
	p->storage = NULL;
}

bool dfx_compose_port_all_interfaces(const struct dfx_compose_port *p)
{
	const char *ip = p->host_ip;

	if (!ip || !*ip)
		return true;
	if (dfx_compose_is_interpolated(ip))
		return false;
	return !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::") || !strcmp(ip, "[::]") ||
	       !strcmp(ip, "0:0:0:0:0:0:0:0");
}

/* ---------------------------------------------------------------- volumes */

static bool letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool file_path(const char *s)
{
	if (!s || !*s)
		return false;
	if (s[0] == '.' || s[0] == '/' || s[0] == '~' || s[0] == '\\')
		return true;
	return letter(s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/');
}

int dfx_compose_volume_parse(const char *spec, struct dfx_compose_volume *v)
{
	size_t len, start = 0;
	char *w;
	int field = 0; /* 0 source, 1 target, 2 options */

	memset(v, 0, sizeof(*v));
	if (!spec || !*spec)
		return -1;
	len = strlen(spec);
	v->storage = dfx_xmalloc(len + 4);
	w = v->storage;
	v->valid = true;
	if (len <= 2) {
		v->target = store(&w, spec, len);
		v->type = "volume";
		return 0;
	}
	for (size_t i = 0; i <= len; i++) {
		bool end = i == len;

		if (!end && spec[i] != ':')
			continue;
		/* a Windows drive letter ("C:\...") is not a separator */
		if (!end && i - start == 1 && letter(spec[start]))
			continue;
		if (i == start) {
			v->valid = false; /* empty section between colons */
			start = i + 1;
			continue;
		} else if (field == 0 && end) {
			v->target = store(&w, spec + start, i - start);
		} else if (field == 0) {
			v->source = store(&w, spec + start, i - start);
		} else if (field == 1) {
			v->target = store(&w, spec + start, i - start);
		} else if (!end) {
			v->valid = false; /* too many colons */
		} else {
			v->mode = store(&w, spec + start, i - start);
		}
		field++;
		start = i + 1;
	}
	if (v->mode) {
		const char *m = v->mode;

		while (*m) {
			size_t n = strcspn(m, ",");

			if (n == 2 && !strncmp(m, "ro", 2))
				v->read_only = true;
			else if (n == 2 && !strncmp(m, "rw", 2))
				v->read_only = false;
			m += n;
			if (*m == ',')
				m++;
		}
	}
	v->type = file_path(v->source) ? "bind" : "volume";
	return v->valid ? 0 : -1;
}

void dfx_compose_volume_release(struct dfx_compose_volume *v)
{
	free(v->storage);
	v->storage = NULL;
}

/* ---------------------------------------------------------------- model building */

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

static void read_env(struct builder *b, const struct dfx_yaml_ref *field, struct dfx_compose_env **out,
		     size_t *nout)
{
	struct env_list l = {NULL, 0, 0, field->from_anchor, field->via};
	const struct dfx_yaml_node *n = field->node;

	if (!n)
		return;
	if (n->type == DFX_YAML_MAPPING) {
		if (dfx_yaml_map_foreach(b->c->yaml, n, env_from_ref, &l) < 0)
			fail_at(b, n->span.start, "too many alias and merge-key expansions");
	} else if (n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < n->n; i++)
			env_from_item(&l, b->c->yaml, n->items[i]);
	}
	*out = l.v;
	*nout = l.n;
}

/* --- secrets granted to a service or a build */

static void read_secret_refs(struct builder *b, const struct dfx_yaml_ref *field,
			     struct dfx_compose_secret_ref **out, size_t *nout)
{
	const struct dfx_yaml_node *n = field->node;
	struct dfx_compose_secret_ref *v = NULL;
	size_t cnt = 0, cap = 0;

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

static void read_ports(struct builder *b, struct dfx_compose_service *s)
{
	const struct dfx_yaml_node *n = s->ports_ref.node;
	size_t cap = 0;

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
			if (p->target && !port_range(p->target, &p->target_lo, &p->target_hi))
				p->target_lo = p->target_hi = 0;
			if (p->published && !port_range(p->published, &p->published_lo, &p->published_hi))
				p->published_lo = p->published_hi = 0;
			p->interpolated = dfx_compose_is_interpolated(p->target) ||
					  dfx_compose_is_interpolated(p->published) ||
					  dfx_compose_is_interpolated(p->host_ip);
		}
		p->item = n->items[i];
		p->node = it;
		p->from_anchor = s->ports_ref.from_anchor || via_alias(n->items[i]);
	}
}

/* --- volumes */

static void read_volumes(struct builder *b, struct dfx_compose_service *s)
{
	const struct dfx_yaml_node *n = s->volumes_ref.node;
	size_t cap = 0;

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
				v->type = v->source && file_path(v->source) ? "bind" : "volume";
		}
		v->node = it;
		v->from_anchor = s->volumes_ref.from_anchor || via_alias(n->items[i]);
	}
}

/* --- env_file */

static void read_env_files(struct builder *b, struct dfx_compose_service *s)
{
	const struct dfx_yaml_node *n = s->env_file_ref.node;
	size_t cap = 0, cnt;
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

/* The alias a service's mapping was written as (`svc: *x`), or NULL. */
static const struct dfx_yaml_node *service_alias(const struct dfx_compose_service *s)
{
	const struct dfx_yaml_node *v;

	if (!s->key || !s->key->parent)
		return NULL;
	v = s->key->parent->pairs[s->key->index].value;
	return via_alias(v) ? v : NULL;
}

/* One pass over the service's effective keys (merges applied) fills the known fields. */
static int service_field(const struct dfx_yaml_ref *ref, void *arg)
{
	struct dfx_compose_service *s = arg;
	const char *k = dfx_yaml_str(ref->key);

	if (!k)
		return 0;
	for (size_t i = 0; i < sizeof(service_fields) / sizeof(service_fields[0]); i++) {
		if (!strcmp(k, service_fields[i].key)) {
			struct dfx_yaml_ref *f = (struct dfx_yaml_ref *)((char *)s + service_fields[i].off);

			if (!f->key)
				*f = *ref;
			break;
		}
	}
	return 0;
}

static void read_service(struct builder *b, struct dfx_compose_service *s)
{
	const struct dfx_yaml_node *alias = service_alias(s);

	if (!s->node)
		return;
	if (dfx_yaml_map_foreach(b->c->yaml, s->node, service_field, s) < 0) {
		fail_at(b, s->node->span.start,
			"too many alias and merge-key expansions (the limit protects against alias bombs)");
		return;
	}
	if (alias) {
		for (size_t i = 0; i < sizeof(service_fields) / sizeof(service_fields[0]); i++) {
			struct dfx_yaml_ref *f = (struct dfx_yaml_ref *)((char *)s + service_fields[i].off);

			if (f->key) {
				f->from_anchor = true;
				if (!f->via)
					f->via = alias;
			}
		}
	}
	s->image_name = scalar_text(s->image.node);
	read_build(b, s);
	read_ports(b, s);
	read_env(b, &s->environment, &s->env, &s->nenv);
	read_env_files(b, s);
	read_secret_refs(b, &s->secrets_ref, &s->secrets, &s->nsecrets);
	read_volumes(b, s);
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

static const char *skip_sp(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* "# dockfix ignore=DC201, DC301 reason" -> "DC201,DC301"; NULL when not a pragma. */
static char *pragma_codes(const char *p, const char *e)
{
	struct dfx_buf codes = DFX_BUF_INIT;

	p = skip_sp(p + 1, e);
	if (e - p < 7 || strncmp(p, "dockfix", 7))
		return NULL;
	p = skip_sp(p + 7, e);
	if (e - p < 6 || strncmp(p, "ignore", 6))
		return NULL;
	p = skip_sp(p + 6, e);
	if (p >= e || *p != '=')
		return NULL;
	p = skip_sp(p + 1, e);
	for (;;) {
		const char *s = p;

		while (p < e && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				 (*p >= '0' && *p <= '9')))
			p++;
		if (p == s)
			break;
		if (codes.len)
			dfx_buf_addc(&codes, ',');
		for (const char *q = s; q < p; q++)
			dfx_buf_addc(&codes, (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q));
		p = skip_sp(p, e);
		if (p >= e || *p != ',')
			break;
		p = skip_sp(p + 1, e);
	}
	return dfx_buf_detach(&codes);
}

static void collect_comments(struct dfx_compose *c)
{
	const struct dfx_yaml *y = c->yaml;
	const char *d = y->data;
	struct dfx_span *sp = NULL;
	size_t nsp = 0, spcap = 0, k = 0, cap = 0;
	uint32_t i = 0;

	if (y->root)
		collect_scalars(y, y->root, &sp, &nsp, &spcap);
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
			cm->codes = pragma_codes(d + i, d + e);
			i = e;
			continue;
		}
		i++;
	}
	free(sp);
}

/* ---------------------------------------------------------------- parse */

struct dfx_compose *dfx_compose_parse(const struct dfx_source *src, struct dfx_error *err)
{
	struct dfx_compose *c = dfx_xcalloc(1, sizeof(*c));
	struct builder b = {c, err, false};
	const struct dfx_yaml_node *root, *services;

	c->src = src;
	c->yaml = dfx_yaml_parse(src->data, src->len, src->path, err);
	if (!c->yaml) {
		free(c);
		return NULL;
	}
	root = c->root = dfx_yaml_resolve(c->yaml->root);
	if (!root || dfx_yaml_is_null(root)) {
		fail_at(&b, 0, "empty compose file");
		goto fail;
	}
	if (root->type != DFX_YAML_MAPPING) {
		fail_at(&b, root->span.start, "the top level of a compose file must be a mapping");
		goto fail;
	}
	get(&b, root, "version", &c->version);
	get(&b, root, "name", &c->name);
	get(&b, root, "services", &c->services_ref);
	get(&b, root, "secrets", &c->secrets_ref);
	get(&b, root, "volumes", &c->volumes_ref);
	get(&b, root, "networks", &c->networks_ref);
	get(&b, root, "configs", &c->configs_ref);
	get(&b, root, "include", &c->include);
	services = c->services_ref.node;
	if (services && !dfx_yaml_is_null(services) && services->type != DFX_YAML_MAPPING) {
		fail_at(&b, services->span.start, "`services` must be a mapping");
		goto fail;
	}
	if (services && services->type == DFX_YAML_MAPPING) {
		size_t cap = 0;

		for (size_t i = 0; i < services->n && !b.failed; i++) {
			const struct dfx_yaml_node *k = dfx_yaml_resolve(services->pairs[i].key);
			const struct dfx_yaml_node *v = dfx_yaml_resolve(services->pairs[i].value);
			struct dfx_compose_service *s;

			if (!k || k->type != DFX_YAML_SCALAR || dfx_yaml_is_merge_key(services->pairs[i].key) ||
			    !strncmp(k->value, "x-", 2))
				continue;
			DFX_GROW(c->services, c->nservices + 1, cap);
			s = &c->services[c->nservices++];
			memset(s, 0, sizeof(*s));
			s->name = k->value;
			s->key = services->pairs[i].key;
			s->node = v && v->type == DFX_YAML_MAPPING ? v : NULL;
			read_service(&b, s);
		}
	}
	read_top_secrets(&b);
	read_named(c->volumes_ref.node, &c->volumes, &c->nvolumes);
	read_named(c->networks_ref.node, &c->networks, &c->nnetworks);
	read_named(c->configs_ref.node, &c->configs, &c->nconfigs);
	{
		size_t cap = 0;

		for (size_t i = 0; i < root->n; i++) {
			const struct dfx_yaml_node *k = dfx_yaml_resolve(root->pairs[i].key);

			if (!k || k->type != DFX_YAML_SCALAR || strncmp(k->value, "x-", 2))
				continue;
			DFX_GROW(c->extensions, c->nextensions + 1, cap);
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
	dfx_compose_free(c);
	return NULL;
}

static void free_env(struct dfx_compose_env *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].storage);
	free(v);
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
		free_env(s->env, s->nenv);
		free_env(s->build.args, s->build.nargs);
		free(s->build.secrets);
		free(s->env_files);
		free(s->secrets);
	}
	for (size_t i = 0; i < c->ncomments; i++)
		free(c->comments[i].codes);
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
	int rc;

	memset(ref, 0, sizeof(*ref));
	if (!s->node)
		return 0;
	rc = dfx_yaml_map_get(c->yaml, s->node, key, ref);
	if (rc == 1 && service_alias(s)) {
		ref->from_anchor = true;
		if (!ref->via)
			ref->via = service_alias(s);
	}
	return rc;
}

const struct dfx_compose_service *dfx_compose_service_find(const struct dfx_compose *c, const char *name)
{
	for (size_t i = 0; i < c->nservices; i++)
		if (!strcmp(c->services[i].name, name))
			return &c->services[i];
	return NULL;
}

/* ---------------------------------------------------------------- suppression */

static bool codes_have(const char *codes, const char *code)
{
	size_t n = strlen(code);

	while (codes && *codes) {
		size_t m = strcspn(codes, ",");

		if (m == n && !strncmp(codes, code, n))
			return true;
		codes += m;
		if (*codes == ',')
			codes++;
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
		if (codes_have(c->comments[i].codes, code))
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

/* The i-th `# dockfix ignore=` comment: its offset and its codes ("DC201,DC301"). */
bool dfx_compose_pragma(const struct dfx_compose *c, size_t i, uint32_t *off, const char **codes)
{
	size_t k = 0;

	for (size_t j = 0; j < c->ncomments; j++) {
		if (!c->comments[j].codes)
			continue;
		if (k++ == i) {
			*off = c->comments[j].off;
			*codes = c->comments[j].codes;
			return true;
		}
	}
	return false;
}
