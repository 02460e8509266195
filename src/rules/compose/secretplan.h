/*
 * secretplan.h - private to the compose rules: the plan that moves
 * plaintext credentials out of a compose file, into Docker secrets
 * (`NAME_FILE: /run/secrets/S`) or into `${NAME:?...}` references to a
 * git-ignored .env (see secretplan.c).
 *
 * References: Compose Specification 05-services.md (environment,
 * secrets), 09-secrets.md; the official database images' `_FILE`
 * convention (docker-entrypoint.sh file_env).
 */
#ifndef DOCKFIX_SECRETPLAN_H
#define DOCKFIX_SECRETPLAN_H

#include "dockfix/rule.h"
#include "dockfix/credential.h"
#include "dockfix/ignore.h"
#include "dockfix/yamltree.h"

/*
 * A plan collects the edits of one fix that moves credentials out of a
 * compose file: compose edits (in the file's style), lines for the .env
 * beside it, secret files to create, paths to git-ignore and the YAML
 * paths the fix changes. Helpers return 0, or -1 with plan->why set (the
 * plan is then unusable: release it and give a hint instead).
 */

/* The secrets a plan grants to one service. */
struct dfx_secretplan_grant {
	const struct dfx_yaml_node *svc;
	char **names;
	size_t n;
	long block; /* index in ed of the edit that creates its `secrets:`, or -1 */
};

struct dfx_secretplan {
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
	struct dfx_secretplan_grant *granted; /* services given a secret */
	size_t ngranted, gcap;
	char **files, **texts;  /* secret files to create */
	unsigned *modes;
	size_t nfiles, fcap;
	struct dfx_ignore_paths ign;
	struct dfx_buf notes;   /* sentences for the message */
	struct dfx_buf desc;    /* the fix description */
	char *why;              /* why the plan failed */
	bool failed;
	bool share;             /* dfx_secretplan_move: one secret for the sites moved ... */
	char *share_name;       /* ... once the first has created it (NULL: next group) */
	size_t share_file;      /* its file in files[] */
	long top_block;         /* index in top of the edit that creates `secrets:`, or -1 */
	char **mentioned;       /* names the file's scalars reference as $NAME (a hash set, built on */
	size_t mcap;            /* first use: most names are in none, and then need no walk) */
};

void dfx_secretplan_init(struct dfx_secretplan *p, struct dfx_ctx *ctx);
void dfx_secretplan_release(struct dfx_secretplan *p);
/* Record that the plan changes the YAML path of node n (its pair / item). */
void dfx_secretplan_path(struct dfx_secretplan *p, const struct dfx_yaml_node *n);
void dfx_secretplan_path_str(struct dfx_secretplan *p, const char *path);
int dfx_secretplan_fail(struct dfx_secretplan *p, const char *fmt, ...) DFX_PRINTF(2, 3);
/* Take the edits that a yaml helper appended to `ed` (-1 and why when it declined). */
int dfx_secretplan_yaml(struct dfx_secretplan *p, int rc, struct dfx_yaml_edits *ed);

/* A secret name from service and variable, lower case, unique in the file and on disk. */
char *dfx_secretplan_secret_name(struct dfx_secretplan *p, const char *service, const char *var);
/*
 * Declare top-level secret `name` with file ./secrets/<name>.txt holding
 * `content` (created with mode `mode`) and git-ignore the secrets folder.
 * Returns the name (owned by the plan) or NULL when the plan failed.
 * dfx_secretplan_grant() gives it to a service (once per service).
 */
const char *dfx_secretplan_secret(struct dfx_secretplan *p, const char *name, const char *content,
				 unsigned mode);
int dfx_secretplan_grant(struct dfx_secretplan *p, const struct dfx_compose_service *svc, const char *name);

/*
 * Rewrite an environment entry as `newname: newvalue` (map form) or
 * `- newname=newvalue` (list form); newname NULL keeps the name.
 */
int dfx_secretplan_env_rewrite(struct dfx_secretplan *p, const struct dfx_compose_env *e, const char *newname,
			 const char *newvalue);
/* Declare top-level secret `name` read from variable `var` (`environment: VAR`, Compose 2.6+). */
int dfx_secretplan_env_secret(struct dfx_secretplan *p, const char *name, const char *var);

/*
 * The .env route: the entry becomes `${VAR:?set VAR in .env}` and VAR=value
 * goes to the .env beside the compose file (a secret edit). VAR is the
 * entry's name made a valid variable name, or a service-prefixed one when
 * .env already gives that name another value.
 */
int dfx_secretplan_to_dotenv(struct dfx_secretplan *p, const struct dfx_compose_service *svc,
		       const struct dfx_compose_env *e, const char *value);
/*
 * Move one site's value: a Docker secret when every service using it reads
 * `NAME_FILE` (and does not use $NAME itself), else the .env route. `value`
 * is what the secret must hold (the old value, or a new one).
 */
int dfx_secretplan_move(struct dfx_secretplan *p, const struct dfx_cred_site *s, const char *value);
/*
 * A site whose value is `${VAR:-default}` with a literal default: the value
 * becomes `${VAR:?set VAR in .env}` and VAR=default goes to .env (unless
 * .env already sets VAR, whose value then wins today as well).
 */
int dfx_secretplan_default_to_dotenv(struct dfx_secretplan *p, const struct dfx_cred_site *s);
/* The mode for a secret file the service reads: 0644 when it reads it as non-root, else 0600. */
unsigned dfx_secretplan_secret_mode(const struct dfx_compose_service *svc, const char **reason);
/*
 * Turn the plan into a fix of applicability `a` (NULL when it failed or is
 * empty). `what` starts the description.
 */
struct dfx_fix *dfx_secretplan_fix(struct dfx_secretplan *p, enum dfx_applicability a, const char *what);

/*
 * Findings of one rule in one file whose fixes all touch the same places
 * (the end of .env, the top-level `secrets:`, one .gitignore) would be
 * applied one per pass, each against the others' leftovers. They become
 * one fix group (core.h): the first of them by position gets `fix`, which
 * does the work of all n; the others keep their descriptions and carry no
 * edits. The engine applies the group together or not at all. idx are
 * indexes into ctx->out->v. Takes ownership of fix (freed when n < 2).
 */
void dfx_secretplan_group(struct dfx_ctx *ctx, const size_t *idx, size_t n, struct dfx_fix *fix);

/* The .gitignore functions' view of the running rule's workspace (dockfix/ignore.h). */
struct dfx_ignore_files dfx_secretplan_files(struct dfx_ctx *ctx);

#endif
