/*
 * lsp_rpc.c - the LSP base protocol (see lsp_rpc.h; LSP 3.17 "Base
 * Protocol"): header fields are case-insensitive and end in "\r\n" (a bare
 * "\n" is accepted too), Content-Type is ignored, reads may return any part
 * of a message, and a header part without a usable Content-Length is
 * skipped so that the server can go on with the next message.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lsp_rpc.h"

#define MAX_HEADER 8192 /* a header part longer than this is not a header */

void dfx_lsp_reader_init(struct dfx_lsp_reader *r, int fd)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
}

void dfx_lsp_reader_release(struct dfx_lsp_reader *r)
{
	dfx_buf_release(&r->in);
	memset(r, 0, sizeof(*r));
}

/* Reads what is available, waiting at most timeout_ms: 1 bytes read, 0 timeout, -1 end of input. */
static int fill(struct dfx_lsp_reader *r, int timeout_ms)
{
	struct pollfd p = {r->fd, POLLIN, 0};
	char chunk[65536];
	ssize_t n;

	if (r->eof)
		return -1;
	if (r->pos > 0 && r->pos == r->in.len) {
		dfx_buf_reset(&r->in);
		r->pos = 0;
	} else if (r->pos > (1u << 20)) {
		memmove(r->in.ptr, r->in.ptr + r->pos, r->in.len - r->pos);
		r->in.len -= r->pos;
		r->pos = 0;
	}
	for (;;) {
		int rc = poll(&p, 1, timeout_ms);

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0)
			return 0;
		break;
	}
	do
		n = read(r->fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		r->eof = true;
		return -1;
	}
	dfx_buf_add(&r->in, chunk, (size_t)n);
	return 1;
}

/* The end of the header part starting at p (n bytes): offset past the empty line, or 0. */
static size_t header_end(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Content-Length of the header part p[0..n): >= 0, or -1 with *err set. */
static long long content_length(const char *p, size_t n, char *err, size_t errlen)
{
	long long len = -1;

	for (size_t i = 0; i < n;) {
		const char *line = p + i, *nl = memchr(line, '\n', n - i);
		size_t ll = nl ? (size_t)(nl - line) : n - i;

		i += ll + 1;
		if (ll && line[ll - 1] == '\r')
			ll--;
		if (!ll)
			continue;
		if (ll > 15 && strncasecmp(line, "Content-Length:", 15) == 0) {
			const char *v = line + 15, *e = line + ll;
			long long x = 0;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			if (v == e) {
				snprintf(err, errlen, "Content-Length has no value");
				return -1;
			}
			for (; v < e && *v >= '0' && *v <= '9'; v++) {
				x = x * 10 + (*v - '0');
				if (x > DFX_LSP_MAX_MESSAGE) {
					snprintf(err, errlen, "message larger than %u bytes", DFX_LSP_MAX_MESSAGE);
					return -1;
				}
			}
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			if (v != e) {
				snprintf(err, errlen, "Content-Length is not a number");
				return -1;
			}
			len = x;
		} else if (!memchr(line, ':', ll)) {
			snprintf(err, errlen, "header line without ':'");
			return -1;
		}
	}
	if (len < 0)
		snprintf(err, errlen, "header without Content-Length");
	return len;
}

int dfx_lsp_read(struct dfx_lsp_reader *r, int timeout_ms, struct dfx_buf *body, char *err, size_t errlen)
{
	for (;;) {
		const char *p = r->in.ptr ? r->in.ptr + r->pos : "";
		size_t avail = r->in.len - r->pos, he;

		/* blank lines between messages are tolerated */
		while (avail && (*p == '\r' || *p == '\n')) {
			p++;
			avail--;
			r->pos++;
		}
		he = header_end(p, avail);
		if (he) {
			long long len = content_length(p, he, err, errlen);

			if (len < 0) {
				r->pos += he;
				return DFX_LSP_BAD;
			}
			if (avail - he >= (size_t)len) {
				dfx_buf_reset(body);
				dfx_buf_add(body, p + he, (size_t)len);
				dfx_buf_adds(body, "");
				r->pos += he + (size_t)len;
				return DFX_LSP_MESSAGE;
			}
		} else if (avail > MAX_HEADER) {
			snprintf(err, errlen, "header part longer than %d bytes", MAX_HEADER);
			r->pos = r->in.len;
			return DFX_LSP_BAD;
		}
		switch (fill(r, timeout_ms)) {
		case 0:
			return DFX_LSP_TIMEOUT;
		case -1:
			return DFX_LSP_EOF;
		}
	}
}

int dfx_lsp_write(int fd, const char *body, size_t len)
{
	char head[64];
	int hn = snprintf(head, sizeof(head), "Content-Length: %zu\r\n\r\n", len);
	struct {
		const char *p;
		size_t n;
	} parts[2] = {{head, (size_t)hn}, {body, len}};

	for (int k = 0; k < 2; k++)
		for (size_t off = 0; off < parts[k].n;) {
			ssize_t w = write(fd, parts[k].p + off, parts[k].n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return -1;
			off += (size_t)w;
		}
	return 0;
}
