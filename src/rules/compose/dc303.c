/*
 * dc303.c - DC303 security-profile-disabled: `security_opt` turns off a
 * confinement layer: `seccomp:unconfined`, `apparmor:unconfined`,
 * `label:disable` (or bare `disable`), `label:type:spc_t`,
 * `systempaths=unconfined`, in the `:` and `=` forms the engine accepts.
 * Unsafe fix: remove the entry (and the key when no entry is left).
 *
 * Seed: "Docker Compose Security" (privileges). KICS 404fde2c (Default
 * Seccomp Profile Disabled; colon form only); Semgrep
 * docker-compose seccomp-confinement-disabled and
 * selinux-separation-disabled; CIS Docker Benchmark v1.6.0 5.2 (AppArmor),
 * 5.3 (SELinux), 5.22 (seccomp). Grammar: moby parseSecurityOpt (the
 * `--security-opt` values of docs.docker.com/reference/cli/docker/container/run/).
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		const struct dfx_yaml_ref *r = &s->security_opt;
		const struct dfx_yaml_node *seq = r->node;
		size_t n, flagged = 0;

		if (!r->key || !seq || seq->type != DFX_YAML_SEQUENCE)
			continue;
		n = dfx_yaml_seq_len(seq);
		for (size_t j = 0; j < n; j++) {
			const struct dfx_yaml_node *it = dfx_yaml_seq_item(seq, j);
			struct dfx_span where = seq->items[j]->span;

			if (dfx_yaml_str(it) && dfx_dc_security_opt_disables(dfx_yaml_str(it)) &&
			    !dfx_dc_suppressed(ctx, r, where))
				flagged++;
		}
		for (size_t j = 0; j < n; j++) {
			const struct dfx_yaml_node *it = dfx_yaml_seq_item(seq, j);
			struct dfx_span where = seq->items[j]->span;
			const char *what;
			struct dfx_finding *f;
			char *note, *desc;

			if (!dfx_yaml_str(it) || !(what = dfx_dc_security_opt_disables(dfx_yaml_str(it))))
				continue;
			note = dfx_dc_paren_note(r);
			f = dfx_dc_emit(ctx, r, where, "service `%s` turns off %s with `%s`%s", s->name,
				       what, dfx_yaml_str(it), note);
			free(note);
			if (!f)
				continue;
			if (flagged == n) {
				dfx_dc_fix_remove(ctx, f, r->key, "remove `security_opt`",
						  "(none of its entries is kept)", NULL);
			} else {
				desc = dfx_xasprintf("remove `%s` from `security_opt`", dfx_yaml_str(it));
				dfx_dc_fix_remove(ctx, f, it, desc, NULL, NULL);
				free(desc);
			}
		}
	}
}

const struct dfx_rule dfx_rule_dc303 = {
	.code = "DC303",
	.name = "security-profile-disabled",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service turns off seccomp, AppArmor, SELinux or /proc masking",
	.what = "Finds `security_opt` entries that disable a confinement layer: `seccomp:unconfined`, "
		"`apparmor:unconfined`, `label:disable` (and the bare `disable`), `label:type:spc_t`, "
		"`systempaths=unconfined`. Both the `key:value` and the `key=value` forms are read, as "
		"the Docker engine does (KICS and Semgrep only know the colon form).",
	.why = "Docker's default seccomp profile blocks dozens of dangerous system calls (keyctl, "
	       "bpf, unshare, mount, kexec_load, ...), the AppArmor and SELinux profiles stop writes "
	       "to /proc and /sys and access to other containers' files, and /proc masking hides "
	       "kernel interfaces such as /proc/kcore. Each one has stopped real container escapes; "
	       "turning them off leaves only capabilities between the process and the host kernel.",
	.example = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    security_opt:\n      - "
		   "seccomp:unconfined\n      - apparmor:unconfined",
	.instead = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    security_opt:\n      - "
		   "no-new-privileges:true\n      - seccomp:./seccomp-app.json   # a custom profile that "
		   "allows only the extra calls it needs",
	.fix_safety = "Unsafe: the default profiles come back. Software that needs a blocked system "
		      "call (some debuggers, Chromium's sandbox, nested containers) fails until a custom "
		      "profile that allows it is written. When no entry of `security_opt` is left, the "
		      "key is removed.",
	.refs = "KICS 404fde2c (Default Seccomp Profile Disabled); Semgrep seccomp-confinement-disabled, "
		"selinux-separation-disabled; CIS Docker Benchmark v1.6.0 5.2 (AppArmor), 5.3 (SELinux), 5.22 "
		"(default seccomp profile is not disabled)",
	.check = check,
};
