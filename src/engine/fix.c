/*
 * fix.c - the fix engine (see fix.h). ruff's loop: apply the fixes of one
 * pass that do not overlap, re-parse, re-check, repeat. A fix whose result
 * does not re-parse, or changes YAML paths it did not declare, is dropped
 * and reported; it is never written.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"
#include "dockfix/dockerfile.h"
#include "dockfix/driver.h"
#include "dockfix/fix.h"
#include "dockfix/yamltree.h"

void dfx_fix_stats_release(struct dfx_fix_stats *st)
{
	memset(st, 0, sizeof(*st));
}

char *dfx_fix_splice(const char *data, size_t len, const struct dfx_edit *const *edits, size_t n,
		     size_t *outlen)
{
	const struct dfx_edit **v = dfx_xmalloc((n ? n : 1) * sizeof(*v));
	struct dfx_buf out = DFX_BUF_INIT;
	size_t pos = 0;

	memcpy(v, edits, n * sizeof(*v));
	/* stable ascending order: inserts at one point keep the given order */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1]->start > v[j]->start; j--) {
			const struct dfx_edit *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		size_t s = v[i]->start < len ? v[i]->start : len;
		size_t e = v[i]->end < len ? v[i]->end : len;

		if (s < pos)
			s = pos;
		if (e < s)
			e = s;
		dfx_buf_add(&out, data + pos, s - pos);
		dfx_buf_adds(&out, v[i]->text);
		pos = e;
	}
	dfx_buf_add(&out, data + pos, len - pos);
	free(v);
	*outlen = out.len;
	return dfx_buf_detach(&out);
}

/* Two edits on the same file conflict when their ranges touch in a way that
   makes the order ambiguous: overlapping ranges, inserts at one point, or an
   insert at an end of a replaced range. Conflicting fixes wait a pass. */
static bool edits_conflict(const struct dfx_edit *a, const struct dfx_edit *b)
{
	if (strcmp(a->path, b->path) != 0)
		return false;
	if (a->start == a->end && b->start == b->end)
		return a->start == b->start;
	/* an insert at either end of a replaced range: which goes first is ambiguous */
	if (a->start == a->end)
		return a->start >= b->start && a->start <= b->end;
	if (b->start == b->end)
		return b->start >= a->start && b->start <= a->end;
	return a->start < b->end && b->start < a->end;
}

struct pending {
	struct dfx_fix *fix;
	const struct dfx_finding *finding; /* valid only before the pass applies */
};

/* Apply the edits of `fixes` to the files they touch; returns bytes per file
   in `out` (one entry per touched path, in order of first touch). */
struct touched {
	struct dfx_wsfile *file;
	const struct dfx_edit **edits;
	size_t n, cap;
	char *data;
	size_t len;
};

static struct touched *touch(struct touched **v, size_t *n, size_t *cap, struct dfx_wsfile *f)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].file == f)
			return &(*v)[i];
	DFX_GROW(*v, *n + 1, *cap);
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].file = f;
	return &(*v)[(*n)++];
}

static void touched_free(struct touched *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].edits);
		free(v[i].data);
	}
	free(v);
}

/* Verify the new bytes of one file. Returns 0 or -1 with why filled. */
static int verify_file(struct dfx_wsfile *f, const char *data, size_t len, struct dfx_fix *const *fixes,
		       size_t nfixes, struct dfx_buf *why)
{
	struct dfx_source s;
	struct dfx_error err = {0};
	int rc = 0;

	if (f->kind != DFX_KIND_DOCKERFILE && f->kind != DFX_KIND_COMPOSE)
		return 0;
	if (!f->target)
		return 0;
	dfx_source_init_copy(&s, f->path, data, len);
	if (f->kind == DFX_KIND_DOCKERFILE) {
		struct dfx_dockerfile *df = dfx_dockerfile_parse(&s, &err);
		if (!df) {
			dfx_buf_addf(why, "the result does not parse: %u:%u: %s", err.line, err.col,
				     err.message ? err.message : "");
			rc = -1;
		}
		dfx_dockerfile_free(df);
	} else {
		char **paths = NULL;
		size_t np = 0, cap = 0;

		for (size_t i = 0; i < nfixes; i++)
			for (size_t j = 0; j < fixes[i]->npaths; j++) {
				DFX_GROW(paths, np + 1, cap);
				paths[np++] = fixes[i]->paths[j];
			}
		struct dfx_compose *c = dfx_compose_parse(&s, &err);
		if (!c) {
			dfx_buf_addf(why, "the result does not parse: %u:%u: %s", err.line, err.col,
				     err.message ? err.message : "");
			rc = -1;
		} else if (dfx_yaml_verify(f->cur.data, f->cur.len, data, len, paths, np, why) != 0) {
			rc = -1;
		}
		dfx_compose_free(c);
		free(paths);
	}
	dfx_error_release(&err);
	dfx_source_release(&s);
	return rc;
}

/* Build the new bytes of every file touched by `fixes`; verify if asked. */
static int build(struct dfx_workspace *ws, struct dfx_fix *const *fixes, size_t n, bool verify,
		 struct touched **tv, size_t *tn, struct dfx_buf *why)
{
	size_t cap = 0;

	*tv = NULL;
	*tn = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < fixes[i]->nedits; j++) {
			struct dfx_edit *e = &fixes[i]->edits[j];
			struct touched *t = touch(tv, tn, &cap, dfx_ws_file(ws, e->path));

			DFX_GROW(t->edits, t->n + 1, t->cap);
			t->edits[t->n++] = e;
		}
	for (size_t i = 0; i < *tn; i++) {
		struct touched *t = &(*tv)[i];

		t->data = dfx_fix_splice(t->file->cur.data, t->file->cur.len, t->edits, t->n, &t->len);
		if (verify && verify_file(t->file, t->data, t->len, fixes, n, why) != 0)
			return -1;
	}
	return 0;
}

static void commit(struct touched *tv, size_t tn, struct dfx_fix *const *fixes, size_t n)
{
	for (size_t i = 0; i < tn; i++) {
		struct dfx_wsfile *f = tv[i].file;

		for (size_t k = 0; k < n; k++)
			for (size_t j = 0; j < fixes[k]->nedits; j++) {
				const struct dfx_edit *e = &fixes[k]->edits[j];
				if (strcmp(e->path, f->path) != 0)
					continue;
				/* a file that receives a secret is never shown, created or not */
				if (e->flags & DFX_EDIT_SECRET)
					f->secret = true;
				if (e->mode && !f->on_disk)
					f->mode = e->mode;
			}
		if (!f->on_disk && !f->mode)
			f->mode = f->secret ? 0600 : 0644;
		dfx_ws_set(f, tv[i].data, tv[i].len);
		f->touched = true;
		tv[i].data = NULL;
	}
}

/*
 * Which targets the next pass must check again: those with a fix this pass
 * (applied or waiting), and those whose own bytes or the files their rules
 * read were changed by the previous pass. A target with neither can gain
 * no new fix, so a pass costs what changed, not the whole workspace.
 */
static void mark_rechecks(struct dfx_workspace *ws, const struct dfx_findings *fs, enum dfx_applicability min)
{
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];
		bool again = f->touched;

		for (size_t d = 0; d < f->ndeps && !again; d++)
			again = f->deps[d]->touched;
		f->recheck = again;
	}
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *fd = &fs->v[i];

		if (!fd->fix || fd->fix->applicability < min)
			continue;
		for (size_t k = 0; k < ws->n; k++)
			if (&ws->files[k]->cur == fd->src)
				ws->files[k]->recheck = true;
	}
	for (size_t i = 0; i < ws->n; i++)
		ws->files[i]->touched = false;
}

static char *fix_key(const struct dfx_finding *fd)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_addf(&b, "%s|%s|%u|%s", fd->rule->code, fd->src->path, fd->span.start, fd->fix->description);
	return dfx_buf_detach(&b);
}

void dfx_fix_run(struct dfx_workspace *ws, enum dfx_applicability min, struct dfx_fix_stats *st)
{
	char **failed = NULL;
	size_t nfailed = 0, fcap = 0;

	for (st->passes = 0; st->passes < DFX_FIX_MAX_PASSES; st->passes++) {
		struct dfx_findings fs = {0};
		struct dfx_fix **chosen = NULL;
		size_t nchosen = 0, ccap = 0;

		dfx_check_all(ws, &fs);
		ws->incremental = true;
		mark_rechecks(ws, &fs, min);
		for (size_t i = 0; i < fs.n; i++) {
			struct dfx_finding *fd = &fs.v[i];
			struct dfx_buf why = DFX_BUF_INIT;
			struct touched *tv;
			size_t tn;
			bool skip = false;
			char *key;

			if (!fd->fix || fd->fix->applicability < min || !fd->fix->nedits)
				continue;
			key = fix_key(fd);
			for (size_t k = 0; k < nfailed && !skip; k++)
				skip = strcmp(failed[k], key) == 0;
			/* overlapping with a fix already chosen this pass: next pass */
			for (size_t k = 0; k < nchosen && !skip; k++)
				for (size_t a = 0; a < chosen[k]->nedits && !skip; a++)
					for (size_t b = 0; b < fd->fix->nedits && !skip; b++)
						skip = edits_conflict(&chosen[k]->edits[a], &fd->fix->edits[b]);
			if (skip) {
				free(key);
				continue;
			}
			if (build(ws, &fd->fix, 1, true, &tv, &tn, &why) != 0) {
				unsigned line, col;

				dfx_source_linecol(fd->src, fd->span.start, &line, &col);
				dfx_diag_add(&ws->diags, DFX_DIAG_NOTE, fd->src->path, line, col, "%s fix dropped: %s",
					     fd->rule->code, why.ptr ? why.ptr : "verification failed");
				st->dropped++;
				DFX_GROW(failed, nfailed + 1, fcap);
				failed[nfailed++] = key;
			} else {
				free(key);
				DFX_GROW(chosen, nchosen + 1, ccap);
				chosen[nchosen++] = fd->fix;
				fd->fix = NULL; /* owned by chosen now */
			}
			touched_free(tv, tn);
			dfx_buf_release(&why);
		}
		dfx_findings_release(&fs);
		if (!nchosen) {
			free(chosen);
			break;
		}
		/* all together; if the combination fails, only the first this pass */
		{
			struct touched *tv;
			size_t tn, use = nchosen;
			struct dfx_buf why = DFX_BUF_INIT;

			if (build(ws, chosen, use, true, &tv, &tn, &why) != 0) {
				touched_free(tv, tn);
				use = 1;
				build(ws, chosen, use, false, &tv, &tn, &why);
			}
			commit(tv, tn, chosen, use);
			st->applied += use;
			touched_free(tv, tn);
			dfx_buf_release(&why);
		}
		for (size_t k = 0; k < nchosen; k++)
			dfx_fix_free(chosen[k]);
		free(chosen);
	}
	ws->incremental = false;
	for (size_t k = 0; k < nfailed; k++)
		free(failed[k]);
	free(failed);
}
