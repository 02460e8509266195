/*
 * lsp.h - findings, fixes and rule documentation as Language Server
 * Protocol 3.17 objects, for `dockfix lsp` (src/report/lsp.c). Positions
 * are zero-based lines and characters counted in the negotiated encoding
 * (UTF-16 code units, LSP's default, or UTF-8 bytes); JSON is compact.
 */
#ifndef DOCKFIX_LSP_H
#define DOCKFIX_LSP_H

#include "dockfix/core.h"

enum dfx_lsp_encoding { DFX_LSP_UTF16, DFX_LSP_UTF8 };

struct dfx_lsp_pos {
	unsigned line, character;
};

/* The position of byte `off` of `s` (clamped to its length). */
struct dfx_lsp_pos dfx_lsp_position(const struct dfx_source *s, uint32_t off, enum dfx_lsp_encoding enc);
/* The byte offset of a position (a character past the line's end is its end). */
uint32_t dfx_lsp_offset(const struct dfx_source *s, struct dfx_lsp_pos p, enum dfx_lsp_encoding enc);
/* `{"start":{...},"end":{...}}` of bytes [start, end). */
void dfx_lsp_range(struct dfx_buf *b, const struct dfx_source *s, uint32_t start, uint32_t end,
		   enum dfx_lsp_encoding enc);
/* LSP's DiagnosticSeverity of a finding's severity: 1 error ... 3 information. */
int dfx_lsp_severity(enum dfx_severity s);
/* A Diagnostic of a finding (source "dockfix", code, codeDescription, the fix in `data`). */
void dfx_lsp_diagnostic(struct dfx_buf *b, const struct dfx_finding *f, enum dfx_lsp_encoding enc);
/* A Diagnostic for a file dockfix cannot check (severity error, at the error's position). */
void dfx_lsp_error_diagnostic(struct dfx_buf *b, const struct dfx_source *s, const struct dfx_error *e,
			      enum dfx_lsp_encoding enc);
/*
 * The TextEdit (one, minimal: common prefix and suffix kept) that turns
 * `old` into the n bytes of `text`; nothing when they are equal. Returns
 * whether an edit was written.
 */
bool dfx_lsp_text_edit(struct dfx_buf *b, const struct dfx_source *old, const char *text, size_t n,
		       enum dfx_lsp_encoding enc);
/* The rule's documentation as Markdown (hover): title, summary, what, why, fix safety. */
void dfx_lsp_rule_markdown(struct dfx_buf *b, const struct dfx_rule *r);
/* A file:// URI of an absolute path (percent-encoded) / the path of a file:// URI (NULL if not one). */
char *dfx_lsp_uri(const char *abspath);
char *dfx_lsp_uri_path(const char *uri);

#endif
