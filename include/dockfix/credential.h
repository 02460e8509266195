/*
 * credential.h - credentials in compose files: the credential-named
 * `environment` entries of a file ("sites"), what their values are (a real
 * secret, a weak or default password, an inert switch word, a path or a
 * placeholder), which image owns a password, and which services are a
 * service's clients.
 *
 * References: Compose Specification 05-services.md (environment, `<<`
 * merges, `$$`), 12-interpolation.md; the official image docs of the
 * databases and admin UIs whose init password variables are listed in
 * src/model/data; CWE-798, CWE-521.
 */
#ifndef DOCKFIX_CREDENTIAL_H
#define DOCKFIX_CREDENTIAL_H

#include "dockfix/compose.h"
#include "dockfix/image.h"

/*
 * One place in the file that sets a credential-named variable: a mapping
 * pair or a list item of a service's `environment`. A pair that comes
 * through a `<<` merge or an alias is one site, used by several services.
 */
struct dfx_cred_site {
	const struct dfx_compose_env *env;          /* as seen by the first service */
	const struct dfx_compose_service **svcs;    /* services that get it (file order) */
	size_t nsvcs;
	const char *name;
	char *value;          /* what the container gets: `$$` -> `$`; NULL when unset */
	bool literal;         /* a plain value, no interpolation */
	bool server;          /* an init/admin password the image itself sets up */
	bool weak;            /* literal and weak (dfx_weak_password with the user) */
	const char *why_weak; /* "empty", "the same as the user name", ... */
	bool inert;           /* not a secret: a switch word, path, keyword, placeholder */
	char *dflt;           /* `${X:-dflt}`: a default that may be a secret, else NULL */
	bool dflt_weak;       /* ... and it is weak */
	bool editable;        /* the value can be rewritten in place */
	const char *no_edit;  /* why not, when !editable */
};

struct dfx_cred_sites {
	struct dfx_cred_site *v;
	size_t n, cap;
};

/* Every credential-named environment entry of the file (dfx_secret_name). */
void dfx_credential_sites_collect(struct dfx_compose *c, struct dfx_cred_sites *out);
void dfx_credential_sites_release(struct dfx_cred_sites *s);
/* Where a finding about a site points: the name (map key or list item). */
struct dfx_span dfx_credential_site_span(const struct dfx_cred_site *s);
/* The bytes of the value in the file (for f->secret). */
struct dfx_span dfx_credential_value_span(const struct dfx_cred_site *s);
/* "db" or "db, app" (caller frees). */
char *dfx_credential_site_services(const struct dfx_cred_site *s);

/* Name says password (pass, pwd, ...). */
bool dfx_credential_password_name(const char *name);
/* A user-name variable that looks like a credential name (MINIO_ACCESS_KEY, *_KEY_ID, *_USER). */
bool dfx_credential_userish(const char *name);
/* Lower-case identifier [a-z0-9_] for secret names, "secret" when empty (caller frees). */
char *dfx_credential_ident(const char *s);
/* The variable of a `${VAR...}` / `$VAR` reference (caller frees), or NULL. */
char *dfx_credential_ref_var(const char *v);

/* The image reference of a service parsed (false when none or unresolved). */
bool dfx_credential_image(const struct dfx_compose_service *svc, struct dfx_imageref *ref);
/* Services that name `svc` in depends_on, links, or a host/URL value (caller frees; NULL when none). */
char *dfx_credential_clients(struct dfx_compose *c, const struct dfx_compose_service *svc);
/* Whether service o of c connects to the service called `name` (depends_on, links, or a
   host-named value: URL host, *_HOST), which may be defined in another file of the project. */
bool dfx_credential_connects(struct dfx_compose *c, const struct dfx_compose_service *o, const char *name);
/* Whether a client sets a password-named variable (the DB_PASSWORD beside DB_HOST; a client
   with one for another server is given the benefit of the doubt). */
bool dfx_credential_sets_password(const struct dfx_compose_service *svc);

/* Whether a `depends_on`/`links` list (items `name` or `name:alias`) or
   mapping names service `name`. */
bool dfx_credential_names(const struct dfx_yaml_node *n, const char *name);

#endif
