/*
 * test_report_formats.c - cmocka tests of the SARIF, GitHub and checklist
 * formats (src/report/sarif.c, github.c, checklist.c) over the presenter
 * (src/report/present.c), on findings built by hand: SARIF uris (percent-encoding, %SRCROOT%), regions
 * in code points, ruleIndex, fixes[] from byte edits (including a file the
 * fix creates), fixes that would reveal a secret left out, fingerprints
 * that survive line moves; GitHub workflow-command escaping and levels,
 * the annotation cap and the job summary; the JSON fix edits; the GitLab
 * Code Quality report; the source root (location.c); the checklist's item
 * states, finding lines and summary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dockfix/workspace.h"
#include "dockfix/report.h"

static char dir[64];

static const struct dfx_rule fake_dc201 = {
	.code = "DC201", .name = "database-port-published", .severity = DFX_SEV_CRITICAL, .kind = DFX_KIND_COMPOSE,
};
static const struct dfx_rule fake_df404 = {
	.code = "DX404", .name = "pipe-to-shell", .severity = DFX_SEV_MEDIUM, .kind = DFX_KIND_DOCKERFILE,
};
static const struct dfx_rule fake_dh101 = {
	.code = "DH101", .name = "image-env-secret", .severity = DFX_SEV_CRITICAL, .kind = DFX_KIND_IMAGE,
};

static const char secret[] = "sk_live_51H8mXyZaBcDeFgHiJkLmNoP";

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Run a format over the findings of `ws` into a string; the run's files
   are passed as plain data, as the commands do. */
static char *render(const struct dfx_format *fmt, const struct dfx_findings *fs, const struct dfx_workspace *ws,
		    struct dfx_report_opts *o)
{
	struct dfx_report_file *files = calloc(ws->n + 1, sizeof(*files));
	struct dfx_buf b = DFX_BUF_INIT;

	assert_non_null(files);
	for (size_t i = 0; i < ws->n; i++) {
		const struct dfx_wsfile *f = ws->files[i];

		files[i] = (struct dfx_report_file){f->path, f->kind, f->target, f->failed, &f->err, f->secret,
						    f->on_disk || f->changed ? &f->cur : NULL};
	}
	o->files = files;
	o->nrun_files = ws->n;
	dfx_report(&b, fmt, fs, o);
	o->files = NULL;
	free(files);
	if (!b.ptr)
		dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
}

static struct dfx_finding *add(struct dfx_findings *fs, const struct dfx_rule *r, struct dfx_wsfile *f,
			       uint32_t start, uint32_t end, const char *msg)
{
	struct dfx_finding *x;

	DFX_GROW(fs->v, fs->n + 1, fs->cap);
	x = &fs->v[fs->n++];
	memset(x, 0, sizeof(*x));
	x->rule = r;
	x->severity = r->severity;
	x->src = &f->cur;
	x->span.start = start;
	x->span.end = end;
	x->message = dfx_xstrdup(msg);
	return x;
}

static uint32_t offset_of(const struct dfx_wsfile *f, const char *needle)
{
	const char *p = strstr(f->cur.data, needle);

	assert_non_null(p);
	return (uint32_t)(p - f->cur.data);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/dfx-report-XXXXXX");
	if (!mkdtemp(dir) || chdir(dir) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink("my dir/Dockerfile");
	rmdir("my dir");
	unlink("a,b:c/Dockerfile");
	rmdir("a,b:c");
	unlink("compose.yaml");
	unlink("Dockerfile");
	if (chdir("/") == 0)
		rmdir(dir);
	return 0;
}

static void test_sarif(void **state)
{
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts o = {0};
	struct dfx_wsfile *df;
	struct dfx_finding *x;
	uint32_t at;
	char *out, *want;
	const struct dfx_rule *df201 = dfx_rule_find("DF201");
	size_t idx = 0;

	(void)state;
	assert_non_null(df201);
	for (size_t i = 0; i < dfx_nrules; i++)
		if (dfx_rules[i] == df201)
			idx = i;
	mkdir("my dir", 0755);
	write_file("my dir/Dockerfile", "FROM node:18\nENV API_KEY=sk_live_51H8mXyZaBcDeFgHiJkLmNoP\n"
					"LABEL x=\"é\" y=1\nCMD [\"node\"]\n");
	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	df = dfx_ws_add_target(&ws, "./my dir/Dockerfile", DFX_KIND_DOCKERFILE);

	/* a safe fix inserting before CMD and creating a file */
	x = add(&fs, df201, df, 0, 12, "the final stage sets no USER");
	x->fix = dfx_fix_new(DFX_FIX_SAFE, "switch to 10001");
	at = offset_of(df, "CMD");
	dfx_fix_edit(x->fix, df->path, at, at, "USER 10001:10001\n");
	dfx_fix_create(x->fix, "my dir/.dockerignore", ".env\n", 0, 0);

	/* a secret whose fix creates a secret file: no fixes[] at all */
	at = offset_of(df, "sk_live");
	x = add(&fs, &fake_dh101, df, offset_of(df, "ENV"), at + (uint32_t)strlen(secret), "ENV holds a secret");
	x->secret.start = at;
	x->secret.end = at + (uint32_t)strlen(secret);
	x->fix = dfx_fix_new(DFX_FIX_UNSAFE, "move it to a secret");
	dfx_fix_edit(x->fix, df->path, offset_of(df, "ENV"), offset_of(df, "LABEL"), "");
	dfx_fix_create(x->fix, "my dir/secrets/api_key.txt", secret, DFX_EDIT_SECRET, 0600);

	/* a fix whose text holds the secret, not flagged: left out too */
	x = add(&fs, &fake_dh101, df, offset_of(df, "ENV"), offset_of(df, "ENV") + 3, "again");
	x->fix = dfx_fix_new(DFX_FIX_UNSAFE, "append to an env file");
	dfx_fix_edit(x->fix, df->path, 0, 0, "# API_KEY=sk_live_51H8mXyZaBcDeFgHiJkLmNoP\n");

	/* columns count code points: the finding starts after "é" */
	add(&fs, &fake_df404, df, offset_of(df, "y=1"), offset_of(df, "y=1") + 3, "after a two-byte character");

	o.root = ".";
	o.nfiles = 1;
	out = render(&dfx_format_sarif, &fs, &ws, &o);

	assert_non_null(strstr(out, "\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\""));
	assert_non_null(strstr(out, "\"version\": \"2.1.0\""));
	assert_non_null(strstr(out, "\"name\": \"dockfix\""));
	assert_int_equal(count(out, "\"security-severity\""), dfx_nrules);
	assert_non_null(strstr(out, "\"uri\": \"my%20dir/Dockerfile\",\n"));
	assert_non_null(strstr(out, "\"uriBaseId\": \"%SRCROOT%\""));
	want = dfx_xasprintf("\"%%SRCROOT%%\": {\n          \"uri\": \"file://%s/\"", dir);
	assert_non_null(strstr(out, want));
	free(want);
	want = dfx_xasprintf("\"ruleId\": \"DF201\",\n          \"ruleIndex\": %zu,", idx);
	assert_non_null(strstr(out, want));
	free(want);
	/* a rule outside the registry gets no ruleIndex */
	assert_non_null(strstr(out, "\"ruleId\": \"DX404\",\n          \"level\": \"warning\""));
	/* exactly one fix, with both its changes */
	assert_int_equal(count(out, "\"fixes\""), 1);
	assert_non_null(strstr(out, "\"uri\": \"my%20dir/.dockerignore\""));
	assert_non_null(strstr(out, "\"text\": \"USER 10001:10001\\n\""));
	assert_non_null(strstr(out, "\"deletedRegion\": {\n                        \"startLine\": 4,\n"
				    "                        \"startColumn\": 1,\n                        \"endLine\": 4,\n"
				    "                        \"endColumn\": 1\n"));
	/* never the secret */
	assert_null(strstr(out, "sk_live_51H8"));
	assert_null(strstr(out, "api_key.txt"));
	/* LABEL x="é" y=1: y is column 13 in code points (14 in bytes) */
	assert_non_null(strstr(out, "\"startLine\": 3,\n                  \"startColumn\": 13,\n"
				    "                  \"endLine\": 3,\n                  \"endColumn\": 16\n"));
	assert_non_null(strstr(out, "\"executionSuccessful\": true"));
	assert_non_null(strstr(out, "\"dockfix/v1\": \""));
	free(out);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);
}

/* The fingerprint of one DF201 finding on the line "USER root" of `text`. */
static char *fingerprint_of(const char *text)
{
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts o = {0};
	struct dfx_wsfile *df;
	char *out, *p, *fp;

	write_file("Dockerfile", text);
	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	df = dfx_ws_add_target(&ws, "Dockerfile", DFX_KIND_DOCKERFILE);
	add(&fs, dfx_rule_find("DF201"), df, offset_of(df, "USER root"), offset_of(df, "USER root") + 9, "root");
	o.root = ".";
	out = render(&dfx_format_sarif, &fs, &ws, &o);
	p = strstr(out, "\"dockfix/v1\": \"");
	assert_non_null(p);
	p += strlen("\"dockfix/v1\": \"");
	fp = dfx_xstrndup(p, strcspn(p, "\""));
	free(out);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);
	return fp;
}

static void test_fingerprint_stable(void **state)
{
	char *a, *b, *c;

	(void)state;
	a = fingerprint_of("FROM alpine\nUSER root\nCMD [\"sh\"]\n");
	b = fingerprint_of("# moved down\nFROM alpine\n\n\n   USER root  \nCMD [\"sh\"]\n");
	c = fingerprint_of("FROM alpine\nUSER root # other\nCMD [\"sh\"]\n");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 18);
	assert_string_equal(a + 16, ":1");
	free(a);
	free(b);
	free(c);
}

static void test_github(void **state)
{
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts o = {0};
	struct dfx_wsfile *df;
	struct dfx_finding *x;
	char *out;

	(void)state;
	mkdir("a,b:c", 0755);
	write_file("a,b:c/Dockerfile", "FROM alpine\nRUN curl -s https://x | sh\n");
	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	df = dfx_ws_add_target(&ws, "a,b:c/Dockerfile", DFX_KIND_DOCKERFILE);
	x = add(&fs, &fake_dc201, df, 0, 11, "50% done: a,b\r\nnext");
	x->hint = dfx_xstrdup("bind to 127.0.0.1");
	x = add(&fs, &fake_df404, df, offset_of(df, "curl"), offset_of(df, "| sh") + 4, "pipe");
	x = add(&fs, &fake_df404, df, offset_of(df, "RUN"), offset_of(df, "RUN") + 3, "low");
	x->severity = DFX_SEV_LOW;
	x->fix = dfx_fix_new(DFX_FIX_UNSAFE, "do it");
	out = render(&dfx_format_github, &fs, &ws, &o);
	assert_string_equal(out,
			    "::error file=a%2Cb%3Ac/Dockerfile,line=1,col=1,endLine=1,endColumn=12,"
			    "title=DC201 database-port-published::50%25 done: a,b%0D%0Anext%0Ahint: bind to 127.0.0.1\n"
			    "::warning file=a%2Cb%3Ac/Dockerfile,line=2,col=5,endLine=2,endColumn=27,"
			    "title=DX404 pipe-to-shell::pipe\n"
			    "::notice file=a%2Cb%3Ac/Dockerfile,line=2,col=1,endLine=2,endColumn=4,"
			    "title=DX404 pipe-to-shell::low%0Afix (unsafe, needs --unsafe-fixes): do it\n");
	free(out);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);
}

/* The source root: .git folder or file above the PATH, GIT_CEILING_DIRECTORIES, else the PATH. */
static void test_location(void **state)
{
	char *r, *want, *rel;

	(void)state;
	mkdir("repo", 0755);
	mkdir("repo/.git", 0755);
	mkdir("repo/svc", 0755);
	mkdir("repo/svc/api", 0755);
	write_file("repo/svc/api/Dockerfile", "FROM alpine\n");
	mkdir("wt", 0755);
	write_file("wt/.git", "gitdir: /elsewhere\n");
	mkdir("wt/app", 0755);
	mkdir("plain", 0755);

	want = dfx_xasprintf("%s/repo", dir);
	r = dfx_report_srcroot("repo/svc/api");
	assert_string_equal(r, want);
	free(r);
	r = dfx_report_srcroot("./repo/svc/api/Dockerfile"); /* a file: from its folder */
	assert_string_equal(r, want);
	free(r);
	assert_int_equal(chdir("repo/svc"), 0);
	r = dfx_report_srcroot("api");
	assert_string_equal(r, want);
	rel = dfx_report_relpath(r, "api/Dockerfile");
	assert_string_equal(rel, "svc/api/Dockerfile");
	free(rel);
	rel = dfx_report_relpath(r, "../../plain/x");
	assert_null(rel);
	rel = dfx_report_relpath(r, "..");
	assert_string_equal(rel, ".");
	free(rel);
	free(r);
	r = dfx_report_srcroot(NULL); /* the current directory */
	assert_string_equal(r, want);
	free(r);
	/* the search does not climb into a ceiling folder */
	free(want);
	want = dfx_xasprintf("relative:%s/repo/", dir); /* relative entries are ignored, as in git */
	setenv("GIT_CEILING_DIRECTORIES", want, 1);
	free(want);
	r = dfx_report_srcroot("api");
	want = dfx_xasprintf("%s/repo/svc/api", dir);
	assert_string_equal(r, want);
	free(r);
	free(want);
	unsetenv("GIT_CEILING_DIRECTORIES");
	assert_int_equal(chdir("../.."), 0);

	/* a .git file (worktree, submodule) */
	r = dfx_report_srcroot("wt/app");
	want = dfx_xasprintf("%s/wt", dir);
	assert_string_equal(r, want);
	free(r);
	free(want);
	/* no .git anywhere (the test folder is under /tmp): the PATH itself */
	setenv("GIT_CEILING_DIRECTORIES", "/tmp", 1);
	r = dfx_report_srcroot("plain");
	want = dfx_xasprintf("%s/plain", dir);
	assert_string_equal(r, want);
	free(r);
	free(want);
	unsetenv("GIT_CEILING_DIRECTORIES");

	unlink("repo/svc/api/Dockerfile");
	rmdir("repo/svc/api");
	rmdir("repo/svc");
	rmdir("repo/.git");
	rmdir("repo");
	unlink("wt/.git");
	rmdir("wt/app");
	rmdir("wt");
	rmdir("plain");
}

/* JSON: a fix's edits with byte offsets; a fix holding a secret is withheld. */
static void test_json_edits(void **state)
{
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts o = {0};
	struct dfx_wsfile *df;
	struct dfx_finding *x;
	uint32_t at;
	char *out, *want;

	(void)state;
	write_file("Dockerfile", "FROM node:18\nENV API_KEY=sk_live_51H8mXyZaBcDeFgHiJkLmNoP\nCMD [\"node\"]\n");
	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	df = dfx_ws_add_target(&ws, "Dockerfile", DFX_KIND_DOCKERFILE);
	x = add(&fs, dfx_rule_find("DF201"), df, 0, 12, "root");
	x->fix = dfx_fix_new(DFX_FIX_SAFE, "switch");
	at = offset_of(df, "CMD");
	dfx_fix_edit(x->fix, df->path, at, at, "USER 10001\n");
	dfx_fix_create(x->fix, ".dockerignore", ".env\n", 0, 0);
	x->fix->group = 3;
	at = offset_of(df, "sk_live");
	x = add(&fs, &fake_dh101, df, offset_of(df, "ENV"), at + (uint32_t)strlen(secret), "secret");
	x->secret.start = at;
	x->secret.end = at + (uint32_t)strlen(secret);
	x->fix = dfx_fix_new(DFX_FIX_UNSAFE, "move it");
	dfx_fix_edit(x->fix, df->path, 0, 0, "# sk_live_51H8mXyZaBcDeFgHiJkLmNoP\n");
	out = render(&dfx_format_json, &fs, &ws, &o);
	want = dfx_xasprintf("\"fix\":{\"applicability\":\"safe\",\"description\":\"switch\",\"withheld\":false,"
			     "\"group\":3,\"edits\":[{\"file\":\"Dockerfile\",\"start\":%u,\"end\":%u,"
			     "\"text\":\"USER 10001\\n\",\"new_file\":false},{\"file\":\".dockerignore\",\"start\":0,"
			     "\"end\":0,\"text\":\".env\\n\",\"new_file\":true}]}",
			     offset_of(df, "CMD"), offset_of(df, "CMD"));
	assert_non_null(strstr(out, want));
	free(want);
	assert_non_null(strstr(out, "\"description\":\"move it\",\"withheld\":true,\"group\":null,\"edits\":[]}"));
	assert_null(strstr(out, "sk_live_51H8"));
	free(out);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);
	unlink("Dockerfile");
}

/* GitLab Code Quality: fields, severities, the SARIF fingerprint, paths from the root. */
static void test_gitlab(void **state)
{
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts o = {0};
	struct dfx_wsfile *df;
	char *out, *fp, *p;

	(void)state;
	mkdir("my dir", 0755);
	write_file("my dir/Dockerfile", "FROM alpine\nRUN curl -s https://x | sh\n");
	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	df = dfx_ws_add_target(&ws, "my dir/Dockerfile", DFX_KIND_DOCKERFILE);
	add(&fs, &fake_dc201, df, 0, 11, "a \"quoted\" message");
	add(&fs, &fake_df404, df, offset_of(df, "curl"), offset_of(df, "| sh") + 4, "pipe");
	o.root = "my dir";
	out = render(&dfx_format_gitlab, &fs, &ws, &o);
	assert_non_null(strstr(out, "[\n{\"type\":\"issue\",\"check_name\":\"DC201\",\"description\":\"DC201 "
				    "database-port-published: a \\\"quoted\\\" message\",\"categories\":[\"Security\"],"
				    "\"fingerprint\":\""));
	assert_non_null(strstr(out, "\"severity\":\"critical\",\"location\":{\"path\":\"Dockerfile\",\"lines\":"
				    "{\"begin\":1,\"end\":1}}}"));
	assert_non_null(strstr(out, "\"check_name\":\"DX404\""));
	assert_non_null(strstr(out, "\"severity\":\"minor\",\"location\":{\"path\":\"Dockerfile\",\"lines\":"
				    "{\"begin\":2,\"end\":2}}}\n]\n"));
	p = strstr(out, "\"fingerprint\":\"") + strlen("\"fingerprint\":\"");
	fp = dfx_xstrndup(p, strcspn(p, "\""));
	free(out);
	out = render(&dfx_format_sarif, &fs, &ws, &o);
	p = strstr(out, "\"dockfix/v1\": \"");
	assert_non_null(p);
	assert_int_equal(strncmp(p + strlen("\"dockfix/v1\": \""), fp, strlen(fp)), 0);
	free(fp);
	free(out);
	/* nothing found: an empty array */
	dfx_findings_release(&fs);
	memset(&fs, 0, sizeof(fs));
	out = render(&dfx_format_gitlab, &fs, &ws, &o);
	assert_string_equal(out, "[]\n");
	free(out);
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);
}

/* GitHub: 10 annotations per level, the most severe first, then log lines and one notice. */
static void test_github_cap(void **state)
{
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts o = {0};
	struct dfx_wsfile *df;
	struct dfx_finding *x;
	struct dfx_buf text = DFX_BUF_INIT;
	char *out, *last;

	(void)state;
	for (int i = 0; i < 30; i++)
		dfx_buf_addf(&text, "RUN step %d\n", i);
	write_file("Dockerfile", text.ptr);
	dfx_buf_release(&text);
	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	df = dfx_ws_add_target(&ws, "Dockerfile", DFX_KIND_DOCKERFILE);
	/* lines 1-12 high (error), line 13 critical: the critical one must be annotated */
	for (uint32_t i = 0; i < 13; i++) {
		x = add(&fs, &fake_dc201, df, df->cur.lines[i], df->cur.lines[i] + 3, "e");
		x->severity = i == 12 ? DFX_SEV_CRITICAL : DFX_SEV_HIGH;
	}
	/* 10 low: 9 annotated, the closing notice takes the tenth slot */
	for (uint32_t i = 13; i < 23; i++) {
		x = add(&fs, &fake_df404, df, df->cur.lines[i], df->cur.lines[i] + 3, "n");
		x->severity = DFX_SEV_LOW;
	}
	out = render(&dfx_format_github, &fs, &ws, &o);
	assert_int_equal(count(out, "::error "), 10);
	assert_int_equal(count(out, "::notice file="), 9);
	assert_non_null(strstr(out, "::error file=Dockerfile,line=13,"));
	/* lines 10, 11, 12 are the high ones left out */
	assert_non_null(strstr(out, "\nDockerfile:10:1: high DC201 database-port-published: e\n"));
	assert_non_null(strstr(out, "\nDockerfile:12:1: high DC201 database-port-published: e\n"));
	assert_null(strstr(out, "::error file=Dockerfile,line=12,"));
	assert_non_null(strstr(out, "\nDockerfile:23:1: low DX404 pipe-to-shell: n\n"));
	last = strrchr(out, '\n');
	*last = '\0';
	last = strrchr(out, '\n') + 1;
	assert_string_equal(last, "::notice title=dockfix::4 more findings are not annotated (a step shows 10 annotations "
				  "of each level): see the lines above and the job summary");
	free(out);

	/* the summary: counts, rules, the most severe first, Markdown escaped */
	fs.v[0].message[0] = '|';
	out = render(&dfx_format_github_summary, &fs, &ws, &o);
	assert_non_null(strstr(out, "## dockfix\n\n**23 findings** in 0 files: 1 critical, 12 high, 0 medium, 10 low."));
	assert_non_null(strstr(out, "| critical | 1 |\n| high | 12 |\n| medium | 0 |\n| low | 10 |\n"));
	assert_non_null(strstr(out, "| DC201 database-port-published | critical | 13 |\n| DX404 pipe-to-shell | low | 10 |\n"));
	assert_non_null(strstr(out, "|---|---|---|---|\n| critical | DC201 database-port-published | Dockerfile:13 | e |\n"
				    "| high | DC201 database-port-published | Dockerfile:1 | \\| |\n"));
	assert_non_null(strstr(out, "\nand 3 more: run `dockfix` for the full report.\n"));
	free(out);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);
	unlink("Dockerfile");
}

static void test_checklist(void **state)
{
	struct dfx_config cfg;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts o = {0};
	struct dfx_wsfile *df;
	char *out;

	(void)state;
	write_file("Dockerfile", "FROM alpine\nRUN curl -s https://x | sh\n");
	dfx_config_init(&cfg);
	dfx_ws_init(&ws, &cfg);
	df = dfx_ws_add_target(&ws, "Dockerfile", DFX_KIND_DOCKERFILE);
	add(&fs, &fake_df404, df, offset_of(df, "RUN"), offset_of(df, "RUN") + 3, "pipe");

	/* Dockerfile only: compose items do not apply */
	out = render(&dfx_format_checklist, &fs, &ws, &o);
	assert_non_null(strstr(out, "– Database/Redis ports not exposed to host (or only 127.0.0.1) (no compose file)\n"));
	assert_non_null(strstr(out, "– No docker.sock mount (unless required) (no compose file)\n"));
	assert_non_null(strstr(out, "? Images scanned for vulnerabilities (not checked by dockfix: run docker scout "
				    "cves / trivy image / grype)\n"));
	assert_non_null(strstr(out, "\nAlso found (not on the checklist):\n  Dockerfile:2:1 DX404 pipe-to-shell\n"));
	assert_int_equal(count(out, "\n") >= 11, 1);
	free(out);

	/* a compose file with a published database port */
	write_file("compose.yaml", "services:\n  db:\n    image: postgres\n    ports:\n      - \"5432:5432\"\n");
	df = dfx_ws_add_target(&ws, "compose.yaml", DFX_KIND_COMPOSE);
	add(&fs, &fake_dc201, df, offset_of(df, "\"5432"), offset_of(df, "\"5432") + 11, "published");
	out = render(&dfx_format_checklist, &fs, &ws, &o);
	assert_non_null(strstr(out, "✗ Database/Redis ports not exposed to host (or only 127.0.0.1)\n"
				    "  compose.yaml:5:9 DC201 database-port-published\n"));
	/* the items in order, one line each */
	{
		const char *order[] = {
			"No secrets in ENV/ARG instructions", "No secrets COPY'd into image",
			".dockerignore excludes .env, .git, *.pem, *.key",
			"Database/Redis ports not exposed to host (or only 127.0.0.1)",
			"Strong passwords for all services (not defaults)", "USER instruction sets non-root user",
			"Multi-stage build for production images", "No privileged: true",
			"No docker.sock mount (unless required)", "Base images are official and recent",
			"Images scanned for vulnerabilities",
		};
		const char *p = out;

		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			const char *q = strstr(p, order[i]);

			assert_non_null(q);
			p = q + strlen(order[i]);
		}
	}
	assert_non_null(strstr(out, " items pass\n"));
	free(out);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sarif),
		cmocka_unit_test(test_fingerprint_stable),
		cmocka_unit_test(test_github),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_json_edits),
		cmocka_unit_test(test_gitlab),
		cmocka_unit_test(test_github_cap),
	};

	return cmocka_run_group_tests_name("report_formats", tests, setup, teardown);
}
