/*
 * dc205.c - DC205 admin-interface-published: an administration interface
 * that asks nobody to log in, published on every host interface:
 *   - Traefik with `--api.insecure=true` (or TRAEFIK_API_INSECURE=true):
 *     the API and dashboard on container port 8080;
 *   - phpMyAdmin with PMA_USER and PMA_PASSWORD: it logs every visitor in
 *     as that database user (config authentication);
 *   - mongo-express without its own basic-auth user
 *     (ME_CONFIG_BASICAUTH_USERNAME unset, or basic auth switched off);
 *   - Kafka without SASL (PLAINTEXT listeners) and ZooKeeper without SASL
 *     or ZOO_ENABLE_AUTH: anyone who reaches the port reads and writes.
 * Supersedes DC201 and DC202 at the same port. Fix: bind the port to
 * 127.0.0.1 as DC201 does (a specific address, also in a variable's
 * default, is never rewritten): safe for Kafka and ZooKeeper, whose
 * clients are other containers, as for DC201; unsafe for the web
 * interfaces, which people open from their own machines.
 *
 * References: Traefik "API" docs (api.insecure: "the API is then
 * exposed on the entryPoint traefik, port 8080"); phpMyAdmin Docker image
 * (PMA_USER / PMA_PASSWORD: config authentication); mongo-express README
 * (ME_CONFIG_BASICAUTH_*); Apache Kafka security (PLAINTEXT listeners
 * have no authentication); ZooKeeper Administrator's Guide (SASL
 * authentication is opt-in); CIS Docker Benchmark v1.6.0 5.14.
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"
#include "dockfix/image.h"

/* The value of environment variable `name` of a service, or NULL (unset or absent). */
static const char *env_value(const struct dfx_compose_service *s, const char *name)
{
	for (size_t i = 0; i < s->nenv; i++)
		if (!strcmp(s->env[i].name, name))
			return s->env[i].value;
	return NULL;
}

static bool is_true_text(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE") || !strcmp(v, "1") ||
		     !strcmp(v, "yes"));
}

static bool is_false_text(const char *v)
{
	return v && (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE") || !strcmp(v, "0") ||
		     !strcmp(v, "no"));
}

/* Whether a word is `--api.insecure`, `--api.insecure=true` (any case of true). */
static bool insecure_api_word(const char *w)
{
	static const char flag[] = "--api.insecure";
	size_t n = sizeof(flag) - 1;

	if (strncmp(w, flag, n))
		return false;
	return !w[n] || (w[n] == '=' && is_true_text(w + n + 1));
}

/* Whether command (a list or a string) has the insecure-API flag. */
static bool traefik_insecure(const struct dfx_compose_service *s)
{
	const struct dfx_yaml_node *n = s->command.node;

	if (is_true_text(env_value(s, "TRAEFIK_API_INSECURE")))
		return true;
	if (!n)
		return false;
	if (n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < dfx_yaml_seq_len(n); i++) {
			const struct dfx_yaml_node *it = dfx_yaml_seq_item(n, i);

			if (it && it->type == DFX_YAML_SCALAR && insecure_api_word(dfx_yaml_str(it)))
				return true;
		}
		return false;
	}
	if (n->type == DFX_YAML_SCALAR) {
		const char *v = dfx_yaml_str(n);

		for (const char *p = strstr(v, "--api.insecure"); p; p = strstr(p + 1, "--api.insecure")) {
			size_t len = strcspn(p, " \t\n");
			char *w = dfx_xstrndup(p, len);
			bool hit = insecure_api_word(w);

			free(w);
			if (hit)
				return true;
		}
	}
	return false;
}

/* Whether any environment name or value of the service mentions `word` (ASCII case-insensitive). */
static bool env_mentions(const struct dfx_compose_service *s, const char *word)
{
	for (size_t i = 0; i < s->nenv; i++) {
		const char *parts[2] = {s->env[i].name, s->env[i].value};

		for (size_t k = 0; k < 2; k++)
			for (const char *p = parts[k]; p && *p; p++)
				if (dfx_dc_prefix_nocase(p, word))
					return true;
	}
	return false;
}

enum admin {
	ADMIN_NONE,
	ADMIN_TRAEFIK,
	ADMIN_PMA,
	ADMIN_MONGO_EXPRESS,
	ADMIN_KAFKA,
	ADMIN_ZOOKEEPER,
};

/* Which unauthenticated interface a service offers, judged by its image and settings. */
static enum admin service_admin(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	const char *img = dfx_dc_service_image(ctx, s), *base, *v;
	struct dfx_imageref ref;
	enum admin a = ADMIN_NONE;

	if (!img || dfx_image_parse(&ref, img, NULL) != 0)
		return ADMIN_NONE;
	base = ref.base ? ref.base : "";
	if (!strcmp(base, "traefik")) {
		a = traefik_insecure(s) ? ADMIN_TRAEFIK : ADMIN_NONE;
	} else if (!strcmp(base, "phpmyadmin")) {
		a = env_value(s, "PMA_USER") && env_value(s, "PMA_PASSWORD") ? ADMIN_PMA : ADMIN_NONE;
	} else if (!strcmp(base, "mongo-express")) {
		v = env_value(s, "ME_CONFIG_BASICAUTH");
		if (!v)
			v = env_value(s, "ME_CONFIG_BASICAUTH_ENABLED");
		a = is_false_text(v) || !env_value(s, "ME_CONFIG_BASICAUTH_USERNAME") ? ADMIN_MONGO_EXPRESS
											 : ADMIN_NONE;
	} else {
		const char *kind = dfx_db_image_kind(&ref);

		if (kind && !strcmp(kind, "kafka") && !env_mentions(s, "sasl"))
			a = ADMIN_KAFKA;
		else if (kind && !strcmp(kind, "zookeeper") && !env_mentions(s, "sasl") &&
			 !is_true_text(env_value(s, "ZOO_ENABLE_AUTH")))
			a = ADMIN_ZOOKEEPER;
	}
	dfx_image_release(&ref);
	return a;
}

/*
 * A port bound to a specific address that is not a loopback one
 * (`10.0.0.5:8080:80`): it still faces that network. Variables are not
 * judged.
 */
static bool lan_address(const struct dfx_compose_port *p)
{
	const char *ip = p->host_ip;

	if (!ip || !*ip || strchr(ip, '$'))
		return false;
	return strncmp(ip, "127.", 4) && strcmp(ip, "::1") && strcmp(ip, "localhost") &&
	       strcmp(ip, "0.0.0.0") && strcmp(ip, "::");
}

/* The message's description of the interface. */
static char *describe(enum admin a, const struct dfx_compose_service *s)
{
	const char *user = env_value(s, "PMA_USER");

	switch (a) {
	case ADMIN_TRAEFIK:
		return dfx_xstrdup("Traefik's API and dashboard without authentication (`--api.insecure=true`): "
				   "anyone who reaches it sees every router, service and backend address");
	case ADMIN_PMA:
		return dfx_xasprintf("phpMyAdmin with PMA_USER and PMA_PASSWORD: it logs every visitor in as "
				     "the database user%s, no password asked",
				     user && !strcmp(user, "root") ? " `root`" : "");
	case ADMIN_MONGO_EXPRESS:
		return dfx_xstrdup("mongo-express without a basic-auth user of its own (ME_CONFIG_BASICAUTH_USERNAME "
				   "unset or basic auth off): anyone who reaches it browses and edits the databases");
	case ADMIN_KAFKA:
		return dfx_xstrdup("Kafka without SASL (PLAINTEXT listeners): anyone who reaches it reads and "
				   "writes every topic and changes the cluster");
	case ADMIN_ZOOKEEPER:
		return dfx_xstrdup("ZooKeeper without SASL or ZOO_ENABLE_AUTH: anyone who reaches it reads and "
				   "changes every znode, the configuration of the systems that use it");
	case ADMIN_NONE:
		break;
	}
	return dfx_xstrdup("");
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		enum admin a;
		bool broker;

		if (s->network_mode.node && dfx_yaml_str_eq(s->network_mode.node, "host"))
			continue; /* published ports are discarded (DC203) */
		if (!s->nports || (a = service_admin(ctx, s)) == ADMIN_NONE)
			continue;
		broker = a == ADMIN_KAFKA || a == ADMIN_ZOOKEEPER;
		for (size_t j = 0; j < s->nports; j++) {
			const struct dfx_compose_port *p = &s->ports[j];
			enum dfx_dc_exposure e;
			struct dfx_span where;
			struct dfx_finding *f;
			char *text, *what;

			if (!p->valid || (a == ADMIN_TRAEFIK && !(p->target_lo <= 8080 && 8080 <= p->target_hi)))
				continue;
			e = dfx_dc_port_exposure_defaults(p);
			if (e == DFX_DC_BOUND && !lan_address(p))
				continue;
			text = dfx_dc_port_text(p);
			what = describe(a, s);
			where = p->item->span;
			if (e == DFX_DC_BOUND)
				f = dfx_dc_emit(ctx, &s->ports_ref, where,
					       "service `%s` publishes port `%s` on the host address %s, reachable from its "
					       "network: %s",
					       s->name, text, p->host_ip, what);
			else
				f = dfx_dc_emit(ctx, &s->ports_ref, where, "service `%s` publishes port `%s` on all host interfaces%s: %s",
					       s->name, text,
					       e == DFX_DC_ALL_BY_VAR ? " unless the address variable is set" : "", what);
			free(text);
			free(what);
			if (!f)
				continue;
			if (e == DFX_DC_BOUND) {
				f->hint = dfx_xstrdup("turn on the interface's authentication, or bind it to 127.0.0.1 "
						      "if only this host uses it");
				continue;
			}
			if (e == DFX_DC_ALL_BY_VAR) {
				f->hint = dfx_xstrdup("make the address variable default to 127.0.0.1 "
						      "(`${VAR:-127.0.0.1}`), and turn on the interface's authentication");
				continue;
			}
			dfx_dc_fix_loopback(ctx, f, p, broker ? DFX_FIX_SAFE : DFX_FIX_UNSAFE,
					    "bind it to 127.0.0.1 (`127.0.0.1:HOST:CONTAINER` or `host_ip: 127.0.0.1`) and "
					    "turn on the interface's authentication",
					    broker ? "use `expose:` instead if only other containers connect"
						   : "reach it through an SSH tunnel or a proxy that asks for a login");
		}
	}
}

const struct dfx_rule dfx_rule_dc205 = {
	.code = "DC205",
	.name = "admin-interface-published",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_SAFE,
	.summary = "An administration interface without authentication is published on all host interfaces",
	.what = "Finds published ports (no address, 0.0.0.0, ::) of interfaces that let anyone in: "
		"Traefik with `--api.insecure=true` or TRAEFIK_API_INSECURE=true (container port 8080), "
		"phpMyAdmin with PMA_USER and PMA_PASSWORD (automatic login), mongo-express without "
		"ME_CONFIG_BASICAUTH_USERNAME or with basic auth off, Kafka without SASL (PLAINTEXT "
		"listeners) and ZooKeeper without SASL or ZOO_ENABLE_AUTH. Ports bound to a loopback "
		"address (also in a variable's default) are left alone; ports bound to another address "
		"(`10.0.0.5:8080:80`) are reported with a hint. It replaces DC201 and DC202 at those "
		"ports.",
	.why = "These interfaces are meant to be behind a login, and here they have none: whoever "
	       "reaches the host port - anyone on the network, the internet for a server with a public "
	       "address, since Docker's port publishing bypasses ufw and firewalld rules - gets the "
	       "proxy's whole routing table, a database session as the configured (often root) user, "
	       "or read and write access to every topic and znode.",
	.example = "services:\n  pma:\n    image: phpmyadmin:5.2\n    ports:\n      - \"8080:80\"\n"
		   "    environment:\n      PMA_HOST: db\n      PMA_USER: root\n      PMA_PASSWORD: ${DB_ROOT_PASSWORD}",
	.instead = "services:\n  pma:\n    image: phpmyadmin:5.2\n    ports:\n      - \"127.0.0.1:8080:80\"\n"
		   "    environment:\n      PMA_HOST: db   # log in with a database account",
	.fix_safety = "Safe for Kafka and ZooKeeper (as DC201: other containers reach them over the "
		      "project network, the host port only from this host afterwards). Unsafe for "
		      "Traefik, phpMyAdmin and mongo-express: people open them from other machines, who "
		      "then need an SSH tunnel or an authenticating proxy. A value that binds a specific "
		      "address, also in a variable's default, is never rewritten. Turning on "
		      "authentication is left to you.",
	.refs = "Traefik API docs (api.insecure); phpMyAdmin Docker image (PMA_USER, PMA_PASSWORD); "
		"mongo-express (ME_CONFIG_BASICAUTH_USERNAME); Apache Kafka security (PLAINTEXT "
		"listeners); ZooKeeper Administrator's Guide (authentication); CIS Docker Benchmark "
		"v1.6.0 5.14",
	.supersedes = "DC201,DC202",
	.check = check,
};
