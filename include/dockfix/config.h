/*
 * config.h - `.dockfix.yaml`: ignore, select, severity overrides,
 * trusted-registries, fail-on, unsafe-fixes (README "Configuration").
 */
#ifndef DOCKFIX_CONFIG_H
#define DOCKFIX_CONFIG_H

#include "dockfix/workspace.h"

/*
 * Load `explicit_path` when given, else the first `.dockfix.yaml` found in
 * the directory of `start` or above, and the `.hadolint.yaml` beside it or
 * nearest to `start` (up to the repository root). A missing default file
 * is fine; a bad file adds an error to `diags` (path:line:col) and returns -1.
 */
int dfx_config_load(struct dfx_config *c, const char *explicit_path, const char *start, struct dfx_diags *diags);
/* Parse config text (exposed for tests). Returns 0 or -1 with err set. */
int dfx_config_parse(struct dfx_config *c, const struct dfx_source *src, struct dfx_error *err);
/* Parse a .hadolint.yaml: `ignored`, `trustedRegistries`, `override`, for
   the rules with a dockfix equivalent. Returns 0 or -1 with err set. */
int dfx_config_parse_hadolint(struct dfx_config *c, const struct dfx_source *src, struct dfx_error *err);
/* Whether some rule code starts with `prefix` (a group selector like "DF1"). */
bool dfx_rule_prefix(const char *prefix);

#endif
