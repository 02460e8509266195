/*
 * df105.c - DF105 context-copied-without-dockerignore: `COPY .` / `ADD .`
 * sends the whole build context into the image while the context's
 * .dockerignore is missing or does not exclude `.env*`, `.git`, `*.pem`,
 * `*.key` at every depth. Fix (safe unless the context holds a file it
 * would take out of the image): create the .dockerignore, or append the
 * missing patterns (never removing or reordering a user's line; the user's
 * own `!` re-includes that the new patterns would override are restated
 * after them, unless they re-include a required path); the result is
 * checked with the real matcher. References: Docker docs ".dockerignore
 * files" (moby/patternmatcher: last match wins, `!` re-includes).
 * Seed: "Secrets Baked into Layers", ".dockerignore".
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/ignore.h"
#include "dockfix/rule.h"
#include "dockfix/shellwords.h"

static const struct {
	const char *pattern;     /* appended when a probe is not excluded */
	const char *probes[3];   /* paths that must be excluded */
	bool dir;
} required[] = {
	{"**/.env*", {".env", ".env.production", "app/.env"}, false},
	{".git", {".git", NULL, NULL}, true},
	{"**/*.pem", {"server.pem", "certs/server.pem", NULL}, false},
	{"**/*.key", {"server.key", "certs/server.key", NULL}, false},
};

#define NREQ (sizeof(required) / sizeof(required[0]))

static bool whole_context(const char *src)
{
	return !strcmp(src, ".") || !strcmp(src, "./") || !strcmp(src, "*") || !strcmp(src, "./*");
}

/* Whether the .dockerignore `ign` (NULL: none) with `add` appended
   excludes every probe path of the requirements in `use`, as the real
   matcher reads it. */
static bool all_excluded(const struct dfx_source *ign, const char *add, size_t addlen, const bool *use)
{
	struct dfx_buf all = DFX_BUF_INIT;
	struct dfx_ignore ig;
	bool ok = true;

	if (ign)
		dfx_buf_add(&all, ign->data, ign->len);
	dfx_buf_add(&all, add ? add : "", add ? addlen : 0);
	dfx_ignore_parse(&ig, DFX_IGNORE_DOCKER, all.ptr, all.len);
	for (size_t r = 0; r < NREQ && ok; r++)
		for (size_t p = 0; use[r] && p < 3 && required[r].probes[p] && ok; p++)
			ok = dfx_ignore_match(&ig, required[r].probes[p], required[r].dir);
	dfx_ignore_release(&ig);
	dfx_buf_release(&all);
	return ok;
}

/* Whether the .dockerignore `ign` with `add` appended excludes the file `path`. */
static bool excludes(const struct dfx_source *ign, const char *add, size_t addlen, const char *path)
{
	struct dfx_buf all = DFX_BUF_INIT;
	struct dfx_ignore ig;
	bool hit;

	if (ign)
		dfx_buf_add(&all, ign->data, ign->len);
	dfx_buf_add(&all, add ? add : "", add ? addlen : 0);
	dfx_ignore_parse(&ig, DFX_IGNORE_DOCKER, all.ptr, all.len);
	hit = dfx_ignore_match(&ig, path, false);
	dfx_ignore_release(&ig);
	dfx_buf_release(&all);
	return hit;
}

/* The file's own `!` pattern that re-includes a probe path of requirement
   r on purpose, or NULL. */
static const char *reincluded(const struct dfx_ignore *ig, size_t r)
{
	for (size_t p = 0; p < ig->n; p++) {
		struct dfx_buf b = DFX_BUF_INIT;
		struct dfx_ignore one;
		bool hit = false;

		if (!ig->pats[p].negate)
			continue;
		dfx_buf_addf(&b, "**\n!%s\n", ig->pats[p].pat);
		dfx_ignore_parse(&one, DFX_IGNORE_DOCKER, b.ptr, b.len);
		for (size_t k = 0; k < 3 && required[r].probes[k] && !hit; k++)
			hit = !dfx_ignore_match(&one, required[r].probes[k], required[r].dir);
		dfx_ignore_release(&one);
		dfx_buf_release(&b);
		if (hit)
			return ig->pats[p].pat;
	}
	return NULL;
}

/* Whether a RUN step of the Dockerfile runs git (it may read .git). */
static bool runs_git(const struct dfx_dockerfile *df)
{
	const struct dfx_df_instr *in;
	bool hit = false;

	DFX_EACH_INSTR(df, in) {
		struct dfx_shellwords_script sc = {0};

		if (!dfx_df_is(in, "RUN"))
			continue;
		dfx_shellwords_run(&sc, in);
		for (size_t c = 0; c < sc.n && !hit; c++) {
			size_t p = dfx_shellwords_real_prog(&sc.cmds[c]);

			hit = p < sc.cmds[c].argc && !strcmp(dfx_shellwords_base(sc.cmds[c].argv[p]), "git");
		}
		dfx_shellwords_release(&sc);
		if (hit)
			break;
	}
	return hit;
}

/*
 * The first secret-looking file of the build context that the
 * .dockerignore lets in (`.env*`, `*.pem`, `*.key`, `id_rsa*`, `*.p12`),
 * and whether a `.git` folder is let in: a bounded walk (depth 4, 4096
 * entries) that skips node_modules. `rel` is the path below the context.
 */
struct ctx_scan {
	const struct dfx_ignore *ig;
	char *secret;     /* first secret-looking file, relative to the context */
	char *kept;       /* first file a required pattern matches (.env*, *.pem, *.key; also
			     .env.example): the image has it now, the fix would take it out */
	bool git;
	unsigned seen;
};

static bool pattern_named(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, ".env", 4) || (n > 4 && (!strcmp(name + n - 4, ".pem") || !strcmp(name + n - 4, ".key")));
}

static bool secret_looking(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, ".env", 4) || !strncmp(name, "id_rsa", 6) || !strncmp(name, "id_ed25519", 10) ||
	       (n > 4 && (!strcmp(name + n - 4, ".pem") || !strcmp(name + n - 4, ".key") ||
			  !strcmp(name + n - 4, ".p12") || !strcmp(name + n - 4, ".pfx")));
}

static void scan_dir(struct ctx_scan *sc, const char *dir, const char *rel, unsigned depth)
{
	DIR *d;
	struct dirent *e;

	if (depth > 4 || (sc->secret && sc->kept) || !(d = opendir(dir)))
		return;
	while (!(sc->secret && sc->kept) && sc->seen < 4096 && (e = readdir(d)) != NULL) {
		char *path, *sub;
		bool is_dir;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "node_modules"))
			continue;
		sc->seen++;
		is_dir = e->d_type == DT_DIR;
		sub = *rel ? dfx_path_join(rel, e->d_name) : dfx_xstrdup(e->d_name);
		if (dfx_ignore_match(sc->ig, sub, is_dir)) {
			free(sub);
			continue;
		}
		if (is_dir && !strcmp(e->d_name, ".git")) {
			sc->git = true;
		} else if (is_dir) {
			path = dfx_path_join(dir, e->d_name);
			scan_dir(sc, path, sub, depth + 1);
			free(path);
		} else if (e->d_type == DT_REG || e->d_type == DT_UNKNOWN) {
			if (!sc->kept && pattern_named(e->d_name))
				sc->kept = dfx_xstrdup(sub);
			if (!sc->secret && secret_looking(e->d_name) && strcmp(e->d_name, ".env.example") &&
			    strcmp(e->d_name, ".env.sample") && strcmp(e->d_name, ".env.template")) {
				sc->secret = sub;
				sub = NULL;
			}
		}
		free(sub);
	}
	closedir(d);
}

static void free_scan(void *p)
{
	struct ctx_scan *sc = p;

	free(sc->secret);
	free(sc->kept);
	free(sc);
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_wsfile *file = ctx->file;
	const struct dfx_dockerfile *df = file->df;
	const struct dfx_source *ign;
	struct dfx_ignore ig;
	bool missing[NREQ];
	size_t nmissing = 0;

	if (!file->dockerignore)
		return;
	ign = dfx_ws_read(ctx->ws, file->dockerignore);
	dfx_ignore_parse(&ig, DFX_IGNORE_DOCKER, ign ? ign->data : NULL, ign ? ign->len : 0);
	for (size_t r = 0; r < NREQ; r++) {
		missing[r] = false;
		for (size_t p = 0; p < 3 && required[r].probes[p]; p++)
			if (!dfx_ignore_match(&ig, required[r].probes[p], required[r].dir))
				missing[r] = true;
		nmissing += missing[r];
	}
	if (!nmissing) {
		dfx_ignore_release(&ig);
		return;
	}
	/* Severity: critical when a secret-looking file would be sent, high for the
	   git history, medium when the context holds neither (yet) */
	struct ctx_scan sc = {&ig, NULL, NULL, false, 0};
	const char *context = file->context ? file->context : ".";
	/* Dockerfiles sharing a context and its .dockerignore (bytes) share the scan */
	uint64_t h = ign ? dfx_fnv1a(DFX_FNV_OFFSET, ign->data, ign->len) : 0;
	char *key = dfx_xasprintf("DF105 %016llx %s", (unsigned long long)h, context);
	struct ctx_scan *memo = dfx_ws_memo(ctx->ws, key);

	if (memo) {
		sc.secret = memo->secret ? dfx_xstrdup(memo->secret) : NULL;
		sc.kept = memo->kept ? dfx_xstrdup(memo->kept) : NULL;
		sc.git = memo->git;
	} else {
		scan_dir(&sc, context, "", 0);
		memo = dfx_xmalloc(sizeof(*memo));
		*memo = sc;
		memo->ig = NULL;
		memo->secret = sc.secret ? dfx_xstrdup(sc.secret) : NULL;
		memo->kept = sc.kept ? dfx_xstrdup(sc.kept) : NULL;
		dfx_ws_memo_put(ctx->ws, key, memo, free_scan);
	}
	free(key);
	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		const char **srcs;
		size_t n;
		bool whole = false;

		if (!(dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD")) || dfx_df_instr_flag(in, "from") || in->nheredocs)
			continue;
		n = dfx_df_copy_sources(in, &srcs);
		for (size_t k = 0; k < n; k++)
			whole |= whole_context(srcs[k]);
		free(srcs);
		if (!whole)
			continue;

		struct dfx_buf names = DFX_BUF_INIT, text = DFX_BUF_INIT, used = DFX_BUF_INIT;
		const char *nl = ign ? dfx_source_eol(ign) : "\n", *overridden = NULL;
		struct dfx_finding *f;
		bool use[NREQ];
		size_t nuse = 0;

		for (size_t r = 0; r < NREQ; r++)
			if (missing[r])
				dfx_buf_addf(&names, "%s%s", names.len ? ", " : "", required[r].pattern);
		f = dfx_emit(ctx, in->span,
			       "%s copies the whole build context, and %s %s %s: secrets and the git history "
			       "can end up in the image",
			       in->cmd, file->dockerignore, ign ? "does not exclude" : "is missing; nothing excludes",
			       names.ptr);
		if (!f) {
			dfx_buf_release(&names);
			continue;
		}
		if (sc.secret) {
			char *m = dfx_xasprintf("%s (the context holds %s)", f->message, sc.secret);

			free(f->message);
			f->message = m;
		} else {
			dfx_finding_severity(ctx, f, sc.git ? DFX_SEV_HIGH : DFX_SEV_MEDIUM);
		}
		/* a path the build reads (.git for git) or the file re-includes on purpose
		   is left to an unsafe fix of its own; the others are excluded safely */
		for (size_t r = 0; r < NREQ; r++) {
			const char *re = missing[r] ? reincluded(&ig, r) : NULL;
			bool needs_git = missing[r] && !strcmp(required[r].pattern, ".git") && runs_git(df);

			use[r] = missing[r] && !re && !needs_git;
			nuse += use[r];
			if (re && !overridden)
				overridden = re;
		}
		if (!nuse)
			for (size_t r = 0; r < NREQ; r++)
				use[r] = missing[r];
		for (size_t r = 0; r < NREQ; r++)
			if (use[r])
				dfx_buf_addf(&used, "%s%s", used.len ? ", " : "", required[r].pattern);
		if (ign && ign->len && ign->data[ign->len - 1] != '\n')
			dfx_buf_adds(&text, nl);
		dfx_buf_addf(&text, "%s# secrets and VCS data stay out of the build context%s", ign && ign->len ? nl : "", nl);
		for (size_t r = 0; r < NREQ; r++)
			if (use[r])
				dfx_buf_addf(&text, "%s%s", required[r].pattern, nl);
		/* restate the user's re-includes that the new patterns would override,
		   unless one would include a required path again */
		for (size_t p = 0; p < ig.n; p++) {
			const char *pat = ig.pats[p].pat, *base = strrchr(pat, '/');
			bool hit = false;

			if (!ig.pats[p].negate)
				continue;
			base = base ? base + 1 : pat;
			for (size_t r = 0; r < NREQ; r++) {
				const char *rp = strrchr(required[r].pattern, '/');
				rp = rp ? rp + 1 : required[r].pattern;
				if (use[r] && dfx_glob_match(rp, base))
					hit = true;
			}
			if (!hit)
				continue;
			{
				size_t keep = text.len;

				dfx_buf_addf(&text, "!%s%s", pat, nl);
				if (!all_excluded(ign, text.ptr, text.len, use))
					text.ptr[text.len = keep] = '\0'; /* it re-includes what must stay out */
			}
		}
		if (!all_excluded(ign, text.ptr, text.len, use)) {
			f->hint = dfx_xasprintf("exclude %s in %s by hand: appending them does not exclude them",
						used.ptr, file->dockerignore);
			dfx_buf_release(&names);
			dfx_buf_release(&used);
			dfx_buf_release(&text);
			continue;
		}
		{
			bool takes_out = sc.kept && excludes(ign, text.ptr, text.len, sc.kept);
			enum dfx_applicability app = nuse && !takes_out ? DFX_FIX_SAFE : DFX_FIX_UNSAFE;
			char *why = !nuse ? (overridden ? dfx_xasprintf(" (unsafe: the file re-includes `%s` on purpose)",
									overridden)
						       : dfx_xstrdup(" (unsafe: a RUN step runs git, which may need .git)"))
				    : takes_out ? dfx_xasprintf(" (unsafe: the image has %s now, and the application or its "
								"build may read it: give it at run time instead, with "
								"env_file, a secret or a mounted file)", sc.kept)
						: dfx_xstrdup("");

			if (ign)
				f->fix = dfx_fix_new(app, "append %s to %s%s", used.ptr, file->dockerignore, why);
			else
				f->fix = dfx_fix_new(app, "create %s excluding %s%s", file->dockerignore, used.ptr, why);
			free(why);
		}
		if (ign)
			dfx_fix_edit(f->fix, file->dockerignore, (uint32_t)ign->len, (uint32_t)ign->len, text.ptr);
		else
			dfx_fix_create(f->fix, file->dockerignore, text.ptr, 0, 0644);
		dfx_buf_release(&names);
		dfx_buf_release(&used);
		dfx_buf_release(&text);
	}
	free(sc.secret);
	free(sc.kept);
	dfx_ignore_release(&ig);
}

const struct dfx_rule dfx_rule_df105 = {
	.code = "DF105",
	.name = "context-copied-without-dockerignore",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_SAFE,
	.summary = "COPY . sends the whole context while .dockerignore does not keep secrets out",
	.what = "Finds `COPY .` and `ADD .` (the whole build context) in a Dockerfile whose build "
		"context has no .dockerignore, or one that does not exclude `.env*`, `.git`, `*.pem` and "
		"`*.key` at every depth. The .dockerignore is `<Dockerfile>.dockerignore` beside the "
		"Dockerfile when it exists, else `.dockerignore` at the root of the build context (the "
		"compose `build.context` when a compose file builds this Dockerfile).",
	.why = "Everything in the context is copied into a layer: `.env` files, TLS and SSH keys, and "
	       "the whole git history. Deleting them in a later layer does not help; anyone who can "
	       "pull the image can extract them."
	       "\n\nSeverity: critical when the build context holds a secret-looking file the .dockerignore lets in (`.env*`, `*.pem`, `*.key`, `*.p12`, `id_rsa*`; the message names the first one found), high when it lets in a `.git` folder (the history), medium when neither is there yet.",
	.example = "COPY . /app/    # copies .env, .git, *.pem ...",
	.instead = "# .dockerignore\n**/.env*\n.git\n**/*.pem\n**/*.key\n\n# or copy explicitly\n"
		   "COPY package*.json /app/\nCOPY src/ /app/src/",
	.fix_safety = "Safe when the build context holds none of the files it excludes. The fix only creates the .dockerignore or appends the missing patterns; "
		      "it never removes or reorders a line. When the file re-includes something with `!` "
		      "that a new pattern would exclude again, that `!` line is restated after the new "
		      "patterns so the user's exception still holds - unless it would include a required "
		      "path again. The result is checked with the .dockerignore matcher itself (order, `!` "
		      "re-includes): a fix that would not exclude the paths is not offered. A required path "
		      "the file re-includes on purpose (`!.git`), or .git while a RUN step runs git, is left "
		      "to an unsafe fix of its own; the other patterns are still appended safely. Safe "
		      "means the image loses nothing it has now: when the context holds a file a new "
		      "pattern would take out (a `.env` the application loads with dotenv, a certificate "
		      "or key the server reads; the first 4096 entries, 4 folders deep, are looked at), "
		      "the fix is unsafe and names it, since the application or its build may read it.",
	.refs = "hadolint DL3045-adjacent; Docker docs: .dockerignore files; CIS Docker Benchmark 4.10",
	.check = check,
};
