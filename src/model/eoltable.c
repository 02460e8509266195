/*
 * eoltable.c - an end-of-life table read at run time (--eol-data): the
 * format of src/model/data/eol.tsv, checked as gentables.sh checks it when
 * the built-in table is compiled (columns found by name in the header row,
 * supported_on_YYYY_MM_DD giving the judgement date, the flags derived
 * from cycle, source and the built-in eol-policy.tsv), then installed in
 * place of the built-in table (image.c). Also the staleness warning.
 *
 * Reference: /work/shared/data/eol.md, "Columns" (the table's format);
 * endoflife.date for the data itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/core.h"
#include "dockfix/diag.h"
#include "dockfix/image.h"
#include "eoltable.h"
#include "tables.h"

enum col {
	C_IMAGE,
	C_CYCLE,
	C_PATTERNS,
	C_EOL,
	C_REC,
	C_VARIANT,
	C_PRODUCT,
	C_EXT,
	C_MIN,
	C_CARRY,
	C_SOURCE,
	C_SUPPORTED,
	NCOLS
};

static const char *const col_names[] = {
	"image", "cycle", "tag_patterns", "eol_date", "recommended_replacement_tag", "variant",
	"product", "extended_support_end", "minimal_upgrade_tag", "carry_tokens", "source",
};

/* One line split at tabs: field i starts at line[off[i]] and has len[i] bytes. */
struct fields {
	const char *line;
	size_t n, cap;
	size_t *off, *len;
};

static void split(struct fields *f, const char *line, size_t len)
{
	size_t start = 0;

	f->line = line;
	f->n = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != '\t')
			continue;
		if (f->n + 1 > f->cap) {
			f->cap = f->cap ? 2 * f->cap : 32;
			f->off = dfx_xrealloc(f->off, f->cap * sizeof(*f->off));
			f->len = dfx_xrealloc(f->len, f->cap * sizeof(*f->len));
		}
		f->off[f->n] = start;
		f->len[f->n++] = i - start;
		start = i + 1;
	}
}

static bool field_is(const struct fields *f, size_t i, const char *s)
{
	return f->len[i] == strlen(s) && !memcmp(f->line + f->off[i], s, f->len[i]);
}

static char *field_dup(const struct fields *f, size_t i)
{
	return dfx_xstrndup(f->line + f->off[i], f->len[i]);
}

/* "YYYY-MM-DD" -> YYYYMMDD, or 0 when malformed. */
static int parse_date(const char *s, size_t n)
{
	int v = 0, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	m = v / 100 % 100;
	d = v % 100;
	return m >= 1 && m <= 12 && d >= 1 && d <= 31 ? v : 0;
}

static bool carry_ok(const char *s)
{
	const char *p;

	if (!*s)
		return true;
	if (!strncmp(s, "after_version:", 14))
		p = s + 14;
	else if (!strncmp(s, "at_end:", 7))
		p = s + 7;
	else
		return false;
	for (;;) {
		size_t n = 0;

		while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9'))
			n++;
		if (!n)
			return false;
		p += n;
		if (!*p)
			return true;
		if (*p++ != ',')
			return false;
	}
}

static unsigned policy_flag(const char *product)
{
	for (size_t i = 0; i < dfx_tab_eol_policy_n; i++)
		if (!strcmp(dfx_tab_eol_policy[i].product, product))
			return dfx_tab_eol_policy[i].flag;
	return 0;
}

/* The table read, kept for the rest of the process (the lookups point into it). */
static struct dfx_tab_eol *loaded_rows;
static size_t loaded_n;

struct reader {
	const char *path;
	struct dfx_diags *d;
	unsigned line;
	const struct fields *f;
};

static int fail_at(struct reader *r, size_t field, const char *fmt, const char *arg)
{
	unsigned col = r->f && field < r->f->n ? (unsigned)r->f->off[field] + 1 : 1;

	dfx_diag_add(r->d, DFX_DIAG_ERROR, r->path, r->line, col, fmt, arg ? arg : "");
	return -1;
}

/* The header row: *col[] gets each needed column's index; *judged the date. */
static int read_header(struct reader *r, size_t col[NCOLS], int *judged)
{
	const struct fields *f = r->f;
	bool have[NCOLS] = {false};

	for (size_t i = 0; i < f->n; i++) {
		const char *s = f->line + f->off[i];

		for (size_t c = 0; c < C_SUPPORTED; c++)
			if (field_is(f, i, col_names[c])) {
				col[c] = i;
				have[c] = true;
			}
		if (f->len[i] == 23 && !strncmp(s, "supported_on_", 13)) {
			char d[11];

			memcpy(d, s + 13, 10);
			d[10] = '\0';
			d[4] = d[4] == '_' ? '-' : 'x';
			d[7] = d[7] == '_' ? '-' : 'x';
			*judged = parse_date(d, 10);
			if (!*judged)
				return fail_at(r, i, "%sbad supported_on_YYYY_MM_DD column name", NULL);
			col[C_SUPPORTED] = i;
			have[C_SUPPORTED] = true;
		}
	}
	for (size_t c = 0; c < C_SUPPORTED; c++)
		if (!have[c])
			return fail_at(r, 0, "no column '%s' in the header row", col_names[c]);
	if (!have[C_SUPPORTED])
		return fail_at(r, 0, "%sno supported_on_YYYY_MM_DD column in the header row", NULL);
	return 0;
}

/* Strip a final CR; *len is the line's length without its terminator. */
static const char *next_line(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	*len = nl ? (size_t)(nl - s) : (size_t)(end - s);
	*p = nl ? nl + 1 : end;
	if (*len && s[*len - 1] == '\r')
		(*len)--;
	return s;
}

static int read_row(struct reader *r, const size_t col[NCOLS], size_t ncol, int judged, char **deprecated,
		    size_t ndeprecated, struct dfx_tab_eol *row)
{
	const struct fields *f = r->f;
	char *eol, *ext, *sup;
	unsigned flags = 0;
	bool live;

	if (f->n != ncol) {
		/* at the end of a short line, or at the first field too many */
		size_t at = f->n < ncol ? f->off[f->n - 1] + f->len[f->n - 1] : f->off[ncol];

		dfx_diag_add(r->d, DFX_DIAG_ERROR, r->path, r->line, (unsigned)at + 1,
			     "expected %zu tab-separated fields, found %zu", ncol, f->n);
		return -1;
	}
	if (!f->len[col[C_IMAGE]] || !f->len[col[C_CYCLE]] || !f->len[col[C_PATTERNS]])
		return fail_at(r, !f->len[col[C_IMAGE]] ? col[C_IMAGE] : !f->len[col[C_CYCLE]] ? col[C_CYCLE] : col[C_PATTERNS],
			       "%sempty image, cycle or tag_patterns", NULL);
	memset(row, 0, sizeof(*row));
	row->variant = field_dup(f, col[C_VARIANT]);
	if (strcmp(row->variant, "default") && strcmp(row->variant, "slim") && strcmp(row->variant, "alpine") &&
	    strcmp(row->variant, "windowsservercore") && strcmp(row->variant, "nanoserver") &&
	    strcmp(row->variant, "any")) {
		fail_at(r, col[C_VARIANT], "unknown variant '%s' (default, slim, alpine, windowsservercore, nanoserver, any)",
			row->variant);
		free((char *)row->variant);
		return -1;
	}
	sup = field_dup(f, col[C_SUPPORTED]);
	eol = field_dup(f, col[C_EOL]);
	ext = field_dup(f, col[C_EXT]);
	row->image = field_dup(f, col[C_IMAGE]);
	row->cycle = field_dup(f, col[C_CYCLE]);
	row->patterns = field_dup(f, col[C_PATTERNS]);
	row->rec = field_dup(f, col[C_REC]);
	row->min = field_dup(f, col[C_MIN]);
	row->product = field_dup(f, col[C_PRODUCT]);
	row->carry = field_dup(f, col[C_CARRY]);
	if (strcmp(sup, "yes") && strcmp(sup, "no")) {
		fail_at(r, col[C_SUPPORTED], "supported must be yes or no, not '%s'", sup);
		goto bad;
	}
	if (!strcmp(eol, "none"))
		row->eol = 0;
	else if (!strcmp(eol, "unknown"))
		row->eol = -1;
	else if (!(row->eol = parse_date(eol, strlen(eol)))) {
		fail_at(r, col[C_EOL], "bad date '%s' (YYYY-MM-DD, none or unknown)", eol);
		goto bad;
	}
	if (!*ext)
		row->ext_end = 0;
	else if (!strcmp(ext, "none"))
		row->ext_end = 99991231;
	else if (!(row->ext_end = parse_date(ext, strlen(ext)))) {
		fail_at(r, col[C_EXT], "bad date '%s' (YYYY-MM-DD, none or empty)", ext);
		goto bad;
	}
	if (!carry_ok(row->carry)) {
		fail_at(r, col[C_CARRY], "bad carry_tokens '%s' (after_version:a,b or at_end:a,b)", row->carry);
		goto bad;
	}
	if (!strcmp(row->cycle, "floating"))
		flags |= DFX_TAB_EOL_FLOATING;
	if (strstr(row->cycle, "major alias"))
		flags |= DFX_TAB_EOL_ALIAS;
	if (row->cycle[0] == '*')
		flags |= DFX_TAB_EOL_DEPRECATED;
	live = row->eol == 0 || row->eol > judged;
	if (!strcmp(sup, "no") && live)
		flags |= DFX_TAB_EOL_STALE;
	if (!strcmp(sup, "yes") && !live) {
		fail_at(r, col[C_SUPPORTED], "%ssupported is yes but eol_date is not after the supported_on_ date", NULL);
		goto bad;
	}
	if (!strcmp(sup, "yes") && (flags & DFX_TAB_EOL_DEPRECATED)) {
		fail_at(r, col[C_SUPPORTED], "%sa deprecated image cannot be supported", NULL);
		goto bad;
	}
	for (size_t i = 0; i < ndeprecated; i++)
		if (!strcmp(deprecated[i], row->image) && !(flags & DFX_TAB_EOL_FLOATING))
			flags |= DFX_TAB_EOL_IMAGE_DEPRECATED;
	if (f->len[col[C_SOURCE]] >= 7 && !strncmp(f->line + f->off[col[C_SOURCE]], "derived", 7))
		flags |= DFX_TAB_EOL_DERIVED;
	flags |= policy_flag(row->product);
	row->flags = flags;
	free(sup);
	free(eol);
	free(ext);
	return 0;
bad:
	free(sup);
	free(eol);
	free(ext);
	free((char *)row->image);
	free((char *)row->cycle);
	free((char *)row->patterns);
	free((char *)row->rec);
	free((char *)row->min);
	free((char *)row->variant);
	free((char *)row->product);
	free((char *)row->carry);
	return -1;
}

static void free_rows(struct dfx_tab_eol *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)rows[i].image);
		free((char *)rows[i].cycle);
		free((char *)rows[i].patterns);
		free((char *)rows[i].rec);
		free((char *)rows[i].min);
		free((char *)rows[i].variant);
		free((char *)rows[i].product);
		free((char *)rows[i].carry);
	}
	free(rows);
}

int dfx_image_eol_load(const char *path, struct dfx_diags *d)
{
	struct dfx_source src;
	struct dfx_error err = {0};
	struct fields f = {0};
	struct reader r = {path, d, 0, &f};
	size_t col[NCOLS] = {0}, ncol = 0, n = 0, cap = 0, ndep = 0, depcap = 0;
	struct dfx_tab_eol *rows = NULL;
	char **dep = NULL;
	const char *p, *end, *line;
	size_t len;
	int judged = 0, rc = 0;
	char date[32];

	if (dfx_source_load(&src, path, &err) != 0) {
		dfx_diag_add(d, DFX_DIAG_ERROR, path, 1, 1, "%s", err.message ? err.message : "cannot read the file");
		dfx_error_release(&err);
		return -1;
	}
	p = src.data;
	end = src.data + src.len;
	if (src.len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	line = next_line(&p, end, &len);
	r.line = 1;
	if (!line || !len) {
		rc = fail_at(&r, 0, "%sno header row (image, cycle, tag_patterns, ...)", NULL);
		goto out;
	}
	split(&f, line, len);
	ncol = f.n;
	if (read_header(&r, col, &judged) != 0) {
		rc = -1;
		goto out;
	}
	/* first pass: the images that have a "* (deprecated image)" row */
	for (const char *q = p; (line = next_line(&q, end, &len));) {
		split(&f, line, len);
		if (len && f.n == ncol && f.len[col[C_CYCLE]] && line[f.off[col[C_CYCLE]]] == '*') {
			DFX_GROW(dep, ndep + 1, depcap);
			dep[ndep++] = field_dup(&f, col[C_IMAGE]);
		}
	}
	while ((line = next_line(&p, end, &len))) {
		r.line++;
		if (!len)
			continue;
		split(&f, line, len);
		DFX_GROW(rows, n + 1, cap);
		if (read_row(&r, col, ncol, judged, dep, ndep, &rows[n]) != 0) {
			rc = -1;
			goto out;
		}
		n++;
	}
	if (!n) {
		r.f = NULL;
		rc = fail_at(&r, 0, "%sno rows after the header", NULL);
		goto out;
	}
	snprintf(date, sizeof(date), "%04d-%02d-%02d", judged / 10000, judged / 100 % 100, judged % 100);
	free_rows(loaded_rows, loaded_n);
	loaded_rows = rows;
	loaded_n = n;
	rows = NULL;
	n = 0;
	dfx_eoltable_install(loaded_rows, loaded_n, judged, date);
out:
	free_rows(rows, n);
	for (size_t i = 0; i < ndep; i++)
		free(dep[i]);
	free(dep);
	free(f.off);
	free(f.len);
	dfx_source_release(&src);
	return rc;
}

void dfx_image_eol_warn_stale(int today, struct dfx_diags *d)
{
	if (today <= 0 || !dfx_image_eol_stale(today))
		return;
	dfx_diag_add(d, DFX_DIAG_WARNING, NULL, 0, 0,
		     "the %s end-of-life table is from %s, more than six months before %04d-%02d-%02d: releases "
		     "that reached end of life since are not reported and newer versions are unknown; pass "
		     "--eol-data FILE with a newer table (eol.tsv format) or use a newer dockfix",
		     dfx_image_eol_loaded() ? "loaded" : "built-in", dfx_image_eol_data_date(), today / 10000,
		     today / 100 % 100, today % 100);
}
