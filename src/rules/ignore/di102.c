/*
 * di102.c - DI102 keystore-not-ignored: a private key or key store that a
 * compose file's services mount from the project - Traefik's `acme.json`
 * (the Let's Encrypt account key and every certificate's private key),
 * Java and PKCS#12 stores (`*.jks`, `*.keystore`, `*.p12`, `*.pfx`),
 * private keys (`*.key`, `*key*.pem`) and `server.pass` - is not excluded
 * by the .gitignore files that apply to it, so `git add .` commits it. A
 * bind-mounted file is judged by its name (also before it exists: Traefik
 * creates acme.json); a bind-mounted directory by the key files in it on
 * disk. Top-level secrets' `file:` are DC106's.
 * Safe fix: append the file's path to the nearest .gitignore, or create a
 * .gitignore beside the compose file.
 *
 * References: gitignore(5); Traefik ACME docs (acme.json storage, mode
 * 600); CWE-538 (sensitive information in an externally accessible
 * file), CWE-321.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dockfix/ignore.h"
#include "dockfix/path.h"
#include "dockfix/rule.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* Whether a file name is a key store or private key. */
static bool keystore_name(const char *name)
{
	static const char *const exts[] = {".jks", ".keystore", ".p12", ".pfx", ".key", NULL};

	if (!strcmp(name, "acme.json") || !strcmp(name, "server.pass"))
		return true;
	for (size_t k = 0; exts[k]; k++)
		if (ends_with(name, exts[k]) && strlen(name) > strlen(exts[k]))
			return true;
	return ends_with(name, ".pem") && (strstr(name, "key") || strstr(name, "priv"));
}

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* A relative bind source inside the project: `./certs`, `acme.json`, no variables or URLs. */
static bool local_source(const struct dfx_compose_volume *v)
{
	const char *p = v->source;

	if (!p || !*p || p[0] == '/' || p[0] == '~' || p[0] == '\\' || strchr(p, '$') || strstr(p, "://"))
		return false;
	if (v->type && strcmp(v->type, "bind"))
		return false;
	return v->long_syntax ? true : dfx_compose_is_host_path(p);
}

static const struct dfx_source *ws_read(void *ws, const char *path)
{
	return dfx_ws_read(ws, path);
}

struct seen {
	char **v;
	size_t n;
};

static bool seen_add(struct seen *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], path))
			return false;
	s->v = dfx_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = dfx_xstrdup(path);
	return true;
}

static void report(struct dfx_ctx *ctx, const struct dfx_compose_service *s, const struct dfx_compose_volume *v,
		   const char *path, bool exists)
{
	struct dfx_ignore_files files = {ws_read, ctx->ws};
	char *nearest = NULL, *cdir;
	enum dfx_ignore_git st = dfx_ignore_git_status(&files, path, false, &nearest);
	struct dfx_ignore_paths ig = {0};
	struct dfx_buf desc = DFX_BUF_INIT;
	struct dfx_finding *f;

	if (st == DFX_GIT_IGNORED) {
		free(nearest);
		return;
	}
	f = dfx_emit(ctx, v->node->span,
		       "service `%s` mounts the key store `%s`%s, which is not git-ignored%s: `git add .` commits "
		       "the private keys in it",
		       s->name, path, exists ? "" : " (created when the service starts)",
		       st == DFX_GIT_REINCLUDED ? " (a `!` line re-includes it)" : "");
	if (!f) {
		free(nearest);
		return;
	}
	if (st == DFX_GIT_REINCLUDED) {
		f->hint = dfx_xasprintf("%s re-includes it with a `!` pattern: remove that line unless the file holds "
					"no private key", nearest ? nearest : ".gitignore");
		free(nearest);
		return;
	}
	cdir = dfx_path_dir(ctx->file->path);
	dfx_ignore_paths_add(&ig, path, false);
	f->fix = dfx_fix_new(DFX_FIX_SAFE, "x");
	dfx_ignore_git_fix(&files, f->fix, &ig, cdir, &desc);
	free(f->fix->description);
	f->fix->description = dfx_xasprintf("add %s to %s (if it is already committed: `git rm --cached` it and "
					    "replace the keys)",
					    desc.ptr ? desc.ptr : path, nearest ? nearest : "a new .gitignore");
	if (!f->fix->nedits) {
		dfx_fix_free(f->fix);
		f->fix = NULL;
		f->hint = dfx_xasprintf("add %s to .gitignore", path);
	}
	dfx_buf_release(&desc);
	dfx_ignore_paths_release(&ig);
	free(cdir);
	free(nearest);
}

/* The key files directly in a directory on disk, sorted. */
struct keys {
	char **v;
	size_t n;
};

static void free_keys(void *p)
{
	struct keys *k = p;

	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	free(k);
}

/* The key files directly in directory `dir` on disk, sorted (caller frees each and the array). */
static size_t list_keys(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL && n < 64) {
		char *p;
		struct stat sb;

		if (de->d_name[0] == '.' || !keystore_name(de->d_name))
			continue;
		p = dfx_path_join(dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
			*out = dfx_xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = p;
		} else {
			free(p);
		}
	}
	closedir(d);
	for (size_t i = 1; i < n; i++) /* insertion sort: readdir order is not stable */
		for (size_t j = i; j > 0 && strcmp((*out)[j - 1], (*out)[j]) > 0; j--) {
			char *t = (*out)[j];

			(*out)[j] = (*out)[j - 1];
			(*out)[j - 1] = t;
		}
	return n;
}

/* list_keys() once per directory for the run (services of many files mount the same one):
   the workspace owns the list. */
static const struct keys *keys_in(struct dfx_workspace *ws, const char *dir)
{
	char *key = dfx_xasprintf("DI102 %s", dir);
	struct keys *k = dfx_ws_memo(ws, key);

	if (!k) {
		k = dfx_xmalloc(sizeof(*k));
		k->n = list_keys(dir, &k->v);
		dfx_ws_memo_put(ws, key, k, free_keys);
	}
	free(key);
	return k;
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;
	char *cdir = dfx_path_dir(ctx->file->path);
	struct seen seen = {0};

	DFX_EACH_SERVICE(c, s) {
		for (size_t j = 0; j < s->nvolumes; j++) {
			const struct dfx_compose_volume *v = &s->volumes[j];
			struct stat sb;
			char *clean, *path;

			if (!v->valid || !local_source(v))
				continue;
			clean = dfx_path_clean(v->source);
			if (!strcmp(clean, "..") || !strncmp(clean, "../", 3)) {
				free(clean);
				continue; /* outside the project */
			}
			path = dfx_path_join(cdir, clean);
			free(clean);
			if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				const struct keys *keys = keys_in(ctx->ws, path);

				for (size_t k = 0; k < keys->n; k++)
					if (seen_add(&seen, keys->v[k]))
						report(ctx, s, v, keys->v[k], true);
			} else if (keystore_name(base_of(path)) && seen_add(&seen, path)) {
				report(ctx, s, v, path, stat(path, &sb) == 0);
			}
			free(path);
		}
	}
	for (size_t i = 0; i < seen.n; i++)
		free(seen.v[i]);
	free(seen.v);
	free(cdir);
}

const struct dfx_rule dfx_rule_di102 = {
	.code = "DI102",
	.name = "keystore-not-ignored",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_SAFE,
	.summary = "A key store or private key a service mounts is not git-ignored",
	.what = "Checks the project files that services bind-mount: a file named `acme.json`, "
		"`server.pass`, `*.jks`, `*.keystore`, `*.p12`, `*.pfx`, `*.key` or `*key*.pem` (also "
		"when it does not exist yet: Traefik creates acme.json), and those files directly inside "
		"a mounted directory (`./letsencrypt:/letsencrypt` holding acme.json). Each must be "
		"excluded by the .gitignore files that apply (the one in its directory and every parent "
		"up to the repository root, deeper ones winning). Absolute and `../` paths and variables "
		"are not judged; top-level secrets' `file:` is DC106.",
	.why = "These files hold private keys: acme.json has the Let's Encrypt account key and the key "
	       "of every certificate Traefik obtained, a .jks/.p12 store the server's TLS key. Once "
	       "committed they are in every clone and in the history for good; whoever has them can "
	       "impersonate the site or decrypt recorded traffic until the certificates are revoked.",
	.example = "services:\n  proxy:\n    image: traefik:v3.6\n    volumes:\n      - ./letsencrypt:/letsencrypt\n"
		   "# .gitignore does not list letsencrypt/acme.json",
	.instead = "# .gitignore\nletsencrypt/acme.json",
	.fix_safety = "Safe: adding a path to .gitignore changes what `git add` picks up, not what the "
		      "services see. A file that is already committed stays tracked: remove it with "
		      "`git rm --cached` and replace the keys.",
	.refs = "gitignore(5); Traefik ACME documentation (storage, acme.json); CWE-538; CWE-321",
	.check = check,
};
