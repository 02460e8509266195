/*
 * dockerfile_expand.c - the Dockerfile parser, variable expansion
 * ($VAR, ${VAR}, ${VAR:-word}, ${VAR:+word}, escapes) and FROM stages with
 * the ARG defaults declared before the first FROM.
 *
 * Reference: BuildKit frontend/dockerfile/parser (github.com/moby/buildkit)
 * and the Dockerfile reference (https://docs.docker.com/reference/dockerfile/).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockerfile_int.h"

/* ================================================================ variable expansion */

/*
 * A variable lookup with budgets against expansion bombs (ARG B=$A$A,
 * ARG C=$B$B, ...) and quadratic rescans: once `out` bytes of values or
 * `work` scanning steps are spent, the rest of the text is copied as is.
 */
struct lookup {
	const char *(*fn)(void *, const char *);
	void *arg;
	size_t out, work;
};

#define EXPAND_OUT_BUDGET (1u << 20)
#define EXPAND_WORK_BUDGET (16u << 20)

static void add_value(struct dfx_buf *out, const char *val, struct lookup *lk)
{
	size_t n;

	if (!val)
		return;
	n = strlen(val);
	if (n > lk->out) {
		lk->out = 0;
		return;
	}
	lk->out -= n;
	dfx_buf_add(out, val, n);
}

static const char *lookup_name(struct lookup *lk, const char *s, size_t n)
{
	char *name;
	const char *val;

	if (!lk->fn)
		return NULL;
	name = dfx_xstrndup(s, n);
	val = lk->fn(lk->arg, name);
	free(name);
	return val;
}

static bool is_name_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

static void expand_into(struct dfx_buf *out, const char *s, size_t n, struct lookup *lk,
			char esc, bool dequote_too, int depth);

/* ${...} at s[i] ('$' then '{'); returns the index after it, or 0 when malformed. */
static size_t expand_braced(struct dfx_buf *out, const char *s, size_t i, size_t n,
			    struct lookup *lk, char esc, int depth)
{
	size_t ns = i + 2, ne = ns, j, level = 1, ws, we;
	const char *val;
	char op = 0;
	bool colon = false;

	while (ne < n && is_name_char(s[ne]))
		ne++;
	if (ne == ns || ne >= n)
		return 0;
	/* the matching brace, counting nested ${ */
	for (j = ne; j < n; j++) {
		if (!lk->work)
			return 0;
		lk->work--;
		if (s[j] == '$' && j + 1 < n && s[j + 1] == '{') {
			level++;
			j++;
		} else if (s[j] == '}' && --level == 0) {
			break;
		}
	}
	if (j >= n)
		return 0;
	ws = ne;
	we = j;
	if (ws < we) {
		if (s[ws] == ':') {
			colon = true;
			ws++;
		}
		if (ws < we)
			op = s[ws++];
		if (colon && op != '-' && op != '+' && op != '?')
			return 0;
	}
	val = lookup_name(lk, s + ns, ne - ns);
	switch (op) {
	case 0:
		add_value(out, val, lk);
		break;
	case '-':
		if (!val || (colon && !*val)) {
			if (depth < EXPAND_MAX_DEPTH)
				expand_into(out, s + ws, we - ws, lk, esc, false, depth + 1);
		} else {
			add_value(out, val, lk);
		}
		break;
	case '+':
		if (val && !(colon && !*val) && depth < EXPAND_MAX_DEPTH)
			expand_into(out, s + ws, we - ws, lk, esc, false, depth + 1);
		break;
	default:
		/* ${v?msg}, ${v#pat}, ${v%pat}, ${v/a/b}: the value itself */
		add_value(out, val, lk);
		break;
	}
	return j + 1;
}

static void expand_into(struct dfx_buf *out, const char *s, size_t n, struct lookup *lk,
			char esc, bool dequote_too, int depth)
{
	size_t i = 0;
	char q = 0;

	while (i < n) {
		char c = s[i];

		if (dequote_too && !q && (c == '\'' || c == '"')) {
			q = c;
			i++;
			continue;
		}
		if (dequote_too && q && c == q) {
			q = 0;
			i++;
			continue;
		}
		if (q == '\'') {
			dfx_buf_addc(out, c);
			i++;
			continue;
		}
		if (c == esc && i + 1 < n) {
			if (s[i + 1] == '$' || (dequote_too && (!q || s[i + 1] == '"' || s[i + 1] == esc))) {
				dfx_buf_addc(out, s[i + 1]);
				i += 2;
				continue;
			}
		}
		if (c == '$' && i + 1 < n) {
			if (s[i + 1] == '{') {
				size_t nx = expand_braced(out, s, i, n, lk, esc, depth);
				if (nx) {
					i = nx;
					continue;
				}
			} else if (is_alpha(s[i + 1]) || s[i + 1] == '_') {
				size_t ne = i + 1;

				while (ne < n && is_name_char(s[ne]))
					ne++;
				add_value(out, lookup_name(lk, s + i + 1, ne - i - 1), lk);
				i = ne;
				continue;
			}
		}
		dfx_buf_addc(out, c);
		i++;
	}
}

char *dfx_dockerfile_expand(const char *text, const char *(*lookup)(void *, const char *), void *arg)
{
	struct dfx_buf b = DFX_BUF_INIT;
	struct lookup lk = {lookup, arg, EXPAND_OUT_BUDGET, EXPAND_WORK_BUDGET};

	dfx_buf_add(&b, "", 0);
	if (text)
		expand_into(&b, text, strlen(text), &lk, '\\', false, 0);
	return dfx_buf_detach(&b);
}

/* ================================================================ stages */

/* A string-keyed hash table of indices (keys borrowed, open addressing). */
struct smap {
	const char **keys;
	size_t *vals;
	size_t n, cap;
};

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

static size_t *smap_find(const struct smap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = str_hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0)
			return &m->vals[i];
	return NULL;
}

static void smap_put(struct smap *m, const char *key, size_t val)
{
	size_t *v = smap_find(m, key), i;

	if (v) {
		*v = val;
		return;
	}
	if (2 * (m->n + 1) > m->cap) {
		struct smap g = {NULL, NULL, 0, m->cap ? m->cap * 2 : 16};

		g.keys = dfx_xcalloc(g.cap, sizeof(*g.keys));
		g.vals = dfx_xcalloc(g.cap, sizeof(*g.vals));
		for (size_t k = 0; k < m->cap; k++)
			if (m->keys[k])
				smap_put(&g, m->keys[k], m->vals[k]);
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	for (i = str_hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

static void smap_release(struct smap *m)
{
	free(m->keys);
	free(m->vals);
}

/* ARG values declared before the first FROM, defaults expanded in order. */
struct meta {
	char **values;  /* NULL: declared without a default */
	size_t n, cap;
	struct smap index; /* name -> latest value */
};

static const char *meta_lookup(void *arg, const char *name)
{
	const struct meta *m = arg;
	const size_t *k = smap_find(&m->index, name);

	return k ? m->values[*k] : NULL;
}

static void meta_add(struct meta *m, const char *name, char *value)
{
	DFX_GROW(m->values, m->n + 1, m->cap);
	m->values[m->n] = value;
	smap_put(&m->index, name, m->n);
	m->n++;
}

static void meta_release(struct meta *m)
{
	for (size_t k = 0; k < m->n; k++)
		free(m->values[k]);
	free(m->values);
	smap_release(&m->index);
}

/* Expanded ARG defaults and stage images share one budget per file. */
#define STAGES_OUT_BUDGET (16u << 20)
#define STAGES_WORK_BUDGET (32u << 20)

static char *expand_budget(const char *text, struct lookup *lk, char esc, bool dequote_too)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_add(&b, "", 0);
	expand_into(&b, text, strlen(text), lk, esc, dequote_too, 0);
	return dfx_buf_detach(&b);
}

void dfx_dfparse_build_stages(struct parser *p)
{
	struct dfx_dockerfile *df = p->df;
	struct meta m;
	struct smap names = {NULL, NULL, 0, 0}; /* stage name -> first stage */
	struct lookup lk = {meta_lookup, &m, STAGES_OUT_BUDGET, STAGES_WORK_BUDGET};
	int cur = -1;

	memset(&m, 0, sizeof(m));
	for (size_t i = 0; i < df->ninstrs; i++) {
		struct dfx_df_instr *in = &df->instrs[i];

		if (cur < 0 && dfx_dfparse_cmd_is(in, "ARG")) {
			for (size_t k = 0; k < in->nkvs; k++) {
				const struct dfx_df_kv *kv = &in->kvs[k];

				if (kv->value)
					meta_add(&m, kv->key, expand_budget(kv->value, &lk, '\\', false));
				else if (!smap_find(&m.index, kv->key))
					meta_add(&m, kv->key, NULL);
			}
		}
		if (dfx_dfparse_cmd_is(in, "FROM")) {
			struct dfx_df_stage *st;
			const struct dfx_df_flag *pf = dfx_df_instr_flag(in, "platform");

			if (cur >= 0)
				df->stages[cur].last = i - 1;
			DFX_GROW(df->stages, df->nstages + 1, p->scap);
			st = &df->stages[df->nstages];
			memset(st, 0, sizeof(*st));
			st->from = st->first = st->last = i;
			st->parent = -1;
			if (in->nwords) {
				char *low;
				const size_t *k;

				st->image = expand_budget(in->words[0].raw, &lk, df->escape, true);
				st->image_span = in->words[0].span;
				low = dfx_dfparse_lower_dup(st->image, strlen(st->image));
				k = smap_find(&names, low);
				if (k)
					st->parent = (int)*k;
				free(low);
			} else {
				st->image = dfx_xstrdup("");
				st->image_span = in->args;
			}
			if (in->nwords >= 3 && strcasecmp(in->words[1].text, "as") == 0) {
				st->name = dfx_dfparse_lower_dup(in->words[2].text, strlen(in->words[2].text));
				if (!smap_find(&names, st->name))
					smap_put(&names, st->name, df->nstages);
			}
			if (pf && pf->value)
				st->platform = dfx_xstrdup(pf->value);
			cur = (int)df->nstages++;
		}
		in->stage = cur;
		if (in->sub)
			in->sub->stage = cur;
	}
	if (cur >= 0)
		df->stages[cur].last = df->ninstrs - 1;
	meta_release(&m);
	smap_release(&names);
}

