/*
 * path.h - lexical path arithmetic shared by every layer (no file system
 * access).
 */
#ifndef DOCKFIX_PATH_H
#define DOCKFIX_PATH_H

#include "dockfix/core.h"

/* Normalise a path: drop "./" and duplicate '/', fold "dir/..". Caller frees. */
char *dfx_path_clean(const char *path);
/* Join directory and name and clean. Caller frees. */
char *dfx_path_join(const char *dir, const char *name);
/* Directory part of a path ("." when none). Caller frees. */
char *dfx_path_dir(const char *path);

#endif
