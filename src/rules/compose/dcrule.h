/*
 * dcrule.h - helpers private to the Docker Compose rules in
 * src/rules/compose/dc*.c: where to report a service key (also when it came
 * through `<<: *anchor`), fixes that delete or edit entries and declare the
 * YAML paths they change (an edit inside an anchor changes every service
 * that uses it, so it is declined when one of them opted out), the image of
 * a service (override files look at their base file), published-port
 * exposure, and the security options that disable a confinement layer.
 *
 * References: the Compose Specification, compose-spec/compose-spec
 * 05-services.md, 10-fragments.md and 13-merge.md.
 */
#ifndef DOCKFIX_DCRULE_H
#define DOCKFIX_DCRULE_H

#include "dockfix/rule.h"
#include "dockfix/compose.h"

/*
 * Where to report a key of a service: `key: value` where it is written.
 * When it came through a merge key or an alias that is the anchor, so the
 * services that merge it share one finding (merged by the driver, naming
 * each of them).
 */
struct dfx_span dfx_dc_ref_span(struct dfx_compose *c, const struct dfx_yaml_ref *ref);
/*
 * The service's own place for a key that came through a merge key or an
 * alias: the start of its `<<: *anchor` entry (or the alias), where a
 * suppression comment opts that service out; DFX_NO_SITE for a key written
 * in the service.
 */
uint32_t dfx_dc_ref_site(struct dfx_compose *c, const struct dfx_yaml_ref *ref);
/*
 * dfx_emit() at `where` for a value of `ref` (NULL: none): also suppressed
 * by a comment at the service's `<<: *anchor` entry when it came through one.
 */
struct dfx_finding *dfx_dc_emit(struct dfx_ctx *ctx, const struct dfx_yaml_ref *ref, struct dfx_span where,
				const char *fmt, ...) DFX_PRINTF(4, 5);
/* Whether dfx_dc_emit(ctx, ref, where, ...) would be suppressed. */
bool dfx_dc_suppressed(struct dfx_ctx *ctx, const struct dfx_yaml_ref *ref, struct dfx_span where);
/* The anchor name of the first anchored ancestor of n (n itself included), or NULL. */
const char *dfx_dc_anchor_of(const struct dfx_yaml_node *n);

/*
 * Whether a fix on node n may be offered: n is not inside an anchored
 * subtree, or it is and no alias that brings it into a service sits where
 * the running rule is suppressed (an edit in an anchor changes every service that
 * uses it, and one of them may have opted out). On false, *why says why.
 */
bool dfx_dc_fix_allowed(struct dfx_ctx *ctx, const struct dfx_yaml_node *n, const char **why);

/*
 * Turn edits into a fix attached to finding f with the YAML path declared.
 * When ed->n == 0 (a helper declined) the finding gets a hint instead:
 * `hint` if not NULL, else the helper's reason.
 */
void dfx_dc_attach(struct dfx_ctx *ctx, struct dfx_finding *f, enum dfx_applicability a,
		   struct dfx_yaml_edits *ed, const char *path, const char *hint, const char *fmt, ...)
	DFX_PRINTF(7, 8);

/*
 * Attach to f an unsafe fix that deletes the entry holding n (when
 * dfx_dc_fix_allowed; a one-item list that is a mapping value goes with its
 * key, so `cap_add: [X]` disappears rather than leaving `cap_add: []`; an
 * entry that defines an anchor aliases may use is kept), or a hint when that
 * is not possible. The description is `what`, then " in the anchor `&x`"
 * when the entry is in an anchor, then " (extra)" when extra is not NULL.
 */
void dfx_dc_fix_remove(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_yaml_node *n,
		       const char *what, const char *extra, const char *hint);
/*
 * The host path (`/`, `/proc`, `/sys`, `/run`, `/var/run`, `/var/lib/docker`)
 * a service bind-mounts to watch the host, or NULL. Such a service is a host
 * agent (node-exporter, cAdvisor, netdata): it needs the host's network and
 * PID namespaces for what it reports, so removing them is no fix.
 */
const char *dfx_dc_observes_host(const struct dfx_compose_service *s);
/* ", from the anchor `&x`" when ref came through a merge or alias, else "". Caller frees. */
char *dfx_dc_ref_note(const struct dfx_yaml_ref *ref);
/* The same, written " (from the anchor `&x`)". Caller frees. */
char *dfx_dc_paren_note(const struct dfx_yaml_ref *ref);

/*
 * The image of a service: its own `image:`; for a service without image
 * and build, the image of the service it extends in another file
 * (`extends: {file:, service:}`, followed through further bases), or that
 * of the same service in the base compose file (compose.yaml,
 * docker-compose.yml, ...) of the same directory (an override file's
 * fragment), when that file is part of the run. NULL when none.
 */
const char *dfx_dc_service_image(struct dfx_ctx *ctx, const struct dfx_compose_service *s);
/*
 * When the checked file is a default base file (compose.yaml,
 * docker-compose.yml, ...): the service of the same name in the default
 * override file beside it (compose.override.yaml, ...), which Compose
 * merges into it, when that file is part of the run. NULL otherwise.
 */
const struct dfx_compose_service *dfx_dc_override_service(struct dfx_ctx *ctx, const struct dfx_compose_service *s);
/* How widely a published port is bound on the host. */
enum dfx_dc_exposure {
	DFX_DC_BOUND = 0,   /* a specific address (127.0.0.1, ::1, 10.0.0.5) or a variable without
			       an all-interfaces default */
	DFX_DC_ALL,         /* no address, 0.0.0.0, ::, [::] */
	DFX_DC_ALL_BY_VAR,  /* `${VAR:-0.0.0.0}` or `${VAR:-}`: all interfaces unless VAR is set */
};

/* Exposure of a parsed port (short or long syntax). */
enum dfx_dc_exposure dfx_dc_port_exposure(const struct dfx_compose_port *p);
/*
 * Whether a published port belongs to a database, cache or broker: by the
 * service's image (*kind = "postgres", *by_image = true) or by the
 * container port (*kind = "PostgreSQL", the table's service name; ports
 * that web applications share, such as 8123 and 7474, count only with a
 * database image). NULL kind: not a database port.
 */
bool dfx_dc_port_db(struct dfx_ctx *ctx, const struct dfx_compose_service *s,
		    const struct dfx_compose_port *p, const char **kind, bool *by_image, unsigned *port);
/*
 * Exposure of a port, also looking into a short spec's variable defaults:
 * `"${SQL_PORT:-127.0.0.1:13306}:3306"` is DFX_DC_BOUND (binds 127.0.0.1
 * unless SQL_PORT is set), `"${IP:-0.0.0.0}:5432:5432"` DFX_DC_ALL_BY_VAR.
 */
enum dfx_dc_exposure dfx_dc_port_exposure_defaults(const struct dfx_compose_port *p);
/*
 * Attach to f the fix that binds published port p to 127.0.0.1: in the
 * scalar with its quoting kept (`"5432"` -> `"127.0.0.1::5432"`,
 * `"5432:5432"` -> `"127.0.0.1:5432:5432"`, an address replaced), or by
 * adding / replacing `host_ip` in long syntax. The description is "bind it
 * to 127.0.0.1[ in the anchor `&x`] (INSTEAD)"; `hint` is what to do by hand
 * when the edit cannot be made. When dfx_dc_fix_allowed() refuses, f gets
 * its reason as the hint instead.
 */
void dfx_dc_fix_loopback(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_compose_port *p,
			 enum dfx_applicability a, const char *hint, const char *instead);
/* The port as written, for messages ("5432:5432", "target: 5432, published: 5432"). Caller frees. */
char *dfx_dc_port_text(const struct dfx_compose_port *p);

/*
 * What a `security_opt` entry turns off ("the seccomp system-call filter"
 * for `seccomp:unconfined` / `seccomp=unconfined`, AppArmor, SELinux
 * labels, /proc masking), or NULL (DC303).
 */
const char *dfx_dc_security_opt_disables(const char *opt);

/*
 * Reachability (README "Severity"): a finding whose harm needs network
 * access to `s` (a default password, authentication off, redis without a
 * password) keeps the rule's severity when any of the services is
 * exposed (dfx_compose_service_exposed: a port published beyond
 * loopback, or the host network) and becomes high otherwise, with the
 * reason appended to the message. `f` may be NULL.
 */
void dfx_dc_reach_severity(struct dfx_ctx *ctx, struct dfx_finding *f,
			   const struct dfx_compose_service *const *svcs, size_t nsvcs);

/*
 * The host path of a bind mount as Compose mounts it
 * (dfx_compose_volume_host_path), variables of the source replaced by the
 * values the `.env` beside the compose file gives them, else by their
 * defaults (`${DOCKER_SOCKET_LOCATION:-/var/run/docker.sock}`). NULL when
 * not a host path or a variable has neither. Caller frees.
 */
char *dfx_dc_volume_host_path(struct dfx_ctx *ctx, const struct dfx_compose_volume *v);
/* A value with the .env's values and then the defaults applied (`$$` -> `$`); NULL when a
   variable has neither (its value is unknown). Caller frees. */
char *dfx_dc_expand(struct dfx_ctx *ctx, const char *value);
/* Whether the .env beside the checked file sets a variable of the value; *all (may be NULL):
   it sets every one. */
bool dfx_dc_env_sets(struct dfx_ctx *ctx, const char *value, bool *all);

/* ASCII case-insensitive prefix test. */
bool dfx_dc_prefix_nocase(const char *s, const char *prefix);

/*
 * Whether password `v` is used elsewhere in the file than the nodes in
 * `skip` (keys or list items of the entries that hold it): a scalar equal to
 * it under a credential-named key, or one holding it where a password goes
 * (`user:v@` in a URL, `PASSWORD=v`, `-pv`, `--password v` in a healthcheck
 * or command line). *where (may be NULL) is the first such scalar.
 */
bool dfx_dc_value_used(const struct dfx_compose *c, const char *v, const struct dfx_yaml_node *const *skip,
		       size_t nskip, const struct dfx_yaml_node **where);
/* The service whose definition holds node n, or NULL. */
const struct dfx_compose_service *dfx_dc_service_of(const struct dfx_compose *c, const struct dfx_yaml_node *n);

/*
 * The other compose files of the run that Compose runs in one project with
 * the checked file: the default override pair (compose.yaml with
 * compose.override.yaml), the files it includes and the files that include
 * it; with `extends`, also the files one of its services extends and the
 * files whose services extend one of its. Each becomes a file the checked
 * file's findings depend on. *out (caller frees the array) lists them.
 */
size_t dfx_dc_project_files(struct dfx_ctx *ctx, bool extends, struct dfx_wsfile ***out);
/*
 * The services that connect to svc (depends_on, links, a URL or *_HOST
 * naming it): those of the checked file by name, then those of the
 * project's other files as `name (path)`, comma-separated. Caller frees.
 */
char *dfx_dc_clients(struct dfx_ctx *ctx, const struct dfx_compose_service *svc);
/*
 * Where another file of the project (extends included) uses password
 * `value`: in the .env beside it, or as dfx_dc_value_used() finds it; a
 * sentence naming the place (line, file, service), or NULL. Caller frees.
 */
char *dfx_dc_value_elsewhere(struct dfx_ctx *ctx, const char *value);
/* A path a compose file names that dockfix may read: relative, no variable, no URL. */
bool dfx_dc_local_path(const char *p);
/*
 * Where the .env beside compose file `path` (model c), or the env_file of
 * one of its services, holds password `value` (as a value or inside a
 * URL): a sentence naming the variable and the file (with `other`, also
 * the compose file that reads it), or NULL. Caller frees.
 */
char *dfx_dc_env_holding(struct dfx_ctx *ctx, const struct dfx_compose *c, const char *path, const char *value,
			 bool other);

#endif
