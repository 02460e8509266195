/*
 * df103.c - DF103 secret-file-copied: COPY/ADD of a file that looks like a
 * secret (.env*, *.pem, *.key, id_rsa*, id_ed25519*, .npmrc, .pypirc,
 * .netrc, .git-credentials, credentials.json, *.p12, *.pfx, .aws/, .ssh/,
 * kubeconfig; templates such as .env.example and public certificates or
 * signing keys are left out). Unsafe fix for the straightforward case - one
 * file copied by itself, read by later RUNs of the same stage, maybe
 * deleted by a RUN that only removes it: the COPY (and that rm) go, and
 * each reading RUN gets `--mount=type=secret,id=<name>,target=<path>`.
 * Seed: "Secrets Baked into Layers" (`COPY .env /app/.env ... RUN rm`);
 * Trivy DS-0031 (copied secret files); CIS Docker Benchmark 4.10.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/build.h"
#include "dockfix/dfedit.h"
#include "dockfix/shellwords.h"
#include "dockfix/rule.h"

#define MAX_FIX_TRIES 8 /* copies per file whose fix is worked out (each scans the stage) */

/* USER value is root (or none given). */
static bool root_user(const char *u)
{
	size_t n = strcspn(u, ":");

	return n == 0 || (n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0');
}

/* Whether the RUN at index i runs as root (the last USER before it, in its stage chain). */
static bool runs_as_root(const struct dfx_dockerfile *df, size_t i)
{
	int s = df->instrs[i].stage;
	size_t guard = 0;

	while (s >= 0 && guard++ <= df->nstages) {
		const struct dfx_df_stage *st = &df->stages[s];
		size_t end = st->last < i ? st->last : i;

		for (size_t k = end + 1; k-- > st->first;)
			if (dfx_df_is(&df->instrs[k], "USER"))
				return df->instrs[k].nwords && root_user(df->instrs[k].words[0].text);
		s = st->parent;
	}
	return true;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
}

static bool path_char(char c)
{
	return is_name_char(c) || c == '.' || c == '-' || c == '/' || c == '~';
}

/* `path` in `text`, not as a part of a longer path or name. */
static bool text_mentions_path(const char *text, const char *path)
{
	size_t len = strlen(path);

	if (!text || !len)
		return false;
	for (const char *p = strstr(text, path); p; p = strstr(p + 1, path))
		if ((p == text || !path_char(p[-1])) && !path_char(p[len]))
			return true;
	return false;
}

static bool run_mentions_path(const struct dfx_df_instr *in, const char *path)
{
	if (text_mentions_path(in->args_text, path))
		return true;
	for (size_t k = 0; k < in->argc; k++)
		if (text_mentions_path(in->argv[k], path))
			return true;
	for (size_t h = 0; h < in->nheredocs; h++)
		if (text_mentions_path(in->heredocs[h].content, path))
			return true;
	return false;
}

/* Whether instruction `in` mentions the copied file: its absolute path, or
   its name when `rel` (the instruction runs in the file's directory). */
static bool mentions(const struct dfx_df_instr *in, const char *target, bool rel)
{
	const char *base = dfx_shellwords_base(target);
	bool hit = run_mentions_path(in, target);

	if (!hit && rel) {
		char *dot = dfx_xasprintf("./%s", base);

		hit = run_mentions_path(in, base) || run_mentions_path(in, dot);
		free(dot);
	}
	return hit;
}

/* Whether a RUN does nothing but remove the copied file. */
static bool rm_only(const struct dfx_dockerfile *df, size_t i, const char *wd, const struct dfx_build_copied *c)
{
	struct dfx_shellwords_script sc = {0};
	char **t;
	size_t nt = dfx_build_rm_targets(df, i, wd, &t);
	bool only = nt > 0;

	for (size_t k = 0; k < nt; k++) {
		only = only && dfx_build_removes(c, t[k]);
		free(t[k]);
	}
	free(t);
	if (only) {
		dfx_shellwords_run(&sc, &df->instrs[i]);
		for (size_t k = 0; k < sc.n && only; k++) {
			size_t p = dfx_shellwords_real_prog(&sc.cmds[k]);
			const char *prog = p < sc.cmds[k].argc ? dfx_shellwords_base(sc.cmds[k].argv[p]) : "";

			only = !strcmp(prog, "rm") || !strcmp(prog, "shred") || !strcmp(prog, "unlink");
		}
		dfx_shellwords_release(&sc);
	}
	return only;
}

/* Whether a RUN removes the copied file among other things. */
static bool removes(const struct dfx_dockerfile *df, size_t i, const char *wd, const struct dfx_build_copied *c)
{
	char **t;
	size_t nt = dfx_build_rm_targets(df, i, wd, &t);
	bool hit = false;

	for (size_t k = 0; k < nt; k++) {
		hit = hit || dfx_build_removes(c, t[k]);
		free(t[k]);
	}
	free(t);
	return hit;
}

static char *secret_id(const char *target)
{
	const char *base = dfx_shellwords_base(target);
	char *id;

	while (*base == '.')
		base++;
	id = dfx_xstrdup(*base ? base : "secret");
	for (char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			*p = '_';
	return id;
}

/* The fix for the straightforward case, or NULL. */
static struct dfx_fix *make_fix(struct dfx_ctx *ctx, const struct dfx_build_copied *c, const char *const *wds)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_instr *in = &df->instrs[c->instr];
	const char **srcs;
	size_t ns = dfx_df_copy_sources(in, &srcs), nreaders = 0, nrm = 0;
	size_t readers[64], rms[16];
	char *dir, *id, *mount;
	struct dfx_buf rl = DFX_BUF_INIT, ml = DFX_BUF_INIT;
	struct dfx_fix *fix;

	free(srcs);
	if (ns != 1 || c->dir || strpbrk(c->src, "*?[") || in->nflags)
		return NULL;
	dir = dfx_path_dir(c->target);
	for (size_t i = c->instr + 1; i < df->ninstrs; i++) {
		const struct dfx_df_instr *r = &df->instrs[i];
		bool rel, hit;

		if (dfx_df_is(r, "CMD") || dfx_df_is(r, "ENTRYPOINT") || dfx_df_is(r, "HEALTHCHECK")) {
			/* the running container reads it: it must come at run time */
			if (mentions(r, c->target, true))
				goto bail;
			continue;
		}
		if (r->stage != in->stage || !dfx_df_is(r, "RUN"))
			continue;
		rel = !strcmp(wds[i], dir);
		hit = mentions(r, c->target, rel);
		if (rm_only(df, i, wds[i], c)) {
			if (nrm == 16)
				goto bail;
			rms[nrm++] = i;
			continue;
		}
		if (!hit)
			continue;
		if (removes(df, i, wds[i], c) || !runs_as_root(df, i) || nreaders == 64 ||
		    dfx_dfedit_has_secret_mount(r, "target", c->target))
			goto bail;
		readers[nreaders++] = i;
	}
	if (!nreaders)
		goto bail;
	id = secret_id(c->target);
	mount = dfx_xasprintf("--mount=type=secret,id=%s,target=%s ", id, c->target);
	fix = dfx_fix_new(DFX_FIX_UNSAFE, "%s", "");
	dfx_dfedit_delete_instr(fix, ctx->file->path, df, in);
	for (size_t k = 0; k < nreaders; k++) {
		const struct dfx_df_instr *r = &df->instrs[readers[k]];
		uint32_t at = r->args.start;

		dfx_fix_edit(fix, ctx->file->path, at, at, mount);
		dfx_buf_addf(&rl, "%s%u", k ? ", " : "", r->line);
	}
	for (size_t k = 0; k < nrm; k++) {
		const struct dfx_df_instr *r = &df->instrs[rms[k]];

		dfx_dfedit_delete_instr(fix, ctx->file->path, df, r);
		dfx_buf_addf(&ml, "%s%u", k ? ", " : "", r->line);
	}
	free(fix->description);
	fix->description = dfx_xasprintf("mount %s as the build secret `%s` at %s in the RUN on line%s %s instead "
					 "of copying it into a layer (build with `docker build --secret id=%s,src=%s`)"
					 "%s%s%s",
					 c->src, id, c->target, nreaders > 1 ? "s" : "", rl.ptr, id, c->src,
					 nrm ? "; the RUN on line " : "", nrm ? ml.ptr : "",
					 nrm ? " that deleted it goes too" : "");
	dfx_buf_release(&rl);
	dfx_buf_release(&ml);
	free(mount);
	free(id);
	free(dir);
	return fix;
bail:
	free(dir);
	return NULL;
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	struct dfx_build_copied *v;
	size_t n = dfx_build_copied_secrets(df, &v), tries = 0;
	struct dfx_build_wds wds = {0};

	for (size_t i = 0; i < n; i++) {
		const struct dfx_build_copied *c = &v[i];
		const struct dfx_df_instr *in = &df->instrs[c->instr];
		const struct dfx_df_flag *from = dfx_df_instr_flag(in, "from");
		struct dfx_span sp = c->word != (size_t)-1 ? in->words[c->word].span : in->span;
		struct dfx_finding *f;
		char *id;

		f = dfx_emit(ctx, sp,
			       "%s puts %s (%s) into a layer of the image%s: it stays in the image history even if a "
			       "later step deletes it, and anyone who can pull the image can read it",
			       in->cmd, c->src, c->what, from ? " from another stage" : "");
		if (!f)
			continue;
		id = secret_id(c->target);
		if (!from && tries++ < MAX_FIX_TRIES) {
			if (!wds.at)
				dfx_build_workdirs(df, &wds);
			f->fix = make_fix(ctx, c, wds.at);
		}
		if (!f->fix && strstr(c->what, "SSH"))
			f->hint = dfx_xasprintf("for git or ssh during the build forward your agent instead: `RUN "
						"--mount=type=ssh ...` with `docker build --ssh default`; a key the running "
						"container needs comes at run time (compose `secrets:`, a read-only volume); "
						"keep %s out of the build context with .dockerignore",
						c->src);
		else if (!f->fix)
			f->hint = dfx_xasprintf("a build step that needs it reads a build secret (`RUN "
						"--mount=type=secret,id=%s,target=%s ...` with `docker build --secret "
						"id=%s,src=%s`); a value the running container needs comes at run time "
						"(compose `secrets:` or `env_file:`, `docker run --env-file`); keep it out "
						"of the build context with .dockerignore",
						id, c->target, id, c->src);
		free(id);
	}
	dfx_build_copied_free(v, n);
	dfx_build_workdirs_release(&wds);
}

const struct dfx_rule dfx_rule_df103 = {
	.code = "DF103",
	.name = "secret-file-copied",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A secret file (.env, key, credentials) is copied into the image",
	.what = "Finds COPY and ADD sources that look like secrets: `.env*`, `*.pem`, `*.key`, "
		"`id_rsa*`, `id_ed25519*` (and the other SSH private keys), `.npmrc`, `.pypirc`, `.netrc`, "
		"`.git-credentials`, `credentials.json`, `*.p12`, `*.pfx`, anything under `.aws/`, "
		"`.ssh/` or `.kube/`, and `kubeconfig`. Templates (`.env.example`, `.env.sample`, "
		"`.env.template`, ...), public keys (`*.pub`) and names that say the file is public "
		"(certificates, CA bundles, chains, GPG and repository signing keys) are left out, and "
		"so are URL sources.",
	.why = "Every COPY is a layer. The file stays in it even when a later RUN deletes it, and "
	       "anyone who can pull the image can extract the layer with `docker save`. Build "
	       "secrets are mounted only while one RUN executes and never stored.",
	.example = "COPY .env /app/.env\nRUN source /app/.env && do_something\nRUN rm /app/.env   # still in the COPY layer",
	.instead = "# syntax=docker/dockerfile:1\n"
		   "RUN --mount=type=secret,id=env,target=/app/.env source /app/.env && do_something\n\n"
		   "docker build --secret id=env,src=.env .",
	.fix_safety = "Unsafe, and only offered for the straightforward case: one file copied by "
		      "itself (no wildcard, directory or COPY flags), read by later RUN steps of the same "
		      "stage that run as root, not used by CMD/ENTRYPOINT, and maybe deleted by a RUN that "
		      "does nothing else. The COPY and that RUN are removed and each reading RUN gets "
		      "`--mount=type=secret,id=<name>,target=<path>`; the build must then pass `--secret "
		      "id=<name>,src=<file>`. Other cases get a hint.",
	.refs = "Trivy DS-0031 (secret files copied); hadolint DL3064-adjacent; Docker docs: Build secrets; CIS "
		"Docker Benchmark 4.10",
	.check = check,
};
