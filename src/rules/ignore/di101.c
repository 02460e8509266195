/*
 * di101.c - DI101 gitignore-missing-secrets: a `.env` or `.env.*` file
 * (templates such as .env.example are not checked) that holds a
 * credential (a credential-named variable with a real value, or a value
 * that is a credential by its form) and that the .gitignore files do not
 * exclude: the one in its directory and every parent up to the directory
 * holding `.git` (or the directory dockfix runs in), plus
 * .git/info/exclude, deeper files winning (gitignore(5)).
 * Safe fix: append the file's path to the nearest .gitignore, or create a
 * .gitignore beside it. A `!` pattern that re-includes it gets a hint.
 * A `# dockfix ignore=DI101` line in the file suppresses the finding.
 * Seed: ".dockerignore" (.env*), "Default Credentials" (MUST NOT be in
 * git!); CWE-538.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/dotenv.h"
#include "dockfix/ignore.h"
#include "dockfix/rule.h"

static bool suppressed(const struct dfx_source *s)
{
	const char *p = s->data, *end = s->data + s->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		const char *h = p;

		while (h < e && (*h == ' ' || *h == '\t'))
			h++;
		if (h < e && *h == '#') {
			char *line = dfx_xstrndup(h, (size_t)(e - h));
			char *at = strstr(line, "dockfix ignore=");
			bool hit = at && strstr(at, "DI101");

			free(line);
			if (hit)
				return true;
		}
		p = nl ? nl + 1 : end;
	}
	return false;
}

static const struct dfx_source *ws_read(void *ws, const char *path)
{
	return dfx_ws_read(ws, path);
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_ignore_files files = {ws_read, ctx->ws};
	struct dfx_wsfile *file = ctx->file;
	const struct dfx_source *s = &file->cur;
	char *nearest = NULL, *dir;
	enum dfx_ignore_git st;
	struct dfx_finding *f;
	struct dfx_span name, value;
	size_t count;
	char *key;

	if (file->linked)
		return; /* read by a compose env_file: DC106 reports it there */
	if (!dfx_dotenv_first_secret(s->data, s->len, &name, &value, &count) || suppressed(s))
		return;
	st = dfx_ignore_git_status(&files, file->path, false, &nearest);
	if (st == DFX_GIT_IGNORED) {
		free(nearest);
		return;
	}
	/* at the name of the first credential; its value is redacted when the line is shown */
	key = dfx_xstrndup(s->data + name.start, name.end - name.start);
	if (count > 1)
		f = dfx_emit(ctx, name, "%s holds credentials (%s and %zu more) and is not git-ignored%s: `git add .` "
			     "commits it", file->path, key, count - 1,
			     st == DFX_GIT_REINCLUDED ? " (a `!` line re-includes it)" : "");
	else
		f = dfx_emit(ctx, name, "%s holds a credential (%s) and is not git-ignored%s: `git add .` commits it",
			     file->path, key, st == DFX_GIT_REINCLUDED ? " (a `!` line re-includes it)" : "");
	free(key);
	if (!f) {
		free(nearest);
		return;
	}
	f->secret = value;
	if (st == DFX_GIT_REINCLUDED) {
		f->hint = dfx_xasprintf("%s re-includes it with a `!` pattern: remove that line, or move the "
					"credentials to a file that is ignored", nearest ? nearest : ".gitignore");
	} else {
		struct dfx_ignore_paths ig = {0};
		struct dfx_buf desc = DFX_BUF_INIT;

		dir = dfx_path_dir(file->path);
		dfx_ignore_paths_add(&ig, file->path, false);
		f->fix = dfx_fix_new(DFX_FIX_SAFE, "x");
		dfx_ignore_git_fix(&files, f->fix, &ig, dir, &desc);
		free(f->fix->description);
		f->fix->description = dfx_xasprintf("add %s to %s%s", desc.ptr ? desc.ptr : file->path,
						    nearest ? nearest : "a new .gitignore beside it",
						    " (if it is already committed: `git rm --cached` it and rotate the "
						    "credentials)");
		dfx_buf_release(&desc);
		dfx_ignore_paths_release(&ig);
		free(dir);
	}
	free(nearest);
}

const struct dfx_rule dfx_rule_di101 = {
	.code = "DI101",
	.name = "gitignore-missing-secrets",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_ENVFILE,
	.fix = DFX_FIX_SAFE,
	.summary = "A .env file with credentials is not git-ignored",
	.what = "Checks every `.env` and `.env.*` file found in the tree (templates named .example, "
		".sample, .template, .dist or .tmpl are not) that holds a credential: a credential-named "
		"variable with a real value (not empty, not a `${VAR}` reference, not a path or a switch "
		"word) or a value that is a credential by its form. It must be excluded by the .gitignore "
		"files that apply: the one in its directory and in every parent up to the directory that "
		"holds .git (or the directory dockfix runs in), and .git/info/exclude; a deeper file wins, "
		"the last matching pattern wins. The finding points at the name of the first credential "
		"and names it (never its value). Put `# dockfix ignore=DI101` in the file to keep it "
		"tracked on purpose.",
	.why = "A .env file is where Compose reads passwords and tokens from; one `git add .` publishes "
	       "them to everyone with access to the repository, and the history keeps them after the file "
	       "is deleted.",
	.example = "# .env (no .gitignore entry)\nPOSTGRES_PASSWORD=9dT4wq2LxZ7vKp3r",
	.instead = "# .gitignore\n.env\n\n# commit a template instead\n# .env.example\nPOSTGRES_PASSWORD=",
	.fix_safety = "Safe: the fix only appends the file's path to the nearest .gitignore (a bare `.env` "
		      "matches in every directory), or creates a .gitignore beside the file. It never removes "
		      "a line; when a `!` pattern re-includes the file on purpose, it gives a hint instead. A "
		      "file that is already committed stays tracked: `git rm --cached` it and rotate the "
		      "credentials.",
	.refs = "gitignore(5); GitHub secret scanning; CWE-538",
	.check = check,
};
