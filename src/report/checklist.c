/*
 * checklist.c - `--format checklist` (README "Output formats"): a
 * hardening checklist of eleven items, one line each, in the spirit of the
 * CIS Docker Benchmark's image and runtime recommendations (a non-root
 * user, no secrets in Dockerfiles, no privileged containers, no Docker
 * socket mount, trusted and maintained base images):
 *   ✓  the item holds for the files of this run
 *   ✗  it fails; the findings that fail it follow, `  path:line:col CODE name`
 *   –  not applicable (nothing in this run it could apply to, or its rules are off)
 *   ?  out of dockfix's scope (vulnerability scanning)
 * Rule codes map to items by the table below; findings of rules the
 * checklist does not cover are listed after it. The last line counts the
 * items that pass among those that apply.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/report.h"

#define C_RESET "\033[0m"
#define C_GREEN "\033[32m"
#define C_RED "\033[31m"
#define C_DIM "\033[2m"

enum { ON_DOCKERFILE = 1, ON_COMPOSE = 2, ON_IMAGE = 4 };

static const struct item {
	const char *text;   /* the item's wording */
	const char *codes;  /* the rules that decide it, space-separated */
	unsigned on;        /* the kinds of file it applies to */
	const char *absent; /* why it does not apply when none is there */
} items[] = {
	{"No secrets in ENV/ARG instructions", "DF101 DF102 DC107 DH101 DH102", ON_DOCKERFILE | ON_IMAGE,
	 "no Dockerfile"},
	{"No secrets COPY'd into image", "DF103 DF104", ON_DOCKERFILE, "no Dockerfile"},
	{".dockerignore excludes .env, .git, *.pem, *.key", "DF105", ON_DOCKERFILE, "no Dockerfile"},
	{"Database/Redis ports not exposed to host (or only 127.0.0.1)", "DC201", ON_COMPOSE, "no compose file"},
	{"Strong passwords for all services (not defaults)", "DC101 DC102 DC103 DC104", ON_COMPOSE,
	 "no compose file"},
	{"USER instruction sets non-root user", "DF201 DC305 DH201", ON_DOCKERFILE | ON_IMAGE, "no Dockerfile"},
	{"Multi-stage build for production images", "DF401", ON_DOCKERFILE, "no Dockerfile"},
	{"No privileged: true", "DC301 DC302 DC303 DC203 DC204", ON_COMPOSE, "no compose file"},
	{"No docker.sock mount (unless required)", "DC401", ON_COMPOSE, "no compose file"},
	{"Base images are official and recent", "DF301 DF302 DF303 DF304 DC501 DC502 DC503", ON_DOCKERFILE | ON_COMPOSE,
	 "no Dockerfile or compose file"},
	{"Images scanned for vulnerabilities", NULL, 0, NULL},
};

#define NITEMS (sizeof(items) / sizeof(items[0]))

static bool has_code(const char *codes, const char *code)
{
	size_t n = strlen(code);
	const char *p = codes;

	while (p && (p = strstr(p, code)) != NULL) {
		if ((p == codes || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static unsigned kind_bit(enum dfx_kind k)
{
	return k == DFX_KIND_DOCKERFILE ? ON_DOCKERFILE : k == DFX_KIND_COMPOSE ? ON_COMPOSE
	       : k == DFX_KIND_IMAGE ? ON_IMAGE : 0;
}

/* The items' kinds of file the run checked. */
static unsigned kinds_in_run(const struct dfx_presentation *p)
{
	unsigned k = 0;

	for (unsigned kind = 0; kind < 32; kind++)
		if (p->kinds & (1u << kind))
			k |= kind_bit((enum dfx_kind)kind);
	return k;
}

enum state { NO_RULE, RULES_OFF, RULES_ON };

/* Whether a rule of the item exists, and is enabled, for a kind of file the run has. */
static enum state rules_state(const char *codes, unsigned kinds, const struct dfx_presentation *pr)
{
	const char *p = codes;
	enum state st = NO_RULE;

	while (*p) {
		size_t n = strcspn(p, " ");
		char *code = dfx_xstrndup(p, n);
		const struct dfx_rule *r = dfx_rule_find(code);

		if (r && (kind_bit(r->kind) & kinds)) {
			if (!dfx_present_disabled(pr, code))
				st = RULES_ON;
			else if (st == NO_RULE)
				st = RULES_OFF;
		}
		free(code);
		p += n;
		while (*p == ' ')
			p++;
	}
	return st;
}

static void finding_line(struct dfx_buf *b, const struct dfx_presented *x)
{
	dfx_buf_adds(b, "  ");
	dfx_buf_adds_printable(b, x->display);
	dfx_buf_addf(b, ":%u:%u %s %s\n", x->pos.line, x->pos.col, x->f->rule->code, x->f->rule->name);
}

static void checklist(struct dfx_buf *b, const struct dfx_presentation *p)
{
	const struct dfx_report_opts *o = p->o;
	unsigned kinds = kinds_in_run(p);
	size_t pass = 0, apply = 0, others = 0;
	const char *green = o->color ? C_GREEN : "", *red = o->color ? C_RED : "";
	const char *dim = o->color ? C_DIM : "", *reset = o->color ? C_RESET : "";

	for (size_t i = 0; i < NITEMS; i++) {
		const struct item *it = &items[i];
		size_t nfail = 0;
		enum state st;

		if (!it->codes) {
			dfx_buf_addf(b, "%s? %s (not checked by dockfix: run docker scout cves / trivy image / grype)%s\n",
				     dim, it->text, reset);
			continue;
		}
		for (size_t k = 0; k < p->n; k++)
			if (has_code(it->codes, p->v[k].f->rule->code))
				nfail++;
		if (nfail) {
			apply++;
			dfx_buf_addf(b, "%s✗%s %s\n", red, reset, it->text);
			for (size_t k = 0; k < p->n; k++)
				if (has_code(it->codes, p->v[k].f->rule->code))
					finding_line(b, &p->v[k]);
		} else if (!(kinds & it->on)) {
			dfx_buf_addf(b, "%s– %s (%s)%s\n", dim, it->text, it->absent, reset);
		} else if ((st = rules_state(it->codes, kinds & it->on, p)) != RULES_ON) {
			dfx_buf_addf(b, "%s– %s (%s)%s\n", dim, it->text,
				     st == RULES_OFF ? "its rules are turned off" : "no rule of this build checks it", reset);
		} else {
			apply++;
			pass++;
			dfx_buf_addf(b, "%s✓%s %s\n", green, reset, it->text);
		}
	}
	for (size_t k = 0; k < p->n; k++) {
		bool listed = false;

		for (size_t i = 0; i < NITEMS && !listed; i++)
			listed = items[i].codes && has_code(items[i].codes, p->v[k].f->rule->code);
		if (listed)
			continue;
		if (!others++)
			dfx_buf_adds(b, "\nAlso found (not on the checklist):\n");
		finding_line(b, &p->v[k]);
	}
	if (o->nerrors)
		dfx_buf_addf(b, "\n%zu file%s could not be checked: the checklist is incomplete.\n", o->nerrors,
			     o->nerrors == 1 ? "" : "s");
	dfx_buf_addf(b, "\n%zu of %zu items pass\n", pass, apply);
}

const struct dfx_format dfx_format_checklist = {"checklist", checklist, NULL, NULL};
