/*
 * dfhelp.c - helpers private to the Dockerfile rules (dfhelp.h): names
 * that are credentials only because of a bare "key", secret-looking
 * literals, redacting a credential from a shown source line, and giving a
 * stage's base image another tag.
 *
 * Reference: the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/): FROM, ARG before FROM
 * (global build arguments), variable substitution.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dfhelp.h"
#include "dockfix/image.h"
#include "dockfix/path.h"
#include "dockfix/secrets.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
}

/* Split a variable name into lower-case tokens (at _ - . and camelCase). */
static size_t name_tokens(const char *name, char toks[][32], size_t max)
{
	size_t n = 0, len = 0;

	for (const char *p = name;; p++) {
		char c = *p;
		bool alnum = is_name_char(c) && c != '_';
		bool split = !alnum;

		if (alnum && len && p > name) {
			char a = p[-1], b = p[1];
			bool lo_up = a >= 'a' && a <= 'z' && c >= 'A' && c <= 'Z';
			bool up_up_lo = a >= 'A' && a <= 'Z' && c >= 'A' && c <= 'Z' && b >= 'a' && b <= 'z';

			if (lo_up || up_up_lo) {
				if (n < max)
					toks[n++][len] = '\0';
				len = 0;
			}
		}
		if (split) {
			if (len && n < max)
				toks[n++][len] = '\0';
			len = 0;
			if (!c)
				break;
			continue;
		}
		if (n < max && len < 31)
			toks[n][len++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	return n;
}

bool dfx_dfhelp_bare_key_name(const char *name)
{
	static const char *const qualifiers[] = {"api", "access", "private", "secret", "client", "encryption", "app",
						 "auth", "master", "jwt", "ssh", "session", "license", "licence",
						 "signing", "hmac", "cipher", "crypto", "account", "service", "consumer",
						 "subscription", "primary", "secondary", "shared", "storage", "admin",
						 "root", "deploy", "webhook", "sign", NULL};
	char toks[16][32];
	size_t n = name_tokens(name, toks, 16);
	struct dfx_buf rest = DFX_BUF_INIT;
	bool has_key = false, bare;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(toks[i], "key") && strcmp(toks[i], "keys")) {
			dfx_buf_addf(&rest, "%s%s", rest.len ? "_" : "", toks[i]);
			continue;
		}
		has_key = true;
		for (size_t q = 0; i && qualifiers[q]; q++)
			if (!strcmp(toks[i - 1], qualifiers[q])) {
				dfx_buf_release(&rest);
				return false;
			}
	}
	bare = has_key && !dfx_secret_name(rest.ptr ? rest.ptr : "");
	dfx_buf_release(&rest);
	return bare;
}

bool dfx_dfhelp_secretish_value(const char *v)
{
	bool letter = false, digit = false;
	size_t n = 0;

	for (const char *p = v; *p; p++, n++) {
		if (*p == ' ' || *p == '.' || *p == '/' || *p == ':' || *p == '\t')
			return false;
		letter |= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
		digit |= is_digit(*p);
	}
	return n >= 8 && letter && digit;
}

void dfx_dfhelp_mask_secret(struct dfx_finding *f, const struct dfx_df_instr *in)
{
	if (!f || f->secret.end > f->secret.start)
		return;
	for (size_t k = 0; k < in->nwords; k++) {
		const char *w = in->words[k].text;
		const char *eq = strchr(w, '=');

		/* VAR=value and --flag=value: judge the value */
		if (eq && eq[1] && !strstr(w, "://"))
			w = eq + 1;
		if (dfx_secret_value(w, strlen(w), NULL)) {
			f->secret = in->words[k].span;
			return;
		}
	}
}

static bool plain_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '$' || s[i] == '"' || s[i] == '\'' || s[i] == '\\' || s[i] == '`' || is_blank(s[i]) ||
		    s[i] == '\n')
			return false;
	return true;
}

/* The global ARG (declared before the first FROM) that gives `name` its default. */
static const struct dfx_df_kv *global_arg(const struct dfx_dockerfile *df, const char *name)
{
	size_t end = df->nstages ? df->stages[0].from : df->ninstrs;
	const struct dfx_df_kv *found = NULL;

	for (size_t i = 0; i < end; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (!dfx_df_is(in, "ARG"))
			continue;
		for (size_t k = 0; k < in->nkvs; k++)
			if (!strcmp(in->kvs[k].key, name))
				found = &in->kvs[k];
	}
	return found && found->value ? found : NULL;
}

bool dfx_dfhelp_retag(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
		   const struct dfx_df_stage *st, const char *tag)
{
	const struct dfx_df_instr *in = &df->instrs[st->from];
	const char *src = df->src->data;
	const char *raw;
	size_t rl, nl;
	char *word;

	if (!in->nwords || !st->image)
		return false;
	raw = in->words[0].raw;
	rl = strlen(raw);
	if (plain_text(raw, rl)) {
		const struct dfx_span sp = st->image_span;

		if (sp.end - sp.start != rl || memcmp(src + sp.start, raw, rl) != 0)
			return false; /* the word runs across a continuation */
		nl = dfx_image_ref_name_len(raw);
		word = dfx_xasprintf(":%s", tag);
		dfx_fix_edit(fix, path, sp.start + (uint32_t)nl, sp.end, word);
		free(word);
		return true;
	}
	/* ${REGISTRY}/node:14: variables only in the name, the tag written out */
	{
		const char *last_var = strrchr(raw, '$'), *close = last_var ? strchr(last_var, '}') : NULL;
		const char *from = close ? close + 1 : last_var ? last_var + 1 : raw;
		const char *colon, *slash;
		const struct dfx_span sp = st->image_span;

		while (!close && last_var && is_name_char(*from))
			from++;
		slash = strrchr(from, '/');
		colon = strchr(slash ? slash : from, ':');
		if (colon && plain_text(colon, strlen(colon)) && sp.end - sp.start == rl &&
		    !memcmp(src + sp.start, raw, rl)) {
			/* the tag of the expanded image must be this literal one */
			size_t il = strlen(st->image), cl = strlen(colon);

			if (il >= cl && !strcmp(st->image + il - cl, colon)) {
				word = dfx_xasprintf(":%s", tag);
				dfx_fix_edit(fix, path, sp.start + (uint32_t)(colon - raw), sp.end, word);
				free(word);
				return true;
			}
		}
	}
	/* PREFIX ${VAR} SUFFIX with VAR from a global ARG of literal value */
	{
		const char *d = strchr(raw, '$');
		const char *vs, *ve, *after;
		const struct dfx_df_kv *kv;
		char *var, *full, *mid;
		size_t pl, sl, fl;
		bool ok = false;

		if (!d || !plain_text(raw, (size_t)(d - raw)))
			return false;
		if (d[1] == '{') {
			vs = d + 2;
			ve = vs;
			while (is_name_char(*ve))
				ve++;
			if (*ve != '}')
				return false;
			after = ve + 1;
		} else {
			vs = d + 1;
			ve = vs;
			while (is_name_char(*ve))
				ve++;
			after = ve;
		}
		if (ve == vs || !plain_text(after, strlen(after)))
			return false;
		pl = (size_t)(d - raw);
		sl = strlen(after);
		var = dfx_xstrndup(vs, (size_t)(ve - vs));
		kv = global_arg(df, var);
		free(var);
		if (!kv)
			return false;
		nl = dfx_image_ref_name_len(st->image);
		full = dfx_xasprintf("%.*s:%s", (int)nl, st->image, tag);
		fl = strlen(full);
		if (fl > pl + sl && !strncmp(full, raw, pl) && !strcmp(full + fl - sl, after)) {
			size_t vl = kv->value_span.end - kv->value_span.start, ol = strlen(kv->value);
			uint32_t a = kv->value_span.start, b = kv->value_span.end;

			mid = dfx_xstrndup(full + pl, fl - pl - sl);
			if (vl == ol + 2 && (src[a] == '"' || src[a] == '\'') && src[b - 1] == src[a]) {
				a++;
				b--;
				vl = ol;
			}
			if (vl == ol && plain_text(src + a, vl) && !memcmp(src + a, kv->value, ol) && mid[0]) {
				dfx_fix_edit(fix, path, a, b, mid);
				ok = true;
			}
			free(mid);
		}
		free(full);
		return ok;
	}
}

void dfx_dfhelp_insert_after(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			     const struct dfx_df_instr *in, const char *lines)
{
	uint32_t esc = dfx_df_open_escape(df, in), end = in->lines.end;
	char *ins = dfx_df_after_text(df, in, lines);

	if (esc) {
		/* drop the escape and the blanks before it; keep what follows it (comment lines) */
		const char *d = df->src->data;
		uint32_t e = esc + 1;
		char *text;

		while (esc > in->span.start && (d[esc - 1] == ' ' || d[esc - 1] == '\t'))
			esc--;
		text = dfx_xasprintf("%.*s%s", (int)(end - e), d + e, ins);

		dfx_fix_edit(fix, path, esc, end, text);
		free(text);
	} else {
		dfx_fix_edit(fix, path, end, end, ins);
	}
	free(ins);
}

/* Whether bytes start like an archive ADD may unpack: a tar header
   ("ustar" at 257), or gzip, bzip2, xz, zstd or lz4 compression. */
static bool archive_bytes(const unsigned char *d, size_t n)
{
	if (n >= 262 && !memcmp(d + 257, "ustar", 5))
		return true;
	if (n >= 2 && d[0] == 0x1f && (d[1] == 0x8b || d[1] == 0x9d || d[1] == 0xa0))
		return true;
	if (n >= 3 && !memcmp(d, "BZh", 3))
		return true;
	if (n >= 6 && !memcmp(d, "\xfd" "7zXZ\0", 6))
		return true;
	if (n >= 4 && ((d[0] == 0x28 && d[1] == 0xb5 && d[2] == 0x2f && d[3] == 0xfd) ||
		       (d[0] == 0x04 && d[1] == 0x22 && d[2] == 0x4d && d[3] == 0x18)))
		return true;
	return false;
}

enum dfx_dfhelp_src dfx_dfhelp_context_source(struct dfx_workspace *ws, const char *context, const char *src)
{
	const struct dfx_source *s;
	struct stat sb;
	char *clean, *path;
	enum dfx_dfhelp_src kind = DFX_SRC_UNKNOWN;

	if (!context || !src[0] || strpbrk(src, "*?[$") || strstr(src, "://"))
		return DFX_SRC_UNKNOWN;
	clean = dfx_path_clean(src[0] == '/' ? src + 1 : src);
	if (!strcmp(clean, "..") || !strncmp(clean, "../", 3)) {
		free(clean);
		return DFX_SRC_UNKNOWN; /* outside the context: the build fails there */
	}
	path = dfx_path_join(context, clean);
	if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		kind = DFX_SRC_DIR;
	} else if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (s = dfx_ws_read(ws, path)) != NULL) {
		kind = archive_bytes((const unsigned char *)s->data, s->len) ? DFX_SRC_ARCHIVE : DFX_SRC_FILE;
	}
	free(path);
	free(clean);
	return kind;
}

/* ---------------------------------------------------------------- token spans */

/* Whether needle occurs at hay[i] and, when `word`, stands alone: no
   name character or '-', '.', '/' right before it or name character after. */
static bool token_at(const char *hay, size_t len, size_t i, const char *needle, size_t nlen, bool word)
{
	if (i + nlen > len || memcmp(hay + i, needle, nlen))
		return false;
	if (!word)
		return true;
	if (i > 0 && (is_name_char(hay[i - 1]) || hay[i - 1] == '-' || hay[i - 1] == '.'))
		return false;
	return i + nlen == len || !(is_name_char(hay[i + nlen]) || hay[i + nlen] == '-');
}

bool dfx_dfhelp_token_span(const struct dfx_df_instr *in, const char *needle, bool word, size_t nth,
			   struct dfx_span *out)
{
	size_t nlen = strlen(needle), seen = 0;

	if (!nlen)
		return false;
	if (in->args_text && in->args_map) {
		size_t len = strlen(in->args_text);

		for (size_t i = 0; i + nlen <= len; i++)
			if (token_at(in->args_text, len, i, needle, nlen, word) && seen++ == nth) {
				out->start = in->args_map[i];
				out->end = in->args_map[i + nlen - 1] + 1;
				return true;
			}
	}
	for (size_t k = 0; k < in->nheredocs; k++) {
		const struct dfx_df_heredoc *h = &in->heredocs[k];
		size_t len = h->content ? strlen(h->content) : 0;

		for (size_t i = 0; i + nlen <= len; i++)
			if (token_at(h->content, len, i, needle, nlen, word) && seen++ == nth) {
				out->start = h->content_span.start + (uint32_t)i;
				out->end = out->start + (uint32_t)nlen;
				return true;
			}
	}
	return false;
}

const struct dfx_df_instr *dfx_dfhelp_last_of(const struct dfx_dockerfile *df, const struct dfx_df_stage *st,
					      const char *cmd)
{
	size_t guard = 0;

	for (;;) {
		for (size_t i = st->last + 1; i-- > st->first;)
			if (dfx_df_is(&df->instrs[i], cmd))
				return &df->instrs[i];
		if (st->parent < 0 || (size_t)st->parent >= df->nstages || guard++ > df->nstages)
			return NULL;
		st = &df->stages[st->parent];
	}
}

bool dfx_dfhelp_starts_word(const struct dfx_dockerfile *df, bool (*pred)(const char *word))
{
	static const char *const kinds[] = {"ENTRYPOINT", "CMD"};

	if (!df->nstages)
		return false;
	for (size_t i = 0; i < 2; i++) {
		const struct dfx_df_instr *in = dfx_dfhelp_last_of(df, &df->stages[df->nstages - 1], kinds[i]);
		size_t n = !in ? 0 : in->json ? in->argc : in->nwords;

		for (size_t k = 0; k < n; k++)
			if (pred(in->json ? in->argv[k] : in->words[k].text))
				return true;
	}
	return false;
}
