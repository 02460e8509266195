/*
 * dcrule.c - helpers private to the Docker Compose rule family (see
 * dcrule.h): report spans for keys that came through merge keys, fixes
 * that declare their YAML paths and respect anchors other services share,
 * entry deletion that takes a one-item list's key along, override-aware
 * service images, published-port exposure and database ports, and the
 * security options that turn a confinement layer off.
 *
 * References: the Compose Specification, compose-spec/compose-spec
 * 05-services.md (ports, security_opt), 10-fragments.md (anchors, `<<`
 * merges) and 13-merge.md (override files); Docker's security_opt values
 * (docs.docker.com/reference/cli/docker/container/run/#security-opt).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"
#include "dockfix/credential.h"
#include "dockfix/dotenv.h"
#include "dockfix/image.h"
#include "dockfix/secrets.h"

/* ---------------------------------------------------------------- text */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool eq_nocase(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return !*a && !*b;
}

bool dfx_dc_prefix_nocase(const char *s, const char *prefix)
{
	if (!s || !prefix)
		return false;
	for (; *prefix; s++, prefix++)
		if (!*s || lower(*s) != lower(*prefix))
			return false;
	return true;
}

/* ---------------------------------------------------------------- spans */

static bool same_line(const struct dfx_compose *c, uint32_t a, uint32_t b)
{
	const char *d = c->src->data;

	if (b > c->src->len)
		return false;
	for (uint32_t i = a; i < b; i++)
		if (d[i] == '\n')
			return false;
	return true;
}

static struct dfx_span pair_span(struct dfx_compose *c, const struct dfx_yaml_node *key,
				 const struct dfx_yaml_node *value)
{
	struct dfx_span s = key->span;

	if (value && value->span.end > s.end && same_line(c, s.start, value->span.end))
		s.end = value->span.end;
	return s;
}

struct dfx_span dfx_dc_ref_span(struct dfx_compose *c, const struct dfx_yaml_ref *ref)
{
	return pair_span(c, ref->key, ref->value);
}

uint32_t dfx_dc_ref_site(struct dfx_compose *c, const struct dfx_yaml_ref *ref)
{
	uint32_t start;

	if (!ref->via)
		return DFX_NO_SITE;
	start = dfx_yaml_entry_start(c->yaml, ref->via);
	return start <= ref->via->span.start ? start : ref->via->span.start;
}

bool dfx_dc_suppressed(struct dfx_ctx *ctx, const struct dfx_yaml_ref *ref, struct dfx_span where)
{
	uint32_t site = ref ? dfx_dc_ref_site(ctx->file->compose, ref) : DFX_NO_SITE;

	return dfx_rule_suppressed(ctx, where.start) || (site != DFX_NO_SITE && dfx_rule_suppressed(ctx, site));
}

struct dfx_finding *dfx_dc_emit(struct dfx_ctx *ctx, const struct dfx_yaml_ref *ref, struct dfx_span where,
				const char *fmt, ...)
{
	struct dfx_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = dfx_emit_site(ctx, where, ref ? dfx_dc_ref_site(ctx->file->compose, ref) : DFX_NO_SITE, fmt, ap);
	va_end(ap);
	return f;
}

const char *dfx_dc_anchor_of(const struct dfx_yaml_node *n)
{
	for (; n; n = n->parent)
		if (n->anchor)
			return n->anchor;
	return NULL;
}

char *dfx_dc_ref_note(const struct dfx_yaml_ref *ref)
{
	const char *a;

	if (!ref->via || !(a = dfx_dc_anchor_of(ref->key)))
		return dfx_xstrdup("");
	return dfx_xasprintf(", from the anchor `&%s`", a);
}

char *dfx_dc_paren_note(const struct dfx_yaml_ref *ref)
{
	const char *a;

	if (!ref->via || !(a = dfx_dc_anchor_of(ref->key)))
		return dfx_xstrdup("");
	return dfx_xasprintf(" (from the anchor `&%s`)", a);
}

/* ---------------------------------------------------------------- fixes */

/* Is `a` one of the anchored nodes on the path from n to the root? */
static bool anchors_over(const struct dfx_yaml_node *n, const struct dfx_yaml_node *a)
{
	for (; n; n = n->parent)
		if (n == a)
			return true;
	return false;
}

/*
 * Find an alias, anywhere in the tree, that names an anchored node above
 * (or at) `n` and sits where `code` is suppressed: the service it brings
 * the value into has opted out.
 */
static bool alias_suppressed(struct dfx_compose *c, const struct dfx_yaml_node *t,
			     const struct dfx_yaml_node *n, const char *code, unsigned depth)
{
	if (!t || depth > DFX_YAML_MAX_DEPTH)
		return false;
	if (t->type == DFX_YAML_ALIAS)
		return t->target && anchors_over(n, t->target) &&
		       dfx_compose_suppressed(c, code, dfx_yaml_entry_start(c->yaml, t));
	if (t->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < t->n; i++)
			if (alias_suppressed(c, t->pairs[i].key, n, code, depth + 1) ||
			    alias_suppressed(c, t->pairs[i].value, n, code, depth + 1))
				return true;
	} else if (t->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < t->n; i++)
			if (alias_suppressed(c, t->items[i], n, code, depth + 1))
				return true;
	}
	return false;
}

bool dfx_dc_fix_allowed(struct dfx_ctx *ctx, const struct dfx_yaml_node *n, const char **why)
{
	struct dfx_compose *c = ctx->file->compose;
	const char *code = ctx->rule->code;
	const struct dfx_yaml_node *root = n;

	*why = NULL;
	if (!dfx_dc_anchor_of(n))
		return true;
	while (root->parent) /* aliases stay in their document */
		root = root->parent;
	if (dfx_compose_suppressed(c, code, n->span.start) || alias_suppressed(c, root, n, code, 0)) {
		*why = "the value is defined in an anchor that a service with this rule suppressed also "
		       "uses: edit it by hand";
		return false;
	}
	return true;
}

static bool holds_anchor(const struct dfx_yaml_node *n)
{
	if (!n)
		return false;
	if (n->anchor)
		return true;
	if (n->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < n->n; i++)
			if (holds_anchor(n->pairs[i].key) || holds_anchor(n->pairs[i].value))
				return true;
	} else if (n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < n->n; i++)
			if (holds_anchor(n->items[i]))
				return true;
	}
	return false;
}

static const struct dfx_yaml_node *key_of(const struct dfx_yaml_node *n)
{
	if (!n || n->is_key || !n->parent || n->parent->type != DFX_YAML_MAPPING)
		return NULL;
	if (n->index >= n->parent->n)
		return NULL;
	return n->parent->pairs[n->index].key;
}

/*
 * Delete the entry holding n (a mapping key, or a sequence item). When n is
 * the only item of a sequence that is a mapping value, the whole key goes
 * (`cap_add: [X]` disappears rather than leaving `cap_add: []`). Fails when
 * the entry holds an anchor that an alias may use. The path that changes is
 * appended to *path.
 */
static int delete_entry(struct dfx_yaml *t, const struct dfx_yaml_node *n, struct dfx_yaml_edits *ed,
			struct dfx_buf *path)
{
	const struct dfx_yaml_node *par, *target = n;
	int rc;

	if (!n || !n->parent) {
		free(ed->why);
		ed->why = dfx_xstrdup("nothing to delete");
		return -1;
	}
	par = n->parent;
	if (par->type == DFX_YAML_SEQUENCE && par->n == 1 && key_of(par))
		target = key_of(par);
	if (target->is_key) {
		const struct dfx_yaml_node *val = target->parent->pairs[target->index].value;

		if (holds_anchor(target) || holds_anchor(val)) {
			free(ed->why);
			ed->why = dfx_xstrdup("the entry defines an anchor that aliases may use");
			return -1;
		}
	} else if (holds_anchor(target)) {
		free(ed->why);
		ed->why = dfx_xstrdup("the entry defines an anchor that aliases may use");
		return -1;
	}
	rc = dfx_yaml_edit_delete(t, target, ed);
	if (rc == 0) {
		/* deleting a sequence item renumbers the rest: declare the sequence */
		dfx_yaml_node_path(target->is_key ? target : target->parent, path);
	}
	return rc;
}

void dfx_dc_attach(struct dfx_ctx *ctx, struct dfx_finding *f, enum dfx_applicability a,
		   struct dfx_yaml_edits *ed, const char *path, const char *hint, const char *fmt, ...)
{
	struct dfx_buf desc = DFX_BUF_INIT;
	va_list ap;

	if (!f)
		return;
	if (!ed->n) {
		if (hint)
			f->hint = dfx_xstrdup(hint);
		else if (ed->why)
			f->hint = dfx_xasprintf("no automatic fix: %s", ed->why);
		return;
	}
	va_start(ap, fmt);
	dfx_buf_vaddf(&desc, fmt, ap);
	va_end(ap);
	f->fix = dfx_fix_new(a, "%s", desc.ptr ? desc.ptr : "");
	dfx_yaml_edits_to_fix(ed, f->fix, ctx->file->path);
	dfx_fix_path(f->fix, path && *path ? path : "/");
	dfx_buf_release(&desc);
}

void dfx_dc_fix_remove(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_yaml_node *n,
		       const char *what, const char *extra, const char *hint)
{
	struct dfx_compose *c = ctx->file->compose;
	struct dfx_yaml_edits ed;
	struct dfx_buf path = DFX_BUF_INIT;
	const char *why, *anchor = dfx_dc_anchor_of(n);

	if (!f)
		return;
	if (!dfx_dc_fix_allowed(ctx, n, &why)) {
		f->hint = dfx_xstrdup(why);
		return;
	}
	dfx_yaml_edits_init(&ed);
	delete_entry(c->yaml, n, &ed, &path);
	dfx_dc_attach(ctx, f, DFX_FIX_UNSAFE, &ed, path.ptr, hint, "%s%s%s%s%s%s", what,
		      anchor ? " in the anchor `&" : "", anchor ? anchor : "", anchor ? "`" : "",
		      extra ? " " : "", extra ? extra : "");
	dfx_yaml_edits_release(&ed);
	dfx_buf_release(&path);
}

/* ---------------------------------------------------------------- services */

const char *dfx_dc_observes_host(const struct dfx_compose_service *s)
{
	static const char *const roots[] = {"/", "/proc", "/sys", "/var/run", "/run", "/var/lib/docker"};

	for (size_t i = 0; i < s->nvolumes; i++) {
		char *host = dfx_compose_volume_host_path(&s->volumes[i]);
		const char *hit = NULL;

		for (size_t k = 0; host && k < sizeof(roots) / sizeof(roots[0]) && !hit; k++)
			if (!strcmp(host, roots[k]))
				hit = roots[k];
		free(host);
		if (hit)
			return hit;
	}
	return NULL;
}

/* Service `svc` of the default compose file of `kind` beside the checked file, when it is in the run. */
static const struct dfx_compose_service *beside(struct dfx_ctx *ctx, enum dfx_compose_default kind, const char *svc)
{
	struct dfx_wsfile *w = dfx_ws_compose_beside(ctx->ws, ctx->file, kind);

	return w ? dfx_compose_service_find(w->compose, svc) : NULL;
}

/* The other file of the default pair: the override for a base file, the base for an override. */
static enum dfx_compose_default pair_of(const char *path)
{
	switch (dfx_compose_default_kind(path)) {
	case DFX_COMPOSE_BASE:
		return DFX_COMPOSE_OVERRIDE;
	case DFX_COMPOSE_OVERRIDE:
		return DFX_COMPOSE_BASE;
	default:
		return DFX_COMPOSE_OTHER;
	}
}

/* The image `extends: {file: F, service: S}` brings, following bases in other files (8 deep). */
static const char *extended_image(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	const char *from = ctx->file->path;

	for (int depth = 0; depth < 8 && s->extends_file && s->extends_name; depth++) {
		char *dir = dfx_path_dir(from), *p = dfx_path_join(dir, s->extends_file);
		struct dfx_wsfile *w = dfx_ws_find(ctx->ws, p);

		free(dir);
		free(p);
		if (!w || w->kind != DFX_KIND_COMPOSE || !w->compose ||
		    !(s = dfx_compose_service_find(w->compose, s->extends_name)))
			return NULL;
		if (s->image_name || s->build.node)
			return s->image_name;
		from = w->path;
	}
	return NULL;
}

const char *dfx_dc_service_image(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	const struct dfx_compose_service *o;
	const char *img;

	if (s->image_name)
		return s->image_name;
	if (s->build.node)
		return NULL;
	if ((img = extended_image(ctx, s)) != NULL)
		return img;
	o = beside(ctx, DFX_COMPOSE_BASE, s->name);
	return o ? o->image_name : NULL;
}

const struct dfx_compose_service *dfx_dc_override_service(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	if (dfx_compose_default_kind(ctx->file->path) != DFX_COMPOSE_BASE)
		return NULL;
	return beside(ctx, DFX_COMPOSE_OVERRIDE, s->name);
}

/* ---------------------------------------------------------------- ports */

static bool all_ip(const char *ip)
{
	return !*ip || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::") || !strcmp(ip, "[::]") ||
	       !strcmp(ip, "0:0:0:0:0:0:0:0");
}

enum dfx_dc_exposure dfx_dc_port_exposure(const struct dfx_compose_port *p)
{
	const char *ip = p->host_ip;
	struct dfx_buf d = DFX_BUF_INIT;
	enum dfx_dc_exposure e = DFX_DC_BOUND;

	if (dfx_compose_port_all_interfaces(p))
		return DFX_DC_ALL;
	if (!dfx_compose_is_interpolated(ip))
		return DFX_DC_BOUND;
	/* ${VAR:-default}: judge the default; a bare ${VAR} is the user's to set */
	if (dfx_compose_var_default(ip, &d)) {
		const char *v = d.ptr ? d.ptr : "";
		size_t n = strlen(v);

		if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
			char *inner = dfx_xstrndup(v + 1, n - 2);

			e = all_ip(inner) ? DFX_DC_ALL_BY_VAR : DFX_DC_BOUND;
			free(inner);
		} else {
			e = all_ip(v) ? DFX_DC_ALL_BY_VAR : DFX_DC_BOUND;
		}
	}
	dfx_buf_release(&d);
	return e;
}

/*
 * Database ports that web applications use as often: without a database
 * image they prove nothing (Home Assistant serves on 8123 like ClickHouse,
 * autobrr on 7474 like Neo4j, WebLogic on 7001, many apps on 7000, 8086
 * and 8091). Measured on the shared corpus.
 */
static bool ambiguous_port(unsigned port)
{
	static const unsigned ports[] = {7000, 7001, 7473, 7474, 8086, 8091, 8123};

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] == port)
			return true;
	return false;
}

bool dfx_dc_port_db(struct dfx_ctx *ctx, const struct dfx_compose_service *s,
		    const struct dfx_compose_port *p, const char **kind, bool *by_image, unsigned *port)
{
	const char *img = dfx_dc_service_image(ctx, s);

	*kind = NULL;
	*by_image = false;
	*port = p->target_lo;
	if (img) {
		struct dfx_imageref ref;

		if (dfx_image_parse(&ref, img, NULL) == 0) {
			*kind = dfx_db_image_kind(&ref);
			dfx_image_release(&ref);
		}
		if (*kind) {
			*by_image = true;
			return true;
		}
	}
	if (p->target_lo && p->target_hi >= p->target_lo && p->target_hi - p->target_lo < 100) {
		for (unsigned q = p->target_lo; q <= p->target_hi; q++) {
			if (dfx_db_port(q) && !ambiguous_port(q)) {
				*kind = dfx_db_port_service(q);
				*port = q;
				return true;
			}
		}
	}
	return false;
}

char *dfx_dc_port_text(const struct dfx_compose_port *p)
{
	struct dfx_buf b = DFX_BUF_INIT;

	if (!p->long_syntax && p->node && p->node->type == DFX_YAML_SCALAR)
		return dfx_xstrdup(p->node->value);
	dfx_buf_addf(&b, "target: %s", p->target ? p->target : "?");
	if (p->published)
		dfx_buf_addf(&b, ", published: %s", p->published);
	if (p->host_ip)
		dfx_buf_addf(&b, ", host_ip: %s", p->host_ip);
	return dfx_buf_detach(&b);
}

/* ---------------------------------------------------------------- security_opt */

/* What an option disables, or NULL when it disables nothing. */
const char *dfx_dc_security_opt_disables(const char *opt)
{
	size_t n, kl;
	const char *sep, *val;
	char key[32];

	while (*opt == ' ' || *opt == '\t')
		opt++;
	n = strlen(opt);
	while (n && (opt[n - 1] == ' ' || opt[n - 1] == '\t'))
		n--;
	if (n == 7 && dfx_dc_prefix_nocase(opt, "disable"))
		return "SELinux labelling (`disable`)";
	sep = opt + strcspn(opt, ":=");
	if (!*sep)
		return NULL;
	kl = (size_t)(sep - opt);
	if (kl >= sizeof(key))
		return NULL;
	memcpy(key, opt, kl);
	key[kl] = '\0';
	val = sep + 1;
	n -= kl + 1;
	if (eq_nocase(key, "seccomp") && n == 10 && dfx_dc_prefix_nocase(val, "unconfined"))
		return "the seccomp system-call filter";
	if (eq_nocase(key, "apparmor") && n == 10 && dfx_dc_prefix_nocase(val, "unconfined"))
		return "the AppArmor profile";
	if (eq_nocase(key, "label") && n == 7 && dfx_dc_prefix_nocase(val, "disable"))
		return "SELinux separation";
	if (eq_nocase(key, "label") && (dfx_dc_prefix_nocase(val, "type:spc_t") ||
					       dfx_dc_prefix_nocase(val, "type:unconfined_t")))
		return "SELinux separation (an unconfined SELinux type)";
	if (eq_nocase(key, "systempaths") && n == 10 && dfx_dc_prefix_nocase(val, "unconfined"))
		return "the masking of /proc and /sys paths";
	return NULL;
}

/* ---------------------------------------------------------------- reachability */

/*
 * Compose merges compose.override.y(a)ml into compose.y(a)ml by default
 * (docker-compose.* alike): the service is exposed when the same service
 * of the other file of the pair, in the same directory and in the run,
 * publishes a port or uses the host network; so is a service that a
 * service of another file extends (`extends: {file:}`) and publishes.
 */
static bool merged_exposed(struct dfx_ctx *ctx, const char *name)
{
	enum dfx_compose_default other = pair_of(ctx->file->path);
	const struct dfx_compose_service *o = other != DFX_COMPOSE_OTHER ? beside(ctx, other, name) : NULL;

	if (o && dfx_compose_service_exposed(o))
		return true;
	for (size_t i = 0; (o = dfx_rule_extender(ctx, name, i, NULL)) != NULL; i++)
		if (dfx_compose_service_exposed(o))
			return true;
	return false;
}

void dfx_dc_reach_severity(struct dfx_ctx *ctx, struct dfx_finding *f,
			   const struct dfx_compose_service *const *svcs, size_t nsvcs)
{
	enum dfx_severity was;
	char *m;

	if (!f || f->severity <= DFX_SEV_HIGH)
		return;
	for (size_t i = 0; i < nsvcs; i++)
		if (dfx_compose_service_exposed(svcs[i]) || merged_exposed(ctx, svcs[i]->name))
			return;
	was = f->severity;
	dfx_finding_severity(ctx, f, DFX_SEV_HIGH);
	if (f->severity == was)
		return;
	m = dfx_xasprintf("%s; only the host and containers on %s networks reach %s (no port published beyond "
			  "loopback, no host network)",
			  f->message, nsvcs > 1 ? "their" : "its", nsvcs > 1 ? "them" : "it");
	free(f->message);
	f->message = m;
}

/* ---------------------------------------------------------------- .env values */

/* The .env beside the checked compose file, or NULL. */
static const struct dfx_source *dotenv_of(struct dfx_ctx *ctx)
{
	char *dir = dfx_path_dir(ctx->file->path), *path = dfx_path_join(dir, ".env");
	const struct dfx_source *env = dfx_ws_read(ctx->ws, path);

	free(dir);
	free(path);
	return env;
}

bool dfx_dc_env_sets(struct dfx_ctx *ctx, const char *value, bool *all)
{
	const struct dfx_source *env = value && dfx_compose_is_interpolated(value) ? dotenv_of(ctx) : NULL;
	char *sub;
	bool changed;

	if (all)
		*all = false;
	if (!env)
		return false;
	sub = dfx_compose_with_env(value, env->data, env->len);
	changed = sub && strcmp(sub, value) != 0;
	if (all && changed)
		*all = !dfx_compose_is_interpolated(sub);
	free(sub);
	return changed;
}

char *dfx_dc_expand(struct dfx_ctx *ctx, const char *value)
{
	const struct dfx_source *env;
	char *sub, *r;

	if (!value)
		return NULL;
	env = dfx_compose_is_interpolated(value) ? dotenv_of(ctx) : NULL;
	sub = env ? dfx_compose_with_env(value, env->data, env->len) : dfx_xstrdup(value);
	r = dfx_compose_with_defaults(sub);
	free(sub);
	return r;
}

char *dfx_dc_volume_host_path(struct dfx_ctx *ctx, const struct dfx_compose_volume *v)
{
	struct dfx_compose_volume t;
	const struct dfx_source *env;
	char *src, *r;

	if (!v->source || !dfx_compose_is_interpolated(v->source) || !(env = dotenv_of(ctx)))
		return dfx_compose_volume_host_path(v);
	/* the .env's values first; ~, $HOME and the defaults as without it */
	src = dfx_compose_with_env(v->source, env->data, env->len);
	t = *v;
	t.source = src;
	r = dfx_compose_volume_host_path(&t);
	free(src);
	return r;
}

/* ---------------------------------------------------------------- binding a port to loopback
 * (DC201, DC205) */

/* Offsets of the last two ':' of a short port spec outside `${...}` (-1 when absent). */
static void colons(const char *v, long *prev, long *last)
{
	unsigned depth = 0;

	*prev = *last = -1;
	for (long i = 0; v[i]; i++) {
		if (v[i] == '$' && v[i + 1] == '{') {
			depth++;
			i++;
		} else if (v[i] == '}' && depth) {
			depth--;
		} else if (v[i] == ':' && !depth) {
			*prev = *last;
			*last = i;
		}
	}
}

/*
 * A short spec whose host part hides an address in a variable's default:
 * `"${SQL_PORT:-127.0.0.1:13306}:3306"` binds 127.0.0.1 unless SQL_PORT is
 * set. Returns DFX_DC_BOUND for a specific address (nothing to report and
 * nothing to rewrite), DFX_DC_ALL_BY_VAR for an all-interfaces one, and
 * DFX_DC_ALL when no default holds an address.
 */
static enum dfx_dc_exposure default_address(const char *v)
{
	long prev, last;
	enum dfx_dc_exposure e = DFX_DC_ALL;

	colons(v, &prev, &last);
	if (last <= 0)
		return DFX_DC_ALL;
	for (const char *p = strstr(v, "${"); p && p < v + last; p = strstr(p + 2, "${")) {
		const char *d = strstr(p, ":-"), *close = strchr(p, '}'), *c;
		char *addr;

		if (!d || !close || d > close)
			d = strchr(p, '-');
		if (!d || !close || d > close || d >= v + last)
			continue;
		d += *d == ':' ? 2 : 1;
		for (c = close; c > d && c[-1] != ':'; c--)
			;
		if (c <= d)
			continue; /* `${PORT:-5432}`: a port, no address */
		addr = dfx_xstrndup(d, (size_t)(c - 1 - d));
		if (addr[0] == '[' && strlen(addr) >= 2 && addr[strlen(addr) - 1] == ']') {
			memmove(addr, addr + 1, strlen(addr));
			addr[strlen(addr) - 1] = '\0';
		}
		e = (!*addr || !strcmp(addr, "0.0.0.0") || !strcmp(addr, "::")) ? DFX_DC_ALL_BY_VAR : DFX_DC_BOUND;
		free(addr);
		break;
	}
	return e;
}

/* The scalar's text in the file is exactly its value (no escapes, one line). */
static bool verbatim(const struct dfx_yaml *t, const struct dfx_yaml_node *n)
{
	return (n->style == DFX_YAML_PLAIN || n->style == DFX_YAML_SINGLE || n->style == DFX_YAML_DOUBLE) &&
	       n->inner.end - n->inner.start == n->vlen && !memcmp(t->data + n->inner.start, n->value, n->vlen);
}

static int bind_short(struct dfx_yaml *t, const struct dfx_compose_port *p, struct dfx_yaml_edits *ed)
{
	const struct dfx_yaml_node *n = p->node;
	long prev, last;

	colons(n->value, &prev, &last);
	if (last < 0) /* "5432": only the container port */
		return dfx_yaml_edit_scalar_prepend(t, n, "127.0.0.1::", ed);
	if (prev < 0) /* "5432:5432" */
		return dfx_yaml_edit_scalar_prepend(t, n, "127.0.0.1:", ed);
	if (prev == 0) {
		free(ed->why);
		ed->why = dfx_xstrdup("the port has an empty address part");
		return -1;
	}
	/* "0.0.0.0:5432:5432", "[::]:5432:5432", ":::5432:5432": replace the address */
	if (verbatim(t, n)) {
		dfx_yaml_edits_add(ed, n->inner.start, n->inner.start + (uint32_t)prev, "127.0.0.1");
		return 0;
	} else {
		char *nv = dfx_xasprintf("127.0.0.1%s", n->value + prev);
		int rc = dfx_yaml_edit_replace_scalar(t, n, nv, ed);

		free(nv);
		return rc;
	}
}

static int bind_long(struct dfx_yaml *t, const struct dfx_compose_port *p, struct dfx_yaml_edits *ed)
{
	if (p->host_ip_ref.key) {
		if (p->host_ip_ref.node && p->host_ip_ref.node->type == DFX_YAML_SCALAR)
			return dfx_yaml_edit_replace_scalar(t, p->host_ip_ref.node, "127.0.0.1", ed);
		return dfx_yaml_edit_map_set(t, p->node, "host_ip", "127.0.0.1", ed);
	}
	return dfx_yaml_edit_map_insert_scalar(t, p->node, "host_ip", "127.0.0.1", ed);
}

enum dfx_dc_exposure dfx_dc_port_exposure_defaults(const struct dfx_compose_port *p)
{
	enum dfx_dc_exposure e = dfx_dc_port_exposure(p);

	if (e == DFX_DC_ALL && !p->long_syntax && p->node && p->node->value)
		e = default_address(p->by_env ? p->env_spec : p->node->value);
	return e;
}

/* The .env's values leave the ':' parts of a short spec as written (`${DB_PORT}` = 5432). */
static bool same_parts(const char *written, const char *resolved)
{
	long wp, wl, rp, rl;

	colons(written, &wp, &wl);
	colons(resolved, &rp, &rl);
	return (wp < 0) == (rp < 0) && (wl < 0) == (rl < 0);
}

void dfx_dc_fix_loopback(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_compose_port *p,
			 enum dfx_applicability a, const char *hint, const char *instead)
{
	struct dfx_compose *c = ctx->file->compose;
	const char *why = NULL, *anchor = p->from_anchor ? dfx_dc_anchor_of(p->node) : NULL;
	struct dfx_yaml_edits ed;
	struct dfx_buf path = DFX_BUF_INIT;

	if (!dfx_dc_fix_allowed(ctx, p->node, &why)) {
		f->hint = dfx_xstrdup(why);
		return;
	}
	if (p->by_env && !same_parts(p->node->value, p->env_spec)) { /* the .env's value holds an address */
		f->hint = dfx_xasprintf("the address comes from the .env (Compose reads `%s`): set it to 127.0.0.1 "
					"there, or %s", p->env_spec, instead);
		return;
	}
	dfx_yaml_edits_init(&ed);
	if ((p->long_syntax ? bind_long(c->yaml, p, &ed) : bind_short(c->yaml, p, &ed)) == 0)
		dfx_yaml_node_path(p->node, &path);
	dfx_dc_attach(ctx, f, a, &ed, path.ptr, hint, "bind it to 127.0.0.1%s%s%s (%s)",
		      anchor ? " in the anchor `&" : "", anchor ? anchor : "", anchor ? "`" : "", instead);
	dfx_yaml_edits_release(&ed);
	dfx_buf_release(&path);
}

/* ---------------------------------------------------------------- a password's other uses */

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}


static bool in_skip(const struct dfx_yaml_node *n, const struct dfx_yaml_node *const *skip, size_t nskip)
{
	for (size_t i = 0; i < nskip; i++)
		if (skip[i] == n)
			return true;
	return false;
}

/* The word before position i of s (letters, digits, '_', '-', '.'), lower-cased into w. */
static void word_before(const char *s, size_t i, char *w, size_t wn)
{
	size_t e = i, b;

	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '=' || s[e - 1] == ':' || s[e - 1] == '"' ||
			 s[e - 1] == '\''))
		e--;
	b = e;
	while (b > 0 && (is_word(s[b - 1]) || s[b - 1] == '.'))
		b--;
	if (e - b >= wn)
		b = e - (wn - 1);
	for (size_t k = 0; b + k < e; k++)
		w[k] = (char)tolower((unsigned char)s[b + k]);
	w[e - b] = '\0';
}

static bool cred_context(const char *s, size_t n, size_t i, size_t vl)
{
	char w[64];

	if (i + vl < n && is_word(s[i + vl]))
		return false;
	if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_') &&
	    !(i >= 2 && s[i - 2] == '-' && s[i - 1] == 'p'))
		return false;
	if (i > 0 && s[i - 1] == ':' && i + vl < n && s[i + vl] == '@')
		return true; /* scheme://user:PASS@host */
	if (i >= 2 && s[i - 2] == '-' && s[i - 1] == 'p' && (i == 2 || s[i - 3] == ' ' || s[i - 3] == '"'))
		return true; /* mysql -pPASS */
	if (i == 0 || !(s[i - 1] == ' ' || s[i - 1] == '=' || s[i - 1] == ':' || s[i - 1] == '"' || s[i - 1] == '\''))
		return false;
	word_before(s, i, w, sizeof(w));
	return strstr(w, "pass") || strstr(w, "pwd") || strstr(w, "secret") || strstr(w, "token") ||
	       strstr(w, "auth") || !strcmp(w, "-a") || !strcmp(w, "-p");
}

static const struct dfx_yaml_node *find_use(const struct dfx_yaml_node *n, const char *v,
					    const struct dfx_yaml_node *const *skip, size_t nskip,
					    unsigned depth)
{
	size_t vl = strlen(v);

	if (!n || depth > DFX_YAML_MAX_DEPTH || n->type == DFX_YAML_ALIAS || in_skip(n, skip, nskip))
		return NULL;
	if (n->type == DFX_YAML_SCALAR) {
		if (!n->value || n->is_key || n->vlen < vl)
			return NULL;
		if (n->vlen == vl && !memcmp(n->value, v, vl)) {
			/* a whole value: a credential only under a credential-named key */
			const struct dfx_yaml_node *par = n->parent;

			if (par && par->type == DFX_YAML_MAPPING && dfx_secret_name(dfx_yaml_str(par->pairs[n->index].key)))
				return n;
			return NULL;
		}
		for (const char *p = strstr(n->value, v); p; p = strstr(p + 1, v))
			if (cred_context(n->value, n->vlen, (size_t)(p - n->value), vl))
				return n;
		return NULL;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *hit;

		if (n->type == DFX_YAML_MAPPING) {
			if (in_skip(n->pairs[i].key, skip, nskip))
				continue;
			hit = find_use(n->pairs[i].value, v, skip, nskip, depth + 1);
		} else {
			hit = find_use(n->items[i], v, skip, nskip, depth + 1);
		}
		if (hit)
			return hit;
	}
	return NULL;
}

bool dfx_dc_value_used(const struct dfx_compose *c, const char *v, const struct dfx_yaml_node *const *skip,
			 size_t nskip, const struct dfx_yaml_node **where)
{
	const struct dfx_yaml_node *hit;

	if (!v || !*v)
		return false;
	hit = NULL;
	for (size_t d = 0; d < c->yaml->ndocs && !hit; d++) /* every document of the file */
		hit = find_use(c->yaml->docs[d], v, skip, nskip, 0);
	if (where)
		*where = hit;
	return hit != NULL;
}

/* The service whose definition holds node n, or NULL. */
const struct dfx_compose_service *dfx_dc_service_of(const struct dfx_compose *c, const struct dfx_yaml_node *n)
{
	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_yaml_node *s = c->services[i].node;

		if (s && n->span.start >= s->span.start && n->span.end <= s->span.end)
			return &c->services[i];
	}
	return NULL;
}


/* ---------------------------------------------------------------- the project */

static void referrers_add(struct dfx_path_index *ix, struct dfx_wsfile *f, bool related)
{
	char **paths;
	size_t n = related ? dfx_compose_related(f->compose, f->path, &paths)
			   : dfx_compose_includes(f->compose, f->path, &paths);

	for (size_t k = 0; k < n; k++)
		dfx_path_index_add(ix, paths[k], f, NULL, 0, related);
	free(paths);
}

/* Every `include:` and `extends: {file:}` of the run's compose files, by the file named: an entry
   `by` the file for its `include:` list alone, and one (flag set) for its related files (include and
   extends). */
static void referrers_build(struct dfx_workspace *ws, struct dfx_path_index *ix)
{
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];

		if (!f->target || f->failed || f->kind != DFX_KIND_COMPOSE || !f->compose)
			continue;
		referrers_add(ix, f, false);
		referrers_add(ix, f, true);
	}
}

static void project_add(struct dfx_ctx *ctx, const char *path, struct dfx_wsfile ***out, size_t *n, size_t *cap)
{
	struct dfx_wsfile *w = dfx_ws_find(ctx->ws, path);

	if (!w || w == ctx->file || w->failed || w->kind != DFX_KIND_COMPOSE || !w->compose)
		return;
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i] == w)
			return;
	dfx_ws_file(ctx->ws, path); /* a file the checked file's findings depend on */
	DFX_GROW(*out, *n + 1, *cap);
	(*out)[(*n)++] = w;
}

size_t dfx_dc_project_files(struct dfx_ctx *ctx, bool extends, struct dfx_wsfile ***out)
{
	const struct dfx_path_index *r = dfx_ws_path_index(ctx->ws, "DC referrers", referrers_build);
	enum dfx_compose_default other = pair_of(ctx->file->path);
	struct dfx_wsfile *pair = other != DFX_COMPOSE_OTHER ? dfx_ws_compose_beside(ctx->ws, ctx->file, other) : NULL;
	char **paths;
	size_t n = 0, cap = 0, np, end;

	*out = NULL;
	if (pair)
		project_add(ctx, pair->path, out, &n, &cap);
	np = extends ? dfx_compose_related(ctx->file->compose, ctx->file->path, &paths)
		     : dfx_compose_includes(ctx->file->compose, ctx->file->path, &paths);
	for (size_t i = 0; i < np; i++) {
		project_add(ctx, paths[i], out, &n, &cap);
		free(paths[i]);
	}
	free(paths);
	for (size_t i = dfx_path_index_find(r, ctx->file->path, &end); i < end; i++)
		if (r->v[i].flag == extends)
			project_add(ctx, ((struct dfx_wsfile *)r->v[i].by)->path, out, &n, &cap);
	return n;
}

char *dfx_dc_clients(struct dfx_ctx *ctx, const struct dfx_compose_service *svc)
{
	struct dfx_wsfile **files;
	size_t n = dfx_dc_project_files(ctx, false, &files);
	char *own = dfx_credential_clients(ctx->file->compose, svc);
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_adds(&b, own ? own : "");
	free(own);
	for (size_t i = 0; i < n; i++) {
		struct dfx_compose *o = files[i]->compose;

		for (size_t k = 0; k < o->nservices; k++) {
			if (!strcmp(o->services[k].name, svc->name))
				continue; /* the same service, merged by Compose (an override's fragment) */
			if (dfx_credential_connects(o, &o->services[k], svc->name))
				dfx_buf_addf(&b, "%s%s (%s)", b.len ? ", " : "", o->services[k].name, files[i]->path);
		}
	}
	free(files);
	return dfx_buf_detach(&b);
}

bool dfx_dc_local_path(const char *p)
{
	return p && *p && p[0] != '/' && p[0] != '~' && !dfx_compose_is_interpolated(p) && !strstr(p, "://");
}

char *dfx_dc_env_holding(struct dfx_ctx *ctx, const struct dfx_compose *c, const char *path, const char *value,
			 bool other)
{
	char *cdir = dfx_path_dir(path), *dotenv = dfx_path_join(cdir, ".env"), *out = NULL;
	const struct dfx_source *src = dfx_ws_read(ctx->ws, dotenv);
	char *name = src ? dfx_dotenv_find_value(src->data, src->len, value) : NULL;

	if (name)
		out = other ? dfx_xasprintf("%s in %s (read by %s) holds the same password", name, dotenv, path)
			    : dfx_xasprintf("%s in %s holds the same password", name, dotenv);
	free(name);
	for (size_t i = 0; i < c->nservices && !out; i++)
		for (size_t j = 0; j < c->services[i].nenv_files && !out; j++) {
			const struct dfx_compose_env_file *ef = &c->services[i].env_files[j];
			char *p;

			if (!dfx_dc_local_path(ef->path))
				continue;
			p = dfx_path_join(cdir, ef->path);
			src = dfx_ws_read(ctx->ws, p);
			name = src ? dfx_dotenv_find_value(src->data, src->len, value) : NULL;
			if (name)
				out = dfx_xasprintf("%s in %s (env_file of service `%s`%s%s) holds the same password", name,
						    p, c->services[i].name, other ? " of " : "", other ? path : "");
			free(name);
			free(p);
		}
	free(dotenv);
	free(cdir);
	return out;
}

char *dfx_dc_value_elsewhere(struct dfx_ctx *ctx, const char *value)
{
	struct dfx_wsfile **files;
	size_t n = dfx_dc_project_files(ctx, true, &files);
	char *out = NULL;

	for (size_t i = 0; i < n && !out; i++) {
		const struct dfx_yaml_node *where;

		/* the .env that file interpolates with, and its services' env_files */
		if ((out = dfx_dc_env_holding(ctx, files[i]->compose, files[i]->path, value, true)) != NULL)
			break;
		if (dfx_dc_value_used(files[i]->compose, value, NULL, 0, &where)) {
			const struct dfx_compose_service *by = dfx_dc_service_of(files[i]->compose, where);
			unsigned line, col;

			dfx_source_linecol(files[i]->compose->src, where->span.start, &line, &col);
			out = dfx_xasprintf("line %u of %s%s%s%s holds the same password", line, files[i]->path,
					    by ? " (service `" : "", by ? by->name : "", by ? "`)" : "");
		}
	}
	free(files);
	return out;
}
