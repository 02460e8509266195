/*
 * dotenv.c - reading and writing `.env` and `env_file:` files (see
 * dockfix/dotenv.h): `NAME=value` lines, an optional `export `, single or
 * double quotes (with `\n`, `\t` escapes in double quotes), inline
 * comments after a blank.
 *
 * References: Compose Specification 05-services.md env_file ("Env_file
 * format") and the Compose docs "Set environment variables" / ".env file
 * syntax".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/dotenv.h"
#include "dockfix/secrets.h"

/* Decode one dotenv value [p, e) (quotes, escapes, an inline comment). */
static char *dotenv_value(const char *p, const char *e)
{
	struct dfx_buf b = DFX_BUF_INIT;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p < e && (*p == '\'' || *p == '"')) {
		char q = *p++;

		for (; p < e && *p != q; p++) {
			if (q == '"' && *p == '\\' && p + 1 < e) {
				p++;
				dfx_buf_addc(&b, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
			} else {
				dfx_buf_addc(&b, *p);
			}
		}
	} else {
		const char *s = p;

		for (; p < e; p++)
			if (*p == '#' && p > s && (p[-1] == ' ' || p[-1] == '\t'))
				break;
		while (p > s && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
			p--;
		dfx_buf_add(&b, s, (size_t)(p - s));
	}
	if (!b.ptr)
		dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
}

/* Call fn(name, nlen, value-start, line-end) for every assignment line. */
static int dotenv_each(const char *text, size_t len,
		       int (*fn)(const char *n, size_t nl, const char *v, const char *e, void *arg), void *arg)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *s = p, *n;
		int rc;

		p = nl ? nl + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (e - s > 7 && !strncmp(s, "export ", 7))
			s += 7;
		n = s;
		while (s < e && (isalnum((unsigned char)*s) || *s == '_' || *s == '.' || *s == '-'))
			s++;
		if (s == n)
			continue;
		{
			const char *ne = s;

			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
			if (s >= e || *s != '=')
				continue;
			rc = fn(n, (size_t)(ne - n), s + 1, e, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

struct each_arg {
	const char *text;
	int (*fn)(const struct dfx_dotenv_var *v, void *arg);
	void *arg;
};

static int each_fn(const char *n, size_t nl, const char *v, const char *e, void *arg)
{
	struct each_arg *a = arg;
	struct dfx_dotenv_var var;
	const char *vs = v, *ve = e;
	int rc;

	while (vs < ve && (*vs == ' ' || *vs == '\t'))
		vs++;
	while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
		ve--;
	var.name = dfx_xstrndup(n, nl);
	var.value = dotenv_value(v, e);
	var.name_span.start = (uint32_t)(n - a->text);
	var.name_span.end = (uint32_t)(n + nl - a->text);
	var.value_span.start = (uint32_t)(vs - a->text);
	var.value_span.end = (uint32_t)(ve - a->text);
	rc = a->fn(&var, a->arg);
	free(var.name);
	free(var.value);
	return rc;
}

int dfx_dotenv_each(const char *text, size_t len, int (*fn)(const struct dfx_dotenv_var *v, void *arg), void *arg)
{
	struct each_arg a = {text, fn, arg};

	return text ? dotenv_each(text, len, each_fn, &a) : 0;
}

struct get_arg {
	const char *name;
	char *out;
};

static int get_fn(const char *n, size_t nl, const char *v, const char *e, void *arg)
{
	struct get_arg *g = arg;

	if (strlen(g->name) == nl && !strncmp(g->name, n, nl)) {
		free(g->out);
		g->out = dotenv_value(v, e);
	}
	return 0;
}

char *dfx_dotenv_get(const char *text, size_t len, const char *name)
{
	struct get_arg g = {name, NULL};

	if (text)
		dotenv_each(text, len, get_fn, &g);
	return g.out;
}

static int secret_fn(const char *n, size_t nl, const char *v, const char *e, void *arg)
{
	char *name = dfx_xstrndup(n, nl), *val = dotenv_value(v, e);
	int hit = 0;

	(void)arg;
	if (dfx_secret_value(val, strlen(val), NULL) ||
	    (dfx_secret_name(name) && val[0] && !dfx_value_is_inert(val)))
		hit = 1;
	free(name);
	free(val);
	return hit;
}

bool dfx_dotenv_has_secret(const char *text, size_t len)
{
	return text && dotenv_each(text, len, secret_fn, NULL) != 0;
}

struct first_arg {
	const char *text;
	struct dfx_span name, value;
	size_t count;
};

static int first_fn(const char *n, size_t nl, const char *v, const char *e, void *arg)
{
	struct first_arg *a = arg;

	if (!secret_fn(n, nl, v, e, NULL))
		return 0;
	if (!a->count++) {
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		a->name = (struct dfx_span){(uint32_t)(n - a->text), (uint32_t)(n + nl - a->text)};
		a->value = (struct dfx_span){(uint32_t)(v - a->text), (uint32_t)(e - a->text)};
	}
	return 0;
}

bool dfx_dotenv_first_secret(const char *text, size_t len, struct dfx_span *name, struct dfx_span *value,
			     size_t *count)
{
	struct first_arg a = {text, {0, 0}, {0, 0}, 0};

	if (text)
		dotenv_each(text, len, first_fn, &a);
	*name = a.name;
	*value = a.value;
	*count = a.count;
	return a.count > 0;
}

char *dfx_dotenv_line(const char *name, const char *value)
{
	bool plain = *value != '\0';

	if (strchr(value, '\n') || strchr(value, '\r'))
		return NULL;
	for (const char *p = value; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-./+:@,%^~", *p))
			plain = false;
	if (plain)
		return dfx_xasprintf("%s=%s", name, value);
	if (!strchr(value, '\''))
		return dfx_xasprintf("%s='%s'", name, value);
	if (!strchr(value, '$') && !strchr(value, '"') && !strchr(value, '\\'))
		return dfx_xasprintf("%s=\"%s\"", name, value);
	return NULL;
}

struct find_arg {
	const char *value;
	char *name;
};

static int find_fn(const char *n, size_t nl, const char *v, const char *e, void *arg)
{
	struct find_arg *a = arg;
	char *val = dotenv_value(v, e), *url = dfx_xasprintf(":%s@", a->value);
	int hit = !strcmp(val, a->value) || strstr(val, url) != NULL;

	if (hit)
		a->name = dfx_xstrndup(n, nl);
	free(url);
	free(val);
	return hit;
}

char *dfx_dotenv_find_value(const char *text, size_t len, const char *value)
{
	struct find_arg a = {value, NULL};

	if (text && value && *value)
		dotenv_each(text, len, find_fn, &a);
	return a.name;
}
