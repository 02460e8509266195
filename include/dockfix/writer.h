/*
 * writer.h - how dockfix puts bytes on disk (`--write`, `dockfix init`):
 * a temporary file in the same directory, fsync, then rename over the
 * target (the pattern of git's lockfile.c and of rename(2)'s atomicity), so
 * a reader sees the old file or the new one, never a truncated one.
 */
#ifndef DOCKFIX_WRITER_H
#define DOCKFIX_WRITER_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

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

/* ------------------------------------------------------------------------
 * Primitives of a multi-file transaction (src/engine/commit.c). Every name
 * is one component relative to an open directory, so no symbolic link is
 * followed on the way (openat(2) with O_NOFOLLOW), and staging, publishing
 * and restoring can be separated in time.
 */

/*
 * Opens the directory `rel` ("" or "." for `rootfd` itself; no "..")
 * beneath `rootfd`, one component at a time, refusing a symbolic link or a
 * non-directory at any component. With `made` non-NULL, missing components
 * are created (mode 0755 less the umask) and their paths relative to
 * `rootfd` appended to *made (outermost first). `display` names the file in
 * errors. Returns a directory descriptor, or -1 with *err filled.
 */
int dfx_writer_open_dir(int rootfd, const char *rel, const char *display, char ***made, size_t *nmade,
			struct dfx_error *err);

/*
 * Reads the regular file `name` in `dirfd` without following a symbolic
 * link and without opening a device, FIFO or socket. Returns 0 with the
 * bytes (malloc'd, NUL-terminated) and its status, or -1 with errno set
 * (ELOOP: a symbolic link; ENOENT: absent; EINVAL: not a regular file;
 * EFBIG: larger than DFX_MAX_FILE_SIZE).
 */
int dfx_writer_read_at(int dirfd, const char *name, struct stat *st, char **data, size_t *len);

/*
 * Writes data[0,len) to a new temporary file in `dirfd` named
 * ".<name>.dockfix-XXXXXX" (see dfx_writer_is_temp), with mode `mode` and,
 * when `owner` is given, its owner and group where allowed; synced to disk.
 * Returns 0 with *tmp set (caller frees), or -1 with *err filled and
 * nothing left behind.
 */
int dfx_writer_stage(int dirfd, const char *name, const char *data, size_t len, unsigned mode,
		     const struct stat *owner, const char *display, char **tmp, struct dfx_error *err);

/* Renames `tmp` to `name` only when `name` does not exist (renameat2
   RENAME_NOREPLACE, or link + unlink). Returns 0 or -1 with errno set. */
int dfx_writer_publish_new(int dirfd, const char *tmp, const char *name);

/* fsync(2) of a directory; best effort. */
void dfx_writer_sync_dir(int dirfd);

/* Whether a file name is exactly the pattern of dockfix's temporary files:
   "." + name + ".dockfix-" + six letters or digits. */
bool dfx_writer_is_temp(const char *name);

/* Removes, from `dirfd` only, the regular files whose names are
   dfx_writer_is_temp() and whose modification time is before `before`:
   what a killed run left. Returns how many were removed. */
size_t dfx_writer_sweep(int dirfd, const struct timespec *before);
/* Now, on the clock file modification times are taken from (a temporary
   file written after it never has an older time). */
void dfx_writer_now(struct timespec *t);

#endif
