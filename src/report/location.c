/*
 * location.c - where the machine formats (SARIF, GitHub, GitLab) locate
 * files: the source root of a run, and paths relative to it (README
 * "Output formats"). Code scanning, annotations and Code Quality reports
 * name files relative to the repository, so the root is the git top level
 * - the nearest folder at or above the first PATH holding a `.git` entry
 * (a folder, or the file of a worktree or submodule; git's own discovery,
 * gitrepository-layout(5), without running git), honouring git's
 * GIT_CEILING_DIRECTORIES (colon-separated absolute folders the search
 * does not climb into) - else that PATH itself. Running from a subfolder
 * (`cd services && dockfix api`) then names files as running from the
 * root does.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/path.h"
#include "dockfix/report.h"

static char *cwd_path(void)
{
	size_t cap = 256;

	for (;;) {
		char *buf = dfx_xmalloc(cap);

		if (getcwd(buf, cap))
			return buf;
		free(buf);
		if (cap > 65536)
			return NULL;
		cap *= 2;
	}
}

char *dfx_report_abspath(const char *path)
{
	char *cwd, *j, *c;

	if (path[0] == '/')
		return dfx_path_clean(path);
	cwd = cwd_path();
	if (!cwd)
		return NULL;
	j = dfx_xasprintf("%s/%s", cwd, path);
	c = dfx_path_clean(j);
	free(j);
	free(cwd);
	return c;
}

/* Whether GIT_CEILING_DIRECTORIES lists the folder `dir` (absolute, clean). */
static bool ceiling(const char *dir)
{
	const char *v = getenv("GIT_CEILING_DIRECTORIES");

	while (v && *v) {
		size_t n = strcspn(v, ":");

		if (n && v[0] == '/') {
			char *one = dfx_xstrndup(v, n), *c = dfx_path_clean(one);
			bool hit = strcmp(c, dir) == 0;

			free(one);
			free(c);
			if (hit)
				return true;
		}
		v += n;
		if (*v == ':')
			v++;
	}
	return false;
}

char *dfx_report_srcroot(const char *path)
{
	struct stat st;
	char *start, *dir;

	if (!path || !*path || strcmp(path, "-") == 0)
		path = ".";
	start = dfx_report_abspath(path);
	if (!start)
		return NULL;
	if (stat(start, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *d = dfx_path_dir(start);

		free(start);
		start = d;
	}
	dir = dfx_xstrdup(start);
	for (;;) {
		char *git = dfx_path_join(dir, ".git"), *up;
		bool found = stat(git, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode));

		free(git);
		if (found) {
			free(start);
			return dir;
		}
		if (strcmp(dir, "/") == 0)
			break;
		up = dfx_path_dir(dir);
		if (ceiling(up)) {
			free(up);
			break;
		}
		free(dir);
		dir = up;
	}
	free(dir);
	return start;
}

char *dfx_report_relpath(const char *root, const char *path)
{
	char *r = dfx_report_abspath(root && *root ? root : "."), *p = dfx_report_abspath(path), *rel = NULL;
	size_t rl;

	if (!r || !p)
		goto out;
	rl = strlen(r);
	if (strcmp(r, "/") == 0)
		rel = dfx_xstrdup(p[1] ? p + 1 : ".");
	else if (strcmp(p, r) == 0)
		rel = dfx_xstrdup(".");
	else if (strncmp(p, r, rl) == 0 && p[rl] == '/')
		rel = dfx_xstrdup(p + rl + 1);
out:
	free(r);
	free(p);
	return rel;
}
