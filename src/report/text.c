/*
 * report_text.c - the default output: `path:line:col: SEVERITY CODE name:
 * message`, the source line with a caret underline, the fix or hint, and a
 * summary line. Colour only when asked (a terminal, --color, NO_COLOR).
 * Secret values found in a file are redacted from every source line shown.
 */
#include <stdlib.h>
#include <string.h>

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

/* Is offset `off` of `src` inside a secret span of any finding in that file? */
static const struct dfx_span *secret_at(const struct dfx_findings *fs, const struct dfx_source *src, uint32_t off)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_span *s = &fs->v[i].secret;

		if (fs->v[i].src == src && s->end > s->start && off >= s->start && off < s->end)
			return s;
	}
	return NULL;
}

/* Print the source line of `f` with secrets redacted, then the caret line. */
static void source_lines(struct dfx_buf *b, const struct dfx_findings *fs, const struct dfx_finding *f, bool color)
{
	const struct dfx_source *src = f->src;
	unsigned line, col;
	struct dfx_span ln;
	struct dfx_buf text = DFX_BUF_INIT, caret = DFX_BUF_INIT;
	char num[16];
	int w;

	if (!src->len)
		return;
	dfx_source_linecol(src, f->span.start, &line, &col);
	ln = dfx_source_line(src, line);
	for (uint32_t i = ln.start; i < ln.end;) {
		const struct dfx_span *sec = secret_at(fs, src, i);
		bool in = f->span.start <= i && (i < f->span.end || (f->span.start == f->span.end && i == f->span.start));

		if (sec) {
			char *r = dfx_redact(src->data + sec->start, sec->end - sec->start);
			size_t rl = strlen(r);

			dfx_buf_adds(&text, r);
			for (size_t k = 0; k < rl; k++)
				if (((unsigned char)r[k] & 0xC0) != 0x80)
					dfx_buf_addc(&caret, in ? '^' : ' ');
			free(r);
			i = sec->end < ln.end ? sec->end : ln.end;
			continue;
		}
		unsigned char c = (unsigned char)src->data[i];
		if (c == '\t') {
			dfx_buf_addc(&text, '\t');
			dfx_buf_addc(&caret, in ? '^' : '\t');
		} else {
			dfx_buf_addc(&text, c < 0x20 || c == 0x7f ? '?' : (char)c);
			if ((c & 0xC0) != 0x80)
				dfx_buf_addc(&caret, in ? '^' : ' ');
		}
		i++;
	}
	if (!strchr(caret.ptr ? caret.ptr : "", '^')) {
		/* empty span or span at end of line: one caret at the column */
		while (caret.len && (caret.ptr[caret.len - 1] == ' '))
			caret.len--;
		if (caret.ptr)
			caret.ptr[caret.len] = '\0';
		dfx_buf_addc(&caret, '^');
	}
	while (caret.len && caret.ptr[caret.len - 1] != '^')
		caret.ptr[--caret.len] = '\0';
	w = snprintf(num, sizeof(num), "%u", line);
	dfx_buf_addf(b, "%s%*s |%s %s\n", color ? C_DIM : "", w, num, color ? C_RESET : "", text.ptr ? text.ptr : "");
	dfx_buf_addf(b, "%s%*s |%s %s%s%s\n", color ? C_DIM : "", w, "", color ? C_RESET : "",
		     color ? sev_color(f->severity) : "", caret.ptr, color ? C_RESET : "");
	dfx_buf_release(&text);
	dfx_buf_release(&caret);
}

void dfx_report_text(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o)
{
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_summary sum;

	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];
		unsigned line, col;

		dfx_source_linecol(f->src, f->span.start, &line, &col);
		dfx_buf_addf(&b, "%s%s:%u:%u:%s ", o->color ? C_BOLD : "", f->src->path, line, col,
			     o->color ? C_RESET : "");
		if (o->color)
			dfx_buf_adds(&b, sev_color(f->severity));
		upper(&b, dfx_severity_name(f->severity));
		dfx_buf_addf(&b, "%s %s%s%s %s: %s\n", o->color ? C_RESET : "", o->color ? C_BOLD : "",
			     f->rule->code, o->color ? C_RESET : "", f->rule->name, f->message);
		if (o->quiet)
			continue;
		source_lines(&b, fs, f, o->color);
		if (f->fix)
			dfx_buf_addf(&b, "  %s= fix (%s%s):%s %s\n", o->color ? C_CYAN : "",
				     dfx_applicability_name(f->fix->applicability),
				     f->fix->applicability == DFX_FIX_UNSAFE && !o->unsafe_fixes
					     ? ", needs --unsafe-fixes" : "",
				     o->color ? C_RESET : "", f->fix->description);
		if (f->hint)
			dfx_buf_addf(&b, "  %s= hint:%s %s\n", o->color ? C_CYAN : "", o->color ? C_RESET : "",
				     f->hint);
		dfx_buf_addc(&b, '\n');
	}
	if (!o->quiet) {
		dfx_summarize(fs, &sum);
		if (!sum.total) {
			dfx_buf_addf(&b, "No findings in %zu file%s.\n", o->nfiles, o->nfiles == 1 ? "" : "s");
		} else {
			bool first = true;

			dfx_buf_addf(&b, "Found %zu finding%s in %zu file%s (", sum.total, sum.total == 1 ? "" : "s",
				     o->nfiles, o->nfiles == 1 ? "" : "s");
			for (int s = DFX_SEV_CRITICAL; s >= DFX_SEV_LOW; s--) {
				if (!sum.by_sev[s])
					continue;
				dfx_buf_addf(&b, "%s%zu %s", first ? "" : ", ", sum.by_sev[s],
					     dfx_severity_name((enum dfx_severity)s));
				first = false;
			}
			dfx_buf_adds(&b, ").");
			if (sum.fixable_safe)
				dfx_buf_addf(&b, " %zu fixable with --write.", sum.fixable_safe);
			if (sum.fixable_unsafe)
				dfx_buf_addf(&b, " %zu more with --write --unsafe-fixes.", sum.fixable_unsafe);
			dfx_buf_addc(&b, '\n');
		}
		if (o->nerrors)
			dfx_buf_addf(&b, "%zu file%s could not be checked.\n", o->nerrors, o->nerrors == 1 ? "" : "s");
	}
	fwrite(b.ptr ? b.ptr : "", 1, b.len, out);
	dfx_buf_release(&b);
}
