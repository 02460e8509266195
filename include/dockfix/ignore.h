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
/* Glob match with '*', '?', '[..]', '\\' and '**' path segments. */
bool dfx_glob_match(const char *pat, const char *path);

#endif
