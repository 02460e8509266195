/*
 * cmd_check.c - `dockfix [OPTIONS] [PATH...]`: audit, `--diff` and
 * `--write` (README "Usage"). Discovers files, runs the rules, runs the fix engine
 * when asked, prints the report or the diff, writes atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dockfix/driver.h"
#include "dockfix/workspace.h"
#include "cli.h"
#include "cmd.h"
#include "options.h"
#include "dockfix/config.h"
#include "dockfix/diff.h"
#include "dockfix/discover.h"
#include "dockfix/fix.h"
#include "dockfix/report.h"
#include "dockfix/commit.h"
#include "dockfix/image.h"

static const struct dfx_cli_command command = {"dockfix", DFX_CMD_CHECK, 24, dfx_options_usage_error};

static const char usage_text[] =
	"usage: dockfix [OPTIONS] [PATH...]        audit Dockerfiles and compose files (default PATH: .)\n"
	"       dockfix --diff [OPTIONS] [PATH...] print the fixes as a unified diff; write nothing\n"
	"       dockfix --write [OPTIONS] [PATH...] apply the fixes in place\n"
	"       dockfix init STACK [--db DB] [--dir DIR] [--port N] [--force]\n"
	"       dockfix rules [--format json]      list every rule\n"
	"       dockfix explain RULE               one rule's documentation\n"
	"       dockfix inspect FILE|-             audit `docker inspect` / `docker history` JSON\n"
	"\n"
	"options:\n";

static const char usage_tail[] =
	"\n"
	"exit status: 0 nothing at or above --fail-on; 1 findings remain or the diff is non-empty;\n"
	"2 usage error, unreadable or unparsable input.\n";

static int today(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* --eol-data FILE, then the warning when the table in use is old on the evaluation date. */
static int eol_table(const struct dfx_cli_opts *o, int as_of)
{
	struct dfx_diags d = {0};
	int rc = o->eol_data ? dfx_image_eol_load(o->eol_data, &d) : 0;

	if (rc == 0)
		dfx_image_eol_warn_stale(as_of, &d);
	dfx_cli_print_diags(&d);
	dfx_diags_release(&d);
	return rc;
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
	struct dfx_cli_opts o = {0};
	struct dfx_config config;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_fix_stats st = {0};
	int first = 1, rc, status = 0;
	size_t nerrors = 0, nfiles = 0;

	rc = dfx_options_parse(&command, argc, argv, &o, &first);
	if (rc == DFX_OPT_HELP) {
		dfx_cli_print_help(&command, usage_text, usage_tail);
		status = 0;
		goto out_opts;
	}
	if (rc == DFX_OPT_VERSION) {
		dfx_print_version();
		goto out_opts;
	}
	if (rc) {
		status = rc;
		goto out_opts;
	}
	if (dfx_cli_config(&config, &o, first < argc ? argv[first] : ".") != 0) {
		status = 2;
		goto out_opts;
	}
	if (o.unsafe)
		config.unsafe_fixes = true;
	config.as_of = o.as_of ? o.as_of : today();
	if (eol_table(&o, config.as_of) != 0) {
		status = 2;
		dfx_config_release(&config);
		goto out_opts;
	}

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
				if (o.mode == DFX_MODE_WRITE) {
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
	dfx_cli_print_diags(&ws.diags);

	for (size_t i = 0; i < ws.n; i++) {
		if (!ws.files[i]->target)
			continue;
		nfiles++;
		if (ws.files[i]->failed) {
			dfx_cli_print_error(ws.files[i]);
			nerrors++;
		}
	}

	if (o.mode != DFX_MODE_CHECK) {
		dfx_fix_run(&ws, config.unsafe_fixes ? DFX_FIX_UNSAFE : DFX_FIX_SAFE, &st);
		dfx_cli_print_diags(&ws.diags);
	}
	if (o.mode == DFX_MODE_DIFF) {
		struct dfx_commit_opts co = {(const char *const *)argv + first, (size_t)(argc - first), NULL};
		struct dfx_commit_result cr;

		/* only what --write would write: nothing outside the project */
		dfx_commit_plan(&ws, &co, &cr);
		fputs(cr.log.ptr ? cr.log.ptr : "", stderr);
		dfx_commit_result_release(&cr);
		if (print_diff(&ws))
			status = 1;
	} else {
		if (o.mode == DFX_MODE_WRITE && write_changes(&ws, argv + first, (size_t)(argc - first)) != 0) {
			status = 2;
			st.applied = 0; /* the report below is of the disk; stderr said what was written */
		}
		dfx_check_all(&ws, &fs);
		if (dfx_cli_report(&o, &fs, &ws, nfiles, nerrors, first < argc ? argv[first] : NULL) && status < 1)
			status = 1;
		if (o.mode == DFX_MODE_WRITE && st.applied)
			fprintf(stderr, "applied %zu fix%s\n", st.applied, st.applied == 1 ? "" : "es");
	}
	if (nerrors)
		status = 2;
out:
	dfx_findings_release(&fs);
	dfx_fix_stats_release(&st);
	dfx_ws_release(&ws);
	dfx_config_release(&config);
out_opts:
	dfx_options_release(&o);
	return status;
}
