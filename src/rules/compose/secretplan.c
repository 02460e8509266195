/*
 * secretplan.c - the plan that moves credentials out of a compose file
 * (see secretplan.h), shared by the compose credential rules: a Docker
 * secret read through the image's `NAME_FILE` convention
 * (`NAME_FILE: /run/secrets/S`, the service's `secrets:` grant, the
 * top-level `secrets: S: file:` entry and the file), or `${NAME:?...}`
 * with the value in the git-ignored .env beside the compose file; the
 * .gitignore and .dockerignore entries that keep the new files out of git
 * and out of build contexts.
 *
 * References: Compose Specification 05-services.md (environment, secrets),
 * 09-secrets.md (file and environment secrets), 12-interpolation.md
 * (`${VAR:?err}`); the postgres, mysql, mariadb and mongo images'
 * docker-entrypoint.sh `file_env` (the `_FILE` convention); gitignore(5).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "secretplan.h"
#include "dockfix/dotenv.h"
#include "dockfix/ignore.h"
#include "dockfix/secrets.h"

static bool starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Upper-case variable name valid for Compose interpolation: [A-Z_][A-Z0-9_]*. */
static char *upper_ident(const char *s)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '_')
			dfx_buf_addc(&b, (char)toupper(ch));
		else if (b.len && b.ptr[b.len - 1] != '_')
			dfx_buf_addc(&b, '_');
	}
	while (b.len && b.ptr[b.len - 1] == '_')
		b.ptr[--b.len] = '\0';
	if (!b.len || isdigit((unsigned char)b.ptr[0])) {
		struct dfx_buf c = DFX_BUF_INIT;

		dfx_buf_addf(&c, "SECRET_%s", b.ptr ? b.ptr : "");
		dfx_buf_release(&b);
		return dfx_buf_detach(&c);
	}
	return dfx_buf_detach(&b);
}

/* ---------------------------------------------------------------- .dockerignore */

/* Append to the .dockerignore of every build context of the compose file the listed paths inside it. */
static void dockerignore_fix(struct dfx_workspace *ws, struct dfx_fix *fix, const char *compose_path,
			       const struct dfx_compose *c, const struct dfx_ignore_paths *ig)
{
	char *cdir = dfx_path_dir(compose_path);
	char **done = NULL;
	size_t ndone = 0;

	for (size_t i = 0; i < c->nservices; i++) {
		const struct dfx_compose_build *bd = &c->services[i].build;
		char *ctxdir, *dfp, *di;
		struct dfx_wsfile *df;
		const struct dfx_source *src;
		struct dfx_ignore dig;
		struct dfx_buf lines = DFX_BUF_INIT;
		bool seen = false;

		if (!bd->node || bd->dockerfile_inline || (bd->context && (strstr(bd->context, "://") ||
									   dfx_compose_is_interpolated(bd->context))))
			continue;
		ctxdir = dfx_path_join(cdir, bd->context ? bd->context : ".");
		dfp = dfx_path_join(ctxdir, bd->dockerfile ? bd->dockerfile : "Dockerfile");
		df = dfx_ws_file(ws, dfp);
		di = df->dockerignore ? dfx_xstrdup(df->dockerignore) : dfx_path_join(ctxdir, ".dockerignore");
		for (size_t k = 0; k < ndone && !seen; k++)
			seen = !strcmp(done[k], di);
		if (seen) {
			free(ctxdir);
			free(dfp);
			free(di);
			continue;
		}
		done = dfx_xrealloc(done, (ndone + 1) * sizeof(*done));
		done[ndone++] = dfx_xstrdup(di);
		src = dfx_ws_read(ws, di);
		dfx_ignore_parse(&dig, DFX_IGNORE_DOCKER, src ? src->data : NULL, src ? src->len : 0);
		for (size_t k = 0; k < ig->n; k++) {
			const char *rel = dfx_ignore_rel(ig->paths[k], ctxdir);

			if (!strcmp(ctxdir, ".") ? (rel[0] == '/' || starts_with(rel, "../"))
						 : rel == ig->paths[k])
				continue; /* not inside this build context */
			if (dfx_ignore_match(&dig, rel, ig->dirs[k]))
				continue;
			dfx_buf_addf(&lines, "%s\n", rel);
		}
		if (lines.len) {
			char *text = dfx_ignore_append_text(src, lines.ptr);

			if (src)
				dfx_fix_edit(fix, di, (uint32_t)src->len, (uint32_t)src->len, text);
			else
				dfx_fix_create(fix, di, text, 0, 0644);
			free(text);
		}
		dfx_buf_release(&lines);
		dfx_ignore_release(&dig);
		free(ctxdir);
		free(dfp);
		free(di);
	}
	for (size_t k = 0; k < ndone; k++)
		free(done[k]);
	free(done);
	free(cdir);
}

/* ---------------------------------------------------------------- dotenv */


void dfx_secretplan_init(struct dfx_secretplan *p, struct dfx_ctx *ctx)
{
	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	p->c = ctx->file->compose;
	p->cpath = ctx->file->path;
	p->cdir = dfx_path_dir(p->cpath);
	p->dotenv_path = dfx_path_join(p->cdir, ".env");
	dfx_yaml_edits_init(&p->ed);
	dfx_yaml_edits_init(&p->top);
	p->top_block = -1;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dfx_secretplan_release(struct dfx_secretplan *p)
{
	for (size_t i = 0; i < p->mcap; i++)
		free(p->mentioned[i]);
	free(p->mentioned);
	dfx_yaml_edits_release(&p->ed);
	dfx_yaml_edits_release(&p->top);
	free_strs(p->paths, p->npaths);
	free_strs(p->env_names, p->nenv);
	free_strs(p->env_values, p->nenv);
	free_strs(p->secret_names, p->nsecrets);
	for (size_t i = 0; i < p->ngranted; i++)
		free_strs(p->granted[i].names, p->granted[i].n);
	free(p->granted);
	free_strs(p->files, p->nfiles);
	free_strs(p->texts, p->nfiles);
	free(p->modes);
	dfx_ignore_paths_release(&p->ign);
	dfx_buf_release(&p->notes);
	dfx_buf_release(&p->desc);
	free(p->why);
	free(p->share_name);
	free(p->cdir);
	free(p->dotenv_path);
	memset(p, 0, sizeof(*p));
}

int dfx_secretplan_fail(struct dfx_secretplan *p, const char *fmt, ...)
{
	struct dfx_buf b = DFX_BUF_INIT;
	va_list ap;

	if (p->failed)
		return -1;
	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	p->why = dfx_buf_detach(&b);
	p->failed = true;
	return -1;
}

int dfx_secretplan_yaml(struct dfx_secretplan *p, int rc, struct dfx_yaml_edits *ed)
{
	if (rc < 0)
		return dfx_secretplan_fail(p, "%s", ed->why ? ed->why : "the edit was declined");
	return 0;
}

void dfx_secretplan_path_str(struct dfx_secretplan *p, const char *path)
{
	for (size_t i = 0; i < p->npaths; i++)
		if (!strcmp(p->paths[i], path))
			return;
	DFX_GROW(p->paths, p->npaths + 1, p->pcap);
	p->paths[p->npaths++] = dfx_xstrdup(path);
}

void dfx_secretplan_path(struct dfx_secretplan *p, const struct dfx_yaml_node *n)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_yaml_node_path(n, &b);
	dfx_secretplan_path_str(p, b.ptr);
	dfx_buf_release(&b);
}

static bool secret_name_taken(struct dfx_secretplan *p, const char *name)
{
	char *file;
	bool taken = false;

	for (size_t i = 0; i < p->c->nsecrets; i++)
		if (!strcmp(p->c->secrets[i].name, name))
			return true;
	for (size_t i = 0; i < p->nsecrets; i++)
		if (!strcmp(p->secret_names[i], name))
			return true;
	file = dfx_xasprintf("%s/secrets/%s.txt", p->cdir, name);
	{
		char *clean = dfx_path_clean(file);

		taken = dfx_ws_read(p->ctx->ws, clean) != NULL;
		free(clean);
	}
	free(file);
	return taken;
}

char *dfx_secretplan_secret_name(struct dfx_secretplan *p, const char *service, const char *var)
{
	char *both = dfx_xasprintf("%s_%s", service, var);
	char *base = dfx_credential_ident(both);
	char *name = dfx_xstrdup(base);

	free(both);
	for (unsigned i = 2; secret_name_taken(p, name) && i < 1000; i++) {
		free(name);
		name = dfx_xasprintf("%s_%u", base, i);
	}
	free(base);
	return name;
}

/*
 * Two inserts at one place that each create the same block (`secrets:`
 * with one entry): fold the entries of the later (edit n0, the last of ed)
 * into the earlier (edit block) and drop the later.
 */
static int merge_block(struct dfx_secretplan *p, struct dfx_yaml_edits *ed, size_t block, size_t n0)
{
	const char *eol = dfx_yaml_layout_of(p->c->yaml)->eol;
	struct dfx_yaml_edit *nw = &ed->v[n0], *blk = &ed->v[block];
	const char *tail;
	struct dfx_buf b = DFX_BUF_INIT;

	if (ed->n != n0 + 1 || nw->start != blk->start || nw->end != blk->end || nw->start != nw->end)
		return dfx_secretplan_fail(p, "cannot merge the new `secrets:` entries");
	tail = strstr(nw->text, "secrets:");
	if (tail) {
		tail = strchr(tail, '\n');
		tail = tail ? tail + 1 : "";
	} else {
		tail = nw->text;
	}
	dfx_buf_adds(&b, blk->text);
	if (b.len && b.ptr[b.len - 1] != '\n' && tail[0] != '\n' && tail[0] != '\r')
		dfx_buf_adds(&b, eol);
	dfx_buf_adds(&b, tail);
	free(blk->text);
	blk->text = dfx_buf_detach(&b);
	free(nw->text);
	ed->n = n0;
	return 0;
}

/*
 * Several secrets declared by one plan where the file has no top-level
 * `secrets:` mapping yet (or an empty one): the helper would create the
 * block each time. Keep the first block and move the entries of the later
 * ones into it (edit n0 is the one just added).
 */
static int top_merge(struct dfx_secretplan *p, size_t n0)
{
	const struct dfx_yaml_node *sec = p->c->secrets_ref.node;

	if (p->c->secrets_ref.key && !(sec && sec->type == DFX_YAML_SCALAR && dfx_yaml_is_null(sec)))
		return 0; /* entries go after the existing ones: separate inserts are fine */
	if (p->top.n != n0 + 1)
		return dfx_secretplan_fail(p, "unexpected top-level secrets edit");
	if (p->top_block < 0) {
		p->top_block = (long)n0;
		return 0;
	}
	return merge_block(p, &p->top, (size_t)p->top_block, n0);
}

const char *dfx_secretplan_secret(struct dfx_secretplan *p, const char *name, const char *content,
				 unsigned mode)
{
	char *file = dfx_xasprintf("./secrets/%s.txt", name);
	char *path = dfx_path_join(p->cdir, file);
	char *secdir = dfx_path_join(p->cdir, "secrets");
	int rc;

	if (p->failed)
		goto out;
	{
		size_t n0 = p->top.n;

		rc = dfx_compose_edit_declare_secret(p->c, name, file, &p->top);
		if (rc < 0) {
			dfx_secretplan_fail(p, "%s", p->top.why ? p->top.why : "cannot declare the secret");
			goto out;
		}
		if (rc == 0 && top_merge(p, n0) < 0)
			goto out;
	}
	dfx_secretplan_path_str(p, "/secrets");
	DFX_GROW(p->secret_names, p->nsecrets + 1, p->scap);
	p->secret_names[p->nsecrets++] = dfx_xasprintf("%s", name);
	if (p->nfiles + 1 > p->fcap) {
		p->fcap = p->fcap ? p->fcap * 2 : 4;
		p->files = dfx_xrealloc(p->files, p->fcap * sizeof(*p->files));
		p->texts = dfx_xrealloc(p->texts, p->fcap * sizeof(*p->texts));
		p->modes = dfx_xrealloc(p->modes, p->fcap * sizeof(*p->modes));
	}
	p->files[p->nfiles] = path;
	p->texts[p->nfiles] = dfx_xstrdup(content);
	p->modes[p->nfiles++] = mode;
	path = NULL;
	dfx_ignore_paths_add(&p->ign, secdir, true);
out:
	free(file);
	free(path);
	free(secdir);
	return p->failed ? NULL : p->secret_names[p->nsecrets - 1];
}

/*
 * A service of another file that extends svc (`extends: {file:}`): Compose
 * copies svc into that file's project, but not this file's top-level
 * `secrets:`, and interpolates it with that project's .env. *file is the
 * extender's file; NULL when none is in the run.
 */
static const struct dfx_compose_service *extended_from(struct dfx_secretplan *p, const struct dfx_compose_service *svc,
						       const char **file)
{
	return dfx_rule_extender(p->ctx, svc->name, 0, file);
}

int dfx_secretplan_grant(struct dfx_secretplan *p, const struct dfx_compose_service *svc, const char *name)
{
	struct dfx_secretplan_grant *g = NULL;
	const struct dfx_yaml_node *cur = svc->secrets_ref.node;
	const struct dfx_compose_service *x;
	const char *xfile;
	struct dfx_buf b = DFX_BUF_INIT;
	size_t n0 = p->ed.n;
	int rc;

	if (p->failed)
		return -1;
	if ((x = extended_from(p, svc, &xfile)) != NULL)
		return dfx_secretplan_fail(p, "service `%s` is extended by `%s` of %s, which does not get this file's "
					      "top-level secrets", svc->name, x->name, xfile);
	for (size_t i = 0; i < p->ngranted && !g; i++)
		if (p->granted[i].svc == svc->node)
			g = &p->granted[i];
	for (size_t i = 0; g && i < g->n; i++)
		if (!strcmp(g->names[i], name))
			return 0;
	rc = dfx_compose_edit_grant_secret(p->c, svc, name, &p->ed);
	if (rc < 0)
		return dfx_secretplan_fail(p, "%s", p->ed.why ? p->ed.why : "cannot grant the secret");
	if (!g) {
		DFX_GROW(p->granted, p->ngranted + 1, p->gcap);
		g = &p->granted[p->ngranted++];
		memset(g, 0, sizeof(*g));
		g->svc = svc->node;
		g->block = -1;
		/* no list yet: this edit creates `secrets:` (or fills an empty one) */
		if (rc == 0 && (!svc->secrets_ref.key || (cur && cur->type == DFX_YAML_SCALAR && dfx_yaml_is_null(cur))))
			g->block = (long)n0;
	} else if (rc == 0 && g->block >= 0 && merge_block(p, &p->ed, (size_t)g->block, n0) < 0) {
		return -1;
	}
	g->names = dfx_xrealloc(g->names, (g->n + 1) * sizeof(*g->names));
	g->names[g->n++] = dfx_xstrdup(name);
	dfx_yaml_node_path(svc->key, &b);
	dfx_buf_adds(&b, "/secrets");
	dfx_secretplan_path_str(p, b.ptr);
	dfx_buf_release(&b);
	return 0;
}

int dfx_secretplan_env_rewrite(struct dfx_secretplan *p, const struct dfx_compose_env *e, const char *newname,
			 const char *newvalue)
{
	struct dfx_yaml *t = p->c->yaml;
	int rc;

	if (p->failed)
		return -1;
	if (!e->list_form) {
		const struct dfx_yaml_node *par = e->key->parent;
		const struct dfx_yaml_node *val = par->pairs[e->key->index].value;

		if (val->type == DFX_YAML_ALIAS)
			return dfx_secretplan_fail(p, "the value is an alias: its anchor holds the password");
		if (newname && strcmp(newname, e->name)) {
			rc = dfx_yaml_edit_rename_key(t, e->key, newname, &p->ed);
			if (rc < 0)
				return dfx_secretplan_yaml(p, rc, &p->ed);
		}
		rc = dfx_yaml_edit_replace_scalar(t, val, newvalue, &p->ed);
		if (rc < 0)
			return dfx_secretplan_yaml(p, rc, &p->ed);
		dfx_secretplan_path(p, par);
		return 0;
	} else {
		char *item = dfx_xasprintf("%s=%s", newname ? newname : e->name, newvalue);

		rc = dfx_yaml_edit_replace_scalar(t, e->node, item, &p->ed);
		free(item);
		if (rc < 0)
			return dfx_secretplan_yaml(p, rc, &p->ed);
		dfx_secretplan_path(p, e->node->parent ? e->node->parent : e->node);
		return 0;
	}
}

#define ENV_PLACEHOLDER "dfxenvplaceholder"

int dfx_secretplan_env_secret(struct dfx_secretplan *p, const char *name, const char *var)
{
	size_t before = p->top.n;
	int rc;

	if (p->failed)
		return -1;
	rc = dfx_compose_edit_declare_secret(p->c, name, ENV_PLACEHOLDER, &p->top);
	if (rc < 0)
		return dfx_secretplan_yaml(p, rc, &p->top);
	/* the helper writes `file: X`: make it `environment: VAR` */
	for (size_t i = before; i < p->top.n; i++) {
		char *at = strstr(p->top.v[i].text, "file: " ENV_PLACEHOLDER);

		if (at) {
			struct dfx_buf b = DFX_BUF_INIT;

			dfx_buf_add(&b, p->top.v[i].text, (size_t)(at - p->top.v[i].text));
			dfx_buf_adds(&b, "environment: ");
			dfx_yaml_render_scalar(p->c->yaml, var, false, &b);
			dfx_buf_adds(&b, at + strlen("file: " ENV_PLACEHOLDER));
			free(p->top.v[i].text);
			p->top.v[i].text = dfx_buf_detach(&b);
		}
	}
	if (rc == 0 && top_merge(p, before) < 0)
		return -1;
	dfx_secretplan_path_str(p, "/secrets");
	DFX_GROW(p->secret_names, p->nsecrets + 1, p->scap);
	p->secret_names[p->nsecrets++] = dfx_xstrdup(name);
	return 0;
}

static bool text_uses_var(const char *s, size_t n, const char *name);

/*
 * Whether a scalar of the file other than `skip` references $var in another
 * way than `same` (a whole `${VAR:-default}` text; NULL: any reference
 * counts): another default, or none, would change meaning once .env sets VAR.
 */
static bool other_refs(const struct dfx_yaml_node *n, const char *var, const char *same,
		       bool required_ok, const struct dfx_yaml_node *skip, unsigned depth);

/* other_refs over every document of the file. */
static bool other_refs_all(const struct dfx_compose *c, const char *var, const char *same, bool required_ok,
			   const struct dfx_yaml_node *skip)
{
	for (size_t d = 0; d < c->yaml->ndocs; d++)
		if (other_refs(c->yaml->docs[d], var, same, required_ok, skip, 0))
			return true;
	return false;
}

static bool other_refs(const struct dfx_yaml_node *n, const char *var, const char *same,
		       bool required_ok, const struct dfx_yaml_node *skip, unsigned depth)
{
	size_t vl = strlen(var);

	if (!n || depth > DFX_YAML_MAX_DEPTH || n == skip || n->type == DFX_YAML_ALIAS)
		return false;
	if (n->type == DFX_YAML_SCALAR) {
		if (!n->value || !text_uses_var(n->value, n->vlen, var))
			return false;
		if (!same)
			return true;
		for (const char *p = strchr(n->value, '$'); p; p = strchr(p + 1, '$')) {
			const char *b = p + 1;

			if (*b == '$') { /* `$$` is a literal dollar */
				p++;
				continue;
			}
			if (*b == '{')
				b++;
			if (strncmp(b, var, vl) || isalnum((unsigned char)b[vl]) || b[vl] == '_')
				continue;
			if (p[1] != '{')
				return true; /* $VAR: no default */
			{
				const char *close = strchr(p, '}');
				size_t len = close ? (size_t)(close - p + 1) : 0;

				bool required = b[vl] == '?' || (b[vl] == ':' && b[vl + 1] == '?');

				if (required && required_ok)
					continue; /* ${VAR:?...}: .env already gives it the same value */
				if (!close || len != strlen(same) || strncmp(p, same, len))
					return true;
			}
		}
		return false;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *c = n->type == DFX_YAML_MAPPING ? n->pairs[i].value : n->items[i];

		if (other_refs(c, var, same, required_ok, skip, depth + 1))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- mentions */

static size_t name_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 32));
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void mention_add(struct dfx_secretplan *p, const char *s, size_t n, size_t *count)
{
	size_t m, h;

	if (2 * (*count + 1) > p->mcap) {
		size_t cap = p->mcap ? 2 * p->mcap : 64;
		char **v = dfx_xcalloc(cap, sizeof(*v));

		for (size_t i = 0; i < p->mcap; i++)
			if (p->mentioned[i]) {
				for (h = name_hash(p->mentioned[i], strlen(p->mentioned[i])) & (cap - 1); v[h];
				     h = (h + 1) & (cap - 1))
					;
				v[h] = p->mentioned[i];
			}
		free(p->mentioned);
		p->mentioned = v;
		p->mcap = cap;
	}
	m = p->mcap - 1;
	for (h = name_hash(s, n) & m; p->mentioned[h]; h = (h + 1) & m)
		if (strlen(p->mentioned[h]) == n && !strncmp(p->mentioned[h], s, n))
			return;
	p->mentioned[h] = dfx_xstrndup(s, n);
	(*count)++;
}

/* Every name a scalar that other_refs() can visit references the way text_uses_var() reads it. */
static void mentions_collect(struct dfx_secretplan *p, const struct dfx_yaml_node *n, unsigned depth,
			     size_t *count)
{
	if (!n || depth > DFX_YAML_MAX_DEPTH || n->type == DFX_YAML_ALIAS)
		return;
	if (n->type == DFX_YAML_SCALAR) {
		for (size_t i = 0; n->value && i < n->vlen; i++) {
			size_t j = i + 1, k;

			if (n->value[i] != '$')
				continue;
			if (j < n->vlen && n->value[j] == '$')
				j++;
			if (j < n->vlen && n->value[j] == '{')
				j++;
			for (k = j; k < n->vlen && ident_char(n->value[k]); k++)
				;
			if (k > j)
				mention_add(p, n->value + j, k - j, count);
		}
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		mentions_collect(p, n->type == DFX_YAML_MAPPING ? n->pairs[i].value : n->items[i], depth + 1, count);
}

/* Whether some scalar of the file may reference $var (false: other_refs() is false for it). */
static bool mentioned(struct dfx_secretplan *p, const char *var)
{
	size_t n = strlen(var), m;

	for (size_t i = 0; i < n; i++)
		if (!ident_char(var[i]))
			return true; /* not a name the set holds: walk */
	if (!p->mcap) {
		size_t count = 0;

		mention_add(p, "", 0, &count); /* allocates the set; "" is never asked for */
		for (size_t d = 0; d < p->c->yaml->ndocs; d++)
			mentions_collect(p, p->c->yaml->docs[d], 0, &count);
	}
	m = p->mcap - 1;
	for (size_t h = name_hash(var, n) & m; p->mentioned[h]; h = (h + 1) & m)
		if (!strcmp(p->mentioned[h], var))
			return true;
	return false;
}

/* The value .env (or this plan) gives `var`, or NULL. */
static char *planned_env(struct dfx_secretplan *p, const char *var, bool *in_plan)
{
	const struct dfx_source *s;

	*in_plan = false;
	for (size_t i = 0; i < p->nenv; i++)
		if (!strcmp(p->env_names[i], var)) {
			*in_plan = true;
			return dfx_xstrdup(p->env_values[i]);
		}
	s = dfx_ws_read(p->ctx->ws, p->dotenv_path);
	return s ? dfx_dotenv_get(s->data, s->len, var) : NULL;
}

int dfx_secretplan_to_dotenv(struct dfx_secretplan *p, const struct dfx_compose_service *svc,
		       const struct dfx_compose_env *e, const char *value)
{
	char *var = upper_ident(e->name), *ref, *line;
	bool in_plan = false, have = false;
	const struct dfx_compose_service *x;
	const char *xfile;

	if (p->failed) {
		free(var);
		return -1;
	}
	if ((x = extended_from(p, svc, &xfile)) != NULL) {
		char *xdir = dfx_path_dir(xfile);
		bool same = !strcmp(xdir, p->cdir);

		free(xdir);
		if (!same) {
			free(var);
			return dfx_secretplan_fail(p, "service `%s` is extended by `%s` of %s, which interpolates with "
						      "the .env of its own folder", svc->name, x->name, xfile);
		}
	}
	for (unsigned i = 1; i < 100; i++) {
		char *cur = planned_env(p, var, &in_plan);
		/* a name the file itself interpolates elsewhere would change meaning there */
		bool used = mentioned(p, var) && other_refs_all(p->c, var, NULL, false, e->node);

		if (!used && (!cur || !strcmp(cur, value))) {
			have = cur != NULL;
			free(cur);
			break;
		}
		free(cur);
		free(var);
		if (i == 1) {
			char *both = dfx_xasprintf("%s_%s", svc->name, e->name);
			var = upper_ident(both);
			free(both);
		} else {
			char *both = dfx_xasprintf("%s_%s_%u", svc->name, e->name, i);
			var = upper_ident(both);
			free(both);
		}
	}
	line = dfx_dotenv_line(var, value);
	if (!line) {
		free(var);
		return dfx_secretplan_fail(p, "the value cannot be written to a .env file as it is");
	}
	ref = dfx_xasprintf("${%s:?set %s in .env}", var, var);
	if (dfx_secretplan_env_rewrite(p, e, NULL, ref) == 0) {
		if (!have) {
			if (p->nenv + 1 > p->ecap) {
				p->ecap = p->ecap ? p->ecap * 2 : 4;
				p->env_names = dfx_xrealloc(p->env_names, p->ecap * sizeof(*p->env_names));
				p->env_values = dfx_xrealloc(p->env_values, p->ecap * sizeof(*p->env_values));
			}
			p->env_names[p->nenv] = dfx_xstrdup(var);
			p->env_values[p->nenv++] = dfx_xstrdup(value);
		}
		dfx_ignore_paths_add(&p->ign, p->dotenv_path, false);
		dfx_buf_addf(&p->desc, "%s%s -> ${%s:?...} with %s in %s", p->desc.len ? "; " : "", e->name, var,
			     var, p->dotenv_path);
	}
	free(line);
	free(ref);
	free(var);
	(void)in_plan;
	return p->failed ? -1 : 0;
}

/* Does scalar text `s` use $NAME, ${NAME...}, $$NAME or $${NAME...}? */
static bool text_uses_var(const char *s, size_t n, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (s[i] != '$')
			continue;
		j = i + 1;
		if (j < n && s[j] == '$')
			j++;
		if (j < n && s[j] == '{')
			j++;
		if (j + nl <= n && !strncmp(s + j, name, nl) &&
		    (j + nl == n || !(isalnum((unsigned char)s[j + nl]) || s[j + nl] == '_')))
			return true;
	}
	return false;
}

static bool node_uses_var(const struct dfx_yaml_node *n, const char *name, unsigned depth)
{
	if (!n || depth > DFX_YAML_MAX_DEPTH)
		return false;
	n = dfx_yaml_resolve(n);
	if (!n)
		return false;
	if (n->type == DFX_YAML_SCALAR)
		return n->value && text_uses_var(n->value, n->vlen, name);
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == DFX_YAML_MAPPING) {
			if (node_uses_var(n->pairs[i].value, name, depth + 1))
				return true;
		} else if (n->type == DFX_YAML_SEQUENCE && node_uses_var(n->items[i], name, depth + 1)) {
			return true;
		}
	}
	return false;
}

static bool service_uses_var(const struct dfx_compose_service *svc, const char *name)
{
	const struct dfx_yaml_ref *refs[] = {&svc->command, &svc->entrypoint, &svc->healthcheck, &svc->labels};

	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (refs[i]->node && node_uses_var(refs[i]->node, name, 0))
			return true;
	for (size_t i = 0; i < svc->nenv; i++)
		if (svc->env[i].value && text_uses_var(svc->env[i].value, strlen(svc->env[i].value), name))
			return true;
	return false;
}

/*
 * Images whose process reads a _FILE secret as a non-root user: mongo's
 * entrypoint reads MONGO_INITDB_ROOT_PASSWORD_FILE after dropping to uid
 * 999 (docker-library/mongo docker-entrypoint.sh: file_env runs after the
 * gosu re-exec); wordpress and nextcloud read it from PHP as www-data;
 * grafana runs as 472 (image docs and entrypoints of each).
 */
static const char *const nonroot_readers[] = {
	"mongo", "wordpress", "nextcloud", "grafana", "grafana-oss", "grafana-enterprise", "minio",
	"elasticsearch", "phpmyadmin", "odoo", "yourls", "joomla", "redmine", NULL,
};

unsigned dfx_secretplan_secret_mode(const struct dfx_compose_service *svc, const char **reason)
{
	struct dfx_imageref ref;
	const char *u = svc->user.node ? dfx_yaml_str(svc->user.node) : NULL;
	unsigned mode = 0600;

	*reason = NULL;
	if (u && *u && strcmp(u, "root") && strcmp(u, "0") && !starts_with(u, "root:") && !starts_with(u, "0:")) {
		*reason = "the service sets `user:` to a non-root user";
		return 0644;
	}
	if (dfx_credential_image(svc, &ref)) {
		if (dfx_image_nonroot(&ref)) {
			*reason = "the image runs as a non-root user";
			mode = 0644;
		}
		for (size_t i = 0; mode == 0600 && nonroot_readers[i]; i++)
			if (ref.base && !strcmp(ref.base, nonroot_readers[i])) {
				*reason = "the image reads it as a non-root user";
				mode = 0644;
			}
		dfx_image_release(&ref);
	}
	return mode;
}

int dfx_secretplan_move(struct dfx_secretplan *p, const struct dfx_cred_site *s, const char *value)
{
	const struct dfx_compose_env *e = s->env;
	char *filevar = NULL;
	bool file_route = true;
	unsigned mode = 0600;
	const char *reason = NULL;

	if (p->failed)
		return -1;
	if (!s->editable)
		return dfx_secretplan_fail(p, "%s", s->no_edit);
	for (size_t i = 0; i < s->nsvcs && file_route; i++) {
		struct dfx_imageref ref;
		char *fv = NULL;
		const char *why = NULL;
		unsigned m;

		if (dfx_credential_image(s->svcs[i], &ref)) {
			fv = dfx_image_file_var(&ref, s->name);
			dfx_image_release(&ref);
		}
		if (!fv || (filevar && strcmp(fv, filevar)) || service_uses_var(s->svcs[i], s->name) ||
		    s->svcs[i]->secrets_ref.from_anchor || extended_from(p, s->svcs[i], NULL)) {
			file_route = false;
			free(fv);
			break;
		}
		for (size_t k = 0; k < s->svcs[i]->nenv; k++)
			if (!strcmp(s->svcs[i]->env[k].name, fv))
				file_route = false;
		m = dfx_secretplan_secret_mode(s->svcs[i], &why);
		if (m > mode) {
			mode = m;
			reason = why;
		}
		if (!filevar)
			filevar = fv;
		else
			free(fv);
	}
	if (!file_route) {
		free(filevar);
		return dfx_secretplan_to_dotenv(p, s->svcs[0], e, value);
	}
	{
		char *name;
		const char *sec;
		char *target;

		if (p->share && p->share_name) {
			/* one secret for the whole group: the same new value */
			name = dfx_xstrdup(p->share_name);
			sec = name;
			if (mode > p->modes[p->share_file]) {
				p->modes[p->share_file] = mode;
				dfx_buf_addf(&p->notes, ". secrets/%s.txt is created mode 0644 because %s and must "
					     "read it (Compose mounts file secrets with the host file's mode, ignoring uid, gid and "
					     "mode; 0644 also lets every user of the host read it: keep secrets/ mode 0700, "
					     "or chown the file to that uid and make it 0600)",
					     name, reason);
			}
			mode = 0;
		} else {
			name = dfx_secretplan_secret_name(p, s->svcs[0]->name, s->name);
			sec = dfx_secretplan_secret(p, name, value, mode);
			if (sec && p->share) {
				free(p->share_name);
				p->share_name = dfx_xstrdup(name);
				p->share_file = p->nfiles - 1;
			}
		}
		target = dfx_xasprintf("/run/secrets/%s", name);

		for (size_t i = 0; sec && i < s->nsvcs; i++)
			dfx_secretplan_grant(p, s->svcs[i], name);
		if (!p->failed)
			dfx_secretplan_env_rewrite(p, e, filevar, target);
		if (!p->failed && !mode) {
			dfx_buf_addf(&p->desc, "%s%s -> %s: %s (the same secret)", p->desc.len ? "; " : "", e->name,
				     filevar, target);
		} else if (!p->failed) {
			dfx_buf_addf(&p->desc, "%s%s -> %s: %s (Docker secret %s, file secrets/%s.txt%s)",
				     p->desc.len ? "; " : "", e->name, filevar, target, name, name,
				     mode == 0644 ? ", mode 0644" : "");
			if (mode == 0644)
				dfx_buf_addf(&p->notes, ". secrets/%s.txt is created mode 0644 because %s and must "
					     "read it (Compose mounts file secrets with the host file's mode, ignoring uid, gid and "
					     "mode; 0644 also lets every user of the host read it: keep secrets/ mode 0700, "
					     "or chown the file to that uid and make it 0600)",
					     name, reason);
		}
		free(target);
		free(name);
	}
	free(filevar);
	return p->failed ? -1 : 0;
}


int dfx_secretplan_default_to_dotenv(struct dfx_secretplan *p, const struct dfx_cred_site *s)
{
	char *var = dfx_credential_ref_var(s->value), *ref, *cur;
	bool in_plan;

	if (p->failed)
		goto out;
	if (!var || !s->dflt) {
		dfx_secretplan_fail(p, "the value is not a single ${VAR:-default} reference");
		goto out;
	}
	if (!s->editable) {
		dfx_secretplan_fail(p, "%s", s->no_edit);
		goto out;
	}
	cur = planned_env(p, var, &in_plan);
	if (mentioned(p, var) && other_refs_all(p->c, var, s->value, cur && !strcmp(cur, s->dflt), s->env->node)) {
		dfx_secretplan_fail(p, "%s is also used elsewhere in the file with another default or none", var);
		free(cur);
		goto out;
	}
	if (!cur) {
		char *line = dfx_dotenv_line(var, s->dflt);

		if (!line) {
			dfx_secretplan_fail(p, "the default cannot be written to a .env file as it is");
			goto out;
		}
		free(line);
	}
	ref = dfx_xasprintf("${%s:?set %s in .env}", var, var);
	if (dfx_secretplan_env_rewrite(p, s->env, NULL, ref) == 0) {
		if (!cur) {
			if (p->nenv + 1 > p->ecap) {
				p->ecap = p->ecap ? p->ecap * 2 : 4;
				p->env_names = dfx_xrealloc(p->env_names, p->ecap * sizeof(*p->env_names));
				p->env_values = dfx_xrealloc(p->env_values, p->ecap * sizeof(*p->env_values));
			}
			p->env_names[p->nenv] = dfx_xstrdup(var);
			p->env_values[p->nenv++] = dfx_xstrdup(s->dflt);
			dfx_buf_addf(&p->desc, "%sthe default of %s moves to %s (%s=...), the value becomes ${%s:?...}",
				     p->desc.len ? "; " : "", s->name, p->dotenv_path, var, var);
		} else {
			dfx_buf_addf(&p->desc, "%sdrop the default of %s (%s already sets %s): ${%s:?...}",
				     p->desc.len ? "; " : "", s->name, p->dotenv_path, var, var);
		}
		dfx_ignore_paths_add(&p->ign, p->dotenv_path, false);
	}
	free(ref);
	free(cur);
out:
	free(var);
	return p->failed ? -1 : 0;
}

struct dfx_fix *dfx_secretplan_fix(struct dfx_secretplan *p, enum dfx_applicability a, const char *what)
{
	struct dfx_fix *fix;
	struct dfx_buf desc = DFX_BUF_INIT, ign = DFX_BUF_INIT;

	if (p->failed || (!p->ed.n && !p->top.n && !p->nfiles && !p->nenv))
		return NULL;
	fix = dfx_fix_new(a, "x");
	dfx_yaml_edits_to_fix(&p->ed, fix, p->cpath);
	dfx_yaml_edits_to_fix(&p->top, fix, p->cpath);
	for (size_t i = 0; i < p->npaths; i++)
		dfx_fix_path(fix, p->paths[i]);
	for (size_t i = 0; i < p->nfiles; i++)
		dfx_fix_create(fix, p->files[i], p->texts[i], DFX_EDIT_SECRET, p->modes[i]);
	if (p->nenv) {
		const struct dfx_source *s = dfx_ws_read(p->ctx->ws, p->dotenv_path);
		struct dfx_buf lines = DFX_BUF_INIT;

		for (size_t i = 0; i < p->nenv; i++) {
			char *line = dfx_dotenv_line(p->env_names[i], p->env_values[i]);

			dfx_buf_addf(&lines, "%s\n", line);
			free(line);
		}
		if (s) {
			char *text = dfx_ignore_append_text(s, lines.ptr);

			dfx_fix_edit(fix, p->dotenv_path, (uint32_t)s->len, (uint32_t)s->len, text);
			fix->edits[fix->nedits - 1].flags |= DFX_EDIT_SECRET;
			free(text);
		} else {
			dfx_fix_create(fix, p->dotenv_path, lines.ptr, DFX_EDIT_SECRET, 0600);
		}
		dfx_buf_release(&lines);
	}
	{
		struct dfx_ignore_files files = dfx_secretplan_files(p->ctx);

		dfx_ignore_git_fix(&files, fix, &p->ign, p->cdir, &ign);
	}
	dockerignore_fix(p->ctx->ws, fix, p->cpath, p->c, &p->ign);
	dfx_buf_addf(&desc, "%s%s%s", what, p->desc.len ? ": " : "", p->desc.len ? p->desc.ptr : "");
	if (ign.len)
		dfx_buf_addf(&desc, "; git-ignore %s", ign.ptr);
	free(fix->description);
	fix->description = dfx_buf_detach(&desc);
	dfx_buf_release(&ign);
	return fix;
}


void dfx_secretplan_group(struct dfx_ctx *ctx, const size_t *idx, size_t n, struct dfx_fix *fix)
{
	struct dfx_finding *first;
	char *d;

	if (n < 2 || !fix) {
		dfx_fix_free(fix);
		return;
	}
	first = &ctx->out->v[idx[0]];
	for (size_t i = 1; i < n; i++)
		if (ctx->out->v[idx[i]].span.start < first->span.start)
			first = &ctx->out->v[idx[i]];
	d = dfx_xasprintf("%s (the %zu findings of %s in this file at once)", fix->description, n,
			  first->rule->code);
	free(fix->description);
	fix->description = d;
	fix->applicability = first->fix ? first->fix->applicability : fix->applicability;
	fix->group = 1;
	dfx_fix_free(first->fix);
	first->fix = fix;
	/* the others keep their descriptions; the first carries every edit */
	for (size_t i = 0; i < n; i++) {
		struct dfx_fix *m = ctx->out->v[idx[i]].fix;

		if (!m || m == fix)
			continue;
		for (size_t k = 0; k < m->nedits; k++) {
			free(m->edits[k].path);
			free(m->edits[k].text);
		}
		for (size_t k = 0; k < m->npaths; k++)
			free(m->paths[k]);
		m->nedits = m->npaths = 0;
		m->group = 1;
	}
}

static const struct dfx_source *ws_read(void *ws, const char *path)
{
	return dfx_ws_read(ws, path);
}

struct dfx_ignore_files dfx_secretplan_files(struct dfx_ctx *ctx)
{
	return (struct dfx_ignore_files){ws_read, ctx->ws};
}
