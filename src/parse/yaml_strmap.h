/*
 * yaml_strmap.h - private to src/parse/yaml*.c: an open-addressing map from
 * byte strings to pointers, used by the tree builder (anchors) and by the
 * lookups (keys already seen through `<<` merges). Keys are borrowed.
 */
#ifndef DOCKFIX_YAML_STRMAP_H
#define DOCKFIX_YAML_STRMAP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/core.h"

/* Open-addressing map from byte strings to pointers (anchors, seen keys). */
struct strmap_slot {
	const char *key;
	size_t len;
	const void *val;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;
};

static inline uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static inline struct strmap_slot *strmap_find(struct strmap *m, const char *key, size_t len)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = hash_bytes(key, len) & (m->cap - 1);
	for (;;) {
		struct strmap_slot *s = &m->slots[i];

		if (!s->key)
			return s;
		if (s->len == len && !memcmp(s->key, key, len))
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

static inline void strmap_put(struct strmap *m, const char *key, size_t len, const void *val)
{
	struct strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;

		m->cap = m->cap ? m->cap * 2 : 16;
		m->slots = dfx_xcalloc(m->cap, sizeof(*m->slots));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				strmap_put(m, old.slots[i].key, old.slots[i].len, old.slots[i].val);
		free(old.slots);
	}
	s = strmap_find(m, key, len);
	if (!s->key) {
		s->key = key;
		s->len = len;
		m->n++;
	}
	s->val = val;
}

static inline const void *strmap_get(struct strmap *m, const char *key, size_t len)
{
	struct strmap_slot *s = strmap_find(m, key, len);

	return s && s->key ? s->val : NULL;
}

static inline void strmap_release(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

#endif
