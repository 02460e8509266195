/*
 * df202.c - DF202 sudo-in-run: a RUN step runs a command through sudo
 * (the program word, also after env/nohup or inside $(...) and heredoc
 * scripts; installing the sudo package is not flagged). Build steps run
 * as the stage's USER; sudo there means the image carries sudo and a
 * sudoers rule that lets that user become root. No fix: the hint says
 * to switch USER around the step instead.
 * hadolint DL3004; Trivy DS-0010; Checkov CKV2_DOCKER_1; Semgrep
 * no-sudo-in-dockerfile.
 */
#include <stdlib.h>
#include <string.h>

#include "dfhelp.h"
#include "dockfix/shellwords.h"
#include "dockfix/rule.h"

/* Whether a command runs sudo (or doas) as its program or through a
   wrapper; *at is the index of that word. */
static bool runs_sudo(const struct dfx_shellwords_cmd *c, const char **which, size_t *at)
{
	size_t p = c->prog, nx, guard = 0;

	while (p < c->argc && guard++ < 16) {
		const char *b = dfx_shellwords_base(c->argv[p]);

		if (!strcmp(b, "sudo") || !strcmp(b, "doas")) {
			*which = !strcmp(b, "sudo") ? "sudo" : "doas";
			*at = p;
			return true;
		}
		if (!dfx_shellwords_wrapper(c, p, &nx))
			break;
		p = nx;
	}
	return false;
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	const struct dfx_df_instr *in;

	DFX_EACH_INSTR(df, in) {
		struct dfx_shellwords_script sc = {0};
		const char *which = NULL;
		struct dfx_finding *f;
		struct dfx_span at = in->span;
		size_t nth = 0, word = 0, k;

		if (!dfx_df_is(in, "RUN"))
			continue;
		dfx_shellwords_run(&sc, in);
		for (k = 0; k < sc.n && !runs_sudo(&sc.cmds[k], &which, &word); k++)
			;
		/* report at the sudo word: count the same words written before it */
		for (size_t j = 0; which && j <= k && j < sc.n; j++)
			for (size_t w = 0; w < sc.cmds[j].argc && (j < k || w < word); w++)
				nth += !strcmp(sc.cmds[j].raw[w], sc.cmds[k].raw[word]);
		if (which && !dfx_dfhelp_token_span(in, sc.cmds[k].raw[word], true, nth, &at))
			at = in->span;
		dfx_shellwords_release(&sc);
		if (!which)
			continue;
		f = dfx_emit(ctx, at,
			       "RUN uses %s: build steps already run as the stage's USER, and %s in the image lets "
			       "that user become root at run time",
			       which, which);
		dfx_dfhelp_mask_secret(f, in);
		if (f)
			f->hint = dfx_xstrdup("drop sudo: put `USER root` before the step and switch back to the "
					      "unprivileged USER after it; to drop privileges at container start "
					      "use gosu or su-exec, not sudo");
	}
}

const struct dfx_rule dfx_rule_df202 = {
	.code = "DF202",
	.name = "sudo-in-run",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "A RUN step uses sudo",
	.what = "Finds RUN steps (also under ONBUILD, in exec form, heredoc scripts and command "
		"substitutions) that run a command through `sudo` or `doas`, as the program or after a "
		"wrapper such as `env` or `nohup`. Installing the sudo package or mentioning the word "
		"in an argument is not flagged.",
	.why = "Build steps already run as root unless a USER switched away, so sudo buys nothing "
	       "there. It needs the sudo binary and a sudoers rule in the image, usually a "
	       "passwordless one, which lets the application user become root whenever it likes - "
	       "the non-root USER then protects nothing. sudo also behaves unpredictably without a "
	       "TTY and with its environment handling.",
	.example = "USER app\nRUN sudo apt-get update && sudo apt-get install -y curl",
	.instead = "USER root\nRUN apt-get update && apt-get install -y curl\nUSER app",
	.fix_safety = "No fix: where the USER switch belongs depends on the steps around it.",
	.refs = "hadolint DL3004; Trivy DS-0010 (AVD-DS-0010); Checkov CKV2_DOCKER_1; Semgrep "
		"dockerfile.security.no-sudo-in-dockerfile; CIS Docker Benchmark 4.1",
	.check = check,
};
