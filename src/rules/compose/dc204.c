/*
 * dc204.c - DC204 host-namespace: a service shares a host namespace other
 * than the network one: `pid: host`, `ipc: host`, `uts: host`,
 * `userns_mode: host` or `cgroup: host`. Unsafe fix: remove the key.
 *
 * Seed: "Docker Compose Security" (isolation). KICS 4f31dd9f (Host
 * Namespace is Shared, pid), baa3890f (Shared Host IPC Namespace),
 * 8af7162d (Shared Host User Namespace); CIS Docker Benchmark v1.6.0 5.16
 * (process), 5.17 (IPC), 5.21 (UTS), 5.31 (user namespaces);
 * compose-spec 05-services.md pid, ipc, uts, userns_mode, cgroup.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"

static void check(struct dfx_ctx *ctx)
{
	static const struct {
		const char *key;
		size_t off;
		const char *ns;
		const char *effect;
	} keys[] = {
		{"pid", offsetof(struct dfx_compose_service, pid), "process (PID)",
		 "it sees every process on the host and, as root, can signal or trace them"},
		{"ipc", offsetof(struct dfx_compose_service, ipc), "IPC",
		 "it shares the host's shared memory, semaphores and message queues"},
		{"uts", offsetof(struct dfx_compose_service, uts), "UTS",
		 "it shares the host's hostname and domain name"},
		{"userns_mode", offsetof(struct dfx_compose_service, userns_mode), "user",
		 "user-namespace remapping is off for it: root in the container is root on the host"},
		{"cgroup", offsetof(struct dfx_compose_service, cgroup), "cgroup",
		 "it sees and, where writable, can change the host's cgroup hierarchy"},
	};
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const struct dfx_yaml_ref *r =
				(const struct dfx_yaml_ref *)((const char *)s + keys[k].off);
			struct dfx_finding *f;
			char *desc, *note;

			if (!r->key || !dfx_yaml_str_eq(r->node, "host"))
				continue;
			note = dfx_dc_ref_note(r);
			f = dfx_dc_emit(ctx, r, dfx_dc_ref_span(c, r),
				       "service `%s` shares the host's %s namespace (`%s: host`%s): %s", s->name,
				       keys[k].ns, keys[k].key, note, keys[k].effect);
			free(note);
			if (f && !strcmp(keys[k].key, "pid") && dfx_dc_observes_host(s)) {
				/* a host agent: the host's processes are what it reports on */
				f->hint = dfx_xasprintf("`%s` mounts the host's `%s` to watch the host: it needs the "
							"host's process namespace for that, so dockfix offers no fix",
							s->name, dfx_dc_observes_host(s));
				continue;
			}
			desc = dfx_xasprintf("remove `%s: host`", keys[k].key);
			dfx_dc_fix_remove(ctx, f, r->key, desc, NULL, NULL);
			free(desc);
		}
	}
}

const struct dfx_rule dfx_rule_dc204 = {
	.code = "DC204",
	.name = "host-namespace",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service shares a host namespace (pid, ipc, uts, userns, cgroup)",
	.what = "Finds services that set `pid`, `ipc`, `uts`, `userns_mode` or `cgroup` to `host` "
		"(directly or through a `<<` merge). The network namespace is DC203.",
	.why = "Namespaces are what make a container a container. `pid: host` lets it see and, as "
	       "root, signal or ptrace every host process (and read their environment and memory "
	       "maps); `ipc: host` exposes the host's shared memory; `uts: host` its hostname; "
	       "`userns_mode: host` turns off the daemon's user-namespace remapping so container "
	       "root is host root; `cgroup: host` shows the host's cgroup tree. Each one removes a "
	       "layer an attacker would otherwise have to break."
	       "\n\nSeverity: high: each shared namespace removes one layer of isolation; escaping still needs a second weakness.",
	.example = "services:\n  agent:\n    image: ghcr.io/acme/agent:2\n    pid: host\n    ipc: host",
	.instead = "services:\n  agent:\n    image: ghcr.io/acme/agent:2\n    # own pid and ipc namespaces "
		   "(the default)",
	.fix_safety = "Unsafe: removing the key gives the service its own namespace again. Monitoring "
		      "agents that inspect host processes, tools that share memory with host programs, "
		      "or images that depend on the host's hostname stop working as before. A service that "
		      "bind-mounts the host's `/`, `/proc`, `/sys` or `/run` to watch the host gets no fix "
		      "for `pid: host`: the host's processes are what it reports on.",
	.refs = "KICS 4f31dd9f (Host Namespace is Shared), baa3890f (Shared Host IPC Namespace), 8af7162d "
		"(Shared Host User Namespace); CIS Docker Benchmark v1.6.0 5.16 (process namespace), 5.17 (IPC "
		"namespace), 5.21 (UTS namespace), 5.31 (user namespaces)",
	.check = check,
};
