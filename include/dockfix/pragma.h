/*
 * pragma.h - suppression comments, read the same way in Dockerfiles and
 * compose files: dockfix's own `# dockfix ignore=CODE[,CODE]` and `#
 * dockfix global ignore=...`, hadolint's `# hadolint ignore=DL3002` and `#
 * hadolint global ignore=...` (Dockerfiles), and BuildKit's `# check=skip=`
 * directive (Dockerfiles, read by the Dockerfile parser). The parse keeps
 * the span of every code so that an unused one can be removed byte-exactly.
 */
#ifndef DOCKFIX_PRAGMA_H
#define DOCKFIX_PRAGMA_H

#include "dockfix/core.h"

enum dfx_pragma_tool {
	DFX_PRAGMA_DOCKFIX = 1,
	DFX_PRAGMA_HADOLINT,
	DFX_PRAGMA_BUILDKIT, /* # check=skip=A,B (a parser directive) */
};

/* No instruction: a pragma that applies to nothing, or a global one. */
#define DFX_PRAGMA_NO_TARGET UINT32_MAX

struct dfx_pragma {
	enum dfx_pragma_tool tool;
	bool global;
	const char *error;      /* malformed: why (static text), else NULL; never applied */
	struct dfx_span text;   /* the comment from '#' to the end of its line (no line break) */
	struct dfx_span *codes; /* each code as written */
	size_t ncodes;
	uint32_t target;        /* Dockerfile: index of the instruction it applies to */
	uint64_t used;          /* bit i: codes[i] suppressed a finding in the last check
	                           (codes past the 64th always count as used) */
};

/*
 * Read the comment at d[h..e) (d[h] == '#', e its end of line, a '\r'
 * before it excluded by the caller or here) as a dockfix or, when
 * `hadolint`, a hadolint pragma. Returns false when it is no pragma
 * (ordinary comment); true with *pg filled (codes allocated, pg->error
 * set when it is malformed: `# dockfix ignore` without codes).
 */
bool dfx_pragma_parse(const char *d, uint32_t h, uint32_t e, bool hadolint, struct dfx_pragma *pg);
void dfx_pragma_release(struct dfx_pragma *pg);
/* Whether code i was used in the last check (and mark it). */
bool dfx_pragma_used(const struct dfx_pragma *pg, size_t i);
void dfx_pragma_mark(struct dfx_pragma *pg, size_t i);
/* Code i of pg in text d equals `code`, case-insensitively. */
bool dfx_pragma_code_is(const struct dfx_pragma *pg, const char *d, size_t i, const char *code);

#endif
