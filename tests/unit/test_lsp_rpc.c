/*
 * test_lsp_rpc.c - cmocka tests of the LSP base protocol (src/cli/lsp_rpc.c)
 * over a pipe: several messages in one read, a message split across reads,
 * case-insensitive header names and extra headers, a header part without a
 * usable Content-Length skipped with the next message still read, a
 * timeout while a message is incomplete, end of input, and the writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/cli/lsp_rpc.h"

struct pipe_reader {
	int w;
	struct dfx_lsp_reader r;
	struct dfx_buf body;
	char err[128];
};

static void open_pipe(struct pipe_reader *p)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	p->w = fds[1];
	dfx_lsp_reader_init(&p->r, fds[0]);
	dfx_buf_init(&p->body);
	p->err[0] = '\0';
}

static void close_pipe(struct pipe_reader *p)
{
	if (p->w >= 0)
		close(p->w);
	close(p->r.fd);
	dfx_lsp_reader_release(&p->r);
	dfx_buf_release(&p->body);
}

static void put(struct pipe_reader *p, const char *s)
{
	assert_int_equal(write(p->w, s, strlen(s)), (ssize_t)strlen(s));
}

static int next(struct pipe_reader *p, int timeout)
{
	return dfx_lsp_read(&p->r, timeout, &p->body, p->err, sizeof(p->err));
}

static void test_messages(void **state)
{
	struct pipe_reader p;

	(void)state;
	open_pipe(&p);
	/* two messages in one write; the second with other header names and order */
	put(&p, "Content-Length: 2\r\n\r\n{}"
		"content-type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH:  7 \r\n\r\n[1,2,3]");
	assert_int_equal(next(&p, 1000), DFX_LSP_MESSAGE);
	assert_string_equal(p.body.ptr, "{}");
	assert_int_equal(next(&p, 1000), DFX_LSP_MESSAGE);
	assert_string_equal(p.body.ptr, "[1,2,3]");
	/* nothing more: a timeout, not a message */
	assert_int_equal(next(&p, 10), DFX_LSP_TIMEOUT);
	/* a message split anywhere: header, then half the body */
	put(&p, "Content-Len");
	assert_int_equal(next(&p, 10), DFX_LSP_TIMEOUT);
	put(&p, "gth: 10\r\n\r\n{\"a\":");
	assert_int_equal(next(&p, 10), DFX_LSP_TIMEOUT);
	put(&p, "\"\xC3\xA9\"}");
	assert_int_equal(next(&p, 1000), DFX_LSP_MESSAGE);
	assert_int_equal(p.body.len, 10);
	assert_memory_equal(p.body.ptr, "{\"a\":\"\xC3\xA9\"}", 10);
	close_pipe(&p);
}

static void test_bad_headers(void **state)
{
	struct pipe_reader p;

	(void)state;
	open_pipe(&p);
	put(&p, "Content-Type: x\r\n\r\n");
	assert_int_equal(next(&p, 1000), DFX_LSP_BAD);
	assert_non_null(strstr(p.err, "without Content-Length"));
	put(&p, "Content-Length: 12x\r\n\r\n");
	assert_int_equal(next(&p, 1000), DFX_LSP_BAD);
	assert_non_null(strstr(p.err, "not a number"));
	put(&p, "Content-Length: 99999999999\r\n\r\n");
	assert_int_equal(next(&p, 1000), DFX_LSP_BAD);
	assert_non_null(strstr(p.err, "larger than"));
	put(&p, "no colon here\r\n\r\n");
	assert_int_equal(next(&p, 1000), DFX_LSP_BAD);
	/* the reader goes on with the next good message; bare \n line ends are taken too */
	put(&p, "Content-Length: 4\n\nnull");
	assert_int_equal(next(&p, 1000), DFX_LSP_MESSAGE);
	assert_string_equal(p.body.ptr, "null");
	close_pipe(&p);
}

static void test_eof(void **state)
{
	struct pipe_reader p;

	(void)state;
	open_pipe(&p);
	put(&p, "Content-Length: 10\r\n\r\n{\"a\"");
	close(p.w);
	p.w = -1;
	/* a partial message at the end of the input is dropped */
	assert_int_equal(next(&p, 1000), DFX_LSP_EOF);
	assert_int_equal(next(&p, 1000), DFX_LSP_EOF);
	close_pipe(&p);
}

static void test_write(void **state)
{
	int fds[2];
	char buf[64];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(dfx_lsp_write(fds[1], "{\"id\":1}", 8), 0);
	n = read(fds[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "Content-Length: 8\r\n\r\n{\"id\":1}");
	close(fds[0]);
	/* a closed reader: an error, not a crash (SIGPIPE ignored for the test) */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(dfx_lsp_write(fds[1], "x", 1), -1);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
