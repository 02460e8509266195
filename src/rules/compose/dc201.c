/*
 * dc201.c - DC201 database-port-published: a database, cache or broker
 * port (known by the service's image, or by the container port) published
 * on every host interface, in short (`"5432:5432"`, `"5432"`,
 * `"0.0.0.0:5432:5432"`, `"[::]:5432:5432"`) or long syntax (no `host_ip`,
 * or `host_ip: 0.0.0.0`). Safe fix: bind it to 127.0.0.1, editing inside
 * the scalar so its quoting stays (`"5432"` becomes `"127.0.0.1::5432"`:
 * the host port stays random), or adding / replacing `host_ip`. A value
 * that already binds a specific address, also inside a variable's default
 * (`"${SQL_PORT:-127.0.0.1:13306}:3306"`), is never rewritten.
 *
 * Seed: "Port Exposure" (Database exposed to host network). KICS
 * 451d79dc "Container Traffic Not Bound To Host Interface"; dclint
 * no-unbound-port-interfaces; CIS Docker Benchmark v1.6.0 5.14. Port grammar:
 * compose-spec 05-services.md ports, go-connections nat.ParsePortSpec.
 */
#include <stdlib.h>

#include "dcrule.h"

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;

	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *s = &c->services[i];

		if (s->network_mode.node && dfx_yaml_str_eq(s->network_mode.node, "host"))
			continue; /* published ports are discarded (DC203) */
		for (size_t j = 0; j < s->nports; j++) {
			const struct dfx_compose_port *p = &s->ports[j];
			enum dfx_dc_exposure e;
			const char *kind, *anchor;
			bool by_image;
			unsigned port;
			struct dfx_span where;
			struct dfx_finding *f;
			char *text, *what;

			if (!p->valid)
				continue;
			e = dfx_dc_port_exposure_defaults(p);
			if (e == DFX_DC_BOUND || !dfx_dc_port_db(ctx, s, p, &kind, &by_image, &port))
				continue;
			where = p->item->span;
			text = dfx_dc_port_text(p);
			anchor = p->from_anchor ? dfx_dc_anchor_of(p->node) : NULL;
			if (by_image)
				what = dfx_xasprintf("service `%s` (%s) publishes port `%s`%s%s%s", s->name, kind, text,
						     anchor ? " (from the anchor `&" : "", anchor ? anchor : "",
						     anchor ? "`)" : "");
			else
				what = dfx_xasprintf("service `%s` publishes the %s port `%s`%s%s%s", s->name, kind,
						     text, anchor ? " (from the anchor `&" : "", anchor ? anchor : "",
						     anchor ? "`)" : "");
			if (e == DFX_DC_ALL_BY_VAR)
				f = dfx_dc_emit(ctx, &s->ports_ref, where,
					       "%s on all host interfaces unless the address variable is set: the "
					       "database is reachable from the network",
					       what);
			else
				f = dfx_dc_emit(ctx, &s->ports_ref, where,
					       "%s on all host interfaces: the database is reachable from the network",
					       what);
			free(what);
			free(text);
			if (!f)
				continue;
			if (e == DFX_DC_ALL_BY_VAR) {
				f->hint = dfx_xstrdup("make the address variable default to 127.0.0.1 "
						      "(`${VAR:-127.0.0.1}`), or use `expose:` if only other "
						      "containers connect");
				continue;
			}
			dfx_dc_fix_loopback(ctx, f, p, DFX_FIX_SAFE,
					    "bind it to 127.0.0.1 (`127.0.0.1:HOST:CONTAINER` or `host_ip: 127.0.0.1`), "
					    "or use `expose:` if only other containers connect",
					    "use `expose:` instead if only other containers connect");
		}
	}
}

const struct dfx_rule dfx_rule_dc201 = {
	.code = "DC201",
	.name = "database-port-published",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_SAFE,
	.summary = "A database, cache or broker port is published on all host interfaces",
	.what = "Finds published ports of databases, caches and message brokers that bind to every "
		"host interface. A port counts as a database port when the service's image is a known "
		"database, cache or broker (postgres, mysql, mariadb, mongo, redis, valkey, memcached, "
		"elasticsearch, rabbitmq, ...), or when the container port is one of their well-known "
		"ports (5432, 3306, 27017, 6379, 11211, 9200, 5672, 2181, ...). Short syntax "
		"(`\"5432:5432\"`, `\"5432\"`, `\"0.0.0.0:5432:5432\"`, `\"[::]:5432:5432\"`, ranges, "
		"`/tcp`) and long syntax (no `host_ip`, or `host_ip: 0.0.0.0`) are both read, as are "
		"flow sequences and values that come from anchors. Ports bound to 127.0.0.1, ::1 or "
		"any other specific address are fine; an address from a variable is reported only "
		"when its default is all interfaces, also when the address is part of a host-port "
		"variable's default (`\"${SQL_PORT:-127.0.0.1:13306}:3306\"` is bound). In an override file, the image is taken from the "
		"base compose file next to it.",
	.why = "A port without an address is published on 0.0.0.0 and [::]: anyone who can reach "
	       "the host can reach the database, and Docker's own iptables rules bypass host "
	       "firewalls such as ufw. Databases in compose files are usually set up for other "
	       "containers, often with default or no credentials (the official redis image has no "
	       "password and protected mode off). Exposed databases are found by scanners within "
	       "hours."
	       "\n\nSeverity: critical: the finding is the exposure itself (every host interface), and a database is the service whose data an attacker wants.",
	.example = "services:\n  db:\n    image: postgres:18\n    ports:\n      - \"5432:5432\"",
	.instead = "services:\n  db:\n    image: postgres:18\n    expose:\n      - \"5432\"   # other "
		   "containers only\n  # or, for tools on the host:\n  cache:\n    image: redis:8\n    "
		   "ports:\n      - \"127.0.0.1:6379:6379\"",
	.fix_safety = "Safe. The fix inserts `127.0.0.1:` in front of the port (or replaces "
		      "0.0.0.0 / [::]; `\"5432\"` becomes `\"127.0.0.1::5432\"`, keeping the random host "
		      "port), or sets `host_ip: 127.0.0.1` in long syntax, editing inside the quotes so the "
		      "quoting style stays. Containers keep reaching the database over the compose network "
		      "and tools on the host keep using localhost; only other machines lose access. A port "
		      "defined in an anchor is fixed in the anchor. When the address comes from a variable "
		      "(`${BIND:-0.0.0.0}`, `${PORT:-0.0.0.0:5432}`) the finding only says what to change; "
		      "a value that already binds a specific address is never rewritten. Before Docker Engine 28, "
		      "hosts on the same layer-2 segment could still reach 127.0.0.1-published ports "
		      "(moby#45610); `expose:` with no publishing at all is the stronger choice.",
	.refs = "bind to localhost); KICS 451d79dc (Container Traffic Not Bound To Host Interface); dclint "
		"no-unbound-port-interfaces; CIS Docker Benchmark v1.6.0 5.14 (incoming container traffic bound "
		"to a specific host interface); compose-spec 05-services.md ports",
	.check = check,
};
