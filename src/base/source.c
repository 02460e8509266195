/*
 * source.c - a file's bytes and its line-start index (jq's locfile idea):
 * everything else holds byte offsets, and line/column are computed here,
 * only when something is reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/core.h"

static void index_lines(struct dfx_source *s)
{
	size_t cap = 0;

	s->lines = NULL;
	s->nlines = 0;
	DFX_GROW(s->lines, 1, cap);
	s->lines[s->nlines++] = 0;
	for (size_t i = 0; i < s->len; i++) {
		if (s->data[i] == '\n' && i + 1 < s->len) {
			DFX_GROW(s->lines, s->nlines + 1, cap);
			s->lines[s->nlines++] = (uint32_t)(i + 1);
		}
	}
}

void dfx_source_init(struct dfx_source *s, const char *path, char *data, size_t len)
{
	s->path = dfx_xstrdup(path ? path : "-");
	s->data = data;
	s->len = len;
	index_lines(s);
}

void dfx_source_init_copy(struct dfx_source *s, const char *path, const char *data, size_t len)
{
	char *p = dfx_xmalloc(len + 1);
	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	dfx_source_init(s, path, p, len);
}

int dfx_source_load(struct dfx_source *s, const char *path, struct dfx_error *err)
{
	struct stat st;
	char *data;
	size_t len = 0, cap;
	int fd;

	memset(s, 0, sizeof(*s));
	/* O_NONBLOCK: a FIFO swapped in for the file must not hang the run */
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) : dup(0);
	if (fd < 0) {
		dfx_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		dfx_error_set(err, path, 0, 0, "is a directory");
		return -1;
	}
	if (strcmp(path, "-") != 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		dfx_error_set(err, path, 0, 0, "is not a regular file; not reading it");
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > DFX_MAX_FILE_SIZE) {
		close(fd);
		dfx_error_set(err, path, 0, 0, "file too large (%jd bytes; the limit is %u)",
			      (intmax_t)st.st_size, DFX_MAX_FILE_SIZE);
		return -1;
	}
	cap = 8192;
	data = dfx_xmalloc(cap + 1);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap > DFX_MAX_FILE_SIZE) {
				free(data);
				close(fd);
				dfx_error_set(err, path, 0, 0, "file too large (the limit is %u bytes)",
					      DFX_MAX_FILE_SIZE);
				return -1;
			}
			cap *= 2;
			data = dfx_xrealloc(data, cap + 1);
		}
		n = read(fd, data + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dfx_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
			free(data);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > DFX_MAX_FILE_SIZE) {
		free(data);
		dfx_error_set(err, path, 0, 0, "file too large (the limit is %u bytes)", DFX_MAX_FILE_SIZE);
		return -1;
	}
	data[len] = '\0';
	dfx_source_init(s, path, data, len);
	return 0;
}

void dfx_source_release(struct dfx_source *s)
{
	free(s->path);
	free(s->data);
	free(s->lines);
	memset(s, 0, sizeof(*s));
}

void dfx_source_linecol(const struct dfx_source *s, uint32_t off, unsigned *line, unsigned *col)
{
	size_t lo = 0, hi = s->nlines;

	if (!s->nlines) {
		*line = 1;
		*col = off + 1;
		return;
	}
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (unsigned)lo + 1;
	*col = off - s->lines[lo] + 1;
}

struct dfx_span dfx_source_line(const struct dfx_source *s, unsigned line)
{
	struct dfx_span sp = {0, 0};
	uint32_t e;

	if (line == 0 || line > s->nlines)
		return sp;
	sp.start = s->lines[line - 1];
	e = line < s->nlines ? s->lines[line] : (uint32_t)s->len;
	if (e > sp.start && s->data[e - 1] == '\n')
		e--;
	if (e > sp.start && s->data[e - 1] == '\r')
		e--;
	sp.end = e;
	return sp;
}

bool dfx_source_has_bom(const struct dfx_source *s)
{
	return s->len >= 3 && memcmp(s->data, "\xEF\xBB\xBF", 3) == 0;
}

bool dfx_source_is_crlf(const struct dfx_source *s)
{
	const char *nl = memchr(s->data, '\n', s->len);
	return nl && nl > s->data && nl[-1] == '\r';
}

bool dfx_source_is_binary(const struct dfx_source *s)
{
	return memchr(s->data, '\0', s->len) != NULL;
}

const char *dfx_source_eol(const struct dfx_source *s)
{
	return dfx_source_is_crlf(s) ? "\r\n" : "\n";
}

void dfx_error_set(struct dfx_error *e, const char *path, unsigned line, unsigned col,
		   const char *fmt, ...)
{
	struct dfx_buf b = DFX_BUF_INIT;
	va_list ap;

	if (!e)
		return;
	dfx_error_release(e);
	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	e->path = dfx_xstrdup(path ? path : "-");
	e->line = line;
	e->col = col;
	e->message = dfx_buf_detach(&b);
}

void dfx_error_release(struct dfx_error *e)
{
	free(e->path);
	free(e->message);
	memset(e, 0, sizeof(*e));
}
