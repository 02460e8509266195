/*
 * di103.c - DI103 weak-password-in-env-file: a `.env` or `.env.*` file
 * (templates such as .env.example are not checked), or a file a checked
 * compose file reads with `env_file:` (src/engine/discover.c), gives a password
 * variable a weak or default value - a well-known sample or product
 * default (src/model/data/weak-passwords.txt), the paired user name
 * (`KEYCLOAK_ADMIN=admin` with `KEYCLOAK_ADMIN_PASSWORD=admin`), fewer than
 * 12 characters, or fewer than 4 distinct ones (dfx_weak_password, the
 * judgement DC102 makes in compose files). Reported at the line, the value
 * redacted. Empty values (left to fill in), variable references and paths
 * are not judged. No fix: a new password has to be set where the service
 * keeps it, too. A `# dockfix ignore=DI103` comment on the line above or
 * at the end of the line suppresses it.
 *
 * References: CWE-521 (weak password requirements), CWE-1392 (default
 * credentials); Compose docs ".env file syntax".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/credential.h"
#include "dockfix/dotenv.h"
#include "dockfix/rule.h"
#include "dockfix/secrets.h"

struct scan {
	struct dfx_ctx *ctx;
	const struct dfx_source *src;
};

/* Whether a `# dockfix ignore=DI103` comment is on line `ln` (1-based) after a '#'. */
static bool pragma_on(const struct dfx_source *s, unsigned ln, bool trailing)
{
	struct dfx_span l;
	char *text, *hash, *at;
	bool hit;

	if (ln < 1 || ln > s->nlines)
		return false;
	l = dfx_source_line(s, ln);
	text = dfx_xstrndup(s->data + l.start, l.end - l.start);
	hash = strchr(text, '#');
	if (!trailing) {
		const char *p = text;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '#')
			hash = NULL;
	}
	at = hash ? strstr(hash, "dockfix ignore=") : NULL;
	hit = at && strstr(at, "DI103");
	free(text);
	return hit;
}

/* Why a weak value is weak, for the message. */
static const char *why_weak(const char *v, const char *user)
{
	size_t chars = 0, distinct = 0;
	bool seen[256] = {false};

	if (user && !strcasecmp(v, user))
		return "the same as the user name";
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p & 0xC0) != 0x80)
			chars++;
		if (!seen[*p]) {
			seen[*p] = true;
			distinct++;
		}
	}
	if (distinct < 4)
		return "too few distinct characters";
	if (chars < 12)
		return "shorter than 12 characters";
	return "a well-known default or sample";
}

static int each(const struct dfx_dotenv_var *var, void *arg)
{
	struct scan *sc = arg;
	const char *uvar, *user = NULL;
	char *uval = NULL, *red;
	struct dfx_finding *f;
	unsigned ln, col;

	if (!dfx_credential_password_name(var->name) || !var->value[0] || dfx_value_is_inert(var->value) ||
	    dfx_value_is_reference(var->value))
		return 0;
	uvar = dfx_secret_user_var(var->name, &user);
	if (uvar && (uval = dfx_dotenv_get(sc->src->data, sc->src->len, uvar)) != NULL && uval[0])
		user = uval;
	if (!dfx_weak_password(var->value, user)) {
		free(uval);
		return 0;
	}
	dfx_source_linecol(sc->src, var->name_span.start, &ln, &col);
	if (pragma_on(sc->src, ln, true) || pragma_on(sc->src, ln - 1, false)) {
		free(uval);
		return 0;
	}
	red = dfx_redact(var->value, strlen(var->value));
	f = dfx_emit(sc->ctx, var->name_span,
		       "%s is a weak or default password (%s: %s): whoever tries the usual values logs in",
		       var->name, red, why_weak(var->value, user));
	free(red);
	if (f) {
		f->secret = var->value_span;
		f->hint = dfx_xasprintf("set a long random password (`%s=$(openssl rand -base64 32)`) and change it "
					"in the service too: a database keeps the password it was first started "
					"with in its data volume",
					var->name);
	}
	free(uval);
	return 0;
}

static void check(struct dfx_ctx *ctx)
{
	struct scan sc = {ctx, &ctx->file->cur};

	dfx_dotenv_each(sc.src->data, sc.src->len, each, &sc);
}

const struct dfx_rule dfx_rule_di103 = {
	.code = "DI103",
	.name = "weak-password-in-env-file",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_ENVFILE,
	.fix = DFX_FIX_NONE,
	.summary = "A .env file sets a weak or default password",
	.what = "Checks the password variables (names with PASSWORD, PASS, PWD, ...) of every `.env` "
		"and `.env.*` file found in the tree (templates named .example, .sample, .template, "
		".dist or .tmpl are not), and of every file inside the project that a checked compose "
		"file reads with `env_file:`, whatever its name (`keycloak.env`), and reports a value that is a well-known sample or product "
		"default (`admin`, `changeme`, `somewordpress`, ...), the same as the paired user "
		"variable (`KEYCLOAK_ADMIN=admin`, `KEYCLOAK_ADMIN_PASSWORD=admin`), shorter than 12 "
		"characters, or made of fewer than 4 distinct characters - the judgement DC102 makes in "
		"compose files. Empty values, `${VAR}` references and file paths are left alone.",
	.why = "A .env file is where Compose takes the passwords it puts into the services. A default "
	       "or sample password there is the first thing anyone tries against a published admin "
	       "console or database port, and automated scanners try them all; the file being "
	       "git-ignored does not make the password harder to guess.",
	.example = "KEYCLOAK_ADMIN=admin\nKEYCLOAK_ADMIN_PASSWORD=admin",
	.instead = "KEYCLOAK_ADMIN=admin\nKEYCLOAK_ADMIN_PASSWORD=<output of openssl rand -base64 32>",
	.fix_safety = "No fix: the service that already uses the password keeps it (databases store it "
		      "in their data volume when they first start), so the new one has to be set there "
		      "as well; rotating it is a change only you can make.",
	.refs = "CWE-521 (weak password requirements); CWE-1392 (use of default credentials); OWASP "
		"ASVS 2.1; Compose docs (.env file syntax)",
	.check = check,
};
