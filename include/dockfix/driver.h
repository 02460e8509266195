/*
 * driver.h - what the engine offers the commands: run the rules.
 */
#ifndef DOCKFIX_DRIVER_H
#define DOCKFIX_DRIVER_H

#include "dockfix/workspace.h"

/* A warning in ws->diags (path:line:col) for each code in a `# dockfix
   ignore=` comment that names no rule. Returns how many. */
size_t dfx_check_pragmas(struct dfx_workspace *ws);

/* Run every enabled rule on every target file (with ws->incremental, only
   those marked recheck); findings appended to out. Records which files each
   target's rules read. */
void dfx_check_all(struct dfx_workspace *ws, struct dfx_findings *out);

#endif
