/*
 * dockfix.h - core types shared by every part of dockfix.
 *
 * Spans are half-open byte offsets into a source buffer; line and column are
 * computed from the source's line index only when a finding is reported.
 * Library code never prints or exits: it returns errors (struct dfx_error)
 * that the command layer reports as `path:line:col: error: message`.
 */
#ifndef DOCKFIX_H
#define DOCKFIX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DFX_VERSION "0.1.0"

/* Caps on untrusted input. Every cap hit is a clear error. */
#define DFX_MAX_FILE_SIZE (8u * 1024u * 1024u)
#define DFX_MAX_LINE_LEN (1024u * 1024u)

#if defined(__GNUC__)
#define DFX_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DFX_PRINTF(a, b)
#endif

/* ---------------------------------------------------------------- spans */

struct dfx_span {
	uint32_t start, end;
};

/* ---------------------------------------------------------------- buffer */

/*
 * A growing, always NUL-terminated byte buffer. Appends are checked; on
 * allocation failure the process aborts with a message (out of memory is
 * not recoverable for a command-line tool).
 */
struct dfx_buf {
	char *ptr;
	size_t len, cap;
};

#define DFX_BUF_INIT {NULL, 0, 0}

void dfx_buf_init(struct dfx_buf *b);
void dfx_buf_release(struct dfx_buf *b);
void dfx_buf_reset(struct dfx_buf *b);
void dfx_buf_add(struct dfx_buf *b, const void *p, size_t n);
void dfx_buf_adds(struct dfx_buf *b, const char *s);
void dfx_buf_addc(struct dfx_buf *b, char c);
void dfx_buf_addf(struct dfx_buf *b, const char *fmt, ...) DFX_PRINTF(2, 3);
void dfx_buf_vaddf(struct dfx_buf *b, const char *fmt, va_list ap);
/* Returns the string (caller frees) and leaves the buffer empty. */
char *dfx_buf_detach(struct dfx_buf *b);

/* FNV-1a over n bytes, continuing from h (start with DFX_FNV_OFFSET). */
#define DFX_FNV_OFFSET 14695981039346656037ull
uint64_t dfx_fnv1a(uint64_t h, const void *p, size_t n);

/* qsort(3) that does nothing for fewer than two elements (qsort's base must
   not be NULL, even for n = 0). */
void dfx_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* The first of the n sorted elements at base that cmp(key, element) does not put
   after key (cmp < 0: key before the element), n when none: where the run of
   elements equal to key starts. */
size_t dfx_lower_bound(const void *base, size_t n, size_t size, const void *key,
		       int (*cmp)(const void *key, const void *elem));

/* Checked allocation helpers: abort on out of memory. */
void *dfx_xmalloc(size_t n);
void *dfx_xcalloc(size_t n, size_t size);
void *dfx_xrealloc(void *p, size_t n);
char *dfx_xstrdup(const char *s);
char *dfx_xstrndup(const char *s, size_t n);
char *dfx_xasprintf(const char *fmt, ...) DFX_PRINTF(1, 2);

/* Grow a dynamic array `*arr` of `*cap` elements so that index `need-1` fits. */
#define DFX_GROW(arr, need, cap)                                              \
	do {                                                                  \
		if ((need) > (cap)) {                                         \
			size_t dfx_nc_ = (cap) ? (cap) * 2 : 8;               \
			while (dfx_nc_ < (need))                              \
				dfx_nc_ *= 2;                                 \
			(arr) = dfx_xrealloc((arr), dfx_nc_ * sizeof(*(arr))); \
			(cap) = dfx_nc_;                                      \
		}                                                             \
	} while (0)

/* ---------------------------------------------------------------- source */

/*
 * The bytes of one file plus the offsets at which its lines start.
 * `data` is always NUL-terminated (data[len] == 0) but may contain NULs.
 */
struct dfx_source {
	char *path;       /* path as given / discovered (display form) */
	char *data;
	size_t len;
	uint32_t *lines;  /* lines[i] = offset of the first byte of line i+1 */
	size_t nlines;
};

struct dfx_error {
	char *path;
	unsigned line, col; /* 1-based; 0 when unknown */
	char *message;
};

/* Takes ownership of data (malloc'd, len bytes + NUL). */
void dfx_source_init(struct dfx_source *s, const char *path, char *data, size_t len);
/* Copies data. */
void dfx_source_init_copy(struct dfx_source *s, const char *path, const char *data, size_t len);
/* Reads a regular file with the size cap. Returns 0, or -1 with *err filled. */
int dfx_source_load(struct dfx_source *s, const char *path, struct dfx_error *err);
void dfx_source_release(struct dfx_source *s);
/* 1-based line and column (column counts bytes) of a byte offset. */
void dfx_source_linecol(const struct dfx_source *s, uint32_t off, unsigned *line, unsigned *col);
/* Span [start,end) of line `line` (1-based) without its line terminator. */
struct dfx_span dfx_source_line(const struct dfx_source *s, unsigned line);
/* True when the file has a UTF-8 BOM, CRLF line ends, a NUL byte. */
bool dfx_source_has_bom(const struct dfx_source *s);
bool dfx_source_is_crlf(const struct dfx_source *s);
bool dfx_source_is_binary(const struct dfx_source *s);
/* The line ending to use for inserted text: "\r\n" or "\n". */
const char *dfx_source_eol(const struct dfx_source *s);

void dfx_error_set(struct dfx_error *e, const char *path, unsigned line, unsigned col,
		   const char *fmt, ...) DFX_PRINTF(5, 6);
void dfx_error_release(struct dfx_error *e);

/*
 * Showing file text (src/base/excerpt.c). Control characters, C1 controls
 * and bytes that are not UTF-8 become `\xNN`, so a file's bytes or name can
 * never act on a terminal or a CI log.
 */
void dfx_buf_add_printable(struct dfx_buf *b, const char *s, size_t n);
void dfx_buf_adds_printable(struct dfx_buf *b, const char *s);
char *dfx_printable(const char *s); /* caller frees */

/* A source line made printable, with a caret line under a span. */
struct dfx_excerpt {
	unsigned line;
	char *text, *caret; /* caret: '^' under the span, tabs kept for alignment */
};

/*
 * Line `line` of `s` as dfx_buf_add_printable() shows it (tabs kept), the
 * bytes of each `hide` span (sorted by start, not overlapping) replaced by
 * dfx_redact() of them, and a caret line marking `mark` (one caret at its
 * start when it is empty or past the line's end).
 */
void dfx_source_excerpt(const struct dfx_source *s, unsigned line, struct dfx_span mark, const struct dfx_span *hide,
			size_t nhide, struct dfx_excerpt *x);
void dfx_excerpt_release(struct dfx_excerpt *x);

/* ---------------------------------------------------------------- severity */

enum dfx_severity {
	DFX_SEV_NONE = 0, /* only for --fail-on none */
	DFX_SEV_LOW,
	DFX_SEV_MEDIUM,
	DFX_SEV_HIGH,
	DFX_SEV_CRITICAL,
};

const char *dfx_severity_name(enum dfx_severity s);      /* "low" ... */
int dfx_severity_parse(const char *s, enum dfx_severity *out); /* 0 ok, -1 bad */

/* Ordered: display-only < unsafe < safe, as in ruff. */
enum dfx_applicability {
	DFX_FIX_NONE = 0,
	DFX_FIX_UNSAFE,
	DFX_FIX_SAFE,
};

const char *dfx_applicability_name(enum dfx_applicability a);

/* ---------------------------------------------------------------- files */

enum dfx_kind {
	DFX_KIND_UNKNOWN = 0,
	DFX_KIND_DOCKERFILE,
	DFX_KIND_COMPOSE,
	DFX_KIND_DOCKERIGNORE,
	DFX_KIND_GITIGNORE,
	DFX_KIND_IMAGE,   /* docker inspect / history JSON */
	DFX_KIND_ENVFILE, /* .env files: must be git-ignored */
};

/* ---------------------------------------------------------------- edits */

/* Flags of an edit. */
#define DFX_EDIT_SECRET 1u /* creates a secret file: never shown, mode 0600 */

/*
 * One byte-range replacement in one file. Insert: start == end. Delete:
 * text "". An edit on a path that does not exist creates the file (it must
 * then be an insert at 0).
 */
struct dfx_edit {
	char *path;
	uint32_t start, end;
	char *text;
	unsigned flags;
	unsigned mode; /* for created files; 0 = default (0644, 0600 if secret) */
};

/*
 * A fix: edits applied together or not at all. `paths` lists the YAML paths
 * (`/services/db/ports/0`, prefix match) a compose fix means to change; the
 * verifier rejects a fix whose result differs elsewhere.
 */
struct dfx_fix {
	enum dfx_applicability applicability;
	char *description;
	struct dfx_edit *edits;
	size_t nedits, cap;
	char **paths;
	size_t npaths, pcap;
	/* Fix group: the fixes of one rule's findings in one file that share a
	   nonzero group are applied together or not at all (in one pass,
	   verified as one). Edits that several members need (one append to
	   .env, one `secrets:` block) are carried by one member; the others may
	   carry no edits of their own. 0: the fix stands alone. */
	unsigned group;
};

struct dfx_fix *dfx_fix_new(enum dfx_applicability a, const char *fmt, ...) DFX_PRINTF(2, 3);
void dfx_fix_free(struct dfx_fix *f);
void dfx_fix_edit(struct dfx_fix *f, const char *path, uint32_t start, uint32_t end,
		  const char *text);
/* Create a new file (insert at 0 of a missing file). */
void dfx_fix_create(struct dfx_fix *f, const char *path, const char *text, unsigned flags,
		    unsigned mode);
void dfx_fix_path(struct dfx_fix *f, const char *yaml_path);

/* ---------------------------------------------------------------- rules */

struct dfx_ctx;

struct dfx_rule {
	const char *code;      /* "DF201" */
	const char *name;      /* "runs-as-root" */
	enum dfx_severity severity;
	enum dfx_kind kind;    /* which files it checks */
	enum dfx_applicability fix; /* best applicability of its fix, or NONE */
	const char *summary;   /* one line */
	const char *what;      /* What it does */
	const char *why;       /* Why is this bad */
	const char *example;   /* Example */
	const char *instead;   /* Use instead */
	const char *fix_safety;/* Fix safety */
	const char *refs;      /* References */
	const char *supersedes;/* codes whose findings this rule's findings make
	                          redundant where they overlap ("DC101"), or NULL */
	void (*check)(struct dfx_ctx *ctx);
};

/* The sorted registry of every rule. */
extern const struct dfx_rule *const dfx_rules[];
extern const size_t dfx_nrules;
const struct dfx_rule *dfx_rule_find(const char *code);

/* ---------------------------------------------------------------- findings */

struct dfx_finding {
	const struct dfx_rule *rule;
	enum dfx_severity severity; /* after config overrides */
	const struct dfx_source *src;  /* the file the span is in */
	struct dfx_span span;
	char *message;   /* never contains a secret value */
	char *hint;      /* what to do by hand, or NULL */
	struct dfx_span secret; /* bytes of a secret value to redact when the
	                           source line is shown (empty: none) */
	struct dfx_fix *fix; /* or NULL */
};

struct dfx_findings {
	struct dfx_finding *v;
	size_t n, cap;
};

void dfx_findings_release(struct dfx_findings *fs);
/* Free what one finding owns (message, hint, fix): a finding dropped from a list. */
void dfx_finding_release(struct dfx_finding *f);
/* Sort by path, then position, then code (deterministic output). */
void dfx_findings_sort(struct dfx_findings *fs);

/* ---------------------------------------------------------------- redaction */

/* "sk_l…(32 chars)": at most 4 leading characters of a secret, and its length. */
char *dfx_redact(const char *value, size_t len);

#endif
