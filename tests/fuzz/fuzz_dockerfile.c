/*
 * fuzz_dockerfile.c - libFuzzer target for the Dockerfile parser
 * (src/dockerfile.c). Any input must either fail with a located error or
 * give a tree whose pieces print back to the input byte for byte, with
 * every span inside the file; the lookups must not crash on it.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude \
 *       tests/fuzz/fuzz_dockerfile.c src/dockerfile.c src/buf.c src/source.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/dockerfile.h"

static void check_span(const struct dfx_source *src, struct dfx_span sp)
{
	if (sp.start > sp.end || sp.end > src->len)
		abort();
}

static void check_instr(const struct dfx_source *src, const struct dfx_df_instr *in)
{
	size_t n = strlen(in->args_text);

	check_span(src, in->span);
	check_span(src, in->lines);
	check_span(src, in->keyword);
	check_span(src, in->args);
	for (size_t i = 0; i < n; i++)
		if (in->args_map[i] >= src->len || src->data[in->args_map[i]] != in->args_text[i])
			abort();
	for (size_t i = 0; i < in->nflags; i++)
		check_span(src, in->flags[i].span);
	for (size_t i = 0; i < in->nwords; i++)
		check_span(src, in->words[i].span);
	for (size_t i = 0; i < in->nkvs; i++) {
		check_span(src, in->kvs[i].span);
		check_span(src, in->kvs[i].key_span);
		check_span(src, in->kvs[i].value_span);
	}
	for (size_t i = 0; i < in->nheredocs; i++) {
		check_span(src, in->heredocs[i].body);
		check_span(src, in->heredocs[i].content_span);
		check_span(src, in->heredocs[i].word);
	}
	if (in->sub)
		check_instr(src, in->sub);
}

static const char *no_vars(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return "v";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dfx_source src;
	struct dfx_error err = {0};
	struct dfx_dockerfile *df;
	struct dfx_buf out = DFX_BUF_INIT;

	dfx_source_init_copy(&src, "fuzz", (const char *)data, size);
	df = dfx_dockerfile_parse(&src, &err);
	if (!df) {
		if (!err.message || !err.line)
			abort();
		dfx_error_release(&err);
		dfx_source_release(&src);
		return 0;
	}
	dfx_dockerfile_print(df, &out);
	if (out.len != size || (size && memcmp(out.ptr, data, size) != 0))
		abort();
	dfx_buf_release(&out);

	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		char *s;

		check_instr(&src, in);
		if (dfx_dockerfile_instr_at(df, in->lines.start) != in && in->lines.end > in->lines.start)
			abort();
		for (size_t k = 0; k < in->nkvs; k++)
			(void)dfx_dockerfile_arg_default(df, i, in->kvs[k].key);
		(void)dfx_dockerfile_suppressed(df, in, "DF201");
		s = dfx_dockerfile_expand(in->args_text, no_vars, NULL);
		free(s);
	}
	for (size_t i = 0; i < df->nstages; i++)
		check_span(&src, df->stages[i].image_span);
	for (size_t i = 0; i < df->npragmas; i++)
		check_span(&src, df->pragmas[i].text);
	dfx_dockerfile_free(df);
	dfx_source_release(&src);
	return 0;
}
