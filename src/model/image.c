/*
 * image.c - image references and image facts (include/image.h): reference
 * parsing with Docker Hub normalisation, end-of-life lookup with variant-
 * and flavour-keeping replacements, pinning, slim variants, database
 * images and ports, *_FILE support and non-root images.
 *
 * Reference: endoflife.date (release cycles, support and end-of-life
 * dates); the image reference grammar and splitDockerDomain normalisation
 * of github.com/distribution/reference (normalize.go); the Docker Official
 * Images documentation of each image (variants, ports, *_FILE, users). The facts are the generated tables of tables.h, from
 * the .tsv files of src/data; this file holds no image names of its own.
 */
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/core.h"
#include "dockfix/image.h"
#include "dockfix/imagebehaviour.h"
#include "eoltable.h"
#include "tables.h"

/* ------------------------------------------------------------------ helpers */

static bool is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Copy with truncation check: false when src does not fit. */
static bool copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

/*
 * Index of the last (or first) `c` in s[0..len) outside ${...}, or -1.
 * Variable references can hold ':' and '/' ("${REG:-ghcr.io}/app").
 */
static long find_outside(const char *s, size_t len, char c, bool last)
{
	long found = -1;
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			depth++;
			i++;
		} else if (s[i] == '}' && depth > 0) {
			depth--;
		} else if (s[i] == c && depth == 0) {
			found = (long)i;
			if (!last)
				break;
		}
	}
	return found;
}

/* ------------------------------------------------------------------ parsing */

/* component := [a-z0-9]+ (([._] | "__" | "-"+) [a-z0-9]+)* */
static bool valid_component(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;

		while (i < n && (is_lower((unsigned char)s[i]) || is_digit((unsigned char)s[i]))) {
			i++;
			run++;
		}
		if (run == 0)
			return false;
		if (i == n)
			return true;
		if (s[i] == '.' || (s[i] == '_' && !(i + 1 < n && s[i + 1] == '_'))) {
			i++;
		} else if (s[i] == '_') {
			i += 2;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i == n)
			return false;
	}
	return n > 0;
}

static bool valid_path(const char *s, size_t n, bool *upper)
{
	size_t b = 0;

	*upper = false;
	for (size_t i = 0; i < n; i++)
		if (is_upper((unsigned char)s[i]))
			*upper = true;
	if (*upper)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (!valid_component(s + b, i - b))
				return false;
			b = i + 1;
		}
	}
	return true;
}

/* host[:port]: DNS name, IPv4 or [IPv6], loosely checked. */
static bool valid_domain(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return false;
	if (s[0] == '[') {
		while (i < n && s[i] != ']')
			i++;
		if (i == n)
			return false;
		i++;
	} else {
		while (i < n && s[i] != ':') {
			int c = (unsigned char)s[i];

			if (!(is_lower(c) || is_upper(c) || is_digit(c) || c == '.' || c == '-'))
				return false;
			i++;
		}
		if (i == 0)
			return false;
	}
	if (i < n) {
		if (s[i] != ':' || i + 1 == n)
			return false;
		for (i++; i < n; i++)
			if (!is_digit((unsigned char)s[i]))
				return false;
	}
	return true;
}

/* tag := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static bool valid_tag(const char *s, size_t n)
{
	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (!(is_lower(c) || is_upper(c) || is_digit(c) || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* digest := algorithm ":" hex{32,} */
static bool valid_digest(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t a, h;

	if (!colon)
		return false;
	a = (size_t)(colon - s);
	h = n - a - 1;
	if (a == 0 || h < 32)
		return false;
	for (size_t i = 0; i < a; i++) {
		int c = (unsigned char)s[i];

		if (!(is_lower(c) || is_digit(c) || c == '+' || c == '.' || c == '_' || c == '-'))
			return false;
	}
	for (size_t i = a + 1; i < n; i++) {
		int c = (unsigned char)s[i];

		if (!(is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static bool is_hub(const char *d, size_t n)
{
	static const char *const hub[] = {"docker.io", "index.docker.io", "registry-1.docker.io",
					  "registry.hub.docker.com"};

	for (size_t i = 0; i < sizeof(hub) / sizeof(hub[0]); i++)
		if (strlen(hub[i]) == n && memcmp(hub[i], d, n) == 0)
			return true;
	return false;
}

static int parse_fail(struct dfx_imageref *ref, const char **err, const char *msg)
{
	dfx_image_release(ref);
	if (err)
		*err = msg;
	return -1;
}

int dfx_image_parse(struct dfx_imageref *ref, const char *s, const char **err)
{
	size_t len, nlen;
	long at, slash, colon;
	const char *name;

	memset(ref, 0, sizeof(*ref));
	if (err)
		*err = NULL;
	if (!s)
		return parse_fail(ref, err, "empty image reference");
	len = strlen(s);
	while (len && is_blank((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && is_blank((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return parse_fail(ref, err, "empty image reference");
	ref->unresolved = memchr(s, '$', len) != NULL;

	/* 1. The digest goes first: it contains a ':'. */
	at = find_outside(s, len, '@', false);
	nlen = at < 0 ? len : (size_t)at;
	if (at >= 0) {
		const char *d = s + at + 1;
		size_t dn = len - (size_t)at - 1;

		if (!memchr(d, '$', dn) && !valid_digest(d, dn))
			return parse_fail(ref, err, "invalid digest (expected algorithm:hex)");
		ref->digest = dfx_xstrndup(d, dn);
	}

	/* 2. The tag is after the last ':' that follows the last '/'. */
	slash = find_outside(s, nlen, '/', true);
	colon = find_outside(s + (slash + 1), nlen - (size_t)(slash + 1), ':', true);
	if (colon >= 0) {
		const char *t = s + slash + 1 + colon + 1;
		size_t tn = nlen - (size_t)(slash + 1 + colon + 1);

		if (!memchr(t, '$', tn) && !valid_tag(t, tn))
			return parse_fail(ref, err, "invalid tag");
		ref->tag = dfx_xstrndup(t, tn);
		ref->has_tag = true;
		nlen = (size_t)(slash + 1 + colon);
	}
	if (nlen == 0)
		return parse_fail(ref, err, "empty image name");
	name = s;
	if (memchr(name, '$', nlen))
		return 0; /* the name itself is a variable: nothing more to know */

	if (nlen == 7 && strncasecmp(name, "scratch", 7) == 0 && !ref->has_tag && !ref->digest) {
		ref->scratch = true;
		ref->name = dfx_xstrdup("scratch");
		return 0;
	}

	/* 3. Registry: a first component with '.' or ':', "localhost", or upper case. */
	const char *first_end = memchr(name, '/', nlen);
	const char *path = name;
	size_t plen = nlen;
	bool hub = true;

	if (first_end) {
		size_t dn = (size_t)(first_end - name);
		bool domain = (dn == 9 && memcmp(name, "localhost", 9) == 0) ||
			      memchr(name, '.', dn) || memchr(name, ':', dn);

		for (size_t i = 0; i < dn && !domain; i++)
			domain = is_upper((unsigned char)name[i]);
		if (domain) {
			if (!valid_domain(name, dn))
				return parse_fail(ref, err, "invalid registry host");
			hub = is_hub(name, dn);
			ref->registry = hub ? dfx_xstrdup("docker.io") : dfx_xstrndup(name, dn);
			path = first_end + 1;
			plen = nlen - dn - 1;
		}
	}
	if (!ref->registry)
		ref->registry = dfx_xstrdup("docker.io");

	bool upper;

	if (!valid_path(path, plen, &upper))
		return parse_fail(ref, err,
				  upper ? "repository name must be lowercase" : "invalid repository name");

	/* 4. Docker Hub: single components live under library/. */
	if (hub && !memchr(path, '/', plen))
		ref->path = dfx_xasprintf("library/%.*s", (int)plen, path);
	else
		ref->path = dfx_xstrndup(path, plen);

	/* 5. Familiar name: no docker.io/, no library/ for one component. */
	if (hub) {
		const char *p = ref->path;

		if (strncmp(p, "library/", 8) == 0 && !strchr(p + 8, '/')) {
			ref->name = dfx_xstrdup(p + 8);
			ref->official = true;
		} else {
			ref->name = dfx_xstrdup(p);
		}
	} else {
		ref->name = dfx_xasprintf("%s/%s", ref->registry, ref->path);
	}
	ref->base = strrchr(ref->path, '/') ? strrchr(ref->path, '/') + 1 : ref->path;
	return 0;
}

void dfx_image_release(struct dfx_imageref *ref)
{
	if (!ref)
		return;
	free(ref->registry);
	free(ref->path);
	free(ref->name);
	free(ref->tag);
	free(ref->digest);
	memset(ref, 0, sizeof(*ref));
}

size_t dfx_image_ref_name_len(const char *ref)
{
	const char *slash = strrchr(ref, '/');
	const char *at = strchr(ref, '@');
	const char *last = slash ? slash : ref;
	const char *colon = strchr(last, ':');

	if (at && colon && colon > at)
		colon = NULL;
	if (colon)
		return (size_t)(colon - ref);
	if (at)
		return (size_t)(at - ref);
	return strlen(ref);
}

/* ------------------------------------------------------------------ the table in use */

/*
 * The end-of-life table the lookups read: the compiled-in one, or the one
 * dfx_image_eol_load() read (eoltable.c). Set before any check runs and
 * never changed while checks run.
 */
static struct {
	const struct dfx_tab_eol *rows;
	size_t n;
	int judged;        /* YYYYMMDD the supported column judges */
	char date[11];     /* "YYYY-MM-DD" of the data */
	bool loaded;       /* n is valid (the built-in count is not a constant expression) */
} eol = {dfx_tab_eol, 0, DFX_EOL_JUDGED_ON, DFX_EOL_DATA_DATE, false};

static size_t eol_count(void)
{
	return eol.loaded ? eol.n : dfx_tab_eol_n;
}

static void eol_index(void);

void dfx_eoltable_install(const struct dfx_tab_eol *rows, size_t n, int judged, const char *date)
{
	eol.rows = rows;
	eol.n = n;
	eol.judged = judged;
	snprintf(eol.date, sizeof(eol.date), "%s", date);
	eol.loaded = true;
	eol_index();
}

/* ------------------------------------------------------------------ table lookup */

/* eol.md section 5 step 2: the variant named by the tag text. */
static const char *tag_variant(const char *tag)
{
	if (strstr(tag, "alpine"))
		return "alpine";
	if (strstr(tag, "windowsservercore"))
		return "windowsservercore";
	if (strstr(tag, "nanoserver"))
		return "nanoserver";
	if (strstr(tag, "slim"))
		return "slim";
	return "default";
}

/* Whether `tag` matches one of the '|'-separated fnmatch globs. */
static bool patterns_match(const char *patterns, const char *tag)
{
	const char *p = patterns;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		char glob[256];

		if (n < sizeof(glob)) {
			memcpy(glob, p, n);
			glob[n] = '\0';
			if (fnmatch(glob, tag, 0) == 0)
				return true;
		}
		if (!bar)
			break;
		p = bar + 1;
	}
	return false;
}

/* The table's rows sorted by image, then row: the rows of one image are a
   binary search away. Built on first use, or when a table is installed
   (before any check runs); read-only afterwards, so threads share it. */
static size_t *eol_by_image;
static const struct dfx_tab_eol *eol_by_image_rows; /* the table it was built for */
static pthread_once_t eol_by_image_once = PTHREAD_ONCE_INIT;

static int cmp_row_image(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(eol.rows[x].image, eol.rows[y].image);

	return c ? c : x < y ? -1 : x > y;
}

static void eol_index(void)
{
	size_t n = eol_count();

	if (eol_by_image && eol_by_image_rows == eol.rows)
		return;
	free(eol_by_image);
	eol_by_image = dfx_xmalloc((n ? n : 1) * sizeof(*eol_by_image));
	for (size_t i = 0; i < n; i++)
		eol_by_image[i] = i;
	dfx_qsort(eol_by_image, n, sizeof(*eol_by_image), cmp_row_image);
	eol_by_image_rows = eol.rows;
}

/* Steps 3-4: first row for image/variant (or "any") whose patterns match. */
static long find_row_variant(const char *image, const char *tag, const char *variant)
{
	size_t a = 0, b = eol_count();

	pthread_once(&eol_by_image_once, eol_index);
	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (strcmp(eol.rows[eol_by_image[m]].image, image) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (size_t k = a; k < eol_count(); k++) {
		size_t i = eol_by_image[k];
		const struct dfx_tab_eol *r = &eol.rows[i];

		if (strcmp(r->image, image) != 0)
			break;
		if (strcmp(r->variant, variant) != 0 && strcmp(r->variant, "any") != 0)
			continue;
		if (patterns_match(r->patterns, tag))
			return (long)i;
	}
	return -1;
}

static long find_row(const char *image, const char *tag)
{
	const char *variant = tag_variant(tag);
	long row = find_row_variant(image, tag, variant);

	if (row < 0 && strcmp(variant, "default") != 0)
		row = find_row_variant(image, tag, "default");
	return row;
}

/* ------------------------------------------------------------------ replacements */

/* Leading version number of a cycle or tag ("v3.7" -> 3), or -1. */
static long leading_number(const char *s)
{
	long v = 0;

	if (*s == 'v')
		s++;
	if (!is_digit((unsigned char)*s))
		return -1;
	while (is_digit((unsigned char)*s) && v < 100000)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Whether `tok` (n bytes) is one of the `sep`-separated items of `list`. */
static bool in_list(const char *list, char sep, const char *tok, size_t n)
{
	const char *p = list;

	while (*p) {
		const char *end = strchr(p, sep);
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, tok, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

/* Whether `tok` is one of the '-'-separated segments of `tag`. */
static bool has_segment(const char *tag, const char *tok, size_t n)
{
	return in_list(tag, '-', tok, n);
}

/* Whether `tok` (n bytes) is in the comma list `list`. */
static bool in_comma_list(const char *list, const char *tok, size_t n)
{
	return in_list(list, ',', tok, n);
}

/*
 * Whether a token of the original tag after its version (`bullseye` and
 * `slim` of 20.18.1-bullseye-slim, `jre8` of 7-jre8, `alpine3.18`) is not a
 * segment of the new tag: the move would change the OS release or the
 * flavour the Dockerfile was written for (26-slim is Debian trixie).
 */
static bool lost_token(const char *orig, const char *tag)
{
	const char *p = strchr(orig, '-');

	if (!p || !is_digit((unsigned char)orig[0]))
		return false;
	while (p) {
		const char *t = p + 1;
		size_t n;

		p = strchr(t, '-');
		n = p ? (size_t)(p - t) : strlen(t);
		if (n && !has_segment(tag, t, n))
			return true;
	}
	return false;
}

/*
 * eol.md section 5 step 6: carry the flavour tokens of the original tag
 * (those in the row's list) into the replacement tag, after its first
 * '-' segment (after_version) or at its end (at_end). Suite and Alpine pins
 * are not in any list, so they are dropped. With exact_at_end (tags that
 * are version-os-variants-arch, .NET's 8.0-noble-chiseled-extra-amd64)
 * every segment after the version must be carried: one that is not sets
 * *partial, and an Alpine pin in the list takes the place of the new tag's
 * `alpine` segment (10.0-alpine -> 10.0-alpine3.23). False when it does not
 * fit.
 */
static bool carry_tokens(const char *carry, const char *orig, char *tag, size_t size, bool *partial)
{
	const char *list;
	bool at_end, exact, first = true;
	struct dfx_buf add = DFX_BUF_INIT, out = DFX_BUF_INIT, pin = DFX_BUF_INIT;
	bool ok = true;

	if (!carry || !*carry || !orig)
		return true;
	exact = strncmp(carry, "exact_at_end:", 13) == 0;
	at_end = exact || strncmp(carry, "at_end:", 7) == 0;
	list = strchr(carry, ':');
	if (!list)
		return true;
	list++;
	for (const char *p = orig; *p; first = false) {
		const char *dash = strchr(p, '-');
		size_t n = dash ? (size_t)(dash - p) : strlen(p);

		if (n && in_comma_list(list, p, n) && !has_segment(tag, p, n)) {
			if (exact && n > 6 && !strncmp(p, "alpine", 6) && has_segment(tag, "alpine", 6) && !pin.len) {
				dfx_buf_add(&pin, p, n);
			} else {
				dfx_buf_addc(&add, '-');
				dfx_buf_add(&add, p, n);
			}
		} else if (exact && !first && n && !has_segment(tag, p, n)) {
			*partial = true;
		}
		if (!dash)
			break;
		p = dash + 1;
	}
	if (pin.len) {
		/* the new tag's `alpine` segment becomes the pin */
		for (const char *p = tag;;) {
			const char *dash = strchr(p, '-');
			size_t n = dash ? (size_t)(dash - p) : strlen(p);

			if (p != tag)
				dfx_buf_addc(&out, '-');
			if (n == 6 && !strncmp(p, "alpine", 6))
				dfx_buf_add(&out, pin.ptr, pin.len);
			else
				dfx_buf_add(&out, p, n);
			if (!dash)
				break;
			p = dash + 1;
		}
		ok = out.len < size;
		if (ok)
			memcpy(tag, out.ptr, out.len + 1);
		dfx_buf_release(&out);
	}
	if (ok && add.len) {
		const char *dash = strchr(tag, '-');

		if (at_end || !dash) {
			dfx_buf_adds(&out, tag);
			dfx_buf_add(&out, add.ptr, add.len);
		} else {
			dfx_buf_add(&out, tag, (size_t)(dash - tag));
			dfx_buf_add(&out, add.ptr, add.len);
			dfx_buf_adds(&out, dash);
		}
		ok = out.len < size;
		if (ok)
			memcpy(tag, out.ptr, out.len + 1);
	}
	dfx_buf_release(&add);
	dfx_buf_release(&out);
	dfx_buf_release(&pin);
	return ok;
}

static void suggestion_text(struct dfx_image_suggestion *sg)
{
	if (sg->tag[0])
		snprintf(sg->text, sizeof(sg->text), "%s:%s", sg->image, sg->tag);
	else
		snprintf(sg->text, sizeof(sg->text), "%s", sg->image);
}

/*
 * Build a suggestion from a table value (rec or min) for row r and the
 * original tag: "26-alpine" (a tag), "eclipse-temurin:25" (image:tag), or
 * "hashicorp/consul" (a bare image: keep the version, change the repo).
 */
static bool make_suggestion(const struct dfx_tab_eol *r, const char *value, const char *orig,
			    struct dfx_image_suggestion *sg)
{
	const char *colon = strchr(value, ':');
	bool bare = false;

	memset(sg, 0, sizeof(*sg));
	if (!*value)
		return false;
	if (colon) {
		size_t n = (size_t)(colon - value);

		if (n >= sizeof(sg->image) || !copy(sg->tag, sizeof(sg->tag), colon + 1))
			return false;
		memcpy(sg->image, value, n);
		sg->image[n] = '\0';
	} else if (strchr(value, '/') || (r->flags & DFX_TAB_EOL_DEPRECATED)) {
		bare = true;
		if (!copy(sg->image, sizeof(sg->image), value) ||
		    !copy(sg->tag, sizeof(sg->tag), orig && strcmp(orig, "latest") ? orig : ""))
			return false;
	} else {
		if (!copy(sg->image, sizeof(sg->image), r->image) ||
		    !copy(sg->tag, sizeof(sg->tag), value))
			return false;
	}
	if (!bare && !carry_tokens(r->carry, orig, sg->tag, sizeof(sg->tag), &sg->partial))
		return false;
	if (!bare && orig && lost_token(orig, sg->tag))
		sg->partial = true;
	sg->image_changes = strcmp(sg->image, r->image) != 0;
	if (!bare && ((r->flags & DFX_TAB_EOL_MAJOR) || strchr(r->cycle, '.'))) {
		long a = leading_number(r->cycle), b = leading_number(sg->tag);

		sg->major_jump = a >= 0 && b >= 0 && a != b;
	}
	suggestion_text(sg);
	return true;
}

/* A suggestion that lands in the very row it replaces suggests nothing. */
static bool same_row(const struct dfx_image_suggestion *sg, long row)
{
	return !sg->image_changes && sg->tag[0] &&
	       find_row(eol.rows[row].image, sg->tag) == row;
}

/* The facts of table row `r` that both end-of-life lookups report. */
static void eol_row(struct dfx_eol_result *out, const struct dfx_tab_eol *r, const char *variant)
{
	out->image = r->image;
	out->product = r->product[0] ? r->product : r->image;
	out->cycle = r->cycle;
	out->variant = variant;
	out->eol_date = r->eol;
	out->ext_support_end = r->ext_end;
}

int dfx_image_eol(const struct dfx_imageref *ref, int as_of, struct dfx_eol_result *out)
{
	const struct dfx_tab_eol *r;
	const char *tag;
	long row;
	bool expired;

	memset(out, 0, sizeof(*out));
	if (!ref || !ref->name || ref->scratch || ref->unresolved)
		return DFX_EOL_UNKNOWN;
	if (ref->has_tag)
		tag = ref->tag;
	else if (ref->digest)
		return DFX_EOL_UNKNOWN; /* digest only: cannot be classified */
	else
		tag = "latest";
	row = find_row(ref->name, tag);
	if (row < 0)
		return DFX_EOL_UNKNOWN;
	r = &eol.rows[row];
	if (as_of <= 0)
		as_of = eol.judged;
	eol_row(out, r, tag_variant(tag));
	out->floating = r->flags & DFX_TAB_EOL_FLOATING;
	out->deprecated = r->flags &
			  (DFX_TAB_EOL_DEPRECATED | DFX_TAB_EOL_STALE | DFX_TAB_EOL_IMAGE_DEPRECATED);
	out->derived = r->flags & DFX_TAB_EOL_DERIVED;
	out->os_image = r->flags & DFX_TAB_EOL_OS;

	if (out->deprecated || r->eol < 0)
		expired = true;
	else if (r->eol == 0)
		expired = false;
	else
		expired = r->eol <= as_of;

	out->has_rec = make_suggestion(r, r->rec, tag, &out->rec) && !same_row(&out->rec, row);
	out->has_min = make_suggestion(r, r->min, tag, &out->min) && !same_row(&out->min, row);
	if (!out->has_rec)
		memset(&out->rec, 0, sizeof(out->rec));
	if (!out->has_min)
		memset(&out->min, 0, sizeof(out->min));
	if (out->has_rec && (strcmp(out->variant, "windowsservercore") == 0 ||
			     strcmp(out->variant, "nanoserver") == 0))
		out->windows_fallback = !strstr(out->rec.tag, out->variant);
	/* a Windows tag is only suggested: its suffix (ltsc2016, 1809) is the
	   host Windows version the image needs, which the new tag may change */
	out->suggest_only = out->os_image || out->windows_fallback || strcmp(out->variant, "windowsservercore") == 0 ||
			    strcmp(out->variant, "nanoserver") == 0 ||
			    (out->has_rec && (out->rec.image_changes || out->rec.major_jump || out->rec.partial));
	return expired ? DFX_EOL_EXPIRED : DFX_EOL_SUPPORTED;
}

/* ------------------------------------------------------------------ pinning */

/* The first cycle row (not floating or deprecated) of image for variant. */
static const struct dfx_tab_eol *first_cycle_row(const char *name, const char *variant)
{
	for (size_t i = 0; i < eol_count(); i++) {
		const struct dfx_tab_eol *r = &eol.rows[i];

		if (strcmp(r->image, name) != 0 || strcmp(r->variant, variant) != 0)
			continue;
		if (r->flags & (DFX_TAB_EOL_FLOATING | DFX_TAB_EOL_DEPRECATED))
			continue;
		if (r->rec[0])
			return r;
	}
	return NULL;
}

const char *dfx_image_recommended_tag(const char *name, const char *variant)
{
	const struct dfx_tab_eol *r;

	if (!name)
		return NULL;
	if (!variant)
		variant = "default";
	r = first_cycle_row(name, variant);
	if (!r && strcmp(variant, "default") != 0)
		r = first_cycle_row(name, "default");
	return r ? r->rec : NULL;
}

bool dfx_image_pin(const struct dfx_imageref *ref, struct dfx_image_suggestion *out)
{
	const char *tag, *variant;
	const struct dfx_tab_eol *r;

	memset(out, 0, sizeof(*out));
	if (!ref || !ref->name || ref->scratch || ref->unresolved)
		return false;
	tag = ref->has_tag ? ref->tag : "latest";
	variant = tag_variant(tag);
	r = first_cycle_row(ref->name, variant);
	if (!r && strcmp(variant, "default") != 0)
		r = first_cycle_row(ref->name, "default");
	if (!r)
		return false;
	return make_suggestion(r, r->rec, tag, out);
}

/* ------------------------------------------------------------------ distro suites */

/*
 * The operating-system cycle named inside a tag: a Debian or Ubuntu
 * codename segment ("-buster", "-jammy") or an Alpine pin ("-alpine3.12"),
 * looked up in the debian, ubuntu and alpine rows of the table.
 */
static long suite_row(const char *seg, size_t n, const char **os)
{
	static const char *const oses[] = {"debian", "ubuntu"};
	char word[64];
	long row;

	if (n >= sizeof(word))
		return -1;
	memcpy(word, seg, n);
	word[n] = '\0';
	if (n > 6 && strncmp(word, "alpine", 6) == 0 && is_digit((unsigned char)word[6])) {
		*os = "alpine";
		row = find_row("alpine", word + 6);
		return row >= 0 && !(eol.rows[row].flags & DFX_TAB_EOL_FLOATING) ? row : -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!is_lower((unsigned char)word[i]))
			return -1;
	for (size_t i = 0; i < sizeof(oses) / sizeof(oses[0]); i++) {
		row = find_row(oses[i], word);
		if (row >= 0 && !(eol.rows[row].flags & DFX_TAB_EOL_FLOATING)) {
			*os = oses[i];
			return row;
		}
	}
	return -1;
}

int dfx_image_suite_eol(const struct dfx_imageref *ref, int as_of, struct dfx_eol_result *out)
{
	const struct dfx_tab_eol *r;
	const char *os = NULL;
	long row = -1;

	memset(out, 0, sizeof(*out));
	if (!ref || !ref->name || ref->unresolved || !ref->has_tag)
		return DFX_EOL_UNKNOWN;
	if (!ref->official && find_row(ref->name, "latest") < 0 && first_cycle_row(ref->name, "default") == NULL)
		return DFX_EOL_UNKNOWN; /* only images the table knows name their suites reliably */
	if (!strcmp(ref->name, "debian") || !strcmp(ref->name, "ubuntu") || !strcmp(ref->name, "alpine"))
		return DFX_EOL_UNKNOWN; /* their own tags are the main lookup's business */
	for (const char *p = ref->tag; *p && row < 0;) {
		const char *dash = strchr(p, '-');
		size_t n = dash ? (size_t)(dash - p) : strlen(p);

		row = suite_row(p, n, &os);
		if (!dash)
			break;
		p = dash + 1;
	}
	if (row < 0)
		return DFX_EOL_UNKNOWN;
	r = &eol.rows[row];
	if (as_of <= 0)
		as_of = eol.judged;
	eol_row(out, r, "default");
	out->derived = r->flags & DFX_TAB_EOL_DERIVED;
	out->os_image = true;
	out->suggest_only = true;
	out->has_rec = make_suggestion(r, r->rec, NULL, &out->rec) && !same_row(&out->rec, row);
	if (!out->has_rec)
		memset(&out->rec, 0, sizeof(out->rec));
	if (r->eol < 0 || (r->eol > 0 && r->eol <= as_of))
		return DFX_EOL_EXPIRED;
	return DFX_EOL_SUPPORTED;
}

/* ------------------------------------------------------------------ slim */

static const struct dfx_tab_slim *slim_entry(const char *name)
{
	for (size_t i = 0; i < dfx_tab_slim_n; i++)
		if (strcmp(dfx_tab_slim[i].image, name) == 0)
			return &dfx_tab_slim[i];
	return NULL;
}

/* Whether the table has a slim row for image and cycle. */
static bool cycle_has_slim(const struct dfx_tab_eol *r)
{
	for (size_t i = 0; i < eol_count(); i++) {
		const struct dfx_tab_eol *s = &eol.rows[i];

		if (strcmp(s->image, r->image) == 0 && strcmp(s->cycle, r->cycle) == 0 &&
		    strcmp(s->variant, "slim") == 0)
			return true;
	}
	return false;
}

bool dfx_image_slim(const struct dfx_imageref *ref, struct dfx_image_suggestion *out)
{
	const struct dfx_tab_slim *sl;
	const struct dfx_tab_eol *r;
	const char *tag;
	char slim[DFX_IMAGE_TAG_MAX];
	long row;
	int n;

	memset(out, 0, sizeof(*out));
	if (!ref || !ref->name || ref->scratch || ref->unresolved || (!ref->has_tag && ref->digest))
		return false;
	sl = slim_entry(ref->name);
	if (!sl)
		return false;
	tag = ref->has_tag ? ref->tag : "latest";
	if (strcmp(tag_variant(tag), "default") != 0 || strstr(tag, "onbuild") ||
	    strstr(tag, "backports") || strstr(tag, "rc") || strstr(tag, "beta") ||
	    strstr(tag, "alpha"))
		return false;
	row = find_row(ref->name, tag);
	if (row < 0)
		return false;
	r = &eol.rows[row];
	if (r->flags & (DFX_TAB_EOL_DEPRECATED | DFX_TAB_EOL_STALE))
		return false;

	if (strcmp(tag, "latest") == 0) {
		n = snprintf(slim, sizeof(slim), "%s", sl->latest);
	} else if (!sl->after_version) {
		n = snprintf(slim, sizeof(slim), "%s-slim", tag);
	} else if (is_digit((unsigned char)tag[0])) {
		const char *dash = strchr(tag, '-');

		if (dash)
			n = snprintf(slim, sizeof(slim), "%.*s-slim%s", (int)(dash - tag), tag, dash);
		else
			n = snprintf(slim, sizeof(slim), "%s-slim", tag);
	} else {
		n = snprintf(slim, sizeof(slim), "slim-%s", tag);
	}
	if (n < 0 || (size_t)n >= sizeof(slim))
		return false;

	/* A floating row lists its tags: the slim one must be among them. A
	   cycle row must have a slim sibling for the same cycle. */
	if (r->flags & DFX_TAB_EOL_FLOATING) {
		if (!patterns_match(r->patterns, slim))
			return false;
	} else if (!cycle_has_slim(r)) {
		return false;
	}
	copy(out->image, sizeof(out->image), ref->name);
	copy(out->tag, sizeof(out->tag), slim);
	suggestion_text(out);
	return true;
}

/* ------------------------------------------------------------------ data date */

const char *dfx_image_eol_data_date(void)
{
	return eol.date;
}

int dfx_image_eol_judged_on(void)
{
	return eol.judged;
}

bool dfx_image_eol_loaded(void)
{
	return eol.loaded;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (civil calendar). */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The data date as YYYYMMDD ("YYYY-MM-DD", checked when the table was made or read). */
static int data_date_int(void)
{
	const char *d = eol.date;
	int v = 0;

	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7)
			v = v * 10 + (d[i] - '0');
	return v;
}

int dfx_image_eol_data_age(int today)
{
	int d = data_date_int();

	return (int)(days_from_civil(today / 10000, today / 100 % 100, today % 100) -
		     days_from_civil(d / 10000, d / 100 % 100, d % 100));
}

bool dfx_image_eol_stale(int today)
{
	int d = data_date_int(), y = d / 10000, m = d / 100 % 100 + 6, day = d % 100;

	if (m > 12) {
		m -= 12;
		y++;
	}
	/* six calendar months later; a day past the month's end is its last day */
	if (day > 28) {
		static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));

		if (day > last)
			day = last;
	}
	return today > y * 10000 + m * 100 + day;
}

/* ------------------------------------------------------------------ versions beyond the table */

/* Up to 4 leading dotted numbers of s ("27.1-alpine" -> 27 1); their count. */
static int version_parts(const char *s, long v[4])
{
	int n = 0;

	if (*s == 'v')
		s++;
	while (n < 4 && is_digit((unsigned char)*s)) {
		long x = 0;

		while (is_digit((unsigned char)*s) && x < 1000000)
			x = x * 10 + (*s++ - '0');
		v[n++] = x;
		if (*s != '.' || !is_digit((unsigned char)s[1]))
			break;
		s++;
	}
	return n;
}

/* Compare the first `n` parts (missing parts are 0). */
static int version_cmp(const long *a, int na, const long *b, int nb, int n)
{
	for (int i = 0; i < n; i++) {
		long x = i < na ? a[i] : 0, y = i < nb ? b[i] : 0;

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

bool dfx_image_eol_newer(const struct dfx_imageref *ref, struct dfx_eol_result *out)
{
	const struct dfx_tab_eol *newest = NULL;
	long tv[4], nv[4] = {0};
	int tn, nn = 0;

	memset(out, 0, sizeof(*out));
	if (!ref || !ref->name || ref->scratch || ref->unresolved || !ref->has_tag)
		return false;
	tn = version_parts(ref->tag, tv);
	if (tn == 0 || find_row(ref->name, ref->tag) >= 0)
		return false;
	for (size_t i = 0; i < eol_count(); i++) {
		const struct dfx_tab_eol *r = &eol.rows[i];
		long cv[4];
		int cn;

		if (strcmp(r->image, ref->name) != 0 ||
		    (r->flags & (DFX_TAB_EOL_FLOATING | DFX_TAB_EOL_ALIAS | DFX_TAB_EOL_DEPRECATED)))
			continue;
		cn = version_parts(r->cycle, cv);
		if (cn && (!newest || version_cmp(cv, cn, nv, nn, 4) > 0)) {
			newest = r;
			memcpy(nv, cv, sizeof(nv));
			nn = cn;
		}
	}
	/* compared at the cycle's precision (python 3.15.1 against 3.14); a
	   first number far beyond the newest cycle is a build number or a date */
	if (!newest || version_cmp(tv, tn, nv, nn, nn) <= 0 || tv[0] > nv[0] + 5)
		return false;
	eol_row(out, newest, tag_variant(ref->tag));
	out->os_image = newest->flags & DFX_TAB_EOL_OS;
	return true;
}

/* ------------------------------------------------------------------ floating tags */

enum dfx_tag_channel dfx_image_tag_channel(const char *tag)
{
	const struct dfx_tab_floating *hit = NULL;
	size_t n;

	if (!tag || !*tag)
		return DFX_TAG_VERSION;
	n = strcspn(tag, "-");
	for (size_t i = 0; i < dfx_tab_floating_tags_n && !hit; i++)
		if (strlen(dfx_tab_floating_tags[i].word) == n && !strncmp(dfx_tab_floating_tags[i].word, tag, n))
			hit = &dfx_tab_floating_tags[i];
	if (!hit)
		return DFX_TAG_VERSION;
	/* a dated or versioned snapshot of the channel is pinned: stable-20260803, edge-3.21, stable-v0.35.5 */
	for (const char *p = tag + n; *p; p++)
		if (*p == '-' && (is_digit((unsigned char)p[1]) || (p[1] == 'v' && is_digit((unsigned char)p[2]))))
			return DFX_TAG_VERSION;
	return hit->development ? DFX_TAG_DEVELOPMENT : DFX_TAG_RELEASE;
}

bool dfx_image_tag_floating(const char *tag)
{
	return dfx_image_tag_channel(tag) != DFX_TAG_VERSION;
}

/* ------------------------------------------------------------------ trust */

/*
 * Docker Official Images under another name: the per-architecture
 * namespaces the official images are published to (arm64v8/debian) and
 * the official mirrors (mirror.gcr.io/library, public.ecr.aws/docker/library).
 */
static bool official_alias(const struct dfx_imageref *ref)
{
	static const char *const arch[] = {"amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386", "mips64le",
					   "ppc64le", "riscv64", "s390x", "windows-amd64", NULL};
	const char *slash;

	if (!strcmp(ref->registry, "mirror.gcr.io")) /* the Docker Hub mirror: library/ is implied */
		return !strchr(ref->path, '/') || (!strncmp(ref->path, "library/", 8) && !strchr(ref->path + 8, '/'));
	if (!strcmp(ref->registry, "public.ecr.aws"))
		return !strncmp(ref->path, "docker/library/", 15) && !strchr(ref->path + 15, '/');
	if (strcmp(ref->registry, "docker.io") != 0)
		return false;
	slash = strchr(ref->path, '/');
	if (!slash || strchr(slash + 1, '/'))
		return false;
	for (size_t k = 0; arch[k]; k++)
		if (strlen(arch[k]) == (size_t)(slash - ref->path) && !strncmp(ref->path, arch[k], strlen(arch[k])))
			return true;
	return false;
}

bool dfx_image_official(const struct dfx_imageref *ref)
{
	return ref && ref->registry && ref->path && (ref->official || official_alias(ref));
}

/* Length of entry `e` when `cand` ("docker.io/bitnami/redis") is under it, else 0. */
static size_t under(const char *cand, const char *e)
{
	size_t n = strlen(e);

	while (n && e[n - 1] == '/')
		n--;
	if (!n || strncasecmp(cand, e, n) != 0)
		return 0;
	return cand[n] == '\0' || cand[n] == '/' || cand[n] == ':' || cand[n] == '@' ? n : 0;
}

/* How specifically entry `e` matches ref (its length), 0 when it does not. */
static size_t entry_match(const struct dfx_imageref *ref, const char *full, const char *e)
{
	size_t a, b;

	if (!strncmp(e, "*.", 2)) {
		size_t rl = strlen(ref->registry), el = strlen(e + 1);

		return (rl > el && !strcasecmp(ref->registry + rl - el, e + 1)) || !strcasecmp(ref->registry, e + 2)
			       ? el
			       : 0;
	}
	a = under(full, e);
	b = ref->name ? under(ref->name, e) : 0;
	return a > b ? a : b;
}

static size_t best_match(const struct dfx_imageref *ref, const char *full, char *const *v, size_t n)
{
	size_t best = 0;

	for (size_t i = 0; i < n; i++) {
		size_t m = entry_match(ref, full, v[i]);

		if (m > best)
			best = m;
	}
	return best;
}

enum dfx_image_trust dfx_image_trust(const struct dfx_imageref *ref, const struct dfx_trust_lists *lists,
				     const char **reason)
{
	size_t user = 0, builtin = 0, distrust = 0;
	long builtin_row = -1;
	char *full;

	if (reason)
		*reason = NULL;
	if (!ref || !ref->registry || !ref->path) /* no name, or a variable in it */
		return DFX_TRUST_NONE;
	if (ref->official || official_alias(ref))
		return DFX_TRUST_OFFICIAL;
	full = dfx_xasprintf("%s/%s", ref->registry, ref->path);
	if (lists) {
		user = best_match(ref, full, lists->trusted, lists->ntrusted);
		distrust = best_match(ref, full, lists->untrusted, lists->nuntrusted);
	}
	for (size_t i = 0; i < dfx_tab_trusted_n; i++) {
		size_t m = entry_match(ref, full, dfx_tab_trusted[i].entry);

		if (m > builtin) {
			builtin = m;
			builtin_row = (long)i;
		}
	}
	free(full);
	/* the most specific entry decides; on a tie, distrust wins */
	if (user > distrust && user >= builtin)
		return DFX_TRUST_CONFIG;
	if (builtin > distrust) {
		if (reason)
			*reason = dfx_tab_trusted[builtin_row].reason;
		return DFX_TRUST_BUILTIN;
	}
	return DFX_TRUST_NONE;
}

/* ------------------------------------------------------------------ image patterns */

/*
 * The convention of db-images.tsv, file-env.tsv and image-behaviour.tsv: a
 * pattern without '/' is compared with the last path component on any
 * registry, one with '/' is an fnmatch glob on the familiar name. A
 * variable in the tag does not matter here (postgres:${PG_VERSION}).
 */
bool dfx_image_match(const char *pattern, const struct dfx_imageref *ref)
{
	if (!ref || !ref->name || !ref->path)
		return false;
	if (!strchr(pattern, '/'))
		return fnmatch(pattern, ref->base, 0) == 0;
	return fnmatch(pattern, ref->name, 0) == 0;
}

const char *dfx_db_image_kind(const struct dfx_imageref *ref)
{
	for (size_t i = 0; i < dfx_tab_db_images_n; i++)
		if (dfx_image_match(dfx_tab_db_images[i].pattern, ref))
			return dfx_tab_db_images[i].kind;
	return NULL;
}

bool dfx_db_image(const struct dfx_imageref *ref)
{
	return dfx_db_image_kind(ref) != NULL;
}

const char *dfx_db_port_service(unsigned port)
{
	for (size_t i = 0; i < dfx_tab_db_ports_n; i++)
		if (dfx_tab_db_ports[i].port == port)
			return dfx_tab_db_ports[i].service;
	return NULL;
}

bool dfx_db_port(unsigned port)
{
	return dfx_db_port_service(port) != NULL;
}

const char *dfx_image_file_suffix(const struct dfx_imageref *ref, const char *var)
{
	size_t n;

	if (!var || !*var)
		return NULL;
	n = strlen(var);
	if (n >= 5 && strcmp(var + n - 5, "_FILE") == 0)
		return NULL; /* already a file variable */
	for (size_t i = 0; i < dfx_tab_file_env_n; i++) {
		const struct dfx_tab_file_env *f = &dfx_tab_file_env[i];

		if (dfx_image_match(f->image, ref) && fnmatch(f->var, var, 0) == 0)
			return f->suffix;
	}
	return NULL;
}

char *dfx_image_file_var(const struct dfx_imageref *ref, const char *var)
{
	const char *suffix = dfx_image_file_suffix(ref, var);

	return suffix ? dfx_xasprintf("%s%s", var, suffix) : NULL;
}

const char *dfx_image_default_user(const struct dfx_imageref *ref)
{
	const struct dfx_imagebehaviour *b = dfx_imagebehaviour_lookup(ref);

	return dfx_imagebehaviour_nonroot_default(b) ? b->user : NULL;
}

bool dfx_image_nonroot(const struct dfx_imageref *ref)
{
	return dfx_image_default_user(ref) != NULL;
}
