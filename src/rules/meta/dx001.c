/*
 * dx001.c - DX001 unused-suppression: a `# dockfix ignore=` code (in a
 * Dockerfile or a compose file) that suppressed no finding in this run,
 * like ruff's RUF100 (unused-noqa). A meta rule: it runs after the other
 * rules of the file and reads the `used` bits the driver set on the
 * file's pragmas. Codes of rules that did not run (--select, --ignore,
 * per-file-ignores) and unknown codes (a warning of their own) are not
 * judged; hadolint and BuildKit comments belong to those tools and are
 * left alone. Safe fix: the comment, or the unused codes of its list, are
 * deleted byte-exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/rule.h"

/* Delete the whole comment: its line when it is alone on it, else the
   comment and the blanks before it. */
static void delete_comment(struct dfx_fix *fix, const char *path, const char *d, size_t len,
			   const struct dfx_pragma *pg)
{
	uint32_t ls = pg->text.start, le = pg->text.end, q = pg->text.start;
	bool alone = true;

	while (ls > 0 && d[ls - 1] != '\n')
		ls--;
	for (uint32_t k = ls; k < pg->text.start; k++)
		if (d[k] != ' ' && d[k] != '\t' && !(ls == 0 && k < 3 && (unsigned char)d[k] >= 0x80))
			alone = false;
	while (le < len && d[le] != '\n')
		le++;
	if (alone) {
		if (ls == 0 && len >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3))
			ls = 3; /* the byte-order mark stays */
		dfx_fix_edit(fix, path, ls, le < len ? le + 1 : le, "");
		return;
	}
	while (le > pg->text.end && d[le - 1] == '\r')
		le--;
	while (q > ls && (d[q - 1] == ' ' || d[q - 1] == '\t'))
		q--;
	dfx_fix_edit(fix, path, q, le, "");
}

/* Delete the unused codes of a list that keeps at least one: each with the
   separator after it, a trailing run with the separator before it. */
static void delete_codes(struct dfx_fix *fix, const char *path, const struct dfx_pragma *pg, const bool *unused)
{
	size_t n = pg->ncodes, last_kept = 0;

	for (size_t i = 0; i < n; i++)
		if (!unused[i])
			last_kept = i;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		if (!unused[i]) {
			i++;
			continue;
		}
		while (j < n && unused[j])
			j++;
		if (j < n)
			dfx_fix_edit(fix, path, pg->codes[i].start, pg->codes[j].start, "");
		else
			dfx_fix_edit(fix, path, pg->codes[last_kept].end, pg->codes[n - 1].end, "");
		i = j;
	}
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_wsfile *f = ctx->file;
	const char *d = f->cur.data;
	size_t npg;
	struct dfx_pragma *v = dfx_file_pragmas(f, &npg);

	for (size_t k = 0; k < npg; k++) {
		const struct dfx_pragma *pg = &v[k];
		struct dfx_buf list = DFX_BUF_INIT;
		struct dfx_finding *fd;
		bool *unused;
		size_t nunused = 0;

		if (pg->tool != DFX_PRAGMA_DOCKFIX || pg->error || !pg->ncodes)
			continue;
		unused = dfx_xcalloc(pg->ncodes, sizeof(*unused));
		for (size_t i = 0; i < pg->ncodes; i++) {
			const struct dfx_rule *r = dfx_pragma_rule(pg, d, i);

			if (dfx_pragma_used(pg, i) || !r || !dfx_rule_judged(ctx, r->code))
				continue;
			unused[i] = true;
			dfx_buf_addf(&list, "%s%s", nunused++ ? ", " : "", r->code);
		}
		if (nunused) {
			bool nowhere = f->kind == DFX_KIND_DOCKERFILE && !pg->global &&
				       pg->target == DFX_PRAGMA_NO_TARGET;

			fd = dfx_emit(ctx, pg->text, "unused suppression: %s suppress%s no finding here%s", list.ptr,
				      nunused == 1 ? "es" : "",
				      nowhere ? " (the comment is not directly above an instruction)" : "");
			if (fd) {
				if (nunused == pg->ncodes) {
					fd->fix = dfx_fix_new(DFX_FIX_SAFE, "remove the comment");
					delete_comment(fd->fix, f->path, d, f->cur.len, pg);
				} else {
					fd->fix = dfx_fix_new(DFX_FIX_SAFE, "remove %s from the comment", list.ptr);
					delete_codes(fd->fix, f->path, pg, unused);
				}
			}
		}
		dfx_buf_release(&list);
		free(unused);
	}
}

const struct dfx_rule dfx_rule_dx001 = {
	.code = "DX001",
	.name = "unused-suppression",
	.severity = DFX_SEV_LOW,
	.kind = DFX_KIND_UNKNOWN, /* a meta rule: every Dockerfile and compose file */
	.fix = DFX_FIX_SAFE,
	.summary = "A `# dockfix ignore=` comment suppresses no finding",
	.what = "Finds the codes of `# dockfix ignore=` and `# dockfix global ignore=` comments, in "
		"Dockerfiles and compose files, that suppressed no finding in this run: the problem was "
		"fixed, the comment is not where the finding is (a Dockerfile comment must be directly "
		"above the instruction, with no blank line between), or the code is repeated. Codes of "
		"rules that did not run (`--select`, `--ignore`, `per-file-ignores`) are not judged; "
		"unknown codes get a warning instead; `# hadolint` and `# check=` comments belong to "
		"those tools and are never reported.",
	.why = "A stale suppression hides the next real finding at that place, and tells the reader "
	       "that a risk was accepted where there is none.",
	.example = "# dockfix ignore=DF201\nUSER app",
	.instead = "USER app",
	.fix_safety = "Safe: removing a comment that suppresses nothing changes no finding and nothing "
		      "the build or the stack does. The whole comment is deleted (its line, when it is "
		      "alone on it) when every code is unused, otherwise only the unused codes and their "
		      "commas.",
	.refs = "ruff RUF100 (unused-noqa)",
	.check = check,
};
