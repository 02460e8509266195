/*
 * shellwords.h - a small POSIX shell command splitter for the scripts of
 * Dockerfile RUN steps (shell form, exec form `["sh", "-c", "..."]`,
 * heredoc scripts).
 *
 * Reference: POSIX.1-2017 Shell Command Language (quoting, token
 * recognition, expansions, here-documents, simple commands); the
 * Dockerfile reference (https://docs.docker.com/reference/dockerfile/),
 * RUN. The splitter is not a shell: it only finds the simple commands
 * (program and arguments) and pipes that the rules look at.
 */
#ifndef DOCKFIX_SHELLWORDS_H
#define DOCKFIX_SHELLWORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "dockfix/dockerfile.h"

/* One simple command of a shell script. */
struct dfx_shellwords_cmd {
	char **argv;      /* words, quotes and escapes removed; redirections left out */
	char **raw;       /* the same words as written */
	size_t argc, cap;
	size_t prog;      /* index of the program word (after NAME=value
			     assignments and reserved words), argc when none */
	bool piped;       /* its output is piped (`|`, `|&`) into the next command */
	bool subst;       /* comes from inside $(...), `...`, <(...) or >(...) */
};

struct dfx_shellwords_script {
	struct dfx_shellwords_cmd *cmds;
	size_t n, cap;
};

/* Split `text` into simple commands, appended to s (subshell bodies too). */
void dfx_shellwords_parse(struct dfx_shellwords_script *s, const char *text, size_t len);
void dfx_shellwords_release(struct dfx_shellwords_script *s);
/* The commands a RUN executes: its shell-form text, the script of an exec
   form `["sh", "-c", "..."]` (else argv as one command), and heredoc
   bodies that are fed to a shell (`RUN <<EOF`, `RUN <<EOF bash`). */
void dfx_shellwords_run(struct dfx_shellwords_script *s, const struct dfx_df_instr *in);
/* The last path component of a word: "/usr/bin/sudo" -> "sudo". */
const char *dfx_shellwords_base(const char *word);
/* Whether the program word at i is a wrapper that runs another command
   (sudo, env, exec, nohup, time, command, nice, timeout, gosu, su-exec,
   xargs, stdbuf, chroot); then *next is the wrapped program's index. */
bool dfx_shellwords_wrapper(const struct dfx_shellwords_cmd *c, size_t i, size_t *next);
/* The program actually run (wrappers skipped), or argc. */
size_t dfx_shellwords_real_prog(const struct dfx_shellwords_cmd *c);
/* Whether a program name is a POSIX-family shell (sh, bash, dash, ash, zsh, ksh). */
bool dfx_shellwords_is_shell(const char *prog);
/* Whether `text` expands variable `name` ($name or ${name...}). */
bool dfx_shellwords_mentions_var(const char *text, const char *name);

#endif
