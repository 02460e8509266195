/*
 * writer.h - how dockfix puts bytes on disk (`--write`, `dockfix init`):
 * a temporary file in the same directory, fsync, then rename over the
 * target (the pattern of git's lockfile.c and of rename(2)'s atomicity), so
 * a reader sees the old file or the new one, never a truncated one.
 */
#ifndef DOCKFIX_WRITER_H
#define DOCKFIX_WRITER_H

#include <stddef.h>

#include "dockfix/core.h"

/*
 * Replaces (or creates) `path` with data[0,len).
 *
 * An existing file keeps its permission bits (and, where allowed, its
 * owner and group). A missing file gets exactly `create_mode` (not reduced
 * by the umask), and its missing parent directories are created with mode
 * 0755 (reduced by the umask). A `path` that is a symbolic link is refused,
 * never followed; so is one that is not a regular file.
 *
 * Returns 0, or -1 with *err filled; on error the original file is
 * untouched, and no temporary file or newly created directory is left.
 */
int dfx_write_atomic(const char *path, const char *data, size_t len, unsigned create_mode,
		     struct dfx_error *err);

/*
 * Like dfx_write_atomic() for a file that must not exist yet: fails, and
 * changes nothing, when anything (even a dangling symbolic link) is at
 * `path`, including one that appears while the data is being written.
 */
int dfx_write_exclusive(const char *path, const char *data, size_t len, unsigned create_mode,
			struct dfx_error *err);

#endif
