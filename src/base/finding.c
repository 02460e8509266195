/*
 * finding.c - severities, fixes (edits + applicability, as ruff's Fix and
 * Edit), finding lists and redaction of secret values.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/core.h"

static const char *const sev_names[] = {"none", "low", "medium", "high", "critical"};

const char *dfx_severity_name(enum dfx_severity s)
{
	return (unsigned)s < 5 ? sev_names[s] : "?";
}

int dfx_severity_parse(const char *s, enum dfx_severity *out)
{
	for (unsigned i = 0; i < 5; i++) {
		if (strcmp(s, sev_names[i]) == 0) {
			*out = (enum dfx_severity)i;
			return 0;
		}
	}
	return -1;
}

const char *dfx_applicability_name(enum dfx_applicability a)
{
	switch (a) {
	case DFX_FIX_SAFE:
		return "safe";
	case DFX_FIX_UNSAFE:
		return "unsafe";
	default:
		return "none";
	}
}

struct dfx_fix *dfx_fix_new(enum dfx_applicability a, const char *fmt, ...)
{
	struct dfx_fix *f = dfx_xcalloc(1, sizeof(*f));
	struct dfx_buf b = DFX_BUF_INIT;
	va_list ap;

	f->applicability = a;
	va_start(ap, fmt);
	dfx_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	f->description = dfx_buf_detach(&b);
	return f;
}

void dfx_fix_free(struct dfx_fix *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nedits; i++) {
		free(f->edits[i].path);
		free(f->edits[i].text);
	}
	for (size_t i = 0; i < f->npaths; i++)
		free(f->paths[i]);
	free(f->edits);
	free(f->paths);
	free(f->description);
	free(f);
}

static struct dfx_edit *add_edit(struct dfx_fix *f, const char *path, uint32_t start, uint32_t end,
				 const char *text)
{
	struct dfx_edit *e;

	DFX_GROW(f->edits, f->nedits + 1, f->cap);
	e = &f->edits[f->nedits++];
	memset(e, 0, sizeof(*e));
	e->path = dfx_xstrdup(path);
	e->start = start;
	e->end = end;
	e->text = dfx_xstrdup(text ? text : "");
	return e;
}

void dfx_fix_edit(struct dfx_fix *f, const char *path, uint32_t start, uint32_t end, const char *text)
{
	add_edit(f, path, start, end, text);
}

void dfx_fix_create(struct dfx_fix *f, const char *path, const char *text, unsigned flags, unsigned mode)
{
	struct dfx_edit *e = add_edit(f, path, 0, 0, text);
	e->flags = flags;
	e->mode = mode;
}

void dfx_fix_path(struct dfx_fix *f, const char *yaml_path)
{
	DFX_GROW(f->paths, f->npaths + 1, f->pcap);
	f->paths[f->npaths++] = dfx_xstrdup(yaml_path);
}

void dfx_finding_release(struct dfx_finding *f)
{
	free(f->message);
	free(f->hint);
	dfx_fix_free(f->fix);
}

void dfx_findings_release(struct dfx_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		dfx_finding_release(&fs->v[i]);
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

static int cmp_finding(const void *a, const void *b)
{
	const struct dfx_finding *x = a, *y = b;
	int c = strcmp(x->src->path, y->src->path);

	if (c)
		return c;
	if (x->span.start != y->span.start)
		return x->span.start < y->span.start ? -1 : 1;
	c = strcmp(x->rule->code, y->rule->code);
	if (c)
		return c;
	if (x->span.end != y->span.end)
		return x->span.end < y->span.end ? -1 : 1;
	return strcmp(x->message, y->message);
}

void dfx_findings_sort(struct dfx_findings *fs)
{
	if (fs->n > 1)
		dfx_qsort(fs->v, fs->n, sizeof(fs->v[0]), cmp_finding);
}

char *dfx_redact(const char *value, size_t len)
{
	size_t keep = len >= 16 ? 4 : len >= 8 ? 2 : 0;
	size_t chars = 0;

	/* count characters, not bytes, and never cut a UTF-8 sequence */
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)value[i] & 0xC0) != 0x80)
			chars++;
	while (keep && keep < len && ((unsigned char)value[keep] & 0xC0) == 0x80)
		keep--;
	if (!keep)
		return dfx_xasprintf("…(%zu chars)", chars);
	return dfx_xasprintf("%.*s…(%zu chars)", (int)keep, value, chars);
}
