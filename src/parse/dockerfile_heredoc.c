/*
 * dockerfile_heredoc.c - the Dockerfile parser, heredocs: which
 * instructions take them, the `<<[-]["]NAME["]` words, reading the bodies
 * up to their terminators.
 *
 * Reference: BuildKit frontend/dockerfile/parser (github.com/moby/buildkit)
 * and the Dockerfile reference (https://docs.docker.com/reference/dockerfile/).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockerfile_int.h"

/* ================================================================ heredocs */

bool dfx_dfparse_heredoc_capable(const struct dfx_df_instr *in)
{
	if (dfx_dfparse_cmd_is(in, "ONBUILD")) {
		if (!in->sub)
			return false;
		in = in->sub;
	}
	return !in->json && (dfx_dfparse_cmd_is(in, "RUN") || dfx_dfparse_cmd_is(in, "COPY") || dfx_dfparse_cmd_is(in, "ADD"));
}

/*
 * Words of a logical line for heredoc detection (BuildKit's lexer with raw
 * quotes and escapes, escape character always '\\'): "<<" swallows the
 * blanks after it. Returns NULL with *count 0 when a quote is unbalanced
 * (BuildKit then finds no heredoc).
 */
static struct range *heredoc_words(const char *s, size_t a, size_t b, size_t *count)
{
	struct range *v = NULL;
	size_t nv = 0, cap = 0, pos = a, ws = 0;
	bool inw = false;

	*count = 0;
	while (pos < b) {
		size_t k = dfx_dfparse_uspace(s, pos, b);
		char c;

		if (k) {
			if (inw) {
				DFX_GROW(v, nv + 1, cap);
				v[nv].s = ws;
				v[nv++].e = pos;
				inw = false;
			}
			pos += k;
			continue;
		}
		if (!inw) {
			inw = true;
			ws = pos;
		}
		c = s[pos];
		if (c == '\'') {
			const char *q = memchr(s + pos + 1, '\'', b - pos - 1);
			if (!q)
				goto unbalanced;
			pos = (size_t)(q - s) + 1;
		} else if (c == '"') {
			pos++;
			while (pos < b && s[pos] != '"')
				pos += s[pos] == '\\' ? 2 : 1;
			if (pos >= b)
				goto unbalanced;
			pos++;
		} else if (c == '\\') {
			pos = pos + 2 < b ? pos + 2 : b;
		} else if (c == '<' && pos + 1 < b && s[pos + 1] == '<') {
			pos += 2;
			while (pos < b && is_blank(s[pos]))
				pos++;
		} else {
			pos++;
		}
	}
	if (inw) {
		DFX_GROW(v, nv + 1, cap);
		v[nv].s = ws;
		v[nv++].e = pos;
	}
	*count = nv;
	return v;
unbalanced:
	free(v);
	return NULL;
}

/*
 * The terminator word after "<<" (BuildKit's heredocFromMatch): it must
 * lex to exactly one word; any quoting turns expansion off. Returns 1 with
 * *name set, 0 when it is not a heredoc, -1 on an unbalanced quote.
 */
static int heredoc_name(const char *s, size_t q, size_t e, char **name, bool *quoted)
{
	struct dfx_buf cur = DFX_BUF_INIT;
	size_t nwords = 0, pos = q;
	char *first = NULL;

	*quoted = false;
	dfx_buf_add(&cur, "", 0);
	for (;;) {
		size_t k = pos < e ? dfx_dfparse_uspace(s, pos, e) : 0;

		if (pos >= e || k) {
			if (cur.len) {
				if (!nwords++)
					first = dfx_xstrndup(cur.ptr, cur.len);
				dfx_buf_reset(&cur);
			}
			if (pos >= e)
				break;
			pos += k;
			continue;
		}
		if (s[pos] == '\'') {
			const char *c = memchr(s + pos + 1, '\'', e - pos - 1);
			if (!c)
				goto unbalanced;
			dfx_buf_add(&cur, s + pos + 1, (size_t)(c - s) - pos - 1);
			*quoted = true;
			pos = (size_t)(c - s) + 1;
		} else if (s[pos] == '"') {
			pos++;
			while (pos < e && s[pos] != '"') {
				if (s[pos] == '\\' && pos + 1 < e &&
				    (s[pos + 1] == '"' || s[pos + 1] == '$' || s[pos + 1] == '\\')) {
					dfx_buf_addc(&cur, s[pos + 1]);
					pos += 2;
				} else if (s[pos] == '\\' && pos + 1 >= e) {
					pos++;
				} else {
					dfx_buf_addc(&cur, s[pos++]);
				}
			}
			if (pos >= e)
				goto unbalanced;
			*quoted = true;
			pos++;
		} else if (s[pos] == '\\') {
			if (pos + 1 >= e) {
				pos = e;
				continue;
			}
			size_t w = dfx_dfparse_utf8_width(s, pos + 1, e);
			dfx_buf_add(&cur, s + pos + 1, w);
			pos += 1 + w;
		} else {
			dfx_buf_addc(&cur, s[pos++]);
		}
	}
	dfx_buf_release(&cur);
	if (nwords != 1) {
		free(first);
		return 0;
	}
	*name = first;
	return 1;
unbalanced:
	dfx_buf_release(&cur);
	free(first);
	return -1;
}

/*
 * Find the heredocs of the logical line s[a, b) and read their bodies from
 * the physical lines after line *ip (advanced past the last terminator).
 */
int dfx_dfparse_read_heredocs(struct parser *p, struct dfx_df_instr *in, const char *s,
			 const uint32_t *map, size_t a, size_t b, size_t *ip)
{
	struct range *w;
	size_t nw, cap = 0, i = *ip, k0;
	int rc = 0;

	for (k0 = a; k0 + 1 < b; k0++)
		if (s[k0] == '<' && s[k0 + 1] == '<')
			break;
	if (k0 + 1 >= b)
		return 0;
	w = heredoc_words(s, a, b, &nw);
	for (size_t k = 0; k < nw && rc == 0; k++) {
		size_t q = w[k].s, e = w[k].e;
		struct dfx_df_heredoc *h;
		char *name = NULL;
		bool chomp = false, quoted;
		int r;

		while (q < e && is_digit(s[q]))
			q++;
		if (e - q < 2 || s[q] != '<' || s[q + 1] != '<')
			continue;
		q += 2;
		if (q < e && s[q] == '-') {
			chomp = true;
			q++;
		}
		while (q < e && is_re_space(s[q]))
			q++;
		if (q == e || memchr(s + q, '<', e - q))
			continue;
		r = heredoc_name(s, q, e, &name, &quoted);
		if (r < 0) {
			rc = dfx_dfparse_fail_at(p, map[w[k].s], "unbalanced quotes in heredoc word \"%.*s\"",
				     (int)(e - w[k].s), s + w[k].s);
			break;
		}
		if (r == 0)
			continue;

		DFX_GROW(in->heredocs, in->nheredocs + 1, cap);
		h = &in->heredocs[in->nheredocs++];
		memset(h, 0, sizeof(*h));
		h->name = name;
		h->chomp = chomp;
		h->expand = !quoted;
		h->word = dfx_dfparse_lspan(map, w[k].s, e, map[w[k].s]);
		h->fd = -1;
		if (is_digit(s[w[k].s])) {
			long fd = 0;

			for (size_t de = w[k].s; de < e && is_digit(s[de]); de++)
				if (fd < 100000000)
					fd = fd * 10 + (s[de] - '0');
			h->fd = (int)fd;
		}

		/* the body: lines up to the first that equals the name */
		{
			uint32_t bstart = i + 1 < p->npl ? p->pl[i + 1].start : (uint32_t)p->src->len;
			size_t nlen = strlen(name);
			bool found = false;

			while (i + 1 < p->npl) {
				const struct pline *L = &p->pl[++i];
				uint32_t cs = L->start;

				if (chomp)
					while (cs < L->cend && p->d[cs] == '\t')
						cs++;
				if (L->cend - cs == nlen && memcmp(p->d + cs, name, nlen) == 0) {
					found = true;
					break;
				}
			}
			if (!found) {
				rc = dfx_dfparse_fail_at(p, h->word.start, "unterminated heredoc \"%s\"", name);
				break;
			}
			h->content_span.start = bstart;
			h->content_span.end = p->pl[i].start;
			h->body.start = bstart;
			h->body.end = p->pl[i].end;
			h->content = dfx_xstrndup(p->d + bstart, p->pl[i].start - bstart);
			in->span.end = p->pl[i].cend;
		}
	}
	free(w);
	*ip = i;
	return rc;
}

void dfx_dfparse_copy_heredocs(struct dfx_df_instr *to, const struct dfx_df_instr *from)
{
	if (!from->nheredocs)
		return;
	to->heredocs = dfx_xcalloc(from->nheredocs, sizeof(*to->heredocs));
	for (size_t k = 0; k < from->nheredocs; k++) {
		to->heredocs[k] = from->heredocs[k];
		to->heredocs[k].name = dfx_xstrdup(from->heredocs[k].name);
		to->heredocs[k].content = dfx_xstrdup(from->heredocs[k].content);
	}
	to->nheredocs = from->nheredocs;
}

