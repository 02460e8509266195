/*
 * options.h - every command-line option of every command, declared once as
 * data (git's parse-options model: a table of options, one parser, help
 * generated from the table). An option names the commands that accept it;
 * the parser follows getopt_long(3)'s conventions: `--name value`,
 * `--name=value`, unique prefixes of long names, clustered short options
 * (`-qj4`), `--` ends the options, and options may follow operands.
 */
#ifndef DOCKFIX_CLI_OPTIONS_H
#define DOCKFIX_CLI_OPTIONS_H

#include "dockfix/core.h"

/* The commands, as bits of struct dfx_option's `commands`. */
enum {
	DFX_CMD_CHECK = 1u << 0,   /* dockfix [--diff|--write] */
	DFX_CMD_INSPECT = 1u << 1, /* dockfix inspect */
	DFX_CMD_RULES = 1u << 2,   /* dockfix rules */
	DFX_CMD_EXPLAIN = 1u << 3, /* dockfix explain */
	DFX_CMD_INIT = 1u << 4,    /* dockfix init */
	DFX_CMD_LSP = 1u << 5,     /* dockfix lsp */
};

enum dfx_cli_mode { DFX_MODE_CHECK, DFX_MODE_DIFF, DFX_MODE_WRITE };

/* The values of every option (each command reads the ones it accepts). */
struct dfx_cli_opts {
	enum dfx_cli_mode mode;  /* --diff, --write */
	bool unsafe;             /* --unsafe-fixes */
	const char *format;      /* --format */
	const char *fail_on;     /* --fail-on */
	char **select, **ignore; /* --select, --ignore (split at commas) */
	size_t nselect, nignore;
	const char *config;      /* --config */
	const char *stdin_name;  /* --stdin-filename */
	int as_of;               /* --as-of as YYYYMMDD, 0 when not given */
	const char *eol_data;    /* --eol-data */
	const char *color;       /* --color */
	int jobs;                /* -j */
	bool quiet;              /* -q */
	bool statistics;         /* --statistics: findings per rule instead of the findings */
	bool show_fixes;         /* --show-fixes: the fixes, per file and rule */
	bool exit_zero;          /* --exit-zero: findings do not make the exit status 1 */
	const char *output_file; /* --output-file: the report goes there (atomically) */
	const char *baseline;    /* --baseline: hide the findings it lists */
	const char *generate_baseline; /* --generate-baseline: write the findings' fingerprints */
	char **known;            /* the fingerprints the --baseline file lists, sorted (cli.h) */
	size_t nknown;
	const char *db, *dir, *port; /* init: --db, --dir, --port */
	bool force;              /* init: --force */
};

struct dfx_cli_command {
	const char *name; /* "dockfix", "dockfix inspect", ... (error messages) */
	unsigned bit;     /* DFX_CMD_* */
	int help_width;   /* width of the option column in the help (the text starts 2 further) */
	/* Report a usage error (`fmt` has one %s for `arg`); returns the exit status, 2. */
	int (*usage_error)(const struct dfx_cli_command *cmd, const char *fmt, const char *arg);
};

struct dfx_option {
	const char *name;     /* long name, without "--" */
	char short_name;      /* or 0 */
	const char *arg;      /* the value's name in the help; NULL for a flag */
	unsigned commands;    /* DFX_CMD_* that accept it */
	const char *help;     /* lines after the first start with '\n' */
	/* Store the option (value NULL for a flag): 0, or an exit status
	   (after a usage error) or DFX_OPT_HELP / DFX_OPT_VERSION. */
	int (*set)(struct dfx_cli_opts *o, const struct dfx_cli_command *cmd, const char *value);
};

#define DFX_OPT_HELP (-1)    /* -h: print the help, exit 0 */
#define DFX_OPT_VERSION (-2) /* --version */

/*
 * Parse argv[1..argc) for `cmd`. Operands are moved behind the options
 * (their order kept) and *first is the index of the first. Returns 0,
 * DFX_OPT_HELP, DFX_OPT_VERSION, or the exit status of a usage error
 * (already reported). Option values point into argv.
 */
int dfx_options_parse(const struct dfx_cli_command *cmd, int argc, char **argv, struct dfx_cli_opts *o, int *first);
void dfx_options_release(struct dfx_cli_opts *o);
/* The options list of `cmd`'s help: "  --name ARG   help" lines. */
void dfx_options_help(struct dfx_buf *b, const struct dfx_cli_command *cmd);
/* "dockfix CMD: message" and the --help pointer on stderr; returns 2. */
int dfx_options_usage_error(const struct dfx_cli_command *cmd, const char *fmt, const char *arg);

#endif
