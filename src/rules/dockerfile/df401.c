/*
 * df401.c - DF401 single-stage-build: the Dockerfile has one stage, and it
 * builds the application - npm/yarn/pnpm install plus a build script, go
 * build, mvn/gradle, cargo build, gcc/make/cmake, or pip install with
 * compilers and headers installed - so the image that runs also carries
 * sources, dev dependencies and build tools. Steps that uninstall their
 * build packages (apk del, apt-get purge/remove) and Dockerfiles named as
 * build or dev images (Dockerfile.build, Dockerfile.dev) are left out.
 * Unsafe fix for the seed's node pattern (FROM node; COPY; npm install/ci;
 * npm run build; CMD node dist/...): the stage becomes `AS builder` and a
 * `node:<tag>-slim AS production` stage gets WORKDIR, the build output,
 * node_modules and package.json from it, then `USER node` and the CMD.
 * Other builds get a hint for their ecosystem.
 * Seed: "Multi-Stage Builds"; Docker build best practices (multi-stage);
 * CIS Docker Benchmark 4.3.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dfhelp.h"
#include "dockfix/build.h"
#include "dockfix/shellwords.h"
#include "dockfix/image.h"
#include "dockfix/rule.h"

/*
 * Whether the stage starts an application of its own: it has a CMD or
 * ENTRYPOINT, and the last one is not a bare shell or interpreter
 * (`bash`, `python3`, `node`), which is what base images and build
 * environments run.
 */
static bool runs_app(const struct dfx_dockerfile *df, const struct dfx_df_stage *st)
{
	static const char *const bare[] = {"sh", "bash", "ash", "zsh", "dash", "python", "python3", "node", "ruby",
					   "irb", "php", "perl", "jshell", "pwsh", "powershell", "cmd", NULL};
	const struct dfx_df_instr *last = NULL;
	struct dfx_shellwords_script sc = {0};
	bool app = true;

	for (size_t i = st->first; i <= st->last; i++)
		if (dfx_df_is(&df->instrs[i], "CMD") || dfx_df_is(&df->instrs[i], "ENTRYPOINT"))
			last = &df->instrs[i];
	if (!last)
		return false;
	if (last->json) {
		for (size_t k = 0; k < last->argc; k++)
			if (strcmp(dfx_shellwords_base(last->argv[k]), "gosu") && strcmp(dfx_shellwords_base(last->argv[k]), "application")) {
				size_t rest = last->argc - k;

				for (size_t b = 0; bare[b] && rest == 1; b++)
					if (!strcmp(dfx_shellwords_base(last->argv[k]), bare[b]))
						app = false;
				break;
			}
		return app;
	}
	dfx_shellwords_parse(&sc, last->args_text, strlen(last->args_text));
	if (sc.n == 1) {
		size_t p = dfx_shellwords_real_prog(&sc.cmds[0]);

		for (size_t b = 0; bare[b] && p + 1 == sc.cmds[0].argc; b++)
			if (!strcmp(dfx_shellwords_base(sc.cmds[0].argv[p]), bare[b]))
				app = false;
	}
	dfx_shellwords_release(&sc);
	return app;
}

static const char *hint_for(enum dfx_build_eco e)
{
	switch (e) {
	case DFX_ECO_NODE:
		return "build in `FROM node:<v> AS builder` and start a second `FROM node:<v>-slim` stage that "
		       "copies only the build output, production node_modules (`npm ci --omit=dev`) and "
		       "package.json from it, with `USER node`";
	case DFX_ECO_GO:
		return "build in `FROM golang:<v> AS builder` with CGO_ENABLED=0, then `FROM "
		       "gcr.io/distroless/static-debian12:nonroot` (or alpine) and `COPY --from=builder` only the "
		       "binary";
	case DFX_ECO_JAVA:
		return "build in a JDK stage (`FROM maven:<v> AS builder` or eclipse-temurin:<v>-jdk), then "
		       "`FROM eclipse-temurin:<v>-jre` and `COPY --from=builder` only the jar";
	case DFX_ECO_RUST:
		return "build in `FROM rust:<v> AS builder`, then copy the release binary into "
		       "debian:<v>-slim, distroless/cc or scratch";
	case DFX_ECO_C:
		return "compile in a builder stage that has the toolchain, then `COPY --from=builder` only the "
		       "installed files into a slim runtime stage";
	case DFX_ECO_PIP:
		return "build wheels in a builder stage (`pip wheel -w /wheels ...` with the compilers), then "
		       "install them in a -slim stage without compilers and headers (`pip install --no-index "
		       "--find-links=/wheels`)";
	default:
		return "";
	}
}

/* ---------------------------------------------------------------- node fix */

static bool tail_kind(const struct dfx_df_instr *in)
{
	return dfx_df_is(in, "ENV") || dfx_df_is(in, "EXPOSE") || dfx_df_is(in, "USER") || dfx_df_is(in, "CMD") ||
	       dfx_df_is(in, "ENTRYPOINT") || dfx_df_is(in, "HEALTHCHECK") || dfx_df_is(in, "LABEL") ||
	       dfx_df_is(in, "STOPSIGNAL") || dfx_df_is(in, "VOLUME") || dfx_df_is(in, "WORKDIR");
}

/* The output directory the start command runs from: "dist" for node dist/server.js. */
static char *output_dir(const struct dfx_df_instr *cmd, const char *wd)
{
	size_t n = cmd->json ? cmd->argc : cmd->nwords;
	size_t wl = strlen(wd);

	for (size_t k = 0; k < n; k++) {
		const char *a = cmd->json ? cmd->argv[k] : cmd->words[k].text;
		const char *slash;

		if (a[0] == '-' || strchr(a, '$'))
			continue;
		if (!strncmp(a, "./", 2))
			a += 2;
		if (a[0] == '/') {
			if (strncmp(a, wd, wl) || a[wl] != '/')
				continue;
			a += wl + 1;
		}
		slash = strchr(a, '/');
		if (!slash || slash == a || !strncmp(a, "node_modules/", 13) || !strncmp(a, "..", 2))
			continue;
		return dfx_xstrndup(a, (size_t)(slash - a));
	}
	return NULL;
}

static struct dfx_fix *node_fix(struct dfx_ctx *ctx, const struct dfx_build_steps *sc)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_stage *st = &df->stages[0];
	const struct dfx_df_instr *from = &df->instrs[st->from], *cmd = NULL, *split = NULL;
	const char *src = df->src->data, *nl = dfx_source_eol(df->src);
	struct dfx_imageref ref;
	struct dfx_image_suggestion sg;
	struct dfx_buf text = DFX_BUF_INIT, copied = DFX_BUF_INIT;
	struct dfx_fix *fix = NULL;
	bool has_workdir = false, tail_user = false, upper = src[from->keyword.start] == 'F';
	char *wd = NULL, *out = NULL, *prod = NULL, *builder;
	const char *raw;

	if (!dfx_build_stage_image(df, st, &ref))
		return NULL;
	if (!ref.name || strcmp(ref.name, "node") != 0 || !from->nwords) {
		dfx_image_release(&ref);
		return NULL;
	}
	raw = from->words[0].raw;
	if (!strchr(raw, '$') && dfx_image_slim(&ref, &sg))
		prod = dfx_xasprintf("%.*s:%s", (int)dfx_image_ref_name_len(raw), raw, sg.tag);
	else
		prod = dfx_xstrdup(raw);
	dfx_image_release(&ref);

	/* head: up to the last RUN/COPY/ADD; tail: runtime settings only */
	for (size_t i = st->first + 1; i <= st->last; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (dfx_df_is(in, "RUN") || dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD"))
			split = in;
	}
	if (!split)
		goto out;
	for (size_t i = st->first + 1; i <= st->last; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (in <= split) {
			if (dfx_df_is(in, "WORKDIR")) {
				has_workdir = true;
			} else if (dfx_df_is(in, "ENV") || dfx_df_is(in, "LABEL") || dfx_df_is(in, "EXPOSE")) {
				/* runtime settings made early: the production stage needs them too */
				dfx_buf_add(&copied, src + in->span.start, in->span.end - in->span.start);
				dfx_buf_adds(&copied, nl);
			} else if (dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD")) {
				if (dfx_df_instr_flag(in, "from"))
					goto out;
			} else if (!dfx_df_is(in, "RUN") && !dfx_df_is(in, "ARG")) {
				goto out; /* USER, SHELL, ONBUILD ... before the build: not the simple pattern */
			}
		} else {
			if (!tail_kind(in))
				goto out;
			if (dfx_df_is(in, "USER"))
				tail_user = true;
			if (dfx_df_is(in, "CMD") || dfx_df_is(in, "ENTRYPOINT"))
				cmd = in;
		}
	}
	if (!cmd)
		goto out;
	if (!has_workdir) {
		/* the files went to "/": only relative destinations move along to /app */
		for (size_t i = st->first + 1; i <= (size_t)(split - df->instrs); i++) {
			const struct dfx_df_instr *in = &df->instrs[i];
			const char *dest;

			if (!(dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD")))
				continue;
			dest = in->json ? (in->argc ? in->argv[in->argc - 1] : "/")
					: (in->nwords ? in->words[in->nwords - 1].text : "/");
			if (dest[0] == '/' || in->nheredocs)
				goto out;
		}
		wd = dfx_xstrdup("/app");
	} else {
		wd = dfx_build_workdir(df, sc->build_at);
	}
	out = output_dir(cmd, wd);
	if (!out)
		goto out;

	builder = st->name ? dfx_xstrdup(st->name) : dfx_xstrdup("builder");
	fix = dfx_fix_new(DFX_FIX_UNSAFE,
			  "split into a `%s` stage that builds and a `%s AS production` stage that gets only %s/, "
			  "node_modules and package.json from it and runs as `node`",
			  builder, prod, out);
	if (!st->name) {
		char *as = dfx_xasprintf(" %s builder", upper ? "AS" : "as");

		dfx_fix_edit(fix, ctx->file->path, from->span.end, from->span.end, as);
		free(as);
	}
	if (!has_workdir) {
		char *w = dfx_xasprintf("%s /app%s", upper ? "WORKDIR" : "workdir", nl);
		dfx_dfhelp_insert_after(fix, ctx->file->path, df, from, w);
		free(w);
	}
	{
		/* the file's keyword case */
		const char *kfrom = upper ? "FROM" : "from", *kas = upper ? "AS" : "as";
		const char *kwd = upper ? "WORKDIR" : "workdir", *kcopy = upper ? "COPY" : "copy";
		const char *sep = strcmp(wd, "/") ? "/" : "";

		dfx_buf_addf(&text, "%s%s %s %s production%s", nl, kfrom, prod, kas, nl);
		dfx_buf_addf(&text, "%s %s%s", kwd, wd, nl);
		if (copied.len)
			dfx_buf_add(&text, copied.ptr, copied.len);
		dfx_buf_addf(&text, "%s --from=%s %s%s%s ./%s%s", kcopy, builder, wd, sep, out, out, nl);
		dfx_buf_addf(&text, "%s --from=%s %s%snode_modules ./node_modules%s", kcopy, builder, wd, sep, nl);
		dfx_buf_addf(&text, "%s --from=%s %s%spackage.json ./package.json%s", kcopy, builder, wd, sep, nl);
		if (!tail_user)
			dfx_buf_addf(&text, "%s node%s", upper ? "USER" : "user", nl);
	}
	dfx_dfhelp_insert_after(fix, ctx->file->path, df, split, text.ptr);
	free(builder);
out:
	dfx_buf_release(&text);
	dfx_buf_release(&copied);
	free(wd);
	free(out);
	free(prod);
	return fix;
}

/* The build command `what` ("npm run build") in instruction `in`: as
   written, else its program word. */
static bool build_span(const struct dfx_df_instr *in, const char *what, struct dfx_span *at)
{
	char prog[48];
	size_t n = strcspn(what, " ");

	if (dfx_dfhelp_token_span(in, what, true, 0, at))
		return true;
	if (!n || n >= sizeof(prog))
		return false;
	memcpy(prog, what, n);
	prog[n] = '\0';
	return dfx_dfhelp_token_span(in, prog, true, 0, at);
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_stage *st;
	struct dfx_build_steps s;
	struct dfx_finding *f;
	enum dfx_build_eco e;
	const char *what;
	unsigned line;
	struct dfx_span at;
	bool found;

	if (df->nstages != 1 || dfx_build_nonprod_path(ctx->file->path))
		return;
	st = &df->stages[0];
	if (!runs_app(df, st))
		return; /* a base or build-environment image */
	e = dfx_build_scan(df, 0, &s);
	if (e == DFX_ECO_NONE)
		return;
	what = s.what;
	line = e == DFX_ECO_PIP ? 0 : df->instrs[s.build_at].line;
	/* report at the build command (`npm run build`, `pip install`); a
	   suppression above the FROM still covers the whole stage */
	if (dfx_rule_suppressed(ctx, df->instrs[st->from].span.start))
		return;
	found = s.build_at < df->ninstrs && build_span(&df->instrs[s.build_at], what, &at);
	if (!found)
		at = df->instrs[st->from].span;
	if (found && line)
		f = dfx_emit(ctx, at,
			       "single-stage build: this stage builds the application (`%s`) and is also the "
			       "image that runs, so it ships the sources, dev dependencies and build tools",
			       what);
	else if (line)
		f = dfx_emit(ctx, df->instrs[st->from].span,
			       "single-stage build: this stage builds the application (%s, line %u) and is also the "
			       "image that runs, so it ships the sources, dev dependencies and build tools",
			       what, line);
	else
		f = dfx_emit(ctx, at,
			       "single-stage build: this stage installs compilers and headers for %s and keeps "
			       "them in the image that runs",
			       what);
	if (!f)
		return;
	if (e == DFX_ECO_NODE)
		f->fix = node_fix(ctx, &s);
	if (!f->fix)
		f->hint = dfx_xstrdup(hint_for(e));
}

const struct dfx_rule dfx_rule_df401 = {
	.code = "DF401",
	.name = "single-stage-build",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "The image that runs is also the one that builds the application",
	.what = "Fires when a Dockerfile has a single stage and it builds: npm, yarn or pnpm install "
		"followed by a build script (`npm run build`, tsc, webpack, `vite build`, ...), `go "
		"build`, Maven or Gradle packaging, `cargo build`, gcc/clang/make/cmake/configure, or "
		"`pip install` in a stage that installs compilers and headers (build-essential, gcc, "
		"musl-dev, python3-dev, ...). C builds and pip builds whose RUN steps uninstall packages "
		"again (`apk del`, `apt-get purge`) are left out, and so are images that start no "
		"application of their own (no CMD/ENTRYPOINT, or only a bare shell or interpreter such as "
		"`bash` or `python3`: base images and build environments) and Dockerfiles that are not "
		"production images by their path: `Dockerfile.build`, `Dockerfile.dev`, `ci.Dockerfile`, "
		"and files under `test/`, `tests/`, `testdata/`, `testfiles/`, `e2e/`, `fixtures/`, `ci/`, `integration/` "
		"or `.devcontainer/`.",
	.why = "Everything the build needed stays in the image that runs: the source code, dev "
	       "dependencies, compilers, package caches and often credentials used during the build. "
	       "That is more to patch, more for an attacker to use after getting in, and a larger "
	       "image to pull. A multi-stage build keeps the runtime image to the artifacts only.",
	.example = "FROM node:18\nCOPY . .\nRUN npm install\nRUN npm run build\nCMD [\"node\", \"dist/server.js\"]",
	.instead = "FROM node:18 AS builder\nWORKDIR /app\nCOPY package*.json .\nRUN npm ci\nCOPY . .\n"
		   "RUN npm run build\n\nFROM node:18-slim AS production\nWORKDIR /app\n"
		   "COPY --from=builder /app/dist ./dist\nCOPY --from=builder /app/node_modules ./node_modules\n"
		   "USER node\nCMD [\"node\", \"dist/server.js\"]",
	.fix_safety = "Unsafe, and only for the seed's node pattern: one `FROM node` stage whose steps "
		      "are WORKDIR/COPY/RUN (npm, yarn or pnpm install and a build script) followed by "
		      "runtime settings and a CMD/ENTRYPOINT that starts a file under an output directory "
		      "(`node dist/server.js`). The stage becomes `AS builder` (a `WORKDIR /app` is added "
		      "when it had none and copied to relative paths), and a `node:<tag>-slim AS "
		      "production` stage is inserted before the runtime settings; it copies the output "
		      "directory, node_modules and package.json from the builder and switches to `USER "
		      "node` unless a USER follows. Files the application reads at run time from elsewhere "
		      "in the source tree are not copied and must be added by hand; dev dependencies stay "
		      "in node_modules until the builder prunes them. Other builds get a hint.",
	.refs = "Docker docs: Multi-stage builds, Building best practices; CIS Docker Benchmark 4.3 (no "
		"unnecessary packages); hadolint and Trivy have no equivalent",
	.check = check,
};
