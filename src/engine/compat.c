/*
 * compat.c - the table of other tools' rules that dockfix checks too.
 * Only true equivalents are listed: the other rule and the dockfix rule
 * flag the same thing, so that silencing one silences the other.
 *
 * References: hadolint README "Rules" (github.com/hadolint/hadolint);
 * Docker docs "Build checks" (docs.docker.com/reference/build-checks/).
 */
#include <string.h>
#include <strings.h>

#include "dockfix/compat.h"

const struct dfx_compat dfx_compat_table[] = {
	{DFX_PRAGMA_HADOLINT, "DL3002", "Last USER should not be root", "DF201"},
	{DFX_PRAGMA_HADOLINT, "DL3004", "Do not use sudo", "DF202"},
	{DFX_PRAGMA_HADOLINT, "DL3006", "Always tag the version of an image explicitly", "DF303"},
	{DFX_PRAGMA_HADOLINT, "DL3007", "Using latest is prone to errors; pin the version explicitly", "DF303"},
	{DFX_PRAGMA_HADOLINT, "DL3020", "Use COPY instead of ADD for files and folders", "DF402"},
	{DFX_PRAGMA_BUILDKIT, "SecretsUsedInArgOrEnv",
	 "Sensitive data should not be used in the ARG or ENV commands", "DF101,DF102"},
};
const size_t dfx_compat_n = sizeof(dfx_compat_table) / sizeof(dfx_compat_table[0]);

const struct dfx_compat *dfx_compat_find(const char *code, size_t n)
{
	for (size_t i = 0; i < dfx_compat_n; i++)
		if (strlen(dfx_compat_table[i].code) == n && strncasecmp(dfx_compat_table[i].code, code, n) == 0)
			return &dfx_compat_table[i];
	return NULL;
}

bool dfx_compat_lists(const struct dfx_compat *e, const char *dockfix_code)
{
	size_t n = strlen(dockfix_code);

	for (const char *p = e->dockfix; *p;) {
		size_t m = strcspn(p, ",");

		if (m == n && strncmp(p, dockfix_code, n) == 0)
			return true;
		p += m;
		if (*p == ',')
			p++;
	}
	return false;
}

bool dfx_compat_covers(enum dfx_pragma_tool tool, const char *code, size_t n, const char *dockfix_code)
{
	const struct dfx_compat *e;

	if (tool == DFX_PRAGMA_BUILDKIT && n == 3 && strncasecmp(code, "all", 3) == 0) {
		for (size_t i = 0; i < dfx_compat_n; i++)
			if (dfx_compat_table[i].tool == tool && dfx_compat_lists(&dfx_compat_table[i], dockfix_code))
				return true;
		return false;
	}
	e = dfx_compat_find(code, n);
	return e && e->tool == tool && dfx_compat_lists(e, dockfix_code);
}
