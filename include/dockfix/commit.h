/*
 * commit.h - `--write` as one transaction per run (the guarantees are
 * stated in the project's README, section "Fixes"): every changed file is
 * staged beside its target and synced, checked unchanged since it was
 * read, then renamed into place in an order where nothing points at a
 * missing file; a unit whose rename fails is put back. Nothing is written
 * outside the project roots, through a symbolic link, or to one.
 */
#ifndef DOCKFIX_COMMIT_H
#define DOCKFIX_COMMIT_H

#include "dockfix/workspace.h"

struct dfx_commit_opts {
	const char *const *roots; /* the PATH arguments (a directory, or a file: its folder) */
	size_t nroots;
	/* Test only: a FIFO to read until end of file after staging, before the
	   commit phase (the README's DOCKFIX_TEST_PAUSE_BEFORE_COMMIT). */
	const char *pause_fifo;
};

struct dfx_commit_result {
	size_t written;     /* files renamed into place */
	size_t not_written; /* changed files left as they are on disk */
	size_t units, failed_units;
	size_t swept;       /* temporary files of a killed run removed */
	/* One line per file, in order: "created PATH (mode 0600)...",
	   "updated PATH...", "PATH: error: ..." (no secret value, ever). */
	struct dfx_buf log;
};

/*
 * Writes the changed files of `ws`. Units are the connected sets of
 * changed files (a target and the changed files its rules read; a changed
 * file no changed target read joins every changed target of its folder and
 * the folders above): each is written whole or not at all, independently.
 * Afterwards every file of a unit not written holds its original bytes
 * again (not changed, re-parsed), so a check of `ws` describes the disk.
 * Returns 0 when everything was written, -1 otherwise.
 */
int dfx_commit_write(struct dfx_workspace *ws, const struct dfx_commit_opts *o, struct dfx_commit_result *r);
/*
 * What --diff shows: the plan of dfx_commit_write() without touching the
 * disk. The files of units that would not be written because of a file
 * outside the project get their original bytes back; r->log has one
 * "PATH: note: ..." line each. Returns 0 when nothing is held back.
 */
int dfx_commit_plan(struct dfx_workspace *ws, const struct dfx_commit_opts *o, struct dfx_commit_result *r);
void dfx_commit_result_release(struct dfx_commit_result *r);

#endif
