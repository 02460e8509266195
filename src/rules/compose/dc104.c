/*
 * dc104.c - DC104 redis-without-password: a Redis, Valkey, KeyDB or
 * Dragonfly server service whose command sets no `requirepass`, no
 * `--aclfile` and no configuration file (so it accepts every client; the
 * official image also patches protected mode off), or that passes
 * `--protected-mode no` without a password. bitnami images are DC103's
 * (ALLOW_EMPTY_PASSWORD).
 * Unsafe fix (redis, valkey, keydb images): an ACL file as a Docker secret
 * (`user default on >PASS ~* &* +@all`, generated password, mode 0644 so
 * the redis user can read it), `--aclfile /run/secrets/S` appended to the
 * command (string or list form) or a new `command:`, a `redis-cli ping`
 * healthcheck given the password through REDISCLI_AUTH, and the services
 * that connect to it named in the message.
 * Seed: "Redis without password" ("And no AUTH!"), "redis: image: redis #
 * No password at all"; docker-library/redis#268 (maintainer: ACL file as a
 * secret), the redis image docs and redis.io "ACL"; CWE-306.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"
#include "secretplan.h"
#include "dockfix/image.h"
#include "dockfix/secrets.h"

/* The command (or entrypoint) as words: list items, or a string split at blanks. */
static size_t words_of(const struct dfx_yaml_node *n, char ***out)
{
	char **v = NULL;
	size_t cnt = 0;

	*out = NULL;
	n = dfx_yaml_resolve(n);
	if (!n)
		return 0;
	if (n->type == DFX_YAML_SEQUENCE) {
		v = dfx_xcalloc(n->n + 1, sizeof(*v));
		for (size_t i = 0; i < n->n; i++) {
			const char *s = dfx_yaml_str(dfx_yaml_resolve(n->items[i]));

			v[cnt++] = dfx_xstrdup(s ? s : "");
		}
	} else if (n->type == DFX_YAML_SCALAR && n->value && !dfx_yaml_is_null(n)) {
		const char *p = n->value;

		v = dfx_xcalloc(n->vlen / 2 + 2, sizeof(*v));
		while (*p) {
			const char *s;

			while (isspace((unsigned char)*p))
				p++;
			s = p;
			while (*p && !isspace((unsigned char)*p))
				p++;
			if (p > s)
				v[cnt++] = dfx_xstrndup(s, (size_t)(p - s));
		}
	}
	*out = v;
	return cnt;
}

static void words_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static const char *base_of(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

static bool server_word(const char *w)
{
	const char *b = base_of(w);

	return !strcmp(b, "redis-server") || !strcmp(b, "valkey-server") || !strcmp(b, "keydb-server") ||
	       !strcmp(b, "dragonfly") || !strcmp(b, "redis-stack-server");
}

enum verdict { V_SKIP, V_AUTH, V_OPEN };

/* Look at the whole command text for an auth setting. */
static bool has_auth(char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(w[i], "requirepass") || strstr(w[i], "aclfile") || ends_with(w[i], ".conf") ||
		    strstr(w[i], ".conf\"") || strstr(w[i], ".conf'"))
			return true;
	return false;
}

/* The service with the command and entrypoint Compose runs: those of the default override file
   replace the base's. */
static const struct dfx_compose_service *effective(struct dfx_ctx *ctx, const struct dfx_compose_service *svc,
						   struct dfx_compose_service *eff)
{
	const struct dfx_compose_service *o = dfx_dc_override_service(ctx, svc);

	if (!o || (!o->command.node && !o->entrypoint.node))
		return svc;
	*eff = *svc;
	if (o->command.node)
		eff->command = o->command;
	if (o->entrypoint.node)
		eff->entrypoint = o->entrypoint;
	return eff;
}

static enum verdict judge(const struct dfx_compose_service *svc, bool *protected_off)
{
	char **cw = NULL, **ew = NULL;
	size_t cn = words_of(svc->command.node, &cw), en = words_of(svc->entrypoint.node, &ew);
	enum verdict v = V_OPEN;

	*protected_off = false;
	for (size_t i = 0; i + 1 < cn; i++)
		if (!strcmp(cw[i], "--protected-mode") && !strcmp(cw[i + 1], "no"))
			*protected_off = true;
	if (en) {
		/* a custom entrypoint: only judge when it plainly runs the server */
		if (!server_word(ew[0]) || has_auth(ew, en))
			v = V_SKIP;
	}
	if (v == V_OPEN && cn) {
		const char *b = base_of(cw[0]);

		if (!strcmp(b, "redis-cli") || !strcmp(b, "valkey-cli") || !strcmp(b, "keydb-cli") ||
		    !strcmp(b, "redis-sentinel") || !strcmp(b, "redis-benchmark"))
			v = V_SKIP; /* a client or a sentinel, not a server */
		for (size_t i = 0; i < cn && v == V_OPEN; i++)
			if (!strcmp(cw[i], "--sentinel"))
				v = V_SKIP;
		if (v == V_OPEN && has_auth(cw, cn))
			v = V_AUTH;
		if (v == V_OPEN && !server_word(cw[0]) && cw[0][0] != '-' && !ends_with(cw[0], ".conf")) {
			/* sh -c "...", a script: judge by the text */
			v = V_SKIP;
		}
	}
	for (size_t i = 0; i < svc->nenv && v == V_OPEN; i++)
		if (svc->env[i].value && (strstr(svc->env[i].value, "requirepass") || strstr(svc->env[i].value, "aclfile") ||
					  strstr(svc->env[i].value, ".conf")))
			v = V_AUTH; /* REDIS_ARGS of redis-stack, ... */
	words_free(cw, cn);
	words_free(ew, en);
	return v;
}

/* The server binary of the images the fix knows. */
static const char *server_binary(const struct dfx_imageref *ref)
{
	if (!strcmp(ref->base, "redis") && !strstr(ref->name, "/redis-stack"))
		return "redis-server";
	if (!strcmp(ref->base, "valkey"))
		return "valkey-server";
	if (!strcmp(ref->base, "keydb"))
		return "keydb-server";
	return NULL;
}

/* Whether every word is safe unquoted in a shell command. */
static bool shell_safe(char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const char *p = w[i]; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("-_./:=@,", *p))
				return false;
	return true;
}

/* A flow scalar in the quoting style of `like` (the test's first item). */
static void quote_like(struct dfx_yaml *t, const struct dfx_yaml_node *like, const char *v, struct dfx_buf *b)
{
	if (like && like->style == DFX_YAML_DOUBLE) {
		dfx_buf_addc(b, '"');
		for (const char *p = v; *p; p++) {
			if (*p == '"' || *p == '\\')
				dfx_buf_addc(b, '\\');
			dfx_buf_addc(b, *p);
		}
		dfx_buf_addc(b, '"');
	} else if (like && like->style == DFX_YAML_SINGLE && !strchr(v, '\'')) {
		dfx_buf_addf(b, "'%s'", v);
	} else {
		dfx_yaml_render_scalar(t, v, true, b);
	}
}

/*
 * Give a `redis-cli ping` healthcheck the password: the test becomes a
 * CMD-SHELL command that reads it from the ACL secret. Returns 0 with
 * edits, 1 when there is nothing to do, -1 (why) when it is not simple.
 */
static int fix_healthcheck(struct dfx_secretplan *p, const struct dfx_compose_service *svc, const char *secret,
			   const char **why)
{
	struct dfx_yaml *t = p->c->yaml;
	const struct dfx_yaml_node *hc = svc->healthcheck.node, *test;
	struct dfx_buf cmd = DFX_BUF_INIT, b = DFX_BUF_INIT;
	char **w = NULL;
	size_t n = 0, first = 0;
	bool shell = false;
	struct dfx_yaml_edits local, *ed = &local;
	int rc = 0;

	*why = NULL;
	if (!hc || hc->type != DFX_YAML_MAPPING)
		return 1;
	dfx_yaml_edits_init(&local);
	test = dfx_yaml_get(t, hc, "test");
	if (!test || svc->healthcheck.from_anchor) {
		*why = test ? "the healthcheck comes from an anchor" : NULL;
		return test ? -1 : 1;
	}
	if (test->type == DFX_YAML_SCALAR) {
		shell = true;
		dfx_buf_adds(&cmd, test->value ? test->value : "");
	} else if (test->type == DFX_YAML_SEQUENCE) {
		n = words_of(test, &w);
		if (!n || !strcmp(w[0], "NONE")) {
			words_free(w, n);
			return 1;
		}
		if (!strcmp(w[0], "CMD-SHELL") && n == 2) {
			shell = true;
			dfx_buf_adds(&cmd, w[1]);
		} else if (!strcmp(w[0], "CMD") && n >= 2 && shell_safe(w + 1, n - 1)) {
			for (size_t i = 1; i < n; i++)
				dfx_buf_addf(&cmd, "%s%s", i > 1 ? " " : "", w[i]);
		} else {
			first = SIZE_MAX;
		}
	}
	if (first == SIZE_MAX || !cmd.ptr) {
		*why = "the healthcheck is not a simple command";
		rc = -1;
		goto out;
	}
	if (!strstr(cmd.ptr, "-cli")) {
		rc = 1; /* does not talk to redis */
		goto out;
	}
	if (strstr(cmd.ptr, "REDISCLI_AUTH") || strstr(cmd.ptr, " -a ") || strstr(cmd.ptr, "--pass") ||
	    strstr(cmd.ptr, "--user") || strstr(cmd.ptr, "--askpass")) {
		rc = 1; /* already authenticates */
		goto out;
	}
	{
		const char *c = cmd.ptr;
		const char *sp = strchr(c, ' ');
		char *prog = sp ? dfx_xstrndup(c, (size_t)(sp - c)) : dfx_xstrdup(c);
		const char *bp = base_of(prog);
		bool cli = !strcmp(bp, "redis-cli") || !strcmp(bp, "valkey-cli") || !strcmp(bp, "keydb-cli");

		free(prog);
		if (!cli) {
			*why = "the healthcheck does not start with redis-cli";
			rc = -1;
			goto out;
		}
	}
	{
		struct dfx_buf sh = DFX_BUF_INIT;

		dfx_buf_addf(&sh, "REDISCLI_AUTH=\"$$(cut -d' ' -f4 /run/secrets/%s | cut -c2-)\" %s", secret, cmd.ptr);
		if (test->type == DFX_YAML_SCALAR) {
			rc = dfx_yaml_edit_replace_scalar(t, test, sh.ptr, ed);
		} else if (test->style == DFX_YAML_FLOW) {
			const struct dfx_yaml_node *like = test->n ? test->items[0] : NULL;

			dfx_buf_adds(&b, "[");
			quote_like(t, like, "CMD-SHELL", &b);
			dfx_buf_adds(&b, ", ");
			quote_like(t, like, sh.ptr, &b);
			dfx_buf_adds(&b, "]");
			dfx_yaml_edits_add(ed, test->tok.start, test->tok.end, b.ptr);
		} else {
			rc = dfx_yaml_edit_replace_scalar(t, test->items[0], "CMD-SHELL", ed);
			if (rc == 0)
				rc = dfx_yaml_edit_replace_scalar(t, test->items[1], sh.ptr, ed);
			for (size_t i = 2; i < test->n && rc == 0; i++)
				rc = dfx_yaml_edit_delete(t, test->items[i], ed);
		}
		(void)shell;
		dfx_buf_release(&sh);
		if (rc < 0) {
			*why = ed->why ? "the healthcheck cannot be rewritten" : "the healthcheck cannot be rewritten";
			goto out;
		}
		for (size_t i = 0; i < local.n; i++)
			dfx_yaml_edits_add(&p->ed, local.v[i].start, local.v[i].end, local.v[i].text);
		dfx_secretplan_path(p, test);
	}
out:
	dfx_yaml_edits_release(&local);
	words_free(w, n);
	dfx_buf_release(&cmd);
	dfx_buf_release(&b);
	return rc;
}

static struct dfx_fix *build_fix(struct dfx_ctx *ctx, const struct dfx_compose_service *svc, const char *bin,
				 struct dfx_buf *note, char **why)
{
	struct dfx_secretplan p;
	struct dfx_yaml *t = ctx->file->compose->yaml;
	struct dfx_fix *fix = NULL;
	char *pw = NULL, *name = NULL, *acl = NULL, *target = NULL;
	const struct dfx_yaml_node *cmd = svc->command.node;
	const char *hwhy = NULL;
	int rc = 0, hrc;

	*why = NULL;
	if (svc->command.key && svc->command.from_anchor) {
		*why = dfx_xstrdup("the command comes from an anchor");
		return NULL;
	}
	if (!(pw = dfx_secret_gen())) {
		*why = dfx_xstrdup("no random source");
		return NULL;
	}
	dfx_secretplan_init(&p, ctx);
	name = dfx_secretplan_secret_name(&p, svc->name, "acl");
	target = dfx_xasprintf("/run/secrets/%s", name);
	acl = dfx_xasprintf("user default on >%s ~* &* +@all\n", pw);

	/* the command first: inserts at the end of the service keep their order */
	if (!svc->command.key) {
		char *y = dfx_xasprintf("[\"%s\", \"--aclfile\", \"%s\"]", bin, target);

		rc = dfx_yaml_edit_map_insert(t, svc->node, "command", y, &p.ed);
		free(y);
	} else if (cmd->type == DFX_YAML_SEQUENCE) {
		rc = dfx_yaml_edit_seq_append_scalar(t, cmd, "--aclfile", &p.ed);
		if (rc == 0)
			rc = dfx_yaml_edit_seq_append_scalar(t, cmd, target, &p.ed);
	} else if (cmd->type == DFX_YAML_SCALAR && !dfx_yaml_is_null(cmd)) {
		char *suffix = dfx_xasprintf(" --aclfile %s", target);

		rc = dfx_yaml_edit_scalar_append(t, cmd, suffix, &p.ed);
		free(suffix);
	} else {
		*why = dfx_xstrdup("the command is neither a string nor a list");
		goto out;
	}
	if (rc < 0) {
		*why = dfx_xstrdup(p.ed.why ? p.ed.why : "the command cannot be extended");
		goto out;
	}
	{
		struct dfx_buf b = DFX_BUF_INIT;

		dfx_yaml_node_path(svc->key, &b);
		dfx_buf_adds(&b, "/command");
		dfx_secretplan_path_str(&p, b.ptr);
		dfx_buf_release(&b);
	}
	hrc = fix_healthcheck(&p, svc, name, &hwhy);
	if (dfx_secretplan_secret(&p, name, acl, 0644))
		dfx_secretplan_grant(&p, svc, name);
	dfx_buf_addf(&p.desc, "ACL file secret %s (secrets/%s.txt, mode 0644) with a generated password; "
		     "`--aclfile %s` %s", name, name, target, svc->command.key ? "appended to the command" : "as command");
	if (hrc == 0)
		dfx_buf_adds(&p.desc, "; the healthcheck reads the password (REDISCLI_AUTH)");
	fix = dfx_secretplan_fix(&p, DFX_FIX_UNSAFE, "require a password");
	if (!fix) {
		*why = dfx_xstrdup(p.why ? p.why : "the fix cannot edit this service");
	} else {
		dfx_buf_addf(note, ". The fix creates secrets/%s.txt mode 0644 because the server runs as a non-root user "
			     "and must read it", name);
		if (hrc < 0)
			dfx_buf_addf(note, "; give the healthcheck the password by hand (%s)", hwhy);
	}
out:
	dfx_secretplan_release(&p);
	free(pw);
	free(name);
	free(acl);
	free(target);
	return fix;
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;

	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *svc = &c->services[i];
		struct dfx_imageref ref;
		const char *kind, *bin;
		bool protected_off;
		struct dfx_finding *f;
		struct dfx_buf note = DFX_BUF_INIT;
		char *clients, *why = NULL;
		struct dfx_compose_service eff;

		if (!svc->node || !dfx_credential_image(svc, &ref))
			continue;
		kind = dfx_db_image_kind(&ref);
		if (!kind || strcmp(kind, "redis") || !ref.base || strstr(ref.name, "bitnami") ||
		    judge(effective(ctx, svc, &eff), &protected_off) != V_OPEN) {
			dfx_image_release(&ref);
			continue;
		}
		clients = dfx_dc_clients(ctx, svc);
		f = dfx_emit(ctx, svc->image.node->span,
			       "service `%s` runs %s without a password (no requirepass, --aclfile or configuration "
			       "file)%s: anyone who reaches port 6379 reads and writes every key, and can turn "
			       "CONFIG SET into writing files on the container%s%s",
			       svc->name, ref.base, protected_off ? " and with --protected-mode no" : "",
			       clients && *clients ? ". Services that connect to it and must then authenticate: " : "",
			       clients && *clients ? clients : "");
		dfx_dc_reach_severity(ctx, f, &svc, 1);
		if (f) {
			bin = server_binary(&ref);
			if (clients && *clients)
				f->hint = dfx_xasprintf("start it with a password (an ACL file as a Docker secret and "
							"`--aclfile /run/secrets/<name>`) and give the same password to %s "
							"(REDIS_URL `redis://:PASSWORD@host:6379`, CELERY_BROKER_URL, "
							"REDIS_PASSWORD, REDIS_HOST_PASSWORD, ...): dockfix cannot update "
							"these clients, so it offers no fix", clients);
			else if (!bin)
				f->hint = dfx_xasprintf("start it with a password: an ACL file as a Docker secret "
							"(`user default on >PASSWORD ~* &* +@all`, readable by the server's "
							"user) and `--aclfile /run/secrets/<name>`");
			else if ((f->fix = build_fix(ctx, svc, bin, &note, &why)) != NULL) {
				char *m = dfx_xasprintf("%s%s", f->message, note.ptr ? note.ptr : "");

				free(f->message);
				f->message = m;
			} else {
				f->hint = dfx_xasprintf("add an ACL file secret (`user default on >PASSWORD ~* &* +@all`) and "
							"`--aclfile /run/secrets/<name>` to the command (%s)",
							why ? why : "no automatic fix");
			}
		}
		dfx_buf_release(&note);
		free(why);
		free(clients);
		dfx_image_release(&ref);
	}
}

const struct dfx_rule dfx_rule_dc104 = {
	.code = "DC104",
	.name = "redis-without-password",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "Redis (or Valkey, KeyDB, Dragonfly) runs without a password",
	.what = "Finds redis, valkey, keydb and dragonfly server services whose command sets no "
		"`requirepass`, no `--aclfile` and no configuration file, or that pass `--protected-mode no` "
		"without a password. Client containers started from the image (`redis-cli ...`), sentinels, "
		"custom entrypoints and shell-wrapped commands are left alone; bitnami images are covered by "
		"DC103 (ALLOW_EMPTY_PASSWORD).",
	.why = "Redis has no authentication by default, and the official image turns protected mode off so "
	       "that other containers can connect. Whoever reaches the port (another container, a published "
	       "port, an SSRF) reads and writes every key, and `CONFIG SET dir`/`dbfilename` lets them write "
	       "files inside the container. Exposed Redis servers are mass-exploited for crypto mining."
	       "\n\nSeverity: critical when the service is exposed (a port published on an address other than loopback, a LAN address or a variable whose default is one, or the host network), high otherwise: `expose:` and loopback ports leave it to the host and containers on its networks.",
	.example = "services:\n  redis:\n    image: redis:7\n    ports:\n      - \"6379:6379\"",
	.instead = "services:\n  redis:\n    image: redis:7\n"
		   "    command: [\"redis-server\", \"--aclfile\", \"/run/secrets/redis_acl\"]\n    secrets:\n"
		   "      - redis_acl\nsecrets:\n  redis_acl:\n    file: ./secrets/redis_acl.txt   "
		   "# user default on >PASSWORD ~* &* +@all",
	.fix_safety = "Unsafe: every client must now authenticate. When services connect to it "
		      "(depends_on, links, URLs naming the service) the fix is withheld and the hint names "
		      "them: their REDIS_URL, CELERY_BROKER_URL, REDIS_HOST_PASSWORD and the like would still "
		      "connect without the password. Otherwise the fix creates an ACL file "
		      "as a Docker secret, `user default on >PASSWORD ~* &* +@all` with a generated password "
		      "(mode 0644: the server runs as the redis user and must read it), appends `--aclfile "
		      "/run/secrets/<name>` to the existing command (string or list) or adds `command: "
		      "[\"redis-server\", \"--aclfile\", ...]`, and rewrites a `redis-cli ping` healthcheck to "
		      "read the password from the secret into REDISCLI_AUTH. Clients read the password from the "
		      "same file (field 4 without the leading `>`).",
	.refs = "docker-library/redis#268 (ACL file as a secret); redis.io ACL documentation; redis.io: Redis "
		"security (protected mode); CWE-306",
	.check = check,
};
