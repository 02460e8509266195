/*
 * diag.h - diagnostics: what the library has to tell the user besides
 * findings (a bad configuration file, an unknown code in a suppression
 * comment, a fix that failed verification). Library code appends them to a
 * list and never prints; the commands (src/cli/) print them on stderr in
 * the `path:line:col: severity: message` form of GCC and Clang.
 */
#ifndef DOCKFIX_DIAG_H
#define DOCKFIX_DIAG_H

#include "dockfix/core.h"

enum dfx_diag_severity {
	DFX_DIAG_ERROR,   /* the run cannot go on as asked (exit status 2) */
	DFX_DIAG_WARNING, /* something is likely wrong; the run goes on */
	DFX_DIAG_NOTE,    /* information about what the run did */
};

struct dfx_diag {
	enum dfx_diag_severity severity;
	char *path;      /* the file it is about, or NULL */
	unsigned line;   /* 1-based */
	unsigned col;    /* 1-based */
	char *message;   /* never holds a secret value */
};

struct dfx_diags {
	struct dfx_diag *v;
	size_t n, cap;
};

/* Append a diagnostic; `path` may be NULL. */
void dfx_diag_add(struct dfx_diags *d, enum dfx_diag_severity severity, const char *path, unsigned line,
		  unsigned col, const char *fmt, ...) DFX_PRINTF(6, 7);
/* Empty the list (it stays usable). */
void dfx_diag_clear(struct dfx_diags *d);
void dfx_diags_release(struct dfx_diags *d);
/*
 * One line for `d`: `path:line:col: ` when it has a path (as recorded: a
 * diagnostic about a whole file gives 1:1), then `error: ` or `warning: `, then the message and a
 * newline. A note has no label: its location and message are the line.
 */
void dfx_diag_format(struct dfx_buf *b, const struct dfx_diag *d);

#endif
