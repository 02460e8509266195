/*
 * df104.c - DF104 secret-removed-in-later-layer: a RUN removes (rm, shred,
 * unlink) a secret-looking file that an earlier COPY/ADD of the same stage
 * chain put into the image. Deleting it in a later layer does not take it
 * out of the image. No fix of its own: DF103's fix on the COPY replaces
 * both with a secret mount.
 * Seed: "Secrets Baked into Layers" ("RUN rm /app/.env # Still in previous
 * layer!"); Trivy DS-0031; CIS Docker Benchmark 4.10.
 */
#include <stdlib.h>
#include <string.h>

#include "dfhelp.h"
#include "dockfix/build.h"
#include "dockfix/rule.h"

/* Whether stage t is stage s or built FROM it. */
static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	struct dfx_build_copied *v;
	size_t n = dfx_build_copied_secrets(df, &v);
	struct dfx_build_wds wds = {0};

	for (size_t i = 0; n && i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		char **t;
		size_t nt;
		const struct dfx_build_copied *hit = NULL;
		struct dfx_finding *f;

		if (!dfx_df_is(in, "RUN"))
			continue;
		if (!wds.at)
			dfx_build_workdirs(df, &wds);
		nt = dfx_build_rm_targets(df, i, wds.at[i], &t);
		for (size_t k = 0; k < nt; k++) {
			for (size_t c = 0; c < n && !hit; c++)
				if (v[c].instr < i && dfx_df_stage_from(df, in->stage, df->instrs[v[c].instr].stage) &&
				    dfx_build_removes(&v[c], t[k]))
					hit = &v[c];
			free(t[k]);
		}
		free(t);
		if (!hit)
			continue;
		f = dfx_emit(ctx, in->span,
			       "this RUN deletes %s, which the %s on line %u put into an earlier layer: the file is "
			       "still in that layer, and anyone who can pull the image can extract it",
			       hit->target, df->instrs[hit->instr].cmd, df->instrs[hit->instr].line);
		dfx_dfhelp_mask_secret(f, in);
		if (f && strstr(hit->what, "SSH"))
			f->hint = dfx_xasprintf("do not copy SSH keys into the image: forward the agent to the steps "
						"that need it (`RUN --mount=type=ssh ...`, `docker build --ssh default`); "
						"see DF103 on line %u",
						df->instrs[hit->instr].line);
		else if (f)
			f->hint = dfx_xasprintf("do not copy %s into the image: mount it only for the steps that read "
						"it (`RUN --mount=type=secret,id=<id>,target=%s ...`); see DF103 on line %u",
						hit->src, hit->target, df->instrs[hit->instr].line);
	}
	dfx_build_copied_free(v, n);
	dfx_build_workdirs_release(&wds);
}

const struct dfx_rule dfx_rule_df104 = {
	.code = "DF104",
	.name = "secret-removed-in-later-layer",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "A copied secret file is deleted in a later layer, where it is still readable",
	.what = "Finds RUN steps that remove (`rm`, `shred`, `unlink`, also through sudo and in "
		"heredoc scripts) a secret-looking file - the DF103 list: .env files, private keys, "
		"credential files, .ssh/ and .aws/ directories - that an earlier COPY or ADD of the same "
		"stage, or of a stage it is built from, put into the image. Removing a parent directory "
		"or a matching wildcard counts.",
	.why = "Image layers are additive: the COPY layer keeps the file, and the later RUN only adds "
	       "a whiteout entry on top. `docker save` or any registry client gives back the earlier "
	       "layer with the secret in it, so the deletion gives a false sense of safety.",
	.example = "COPY id_rsa /root/.ssh/id_rsa\nRUN git clone git@github.com:acme/private.git\n"
		   "RUN rm /root/.ssh/id_rsa   # still in the COPY layer",
	.instead = "# syntax=docker/dockerfile:1\n"
		   "RUN --mount=type=ssh git clone git@github.com:acme/private.git\n\n"
		   "docker build --ssh default .",
	.fix_safety = "No fix of its own. DF103's unsafe fix on the COPY replaces the COPY, the reading "
		      "RUN steps and a RUN that only deletes the file with a secret mount.",
	.refs = "Trivy DS-0031; Docker docs: Build secrets and SSH mounts; CIS Docker Benchmark 4.10",
	.check = check,
};
