/*
 * diff.h - the unified diff that `dockfix --diff` prints: original bytes of a
 * file against its fixed bytes, line by line, in the format `git apply` and
 * `patch -p1` read (hunk rules of git's xdiff/xemit.c and GNU diff).
 */
#ifndef DOCKFIX_DIFF_H
#define DOCKFIX_DIFF_H

#include <stddef.h>

#include "dockfix/core.h"

/* Lines of context around each change; hunks closer than twice this merge. */
#define DFX_DIFF_CONTEXT 3

/*
 * Appends to `out` the unified diff that turns a[0,alen) into b[0,blen).
 *
 * Headers are `--- a/OLD_PATH` and `+++ b/NEW_PATH`; a NULL old_path means a
 * created file (`--- /dev/null`), a NULL new_path a deleted one
 * (`+++ /dev/null`). A path holding a space gets a trailing tab, one holding
 * `"`, `\` or a control character is C-quoted, as git does.
 *
 * A line is the bytes up to and including '\n' (a "\r\n" line keeps its
 * '\r' in the output); a last line without '\n' is followed by
 * `\ No newline at end of file`. Equal inputs append nothing (so a created
 * empty file has no diff).
 *
 * The comparison is exact (a shortest edit script) unless the inputs are
 * pathological; then part of the diff degrades to one larger replacement,
 * still correct, instead of taking quadratic time.
 */
void dfx_diff_unified(struct dfx_buf *out, const char *old_path, const char *new_path,
		      const char *a, size_t alen, const char *b, size_t blen);

#endif
