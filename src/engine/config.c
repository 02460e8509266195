/*
 * config.c - reads `.dockfix.yaml` with libfyaml's event API (no document
 * builder). The file is a small mapping:
 *
 *   ignore: [DF302, DC202]          # codes or prefixes
 *   select: [DF, DC2]
 *   severity: {DF304: medium}
 *   trusted-registries: [registry.example.com, ghcr.io/acme]
 *   untrusted-registries: [quay.io/libpod]   # built-in entries not to trust
 *   fail-on: high
 *   unsafe-fixes: false
 */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dockfix/config.h"

/* ------------------------------------------------------------------ lookups */

void dfx_config_init(struct dfx_config *c)
{
	memset(c, 0, sizeof(*c));
	c->fail_on = DFX_SEV_LOW;
	c->as_of = 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dfx_config_release(struct dfx_config *c)
{
	free(c->path);
	free_strv(c->ignore, c->nignore);
	free_strv(c->select, c->nselect);
	free_strv(c->trusted, c->ntrusted);
	free_strv(c->untrusted, c->nuntrusted);
	for (size_t i = 0; i < c->nsevs; i++)
		free(c->sevs[i].code);
	free(c->sevs);
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

bool dfx_rule_prefix(const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; n && i < dfx_nrules; i++)
		if (strncmp(dfx_rules[i]->code, prefix, n) == 0)
			return true;
	return false;
}

struct cfgparse {
	struct fy_parser *fyp;
	const struct dfx_source *src;
	struct dfx_error *err;
};

static void mark_error(struct cfgparse *p, struct fy_event *ev, const char *msg, const char *arg)
{
	const struct fy_mark *m = ev ? fy_event_start_mark(ev) : NULL;

	dfx_error_set(p->err, p->src->path, m ? (unsigned)m->line + 1 : 1, m ? (unsigned)m->column + 1 : 1, msg,
		      arg ? arg : "");
}

static char *scalar_text(struct fy_event *ev)
{
	size_t len = 0;
	const char *t = fy_token_get_text(ev->scalar.value, &len);

	return dfx_xstrndup(t ? t : "", t ? len : 0);
}

/* Read a scalar or a sequence of scalars into a string list. */
static int read_list(struct cfgparse *p, char ***v, size_t *n)
{
	struct fy_event *ev = fy_parser_parse(p->fyp);
	size_t cap = *n;
	int rc = 0;

	if (!ev) {
		mark_error(p, NULL, "%sunexpected end of file", NULL);
		return -1;
	}
	if (ev->type == FYET_SCALAR) {
		DFX_GROW(*v, *n + 1, cap);
		(*v)[(*n)++] = scalar_text(ev);
		fy_parser_event_free(p->fyp, ev);
		return 0;
	}
	if (ev->type != FYET_SEQUENCE_START) {
		mark_error(p, ev, "%sexpected a list", NULL);
		fy_parser_event_free(p->fyp, ev);
		return -1;
	}
	fy_parser_event_free(p->fyp, ev);
	while ((ev = fy_parser_parse(p->fyp))) {
		if (ev->type == FYET_SEQUENCE_END) {
			fy_parser_event_free(p->fyp, ev);
			return rc;
		}
		if (ev->type != FYET_SCALAR) {
			mark_error(p, ev, "%sexpected a list of strings", NULL);
			fy_parser_event_free(p->fyp, ev);
			return -1;
		}
		DFX_GROW(*v, *n + 1, cap);
		(*v)[(*n)++] = scalar_text(ev);
		fy_parser_event_free(p->fyp, ev);
	}
	mark_error(p, NULL, "%sunexpected end of file", NULL);
	return -1;
}

static int read_scalar(struct cfgparse *p, char **out, struct fy_event **where)
{
	struct fy_event *ev = fy_parser_parse(p->fyp);

	if (!ev || ev->type != FYET_SCALAR) {
		mark_error(p, ev, "%sexpected a single value", NULL);
		if (ev)
			fy_parser_event_free(p->fyp, ev);
		return -1;
	}
	*out = scalar_text(ev);
	*where = ev;
	return 0;
}

static int read_severity(struct cfgparse *p, struct dfx_config *c)
{
	struct fy_event *ev = fy_parser_parse(p->fyp);
	size_t cap = c->nsevs;

	if (!ev || ev->type != FYET_MAPPING_START) {
		mark_error(p, ev, "%sseverity: expected a mapping of CODE: severity", NULL);
		if (ev)
			fy_parser_event_free(p->fyp, ev);
		return -1;
	}
	fy_parser_event_free(p->fyp, ev);
	while ((ev = fy_parser_parse(p->fyp))) {
		char *code, *sev;
		struct fy_event *vev;
		enum dfx_severity s;

		if (ev->type == FYET_MAPPING_END) {
			fy_parser_event_free(p->fyp, ev);
			return 0;
		}
		if (ev->type != FYET_SCALAR) {
			mark_error(p, ev, "%sseverity: expected CODE: severity", NULL);
			fy_parser_event_free(p->fyp, ev);
			return -1;
		}
		code = scalar_text(ev);
		if (!dfx_rule_find(code)) {
			mark_error(p, ev, "severity: unknown rule '%s'", code);
			free(code);
			fy_parser_event_free(p->fyp, ev);
			return -1;
		}
		fy_parser_event_free(p->fyp, ev);
		if (read_scalar(p, &sev, &vev) != 0) {
			free(code);
			return -1;
		}
		if (dfx_severity_parse(sev, &s) != 0 || s == DFX_SEV_NONE) {
			mark_error(p, vev, "severity: unknown severity '%s' (critical, high, medium, low)", sev);
			free(sev);
			free(code);
			fy_parser_event_free(p->fyp, vev);
			return -1;
		}
		fy_parser_event_free(p->fyp, vev);
		free(sev);
		DFX_GROW(c->sevs, c->nsevs + 1, cap);
		c->sevs[c->nsevs].code = code;
		c->sevs[c->nsevs++].severity = s;
	}
	mark_error(p, NULL, "%sunexpected end of file", NULL);
	return -1;
}

static bool truthy(const char *s)
{
	return !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "True") ||
	       !strcmp(s, "TRUE");
}

static int check_codes(struct cfgparse *p, char **v, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (!dfx_rule_find(v[i]) && !dfx_rule_prefix(v[i])) {
			char *m = dfx_xasprintf("%s: unknown rule '%%s'", what);
			mark_error(p, NULL, m, v[i]);
			free(m);
			return -1;
		}
	return 0;
}

int dfx_config_parse(struct dfx_config *c, const struct dfx_source *src, struct dfx_error *err)
{
	struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET};
	struct cfgparse p = {NULL, src, err};
	struct fy_event *ev;
	int depth = 0, rc = 0;

	p.fyp = fy_parser_create(&cfg);
	if (!p.fyp || fy_parser_set_string(p.fyp, src->data, src->len) != 0) {
		dfx_error_set(err, src->path, 1, 1, "cannot parse configuration");
		if (p.fyp)
			fy_parser_destroy(p.fyp);
		return -1;
	}
	while (rc == 0 && (ev = fy_parser_parse(p.fyp))) {
		enum fy_event_type t = ev->type;

		if (t == FYET_STREAM_START || t == FYET_DOCUMENT_START || t == FYET_DOCUMENT_END ||
		    t == FYET_STREAM_END) {
			fy_parser_event_free(p.fyp, ev);
			continue;
		}
		if (depth == 0) {
			if (t == FYET_MAPPING_START) {
				depth = 1;
			} else if (!(t == FYET_SCALAR && fy_token_get_text_length(ev->scalar.value) == 0)) {
				mark_error(&p, ev, "%sthe configuration must be a mapping", NULL);
				rc = -1;
			}
			fy_parser_event_free(p.fyp, ev);
			continue;
		}
		if (t == FYET_MAPPING_END) {
			depth = 0;
			fy_parser_event_free(p.fyp, ev);
			continue;
		}
		if (t != FYET_SCALAR) {
			mark_error(&p, ev, "%sexpected a key", NULL);
			fy_parser_event_free(p.fyp, ev);
			rc = -1;
			break;
		}
		char *key = scalar_text(ev);
		struct fy_event *kev = ev;

		if (!strcmp(key, "ignore")) {
			rc = read_list(&p, &c->ignore, &c->nignore);
			if (!rc)
				rc = check_codes(&p, c->ignore, c->nignore, "ignore");
		} else if (!strcmp(key, "select")) {
			rc = read_list(&p, &c->select, &c->nselect);
			if (!rc)
				rc = check_codes(&p, c->select, c->nselect, "select");
		} else if (!strcmp(key, "trusted-registries")) {
			rc = read_list(&p, &c->trusted, &c->ntrusted);
		} else if (!strcmp(key, "untrusted-registries")) {
			rc = read_list(&p, &c->untrusted, &c->nuntrusted);
		} else if (!strcmp(key, "severity")) {
			rc = read_severity(&p, c);
		} else if (!strcmp(key, "fail-on") || !strcmp(key, "unsafe-fixes")) {
			char *v;
			struct fy_event *vev;

			rc = read_scalar(&p, &v, &vev);
			if (rc == 0) {
				if (!strcmp(key, "unsafe-fixes")) {
					c->unsafe_fixes = truthy(v);
				} else if (dfx_severity_parse(v, &c->fail_on) != 0) {
					mark_error(&p, vev, "fail-on: unknown severity '%s' (critical, high, medium, low, none)", v);
					rc = -1;
				}
				free(v);
				fy_parser_event_free(p.fyp, vev);
			}
		} else {
			mark_error(&p, kev, "unknown key '%s' (ignore, select, severity, trusted-registries, untrusted-registries, fail-on, unsafe-fixes)", key);
			rc = -1;
		}
		free(key);
		fy_parser_event_free(p.fyp, kev);
	}
	if (rc == 0 && fy_parser_get_stream_error(p.fyp)) {
		dfx_error_set(err, src->path, 1, 1, "invalid YAML");
		rc = -1;
	}
	fy_parser_destroy(p.fyp);
	return rc;
}

int dfx_config_load(struct dfx_config *c, const char *explicit_path, const char *start, struct dfx_diags *diags)
{
	char *dir = NULL, *path = NULL;
	struct dfx_source src;
	struct dfx_error err = {0};
	struct stat st;
	int rc;

	if (explicit_path) {
		path = dfx_xstrdup(explicit_path);
	} else {
		char *abs = realpath(start, NULL);

		if (!abs)
			return 0;
		dir = (stat(abs, &st) == 0 && S_ISDIR(st.st_mode)) ? dfx_xstrdup(abs) : dfx_path_dir(abs);
		free(abs);
		for (;;) {
			char *cand = dfx_path_join(dir, ".dockfix.yaml");
			char *up;

			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
				path = cand;
				break;
			}
			free(cand);
			if (strcmp(dir, "/") == 0)
				break;
			up = dfx_path_dir(dir);
			free(dir);
			dir = up;
		}
		free(dir);
		if (!path)
			return 0;
	}
	if (dfx_source_load(&src, path, &err) != 0) {
		dfx_diag_add(diags, DFX_DIAG_ERROR, path, 1, 1, "%s", err.message);
		dfx_error_release(&err);
		free(path);
		return -1;
	}
	rc = dfx_config_parse(c, &src, &err);
	if (rc != 0) {
		dfx_diag_add(diags, DFX_DIAG_ERROR, path, err.line, err.col, "%s", err.message);
		dfx_error_release(&err);
	}
	c->path = path;
	dfx_source_release(&src);
	return rc;
}
