/*
 * dfutil.h - helpers shared by the Dockerfile security rules DF101-DF407
 * (src/rules/df1xx.c ... df4xx.c): a small POSIX shell command splitter for
 * RUN (shell form, exec form, heredoc scripts), variable and path mentions,
 * secret-mount edits (RUN --mount=type=secret, the `# syntax=` directive,
 * deleting one ENV/ARG pair), secret-looking file names, and base-image
 * resolution and re-tagging for DF301-DF304.
 *
 * References: research/dockerfile-anchors.md sections 3.4-3.9 (continuations,
 * heredocs, RUN --mount options, `env=` needs Dockerfile frontend 1.10,
 * never insert before the directive block) and SPEC.md section 3.
 * The shell splitter is not a shell: it only finds the simple commands
 * (program and arguments) and pipes that the rules look at.
 */
#ifndef DOCKFIX_RULES_DFUTIL_H
#define DOCKFIX_RULES_DFUTIL_H

#include "dockfix/rule.h"
#include "dockfix/dockerfile.h"
#include "dockfix/image.h"

/* ---------------------------------------------------------------- shell */

/* One simple command of a shell script. */
struct dfx_sh_cmd {
	char **argv;      /* words, quotes and escapes removed; redirections left out */
	char **raw;       /* the same words as written */
	size_t argc, cap;
	size_t prog;      /* index of the program word (after NAME=value
			     assignments and reserved words), argc when none */
	bool piped;       /* its output is piped (`|`, `|&`) into the next command */
	bool subst;       /* comes from inside $(...), `...`, <(...) or >(...) */
};

struct dfx_sh_script {
	struct dfx_sh_cmd *cmds;
	size_t n, cap;
};

/* Split `text` into simple commands, appended to s (subshell bodies too). */
void dfx_sh_parse(struct dfx_sh_script *s, const char *text, size_t len);
void dfx_sh_release(struct dfx_sh_script *s);
/* The commands a RUN executes: its shell-form text, the script of an exec
   form `["sh", "-c", "..."]` (else argv as one command), and heredoc
   bodies that are fed to a shell (`RUN <<EOF`, `RUN <<EOF bash`). */
void dfx_sh_run(struct dfx_sh_script *s, const struct dfx_df_instr *in);
/* The last path component of a word: "/usr/bin/sudo" -> "sudo". */
const char *dfx_sh_base(const char *word);
/* Whether the program word at i is a wrapper that runs another command
   (sudo, env, exec, nohup, time, command, nice, timeout, gosu, su-exec,
   xargs, stdbuf, chroot); then *next is the wrapped program's index. */
bool dfx_sh_wrapper(const struct dfx_sh_cmd *c, size_t i, size_t *next);
/* The program actually run (wrappers skipped), or argc. */
size_t dfx_sh_real_prog(const struct dfx_sh_cmd *c);
/* Whether a program name is a POSIX-family shell (sh, bash, dash, ash, zsh, ksh). */
bool dfx_sh_is_shell(const char *prog);

/* What kind of build a stage's RUN steps do (DF401, DF304). */
enum dfx_eco { DFX_ECO_NONE, DFX_ECO_NODE, DFX_ECO_GO, DFX_ECO_JAVA, DFX_ECO_RUST, DFX_ECO_C, DFX_ECO_PIP };

struct dfx_dfu_build {
	bool node_install, node_build, pip, build_deps, removes_pkgs;
	enum dfx_eco eco;       /* the first compile step found */
	char what[48];          /* the build command: "npm run build", "go build", ... */
	size_t build_at;        /* instruction of the build step */
	size_t node_build_at;
	char node_what[48];
};

/*
 * Scan the RUN steps of a stage for a build: npm/yarn/pnpm install plus a
 * build script, go build, mvn/gradle packaging, cargo build, a C compiler
 * or make/configure/cmake --build (not when the stage uninstalls packages
 * again), or pip install next to compilers and headers.
 */
enum dfx_eco dfx_dfu_build_scan(const struct dfx_dockerfile *df, size_t stage, struct dfx_dfu_build *s);

/*
 * Whether a Dockerfile's path says it is not a production image: a file
 * name with a build/builder/dev/devel/development/ci/test/tests/
 * devcontainer/toolchain/sdk word (Dockerfile.dev, build.Dockerfile,
 * Dockerfile-ci), or a directory whose name is or has the word test, tests,
 * testdata, testfiles, testing, e2e, fixtures, ci, devcontainer, circleci
 * (tests/, .devcontainer/, gitlab-ci/, nnp-test/). "__" counts as a
 * directory separator too (flattened paths: owner__repo__tests__Dockerfile).
 */
bool dfx_dfu_nonprod_path(const char *path);

/* ---------------------------------------------------------------- text */

/* Whether `text` expands variable `name` ($name or ${name...}). */
bool dfx_dfu_mentions_var(const char *text, const char *name);
/* Whether a RUN (text, exec argv, heredoc bodies) mentions variable `name`. */
bool dfx_dfu_run_mentions_var(const struct dfx_df_instr *in, const char *name);
/* Whether a RUN mentions `path` as a whole word-ish token (not a prefix of a longer path). */
bool dfx_dfu_run_mentions_path(const struct dfx_df_instr *in, const char *path);
/* Whether a RUN already has --mount=type=secret with key `key` equal to `value`
   (key "env" or "target" or "id"). */
bool dfx_dfu_has_secret_mount(const struct dfx_df_instr *in, const char *key, const char *value);

/*
 * Whether a credential name (dfx_secret_name) is one only because of a
 * bare "key" token - `CACHE_KEY`, `Filters__0__Key` - and not a qualified
 * one (`API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `LICENSE_KEY`, ...). SPEC
 * DF101 lists apikey, access_key and private_key, not "key" alone.
 */
bool dfx_dfu_bare_key_name(const char *name);
/* Whether a literal looks like a generated secret rather than a word or
   setting: 8+ characters, letters and digits, no blank, '.', '/' or ':'. */
bool dfx_dfu_secretish_value(const char *v);

/*
 * Set f->secret to the first word of instruction `in` that is a credential
 * by its form (a token, a URL with a password), so the text report redacts
 * it from the source line it shows. Nothing when f is NULL or has one.
 */
void dfx_dfu_mask_secret(struct dfx_finding *f, const struct dfx_df_instr *in);

/* ---------------------------------------------------------------- edits */

/* Where a new --flag goes: after the instruction's own flags, before its arguments. */
uint32_t dfx_dfu_flag_insert_at(const struct dfx_df_instr *in);
/*
 * Add to `fix` the edit that deletes instruction `in` with its lines. When
 * it is the file's last line and the file has no final newline, the line
 * break before it goes instead, so the file still ends without one.
 */
void dfx_dfu_delete_instr(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			  const struct dfx_df_instr *in);
/*
 * Add to `fix` the edit that deletes pair k of an ENV/ARG/LABEL: the whole
 * instruction when it is the only pair, else the pair and the blanks (and
 * continuation) that separate it from its neighbour, so the remaining
 * pairs and continuations stay valid.
 */
void dfx_dfu_delete_pair(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			 const struct dfx_df_instr *in, size_t k);
/*
 * Add to `fix` the edit that makes the file declare a Dockerfile frontend
 * that knows RUN --mount=type=secret,env= (1.10+): insert
 * `# syntax=docker/dockerfile:1` as the first line (after a BOM; a syntax
 * line is itself a directive, so an existing directive block stays one), or
 * upgrade an older `docker/dockerfile:1.N` pin. Nothing for another
 * frontend or a new enough one. Returns true when it added an edit.
 */
bool dfx_dfu_syntax_edit(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df);

/*
 * The unsafe fix of DF101/DF102 for pair k of the ENV or ARG instruction
 * `at`: delete the pair (and `ENV NAME=$NAME` pairs that copy an ARG into
 * the image), give every RUN that expands the variable, or runs a tool
 * known to read it from the environment (aws for AWS_*, npm for NPM_TOKEN,
 * gh for GH_TOKEN, ...) - after it in its stage and, for ENV (`inherit`),
 * in the stages built FROM that stage - a
 * `--mount=type=secret,id=<name lower-cased>,env=<NAME>` after its own
 * flags, and declare a frontend that knows `env=`. The lines of the RUNs
 * given a mount are appended to `lines` ("5, 9"). Returns the number of
 * RUNs given a mount.
 */
size_t dfx_dfu_secret_pair_fix(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			       size_t at, size_t k, bool inherit, struct dfx_buf *lines);
/* The same, counting the deleted `ENV NAME=$NAME` pairs in *nenv. */
size_t dfx_dfu_secret_pair_fix_env(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
				   size_t at, size_t k, bool inherit, struct dfx_buf *lines, size_t *nenv);
/* The secret id for a variable: its name lower-cased. Caller frees. */
char *dfx_dfu_secret_id(const char *name);

/* ---------------------------------------------------------------- secret files */

/*
 * Whether a COPY/ADD source path looks like a secret file (SPEC DF103):
 * .env*, *.pem, *.key, id_rsa*, id_ed25519*, id_ecdsa*, id_dsa*, .npmrc,
 * .pypirc, .netrc, .git-credentials, credentials.json, *.p12, *.pfx,
 * anything under .aws/ or .ssh/, kubeconfig. Templates (.env.example,
 * .env.sample, ...) and names that say the file is public (certificates,
 * CA bundles, public and signing keys) are not. *what names the kind.
 */
bool dfx_dfu_secret_file(const char *path, const char **what);

/* A secret-looking file that a COPY/ADD puts into the image. */
struct dfx_dfu_copied {
	size_t instr;      /* index of the COPY/ADD */
	size_t word;       /* index of the source word (shell form), or SIZE_MAX */
	const char *src;   /* the source as written (dequoted), borrowed */
	char *target;      /* absolute path in the image */
	bool dir;          /* a directory was copied (target is that directory) */
	const char *what;  /* kind, from dfx_dfu_secret_file */
};

/* Every secret-looking source of the COPY/ADD instructions (URL sources
   and heredocs left out; at most DFX_DFU_MAX_COPIED). Caller frees with
   dfx_dfu_copied_free. */
#define DFX_DFU_MAX_COPIED 1024
size_t dfx_dfu_copied_secrets(const struct dfx_dockerfile *df, struct dfx_dfu_copied **out);
void dfx_dfu_copied_free(struct dfx_dfu_copied *v, size_t n);
/* Whether removing `path` (may hold *, ? and [..]) removes the copied file c. */
bool dfx_dfu_removes(const struct dfx_dfu_copied *c, const char *path);

/* The absolute paths a RUN removes with rm, shred or unlink (variables
   left out). Caller frees each and the array. */
size_t dfx_dfu_rm_targets(const struct dfx_dockerfile *df, size_t at, char ***out);
/* The same, with the RUN's WORKDIR `wd` known (see dfx_dfu_workdirs). */
size_t dfx_dfu_rm_targets_wd(const struct dfx_dockerfile *df, size_t at, const char *wd, char ***out);

/* The WORKDIR in effect at instruction `at` of its stage ("/" when none
   is known); stage parents are followed. Caller frees. */
char *dfx_dfu_workdir(const struct dfx_dockerfile *df, size_t at);
/*
 * The WORKDIR in effect at every instruction, in one pass (per-instruction
 * dfx_dfu_workdir would be quadratic in a long file): at[i] points into a
 * pool of the distinct directories. Paths stop growing at
 * DFX_DFU_MAX_WORKDIR bytes (a WORKDIR chain of relative steps).
 */
#define DFX_DFU_MAX_WORKDIR 1024
struct dfx_dfu_wds {
	const char **at;
	char **pool;
	size_t npool, cap;
};

void dfx_dfu_workdirs(const struct dfx_dockerfile *df, struct dfx_dfu_wds *w);
void dfx_dfu_workdirs_release(struct dfx_dfu_wds *w);
/* The path a COPY/ADD of `src` to `dest` creates, made absolute against
   `workdir` (dest ending in '/' or more than one source: dest/basename). Caller frees. */
char *dfx_dfu_copy_target(const char *src, const char *dest, bool many, const char *workdir);

/* ---------------------------------------------------------------- images */

/*
 * The image reference a stage's FROM names, parsed. False (nothing to
 * release) when the stage is built FROM another stage, the reference is
 * empty, still has unresolved variables, or does not parse. Scratch is
 * returned (ref->scratch).
 */
bool dfx_dfu_stage_image(const struct dfx_dockerfile *df, const struct dfx_df_stage *st,
			 struct dfx_imageref *ref);
/* Length of the name part of an image reference, before its :tag or @digest. */
size_t dfx_dfu_ref_name_len(const char *ref);
/* Whether stage index `s` is the final stage or one it is built FROM. */
bool dfx_dfu_stage_in_final(const struct dfx_dockerfile *df, size_t s);
/*
 * Add to `fix` the edit that gives stage `st`'s image the tag `tag` (a
 * digest is dropped; the name stays as written): in the FROM's image word
 * when it is written literally, or in the default of the global ARG it is
 * built from (`FROM node:${V}-alpine` with `ARG V=14` -> `ARG V=26`).
 * Returns false (fix untouched) when neither is possible.
 */
bool dfx_dfu_retag(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
		   const struct dfx_df_stage *st, const char *tag);

#endif
