/*
 * present.c - the presenter (see report.h): turns the sorted findings of a
 * run into presented findings once, so that every format shows the same
 * paths, positions, redacted source lines, fixes and counts, and runs a
 * format's callbacks over them. Redaction is decided here and only here:
 * a source line never shows a reported secret value (dfx_redact's
 * `sk_l…(32 chars)` instead), and a fix's edits are not shown when one
 * would write a secret (README "Output formats").
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/path.h"
#include "dockfix/report.h"

static void summarize(const struct dfx_findings *fs, const bool *hidden, struct dfx_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];

		if (hidden && hidden[i])
			continue;

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

/*
 * The secret values the findings report: spans of their files' bytes,
 * sorted by file and offset and merged where they overlap, so a line finds
 * its secrets by binary search; and the values hashed by their first four
 * bytes, so an edit's text is searched for all of them in one pass. Both
 * keep the presenter linear in the number of findings.
 */
static bool contains(const char *hay, size_t hn, const char *needle, size_t nn);

struct secret_span {
	const struct dfx_source *src;
	struct dfx_span sp;
};

#define PREFIX 4

struct secrets {
	struct secret_span *v;
	struct dfx_span *spans; /* v[i].sp, for dfx_source_excerpt */
	size_t n;
	size_t *bucket, nbucket;  /* first value index + 1 per hash of a value's first bytes */
	size_t *next;             /* the next value index + 1 in the same bucket */
	const struct secret_span **shorts; /* values shorter than PREFIX */
	size_t nshorts;
};

static int cmp_span(const void *a, const void *b)
{
	const struct secret_span *x = a, *y = b;

	if (x->src != y->src)
		return (uintptr_t)x->src < (uintptr_t)y->src ? -1 : 1;
	if (x->sp.start != y->sp.start)
		return x->sp.start < y->sp.start ? -1 : 1;
	return x->sp.end < y->sp.end ? -1 : x->sp.end > y->sp.end;
}

static size_t hash_prefix(const char *p)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < PREFIX; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return h;
}

static void collect_secrets(struct secrets *sec, const struct dfx_findings *fs)
{
	size_t n = 0;

	memset(sec, 0, sizeof(*sec));
	sec->v = dfx_xcalloc(fs->n ? fs->n : 1, sizeof(*sec->v));
	for (size_t i = 0; i < fs->n; i++) {
		const struct dfx_finding *f = &fs->v[i];

		if (f->secret.end > f->secret.start && f->secret.end <= f->src->len)
			sec->v[n++] = (struct secret_span){f->src, f->secret};
	}
	if (n > 1)
		dfx_qsort(sec->v, n, sizeof(*sec->v), cmp_span);
	sec->n = 0;
	for (size_t i = 0; i < n; i++) {
		struct secret_span *last = sec->n ? &sec->v[sec->n - 1] : NULL;

		if (last && last->src == sec->v[i].src && sec->v[i].sp.start < last->sp.end) {
			if (sec->v[i].sp.end > last->sp.end)
				last->sp.end = sec->v[i].sp.end;
			continue;
		}
		sec->v[sec->n++] = sec->v[i];
	}
	sec->spans = dfx_xcalloc(sec->n ? sec->n : 1, sizeof(*sec->spans));
	sec->nbucket = 1;
	while (sec->nbucket < 2 * sec->n)
		sec->nbucket <<= 1;
	sec->bucket = dfx_xcalloc(sec->nbucket, sizeof(*sec->bucket));
	sec->next = dfx_xcalloc(sec->n ? sec->n : 1, sizeof(*sec->next));
	sec->shorts = dfx_xcalloc(sec->n ? sec->n : 1, sizeof(*sec->shorts));
	for (size_t i = 0; i < sec->n; i++) {
		const struct secret_span *x = &sec->v[i];

		sec->spans[i] = x->sp;
		if (x->sp.end - x->sp.start < PREFIX) {
			sec->shorts[sec->nshorts++] = x;
			continue;
		}
		size_t h = hash_prefix(x->src->data + x->sp.start) & (sec->nbucket - 1);
		sec->next[i] = sec->bucket[h];
		sec->bucket[h] = i + 1;
	}
}

static void release_secrets(struct secrets *sec)
{
	free(sec->v);
	free(sec->spans);
	free(sec->bucket);
	free(sec->next);
	free(sec->shorts);
	memset(sec, 0, sizeof(*sec));
}

/* The secret spans of `src` that end after `from`: *n of them, in order. */
static const struct dfx_span *secrets_from(const struct secrets *sec, const struct dfx_source *src, uint32_t from,
					   size_t *n)
{
	struct secret_span key = {src, {from, from}};
	size_t lo = 0, hi = sec->n, end;

	/* the first span of src (in sorted order) whose end is after `from` */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct secret_span *m = &sec->v[mid];
		int c = m->src == src ? 0 : cmp_span(m, &key);

		if (c < 0 || (c == 0 && m->sp.end <= from))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < sec->n && sec->v[end].src == src; end++)
		;
	*n = end - lo;
	return sec->spans + lo;
}

/* Whether `text` contains one of the secret values. */
static bool holds_secret(const struct secrets *sec, const char *text, size_t tn)
{
	for (size_t i = 0; i < sec->nshorts; i++) {
		const struct secret_span *x = sec->shorts[i];

		if (contains(text, tn, x->src->data + x->sp.start, x->sp.end - x->sp.start))
			return true;
	}
	for (size_t i = 0; i + PREFIX <= tn; i++)
		for (size_t k = sec->bucket[hash_prefix(text + i) & (sec->nbucket - 1)]; k; k = sec->next[k - 1]) {
			const struct secret_span *x = &sec->v[k - 1];
			size_t len = x->sp.end - x->sp.start;

			if (len <= tn - i && memcmp(text + i, x->src->data + x->sp.start, len) == 0)
				return true;
		}
	return false;
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

/* The run's files sorted by path (then by their order in the run), for run_file(). */
struct run_files {
	const struct dfx_report_file **v;
	size_t n;
};

static int cmp_run_file(const void *a, const void *b)
{
	const struct dfx_report_file *x = *(const struct dfx_report_file *const *)a;
	const struct dfx_report_file *y = *(const struct dfx_report_file *const *)b;
	int c = strcmp(x->path, y->path);

	return c ? c : x < y ? -1 : x > y;
}

static void index_run_files(struct run_files *rfs, const struct dfx_report_opts *o)
{
	rfs->n = o->nrun_files;
	rfs->v = dfx_xcalloc(rfs->n ? rfs->n : 1, sizeof(*rfs->v));
	for (size_t i = 0; i < rfs->n; i++)
		rfs->v[i] = &o->files[i];
	if (rfs->n > 1)
		dfx_qsort(rfs->v, rfs->n, sizeof(*rfs->v), cmp_run_file);
}

/* The first of the run's files named `path` (after dfx_path_clean), or NULL. */
static const struct dfx_report_file *run_file(const struct run_files *rfs, const char *path)
{
	char *clean = dfx_path_clean(path);
	const struct dfx_report_file *hit = NULL;
	size_t lo = 0, hi = rfs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(rfs->v[mid]->path, clean) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rfs->n && strcmp(rfs->v[lo]->path, clean) == 0)
		hit = rfs->v[lo];
	free(clean);
	return hit;
}

/* Whether showing an edit would reveal a secret value. */
bool dfx_report_secret_file(const char *path, bool secret, enum dfx_kind kind)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return secret || kind == DFX_KIND_ENVFILE || strncmp(base, ".env", 4) == 0;
}

static bool secret_edit(const struct dfx_edit *e, const struct dfx_report_file *rf, const struct secrets *sec)
{
	if ((e->flags & DFX_EDIT_SECRET) || dfx_report_secret_file(e->path, false, DFX_KIND_UNKNOWN))
		return true;
	if (rf && dfx_report_secret_file(rf->path, rf->secret, rf->kind))
		return true;
	return holds_secret(sec, e->text, strlen(e->text));
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
	const struct dfx_span *hide;
	struct dfx_excerpt ex;
	unsigned line, col;
	size_t nhide;

	if (!src->len)
		return;
	dfx_source_linecol(src, f->span.start, &line, &col);
	hide = secrets_from(sec, src, dfx_source_line(src, line).start, &nhide);
	dfx_source_excerpt(src, line, f->span, hide, nhide, &ex);
	x->source_line = line;
	x->source = ex.text;
	x->caret = ex.caret;
}

/* ------------------------------------------------------------------ fixes */

/* The fix's edits, located, unless one of them would reveal a secret. */
static void edits(struct dfx_presented *x, const struct run_files *rfs, const struct secrets *sec)
{
	const struct dfx_fix *fx = x->f->fix;
	const struct dfx_report_file **rf;

	if (!fx || !fx->nedits)
		return;
	rf = dfx_xcalloc(fx->nedits, sizeof(*rf));
	for (size_t i = 0; i < fx->nedits; i++) {
		rf[i] = run_file(rfs, fx->edits[i].path);
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
		pe->creates = !rf[i] || !rf[i]->cur;
	}
	free(rf);
}

/* ------------------------------------------------------------------ fingerprints */

/*
 * Hash of the rule, the file and the trimmed text of the finding's first
 * line, with secret values replaced by a marker: stable when lines move.
 */
static uint64_t fingerprint(const struct dfx_presented *x, const char *path, const struct secrets *sec)
{
	const struct dfx_finding *f = x->f;
	const struct dfx_source *s = f->src;
	uint64_t h = DFX_FNV_OFFSET;
	unsigned line, col;
	struct dfx_span ln = {0, 0};
	const struct dfx_span *hide;
	size_t nhide;

	h = dfx_fnv1a(h, f->rule->code, strlen(f->rule->code) + 1);
	h = dfx_fnv1a(h, path, strlen(path) + 1);
	if (s->len) {
		dfx_source_linecol(s, f->span.start < s->len ? f->span.start : (uint32_t)s->len, &line, &col);
		ln = dfx_source_line(s, line);
	}
	while (ln.start < ln.end && (s->data[ln.start] == ' ' || s->data[ln.start] == '\t'))
		ln.start++;
	while (ln.end > ln.start && (s->data[ln.end - 1] == ' ' || s->data[ln.end - 1] == '\t' ||
				     s->data[ln.end - 1] == '\r'))
		ln.end--;
	hide = secrets_from(sec, s, ln.start, &nhide);
	for (uint32_t i = ln.start; i < ln.end;) {
		while (nhide && hide->end <= i)
			hide++, nhide--;
		if (nhide && hide->start <= i) {
			h = dfx_fnv1a(h, "\x01secret\x01", 8);
			i = hide->end;
			continue;
		}
		h = dfx_fnv1a(h, s->data + i, 1);
		i++;
	}
	return h;
}

/*
 * The file as its fingerprint names it: relative to the source root
 * (location.c), so that a run from a subfolder fingerprints as a run from
 * the root does. Caller frees.
 */
static char *fingerprint_path(const struct dfx_report_opts *o, const struct dfx_presented *x)
{
	char *rel = o->root ? dfx_report_relpath(o->root, x->path) : NULL;

	return rel ? rel : dfx_xstrdup(x->display);
}

/* ------------------------------------------------------------------ driver */

static int cmp_fingerprint(const void *a, const void *b)
{
	const struct dfx_presented *x = *(const struct dfx_presented *const *)a, *y = *(const struct dfx_presented *const *)b;

	if (x->fingerprint != y->fingerprint)
		return x->fingerprint < y->fingerprint ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Number each finding among those with the same fingerprint, in report order. */
static void occurrences(struct dfx_presentation *p)
{
	const struct dfx_presented **by = dfx_xcalloc(p->n ? p->n : 1, sizeof(*by));

	for (size_t i = 0; i < p->n; i++)
		by[i] = &p->v[i];
	if (p->n > 1)
		dfx_qsort(by, p->n, sizeof(*by), cmp_fingerprint);
	for (size_t i = 0; i < p->n; i++)
		((struct dfx_presented *)by[i])->occurrence =
			i && by[i - 1]->fingerprint == by[i]->fingerprint ? by[i - 1]->occurrence + 1 : 1;
	free(by);
}

static void present(struct dfx_presentation *p, const struct dfx_findings *fs, const struct dfx_report_opts *o)
{
	struct secrets sec;
	struct run_files rfs;
	size_t ecap = 0;

	memset(p, 0, sizeof(*p));
	p->o = o;
	collect_secrets(&sec, fs);
	index_run_files(&rfs, o);
	summarize(fs, o->hidden, &p->sum);
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
			edits(x, &rfs, &sec);
		}
		x->hint = f->hint;
		char *fp_path = fingerprint_path(o, x);
		x->fingerprint = fingerprint(x, fp_path, &sec);
		free(fp_path);
	}
	occurrences(p);
	/* what a baseline hides: its secrets are redacted above, it is neither shown nor counted */
	if (o->hidden) {
		size_t w = 0;

		for (size_t i = 0; i < p->n; i++) {
			if (o->hidden[i]) {
				free(p->v[i].source);
				free(p->v[i].caret);
				free(p->v[i].edits);
				continue;
			}
			p->v[w++] = p->v[i];
		}
		p->n = w;
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
	release_secrets(&sec);
	free(rfs.v);
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
	&dfx_format_gitlab,
};

const struct dfx_format *dfx_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

void dfx_report_fingerprints(const struct dfx_findings *fs, const struct dfx_report_opts *o, char **out)
{
	struct dfx_report_opts all = *o;
	struct dfx_presentation p;

	all.hidden = NULL;
	present(&p, fs, &all);
	for (size_t i = 0; i < p.n; i++)
		out[i] = dfx_xasprintf("%016llx:%zu", (unsigned long long)p.v[i].fingerprint, p.v[i].occurrence);
	release(&p);
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

void dfx_report_rule_uri(struct dfx_buf *b, const struct dfx_rule *r)
{
	dfx_buf_adds(b, DFX_HOMEPAGE "#");
	for (const char *c = r->code; *c; c++)
		dfx_buf_addc(b, *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c);
}
