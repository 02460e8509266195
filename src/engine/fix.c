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

/* ------------------------------------------------------------- string sets */

/* Keys of fixes that failed verification, ids of findings never fixed again:
   an open-addressing set, so a pass costs its findings, not their square. */
struct strset {
	char **v;
	size_t n, cap;
};

static size_t str_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)(h ^ (h >> 32));
}

static bool strset_has(const struct strset *s, const char *k)
{
	if (!s->cap)
		return false;
	for (size_t m = s->cap - 1, i = str_hash(k) & m; s->v[i]; i = (i + 1) & m)
		if (strcmp(s->v[i], k) == 0)
			return true;
	return false;
}

static void strset_put(char **v, size_t cap, char *k)
{
	size_t m = cap - 1, i = str_hash(k) & m;

	while (v[i])
		i = (i + 1) & m;
	v[i] = k;
}

/* Add `k` (taking it) unless it is there already. */
static void strset_add(struct strset *s, char *k)
{
	if (strset_has(s, k)) {
		free(k);
		return;
	}
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		char **v = dfx_xcalloc(cap, sizeof(*v));

		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				strset_put(v, cap, s->v[i]);
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	strset_put(s->v, s->cap, k);
	s->n++;
}

static void strset_release(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------------ builds */

/* The new bytes of one file touched by a build: its edits (in fix order),
   the rule of each, and the fixes that edit it. */
struct touched {
	struct dfx_wsfile *file;
	const struct dfx_edit **edits;
	const char **codes;
	size_t n, cap, ccap;
	char **paths;                    /* YAML paths the fixes that edit it declare */
	size_t np, pcap;
	size_t lastfix;                  /* 1 + index of the last fix whose paths were added */
	char *data;
	size_t len;
	bool bad;                        /* failed verification */
};

static struct touched *touch(struct touched **v, size_t *n, size_t *cap, struct dfx_wsfile *f)
{
	if (f->slot)
		return &(*v)[f->slot - 1];
	DFX_GROW(*v, *n + 1, *cap);
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].file = f;
	f->slot = ++*n;
	return &(*v)[*n - 1];
}

static void touched_free(struct touched *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		v[i].file->slot = 0;
		free(v[i].edits);
		free(v[i].codes);
		free(v[i].paths);
		free(v[i].data);
	}
	free(v);
}

/* Verify the new bytes of one file. Returns 0 or -1 with why filled. */
static int verify_file(struct dfx_wsfile *f, const char *data, size_t len, char *const *paths, size_t np,
		       struct dfx_buf *why)
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
		struct dfx_compose *c = dfx_compose_parse(&s, &err);
		if (!c) {
			dfx_buf_addf(why, "the result does not parse: %u:%u: %s", err.line, err.col,
				     err.message ? err.message : "");
			rc = -1;
		} else if (dfx_yaml_verify(f->cur.data, f->cur.len, data, len, paths, np, why) != 0) {
			rc = -1;
		}
		dfx_compose_free(c);
	}
	dfx_error_release(&err);
	dfx_source_release(&s);
	return rc;
}

/* The files of a build spliced and verified on threads (each its own file
   and reason); the first failure's reason in file order is kept. */
struct par_verify {
	struct touched *tv;
	struct dfx_buf *why;
};

static void verify_one(void *arg, size_t i)
{
	struct par_verify *pv = arg;
	struct touched *t = &pv->tv[i];

	t->data = dfx_fix_splice(t->file->cur.data, t->file->cur.len, t->edits, t->n, &t->len);
	if (verify_file(t->file, t->data, t->len, t->paths, t->np, &pv->why[i]) != 0)
		t->bad = true;
}

/*
 * Build the new bytes of every file touched by `fixes` (codes[i]: the rule
 * of fixes[i], or NULL); verify each target file once if asked, against the
 * YAML paths of the fixes that edit it. Returns how many files failed
 * (marked bad; the first failure's reason in why); with `all` false it stops
 * at the first.
 */
static size_t build(struct dfx_workspace *ws, struct dfx_fix *const *fixes, const char *const *codes, size_t n,
		    bool verify, bool all, struct touched **tv, size_t *tn, struct dfx_buf *why)
{
	size_t cap = 0, bad = 0;

	*tv = NULL;
	*tn = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < fixes[i]->nedits; j++) {
			struct dfx_edit *e = &fixes[i]->edits[j];
			struct touched *t = touch(tv, tn, &cap, dfx_ws_file(ws, e->path));

			DFX_GROW(t->edits, t->n + 1, t->cap);
			DFX_GROW(t->codes, t->n + 1, t->ccap);
			t->codes[t->n] = codes ? codes[i] : NULL;
			t->edits[t->n++] = e;
			if (t->lastfix != i + 1) {
				t->lastfix = i + 1;
				for (size_t p = 0; p < fixes[i]->npaths; p++) {
					DFX_GROW(t->paths, t->np + 1, t->pcap);
					t->paths[t->np++] = fixes[i]->paths[p];
				}
			}
		}
	if (verify && ws->jobs > 1 && *tn > 1) {
		struct par_verify pv = {*tv, dfx_xcalloc(*tn, sizeof(struct dfx_buf))};

		dfx_ws_run(ws->jobs, *tn, verify_one, &pv);
		for (size_t i = 0; i < *tn; i++) {
			if ((*tv)[i].bad && !bad++)
				dfx_buf_add(why, pv.why[i].ptr ? pv.why[i].ptr : "", pv.why[i].len);
			dfx_buf_release(&pv.why[i]);
		}
		free(pv.why);
		return all || !bad ? bad : 1; /* one thread stops at the first */
	}
	for (size_t i = 0; i < *tn; i++) {
		struct touched *t = &(*tv)[i];
		struct dfx_buf w = DFX_BUF_INIT;

		t->data = dfx_fix_splice(t->file->cur.data, t->file->cur.len, t->edits, t->n, &t->len);
		if (verify && verify_file(t->file, t->data, t->len, t->paths, t->np, bad ? &w : why) != 0) {
			t->bad = true;
			bad++;
		}
		dfx_buf_release(&w);
		if (bad && !all)
			break;
	}
	return bad;
}

static void set_one(void *arg, size_t i)
{
	struct touched *t = &((struct touched *)arg)[i];

	dfx_ws_set(t->file, t->data, t->len);
	t->data = NULL;
}

/* Make the built bytes current; the touched files are re-parsed on ws->jobs threads. */
static void commit(struct dfx_workspace *ws, struct touched *tv, size_t tn)
{
	for (size_t i = 0; i < tn; i++) {
		struct dfx_wsfile *f = tv[i].file;

		for (size_t j = 0; j < tv[i].n; j++) {
			const struct dfx_edit *e = tv[i].edits[j];

			/* a file that receives a secret is never shown, created or not */
			if (e->flags & DFX_EDIT_SECRET)
				f->secret = true;
			if (e->mode && !f->on_disk)
				f->mode = e->mode;
		}
		if (!f->on_disk && !f->mode)
			f->mode = f->secret ? 0600 : 0644;
		f->touched = true;
	}
	dfx_ws_run(ws->jobs, tn, set_one, tv);
}

/*
 * Which targets the next pass must check again: those with a fix this pass
 * (applied or waiting), and those whose own bytes or the files their rules
 * read were changed by the previous pass. A target with neither can gain
 * no new fix, so a pass costs what changed, not the whole workspace.
 */
static void mark_rechecks(struct dfx_workspace *ws, const struct dfx_findings *fs, enum dfx_applicability min)
{
	const struct dfx_source *last = NULL;

	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];
		bool again = f->touched;

		for (size_t d = 0; d < f->ndeps && !again; d++)
			again = f->deps[d]->touched;
		f->recheck = again;
	}
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *fd = &fs->v[i];
		struct dfx_wsfile *f;

		if (!fd->fix || fd->fix->applicability < min || fd->src == last)
			continue;
		last = fd->src; /* findings are sorted by file: look each file up once */
		f = dfx_ws_find(ws, fd->src->path);
		if (f && &f->cur == fd->src)
			f->recheck = true;
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

/* Index of the first edit of w->pass_edits that starts at `start` or later. */
static size_t first_pass_edit(const struct dfx_wsfile *w, uint32_t start)
{
	size_t a = 0, b = w->npass;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (w->pass_edits[m]->start < start)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* Whether fix `f` has an edit that conflicts with one chosen this pass (kept per file). */
static bool conflicts(struct dfx_workspace *ws, const struct dfx_fix *f)
{
	for (size_t b = 0; b < f->nedits; b++) {
		const struct dfx_edit *e = &f->edits[b];
		struct dfx_wsfile *w = dfx_ws_find(ws, e->path);
		size_t k;

		if (!w)
			continue;
		/* an edit that conflicts starts at most the longest edit's length before e */
		k = first_pass_edit(w, e->start > w->passmax ? e->start - w->passmax : 0);
		for (; k < w->npass && w->pass_edits[k]->start <= e->end; k++)
			if (edits_conflict(w->pass_edits[k], e))
				return true;
	}
	return false;
}

/*
 * The fixes that go with the fix of finding i: itself alone, or every fix
 * of its group (same rule, same file, same nonzero group), in finding
 * order; the findings of its file are [lo, hi). *out is malloc'd.
 */
static size_t group_members(const struct dfx_findings *fs, size_t i, size_t lo, size_t hi, struct dfx_fix ***out)
{
	const struct dfx_finding *fd = &fs->v[i];
	size_t n = 0;

	if (!fd->fix->group) {
		*out = dfx_xmalloc(sizeof(**out));
		(*out)[n++] = fd->fix;
		return n;
	}
	*out = dfx_xmalloc((hi - lo) * sizeof(**out));
	for (size_t k = lo; k < hi; k++) {
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

/* How many findings of a pass have each id, and the first of them: counted
   once per pass instead of once per fix (a file with thousands of findings). */
struct idcount {
	char **id;
	size_t *n, *first;
	size_t cap;
};

static void idcount_build(struct idcount *m, const struct dfx_findings *fs)
{
	m->cap = 64;
	while (m->cap < 2 * fs->n)
		m->cap *= 2;
	m->id = dfx_xcalloc(m->cap, sizeof(*m->id));
	m->n = dfx_xcalloc(m->cap, sizeof(*m->n));
	m->first = dfx_xcalloc(m->cap, sizeof(*m->first));
	for (size_t i = 0; i < fs->n; i++) {
		char *id = finding_id(&fs->v[i]);
		size_t h = str_hash(id) & (m->cap - 1);

		while (m->id[h] && strcmp(m->id[h], id) != 0)
			h = (h + 1) & (m->cap - 1);
		if (m->id[h]) {
			free(id);
		} else {
			m->id[h] = id;
			m->first[h] = i;
		}
		m->n[h]++;
	}
}

/* Findings with `id`; *first: the index of the first (when there is one). */
static size_t idcount_get(const struct idcount *m, const char *id, size_t *first)
{
	for (size_t h = str_hash(id) & (m->cap - 1); m->id[h]; h = (h + 1) & (m->cap - 1))
		if (strcmp(m->id[h], id) == 0) {
			if (first)
				*first = m->first[h];
			return m->n[h];
		}
	return 0;
}

static void idcount_release(struct idcount *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->id[i]);
	free(m->id);
	free(m->n);
	free(m->first);
	memset(m, 0, sizeof(*m));
}

/* A finding whose fix was applied in the last pass. */
struct applied {
	char *id;
	struct dfx_wsfile *file; /* the file the finding is in */
	size_t before;           /* findings with this id in that pass */
	size_t n;                /* of them fixed */
	size_t finding;          /* its index in the pass's findings (while choosing) */
};

/* The bytes of a file before the last pass wrote it. */
struct snap {
	struct dfx_wsfile *file;
	char *data;
	size_t len;
	struct dfx_fix_region *regs; /* its regions before the last pass */
	size_t nregs;
	uint32_t regmax;
};

struct guard {
	struct applied *last;
	size_t nlast, lcap;
	struct snap *snaps;
	size_t nsnaps, scap;
	struct strset stuck; /* finding ids never fixed again */
	size_t last_applied;
};

static void guard_forget_pass(struct guard *g)
{
	for (size_t i = 0; i < g->nlast; i++)
		free(g->last[i].id);
	g->nlast = 0;
	for (size_t i = 0; i < g->nsnaps; i++) {
		free(g->snaps[i].data);
		free(g->snaps[i].regs);
	}
	g->nsnaps = 0;
	g->last_applied = 0;
}

static void guard_release(struct guard *g)
{
	guard_forget_pass(g);
	free(g->last);
	free(g->snaps);
	strset_release(&g->stuck);
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
	struct idcount ic = {0};

	if (g->nlast)
		idcount_build(&ic, fs);
	for (size_t i = 0; i < g->nlast; i++) {
		struct applied *a = &g->last[i];
		const struct dfx_finding *fd = NULL;
		size_t first = 0, n;

		if (incremental && !a->file->recheck)
			continue; /* not checked again: nothing to say */
		n = idcount_get(&ic, a->id, &first);
		if (n + a->n <= a->before)
			continue;
		if (n)
			fd = &fs->v[first];
		if (!strset_has(&g->stuck, a->id)) {
			strset_add(&g->stuck, dfx_xstrdup(a->id));
			note_stuck(ws, st, fd, "its result still raises the same finding");
		}
		undo = true;
	}
	if (ic.cap)
		idcount_release(&ic);
	if (!undo)
		return false;
	for (size_t i = 0; i < g->nsnaps; i++) {
		struct snap *sn = &g->snaps[i];

		dfx_ws_set(sn->file, sn->data, sn->len);
		sn->data = NULL;
		sn->file->touched = true;
		/* the regions as they were, in the offsets of the bytes given back */
		sn->file->nregs = 0;
		DFX_GROW(sn->file->regs, sn->nregs, sn->file->regcap);
		if (sn->nregs)
			memcpy(sn->file->regs, sn->regs, sn->nregs * sizeof(*sn->regs));
		sn->file->nregs = sn->nregs;
		sn->file->regmax = sn->regmax;
	}
	st->applied -= g->last_applied;
	for (size_t i = 0; i < g->last_applied && st->nlog; i++)
		applied_release(&st->log[--st->nlog]);
	guard_forget_pass(g);
	return true;
}

/* Whether fix `f` of rule `code` edits bytes that a fix of that rule wrote in an earlier pass
   (appending right after them is fine). */
static bool guard_rewrites(struct dfx_workspace *ws, const char *code, const struct dfx_fix *f)
{
	for (size_t j = 0; j < f->nedits; j++) {
		const struct dfx_edit *e = &f->edits[j];
		struct dfx_wsfile *w = dfx_ws_find(ws, e->path);

		size_t r, lo, hi;

		if (!w)
			continue;
		/* a region the edit reaches starts at most the longest region's length before it */
		lo = e->start > w->regmax ? e->start - w->regmax : 0;
		for (r = 0, hi = w->nregs; r < hi;) {
			size_t m = r + (hi - r) / 2;

			if (w->regs[m].start < lo)
				r = m + 1;
			else
				hi = m;
		}
		for (; r < w->nregs && w->regs[r].start <= e->end; r++) {
			const struct dfx_fix_region *rg = &w->regs[r];

			if (rg->start == rg->end || strcmp(rg->code, code) != 0)
				continue;
			if (e->start == e->end ? (e->start > rg->start && e->start < rg->end)
					       : (e->start < rg->end && e->end > rg->start))
				return true;
		}
	}
	return false;
}

/* An edit with its rule and its place in fix order (a stable sort key). */
struct placed {
	const struct dfx_edit *e;
	const char *code;
	size_t i;
};

static int cmp_placed(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	if (x->e->start != y->e->start)
		return x->e->start < y->e->start ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int cmp_region(const void *a, const void *b)
{
	const struct dfx_fix_region *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Offset `x` of a file after `edits` (sorted by start) are spliced in; `end`: x ends a range
   (an insert at x then goes after it). */
static uint32_t remap(uint32_t x, const struct placed *v, size_t n, bool end)
{
	long d = 0;

	for (size_t i = 0; i < n; i++) {
		const struct dfx_edit *e = v[i].e;
		size_t tl = e->text ? strlen(e->text) : 0;

		if (e->end < x || (e->end == x && (!end || e->start < e->end)))
			d += (long)tl - (long)(e->end - e->start);
	}
	return (uint32_t)((long)x + d);
}

/* Record a commit: snapshots, the regions the fixes write, the old ones moved. */
static void guard_commit(struct guard *g, struct touched *tv, size_t tn)
{
	for (size_t i = 0; i < tn; i++) {
		struct touched *t = &tv[i];
		struct dfx_wsfile *f = t->file;
		struct placed *v = dfx_xmalloc((t->n ? t->n : 1) * sizeof(*v));
		struct snap *sn;
		long d = 0;

		DFX_GROW(g->snaps, g->nsnaps + 1, g->scap);
		sn = &g->snaps[g->nsnaps++];
		sn->file = f;
		sn->data = dfx_xmalloc(f->cur.len + 1);
		memcpy(sn->data, f->cur.data, f->cur.len);
		sn->data[f->cur.len] = '\0';
		sn->len = f->cur.len;
		sn->nregs = f->nregs;
		sn->regmax = f->regmax;
		sn->regs = f->nregs ? dfx_xmalloc(f->nregs * sizeof(*sn->regs)) : NULL;
		if (f->nregs)
			memcpy(sn->regs, f->regs, f->nregs * sizeof(*sn->regs));
		for (size_t q = 0; q < t->n; q++)
			v[q] = (struct placed){t->edits[q], t->codes[q], q};
		dfx_qsort(v, t->n, sizeof(*v), cmp_placed);
		for (size_t r = 0; r < f->nregs; r++) {
			f->regs[r].start = remap(f->regs[r].start, v, t->n, false);
			f->regs[r].end = remap(f->regs[r].end, v, t->n, true);
		}
		for (size_t q = 0; q < t->n; q++) {
			const struct dfx_edit *e = v[q].e;
			size_t tl = e->text ? strlen(e->text) : 0;

			if (v[q].code && tl) {
				DFX_GROW(f->regs, f->nregs + 1, f->regcap);
				f->regs[f->nregs++] = (struct dfx_fix_region){
					v[q].code, (uint32_t)((long)e->start + d), (uint32_t)((long)e->start + d + (long)tl)};
			}
			d += (long)tl - (long)(e->end - e->start);
		}
		free(v);
		/* keep them by start, and their longest length, for guard_rewrites */
		if (f->nregs > 1)
			dfx_qsort(f->regs, f->nregs, sizeof(*f->regs), cmp_region);
		f->regmax = 0;
		for (size_t r = 0; r < f->nregs; r++)
			if (f->regs[r].end > f->regs[r].start && f->regs[r].end - f->regs[r].start > f->regmax)
				f->regmax = f->regs[r].end - f->regs[r].start;
	}
}

/* ------------------------------------------------------------------ a pass */

/* The fixes chosen in one pass, in finding order, with the finding each is for. */
struct choice {
	struct dfx_fix **fix;
	const char **code;
	struct applied *id;
	size_t n, cap, ccap, icap;
	struct dfx_wsfile **files; /* files with pass_edits */
	size_t nfiles, fcap;
};

static void note_pass_edits(struct dfx_workspace *ws, struct choice *c, const struct dfx_fix *f)
{
	for (size_t j = 0; j < f->nedits; j++) {
		struct dfx_wsfile *w = dfx_ws_file(ws, f->edits[j].path);

		if (!w->npass) {
			DFX_GROW(c->files, c->nfiles + 1, c->fcap);
			c->files[c->nfiles++] = w;
		}
		{
			const struct dfx_edit *e = &f->edits[j];
			size_t k = first_pass_edit(w, e->start + 1); /* after those that start where it does */

			DFX_GROW(w->pass_edits, w->npass + 1, w->passcap);
			memmove(w->pass_edits + k + 1, w->pass_edits + k, (w->npass - k) * sizeof(*w->pass_edits));
			w->pass_edits[k] = e;
			w->npass++;
			if (e->end > e->start && e->end - e->start > w->passmax)
				w->passmax = e->end - e->start;
		}
	}
}

static void clear_pass_edits(struct choice *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		c->files[i]->npass = 0;
		c->files[i]->passmax = 0;
	}
	c->nfiles = 0;
}

struct pass {
	struct dfx_workspace *ws;
	enum dfx_applicability min;
	struct dfx_fix_stats *st;
	struct guard *g;
	struct strset *failed;
	struct dfx_findings *fs;
	size_t *lo, *hi; /* per finding: the findings of its file */
	struct idcount ids;
};

/*
 * Choose the fixes of a pass in finding order: applicable, not failed or
 * stuck before, no conflict with one chosen already. With `verify` each is
 * verified on its own first (the slow way, for files whose combination
 * failed); without, the combination is verified once per file afterwards.
 */
static void choose(struct pass *p, struct choice *c, bool verify)
{
	struct dfx_findings *fs = p->fs;

	for (size_t i = 0; i < fs->n; i++) {
		struct dfx_finding *fd = &fs->v[i];
		struct dfx_buf why = DFX_BUF_INIT;
		struct touched *tv = NULL;
		size_t tn = 0, nm;
		bool skip = false;
		char *key, *id;
		struct dfx_fix **mv;

		if (!fd->fix || !fd->fix->nedits || (!fd->fix->group && fd->fix->applicability < p->min))
			continue;
		/* a group goes together or not at all: every member must qualify */
		nm = group_members(fs, i, p->lo[i], p->hi[i], &mv);
		for (size_t m = 0; m < nm && !skip; m++)
			skip = mv[m]->applicability < p->min;
		key = fix_key(fd);
		id = finding_id(fd);
		skip = skip || strset_has(p->failed, key) || strset_has(&p->g->stuck, id);
		for (size_t m = 0; m < nm && !skip; m++)
			if (guard_rewrites(p->ws, fd->rule->code, mv[m])) {
				strset_add(&p->g->stuck, dfx_xstrdup(id));
				note_stuck(p->ws, p->st, fd, "it edits again what its fix wrote in an earlier pass");
				skip = true;
			}
		/* overlapping with a fix already chosen this pass: next pass */
		for (size_t m = 0; m < nm && !skip; m++)
			skip = conflicts(p->ws, mv[m]);
		free(id);
		if (skip) {
			free(mv);
			free(key);
			continue;
		}
		if (verify && build(p->ws, mv, NULL, nm, true, false, &tv, &tn, &why) != 0) {
			unsigned line, col;

			dfx_source_linecol(fd->src, fd->span.start, &line, &col);
			dfx_diag_add(&p->ws->diags, DFX_DIAG_NOTE, fd->src->path, line, col, "%s fix dropped: %s",
				     fd->rule->code, why.ptr ? why.ptr : "verification failed");
			p->st->dropped++;
			strset_add(p->failed, key);
		} else {
			free(key);
			for (size_t m = 0; m < nm; m++) {
				struct applied *a;

				DFX_GROW(c->fix, c->n + 1, c->cap);
				DFX_GROW(c->code, c->n + 1, c->ccap);
				DFX_GROW(c->id, c->n + 1, c->icap);
				c->fix[c->n] = mv[m];
				c->code[c->n] = fd->rule->code;
				a = &c->id[c->n++];
				memset(a, 0, sizeof(*a));
				a->n = 1;
				/* the finding each fix is for, to see in the next pass that it is gone */
				for (size_t k = p->lo[i]; k < p->hi[i] && !a->id; k++)
					if (fs->v[k].fix == mv[m]) {
						a->id = finding_id(&fs->v[k]);
						a->file = dfx_ws_file(p->ws, fs->v[k].src->path);
						if (!p->ids.cap)
							idcount_build(&p->ids, fs);
						a->before = idcount_get(&p->ids, a->id, NULL);
						a->finding = k;
						fs->v[k].fix = NULL; /* owned by the choice now */
					}
				note_pass_edits(p->ws, c, mv[m]);
			}
		}
		free(mv);
		touched_free(tv, tn);
		dfx_buf_release(&why);
	}
}

/* Give back to the findings the chosen fixes that edit a file marked bad in tv;
   returns how many. */
static size_t unchoose_bad(struct dfx_workspace *ws, struct pass *p, struct choice *c, struct touched *tv)
{
	size_t w = 0, back = 0;

	for (size_t k = 0; k < c->n; k++) {
		bool bad = false;

		for (size_t j = 0; j < c->fix[k]->nedits && !bad; j++) {
			struct dfx_wsfile *f = dfx_ws_find(ws, c->fix[k]->edits[j].path);

			bad = f && f->slot && tv[f->slot - 1].bad;
		}
		if (!bad) {
			c->fix[w] = c->fix[k];
			c->code[w] = c->code[k];
			c->id[w++] = c->id[k];
			continue;
		}
		if (c->id[k].id)
			p->fs->v[c->id[k].finding].fix = c->fix[k];
		free(c->id[k].id);
		back++;
	}
	c->n = w;
	clear_pass_edits(c);
	for (size_t k = 0; k < c->n; k++)
		note_pass_edits(ws, c, c->fix[k]);
	return back;
}

/* Tell of each file where fixes remain when the loop stops at its pass limit. */
static void note_limit(struct dfx_workspace *ws, enum dfx_applicability min, const struct guard *g)
{
	struct dfx_findings fs = {0};

	dfx_check_all(ws, &fs);
	for (size_t i = 0; i < fs.n;) {
		size_t k = i, n = 0;

		for (; k < fs.n && fs.v[k].src == fs.v[i].src; k++) {
			const struct dfx_finding *fd = &fs.v[k];
			char *id;

			if (!fd->fix || !fd->fix->nedits || fd->fix->applicability < min)
				continue;
			id = finding_id(fd);
			n += !strset_has(&g->stuck, id);
			free(id);
		}
		if (n)
			dfx_diag_add(&ws->diags, DFX_DIAG_NOTE, NULL, 0, 0,
				     "%zu more fix%s not applied in %s: the fix loop stops after %d passes", n,
				     n == 1 ? "" : "es", fs.v[i].src->path, DFX_FIX_MAX_PASSES);
		i = k;
	}
	dfx_findings_release(&fs);
}

void dfx_fix_run(struct dfx_workspace *ws, enum dfx_applicability min, struct dfx_fix_stats *st)
{
	struct strset failed = {0};
	struct guard g = {0};
	bool more = false;

	for (size_t i = 0; i < ws->n; i++) {
		ws->files[i]->nregs = 0;
		ws->files[i]->regmax = 0;
	}
	for (st->passes = 0; st->passes < DFX_FIX_MAX_PASSES; st->passes++) {
		struct dfx_findings fs = {0};
		struct choice c = {0};
		struct pass p = {ws, min, st, &g, &failed, &fs, NULL, NULL, {0}};
		bool incremental = ws->incremental;

		more = false;
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
			more = true;
			continue;
		}
		guard_forget_pass(&g);
		ws->incremental = true;
		mark_rechecks(ws, &fs, min);
		p.lo = dfx_xmalloc((fs.n ? fs.n : 1) * sizeof(*p.lo));
		p.hi = dfx_xmalloc((fs.n ? fs.n : 1) * sizeof(*p.hi));
		for (size_t i = 0; i < fs.n;) {
			size_t k = i;

			while (k < fs.n && fs.v[k].src == fs.v[i].src)
				k++;
			for (size_t j = i; j < k; j++) {
				p.lo[j] = i;
				p.hi[j] = k;
			}
			i = k;
		}
		/* choose without verifying, then verify each file's combination once;
		   the fixes of a file whose combination fails are chosen again, one by one */
		choose(&p, &c, false);
		if (c.n) {
			struct touched *tv;
			size_t tn;
			struct dfx_buf why = DFX_BUF_INIT;

			if (build(ws, c.fix, c.code, c.n, true, true, &tv, &tn, &why) != 0) {
				unchoose_bad(ws, &p, &c, tv);
				touched_free(tv, tn);
				choose(&p, &c, true);
			} else {
				touched_free(tv, tn);
			}
			dfx_buf_release(&why);
		}
		clear_pass_edits(&c);
		free(c.files);
		if (p.ids.cap)
			idcount_release(&p.ids);
		free(p.lo);
		free(p.hi);
		dfx_findings_release(&fs);
		if (!c.n) {
			free(c.fix);
			free(c.code);
			free(c.id);
			break;
		}
		more = true;
		/* all together; if the combination fails, only the first this pass */
		{
			struct touched *tv;
			size_t tn, use = c.n;
			struct dfx_buf why = DFX_BUF_INIT;

			if (build(ws, c.fix, c.code, use, true, false, &tv, &tn, &why) != 0) {
				touched_free(tv, tn);
				/* the first fix, with the rest of its group */
				for (use = 1; use < c.n && c.fix[0]->group && c.fix[use]->group == c.fix[0]->group; use++)
					;
				build(ws, c.fix, c.code, use, false, false, &tv, &tn, &why);
			}
			guard_commit(&g, tv, tn);
			commit(ws, tv, tn);
			st->applied += use;
			for (size_t k = 0; k < use; k++)
				log_applied(st, c.code[k],
					    c.id[k].file ? c.id[k].file->path
							 : c.fix[k]->nedits ? c.fix[k]->edits[0].path : "",
					    c.fix[k]);
			g.last_applied = use;
			touched_free(tv, tn);
			dfx_buf_release(&why);
		}
		/* what the next pass must no longer see: the findings of the fixes applied
		   (one entry per id; `seen` maps an id to its entry) */
		{
			size_t scap = 64, m;
			size_t *seen;

			while (scap < 2 * c.n)
				scap *= 2;
			seen = dfx_xcalloc(scap, sizeof(*seen));
			m = scap - 1;
			for (size_t k = 0; k < c.n; k++) {
				size_t h;

				if (k >= g.last_applied || !c.id[k].id) {
					free(c.id[k].id);
					continue;
				}
				for (h = str_hash(c.id[k].id) & m; seen[h]; h = (h + 1) & m)
					if (!strcmp(g.last[seen[h] - 1].id, c.id[k].id))
						break;
				if (seen[h]) {
					g.last[seen[h] - 1].n++;
					free(c.id[k].id);
					continue;
				}
				DFX_GROW(g.last, g.nlast + 1, g.lcap);
				g.last[g.nlast++] = c.id[k];
				seen[h] = g.nlast;
			}
			free(seen);
		}
		free(c.id);
		for (size_t k = 0; k < c.n; k++)
			dfx_fix_free(c.fix[k]);
		free(c.fix);
		free(c.code);
	}
	if (more && st->passes == DFX_FIX_MAX_PASSES)
		note_limit(ws, min, &g);
	ws->incremental = false;
	guard_release(&g);
	strset_release(&failed);
}
