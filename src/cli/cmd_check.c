/*
 * cmd_check.c - `dockfix [OPTIONS] [PATH...]`: audit, `--diff` and
 * `--write` (SPEC §1). Discovers files, runs the rules, runs the fix engine
 * when asked, prints the report or the diff, writes atomically.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dockfix/driver.h"
#include "dockfix/workspace.h"
#include "cli.h"
#include "cmd.h"
#include "dockfix/config.h"
#include "dockfix/diff.h"
#include "dockfix/discover.h"
#include "dockfix/fix.h"
#include "dockfix/report.h"
#include "dockfix/commit.h"

enum mode { MODE_CHECK, MODE_DIFF, MODE_WRITE };

struct opts {
	enum mode mode;
	const char *format;
	const char *color;
	const char *config;
	const char *stdin_name;
	const char *fail_on;
	bool quiet;
	bool unsafe;
	int jobs;
	char **select, **ignore;
	size_t nselect, nignore;
	int as_of;
};

static const char usage_text[] =
	"usage: dockfix [OPTIONS] [PATH...]        audit Dockerfiles and compose files (default PATH: .)\n"
	"       dockfix --diff [OPTIONS] [PATH...] print the fixes as a unified diff; write nothing\n"
	"       dockfix --write [OPTIONS] [PATH...] apply the fixes in place\n"
	"       dockfix init STACK [--db DB] [--dir DIR] [--port N] [--force]\n"
	"       dockfix rules [--format json]      list every rule\n"
	"       dockfix explain RULE               one rule's documentation\n"
	"       dockfix inspect FILE|-             audit `docker inspect` / `docker history` JSON\n"
	"\n"
	"options:\n"
	"  --diff                  print fixes as a unified diff (exit 1 when non-empty)\n"
	"  --write                 apply fixes in place (atomic per file)\n"
	"  --unsafe-fixes          also apply fixes that may change what the container can do\n"
	"  --format FORMAT         text (default), json, sarif, github, checklist\n"
	"  --fail-on SEVERITY      critical, high, medium, low (default), none\n"
	"  --select CODE,...       only these rules (a prefix such as DF1 selects a group)\n"
	"  --ignore CODE,...       not these rules\n"
	"  --config FILE           configuration (default: .dockfix.yaml found upward)\n"
	"  --stdin-filename NAME   name of the file read from PATH -\n"
	"  --as-of YYYY-MM-DD      evaluate base-image end-of-life on this date\n"
	"  --color WHEN            auto (default), always, never; NO_COLOR is honoured\n"
	"  -j, --jobs N            threads (accepted; files are checked in order)\n"
	"  -q, --quiet             findings only: no source lines, no summary\n"
	"  --version               print version and the base-image table's data date\n"
	"  -h, --help              this help\n"
	"\n"
	"exit status: 0 nothing at or above --fail-on; 1 findings remain or the diff is non-empty;\n"
	"2 usage error, unreadable or unparsable input.\n";

int dfx_parse_date(const char *s, int *out)
{
	unsigned y, m, d;
	char tail;

	if (sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*out = (int)(y * 10000 + m * 100 + d);
	return 0;
}

static int today(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int parse_opts(int argc, char **argv, struct opts *o, int *first_path)
{
	enum { O_DIFF = 256, O_WRITE, O_UNSAFE, O_FORMAT, O_FAILON, O_SELECT, O_IGNORE, O_CONFIG, O_STDIN,
	       O_COLOR, O_ASOF, O_VERSION };
	static const struct option longopts[] = {
		{"diff", no_argument, NULL, O_DIFF},
		{"write", no_argument, NULL, O_WRITE},
		{"unsafe-fixes", no_argument, NULL, O_UNSAFE},
		{"format", required_argument, NULL, O_FORMAT},
		{"fail-on", required_argument, NULL, O_FAILON},
		{"select", required_argument, NULL, O_SELECT},
		{"ignore", required_argument, NULL, O_IGNORE},
		{"config", required_argument, NULL, O_CONFIG},
		{"stdin-filename", required_argument, NULL, O_STDIN},
		{"color", required_argument, NULL, O_COLOR},
		{"as-of", required_argument, NULL, O_ASOF},
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, O_VERSION},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case O_DIFF:
			if (o->mode == MODE_WRITE)
				return dfx_cli_usage_error("dockfix", "%s", "--diff and --write cannot be combined");
			o->mode = MODE_DIFF;
			break;
		case O_WRITE:
			if (o->mode == MODE_DIFF)
				return dfx_cli_usage_error("dockfix", "%s", "--diff and --write cannot be combined");
			o->mode = MODE_WRITE;
			break;
		case O_UNSAFE:
			o->unsafe = true;
			break;
		case O_FORMAT:
			if (!dfx_cli_format_ok(optarg))
				return dfx_cli_usage_error("dockfix", "unknown --format '%s' (text, json, sarif, github, checklist)", optarg);
			o->format = optarg;
			break;
		case O_FAILON: {
			enum dfx_severity s;
			if (dfx_severity_parse(optarg, &s) != 0)
				return dfx_cli_usage_error("dockfix", "unknown --fail-on '%s' (critical, high, medium, low, none)", optarg);
			o->fail_on = optarg;
			break;
		}
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
				return dfx_cli_usage_error("dockfix", "unknown --color '%s' (auto, always, never)", optarg);
			o->color = optarg;
			break;
		case O_ASOF:
			if (dfx_parse_date(optarg, &o->as_of) != 0)
				return dfx_cli_usage_error("dockfix", "bad --as-of '%s' (want YYYY-MM-DD)", optarg);
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 1024)
				return dfx_cli_usage_error("dockfix", "bad -j '%s' (want a number of threads)", optarg);
			o->jobs = (int)n;
			break;
		}
		case 'q':
			o->quiet = true;
			break;
		case O_VERSION:
			return -2;
		case 'h':
			return -1;
		default:
			if (optopt && optopt < 256)
				return dfx_cli_usage_error("dockfix", "unknown option '-%c'", (char[]){(char)optopt, 0});
			return dfx_cli_usage_error("dockfix", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	*first_path = optind;
	return 0;
}

/* The kind of the file read from standard input, from its --stdin-filename. */
static enum dfx_kind stdin_kind(const char *name)
{
	enum dfx_kind k = dfx_discover_kind(name);
	size_t n = strlen(name);

	if (k != DFX_KIND_UNKNOWN)
		return k;
	if ((n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0))
		return DFX_KIND_COMPOSE;
	return DFX_KIND_DOCKERFILE;
}

static int cmp_wsfile(const void *a, const void *b)
{
	return strcmp((*(struct dfx_wsfile *const *)a)->path, (*(struct dfx_wsfile *const *)b)->path);
}

/* The changed files, sorted by path (deterministic diff and write order). */
static size_t changed_files(struct dfx_workspace *ws, struct dfx_wsfile ***out)
{
	size_t n = 0;

	*out = dfx_xcalloc(ws->n + 1, sizeof(**out));
	for (size_t i = 0; i < ws->n; i++)
		if (ws->files[i]->changed)
			(*out)[n++] = ws->files[i];
	qsort(*out, n, sizeof(**out), cmp_wsfile);
	return n;
}

/* --write: one transaction (src/engine/commit.c); stderr says what was written and what not. */
static int write_changes(struct dfx_workspace *ws, char **paths, size_t npaths)
{
	struct dfx_commit_opts co = {(const char *const *)paths, npaths,
				     getenv("DOCKFIX_TEST_PAUSE_BEFORE_COMMIT")};
	struct dfx_commit_result r;
	int rc = dfx_commit_write(ws, &co, &r);

	fputs(r.log.ptr ? r.log.ptr : "", stderr);
	if (rc != 0)
		fprintf(stderr, "wrote %zu of %zu changed file%s; %zu not written, as they are on disk\n", r.written,
			r.written + r.not_written, r.written + r.not_written == 1 ? "" : "s", r.not_written);
	dfx_commit_result_release(&r);
	return rc;
}

static bool print_diff(struct dfx_workspace *ws)
{
	struct dfx_buf out = DFX_BUF_INIT;
	struct dfx_wsfile **v;
	size_t n = changed_files(ws, &v);

	for (size_t i = 0; i < n; i++) {
		struct dfx_wsfile *f = v[i];

		if (f->secret) {
			if (f->on_disk)
				fprintf(stderr, "note: --write would also add a secret to %s (not shown)\n", f->path);
			else
				fprintf(stderr, "note: --write would also create %s (mode %04o; a secret, not shown)\n",
					f->path, f->mode);
			continue;
		}
		dfx_diff_unified(&out, f->on_disk ? f->path : NULL, f->path, f->orig.data, f->orig.len, f->cur.data,
				 f->cur.len);
	}
	fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
	dfx_buf_release(&out);
	free(v);
	return n > 0;
}

int dfx_cmd_check(int argc, char **argv)
{
	struct opts o = {0};
	struct dfx_config config;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_report_opts ro = {0};
	struct dfx_fix_stats st = {0};
	int first = 1, rc, status = 0;
	size_t nerrors = 0, nfiles = 0;
	const char *format;

	o.format = NULL;
	rc = parse_opts(argc, argv, &o, &first);
	if (rc == -1) {
		fputs(usage_text, stdout);
		status = 0;
		goto out_opts;
	}
	if (rc == -2) {
		dfx_print_version();
		goto out_opts;
	}
	if (rc) {
		status = rc;
		goto out_opts;
	}
	dfx_config_init(&config);
	if (dfx_config_load(&config, o.config, first < argc ? argv[first] : ".") != 0) {
		status = 2;
		dfx_config_release(&config);
		goto out_opts;
	}
	/* command line wins over the config file */
	for (size_t i = 0; i < o.nselect; i++)
		dfx_cli_split_codes(o.select[i], &config.select, &config.nselect);
	for (size_t i = 0; i < o.nignore; i++)
		dfx_cli_split_codes(o.ignore[i], &config.ignore, &config.nignore);
	if (o.fail_on)
		dfx_severity_parse(o.fail_on, &config.fail_on);
	if (o.unsafe)
		config.unsafe_fixes = true;
	config.as_of = o.as_of ? o.as_of : today();
	for (size_t i = 0; i < config.nselect; i++)
		if (!dfx_rule_find(config.select[i]) && !dfx_rule_prefix(config.select[i]))
			fprintf(stderr, "warning: --select: no rule matches '%s'\n", config.select[i]);
	for (size_t i = 0; i < config.nignore; i++)
		if (!dfx_rule_find(config.ignore[i]) && !dfx_rule_prefix(config.ignore[i]))
			fprintf(stderr, "warning: --ignore: no rule matches '%s'\n", config.ignore[i]);

	dfx_ws_init(&ws, &config);
	if (first >= argc) {
		dfx_discover(&ws, ".");
	} else {
		for (int i = first; i < argc; i++) {
			if (strcmp(argv[i], "-") == 0) {
				if (!o.stdin_name) {
					status = dfx_cli_usage_error("dockfix", "%s", "reading standard input (-) needs --stdin-filename NAME");
					goto out;
				}
				if (o.mode == MODE_WRITE) {
					status = dfx_cli_usage_error("dockfix", "%s", "--write cannot write to standard input; use --diff");
					goto out;
				}
				dfx_cli_read_stdin(&ws, o.stdin_name, stdin_kind(o.stdin_name));
				continue;
			}
			dfx_discover(&ws, argv[i]);
		}
	}
	dfx_discover_link(&ws);
	dfx_check_pragmas(&ws);

	for (size_t i = 0; i < ws.n; i++) {
		if (!ws.files[i]->target)
			continue;
		nfiles++;
		if (ws.files[i]->failed) {
			dfx_cli_print_error(ws.files[i]);
			nerrors++;
		}
	}

	if (o.mode != MODE_CHECK) {
		dfx_fix_run(&ws, config.unsafe_fixes ? DFX_FIX_UNSAFE : DFX_FIX_SAFE, &st);
		if (st.notes.len)
			fputs(st.notes.ptr, stderr);
	}
	format = o.format ? o.format : "text";
	if (o.mode == MODE_DIFF) {
		struct dfx_commit_opts co = {(const char *const *)argv + first, (size_t)(argc - first), NULL};
		struct dfx_commit_result cr;

		/* only what --write would write: nothing outside the project */
		dfx_commit_plan(&ws, &co, &cr);
		fputs(cr.log.ptr ? cr.log.ptr : "", stderr);
		dfx_commit_result_release(&cr);
		if (print_diff(&ws))
			status = 1;
	} else {
		if (o.mode == MODE_WRITE && write_changes(&ws, argv + first, (size_t)(argc - first)) != 0) {
			status = 2;
			st.applied = 0; /* the report below is of the disk; stderr said what was written */
		}
		dfx_check_all(&ws, &fs);
		if (o.color && strcmp(o.color, "auto") != 0)
			ro.color = strcmp(o.color, "always") == 0;
		else
			ro.color = isatty(1) && !getenv("NO_COLOR");
		ro.quiet = o.quiet;
		ro.unsafe_fixes = config.unsafe_fixes;
		ro.nfiles = nfiles;
		ro.nerrors = nerrors;
		ro.ws = &ws;
		ro.root = ".";
		dfx_cli_report(format, &fs, &ro);
		if (o.mode == MODE_WRITE && st.applied)
			fprintf(stderr, "applied %zu fix%s\n", st.applied, st.applied == 1 ? "" : "es");
		if (config.fail_on != DFX_SEV_NONE)
			for (size_t i = 0; i < fs.n; i++)
				if (fs.v[i].severity >= config.fail_on && status < 1)
					status = 1;
	}
	if (nerrors)
		status = 2;
out:
	dfx_findings_release(&fs);
	dfx_fix_stats_release(&st);
	dfx_ws_release(&ws);
	dfx_config_release(&config);
out_opts:
	dfx_cli_free_codes(o.select, o.nselect);
	dfx_cli_free_codes(o.ignore, o.nignore);
	return status;
}
