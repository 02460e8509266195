/*
 * credgraph.h - the credential graph of a compose file: which services
 * connect to which other service (a database, cache or broker), through
 * which value, and whether they send a password with it. A client reaches
 * a server by a URL naming it (`postgres://user:pass@db:5432/app`), by a
 * `*_HOST` variable naming it (with the `*_PASSWORD` beside it), or only by
 * `depends_on` / `links`.
 *
 * References: Compose Specification 05-services.md (environment,
 * depends_on, links; services reach each other by service name on the
 * default network); RFC 3986 (userinfo in URLs).
 */
#ifndef DOCKFIX_CREDGRAPH_H
#define DOCKFIX_CREDGRAPH_H

#include "dockfix/compose.h"

enum dfx_credlink_kind {
	DFX_LINK_URL,     /* an environment value is a URL whose host is the server */
	DFX_LINK_HOST,    /* an environment variable *_HOST (or _SERVER, _ADDR) names the server */
	DFX_LINK_DEPENDS, /* only depends_on or links */
};

struct dfx_credlink {
	const struct dfx_compose_service *client, *server;
	enum dfx_credlink_kind kind;
	const struct dfx_compose_env *via; /* the entry (URL or host variable), NULL for DEPENDS */
	bool password;  /* the link carries a password: in the URL, or a password variable of the
			   client (the *_PASSWORD beside *_HOST, or any password-named one) */
};

struct dfx_credgraph {
	struct dfx_credlink *v;
	size_t n, cap;
};

/* Every link between two services of the file (one per client, server and via). */
void dfx_credgraph_build(const struct dfx_compose *c, struct dfx_credgraph *g);
void dfx_credgraph_release(struct dfx_credgraph *g);
/*
 * The first client of `server` that connects without sending a password
 * of its own (it relies on a built-in default or has none), or NULL.
 * Clients in `skip` (n of them) are left out.
 */
const struct dfx_credlink *dfx_credgraph_passwordless(const struct dfx_credgraph *g,
						      const struct dfx_compose_service *server,
						      const struct dfx_compose_service *const *skip, size_t n);

#endif
