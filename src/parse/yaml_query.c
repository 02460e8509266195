/*
 * yaml_query.c - reading dockfix's YAML span tree (yamltree.c builds it):
 * the printer that rebuilds the source from the spans, mapping lookups with
 * `<<` merge keys resolved lazily under the tree's visit budget, sequence
 * access, scalar readings (null, booleans), and node positions and paths.
 *
 * References: YAML 1.2 (yaml.org/spec/1.2.2), the merge-key type
 * (yaml.org/type/merge.html), the YAML 1.1 boolean type
 * (yaml.org/type/bool.html) as Docker Compose reads it (Compose
 * Specification, "Interpolation" and go-yaml v3), and JSON Pointer
 * (RFC 6901) for the path syntax.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/yamltree.h"
#include "yaml_strmap.h"

/* ---------------------------------------------------------------- printer */

static int print_node(const struct dfx_yaml *t, const struct dfx_yaml_node *n,
		      struct dfx_buf *out, uint32_t *cur, uint32_t limit)
{
	if (n->span.start < *cur || n->span.end < n->span.start || n->span.end > limit ||
	    n->tok.start < n->span.start || n->tok.end > n->span.end || n->tok.start > n->tok.end)
		return -1;
	dfx_buf_add(out, t->data + *cur, n->span.start - *cur);
	*cur = n->span.start;
	switch (n->type) {
	case DFX_YAML_MAPPING:
		for (size_t i = 0; i < n->n; i++) {
			if (print_node(t, n->pairs[i].key, out, cur, n->span.end) < 0 ||
			    print_node(t, n->pairs[i].value, out, cur, n->span.end) < 0)
				return -1;
		}
		break;
	case DFX_YAML_SEQUENCE:
		for (size_t i = 0; i < n->n; i++)
			if (print_node(t, n->items[i], out, cur, n->span.end) < 0)
				return -1;
		break;
	default:
		/* properties, then the token around its content */
		if (n->inner.start < n->tok.start || n->inner.end > n->tok.end ||
		    n->inner.start > n->inner.end)
			return -1;
		dfx_buf_add(out, t->data + *cur, n->inner.start - *cur);
		dfx_buf_add(out, t->data + n->inner.start, n->inner.end - n->inner.start);
		*cur = n->inner.end;
		break;
	}
	dfx_buf_add(out, t->data + *cur, n->span.end - *cur);
	*cur = n->span.end;
	return 0;
}

int dfx_yaml_print(const struct dfx_yaml *t, struct dfx_buf *out)
{
	uint32_t cur = 0;

	for (size_t i = 0; i < t->ndocs; i++)
		if (print_node(t, t->docs[i], out, &cur, (uint32_t)t->len) < 0)
			return -1;
	dfx_buf_add(out, t->data + cur, t->len - cur);
	return 0;
}

/* ---------------------------------------------------------------- lookups */

const struct dfx_yaml_node *dfx_yaml_resolve(const struct dfx_yaml_node *n)
{
	if (n && n->type == DFX_YAML_ALIAS)
		return n->target;
	return n;
}

bool dfx_yaml_is_merge_key(const struct dfx_yaml_node *key)
{
	if (!key || key->type != DFX_YAML_SCALAR || key->style != DFX_YAML_PLAIN ||
	    key->vlen != 2 || memcmp(key->value, "<<", 2))
		return false;
	return !key->tag || !strcmp(key->tag, "!!merge") ||
	       !strcmp(key->tag, "!<tag:yaml.org,2002:merge>");
}

static bool spend(struct dfx_yaml *t)
{
	if (t->visits >= t->budget) {
		t->budget_spent = true;
		return false;
	}
	t->visits++;
	return true;
}

static bool key_eq(const struct dfx_yaml_node *key, const char *s, size_t len)
{
	key = dfx_yaml_resolve(key);
	return key && key->type == DFX_YAML_SCALAR && key->vlen == len && !memcmp(key->value, s, len);
}

static void fill_ref(struct dfx_yaml_ref *ref, const struct dfx_yaml_node *map,
		     const struct dfx_yaml_pair *p, const struct dfx_yaml_node *via)
{
	ref->map = map;
	ref->key = p->key;
	ref->value = p->value;
	ref->node = dfx_yaml_resolve(p->value);
	if (!via && p->value->type == DFX_YAML_ALIAS)
		via = p->value;
	ref->via = via;
	ref->from_anchor = via != NULL;
}

static int map_get_rec(struct dfx_yaml *t, const struct dfx_yaml_node *map, const char *key,
		       size_t klen, struct dfx_yaml_ref *ref, const struct dfx_yaml_node *via,
		       unsigned depth)
{
	if (!map || map->type != DFX_YAML_MAPPING || depth > DFX_YAML_MAX_DEPTH)
		return 0;
	for (size_t i = 0; i < map->n; i++) {
		if (!spend(t))
			return -1;
		if (!dfx_yaml_is_merge_key(map->pairs[i].key) && key_eq(map->pairs[i].key, key, klen)) {
			fill_ref(ref, map, &map->pairs[i], via);
			return 1;
		}
	}
	for (size_t i = 0; i < map->n; i++) {
		const struct dfx_yaml_node *v = map->pairs[i].value;
		int rc = 0;

		if (!dfx_yaml_is_merge_key(map->pairs[i].key))
			continue;
		if (v->type == DFX_YAML_ALIAS) {
			rc = map_get_rec(t, v->target, key, klen, ref, via ? via : v, depth + 1);
		} else if (v->type == DFX_YAML_MAPPING) {
			rc = map_get_rec(t, v, key, klen, ref, via, depth + 1);
		} else if (v->type == DFX_YAML_SEQUENCE) {
			for (size_t j = 0; j < v->n && !rc; j++) {
				const struct dfx_yaml_node *it = v->items[j];

				if (!spend(t))
					return -1;
				rc = map_get_rec(t, dfx_yaml_resolve(it), key, klen, ref,
						 via ? via : (it->type == DFX_YAML_ALIAS ? it : NULL),
						 depth + 1);
			}
		}
		if (rc)
			return rc;
	}
	return 0;
}

int dfx_yaml_map_get(struct dfx_yaml *t, const struct dfx_yaml_node *map, const char *key,
		     struct dfx_yaml_ref *ref)
{
	struct dfx_yaml_ref tmp;
	const struct dfx_yaml_node *via = map && map->type == DFX_YAML_ALIAS ? map : NULL;

	if (!ref)
		ref = &tmp;
	memset(ref, 0, sizeof(*ref));
	if (!key)
		return 0;
	return map_get_rec(t, dfx_yaml_resolve(map), key, strlen(key), ref, via, 0);
}

const struct dfx_yaml_node *dfx_yaml_get(struct dfx_yaml *t, const struct dfx_yaml_node *map,
					 const char *key)
{
	struct dfx_yaml_ref ref;

	return dfx_yaml_map_get(t, map, key, &ref) == 1 ? ref.node : NULL;
}

struct foreach_state {
	struct dfx_yaml *t;
	struct strmap seen;
	int (*fn)(const struct dfx_yaml_ref *ref, void *arg);
	void *arg;
};

static int foreach_rec(struct foreach_state *st, const struct dfx_yaml_node *map,
		       const struct dfx_yaml_node *via, unsigned depth)
{
	if (!map || map->type != DFX_YAML_MAPPING || depth > DFX_YAML_MAX_DEPTH)
		return 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct dfx_yaml_node *k = dfx_yaml_resolve(map->pairs[i].key);
		struct dfx_yaml_ref ref;
		int rc;

		if (!spend(st->t))
			return -1;
		if (dfx_yaml_is_merge_key(map->pairs[i].key))
			continue;
		if (k && k->type == DFX_YAML_SCALAR) {
			if (strmap_get(&st->seen, k->value, k->vlen))
				continue;
			strmap_put(&st->seen, k->value, k->vlen, k);
		}
		fill_ref(&ref, map, &map->pairs[i], via);
		rc = st->fn(&ref, st->arg);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < map->n; i++) {
		const struct dfx_yaml_node *v = map->pairs[i].value;
		int rc = 0;

		if (!dfx_yaml_is_merge_key(map->pairs[i].key))
			continue;
		if (v->type == DFX_YAML_ALIAS) {
			rc = foreach_rec(st, v->target, via ? via : v, depth + 1);
		} else if (v->type == DFX_YAML_MAPPING) {
			rc = foreach_rec(st, v, via, depth + 1);
		} else if (v->type == DFX_YAML_SEQUENCE) {
			for (size_t j = 0; j < v->n && !rc; j++) {
				const struct dfx_yaml_node *it = v->items[j];

				rc = foreach_rec(st, dfx_yaml_resolve(it),
						 via ? via : (it->type == DFX_YAML_ALIAS ? it : NULL),
						 depth + 1);
			}
		}
		if (rc)
			return rc;
	}
	return 0;
}

int dfx_yaml_map_foreach(struct dfx_yaml *t, const struct dfx_yaml_node *map,
			 int (*fn)(const struct dfx_yaml_ref *ref, void *arg), void *arg)
{
	struct foreach_state st;
	int rc;

	memset(&st, 0, sizeof(st));
	st.t = t;
	st.fn = fn;
	st.arg = arg;
	rc = foreach_rec(&st, dfx_yaml_resolve(map),
			 map && map->type == DFX_YAML_ALIAS ? map : NULL, 0);
	strmap_release(&st.seen);
	return rc;
}

size_t dfx_yaml_seq_len(const struct dfx_yaml_node *seq)
{
	seq = dfx_yaml_resolve(seq);
	return seq && seq->type == DFX_YAML_SEQUENCE ? seq->n : 0;
}

const struct dfx_yaml_node *dfx_yaml_seq_item(const struct dfx_yaml_node *seq, size_t i)
{
	seq = dfx_yaml_resolve(seq);
	if (!seq || seq->type != DFX_YAML_SEQUENCE || i >= seq->n)
		return NULL;
	return dfx_yaml_resolve(seq->items[i]);
}

const char *dfx_yaml_str(const struct dfx_yaml_node *n)
{
	n = dfx_yaml_resolve(n);
	return n && n->type == DFX_YAML_SCALAR ? n->value : NULL;
}

bool dfx_yaml_str_eq(const struct dfx_yaml_node *n, const char *s)
{
	n = dfx_yaml_resolve(n);
	return n && n->type == DFX_YAML_SCALAR && s && n->vlen == strlen(s) &&
	       !memcmp(n->value, s, n->vlen);
}

bool dfx_yaml_is_null(const struct dfx_yaml_node *n)
{
	static const char *const nulls[] = {"~", "null", "Null", "NULL"};

	n = dfx_yaml_resolve(n);
	if (!n || n->type != DFX_YAML_SCALAR)
		return false;
	if (n->empty)
		return true;
	if (n->style != DFX_YAML_PLAIN)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(n->value, nulls[i]))
			return true;
	return false;
}

static bool word_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static bool word_in_nocase(const char *s, const char *const *list)
{
	for (; *list; list++) {
		size_t i = 0;

		while (s[i] && (*list)[i] &&
		       (s[i] | 0x20) == ((*list)[i] | 0x20) && s[i] >= '0')
			i++;
		if (!s[i] && !(*list)[i])
			return true;
	}
	return false;
}

enum dfx_yaml_truth dfx_yaml_truth(const struct dfx_yaml_node *n)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On",
					  "ON", "y", "Y", NULL};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off",
					 "Off", "OFF", "n", "N", NULL};
	static const char *const qyes[] = {"true", "yes", "on", "y", "1", NULL};
	static const char *const qno[] = {"false", "no", "off", "n", "0", NULL};

	n = dfx_yaml_resolve(n);
	if (!n || n->type != DFX_YAML_SCALAR || n->empty || strlen(n->value) != n->vlen)
		return DFX_YAML_NOT_BOOL;
	if (n->style == DFX_YAML_PLAIN) {
		if (word_in(n->value, yes))
			return DFX_YAML_TRUE;
		if (word_in(n->value, no))
			return DFX_YAML_FALSE;
		return DFX_YAML_NOT_BOOL;
	}
	if (word_in_nocase(n->value, qyes))
		return DFX_YAML_TRUE;
	if (word_in_nocase(n->value, qno))
		return DFX_YAML_FALSE;
	return DFX_YAML_NOT_BOOL;
}

bool dfx_yaml_is_true(const struct dfx_yaml_node *n)
{
	return dfx_yaml_truth(n) == DFX_YAML_TRUE;
}

static bool contains(const struct dfx_yaml_node *n, uint32_t off)
{
	return n->span.start <= off && (off < n->span.end || off == n->span.start);
}

const struct dfx_yaml_node *dfx_yaml_node_at(const struct dfx_yaml *t, uint32_t off)
{
	const struct dfx_yaml_node *n = NULL, *next;

	for (size_t i = 0; i < t->ndocs && !n; i++)
		if (contains(t->docs[i], off))
			n = t->docs[i];
	if (!n)
		return NULL;
	for (;;) {
		next = NULL;
		if (n->type == DFX_YAML_MAPPING) {
			for (size_t i = 0; i < n->n && !next; i++) {
				if (contains(n->pairs[i].key, off))
					next = n->pairs[i].key;
				else if (contains(n->pairs[i].value, off))
					next = n->pairs[i].value;
			}
		} else if (n->type == DFX_YAML_SEQUENCE) {
			for (size_t i = 0; i < n->n && !next; i++)
				if (contains(n->items[i], off))
					next = n->items[i];
		}
		if (!next)
			return n;
		n = next;
	}
}

static void add_segment(struct dfx_buf *out, const char *s, size_t n)
{
	dfx_buf_addc(out, '/');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~')
			dfx_buf_adds(out, "~0");
		else if (s[i] == '/')
			dfx_buf_adds(out, "~1");
		else
			dfx_buf_addc(out, s[i]);
	}
}

void dfx_yaml_node_path(const struct dfx_yaml_node *n, struct dfx_buf *out)
{
	const struct dfx_yaml_node *chain[DFX_YAML_MAX_DEPTH + 2];
	size_t depth = 0;

	for (const struct dfx_yaml_node *p = n; p && p->parent && depth < DFX_YAML_MAX_DEPTH + 2;
	     p = p->parent)
		chain[depth++] = p;
	if (!depth) {
		dfx_buf_addc(out, '/');
		return;
	}
	while (depth--) {
		const struct dfx_yaml_node *c = chain[depth], *par = c->parent;

		if (par->type == DFX_YAML_MAPPING) {
			const struct dfx_yaml_node *k = par->pairs[c->index].key;

			if (k->type == DFX_YAML_SCALAR) {
				add_segment(out, k->value, k->vlen);
			} else if (k->type == DFX_YAML_ALIAS) {
				dfx_buf_adds(out, "/*");
				dfx_buf_add(out, k->value, k->vlen);
			} else {
				dfx_buf_addf(out, "/?%u", (unsigned)c->index);
			}
		} else {
			dfx_buf_addf(out, "/%u", (unsigned)c->index);
		}
	}
}

uint32_t dfx_yaml_entry_start(const struct dfx_yaml *t, const struct dfx_yaml_node *n)
{
	(void)t;
	if (!n)
		return 0;
	return n->parent ? n->entry : n->span.start;
}
