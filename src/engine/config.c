/*
 * config.c - reads `.dockfix.yaml` (README "Configuration") over the span
 * tree of src/parse/yamltree.c, so that every error has its own line and
 * column. The file is a small mapping:
 *
 *   ignore: [DF302, DC202]          # codes or prefixes
 *   select: [DF, DC2]
 *   severity: {DF304: medium}
 *   trusted-registries: [registry.example.com, ghcr.io/acme]
 *   untrusted-registries: [quay.io/libpod]   # built-in entries not to trust
 *   fail-on: high
 *   unsafe-fixes: false
 *   exclude: [tests/fixtures/, "*.generated.Dockerfile"]
 *   per-file-ignores: {"legacy/": [DF201], "Dockerfile.dev": [DF2]}
 *
 * Patterns (exclude, per-file-ignores) are gitignore(5) patterns relative
 * to the folder of the file, as ruff's `exclude` and `per-file-ignores` are
 * relative to its project root. A `.hadolint.yaml` (or `.yml`) in the same
 * folder (or, without a `.dockfix.yaml`, the first one found upward from
 * the first PATH, at most up to the repository root) is read too: its
 * `ignored`, `trustedRegistries` and `override` keys, for the rules with a
 * dockfix equivalent (compat.c; hadolint README "Configure").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockfix/compat.h"
#include "dockfix/config.h"
#include "dockfix/ignore.h"
#include "dockfix/yamltree.h"

/* ------------------------------------------------------------------ lookups */

void dfx_config_init(struct dfx_config *c)
{
	memset(c, 0, sizeof(*c));
	c->fail_on = DFX_SEV_MEDIUM; /* low findings are hardening advice: reported, not failing */
	c->as_of = 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_matcher(struct dfx_ignore *ig)
{
	if (ig) {
		dfx_ignore_release(ig);
		free(ig);
	}
}

void dfx_config_release(struct dfx_config *c)
{
	free(c->path);
	free(c->root);
	free(c->hadolint);
	free_strv(c->ignore, c->nignore);
	free_strv(c->select, c->nselect);
	free_strv(c->trusted, c->ntrusted);
	free_strv(c->untrusted, c->nuntrusted);
	for (size_t i = 0; i < c->nsevs; i++)
		free(c->sevs[i].code);
	free(c->sevs);
	free_matcher(c->exclude);
	for (size_t i = 0; i < c->npfi; i++) {
		free(c->pfi[i].glob);
		free_matcher(c->pfi[i].match);
		free_strv(c->pfi[i].codes, c->pfi[i].ncodes);
	}
	free(c->pfi);
	memset(c, 0, sizeof(*c));
}

/* A code matches a selector equal to it, or a prefix selector ("DF1", "DC"). */
static bool code_matches(char *const *v, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(code, v[i], strlen(v[i])) == 0)
			return true;
	return false;
}

bool dfx_config_enabled(const struct dfx_config *c, const char *code)
{
	if (!c)
		return true;
	if (c->nselect && !code_matches(c->select, c->nselect, code))
		return false;
	return !code_matches(c->ignore, c->nignore, code);
}

enum dfx_severity dfx_config_severity(const struct dfx_config *c, const struct dfx_rule *r)
{
	for (size_t i = 0; c && i < c->nsevs; i++)
		if (strcmp(c->sevs[i].code, r->code) == 0)
			return c->sevs[i].severity;
	return r->severity;
}

char *dfx_config_relpath(const struct dfx_config *c, const char *path)
{
	char *abs, *clean, *rel = NULL;
	size_t n;

	if (!c || !c->root || !path)
		return NULL;
	if (path[0] == '/') {
		abs = dfx_xstrdup(path);
	} else {
		char *cwd = getcwd(NULL, 0);

		if (!cwd)
			return NULL;
		abs = dfx_path_join(cwd, path);
		free(cwd);
	}
	clean = dfx_path_clean(abs);
	n = strlen(c->root);
	if (!strcmp(c->root, "/"))
		rel = dfx_xstrdup(clean + 1);
	else if (!strncmp(clean, c->root, n) && clean[n] == '/')
		rel = dfx_xstrdup(clean + n + 1);
	free(abs);
	free(clean);
	return rel;
}

bool dfx_config_enabled_at(const struct dfx_config *c, const char *rel, const char *code)
{
	if (!c || !rel)
		return true;
	for (size_t i = 0; i < c->npfi; i++)
		if (code_matches(c->pfi[i].codes, c->pfi[i].ncodes, code) &&
		    dfx_ignore_match(c->pfi[i].match, rel, false))
			return false;
	return true;
}

bool dfx_config_excluded(const struct dfx_config *c, const char *rel, bool is_dir)
{
	return c && c->exclude && rel && *rel && dfx_ignore_match_entry(c->exclude, rel, is_dir);
}

bool dfx_rule_prefix(const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; n && i < dfx_nrules; i++)
		if (strncmp(dfx_rules[i]->code, prefix, n) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ reading */

struct cfgparse {
	const struct dfx_source *src;
	struct dfx_yaml *t;
	struct dfx_error *err;
};

static int fail(struct cfgparse *p, const struct dfx_yaml_node *n, const char *fmt, ...) DFX_PRINTF(3, 4);

static int fail(struct cfgparse *p, const struct dfx_yaml_node *n, const char *fmt, ...)
{
	struct dfx_buf b = DFX_BUF_INIT;
	unsigned line = 1, col = 1;
	va_list ap;

	if (n)
		dfx_source_linecol(p->src, n->tok.start, &line, &col);
	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	dfx_error_set(p->err, p->src->path, line, col, "%s", b.ptr);
	dfx_buf_release(&b);
	return -1;
}

static char *text_of(const struct dfx_yaml_node *n)
{
	return dfx_xstrndup(n->value ? n->value : "", n->value ? n->vlen : 0);
}

static bool is_string(const struct dfx_yaml_node *n)
{
	return n && n->type == DFX_YAML_SCALAR && !dfx_yaml_is_null(n);
}

enum check { ANY, CODES };

/* A string or a list of strings (codes or prefixes when `what` is CODES). */
static int read_list(struct cfgparse *p, const char *key, const struct dfx_yaml_node *n, enum check what,
		     char ***v, size_t *cnt)
{
	size_t cap = *cnt, len;

	n = dfx_yaml_resolve(n);
	if (n && n->type == DFX_YAML_SEQUENCE)
		len = dfx_yaml_seq_len(n);
	else if (is_string(n))
		len = 1;
	else
		return fail(p, n, "%s: expected a list of strings", key);
	for (size_t i = 0; i < len; i++) {
		const struct dfx_yaml_node *it = n->type == DFX_YAML_SEQUENCE ? dfx_yaml_seq_item(n, i) : n;
		char *s;

		if (!is_string(it))
			return fail(p, it ? it : n, "%s: expected a list of strings", key);
		s = text_of(it);
		if (what == CODES && !dfx_rule_find(s) && !dfx_rule_prefix(s)) {
			fail(p, it, "%s: unknown rule '%s'", key, s);
			free(s);
			return -1;
		}
		DFX_GROW(*v, *cnt + 1, cap);
		(*v)[(*cnt)++] = s;
	}
	return 0;
}

static int read_scalar(struct cfgparse *p, const char *key, const struct dfx_yaml_node *n, char **out)
{
	n = dfx_yaml_resolve(n);
	if (!is_string(n))
		return fail(p, n, "%s: expected a single value", key);
	*out = text_of(n);
	return 0;
}

static int read_severity(struct cfgparse *p, const struct dfx_yaml_node *n, struct dfx_config *c)
{
	size_t cap = c->nsevs;

	n = dfx_yaml_resolve(n);
	if (!n || n->type != DFX_YAML_MAPPING)
		return fail(p, n, "severity: expected a mapping of CODE: severity");
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *k = n->pairs[i].key, *v = dfx_yaml_resolve(n->pairs[i].value);
		enum dfx_severity s;
		char *code, *sev = NULL;

		if (!is_string(k))
			return fail(p, k, "severity: expected CODE: severity");
		code = text_of(k);
		if (!dfx_rule_find(code)) {
			fail(p, k, "severity: unknown rule '%s'", code);
			free(code);
			return -1;
		}
		if (read_scalar(p, "severity", v, &sev) != 0) {
			free(code);
			return -1;
		}
		if (dfx_severity_parse(sev, &s) != 0 || s == DFX_SEV_NONE) {
			fail(p, v, "severity: unknown severity '%s' (critical, high, medium, low)", sev);
			free(sev);
			free(code);
			return -1;
		}
		free(sev);
		DFX_GROW(c->sevs, c->nsevs + 1, cap);
		c->sevs[c->nsevs].code = code;
		c->sevs[c->nsevs++].severity = s;
	}
	return 0;
}

static struct dfx_ignore *matcher(char *const *pats, size_t n)
{
	struct dfx_ignore *ig = dfx_xcalloc(1, sizeof(*ig));
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; i < n; i++)
		dfx_buf_addf(&b, "%s\n", pats[i]);
	dfx_ignore_parse(ig, DFX_IGNORE_GIT, b.ptr ? b.ptr : "", b.len);
	dfx_buf_release(&b);
	return ig;
}

static int read_exclude(struct cfgparse *p, const struct dfx_yaml_node *n, struct dfx_config *c)
{
	char **v = NULL;
	size_t cnt = 0;
	int rc = read_list(p, "exclude", n, ANY, &v, &cnt);

	if (rc == 0) {
		free_matcher(c->exclude);
		c->exclude = matcher(v, cnt);
	}
	free_strv(v, cnt);
	return rc;
}

static int read_pfi(struct cfgparse *p, const struct dfx_yaml_node *n, struct dfx_config *c)
{
	size_t cap = c->npfi;

	n = dfx_yaml_resolve(n);
	if (!n || n->type != DFX_YAML_MAPPING)
		return fail(p, n, "per-file-ignores: expected a mapping of PATTERN: [CODE, ...]");
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *k = n->pairs[i].key;
		struct dfx_file_ignores *e;

		if (!is_string(k))
			return fail(p, k, "per-file-ignores: expected PATTERN: [CODE, ...]");
		DFX_GROW(c->pfi, c->npfi + 1, cap);
		e = &c->pfi[c->npfi++];
		memset(e, 0, sizeof(*e));
		e->glob = text_of(k);
		e->match = matcher(&e->glob, 1);
		if (read_list(p, "per-file-ignores", n->pairs[i].value, CODES, &e->codes, &e->ncodes) != 0)
			return -1;
	}
	return 0;
}

static bool truthy(const char *s)
{
	return !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "True") ||
	       !strcmp(s, "TRUE");
}

/* Parse the text of src into a tree; 0, or -1 with the error in dockfix's words. */
static int parse_tree(struct cfgparse *p)
{
	struct dfx_error yerr = {0};

	p->t = dfx_yaml_parse(p->src->data, p->src->len, p->src->path, &yerr);
	if (!p->t) {
		dfx_error_set(p->err, p->src->path, yerr.line ? yerr.line : 1, yerr.col ? yerr.col : 1,
			      "invalid YAML: %s", yerr.message ? yerr.message : "cannot parse");
		dfx_error_release(&yerr);
		return -1;
	}
	return 0;
}

static const char keys[] = "ignore, select, severity, trusted-registries, untrusted-registries, fail-on, unsafe-fixes, exclude, "
			   "per-file-ignores";

int dfx_config_parse(struct dfx_config *c, const struct dfx_source *src, struct dfx_error *err)
{
	struct cfgparse p = {src, NULL, err};
	const struct dfx_yaml_node *root;
	int rc = 0;

	if (parse_tree(&p) != 0)
		return -1;
	root = dfx_yaml_resolve(p.t->root);
	if (!root || dfx_yaml_is_null(root))
		goto out;
	if (root->type != DFX_YAML_MAPPING) {
		rc = fail(&p, root, "the configuration must be a mapping");
		goto out;
	}
	for (size_t i = 0; rc == 0 && i < root->n; i++) {
		const struct dfx_yaml_node *k = root->pairs[i].key, *v = root->pairs[i].value;
		char *key, *s = NULL;

		if (!is_string(k)) {
			rc = fail(&p, k, "expected a key");
			break;
		}
		key = text_of(k);
		if (!strcmp(key, "ignore")) {
			rc = read_list(&p, key, v, CODES, &c->ignore, &c->nignore);
		} else if (!strcmp(key, "select")) {
			rc = read_list(&p, key, v, CODES, &c->select, &c->nselect);
		} else if (!strcmp(key, "trusted-registries")) {
			rc = read_list(&p, key, v, ANY, &c->trusted, &c->ntrusted);
		} else if (!strcmp(key, "untrusted-registries")) {
			rc = read_list(&p, key, v, ANY, &c->untrusted, &c->nuntrusted);
		} else if (!strcmp(key, "severity")) {
			rc = read_severity(&p, v, c);
		} else if (!strcmp(key, "exclude")) {
			rc = read_exclude(&p, v, c);
		} else if (!strcmp(key, "per-file-ignores")) {
			rc = read_pfi(&p, v, c);
		} else if (!strcmp(key, "fail-on") || !strcmp(key, "unsafe-fixes")) {
			rc = read_scalar(&p, key, v, &s);
			if (rc == 0) {
				if (!strcmp(key, "unsafe-fixes"))
					c->unsafe_fixes = truthy(s);
				else if (dfx_severity_parse(s, &c->fail_on) != 0)
					rc = fail(&p, dfx_yaml_resolve(v),
						  "fail-on: unknown severity '%s' (critical, high, medium, low, none)", s);
				free(s);
			}
		} else {
			rc = fail(&p, k, "unknown key '%s' (%s)", key, keys);
		}
		free(key);
	}
out:
	dfx_yaml_free(p.t);
	return rc;
}

/* ------------------------------------------------------------------ .hadolint.yaml */

/* Add the dockfix equivalents of hadolint codes to a list (codes without one are hadolint's own). */
static void add_equivalents(char ***v, size_t *n, const char *code)
{
	const struct dfx_compat *e = dfx_compat_find(code, strlen(code));
	size_t cap = *n;

	if (!e || e->tool != DFX_PRAGMA_HADOLINT)
		return;
	for (const char *q = e->dockfix; *q;) {
		size_t m = strcspn(q, ",");

		DFX_GROW(*v, *n + 1, cap);
		(*v)[(*n)++] = dfx_xstrndup(q, m);
		q += m;
		if (*q == ',')
			q++;
	}
}

static const char *const hadolint_levels[][2] = {
	{"error", "high"}, {"warning", "medium"}, {"info", "low"}, {"style", "low"},
};

static int read_override(struct cfgparse *p, const struct dfx_yaml_node *n, struct dfx_config *c)
{
	size_t cap = c->nsevs;

	n = dfx_yaml_resolve(n);
	if (!n || n->type != DFX_YAML_MAPPING)
		return fail(p, n, "override: expected a mapping of level: [CODE, ...]");
	for (size_t i = 0; i < n->n; i++) {
		const struct dfx_yaml_node *k = n->pairs[i].key;
		enum dfx_severity s = DFX_SEV_NONE;
		char **codes = NULL, **eq = NULL;
		size_t ncodes = 0, neq = 0;

		for (size_t l = 0; l < sizeof(hadolint_levels) / sizeof(hadolint_levels[0]); l++)
			if (dfx_yaml_str_eq(k, hadolint_levels[l][0]))
				dfx_severity_parse(hadolint_levels[l][1], &s);
		if (s == DFX_SEV_NONE)
			continue; /* hadolint's own business */
		if (read_list(p, "override", n->pairs[i].value, ANY, &codes, &ncodes) != 0)
			return -1;
		for (size_t j = 0; j < ncodes; j++)
			add_equivalents(&eq, &neq, codes[j]);
		for (size_t j = 0; j < neq; j++) {
			bool set = false;

			/* .dockfix.yaml's severity wins */
			for (size_t m = 0; m < c->nsevs && !set; m++)
				set = !strcmp(c->sevs[m].code, eq[j]);
			if (set) {
				free(eq[j]);
				continue;
			}
			DFX_GROW(c->sevs, c->nsevs + 1, cap);
			c->sevs[c->nsevs].code = eq[j];
			c->sevs[c->nsevs++].severity = s;
		}
		free(eq);
		free_strv(codes, ncodes);
	}
	return 0;
}

int dfx_config_parse_hadolint(struct dfx_config *c, const struct dfx_source *src, struct dfx_error *err)
{
	struct cfgparse p = {src, NULL, err};
	const struct dfx_yaml_node *root;
	int rc = 0;

	if (parse_tree(&p) != 0)
		return -1;
	root = dfx_yaml_resolve(p.t->root);
	if (root && !dfx_yaml_is_null(root) && root->type != DFX_YAML_MAPPING)
		rc = fail(&p, root, "the hadolint configuration must be a mapping");
	for (size_t i = 0; rc == 0 && root && root->type == DFX_YAML_MAPPING && i < root->n; i++) {
		const struct dfx_yaml_node *k = root->pairs[i].key, *v = root->pairs[i].value;

		if (dfx_yaml_str_eq(k, "ignored")) {
			char **codes = NULL;
			size_t n = 0;

			rc = read_list(&p, "ignored", v, ANY, &codes, &n);
			for (size_t j = 0; rc == 0 && j < n; j++)
				add_equivalents(&c->ignore, &c->nignore, codes[j]);
			free_strv(codes, n);
		} else if (dfx_yaml_str_eq(k, "trustedRegistries")) {
			rc = read_list(&p, "trustedRegistries", v, ANY, &c->trusted, &c->ntrusted);
		} else if (dfx_yaml_str_eq(k, "override")) {
			rc = read_override(&p, v, c);
		}
	}
	dfx_yaml_free(p.t);
	return rc;
}

/* ------------------------------------------------------------------ finding the files */

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* An absolute path as the user sees it: relative to the current directory when under it. */
static char *shown(char *abs)
{
	char *cwd = getcwd(NULL, 0), *r = abs;
	size_t n = cwd ? strlen(cwd) : 0;

	if (cwd && strcmp(cwd, "/") && !strncmp(abs, cwd, n) && abs[n] == '/') {
		r = dfx_xstrdup(abs + n + 1);
		free(abs);
	}
	free(cwd);
	return r;
}

/* Read and parse one file; an error goes to diags. */
static int load_one(struct dfx_config *c, const char *path,
		    int (*parse)(struct dfx_config *, const struct dfx_source *, struct dfx_error *),
		    struct dfx_diags *diags)
{
	struct dfx_source src;
	struct dfx_error err = {0};
	int rc;

	if (dfx_source_load(&src, path, &err) != 0) {
		dfx_diag_add(diags, DFX_DIAG_ERROR, path, 1, 1, "%s", err.message);
		dfx_error_release(&err);
		return -1;
	}
	rc = parse(c, &src, &err);
	if (rc != 0) {
		dfx_diag_add(diags, DFX_DIAG_ERROR, path, err.line, err.col, "%s", err.message);
		dfx_error_release(&err);
	}
	dfx_source_release(&src);
	return rc;
}

/* The .hadolint.yaml (or .yml) in dir, or NULL. */
static char *hadolint_in(const char *dir)
{
	static const char *const names[] = {".hadolint.yaml", ".hadolint.yml"};

	for (size_t i = 0; i < 2; i++) {
		char *cand = dfx_path_join(dir, names[i]);

		if (is_file(cand))
			return cand;
		free(cand);
	}
	return NULL;
}

int dfx_config_load(struct dfx_config *c, const char *explicit_path, const char *start, struct dfx_diags *diags)
{
	char *dir = NULL, *path = NULL, *hado = NULL, *abs;
	struct stat st;
	int rc = 0;

	abs = realpath(explicit_path ? explicit_path : start, NULL);
	if (abs) {
		dir = (!explicit_path && stat(abs, &st) == 0 && S_ISDIR(st.st_mode)) ? dfx_xstrdup(abs)
										  : dfx_path_dir(abs);
		free(abs);
	}
	if (explicit_path) {
		path = dfx_xstrdup(explicit_path);
		hado = dir ? hadolint_in(dir) : NULL;
	} else {
		/* upward: the first .dockfix.yaml; a .hadolint.yaml on the way (or beside it), up to the
		   repository root */
		bool repo_top = false;

		while (dir) {
			char *cand = dfx_path_join(dir, ".dockfix.yaml"), *git, *up;

			if (!hado && !repo_top)
				hado = hadolint_in(dir);
			if (is_file(cand)) {
				path = cand;
				break;
			}
			free(cand);
			git = dfx_path_join(dir, ".git");
			repo_top |= lstat(git, &st) == 0;
			free(git);
			if (strcmp(dir, "/") == 0)
				break;
			up = dfx_path_dir(dir);
			free(dir);
			dir = up;
		}
		if (path)
			path = shown(path);
	}
	if (path) {
		rc = load_one(c, path, dfx_config_parse, diags);
		c->path = path;
		free(c->root);
		c->root = dir ? dfx_xstrdup(dir) : NULL;
	}
	if (rc == 0 && hado) {
		hado = shown(hado);
		rc = load_one(c, hado, dfx_config_parse_hadolint, diags);
		c->hadolint = hado;
		hado = NULL;
	}
	free(hado);
	free(dir);
	return rc;
}
