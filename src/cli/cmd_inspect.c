/*
 * cmd_inspect.c - `dockfix inspect FILE|-` (README "dockfix inspect"):
 * audit the output of the Docker CLI's image commands (docs.docker.com,
 * "docker image inspect" and "docker image history"),
 *   docker inspect IMAGE
 *   docker history --no-trunc --format '{{json .}}' IMAGE
 * for credentials in the image's environment (DH101) and history (DH102)
 * and a root user (DH201). Each input becomes a workspace target of kind
 * DFX_KIND_IMAGE; the rules and reporters are the audit's own, and so are
 * the exit statuses: 0 clean, 1 findings at or above --fail-on, 2 usage or
 * input error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/driver.h"
#include "dockfix/workspace.h"
#include "cli.h"
#include "cmd.h"
#include "options.h"
#include "dockfix/config.h"
#include "dockfix/report.h"

static const char usage_text[] =
	"usage: dockfix inspect [OPTIONS] FILE|-...\n"
	"\n"
	"Audit the JSON of `docker inspect IMAGE` (an array of objects, or one object) and of\n"
	"`docker history --no-trunc --format '{{json .}}' IMAGE` (one object a line) for\n"
	"credentials in the image's environment (DH101) and history (DH102), and a root user (DH201).\n"
	"\n"
	"  docker inspect myapp:1.0 | dockfix inspect -\n"
	"  docker history --no-trunc --format '{{json .}}' myapp:1.0 | dockfix inspect -\n"
	"\n"
	"options:\n";

static const char usage_tail[] =
	"\n"
	"exit status: 0 nothing at or above --fail-on; 1 findings; 2 usage error or unreadable input.\n";

static const struct dfx_cli_command command = {"dockfix inspect", DFX_CMD_INSPECT, 26, dfx_options_usage_error};

/* Add one FILE|- as an IMAGE target; returns it (failed when unreadable or not inspect JSON). */
static struct dfx_wsfile *add_input(struct dfx_workspace *ws, const char *arg, const char *stdin_name)
{
	struct dfx_wsfile *f;
	struct stat st;

	if (strcmp(arg, "-") == 0) {
		f = dfx_cli_read_stdin(ws, stdin_name ? stdin_name : "-", DFX_KIND_IMAGE);
	} else {
		if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
			f = dfx_ws_file(ws, arg);
			f->kind = DFX_KIND_IMAGE;
			f->target = true;
			f->failed = true;
			dfx_error_release(&f->err);
			dfx_error_set(&f->err, f->path, 0, 0,
				      "is a directory (dockfix inspect reads a file of `docker inspect` or "
				      "`docker history` output)");
			return f;
		}
		f = dfx_ws_add_target(ws, arg, DFX_KIND_IMAGE);
	}
	return f; /* the workspace parsed it (f->inspect), or failed with f->err */
}

int dfx_cmd_inspect(int argc, char **argv)
{
	struct dfx_cli_opts o = {0};
	struct dfx_config config;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_buf out = DFX_BUF_INIT;
	size_t nfiles = 0, nerrors = 0, nstdin = 0;
	int first = 1, rc, status = 0;
	const char *start = ".";

	rc = dfx_options_parse(&command, argc, argv, &o, &first);
	if (rc == DFX_OPT_HELP) {
		dfx_cli_print_help(&command, usage_text, usage_tail);
		goto out_opts;
	}
	if (rc) {
		status = rc;
		goto out_opts;
	}
	status = dfx_cli_prepare(&command, &o);
	if (status)
		goto out_opts;
	if (first >= argc) {
		status = dfx_cli_usage_error(command.name, "%s", "missing FILE (the output of `docker inspect` or "
							       "`docker history`; - reads standard input)");
		goto out_opts;
	}
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			nstdin++;
	if (nstdin > 1) {
		status = dfx_cli_usage_error("dockfix inspect", "%s", "standard input (-) can be read only once");
		goto out_opts;
	}
	if (strcmp(argv[first], "-") != 0)
		start = argv[first];
	if (dfx_cli_config(&config, &o, start) != 0) {
		status = 2;
		goto out_opts;
	}

	dfx_ws_init(&ws, &config);
	for (int i = first; i < argc; i++) {
		struct dfx_wsfile *f = add_input(&ws, argv[i], o.stdin_name);

		nfiles++;
		if (f->failed) {
			dfx_cli_print_error(f);
			nerrors++;
		}
	}
	dfx_check_all(&ws, &fs);
	status = dfx_cli_report(&o, &fs, &ws, nfiles, nerrors, start, &out);
	if (dfx_cli_output(&o, &out) != 0 || nerrors)
		status = 2;
	if (o.exit_zero && status == 1)
		status = 0;
	dfx_buf_release(&out);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&config);
out_opts:
	dfx_options_release(&o);
	return status;
}
