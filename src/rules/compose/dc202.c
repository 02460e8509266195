/*
 * dc202.c - DC202 port-published-all-interfaces: a port that is not a
 * database port (those are DC201) published on every host interface (no
 * address, 0.0.0.0, ::, [::], or an address variable whose default is one
 * of them). Low severity and no fix: a web front end is often meant to be
 * public; the finding asks the author to decide.
 *
 * Seed: "Port Exposure" (bind to localhost if it must be exposed). KICS
 * 451d79dc "Container Traffic Not Bound To Host Interface"; dclint
 * no-unbound-port-interfaces; CIS Docker Benchmark v1.6.0 5.14.
 */
#include <stdlib.h>

#include "dcrule.h"

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		if (s->network_mode.node && dfx_yaml_str_eq(s->network_mode.node, "host"))
			continue; /* published ports are discarded (DC203) */
		for (size_t j = 0; j < s->nports; j++) {
			const struct dfx_compose_port *p = &s->ports[j];
			enum dfx_dc_exposure e;
			const char *kind;
			bool by_image;
			unsigned port;
			struct dfx_span where;
			struct dfx_finding *f;
			char *text;

			if (!p->valid)
				continue;
			e = dfx_dc_port_exposure(p);
			if (e == DFX_DC_BOUND || dfx_dc_port_db(ctx, s, p, &kind, &by_image, &port))
				continue;
			where = p->item->span;
			text = dfx_dc_port_text(p);
			f = dfx_dc_emit(ctx, &s->ports_ref, where,
				       "service `%s` publishes port `%s` on all host interfaces%s: it is reachable "
				       "from other machines",
				       s->name, text, e == DFX_DC_ALL_BY_VAR ? " unless the address variable is set" : "");
			free(text);
			if (f)
				f->hint = dfx_xstrdup("if only this host needs it, bind it to 127.0.0.1 "
						      "(`127.0.0.1:HOST:CONTAINER`, or `host_ip: 127.0.0.1`); if only "
						      "other containers need it, use `expose:` instead of `ports:`");
		}
	}
}

const struct dfx_rule dfx_rule_dc202 = {
	.code = "DC202",
	.name = "port-published-all-interfaces",
	.severity = DFX_SEV_LOW,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_NONE,
	.summary = "A port is published on all host interfaces",
	.what = "Finds published ports (short or long syntax) that bind to every host interface: no "
		"address, `0.0.0.0`, `::` or `[::]`, or an address variable whose default is one of "
		"those. Database, cache and broker ports are reported by DC201 instead; ports bound to "
		"127.0.0.1, ::1 or another specific address are fine.",
	.why = "Compose publishes a port without an address on every interface of the host, and "
	       "Docker's iptables rules let the traffic past host firewalls such as ufw. Development "
	       "servers, admin consoles and debug ports published this way are reachable from the "
	       "whole network, often without authentication. Publishing should be a decision, not "
	       "a default."
	       "\n\nSeverity: low: a published port is often intended; DC201 and the reachability of DC102, DC103 and DC104 rate what it exposes.",
	.example = "services:\n  admin:\n    image: adminer:5\n    ports:\n      - \"8080:8080\"",
	.instead = "services:\n  admin:\n    image: adminer:5\n    ports:\n      - \"127.0.0.1:8080:8080\"",
	.fix_safety = "No automatic fix: whether a web port must be reachable from other machines is "
		      "the author's decision. Bind it to 127.0.0.1 when only the host uses it, or replace "
		      "`ports:` by `expose:` when only other containers do.",
	.refs = "KICS 451d79dc (Container Traffic Not Bound To Host Interface); dclint "
		"no-unbound-port-interfaces; CIS Docker Benchmark v1.6.0 5.14 (incoming container traffic bound "
		"to a specific host interface)",
	.check = check,
};
