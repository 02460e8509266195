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

/*
 * Entries that each name a path (a file a compose file reads, the
 * Dockerfile a service builds), found by path: sorted by path, then in the
 * order they were added, so all entries of one path form a run that a
 * binary search finds. `by` and `what` are the caller's (the file that
 * names the path, the service), `off` an offset in `by`, `flag` a kind.
 */
struct dfx_path_ref {
	char *path;
	size_t seq;
	void *by;         /* the caller's: the file that names the path */
	const void *what; /* the caller's: what in it names the path */
	uint32_t off;
	bool flag;
};

struct dfx_path_index {
	struct dfx_path_ref *v;
	size_t n, cap;
	uint64_t generation; /* for the workspace's memo (dfx_ws_path_index) */
};

/* Add an entry; the index takes `path` (allocated). */
void dfx_path_index_add(struct dfx_path_index *ix, char *path, void *by, const void *what, uint32_t off,
			bool flag);
/* Sort once every entry is added. */
void dfx_path_index_sort(struct dfx_path_index *ix);
/* The run of entries for `path`: returns its first index and sets *end past its last. */
size_t dfx_path_index_find(const struct dfx_path_index *ix, const char *path, size_t *end);
/* Free an index made with dfx_xcalloc and everything in it (a memo's free function). */
void dfx_path_index_free(void *ix);

#endif
