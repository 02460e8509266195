/*
 * check.c - the workspace (every file a run reads, checks or fixes, with its
 * bytes on disk and after fixes), configuration lookups, and the driver that
 * runs every enabled rule over every target file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/check.h"
#include "dockfix/compose.h"
#include "dockfix/dockerfile.h"

/* ------------------------------------------------------------------ config */

void dfx_config_init(struct dfx_config *c)
{
	memset(c, 0, sizeof(*c));
	c->fail_on = DFX_SEV_LOW;
	c->as_of = 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dfx_config_release(struct dfx_config *c)
{
	free(c->path);
	free_strv(c->ignore, c->nignore);
	free_strv(c->select, c->nselect);
	free_strv(c->trusted, c->ntrusted);
	for (size_t i = 0; i < c->nsevs; i++)
		free(c->sevs[i].code);
	free(c->sevs);
	memset(c, 0, sizeof(*c));
}

/* A code matches a selector equal to it, or a prefix selector ("DF1", "DC"). */
static bool code_matches(char *const *v, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(code, v[i], strlen(v[i])) == 0)
			return true;
	return false;
}

bool dfx_config_enabled(const struct dfx_config *c, const char *code)
{
	if (!c)
		return true;
	if (c->nselect && !code_matches(c->select, c->nselect, code))
		return false;
	return !code_matches(c->ignore, c->nignore, code);
}

enum dfx_severity dfx_config_severity(const struct dfx_config *c, const struct dfx_rule *r)
{
	for (size_t i = 0; c && i < c->nsevs; i++)
		if (strcmp(c->sevs[i].code, r->code) == 0)
			return c->sevs[i].severity;
	return r->severity;
}

/* ------------------------------------------------------------------ paths */

char *dfx_path_clean(const char *path)
{
	struct dfx_buf out = DFX_BUF_INIT;
	size_t *marks = NULL, nmarks = 0, cap = 0;
	bool abs = path[0] == '/';
	const char *p = path;

	if (abs)
		dfx_buf_addc(&out, '/');
	while (*p) {
		const char *s = p;
		size_t n;

		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		while (*p == '/')
			p++;
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.' && nmarks) {
			out.len = marks[--nmarks];
			out.ptr[out.len] = '\0';
			continue;
		}
		if (n == 2 && s[0] == '.' && s[1] == '.' && abs)
			continue;
		DFX_GROW(marks, nmarks + 1, cap);
		marks[nmarks++] = out.len;
		if (out.len && out.ptr[out.len - 1] != '/')
			dfx_buf_addc(&out, '/');
		if (n == 2 && s[0] == '.' && s[1] == '.')
			nmarks--; /* ".." that cannot be folded stays for good */
		dfx_buf_add(&out, s, n);
	}
	free(marks);
	if (!out.len)
		dfx_buf_addc(&out, '.');
	return dfx_buf_detach(&out);
}

char *dfx_path_join(const char *dir, const char *name)
{
	char *j, *c;

	if (name[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
		return dfx_path_clean(name);
	j = dfx_xasprintf("%s/%s", dir, name);
	c = dfx_path_clean(j);
	free(j);
	return c;
}

char *dfx_path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return dfx_xstrdup(".");
	if (slash == path)
		return dfx_xstrdup("/");
	return dfx_xstrndup(path, (size_t)(slash - path));
}

/* ------------------------------------------------------------------ workspace */

void dfx_ws_init(struct dfx_workspace *ws, struct dfx_config *config)
{
	memset(ws, 0, sizeof(*ws));
	ws->config = config;
}

static void drop_trees(struct dfx_wsfile *f)
{
	dfx_dockerfile_free(f->df);
	f->df = NULL;
	dfx_compose_free(f->compose);
	f->compose = NULL;
}

void dfx_ws_release(struct dfx_workspace *ws)
{
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];

		drop_trees(f);
		dfx_source_release(&f->orig);
		dfx_source_release(&f->cur);
		dfx_error_release(&f->err);
		free(f->path);
		free(f->context);
		free(f->dockerignore);
		free(f->deps);
		free(f);
	}
	free(ws->files);
	memset(ws, 0, sizeof(*ws));
}

static struct dfx_wsfile *find(struct dfx_workspace *ws, const char *clean)
{
	for (size_t i = 0; i < ws->n; i++)
		if (strcmp(ws->files[i]->path, clean) == 0)
			return ws->files[i];
	return NULL;
}

/* An absolute path as a path relative to the current directory ("../x"). */
static char *relative_to_cwd(char *abs)
{
	char *cwd = getcwd(NULL, 0), *c, *rel;
	struct dfx_buf b = DFX_BUF_INIT;
	size_t common = 0, i;

	if (!cwd)
		return abs;
	c = dfx_path_clean(cwd);
	free(cwd);
	/* longest common prefix on whole segments */
	for (i = 0; c[i] && abs[i] && c[i] == abs[i]; i++)
		if (c[i] == '/')
			common = i;
	if (!c[i] && (abs[i] == '/' || !abs[i]))
		common = i;
	else if (!abs[i] && c[i] == '/')
		common = i;
	for (const char *p = c + common; *p; p++)
		if (*p == '/' && (p == c + common || p[-1] != '/'))
			dfx_buf_adds(&b, "../");
	if (common == 0 && strcmp(c, "/") == 0)
		b.len = 0;
	dfx_buf_adds(&b, abs[common] == '/' ? abs + common + 1 : abs + common);
	rel = dfx_path_clean(b.len ? b.ptr : ".");
	dfx_buf_release(&b);
	free(c);
	free(abs);
	return rel;
}

/* Remember that the target being checked read `f`. */
static struct dfx_wsfile *note_dep(struct dfx_workspace *ws, struct dfx_wsfile *f)
{
	struct dfx_wsfile *t = ws->checking;

	if (!t || t == f)
		return f;
	for (size_t i = 0; i < t->ndeps; i++)
		if (t->deps[i] == f)
			return f;
	DFX_GROW(t->deps, t->ndeps + 1, t->depcap);
	t->deps[t->ndeps++] = f;
	return f;
}

struct dfx_wsfile *dfx_ws_file(struct dfx_workspace *ws, const char *path)
{
	char *clean = dfx_path_clean(path);
	struct dfx_wsfile *f = find(ws, clean);
	struct stat st;

	if (clean[0] == '/') {
		clean = relative_to_cwd(clean);
		f = find(ws, clean);
	}
	if (f) {
		free(clean);
		return note_dep(ws, f);
	}
	f = dfx_xcalloc(1, sizeof(*f));
	f->path = clean;
	if (strcmp(clean, "-") != 0 && stat(clean, &st) == 0 && S_ISREG(st.st_mode)) {
		if (dfx_source_load(&f->orig, clean, &f->err) == 0) {
			f->on_disk = true;
		} else {
			f->failed = true;
			dfx_source_init_copy(&f->orig, clean, "", 0);
		}
	} else {
		dfx_source_init_copy(&f->orig, clean, "", 0);
	}
	dfx_source_init_copy(&f->cur, clean, f->orig.data, f->orig.len);
	DFX_GROW(ws->files, ws->n + 1, ws->cap);
	ws->files[ws->n++] = f;
	return note_dep(ws, f);
}

const struct dfx_source *dfx_ws_read(struct dfx_workspace *ws, const char *path)
{
	struct dfx_wsfile *f = dfx_ws_file(ws, path);

	if (!f->on_disk && !f->changed)
		return NULL;
	return &f->cur;
}

struct dfx_wsfile *dfx_ws_add_target(struct dfx_workspace *ws, const char *path, enum dfx_kind kind)
{
	struct dfx_wsfile *f = dfx_ws_file(ws, path);

	f->kind = kind;
	if (!f->target) {
		f->target = true;
		if (!f->failed && !f->on_disk) {
			f->failed = true;
			dfx_error_set(&f->err, f->path, 0, 0, "cannot read: %s", strerror(ENOENT));
		}
		if (!f->failed)
			dfx_ws_parse(f);
	}
	return f;
}

int dfx_ws_parse(struct dfx_wsfile *f)
{
	drop_trees(f);
	if (f->kind == DFX_KIND_DOCKERFILE)
		f->df = dfx_dockerfile_parse(&f->cur, &f->err);
	else if (f->kind == DFX_KIND_COMPOSE)
		f->compose = dfx_compose_parse(&f->cur, &f->err);
	else
		return 0;
	if (!f->df && !f->compose) {
		f->failed = true;
		return -1;
	}
	f->failed = false;
	return 0;
}

void dfx_ws_set(struct dfx_wsfile *f, char *data, size_t len)
{
	drop_trees(f);
	dfx_source_release(&f->cur);
	dfx_source_init(&f->cur, f->path, data, len);
	f->changed = f->cur.len != f->orig.len || memcmp(f->cur.data, f->orig.data, f->cur.len) != 0;
	if (f->target)
		dfx_ws_parse(f);
}

/* ------------------------------------------------------------------ reporting */

static bool suppressed(struct dfx_wsfile *f, const char *code, uint32_t off)
{
	if (f->kind == DFX_KIND_DOCKERFILE && f->df) {
		const struct dfx_df_instr *in = dfx_dockerfile_instr_at(f->df, off);

		for (size_t i = 0; i < f->df->nglobal_ignore; i++)
			if (strcmp(f->df->global_ignore[i], code) == 0)
				return true;
		return in && dfx_dockerfile_suppressed(f->df, in, code);
	}
	if (f->kind == DFX_KIND_COMPOSE && f->compose)
		return dfx_compose_suppressed(f->compose, code, off);
	return false;
}

static struct dfx_finding *vreport(struct dfx_ctx *ctx, struct dfx_wsfile *file, const char *code,
				   struct dfx_span span, const char *fmt, va_list ap)
{
	const struct dfx_rule *rule = dfx_rule_find(code);
	struct dfx_finding *f;
	struct dfx_buf b = DFX_BUF_INIT;

	if (!rule || !dfx_config_enabled(ctx->ws->config, code))
		return NULL;
	if (suppressed(file, code, span.start))
		return NULL;
	DFX_GROW(ctx->out->v, ctx->out->n + 1, ctx->out->cap);
	f = &ctx->out->v[ctx->out->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = dfx_config_severity(ctx->ws->config, rule);
	f->src = &file->cur;
	f->span = span;
	dfx_buf_vaddf(&b, fmt, ap);
	f->message = dfx_buf_detach(&b);
	return f;
}

struct dfx_finding *dfx_report(struct dfx_ctx *ctx, const char *code, struct dfx_span span,
			       const char *fmt, ...)
{
	struct dfx_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = vreport(ctx, ctx->file, code, span, fmt, ap);
	va_end(ap);
	return f;
}

struct dfx_finding *dfx_report_in(struct dfx_ctx *ctx, struct dfx_wsfile *file, const char *code,
				  struct dfx_span span, const char *fmt, ...)
{
	struct dfx_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = vreport(ctx, file, code, span, fmt, ap);
	va_end(ap);
	return f;
}

/* Warn about each code of a comma/blank separated list that names no rule. */
static size_t check_codes(const struct dfx_source *src, uint32_t off, const char *p, const char *end)
{
	size_t bad = 0;

	while (p < end) {
		const char *s;
		char *code;

		while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
			p++;
		s = p;
		while (p < end && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		if (p == s)
			break;
		code = dfx_xstrndup(s, (size_t)(p - s));
		if (!dfx_rule_find(code)) {
			unsigned line, col;

			dfx_source_linecol(src, off, &line, &col);
			fprintf(stderr, "%s:%u:%u: warning: unknown rule code '%s' in a dockfix ignore comment\n",
				src->path, line, col, code);
			bad++;
		}
		free(code);
		/* free text may follow the list */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p != ',')
			break;
	}
	return bad;
}

size_t dfx_check_pragmas(struct dfx_workspace *ws)
{
	size_t bad = 0;

	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];

		if (!f->target || f->failed)
			continue;
		if (f->df) {
			for (size_t k = 0; k < f->df->npragmas; k++) {
				struct dfx_span sp = f->df->pragmas[k];
				const char *d = f->cur.data;
				const char *eq = memchr(d + sp.start, '=', sp.end - sp.start);

				if (eq)
					bad += check_codes(&f->cur, sp.start, eq + 1, d + sp.end);
			}
		} else if (f->compose) {
			uint32_t off;
			const char *codes;

			for (size_t k = 0; dfx_compose_pragma(f->compose, k, &off, &codes); k++)
				bad += check_codes(&f->cur, off, codes, codes + strlen(codes));
		}
	}
	return bad;
}

void dfx_check_all(struct dfx_workspace *ws, struct dfx_findings *out)
{
	/* ws->n may grow while rules read other files: iterate by index */
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];

		if (!f->target || f->failed || (ws->incremental && !f->recheck))
			continue;
		ws->checking = f;
		for (size_t r = 0; r < dfx_nrules; r++) {
			const struct dfx_rule *rule = dfx_rules[r];
			struct dfx_ctx ctx = {ws, f, rule, out};

			if (rule->kind != f->kind || !rule->check)
				continue;
			if (!dfx_config_enabled(ws->config, rule->code))
				continue;
			rule->check(&ctx);
		}
		ws->checking = NULL;
	}
	dfx_findings_sort(out);
}
