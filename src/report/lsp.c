/*
 * lsp.c - findings, fixes and rule documentation as LSP 3.17 objects (see
 * lsp.h): Position/Range in UTF-16 code units or UTF-8 bytes ("Position
 * encoding"), Diagnostic, TextEdit, MarkupContent, and file URIs (RFC 8089,
 * RFC 3986 percent-encoding). Messages are the findings' own, which never
 * hold a secret value.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/jsonw.h"
#include "dockfix/lsp.h"
#include "dockfix/report.h"

/* Length of the UTF-8 sequence at p (at most n), 1 for a stray byte, and its UTF-16 units. */
static size_t step(const unsigned char *p, size_t n, unsigned *units)
{
	size_t len = p[0] < 0x80 ? 1 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1;

	if (len > n)
		len = 1;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			len = 1;
	*units = len == 4 ? 2 : 1;
	return len;
}

struct dfx_lsp_pos dfx_lsp_position(const struct dfx_source *s, uint32_t off, enum dfx_lsp_encoding enc)
{
	struct dfx_lsp_pos p = {0, 0};
	unsigned line, col;
	struct dfx_span ln;

	if (off > s->len)
		off = (uint32_t)s->len;
	if (!s->len)
		return p;
	dfx_source_linecol(s, off, &line, &col);
	p.line = line - 1;
	ln = dfx_source_line(s, line);
	if (off > ln.end && off == s->len && s->data[off - 1] == '\n') {
		/* just past the final line break: the start of the empty last line */
		p.line++;
		return p;
	}
	if (off > ln.end)
		off = ln.end; /* inside a CRLF */
	if (enc == DFX_LSP_UTF8) {
		p.character = off - ln.start;
		return p;
	}
	for (uint32_t i = ln.start; i < off;) {
		unsigned u;

		i += (uint32_t)step((const unsigned char *)s->data + i, off - i, &u);
		p.character += u;
	}
	return p;
}

uint32_t dfx_lsp_offset(const struct dfx_source *s, struct dfx_lsp_pos p, enum dfx_lsp_encoding enc)
{
	struct dfx_span ln;
	uint32_t i;
	unsigned c = 0;

	if (!s->len)
		return 0;
	if (p.line >= s->nlines)
		return (uint32_t)s->len;
	ln = dfx_source_line(s, p.line + 1);
	if (enc == DFX_LSP_UTF8)
		return ln.start + (p.character < ln.end - ln.start ? p.character : ln.end - ln.start);
	for (i = ln.start; i < ln.end && c < p.character;) {
		unsigned u;

		i += (uint32_t)step((const unsigned char *)s->data + i, ln.end - i, &u);
		c += u;
	}
	return i;
}

static void pos_json(struct dfx_buf *b, struct dfx_lsp_pos p)
{
	dfx_buf_addf(b, "{\"line\":%u,\"character\":%u}", p.line, p.character);
}

void dfx_lsp_range(struct dfx_buf *b, const struct dfx_source *s, uint32_t start, uint32_t end,
		   enum dfx_lsp_encoding enc)
{
	dfx_buf_adds(b, "{\"start\":");
	pos_json(b, dfx_lsp_position(s, start, enc));
	dfx_buf_adds(b, ",\"end\":");
	pos_json(b, dfx_lsp_position(s, end < start ? start : end, enc));
	dfx_buf_addc(b, '}');
}

int dfx_lsp_severity(enum dfx_severity s)
{
	return s >= DFX_SEV_HIGH ? 1 : s == DFX_SEV_MEDIUM ? 2 : 3;
}

void dfx_lsp_diagnostic(struct dfx_buf *b, const struct dfx_finding *f, enum dfx_lsp_encoding enc)
{
	struct dfx_buf uri = DFX_BUF_INIT;

	dfx_buf_adds(b, "{\"range\":");
	dfx_lsp_range(b, f->src, f->span.start, f->span.end, enc);
	dfx_buf_addf(b, ",\"severity\":%d,\"code\":", dfx_lsp_severity(f->severity));
	dfx_jsonw_str(b, f->rule->code);
	dfx_report_rule_uri(&uri, f->rule);
	dfx_buf_adds(b, ",\"codeDescription\":{\"href\":");
	dfx_jsonw_str(b, uri.ptr);
	dfx_buf_adds(b, "},\"source\":\"dockfix\",\"message\":");
	{
		struct dfx_buf m = DFX_BUF_INIT;

		dfx_buf_addf(&m, "%s: %s", f->rule->name, f->message);
		if (f->hint)
			dfx_buf_addf(&m, "\nhint: %s", f->hint);
		dfx_jsonw_str(b, m.ptr);
		dfx_buf_release(&m);
	}
	dfx_buf_adds(b, ",\"data\":{\"fix\":");
	if (f->fix) {
		dfx_buf_addf(b, "{\"applicability\":\"%s\",\"description\":", dfx_applicability_name(f->fix->applicability));
		dfx_jsonw_str(b, f->fix->description ? f->fix->description : "");
		dfx_buf_addc(b, '}');
	} else {
		dfx_buf_adds(b, "null");
	}
	dfx_buf_adds(b, "}}");
	dfx_buf_release(&uri);
}

void dfx_lsp_error_diagnostic(struct dfx_buf *b, const struct dfx_source *s, const struct dfx_error *e,
			      enum dfx_lsp_encoding enc)
{
	uint32_t off = 0;

	if (e->line && e->line <= s->nlines) {
		struct dfx_span ln = dfx_source_line(s, e->line);

		off = ln.start + (e->col ? e->col - 1 : 0);
		if (off > ln.end)
			off = ln.end;
	}
	dfx_buf_adds(b, "{\"range\":");
	dfx_lsp_range(b, s, off, off, enc);
	dfx_buf_adds(b, ",\"severity\":1,\"source\":\"dockfix\",\"message\":");
	dfx_jsonw_str(b, e->message ? e->message : "cannot be checked");
	dfx_buf_addc(b, '}');
}

bool dfx_lsp_text_edit(struct dfx_buf *b, const struct dfx_source *old, const char *text, size_t n,
		       enum dfx_lsp_encoding enc)
{
	size_t pre = 0, suf = 0, on = old->len;
	struct dfx_buf t = DFX_BUF_INIT;

	while (pre < on && pre < n && old->data[pre] == text[pre])
		pre++;
	while (suf < on - pre && suf < n - pre && old->data[on - 1 - suf] == text[n - 1 - suf])
		suf++;
	/* never split a UTF-8 sequence or a CRLF */
	while (pre && (((unsigned char)old->data[pre] & 0xC0) == 0x80 || (old->data[pre - 1] == '\r')))
		pre--;
	while (suf && pre < on - suf && ((unsigned char)old->data[on - suf] & 0xC0) == 0x80)
		suf--;
	if (pre == on && pre == n)
		return false;
	dfx_buf_adds(b, "{\"range\":");
	dfx_lsp_range(b, old, (uint32_t)pre, (uint32_t)(on - suf), enc);
	dfx_buf_adds(b, ",\"newText\":");
	dfx_buf_add(&t, text + pre, n - pre - suf);
	dfx_buf_adds(&t, "");
	dfx_jsonw_str(b, t.ptr);
	dfx_buf_release(&t);
	dfx_buf_addc(b, '}');
	return true;
}

static void md_section(struct dfx_buf *b, const char *title, const char *text)
{
	if (text && *text)
		dfx_buf_addf(b, "\n\n**%s**\n\n%s", title, text);
}

void dfx_lsp_rule_markdown(struct dfx_buf *b, const struct dfx_rule *r)
{
	dfx_buf_addf(b, "### %s %s (%s)\n\n%s", r->code, r->name, dfx_severity_name(r->severity), r->summary);
	md_section(b, "What it does", r->what);
	md_section(b, "Why is this bad", r->why);
	md_section(b, "Fix safety", r->fix_safety && *r->fix_safety ? r->fix_safety
				     : "No automatic fix: the finding says what to change by hand.");
	dfx_buf_addf(b, "\n\n`dockfix explain %s` shows the whole documentation.", r->code);
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       c == '_' || c == '~' || c == '/';
}

char *dfx_lsp_uri(const char *abspath)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_adds(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)abspath; *p; p++)
		if (unreserved(*p))
			dfx_buf_addc(&b, (char)*p);
		else
			dfx_buf_addf(&b, "%%%02X", *p);
	return dfx_buf_detach(&b);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *dfx_lsp_uri_path(const char *uri)
{
	struct dfx_buf b = DFX_BUF_INIT;
	const char *p;

	if (strncmp(uri, "file://", 7) != 0)
		return NULL;
	p = uri + 7;
	if (strncmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return NULL;
	for (; *p && *p != '?' && *p != '#'; p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			char c = (char)(hexval(p[1]) * 16 + hexval(p[2]));

			if (c == '\0') {
				dfx_buf_release(&b);
				return NULL;
			}
			dfx_buf_addc(&b, c);
			p += 2;
		} else {
			dfx_buf_addc(&b, *p);
		}
	}
	return dfx_buf_detach(&b);
}
