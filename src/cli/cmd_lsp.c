/*
 * cmd_lsp.c - `dockfix lsp`: a Language Server Protocol 3.17 server on
 * standard input and output (README "Editors"). It keeps the editor's open
 * documents as overlays on a fresh workspace for every check, so findings
 * are those of the unsaved text, and publishes them as diagnostics for every
 * open Dockerfile and compose file once the editor has been quiet for a
 * moment (changes in a burst are checked once). A related file changing (a
 * .dockerignore, an .env, the Dockerfile a compose `build:` names) re-checks
 * and re-publishes every open document. Code actions carry verified fixes
 * as WorkspaceEdits (the same fix engine as --write, run on a copy); the
 * server never writes a file. Logs go to window/logMessage, never stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "dockfix/config.h"
#include "dockfix/discover.h"
#include "dockfix/driver.h"
#include "dockfix/fix.h"
#include "dockfix/json.h"
#include "dockfix/jsonw.h"
#include "dockfix/lsp.h"
#include "dockfix/report.h"
#include "dockfix/workspace.h"
#include "lsp_rpc.h"
#include "options.h"

#define QUIET_MS 15 /* a check runs when no message came for this long */

/* JSON-RPC error codes */
#define PARSE_ERROR (-32700)
#define INVALID_REQUEST (-32600)
#define METHOD_NOT_FOUND (-32601)
#define INVALID_PARAMS (-32602)
#define NOT_INITIALIZED (-32002)
#define INVALID_AFTER_SHUTDOWN (-32600)

static const char usage[] = "usage: dockfix lsp [--config FILE]\n\n"
			    "Speaks the Language Server Protocol on standard input and output.\n\noptions:\n";

static const struct dfx_cli_command command = {"dockfix lsp", DFX_CMD_LSP, 24, dfx_options_usage_error};

struct doc {
	char *uri;
	char *path;        /* absolute */
	long long version;
	char *text;
	size_t len;
	enum dfx_kind kind; /* DFX_KIND_UNKNOWN: a related file, not checked itself */
	bool published;     /* its last published diagnostics were not empty */
};

struct server {
	struct doc *docs;
	size_t ndocs, cap;
	enum dfx_lsp_encoding enc;
	bool document_changes; /* the client takes documentChanges with CreateFile */
	bool initialized, shutdown, dirty;
	const char *config;    /* --config */
	long long next_id;     /* of requests to the client */
	int out;
};

/* ---------------------------------------------------------------- output */

static void send(struct server *s, struct dfx_buf *b)
{
	if (dfx_lsp_write(s->out, b->ptr ? b->ptr : "", b->len) != 0)
		exit(1); /* the client is gone */
}

static void respond(struct server *s, const char *id, const char *result)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}", id, result);
	send(s, &b);
	dfx_buf_release(&b);
}

static void respond_error(struct server *s, const char *id, int code, const char *msg)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":%d,\"message\":", id ? id : "null", code);
	dfx_jsonw_str(&b, msg);
	dfx_buf_adds(&b, "}}");
	send(s, &b);
	dfx_buf_release(&b);
}

static void notify(struct server *s, const char *method, const char *params)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"%s\",\"params\":%s}", method, params);
	send(s, &b);
	dfx_buf_release(&b);
}

/* window/logMessage: 1 error, 2 warning, 3 info. */
static void log_message(struct server *s, int type, const char *text)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_addf(&b, "{\"type\":%d,\"message\":", type);
	dfx_jsonw_str(&b, text);
	dfx_buf_addc(&b, '}');
	notify(s, "window/logMessage", b.ptr);
	dfx_buf_release(&b);
}

static void log_diags(struct server *s, struct dfx_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct dfx_buf b = DFX_BUF_INIT;

		dfx_diag_format(&b, &d->v[i]);
		if (b.len && b.ptr[b.len - 1] == '\n')
			b.ptr[--b.len] = '\0';
		log_message(s, d->v[i].severity == DFX_DIAG_ERROR ? 1 : d->v[i].severity == DFX_DIAG_WARNING ? 2 : 3,
			    b.ptr);
		dfx_buf_release(&b);
	}
	dfx_diag_clear(d);
}

/* ---------------------------------------------------------------- documents */

static struct doc *find_doc(struct server *s, const char *uri)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (strcmp(s->docs[i].uri, uri) == 0)
			return &s->docs[i];
	return NULL;
}

/* What a document is: from the editor's language, else from its name like discovery. */
static enum dfx_kind doc_kind(const char *lang, const char *path)
{
	enum dfx_kind k = dfx_discover_kind(path);

	if (lang && strcmp(lang, "dockerfile") == 0)
		return DFX_KIND_DOCKERFILE;
	if (lang && strcmp(lang, "dockercompose") == 0)
		return DFX_KIND_COMPOSE;
	if (k == DFX_KIND_DOCKERFILE || k == DFX_KIND_COMPOSE)
		return k;
	return DFX_KIND_UNKNOWN;
}

static void set_text(struct doc *d, const struct dfx_json *text)
{
	free(d->text);
	d->len = text->len;
	d->text = dfx_xmalloc(text->len + 1);
	memcpy(d->text, text->str, text->len);
	d->text[text->len] = '\0';
}

static void drop_doc(struct server *s, struct doc *d)
{
	free(d->uri);
	free(d->path);
	free(d->text);
	*d = s->docs[--s->ndocs];
}

/* ---------------------------------------------------------------- checking */

/*
 * A workspace holding every open document's text. `only`: the one target
 * (a code action), else every open Dockerfile and compose file. Config
 * problems go to the log.
 */
static void open_workspace(struct server *s, struct dfx_workspace *ws, struct dfx_config *c, const struct doc *only)
{
	struct dfx_diags diags = {0};

	dfx_config_init(c);
	if (dfx_config_load(c, s->config, ".", &diags) != 0) {
		log_diags(s, &diags);
		dfx_config_release(c);
		dfx_config_init(c);
	}
	log_diags(s, &diags);
	dfx_diags_release(&diags);
	c->as_of = dfx_cli_today();
	dfx_ws_init(ws, c);
	for (size_t i = 0; i < s->ndocs; i++)
		dfx_ws_overlay(ws, s->docs[i].path, s->docs[i].text, s->docs[i].len);
	for (size_t i = 0; i < s->ndocs; i++) {
		const struct doc *d = &s->docs[i];

		if (d->kind == DFX_KIND_UNKNOWN || (only && d != only))
			continue;
		if (dfx_discover_kind(d->path) == d->kind)
			dfx_discover(ws, d->path);
		else
			dfx_ws_add_target(ws, d->path, d->kind);
	}
	dfx_discover_link(ws);
	dfx_check_pragmas(ws);
	log_diags(s, &ws->diags);
}

/* The workspace entry of a document (its normalised path). */
static struct dfx_wsfile *ws_doc(struct dfx_workspace *ws, const struct doc *d)
{
	return dfx_ws_file(ws, d->path);
}

static void publish(struct server *s, const struct doc *d, const struct dfx_wsfile *f, const struct dfx_findings *fs)
{
	struct dfx_buf b = DFX_BUF_INIT;
	bool first = true;

	dfx_buf_adds(&b, "{\"uri\":");
	dfx_jsonw_str(&b, d->uri);
	if (d->version >= 0)
		dfx_buf_addf(&b, ",\"version\":%lld", d->version);
	dfx_buf_adds(&b, ",\"diagnostics\":[");
	if (f && f->failed) {
		dfx_lsp_error_diagnostic(&b, &f->cur, &f->err, s->enc);
		first = false;
	}
	for (size_t i = 0; f && fs && i < fs->n; i++) {
		if (strcmp(fs->v[i].src->path, f->path) != 0)
			continue;
		if (!first)
			dfx_buf_addc(&b, ',');
		dfx_lsp_diagnostic(&b, &fs->v[i], s->enc);
		first = false;
	}
	dfx_buf_adds(&b, "]}");
	notify(s, "textDocument/publishDiagnostics", b.ptr);
	dfx_buf_release(&b);
	((struct doc *)d)->published = !first;
}

/* Check every open document and publish its diagnostics. */
static void check_all(struct server *s)
{
	struct dfx_workspace ws;
	struct dfx_config c;
	struct dfx_findings fs = {0};

	s->dirty = false;
	open_workspace(s, &ws, &c, NULL);
	dfx_check_all(&ws, &fs);
	for (size_t i = 0; i < s->ndocs; i++)
		if (s->docs[i].kind != DFX_KIND_UNKNOWN)
			publish(s, &s->docs[i], ws_doc(&ws, &s->docs[i]), &fs);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&c);
}

/* ---------------------------------------------------------------- code actions */


/*
 * Run the fix engine on a workspace of `d` alone (rule `code` only, or every
 * rule) at applicability `min`, and write the WorkspaceEdit of what changed
 * into *edit. Returns false when nothing changed or a change cannot be
 * offered (a secret, a file outside reach of the client's edit support).
 */
static bool fix_edit(struct server *s, const struct doc *d, const char *code, enum dfx_applicability min,
		     struct dfx_buf *edit)
{
	struct dfx_workspace ws;
	struct dfx_config c;
	struct dfx_fix_stats st = {0};
	bool ok = true, any = false;

	open_workspace(s, &ws, &c, d);
	if (code) {
		dfx_cli_free_codes(c.select, c.nselect);
		c.select = NULL;
		c.nselect = 0;
		dfx_cli_split_codes(code, &c.select, &c.nselect);
	}
	c.unsafe_fixes = min == DFX_FIX_UNSAFE;
	dfx_fix_run(&ws, min, &st);
	dfx_diags_release(&ws.diags);
	dfx_buf_adds(edit, s->document_changes ? "{\"documentChanges\":[" : "{\"changes\":{");
	for (size_t i = 0; i < ws.n && ok; i++) {
		struct dfx_wsfile *f = ws.files[i];
		struct dfx_buf te = DFX_BUF_INIT;
		char *path, *uri;
		const struct doc *open = NULL;

		if (!f->changed)
			continue;
		path = dfx_report_abspath(f->path);
		if (!path || dfx_report_secret_file(f->path, f->secret, f->kind) || (!f->on_disk && !s->document_changes)) {
			free(path);
			ok = false;
			break;
		}
		uri = dfx_lsp_uri(path);
		for (size_t k = 0; k < s->ndocs; k++)
			if (strcmp(s->docs[k].path, path) == 0)
				open = &s->docs[k];
		if (!dfx_lsp_text_edit(&te, &f->orig, f->cur.data, f->cur.len, s->enc)) {
			free(path);
			free(uri);
			dfx_buf_release(&te);
			continue;
		}
		if (any)
			dfx_buf_addc(edit, ',');
		any = true;
		if (s->document_changes) {
			if (!f->on_disk) {
				dfx_buf_adds(edit, "{\"kind\":\"create\",\"uri\":");
				dfx_jsonw_str(edit, uri);
				dfx_buf_adds(edit, ",\"options\":{\"ignoreIfExists\":true}},");
			}
			dfx_buf_adds(edit, "{\"textDocument\":{\"uri\":");
			dfx_jsonw_str(edit, uri);
			if (open && open->version >= 0)
				dfx_buf_addf(edit, ",\"version\":%lld}", open->version);
			else
				dfx_buf_adds(edit, ",\"version\":null}");
			dfx_buf_addf(edit, ",\"edits\":[%s]}", te.ptr);
		} else {
			dfx_jsonw_str(edit, uri);
			dfx_buf_addf(edit, ":[%s]", te.ptr);
		}
		free(path);
		free(uri);
		dfx_buf_release(&te);
	}
	dfx_buf_adds(edit, s->document_changes ? "]}" : "}}");
	dfx_fix_stats_release(&st);
	dfx_ws_release(&ws);
	dfx_config_release(&c);
	return ok && any;
}

static bool wants(const struct dfx_json *only, const char *kind)
{
	if (!only || only->type != DFX_JSON_ARRAY)
		return true;
	for (size_t i = 0; i < only->nkids; i++) {
		const char *k = dfx_json_string(&only->kids[i]);
		size_t n = k ? strlen(k) : 0;

		/* a kind asks for itself and its sub-kinds ("source" takes "source.fixAll.dockfix") */
		if (k && strncmp(kind, k, n) == 0 && (kind[n] == '\0' || kind[n] == '.'))
			return true;
	}
	return false;
}

static void code_action(struct server *s, const char *id, const struct dfx_json *params)
{
	const struct dfx_json *td = dfx_json_get(params, "textDocument"), *range = dfx_json_get(params, "range");
	const struct dfx_json *ctx = dfx_json_get(params, "context"), *only = ctx ? dfx_json_get(ctx, "only") : NULL;
	const char *uri = td ? dfx_json_string(dfx_json_get(td, "uri")) : NULL;
	struct doc *d = uri ? find_doc(s, uri) : NULL;
	struct dfx_buf out = DFX_BUF_INIT;
	const struct dfx_finding **done = NULL; /* one finding per rule and applicability offered so far */
	size_t ndone = 0, donecap = 0;
	struct dfx_workspace ws;
	struct dfx_config c;
	struct dfx_findings fs = {0};
	struct dfx_wsfile *f;
	uint32_t a = 0, b = UINT32_MAX;
	bool first = true;

	if (!d || d->kind == DFX_KIND_UNKNOWN) {
		respond(s, id, "[]");
		return;
	}
	open_workspace(s, &ws, &c, d);
	dfx_check_all(&ws, &fs);
	f = ws_doc(&ws, d);
	if (range) {
		const struct dfx_json *st = dfx_json_get(range, "start"), *en = dfx_json_get(range, "end");
		long long l, ch;

		if (st && dfx_json_int(dfx_json_get(st, "line"), &l) == 0 &&
		    dfx_json_int(dfx_json_get(st, "character"), &ch) == 0 && l >= 0 && ch >= 0)
			a = dfx_lsp_offset(&f->cur, (struct dfx_lsp_pos){(unsigned)l, (unsigned)ch}, s->enc);
		if (en && dfx_json_int(dfx_json_get(en, "line"), &l) == 0 &&
		    dfx_json_int(dfx_json_get(en, "character"), &ch) == 0 && l >= 0 && ch >= 0)
			b = dfx_lsp_offset(&f->cur, (struct dfx_lsp_pos){(unsigned)l, (unsigned)ch}, s->enc);
	}
	dfx_buf_addc(&out, '[');
	for (size_t i = 0; i < fs.n && wants(only, "quickfix"); i++) {
		const struct dfx_finding *x = &fs.v[i];
		struct dfx_buf edit = DFX_BUF_INIT;
		bool seen = false;

		if (!x->fix || strcmp(x->src->path, f->path) != 0 || x->span.start > b ||
		    (x->span.end < a && !(x->span.start == x->span.end && x->span.start == a)))
			continue;
		/* one action per rule and applicability: the engine fixes a rule's findings together */
		for (size_t k = 0; k < ndone && !seen; k++)
			seen = done[k]->rule == x->rule && done[k]->fix->applicability == x->fix->applicability;
		if (seen)
			continue;
		DFX_GROW(done, ndone + 1, donecap);
		done[ndone++] = x;
		if (!fix_edit(s, d, x->rule->code, x->fix->applicability, &edit)) {
			dfx_buf_release(&edit);
			continue;
		}
		if (!first)
			dfx_buf_addc(&out, ',');
		first = false;
		{
			struct dfx_buf title = DFX_BUF_INIT;

			dfx_buf_addf(&title, "%s%s: %s", x->fix->applicability == DFX_FIX_UNSAFE ? "(unsafe) " : "",
				     x->rule->code, x->fix->description ? x->fix->description : x->rule->summary);
			dfx_buf_adds(&out, "{\"title\":");
			dfx_jsonw_str(&out, title.ptr);
			dfx_buf_release(&title);
		}
		dfx_buf_adds(&out, ",\"kind\":\"quickfix\",\"diagnostics\":[");
		dfx_lsp_diagnostic(&out, x, s->enc);
		dfx_buf_addf(&out, "],\"isPreferred\":%s,\"edit\":%s}",
			     x->fix->applicability == DFX_FIX_SAFE ? "true" : "false", edit.ptr);
		dfx_buf_release(&edit);
	}
	if (wants(only, "source.fixAll.dockfix")) {
		struct dfx_buf edit = DFX_BUF_INIT;

		if (fix_edit(s, d, NULL, DFX_FIX_SAFE, &edit)) {
			if (!first)
				dfx_buf_addc(&out, ',');
			dfx_buf_addf(&out, "{\"title\":\"dockfix: fix all safe problems\",\"kind\":\"source.fixAll.dockfix\","
					   "\"edit\":%s}",
				     edit.ptr);
		}
		dfx_buf_release(&edit);
	}
	dfx_buf_addc(&out, ']');
	respond(s, id, out.ptr);
	dfx_buf_release(&out);
	free(done);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&c);
}

/* ---------------------------------------------------------------- hover */

static void hover(struct server *s, const char *id, const struct dfx_json *params)
{
	const struct dfx_json *td = dfx_json_get(params, "textDocument"), *pos = dfx_json_get(params, "position");
	const char *uri = td ? dfx_json_string(dfx_json_get(td, "uri")) : NULL;
	struct doc *d = uri ? find_doc(s, uri) : NULL;
	struct dfx_workspace ws;
	struct dfx_config c;
	struct dfx_findings fs = {0};
	struct dfx_buf md = DFX_BUF_INIT, out = DFX_BUF_INIT;
	struct dfx_wsfile *f;
	long long l, ch;
	uint32_t off;
	const struct dfx_finding *hit = NULL;

	if (!d || d->kind == DFX_KIND_UNKNOWN || !pos || dfx_json_int(dfx_json_get(pos, "line"), &l) != 0 ||
	    dfx_json_int(dfx_json_get(pos, "character"), &ch) != 0 || l < 0 || ch < 0) {
		respond(s, id, "null");
		return;
	}
	open_workspace(s, &ws, &c, d);
	dfx_check_all(&ws, &fs);
	f = ws_doc(&ws, d);
	off = dfx_lsp_offset(&f->cur, (struct dfx_lsp_pos){(unsigned)l, (unsigned)ch}, s->enc);
	for (size_t i = 0; i < fs.n; i++) {
		const struct dfx_finding *x = &fs.v[i];

		if (strcmp(x->src->path, f->path) == 0 && x->span.start <= off &&
		    (off < x->span.end || off == x->span.start)) {
			if (md.len)
				dfx_buf_adds(&md, "\n\n---\n\n");
			dfx_lsp_rule_markdown(&md, x->rule);
			if (!hit)
				hit = x;
		}
	}
	if (!hit) {
		respond(s, id, "null");
	} else {
		dfx_buf_adds(&out, "{\"contents\":{\"kind\":\"markdown\",\"value\":");
		dfx_jsonw_str(&out, md.ptr);
		dfx_buf_adds(&out, "},\"range\":");
		dfx_lsp_range(&out, hit->src, hit->span.start, hit->span.end, s->enc);
		dfx_buf_addc(&out, '}');
		respond(s, id, out.ptr);
	}
	dfx_buf_release(&md);
	dfx_buf_release(&out);
	dfx_findings_release(&fs);
	dfx_ws_release(&ws);
	dfx_config_release(&c);
}

/* ---------------------------------------------------------------- lifecycle */

static void initialize(struct server *s, const char *id, const struct dfx_json *params)
{
	const struct dfx_json *caps = params ? dfx_json_get(params, "capabilities") : NULL;
	const struct dfx_json *gen = caps ? dfx_json_get(caps, "general") : NULL;
	const struct dfx_json *encs = gen ? dfx_json_get(gen, "positionEncodings") : NULL;
	const struct dfx_json *wsc = caps ? dfx_json_get(caps, "workspace") : NULL;
	const struct dfx_json *we = wsc ? dfx_json_get(wsc, "workspaceEdit") : NULL;
	const struct dfx_json *dc = we ? dfx_json_get(we, "documentChanges") : NULL;
	const struct dfx_json *ro = we ? dfx_json_get(we, "resourceOperations") : NULL;
	const struct dfx_json *root = params ? dfx_json_get(params, "rootUri") : NULL;
	const char *root_uri = root ? dfx_json_string(root) : NULL;
	struct dfx_buf b = DFX_BUF_INIT;

	s->enc = DFX_LSP_UTF16;
	for (size_t i = 0; encs && encs->type == DFX_JSON_ARRAY && i < encs->nkids; i++) {
		const char *e = dfx_json_string(&encs->kids[i]);

		if (e && strcmp(e, "utf-8") == 0)
			s->enc = DFX_LSP_UTF8;
	}
	s->document_changes = dc && dc->type == DFX_JSON_TRUE;
	if (s->document_changes && ro && ro->type == DFX_JSON_ARRAY) {
		bool create = false;

		for (size_t i = 0; i < ro->nkids; i++)
			create |= dfx_json_string(&ro->kids[i]) && strcmp(dfx_json_string(&ro->kids[i]), "create") == 0;
		s->document_changes = create;
	} else if (s->document_changes) {
		s->document_changes = false;
	}
	if (root_uri) {
		char *p = dfx_lsp_uri_path(root_uri);

		if (p && chdir(p) != 0)
			log_message(s, 2, "cannot enter the workspace folder");
		free(p);
	}
	s->initialized = true;
	dfx_buf_addf(&b,
		     "{\"capabilities\":{\"positionEncoding\":\"%s\","
		     "\"textDocumentSync\":{\"openClose\":true,\"change\":1,\"save\":{\"includeText\":false}},"
		     "\"codeActionProvider\":{\"codeActionKinds\":[\"quickfix\",\"source.fixAll.dockfix\"]},"
		     "\"hoverProvider\":true,"
		     "\"executeCommandProvider\":{\"commands\":[\"dockfix.fixAll\"]}},"
		     "\"serverInfo\":{\"name\":\"dockfix\",\"version\":\"%s\"}}",
		     s->enc == DFX_LSP_UTF8 ? "utf-8" : "utf-16", DFX_VERSION);
	respond(s, id, b.ptr);
	dfx_buf_release(&b);
}

/* workspace/executeCommand dockfix.fixAll [uri]: asks the client to apply the safe fixes. */
static void execute_command(struct server *s, const char *id, const struct dfx_json *params)
{
	const char *cmd = params ? dfx_json_string(dfx_json_get(params, "command")) : NULL;
	const struct dfx_json *args = params ? dfx_json_get(params, "arguments") : NULL;
	const char *uri = args && args->type == DFX_JSON_ARRAY && args->nkids ? dfx_json_string(&args->kids[0]) : NULL;
	struct doc *d = uri ? find_doc(s, uri) : NULL;
	struct dfx_buf edit = DFX_BUF_INIT, b = DFX_BUF_INIT;

	if (!cmd || strcmp(cmd, "dockfix.fixAll") != 0) {
		respond_error(s, id, INVALID_PARAMS, "unknown command");
		return;
	}
	if (!d) {
		respond_error(s, id, INVALID_PARAMS, "dockfix.fixAll takes the URI of an open document");
		return;
	}
	if (fix_edit(s, d, NULL, DFX_FIX_SAFE, &edit)) {
		dfx_buf_addf(&b,
			     "{\"jsonrpc\":\"2.0\",\"id\":\"dockfix-%lld\",\"method\":\"workspace/applyEdit\","
			     "\"params\":{\"label\":\"dockfix: fix all safe problems\",\"edit\":%s}}",
			     ++s->next_id, edit.ptr);
		send(s, &b);
	}
	respond(s, id, "null");
	dfx_buf_release(&edit);
	dfx_buf_release(&b);
}

static void did_open(struct server *s, const struct dfx_json *params)
{
	const struct dfx_json *td = dfx_json_get(params, "textDocument"), *text;
	const char *uri = td ? dfx_json_string(dfx_json_get(td, "uri")) : NULL;
	const char *lang = td ? dfx_json_string(dfx_json_get(td, "languageId")) : NULL;
	char *path = uri ? dfx_lsp_uri_path(uri) : NULL;
	struct doc *d;
	long long v = -1;

	text = td ? dfx_json_get(td, "text") : NULL;
	if (!path || !text || text->type != DFX_JSON_STRING) {
		free(path);
		log_message(s, 2, "didOpen without a file URI and text: ignored");
		return;
	}
	d = find_doc(s, uri);
	if (!d) {
		DFX_GROW(s->docs, s->ndocs + 1, s->cap);
		d = &s->docs[s->ndocs++];
		memset(d, 0, sizeof(*d));
		d->uri = dfx_xstrdup(uri);
		d->path = path;
	} else {
		free(path);
	}
	dfx_json_int(dfx_json_get(td, "version"), &v);
	d->version = v;
	d->kind = doc_kind(lang, d->path);
	set_text(d, text);
	s->dirty = true;
}

static void did_change(struct server *s, const struct dfx_json *params)
{
	const struct dfx_json *td = dfx_json_get(params, "textDocument");
	const struct dfx_json *ch = dfx_json_get(params, "contentChanges");
	const char *uri = td ? dfx_json_string(dfx_json_get(td, "uri")) : NULL;
	struct doc *d = uri ? find_doc(s, uri) : NULL;
	long long v;

	if (!d || !ch || ch->type != DFX_JSON_ARRAY || !ch->nkids) {
		log_message(s, 2, "didChange for a document that is not open, or without changes: ignored");
		return;
	}
	/* full synchronisation: the last change holds the whole text */
	{
		const struct dfx_json *last = &ch->kids[ch->nkids - 1], *text = dfx_json_get(last, "text");

		if (!text || text->type != DFX_JSON_STRING || dfx_json_get(last, "range")) {
			log_message(s, 1, "didChange: only full-text changes are supported");
			return;
		}
		set_text(d, text);
	}
	if (dfx_json_int(dfx_json_get(td, "version"), &v) == 0)
		d->version = v;
	s->dirty = true;
}

static void did_close(struct server *s, const struct dfx_json *params)
{
	const struct dfx_json *td = dfx_json_get(params, "textDocument");
	const char *uri = td ? dfx_json_string(dfx_json_get(td, "uri")) : NULL;
	struct doc *d = uri ? find_doc(s, uri) : NULL;
	struct dfx_buf b = DFX_BUF_INIT;

	if (!d)
		return;
	if (d->kind != DFX_KIND_UNKNOWN) {
		dfx_buf_adds(&b, "{\"uri\":");
		dfx_jsonw_str(&b, d->uri);
		dfx_buf_adds(&b, ",\"diagnostics\":[]}");
		notify(s, "textDocument/publishDiagnostics", b.ptr);
		dfx_buf_release(&b);
	}
	drop_doc(s, d);
	s->dirty = true; /* the file on disk stands in for it again */
}

/* ---------------------------------------------------------------- dispatch */

/* Handles one message; returns the exit status once `exit` came, else -1. */
static int handle(struct server *s, const char *body, size_t len)
{
	struct dfx_json_error jerr;
	struct dfx_json_doc *doc = dfx_json_parse(body, len, 0, &jerr);
	const struct dfx_json *msg, *idv, *params;
	const char *method;
	char *id = NULL;
	int rc = -1;

	if (!doc) {
		respond_error(s, NULL, PARSE_ERROR, "the message is not JSON");
		return -1;
	}
	msg = doc->root;
	idv = msg->type == DFX_JSON_OBJECT ? dfx_json_get(msg, "id") : NULL;
	if (idv && (idv->type == DFX_JSON_NUMBER || idv->type == DFX_JSON_STRING))
		id = dfx_xstrndup(body + idv->span.start, idv->span.end - idv->span.start);
	method = msg->type == DFX_JSON_OBJECT ? dfx_json_string(dfx_json_get(msg, "method")) : NULL;
	params = msg->type == DFX_JSON_OBJECT ? dfx_json_get(msg, "params") : NULL;
	if (!method) {
		/* a response to our workspace/applyEdit, or garbage */
		if (!(msg->type == DFX_JSON_OBJECT && (dfx_json_get(msg, "result") || dfx_json_get(msg, "error"))))
			respond_error(s, id, INVALID_REQUEST, "not a JSON-RPC request");
		goto out;
	}
	if (strcmp(method, "exit") == 0) {
		rc = s->shutdown ? 0 : 1;
		goto out;
	}
	if (!s->initialized && strcmp(method, "initialize") != 0) {
		if (id)
			respond_error(s, id, NOT_INITIALIZED, "the server is not initialized");
		goto out;
	}
	if (s->shutdown && id) {
		respond_error(s, id, INVALID_AFTER_SHUTDOWN, "the server is shutting down");
		goto out;
	}
	if (id) {
		if (strcmp(method, "initialize") == 0)
			initialize(s, id, params);
		else if (strcmp(method, "shutdown") == 0) {
			s->shutdown = true;
			respond(s, id, "null");
		} else if (!params || params->type != DFX_JSON_OBJECT)
			respond_error(s, id, INVALID_PARAMS, "params must be an object");
		else if (strcmp(method, "textDocument/codeAction") == 0)
			code_action(s, id, params);
		else if (strcmp(method, "textDocument/hover") == 0)
			hover(s, id, params);
		else if (strcmp(method, "workspace/executeCommand") == 0)
			execute_command(s, id, params);
		else
			respond_error(s, id, METHOD_NOT_FOUND, "method not supported");
		goto out;
	}
	if (!params || params->type != DFX_JSON_OBJECT)
		goto out; /* notifications get no answer; `initialized` has no params to speak of */
	if (strcmp(method, "textDocument/didOpen") == 0)
		did_open(s, params);
	else if (strcmp(method, "textDocument/didChange") == 0)
		did_change(s, params);
	else if (strcmp(method, "textDocument/didSave") == 0)
		s->dirty = true;
	else if (strcmp(method, "textDocument/didClose") == 0)
		did_close(s, params);
	else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0 ||
		 strcmp(method, "workspace/didChangeConfiguration") == 0)
		s->dirty = true;
out:
	free(id);
	dfx_json_free(doc);
	return rc;
}

int dfx_cmd_lsp(int argc, char **argv)
{
	struct dfx_cli_opts o = {0};
	struct server s = {0};
	struct dfx_lsp_reader rd;
	struct dfx_buf body = DFX_BUF_INIT;
	int first = 1, rc = dfx_options_parse(&command, argc, argv, &o, &first), status = 1;

	if (rc == DFX_OPT_HELP) {
		dfx_cli_print_help(&command, usage, "");
		dfx_options_release(&o);
		return 0;
	}
	if (rc) {
		dfx_options_release(&o);
		return rc;
	}
	if (first < argc) {
		dfx_options_release(&o);
		return dfx_cli_usage_error(command.name, "unexpected argument '%s'", argv[first]);
	}
	s.config = o.config;
	s.out = 1;
	dfx_lsp_reader_init(&rd, 0);
	for (;;) {
		char err[128];
		int r = dfx_lsp_read(&rd, s.dirty ? QUIET_MS : -1, &body, err, sizeof(err));

		if (r == DFX_LSP_TIMEOUT) {
			check_all(&s);
			continue;
		}
		if (r == DFX_LSP_EOF)
			break;
		if (r == DFX_LSP_BAD) {
			log_message(&s, 1, err);
			respond_error(&s, NULL, PARSE_ERROR, err);
			continue;
		}
		if ((rc = handle(&s, body.ptr, body.len)) >= 0) {
			status = rc;
			break;
		}
	}
	while (s.ndocs)
		drop_doc(&s, &s.docs[0]);
	free(s.docs);
	dfx_buf_release(&body);
	dfx_lsp_reader_release(&rd);
	dfx_options_release(&o);
	return status;
}
