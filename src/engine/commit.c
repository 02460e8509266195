/*
 * commit.c - `--write` as one transaction per run (see commit.h; the
 * guarantees are those of the project's README, section "Fixes").
 *
 * The sequence follows rename(2)'s atomicity (POSIX), renameat2(2)'s
 * RENAME_NOREPLACE for exclusive creation and openat(2)'s O_NOFOLLOW to
 * keep every component of a path inside the project: plan (units, order,
 * containment), stage every file of every unit as a synced temporary file
 * in its own folder, check each target is what was read (status and
 * bytes) or still absent, rename in dependency order (auxiliary files such
 * as secrets, .env, .gitignore, .dockerignore first, Dockerfiles next,
 * compose files last), sync the folders, and put back what a failed unit
 * had already renamed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dockfix/commit.h"
#include "dockfix/path.h"
#include "dockfix/writer.h"

struct item {
	struct dfx_wsfile *f;
	size_t unit;
	int rank;          /* 0 auxiliary, 1 Dockerfile, 2 compose: rename order */
	int pass;          /* the unit's: see struct unit */
	size_t root;       /* index into the roots */
	char *dir;         /* folder relative to the root ("" for the root) */
	char *name;        /* last component */
	bool exists;       /* replaces the file read from disk */
	struct stat dirst; /* the folder it was staged in */
	struct stat st;    /* the target when checked */
	struct stat newst; /* the file renamed into place */
	char *tmp;         /* the staged file, until renamed */
	bool done;
	char **made;       /* folders created for it, outermost first */
	size_t nmade;
};

struct unit {
	bool failed;
	bool staged;          /* its temporary files exist */
	int pass;             /* 0 an ignore file, 1 another auxiliary file, 2 targets */
	const char *why_path; /* the file that made it fail */
};

/* Unit `unit` is written only if unit `on` (an auxiliary file) is. */
struct need {
	size_t unit, on;
};

struct run {
	struct item *items;
	size_t n;
	struct unit *units;
	size_t nunits;
	struct need *needs;
	size_t nneeds, needcap;
	char **roots; /* absolute, cleaned */
	size_t nroots;
	int *rootfd;
	struct stat *swept;
	size_t nswept, sweptcap;
	struct timespec start;
	bool plan_only; /* --diff: containment only, nothing on disk */
	struct dfx_commit_result *r;
};

/* ---------------------------------------------------------------- planning */

static char *absolute(const char *cwd, const char *p)
{
	return p[0] == '/' ? dfx_path_clean(p) : dfx_path_join(cwd, p);
}

/* The part of `abs` below `root`, or NULL when it is not below it. */
static const char *below(const char *root, const char *abs)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return abs + 1;
	if (strncmp(abs, root, n) != 0 || abs[n] != '/')
		return NULL;
	return abs + n + 1;
}

static size_t uf_find(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

static void uf_union(size_t *parent, size_t a, size_t b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	if (a != b)
		parent[a < b ? b : a] = a < b ? a : b;
}

static int rank_of(const struct dfx_wsfile *f)
{
	return f->kind == DFX_KIND_COMPOSE ? 2 : f->kind == DFX_KIND_DOCKERFILE ? 1 : 0;
}

/* Whether folder `dir` is `of` or one of the folders above it (lexically). */
static bool dir_contains(const char *dir, const char *of)
{
	size_t n = strlen(dir);

	if (strcmp(dir, ".") == 0)
		return of[0] != '/' && strncmp(of, "../", 3) != 0 && strcmp(of, "..") != 0;
	return strncmp(of, dir, n) == 0 && (of[n] == '\0' || of[n] == '/');
}

/*
 * An ignore file (.gitignore, .dockerignore, NAME.dockerignore) that no rule
 * checks. Auxiliary files are harmless on their own (fixes add ignore lines,
 * or copy a value out of a file that keeps it until it is written), so each
 * is a unit by itself; the units that read one are written only if it is,
 * and a secret is never created without the .gitignore lines that keep it
 * out of git.
 */
static bool is_hygiene(const struct dfx_wsfile *f)
{
	const char *b = strrchr(f->path, '/');
	size_t n;

	b = b ? b + 1 : f->path;
	n = strlen(b);
	return !f->target && (strcmp(b, ".gitignore") == 0 ||
			      (n >= 13 && strcmp(b + n - 13, ".dockerignore") == 0));
}

static void add_need(struct run *rn, size_t unit, size_t on)
{
	for (size_t k = 0; k < rn->nneeds; k++)
		if (rn->needs[k].unit == unit && rn->needs[k].on == on)
			return;
	DFX_GROW(rn->needs, rn->nneeds + 1, rn->needcap);
	rn->needs[rn->nneeds].unit = unit;
	rn->needs[rn->nneeds++].on = on;
}

/*
 * Units: the changed targets a target read are one unit with it; each
 * auxiliary file a target read (not checked itself: secrets, .env, ignore
 * files) is a unit of its own that the reader's unit needs, and a secret
 * among them also needs the .gitignore files its readers need. A changed file
 * nobody read joins every changed target of its folder and the folders
 * above (more than needed is safe).
 */
static void group(struct run *rn)
{
	size_t (*edges)[2] = NULL;
	size_t nedges = 0, ecap = 0;
	size_t *parent = dfx_xcalloc(rn->n + 1, sizeof(*parent));
	bool *read = dfx_xcalloc(rn->n + 1, sizeof(*read));
	size_t *map = dfx_xcalloc(rn->n + 1, sizeof(*map));

	for (size_t i = 0; i < rn->n; i++)
		parent[i] = i;
	for (size_t i = 0; i < rn->n; i++) {
		struct dfx_wsfile *f = rn->items[i].f;

		for (size_t d = 0; d < f->ndeps; d++)
			for (size_t k = 0; k < rn->n; k++)
				if (rn->items[k].f == f->deps[d]) {
					read[k] = true;
					if (!rn->items[k].f->target) {
						DFX_GROW(edges, nedges + 1, ecap);
						edges[nedges][0] = i;
						edges[nedges++][1] = k;
					} else {
						uf_union(parent, i, k);
					}
				}
	}
	for (size_t i = 0; i < rn->n; i++) {
		char *dir;

		if (read[i] || rn->items[i].f->target)
			continue;
		dir = dfx_path_dir(rn->items[i].f->path);
		for (size_t k = 0; k < rn->n; k++) {
			char *tdir;

			if (!rn->items[k].f->target)
				continue;
			tdir = dfx_path_dir(rn->items[k].f->path);
			if (dir_contains(tdir, dir))
				uf_union(parent, i, k);
			free(tdir);
		}
		free(dir);
	}
	for (size_t i = 0; i < rn->n; i++) {
		size_t root = uf_find(parent, i);

		if (root == i)
			map[i] = rn->nunits++;
	}
	rn->units = dfx_xcalloc(rn->nunits + 1, sizeof(*rn->units));
	for (size_t i = 0; i < rn->n; i++) {
		struct item *it = &rn->items[i];

		it->unit = map[uf_find(parent, i)];
		it->pass = !read[i] || it->f->target ? 2 : is_hygiene(it->f) ? 0 : 1;
		rn->units[it->unit].pass = it->pass;
	}
	for (size_t e = 0; e < nedges; e++) {
		size_t reader = rn->items[edges[e][0]].unit, aux = edges[e][1];

		add_need(rn, reader, rn->items[aux].unit);
		if (!rn->items[aux].f->secret)
			continue;
		for (size_t g = 0; g < nedges; g++) {
			const char *b = strrchr(rn->items[edges[g][1]].f->path, '/');

			b = b ? b + 1 : rn->items[edges[g][1]].f->path;
			if (edges[g][0] == edges[e][0] && strcmp(b, ".gitignore") == 0)
				add_need(rn, rn->items[aux].unit, rn->items[edges[g][1]].unit);
		}
	}
	free(edges);
	free(parent);
	free(read);
	free(map);
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->pass != y->pass)
		return x->pass - y->pass; /* ignore files, other auxiliary files, targets */
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->f->on_disk != y->f->on_disk)
		return x->f->on_disk ? 1 : -1; /* created before replaced */
	return strcmp(x->f->path, y->f->path);
}

static void fail_unit(struct run *rn, struct item *it, const struct dfx_error *err)
{
	struct unit *u = &rn->units[it->unit];

	dfx_buf_addf(&rn->r->log, "%s: %s: %s\n", it->f->path, rn->plan_only ? "note" : "error",
		     err && err->message ? err->message : "not written");
	if (!u->failed) {
		u->failed = true;
		u->why_path = it->f->path;
	}
}

/* ---------------------------------------------------------------- checks */

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool same_stamp(const struct stat *a, const struct stat *b)
{
	return same_file(a, b) && a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The target is what the run read (bytes and type), or still absent. */
static int check_target(struct item *it, int dirfd, struct dfx_error *err)
{
	struct dfx_wsfile *f = it->f;
	struct stat st;
	char *data;
	size_t len;

	if (fstatat(dirfd, it->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) {
			dfx_error_set(err, f->path, 0, 0, "cannot write: %s", strerror(errno));
			return -1;
		}
		if (f->on_disk) {
			dfx_error_set(err, f->path, 0, 0, "was removed since it was read; not writing it");
			return -1;
		}
		it->exists = false;
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		dfx_error_set(err, f->path, 0, 0, "is a symbolic link; not writing to it");
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		dfx_error_set(err, f->path, 0, 0, "is not a regular file; not writing to it");
		return -1;
	}
	if (!f->on_disk) {
		dfx_error_set(err, f->path, 0, 0, "appeared since it was read; not overwriting it");
		return -1;
	}
	if (dfx_writer_read_at(dirfd, it->name, &it->st, &data, &len) < 0) {
		dfx_error_set(err, f->path, 0, 0, "cannot read it again: %s",
			      errno == ELOOP ? "a symbolic link" : strerror(errno));
		return -1;
	}
	if (len != f->orig.len || memcmp(data, f->orig.data, len) != 0) {
		free(data);
		dfx_error_set(err, f->path, 0, 0, "changed since it was read; not overwriting it");
		return -1;
	}
	free(data);
	it->exists = true;
	return 0;
}

static int open_dir(struct run *rn, struct item *it, bool create, struct dfx_error *err)
{
	int fd;
	struct stat st;

	if (rn->rootfd[it->root] < 0) {
		rn->rootfd[it->root] = open(rn->roots[it->root], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rn->rootfd[it->root] < 0) {
			dfx_error_set(err, it->f->path, 0, 0, "cannot write: '%s': %s", rn->roots[it->root],
				      strerror(errno));
			return -1;
		}
	}
	fd = dfx_writer_open_dir(rn->rootfd[it->root], it->dir, it->f->path, create ? &it->made : NULL,
				 &it->nmade, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		dfx_error_set(err, it->f->path, 0, 0, "cannot write: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (create) {
		it->dirst = st;
	} else if (!same_file(&st, &it->dirst)) {
		dfx_error_set(err, it->f->path, 0, 0, "its folder was replaced since it was read; not writing it");
		close(fd);
		return -1;
	}
	return fd;
}

/* Removes what a killed run left, once per folder written to. */
static void sweep(struct run *rn, int dirfd, const struct stat *st)
{
	for (size_t i = 0; i < rn->nswept; i++)
		if (same_file(&rn->swept[i], st))
			return;
	DFX_GROW(rn->swept, rn->nswept + 1, rn->sweptcap);
	rn->swept[rn->nswept++] = *st;
	rn->r->swept += dfx_writer_sweep(dirfd, &rn->start);
}

/* ---------------------------------------------------------------- undo */

static void drop_temps(struct run *rn, struct item *it, bool undo_dirs)
{
	int fd;
	struct dfx_error err = {0};

	if (!it->tmp && !it->nmade)
		return;
	fd = open_dir(rn, it, false, &err);
	dfx_error_release(&err);
	if (fd >= 0) {
		if (it->tmp)
			unlinkat(fd, it->tmp, 0);
		close(fd);
	}
	free(it->tmp);
	it->tmp = NULL;
	for (size_t k = it->nmade; undo_dirs && k-- > 0;)
		unlinkat(rn->rootfd[it->root], it->made[k], AT_REMOVEDIR);
}

/* Puts back one renamed file: the old one for a replaced file, nothing for a created one. */
static int put_back(struct run *rn, struct item *it)
{
	struct dfx_error err = {0};
	struct stat st;
	int fd = open_dir(rn, it, false, &err), rc = 0;

	if (fd < 0) {
		dfx_buf_addf(&rn->r->log, "%s: error: could not be put back: %s\n", it->f->path, err.message);
		dfx_error_release(&err);
		return -1;
	}
	if (it->exists) {
		/* the old bytes are those read, checked identical before the renames */
		char *tmp = NULL;

		if (dfx_writer_stage(fd, it->name, it->f->orig.data, it->f->orig.len, it->st.st_mode & 07777, &it->st,
				     it->f->path, &tmp, &err) < 0 ||
		    renameat(fd, tmp, fd, it->name) < 0) {
			dfx_buf_addf(&rn->r->log, "%s: error: could not be put back: %s\n", it->f->path,
				     err.message ? err.message : strerror(errno));
			if (tmp)
				unlinkat(fd, tmp, 0);
			rc = -1;
		}
		free(tmp);
	} else if (fstatat(fd, it->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && same_file(&st, &it->newst)) {
		unlinkat(fd, it->name, 0);
	}
	dfx_writer_sync_dir(fd);
	close(fd);
	dfx_error_release(&err);
	if (rc == 0)
		it->done = false;
	return rc;
}

/* A unit that needs an auxiliary file not written is not written either. */
static void propagate(struct run *rn)
{
	for (bool again = true; again;) {
		again = false;
		for (size_t k = 0; k < rn->nneeds; k++) {
			struct unit *u = &rn->units[rn->needs[k].unit], *on = &rn->units[rn->needs[k].on];

			if (!on->failed || u->failed)
				continue;
			u->failed = true;
			for (size_t i = 0; i < rn->n; i++)
				if (rn->items[i].unit == rn->needs[k].on)
					u->why_path = rn->items[i].f->path;
			again = true;
		}
	}
	for (size_t i = rn->n; i-- > 0;)
		if (rn->units[rn->items[i].unit].failed && !rn->items[i].done)
			drop_temps(rn, &rn->items[i], true);
}

/*
 * A created auxiliary file that no unit written needs is not written (or is
 * removed again with `undo`): a failed compose file must not leave a new
 * secret behind on every run.
 */
static void drop_unneeded(struct run *rn, bool undo)
{
	for (size_t u = 0; u < rn->nunits; u++) {
		bool any = false, needed = false, created = true;
		const char *reader = NULL;

		if (rn->units[u].failed || rn->units[u].pass == 2)
			continue;
		for (size_t i = 0; i < rn->n; i++)
			if (rn->items[i].unit == u && rn->items[i].f->on_disk)
				created = false;
		for (size_t k = 0; k < rn->nneeds && created; k++)
			if (rn->needs[k].on == u) {
				any = true;
				needed |= !rn->units[rn->needs[k].unit].failed;
				for (size_t i = 0; i < rn->n && !reader; i++)
					if (rn->items[i].unit == rn->needs[k].unit)
						reader = rn->items[i].f->path;
			}
		if (!created || !any || needed)
			continue;
		rn->units[u].failed = true;
		rn->units[u].why_path = reader;
		for (size_t i = rn->n; i-- > 0;)
			if (rn->items[i].unit == u) {
				if (undo && rn->items[i].done)
					put_back(rn, &rn->items[i]);
				drop_temps(rn, &rn->items[i], true);
			}
	}
}

/* ---------------------------------------------------------------- phases */

static void stage_unit(struct run *rn, size_t from, size_t to)
{
	for (size_t i = from; i < to && !rn->units[rn->items[i].unit].failed; i++) {
		struct item *it = &rn->items[i];
		struct dfx_error err = {0};
		unsigned mode;
		int fd = open_dir(rn, it, true, &err);

		if (fd >= 0) {
			sweep(rn, fd, &it->dirst);
			if (check_target(it, fd, &err) == 0) {
				mode = it->exists ? (unsigned)(it->st.st_mode & 07777) : (it->f->mode ? it->f->mode : 0644);
				dfx_writer_stage(fd, it->name, it->f->cur.data, it->f->cur.len, mode,
						 it->exists ? &it->st : NULL, it->f->path, &it->tmp, &err);
			}
			close(fd);
		}
		if (err.message)
			fail_unit(rn, it, &err);
		dfx_error_release(&err);
	}
	if (rn->units[rn->items[from].unit].failed)
		for (size_t i = to; i-- > from;)
			drop_temps(rn, &rn->items[i], true);
}

static int rename_one(struct run *rn, struct item *it, struct dfx_error *err)
{
	struct stat st;
	int fd = open_dir(rn, it, false, err), rc = 0;

	if (fd < 0)
		return -1;
	if (it->exists) {
		if (fstatat(fd, it->name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !same_stamp(&st, &it->st)) {
			dfx_error_set(err, it->f->path, 0, 0, "changed since it was read; not overwriting it");
			rc = -1;
		} else if (renameat(fd, it->tmp, fd, it->name) < 0) {
			dfx_error_set(err, it->f->path, 0, 0, "cannot replace: %s", strerror(errno));
			rc = -1;
		}
	} else if (dfx_writer_publish_new(fd, it->tmp, it->name) < 0) {
		if (errno == EEXIST)
			dfx_error_set(err, it->f->path, 0, 0, "appeared since it was read; not overwriting it");
		else
			dfx_error_set(err, it->f->path, 0, 0, "cannot create: %s", strerror(errno));
		rc = -1;
	}
	if (rc == 0) {
		free(it->tmp);
		it->tmp = NULL;
		it->done = true;
		if (fstatat(fd, it->name, &it->newst, AT_SYMLINK_NOFOLLOW) < 0)
			memset(&it->newst, 0, sizeof(it->newst));
		dfx_writer_sync_dir(fd);
	}
	close(fd);
	return rc;
}

static void commit_unit(struct run *rn, size_t from, size_t to)
{
	struct unit *u = &rn->units[rn->items[from].unit];
	size_t i;

	if (u->failed)
		return;
	/* everything is as it was read, right before the first rename */
	for (i = from; i < to && !u->failed; i++) {
		struct item *it = &rn->items[i];
		struct dfx_error err = {0};
		bool existed = it->exists;
		int fd = open_dir(rn, it, false, &err);

		if (fd >= 0) {
			if (check_target(it, fd, &err) == 0 && it->exists != existed)
				dfx_error_set(&err, it->f->path, 0, 0, "changed since it was read; not writing it");
			close(fd);
		}
		if (err.message)
			fail_unit(rn, it, &err);
		dfx_error_release(&err);
	}
	for (i = from; i < to && !u->failed; i++) {
		struct dfx_error err = {0};

		if (rename_one(rn, &rn->items[i], &err) < 0)
			fail_unit(rn, &rn->items[i], &err);
		dfx_error_release(&err);
	}
	if (u->failed)
		for (size_t k = to; k-- > from;)
			if (rn->items[k].done)
				put_back(rn, &rn->items[k]);
	for (size_t k = to; k-- > from;)
		drop_temps(rn, &rn->items[k], u->failed);
	for (size_t k = from; k < to && !u->failed; k++)
		for (size_t m = 0; m < rn->items[k].nmade; m++) {
			int fd = open(rn->roots[rn->items[k].root], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (fd >= 0) {
				dfx_writer_sync_dir(fd);
				close(fd);
			}
		}
}

static void pause_on(const char *fifo)
{
	char buf[64];
	int fd = open(fifo, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void report(struct run *rn)
{
	for (size_t i = 0; i < rn->n; i++) {
		struct item *it = &rn->items[i];
		struct unit *u = &rn->units[it->unit];
		struct dfx_wsfile *f = it->f;

		if (u->failed) {
			rn->r->not_written++;
			if (strcmp(u->why_path, f->path) != 0)
				dfx_buf_addf(&rn->r->log, rn->plan_only ? "%s: note: not written, as %s would not be\n"
									 : "%s: not written: %s was not written\n",
					     f->path, u->why_path);
			continue;
		}
		rn->r->written++;
		if (rn->plan_only)
			continue;
		if (!f->on_disk)
			dfx_buf_addf(&rn->r->log, "created %s (mode %04o)%s\n", f->path, f->mode ? f->mode : 0644,
				     f->secret ? ": a generated secret; keep it out of version control" : "");
		else if (f->secret)
			dfx_buf_addf(&rn->r->log, "updated %s: a secret was added to it\n", f->path);
	}
	for (size_t i = 0; i < rn->nunits; i++)
		rn->r->failed_units += rn->units[i].failed;
	rn->r->units = rn->nunits;
}

/* The files of units not written get their original bytes back. */
static void revert(struct run *rn)
{
	for (size_t i = 0; i < rn->n; i++) {
		struct dfx_wsfile *f = rn->items[i].f;

		if (!rn->units[rn->items[i].unit].failed)
			continue;
		dfx_ws_set(f, dfx_xstrndup(f->orig.data, f->orig.len), f->orig.len);
	}
}

/* The changed files, their roots, units and order. */
static void plan(struct run *rn, struct dfx_workspace *ws, const struct dfx_commit_opts *o,
		 struct dfx_commit_result *r)
{
	char *cwd = getcwd(NULL, 0);
	size_t cap = 0;

	memset(r, 0, sizeof(*r));
	rn->r = r;
	dfx_writer_now(&rn->start);
	if (!cwd)
		cwd = dfx_xstrdup(".");
	rn->nroots = o->nroots ? o->nroots : 1;
	rn->roots = dfx_xcalloc(rn->nroots, sizeof(*rn->roots));
	rn->rootfd = dfx_xcalloc(rn->nroots, sizeof(*rn->rootfd));
	for (size_t i = 0; i < rn->nroots; i++) {
		const char *p = o->nroots && strcmp(o->roots[i], "-") != 0 ? o->roots[i] : ".";
		struct stat st;
		char *abs = absolute(cwd, p);

		if (stat(abs, &st) == 0 && !S_ISDIR(st.st_mode)) {
			rn->roots[i] = dfx_path_dir(abs);
			free(abs);
		} else {
			rn->roots[i] = abs;
		}
		rn->rootfd[i] = -1;
	}
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];
		struct item *it;
		char *abs, *slash;
		const char *rel = NULL, *best = NULL;

		if (!f->changed || f->from_stdin)
			continue;
		DFX_GROW(rn->items, rn->n + 1, cap);
		it = &rn->items[rn->n++];
		memset(it, 0, sizeof(*it));
		it->f = f;
		it->rank = rank_of(f);
		it->root = (size_t)-1;
		abs = absolute(cwd, f->path);
		for (size_t k = 0; k < rn->nroots; k++) {
			const char *b = below(rn->roots[k], abs);

			if (b && (!best || strlen(rn->roots[k]) > strlen(best))) {
				best = rn->roots[k];
				rel = b;
				it->root = k;
			}
		}
		if (!rel) {
			it->dir = dfx_xstrdup("");
			it->name = dfx_xstrdup("");
		} else {
			slash = strrchr(rel, '/');
			it->dir = slash ? dfx_xstrndup(rel, (size_t)(slash - rel)) : dfx_xstrdup("");
			it->name = dfx_xstrdup(slash ? slash + 1 : rel);
		}
		free(abs);
	}
	free(cwd);
	group(rn);
	if (rn->n)
		dfx_qsort(rn->items, rn->n, sizeof(*rn->items), cmp_item);
	/* containment: a unit with a file outside the project is not written */
	for (size_t i = 0; i < rn->n; i++)
		if (rn->items[i].root == (size_t)-1) {
			struct dfx_error err = {0};

			dfx_error_set(&err, rn->items[i].f->path, 0, 0, "outside the project, not written");
			fail_unit(rn, &rn->items[i], &err);
			dfx_error_release(&err);
		}
	propagate(rn);
	drop_unneeded(rn, false);
}

static int finish(struct run *rn)
{
	report(rn);
	revert(rn);
	for (size_t i = 0; i < rn->n; i++) {
		for (size_t k = 0; k < rn->items[i].nmade; k++)
			free(rn->items[i].made[k]);
		free(rn->items[i].made);
		free(rn->items[i].dir);
		free(rn->items[i].name);
		free(rn->items[i].tmp);
	}
	for (size_t i = 0; i < rn->nroots; i++) {
		if (rn->rootfd[i] >= 0)
			close(rn->rootfd[i]);
		free(rn->roots[i]);
	}
	free(rn->roots);
	free(rn->rootfd);
	free(rn->items);
	free(rn->units);
	free(rn->needs);
	free(rn->swept);
	return rn->r->failed_units ? -1 : 0;
}

/* The units of `from`..: [from, *to) share one unit. */
static size_t unit_end(const struct run *rn, size_t from)
{
	size_t to = from;

	while (to < rn->n && rn->items[to].unit == rn->items[from].unit)
		to++;
	return to;
}

int dfx_commit_write(struct dfx_workspace *ws, const struct dfx_commit_opts *o, struct dfx_commit_result *r)
{
	struct run rn = {0};

	plan(&rn, ws, o, r);
	for (size_t from = 0, to; from < rn.n; from = to) {
		to = unit_end(&rn, from);
		stage_unit(&rn, from, to);
	}
	propagate(&rn);
	drop_unneeded(&rn, false);
	if (o->pause_fifo && *o->pause_fifo)
		pause_on(o->pause_fifo);
	/* ignore files, then the other auxiliary files, then the units that need them */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t from = 0, to; from < rn.n; from = to) {
			to = unit_end(&rn, from);
			if (rn.units[rn.items[from].unit].pass == pass)
				commit_unit(&rn, from, to);
		}
		propagate(&rn);
	}
	drop_unneeded(&rn, true);
	return finish(&rn);
}

/*
 * --diff: the checks of staging that need no writing, so the diff shows
 * what --write would write: a symbolic link or a special file at a target,
 * a symbolic link or a non-folder on the way to it. A folder that does not
 * exist yet is fine (--write creates it).
 */
static void probe_unit(struct run *rn, size_t from, size_t to)
{
	for (size_t i = from; i < to && !rn->units[rn->items[i].unit].failed; i++) {
		struct item *it = &rn->items[i];
		struct dfx_error err = {0};
		struct stat st;
		int fd = -1;

		if (rn->rootfd[it->root] < 0)
			rn->rootfd[it->root] = open(rn->roots[it->root], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rn->rootfd[it->root] >= 0)
			fd = dfx_writer_open_dir(rn->rootfd[it->root], it->dir, it->f->path, NULL, NULL, &err);
		if (fd < 0 && err.message && errno == ENOENT && !it->f->on_disk)
			dfx_error_release(&err);
		if (fd >= 0) {
			if (fstatat(fd, it->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
				if (S_ISLNK(st.st_mode))
					dfx_error_set(&err, it->f->path, 0, 0, "is a symbolic link; not writing to it");
				else if (!S_ISREG(st.st_mode))
					dfx_error_set(&err, it->f->path, 0, 0, "is not a regular file; not writing to it");
			}
			close(fd);
		}
		if (err.message)
			fail_unit(rn, it, &err);
		dfx_error_release(&err);
	}
}

int dfx_commit_plan(struct dfx_workspace *ws, const struct dfx_commit_opts *o, struct dfx_commit_result *r)
{
	struct run rn = {0};

	rn.plan_only = true;
	plan(&rn, ws, o, r);
	for (size_t from = 0, to; from < rn.n; from = to) {
		to = unit_end(&rn, from);
		if (rn.items[from].root != (size_t)-1)
			probe_unit(&rn, from, to);
	}
	propagate(&rn);
	drop_unneeded(&rn, false);
	return finish(&rn);
}

void dfx_commit_result_release(struct dfx_commit_result *r)
{
	dfx_buf_release(&r->log);
}
