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

/* The findings of superseding rules, by start (then index): the ones a
   finding can overlap are a binary search away, so a file with thousands of
   findings costs their number, not its square. */
struct superseders {
	const struct dfx_finding *v; /* the findings (out->v) */
	size_t *ix;
	size_t n;
	uint32_t maxlen; /* longest span among them */
};

static int cmp_sup(const void *a, const void *b, const struct dfx_finding *v)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (v[x].span.start != v[y].span.start)
		return v[x].span.start < v[y].span.start ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* A merge sort of the indexes (qsort has no context argument in C11). */
static void sort_sup(size_t *ix, size_t n, size_t *tmp, const struct dfx_finding *v)
{
	if (n < 2)
		return;
	sort_sup(ix, n / 2, tmp, v);
	sort_sup(ix + n / 2, n - n / 2, tmp, v);
	for (size_t i = 0, a = 0, b = n / 2; i < n; i++)
		tmp[i] = (b >= n || (a < n / 2 && cmp_sup(&ix[a], &ix[b], v) <= 0)) ? ix[a++] : ix[b++];
	memcpy(ix, tmp, n * sizeof(*ix));
}

/* Whether a finding of a superseding rule other than i overlaps finding i and supersedes its rule. */
static bool superseded(const struct superseders *sp, size_t i)
{
	const struct dfx_finding *f = &sp->v[i];
	uint32_t lo = f->span.start > sp->maxlen ? f->span.start - sp->maxlen : 0;
	size_t a = 0, b = sp->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (sp->v[sp->ix[m]].span.start < lo)
			a = m + 1;
		else
			b = m;
	}
	for (size_t k = a; k < sp->n && sp->v[sp->ix[k]].span.start <= f->span.end; k++) {
		const struct dfx_finding *o = &sp->v[sp->ix[k]];

		if (sp->ix[k] != i && listed(o->rule->supersedes, f->rule->code) && spans_overlap(o->span, f->span))
			return true;
	}
	return false;
}

/* Drop the findings (from index `from` on, all of one file) that a finding
   of a superseding rule overlaps. */
static void resolve_supersedes(struct dfx_findings *out, size_t from)
{
	struct superseders sp = {out->v, NULL, 0, 0};
	size_t w = from, *tmp;
	bool *drop;

	sp.ix = dfx_xmalloc((out->n - from + 1) * sizeof(*sp.ix));
	for (size_t k = from; k < out->n; k++)
		if (out->v[k].rule->supersedes) {
			struct dfx_span s = out->v[k].span;

			sp.ix[sp.n++] = k;
			if (s.end > s.start && s.end - s.start > sp.maxlen)
				sp.maxlen = s.end - s.start;
		}
	tmp = dfx_xmalloc((sp.n + 1) * sizeof(*tmp));
	sort_sup(sp.ix, sp.n, tmp, out->v);
	free(tmp);
	/* decide every drop before moving any finding: the index refers to out->v as it is */
	drop = dfx_xcalloc(out->n - from + 1, sizeof(*drop));
	for (size_t i = from; i < out->n; i++)
		drop[i - from] = superseded(&sp, i);
	for (size_t i = from; i < out->n; i++) {
		struct dfx_finding *f = &out->v[i];

		if (drop[i - from]) {
			free(f->message);
			free(f->hint);
			dfx_fix_free(f->fix);
			continue;
		}
		out->v[w++] = *f;
	}
	out->n = w;
	free(drop);
	free(sp.ix);
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
