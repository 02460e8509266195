/*
 * test_driver.c - cmocka tests of the driver's own logic
 * (src/engine/driver.c, compiled into this test so that its file-local
 * helpers can be driven directly): a finding of a rule that supersedes
 * another drops the overlapping findings of that rule, and only those.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/engine/driver.c"

static const struct dfx_rule sup = {.code = "DX901", .name = "sup", .supersedes = "DX902,DX904"};
static const struct dfx_rule sub = {.code = "DX902", .name = "sub"};
static const struct dfx_rule other = {.code = "DX903", .name = "other"};
static const struct dfx_rule sub2 = {.code = "DX904", .name = "sub2"};

static void add(struct dfx_findings *fs, const struct dfx_rule *r, uint32_t start, uint32_t end, const char *msg)
{
	struct dfx_finding *fd;

	DFX_GROW(fs->v, fs->n + 1, fs->cap);
	fd = &fs->v[fs->n++];
	memset(fd, 0, sizeof(*fd));
	fd->rule = r;
	fd->span = (struct dfx_span){start, end};
	fd->message = dfx_xstrdup(msg);
}

static bool has(const struct dfx_findings *fs, const char *msg)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].message, msg))
			return true;
	return false;
}

static void test_supersedes(void **state)
{
	struct dfx_findings fs = {0};

	(void)state;
	add(&fs, &other, 0, 5, "before the range"); /* not in this file's range */
	add(&fs, &sub, 0, 5, "before the range, listed");
	add(&fs, &sub, 10, 20, "overlapped");
	add(&fs, &sup, 15, 100, "long superseder");
	add(&fs, &sub, 100, 110, "touching the end");       /* [15,100) and [100,110) do not overlap */
	add(&fs, &other, 20, 30, "not listed");
	add(&fs, &sup, 500, 500, "empty superseder");
	add(&fs, &sub2, 500, 500, "empty at the same point");
	add(&fs, &sub2, 501, 501, "empty elsewhere");
	add(&fs, &sub, 2000, 2010, "far away");
	add(&fs, &sup, 2005, 2006, "short superseder inside");
	add(&fs, &sub, 1000, 1001, "between");
	resolve_supersedes(&fs, 2);
	assert_int_equal(fs.n, 9);
	assert_true(has(&fs, "before the range, listed"));
	assert_false(has(&fs, "overlapped"));
	assert_true(has(&fs, "long superseder"));
	assert_true(has(&fs, "touching the end"));
	assert_true(has(&fs, "not listed"));
	assert_false(has(&fs, "empty at the same point"));
	assert_true(has(&fs, "empty elsewhere"));
	assert_false(has(&fs, "far away"));
	assert_true(has(&fs, "between"));
	dfx_findings_release(&fs);
}

/* Many findings: each is compared only with the superseders near it. */
static void test_supersedes_many(void **state)
{
	struct dfx_findings fs = {0};

	(void)state;
	for (uint32_t i = 0; i < 20000; i++) {
		char *msg = dfx_xasprintf("p%u", i);

		add(&fs, &sub, i * 10, i * 10 + 5, msg);
		free(msg);
		if (i % 1000 == 0)
			add(&fs, &sup, i * 10 + 2, i * 10 + 3, "s");
	}
	resolve_supersedes(&fs, 0);
	assert_int_equal(fs.n, 20000); /* 20 superseders kept, the 20 findings they overlap dropped */
	assert_false(has(&fs, "p0"));
	assert_true(has(&fs, "p1"));
	assert_false(has(&fs, "p19000"));
	dfx_findings_release(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_supersedes),
		cmocka_unit_test(test_supersedes_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
