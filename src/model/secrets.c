/*
 * secrets.c - the credentials engine (include/dockfix/secrets.h):
 * credential names by whole-token phrases, credential values by provider
 * formats (PCRE2), embedded URL passwords and entropy, weak passwords, and
 * the one generator of fresh secrets (used by the fixes and by `dockfix
 * init`).
 *
 * References: the project's README (rules DF101, DF102, DC101, DC102,
 * DC105, DC107, DH101); BuildKit's SecretsUsedInArgOrEnv check, Trivy
 * DS-0031 and hadolint DL3064 (credential names); the official image docs
 * (documented default passwords); getrandom(2). The words and patterns
 * live in src/model/data/ and reach this file as the tables of the
 * generated tables.h.
 *
 * The PCRE2 patterns are compiled (and JIT-compiled where the platform has
 * a JIT) once, under pthread_once; afterwards they are only read, which
 * PCRE2 allows from any number of threads. Each call uses its own match data.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "dockfix/core.h"
#include "dockfix/secrets.h"
#include "tables.h"

/* ------------------------------------------------------------------ helpers */

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(int c)
{
	return is_upper(c) || is_lower(c) || is_digit(c);
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool in_list(const char *const *list, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], word) == 0)
			return true;
	return false;
}

/* Trim blanks: *s and *len are adjusted in place. */
static void trim(const char **s, size_t *len)
{
	while (*len && is_blank((unsigned char)(*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_blank((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* ------------------------------------------------------------------ names */

struct tokens {
	char *buf;       /* the lower-cased tokens, NUL-separated */
	const char **v;  /* n pointers into buf */
	size_t n;
};

/*
 * Split a name into lower-case tokens at non-alphanumerics and, when the
 * name mixes cases, at camelCase boundaries: "apiKey" -> api key,
 * "APIKey" -> api key, "OAuth2Token" -> o auth2 token. Digits stay with
 * the letters before them (PASSWORD1 is one token, as in BuildKit).
 */
static void tokenize(const char *name, struct tokens *t)
{
	size_t len = strlen(name);
	bool has_upper = false, has_lower = false;
	char *out;

	for (size_t i = 0; i < len; i++) {
		has_upper |= is_upper((unsigned char)name[i]);
		has_lower |= is_lower((unsigned char)name[i]);
	}
	bool camel = has_upper && has_lower;

	t->buf = dfx_xmalloc(2 * len + 2);
	t->v = dfx_xmalloc((len + 1) * sizeof(*t->v));
	t->n = 0;
	out = t->buf;
	for (size_t i = 0; i < len;) {
		while (i < len && !is_alnum((unsigned char)name[i]))
			i++;
		if (i >= len)
			break;
		char *start = out;
		size_t j = i;
		do {
			*out++ = (char)lower((unsigned char)name[j]);
			j++;
			if (j >= len || !is_alnum((unsigned char)name[j]))
				break;
			if (camel && is_upper((unsigned char)name[j])) {
				int prev = (unsigned char)name[j - 1];
				int next = j + 1 < len ? (unsigned char)name[j + 1] : 0;
				if (is_lower(prev) || is_digit(prev) ||
				    (is_upper(prev) && is_lower(next)))
					break;
			}
		} while (1);
		*out++ = '\0';
		t->v[t->n++] = start;
		i = j;
	}
}

/* Whether token t matches phrase token p: equal, or p = "*word" and t ends with word. */
static bool token_match(const char *p, const char *t)
{
	size_t pl, tl;

	if (p[0] != '*')
		return strcmp(p, t) == 0;
	p++;
	pl = strlen(p);
	tl = strlen(t);
	return tl >= pl && strcmp(t + tl - pl, p) == 0;
}

/*
 * Length of the longest phrase of the table matching at token i, and its
 * class. At equal length an exact phrase beats a "*word" one.
 */
static size_t phrase_at(const struct tokens *t, size_t i, int *cls)
{
	size_t best = 0;
	bool best_exact = false;

	for (size_t p = 0; p < dfx_tab_name_phrases_n; p++) {
		const struct dfx_tab_phrase *ph = &dfx_tab_name_phrases[p];
		bool exact = ph->tok[0][0] != '*';
		size_t k;

		if (ph->n < best || (ph->n == best && (best_exact || !exact)) || i + ph->n > t->n)
			continue;
		for (k = 0; k < ph->n; k++)
			if (!token_match(ph->tok[k], t->v[i + k]))
				break;
		if (k == ph->n) {
			best = ph->n;
			best_exact = exact;
			*cls = ph->cls;
		}
	}
	return best;
}

bool dfx_secret_name(const char *name)
{
	struct tokens t;
	bool strong = false, weak = false, exempt = false;
	size_t after = 0; /* first token after the last credential phrase */

	if (!name || !*name)
		return false;
	for (size_t i = 0; i < dfx_tab_name_exact_n; i++)
		if (strcasecmp(name, dfx_tab_name_exact[i]) == 0)
			return false;

	tokenize(name, &t);
	for (size_t i = 0; i < t.n;) {
		int cls = 0;
		size_t n = phrase_at(&t, i, &cls);

		if (n == 0) {
			i++;
			continue;
		}
		if (cls == DFX_TAB_NAME_STRONG || cls == DFX_TAB_NAME_WEAK) {
			strong |= cls == DFX_TAB_NAME_STRONG;
			weak |= cls == DFX_TAB_NAME_WEAK;
			after = i + n;
		}
		i += n;
	}
	if (strong || weak) {
		for (size_t i = 0; i < t.n && !exempt; i++)
			exempt = in_list(dfx_tab_name_anywhere, dfx_tab_name_anywhere_n, t.v[i]);
		for (size_t i = after; i < t.n && !exempt; i++)
			exempt = in_list(dfx_tab_name_suffix, dfx_tab_name_suffix_n, t.v[i]) ||
				 (!strong && in_list(dfx_tab_name_weak_suffix,
						     dfx_tab_name_weak_suffix_n, t.v[i]));
	}
	free(t.buf);
	free(t.v);
	return (strong || weak) && !exempt;
}

/* ------------------------------------------------------------------ references */

static bool name_start(int c)
{
	return is_upper(c) || is_lower(c) || c == '_';
}

static bool name_char(int c)
{
	return name_start(c) || is_digit(c);
}

/*
 * Length of the variable reference at s[0] ('$'), or 0 when there is none:
 * $NAME, or ${NAME...} up to its matching brace (nested ${...} allowed).
 */
static size_t reference_len(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || s[0] != '$')
		return 0;
	if (name_start((unsigned char)s[1])) {
		for (i = 2; i < len && name_char((unsigned char)s[i]); i++)
			;
		return i;
	}
	if (s[1] != '{' || len < 4 || !name_start((unsigned char)s[2]))
		return 0;
	int depth = 1;
	for (i = 3; i < len; i++) {
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			depth++;
			i++;
		} else if (s[i] == '}' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

static bool is_reference(const char *s, size_t len)
{
	trim(&s, &len);
	if (len == 0)
		return false;
	while (len) {
		size_t n = reference_len(s, len);

		if (n == 0)
			return false;
		s += n;
		len -= n;
	}
	return true;
}

bool dfx_value_is_reference(const char *v)
{
	return v && is_reference(v, strlen(v));
}

bool dfx_value_reference_default(const char *v, size_t *start, size_t *len)
{
	const char *s = v;
	size_t n, i;

	if (!v)
		return false;
	n = strlen(v);
	trim(&s, &n);
	if (n < 5 || s[0] != '$' || s[1] != '{' || reference_len(s, n) != n)
		return false;
	for (i = 2; i < n && name_char((unsigned char)s[i]); i++)
		;
	if (s[i] == ':' && s[i + 1] == '-')
		i += 2;
	else if (s[i] == '-')
		i += 1;
	else
		return false;
	*start = (size_t)(s + i - v);
	*len = n - 1 - i;
	return true;
}

bool dfx_value_is_inert(const char *v)
{
	const char *s = v;
	size_t len;

	if (!v)
		return true;
	len = strlen(v);
	trim(&s, &len);
	if (len == 0 || is_reference(s, len))
		return true;
	for (size_t i = 0; i < dfx_tab_inert_values_n; i++)
		if (strlen(dfx_tab_inert_values[i]) == len &&
		    strncasecmp(s, dfx_tab_inert_values[i], len) == 0)
			return true;
	/* A file path: /run/secrets/x, ./certs/key.pem, ~/.ssh/id_rsa. */
	if (s[0] == '/' || strncmp(s, "./", 2) == 0 || strncmp(s, "../", 3) == 0 ||
	    strncmp(s, "~/", 2) == 0) {
		for (size_t i = 0; i < len; i++)
			if (is_blank((unsigned char)s[i]))
				return false;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ patterns */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pcre2_code **codes;
static pcre2_match_context *mctx;
static char init_error[256];

static void compile_all(void)
{
	codes = dfx_xcalloc(dfx_tab_formats_n ? dfx_tab_formats_n : 1, sizeof(*codes));
	mctx = pcre2_match_context_create(NULL);
	if (mctx) {
		/* Bound the work on hostile input; a limit hit counts as no match. */
		pcre2_set_match_limit(mctx, 1000000);
		pcre2_set_depth_limit(mctx, 10000);
	}
	for (size_t i = 0; i < dfx_tab_formats_n; i++) {
		int err;
		PCRE2_SIZE off;

		codes[i] = pcre2_compile((PCRE2_SPTR)dfx_tab_formats[i].pattern, PCRE2_ZERO_TERMINATED,
					 0, &err, &off, NULL);
		if (!codes[i]) {
			if (!init_error[0]) {
				PCRE2_UCHAR msg[128];

				pcre2_get_error_message(err, msg, sizeof(msg));
				snprintf(init_error, sizeof(init_error),
					 "token-formats.tsv: \"%s\": %s at offset %zu",
					 dfx_tab_formats[i].kind, (const char *)msg, (size_t)off);
			}
			continue;
		}
		/* Without a JIT (or on failure) the interpreter is used. */
		(void)pcre2_jit_compile(codes[i], PCRE2_JIT_COMPLETE);
	}
}

static void init(void)
{
	pthread_once(&once, compile_all);
}

const char *dfx_secret_init_error(void)
{
	init();
	return init_error[0] ? init_error : NULL;
}

/* Whether a URL's USER:PASSWORD part carries a literal password. */
static bool userinfo_has_password(const char *u, size_t n)
{
	size_t i = 0, p;
	bool mask = true;

	while (i < n && u[i] != ':') {
		size_t r = u[i] == '$' ? reference_len(u + i, n - i) : 0;

		i += r ? r : 1;
	}
	if (i >= n)
		return false; /* no password at all */
	p = i + 1;
	if (p >= n)
		return false; /* empty password */
	for (i = p; i < n; i++) {
		if (u[i] == '$')
			return false; /* a variable, or compose's $$: not a literal we can judge */
		if (u[i] != '*' && u[i] != 'x' && u[i] != 'X' && u[i] != '.')
			mask = false;
	}
	return !mask;
}

static int b64_value(int c)
{
	if (is_upper(c))
		return c - 'A';
	if (is_lower(c))
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Whether base64 text decodes to a PEM header that names a private key. */
static bool pem64_is_private(const char *s, size_t n)
{
	char out[128];
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n && o < sizeof(out) - 1; i++) {
		int v = b64_value((unsigned char)s[i]);

		if (v < 0)
			break;
		acc = (acc << 6 | (unsigned)v) & 0xFFFFFFu;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xFF);
		}
	}
	out[o] = '\0';
	if (strncmp(out, "-----BEGIN", 10) != 0)
		return false;
	/* The header line ends at the first newline or the closing dashes. */
	for (size_t i = 10; i + 11 <= o && out[i] != '\n'; i++)
		if (memcmp(out + i, "PRIVATE KEY", 11) == 0)
			return true;
	return false;
}

static bool match_format(size_t i, const char *s, size_t len, pcre2_match_data *md)
{
	PCRE2_SIZE start = 0;

	while (start <= len) {
		int rc = pcre2_match(codes[i], (PCRE2_SPTR)s, len, start, 0, md, mctx);
		PCRE2_SIZE *ov;

		if (rc <= 0)
			return false;
		ov = pcre2_get_ovector_pointer(md);
		switch (dfx_tab_formats[i].check) {
		case DFX_TAB_FMT_MATCH:
			return true;
		case DFX_TAB_FMT_USERINFO:
			if (rc >= 2 && ov[2] != PCRE2_UNSET &&
			    userinfo_has_password(s + ov[2], ov[3] - ov[2]))
				return true;
			break;
		case DFX_TAB_FMT_PEM64:
			if (pem64_is_private(s + ov[0], ov[1] - ov[0]))
				return true;
			break;
		}
		start = ov[0] + 1;
	}
	return false;
}

/* ------------------------------------------------------------------ entropy */

/*
 * log2 without libm (the build links none): x = m * 2^k with m in [1, 2),
 * ln m = 2 atanh((m - 1) / (m + 1)) by its series; 1e-12 is plenty here.
 */
static double log2_of(double x)
{
	double z, z2, term, sum = 0;
	int k = 0;

	if (x <= 0)
		return 0;
	while (x >= 2) {
		x /= 2;
		k++;
	}
	while (x < 1) {
		x *= 2;
		k--;
	}
	z = (x - 1) / (x + 1);
	z2 = z * z;
	term = z;
	for (int i = 1; i < 40 && term > 1e-15; i += 2) {
		sum += term / i;
		term *= z2;
	}
	return k + 2 * sum / 0.69314718055994530942;
}

static double entropy(const char *s, size_t n)
{
	unsigned count[256] = {0};
	double h = 0;

	for (size_t i = 0; i < n; i++)
		count[(unsigned char)s[i]]++;
	for (size_t c = 0; c < 256; c++) {
		if (count[c]) {
			double p = (double)count[c] / (double)n;

			h -= p * log2_of(p);
		}
	}
	return h;
}

static int char_class(int c)
{
	if (is_upper(c))
		return 0;
	if (is_lower(c))
		return 1;
	if (is_digit(c))
		return 2;
	return 3;
}

/*
 * Thresholds, measured on random base62/base64 strings and on the values
 * of ENV/ARG/environment entries in the shared corpus of 4,749 real files:
 *  - at least 24 characters: a base64-encoded 128-bit id (22 characters,
 *    Kafka cluster ids) is not a secret;
 *  - entropy >= 0.83 * log2(len), at most 4.6: about 1% of random 24-64
 *    character strings fall below it;
 *  - class changes (upper/lower/digit/other) on at least 40% of the
 *    positions: random strings change on ~63%, words and paths on < 40%;
 *  - no run of 7 or more lower-case letters: dictionary words
 *    ("screenshot", "password") in paths and identifiers.
 */
#define ENTROPY_MIN_LEN 24
#define ENTROPY_MAX_BITS 4.6
#define ENTROPY_FACTOR 0.83
#define CLASS_CHANGE_MIN 0.40
#define LOWER_RUN_MAX 6

bool dfx_secret_entropy_word(const char *w, size_t n)
{
	bool up = false, lo = false, dig = false, hex = true;
	size_t changes = 0, run = 0, longest = 0;
	double need;

	if (!w || n < ENTROPY_MIN_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)w[i];

		up |= is_upper(c);
		lo |= is_lower(c);
		dig |= is_digit(c);
		if (!(is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f') || c == '-'))
			hex = false;
		if (i && char_class(c) != char_class((unsigned char)w[i - 1]))
			changes++;
		run = is_lower(c) ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	/* Hex digests, git SHAs, UUIDs and GPG fingerprints are not secrets here. */
	if (hex || !(up && lo && dig) || longest > LOWER_RUN_MAX)
		return false;
	if ((double)changes < CLASS_CHANGE_MIN * (double)(n - 1))
		return false;
	need = ENTROPY_FACTOR * log2_of((double)n);
	if (need > ENTROPY_MAX_BITS)
		need = ENTROPY_MAX_BITS;
	return entropy(w, n) >= need;
}

static bool word_char(int c)
{
	return is_alnum(c) || c == '+' || c == '/' || c == '_' || c == '-';
}

/*
 * Scan the words of a value for dfx_secret_entropy_word(). A word is a run
 * of base64/base64url characters with at most two '=' of padding at its
 * end; '=' elsewhere, '.', ':' and '@' separate words, so KEY=VALUE, host
 * names and versions split apart. Leading '-' (command-line options) is
 * dropped. Skipped: words that start with '/' (absolute paths), words inside
 * the matches of "benign" token formats (public keys, certificates,
 * integrity hashes), and inside a URL (from "://" to the next blank or
 * quote) every word but query values (after '='): URL paths are names.
 */
static bool has_entropy_word(const char *s, size_t len, const unsigned char *benign)
{
	bool in_url = false;
	size_t i = 0;

	while (i < len) {
		size_t b, e;

		while (i < len && !word_char((unsigned char)s[i])) {
			if (s[i] == ':' && i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/')
				in_url = true;
			else if (is_blank((unsigned char)s[i]) || s[i] == '"' || s[i] == '\'')
				in_url = false;
			i++;
		}
		b = i;
		while (i < len && word_char((unsigned char)s[i]))
			i++;
		e = i;
		while (i < len && i - e < 2 && s[i] == '=')
			i++;
		if (i < len && word_char((unsigned char)s[i]))
			continue; /* '=' inside a word: KEY=VALUE, not padding */
		if (b >= e || s[b] == '/')
			continue;
		if (in_url && !(b > 0 && s[b - 1] == '='))
			continue;
		while (b < e && s[b] == '-')
			b++;
		if (b >= e || (benign && benign[b]))
			continue;
		if (dfx_secret_entropy_word(s + b, i - b))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ values */

bool dfx_secret_value(const char *value, size_t len, const char **kind)
{
	unsigned char *benign = NULL; /* per byte: inside a benign match */
	pcre2_match_data *md;
	const char *s = value;
	bool hit = false;

	if (kind)
		*kind = NULL;
	if (!value)
		return false;
	trim(&s, &len);
	if (len == 0 || is_reference(s, len))
		return false;

	init();
	md = pcre2_match_data_create(4, NULL);
	if (!md)
		return false;
	for (size_t i = 0; i < dfx_tab_formats_n && !hit; i++) {
		if (!codes[i] || dfx_tab_formats[i].check == DFX_TAB_FMT_BENIGN)
			continue;
		if (match_format(i, s, len, md)) {
			hit = true;
			if (kind)
				*kind = dfx_tab_formats[i].kind;
		}
	}
	for (size_t i = 0; i < dfx_tab_formats_n && !hit; i++) {
		PCRE2_SIZE start = 0;

		if (!codes[i] || dfx_tab_formats[i].check != DFX_TAB_FMT_BENIGN)
			continue;
		while (start < len &&
		       pcre2_match(codes[i], (PCRE2_SPTR)s, len, start, 0, md, mctx) > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

			if (!benign)
				benign = dfx_xcalloc(len, 1);
			memset(benign + ov[0], 1, ov[1] - ov[0]);
			start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		}
	}
	pcre2_match_data_free(md);
	if (!hit && has_entropy_word(s, len, benign)) {
		hit = true;
		if (kind)
			*kind = "high-entropy string";
	}
	free(benign);
	return hit;
}

/* ------------------------------------------------------------------ passwords */

bool dfx_weak_password(const char *value, const char *user)
{
	size_t len, chars = 0, distinct = 0;
	bool seen[256] = {false};
	char *low;
	bool weak = false;

	if (!value || !*value)
		return true;
	if (dfx_value_is_reference(value))
		return false;
	if (user && *user && strcasecmp(value, user) == 0)
		return true;
	len = strlen(value);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if ((c & 0xC0) != 0x80)
			chars++;
		if (!seen[c]) {
			seen[c] = true;
			distinct++;
		}
	}
	if (chars < 12 || distinct < 4)
		return true;
	low = dfx_xstrdup(value);
	for (size_t i = 0; i < len; i++)
		low[i] = (char)lower((unsigned char)low[i]);
	weak = in_list(dfx_tab_weak_passwords, dfx_tab_weak_passwords_n, low);
	free(low);
	return weak;
}

const char *dfx_secret_user_var(const char *pass_var, const char **default_user)
{
	if (default_user)
		*default_user = NULL;
	if (!pass_var)
		return NULL;
	for (size_t i = 0; i < dfx_tab_user_vars_n; i++) {
		if (strcmp(dfx_tab_user_vars[i].pass, pass_var) == 0) {
			if (default_user)
				*default_user = dfx_tab_user_vars[i].def;
			return dfx_tab_user_vars[i].user;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ generation */

static int random_bytes(unsigned char *p, size_t n)
{
	size_t got = 0;
	int fd;

	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	/* Kernels older than 3.17 (or a seccomp filter) lack getrandom(). */
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return got == n ? 0 : -1;
}

char *dfx_secret_gen(void)
{
	static const char b64url[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[32];
	char *out, *o;
	size_t i;

	if (random_bytes(raw, sizeof(raw)) != 0)
		return NULL;
	out = dfx_xmalloc(44);
	o = out;
	for (i = 0; i + 3 <= sizeof(raw); i += 3) {
		unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | raw[i + 2];

		*o++ = b64url[v >> 18 & 63];
		*o++ = b64url[v >> 12 & 63];
		*o++ = b64url[v >> 6 & 63];
		*o++ = b64url[v & 63];
	}
	/* 32 = 30 + 2: the last two bytes give three characters, no padding. */
	unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8;

	*o++ = b64url[v >> 18 & 63];
	*o++ = b64url[v >> 12 & 63];
	*o++ = b64url[v >> 6 & 63];
	*o = '\0';
	explicit_bzero(raw, sizeof(raw));
	return out;
}

/* ------------------------------------------------------------ lines of unparsed files */

static bool key_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.';
}

static bool word_end(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == ',' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '(' || c == ')' || c == '=' || c == ';' || c == '`';
}

static size_t add_span(struct dfx_span *out, size_t nout, size_t max, size_t a, size_t b)
{
	if (b <= a)
		return nout;
	/* spans arrive in increasing start order, except the URL passwords: keep sorted */
	size_t i = nout;

	while (i && out[i - 1].start > a)
		i--;
	if (i && out[i - 1].end >= a) {
		if (b > out[i - 1].end)
			out[i - 1].end = (uint32_t)b;
	} else {
		if (nout == max)
			return nout;
		memmove(out + i + 1, out + i, (nout - i) * sizeof(*out));
		out[i] = (struct dfx_span){(uint32_t)a, (uint32_t)b};
		nout++;
	}
	/* merge what the grown span now covers */
	while (i + 1 < nout && out[i + 1].start <= out[i].end) {
		if (out[i + 1].end > out[i].end)
			out[i].end = out[i + 1].end;
		memmove(out + i + 1, out + i + 2, (nout - i - 2) * sizeof(*out));
		nout--;
	}
	return nout;
}

/*
 * The value after the key ending at `k` (the key's quote, if any, skipped):
 * [*a, *b). In a quoted string (`"API_KEY=v"`) the value ends at the quote;
 * with `space_sep` (the key follows ENV or ARG) a blank separates too.
 */
static bool key_value(const char *p, size_t n, size_t k, bool in_quotes, bool space_sep, size_t *a, size_t *b)
{
	size_t i = k;
	char q;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < n && (p[i] == ':' || p[i] == '='))
		i++;
	else if (!space_sep || i == k || i >= n)
		return false;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= n)
		return false;
	q = p[i];
	if (q == '"' || q == '\'') {
		const char *e = memchr(p + i + 1, q, n - i - 1);

		*a = i + 1;
		*b = e ? (size_t)(e - p) : n;
		return true;
	}
	*a = i;
	*b = n;
	if (in_quotes) {
		const char *e = memchr(p + i, '"', n - i);

		if (e)
			*b = (size_t)(e - p);
	}
	while (*b > *a && (p[*b - 1] == ' ' || p[*b - 1] == '\t'))
		(*b)--;
	return true;
}

/* Whether the word at `s` is the first after a leading ENV or ARG. */
static bool after_env_arg(const char *p, size_t s)
{
	size_t i = 0;

	while (i < s && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (s < i + 4 || (strncasecmp(p + i, "ENV", 3) != 0 && strncasecmp(p + i, "ARG", 3) != 0))
		return false;
	for (i += 3; i < s; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return false;
	return true;
}

size_t dfx_secret_line_spans(const char *p, size_t n, struct dfx_span *out, size_t max)
{
	size_t nout = 0;
	char name[128];

	/* KEY: value, KEY=value, "key": "value" */
	for (size_t i = 0; i < n && nout < max;) {
		size_t s, a, b;

		if (!key_char((unsigned char)p[i]) || (i && key_char((unsigned char)p[i - 1]))) {
			i++;
			continue;
		}
		s = i;
		while (i < n && key_char((unsigned char)p[i]))
			i++;
		if (i - s >= sizeof(name))
			continue;
		memcpy(name, p + s, i - s);
		name[i - s] = '\0';
		if (!dfx_secret_name(name))
			continue;
		if (key_value(p, n, i < n && (p[i] == '"' || p[i] == '\'') ? i + 1 : i,
			      s && p[s - 1] == '"' && (i >= n || p[i] != '"'), after_env_arg(p, s), &a, &b))
			nout = add_span(out, nout, max, a, b);
	}
	/* words that are credentials by their form */
	for (size_t i = 0; i < n && nout < max;) {
		size_t s;

		while (i < n && word_end((unsigned char)p[i]))
			i++;
		s = i;
		while (i < n && !word_end((unsigned char)p[i]))
			i++;
		if (i > s && dfx_secret_value(p + s, i - s, NULL)) {
			size_t e = i;

			/* "key:value" words: a trailing ':' or '=' belongs to the syntax */
			while (e > s && (p[e - 1] == ':'))
				e--;
			nout = add_span(out, nout, max, s, e);
		}
	}
	/* scheme://user:password@host */
	for (size_t k = 0; k + 3 <= n && nout < max; k++) {
		const char *u = p + k + 3, *end = p + n, *at = NULL, *colon = NULL;

		if (memcmp(p + k, "://", 3) != 0)
			continue;
		for (const char *c = u; c < end && *c != '/' && *c != ' ' && *c != '"' && *c != '\''; c++) {
			if (*c == '@')
				at = c;
			else if (*c == ':' && !colon && !at)
				colon = c;
		}
		if (at && colon && colon < at)
			nout = add_span(out, nout, max, (size_t)(colon + 1 - p), (size_t)(at - p));
	}
	return nout;
}
