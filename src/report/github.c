/*
 * report_github.c - `--format github`: one GitHub Actions workflow command
 * per finding (SPEC §4), which the runner turns into an annotation on the
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

static const char *display_path(const char *p)
{
	while (p[0] == '.' && p[1] == '/') {
		p += 2;
		while (*p == '/')
			p++;
	}
	return p;
}

/* 1-based line and column in characters (UTF-8 code points) of byte `off`. */
static void position(const struct dfx_source *s, uint32_t off, unsigned *line, unsigned *col)
{
	unsigned c;

	if (off > s->len)
		off = (uint32_t)s->len;
	dfx_source_linecol(s, off, line, &c);
	*col = 1;
	for (uint32_t i = off - (c - 1); i < off; i++)
		if (((unsigned char)s->data[i] & 0xC0) != 0x80)
			(*col)++;
}

static void finding(struct dfx_buf *b, const struct dfx_finding *f, const struct dfx_report_opts *o)
{
	const struct dfx_source *s = f->src;
	uint32_t a = f->span.start, e = f->span.end;
	unsigned l, c, el, ec;
	char *title;

	if (a > s->len)
		a = (uint32_t)s->len;
	if (e > s->len || e < a)
		e = a;
	while (e > a && (s->data[e - 1] == '\n' || s->data[e - 1] == '\r'))
		e--;
	position(s, a, &l, &c);
	position(s, e, &el, &ec);
	if (el == l && ec <= c)
		ec = c + 1;
	dfx_buf_addf(b, "::%s file=", command(f->severity));
	escape(b, display_path(s->path), true);
	dfx_buf_addf(b, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", l, c, el, ec);
	title = dfx_xasprintf("%s %s", f->rule->code, f->rule->name);
	escape(b, title, true);
	free(title);
	dfx_buf_adds(b, "::");
	escape(b, f->message, false);
	if (f->fix) {
		char *t = dfx_xasprintf("\nfix (%s%s): %s", dfx_applicability_name(f->fix->applicability),
					f->fix->applicability == DFX_FIX_UNSAFE && !o->unsafe_fixes
						? ", needs --unsafe-fixes" : "",
					f->fix->description ? f->fix->description : "");
		escape(b, t, false);
		free(t);
	}
	if (f->hint) {
		char *t = dfx_xasprintf("\nhint: %s", f->hint);
		escape(b, t, false);
		free(t);
	}
	dfx_buf_addc(b, '\n');
}

void dfx_report_github(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; o->ws && i < o->ws->n; i++) {
		const struct dfx_wsfile *f = o->ws->files[i];

		if (!f->target || !f->failed)
			continue;
		dfx_buf_adds(&b, "::error file=");
		escape(&b, display_path(f->path), true);
		if (f->err.line)
			dfx_buf_addf(&b, ",line=%u,col=%u", f->err.line, f->err.col ? f->err.col : 1);
		dfx_buf_adds(&b, ",title=dockfix::");
		escape(&b, f->err.message ? f->err.message : "cannot be checked", false);
		dfx_buf_addc(&b, '\n');
	}
	for (size_t i = 0; i < fs->n; i++)
		finding(&b, &fs->v[i], o);
	fwrite(b.ptr ? b.ptr : "", 1, b.len, out);
	dfx_buf_release(&b);
}
