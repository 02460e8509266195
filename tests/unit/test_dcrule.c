/*
 * test_dcrule.c - unit tests of the helpers private to the Docker Compose
 * rules (src/rules/compose/dcrule.c): report spans and anchor notes for
 * keys that came through `<<` merges, the removal fix (a one-item list goes
 * with its key, anchors are respected, the running rule's own suppression
 * decides), fixes attached with their YAML path, published-port exposure,
 * database ports and the security options that disable a confinement
 * layer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/fix.h"
#include "src/rules/compose/dcrule.h"

/* ---------------------------------------------------------------- helpers */

/* One compose file checked by one rule, outside any workspace walk. */
struct env {
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_wsfile f;
	struct dfx_findings out;
	struct dfx_ctx ctx;
	struct dfx_compose *c;
};

static void env_load(struct env *e, const char *code, const char *text)
{
	struct dfx_error err = {0};

	memset(e, 0, sizeof(*e));
	dfx_config_init(&e->cfg);
	dfx_ws_init(&e->ws, &e->cfg);
	e->f.path = dfx_xstrdup("compose.yaml");
	e->f.kind = DFX_KIND_COMPOSE;
	e->f.target = true;
	dfx_source_init_copy(&e->f.cur, "compose.yaml", text, strlen(text));
	e->c = e->f.compose = dfx_compose_parse(&e->f.cur, &err);
	if (!e->c)
		fail_msg("compose parse failed: %u:%u: %s", err.line, err.col, err.message);
	dfx_error_release(&err);
	e->ctx.ws = &e->ws;
	e->ctx.file = &e->f;
	e->ctx.rule = dfx_rule_find(code);
	e->ctx.out = &e->out;
	assert_non_null(e->ctx.rule);
}

static void env_free(struct env *e)
{
	dfx_findings_release(&e->out);
	dfx_compose_free(e->c);
	dfx_source_release(&e->f.cur);
	free(e->f.path);
	dfx_ws_release(&e->ws);
	dfx_config_release(&e->cfg);
}

static const struct dfx_compose_service *svc(const struct dfx_compose *c, const char *name)
{
	const struct dfx_compose_service *s = dfx_compose_service_find(c, name);

	assert_non_null(s);
	return s;
}

/* The text a span covers (caller frees). */
static char *span_text(const struct env *e, struct dfx_span sp)
{
	return dfx_xstrndup(e->f.cur.data + sp.start, sp.end - sp.start);
}

/* The file after a finding's fix. */
static char *fixed(const struct env *e, const struct dfx_finding *f)
{
	const struct dfx_edit **v;
	size_t len;
	char *out;

	assert_non_null(f->fix);
	v = dfx_xcalloc(f->fix->nedits, sizeof(*v));
	for (size_t i = 0; i < f->fix->nedits; i++)
		v[i] = &f->fix->edits[i];
	out = dfx_fix_splice(e->f.cur.data, e->f.cur.len, v, f->fix->nedits, &len);
	free(v);
	return out;
}

static struct dfx_finding *emit_at(struct env *e, const struct dfx_yaml_node *n)
{
	return dfx_emit(&e->ctx, n->span, "finding");
}

/* ---------------------------------------------------------------- text */

static void test_prefix_nocase(void **state)
{
	(void)state;
	assert_true(dfx_dc_prefix_nocase("No-New-Privileges:true", "no-new-privileges"));
	assert_true(dfx_dc_prefix_nocase("abc", ""));
	assert_false(dfx_dc_prefix_nocase("no-new", "no-new-privileges"));
	assert_false(dfx_dc_prefix_nocase(NULL, "x"));
	assert_false(dfx_dc_prefix_nocase("x", NULL));
}

static void test_security_opt_disables(void **state)
{
	(void)state;
	assert_string_equal(dfx_dc_security_opt_disables("seccomp:unconfined"), "the seccomp system-call filter");
	assert_string_equal(dfx_dc_security_opt_disables(" SECCOMP=Unconfined "), "the seccomp system-call filter");
	assert_string_equal(dfx_dc_security_opt_disables("apparmor=unconfined"), "the AppArmor profile");
	assert_string_equal(dfx_dc_security_opt_disables("label:disable"), "SELinux separation");
	assert_string_equal(dfx_dc_security_opt_disables("disable"), "SELinux labelling (`disable`)");
	assert_string_equal(dfx_dc_security_opt_disables("label=type:spc_t"),
			    "SELinux separation (an unconfined SELinux type)");
	assert_string_equal(dfx_dc_security_opt_disables("systempaths=unconfined"),
			    "the masking of /proc and /sys paths");
	assert_null(dfx_dc_security_opt_disables("seccomp:./profile.json"));
	assert_null(dfx_dc_security_opt_disables("seccomp:unconfinedx"));
	assert_null(dfx_dc_security_opt_disables("label=type:container_t"));
	assert_null(dfx_dc_security_opt_disables("no-new-privileges:true"));
	assert_null(dfx_dc_security_opt_disables("unconfined"));
}

/* ---------------------------------------------------------------- ports */

static enum dfx_dc_exposure exposure(const char *spec)
{
	struct dfx_compose_port p;
	enum dfx_dc_exposure x;

	dfx_compose_port_parse(spec, &p);
	x = dfx_dc_port_exposure(&p);
	dfx_compose_port_release(&p);
	return x;
}

static void test_port_exposure(void **state)
{
	(void)state;
	assert_int_equal(exposure("5432"), DFX_DC_ALL);
	assert_int_equal(exposure("5432:5432"), DFX_DC_ALL);
	assert_int_equal(exposure("0.0.0.0:5432:5432"), DFX_DC_ALL);
	assert_int_equal(exposure("[::]:5432:5432"), DFX_DC_ALL);
	assert_int_equal(exposure("127.0.0.1:5432:5432"), DFX_DC_BOUND);
	assert_int_equal(exposure("10.0.0.5:80:80"), DFX_DC_BOUND);
	assert_int_equal(exposure("${BIND:-0.0.0.0}:80:80"), DFX_DC_ALL_BY_VAR);
	assert_int_equal(exposure("${BIND:-127.0.0.1}:80:80"), DFX_DC_BOUND);
	assert_int_equal(exposure("${BIND}:80:80"), DFX_DC_BOUND);
}

static void test_port_text_and_db(void **state)
{
	struct env e;
	const struct dfx_compose_service *s;
	const char *kind;
	bool by_image;
	unsigned port;
	char *t;

	(void)state;
	env_load(&e, "DC202",
		 "services:\n"
		 "  db:\n    image: postgres:16\n    ports: [\"8080:80\"]\n"
		 "  web:\n    image: nginx\n    ports:\n      - \"5432:5432\"\n      - \"8123:8123\"\n"
		 "      - target: 6379\n        published: 6379\n        host_ip: 0.0.0.0\n");
	s = svc(e.c, "db");
	t = dfx_dc_port_text(&s->ports[0]);
	assert_string_equal(t, "8080:80");
	free(t);
	assert_true(dfx_dc_port_db(&e.ctx, s, &s->ports[0], &kind, &by_image, &port));
	assert_string_equal(kind, "postgres");
	assert_true(by_image);

	s = svc(e.c, "web");
	assert_true(dfx_dc_port_db(&e.ctx, s, &s->ports[0], &kind, &by_image, &port));
	assert_false(by_image);
	assert_int_equal(port, 5432);
	assert_non_null(kind);
	/* a port web applications share proves nothing without a database image */
	assert_false(dfx_dc_port_db(&e.ctx, s, &s->ports[1], &kind, &by_image, &port));
	assert_null(kind);
	t = dfx_dc_port_text(&s->ports[2]);
	assert_string_equal(t, "target: 6379, published: 6379, host_ip: 0.0.0.0");
	free(t);
	assert_int_equal(dfx_dc_port_exposure(&s->ports[2]), DFX_DC_ALL);
	env_free(&e);
}

/* ---------------------------------------------------------------- spans and notes */

static void test_ref_span_and_notes(void **state)
{
	struct env e;
	const struct dfx_compose_service *s;
	char *t, *note;

	(void)state;
	env_load(&e, "DC301",
		 "x-base: &base\n  privileged: true\n"
		 "services:\n"
		 "  a:\n    image: x\n    <<: *base\n"
		 "  b:\n    image: x\n    privileged: true   # own\n");
	s = svc(e.c, "a");
	/* through the merge: reported at the key in the anchor, opted out of at the service's `<<: *base` */
	t = span_text(&e, dfx_dc_ref_span(e.c, &s->privileged));
	assert_string_equal(t, "privileged: true");
	free(t);
	assert_int_equal(dfx_dc_ref_site(e.c, &s->privileged),
			 (uint32_t)(strstr(e.c->src->data, "<<: *base") - e.c->src->data));
	note = dfx_dc_ref_note(&s->privileged);
	assert_string_equal(note, ", from the anchor `&base`");
	free(note);
	note = dfx_dc_paren_note(&s->privileged);
	assert_string_equal(note, " (from the anchor `&base`)");
	free(note);
	assert_string_equal(dfx_dc_anchor_of(s->privileged.key), "base");

	s = svc(e.c, "b");
	/* written in the service: `key: value` on its line, the comment left out */
	t = span_text(&e, dfx_dc_ref_span(e.c, &s->privileged));
	assert_string_equal(t, "privileged: true");
	free(t);
	note = dfx_dc_ref_note(&s->privileged);
	assert_string_equal(note, "");
	free(note);
	assert_int_equal(dfx_dc_ref_site(e.c, &s->privileged), DFX_NO_SITE);
	assert_null(dfx_dc_anchor_of(s->privileged.key));
	env_free(&e);
}

/* ---------------------------------------------------------------- fixes */

static void test_fix_remove(void **state)
{
	struct env e;
	const struct dfx_compose_service *s;
	struct dfx_finding *f;
	char *out;

	(void)state;
	env_load(&e, "DC302",
		 "services:\n"
		 "  a:\n    image: x\n    cap_add:\n      - SYS_ADMIN\n    privileged: true\n"
		 "  b:\n    image: x\n    cap_add: [NET_ADMIN, CHOWN]\n");
	/* the only item of a list: the key goes with it, and the key's path is declared */
	s = svc(e.c, "a");
	f = emit_at(&e, s->cap_add.node->items[0]);
	assert_non_null(f);
	dfx_dc_fix_remove(&e.ctx, f, s->cap_add.node->items[0], "remove `SYS_ADMIN`", NULL, NULL);
	assert_non_null(f->fix);
	assert_int_equal(f->fix->applicability, DFX_FIX_UNSAFE);
	assert_string_equal(f->fix->description, "remove `SYS_ADMIN`");
	assert_int_equal(f->fix->npaths, 1);
	assert_string_equal(f->fix->paths[0], "/services/a/cap_add");
	out = fixed(&e, f);
	assert_string_equal(out, "services:\n  a:\n    image: x\n    privileged: true\n"
				 "  b:\n    image: x\n    cap_add: [NET_ADMIN, CHOWN]\n");
	free(out);

	/* one of several items: only it goes; the list is declared (items renumber) */
	s = svc(e.c, "b");
	f = emit_at(&e, s->cap_add.node->items[0]);
	dfx_dc_fix_remove(&e.ctx, f, s->cap_add.node->items[0], "remove `NET_ADMIN`", "(kept: CHOWN)", NULL);
	assert_string_equal(f->fix->description, "remove `NET_ADMIN` (kept: CHOWN)");
	assert_string_equal(f->fix->paths[0], "/services/b/cap_add");
	out = fixed(&e, f);
	assert_non_null(strstr(out, "cap_add: [CHOWN]\n"));
	free(out);
	env_free(&e);
}

static void test_fix_anchor(void **state)
{
	struct env e;
	const struct dfx_compose_service *s;
	struct dfx_finding *f;
	const char *why;

	(void)state;
	/* service b opted out of DC301 where the anchor comes in: no edit of the anchor */
	env_load(&e, "DC301",
		 "x-base: &base\n  privileged: true\n"
		 "services:\n"
		 "  a:\n    image: x\n    <<: *base\n"
		 "  b:\n    image: x\n    <<: *base   # dockfix ignore=DC301\n");
	s = svc(e.c, "a");
	assert_false(dfx_dc_fix_allowed(&e.ctx, s->privileged.key, &why));
	assert_non_null(strstr(why, "anchor"));
	f = dfx_emit(&e.ctx, dfx_dc_ref_span(e.c, &s->privileged), "finding");
	assert_non_null(f);
	dfx_dc_fix_remove(&e.ctx, f, s->privileged.key, "remove `privileged`", NULL, NULL);
	assert_null(f->fix);
	assert_non_null(f->hint);
	assert_non_null(strstr(f->hint, "anchor"));
	env_free(&e);

	/* the opt-out names another rule: the running rule's code decides */
	env_load(&e, "DC301",
		 "x-base: &base\n  privileged: true\n"
		 "services:\n"
		 "  a:\n    image: x\n    <<: *base\n"
		 "  b:\n    image: x\n    <<: *base   # dockfix ignore=DC302\n");
	s = svc(e.c, "a");
	assert_true(dfx_dc_fix_allowed(&e.ctx, s->privileged.key, &why));
	assert_null(why);
	f = dfx_emit(&e.ctx, dfx_dc_ref_span(e.c, &s->privileged), "finding");
	dfx_dc_fix_remove(&e.ctx, f, s->privileged.key, "remove `privileged`", NULL, NULL);
	assert_non_null(f->fix);
	assert_string_equal(f->fix->description, "remove `privileged` in the anchor `&base`");
	assert_string_equal(f->fix->paths[0], "/x-base/privileged");
	env_free(&e);

	/* an entry that defines an anchor others may use is never deleted */
	env_load(&e, "DC302",
		 "services:\n"
		 "  a:\n    image: x\n    cap_add: &caps [SYS_ADMIN]\n"
		 "  b:\n    image: x\n    cap_add: *caps\n");
	s = svc(e.c, "a");
	f = emit_at(&e, s->cap_add.node->items[0]);
	dfx_dc_fix_remove(&e.ctx, f, s->cap_add.node->items[0], "remove `SYS_ADMIN`", NULL, NULL);
	assert_null(f->fix);
	assert_string_equal(f->hint, "no automatic fix: the entry defines an anchor that aliases may use");
	env_free(&e);
}

static void test_attach(void **state)
{
	struct env e;
	const struct dfx_compose_service *s;
	struct dfx_finding *f;
	struct dfx_yaml_edits ed;

	(void)state;
	env_load(&e, "DC304", "services:\n  a:\n    image: x\n");
	s = svc(e.c, "a");
	/* edits: a fix with the path declared */
	f = dfx_emit(&e.ctx, s->key->span, "finding");
	dfx_yaml_edits_init(&ed);
	assert_int_equal(dfx_yaml_edit_map_insert(e.c->yaml, s->node, "read_only", "true", &ed), 0);
	dfx_dc_attach(&e.ctx, f, DFX_FIX_SAFE, &ed, "/services/a/read_only", "unused hint", "add %s", "it");
	assert_non_null(f->fix);
	assert_string_equal(f->fix->description, "add it");
	assert_int_equal(f->fix->applicability, DFX_FIX_SAFE);
	assert_string_equal(f->fix->paths[0], "/services/a/read_only");
	assert_string_equal(f->fix->edits[0].path, "compose.yaml");
	assert_null(f->hint);
	dfx_yaml_edits_release(&ed);

	/* no edits: the given hint, else the helper's reason */
	f = dfx_emit(&e.ctx, s->key->span, "finding");
	dfx_yaml_edits_init(&ed);
	dfx_dc_attach(&e.ctx, f, DFX_FIX_SAFE, &ed, NULL, "do it by hand", "x");
	assert_null(f->fix);
	assert_string_equal(f->hint, "do it by hand");
	f = dfx_emit(&e.ctx, s->key->span, "finding");
	assert_int_equal(dfx_yaml_edit_map_insert(e.c->yaml, s->node, "image", "y", &ed), -1);
	dfx_dc_attach(&e.ctx, f, DFX_FIX_SAFE, &ed, NULL, NULL, "x");
	assert_null(f->fix);
	assert_string_equal(f->hint, "no automatic fix: the mapping already has the key \"image\"");
	dfx_yaml_edits_release(&ed);
	env_free(&e);
}

/* ---------------------------------------------------------------- services */

static void test_service_image(void **state)
{
	struct env e;

	(void)state;
	env_load(&e, "DC305",
		 "services:\n  a:\n    image: redis:7\n  b:\n    build: .\n  c:\n    environment: {A: b}\n");
	assert_string_equal(dfx_dc_service_image(&e.ctx, svc(e.c, "a")), "redis:7");
	assert_null(dfx_dc_service_image(&e.ctx, svc(e.c, "b")));
	/* a fragment with no base file in the run */
	assert_null(dfx_dc_service_image(&e.ctx, svc(e.c, "c")));
	env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_nocase),
		cmocka_unit_test(test_security_opt_disables),
		cmocka_unit_test(test_port_exposure),
		cmocka_unit_test(test_port_text_and_db),
		cmocka_unit_test(test_ref_span_and_notes),
		cmocka_unit_test(test_fix_remove),
		cmocka_unit_test(test_fix_anchor),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_service_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
