/*
 * dc107.c - DC107 secret-in-build-args: a service's `build.args` entry
 * whose name is a credential name (whatever its value: a `${VAR}` or an
 * unset entry still hands the secret to the build) or whose value is a
 * credential by its form. Build arguments are recorded in the image
 * history (`docker history`) and in build provenance.
 * Unsafe fix: the arg becomes a build secret - `build.secrets: [id]`, a
 * top-level secret (`environment: VAR` for a variable, a git-ignored
 * secrets/<id>.txt for a literal value) - and, in the linked Dockerfile,
 * the ARG goes and every RUN that expands the variable gets
 * `--mount=type=secret,id=<id>,env=<NAME>` (with `# syntax=
 * docker/dockerfile:1`). When the Dockerfile is not in the workspace, or
 * uses the variable outside RUN, a hint says what to do.
 * Seed: "Secrets in Build Args/ENV" (ARG AWS_SECRET_ACCESS_KEY); hadolint
 * DL3064-adjacent; BuildKit SecretsUsedInArgOrEnv; Trivy DS-0031;
 * Compose Specification build.secrets; CWE-214.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/dfedit.h"
#include "dockfix/shellwords.h"
#include "secretplan.h"
#include "dockfix/rule.h"
#include "dockfix/secrets.h"

static const void *arg_id(const struct dfx_compose_env *a)
{
	return a->list_form ? (const void *)a->node : (const void *)a->key;
}

static bool seen_before(const struct dfx_compose *c, size_t upto, const struct dfx_compose_env *a)
{
	for (size_t i = 0; i < upto; i++)
		for (size_t j = 0; j < c->services[i].build.nargs; j++)
			if (arg_id(&c->services[i].build.args[j]) == arg_id(a))
				return true;
	return false;
}

/* Drop exact duplicate edits (the `# syntax=` line added once per ARG). */
static void dedupe(struct dfx_fix *fix)
{
	size_t w = 0;

	for (size_t i = 0; i < fix->nedits; i++) {
		bool dup = false;

		for (size_t k = 0; k < w && !dup; k++)
			dup = !strcmp(fix->edits[k].path, fix->edits[i].path) && fix->edits[k].start == fix->edits[i].start &&
			      fix->edits[k].end == fix->edits[i].end && !strcmp(fix->edits[k].text, fix->edits[i].text);
		if (dup) {
			free(fix->edits[i].path);
			free(fix->edits[i].text);
		} else {
			fix->edits[w++] = fix->edits[i];
		}
	}
	fix->nedits = w;
}

struct dfplan {
	struct dfx_wsfile *wf;
	bool declared;  /* an ARG declares it */
	bool mounted;   /* a RUN already mounts it */
	const char *why;
};

/* Look at the Dockerfile: can the ARG become a secret mount? */
static void inspect_dockerfile(struct dfplan *d, const char *name)
{
	const struct dfx_dockerfile *df = d->wf->df;

	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (dfx_df_is(in, "ARG")) {
			for (size_t k = 0; k < in->nkvs; k++)
				if (!strcmp(in->kvs[k].key, name))
					d->declared = true;
			continue;
		}
		if (dfx_df_is(in, "RUN")) {
			if (dfx_dfedit_has_secret_mount(in, "env", name))
				d->mounted = true;
			continue;
		}
		if (dfx_df_is(in, "ENV")) {
			bool only_copy = true;

			for (size_t k = 0; k < in->nkvs; k++) {
				const char *raw = df->src->data + in->kvs[k].value_span.start;
				size_t rl = in->kvs[k].value_span.end - in->kvs[k].value_span.start, nl = strlen(name);
				bool copy = !strcmp(in->kvs[k].key, name) &&
					    ((rl == nl + 1 && raw[0] == '$' && !strncmp(raw + 1, name, nl)) ||
					     (rl == nl + 3 && !strncmp(raw, "${", 2) && !strncmp(raw + 2, name, nl) &&
					      raw[nl + 2] == '}'));

				if (!copy && in->kvs[k].value && dfx_shellwords_mentions_var(in->args_text, name))
					only_copy = false;
			}
			if (!only_copy)
				d->why = "the Dockerfile uses the variable in ENV: the value would stay in the image";
			continue;
		}
		if (in->args_text && dfx_shellwords_mentions_var(in->args_text, name))
			d->why = "the Dockerfile uses the variable outside RUN (FROM, COPY, LABEL, ...)";
		for (size_t k = 0; k < in->nflags; k++)
			if (in->flags[k].value && dfx_shellwords_mentions_var(in->flags[k].value, name))
				d->why = "the Dockerfile uses the variable in an instruction flag";
	}
}

static struct dfx_fix *build_fix(struct dfx_ctx *ctx, const struct dfx_compose_service *svc,
				 const struct dfx_compose_env *a, char **why)
{
	const struct dfx_compose_build *bd = &svc->build;
	struct dfx_compose *c = ctx->file->compose;
	struct dfx_yaml *t = c->yaml;
	struct dfplan d = {0};
	struct dfx_secretplan p;
	struct dfx_fix *fix = NULL;
	char *cdir = NULL, *ctxdir = NULL, *dfp = NULL, *id = dfx_dfedit_secret_id(a->name), *var = NULL;
	bool have_top = false;
	int rc;

	*why = NULL;
	if (bd->node->type != DFX_YAML_MAPPING || bd->dockerfile_inline || a->from_anchor || bd->secrets_ref.from_anchor) {
		*why = dfx_xstrdup(bd->dockerfile_inline ? "the Dockerfile is inline (dockerfile_inline)"
							 : "the build section comes from an anchor");
		goto out;
	}
	if (bd->context && (strstr(bd->context, "://") || dfx_compose_is_interpolated(bd->context) ||
			    (bd->dockerfile && dfx_compose_is_interpolated(bd->dockerfile)))) {
		*why = dfx_xstrdup("the build context is remote or a variable: the Dockerfile is not in the workspace");
		goto out;
	}
	cdir = dfx_path_dir(ctx->file->path);
	dfp = dfx_compose_build_dockerfile(svc, ctx->file->path, &ctxdir);
	d.wf = dfx_ws_file(ctx->ws, dfp);
	if (!d.wf->on_disk || d.wf->kind != DFX_KIND_DOCKERFILE || !d.wf->df) {
		*why = dfx_xstrdup("the Dockerfile is not in the workspace");
		goto out;
	}
	inspect_dockerfile(&d, a->name);
	if (d.why) {
		*why = dfx_xstrdup(d.why);
		goto out;
	}
	/* where the secret's value comes from */
	if (!a->value) {
		var = dfx_xstrdup(a->name);
	} else if (dfx_compose_is_interpolated(a->value)) {
		struct dfx_buf dflt = DFX_BUF_INIT;

		if (!dfx_compose_is_variable_only(a->value) || dfx_compose_var_default(a->value, &dflt) ||
		    strchr(a->value, '?') || strchr(a->value, '+')) {
			dfx_buf_release(&dflt);
			*why = dfx_xstrdup("the value is not a plain ${VAR} reference");
			goto out;
		}
		dfx_buf_release(&dflt);
		var = dfx_credential_ref_var(a->value);
	}
	for (size_t i = 0; i < c->nsecrets; i++)
		if (!strcmp(c->secrets[i].name, id))
			have_top = true;

	dfx_secretplan_init(&p, ctx);
	{
		/* the only build arg: `args` goes with it, not left behind as `args: {}` */
		const struct dfx_yaml_node *args = dfx_yaml_resolve(bd->args_ref.node);
		bool only = args && args->n == 1 && bd->args_ref.key && bd->args_ref.map &&
			    (args->type == DFX_YAML_MAPPING || args->type == DFX_YAML_SEQUENCE);

		rc = dfx_yaml_edit_delete(t, only ? bd->args_ref.key : a->list_form ? a->node : a->key, &p.ed);
	}
	if (rc < 0)
		dfx_secretplan_yaml(&p, rc, &p.ed);
	else
		dfx_secretplan_path(&p, bd->args_ref.node);
	if (!p.failed && (d.declared || d.mounted)) {
		bool granted = false;

		for (size_t i = 0; i < bd->nsecrets; i++)
			if (bd->secrets[i].source && !strcmp(bd->secrets[i].source, id))
				granted = true;
		if (!granted) {
			if (bd->secrets_ref.node && bd->secrets_ref.node->type == DFX_YAML_SEQUENCE)
				rc = dfx_yaml_edit_seq_append_scalar(t, bd->secrets_ref.node, id, &p.ed);
			else if (!bd->secrets_ref.key) {
				char *y = dfx_xasprintf("- %s", id);

				rc = dfx_yaml_edit_map_insert(t, bd->node, "secrets", y, &p.ed);
				free(y);
			} else {
				rc = -1;
				dfx_secretplan_fail(&p, "build.secrets is not a list");
			}
			if (rc < 0)
				dfx_secretplan_yaml(&p, rc, &p.ed);
			else {
				struct dfx_buf b = DFX_BUF_INIT;

				dfx_yaml_node_path(bd->node, &b);
				dfx_buf_adds(&b, "/secrets");
				dfx_secretplan_path_str(&p, b.ptr);
				dfx_buf_release(&b);
			}
		}
		if (!have_top) {
			if (var)
				dfx_secretplan_env_secret(&p, id, var);
			else {
				char *file = dfx_xasprintf("%s/secrets/%s.txt", cdir, id), *clean = dfx_path_clean(file);

				if (dfx_ws_read(ctx->ws, clean))
					dfx_secretplan_fail(&p, "%s already exists", clean);
				else
					dfx_secretplan_secret(&p, id, a->value, 0600);
				free(file);
				free(clean);
			}
		}
		dfx_buf_addf(&p.desc, "build secret `%s` (%s)", id,
			     have_top ? "already declared" : var ? "from the environment" : "secrets/ file, git-ignored");
	} else if (!p.failed) {
		dfx_buf_adds(&p.desc, "the Dockerfile declares no such ARG");
	}
	fix = dfx_secretplan_fix(&p, DFX_FIX_UNSAFE, "turn the build arg into a build secret");
	if (fix && d.declared) {
		const struct dfx_dockerfile *df = d.wf->df;
		struct dfx_buf lines = DFX_BUF_INIT;
		size_t n = 0;

		for (size_t i = 0; i < df->ninstrs; i++) {
			const struct dfx_df_instr *in = &df->instrs[i];

			if (!dfx_df_is(in, "ARG"))
				continue;
			for (size_t k = 0; k < in->nkvs; k++)
				if (!strcmp(in->kvs[k].key, a->name))
					n += dfx_dfedit_secret_fix(fix, d.wf->path, df, i, k, false, &lines, NULL, NULL);
		}
		dedupe(fix);
		{
			char *desc = dfx_xasprintf("%s; %s: ARG %s removed%s%s", fix->description, d.wf->path, a->name,
						   n ? ", secret mount on the RUN at line " : "", n ? lines.ptr : "");

			free(fix->description);
			fix->description = desc;
		}
		dfx_buf_release(&lines);
	}
	if (!fix)
		*why = dfx_xstrdup(p.why ? p.why : "the fix cannot edit this entry");
	dfx_secretplan_release(&p);
out:
	free(cdir);
	free(ctxdir);
	free(dfp);
	free(id);
	free(var);
	return fix;
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;

	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_service *svc = &c->services[i];

		if (!svc->build.node)
			continue;
		for (size_t j = 0; j < svc->build.nargs; j++) {
			const struct dfx_compose_env *a = &svc->build.args[j];
			const char *kind = NULL;
			char *why = NULL;
			bool interp = a->value && dfx_compose_is_interpolated(a->value);
			bool byname = dfx_secret_name(a->name) && (!a->value || interp || !dfx_value_is_inert(a->value));
			bool byvalue = !byname && a->value && !interp && dfx_secret_value(a->value, strlen(a->value), &kind);
			struct dfx_finding *f;
			struct dfx_span at = a->list_form ? a->node->span : a->key->span;

			if ((!byname && !byvalue) || (a->from_anchor && seen_before(c, i, a)))
				continue;
			if (byvalue) {
				char *red = dfx_redact(a->value, strlen(a->value));

				f = dfx_emit(ctx, at,
					       "service `%s`: build arg %s is a credential (%s: %s): build args are kept "
					       "in the image history and the build provenance", svc->name, a->name,
					       kind ? kind : "by its form", red);
				free(red);
			} else {
				f = dfx_emit(ctx, at,
					       "service `%s`: build arg %s passes a credential into the build: build args "
					       "are kept in the image history and the build provenance", svc->name, a->name);
			}
			if (!f)
				continue;
			if (a->value && !interp)
				f->secret = a->list_form && !a->span_exact ? a->node->inner : a->value_span;
			f->fix = build_fix(ctx, svc, a, &why);
			if (!f->fix) {
				char *id = dfx_dfedit_secret_id(a->name);

				f->hint = dfx_xasprintf("pass it as a build secret: `build: secrets: [%s]` with a top-level "
							"secret `%s` (environment: %s, or a git-ignored file), and in the "
							"Dockerfile drop `ARG %s` and use `RUN --mount=type=secret,id=%s,env=%s "
							"...` (%s)", id, id, a->name, a->name, id, a->name,
							why ? why : "no automatic fix");
				free(id);
			}
			free(why);
		}
	}
}

const struct dfx_rule dfx_rule_dc107 = {
	.code = "DC107",
	.name = "secret-in-build-args",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A credential is passed to the build as a build arg",
	.what = "Finds `build.args` entries (map or list form) whose name is a credential name (NPM_TOKEN, "
		"GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, ...), whatever the value - a `${VAR}` reference or an "
		"unset entry still hands the secret to the build - or whose literal value is a credential by "
		"its form.",
	.why = "Build arguments are not secret: every `ARG` value used by a step is recorded in the image "
	       "history (`docker history --no-trunc`) and in the build's provenance attestation, which "
	       "anyone who can pull the image can read. BuildKit secrets give a step the value without "
	       "recording it anywhere.",
	.example = "services:\n  app:\n    build:\n      context: .\n      args:\n        NPM_TOKEN: ${NPM_TOKEN}",
	.instead = "services:\n  app:\n    build:\n      context: .\n      secrets:\n        - npm_token\n"
		   "secrets:\n  npm_token:\n    environment: NPM_TOKEN\n"
		   "# Dockerfile\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci",
	.fix_safety = "Unsafe: the build changes. The fix removes the arg, adds `build.secrets: [id]` (id = "
		      "the name lower-cased) and a top-level secret (`environment: VAR` when the arg took a "
		      "variable, else a git-ignored secrets/<id>.txt holding the literal value, mode 0600); in "
		      "the linked Dockerfile it deletes `ARG NAME` (and an `ENV NAME=$NAME` copy) and gives every "
		      "RUN of the stage that expands $NAME `--mount=type=secret,id=<id>,env=NAME`, declaring "
		      "`# syntax=docker/dockerfile:1` (env= needs frontend 1.10). A tool that reads the variable "
		      "without the RUN naming it (an .npmrc with ${NPM_TOKEN}) needs the mount added by hand. "
		      "When the Dockerfile is remote, inline or uses the variable outside RUN, a hint is given.",
	.refs = "BuildKit check SecretsUsedInArgOrEnv; hadolint DL3064; Trivy DS-0031; Compose Specification "
		"build.secrets; Docker docs: Build secrets; CWE-214",
	.check = check,
};
