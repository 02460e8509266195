/*
 * discover.c - walk the PATH arguments and classify files by name
 * (SPEC §1): Dockerfiles, compose files, .env files. Directories named
 * .git, node_modules and vendor are skipped; symbolic links to directories
 * are not followed. Results are sorted so output order is deterministic.
 *
 * What a walk finds is skipped when the configuration's `exclude:` matches
 * it, or when git would ignore it (gitignore(5): the .gitignore files from
 * the repository's top down, the repository's info/exclude; read directly,
 * without running git; a directory git ignores is not entered, as git does
 * not). A PATH named on the command line is always checked.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dockfix/compose.h"
#include "dockfix/discover.h"
#include "dockfix/ignore.h"

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static bool is_yaml(const char *s)
{
	return has_suffix(s, ".yml") || has_suffix(s, ".yaml");
}

enum dfx_kind dfx_discover_kind(const char *path)
{
	const char *name = strrchr(path, '/');

	name = name ? name + 1 : path;
	if (has_suffix(name, ".dockerignore"))
		return DFX_KIND_UNKNOWN;
	if (strcmp(name, "Dockerfile") == 0 || strncmp(name, "Dockerfile.", 11) == 0 ||
	    has_suffix(name, ".Dockerfile") || has_suffix(name, ".dockerfile") ||
	    strncmp(name, "Containerfile", 13) == 0)
		return DFX_KIND_DOCKERFILE;
	if (is_yaml(name) && (strncmp(name, "compose.", 8) == 0 || strncmp(name, "docker-compose.", 15) == 0))
		return DFX_KIND_COMPOSE;
	if (strcmp(name, ".env") == 0 ||
	    (strncmp(name, ".env.", 5) == 0 && !has_suffix(name, ".example") && !has_suffix(name, ".sample") &&
	     !has_suffix(name, ".template") && !has_suffix(name, ".dist") && !has_suffix(name, ".tmpl")))
		return DFX_KIND_ENVFILE;
	return DFX_KIND_UNKNOWN;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One walk: the git patterns seen so far, relative to the repository top. */
struct walk {
	struct dfx_workspace *ws;
	struct dfx_ignore git;
};

/* `abs` relative to directory `dir` (both absolute, clean), or NULL when outside it. */
static const char *under(const char *abs, const char *dir)
{
	size_t n;

	if (!dir)
		return NULL;
	if (!strcmp(dir, "/"))
		return abs + 1;
	n = strlen(dir);
	if (!strcmp(abs, dir))
		return "";
	return !strncmp(abs, dir, n) && abs[n] == '/' ? abs + n + 1 : NULL;
}

static void add_gitignore(struct walk *w, const char *path, const char *prefix)
{
	struct dfx_source src;
	struct dfx_error err = {0};
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	if (dfx_source_load(&src, path, &err) != 0) {
		dfx_error_release(&err);
		return;
	}
	dfx_ignore_add_git(&w->git, src.data, src.len, prefix && *prefix ? prefix : NULL);
	dfx_source_release(&src);
}

/* The repository's info/exclude: in .git, or in the git directory a `.git`
   file names (a worktree: in its common directory). */
static void add_info_exclude(struct walk *w, const char *top)
{
	char *dotgit = dfx_path_join(top, ".git"), *gitdir = NULL, *ex;
	struct stat st;

	if (lstat(dotgit, &st) == 0 && S_ISDIR(st.st_mode)) {
		gitdir = dotgit;
		dotgit = NULL;
	} else {
		struct dfx_source src;
		struct dfx_error err = {0};

		if (dfx_source_load(&src, dotgit, &err) == 0) {
			if (src.len > 8 && !strncmp(src.data, "gitdir: ", 8)) {
				size_t n = strcspn(src.data + 8, "\r\n");
				char *g = dfx_xstrndup(src.data + 8, n);

				gitdir = g[0] == '/' ? dfx_xstrdup(g) : dfx_path_join(top, g);
				free(g);
			}
			dfx_source_release(&src);
		} else {
			dfx_error_release(&err);
		}
	}
	free(dotgit);
	if (!gitdir)
		return;
	{
		char *cd = dfx_path_join(gitdir, "commondir");
		struct dfx_source src;
		struct dfx_error err = {0};

		if (dfx_source_load(&src, cd, &err) == 0) {
			size_t n = strcspn(src.data, "\r\n");
			char *c = dfx_xstrndup(src.data, n);
			char *common = c[0] == '/' ? dfx_xstrdup(c) : dfx_path_join(gitdir, c);

			free(c);
			free(gitdir);
			gitdir = common;
			dfx_source_release(&src);
		} else {
			dfx_error_release(&err);
		}
		free(cd);
	}
	ex = dfx_path_join(gitdir, "info/exclude");
	add_gitignore(w, ex, NULL);
	free(ex);
	free(gitdir);
}

/*
 * Start a walk at directory `abs`: its repository's top (the nearest
 * directory above holding .git; the walk's own directory when there is
 * none), info/exclude, and the .gitignore files from the top down to it.
 * Returns the top (caller frees).
 */
static char *walk_start(struct walk *w, const char *abs)
{
	char *top = dfx_xstrdup(abs), *d;
	struct stat st;

	for (;;) {
		char *git = dfx_path_join(top, ".git"), *up;
		bool found = lstat(git, &st) == 0;

		free(git);
		if (found)
			break;
		if (!strcmp(top, "/")) {
			free(top);
			top = dfx_xstrdup(abs);
			break;
		}
		up = dfx_path_dir(top);
		free(top);
		top = up;
	}
	add_info_exclude(w, top);
	/* top, then each directory below it down to abs */
	d = dfx_xstrdup(abs);
	{
		char **chain = NULL;
		size_t n = 0, cap = 0;

		for (;;) {
			DFX_GROW(chain, n + 1, cap);
			chain[n++] = d;
			if (!strcmp(d, top) || !strcmp(d, "/") || n > 64)
				break;
			d = dfx_path_dir(d);
		}
		for (size_t k = n; k-- > 0;) {
			char *gi = dfx_path_join(chain[k], ".gitignore");

			add_gitignore(w, gi, under(chain[k], top));
			free(gi);
			free(chain[k]);
		}
		free(chain);
	}
	return top;
}

/* `dir` is the path as the user wrote it, `abs` the same directory
   absolute, `grel` it relative to the repository top. */
static size_t walk(struct walk *w, const char *dir, const char *abs, const char *grel, unsigned depth)
{
	struct dfx_workspace *ws = w->ws;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, added = 0;

	if (depth > 64)
		return 0;
	d = opendir(dir);
	if (!d) {
		struct dfx_wsfile *f = dfx_ws_add_target(ws, dir, DFX_KIND_UNKNOWN);
		f->failed = true;
		dfx_error_set(&f->err, f->path, 0, 0, "cannot read directory: %s", strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		DFX_GROW(names, n + 1, cap);
		names[n++] = dfx_xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		dfx_qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *p = dfx_path_join(dir, names[i]);
		char *pabs = dfx_path_join(abs, names[i]);
		char *prel = *grel ? dfx_path_join(grel, names[i]) : dfx_xstrdup(names[i]);
		struct stat st;
		enum dfx_kind k;
		bool is_dir = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
		const char *crel = under(pabs, ws->config ? ws->config->root : NULL);

		if (!strcmp(names[i], ".git") || dfx_config_excluded(ws->config, crel, is_dir) ||
		    dfx_ignore_match_entry(&w->git, prel, is_dir)) {
			/* skipped: git's own folder, excluded or git-ignored */
		} else if (is_dir) {
			if (strcmp(names[i], "node_modules") && strcmp(names[i], "vendor")) {
				size_t mark = w->git.n;
				char *gi = dfx_path_join(p, ".gitignore");

				add_gitignore(w, gi, prel);
				free(gi);
				added += walk(w, p, pabs, prel, depth + 1);
				dfx_ignore_truncate(&w->git, mark);
			}
		} else if ((k = dfx_discover_kind(names[i])) != DFX_KIND_UNKNOWN) {
			int rc = stat(p, &st);

			if (rc == 0 && S_ISREG(st.st_mode)) {
				dfx_ws_add_target(ws, p, k);
				added++;
			} else if ((rc != 0 && errno == ELOOP) || (rc == 0 && !S_ISDIR(st.st_mode))) {
				/* reported, not skipped (dfx_ws_add_target says why); never opened */
				dfx_ws_add_target(ws, p, k);
				added++;
			}
		}
		free(prel);
		free(pabs);
		free(p);
		free(names[i]);
	}
	free(names);
	return added;
}

size_t dfx_discover(struct dfx_workspace *ws, const char *path)
{
	struct stat st;
	enum dfx_kind k;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct walk w = {ws, {DFX_IGNORE_GIT, NULL, 0, 0}};
		char *abs = realpath(path, NULL), *top;
		size_t added;

		if (!abs)
			abs = dfx_path_clean(path);
		top = walk_start(&w, abs);
		added = walk(&w, path, abs, under(abs, top) ? under(abs, top) : "", 0);
		dfx_ignore_release(&w.git);
		free(top);
		free(abs);
		return added;
	}
	k = dfx_discover_kind(path);
	if (k == DFX_KIND_UNKNOWN)
		k = is_yaml(path) ? DFX_KIND_COMPOSE : DFX_KIND_DOCKERFILE;
	dfx_ws_add_target(ws, path, k);
	return 1;
}

/* The .dockerignore of a Dockerfile: <Dockerfile>.dockerignore beside it wins over <context>/.dockerignore. */
static void set_context(struct dfx_workspace *ws, struct dfx_wsfile *f, const char *context)
{
	char *own = dfx_xasprintf("%s.dockerignore", f->path);

	free(f->context);
	free(f->dockerignore);
	f->context = dfx_path_clean(context);
	if (dfx_ws_read(ws, own))
		f->dockerignore = own;
	else {
		free(own);
		f->dockerignore = dfx_path_join(f->context, ".dockerignore");
	}
}

/* The compose files a target pulls in (`extends: {file:}`, `include:`) are checked too:
   what they set is part of the application. */
static void add_related(struct dfx_workspace *ws, struct dfx_wsfile *c)
{
	char **rel;
	size_t n = dfx_compose_related(c->compose, c->path, &rel);

	for (size_t k = 0; k < n; k++) {
		struct dfx_wsfile *r = dfx_ws_file(ws, rel[k]);

		if (r->on_disk && !r->target && (r->kind == DFX_KIND_UNKNOWN || r->kind == DFX_KIND_COMPOSE))
			dfx_ws_add_target(ws, rel[k], DFX_KIND_COMPOSE);
		free(rel[k]);
	}
	free(rel);
}

/*
 * The env files a checked compose file reads (`env_file:`) inside the
 * project join as targets, whatever their name (keycloak.env), for the
 * rules that judge their values. Whether one is git-ignored is DC106's
 * finding at the compose entry, so they are marked `linked`.
 */
static void add_env_files(struct dfx_workspace *ws, struct dfx_wsfile *c)
{
	char *dir = dfx_path_dir(c->path);

	for (size_t i = 0; i < c->compose->nservices; i++)
		for (size_t j = 0; j < c->compose->services[i].nenv_files; j++) {
			const char *p = c->compose->services[i].env_files[j].path;
			char *path, *clean;
			struct dfx_wsfile *e;

			if (!p || !*p || p[0] == '/' || p[0] == '~' || dfx_compose_is_interpolated(p))
				continue;
			path = dfx_path_join(dir, p);
			clean = dfx_path_clean(path);
			if (strcmp(clean, "..") && strncmp(clean, "../", 3) && (e = dfx_ws_file(ws, clean))->on_disk &&
			    !e->target && e->kind != DFX_KIND_COMPOSE && e->kind != DFX_KIND_DOCKERFILE &&
			    (e = dfx_ws_add_target(ws, clean, DFX_KIND_ENVFILE)) != NULL)
				e->linked = true;
			free(clean);
			free(path);
		}
	free(dir);
}

void dfx_discover_link(struct dfx_workspace *ws)
{
	/* the targets found so far are parsed together, on ws->jobs threads;
	   those linked below are parsed as they join */
	dfx_ws_parse_targets(ws);
	ws->defer_parse = false;
	/* ws->n grows as related compose files join: they are linked in turn */
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *c = ws->files[i];

		if (c->kind != DFX_KIND_COMPOSE || !c->compose)
			continue;
		if (c->target) {
			add_related(ws, c);
			add_env_files(ws, c);
		}
		for (size_t b = 0; b < c->compose->nservices; b++) {
			char *ctx;
			char *dfp = dfx_compose_build_dockerfile(&c->compose->services[b], c->path, &ctx);

			if (!dfp)
				continue;
			struct dfx_wsfile *df = dfx_ws_file(ws, dfp);

			if (df->on_disk && df->kind != DFX_KIND_COMPOSE && !strstr(ctx, "://")) {
				if (!df->target)
					dfx_ws_add_target(ws, dfp, DFX_KIND_DOCKERFILE);
				if (!df->context)
					set_context(ws, df, ctx);
			}
			free(ctx);
			free(dfp);
		}
	}
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];

		if (f->kind == DFX_KIND_DOCKERFILE && f->target && !f->context) {
			char *dir = dfx_path_dir(f->path);
			set_context(ws, f, dir);
			free(dir);
		}
	}
}
