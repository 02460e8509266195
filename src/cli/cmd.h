/*
 * cmd.h - the subcommands. main.c only dispatches (git's commands[] table);
 * each command lives in its own file; options.c holds every option.
 * Every command returns the process exit status: 0 ok, 1 findings / diff,
 * 2 usage or input error.
 */
#ifndef DOCKFIX_CMD_H
#define DOCKFIX_CMD_H

int dfx_cmd_check(int argc, char **argv);   /* cmd_check.c: audit, --diff, --write */
int dfx_cmd_init(int argc, char **argv);    /* cmd_init.c */
int dfx_cmd_rules(int argc, char **argv);   /* cmd_rules.c */
int dfx_cmd_explain(int argc, char **argv); /* cmd_rules.c */
int dfx_cmd_inspect(int argc, char **argv); /* cmd_inspect.c */
int dfx_cmd_lsp(int argc, char **argv);     /* cmd_lsp.c: the language server */

#endif
