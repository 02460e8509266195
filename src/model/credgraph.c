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

static bool host_var(const char *n)
{
	return ends_ci(n, "_HOST") || ends_ci(n, "HOSTNAME") || ends_ci(n, "_SERVER") || ends_ci(n, "_ADDR") ||
	       ends_ci(n, "DBHOST") || ends_ci(n, "_HOSTS");
}

static void add(struct dfx_credgraph *g, const struct dfx_compose_service *client,
		const struct dfx_compose_service *server, enum dfx_credlink_kind kind,
		const struct dfx_compose_env *via, bool password)
{
	DFX_GROW(g->v, g->n + 1, g->cap);
	g->v[g->n++] = (struct dfx_credlink){client, server, kind, via, password};
}

/* A link found, with its place in the graph's order: server, client, entry (nenv for DEPENDS). */
struct found {
	size_t s, k, i;
	struct dfx_credlink l;
};

static int cmp_found(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The services by name, for named(): indices into c->services. */
struct names {
	const struct dfx_compose *c;
	size_t *v, n;
};

/* The sort key of a service: its name and index. */
struct named_svc {
	const char *name;
	size_t index;
};

static int cmp_name(const void *a, const void *b)
{
	const struct named_svc *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_token(const char *name, const char *t, size_t len)
{
	int r = strncmp(name, t, len);

	return r ? r : name[len] ? 1 : 0;
}

/* The services named exactly t[0..len): indices [*lo, *hi) of n->v. */
static void named(const struct names *n, const char *t, size_t len, size_t *lo, size_t *hi)
{
	size_t a = 0, b = n->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (cmp_token(n->c->services[n->v[m]].name, t, len) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < n->n && cmp_token(n->c->services[n->v[a]].name, t, len) == 0)
		a++;
	*hi = a;
}

/* The host of a URL value (as url_to() reads it): its bytes and whether a password precedes it. */
static bool url_host(const char *v, const char **host, size_t *len, bool *password)
{
	const char *p = strstr(v, "://"), *auth, *at = NULL, *end, *h;

	if (!p)
		return false;
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	h = at ? at + 1 : auth;
	*host = h;
	*len = strcspn(h, ":/?#");
	if (h + *len > end)
		*len = (size_t)(end - h);
	*password = false;
	if (at) {
		const char *colon = memchr(auth, ':', (size_t)(at - auth));

		*password = colon && colon + 1 < at;
	}
	return true;
}

static void add_found(struct found **v, size_t *n, size_t *cap, size_t s, size_t k, size_t i,
		      struct dfx_credlink l)
{
	DFX_GROW(*v, *n + 1, *cap);
	(*v)[(*n)++] = (struct found){s, k, i, l};
}

/* Marks in `on` the services a depends_on or links node names (`svc`, `svc:alias`, mapping keys). */
static void mark_named(const struct names *n, const struct dfx_yaml_node *node, unsigned char *on)
{
	node = dfx_yaml_resolve(node);
	if (!node)
		return;
	for (size_t i = 0; i < node->n; i++) {
		const char *t = node->type == DFX_YAML_SEQUENCE ? dfx_yaml_str(dfx_yaml_resolve(node->items[i]))
			      : node->type == DFX_YAML_MAPPING ? dfx_yaml_str(dfx_yaml_resolve(node->pairs[i].key))
							       : NULL;
		size_t lo, hi, len;

		if (!t)
			continue;
		len = node->type == DFX_YAML_SEQUENCE ? strcspn(t, ":") : strlen(t);
		named(n, t, len, &lo, &hi);
		for (size_t x = lo; x < hi; x++)
			on[n->v[x]] = 1;
	}
}

/*
 * For each client, each entry's URL host and host-variable value is looked
 * up among the service names, and its depends_on and links are marked: the
 * cost is linear in the entries, not in services times services (a compose
 * file with hundreds of services is checked once per credential). The links
 * are then put in the order of the definition: by server, client, entry.
 */
void dfx_credgraph_build(const struct dfx_compose *c, struct dfx_credgraph *g)
{
	struct names nm = {c, NULL, 0};
	struct found *fv = NULL;
	size_t nf = 0, fcap = 0;
	unsigned char *hit = dfx_xcalloc(c->nservices + 1, 1), *dep = dfx_xcalloc(c->nservices + 1, 1);

	memset(g, 0, sizeof(*g));
	nm.v = dfx_xcalloc(c->nservices + 1, sizeof(*nm.v));
	{
		struct named_svc *ns = dfx_xcalloc(c->nservices + 1, sizeof(*ns));

		for (size_t s = 0; s < c->nservices; s++)
			if (c->services[s].name)
				ns[nm.n++] = (struct named_svc){c->services[s].name, s};
		if (nm.n > 1)
			dfx_qsort(ns, nm.n, sizeof(*ns), cmp_name);
		for (size_t i = 0; i < nm.n; i++)
			nm.v[i] = ns[i].index;
		free(ns);
	}
	for (size_t k = 0; k < c->nservices; k++) {
		const struct dfx_compose_service *cl = &c->services[k];
		bool cpw = dfx_credential_sets_password(cl);
		struct dfx_yaml_ref links;

		memset(hit, 0, c->nservices);
		memset(dep, 0, c->nservices);
		for (size_t i = 0; i < cl->nenv; i++) {
			const struct dfx_compose_env *e = &cl->env[i];
			const char *host;
			size_t len, lo, hi, ulo = 0, uhi = 0;
			bool pw = false;

			if (!e->value || !e->name)
				continue;
			if (url_host(e->value, &host, &len, &pw)) {
				named(&nm, host, len, &ulo, &uhi);
				for (size_t x = ulo; x < uhi; x++)
					if (nm.v[x] != k) {
						add_found(&fv, &nf, &fcap, nm.v[x], k, i,
							  (struct dfx_credlink){cl, &c->services[nm.v[x]], DFX_LINK_URL, e, pw});
						hit[nm.v[x]] = 1;
					}
			}
			if (!host_var(e->name))
				continue;
			named(&nm, e->value, strcspn(e->value, ":"), &lo, &hi);
			for (size_t x = lo; x < hi; x++)
				if (nm.v[x] != k && !(x >= ulo && x < uhi)) {
					add_found(&fv, &nf, &fcap, nm.v[x], k, i,
						  (struct dfx_credlink){cl, &c->services[nm.v[x]], DFX_LINK_HOST, e, cpw});
					hit[nm.v[x]] = 1;
				}
		}
		if (cl->depends_on.node)
			mark_named(&nm, cl->depends_on.node, dep);
		if (dfx_compose_service_get((struct dfx_compose *)c, cl, "links", &links) == 1)
			mark_named(&nm, links.node, dep);
		for (size_t s = 0; s < c->nservices; s++)
			if (dep[s] && !hit[s] && s != k && c->services[s].name)
				add_found(&fv, &nf, &fcap, s, k, cl->nenv,
					  (struct dfx_credlink){cl, &c->services[s], DFX_LINK_DEPENDS, NULL, cpw});
	}
	if (nf > 1)
		dfx_qsort(fv, nf, sizeof(*fv), cmp_found);
	for (size_t i = 0; i < nf; i++)
		add(g, fv[i].l.client, fv[i].l.server, fv[i].l.kind, fv[i].l.via, fv[i].l.password);
	free(fv);
	free(nm.v);
	free(hit);
	free(dep);
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
