/*
 * discover.c - walk the PATH arguments and classify files by name
 * (SPEC §1): Dockerfiles, compose files, .env files. Directories named
 * .git, node_modules and vendor are skipped; symbolic links to directories
 * are not followed. Results are sorted so output order is deterministic.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dockfix/compose.h"
#include "dockfix/discover.h"

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

static size_t walk(struct dfx_workspace *ws, const char *dir, unsigned depth)
{
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
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *p = dfx_path_join(dir, names[i]);
		struct stat st;
		enum dfx_kind k;

		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (strcmp(names[i], ".git") && strcmp(names[i], "node_modules") && strcmp(names[i], "vendor"))
				added += walk(ws, p, depth + 1);
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

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return walk(ws, path, 0);
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

void dfx_discover_link(struct dfx_workspace *ws)
{
	/* ws->n grows as related compose files join: they are linked in turn */
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *c = ws->files[i];

		if (c->kind != DFX_KIND_COMPOSE || !c->compose)
			continue;
		if (c->target)
			add_related(ws, c);
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
