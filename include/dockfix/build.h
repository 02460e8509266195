/*
 * build.h - facts about what a Dockerfile's build does and what it puts
 * into the image: the ecosystem a stage compiles, non-production
 * Dockerfile paths, the WORKDIR in effect, secret-looking files copied in
 * and removed again, the image a stage is built FROM.
 *
 * Reference: the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/): FROM, WORKDIR, COPY,
 * ADD, multi-stage builds; CIS Docker Benchmark 4.10.
 */
#ifndef DOCKFIX_BUILD_H
#define DOCKFIX_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "dockfix/dockerfile.h"
#include "dockfix/image.h"

/* What kind of build a stage's RUN steps do (DF401, DF304). */
enum dfx_build_eco { DFX_ECO_NONE, DFX_ECO_NODE, DFX_ECO_GO, DFX_ECO_JAVA, DFX_ECO_RUST, DFX_ECO_C, DFX_ECO_PIP };

struct dfx_build_steps {
	bool node_install, node_build, pip, build_deps, removes_pkgs;
	enum dfx_build_eco eco; /* the first compile step found */
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
enum dfx_build_eco dfx_build_scan(const struct dfx_dockerfile *df, size_t stage, struct dfx_build_steps *s);

/*
 * Whether a Dockerfile's path says it is not a production image: a file
 * name with a build/builder/dev/devel/development/ci/test/tests/
 * devcontainer/toolchain/sdk word (Dockerfile.dev, build.Dockerfile,
 * Dockerfile-ci), or a directory whose name is or has the word test, tests,
 * testdata, testfiles, testing, e2e, fixtures, ci, integration, devcontainer, circleci
 * (tests/, .devcontainer/, gitlab-ci/, nnp-test/). "__" counts as a
 * directory separator too (flattened paths: owner__repo__tests__Dockerfile).
 */
bool dfx_build_nonprod_path(const char *path);

/* The WORKDIR in effect at instruction `at` of its stage ("/" when none
   is known); stage parents are followed. Caller frees. */
char *dfx_build_workdir(const struct dfx_dockerfile *df, size_t at);
/*
 * The WORKDIR in effect at every instruction, in one pass (per-instruction
 * dfx_build_workdir would be quadratic in a long file): at[i] points into
 * a pool of the distinct directories. Paths stop growing at
 * DFX_BUILD_MAX_WORKDIR bytes (a WORKDIR chain of relative steps).
 */
#define DFX_BUILD_MAX_WORKDIR 1024
struct dfx_build_wds {
	const char **at;
	char **pool;
	size_t npool, cap;
};

void dfx_build_workdirs(const struct dfx_dockerfile *df, struct dfx_build_wds *w);
void dfx_build_workdirs_release(struct dfx_build_wds *w);

/*
 * A secret-looking file that a COPY/ADD puts into the image: .env*, *.pem,
 * *.key, id_rsa*, id_ed25519*, id_ecdsa*, id_dsa*, .npmrc, .pypirc,
 * .netrc, .git-credentials, credentials.json, *.p12, *.pfx, anything under
 * .aws/ or .ssh/, kubeconfig. Templates (.env.example, .env.sample, ...)
 * and names that say the file is public (certificates, CA bundles, public
 * and signing keys) are not.
 */
struct dfx_build_copied {
	size_t instr;      /* index of the COPY/ADD */
	size_t word;       /* index of the source word (shell form), or SIZE_MAX */
	const char *src;   /* the source as written (dequoted), borrowed */
	char *target;      /* absolute path in the image */
	bool dir;          /* a directory was copied (target is that directory) */
	const char *what;  /* kind of secret file */
};

/* Every secret-looking source of the COPY/ADD instructions (URL sources
   and heredocs left out; at most DFX_BUILD_MAX_COPIED). Caller frees with
   dfx_build_copied_free. */
#define DFX_BUILD_MAX_COPIED 1024
size_t dfx_build_copied_secrets(const struct dfx_dockerfile *df, struct dfx_build_copied **out);
void dfx_build_copied_free(struct dfx_build_copied *v, size_t n);
/* Whether removing `path` (may hold *, ? and [..]) removes the copied file c. */
bool dfx_build_removes(const struct dfx_build_copied *c, const char *path);
/* The absolute paths RUN instruction `at` removes with rm, shred or
   unlink (variables left out), relative ones against its WORKDIR `wd`
   (see dfx_build_workdirs). Caller frees each and the array. */
size_t dfx_build_rm_targets(const struct dfx_dockerfile *df, size_t at, const char *wd, char ***out);

/*
 * The image reference a stage's FROM names, parsed. False (nothing to
 * release) when the stage is built FROM another stage, the reference is
 * empty, still has unresolved variables, or does not parse. Scratch is
 * returned (ref->scratch).
 */
bool dfx_build_stage_image(const struct dfx_dockerfile *df, const struct dfx_df_stage *st,
			   struct dfx_imageref *ref);
/* Whether stage index `s` is the final stage or one it is built FROM. */
bool dfx_build_stage_in_final(const struct dfx_dockerfile *df, size_t s);

#endif
