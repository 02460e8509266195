/*
 * cli.c - helpers shared by the subcommands (see cli.h), so `dockfix` and
 * `dockfix inspect` load the configuration, print diagnostics and errors,
 * and hand the run's facts to the reporters the same way (README "Usage").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dockfix/config.h"
#include "dockfix/writer.h"
#include "options.h"

/* The mode of a file the command line asks for (--output-file, --generate-baseline): 0666 less the
   umask, as a shell redirection would create it. */
static unsigned create_mode(void)
{
	mode_t m = umask(022);

	umask(m);
	return 0666u & ~(unsigned)m;
}

int dfx_cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", cmd);
	return 2;
}

void dfx_cli_print_help(const struct dfx_cli_command *cmd, const char *head, const char *tail)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_adds(&b, head);
	dfx_options_help(&b, cmd);
	dfx_buf_adds(&b, tail);
	fwrite(b.ptr, 1, b.len, stdout);
	dfx_buf_release(&b);
}

void dfx_cli_split_codes(const char *arg, char ***v, size_t *n)
{
	const char *p = arg;
	size_t cap = *n;

	while (*p) {
		size_t len = strcspn(p, ",");
		const char *s = p;

		p += len;
		if (*p == ',')
			p++;
		while (len && *s == ' ') {
			s++;
			len--;
		}
		while (len && s[len - 1] == ' ')
			len--;
		if (!len)
			continue;
		DFX_GROW(*v, *n + 1, cap);
		(*v)[(*n)++] = dfx_xstrndup(s, len);
	}
}

void dfx_cli_free_codes(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

bool dfx_cli_format_ok(const char *format)
{
	return dfx_format_find(format) != NULL;
}

void dfx_cli_print_error(const struct dfx_wsfile *f)
{
	const struct dfx_error *e = &f->err;
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_excerpt x;

	dfx_buf_adds_printable(&b, e->path ? e->path : f->path);
	dfx_buf_addf(&b, ":%u:%u: error: ", e->line ? e->line : 1, e->col ? e->col : 1);
	dfx_buf_adds_printable(&b, e->message ? e->message : "cannot be checked");
	dfx_buf_addc(&b, '\n');
	if (dfx_ws_error_excerpt(f, &x)) {
		int w = snprintf(NULL, 0, "%u", x.line);

		dfx_buf_addf(&b, "%u | %s\n%*s | %s\n", x.line, x.text, w, "", x.caret);
		dfx_excerpt_release(&x);
	}
	fwrite(b.ptr, 1, b.len, stderr);
	dfx_buf_release(&b);
}

int dfx_cli_config(struct dfx_config *c, const struct dfx_cli_opts *o, const char *start)
{
	struct dfx_diags diags = {0};
	int rc;

	dfx_config_init(c);
	rc = dfx_config_load(c, o->config, start, &diags);
	if (rc != 0) {
		dfx_cli_print_diags(&diags);
		dfx_diags_release(&diags);
		dfx_config_release(c);
		return -1;
	}
	/* command line wins over the config file */
	for (size_t i = 0; i < o->nselect; i++)
		dfx_cli_split_codes(o->select[i], &c->select, &c->nselect);
	for (size_t i = 0; i < o->nignore; i++)
		dfx_cli_split_codes(o->ignore[i], &c->ignore, &c->nignore);
	if (o->fail_on)
		dfx_severity_parse(o->fail_on, &c->fail_on);
	/* a code of --select / --ignore that names no rule was a usage error already (options.c) */
	dfx_cli_print_diags(&diags);
	dfx_diags_release(&diags);
	return 0;
}

int dfx_cli_today(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void dfx_cli_print_lines(const char *text)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		dfx_buf_add_printable(&b, p, n);
		dfx_buf_addc(&b, '\n');
		p += n + (nl != NULL);
	}
	if (b.len)
		fwrite(b.ptr, 1, b.len, stderr);
	dfx_buf_release(&b);
}

void dfx_cli_print_diags(struct dfx_diags *d)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; i < d->n; i++)
		dfx_diag_format(&b, &d->v[i]);
	if (b.len)
		fwrite(b.ptr, 1, b.len, stderr);
	dfx_buf_release(&b);
	dfx_diag_clear(d);
}

/* --format github: the Markdown summary, appended to the file $GITHUB_STEP_SUMMARY names. */
static void github_step_summary(const struct dfx_findings *fs, const struct dfx_report_opts *ro)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	struct dfx_buf b = DFX_BUF_INIT;
	FILE *f;

	if (!path || !*path)
		return;
	dfx_report(&b, &dfx_format_github_summary, fs, ro);
	f = fopen(path, "a");
	if (!f || fwrite(b.ptr ? b.ptr : "", 1, b.len, f) != b.len || fclose(f) != 0)
		fprintf(stderr, "%s: warning: cannot write the step summary: %s\n", path, strerror(errno));
	dfx_buf_release(&b);
}

int dfx_cli_prepare(const struct dfx_cli_command *cmd, struct dfx_cli_opts *o)
{
	const char *format = o->format ? o->format : "text";

	if (o->statistics && strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return cmd->usage_error(cmd, "--statistics works with --format text or json, not '%s'", format);
	if (o->baseline && dfx_cli_baseline_load(o->baseline, &o->known, &o->nknown) != 0)
		return 2;
	return 0;
}

/* --generate-baseline: every finding's fingerprint, written atomically. Returns 0 or 2. */
static int generate_baseline(const struct dfx_cli_opts *o, const struct dfx_findings *fs, char *const *fps)
{
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_error err = {0};
	int rc = 0;

	dfx_cli_baseline_write(&b, fs, fps);
	if (dfx_write_atomic(o->generate_baseline, b.ptr, b.len, create_mode(), &err) != 0) {
		fprintf(stderr, "%s: error: baseline not written: %s\n", o->generate_baseline,
			err.message ? err.message : "cannot write");
		rc = 2;
	} else {
		fprintf(stderr, "wrote the baseline %s: %zu finding%s\n", o->generate_baseline, fs->n,
			fs->n == 1 ? "" : "s");
	}
	dfx_error_release(&err);
	dfx_buf_release(&b);
	return rc;
}

int dfx_cli_report(const struct dfx_cli_opts *o, const struct dfx_findings *fs, const struct dfx_workspace *ws,
		   size_t nfiles, size_t nerrors, const char *start, struct dfx_buf *out)
{
	const char *format = o->format ? o->format : "text";
	const struct dfx_format *fmt = dfx_format_find(format);
	struct dfx_report_opts r = {0}, *ro = &r;
	struct dfx_report_file *files = dfx_xcalloc(ws->n + 1, sizeof(*files));
	const char **disabled = dfx_xcalloc(dfx_nrules + 1, sizeof(*disabled));
	char **fps = NULL;
	bool *hidden = NULL;
	size_t ndisabled = 0, nhidden = 0;
	int rc = 0;
	char *root = dfx_report_srcroot(start);

	for (size_t i = 0; i < ws->n; i++) {
		const struct dfx_wsfile *f = ws->files[i];

		files[i] = (struct dfx_report_file){f->path, f->kind, f->target, f->failed, &f->err, f->secret,
						    f->on_disk || f->changed ? &f->cur : NULL};
	}
	for (size_t i = 0; i < dfx_nrules; i++)
		if (!dfx_config_enabled(ws->config, dfx_rules[i]->code))
			disabled[ndisabled++] = dfx_rules[i]->code;
	if (o->color && strcmp(o->color, "auto") != 0)
		ro->color = strcmp(o->color, "always") == 0;
	else
		ro->color = isatty(o->output_file ? -1 : 1) && !getenv("NO_COLOR");
	ro->quiet = o->quiet;
	ro->unsafe_fixes = ws->config->unsafe_fixes;
	ro->nfiles = nfiles;
	ro->nerrors = nerrors;
	ro->root = root;
	ro->start = start;
	ro->files = files;
	ro->nrun_files = ws->n;
	ro->disabled = disabled;
	ro->ndisabled = ndisabled;
	if (o->baseline || o->generate_baseline) {
		fps = dfx_xcalloc(fs->n + 1, sizeof(*fps));
		dfx_report_fingerprints(fs, ro, fps);
	}
	if (o->baseline) {
		size_t matched = 0;

		hidden = dfx_xcalloc(fs->n + 1, sizeof(*hidden));
		for (size_t i = 0; i < fs->n; i++)
			nhidden += hidden[i] = dfx_cli_baseline_has(o->known, o->nknown, fps[i]);
		ro->hidden = hidden;
		matched = nhidden;
		fprintf(stderr, "%zu finding%s hidden: %s in the baseline %s", nhidden, nhidden == 1 ? "" : "s",
			nhidden == 1 ? "it is" : "they are", o->baseline);
		if (o->nknown > matched)
			fprintf(stderr, " (%zu of its entries matched nothing: fixed, or changed)", o->nknown - matched);
		fputc('\n', stderr);
	}
	if (o->statistics)
		fmt = strcmp(format, "json") == 0 ? &dfx_format_statistics_json : &dfx_format_statistics_text;
	dfx_report(out, fmt ? fmt : &dfx_format_text, fs, ro);
	if (fmt == &dfx_format_github)
		github_step_summary(fs, ro);
	/* the findings just written to a baseline are accepted: they do not fail this run */
	if (o->generate_baseline)
		rc = generate_baseline(o, fs, fps);
	else if (ws->config->fail_on != DFX_SEV_NONE)
		for (size_t i = 0; i < fs->n; i++)
			if (!(hidden && hidden[i]) && fs->v[i].severity >= ws->config->fail_on)
				rc = 1;
	if (fps)
		for (size_t i = 0; i < fs->n; i++)
			free(fps[i]);
	free(fps);
	free(hidden);
	free(root);
	free(files);
	free(disabled);
	return rc;
}

int dfx_cli_output(const struct dfx_cli_opts *o, const struct dfx_buf *out)
{
	struct dfx_error err = {0};
	int rc = 0;

	if (!o->output_file) {
		fwrite(out->ptr ? out->ptr : "", 1, out->len, stdout);
		return 0;
	}
	if (dfx_write_atomic(o->output_file, out->ptr ? out->ptr : "", out->len, create_mode(), &err) != 0) {
		fprintf(stderr, "%s: error: %s\n", o->output_file, err.message ? err.message : "cannot write");
		rc = 2;
	}
	dfx_error_release(&err);
	return rc;
}

struct dfx_wsfile *dfx_cli_read_stdin(struct dfx_workspace *ws, const char *name, enum dfx_kind kind)
{
	struct dfx_source s;
	struct dfx_error err = {0};
	struct dfx_wsfile *f;

	if (dfx_source_load(&s, "-", &err) != 0) {
		f = dfx_ws_overlay(ws, name, "", 0);
		dfx_error_set(&f->err, f->path, 0, 0, "%s", err.message ? err.message : "cannot read standard input");
		dfx_error_release(&err);
		f->failed = true;
		f->on_disk = false;
	} else {
		f = dfx_ws_overlay(ws, name, s.data, s.len);
		dfx_source_release(&s);
	}
	f->from_stdin = true;
	f->kind = kind;
	if (f->failed) {
		f->target = true;
		return f;
	}
	f->target = false;
	return dfx_ws_add_target(ws, name, kind);
}
