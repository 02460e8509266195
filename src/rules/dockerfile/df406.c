/*
 * df406.c - DF406 insecure-build-flag: `RUN --security=insecure`,
 * `RUN --network=host` or `RUN --device=...` (also under ONBUILD). Each
 * needs a BuildKit entitlement (security.insecure, network.host, device)
 * because it gives the build step host privileges. Detection only.
 * BuildKit frontend reference (RUN --security, --network, --device);
 * BuildKit entitlements; no hadolint/Trivy/Checkov rule.
 */
#include <string.h>

#include "dockfix/rule.h"

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	const struct dfx_df_instr *in;

	DFX_EACH_INSTR(df, in) {
		if (!dfx_df_is(in, "RUN"))
			continue;
		for (size_t k = 0; k < in->nflags; k++) {
			const struct dfx_df_flag *fl = &in->flags[k];
			const char *v = fl->value ? fl->value : "";
			struct dfx_finding *f = NULL;

			if (!strcmp(fl->name, "security") && !strcmp(v, "insecure")) {
				f = dfx_emit(ctx, fl->span,
					       "RUN --security=insecure runs this step without the build sandbox, "
					       "with the privileges of a `docker run --privileged` container");
				if (f)
					f->hint = dfx_xstrdup("remove --security=insecure; a step that needs "
							      "privileged kernel features belongs in a "
							      "runtime setup, not in the image build");
			} else if (!strcmp(fl->name, "network") && !strcmp(v, "host")) {
				f = dfx_emit(ctx, fl->span,
					       "RUN --network=host gives this build step the host's network "
					       "stack: it can reach services bound to the host's localhost and "
					       "the host's network namespace");
				if (f)
					f->hint = dfx_xstrdup("remove --network=host (the default network "
							      "reaches the internet); use --network=none for "
							      "steps that need no network");
			} else if (!strcmp(fl->name, "device")) {
				f = dfx_emit(ctx, fl->span,
					       "RUN --device=%s exposes a host device to this build step", v);
				if (f)
					f->hint = dfx_xstrdup("remove --device; build steps should not need "
							      "host devices (CDI devices need the `device` "
							      "entitlement for a reason)");
			}
		}
	}
}

const struct dfx_rule dfx_rule_df406 = {
	.code = "DF406",
	.name = "insecure-build-flag",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "A RUN step asks for host privileges (--security=insecure, --network=host, --device)",
	.what = "Finds RUN instructions (also under ONBUILD) with `--security=insecure`, "
		"`--network=host` or `--device=...`.",
	.why = "These flags lift the build sandbox for one step: `--security=insecure` runs it like a "
	       "privileged container, `--network=host` shares the host's network namespace (services "
	       "bound to localhost, metadata endpoints), and `--device` hands it a host device. "
	       "BuildKit refuses them unless the builder grants the matching entitlement "
	       "(security.insecure, network.host, device), so a Dockerfile that needs them pushes "
	       "every user to run a more privileged builder.",
	.example = "RUN --security=insecure mount -t tmpfs none /mnt\nRUN --network=host curl http://localhost:8080/seed",
	.instead = "RUN --network=none make test\n# fetch what the step needs over the default network",
	.fix_safety = "No fix: removing the flag can break the step; what it needed instead is a "
		      "design decision.",
	.refs = "BuildKit Dockerfile reference: RUN --security, RUN --network, RUN --device and "
		"builder entitlements; CIS Docker Benchmark 5.4 "
		"(privileged) and 5.9 (host network), by analogy",
	.check = check,
};
