/*
 * workspace.h - the configuration of a run and the workspace: every file of
 * one run, with its original and fixed bytes and its parse.
 */
#ifndef DOCKFIX_WORKSPACE_H
#define DOCKFIX_WORKSPACE_H

#include "dockfix/core.h"
#include "dockfix/diag.h"
#include "dockfix/path.h"

struct dfx_dockerfile;
struct dfx_compose;
struct dfx_inspect;

struct dfx_sevmap {
	char *code;
	enum dfx_severity severity;
};

struct dfx_ignore;

/* per-file-ignores: codes not reported in the files a pattern matches. */
struct dfx_file_ignores {
	char *glob;
	struct dfx_ignore *match; /* the pattern, gitignore-style */
	char **codes;             /* codes or prefixes */
	size_t ncodes;
};

struct dfx_config {
	char *path;              /* the config file read, or NULL */
	char *root;              /* its folder (absolute): patterns are relative to it */
	char *hadolint;          /* the .hadolint.yaml read, or NULL */
	struct dfx_ignore *exclude; /* exclude: paths discovery skips (NULL: none) */
	struct dfx_file_ignores *pfi;
	size_t npfi;
	char **ignore;           /* rule codes not to report */
	size_t nignore;
	char **select;           /* only these codes (NULL/0: all) */
	size_t nselect;
	struct dfx_sevmap *sevs; /* severity overrides */
	size_t nsevs;
	char **trusted;          /* trusted registries / namespaces (DF302, DC503) */
	size_t ntrusted;
	char **untrusted;        /* built-in trusted registries not to trust */
	size_t nuntrusted;
	enum dfx_severity fail_on;
	bool unsafe_fixes;
	int as_of;               /* evaluation date as YYYYMMDD (base-image EOL) */
};

void dfx_config_init(struct dfx_config *c);
void dfx_config_release(struct dfx_config *c);
/* Whether `code` is enabled by --select / --ignore / config. */
bool dfx_config_enabled(const struct dfx_config *c, const char *code);
/* `path` (a workspace path) relative to the configuration's folder, or NULL
   when it is outside it or there is no configuration (caller frees). */
char *dfx_config_relpath(const struct dfx_config *c, const char *path);
/* Whether per-file-ignores leave `code` enabled for the file at `rel`
   (from dfx_config_relpath(); NULL: always). */
bool dfx_config_enabled_at(const struct dfx_config *c, const char *rel, const char *code);
/* Whether `exclude:` matches `rel` itself (a directory when is_dir); its
   parent directories are not looked at. */
bool dfx_config_excluded(const struct dfx_config *c, const char *rel, bool is_dir);
enum dfx_severity dfx_config_severity(const struct dfx_config *c, const struct dfx_rule *r);

/* One file known to the run: a target being checked, or a file rules read or fixes touch. */
struct dfx_wsfile {
	char *path;               /* normalised path (relative to cwd when under it) */
	enum dfx_kind kind;
	bool target;              /* checked by rules */
	bool linked;              /* ENVFILE: a target because a checked compose file reads it (env_file:) */
	bool on_disk;             /* existed when the run started */
	struct dfx_source orig;   /* bytes on disk (empty when missing) */
	struct dfx_source cur;    /* bytes after fixes so far */
	bool changed;             /* cur differs from orig */
	bool secret;              /* a created secret file: never printed */
	bool from_stdin;          /* read from standard input (never written) */
	unsigned mode;            /* mode for a created file */
	bool failed;              /* could not be read or parsed: err */
	struct dfx_error err;
	struct dfx_dockerfile *df;   /* parse of cur (DOCKERFILE) */
	struct dfx_compose *compose; /* parse of cur (COMPOSE) */
	struct dfx_inspect *inspect; /* parse of cur (IMAGE) */
	char *context;            /* DOCKERFILE: build-context directory ("." ...) */
	char *dockerignore;       /* DOCKERFILE: path of the .dockerignore that applies */
	struct dfx_wsfile **deps; /* files its rules read (fix passes re-check it when one changes) */
	size_t ndeps, depcap;
	bool recheck;             /* fix passes: check it again in the next pass */
	bool touched;             /* fix passes: changed in the last pass */
	/* fix passes (src/engine/fix.c) */
	const struct dfx_edit **pass_edits; /* edits of the fixes chosen this pass, by start (conflict checks) */
	size_t npass, passcap;
	uint32_t passmax;         /* the longest of them */
	size_t slot;              /* 1 + its index among the files of the build being assembled, or 0 */
	struct dfx_fix_region *regs; /* bytes fixes wrote in earlier passes, in current offsets, by start */
	size_t nregs, regcap;
	uint32_t regmax;          /* the longest of them */
	bool pending;             /* first loaded during a parallel check, not yet in ws->files */
	bool parse_pending;       /* a target whose parse waits for dfx_ws_parse_targets() */
};

/* Bytes a fix of rule `code` wrote into a file, in the file's current offsets. */
struct dfx_fix_region {
	const char *code;
	uint32_t start, end;
};

/* What a rule worked out from the disk once for the whole run (a directory's
   key files, a build context's scan), by a key the rule makes; see dfx_ws_memo(). */
struct dfx_memo {
	char *key;
	void *value;
	void (*free_value)(void *);
};

struct dfx_workspace {
	struct dfx_wsfile **files;
	size_t n, cap;
	struct dfx_wsfile **index;   /* open-addressing hash of files by path (icap: a power of two) */
	size_t icap, nindexed;       /* nindexed: files in it (ws->files and pending ones) */
	char *cwd;                   /* the cleaned current directory, read once */
	struct dfx_config *config;
	int jobs;                    /* threads a check may use (0 or 1: the calling thread only) */
	bool defer_parse;            /* dfx_ws_add_target() leaves the parse to dfx_ws_parse_targets() */
	struct dfx_ws_shared *shared; /* locks while threads check (dfx_ws_parallel_begin), or NULL */
	bool incremental;            /* check only targets marked recheck */
	struct dfx_diags diags;      /* what the run has to tell besides findings (the commands print it) */
	struct dfx_memo *memo;       /* open-addressing hash by key (mcap: a power of two) */
	size_t nmemo, mcap;
};

void dfx_ws_init(struct dfx_workspace *ws, struct dfx_config *config);
void dfx_ws_release(struct dfx_workspace *ws);
/* The file at `path`, loading it from disk on first use (never fails:
   a missing file is an empty, not-on-disk entry). */
struct dfx_wsfile *dfx_ws_file(struct dfx_workspace *ws, const char *path);
/* The file at `path` if the run knows it already (no disk access, no dependency noted), or NULL. */
struct dfx_wsfile *dfx_ws_find(struct dfx_workspace *ws, const char *path);
/* Current bytes of `path`, or NULL when it does not exist (on disk or created). */
const struct dfx_source *dfx_ws_read(struct dfx_workspace *ws, const char *path);
/* Add a target (checked) file. */
struct dfx_wsfile *dfx_ws_add_target(struct dfx_workspace *ws, const char *path, enum dfx_kind kind);
/* (Re)parse f->cur into f->df / f->compose / f->inspect. Returns 0 or -1 with f->err set. */
int dfx_ws_parse(struct dfx_wsfile *f);
/* Replace the current bytes (takes ownership of data) and re-parse. */
void dfx_ws_set(struct dfx_wsfile *f, char *data, size_t len);
/*
 * Let `len` bytes of `data` stand in for the file at `path` (standard
 * input, an editor's buffer; src/engine/overlay.c): its original and current
 * bytes. More than DFX_MAX_FILE_SIZE bytes leave it failed with f->err.
 */
struct dfx_wsfile *dfx_ws_overlay(struct dfx_workspace *ws, const char *path, const char *data, size_t len);
/*
 * A value a rule computed from the disk (not from workspace files, which
 * fixes change) for `key`, or NULL; keys are the rule's own, prefixed with
 * its code. dfx_ws_memo_put() hands the value to the workspace, which frees
 * it with `free_value` (may be NULL) when the run ends. A directory listed
 * once per file of the run would otherwise cost the square of the file count.
 */
void *dfx_ws_memo(struct dfx_workspace *ws, const char *key);
void dfx_ws_memo_put(struct dfx_workspace *ws, const char *key, void *value, void (*free_value)(void *));
/*
 * A number that changes whenever a parse tree of any workspace file is
 * replaced or dropped: a value a rule derived from the trees of other files
 * (dfx_ws_memo) is still good while the number is the same.
 */
uint64_t dfx_ws_generation(void);
/*
 * The index `key` of the memo while no parse tree changed since it was
 * built, else a new one: `build` adds its entries (from the workspace's
 * trees), the workspace sorts it, keeps it under `key` and frees it at the
 * end of the run.
 */
/*
 * The first compose file of the run, other than f, in f's folder and named
 * as the default files of `kind` are (dfx_compose_default_names: the base,
 * or the override Compose merges into it), parsed; NULL when none. No disk
 * access.
 */
struct dfx_wsfile *dfx_ws_compose_beside(struct dfx_workspace *ws, const struct dfx_wsfile *f, int kind);
const struct dfx_path_index *dfx_ws_path_index(struct dfx_workspace *ws, const char *key,
					       void (*build)(struct dfx_workspace *ws, struct dfx_path_index *ix));
/*
 * Parallel checks (src/engine/driver.c). Between dfx_ws_parallel_begin()
 * and dfx_ws_parallel_end(), dfx_ws_file(), dfx_ws_find() and the memo may
 * be called from several threads: they lock. A file first loaded then is
 * kept out of ws->files (f->pending) and listed in the calling thread's
 * `loaded` (dfx_ws_checking()); dfx_ws_adopt() then appends the lists of
 * the targets in target order, so ws->files ends in the order one thread
 * checking the targets in order would have given it. Replaced memo values
 * are freed at dfx_ws_parallel_end(), when no thread can still read them.
 */
struct dfx_ws_loaded {
	struct dfx_wsfile **v;
	size_t n, cap;
};
void dfx_ws_parallel_begin(struct dfx_workspace *ws);
void dfx_ws_parallel_end(struct dfx_workspace *ws);
/* The target whose rules the calling thread runs now (the files they read
   become its deps), and where the files it first loads are listed (may be
   NULL outside a parallel check); target NULL: none. */
void dfx_ws_checking(struct dfx_workspace *ws, struct dfx_wsfile *target, struct dfx_ws_loaded *loaded);
/* Append the files of `l` not yet in ws->files, in order; releases l. */
void dfx_ws_adopt(struct dfx_workspace *ws, struct dfx_ws_loaded *l);
/* fn(arg, i) for every i < n, on up to `jobs` threads (the caller's among
   them), each i once, in no particular order; returns when all are done. */
void dfx_ws_run(int jobs, size_t n, void (*fn)(void *arg, size_t i), void *arg);
/* Parse every target left unparsed by ws->defer_parse, on ws->jobs threads. */
void dfx_ws_parse_targets(struct dfx_workspace *ws);

/* The line of f's error to show under it, redacted and escaped (src/engine/errline.c); false when none. */
bool dfx_ws_error_excerpt(const struct dfx_wsfile *f, struct dfx_excerpt *x);

#endif
