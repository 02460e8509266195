/*
 * df404.c - DF404 pipe-to-shell: a RUN downloads a script with curl or
 * wget and feeds it straight to an interpreter (`curl ... | sh`,
 * `wget -qO- ... | sudo bash -`, `sh -c "$(curl ...)"`, `bash <(curl ...)`,
 * also python, perl, ruby, node and php). Detection only.
 * hadolint DL4006 (pipefail, the failure-masking half); Semgrep
 * set-pipefail.
 */
#include <stdlib.h>
#include <string.h>

#include "dfhelp.h"
#include "dockfix/shellwords.h"
#include "dockfix/rule.h"

static bool fetcher(const char *p)
{
	return !strcmp(p, "curl") || !strcmp(p, "wget") || !strcmp(p, "fetch");
}

static bool interpreter(const char *p)
{
	static const char *const names[] = {"python", "python2", "python3", "perl", "ruby", "node", "php", "pwsh", NULL};

	if (dfx_shellwords_is_shell(p))
		return true;
	for (size_t k = 0; names[k]; k++)
		if (!strcmp(p, names[k]))
			return true;
	/* python3.12 */
	return !strncmp(p, "python3.", 8);
}

static const char *prog_of(const struct dfx_shellwords_cmd *c)
{
	size_t p = dfx_shellwords_real_prog(c);

	return p < c->argc ? dfx_shellwords_base(c->argv[p]) : "";
}

/* A shell (or eval/source) run on a download: sh -c "$(curl ...)", bash <(wget ...). */
static bool substituted(const struct dfx_shellwords_cmd *c, const char **dl, const char **pat)
{
	static const char *const pats[] = {"$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget", NULL};
	size_t p = dfx_shellwords_real_prog(c);
	const char *prog;

	if (p >= c->argc)
		return false;
	prog = dfx_shellwords_base(c->argv[p]);
	if (!interpreter(prog) && strcmp(prog, "eval") && strcmp(prog, "source") && strcmp(prog, "."))
		return false;
	for (size_t k = p + 1; k < c->argc; k++)
		for (size_t q = 0; pats[q]; q++)
			if (strstr(c->raw[k], pats[q])) {
				*dl = strstr(pats[q], "curl") ? "curl" : "wget";
				*pat = pats[q];
				return true;
			}
	return false;
}

/*
 * Whether the text src[from, to) holds only the words `w[0..n)`, separated
 * by blanks and line continuations: what stands between a `|` and the
 * interpreter's program word (`| sudo -E bash`).
 */
static bool only_words(const char *src, uint32_t from, uint32_t to, char *const *w, size_t n)
{
	size_t k = 0;

	for (uint32_t i = from; i < to;) {
		size_t len;

		if (src[i] == ' ' || src[i] == '\t' || src[i] == '\\' || src[i] == '\n' || src[i] == '\r') {
			i++;
			continue;
		}
		if (k >= n)
			return false;
		len = strlen(w[k]);
		if (to - i < len || memcmp(src + i, w[k], len))
			return false;
		i += (uint32_t)len;
		k++;
	}
	return k == n;
}

/*
 * Where to report: the substitution (`$(curl`), or the pipe into the
 * interpreter through the interpreter's word (`| sh`, `| sudo bash`); the
 * interpreter is command k. The word is the first occurrence of the program
 * that follows a `|` with only the command's own leading words between
 * them: the same name elsewhere in the RUN (`/usr/src/php/ext`, `-s
 * /bin/bash`) is not the pipe.
 */
static struct dfx_span where(const struct dfx_ctx *ctx, const struct dfx_df_instr *in,
			     const struct dfx_shellwords_script *sc, size_t k, const char *pat)
{
	const struct dfx_shellwords_cmd *c = &sc->cmds[k];
	const char *src = ctx->file->df->src->data;
	size_t p = dfx_shellwords_real_prog(c);
	struct dfx_span at;

	if (pat)
		return dfx_dfhelp_token_span(in, pat, false, 0, &at) ? at : in->span;
	if (p >= c->argc)
		return in->span;
	for (size_t nth = 0; dfx_dfhelp_token_span(in, c->raw[p], true, nth, &at); nth++) {
		for (uint32_t i = at.start; i > in->span.start; i--) {
			char b = src[i - 1];

			if (b == '|') {
				if (only_words(src, i, at.start, c->raw, p)) {
					at.start = i - 1;
					return at;
				}
				break;
			}
			if (b == ';' || b == '&' || b == '(' || b == '`')
				break;
		}
	}
	return dfx_dfhelp_token_span(in, c->raw[p], true, 0, &at) ? at : in->span;
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	const struct dfx_df_instr *in;

	DFX_EACH_INSTR(df, in) {
		struct dfx_shellwords_script sc = {0};
		const char *dl = NULL, *sh = NULL, *pat = NULL;
		struct dfx_finding *f;
		struct dfx_span at = in->span;

		if (!dfx_df_is(in, "RUN"))
			continue;
		dfx_shellwords_run(&sc, in);
		/* one pass: a fetcher earlier in the same pipeline, then an interpreter */
		for (size_t k = 0, fetch = (size_t)-1; k < sc.n && !sh; k++) {
			const struct dfx_shellwords_cmd *c = &sc.cmds[k];
			const char *p = prog_of(c);

			if (substituted(c, &dl, &pat)) {
				sh = p;
				at = where(ctx, in, &sc, k, pat);
				break;
			}
			if (fetch != (size_t)-1 && interpreter(p)) {
				dl = prog_of(&sc.cmds[fetch]);
				sh = p;
				at = where(ctx, in, &sc, k, NULL);
				break;
			}
			if (fetcher(p) && c->piped && fetch == (size_t)-1)
				fetch = k;
			if (!c->piped)
				fetch = (size_t)-1; /* the pipeline ends here */
		}
		if (sh) {
			char *shc = dfx_xstrdup(sh), *dlc = dfx_xstrdup(dl);

			dfx_shellwords_release(&sc);
			f = dfx_emit(ctx, at,
				       "RUN runs a script downloaded by %s with %s without verifying it: whoever "
				       "controls the server controls the build, and a truncated download still runs",
				       dlc, shc);
			free(dlc);
			dfx_dfhelp_mask_secret(f, in);
			if (f)
				f->hint = dfx_xstrdup("download to a file, check it against a published checksum "
						      "or signature (`sha256sum -c`, `gpg --verify`), then run it; or "
						      "install the tool from a package repository or a pinned release");
			free(shc);
			continue;
		}
		dfx_shellwords_release(&sc);
	}
}

const struct dfx_rule dfx_rule_df404 = {
	.code = "DF404",
	.name = "pipe-to-shell",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "A downloaded script is piped straight into a shell",
	.what = "Finds RUN steps (also heredoc scripts, exec form `sh -c`, and under ONBUILD) where "
		"curl or wget output is piped into sh, bash, dash, zsh or another interpreter (python, "
		"perl, ruby, node, php), also through sudo or tee, and shells run on a command or process "
		"substitution of a download (`sh -c \"$(curl ...)\"`, `bash <(curl ...)`).",
	.why = "The script is executed as root in the build without any check: a compromised or "
	       "hijacked download server, a changed script or a man in the middle decides what ends "
	       "up in the image. Without `set -o pipefail` a failed or cut-off download is not even "
	       "an error - the shell runs whatever part arrived.",
	.example = "RUN curl -fsSL https://example.com/install.sh | sh",
	.instead = "RUN curl -fsSLo /tmp/install.sh https://example.com/install-1.2.3.sh \\\n"
		   " && echo \"<sha256>  /tmp/install.sh\" | sha256sum -c - \\\n"
		   " && sh /tmp/install.sh && rm /tmp/install.sh",
	.fix_safety = "No fix: the checksum or signature has to come from the publisher.",
	.refs = "hadolint DL4006 (pipefail); Semgrep dockerfile.best-practice.set-pipefail; "
		"CIS Docker "
		"Benchmark 4.2 (trusted base and content)",
	.check = check,
};
