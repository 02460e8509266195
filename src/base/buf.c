/*
 * buf.c - checked allocation and a growing, always NUL-terminated buffer
 * (the idea of curl's dynbuf: every append is checked, the string is always
 * terminated, and the owner releases it once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/core.h"

static void oom(void)
{
	fputs("dockfix: out of memory\n", stderr);
	abort();
}

void *dfx_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *dfx_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *dfx_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *dfx_xstrdup(const char *s)
{
	return dfx_xstrndup(s, strlen(s));
}

char *dfx_xstrndup(const char *s, size_t n)
{
	char *p = dfx_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *dfx_xasprintf(const char *fmt, ...)
{
	struct dfx_buf b = DFX_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return dfx_buf_detach(&b);
}

void dfx_buf_init(struct dfx_buf *b)
{
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void dfx_buf_release(struct dfx_buf *b)
{
	free(b->ptr);
	dfx_buf_init(b);
}

void dfx_buf_reset(struct dfx_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static void grow(struct dfx_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->ptr = dfx_xrealloc(b->ptr, cap);
	b->cap = cap;
}

void dfx_buf_add(struct dfx_buf *b, const void *p, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void dfx_buf_adds(struct dfx_buf *b, const char *s)
{
	dfx_buf_add(b, s, strlen(s));
}

void dfx_buf_addc(struct dfx_buf *b, char c)
{
	dfx_buf_add(b, &c, 1);
}

void dfx_buf_vaddf(struct dfx_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void dfx_buf_addf(struct dfx_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dfx_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *dfx_buf_detach(struct dfx_buf *b)
{
	char *p = b->ptr ? b->ptr : dfx_xstrdup("");
	dfx_buf_init(b);
	return p;
}

void dfx_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (base && n > 1)
		qsort(base, n, size, cmp);
}

size_t dfx_lower_bound(const void *base, size_t n, size_t size, const void *key,
		       int (*cmp)(const void *key, const void *elem))
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(key, (const char *)base + mid * size) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t dfx_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h;
}
