/*
 * roundtrip.c - checks the lossless-tree invariant of DESIGN.md: parsing a
 * file and printing the unmodified tree gives back the input byte for byte.
 *
 *   roundtrip [--kind dockerfile|compose] FILE...
 *   roundtrip [--kind dockerfile|compose] -     (paths one per line on stdin)
 *
 * Without --kind, a file whose name contains "compose" or ends in .yml or
 * .yaml is a compose file, anything else a Dockerfile. Parse errors are allowed (listed as
 * path:line:col); any mismatch makes the exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"
#include "dockfix/dockerfile.h"

/* ---------------------------------------------------------------- kinds */

/*
 * Parse src and print it back into out. Returns 0, or -1 with *err set
 * when the file does not parse.
 */
typedef int (*roundtrip_fn)(const struct dfx_source *src, struct dfx_buf *out,
			    struct dfx_error *err);

static int roundtrip_dockerfile(const struct dfx_source *src, struct dfx_buf *out,
				struct dfx_error *err)
{
	struct dfx_dockerfile *df = dfx_dockerfile_parse(src, err);

	if (!df)
		return -1;
	dfx_dockerfile_print(df, out);
	dfx_dockerfile_free(df);
	return 0;
}

/* The compose model's YAML span tree, printed from its spans and the gaps between them. */
static int roundtrip_compose(const struct dfx_source *src, struct dfx_buf *out,
			     struct dfx_error *err)
{
	struct dfx_compose *c = dfx_compose_parse(src, err);

	if (!c)
		return -1;
	dfx_yaml_print(c->yaml, out); /* stops early on a span out of order: a mismatch */
	dfx_compose_free(c);
	return 0;
}

struct kind {
	const char *name;
	roundtrip_fn fn; /* NULL: not supported yet, files are skipped */
};

static const struct kind kinds[] = {
	{"dockerfile", roundtrip_dockerfile},
	{"compose", roundtrip_compose},
};

static const struct kind *kind_named(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * The kind of a path from its file name: "compose" in it (or a YAML
 * extension) makes a compose file. The corpus names files
 * owner__repo__dir__name, so only the part after the last "__" counts.
 */
static const struct kind *kind_of(const char *path)
{
	const char *base = strrchr(path, '/'), *p;
	bool compose;

	base = base ? base + 1 : path;
	while ((p = strstr(base, "__")) != NULL)
		base = p + 2;
	compose = strstr(base, "compose") || ends_with(base, ".yml") || ends_with(base, ".yaml");
	return kind_named(compose ? "compose" : "dockerfile");
}

/* ---------------------------------------------------------------- checking */

struct totals {
	size_t files, identical, errors, mismatches, skipped, unreadable;
};

static void check_file(const char *path, const struct kind *forced, struct totals *t)
{
	const struct kind *k = forced ? forced : kind_of(path);
	struct dfx_source src;
	struct dfx_error err = {0};
	struct dfx_buf out = DFX_BUF_INIT;

	if (!k->fn) {
		t->skipped++;
		return;
	}
	if (dfx_source_load(&src, path, &err) < 0) {
		printf("%s: error: %s\n", path, err.message);
		dfx_error_release(&err);
		t->unreadable++;
		return;
	}
	t->files++;
	if (k->fn(&src, &out, &err) < 0) {
		printf("%s:%u:%u: error: %s\n", path, err.line, err.col, err.message);
		dfx_error_release(&err);
		t->errors++;
	} else if (out.len == src.len && (src.len == 0 || memcmp(out.ptr, src.data, src.len) == 0)) {
		t->identical++;
	} else {
		size_t i = 0, n = out.len < src.len ? out.len : src.len;
		unsigned line, col;

		while (i < n && out.ptr[i] == src.data[i])
			i++;
		dfx_source_linecol(&src, (uint32_t)i, &line, &col);
		printf("MISMATCH %s (first difference at %u:%u; %zu bytes in, %zu out)\n", path,
		       line, col, src.len, out.len);
		t->mismatches++;
	}
	dfx_buf_release(&out);
	dfx_source_release(&src);
}

static void check_stdin(const struct kind *forced, struct totals *t)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0)
			check_file(line, forced, t);
	}
	free(line);
}

static int usage(void)
{
	fputs("usage: roundtrip [--kind dockerfile|compose] FILE... | -\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const struct kind *forced = NULL;
	struct totals t = {0};
	int i = 1;

	if (i + 1 < argc && strcmp(argv[i], "--kind") == 0) {
		forced = kind_named(argv[i + 1]);
		if (!forced)
			return usage();
		i += 2;
	} else if (i < argc && strncmp(argv[i], "--kind=", 7) == 0) {
		forced = kind_named(argv[i] + 7);
		if (!forced)
			return usage();
		i++;
	}
	if (i >= argc)
		return usage();
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			check_stdin(forced, &t);
		else
			check_file(argv[i], forced, &t);
	}
	printf("roundtrip: %zu files, %zu identical, %zu parse errors, %zu mismatches\n", t.files,
	       t.identical, t.errors, t.mismatches);
	if (t.skipped)
		printf("roundtrip: %zu files skipped (no printer for their kind yet)\n", t.skipped);
	if (t.unreadable)
		printf("roundtrip: %zu files could not be read\n", t.unreadable);
	if (t.mismatches)
		return 1;
	return t.unreadable ? 2 : 0;
}
