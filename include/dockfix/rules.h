/*
 * rules.h - helpers shared by the rule files in src/rules/ (one rule per
 * file, hadolint style). Rules are pure: they read the workspace and report
 * findings with dfx_report(); fixes are edits on workspace paths.
 */
#ifndef DOCKFIX_RULES_H
#define DOCKFIX_RULES_H

#include "dockfix/check.h"
#include "dockfix/dockerfile.h"

/* The final stage of a Dockerfile, or NULL when it has none. */
const struct dfx_df_stage *dfx_df_final_stage(const struct dfx_dockerfile *df);
/* The image a stage is ultimately built FROM, following stage parents. */
const char *dfx_df_stage_base(const struct dfx_dockerfile *df, const struct dfx_df_stage *st);
/* Whether an instruction's keyword is `cmd` (upper case), looking through ONBUILD never. */
bool dfx_df_is(const struct dfx_df_instr *in, const char *cmd);
/* Text to insert after instruction `in`: prefixes a line ending when the
   instruction is the file's last line without one. Caller frees. */
char *dfx_df_after_text(const struct dfx_dockerfile *df, const struct dfx_df_instr *in, const char *lines);
/* The sources of a COPY/ADD (every argument but the destination), as words. */
size_t dfx_df_copy_sources(const struct dfx_df_instr *in, const char ***out);

#endif
