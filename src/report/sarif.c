/*
 * sarif.c - `--format sarif`: one SARIF 2.1.0 log (OASIS Static
 * Analysis Results Interchange Format, sarif-schema-2.1.0.json) with one
 * run: tool.driver.rules[] for every rule of the registry (with the
 * What / Why / Example / Use instead / Fix safety documentation as help,
 * the default level, GitHub's `security-severity` and `precision`, and a
 * helpUri into README "Rules"), results located by a uri relative to
 * %SRCROOT% - the git top level (location.c), declared as a file: uri in
 * originalUriBaseIds - and a region in Unicode code points, a
 * partialFingerprints hash that survives line moves, fixes[] with
 * artifactChanges/replacements built from each fix's byte-range edits, and
 * automationDetails.id naming the audited folder (code scanning's
 * category: GitHub docs, "SARIF support for code scanning").
 * README "Output formats". The presenter leaves out the edits of a fix
 * that would write a secret (DFX_EDIT_SECRET, secret or .env files, or
 * text holding a reported secret value): such a fix has no fixes[] entry,
 * and secret values never appear in the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/jsonw.h"
#include "dockfix/report.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* {"text": s} as the value of key k */
static void message(struct dfx_jsonw *w, const char *k, const char *s)
{
	dfx_jsonw_key(w, k);
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "text");
	dfx_jsonw_string(w, s);
	dfx_jsonw_close(w, '}');
}

/* ------------------------------------------------------------------ levels, tags */

static const char *level(enum dfx_severity s)
{
	return s >= DFX_SEV_HIGH ? "error" : s == DFX_SEV_MEDIUM ? "warning" : "note";
}

static const char *security_severity(enum dfx_severity s)
{
	switch (s) {
	case DFX_SEV_CRITICAL:
		return "9.0";
	case DFX_SEV_HIGH:
		return "7.0";
	case DFX_SEV_MEDIUM:
		return "5.0";
	default:
		return "3.0";
	}
}

static const char *kind_tag(enum dfx_kind k)
{
	switch (k) {
	case DFX_KIND_DOCKERFILE:
		return "dockerfile";
	case DFX_KIND_COMPOSE:
		return "docker-compose";
	case DFX_KIND_IMAGE:
		return "container-image";
	case DFX_KIND_DOCKERIGNORE:
		return "dockerignore";
	case DFX_KIND_GITIGNORE:
		return "gitignore";
	case DFX_KIND_ENVFILE:
		return "env-file";
	default:
		return NULL;
	}
}

static const char *code_lang(enum dfx_kind k)
{
	switch (k) {
	case DFX_KIND_DOCKERFILE:
		return "dockerfile";
	case DFX_KIND_COMPOSE:
		return "yaml";
	case DFX_KIND_DOCKERIGNORE:
	case DFX_KIND_GITIGNORE:
		return "gitignore";
	default:
		return "text";
	}
}

/* The CWE each rule is an instance of (GitHub shows `external/cwe/cwe-N` tags). */
static const struct {
	const char *codes;
	const char *cwe;
} cwes[] = {
	{"DF101 DF102 DF103 DF104 DC101 DC105 DC107 DH101 DH102", "798"},
	{"DC102", "1392"},
	{"DC103 DC104", "306"},
	{"DF105 DC106 DI101", "538"},
	{"DF201 DF202 DF406 DC203 DC204 DC301 DC302 DC303 DC304 DC305 DH201", "250"},
	{"DC201 DC202", "1327"},
	{"DC401 DC402", "668"},
	{"DF301 DC501", "1104"},
	{"DF302 DC503", "829"},
	{"DF403 DF404", "494"},
	{"DF405", "295"},
};

static bool listed(const char *codes, const char *code);

static const char *cwe_of(const char *code)
{
	for (size_t i = 0; i < sizeof(cwes) / sizeof(cwes[0]); i++)
		if (listed(cwes[i].codes, code))
			return cwes[i].cwe;
	return NULL;
}

/*
 * How often a finding of the rule is a true problem (SARIF `precision`,
 * which GitHub code scanning shows and sorts by): very-high where the rule
 * reads a setting that means exactly what it reports, high where it knows
 * the images or credentials from its tables, medium where names and
 * patterns are heuristics. A rule not listed is medium.
 */
static const struct {
	const char *codes;
	const char *precision;
} precisions[] = {
	{"DC201 DC202 DC203 DC204 DC301 DC302 DC303 DC304 DC305 DC306 DC401 DC502 DF202 DF203 DF303 DF402 DF403 "
	 "DF406 DF407 DH201 DX001",
	 "very-high"},
	{"DC101 DC102 DC103 DC104 DC106 DC107 DC108 DC205 DC402 DC501 DC503 DF101 DF102 DF103 DF104 DF105 DF201 "
	 "DF301 DF302 DF404 DF405 DH101 DH102 DI101 DI102 DI103",
	 "high"},
	{"DC105 DF304 DF401", "medium"},
};

static bool listed(const char *codes, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = codes; (p = strstr(p, code)) != NULL; p += n)
		if ((p == codes || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static const char *precision_of(const char *code)
{
	for (size_t i = 0; i < sizeof(precisions) / sizeof(precisions[0]); i++)
		if (listed(precisions[i].codes, code))
			return precisions[i].precision;
	return "medium";
}

/* ------------------------------------------------------------------ rules */

static void help_section(struct dfx_buf *t, struct dfx_buf *md, const char *title, const char *body,
			 const char *lang)
{
	if (!body || !*body)
		return;
	if (t->len)
		dfx_buf_adds(t, "\n\n");
	if (md->len)
		dfx_buf_adds(md, "\n\n");
	dfx_buf_addf(t, "%s\n%s", title, body);
	if (lang)
		dfx_buf_addf(md, "## %s\n\n```%s\n%s\n```", title, lang, body);
	else
		dfx_buf_addf(md, "## %s\n\n%s", title, body);
}

static void rule(struct dfx_jsonw *w, const struct dfx_rule *r)
{
	struct dfx_buf text = DFX_BUF_INIT, md = DFX_BUF_INIT, uri = DFX_BUF_INIT;
	const char *lang = code_lang(r->kind), *tag = kind_tag(r->kind), *cwe = cwe_of(r->code);

	dfx_report_rule_uri(&uri, r);

	help_section(&text, &md, "What it does", r->what, NULL);
	help_section(&text, &md, "Why is this bad", r->why, NULL);
	help_section(&text, &md, "Example", r->example, lang);
	help_section(&text, &md, "Use instead", r->instead, lang);
	help_section(&text, &md, "Fix safety", r->fix_safety, NULL);
	help_section(&text, &md, "References", r->refs, NULL);

	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "id");
	dfx_jsonw_string(w, r->code);
	dfx_jsonw_key(w, "name");
	dfx_jsonw_string(w, r->name);
	message(w, "shortDescription", r->summary ? r->summary : r->name);
	message(w, "fullDescription", r->what ? r->what : (r->summary ? r->summary : r->name));
	dfx_jsonw_key(w, "helpUri");
	dfx_jsonw_string(w, uri.ptr);
	dfx_jsonw_key(w, "help");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "text");
	dfx_jsonw_string(w, text.ptr ? text.ptr : "");
	dfx_jsonw_key(w, "markdown");
	dfx_jsonw_string(w, md.ptr ? md.ptr : "");
	dfx_jsonw_close(w, '}');
	dfx_jsonw_key(w, "defaultConfiguration");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "level");
	dfx_jsonw_string(w, level(r->severity));
	dfx_jsonw_close(w, '}');
	dfx_jsonw_key(w, "properties");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "tags");
	dfx_jsonw_open(w, '[');
	dfx_jsonw_string(w, "security");
	if (tag)
		dfx_jsonw_string(w, tag);
	if (cwe) {
		char *t = dfx_xasprintf("external/cwe/cwe-%s", cwe);
		dfx_jsonw_string(w, t);
		free(t);
	}
	dfx_jsonw_close(w, ']');
	dfx_jsonw_key(w, "security-severity");
	dfx_jsonw_string(w, security_severity(r->severity));
	dfx_jsonw_key(w, "precision");
	dfx_jsonw_string(w, precision_of(r->code));
	dfx_jsonw_key(w, "severity");
	dfx_jsonw_string(w, dfx_severity_name(r->severity));
	dfx_jsonw_key(w, "fix");
	dfx_jsonw_string(w, dfx_applicability_name(r->fix));
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, '}');
	dfx_buf_release(&text);
	dfx_buf_release(&md);
	dfx_buf_release(&uri);
}

/* The rule's index in tool.driver.rules, or -1 when it is not in the registry. */
static long rule_index(const struct dfx_rule *r)
{
	for (size_t i = 0; i < dfx_nrules; i++)
		if (dfx_rules[i] == r || strcmp(dfx_rules[i]->code, r->code) == 0)
			return (long)i;
	return -1;
}

/* ------------------------------------------------------------------ locations */

/* RFC 3986: everything but unreserved characters and '/' is percent-encoded. */
static void uri_encode(struct dfx_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~' || c == '/')
			dfx_buf_addc(b, (char)c);
		else
			dfx_buf_addf(b, "%%%02X", c);
	}
}

/* `path` as a file: uri. */
static void file_uri(struct dfx_buf *u, const char *path)
{
	char *abs = dfx_report_abspath(path);

	dfx_buf_adds(u, "file://");
	uri_encode(u, abs ? abs : path);
	free(abs);
}

/*
 * The artifactLocation of `path`: a uri relative to %SRCROOT% when the
 * file is under the source root, else an absolute file: uri.
 */
static void artifact_location(struct dfx_jsonw *w, const char *path, const char *root)
{
	char *rel = dfx_report_relpath(root, path);
	bool based = rel && strcmp(rel, ".") != 0;
	struct dfx_buf u = DFX_BUF_INIT;

	if (based)
		uri_encode(&u, rel);
	else
		file_uri(&u, path);
	dfx_jsonw_key(w, "artifactLocation");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "uri");
	dfx_jsonw_string(w, u.ptr ? u.ptr : "");
	if (based) {
		dfx_jsonw_key(w, "uriBaseId");
		dfx_jsonw_string(w, "%SRCROOT%");
	}
	dfx_jsonw_close(w, '}');
	dfx_buf_release(&u);
	free(rel);
}

static void region(struct dfx_jsonw *w, const char *name, const struct dfx_region *r)
{
	dfx_jsonw_key(w, name);
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "startLine");
	dfx_jsonw_uint(w, r->line);
	dfx_jsonw_key(w, "startColumn");
	dfx_jsonw_uint(w, r->col);
	dfx_jsonw_key(w, "endLine");
	dfx_jsonw_uint(w, r->end_line);
	dfx_jsonw_key(w, "endColumn");
	dfx_jsonw_uint(w, r->end_col);
	dfx_jsonw_close(w, '}');
}

/* ------------------------------------------------------------------ fixes */

static void replacement(struct dfx_jsonw *w, const struct dfx_presented_edit *e)
{
	dfx_jsonw_open(w, '{');
	region(w, "deletedRegion", &e->deleted);
	if (e->text[0]) {
		dfx_jsonw_key(w, "insertedContent");
		dfx_jsonw_open(w, '{');
		dfx_jsonw_key(w, "text");
		dfx_jsonw_string(w, e->text);
		dfx_jsonw_close(w, '}');
	}
	dfx_jsonw_close(w, '}');
}

/* The fix as artifactChanges, one per file, its edits in order. */
static void fix(struct dfx_jsonw *w, const struct dfx_presented *x, const char *root)
{
	bool *done = dfx_xcalloc(x->nedits, sizeof(*done));

	dfx_jsonw_open(w, '{');
	message(w, "description", x->fix);
	dfx_jsonw_key(w, "artifactChanges");
	dfx_jsonw_open(w, '[');
	for (size_t i = 0; i < x->nedits; i++) {
		if (done[i])
			continue;
		dfx_jsonw_open(w, '{');
		artifact_location(w, x->edits[i].path, root);
		dfx_jsonw_key(w, "replacements");
		dfx_jsonw_open(w, '[');
		for (size_t k = i; k < x->nedits; k++) {
			if (done[k] || strcmp(x->edits[k].path, x->edits[i].path) != 0)
				continue;
			done[k] = true;
			replacement(w, &x->edits[k]);
		}
		dfx_jsonw_close(w, ']');
		dfx_jsonw_close(w, '}');
	}
	dfx_jsonw_close(w, ']');
	dfx_jsonw_key(w, "properties");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "applicability");
	dfx_jsonw_string(w, dfx_applicability_name(x->applicability));
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, '}');
	free(done);
}

/* ------------------------------------------------------------------ results */

static void result(struct dfx_jsonw *w, const struct dfx_presented *x, const char *root)
{
	const struct dfx_finding *f = x->f;
	struct dfx_buf text = DFX_BUF_INIT;
	char fpbuf[48];
	long index = rule_index(f->rule);

	dfx_buf_adds(&text, f->message ? f->message : "");
	if (x->fix)
		dfx_buf_addf(&text, "\nFix (%s%s): %s", dfx_applicability_name(x->applicability),
			     x->applicability == DFX_FIX_UNSAFE ? ", needs --unsafe-fixes" : "", x->fix);
	if (x->hint)
		dfx_buf_addf(&text, "\nHint: %s", x->hint);

	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "ruleId");
	dfx_jsonw_string(w, f->rule->code);
	if (index >= 0) {
		dfx_jsonw_key(w, "ruleIndex");
		dfx_jsonw_uint(w, (unsigned long long)index);
	}
	dfx_jsonw_key(w, "level");
	dfx_jsonw_string(w, level(f->severity));
	message(w, "message", text.ptr ? text.ptr : "");
	dfx_jsonw_key(w, "locations");
	dfx_jsonw_open(w, '[');
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "physicalLocation");
	dfx_jsonw_open(w, '{');
	artifact_location(w, x->path, root);
	region(w, "region", &x->region);
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, ']');
	dfx_jsonw_key(w, "partialFingerprints");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "dockfix/v1");
	snprintf(fpbuf, sizeof(fpbuf), "%016llx:%zu", (unsigned long long)x->fingerprint, x->occurrence);
	dfx_jsonw_string(w, fpbuf);
	dfx_jsonw_close(w, '}');
	if (x->nedits) {
		dfx_jsonw_key(w, "fixes");
		dfx_jsonw_open(w, '[');
		fix(w, x, root);
		dfx_jsonw_close(w, ']');
	}
	dfx_jsonw_key(w, "properties");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "severity");
	dfx_jsonw_string(w, dfx_severity_name(f->severity));
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, '}');
	dfx_buf_release(&text);
}

/* Files that could not be read or parsed, as tool execution notifications. */
static void notifications(struct dfx_jsonw *w, const struct dfx_presentation *p, const char *root)
{
	if (!p->nerrors)
		return;
	dfx_jsonw_key(w, "toolExecutionNotifications");
	dfx_jsonw_open(w, '[');
	for (size_t i = 0; i < p->nerrors; i++) {
		const struct dfx_presented_error *e = &p->errors[i];

		dfx_jsonw_open(w, '{');
		dfx_jsonw_key(w, "level");
		dfx_jsonw_string(w, "error");
		message(w, "message", e->message);
		dfx_jsonw_key(w, "locations");
		dfx_jsonw_open(w, '[');
		dfx_jsonw_open(w, '{');
		dfx_jsonw_key(w, "physicalLocation");
		dfx_jsonw_open(w, '{');
		artifact_location(w, e->path, root);
		if (e->line) {
			dfx_jsonw_key(w, "region");
			dfx_jsonw_open(w, '{');
			dfx_jsonw_key(w, "startLine");
			dfx_jsonw_uint(w, e->line);
			dfx_jsonw_key(w, "startColumn");
			dfx_jsonw_uint(w, e->col ? e->col : 1);
			dfx_jsonw_close(w, '}');
		}
		dfx_jsonw_close(w, '}');
		dfx_jsonw_close(w, '}');
		dfx_jsonw_close(w, ']');
		dfx_jsonw_close(w, '}');
	}
	dfx_jsonw_close(w, ']');
}

/*
 * runAutomationDetails: "dockfix/" and the first PATH relative to the
 * source root, "/"-terminated (a category without a run id), so that
 * uploads for different folders of one repository are separate
 * categories and a run from a subfolder is the run from the root.
 */
static void automation_details(struct dfx_jsonw *w, const struct dfx_report_opts *o, const char *root)
{
	char *rel = dfx_report_relpath(root, o->start && strcmp(o->start, "-") != 0 ? o->start : ".");
	struct dfx_buf id = DFX_BUF_INIT;

	dfx_buf_adds(&id, "dockfix/");
	if (rel && strcmp(rel, ".") != 0)
		dfx_buf_addf(&id, "%s/", rel);
	dfx_jsonw_key(w, "automationDetails");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "id");
	dfx_jsonw_string(w, id.ptr);
	dfx_jsonw_close(w, '}');
	dfx_buf_release(&id);
	free(rel);
}

/* The whole log: the writer nests, so the format is one callback. */
static void sarif(struct dfx_buf *b, const struct dfx_presentation *p)
{
	const struct dfx_report_opts *o = p->o;
	struct dfx_jsonw w;
	const char *root = o->root ? o->root : ".";
	char *srcroot = dfx_report_abspath(root);

	dfx_jsonw_init(&w, b);
	dfx_jsonw_open(&w, '{');
	dfx_jsonw_key(&w, "$schema");
	dfx_jsonw_string(&w, SARIF_SCHEMA);
	dfx_jsonw_key(&w, "version");
	dfx_jsonw_string(&w, "2.1.0");
	dfx_jsonw_key(&w, "runs");
	dfx_jsonw_open(&w, '[');
	dfx_jsonw_open(&w, '{');

	dfx_jsonw_key(&w, "tool");
	dfx_jsonw_open(&w, '{');
	dfx_jsonw_key(&w, "driver");
	dfx_jsonw_open(&w, '{');
	dfx_jsonw_key(&w, "name");
	dfx_jsonw_string(&w, "dockfix");
	dfx_jsonw_key(&w, "version");
	dfx_jsonw_string(&w, DFX_VERSION);
	dfx_jsonw_key(&w, "semanticVersion");
	dfx_jsonw_string(&w, DFX_VERSION);
	dfx_jsonw_key(&w, "informationUri");
	dfx_jsonw_string(&w, DFX_HOMEPAGE);
	dfx_jsonw_key(&w, "rules");
	dfx_jsonw_open(&w, '[');
	for (size_t i = 0; i < dfx_nrules; i++)
		rule(&w, dfx_rules[i]);
	dfx_jsonw_close(&w, ']');
	dfx_jsonw_close(&w, '}');
	dfx_jsonw_close(&w, '}');

	dfx_jsonw_key(&w, "invocations");
	dfx_jsonw_open(&w, '[');
	dfx_jsonw_open(&w, '{');
	dfx_jsonw_key(&w, "executionSuccessful");
	dfx_jsonw_bool(&w, o->nerrors == 0);
	notifications(&w, p, root);
	dfx_jsonw_close(&w, '}');
	dfx_jsonw_close(&w, ']');

	automation_details(&w, o, root);
	if (srcroot) {
		struct dfx_buf u = DFX_BUF_INIT;

		dfx_buf_adds(&u, "file://");
		uri_encode(&u, srcroot);
		if (u.ptr[u.len - 1] != '/')
			dfx_buf_addc(&u, '/');
		dfx_jsonw_key(&w, "originalUriBaseIds");
		dfx_jsonw_open(&w, '{');
		dfx_jsonw_key(&w, "%SRCROOT%");
		dfx_jsonw_open(&w, '{');
		dfx_jsonw_key(&w, "uri");
		dfx_jsonw_string(&w, u.ptr);
		dfx_jsonw_close(&w, '}');
		dfx_jsonw_close(&w, '}');
		dfx_buf_release(&u);
	}
	dfx_jsonw_key(&w, "columnKind");
	dfx_jsonw_string(&w, "unicodeCodePoints");

	dfx_jsonw_key(&w, "results");
	dfx_jsonw_open(&w, '[');
	for (size_t i = 0; i < p->n; i++)
		result(&w, &p->v[i], root);
	dfx_jsonw_close(&w, ']');

	dfx_jsonw_close(&w, '}');
	dfx_jsonw_close(&w, ']');
	dfx_jsonw_close(&w, '}');
	dfx_buf_addc(b, '\n');
	free(srcroot);
}

const struct dfx_format dfx_format_sarif = {"sarif", sarif, NULL, NULL};
