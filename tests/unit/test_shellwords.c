/*
 * test_shellwords.c - cmocka tests of the shell command splitter
 * (src/parse/shellwords.c): simple commands, pipes, substitutions,
 * wrappers, quotes and heredocs; the commands of RUN in shell form, exec
 * form and heredoc scripts; variable mentions.
 * Reference: POSIX.1-2017 Shell Command Language; the Dockerfile reference, RUN.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/shellwords.h"

/* ================================================================ helpers */

struct parsed {
	struct dfx_source src;
	struct dfx_dockerfile *df;
};

static void parse(struct parsed *p, const char *text)
{
	struct dfx_error err = {0};

	dfx_source_init_copy(&p->src, "Dockerfile", text, strlen(text));
	p->df = dfx_dockerfile_parse(&p->src, &err);
	assert_non_null(p->df);
	dfx_error_release(&err);
}

static void unparse(struct parsed *p)
{
	dfx_dockerfile_free(p->df);
	dfx_source_release(&p->src);
}

/* The program of command k of `text`, wrappers skipped. */
static const char *prog_of(struct dfx_shellwords_script *s, size_t k)
{
	size_t p;

	assert_true(k < s->n);
	p = dfx_shellwords_real_prog(&s->cmds[k]);
	return p < s->cmds[k].argc ? dfx_shellwords_base(s->cmds[k].argv[p]) : "";
}

static void test_shell_split(void **state)
{
	struct dfx_shellwords_script s = {0};
	const char *t = "A=1 sudo -u app env X=2 make install && curl -fsSL 'https://x/a b' | sh -s -- -y; "
			"echo \"$(wget -qO- https://y)\" > /dev/null 2>&1\n# comment | bash\nfor f in *.tar; do tar xf $f; done";

	(void)state;
	dfx_shellwords_parse(&s, t, strlen(t));
	assert_int_equal(s.n, 8);
	assert_string_equal(s.cmds[0].argv[s.cmds[0].prog], "sudo");
	assert_string_equal(prog_of(&s, 0), "make");
	assert_false(s.cmds[0].piped);
	assert_string_equal(prog_of(&s, 1), "curl");
	assert_string_equal(s.cmds[1].argv[2], "https://x/a b");
	assert_true(s.cmds[1].piped);
	assert_string_equal(prog_of(&s, 2), "sh");
	assert_string_equal(prog_of(&s, 3), "echo");
	assert_int_equal(s.cmds[3].argc, 2); /* the redirections are not words */
	assert_int_equal(s.cmds[4].prog, s.cmds[4].argc); /* for ... in: no program */
	assert_string_equal(prog_of(&s, 5), "tar");
	assert_int_equal(s.cmds[6].prog, s.cmds[6].argc); /* done */
	assert_true(s.cmds[7].subst);
	assert_string_equal(prog_of(&s, 7), "wget");
	dfx_shellwords_release(&s);
}

static void test_shell_heredoc_and_quotes(void **state)
{
	struct dfx_shellwords_script s = {0};
	const char *t = "cat <<EOF > /etc/x\nsudo rm -rf /\nEOF\nprintf '%s|%s' a b; command -v sudo";

	(void)state;
	dfx_shellwords_parse(&s, t, strlen(t));
	assert_int_equal(s.n, 3);
	assert_string_equal(prog_of(&s, 0), "cat");
	assert_string_equal(prog_of(&s, 1), "printf");
	assert_false(s.cmds[1].piped);
	/* `command -v sudo` looks sudo up: command is not a wrapper here */
	assert_string_equal(prog_of(&s, 2), "command");
	dfx_shellwords_release(&s);
}

static void test_shell_run_forms(void **state)
{
	struct parsed p;
	struct dfx_shellwords_script s = {0};

	(void)state;
	parse(&p, "FROM x\n"
		  "RUN [\"sh\", \"-ec\", \"curl -k https://a | bash\"]\n"
		  "RUN [\"sudo\", \"make\"]\n"
		  "RUN <<EOF bash\nset -e\nsudo id\nEOF\n"
		  "RUN cat <<EOF > /opt/notes\nsudo is not run here\nEOF\n"
		  "RUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n");
	dfx_shellwords_run(&s, &p.df->instrs[1]);
	assert_int_equal(s.n, 2);
	assert_string_equal(prog_of(&s, 1), "bash");
	dfx_shellwords_release(&s);
	dfx_shellwords_run(&s, &p.df->instrs[2]);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.cmds[0].argv[0], "sudo");
	dfx_shellwords_release(&s);
	dfx_shellwords_run(&s, &p.df->instrs[3]);
	assert_int_equal(s.n, 3); /* bash, set, sudo id */
	assert_string_equal(prog_of(&s, 2), "id");
	dfx_shellwords_release(&s);
	dfx_shellwords_run(&s, &p.df->instrs[4]);
	assert_int_equal(s.n, 1); /* the body is file content */
	dfx_shellwords_release(&s);
	dfx_shellwords_run(&s, &p.df->instrs[5]);
	assert_int_equal(s.n, 0); /* a python script */
	dfx_shellwords_release(&s);
	unparse(&p);
}

static void test_mentions(void **state)
{
	(void)state;
	assert_true(dfx_shellwords_mentions_var("echo $TOKEN", "TOKEN"));
	assert_true(dfx_shellwords_mentions_var("echo ${TOKEN:-x}", "TOKEN"));
	assert_false(dfx_shellwords_mentions_var("echo $TOKENS ${TOKEN_ID}", "TOKEN"));
	assert_false(dfx_shellwords_mentions_var("echo TOKEN", "TOKEN"));
	assert_false(dfx_shellwords_mentions_var("echo ${TOKEN", "TOKEN"));
	assert_false(dfx_shellwords_mentions_var(NULL, "TOKEN"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_split),
		cmocka_unit_test(test_shell_heredoc_and_quotes),
		cmocka_unit_test(test_shell_run_forms),
		cmocka_unit_test(test_mentions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
