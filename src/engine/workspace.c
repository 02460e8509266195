/*
 * workspace.c - every file a run reads, checks or fixes: its bytes on disk
 * and after the fixes so far, its parse, and which files each target's
 * rules read (so a fix pass re-checks only what can have changed).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/compose.h"
#include "dockfix/dockerfile.h"
#include "dockfix/inspect.h"
#include "dockfix/path.h"
#include "dockfix/workspace.h"

/* What threads of a parallel check share: one lock over the file index,
   ws->files and the memo, and the memo values replaced meanwhile. */
struct dfx_ws_shared {
	pthread_mutex_t lock;
	struct dfx_memo *dead;
	size_t ndead, deadcap;
};

/* What the calling thread checks (dfx_ws_checking()). */
static _Thread_local struct {
	struct dfx_workspace *ws;
	struct dfx_wsfile *target;
	struct dfx_ws_loaded *loaded;
} self;

static void lock(struct dfx_workspace *ws)
{
	if (ws->shared)
		pthread_mutex_lock(&ws->shared->lock);
}

static void unlock(struct dfx_workspace *ws)
{
	if (ws->shared)
		pthread_mutex_unlock(&ws->shared->lock);
}

static void free_memo_value(struct dfx_memo *m)
{
	if (m->free_value)
		m->free_value(m->value);
}

void dfx_ws_init(struct dfx_workspace *ws, struct dfx_config *config)
{
	memset(ws, 0, sizeof(*ws));
	ws->config = config;
}

/* Bumped whenever a tree is replaced (any workspace of the process). */
static _Atomic uint64_t parse_generation;

static void drop_trees(struct dfx_wsfile *f)
{
	parse_generation++;
	dfx_dockerfile_free(f->df);
	f->df = NULL;
	dfx_compose_free(f->compose);
	f->compose = NULL;
	if (f->inspect)
		dfx_inspect_release(f->inspect);
	free(f->inspect);
	f->inspect = NULL;
}

void dfx_ws_release(struct dfx_workspace *ws)
{
	dfx_ws_parallel_end(ws);
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];

		drop_trees(f);
		dfx_source_release(&f->orig);
		dfx_source_release(&f->cur);
		dfx_error_release(&f->err);
		free(f->path);
		free(f->context);
		free(f->dockerignore);
		free(f->deps);
		free(f->pass_edits);
		free(f->regs);
		free(f);
	}
	for (size_t i = 0; i < ws->mcap; i++)
		if (ws->memo[i].key) {
			free_memo_value(&ws->memo[i]);
			free(ws->memo[i].key);
		}
	free(ws->memo);
	free(ws->files);
	free(ws->index);
	free(ws->cwd);
	dfx_diags_release(&ws->diags);
	memset(ws, 0, sizeof(*ws));
}

/* ------------------------------------------------------------ path index */

/* FNV-1a of a path: the slot of a file in the open-addressing index. */
static size_t path_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)(h ^ (h >> 32));
}

static void index_put(struct dfx_workspace *ws, struct dfx_wsfile *f)
{
	size_t m = ws->icap - 1, i = path_hash(f->path) & m;

	while (ws->index[i])
		i = (i + 1) & m;
	ws->index[i] = f;
}

/* Keep the index at most half full, so a lookup costs one or two probes;
   it holds ws->nindexed files (those of ws->files and the pending ones). */
static void index_grow(struct dfx_workspace *ws)
{
	struct dfx_wsfile **old = ws->index;
	size_t ocap = ws->icap;

	if (2 * ws->nindexed <= ws->icap)
		return;
	ws->icap = ws->icap ? 2 * ws->icap : 64;
	while (2 * ws->nindexed > ws->icap)
		ws->icap *= 2;
	ws->index = dfx_xcalloc(ws->icap, sizeof(*ws->index));
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			index_put(ws, old[i]);
	free(old);
}

static struct dfx_wsfile *find(struct dfx_workspace *ws, const char *clean)
{
	size_t m, i;

	if (!ws->icap)
		return NULL;
	m = ws->icap - 1;
	for (i = path_hash(clean) & m; ws->index[i]; i = (i + 1) & m)
		if (strcmp(ws->index[i]->path, clean) == 0)
			return ws->index[i];
	return NULL;
}

/* An absolute path as a path relative to the current directory ("../x"). */
static char *relative_to_cwd(struct dfx_workspace *ws, char *abs)
{
	const char *c;
	char *rel;
	struct dfx_buf b = DFX_BUF_INIT;
	size_t common = 0, i;

	if (!ws->cwd) {
		char *cwd = getcwd(NULL, 0);

		if (!cwd)
			return abs;
		ws->cwd = dfx_path_clean(cwd);
		free(cwd);
	}
	c = ws->cwd;
	/* longest common prefix on whole segments */
	for (i = 0; c[i] && abs[i] && c[i] == abs[i]; i++)
		if (c[i] == '/')
			common = i;
	if (!c[i] && (abs[i] == '/' || !abs[i]))
		common = i;
	else if (!abs[i] && c[i] == '/')
		common = i;
	for (const char *p = c + common; *p; p++)
		if (*p == '/' && (p == c + common || p[-1] != '/'))
			dfx_buf_adds(&b, "../");
	if (common == 0 && strcmp(c, "/") == 0)
		b.len = 0;
	dfx_buf_adds(&b, abs[common] == '/' ? abs + common + 1 : abs + common);
	rel = dfx_path_clean(b.len ? b.ptr : ".");
	dfx_buf_release(&b);
	free(abs);
	return rel;
}

/* Remember that the target the calling thread checks read `f` (its own
   list: no lock); a file still pending goes to the thread's loaded list. */
static struct dfx_wsfile *note_dep(struct dfx_workspace *ws, struct dfx_wsfile *f, bool pending)
{
	struct dfx_wsfile *t = self.ws == ws ? self.target : NULL;

	if (pending && self.ws == ws && self.loaded) {
		struct dfx_ws_loaded *l = self.loaded;
		size_t i = 0;

		while (i < l->n && l->v[i] != f)
			i++;
		if (i == l->n) {
			DFX_GROW(l->v, l->n + 1, l->cap);
			l->v[l->n++] = f;
		}
	}
	if (!t || t == f)
		return f;
	for (size_t i = 0; i < t->ndeps; i++)
		if (t->deps[i] == f)
			return f;
	DFX_GROW(t->deps, t->ndeps + 1, t->depcap);
	t->deps[t->ndeps++] = f;
	return f;
}

void dfx_ws_checking(struct dfx_workspace *ws, struct dfx_wsfile *target, struct dfx_ws_loaded *loaded)
{
	self.ws = target || loaded ? ws : NULL;
	self.target = target;
	self.loaded = loaded;
}

static void append_file(struct dfx_workspace *ws, struct dfx_wsfile *f)
{
	DFX_GROW(ws->files, ws->n + 1, ws->cap);
	ws->files[ws->n++] = f;
}

void dfx_ws_adopt(struct dfx_workspace *ws, struct dfx_ws_loaded *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i]->pending) {
			l->v[i]->pending = false;
			append_file(ws, l->v[i]);
		}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Load the file at `clean` (owned) into the index; under the lock. While
   threads check, it waits outside ws->files (dfx_ws_adopt()). */
static struct dfx_wsfile *load(struct dfx_workspace *ws, char *clean)
{
	struct dfx_wsfile *f = dfx_xcalloc(1, sizeof(*f));
	struct stat st;

	f->path = clean;
	if (strcmp(clean, "-") != 0 && stat(clean, &st) == 0 && S_ISREG(st.st_mode)) {
		if (dfx_source_load(&f->orig, clean, &f->err) == 0) {
			f->on_disk = true;
		} else {
			f->failed = true;
			dfx_source_init_copy(&f->orig, clean, "", 0);
		}
	} else {
		dfx_source_init_copy(&f->orig, clean, "", 0);
	}
	dfx_source_init_copy(&f->cur, clean, f->orig.data, f->orig.len);
	/* the index counts ws->files and the pending ones alike */
	ws->nindexed++;
	index_grow(ws);
	index_put(ws, f);
	if (ws->shared)
		f->pending = true;
	else
		append_file(ws, f);
	return f;
}

struct dfx_wsfile *dfx_ws_file(struct dfx_workspace *ws, const char *path)
{
	char *clean = dfx_path_clean(path);
	struct dfx_wsfile *f;
	bool pending;

	lock(ws);
	f = find(ws, clean);
	if (clean[0] == '/') {
		clean = relative_to_cwd(ws, clean);
		f = find(ws, clean);
	}
	if (f)
		free(clean);
	else
		f = load(ws, clean);
	pending = f->pending;
	unlock(ws);
	return note_dep(ws, f, pending);
}

struct dfx_wsfile *dfx_ws_find(struct dfx_workspace *ws, const char *path)
{
	char *clean = dfx_path_clean(path);
	struct dfx_wsfile *f;

	lock(ws);
	f = find(ws, clean);
	if (!f && clean[0] == '/') {
		clean = relative_to_cwd(ws, clean);
		f = find(ws, clean);
	}
	unlock(ws);
	free(clean);
	return f;
}

const struct dfx_source *dfx_ws_read(struct dfx_workspace *ws, const char *path)
{
	struct dfx_wsfile *f = dfx_ws_file(ws, path);

	if (!f->on_disk && !f->changed)
		return NULL;
	return &f->cur;
}

struct dfx_wsfile *dfx_ws_add_target(struct dfx_workspace *ws, const char *path, enum dfx_kind kind)
{
	struct dfx_wsfile *f = dfx_ws_file(ws, path);

	f->kind = kind;
	if (!f->target) {
		f->target = true;
		if (!f->failed && !f->on_disk) {
			struct stat st;
			int e = stat(f->path, &st) == 0 ? 0 : errno;

			f->failed = true;
			if (e == ELOOP)
				dfx_error_set(&f->err, f->path, 0, 0, "symbolic link loop");
			else if (e == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
				dfx_error_set(&f->err, f->path, 0, 0, "is not a regular file; not reading it");
			else
				dfx_error_set(&f->err, f->path, 0, 0, "cannot read: %s", strerror(e ? e : ENOENT));
		}
		if (!f->failed) {
			if (ws->defer_parse)
				f->parse_pending = true;
			else
				dfx_ws_parse(f);
		}
	}
	return f;
}

/* ------------------------------------------------------------ threads */

void dfx_ws_parallel_begin(struct dfx_workspace *ws)
{
	if (ws->shared)
		return;
	ws->shared = dfx_xcalloc(1, sizeof(*ws->shared));
	pthread_mutex_init(&ws->shared->lock, NULL);
}

void dfx_ws_parallel_end(struct dfx_workspace *ws)
{
	struct dfx_ws_shared *sh = ws->shared;

	if (!sh)
		return;
	ws->shared = NULL;
	for (size_t i = 0; i < sh->ndead; i++)
		free_memo_value(&sh->dead[i]);
	free(sh->dead);
	pthread_mutex_destroy(&sh->lock);
	free(sh);
}

struct run {
	size_t n;
	_Atomic size_t next;
	void (*fn)(void *arg, size_t i);
	void *arg;
};

static void *run_thread(void *p)
{
	struct run *r = p;

	for (size_t i; (i = r->next++) < r->n;)
		r->fn(r->arg, i);
	return NULL;
}

void dfx_ws_run(int jobs, size_t n, void (*fn)(void *arg, size_t i), void *arg)
{
	struct run r = {n, 0, fn, arg};
	size_t nt = jobs > 1 ? (size_t)jobs : 1, started = 0;
	pthread_t *t;

	if (nt > n)
		nt = n;
	if (nt <= 1) {
		for (size_t i = 0; i < n; i++)
			fn(arg, i);
		return;
	}
	t = dfx_xcalloc(nt - 1, sizeof(*t));
	for (size_t k = 0; k + 1 < nt; k++)
		if (pthread_create(&t[started], NULL, run_thread, &r) == 0)
			started++;
	run_thread(&r); /* the calling thread works too (and alone, if none started) */
	for (size_t k = 0; k < started; k++)
		pthread_join(t[k], NULL);
	free(t);
}

static void parse_one(void *arg, size_t i)
{
	dfx_ws_parse(((struct dfx_wsfile **)arg)[i]);
}

void dfx_ws_parse_targets(struct dfx_workspace *ws)
{
	struct dfx_wsfile **v = dfx_xcalloc(ws->n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < ws->n; i++)
		if (ws->files[i]->parse_pending) {
			ws->files[i]->parse_pending = false;
			if (!ws->files[i]->failed)
				v[n++] = ws->files[i];
		}
	/* parsing touches only the file (and atomics, once-initialised tables) */
	dfx_ws_run(ws->jobs, n, parse_one, v);
	free(v);
}

uint64_t dfx_ws_generation(void)
{
	return parse_generation;
}

struct dfx_wsfile *dfx_ws_compose_beside(struct dfx_workspace *ws, const struct dfx_wsfile *f, int kind)
{
	size_t n;
	const char *const *names = dfx_compose_default_names((enum dfx_compose_default)kind, &n);
	char *dir = dfx_path_dir(f->path);
	struct dfx_wsfile *hit = NULL;

	for (size_t i = 0; i < n && !hit; i++) {
		char *p = dfx_path_join(dir, names[i]);
		struct dfx_wsfile *w = dfx_ws_find(ws, p);

		if (w && w != f && w->kind == DFX_KIND_COMPOSE && w->compose)
			hit = w;
		free(p);
	}
	free(dir);
	return hit;
}

const struct dfx_path_index *dfx_ws_path_index(struct dfx_workspace *ws, const char *key,
					       void (*build)(struct dfx_workspace *ws, struct dfx_path_index *ix))
{
	struct dfx_path_index *ix = dfx_ws_memo(ws, key);
	uint64_t gen = dfx_ws_generation();

	if (ix && ix->generation == gen)
		return ix;
	ix = dfx_xcalloc(1, sizeof(*ix));
	ix->generation = gen;
	build(ws, ix);
	dfx_path_index_sort(ix);
	dfx_ws_memo_put(ws, key, ix, dfx_path_index_free);
	return ix;
}

int dfx_ws_parse(struct dfx_wsfile *f)
{
	drop_trees(f); /* bumps parse_generation */
	if (f->kind == DFX_KIND_DOCKERFILE)
		f->df = dfx_dockerfile_parse(&f->cur, &f->err);
	else if (f->kind == DFX_KIND_COMPOSE)
		f->compose = dfx_compose_parse(&f->cur, &f->err);
	else if (f->kind == DFX_KIND_IMAGE) {
		f->inspect = dfx_xcalloc(1, sizeof(*f->inspect));
		if (dfx_inspect_parse(f->inspect, &f->cur, &f->err) != 0) {
			free(f->inspect);
			f->inspect = NULL;
		}
	} else
		return 0;
	if (!f->df && !f->compose && !f->inspect) {
		f->failed = true;
		return -1;
	}
	f->failed = false;
	return 0;
}

void dfx_ws_set(struct dfx_wsfile *f, char *data, size_t len)
{
	drop_trees(f);
	dfx_source_release(&f->cur);
	dfx_source_init(&f->cur, f->path, data, len);
	f->changed = f->cur.len != f->orig.len || memcmp(f->cur.data, f->orig.data, f->cur.len) != 0;
	if (f->target)
		dfx_ws_parse(f);
}

/* ------------------------------------------------------------ memo */

static struct dfx_memo *memo_slot(struct dfx_memo *m, size_t cap, const char *key)
{
	size_t i = (size_t)dfx_fnv1a(DFX_FNV_OFFSET, key, strlen(key)) & (cap - 1);

	while (m[i].key && strcmp(m[i].key, key))
		i = (i + 1) & (cap - 1);
	return &m[i];
}

void *dfx_ws_memo(struct dfx_workspace *ws, const char *key)
{
	struct dfx_memo *m;
	void *v = NULL;

	lock(ws);
	if (ws->mcap) {
		m = memo_slot(ws->memo, ws->mcap, key);
		v = m->key ? m->value : NULL;
	}
	unlock(ws);
	return v;
}

void dfx_ws_memo_put(struct dfx_workspace *ws, const char *key, void *value, void (*free_value)(void *))
{
	struct dfx_memo *m;

	lock(ws);
	if (2 * (ws->nmemo + 1) > ws->mcap) {
		size_t cap = ws->mcap ? 2 * ws->mcap : 64;
		struct dfx_memo *t = dfx_xcalloc(cap, sizeof(*t));

		for (size_t i = 0; i < ws->mcap; i++)
			if (ws->memo[i].key)
				*memo_slot(t, cap, ws->memo[i].key) = ws->memo[i];
		free(ws->memo);
		ws->memo = t;
		ws->mcap = cap;
	}
	m = memo_slot(ws->memo, ws->mcap, key);
	if (m->key) {
		/* another thread may still read the old value: freed at parallel_end */
		if (ws->shared) {
			struct dfx_ws_shared *sh = ws->shared;

			DFX_GROW(sh->dead, sh->ndead + 1, sh->deadcap);
			sh->dead[sh->ndead++] = *m;
			sh->dead[sh->ndead - 1].key = NULL;
		} else {
			free_memo_value(m);
		}
	} else {
		m->key = dfx_xstrdup(key);
		ws->nmemo++;
	}
	m->value = value;
	m->free_value = free_value;
	unlock(ws);
}
