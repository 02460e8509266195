/*
 * dfhelp.h - helpers private to the Dockerfile rules (src/rules/dockerfile/):
 * credential-name and literal heuristics (DF101, DF102), redaction of a
 * credential in a shown source line (DF104, DF202, DF404, DF405), and
 * re-tagging a stage's base image (DF301, DF303, DF304), and the span of a
 * token of an instruction (DF202, DF203, DF404).
 *
 * Reference: the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/): FROM, ARG before FROM.
 */
#ifndef DOCKFIX_RULES_DFHELP_H
#define DOCKFIX_RULES_DFHELP_H

#include "dockfix/rule.h"

/*
 * Whether a credential name (dfx_secret_name) is one only because of a
 * bare "key" token - `CACHE_KEY`, `Filters__0__Key` - and not a qualified
 * one (`API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `LICENSE_KEY`, ...).
 */
bool dfx_dfhelp_bare_key_name(const char *name);
/* Whether a literal looks like a generated secret rather than a word or
   setting: 8+ characters, letters and digits, no blank, '.', '/' or ':'. */
bool dfx_dfhelp_secretish_value(const char *v);

/*
 * Set f->secret to the first word of instruction `in` that is a credential
 * by its form (a token, a URL with a password), so the text report redacts
 * it from the source line it shows. Nothing when f is NULL or has one.
 */
void dfx_dfhelp_mask_secret(struct dfx_finding *f, const struct dfx_df_instr *in);

/*
 * Add to `fix` the edit that gives stage `st`'s image the tag `tag` (a
 * digest is dropped; the name stays as written): in the FROM's image word
 * when it is written literally, or in the default of the global ARG it is
 * built from (`FROM node:${V}-alpine` with `ARG V=14` -> `ARG V=26`).
 * Returns false (fix untouched) when neither is possible.
 */
bool dfx_dfhelp_retag(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
		      const struct dfx_df_stage *st, const char *tag);

/*
 * Add to `fix` the edit that inserts `lines` (whole lines, each with its
 * line ending) after instruction `in`: a line ending goes first when `in`
 * is the file's last line without one, and an escape character that
 * leaves `in` open at the end of the file is deleted, so the new lines
 * never join it.
 */
void dfx_dfhelp_insert_after(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			     const struct dfx_df_instr *in, const char *lines);

/*
 * The source span of occurrence `nth` (0: the first) of `needle` in
 * instruction `in`: in its logical arguments (mapped back through
 * continuations), then in its heredoc bodies. With `word`, only where it
 * stands as a word (no name character, '-' or '.' around it). False when
 * there is no such occurrence; rules then report the whole instruction.
 */
bool dfx_dfhelp_token_span(const struct dfx_df_instr *in, const char *needle, bool word, size_t nth,
			   struct dfx_span *out);

/*
 * The last instruction `cmd` ("CMD", "ENTRYPOINT", "USER", ...) of stage
 * st or, when it has none, of the stages it is built FROM: the one that
 * takes effect in st. NULL when none.
 */
const struct dfx_df_instr *dfx_dfhelp_last_of(const struct dfx_dockerfile *df, const struct dfx_df_stage *st,
					      const char *cmd);
/*
 * Whether a word of the CMD or the ENTRYPOINT that the final stage runs
 * (dfx_dfhelp_last_of) satisfies `pred` (exec-form strings or shell words).
 */
bool dfx_dfhelp_starts_word(const struct dfx_dockerfile *df, bool (*pred)(const char *word));

/* What a COPY/ADD source of the build context is, judged by its bytes. */
enum dfx_dfhelp_src {
	DFX_SRC_UNKNOWN,   /* not found or not readable (a variable, a wildcard) */
	DFX_SRC_FILE,      /* a regular file that is no archive ADD would unpack */
	DFX_SRC_ARCHIVE,   /* a tar archive or a compressed file (ADD unpacks tar archives) */
	DFX_SRC_DIR,       /* a directory (ADD copies its contents and unpacks nothing) */
};
/* Look up `src` (as written in the instruction) in build context `context`. */
enum dfx_dfhelp_src dfx_dfhelp_context_source(struct dfx_workspace *ws, const char *context, const char *src);

#endif
