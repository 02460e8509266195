/*
 * report.h - reporters, one per output format (cmark's one file per
 * renderer over a shared model). Reporters never parse and never decide;
 * they print the sorted findings they are given.
 */
#ifndef DOCKFIX_REPORT_H
#define DOCKFIX_REPORT_H

#include <stdio.h>

#include "dockfix/workspace.h"

struct dfx_report_opts {
	bool color;               /* ANSI colour (text only) */
	bool quiet;               /* -q: no source lines, no summary */
	bool unsafe_fixes;        /* --unsafe-fixes was given */
	size_t nfiles;            /* files scanned */
	size_t nerrors;           /* files that failed to read or parse */
	struct dfx_workspace *ws; /* the run (checklist reporter reads it) */
	const char *root;         /* scan root for SARIF uris ("." ...) */
};

void dfx_report_text(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o);
void dfx_report_json(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o);
void dfx_report_sarif(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o);
void dfx_report_github(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o);
void dfx_report_checklist(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o);

/* Counts of findings by severity (index enum dfx_severity) and fixability. */
struct dfx_summary {
	size_t by_sev[5];
	size_t total, fixable_safe, fixable_unsafe;
};
void dfx_summarize(const struct dfx_findings *fs, struct dfx_summary *s);

#endif
