/*
 * dockerfile_query.c - questions rules ask of a Dockerfile tree: the final
 * stage, the image a stage is built from, the sources of a COPY, and the
 * text that inserts lines after an instruction.
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

	if (end == 0 || s->data[end - 1] != '\n')
		return dfx_xasprintf("%s%s", dfx_source_eol(s), lines);
	return dfx_xstrdup(lines);
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
