/*
 * registry.c - placeholder until rules exist.
 */
#include <string.h>

#include "dockfix.h"

const struct dfx_rule *const dfx_rules[] = {NULL};
const size_t dfx_nrules = 0;

const struct dfx_rule *dfx_rule_find(const char *code)
{
	for (size_t i = 0; i < dfx_nrules; i++)
		if (strcmp(dfx_rules[i]->code, code) == 0)
			return dfx_rules[i];
	return NULL;
}
