/*
 * yamltree.h - lossless YAML span tree, text-edit helpers and the libyaml
 * verifier used for Docker Compose files.
 *
 * The tree (yamltree.c) is built from libfyaml's event API (fy_parser_parse,
 * event marks; fy_mark.input_pos is a byte offset; see the libfyaml
 * documentation), following the YAML 1.2 grammar (yaml.org/spec/1.2.2) as
 * libfyaml 0.7.12 implements it, with corrections where its marks leave out
 * parts of a node. It never copies or normalises the source: nodes
 * are views (byte spans) on the caller's buffer, which must outlive the tree.
 * Aliases are never expanded; `<<` merge keys are resolved lazily by the
 * lookup helpers (yaml_query.c) under a visit budget.
 *
 * Edits (yaml_edit.c; insertions in yaml_insert.c) are (start, end, text)
 * byte replacements on the original buffer, in the file's own style (indent
 * step, sequence dash indentation, quoting, line ending). The verifier (yaml_verify.c) re-parses
 * a rewritten file with libyaml, an independent parser, and compares the
 * flattened `path = value` listings of old and new.
 *
 * Paths are JSON-pointer-like: "/services/db/ports/0"; a '~' in a key is
 * written "~0" and a '/' is written "~1". The root is "/".
 */
#ifndef DOCKFIX_YAML_H
#define DOCKFIX_YAML_H

#include "dockfix/core.h"

/* Caps on untrusted input (the file size cap is DFX_MAX_FILE_SIZE). */
#define DFX_YAML_MAX_DEPTH 64
#define DFX_YAML_MAX_NODES 1000000u
#define DFX_YAML_MAX_DOCS 256
/*
 * Node visits that lookups (through merge keys and aliases) may spend per
 * tree: this, plus 8 per node of the tree, so that big files still work
 * while an alias bomb stops early.
 */
#define DFX_YAML_VISIT_BUDGET 1000000ul

enum dfx_yaml_type {
	DFX_YAML_SCALAR = 1,
	DFX_YAML_MAPPING,
	DFX_YAML_SEQUENCE,
	DFX_YAML_ALIAS,
};

enum dfx_yaml_style {
	DFX_YAML_PLAIN,
	DFX_YAML_SINGLE,   /* 'single quoted' */
	DFX_YAML_DOUBLE,   /* "double quoted" */
	DFX_YAML_LITERAL,  /* | */
	DFX_YAML_FOLDED,   /* > */
	DFX_YAML_BLOCK,    /* block mapping / sequence */
	DFX_YAML_FLOW,     /* { } / [ ] (also a bare `k: v` pair inside [ ]) */
};

struct dfx_yaml_node;

struct dfx_yaml_pair {
	struct dfx_yaml_node *key;
	struct dfx_yaml_node *value;
};

/*
 * One node. All spans are half-open byte offsets into the parsed buffer.
 *
 *   span   the whole node: properties (&anchor, !tag), quotes, the '*' of an
 *          alias, the `|`/`>` header of a block scalar, the brackets of a
 *          flow collection; a block collection ends at the end of its last
 *          child (trailing comments and blank lines are not part of it)
 *   tok    the node without its properties
 *   inner  scalars: the content (between the quotes; for block scalars from
 *          the first content character to the end of the last content line);
 *          other nodes: same as tok
 *
 * An implicit null (`key:` or `- ` with nothing after it) is a scalar with
 * empty == true and zero-width spans just after the ':' or '-'.
 */
struct dfx_yaml_node {
	enum dfx_yaml_type type;
	enum dfx_yaml_style style;
	bool empty;
	bool is_key;                 /* a key of its parent mapping */
	uint16_t depth;              /* root = 0 */
	uint32_t index;              /* pair index in a parent mapping, item index in a sequence */
	uint32_t entry;              /* where its entry starts: the key of its pair, the '-' of a block item */
	struct dfx_span span, tok, inner;
	struct dfx_span anchor_span; /* "&name", {0,0} when none */
	struct dfx_span tag_span;    /* "!tag", {0,0} when none */
	const char *value;           /* scalar: decoded value; alias: the anchor name */
	size_t vlen;                 /* bytes of value (it may contain NUL) */
	const char *anchor;          /* anchor name, or NULL */
	const char *tag;             /* tag as written ("!!str", "!reset"), or NULL */
	struct dfx_yaml_node *parent;
	struct dfx_yaml_node *target; /* alias: the anchored node it names */
	struct dfx_yaml_pair *pairs;  /* mapping: n pairs in file order */
	struct dfx_yaml_node **items; /* sequence: n items in file order */
	size_t n;
};

struct dfx_yaml_arena;
struct dfx_yaml_layout;

/* A parsed YAML stream: one document, or several separated by `---`. */
struct dfx_yaml {
	const char *data;           /* borrowed: the parsed bytes */
	size_t len;
	struct dfx_yaml_node *root; /* the first document; NULL when the stream holds none */
	struct dfx_yaml_node **docs; /* every document's root, in order (docs[0] == root) */
	size_t ndocs;
	size_t nnodes;
	unsigned long visits;       /* lookup visits spent */
	unsigned long budget;       /* visits allowed (see DFX_YAML_VISIT_BUDGET) */
	bool budget_spent;          /* a lookup stopped because the budget ran out */
	struct dfx_yaml_arena *arena;
	struct dfx_yaml_layout *layout; /* inferred lazily by the edit helpers */
};

/*
 * Parse `len` bytes (one or more YAML documents; anchors are per document).
 * Returns the tree, or NULL with
 * *err set to `path:line:col: message` parts (1-based line, byte column) for
 * invalid YAML, invalid UTF-8 or control characters, duplicate mapping keys,
 * an unknown alias, or a cap (size, depth, node count, documents).
 * Never crashes on any input. `data` must outlive the tree.
 */
struct dfx_yaml *dfx_yaml_parse(const char *data, size_t len, const char *path,
				struct dfx_error *err);
void dfx_yaml_free(struct dfx_yaml *t);

/*
 * Rebuild the source text from the tree: the gaps between nodes, and each
 * node's own span, walked in order. Equal to the input when the spans are
 * consistent; returns -1 (and stops) when a span is out of order.
 */
int dfx_yaml_print(const struct dfx_yaml *t, struct dfx_buf *out);

/* ---------------------------------------------------------------- lookups */

/* The node an alias names (one step: aliases cannot carry anchors); other nodes as is. */
const struct dfx_yaml_node *dfx_yaml_resolve(const struct dfx_yaml_node *n);

/*
 * A mapping entry found by a lookup. `key` and `value` are the nodes as
 * written, in whichever mapping holds the pair (`map`): when the pair came
 * from a `<<` merge they are in the anchored mapping, so an edit there
 * changes every user of the anchor. `node` is `value` with an alias
 * resolved. `via` is the first alias followed (the `*a` of the merge, or
 * the value itself when it is an alias), NULL when the entry is written
 * directly in the mapping asked.
 */
struct dfx_yaml_ref {
	const struct dfx_yaml_node *map;
	const struct dfx_yaml_node *key;
	const struct dfx_yaml_node *value;
	const struct dfx_yaml_node *node;
	const struct dfx_yaml_node *via;
	bool from_anchor; /* via != NULL */
};

/*
 * Look `key` up in mapping `map` (an alias to a mapping is followed): its
 * own pairs first, then the `<<` merge sources in order (`<<: *a` or
 * `<<: [*a, *b]`, recursively). Returns 1 and fills *ref when found, 0 when
 * not, -1 when the tree's visit budget is spent (t->budget_spent is set).
 */
int dfx_yaml_map_get(struct dfx_yaml *t, const struct dfx_yaml_node *map, const char *key,
		     struct dfx_yaml_ref *ref);
/* Shorthand: the resolved value of `key`, or NULL. */
const struct dfx_yaml_node *dfx_yaml_get(struct dfx_yaml *t, const struct dfx_yaml_node *map,
					 const char *key);
/*
 * Call fn for every effective entry of a mapping, merges applied: own pairs
 * in file order (`<<` entries themselves skipped), then merged pairs whose
 * key was not seen before. Returns 0, fn's first non-zero return, or -1
 * when the visit budget is spent.
 */
int dfx_yaml_map_foreach(struct dfx_yaml *t, const struct dfx_yaml_node *map,
			 int (*fn)(const struct dfx_yaml_ref *ref, void *arg), void *arg);

/* Sequence length and item i with an alias resolved (NULL when out of range / not a sequence). */
size_t dfx_yaml_seq_len(const struct dfx_yaml_node *seq);
const struct dfx_yaml_node *dfx_yaml_seq_item(const struct dfx_yaml_node *seq, size_t i);

/* A plain `<<` key (optionally tagged !!merge). */
bool dfx_yaml_is_merge_key(const struct dfx_yaml_node *key);
/* Scalar text of a (resolved) scalar, or NULL for other nodes. */
const char *dfx_yaml_str(const struct dfx_yaml_node *n);
/* True when a scalar's value equals s. */
bool dfx_yaml_str_eq(const struct dfx_yaml_node *n, const char *s);
/* Null: an implicit empty value, or plain ~ / null / Null / NULL. */
bool dfx_yaml_is_null(const struct dfx_yaml_node *n);

enum dfx_yaml_truth {
	DFX_YAML_NOT_BOOL = 0,
	DFX_YAML_FALSE,
	DFX_YAML_TRUE,
};
/*
 * Boolean reading of a scalar as Docker Compose may take it: YAML 1.1 and
 * 1.2 plain forms (true/True/TRUE, yes, on, y and the false forms), and
 * quoted strings that Compose converts ("true", "yes", "on", "1", any case).
 */
enum dfx_yaml_truth dfx_yaml_truth(const struct dfx_yaml_node *n);
bool dfx_yaml_is_true(const struct dfx_yaml_node *n);

/* The deepest node whose span contains `off` (a key or value; NULL when none). */
const struct dfx_yaml_node *dfx_yaml_node_at(const struct dfx_yaml *t, uint32_t off);
/* Append the path of a node ("/services/db/ports/0"; a key gives its pair's path). */
void dfx_yaml_node_path(const struct dfx_yaml_node *n, struct dfx_buf *out);
/*
 * Where a node's entry begins: the key of a mapping pair (its properties
 * included) or the '-' of a block sequence item; the node's span otherwise.
 */
uint32_t dfx_yaml_entry_start(const struct dfx_yaml *t, const struct dfx_yaml_node *n);

/* ---------------------------------------------------------------- edits */

/* One byte-range replacement on the parsed buffer (insert: start == end). */
struct dfx_yaml_edit {
	uint32_t start, end;
	char *text;
};

struct dfx_yaml_edits {
	struct dfx_yaml_edit *v;
	size_t n, cap;
	char *why; /* why the last helper declined (-1), or NULL */
};

/* The file's style, inferred from its own lines. */
struct dfx_yaml_layout {
	unsigned indent;      /* mapping indent step (2 when unknown) */
	unsigned seq_indent;  /* columns from a key to the '-' of its block sequence (0: indentless) */
	const char *eol;      /* "\r\n" or "\n" */
	char quote;           /* '"' or '\'' for new quoted scalars */
	bool final_newline;   /* the file ends with a line break */
	bool blank_between_top; /* top-level entries are separated by blank lines */
};

void dfx_yaml_edits_init(struct dfx_yaml_edits *e);
void dfx_yaml_edits_release(struct dfx_yaml_edits *e);
/* Append one edit (text copied). */
void dfx_yaml_edits_add(struct dfx_yaml_edits *e, uint32_t start, uint32_t end, const char *text);
/* Add every edit to a fix, on file `path`. */
void dfx_yaml_edits_to_fix(const struct dfx_yaml_edits *e, struct dfx_fix *f, const char *path);
/*
 * Apply edits to data (sorted by position; inserts at one point keep their
 * order). Returns the new bytes (NUL-terminated, caller frees) and *outlen,
 * or NULL when two edits overlap.
 */
char *dfx_yaml_edits_apply(const char *data, size_t len, const struct dfx_yaml_edits *e,
			   size_t *outlen);

/* The inferred style (computed once per tree). */
const struct dfx_yaml_layout *dfx_yaml_layout_of(struct dfx_yaml *t);

/*
 * Render a string as a YAML scalar in the file's style: plain when it is a
 * safe plain scalar that reads back as the same string, else quoted with
 * the file's quote (double quotes when escapes are needed). `flow`: for use
 * inside [ ] or { }.
 */
void dfx_yaml_render_scalar(struct dfx_yaml *t, const char *value, bool flow, struct dfx_buf *out);

/*
 * The helpers below append edits to *out and return 0, or return -1 with
 * out->why set (and nothing appended) when they decline. An alias node is
 * followed to its anchor's definition: the edit lands there, never at the
 * alias.
 *
 * `yaml` arguments are YAML text for a value, written in canonical style
 * (2-space indent, `- ` items indented under their key, LF): "true",
 * "/run/secrets/db", "[ALL]", "- a\n- b", "file: ./x.txt". It is re-emitted
 * in the file's style (indentation, sequence style, line ending, quote
 * character; as flow text inside a flow collection). Block scalars are not
 * supported there.
 */

/* Replace a scalar's value, keeping its style (escaping per style; a plain
   scalar is quoted when the new value needs it). */
int dfx_yaml_edit_replace_scalar(struct dfx_yaml *t, const struct dfx_yaml_node *n,
				 const char *value, struct dfx_yaml_edits *out);
/* Insert text before / after a scalar's value (a minimal edit; e.g. "127.0.0.1:"). */
int dfx_yaml_edit_scalar_prepend(struct dfx_yaml *t, const struct dfx_yaml_node *n,
				 const char *prefix, struct dfx_yaml_edits *out);
int dfx_yaml_edit_scalar_append(struct dfx_yaml *t, const struct dfx_yaml_node *n,
				const char *suffix, struct dfx_yaml_edits *out);
/*
 * Replace bytes [from, to) of a scalar's value with text: in place when the
 * scalar's text in the file is its value byte for byte (plain or quoted, no
 * escapes, one line), so nothing else of it changes; otherwise the whole
 * value is replaced as by dfx_yaml_edit_replace_scalar.
 */
int dfx_yaml_edit_scalar_splice(struct dfx_yaml *t, const struct dfx_yaml_node *n, size_t from, size_t to,
				const char *text, struct dfx_yaml_edits *out);
/* Rename a mapping key (its quote style kept). */
int dfx_yaml_edit_rename_key(struct dfx_yaml *t, const struct dfx_yaml_node *key,
			     const char *name, struct dfx_yaml_edits *out);
/* Add `key: <yaml>` as the last entry of a block or flow mapping (yaml NULL: `key:`). */
int dfx_yaml_edit_map_insert(struct dfx_yaml *t, const struct dfx_yaml_node *map,
			     const char *key, const char *yaml, struct dfx_yaml_edits *out);
/* Same with a string value, rendered by dfx_yaml_render_scalar(). */
int dfx_yaml_edit_map_insert_scalar(struct dfx_yaml *t, const struct dfx_yaml_node *map,
				    const char *key, const char *value, struct dfx_yaml_edits *out);
/* Append an item to a block or flow sequence. */
int dfx_yaml_edit_seq_append(struct dfx_yaml *t, const struct dfx_yaml_node *seq,
			     const char *yaml, struct dfx_yaml_edits *out);
int dfx_yaml_edit_seq_append_scalar(struct dfx_yaml *t, const struct dfx_yaml_node *seq,
				    const char *value, struct dfx_yaml_edits *out);
/*
 * Insert an item in front of the first item of a block or flow sequence
 * (block: a line of its own at the first item's indentation, which must
 * start its line); an empty sequence gets it appended.
 */
int dfx_yaml_edit_seq_prepend(struct dfx_yaml *t, const struct dfx_yaml_node *seq,
			      const char *yaml, struct dfx_yaml_edits *out);
/*
 * Delete the entry holding n: a mapping pair (n is its key or value) or a
 * sequence item. Block entries go as whole lines (comment lines above stay);
 * flow entries go with their comma. The last entry of a collection leaves
 * `{}` / `[]` so that the parent keeps its type.
 */
int dfx_yaml_edit_delete(struct dfx_yaml *t, const struct dfx_yaml_node *n,
			 struct dfx_yaml_edits *out);
/*
 * Set a mapping key to a value: replace an existing scalar value, fill an
 * empty one, or insert the pair when missing.
 */
int dfx_yaml_edit_map_set(struct dfx_yaml *t, const struct dfx_yaml_node *map,
			  const char *key, const char *yaml, struct dfx_yaml_edits *out);
/*
 * Give an empty value (`key:` with nothing after it; `value` is that empty
 * scalar, `key` its key) a value: a scalar or flow text after the ':', or
 * block lines under the key.
 */
int dfx_yaml_edit_fill_empty(struct dfx_yaml *t, const struct dfx_yaml_node *key,
			     const struct dfx_yaml_node *value, const char *yaml, struct dfx_yaml_edits *out);
/*
 * Add `key: <yaml>` as the last entry of the top-level mapping: after the
 * comments and blank lines that end the file, separated by a blank line when
 * the file separates its top-level entries so (a flow or empty top level:
 * as dfx_yaml_edit_map_insert).
 */
int dfx_yaml_edit_top_insert(struct dfx_yaml *t, const char *key, const char *yaml,
			     struct dfx_yaml_edits *out);

/* ---------------------------------------------------------------- verifier */

/*
 * Verify a rewrite: both texts parse (libyaml; the new one also with the span
 * tree) and every line that differs between their flattenings has a path
 * under one of allowed_paths (prefix on whole segments: "/a/b" allows "/a/b"
 * and "/a/b/c", not "/a/bc"; "/" allows all). A differing <map>/<seq> line of
 * an ancestor of an allowed path is allowed too (creating the parent).
 * Returns 0, or -1 with the reason in why (for undeclared changes, up to
 * six of the differing lines, `+ PATH = VALUE` / `- PATH = VALUE`).
 *
 * A flattening is libyaml's reading of a text as sorted lines
 * `PATH = VALUE`, one per node: scalars as their value, collections as
 * <map>/<seq>, aliases as *name, anchors as a trailing &name; non-plain
 * scalars in double quotes, control characters escaped.
 */
int dfx_yaml_verify(const char *old, size_t oldlen, const char *new, size_t newlen,
		    char *const *allowed_paths, size_t nallowed, struct dfx_buf *why);

#endif
