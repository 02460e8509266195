/*
 * cmd_inspect.c - `dockfix inspect FILE|-`: audit the output of the seed's
 * "Checking Image History" commands (SPEC §1, §3 "Images"),
 *   docker inspect IMAGE
 *   docker history --no-trunc --format '{{json .}}' IMAGE
 * for credentials in the image's environment (DH101) and history (DH102)
 * and a root user (DH201). Each input becomes a workspace target of kind
 * DFX_KIND_IMAGE; the rules and reporters are the audit's own, and so are
 * the exit statuses: 0 clean, 1 findings at or above --fail-on, 2 usage or
 * input error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/driver.h"
#include "dockfix/workspace.h"
#include "cli.h"
#include "cmd.h"
#include "dockfix/config.h"
#include "dockfix/inspect.h"
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
	"options:\n"
	"  --format FORMAT         text (default), json, sarif, github, checklist\n"
	"  --fail-on SEVERITY      critical, high, medium, low (default), none\n"
	"  --select CODE,...       only these rules\n"
	"  --ignore CODE,...       not these rules\n"
	"  --config FILE           configuration (default: .dockfix.yaml found upward)\n"
	"  --stdin-filename NAME   name to show for standard input (default: -)\n"
	"  --color WHEN            auto (default), always, never; NO_COLOR is honoured\n"
	"  -q, --quiet             findings only: no source lines, no summary\n"
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 nothing at or above --fail-on; 1 findings; 2 usage error or unreadable input.\n";

struct opts {
	const char *format;
	const char *fail_on;
	const char *config;
	const char *stdin_name;
	const char *color;
	bool quiet;
	char **select, **ignore;
	size_t nselect, nignore;
};

/* 0 ok, -1 help, 2 usage error; *first = index of the first FILE. */
static int parse_opts(int argc, char **argv, struct opts *o, int *first)
{
	enum { O_FORMAT = 256, O_FAILON, O_SELECT, O_IGNORE, O_CONFIG, O_STDIN, O_COLOR };
	static const struct option longopts[] = {
		{"format", required_argument, NULL, O_FORMAT},
		{"fail-on", required_argument, NULL, O_FAILON},
		{"select", required_argument, NULL, O_SELECT},
		{"ignore", required_argument, NULL, O_IGNORE},
		{"config", required_argument, NULL, O_CONFIG},
		{"stdin-filename", required_argument, NULL, O_STDIN},
		{"color", required_argument, NULL, O_COLOR},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	enum dfx_severity sev;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			if (!dfx_cli_format_ok(optarg))
				return dfx_cli_usage_error("dockfix inspect", "unknown --format '%s' (text, json, sarif, github, checklist)", optarg);
			o->format = optarg;
			break;
		case O_FAILON:
			if (dfx_severity_parse(optarg, &sev) != 0)
				return dfx_cli_usage_error("dockfix inspect", "unknown --fail-on '%s' (critical, high, medium, low, none)", optarg);
			o->fail_on = optarg;
			break;
		case O_SELECT:
			dfx_cli_split_codes(optarg, &o->select, &o->nselect);
			break;
		case O_IGNORE:
			dfx_cli_split_codes(optarg, &o->ignore, &o->nignore);
			break;
		case O_CONFIG:
			o->config = optarg;
			break;
		case O_STDIN:
			o->stdin_name = optarg;
			break;
		case O_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
				return dfx_cli_usage_error("dockfix inspect", "unknown --color '%s' (auto, always, never)", optarg);
			o->color = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			return -1;
		default:
			if (optopt && optopt < 256)
				return dfx_cli_usage_error("dockfix inspect", "unknown option '-%c'", (char[]){(char)optopt, 0});
			return dfx_cli_usage_error("dockfix inspect", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	*first = optind;
	if (optind >= argc)
		return dfx_cli_usage_error("dockfix inspect", "%s", "missing FILE (the output of `docker inspect` or `docker history`; - reads standard input)");
	return 0;
}

/* Add one FILE|- as an IMAGE target; returns it (failed when unreadable or not inspect JSON). */
static struct dfx_wsfile *add_input(struct dfx_workspace *ws, const char *arg, const char *stdin_name)
{
	struct dfx_wsfile *f;
	struct dfx_inspect in;
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
	if (f->failed)
		return f;
	if (dfx_source_is_binary(&f->cur)) {
		f->failed = true;
		dfx_error_set(&f->err, f->path, 0, 0,
			      "a binary file, not JSON (for a `docker save` archive, audit `docker inspect` of the "
			      "loaded image instead)");
		return f;
	}
	if (dfx_inspect_parse(&in, &f->cur, &f->err) != 0) {
		f->failed = true;
		return f;
	}
	dfx_inspect_release(&in);
	return f;
}

int dfx_cmd_inspect(int argc, char **argv)
{
	struct opts o = {0};
	struct dfx_config config;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts ro = {0};
	struct dfx_diags diags = {0};
	size_t nfiles = 0, nerrors = 0, nstdin = 0;
	int first = 1, rc, status = 0;
	const char *start = ".";

	rc = parse_opts(argc, argv, &o, &first);
	if (rc == -1) {
		fputs(usage_text, stdout);
		goto out_opts;
	}
	if (rc) {
		status = rc;
		goto out_opts;
	}
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			nstdin++;
	if (nstdin > 1) {
		status = dfx_cli_usage_error("dockfix inspect", "%s", "standard input (-) can be read only once");
		goto out_opts;
	}
	dfx_config_init(&config);
	if (strcmp(argv[first], "-") != 0)
		start = argv[first];
	rc = dfx_config_load(&config, o.config, start, &diags);
	dfx_cli_print_diags(&diags);
	dfx_diags_release(&diags);
	if (rc != 0) {
		dfx_config_release(&config);
		status = 2;
		goto out_opts;
	}
	for (size_t i = 0; i < o.nselect; i++)
		dfx_cli_split_codes(o.select[i], &config.select, &config.nselect);
	for (size_t i = 0; i < o.nignore; i++)
		dfx_cli_split_codes(o.ignore[i], &config.ignore, &config.nignore);
	if (o.fail_on)
		dfx_severity_parse(o.fail_on, &config.fail_on);
	for (size_t i = 0; i < config.nselect; i++)
		if (!dfx_rule_find(config.select[i]) && !dfx_rule_prefix(config.select[i]))
			fprintf(stderr, "warning: --select: no rule matches '%s'\n", config.select[i]);

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
	ro.color = isatty(1) && !getenv("NO_COLOR");
	if (o.color && strcmp(o.color, "auto") != 0)
		ro.color = strcmp(o.color, "always") == 0;
	ro.quiet = o.quiet;
	ro.unsafe_fixes = config.unsafe_fixes;
	ro.nfiles = nfiles;
	ro.nerrors = nerrors;
	ro.root = ".";
	dfx_cli_report(o.format ? o.format : "text", &fs, &ws, &ro);
	if (config.fail_on != DFX_SEV_NONE)
		for (size_t i = 0; i < fs.n; i++)
			if (fs.v[i].severity >= config.fail_on)
				status = 1;
	if (nerrors)
		status = 2;
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&config);
out_opts:
	dfx_cli_free_codes(o.select, o.nselect);
	dfx_cli_free_codes(o.ignore, o.nignore);
	return status;
}
