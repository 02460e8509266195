/*
 * df402.c - DF402 add-instead-of-copy: ADD of local files or directories
 * that are not archives (no URL, no git source, no .tar/.tgz/.gz/.bz2/
 * .xz/.zst name that ADD would unpack). ADD's extra powers - fetching
 * URLs and unpacking local tar archives by their content - make it do
 * more than the reader expects. Safe fix: the keyword ADD becomes COPY.
 * hadolint DL3020; Trivy DS-0005; Checkov CKV_DOCKER_4; Semgrep
 * prefer-copy-over-add; CIS Docker Benchmark 4.9.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dfhelp.h"
#include "dockfix/rule.h"

struct argctx {
	const struct dfx_dockerfile *df;
	size_t at;
};

static const char *lookup(void *p, const char *name)
{
	const struct argctx *a = p;

	return dfx_dockerfile_arg_default(a->df, a->at, name);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

/* Names ADD may unpack: tar archives, plain or compressed. */
static bool archive_name(const char *s)
{
	static const char *const ext[] = {".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tzst", ".tlz",
					  ".gz", ".bz2", ".xz", ".zst", ".zstd", ".lz4", ".lz", ".lzma", ".z", NULL};
	size_t n = strlen(s);

	while (n && (s[n - 1] == '/'))
		n--;
	for (size_t k = 0; ext[k]; k++) {
		size_t e = strlen(ext[k]);

		if (n >= e && !strncasecmp(s + n - e, ext[k], e))
			return true;
	}
	/* a wildcard that may match archives: "*" at the end of a name */
	return ends_with(s, "*") || ends_with(s, ".t*");
}

static bool remote(const char *s)
{
	return strstr(s, "://") != NULL || !strncmp(s, "git@", 4);
}

/* 1 local non-archive, 0 archive or remote, -1 unknown (unresolved variable). */
static int local_file(const struct dfx_dockerfile *df, size_t at, const char *raw, const char *text)
{
	char *v;
	int r;

	if (strchr(raw, '$')) {
		struct argctx a = {df, at};

		v = dfx_dockerfile_expand(text, lookup, &a);
		if (!*v || strchr(v, '$')) {
			free(v);
			return -1;
		}
	} else {
		v = dfx_xstrdup(text);
	}
	r = remote(v) || archive_name(v) ? 0 : 1;
	free(v);
	return r;
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		size_t nlocal = 0, nother = 0, nunknown = 0, nsrc;
		bool flags_ok = true;
		struct dfx_finding *f;

		if (!dfx_df_is(in, "ADD"))
			continue;
		if (in->nheredocs) {
			nlocal = 1;
		} else if (in->json) {
			if (in->argc < 2)
				continue;
			for (size_t k = 0; k + 1 < in->argc; k++) {
				int r = local_file(df, i, in->argv[k], in->argv[k]);
				nlocal += r == 1, nother += r == 0, nunknown += r < 0;
			}
		} else {
			if (in->nwords < 2)
				continue;
			for (size_t k = 0; k + 1 < in->nwords; k++) {
				int r = local_file(df, i, in->words[k].raw, in->words[k].text);
				nlocal += r == 1, nother += r == 0, nunknown += r < 0;
			}
		}
		nsrc = nlocal + nother + nunknown;
		if (!nlocal || nunknown)
			continue;
		for (size_t k = 0; k < in->nflags; k++) {
			const char *n = in->flags[k].name;

			if (strcmp(n, "chown") && strcmp(n, "chmod") && strcmp(n, "link") && strcmp(n, "exclude"))
				flags_ok = false;
		}
		if (nother) {
			f = dfx_emit(ctx, in->keyword,
				       "ADD mixes local files with archives or URLs: COPY the %zu local source%s "
				       "separately",
				       nlocal, nlocal > 1 ? "s" : "");
			if (f)
				f->hint = dfx_xstrdup("split the instruction: COPY for the plain files, ADD only "
						      "for the archive it must unpack or the URL it fetches");
			continue;
		}
		const char *unread = NULL, *arch = NULL;
		size_t n = in->json ? in->argc : in->nwords;

		/* ADD unpacks a tar archive by its content: look at the bytes */
		for (size_t k = 0; !in->nheredocs && k + 1 < n && !arch; k++) {
			const char *s = in->json ? in->argv[k] : in->words[k].text;

			switch (dfx_dfhelp_context_source(ctx->ws, ctx->file->context, s)) {
			case DFX_SRC_ARCHIVE:
				arch = s;
				break;
			case DFX_SRC_UNKNOWN:
				unread = unread ? unread : s;
				break;
			default:
				break;
			}
		}
		if (arch)
			continue; /* an archive by its bytes: ADD unpacks it, as intended */
		f = dfx_emit(ctx, in->keyword,
			       "ADD copies %s here: use COPY, which does only that (ADD also fetches URLs and "
			       "unpacks any local tar archive by its content)",
			       in->nheredocs ? "inline (heredoc) content" :
			       nsrc == 1 ? "a local file or directory" : "local files");
		if (!f)
			continue;
		if (!flags_ok) {
			f->hint = dfx_xstrdup("replace ADD by COPY and drop the ADD-only flags "
					      "(--checksum, --keep-git-dir, --unpack)");
			continue;
		}
		{
			const char *kw = df->src->data + in->keyword.start;
			bool lower = kw[0] >= 'a' && kw[0] <= 'z';

			if (unread)
				f->fix = dfx_fix_new(DFX_FIX_UNSAFE,
						     "replace ADD by COPY (unsafe: %s is not in the build context "
						     "dockfix can read, so it cannot tell it is no archive ADD unpacks)",
						     unread);
			else
				f->fix = dfx_fix_new(DFX_FIX_SAFE, "replace ADD by COPY");
			dfx_fix_edit(f->fix, ctx->file->path, in->keyword.start, in->keyword.end, lower ? "copy" : "COPY");
		}
	}
}

const struct dfx_rule dfx_rule_df402 = {
	.code = "DF402",
	.name = "add-instead-of-copy",
	.severity = DFX_SEV_LOW,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_SAFE,
	.summary = "ADD is used to copy local files; COPY does only that",
	.what = "Finds ADD instructions whose sources are all local files or directories that are not "
		"archives: no `http(s)://` or git URL, no name ending in .tar, .tgz, .gz, .bz2, .xz, "
		".zst (or their tar short forms) that ADD would unpack, no trailing wildcard that may "
		"match one. Sources with variables are resolved through ARG defaults; a source that "
		"stays unresolved is not judged. ADD heredocs count as local. An ADD that mixes local "
		"files with archives or URLs is reported with a hint to split it.",
	.why = "ADD unpacks a local tar archive based on its content, not its name, and fetches "
	       "URLs: a file that happens to be a tarball is silently exploded into the destination, "
	       "and a reviewer cannot tell from the line which of its behaviours it relies on. COPY "
	       "copies, nothing else, and is the instruction Docker's best practices ask for.",
	.example = "ADD requirements.txt /app/\nADD src/ /app/src/",
	.instead = "COPY requirements.txt /app/\nCOPY src/ /app/src/",
	.fix_safety = "Safe when dockfix reads every source in the build context and none is an archive "
		      "by its bytes (a tar header, or gzip, bzip2, xz, zstd or lz4 data), or the source is a "
		      "directory or a heredoc: then COPY puts the same bytes in the image. The fix only "
		      "changes the keyword (keeping its case); COPY accepts the same --chown, --chmod, "
		      "--link and --exclude flags. A source dockfix cannot read makes the fix unsafe; one "
		      "that is an archive under another name gets a hint. ADDs with ADD-only flags "
		      "(--checksum, --keep-git-dir, --unpack) get a hint instead.",
	.refs = "hadolint DL3020; Trivy DS-0005 (AVD-DS-0005); Checkov CKV_DOCKER_4; Semgrep "
		"dockerfile.best-practice.prefer-copy-over-add; CIS Docker Benchmark 4.9",
	.check = check,
};
