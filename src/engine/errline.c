/*
 * errline.c - the source line shown under `path:line:col: error: ...` for a
 * file dockfix could not check (README "Output formats"). The file did not
 * parse, so no rule has said where its secrets are: the line is searched
 * with the credential heuristics of src/model/secrets.c (keys named like a
 * credential, values shaped like one, URL passwords) and those parts are
 * redacted; control characters are escaped like every shown line.
 */
#include "dockfix/secrets.h"
#include "dockfix/workspace.h"

#define MAX_LINE 200 /* longer lines are not shown */
#define MAX_HIDE 32

bool dfx_ws_error_excerpt(const struct dfx_wsfile *f, struct dfx_excerpt *x)
{
	const struct dfx_error *e = &f->err;
	struct dfx_span ln, hide[MAX_HIDE], mark;
	size_t nhide;

	if (!e->line || !f->cur.len || dfx_source_is_binary(&f->cur) || e->line > f->cur.nlines)
		return false;
	ln = dfx_source_line(&f->cur, e->line);
	if (ln.end - ln.start > MAX_LINE)
		return false;
	nhide = dfx_secret_line_spans(f->cur.data + ln.start, ln.end - ln.start, hide, MAX_HIDE);
	for (size_t i = 0; i < nhide; i++) {
		hide[i].start += ln.start;
		hide[i].end += ln.start;
	}
	mark.start = ln.start + (e->col ? e->col - 1 : 0);
	if (mark.start > ln.end)
		mark.start = ln.end;
	mark.end = mark.start;
	dfx_source_excerpt(&f->cur, e->line, mark, hide, nhide, x);
	return true;
}
