/*
 * lsp_rpc.h - the base protocol of the Language Server Protocol 3.17
 * ("Base Protocol": a header part of `Name: value\r\n` lines, at least
 * `Content-Length`, an empty line, then a JSON-RPC 2.0 body of that many
 * bytes) over a pair of file descriptors, for `dockfix lsp`.
 */
#ifndef DOCKFIX_LSP_RPC_H
#define DOCKFIX_LSP_RPC_H

#include "dockfix/core.h"

#define DFX_LSP_MAX_MESSAGE (64u * 1024u * 1024u) /* a body larger than this is refused */

struct dfx_lsp_reader {
	int fd;
	struct dfx_buf in; /* bytes read and not yet consumed: in.ptr[pos..in.len) */
	size_t pos;
	bool eof;
};

enum {
	DFX_LSP_MESSAGE = 1,  /* *body holds one message */
	DFX_LSP_TIMEOUT = 0,  /* nothing complete within the timeout */
	DFX_LSP_EOF = -1,     /* the input ended (a partial message is dropped) */
	DFX_LSP_BAD = -2,     /* a header part without a valid Content-Length: skipped, *err says why */
};

void dfx_lsp_reader_init(struct dfx_lsp_reader *r, int fd);
void dfx_lsp_reader_release(struct dfx_lsp_reader *r);
/*
 * The next message's body into *body (replacing its contents). Waits at
 * most timeout_ms for more input (-1: no limit). Returns one of the values
 * above; after DFX_LSP_BAD the reader has skipped the bad header part and
 * can be called again.
 */
int dfx_lsp_read(struct dfx_lsp_reader *r, int timeout_ms, struct dfx_buf *body, char *err, size_t errlen);
/* Writes one message (header and body) whole; returns 0 or -1 (errno). */
int dfx_lsp_write(int fd, const char *body, size_t len);

#endif
