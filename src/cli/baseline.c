/*
 * baseline.c - `--baseline FILE` and `--generate-baseline FILE` (README
 * "Baseline"): a versioned JSON file listing the fingerprints of accepted
 * findings, so that a project adopting dockfix sees only the findings it
 * adds. A fingerprint is the SARIF partialFingerprints value of the
 * presenter (rule, file, the finding's line text with secret values
 * masked, the occurrence of that hash): it survives lines moving.
 *
 *   {
 *     "version": 1,
 *     "tool": "dockfix",
 *     "findings": [
 *       {"fingerprint": "0f3c...:1", "code": "DF201", "file": "Dockerfile", "message": "..."}
 *     ]
 *   }
 *
 * Only "version" (1) and each entry's "fingerprint" are read; the other
 * members are for people reviewing the file. Anything else malformed is a
 * `FILE:line:col: error:`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dockfix/json.h"
#include "dockfix/jsonw.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "%016x:N" with N a positive decimal. */
static bool fingerprint_ok(const char *s, size_t len)
{
	size_t i;

	if (len < 18 || strlen(s) != len)
		return false;
	for (i = 0; i < 16; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	if (s[16] != ':' || s[17] < '1' || s[17] > '9')
		return false;
	for (i = 18; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return len <= 17 + 19;
}

static int fail_at(const struct dfx_source *src, uint32_t off, const char *what)
{
	unsigned line, col;

	dfx_source_linecol(src, off, &line, &col);
	fprintf(stderr, "%s:%u:%u: error: %s\n", src->path, line, col, what);
	return -1;
}

int dfx_cli_baseline_load(const char *path, char ***out, size_t *n)
{
	struct dfx_source src;
	struct dfx_error err = {0};
	struct dfx_json_error jerr = {0};
	struct dfx_json_doc *doc;
	const struct dfx_json *root, *ver, *list;
	long long v;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (dfx_source_load(&src, path, &err) != 0) {
		fprintf(stderr, "%s:1:1: error: %s\n", path, err.message ? err.message : "cannot read the baseline");
		dfx_error_release(&err);
		return -1;
	}
	doc = dfx_json_parse(src.data, src.len, 0, &jerr);
	if (!doc) {
		fprintf(stderr, "%s:%u:%u: error: not a baseline: %s\n", path, jerr.line ? jerr.line : 1,
			jerr.col ? jerr.col : 1, jerr.msg);
		dfx_source_release(&src);
		return -1;
	}
	root = doc->root;
	if (root->type != DFX_JSON_OBJECT) {
		rc = fail_at(&src, root->span.start, "not a baseline: want an object with \"version\" and \"findings\"");
		goto out;
	}
	ver = dfx_json_get(root, "version");
	if (!ver) {
		rc = fail_at(&src, root->span.start, "not a baseline: no \"version\"");
		goto out;
	}
	if (dfx_json_int(ver, &v) != 0 || v != 1) {
		rc = fail_at(&src, ver->span.start, "unsupported baseline version (this dockfix reads version 1)");
		goto out;
	}
	list = dfx_json_get(root, "findings");
	if (!list || list->type != DFX_JSON_ARRAY) {
		rc = fail_at(&src, list ? list->span.start : root->span.start,
			     "not a baseline: \"findings\" must be an array");
		goto out;
	}
	*out = dfx_xcalloc(list->nkids + 1, sizeof(**out));
	for (size_t i = 0; i < list->nkids; i++) {
		const struct dfx_json *e = &list->kids[i], *fp = NULL;

		if (e->type == DFX_JSON_OBJECT)
			fp = dfx_json_get(e, "fingerprint");
		if (e->type != DFX_JSON_OBJECT || !fp) {
			rc = fail_at(&src, e->span.start, "a baseline entry must be an object with a \"fingerprint\"");
			goto out;
		}
		if (fp->type != DFX_JSON_STRING || !fingerprint_ok(fp->str, fp->len)) {
			rc = fail_at(&src, fp->span.start, "bad fingerprint (want 16 hex digits, ':' and a count, "
							   "as --generate-baseline writes)");
			goto out;
		}
		(*out)[(*n)++] = dfx_xstrdup(fp->str);
	}
	dfx_qsort(*out, *n, sizeof(**out), cmp_str);
out:
	if (rc != 0) {
		dfx_cli_free_codes(*out, *n);
		*out = NULL;
		*n = 0;
	}
	dfx_json_free(doc);
	dfx_source_release(&src);
	return rc;
}

bool dfx_cli_baseline_has(char *const *fps, size_t n, const char *fp)
{
	return n && bsearch(&fp, fps, n, sizeof(*fps), cmp_str) != NULL;
}

struct entry {
	const struct dfx_finding *f;
	const char *fp;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(dfx_present_display_path(x->f->src->path), dfx_present_display_path(y->f->src->path));

	if (!c)
		c = strcmp(x->f->rule->code, y->f->rule->code);
	return c ? c : strcmp(x->fp, y->fp);
}

void dfx_cli_baseline_write(struct dfx_buf *b, const struct dfx_findings *fs, char *const *fps)
{
	struct dfx_jsonw w;
	struct entry *v = dfx_xcalloc(fs->n + 1, sizeof(*v));

	for (size_t i = 0; i < fs->n; i++)
		v[i] = (struct entry){&fs->v[i], fps[i]};
	/* by file, rule and fingerprint: moving lines does not reorder the file */
	dfx_qsort(v, fs->n, sizeof(*v), cmp_entry);
	dfx_jsonw_init(&w, b);
	dfx_jsonw_open(&w, '{');
	dfx_jsonw_key(&w, "version");
	dfx_jsonw_uint(&w, 1);
	dfx_jsonw_key(&w, "tool");
	dfx_jsonw_string(&w, "dockfix");
	dfx_jsonw_key(&w, "findings");
	dfx_jsonw_open(&w, '[');
	for (size_t i = 0; i < fs->n; i++) {
		dfx_jsonw_open(&w, '{');
		dfx_jsonw_key(&w, "fingerprint");
		dfx_jsonw_string(&w, v[i].fp);
		dfx_jsonw_key(&w, "code");
		dfx_jsonw_string(&w, v[i].f->rule->code);
		dfx_jsonw_key(&w, "file");
		dfx_jsonw_string(&w, dfx_present_display_path(v[i].f->src->path));
		dfx_jsonw_key(&w, "message");
		dfx_jsonw_string(&w, v[i].f->message);
		dfx_jsonw_close(&w, '}');
	}
	dfx_jsonw_close(&w, ']');
	dfx_jsonw_close(&w, '}');
	dfx_buf_addc(b, '\n');
	free(v);
}
