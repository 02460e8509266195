/*
 * compat.h - other tools' rule codes that have a dockfix equivalent
 * (hadolint's DL codes, BuildKit's build checks), for their suppression
 * comments, `.hadolint.yaml` and `dockfix explain`.
 */
#ifndef DOCKFIX_COMPAT_H
#define DOCKFIX_COMPAT_H

#include "dockfix/pragma.h"

struct dfx_compat {
	enum dfx_pragma_tool tool; /* DFX_PRAGMA_HADOLINT or DFX_PRAGMA_BUILDKIT */
	const char *code;          /* "DL3002", "SecretsUsedInArgOrEnv" */
	const char *title;         /* what the other tool's rule says */
	const char *dockfix;       /* the equivalent dockfix codes: "DF201", "DF101,DF102" */
};

extern const struct dfx_compat dfx_compat_table[];
extern const size_t dfx_compat_n;

/* The entry for `code` (any case, n bytes), or NULL. */
const struct dfx_compat *dfx_compat_find(const char *code, size_t n);
/* Whether `dockfix_code` is listed in e->dockfix. */
bool dfx_compat_lists(const struct dfx_compat *e, const char *dockfix_code);
/*
 * Whether a `tool` pragma naming `code` (n bytes) suppresses findings of
 * `dockfix_code`: an equivalent listed in the table; BuildKit's `all`
 * covers every rule with a BuildKit equivalent.
 */
bool dfx_compat_covers(enum dfx_pragma_tool tool, const char *code, size_t n, const char *dockfix_code);

#endif
