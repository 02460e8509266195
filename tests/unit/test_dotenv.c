/*
 * test_dotenv.c - cmocka tests of .env reading and writing
 * (src/model/dotenv.c): quotes, escapes, `export`, inline comments, the
 * last assignment winning, lines that read back as the value written, and
 * which files hold a credential.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockfix/dotenv.h"

static void test_dotenv(void **state)
{
	static const char text[] = "# comment\nexport A=1\nB = 'two words'\nC=\"x\\ny\"\nD=plain # note\nE=\nA=again\n";
	char *v;

	(void)state;
	v = dfx_dotenv_get(text, sizeof(text) - 1, "A");
	assert_string_equal(v, "again"); /* the last one wins */
	free(v);
	v = dfx_dotenv_get(text, sizeof(text) - 1, "B");
	assert_string_equal(v, "two words");
	free(v);
	v = dfx_dotenv_get(text, sizeof(text) - 1, "C");
	assert_string_equal(v, "x\ny");
	free(v);
	v = dfx_dotenv_get(text, sizeof(text) - 1, "D");
	assert_string_equal(v, "plain");
	free(v);
	v = dfx_dotenv_get(text, sizeof(text) - 1, "E");
	assert_string_equal(v, "");
	free(v);
	assert_null(dfx_dotenv_get(text, sizeof(text) - 1, "F"));

	v = dfx_dotenv_line("X", "abc-123_./+:@");
	assert_string_equal(v, "X=abc-123_./+:@");
	free(v);
	v = dfx_dotenv_line("X", "p$ss word#1");
	assert_string_equal(v, "X='p$ss word#1'");
	free(v);
	v = dfx_dotenv_line("X", "it's");
	assert_string_equal(v, "X=\"it's\"");
	free(v);
	assert_null(dfx_dotenv_line("X", "it's $x"));
	assert_null(dfx_dotenv_line("X", "two\nlines"));

	assert_true(dfx_dotenv_has_secret("DB_PASSWORD=Xk9mP2vL8q\n", 22));
	assert_false(dfx_dotenv_has_secret("DB_PASSWORD=\nDEBUG=true\n", 24));
	assert_false(dfx_dotenv_has_secret("DB_PASSWORD=${DB_PASSWORD}\n", 27));
	assert_false(dfx_dotenv_has_secret("APP_ENV=prod\nLOG_LEVEL=info\n", 28));
}

/* Every line dfx_dotenv_line writes reads back as the value it was given. */
static void test_round_trip(void **state)
{
	static const char *const values[] = {"plain", "with space", "a#b", "x'y", "$HOME", "", "ü-ß", "a=b=c"};

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char *line = dfx_dotenv_line("K", values[i]), *back;

		assert_non_null(line);
		back = dfx_dotenv_get(line, strlen(line), "K");
		assert_non_null(back);
		assert_string_equal(back, values[i]);
		free(back);
		free(line);
	}
}

struct seen {
	char names[4][16];
	struct dfx_span vs[4];
	size_t n;
};

static int collect(const struct dfx_dotenv_var *v, void *arg)
{
	struct seen *s = arg;

	if (s->n < 4) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s=%s", v->name, v->value);
		s->vs[s->n++] = v->value_span;
	}
	return 0;
}

/* dfx_dotenv_each: decoded values, and spans of the value as written. */
static void test_each(void **state)
{
	const char *t = "# c\nA=1\nexport B = \"x y\" \nC='q' # note\nnot a line\n";
	struct seen s = {0};

	(void)state;
	assert_int_equal(dfx_dotenv_each(t, strlen(t), collect, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "A=1");
	assert_string_equal(s.names[1], "B=x y");
	assert_string_equal(s.names[2], "C=q");
	assert_memory_equal(t + s.vs[0].start, "1", 1);
	assert_int_equal(s.vs[1].end - s.vs[1].start, 5); /* "x y" with its quotes */
	assert_memory_equal(t + s.vs[1].start, "\"x y\"", 5);
	assert_int_equal(dfx_dotenv_each(NULL, 0, collect, &s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dotenv),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_each),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
