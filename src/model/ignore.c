/*
 * ignore.c - the one .dockerignore matcher (moby/patternmatcher) and the
 * one .gitignore matcher (gitignore(5)), see ignore.h: pattern parsing and
 * matching, the chain of .gitignore files from the repository root down to
 * a file's directory (deeper files winning, plus .git/info/exclude), and
 * the appends that make paths ignored.
 *
 * References: gitignore(5) (PATTERN FORMAT, the order of precedence);
 * Docker docs ".dockerignore file" and moby/patternmatcher.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dockfix/ignore.h"
#include "dockfix/path.h"

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

bool dfx_ignore_match_entry(const struct dfx_ignore *ig, const char *path, bool is_dir)
{
	bool excluded = false;
	char *clean = dfx_path_clean(path);
	const char *base = strrchr(clean, '/');

	for (size_t i = 0; i < ig->n; i++) {
		const struct dfx_ignore_pat *pt = &ig->pats[i];

		if (pt->negate == excluded && !(pt->dir_only && !is_dir) &&
		    path_match(pt->pat, ig->style == DFX_IGNORE_GIT && !pt->anchored && base ? base + 1 : clean))
			excluded = !pt->negate;
	}
	free(clean);
	return excluded;
}

/* ---------------------------------------------------------------- the .gitignore chain */

void dfx_ignore_truncate(struct dfx_ignore *ig, size_t n)
{
	while (ig->n > n)
		free(ig->pats[--ig->n].pat);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The parent directory to look in next, or NULL at the top. */
static char *parent_dir(const char *d)
{
	size_t n = strlen(d);

	if (!strcmp(d, ".") || !strcmp(d, "/") || !strcmp(d, "..") || (n >= 3 && !strcmp(d + n - 3, "/..")))
		return NULL;
	return dfx_path_dir(d);
}

const char *dfx_ignore_rel(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "."))
		return path;
	if (!strcmp(dir, "/"))
		return path[0] == '/' ? path + 1 : path;
	if (!strncmp(path, dir, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

/* Directories from the file's own to the top (repository root or scan root). */
static size_t dir_chain(const char *path, char ***out)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	char *d = dfx_path_dir(path);

	for (;;) {
		char *git = dfx_path_join(d, ".git");
		bool top = exists(git);
		char *up;

		free(git);
		DFX_GROW(v, n + 1, cap);
		v[n++] = d;
		if (top || n > 64)
			break;
		up = parent_dir(d);
		if (!up)
			break;
		d = up;
	}
	*out = v;
	return n;
}

char *dfx_ignore_git_top(const char *path)
{
	char **dirs, *clean = dfx_path_clean(path), *top;
	size_t n = dir_chain(clean, &dirs);

	top = dirs[n - 1];
	for (size_t k = 0; k + 1 < n; k++)
		free(dirs[k]);
	free(dirs);
	free(clean);
	return top;
}

void dfx_ignore_add_git(struct dfx_ignore *all, const char *text, size_t len, const char *prefix)
{
	struct dfx_ignore one;

	dfx_ignore_parse(&one, DFX_IGNORE_GIT, text, len);
	for (size_t i = 0; i < one.n; i++) {
		struct dfx_ignore_pat p = one.pats[i];

		if (prefix && *prefix) {
			p.pat = dfx_xasprintf("%s/%s%s", prefix, p.anchored ? "" : "**/", one.pats[i].pat);
			p.anchored = true;
			free(one.pats[i].pat);
		}
		one.pats[i].pat = NULL;
		DFX_GROW(all->pats, all->n + 1, all->cap);
		all->pats[all->n++] = p;
	}
	free(one.pats);
}

enum dfx_ignore_git dfx_ignore_git_status(const struct dfx_ignore_files *fs, const char *path, bool is_dir,
					  char **nearest)
{
	char *clean = dfx_path_clean(path), **dirs;
	size_t n = dir_chain(clean, &dirs);
	const char *top = dirs[n - 1];
	struct dfx_ignore all, pos;
	enum dfx_ignore_git st;

	if (nearest)
		*nearest = NULL;
	memset(&all, 0, sizeof(all));
	all.style = DFX_IGNORE_GIT;
	{
		char *ex = dfx_path_join(top, ".git/info/exclude");
		const struct dfx_source *s = exists(ex) ? fs->read(fs->arg, ex) : NULL;

		if (s)
			dfx_ignore_add_git(&all, s->data, s->len, NULL);
		free(ex);
	}
	for (size_t k = n; k-- > 0;) {
		char *gi = dfx_path_join(dirs[k], ".gitignore");
		const struct dfx_source *s = fs->read(fs->arg, gi);

		if (s) {
			dfx_ignore_add_git(&all, s->data, s->len, strcmp(dirs[k], top) ? dfx_ignore_rel(dirs[k], top) : NULL);
			if (nearest) {
				free(*nearest);
				*nearest = gi;
				gi = NULL;
			}
		}
		free(gi);
	}
	if (dfx_ignore_match(&all, dfx_ignore_rel(clean, top), is_dir)) {
		st = DFX_GIT_IGNORED;
	} else {
		memset(&pos, 0, sizeof(pos));
		pos.style = DFX_IGNORE_GIT;
		pos.pats = dfx_xcalloc(all.n + 1, sizeof(*pos.pats));
		for (size_t i = 0; i < all.n; i++)
			if (!all.pats[i].negate)
				pos.pats[pos.n++] = all.pats[i];
		st = dfx_ignore_match(&pos, dfx_ignore_rel(clean, top), is_dir) ? DFX_GIT_REINCLUDED : DFX_GIT_NOT_IGNORED;
		free(pos.pats);
	}
	dfx_ignore_release(&all);
	for (size_t k = 0; k < n; k++)
		free(dirs[k]);
	free(dirs);
	free(clean);
	return st;
}

void dfx_ignore_paths_add(struct dfx_ignore_paths *ig, const char *path, bool is_dir)
{
	char *clean = dfx_path_clean(path);

	for (size_t i = 0; i < ig->n; i++)
		if (!strcmp(ig->paths[i], clean)) {
			free(clean);
			return;
		}
	if (ig->n + 1 > ig->cap) {
		ig->cap = ig->cap ? ig->cap * 2 : 4;
		ig->paths = dfx_xrealloc(ig->paths, ig->cap * sizeof(*ig->paths));
		ig->dirs = dfx_xrealloc(ig->dirs, ig->cap * sizeof(*ig->dirs));
	}
	ig->paths[ig->n] = clean;
	ig->dirs[ig->n++] = is_dir;
}

void dfx_ignore_paths_release(struct dfx_ignore_paths *ig)
{
	for (size_t i = 0; i < ig->n; i++)
		free(ig->paths[i]);
	free(ig->paths);
	free(ig->dirs);
	memset(ig, 0, sizeof(*ig));
}

/* The pattern that ignores `rel` (relative to the ignore file's directory). */
static char *git_pattern(const char *rel, bool is_dir)
{
	struct dfx_buf b = DFX_BUF_INIT;
	bool slash = strchr(rel, '/') != NULL;

	/* a bare name matches at any depth; a path is anchored by its inner '/' */
	if (!slash && !is_dir && strncmp(rel, ".env", 4) != 0)
		dfx_buf_addc(&b, '/');
	for (const char *p = rel; *p; p++) {
		if (strchr("*?[\\", *p) || (p == rel && (*p == '#' || *p == '!')))
			dfx_buf_addc(&b, '\\');
		dfx_buf_addc(&b, *p);
	}
	if (is_dir)
		dfx_buf_addc(&b, '/');
	return dfx_buf_detach(&b);
}

char *dfx_ignore_append_text(const struct dfx_source *src, const char *lines)
{
	const char *eol = src && src->len ? dfx_source_eol(src) : "\n";
	struct dfx_buf b = DFX_BUF_INIT;

	if (src && src->len && src->data[src->len - 1] != '\n')
		dfx_buf_adds(&b, eol);
	for (const char *p = lines; *p; p++) {
		if (*p == '\n')
			dfx_buf_adds(&b, eol);
		else
			dfx_buf_addc(&b, *p);
	}
	return dfx_buf_detach(&b);
}

size_t dfx_ignore_git_fix(const struct dfx_ignore_files *fs, struct dfx_fix *fix,
			      const struct dfx_ignore_paths *ig, const char *create_dir,
			      struct dfx_buf *desc)
{
	char **files = NULL;
	struct dfx_buf *texts = NULL;
	size_t nf = 0, added = 0;

	for (size_t i = 0; i < ig->n; i++) {
		char *nearest = NULL, *gi, *gdir, *pat;
		size_t k;

		if (dfx_ignore_git_status(fs, ig->paths[i], ig->dirs[i], &nearest) != DFX_GIT_NOT_IGNORED) {
			free(nearest);
			continue;
		}
		gi = nearest ? nearest : dfx_path_join(create_dir, ".gitignore");
		gdir = dfx_path_dir(gi);
		pat = git_pattern(dfx_ignore_rel(ig->paths[i], gdir), ig->dirs[i]);
		free(gdir);
		for (k = 0; k < nf && strcmp(files[k], gi); k++)
			;
		if (k == nf) {
			files = dfx_xrealloc(files, (nf + 1) * sizeof(*files));
			texts = dfx_xrealloc(texts, (nf + 1) * sizeof(*texts));
			files[nf] = gi;
			dfx_buf_init(&texts[nf]);
			nf++;
		} else {
			free(gi);
		}
		dfx_buf_addf(&texts[k], "%s\n", pat);
		if (desc)
			dfx_buf_addf(desc, "%s%s", added ? ", " : "", pat);
		added++;
		free(pat);
	}
	for (size_t k = 0; k < nf; k++) {
		const struct dfx_source *s = fs->read(fs->arg, files[k]);
		char *text = dfx_ignore_append_text(s, texts[k].ptr);

		if (s)
			dfx_fix_edit(fix, files[k], (uint32_t)s->len, (uint32_t)s->len, text);
		else
			dfx_fix_create(fix, files[k], text, 0, 0644);
		free(text);
		free(files[k]);
		dfx_buf_release(&texts[k]);
	}
	free(files);
	free(texts);
	return added;
}
