/*
 * dockerfile.c - the lossless Dockerfile parser.
 *
 * Implements the grammar of BuildKit's frontend/dockerfile/parser
 * (github.com/moby/buildkit, frontend/dockerfile/parser; the Dockerfile
 * reference https://docs.docker.com/reference/dockerfile/): the directive
 * block (syntax, escape, check), escape-character continuations whose
 * comment and blank lines are trivia, heredocs, exec (JSON) versus shell
 * form, --flag words, ENV/ARG/LABEL pairs, FROM stages with ARG defaults
 * declared before the first FROM, and ONBUILD.
 *
 * The tree never copies or normalises the source: every node holds byte
 * spans into it, and the pieces (BOM, directive lines, trivia lines and each
 * instruction's lines) tile the file, which dfx_dockerfile_print() proves.
 * Decoded strings (args_text, word text, values) are computed on the side.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockerfile_int.h"

/*
 * Length of the Unicode white-space character (Go's unicode.IsSpace) that
 * starts at s[i], or 0.
 */
size_t dfx_dfparse_uspace(const char *s, size_t i, size_t n)
{
	const unsigned char *u;
	size_t left;

	if (i >= n)
		return 0;
	u = (const unsigned char *)s + i;
	left = n - i;
	switch (u[0]) {
	case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
		return 1;
	case 0xC2: /* U+0085, U+00A0 */
		return left >= 2 && (u[1] == 0x85 || u[1] == 0xA0) ? 2 : 0;
	case 0xE1: /* U+1680 */
		return left >= 3 && u[1] == 0x9A && u[2] == 0x80 ? 3 : 0;
	case 0xE2: /* U+2000..U+200A, U+2028, U+2029, U+202F, U+205F */
		if (left < 3)
			return 0;
		if (u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xA8 ||
				     u[2] == 0xA9 || u[2] == 0xAF))
			return 3;
		return u[1] == 0x81 && u[2] == 0x9F ? 3 : 0;
	case 0xE3: /* U+3000 */
		return left >= 3 && u[1] == 0x80 && u[2] == 0x80 ? 3 : 0;
	}
	return 0;
}

/* Skip Unicode white space forward from i. */
size_t dfx_dfparse_skip_uspace(const char *s, size_t i, size_t n)
{
	size_t k;

	while (i < n && (k = dfx_dfparse_uspace(s, i, n)) != 0)
		i += k;
	return i;
}

/* Trim Unicode white space backward from e (not below lo). */
size_t dfx_dfparse_rtrim_uspace(const char *s, size_t lo, size_t e)
{
	for (;;) {
		size_t w;

		for (w = 1; w <= 3; w++)
			if (e >= lo + w && dfx_dfparse_uspace(s, e - w, e) == w)
				break;
		if (w > 3)
			return e;
		e -= w;
	}
}

/* Width of the UTF-8 character at s[i] (1 for a byte that is not one). */
size_t dfx_dfparse_utf8_width(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	size_t w, k;

	if (c < 0xC2)
		return 1;
	else if (c < 0xE0)
		w = 2;
	else if (c < 0xF0)
		w = 3;
	else if (c < 0xF5)
		w = 4;
	else
		return 1;
	if (i + w > n)
		return 1;
	for (k = 1; k < w; k++)
		if (((unsigned char)s[i + k] & 0xC0) != 0x80)
			return 1;
	return w;
}

char *dfx_dfparse_lower_dup(const char *s, size_t n)
{
	char *p = dfx_xstrndup(s, n);

	for (size_t i = 0; i < n; i++)
		p[i] = to_lower(p[i]);
	return p;
}



/* ================================================================ parser state */

int dfx_dfparse_fail_at(struct parser *p, uint32_t off, const char *fmt, ...)
{
	struct dfx_buf b = DFX_BUF_INIT;
	unsigned line, col;
	va_list ap;

	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	dfx_source_linecol(p->src, off, &line, &col);
	dfx_error_set(p->err, p->src->path, line, col, "%s", b.ptr ? b.ptr : "");
	dfx_buf_release(&b);
	return -1;
}

/* Span of logical bytes [i, j) in the source; `at` when empty. */
struct dfx_span dfx_dfparse_lspan(const uint32_t *map, size_t i, size_t j, uint32_t at)
{
	struct dfx_span sp;

	if (j > i) {
		sp.start = map[i];
		sp.end = map[j - 1] + 1;
	} else {
		sp.start = sp.end = at;
	}
	return sp;
}

static void push_code(char ***v, size_t *n, size_t *cap, const char *s, size_t len)
{
	DFX_GROW(*v, *n + 1, *cap);
	(*v)[(*n)++] = dfx_xstrndup(s, len);
}

/* ================================================================ pragmas */

/* A pragma above the next instruction, until that instruction is known. */
#define PENDING (DFX_PRAGMA_NO_TARGET - 1)

static void push_pragma_codes(const char *d, const struct dfx_pragma *pg, char ***v, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < pg->ncodes; i++)
		push_code(v, n, cap, d + pg->codes[i].start, pg->codes[i].end - pg->codes[i].start);
}

static struct dfx_pragma *add_pragma(struct parser *p, const struct dfx_pragma *pg)
{
	struct dfx_dockerfile *df = p->df;

	DFX_GROW(df->pragmas, df->npragmas + 1, p->pcap);
	df->pragmas[df->npragmas] = *pg;
	return &df->pragmas[df->npragmas++];
}

/* A comment line: '#' at h, content end e. `above` when it is trivia. */
static void comment_line(struct parser *p, size_t line, uint32_t h, uint32_t e, bool above)
{
	struct dfx_dockerfile *df = p->df;
	struct dfx_pragma pg;

	if (above) {
		if (!p->npend) {
			p->pend_first = line;
			p->pend_pragma = df->npragmas;
		}
		p->npend++;
	}
	if (!dfx_pragma_parse(p->d, h, e, true, &pg))
		return;
	if (!pg.global && !pg.error && above)
		pg.target = PENDING;
	if (pg.global && !pg.error && pg.tool == DFX_PRAGMA_DOCKFIX)
		push_pragma_codes(p->d, &pg, &df->global_ignore, &df->nglobal_ignore, &p->gcap);
	add_pragma(p, &pg);
}

/* The pragmas of the comment lines directly above instruction `in`; with
   in NULL (a blank line came between), they apply to nothing. */
static void take_pending(struct parser *p, struct dfx_df_instr *in)
{
	struct dfx_dockerfile *df = p->df;
	size_t cap = 0;

	for (size_t k = p->npend ? p->pend_pragma : df->npragmas; k < df->npragmas; k++) {
		struct dfx_pragma *pg = &df->pragmas[k];

		if (pg->target != PENDING)
			continue;
		pg->target = in ? (uint32_t)(in - df->instrs) : DFX_PRAGMA_NO_TARGET;
		if (in && pg->tool == DFX_PRAGMA_DOCKFIX)
			push_pragma_codes(p->d, pg, &in->ignore, &in->nignore, &cap);
	}
	p->npend = 0;
}

/* BuildKit's `# check=skip=A,B;error=true` directive (value at d[vs..ve)):
   a global pragma of the names after skip= ("all" included). */
static void check_directive(struct parser *p, uint32_t t, uint32_t e, uint32_t vs, uint32_t ve)
{
	const char *d = p->d;
	struct dfx_pragma pg;
	size_t cap = 0;

	memset(&pg, 0, sizeof(pg));
	pg.tool = DFX_PRAGMA_BUILDKIT;
	pg.global = true;
	pg.target = DFX_PRAGMA_NO_TARGET;
	pg.text.start = t;
	pg.text.end = e;
	while (pg.text.end > t && (d[pg.text.end - 1] == '\r' || is_blank(d[pg.text.end - 1])))
		pg.text.end--;
	for (uint32_t k = vs; k < ve;) {
		uint32_t s = k, pe;

		while (k < ve && d[k] != ';')
			k++;
		pe = k++;
		while (s < pe && is_blank(d[s]))
			s++;
		if (pe - s < 5 || strncasecmp(d + s, "skip", 4) != 0)
			continue;
		s += 4;
		while (s < pe && is_blank(d[s]))
			s++;
		if (s >= pe || d[s] != '=')
			continue;
		for (uint32_t c = s + 1; c < pe;) {
			uint32_t cs;

			while (c < pe && (is_blank(d[c]) || d[c] == ','))
				c++;
			cs = c;
			while (c < pe && !is_blank(d[c]) && d[c] != ',')
				c++;
			if (c > cs) {
				DFX_GROW(pg.codes, pg.ncodes + 1, cap);
				pg.codes[pg.ncodes].start = cs;
				pg.codes[pg.ncodes++].end = c;
			}
		}
	}
	if (pg.ncodes)
		add_pragma(p, &pg);
}

/* ================================================================ lines */

static int split_lines(struct parser *p)
{
	const char *d = p->d;
	size_t n = p->src->len, pos = p->df->body_start;
	const char *nul = memchr(d, '\0', n);

	if (nul)
		return dfx_dfparse_fail_at(p, (uint32_t)(nul - d), "binary file");
	while (pos < n) {
		const char *nl = memchr(d + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - d) + 1 : n;
		size_t ce = nl ? end - 1 : end;

		if (ce - pos > DFX_MAX_LINE_LEN)
			return dfx_dfparse_fail_at(p, (uint32_t)(pos + DFX_MAX_LINE_LEN),
				       "line too long (%zu bytes; the limit is %u)", ce - pos,
				       DFX_MAX_LINE_LEN);
		while (ce > pos && d[ce - 1] == '\r')
			ce--;
		DFX_GROW(p->pl, p->npl + 1, p->plcap);
		p->pl[p->npl].start = (uint32_t)pos;
		p->pl[p->npl].cend = (uint32_t)ce;
		p->pl[p->npl].end = (uint32_t)end;
		p->npl++;
		pos = end;
	}
	return 0;
}

static void add_trivia(struct parser *p, size_t line)
{
	struct dfx_dockerfile *df = p->df;

	DFX_GROW(df->trivia, df->ntrivia + 1, p->tcap);
	df->trivia[df->ntrivia].start = p->pl[line].start;
	df->trivia[df->ntrivia].end = p->pl[line].end;
	df->ntrivia++;
}

/*
 * BuildKit's continuation test: the escape character, then only blanks to
 * the end, and not itself escaped (unless it is the whole line). *cut is
 * where the joined text stops.
 */
static bool continues(const char *d, uint32_t s, uint32_t e, char esc, uint32_t *cut)
{
	uint32_t q = e;

	while (q > s && is_blank(d[q - 1]))
		q--;
	if (q == s || d[q - 1] != esc)
		return false;
	if (q - 1 > s && d[q - 2] == esc)
		return false;
	*cut = q - 1;
	return true;
}

static void lappend(struct parser *p, uint32_t from, uint32_t to)
{
	size_t n = to - from;

	dfx_buf_add(&p->lb, p->d + from, n);
	DFX_GROW(p->lmap, p->lb.len + 1, p->lmapcap);
	for (size_t k = 0; k < n; k++)
		p->lmap[p->lb.len - n + k] = from + (uint32_t)k;
}

/*
 * A directive line of the leading block (BuildKit's DirectiveParser):
 * '#', then `key = value` with a known key. Returns 1 when line i is one,
 * 0 when it is not (the block ends), -1 on error.
 */
static int directive(struct parser *p, size_t i, uint32_t t, uint32_t e)
{
	struct dfx_dockerfile *df = p->df;
	const char *d = p->d;
	struct dfx_df_directive *dir;
	uint32_t k, ks, ke, vs, ve;
	char *key;

	if (t >= e || d[t] != '#')
		return 0;
	k = (uint32_t)dfx_dfparse_skip_uspace(d, t + 1, e);
	if (k >= e || !is_alpha(d[k]))
		return 0;
	ks = k;
	while (k < e && (is_alpha(d[k]) || is_digit(d[k])))
		k++;
	ke = k;
	while (k < e && is_re_space(d[k]))
		k++;
	if (k >= e || d[k] != '=')
		return 0;
	k++;
	if (k >= e)
		return 0;
	vs = k;
	while (vs < e && is_re_space(d[vs]))
		vs++;
	ve = e;
	while (ve > vs && is_re_space(d[ve - 1]))
		ve--;
	if (ve == vs) /* only blanks: the regex's lazy (.+?) takes the last one */
		vs = e - 1, ve = e;
	key = dfx_dfparse_lower_dup(d + ks, ke - ks);
	if (strcmp(key, "syntax") && strcmp(key, "escape") && strcmp(key, "check")) {
		free(key);
		return 0;
	}
	for (size_t j = 0; j < df->ndirectives; j++) {
		if (strcmp(df->directives[j].key, key) == 0) {
			dfx_dfparse_fail_at(p, t, "only one %s parser directive can be used", key);
			free(key);
			return -1;
		}
	}
	if (strcmp(key, "escape") == 0) {
		if (ve - vs != 1 || (d[vs] != '\\' && d[vs] != '`')) {
			dfx_dfparse_fail_at(p, vs, "invalid escape token '%.*s' does not match ` or \\",
				(int)(ve - vs), d + vs);
			free(key);
			return -1;
		}
		df->escape = d[vs];
	}
	DFX_GROW(df->directives, df->ndirectives + 1, p->dcap);
	dir = &df->directives[df->ndirectives++];
	dir->key = key;
	dir->value = dfx_xstrndup(d + vs, ve - vs);
	dir->lines.start = p->pl[i].start;
	dir->lines.end = p->pl[i].end;
	if (strcmp(key, "check") == 0)
		check_directive(p, t, e, vs, ve);
	return 1;
}

/* One instruction starting at physical line *ip; *ip is set to its last line. */
static int instruction(struct parser *p, size_t *ip)
{
	struct dfx_dockerfile *df = p->df;
	const char *d = p->d;
	size_t first = *ip, i = *ip, a, b;
	const struct pline *L = &p->pl[i];
	uint32_t t = (uint32_t)dfx_dfparse_skip_uspace(d, L->start, L->cend), cut, last_cend;
	struct dfx_df_instr *in;
	bool cont;

	dfx_buf_reset(&p->lb);
	dfx_buf_add(&p->lb, "", 0);
	cont = continues(d, t, L->cend, df->escape, &cut);
	lappend(p, t, cont ? cut : L->cend);
	last_cend = L->cend;
	while (cont && i + 1 < p->npl) {
		uint32_t u;

		L = &p->pl[++i];
		u = (uint32_t)dfx_dfparse_skip_uspace(d, L->start, L->cend);
		if (u < L->cend && d[u] == '#') {
			comment_line(p, i, u, L->cend, false);
			continue;
		}
		if (u == L->cend)
			continue;
		cont = continues(d, L->start, L->cend, df->escape, &cut);
		lappend(p, L->start, cont ? cut : L->cend);
		last_cend = L->cend;
		if (p->lb.len > DFX_MAX_LINE_LEN)
			return dfx_dfparse_fail_at(p, p->pl[first].start,
				       "instruction too long (over %u bytes once its lines are joined)",
				       DFX_MAX_LINE_LEN);
	}
	DFX_GROW(p->lmap, p->lb.len + 1, p->lmapcap);
	p->lmap[p->lb.len] = p->lb.len ? p->lmap[p->lb.len - 1] + 1 : t;

	if (df->ninstrs >= MAX_INSTRUCTIONS)
		return dfx_dfparse_fail_at(p, p->pl[first].start, "too many instructions (the limit is %u)",
			       MAX_INSTRUCTIONS);
	DFX_GROW(df->instrs, df->ninstrs + 1, p->icap);
	in = &df->instrs[df->ninstrs++];
	memset(in, 0, sizeof(*in));
	take_pending(p, in);
	if (dfx_dfparse_build_instr(p, in, p->lb.ptr, p->lmap, p->lb.len, 0) < 0)
		return -1;
	while (last_cend > in->span.start && is_blank(d[last_cend - 1]))
		last_cend--;
	in->span.end = last_cend;
	if (dfx_dfparse_heredoc_capable(in)) {
		a = dfx_dfparse_skip_uspace(p->lb.ptr, 0, p->lb.len);
		b = dfx_dfparse_rtrim_uspace(p->lb.ptr, a, p->lb.len);
		if (dfx_dfparse_read_heredocs(p, in, p->lb.ptr, p->lmap, a, b, &i) < 0)
			return -1;
	}
	in->lines.start = p->pl[first].start;
	in->lines.end = p->pl[i].end;
	if (in->span.start > in->span.end)
		in->span.start = in->span.end;
	if (in->sub) {
		struct dfx_df_instr *sub = in->sub;

		sub->lines = in->lines;
		sub->span.end = in->span.end;
		if (sub->span.start > sub->span.end)
			sub->span.start = sub->span.end;
		dfx_dfparse_copy_heredocs(sub, in);
	}
	*ip = i;
	return 0;
}

static int parse_lines(struct parser *p)
{
	bool directives_done = false;
	size_t i = 0;

	while (i < p->npl) {
		const struct pline *L = &p->pl[i];
		uint32_t t = (uint32_t)dfx_dfparse_skip_uspace(p->d, L->start, L->cend);

		if (!directives_done) {
			int r = directive(p, i, t, L->cend);

			if (r < 0)
				return -1;
			if (r > 0) {
				i++;
				continue;
			}
			directives_done = true;
		}
		if (t == L->cend) {
			add_trivia(p, i);
			take_pending(p, NULL);
			i++;
			continue;
		}
		if (p->d[t] == '#') {
			add_trivia(p, i);
			comment_line(p, i, t, L->cend, true);
			i++;
			continue;
		}
		if (instruction(p, &i) < 0)
			return -1;
		i++;
	}
	return 0;
}

/* ================================================================ entry points */

struct dfx_dockerfile *dfx_dockerfile_parse(const struct dfx_source *src, struct dfx_error *err)
{
	struct parser p;
	struct dfx_dockerfile *df = dfx_xcalloc(1, sizeof(*df));
	int rc;

	memset(&p, 0, sizeof(p));
	p.src = src;
	p.d = src->data;
	p.df = df;
	p.err = err;
	df->src = src;
	df->escape = '\\';
	df->body_start = dfx_source_has_bom(src) ? 3 : 0;
	if (src->len > DFX_MAX_FILE_SIZE) {
		dfx_error_set(err, src->path, 0, 0, "file too large (%zu bytes; the limit is %u)",
			      src->len, DFX_MAX_FILE_SIZE);
		rc = -1;
	} else {
		rc = split_lines(&p);
		if (rc == 0)
			rc = parse_lines(&p);
	}
	if (rc == 0) {
		take_pending(&p, NULL);
		dfx_dfparse_build_stages(&p);
		for (size_t i = 0; i < df->ninstrs; i++) {
			struct dfx_df_instr *in = &df->instrs[i];
			unsigned col;

			dfx_source_linecol(src, in->keyword.start, &in->line, &col);
			if (in->sub)
				dfx_source_linecol(src, in->sub->keyword.start, &in->sub->line, &col);
		}
	}
	free(p.pl);
	free(p.lmap);
	dfx_buf_release(&p.lb);
	if (rc < 0) {
		dfx_dockerfile_free(df);
		return NULL;
	}
	return df;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void instr_release(struct dfx_df_instr *in)
{
	free(in->cmd);
	for (size_t k = 0; k < in->nflags; k++) {
		free(in->flags[k].name);
		free(in->flags[k].value);
	}
	free(in->flags);
	free(in->args_text);
	free(in->args_map);
	free_strv(in->argv, in->argc);
	for (size_t k = 0; k < in->nwords; k++) {
		free(in->words[k].text);
		free(in->words[k].raw);
	}
	free(in->words);
	for (size_t k = 0; k < in->nkvs; k++) {
		free(in->kvs[k].key);
		free(in->kvs[k].value);
	}
	free(in->kvs);
	for (size_t k = 0; k < in->nheredocs; k++) {
		free(in->heredocs[k].name);
		free(in->heredocs[k].content);
	}
	free(in->heredocs);
	if (in->sub) {
		instr_release(in->sub);
		free(in->sub);
	}
	free_strv(in->ignore, in->nignore);
}

void dfx_dockerfile_free(struct dfx_dockerfile *df)
{
	if (!df)
		return;
	for (size_t i = 0; i < df->ndirectives; i++) {
		free(df->directives[i].key);
		free(df->directives[i].value);
	}
	free(df->directives);
	for (size_t i = 0; i < df->ninstrs; i++)
		instr_release(&df->instrs[i]);
	free(df->instrs);
	for (size_t i = 0; i < df->nstages; i++) {
		free(df->stages[i].name);
		free(df->stages[i].image);
		free(df->stages[i].platform);
	}
	free(df->stages);
	free_strv(df->global_ignore, df->nglobal_ignore);
	for (size_t i = 0; i < df->npragmas; i++)
		dfx_pragma_release(&df->pragmas[i]);
	free(df->pragmas);
	free(df->trivia);
	free(df);
}

void dfx_dockerfile_print(const struct dfx_dockerfile *df, struct dfx_buf *out)
{
	const char *d = df->src->data;
	size_t di = 0, ti = 0, ii = 0;

	dfx_buf_add(out, d, df->body_start);
	for (;;) {
		const struct dfx_span *best = NULL, *c;
		int which = -1;

		if (di < df->ndirectives) {
			best = &df->directives[di].lines;
			which = 0;
		}
		if (ti < df->ntrivia && (!best || df->trivia[ti].start < best->start)) {
			best = &df->trivia[ti];
			which = 1;
		}
		if (ii < df->ninstrs) {
			c = &df->instrs[ii].lines;
			if (!best || c->start < best->start) {
				best = c;
				which = 2;
			}
		}
		if (!best)
			break;
		if (best->end > best->start)
			dfx_buf_add(out, d + best->start, best->end - best->start);
		if (which == 0)
			di++;
		else if (which == 1)
			ti++;
		else
			ii++;
	}
}

const struct dfx_df_directive *dfx_dockerfile_directive(const struct dfx_dockerfile *df,
							 const char *key)
{
	for (size_t i = 0; i < df->ndirectives; i++)
		if (strcasecmp(df->directives[i].key, key) == 0)
			return &df->directives[i];
	return NULL;
}

const struct dfx_df_flag *dfx_df_instr_flag(const struct dfx_df_instr *in, const char *name)
{
	for (size_t i = 0; i < in->nflags; i++)
		if (strcasecmp(in->flags[i].name, name) == 0)
			return &in->flags[i];
	return NULL;
}

/* The last ARG `name` among instructions [lo, hi]; *declared when found. */
static const char *arg_in(const struct dfx_dockerfile *df, size_t lo, size_t hi, const char *name,
			  bool *declared)
{
	*declared = false;
	for (size_t i = hi + 1; i-- > lo;) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (!dfx_dfparse_cmd_is(in, "ARG"))
			continue;
		for (size_t k = in->nkvs; k-- > 0;) {
			if (strcmp(in->kvs[k].key, name) == 0) {
				*declared = true;
				if (in->kvs[k].value)
					return in->kvs[k].value;
			}
		}
		if (*declared)
			return NULL;
	}
	return NULL;
}

const char *dfx_dockerfile_arg_default(const struct dfx_dockerfile *df, size_t at, const char *name)
{
	const struct dfx_df_instr *in;
	size_t meta_end;
	const char *v;
	bool declared;

	if (!df->ninstrs)
		return NULL;
	if (at >= df->ninstrs)
		at = df->ninstrs - 1;
	in = &df->instrs[at];
	meta_end = df->nstages ? df->stages[0].from : df->ninstrs;
	if (in->stage < 0 || df->stages[in->stage].from == at) {
		/* before the first FROM, or on a FROM line: the global ARGs */
		if (!meta_end)
			return NULL;
		return arg_in(df, 0, (at < meta_end ? at : meta_end - 1), name, &declared);
	}
	v = arg_in(df, df->stages[in->stage].first, at, name, &declared);
	if (v || !declared || !meta_end)
		return v;
	/* declared without a default inside the stage: the global default */
	return arg_in(df, 0, meta_end - 1, name, &declared);
}

bool dfx_dockerfile_suppressed(const struct dfx_dockerfile *df, const struct dfx_df_instr *in,
			       const char *code)
{
	for (size_t i = 0; i < df->nglobal_ignore; i++)
		if (strcasecmp(df->global_ignore[i], code) == 0)
			return true;
	if (in)
		for (size_t i = 0; i < in->nignore; i++)
			if (strcasecmp(in->ignore[i], code) == 0)
				return true;
	return false;
}

const struct dfx_df_instr *dfx_dockerfile_instr_at(const struct dfx_dockerfile *df, uint32_t off)
{
	size_t lo = 0, hi = df->ninstrs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dfx_df_instr *in = &df->instrs[mid];

		if (off < in->lines.start)
			hi = mid;
		else if (off >= in->lines.end)
			lo = mid + 1;
		else
			return in;
	}
	return NULL;
}

