/*
 * yaml_verify.c - the independent check of a rewritten compose file: both
 * texts are parsed with libyaml 0.2.5 (yaml_parser_parse events, a parser
 * that shares no code with libfyaml), flattened into sorted `path = value`
 * lines, and compared; only lines under the paths a fix declared may
 * differ. The new text must also parse with dockfix's own span tree.
 *
 * References: libyaml's event API (yaml.h of libyaml 0.2.5,
 * pyyaml.org/wiki/LibYAML: yaml_parser_parse, yaml_event_t), YAML 1.2
 * (yaml.org/spec/1.2.2) for what an unchanged document is, and RFC 6901
 * for escaping '~' and '/' in path segments.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "dockfix/yamltree.h"

struct flat_line {
	char *path;
	char *value;
};

struct flat {
	struct flat_line *v;
	size_t n, cap;
};

static void flat_release(struct flat *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].value);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

struct vframe {
	bool map;
	bool expect_key;
	size_t base;      /* length of the path of this collection */
	unsigned long idx;
};

struct flattener {
	struct flat *out;
	struct dfx_buf path;
	struct vframe *st;
	size_t sp, cap;
	unsigned skip;    /* >0 while inside a complex (collection) key */
};

static void esc_value(struct dfx_buf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\\')
			dfx_buf_adds(b, "\\\\");
		else if (c == '\n')
			dfx_buf_adds(b, "\\n");
		else if (c == '\t')
			dfx_buf_adds(b, "\\t");
		else if (c == '\r')
			dfx_buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7F)
			dfx_buf_addf(b, "\\x%02x", c);
		else
			dfx_buf_addc(b, (char)c);
	}
}

static void add_segment(struct dfx_buf *b, const unsigned char *s, size_t n)
{
	dfx_buf_addc(b, '/');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~')
			dfx_buf_adds(b, "~0");
		else if (s[i] == '/')
			dfx_buf_adds(b, "~1");
		else
			dfx_buf_addc(b, (char)s[i]);
	}
}

static void props(struct dfx_buf *v, const yaml_char_t *anchor, const yaml_char_t *tag)
{
	if (anchor) {
		dfx_buf_adds(v, " &");
		dfx_buf_adds(v, (const char *)anchor);
	}
	if (tag) {
		dfx_buf_adds(v, " !<");
		dfx_buf_adds(v, (const char *)tag);
		dfx_buf_addc(v, '>');
	}
}

static void emit_line(struct flattener *f, struct dfx_buf *value)
{
	struct flat_line *l;

	DFX_GROW(f->out->v, f->out->n + 1, f->out->cap);
	l = &f->out->v[f->out->n++];
	l->path = dfx_xstrdup(f->path.len ? f->path.ptr : "/");
	l->value = dfx_buf_detach(value);
	if (!l->value)
		l->value = dfx_xstrdup("");
}

/* Set the path for the node that comes next in the innermost collection; false for a key. */
static bool node_path(struct flattener *f, const yaml_event_t *ev)
{
	struct vframe *fr;

	if (!f->sp)
		return true;
	fr = &f->st[f->sp - 1];
	if (fr->map && fr->expect_key) {
		f->path.len = fr->base;
		if (f->path.ptr)
			f->path.ptr[f->path.len] = '\0';
		if (ev->type == YAML_SCALAR_EVENT) {
			add_segment(&f->path, ev->data.scalar.value, ev->data.scalar.length);
		} else if (ev->type == YAML_ALIAS_EVENT) {
			dfx_buf_adds(&f->path, "/*");
			dfx_buf_adds(&f->path, (const char *)ev->data.alias.anchor);
		} else {
			dfx_buf_addf(&f->path, "/?%lu", fr->idx);
			f->skip = 1;
		}
		fr->idx++;
		fr->expect_key = false;
		return false;
	}
	if (fr->map) {
		fr->expect_key = true;
	} else {
		f->path.len = fr->base;
		if (f->path.ptr)
			f->path.ptr[f->path.len] = '\0';
		dfx_buf_addf(&f->path, "/%lu", fr->idx++);
	}
	return true;
}

static void on_event(struct flattener *f, const yaml_event_t *ev)
{
	struct dfx_buf v = DFX_BUF_INIT;
	bool coll = ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT;

	if (f->skip) {
		if (coll)
			f->skip++;
		else if (ev->type == YAML_MAPPING_END_EVENT || ev->type == YAML_SEQUENCE_END_EVENT)
			f->skip--;
		return;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (!node_path(f, ev))
			return;
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			esc_value(&v, ev->data.scalar.value, ev->data.scalar.length);
		} else {
			dfx_buf_addc(&v, '"');
			esc_value(&v, ev->data.scalar.value, ev->data.scalar.length);
			dfx_buf_addc(&v, '"');
		}
		props(&v, ev->data.scalar.anchor, ev->data.scalar.tag);
		emit_line(f, &v);
		break;
	case YAML_ALIAS_EVENT:
		if (!node_path(f, ev))
			return;
		dfx_buf_addc(&v, '*');
		dfx_buf_adds(&v, (const char *)ev->data.alias.anchor);
		emit_line(f, &v);
		break;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		struct vframe *fr;

		if (!node_path(f, ev))
			return; /* a complex key: skipped */
		dfx_buf_adds(&v, map ? "<map>" : "<seq>");
		if (map)
			props(&v, ev->data.mapping_start.anchor, ev->data.mapping_start.tag);
		else
			props(&v, ev->data.sequence_start.anchor, ev->data.sequence_start.tag);
		emit_line(f, &v);
		DFX_GROW(f->st, f->sp + 1, f->cap);
		fr = &f->st[f->sp++];
		fr->map = map;
		fr->expect_key = true;
		fr->base = f->path.len;
		fr->idx = 0;
		break;
	}
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (f->sp)
			f->sp--;
		break;
	case YAML_DOCUMENT_START_EVENT:
		/* each document's paths start again at the root (documents merge, as in Compose) */
		f->sp = 0;
		f->path.len = 0;
		if (f->path.ptr)
			f->path.ptr[0] = '\0';
		break;
	default:
		break;
	}
}

static int cmp_line(const void *pa, const void *pb)
{
	const struct flat_line *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	return c ? c : strcmp(a->value, b->value);
}

static int flatten(const char *data, size_t len, struct flat *out, struct dfx_buf *why,
		   const char *which)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct flattener f;
	int rc = 0;

	memset(&f, 0, sizeof(f));
	f.out = out;
	if (!yaml_parser_initialize(&p)) {
		dfx_buf_addf(why, "libyaml: cannot initialise the parser");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	for (;;) {
		bool done;

		if (!yaml_parser_parse(&p, &ev)) {
			dfx_buf_addf(why, "libyaml cannot parse the %s text: %s at line %lu column %lu",
				     which, p.problem ? p.problem : "error",
				     (unsigned long)p.problem_mark.line + 1,
				     (unsigned long)p.problem_mark.column + 1);
			rc = -1;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		on_event(&f, &ev);
		yaml_event_delete(&ev);
		if (done)
			break;
	}
	yaml_parser_delete(&p);
	dfx_buf_release(&f.path);
	free(f.st);
	if (rc == 0 && out->n)
		dfx_qsort(out->v, out->n, sizeof(*out->v), cmp_line);
	return rc;
}

/* ---------------------------------------------------------------- verify */

static bool under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (n == 0 || (n == 1 && prefix[0] == '/'))
		return true;
	return !strncmp(path, prefix, n) && (path[n] == '\0' || path[n] == '/');
}

static bool container_value(const char *v)
{
	return !strncmp(v, "<map>", 5) || !strncmp(v, "<seq>", 5) || !*v || !strcmp(v, "~") ||
	       !strcmp(v, "null");
}

static bool allowed(const struct flat_line *l, char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!paths[i])
			continue;
		if (under(l->path, paths[i]))
			return true;
		/* the parent of an allowed path may be created (or turn from null into a collection) */
		if (container_value(l->value) && under(paths[i], l->path))
			return true;
	}
	return false;
}

/*
 * Many declared paths (a fix group over thousands of entries): the same
 * test as allowed(), on the paths sorted, by binary search, so a check costs
 * the depth of the line's path, not the number of paths.
 */
struct pathset {
	char **v; /* trailing '/' removed, sorted */
	size_t n;
	bool all; /* "" or "/" was declared */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pathset_init(struct pathset *ps, char *const *paths, size_t n)
{
	memset(ps, 0, sizeof(*ps));
	ps->v = dfx_xmalloc((n ? n : 1) * sizeof(*ps->v));
	for (size_t i = 0; i < n; i++) {
		size_t len;

		if (!paths[i])
			continue;
		len = strlen(paths[i]);
		while (len > 1 && paths[i][len - 1] == '/')
			len--;
		if (len == 0 || (len == 1 && paths[i][0] == '/'))
			ps->all = true;
		ps->v[ps->n++] = dfx_xstrndup(paths[i], len);
	}
	dfx_qsort(ps->v, ps->n, sizeof(*ps->v), cmp_str);
}

static void pathset_release(struct pathset *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i]);
	free(ps->v);
}

/* Index of the first entry >= the n bytes at s (as a string). */
static size_t lower_bound(const struct pathset *ps, const char *s, size_t n)
{
	size_t a = 0, b = ps->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		int c = strncmp(ps->v[m], s, n);

		if (c == 0 && ps->v[m][n] != '\0')
			c = 1; /* longer than s: after it */
		if (c < 0)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

static bool pathset_allowed(const struct pathset *ps, const struct flat_line *l)
{
	const char *p = l->path;
	size_t n = strlen(p);

	if (ps->all)
		return true;
	/* a declared path is the line's path or one of its ancestors */
	for (size_t k = 1; k <= n; k++)
		if (k == n || p[k] == '/') {
			size_t i = lower_bound(ps, p, k);

			if (i < ps->n && strncmp(ps->v[i], p, k) == 0 && ps->v[i][k] == '\0')
				return true;
		}
	/* the parent of a declared path may be created (or turn from null into a collection) */
	if (container_value(l->value)) {
		while (n > 1 && p[n - 1] == '/')
			n--;
		if (n == 0 || (n == 1 && p[0] == '/'))
			return ps->n > 0;
		for (size_t i = lower_bound(ps, p, n); i < ps->n && strncmp(ps->v[i], p, n) == 0; i++)
			if (ps->v[i][n] == '\0' || ps->v[i][n] == '/')
				return true;
	}
	return false;
}

static void note(struct dfx_buf *why, unsigned *shown, char sign, const struct flat_line *l)
{
	if (*shown == 0)
		dfx_buf_adds(why, "the rewrite changes YAML paths it did not declare:");
	if (*shown < 6)
		dfx_buf_addf(why, "\n  %c %s = %.120s", sign, l->path, l->value);
	else if (*shown == 6)
		dfx_buf_adds(why, "\n  ...");
	(*shown)++;
}

int dfx_yaml_verify(const char *old, size_t oldlen, const char *new, size_t newlen,
		    char *const *allowed_paths, size_t nallowed, struct dfx_buf *why)
{
	struct dfx_error err = {0};
	struct dfx_yaml *t;
	struct flat a = {NULL, 0, 0}, b = {NULL, 0, 0};
	struct pathset ps = {NULL, 0, false};
	size_t i = 0, j = 0;
	unsigned bad = 0;
	int rc = 0;

	t = dfx_yaml_parse(old, oldlen, "original", &err);
	if (!t) {
		dfx_buf_addf(why, "the original text does not parse: %u:%u: %s", err.line, err.col,
			     err.message ? err.message : "");
		dfx_error_release(&err);
		return -1;
	}
	dfx_yaml_free(t);
	t = dfx_yaml_parse(new, newlen, "rewritten", &err);
	if (!t) {
		dfx_buf_addf(why, "the rewritten text does not parse: %u:%u: %s", err.line, err.col,
			     err.message ? err.message : "");
		dfx_error_release(&err);
		return -1;
	}
	dfx_yaml_free(t);
	if (flatten(old, oldlen, &a, why, "original") < 0 ||
	    flatten(new, newlen, &b, why, "rewritten") < 0) {
		flat_release(&a);
		flat_release(&b);
		return -1;
	}
	if (nallowed > 16)
		pathset_init(&ps, allowed_paths, nallowed);
	while (i < a.n || j < b.n) {
		int c = i >= a.n ? 1 : j >= b.n ? -1 : cmp_line(&a.v[i], &b.v[j]);

		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			if (!(ps.v ? pathset_allowed(&ps, &a.v[i]) : allowed(&a.v[i], allowed_paths, nallowed)))
				note(why, &bad, '-', &a.v[i]);
			i++;
		} else {
			if (!(ps.v ? pathset_allowed(&ps, &b.v[j]) : allowed(&b.v[j], allowed_paths, nallowed)))
				note(why, &bad, '+', &b.v[j]);
			j++;
		}
	}
	pathset_release(&ps);
	if (bad)
		rc = -1;
	flat_release(&a);
	flat_release(&b);
	return rc;
}
