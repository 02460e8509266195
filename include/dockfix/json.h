/*
 * json.h - a strict, bounded JSON reader (RFC 8259) for `dockfix inspect`:
 * `docker inspect` arrays and `docker history --format '{{json .}}'` lines.
 *
 * The parser is recursive descent into a tree whose nodes keep the byte span
 * of each value (and of each member's key) in the input, so findings can
 * point at the exact string that holds a secret. Input is capped at
 * DFX_MAX_FILE_SIZE bytes and nesting at DFX_JSON_MAX_DEPTH; anything outside
 * the grammar (comments, trailing commas, single quotes, NaN, leading zeros,
 * control characters in strings, bad escapes, lone surrogates, invalid
 * UTF-8) is an error with a line and column. All nodes and decoded strings
 * live in one arena owned by the document.
 */
#ifndef DOCKFIX_JSON_H
#define DOCKFIX_JSON_H

#include "dockfix/core.h"

#define DFX_JSON_MAX_DEPTH 256

enum dfx_json_type {
	DFX_JSON_NULL,
	DFX_JSON_FALSE,
	DFX_JSON_TRUE,
	DFX_JSON_NUMBER,
	DFX_JSON_STRING,
	DFX_JSON_ARRAY,
	DFX_JSON_OBJECT,
};

struct dfx_json {
	enum dfx_json_type type;
	struct dfx_span span;     /* the value's bytes; strings include their quotes */
	const char *key;          /* member of an object: decoded key (NUL-terminated) */
	size_t keylen;
	struct dfx_span key_span; /* the key's bytes, quotes included */
	const char *str;          /* STRING: decoded UTF-8, NUL-terminated (may hold NULs) */
	size_t len;               /*   its length in bytes */
	double num;               /* NUMBER: value (±HUGE_VAL when out of range) */
	struct dfx_json *kids;    /* ARRAY items / OBJECT members, in input order */
	size_t nkids;
};

struct dfx_json_arena;

struct dfx_json_doc {
	struct dfx_json *root;    /* the value; with DFX_JSON_SEQ an array of the values */
	struct dfx_json_arena *arena;
};

/* Flags of dfx_json_parse. */
#define DFX_JSON_SEQ 1u /* a sequence of values separated by whitespace (JSON Lines) */

struct dfx_json_error {
	uint32_t off;             /* byte offset of the problem */
	unsigned line, col;       /* 1-based; col counts bytes */
	char msg[160];
};

/*
 * Parse `len` bytes of `data`. Returns the document (free with
 * dfx_json_free) or NULL with *err filled. A leading UTF-8 BOM is skipped.
 * With DFX_JSON_SEQ the root is a synthetic array (its span covers the
 * input) holding every top-level value; an input of only whitespace then
 * gives an empty array.
 */
struct dfx_json_doc *dfx_json_parse(const char *data, size_t len, unsigned flags, struct dfx_json_error *err);
void dfx_json_free(struct dfx_json_doc *doc);

/* The member `key` of an object (the last one when repeated), or NULL. */
const struct dfx_json *dfx_json_get(const struct dfx_json *obj, const char *key);
/* Same, trying each of the NULL-terminated keys in turn. */
const struct dfx_json *dfx_json_get_any(const struct dfx_json *obj, const char *const *keys);
/* The decoded string of a STRING node, or NULL for any other node. */
const char *dfx_json_string(const struct dfx_json *v);
/* A NUMBER that is an integer in range: 0 and *out set; else -1. */
int dfx_json_int(const struct dfx_json *v, long long *out);
/* The name of a type ("string", "object", ...). */
const char *dfx_json_type_name(enum dfx_json_type t);

/*
 * Map an offset in the decoded bytes of STRING node `v` to the offset in
 * the raw input `data` it came from (an escape maps to its backslash; the
 * end of the string maps to its closing quote). Lets a caller mark the raw
 * bytes of part of a string, e.g. the value of "NAME=value".
 */
uint32_t dfx_json_raw_offset(const char *data, const struct dfx_json *v, size_t decoded_off);

#endif
