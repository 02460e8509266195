/*
 * test_dockerfile.c - cmocka tests of the lossless Dockerfile parser
 * (src/parse/dockerfile*.c, BuildKit's frontend/dockerfile/parser
 * grammar): round trips through dfx_dockerfile_print, the spans of
 * keywords, flags, words, pairs and heredoc bodies, the directive block,
 * continuations with either escape character, exec-form detection, stages
 * and ARG defaults, ONBUILD, pragmas, and errors with line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/dockerfile.h"

/* ================================================================ helpers */

struct fixture {
	struct dfx_source src;
	struct dfx_dockerfile *df;
	struct dfx_error err;
};

static struct fixture *fx;

static int setup(void **state)
{
	(void)state;
	fx = calloc(1, sizeof(*fx));
	return fx ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (fx) {
		dfx_dockerfile_free(fx->df);
		dfx_error_release(&fx->err);
		dfx_source_release(&fx->src);
		free(fx);
		fx = NULL;
	}
	return 0;
}

/* Release the previous parse of the fixture. */
static void reset(void)
{
	dfx_dockerfile_free(fx->df);
	fx->df = NULL;
	dfx_error_release(&fx->err);
	dfx_source_release(&fx->src);
}

/* The printed tree must give back the input bytes exactly. */
static void assert_roundtrip(const struct dfx_dockerfile *df)
{
	struct dfx_buf out = DFX_BUF_INIT;

	dfx_dockerfile_print(df, &out);
	assert_int_equal(out.len, df->src->len);
	if (out.len)
		assert_memory_equal(out.ptr, df->src->data, out.len);
	dfx_buf_release(&out);
}

/* Parse n bytes of s (which must succeed and round-trip). */
static struct dfx_dockerfile *parse_n(const char *s, size_t n)
{
	reset();
	dfx_source_init_copy(&fx->src, "Dockerfile", s, n);
	fx->df = dfx_dockerfile_parse(&fx->src, &fx->err);
	if (!fx->df)
		fail_msg("parse failed: %u:%u %s", fx->err.line, fx->err.col, fx->err.message);
	assert_roundtrip(fx->df);
	return fx->df;
}

static struct dfx_dockerfile *parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* Parsing must fail at line:col with a message containing `want`. */
static void expect_error_n(const char *s, size_t n, unsigned line, unsigned col, const char *want)
{
	reset();
	dfx_source_init_copy(&fx->src, "Dockerfile", s, n);
	fx->df = dfx_dockerfile_parse(&fx->src, &fx->err);
	if (fx->df)
		fail_msg("parsed but should not: %s", s);
	assert_non_null(fx->err.message);
	if (fx->err.line != line || fx->err.col != col || !strstr(fx->err.message, want))
		fail_msg("got %u:%u '%s', want %u:%u '%s'", fx->err.line, fx->err.col,
			 fx->err.message, line, col, want);
	assert_string_equal(fx->err.path, "Dockerfile");
}

static void expect_error(const char *s, unsigned line, unsigned col, const char *want)
{
	expect_error_n(s, strlen(s), line, col, want);
}

/* The source text of a span. */
static const char *text_of(struct dfx_span sp)
{
	static char buf[4][512];
	static int k;
	size_t n = sp.end - sp.start;

	k = (k + 1) % 4;
	assert_true(sp.start <= sp.end && sp.end <= fx->src.len);
	if (n >= sizeof(buf[k]))
		n = sizeof(buf[k]) - 1;
	memcpy(buf[k], fx->src.data + sp.start, n);
	buf[k][n] = '\0';
	return buf[k];
}

/* ================================================================ round trips */

static const char *const roundtrip_cases[] = {
	"",
	"\n",
	"   \n\t\n",
	"# only a comment\n",
	"FROM alpine",
	"FROM alpine\n",
	"FROM alpine\n\n\n",
	("\xEF\xBB\xBF" "FROM alpine\r\nRUN echo hi\r\n"),
	"\xEF\xBB\xBF",
	"FROM a\r\nRUN a \\\r\n  b\r\n",
	"FROM a\rRUN b\r",
	"# syntax=docker/dockerfile:1\n# escape=`\n\nFROM a\nRUN a `\n b\n",
	"FROM a\nRUN a \\\n# comment\n\n   \n  b\n",
	"FROM a\nRUN a \\",
	"FROM a\nRUN a \\\n",
	"FROM a\nRUN a \\\n# trailing comment",
	"FROM a\nRUN <<EOF\nbody\nEOF\n",
	"FROM a\nRUN <<EOF\nbody\nEOF",
	"FROM a\nCOPY <<A <<B /dst/\na\nA\nb\nB\nRUN x\n",
	"  FROM a\n\t RUN   b   \n",
	"\\\nFROM a\n",
	"\\",
	"FROM a\nFOO bar baz\n",
	"FROM a\nONBUILD RUN <<EOF\nx\nEOF\n",
	"FROM a\nHEALTHCHECK --interval=5s CMD [\"curl\", \"-f\", \"http://x\"]\n",
};

static void test_roundtrip_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(roundtrip_cases) / sizeof(roundtrip_cases[0]); i++)
		parse(roundtrip_cases[i]);
}

static void test_pieces_tile(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("# syntax=docker/dockerfile:1\n\n# c\nFROM a\n\nRUN b\n");
	assert_int_equal(df->ndirectives, 1);
	assert_string_equal(text_of(df->directives[0].lines), "# syntax=docker/dockerfile:1\n");
	assert_int_equal(df->ntrivia, 3);
	assert_string_equal(text_of(df->trivia[0]), "\n");
	assert_string_equal(text_of(df->trivia[1]), "# c\n");
	assert_string_equal(text_of(df->trivia[2]), "\n");
	assert_int_equal(df->ninstrs, 2);
	assert_string_equal(text_of(df->instrs[0].lines), "FROM a\n");
	assert_string_equal(text_of(df->instrs[1].lines), "RUN b\n");
}

/* ================================================================ encoding */

static void test_bom(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("\xEF\xBB\xBF# escape=`\nFROM a\nRUN x `\n y\n");
	assert_int_equal(df->body_start, 3);
	assert_int_equal(df->escape, '`');
	assert_int_equal(df->ndirectives, 1);
	assert_int_equal(df->directives[0].lines.start, 3);
	assert_int_equal(df->instrs[0].line, 2);
	assert_string_equal(df->instrs[1].args_text, "x  y");

	df = parse("\xEF\xBB\xBF" "FROM a\n");
	assert_int_equal(df->instrs[0].keyword.start, 3);
	assert_int_equal(df->instrs[0].lines.start, 3);
	assert_int_equal(df->instrs[0].line, 1);
	assert_string_equal(df->instrs[0].cmd, "FROM");
}

static void test_crlf(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("FROM a\r\nRUN apt-get install \\\r\n    curl\r\nUSER app\r\n");
	assert_int_equal(df->ninstrs, 3);
	in = &df->instrs[1];
	assert_string_equal(in->args_text, "apt-get install     curl");
	assert_string_equal(text_of(in->span), "RUN apt-get install \\\r\n    curl");
	assert_string_equal(text_of(in->lines), "RUN apt-get install \\\r\n    curl\r\n");
	assert_int_equal(in->nwords, 3);
	assert_string_equal(text_of(in->words[2].span), "curl");
	assert_int_equal(df->instrs[2].line, 4);
	assert_string_equal(text_of(df->instrs[2].span), "USER app");
	assert_string_equal(df->instrs[2].args_text, "app");

	/* heredoc terminators match with CRLF */
	df = parse("FROM a\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n");
	assert_int_equal(df->instrs[1].nheredocs, 1);
	assert_string_equal(df->instrs[1].heredocs[0].content, "echo hi\r\n");
}

static void test_no_final_newline(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("FROM a\nCMD [\"x\"]");
	assert_int_equal(df->ninstrs, 2);
	assert_string_equal(text_of(df->instrs[1].lines), "CMD [\"x\"]");
	assert_string_equal(text_of(df->instrs[1].span), "CMD [\"x\"]");
	assert_true(df->instrs[1].json);

	df = parse("FROM a\n# end");
	assert_int_equal(df->ntrivia, 1);
	assert_string_equal(text_of(df->trivia[0]), "# end");
}

/* ================================================================ directives */

static void test_directives(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_directive *d;

	(void)state;
	df = parse("# syntax=docker/dockerfile:1.7\n#CHECK = skip=all ; error=true \n"
		   "#\t escape = `\nFROM a\n");
	assert_int_equal(df->ndirectives, 3);
	d = dfx_dockerfile_directive(df, "syntax");
	assert_non_null(d);
	assert_string_equal(d->value, "docker/dockerfile:1.7");
	d = dfx_dockerfile_directive(df, "check");
	assert_non_null(d);
	assert_string_equal(d->key, "check");
	assert_string_equal(d->value, "skip=all ; error=true");
	assert_int_equal(df->escape, '`');
	assert_int_equal(df->ntrivia, 0);

	/* a blank line ends the block */
	df = parse("# syntax=x\n\n# escape=`\nFROM a\n");
	assert_int_equal(df->ndirectives, 1);
	assert_int_equal(df->escape, '\\');
	assert_int_equal(df->ntrivia, 2);

	/* so does a plain comment, an unknown key, or an instruction */
	df = parse("# hello\n# escape=`\nFROM a\n");
	assert_int_equal(df->ndirectives, 0);
	assert_int_equal(df->escape, '\\');
	df = parse("# foo=bar\n# escape=`\nFROM a\n");
	assert_int_equal(df->ndirectives, 0);
	df = parse("FROM a\n# escape=`\nRUN b \\\n c\n");
	assert_int_equal(df->ndirectives, 0);
	assert_string_equal(df->instrs[1].args_text, "b  c");
	assert_null(dfx_dockerfile_directive(df, "escape"));
}

static void test_directive_errors(void **state)
{
	(void)state;
	expect_error("# syntax=a\n# syntax=b\nFROM a\n", 2, 1, "only one syntax parser directive");
	expect_error("# escape=x\nFROM a\n", 1, 10, "invalid escape token 'x'");
	expect_error("#escape=``\nFROM a\n", 1, 9, "invalid escape token '``'");
}

/* ================================================================ continuations */

static void test_escape_backtick(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore\n"
		   "RUN powershell -Command `\n    $ErrorActionPreference = 'Stop'; `\n"
		   "    Write-Host C:\\path\\\n"
		   "COPY app C:\\app\\\n");
	assert_int_equal(df->ninstrs, 3);
	in = &df->instrs[1];
	assert_string_equal(in->args_text,
			    "powershell -Command     $ErrorActionPreference = 'Stop';     Write-Host C:\\path\\");
	/* a trailing backslash is not a continuation with escape=` */
	assert_string_equal(df->instrs[2].cmd, "COPY");
	assert_int_equal(df->instrs[2].line, 6);
	assert_int_equal(df->instrs[2].nwords, 2);
	assert_string_equal(df->instrs[2].words[1].text, "C:\\app\\");
	/* backticks escape in words */
	df = parse("# escape=`\nFROM a\nENV A=x`\"y B=\"q`\"r\"\n");
	assert_string_equal(df->instrs[1].kvs[0].value, "x\"y");
	assert_string_equal(df->instrs[1].kvs[1].value, "q\"r");
}

static void test_continuation_trivia(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("FROM a\nRUN apt-get update \\\n# install curl\n    && apt-get install curl \\\n"
		   "\n    && true\n# after\nUSER 1\n");
	assert_int_equal(df->ninstrs, 3);
	in = &df->instrs[1];
	assert_string_equal(in->args_text, "apt-get update     && apt-get install curl     && true");
	assert_string_equal(text_of(in->lines),
			    "RUN apt-get update \\\n# install curl\n    && apt-get install curl \\\n"
			    "\n    && true\n");
	/* args_map maps every logical byte to its source byte */
	for (size_t i = 0; in->args_text[i]; i++)
		assert_int_equal(fx->src.data[in->args_map[i]], in->args_text[i]);
	assert_int_equal(in->args_map[strlen(in->args_text)], in->args.end);
	assert_string_equal(text_of(in->args),
			    "apt-get update \\\n# install curl\n    && apt-get install curl \\\n"
			    "\n    && true");
	/* a word after the comment line maps into the right line */
	assert_string_equal(text_of(in->words[3].span), "apt-get");
	assert_int_equal(in->words[3].span.start, 50);
	assert_int_equal(df->ntrivia, 1);
	assert_string_equal(text_of(df->trivia[0]), "# after\n");

	/* a comment line ending in a backslash does not continue */
	df = parse("FROM a\nRUN a \\\n# c \\\nb\nRUN c\n");
	assert_int_equal(df->ninstrs, 3);
	assert_string_equal(df->instrs[1].args_text, "a b");
}

static void test_continuation_eof(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("FROM a\nRUN echo \\\n  hi \\\n");
	assert_int_equal(df->ninstrs, 2);
	assert_string_equal(df->instrs[1].args_text, "echo   hi");
	assert_string_equal(text_of(df->instrs[1].span), "RUN echo \\\n  hi \\");
	assert_int_equal(df->instrs[1].lines.end, fx->src.len);

	df = parse("FROM a\nRUN echo \\\n\n# c\n");
	assert_int_equal(df->ninstrs, 2);
	assert_string_equal(df->instrs[1].args_text, "echo");
	assert_int_equal(df->ntrivia, 0);
}

static void test_escaped_escape(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	/* "\\" at the end is an escaped escape: no continuation (BuildKit) */
	df = parse("FROM a\nENV C trailing\\\\\nENV D x\n");
	assert_int_equal(df->ninstrs, 3);
	assert_string_equal(df->instrs[1].kvs[0].value, "trailing\\");
	/* blanks after the escape still continue */
	df = parse("FROM a\nRUN a \\  \t\nb\n");
	assert_int_equal(df->ninstrs, 2);
	assert_string_equal(df->instrs[1].args_text, "a b");
	/* continuation joins with no separator */
	df = parse("FROM a\nRUN ec\\\nho\n");
	assert_string_equal(df->instrs[1].args_text, "echo");
	assert_int_equal(df->instrs[1].nwords, 1);
	assert_string_equal(text_of(df->instrs[1].words[0].span), "ec\\\nho");
	assert_string_equal(df->instrs[1].words[0].raw, "echo");
}

static void test_keyword_on_next_line(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("FROM a\n\\\nRUN x\n");
	assert_int_equal(df->ninstrs, 2);
	assert_string_equal(df->instrs[1].cmd, "RUN");
	assert_int_equal(df->instrs[1].line, 3);
	assert_string_equal(text_of(df->instrs[1].lines), "\\\nRUN x\n");
	assert_string_equal(text_of(df->instrs[1].span), "RUN x");
}

/* ================================================================ instructions */

static void test_unknown_and_case(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("from alpine AS Build\nfrobnicate --x=1 a b\nrun  echo\n");
	assert_int_equal(df->ninstrs, 3);
	assert_string_equal(df->instrs[0].cmd, "FROM");
	assert_string_equal(df->instrs[1].cmd, "FROBNICATE");
	assert_int_equal(df->instrs[1].nflags, 1);
	assert_string_equal(df->instrs[1].args_text, "a b");
	assert_string_equal(text_of(df->instrs[2].keyword), "run");
	assert_string_equal(df->stages[0].name, "build");
}

static void test_flags(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;
	const struct dfx_df_flag *f;

	(void)state;
	df = parse("FROM --platform=$BUILDPLATFORM golang AS b\n"
		   "RUN --mount=type=secret,id=npm,target=/root/.npmrc \\\n"
		   "    --network=none --MOUNT=\"type=cache,target=/a b\" npm ci\n"
		   "COPY --link --chown=1000:1000 --from=b /out /app\n"
		   "COPY -- --odd /x\n"
		   "USER --weird app\n");
	in = &df->instrs[0];
	assert_int_equal(in->nflags, 1);
	assert_string_equal(in->flags[0].name, "platform");
	assert_string_equal(in->flags[0].value, "$BUILDPLATFORM");
	assert_string_equal(text_of(in->flags[0].span), "--platform=$BUILDPLATFORM");
	assert_string_equal(df->stages[0].platform, "$BUILDPLATFORM");

	in = &df->instrs[1];
	assert_int_equal(in->nflags, 3);
	assert_string_equal(in->flags[0].name, "mount");
	assert_string_equal(in->flags[0].value, "type=secret,id=npm,target=/root/.npmrc");
	assert_string_equal(text_of(in->flags[0].span), "--mount=type=secret,id=npm,target=/root/.npmrc");
	assert_string_equal(in->flags[1].name, "network");
	assert_string_equal(text_of(in->flags[1].span), "--network=none");
	assert_string_equal(in->flags[2].name, "mount");
	assert_string_equal(in->flags[2].value, "type=cache,target=/a b");
	assert_string_equal(text_of(in->flags[2].span), "--MOUNT=\"type=cache,target=/a b\"");
	assert_string_equal(in->args_text, "npm ci");
	assert_string_equal(text_of(in->args), "npm ci");
	f = dfx_df_instr_flag(in, "network");
	assert_non_null(f);
	assert_string_equal(f->value, "none");
	assert_null(dfx_df_instr_flag(in, "security"));

	in = &df->instrs[2];
	assert_int_equal(in->nflags, 3);
	assert_string_equal(in->flags[0].name, "link");
	assert_null(in->flags[0].value);
	assert_string_equal(text_of(in->flags[0].span), "--link");
	assert_string_equal(in->flags[2].value, "b");
	assert_string_equal(in->args_text, "/out /app");

	in = &df->instrs[3];
	assert_int_equal(in->nflags, 0);
	assert_string_equal(in->args_text, "--odd /x");

	in = &df->instrs[4];
	assert_int_equal(in->nflags, 1);
	assert_string_equal(in->flags[0].name, "weird");
	assert_string_equal(in->args_text, "app");

	/* flags alone: empty arguments right after the last flag */
	df = parse("FROM a\nRUN --network=host\n");
	in = &df->instrs[1];
	assert_string_equal(in->args_text, "");
	assert_int_equal(in->args.start, in->flags[0].span.end);
	assert_int_equal(in->args.end, in->args.start);
	assert_int_equal(in->args_map[0], in->args.end);
}

static void test_words(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("FROM a\nRUN echo \"a b\" 'c d' e\\ f \"\" g\"h\"i\n");
	in = &df->instrs[1];
	assert_int_equal(in->nwords, 6);
	assert_string_equal(in->words[0].text, "echo");
	assert_string_equal(in->words[1].text, "a b");
	assert_string_equal(in->words[1].raw, "\"a b\"");
	assert_string_equal(text_of(in->words[1].span), "\"a b\"");
	assert_string_equal(in->words[2].text, "c d");
	assert_string_equal(in->words[3].text, "e f");
	assert_string_equal(text_of(in->words[3].span), "e\\ f");
	assert_string_equal(in->words[4].text, "");
	assert_string_equal(in->words[5].text, "ghi");
	assert_int_equal(in->words[5].span.end, fx->src.len - 1);
}

static void test_open_escape(void **state)
{
	struct dfx_dockerfile *df;
	uint32_t at;

	(void)state;
	/* the last instruction ends in an escape: lines after it would join it */
	df = parse("FROM x\nRUN apk add curl \\\n");
	at = dfx_df_open_escape(df, &df->instrs[1]);
	assert_int_equal(at, strlen("FROM x\nRUN apk add curl "));
	assert_int_equal(dfx_df_open_escape(df, &df->instrs[0]), 0);
	/* blanks after the escape, no final newline, comment and empty lines after it */
	df = parse("FROM x\nRUN a \\  \t");
	assert_int_equal(dfx_df_open_escape(df, &df->instrs[1]), strlen("FROM x\nRUN a "));
	df = parse("FROM x\r\nRUN a \\\r\n# note\r\n\r\n");
	assert_int_equal(dfx_df_open_escape(df, &df->instrs[1]), strlen("FROM x\r\nRUN a "));
	/* the backtick escape */
	df = parse("# escape=`\nFROM x\nRUN a `\n");
	assert_int_equal(dfx_df_open_escape(df, &df->instrs[1]), strlen("# escape=`\nFROM x\nRUN a "));
	/* closed: a continuation that ends, a backslash that is not the escape, a heredoc */
	df = parse("FROM x\nRUN a \\\n  b\n");
	assert_int_equal(dfx_df_open_escape(df, &df->instrs[1]), 0);
	df = parse("# escape=`\nFROM x\nRUN dir C:\\\n");
	assert_int_equal(dfx_df_open_escape(df, &df->instrs[1]), 0);
	df = parse("FROM x\nRUN <<EOF\necho \\\nEOF\n");
	assert_int_equal(dfx_df_open_escape(df, &df->instrs[1]), 0);
}

static void test_exec_form(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("FROM a\nCMD [\"node\", \"server.js\"]\nENTRYPOINT [ \"/bin/sh\" , \"-c\" ]\n"
		   "CMD ['single', 'quotes']\nCMD [\"unterminated\"\nRUN [\"a\"] trailing\n"
		   "LABEL [\"not\", \"exec\"]\nCMD [\"\\u00e9\\ud83d\\ude00\\n\"]\nSHELL []\n"
		   "VOLUME [\"/data\"]\nCOPY [\"a b\", \"/c\"]\n");
	in = &df->instrs[1];
	assert_true(in->json);
	assert_int_equal(in->argc, 2);
	assert_string_equal(in->argv[0], "node");
	assert_string_equal(in->argv[1], "server.js");
	assert_int_equal(in->nwords, 0);
	in = &df->instrs[2];
	assert_true(in->json);
	assert_int_equal(in->argc, 2);
	assert_string_equal(in->argv[1], "-c");
	/* not JSON: shell form */
	for (size_t i = 3; i <= 6; i++) {
		assert_false(df->instrs[i].json);
		assert_null(df->instrs[i].argv);
		assert_true(df->instrs[i].nwords > 0);
	}
	in = &df->instrs[7];
	assert_true(in->json);
	assert_string_equal(in->argv[0], "\xC3\xA9\xF0\x9F\x98\x80\n");
	assert_true(df->instrs[8].json);
	assert_int_equal(df->instrs[8].argc, 0);
	assert_true(df->instrs[9].json);
	assert_true(df->instrs[10].json);
	assert_string_equal(df->instrs[10].argv[0], "a b");

	/* HEALTHCHECK CMD [...] */
	df = parse("FROM a\nHEALTHCHECK --interval=30s CMD [\"curl\", \"-f\", \"http://localhost/\"]\n"
		   "HEALTHCHECK CMD curl -f http://localhost/\nHEALTHCHECK NONE\n");
	in = &df->instrs[1];
	assert_true(in->json);
	assert_int_equal(in->argc, 3);
	assert_string_equal(in->argv[0], "curl");
	assert_false(df->instrs[2].json);
	assert_false(df->instrs[3].json);

	/* JSON arrays must hold strings only */
	expect_error("FROM a\nCMD [\"a\", 1]\n", 2, 5, "arrays must be comprised of strings only");
	expect_error("FROM a\nRUN --network=none [[\"a\"]]\n", 2, 20, "strings only");
}

static void test_env_arg_label(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("FROM a\nENV A=1 B=\"two words\" C=x\\ y D=\n"
		   "ENV PATH /usr/local/bin:$PATH\n"
		   "ENV LEGACY \"quoted value\"  \n"
		   "ARG VERSION=1.2 TOKEN\n"
		   "LABEL org.opencontainers.image.title=\"My app\" \\\n      version=2\n");
	in = &df->instrs[1];
	assert_int_equal(in->nkvs, 4);
	assert_string_equal(in->kvs[0].key, "A");
	assert_string_equal(in->kvs[0].value, "1");
	assert_string_equal(text_of(in->kvs[0].span), "A=1");
	assert_string_equal(text_of(in->kvs[0].key_span), "A");
	assert_string_equal(text_of(in->kvs[0].value_span), "1");
	assert_string_equal(in->kvs[1].value, "two words");
	assert_string_equal(text_of(in->kvs[1].value_span), "\"two words\"");
	assert_string_equal(text_of(in->kvs[1].span), "B=\"two words\"");
	assert_string_equal(in->kvs[2].value, "x y");
	assert_string_equal(in->kvs[3].value, "");
	assert_int_equal(in->kvs[3].value_span.start, in->kvs[3].value_span.end);
	assert_int_equal(in->kvs[3].value_span.start, in->kvs[3].span.end);

	in = &df->instrs[2];
	assert_int_equal(in->nkvs, 1);
	assert_string_equal(in->kvs[0].key, "PATH");
	assert_string_equal(in->kvs[0].value, "/usr/local/bin:$PATH");
	assert_string_equal(text_of(in->kvs[0].value_span), "/usr/local/bin:$PATH");
	assert_string_equal(text_of(in->kvs[0].span), "PATH /usr/local/bin:$PATH");

	in = &df->instrs[3];
	assert_string_equal(in->kvs[0].value, "quoted value");
	assert_string_equal(text_of(in->kvs[0].value_span), "\"quoted value\"");

	in = &df->instrs[4];
	assert_int_equal(in->nkvs, 2);
	assert_string_equal(in->kvs[0].value, "1.2");
	assert_string_equal(in->kvs[1].key, "TOKEN");
	assert_null(in->kvs[1].value);
	assert_int_equal(in->kvs[1].value_span.start, in->kvs[1].value_span.end);
	assert_string_equal(text_of(in->kvs[1].span), "TOKEN");

	in = &df->instrs[5];
	assert_int_equal(in->nkvs, 2);
	assert_string_equal(in->kvs[0].key, "org.opencontainers.image.title");
	assert_string_equal(in->kvs[0].value, "My app");
	assert_string_equal(text_of(in->kvs[1].span), "version=2");
	{
		unsigned line, col;

		dfx_source_linecol(&fx->src, in->kvs[1].span.start, &line, &col);
		assert_int_equal(line, 7);
		assert_int_equal(col, 7);
	}

	expect_error("FROM a\nENV ALONE\n", 2, 5, "ENV must have two arguments");
	expect_error("FROM a\nLABEL a=b c\n", 2, 11, "can't find = in \"c\"");
	expect_error("FROM a\nENV a=b \\\n  c\n", 3, 3, "can't find =");
}

/* ================================================================ heredocs */

static void test_heredoc_basic(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;
	const struct dfx_df_heredoc *h;

	(void)state;
	df = parse("FROM a\nRUN <<EOF\nset -e\n# not a comment\necho hi \\\nEOF\nUSER 1\n");
	assert_int_equal(df->ninstrs, 3);
	in = &df->instrs[1];
	assert_int_equal(in->nheredocs, 1);
	h = &in->heredocs[0];
	assert_string_equal(h->name, "EOF");
	assert_false(h->chomp);
	assert_true(h->expand);
	assert_int_equal(h->fd, -1);
	assert_string_equal(h->content, "set -e\n# not a comment\necho hi \\\n");
	assert_string_equal(text_of(h->content_span), "set -e\n# not a comment\necho hi \\\n");
	assert_string_equal(text_of(h->body), "set -e\n# not a comment\necho hi \\\nEOF\n");
	assert_string_equal(text_of(h->word), "<<EOF");
	assert_string_equal(text_of(in->span), "RUN <<EOF\nset -e\n# not a comment\necho hi \\\nEOF");
	assert_string_equal(text_of(in->lines),
			    "RUN <<EOF\nset -e\n# not a comment\necho hi \\\nEOF\n");
	assert_int_equal(df->instrs[2].line, 7);
	assert_int_equal(df->ntrivia, 0);
	assert_int_equal(df->npragmas, 0);
}

static void test_heredoc_forms(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("FROM a\n"
		   "COPY <<FILE1 <<FILE2 /dest/\ncontent 1\nFILE1\ncontent 2\nFILE2\n"
		   "RUN <<-'EOT' bash\n\techo $HOME\n\tEOT\n"
		   "RUN 3<<\"EOF\" cat /dev/fd/3\nx\nEOF\n"
		   "RUN << EOF\nspaced\nEOF\n"
		   "RUN <<eo'f'\nq\neof\n"
		   "RUN cat <<A && cat <<B\na\nA\nb\nB\n"
		   "COPY --chmod=755 <<X /x\n#!/bin/sh\nX\n");
	in = &df->instrs[1];
	assert_int_equal(in->nheredocs, 2);
	assert_string_equal(in->heredocs[0].name, "FILE1");
	assert_string_equal(in->heredocs[0].content, "content 1\n");
	assert_string_equal(text_of(in->heredocs[0].body), "content 1\nFILE1\n");
	assert_string_equal(in->heredocs[1].name, "FILE2");
	assert_string_equal(in->heredocs[1].content, "content 2\n");
	assert_string_equal(text_of(in->heredocs[1].body), "content 2\nFILE2\n");
	assert_string_equal(text_of(in->heredocs[1].word), "<<FILE2");

	in = &df->instrs[2];
	assert_true(in->heredocs[0].chomp);
	assert_false(in->heredocs[0].expand);
	assert_string_equal(in->heredocs[0].name, "EOT");
	assert_string_equal(in->heredocs[0].content, "\techo $HOME\n");

	in = &df->instrs[3];
	assert_int_equal(in->heredocs[0].fd, 3);
	assert_false(in->heredocs[0].expand);
	assert_string_equal(text_of(in->heredocs[0].word), "3<<\"EOF\"");

	in = &df->instrs[4];
	assert_string_equal(in->heredocs[0].name, "EOF");
	assert_string_equal(in->heredocs[0].content, "spaced\n");

	in = &df->instrs[5];
	assert_string_equal(in->heredocs[0].name, "eof");
	assert_false(in->heredocs[0].expand);

	in = &df->instrs[6];
	assert_int_equal(in->nheredocs, 2);
	assert_string_equal(in->heredocs[1].content, "b\n");

	in = &df->instrs[7];
	assert_int_equal(in->nflags, 1);
	assert_string_equal(in->heredocs[0].content, "#!/bin/sh\n");
	assert_int_equal(df->ninstrs, 8);
}

static void test_heredoc_not(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("FROM a\nRUN [\"<<EOF\"]\nUSER <<X\nRUN echo '<<EOF' \"<<E\"\n"
		   "RUN echo $((1<<2))\nRUN cat <<<here\nRUN x<<EOF\nENV A=<<B\n");
	assert_int_equal(df->ninstrs, 8);
	for (size_t i = 0; i < df->ninstrs; i++)
		assert_int_equal(df->instrs[i].nheredocs, 0);
	/* an unbalanced quote on the line: BuildKit's lexer finds no heredoc */
	df = parse("FROM a\nRUN <<'EOF\nx\n");
	assert_int_equal(df->ninstrs, 3);
	assert_int_equal(df->instrs[1].nheredocs, 0);
}

static void test_heredoc_onbuild(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nONBUILD USER <<X\n");
	in = &df->instrs[1];
	assert_int_equal(in->nheredocs, 1);
	assert_non_null(in->sub);
	assert_int_equal(in->sub->nheredocs, 1);
	assert_string_equal(in->sub->heredocs[0].content, "echo hi\n");
	assert_string_equal(text_of(in->sub->span), "RUN <<EOF\necho hi\nEOF");
	assert_int_equal(df->instrs[2].nheredocs, 0);
	assert_int_equal(df->ninstrs, 3);
}

static void test_heredoc_errors(void **state)
{
	(void)state;
	expect_error("FROM a\nRUN <<EOF\necho\n", 2, 5, "unterminated heredoc \"EOF\"");
	expect_error("FROM a\nRUN --mount=type=cache,target=/x \\\n  cat <<-END > f\nEND \n", 3, 7,
		     "unterminated heredoc");
	expect_error("FROM a\nCOPY <<A <<B /x\na\nA\n", 2, 10, "unterminated heredoc \"B\"");
}

/* ================================================================ stages */

static void test_stages(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_stage *st;

	(void)state;
	df = parse("ARG BASE=node\nARG TAG\nARG VARIANT=${TAG:-20}-slim\n"
		   "FROM ${BASE}:${VARIANT} AS Deps\nRUN npm ci\n"
		   "FROM deps AS build\nRUN npm run build\n"
		   "FROM --platform=linux/amd64 \"gcr.io/distroless/nodejs:$TAG\"\n"
		   "COPY --from=build /app /app\n"
		   "FROM $UNDEFINED\n");
	assert_int_equal(df->nstages, 4);
	assert_int_equal(df->instrs[0].stage, -1);
	assert_int_equal(df->instrs[2].stage, -1);

	st = &df->stages[0];
	assert_string_equal(st->name, "deps");
	assert_string_equal(st->image, "node:20-slim");
	assert_string_equal(text_of(st->image_span), "${BASE}:${VARIANT}");
	assert_int_equal(st->parent, -1);
	assert_int_equal(st->from, 3);
	assert_int_equal(st->first, 3);
	assert_int_equal(st->last, 4);
	assert_null(st->platform);

	st = &df->stages[1];
	assert_string_equal(st->name, "build");
	assert_string_equal(st->image, "deps");
	assert_int_equal(st->parent, 0);
	assert_int_equal(st->first, 5);
	assert_int_equal(st->last, 6);

	st = &df->stages[2];
	assert_null(st->name);
	assert_string_equal(st->image, "gcr.io/distroless/nodejs:");
	assert_string_equal(st->platform, "linux/amd64");
	assert_int_equal(st->parent, -1);
	assert_int_equal(df->instrs[8].stage, 2);

	st = &df->stages[3];
	assert_string_equal(st->image, "");
	assert_int_equal(st->first, 9);
	assert_int_equal(st->last, 9);

	/* a stage name is only a parent for later stages, case-insensitively */
	df = parse("FROM alpine AS Base\nFROM BASE\nFROM scratch AS later\n");
	assert_int_equal(df->stages[1].parent, 0);
	assert_int_equal(df->stages[2].parent, -1);
}

static void test_arg_default(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("ARG V=1\nARG W\nFROM a:$V\nARG V\nARG X=x\nRUN echo\nFROM b\nRUN echo\n");
	assert_string_equal(dfx_dockerfile_arg_default(df, 0, "V"), "1");
	assert_null(dfx_dockerfile_arg_default(df, 1, "W"));
	assert_string_equal(dfx_dockerfile_arg_default(df, 2, "V"), "1");
	/* inside a stage: only after ARG; a bare ARG takes the global default */
	assert_string_equal(dfx_dockerfile_arg_default(df, 3, "V"), "1");
	assert_string_equal(dfx_dockerfile_arg_default(df, 5, "X"), "x");
	assert_null(dfx_dockerfile_arg_default(df, 5, "W"));
	/* not declared in the second stage */
	assert_null(dfx_dockerfile_arg_default(df, 7, "V"));
	assert_null(dfx_dockerfile_arg_default(df, 7, "X"));
	assert_string_equal(dfx_dockerfile_arg_default(df, 6, "V"), "1");
	assert_string_equal(df->stages[0].image, "a:1");
}

static const char *lookup_fn(void *arg, const char *name)
{
	(void)arg;
	if (strcmp(name, "A") == 0)
		return "aa";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	return NULL;
}

static void test_expand(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"$A", "aa"},
		{"${A}", "aa"},
		{"x${A}y$A.z", "xaayaa.z"},
		{"${B}", ""},
		{"$B-", "-"},
		{"${B:-def}", "def"},
		{"${B-def}", "def"},
		{"${EMPTY:-def}", "def"},
		{"${EMPTY-def}", ""},
		{"${A:-def}", "aa"},
		{"${A:+alt}", "alt"},
		{"${A+alt}", "alt"},
		{"${EMPTY:+alt}", ""},
		{"${EMPTY+alt}", "alt"},
		{"${B:+alt}", ""},
		{"${B:-${A}x}", "aax"},
		{"${B:-${C:-deep}}", "deep"},
		{"\\$A", "$A"},
		{"$", "$"},
		{"${", "${"},
		{"${A", "${A"},
		{"$1x", "$1x"},
		{"cost: 5$", "cost: 5$"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = dfx_dockerfile_expand(cases[i].in, lookup_fn, NULL);

		if (strcmp(s, cases[i].out) != 0)
			fail_msg("expand(%s) = %s, want %s", cases[i].in, s, cases[i].out);
		free(s);
	}
}

/* ================================================================ ONBUILD */

static void test_onbuild(void **state)
{
	const struct dfx_dockerfile *df;
	const struct dfx_df_instr *in;

	(void)state;
	df = parse("FROM a\nONBUILD COPY --chown=app . /src\nONBUILD CMD [\"x\"]\n"
		   "ONBUILD ENV A=1\nONBUILD\n");
	in = &df->instrs[1];
	assert_string_equal(in->cmd, "ONBUILD");
	assert_string_equal(in->args_text, "COPY --chown=app . /src");
	assert_non_null(in->sub);
	assert_string_equal(in->sub->cmd, "COPY");
	assert_string_equal(text_of(in->sub->keyword), "COPY");
	assert_int_equal(in->sub->nflags, 1);
	assert_string_equal(text_of(in->sub->flags[0].span), "--chown=app");
	assert_string_equal(in->sub->args_text, ". /src");
	assert_string_equal(text_of(in->sub->args), ". /src");
	assert_int_equal(in->sub->stage, 0);
	assert_int_equal(in->sub->line, 2);
	assert_int_equal(in->sub->lines.start, in->lines.start);
	assert_true(df->instrs[2].sub->json);
	assert_false(df->instrs[2].json);
	assert_string_equal(df->instrs[3].sub->kvs[0].key, "A");
	assert_null(df->instrs[4].sub);
}

/* ================================================================ pragmas */

static void test_pragmas(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("# dockfix global ignore=DF302\nFROM node:20\n"
		   "# first\n#dockfix ignore=DF101, DF102 because reasons\n# Dockfix ignore = DF405\n"
		   "ENV TOKEN=x\n"
		   "# dockfix ignore=DF201\n\nUSER root\n"
		   "RUN a \\\n  # dockfix global ignore=DF404,DF406\n  b\n"
		   "# dockfix is great\n# dockfix ignore=\nRUN c\n");
	assert_int_equal(df->ninstrs, 5);
	assert_int_equal(df->nglobal_ignore, 3);
	assert_string_equal(df->global_ignore[0], "DF302");
	assert_string_equal(df->global_ignore[1], "DF404");
	assert_string_equal(df->global_ignore[2], "DF406");
	assert_int_equal(df->instrs[1].nignore, 3);
	assert_string_equal(df->instrs[1].ignore[0], "DF101");
	assert_string_equal(df->instrs[1].ignore[1], "DF102");
	assert_string_equal(df->instrs[1].ignore[2], "DF405");
	/* a blank line separates the comment from the instruction */
	assert_int_equal(df->instrs[2].nignore, 0);
	assert_int_equal(df->instrs[4].nignore, 0);
	assert_int_equal(df->npragmas, 6);
	assert_string_equal(text_of(df->pragmas[0].text), "# dockfix global ignore=DF302");
	assert_string_equal(text_of(df->pragmas[1].text), "#dockfix ignore=DF101, DF102 because reasons");
	assert_string_equal(text_of(df->pragmas[4].text), "# dockfix global ignore=DF404,DF406");
	assert_string_equal(text_of(df->pragmas[5].text), "# dockfix ignore=");

	assert_true(dfx_dockerfile_suppressed(df, &df->instrs[1], "DF101"));
	assert_true(dfx_dockerfile_suppressed(df, &df->instrs[1], "df405"));
	assert_true(dfx_dockerfile_suppressed(df, &df->instrs[3], "DF302"));
	assert_true(dfx_dockerfile_suppressed(df, NULL, "DF406"));
	assert_false(dfx_dockerfile_suppressed(df, &df->instrs[2], "DF201"));
	assert_false(dfx_dockerfile_suppressed(df, &df->instrs[0], "DF101"));
}

/* ================================================================ lookups */

static void test_instr_at(void **state)
{
	const struct dfx_dockerfile *df;

	(void)state;
	df = parse("# c\nFROM a\n\nRUN x \\\n  y\n");
	assert_null(dfx_dockerfile_instr_at(df, 0));
	assert_ptr_equal(dfx_dockerfile_instr_at(df, 4), &df->instrs[0]);
	assert_ptr_equal(dfx_dockerfile_instr_at(df, 10), &df->instrs[0]);
	assert_null(dfx_dockerfile_instr_at(df, 11));
	assert_ptr_equal(dfx_dockerfile_instr_at(df, 12), &df->instrs[1]);
	assert_ptr_equal(dfx_dockerfile_instr_at(df, (uint32_t)fx->src.len - 1), &df->instrs[1]);
	assert_null(dfx_dockerfile_instr_at(df, (uint32_t)fx->src.len));
}

/* ================================================================ errors */

static void test_binary(void **state)
{
	(void)state;
	expect_error_n("FROM a\nRUN x\0y\n", 14, 2, 6, "binary file");
}

static void test_long_line(void **state)
{
	size_t n = DFX_MAX_LINE_LEN + 20;
	char *s = malloc(n + 1);

	(void)state;
	assert_non_null(s);
	memcpy(s, "FROM a\nRUN ", 11);
	memset(s + 11, 'x', n - 11);
	s[n] = '\0';
	expect_error_n(s, n, 2, DFX_MAX_LINE_LEN + 1, "line too long");
	/* exactly at the limit is fine */
	s[7 + DFX_MAX_LINE_LEN] = '\n';
	parse_n(s, n);
	free(s);
}

static void test_caps(void **state)
{
	size_t n = 100001 * 2, k = 0;
	char *s = malloc(2 * DFX_MAX_LINE_LEN + 64);

	(void)state;
	assert_non_null(s);
	while (k < n) {
		s[k++] = 'R';
		s[k++] = '\n';
	}
	expect_error_n(s, n, 100001, 1, "too many instructions");

	/* joined lines count as one instruction */
	k = 0;
	memcpy(s, "FROM a\nRUN ", 11);
	k = 11;
	while (k < 2 * DFX_MAX_LINE_LEN + 40) {
		memcpy(s + k, "x \\\n", 4);
		k += 4;
	}
	expect_error_n(s, k, 2, 1, "instruction too long");
	free(s);
}

/* Odd inputs must parse (or fail cleanly) and round-trip. */
static void test_odd_inputs(void **state)
{
	static const char *const odd[] = {
		"RUN \"unterminated\n",
		"RUN 'unterminated \\\n",
		"RUN --\n",
		"RUN --mount=\"x\n",
		"ENV\n",
		"ARG\n",
		"FROM\n",
		"FROM a AS\n",
		"ONBUILD ONBUILD RUN x\n",
		"CMD [\n",
		"CMD [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]\n",
		"\xC2\xA0RUN\xC2\xA0x\n",
		"RUN <<\n",
		"RUN <<-\n",
		"RUN <<''\n",
		"\xE2\x80\x83\n",
		"#\n# escape=\\\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		parse(odd[i]);
	/* a nonbreaking space is white space around instructions */
	parse("\xC2\xA0" "FROM a\n");
	assert_string_equal(fx->df->instrs[0].cmd, "FROM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_cases),
		cmocka_unit_test(test_pieces_tile),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_directive_errors),
		cmocka_unit_test(test_escape_backtick),
		cmocka_unit_test(test_continuation_trivia),
		cmocka_unit_test(test_continuation_eof),
		cmocka_unit_test(test_escaped_escape),
		cmocka_unit_test(test_keyword_on_next_line),
		cmocka_unit_test(test_unknown_and_case),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_exec_form),
		cmocka_unit_test(test_open_escape),
		cmocka_unit_test(test_env_arg_label),
		cmocka_unit_test(test_heredoc_basic),
		cmocka_unit_test(test_heredoc_forms),
		cmocka_unit_test(test_heredoc_not),
		cmocka_unit_test(test_heredoc_onbuild),
		cmocka_unit_test(test_heredoc_errors),
		cmocka_unit_test(test_stages),
		cmocka_unit_test(test_arg_default),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_onbuild),
		cmocka_unit_test(test_pragmas),
		cmocka_unit_test(test_instr_at),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_odd_inputs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
