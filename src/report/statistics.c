/*
 * statistics.c - `--statistics` (README "Usage"): the findings counted per
 * rule instead of listed, most frequent first, with how many of each have
 * a safe and an unsafe fix (ruff's `--statistics`). Text: one aligned line
 * a rule and the text summary line; JSON: {"version":1,"statistics":[...],
 * "summary":{...}}, the summary object being `--format json`'s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/jsonw.h"
#include "dockfix/report.h"

struct row {
	const struct dfx_rule *rule;
	size_t count, safe, unsafe;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->rule->code, y->rule->code);
}

/* One row per rule with findings, sorted; *n rows. */
static struct row *rows(const struct dfx_presentation *p, size_t *n)
{
	struct row *v = dfx_xcalloc(p->n + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct dfx_finding *f = p->v[i].f;
		struct row *r = NULL;

		for (size_t k = 0; k < *n && !r; k++)
			if (v[k].rule == f->rule)
				r = &v[k];
		if (!r) {
			r = &v[(*n)++];
			r->rule = f->rule;
		}
		r->count++;
		if (f->fix && f->fix->applicability == DFX_FIX_SAFE)
			r->safe++;
		else if (f->fix && f->fix->applicability == DFX_FIX_UNSAFE)
			r->unsafe++;
	}
	dfx_qsort(v, *n, sizeof(*v), cmp_row);
	return v;
}

static void text_end(struct dfx_buf *b, const struct dfx_presentation *p)
{
	size_t n, wname = 4;
	struct row *v = rows(p, &n);
	char num[32];
	int wcount = 5;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i].rule->name);
		int w = snprintf(num, sizeof(num), "%zu", v[i].count);

		wname = l > wname ? l : wname;
		wcount = w > wcount ? w : wcount;
	}
	if (n)
		dfx_buf_addf(b, "%*s  %-5s  %-*s  %s\n", wcount, "count", "code", (int)wname, "name", "fixable");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &v[i];

		dfx_buf_addf(b, "%*zu  %-5s  %-*s  ", wcount, r->count, r->rule->code, (int)wname, r->rule->name);
		if (r->safe)
			dfx_buf_addf(b, "%zu safe", r->safe);
		if (r->unsafe)
			dfx_buf_addf(b, "%s%zu unsafe", r->safe ? ", " : "", r->unsafe);
		if (!r->safe && !r->unsafe)
			dfx_buf_adds(b, "-");
		dfx_buf_addc(b, '\n');
	}
	free(v);
	if (n && !p->o->quiet)
		dfx_buf_addc(b, '\n');
	dfx_format_text.end(b, p); /* the summary line */
}

static void json_begin(struct dfx_buf *b, const struct dfx_presentation *p)
{
	size_t n;
	struct row *v = rows(p, &n);

	dfx_buf_adds(b, "{\"version\":1,\"statistics\":[");
	for (size_t i = 0; i < n; i++) {
		dfx_buf_adds(b, i ? ",\n{\"code\":" : "\n{\"code\":");
		dfx_jsonw_str(b, v[i].rule->code);
		dfx_buf_adds(b, ",\"name\":");
		dfx_jsonw_str(b, v[i].rule->name);
		dfx_buf_addf(b, ",\"count\":%zu,\"fixable\":%zu,\"fixable_unsafe\":%zu}", v[i].count, v[i].safe,
			     v[i].unsafe);
	}
	free(v);
}

/* The summary object of --format json (its "\n]" follows a last row, as it follows a last finding). */
static void json_end(struct dfx_buf *b, const struct dfx_presentation *p)
{
	dfx_format_json.end(b, p);
}

const struct dfx_format dfx_format_statistics_text = {"text", NULL, NULL, text_end};
const struct dfx_format dfx_format_statistics_json = {"json", json_begin, NULL, json_end};
