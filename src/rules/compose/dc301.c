/*
 * dc301.c - DC301 privileged: `privileged: true` in any form Compose reads
 * as true (true, True, yes, on, "true", "1" ...). Unsafe fix: remove the
 * key.
 *
 * Seed: "Privileged Mode" (CRITICAL: full host access). KICS ae5b6871
 * (Privileged Containers Enabled; boolean only); Semgrep
 * docker-compose privileged-service; CIS Docker Benchmark
 * v1.6.0 5.5 (privileged containers are not used).
 */
#include <stdlib.h>

#include "dcrule.h"

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		struct dfx_finding *f;
		char *note;

		if (!s->privileged.key || !dfx_yaml_is_true(s->privileged.node))
			continue;
		note = dfx_dc_ref_note(&s->privileged);
		f = dfx_dc_emit(ctx, &s->privileged, dfx_dc_ref_span(c, &s->privileged),
			       "service `%s` runs privileged (`privileged: %s`%s): every capability, every "
			       "host device, no seccomp or AppArmor confinement; root in it is root on the host",
			       s->name, dfx_yaml_str(s->privileged.node), note);
		free(note);
		dfx_dc_fix_remove(ctx, f, s->privileged.key, "remove `privileged`",
				  "(add back only the capabilities or devices the service needs with "
				  "`cap_add:` / `devices:`)",
				  NULL);
	}
}

const struct dfx_rule dfx_rule_dc301 = {
	.code = "DC301",
	.name = "privileged",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service runs in privileged mode",
	.what = "Finds services with `privileged` set to any value Compose reads as true: `true`, "
		"`True`, `yes`, `on`, and quoted strings such as `\"true\"` (KICS matches only the "
		"boolean). Keys that come from an anchor through `<<` are found too.",
	.why = "A privileged container gets every Linux capability, access to all host devices "
	       "(disks, /dev/mem), writable /sys and /proc, and no seccomp, AppArmor or SELinux "
	       "confinement. Escaping it is trivial: mount the host disk, load a kernel module, or "
	       "use the release_agent of a cgroup. It is root on the host in all but name.",
	.example = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    privileged: true",
	.instead = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    cap_add:\n      - NET_ADMIN   # "
		   "only what it needs\n    devices:\n      - /dev/net/tun",
	.fix_safety = "Unsafe: removing `privileged` takes away the extra capabilities, devices and "
		      "unconfined profiles. Services that really use one of them (Docker-in-Docker, "
		      "hardware access, VPN tunnels) fail until the specific `cap_add:` or `devices:` "
		      "entry they need is added.",
	.refs = "KICS ae5b6871 (Privileged Containers Enabled); Semgrep docker-compose privileged-service; CIS "
		"Docker Benchmark v1.6.0 5.5 (privileged containers are not used)",
	.check = check,
};
