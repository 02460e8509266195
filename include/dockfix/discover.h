/*
 * discover.h - find the files to audit under the PATH arguments
 * (SPEC §1 Discovery) and link each Dockerfile to its build context.
 */
#ifndef DOCKFIX_DISCOVER_H
#define DOCKFIX_DISCOVER_H

#include "dockfix/workspace.h"

/* The kind a file name implies, or DFX_KIND_UNKNOWN. */
enum dfx_kind dfx_discover_kind(const char *name);
/*
 * Add the files under `path` (file or directory) to the workspace as
 * targets. An explicitly named file of unknown kind is taken as a compose
 * file when it ends in .yml/.yaml, else as a Dockerfile. Errors (unreadable
 * path) are recorded on a failed target entry. Returns the number added.
 */
size_t dfx_discover(struct dfx_workspace *ws, const char *path);
/* Set each Dockerfile's build context and .dockerignore (compose build:
   links first, then the Dockerfile's own directory). */
void dfx_discover_link(struct dfx_workspace *ws);

#endif
