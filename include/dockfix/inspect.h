/*
 * inspect.h - the model of the input of `dockfix inspect` (README "Usage";
 * the Docker Engine API's image inspect object, `docker history` and the
 * OCI image configuration): the seed's "Checking Image History" commands,
 *   docker inspect IMAGE                           (an array of objects, or one)
 *   docker history --no-trunc --format '{{json .}}' IMAGE   (one object a line)
 * and, as a bonus, an OCI image config blob (`config`, `history[].created_by`)
 * as printed by `crane config` or `skopeo inspect --config`.
 *
 * Every node points into the input bytes (json.h spans), so the DH rules
 * report findings at the exact JSON string that holds a secret. The
 * workspace holds one parse per image input (struct dfx_wsfile.inspect).
 */
#ifndef DOCKFIX_INSPECT_H
#define DOCKFIX_INSPECT_H

#include "dockfix/json.h"

/* One image (a `docker inspect` object or an OCI image config). */
struct dfx_inspect_image {
	const struct dfx_json *obj;
	char *name;                     /* RepoTags[0], else short Id, else "image N" */
	const struct dfx_json *config;  /* Config / config, or NULL */
	const struct dfx_json *user;    /* Config.User string, or NULL */
	const struct dfx_json *env[2];  /* Config.Env, ContainerConfig.Env arrays (or NULL) */
	bool windows;                   /* "Os": "windows" */
};

/* One history step: the CreatedBy / created_by string. */
struct dfx_inspect_step {
	const struct dfx_json *created_by;
	bool newest_first;              /* from `docker history` (newest first) */
};

struct dfx_inspect {
	struct dfx_json_doc *doc;
	struct dfx_inspect_image *images;
	size_t nimages, icap;
	struct dfx_inspect_step *steps;
	size_t nsteps, scap;
	bool from_history;              /* steps come from `docker history` lines */
};

/*
 * Parse `src` as inspect/history output. Returns 0, or -1 with *err set
 * (path:line:col and a message naming what was expected; binary input, such
 * as a `docker save` archive, is refused before any JSON is read).
 */
int dfx_inspect_parse(struct dfx_inspect *in, const struct dfx_source *src, struct dfx_error *err);
void dfx_inspect_release(struct dfx_inspect *in);

/*
 * A history command with the builder's wrapping removed: the "/bin/sh -c
 * #(nop) " of metadata steps and BuildKit's "RUN " prefix. Returns the
 * offset of the instruction text in `cmd` (decoded bytes).
 */
size_t dfx_inspect_step_body(const char *cmd, size_t len);

/* The raw input bytes of decoded bytes [ds, de) of string node `s`. */
struct dfx_span dfx_inspect_span(const char *data, const struct dfx_json *s, size_t ds, size_t de);

/* A user name that means root: "", "root", "0", "root:*", "0:*" (and, for
   Windows images, ContainerAdministrator). */
bool dfx_inspect_user_is_root(const char *user, bool windows);

#endif
