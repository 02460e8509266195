/*
 * dockerfile_int.h - private to the Dockerfile parser (src/parse/dockerfile*.c):
 * the parser state, the character classes of BuildKit's lexer, and the
 * functions one part of the parser calls in another.
 *
 * Reference: BuildKit frontend/dockerfile/parser (github.com/moby/buildkit);
 * the Dockerfile reference (https://docs.docker.com/reference/dockerfile/).
 */
#ifndef DOCKFIX_PARSE_DOCKERFILE_INT_H
#define DOCKFIX_PARSE_DOCKERFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dockfix/dockerfile.h"

#define MAX_INSTRUCTIONS 100000 /* more is an error (bounds the tree's memory) */
#define EXPAND_MAX_DEPTH 16  /* nesting of ${a:-${b:-...}} */

/* ---------------------------------------------------------------- characters */

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* BuildKit's token separator [\t\v\f\r ]. */
static inline bool is_tokws(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* RE2's \s: [\t\n\f\r ]. */
static inline bool is_re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/*
 * A single byte taken as a character, as BuildKit's flag scanner does
 * (unicode.IsSpace(rune(byte))): ASCII white space, and 0x85 and 0xA0.
 */
static inline bool is_byte_space(char ch)
{
	unsigned char c = (unsigned char)ch;
	return is_tokws(ch) || c == '\n' || c == 0x85 || c == 0xA0;
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static inline char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}


/* ---------------------------------------------------------------- parser state */

/* One physical line. */
struct pline {
	uint32_t start; /* first byte (after the BOM on line 1) */
	uint32_t cend;  /* end of the content: "\n" and trailing "\r"s excluded */
	uint32_t end;   /* just after the line terminator */
};

/* A byte range [s, e) of a logical line. */
struct range {
	size_t s, e;
};

struct parser {
	const struct dfx_source *src;
	const char *d;
	struct dfx_dockerfile *df;
	struct dfx_error *err;
	struct pline *pl;
	size_t npl, plcap;
	/* capacities of the tree's arrays */
	size_t icap, dcap, tcap, scap, gcap, pcap;
	/* the logical line being assembled, and the source offset of each byte */
	struct dfx_buf lb;
	uint32_t *lmap;
	size_t lmapcap;
	/* comment lines directly above the next instruction */
	size_t pend_first, npend;
	size_t pend_pragma;     /* pragmas from this index on may be pending */
};

/* ---------------------------------------------------------------- across the parts */

/* dockerfile.c */
size_t dfx_dfparse_uspace(const char *s, size_t i, size_t n);
size_t dfx_dfparse_skip_uspace(const char *s, size_t i, size_t n);
size_t dfx_dfparse_rtrim_uspace(const char *s, size_t lo, size_t e);
size_t dfx_dfparse_utf8_width(const char *s, size_t i, size_t n);
char *dfx_dfparse_lower_dup(const char *s, size_t n);
int dfx_dfparse_fail_at(struct parser *p, uint32_t off, const char *fmt, ...) DFX_PRINTF(3, 4);
struct dfx_span dfx_dfparse_lspan(const uint32_t *map, size_t i, size_t j, uint32_t at);

/* dockerfile_instr.c */
bool dfx_dfparse_cmd_is(const struct dfx_df_instr *in, const char *name);
int dfx_dfparse_build_instr(struct parser *p, struct dfx_df_instr *in, const char *s,
		       const uint32_t *map, size_t n, int depth);

/* dockerfile_heredoc.c */
bool dfx_dfparse_heredoc_capable(const struct dfx_df_instr *in);
int dfx_dfparse_read_heredocs(struct parser *p, struct dfx_df_instr *in, const char *s,
			 const uint32_t *map, size_t a, size_t b, size_t *ip);
void dfx_dfparse_copy_heredocs(struct dfx_df_instr *to, const struct dfx_df_instr *from);

/* dockerfile_expand.c */
void dfx_dfparse_build_stages(struct parser *p);

#endif
