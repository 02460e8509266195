/*
 * main.c - dispatches to the subcommands (git's commands[] table); every
 * command lives in its own cmd_*.c and reads its options from the one
 * table in options.c (README "Usage"). Anything
 * that is not a subcommand name is the default command: the audit.
 */
#include <string.h>

#include "cmd.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{"explain", dfx_cmd_explain},
	{"init", dfx_cmd_init},
	{"inspect", dfx_cmd_inspect},
	{"lsp", dfx_cmd_lsp},
	{"rules", dfx_cmd_rules},
};

int main(int argc, char **argv)
{
	if (argc > 1)
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(argv[1], commands[i].name) == 0)
				return commands[i].fn(argc - 1, argv + 1);
	return dfx_cmd_check(argc, argv);
}
