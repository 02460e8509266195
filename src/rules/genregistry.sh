#!/bin/sh
# genregistry.sh RULEDIR OUT.c - the sorted rule registry. Every rule file
# defines `const struct dfx_rule dfx_rule_<code> = {...};`; a rule exists
# by being in RULEDIR, so adding a rule never edits a shared list.
set -eu
dir=$1
out=$2
names=$(grep -ho '^const struct dfx_rule dfx_rule_[a-z0-9]*' "$dir"/*/*.c 2>/dev/null |
	sed 's/.* //' | sort -u)
{
	echo "/* generated from $dir by genregistry.sh; do not edit */"
	echo "#include <string.h>"
	echo "#include \"dockfix/core.h\""
	for n in $names; do
		echo "extern const struct dfx_rule $n;"
	done
	echo "const struct dfx_rule *const dfx_rules[] = {"
	for n in $names; do
		echo "	&$n,"
	done
	echo "	NULL,"
	echo "};"
	echo "const size_t dfx_nrules = sizeof(dfx_rules) / sizeof(dfx_rules[0]) - 1;"
	echo "const struct dfx_rule *dfx_rule_find(const char *code)"
	echo "{"
	echo "	for (size_t i = 0; i < dfx_nrules; i++)"
	echo "		if (strcmp(dfx_rules[i]->code, code) == 0)"
	echo "			return dfx_rules[i];"
	echo "	return NULL;"
	echo "}"
} >"$out.tmp"
mv "$out.tmp" "$out"
