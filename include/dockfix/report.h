/*
 * report.h - the report layer: one presenter and one file per output
 * format (cmark's renderer model: a shared driver, a format is a few
 * callbacks). The presenter computes every presented finding once - the
 * path to show, positions, the source line with secret values redacted,
 * the fix and hint, the edits a fix may show, the summary counts - and the
 * formats only lay that out. The layer depends on findings and base alone:
 * what it needs to know about the run (its files, the rules turned off)
 * comes as plain data in struct dfx_report_opts. Output goes into a
 * struct dfx_buf; the commands print it. Formats are documented in README
 * "Output formats".
 */
#ifndef DOCKFIX_REPORT_H
#define DOCKFIX_REPORT_H

#include "dockfix/core.h"

/* A file of the run as the reporters need to know it. */
struct dfx_report_file {
	const char *path;             /* as the run records it */
	enum dfx_kind kind;
	bool target;                  /* checked by the rules */
	bool failed;                  /* could not be read or parsed: err says why */
	const struct dfx_error *err;
	bool secret;                  /* a generated secret: its contents are never shown */
	const struct dfx_source *cur; /* its current bytes, NULL when it does not exist */
};

struct dfx_report_opts {
	bool color;               /* ANSI colour (text, checklist) */
	bool quiet;               /* -q: no source lines, no summary */
	bool unsafe_fixes;        /* --unsafe-fixes was given */
	size_t nfiles;            /* files scanned */
	size_t nerrors;           /* files that failed to read or parse */
	const char *root;         /* the source root SARIF, GitHub and GitLab name files from
	                             (dfx_report_srcroot; relative: to the current directory;
	                             NULL: the current directory) */
	const char *start;        /* the first PATH given, or NULL (SARIF automationDetails.id) */
	const struct dfx_report_file *files; /* every file of the run */
	size_t nrun_files;
	const char *const *disabled; /* rule codes turned off (--select, --ignore, config) */
	size_t ndisabled;
	const bool *hidden;       /* per finding, or NULL: hidden by a baseline (not shown, not
	                             counted; its secret value is still redacted where shown) */
};

/* Counts of findings by severity (index enum dfx_severity) and fixability. */
struct dfx_summary {
	size_t by_sev[5];
	size_t total, fixable_safe, fixable_unsafe;
};

/* A line/column range; `end_col` is exclusive. */
struct dfx_region {
	unsigned line, col, end_line, end_col;
};

/* One edit of a fix, located for display. */
struct dfx_presented_edit {
	const char *path;           /* the file it changes */
	struct dfx_region deleted;  /* in code points; 1:1-1:1 in a file the fix creates */
	const char *text;           /* inserted text ("" for a deletion) */
	bool creates;               /* the fix creates the file */
};

struct dfx_presented {
	const struct dfx_finding *f; /* rule, severity, message */
	const char *path;            /* the file, as recorded */
	const char *display;         /* the file without leading "./" */
	struct dfx_region pos;       /* 1-based byte columns: the span's start and end */
	struct dfx_region region;    /* code points, without a trailing line break; an empty
	                                span covers one character (SARIF) */
	struct dfx_region annotation;/* code points, at least one column wide (GitHub) */
	unsigned source_line;        /* the line shown, 0 when none (empty file) */
	char *source;                /* that line, secret values redacted, control characters \xNN */
	char *caret;                 /* the underline of the span below it */
	const char *fix;             /* the fix's description, or NULL */
	enum dfx_applicability applicability;
	bool needs_unsafe;           /* an unsafe fix and --unsafe-fixes was not given */
	const char *hint;            /* or NULL */
	struct dfx_presented_edit *edits; /* the fix's edits, none when showing them would
	                                     reveal a secret value */
	size_t nedits;
	uint64_t fingerprint;        /* rule, file and line text (secrets masked): survives line moves */
	size_t occurrence;           /* 1 + earlier findings with the same fingerprint */
};

/* A file that could not be checked. */
struct dfx_presented_error {
	const char *path, *display;
	unsigned line, col;          /* 0 when unknown */
	const char *message;
};

struct dfx_presentation {
	const struct dfx_report_opts *o;
	struct dfx_presented *v;     /* in the order of the findings (sorted) */
	size_t n;
	struct dfx_presented_error *errors;
	size_t nerrors;
	struct dfx_summary sum;
	unsigned kinds;              /* bit (1u << kind) for each kind of file checked */
};

/* Whether the run turned rule `code` off. */
bool dfx_present_disabled(const struct dfx_presentation *p, const char *code);
/* `path` without leading "./" (and the slashes after it). */
const char *dfx_present_display_path(const char *path);

/* An output format: callbacks the driver calls in order (any may be NULL). */
struct dfx_format {
	const char *name;
	void (*begin)(struct dfx_buf *out, const struct dfx_presentation *p);
	void (*finding)(struct dfx_buf *out, const struct dfx_presentation *p, const struct dfx_presented *x);
	void (*end)(struct dfx_buf *out, const struct dfx_presentation *p);
};

extern const struct dfx_format dfx_format_text;      /* text.c */
extern const struct dfx_format dfx_format_json;      /* json.c */
extern const struct dfx_format dfx_format_sarif;     /* sarif.c */
extern const struct dfx_format dfx_format_github;    /* github.c */
extern const struct dfx_format dfx_format_checklist; /* checklist.c */
extern const struct dfx_format dfx_format_gitlab;    /* gitlab.c */
/* The Markdown job summary that goes with `github` ($GITHUB_STEP_SUMMARY); not a --format. */
extern const struct dfx_format dfx_format_github_summary; /* github.c */

/* ------------------------------------------------------------------ location.c */

/*
 * The source root of a run whose first PATH is `path` (NULL or "-": the
 * current directory): the nearest folder at or above it that holds a
 * `.git` entry, not climbing into a folder that GIT_CEILING_DIRECTORIES
 * lists; else `path` itself (its folder when it is a file). Absolute and
 * clean, or NULL when the current directory is unknown. Caller frees.
 */
char *dfx_report_srcroot(const char *path);
/* `path` relative to folder `root` (both relative to the current directory
   unless absolute): "." for root itself, NULL when outside it. Caller frees. */
char *dfx_report_relpath(const char *root, const char *path);
/* `path` made absolute from the current directory and cleaned, or NULL. Caller frees. */
char *dfx_report_abspath(const char *path);
/* --statistics: findings per rule instead of the findings (statistics.c; not --format values) */
extern const struct dfx_format dfx_format_statistics_text;
extern const struct dfx_format dfx_format_statistics_json;

/* The format called `name`, or NULL. */
const struct dfx_format *dfx_format_find(const char *name);
/* Present the findings and run `fmt` over them, appending to `out`. */
void dfx_report(struct dfx_buf *out, const struct dfx_format *fmt, const struct dfx_findings *fs,
		const struct dfx_report_opts *o);
/*
 * The fingerprint of every finding of `fs` (o->hidden is ignored), as SARIF's
 * partialFingerprints shows it: "%016x:N", the hash of rule, file and line
 * text with secret values masked, and N the occurrence of that hash.
 * out[i] is malloc'd.
 */
/* The project's home page; a rule's documentation is its row of the README
   rule table there, anchored by the lower-case code (`#df201`). */
#define DFX_HOMEPAGE "https://github.com/dockfix/dockfix"
void dfx_report_rule_uri(struct dfx_buf *b, const struct dfx_rule *r);
/* Whether a file holds secret values: a created secret, an env file, a `.env*` name (never shown). */
bool dfx_report_secret_file(const char *path, bool secret, enum dfx_kind kind);
void dfx_report_fingerprints(const struct dfx_findings *fs, const struct dfx_report_opts *o, char **out);

#endif
