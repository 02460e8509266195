/*
 * github.c - `--format github`: GitHub Actions workflow commands (README
 * "Output formats"; GitHub's "Workflow commands for GitHub Actions"),
 * which the runner turns into annotations on the file and line in the
 * pull request:
 *   ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE name::MESSAGE
 * `error` for critical and high, `warning` for medium, `notice` for low;
 * PATH is relative to the source root (location.c), as GitHub wants it.
 * Escaping follows the runner's rules for workflow commands: in the data
 * `%` `\r` `\n` become %25 %0D %0A; in property values also `:` and `,`
 * become %3A and %2C. Files that could not be checked are `::error`s too.
 *
 * A step shows at most 10 error, 10 warning and 10 notice annotations
 * (actions/toolkit docs/problem-matchers.md, "Limitations"; 50 per job), so
 * at most ANNOTATIONS_PER_LEVEL of each are written, the most severe
 * first; the findings beyond them are plain log lines, and one closing
 * `::notice` says how many were not annotated and points at the job
 * summary. That summary (dfx_format_github_summary, which the command
 * appends to $GITHUB_STEP_SUMMARY) is Markdown: counts by severity and by
 * rule, and a table of the most severe findings.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/report.h"

#define ANNOTATIONS_PER_LEVEL 10 /* GitHub shows this many per level and step */
#define SUMMARY_TOP 20           /* findings in the summary's table */

static void escape(struct dfx_buf *b, const char *s, bool property)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '%':
			dfx_buf_adds(b, "%25");
			break;
		case '\r':
			dfx_buf_adds(b, "%0D");
			break;
		case '\n':
			dfx_buf_adds(b, "%0A");
			break;
		case ':':
			dfx_buf_adds(b, property ? "%3A" : ":");
			break;
		case ',':
			dfx_buf_adds(b, property ? "%2C" : ",");
			break;
		default:
			dfx_buf_addc(b, *s);
		}
	}
}

enum level { L_ERROR, L_WARNING, L_NOTICE };

static enum level level_of(enum dfx_severity s)
{
	return s >= DFX_SEV_HIGH ? L_ERROR : s == DFX_SEV_MEDIUM ? L_WARNING : L_NOTICE;
}

static const char *const commands[] = {"error", "warning", "notice"};

/* The file as GitHub names it: relative to the source root when under it. Caller frees. */
static char *github_path(const struct dfx_presentation *p, const char *path, const char *display)
{
	char *rel = dfx_report_relpath(p->o->root, path);

	return rel ? rel : dfx_xstrdup(display);
}

/* Most severe first, then in report order (the presented findings are one array). */
static int cmp_severity(const void *a, const void *b)
{
	const struct dfx_presented *x = *(const struct dfx_presented *const *)a;
	const struct dfx_presented *y = *(const struct dfx_presented *const *)b;

	if (x->f->severity != y->f->severity)
		return x->f->severity > y->f->severity ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The presented findings, most severe first. Caller frees. */
static const struct dfx_presented **by_severity(const struct dfx_presentation *p)
{
	const struct dfx_presented **order = dfx_xcalloc(p->n ? p->n : 1, sizeof(*order));

	for (size_t i = 0; i < p->n; i++)
		order[i] = &p->v[i];
	if (p->n > 1)
		dfx_qsort(order, p->n, sizeof(*order), cmp_severity);
	return order;
}

/* ------------------------------------------------------------------ annotations */

static void annotation(struct dfx_buf *b, const struct dfx_presentation *p, const struct dfx_presented *x)
{
	const struct dfx_finding *f = x->f;
	const struct dfx_region *r = &x->annotation;
	char *title, *path = github_path(p, x->path, x->display);

	dfx_buf_addf(b, "::%s file=", commands[level_of(f->severity)]);
	escape(b, path, true);
	free(path);
	dfx_buf_addf(b, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", r->line, r->col, r->end_line, r->end_col);
	title = dfx_xasprintf("%s %s", f->rule->code, f->rule->name);
	escape(b, title, true);
	free(title);
	dfx_buf_adds(b, "::");
	escape(b, f->message, false);
	if (x->fix) {
		char *t = dfx_xasprintf("\nfix (%s%s): %s", dfx_applicability_name(x->applicability),
					x->needs_unsafe ? ", needs --unsafe-fixes" : "", x->fix);
		escape(b, t, false);
		free(t);
	}
	if (x->hint) {
		char *t = dfx_xasprintf("\nhint: %s", x->hint);
		escape(b, t, false);
		free(t);
	}
	dfx_buf_addc(b, '\n');
}

/* A finding beyond the annotation budget: one plain log line (no leading "::"). */
static void log_line(struct dfx_buf *b, const struct dfx_presentation *p, const struct dfx_presented *x)
{
	const struct dfx_finding *f = x->f;
	char *path = github_path(p, x->path, x->display), *line;

	line = dfx_xasprintf("%s:%u:%u: %s %s %s: %s", path, x->annotation.line, x->annotation.col,
			     dfx_severity_name(f->severity), f->rule->code, f->rule->name, f->message);
	for (char *c = line; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	dfx_buf_addf(b, "%s\n", line);
	free(line);
	free(path);
}

static void error_annotation(struct dfx_buf *b, const struct dfx_presentation *p, const struct dfx_presented_error *e,
			     bool annotate)
{
	char *path = github_path(p, e->path, e->display);

	if (!annotate) {
		dfx_buf_addf(b, "%s:%u:%u: error: ", path, e->line ? e->line : 1, e->col ? e->col : 1);
		for (const char *c = e->message; *c; c++)
			dfx_buf_addc(b, *c == '\n' || *c == '\r' ? ' ' : *c);
		dfx_buf_addc(b, '\n');
		free(path);
		return;
	}
	dfx_buf_adds(b, "::error file=");
	escape(b, path, true);
	if (e->line)
		dfx_buf_addf(b, ",line=%u,col=%u", e->line, e->col ? e->col : 1);
	dfx_buf_adds(b, ",title=dockfix::");
	escape(b, e->message, false);
	dfx_buf_addc(b, '\n');
	free(path);
}

/*
 * Files that could not be checked first (they take error annotations),
 * then the findings in report order, annotated while their level has
 * budget left, the most severe first; then the closing notice.
 */
static void github(struct dfx_buf *b, const struct dfx_presentation *p)
{
	size_t budget[3] = {ANNOTATIONS_PER_LEVEL, ANNOTATIONS_PER_LEVEL, ANNOTATIONS_PER_LEVEL};
	size_t want[3] = {p->nerrors, 0, 0}, left = 0;
	bool *annotate = dfx_xcalloc(p->n ? p->n : 1, sizeof(*annotate));
	const struct dfx_presented **order = by_severity(p);

	for (size_t i = 0; i < p->n; i++)
		want[level_of(p->v[i].f->severity)]++;
	/* the closing notice takes a notice of its own */
	if (want[L_ERROR] > budget[L_ERROR] || want[L_WARNING] > budget[L_WARNING] ||
	    want[L_NOTICE] > budget[L_NOTICE])
		budget[L_NOTICE]--;
	for (size_t i = 0; i < p->nerrors; i++) {
		bool a = budget[L_ERROR] > 0;

		if (a)
			budget[L_ERROR]--;
		else
			left++;
		error_annotation(b, p, &p->errors[i], a);
	}
	for (size_t k = 0; k < p->n; k++) {
		size_t i = (size_t)(order[k] - p->v);
		enum level l = level_of(order[k]->f->severity);

		if (budget[l] > 0) {
			budget[l]--;
			annotate[i] = true;
		} else {
			left++;
		}
	}
	for (size_t i = 0; i < p->n; i++) {
		if (annotate[i])
			annotation(b, p, &p->v[i]);
		else
			log_line(b, p, &p->v[i]);
	}
	if (left)
		dfx_buf_addf(b,
			     "::notice title=dockfix::%zu more finding%s not annotated (a step shows %d annotations of "
			     "each level): see the lines above and the job summary\n",
			     left, left == 1 ? " is" : "s are", ANNOTATIONS_PER_LEVEL);
	free(annotate);
	free((void *)order);
}

const struct dfx_format dfx_format_github = {"github", github, NULL, NULL};

/* ------------------------------------------------------------------ job summary */

/*
 * Text in a Markdown table cell (GitHub Flavored Markdown), on one line:
 * `code` spans stay code spans when the backticks pair up (inside them
 * only `|` needs its backslash); elsewhere every punctuation character
 * that could start markup or HTML is backslash-escaped.
 */
static void md(struct dfx_buf *b, const char *s)
{
	size_t ticks = 0;
	bool code = false;

	for (const char *c = s; c && *c; c++)
		ticks += *c == '`';
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\r' || c == '\t')
			dfx_buf_addc(b, ' ');
		else if (c < 0x20 || c == 0x7f)
			dfx_buf_addc(b, '?');
		else if (c == '`' && ticks % 2 == 0) {
			code = !code;
			dfx_buf_addc(b, '`');
		} else if (c == '|' || (!code && strchr("\\`*_[]<>~&#!", c)))
			dfx_buf_addf(b, "\\%c", c);
		else
			dfx_buf_addc(b, (char)c);
	}
}

static const char *const sev_order[] = {"critical", "high", "medium", "low"};

struct rule_count {
	const struct dfx_rule *rule;
	enum dfx_severity worst;
	size_t n;
};

static int cmp_rule_count(const void *a, const void *b)
{
	const struct rule_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->worst != y->worst)
		return x->worst > y->worst ? -1 : 1;
	return strcmp(x->rule->code, y->rule->code);
}

static void summary(struct dfx_buf *b, const struct dfx_presentation *p)
{
	const struct dfx_summary *s = &p->sum;
	struct rule_count *rc = dfx_xcalloc(p->n ? p->n : 1, sizeof(*rc));
	const struct dfx_presented **order;
	size_t nrc = 0, top;

	dfx_buf_adds(b, "## dockfix\n\n");
	if (!s->total)
		dfx_buf_addf(b, "No findings in %zu file%s.", p->o->nfiles, p->o->nfiles == 1 ? "" : "s");
	else
		dfx_buf_addf(b, "**%zu finding%s** in %zu file%s: %zu critical, %zu high, %zu medium, %zu low. "
			     "%zu can be fixed with `dockfix --write`, %zu more with `--unsafe-fixes`.",
			     s->total, s->total == 1 ? "" : "s", p->o->nfiles, p->o->nfiles == 1 ? "" : "s",
			     s->by_sev[DFX_SEV_CRITICAL], s->by_sev[DFX_SEV_HIGH], s->by_sev[DFX_SEV_MEDIUM],
			     s->by_sev[DFX_SEV_LOW], s->fixable_safe, s->fixable_unsafe);
	if (p->nerrors)
		dfx_buf_addf(b, " %zu file%s could not be checked.", p->nerrors, p->nerrors == 1 ? "" : "s");
	dfx_buf_adds(b, "\n\n");

	if (s->total) {
		dfx_buf_adds(b, "| severity | findings |\n|---|---:|\n");
		for (int i = 0; i < 4; i++)
			dfx_buf_addf(b, "| %s | %zu |\n", sev_order[i], s->by_sev[DFX_SEV_CRITICAL - i]);
		dfx_buf_adds(b, "\n");

		for (size_t i = 0; i < p->n; i++) {
			const struct dfx_finding *f = p->v[i].f;
			size_t k = 0;

			while (k < nrc && strcmp(rc[k].rule->code, f->rule->code) != 0)
				k++;
			if (k == nrc)
				rc[nrc++] = (struct rule_count){f->rule, f->severity, 0};
			rc[k].n++;
			if (f->severity > rc[k].worst)
				rc[k].worst = f->severity;
		}
		dfx_qsort(rc, nrc, sizeof(*rc), cmp_rule_count);
		dfx_buf_adds(b, "| rule | severity | findings |\n|---|---|---:|\n");
		for (size_t k = 0; k < nrc; k++) {
			dfx_buf_adds(b, "| ");
			md(b, rc[k].rule->code);
			dfx_buf_adds(b, " ");
			md(b, rc[k].rule->name);
			dfx_buf_addf(b, " | %s | %zu |\n", dfx_severity_name(rc[k].worst), rc[k].n);
		}
		dfx_buf_adds(b, "\n");

		order = by_severity(p);
		top = p->n < SUMMARY_TOP ? p->n : SUMMARY_TOP;
		dfx_buf_addf(b, "%s\n\n| severity | rule | location | message |\n|---|---|---|---|\n",
			     p->n > top ? "The most severe findings:" : "Findings:");
		for (size_t k = 0; k < top; k++) {
			const struct dfx_presented *x = order[k];
			char *path = github_path(p, x->path, x->display);

			dfx_buf_addf(b, "| %s | ", dfx_severity_name(x->f->severity));
			md(b, x->f->rule->code);
			dfx_buf_adds(b, " ");
			md(b, x->f->rule->name);
			dfx_buf_adds(b, " | ");
			md(b, path);
			dfx_buf_addf(b, ":%u | ", x->pos.line);
			md(b, x->f->message);
			dfx_buf_adds(b, " |\n");
			free(path);
		}
		if (p->n > top)
			dfx_buf_addf(b, "\nand %zu more: run `dockfix` for the full report.\n", p->n - top);
		dfx_buf_adds(b, "\n");
		free((void *)order);
	}
	if (p->nerrors) {
		dfx_buf_adds(b, "Files that could not be checked:\n\n");
		for (size_t i = 0; i < p->nerrors && i < SUMMARY_TOP; i++) {
			char *path = github_path(p, p->errors[i].path, p->errors[i].display);

			dfx_buf_adds(b, "- ");
			md(b, path);
			if (p->errors[i].line)
				dfx_buf_addf(b, ":%u", p->errors[i].line);
			dfx_buf_adds(b, ": ");
			md(b, p->errors[i].message);
			dfx_buf_adds(b, "\n");
			free(path);
		}
		if (p->nerrors > SUMMARY_TOP)
			dfx_buf_addf(b, "- and %zu more\n", p->nerrors - SUMMARY_TOP);
		dfx_buf_adds(b, "\n");
	}
	free(rc);
}

const struct dfx_format dfx_format_github_summary = {"github-summary", summary, NULL, NULL};
