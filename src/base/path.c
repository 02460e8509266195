/*
 * path.c - lexical path arithmetic (no file system access): clean, join,
 * directory part. Paths are kept relative to the current directory when
 * they are under it, as the reports show them.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/path.h"

char *dfx_path_clean(const char *path)
{
	struct dfx_buf out = DFX_BUF_INIT;
	size_t *marks = NULL, nmarks = 0, cap = 0;
	bool abs = path[0] == '/';
	const char *p = path;

	if (abs)
		dfx_buf_addc(&out, '/');
	while (*p) {
		const char *s = p;
		size_t n;

		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		while (*p == '/')
			p++;
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.' && nmarks) {
			out.len = marks[--nmarks];
			out.ptr[out.len] = '\0';
			continue;
		}
		if (n == 2 && s[0] == '.' && s[1] == '.' && abs)
			continue;
		DFX_GROW(marks, nmarks + 1, cap);
		marks[nmarks++] = out.len;
		if (out.len && out.ptr[out.len - 1] != '/')
			dfx_buf_addc(&out, '/');
		if (n == 2 && s[0] == '.' && s[1] == '.')
			nmarks--; /* ".." that cannot be folded stays for good */
		dfx_buf_add(&out, s, n);
	}
	free(marks);
	if (!out.len)
		dfx_buf_addc(&out, '.');
	return dfx_buf_detach(&out);
}

char *dfx_path_join(const char *dir, const char *name)
{
	char *j, *c;

	if (name[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
		return dfx_path_clean(name);
	j = dfx_xasprintf("%s/%s", dir, name);
	c = dfx_path_clean(j);
	free(j);
	return c;
}

char *dfx_path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return dfx_xstrdup(".");
	if (slash == path)
		return dfx_xstrdup("/");
	return dfx_xstrndup(path, (size_t)(slash - path));
}

/* ---------------------------------------------------------------- path index */

void dfx_path_index_add(struct dfx_path_index *ix, char *path, void *by, const void *what, uint32_t off,
			bool flag)
{
	DFX_GROW(ix->v, ix->n + 1, ix->cap);
	ix->v[ix->n] = (struct dfx_path_ref){path, ix->n, by, what, off, flag};
	ix->n++;
}

static int cmp_ref(const void *x, const void *y)
{
	const struct dfx_path_ref *a = x, *b = y;
	int c = strcmp(a->path, b->path);

	return c ? c : a->seq < b->seq ? -1 : a->seq > b->seq;
}

void dfx_path_index_sort(struct dfx_path_index *ix)
{
	dfx_qsort(ix->v, ix->n, sizeof(*ix->v), cmp_ref);
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct dfx_path_ref *)elem)->path);
}

size_t dfx_path_index_find(const struct dfx_path_index *ix, const char *path, size_t *end)
{
	size_t lo = dfx_lower_bound(ix->v, ix->n, sizeof(*ix->v), path, cmp_key), hi = lo;

	while (hi < ix->n && !strcmp(ix->v[hi].path, path))
		hi++;
	*end = hi;
	return lo;
}

void dfx_path_index_free(void *p)
{
	struct dfx_path_index *ix = p;

	if (!ix)
		return;
	for (size_t i = 0; i < ix->n; i++)
		free(ix->v[i].path);
	free(ix->v);
	free(ix);
}
