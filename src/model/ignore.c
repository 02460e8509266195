/*
 * ignore.c - .dockerignore (moby/patternmatcher) and .gitignore
 * (gitignore(5)) matching, see ignore.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/workspace.h"
#include "dockfix/ignore.h"

void dfx_ignore_parse(struct dfx_ignore *ig, enum dfx_ignore_style style, const char *text, size_t len)
{
	const char *p = text, *end = text ? text + len : NULL;
	unsigned line = 0;

	memset(ig, 0, sizeof(*ig));
	ig->style = style;
	if (!text)
		return;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *s = p;
		struct dfx_ignore_pat pat;
		char *raw, *clean;

		line++;
		p = nl ? nl + 1 : end;
		while (e > s && (e[-1] == '\r' || (style == DFX_IGNORE_DOCKER && (e[-1] == ' ' || e[-1] == '\t'))))
			e--;
		if (style == DFX_IGNORE_GIT)
			while (e > s && e[-1] == ' ' && !(e - s >= 2 && e[-2] == '\\'))
				e--;
		if (style == DFX_IGNORE_DOCKER)
			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
		if (s == e || *s == '#')
			continue;
		memset(&pat, 0, sizeof(pat));
		pat.line = line;
		if (*s == '!') {
			pat.negate = true;
			s++;
		} else if (style == DFX_IGNORE_GIT && *s == '\\' && s + 1 < e && (s[1] == '#' || s[1] == '!')) {
			s++;
		}
		if (s == e)
			continue;
		raw = dfx_xstrndup(s, (size_t)(e - s));
		if (style == DFX_IGNORE_GIT) {
			size_t n = strlen(raw);
			if (n && raw[n - 1] == '/') {
				pat.dir_only = true;
				raw[--n] = '\0';
			}
			pat.anchored = strchr(raw, '/') != NULL;
		}
		clean = dfx_path_clean(raw[0] == '/' ? raw + 1 : raw);
		free(raw);
		if (strcmp(clean, ".") == 0 && style == DFX_IGNORE_DOCKER) {
			free(clean);
			continue;
		}
		pat.pat = clean;
		DFX_GROW(ig->pats, ig->n + 1, ig->cap);
		ig->pats[ig->n++] = pat;
	}
}

void dfx_ignore_release(struct dfx_ignore *ig)
{
	for (size_t i = 0; i < ig->n; i++)
		free(ig->pats[i].pat);
	free(ig->pats);
	memset(ig, 0, sizeof(*ig));
}

/* Match one segment-level glob (no '/') against [s, se). */
static bool seg_match(const char *p, const char *pe, const char *s, const char *se)
{
	while (p < pe) {
		if (*p == '*') {
			while (p < pe && *p == '*')
				p++;
			if (p == pe)
				return true;
			for (const char *t = s; t <= se; t++)
				if (seg_match(p, pe, t, se))
					return true;
			return false;
		}
		if (s == se)
			return false;
		if (*p == '?') {
			p++;
			s++;
			continue;
		}
		if (*p == '[') {
			const char *q = p + 1;
			bool neg = false, ok = false;

			if (q < pe && (*q == '!' || *q == '^')) {
				neg = true;
				q++;
			}
			while (q < pe && (*q != ']' || q == p + 1 + neg)) {
				unsigned char lo = (unsigned char)*q, hi = lo;

				if (*q == '\\' && q + 1 < pe)
					lo = hi = (unsigned char)*++q;
				if (q + 2 < pe && q[1] == '-' && q[2] != ']') {
					hi = (unsigned char)q[2];
					q += 2;
				}
				if ((unsigned char)*s >= lo && (unsigned char)*s <= hi)
					ok = true;
				q++;
			}
			if (q >= pe) /* unterminated class: literal '[' */
				ok = *s == '[', q = p;
			if (ok == neg)
				return false;
			p = q + 1;
			s++;
			continue;
		}
		if (*p == '\\' && p + 1 < pe)
			p++;
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return s == se;
}

/* Match pattern segments against path segments, '**' spanning any number. */
static bool path_match(const char *p, const char *s)
{
	for (;;) {
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');

		if (!pe)
			pe = p + strlen(p);
		if (!se)
			se = s + strlen(s);
		if (pe - p == 2 && p[0] == '*' && p[1] == '*') {
			const char *rest = *pe ? pe + 1 : pe;

			if (!*rest)
				return true;
			for (const char *t = s;; ) {
				if (path_match(rest, t))
					return true;
				t = strchr(t, '/');
				if (!t)
					return false;
				t++;
			}
		}
		if (!seg_match(p, pe, s, se))
			return false;
		if (!*pe)
			return !*se;
		if (!*se)
			return false;
		p = pe + 1;
		s = se + 1;
	}
}

bool dfx_glob_match(const char *pat, const char *path)
{
	return path_match(pat, path);
}

/* Does a pattern match the path or one of its parent directories? */
static bool match_or_parent(const struct dfx_ignore_pat *pt, enum dfx_ignore_style style, const char *path,
			    bool is_dir)
{
	char *buf = dfx_xstrdup(path);
	bool hit = false;
	bool dir = is_dir;

	for (;;) {
		const char *base = strrchr(buf, '/');

		if (!(pt->dir_only && !dir)) {
			if (style == DFX_IGNORE_GIT && !pt->anchored)
				hit = path_match(pt->pat, base ? base + 1 : buf);
			else
				hit = path_match(pt->pat, buf);
		}
		if (hit || !base)
			break;
		buf[base - buf] = '\0';
		dir = true;
	}
	free(buf);
	return hit;
}

bool dfx_ignore_match(const struct dfx_ignore *ig, const char *path, bool is_dir)
{
	bool excluded = false;
	char *clean = dfx_path_clean(path);

	for (size_t i = 0; i < ig->n; i++) {
		const struct dfx_ignore_pat *pt = &ig->pats[i];

		if (pt->negate != excluded)
			continue; /* cannot change the outcome */
		if (match_or_parent(pt, ig->style, clean, is_dir))
			excluded = !pt->negate;
	}
	free(clean);
	return excluded;
}
