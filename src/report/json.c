/*
 * json.c - `--format json` (README "Output formats"): one object with a
 * stable key order, {"version":1,"findings":[...],"summary":{...}}, one
 * finding a line. Lines and columns are 1-based bytes; end_column is
 * exclusive.
 */
#include "dockfix/jsonw.h"
#include "dockfix/report.h"

static void begin(struct dfx_buf *b, const struct dfx_presentation *p)
{
	dfx_buf_adds(b, "{\"version\":1,\"findings\":[");
}

static void finding(struct dfx_buf *b, const struct dfx_presentation *p, const struct dfx_presented *x)
{
	const struct dfx_finding *f = x->f;

	dfx_buf_adds(b, x != p->v ? ",\n" : "\n");
	dfx_buf_adds(b, "{\"code\":");
	dfx_jsonw_str(b, f->rule->code);
	dfx_buf_adds(b, ",\"name\":");
	dfx_jsonw_str(b, f->rule->name);
	dfx_buf_adds(b, ",\"severity\":");
	dfx_jsonw_str(b, dfx_severity_name(f->severity));
	dfx_buf_adds(b, ",\"file\":");
	dfx_jsonw_str(b, x->path);
	dfx_buf_addf(b, ",\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u", x->pos.line, x->pos.col,
		     x->pos.end_line, x->pos.end_col);
	dfx_buf_adds(b, ",\"message\":");
	dfx_jsonw_str(b, f->message);
	dfx_buf_adds(b, ",\"fix\":");
	if (f->fix) {
		dfx_buf_adds(b, "{\"applicability\":");
		dfx_jsonw_str(b, dfx_applicability_name(x->applicability));
		dfx_buf_adds(b, ",\"description\":");
		dfx_jsonw_str(b, f->fix->description);
		dfx_buf_adds(b, "}");
	} else {
		dfx_buf_adds(b, "null");
	}
	dfx_buf_adds(b, ",\"hint\":");
	dfx_jsonw_str(b, x->hint);
	dfx_buf_adds(b, "}");
}

static void end(struct dfx_buf *b, const struct dfx_presentation *p)
{
	const struct dfx_summary *s = &p->sum;

	dfx_buf_addf(b, "%s],\"summary\":{\"files\":%zu,\"errors\":%zu,\"findings\":%zu,"
		     "\"critical\":%zu,\"high\":%zu,\"medium\":%zu,\"low\":%zu,"
		     "\"fixable\":%zu,\"fixable_unsafe\":%zu}}\n",
		     p->n ? "\n" : "", p->o->nfiles, p->o->nerrors, s->total, s->by_sev[DFX_SEV_CRITICAL],
		     s->by_sev[DFX_SEV_HIGH], s->by_sev[DFX_SEV_MEDIUM], s->by_sev[DFX_SEV_LOW], s->fixable_safe,
		     s->fixable_unsafe);
}

const struct dfx_format dfx_format_json = {"json", begin, finding, end};
