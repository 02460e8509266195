/*
 * shellwords.c - a small POSIX shell command splitter (include/dockfix/
 * shellwords.h): the simple commands (program and arguments), pipes,
 * command substitutions and heredoc bodies of a RUN step, in its shell
 * form, exec form or heredoc scripts.
 *
 * Reference: POSIX.1-2017 Shell Command Language, sections 2.2 (quoting),
 * 2.3 (token recognition), 2.6.2-2.6.3 (parameter expansion, command
 * substitution), 2.7.4 (here-documents), 2.9.1 (simple commands); the
 * Dockerfile reference (https://docs.docker.com/reference/dockerfile/),
 * RUN: shell and exec form, here-documents. It is not a shell: it only
 * finds the commands the rules look at.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/shellwords.h"

#define SH_MAX_DEPTH 8        /* nesting of $( $( ... ) ) parsed */
#define SH_MAX_CMDS 100000    /* commands kept per script */

/* ================================================================ characters */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || is_digit(c);
}

/* ================================================================ shell words */

struct sub {
	size_t start, len;
};

struct lexer {
	const char *s;
	size_t n, i;
	struct dfx_shellwords_script *out;
	struct dfx_shellwords_cmd cur;
	bool subst;
	struct sub *subs;
	size_t nsubs, subcap;
	char **heredocs;       /* delimiters waiting for the next newline */
	bool *chomp;
	size_t nheredocs, hcap;
};

#define SH_MAX_NEST 64 /* quotes and substitutions nested deeper are not followed */

static size_t skip_dq_d(const char *s, size_t i, size_t n, int depth);

/* Index of the unescaped backtick closing one opened just before i. */
static size_t skip_bq(const char *s, size_t i, size_t n)
{
	while (i < n && s[i] != '`')
		i += s[i] == '\\' ? 2 : 1;
	return i < n ? i : n;
}

/* Index of the `close` matching an `open` just before i (n when none). */
static size_t match_close_d(const char *s, size_t i, size_t n, char open, char close, int depth)
{
	int level = 1;

	while (i < n) {
		char c = s[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '\'') {
			const char *q = memchr(s + i + 1, '\'', n - i - 1);
			i = q ? (size_t)(q - s) + 1 : n;
			continue;
		}
		if (c == '"' && depth < SH_MAX_NEST) {
			i = skip_dq_d(s, i + 1, n, depth + 1);
			continue;
		}
		if (c == '`') {
			i = skip_bq(s, i + 1, n) + 1;
			continue;
		}
		if (c == open)
			level++;
		else if (c == close && --level == 0)
			return i;
		i++;
	}
	return n;
}

static size_t match_close(const char *s, size_t i, size_t n, char open, char close)
{
	return match_close_d(s, i, n, open, close, 0);
}

/* Index just after the '"' closing a double-quoted string opened before i. */
static size_t skip_dq_d(const char *s, size_t i, size_t n, int depth)
{
	while (i < n) {
		char c = s[i];

		if (c == '\\') {
			i += 2;
		} else if (c == '"') {
			return i + 1;
		} else if (c == '$' && i + 1 < n && s[i + 1] == '(' && depth < SH_MAX_NEST) {
			i = match_close_d(s, i + 2, n, '(', ')', depth + 1) + 1;
		} else if (c == '`') {
			i = skip_bq(s, i + 1, n) + 1;
		} else {
			i++;
		}
	}
	return n;
}

static void add_sub(struct lexer *lx, size_t start, size_t end)
{
	if (end <= start || (lx->s[start] == '('))
		return; /* empty, or $(( arithmetic )) */
	DFX_GROW(lx->subs, lx->nsubs + 1, lx->subcap);
	lx->subs[lx->nsubs].start = start;
	lx->subs[lx->nsubs].len = end - start;
	lx->nsubs++;
}

static bool word_end(char c)
{
	return is_blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' ||
	       c == '<' || c == '>';
}

/*
 * Read one word at lx->i into `text` (dequoted) and return its raw end.
 * Command, process and parameter substitutions stay in the word as
 * written; the bodies of $(...), `...`, <(...) and >(...) are noted for
 * parsing as commands of their own.
 */
static size_t read_word(struct lexer *lx, struct dfx_buf *text)
{
	const char *s = lx->s;
	size_t n = lx->n, i = lx->i;

	dfx_buf_reset(text);
	dfx_buf_add(text, "", 0);
	while (i < n) {
		char c = s[i];

		if ((c == '<' || c == '>') && i + 1 < n && s[i + 1] == '(') {
			size_t e = match_close(s, i + 2, n, '(', ')');

			add_sub(lx, i + 2, e);
			dfx_buf_add(text, s + i, (e < n ? e + 1 : n) - i);
			i = e < n ? e + 1 : n;
			continue;
		}
		if (word_end(c))
			break;
		if (c == '\\') {
			if (i + 1 < n && s[i + 1] != '\n')
				dfx_buf_addc(text, s[i + 1]);
			i += 2;
		} else if (c == '\'') {
			const char *q = memchr(s + i + 1, '\'', n - i - 1);
			size_t e = q ? (size_t)(q - s) : n;

			dfx_buf_add(text, s + i + 1, e - i - 1);
			i = e + 1;
		} else if (c == '"') {
			i++;
			while (i < n && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < n) {
					char d = s[i + 1];
					if (d == '$' || d == '`' || d == '"' || d == '\\')
						dfx_buf_addc(text, d);
					else if (d != '\n')
						dfx_buf_add(text, s + i, 2);
					i += 2;
				} else if (s[i] == '$' && i + 1 < n && s[i + 1] == '(') {
					size_t e = match_close(s, i + 2, n, '(', ')');

					add_sub(lx, i + 2, e);
					dfx_buf_add(text, s + i, (e < n ? e + 1 : n) - i);
					i = e < n ? e + 1 : n;
				} else if (s[i] == '`') {
					size_t e = skip_bq(s, i + 1, n);

					add_sub(lx, i + 1, e);
					dfx_buf_add(text, s + i, (e < n ? e + 1 : n) - i);
					i = e < n ? e + 1 : n;
				} else {
					dfx_buf_addc(text, s[i++]);
				}
			}
			i++;
		} else if (c == '$' && i + 1 < n && s[i + 1] == '(') {
			size_t e = match_close(s, i + 2, n, '(', ')');

			add_sub(lx, i + 2, e);
			dfx_buf_add(text, s + i, (e < n ? e + 1 : n) - i);
			i = e < n ? e + 1 : n;
		} else if (c == '$' && i + 1 < n && s[i + 1] == '{') {
			size_t e = match_close(s, i + 2, n, '{', '}');

			dfx_buf_add(text, s + i, (e < n ? e + 1 : n) - i);
			i = e < n ? e + 1 : n;
		} else if (c == '`') {
			size_t e = skip_bq(s, i + 1, n);

			add_sub(lx, i + 1, e);
			dfx_buf_add(text, s + i, (e < n ? e + 1 : n) - i);
			i = e < n ? e + 1 : n;
		} else {
			dfx_buf_addc(text, c);
			i++;
		}
	}
	return i < n ? i : n;
}

static bool is_assignment(const char *raw)
{
	if (!is_name_start(raw[0]))
		return false;
	for (const char *p = raw; *p; p++) {
		if (*p == '=')
			return true;
		if (!is_name_char(*p))
			return false;
	}
	return false;
}

static bool is_reserved(const char *w)
{
	static const char *const words[] = {
		"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac", NULL,
	};

	for (size_t k = 0; words[k]; k++)
		if (!strcmp(w, words[k]))
			return true;
	return false;
}

static void end_cmd(struct lexer *lx, bool piped)
{
	struct dfx_shellwords_cmd *c = &lx->cur;

	if (!c->argc || lx->out->n >= SH_MAX_CMDS) {
		for (size_t k = 0; k < c->argc; k++) {
			free(c->argv[k]);
			free(c->raw[k]);
		}
		free(c->argv);
		free(c->raw);
		memset(c, 0, sizeof(*c));
		return;
	}
	c->prog = c->argc;
	for (size_t k = 0; k < c->argc; k++) {
		if (is_assignment(c->raw[k]) || is_reserved(c->argv[k]))
			continue;
		if (!strcmp(c->argv[k], "for") || !strcmp(c->argv[k], "case") || !strcmp(c->argv[k], "select") ||
		    !strcmp(c->argv[k], "function"))
			break;
		c->prog = k;
		break;
	}
	c->piped = piped;
	c->subst = lx->subst;
	DFX_GROW(lx->out->cmds, lx->out->n + 1, lx->out->cap);
	lx->out->cmds[lx->out->n++] = *c;
	memset(c, 0, sizeof(*c));
}

static void add_word(struct lexer *lx, const char *text, size_t rs, size_t re)
{
	struct dfx_shellwords_cmd *c = &lx->cur;

	if (c->argc + 1 > c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 8;

		c->argv = dfx_xrealloc(c->argv, nc * sizeof(*c->argv));
		c->raw = dfx_xrealloc(c->raw, nc * sizeof(*c->raw));
		c->cap = nc;
	}
	c->argv[c->argc] = dfx_xstrdup(text);
	c->raw[c->argc] = dfx_xstrndup(lx->s + rs, re - rs);
	c->argc++;
}

/* Skip the bodies of the heredocs opened on the line that just ended. */
static void skip_heredoc_bodies(struct lexer *lx)
{
	for (size_t h = 0; h < lx->nheredocs; h++) {
		const char *name = lx->heredocs[h];
		size_t nl = strlen(name);

		while (lx->i < lx->n) {
			const char *e = memchr(lx->s + lx->i, '\n', lx->n - lx->i);
			size_t ls = lx->i, le = e ? (size_t)(e - lx->s) : lx->n;

			lx->i = e ? le + 1 : lx->n;
			if (lx->chomp[h])
				while (ls < le && lx->s[ls] == '\t')
					ls++;
			while (le > ls && lx->s[le - 1] == '\r')
				le--;
			if (le - ls == nl && !memcmp(lx->s + ls, name, nl))
				break;
		}
		free(lx->heredocs[h]);
	}
	lx->nheredocs = 0;
}

static void lex(struct dfx_shellwords_script *out, const char *s, size_t n, bool subst, int depth)
{
	struct lexer lx;
	struct dfx_buf text = DFX_BUF_INIT;

	memset(&lx, 0, sizeof(lx));
	lx.s = s;
	lx.n = n;
	lx.out = out;
	lx.subst = subst;
	while (lx.i < n) {
		char c = s[lx.i];
		size_t j;

		if (is_blank(c)) {
			lx.i++;
			continue;
		}
		if (c == '\\' && lx.i + 1 < n && s[lx.i + 1] == '\n') {
			lx.i += 2;
			continue;
		}
		if (c == '\n') {
			end_cmd(&lx, false);
			lx.i++;
			if (lx.nheredocs)
				skip_heredoc_bodies(&lx);
			continue;
		}
		if (c == '#') {
			const char *e = memchr(s + lx.i, '\n', n - lx.i);
			lx.i = e ? (size_t)(e - s) : n;
			continue;
		}
		if (c == '|') {
			bool pipe = !(lx.i + 1 < n && s[lx.i + 1] == '|');

			lx.i += (lx.i + 1 < n && (s[lx.i + 1] == '|' || s[lx.i + 1] == '&')) ? 2 : 1;
			end_cmd(&lx, pipe);
			continue;
		}
		if (c == ';' || c == '(' || c == ')' || (c == '&' && !(lx.i + 1 < n && s[lx.i + 1] == '>'))) {
			lx.i += (lx.i + 1 < n && (s[lx.i + 1] == c)) ? 2 : 1;
			end_cmd(&lx, false);
			continue;
		}
		/* redirections: [n]>, >>, >&, >|, <, <<, <<-, <<<, <&, <>, &> */
		j = lx.i;
		while (j < n && is_digit(s[j]))
			j++;
		if (j < n && (s[j] == '<' || s[j] == '>' || (s[j] == '&' && j == lx.i && j + 1 < n && s[j + 1] == '>')) &&
		    !(j == lx.i && j + 1 < n && s[j + 1] == '(' && s[j] != '&')) {
			bool heredoc = false, chomp = false;

			if (s[j] == '&') {
				j += 2;
				if (j < n && s[j] == '>')
					j++;
			} else if (s[j] == '<') {
				j++;
				if (j < n && s[j] == '<') {
					j++;
					if (j < n && s[j] == '<') {
						j++;
					} else {
						heredoc = true;
						if (j < n && s[j] == '-') {
							chomp = true;
							j++;
						}
					}
				} else if (j < n && (s[j] == '&' || s[j] == '>')) {
					j++;
				}
			} else {
				j++;
				if (j < n && (s[j] == '>' || s[j] == '&' || s[j] == '|'))
					j++;
			}
			while (j < n && is_blank(s[j]))
				j++;
			lx.i = j;
			if (j < n && !word_end(s[j])) {
				lx.i = read_word(&lx, &text);
				if (heredoc && text.len) {
					DFX_GROW(lx.heredocs, lx.nheredocs + 1, lx.hcap);
					lx.chomp = dfx_xrealloc(lx.chomp, lx.hcap * sizeof(*lx.chomp));
					lx.heredocs[lx.nheredocs] = dfx_xstrdup(text.ptr);
					lx.chomp[lx.nheredocs] = chomp;
					lx.nheredocs++;
				}
			}
			continue;
		}
		{
			size_t rs = lx.i, re = read_word(&lx, &text);

			if (re == rs) { /* a lone operator character read_word refused */
				lx.i++;
				continue;
			}
			lx.i = re;
			add_word(&lx, text.ptr, rs, re);
		}
	}
	end_cmd(&lx, false);
	for (size_t h = 0; h < lx.nheredocs; h++)
		free(lx.heredocs[h]);
	free(lx.heredocs);
	free(lx.chomp);
	dfx_buf_release(&text);
	if (depth < SH_MAX_DEPTH)
		for (size_t k = 0; k < lx.nsubs; k++)
			lex(out, s + lx.subs[k].start, lx.subs[k].len, true, depth + 1);
	free(lx.subs);
}

void dfx_shellwords_parse(struct dfx_shellwords_script *s, const char *text, size_t len)
{
	if (text)
		lex(s, text, len, false, 0);
}

void dfx_shellwords_release(struct dfx_shellwords_script *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->cmds[i].argc; k++) {
			free(s->cmds[i].argv[k]);
			free(s->cmds[i].raw[k]);
		}
		free(s->cmds[i].argv);
		free(s->cmds[i].raw);
	}
	free(s->cmds);
	memset(s, 0, sizeof(*s));
}

const char *dfx_shellwords_base(const char *word)
{
	const char *slash = strrchr(word, '/');

	return slash ? slash + 1 : word;
}

bool dfx_shellwords_is_shell(const char *prog)
{
	static const char *const shells[] = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", NULL};

	for (size_t k = 0; shells[k]; k++)
		if (!strcmp(prog, shells[k]))
			return true;
	return false;
}

/* Whether option `opt` of a wrapper takes the next word as its value. */
static bool opt_takes_arg(const char *opt, const char *const *with_arg)
{
	for (size_t k = 0; with_arg[k]; k++)
		if (!strcmp(opt, with_arg[k]))
			return true;
	return false;
}

bool dfx_shellwords_wrapper(const struct dfx_shellwords_cmd *c, size_t i, size_t *next)
{
	static const char *const sudo_args[] = {"-u", "-g", "-p", "-C", "-h", "-r", "-t", "-U", "-D", "-R", "-T",
						"--user", "--group", "--prompt", NULL};
	static const char *const env_args[] = {"-u", "-C", "-S", "--unset", "--chdir", NULL};
	static const char *const xargs_args[] = {"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a", NULL};
	static const char *const exec_args[] = {"-a", NULL};
	static const char *const nice_args[] = {"-n", NULL};
	static const char *const timeout_args[] = {"-s", "-k", "--signal", "--kill-after", NULL};
	static const char *const none[] = {NULL};
	const char *p;
	const char *const *with_arg;
	size_t positional = 0; /* words the wrapper takes before the command */

	if (i >= c->argc)
		return false;
	p = dfx_shellwords_base(c->argv[i]);
	if (!strcmp(p, "sudo") || !strcmp(p, "doas"))
		with_arg = sudo_args;
	else if (!strcmp(p, "env"))
		with_arg = env_args;
	else if (!strcmp(p, "xargs"))
		with_arg = xargs_args;
	else if (!strcmp(p, "exec"))
		with_arg = exec_args;
	else if (!strcmp(p, "nice"))
		with_arg = nice_args;
	else if (!strcmp(p, "timeout"))
		with_arg = timeout_args, positional = 1;
	else if (!strcmp(p, "gosu") || !strcmp(p, "su-exec") || !strcmp(p, "chroot"))
		with_arg = none, positional = 1;
	else if (!strcmp(p, "nohup") || !strcmp(p, "time") || !strcmp(p, "command") || !strcmp(p, "stdbuf") ||
		 !strcmp(p, "eatmydata") || !strcmp(p, "builtin"))
		with_arg = none;
	else
		return false;
	i++;
	while (i < c->argc) {
		const char *w = c->argv[i];

		if (!strcmp(p, "command") && (!strcmp(w, "-v") || !strcmp(w, "-V")))
			return false; /* `command -v x` looks x up, it does not run it */
		if (!strcmp(w, "--")) {
			i++;
			break;
		}
		if (w[0] == '-' && w[1]) {
			i += opt_takes_arg(w, with_arg) ? 2 : 1;
			continue;
		}
		if (is_assignment(c->raw[i])) {
			i++;
			continue;
		}
		if (positional) {
			positional--;
			i++;
			continue;
		}
		break;
	}
	*next = i < c->argc ? i : c->argc;
	return true;
}

size_t dfx_shellwords_real_prog(const struct dfx_shellwords_cmd *c)
{
	size_t p = c->prog, nx, guard = 0;

	while (p < c->argc && guard++ < 16 && dfx_shellwords_wrapper(c, p, &nx))
		p = nx;
	return p;
}

/* The script of `sh -c SCRIPT` in an exec form, or NULL. */
static const char *exec_script(const struct dfx_df_instr *in)
{
	if (!in->argc || !dfx_shellwords_is_shell(dfx_shellwords_base(in->argv[0])))
		return NULL;
	for (size_t k = 1; k < in->argc; k++) {
		const char *a = in->argv[k];

		if (a[0] != '-')
			return NULL;
		if (a[1] != '-' && strchr(a, 'c'))
			return k + 1 < in->argc ? in->argv[k + 1] : NULL;
	}
	return NULL;
}

/* Whether a heredoc body is a shell script by its first line. */
static bool shebang_is_shell(const char *body)
{
	const char *e, *p;
	char prog[32];
	size_t n;

	if (strncmp(body, "#!", 2) != 0)
		return true;
	e = strchr(body, '\n');
	n = e ? (size_t)(e - body) : strlen(body);
	/* "#!/usr/bin/env bash" or "#!/bin/sh -e" */
	p = body + 2;
	while (p < body + n && is_blank(*p))
		p++;
	{
		const char *we = p;
		while (we < body + n && !is_blank(*we))
			we++;
		const char *base = p;
		for (const char *q = p; q < we; q++)
			if (*q == '/')
				base = q + 1;
		if ((size_t)(we - base) == 3 && !strncmp(base, "env", 3)) {
			p = we;
			while (p < body + n && is_blank(*p))
				p++;
			we = p;
			while (we < body + n && !is_blank(*we))
				we++;
			base = p;
		}
		if ((size_t)(we - base) >= sizeof(prog))
			return false;
		memcpy(prog, base, (size_t)(we - base));
		prog[we - base] = '\0';
	}
	return dfx_shellwords_is_shell(prog);
}

void dfx_shellwords_run(struct dfx_shellwords_script *s, const struct dfx_df_instr *in)
{
	if (dfx_df_is(in, "ONBUILD") && in->sub)
		in = in->sub;
	if (!dfx_df_is(in, "RUN"))
		return;
	if (in->json) {
		const char *script = exec_script(in);

		if (script) {
			dfx_shellwords_parse(s, script, strlen(script));
		} else if (in->argc) {
			struct dfx_shellwords_cmd c;

			memset(&c, 0, sizeof(c));
			c.argv = dfx_xcalloc(in->argc, sizeof(*c.argv));
			c.raw = dfx_xcalloc(in->argc, sizeof(*c.raw));
			for (size_t k = 0; k < in->argc; k++) {
				c.argv[k] = dfx_xstrdup(in->argv[k]);
				c.raw[k] = dfx_xstrdup(in->argv[k]);
			}
			c.argc = c.cap = in->argc;
			c.prog = 0;
			DFX_GROW(s->cmds, s->n + 1, s->cap);
			s->cmds[s->n++] = c;
		}
		return;
	}
	if (!in->nheredocs) {
		dfx_shellwords_parse(s, in->args_text, strlen(in->args_text));
		return;
	}
	{
		struct dfx_shellwords_script line = {0};
		bool script = true;

		dfx_shellwords_parse(&line, in->args_text, strlen(in->args_text));
		if (line.n) {
			size_t p = dfx_shellwords_real_prog(&line.cmds[0]);
			script = p < line.cmds[0].argc && dfx_shellwords_is_shell(dfx_shellwords_base(line.cmds[0].argv[p]));
		}
		/* the instruction line's own commands count too (`cat <<EOF > f && sh f`) */
		for (size_t k = 0; k < line.n; k++) {
			DFX_GROW(s->cmds, s->n + 1, s->cap);
			s->cmds[s->n++] = line.cmds[k];
		}
		free(line.cmds);
		if (script)
			for (size_t h = 0; h < in->nheredocs; h++)
				if (in->heredocs[h].content && shebang_is_shell(in->heredocs[h].content))
					dfx_shellwords_parse(s, in->heredocs[h].content, strlen(in->heredocs[h].content));
	}
}


/* ================================================================ mentions */

bool dfx_shellwords_mentions_var(const char *text, const char *name)
{
	size_t len = strlen(name);

	if (!text || !len)
		return false;
	for (const char *p = strchr(text, '$'); p; p = strchr(p + 1, '$')) {
		if (p[1] == '{') {
			if (!strncmp(p + 2, name, len) && !is_name_char(p[2 + len]) && p[2 + len])
				return true;
		} else if (!strncmp(p + 1, name, len) && !is_name_char(p[1 + len])) {
			return true;
		}
	}
	return false;
}
