/*
 * present.c - the presenter (see report.h): turns the sorted findings of a
 * run into presented findings once, so that every format shows the same
 * paths, positions, redacted source lines, fixes and counts, and runs a
 * format's callbacks over them. Redaction is decided here and only here:
 * a source line never shows a reported secret value (dfx_redact's
 * `sk_l…(32 chars)` instead), and a fix's edits are not shown when one
 * would write a secret (README "Output formats").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/path.h"
#include "dockfix/report.h"

static void summarize(const struct dfx_findings *fs, struct dfx_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];

		s->by_sev[f->severity]++;
		s->total++;
		if (f->fix && f->fix->applicability == DFX_FIX_SAFE)
			s->fixable_safe++;
		else if (f->fix && f->fix->applicability == DFX_FIX_UNSAFE)
			s->fixable_unsafe++;
	}
}

const char *dfx_present_display_path(const char *p)
{
	while (p[0] == '.' && p[1] == '/') {
		p += 2;
		while (*p == '/')
			p++;
	}
	return p;
}

bool dfx_present_disabled(const struct dfx_presentation *p, const char *code)
{
	for (size_t i = 0; i < p->o->ndisabled; i++)
		if (strcmp(p->o->disabled[i], code) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ secrets */

/* The secret values the findings report: spans of their files' bytes,
   sorted by file (then finding order) so a lookup is a binary search; and
   the run's files sorted by path. */
struct secrets {
	const struct dfx_finding **v;
	size_t n, cap;
	const struct dfx_report_file **files;
	size_t nfiles;
	struct secret_key *keys; /* the values of 4 bytes or more, by their first 4 */
	size_t nkeys;
	const struct dfx_finding **shorts; /* the shorter values */
	size_t nshorts;
};

struct secret_key {
	uint32_t head;
	const char *value;
	size_t len;
};

static uint32_t head4(const char *s)
{
	return (uint32_t)(unsigned char)s[0] << 24 | (uint32_t)(unsigned char)s[1] << 16 |
	       (uint32_t)(unsigned char)s[2] << 8 | (uint32_t)(unsigned char)s[3];
}

static int cmp_key(const void *a, const void *b)
{
	const struct secret_key *x = a, *y = b;

	return x->head < y->head ? -1 : x->head > y->head;
}

static int cmp_secret(const void *a, const void *b)
{
	const struct dfx_finding *x = *(const struct dfx_finding *const *)a, *y = *(const struct dfx_finding *const *)b;

	if (x->src != y->src)
		return (uintptr_t)x->src < (uintptr_t)y->src ? -1 : 1;
	return x < y ? -1 : x > y; /* finding order: fs is one array */
}

static int cmp_run_file(const void *a, const void *b)
{
	const struct dfx_report_file *x = *(const struct dfx_report_file *const *)a,
				     *y = *(const struct dfx_report_file *const *)b;
	int c = strcmp(x->path, y->path);

	return c ? c : x < y ? -1 : x > y;
}

static void collect_secrets(struct secrets *sec, const struct dfx_findings *fs, const struct dfx_report_opts *o)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];

		if (f->secret.end > f->secret.start && f->secret.end <= f->src->len) {
			DFX_GROW(sec->v, sec->n + 1, sec->cap);
			sec->v[sec->n++] = f;
		}
	}
	if (sec->n > 1)
		qsort(sec->v, sec->n, sizeof(*sec->v), cmp_secret);
	sec->keys = dfx_xcalloc(sec->n + 1, sizeof(*sec->keys));
	sec->shorts = dfx_xcalloc(sec->n + 1, sizeof(*sec->shorts));
	for (size_t i = 0; i < sec->n; i++) {
		const struct dfx_span *sp = &sec->v[i]->secret;
		const char *val = sec->v[i]->src->data + sp->start;

		if (sp->end - sp->start >= 4)
			sec->keys[sec->nkeys++] = (struct secret_key){head4(val), val, sp->end - sp->start};
		else
			sec->shorts[sec->nshorts++] = sec->v[i];
	}
	qsort(sec->keys, sec->nkeys, sizeof(*sec->keys), cmp_key);
	sec->files = dfx_xcalloc(o->nrun_files ? o->nrun_files : 1, sizeof(*sec->files));
	for (size_t i = 0; i < o->nrun_files; i++)
		sec->files[sec->nfiles++] = &o->files[i];
	if (sec->nfiles > 1)
		qsort(sec->files, sec->nfiles, sizeof(*sec->files), cmp_run_file);
}

/* The secret span of `src` that byte `off` is in, or NULL. */
static const struct dfx_span *secret_at(const struct secrets *sec, const struct dfx_source *src, uint32_t off)
{
	size_t a = 0, b = sec->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if ((uintptr_t)sec->v[m]->src < (uintptr_t)src)
			a = m + 1;
		else
			b = m;
	}
	for (size_t i = a; i < sec->n && sec->v[i]->src == src; i++) {
		const struct dfx_span *s = &sec->v[i]->secret;

		if (off >= s->start && off < s->end)
			return s;
	}
	return NULL;
}

static bool contains(const char *hay, size_t hn, const char *needle, size_t nn)
{
	if (!nn || nn > hn)
		return false;
	for (size_t i = 0; i + nn <= hn; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nn) == 0)
			return true;
	return false;
}

static const struct dfx_report_file *run_file(const struct secrets *sec, const char *path)
{
	char *clean = dfx_path_clean(path);
	const struct dfx_report_file *hit = NULL;
	size_t a = 0, b = sec->nfiles;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (strcmp(sec->files[m]->path, clean) < 0)
			a = m + 1;
		else
			b = m;
	}
	if (a < sec->nfiles && strcmp(sec->files[a]->path, clean) == 0)
		hit = sec->files[a];
	free(clean);
	return hit;
}

/* Whether showing an edit would reveal a secret value. */
static bool secret_edit(const struct dfx_edit *e, const struct dfx_report_file *rf, const struct secrets *sec)
{
	const char *base = strrchr(e->path, '/');
	size_t tn = strlen(e->text);

	base = base ? base + 1 : e->path;
	if ((e->flags & DFX_EDIT_SECRET) || strncmp(base, ".env", 4) == 0)
		return true;
	if (rf && (rf->secret || rf->kind == DFX_KIND_ENVFILE))
		return true;
	for (size_t i = 0; i < sec->nshorts; i++) {
		const struct dfx_span *sp = &sec->shorts[i]->secret;

		if (contains(e->text, tn, sec->shorts[i]->src->data + sp->start, sp->end - sp->start))
			return true;
	}
	/* each 4 bytes of the text: the values that start with them */
	for (size_t i = 0; sec->nkeys && i + 4 <= tn; i++) {
		uint32_t h = head4(e->text + i);
		size_t a = 0, b = sec->nkeys;

		while (a < b) {
			size_t m = a + (b - a) / 2;

			if (sec->keys[m].head < h)
				a = m + 1;
			else
				b = m;
		}
		for (; a < sec->nkeys && sec->keys[a].head == h; a++)
			if (sec->keys[a].len <= tn - i && memcmp(e->text + i, sec->keys[a].value, sec->keys[a].len) == 0)
				return true;
	}
	return false;
}

/* ------------------------------------------------------------------ positions */

/*
 * 1-based line and column (in Unicode code points) of byte `off`. With
 * `eof_next`, the position just after a final newline is the start of the
 * next line.
 */
static void cp_position(const struct dfx_source *s, uint32_t off, bool eof_next, unsigned *line, unsigned *col)
{
	unsigned l, c;

	if (off > s->len)
		off = (uint32_t)s->len;
	if (eof_next && s->len && off == s->len && s->data[s->len - 1] == '\n') {
		*line = (unsigned)s->nlines + 1;
		*col = 1;
		return;
	}
	dfx_source_linecol(s, off, &l, &c);
	*line = l;
	*col = 1;
	for (uint32_t i = off - (c - 1); i < off; i++)
		if (((unsigned char)s->data[i] & 0xC0) != 0x80)
			(*col)++;
}

static struct dfx_region cp_region(const struct dfx_source *s, uint32_t a, uint32_t b, bool eof_next)
{
	struct dfx_region r;

	cp_position(s, a, eof_next, &r.line, &r.col);
	cp_position(s, b, eof_next, &r.end_line, &r.end_col);
	return r;
}

/* The span clamped to the file, without a trailing line break. */
static void trimmed(const struct dfx_finding *f, uint32_t *start, uint32_t *end)
{
	const struct dfx_source *s = f->src;
	uint32_t a = f->span.start, b = f->span.end;

	if (a > s->len)
		a = (uint32_t)s->len;
	if (b > s->len || b < a)
		b = a;
	while (b > a && (s->data[b - 1] == '\n' || s->data[b - 1] == '\r'))
		b--;
	*start = a;
	*end = b;
}

static void positions(struct dfx_presented *x)
{
	const struct dfx_finding *f = x->f;
	const struct dfx_source *s = f->src;
	uint32_t a, b;

	dfx_source_linecol(s, f->span.start, &x->pos.line, &x->pos.col);
	dfx_source_linecol(s, f->span.end > f->span.start ? f->span.end : f->span.start, &x->pos.end_line,
			   &x->pos.end_col);
	trimmed(f, &a, &b);
	x->annotation = cp_region(s, a, b, false);
	if (x->annotation.end_line == x->annotation.line && x->annotation.end_col <= x->annotation.col)
		x->annotation.end_col = x->annotation.col + 1;
	if (b == a && a < s->len && s->data[a] != '\n' && s->data[a] != '\r') {
		b++;
		while (b < s->len && ((unsigned char)s->data[b] & 0xC0) == 0x80)
			b++;
	}
	x->region = cp_region(s, a, b, true);
}

/* ------------------------------------------------------------------ source line */

/* The finding's source line with secret values redacted, and the caret line under its span. */
static void source_line(struct dfx_presented *x, const struct secrets *sec)
{
	const struct dfx_finding *f = x->f;
	const struct dfx_source *src = f->src;
	unsigned line, col;
	struct dfx_span ln;
	struct dfx_buf text = DFX_BUF_INIT, caret = DFX_BUF_INIT;

	if (!src->len)
		return;
	dfx_source_linecol(src, f->span.start, &line, &col);
	ln = dfx_source_line(src, line);
	for (uint32_t i = ln.start; i < ln.end;) {
		const struct dfx_span *s = secret_at(sec, src, i);
		bool in = f->span.start <= i && (i < f->span.end || (f->span.start == f->span.end && i == f->span.start));

		if (s) {
			char *r = dfx_redact(src->data + s->start, s->end - s->start);
			size_t rl = strlen(r);

			dfx_buf_adds(&text, r);
			for (size_t k = 0; k < rl; k++)
				if (((unsigned char)r[k] & 0xC0) != 0x80)
					dfx_buf_addc(&caret, in ? '^' : ' ');
			free(r);
			i = s->end < ln.end ? s->end : ln.end;
			continue;
		}
		unsigned char c = (unsigned char)src->data[i];
		if (c == '\t') {
			dfx_buf_addc(&text, '\t');
			dfx_buf_addc(&caret, in ? '^' : '\t');
		} else {
			dfx_buf_addc(&text, c < 0x20 || c == 0x7f ? '?' : (char)c);
			if ((c & 0xC0) != 0x80)
				dfx_buf_addc(&caret, in ? '^' : ' ');
		}
		i++;
	}
	if (!strchr(caret.ptr ? caret.ptr : "", '^')) {
		/* empty span or span at end of line: one caret at the column */
		while (caret.len && (caret.ptr[caret.len - 1] == ' '))
			caret.len--;
		if (caret.ptr)
			caret.ptr[caret.len] = '\0';
		dfx_buf_addc(&caret, '^');
	}
	while (caret.len && caret.ptr[caret.len - 1] != '^')
		caret.ptr[--caret.len] = '\0';
	dfx_buf_adds(&text, "");
	x->source_line = line;
	x->source = dfx_buf_detach(&text);
	x->caret = dfx_buf_detach(&caret);
}

/* ------------------------------------------------------------------ fixes */

/* The fix's edits, located, unless one of them would reveal a secret. */
static void edits(struct dfx_presented *x, const struct dfx_report_opts *o, const struct secrets *sec)
{
	const struct dfx_fix *fx = x->f->fix;
	const struct dfx_report_file **rf;

	if (!fx || !fx->nedits)
		return;
	rf = dfx_xcalloc(fx->nedits, sizeof(*rf));
	for (size_t i = 0; i < fx->nedits; i++) {
		rf[i] = run_file(sec, fx->edits[i].path);
		if (secret_edit(&fx->edits[i], rf[i], sec)) {
			free(rf);
			return;
		}
	}
	x->edits = dfx_xcalloc(fx->nedits, sizeof(*x->edits));
	x->nedits = fx->nedits;
	for (size_t i = 0; i < fx->nedits; i++) {
		const struct dfx_edit *e = &fx->edits[i];
		struct dfx_presented_edit *pe = &x->edits[i];

		pe->path = e->path;
		pe->text = e->text ? e->text : "";
		if (rf[i] && rf[i]->cur && e->start <= e->end && e->end <= rf[i]->cur->len)
			pe->deleted = cp_region(rf[i]->cur, e->start, e->end, true);
		else
			pe->deleted = (struct dfx_region){1, 1, 1, 1}; /* a file the fix creates */
	}
	free(rf);
}

/* ------------------------------------------------------------------ fingerprints */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/*
 * Hash of the rule, the file and the trimmed text of the finding's first
 * line, with secret values replaced by a marker: stable when lines move.
 */
static uint64_t fingerprint(const struct dfx_presented *x, const struct secrets *sec)
{
	const struct dfx_finding *f = x->f;
	const struct dfx_source *s = f->src;
	uint64_t h = 14695981039346656037ull;
	unsigned line, col;
	struct dfx_span ln = {0, 0};

	h = fnv(h, f->rule->code, strlen(f->rule->code) + 1);
	h = fnv(h, x->display, strlen(x->display) + 1);
	if (s->len) {
		dfx_source_linecol(s, f->span.start < s->len ? f->span.start : (uint32_t)s->len, &line, &col);
		ln = dfx_source_line(s, line);
	}
	while (ln.start < ln.end && (s->data[ln.start] == ' ' || s->data[ln.start] == '\t'))
		ln.start++;
	while (ln.end > ln.start && (s->data[ln.end - 1] == ' ' || s->data[ln.end - 1] == '\t' ||
				     s->data[ln.end - 1] == '\r'))
		ln.end--;
	for (uint32_t i = ln.start; i < ln.end;) {
		const struct dfx_span *sp = secret_at(sec, s, i);

		if (sp) {
			h = fnv(h, "\x01secret\x01", 8);
			i = sp->end;
			continue;
		}
		h = fnv(h, s->data + i, 1);
		i++;
	}
	return h;
}

/* ------------------------------------------------------------------ driver */

static void present(struct dfx_presentation *p, const struct dfx_findings *fs, const struct dfx_report_opts *o)
{
	struct secrets sec = {NULL, 0, 0, NULL, 0, NULL, 0, NULL, 0};
	size_t ecap = 0, ocap = 16;
	struct occ {
		uint64_t fp;
		size_t n;
	} *occ;

	memset(p, 0, sizeof(*p));
	p->o = o;
	collect_secrets(&sec, fs, o);
	while (ocap < 2 * fs->n)
		ocap *= 2;
	occ = dfx_xcalloc(ocap, sizeof(*occ)); /* fingerprint -> findings so far (n 0: free) */
	summarize(fs, &p->sum);
	p->v = dfx_xcalloc(fs->n ? fs->n : 1, sizeof(*p->v));
	p->n = fs->n;
	for (size_t i = 0; i < fs->n; i++) {
		struct dfx_presented *x = &p->v[i];
		const struct dfx_finding *f = &fs->v[i];

		x->f = f;
		x->path = f->src->path;
		x->display = dfx_present_display_path(f->src->path);
		positions(x);
		source_line(x, &sec);
		if (f->fix) {
			x->fix = f->fix->description ? f->fix->description : "";
			x->applicability = f->fix->applicability;
			x->needs_unsafe = f->fix->applicability == DFX_FIX_UNSAFE && !o->unsafe_fixes;
			edits(x, o, &sec);
		}
		x->hint = f->hint;
		x->fingerprint = fingerprint(x, &sec);
		{
			size_t h = (size_t)(x->fingerprint ^ (x->fingerprint >> 29)) & (ocap - 1);

			while (occ[h].n && occ[h].fp != x->fingerprint)
				h = (h + 1) & (ocap - 1);
			occ[h].fp = x->fingerprint;
			x->occurrence = ++occ[h].n;
		}
	}
	for (size_t i = 0; i < o->nrun_files; i++) {
		const struct dfx_report_file *rf = &o->files[i];

		if (!rf->target)
			continue;
		p->kinds |= 1u << rf->kind;
		if (!rf->failed)
			continue;
		DFX_GROW(p->errors, p->nerrors + 1, ecap);
		p->errors[p->nerrors] = (struct dfx_presented_error){
			rf->path, dfx_present_display_path(rf->path), rf->err ? rf->err->line : 0,
			rf->err ? rf->err->col : 0,
			rf->err && rf->err->message ? rf->err->message : "cannot be checked"};
		p->nerrors++;
	}
	free(occ);
	free(sec.v);
	free(sec.files);
	free(sec.keys);
	free(sec.shorts);
}

static void release(struct dfx_presentation *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].source);
		free(p->v[i].caret);
		free(p->v[i].edits);
	}
	free(p->v);
	free(p->errors);
	memset(p, 0, sizeof(*p));
}

static const struct dfx_format *const formats[] = {
	&dfx_format_text, &dfx_format_json, &dfx_format_sarif, &dfx_format_github, &dfx_format_checklist,
};

const struct dfx_format *dfx_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

void dfx_report(struct dfx_buf *out, const struct dfx_format *fmt, const struct dfx_findings *fs,
		const struct dfx_report_opts *o)
{
	struct dfx_presentation p;

	present(&p, fs, o);
	if (fmt->begin)
		fmt->begin(out, &p);
	for (size_t i = 0; fmt->finding && i < p.n; i++)
		fmt->finding(out, &p, &p.v[i]);
	if (fmt->end)
		fmt->end(out, &p);
	release(&p);
}
