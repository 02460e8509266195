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

static bool git_url(const char *u)
{
	size_t n = strcspn(u, "#?");

	return (n >= 4 && !strncasecmp(u + n - 4, ".git", 4)) || !strncmp(u, "git@", 4) || !strncmp(u, "git://", 6);
}

static bool http_url(const char *u)
{
	return !strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8);
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
		"and no `--checksum` flag. Git sources (`*.git`, `git@`, `git://`) are left out.",
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
