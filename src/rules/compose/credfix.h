/*
 * credfix.h - what the compose credential rules (DC101-DC107) and DI101
 * share: credential entries of `environment`, .gitignore/.dockerignore
 * checks and appends, the .env file, and the "plan" that turns plaintext
 * credentials into Docker secrets (`NAME_FILE: /run/secrets/S`) or into
 * `${NAME:?...}` references to a git-ignored .env.
 *
 * References: SPEC.md section 3 (DC101-DC107, DI101) and section 2
 * (generated secrets); research/compose-anchors.md 5.4-5.5 (environment,
 * env_file, secrets grammar), 6 (`_FILE` support and who reads it), 7
 * (default credentials), 7.3 (Redis ACL file); research/yaml-spike.md 6
 * (the password-to-secret splice); gitignore(5) for the ignore chain.
 * Seed: "Default Credentials" (POSTGRES_PASSWORD_FILE + secrets).
 */
#ifndef DOCKFIX_CREDFIX_H
#define DOCKFIX_CREDFIX_H

#include "dockfix/rule.h"
#include "dockfix/compose.h"
#include "dockfix/image.h"

/* ---------------------------------------------------------------- entries */

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
void dfx_cred_sites_collect(struct dfx_compose *c, struct dfx_cred_sites *out);
void dfx_cred_sites_release(struct dfx_cred_sites *s);
/* Where a finding about a site points: the name (map key or list item). */
struct dfx_span dfx_cred_site_span(const struct dfx_cred_site *s);
/* The bytes of the value in the file (for f->secret). */
struct dfx_span dfx_cred_site_value_span(const struct dfx_cred_site *s);
/* Whether DC102 reports this site (weak and the stack owns it, or a
   well-known default); DC101 then stays quiet about it. */
bool dfx_cred_site_dc102(const struct dfx_cred_site *s);
/* Name says password (pass, pwd, ...). */
bool dfx_cred_password_name(const char *name);
/* A user-name variable that looks like a credential name (MINIO_ACCESS_KEY, *_KEY_ID, *_USER). */
bool dfx_cred_userish(const char *name);
/* In the built-in list of well-known default passwords. */
bool dfx_cred_weak_listed(const char *v);
/* "your-api-key-here", "changeme", "<token>", ... */
bool dfx_cred_placeholder(const char *v);
/* "db" or "db, app" (caller frees). */
char *dfx_cred_site_services(const struct dfx_cred_site *s);

/* ---------------------------------------------------------------- ignore files */

enum dfx_cred_git {
	DFX_GIT_NOT_IGNORED,
	DFX_GIT_IGNORED,
	DFX_GIT_REINCLUDED, /* excluded, but a `!` line brings it back on purpose */
};

/*
 * Whether `path` (a workspace path) is excluded by the .gitignore files in
 * its directory and every parent up to the directory holding `.git` (or
 * the current directory, the scan root), deeper files winning, plus
 * `.git/info/exclude`. *nearest (if not NULL) gets the deepest existing
 * .gitignore, or NULL (caller frees).
 */
enum dfx_cred_git dfx_cred_git_status(struct dfx_workspace *ws, const char *path, bool is_dir,
				      char **nearest);

/* Paths that a fix must leave git-ignored (and docker-ignored). */
/*
 * Whether `path` lies inside the repository of `from` (a file): under the
 * directory holding .git above it, or under the directory dockfix runs in.
 */
bool dfx_cred_same_repo(const char *from, const char *path);

struct dfx_cred_ignores {
	char **paths;
	bool *dirs;
	size_t n, cap;
};

void dfx_cred_ignores_add(struct dfx_cred_ignores *ig, const char *path, bool is_dir);
void dfx_cred_ignores_release(struct dfx_cred_ignores *ig);
/*
 * Add to `fix` the appends that make every listed path git-ignored: one
 * edit per .gitignore (the nearest one; created in `create_dir` when none
 * applies). Paths already ignored, or re-included with `!`, are skipped.
 * The patterns added are appended to `desc` ("secrets/, .env"). Returns
 * how many patterns were added.
 */
size_t dfx_cred_gitignore_fix(struct dfx_workspace *ws, struct dfx_fix *fix,
			      const struct dfx_cred_ignores *ig, const char *create_dir,
			      struct dfx_buf *desc);
/*
 * Same for the .dockerignore of every build context of the compose file
 * that contains a listed path (SPEC 2: the folder of generated secrets
 * stays out of build contexts).
 */
void dfx_cred_dockerignore_fix(struct dfx_workspace *ws, struct dfx_fix *fix, const char *compose_path,
			       const struct dfx_compose *c, const struct dfx_cred_ignores *ig);
/* The pattern that ignores `rel` (relative to the ignore file's directory). */
char *dfx_cred_git_pattern(const char *rel, bool is_dir);

/* ---------------------------------------------------------------- .env files */

/*
 * The value a dotenv file (`.env`, env_file) gives `name`, decoded (quotes
 * removed), or NULL when it does not set it (caller frees).
 */
char *dfx_cred_dotenv_get(const char *text, size_t len, const char *name);
/* `NAME=value` in dotenv syntax that reads back as exactly `value` (caller frees); NULL if impossible. */
char *dfx_cred_dotenv_line(const char *name, const char *value);
/* Whether a dotenv text sets a credential (a credential name with a real value, or a credential value). */
bool dfx_cred_dotenv_has_secret(const char *text, size_t len);

/* ---------------------------------------------------------------- plans */

/*
 * A plan collects the edits of one fix that moves credentials out of a
 * compose file: compose edits (in the file's style), lines for the .env
 * beside it, secret files to create, paths to git-ignore and the YAML
 * paths the fix changes. Helpers return 0, or -1 with plan->why set (the
 * plan is then unusable: release it and give a hint instead).
 */
/* The secrets a plan grants to one service. */
struct dfx_cred_grant {
	const struct dfx_yaml_node *svc;
	char **names;
	size_t n;
	long block; /* index in ed of the edit that creates its `secrets:`, or -1 */
};

struct dfx_cred_plan {
	struct dfx_ctx *ctx;
	struct dfx_compose *c;
	const char *cpath;      /* compose file */
	char *cdir;             /* its directory */
	struct dfx_yaml_edits ed;
	struct dfx_yaml_edits top; /* top-level `secrets:` edits: spliced after ed, so that
				      inserts at the end of the file keep services first */
	char **paths;           /* YAML paths changed */
	size_t npaths, pcap;
	char **env_names, **env_values; /* appended to .env */
	size_t nenv, ecap;
	char *dotenv_path;      /* <cdir>/.env */
	char **secret_names;    /* top-level secrets created */
	size_t nsecrets, scap;
	struct dfx_cred_grant *granted; /* services given a secret */
	size_t ngranted, gcap;
	char **files, **texts;  /* secret files to create */
	unsigned *modes;
	size_t nfiles, fcap;
	struct dfx_cred_ignores ign;
	struct dfx_buf notes;   /* sentences for the message */
	struct dfx_buf desc;    /* the fix description */
	char *why;              /* why the plan failed */
	bool failed;
	bool share;             /* dfx_cred_move: one secret for the sites moved ... */
	char *share_name;       /* ... once the first has created it (NULL: next group) */
	size_t share_file;      /* its file in files[] */
	long top_block;         /* index in top of the edit that creates `secrets:`, or -1 */
};

void dfx_cred_plan_init(struct dfx_cred_plan *p, struct dfx_ctx *ctx);
void dfx_cred_plan_release(struct dfx_cred_plan *p);
/* Record that the plan changes the YAML path of node n (its pair / item). */
void dfx_cred_plan_path(struct dfx_cred_plan *p, const struct dfx_yaml_node *n);
void dfx_cred_plan_path_str(struct dfx_cred_plan *p, const char *path);
int dfx_cred_plan_fail(struct dfx_cred_plan *p, const char *fmt, ...) DFX_PRINTF(2, 3);
/* Take the edits that a yaml helper appended to `ed` (-1 and why when it declined). */
int dfx_cred_plan_yaml(struct dfx_cred_plan *p, int rc, struct dfx_yaml_edits *ed);

/* A secret name from service and variable, lower case, unique in the file and on disk. */
char *dfx_cred_secret_name(struct dfx_cred_plan *p, const char *service, const char *var);
/*
 * Declare top-level secret `name` with file ./secrets/<name>.txt holding
 * `content` (created with mode `mode`) and git-ignore the secrets folder.
 * Returns the name (owned by the plan) or NULL when the plan failed.
 * dfx_cred_plan_grant() gives it to a service (once per service).
 */
const char *dfx_cred_plan_secret(struct dfx_cred_plan *p, const char *name, const char *content,
				 unsigned mode);
int dfx_cred_plan_grant(struct dfx_cred_plan *p, const struct dfx_compose_service *svc, const char *name);

/*
 * Rewrite an environment entry as `newname: newvalue` (map form) or
 * `- newname=newvalue` (list form); newname NULL keeps the name.
 */
int dfx_cred_env_rewrite(struct dfx_cred_plan *p, const struct dfx_compose_env *e, const char *newname,
			 const char *newvalue);
/* Delete an environment entry (map pair or list item). */
int dfx_cred_env_delete(struct dfx_cred_plan *p, const struct dfx_compose_env *e);
/*
 * Add `names[i]: values[i]` to a service's environment (map form, list
 * form `- N=V`, or a new `environment:` mapping).
 */
int dfx_cred_env_add(struct dfx_cred_plan *p, const struct dfx_compose_service *svc, size_t n,
		     const char *const *names, const char *const *values);
/* Declare top-level secret `name` read from variable `var` (`environment: VAR`, Compose 2.6+). */
int dfx_cred_plan_env_secret(struct dfx_cred_plan *p, const char *name, const char *var);
/* Append a note sentence to the message (" ..."). */
void dfx_cred_plan_note(struct dfx_cred_plan *p, const char *fmt, ...) DFX_PRINTF(2, 3);

/*
 * The .env route: the entry becomes `${VAR:?set VAR in .env}` and VAR=value
 * goes to the .env beside the compose file (a secret edit). VAR is the
 * entry's name made a valid variable name, or a service-prefixed one when
 * .env already gives that name another value.
 */
int dfx_cred_to_dotenv(struct dfx_cred_plan *p, const struct dfx_compose_service *svc,
		       const struct dfx_compose_env *e, const char *value);
/*
 * Move one site's value: a Docker secret when every service using it reads
 * `NAME_FILE` (and does not use $NAME itself), else the .env route. `value`
 * is what the secret must hold (the old value, or a new one).
 */
int dfx_cred_move(struct dfx_cred_plan *p, const struct dfx_cred_site *s, const char *value);
/*
 * A site whose value is `${VAR:-default}` with a literal default: the value
 * becomes `${VAR:?set VAR in .env}` and VAR=default goes to .env (unless
 * .env already sets VAR, whose value then wins today as well).
 */
int dfx_cred_default_to_dotenv(struct dfx_cred_plan *p, const struct dfx_cred_site *s);
/* The variable of a `${VAR...}` / `$VAR` reference (caller frees), or NULL. */
char *dfx_cred_ref_var(const char *v);
/* Whether a service's own strings use $NAME (so the variable must stay in its environment). */
bool dfx_cred_service_uses_var(const struct dfx_compose_service *svc, const char *name);
/* The mode for a secret file the service reads: 0644 when it reads it as non-root, else 0600. */
unsigned dfx_cred_secret_mode(const struct dfx_compose_service *svc, const char **reason);
/*
 * Turn the plan into a fix of applicability `a` (NULL when it failed or is
 * empty). `what` starts the description.
 */
struct dfx_fix *dfx_cred_plan_fix(struct dfx_cred_plan *p, enum dfx_applicability a, const char *what);

/*
 * Findings of one rule in one file whose fixes all touch the same places
 * (the end of .env, the top-level `secrets:`) would be applied one per
 * pass. dfx_cred_combine() gives the first of them (by position) `fix`,
 * which does the work of all n, so the file is fixed in one pass; the
 * others keep their own fixes (they then no longer apply). idx are indexes
 * into ctx->out->v. Takes ownership of fix (freed when n < 2).
 */
void dfx_cred_combine(struct dfx_ctx *ctx, const size_t *idx, size_t n, struct dfx_fix *fix);

/* ---------------------------------------------------------------- misc */

/* Services that name `svc` in depends_on, links, or a host/URL value (caller frees; NULL when none). */
char *dfx_cred_clients(struct dfx_compose *c, const struct dfx_compose_service *svc);
/* The image reference of a service parsed (false when none or unresolved). */
bool dfx_cred_image(const struct dfx_compose_service *svc, struct dfx_imageref *ref);
/* Whether `v` appears in a credential context in any scalar of the file other than `skip` nodes
   (`:v@`, `-pv`, `--password v`, `PASS=v`). *where gets the first one. */
bool dfx_cred_value_used(const struct dfx_compose *c, const char *v, const struct dfx_yaml_node *const *skip,
			 size_t nskip, const struct dfx_yaml_node **where);

#endif
