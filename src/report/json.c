/*
 * report_json.c - `--format json`: one object with a stable key order
 * (SPEC §4): {"version":1,"findings":[...],"summary":{...}}.
 */
#include <string.h>

#include "dockfix/jsonw.h"
#include "dockfix/report.h"

void dfx_summarize(const struct dfx_findings *fs, struct dfx_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];

		s->by_sev[f->severity]++;
		s->total++;
		if (f->fix && f->fix->applicability == DFX_FIX_SAFE)
			s->fixable_safe++;
		else if (f->fix && f->fix->applicability == DFX_FIX_UNSAFE)
			s->fixable_unsafe++;
	}
}

void dfx_report_json(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o)
{
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_summary sum;

	dfx_buf_adds(&b, "{\"version\":1,\"findings\":[");
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];
		unsigned l, c, el, ec;

		dfx_source_linecol(f->src, f->span.start, &l, &c);
		dfx_source_linecol(f->src, f->span.end > f->span.start ? f->span.end : f->span.start, &el, &ec);
		dfx_buf_adds(&b, i ? ",\n" : "\n");
		dfx_buf_adds(&b, "{\"code\":");
		dfx_jsonw_str(&b, f->rule->code);
		dfx_buf_adds(&b, ",\"name\":");
		dfx_jsonw_str(&b, f->rule->name);
		dfx_buf_adds(&b, ",\"severity\":");
		dfx_jsonw_str(&b, dfx_severity_name(f->severity));
		dfx_buf_adds(&b, ",\"file\":");
		dfx_jsonw_str(&b, f->src->path);
		dfx_buf_addf(&b, ",\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u", l, c, el, ec);
		dfx_buf_adds(&b, ",\"message\":");
		dfx_jsonw_str(&b, f->message);
		dfx_buf_adds(&b, ",\"fix\":");
		if (f->fix) {
			dfx_buf_adds(&b, "{\"applicability\":");
			dfx_jsonw_str(&b, dfx_applicability_name(f->fix->applicability));
			dfx_buf_adds(&b, ",\"description\":");
			dfx_jsonw_str(&b, f->fix->description);
			dfx_buf_adds(&b, "}");
		} else {
			dfx_buf_adds(&b, "null");
		}
		dfx_buf_adds(&b, ",\"hint\":");
		dfx_jsonw_str(&b, f->hint);
		dfx_buf_adds(&b, "}");
	}
	dfx_summarize(fs, &sum);
	dfx_buf_addf(&b, "%s],\"summary\":{\"files\":%zu,\"errors\":%zu,\"findings\":%zu,"
		     "\"critical\":%zu,\"high\":%zu,\"medium\":%zu,\"low\":%zu,"
		     "\"fixable\":%zu,\"fixable_unsafe\":%zu}}\n",
		     fs->n ? "\n" : "", o->nfiles, o->nerrors, sum.total, sum.by_sev[DFX_SEV_CRITICAL],
		     sum.by_sev[DFX_SEV_HIGH], sum.by_sev[DFX_SEV_MEDIUM], sum.by_sev[DFX_SEV_LOW],
		     sum.fixable_safe, sum.fixable_unsafe);
	fwrite(b.ptr, 1, b.len, out);
	dfx_buf_release(&b);
}
