/*
 * text.c - the default output (README "Output formats"): `path:line:col:
 * SEVERITY CODE name: message`, the source line (secret values redacted by
 * the presenter) with a caret underline, the fix or hint, and a summary
 * line. Paths and texts taken from files are shown printable
 * (dfx_buf_add_printable: control characters as \xNN). Colour only when
 * asked (a terminal, --color, NO_COLOR).
 */
#include <stdio.h>

#include "dockfix/report.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_BLUE "\033[34m"
#define C_CYAN "\033[36m"
#define C_DIM "\033[2m"

static const char *sev_color(enum dfx_severity s)
{
	switch (s) {
	case DFX_SEV_CRITICAL:
		return C_BOLD C_RED;
	case DFX_SEV_HIGH:
		return C_RED;
	case DFX_SEV_MEDIUM:
		return C_YELLOW;
	default:
		return C_BLUE;
	}
}

static void upper(struct dfx_buf *b, const char *s)
{
	for (; *s; s++)
		dfx_buf_addc(b, (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s));
}

static void finding(struct dfx_buf *b, const struct dfx_presentation *p, const struct dfx_presented *x)
{
	const struct dfx_finding *f = x->f;
	bool color = p->o->color;

	dfx_buf_adds(b, color ? C_BOLD : "");
	dfx_buf_adds_printable(b, x->path);
	dfx_buf_addf(b, ":%u:%u:%s ", x->pos.line, x->pos.col, color ? C_RESET : "");
	if (color)
		dfx_buf_adds(b, sev_color(f->severity));
	upper(b, dfx_severity_name(f->severity));
	dfx_buf_addf(b, "%s %s%s%s %s: ", color ? C_RESET : "", color ? C_BOLD : "", f->rule->code,
		     color ? C_RESET : "", f->rule->name);
	dfx_buf_adds_printable(b, f->message);
	dfx_buf_addc(b, '\n');
	if (p->o->quiet)
		return;
	if (x->source) {
		char num[16];
		int w = snprintf(num, sizeof(num), "%u", x->source_line);

		dfx_buf_addf(b, "%s%*s |%s %s\n", color ? C_DIM : "", w, num, color ? C_RESET : "", x->source);
		dfx_buf_addf(b, "%s%*s |%s %s%s%s\n", color ? C_DIM : "", w, "", color ? C_RESET : "",
			     color ? sev_color(f->severity) : "", x->caret, color ? C_RESET : "");
	}
	if (x->fix) {
		dfx_buf_addf(b, "  %s= fix (%s%s):%s ", color ? C_CYAN : "", dfx_applicability_name(x->applicability),
			     x->needs_unsafe ? ", needs --unsafe-fixes" : "", color ? C_RESET : "");
		dfx_buf_adds_printable(b, x->fix);
		dfx_buf_addc(b, '\n');
	}
	if (x->hint) {
		dfx_buf_addf(b, "  %s= hint:%s ", color ? C_CYAN : "", color ? C_RESET : "");
		dfx_buf_adds_printable(b, x->hint);
		dfx_buf_addc(b, '\n');
	}
	dfx_buf_addc(b, '\n');
}

static void summary(struct dfx_buf *b, const struct dfx_presentation *p)
{
	const struct dfx_summary *sum = &p->sum;
	size_t nerrors = p->o->nerrors;
	/* the files the rules ran on: those that could not be read or parsed were not checked */
	size_t nfiles = p->o->nfiles > nerrors ? p->o->nfiles - nerrors : 0;

	if (p->o->quiet)
		return;
	if (!sum->total && nerrors && !nfiles) {
		dfx_buf_addf(b, "No file could be checked: %zu could not be read or parsed.\n", nerrors);
		return;
	}
	if (!sum->total) {
		dfx_buf_addf(b, "No findings in %zu %sfile%s.", nfiles, nerrors ? "checked " : "", nfiles == 1 ? "" : "s");
		if (nerrors)
			dfx_buf_addf(b, " %zu more could not be checked.", nerrors);
		dfx_buf_addc(b, '\n');
		return;
	}
	{
		bool first = true;

		dfx_buf_addf(b, "Found %zu finding%s in %zu file%s (", sum->total, sum->total == 1 ? "" : "s", nfiles,
			     nfiles == 1 ? "" : "s");
		for (int s = DFX_SEV_CRITICAL; s >= DFX_SEV_LOW; s--) {
			if (!sum->by_sev[s])
				continue;
			dfx_buf_addf(b, "%s%zu %s", first ? "" : ", ", sum->by_sev[s],
				     dfx_severity_name((enum dfx_severity)s));
			first = false;
		}
		dfx_buf_adds(b, ").");
		if (sum->fixable_safe)
			dfx_buf_addf(b, " %zu fixable with --write.", sum->fixable_safe);
		if (sum->fixable_unsafe)
			dfx_buf_addf(b, " %zu more with --write --unsafe-fixes.", sum->fixable_unsafe);
		dfx_buf_addc(b, '\n');
	}
	if (nerrors)
		dfx_buf_addf(b, "%zu more file%s could not be checked.\n", nerrors, nerrors == 1 ? "" : "s");
}

const struct dfx_format dfx_format_text = {"text", NULL, finding, summary};
