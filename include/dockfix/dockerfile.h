/*
 * dockerfile.h - lossless Dockerfile syntax tree.
 *
 * Follows BuildKit's frontend/dockerfile/parser: a directive block (syntax,
 * escape, check), escape-character continuations (comment and blank lines
 * inside them are trivia), heredocs, exec (JSON) vs shell form, --flag=value
 * flags, FROM ... AS stages, ARG before FROM, ONBUILD. Every node keeps byte
 * spans into the source; the tree never copies or normalises the source, so
 * printing the unmodified source gives back the input byte for byte (the
 * tree *is* a set of views on the buffer).
 */
#ifndef DOCKFIX_DOCKERFILE_H
#define DOCKFIX_DOCKERFILE_H

#include "dockfix/core.h"
#include "dockfix/pragma.h"

/* A --name[=value] flag before an instruction's arguments. */
struct dfx_df_flag {
	struct dfx_span span;  /* the whole word in the source, e.g. --mount=type=secret,id=x */
	char *name;            /* lower-cased, without "--": "mount" */
	char *value;           /* unquoted value, or NULL for a bare flag */
};

/* One word (shell-form token) of a logical line. */
struct dfx_df_word {
	struct dfx_span span;  /* in the source (may run across a continuation) */
	char *text;            /* quotes and escapes removed */
	char *raw;             /* as written in the logical line */
};

/* One KEY=VALUE (or legacy KEY VALUE) pair of ENV, ARG or LABEL. */
struct dfx_df_kv {
	struct dfx_span span;  /* the whole pair in the source */
	struct dfx_span key_span, value_span; /* value_span empty when no '=' */
	char *key;
	char *value;           /* unquoted; NULL for an ARG without default */
};

struct dfx_df_heredoc {
	char *name;            /* terminator word, dequoted */
	bool chomp;            /* <<- */
	bool expand;           /* false when the word was quoted */
	struct dfx_span body;  /* body lines, from the line after the instruction
	                          line to the end of the terminator line */
	char *content;         /* body text without the terminator line */
	struct dfx_span word;  /* the <<WORD token in the source */
	struct dfx_span content_span; /* the body lines without the terminator line
	                                 (`body` ends after its line terminator) */
	int fd;                /* the descriptor of 3<<EOF, or -1 */
};

struct dfx_df_instr {
	char *cmd;             /* upper-cased keyword: "RUN", "FROM", ... */
	struct dfx_span span;  /* keyword to the end of the instruction's last
	                          byte (heredoc terminator included), line
	                          terminator excluded */
	struct dfx_span lines; /* start of its first physical line to just after
	                          the line terminator of its last (end of file
	                          if none): delete this to delete the instruction */
	struct dfx_span keyword;
	struct dfx_df_flag *flags;
	size_t nflags;
	struct dfx_span args;  /* raw argument region in the source (after flags) */
	char *args_text;       /* logical arguments: continuations joined, comment
	                          lines dropped, escape char + newline removed */
	uint32_t *args_map;    /* args_map[i] = source offset of args_text[i];
	                          args_map[strlen(args_text)] = args.end */
	bool json;             /* exec form */
	char **argv;           /* exec form: the JSON strings; shell form: NULL */
	size_t argc;
	struct dfx_df_word *words; /* shell-form words of args_text */
	size_t nwords;
	struct dfx_df_kv *kvs; /* ENV, ARG, LABEL pairs */
	size_t nkvs;
	struct dfx_df_heredoc *heredocs;
	size_t nheredocs;
	struct dfx_df_instr *sub; /* ONBUILD: the wrapped instruction */
	int stage;             /* index into stages, -1 before the first FROM */
	char **ignore;         /* codes from "# dockfix ignore=" comments above */
	size_t nignore;
	unsigned line;         /* 1-based line of the keyword */
};

struct dfx_df_stage {
	size_t from;           /* index of its FROM instruction */
	size_t first, last;    /* instruction indices [first, last] (first == from) */
	char *name;            /* "AS name", lower-cased, or NULL */
	char *image;           /* image reference with ARG defaults substituted */
	struct dfx_span image_span; /* the image word in the source */
	int parent;            /* index of the stage it is FROM, or -1 */
	char *platform;        /* --platform value or NULL */
};

struct dfx_df_directive {
	char *key;             /* lower-cased: "syntax", "escape", "check" */
	char *value;
	struct dfx_span lines; /* its whole line including terminator */
};

struct dfx_dockerfile {
	const struct dfx_source *src;
	char escape;           /* '\\' or '`' */
	size_t body_start;     /* offset just after the BOM (0 or 3) */
	struct dfx_df_directive *directives;
	size_t ndirectives;
	struct dfx_df_instr *instrs;
	size_t ninstrs;
	struct dfx_df_stage *stages;
	size_t nstages;
	char **global_ignore;  /* "# dockfix global ignore=" codes */
	size_t nglobal_ignore;
	struct dfx_pragma *pragmas; /* every dockfix and hadolint pragma comment and
	                               the `# check=skip=` directive, in file order */
	size_t npragmas;
	struct dfx_span *trivia;    /* comment and blank lines between instructions,
	                               each a whole line with its terminator */
	size_t ntrivia;
};

/*
 * Parse src (which must outlive the tree). Returns NULL with *err set (1-based
 * line and column): a NUL byte ("binary file"), a line or a joined
 * instruction longer than DFX_MAX_LINE_LEN, more than 100000 instructions,
 * and BuildKit's own parse errors (repeated or invalid directive, JSON
 * array of non-strings, ENV/LABEL without '=' or value, unterminated
 * heredoc). A file with no instruction is not an error.
 */
struct dfx_dockerfile *dfx_dockerfile_parse(const struct dfx_source *src, struct dfx_error *err);
void dfx_dockerfile_free(struct dfx_dockerfile *df);

/* The directive `key` or NULL. */
const struct dfx_df_directive *dfx_dockerfile_directive(const struct dfx_dockerfile *df,
							 const char *key);
/* The ARG value (default) visible at instruction `at` for `name`, or NULL. */
const char *dfx_dockerfile_arg_default(const struct dfx_dockerfile *df, size_t at, const char *name);
/*
 * Substitute $v, ${v}, ${v:-w}, ${v-w}, ${v:+w}, ${v+w} in `text` with `lookup`
 * values (unset names expand to ""). Caller frees.
 * `\$` gives a literal '$'; other forms (${v#p}, ${v/a/b}, ...) give the
 * value unchanged. Substituted values are capped at 1 MiB in all (more is
 * dropped), against ARG expansion bombs.
 */
char *dfx_dockerfile_expand(const char *text, const char *(*lookup)(void *, const char *), void *arg);
/* The flag `name` of an instruction, or NULL. */
const struct dfx_df_flag *dfx_df_instr_flag(const struct dfx_df_instr *in, const char *name);
/* Whether a finding for `code` at instruction `in` is suppressed by pragmas. */
bool dfx_dockerfile_suppressed(const struct dfx_dockerfile *df, const struct dfx_df_instr *in,
			       const char *code);
/* The instruction containing byte offset `off`, or NULL. */
const struct dfx_df_instr *dfx_dockerfile_instr_at(const struct dfx_dockerfile *df, uint32_t off);
/*
 * Append the file's bytes to `out`, rebuilt from the tree's pieces in order:
 * the BOM, the directive lines, the trivia lines and each instruction's
 * `lines`. For an unmodified tree this is the input byte for byte; any gap
 * or overlap between the pieces shows up as a difference.
 */
void dfx_dockerfile_print(const struct dfx_dockerfile *df, struct dfx_buf *out);

/* ---------------------------------------------------------------- queries
 * (dockerfile_query.c) */

/* The final stage of a Dockerfile, or NULL when it has none. */
const struct dfx_df_stage *dfx_df_final_stage(const struct dfx_dockerfile *df);
/* The image a stage is ultimately built FROM, following stage parents. */
const char *dfx_df_stage_base(const struct dfx_dockerfile *df, const struct dfx_df_stage *st);
/* Whether an instruction's keyword is `cmd` (upper case), looking through ONBUILD never. */
bool dfx_df_is(const struct dfx_df_instr *in, const char *cmd);
/* Text to insert after instruction `in`: when the instruction is the
   file's last line without a line ending, the text gets one in front and
   loses its own final one (the file still ends without one). Caller frees. */
char *dfx_df_after_text(const struct dfx_dockerfile *df, const struct dfx_df_instr *in, const char *lines);
/*
 * The offset of the escape character that leaves instruction `in` open at
 * the end of the file (its last content line, comment and blank lines
 * after it aside, ends in the escape character: `RUN apk add curl \`), or
 * 0 when the instruction is closed. Lines inserted after such an
 * instruction would join it: delete that character first.
 */
uint32_t dfx_df_open_escape(const struct dfx_dockerfile *df, const struct dfx_df_instr *in);
/* The sources of a COPY/ADD (every argument but the destination), as words. */
size_t dfx_df_copy_sources(const struct dfx_df_instr *in, const char ***out);

/* Whether stage `t` is stage `s` or built FROM it (following parents). */
bool dfx_df_stage_from(const struct dfx_dockerfile *df, int t, int s);

/* `text` with the ARG defaults visible at instruction `at` substituted
   (dfx_dockerfile_expand). Caller frees. */
char *dfx_dockerfile_expand_at(const struct dfx_dockerfile *df, size_t at, const char *text);

#endif
