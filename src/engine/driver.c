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

/* A finding of a superseding rule, for resolve_supersedes(). */
struct superseder {
	struct dfx_span span;
	const char *list;   /* its rule's `supersedes` */
	size_t index;       /* in the findings */
	uint32_t max_end;   /* the largest span end of this and every earlier superseder */
};

static int cmp_superseder(const void *a, const void *b)
{
	const struct superseder *x = a, *y = b;

	if (x->span.start != y->span.start)
		return x->span.start < y->span.start ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Whether a superseder other than finding `i` that lists f's code overlaps it. */
static bool superseded(const struct superseder *sv, size_t n, size_t i, const struct dfx_finding *f)
{
	uint32_t a = f->span.start, last = f->span.end > a ? f->span.end - 1 : a;
	size_t lo = 0, hi = n;

	/* superseders starting after the finding's last byte cannot overlap it */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sv[mid].span.start <= last)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k-- > 0 && (sv[k].max_end > a || sv[k].max_end == a);)
		if (sv[k].index != i && spans_overlap(sv[k].span, f->span) && listed(sv[k].list, f->rule->code))
			return true;
	return false;
}

/*
 * Drop the findings (from index `from` on, all of one file) that a finding
 * of a superseding rule overlaps. The superseders are sorted by start with
 * a running maximum of their ends, so each finding looks only at those that
 * can reach it: linear for the usual short spans, not quadratic in the
 * number of findings.
 */
static void resolve_supersedes(struct dfx_findings *out, size_t from)
{
	struct superseder *sv = dfx_xcalloc(out->n - from + 1, sizeof(*sv));
	size_t n = 0, w = from;

	for (size_t i = from; i < out->n; i++)
		if (out->v[i].rule->supersedes)
			sv[n++] = (struct superseder){out->v[i].span, out->v[i].rule->supersedes, i, 0};
	if (n > 1)
		qsort(sv, n, sizeof(*sv), cmp_superseder);
	for (size_t k = 0; k < n; k++)
		sv[k].max_end = k && sv[k - 1].max_end > sv[k].span.end ? sv[k - 1].max_end : sv[k].span.end;
	for (size_t i = from; i < out->n; i++) {
		struct dfx_finding *f = &out->v[i];

		if (n && superseded(sv, n, i, f)) {
			free(f->message);
			free(f->hint);
			dfx_fix_free(f->fix);
			continue;
		}
		out->v[w++] = *f;
	}
	out->n = w;
	free(sv);
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
		ws->checking = NULL;
	}
	dfx_findings_sort(out);
}
