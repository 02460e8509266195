/*
 * driver.h - what the engine offers the commands: run the rules.
 */
#ifndef DOCKFIX_DRIVER_H
#define DOCKFIX_DRIVER_H

#include "dockfix/workspace.h"

/* Warn on stderr (path:line:col: warning:) about codes in `# dockfix ignore=`
   comments that name no rule. Returns how many. */
size_t dfx_check_pragmas(struct dfx_workspace *ws);

/* Run every enabled rule on every target file (with ws->incremental, only
   those marked recheck); findings appended to out. Records which files each
   target's rules read. */
void dfx_check_all(struct dfx_workspace *ws, struct dfx_findings *out);

#endif
