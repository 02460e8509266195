/*
 * overlay.c - text that is not on disk standing in for a file of the
 * workspace: standard input (`--stdin-filename`) and an editor's unsaved
 * buffers (`dockfix lsp`). The file's original and current bytes become the
 * given text, as if it had been read from disk, so rules, fixes and the
 * files that refer to it see what the user sees.
 */
#include "dockfix/workspace.h"

struct dfx_wsfile *dfx_ws_overlay(struct dfx_workspace *ws, const char *path, const char *data, size_t len)
{
	struct dfx_wsfile *f = dfx_ws_file(ws, path);

	dfx_source_release(&f->orig);
	dfx_source_release(&f->cur);
	dfx_error_release(&f->err);
	f->failed = false;
	f->changed = false;
	if (len > DFX_MAX_FILE_SIZE) {
		dfx_source_init_copy(&f->orig, f->path, "", 0);
		dfx_source_init_copy(&f->cur, f->path, "", 0);
		dfx_error_set(&f->err, f->path, 0, 0, "file too large (%zu bytes; the limit is %u)", len,
			      DFX_MAX_FILE_SIZE);
		f->failed = true;
		f->on_disk = false;
		return f;
	}
	dfx_source_init_copy(&f->orig, f->path, data, len);
	dfx_source_init_copy(&f->cur, f->path, data, len);
	f->on_disk = true;
	return f;
}
