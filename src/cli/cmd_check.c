/*
 * cmd_check.c - `dockfix [OPTIONS] [PATH...]`: audit, `--diff` and
 * `--write` (README "Usage"). Discovers files, runs the rules, runs the fix engine
 * when asked, prints the report or the diff, writes atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static const struct dfx_cli_command command = {"dockfix", DFX_CMD_CHECK, 26, dfx_options_usage_error};

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
	"exit status: 0 nothing at or above --fail-on (or --exit-zero); 1 findings remain or the diff\n"
	"is non-empty; 2 usage error, unreadable or unparsable input.\n";

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
/* The threads of a run: -j N, or one per online core for -j 0 and no -j
   (the engine merges the threads' results in file order, so the output is
   the same for every N). */
static int jobs(const struct dfx_cli_opts *o)
{
	long n = o->jobs;

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 && o->jobs <= 0 ? 64 : (int)n;
}

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
	dfx_qsort(*out, n, sizeof(**out), cmp_wsfile);
	return n;
}

/* --write: one transaction (src/engine/commit.c); stderr says what was written and what not. */
static int write_changes(struct dfx_workspace *ws, char **paths, size_t npaths)
{
	struct dfx_commit_opts co = {(const char *const *)paths, npaths,
				     getenv("DOCKFIX_TEST_PAUSE_BEFORE_COMMIT")};
	struct dfx_commit_result r;
	int rc = dfx_commit_write(ws, &co, &r);

	dfx_cli_print_lines(r.log.ptr);
	if (rc != 0)
		fprintf(stderr, "wrote %zu of %zu changed file%s; %zu not written, as they are on disk\n", r.written,
			r.written + r.not_written, r.written + r.not_written == 1 ? "" : "s", r.not_written);
	dfx_commit_result_release(&r);
	return rc;
}

static bool print_diff(struct dfx_workspace *ws, struct dfx_buf *out)
{
	struct dfx_wsfile **v;
	size_t n = changed_files(ws, &v);

	for (size_t i = 0; i < n; i++) {
		struct dfx_wsfile *f = v[i];

		if (f->secret) {
			char *shown = dfx_printable(f->path);

			if (f->on_disk)
				fprintf(stderr, "note: --write would also add a secret to %s (not shown)\n", shown);
			else
				fprintf(stderr, "note: --write would also create %s (mode %04o; a secret, not shown)\n",
					shown, f->mode);
			free(shown);
			continue;
		}
		dfx_diff_unified(out, f->on_disk ? f->path : NULL, f->path, f->orig.data, f->orig.len, f->cur.data,
				 f->cur.len);
	}
	free(v);
	return n > 0;
}

/* ---------------------------------------------------------------- --show-fixes */

/* Whether every file applied fix `a` changes is (still) changed: written by --write, or kept by
   --diff's plan (a unit not written gets its original bytes back). */
static bool kept(struct dfx_workspace *ws, const struct dfx_fix_applied *a)
{
	for (size_t i = 0; i < a->nfiles; i++)
		if (!dfx_ws_file(ws, a->files[i])->changed)
			return false;
	return true;
}

static int cmp_applied(const void *x, const void *y)
{
	const struct dfx_fix_applied *a = *(const struct dfx_fix_applied *const *)x;
	const struct dfx_fix_applied *b = *(const struct dfx_fix_applied *const *)y;
	int c = strcmp(a->path, b->path);

	return c ? c : strcmp(a->code, b->code);
}

/*
 * The fixes applied and kept, per file and rule (ruff's --show-fixes
 * summary), each rule with the descriptions of its fixes:
 *   Applied 2 fixes:
 *   - compose.yaml:
 *       2 × DC201 (database-port-published)
 *           bind port 5432 to 127.0.0.1 (2×)
 */
static void list_fixes(struct dfx_buf *b, struct dfx_workspace *ws, const struct dfx_fix_stats *st,
		       const char *verb)
{
	const struct dfx_fix_applied **v = dfx_xcalloc(st->nlog + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < st->nlog; i++)
		if (kept(ws, &st->log[i]))
			v[n++] = &st->log[i];
	/* stable: fixes of one file and rule keep the order they were applied in */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp_applied(&v[j - 1], &v[j]) > 0; j--) {
			const struct dfx_fix_applied *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	if (!n) {
		dfx_buf_addf(b, "%s no fixes.\n", verb);
		free(v);
		return;
	}
	dfx_buf_addf(b, "%s %zu fix%s:\n", verb, n, n == 1 ? "" : "es");
	for (size_t i = 0; i < n;) {
		const char *path = v[i]->path;

		dfx_buf_addf(b, "- %s:\n", dfx_present_display_path(path));
		while (i < n && !strcmp(v[i]->path, path)) {
			const struct dfx_rule *rule = dfx_rule_find(v[i]->code);
			size_t end = i;

			while (end < n && !strcmp(v[end]->path, path) && !strcmp(v[end]->code, v[i]->code))
				end++;
			dfx_buf_addf(b, "    %zu × %s (%s)\n", end - i, v[i]->code, rule ? rule->name : "");
			for (size_t k = i; k < end; k++) {
				size_t same = 1;
				bool earlier = false;

				for (size_t e = i; e < k && !earlier; e++)
					earlier = !strcmp(v[e]->description, v[k]->description);
				if (earlier)
					continue;
				for (size_t e = k + 1; e < end; e++)
					same += !strcmp(v[e]->description, v[k]->description);
				dfx_buf_addf(b, "        %s%s", v[k]->description,
					     v[k]->applicability == DFX_FIX_UNSAFE ? " (unsafe)" : "");
				if (same > 1)
					dfx_buf_addf(b, " (%zu×)", same);
				dfx_buf_addc(b, '\n');
			}
			i = end;
		}
	}
	free(v);
}

/* ---------------------------------------------------------------- after --write */

/* Whether the (safe) fix of finding i waits for a member of its group that is unsafe. */
static bool grouped_with_unsafe(const struct dfx_findings *fs, size_t i)
{
	const struct dfx_finding *f = &fs->v[i];

	if (!f->fix || !f->fix->group)
		return false;
	for (size_t k = 0; k < fs->n; k++) {
		const struct dfx_finding *o = &fs->v[k];

		if (o->fix && o->fix->group == f->fix->group && o->rule == f->rule && o->src == f->src &&
		    o->fix->applicability < DFX_FIX_SAFE)
			return true;
	}
	return false;
}

static void reason(struct dfx_buf *b, bool *first, size_t n, const char *what)
{
	if (!n)
		return;
	dfx_buf_addf(b, "%s%zu %s", *first ? "; not applied: " : ", ", n, what);
	*first = false;
}

/*
 * stderr after --write: how many fixes were applied and written, and why
 * the fixable findings that remain were not fixed, from what the fix
 * engine recorded (verification, convergence), the commit (files not
 * written) and the findings now on disk (`fs`: unsafe fixes withheld,
 * fixes grouped with an unsafe one, fixes still pending).
 */
static void explain_write(struct dfx_workspace *ws, const struct dfx_fix_stats *st, const struct dfx_findings *fs,
			  bool unsafe)
{
	struct dfx_buf b = DFX_BUF_INIT;
	size_t written = 0, not_written = 0, withheld = 0, grouped = 0, left = 0, known;
	size_t verify = st->dropped - st->unconverged, fixable = st->fixable[DFX_FIX_SAFE];
	bool first = true;

	if (unsafe)
		fixable += st->fixable[DFX_FIX_UNSAFE];
	for (size_t i = 0; i < st->nlog; i++) {
		if (kept(ws, &st->log[i]))
			written++;
		else
			not_written++;
	}
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_fix *fx = fs->v[i].fix;

		if (!fx)
			continue;
		if (fx->applicability == DFX_FIX_UNSAFE && !unsafe)
			withheld++;
		else if (!unsafe && grouped_with_unsafe(fs, i))
			grouped++;
		else
			left++;
	}
	if (!written && !fixable && !withheld && !left && !not_written)
		return;
	if (written)
		dfx_buf_addf(&b, "applied %zu fix%s", written, written == 1 ? "" : "es");
	else
		dfx_buf_adds(&b, "applied no fixes");
	if (fixable && fixable != written)
		dfx_buf_addf(&b, " for %zu fixable finding%s", fixable, fixable == 1 ? "" : "s");
	reason(&b, &first, not_written, "not written (see above)");
	reason(&b, &first, verify, "failed verification (see the notes above)");
	reason(&b, &first, st->unconverged, "did not converge (see the notes above)");
	reason(&b, &first, grouped, "go with an unsafe fix of their group (--unsafe-fixes)");
	known = not_written + verify + st->unconverged;
	if (left > known)
		reason(&b, &first, left - known,
		       st->passes >= DFX_FIX_MAX_PASSES ? "still pending after the last pass (run --write again)"
							: "still pending (run --write again)");
	/* the balance with the count before fixing */
	{
		size_t accounted = written + not_written + verify + st->unconverged + grouped +
				   (left > known ? left - known : 0);

		if (fixable > accounted)
			dfx_buf_addf(&b, "; %zu went away with the fixes of other findings", fixable - accounted);
		else if (accounted > fixable && written)
			dfx_buf_addf(&b, "; %zu fix%s for findings that earlier fixes brought up",
				     accounted - fixable > written ? written : accounted - fixable,
				     accounted - fixable == 1 ? " was" : "es were");
	}
	if (withheld)
		dfx_buf_addf(&b, "; %zu unsafe fix%s not applied: %s --unsafe-fixes", withheld,
			     withheld == 1 ? "" : "es", withheld == 1 ? "it needs" : "they need");
	dfx_buf_addc(&b, '\n');
	fputs(b.ptr, stderr);
	dfx_buf_release(&b);
}

int dfx_cmd_check(int argc, char **argv)
{
	struct dfx_cli_opts o = {0};
	struct dfx_config config;
	struct dfx_workspace ws;
	struct dfx_findings fs = {0};
	struct dfx_fix_stats st = {0};
	struct dfx_buf out = DFX_BUF_INIT;
	int first = 1, rc, status = 0;
	size_t nerrors = 0, nfiles = 0;
	bool text;

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
	if (o.mode == DFX_MODE_DIFF && (o.statistics || o.baseline || o.generate_baseline)) {
		status = dfx_options_usage_error(&command, "%s cannot be combined with --diff (it prints no findings)",
						 o.statistics ? "--statistics" : o.baseline ? "--baseline" : "--generate-baseline");
		goto out_opts;
	}
	status = dfx_cli_prepare(&command, &o);
	if (status)
		goto out_opts;
	text = !o.format || !strcmp(o.format, "text");
	if (dfx_cli_config(&config, &o, first < argc ? argv[first] : ".") != 0) {
		status = 2;
		goto out_opts;
	}
	if (o.unsafe)
		config.unsafe_fixes = true;
	config.as_of = o.as_of ? o.as_of : dfx_cli_today();
	if (eol_table(&o, config.as_of) != 0) {
		status = 2;
		dfx_config_release(&config);
		goto out_opts;
	}

	dfx_ws_init(&ws, &config);
	ws.jobs = jobs(&o);
	ws.defer_parse = true; /* parsed together by dfx_discover_link() */
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
		dfx_cli_print_lines(cr.log.ptr);
		dfx_commit_result_release(&cr);
		if (print_diff(&ws, &out))
			status = 1;
		if (o.show_fixes) {
			struct dfx_buf b = DFX_BUF_INIT;

			list_fixes(&b, &ws, &st, "--write would apply");
			fputs(b.ptr, stderr); /* stdout is the diff */
			dfx_buf_release(&b);
		}
	} else {
		if (o.mode == DFX_MODE_WRITE && write_changes(&ws, argv + first, (size_t)(argc - first)) != 0)
			status = 2; /* the report below is of the disk; stderr said what was written */
		dfx_check_all(&ws, &fs);
		rc = dfx_cli_report(&o, &fs, &ws, nfiles, nerrors, first < argc ? argv[first] : NULL, &out);
		if (rc > status)
			status = rc;
		if (o.mode == DFX_MODE_WRITE) {
			if (o.show_fixes) {
				struct dfx_buf b = DFX_BUF_INIT;

				list_fixes(&b, &ws, &st, "Applied");
				if (text)
					dfx_buf_add(&out, b.ptr, b.len);
				else
					fputs(b.ptr, stderr);
				dfx_buf_release(&b);
			}
			explain_write(&ws, &st, &fs, config.unsafe_fixes);
		} else if (o.show_fixes) {
			/* what --write would apply: the fix engine on the files in memory, after the report */
			struct dfx_commit_opts co = {(const char *const *)argv + first, (size_t)(argc - first), NULL};
			struct dfx_commit_result cr;
			struct dfx_buf b = DFX_BUF_INIT;

			dfx_findings_release(&fs);
			dfx_fix_run(&ws, config.unsafe_fixes ? DFX_FIX_UNSAFE : DFX_FIX_SAFE, &st);
			dfx_cli_print_diags(&ws.diags);
			dfx_commit_plan(&ws, &co, &cr);
			dfx_cli_print_lines(cr.log.ptr);
			dfx_commit_result_release(&cr);
			list_fixes(&b, &ws, &st, "--write would apply");
			if (text)
				dfx_buf_add(&out, b.ptr, b.len);
			else
				fputs(b.ptr, stderr);
			dfx_buf_release(&b);
		}
	}
	if (dfx_cli_output(&o, &out) != 0)
		status = 2;
	if (nerrors)
		status = 2;
	if (o.exit_zero && status == 1)
		status = 0;
out:
	dfx_buf_release(&out);
	dfx_findings_release(&fs);
	dfx_fix_stats_release(&st);
	dfx_ws_release(&ws);
	dfx_config_release(&config);
out_opts:
	dfx_options_release(&o);
	return status;
}
