/*
 * gitlab.c - `--format gitlab`: a GitLab Code Quality report (GitLab docs,
 * "Code Quality", "Code Quality report format": a JSON array of issues,
 * each with description, check_name, fingerprint, severity and
 * location.path / location.lines.begin; the subset of the Code Climate
 * engine spec GitLab reads, with that spec's type and categories too).
 * README "Output formats". GitLab shows the issues in merge requests by
 * comparing their fingerprints between the source and target branches:
 * the fingerprint is the presenter's (rule, file from the source root,
 * line text with secret values masked, and the occurrence), the one SARIF
 * puts in partialFingerprints, so it survives line moves. Paths are
 * relative to the source root (location.c), as GitLab wants them; severity
 * maps critical -> critical, high -> major, medium -> minor, low -> info.
 * A file that could not be checked is a `major` issue with check_name
 * `dockfix-error`. One issue a line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dockfix/jsonw.h"
#include "dockfix/report.h"

static const char *severity(enum dfx_severity s)
{
	switch (s) {
	case DFX_SEV_CRITICAL:
		return "critical";
	case DFX_SEV_HIGH:
		return "major";
	case DFX_SEV_MEDIUM:
		return "minor";
	default:
		return "info";
	}
}

/* The file relative to the source root when under it. Caller frees. */
static char *gitlab_path(const struct dfx_presentation *p, const char *path, const char *display)
{
	char *rel = dfx_report_relpath(p->o->root, path);

	return rel ? rel : dfx_xstrdup(display);
}

static void issue(struct dfx_buf *b, bool first, const char *check, const char *description, const char *fp,
		  const char *sev, const char *path, unsigned begin, unsigned end)
{
	dfx_buf_adds(b, first ? "\n" : ",\n");
	dfx_buf_adds(b, "{\"type\":\"issue\",\"check_name\":");
	dfx_jsonw_str(b, check);
	dfx_buf_adds(b, ",\"description\":");
	dfx_jsonw_str(b, description);
	dfx_buf_adds(b, ",\"categories\":[\"Security\"],\"fingerprint\":");
	dfx_jsonw_str(b, fp);
	dfx_buf_adds(b, ",\"severity\":");
	dfx_jsonw_str(b, sev);
	dfx_buf_adds(b, ",\"location\":{\"path\":");
	dfx_jsonw_str(b, path);
	dfx_buf_addf(b, ",\"lines\":{\"begin\":%u,\"end\":%u}}}", begin, end >= begin ? end : begin);
}

static void gitlab(struct dfx_buf *b, const struct dfx_presentation *p)
{
	bool first = true;

	dfx_buf_addc(b, '[');
	for (size_t i = 0; i < p->nerrors; i++) {
		const struct dfx_presented_error *e = &p->errors[i];
		char *path = gitlab_path(p, e->path, e->display), *fp, *d;
		unsigned line = e->line ? e->line : 1;

		fp = dfx_xasprintf("dockfix-error:%s", path);
		d = dfx_xasprintf("dockfix: the file could not be checked: %s", e->message);
		issue(b, first, "dockfix-error", d, fp, "major", path, line, line);
		first = false;
		free(fp);
		free(d);
		free(path);
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct dfx_presented *x = &p->v[i];
		const struct dfx_finding *f = x->f;
		char *path = gitlab_path(p, x->path, x->display), *d;
		char fp[48];

		snprintf(fp, sizeof(fp), "%016llx:%zu", (unsigned long long)x->fingerprint, x->occurrence);
		d = dfx_xasprintf("%s %s: %s", f->rule->code, f->rule->name, f->message ? f->message : "");
		issue(b, first, f->rule->code, d, fp, severity(f->severity), path, x->annotation.line,
		      x->annotation.end_line);
		first = false;
		free(d);
		free(path);
	}
	dfx_buf_adds(b, first ? "]\n" : "\n]\n");
}

const struct dfx_format dfx_format_gitlab = {"gitlab", gitlab, NULL, NULL};
