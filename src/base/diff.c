/*
 * diff.c - line-based unified diff.
 *
 * The comparison follows E. W. Myers, "An O(ND) Difference Algorithm and Its
 * Variations" (Algorithmica 1(2), 1986): the greedy search for furthest
 * reaching D-paths, run from both corners at once to find a middle snake,
 * and divide and conquer around it, in linear space (section 4b). Around it
 * sit the usual practical steps of diff programs such as git's xdiff and GNU
 * diff: the common prefix and suffix are cut off first (a small fix in a
 * large file costs one pass over its bytes), lines become integer classes by
 * hashing, lines found on one side only are marked changed without entering
 * the search, and groups of changed lines are slid down over equal lines.
 * Hunks follow git's xdiff/xemit.c: DFX_DIFF_CONTEXT lines of context, hunks
 * merged when at most twice that many common lines separate them, and
 * `@@ -l,s +l,s @@` headers where a count of 1 is left out and an empty range
 * starts at the line before it.
 *
 * Bounds, for inputs with many scattered changes: a middle-snake search
 * that passes MAX_COST edits each way splits at the point that got furthest
 * instead (as xdiff does past its cost limit), so the result may not be the
 * shortest; and one diff has a budget of WORK_BUDGET comparison steps, after
 * which each remaining sub-range is marked replaced as a whole. Either way
 * the diff stays correct and the time stays bounded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/diff.h"

#define MAX_COST 1024
#define WORK_BUDGET ((uint64_t)1 << 26)
#define UNSET ((ptrdiff_t)-1)

/* One side of the comparison: the lines of its region and their state. */
struct side {
	const char *data;
	size_t len;            /* of the whole file */
	size_t *off;           /* off[i]: offset of region line i; off[n]: end */
	size_t n;              /* lines in the region */
	size_t mid_lo, mid_hi; /* the lines that may differ are [mid_lo, mid_hi) */
	uint32_t *cls;         /* class of each line of the middle (by region index) */
	unsigned char *chg;    /* 1: line deleted (old side) or inserted (new side) */
	uint32_t *rcls;        /* classes of the lines that enter the search */
	size_t *ridx;          /* their region index */
	size_t nr;
};

struct klass {
	uint64_t hash;
	const char *p;
	size_t len;
	size_t count[2]; /* occurrences in the middle of each side */
};

struct diff {
	struct side s[2];
	struct klass *kl;
	size_t nkl;
	ptrdiff_t *vf, *vb; /* furthest reaching x per diagonal, both directions */
	uint64_t work;
};

/* ---------------------------------------------------------------- lines */

static size_t line_len(const struct side *s, size_t i)
{
	return s->off[i + 1] - s->off[i];
}

static const char *line_ptr(const struct side *s, size_t i)
{
	return s->data + s->off[i];
}

/* Offset just past the '\n' that ends the line starting at `pos` (or len). */
static size_t next_line(const char *p, size_t len, size_t pos)
{
	const char *nl = memchr(p + pos, '\n', len - pos);

	return nl ? (size_t)(nl - p) + 1 : len;
}

/* Offset of the start of the line that ends just before `pos` (pos > 0). */
static size_t prev_line(const char *p, size_t pos)
{
	size_t i = pos - 1;

	while (i > 0 && p[i - 1] != '\n')
		i--;
	return i;
}

static size_t count_lines(const char *p, size_t len)
{
	size_t n = 0, pos = 0;

	while (pos < len) {
		pos = next_line(p, len, pos);
		n++;
	}
	return n;
}

/* Splits data[start, end) into lines; mid_lo/mid_hi are byte offsets in it. */
static void side_init(struct side *s, const char *data, size_t len, size_t start,
		      size_t end, size_t mid_lo, size_t mid_hi)
{
	size_t pos = start, i = 0;

	s->data = data;
	s->len = len;
	s->n = count_lines(data + start, end - start);
	s->off = dfx_xmalloc((s->n + 1) * sizeof(*s->off));
	s->chg = dfx_xcalloc(s->n + 1, 1);
	s->cls = dfx_xcalloc(s->n + 1, sizeof(*s->cls));
	s->mid_lo = s->mid_hi = s->n;
	while (pos < end) {
		if (pos == mid_lo)
			s->mid_lo = i;
		if (pos == mid_hi)
			s->mid_hi = i;
		s->off[i++] = pos;
		pos = next_line(data, end, pos);
	}
	s->off[i] = end;
	if (s->mid_lo > s->mid_hi)
		s->mid_lo = s->mid_hi;
}

static void side_release(struct side *s)
{
	free(s->off);
	free(s->chg);
	free(s->cls);
	free(s->rcls);
	free(s->ridx);
}

/* ---------------------------------------------------------------- classes */

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/*
 * Gives every line of both middles a class number (equal lines, equal
 * class) and counts each class on each side; then keeps for the search only
 * the lines whose class occurs on the other side too. A line the other side
 * lacks can never be matched, so marking it changed up front leaves the
 * shortest edit script as it was.
 */
static void classify(struct diff *d)
{
	size_t total = 0, cap = 16, mask;
	uint32_t *slot;

	for (int k = 0; k < 2; k++)
		total += d->s[k].mid_hi - d->s[k].mid_lo;
	if (total >= UINT32_MAX / 2) {
		/* Classes are 32-bit: beyond that (inputs of gigabytes), replace. */
		for (int k = 0; k < 2; k++) {
			struct side *s = &d->s[k];

			memset(s->chg + s->mid_lo, 1, s->mid_hi - s->mid_lo);
			s->rcls = dfx_xmalloc(sizeof(*s->rcls));
			s->ridx = dfx_xmalloc(sizeof(*s->ridx));
			s->nr = 0;
		}
		return;
	}
	while (cap < 2 * total)
		cap *= 2;
	mask = cap - 1;
	slot = dfx_xcalloc(cap, sizeof(*slot));
	d->kl = dfx_xmalloc((total + 1) * sizeof(*d->kl));
	d->nkl = 0;

	for (int k = 0; k < 2; k++) {
		struct side *s = &d->s[k];

		for (size_t i = s->mid_lo; i < s->mid_hi; i++) {
			const char *p = line_ptr(s, i);
			size_t len = line_len(s, i);
			uint64_t h = hash_bytes(p, len);
			size_t j = (size_t)h & mask;
			struct klass *c;

			while (slot[j]) {
				c = &d->kl[slot[j] - 1];
				if (c->hash == h && c->len == len && !memcmp(c->p, p, len))
					break;
				j = (j + 1) & mask;
			}
			if (!slot[j]) {
				c = &d->kl[d->nkl++];
				c->hash = h;
				c->p = p;
				c->len = len;
				c->count[0] = c->count[1] = 0;
				slot[j] = (uint32_t)d->nkl;
			}
			c = &d->kl[slot[j] - 1];
			c->count[k]++;
			s->cls[i] = slot[j] - 1;
		}
	}
	free(slot);

	for (int k = 0; k < 2; k++) {
		struct side *s = &d->s[k];
		size_t m = s->mid_hi - s->mid_lo;

		s->rcls = dfx_xmalloc((m + 1) * sizeof(*s->rcls));
		s->ridx = dfx_xmalloc((m + 1) * sizeof(*s->ridx));
		s->nr = 0;
		for (size_t i = s->mid_lo; i < s->mid_hi; i++) {
			if (d->kl[s->cls[i]].count[!k] == 0) {
				s->chg[i] = 1;
				continue;
			}
			s->rcls[s->nr] = s->cls[i];
			s->ridx[s->nr++] = i;
		}
	}
}

/* ---------------------------------------------------------------- search */

/*
 * The search gave up after `e` edits in each direction: split instead at
 * the point that got furthest from its corner, forward or backward. The
 * part before it is then solved exactly; the diff may not be the shortest.
 */
static int best_split(const ptrdiff_t *vf, const ptrdiff_t *vb, ptrdiff_t n, ptrdiff_t m,
		      ptrdiff_t e, ptrdiff_t *sx, ptrdiff_t *sy)
{
	ptrdiff_t delta = n - m, best = -1;

	for (ptrdiff_t k = -e; k <= e; k += 2) {
		if (k < -m || k > n || vf[k] == UNSET || 2 * vf[k] - k <= best)
			continue;
		best = 2 * vf[k] - k;
		*sx = vf[k];
		*sy = vf[k] - k;
	}
	for (ptrdiff_t k = delta - e; k <= delta + e; k += 2) {
		if (k < -m || k > n || vb[k] == UNSET || n + m - (2 * vb[k] - k) <= best)
			continue;
		best = n + m - (2 * vb[k] - k);
		*sx = vb[k];
		*sy = vb[k] - k;
	}
	return best > 0 ? 0 : -1;
}

/*
 * The middle snake of a[0,n) against b[0,m), both non-empty and differing
 * in their first and last elements. Diagonal k holds the points with
 * x - y == k; vf[k] is the largest x a forward path with the current number
 * of edits reaches on it, vb[k] the smallest x a backward path reaches.
 * Where they meet is a point on a shortest edit path: stored in *sx, *sy.
 * Returns -1 when the work budget is spent.
 */
static int split(struct diff *d, const uint32_t *a, ptrdiff_t n, const uint32_t *b,
		 ptrdiff_t m, ptrdiff_t *sx, ptrdiff_t *sy)
{
	ptrdiff_t *vf = d->vf + m + 1, *vb = d->vb + m + 1;
	ptrdiff_t delta = n - m;
	int odd = (int)(delta & 1);

	for (ptrdiff_t e = 0; e <= n + m; e++) {
		ptrdiff_t lo, hi;

		if (d->work > WORK_BUDGET)
			return -1;
		if (e > MAX_COST)
			return best_split(vf, vb, n, m, e - 1, sx, sy);

		/* Forward paths with e edits: diagonals -e..e of e's parity. */
		lo = -e < -m ? -m + ((e + m) & 1) : -e;
		hi = e > n ? n - ((e + n) & 1) : e;
		for (ptrdiff_t k = lo; k <= hi; k += 2) {
			ptrdiff_t x = UNSET, y;

			if (e == 0) {
				x = 0;
			} else {
				/* From k-1 a step right, from k+1 a step down. */
				if (k - 1 >= -(e - 1) && k - 1 >= -m && vf[k - 1] != UNSET &&
				    vf[k - 1] + 1 <= n)
					x = vf[k - 1] + 1;
				if (k + 1 <= e - 1 && k + 1 <= n && vf[k + 1] != UNSET &&
				    vf[k + 1] - k <= m && vf[k + 1] > x)
					x = vf[k + 1];
			}
			vf[k] = x;
			d->work++;
			if (x == UNSET)
				continue;
			y = x - k;
			while (x < n && y < m && a[x] == b[y]) {
				x++;
				y++;
			}
			d->work += (uint64_t)(x - vf[k]);
			vf[k] = x;
			if (odd && e > 0 && k >= delta - (e - 1) && k <= delta + (e - 1) &&
			    vb[k] != UNSET && x >= vb[k]) {
				*sx = x;
				*sy = y;
				return 0;
			}
		}

		/* Backward paths with e edits: diagonals delta-e..delta+e. */
		lo = delta - e < -m ? -m + ((delta - e + m) & 1) : delta - e;
		hi = delta + e > n ? n - ((delta + e - n) & 1) : delta + e;
		for (ptrdiff_t k = lo; k <= hi; k += 2) {
			ptrdiff_t x = UNSET, y, x0;

			if (e == 0) {
				x = n;
			} else {
				/* From k+1 a step left, from k-1 a step up. */
				if (k + 1 <= delta + (e - 1) && k + 1 <= n && vb[k + 1] != UNSET &&
				    vb[k + 1] - 1 >= 0)
					x = vb[k + 1] - 1;
				if (k - 1 >= delta - (e - 1) && k - 1 >= -m && vb[k - 1] != UNSET &&
				    vb[k - 1] - k >= 0 && (x == UNSET || vb[k - 1] < x))
					x = vb[k - 1];
			}
			vb[k] = x;
			d->work++;
			if (x == UNSET)
				continue;
			x0 = x;
			y = x - k;
			while (x > 0 && y > 0 && a[x - 1] == b[y - 1]) {
				x--;
				y--;
			}
			d->work += (uint64_t)(x0 - x);
			vb[k] = x;
			if (!odd && k >= -e && k <= e && vf[k] != UNSET && vf[k] >= x) {
				*sx = x;
				*sy = y;
				return 0;
			}
		}
	}
	return -1;
}

struct range {
	size_t lo1, hi1, lo2, hi2;
};

static void mark(struct side *s, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++)
		s->chg[s->ridx[i]] = 1;
}

/* Marks the changed lines of the searched sequences, splitting recursively. */
static void compare(struct diff *d)
{
	struct side *sa = &d->s[0], *sb = &d->s[1];
	const uint32_t *a = sa->rcls, *b = sb->rcls;
	struct range *stack = NULL;
	size_t nstack = 0, cap = 0;

	DFX_GROW(stack, 1, cap);
	stack[nstack++] = (struct range){0, sa->nr, 0, sb->nr};
	while (nstack) {
		struct range r = stack[--nstack];
		ptrdiff_t sx, sy, n, m;

		while (r.lo1 < r.hi1 && r.lo2 < r.hi2 && a[r.lo1] == b[r.lo2]) {
			r.lo1++;
			r.lo2++;
			d->work++;
		}
		while (r.lo1 < r.hi1 && r.lo2 < r.hi2 && a[r.hi1 - 1] == b[r.hi2 - 1]) {
			r.hi1--;
			r.hi2--;
			d->work++;
		}
		if (r.lo1 == r.hi1 || r.lo2 == r.hi2) {
			mark(sa, r.lo1, r.hi1);
			mark(sb, r.lo2, r.hi2);
			continue;
		}
		n = (ptrdiff_t)(r.hi1 - r.lo1);
		m = (ptrdiff_t)(r.hi2 - r.lo2);
		if (split(d, a + r.lo1, n, b + r.lo2, m, &sx, &sy) < 0 ||
		    (sx == 0 && sy == 0) || (sx == n && sy == m)) {
			mark(sa, r.lo1, r.hi1);
			mark(sb, r.lo2, r.hi2);
			continue;
		}
		DFX_GROW(stack, nstack + 2, cap);
		stack[nstack++] = (struct range){r.lo1 + (size_t)sx, r.hi1,
						 r.lo2 + (size_t)sy, r.hi2};
		stack[nstack++] = (struct range){r.lo1, r.lo1 + (size_t)sx,
						 r.lo2, r.lo2 + (size_t)sy};
	}
	free(stack);
}

/*
 * Placement of groups of changed lines, after xdiff's change compaction:
 * a group can slide down while the line after it equals its first line, and
 * up while the line before it equals its last (swallowing any group it
 * reaches). Unchanged lines keep their order and pairing, so the script
 * stays valid. A group is placed next to a change of the other side when it
 * can reach one (making one replacement of two changes), else as low as it
 * goes. The k-th gap between unchanged lines of one side faces the k-th gap
 * of the other, which is how the other side's group is followed.
 */
struct group {
	size_t start, end;
};

static void group_first(const struct side *s, struct group *g)
{
	g->start = g->end = 0;
	while (g->end < s->n && s->chg[g->end])
		g->end++;
}

static int group_next(const struct side *s, struct group *g)
{
	if (g->end >= s->n)
		return -1;
	g->start = g->end = g->end + 1;
	while (g->end < s->n && s->chg[g->end])
		g->end++;
	return 0;
}

static int group_prev(const struct side *s, struct group *g)
{
	if (g->start == 0)
		return -1;
	g->start = g->end = g->start - 1;
	while (g->start > 0 && s->chg[g->start - 1])
		g->start--;
	return 0;
}

static int slide_down(struct side *s, struct group *g)
{
	if (g->end >= s->mid_hi || s->cls[g->start] != s->cls[g->end])
		return -1;
	s->chg[g->start++] = 0;
	s->chg[g->end++] = 1;
	while (g->end < s->n && s->chg[g->end])
		g->end++;
	return 0;
}

static int slide_up(struct side *s, struct group *g)
{
	if (g->start <= s->mid_lo || s->cls[g->start - 1] != s->cls[g->end - 1])
		return -1;
	s->chg[--g->start] = 1;
	s->chg[--g->end] = 0;
	while (g->start > 0 && s->chg[g->start - 1])
		g->start--;
	return 0;
}

/*
 * The region ends a few lines after the middle; the lines after it are the
 * same on both sides. Appends up to `count` of them to both.
 */
static void extend_tail(struct diff *d, size_t count)
{
	for (int k = 0; k < 2; k++) {
		struct side *s = &d->s[k];
		size_t pos = s->off[s->n], i;

		s->off = dfx_xrealloc(s->off, (s->n + count + 1) * sizeof(*s->off));
		s->chg = dfx_xrealloc(s->chg, s->n + count + 1);
		for (i = 0; i < count && pos < s->len; i++) {
			s->off[s->n] = pos;
			s->chg[s->n++] = 0;
			pos = next_line(s->data, s->len, pos);
		}
		s->off[s->n] = pos;
		s->chg[s->n] = 0;
	}
}

/*
 * A group that ends the middle may slide on into the common lines after
 * it, as far as the file repeats the group's lines there. Compared as
 * bytes: the lines from the group's start against the lines from its end.
 */
static void slide_tail(struct diff *d, struct side *x, struct group *g)
{
	const char *p = x->data;
	size_t from = x->off[g->start], to = x->off[g->end], m = 0, t = 0, need;

	while (to + m < x->len && p[from + m] == p[to + m])
		m++;
	for (size_t i = 0; i < m; i++)
		t += p[to + i] == '\n';
	if (!t)
		return;
	need = g->end + t + DFX_DIFF_CONTEXT;
	if (need > x->n)
		extend_tail(d, need - x->n);
	for (size_t i = 0; i < t; i++) {
		x->chg[g->start++] = 0;
		x->chg[g->end++] = 1;
	}
}

static void compact(struct diff *d, struct side *x, const struct side *o)
{
	struct group g, go;

	group_first(x, &g);
	group_first(o, &go);
	for (;;) {
		if (g.end > g.start) {
			size_t size, aligned_end;
			bool aligned;

			do {
				size = g.end - g.start;
				aligned = false;
				aligned_end = 0;
				while (!slide_up(x, &g))
					group_prev(o, &go);
				if (go.end > go.start) {
					aligned = true;
					aligned_end = g.end;
				}
				while (!slide_down(x, &g)) {
					group_next(o, &go);
					if (go.end > go.start) {
						aligned = true;
						aligned_end = g.end;
					}
				}
			} while (size != g.end - g.start);

			if (aligned) {
				while (g.end > aligned_end && !slide_up(x, &g))
					group_prev(o, &go);
			} else if (g.end == x->mid_hi) {
				slide_tail(d, x, &g);
				return;
			}
		}
		if (group_next(x, &g))
			break;
		group_next(o, &go);
	}
}

/* ---------------------------------------------------------------- output */

struct change {
	size_t i1, n1, i2, n2; /* region lines of each side */
};

static void emit_line(struct dfx_buf *out, char tag, const struct side *s, size_t i)
{
	size_t len = line_len(s, i);
	const char *p = line_ptr(s, i);

	dfx_buf_addc(out, tag);
	dfx_buf_add(out, p, len);
	if (!len || p[len - 1] != '\n')
		dfx_buf_adds(out, "\n\\ No newline at end of file\n");
}

static void emit_range(struct dfx_buf *out, char sign, size_t start, size_t count)
{
	dfx_buf_addf(out, "%c%zu", sign, count ? start : start - 1);
	if (count != 1)
		dfx_buf_addf(out, ",%zu", count);
}

static bool needs_quote(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == '"' || *p == '\\' || *p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

/* `--- a/PATH`: C-quoted when needed; a tab after a name with a space (as git). */
static void emit_path(struct dfx_buf *out, const char *mark3, const char *prefix,
		      const char *path)
{
	dfx_buf_adds(out, mark3);
	if (!path) {
		dfx_buf_adds(out, "/dev/null\n");
		return;
	}
	if (!needs_quote(path)) {
		dfx_buf_adds(out, prefix);
		dfx_buf_adds(out, path);
		if (strchr(path, ' '))
			dfx_buf_addc(out, '\t');
		dfx_buf_addc(out, '\n');
		return;
	}
	dfx_buf_addc(out, '"');
	dfx_buf_adds(out, prefix);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		static const char esc[] = "\a\b\t\n\v\f\r";
		static const char name[] = "abtnvfr";
		const char *e = memchr(esc, *p, sizeof(esc) - 1);

		if (*p == '"' || *p == '\\') {
			dfx_buf_addc(out, '\\');
			dfx_buf_addc(out, (char)*p);
		} else if (e) {
			dfx_buf_addc(out, '\\');
			dfx_buf_addc(out, name[e - esc]);
		} else if (*p < 0x20 || *p == 0x7f) {
			dfx_buf_addf(out, "\\%03o", *p);
		} else {
			dfx_buf_addc(out, (char)*p);
		}
	}
	dfx_buf_addc(out, '"');
	if (strchr(path, ' '))
		dfx_buf_addc(out, '\t');
	dfx_buf_addc(out, '\n');
}

static void emit(struct dfx_buf *out, struct diff *d, size_t base, const char *old_path,
		 const char *new_path)
{
	const struct side *sa = &d->s[0], *sb = &d->s[1];
	struct change *ch = NULL;
	size_t nch = 0, cap = 0, i = 0, j = 0;

	while (i < sa->n || j < sb->n) {
		size_t i0 = i, j0 = j;

		if (i < sa->n && j < sb->n && !sa->chg[i] && !sb->chg[j]) {
			i++;
			j++;
			continue;
		}
		while (i < sa->n && sa->chg[i])
			i++;
		while (j < sb->n && sb->chg[j])
			j++;
		if (i == i0 && j == j0) {
			/* Unpaired unchanged lines: cannot happen; stay correct. */
			i = sa->n;
			j = sb->n;
		}
		DFX_GROW(ch, nch + 1, cap);
		ch[nch++] = (struct change){i0, i - i0, j0, j - j0};
	}
	if (!nch)
		return;

	emit_path(out, "--- ", "a/", old_path);
	emit_path(out, "+++ ", "b/", new_path);
	for (size_t h = 0; h < nch;) {
		size_t e = h, pre, post, a0, a1, b0, b1;

		while (e + 1 < nch &&
		       ch[e + 1].i1 - (ch[e].i1 + ch[e].n1) <= 2 * DFX_DIFF_CONTEXT)
			e++;
		pre = ch[h].i1 < DFX_DIFF_CONTEXT ? ch[h].i1 : DFX_DIFF_CONTEXT;
		if (pre > ch[h].i2)
			pre = ch[h].i2;
		a1 = ch[e].i1 + ch[e].n1;
		b1 = ch[e].i2 + ch[e].n2;
		post = sa->n - a1 < DFX_DIFF_CONTEXT ? sa->n - a1 : DFX_DIFF_CONTEXT;
		if (post > sb->n - b1)
			post = sb->n - b1;
		a0 = ch[h].i1 - pre;
		b0 = ch[h].i2 - pre;
		a1 += post;
		b1 += post;

		dfx_buf_adds(out, "@@ ");
		emit_range(out, '-', base + a0 + 1, a1 - a0);
		dfx_buf_addc(out, ' ');
		emit_range(out, '+', base + b0 + 1, b1 - b0);
		dfx_buf_adds(out, " @@\n");

		for (size_t c = h, k = a0; c <= e; c++) {
			for (; k < ch[c].i1; k++)
				emit_line(out, ' ', sa, k);
			for (size_t t = 0; t < ch[c].n1; t++)
				emit_line(out, '-', sa, ch[c].i1 + t);
			for (size_t t = 0; t < ch[c].n2; t++)
				emit_line(out, '+', sb, ch[c].i2 + t);
			k = ch[c].i1 + ch[c].n1;
		}
		for (size_t k = ch[e].i1 + ch[e].n1; k < a1; k++)
			emit_line(out, ' ', sa, k);
		h = e + 1;
	}
	free(ch);
}

/* ---------------------------------------------------------------- driver */

static size_t common_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	while (i + 64 <= n && !memcmp(a + i, b + i, 64))
		i += 64;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

static size_t common_suffix(const char *a, size_t alen, const char *b, size_t blen,
			    size_t limit)
{
	size_t s = 0;

	while (s + 64 <= limit && !memcmp(a + alen - s - 64, b + blen - s - 64, 64))
		s += 64;
	while (s < limit && a[alen - s - 1] == b[blen - s - 1])
		s++;
	return s;
}

void dfx_diff_unified(struct dfx_buf *out, const char *old_path, const char *new_path,
		      const char *a, size_t alen, const char *b, size_t blen)
{
	struct diff d;
	size_t p, pre_end, limit, s, qa, qb, r0, ra, rb, base = 0;

	if (!a)
		a = "";
	if (!b)
		b = "";
	if (alen == blen && (!alen || !memcmp(a, b, alen)))
		return;
	memset(&d, 0, sizeof(d));

	/* Whole lines common at the start: up to the last '\n' both share. */
	p = common_prefix(a, b, alen < blen ? alen : blen);
	pre_end = p;
	while (pre_end > 0 && a[pre_end - 1] != '\n')
		pre_end--;

	/*
	 * Whole lines common at the end: the first position qa (qb in b) at
	 * or after the start of the common bytes where both sides start a
	 * line.
	 */
	limit = (alen < blen ? alen : blen) - pre_end;
	s = common_suffix(a, alen, b, blen, limit);
	qa = alen - s;
	qb = blen - s;
	if (!((qa == 0 || a[qa - 1] == '\n') && (qb == 0 || b[qb - 1] == '\n'))) {
		qa = next_line(a, alen, qa);
		qb = qa + (blen - alen);
	}

	/* The region: the differing lines plus the context around them. */
	r0 = pre_end;
	for (int k = 0; k < DFX_DIFF_CONTEXT && r0 > 0; k++)
		r0 = prev_line(a, r0);
	ra = qa;
	for (int k = 0; k < DFX_DIFF_CONTEXT && ra < alen; k++)
		ra = next_line(a, alen, ra);
	rb = ra + (blen - alen);
	for (const char *q = a; (q = memchr(q, '\n', (size_t)(a + r0 - q))) != NULL; q++)
		base++;

	side_init(&d.s[0], a, alen, r0, ra, pre_end, qa);
	side_init(&d.s[1], b, blen, r0, rb, pre_end, qb);
	classify(&d);
	d.vf = dfx_xmalloc((d.s[0].nr + d.s[1].nr + 3) * sizeof(*d.vf));
	d.vb = dfx_xmalloc((d.s[0].nr + d.s[1].nr + 3) * sizeof(*d.vb));
	compare(&d);
	compact(&d, &d.s[0], &d.s[1]);
	compact(&d, &d.s[1], &d.s[0]);
	emit(out, &d, base, old_path, new_path);

	free(d.vf);
	free(d.vb);
	free(d.kl);
	side_release(&d.s[0]);
	side_release(&d.s[1]);
}
