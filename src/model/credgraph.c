/*
 * credgraph.c - the credential graph of a compose file (see
 * dockfix/credgraph.h): links from client services to the servers they
 * connect to, through URLs, host variables or depends_on/links, and
 * whether each link carries a password.
 *
 * References: Compose Specification 05-services.md (environment,
 * depends_on, links, service names as host names); RFC 3986 section 3.2
 * (authority: userinfo@host:port).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/credential.h"
#include "dockfix/credgraph.h"

static bool ends_ci(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

/*
 * The host of a URL value (`scheme://[userinfo@]host[:port][/...]`) equals
 * `name`; *password tells whether the userinfo holds a non-empty password.
 */
static bool url_to(const char *v, const char *name, bool *password)
{
	const char *p = strstr(v, "://"), *auth, *at, *host, *end;
	size_t nl = strlen(name);

	if (!p)
		return false;
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(end - auth));
	/* the last '@' of the authority ends the userinfo */
	for (const char *q = at; q && q < end; q = memchr(q + 1, '@', (size_t)(end - q - 1)))
		at = q;
	host = at ? at + 1 : auth;
	if ((size_t)(end - host) < nl || strncmp(host, name, nl) || (host[nl] != ':' && host + nl != end))
		return false;
	*password = false;
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));

		*password = colon && colon + 1 < at;
	}
	return true;
}

/* A host variable's value names `name` (`db`, `db:5432`). */
static bool host_is(const char *v, const char *name)
{
	size_t nl = strlen(name);

	return !strncmp(v, name, nl) && (v[nl] == '\0' || v[nl] == ':');
}

static bool host_var(const char *n)
{
	return ends_ci(n, "_HOST") || ends_ci(n, "HOSTNAME") || ends_ci(n, "_SERVER") || ends_ci(n, "_ADDR") ||
	       ends_ci(n, "DBHOST") || ends_ci(n, "_HOSTS");
}

/* Whether the client sets a password-named variable (the DB_PASSWORD beside DB_HOST; a client
   with one for another server is given the benefit of the doubt). */
static bool client_password(const struct dfx_compose_service *svc)
{
	for (size_t i = 0; i < svc->nenv; i++)
		if (svc->env[i].name && dfx_credential_password_name(svc->env[i].name))
			return true;
	return false;
}

static bool names(const struct dfx_yaml_node *n, const char *name)
{
	n = dfx_yaml_resolve(n);
	if (!n)
		return false;
	if (n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < n->n; i++) {
			const char *s = dfx_yaml_str(dfx_yaml_resolve(n->items[i]));
			size_t nl = strlen(name);

			if (s && !strncmp(s, name, nl) && (s[nl] == '\0' || s[nl] == ':'))
				return true;
		}
	} else if (n->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < n->n; i++)
			if (dfx_yaml_str_eq(n->pairs[i].key, name))
				return true;
	}
	return false;
}

static void add(struct dfx_credgraph *g, const struct dfx_compose_service *client,
		const struct dfx_compose_service *server, enum dfx_credlink_kind kind,
		const struct dfx_compose_env *via, bool password)
{
	DFX_GROW(g->v, g->n + 1, g->cap);
	g->v[g->n++] = (struct dfx_credlink){client, server, kind, via, password};
}

void dfx_credgraph_build(const struct dfx_compose *c, struct dfx_credgraph *g)
{
	memset(g, 0, sizeof(*g));
	for (size_t s = 0; s < c->nservices; s++) {
		const struct dfx_compose_service *srv = &c->services[s];

		for (size_t k = 0; k < c->nservices; k++) {
			const struct dfx_compose_service *cl = &c->services[k];
			size_t before = g->n;
			struct dfx_yaml_ref links;

			if (cl == srv || !srv->name)
				continue;
			for (size_t i = 0; i < cl->nenv; i++) {
				const struct dfx_compose_env *e = &cl->env[i];
				bool pw = false;

				if (!e->value || !e->name)
					continue;
				if (url_to(e->value, srv->name, &pw))
					add(g, cl, srv, DFX_LINK_URL, e, pw);
				else if (host_var(e->name) && host_is(e->value, srv->name))
					add(g, cl, srv, DFX_LINK_HOST, e, client_password(cl));
			}
			if (g->n == before &&
			    ((cl->depends_on.node && names(cl->depends_on.node, srv->name)) ||
			     (dfx_compose_service_get((struct dfx_compose *)c, cl, "links", &links) == 1 &&
			      names(links.node, srv->name))))
				add(g, cl, srv, DFX_LINK_DEPENDS, NULL, client_password(cl));
		}
	}
}

void dfx_credgraph_release(struct dfx_credgraph *g)
{
	free(g->v);
	memset(g, 0, sizeof(*g));
}

const struct dfx_credlink *dfx_credgraph_passwordless(const struct dfx_credgraph *g,
						      const struct dfx_compose_service *server,
						      const struct dfx_compose_service *const *skip, size_t n)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct dfx_credlink *l = &g->v[i];
		bool skipped = false;

		if (l->server != server || l->password)
			continue;
		for (size_t k = 0; k < n && !skipped; k++)
			skipped = skip[k] == l->client;
		/* a URL or host link without a password next to one with: the client has one */
		for (size_t k = 0; k < g->n && !skipped; k++)
			skipped = g->v[k].server == server && g->v[k].client == l->client && g->v[k].password;
		if (!skipped)
			return l;
	}
	return NULL;
}
