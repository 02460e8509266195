/*
 * test_inspect.c - cmocka tests of `dockfix inspect` (src/cli/cmd_inspect.c,
 * src/model/inspect.c, the workspace's parse of image inputs, rules
 * DH101/DH102/DH201), run in-process with stdin and
 * stdout redirected to temporary files: `docker inspect` arrays and single
 * objects, `docker history --format '{{json .}}'` lines, OCI image configs,
 * standard input, exit statuses, parse errors with line:col, output formats,
 * and that no secret value is ever printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "src/cli/cmd.h"
#include "dockfix/core.h"
#include "dockfix/inspect.h"
#include "dockfix/workspace.h"

static char dir[64];

/* The result of one run: exit status, stdout, stderr. */
struct run {
	int status;
	char *out, *err;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct dfx_buf b = DFX_BUF_INIT;
	char chunk[4096];
	size_t n;

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		dfx_buf_add(&b, chunk, n);
	fclose(f);
	if (!b.ptr)
		dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Run `dockfix inspect ARGS...` (NULL-terminated) with `input` on stdin (or none). */
static struct run inspect(const char *input, ...)
{
	char *argv[32];
	int argc = 0, saved_out, saved_err, saved_in = -1, fd;
	struct run r;
	va_list ap;

	argv[argc++] = "inspect";
	va_start(ap, input);
	for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	if (input) {
		write_file("stdin.tmp", input);
		saved_in = dup(0);
		fd = open("stdin.tmp", O_RDONLY);
		dup2(fd, 0);
		close(fd);
	}
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	fd = open("out.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 1);
	close(fd);
	fd = open("err.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 2);
	close(fd);
	r.status = dfx_cmd_inspect(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	if (saved_in >= 0) {
		dup2(saved_in, 0);
		close(saved_in);
	}
	r.out = slurp("out.tmp");
	r.err = slurp("err.tmp");
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static const char inspect_array[] =
	"[\n"
	"    {\n"
	"        \"Id\": \"sha256:4f2c6f0e9d1a8b7c3e5d2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c\",\n"
	"        \"RepoTags\": [\n"
	"            \"myapp:1.0\"\n"
	"        ],\n"
	"        \"Config\": {\n"
	"            \"User\": \"\",\n"
	"            \"Env\": [\n"
	"                \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
	"                \"NODE_VERSION=18.20.4\",\n"
	"                \"API_KEY=sk_live_51H8mXyZaBcDeFgHiJkLmNoP\",\n"
	"                \"DB_PASSWORD=hunter2hunter2\"\n"
	"            ]\n"
	"        },\n"
	"        \"Os\": \"linux\"\n"
	"    }\n"
	"]\n";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/dfx-inspect-XXXXXX");
	if (!mkdtemp(dir) || chdir(dir) != 0)
		return -1;
	setenv("NO_COLOR", "1", 1);
	return 0;
}

static int teardown(void **state)
{
	const char *files[] = {"stdin.tmp", "out.tmp", "err.tmp", "image.json", "history.jsonl", "oci.json",
			       "bad.json", "other.json", NULL};

	(void)state;
	for (size_t i = 0; files[i]; i++)
		unlink(files[i]);
	if (chdir("/") == 0)
		rmdir(dir);
	return 0;
}

static void test_array(void **state)
{
	struct run r;

	(void)state;
	write_file("image.json", inspect_array);
	r = inspect(NULL, "image.json", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "image.json:8:21: HIGH DH201 image-runs-as-root: image myapp:1.0 runs as root"));
	assert_non_null(strstr(r.out, "image.json:12:17: CRITICAL DH101 image-env-secret: image myapp:1.0: "
				      "Config.Env sets API_KEY to a credential (Stripe"));
	assert_non_null(strstr(r.out, "image.json:13:17: CRITICAL DH101 image-env-secret"));
	assert_int_equal(count(r.out, "DH101"), 2);
	/* the source line is shown with the value redacted */
	assert_non_null(strstr(r.out, "\"API_KEY=sk_l…(32 chars)\","));
	assert_null(strstr(r.out, "sk_live_51H8"));
	assert_null(strstr(r.out, "hunter2"));
	assert_non_null(strstr(r.out, "Found 3 findings in 1 file (2 critical, 1 high)."));
	run_free(&r);
}

static void test_single_object_and_user(void **state)
{
	struct run r;

	(void)state;
	write_file("image.json", "{\"Id\":\"sha256:0123456789abcdef0123\",\"Config\":{\"User\":\"10001:10001\","
				 "\"Env\":[\"PATH=/usr/bin\"]}}");
	r = inspect(NULL, "image.json", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "No findings in 1 file."));
	run_free(&r);

	write_file("image.json", "{\"Id\":\"sha256:0123456789abcdef0123\",\"Config\":{\"User\":\"root:root\"}}");
	r = inspect(NULL, "image.json", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "image 0123456789ab runs as root: Config.User is \"root:root\""));
	run_free(&r);

	/* no Config at all: reported at the object */
	write_file("image.json", "[{\"Id\":\"sha256:ab\",\"RepoTags\":[]}]");
	r = inspect(NULL, "image.json", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "image.json:1:2: HIGH DH201"));
	assert_non_null(strstr(r.out, "Config.User is not set"));
	run_free(&r);
}

static const char history[] =
	"{\"Comment\":\"buildkit.dockerfile.v0\",\"CreatedBy\":\"CMD [\\\"node\\\" \\\"server.js\\\"]\",\"ID\":\"sha256:aa\"}\n"
	"{\"Comment\":\"buildkit.dockerfile.v0\",\"CreatedBy\":\"USER node\",\"ID\":\"<missing>\"}\n"
	"{\"Comment\":\"buildkit.dockerfile.v0\",\"CreatedBy\":\"RUN |1 AWS_SECRET_ACCESS_KEY=abc123xyz /bin/sh -c aws "
	"configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY # buildkit\",\"ID\":\"<missing>\"}\n"
	"{\"Comment\":\"buildkit.dockerfile.v0\",\"CreatedBy\":\"ARG AWS_SECRET_ACCESS_KEY\",\"ID\":\"<missing>\"}\n"
	"{\"Comment\":\"\",\"CreatedBy\":\"/bin/sh -c #(nop)  ENV DATABASE_URL=postgres://app:s3cretPassw0rd@db/app\",\"ID\":\"<missing>\"}\n"
	"{\"Comment\":\"\",\"CreatedBy\":\"/bin/sh -c curl -H \\\"Authorization: token "
	"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\\\" https://api.github.com/x\",\"ID\":\"<missing>\"}\n"
	"{\"Comment\":\"\",\"CreatedBy\":\"/bin/sh -c docker login -u bot --password Xk29fLq0pZ registry.example\",\"ID\":\"<missing>\"}\n"
	"{\"Comment\":\"\",\"CreatedBy\":\"/bin/sh -c #(nop)  ENV NODE_VERSION=18.20.4\",\"ID\":\"<missing>\"}\n"
	"{\"Comment\":\"\",\"CreatedBy\":\"/bin/sh -c ./configure --with-auth=pam && make\",\"ID\":\"<missing>\"}\n";

static void test_history_stdin(void **state)
{
	struct run r;

	(void)state;
	r = inspect(history, "-", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "-:3:"));
	assert_non_null(strstr(r.out, "build arg AWS_SECRET_ACCESS_KEY is set to a literal value"));
	assert_non_null(strstr(r.out, "-:5:"));
	assert_non_null(strstr(r.out, "ENV DATABASE_URL is set to a credential"));
	assert_non_null(strstr(r.out, "-:6:"));
	assert_non_null(strstr(r.out, "a RUN step contains a credential (GitHub token"));
	assert_non_null(strstr(r.out, "-:7:"));
	assert_non_null(strstr(r.out, "passes --password a literal value"));
	assert_int_equal(count(r.out, " DH102 "), 4);
	/* USER node is the newest USER step: not root; --with-auth=pam is no secret */
	assert_null(strstr(r.out, "DH201"));
	assert_null(strstr(r.out, "-:9:"));
	assert_null(strstr(r.out, "abc123xyz"));
	assert_null(strstr(r.out, "s3cretPassw0rd"));
	assert_null(strstr(r.out, "ghp_aBcDeF"));
	assert_null(strstr(r.out, "Xk29fLq0pZ"));
	run_free(&r);

	/* --stdin-filename names it */
	r = inspect(history, "--stdin-filename", "myapp.history", "-q", "-", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "myapp.history:3:"));
	assert_null(strstr(r.out, "Found"));
	run_free(&r);
}

static void test_history_root(void **state)
{
	struct run r;

	(void)state;
	r = inspect("{\"CreatedBy\":\"CMD [\\\"sh\\\"]\"}\n{\"CreatedBy\":\"USER root\"}\n{\"CreatedBy\":\"USER app\"}\n",
		    "-", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "-:2:14: HIGH DH201 image-runs-as-root: the image's last USER step is \"root\""));
	run_free(&r);

	r = inspect("{\"CreatedBy\":\"CMD [\\\"sh\\\"]\"}\n{\"CreatedBy\":\"/bin/sh -c #(nop) ADD file:abc in / \"}\n",
		    "-", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "-:1:14: HIGH DH201 image-runs-as-root: no USER step in the image history"));
	run_free(&r);
}

static void test_oci_config(void **state)
{
	struct run r;

	(void)state;
	write_file("oci.json", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"65532\","
			       "\"Env\":[\"PATH=/bin\"]},\"history\":[{\"created_by\":\"ARG NPM_TOKEN=npm_"
			       "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\"},{\"created_by\":\"USER 65532\"}],"
			       "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}\n");
	r = inspect(NULL, "oci.json", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "ARG NPM_TOKEN is set to a literal value"));
	assert_null(strstr(r.out, "DH201"));
	assert_null(strstr(r.out, "aBcDeFgHiJ"));
	run_free(&r);
}

static void test_errors(void **state)
{
	struct run r;

	(void)state;
	write_file("bad.json", "[\n  {\"Id\": \"x\",\n   \"Config\": {\"User\": \"\",}\n  }\n]\n");
	r = inspect(NULL, "bad.json", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "bad.json:3:26: error: invalid JSON: trailing comma before '}'"));
	assert_non_null(strstr(r.err, "   \"Config\": {\"User\": \"\",}\n"));
	run_free(&r);

	write_file("other.json", "[{\"Name\":\"bridge\",\"Driver\":\"bridge\"}]");
	r = inspect(NULL, "other.json", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "other.json:1:2: error: neither a `docker inspect` object"));
	run_free(&r);

	r = inspect("IMAGE          CREATED       CREATED BY                       SIZE      COMMENT\n"
		    "3f5ef9003cef   2 weeks ago   /bin/sh -c #(nop)  CMD [\"bash\"]   0B\n", "-", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "-:1:1: error: this is the table `docker history` prints"));
	run_free(&r);

	r = inspect("[]\n", "-", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "no image in the input"));
	run_free(&r);

	r = inspect(NULL, "missing.json", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "missing.json"));
	run_free(&r);

	/* one bad file does not stop the others; the status is still 2 */
	write_file("image.json", inspect_array);
	r = inspect(NULL, "bad.json", "image.json", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.out, "image.json:12:17: CRITICAL DH101"));
	/* the findings are in the file that was checked; the other could not be */
	assert_non_null(strstr(r.out, " in 1 file ("));
	assert_non_null(strstr(r.out, ".\n1 more file could not be checked.\n"));
	run_free(&r);

	r = inspect(NULL, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "missing FILE"));
	run_free(&r);

	r = inspect(NULL, "--format", "xml", "image.json", NULL);
	assert_int_equal(r.status, 2);
	run_free(&r);
}

/* Binary input and directories are refused with their own messages. */
static void test_binary_and_dir(void **state)
{
	struct run r;
	FILE *f;

	(void)state;
	f = fopen("image.tar", "wb");
	assert_non_null(f);
	fwrite("manifest.json\0\0\0\x01\x02", 1, 18, f);
	fclose(f);
	r = inspect(NULL, "image.tar", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "image.tar:1:1: error: a binary file, not JSON"));
	assert_null(strstr(r.err, "invalid JSON"));
	run_free(&r);

	assert_int_equal(mkdir("images", 0755), 0);
	r = inspect(NULL, "images", NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "images:1:1: error: is a directory"));
	run_free(&r);
}

/* The workspace parses an image input once; a re-parse replaces it; a failed one leaves none. */
static void test_workspace_parse(void **state)
{
	struct dfx_workspace ws;
	struct dfx_wsfile *f;
	const struct dfx_inspect *in;

	(void)state;
	write_file("ws.json", inspect_array);
	dfx_ws_init(&ws, NULL);
	f = dfx_ws_add_target(&ws, "ws.json", DFX_KIND_IMAGE);
	assert_false(f->failed);
	in = f->inspect;
	assert_non_null(in);
	assert_int_equal(in->nimages, 1);
	assert_null(f->df);
	assert_null(f->compose);
	dfx_ws_set(f, dfx_xstrdup("{\"CreatedBy\": \"/bin/sh -c #(nop) USER app\"}\n"),
		   strlen("{\"CreatedBy\": \"/bin/sh -c #(nop) USER app\"}\n"));
	assert_false(f->failed);
	assert_non_null(f->inspect);
	assert_int_equal(f->inspect->nimages, 0);
	assert_int_equal(f->inspect->nsteps, 1);
	assert_true(f->inspect->from_history);
	dfx_ws_set(f, dfx_xstrdup("[1,"), 3);
	assert_true(f->failed);
	assert_null(f->inspect);
	assert_non_null(strstr(f->err.message, "invalid JSON"));
	dfx_ws_release(&ws);
}

static void test_fail_on_select_formats(void **state)
{
	struct run r;

	(void)state;
	write_file("image.json", inspect_array);
	r = inspect(NULL, "--fail-on", "none", "image.json", NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);

	r = inspect(NULL, "--select", "DH201", "--fail-on", "critical", "image.json", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "DH201"));
	assert_null(strstr(r.out, "DH101"));
	run_free(&r);

	r = inspect(NULL, "image.json", "--format", "json", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "{\"version\":1,\"findings\":["));
	assert_non_null(strstr(r.out, "\"code\":\"DH101\""));
	assert_null(strstr(r.out, "sk_live_51H8"));
	run_free(&r);

	r = inspect(NULL, "--format", "sarif", "image.json", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "\"version\": \"2.1.0\""));
	assert_non_null(strstr(r.out, "\"ruleId\": \"DH101\""));
	assert_non_null(strstr(r.out, "\"uri\": \"image.json\""));
	assert_null(strstr(r.out, "sk_live_51H8"));
	assert_null(strstr(r.out, "hunter2"));
	run_free(&r);

	r = inspect(NULL, "--format", "github", "image.json", NULL);
	assert_non_null(strstr(r.out, "::error file=image.json,line=12,col=17,"));
	assert_null(strstr(r.out, "sk_live_51H8"));
	run_free(&r);

	r = inspect(NULL, "--format", "checklist", "image.json", NULL);
	assert_non_null(strstr(r.out, "✗ No secrets in ENV/ARG instructions\n  image.json:12:17 DH101 image-env-secret\n"));
	assert_non_null(strstr(r.out, "✗ USER instruction sets non-root user\n"));
	assert_non_null(strstr(r.out, "0 of 2 items pass\n"));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array),
		cmocka_unit_test(test_single_object_and_user),
		cmocka_unit_test(test_history_stdin),
		cmocka_unit_test(test_history_root),
		cmocka_unit_test(test_oci_config),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_binary_and_dir),
		cmocka_unit_test(test_workspace_parse),
		cmocka_unit_test(test_fail_on_select_formats),
	};

	return cmocka_run_group_tests_name("inspect", tests, setup, teardown);
}
