/*
 * jsonw.c - the JSON writer (see jsonw.h): RFC 8259 string escaping and a
 * pretty printer with two-space indentation.
 */
#include <string.h>

#include "dockfix/jsonw.h"

static void strn(struct dfx_buf *b, const char *s, size_t n)
{
	dfx_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			dfx_buf_adds(b, "\\\"");
			break;
		case '\\':
			dfx_buf_adds(b, "\\\\");
			break;
		case '\n':
			dfx_buf_adds(b, "\\n");
			break;
		case '\r':
			dfx_buf_adds(b, "\\r");
			break;
		case '\t':
			dfx_buf_adds(b, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				dfx_buf_addf(b, "\\u%04x", c);
			else
				dfx_buf_addc(b, (char)c);
		}
	}
	dfx_buf_addc(b, '"');
}

void dfx_jsonw_str(struct dfx_buf *b, const char *s)
{
	if (!s)
		dfx_buf_adds(b, "null");
	else
		strn(b, s, strlen(s));
}

void dfx_jsonw_init(struct dfx_jsonw *w, struct dfx_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

static void newline(struct dfx_jsonw *w)
{
	dfx_buf_addc(w->b, '\n');
	for (int i = 0; i < w->depth; i++)
		dfx_buf_adds(w->b, "  ");
}

/* Before a value or a key: the comma and line break it needs. */
static void item(struct dfx_jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->has[w->depth])
			dfx_buf_addc(w->b, ',');
		newline(w);
		w->has[w->depth] = true;
	}
}

void dfx_jsonw_key(struct dfx_jsonw *w, const char *k)
{
	item(w);
	dfx_jsonw_str(w->b, k);
	dfx_buf_adds(w->b, ": ");
	w->after_key = true;
}

void dfx_jsonw_open(struct dfx_jsonw *w, char c)
{
	item(w);
	dfx_buf_addc(w->b, c);
	if (w->depth < DFX_JSONW_MAX_DEPTH - 1)
		w->depth++;
	w->has[w->depth] = false;
}

void dfx_jsonw_close(struct dfx_jsonw *w, char c)
{
	bool had = w->has[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had)
		newline(w);
	dfx_buf_addc(w->b, c);
}

void dfx_jsonw_string(struct dfx_jsonw *w, const char *s)
{
	item(w);
	dfx_jsonw_str(w->b, s);
}

void dfx_jsonw_uint(struct dfx_jsonw *w, unsigned long long v)
{
	item(w);
	dfx_buf_addf(w->b, "%llu", v);
}

void dfx_jsonw_bool(struct dfx_jsonw *w, bool v)
{
	item(w);
	dfx_buf_adds(w->b, v ? "true" : "false");
}
