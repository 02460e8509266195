/*
 * fuzz_json.c - libFuzzer target for the strict JSON parser (src/json.c)
 * and the `dockfix inspect` model on top of it (src/inspect.c). Any input
 * must either fail with a located error (line/col inside the input) or give
 * a tree whose every span lies inside the input and inside its parent's,
 * strings that start and end with a quote, and a monotonic decoded-to-raw
 * offset map.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -D_DEFAULT_SOURCE \
 *       tests/fuzz/fuzz_json.c src/json.c src/inspect.c src/buf.c src/source.c src/finding.c
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/inspect.h"
#include "dockfix/json.h"

static void check(const char *data, size_t len, const struct dfx_json *v, struct dfx_span outer)
{
	if (v->span.start > v->span.end || v->span.end > len || v->span.start < outer.start ||
	    v->span.end > outer.end)
		abort();
	if (v->key && (v->key_span.end > v->span.start || v->key_span.start < outer.start))
		abort();
	if (v->type == DFX_JSON_STRING) {
		uint32_t prev = v->span.start + 1;

		if (data[v->span.start] != '"' || data[v->span.end - 1] != '"' || v->str[v->len] != '\0')
			abort();
		for (size_t i = 0; i <= v->len; i++) {
			uint32_t r = dfx_json_raw_offset(data, v, i);

			if (r < prev || r > v->span.end - 1)
				abort();
			prev = r;
		}
	}
	for (size_t i = 0; i < v->nkids; i++)
		check(data, len, &v->kids[i], v->span);
}

int LLVMFuzzerTestOneInput(const unsigned char *buf, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *buf, size_t len)
{
	struct dfx_json_error err;
	struct dfx_json_doc *doc;
	struct dfx_span all = {0, (uint32_t)len};
	struct dfx_source src;
	struct dfx_inspect in;
	struct dfx_error e = {0};

	for (unsigned flags = 0; flags <= DFX_JSON_SEQ; flags += DFX_JSON_SEQ) {
		doc = dfx_json_parse((const char *)buf, len, flags, &err);
		if (!doc) {
			if (err.line < 1 || err.col < 1 || err.off > len || !err.msg[0])
				abort();
			continue;
		}
		check((const char *)buf, len, doc->root, all);
		dfx_json_free(doc);
	}
	dfx_source_init_copy(&src, "fuzz.json", (const char *)buf, len);
	if (dfx_inspect_parse(&in, &src, &e) == 0)
		dfx_inspect_release(&in);
	dfx_error_release(&e);
	dfx_source_release(&src);
	return 0;
}
