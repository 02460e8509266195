/*
 * fix.h - the fix engine: pick the fixes of a pass (applicability, no
 * overlap), verify each touched file once with all of them (re-parse;
 * compose files also through libyaml with only the declared YAML paths
 * allowed to change; a file whose combination fails has its fixes verified
 * one by one), splice the survivors into the workspace, re-check, and
 * repeat until nothing changes or DFX_FIX_MAX_PASSES (then a note says how
 * many fixes remain in which file).
 */
#ifndef DOCKFIX_FIX_H
#define DOCKFIX_FIX_H

#include "dockfix/workspace.h"

#define DFX_FIX_MAX_PASSES 16

/* A fix the run applied (in memory: whether it is written is up to the commit). */
struct dfx_fix_applied {
	const char *code;        /* its rule's code */
	char *path;              /* the file of its finding */
	char *description;
	enum dfx_applicability applicability;
	char **files;            /* the files its edits change */
	size_t nfiles;
};

struct dfx_fix_stats {
	size_t applied;     /* fixes applied */
	struct dfx_fix_applied *log; /* each of them, in the order applied */
	size_t nlog, logcap;
	size_t fixable[3];  /* findings with a fix, by applicability (index enum dfx_applicability),
	                       before the first pass */
	size_t dropped;     /* fixes that failed verification or did not converge */
	size_t unconverged; /* of them: the result still raised the finding, or the fix edited again
	                       what it wrote in an earlier pass */
	size_t passes;      /* each dropped fix is a note in ws->diags: "path:line:col: CODE fix dropped: why"
	                       or "... CODE fix did not converge: why" */
};

/*
 * Run fixes of applicability >= min on the workspace until stable.
 * Afterwards the workspace files hold the fixed bytes (f->changed).
 */
void dfx_fix_run(struct dfx_workspace *ws, enum dfx_applicability min, struct dfx_fix_stats *st);
void dfx_fix_stats_release(struct dfx_fix_stats *st);
/*
 * Splice edits (all on one file, non-overlapping) into `data`. Edits are
 * applied from the end so offsets stay valid. Returns a new malloc'd buffer.
 */
char *dfx_fix_splice(const char *data, size_t len, const struct dfx_edit *const *edits, size_t n,
		     size_t *outlen);

#endif
