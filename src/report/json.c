/*
 * json.c - `--format json` (README "Output formats"): one object with a
 * stable key order, {"version":1,"findings":[...],"summary":{...}}, one
 * finding a line. Lines and columns are 1-based bytes; end_column is
 * exclusive. A fix carries its byte-range edits, so that an editor or a
 * bot can apply it; the presenter withholds the edits of a fix that would
 * write a secret value. The report's JSON Schema is
 * src/report/dockfix-report.schema.json (installed in share/dockfix/).
 */
#include "dockfix/jsonw.h"
#include "dockfix/report.h"

static void begin(struct dfx_buf *b, const struct dfx_presentation *p)
{
	dfx_buf_adds(b, "{\"version\":1,\"findings\":[");
}

/*
 * The fix's edits: file, byte range [start, end) of the file as it is now,
 * the text that replaces it, whether the fix creates the file. A fix one
 * of whose edits would write a secret value shows none of them and says
 * so (withheld). Fixes of one group (same rule, file and nonzero group)
 * are applied together: a member may carry no edits of its own.
 */
static void fix_edits(struct dfx_buf *b, const struct dfx_presented *x)
{
	const struct dfx_fix *fx = x->f->fix;
	bool withheld = fx->nedits && !x->nedits;

	dfx_buf_addf(b, ",\"withheld\":%s,\"group\":", withheld ? "true" : "false");
	if (fx->group)
		dfx_buf_addf(b, "%u", fx->group);
	else
		dfx_buf_adds(b, "null");
	dfx_buf_adds(b, ",\"edits\":[");
	for (size_t i = 0; i < x->nedits; i++) {
		const struct dfx_edit *e = &fx->edits[i]; /* the presenter keeps the fix's order */
		const struct dfx_presented_edit *pe = &x->edits[i];

		dfx_buf_adds(b, i ? ",{\"file\":" : "{\"file\":");
		dfx_jsonw_str(b, pe->path);
		dfx_buf_addf(b, ",\"start\":%u,\"end\":%u,\"text\":", (unsigned)e->start, (unsigned)e->end);
		dfx_jsonw_str(b, pe->text);
		dfx_buf_addf(b, ",\"new_file\":%s}", pe->creates ? "true" : "false");
	}
	dfx_buf_adds(b, "]");
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
		fix_edits(b, x);
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
