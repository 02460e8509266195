/*
 * test_compose.c - unit tests of the Docker Compose model
 * (src/model/compose.c): ports and volumes as services hold them,
 * environment forms, services and top-level elements, merge keys,
 * suppression comments and error positions. The value syntaxes have their
 * own tests (test_compose_syntax.c), and so do the edits
 * (test_compose_edit.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"

/* ---------------------------------------------------------------- helpers */

struct fixture {
	struct dfx_source src;
	struct dfx_compose *c;
};

static struct dfx_compose *load(struct fixture *f, const char *text)
{
	struct dfx_error err = {0};

	dfx_source_init_copy(&f->src, "compose.yaml", text, strlen(text));
	f->c = dfx_compose_parse(&f->src, &err);
	if (!f->c)
		fail_msg("compose parse failed: %u:%u: %s", err.line, err.col, err.message);
	dfx_error_release(&err);
	return f->c;
}

static void unload(struct fixture *f)
{
	dfx_compose_free(f->c);
	dfx_source_release(&f->src);
}

static char *load_err(const char *text, unsigned *line, unsigned *col)
{
	struct dfx_source src;
	struct dfx_error err = {0};
	struct dfx_compose *c;
	char *msg;

	dfx_source_init_copy(&src, "compose.yaml", text, strlen(text));
	c = dfx_compose_parse(&src, &err);
	assert_null(c);
	assert_non_null(err.message);
	assert_string_equal(err.path, "compose.yaml");
	*line = err.line;
	*col = err.col;
	msg = dfx_xstrdup(err.message);
	dfx_error_release(&err);
	dfx_source_release(&src);
	return msg;
}

static const struct dfx_compose_service *svc(const struct dfx_compose *c, const char *name)
{
	const struct dfx_compose_service *s = dfx_compose_service_find(c, name);

	assert_non_null(s);
	return s;
}

static char *span_text(const struct dfx_compose *c, struct dfx_span s)
{
	return dfx_xstrndup(c->src->data + s.start, s.end - s.start);
}

/* ---------------------------------------------------------------- ports */

static void test_ports_in_services(void **state)
{
	struct fixture f;
	struct dfx_compose *c = load(&f,
		"services:\n"
		"  db:\n"
		"    image: postgres\n"
		"    ports:\n"
		"      - \"5432:5432\"\n"
		"      - 5433\n"
		"      - target: 6379\n"
		"        published: \"6379\"\n"
		"        host_ip: 127.0.0.1\n"
		"        protocol: tcp\n"
		"        mode: host\n"
		"      - target: 80\n"
		"        published: 8000-8010\n");
	const struct dfx_compose_service *s = svc(c, "db");
	char *t;

	(void)state;
	assert_int_equal(s->nports, 4);
	assert_false(s->ports[0].long_syntax);
	assert_string_equal(s->ports[0].published, "5432");
	t = span_text(c, s->ports[0].node->span);
	assert_string_equal(t, "\"5432:5432\"");
	free(t);
	assert_string_equal(s->ports[1].target, "5433");
	assert_null(s->ports[1].published);
	assert_true(s->ports[2].long_syntax);
	assert_true(s->ports[2].valid);
	assert_string_equal(s->ports[2].target, "6379");
	assert_int_equal(s->ports[2].target_lo, 6379);
	assert_string_equal(s->ports[2].published, "6379");
	assert_string_equal(s->ports[2].host_ip, "127.0.0.1");
	assert_string_equal(s->ports[2].protocol, "tcp");
	assert_string_equal(s->ports[2].mode, "host");
	assert_false(dfx_compose_port_all_interfaces(&s->ports[2]));
	t = span_text(c, s->ports[2].host_ip_ref.node->span);
	assert_string_equal(t, "127.0.0.1");
	free(t);
	assert_true(dfx_compose_port_all_interfaces(&s->ports[3]));
	assert_null(s->ports[3].host_ip_ref.key);
	assert_int_equal(s->ports[3].published_lo, 8000);
	assert_int_equal(s->ports[3].published_hi, 8010);
	unload(&f);
}

/* ---------------------------------------------------------------- environment */

static void test_environment(void **state)
{
	struct fixture f;
	struct dfx_compose *c = load(&f,
		"x-env: &env\n"
		"  SHARED: from-anchor\n"
		"  OVERRIDE: anchor\n"
		"services:\n"
		"  map:\n"
		"    environment:\n"
		"      <<: *env\n"
		"      POSTGRES_PASSWORD: secret\n"
		"      EMPTY:\n"
		"      NULLED: null\n"
		"      QUOTED: \"\"\n"
		"      NUM: 5\n"
		"      OVERRIDE: own\n"
		"  list:\n"
		"    environment:\n"
		"      - KEY=value=with=eq\n"
		"      - UNSET\n"
		"      - EMPTY=\n"
		"      - \"QUOTED=x\"\n"
		"      - 'ESC=it''s'\n");
	const struct dfx_compose_service *m = svc(c, "map"), *l = svc(c, "list");
	char *t;

	(void)state;
	assert_int_equal(m->nenv, 7);
	assert_string_equal(m->env[0].name, "POSTGRES_PASSWORD");
	assert_string_equal(m->env[0].value, "secret");
	assert_false(m->env[0].list_form);
	assert_false(m->env[0].from_anchor);
	t = span_text(c, m->env[0].value_span);
	assert_string_equal(t, "secret");
	free(t);
	t = span_text(c, m->env[0].name_span);
	assert_string_equal(t, "POSTGRES_PASSWORD");
	free(t);
	assert_string_equal(m->env[1].name, "EMPTY");
	assert_null(m->env[1].value);
	assert_true(m->env[1].node->empty);
	assert_null(m->env[2].value);
	assert_string_equal(m->env[3].value, "");
	assert_string_equal(m->env[4].value, "5");
	assert_string_equal(m->env[5].name, "OVERRIDE");
	assert_string_equal(m->env[5].value, "own");
	assert_string_equal(m->env[6].name, "SHARED");
	assert_true(m->env[6].from_anchor);
	assert_string_equal(m->env[6].via->value, "env");

	assert_int_equal(l->nenv, 5);
	assert_true(l->env[0].list_form);
	assert_string_equal(l->env[0].name, "KEY");
	assert_string_equal(l->env[0].value, "value=with=eq");
	assert_true(l->env[0].span_exact);
	t = span_text(c, l->env[0].value_span);
	assert_string_equal(t, "value=with=eq");
	free(t);
	assert_string_equal(l->env[1].name, "UNSET");
	assert_null(l->env[1].value);
	assert_string_equal(l->env[2].value, "");
	assert_string_equal(l->env[3].name, "QUOTED");
	assert_true(l->env[3].span_exact);
	t = span_text(c, l->env[3].name_span);
	assert_string_equal(t, "QUOTED");
	free(t);
	assert_string_equal(l->env[4].value, "it's");
	assert_false(l->env[4].span_exact);
	unload(&f);
}

/* ---------------------------------------------------------------- services */

static void test_service_fields(void **state)
{
	struct fixture f;
	struct dfx_compose *c = load(&f,
		"name: demo\n"
		"include:\n"
		"  - other.yaml\n"
		"x-common: &common\n"
		"  privileged: true\n"
		"  cap_add: [SYS_ADMIN]\n"
		"services:\n"
		"  app:\n"
		"    <<: *common\n"
		"    image: \"nginx:1.27\"\n"
		"    build:\n"
		"      context: ./app\n"
		"      dockerfile: Dockerfile.prod\n"
		"      args:\n"
		"        NPM_TOKEN: abc\n"
		"      secrets: [npmrc]\n"
		"    command: [\"nginx\", \"-g\", \"daemon off;\"]\n"
		"    user: root\n"
		"    cap_drop: [ALL]\n"
		"    security_opt:\n"
		"      - seccomp:unconfined\n"
		"    network_mode: host\n"
		"    pid: host\n"
		"    ipc: host\n"
		"    uts: host\n"
		"    userns_mode: host\n"
		"    cgroup: host\n"
		"    use_api_socket: true\n"
		"    read_only: 'true'\n"
		"    expose: [\"3000\"]\n"
		"    healthcheck:\n"
		"      test: [\"CMD\", \"true\"]\n"
		"    extends:\n"
		"      service: base\n"
		"    env_file:\n"
		"      - .env\n"
		"      - path: ./opt.env\n"
		"        required: false\n"
		"    secrets:\n"
		"      - db_password\n"
		"      - source: api\n"
		"        target: /run/api\n"
		"    volumes:\n"
		"      - /var/run/docker.sock:/var/run/docker.sock\n"
		"      - data:/data:ro\n"
		"      - ./conf:/etc/conf:ro,z\n"
		"      - /anon\n"
		"      - type: bind\n"
		"        source: /etc\n"
		"        target: /host-etc\n"
		"        read_only: true\n"
		"  builder:\n"
		"    build: ./b\n"
		"    env_file: one.env\n"
		"    command: redis-server --save 60\n"
		"  copy: *common\n"
		"  x-ignored: {}\n"
		"secrets:\n"
		"  db_password:\n"
		"    file: ./secrets/db.txt\n"
		"  api:\n"
		"    external: true\n"
		"  env:\n"
		"    environment: TOKEN\n"
		"volumes:\n"
		"  data: {}\n"
		"networks:\n"
		"  front:\n"
		"x-other: 1\n");
	const struct dfx_compose_service *a = svc(c, "app"), *b = svc(c, "builder"), *cp = svc(c, "copy");

	(void)state;
	assert_int_equal(c->nservices, 3);
	assert_null(dfx_compose_service_find(c, "x-ignored"));
	assert_string_equal(dfx_yaml_str(c->name.node), "demo");
	assert_non_null(c->include.node);
	assert_string_equal(a->image_name, "nginx:1.27");
	assert_false(a->image.from_anchor);
	/* merged keys */
	assert_true(dfx_yaml_is_true(a->privileged.node));
	assert_true(a->privileged.from_anchor);
	assert_string_equal(a->privileged.via->value, "common");
	assert_int_equal(dfx_yaml_seq_len(a->cap_add.node), 1);
	assert_true(dfx_yaml_is_true(cp->privileged.node));
	assert_true(cp->privileged.from_anchor);
	/* build */
	assert_string_equal(a->build.context, "./app");
	assert_string_equal(a->build.dockerfile, "Dockerfile.prod");
	assert_int_equal(a->build.nargs, 1);
	assert_string_equal(a->build.args[0].name, "NPM_TOKEN");
	assert_string_equal(a->build.args[0].value, "abc");
	assert_int_equal(a->build.nsecrets, 1);
	assert_string_equal(a->build.secrets[0].source, "npmrc");
	assert_string_equal(b->build.context, "./b");
	assert_null(b->build.dockerfile);
	/* scalars and lists */
	assert_int_equal(a->command.node->type, DFX_YAML_SEQUENCE);
	assert_string_equal(dfx_yaml_str(b->command.node), "redis-server --save 60");
	assert_string_equal(dfx_yaml_str(a->user.node), "root");
	assert_string_equal(dfx_yaml_str(dfx_yaml_seq_item(a->cap_drop.node, 0)), "ALL");
	assert_string_equal(dfx_yaml_str(dfx_yaml_seq_item(a->security_opt.node, 0)), "seccomp:unconfined");
	assert_string_equal(dfx_yaml_str(a->network_mode.node), "host");
	assert_string_equal(dfx_yaml_str(a->pid.node), "host");
	assert_string_equal(dfx_yaml_str(a->ipc.node), "host");
	assert_string_equal(dfx_yaml_str(a->uts.node), "host");
	assert_string_equal(dfx_yaml_str(a->userns_mode.node), "host");
	assert_string_equal(dfx_yaml_str(a->cgroup.node), "host");
	assert_true(dfx_yaml_is_true(a->use_api_socket.node));
	assert_true(dfx_yaml_is_true(a->read_only.node));
	assert_int_equal(dfx_yaml_seq_len(a->expose.node), 1);
	assert_non_null(dfx_yaml_get(c->yaml, a->healthcheck.node, "test"));
	assert_string_equal(dfx_yaml_str(dfx_yaml_get(c->yaml, a->extends.node, "service")), "base");
	/* env_file */
	assert_int_equal(a->nenv_files, 2);
	assert_string_equal(a->env_files[0].path, ".env");
	assert_true(a->env_files[0].required);
	assert_string_equal(a->env_files[1].path, "./opt.env");
	assert_false(a->env_files[1].required);
	assert_int_equal(b->nenv_files, 1);
	assert_string_equal(b->env_files[0].path, "one.env");
	/* secrets */
	assert_int_equal(a->nsecrets, 2);
	assert_string_equal(a->secrets[0].source, "db_password");
	assert_false(a->secrets[0].long_syntax);
	assert_string_equal(a->secrets[1].source, "api");
	assert_string_equal(a->secrets[1].target, "/run/api");
	/* volumes */
	assert_int_equal(a->nvolumes, 5);
	assert_string_equal(a->volumes[0].type, "bind");
	assert_string_equal(a->volumes[0].source, "/var/run/docker.sock");
	assert_string_equal(a->volumes[0].target, "/var/run/docker.sock");
	assert_false(a->volumes[0].read_only);
	assert_string_equal(a->volumes[1].type, "volume");
	assert_string_equal(a->volumes[1].source, "data");
	assert_true(a->volumes[1].read_only);
	assert_string_equal(a->volumes[2].mode, "ro,z");
	assert_true(a->volumes[2].read_only);
	assert_null(a->volumes[3].source);
	assert_string_equal(a->volumes[3].target, "/anon");
	assert_true(a->volumes[4].long_syntax);
	assert_string_equal(a->volumes[4].type, "bind");
	assert_string_equal(a->volumes[4].source, "/etc");
	assert_true(a->volumes[4].read_only);
	assert_non_null(a->volumes[4].read_only_ref.key);
	/* top level */
	assert_int_equal(c->nsecrets, 3);
	assert_string_equal(c->secrets[0].name, "db_password");
	assert_string_equal(c->secrets[0].file, "./secrets/db.txt");
	assert_true(c->secrets[1].external);
	assert_null(c->secrets[1].file);
	assert_string_equal(c->secrets[2].environment, "TOKEN");
	assert_int_equal(c->nvolumes, 1);
	assert_int_equal(c->nnetworks, 1);
	assert_string_equal(c->networks[0].name, "front");
	assert_int_equal(c->nextensions, 2);
	assert_string_equal(c->extensions[0].name, "x-common");
	assert_string_equal(c->extensions[1].name, "x-other");
	/* any other key */
	{
		struct dfx_yaml_ref ref;

		assert_int_equal(dfx_compose_service_get(c, a, "cap_add", &ref), 1);
		assert_true(ref.from_anchor);
		assert_int_equal(dfx_compose_service_get(c, a, "sysctls", &ref), 0);
		assert_null(ref.key);
	}
	unload(&f);
}

/* ---------------------------------------------------------------- errors */

static void test_errors(void **state)
{
	unsigned line, col;
	char *msg;

	(void)state;
	msg = load_err("services:\n  web:\n    image: a\n    image: b\n", &line, &col);
	assert_non_null(strstr(msg, "duplicate key"));
	assert_int_equal(line, 4);
	assert_int_equal(col, 5);
	free(msg);
	msg = load_err("- a\n- b\n", &line, &col);
	assert_non_null(strstr(msg, "must be a mapping"));
	assert_int_equal(line, 1);
	free(msg);
	msg = load_err("services:\n  - web\n", &line, &col);
	assert_non_null(strstr(msg, "`services` must be a mapping"));
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	free(msg);
	msg = load_err("# nothing\n", &line, &col);
	assert_non_null(strstr(msg, "empty compose file"));
	free(msg);
	msg = load_err("services:\n  web:\n    image: [\n", &line, &col);
	assert_true(line >= 3);
	free(msg);
	msg = load_err("services: {}\n---\n- a\n", &line, &col);
	assert_non_null(strstr(msg, "must be a mapping"));
	assert_int_equal(line, 3);
	free(msg);
}

/* Several documents merge in order, as Compose merges them. */
static void test_documents(void **state)
{
	struct fixture f;
	const struct dfx_compose_service *s;

	(void)state;
	load(&f, "services:\n  db:\n    image: mysql:8\n    environment:\n      A: one\n      B: two\n"
		 "    ports: [\"127.0.0.1:3306:3306\"]\n---\nservices:\n  db:\n    privileged: true\n"
		 "    environment:\n      A: three\n    ports: [\"8080:80\"]\n  web:\n    image: nginx\n");
	assert_int_equal(f.c->ndocs, 2);
	assert_int_equal(f.c->nservices, 2);
	s = dfx_compose_service_find(f.c, "db");
	assert_int_equal(s->nlayers, 2);
	assert_string_equal(s->image_name, "mysql:8");
	assert_non_null(s->privileged.key);
	assert_int_equal(s->nports, 2);
	assert_int_equal(s->nenv, 2);
	for (size_t i = 0; i < s->nenv; i++)
		if (!strcmp(s->env[i].name, "A"))
			assert_string_equal(s->env[i].value, "three");
	assert_true(dfx_compose_service_exposed(s));
	assert_false(dfx_compose_service_exposed(dfx_compose_service_find(f.c, "web")));
	unload(&f);
	/* !reset and !override */
	load(&f, "services:\n  db:\n    image: redis\n    ports: [\"6379:6379\"]\n    privileged: true\n"
		 "    volumes: [\"va:/data\", \"/:/host\"]\n---\nservices:\n  db:\n    ports: !reset []\n"
		 "    privileged: !reset null\n    volumes: !override [\"vb:/data\"]\n");
	s = dfx_compose_service_find(f.c, "db");
	assert_int_equal(s->nports, 0);
	assert_null(s->privileged.key);
	assert_int_equal(s->nvolumes, 1);
	assert_string_equal(s->volumes[0].source, "vb");
	assert_false(dfx_compose_service_exposed(s));
	unload(&f);
}

/* Version 1 files: services at the top level, `net:` is network_mode. */
static void test_legacy(void **state)
{
	struct fixture f;
	const struct dfx_compose_service *s;
	struct dfx_yaml_ref r;

	(void)state;
	load(&f, "db:\n  image: mysql\n  net: host\n  links: [web]\nweb:\n  build: .\n  expose: [\"80\"]\n");
	assert_true(f.c->legacy);
	assert_int_equal(f.c->nservices, 2);
	s = dfx_compose_service_find(f.c, "db");
	assert_non_null(s->network_mode.key);
	assert_string_equal(dfx_yaml_str(s->network_mode.node), "host");
	assert_int_equal(dfx_compose_service_get(f.c, s, "network_mode", &r), 1);
	assert_true(dfx_compose_service_exposed(s));
	assert_false(dfx_compose_service_exposed(dfx_compose_service_find(f.c, "web")));
	unload(&f);
	/* a file with only top-level volumes is not a version 1 file */
	load(&f, "volumes:\n  data: {}\n");
	assert_false(f.c->legacy);
	assert_int_equal(f.c->nservices, 0);
	unload(&f);
	load(&f, "version: '2'\nweb:\n  image: nginx\n");
	assert_false(f.c->legacy);
	unload(&f);
}

/* `extends:` within the file: the base's keys first, the service's own win. */
static void test_extends(void **state)
{
	struct fixture f;
	const struct dfx_compose_service *s;

	(void)state;
	load(&f, "services:\n  base:\n    image: app\n    privileged: true\n    ports: [\"80:80\"]\n"
		 "  web:\n    extends: base\n    image: app2\n  worker:\n    extends:\n      service: web\n"
		 "    ports: [\"127.0.0.1:81:81\"]\n  loop:\n    extends: loop\n    image: x\n");
	s = dfx_compose_service_find(f.c, "web");
	assert_string_equal(s->extends_name, "base");
	assert_string_equal(s->image_name, "app2");
	assert_non_null(s->privileged.key);
	assert_int_equal(s->nports, 1);
	s = dfx_compose_service_find(f.c, "worker");
	assert_int_equal(s->nlayers, 3);
	assert_string_equal(s->image_name, "app2");
	assert_int_equal(s->nports, 2);
	s = dfx_compose_service_find(f.c, "loop");
	assert_int_equal(s->nlayers, 1);
	unload(&f);
}

/* Files a compose file pulls in: extends file: and include:, resolved against its folder. */
static void test_related(void **state)
{
	struct fixture f;
	char **v;
	size_t n;

	(void)state;
	load(&f, "include:\n  - infra/db.yaml\n  - path: [a.yaml, ../b.yaml]\n  - path: ${X:-c.yaml}\n"
		 "  - https://example.com/x.yaml\nservices:\n  web:\n    extends:\n      file: common.yml\n"
		 "      service: base\n  api:\n    extends: {file: common.yml, service: api}\n");
	assert_string_equal(dfx_compose_service_find(f.c, "web")->extends_file, "common.yml");
	assert_string_equal(dfx_compose_service_find(f.c, "web")->extends_name, "base");
	assert_int_equal(dfx_compose_service_find(f.c, "web")->nlayers, 1);
	n = dfx_compose_related(f.c, "proj/compose.yaml", &v);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "proj/common.yml");
	assert_string_equal(v[1], "proj/infra/db.yaml");
	assert_string_equal(v[2], "proj/a.yaml");
	assert_string_equal(v[3], "b.yaml");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	unload(&f);
}

static void test_alias_bomb(void **state)
{
	struct dfx_buf b = DFX_BUF_INIT;
	unsigned line, col;
	char *msg;

	(void)state;
	dfx_buf_adds(&b, "x-l0: &l0 {image: a}\n");
	for (int i = 1; i <= 9; i++) {
		dfx_buf_addf(&b, "x-l%d: &l%d\n  <<: [", i, i);
		for (int j = 0; j < 9; j++)
			dfx_buf_addf(&b, "%s*l%d", j ? ", " : "", i - 1);
		dfx_buf_adds(&b, "]\n");
	}
	dfx_buf_adds(&b, "services:\n  bomb:\n    <<: *l9\n");
	msg = load_err(b.ptr, &line, &col);
	assert_non_null(strstr(msg, "alias"));
	free(msg);
	dfx_buf_release(&b);
}

/* ---------------------------------------------------------------- suppression */

static void test_suppression(void **state)
{
	struct fixture f;
	struct dfx_compose *c = load(&f,
		"services:\n"
		"  # dockfix ignore=DC301\n"
		"  a:\n"
		"    privileged: true\n"
		"    ports:\n"
		"      - \"5432:5432\"  # dockfix ignore=DC201, DC202\n"
		"      - \"6379:6379\"\n"
		"  b:   # dockfix ignore=DC203\n"
		"    # a plain comment\n"
		"    # dockfix ignore=DC204\n"
		"    pid: host\n"
		"    network_mode: host\n"
		"    command: \"echo # dockfix ignore=DC101\"\n"
		"    environment:\n"
		"      PASSWORD: x\n"
		"  r:\n"
		"    command: |  # dockfix ignore=DC104\n"
		"      redis-server # dockfix ignore=DC999\n");
	const struct dfx_compose_service *a = svc(c, "a"), *b = svc(c, "b"), *r = svc(c, "r");

	(void)state;
	/* above the service key: the whole service */
	assert_true(dfx_compose_suppressed(c, "DC301", a->privileged.key->span.start));
	assert_true(dfx_compose_suppressed(c, "DC301", a->ports[1].node->span.start));
	assert_false(dfx_compose_suppressed(c, "DC302", a->privileged.key->span.start));
	/* trailing on the item */
	assert_true(dfx_compose_suppressed(c, "DC201", a->ports[0].node->span.start + 1));
	assert_true(dfx_compose_suppressed(c, "DC202", a->ports[0].node->span.start));
	assert_false(dfx_compose_suppressed(c, "DC201", a->ports[1].node->span.start));
	/* trailing on the service key line */
	assert_true(dfx_compose_suppressed(c, "DC203", b->network_mode.node->span.start));
	/* comment lines directly above the entry, through a plain comment */
	assert_true(dfx_compose_suppressed(c, "DC204", b->pid.node->span.start));
	assert_false(dfx_compose_suppressed(c, "DC204", b->network_mode.node->span.start));
	/* inside a quoted string it is not a comment */
	assert_false(dfx_compose_suppressed(c, "DC101", b->env[0].node->span.start));
	assert_false(dfx_compose_suppressed(c, "DC101", b->command.node->span.start));
	/* after a block scalar header it is a comment; in its content it is text */
	assert_true(dfx_compose_suppressed(c, "DC104", r->command.node->inner.start));
	assert_false(dfx_compose_suppressed(c, "DC999", r->command.node->inner.start));
	unload(&f);
}

/* ---------------------------------------------------------------- build */

static void test_build_dockerfile(void **state)
{
	struct fixture f;
	struct dfx_compose *c = load(&f,
		"services:\n"
		"  a:\n    build: ./api\n"
		"  b:\n    build:\n      context: ../web\n      dockerfile: docker/Dockerfile.prod\n"
		"  c:\n    build:\n      dockerfile: Containerfile\n"
		"  d:\n    build:\n      dockerfile_inline: FROM alpine\n"
		"  e:\n    image: x\n");
	char *ctx, *dfp;

	(void)state;
	dfp = dfx_compose_build_dockerfile(svc(c, "a"), "deploy/compose.yaml", &ctx);
	assert_string_equal(dfp, "deploy/api/Dockerfile");
	assert_string_equal(ctx, "deploy/api");
	free(dfp);
	free(ctx);
	dfp = dfx_compose_build_dockerfile(svc(c, "b"), "deploy/compose.yaml", &ctx);
	assert_string_equal(dfp, "web/docker/Dockerfile.prod");
	assert_string_equal(ctx, "web");
	free(dfp);
	free(ctx);
	dfp = dfx_compose_build_dockerfile(svc(c, "c"), "compose.yaml", NULL);
	assert_string_equal(dfp, "Containerfile");
	free(dfp);
	ctx = (char *)"unset";
	assert_null(dfx_compose_build_dockerfile(svc(c, "d"), "compose.yaml", &ctx));
	assert_null(ctx);
	assert_null(dfx_compose_build_dockerfile(svc(c, "e"), "compose.yaml", &ctx));
	assert_null(ctx);
	unload(&f);
}

/* ---------------------------------------------------------------- edits through the model */

static void test_fix_through_model(void **state)
{
	struct fixture f;
	struct dfx_compose *c = load(&f,
		"services:\n"
		"  db:\n"
		"    image: postgres:16\n"
		"    environment:\n"
		"      POSTGRES_PASSWORD: example\n"
		"    ports:\n"
		"      - \"5432:5432\"\n");
	const struct dfx_compose_service *s = svc(c, "db");
	struct dfx_yaml_edits e;
	struct dfx_buf why = DFX_BUF_INIT, p = DFX_BUF_INIT;
	char *paths[4], *out;
	size_t len;

	(void)state;
	dfx_yaml_edits_init(&e);
	assert_int_equal(dfx_yaml_edit_scalar_prepend(c->yaml, s->ports[0].node, "127.0.0.1:", &e), 0);
	assert_int_equal(dfx_yaml_edit_rename_key(c->yaml, s->env[0].key, "POSTGRES_PASSWORD_FILE", &e), 0);
	assert_int_equal(dfx_yaml_edit_replace_scalar(c->yaml, s->env[0].node, "/run/secrets/db_password", &e), 0);
	assert_int_equal(dfx_compose_edit_grant_secret(c, s, "db_password", &e), 0);
	assert_int_equal(dfx_compose_edit_declare_secret(c, "db_password", "./secrets/db_password.txt", &e), 0);
	out = dfx_yaml_edits_apply(f.src.data, f.src.len, &e, &len);
	assert_string_equal(out,
			    "services:\n"
			    "  db:\n"
			    "    image: postgres:16\n"
			    "    environment:\n"
			    "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n"
			    "    ports:\n"
			    "      - \"127.0.0.1:5432:5432\"\n"
			    "    secrets:\n"
			    "      - db_password\n"
			    "secrets:\n"
			    "  db_password:\n"
			    "    file: ./secrets/db_password.txt\n");
	dfx_yaml_node_path(s->ports[0].node, &p);
	paths[0] = dfx_buf_detach(&p);
	dfx_yaml_node_path(s->environment.node, &p);
	paths[1] = dfx_buf_detach(&p);
	paths[2] = "/services/db/secrets";
	paths[3] = "/secrets/db_password";
	assert_string_equal(paths[0], "/services/db/ports/0");
	assert_string_equal(paths[1], "/services/db/environment");
	assert_int_equal(dfx_yaml_verify(f.src.data, f.src.len, out, len, paths, 4, &why), 0);
	/* without the environment path the verifier refuses */
	assert_int_equal(dfx_yaml_verify(f.src.data, f.src.len, out, len, paths + 2, 2, &why), -1);
	assert_non_null(strstr(why.ptr, "POSTGRES_PASSWORD"));
	free(paths[0]);
	free(paths[1]);
	free(out);
	dfx_buf_release(&why);
	dfx_yaml_edits_release(&e);
	unload(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports_in_services),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_service_fields),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_extends),
		cmocka_unit_test(test_related),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_suppression),
		cmocka_unit_test(test_build_dockerfile),
		cmocka_unit_test(test_fix_through_model),
	};

	return cmocka_run_group_tests_name("compose", tests, NULL, NULL);
}
