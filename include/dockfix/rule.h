/*
 * rule.h - the rule API: the one header a rule includes.
 *
 * Adding a rule
 * =============
 *
 * 1. Pick the family folder: src/rules/dockerfile/ (DF), compose/ (DC),
 *    image/ (DH: `docker inspect` JSON), ignore/ (DI: .env and ignore
 *    files), meta/ (DX: about suppression comments, see "meta rules"). The code is the family prefix and the next free number of its
 *    group (README "Rules"); the file is named after it: df408.c.
 * 2. Define exactly one `const struct dfx_rule dfx_rule_<code>` in it, with
 *    code, name, severity, the kind of file it checks, the best
 *    applicability of its fix, a one-line summary and the documentation
 *    (What it does / Why is this bad / Example / Use instead / Fix safety /
 *    References). The registry is generated from the rule files at build
 *    time: nothing else lists the rule.
 * 3. Write `static void check(struct dfx_ctx *ctx)`: read ctx->file (its
 *    tree: ctx->file->df or ctx->file->compose) and the workspace, and call
 *    dfx_emit() for each problem. Walk with DFX_EACH_INSTR / DFX_EACH_SERVICE.
 *    A rule never prints, writes files, or asks whether another rule is
 *    enabled: when its findings make another rule's redundant, it names
 *    that rule in `.supersedes` and the engine drops the other's findings
 *    where the two overlap.
 * 4. A fix is a struct dfx_fix of edits on workspace paths (dfx_fix_new,
 *    dfx_fix_edit, dfx_fix_create; compose fixes declare the YAML paths
 *    they change with dfx_fix_path). The engine verifies it by re-parsing
 *    and re-checking; it is never applied unverified. Say `safe` only for
 *    a fix that keeps every service of the stack working (README "Fixes").
 * 5. Add golden cases under golden/<CODE>/ (a case that fires, a near miss
 *    that must not), run `make golden-update`, review the output, and
 *    `make readme` for the rule table.
 */
#ifndef DOCKFIX_RULE_H
#define DOCKFIX_RULE_H

#include <stdarg.h>
#include <stdint.h>

#include "dockfix/compose.h"
#include "dockfix/dockerfile.h"
#include "dockfix/workspace.h"

struct dfx_extenders;

/* What a rule's check function receives. */
struct dfx_ctx {
	struct dfx_workspace *ws;
	struct dfx_wsfile *file;
	const struct dfx_rule *rule;
	struct dfx_findings *out;
	const char *config_path; /* ctx->file's path relative to the configuration's
	                            folder (per-file-ignores), or NULL */
	const struct dfx_extenders *xs; /* the run's `extends: {file:}` index (dfx_rule_extender) */
};

/*
 * The i-th service (0, 1, ...) of another compose file of the run that
 * `extends: {file: <the checked file>, service: <service>}`; NULL past the
 * last; *file (may be NULL) is the path of its file. Compose runs the
 * base's values in it: a port it publishes exposes what the base defines.
 */
const struct dfx_compose_service *dfx_rule_extender(const struct dfx_ctx *ctx, const char *service, size_t i,
						     const char **file);

/*
 * Report a finding of the running rule at `span` of the checked file.
 * Returns NULL when it is suppressed by a comment at that place; otherwise
 * the finding, to which the caller may attach ->fix and ->hint. The message
 * must not contain a secret value (use dfx_redact()).
 */
struct dfx_finding *dfx_emit(struct dfx_ctx *ctx, struct dfx_span span, const char *fmt, ...)
	DFX_PRINTF(3, 4);

/*
 * dfx_emit() for a finding whose cause is written in one place and takes
 * effect in another (a key of an anchor that a service merges with
 * `<<: *x`): reported at `span`, and suppressed by a comment there or at the
 * offset `site` (the service's `<<: *x` entry), unless site is DFX_NO_SITE.
 */
#define DFX_NO_SITE UINT32_MAX
struct dfx_finding *dfx_emit_site(struct dfx_ctx *ctx, struct dfx_span span, uint32_t site, const char *fmt,
				  va_list ap) DFX_PRINTF(4, 0);

/*
 * Give a finding its severity from what the rule knows of the case (a
 * service that is not reachable from outside the host, a secret in the
 * build context) instead of the rule's default. A severity set in the
 * configuration for the rule still wins. `f` may be NULL.
 */
void dfx_finding_severity(const struct dfx_ctx *ctx, struct dfx_finding *f, enum dfx_severity s);

/* Whether a finding of the running rule at `off` would be suppressed. */
bool dfx_rule_suppressed(const struct dfx_ctx *ctx, uint32_t off);

/* ---------------------------------------------------------------- meta rules */

/*
 * A rule of kind DFX_KIND_UNKNOWN is a meta rule: it runs on every checked
 * Dockerfile and compose file after the other rules, and reads what they
 * did (the `used` bits of the file's pragmas, pragma.h).
 */

/* Whether the rule `code` is enabled for ctx->file (select, ignore, per-file-ignores). */
bool dfx_rule_judged(const struct dfx_ctx *ctx, const char *code);
/* The rule code i of a dockfix pragma names (any case), or NULL. */
const struct dfx_rule *dfx_pragma_rule(const struct dfx_pragma *pg, const char *d, size_t i);
/* The suppression comments of a checked Dockerfile or compose file (*n of them), or NULL. */
struct dfx_pragma *dfx_file_pragmas(struct dfx_wsfile *f, size_t *n);

/* ---------------------------------------------------------------- walkers */

/* The instruction ONBUILD wraps, or `in` itself. */
static inline const struct dfx_df_instr *dfx_df_unwrap(const struct dfx_df_instr *in)
{
	return in->sub && dfx_df_is(in, "ONBUILD") ? in->sub : in;
}

/* Each instruction of `df` in order, ONBUILD's wrapped instruction in place
   of the ONBUILD: `const struct dfx_df_instr *in; DFX_EACH_INSTR(df, in) {...}`. */
#define DFX_EACH_INSTR(df, in)                                                    \
	for (size_t in##_i_ = 0;                                                  \
	     in##_i_ < (df)->ninstrs && ((in) = dfx_df_unwrap(&(df)->instrs[in##_i_]), 1); \
	     in##_i_++)

/* Each service of compose file `c` in order:
   `const struct dfx_compose_service *s; DFX_EACH_SERVICE(c, s) {...}`. */
#define DFX_EACH_SERVICE(c, s)                                                      \
	for (size_t s##_i_ = 0; s##_i_ < (c)->nservices && ((s) = &(c)->services[s##_i_], 1); \
	     s##_i_++)


#endif
