/*
 * dc203.c - DC203 host-network: a service with `network_mode: host` shares
 * the host's network stack. Unsafe fix: remove the key (the service joins
 * the project network; ports it must offer then need `ports:`).
 *
 * Seed: "Network Mode" (Host network mode, HIGH). KICS 071a71ff "Shared
 * Host Network Namespace"; CIS Docker Benchmark v1.6.0 5.10 (the host's
 * network namespace is not shared); compose-spec 05-services.md
 * network_mode.
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

		if (!s->network_mode.key || !dfx_yaml_str_eq(s->network_mode.node, "host"))
			continue;
		note = dfx_dc_ref_note(&s->network_mode);
		f = dfx_dc_emit(ctx, &s->network_mode, dfx_dc_ref_span(c, &s->network_mode),
			       "service `%s` uses the host's network stack (`%s: host`%s): no network "
			       "isolation, it can bind any host port and reach every service listening on the "
			       "host's localhost",
			       s->name, dfx_yaml_str(s->network_mode.key), note);
		free(note);
		if (f && dfx_dc_observes_host(s)) {
			/* a host agent: the host's network is what it reports on */
			f->hint = dfx_xasprintf("`%s` mounts the host's `%s` to watch the host: it needs the host "
						"network for that, so dockfix offers no fix; make it listen on 127.0.0.1 "
						"only (node-exporter: `--web.listen-address=127.0.0.1:9100`) or firewall "
						"its port",
						s->name, dfx_dc_observes_host(s));
			continue;
		}
		dfx_dc_fix_remove(ctx, f, s->network_mode.key,
				  dfx_yaml_str_eq(s->network_mode.key, "net") ? "remove `net: host`" :
				  "remove `network_mode: host`",
				  "(unsafe: the ports it listens on are then reachable only from the project "
				  "network: publish each one the host must reach with `ports: [\"127.0.0.1:PORT:PORT\"]`)",
				  NULL);
	}
}

const struct dfx_rule dfx_rule_dc203 = {
	.code = "DC203",
	.name = "host-network",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service uses the host's network stack",
	.what = "Finds services with `network_mode: host` (`net: host` in a version 1 file), also "
		"when the key comes from an anchor through a `<<` merge, a base service it `extends:`, "
		"or an earlier document of the file.",
	.why = "With the host network the container has no network namespace of its own: it sees "
	       "every host interface, can bind any port (also ports other services need), can talk "
	       "to daemons that listen only on 127.0.0.1 (the Docker API over TCP, databases, cloud "
	       "metadata proxies), and can sniff traffic with NET_RAW. Published ports and network "
	       "isolation between services no longer apply."
	       "\n\nSeverity: high: the host network removes network isolation and makes the service exposed for the reachability of DC102, DC103 and DC104.",
	.example = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    network_mode: host",
	.instead = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    ports:\n      - "
		   "\"127.0.0.1:8080:8080\"",
	.fix_safety = "Unsafe: removing `network_mode: host` moves the service onto the project "
		      "network. Ports it listened on are then reachable only from other services until "
		      "they are published with `ports:`, and anything that needed the host's interfaces "
		      "(DHCP, mDNS, network monitoring) stops working. A service that bind-mounts the "
		      "host's `/`, `/proc`, `/sys` or `/run` to watch the host (node-exporter, cAdvisor, "
		      "netdata) gets no fix: the host network is what it reports on.",
	.refs = "KICS 071a71ff (Shared Host Network Namespace); CIS Docker Benchmark v1.6.0 5.10 (the host's "
		"network namespace is not shared)",
	.check = check,
};
