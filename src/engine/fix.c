/*
 * fix.c - the fix engine (see fix.h). ruff's loop: apply the fixes of one
 * pass that do not overlap, re-parse, re-check, repeat. A fix whose result
 * does not re-parse, or changes YAML paths it did not declare, is dropped
 * and reported; it is never written. A fix group (core.h: struct dfx_fix
 * group) is chosen, verified and applied as one, or not at all.
 *
 * References: the project's README "Fixes"; ruff's fix loop and its fix
 * isolation (docs.astral.sh/ruff, "Fixes").
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"
#include "dockfix/dockerfile.h"
#include "dockfix/driver.h"
#include "dockfix/fix.h"
#include "dockfix/yamltree.h"

static void applied_release(struct dfx_fix_applied *a)
{
	free(a->path);
	free(a->description);
	for (size_t i = 0; i < a->nfiles; i++)
		free(a->files[i]);
	free(a->files);
}

void dfx_fix_stats_release(struct dfx_fix_stats *st)
{
	for (size_t i = 0; i < st->nlog; i++)
		applied_release(&st->log[i]);
	free(st->log);
	memset(st, 0, sizeof(*st));
}

/* Add fix `fx` of rule `code`, for a finding in `path`, to the log of applied fixes. */
static void log_applied(struct dfx_fix_stats *st, const char *code, const char *path, const struct dfx_fix *fx)
{
	struct dfx_fix_applied *a;

	DFX_GROW(st->log, st->nlog + 1, st->logcap);
	a = &st->log[st->nlog++];
	memset(a, 0, sizeof(*a));
	a->code = code;
	a->path = dfx_xstrdup(path);
	a->description = dfx_xstrdup(fx->description ? fx->description : "");
	a->applicability = fx->applicability;
	a->files = dfx_xcalloc(fx->nedits + 1, sizeof(*a->files));
	for (size_t j = 0; j < fx->nedits; j++) {
		bool seen = false;

		for (size_t k = 0; k < a->nfiles && !seen; k++)
			seen = !strcmp(a->files[k], fx->edits[j].path);
		if (!seen)
			a->files[a->nfiles++] = dfx_xstrdup(fx->edits[j].path);
	}
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

/* Whether fix `f` has an edit that conflicts with one of the chosen fixes. */
static bool conflicts(struct dfx_fix *const *chosen, size_t nchosen, const struct dfx_fix *f)
{
	for (size_t k = 0; k < nchosen; k++)
		for (size_t a = 0; a < chosen[k]->nedits; a++)
			for (size_t b = 0; b < f->nedits; b++)
				if (edits_conflict(&chosen[k]->edits[a], &f->edits[b]))
					return true;
	return false;
}

/*
 * The fixes that go with the fix of finding i: itself alone, or every fix
 * of its group (same rule, same file, same nonzero group), in finding
 * order. *out is malloc'd.
 */
static size_t group_members(const struct dfx_findings *fs, size_t i, struct dfx_fix ***out)
{
	const struct dfx_finding *fd = &fs->v[i];
	size_t n = 0;

	*out = dfx_xmalloc(fs->n * sizeof(**out));
	if (!fd->fix->group) {
		(*out)[n++] = fd->fix;
		return n;
	}
	for (size_t k = 0; k < fs->n; k++) {
		const struct dfx_finding *o = &fs->v[k];

		if (o->fix && o->fix->group == fd->fix->group && o->rule == fd->rule && o->src == fd->src)
			(*out)[n++] = o->fix;
	}
	return n;
}

/* ---------------------------------------------------------------- convergence */

/* What a finding is across passes: rule, file and message (positions move). */
static char *finding_id(const struct dfx_finding *fd)
{
	return dfx_xasprintf("%s|%s|%s", fd->rule->code, fd->src->path, fd->message ? fd->message : "");
}

static size_t count_id(const struct dfx_findings *fs, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++) {
		char *o = finding_id(&fs->v[i]);

		n += strcmp(o, id) == 0;
		free(o);
	}
	return n;
}

static bool listed_id(char *const *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], id))
			return true;
	return false;
}

/* A finding whose fix was applied in the last pass. */
struct applied {
	char *id;
	struct dfx_wsfile *file; /* the file the finding is in */
	size_t before;           /* findings with this id in that pass */
	size_t n;                /* of them fixed */
};

/* The bytes of a file before the last pass wrote it. */
struct snap {
	struct dfx_wsfile *file;
	char *data;
	size_t len;
};

/* Bytes a fix of rule `code` wrote, in the file's current offsets. */
struct region {
	const char *code;
	struct dfx_wsfile *file;
	uint32_t start, end;
};

struct guard {
	struct applied *last;
	size_t nlast, lcap;
	struct snap *snaps;
	size_t nsnaps, scap;
	struct region *regs;
	size_t nregs, rcap, regs_before; /* regions from before the last pass */
	char **stuck;                    /* finding ids never fixed again */
	size_t nstuck, stcap;
	size_t last_applied;
};

static void guard_forget_pass(struct guard *g)
{
	for (size_t i = 0; i < g->nlast; i++)
		free(g->last[i].id);
	g->nlast = 0;
	for (size_t i = 0; i < g->nsnaps; i++)
		free(g->snaps[i].data);
	g->nsnaps = 0;
	g->regs_before = g->nregs;
	g->last_applied = 0;
}

static void guard_release(struct guard *g)
{
	guard_forget_pass(g);
	free(g->last);
	free(g->snaps);
	free(g->regs);
	for (size_t i = 0; i < g->nstuck; i++)
		free(g->stuck[i]);
	free(g->stuck);
}

static void note_stuck(struct dfx_workspace *ws, struct dfx_fix_stats *st, const struct dfx_finding *fd,
		       const char *what)
{
	unsigned line = 1, col = 1;

	if (fd)
		dfx_source_linecol(fd->src, fd->span.start, &line, &col);
	dfx_diag_add(&ws->diags, DFX_DIAG_NOTE, fd ? fd->src->path : NULL, line, col,
		     "%s fix did not converge: %s; it is not applied", fd ? fd->rule->code : "a", what);
	st->dropped++;
	st->unconverged++;
}

/*
 * After a pass: does a finding whose fix was applied still show up (as
 * many findings with its id as before the fix)? Then that pass is undone
 * (every file it wrote gets its bytes back), the finding is never fixed
 * again, and the other fixes of the pass come back in the next one.
 * Returns whether the pass was undone.
 */
static bool guard_check(struct guard *g, struct dfx_workspace *ws, const struct dfx_findings *fs,
			bool incremental, struct dfx_fix_stats *st)
{
	bool undo = false;

	for (size_t i = 0; i < g->nlast; i++) {
		struct applied *a = &g->last[i];
		const struct dfx_finding *fd = NULL;

		if (incremental && !a->file->recheck)
			continue; /* not checked again: nothing to say */
		if (count_id(fs, a->id) + a->n <= a->before)
			continue;
		for (size_t k = 0; k < fs->n && !fd; k++) {
			char *o = finding_id(&fs->v[k]);

			if (!strcmp(o, a->id))
				fd = &fs->v[k];
			free(o);
		}
		if (!listed_id(g->stuck, g->nstuck, a->id)) {
			DFX_GROW(g->stuck, g->nstuck + 1, g->stcap);
			g->stuck[g->nstuck++] = dfx_xstrdup(a->id);
			note_stuck(ws, st, fd, "its result still raises the same finding");
		}
		undo = true;
	}
	if (!undo)
		return false;
	for (size_t i = 0; i < g->nsnaps; i++) {
		struct snap *sn = &g->snaps[i];

		dfx_ws_set(sn->file, sn->data, sn->len);
		sn->data = NULL;
		sn->file->touched = true;
	}
	st->applied -= g->last_applied;
	for (size_t i = 0; i < g->last_applied && st->nlog; i++)
		applied_release(&st->log[--st->nlog]);
	g->nregs = g->regs_before;
	guard_forget_pass(g);
	return true;
}

/* Whether fix `f` of rule `code` edits bytes that a fix of that rule wrote in an earlier pass
   (appending right after them is fine). */
static bool guard_rewrites(const struct guard *g, const char *code, const struct dfx_fix *f)
{
	for (size_t r = 0; r < g->nregs; r++) {
		const struct region *rg = &g->regs[r];

		if (strcmp(rg->code, code) != 0 || rg->start == rg->end)
			continue;
		for (size_t j = 0; j < f->nedits; j++) {
			const struct dfx_edit *e = &f->edits[j];

			if (strcmp(e->path, rg->file->path) != 0)
				continue;
			if (e->start == e->end ? (e->start > rg->start && e->start < rg->end)
					       : (e->start < rg->end && e->end > rg->start))
				return true;
		}
	}
	return false;
}

/* Offset `x` of a file after `edits` (sorted by start) are spliced in; `end`: x ends a range
   (an insert at x then goes after it). */
static uint32_t remap(uint32_t x, const struct dfx_edit *const *edits, size_t n, bool end)
{
	long d = 0;

	for (size_t i = 0; i < n; i++) {
		const struct dfx_edit *e = edits[i];
		size_t tl = e->text ? strlen(e->text) : 0;

		if (e->end < x || (e->end == x && (!end || e->start < e->end)))
			d += (long)tl - (long)(e->end - e->start);
	}
	return (uint32_t)((long)x + d);
}

/* Record a commit of `use` chosen fixes: snapshots, the regions they write, the old ones moved. */
static void guard_commit(struct guard *g, struct touched *tv, size_t tn, struct dfx_fix *const *chosen,
			 const char *const *codes, size_t use)
{
	for (size_t i = 0; i < tn; i++) {
		struct touched *t = &tv[i];
		const struct dfx_edit **v = dfx_xmalloc((t->n ? t->n : 1) * sizeof(*v));

		DFX_GROW(g->snaps, g->nsnaps + 1, g->scap);
		g->snaps[g->nsnaps].file = t->file;
		g->snaps[g->nsnaps].data = dfx_xmalloc(t->file->cur.len + 1);
		memcpy(g->snaps[g->nsnaps].data, t->file->cur.data, t->file->cur.len);
		g->snaps[g->nsnaps].data[t->file->cur.len] = '\0';
		g->snaps[g->nsnaps].len = t->file->cur.len;
		g->nsnaps++;
		memcpy(v, t->edits, t->n * sizeof(*v));
		for (size_t a = 1; a < t->n; a++)
			for (size_t b = a; b > 0 && v[b - 1]->start > v[b]->start; b--) {
				const struct dfx_edit *x = v[b];
				v[b] = v[b - 1];
				v[b - 1] = x;
			}
		for (size_t r = 0; r < g->nregs; r++)
			if (g->regs[r].file == t->file) {
				g->regs[r].start = remap(g->regs[r].start, v, t->n, false);
				g->regs[r].end = remap(g->regs[r].end, v, t->n, true);
			}
		{
			long d = 0;

			for (size_t q = 0; q < t->n; q++) {
				const struct dfx_edit *e = v[q];
				size_t tl = e->text ? strlen(e->text) : 0;
				const char *code = NULL;

				for (size_t k = 0; k < use && !code; k++)
					if (e >= chosen[k]->edits && e < chosen[k]->edits + chosen[k]->nedits)
						code = codes[k];
				if (code && tl) {
					DFX_GROW(g->regs, g->nregs + 1, g->rcap);
					g->regs[g->nregs].code = code;
					g->regs[g->nregs].file = t->file;
					g->regs[g->nregs].start = (uint32_t)((long)e->start + d);
					g->regs[g->nregs].end = (uint32_t)((long)e->start + d + (long)tl);
					g->nregs++;
				}
				d += (long)tl - (long)(e->end - e->start);
			}
		}
		free(v);
	}
}

/* The chosen members now belong to the pass: clear them from their findings. */
static void release_members(struct dfx_findings *fs, struct dfx_fix *const *mv, size_t nm)
{
	for (size_t k = 0; k < fs->n; k++)
		for (size_t m = 0; m < nm; m++)
			if (fs->v[k].fix == mv[m])
				fs->v[k].fix = NULL;
}

void dfx_fix_run(struct dfx_workspace *ws, enum dfx_applicability min, struct dfx_fix_stats *st)
{
	char **failed = NULL;
	size_t nfailed = 0, fcap = 0;
	struct guard g = {0};

	for (st->passes = 0; st->passes < DFX_FIX_MAX_PASSES; st->passes++) {
		struct dfx_findings fs = {0};
		struct dfx_fix **chosen = NULL;
		const char **codes = NULL;
		struct applied *ids = NULL; /* per chosen fix */
		size_t nchosen = 0, ccap = 0, kcap = 0, icap = 0;
		bool incremental = ws->incremental;

		dfx_check_all(ws, &fs);
		if (st->passes == 0)
			for (size_t i = 0; i < fs.n; i++)
				if (fs.v[i].fix)
					st->fixable[fs.v[i].fix->applicability]++;
		if (guard_check(&g, ws, &fs, incremental, st)) {
			/* the last pass is undone: check again before choosing */
			ws->incremental = true;
			mark_rechecks(ws, &fs, min);
			dfx_findings_release(&fs);
			continue;
		}
		guard_forget_pass(&g);
		ws->incremental = true;
		mark_rechecks(ws, &fs, min);
		for (size_t i = 0; i < fs.n; i++) {
			struct dfx_finding *fd = &fs.v[i];
			struct dfx_buf why = DFX_BUF_INIT;
			struct touched *tv;
			size_t tn, nm;
			bool skip = false;
			char *key, *id;
			struct dfx_fix **mv;

			if (!fd->fix || !fd->fix->nedits || (!fd->fix->group && fd->fix->applicability < min))
				continue;
			/* a group goes together or not at all: every member must qualify */
			nm = group_members(&fs, i, &mv);
			for (size_t m = 0; m < nm && !skip; m++)
				skip = mv[m]->applicability < min;
			key = fix_key(fd);
			id = finding_id(fd);
			for (size_t k = 0; k < nfailed && !skip; k++)
				skip = strcmp(failed[k], key) == 0;
			skip = skip || listed_id(g.stuck, g.nstuck, id);
			for (size_t m = 0; m < nm && !skip; m++)
				if (guard_rewrites(&g, fd->rule->code, mv[m])) {
					DFX_GROW(g.stuck, g.nstuck + 1, g.stcap);
					g.stuck[g.nstuck++] = dfx_xstrdup(id);
					note_stuck(ws, st, fd, "it edits again what its fix wrote in an earlier pass");
					skip = true;
				}
			/* overlapping with a fix already chosen this pass: next pass */
			for (size_t m = 0; m < nm && !skip; m++)
				skip = conflicts(chosen, nchosen, mv[m]);
			free(id);
			if (skip) {
				free(mv);
				free(key);
				continue;
			}
			if (build(ws, mv, nm, true, &tv, &tn, &why) != 0) {
				unsigned line, col;

				dfx_source_linecol(fd->src, fd->span.start, &line, &col);
				dfx_diag_add(&ws->diags, DFX_DIAG_NOTE, fd->src->path, line, col, "%s fix dropped: %s",
					     fd->rule->code, why.ptr ? why.ptr : "verification failed");
				st->dropped++;
				DFX_GROW(failed, nfailed + 1, fcap);
				failed[nfailed++] = key;
			} else {
				free(key);
				for (size_t m = 0; m < nm; m++) {
					DFX_GROW(chosen, nchosen + 1, ccap);
					DFX_GROW(codes, nchosen + 1, kcap);
					chosen[nchosen] = mv[m];
					codes[nchosen++] = fd->rule->code;
				}
				/* the finding each fix is for, to see in the next pass that it is gone */
				for (size_t m = 0; m < nm; m++) {
					DFX_GROW(ids, nchosen - nm + m + 1, icap);
					ids[nchosen - nm + m].id = NULL;
					ids[nchosen - nm + m].n = 1;
					for (size_t k = 0; k < fs.n && !ids[nchosen - nm + m].id; k++)
						if (fs.v[k].fix == mv[m]) {
							struct applied *a = &ids[nchosen - nm + m];

							a->id = finding_id(&fs.v[k]);
							a->file = dfx_ws_file(ws, fs.v[k].src->path);
							a->before = count_id(&fs, a->id);
						}
				}
				release_members(&fs, mv, nm); /* owned by chosen now */
			}
			free(mv);
			touched_free(tv, tn);
			dfx_buf_release(&why);
		}
		dfx_findings_release(&fs);
		if (!nchosen) {
			free(chosen);
			free(codes);
			free(ids);
			break;
		}
		/* all together; if the combination fails, only the first this pass */
		{
			struct touched *tv;
			size_t tn, use = nchosen;
			struct dfx_buf why = DFX_BUF_INIT;

			if (build(ws, chosen, use, true, &tv, &tn, &why) != 0) {
				touched_free(tv, tn);
				/* the first fix, with the rest of its group */
				for (use = 1; use < nchosen && chosen[0]->group && chosen[use]->group == chosen[0]->group;
				     use++)
					;
				build(ws, chosen, use, false, &tv, &tn, &why);
			}
			guard_commit(&g, tv, tn, chosen, codes, use);
			commit(tv, tn, chosen, use);
			st->applied += use;
			for (size_t k = 0; k < use; k++)
				log_applied(st, codes[k],
					    ids[k].file ? ids[k].file->path
							: chosen[k]->nedits ? chosen[k]->edits[0].path : "",
					    chosen[k]);
			g.last_applied = use;
			touched_free(tv, tn);
			dfx_buf_release(&why);
		}
		/* what the next pass must no longer see: the findings of the fixes applied */
		for (size_t k = 0; k < nchosen; k++) {
			bool merged = false;

			if (k < g.last_applied && ids[k].id) {
				for (size_t o = 0; o < g.nlast && !merged; o++)
					if (!strcmp(g.last[o].id, ids[k].id)) {
						g.last[o].n++;
						merged = true;
					}
				if (!merged) {
					DFX_GROW(g.last, g.nlast + 1, g.lcap);
					g.last[g.nlast++] = ids[k];
					continue;
				}
			}
			free(ids[k].id);
		}
		free(ids);
		for (size_t k = 0; k < nchosen; k++)
			dfx_fix_free(chosen[k]);
		free(chosen);
		free(codes);
	}
	ws->incremental = false;
	guard_release(&g);
	for (size_t k = 0; k < nfailed; k++)
		free(failed[k]);
	free(failed);
}
