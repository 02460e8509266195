/*
 * jsonw.h - the one JSON writer (RFC 8259): string escaping for the
 * compact outputs (`--format json`, `dockfix rules --format json`) and a
 * pretty-printing writer with two-space indentation for nested documents
 * (SARIF 2.1.0). It writes into a struct dfx_buf and never prints.
 */
#ifndef DOCKFIX_JSONW_H
#define DOCKFIX_JSONW_H

#include "dockfix/core.h"

/* A JSON string: quotes, escapes for '"' '\\' and control characters
   (\n \r \t by name, others and DEL as \u00XX). Bytes >= 0x80 pass as
   they are (the input is UTF-8). NULL is written as null. */
void dfx_jsonw_str(struct dfx_buf *b, const char *s);

#define DFX_JSONW_MAX_DEPTH 32

/* The pretty writer: every member and element on its own line. */
struct dfx_jsonw {
	struct dfx_buf *b;
	int depth;
	bool has[DFX_JSONW_MAX_DEPTH]; /* the container at this depth has an item already */
	bool after_key;                /* a key was written: its value follows on the same line */
};

void dfx_jsonw_init(struct dfx_jsonw *w, struct dfx_buf *b);
/* Open '{' or '[' / close '}' or ']' a container (a value in its own right). */
void dfx_jsonw_open(struct dfx_jsonw *w, char c);
void dfx_jsonw_close(struct dfx_jsonw *w, char c);
/* A member's key; the next value written is its value. */
void dfx_jsonw_key(struct dfx_jsonw *w, const char *k);
void dfx_jsonw_string(struct dfx_jsonw *w, const char *s);
void dfx_jsonw_uint(struct dfx_jsonw *w, unsigned long long v);
void dfx_jsonw_bool(struct dfx_jsonw *w, bool v);

#endif
