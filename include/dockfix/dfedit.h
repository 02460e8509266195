/*
 * dfedit.h - Dockerfile edits shared by rules of more than one family
 * (DF101, DF102, DF103, DC107): deleting an instruction, and moving a
 * build-time credential into a BuildKit secret mount.
 *
 * Reference: the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/): parser directives,
 * RUN --mount=type=secret; BuildKit "Build secrets"
 * (https://docs.docker.com/build/building/secrets/).
 */
#ifndef DOCKFIX_DFEDIT_H
#define DOCKFIX_DFEDIT_H

#include "dockfix/rule.h"

/*
 * Add to `fix` the edit that deletes instruction `in` with its lines. When
 * it is the file's last line and the file has no final newline, the line
 * break before it goes instead, so the file still ends without one.
 */
void dfx_dfedit_delete_instr(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			     const struct dfx_df_instr *in);

/* Whether a RUN already has --mount=type=secret with key `key` equal to
   `value` (key "env", "target" (or dst, destination) or "id"). */
bool dfx_dfedit_has_secret_mount(const struct dfx_df_instr *in, const char *key, const char *value);

/* The secret id for a variable: its name lower-cased. Caller frees. */
char *dfx_dfedit_secret_id(const char *name);

/*
 * The fix of DF101/DF102/DC107 for pair k of the ENV or ARG instruction
 * `at`: delete the pair (the whole instruction when it is the only one;
 * the remaining pairs and continuations stay valid) and the `ENV
 * NAME=$NAME` pairs that copy an ARG into the image (counted in *nenv when
 * nenv is not NULL); give every RUN that expands the variable, or runs a
 * tool known to read it from the environment (aws for AWS_*, npm for
 * NPM_TOKEN, gh for GH_TOKEN, ...) - after it in its stage and, for ENV
 * (`inherit`), in the stages built FROM that stage - a
 * `--mount=type=secret,id=<name lower-cased>,env=<NAME>` after its own
 * flags; and declare a frontend that knows `env=` (insert
 * `# syntax=docker/dockerfile:1` as the first line, after a BOM, or
 * upgrade an older `docker/dockerfile:1.N` pin; another frontend is left
 * alone). When no RUN names it and no known tool reads it, every RUN in
 * that scope gets the mount (any program may read it from the environment)
 * and *every (when not NULL) is set. The lines of the RUNs given a mount
 * are appended to `lines` ("5, 9") when it is not NULL. Returns the number
 * of RUNs given a mount.
 */
size_t dfx_dfedit_secret_fix(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df, size_t at,
			     size_t k, bool inherit, struct dfx_buf *lines, size_t *nenv, bool *every);

#endif
