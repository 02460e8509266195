/*
 * ignore.h - .dockerignore and .gitignore pattern matching.
 *
 * .dockerignore follows moby/patternmatcher: patterns are cleaned paths
 * relative to the build context, `**` spans directories, a pattern that
 * matches a directory excludes everything below it, `!` re-includes, the
 * last matching pattern wins. .gitignore follows gitignore(5): a pattern
 * without an inner slash matches at any depth, a trailing slash matches
 * directories only.
 */
#ifndef DOCKFIX_IGNORE_H
#define DOCKFIX_IGNORE_H

#include "dockfix/core.h"

enum dfx_ignore_style {
	DFX_IGNORE_DOCKER,
	DFX_IGNORE_GIT,
};

struct dfx_ignore_pat {
	char *pat;        /* cleaned pattern without '!' and anchoring '/' */
	bool negate;
	bool dir_only;    /* gitignore: trailing '/' */
	bool anchored;    /* gitignore: contains a slash before the end */
	unsigned line;
};

struct dfx_ignore {
	enum dfx_ignore_style style;
	struct dfx_ignore_pat *pats;
	size_t n, cap;
};

/* Parse the text of an ignore file (NULL text: no patterns). */
void dfx_ignore_parse(struct dfx_ignore *ig, enum dfx_ignore_style style, const char *text, size_t len);
void dfx_ignore_release(struct dfx_ignore *ig);
/* Whether `path` (relative, '/'-separated) is excluded; is_dir for directories. */
bool dfx_ignore_match(const struct dfx_ignore *ig, const char *path, bool is_dir);
/* Like dfx_ignore_match() but for `path` alone, not its parent directories:
   for a walk that does not enter the directories excluded. */
bool dfx_ignore_match_entry(const struct dfx_ignore *ig, const char *path, bool is_dir);
/* Append the patterns of a .gitignore text found in directory `prefix`
   (relative to the repository top; NULL or "" for the top itself). */
void dfx_ignore_add_git(struct dfx_ignore *all, const char *text, size_t len, const char *prefix);
/* Drop the patterns from index n on (undoes dfx_ignore_add_git()). */
void dfx_ignore_truncate(struct dfx_ignore *ig, size_t n);
/* Glob match with '*', '?', '[..]', '\\' and '**' path segments. */
bool dfx_glob_match(const char *pat, const char *path);

/* ---------------------------------------------------------------- the .gitignore chain */

/*
 * How the .gitignore functions read files: the bytes a run sees now (a fix
 * of an earlier pass may have changed or created them), or NULL for a file
 * that does not exist. Callers pass their workspace's reader.
 */
struct dfx_ignore_files {
	const struct dfx_source *(*read)(void *arg, const char *path);
	void *arg;
};

enum dfx_ignore_git {
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
enum dfx_ignore_git dfx_ignore_git_status(const struct dfx_ignore_files *fs, const char *path, bool is_dir,
					  char **nearest);
/* The top of the .gitignore chain of file `path`: the directory holding .git above it, or the
   scan root ("." or "/") (caller frees). */
char *dfx_ignore_git_top(const char *path);
/* `path` relative to directory `dir` when `dir` is one of its ancestors, else `path` itself. */
const char *dfx_ignore_rel(const char *path, const char *dir);

/* Paths that a fix must leave git-ignored (and docker-ignored). */
struct dfx_ignore_paths {
	char **paths;
	bool *dirs;
	size_t n, cap;
};

void dfx_ignore_paths_add(struct dfx_ignore_paths *ig, const char *path, bool is_dir);
void dfx_ignore_paths_release(struct dfx_ignore_paths *ig);
/*
 * Add to `fix` the appends that make every listed path git-ignored: one
 * edit per .gitignore (the nearest one; created in `create_dir` when none
 * applies). Paths already ignored, or re-included with `!`, are skipped.
 * The patterns added are appended to `desc` ("secrets/, .env"). Returns
 * how many patterns were added.
 */
size_t dfx_ignore_git_fix(const struct dfx_ignore_files *fs, struct dfx_fix *fix, const struct dfx_ignore_paths *ig,
			  const char *create_dir, struct dfx_buf *desc);
/* Text that appends `lines` (LF-separated, each ending in '\n') to src in its own line-end style
   (a missing final line end first); src NULL or empty: LF (caller frees). */
char *dfx_ignore_append_text(const struct dfx_source *src, const char *lines);

#endif
