/*
 * dc306.c - DC306 privileged-build: a service's `build:` asks BuildKit for
 * host privileges during the build: `privileged: true`, or the entitlement
 * `security.insecure` in `entitlements:` (RUN --security=insecure steps
 * then run privileged). Unsafe fix: remove the key or the entitlement.
 *
 * Reference: compose-spec build.md (privileged, entitlements); BuildKit
 * entitlements (security.insecure, network.host); DF406 judges the
 * Dockerfile side (`RUN --security=insecure`).
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"

static void report(struct dfx_ctx *ctx, const struct dfx_compose_service *s, const struct dfx_yaml_ref *ref,
		   const struct dfx_yaml_node *item)
{
	struct dfx_compose *c = ctx->file->compose;
	struct dfx_finding *f;
	struct dfx_span at = item ? item->span : dfx_dc_ref_span(c, ref);
	char *note = dfx_dc_ref_note(ref);

	f = dfx_dc_emit(ctx, ref, at,
		       "service `%s` builds with host privileges (`%s%s`%s): its RUN steps can run as root on "
		       "the build host, with every capability and the host's devices",
		       s->name, item ? "entitlements: [security.insecure]" : "privileged: ",
		       item ? "" : dfx_yaml_str(ref->node), note);
	free(note);
	dfx_dc_fix_remove(ctx, f, item ? item : ref->key,
			  item ? "remove the `security.insecure` entitlement" : "remove `privileged` from `build:`",
			  NULL, NULL);
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		struct dfx_yaml_ref ref;

		if (!s->build.node || s->build.node->type != DFX_YAML_MAPPING)
			continue;
		if (dfx_yaml_map_get(c->yaml, s->build.node, "privileged", &ref) == 1 && dfx_yaml_is_true(ref.node))
			report(ctx, s, &ref, NULL);
		if (dfx_yaml_map_get(c->yaml, s->build.node, "entitlements", &ref) != 1)
			continue;
		for (size_t i = 0; i < dfx_yaml_seq_len(ref.node); i++) {
			const struct dfx_yaml_node *it = dfx_yaml_seq_item(ref.node, i);

			if (it && dfx_yaml_str_eq(it, "security.insecure"))
				report(ctx, s, &ref, ref.node->items[i]);
		}
	}
}

const struct dfx_rule dfx_rule_dc306 = {
	.code = "DC306",
	.name = "privileged-build",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service is built with host privileges (build privileged or security.insecure)",
	.what = "Finds services whose `build:` mapping sets `privileged` to any value Compose reads as "
		"true, or lists the BuildKit entitlement `security.insecure` under `entitlements:`; also "
		"when the key comes from an anchor through `<<`. `network.host` is not flagged here.",
	.why = "A privileged build runs its RUN steps (those marked `--security=insecure`, or every "
	       "step of a privileged build) without seccomp, AppArmor or capability limits, with the "
	       "build host's devices visible: whatever the Dockerfile, a base image's ONBUILD or a "
	       "downloaded install script does runs as root on the machine that builds, often a CI "
	       "runner holding other projects' credentials.",
	.example = "services:\n  app:\n    build:\n      context: .\n      privileged: true",
	.instead = "services:\n  app:\n    build:\n      context: .",
	.fix_safety = "Unsafe: removing the setting makes build steps that need it (building kernel "
		      "modules, loop mounts, nested containers) fail; they need another approach or a "
		      "dedicated, isolated builder.",
	.refs = "compose-spec build.md (privileged, entitlements); BuildKit entitlements "
		"(security.insecure); CIS Docker Benchmark v1.6.0 5.5 (privileged containers)",
	.check = check,
};
