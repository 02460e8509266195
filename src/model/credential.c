/*
 * credential.c - credential detection in compose files (see
 * dockfix/credential.h): credential-named `environment` entries ("sites"),
 * which of them hold a real, a weak or an inert value, which image owns a
 * password, and which services connect to a service.
 *
 * References: Compose Specification 05-services.md (environment, `<<`
 * merges, interpolation `$$`) and 12-interpolation.md; the official image
 * docs of postgres, mysql, mariadb, mongo, grafana, keycloak, influxdb,
 * pgadmin, mongo-express (their init/admin password variables); CWE-798,
 * CWE-521.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/credential.h"
#include "dockfix/secrets.h"
#include "tables.h"

/* ---------------------------------------------------------------- small helpers */

/* Lower-case identifier for secret names: [a-z0-9_], runs of others become one '_'. */
char *dfx_credential_ident(const char *s)
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

bool dfx_credential_image(const struct dfx_compose_service *svc, struct dfx_imageref *ref)
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
	if (!dfx_credential_image(svc, &ref))
		return false;
	if (dfx_db_image_kind(&ref)) {
		ok = true;
	} else {
		char *first = dfx_xstrndup(name, strcspn(name, "_"));
		char *low = dfx_credential_ident(first);

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

bool dfx_credential_password_name(const char *name)
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

bool dfx_credential_userish(const char *name)
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

static bool weak_listed(const char *v)
{
	for (size_t i = 0; i < dfx_tab_weak_passwords_n; i++)
		if (!strcasecmp(dfx_tab_weak_passwords[i], v))
			return true;
	return false;
}

/*
 * A value that describes what goes there: `email_sender_password`,
 * `db-secret-key`: three or more lower-case words joined by `_` or `-`
 * whose last word names a credential (`secret-key`, two words, is a
 * default a stack may really use).
 */
static bool descriptive(const char *v)
{
	static const char *const last[] = {"password", "passwd", "pass", "secret", "token", "key", "apikey", NULL};
	const char *w = v, *p;
	unsigned seps = 0;

	for (p = v; *p; p++) {
		if (*p == '_' || *p == '-') {
			if (p == w)
				return false;
			seps++;
			w = p + 1;
		} else if (!(*p >= 'a' && *p <= 'z')) {
			return false;
		}
	}
	if (seps < 2 || !*w)
		return false;
	for (size_t i = 0; last[i]; i++)
		if (!strcmp(w, last[i]))
			return true;
	return false;
}

static bool placeholder(const char *v)
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
 * A value that says it is no real secret (`email_sender_password`,
 * `development.unleash-insecure-api-token`): the stack runs with it as it
 * is, so it is a default anyone reading the file knows, not a secret to
 * move.
 */
static bool telltale(const char *v)
{
	return has_ci(v, "insecure") || descriptive(v);
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

/*
 * A word that switches the credential off (`API_KEY=${API_KEY:-invalid}`:
 * "invalid" is how the application is told that the API is off).
 */
static bool switch_off(const char *v)
{
	static const char *const words[] = {"invalid", "disabled", "disable", "off", "none", "no", "false",
					    "null", "nil", "unset", "empty", "-", NULL};

	for (size_t i = 0; words[i]; i++)
		if (!strcasecmp(v, words[i]))
			return true;
	return false;
}

/*
 * A list of names, not a secret: words of letters only joined by commas or
 * dots, three or more, or two that are both capitalised
 * (`EmailAuthBackend,GitHubAuthBackend`,
 * `django.contrib.auth.backends.ModelBackend`). Generated secrets mix in
 * digits or symbols.
 */
static bool name_list(const char *v)
{
	size_t words = 0, len = 0;
	bool upper = false, all_upper = true;

	for (const char *p = v;; p++) {
		if (isalpha((unsigned char)*p)) {
			len++;
			upper |= isupper((unsigned char)*p) != 0;
			continue;
		}
		if (*p == ' ' && len == 0)
			continue;
		if (*p && *p != ',' && *p != '.' && !(*p == ' ' && (p[1] == ',' || !p[1])))
			return false;
		if (*p == ' ')
			continue;
		if (len < 2)
			return false;
		words++;
		all_upper &= upper;
		len = 0;
		upper = false;
		if (!*p)
			break;
	}
	/* two lower-case words may be a documented default key (`argilla.apikey`) */
	return words >= 3 || (words == 2 && all_upper);
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
	if (weak_listed(v))
		return "a well-known default";
	if (placeholder(v) || descriptive(v))
		return "a placeholder";
	if (has_ci(v, "insecure"))
		return "a default that calls itself insecure";
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
	bool weak = dfx_weak_password(v, user) || placeholder(v) || telltale(v);

	if (!weak)
		return false;
	if (server)
		return true;
	if (!*v)
		return false;
	/* a secret-, credential- or key-named value the service checks, as a
	   password is (AWS_SECRET_ACCESS_KEY=secret-key, NEXTAUTH_SECRET=abc123) */
	if (dfx_credential_password_name(name) || strong_name(name))
		return true;
	return weak_listed(v) || placeholder(v) || telltale(v) || (user && !strcasecmp(v, user)) ||
	       (distinct_chars(v) < 4 && utf8_chars(v) >= 8);
}

void dfx_credential_sites_collect(struct dfx_compose *c, struct dfx_cred_sites *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *svc = &c->services[i];

		for (size_t j = 0; j < svc->nenv; j++) {
			const struct dfx_compose_env *e = &svc->env[j];
			struct dfx_cred_site *s = NULL;
			size_t cap;

			if (!e->name || !dfx_secret_name(e->name) || dfx_credential_userish(e->name))
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
		else if (s->literal && !s->server && !dfx_credential_password_name(s->name) &&
			 (switch_off(s->value) || name_list(s->value)))
			s->inert = true; /* API_KEY=invalid, ZULIP_AUTH_BACKENDS=EmailAuthBackend,... */
		else if (s->literal && !s->server && !dfx_credential_password_name(s->name) && s->value[0] &&
			 utf8_chars(s->value) < 6 && !weak_listed(s->value))
			s->inert = true; /* COOKIE_INSECURE=t, AUTH_MODE-like switches */
		else if (s->literal && !strong_name(s->name) && !s->server && keyword_value(s->value) &&
			 !weak_listed(s->value))
			s->inert = true; /* REGISTRY_AUTH=htpasswd, TOKEN_TTL=3600 */
		else if (s->literal && !s->server && !dfx_credential_password_name(s->name) && placeholder(s->value) &&
			 !weak_listed(s->value))
			s->inert = true; /* API_KEY: your-api-key-here (not a secret yet; `changeme` is a default) */
		else if (s->literal && weak_for(s->name, s->value, user, s->server)) {
			s->weak = true;
			s->why_weak = weak_reason(s->value, user);
		}
		if (s->dflt && (dfx_value_is_inert(s->dflt) || path_value(s->dflt) || !strncmp(s->dflt, "file://", 7) ||
				(!dfx_credential_password_name(s->name) && utf8_chars(s->dflt) < 6 &&
				 !weak_listed(s->dflt)) ||
				(!dfx_credential_password_name(s->name) && !s->server && placeholder(s->dflt) &&
				 !weak_listed(s->dflt)) ||
				(!strong_name(s->name) && keyword_value(s->dflt) && !weak_listed(s->dflt)) ||
				(!dfx_credential_password_name(s->name) && (switch_off(s->dflt) || name_list(s->dflt))))) {
			free(s->dflt);
			s->dflt = NULL;
		} else if (s->dflt) {
			s->dflt_weak = weak_for(s->name, s->dflt, user, s->server);
		}
	}
}

void dfx_credential_sites_release(struct dfx_cred_sites *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].value);
		free(s->v[i].dflt);
		free(s->v[i].svcs);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct dfx_span dfx_credential_site_span(const struct dfx_cred_site *s)
{
	const struct dfx_compose_env *e = s->env;

	if (!e->list_form && e->key)
		return e->key->span;
	return e->node ? e->node->span : e->name_span;
}

struct dfx_span dfx_credential_value_span(const struct dfx_cred_site *s)
{
	const struct dfx_compose_env *e = s->env;

	if (e->list_form && !e->span_exact)
		return e->node->inner;
	return e->value_span;
}


char *dfx_credential_site_services(const struct dfx_cred_site *s)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; i < s->nsvcs; i++)
		dfx_buf_addf(&b, "%s%s", i ? ", " : "", s->svcs[i]->name);
	return dfx_buf_detach(&b);
}

/* ---------------------------------------------------------------- clients */

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

bool dfx_credential_names(const struct dfx_yaml_node *n, const char *name)
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

bool dfx_credential_sets_password(const struct dfx_compose_service *svc)
{
	for (size_t i = 0; i < svc->nenv; i++)
		if (svc->env[i].name && dfx_credential_password_name(svc->env[i].name))
			return true;
	return false;
}

bool dfx_credential_connects(struct dfx_compose *c, const struct dfx_compose_service *o, const char *name)
{
	struct dfx_yaml_ref links;

	if (o->depends_on.node && dfx_credential_names(o->depends_on.node, name))
		return true;
	if (dfx_compose_service_get(c, o, "links", &links) == 1 && dfx_credential_names(links.node, name))
		return true;
	for (size_t k = 0; k < o->nenv; k++)
		if (o->env[k].value && mentions_host(o->env[k].value, name))
			return true;
	return false;
}

char *dfx_credential_clients(struct dfx_compose *c, const struct dfx_compose_service *svc)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *o = &c->services[i];

		if (o != svc && dfx_credential_connects(c, o, svc->name))
			dfx_buf_addf(&b, "%s%s", b.len ? ", " : "", o->name);
	}
	return dfx_buf_detach(&b);
}

char *dfx_credential_ref_var(const char *v)
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
