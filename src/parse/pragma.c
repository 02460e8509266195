/*
 * pragma.c - suppression comments (see pragma.h). The grammar follows
 * hadolint's for its own pragmas (`# hadolint ignore=DL3002,DL3007`, `#
 * hadolint global ignore=...`, hadolint README "Ignoring rules") and the
 * same shape for dockfix's: `#`, blanks, the tool name (dockfix may be
 * followed by ':'), `global` optionally, `ignore`, `=`, codes separated by
 * commas (blanks around them allowed), then free text.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/pragma.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static uint32_t skip_blank(const char *d, uint32_t k, uint32_t e)
{
	while (k < e && blank(d[k]))
		k++;
	return k;
}

/* The word w (any case) at k, followed by a non-word character. */
static bool word_at(const char *d, uint32_t *k, uint32_t e, const char *w)
{
	size_t l = strlen(w);

	if (e - *k < l || strncasecmp(d + *k, w, l) != 0 || (*k + l < e && word_char(d[*k + l])))
		return false;
	*k += (uint32_t)l;
	return true;
}

static void push_code(struct dfx_pragma *pg, size_t *cap, uint32_t s, uint32_t e)
{
	DFX_GROW(pg->codes, pg->ncodes + 1, *cap);
	pg->codes[pg->ncodes].start = s;
	pg->codes[pg->ncodes++].end = e;
}

bool dfx_pragma_parse(const char *d, uint32_t h, uint32_t e, bool hadolint, struct dfx_pragma *pg)
{
	uint32_t k = h + 1;
	size_t cap = 0;

	memset(pg, 0, sizeof(*pg));
	pg->target = DFX_PRAGMA_NO_TARGET;
	while (e > h && (d[e - 1] == '\r' || blank(d[e - 1])))
		e--;
	k = skip_blank(d, k, e);
	if (word_at(d, &k, e, "dockfix")) {
		pg->tool = DFX_PRAGMA_DOCKFIX;
		if (k < e && d[k] == ':')
			k++;
	} else if (hadolint && word_at(d, &k, e, "hadolint")) {
		pg->tool = DFX_PRAGMA_HADOLINT;
	} else {
		return false;
	}
	pg->text.start = h;
	pg->text.end = e;
	k = skip_blank(d, k, e);
	if (word_at(d, &k, e, "global")) {
		pg->global = true;
		k = skip_blank(d, k, e);
		if (!word_at(d, &k, e, "ignore")) {
			pg->error = "expected `ignore=` after `global`";
			return pg->tool == DFX_PRAGMA_DOCKFIX;
		}
	} else if (!word_at(d, &k, e, "ignore")) {
		return false; /* "# dockfix is great": an ordinary comment */
	}
	k = skip_blank(d, k, e);
	if (k >= e || d[k] != '=') {
		pg->error = "expected `=` and rule codes after `ignore`";
		return pg->tool == DFX_PRAGMA_DOCKFIX;
	}
	k = skip_blank(d, k + 1, e);
	for (;;) {
		uint32_t s = k;

		while (k < e && word_char(d[k]))
			k++;
		if (k == s)
			break;
		push_code(pg, &cap, s, k);
		k = skip_blank(d, k, e);
		if (k >= e || d[k] != ',')
			break;
		k = skip_blank(d, k + 1, e);
	}
	if (!pg->ncodes)
		pg->error = "no rule codes after `ignore=`";
	return true;
}

void dfx_pragma_release(struct dfx_pragma *pg)
{
	free(pg->codes);
	pg->codes = NULL;
	pg->ncodes = 0;
}

bool dfx_pragma_used(const struct dfx_pragma *pg, size_t i)
{
	return i >= 64 || (pg->used >> i & 1u);
}

void dfx_pragma_mark(struct dfx_pragma *pg, size_t i)
{
	if (i < 64)
		pg->used |= (uint64_t)1 << i;
}

bool dfx_pragma_code_is(const struct dfx_pragma *pg, const char *d, size_t i, const char *code)
{
	size_t n = pg->codes[i].end - pg->codes[i].start;

	return strlen(code) == n && strncasecmp(d + pg->codes[i].start, code, n) == 0;
}
