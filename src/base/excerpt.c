/*
 * excerpt.c - text from a file as it may be shown on a terminal or in a log
 * (README "Output formats"): control characters, C1 controls and bytes that
 * are not UTF-8 are escaped as `\xNN` (a terminal would otherwise act on an
 * ESC sequence, a GitHub runner on a `::command::` after a newline), secret
 * spans are replaced by dfx_redact(), and a caret line marks a span. The
 * presenter uses it for every finding's source line, the command layer for
 * the line of a file that could not be parsed.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/core.h"

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		len = 2, cp = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		len = 3, cp = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/*
 * Appends one display unit of p (n > 0 bytes left): returns the bytes
 * consumed and sets *cols to the columns it takes (a tab counts as one and
 * is reported through *tab).
 */
static size_t add_unit(struct dfx_buf *b, const unsigned char *p, size_t n, bool keep_tab, unsigned *cols, bool *tab)
{
	size_t len = utf8_len(p, n);

	*tab = false;
	if (p[0] == '\t' && keep_tab) {
		dfx_buf_addc(b, '\t');
		*tab = true;
		*cols = 1;
		return 1;
	}
	if (len == 0 || p[0] < 0x20 || p[0] == 0x7F) {
		dfx_buf_addf(b, "\\x%02X", p[0]);
		*cols = 4;
		return 1;
	}
	if (len == 2 && p[0] == 0xC2 && p[1] < 0xA0) {
		/* a C1 control (U+0080..U+009F): CSI and friends on some terminals */
		dfx_buf_addf(b, "\\x%02X\\x%02X", p[0], p[1]);
		*cols = 8;
		return 2;
	}
	dfx_buf_add(b, p, len);
	*cols = 1;
	return len;
}

void dfx_buf_add_printable(struct dfx_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cols;
	bool tab;

	for (size_t i = 0; i < n;)
		i += add_unit(b, p + i, n - i, false, &cols, &tab);
	if (!b->ptr)
		dfx_buf_adds(b, "");
}

void dfx_buf_adds_printable(struct dfx_buf *b, const char *s)
{
	dfx_buf_add_printable(b, s ? s : "", s ? strlen(s) : 0);
}

char *dfx_printable(const char *s)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_adds_printable(&b, s);
	return dfx_buf_detach(&b);
}

static void marks(struct dfx_buf *caret, bool in, unsigned cols, bool tab)
{
	if (tab) {
		dfx_buf_addc(caret, in ? '^' : '\t');
		return;
	}
	while (cols--)
		dfx_buf_addc(caret, in ? '^' : ' ');
}

void dfx_source_excerpt(const struct dfx_source *s, unsigned line, struct dfx_span mark, const struct dfx_span *hide,
			size_t nhide, struct dfx_excerpt *x)
{
	struct dfx_span ln = dfx_source_line(s, line);
	struct dfx_buf text = DFX_BUF_INIT, caret = DFX_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s->data;
	size_t h = 0;

	memset(x, 0, sizeof(*x));
	x->line = line;
	for (uint32_t i = ln.start; i < ln.end;) {
		bool in = mark.start <= i && (i < mark.end || (mark.start == mark.end && i == mark.start));
		unsigned cols;
		bool tab;

		while (h < nhide && hide[h].end <= i)
			h++;
		if (h < nhide && hide[h].start <= i && hide[h].end > hide[h].start) {
			uint32_t end = hide[h].end < ln.end ? hide[h].end : ln.end;

			/* the whole redaction is marked when the span reaches into it */
			in = mark.start == mark.end ? mark.start >= i && mark.start < end : mark.start < end && mark.end > i;
			char *r = dfx_redact(s->data + hide[h].start, end - hide[h].start);
			size_t rl = strlen(r);

			dfx_buf_adds(&text, r);
			for (size_t k = 0; k < rl; k++)
				if (((unsigned char)r[k] & 0xC0) != 0x80)
					dfx_buf_addc(&caret, in ? '^' : ' ');
			free(r);
			i = end;
			continue;
		}
		i += (uint32_t)add_unit(&text, p + i, ln.end - i, true, &cols, &tab);
		marks(&caret, in, cols, tab);
	}
	if (!memchr(caret.ptr ? caret.ptr : "", '^', caret.len)) {
		/* a span at the end of the line: a caret after it; elsewhere, at the start */
		if (mark.start < ln.end || mark.start > ln.end + 2)
			caret.len = 0;
		dfx_buf_addc(&caret, '^');
	}
	while (caret.len && caret.ptr[caret.len - 1] != '^')
		caret.len--;
	dfx_buf_adds(&caret, "");
	caret.ptr[caret.len] = '\0';
	dfx_buf_adds(&text, "");
	x->text = dfx_buf_detach(&text);
	x->caret = dfx_buf_detach(&caret);
}

void dfx_excerpt_release(struct dfx_excerpt *x)
{
	free(x->text);
	free(x->caret);
	memset(x, 0, sizeof(*x));
}
