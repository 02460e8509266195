/*
 * compose.h - the Docker Compose model: services and top-level elements read
 * from the YAML span tree, every value keeping its node (for spans and edits).
 *
 * Follows the Compose Specification (compose-spec/compose-spec, 05-services.md
 * and friends) and the parsers Docker Compose uses (compose-go: ports via
 * go-connections nat.ParsePortSpecs, short volumes via loader.ParseVolume).
 * compose.c builds the model, compose_syntax.c reads the value syntaxes,
 * compose_edit.c holds the compose-level edits.
 *
 * Using it from a rule
 * --------------------
 *   struct dfx_compose *c = ctx->file->compose;
 *   const struct dfx_compose_service *s;
 *
 *   DFX_EACH_SERVICE(c, s) {                    // rule.h
 *       // a key of the service, merges (`<<: *x`) applied: a struct dfx_yaml_ref
 *       // (key == NULL when absent; node = the value, aliases resolved)
 *       if (dfx_yaml_is_true(s->privileged.node)) {
 *           struct dfx_span where = s->privileged.key->span;   // report here
 *           struct dfx_fix *fix = dfx_fix_new(DFX_FIX_UNSAFE, "remove privileged");
 *           struct dfx_yaml_edits ed;
 *           struct dfx_buf path = DFX_BUF_INIT;
 *
 *           dfx_yaml_edits_init(&ed);
 *           if (!s->privileged.from_anchor &&       // else: it edits the anchor
 *               dfx_yaml_edit_delete(c->yaml, s->privileged.key, &ed) == 0) {
 *               dfx_yaml_edits_to_fix(&ed, fix, ctx->file->path);
 *               dfx_yaml_node_path(s->privileged.key, &path);  // "/services/x/privileged"
 *               dfx_fix_path(fix, path.ptr);         // what the verifier lets change
 *           }                                        // (ed.why says why a helper declined)
 *           dfx_yaml_edits_release(&ed);
 *           dfx_buf_release(&path);
 *           ...
 *       }
 *       for (size_t j = 0; j < s->nports; j++)     // parsed ports, env, volumes...
 *           if (dfx_compose_port_all_interfaces(&s->ports[j])) ...
 *   }
 *
 * Inserted values are YAML text re-emitted in the file's own layout, e.g.
 * dfx_yaml_edit_map_insert(c->yaml, s->node, "security_opt",
 * "- no-new-privileges:true", &ed); see yamltree.h for every edit helper,
 * and the compose-level edits below (secrets, volumes).
 * Any other key: dfx_compose_service_get(c, s, "sysctls", &ref); sequences:
 * dfx_yaml_seq_len(ref.node) / dfx_yaml_seq_item(ref.node, i). Spans are byte
 * offsets into c->src->data; dfx_compose_suppressed() tells whether a
 * `# dockfix ignore=CODE` comment covers an offset (the rule driver asks it).
 * Everything is owned by the model and freed by dfx_compose_free().
 */
#ifndef DOCKFIX_COMPOSE_H
#define DOCKFIX_COMPOSE_H

#include "dockfix/core.h"
#include "dockfix/pragma.h"
#include "dockfix/yamltree.h"

/* A published port: short syntax "[IP:][HOST:]CONTAINER[/PROTO]" or a long-syntax mapping. */
struct dfx_compose_port {
	const struct dfx_yaml_node *item; /* the sequence item as written (may be an alias) */
	const struct dfx_yaml_node *node; /* the item, alias resolved: scalar or mapping */
	bool long_syntax;
	bool valid;             /* short syntax parsed (long syntax: has a target) */
	bool interpolated;      /* holds ${VAR} / $VAR: fields may be variables */
	bool from_anchor;
	bool by_env;            /* the fields below hold values the .env sets (dfx_compose_use_env):
				   the text as written is not what they say */
	char *env_spec;         /* by_env: the short spec with the .env's values, else NULL */
	const char *host_ip;    /* brackets removed; NULL when none is given */
	const char *published;  /* host port or range; NULL when none ("80", "127.0.0.1::80") */
	const char *target;     /* container port or range */
	const char *protocol;   /* NULL when none is given (tcp) */
	const char *mode;       /* long syntax: host / ingress */
	unsigned published_lo, published_hi; /* 0 when absent or not a number */
	unsigned target_lo, target_hi;
	/* long syntax: the entries, to edit (key NULL when absent) */
	struct dfx_yaml_ref host_ip_ref, published_ref, target_ref, protocol_ref;
	char *storage;          /* owns the short-syntax strings */
};

/*
 * Parse a short-syntax port spec as compose-go does (split on ':', the last
 * part is CONTAINER[/PROTO], the one before the host port, the rest the IP;
 * bracketed or bare IPv6; ${...} kept whole). Returns 0 (p->valid) or -1.
 * Release with dfx_compose_port_release().
 */
int dfx_compose_port_parse(const char *spec, struct dfx_compose_port *p);
void dfx_compose_port_release(struct dfx_compose_port *p);
/* "N" or "N-M" with ports 0..65535 (lo <= hi): fills *lo and *hi; false for anything else. */
bool dfx_compose_port_range(const char *s, unsigned *lo, unsigned *hi);
/* Published on every interface: no host IP, 0.0.0.0, :: or [::] (and not a variable). */
bool dfx_compose_port_all_interfaces(const struct dfx_compose_port *p);

/* One environment variable (also used for build args). */
struct dfx_compose_env {
	const char *name;
	const char *value;       /* NULL when unset: `KEY:`, `KEY: null`, list `- KEY` */
	bool list_form;          /* `- KEY=VALUE` */
	bool from_anchor;        /* came through a `<<` merge or an alias */
	const struct dfx_yaml_node *via;  /* the alias it came through */
	const struct dfx_yaml_node *key;  /* map form: the key node */
	const struct dfx_yaml_node *node; /* map form: the value (resolved; may be an empty scalar);
					     list form: the item scalar */
	struct dfx_span name_span;  /* the name as written */
	struct dfx_span value_span; /* the value as written (list form: after '=') */
	bool span_exact;         /* list form: the spans map 1:1 onto the scalar's text */
	char *storage;
};

struct dfx_compose_env_file {
	const char *path;
	bool required;           /* default true */
	const char *format;      /* "raw" or NULL */
	const struct dfx_yaml_node *node;
};

/* A service's secret grant: short `- name` or long `{source, target, uid, gid, mode}`. */
struct dfx_compose_secret_ref {
	const char *source;
	const char *target;      /* NULL when not given */
	bool long_syntax;
	bool from_anchor;
	const struct dfx_yaml_node *node;
};

/* A service volume: short `SRC:DST[:MODE]` or long syntax. */
struct dfx_compose_volume {
	const struct dfx_yaml_node *node;
	bool long_syntax;
	bool from_anchor;
	bool valid;
	const char *type;        /* bind, volume, tmpfs, npipe, image, cluster */
	const char *source;      /* NULL for an anonymous volume */
	const char *target;
	const char *mode;        /* short syntax options ("ro", "rw,z"), or NULL */
	bool read_only;
	struct dfx_yaml_ref read_only_ref, source_ref, target_ref; /* long syntax */
	char *storage;
};

/* A volume source that is a host path (bind mount): starts with '.', '/', '~', '\\' or `C:\`. */
bool dfx_compose_is_host_path(const char *source);
/*
 * The host path of a bind mount, normalised: duplicate and trailing '/'
 * removed, `~`, `$HOME`, `${HOME}` (with any default) written "~", and
 * `$XDG_RUNTIME_DIR` / `${XDG_RUNTIME_DIR}` written "$XDG_RUNTIME_DIR".
 * NULL (nothing allocated) for named volumes, tmpfs/image/cluster mounts,
 * relative paths, and other variables. Caller frees.
 */
char *dfx_compose_volume_host_path(const struct dfx_compose_volume *v);
/* Parse a short volume spec as compose-go's loader.ParseVolume. Release with _volume_release. */
int dfx_compose_volume_parse(const char *spec, struct dfx_compose_volume *v);
void dfx_compose_volume_release(struct dfx_compose_volume *v);

struct dfx_compose_build {
	const struct dfx_yaml_node *node; /* string (the context) or mapping */
	const char *context;
	const char *dockerfile;
	const char *dockerfile_inline;
	struct dfx_yaml_ref context_ref, dockerfile_ref, args_ref, secrets_ref;
	struct dfx_compose_env *args;     /* map or list form */
	size_t nargs;
	struct dfx_compose_secret_ref *secrets;
	size_t nsecrets;
};

struct dfx_compose_service {
	const char *name;
	const struct dfx_yaml_node *key;  /* the name under services: (its first definition) */
	const struct dfx_yaml_node *node; /* the service mapping (NULL when not a mapping) */
	/*
	 * The mappings Compose merges into the service, base first: the bases
	 * it `extends:` in this file (recursively), then its own definitions
	 * in document order (node is the first of those). A key's value is
	 * the one of the last layer that sets it (`!reset` unsets it);
	 * ports, volumes, environment, env_file and secrets merge as Compose
	 * merges them (merge.md: sequences append, environment by name,
	 * volumes by target; `!override` replaces).
	 */
	const struct dfx_yaml_node **layers;
	size_t nlayers;
	const char *extends_name;        /* the service it extends (of extends_file when set, else of
					    this file), or NULL */
	const char *extends_file;        /* `extends: {file: F}`: F as written (its layers are not
					    merged here; F is checked as a file of its own), or NULL */
	const struct dfx_yaml_node *alias; /* the alias its mapping was written as (`svc: *x`), or NULL */
	/* keys (merges applied; key == NULL when absent) */
	struct dfx_yaml_ref image, build_ref, ports_ref, environment, env_file_ref, secrets_ref,
		volumes_ref, command, entrypoint, user, privileged, cap_add, cap_drop,
		security_opt, network_mode, pid, ipc, uts, userns_mode, cgroup, use_api_socket,
		healthcheck, read_only, expose, extends, networks, depends_on, devices, sysctls,
		tmpfs, labels;
	const char *image_name;          /* image value, or NULL */
	struct dfx_compose_build build;  /* build.node == NULL when there is no build */
	struct dfx_compose_port *ports;
	size_t nports;
	struct dfx_compose_env *env;
	size_t nenv;
	struct dfx_compose_env_file *env_files;
	size_t nenv_files;
	struct dfx_compose_secret_ref *secrets;
	size_t nsecrets;
	struct dfx_compose_volume *volumes;
	size_t nvolumes;
};

/* A top-level secret. */
struct dfx_compose_secret {
	const char *name;
	const struct dfx_yaml_node *key, *node;
	const char *file;         /* NULL when not file-based */
	const char *environment;  /* NULL unless `environment:` */
	bool external;
	struct dfx_yaml_ref file_ref;
};

/* A named top-level element (volume, network, config) or an `x-` extension. */
struct dfx_compose_named {
	const char *name;
	const struct dfx_yaml_node *key, *node;
};

struct dfx_compose_comment;

struct dfx_compose {
	const struct dfx_source *src;    /* borrowed */
	struct dfx_yaml *yaml;           /* the span tree (for edits) */
	const struct dfx_yaml_node *root;
	struct dfx_yaml_ref version, name, services_ref, secrets_ref, volumes_ref, networks_ref,
		configs_ref, include;
	struct dfx_compose_service *services;
	size_t nservices;
	struct dfx_compose_secret *secrets;
	size_t nsecrets;
	struct dfx_compose_named *volumes, *networks, *configs, *extensions;
	size_t nvolumes, nnetworks, nconfigs, nextensions;
	struct dfx_compose_comment *comments; /* private: comments, for suppression */
	size_t ncomments;
	struct dfx_pragma *pragmas;  /* the `# dockfix ignore=` comments in file order */
	size_t npragmas;
	bool legacy;                     /* a version 1 file: services at the top level, no
					    `services:` (`net:` read as network_mode) */
	size_t ndocs;                    /* YAML documents merged (`---`) */
	bool env_used;                   /* dfx_compose_use_env() ran on this model */
};

/*
 * Parse a compose file. Returns the model, or NULL with *err set (path,
 * line, column, message) for invalid YAML, a top level that is not a
 * mapping, `services` that is not a mapping, or an exhausted alias budget.
 * The source must outlive the model.
 */
struct dfx_compose *dfx_compose_parse(const struct dfx_source *src, struct dfx_error *err);
void dfx_compose_free(struct dfx_compose *c);

/*
 * Apply the project's `.env` (the text of the .env beside the compose file,
 * NULL when there is none) as Compose does when it interpolates: each
 * short-syntax port that refers to a variable the .env sets is parsed
 * again with the value in place (`"${DB_PORT}:5432"` with
 * DB_PORT=0.0.0.0:5432 is published on every interface) and marked
 * by_env. Runs once per model; later calls do nothing.
 */
void dfx_compose_use_env(struct dfx_compose *c, const char *text, size_t len);

/*
 * The key of a service whose entry (key to end of value) holds `offset`,
 * written in one of the service's own layers, with *svc set and *scalar
 * telling whether its value is a scalar (`privileged: true`); NULL for the
 * service's name or a `<<` merge.
 */
const char *dfx_compose_key_at(const struct dfx_compose *c, uint32_t offset,
			       const struct dfx_compose_service **svc, bool *scalar);
/*
 * Whether the service's value for `key` replaces a value of another file
 * merged under it (the default override file over the base,
 * `extends: {file:}` over the extended service), as merge.md says: a key
 * `!reset` or `!override` always does; a scalar does when the value it
 * replaces is a scalar too (`scalar`). Sequences and mappings without
 * those tags merge (ports append, environment by name).
 */
bool dfx_compose_service_replaces(const struct dfx_compose_service *s, const char *key, bool scalar);

/* A key of a service (merges and layers applied: the last layer that sets it).
   Returns 1 found, 0 absent (or `!reset`), -1 budget spent. */
int dfx_compose_service_get(struct dfx_compose *c, const struct dfx_compose_service *s,
			    const char *key, struct dfx_yaml_ref *ref);
/*
 * Whether a service is reachable from outside the host: it publishes a
 * port on an address other than loopback (no host IP, 0.0.0.0, ::, a
 * LAN address, or a variable whose default is one of those), or it uses
 * the host network (`network_mode: host`, v1 `net: host`). `expose:`
 * alone does not publish anything.
 */
bool dfx_compose_service_exposed(const struct dfx_compose_service *s);
/* A published port whose host IP is loopback (127.0.0.0/8, ::1, localhost), defaults applied. */
bool dfx_compose_port_loopback(const struct dfx_compose_port *p);
/* The service of that name, or NULL. */
const struct dfx_compose_service *dfx_compose_service_find(const struct dfx_compose *c,
							   const char *name);

/*
 * Where a service's `build:` points: the build context (`build: DIR` or
 * `context:`, default ".") resolved against the directory of the compose
 * file at `compose_path`, and the Dockerfile (`dockerfile:`, default
 * "Dockerfile") resolved against the context, as the Compose Specification
 * (build.md) resolves them. Returns the Dockerfile path and, when context
 * is not NULL, sets *context to the context directory (both caller-freed);
 * NULL (and *context NULL) when the service has no build or an inline
 * Dockerfile (`dockerfile_inline:`). A remote or interpolated context is
 * returned as written: callers judge it.
 */
char *dfx_compose_build_dockerfile(const struct dfx_compose_service *s, const char *compose_path,
				   char **context);

/*
 * The other compose files a file pulls in: `extends: {file: F}` of its
 * services and its top-level `include:` (a path, a list of paths, or
 * `path:` entries, string or list), resolved against the directory of
 * the file at `compose_path`, as the Compose Specification resolves them.
 * Interpolated and remote (`://`) paths are left out. Returns the count;
 * *out (caller frees each and the array) lists them without duplicates.
 */
size_t dfx_compose_related(const struct dfx_compose *c, const char *compose_path, char ***out);
/* The same for `include:` alone: the files whose services join this file's project (one
   network, service names as host names). */
size_t dfx_compose_includes(const struct dfx_compose *c, const char *compose_path, char ***out);

/*
 * The files Compose reads by default in a folder: compose.y(a)ml (and
 * docker-compose.*) is the base, compose.override.y(a)ml the override it
 * merges in. The kind of the file at `path` by its name.
 */
enum dfx_compose_default { DFX_COMPOSE_OTHER, DFX_COMPOSE_BASE, DFX_COMPOSE_OVERRIDE };
enum dfx_compose_default dfx_compose_default_kind(const char *path);
/* The names of that kind, in path order (the order discovery adds them); *n of them. */
const char *const *dfx_compose_default_names(enum dfx_compose_default kind, size_t *n);

/* ---------------------------------------------------------------- edits */

/*
 * Compose-level edits (compose_edit.c). Each appends byte edits to *out
 * and returns 0, returns 1 when there is nothing to do (the entry already
 * exists), or returns -1 with out->why set when it declines.
 */

/*
 * Add `key: <yaml>` as the last entry of a service (see
 * dfx_yaml_edit_map_insert; declines when the service has the key already).
 * On success the new key's path ("/services/api/security_opt") is appended
 * to *path when path is not NULL: the path a fix declares.
 */
int dfx_compose_edit_service_add(struct dfx_compose *c, const struct dfx_compose_service *s, const char *key,
				 const char *yaml, struct dfx_yaml_edits *out, struct dfx_buf *path);
/*
 * Grant secret `name` to a service: extend its `secrets:` list (block or
 * flow, short or long form already present), fill an empty `secrets:`, or
 * create the list. Declines when the list comes from an anchor.
 */
int dfx_compose_edit_grant_secret(struct dfx_compose *c, const struct dfx_compose_service *s,
				  const char *name, struct dfx_yaml_edits *out);
/*
 * Declare a top-level secret `name: {file: FILE}`: extend the top-level
 * `secrets:` mapping, or create it at the end of the file.
 */
int dfx_compose_edit_declare_secret(struct dfx_compose *c, const char *name, const char *file,
				    struct dfx_yaml_edits *out);
/*
 * Mount a service volume read-only: short syntax `SRC:DST` gets `:ro`, an
 * `rw` option becomes `ro`, other options get `,ro` (in place, the
 * scalar's quoting kept); long syntax gets `read_only: true` (an existing
 * value is replaced). `v` is one of a service's parsed volumes.
 */
int dfx_compose_edit_volume_read_only(struct dfx_compose *c, const struct dfx_compose_volume *v,
				      struct dfx_yaml_edits *out);

/*
 * True when a `# dockfix ignore=CODE[,CODE]` comment covers `offset`: on the
 * same line (trailing), or trailing on / on the comment lines directly above
 * the first line of the mapping entry (or sequence item) that contains
 * offset, or of any enclosing entry (e.g. above the service key). The code
 * of the comment that covers it is marked used (dfx_pragma_mark()).
 */
bool dfx_compose_suppressed(const struct dfx_compose *c, const char *code, uint32_t offset);
/* The same question about another file than the one being checked: marks
   nothing (its pragmas' `used` bits belong to its own check, maybe on
   another thread). */
bool dfx_compose_would_suppress(const struct dfx_compose *c, const char *code, uint32_t offset);

/* Compose interpolation: `${VAR}`, `${VAR:-x}`, `$VAR`; `$$` is a literal '$'. */
bool dfx_compose_is_interpolated(const char *value);
/* The whole value is one variable reference (`${VAR...}` or `$VAR`). */
bool dfx_compose_is_variable_only(const char *value);
/*
 * When the whole value is `${VAR:-default}` / `${VAR-default}`, append the
 * default to out and return true.
 */
bool dfx_compose_var_default(const char *value, struct dfx_buf *out);
/*
 * A value with every `${VAR:-default}` / `${VAR-default}` replaced by its
 * default (`$$` by `$`); NULL when a variable has no default (its value is
 * unknown). Caller frees.
 */
char *dfx_compose_with_defaults(const char *value);
/*
 * `value` with each `${NAME...}` / `$NAME` that the dotenv text sets
 * replaced by its value (`${NAME:-x}` keeps the reference when the value is
 * empty, for its default); other references are kept. Caller frees.
 */
char *dfx_compose_with_env(const char *value, const char *text, size_t len);

#endif
