/*
 * driver.c - runs every enabled rule over every target file: the emit call
 * rules report through (enabled codes, suppression comments, severity
 * overrides), the resolution of rules that supersede others, and the check
 * of the codes named in suppression comments.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/compat.h"
#include "dockfix/compose.h"
#include "dockfix/config.h"
#include "dockfix/dockerfile.h"
#include "dockfix/driver.h"
#include "dockfix/path.h"
#include "dockfix/rule.h"

/* Whether code i of pg covers findings of rule `code`: the code itself, or
   a hadolint or BuildKit code whose dockfix equivalent it is. */
static bool covers(const struct dfx_pragma *pg, const char *d, size_t i, const char *code)
{
	if (pg->tool == DFX_PRAGMA_DOCKFIX)
		return dfx_pragma_code_is(pg, d, i, code);
	return dfx_compat_covers(pg->tool, d + pg->codes[i].start, pg->codes[i].end - pg->codes[i].start, code);
}

/* A pragma of the Dockerfile that applies at `off` names `code` (and is marked used). */
static bool df_suppressed(struct dfx_dockerfile *df, const char *code, uint32_t off)
{
	const struct dfx_df_instr *in = dfx_dockerfile_instr_at(df, off);
	uint32_t at = in ? (uint32_t)(in - df->instrs) : DFX_PRAGMA_NO_TARGET;

	for (size_t k = 0; k < df->npragmas; k++) {
		struct dfx_pragma *pg = &df->pragmas[k];

		if (pg->error || !(pg->global || (in && pg->target == at)))
			continue;
		for (size_t i = 0; i < pg->ncodes; i++)
			if (covers(pg, df->src->data, i, code)) {
				dfx_pragma_mark(pg, i);
				return true;
			}
	}
	return false;
}

static bool suppressed(struct dfx_wsfile *f, const char *code, uint32_t off)
{
	if (f->kind == DFX_KIND_DOCKERFILE && f->df)
		return df_suppressed(f->df, code, off);
	if (f->kind == DFX_KIND_COMPOSE && f->compose)
		return dfx_compose_suppressed(f->compose, code, off);
	return false;
}

struct dfx_pragma *dfx_file_pragmas(struct dfx_wsfile *f, size_t *n)
{
	*n = 0;
	if (f->kind == DFX_KIND_DOCKERFILE && f->df) {
		*n = f->df->npragmas;
		return f->df->pragmas;
	}
	if (f->kind == DFX_KIND_COMPOSE && f->compose) {
		*n = f->compose->npragmas;
		return f->compose->pragmas;
	}
	return NULL;
}

struct dfx_finding *dfx_emit_site(struct dfx_ctx *ctx, struct dfx_span span, uint32_t site, const char *fmt,
				  va_list ap)
{
	const struct dfx_rule *rule = ctx->rule;
	struct dfx_finding *f;
	struct dfx_buf b = DFX_BUF_INIT;

	if (suppressed(ctx->file, rule->code, span.start) ||
	    (site != DFX_NO_SITE && suppressed(ctx->file, rule->code, site)))
		return NULL;
	DFX_GROW(ctx->out->v, ctx->out->n + 1, ctx->out->cap);
	f = &ctx->out->v[ctx->out->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = dfx_config_severity(ctx->ws->config, rule);
	f->src = &ctx->file->cur;
	f->span = span;
	dfx_buf_vaddf(&b, fmt, ap);
	f->message = dfx_buf_detach(&b);
	return f;
}

struct dfx_finding *dfx_emit(struct dfx_ctx *ctx, struct dfx_span span, const char *fmt, ...)
{
	struct dfx_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = dfx_emit_site(ctx, span, DFX_NO_SITE, fmt, ap);
	va_end(ap);
	return f;
}

void dfx_finding_severity(const struct dfx_ctx *ctx, struct dfx_finding *f, enum dfx_severity s)
{
	const struct dfx_config *c = ctx->ws->config;

	if (!f)
		return;
	for (size_t i = 0; c && i < c->nsevs; i++)
		if (strcmp(c->sevs[i].code, ctx->rule->code) == 0)
			return;
	f->severity = s;
}

bool dfx_rule_suppressed(const struct dfx_ctx *ctx, uint32_t off)
{
	return suppressed(ctx->file, ctx->rule->code, off);
}

/* Whether `code` is listed in a rule's comma-separated `supersedes`. */
static bool listed(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && strncmp(p, code, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static bool spans_overlap(struct dfx_span a, struct dfx_span b)
{
	if (a.start == a.end || b.start == b.end)
		return a.start == b.start;
	return a.start < b.end && b.start < a.end;
}

/* A finding of a superseding rule, for resolve_supersedes(). */
struct superseder {
	struct dfx_span span;
	const char *list;   /* its rule's `supersedes` */
	size_t index;       /* in the findings */
	uint32_t max_end;   /* the largest span end of this and every earlier superseder */
};

static int cmp_superseder(const void *a, const void *b)
{
	const struct superseder *x = a, *y = b;

	if (x->span.start != y->span.start)
		return x->span.start < y->span.start ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Whether a superseder other than finding `i` that lists f's code overlaps it. */
static bool superseded(const struct superseder *sv, size_t n, size_t i, const struct dfx_finding *f)
{
	uint32_t a = f->span.start, last = f->span.end > a ? f->span.end - 1 : a;
	size_t lo = 0, hi = n;

	/* superseders starting after the finding's last byte cannot overlap it */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sv[mid].span.start <= last)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k-- > 0 && (sv[k].max_end > a || sv[k].max_end == a);)
		if (sv[k].index != i && spans_overlap(sv[k].span, f->span) && listed(sv[k].list, f->rule->code))
			return true;
	return false;
}

/*
 * Drop the findings (from index `from` on, all of one file) that a finding
 * of a superseding rule overlaps. The superseders are sorted by start with
 * a running maximum of their ends, so each finding looks only at those that
 * can reach it: linear for the usual short spans, not quadratic in the
 * number of findings.
 */
static void resolve_supersedes(struct dfx_findings *out, size_t from)
{
	struct superseder *sv = dfx_xcalloc(out->n - from + 1, sizeof(*sv));
	size_t n = 0, w = from;

	for (size_t i = from; i < out->n; i++)
		if (out->v[i].rule->supersedes)
			sv[n++] = (struct superseder){out->v[i].span, out->v[i].rule->supersedes, i, 0};
	if (n > 1)
		dfx_qsort(sv, n, sizeof(*sv), cmp_superseder);
	for (size_t k = 0; k < n; k++)
		sv[k].max_end = k && sv[k - 1].max_end > sv[k].span.end ? sv[k - 1].max_end : sv[k].span.end;
	for (size_t i = from; i < out->n; i++) {
		struct dfx_finding *f = &out->v[i];

		if (n && superseded(sv, n, i, f)) {
			dfx_finding_release(f);
			continue;
		}
		out->v[w++] = *f;
	}
	out->n = w;
	free(sv);
}

/* The service a message names (after "service `"), as [*at, *at + *len); false when none. */
static bool named_service(const char *msg, const char **at, size_t *len)
{
	const char *p = strstr(msg, "service `"), *e;

	if (!p)
		return false;
	p += 9;
	e = strchr(p, '`');
	if (!e)
		return false;
	*at = p;
	*len = (size_t)(e - p);
	return true;
}

/* Same message but for the service it names. */
static bool same_but_service(const char *a, const char *b)
{
	const char *pa, *pb;
	size_t na, nb;

	if (!named_service(a, &pa, &na) || !named_service(b, &pb, &nb))
		return false;
	if (pa - a != pb - b || strncmp(a, b, (size_t)(pa - a)))
		return false;
	/* a may already name the services merged into it */
	nb = strlen(pb + nb);
	pb += strlen(pb) - nb;
	pa += na;
	return !strncmp(pa, pb, nb) && (!pa[nb] || !strncmp(pa + nb, "; it also applies to `", 22));
}

/* Fixes that make exactly the same edits (a value in an anchor several services merge). */
static bool same_fix(const struct dfx_fix *a, const struct dfx_fix *b)
{
	if (!a || !b || !a->nedits || a->nedits != b->nedits)
		return false;
	for (size_t i = 0; i < a->nedits; i++) {
		const struct dfx_edit *x = &a->edits[i], *y = &b->edits[i];

		if (x->start != y->start || x->end != y->end || strcmp(x->path, y->path) ||
		    strcmp(x->text ? x->text : "", y->text ? y->text : ""))
			return false;
	}
	return true;
}

/* ---------------------------------------------------------------- copies */

/* The keys a copy can match on: rule and file with the span, and with the fix's edits. */
static uint64_t span_key(const struct dfx_finding *f)
{
	uint64_t h = DFX_FNV_OFFSET;

	h = dfx_fnv1a(h, &f->rule, sizeof(f->rule));
	h = dfx_fnv1a(h, &f->src, sizeof(f->src));
	return dfx_fnv1a(h, &f->span, sizeof(f->span));
}

static uint64_t fix_key(const struct dfx_finding *f)
{
	uint64_t h = 1469598103934665603ull;

	h = dfx_fnv1a(h, &f->rule, sizeof(f->rule));
	h = dfx_fnv1a(h, &f->src, sizeof(f->src));
	for (size_t i = 0; i < f->fix->nedits; i++) {
		const struct dfx_edit *e = &f->fix->edits[i];

		h = dfx_fnv1a(h, &e->start, sizeof(e->start));
		h = dfx_fnv1a(h, &e->end, sizeof(e->end));
		h = dfx_fnv1a(h, e->path, strlen(e->path) + 1);
		h = dfx_fnv1a(h, e->text ? e->text : "", e->text ? strlen(e->text) + 1 : 1);
	}
	return h;
}

/* Kept findings by key: chains of indices (+1) in `next`, heads in `head`. */
struct copy_index {
	uint64_t *key;
	size_t *head, *next, mask;
};

static void index_add(struct copy_index *ix, size_t slot, uint64_t key)
{
	size_t b = (size_t)key & ix->mask;

	ix->key[slot] = key;
	ix->next[slot] = ix->head[b];
	ix->head[b] = slot + 1;
}

/*
 * One finding per cause: a value that several services get from one place
 * (a base service they extend, a document they share: the same span; an
 * anchor they merge: the same fix) is reported once, at the first place,
 * naming every service it applies to. Earlier findings are found by hashed
 * keys (rule, file, span or fix edits), so a file with thousands of
 * findings is not compared pairwise.
 */
static void merge_copies(struct dfx_findings *out, size_t from)
{
	size_t n = out->n - from, w = from, nb = 1;
	struct copy_index spans, fixes;

	while (nb < 2 * n)
		nb <<= 1;
	spans = (struct copy_index){dfx_xcalloc(n + 1, sizeof(uint64_t)), dfx_xcalloc(nb, sizeof(size_t)),
				    dfx_xcalloc(n + 1, sizeof(size_t)), nb - 1};
	fixes = (struct copy_index){dfx_xcalloc(n + 1, sizeof(uint64_t)), dfx_xcalloc(nb, sizeof(size_t)),
				    dfx_xcalloc(n + 1, sizeof(size_t)), nb - 1};
	for (size_t i = from; i < out->n; i++) {
		struct dfx_finding *f = &out->v[i];
		struct dfx_finding *first = NULL;
		uint64_t sk = span_key(f), fk = f->fix && f->fix->nedits ? fix_key(f) : 0;
		size_t best = (size_t)-1;

		/* the earliest kept finding that is a copy of f */
		for (size_t k = spans.head[(size_t)sk & spans.mask]; k; k = spans.next[k - 1]) {
			const struct dfx_finding *c = &out->v[from + k - 1];

			if (spans.key[k - 1] == sk && k - 1 < best && c->rule == f->rule && c->src == f->src &&
			    c->span.start == f->span.start && c->span.end == f->span.end &&
			    same_but_service(c->message, f->message))
				best = k - 1;
		}
		for (size_t k = fk ? fixes.head[(size_t)fk & fixes.mask] : 0; k; k = fixes.next[k - 1]) {
			const struct dfx_finding *c = &out->v[from + k - 1];

			if (fixes.key[k - 1] == fk && k - 1 < best && c->rule == f->rule && c->src == f->src &&
			    same_fix(c->fix, f->fix) && same_but_service(c->message, f->message))
				best = k - 1;
		}
		if (best != (size_t)-1)
			first = &out->v[from + best];
		if (!first) {
			size_t slot = w - from;

			out->v[w++] = *f;
			index_add(&spans, slot, sk);
			if (fk)
				index_add(&fixes, slot, fk);
			continue;
		}
		{
			const char *at = NULL;
			size_t len = 0;
			struct dfx_buf m = DFX_BUF_INIT;

			named_service(f->message, &at, &len);
			dfx_buf_adds(&m, first->message);
			dfx_buf_adds(&m, strstr(first->message, "; it also applies to `") ? ", `" :
					 "; it also applies to `");
			dfx_buf_add(&m, at, len);
			dfx_buf_addc(&m, '`');
			free(first->message);
			first->message = dfx_buf_detach(&m);
		}
		if (first->severity < f->severity)
			first->severity = f->severity;
		dfx_finding_release(f);
	}
	out->n = w;
	free(spans.key);
	free(spans.head);
	free(spans.next);
	free(fixes.key);
	free(fixes.head);
	free(fixes.next);
}

/* A service of a compose file that `extends: {file: base, service: NAME}`. */
struct extender {
	char *base;                        /* the extended file's path */
	size_t seq;                        /* its place in the run: file order, then service order */
	const struct dfx_compose_service *svc;
	const char *file;                  /* the file it is in */
};

/* Every extender of the run, sorted by the file extended (then in file order):
   built once per dfx_check_all(), when the first compose file needs it. */
struct dfx_extenders {
	struct extender *v;
	size_t n;
	bool built;
};

static int cmp_extender(const void *x, const void *y)
{
	const struct extender *a = x, *b = y;
	int c = strcmp(a->base, b->base);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void extenders_build(struct dfx_extenders *xs, struct dfx_workspace *ws)
{
	size_t cap = 0;

	xs->built = true;
	for (size_t k = 0; k < ws->n; k++) {
		struct dfx_wsfile *w = ws->files[k];
		char *dir = NULL;

		if (w->kind != DFX_KIND_COMPOSE || !w->compose)
			continue;
		for (size_t j = 0; j < w->compose->nservices; j++) {
			const struct dfx_compose_service *s = &w->compose->services[j];

			if (!s->extends_file || !s->extends_name)
				continue;
			if (!dir)
				dir = dfx_path_dir(w->path);
			DFX_GROW(xs->v, xs->n + 1, cap);
			xs->v[xs->n] = (struct extender){dfx_path_join(dir, s->extends_file), xs->n, s, w->path};
			xs->n++;
		}
		free(dir);
	}
	dfx_qsort(xs->v, xs->n, sizeof(*xs->v), cmp_extender);
}

static void extenders_release(struct dfx_extenders *xs)
{
	for (size_t i = 0; i < xs->n; i++)
		free(xs->v[i].base);
	free(xs->v);
	memset(xs, 0, sizeof(*xs));
}

static int cmp_base(const void *key, const void *elem)
{
	return strcmp(key, ((const struct extender *)elem)->base);
}

/* The extenders of services of f, in file order: a range of xs (f's own may be among them). */
static const struct extender *extenders_of(const struct dfx_extenders *xs, const struct dfx_wsfile *f, size_t *n)
{
	size_t lo = dfx_lower_bound(xs->v, xs->n, sizeof(*xs->v), f->path, cmp_base);

	*n = 0;
	while (lo + *n < xs->n && !strcmp(xs->v[lo + *n].base, f->path))
		++*n;
	return *n ? xs->v + lo : NULL;
}

const struct dfx_compose_service *dfx_rule_extender(const struct dfx_ctx *ctx, const char *service, size_t i,
						     const char **file)
{
	size_t nx;
	const struct extender *x = ctx->xs ? extenders_of(ctx->xs, ctx->file, &nx) : NULL;

	for (size_t k = 0; x && k < nx; k++)
		if (x[k].file != ctx->file->path && !strcmp(x[k].svc->extends_name, service) && i-- == 0) {
			if (file)
				*file = x[k].file;
			return x[k].svc;
		}
	return NULL;
}

/*
 * A finding about service S of compose file f also applies to the
 * services of other files that `extends: {file: f, service: S}`: the
 * message names them (the cause, and its fix, stay in f). The extenders
 * are found once per file, not once per finding.
 */
static void note_extenders(struct dfx_extenders *xs, struct dfx_workspace *ws, struct dfx_wsfile *f,
			   struct dfx_findings *out, size_t from)
{
	size_t nx;
	const struct extender *x;

	if (!xs->built)
		extenders_build(xs, ws);
	x = extenders_of(xs, f, &nx);
	for (size_t i = from; i < out->n && nx; i++) {
		struct dfx_finding *fd = &out->v[i];
		struct dfx_buf m = DFX_BUF_INIT;
		const struct dfx_compose_service *owner;
		const char *at, *key;
		size_t len, nnamed = 0;
		bool scalar = false;

		if (!named_service(fd->message, &at, &len))
			continue;
		key = fd->src == &f->cur ? dfx_compose_key_at(f->compose, fd->span.start, &owner, &scalar) : NULL;
		for (size_t k = 0; k < nx; k++)
			if (x[k].file != f->path && strlen(x[k].svc->extends_name) == len &&
			    !strncmp(x[k].svc->extends_name, at, len) &&
			    !(key && dfx_compose_service_replaces(x[k].svc, key, scalar))) /* its own value wins */
				dfx_buf_addf(&m, "%s`%s` (%s)", nnamed++ ? ", " : "", x[k].svc->name, x[k].file);
		if (nnamed) {
			char *msg = dfx_xasprintf("%s; it also applies to %s, which extend%s it", fd->message, m.ptr,
						  nnamed > 1 ? "" : "s");

			free(fd->message);
			fd->message = msg;
		}
		dfx_buf_release(&m);
	}
}

/*
 * Compose merges the default override file (compose.override.y(a)ml
 * beside compose.y(a)ml, docker-compose.* alike) into the base file. A
 * finding of the base file about a value of one service that the
 * override's service of the same name replaces (a scalar set again,
 * `privileged: false` over `privileged: true`; any key `!reset` or
 * `!override`) is not what Compose runs: it is dropped (the override's
 * value is judged in the override file, at its own line). Sequences and
 * mappings without those tags merge (ports append), so their findings
 * stay. Both files must be in the run.
 */
/* The variable of service s whose entry holds `off` is set again by service o (environments
   merge by name: o's value is the one Compose runs). */
static bool env_replaced(const struct dfx_compose_service *s, const struct dfx_compose_service *o, uint32_t off)
{
	for (size_t i = 0; i < s->nenv; i++) {
		const struct dfx_compose_env *e = &s->env[i];
		uint32_t end = e->value_span.end > e->name_span.end ? e->value_span.end : e->name_span.end;

		if (e->via || !e->name || off < e->name_span.start || off > end)
			continue;
		for (size_t k = 0; k < o->nenv; k++)
			if (o->env[k].name && !strcmp(o->env[k].name, e->name))
				return true;
		return false;
	}
	return false;
}

static void cancel_overridden(struct dfx_workspace *ws, struct dfx_wsfile *f, struct dfx_findings *out,
			      size_t from)
{
	const struct dfx_compose *ovr;
	struct dfx_wsfile *o;
	size_t w = from;

	if (dfx_compose_default_kind(f->path) != DFX_COMPOSE_BASE ||
	    !(o = dfx_ws_compose_beside(ws, f, DFX_COMPOSE_OVERRIDE)))
		return;
	ovr = o->compose;
	for (size_t i = from; i < out->n; i++) {
		struct dfx_finding *fd = &out->v[i];
		const struct dfx_compose_service *owner, *os;
		const char *at, *key = NULL;
		size_t len;
		char *name;
		bool scalar = false;

		if (fd->src == &f->cur && !strstr(fd->message, "; it also applies to `"))
			key = dfx_compose_key_at(f->compose, fd->span.start, &owner, &scalar);
		/* the service the message names, else the one whose key it is at (a variable's finding) */
		name = !key ? NULL : named_service(fd->message, &at, &len) ? dfx_xstrndup(at, len)
									  : dfx_xstrdup(owner->name);
		os = name ? dfx_compose_service_find(ovr, name) : NULL;
		free(name);
		if (os && (dfx_compose_service_replaces(os, key, scalar) ||
			   (!strcmp(key, "environment") && env_replaced(owner, os, fd->span.start)))) {
			dfx_finding_release(fd);
			continue;
		}
		out->v[w++] = *fd;
	}
	out->n = w;
}

bool dfx_rule_judged(const struct dfx_ctx *ctx, const char *code)
{
	return dfx_config_enabled(ctx->ws->config, code) &&
	       dfx_config_enabled_at(ctx->ws->config, ctx->config_path, code);
}

/* The rule a code of a dockfix pragma names (any case), or NULL. */
const struct dfx_rule *dfx_pragma_rule(const struct dfx_pragma *pg, const char *d, size_t i)
{
	char code[16];
	size_t n = pg->codes[i].end - pg->codes[i].start;

	if (n >= sizeof(code))
		return NULL;
	for (size_t k = 0; k < n; k++) {
		char c = d[pg->codes[i].start + k];

		code[k] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	code[n] = '\0';
	return dfx_rule_find(code);
}

size_t dfx_check_pragmas(struct dfx_workspace *ws)
{
	size_t bad = 0;

	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];
		struct dfx_pragma *v;
		size_t n;

		if (!f->target || f->failed)
			continue;
		v = dfx_file_pragmas(f, &n);
		for (size_t k = 0; k < n; k++) {
			const struct dfx_pragma *pg = &v[k];
			unsigned line, col;

			if (pg->tool != DFX_PRAGMA_DOCKFIX)
				continue;
			if (pg->error) {
				dfx_source_linecol(&f->cur, pg->text.start, &line, &col);
				dfx_diag_add(&ws->diags, DFX_DIAG_WARNING, f->cur.path, line, col,
					     "malformed dockfix ignore comment (%s): it suppresses nothing; write "
					     "`# dockfix ignore=CODE[,CODE]`",
					     pg->error);
				bad++;
				continue;
			}
			for (size_t c = 0; c < pg->ncodes; c++) {
				if (dfx_pragma_rule(pg, f->cur.data, c))
					continue;
				dfx_source_linecol(&f->cur, pg->codes[c].start, &line, &col);
				dfx_diag_add(&ws->diags, DFX_DIAG_WARNING, f->cur.path, line, col,
					     "unknown rule code '%.*s' in a dockfix ignore comment",
					     (int)(pg->codes[c].end - pg->codes[c].start), f->cur.data + pg->codes[c].start);
				bad++;
			}
		}
	}
	return bad;
}

/* Compose interpolates with the .env beside the compose file: the model takes its values. */
static void use_dotenv(struct dfx_workspace *ws, struct dfx_wsfile *f)
{
	char *dir = dfx_path_dir(f->path), *path = dfx_path_join(dir, ".env");
	const struct dfx_source *env = dfx_ws_read(ws, path);

	dfx_compose_use_env(f->compose, env ? env->data : NULL, env ? env->len : 0);
	free(dir);
	free(path);
}

/* Run the rules on target f, its findings appended to out. */
static void check_target(struct dfx_workspace *ws, struct dfx_extenders *xs, struct dfx_wsfile *f,
			 struct dfx_findings *out)
{
	size_t first = out->n, npg;
	bool any_supersedes = false;
	struct dfx_pragma *pg = dfx_file_pragmas(f, &npg);
	char *rel = dfx_config_relpath(ws->config, f->path);

	for (size_t k = 0; k < npg; k++)
		pg[k].used = 0;
	if (f->kind == DFX_KIND_COMPOSE && !xs->built)
		extenders_build(xs, ws); /* one thread: the parallel check builds it first */
	for (size_t r = 0; r < dfx_nrules; r++) {
		const struct dfx_rule *rule = dfx_rules[r];
		struct dfx_ctx ctx = {ws, f, rule, out, rel, xs};

		if (rule->kind != f->kind || !rule->check)
			continue;
		if (!dfx_rule_judged(&ctx, rule->code))
			continue;
		rule->check(&ctx);
		any_supersedes |= rule->supersedes != NULL;
	}
	if (any_supersedes)
		resolve_supersedes(out, first);
	merge_copies(out, first);
	if (f->kind == DFX_KIND_COMPOSE) {
		note_extenders(xs, ws, f, out, first);
		cancel_overridden(ws, f, out, first);
	}
	/* meta rules (DFX_KIND_UNKNOWN) judge what the others did: last */
	for (size_t r = 0; r < dfx_nrules && npg; r++) {
		const struct dfx_rule *rule = dfx_rules[r];
		struct dfx_ctx ctx = {ws, f, rule, out, rel, xs};

		if (rule->kind == DFX_KIND_UNKNOWN && rule->check && dfx_rule_judged(&ctx, rule->code))
			rule->check(&ctx);
	}
	free(rel);
}

/* The targets of a parallel check, each with its own findings and the
   files its rules loaded first, merged in target order afterwards. */
struct par_check {
	struct dfx_workspace *ws;
	struct dfx_extenders *xs;
	struct dfx_wsfile **t;
	struct dfx_findings *out;
	struct dfx_ws_loaded *loaded;
};

static void check_one(void *arg, size_t i)
{
	struct par_check *p = arg;

	dfx_ws_checking(p->ws, p->t[i], &p->loaded[i]);
	check_target(p->ws, p->xs, p->t[i], &p->out[i]);
	dfx_ws_checking(p->ws, NULL, NULL);
}

static bool to_check(const struct dfx_workspace *ws, const struct dfx_wsfile *f)
{
	return f->target && !f->failed && (!ws->incremental || f->recheck);
}

void dfx_check_all(struct dfx_workspace *ws, struct dfx_findings *out)
{
	struct dfx_extenders xs = {0};
	struct par_check p = {ws, &xs, NULL, NULL, NULL};
	size_t n = 0;

	/* the .env values go into the compose models before any rule reads them
	   (rules of other targets read them too, on other threads) */
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *f = ws->files[i];

		if (to_check(ws, f) && f->kind == DFX_KIND_COMPOSE && f->compose && !f->compose->env_used) {
			dfx_ws_checking(ws, f, NULL);
			use_dotenv(ws, f);
			dfx_ws_checking(ws, NULL, NULL);
		}
	}
	if (ws->jobs > 1)
		for (size_t i = 0; i < ws->n; i++)
			n += to_check(ws, ws->files[i]);
	if (n < 2) {
		/* ws->n may grow while rules read other files: iterate by index */
		for (size_t i = 0; i < ws->n; i++) {
			struct dfx_wsfile *f = ws->files[i];

			if (!to_check(ws, f))
				continue;
			dfx_ws_checking(ws, f, NULL);
			check_target(ws, &xs, f, out);
			dfx_ws_checking(ws, NULL, NULL);
		}
		extenders_release(&xs);
		dfx_findings_sort(out);
		return;
	}
	/* Threads: files rules load wait outside ws->files until every target
	   is done (ws->files does not change meanwhile, so rules may walk it),
	   and are then added in the order one thread would have added them. */
	p.t = dfx_xcalloc(n, sizeof(*p.t));
	p.out = dfx_xcalloc(n, sizeof(*p.out));
	p.loaded = dfx_xcalloc(n, sizeof(*p.loaded));
	n = 0;
	for (size_t i = 0; i < ws->n; i++)
		if (to_check(ws, ws->files[i]))
			p.t[n++] = ws->files[i];
	extenders_build(&xs, ws); /* before the threads: they only read it */
	dfx_ws_parallel_begin(ws);
	dfx_ws_run(ws->jobs, n, check_one, &p);
	dfx_ws_parallel_end(ws);
	for (size_t i = 0; i < n; i++) {
		DFX_GROW(out->v, out->n + p.out[i].n, out->cap);
		if (p.out[i].n)
			memcpy(out->v + out->n, p.out[i].v, p.out[i].n * sizeof(*out->v));
		out->n += p.out[i].n;
		free(p.out[i].v);
		dfx_ws_adopt(ws, &p.loaded[i]);
	}
	free(p.t);
	free(p.out);
	free(p.loaded);
	extenders_release(&xs);
	dfx_findings_sort(out);
}
