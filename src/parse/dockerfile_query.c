/*
 * dockerfile_query.c - questions rules ask of a Dockerfile tree: the final
 * stage, the image a stage is built from, the sources of a COPY, and the
 * text that inserts lines after an instruction, and whether an
 * instruction is left open by a final line continuation.
 *
 * Reference: the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/): escape directive, line
 * continuations (comment and empty lines inside one are skipped).
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/dockerfile.h"

const struct dfx_df_stage *dfx_df_final_stage(const struct dfx_dockerfile *df)
{
	return df->nstages ? &df->stages[df->nstages - 1] : NULL;
}

const char *dfx_df_stage_base(const struct dfx_dockerfile *df, const struct dfx_df_stage *st)
{
	size_t guard = 0;

	while (st->parent >= 0 && (size_t)st->parent < df->nstages && guard++ < df->nstages)
		st = &df->stages[st->parent];
	return st->image ? st->image : "";
}

bool dfx_df_is(const struct dfx_df_instr *in, const char *cmd)
{
	return in->cmd && strcmp(in->cmd, cmd) == 0;
}

char *dfx_df_after_text(const struct dfx_dockerfile *df, const struct dfx_df_instr *in, const char *lines)
{
	const struct dfx_source *s = df->src;
	uint32_t end = in->lines.end;

	if (end == 0 || s->data[end - 1] != '\n') {
		/* the file's last line had no line ending: nor has the new last line */
		size_t n = strlen(lines);

		if (n && lines[n - 1] == '\n')
			n--;
		if (n && lines[n - 1] == '\r')
			n--;
		return dfx_xasprintf("%s%.*s", dfx_source_eol(s), (int)n, lines);
	}
	return dfx_xstrdup(lines);
}

uint32_t dfx_df_open_escape(const struct dfx_dockerfile *df, const struct dfx_df_instr *in)
{
	const char *d = df->src->data;
	char esc = df->escape ? df->escape : '\\';
	uint32_t end = in->lines.end;

	if (in->nheredocs)
		return 0; /* ends with its heredoc terminator */
	while (end > in->lines.start) {
		uint32_t b = end, a, e;

		/* the physical line before `b`: [a, e) without its terminator */
		if (b > in->lines.start && d[b - 1] == '\n')
			b--;
		a = b;
		while (a > in->lines.start && d[a - 1] != '\n')
			a--;
		e = b;
		while (e > a && (d[e - 1] == ' ' || d[e - 1] == '\t' || d[e - 1] == '\r'))
			e--;
		end = a;
		if (e == a)
			continue; /* an empty line */
		{
			uint32_t f = a;

			while (f < e && (d[f] == ' ' || d[f] == '\t'))
				f++;
			if (d[f] == '#' && a > in->lines.start && a > in->span.start)
				continue; /* a comment line inside the continuation */
		}
		return d[e - 1] == esc && e - 1 > in->span.start ? e - 1 : 0;
	}
	return 0;
}

size_t dfx_df_copy_sources(const struct dfx_df_instr *in, const char ***out)
{
	const char **v;
	size_t n = 0;

	*out = NULL;
	if (in->json) {
		if (in->argc < 2)
			return 0;
		v = dfx_xcalloc(in->argc, sizeof(*v));
		for (size_t i = 0; i + 1 < in->argc; i++)
			v[n++] = in->argv[i];
	} else {
		if (in->nwords < 2)
			return 0;
		v = dfx_xcalloc(in->nwords, sizeof(*v));
		for (size_t i = 0; i + 1 < in->nwords; i++)
			v[n++] = in->words[i].text;
	}
	*out = v;
	return n;
}

bool dfx_df_stage_from(const struct dfx_dockerfile *df, int t, int s)
{
	size_t guard = 0;

	while (t >= 0 && guard++ <= df->nstages) {
		if (t == s)
			return true;
		t = df->stages[t].parent;
	}
	return false;
}

struct argctx {
	const struct dfx_dockerfile *df;
	size_t at;
};

static const char *arg_lookup(void *p, const char *name)
{
	const struct argctx *a = p;

	return dfx_dockerfile_arg_default(a->df, a->at, name);
}

char *dfx_dockerfile_expand_at(const struct dfx_dockerfile *df, size_t at, const char *text)
{
	struct argctx a = {df, at};

	return dfx_dockerfile_expand(text, arg_lookup, &a);
}
