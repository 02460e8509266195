/*
 * report_sarif.c - `--format sarif`: one SARIF 2.1.0 log (OASIS Static
 * Analysis Results Interchange Format, sarif-schema-2.1.0.json) with one
 * run: tool.driver.rules[] for every rule of the registry (with the
 * What / Why / Example / Use instead / Fix safety documentation as help,
 * the default level and GitHub's `security-severity`), results located by
 * a uri relative to %SRCROOT% and a region in Unicode code points, a
 * partialFingerprints hash that survives line moves, and fixes[] with
 * artifactChanges/replacements built from each fix's byte-range edits.
 * SPEC §4. Fixes that would write a secret (DFX_EDIT_SECRET, secret or .env
 * files, or text holding a reported secret value) are left out whole:
 * secret values never appear in the log.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dockfix/jsonw.h"
#include "dockfix/report.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_INFO_URI "https://github.com/dockfix/dockfix"

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
	{"DF302", "829"},
	{"DF403 DF404", "494"},
	{"DF405", "295"},
};

static const char *cwe_of(const char *code)
{
	size_t n = strlen(code);

	for (size_t i = 0; i < sizeof(cwes) / sizeof(cwes[0]); i++) {
		const char *p = cwes[i].codes;

		while ((p = strstr(p, code)) != NULL) {
			if ((p == cwes[i].codes || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
				return cwes[i].cwe;
			p += n;
		}
	}
	return NULL;
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
	struct dfx_buf text = DFX_BUF_INIT, md = DFX_BUF_INIT;
	const char *lang = code_lang(r->kind), *tag = kind_tag(r->kind), *cwe = cwe_of(r->code);

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
	dfx_jsonw_key(w, "severity");
	dfx_jsonw_string(w, dfx_severity_name(r->severity));
	dfx_jsonw_key(w, "fix");
	dfx_jsonw_string(w, dfx_applicability_name(r->fix));
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, '}');
	dfx_buf_release(&text);
	dfx_buf_release(&md);
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

static const char *strip_dot(const char *p)
{
	while (p[0] == '.' && p[1] == '/') {
		p += 2;
		while (*p == '/')
			p++;
	}
	return p;
}

/* The scan root without "./" and trailing '/'; "" for the current directory. Caller frees. */
static char *root_of(const struct dfx_report_opts *o)
{
	const char *r = strip_dot(o->root ? o->root : ".");
	size_t n = strlen(r);

	while (n > 1 && r[n - 1] == '/')
		n--;
	if (n == 1 && r[0] == '.')
		n = 0;
	return dfx_xstrndup(r, n);
}

static char *cwd_path(void)
{
	size_t cap = 256;

	for (;;) {
		char *buf = dfx_xmalloc(cap);

		if (getcwd(buf, cap))
			return buf;
		free(buf);
		if (cap > 65536)
			return NULL;
		cap *= 2;
	}
}

/* Absolute path of `p` (relative to the working directory). Caller frees. */
static char *absolute(const char *p)
{
	char *cwd, *j, *c;

	if (p[0] == '/')
		return dfx_path_clean(p);
	cwd = cwd_path();
	if (!cwd)
		return NULL;
	j = dfx_xasprintf("%s/%s", cwd, p);
	c = dfx_path_clean(j);
	free(j);
	free(cwd);
	return c;
}

/*
 * The artifactLocation of `path`: a uri relative to %SRCROOT% when the
 * file is under the scan root, else an absolute file: uri.
 */
static void artifact_location(struct dfx_jsonw *w, const char *path, const char *root)
{
	const char *p = strip_dot(path);
	size_t rl = strlen(root);
	struct dfx_buf u = DFX_BUF_INIT;
	bool based = false;

	if (!rl) {
		based = p[0] != '/' && strncmp(p, "../", 3) != 0 && strcmp(p, "..") != 0;
	} else if (strncmp(p, root, rl) == 0 && p[rl] == '/') {
		p = strip_dot(p + rl + 1);
		based = p[0] != '/';
	}
	if (based) {
		uri_encode(&u, p);
	} else {
		char *abs = absolute(p);

		dfx_buf_adds(&u, "file://");
		uri_encode(&u, abs ? abs : p);
		free(abs);
	}
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
}

/*
 * 1-based line and column (in Unicode code points) of byte `off`. The
 * position just after a final newline is the start of the next line.
 */
static void position(const struct dfx_source *s, uint32_t off, unsigned *line, unsigned *col)
{
	unsigned l, c;
	uint32_t ls;

	if (off > s->len)
		off = (uint32_t)s->len;
	if (s->len && off == s->len && s->data[s->len - 1] == '\n') {
		*line = (unsigned)s->nlines + 1;
		*col = 1;
		return;
	}
	dfx_source_linecol(s, off, &l, &c);
	ls = off - (c - 1);
	*line = l;
	*col = 1;
	for (uint32_t i = ls; i < off; i++)
		if (((unsigned char)s->data[i] & 0xC0) != 0x80)
			(*col)++;
}

static void region(struct dfx_jsonw *w, const char *name, const struct dfx_source *s, uint32_t start, uint32_t end)
{
	unsigned l, c, el, ec;

	position(s, start, &l, &c);
	position(s, end, &el, &ec);
	dfx_jsonw_key(w, name);
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "startLine");
	dfx_jsonw_uint(w, l);
	dfx_jsonw_key(w, "startColumn");
	dfx_jsonw_uint(w, c);
	dfx_jsonw_key(w, "endLine");
	dfx_jsonw_uint(w, el);
	dfx_jsonw_key(w, "endColumn");
	dfx_jsonw_uint(w, ec);
	dfx_jsonw_close(w, '}');
}

/* A finding's region: its span without a trailing line break; an empty span covers one character. */
static void result_region(struct dfx_jsonw *w, const struct dfx_finding *f)
{
	const struct dfx_source *s = f->src;
	uint32_t a = f->span.start, b = f->span.end;

	if (a > s->len)
		a = (uint32_t)s->len;
	if (b > s->len || b < a)
		b = a;
	while (b > a && (s->data[b - 1] == '\n' || s->data[b - 1] == '\r'))
		b--;
	if (b == a && a < s->len && s->data[a] != '\n' && s->data[a] != '\r') {
		b++;
		while (b < s->len && ((unsigned char)s->data[b] & 0xC0) == 0x80)
			b++;
	}
	region(w, "region", s, a, b);
}

/* ------------------------------------------------------------------ fingerprints */

struct secret_ref {
	const struct dfx_source *src;
	struct dfx_span span;
};

struct secrets {
	struct secret_ref *v;
	size_t n, cap;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static const struct dfx_span *secret_at(const struct secrets *sec, const struct dfx_source *src, uint32_t off)
{
	for (size_t i = 0; i < sec->n; i++)
		if (sec->v[i].src == src && off >= sec->v[i].span.start && off < sec->v[i].span.end)
			return &sec->v[i].span;
	return NULL;
}

/*
 * Hash of the rule, the file and the trimmed text of the finding's first
 * line, with secret values replaced by a marker: stable when lines move.
 */
static uint64_t fingerprint(const struct dfx_finding *f, const char *path, const struct secrets *sec)
{
	const struct dfx_source *s = f->src;
	uint64_t h = 14695981039346656037ull;
	unsigned line, col;
	struct dfx_span ln = {0, 0};

	h = fnv(h, f->rule->code, strlen(f->rule->code) + 1);
	h = fnv(h, path, strlen(path) + 1);
	if (s->len) {
		dfx_source_linecol(s, f->span.start < s->len ? f->span.start : (uint32_t)s->len, &line, &col);
		ln = dfx_source_line(s, line);
	}
	while (ln.start < ln.end && (s->data[ln.start] == ' ' || s->data[ln.start] == '\t'))
		ln.start++;
	while (ln.end > ln.start && (s->data[ln.end - 1] == ' ' || s->data[ln.end - 1] == '\t' ||
				     s->data[ln.end - 1] == '\r'))
		ln.end--;
	for (uint32_t i = ln.start; i < ln.end;) {
		const struct dfx_span *sp = secret_at(sec, s, i);

		if (sp) {
			h = fnv(h, "\x01secret\x01", 8);
			i = sp->end;
			continue;
		}
		h = fnv(h, s->data + i, 1);
		i++;
	}
	return h;
}

/* ------------------------------------------------------------------ fixes */

static bool contains(const char *hay, size_t hn, const char *needle, size_t nn)
{
	if (!nn || nn > hn)
		return false;
	for (size_t i = 0; i + nn <= hn; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nn) == 0)
			return true;
	return false;
}

static const struct dfx_wsfile *ws_lookup(const struct dfx_workspace *ws, const char *path)
{
	char *clean;
	const struct dfx_wsfile *hit = NULL;

	if (!ws)
		return NULL;
	clean = dfx_path_clean(path);
	for (size_t i = 0; i < ws->n && !hit; i++)
		if (strcmp(ws->files[i]->path, clean) == 0)
			hit = ws->files[i];
	free(clean);
	return hit;
}

/* Whether an edit would put a secret value into the log. */
static bool secret_edit(const struct dfx_edit *e, const struct dfx_wsfile *wf, const struct secrets *sec)
{
	const char *base = strrchr(e->path, '/');
	size_t tn = strlen(e->text);

	base = base ? base + 1 : e->path;
	if ((e->flags & DFX_EDIT_SECRET) || strncmp(base, ".env", 4) == 0)
		return true;
	if (wf && (wf->secret || wf->kind == DFX_KIND_ENVFILE))
		return true;
	for (size_t i = 0; i < sec->n; i++) {
		const struct dfx_span *sp = &sec->v[i].span;

		if (contains(e->text, tn, sec->v[i].src->data + sp->start, sp->end - sp->start))
			return true;
	}
	return false;
}

static bool fix_shown(const struct dfx_fix *fx, const struct dfx_report_opts *o, const struct secrets *sec)
{
	if (!fx->nedits)
		return false;
	for (size_t i = 0; i < fx->nedits; i++)
		if (secret_edit(&fx->edits[i], ws_lookup(o->ws, fx->edits[i].path), sec))
			return false;
	return true;
}

static void replacement(struct dfx_jsonw *w, const struct dfx_edit *e, const struct dfx_wsfile *wf)
{
	dfx_jsonw_open(w, '{');
	if (wf && (wf->on_disk || wf->changed) && e->start <= e->end && e->end <= wf->cur.len) {
		region(w, "deletedRegion", &wf->cur, e->start, e->end);
	} else {
		/* a file the fix creates: insert at its start */
		dfx_jsonw_key(w, "deletedRegion");
		dfx_jsonw_open(w, '{');
		dfx_jsonw_key(w, "startLine");
		dfx_jsonw_uint(w, 1);
		dfx_jsonw_key(w, "startColumn");
		dfx_jsonw_uint(w, 1);
		dfx_jsonw_key(w, "endLine");
		dfx_jsonw_uint(w, 1);
		dfx_jsonw_key(w, "endColumn");
		dfx_jsonw_uint(w, 1);
		dfx_jsonw_close(w, '}');
	}
	if (e->text && e->text[0]) {
		dfx_jsonw_key(w, "insertedContent");
		dfx_jsonw_open(w, '{');
		dfx_jsonw_key(w, "text");
		dfx_jsonw_string(w, e->text);
		dfx_jsonw_close(w, '}');
	}
	dfx_jsonw_close(w, '}');
}

static void fix(struct dfx_jsonw *w, const struct dfx_fix *fx, const struct dfx_report_opts *o, const char *root)
{
	bool *done = dfx_xcalloc(fx->nedits, sizeof(*done));

	dfx_jsonw_open(w, '{');
	message(w, "description", fx->description ? fx->description : "");
	dfx_jsonw_key(w, "artifactChanges");
	dfx_jsonw_open(w, '[');
	for (size_t i = 0; i < fx->nedits; i++) {
		const struct dfx_wsfile *wf;

		if (done[i])
			continue;
		wf = ws_lookup(o->ws, fx->edits[i].path);
		dfx_jsonw_open(w, '{');
		artifact_location(w, fx->edits[i].path, root);
		dfx_jsonw_key(w, "replacements");
		dfx_jsonw_open(w, '[');
		for (size_t k = i; k < fx->nedits; k++) {
			const struct dfx_edit *e = &fx->edits[k];

			if (done[k] || strcmp(e->path, fx->edits[i].path) != 0)
				continue;
			done[k] = true;
			replacement(w, e, wf);
		}
		dfx_jsonw_close(w, ']');
		dfx_jsonw_close(w, '}');
	}
	dfx_jsonw_close(w, ']');
	dfx_jsonw_key(w, "properties");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "applicability");
	dfx_jsonw_string(w, dfx_applicability_name(fx->applicability));
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, '}');
	free(done);
}

/* ------------------------------------------------------------------ results */

static void result(struct dfx_jsonw *w, const struct dfx_finding *f, const struct dfx_report_opts *o, const char *root,
		   const struct secrets *sec, uint64_t fp, size_t occurrence)
{
	struct dfx_buf text = DFX_BUF_INIT;
	char fpbuf[48];

	dfx_buf_adds(&text, f->message ? f->message : "");
	if (f->fix)
		dfx_buf_addf(&text, "\nFix (%s%s): %s", dfx_applicability_name(f->fix->applicability),
			     f->fix->applicability == DFX_FIX_UNSAFE ? ", needs --unsafe-fixes" : "",
			     f->fix->description ? f->fix->description : "");
	if (f->hint)
		dfx_buf_addf(&text, "\nHint: %s", f->hint);

	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "ruleId");
	dfx_jsonw_string(w, f->rule->code);
	if (rule_index(f->rule) >= 0) {
		dfx_jsonw_key(w, "ruleIndex");
		dfx_jsonw_uint(w, (unsigned long long)rule_index(f->rule));
	}
	dfx_jsonw_key(w, "level");
	dfx_jsonw_string(w, level(f->severity));
	message(w, "message", text.ptr ? text.ptr : "");
	dfx_jsonw_key(w, "locations");
	dfx_jsonw_open(w, '[');
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "physicalLocation");
	dfx_jsonw_open(w, '{');
	artifact_location(w, f->src->path, root);
	result_region(w, f);
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, '}');
	dfx_jsonw_close(w, ']');
	dfx_jsonw_key(w, "partialFingerprints");
	dfx_jsonw_open(w, '{');
	dfx_jsonw_key(w, "dockfix/v1");
	snprintf(fpbuf, sizeof(fpbuf), "%016llx:%zu", (unsigned long long)fp, occurrence);
	dfx_jsonw_string(w, fpbuf);
	dfx_jsonw_close(w, '}');
	if (f->fix && fix_shown(f->fix, o, sec)) {
		dfx_jsonw_key(w, "fixes");
		dfx_jsonw_open(w, '[');
		fix(w, f->fix, o, root);
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
static void notifications(struct dfx_jsonw *w, const struct dfx_report_opts *o, const char *root)
{
	const struct dfx_workspace *ws = o->ws;
	size_t n = 0;

	for (size_t i = 0; ws && i < ws->n; i++)
		if (ws->files[i]->target && ws->files[i]->failed)
			n++;
	if (!n)
		return;
	dfx_jsonw_key(w, "toolExecutionNotifications");
	dfx_jsonw_open(w, '[');
	for (size_t i = 0; ws && i < ws->n; i++) {
		const struct dfx_wsfile *f = ws->files[i];

		if (!f->target || !f->failed)
			continue;
		dfx_jsonw_open(w, '{');
		dfx_jsonw_key(w, "level");
		dfx_jsonw_string(w, "error");
		message(w, "message", f->err.message ? f->err.message : "cannot be checked");
		dfx_jsonw_key(w, "locations");
		dfx_jsonw_open(w, '[');
		dfx_jsonw_open(w, '{');
		dfx_jsonw_key(w, "physicalLocation");
		dfx_jsonw_open(w, '{');
		artifact_location(w, f->path, root);
		if (f->err.line) {
			dfx_jsonw_key(w, "region");
			dfx_jsonw_open(w, '{');
			dfx_jsonw_key(w, "startLine");
			dfx_jsonw_uint(w, f->err.line);
			dfx_jsonw_key(w, "startColumn");
			dfx_jsonw_uint(w, f->err.col ? f->err.col : 1);
			dfx_jsonw_close(w, '}');
		}
		dfx_jsonw_close(w, '}');
		dfx_jsonw_close(w, '}');
		dfx_jsonw_close(w, ']');
		dfx_jsonw_close(w, '}');
	}
	dfx_jsonw_close(w, ']');
}

void dfx_report_sarif(FILE *out, const struct dfx_findings *fs, const struct dfx_report_opts *o)
{
	struct dfx_buf b = DFX_BUF_INIT;
	struct dfx_jsonw w;
	struct secrets sec = {NULL, 0, 0};
	uint64_t *fps = dfx_xcalloc(fs->n ? fs->n : 1, sizeof(*fps));
	char *root = root_of(o);
	char *srcroot = absolute(root[0] ? root : ".");

	dfx_jsonw_init(&w, &b);

	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];

		if (f->secret.end > f->secret.start && f->secret.end <= f->src->len) {
			DFX_GROW(sec.v, sec.n + 1, sec.cap);
			sec.v[sec.n].src = f->src;
			sec.v[sec.n].span = f->secret;
			sec.n++;
		}
	}

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
	dfx_jsonw_string(&w, SARIF_INFO_URI);
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
	notifications(&w, o, root);
	dfx_jsonw_close(&w, '}');
	dfx_jsonw_close(&w, ']');

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
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];
		const char *p = strip_dot(f->src->path);
		size_t occurrence = 0;

		fps[i] = fingerprint(f, p, &sec);
		for (size_t k = 0; k < i; k++)
			if (fps[k] == fps[i])
				occurrence++;
		result(&w, f, o, root, &sec, fps[i], occurrence + 1);
	}
	dfx_jsonw_close(&w, ']');

	dfx_jsonw_close(&w, '}');
	dfx_jsonw_close(&w, ']');
	dfx_jsonw_close(&w, '}');
	dfx_buf_addc(&b, '\n');
	fwrite(b.ptr, 1, b.len, out);
	dfx_buf_release(&b);
	free(sec.v);
	free(fps);
	free(root);
	free(srcroot);
}
