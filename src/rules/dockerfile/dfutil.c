/*
 * dfutil.c - helpers shared by the Dockerfile security rules (see
 * dfutil.h): a shell command splitter for RUN, variable and path mentions,
 * secret-mount edits, secret-looking file names, and base-image
 * resolution and re-tagging.
 *
 * References: research/dockerfile-anchors.md 3.4-3.9 (continuations,
 * heredocs, RUN --mount secret options, frontend 1.10 for `env=`, the
 * directive block) and SPEC.md section 3 (DF101-DF407).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dfutil.h"
#include "dockfix/ignore.h"
#include "dockfix/rule.h"
#include "dockfix/secrets.h"

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
	struct dfx_sh_script *out;
	struct dfx_sh_cmd cur;
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
	struct dfx_sh_cmd *c = &lx->cur;

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
	struct dfx_sh_cmd *c = &lx->cur;

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

static void lex(struct dfx_sh_script *out, const char *s, size_t n, bool subst, int depth)
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

void dfx_sh_parse(struct dfx_sh_script *s, const char *text, size_t len)
{
	if (text)
		lex(s, text, len, false, 0);
}

void dfx_sh_release(struct dfx_sh_script *s)
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

const char *dfx_sh_base(const char *word)
{
	const char *slash = strrchr(word, '/');

	return slash ? slash + 1 : word;
}

bool dfx_sh_is_shell(const char *prog)
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

bool dfx_sh_wrapper(const struct dfx_sh_cmd *c, size_t i, size_t *next)
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
	p = dfx_sh_base(c->argv[i]);
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

size_t dfx_sh_real_prog(const struct dfx_sh_cmd *c)
{
	size_t p = c->prog, nx, guard = 0;

	while (p < c->argc && guard++ < 16 && dfx_sh_wrapper(c, p, &nx))
		p = nx;
	return p;
}

/* The script of `sh -c SCRIPT` in an exec form, or NULL. */
static const char *exec_script(const struct dfx_df_instr *in)
{
	if (!in->argc || !dfx_sh_is_shell(dfx_sh_base(in->argv[0])))
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
	return dfx_sh_is_shell(prog);
}

void dfx_sh_run(struct dfx_sh_script *s, const struct dfx_df_instr *in)
{
	if (dfx_df_is(in, "ONBUILD") && in->sub)
		in = in->sub;
	if (!dfx_df_is(in, "RUN"))
		return;
	if (in->json) {
		const char *script = exec_script(in);

		if (script) {
			dfx_sh_parse(s, script, strlen(script));
		} else if (in->argc) {
			struct dfx_sh_cmd c;

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
		dfx_sh_parse(s, in->args_text, strlen(in->args_text));
		return;
	}
	{
		struct dfx_sh_script line = {0};
		bool script = true;

		dfx_sh_parse(&line, in->args_text, strlen(in->args_text));
		if (line.n) {
			size_t p = dfx_sh_real_prog(&line.cmds[0]);
			script = p < line.cmds[0].argc && dfx_sh_is_shell(dfx_sh_base(line.cmds[0].argv[p]));
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
					dfx_sh_parse(s, in->heredocs[h].content, strlen(in->heredocs[h].content));
	}
}

/* ================================================================ builds */

static const char *bprog(const struct dfx_sh_cmd *c, size_t *at)
{
	size_t p = dfx_sh_real_prog(c);

	*at = p;
	return p < c->argc ? dfx_sh_base(c->argv[p]) : "";
}

/* The first argument after the program that is not an option, or "". */
static const char *bsub(const struct dfx_sh_cmd *c, size_t p, size_t nth)
{
	for (size_t k = p + 1; k < c->argc; k++) {
		if (c->argv[k][0] == '-')
			continue;
		if (!nth--)
			return c->argv[k];
	}
	return "";
}

static bool build_script(const char *s)
{
	return !strncmp(s, "build", 5) || !strcmp(s, "compile") || !strcmp(s, "dist") || !strcmp(s, "bundle") ||
	       !strcmp(s, "tsc");
}

static bool node_tool(const char *t, const struct dfx_sh_cmd *c, size_t p)
{
	static const char *const tools[] = {"tsc", "webpack", "rollup", "esbuild", "parcel", "gulp", "grunt", NULL};
	static const char *const sub_build[] = {"vite", "next", "ng", "nest", "nuxt", "astro", "remix", "react-scripts",
						"vue-cli-service", "svelte-kit", NULL};

	for (size_t k = 0; tools[k]; k++)
		if (!strcmp(t, tools[k]))
			return true;
	for (size_t k = 0; sub_build[k]; k++)
		if (!strcmp(t, sub_build[k]) && !strcmp(bsub(c, p, 0), "build"))
			return true;
	return false;
}

static bool build_package(const char *w)
{
	static const char *const pk[] = {"gcc", "g++", "build-essential", "build-base", "musl-dev", "python3-dev",
					 "python-dev", "libffi-dev", "libpq-dev", "libssl-dev", "openssl-dev",
					 "postgresql-dev", "libxml2-dev", "libxslt-dev", "zlib1g-dev", "zlib-dev",
					 "gfortran", "cargo", "rust", "clang", "cmake", "make", "linux-headers", NULL};

	for (size_t k = 0; pk[k]; k++)
		if (!strcmp(w, pk[k]) || (!strncmp(w, pk[k], strlen(pk[k])) && w[strlen(pk[k])] == '='))
			return true;
	return false;
}

/* "npm run build": the program and up to two following words, shortened. */
static void name_cmd(char *out, size_t size, const struct dfx_sh_cmd *c, size_t p, size_t nwords)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t k = p; k < c->argc && k <= p + nwords; k++) {
		const char *w = k == p ? dfx_sh_base(c->argv[k]) : c->argv[k];
		int n = snprintf(out + len, size - len, "%s%s", len ? " " : "", w);

		if (n < 0 || (size_t)n >= size - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
}

static void found(struct dfx_dfu_build *s, enum dfx_eco e, const struct dfx_sh_cmd *c, size_t p, size_t nwords,
		  size_t at)
{
	if (s->eco == DFX_ECO_NONE) {
		s->eco = e;
		name_cmd(s->what, sizeof(s->what), c, p, nwords);
		s->build_at = at;
	}
}

static void scan_cmd(struct dfx_dfu_build *s, const struct dfx_sh_cmd *c, size_t at)
{
	size_t p;
	const char *pr = bprog(c, &p), *a0, *a1;

	if (!*pr)
		return;
	a0 = bsub(c, p, 0);
	a1 = bsub(c, p, 1);
	if (!strcmp(pr, "npm") || !strcmp(pr, "pnpm") || !strcmp(pr, "yarn")) {
		bool yarn = !strcmp(pr, "yarn");

		if (!strcmp(a0, "install") || !strcmp(a0, "i") || !strcmp(a0, "ci") || (yarn && !*a0) ||
		    (!strcmp(pr, "pnpm") && !strcmp(a0, "add")))
			s->node_install = true;
		else if (((!strcmp(a0, "run") || !strcmp(a0, "run-script")) && build_script(a1)) ||
			 (strcmp(pr, "npm") != 0 && build_script(a0))) {
			s->node_build = true;
			s->node_build_at = at;
			name_cmd(s->node_what, sizeof(s->node_what), c, p, strcmp(a0, "run") ? 1 : 2);
		}
		return;
	}
	if ((!strcmp(pr, "npx") || !strcmp(pr, "pnpx")) && node_tool(dfx_sh_base(a0), c, p + 1)) {
		s->node_build = true;
		s->node_build_at = at;
		name_cmd(s->node_what, sizeof(s->node_what), c, p, 2);
		return;
	}
	if (node_tool(pr, c, p)) {
		s->node_build = true;
		s->node_build_at = at;
		name_cmd(s->node_what, sizeof(s->node_what), c, p, 1);
		return;
	}
	if (!strcmp(pr, "go") && !strcmp(a0, "build")) {
		found(s, DFX_ECO_GO, c, p, 1, at);
	} else if (!strcmp(pr, "mvn") || !strcmp(pr, "mvnw")) {
		for (size_t k = p + 1; k < c->argc; k++)
			if (!strcmp(c->argv[k], "package") || !strcmp(c->argv[k], "install") ||
			    !strcmp(c->argv[k], "verify") || !strcmp(c->argv[k], "compile"))
				found(s, DFX_ECO_JAVA, c, p, 0, at);
	} else if (!strcmp(pr, "gradle") || !strcmp(pr, "gradlew")) {
		for (size_t k = p + 1; k < c->argc; k++)
			if (!strcmp(c->argv[k], "build") || !strcmp(c->argv[k], "assemble") ||
			    !strncmp(c->argv[k], "bootJar", 7) || !strcmp(c->argv[k], "jar") ||
			    !strcmp(c->argv[k], "shadowJar") || !strcmp(c->argv[k], "installDist") ||
			    !strcmp(c->argv[k], "war"))
				found(s, DFX_ECO_JAVA, c, p, 0, at);
	} else if (!strcmp(pr, "cargo") && (!strcmp(a0, "build") || !strcmp(a0, "install"))) {
		found(s, DFX_ECO_RUST, c, p, 1, at);
	} else if (!strcmp(pr, "gcc") || !strcmp(pr, "g++") || !strcmp(pr, "cc") || !strcmp(pr, "c++") ||
		   !strcmp(pr, "clang") || !strcmp(pr, "clang++") || !strcmp(pr, "make") || !strcmp(pr, "ninja") ||
		   !strcmp(pr, "configure") || (!strcmp(pr, "cmake") && !strcmp(a0, "--build"))) {
		found(s, DFX_ECO_C, c, p, 0, at);
	} else if (!strcmp(pr, "pip") || !strcmp(pr, "pip3") || ((!strncmp(pr, "python", 6)) &&
								  !strcmp(bsub(c, p, 0), "pip"))) {
		for (size_t k = p + 1; k < c->argc; k++)
			if (!strcmp(c->argv[k], "install"))
				s->pip = true;
	} else if (!strcmp(pr, "apt-get") || !strcmp(pr, "apt") || !strcmp(pr, "apk") || !strcmp(pr, "yum") ||
		   !strcmp(pr, "dnf") || !strcmp(pr, "microdnf")) {
		if (!strcmp(a0, "install") || !strcmp(a0, "add")) {
			for (size_t k = p + 2; k < c->argc; k++)
				if (build_package(c->argv[k]))
					s->build_deps = true;
		}
		if (!strcmp(a0, "del") || !strcmp(a0, "purge") || !strcmp(a0, "remove") || !strcmp(a0, "autoremove") ||
		    !strcmp(a0, "erase"))
			s->removes_pkgs = true;
	}
}

enum dfx_eco dfx_dfu_build_scan(const struct dfx_dockerfile *df, size_t stage, struct dfx_dfu_build *s)
{
	const struct dfx_df_stage *st = &df->stages[stage];

	memset(s, 0, sizeof(*s));
	for (size_t i = st->first; i <= st->last; i++) {
		struct dfx_sh_script sc = {0};

		if (!dfx_df_is(&df->instrs[i], "RUN"))
			continue;
		dfx_sh_run(&sc, &df->instrs[i]);
		for (size_t k = 0; k < sc.n; k++)
			scan_cmd(s, &sc.cmds[k], i);
		dfx_sh_release(&sc);
	}
	if (s->node_install && s->node_build) {
		memcpy(s->what, s->node_what, sizeof(s->what));
		s->build_at = s->node_build_at;
		return DFX_ECO_NODE;
	}
	if (s->eco != DFX_ECO_NONE && !(s->eco == DFX_ECO_C && s->removes_pkgs))
		return s->eco;
	if (s->pip && s->build_deps && !s->removes_pkgs) {
		snprintf(s->what, sizeof(s->what), "pip install");
		return DFX_ECO_PIP;
	}
	return DFX_ECO_NONE;
}

bool dfx_dfu_nonprod_path(const char *path)
{
	static const char *const name_toks[] = {"build", "builder", "dev", "devel", "development", "ci", "test",
						"tests", "devcontainer", "toolchain", "sdk", NULL};
	static const char *const dirs[] = {"test", "tests", "testdata", "testfiles", "testing", "e2e", "fixtures", "ci",
					   "devcontainer", "circleci", NULL};
	const char *p = path, *base = path;

	/* directories: components before the last '/' or "__" */
	for (;;) {
		const char *slash = strchr(p, '/'), *flat = strstr(p, "__"), *e;
		size_t n;

		e = slash && (!flat || slash < flat) ? slash : flat;
		if (!e)
			break;
		n = (size_t)(e - p);
		/* a directory named, or with a word, test, ci, e2e ... (nnp-test/, gitlab-ci/) */
		for (size_t off = 0; off < n;) {
			size_t w = strcspn(p + off, "._-/");

			if (w > n - off)
				w = n - off;
			for (size_t k = 0; dirs[k]; k++)
				if (w == strlen(dirs[k]) && !strncasecmp(p + off, dirs[k], w))
					return true;
			off += w + 1;
		}
		p = e + (e == slash ? 1 : 2);
		base = p;
	}
	for (const char *t = base; *t;) {
		size_t n = strcspn(t, "._-");

		for (size_t k = 0; name_toks[k]; k++)
			if (n == strlen(name_toks[k]) && !strncasecmp(t, name_toks[k], n))
				return true;
		t += n;
		if (*t)
			t++;
	}
	return false;
}

/* ================================================================ mentions */

bool dfx_dfu_mentions_var(const char *text, const char *name)
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

bool dfx_dfu_run_mentions_var(const struct dfx_df_instr *in, const char *name)
{
	if (dfx_dfu_mentions_var(in->args_text, name))
		return true;
	for (size_t k = 0; k < in->argc; k++)
		if (dfx_dfu_mentions_var(in->argv[k], name))
			return true;
	for (size_t h = 0; h < in->nheredocs; h++)
		if (dfx_dfu_mentions_var(in->heredocs[h].content, name))
			return true;
	return false;
}

static bool path_char(char c)
{
	return is_name_char(c) || c == '.' || c == '-' || c == '/' || c == '~';
}

/* `path` in `text`, not as a part of a longer path or name. */
static bool text_mentions_path(const char *text, const char *path)
{
	size_t len = strlen(path);

	if (!text || !len)
		return false;
	for (const char *p = strstr(text, path); p; p = strstr(p + 1, path))
		if ((p == text || !path_char(p[-1])) && !path_char(p[len]))
			return true;
	return false;
}

bool dfx_dfu_run_mentions_path(const struct dfx_df_instr *in, const char *path)
{
	if (text_mentions_path(in->args_text, path))
		return true;
	for (size_t k = 0; k < in->argc; k++)
		if (text_mentions_path(in->argv[k], path))
			return true;
	for (size_t h = 0; h < in->nheredocs; h++)
		if (text_mentions_path(in->heredocs[h].content, path))
			return true;
	return false;
}

/* Whether a --mount value is type=secret with `key` (target aliases: dst,
   destination) equal to `want`. */
static bool mount_field(const char *v, const char *key, const char *want)
{
	bool secret = false, match = false;

	while (*v) {
		const char *e = strchr(v, ',');
		size_t n = e ? (size_t)(e - v) : strlen(v);
		const char *eq = memchr(v, '=', n);

		if (eq) {
			size_t kn = (size_t)(eq - v), vn = n - kn - 1;
			bool is_target = (kn == 6 && !strncasecmp(v, "target", 6)) || (kn == 3 && !strncasecmp(v, "dst", 3)) ||
					 (kn == 11 && !strncasecmp(v, "destination", 11));

			if (kn == 4 && !strncasecmp(v, "type", 4) && vn == 6 && !strncmp(eq + 1, "secret", 6))
				secret = true;
			if (((!strcmp(key, "target") && is_target) || (strlen(key) == kn && !strncasecmp(v, key, kn))) &&
			    strlen(want) == vn && !strncmp(eq + 1, want, vn))
				match = true;
		}
		v += n;
		if (*v == ',')
			v++;
	}
	return secret && match;
}

bool dfx_dfu_has_secret_mount(const struct dfx_df_instr *in, const char *key, const char *value)
{
	for (size_t k = 0; k < in->nflags; k++)
		if (!strcmp(in->flags[k].name, "mount") && in->flags[k].value &&
		    mount_field(in->flags[k].value, key, value))
			return true;
	return false;
}

/* ================================================================ names */

/* Split a variable name into lower-case tokens (at _ - . and camelCase). */
static size_t name_tokens(const char *name, char toks[][32], size_t max)
{
	size_t n = 0, len = 0;

	for (const char *p = name;; p++) {
		char c = *p;
		bool alnum = is_name_char(c) && c != '_';
		bool split = !alnum;

		if (alnum && len && p > name) {
			char a = p[-1], b = p[1];
			bool lo_up = a >= 'a' && a <= 'z' && c >= 'A' && c <= 'Z';
			bool up_up_lo = a >= 'A' && a <= 'Z' && c >= 'A' && c <= 'Z' && b >= 'a' && b <= 'z';

			if (lo_up || up_up_lo) {
				if (n < max)
					toks[n++][len] = '\0';
				len = 0;
			}
		}
		if (split) {
			if (len && n < max)
				toks[n++][len] = '\0';
			len = 0;
			if (!c)
				break;
			continue;
		}
		if (n < max && len < 31)
			toks[n][len++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	return n;
}

bool dfx_dfu_bare_key_name(const char *name)
{
	static const char *const qualifiers[] = {"api", "access", "private", "secret", "client", "encryption", "app",
						 "auth", "master", "jwt", "ssh", "session", "license", "licence",
						 "signing", "hmac", "cipher", "crypto", "account", "service", "consumer",
						 "subscription", "primary", "secondary", "shared", "storage", "admin",
						 "root", "deploy", "webhook", "sign", NULL};
	char toks[16][32];
	size_t n = name_tokens(name, toks, 16);
	struct dfx_buf rest = DFX_BUF_INIT;
	bool has_key = false, bare;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(toks[i], "key") && strcmp(toks[i], "keys")) {
			dfx_buf_addf(&rest, "%s%s", rest.len ? "_" : "", toks[i]);
			continue;
		}
		has_key = true;
		for (size_t q = 0; i && qualifiers[q]; q++)
			if (!strcmp(toks[i - 1], qualifiers[q])) {
				dfx_buf_release(&rest);
				return false;
			}
	}
	bare = has_key && !dfx_secret_name(rest.ptr ? rest.ptr : "");
	dfx_buf_release(&rest);
	return bare;
}

bool dfx_dfu_secretish_value(const char *v)
{
	bool letter = false, digit = false;
	size_t n = 0;

	for (const char *p = v; *p; p++, n++) {
		if (*p == ' ' || *p == '.' || *p == '/' || *p == ':' || *p == '\t')
			return false;
		letter |= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
		digit |= is_digit(*p);
	}
	return n >= 8 && letter && digit;
}

void dfx_dfu_mask_secret(struct dfx_finding *f, const struct dfx_df_instr *in)
{
	if (!f || f->secret.end > f->secret.start)
		return;
	for (size_t k = 0; k < in->nwords; k++) {
		const char *w = in->words[k].text;
		const char *eq = strchr(w, '=');

		/* VAR=value and --flag=value: judge the value */
		if (eq && eq[1] && !strstr(w, "://"))
			w = eq + 1;
		if (dfx_secret_value(w, strlen(w), NULL)) {
			f->secret = in->words[k].span;
			return;
		}
	}
}

/* ================================================================ edits */

uint32_t dfx_dfu_flag_insert_at(const struct dfx_df_instr *in)
{
	return in->args.start;
}

void dfx_dfu_delete_instr(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			  const struct dfx_df_instr *in)
{
	const struct dfx_source *src = df->src;
	uint32_t a = in->lines.start, b = in->lines.end;

	if (b == src->len && b > a && src->data[b - 1] != '\n' && a > df->body_start && src->data[a - 1] == '\n') {
		a--;
		if (a > df->body_start && src->data[a - 1] == '\r')
			a--;
	}
	dfx_fix_edit(fix, path, a, b, "");
}

void dfx_dfu_delete_pair(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			 const struct dfx_df_instr *in, size_t k)
{
	if (in->nkvs <= 1)
		dfx_dfu_delete_instr(fix, path, df, in);
	else if (k == 0)
		dfx_fix_edit(fix, path, in->kvs[0].span.start, in->kvs[1].span.start, "");
	else
		dfx_fix_edit(fix, path, in->kvs[k - 1].span.end, in->kvs[k].span.end, "");
}

/* The first occurrence of needle[0, m) in hay[0, n), or NULL. */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
	if (!m || m > n)
		return NULL;
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return hay + i;
	return NULL;
}

/* "1.4" -> minor 4 of major 1; -1 when not a plain 1.N version. */
static int frontend_minor(const char *tag, size_t n)
{
	int minor = 0;
	size_t i = 2;

	if (n < 3 || tag[0] != '1' || tag[1] != '.' || !is_digit(tag[2]))
		return -1;
	while (i < n && is_digit(tag[i]) && minor < 1000)
		minor = minor * 10 + (tag[i++] - '0');
	return minor;
}

bool dfx_dfu_syntax_edit(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df)
{
	const struct dfx_df_directive *d = dfx_dockerfile_directive(df, "syntax");
	const char *v, *tag, *at;
	const char *src = df->src->data;
	size_t tn;
	bool labs;
	char *nv;

	if (!d) {
		char *line = dfx_xasprintf("# syntax=docker/dockerfile:1%s", dfx_source_eol(df->src));

		dfx_fix_edit(fix, path, (uint32_t)df->body_start, (uint32_t)df->body_start, line);
		free(line);
		return true;
	}
	v = d->value;
	if (!strncmp(v, "docker.io/", 10))
		v += 10;
	if (strncmp(v, "docker/dockerfile", 17) != 0)
		return false; /* another frontend: its own business */
	tag = v + 17;
	if (*tag != ':')
		return false; /* no tag: latest, new enough */
	tag++;
	at = strchr(tag, '@');
	tn = at ? (size_t)(at - tag) : strlen(tag);
	labs = find_bytes(tag, tn, "labs", 4) != NULL;
	if ((tn == 1 && tag[0] == '1') || (tn == 6 && !strncmp(tag, "latest", 6)) || (tn == 4 && !strncmp(tag, "labs", 4)) ||
	    (tn == 6 && !strncmp(tag, "1-labs", 6)))
		return false;
	if (frontend_minor(tag, tn) >= 10)
		return false;
	/* older: 1.N (N < 10), 0.x, experimental */
	{
		const char *line = src + d->lines.start;
		size_t ln = d->lines.end - d->lines.start, vl = strlen(d->value);
		const char *hit = vl ? find_bytes(line, ln, d->value, vl) : NULL;

		if (!hit)
			return false;
		nv = dfx_xasprintf("docker/dockerfile:1%s", labs ? "-labs" : "");
		dfx_fix_edit(fix, path, (uint32_t)(hit - src), (uint32_t)(hit - src + vl), nv);
		free(nv);
	}
	return true;
}

char *dfx_dfu_secret_id(const char *name)
{
	char *id = dfx_xstrdup(name);

	for (char *p = id; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return id;
}

/* Whether stage t is stage s or built FROM it (directly or not). */
static bool stage_from(const struct dfx_dockerfile *df, int t, int s)
{
	size_t guard = 0;

	while (t >= 0 && guard++ <= df->nstages) {
		if (t == s)
			return true;
		t = df->stages[t].parent;
	}
	return false;
}

/* Whether an ENV value as written is exactly $name or ${name}. */
static bool copies_var(const char *raw, const char *name)
{
	size_t n = strlen(name);

	if (raw[0] != '$')
		return false;
	if (raw[1] == '{')
		return !strncmp(raw + 2, name, n) && raw[2 + n] == '}' && !raw[3 + n];
	return !strncmp(raw + 1, name, n) && !raw[1 + n];
}

/*
 * Whether a RUN runs a tool that reads credential variable `name` from the
 * environment without the RUN text naming it (aws reads AWS_*, npm reads
 * NPM_TOKEN through .npmrc, gh reads GH_TOKEN, ...).
 */
static bool implicit_reader(const struct dfx_df_instr *in, const char *name)
{
	static const struct {
		const char *var;     /* variable, or prefix ending in '_' */
		const char *progs;   /* space-separated programs */
	} readers[] = {
		{"AWS_", " aws sam cdk s3cmd terraform "},
		{"NPM_TOKEN", " npm npx yarn pnpm "},
		{"NODE_AUTH_TOKEN", " npm npx yarn pnpm "},
		{"YARN_NPM_AUTH_TOKEN", " yarn "},
		{"GITHUB_TOKEN", " gh "},
		{"GH_TOKEN", " gh "},
		{"HF_TOKEN", " huggingface-cli hf "},
		{"CARGO_REGISTRY_TOKEN", " cargo "},
		{"TWINE_PASSWORD", " twine "},
		{"POETRY_HTTP_BASIC_", " poetry "},
		{"UV_INDEX_", " uv "},
		{"PIP_INDEX_URL", " pip pip3 "},
		{"GOOGLE_APPLICATION_CREDENTIALS", " gcloud gsutil "},
		{"AZURE_", " az "},
		{"VAULT_TOKEN", " vault "},
	};
	struct dfx_sh_script sc = {0};
	bool hit = false;

	for (size_t k = 0; k < sizeof(readers) / sizeof(readers[0]) && !hit; k++) {
		const char *v = readers[k].var;
		size_t vl = strlen(v);

		if (v[vl - 1] == '_' ? strncmp(name, v, vl) != 0 : strcmp(name, v) != 0)
			continue;
		if (!sc.n)
			dfx_sh_run(&sc, in);
		for (size_t c = 0; c < sc.n && !hit; c++) {
			size_t p = dfx_sh_real_prog(&sc.cmds[c]);
			char *pat;

			if (p >= sc.cmds[c].argc)
				continue;
			pat = dfx_xasprintf(" %s ", dfx_sh_base(sc.cmds[c].argv[p]));
			hit = strstr(readers[k].progs, pat) != NULL;
			free(pat);
		}
	}
	dfx_sh_release(&sc);
	return hit;
}

size_t dfx_dfu_secret_pair_fix(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			       size_t at, size_t k, bool inherit, struct dfx_buf *lines)
{
	return dfx_dfu_secret_pair_fix_env(fix, path, df, at, k, inherit, lines, NULL);
}

size_t dfx_dfu_secret_pair_fix_env(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
				   size_t at, size_t k, bool inherit, struct dfx_buf *lines, size_t *nenv)
{
	const struct dfx_df_instr *in = &df->instrs[at];
	const char *name = in->kvs[k].key;
	char *id = dfx_dfu_secret_id(name), *mount;
	size_t n = 0;
	int stage = in->stage;

	mount = dfx_xasprintf("--mount=type=secret,id=%s,env=%s ", id, name);
	if (nenv)
		*nenv = 0;
	dfx_dfu_delete_pair(fix, path, df, in, k);
	if (stage >= 0) {
		for (size_t i = at + 1; i < df->ninstrs; i++) {
			const struct dfx_df_instr *r = &df->instrs[i];
			bool in_scope = r->stage == stage || (inherit && stage_from(df, r->stage, stage));

			if (!in_scope)
				continue;
			/* ENV NAME=$NAME copies the build argument into the image */
			if (!inherit && dfx_df_is(r, "ENV") && r->stage == stage) {
				for (size_t q = 0; q < r->nkvs; q++) {
					const struct dfx_df_kv *kv = &r->kvs[q];
					char *raw = dfx_xstrndup(df->src->data + kv->value_span.start,
								 kv->value_span.end - kv->value_span.start);

					if (!strcmp(kv->key, name) && copies_var(raw, name)) {
						dfx_dfu_delete_pair(fix, path, df, r, q);
						if (nenv)
							(*nenv)++;
						free(raw);
						break;
					}
					free(raw);
				}
			}
			if (!dfx_df_is(r, "RUN") || dfx_dfu_has_secret_mount(r, "env", name) ||
			    !(dfx_dfu_run_mentions_var(r, name) || implicit_reader(r, name)))
				continue;
			dfx_fix_edit(fix, path, dfx_dfu_flag_insert_at(r), dfx_dfu_flag_insert_at(r), mount);
			if (lines)
				dfx_buf_addf(lines, "%s%u", n ? ", " : "", r->line);
			n++;
		}
	}
	if (n)
		dfx_dfu_syntax_edit(fix, path, df);
	free(mount);
	free(id);
	return n;
}

/* ================================================================ secret files */

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

static bool has_token(const char *lower, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = strstr(lower, tok); p; p = strstr(p + 1, tok))
		if ((p == lower || !is_name_char(p[-1]) || p[-1] == '_') &&
		    (!is_name_char(p[n]) || p[n] == '_'))
			return true;
	return false;
}

/* Whether a key/pem file name says it holds something public. */
static bool public_name(const char *base)
{
	static const char *const subs[] = {"cert", "chain", "bundle", "pub", "trust", "gpg", "pgp", "keyring",
					   "signing", "crt", "dhparam", "ffdhe", NULL};
	static const char *const toks[] = {"ca", "root", "rootca", "release", "repo", "apt", "archive", "yum",
					   "rpm", "dhparam", "dhparams", "dh", NULL};
	char *low = dfx_xstrdup(base);
	bool pub = false;

	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	for (size_t k = 0; subs[k] && !pub; k++)
		pub = strstr(low, subs[k]) != NULL;
	for (size_t k = 0; toks[k] && !pub; k++)
		pub = has_token(low, toks[k]);
	/* dh2048.pem: Diffie-Hellman parameters */
	pub = pub || (low[0] == 'd' && low[1] == 'h' && is_digit(low[2]));
	free(low);
	return pub;
}

bool dfx_dfu_secret_file(const char *path, const char **what)
{
	static const char *const templates[] = {"example", "sample", "template", "tmpl", "tpl", "dist", "defaults",
						"default", "schema", "docs", "dev.example", NULL};
	char *copy = dfx_xstrdup(path);
	size_t n = strlen(copy);
	const char *base, *w = NULL;

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = dfx_sh_base(copy);
	/* a directory component */
	for (const char *p = copy; *p;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == 4 && !strncmp(p, ".aws", 4))
			w = "AWS credentials directory (.aws/)";
		else if (len == 4 && !strncmp(p, ".ssh", 4))
			w = "SSH directory (.ssh/)";
		else if (len == 5 && !strncmp(p, ".kube", 5))
			w = "kubeconfig directory (.kube/)";
		if (w || !e)
			break;
		p = e + 1;
	}
	if (w && !strcmp(w, "SSH directory (.ssh/)") &&
	    (ends_with(base, ".pub") || !strcmp(base, "known_hosts") || !strcmp(base, "config")))
		w = NULL;
	if (w)
		goto done;
	if (!strncmp(base, ".env", 4)) {
		const char *rest = base + 4;

		if (*rest && *rest != '.' && *rest != '*' && strcmp(rest, "rc") != 0)
			goto done; /* .environment, .envoy ... */
		if (*rest == '.') {
			for (size_t k = 0; templates[k]; k++)
				if (!strcasecmp(rest + 1, templates[k]) || ends_with(rest, templates[k]))
					goto done;
		}
		w = "environment file (.env)";
	} else if (ends_with(base, ".pem")) {
		if (!public_name(base))
			w = "PEM key file (*.pem)";
	} else if (ends_with(base, ".key")) {
		if (!public_name(base))
			w = "private key file (*.key)";
	} else if (!strncmp(base, "id_rsa", 6) || !strncmp(base, "id_ed25519", 10) || !strncmp(base, "id_ecdsa", 8) ||
		   !strncmp(base, "id_dsa", 6)) {
		if (!ends_with(base, ".pub"))
			w = "SSH private key";
	} else if (!strcmp(base, ".npmrc")) {
		w = "npm credentials file (.npmrc)";
	} else if (!strcmp(base, ".pypirc")) {
		w = "PyPI credentials file (.pypirc)";
	} else if (!strcmp(base, ".netrc") || !strcmp(base, "_netrc")) {
		w = "netrc credentials file";
	} else if (!strcmp(base, ".git-credentials")) {
		w = "git credentials file (.git-credentials)";
	} else if (ends_with(base, "credentials.json")) {
		w = "credentials file (credentials.json)";
	} else if (ends_with(base, ".p12") || ends_with(base, ".pfx")) {
		w = "PKCS#12 key store";
	} else if (!strncasecmp(base, "kubeconfig", 10)) {
		w = "kubeconfig";
	}
done:
	free(copy);
	if (what)
		*what = w;
	return w != NULL;
}

/* ================================================================ paths */

struct argctx {
	const struct dfx_dockerfile *df;
	size_t at;
};

static const char *arg_lookup(void *p, const char *name)
{
	const struct argctx *a = p;

	return dfx_dockerfile_arg_default(a->df, a->at, name);
}

static char *apply_workdir(const struct dfx_dockerfile *df, size_t i, char *wd);

char *dfx_dfu_workdir(const struct dfx_dockerfile *df, size_t at)
{
	const struct dfx_df_instr *in;
	size_t chain[64], nchain = 0;
	char *wd = dfx_xstrdup("/");
	int s;

	if (at >= df->ninstrs)
		return wd;
	in = &df->instrs[at];
	for (s = in->stage; s >= 0 && nchain < 64; s = df->stages[s].parent)
		chain[nchain++] = (size_t)s;
	while (nchain--) {
		const struct dfx_df_stage *st = &df->stages[chain[nchain]];
		size_t end = st->last < at ? st->last : at;

		for (size_t i = st->first; i <= end; i++)
			if (dfx_df_is(&df->instrs[i], "WORKDIR") && df->instrs[i].nwords)
				wd = apply_workdir(df, i, wd);
	}
	return wd;
}

/* One WORKDIR applied to the directory before it. Takes `wd`, returns the new one. */
static char *apply_workdir(const struct dfx_dockerfile *df, size_t i, char *wd)
{
	const struct dfx_df_instr *w = &df->instrs[i];
	struct argctx a = {df, i};
	char *val, *j;

	val = strchr(w->words[0].raw, '$') ? dfx_dockerfile_expand(w->words[0].text, arg_lookup, &a)
					    : dfx_xstrdup(w->words[0].text);
	if (strlen(wd) + strlen(val) > DFX_DFU_MAX_WORKDIR) {
		free(val);
		return wd; /* no real directory is that long: stop following */
	}
	j = dfx_path_join(wd, val);
	if (j[0] != '/') {
		char *abs = dfx_xasprintf("/%s", j);
		free(j);
		j = abs;
	}
	free(val);
	free(wd);
	return j;
}

static const char *pool_add(struct dfx_dfu_wds *w, char *dir)
{
	DFX_GROW(w->pool, w->npool + 1, w->cap);
	w->pool[w->npool++] = dir;
	return dir;
}

void dfx_dfu_workdirs(const struct dfx_dockerfile *df, struct dfx_dfu_wds *w)
{
	const char *cur;

	memset(w, 0, sizeof(*w));
	w->at = dfx_xcalloc(df->ninstrs ? df->ninstrs : 1, sizeof(*w->at));
	cur = pool_add(w, dfx_xstrdup("/"));
	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (in->stage >= 0 && df->stages[in->stage].from == i) {
			int parent = df->stages[in->stage].parent;

			/* a stage built FROM another starts in that stage's last directory */
			cur = parent >= 0 && df->stages[parent].last < i ? w->at[df->stages[parent].last] : w->pool[0];
		}
		if (dfx_df_is(in, "WORKDIR") && in->nwords && in->stage >= 0)
			cur = pool_add(w, apply_workdir(df, i, dfx_xstrdup(cur)));
		w->at[i] = cur;
	}
}

void dfx_dfu_workdirs_release(struct dfx_dfu_wds *w)
{
	for (size_t i = 0; i < w->npool; i++)
		free(w->pool[i]);
	free(w->pool);
	free(w->at);
	memset(w, 0, sizeof(*w));
}

char *dfx_dfu_copy_target(const char *src, const char *dest, bool many, const char *workdir)
{
	size_t dn = strlen(dest);
	char *abs, *target, *clean_src = dfx_xstrdup(src);
	bool dir;
	size_t sn = strlen(clean_src);

	while (sn > 1 && clean_src[sn - 1] == '/')
		clean_src[--sn] = '\0';
	abs = dest[0] == '/' ? dfx_path_clean(dest) : dfx_path_join(workdir, dest);
	if (abs[0] != '/') {
		char *t = dfx_xasprintf("/%s", abs);
		free(abs);
		abs = t;
	}
	dir = many || (dn && dest[dn - 1] == '/') || !strcmp(dest, ".") || !strcmp(abs, workdir);
	target = dir ? dfx_path_join(abs, dfx_sh_base(clean_src)) : dfx_xstrdup(abs);
	if (target[0] != '/') {
		char *t = dfx_xasprintf("/%s", target);
		free(target);
		target = t;
	}
	free(abs);
	free(clean_src);
	return target;
}

static bool is_remote(const char *src)
{
	return strstr(src, "://") != NULL || !strncmp(src, "git@", 4);
}

size_t dfx_dfu_copied_secrets(const struct dfx_dockerfile *df, struct dfx_dfu_copied **out)
{
	struct dfx_dfu_copied *v = NULL;
	size_t n = 0, cap = 0;
	struct dfx_dfu_wds wds = {0};

	for (size_t i = 0; i < df->ninstrs && n < DFX_DFU_MAX_COPIED; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		const char **srcs;
		size_t ns;
		const char *dest;
		const char *wd = NULL;

		if (!(dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD")) || in->nheredocs || in->stage < 0)
			continue;
		ns = dfx_df_copy_sources(in, &srcs);
		if (!ns)
			continue;
		dest = in->json ? in->argv[in->argc - 1] : in->words[in->nwords - 1].text;
		for (size_t k = 0; k < ns; k++) {
			const char *what, *base;
			struct dfx_dfu_copied *c;
			size_t sl = strlen(srcs[k]);

			if (is_remote(srcs[k]) || !dfx_dfu_secret_file(srcs[k], &what))
				continue;
			/* COPY release.key /usr/share/keyrings/x.pub: the destination says it is public */
			if (ns == 1 && dest[0] && dest[strlen(dest) - 1] != '/' && public_name(dfx_sh_base(dest)) &&
			    !dfx_dfu_secret_file(dest, NULL))
				continue;
			if (n >= DFX_DFU_MAX_COPIED)
				break;
			if (!wds.at)
				dfx_dfu_workdirs(df, &wds);
			wd = wds.at[i];
			DFX_GROW(v, n + 1, cap);
			c = &v[n++];
			c->instr = i;
			c->word = in->json ? (size_t)-1 : k;
			c->src = srcs[k];
			c->what = what;
			{
				char *trim = dfx_xstrdup(srcs[k]);

				while (sl > 1 && trim[sl - 1] == '/')
					trim[--sl] = '\0';
				base = dfx_sh_base(trim);
				c->dir = srcs[k][strlen(srcs[k]) - 1] == '/' || !strcmp(base, ".ssh") ||
					 !strcmp(base, ".aws") || !strcmp(base, ".kube");
				free(trim);
			}
			if (c->dir) {
				char *abs = dest[0] == '/' ? dfx_path_clean(dest) : dfx_path_join(wd, dest);

				c->target = abs[0] == '/' ? abs : dfx_xasprintf("/%s", abs);
				if (c->target != abs)
					free(abs);
			} else {
				c->target = dfx_dfu_copy_target(srcs[k], dest, ns > 1, wd);
			}
		}
		free(srcs);
	}
	dfx_dfu_workdirs_release(&wds);
	*out = v;
	return n;
}

void dfx_dfu_copied_free(struct dfx_dfu_copied *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].target);
	free(v);
}

bool dfx_dfu_removes(const struct dfx_dfu_copied *c, const char *path)
{
	size_t pl = strlen(path), tl = strlen(c->target);

	while (pl > 1 && path[pl - 1] == '/')
		pl--;
	if (strpbrk(path, "*?[")) {
		char *p = dfx_xstrndup(path, pl);
		bool m = dfx_glob_match(p, c->target);

		free(p);
		return m;
	}
	if (pl == tl && !strncmp(path, c->target, pl))
		return true;
	if (c->dir && pl > tl && !strncmp(path, c->target, tl) && path[tl] == '/')
		return true; /* a file inside the copied directory */
	return tl > pl && !strncmp(path, c->target, pl) && c->target[pl] == '/'; /* its parent */
}

size_t dfx_dfu_rm_targets(const struct dfx_dockerfile *df, size_t at, char ***out)
{
	char *wd = dfx_dfu_workdir(df, at);
	size_t n = dfx_dfu_rm_targets_wd(df, at, wd, out);

	free(wd);
	return n;
}

size_t dfx_dfu_rm_targets_wd(const struct dfx_dockerfile *df, size_t at, const char *wd, char ***out)
{
	struct dfx_sh_script sc = {0};
	char **v = NULL;
	size_t n = 0, cap = 0;

	dfx_sh_run(&sc, &df->instrs[at]);
	for (size_t i = 0; i < sc.n; i++) {
		const struct dfx_sh_cmd *c = &sc.cmds[i];
		size_t p = dfx_sh_real_prog(c);
		const char *prog;
		bool opts = true;

		if (p >= c->argc)
			continue;
		prog = dfx_sh_base(c->argv[p]);
		if (strcmp(prog, "rm") && strcmp(prog, "shred") && strcmp(prog, "unlink"))
			continue;
		for (size_t k = p + 1; k < c->argc; k++) {
			const char *a = c->argv[k];

			if (opts && !strcmp(a, "--")) {
				opts = false;
				continue;
			}
			if ((opts && a[0] == '-') || !a[0] || strchr(c->raw[k], '$') || strchr(a, '`'))
				continue;
			DFX_GROW(v, n + 1, cap);
			if (a[0] == '/') {
				v[n++] = dfx_path_clean(a);
			} else {
				char *j = dfx_path_join(wd, a);

				v[n++] = j[0] == '/' ? j : dfx_xasprintf("/%s", j);
				if (v[n - 1] != j)
					free(j);
			}
		}
	}
	dfx_sh_release(&sc);
	*out = v;
	return n;
}

/* ================================================================ images */

bool dfx_dfu_stage_image(const struct dfx_dockerfile *df, const struct dfx_df_stage *st, struct dfx_imageref *ref)
{
	if (st->parent >= 0 || !st->image || !st->image[0])
		return false;
	if (dfx_image_parse(ref, st->image, NULL) != 0)
		return false;
	if (ref->unresolved) {
		dfx_image_release(ref);
		return false;
	}
	return true;
}

bool dfx_dfu_stage_in_final(const struct dfx_dockerfile *df, size_t s)
{
	size_t guard = 0;
	int cur = df->nstages ? (int)df->nstages - 1 : -1;

	while (cur >= 0 && guard++ <= df->nstages) {
		if ((size_t)cur == s)
			return true;
		cur = df->stages[cur].parent;
	}
	return false;
}

size_t dfx_dfu_ref_name_len(const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *at = strchr(ref, '@');
	const char *last = slash ? slash : ref;
	const char *colon = strchr(last, ':');

	if (at && colon && colon > at)
		colon = NULL;
	if (colon)
		return (size_t)(colon - ref);
	if (at)
		return (size_t)(at - ref);
	return strlen(ref);
}

static bool plain_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '$' || s[i] == '"' || s[i] == '\'' || s[i] == '\\' || s[i] == '`' || is_blank(s[i]) ||
		    s[i] == '\n')
			return false;
	return true;
}

/* The global ARG (declared before the first FROM) that gives `name` its default. */
static const struct dfx_df_kv *global_arg(const struct dfx_dockerfile *df, const char *name)
{
	size_t end = df->nstages ? df->stages[0].from : df->ninstrs;
	const struct dfx_df_kv *found = NULL;

	for (size_t i = 0; i < end; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (!dfx_df_is(in, "ARG"))
			continue;
		for (size_t k = 0; k < in->nkvs; k++)
			if (!strcmp(in->kvs[k].key, name))
				found = &in->kvs[k];
	}
	return found && found->value ? found : NULL;
}

bool dfx_dfu_retag(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
		   const struct dfx_df_stage *st, const char *tag)
{
	const struct dfx_df_instr *in = &df->instrs[st->from];
	const char *src = df->src->data;
	const char *raw;
	size_t rl, nl;
	char *word;

	if (!in->nwords || !st->image)
		return false;
	raw = in->words[0].raw;
	rl = strlen(raw);
	if (plain_text(raw, rl)) {
		const struct dfx_span sp = st->image_span;

		if (sp.end - sp.start != rl || memcmp(src + sp.start, raw, rl) != 0)
			return false; /* the word runs across a continuation */
		nl = dfx_dfu_ref_name_len(raw);
		word = dfx_xasprintf(":%s", tag);
		dfx_fix_edit(fix, path, sp.start + (uint32_t)nl, sp.end, word);
		free(word);
		return true;
	}
	/* ${REGISTRY}/node:14: variables only in the name, the tag written out */
	{
		const char *last_var = strrchr(raw, '$'), *close = last_var ? strchr(last_var, '}') : NULL;
		const char *from = close ? close + 1 : last_var ? last_var + 1 : raw;
		const char *colon, *slash;
		const struct dfx_span sp = st->image_span;

		while (!close && last_var && is_name_char(*from))
			from++;
		slash = strrchr(from, '/');
		colon = strchr(slash ? slash : from, ':');
		if (colon && plain_text(colon, strlen(colon)) && sp.end - sp.start == rl &&
		    !memcmp(src + sp.start, raw, rl)) {
			/* the tag of the expanded image must be this literal one */
			size_t il = strlen(st->image), cl = strlen(colon);

			if (il >= cl && !strcmp(st->image + il - cl, colon)) {
				word = dfx_xasprintf(":%s", tag);
				dfx_fix_edit(fix, path, sp.start + (uint32_t)(colon - raw), sp.end, word);
				free(word);
				return true;
			}
		}
	}
	/* PREFIX ${VAR} SUFFIX with VAR from a global ARG of literal value */
	{
		const char *d = strchr(raw, '$');
		const char *vs, *ve, *after;
		const struct dfx_df_kv *kv;
		char *var, *full, *mid;
		size_t pl, sl, fl;
		bool ok = false;

		if (!d || !plain_text(raw, (size_t)(d - raw)))
			return false;
		if (d[1] == '{') {
			vs = d + 2;
			ve = vs;
			while (is_name_char(*ve))
				ve++;
			if (*ve != '}')
				return false;
			after = ve + 1;
		} else {
			vs = d + 1;
			ve = vs;
			while (is_name_char(*ve))
				ve++;
			after = ve;
		}
		if (ve == vs || !plain_text(after, strlen(after)))
			return false;
		pl = (size_t)(d - raw);
		sl = strlen(after);
		var = dfx_xstrndup(vs, (size_t)(ve - vs));
		kv = global_arg(df, var);
		free(var);
		if (!kv)
			return false;
		nl = dfx_dfu_ref_name_len(st->image);
		full = dfx_xasprintf("%.*s:%s", (int)nl, st->image, tag);
		fl = strlen(full);
		if (fl > pl + sl && !strncmp(full, raw, pl) && !strcmp(full + fl - sl, after)) {
			size_t vl = kv->value_span.end - kv->value_span.start, ol = strlen(kv->value);
			uint32_t a = kv->value_span.start, b = kv->value_span.end;

			mid = dfx_xstrndup(full + pl, fl - pl - sl);
			if (vl == ol + 2 && (src[a] == '"' || src[a] == '\'') && src[b - 1] == src[a]) {
				a++;
				b--;
				vl = ol;
			}
			if (vl == ol && plain_text(src + a, vl) && !memcmp(src + a, kv->value, ol) && mid[0]) {
				dfx_fix_edit(fix, path, a, b, mid);
				ok = true;
			}
			free(mid);
		}
		free(full);
		return ok;
	}
}
