/*
 * df403.c - DF403 add-url-without-checksum: `ADD http(s)://...` without
 * `--checksum=sha256:...`. The download is trusted blindly: whoever
 * controls the server (or the path to it) controls what lands in the
 * image, and rebuilds are not reproducible. Git URLs are left out.
 * Detection only. No hadolint/Trivy/Checkov equivalent (DL3020 allows URLs);
 * BuildKit ADD --checksum (frontend 1.6); SLSA / supply-chain pinning.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/rule.h"
#include "dockfix/shellwords.h"

static bool git_url(const char *u)
{
	size_t n = strcspn(u, "#?");

	return (n >= 4 && !strncasecmp(u + n - 4, ".git", 4)) || !strncmp(u, "git@", 4) || !strncmp(u, "git://", 6);
}

static bool http_url(const char *u)
{
	return !strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8);
}

/* The path the download lands at: DEST, or DEST/<the URL's last segment> for a folder. */
static char *landing(const char *url, const char *dest)
{
	const char *q = strpbrk(url, "?#"), *b;
	size_t n = q ? (size_t)(q - url) : strlen(url);

	if (!dest || !*dest)
		return NULL;
	if (dest[strlen(dest) - 1] != '/')
		return dfx_xstrdup(dest);
	for (b = url + n; b > url && b[-1] != '/'; b--)
		;
	return dfx_xasprintf("%s%.*s", dest, (int)(url + n - b), b);
}

/*
 * Whether a later RUN of the stage checks the downloaded file: `gpg
 * --verify SIG FILE` (or gpgv) naming it, or `sha256sum -c` / `sha512sum
 * -c` in a RUN that names it. A check that fails stops the build.
 */
static bool verified_later(const struct dfx_dockerfile *df, size_t at, const char *file)
{
	size_t last = df->ninstrs ? df->ninstrs - 1 : 0;

	for (size_t s = 0; s < df->nstages; s++)
		if (df->stages[s].first <= at && at <= df->stages[s].last)
			last = df->stages[s].last;
	for (size_t i = at + 1; file && i <= last && i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		struct dfx_shellwords_script sc = {0};
		bool hit = false;

		if (!dfx_df_is(in, "RUN"))
			continue;
		dfx_shellwords_run(&sc, in);
		for (size_t c = 0; c < sc.n && !hit; c++) {
			const struct dfx_shellwords_cmd *cmd = &sc.cmds[c];
			size_t p = dfx_shellwords_real_prog(cmd);
			const char *b = p < cmd->argc ? dfx_shellwords_base(cmd->argv[p]) : "";
			bool gpg = !strcmp(b, "gpg") || !strcmp(b, "gpg2") || !strcmp(b, "gpgv");
			bool sum = !strcmp(b, "sha256sum") || !strcmp(b, "sha512sum");
			bool verify = !strcmp(b, "gpgv"), names = false;

			if (!gpg && !sum)
				continue;
			for (size_t k = p + 1; k < cmd->argc; k++) {
				verify |= !strcmp(cmd->argv[k], "--verify") || (sum && (!strcmp(cmd->argv[k], "-c") ||
											  !strcmp(cmd->argv[k], "--check")));
				names |= !strcmp(cmd->argv[k], file);
			}
			/* sha256sum -c reads the name from its input: the RUN's text names the file */
			hit = verify && (names || (sum && in->args_text && strstr(in->args_text, file)));
		}
		dfx_shellwords_release(&sc);
		if (hit)
			return true;
	}
	return false;
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	const struct dfx_df_instr *in;

	DFX_EACH_INSTR(df, in) {
		size_t n;

		if (!dfx_df_is(in, "ADD") || in->nheredocs || dfx_df_instr_flag(in, "checksum"))
			continue;
		n = in->json ? in->argc : in->nwords;
		for (size_t k = 0; k + 1 < n; k++) {
			const char *u = in->json ? in->argv[k] : in->words[k].text;
			struct dfx_span sp = in->json ? in->args : in->words[k].span;
			struct dfx_finding *f;
			const char *colon = NULL, *at = NULL;

			if (!http_url(u) || git_url(u))
				continue;
			{
				const char *dest = in->json ? in->argv[n - 1] : in->words[n - 1].text;
				char *file = landing(u, dest);
				bool checked = verified_later(df, (size_t)(in - df->instrs), file);

				free(file);
				if (checked)
					continue;
			}
			{
				/* never print a password embedded in the URL */
				const char *scheme = strstr(u, "://");
				char *shown = NULL;

				if (scheme && (at = strchr(scheme + 3, '@')) && !memchr(scheme + 3, '/', (size_t)(at - scheme - 3)) &&
				    (colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3)))) {
					char *red = dfx_redact(colon + 1, (size_t)(at - colon - 1));

					shown = dfx_xasprintf("%.*s%s%s", (int)(colon + 1 - u), u, red, at);
					free(red);
				}
				f = dfx_emit(ctx, sp,
					       "ADD downloads %s without --checksum: the image gets whatever the server "
					       "returns at build time, unverified",
					       shown ? shown : u);
				if (f && shown && !in->json && !strcmp(in->words[k].raw, u) &&
				    sp.end - sp.start == strlen(u)) {
					f->secret.start = sp.start + (uint32_t)(colon + 1 - u);
					f->secret.end = sp.start + (uint32_t)(at - u);
				}
				free(shown);
			}
			if (f)
				f->hint = dfx_xstrdup("pin the content: `ADD --checksum=sha256:<digest> URL DEST` "
						      "(Dockerfile syntax 1.6+; get the digest with `sha256sum`), or "
						      "download with curl and check it with `sha256sum -c` in the same "
						      "RUN");
		}
	}
}

const struct dfx_rule dfx_rule_df403 = {
	.code = "DF403",
	.name = "add-url-without-checksum",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "ADD downloads a URL without --checksum",
	.what = "Finds ADD instructions (also under ONBUILD) with an `http://` or `https://` source "
		"and no `--checksum` flag. Git sources (`*.git`, `git@`, `git://`) are left out, and so "
		"are downloads a later RUN of the stage checks: `gpg --verify SIG FILE` (or gpgv) naming "
		"the file, or `sha256sum -c` / `sha512sum -c` in a RUN that names it.",
	.why = "Without a checksum the build trusts the server and every network hop to it: a "
	       "compromised release page, a re-tagged artifact or an intercepted plain-HTTP download "
	       "lands in the image unnoticed, and two builds of the same Dockerfile can differ. "
	       "`--checksum` makes BuildKit verify the bytes before using them.",
	.example = "ADD https://github.com/tini/releases/download/v0.19.0/tini /tini",
	.instead = "# syntax=docker/dockerfile:1\n"
		   "ADD --checksum=sha256:<sha256 of the published file> \\\n"
		   "    https://github.com/tini/releases/download/v0.19.0/tini /tini",
	.fix_safety = "No fix: the digest has to come from a trusted source, not from a download at "
		      "fix time.",
	.refs = "BuildKit Dockerfile reference: ADD --checksum (frontend 1.6); hadolint DL3020 allows "
		"URLs and has no checksum rule; SLSA build integrity",
	.check = check,
};
