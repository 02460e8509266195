/*
 * dc101.c - DC101 plaintext-password: a compose `environment` entry (map
 * or list form, directly or through a `<<` merge) whose name is a
 * credential name and whose value is a literal, or a `${VAR:-default}`
 * whose default is one. Weak and default values are DC102's: DC102
 * supersedes DC101 at the same entry, and a weak value is not moved with
 * the others (it is rotated by DC102).
 * Safe fix: when every service using the entry runs an image that reads
 * `NAME_FILE` (postgres, mysql, mariadb, mongo, wordpress, nextcloud,
 * grafana `__FILE`, minio, bitnami, ...), `NAME_FILE: /run/secrets/S`, the
 * service's `secrets:` grant, the top-level `secrets: S: file:` entry and
 * secrets/S.txt holding the value; otherwise `NAME: ${NAME:?...}` with the
 * value moved to the git-ignored .env beside the compose file.
 * Seed: "Default Credentials" (Strong passwords from secrets); KICS
 * a88baa34 (Passwords And Secrets, Generic Password); Checkov
 * CKV_SECRET_6 (Base64 High Entropy String) / CKV_SECRET_10; CWE-798.
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"
#include "secretplan.h"
#include "dockfix/secrets.h"

/*
 * Where the value of site s is used other than in the file's credential
 * entries that hold the same value (which the fix moves with it): a URL, a
 * healthcheck or a command line. A sentence (caller frees), or NULL.
 */
static char *used_elsewhere(const struct dfx_compose *c, const struct dfx_cred_sites *sites,
			    const struct dfx_cred_site *s)
{
	const struct dfx_yaml_node **skip = dfx_xcalloc(sites->n + 1, sizeof(*skip)), *where;
	const struct dfx_compose_service *by;
	size_t n = 0;
	unsigned line, col;
	char *out = NULL;

	for (size_t k = 0; k < sites->n; k++) {
		const struct dfx_cred_site *t = &sites->v[k];

		if (t == s || (t->literal && t->value && !strcmp(t->value, s->value)))
			skip[n++] = t->env->list_form ? t->env->node : t->env->key;
	}
	if (dfx_dc_value_used(c, s->value, skip, n, &where)) {
		by = dfx_dc_service_of(c, where);
		dfx_source_linecol(c->src, where->span.start, &line, &col);
		out = dfx_xasprintf("at line %u%s%s%s", line, by ? " by service `" : "", by ? by->name : "",
				    by ? "`" : "");
	}
	free(skip);
	return out;
}

static bool report_default(struct dfx_ctx *ctx, const struct dfx_cred_site *s)
{
	bool fixed = false;

	struct dfx_finding *f;
	char *red = dfx_redact(s->dflt, strlen(s->dflt)), *var = dfx_credential_ref_var(s->value);
	struct dfx_secretplan p;

	f = dfx_emit(ctx, dfx_credential_site_span(s),
		       "%s falls back to a plaintext %s (%s) in `${%s:-...}`: the default is in the file "
		       "and in every copy of the repository", s->name,
		       dfx_credential_password_name(s->name) ? "password" : "secret", red, var ? var : "VAR");
	free(red);
	if (!f) {
		free(var);
		return false;
	}
	f->secret = dfx_credential_value_span(s);
	dfx_secretplan_init(&p, ctx);
	dfx_secretplan_default_to_dotenv(&p, s);
	f->fix = dfx_secretplan_fix(&p, DFX_FIX_SAFE, "move the default to .env");
	fixed = f->fix != NULL;
	if (!f->fix)
		f->hint = dfx_xasprintf("write `${%s:?set %s in .env}` and put %s=... in a git-ignored .env (%s)",
					var ? var : "VAR", var ? var : "VAR", var ? var : "VAR",
					p.why ? p.why : "the fix cannot edit this entry");
	dfx_secretplan_release(&p);
	free(var);
	return fixed;
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	struct dfx_cred_sites sites;
	const struct dfx_cred_site **fixed_sites;
	size_t *idx, nfixed = 0;

	dfx_credential_sites_collect(c, &sites);
	fixed_sites = dfx_xcalloc(sites.n + 1, sizeof(*fixed_sites));
	idx = dfx_xcalloc(sites.n + 1, sizeof(*idx));
	for (size_t i = 0; i < sites.n; i++) {
		const struct dfx_cred_site *s = &sites.v[i];
		struct dfx_span at = dfx_credential_site_span(s);
		struct dfx_finding *f;
		struct dfx_secretplan p;
		char *red, *svcs, *elsewhere;

		if (!s->value)
			continue;
		if (!s->literal) {
			if (s->dflt && report_default(ctx, s) && !s->dflt_weak) {
				fixed_sites[nfixed] = s;
				idx[nfixed++] = ctx->out->n - 1;
			}
			continue;
		}
		if (!s->value[0] || s->inert)
			continue;
		red = dfx_redact(s->value, strlen(s->value));
		svcs = dfx_credential_site_services(s);
		f = dfx_emit(ctx, at,
			       "%s holds a plaintext %s (%s): it is in the file and in every copy of the repository%s%s%s",
			       s->name, dfx_credential_password_name(s->name) ? "password" : "secret", red,
			       s->env->from_anchor ? " (set through an anchor, for " : "",
			       s->env->from_anchor ? svcs : "", s->env->from_anchor ? ")" : "");
		free(red);
		free(svcs);
		if (!f)
			continue;
		f->secret = dfx_credential_value_span(s);
		if ((elsewhere = used_elsewhere(c, &sites, s)) != NULL) {
			/* moving it here only would leave the password in the file: all or nothing */
			f->hint = dfx_xasprintf("the same value is also used %s, which the fix cannot move: put it "
						"in a git-ignored .env and write `${%s}` in both places", elsewhere, s->name);
			free(elsewhere);
			continue;
		}
		dfx_secretplan_init(&p, ctx);
		dfx_secretplan_move(&p, s, s->value);
		f->fix = dfx_secretplan_fix(&p, DFX_FIX_SAFE, dfx_credential_password_name(s->name)
								  ? "move the password out of the file"
								  : "move the secret out of the file");
		if (f->fix && p.notes.len) {
			char *m = dfx_xasprintf("%s%s", f->message, p.notes.ptr);

			free(f->message);
			f->message = m;
		}
		if (!f->fix)
			f->hint = dfx_xasprintf("move the value to a Docker secret (`%s_FILE: /run/secrets/...` where the "
						"image reads it) or to a git-ignored .env read as `${%s:?...}` (%s)",
						s->name, s->name, p.why ? p.why : "the fix cannot edit this entry");
		if (f->fix && !s->weak) { /* a weak value is rotated (DC102), not moved with the others */
			fixed_sites[nfixed] = s;
			idx[nfixed++] = (size_t)(f - ctx->out->v);
		}
		dfx_secretplan_release(&p);
	}
	if (nfixed > 1) {
		struct dfx_secretplan p;

		dfx_secretplan_init(&p, ctx);
		for (size_t k = 0; k < nfixed && !p.failed; k++) {
			if (fixed_sites[k]->literal)
				dfx_secretplan_move(&p, fixed_sites[k], fixed_sites[k]->value);
			else
				dfx_secretplan_default_to_dotenv(&p, fixed_sites[k]);
		}
		dfx_secretplan_group(ctx, idx, nfixed, dfx_secretplan_fix(&p, DFX_FIX_SAFE, "move the secrets out of the file"));
		dfx_secretplan_release(&p);
	}
	free(fixed_sites);
	free(idx);
	dfx_credential_sites_release(&sites);
}

const struct dfx_rule dfx_rule_dc101 = {
	.code = "DC101",
	.name = "plaintext-password",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_SAFE,
	.summary = "A password is written in plain text in the compose file",
	.what = "Finds `environment` entries of a service (map form `NAME: value` or list form "
		"`- NAME=value`, also when they come through a `<<: *anchor` merge) whose name is a "
		"credential name (password, passwd, pwd, secret, token, api key, access key, private key, "
		"credentials, auth; not `*_FILE`, `*_PATH`, `PUBLIC*`) and whose value is a literal. A "
		"`${VAR}` reference is not a literal; `${VAR:-default}` is reported when its default is a "
		"password. Weak and well-known default values are reported by DC102 instead. Values that "
		"are not secrets are left alone: switch words (`invalid`, `disabled`, `none`, ...), lists of "
		"names (`EmailAuthBackend,GitHubAuthBackend`), keywords, paths and placeholders.",
	.why = "The compose file is committed, copied into CI logs, pasted into issues and shared with "
	       "everyone who can read the repository, and `docker inspect` shows the environment of the "
	       "running container. A password in it cannot be rotated without rewriting history.",
	.example = "services:\n  db:\n    image: postgres:17\n    environment:\n"
		   "      POSTGRES_PASSWORD: 9dT4wq2LxZ7vKp3r",
	.instead = "services:\n  db:\n    image: postgres:17\n    environment:\n"
		   "      POSTGRES_PASSWORD_FILE: /run/secrets/db_postgres_password\n    secrets:\n"
		   "      - db_postgres_password\nsecrets:\n  db_postgres_password:\n"
		   "    file: ./secrets/db_postgres_password.txt   # git-ignored",
	.fix_safety = "Safe: the container gets the same value. When every service using the entry runs an "
		      "image that reads `NAME_FILE` (postgres, mysql, mariadb, mongo, wordpress, nextcloud, "
		      "grafana's `__FILE`, minio, bitnami, ...) and does not use `$NAME` in its own command or "
		      "healthcheck, the fix writes `NAME_FILE: /run/secrets/S`, grants secret S to the service, "
		      "declares `secrets: S: file: ./secrets/S.txt` and creates that file holding the value: "
		      "mode 0600 when the image reads it as root (postgres, mysql, mariadb read `*_FILE` before "
		      "dropping privileges), 0644 when it reads it as another uid (mongo after dropping to 999, "
		      "wordpress and nextcloud as www-data, grafana as 472), because a compose `file:` secret is a "
		      "bind mount that keeps the host file's owner and mode and ignores `uid`, `gid` and `mode`; "
		      "0644 also lets every user of the host read the file, so keep secrets/ mode 0700; the plain variable is "
		      "removed because the entrypoints refuse both. Otherwise the value becomes "
		      "`${NAME:?set NAME in .env}` and `NAME=value` goes to the .env beside the compose file. "
		      "secrets/ and .env are added to .gitignore. A value set through an anchor is changed at "
		      "the anchor (the .env form, which fits every service using it). Every credential entry "
		      "holding the same value moves with it; when the value is also used where the fix cannot "
		      "move it (inside a URL, a healthcheck or a command line), there is no fix, only a hint "
		      "naming the place: moving it in some places only would leave the password in the file. "
		      "The created secret and .env files are never shown by --diff.",
	.refs = "KICS a88baa34 Passwords And Secrets; Checkov CKV_SECRET_6 (secrets framework); CWE-798; Compose "
		"Specification 05-services.md environment, secrets and 09-secrets.md; "
		"postgres/mysql/mariadb/mongo docker-entrypoint.sh file_env",
	.check = check,
};
