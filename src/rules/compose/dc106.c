/*
 * dc106.c - DC106 secret-file-not-ignored: a top-level secret's `file:`,
 * or a service's `env_file` that holds credentials, is not excluded by the
 * .gitignore files that apply to it (the one in its directory and every
 * parent up to the repository root, deeper ones winning; gitignore(5)), so
 * `git add .` commits it. An env_file that is itself a checked .env target
 * is left to DI101.
 * Safe fix: append the path (or its `secrets/` folder) to the nearest
 * .gitignore, or create one beside the compose file.
 * Seed: "Default Credentials" (`file: ./secrets/db_password.txt # MUST NOT
 * be in git!`); the README's Fixes (generated secrets are git-ignored);
 * gitignore(5); CWE-538.
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"
#include "secretplan.h"
#include "dockfix/dotenv.h"
#include "dockfix/ignore.h"
#include "dockfix/secrets.h"

/*
 * Whether `path` lies inside the repository of `from` (a file): under the
 * directory holding .git above it, or under the directory dockfix runs in.
 */
static bool same_repo(const char *from, const char *path)
{
	char *clean = dfx_path_clean(path), *top = dfx_ignore_git_top(from);
	bool in;

	if (!strcmp(top, "."))
		in = clean[0] != '/' && strcmp(clean, "..") && strncmp(clean, "../", 3);
	else if (!strcmp(top, "/"))
		in = clean[0] == '/';
	else
		in = dfx_ignore_rel(clean, top) != clean;
	free(top);
	free(clean);
	return in;
}

static bool envish(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	return !strcmp(b, ".env") || !strncmp(b, ".env.", 5) || (n > 4 && !strcmp(b + n - 4, ".env"));
}

/* The folder of a secret file when it is a dedicated one (secrets/, .secrets/, ...), else NULL. */
static char *secret_folder(const char *path)
{
	char *dir = dfx_path_dir(path);
	const char *b = strrchr(dir, '/');

	b = b ? b + 1 : dir;
	if (strstr(b, "secret") || strstr(b, "Secret"))
		return dir;
	free(dir);
	return NULL;
}

/* Every compose file of the run that reads a file as a secret's `file:` or as an env_file, by the
   path it reads (spelled from the run's folder): entries `by` the compose file, at offset `off`. */
static void readers_build(struct dfx_workspace *ws, struct dfx_path_index *ix)
{
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];
		const struct dfx_compose *c = f->compose;
		char *dir;

		if (!f->target || f->failed || f->kind != DFX_KIND_COMPOSE || !c)
			continue;
		dir = dfx_path_dir(f->path);
		for (size_t k = 0; k < c->nsecrets; k++) {
			const struct dfx_compose_secret *sc = &c->secrets[k];

			if (!sc->external && dfx_dc_local_path(sc->file) && sc->file_ref.node)
				dfx_path_index_add(ix, dfx_path_join(dir, sc->file), f, NULL, sc->file_ref.node->span.start,
						   false);
		}
		for (size_t k = 0; k < c->nservices; k++)
			for (size_t j = 0; j < c->services[k].nenv_files; j++) {
				const struct dfx_compose_env_file *ef = &c->services[k].env_files[j];

				if (dfx_dc_local_path(ef->path))
					dfx_path_index_add(ix, dfx_path_join(dir, ef->path), f, NULL, ef->node->span.start,
							   false);
			}
		free(dir);
	}
}

/*
 * One file read by several compose files of the run is reported once: by
 * the first of them (in path order) that does not suppress DC106 there.
 * Returns whether the checked file is that one; `also` then names the
 * others. Each of them becomes a file this target reads, so that a fix
 * pass re-checks it when one changes.
 */
static bool first_reader(struct dfx_ctx *ctx, const char *path, struct dfx_buf *also)
{
	struct dfx_workspace *ws = ctx->ws;
	const char **names = NULL;
	size_t n = 0, cap = 0;
	bool first = true;

	const struct dfx_path_index *rd = dfx_ws_path_index(ws, "DC106 readers", readers_build);
	const struct dfx_wsfile *last = NULL;
	size_t end;

	for (size_t i = dfx_path_index_find(rd, path, &end); i < end; i++) {
		struct dfx_wsfile *f = rd->v[i].by;
		uint32_t off = rd->v[i].off;

		if (f == ctx->file || f == last)
			continue; /* the first entry of each file that reads it, as before */
		last = f;
		dfx_ws_file(ws, f->path); /* a file this target's finding depends on */
		if (dfx_compose_would_suppress(f->compose, ctx->rule->code, off))
			continue;
		if (strcmp(f->path, ctx->file->path) < 0)
			first = false;
		DFX_GROW(names, n + 1, cap);
		names[n++] = f->path;
	}
	if (first && n) {
		/* in path order, at most three named */
		for (size_t a = 1; a < n; a++)
			for (size_t b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
				const char *t = names[b];
				names[b] = names[b - 1];
				names[b - 1] = t;
			}
		dfx_buf_adds(also, " (also read by ");
		for (size_t k = 0; k < n && k < 3; k++)
			dfx_buf_addf(also, "%s%s", k ? (k + 1 == n ? " and " : ", ") : "", names[k]);
		if (n > 3)
			dfx_buf_addf(also, " and %zu more compose files", n - 3);
		dfx_buf_addc(also, ')');
	}
	free(names);
	return first;
}

/* Where a new .gitignore for `path` goes: beside the compose file (folder `cdir`) when `path` is below
   it, else in the folder that holds `path` (a pattern can only ignore what is below its file). */
static char *create_dir(const char *cdir, const char *path)
{
	if (!strcmp(cdir, ".") || dfx_ignore_rel(path, cdir) != path)
		return dfx_xstrdup(cdir);
	return dfx_path_dir(path);
}

/* dfx_ignore_git_fix() for paths that may need new .gitignore files in different folders. */
static void ignore_fix(const struct dfx_ignore_files *files, struct dfx_fix *fix, const struct dfx_ignore_paths *ig,
		       const char *cdir, struct dfx_buf *desc)
{
	bool *done = dfx_xcalloc(ig->n + 1, sizeof(*done));

	for (size_t i = 0; i < ig->n; i++) {
		struct dfx_ignore_paths sub = {0};
		char *dir;

		if (done[i])
			continue;
		dir = create_dir(cdir, ig->paths[i]);
		for (size_t k = i; k < ig->n; k++) {
			char *d = done[k] ? NULL : create_dir(cdir, ig->paths[k]);

			if (d && !strcmp(d, dir)) {
				dfx_ignore_paths_add(&sub, ig->paths[k], ig->dirs[k]);
				done[k] = true;
			}
			free(d);
		}
		{
			size_t mark = desc ? desc->len : 0;

			if (desc && desc->len)
				dfx_buf_adds(desc, ", ");
			if (!dfx_ignore_git_fix(files, fix, &sub, dir, desc) && desc && desc->ptr) {
				desc->len = mark; /* nothing added: no separator either */
				desc->ptr[mark] = '\0';
			}
		}
		dfx_ignore_paths_release(&sub);
		free(dir);
	}
	free(done);
}

/* Findings with a fix, for the combined fix: their index and what they add to .gitignore. */
struct combined {
	size_t *idx;
	size_t n;
	struct dfx_ignore_paths ig;
};

static void report(struct dfx_ctx *ctx, struct dfx_span at, const char *path, const char *what,
		   struct combined *all)
{
	struct dfx_ignore_files files = dfx_secretplan_files(ctx);
	char *nearest = NULL, *folder = secret_folder(path);
	enum dfx_ignore_git st = dfx_ignore_git_status(&files, path, false, &nearest);
	struct dfx_finding *f;
	struct dfx_ignore_paths ig = {0};
	struct dfx_buf desc = DFX_BUF_INIT, also = DFX_BUF_INIT;
	char *cdir, *gdir;

	if (st == DFX_GIT_IGNORED || !first_reader(ctx, path, &also))
		goto out;
	f = dfx_emit(ctx, at, "%s %s, which is not git-ignored%s: `git add .` commits it%s", what, path,
		       st == DFX_GIT_REINCLUDED ? " (a `!` line re-includes it)" : "", also.ptr ? also.ptr : "");
	if (!f)
		goto out;
	if (st == DFX_GIT_REINCLUDED) {
		f->hint = dfx_xasprintf("%s re-includes it on purpose with a `!` pattern: remove that line unless the "
					"file holds no secret", nearest ? nearest : ".gitignore");
		goto out;
	}
	cdir = dfx_path_dir(ctx->file->path);
	dfx_ignore_paths_add(&ig, folder ? folder : path, folder != NULL);
	f->fix = dfx_fix_new(DFX_FIX_SAFE, "x");
	gdir = create_dir(cdir, folder ? folder : path);
	if (!dfx_ignore_git_fix(&files, f->fix, &ig, gdir, &desc)) {
		/* the folder is ignored some other way: add the file itself */
		dfx_ignore_paths_release(&ig);
		dfx_ignore_paths_add(&ig, path, false);
		free(gdir);
		gdir = create_dir(cdir, path);
		dfx_ignore_git_fix(&files, f->fix, &ig, gdir, &desc);
	}
	free(gdir);
	free(f->fix->description);
	f->fix->description = dfx_xasprintf("add %s to %s", desc.ptr ? desc.ptr : path,
					    nearest ? nearest : "a new .gitignore");
	if (!f->fix->nedits) {
		dfx_fix_free(f->fix);
		f->fix = NULL;
		f->hint = dfx_xasprintf("add %s to .gitignore", path);
	} else {
		all->idx = dfx_xrealloc(all->idx, (all->n + 1) * sizeof(*all->idx));
		all->idx[all->n++] = (size_t)(f - ctx->out->v);
		for (size_t i = 0; i < ig.n; i++)
			dfx_ignore_paths_add(&all->ig, ig.paths[i], ig.dirs[i]);
	}
	free(cdir);
	dfx_buf_release(&desc);
	dfx_ignore_paths_release(&ig);
out:
	dfx_buf_release(&also);
	free(nearest);
	free(folder);
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	char *cdir = dfx_path_dir(ctx->file->path);
	char **done = NULL;
	size_t ndone = 0;
	struct combined all = {0};
	struct dfx_ignore_files files = dfx_secretplan_files(ctx);

	for (size_t i = 0; i < c->nsecrets; i++) {
		const struct dfx_compose_secret *s = &c->secrets[i];
		char *path;

		if (s->external || !dfx_dc_local_path(s->file) || !s->file_ref.node)
			continue;
		path = dfx_path_join(cdir, s->file);
		if (same_repo(ctx->file->path, path)) {
			char *what = dfx_xasprintf("secret `%s` reads", s->name);

			report(ctx, s->file_ref.node->span, path, what, &all);
			free(what);
		}
		free(path);
	}
	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *svc = &c->services[i];

		for (size_t j = 0; j < svc->nenv_files; j++) {
			const struct dfx_compose_env_file *ef = &svc->env_files[j];
			const struct dfx_source *src;
			struct dfx_wsfile *wf;
			char *path;
			bool dup = false;

			if (!dfx_dc_local_path(ef->path))
				continue;
			path = dfx_path_join(cdir, ef->path);
			for (size_t k = 0; k < ndone && !dup; k++)
				dup = !strcmp(done[k], path);
			wf = dfx_ws_file(ctx->ws, path);
			src = dfx_ws_read(ctx->ws, path);
			if (dup || !same_repo(ctx->file->path, path) ||
			    (wf->target && wf->kind == DFX_KIND_ENVFILE && !wf->linked) ||
			    (src ? !dfx_dotenv_has_secret(src->data, src->len) : (!envish(path) || !ef->required))) {
				free(path);
				continue;
			}
			done = dfx_xrealloc(done, (ndone + 1) * sizeof(*done));
			done[ndone++] = path;
			report(ctx, ef->node->span, path, src ? "env_file" : "env_file (not created yet)", &all);
		}
	}
	if (all.n > 1) {
		struct dfx_fix *fix = dfx_fix_new(DFX_FIX_SAFE, "x");
		struct dfx_buf desc = DFX_BUF_INIT;

		ignore_fix(&files, fix, &all.ig, cdir, &desc);
		free(fix->description);
		fix->description = dfx_xasprintf("add %s to .gitignore", desc.ptr ? desc.ptr : "the files");
		dfx_buf_release(&desc);
		dfx_secretplan_group(ctx, all.idx, all.n, fix);
	}
	free(all.idx);
	dfx_ignore_paths_release(&all.ig);
	for (size_t k = 0; k < ndone; k++)
		free(done[k]);
	free(done);
	free(cdir);
}

const struct dfx_rule dfx_rule_dc106 = {
	.code = "DC106",
	.name = "secret-file-not-ignored",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_SAFE,
	.summary = "A secret file the compose file reads is not git-ignored",
	.what = "Checks the files a compose file reads secrets from: the `file:` of every top-level "
		"secret, and every `env_file` that holds a credential (a credential-named variable with a "
		"value, or a credential value; an env_file that does not exist yet counts when it is named "
		"like .env). Each must be excluded by the .gitignore files that apply to it: the one in its "
		"directory and in every parent up to the repository root (the directory holding .git, or the "
		"directory dockfix runs in), plus .git/info/exclude. Absolute paths, paths outside the "
		"repository, variables and external secrets are skipped. A file that several compose files "
		"read is reported once, at the first of them by path, which names the others.",
	.why = "The compose file moves the password out of itself into a file; if that file is committed, "
	       "nothing was gained: the secret is in the repository, its forks and its history.",
	.example = "secrets:\n  db_password:\n    file: ./secrets/db_password.txt   # and no .gitignore entry",
	.instead = "# .gitignore\nsecrets/\n.env",
	.fix_safety = "Safe: the fix only appends a pattern to the nearest .gitignore (or creates one beside "
		      "the compose file): the secret's folder when it is a dedicated one (`secrets/`), else "
		      "the file's path; a file above the compose file's folder gets the new .gitignore in its own "
		      "folder, where the pattern can match it. A file that a `!` pattern re-includes on purpose "
		      "gets a hint instead. "
		      "A file that is already committed stays tracked: remove it with `git rm --cached` and "
		      "rotate the secret.",
	.refs = "gitignore(5); Compose Specification 09-secrets.md, 05-services.md env_file; CWE-538",
	.check = check,
};
