/*
 * test_fix.c - cmocka tests of the fix engine's own logic
 * (src/engine/fix.c, compiled into this test so that its file-local
 * helpers can be driven directly): fix groups (members found by rule, file
 * and group), the convergence guard (a finding that a fix of the last pass
 * did not remove undoes that pass and is never fixed again; a fix that
 * edits again what its rule wrote in an earlier pass is refused, an append
 * after it is not), and how recorded regions move with later edits.
 * Groups applied end to end are tested in test_secretplan.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/engine/fix.c"

static const struct dfx_rule rule_a = {.code = "DX901", .name = "a"};
static const struct dfx_rule rule_b = {.code = "DX902", .name = "b"};

static struct dfx_finding *add(struct dfx_findings *fs, const struct dfx_rule *r, struct dfx_wsfile *f,
			       const char *msg, struct dfx_fix *fix)
{
	struct dfx_finding *fd;

	DFX_GROW(fs->v, fs->n + 1, fs->cap);
	fd = &fs->v[fs->n++];
	memset(fd, 0, sizeof(*fd));
	fd->rule = r;
	fd->src = &f->cur;
	fd->message = dfx_xstrdup(msg);
	fd->fix = fix;
	return fd;
}

static void test_group_members(void **state)
{
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_wsfile *a, *b;
	struct dfx_fix **mv, *f1 = dfx_fix_new(DFX_FIX_SAFE, "1"), *f2 = dfx_fix_new(DFX_FIX_SAFE, "2"),
			     *f3 = dfx_fix_new(DFX_FIX_SAFE, "3"), *f4 = dfx_fix_new(DFX_FIX_SAFE, "4");

	(void)state;
	dfx_ws_init(&ws, NULL);
	a = dfx_ws_file(&ws, "a.yaml");
	b = dfx_ws_file(&ws, "b.yaml");
	f1->group = f2->group = f3->group = f4->group = 1;
	add(&fs, &rule_a, a, "one", f1);
	add(&fs, &rule_b, a, "other rule", f3); /* same group number, another rule: not a member */
	add(&fs, &rule_a, a, "two", f2);
	add(&fs, &rule_a, b, "other file", f4); /* another file: not a member */
	assert_int_equal(group_members(&fs, 0, 0, fs.n, &mv), 2);
	assert_ptr_equal(mv[0], f1);
	assert_ptr_equal(mv[1], f2);
	free(mv);
	f3->group = 0;
	assert_int_equal(group_members(&fs, 1, 0, fs.n, &mv), 1); /* alone */
	free(mv);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
}

static void test_remap(void **state)
{
	struct dfx_edit e1 = {.start = 2, .end = 2, .text = "xxx"}, e2 = {.start = 5, .end = 7, .text = "y"};
	const struct placed v[] = {{&e1, NULL, 0}, {&e2, NULL, 1}};

	(void)state;
	assert_int_equal(remap(1, v, 2, false), 1);
	assert_int_equal(remap(2, v, 2, false), 5); /* an insert at a start goes before it */
	assert_int_equal(remap(2, v, 2, true), 2);  /* ... and after an end */
	assert_int_equal(remap(8, v, 2, false), 10);
}

/* A pass writes `f`; the next sees the same finding again: the pass is undone, the finding stuck. */
static void test_not_converged(void **state)
{
	struct dfx_workspace ws;
	struct dfx_findings fs = {0}, again = {0};
	struct dfx_fix_stats st = {0};
	struct guard g = {0};
	struct dfx_wsfile *f;
	struct dfx_fix *fix = dfx_fix_new(DFX_FIX_SAFE, "prefix");
	struct touched *tv;
	size_t tn;
	const char *codes[] = {rule_a.code};
	struct dfx_buf why = DFX_BUF_INIT;

	(void)state;
	dfx_ws_init(&ws, NULL);
	f = dfx_ws_file(&ws, "x.txt");
	dfx_ws_set(f, dfx_xstrdup("port: 5432\n"), 11);
	dfx_fix_edit(fix, "x.txt", 6, 6, "127.0.0.1:");
	add(&fs, &rule_a, f, "port published", NULL);

	/* pass 1 applies the fix for the one finding */
	assert_int_equal(build(&ws, &fix, codes, 1, false, false, &tv, &tn, &why), 0);
	guard_commit(&g, tv, tn);
	commit(&ws, tv, tn);
	touched_free(tv, tn);
	g.last_applied = 1;
	st.applied = 1;
	DFX_GROW(g.last, 1, g.lcap);
	g.last[0] = (struct applied){finding_id(&fs.v[0]), f, 1, 1, 0};
	g.nlast = 1;
	assert_string_equal(f->cur.data, "port: 127.0.0.1:5432\n");
	/* the region it wrote: an edit inside it is refused, an append after it is not */
	assert_int_equal(f->nregs, 1);
	assert_int_equal(f->regs[0].start, 6);
	assert_int_equal(f->regs[0].end, 16);
	{
		struct dfx_fix *inside = dfx_fix_new(DFX_FIX_SAFE, "again"), *after = dfx_fix_new(DFX_FIX_SAFE, "after");

		dfx_fix_edit(inside, "x.txt", 6, 15, "0.0.0.0");
		dfx_fix_edit(after, "x.txt", 16, 16, "");
		dfx_fix_edit(after, "x.txt", 21, 21, "# end\n");
		assert_true(guard_rewrites(&ws, rule_a.code, inside));
		assert_false(guard_rewrites(&ws, rule_b.code, inside)); /* another rule's bytes are its own */
		assert_false(guard_rewrites(&ws, rule_a.code, after));
		dfx_fix_free(inside);
		dfx_fix_free(after);
	}

	/* pass 2: the finding is gone -> nothing to undo */
	assert_false(guard_check(&g, &ws, &again, false, &st));
	/* ... still there -> the pass is undone and the finding stuck */
	add(&again, &rule_a, f, "port published", NULL);
	assert_true(guard_check(&g, &ws, &again, false, &st));
	assert_string_equal(f->cur.data, "port: 5432\n");
	assert_int_equal(st.applied, 0);
	assert_int_equal(st.unconverged, 1);
	assert_int_equal(g.stuck.n, 1);
	assert_true(strset_has(&g.stuck, "DX901|x.txt|port published"));
	assert_int_equal(f->nregs, 0);
	assert_int_equal(ws.diags.n, 1);
	assert_string_equal(ws.diags.v[0].path, "x.txt");
	assert_non_null(strstr(ws.diags.v[0].message, "DX901 fix did not converge"));
	dfx_fix_free(fix);
	dfx_findings_release(&fs);
	dfx_findings_release(&again);
	dfx_fix_stats_release(&st);
	dfx_buf_release(&why);
	guard_release(&g);
	dfx_ws_release(&ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_members),
		cmocka_unit_test(test_remap),
		cmocka_unit_test(test_not_converged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
