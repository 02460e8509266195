/*
 * dockerfile.c - the lossless Dockerfile parser.
 *
 * Implements the grammar of BuildKit's frontend/dockerfile/parser
 * (github.com/moby/buildkit, frontend/dockerfile/parser; the Dockerfile
 * reference https://docs.docker.com/reference/dockerfile/): the directive
 * block (syntax, escape, check), escape-character continuations whose
 * comment and blank lines are trivia, heredocs, exec (JSON) versus shell
 * form, --flag words, ENV/ARG/LABEL pairs, FROM stages with ARG defaults
 * declared before the first FROM, and ONBUILD.
 *
 * The tree never copies or normalises the source: every node holds byte
 * spans into it, and the pieces (BOM, directive lines, trivia lines and each
 * instruction's lines) tile the file, which dfx_dockerfile_print() proves.
 * Decoded strings (args_text, word text, values) are computed on the side.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/dockerfile.h"

#define JSON_MAX_DEPTH 256   /* deeper arrays are taken as shell form */
#define MAX_INSTRUCTIONS 100000 /* more is an error (bounds the tree's memory) */
#define EXPAND_MAX_DEPTH 16  /* nesting of ${a:-${b:-...}} */

/* ================================================================ characters */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* BuildKit's token separator [\t\v\f\r ]. */
static bool is_tokws(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* RE2's \s: [\t\n\f\r ]. */
static bool is_re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/*
 * A single byte taken as a character, as BuildKit's flag scanner does
 * (unicode.IsSpace(rune(byte))): ASCII white space, and 0x85 and 0xA0.
 */
static bool is_byte_space(char ch)
{
	unsigned char c = (unsigned char)ch;
	return is_tokws(ch) || c == '\n' || c == 0x85 || c == 0xA0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/*
 * Length of the Unicode white-space character (Go's unicode.IsSpace) that
 * starts at s[i], or 0.
 */
static size_t uspace(const char *s, size_t i, size_t n)
{
	const unsigned char *u;
	size_t left;

	if (i >= n)
		return 0;
	u = (const unsigned char *)s + i;
	left = n - i;
	switch (u[0]) {
	case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
		return 1;
	case 0xC2: /* U+0085, U+00A0 */
		return left >= 2 && (u[1] == 0x85 || u[1] == 0xA0) ? 2 : 0;
	case 0xE1: /* U+1680 */
		return left >= 3 && u[1] == 0x9A && u[2] == 0x80 ? 3 : 0;
	case 0xE2: /* U+2000..U+200A, U+2028, U+2029, U+202F, U+205F */
		if (left < 3)
			return 0;
		if (u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xA8 ||
				     u[2] == 0xA9 || u[2] == 0xAF))
			return 3;
		return u[1] == 0x81 && u[2] == 0x9F ? 3 : 0;
	case 0xE3: /* U+3000 */
		return left >= 3 && u[1] == 0x80 && u[2] == 0x80 ? 3 : 0;
	}
	return 0;
}

/* Skip Unicode white space forward from i. */
static size_t skip_uspace(const char *s, size_t i, size_t n)
{
	size_t k;

	while (i < n && (k = uspace(s, i, n)) != 0)
		i += k;
	return i;
}

/* Trim Unicode white space backward from e (not below lo). */
static size_t rtrim_uspace(const char *s, size_t lo, size_t e)
{
	for (;;) {
		size_t w;

		for (w = 1; w <= 3; w++)
			if (e >= lo + w && uspace(s, e - w, e) == w)
				break;
		if (w > 3)
			return e;
		e -= w;
	}
}

/* Width of the UTF-8 character at s[i] (1 for a byte that is not one). */
static size_t utf8_width(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	size_t w, k;

	if (c < 0xC2)
		return 1;
	else if (c < 0xE0)
		w = 2;
	else if (c < 0xF0)
		w = 3;
	else if (c < 0xF5)
		w = 4;
	else
		return 1;
	if (i + w > n)
		return 1;
	for (k = 1; k < w; k++)
		if (((unsigned char)s[i + k] & 0xC0) != 0x80)
			return 1;
	return w;
}

static char *lower_dup(const char *s, size_t n)
{
	char *p = dfx_xstrndup(s, n);

	for (size_t i = 0; i < n; i++)
		p[i] = to_lower(p[i]);
	return p;
}

static void add_utf8(struct dfx_buf *b, unsigned long cp)
{
	char u[4];

	if (cp < 0x80) {
		dfx_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		dfx_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		dfx_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		dfx_buf_add(b, u, 4);
	}
}

/* ================================================================ parser state */

/* One physical line. */
struct pline {
	uint32_t start; /* first byte (after the BOM on line 1) */
	uint32_t cend;  /* end of the content: "\n" and trailing "\r"s excluded */
	uint32_t end;   /* just after the line terminator */
};

/* A byte range [s, e) of a logical line. */
struct range {
	size_t s, e;
};

struct parser {
	const struct dfx_source *src;
	const char *d;
	struct dfx_dockerfile *df;
	struct dfx_error *err;
	struct pline *pl;
	size_t npl, plcap;
	/* capacities of the tree's arrays */
	size_t icap, dcap, tcap, scap, gcap, pcap;
	/* the logical line being assembled, and the source offset of each byte */
	struct dfx_buf lb;
	uint32_t *lmap;
	size_t lmapcap;
	/* comment lines directly above the next instruction */
	size_t pend_first, npend;
};

static int fail_at(struct parser *p, uint32_t off, const char *fmt, ...) DFX_PRINTF(3, 4);

static int fail_at(struct parser *p, uint32_t off, const char *fmt, ...)
{
	struct dfx_buf b = DFX_BUF_INIT;
	unsigned line, col;
	va_list ap;

	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	dfx_source_linecol(p->src, off, &line, &col);
	dfx_error_set(p->err, p->src->path, line, col, "%s", b.ptr ? b.ptr : "");
	dfx_buf_release(&b);
	return -1;
}

/* Span of logical bytes [i, j) in the source; `at` when empty. */
static struct dfx_span lspan(const uint32_t *map, size_t i, size_t j, uint32_t at)
{
	struct dfx_span sp;

	if (j > i) {
		sp.start = map[i];
		sp.end = map[j - 1] + 1;
	} else {
		sp.start = sp.end = at;
	}
	return sp;
}

static void push_code(char ***v, size_t *n, size_t *cap, const char *s, size_t len)
{
	DFX_GROW(*v, *n + 1, *cap);
	(*v)[(*n)++] = dfx_xstrndup(s, len);
}

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
				size_t w = utf8_width(s, i + 1, n);
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

		pos = skip_uspace(s, pos, n);
		if (pos >= n)
			break;
		ws = pos;
		while (pos < n) {
			char c = s[pos];

			if (!q) {
				if (uspace(s, pos, n))
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
					pos += 1 + utf8_width(s, pos + 1, n);
					any = true;
				} else {
					pos += utf8_width(s, pos, n);
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
				pos += 1 + utf8_width(s, pos + 1, n);
			} else {
				pos += utf8_width(s, pos, n);
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

		w->span = lspan(in->args_map, r[i].s, r[i].e, in->args.start);
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
	kv->key_span = lspan(map, ks, ke, map[ks]);
	kv->key = dequote(s + ks, ke - ks, esc);
	if (has_value) {
		kv->value_span = lspan(map, vs, ve, vs ? map[vs - 1] + 1 : map[vs]);
		kv->value = dequote(s + vs, ve - vs, esc);
	} else {
		kv->value_span.start = kv->value_span.end = kv->key_span.end;
	}
	kv->span = lspan(map, ks, has_value ? ve : ke, map[ks]);
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
			return fail_at(p, in->args.start, "%s must have two arguments", in->cmd);
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
			return fail_at(p, in->args_map[w[i].s],
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

/* ================================================================ JSON (exec form) */

struct jcur {
	const char *s;
	size_t n, i;
};

static void jws(struct jcur *c)
{
	while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' ||
			       c->s[c->i] == '\r'))
		c->i++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool jhex4(struct jcur *c, unsigned long *out)
{
	unsigned long v = 0;

	if (c->n - c->i < 4)
		return false;
	for (int k = 0; k < 4; k++) {
		int h = hexval(c->s[c->i + k]);
		if (h < 0)
			return false;
		v = v * 16 + (unsigned long)h;
	}
	c->i += 4;
	*out = v;
	return true;
}

/* A JSON string at c->i (which is '"'), decoded into out when not NULL. */
static bool jstring(struct jcur *c, struct dfx_buf *out)
{
	c->i++;
	while (c->i < c->n) {
		unsigned char ch = (unsigned char)c->s[c->i];

		if (ch == '"') {
			c->i++;
			return true;
		}
		if (ch < 0x20)
			return false;
		if (ch != '\\') {
			if (out)
				dfx_buf_addc(out, (char)ch);
			c->i++;
			continue;
		}
		if (++c->i >= c->n)
			return false;
		ch = (unsigned char)c->s[c->i++];
		switch (ch) {
		case '"': case '\\': case '/':
			break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case 'u': {
			unsigned long cp, lo;

			if (!jhex4(c, &cp))
				return false;
			if (cp >= 0xD800 && cp < 0xDC00) {
				size_t save = c->i;
				if (c->n - c->i >= 6 && c->s[c->i] == '\\' && c->s[c->i + 1] == 'u') {
					c->i += 2;
					if (jhex4(c, &lo) && lo >= 0xDC00 && lo < 0xE000) {
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					} else {
						c->i = save;
						cp = 0xFFFD;
					}
				} else {
					cp = 0xFFFD;
				}
			} else if (cp >= 0xDC00 && cp < 0xE000) {
				cp = 0xFFFD;
			}
			if (out)
				add_utf8(out, cp);
			continue;
		}
		default:
			return false;
		}
		if (out)
			dfx_buf_addc(out, (char)ch);
	}
	return false;
}

static bool jdigits(struct jcur *c)
{
	size_t st = c->i;

	while (c->i < c->n && is_digit(c->s[c->i]))
		c->i++;
	return c->i > st;
}

static bool jnumber(struct jcur *c)
{
	if (c->s[c->i] == '-')
		c->i++;
	if (c->i < c->n && c->s[c->i] == '0')
		c->i++;
	else if (!jdigits(c))
		return false;
	if (c->i < c->n && c->s[c->i] == '.') {
		c->i++;
		if (!jdigits(c))
			return false;
	}
	if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
		c->i++;
		if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		if (!jdigits(c))
			return false;
	}
	return true;
}

static bool jvalue(struct jcur *c, int depth);

static bool jlist(struct jcur *c, int depth, char close)
{
	c->i++;
	jws(c);
	if (c->i < c->n && c->s[c->i] == close) {
		c->i++;
		return true;
	}
	for (;;) {
		jws(c);
		if (close == '}') {
			if (c->i >= c->n || c->s[c->i] != '"' || !jstring(c, NULL))
				return false;
			jws(c);
			if (c->i >= c->n || c->s[c->i] != ':')
				return false;
			c->i++;
			jws(c);
		}
		if (!jvalue(c, depth + 1))
			return false;
		jws(c);
		if (c->i >= c->n)
			return false;
		if (c->s[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->s[c->i] == close) {
			c->i++;
			return true;
		}
		return false;
	}
}

static bool jvalue(struct jcur *c, int depth)
{
	if (c->i >= c->n || depth > JSON_MAX_DEPTH)
		return false;
	switch (c->s[c->i]) {
	case '"':
		return jstring(c, NULL);
	case '[':
		return jlist(c, depth, ']');
	case '{':
		return jlist(c, depth, '}');
	case 't':
	case 'f':
	case 'n': {
		const char *w = c->s[c->i] == 't' ? "true" : c->s[c->i] == 'f' ? "false" : "null";
		size_t l = strlen(w);
		if (c->n - c->i < l || memcmp(c->s + c->i, w, l))
			return false;
		c->i += l;
		return true;
	}
	default:
		if (c->s[c->i] == '-' || is_digit(c->s[c->i]))
			return jnumber(c);
		return false;
	}
}

/*
 * BuildKit's parseJSON: after left-trimming, `s` must be a JSON array.
 * Returns 1 (exec form; argv set), 0 (not JSON: shell form) or -1 when the
 * array holds something other than strings (an error in BuildKit).
 */
static int parse_json(struct dfx_df_instr *in, const char *s, size_t n)
{
	struct jcur c = {s, n, 0};
	char **argv = NULL;
	size_t argc = 0, cap = 0;
	bool nonstring = false;

	c.i = skip_uspace(s, 0, n);
	if (c.i >= n || s[c.i] != '[')
		return 0;
	c.i++;
	jws(&c);
	if (c.i < n && s[c.i] == ']') {
		c.i++;
	} else {
		for (;;) {
			jws(&c);
			if (c.i < n && s[c.i] == '"') {
				struct dfx_buf b = DFX_BUF_INIT;

				dfx_buf_add(&b, "", 0);
				if (!jstring(&c, &b)) {
					dfx_buf_release(&b);
					goto invalid;
				}
				DFX_GROW(argv, argc + 1, cap);
				argv[argc++] = dfx_buf_detach(&b);
			} else {
				if (!jvalue(&c, 1))
					goto invalid;
				nonstring = true;
			}
			jws(&c);
			if (c.i < n && s[c.i] == ',') {
				c.i++;
				continue;
			}
			if (c.i < n && s[c.i] == ']') {
				c.i++;
				break;
			}
			goto invalid;
		}
	}
	jws(&c);
	if (c.i != n)
		goto invalid;
	if (nonstring) {
		for (size_t k = 0; k < argc; k++)
			free(argv[k]);
		free(argv);
		return -1;
	}
	in->json = true;
	in->argv = argv;
	in->argc = argc;
	return 1;
invalid:
	for (size_t k = 0; k < argc; k++)
		free(argv[k]);
	free(argv);
	return 0;
}

/* ================================================================ instructions */

static bool cmd_is(const struct dfx_df_instr *in, const char *name)
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
			f->span = lspan(map, ws, pos, map[ws]);
			if (eq) {
				f->name = lower_dup(name, (size_t)(eq - name));
				f->value = dfx_xstrdup(eq + 1);
			} else {
				f->name = lower_dup(name, w.len - 2);
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
static int build_instr(struct parser *p, struct dfx_df_instr *in, const char *s,
		       const uint32_t *map, size_t n, int depth)
{
	size_t a, b, ke, r, as, alen;
	struct range *w = NULL;
	size_t nw = 0;
	int rc = 0;

	in->stage = -1;
	a = skip_uspace(s, 0, n);
	b = rtrim_uspace(s, a, n);
	ke = a;
	while (ke < b && !is_tokws(s[ke]))
		ke++;
	in->cmd = dfx_xstrndup(s + a, ke - a);
	for (char *c = in->cmd; *c; c++)
		*c = to_upper(*c);
	in->keyword = lspan(map, a, ke, map[a]);
	in->span.start = in->keyword.start;
	r = ke;
	while (r < b && is_tokws(s[r]))
		r++;
	as = r < b ? scan_flags(in, s, map, r, b) : b;
	as = skip_uspace(s, as, b);
	alen = b - as;
	in->args_text = dfx_xstrndup(s + as, alen);
	in->args_map = dfx_xmalloc((alen + 1) * sizeof(*in->args_map));
	if (alen)
		memcpy(in->args_map, map + as, alen * sizeof(*in->args_map));
	if (alen) {
		in->args = lspan(map, as, b, 0);
	} else {
		uint32_t at = in->nflags ? in->flags[in->nflags - 1].span.end : in->keyword.end;
		in->args.start = in->args.end = at;
	}
	in->args_map[alen] = in->args.end;
	in->span.end = alen ? in->args.end : in->nflags ? in->flags[in->nflags - 1].span.end
							: in->keyword.end;

	/* exec form */
	if (cmd_is(in, "RUN") || cmd_is(in, "CMD") || cmd_is(in, "ENTRYPOINT") ||
	    cmd_is(in, "SHELL") || cmd_is(in, "ADD") || cmd_is(in, "COPY") ||
	    cmd_is(in, "VOLUME")) {
		if (alen)
			rc = parse_json(in, in->args_text, alen);
	} else if (cmd_is(in, "HEALTHCHECK")) {
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
		return fail_at(p, in->args.start,
			       "when using JSON array syntax, arrays must be comprised of strings only");

	if (!in->json) {
		w = split_words(in->args_text, alen, p->df->escape, &nw);
		make_words(in, w, nw, p->df->escape);
	}
	if (cmd_is(in, "ENV") || cmd_is(in, "LABEL"))
		rc = parse_name_val(p, in, w, nw);
	else if (cmd_is(in, "ARG"))
		parse_name_or_name_val(p, in, w, nw);
	free(w);
	if (rc < 0)
		return -1;

	if (depth == 0 && cmd_is(in, "ONBUILD") && alen) {
		in->sub = dfx_xcalloc(1, sizeof(*in->sub));
		if (build_instr(p, in->sub, s + as, map + as, alen, depth + 1) < 0)
			return -1;
	}
	return 0;
}

/* ================================================================ heredocs */

static bool heredoc_capable(const struct dfx_df_instr *in)
{
	if (cmd_is(in, "ONBUILD")) {
		if (!in->sub)
			return false;
		in = in->sub;
	}
	return !in->json && (cmd_is(in, "RUN") || cmd_is(in, "COPY") || cmd_is(in, "ADD"));
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
		size_t k = uspace(s, pos, b);
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
		size_t k = pos < e ? uspace(s, pos, e) : 0;

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
			size_t w = utf8_width(s, pos + 1, e);
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
static int read_heredocs(struct parser *p, struct dfx_df_instr *in, const char *s,
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
			rc = fail_at(p, map[w[k].s], "unbalanced quotes in heredoc word \"%.*s\"",
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
		h->word = lspan(map, w[k].s, e, map[w[k].s]);
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
				rc = fail_at(p, h->word.start, "unterminated heredoc \"%s\"", name);
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

static void copy_heredocs(struct dfx_df_instr *to, const struct dfx_df_instr *from)
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

/* ================================================================ pragmas */

static bool match_word(const char *d, uint32_t *k, uint32_t e, const char *w)
{
	size_t l = strlen(w);

	if (e - *k < l || strncasecmp(d + *k, w, l) != 0)
		return false;
	*k += (uint32_t)l;
	return true;
}

/*
 * "# dockfix ignore=CODE[,CODE]" (1) or "# dockfix global ignore=..." (2)
 * between '#' at h and e; 0 when the comment is not a pragma. *list is
 * set to where the codes start.
 */
static int pragma_kind(const char *d, uint32_t h, uint32_t e, uint32_t *list)
{
	uint32_t k = h + 1;
	int kind = 1;

	while (k < e && is_blank(d[k]))
		k++;
	if (!match_word(d, &k, e, "dockfix") || k >= e || !is_blank(d[k]))
		return 0;
	while (k < e && is_blank(d[k]))
		k++;
	if (match_word(d, &k, e, "global")) {
		if (k >= e || !is_blank(d[k]))
			return 0;
		while (k < e && is_blank(d[k]))
			k++;
		kind = 2;
	}
	if (!match_word(d, &k, e, "ignore"))
		return 0;
	while (k < e && is_blank(d[k]))
		k++;
	if (k >= e || d[k] != '=')
		return 0;
	k++;
	while (k < e && is_blank(d[k]))
		k++;
	*list = k;
	return kind;
}

/* Codes separated by commas (blanks allowed around them); free text may follow. */
static void pragma_codes(const char *d, uint32_t k, uint32_t e, char ***v, size_t *n, size_t *cap)
{
	for (;;) {
		uint32_t cs = k, j;

		while (k < e && !is_blank(d[k]) && d[k] != ',')
			k++;
		if (k > cs)
			push_code(v, n, cap, d + cs, k - cs);
		j = k;
		while (j < e && is_blank(d[j]))
			j++;
		if (j < e && d[j] == ',') {
			k = j + 1;
			while (k < e && is_blank(d[k]))
				k++;
			continue;
		}
		break;
	}
}

/* A comment line: '#' at h, content end e. `above` when it is trivia. */
static void comment_line(struct parser *p, size_t line, uint32_t h, uint32_t e, bool above)
{
	struct dfx_dockerfile *df = p->df;
	uint32_t list;
	int kind = pragma_kind(p->d, h, e, &list);

	if (above) {
		if (!p->npend)
			p->pend_first = line;
		p->npend++;
	}
	if (!kind)
		return;
	DFX_GROW(df->pragmas, df->npragmas + 1, p->pcap);
	df->pragmas[df->npragmas].start = h;
	df->pragmas[df->npragmas].end = e;
	df->npragmas++;
	if (kind == 2)
		pragma_codes(p->d, list, e, &df->global_ignore, &df->nglobal_ignore, &p->gcap);
}

/* The "# dockfix ignore=" codes of the comment lines directly above. */
static void take_pending(struct parser *p, struct dfx_df_instr *in)
{
	size_t cap = 0;

	for (size_t k = p->pend_first; k < p->pend_first + p->npend; k++) {
		const struct pline *L = &p->pl[k];
		uint32_t h = (uint32_t)skip_uspace(p->d, L->start, L->cend), list;

		if (pragma_kind(p->d, h, L->cend, &list) == 1)
			pragma_codes(p->d, list, L->cend, &in->ignore, &in->nignore, &cap);
	}
	p->npend = 0;
}

/* ================================================================ lines */

static int split_lines(struct parser *p)
{
	const char *d = p->d;
	size_t n = p->src->len, pos = p->df->body_start;
	const char *nul = memchr(d, '\0', n);

	if (nul)
		return fail_at(p, (uint32_t)(nul - d), "binary file");
	while (pos < n) {
		const char *nl = memchr(d + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - d) + 1 : n;
		size_t ce = nl ? end - 1 : end;

		if (ce - pos > DFX_MAX_LINE_LEN)
			return fail_at(p, (uint32_t)(pos + DFX_MAX_LINE_LEN),
				       "line too long (%zu bytes; the limit is %u)", ce - pos,
				       DFX_MAX_LINE_LEN);
		while (ce > pos && d[ce - 1] == '\r')
			ce--;
		DFX_GROW(p->pl, p->npl + 1, p->plcap);
		p->pl[p->npl].start = (uint32_t)pos;
		p->pl[p->npl].cend = (uint32_t)ce;
		p->pl[p->npl].end = (uint32_t)end;
		p->npl++;
		pos = end;
	}
	return 0;
}

static void add_trivia(struct parser *p, size_t line)
{
	struct dfx_dockerfile *df = p->df;

	DFX_GROW(df->trivia, df->ntrivia + 1, p->tcap);
	df->trivia[df->ntrivia].start = p->pl[line].start;
	df->trivia[df->ntrivia].end = p->pl[line].end;
	df->ntrivia++;
}

/*
 * BuildKit's continuation test: the escape character, then only blanks to
 * the end, and not itself escaped (unless it is the whole line). *cut is
 * where the joined text stops.
 */
static bool continues(const char *d, uint32_t s, uint32_t e, char esc, uint32_t *cut)
{
	uint32_t q = e;

	while (q > s && is_blank(d[q - 1]))
		q--;
	if (q == s || d[q - 1] != esc)
		return false;
	if (q - 1 > s && d[q - 2] == esc)
		return false;
	*cut = q - 1;
	return true;
}

static void lappend(struct parser *p, uint32_t from, uint32_t to)
{
	size_t n = to - from;

	dfx_buf_add(&p->lb, p->d + from, n);
	DFX_GROW(p->lmap, p->lb.len + 1, p->lmapcap);
	for (size_t k = 0; k < n; k++)
		p->lmap[p->lb.len - n + k] = from + (uint32_t)k;
}

/*
 * A directive line of the leading block (BuildKit's DirectiveParser):
 * '#', then `key = value` with a known key. Returns 1 when line i is one,
 * 0 when it is not (the block ends), -1 on error.
 */
static int directive(struct parser *p, size_t i, uint32_t t, uint32_t e)
{
	struct dfx_dockerfile *df = p->df;
	const char *d = p->d;
	struct dfx_df_directive *dir;
	uint32_t k, ks, ke, vs, ve;
	char *key;

	if (t >= e || d[t] != '#')
		return 0;
	k = (uint32_t)skip_uspace(d, t + 1, e);
	if (k >= e || !is_alpha(d[k]))
		return 0;
	ks = k;
	while (k < e && (is_alpha(d[k]) || is_digit(d[k])))
		k++;
	ke = k;
	while (k < e && is_re_space(d[k]))
		k++;
	if (k >= e || d[k] != '=')
		return 0;
	k++;
	if (k >= e)
		return 0;
	vs = k;
	while (vs < e && is_re_space(d[vs]))
		vs++;
	ve = e;
	while (ve > vs && is_re_space(d[ve - 1]))
		ve--;
	if (ve == vs) /* only blanks: the regex's lazy (.+?) takes the last one */
		vs = e - 1, ve = e;
	key = lower_dup(d + ks, ke - ks);
	if (strcmp(key, "syntax") && strcmp(key, "escape") && strcmp(key, "check")) {
		free(key);
		return 0;
	}
	for (size_t j = 0; j < df->ndirectives; j++) {
		if (strcmp(df->directives[j].key, key) == 0) {
			fail_at(p, t, "only one %s parser directive can be used", key);
			free(key);
			return -1;
		}
	}
	if (strcmp(key, "escape") == 0) {
		if (ve - vs != 1 || (d[vs] != '\\' && d[vs] != '`')) {
			fail_at(p, vs, "invalid escape token '%.*s' does not match ` or \\",
				(int)(ve - vs), d + vs);
			free(key);
			return -1;
		}
		df->escape = d[vs];
	}
	DFX_GROW(df->directives, df->ndirectives + 1, p->dcap);
	dir = &df->directives[df->ndirectives++];
	dir->key = key;
	dir->value = dfx_xstrndup(d + vs, ve - vs);
	dir->lines.start = p->pl[i].start;
	dir->lines.end = p->pl[i].end;
	return 1;
}

/* One instruction starting at physical line *ip; *ip is set to its last line. */
static int instruction(struct parser *p, size_t *ip)
{
	struct dfx_dockerfile *df = p->df;
	const char *d = p->d;
	size_t first = *ip, i = *ip, a, b;
	const struct pline *L = &p->pl[i];
	uint32_t t = (uint32_t)skip_uspace(d, L->start, L->cend), cut, last_cend;
	struct dfx_df_instr *in;
	bool cont;

	dfx_buf_reset(&p->lb);
	dfx_buf_add(&p->lb, "", 0);
	cont = continues(d, t, L->cend, df->escape, &cut);
	lappend(p, t, cont ? cut : L->cend);
	last_cend = L->cend;
	while (cont && i + 1 < p->npl) {
		uint32_t u;

		L = &p->pl[++i];
		u = (uint32_t)skip_uspace(d, L->start, L->cend);
		if (u < L->cend && d[u] == '#') {
			comment_line(p, i, u, L->cend, false);
			continue;
		}
		if (u == L->cend)
			continue;
		cont = continues(d, L->start, L->cend, df->escape, &cut);
		lappend(p, L->start, cont ? cut : L->cend);
		last_cend = L->cend;
		if (p->lb.len > DFX_MAX_LINE_LEN)
			return fail_at(p, p->pl[first].start,
				       "instruction too long (over %u bytes once its lines are joined)",
				       DFX_MAX_LINE_LEN);
	}
	DFX_GROW(p->lmap, p->lb.len + 1, p->lmapcap);
	p->lmap[p->lb.len] = p->lb.len ? p->lmap[p->lb.len - 1] + 1 : t;

	if (df->ninstrs >= MAX_INSTRUCTIONS)
		return fail_at(p, p->pl[first].start, "too many instructions (the limit is %u)",
			       MAX_INSTRUCTIONS);
	DFX_GROW(df->instrs, df->ninstrs + 1, p->icap);
	in = &df->instrs[df->ninstrs++];
	memset(in, 0, sizeof(*in));
	take_pending(p, in);
	if (build_instr(p, in, p->lb.ptr, p->lmap, p->lb.len, 0) < 0)
		return -1;
	while (last_cend > in->span.start && is_blank(d[last_cend - 1]))
		last_cend--;
	in->span.end = last_cend;
	if (heredoc_capable(in)) {
		a = skip_uspace(p->lb.ptr, 0, p->lb.len);
		b = rtrim_uspace(p->lb.ptr, a, p->lb.len);
		if (read_heredocs(p, in, p->lb.ptr, p->lmap, a, b, &i) < 0)
			return -1;
	}
	in->lines.start = p->pl[first].start;
	in->lines.end = p->pl[i].end;
	if (in->span.start > in->span.end)
		in->span.start = in->span.end;
	if (in->sub) {
		struct dfx_df_instr *sub = in->sub;

		sub->lines = in->lines;
		sub->span.end = in->span.end;
		if (sub->span.start > sub->span.end)
			sub->span.start = sub->span.end;
		copy_heredocs(sub, in);
	}
	*ip = i;
	return 0;
}

static int parse_lines(struct parser *p)
{
	bool directives_done = false;
	size_t i = 0;

	while (i < p->npl) {
		const struct pline *L = &p->pl[i];
		uint32_t t = (uint32_t)skip_uspace(p->d, L->start, L->cend);

		if (!directives_done) {
			int r = directive(p, i, t, L->cend);

			if (r < 0)
				return -1;
			if (r > 0) {
				i++;
				continue;
			}
			directives_done = true;
		}
		if (t == L->cend) {
			add_trivia(p, i);
			p->npend = 0;
			i++;
			continue;
		}
		if (p->d[t] == '#') {
			add_trivia(p, i);
			comment_line(p, i, t, L->cend, true);
			i++;
			continue;
		}
		if (instruction(p, &i) < 0)
			return -1;
		i++;
	}
	return 0;
}

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

static void build_stages(struct parser *p)
{
	struct dfx_dockerfile *df = p->df;
	struct meta m;
	struct smap names = {NULL, NULL, 0, 0}; /* stage name -> first stage */
	struct lookup lk = {meta_lookup, &m, STAGES_OUT_BUDGET, STAGES_WORK_BUDGET};
	int cur = -1;

	memset(&m, 0, sizeof(m));
	for (size_t i = 0; i < df->ninstrs; i++) {
		struct dfx_df_instr *in = &df->instrs[i];

		if (cur < 0 && cmd_is(in, "ARG")) {
			for (size_t k = 0; k < in->nkvs; k++) {
				const struct dfx_df_kv *kv = &in->kvs[k];

				if (kv->value)
					meta_add(&m, kv->key, expand_budget(kv->value, &lk, '\\', false));
				else if (!smap_find(&m.index, kv->key))
					meta_add(&m, kv->key, NULL);
			}
		}
		if (cmd_is(in, "FROM")) {
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
				low = lower_dup(st->image, strlen(st->image));
				k = smap_find(&names, low);
				if (k)
					st->parent = (int)*k;
				free(low);
			} else {
				st->image = dfx_xstrdup("");
				st->image_span = in->args;
			}
			if (in->nwords >= 3 && strcasecmp(in->words[1].text, "as") == 0) {
				st->name = lower_dup(in->words[2].text, strlen(in->words[2].text));
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

/* ================================================================ entry points */

struct dfx_dockerfile *dfx_dockerfile_parse(const struct dfx_source *src, struct dfx_error *err)
{
	struct parser p;
	struct dfx_dockerfile *df = dfx_xcalloc(1, sizeof(*df));
	int rc;

	memset(&p, 0, sizeof(p));
	p.src = src;
	p.d = src->data;
	p.df = df;
	p.err = err;
	df->src = src;
	df->escape = '\\';
	df->body_start = dfx_source_has_bom(src) ? 3 : 0;
	if (src->len > DFX_MAX_FILE_SIZE) {
		dfx_error_set(err, src->path, 0, 0, "file too large (%zu bytes; the limit is %u)",
			      src->len, DFX_MAX_FILE_SIZE);
		rc = -1;
	} else {
		rc = split_lines(&p);
		if (rc == 0)
			rc = parse_lines(&p);
	}
	if (rc == 0) {
		build_stages(&p);
		for (size_t i = 0; i < df->ninstrs; i++) {
			struct dfx_df_instr *in = &df->instrs[i];
			unsigned col;

			dfx_source_linecol(src, in->keyword.start, &in->line, &col);
			if (in->sub)
				dfx_source_linecol(src, in->sub->keyword.start, &in->sub->line, &col);
		}
	}
	free(p.pl);
	free(p.lmap);
	dfx_buf_release(&p.lb);
	if (rc < 0) {
		dfx_dockerfile_free(df);
		return NULL;
	}
	return df;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void instr_release(struct dfx_df_instr *in)
{
	free(in->cmd);
	for (size_t k = 0; k < in->nflags; k++) {
		free(in->flags[k].name);
		free(in->flags[k].value);
	}
	free(in->flags);
	free(in->args_text);
	free(in->args_map);
	free_strv(in->argv, in->argc);
	for (size_t k = 0; k < in->nwords; k++) {
		free(in->words[k].text);
		free(in->words[k].raw);
	}
	free(in->words);
	for (size_t k = 0; k < in->nkvs; k++) {
		free(in->kvs[k].key);
		free(in->kvs[k].value);
	}
	free(in->kvs);
	for (size_t k = 0; k < in->nheredocs; k++) {
		free(in->heredocs[k].name);
		free(in->heredocs[k].content);
	}
	free(in->heredocs);
	if (in->sub) {
		instr_release(in->sub);
		free(in->sub);
	}
	free_strv(in->ignore, in->nignore);
}

void dfx_dockerfile_free(struct dfx_dockerfile *df)
{
	if (!df)
		return;
	for (size_t i = 0; i < df->ndirectives; i++) {
		free(df->directives[i].key);
		free(df->directives[i].value);
	}
	free(df->directives);
	for (size_t i = 0; i < df->ninstrs; i++)
		instr_release(&df->instrs[i]);
	free(df->instrs);
	for (size_t i = 0; i < df->nstages; i++) {
		free(df->stages[i].name);
		free(df->stages[i].image);
		free(df->stages[i].platform);
	}
	free(df->stages);
	free_strv(df->global_ignore, df->nglobal_ignore);
	free(df->pragmas);
	free(df->trivia);
	free(df);
}

void dfx_dockerfile_print(const struct dfx_dockerfile *df, struct dfx_buf *out)
{
	const char *d = df->src->data;
	size_t di = 0, ti = 0, ii = 0;

	dfx_buf_add(out, d, df->body_start);
	for (;;) {
		const struct dfx_span *best = NULL, *c;
		int which = -1;

		if (di < df->ndirectives) {
			best = &df->directives[di].lines;
			which = 0;
		}
		if (ti < df->ntrivia && (!best || df->trivia[ti].start < best->start)) {
			best = &df->trivia[ti];
			which = 1;
		}
		if (ii < df->ninstrs) {
			c = &df->instrs[ii].lines;
			if (!best || c->start < best->start) {
				best = c;
				which = 2;
			}
		}
		if (!best)
			break;
		if (best->end > best->start)
			dfx_buf_add(out, d + best->start, best->end - best->start);
		if (which == 0)
			di++;
		else if (which == 1)
			ti++;
		else
			ii++;
	}
}

const struct dfx_df_directive *dfx_dockerfile_directive(const struct dfx_dockerfile *df,
							 const char *key)
{
	for (size_t i = 0; i < df->ndirectives; i++)
		if (strcasecmp(df->directives[i].key, key) == 0)
			return &df->directives[i];
	return NULL;
}

const struct dfx_df_flag *dfx_df_instr_flag(const struct dfx_df_instr *in, const char *name)
{
	for (size_t i = 0; i < in->nflags; i++)
		if (strcasecmp(in->flags[i].name, name) == 0)
			return &in->flags[i];
	return NULL;
}

/* The last ARG `name` among instructions [lo, hi]; *declared when found. */
static const char *arg_in(const struct dfx_dockerfile *df, size_t lo, size_t hi, const char *name,
			  bool *declared)
{
	*declared = false;
	for (size_t i = hi + 1; i-- > lo;) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (!cmd_is(in, "ARG"))
			continue;
		for (size_t k = in->nkvs; k-- > 0;) {
			if (strcmp(in->kvs[k].key, name) == 0) {
				*declared = true;
				if (in->kvs[k].value)
					return in->kvs[k].value;
			}
		}
		if (*declared)
			return NULL;
	}
	return NULL;
}

const char *dfx_dockerfile_arg_default(const struct dfx_dockerfile *df, size_t at, const char *name)
{
	const struct dfx_df_instr *in;
	size_t meta_end;
	const char *v;
	bool declared;

	if (!df->ninstrs)
		return NULL;
	if (at >= df->ninstrs)
		at = df->ninstrs - 1;
	in = &df->instrs[at];
	meta_end = df->nstages ? df->stages[0].from : df->ninstrs;
	if (in->stage < 0 || df->stages[in->stage].from == at) {
		/* before the first FROM, or on a FROM line: the global ARGs */
		if (!meta_end)
			return NULL;
		return arg_in(df, 0, (at < meta_end ? at : meta_end - 1), name, &declared);
	}
	v = arg_in(df, df->stages[in->stage].first, at, name, &declared);
	if (v || !declared || !meta_end)
		return v;
	/* declared without a default inside the stage: the global default */
	return arg_in(df, 0, meta_end - 1, name, &declared);
}

bool dfx_dockerfile_suppressed(const struct dfx_dockerfile *df, const struct dfx_df_instr *in,
			       const char *code)
{
	for (size_t i = 0; i < df->nglobal_ignore; i++)
		if (strcasecmp(df->global_ignore[i], code) == 0)
			return true;
	if (in)
		for (size_t i = 0; i < in->nignore; i++)
			if (strcasecmp(in->ignore[i], code) == 0)
				return true;
	return false;
}

const struct dfx_df_instr *dfx_dockerfile_instr_at(const struct dfx_dockerfile *df, uint32_t off)
{
	size_t lo = 0, hi = df->ninstrs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dfx_df_instr *in = &df->instrs[mid];

		if (off < in->lines.start)
			hi = mid;
		else if (off >= in->lines.end)
			lo = mid + 1;
		else
			return in;
	}
	return NULL;
}
