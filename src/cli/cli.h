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
void dfx_cli_print_diags(struct dfx_diags *d);
/*
 * Print the report of `fs` on stdout in o->format (colour by o->color, a
 * terminal and NO_COLOR); the run's files and the rules its configuration
 * turns off are taken from `ws`, the source root from `start` (the first
 * PATH, NULL for the current directory). With `github`, also appends the
 * Markdown summary to $GITHUB_STEP_SUMMARY when that is set. Returns
 * whether a finding is at or above the configuration's fail-on severity.
 */
bool dfx_cli_report(const struct dfx_cli_opts *o, const struct dfx_findings *fs, const struct dfx_workspace *ws,
		    size_t nfiles, size_t nerrors, const char *start);
/* Load standard input as workspace file `name` (a target of kind `kind`):
   a read error leaves it failed with f->err set. */
struct dfx_wsfile *dfx_cli_read_stdin(struct dfx_workspace *ws, const char *name, enum dfx_kind kind);

#endif
