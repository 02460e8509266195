/*
 * dockerfile_instr.c - the Dockerfile parser, instructions: shell-form
 * words and quotes, ENV/ARG/LABEL pairs, exec (JSON) form, --flags, and
 * building one instruction from its logical line.
 *
 * Reference: BuildKit frontend/dockerfile/parser (github.com/moby/buildkit)
 * and the Dockerfile reference (https://docs.docker.com/reference/dockerfile/).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockerfile_int.h"
#include "dockfix/json.h"

/* ================================================================ words and quotes */

/*
 * Remove quotes and escapes from `s` the way BuildKit's shell lexer does
 * for a word (no variable expansion): outside quotes the escape character
 * takes the next character literally; '...' is literal; inside "..." the
 * escape character only escapes '"', '$' and itself.
 */
static char *dequote(const char *s, size_t n, char esc)
{
	struct dfx_buf b = DFX_BUF_INIT;
	size_t i = 0;

	dfx_buf_add(&b, "", 0);
	while (i < n) {
		char c = s[i];

		if (c == esc) {
			if (i + 1 < n) {
				size_t w = dfx_dfparse_utf8_width(s, i + 1, n);
				dfx_buf_add(&b, s + i + 1, w);
				i += 1 + w;
			} else {
				i++;
			}
		} else if (c == '\'') {
			i++;
			while (i < n && s[i] != '\'')
				dfx_buf_addc(&b, s[i++]);
			if (i < n)
				i++;
		} else if (c == '"') {
			i++;
			while (i < n && s[i] != '"') {
				if (s[i] == esc && i + 1 < n &&
				    (s[i + 1] == '"' || s[i + 1] == '$' || s[i + 1] == esc)) {
					dfx_buf_addc(&b, s[i + 1]);
					i += 2;
				} else {
					dfx_buf_addc(&b, s[i++]);
				}
			}
			if (i < n)
				i++;
		} else {
			dfx_buf_addc(&b, c);
			i++;
		}
	}
	return dfx_buf_detach(&b);
}

/*
 * Split `s` into words as BuildKit's parseWords does: Unicode white space
 * outside quotes separates words, quotes and the escape character are kept
 * in the word. Returns the ranges (caller frees).
 */
static struct range *split_words(const char *s, size_t n, char esc, size_t *count)
{
	struct range *v = NULL;
	size_t nv = 0, cap = 0, pos = 0;

	for (;;) {
		size_t ws;
		bool any = false;
		char q = 0;

		pos = dfx_dfparse_skip_uspace(s, pos, n);
		if (pos >= n)
			break;
		ws = pos;
		while (pos < n) {
			char c = s[pos];

			if (!q) {
				if (dfx_dfparse_uspace(s, pos, n))
					break;
				if (c == '\'' || c == '"') {
					q = c;
					any = true;
					pos++;
				} else if (c == esc) {
					if (pos + 1 == n) {
						pos++;
						continue;
					}
					pos += 1 + dfx_dfparse_utf8_width(s, pos + 1, n);
					any = true;
				} else {
					pos += dfx_dfparse_utf8_width(s, pos, n);
					any = true;
				}
			} else if (c == q) {
				q = 0;
				pos++;
			} else if (c == esc && q != '\'') {
				if (pos + 1 == n) {
					q = 0;
					pos++;
					continue;
				}
				pos += 1 + dfx_dfparse_utf8_width(s, pos + 1, n);
			} else {
				pos += dfx_dfparse_utf8_width(s, pos, n);
			}
		}
		if (any) {
			DFX_GROW(v, nv + 1, cap);
			v[nv].s = ws;
			v[nv].e = pos;
			nv++;
		}
	}
	*count = nv;
	return v;
}

static void make_words(struct dfx_df_instr *in, const struct range *r, size_t nr, char esc)
{
	if (!nr)
		return;
	in->words = dfx_xcalloc(nr, sizeof(*in->words));
	for (size_t i = 0; i < nr; i++) {
		struct dfx_df_word *w = &in->words[i];

		w->span = dfx_dfparse_lspan(in->args_map, r[i].s, r[i].e, in->args.start);
		w->raw = dfx_xstrndup(in->args_text + r[i].s, r[i].e - r[i].s);
		w->text = dequote(in->args_text + r[i].s, r[i].e - r[i].s, esc);
	}
	in->nwords = nr;
}

/* ================================================================ key=value pairs */

/*
 * A pair of args_text: key [ks, ke), value [vs, ve) when has_value (for
 * `k=v`, vs is just after the '=').
 */
static void add_kv(struct dfx_df_instr *in, size_t *cap, char esc, size_t ks, size_t ke,
		   size_t vs, size_t ve, bool has_value)
{
	const char *s = in->args_text;
	const uint32_t *map = in->args_map;
	struct dfx_df_kv *kv;

	DFX_GROW(in->kvs, in->nkvs + 1, *cap);
	kv = &in->kvs[in->nkvs++];
	memset(kv, 0, sizeof(*kv));
	kv->key_span = dfx_dfparse_lspan(map, ks, ke, map[ks]);
	kv->key = dequote(s + ks, ke - ks, esc);
	if (has_value) {
		kv->value_span = dfx_dfparse_lspan(map, vs, ve, vs ? map[vs - 1] + 1 : map[vs]);
		kv->value = dequote(s + vs, ve - vs, esc);
	} else {
		kv->value_span.start = kv->value_span.end = kv->key_span.end;
	}
	kv->span = dfx_dfparse_lspan(map, ks, has_value ? ve : ke, map[ks]);
}

/*
 * ENV and LABEL (BuildKit's parseNameVal): `k=v k2=v2 ...`, or the legacy
 * `KEY value` form when the first word has no '='.
 */
static int parse_name_val(struct parser *p, struct dfx_df_instr *in, const struct range *w,
			  size_t nw)
{
	const char *s = in->args_text;
	size_t n = strlen(s), cap = 0;
	char esc = p->df->escape;

	if (!nw)
		return 0;
	if (!memchr(s + w[0].s, '=', w[0].e - w[0].s)) {
		size_t k = 0, v;

		while (k < n && !is_tokws(s[k]))
			k++;
		if (k == n)
			return dfx_dfparse_fail_at(p, in->args.start, "%s must have two arguments", in->cmd);
		v = k;
		while (v < n && is_tokws(s[v]))
			v++;
		add_kv(in, &cap, esc, 0, k, v, n, true);
		return 0;
	}
	for (size_t i = 0; i < nw; i++) {
		const char *eq = memchr(s + w[i].s, '=', w[i].e - w[i].s);
		size_t q;

		if (!eq)
			return dfx_dfparse_fail_at(p, in->args_map[w[i].s],
				       "syntax error - can't find = in \"%.*s\"; must be of the form: name=value",
				       (int)(w[i].e - w[i].s), s + w[i].s);
		q = (size_t)(eq - s);
		add_kv(in, &cap, esc, w[i].s, q, q + 1, w[i].e, true);
	}
	return 0;
}

/* ARG (BuildKit's parseNameOrNameVal): `name` or `name=value`, several allowed. */
static void parse_name_or_name_val(struct parser *p, struct dfx_df_instr *in,
				   const struct range *w, size_t nw)
{
	const char *s = in->args_text;
	size_t cap = 0;

	for (size_t i = 0; i < nw; i++) {
		const char *eq = memchr(s + w[i].s, '=', w[i].e - w[i].s);

		if (eq) {
			size_t q = (size_t)(eq - s);
			add_kv(in, &cap, p->df->escape, w[i].s, q, q + 1, w[i].e, true);
		} else {
			add_kv(in, &cap, p->df->escape, w[i].s, w[i].e, w[i].e, w[i].e, false);
		}
	}
}

/* ================================================================ exec form */

/*
 * BuildKit's parseJSON: after left-trimming, `s` must be a JSON array.
 * Returns 1 (exec form; argv set), 0 (not JSON: shell form) or -1 when the
 * array holds something other than strings (an error in BuildKit). The
 * JSON is read by the one JSON reader (json.h).
 */
static int parse_json(struct dfx_df_instr *in, const char *s, size_t n)
{
	struct dfx_json_error jerr;
	struct dfx_json_doc *doc;
	const struct dfx_json *root;
	size_t i = dfx_dfparse_skip_uspace(s, 0, n);
	int ret = 1;

	if (i >= n || s[i] != '[')
		return 0;
	doc = dfx_json_parse(s + i, n - i, 0, &jerr);
	if (!doc)
		return 0;
	root = doc->root;
	if (root->type != DFX_JSON_ARRAY) {
		dfx_json_free(doc);
		return 0;
	}
	for (size_t k = 0; k < root->nkids; k++)
		if (root->kids[k].type != DFX_JSON_STRING)
			ret = -1;
	if (ret == 1) {
		in->json = true;
		in->argc = root->nkids;
		in->argv = root->nkids ? dfx_xcalloc(root->nkids, sizeof(*in->argv)) : NULL;
		for (size_t k = 0; k < root->nkids; k++)
			in->argv[k] = dfx_xstrdup(root->kids[k].str);
	}
	dfx_json_free(doc);
	return ret;
}

/* ================================================================ instructions */

bool dfx_dfparse_cmd_is(const struct dfx_df_instr *in, const char *name)
{
	return in->cmd && strcmp(in->cmd, name) == 0;
}

/*
 * The --flag words before the arguments (BuildKit's extractBuilderFlags):
 * a run of words starting with "--", quotes and backslash escapes honoured;
 * a bare "--" ends them. Returns the index where the arguments start.
 */
static size_t scan_flags(struct dfx_df_instr *in, const char *s, const uint32_t *map,
			 size_t pos, size_t end)
{
	struct dfx_buf w = DFX_BUF_INIT;
	size_t cap = 0;

	for (;;) {
		size_t ws;
		char q = 0;

		while (pos < end && is_byte_space(s[pos]))
			pos++;
		if (pos >= end || s[pos] != '-' || pos + 1 >= end || s[pos + 1] != '-')
			break;
		ws = pos;
		dfx_buf_reset(&w);
		dfx_buf_add(&w, "", 0);
		while (pos < end) {
			char c = s[pos];

			if (q) {
				if (c == q) {
					q = 0;
					pos++;
					continue;
				}
				if (c == '\\') {
					if (pos + 1 == end) {
						q = 0;
						pos++;
						continue;
					}
					c = s[++pos];
				}
				dfx_buf_addc(&w, c);
				pos++;
				continue;
			}
			if (is_byte_space(c))
				break;
			if (c == '\'' || c == '"') {
				q = c;
				pos++;
				continue;
			}
			if (c == '\\') {
				if (pos + 1 == end) {
					pos++;
					continue;
				}
				c = s[++pos];
			}
			dfx_buf_addc(&w, c);
			pos++;
		}
		if (w.len == 2 && memcmp(w.ptr, "--", 2) == 0)
			break;
		{
			struct dfx_df_flag *f;
			const char *name = w.ptr + 2, *eq = memchr(name, '=', w.len - 2);

			DFX_GROW(in->flags, in->nflags + 1, cap);
			f = &in->flags[in->nflags++];
			f->span = dfx_dfparse_lspan(map, ws, pos, map[ws]);
			if (eq) {
				f->name = dfx_dfparse_lower_dup(name, (size_t)(eq - name));
				f->value = dfx_xstrdup(eq + 1);
			} else {
				f->name = dfx_dfparse_lower_dup(name, w.len - 2);
				f->value = NULL;
			}
		}
		if (pos >= end)
			break;
	}
	dfx_buf_release(&w);
	return pos;
}

/*
 * Build an instruction from a logical line s[0, n) whose bytes come from
 * the source offsets map[0..n). depth 0 is a top-level instruction, 1 the
 * instruction an ONBUILD wraps.
 */
int dfx_dfparse_build_instr(struct parser *p, struct dfx_df_instr *in, const char *s,
		       const uint32_t *map, size_t n, int depth)
{
	size_t a, b, ke, r, as, alen;
	struct range *w = NULL;
	size_t nw = 0;
	int rc = 0;

	in->stage = -1;
	a = dfx_dfparse_skip_uspace(s, 0, n);
	b = dfx_dfparse_rtrim_uspace(s, a, n);
	ke = a;
	while (ke < b && !is_tokws(s[ke]))
		ke++;
	in->cmd = dfx_xstrndup(s + a, ke - a);
	for (char *c = in->cmd; *c; c++)
		*c = to_upper(*c);
	in->keyword = dfx_dfparse_lspan(map, a, ke, map[a]);
	in->span.start = in->keyword.start;
	r = ke;
	while (r < b && is_tokws(s[r]))
		r++;
	as = r < b ? scan_flags(in, s, map, r, b) : b;
	as = dfx_dfparse_skip_uspace(s, as, b);
	alen = b - as;
	in->args_text = dfx_xstrndup(s + as, alen);
	in->args_map = dfx_xmalloc((alen + 1) * sizeof(*in->args_map));
	if (alen)
		memcpy(in->args_map, map + as, alen * sizeof(*in->args_map));
	if (alen) {
		in->args = dfx_dfparse_lspan(map, as, b, 0);
	} else {
		uint32_t at = in->nflags ? in->flags[in->nflags - 1].span.end : in->keyword.end;
		in->args.start = in->args.end = at;
	}
	in->args_map[alen] = in->args.end;
	in->span.end = alen ? in->args.end : in->nflags ? in->flags[in->nflags - 1].span.end
							: in->keyword.end;

	/* exec form */
	if (dfx_dfparse_cmd_is(in, "RUN") || dfx_dfparse_cmd_is(in, "CMD") || dfx_dfparse_cmd_is(in, "ENTRYPOINT") ||
	    dfx_dfparse_cmd_is(in, "SHELL") || dfx_dfparse_cmd_is(in, "ADD") || dfx_dfparse_cmd_is(in, "COPY") ||
	    dfx_dfparse_cmd_is(in, "VOLUME")) {
		if (alen)
			rc = parse_json(in, in->args_text, alen);
	} else if (dfx_dfparse_cmd_is(in, "HEALTHCHECK")) {
		size_t sep = 0, nx;

		while (sep < alen && !is_byte_space(in->args_text[sep]))
			sep++;
		nx = sep;
		while (nx < alen && is_byte_space(in->args_text[nx]))
			nx++;
		if (sep && nx < alen)
			rc = parse_json(in, in->args_text + nx, alen - nx);
	}
	if (rc < 0)
		return dfx_dfparse_fail_at(p, in->args.start,
			       "when using JSON array syntax, arrays must be comprised of strings only");

	if (!in->json) {
		w = split_words(in->args_text, alen, p->df->escape, &nw);
		make_words(in, w, nw, p->df->escape);
	}
	if (dfx_dfparse_cmd_is(in, "ENV") || dfx_dfparse_cmd_is(in, "LABEL"))
		rc = parse_name_val(p, in, w, nw);
	else if (dfx_dfparse_cmd_is(in, "ARG"))
		parse_name_or_name_val(p, in, w, nw);
	free(w);
	if (rc < 0)
		return -1;

	if (depth == 0 && dfx_dfparse_cmd_is(in, "ONBUILD") && alen) {
		in->sub = dfx_xcalloc(1, sizeof(*in->sub));
		if (dfx_dfparse_build_instr(p, in->sub, s + as, map + as, alen, depth + 1) < 0)
			return -1;
	}
	return 0;
}

