/*
 * dc105.c - DC105 secret-in-environment: an `environment` value that is a
 * credential by its form, whatever the variable is called: a provider
 * token (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI, npm, ...), a
 * private key, a URL with an embedded password (`postgres://u:pw@db/x`),
 * or a long high-entropy string. Variables with a credential name are
 * DC101's and DC102's.
 * Fix: the value moves to the git-ignored .env beside the compose file and
 * the entry becomes `${NAME:?set NAME in .env}`: safe as DC101's .env move,
 * unsafe for a value that is only random-looking.
 * Seed: "Secrets in Build Args/ENV" (DATABASE_URL=postgres://user:password
 * @host/db); KICS a88baa34 Passwords And Secrets (Password in URL, token
 * rules); Trivy secret scanner builtin rules; CWE-798.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "secretplan.h"
#include "dockfix/secrets.h"

/* Same entry seen through an earlier service (a shared anchor)? */
static bool seen_before(const struct dfx_compose *c, size_t upto, const struct dfx_compose_env *e)
{
	const void *id = e->list_form ? (const void *)e->node : (const void *)e->key;

	for (size_t i = 0; i < upto; i++)
		for (size_t j = 0; j < c->services[i].nenv; j++) {
			const struct dfx_compose_env *o = &c->services[i].env[j];

			if ((o->list_form ? (const void *)o->node : (const void *)o->key) == id)
				return true;
		}
	return false;
}

/*
 * A variable that names public material: MINIO_UPDATE_MINISIGN_PUBKEY
 * holds the minisign public key that update signatures are checked
 * against; moving or deleting it switches the check off.
 */
static bool public_name(const char *name)
{
	static const char *const words[] = {"PUBKEY", "PUBLIC_KEY", "PUBLICKEY", "PUB_KEY", "CERTIFICATE",
					    "FINGERPRINT", NULL};
	size_t n = strlen(name);

	for (size_t i = 0; words[i]; i++)
		for (const char *p = name; *p; p++)
			if (!strncasecmp(p, words[i], strlen(words[i])))
				return true;
	return n > 4 && !strcasecmp(name + n - 4, "_PUB");
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	struct item {
		const struct dfx_compose_service *svc;
		const struct dfx_compose_env *e;
		char *value;
		enum dfx_applicability a;
	} *items = NULL;
	size_t *idx = NULL, n = 0, cap = 0;

	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *svc = &c->services[i];

		for (size_t j = 0; j < svc->nenv; j++) {
			const struct dfx_compose_env *e = &svc->env[j];
			const char *kind = NULL;
			struct dfx_finding *f;
			struct dfx_secretplan p;
			struct dfx_span at;
			enum dfx_applicability a;
			char *red, *value;

			if (!e->name || !e->value || !e->value[0] ||
			    (dfx_secret_name(e->name) && !dfx_credential_userish(e->name)) ||
			    !dfx_secret_value(e->value, strlen(e->value), &kind))
				continue;
			if (e->from_anchor && seen_before(c, i, e))
				continue;
			if (strstr(e->value, "-----BEGIN CERTIFICATE") || strstr(e->value, "PUBLIC KEY-----") ||
			    public_name(e->name))
				continue; /* public material, whatever its entropy */
			at = e->list_form ? e->node->span : e->key->span;
			red = dfx_redact(e->value, strlen(e->value));
			f = dfx_emit(ctx, at,
				       "%s holds a credential (%s: %s): it is in the file and in every copy of the repository",
				       e->name, kind ? kind : "by its form", red);
			free(red);
			if (!f)
				continue;
			f->secret = e->list_form && !e->span_exact ? e->node->inner : e->value_span;
			value = dfx_xstrdup(e->value);
			for (char *r = value, *w = value; ; r++) {
				/* `$$` is a literal '$' for Compose */
				*w++ = *r;
				if (!*r)
					break;
				if (r[0] == '$' && r[1] == '$')
					r++;
			}
			dfx_secretplan_init(&p, ctx);
			if (dfx_compose_is_interpolated(e->value))
				dfx_secretplan_fail(&p, "the value also holds ${...} references");
			else
				dfx_secretplan_to_dotenv(&p, svc, e, value);
			/* a form that is a credential for sure moves as DC101 moves one; a random-looking
			   string may be configuration (a fresh checkout would then lack it) */
			a = kind && !strcmp(kind, "high-entropy string") ? DFX_FIX_UNSAFE : DFX_FIX_SAFE;
			f->fix = dfx_secretplan_fix(&p, a, "move the value to .env");
			if (!f->fix)
				f->hint = dfx_xasprintf("move the value to a git-ignored .env and write `${%s:?set %s in "
							".env}` (%s)", e->name, e->name,
							p.why ? p.why : "the fix cannot edit this entry");
			dfx_secretplan_release(&p);
			if (f->fix) {
				if (n + 1 > cap) {
					cap = cap ? cap * 2 : 8;
					items = dfx_xrealloc(items, cap * sizeof(*items));
					idx = dfx_xrealloc(idx, cap * sizeof(*idx));
				}
				items[n].svc = svc;
				items[n].e = e;
				items[n].value = value;
				items[n].a = a;
				idx[n++] = (size_t)(f - ctx->out->v);
			} else {
				free(value);
			}
		}
	}
	if (n > 1) {
		struct dfx_secretplan p;
		enum dfx_applicability a = DFX_FIX_SAFE;

		dfx_secretplan_init(&p, ctx);
		for (size_t k = 0; k < n && !p.failed; k++) {
			dfx_secretplan_to_dotenv(&p, items[k].svc, items[k].e, items[k].value);
			if (items[k].a == DFX_FIX_UNSAFE)
				a = DFX_FIX_UNSAFE;
		}
		dfx_secretplan_group(ctx, idx, n, dfx_secretplan_fix(&p, a, "move the values to .env"));
		dfx_secretplan_release(&p);
	}
	for (size_t k = 0; k < n; k++)
		free(items[k].value);
	free(items);
	free(idx);
}

const struct dfx_rule dfx_rule_dc105 = {
	.code = "DC105",
	.name = "secret-in-environment",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_SAFE,
	.summary = "An environment value is a credential (token, key, password in a URL)",
	.what = "Checks every `environment` value (map and list form, through merges) for a credential "
		"by its form: provider tokens (AWS access keys, GitHub, GitLab, Slack, Stripe live keys, "
		"Google API keys, OpenAI, npm, ...), private-key headers, URLs with an embedded password "
		"(`scheme://user:password@host`; not when the password is a `${VAR}`), and long random-looking "
		"strings. Values of variables whose name already says credential are DC101/DC102's; "
		"certificates and public keys (`-----BEGIN CERTIFICATE`, names with PUBKEY, PUBLIC_KEY, "
		"FINGERPRINT, `*_PUB`) are public material, whatever their entropy.",
	.why = "A token or a connection string with a password in the compose file is readable by everyone "
	       "with access to the repository, its forks and CI logs, and stays in the git history after it "
	       "is removed. A leaked provider token is usually abused within minutes.",
	.example = "services:\n  app:\n    environment:\n"
		   "      DATABASE_URL: postgres://app:9dT4wq2LxZ@db:5432/app",
	.instead = "services:\n  app:\n    environment:\n"
		   "      DATABASE_URL: ${DATABASE_URL:?set DATABASE_URL in .env}\n# .env (git-ignored)\n"
		   "DATABASE_URL=postgres://app:...@db:5432/app",
	.fix_safety = "Safe for a provider token, a private key or a URL with a password: the container "
		      "gets the same value, as with DC101's move to .env. The fix moves the value to the .env "
		      "beside the compose file (created mode 0600, or appended to; never shown by --diff), "
		      "writes `${NAME:?set NAME in .env}` in its place, and git-ignores .env; Compose reads "
		      "that .env from the project directory (a shell variable of the same name, or "
		      "`--env-file`, wins over it, as for every `${VAR}` of the file). Unsafe for a value "
		      "that is only random-looking: it may be configuration that a fresh checkout, without "
		      "the git-ignored .env, would then lack. Rotate the credential: it is still in the git "
		      "history.",
	.refs = "KICS a88baa34 Passwords And Secrets (Password in URL, provider token rules); Trivy secret "
		"scanning builtin rules; Checkov CKV_SECRET_*; CWE-798",
	.check = check,
};
