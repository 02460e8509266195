/*
 * df201.c - DF201 runs-as-root: the final stage runs as root (no USER, or
 * the last USER is root/0). Builder stages are exempt; bases known to run
 * as non-root are exempt. Safe fix: create a user fitting the base image
 * and switch to it with a numeric USER, after the stage's last
 * RUN/COPY/ADD/USER (so before CMD/ENTRYPOINT in the usual layout).
 * Seed: "Non-Root User"; hadolint DL3002, Trivy DS002, Checkov CKV_DOCKER_3/8.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/image.h"
#include "dockfix/rule.h"

enum family { FAM_UNKNOWN, FAM_NODE, FAM_DISTROLESS, FAM_ALPINE, FAM_SHADOW, FAM_SCRATCH, FAM_WINDOWS };

static bool has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/* The last path component of the repository, without tag or digest. */
static char *repo_name(const char *image)
{
	const char *slash = strrchr(image, '/');
	const char *name = slash ? slash + 1 : image;
	size_t n = strcspn(name, ":@");

	return dfx_xstrndup(name, n);
}

static const char *const shadow_images[] = {
	"debian", "ubuntu", "python", "golang", "ruby", "php", "perl", "rust", "openjdk", "eclipse-temurin",
	"amazoncorretto", "maven", "gradle", "buildpack-deps", "gcc", "elixir", "erlang", "haskell", "julia",
	"r-base", "swift", "nginx", "httpd", "tomcat", "jetty", "fedora", "centos", "rockylinux", "almalinux",
	"oraclelinux", "amazonlinux", "clojure", "groovy", "sapmachine", "ibm-semeru-runtimes", "pypy",
	"aspnet", "runtime", "sdk", "runtime-deps", "wordpress", "drupal", "composer", "dart", "kong",
	NULL,
};

static enum family family_of(const char *image)
{
	char *name = repo_name(image);
	const char *tag = strchr(image + (strrchr(image, '/') ? strrchr(image, '/') - image : 0), ':');
	enum family f = FAM_UNKNOWN;

	if (!strcmp(name, "scratch"))
		f = FAM_SCRATCH;
	else if (has(image, "distroless") || has(image, "chainguard") || has(image, "cgr.dev/"))
		f = FAM_DISTROLESS;
	else if (has(image, "windows") || has(image, "nanoserver") || has(image, "servercore"))
		f = FAM_WINDOWS;
	else if (!strcmp(name, "node"))
		f = FAM_NODE;
	else if (!strcmp(name, "alpine") || !strcmp(name, "busybox") || (tag && has(tag, "alpine")))
		f = FAM_ALPINE;
	else if (has(image, "ubi") && has(image, "minimal"))
		f = FAM_UNKNOWN;
	else if (tag && (has(tag, "bookworm") || has(tag, "bullseye") || has(tag, "buster") || has(tag, "trixie") ||
			 has(tag, "jammy") || has(tag, "noble") || has(tag, "focal") || has(tag, "slim")))
		f = FAM_SHADOW;
	else
		for (size_t i = 0; shadow_images[i]; i++)
			if (!strcmp(name, shadow_images[i]))
				f = FAM_SHADOW;
	free(name);
	return f;
}

/* USER value is root: "root", "0", "root:x", "0:x". */
static bool is_root(const char *user)
{
	size_t n = strcspn(user, ":");

	return (n == 4 && !strncmp(user, "root", 4)) || (n == 1 && user[0] == '0') || n == 0;
}

struct argscope {
	const struct dfx_dockerfile *df;
	size_t at;
};

static const char *lookup_arg(void *arg, const char *name)
{
	const struct argscope *sc = arg;

	return dfx_dockerfile_arg_default(sc->df, sc->at, name);
}

/* Whether a USER instruction switches to root (variables resolved through ARG defaults;
   an unresolvable variable is given the benefit of the doubt). */
static bool user_is_root(const struct dfx_dockerfile *df, const struct dfx_df_instr *user)
{
	struct argscope sc = {df, (size_t)(user - df->instrs)};
	const char *raw = user->nwords ? user->words[0].raw : "";
	char *val = dfx_dockerfile_expand(raw, lookup_arg, &sc);
	bool root = strchr(raw, '$') && !val[0] ? false : is_root(val);

	free(val);
	return root;
}

/* The last non-root USER before `user` in the stage chain, or NULL. */
static const struct dfx_df_instr *earlier_nonroot(const struct dfx_dockerfile *df, const struct dfx_df_instr *user)
{
	for (size_t i = (size_t)(user - df->instrs); i-- > 0;) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (dfx_df_is(in, "FROM")) {
			const struct dfx_df_stage *st = &df->stages[in->stage];

			if (st->parent < 0)
				return NULL;
			i = df->stages[st->parent].last + 1;
			continue;
		}
		if (dfx_df_is(in, "USER") && !user_is_root(df, in))
			return in;
	}
	return NULL;
}

/* The last USER in the stage or the stages it is built from; NULL when none. */
static const struct dfx_df_instr *last_user(const struct dfx_dockerfile *df, const struct dfx_df_stage *st)
{
	size_t guard = 0;

	for (;;) {
		for (size_t i = st->last + 1; i-- > st->first;)
			if (dfx_df_is(&df->instrs[i], "USER"))
				return &df->instrs[i];
		if (st->parent < 0 || (size_t)st->parent >= df->nstages || guard++ > df->nstages)
			return NULL;
		st = &df->stages[st->parent];
	}
}

static char *fix_text(const struct dfx_dockerfile *df, enum family fam)
{
	const char *nl = dfx_source_eol(df->src);
	char esc = df->escape ? df->escape : '\\';

	switch (fam) {
	case FAM_NODE:
		return dfx_xasprintf("USER node%s", nl);
	case FAM_DISTROLESS:
		return dfx_xasprintf("USER 65532:65532%s", nl);
	case FAM_ALPINE:
		return dfx_xasprintf("RUN addgroup -S -g 10001 app %c%s"
				     " && adduser -S -D -H -u 10001 -G app -h /nonexistent -s /sbin/nologin app%s"
				     "USER 10001:10001%s", esc, nl, nl, nl);
	case FAM_SHADOW:
		return dfx_xasprintf("RUN groupadd --system --gid 10001 app %c%s"
				     " && useradd --system --uid 10001 --gid app --no-create-home "
				     "--home-dir /nonexistent --shell /usr/sbin/nologin --no-log-init app%s"
				     "USER 10001:10001%s", esc, nl, nl, nl);
	default:
		return dfx_xasprintf("USER 10001:10001%s", nl);
	}
}

static const char *fix_desc(enum family fam)
{
	switch (fam) {
	case FAM_NODE:
		return "switch to the image's `node` user (uid 1000) before CMD";
	case FAM_DISTROLESS:
		return "switch to the image's nonroot user 65532:65532 before CMD";
	case FAM_ALPINE:
		return "create system user `app` (10001) with addgroup/adduser and switch to 10001:10001";
	case FAM_SHADOW:
		return "create system user `app` (10001) with groupadd/useradd and switch to 10001:10001";
	default:
		return "switch to the numeric non-root user 10001:10001 (files the app writes must be owned by it)";
	}
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_stage *st = dfx_df_final_stage(df);
	const struct dfx_df_instr *user, *from, *after = NULL;
	const char *base;
	struct dfx_imageref ref;
	struct dfx_finding *f;
	enum family fam;
	char *text;

	if (!st)
		return;
	from = &df->instrs[st->from];
	base = dfx_df_stage_base(df, st);
	user = last_user(df, st);
	if (user) {
		if (!user_is_root(df, user))
			return;
	} else {
		if (dfx_image_parse(&ref, base, NULL) == 0) {
			bool nonroot = dfx_image_nonroot(&ref);
			dfx_image_release(&ref);
			if (nonroot)
				return;
		}
	}
	fam = family_of(base);
	if (user && user->stage == (int)(st - df->stages))
		f = dfx_emit(ctx, user->span,
			       "the final stage's last USER is root: the container runs with root privileges");
	else
		f = dfx_emit(ctx, from->span,
			       "the final stage sets no USER: the container runs as root");
	if (!f)
		return;
	if (fam == FAM_WINDOWS) {
		f->hint = dfx_xstrdup("add `USER ContainerUser` (Windows images) before CMD/ENTRYPOINT");
		return;
	}
	/* after the last RUN/COPY/ADD/USER of the stage; else right after FROM */
	for (size_t i = st->first; i <= st->last; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		if (dfx_df_is(in, "RUN") || dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD") || dfx_df_is(in, "USER"))
			after = in;
	}
	if (!after)
		after = from;
	const struct dfx_df_instr *prev = user ? earlier_nonroot(df, user) : NULL;
	if (prev) {
		/* the stage already has a non-root user: switch back to it */
		text = dfx_xasprintf("USER %.*s%s", (int)(prev->args.end - prev->args.start),
				     df->src->data + prev->args.start, dfx_source_eol(df->src));
		f->fix = dfx_fix_new(DFX_FIX_SAFE, "switch back to the stage's user `%.*s` before CMD",
				     (int)(prev->args.end - prev->args.start), df->src->data + prev->args.start);
	} else {
		text = fix_text(df, fam);
		f->fix = dfx_fix_new(DFX_FIX_SAFE, "%s", fix_desc(fam));
	}
	char *ins = dfx_df_after_text(df, after, text);
	dfx_fix_edit(f->fix, ctx->file->path, after->lines.end, after->lines.end, ins);
	free(ins);
	free(text);
}

const struct dfx_rule dfx_rule_df201 = {
	.code = "DF201",
	.name = "runs-as-root",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_SAFE,
	.summary = "The final stage runs as root",
	.what = "Checks that the final stage of a Dockerfile switches to a non-root user: it has a USER "
		"instruction (in the stage or a stage it is built from) and the last one is not root, 0, "
		"root:* or 0:*. Builder stages are exempt, and so are base images known to run as a "
		"non-root user (distroless :nonroot, nginx-unprivileged, chainguard).",
	.why = "A process that runs as root in the container is root on the host the moment it escapes "
	       "the container (a kernel bug, a mounted socket, a privileged flag). It can also modify "
	       "the image's own files. Running as an unprivileged user removes that whole class of "
	       "escalation and is required by Kubernetes `runAsNonRoot`.",
	.example = "FROM node:22\nCOPY . /app\nCMD [\"node\", \"server.js\"]",
	.instead = "FROM node:22\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\nCMD [\"node\", \"server.js\"]",
	.fix_safety = "Safe. The fix inserts user creation fitting the base image (node: the built-in "
		      "`node` user; distroless/chainguard: 65532; alpine: addgroup/adduser; debian, ubuntu "
		      "and RHEL-family: groupadd/useradd --system --no-log-init; anything else: a numeric "
		      "USER 10001:10001) after the stage's last RUN/COPY/ADD, so build steps still run as "
		      "root and only the running container changes user. Files the application writes at "
		      "run time must then be owned by that user.",
	.refs = "seed: Non-Root User; hadolint DL3002; Trivy DS002; Checkov CKV_DOCKER_3, CKV_DOCKER_8; "
		"CIS Docker Benchmark 4.1",
	.check = check,
};
