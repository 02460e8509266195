/*
 * dc103.c - DC103 authentication-disabled: a switch that turns a service's
 * authentication off (POSTGRES_HOST_AUTH_METHOD=trust,
 * MYSQL_ALLOW_EMPTY_PASSWORD / MARIADB_ALLOW_EMPTY_ROOT_PASSWORD without a
 * root password, bitnami ALLOW_EMPTY_PASSWORD=yes without a password,
 * NEO4J_AUTH=none, xpack.security.enabled=false, OpenSearch's security
 * plugin disabled, GF_AUTH_ANONYMOUS_ENABLED=true, ARANGO_NO_AUTH,
 * CLICKHOUSE_SKIP_USER_SETUP), or a mongo/couchdb server started without
 * an admin user. Unsafe fix: remove the switch and, where the image has an
 * obvious `_FILE` password variable and no password is set, add a
 * generated password as a Docker secret; otherwise a hint.
 * Seed: "Default Credentials" (No password at all); the postgres, mysql,
 * mariadb and mongo images' docker-entrypoint.sh; the bitnami, neo4j,
 * elasticsearch, grafana, couchdb, arangodb and clickhouse image docs;
 * CWE-306.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dcrule.h"
#include "secretplan.h"
#include "dockfix/image.h"
#include "dockfix/secrets.h"

/* Delete an environment entry (map pair or list item). */
static int env_delete(struct dfx_secretplan *p, const struct dfx_compose_env *e)
{
	const struct dfx_yaml_node *n = e->list_form ? e->node : e->key;
	int rc;

	if (p->failed)
		return -1;
	if (e->list_form && e->via && e->via->type == DFX_YAML_ALIAS)
		return dfx_secretplan_fail(p, "the entry is an alias item of the list");
	rc = dfx_yaml_edit_delete(p->c->yaml, n, &p->ed);
	if (rc < 0)
		return dfx_secretplan_yaml(p, rc, &p->ed);
	dfx_secretplan_path(p, n->parent ? n->parent : n);
	return 0;
}

/* Add `names[i]: values[i]` to a service's environment (map form, list form `- N=V`, or a new
   `environment:` mapping). */
static int env_add(struct dfx_secretplan *p, const struct dfx_compose_service *svc, size_t n,
		     const char *const *names, const char *const *values)
{
	struct dfx_yaml *t = p->c->yaml;
	const struct dfx_yaml_node *env = svc->environment.node;
	struct dfx_buf path = DFX_BUF_INIT;
	int rc = 0;

	if (p->failed)
		return -1;
	if (svc->environment.key && svc->environment.from_anchor)
		return dfx_secretplan_fail(p, "the service's environment comes from an anchor");
	if (!svc->environment.key || (env && env->type == DFX_YAML_SCALAR && dfx_yaml_is_null(env))) {
		struct dfx_buf y = DFX_BUF_INIT;

		for (size_t i = 0; i < n; i++) {
			dfx_buf_addf(&y, "%s: ", names[i]);
			dfx_yaml_render_scalar(t, values[i], false, &y);
			dfx_buf_addc(&y, '\n');
		}
		if (!svc->environment.key)
			rc = dfx_yaml_edit_map_insert(t, svc->node, "environment", y.ptr, &p->ed);
		else
			rc = dfx_yaml_edit_map_set(t, svc->node, "environment", y.ptr, &p->ed);
		dfx_buf_release(&y);
	} else if (env && env->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = dfx_yaml_edit_map_insert_scalar(t, env, names[i], values[i], &p->ed);
	} else if (env && env->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			char *item = dfx_xasprintf("%s=%s", names[i], values[i]);

			rc = dfx_yaml_edit_seq_append_scalar(t, env, item, &p->ed);
			free(item);
		}
	} else {
		return dfx_secretplan_fail(p, "the service's environment is neither a mapping nor a list");
	}
	if (rc < 0)
		return dfx_secretplan_yaml(p, rc, &p->ed);
	dfx_yaml_node_path(svc->key, &path);
	dfx_buf_adds(&path, "/environment");
	dfx_secretplan_path_str(p, path.ptr);
	dfx_buf_release(&path);
	return 0;
}

static bool truthy(const char *v)
{
	return v && (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on") ||
		     !strcasecmp(v, "y"));
}

static const struct dfx_compose_env *env_get(const struct dfx_compose_service *svc, const char *name)
{
	for (size_t i = 0; i < svc->nenv; i++)
		if (!strcmp(svc->env[i].name, name))
			return &svc->env[i];
	return NULL;
}

/* A password variable (or its _FILE / __FILE / _HASH form) is present (an empty one is DC102's). */
static bool pw_set(const struct dfx_compose_service *svc, const char *name)
{
	static const char *const sfx[] = {"", "_FILE", "__FILE", "_HASH"};
	bool set = false;

	for (size_t k = 0; k < 4 && !set; k++) {
		char *n = dfx_xasprintf("%s%s", name, sfx[k]);

		set = env_get(svc, n) != NULL;
		free(n);
	}
	return set;
}

/* bitnami images: the password variable that ALLOW_EMPTY_PASSWORD stands in for. */
static const struct {
	const char *base, *var;
} bitnami_pw[] = {
	{"redis", "REDIS_PASSWORD"}, {"valkey", "VALKEY_PASSWORD"}, {"postgresql", "POSTGRESQL_PASSWORD"},
	{"postgresql-repmgr", "POSTGRESQL_PASSWORD"}, {"mysql", "MYSQL_ROOT_PASSWORD"},
	{"mariadb", "MARIADB_ROOT_PASSWORD"}, {"mongodb", "MONGODB_ROOT_PASSWORD"},
	{"rabbitmq", "RABBITMQ_PASSWORD"}, {"memcached", "MEMCACHED_PASSWORD"},
	{"cassandra", "CASSANDRA_PASSWORD"}, {"redis-cluster", "REDIS_PASSWORD"},
	{"redis-sentinel", "REDIS_SENTINEL_PASSWORD"}, {"keydb", "KEYDB_PASSWORD"},
};

enum kind { K_NONE, K_TRUST, K_MYSQL_EMPTY, K_MARIADB_EMPTY, K_BITNAMI_EMPTY, K_NEO4J, K_XPACK, K_OPENSEARCH,
	    K_GRAFANA_ANON, K_ARANGO, K_CLICKHOUSE };

static enum kind switch_kind(const struct dfx_compose_env *e)
{
	const char *n = e->name, *v = e->value;

	if (!v || dfx_compose_is_interpolated(v))
		return K_NONE;
	if (!strcmp(n, "POSTGRES_HOST_AUTH_METHOD") && !strcasecmp(v, "trust"))
		return K_TRUST;
	if (!strcmp(n, "MYSQL_ALLOW_EMPTY_PASSWORD") && v[0])
		return K_MYSQL_EMPTY;
	if (!strcmp(n, "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD") && v[0])
		return K_MARIADB_EMPTY;
	if (!strcmp(n, "ALLOW_EMPTY_PASSWORD") && truthy(v))
		return K_BITNAMI_EMPTY;
	if (!strcmp(n, "NEO4J_AUTH") && !strcasecmp(v, "none"))
		return K_NEO4J;
	if (!strcmp(n, "xpack.security.enabled") && !strcasecmp(v, "false"))
		return K_XPACK;
	if ((!strcmp(n, "plugins.security.disabled") && !strcasecmp(v, "true")) ||
	    (!strcmp(n, "DISABLE_SECURITY_PLUGIN") && !strcasecmp(v, "true")))
		return K_OPENSEARCH;
	if (!strcmp(n, "GF_AUTH_ANONYMOUS_ENABLED") && !strcasecmp(v, "true"))
		return K_GRAFANA_ANON;
	if (!strcmp(n, "ARANGO_NO_AUTH") && v[0] && strcmp(v, "0"))
		return K_ARANGO;
	if (!strcmp(n, "CLICKHOUSE_SKIP_USER_SETUP") && !strcmp(v, "1"))
		return K_CLICKHOUSE;
	return K_NONE;
}

/*
 * Build the plan: delete the switch (when e is not NULL), add `pwvar` as a
 * generated Docker secret when the image reads its _FILE form and no
 * password is set, plus `extra` entries. Returns the fix or NULL.
 */
static struct dfx_fix *add_password(struct dfx_ctx *ctx, const struct dfx_compose_service *svc,
				    const struct dfx_compose_env *e, const char *pwvar, const char *user_var,
				    const char *user, struct dfx_buf *note, char **why)
{
	struct dfx_secretplan p;
	struct dfx_imageref ref;
	struct dfx_fix *fix = NULL;
	char *filevar = NULL;

	*why = NULL;
	dfx_secretplan_init(&p, ctx);
	if (pwvar && !pw_set(svc, pwvar)) {
		char *pw, *name, *target;
		const char *reason = NULL, *names[2], *values[2];
		unsigned mode;
		size_t n = 0;

		if (dfx_credential_image(svc, &ref)) {
			filevar = dfx_image_file_var(&ref, pwvar);
			dfx_image_release(&ref);
		}
		if (!filevar) {
			*why = dfx_xstrdup("the image reads no _FILE variable for its password");
			goto out;
		}
		if (!(pw = dfx_secret_gen())) {
			*why = dfx_xstrdup("no random source");
			goto out;
		}
		name = dfx_secretplan_secret_name(&p, svc->name, pwvar);
		mode = dfx_secretplan_secret_mode(svc, &reason);
		target = dfx_xasprintf("/run/secrets/%s", name);
		/* environment edits first: inserts at one place keep their order */
		if (user_var && user && !env_get(svc, user_var))
			names[n] = user_var, values[n++] = user;
		if (e)
			dfx_secretplan_env_rewrite(&p, e, filevar, target); /* the switch becomes the password */
		else
			names[n] = filevar, values[n++] = target;
		if (n)
			env_add(&p, svc, n, names, values);
		if (dfx_secretplan_secret(&p, name, pw, mode))
			dfx_secretplan_grant(&p, svc, name);
		dfx_buf_addf(&p.desc, "%s%s: %s (generated, secrets/%s.txt%s)", e ? "in its place " : "add ", filevar,
			     target, name, mode == 0644 ? ", mode 0644" : "");
		dfx_buf_addf(note, ". The fix adds a generated password (%s); the service applies it only when its "
			     "data volume is empty: re-initialise it or set the password inside", filevar);
		if (mode == 0644)
			dfx_buf_addf(note, "; secrets/%s.txt is created mode 0644 because %s and must read it", name,
				     reason);
		free(target);
		free(name);
		free(pw);
	} else if (e) {
		env_delete(&p, e);
	}
	if (!p.failed) {
		char *what = e ? dfx_xasprintf("remove %s", e->name) : dfx_xstrdup("enable authentication");

		fix = dfx_secretplan_fix(&p, DFX_FIX_UNSAFE, what);
		free(what);
	}
	if (!fix && !*why)
		*why = dfx_xstrdup(p.why ? p.why : "the fix cannot edit this entry");
out:
	if (*why) {
		dfx_fix_free(fix);
		fix = NULL;
	}
	free(filevar);
	dfx_secretplan_release(&p);
	return fix;
}

static bool word_in(const char *text, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(text, w); p; p = strstr(p + 1, w))
		if ((p == text || p[-1] == ' ' || p[-1] == '"' || p[-1] == '\'' || p[-1] == '[') &&
		    (!p[n] || p[n] == ' ' || p[n] == '=' || p[n] == '"' || p[n] == '\''))
			return true;
	return false;
}

/* The command of a service as one string (list items joined by spaces). */
static char *command_text(const struct dfx_compose_service *svc)
{
	const struct dfx_yaml_node *n = svc->command.node;
	struct dfx_buf b = DFX_BUF_INIT;

	if (n && n->type == DFX_YAML_SCALAR && n->value)
		dfx_buf_adds(&b, n->value);
	else if (n && n->type == DFX_YAML_SEQUENCE)
		for (size_t i = 0; i < dfx_yaml_seq_len(n); i++) {
			const char *s = dfx_yaml_str(dfx_yaml_seq_item(n, i));

			dfx_buf_addf(&b, "%s%s", i ? " " : "", s ? s : "");
		}
	if (!b.ptr)
		dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
}

/* The mongo server itself (not a client container started from the image). */
static bool mongo_server(const struct dfx_compose_service *svc)
{
	char *cmd = command_text(svc);
	bool server = true;
	const char *p = cmd;

	while (*p == ' ')
		p++;
	if (*p && *p != '-' && strncmp(p, "mongod", 6) != 0)
		server = false; /* mongosh, mongo, mongoimport, sh -c ... */
	if (strncmp(p, "mongod", 6) == 0 && p[6] == 'u')
		server = false; /* mongodump */
	if (word_in(cmd, "--config") || word_in(cmd, "-f") || word_in(cmd, "--auth") || word_in(cmd, "--keyFile") ||
	    word_in(cmd, "--replSet"))
		server = false; /* auth configured elsewhere, or a replica set to be set up by hand */
	if (svc->entrypoint.node)
		server = false;
	free(cmd);
	return server;
}

static void check_service(struct dfx_ctx *ctx, const struct dfx_compose_service *svc)
{
	struct dfx_imageref ref;
	bool have_ref = dfx_credential_image(svc, &ref);
	const char *base = have_ref && ref.base ? ref.base : "";
	bool bitnami = have_ref && (strstr(ref.name, "bitnami") != NULL);

	for (size_t i = 0; i < svc->nenv; i++) {
		const struct dfx_compose_env *e = &svc->env[i];
		enum kind k = switch_kind(e);
		struct dfx_span at = e->list_form ? e->node->span : e->key->span;
		struct dfx_finding *f;
		struct dfx_buf note = DFX_BUF_INIT;
		const char *pwvar = NULL, *msg = NULL, *hint = NULL;
		char *why = NULL;

		if (k == K_NONE)
			continue;
		switch (k) {
		case K_TRUST:
			msg = "POSTGRES_HOST_AUTH_METHOD=trust lets anyone who reaches the database log in as any user "
			      "without a password, even when POSTGRES_PASSWORD is set";
			pwvar = "POSTGRES_PASSWORD";
			break;
		case K_MYSQL_EMPTY:
		case K_MARIADB_EMPTY:
			if (pw_set(svc, "MYSQL_ROOT_PASSWORD") || pw_set(svc, "MARIADB_ROOT_PASSWORD") ||
			    env_get(svc, "MYSQL_ROOT_PASSWORD") || env_get(svc, "MARIADB_ROOT_PASSWORD") ||
			    env_get(svc, "MYSQL_RANDOM_ROOT_PASSWORD") || env_get(svc, "MARIADB_RANDOM_ROOT_PASSWORD"))
				continue; /* a root password is set: the switch changes nothing */
			msg = k == K_MYSQL_EMPTY ? "MYSQL_ALLOW_EMPTY_PASSWORD leaves the database's root account "
						   "without a password (any non-empty value enables it)"
						 : "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD leaves the database's root account "
						   "without a password (any non-empty value enables it)";
			pwvar = !strcmp(base, "mariadb") ? "MARIADB_ROOT_PASSWORD" : "MYSQL_ROOT_PASSWORD";
			break;
		case K_BITNAMI_EMPTY:
			for (size_t b = 0; b < sizeof(bitnami_pw) / sizeof(bitnami_pw[0]); b++)
				if (bitnami && !strcmp(base, bitnami_pw[b].base))
					pwvar = bitnami_pw[b].var;
			if (!pwvar || pw_set(svc, pwvar))
				continue; /* not a bitnami server, or a password is set: nothing is open */
			msg = "ALLOW_EMPTY_PASSWORD=yes starts the service without a password (the image's own "
			      "documentation says: only for development)";
			break;
		case K_NEO4J:
			msg = "NEO4J_AUTH=none turns Neo4j authentication off";
			hint = "set NEO4J_AUTH=neo4j/<strong password> from a git-ignored .env (`NEO4J_AUTH: "
			       "${NEO4J_AUTH:?...}`)";
			break;
		case K_XPACK:
			msg = "xpack.security.enabled=false turns Elasticsearch authentication off: anyone who reaches "
			      "port 9200 reads and deletes every index";
			hint = "remove the switch and set ELASTIC_PASSWORD_FILE to a Docker secret (clients and Kibana "
			       "then need credentials; a multi-node cluster also needs transport TLS)";
			break;
		case K_OPENSEARCH:
			msg = "the OpenSearch security plugin is disabled: no authentication and no TLS";
			hint = "remove the switch and set OPENSEARCH_INITIAL_ADMIN_PASSWORD (from a git-ignored .env)";
			break;
		case K_GRAFANA_ANON:
			msg = "GF_AUTH_ANONYMOUS_ENABLED=true lets anyone use Grafana without logging in";
			pwvar = "GF_SECURITY_ADMIN_PASSWORD";
			break;
		case K_ARANGO:
			msg = "ARANGO_NO_AUTH turns ArangoDB authentication off";
			hint = "remove ARANGO_NO_AUTH and set ARANGO_ROOT_PASSWORD from a git-ignored .env";
			break;
		case K_CLICKHOUSE:
			msg = "CLICKHOUSE_SKIP_USER_SETUP=1 leaves ClickHouse's `default` user without a password and "
			      "reachable from the network";
			hint = "remove the switch and set CLICKHOUSE_PASSWORD from a git-ignored .env";
			break;
		default:
			continue;
		}
		if (e->from_anchor) {
			/* report once, at the service that first uses the anchor */
			bool first = true;

			for (size_t s = 0; s < ctx->file->compose->nservices && first; s++) {
				const struct dfx_compose_service *o = &ctx->file->compose->services[s];

				if (o == svc)
					break;
				for (size_t j = 0; j < o->nenv; j++)
					if ((o->env[j].list_form ? (const void *)o->env[j].node
								 : (const void *)o->env[j].key) ==
					    (e->list_form ? (const void *)e->node : (const void *)e->key))
						first = false;
			}
			if (!first)
				continue;
		}
		f = dfx_emit(ctx, at, "service `%s`: %s", svc->name, msg);
		if (!f)
			continue;
		dfx_dc_reach_severity(ctx, f, &svc, 1);
		if (hint) {
			f->hint = dfx_xstrdup(hint);
		} else if (e->from_anchor) {
			f->hint = dfx_xasprintf("the switch comes from an anchor shared by other services: remove it "
						"there and set %s from a Docker secret", pwvar ? pwvar : "a password");
		} else {
			char *clients = dfx_dc_clients(ctx, svc);

			if (clients && *clients)
				why = dfx_xasprintf("%s connect%s to it without a password, and dockfix cannot update %s",
						    clients, strchr(clients, ',') ? "" : "s",
						    strchr(clients, ',') ? "those clients" : "that client");
			else
				f->fix = add_password(ctx, svc, e, pwvar, NULL, NULL, &note, &why);
			free(clients);
			if (f->fix && note.len) {
				char *m = dfx_xasprintf("%s%s", f->message, note.ptr);

				free(f->message);
				f->message = m;
			}
			if (!f->fix)
				f->hint = dfx_xasprintf("remove %s and set %s from a Docker secret (%s)", e->name,
							pwvar ? pwvar : "a strong password", why ? why : "no automatic fix");
		}
		free(why);
		dfx_buf_release(&note);
	}

	/* servers that start without any admin user */
	if (have_ref && ref.official && !strcmp(base, "mongo") && mongo_server(svc) &&
	    !env_get(svc, "MONGO_INITDB_ROOT_USERNAME") && !env_get(svc, "MONGO_INITDB_ROOT_USERNAME_FILE") &&
	    !env_get(svc, "MONGO_INITDB_ROOT_PASSWORD") && !env_get(svc, "MONGO_INITDB_ROOT_PASSWORD_FILE")) {
		struct dfx_span at = svc->image.node ? svc->image.node->span : svc->key->span;
		char *clients = dfx_dc_clients(ctx, svc);
		struct dfx_finding *f = dfx_emit(ctx, at,
						   "service `%s`: mongo without MONGO_INITDB_ROOT_USERNAME/PASSWORD runs "
						   "with authentication off: anyone who reaches port 27017 owns every "
						   "database", svc->name);

		dfx_dc_reach_severity(ctx, f, &svc, 1);
		if (f) {
			struct dfx_buf note = DFX_BUF_INIT;
			char *why = NULL;

			if (clients && *clients)
				why = dfx_xasprintf("%s connect%s to it without a password, and dockfix cannot update %s",
						    clients, strchr(clients, ',') ? "" : "s",
						    strchr(clients, ',') ? "those clients" : "that client");
			else
				f->fix = add_password(ctx, svc, NULL, "MONGO_INITDB_ROOT_PASSWORD",
						      "MONGO_INITDB_ROOT_USERNAME", "root", &note, &why);
			if (f->fix) {
				char *m = dfx_xasprintf("%s%s%s%s%s", f->message, note.ptr ? note.ptr : "",
							clients && *clients ? ". Clients must now log in as root: " : "",
							clients && *clients ? clients : "", "");
				free(f->message);
				f->message = m;
			} else {
				f->hint = dfx_xasprintf("set MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD_FILE "
							"(a Docker secret) (%s)", why ? why : "no automatic fix");
			}
			free(why);
			dfx_buf_release(&note);
		}
		free(clients);
	}
	if (have_ref && !strcmp(base, "couchdb") && !bitnami && !env_get(svc, "COUCHDB_USER") &&
	    !env_get(svc, "COUCHDB_PASSWORD")) {
		struct dfx_span at = svc->image.node ? svc->image.node->span : svc->key->span;
		struct dfx_finding *f = dfx_emit(ctx, at,
						   "service `%s`: couchdb without COUCHDB_USER/COUCHDB_PASSWORD runs in "
						   "\"admin party\" mode: every request is an admin", svc->name);

		dfx_dc_reach_severity(ctx, f, &svc, 1);
		if (f)
			f->hint = dfx_xstrdup("set COUCHDB_USER and COUCHDB_PASSWORD (from a git-ignored .env: "
					      "`COUCHDB_PASSWORD: ${COUCHDB_PASSWORD:?...}`)");
	}
	if (have_ref)
		dfx_image_release(&ref);
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;

	for (size_t i = 0; i < c->nservices; i++)
		check_service(ctx, &c->services[i]);
}

const struct dfx_rule dfx_rule_dc103 = {
	.code = "DC103",
	.name = "authentication-disabled",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service runs with its authentication switched off",
	.what = "Finds settings that turn a service's authentication off: "
		"`POSTGRES_HOST_AUTH_METHOD=trust`; `MYSQL_ALLOW_EMPTY_PASSWORD` or "
		"`MARIADB_ALLOW_EMPTY_ROOT_PASSWORD` (any non-empty value) while no root password is set; "
		"bitnami's `ALLOW_EMPTY_PASSWORD=yes` while the image's password is not set; "
		"`NEO4J_AUTH=none`; `xpack.security.enabled=false`; OpenSearch's security plugin disabled; "
		"`GF_AUTH_ANONYMOUS_ENABLED=true`; `ARANGO_NO_AUTH`; `CLICKHOUSE_SKIP_USER_SETUP=1`; and "
		"the official mongo server without `MONGO_INITDB_ROOT_USERNAME/PASSWORD`, couchdb without "
		"`COUCHDB_USER/COUCHDB_PASSWORD`. Redis is DC104.",
	.why = "With authentication off, whoever reaches the port (another container, a published port, "
	       "a misconfigured firewall, an SSRF in the application) reads, changes and deletes all data. "
	       "Open databases are found and wiped by automated scanners within hours."
	       "\n\nSeverity: critical when the service is exposed (a port published on an address other than loopback, or the host network), high otherwise: without a published port only the host and containers on its networks reach the open server.",
	.example = "services:\n  db:\n    image: postgres:17\n    environment:\n"
		   "      POSTGRES_HOST_AUTH_METHOD: trust",
	.instead = "services:\n  db:\n    image: postgres:17\n    environment:\n"
		   "      POSTGRES_PASSWORD_FILE: /run/secrets/db_postgres_password\n    secrets:\n"
		   "      - db_postgres_password\nsecrets:\n  db_postgres_password:\n"
		   "    file: ./secrets/db_postgres_password.txt",
	.fix_safety = "Unsafe: clients that relied on logging in without a password stop working until they "
		      "are given the password, so when services connect to it (depends_on, links, URLs naming "
		      "it) the fix is withheld and the hint names them. Otherwise the fix removes the switch and, where the image reads an "
		      "obvious `_FILE` variable (postgres, mysql, mariadb, mongo, grafana `__FILE`, bitnami) and "
		      "no password is set yet, adds a generated password as a Docker secret (secrets/*.txt, mode "
		      "0600, or 0644 when the image reads it as another uid, as mongo does after dropping to 999). The databases apply an init "
		      "password only to an empty data volume. Other switches get a hint.",
	.refs = "postgres docker-entrypoint.sh (POSTGRES_HOST_AUTH_METHOD warning); mysql/mariadb "
		"docker-entrypoint.sh; mongo docker-entrypoint.sh; bitnami container READMEs "
		"(ALLOW_EMPTY_PASSWORD); CWE-306",
	.check = check,
};
