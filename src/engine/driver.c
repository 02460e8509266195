/*
 * driver.c - runs every enabled rule over every target file: the emit call
 * rules report through (enabled codes, suppression comments, severity
 * overrides), the resolution of rules that supersede others, and the check
 * of the codes named in suppression comments.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"
#include "dockfix/dockerfile.h"
#include "dockfix/driver.h"
#include "dockfix/path.h"
#include "dockfix/rule.h"

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

struct dfx_finding *dfx_emit(struct dfx_ctx *ctx, struct dfx_span span, const char *fmt, ...)
{
	const struct dfx_rule *rule = ctx->rule;
	struct dfx_finding *f;
	struct dfx_buf b = DFX_BUF_INIT;
	va_list ap;

	if (suppressed(ctx->file, rule->code, span.start))
		return NULL;
	DFX_GROW(ctx->out->v, ctx->out->n + 1, ctx->out->cap);
	f = &ctx->out->v[ctx->out->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = dfx_config_severity(ctx->ws->config, rule);
	f->src = &ctx->file->cur;
	f->span = span;
	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	f->message = dfx_buf_detach(&b);
	return f;
}

void dfx_finding_severity(const struct dfx_ctx *ctx, struct dfx_finding *f, enum dfx_severity s)
{
	const struct dfx_config *c = ctx->ws->config;

	if (!f)
		return;
	for (size_t i = 0; c && i < c->nsevs; i++)
		if (strcmp(c->sevs[i].code, ctx->rule->code) == 0)
			return;
	f->severity = s;
}

bool dfx_rule_suppressed(const struct dfx_ctx *ctx, uint32_t off)
{
	return suppressed(ctx->file, ctx->rule->code, off);
}

/* Whether `code` is listed in a rule's comma-separated `supersedes`. */
static bool listed(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && strncmp(p, code, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static bool spans_overlap(struct dfx_span a, struct dfx_span b)
{
	if (a.start == a.end || b.start == b.end)
		return a.start == b.start;
	return a.start < b.end && b.start < a.end;
}

/* Drop the findings (from index `from` on, all of one file) that a finding
   of a superseding rule overlaps. */
static void resolve_supersedes(struct dfx_findings *out, size_t from)
{
	size_t w = from;

	for (size_t i = from; i < out->n; i++) {
		struct dfx_finding *f = &out->v[i];
		bool drop = false;

		for (size_t k = from; k < out->n && !drop; k++)
			drop = k != i && out->v[k].rule->supersedes &&
			       listed(out->v[k].rule->supersedes, f->rule->code) &&
			       spans_overlap(out->v[k].span, f->span);
		if (drop) {
			free(f->message);
			free(f->hint);
			dfx_fix_free(f->fix);
			continue;
		}
		out->v[w++] = *f;
	}
	out->n = w;
}

/* The service a message names (after "service `"), as [*at, *at + *len); false when none. */
static bool named_service(const char *msg, const char **at, size_t *len)
{
	const char *p = strstr(msg, "service `"), *e;

	if (!p)
		return false;
	p += 9;
	e = strchr(p, '`');
	if (!e)
		return false;
	*at = p;
	*len = (size_t)(e - p);
	return true;
}

/* Same message but for the service it names. */
static bool same_but_service(const char *a, const char *b)
{
	const char *pa, *pb;
	size_t na, nb;

	if (!named_service(a, &pa, &na) || !named_service(b, &pb, &nb))
		return false;
	if (pa - a != pb - b || strncmp(a, b, (size_t)(pa - a)))
		return false;
	/* a may already name the services merged into it */
	nb = strlen(pb + nb);
	pb += strlen(pb) - nb;
	pa += na;
	return !strncmp(pa, pb, nb) && (!pa[nb] || !strncmp(pa + nb, "; it also applies to `", 22));
}

/* Fixes that make exactly the same edits (a value in an anchor several services merge). */
static bool same_fix(const struct dfx_fix *a, const struct dfx_fix *b)
{
	if (!a || !b || !a->nedits || a->nedits != b->nedits)
		return false;
	for (size_t i = 0; i < a->nedits; i++) {
		const struct dfx_edit *x = &a->edits[i], *y = &b->edits[i];

		if (x->start != y->start || x->end != y->end || strcmp(x->path, y->path) ||
		    strcmp(x->text ? x->text : "", y->text ? y->text : ""))
			return false;
	}
	return true;
}

/*
 * One finding per cause: a value that several services get from one place
 * (a base service they extend, a document they share: the same span; an
 * anchor they merge: the same fix) is reported once, at the first place,
 * naming every service it applies to.
 */
static void merge_copies(struct dfx_findings *out, size_t from)
{
	size_t w = from;

	for (size_t i = from; i < out->n; i++) {
		struct dfx_finding *f = &out->v[i];
		struct dfx_finding *first = NULL;

		for (size_t k = from; k < w && !first; k++)
			if (out->v[k].rule == f->rule && out->v[k].src == f->src &&
			    ((out->v[k].span.start == f->span.start && out->v[k].span.end == f->span.end) ||
			     same_fix(out->v[k].fix, f->fix)) &&
			    same_but_service(out->v[k].message, f->message))
				first = &out->v[k];
		if (!first) {
			out->v[w++] = *f;
			continue;
		}
		{
			const char *at = NULL;
			size_t len = 0;
			struct dfx_buf m = DFX_BUF_INIT;

			named_service(f->message, &at, &len);
			dfx_buf_adds(&m, first->message);
			dfx_buf_adds(&m, strstr(first->message, "; it also applies to `") ? ", `" :
					 "; it also applies to `");
			dfx_buf_add(&m, at, len);
			dfx_buf_addc(&m, '`');
			free(first->message);
			first->message = dfx_buf_detach(&m);
		}
		if (first->severity < f->severity)
			first->severity = f->severity;
		free(f->message);
		free(f->hint);
		dfx_fix_free(f->fix);
	}
	out->n = w;
}

/*
 * A finding about service S of compose file f also applies to the
 * services of other files that `extends: {file: f, service: S}`: the
 * message names them (the cause, and its fix, stay in f).
 */
static void note_extenders(struct dfx_workspace *ws, struct dfx_wsfile *f, struct dfx_findings *out, size_t from)
{
	for (size_t i = from; i < out->n; i++) {
		struct dfx_finding *fd = &out->v[i];
		struct dfx_buf m = DFX_BUF_INIT;
		const char *at;
		size_t len, nnamed = 0;

		if (!named_service(fd->message, &at, &len))
			continue;
		for (size_t k = 0; k < ws->n; k++) {
			struct dfx_wsfile *w = ws->files[k];
			char *dir;

			if (w == f || w->kind != DFX_KIND_COMPOSE || !w->compose)
				continue;
			dir = dfx_path_dir(w->path);
			for (size_t j = 0; j < w->compose->nservices; j++) {
				const struct dfx_compose_service *s = &w->compose->services[j];
				char *base;

				if (!s->extends_file || !s->extends_name || strlen(s->extends_name) != len ||
				    strncmp(s->extends_name, at, len))
					continue;
				base = dfx_path_join(dir, s->extends_file);
				if (!strcmp(base, f->path)) {
					dfx_buf_addf(&m, "%s`%s` (%s)", nnamed++ ? ", " : "", s->name, w->path);
				}
				free(base);
			}
			free(dir);
		}
		if (nnamed) {
			char *msg = dfx_xasprintf("%s; it also applies to %s, which extend%s it", fd->message, m.ptr,
						  nnamed > 1 ? "" : "s");

			free(fd->message);
			fd->message = msg;
		}
		dfx_buf_release(&m);
	}
}

/* A warning for each code of a comma/blank separated list that names no rule. */
static size_t check_codes(struct dfx_diags *diags, const struct dfx_source *src, uint32_t off, const char *p,
			  const char *end)
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
			dfx_diag_add(diags, DFX_DIAG_WARNING, src->path, line, col,
				     "unknown rule code '%s' in a dockfix ignore comment", code);
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
					bad += check_codes(&ws->diags, &f->cur, sp.start, eq + 1, d + sp.end);
			}
		} else if (f->compose) {
			uint32_t off;
			const char *codes;

			for (size_t k = 0; dfx_compose_pragma(f->compose, k, &off, &codes); k++)
				bad += check_codes(&ws->diags, &f->cur, off, codes, codes + strlen(codes));
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
		size_t first = out->n;
		bool any_supersedes = false;

		ws->checking = f;
		for (size_t r = 0; r < dfx_nrules; r++) {
			const struct dfx_rule *rule = dfx_rules[r];
			struct dfx_ctx ctx = {ws, f, rule, out};

			if (rule->kind != f->kind || !rule->check)
				continue;
			if (!dfx_config_enabled(ws->config, rule->code))
				continue;
			rule->check(&ctx);
			any_supersedes |= rule->supersedes != NULL;
		}
		if (any_supersedes)
			resolve_supersedes(out, first);
		merge_copies(out, first);
		if (f->kind == DFX_KIND_COMPOSE)
			note_extenders(ws, f, out, first);
		ws->checking = NULL;
	}
	dfx_findings_sort(out);
}
