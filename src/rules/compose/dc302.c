/*
 * dc302.c - DC302 dangerous-capability: `cap_add` grants a capability that
 * breaks container isolation (ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE,
 * NET_ADMIN, DAC_READ_SEARCH, ...), written with or without `CAP_`, in
 * any case. Unsafe fix: remove the entry; when every entry of the list is
 * removed, the `cap_add` key goes with them.
 *
 * Seed: "Privileged Mode" (HIGH: Dangerous capabilities SYS_ADMIN,
 * NET_ADMIN). KICS ce76b7d0 (Container Capabilities Unrestricted, any
 * cap_add); CIS Docker Benchmark v1.6.0 5.4 (Linux kernel capabilities are
 * restricted); capabilities(7).
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"

static const struct {
	const char *cap;
	const char *effect;
} caps[] = {
	{"ALL", "every capability, as good as `privileged` for escaping"},
	{"SYS_ADMIN", "mount filesystems, create namespaces, use many admin ioctls: the classic escape "
		      "route"},
	{"SYS_MODULE", "load kernel modules into the host kernel"},
	{"SYS_RAWIO", "raw I/O ports and /dev/mem-style device access"},
	{"SYS_PTRACE", "trace and inject code into processes it can see"},
	{"SYS_BOOT", "reboot the host or load a new kernel"},
	{"SYS_TIME", "change the host's clock (time is not namespaced)"},
	{"SYSLOG", "read and clear the kernel log, which leaks kernel addresses"},
	{"DAC_READ_SEARCH", "open host files by handle (the `shocker` escape)"},
	{"NET_ADMIN", "reconfigure interfaces, routes and firewall rules, and sniff traffic"},
	{"MAC_ADMIN", "change AppArmor / SELinux policy"},
	{"MAC_OVERRIDE", "bypass AppArmor / SELinux policy"},
	{"BPF", "load eBPF programs into the host kernel"},
	{"PERFMON", "use perf and BPF tracing to observe the host kernel and other processes"},
};

#define NCAPS (sizeof(caps) / sizeof(caps[0]))

/* Index of a dangerous capability (CAP_ prefix and case ignored), or -1. */
static long dangerous(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	if (dfx_dc_prefix_nocase(v, "CAP_"))
		v += 4;
	for (size_t i = 0; i < NCAPS; i++) {
		size_t n = strlen(caps[i].cap);

		if (dfx_dc_prefix_nocase(v, caps[i].cap)) {
			const char *r = v + n;

			while (*r == ' ' || *r == '\t')
				r++;
			if (!*r)
				return (long)i;
		}
	}
	return -1;
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		const struct dfx_yaml_node *seq = s->cap_add.node;
		size_t n, flagged = 0;

		if (!s->cap_add.key || !seq || seq->type != DFX_YAML_SEQUENCE)
			continue;
		n = dfx_yaml_seq_len(seq);
		/* how many entries will be reported (and removed) */
		for (size_t j = 0; j < n; j++) {
			const struct dfx_yaml_node *it = dfx_yaml_seq_item(seq, j);
			struct dfx_span where = seq->items[j]->span;

			if (dfx_yaml_str(it) && dangerous(dfx_yaml_str(it)) >= 0 &&
			    !dfx_dc_suppressed(ctx, &s->cap_add, where))
				flagged++;
		}
		for (size_t j = 0; j < n; j++) {
			const struct dfx_yaml_node *it = dfx_yaml_seq_item(seq, j);
			struct dfx_span where = seq->items[j]->span;
			struct dfx_finding *f;
			long k;
			char *note, *what;

			if (!dfx_yaml_str(it) || (k = dangerous(dfx_yaml_str(it))) < 0)
				continue;
			note = dfx_dc_paren_note(&s->cap_add);
			f = dfx_dc_emit(ctx, &s->cap_add, where, "service `%s` adds the capability %s%s: %s", s->name,
				       caps[k].cap, note, caps[k].effect);
			free(note);
			if (!f)
				continue;
			/* loading a module is running code in the host kernel: as bad as privileged */
			if (!strcmp(caps[k].cap, "SYS_MODULE") || !strcmp(caps[k].cap, "ALL"))
				dfx_finding_severity(ctx, f, DFX_SEV_CRITICAL);
			if (flagged == n) {
				dfx_dc_fix_remove(ctx, f, s->cap_add.key, "remove `cap_add`",
						  "(every capability it adds is dangerous)", NULL);
			} else {
				what = dfx_xasprintf("remove `%s` from `cap_add`", dfx_yaml_str(it));
				dfx_dc_fix_remove(ctx, f, it, what, NULL, NULL);
				free(what);
			}
		}
	}
}

const struct dfx_rule dfx_rule_dc302 = {
	.code = "DC302",
	.name = "dangerous-capability",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service adds a capability that breaks container isolation",
	.what = "Finds `cap_add` entries that grant ALL, SYS_ADMIN, SYS_MODULE, SYS_RAWIO, SYS_PTRACE, "
		"SYS_BOOT, SYS_TIME, SYSLOG, DAC_READ_SEARCH, NET_ADMIN, MAC_ADMIN, MAC_OVERRIDE, BPF or "
		"PERFMON, with or without the `CAP_` prefix and in any case, in block or flow lists and "
		"through anchors. Capabilities Docker grants by default (CHOWN, NET_BIND_SERVICE, ...) "
		"and harmless additions (NET_RAW, SYS_NICE, IPC_LOCK) are not reported.",
	.why = "Capabilities split root's power into pieces; these pieces are the ones that reach "
	       "the host kernel. SYS_ADMIN allows mounts and namespace tricks behind most container "
	       "escapes, SYS_MODULE and BPF load code into the kernel, DAC_READ_SEARCH opens host "
	       "files by handle, SYS_PTRACE injects into processes, NET_ADMIN rewrites the network. "
	       "`ALL` is `privileged` without the device access."
	       "\n\nSeverity: critical for SYS_MODULE and ALL (a kernel module is code in the host kernel: as good as `privileged`), high for the others, which need a further step to escape.",
	.example = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    cap_add:\n      - SYS_ADMIN\n      "
		   "- NET_ADMIN",
	.instead = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    cap_drop:\n      - ALL\n    "
		   "cap_add:\n      - NET_BIND_SERVICE   # only what it needs",
	.fix_safety = "Unsafe: the service loses the capability. A VPN client without NET_ADMIN cannot "
		      "create its tunnel, a debugger without SYS_PTRACE cannot attach, FUSE mounts "
		      "without SYS_ADMIN fail. When every entry of `cap_add` is removed, the key goes "
		      "too; a list that comes from an anchor is edited in the anchor.",
	.refs = "KICS ce76b7d0 (Container Capabilities Unrestricted); CIS Docker Benchmark v1.6.0 5.4 (Linux "
		"kernel capabilities are restricted within containers); capabilities(7)",
	.check = check,
};
