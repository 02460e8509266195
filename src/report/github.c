/*
 * github.c - `--format github`: one GitHub Actions workflow command per
 * finding (README "Output formats"; GitHub's "Workflow commands for GitHub
 * Actions"), which the runner turns into an annotation on the
 * file and line in the pull request:
 *   ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE name::MESSAGE
 * `error` for critical and high, `warning` for medium, `notice` for low.
 * Escaping follows the runner's rules for workflow commands: in the data
 * `%` `\r` `\n` become %25 %0D %0A; in property values also `:` and `,`
 * become %3A and %2C. Files that could not be checked are `::error`s too.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/report.h"

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

static const char *command(enum dfx_severity s)
{
	return s >= DFX_SEV_HIGH ? "error" : s == DFX_SEV_MEDIUM ? "warning" : "notice";
}

static void finding(struct dfx_buf *b, const struct dfx_presentation *p, const struct dfx_presented *x)
{
	const struct dfx_finding *f = x->f;
	const struct dfx_region *r = &x->annotation;
	char *title;

	dfx_buf_addf(b, "::%s file=", command(f->severity));
	escape(b, x->display, true);
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

/* Files that could not be checked come first. */
static void begin(struct dfx_buf *b, const struct dfx_presentation *p)
{
	for (size_t i = 0; i < p->nerrors; i++) {
		const struct dfx_presented_error *e = &p->errors[i];

		dfx_buf_adds(b, "::error file=");
		escape(b, e->display, true);
		if (e->line)
			dfx_buf_addf(b, ",line=%u,col=%u", e->line, e->col ? e->col : 1);
		dfx_buf_adds(b, ",title=dockfix::");
		escape(b, e->message, false);
		dfx_buf_addc(b, '\n');
	}
}

const struct dfx_format dfx_format_github = {"github", begin, finding, NULL};
