/*
 * cli.h - what the subcommands share: loading the configuration, printing
 * diagnostics and `path:line:col: error:` lines, help and usage errors, and
 * running the reporter chosen by --format. Only src/cli/ prints.
 */
#ifndef DOCKFIX_CLI_H
#define DOCKFIX_CLI_H

#include "dockfix/report.h"
#include "dockfix/workspace.h"

struct dfx_cli_command;
/* `--version`: the version and the data date of the base-image table (version.c). */
void dfx_print_version(void);
/* A command's help on stdout: `head`, its options from the table, `tail`. */
void dfx_cli_print_help(const struct dfx_cli_command *cmd, const char *head, const char *tail);
/* Print "dockfix CMD: message" and the --help pointer; returns 2. */
int dfx_cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* Append the comma-separated codes of `arg` (blanks trimmed) to *v. */
void dfx_cli_split_codes(const char *arg, char ***v, size_t *n);
void dfx_cli_free_codes(char **v, size_t n);
/* Whether `format` names a reporter. */
bool dfx_cli_format_ok(const char *format);
/* `path:line:col: error: message`, then the source line and a caret when known. */
void dfx_cli_print_error(const struct dfx_wsfile *f);
struct dfx_cli_opts;
/*
 * The run's configuration: `.dockfix.yaml` (--config, or found upward from
 * `start`), then --select, --ignore and --fail-on on top; a warning for a
 * code that names no rule. Returns 0, or -1 after printing why (c is then
 * released).
 */
int dfx_cli_config(struct dfx_config *c, const struct dfx_cli_opts *o, const char *start);
/* Print the diagnostics collected so far on stderr and empty the list. */
/* Today (UTC) as YYYYMMDD: the evaluation date when --as-of is not given. */
int dfx_cli_today(void);
/* Lines of text (the --write and --diff logs) on stderr, each made printable (dfx_buf_add_printable). */
void dfx_cli_print_lines(const char *text);
void dfx_cli_print_diags(struct dfx_diags *d);
/*
 * What the audit and `inspect` share after the options are parsed: the
 * combinations they refuse (--statistics needs --format text or json) and
 * the --baseline file, read into o->known. Returns 0, or the exit status 2
 * after printing why.
 */
int dfx_cli_prepare(const struct dfx_cli_command *cmd, struct dfx_cli_opts *o);
/*
 * Append the report of `fs` to `out` in o->format, or its statistics
 * (colour by o->color, a terminal and NO_COLOR); the run's files and the
 * rules its configuration turns off are taken from `ws`, the source root
 * from `start` (the first PATH, NULL for the current directory); with
 * `github`, the Markdown summary is also appended to $GITHUB_STEP_SUMMARY
 * when that is set. The findings a
 * --baseline lists are not shown (stderr says how many); --generate-baseline
 * writes the fingerprints of all of them. Returns 0; 1 when a reported
 * finding is at or above the configuration's fail-on severity; 2 after
 * printing why the baseline could not be written.
 */
int dfx_cli_report(const struct dfx_cli_opts *o, const struct dfx_findings *fs, const struct dfx_workspace *ws,
		   size_t nfiles, size_t nerrors, const char *start, struct dfx_buf *out);
/* Print `out` on stdout, or write it to o->output_file atomically (temporary file, fsync, rename).
   Returns 0, or 2 after printing the error. */
int dfx_cli_output(const struct dfx_cli_opts *o, const struct dfx_buf *out);
/* baseline.c: read a --baseline file into sorted fingerprints; -1 after printing `FILE:line:col: error:`. */
int dfx_cli_baseline_load(const char *path, char ***fps, size_t *n);
bool dfx_cli_baseline_has(char *const *fps, size_t n, const char *fp);
/* The baseline file of findings `fs` whose fingerprints are fps[i]. */
void dfx_cli_baseline_write(struct dfx_buf *b, const struct dfx_findings *fs, char *const *fps);
/* Load standard input as workspace file `name` (a target of kind `kind`):
   a read error leaves it failed with f->err set. */
struct dfx_wsfile *dfx_cli_read_stdin(struct dfx_workspace *ws, const char *name, enum dfx_kind kind);

#endif
