/*
 * diag.c - the diagnostics list (see diag.h): appending, counting and the
 * one-line `path:line:col: severity: message` form (GCC's and Clang's
 * diagnostic format).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/diag.h"

void dfx_diag_add(struct dfx_diags *d, enum dfx_diag_severity severity, const char *path, unsigned line,
		  unsigned col, const char *fmt, ...)
{
	struct dfx_diag *x;
	struct dfx_buf m = DFX_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	dfx_buf_vaddf(&m, fmt, ap);
	va_end(ap);
	DFX_GROW(d->v, d->n + 1, d->cap);
	x = &d->v[d->n++];
	x->severity = severity;
	x->path = path ? dfx_xstrdup(path) : NULL;
	x->line = line;
	x->col = col;
	x->message = m.ptr ? dfx_buf_detach(&m) : dfx_xstrdup("");
}

void dfx_diag_clear(struct dfx_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].message);
	}
	d->n = 0;
}

void dfx_diags_release(struct dfx_diags *d)
{
	dfx_diag_clear(d);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void dfx_diag_format(struct dfx_buf *b, const struct dfx_diag *d)
{
	if (d->path) {
		dfx_buf_adds_printable(b, d->path);
		dfx_buf_addf(b, ":%u:%u: ", d->line, d->col);
	}
	if (d->severity == DFX_DIAG_ERROR)
		dfx_buf_adds(b, "error: ");
	else if (d->severity == DFX_DIAG_WARNING)
		dfx_buf_adds(b, "warning: ");
	dfx_buf_adds_printable(b, d->message);
	dfx_buf_addc(b, '\n');
}
