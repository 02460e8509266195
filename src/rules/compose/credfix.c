/*
 * credfix.c - shared machinery of the compose credential rules DC101-DC107
 * and DI101 (see include/credfix.h): credential sites of `environment`,
 * the .gitignore chain (gitignore(5): every .gitignore from the repository
 * root down to the file's directory, deeper files winning), .env files,
 * and the plan that moves a plaintext credential into a Docker secret
 * (`NAME_FILE: /run/secrets/S`, the image's `_FILE` convention) or into a
 * git-ignored .env read through `${NAME:?...}`.
 *
 * References: SPEC.md 2-3; research/compose-anchors.md 5.4, 5.5, 6, 7;
 * research/yaml-spike.md 6; seed "Default Credentials".
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "credfix.h"
#include "dockfix/ignore.h"
#include "dockfix/secrets.h"
#include "tables.h"

/* ---------------------------------------------------------------- small helpers */

/* Lower-case identifier for secret names: [a-z0-9_], runs of others become one '_'. */
static char *lower_ident(const char *s)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '_')
			dfx_buf_addc(&b, (char)tolower(ch));
		else if (b.len && b.ptr[b.len - 1] != '_')
			dfx_buf_addc(&b, '_');
	}
	while (b.len && b.ptr[b.len - 1] == '_')
		b.ptr[--b.len] = '\0';
	if (!b.len)
		dfx_buf_adds(&b, "secret");
	return dfx_buf_detach(&b);
}

/* Upper-case variable name valid for Compose interpolation: [A-Z_][A-Z0-9_]*. */
static char *upper_ident(const char *s)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '_')
			dfx_buf_addc(&b, (char)toupper(ch));
		else if (b.len && b.ptr[b.len - 1] != '_')
			dfx_buf_addc(&b, '_');
	}
	while (b.len && b.ptr[b.len - 1] == '_')
		b.ptr[--b.len] = '\0';
	if (!b.len || isdigit((unsigned char)b.ptr[0])) {
		struct dfx_buf c = DFX_BUF_INIT;

		dfx_buf_addf(&c, "SECRET_%s", b.ptr ? b.ptr : "");
		dfx_buf_release(&b);
		return dfx_buf_detach(&c);
	}
	return dfx_buf_detach(&b);
}

/* A Compose value as the container sees it: `$$` is a literal '$'. */
static char *unescape_dollars(const char *v)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (const char *p = v; *p; p++) {
		dfx_buf_addc(&b, *p);
		if (p[0] == '$' && p[1] == '$')
			p++;
	}
	if (!b.ptr)
		dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* ---------------------------------------------------------------- images */

bool dfx_cred_image(const struct dfx_compose_service *svc, struct dfx_imageref *ref)
{
	if (!svc->image_name || dfx_image_parse(ref, svc->image_name, NULL) != 0)
		return false;
	if (ref->unresolved || !ref->name) {
		dfx_image_release(ref);
		return false;
	}
	return true;
}

/* Variables that a client uses to log in elsewhere, although named like an image's own. */
static const char *const client_vars[] = {
	"WORDPRESS_DB_PASSWORD", "PMA_PASSWORD", "ME_CONFIG_MONGODB_ADMINPASSWORD", "JOOMLA_DB_PASSWORD",
	"YOURLS_DB_PASS", NULL,
};

/* Prefixes whose image name is not their lower-cased first word. */
static const struct {
	const char *prefix, *image;
} var_images[] = {
	{"GF_", "grafana"}, {"KC_", "keycloak"}, {"ME_CONFIG_BASICAUTH", "mongo-express"},
	{"DOCKER_INFLUXDB", "influxdb"}, {"PGADMIN", "pgadmin"},
};

/*
 * An init or admin password that the service's image itself sets up
 * (POSTGRES_PASSWORD of postgres, GF_SECURITY_ADMIN_PASSWORD of grafana):
 * changing it on this side alone cannot break a login elsewhere.
 */
static bool server_var(const char *name, const struct dfx_compose_service *svc)
{
	const char *du = NULL;
	struct dfx_imageref ref;
	bool known = dfx_secret_user_var(name, &du) != NULL || du != NULL, ok = false;

	if (!known)
		return false;
	for (size_t i = 0; client_vars[i]; i++)
		if (!strcmp(name, client_vars[i]))
			return false;
	if (!dfx_cred_image(svc, &ref))
		return false;
	if (dfx_db_image_kind(&ref)) {
		ok = true;
	} else {
		char *first = dfx_xstrndup(name, strcspn(name, "_"));
		char *low = lower_ident(first);

		ok = strstr(ref.name, low) != NULL;
		for (size_t i = 0; !ok && i < sizeof(var_images) / sizeof(var_images[0]); i++)
			if (starts_with(name, var_images[i].prefix) && strstr(ref.name, var_images[i].image))
				ok = true;
		free(first);
		free(low);
	}
	dfx_image_release(&ref);
	return ok;
}

/* The literal user name that goes with password variable `name` in this service. */
static const char *user_of(const struct dfx_compose_service *svc, const char *name)
{
	const char *du = NULL, *uv = dfx_secret_user_var(name, &du);

	if (uv)
		for (size_t i = 0; i < svc->nenv; i++)
			if (!strcmp(svc->env[i].name, uv) && svc->env[i].value &&
			    !dfx_compose_is_interpolated(svc->env[i].value))
				return svc->env[i].value;
	return du;
}

/* ---------------------------------------------------------------- names and values */

static bool has_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

static bool ends_ci(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

bool dfx_cred_password_name(const char *name)
{
	return has_ci(name, "pass") || has_ci(name, "pwd") || has_ci(name, "pword") || has_ci(name, "psw");
}

/* Names that carry a strong credential word (not only token, auth, key, salt). */
static bool strong_name(const char *name)
{
	static const char *const words[] = {"pass", "pwd", "pword", "psw", "secret", "credential", "creds",
					    "private", "apikey", "api_key", "access_key", "accesskey", "bearer",
					    "cookie", NULL};

	for (size_t i = 0; words[i]; i++)
		if (has_ci(name, words[i]))
			return true;
	return false;
}

bool dfx_cred_userish(const char *name)
{
	for (size_t i = 0; i < dfx_tab_user_vars_n; i++)
		if (dfx_tab_user_vars[i].user && !strcmp(dfx_tab_user_vars[i].user, name))
			return true;
	if (has_ci(name, "secret") || has_ci(name, "pass"))
		return false;
	return ends_ci(name, "key_id") || ends_ci(name, "keyid") || ends_ci(name, "access_key") ||
	       ends_ci(name, "accesskey") || ends_ci(name, "_user") || ends_ci(name, "_users") ||
	       ends_ci(name, "username") || ends_ci(name, "_login") || ends_ci(name, "_email");
}

bool dfx_cred_weak_listed(const char *v)
{
	for (size_t i = 0; i < dfx_tab_weak_passwords_n; i++)
		if (!strcasecmp(dfx_tab_weak_passwords[i], v))
			return true;
	return false;
}

bool dfx_cred_placeholder(const char *v)
{
	static const char *const words[] = {"your", "change", "replace", "placeholder", "example", "xxxx",
					    "<", "provided", "insert", "fill_in", "fillme", "todo", "dummy",
					    "fake", "sample", "_here", "-here", "setme", "set_me", "set-me", NULL};

	for (size_t i = 0; words[i]; i++)
		if (has_ci(v, words[i]))
			return true;
	return false;
}

/*
 * A file path with a file name extension (`certs/es.key`, `/run/x.pem`):
 * settings that name where a key is, not the key. Secrets may hold '/'
 * (base64) but not a dotted last component like this.
 */
static bool path_value(const char *v)
{
	const char *last = strrchr(v, '/'), *dot;
	size_t ext = 0;

	if (!last || strpbrk(v, " \t") || !strncmp(v, "//", 2))
		return false;
	for (const char *p = v; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("/._-~", *p)))
			return false;
	dot = strrchr(last, '.');
	if (!dot)
		return false;
	for (const char *p = dot + 1; *p; p++, ext++)
		if (!isalpha((unsigned char)*p))
			return false;
	return ext >= 2 && ext <= 5;
}

/* A short keyword (`htpasswd`, `basic`, `none`) or a number: what a weak credential name also holds. */
static bool keyword_value(const char *v)
{
	size_t n = strlen(v);
	bool alpha = true, digits = true;

	for (const char *p = v; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_'))
			alpha = false;
		if (!(*p >= '0' && *p <= '9'))
			digits = false;
	}
	return (alpha && n < 20) || digits || v[0] == '[' || v[0] == '{' || !strncmp(v, "http://", 7) ||
	       !strncmp(v, "https://", 8) || !strncmp(v, "file://", 7) || path_value(v);
}

/* ---------------------------------------------------------------- sites */

static const void *site_id(const struct dfx_compose_env *e)
{
	return e->list_form ? (const void *)e->node : (const void *)e->key;
}

static bool editable(const struct dfx_compose_env *e, const char **why)
{
	if (!e->list_form) {
		const struct dfx_yaml_node *k = e->key, *par = k ? k->parent : NULL;

		if (!par || par->type != DFX_YAML_MAPPING) {
			*why = "the entry is not in a mapping";
			return false;
		}
		if (par->pairs[k->index].value->type == DFX_YAML_ALIAS) {
			*why = "the value is an alias (`*name`): its anchor holds the password";
			return false;
		}
		if (k->type != DFX_YAML_SCALAR || k->style == DFX_YAML_LITERAL || k->style == DFX_YAML_FOLDED) {
			*why = "the key is not a plain or quoted scalar";
			return false;
		}
		if (par->style == DFX_YAML_FLOW && par->parent && par->parent->type == DFX_YAML_SEQUENCE &&
		    par->n == 1) {
			*why = "the entry is a single pair inside [ ]";
			return false;
		}
		return true;
	}
	if (!e->node || e->node->type != DFX_YAML_SCALAR || e->node->style == DFX_YAML_LITERAL ||
	    e->node->style == DFX_YAML_FOLDED) {
		*why = "the list item is a block scalar";
		return false;
	}
	return true;
}

static size_t distinct_chars(const char *v)
{
	bool seen[256] = {false};
	size_t distinct = 0;

	for (const char *p = v; *p; p++)
		if (!seen[(unsigned char)*p]) {
			seen[(unsigned char)*p] = true;
			distinct++;
		}
	return distinct;
}

static const char *weak_reason(const char *v, const char *user)
{
	if (!*v)
		return "empty";
	if (user && !strcasecmp(v, user))
		return "the same as the user name";
	if (dfx_cred_weak_listed(v))
		return "a well-known default";
	if (dfx_cred_placeholder(v))
		return "a placeholder";
	if (utf8_chars(v) < 12)
		return "shorter than 12 characters";
	if (distinct_chars(v) < 4)
		return "made of fewer than 4 different characters";
	return "a well-known default";
}

/*
 * Weak as DC102 means it: any weak value of a service's own password;
 * for other credentials a non-empty weak value of a password-named
 * variable, or a well-known default / placeholder / user name / repeated
 * character under any credential name.
 */
static bool weak_for(const char *name, const char *v, const char *user, bool server)
{
	bool weak = dfx_weak_password(v, user) || dfx_cred_placeholder(v);

	if (!weak)
		return false;
	if (server)
		return true;
	if (!*v)
		return false;
	if (dfx_cred_password_name(name))
		return true;
	return dfx_cred_weak_listed(v) || dfx_cred_placeholder(v) || (user && !strcasecmp(v, user)) ||
	       (distinct_chars(v) < 4 && utf8_chars(v) >= 8);
}

void dfx_cred_sites_collect(struct dfx_compose *c, struct dfx_cred_sites *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *svc = &c->services[i];

		for (size_t j = 0; j < svc->nenv; j++) {
			const struct dfx_compose_env *e = &svc->env[j];
			struct dfx_cred_site *s = NULL;
			size_t cap;

			if (!e->name || !dfx_secret_name(e->name) || dfx_cred_userish(e->name))
				continue;
			for (size_t k = 0; k < out->n && !s; k++)
				if (site_id(out->v[k].env) == site_id(e))
					s = &out->v[k];
			if (!s) {
				DFX_GROW(out->v, out->n + 1, out->cap);
				s = &out->v[out->n++];
				memset(s, 0, sizeof(*s));
				s->env = e;
				s->name = e->name;
				if (e->value) {
					s->literal = !dfx_compose_is_interpolated(e->value);
					if (s->literal && (!strcmp(e->value, "\"\"") || !strcmp(e->value, "''"))) {
						s->value = dfx_xstrdup(""); /* `- X=""`: meant empty */
					} else if (s->literal) {
						s->value = unescape_dollars(e->value);
					} else {
						struct dfx_buf d = DFX_BUF_INIT;

						s->value = dfx_xstrdup(e->value);
						if (dfx_compose_var_default(e->value, &d) && d.len &&
						    !dfx_compose_is_interpolated(d.ptr))
							s->dflt = unescape_dollars(d.ptr);
						dfx_buf_release(&d);
					}
				}
				s->editable = editable(e, &s->no_edit);
			}
			cap = s->nsvcs;
			s->svcs = dfx_xrealloc(s->svcs, (cap + 1) * sizeof(*s->svcs));
			s->svcs[s->nsvcs++] = svc;
		}
	}
	for (size_t k = 0; k < out->n; k++) {
		struct dfx_cred_site *s = &out->v[k];
		const char *user = user_of(s->svcs[0], s->name);

		for (size_t i = 0; i < s->nsvcs; i++)
			s->server |= server_var(s->name, s->svcs[i]);
		if (s->literal && s->value[0] && (dfx_value_is_inert(s->value) || path_value(s->value) ||
						  !strncmp(s->value, "file://", 7)))
			s->inert = true;
		else if (s->literal && !s->server && !dfx_cred_password_name(s->name) && s->value[0] &&
			 utf8_chars(s->value) < 6 && !dfx_cred_weak_listed(s->value))
			s->inert = true; /* COOKIE_INSECURE=t, AUTH_MODE-like switches */
		else if (s->literal && !strong_name(s->name) && !s->server && keyword_value(s->value))
			s->inert = true; /* REGISTRY_AUTH=htpasswd, TOKEN_TTL=3600 */
		else if (s->literal && !s->server && !dfx_cred_password_name(s->name) && dfx_cred_placeholder(s->value))
			s->inert = true; /* API_KEY: your-api-key-here (not a secret yet) */
		else if (s->literal && weak_for(s->name, s->value, user, s->server)) {
			s->weak = true;
			s->why_weak = weak_reason(s->value, user);
		}
		if (s->dflt && (dfx_value_is_inert(s->dflt) || path_value(s->dflt) || !strncmp(s->dflt, "file://", 7) ||
				(!dfx_cred_password_name(s->name) && utf8_chars(s->dflt) < 6 &&
				 !dfx_cred_weak_listed(s->dflt)) ||
				(!dfx_cred_password_name(s->name) && !s->server && dfx_cred_placeholder(s->dflt)) ||
				(!strong_name(s->name) && keyword_value(s->dflt)))) {
			free(s->dflt);
			s->dflt = NULL;
		} else if (s->dflt) {
			s->dflt_weak = weak_for(s->name, s->dflt, user, s->server);
		}
	}
}

void dfx_cred_sites_release(struct dfx_cred_sites *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].value);
		free(s->v[i].dflt);
		free(s->v[i].svcs);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct dfx_span dfx_cred_site_span(const struct dfx_cred_site *s)
{
	const struct dfx_compose_env *e = s->env;

	if (!e->list_form && e->key)
		return e->key->span;
	return e->node ? e->node->span : e->name_span;
}

struct dfx_span dfx_cred_site_value_span(const struct dfx_cred_site *s)
{
	const struct dfx_compose_env *e = s->env;

	if (e->list_form && !e->span_exact)
		return e->node->inner;
	return e->value_span;
}

bool dfx_cred_site_dc102(const struct dfx_cred_site *s)
{
	return s->literal && s->weak && !s->inert;
}

char *dfx_cred_site_services(const struct dfx_cred_site *s)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; i < s->nsvcs; i++)
		dfx_buf_addf(&b, "%s%s", i ? ", " : "", s->svcs[i]->name);
	return dfx_buf_detach(&b);
}

/* ---------------------------------------------------------------- .gitignore */

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The parent directory to look in next, or NULL at the top. */
static char *parent_dir(const char *d)
{
	size_t n = strlen(d);

	if (!strcmp(d, ".") || !strcmp(d, "/") || !strcmp(d, "..") || (n >= 3 && !strcmp(d + n - 3, "/..")))
		return NULL;
	return dfx_path_dir(d);
}

/* `path` relative to directory `dir` (which is one of its ancestors). */
static const char *rel_to(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "."))
		return path;
	if (!strcmp(dir, "/"))
		return path[0] == '/' ? path + 1 : path;
	if (!strncmp(path, dir, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

/* Directories from the file's own to the top (repository root or scan root). */
static size_t dir_chain(const char *path, char ***out)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	char *d = dfx_path_dir(path);

	for (;;) {
		char *git = dfx_path_join(d, ".git");
		bool top = exists(git);
		char *up;

		free(git);
		DFX_GROW(v, n + 1, cap);
		v[n++] = d;
		if (top || n > 64)
			break;
		up = parent_dir(d);
		if (!up)
			break;
		d = up;
	}
	*out = v;
	return n;
}

bool dfx_cred_same_repo(const char *from, const char *path)
{
	char **dirs, *clean = dfx_path_clean(path), *cfrom = dfx_path_clean(from);
	size_t n = dir_chain(cfrom, &dirs);
	const char *top = dirs[n - 1];
	bool in;

	if (!strcmp(top, "."))
		in = clean[0] != '/' && strcmp(clean, "..") && !starts_with(clean, "../");
	else if (!strcmp(top, "/"))
		in = clean[0] == '/';
	else
		in = rel_to(clean, top) != clean;
	for (size_t k = 0; k < n; k++)
		free(dirs[k]);
	free(dirs);
	free(clean);
	free(cfrom);
	return in;
}

static void add_pats(struct dfx_ignore *all, const char *text, size_t len, const char *prefix)
{
	struct dfx_ignore one;

	dfx_ignore_parse(&one, DFX_IGNORE_GIT, text, len);
	for (size_t i = 0; i < one.n; i++) {
		struct dfx_ignore_pat p = one.pats[i];

		if (prefix && *prefix) {
			p.pat = dfx_xasprintf("%s/%s%s", prefix, p.anchored ? "" : "**/", one.pats[i].pat);
			p.anchored = true;
			free(one.pats[i].pat);
		}
		one.pats[i].pat = NULL;
		DFX_GROW(all->pats, all->n + 1, all->cap);
		all->pats[all->n++] = p;
	}
	free(one.pats);
}

enum dfx_cred_git dfx_cred_git_status(struct dfx_workspace *ws, const char *path, bool is_dir, char **nearest)
{
	char *clean = dfx_path_clean(path), **dirs;
	size_t n = dir_chain(clean, &dirs);
	const char *top = dirs[n - 1];
	struct dfx_ignore all, pos;
	enum dfx_cred_git st;

	if (nearest)
		*nearest = NULL;
	memset(&all, 0, sizeof(all));
	all.style = DFX_IGNORE_GIT;
	{
		char *ex = dfx_path_join(top, ".git/info/exclude");
		const struct dfx_source *s = exists(ex) ? dfx_ws_read(ws, ex) : NULL;

		if (s)
			add_pats(&all, s->data, s->len, NULL);
		free(ex);
	}
	for (size_t k = n; k-- > 0;) {
		char *gi = dfx_path_join(dirs[k], ".gitignore");
		const struct dfx_source *s = dfx_ws_read(ws, gi);

		if (s) {
			add_pats(&all, s->data, s->len, strcmp(dirs[k], top) ? rel_to(dirs[k], top) : NULL);
			if (nearest) {
				free(*nearest);
				*nearest = gi;
				gi = NULL;
			}
		}
		free(gi);
	}
	if (dfx_ignore_match(&all, rel_to(clean, top), is_dir)) {
		st = DFX_GIT_IGNORED;
	} else {
		memset(&pos, 0, sizeof(pos));
		pos.style = DFX_IGNORE_GIT;
		pos.pats = dfx_xcalloc(all.n + 1, sizeof(*pos.pats));
		for (size_t i = 0; i < all.n; i++)
			if (!all.pats[i].negate)
				pos.pats[pos.n++] = all.pats[i];
		st = dfx_ignore_match(&pos, rel_to(clean, top), is_dir) ? DFX_GIT_REINCLUDED : DFX_GIT_NOT_IGNORED;
		free(pos.pats);
	}
	dfx_ignore_release(&all);
	for (size_t k = 0; k < n; k++)
		free(dirs[k]);
	free(dirs);
	free(clean);
	return st;
}

void dfx_cred_ignores_add(struct dfx_cred_ignores *ig, const char *path, bool is_dir)
{
	char *clean = dfx_path_clean(path);

	for (size_t i = 0; i < ig->n; i++)
		if (!strcmp(ig->paths[i], clean)) {
			free(clean);
			return;
		}
	if (ig->n + 1 > ig->cap) {
		ig->cap = ig->cap ? ig->cap * 2 : 4;
		ig->paths = dfx_xrealloc(ig->paths, ig->cap * sizeof(*ig->paths));
		ig->dirs = dfx_xrealloc(ig->dirs, ig->cap * sizeof(*ig->dirs));
	}
	ig->paths[ig->n] = clean;
	ig->dirs[ig->n++] = is_dir;
}

void dfx_cred_ignores_release(struct dfx_cred_ignores *ig)
{
	for (size_t i = 0; i < ig->n; i++)
		free(ig->paths[i]);
	free(ig->paths);
	free(ig->dirs);
	memset(ig, 0, sizeof(*ig));
}

char *dfx_cred_git_pattern(const char *rel, bool is_dir)
{
	struct dfx_buf b = DFX_BUF_INIT;
	bool slash = strchr(rel, '/') != NULL;

	/* a bare name matches at any depth; a path is anchored by its inner '/' */
	if (!slash && !is_dir && strncmp(rel, ".env", 4) != 0)
		dfx_buf_addc(&b, '/');
	for (const char *p = rel; *p; p++) {
		if (strchr("*?[\\", *p) || (p == rel && (*p == '#' || *p == '!')))
			dfx_buf_addc(&b, '\\');
		dfx_buf_addc(&b, *p);
	}
	if (is_dir)
		dfx_buf_addc(&b, '/');
	return dfx_buf_detach(&b);
}

/* Text that appends `lines` (LF-separated, each ending in '\n') to src in its own style. */
static char *append_text(const struct dfx_source *src, const char *lines)
{
	const char *eol = src && src->len ? dfx_source_eol(src) : "\n";
	struct dfx_buf b = DFX_BUF_INIT;

	if (src && src->len && src->data[src->len - 1] != '\n')
		dfx_buf_adds(&b, eol);
	for (const char *p = lines; *p; p++) {
		if (*p == '\n')
			dfx_buf_adds(&b, eol);
		else
			dfx_buf_addc(&b, *p);
	}
	return dfx_buf_detach(&b);
}

size_t dfx_cred_gitignore_fix(struct dfx_workspace *ws, struct dfx_fix *fix,
			      const struct dfx_cred_ignores *ig, const char *create_dir,
			      struct dfx_buf *desc)
{
	char **files = NULL;
	struct dfx_buf *texts = NULL;
	size_t nf = 0, added = 0;

	for (size_t i = 0; i < ig->n; i++) {
		char *nearest = NULL, *gi, *gdir, *pat;
		size_t k;

		if (dfx_cred_git_status(ws, ig->paths[i], ig->dirs[i], &nearest) != DFX_GIT_NOT_IGNORED) {
			free(nearest);
			continue;
		}
		gi = nearest ? nearest : dfx_path_join(create_dir, ".gitignore");
		gdir = dfx_path_dir(gi);
		pat = dfx_cred_git_pattern(rel_to(ig->paths[i], gdir), ig->dirs[i]);
		free(gdir);
		for (k = 0; k < nf && strcmp(files[k], gi); k++)
			;
		if (k == nf) {
			files = dfx_xrealloc(files, (nf + 1) * sizeof(*files));
			texts = dfx_xrealloc(texts, (nf + 1) * sizeof(*texts));
			files[nf] = gi;
			dfx_buf_init(&texts[nf]);
			nf++;
		} else {
			free(gi);
		}
		dfx_buf_addf(&texts[k], "%s\n", pat);
		if (desc)
			dfx_buf_addf(desc, "%s%s", added ? ", " : "", pat);
		added++;
		free(pat);
	}
	for (size_t k = 0; k < nf; k++) {
		const struct dfx_source *s = dfx_ws_read(ws, files[k]);
		char *text = append_text(s, texts[k].ptr);

		if (s)
			dfx_fix_edit(fix, files[k], (uint32_t)s->len, (uint32_t)s->len, text);
		else
			dfx_fix_create(fix, files[k], text, 0, 0644);
		free(text);
		free(files[k]);
		dfx_buf_release(&texts[k]);
	}
	free(files);
	free(texts);
	return added;
}

void dfx_cred_dockerignore_fix(struct dfx_workspace *ws, struct dfx_fix *fix, const char *compose_path,
			       const struct dfx_compose *c, const struct dfx_cred_ignores *ig)
{
	char *cdir = dfx_path_dir(compose_path);
	char **done = NULL;
	size_t ndone = 0;

	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_build *bd = &c->services[i].build;
		char *ctxdir, *dfp, *di;
		struct dfx_wsfile *df;
		const struct dfx_source *src;
		struct dfx_ignore dig;
		struct dfx_buf lines = DFX_BUF_INIT;
		bool seen = false;

		if (!bd->node || bd->dockerfile_inline || (bd->context && (strstr(bd->context, "://") ||
									   dfx_compose_is_interpolated(bd->context))))
			continue;
		ctxdir = dfx_path_join(cdir, bd->context ? bd->context : ".");
		dfp = dfx_path_join(ctxdir, bd->dockerfile ? bd->dockerfile : "Dockerfile");
		df = dfx_ws_file(ws, dfp);
		di = df->dockerignore ? dfx_xstrdup(df->dockerignore) : dfx_path_join(ctxdir, ".dockerignore");
		for (size_t k = 0; k < ndone && !seen; k++)
			seen = !strcmp(done[k], di);
		if (seen) {
			free(ctxdir);
			free(dfp);
			free(di);
			continue;
		}
		done = dfx_xrealloc(done, (ndone + 1) * sizeof(*done));
		done[ndone++] = dfx_xstrdup(di);
		src = dfx_ws_read(ws, di);
		dfx_ignore_parse(&dig, DFX_IGNORE_DOCKER, src ? src->data : NULL, src ? src->len : 0);
		for (size_t k = 0; k < ig->n; k++) {
			const char *rel = rel_to(ig->paths[k], ctxdir);

			if (!strcmp(ctxdir, ".") ? (rel[0] == '/' || starts_with(rel, "../"))
						 : rel == ig->paths[k])
				continue; /* not inside this build context */
			if (dfx_ignore_match(&dig, rel, ig->dirs[k]))
				continue;
			dfx_buf_addf(&lines, "%s\n", rel);
		}
		if (lines.len) {
			char *text = append_text(src, lines.ptr);

			if (src)
				dfx_fix_edit(fix, di, (uint32_t)src->len, (uint32_t)src->len, text);
			else
				dfx_fix_create(fix, di, text, 0, 0644);
			free(text);
		}
		dfx_buf_release(&lines);
		dfx_ignore_release(&dig);
		free(ctxdir);
		free(dfp);
		free(di);
	}
	for (size_t k = 0; k < ndone; k++)
		free(done[k]);
	free(done);
	free(cdir);
}

/* ---------------------------------------------------------------- dotenv */

/* Decode one dotenv value [p, e) (quotes, escapes, an inline comment). */
static char *dotenv_value(const char *p, const char *e)
{
	struct dfx_buf b = DFX_BUF_INIT;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p < e && (*p == '\'' || *p == '"')) {
		char q = *p++;

		for (; p < e && *p != q; p++) {
			if (q == '"' && *p == '\\' && p + 1 < e) {
				p++;
				dfx_buf_addc(&b, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
			} else {
				dfx_buf_addc(&b, *p);
			}
		}
	} else {
		const char *s = p;

		for (; p < e; p++)
			if (*p == '#' && p > s && (p[-1] == ' ' || p[-1] == '\t'))
				break;
		while (p > s && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
			p--;
		dfx_buf_add(&b, s, (size_t)(p - s));
	}
	if (!b.ptr)
		dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
}

/* Call fn(name, nlen, value-start, line-end) for every assignment line. */
static int dotenv_each(const char *text, size_t len,
		       int (*fn)(const char *n, size_t nl, const char *v, const char *e, void *arg), void *arg)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *s = p, *n;
		int rc;

		p = nl ? nl + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (e - s > 7 && !strncmp(s, "export ", 7))
			s += 7;
		n = s;
		while (s < e && (isalnum((unsigned char)*s) || *s == '_' || *s == '.' || *s == '-'))
			s++;
		if (s == n)
			continue;
		{
			const char *ne = s;

			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
			if (s >= e || *s != '=')
				continue;
			rc = fn(n, (size_t)(ne - n), s + 1, e, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

struct get_arg {
	const char *name;
	char *out;
};

static int get_fn(const char *n, size_t nl, const char *v, const char *e, void *arg)
{
	struct get_arg *g = arg;

	if (strlen(g->name) == nl && !strncmp(g->name, n, nl)) {
		free(g->out);
		g->out = dotenv_value(v, e);
	}
	return 0;
}

char *dfx_cred_dotenv_get(const char *text, size_t len, const char *name)
{
	struct get_arg g = {name, NULL};

	if (text)
		dotenv_each(text, len, get_fn, &g);
	return g.out;
}

static int secret_fn(const char *n, size_t nl, const char *v, const char *e, void *arg)
{
	char *name = dfx_xstrndup(n, nl), *val = dotenv_value(v, e);
	int hit = 0;

	(void)arg;
	if (dfx_secret_value(val, strlen(val), NULL) ||
	    (dfx_secret_name(name) && val[0] && !dfx_value_is_inert(val)))
		hit = 1;
	free(name);
	free(val);
	return hit;
}

bool dfx_cred_dotenv_has_secret(const char *text, size_t len)
{
	return text && dotenv_each(text, len, secret_fn, NULL) != 0;
}

char *dfx_cred_dotenv_line(const char *name, const char *value)
{
	bool plain = *value != '\0';

	if (strchr(value, '\n') || strchr(value, '\r'))
		return NULL;
	for (const char *p = value; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-./+:@,%^~", *p))
			plain = false;
	if (plain)
		return dfx_xasprintf("%s=%s", name, value);
	if (!strchr(value, '\''))
		return dfx_xasprintf("%s='%s'", name, value);
	if (!strchr(value, '$') && !strchr(value, '"') && !strchr(value, '\\'))
		return dfx_xasprintf("%s=\"%s\"", name, value);
	return NULL;
}

/* ---------------------------------------------------------------- plans */

void dfx_cred_plan_init(struct dfx_cred_plan *p, struct dfx_ctx *ctx)
{
	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	p->c = ctx->file->compose;
	p->cpath = ctx->file->path;
	p->cdir = dfx_path_dir(p->cpath);
	p->dotenv_path = dfx_path_join(p->cdir, ".env");
	dfx_yaml_edits_init(&p->ed);
	dfx_yaml_edits_init(&p->top);
	p->top_block = -1;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dfx_cred_plan_release(struct dfx_cred_plan *p)
{
	dfx_yaml_edits_release(&p->ed);
	dfx_yaml_edits_release(&p->top);
	free_strs(p->paths, p->npaths);
	free_strs(p->env_names, p->nenv);
	free_strs(p->env_values, p->nenv);
	free_strs(p->secret_names, p->nsecrets);
	for (size_t i = 0; i < p->ngranted; i++)
		free_strs(p->granted[i].names, p->granted[i].n);
	free(p->granted);
	free_strs(p->files, p->nfiles);
	free_strs(p->texts, p->nfiles);
	free(p->modes);
	dfx_cred_ignores_release(&p->ign);
	dfx_buf_release(&p->notes);
	dfx_buf_release(&p->desc);
	free(p->why);
	free(p->share_name);
	free(p->cdir);
	free(p->dotenv_path);
	memset(p, 0, sizeof(*p));
}

int dfx_cred_plan_fail(struct dfx_cred_plan *p, const char *fmt, ...)
{
	struct dfx_buf b = DFX_BUF_INIT;
	va_list ap;

	if (p->failed)
		return -1;
	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	p->why = dfx_buf_detach(&b);
	p->failed = true;
	return -1;
}

int dfx_cred_plan_yaml(struct dfx_cred_plan *p, int rc, struct dfx_yaml_edits *ed)
{
	if (rc < 0)
		return dfx_cred_plan_fail(p, "%s", ed->why ? ed->why : "the edit was declined");
	return 0;
}

void dfx_cred_plan_path_str(struct dfx_cred_plan *p, const char *path)
{
	for (size_t i = 0; i < p->npaths; i++)
		if (!strcmp(p->paths[i], path))
			return;
	DFX_GROW(p->paths, p->npaths + 1, p->pcap);
	p->paths[p->npaths++] = dfx_xstrdup(path);
}

void dfx_cred_plan_path(struct dfx_cred_plan *p, const struct dfx_yaml_node *n)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_yaml_node_path(n, &b);
	dfx_cred_plan_path_str(p, b.ptr);
	dfx_buf_release(&b);
}

static bool secret_name_taken(struct dfx_cred_plan *p, const char *name)
{
	char *file;
	bool taken = false;

	for (size_t i = 0; i < p->c->nsecrets; i++)
		if (!strcmp(p->c->secrets[i].name, name))
			return true;
	for (size_t i = 0; i < p->nsecrets; i++)
		if (!strcmp(p->secret_names[i], name))
			return true;
	file = dfx_xasprintf("%s/secrets/%s.txt", p->cdir, name);
	{
		char *clean = dfx_path_clean(file);

		taken = dfx_ws_read(p->ctx->ws, clean) != NULL;
		free(clean);
	}
	free(file);
	return taken;
}

char *dfx_cred_secret_name(struct dfx_cred_plan *p, const char *service, const char *var)
{
	char *both = dfx_xasprintf("%s_%s", service, var);
	char *base = lower_ident(both);
	char *name = dfx_xstrdup(base);

	free(both);
	for (unsigned i = 2; secret_name_taken(p, name) && i < 1000; i++) {
		free(name);
		name = dfx_xasprintf("%s_%u", base, i);
	}
	free(base);
	return name;
}

/*
 * Two inserts at one place that each create the same block (`secrets:`
 * with one entry): fold the entries of the later (edit n0, the last of ed)
 * into the earlier (edit block) and drop the later.
 */
static int merge_block(struct dfx_cred_plan *p, struct dfx_yaml_edits *ed, size_t block, size_t n0)
{
	const char *eol = dfx_yaml_layout_of(p->c->yaml)->eol;
	struct dfx_yaml_edit *nw = &ed->v[n0], *blk = &ed->v[block];
	const char *tail;
	struct dfx_buf b = DFX_BUF_INIT;

	if (ed->n != n0 + 1 || nw->start != blk->start || nw->end != blk->end || nw->start != nw->end)
		return dfx_cred_plan_fail(p, "cannot merge the new `secrets:` entries");
	tail = strstr(nw->text, "secrets:");
	if (tail) {
		tail = strchr(tail, '\n');
		tail = tail ? tail + 1 : "";
	} else {
		tail = nw->text;
	}
	dfx_buf_adds(&b, blk->text);
	if (b.len && b.ptr[b.len - 1] != '\n' && tail[0] != '\n' && tail[0] != '\r')
		dfx_buf_adds(&b, eol);
	dfx_buf_adds(&b, tail);
	free(blk->text);
	blk->text = dfx_buf_detach(&b);
	free(nw->text);
	ed->n = n0;
	return 0;
}

/*
 * Several secrets declared by one plan where the file has no top-level
 * `secrets:` mapping yet (or an empty one): the helper would create the
 * block each time. Keep the first block and move the entries of the later
 * ones into it (edit n0 is the one just added).
 */
static int top_merge(struct dfx_cred_plan *p, size_t n0)
{
	const struct dfx_yaml_node *sec = p->c->secrets_ref.node;

	if (p->c->secrets_ref.key && !(sec && sec->type == DFX_YAML_SCALAR && dfx_yaml_is_null(sec)))
		return 0; /* entries go after the existing ones: separate inserts are fine */
	if (p->top.n != n0 + 1)
		return dfx_cred_plan_fail(p, "unexpected top-level secrets edit");
	if (p->top_block < 0) {
		p->top_block = (long)n0;
		return 0;
	}
	return merge_block(p, &p->top, (size_t)p->top_block, n0);
}

const char *dfx_cred_plan_secret(struct dfx_cred_plan *p, const char *name, const char *content,
				 unsigned mode)
{
	char *file = dfx_xasprintf("./secrets/%s.txt", name);
	char *path = dfx_path_join(p->cdir, file);
	char *secdir = dfx_path_join(p->cdir, "secrets");
	int rc;

	if (p->failed)
		goto out;
	{
		size_t n0 = p->top.n;

		rc = dfx_compose_edit_declare_secret(p->c, name, file, &p->top);
		if (rc < 0) {
			dfx_cred_plan_fail(p, "%s", p->top.why ? p->top.why : "cannot declare the secret");
			goto out;
		}
		if (rc == 0 && top_merge(p, n0) < 0)
			goto out;
	}
	dfx_cred_plan_path_str(p, "/secrets");
	DFX_GROW(p->secret_names, p->nsecrets + 1, p->scap);
	p->secret_names[p->nsecrets++] = dfx_xasprintf("%s", name);
	if (p->nfiles + 1 > p->fcap) {
		p->fcap = p->fcap ? p->fcap * 2 : 4;
		p->files = dfx_xrealloc(p->files, p->fcap * sizeof(*p->files));
		p->texts = dfx_xrealloc(p->texts, p->fcap * sizeof(*p->texts));
		p->modes = dfx_xrealloc(p->modes, p->fcap * sizeof(*p->modes));
	}
	p->files[p->nfiles] = path;
	p->texts[p->nfiles] = dfx_xstrdup(content);
	p->modes[p->nfiles++] = mode;
	path = NULL;
	dfx_cred_ignores_add(&p->ign, secdir, true);
out:
	free(file);
	free(path);
	free(secdir);
	return p->failed ? NULL : p->secret_names[p->nsecrets - 1];
}

int dfx_cred_plan_grant(struct dfx_cred_plan *p, const struct dfx_compose_service *svc, const char *name)
{
	struct dfx_cred_grant *g = NULL;
	const struct dfx_yaml_node *cur = svc->secrets_ref.node;
	struct dfx_buf b = DFX_BUF_INIT;
	size_t n0 = p->ed.n;
	int rc;

	if (p->failed)
		return -1;
	for (size_t i = 0; i < p->ngranted && !g; i++)
		if (p->granted[i].svc == svc->node)
			g = &p->granted[i];
	for (size_t i = 0; g && i < g->n; i++)
		if (!strcmp(g->names[i], name))
			return 0;
	rc = dfx_compose_edit_grant_secret(p->c, svc, name, &p->ed);
	if (rc < 0)
		return dfx_cred_plan_fail(p, "%s", p->ed.why ? p->ed.why : "cannot grant the secret");
	if (!g) {
		DFX_GROW(p->granted, p->ngranted + 1, p->gcap);
		g = &p->granted[p->ngranted++];
		memset(g, 0, sizeof(*g));
		g->svc = svc->node;
		g->block = -1;
		/* no list yet: this edit creates `secrets:` (or fills an empty one) */
		if (rc == 0 && (!svc->secrets_ref.key || (cur && cur->type == DFX_YAML_SCALAR && dfx_yaml_is_null(cur))))
			g->block = (long)n0;
	} else if (rc == 0 && g->block >= 0 && merge_block(p, &p->ed, (size_t)g->block, n0) < 0) {
		return -1;
	}
	g->names = dfx_xrealloc(g->names, (g->n + 1) * sizeof(*g->names));
	g->names[g->n++] = dfx_xstrdup(name);
	dfx_yaml_node_path(svc->key, &b);
	dfx_buf_adds(&b, "/secrets");
	dfx_cred_plan_path_str(p, b.ptr);
	dfx_buf_release(&b);
	return 0;
}

int dfx_cred_env_rewrite(struct dfx_cred_plan *p, const struct dfx_compose_env *e, const char *newname,
			 const char *newvalue)
{
	struct dfx_yaml *t = p->c->yaml;
	int rc;

	if (p->failed)
		return -1;
	if (!e->list_form) {
		const struct dfx_yaml_node *par = e->key->parent;
		const struct dfx_yaml_node *val = par->pairs[e->key->index].value;

		if (val->type == DFX_YAML_ALIAS)
			return dfx_cred_plan_fail(p, "the value is an alias: its anchor holds the password");
		if (newname && strcmp(newname, e->name)) {
			rc = dfx_yaml_edit_rename_key(t, e->key, newname, &p->ed);
			if (rc < 0)
				return dfx_cred_plan_yaml(p, rc, &p->ed);
		}
		rc = dfx_yaml_edit_replace_scalar(t, val, newvalue, &p->ed);
		if (rc < 0)
			return dfx_cred_plan_yaml(p, rc, &p->ed);
		dfx_cred_plan_path(p, par);
		return 0;
	} else {
		char *item = dfx_xasprintf("%s=%s", newname ? newname : e->name, newvalue);

		rc = dfx_yaml_edit_replace_scalar(t, e->node, item, &p->ed);
		free(item);
		if (rc < 0)
			return dfx_cred_plan_yaml(p, rc, &p->ed);
		dfx_cred_plan_path(p, e->node->parent ? e->node->parent : e->node);
		return 0;
	}
}

int dfx_cred_env_delete(struct dfx_cred_plan *p, const struct dfx_compose_env *e)
{
	const struct dfx_yaml_node *n = e->list_form ? e->node : e->key;
	int rc;

	if (p->failed)
		return -1;
	if (e->list_form && e->via && e->via->type == DFX_YAML_ALIAS)
		return dfx_cred_plan_fail(p, "the entry is an alias item of the list");
	rc = dfx_yaml_edit_delete(p->c->yaml, n, &p->ed);
	if (rc < 0)
		return dfx_cred_plan_yaml(p, rc, &p->ed);
	dfx_cred_plan_path(p, n->parent ? n->parent : n);
	return 0;
}

int dfx_cred_env_add(struct dfx_cred_plan *p, const struct dfx_compose_service *svc, size_t n,
		     const char *const *names, const char *const *values)
{
	struct dfx_yaml *t = p->c->yaml;
	const struct dfx_yaml_node *env = svc->environment.node;
	struct dfx_buf path = DFX_BUF_INIT;
	int rc = 0;

	if (p->failed)
		return -1;
	if (svc->environment.key && svc->environment.from_anchor)
		return dfx_cred_plan_fail(p, "the service's environment comes from an anchor");
	if (!svc->environment.key || (env && env->type == DFX_YAML_SCALAR && dfx_yaml_is_null(env))) {
		struct dfx_buf y = DFX_BUF_INIT;

		for (size_t i = 0; i < n; i++) {
			dfx_buf_addf(&y, "%s: ", names[i]);
			dfx_yaml_render_scalar(t, values[i], false, &y);
			dfx_buf_addc(&y, '\n');
		}
		if (!svc->environment.key)
			rc = dfx_yaml_edit_map_insert(t, svc->node, "environment", y.ptr, &p->ed);
		else
			rc = dfx_yaml_edit_map_set(t, svc->node, "environment", y.ptr, &p->ed);
		dfx_buf_release(&y);
	} else if (env && env->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = dfx_yaml_edit_map_insert_scalar(t, env, names[i], values[i], &p->ed);
	} else if (env && env->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			char *item = dfx_xasprintf("%s=%s", names[i], values[i]);

			rc = dfx_yaml_edit_seq_append_scalar(t, env, item, &p->ed);
			free(item);
		}
	} else {
		return dfx_cred_plan_fail(p, "the service's environment is neither a mapping nor a list");
	}
	if (rc < 0)
		return dfx_cred_plan_yaml(p, rc, &p->ed);
	dfx_yaml_node_path(svc->key, &path);
	dfx_buf_adds(&path, "/environment");
	dfx_cred_plan_path_str(p, path.ptr);
	dfx_buf_release(&path);
	return 0;
}

#define ENV_PLACEHOLDER "dfxenvplaceholder"

int dfx_cred_plan_env_secret(struct dfx_cred_plan *p, const char *name, const char *var)
{
	size_t before = p->top.n;
	int rc;

	if (p->failed)
		return -1;
	rc = dfx_compose_edit_declare_secret(p->c, name, ENV_PLACEHOLDER, &p->top);
	if (rc < 0)
		return dfx_cred_plan_yaml(p, rc, &p->top);
	/* the helper writes `file: X`: make it `environment: VAR` */
	for (size_t i = before; i < p->top.n; i++) {
		char *at = strstr(p->top.v[i].text, "file: " ENV_PLACEHOLDER);

		if (at) {
			struct dfx_buf b = DFX_BUF_INIT;

			dfx_buf_add(&b, p->top.v[i].text, (size_t)(at - p->top.v[i].text));
			dfx_buf_adds(&b, "environment: ");
			dfx_yaml_render_scalar(p->c->yaml, var, false, &b);
			dfx_buf_adds(&b, at + strlen("file: " ENV_PLACEHOLDER));
			free(p->top.v[i].text);
			p->top.v[i].text = dfx_buf_detach(&b);
		}
	}
	if (rc == 0 && top_merge(p, before) < 0)
		return -1;
	dfx_cred_plan_path_str(p, "/secrets");
	DFX_GROW(p->secret_names, p->nsecrets + 1, p->scap);
	p->secret_names[p->nsecrets++] = dfx_xstrdup(name);
	return 0;
}

void dfx_cred_plan_note(struct dfx_cred_plan *p, const char *fmt, ...)
{
	va_list ap;

	dfx_buf_adds(&p->notes, ". ");
	va_start(ap, fmt);
	dfx_buf_vaddf(&p->notes, fmt, ap);
	va_end(ap);
}

static bool text_uses_var(const char *s, size_t n, const char *name);

/*
 * Whether a scalar of the file other than `skip` references $var in another
 * way than `same` (a whole `${VAR:-default}` text; NULL: any reference
 * counts): another default, or none, would change meaning once .env sets VAR.
 */
static bool other_refs(const struct dfx_yaml_node *n, const char *var, const char *same,
		       bool required_ok, const struct dfx_yaml_node *skip, unsigned depth)
{
	size_t vl = strlen(var);

	if (!n || depth > DFX_YAML_MAX_DEPTH || n == skip || n->type == DFX_YAML_ALIAS)
		return false;
	if (n->type == DFX_YAML_SCALAR) {
		if (!n->value || !text_uses_var(n->value, n->vlen, var))
			return false;
		if (!same)
			return true;
		for (const char *p = strchr(n->value, '$'); p; p = strchr(p + 1, '$')) {
			const char *b = p + 1;

			if (*b == '$') { /* `$$` is a literal dollar */
				p++;
				continue;
			}
			if (*b == '{')
				b++;
			if (strncmp(b, var, vl) || isalnum((unsigned char)b[vl]) || b[vl] == '_')
				continue;
			if (p[1] != '{')
				return true; /* $VAR: no default */
			{
				const char *close = strchr(p, '}');
				size_t len = close ? (size_t)(close - p + 1) : 0;

				bool required = b[vl] == '?' || (b[vl] == ':' && b[vl + 1] == '?');

				if (required && required_ok)
					continue; /* ${VAR:?...}: .env already gives it the same value */
				if (!close || len != strlen(same) || strncmp(p, same, len))
					return true;
			}
		}
		return false;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *c = n->type == DFX_YAML_MAPPING ? n->pairs[i].value : n->items[i];

		if (other_refs(c, var, same, required_ok, skip, depth + 1))
			return true;
	}
	return false;
}

/* The value .env (or this plan) gives `var`, or NULL. */
static char *planned_env(struct dfx_cred_plan *p, const char *var, bool *in_plan)
{
	const struct dfx_source *s;

	*in_plan = false;
	for (size_t i = 0; i < p->nenv; i++)
		if (!strcmp(p->env_names[i], var)) {
			*in_plan = true;
			return dfx_xstrdup(p->env_values[i]);
		}
	s = dfx_ws_read(p->ctx->ws, p->dotenv_path);
	return s ? dfx_cred_dotenv_get(s->data, s->len, var) : NULL;
}

int dfx_cred_to_dotenv(struct dfx_cred_plan *p, const struct dfx_compose_service *svc,
		       const struct dfx_compose_env *e, const char *value)
{
	char *var = upper_ident(e->name), *ref, *line;
	bool in_plan = false, have = false;

	if (p->failed) {
		free(var);
		return -1;
	}
	for (unsigned i = 1; i < 100; i++) {
		char *cur = planned_env(p, var, &in_plan);
		/* a name the file itself interpolates elsewhere would change meaning there */
		bool used = other_refs(p->c->root, var, NULL, false, e->node, 0);

		if (!used && (!cur || !strcmp(cur, value))) {
			have = cur != NULL;
			free(cur);
			break;
		}
		free(cur);
		free(var);
		if (i == 1) {
			char *both = dfx_xasprintf("%s_%s", svc->name, e->name);
			var = upper_ident(both);
			free(both);
		} else {
			char *both = dfx_xasprintf("%s_%s_%u", svc->name, e->name, i);
			var = upper_ident(both);
			free(both);
		}
	}
	line = dfx_cred_dotenv_line(var, value);
	if (!line) {
		free(var);
		return dfx_cred_plan_fail(p, "the value cannot be written to a .env file as it is");
	}
	ref = dfx_xasprintf("${%s:?set %s in .env}", var, var);
	if (dfx_cred_env_rewrite(p, e, NULL, ref) == 0) {
		if (!have) {
			if (p->nenv + 1 > p->ecap) {
				p->ecap = p->ecap ? p->ecap * 2 : 4;
				p->env_names = dfx_xrealloc(p->env_names, p->ecap * sizeof(*p->env_names));
				p->env_values = dfx_xrealloc(p->env_values, p->ecap * sizeof(*p->env_values));
			}
			p->env_names[p->nenv] = dfx_xstrdup(var);
			p->env_values[p->nenv++] = dfx_xstrdup(value);
		}
		dfx_cred_ignores_add(&p->ign, p->dotenv_path, false);
		dfx_buf_addf(&p->desc, "%s%s -> ${%s:?...} with %s in %s", p->desc.len ? "; " : "", e->name, var,
			     var, p->dotenv_path);
	}
	free(line);
	free(ref);
	free(var);
	(void)in_plan;
	return p->failed ? -1 : 0;
}

/* Does scalar text `s` use $NAME, ${NAME...}, $$NAME or $${NAME...}? */
static bool text_uses_var(const char *s, size_t n, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (s[i] != '$')
			continue;
		j = i + 1;
		if (j < n && s[j] == '$')
			j++;
		if (j < n && s[j] == '{')
			j++;
		if (j + nl <= n && !strncmp(s + j, name, nl) &&
		    (j + nl == n || !(isalnum((unsigned char)s[j + nl]) || s[j + nl] == '_')))
			return true;
	}
	return false;
}

static bool node_uses_var(const struct dfx_yaml_node *n, const char *name, unsigned depth)
{
	if (!n || depth > DFX_YAML_MAX_DEPTH)
		return false;
	n = dfx_yaml_resolve(n);
	if (!n)
		return false;
	if (n->type == DFX_YAML_SCALAR)
		return n->value && text_uses_var(n->value, n->vlen, name);
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == DFX_YAML_MAPPING) {
			if (node_uses_var(n->pairs[i].value, name, depth + 1))
				return true;
		} else if (n->type == DFX_YAML_SEQUENCE && node_uses_var(n->items[i], name, depth + 1)) {
			return true;
		}
	}
	return false;
}

bool dfx_cred_service_uses_var(const struct dfx_compose_service *svc, const char *name)
{
	const struct dfx_yaml_ref *refs[] = {&svc->command, &svc->entrypoint, &svc->healthcheck, &svc->labels};

	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (refs[i]->node && node_uses_var(refs[i]->node, name, 0))
			return true;
	for (size_t i = 0; i < svc->nenv; i++)
		if (svc->env[i].value && text_uses_var(svc->env[i].value, strlen(svc->env[i].value), name))
			return true;
	return false;
}

/* Images whose process reads a _FILE secret as a non-root user (compose-anchors.md 6). */
static const char *const nonroot_readers[] = {
	"wordpress", "nextcloud", "grafana", "grafana-oss", "grafana-enterprise", "minio", "elasticsearch",
	"phpmyadmin", "odoo", "yourls", "joomla", "redmine", NULL,
};

unsigned dfx_cred_secret_mode(const struct dfx_compose_service *svc, const char **reason)
{
	struct dfx_imageref ref;
	const char *u = svc->user.node ? dfx_yaml_str(svc->user.node) : NULL;
	unsigned mode = 0600;

	*reason = NULL;
	if (u && *u && strcmp(u, "root") && strcmp(u, "0") && !starts_with(u, "root:") && !starts_with(u, "0:")) {
		*reason = "the service sets `user:` to a non-root user";
		return 0644;
	}
	if (dfx_cred_image(svc, &ref)) {
		if (dfx_image_nonroot(&ref)) {
			*reason = "the image runs as a non-root user";
			mode = 0644;
		}
		for (size_t i = 0; mode == 0600 && nonroot_readers[i]; i++)
			if (ref.base && !strcmp(ref.base, nonroot_readers[i])) {
				*reason = "the image reads it as a non-root user";
				mode = 0644;
			}
		dfx_image_release(&ref);
	}
	return mode;
}

int dfx_cred_move(struct dfx_cred_plan *p, const struct dfx_cred_site *s, const char *value)
{
	const struct dfx_compose_env *e = s->env;
	char *filevar = NULL;
	bool file_route = true;
	unsigned mode = 0600;
	const char *reason = NULL;

	if (p->failed)
		return -1;
	if (!s->editable)
		return dfx_cred_plan_fail(p, "%s", s->no_edit);
	for (size_t i = 0; i < s->nsvcs && file_route; i++) {
		struct dfx_imageref ref;
		char *fv = NULL;
		const char *why = NULL;
		unsigned m;

		if (dfx_cred_image(s->svcs[i], &ref)) {
			fv = dfx_image_file_var(&ref, s->name);
			dfx_image_release(&ref);
		}
		if (!fv || (filevar && strcmp(fv, filevar)) || dfx_cred_service_uses_var(s->svcs[i], s->name) ||
		    s->svcs[i]->secrets_ref.from_anchor) {
			file_route = false;
			free(fv);
			break;
		}
		for (size_t k = 0; k < s->svcs[i]->nenv; k++)
			if (!strcmp(s->svcs[i]->env[k].name, fv))
				file_route = false;
		m = dfx_cred_secret_mode(s->svcs[i], &why);
		if (m > mode) {
			mode = m;
			reason = why;
		}
		if (!filevar)
			filevar = fv;
		else
			free(fv);
	}
	if (!file_route) {
		free(filevar);
		return dfx_cred_to_dotenv(p, s->svcs[0], e, value);
	}
	{
		char *name;
		const char *sec;
		char *target;

		if (p->share && p->share_name) {
			/* one secret for the whole group: the same new value */
			name = dfx_xstrdup(p->share_name);
			sec = name;
			if (mode > p->modes[p->share_file]) {
				p->modes[p->share_file] = mode;
				dfx_buf_addf(&p->notes, ". secrets/%s.txt is created mode 0644 because %s and must "
					     "read it (Compose mounts file secrets with the host file's mode)",
					     name, reason);
			}
			mode = 0;
		} else {
			name = dfx_cred_secret_name(p, s->svcs[0]->name, s->name);
			sec = dfx_cred_plan_secret(p, name, value, mode);
			if (sec && p->share) {
				free(p->share_name);
				p->share_name = dfx_xstrdup(name);
				p->share_file = p->nfiles - 1;
			}
		}
		target = dfx_xasprintf("/run/secrets/%s", name);

		for (size_t i = 0; sec && i < s->nsvcs; i++)
			dfx_cred_plan_grant(p, s->svcs[i], name);
		if (!p->failed)
			dfx_cred_env_rewrite(p, e, filevar, target);
		if (!p->failed && !mode) {
			dfx_buf_addf(&p->desc, "%s%s -> %s: %s (the same secret)", p->desc.len ? "; " : "", e->name,
				     filevar, target);
		} else if (!p->failed) {
			dfx_buf_addf(&p->desc, "%s%s -> %s: %s (Docker secret %s, file secrets/%s.txt%s)",
				     p->desc.len ? "; " : "", e->name, filevar, target, name, name,
				     mode == 0644 ? ", mode 0644" : "");
			if (mode == 0644)
				dfx_buf_addf(&p->notes, ". secrets/%s.txt is created mode 0644 because %s and must "
					     "read it (Compose mounts file secrets with the host file's mode)",
					     name, reason);
		}
		free(target);
		free(name);
	}
	free(filevar);
	return p->failed ? -1 : 0;
}

char *dfx_cred_ref_var(const char *v)
{
	const char *p = v, *s;

	while (*p == ' ')
		p++;
	if (*p++ != '$')
		return NULL;
	if (*p == '{')
		p++;
	s = p;
	if (!(isalpha((unsigned char)*p) || *p == '_'))
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return dfx_xstrndup(s, (size_t)(p - s));
}

int dfx_cred_default_to_dotenv(struct dfx_cred_plan *p, const struct dfx_cred_site *s)
{
	char *var = dfx_cred_ref_var(s->value), *ref, *cur;
	bool in_plan;

	if (p->failed)
		goto out;
	if (!var || !s->dflt) {
		dfx_cred_plan_fail(p, "the value is not a single ${VAR:-default} reference");
		goto out;
	}
	if (!s->editable) {
		dfx_cred_plan_fail(p, "%s", s->no_edit);
		goto out;
	}
	cur = planned_env(p, var, &in_plan);
	if (other_refs(p->c->root, var, s->value, cur && !strcmp(cur, s->dflt), s->env->node, 0)) {
		dfx_cred_plan_fail(p, "%s is also used elsewhere in the file with another default or none", var);
		free(cur);
		goto out;
	}
	if (!cur) {
		char *line = dfx_cred_dotenv_line(var, s->dflt);

		if (!line) {
			dfx_cred_plan_fail(p, "the default cannot be written to a .env file as it is");
			goto out;
		}
		free(line);
	}
	ref = dfx_xasprintf("${%s:?set %s in .env}", var, var);
	if (dfx_cred_env_rewrite(p, s->env, NULL, ref) == 0) {
		if (!cur) {
			if (p->nenv + 1 > p->ecap) {
				p->ecap = p->ecap ? p->ecap * 2 : 4;
				p->env_names = dfx_xrealloc(p->env_names, p->ecap * sizeof(*p->env_names));
				p->env_values = dfx_xrealloc(p->env_values, p->ecap * sizeof(*p->env_values));
			}
			p->env_names[p->nenv] = dfx_xstrdup(var);
			p->env_values[p->nenv++] = dfx_xstrdup(s->dflt);
			dfx_buf_addf(&p->desc, "%sthe default of %s moves to %s (%s=...), the value becomes ${%s:?...}",
				     p->desc.len ? "; " : "", s->name, p->dotenv_path, var, var);
		} else {
			dfx_buf_addf(&p->desc, "%sdrop the default of %s (%s already sets %s): ${%s:?...}",
				     p->desc.len ? "; " : "", s->name, p->dotenv_path, var, var);
		}
		dfx_cred_ignores_add(&p->ign, p->dotenv_path, false);
	}
	free(ref);
	free(cur);
out:
	free(var);
	return p->failed ? -1 : 0;
}

struct dfx_fix *dfx_cred_plan_fix(struct dfx_cred_plan *p, enum dfx_applicability a, const char *what)
{
	struct dfx_fix *fix;
	struct dfx_buf desc = DFX_BUF_INIT, ign = DFX_BUF_INIT;

	if (p->failed || (!p->ed.n && !p->top.n && !p->nfiles && !p->nenv))
		return NULL;
	fix = dfx_fix_new(a, "x");
	dfx_yaml_edits_to_fix(&p->ed, fix, p->cpath);
	dfx_yaml_edits_to_fix(&p->top, fix, p->cpath);
	for (size_t i = 0; i < p->npaths; i++)
		dfx_fix_path(fix, p->paths[i]);
	for (size_t i = 0; i < p->nfiles; i++)
		dfx_fix_create(fix, p->files[i], p->texts[i], DFX_EDIT_SECRET, p->modes[i]);
	if (p->nenv) {
		const struct dfx_source *s = dfx_ws_read(p->ctx->ws, p->dotenv_path);
		struct dfx_buf lines = DFX_BUF_INIT;

		for (size_t i = 0; i < p->nenv; i++) {
			char *line = dfx_cred_dotenv_line(p->env_names[i], p->env_values[i]);

			dfx_buf_addf(&lines, "%s\n", line);
			free(line);
		}
		if (s) {
			char *text = append_text(s, lines.ptr);

			dfx_fix_edit(fix, p->dotenv_path, (uint32_t)s->len, (uint32_t)s->len, text);
			fix->edits[fix->nedits - 1].flags |= DFX_EDIT_SECRET;
			free(text);
		} else {
			dfx_fix_create(fix, p->dotenv_path, lines.ptr, DFX_EDIT_SECRET, 0600);
		}
		dfx_buf_release(&lines);
	}
	dfx_cred_gitignore_fix(p->ctx->ws, fix, &p->ign, p->cdir, &ign);
	dfx_cred_dockerignore_fix(p->ctx->ws, fix, p->cpath, p->c, &p->ign);
	dfx_buf_addf(&desc, "%s%s%s", what, p->desc.len ? ": " : "", p->desc.len ? p->desc.ptr : "");
	if (ign.len)
		dfx_buf_addf(&desc, "; git-ignore %s", ign.ptr);
	free(fix->description);
	fix->description = dfx_buf_detach(&desc);
	dfx_buf_release(&ign);
	return fix;
}

void dfx_cred_combine(struct dfx_ctx *ctx, const size_t *idx, size_t n, struct dfx_fix *fix)
{
	struct dfx_finding *first;
	char *d;

	if (n < 2 || !fix) {
		dfx_fix_free(fix);
		return;
	}
	first = &ctx->out->v[idx[0]];
	for (size_t i = 1; i < n; i++)
		if (ctx->out->v[idx[i]].span.start < first->span.start)
			first = &ctx->out->v[idx[i]];
	d = dfx_xasprintf("%s (the %zu findings of %s in this file at once)", fix->description, n,
			  first->rule->code);
	free(fix->description);
	fix->description = d;
	fix->applicability = first->fix ? first->fix->applicability : fix->applicability;
	dfx_fix_free(first->fix);
	first->fix = fix;
}

/* ---------------------------------------------------------------- misc */

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Does text mention host `name` (`name:6379`, `//name`, `@name`, or is it exactly name)? */
static bool mentions_host(const char *v, const char *name)
{
	size_t nl = strlen(name);

	if (!strcmp(v, name))
		return true;
	for (const char *p = strstr(v, name); p; p = strstr(p + 1, name)) {
		char before = p > v ? p[-1] : ' ', after = p[nl];

		if (is_word(before) || is_word(after) || after == '.')
			continue;
		if (before == '/' || before == '@' || after == ':' || before == '=')
			return true;
	}
	return false;
}

static bool seq_or_map_has(const struct dfx_yaml_node *n, const char *name)
{
	n = dfx_yaml_resolve(n);
	if (!n)
		return false;
	if (n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < n->n; i++) {
			const char *s = dfx_yaml_str(dfx_yaml_resolve(n->items[i]));

			if (s && (!strcmp(s, name) || (starts_with(s, name) && s[strlen(name)] == ':')))
				return true;
		}
	} else if (n->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < n->n; i++)
			if (dfx_yaml_str_eq(n->pairs[i].key, name))
				return true;
	}
	return false;
}

char *dfx_cred_clients(struct dfx_compose *c, const struct dfx_compose_service *svc)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *o = &c->services[i];
		struct dfx_yaml_ref links;
		bool hit = false;

		if (o == svc)
			continue;
		if (o->depends_on.node && seq_or_map_has(o->depends_on.node, svc->name))
			hit = true;
		if (!hit && dfx_compose_service_get(c, o, "links", &links) == 1 && seq_or_map_has(links.node, svc->name))
			hit = true;
		for (size_t k = 0; !hit && k < o->nenv; k++)
			if (o->env[k].value && mentions_host(o->env[k].value, svc->name))
				hit = true;
		if (hit)
			dfx_buf_addf(&b, "%s%s", b.len ? ", " : "", o->name);
	}
	return dfx_buf_detach(&b);
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

bool dfx_cred_value_used(const struct dfx_compose *c, const char *v, const struct dfx_yaml_node *const *skip,
			 size_t nskip, const struct dfx_yaml_node **where)
{
	const struct dfx_yaml_node *hit;

	if (!v || !*v)
		return false;
	hit = find_use(c->root, v, skip, nskip, 0);
	if (where)
		*where = hit;
	return hit != NULL;
}
