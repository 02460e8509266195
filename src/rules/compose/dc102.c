/*
 * dc102.c - DC102 default-credentials: a credential-named `environment`
 * entry whose literal value is weak: empty, equal to the user name,
 * shorter than 12 characters, fewer than 4 different characters, or a
 * well-known default (postgres, root, example, changeme, minioadmin,
 * mysecretpassword, ...); also a `${VAR:-weak}` default (hint).
 * Safe fix, when the service that owns the password is in the file (the
 * database or admin UI whose init password it is): a freshly generated
 * password replaces the weak one everywhere the file sets that same value
 * under a credential name, moved out as DC101 does (a `_FILE` secret or
 * the .env). When the weak value is also used where the fix cannot follow
 * (inside a URL, a `-p` argument of a command), only a hint is given.
 * Seed: "Default Credentials" (No password or default password); KICS
 * a88baa34 default-password list; CWE-1392, CWE-521.
 */
#include <stdlib.h>
#include <string.h>

#include <ctype.h>

#include "dcrule.h"
#include "secretplan.h"
#include "dockfix/credgraph.h"
#include "dockfix/dotenv.h"
#include "dockfix/image.h"
#include "dockfix/secrets.h"

/* Whether DC102 reports this site: a literal weak value that is not inert. */
static bool dc102_reports(const struct dfx_cred_site *s)
{
	return s->literal && s->weak && !s->inert;
}

/* The kind of database, cache or broker image a service of the site runs, or NULL. */
static const char *database_kind(const struct dfx_cred_site *s)
{
	for (size_t i = 0; i < s->nsvcs; i++) {
		struct dfx_imageref ref;
		const char *kind = NULL;

		if (dfx_credential_image(s->svcs[i], &ref)) {
			kind = dfx_db_image_kind(&ref);
			dfx_image_release(&ref);
		}
		if (kind)
			return kind;
	}
	return NULL;
}

/* A service of another file of the project that connects to a server of the group without a
   password of its own (a sentence naming it, or NULL). */
static char *passwordless_elsewhere(struct dfx_ctx *ctx, const struct dfx_cred_site *const *group, size_t ng)
{
	struct dfx_wsfile **files;
	size_t nf = dfx_dc_project_files(ctx, false, &files);
	char *out = NULL;

	for (size_t i = 0; i < nf && !out; i++) {
		struct dfx_compose *o = files[i]->compose;

		for (size_t j = 0; j < o->nservices && !out; j++) {
			const struct dfx_compose_service *cl = &o->services[j];

			if (dfx_credential_sets_password(cl))
				continue;
			for (size_t k = 0; k < ng && !out; k++)
				for (size_t t = 0; group[k]->server && t < group[k]->nsvcs && !out; t++) {
					const char *server = group[k]->svcs[t]->name;

					if (strcmp(cl->name, server) && dfx_credential_connects(o, cl, server))
						out = dfx_xasprintf("service `%s` of %s connects to `%s` and sets no password "
								    "for it (it uses a built-in default or one from "
								    "elsewhere)",
								    cl->name, files[i]->path, server);
				}
		}
	}
	free(files);
	return out;
}

/*
 * A client that a rotation of the group's password cannot update: the old
 * value in the .env beside the compose file or in an env_file (where a
 * client reads it as a variable or inside a URL), in another compose file
 * of the project (override, include, extends), or a service that
 * connects to the group's server and sets no password of its own (it uses
 * a built-in default, or one from outside the file). Returns a sentence
 * naming it (caller frees), or NULL.
 */
static char *stuck_client(struct dfx_ctx *ctx, const struct dfx_cred_site *const *group, size_t ng,
			  const char *value)
{
	struct dfx_compose *c = ctx->file->compose;
	char *out = dfx_dc_env_holding(ctx, c, ctx->file->path, value, false);

	if (!out)
		out = dfx_dc_value_elsewhere(ctx, value); /* a file Compose runs with this one */
	if (!out) {
		struct dfx_credgraph g;
		const struct dfx_compose_service **skip;
		size_t nskip = 0, total = 1;

		/* the services the fix updates send the new password */
		for (size_t k = 0; k < ng; k++)
			total += group[k]->nsvcs;
		skip = dfx_xcalloc(total, sizeof(*skip));
		for (size_t k = 0; k < ng; k++)
			for (size_t t = 0; t < group[k]->nsvcs; t++)
				skip[nskip++] = group[k]->svcs[t];
		dfx_credgraph_build(c, &g);
		for (size_t k = 0; k < ng && !out; k++)
			for (size_t t = 0; group[k]->server && t < group[k]->nsvcs && !out; t++) {
				const struct dfx_credlink *l = dfx_credgraph_passwordless(&g, group[k]->svcs[t], skip, nskip);

				if (l)
					out = dfx_xasprintf("service `%s` connects to `%s`%s%s%s and sets no password for "
							    "it in the compose file (it uses a built-in default or one "
							    "from elsewhere)", l->client->name, l->server->name,
							    l->via ? " (" : "", l->via ? l->via->name : "",
							    l->via ? ")" : "");
			}
		dfx_credgraph_release(&g);
		free(skip);
	}
	if (!out)
		out = passwordless_elsewhere(ctx, group, ng);
	return out;
}

/* How to set a new password inside a running database of that kind. */
static const char *change_how(const char *kind)
{
	if (!strcmp(kind, "postgres") || !strcmp(kind, "mysql"))
		return " (ALTER USER ...)";
	if (!strcmp(kind, "mongo"))
		return " (db.changeUserPassword(...))";
	if (!strcmp(kind, "rabbitmq"))
		return " (rabbitmqctl change_password ...)";
	return "";
}

static void weak_default(struct dfx_ctx *ctx, const struct dfx_cred_site *s)
{
	char *red = dfx_redact(s->dflt, strlen(s->dflt)), *var = dfx_credential_ref_var(s->value);
	struct dfx_finding *f;

	f = dfx_emit(ctx, dfx_credential_site_span(s),
		       "%s falls back to a weak password (%s) when %s is not set: a default anyone can guess",
		       s->name, red, var ? var : "the variable");
	if (s->server)
		dfx_dc_reach_severity(ctx, f, s->svcs, s->nsvcs);
	if (f) {
		f->secret = dfx_credential_value_span(s);
		f->hint = dfx_xasprintf("drop the default (`${%s:?set %s in .env}`) and put a strong password in "
					"a git-ignored .env, e.g. `%s=$(openssl rand -base64 32)`",
					var ? var : "VAR", var ? var : "VAR", var ? var : "VAR");
	}
	free(red);
	free(var);
}

/*
 * Severity by reachability: an init password is judged by the services
 * that set it up; a client's copy by the servers in the file that set up
 * the same value; a password for a server outside the file keeps the
 * rule's severity.
 */
static void reach(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_cred_sites *sites,
		  const struct dfx_cred_site *s)
{
	const struct dfx_compose_service **svcs;
	size_t n = 0;

	if (s->server) {
		dfx_dc_reach_severity(ctx, f, s->svcs, s->nsvcs);
		return;
	}
	svcs = dfx_xcalloc(sites->n * 4 + 1, sizeof(*svcs));
	for (size_t k = 0; k < sites->n; k++) {
		const struct dfx_cred_site *t = &sites->v[k];

		if (!t->server || !t->literal || !s->value[0] || strcmp(t->value, s->value))
			continue;
		for (size_t j = 0; j < t->nsvcs && n < sites->n * 4; j++)
			svcs[n++] = t->svcs[j];
	}
	if (n)
		dfx_dc_reach_severity(ctx, f, svcs, n);
	free(svcs);
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	struct dfx_cred_sites sites;

	const struct dfx_cred_site **fixed;
	size_t *idx, nfixed = 0;

	dfx_credential_sites_collect(c, &sites);
	fixed = dfx_xcalloc(sites.n + 1, sizeof(*fixed));
	idx = dfx_xcalloc(sites.n + 1, sizeof(*idx));
	for (size_t i = 0; i < sites.n; i++) {
		const struct dfx_cred_site *s = &sites.v[i];
		const struct dfx_cred_site **group = NULL;
		const struct dfx_yaml_node **skip = NULL;
		const struct dfx_yaml_node *where = NULL;
		size_t ng = 0;
		bool server = false, all_edit = true;
		struct dfx_finding *f;
		struct dfx_buf others = DFX_BUF_INIT;
		struct dfx_secretplan p;
		char *red, *pw, *stuck;

		if (!s->literal && s->dflt && s->dflt_weak) {
			weak_default(ctx, s);
			continue;
		}
		if (!dc102_reports(s))
			continue;
		red = dfx_redact(s->value, strlen(s->value));
		if (!s->value[0])
			f = dfx_emit(ctx, dfx_credential_site_span(s), "%s is empty%s", s->name,
				       s->server ? ": the account has no password (or the service refuses to start)" : "");
		else
			f = dfx_emit(ctx, dfx_credential_site_span(s), "%s is a weak or default password (%s: %s)%s",
				       s->name, red, s->why_weak,
				       s->server ? ": anyone who can reach the service logs in with it" : "");
		free(red);
		if (!f)
			continue;
		reach(ctx, f, &sites, s);
		f->secret = dfx_credential_value_span(s);

		/* every credential entry of the file with the same value changes with it */
		group = dfx_xcalloc(sites.n, sizeof(*group));
		skip = dfx_xcalloc(sites.n, sizeof(*skip));
		for (size_t k = 0; k < sites.n; k++) {
			const struct dfx_cred_site *t = &sites.v[k];

			if (t != s && (!t->literal || !s->value[0] || strcmp(t->value, s->value)))
				continue; /* an empty value is a placeholder, not a shared password */
			group[ng] = t;
			skip[ng++] = t->env->list_form ? t->env->node : t->env->key;
			server |= t->server;
			all_edit &= t->editable;
			if (t != s) {
				char *sv = dfx_credential_site_services(t);

				dfx_buf_addf(&others, "%s%s of %s", others.len ? ", " : "", t->name, sv);
				free(sv);
			}
		}
		if (!server) {
			f->hint = dfx_xasprintf("set a strong password where the account is defined and here, and keep "
						"it out of the file (a Docker secret or a git-ignored .env)");
		} else if (!all_edit) {
			f->hint = dfx_xstrdup("the entry cannot be rewritten in place (its value is an alias): replace "
					      "the password at the anchor with a generated one and move it to a secret");
		} else if (dfx_dc_value_used(c, s->value, skip, ng, &where)) {
			unsigned line, col;
			const struct dfx_compose_service *by = dfx_dc_service_of(c, where);

			dfx_source_linecol(c->src, where->span.start, &line, &col);
			f->hint = dfx_xasprintf("the same value is also used at line %u%s%s%s (not under a "
						"credential name), where the fix cannot change it: generate a new "
						"password, move it to a secret, and change line %u too if it is the "
						"same account's", line,
						by ? " by service `" : "", by ? by->name : "", by ? "`" : "", line);
		} else if ((stuck = stuck_client(ctx, group, ng, s->value)) != NULL) {
			f->hint = dfx_xasprintf("%s, where the fix cannot change it: generate a new password and set "
						"it there and here", stuck);
			free(stuck);
		} else if (!(pw = dfx_secret_gen())) {
			f->hint = dfx_xstrdup("no random source to generate a password");
		} else {
			dfx_secretplan_init(&p, ctx);
			p.share = true;
			for (size_t k = 0; k < ng && !p.failed; k++)
				dfx_secretplan_move(&p, group[k], pw);
			f->fix = dfx_secretplan_fix(&p, DFX_FIX_UNSAFE, "generate a new password");
			if (f->fix) {
				struct dfx_buf m = DFX_BUF_INIT;
				bool seen = false;

				/* one entry per group for the combined fix */
				for (size_t k = 0; k < nfixed && !seen; k++)
					seen = s->value[0] && fixed[k]->literal && !strcmp(fixed[k]->value, s->value);
				if (!seen) {
					fixed[nfixed] = s;
					idx[nfixed++] = (size_t)(f - ctx->out->v);
				}

				dfx_buf_adds(&m, f->message);
				if (others.len)
					dfx_buf_addf(&m, ". The same value is set for %s: the fix changes it there too",
						     others.ptr);
				if (database_kind(s))
					dfx_buf_addf(&m, ". The fix generates a new password (unsafe): an existing data "
						     "volume keeps the old password, which the database was first started "
						     "with, so re-initialise the volume or set the new password inside it%s",
						     change_how(database_kind(s)));
				else
					dfx_buf_adds(&m, ". The fix generates a new password (unsafe): an existing data "
							 "volume keeps the old password, and so does everything that stored "
							 "it: change it there too (rotate it)");
				dfx_buf_add(&m, p.notes.ptr ? p.notes.ptr : "", p.notes.len);
				free(f->message);
				f->message = dfx_buf_detach(&m);
			} else {
				f->hint = dfx_xasprintf("generate a strong password and move it to a secret (%s)",
							p.why ? p.why : "the fix cannot edit this entry");
			}
			dfx_secretplan_release(&p);
			free(pw);
		}
		dfx_buf_release(&others);
		free(group);
		free(skip);
	}
	if (nfixed > 1) {
		/* every group at once, each with its own new password */
		struct dfx_secretplan p;

		dfx_secretplan_init(&p, ctx);
		p.share = true;
		for (size_t k = 0; k < nfixed && !p.failed; k++) {
			char *pw = dfx_secret_gen();

			free(p.share_name);
			p.share_name = NULL;
			for (size_t t = 0; t < sites.n && pw && !p.failed; t++) {
				const struct dfx_cred_site *m = &sites.v[t];

				if (m == fixed[k] || (fixed[k]->value[0] && m->literal && !strcmp(m->value, fixed[k]->value)))
					dfx_secretplan_move(&p, m, pw);
			}
			if (!pw)
				dfx_secretplan_fail(&p, "no random source");
			free(pw);
		}
		dfx_secretplan_group(ctx, idx, nfixed, dfx_secretplan_fix(&p, DFX_FIX_UNSAFE, "generate new passwords"));
		dfx_secretplan_release(&p);
	}
	free(fixed);
	free(idx);
	dfx_credential_sites_release(&sites);
}

const struct dfx_rule dfx_rule_dc102 = {
	.code = "DC102",
	.name = "default-credentials",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.supersedes = "DC101",
	.summary = "A service uses a default or weak password",
	.what = "Finds credential-named `environment` entries whose literal value is weak: empty, equal "
		"to the user name that goes with it (POSTGRES_USER for POSTGRES_PASSWORD; the image's default "
		"user otherwise), shorter than 12 characters, made of fewer than 4 different characters, or "
		"a well-known default from image documentation and product defaults (postgres, root, "
		"example, secret, admin, changeme, guest, minioadmin, mysecretpassword, my-secret-pw, ...). "
		"Empty values count only for a service's own init or admin password (an empty API key is a "
		"placeholder). A `${VAR:-weak}` default is reported too.",
	.why = "Default and example passwords are the first thing anyone tries: scanners log into "
	       "databases, caches and admin UIs with them within minutes of a port becoming reachable, "
	       "and a password copied from the image's documentation is public."
	       "\n\nSeverity: critical when a service that sets up the account (or the server a client's copy of the password belongs to) is exposed: it publishes a port on an address other than loopback, or uses the host network; high otherwise, since only the host and containers on its networks can try the password. A weak password for a server outside the file stays critical.",
	.example = "services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: postgres",
	.instead = "services:\n  db:\n    image: postgres\n    environment:\n"
		   "      POSTGRES_PASSWORD_FILE: /run/secrets/db_postgres_password\n    secrets:\n"
		   "      - db_postgres_password\nsecrets:\n  db_postgres_password:\n"
		   "    file: ./secrets/db_postgres_password.txt   # generated, git-ignored",
	.fix_safety = "Unsafe: changing a password's value is never safe. A database or admin UI "
		      "initialised earlier keeps the old password in its data volume, so after the fix the "
		      "clients hold the new one and the server still wants the old one until the volume is "
		      "re-initialised or the password is changed inside it (the message says how). The fix "
		      "generates a password (32 random bytes, base64url) and moves it out of the file as DC101 "
		      "does: a Docker secret read through `NAME_FILE` when the image supports it, else "
		      "`${NAME:?...}` with the value in the git-ignored .env. Every credential entry of the file "
		      "that sets the same weak value (the application's DB_PASSWORD next to the database's "
		      "POSTGRES_PASSWORD) gets the same new password. The fix is withheld, and the hint names the "
		      "client, when a client cannot be updated with it: the old value in a URL or a command line "
		      "of the file, in the .env beside it or in an env_file, or a service that connects to the "
		      "server and sets no password of its own (it uses a built-in default). It is offered only "
		      "when the service that owns the password is in the file.",
	.refs = "Hardening Checklist: Strong passwords for all services); KICS a88baa34 Passwords And Secrets "
		"(default-password list); CWE-1392, CWE-521; official image docs (postgres, mysql, mongo, "
		"rabbitmq, minio: documented default and example passwords)",
	.check = check,
};
