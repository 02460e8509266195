/*
 * df301.c - DF301 base-image-eol: a FROM image (ARG defaults resolved,
 * stage references skipped) whose version is past its end of life on the
 * evaluation date (--as-of) per the built-in table, or whose tag names an
 * operating system release that is (node:18-buster). Unsafe fix: the tag
 * becomes the table's recommended supported one, variant kept (digest
 * dropped), unless the table says the move is only a suggestion (another
 * image, a major jump, an OS release, a Windows tag, a .NET tag whose OS
 * the new release has no tag for) - then a hint. A
 * version newer than the table knows (node:27 after 26) is a low finding.
 * Seed: "Image Security - Base Image" (`FROM node:14 # EOL version`);
 * endoflife.date (https://endoflife.date); Trivy (OS EOL detection); CIS Docker Benchmark 4.3.
 */
#include <stdlib.h>
#include <string.h>

#include "dfhelp.h"
#include "dockfix/build.h"
#include "dockfix/image.h"
#include "dockfix/rule.h"

static char *date_text(int d)
{
	return dfx_xasprintf("%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
}

/* "security support ended 2026-07-11; extended support runs until 2028-06-30" */
static char *detail(const struct dfx_eol_result *e, int as_of)
{
	struct dfx_buf b = DFX_BUF_INIT;
	char *d;

	if (e->eol_date > 0) {
		d = date_text(e->eol_date);
		dfx_buf_addf(&b, "end of life since %s", d);
		free(d);
	} else {
		dfx_buf_adds(&b, "end of life");
	}
	if (e->ext_support_end > 0 && e->ext_support_end < 99991231) {
		d = date_text(e->ext_support_end);
		dfx_buf_addf(&b, e->ext_support_end > as_of ? "; extended support runs until %s"
							  : "; extended support ended %s", d);
		free(d);
	}
	return dfx_buf_detach(&b);
}

/*
 * The tag with its operating-system segment moved to the recommended
 * release: python:3.13-slim-bullseye -> python:3.13-slim-trixie,
 * golang:1.22-alpine3.18 -> golang:1.22-alpine3.24. NULL when not found.
 */
static char *suite_retag(const struct dfx_imageref *ref, const struct dfx_eol_result *e)
{
	const char *tag = ref->tag, *os = e->image;
	const char *rec = strchr(e->rec.text, ':');

	if (!tag || !rec || !os)
		return NULL;
	rec++;
	for (const char *p = tag; *p;) {
		size_t n = strcspn(p, "-");
		char *seg = dfx_xstrndup(p, n), *probe;
		struct dfx_imageref r;
		struct dfx_eol_result pe;
		bool alpine = !strncmp(seg, "alpine", 6) && seg[6];
		bool match = false;

		probe = alpine ? dfx_xasprintf("alpine:%s", seg + 6) : dfx_xasprintf("%s:%s", os, seg);
		if (dfx_image_parse(&r, probe, NULL) == 0) {
			match = dfx_image_eol(&r, 0, &pe) != DFX_EOL_UNKNOWN && pe.cycle && e->cycle &&
				!strcmp(pe.cycle, e->cycle) && !strcmp(pe.image, os);
			dfx_image_release(&r);
		}
		free(probe);
		free(seg);
		if (match)
			return dfx_xasprintf("%.*s:%.*s%s%s%s", (int)dfx_image_ref_name_len(ref->name ? ref->name : ""),
					     ref->name, (int)(p - tag), tag, alpine ? "alpine" : "", rec, p + n);
		p += n;
		if (*p)
			p++;
	}
	return NULL;
}

/* Whether the config overrides the rule's severity (then keep it). */
static bool severity_overridden(const struct dfx_config *c)
{
	for (size_t i = 0; c && i < c->nsevs; i++)
		if (!strcmp(c->sevs[i].code, "DF301"))
			return true;
	return false;
}

/* A version the table does not know because it is newer than every release it lists. */
static void report_newer(struct dfx_ctx *ctx, const struct dfx_df_stage *st, const struct dfx_eol_result *e)
{
	struct dfx_finding *f =
		dfx_emit(ctx, st->image_span,
			 "base image %s is newer than every %s release the end-of-life table (data of %s) knows, "
			 "the newest being %s: whether it is supported cannot be judged",
			 st->image, e->image, dfx_image_eol_data_date(), e->cycle);

	if (!f)
		return;
	if (!severity_overridden(ctx->ws->config))
		f->severity = DFX_SEV_LOW;
	f->hint = dfx_xstrdup("pass a newer end-of-life table with --eol-data FILE (eol.tsv format), or use a "
			      "newer dockfix");
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	int as_of = ctx->ws->config ? ctx->ws->config->as_of : 0;

	if (as_of <= 0)
		as_of = dfx_image_eol_judged_on();
	for (size_t s = 0; s < df->nstages; s++) {
		const struct dfx_df_stage *st = &df->stages[s];
		struct dfx_imageref ref;
		struct dfx_eol_result e;
		struct dfx_finding *f;
		char *why;
		bool suite = false;

		if (!dfx_build_stage_image(df, st, &ref))
			continue;
		if (ref.scratch) {
			dfx_image_release(&ref);
			continue;
		}
		if (dfx_image_eol(&ref, as_of, &e) != DFX_EOL_EXPIRED) {
			if (dfx_image_suite_eol(&ref, as_of, &e) != DFX_EOL_EXPIRED) {
				if (dfx_image_eol_newer(&ref, &e))
					report_newer(ctx, st, &e);
				dfx_image_release(&ref);
				continue;
			}
			suite = true;
		}
		why = detail(&e, as_of);
		if (suite)
			f = dfx_emit(ctx, st->image_span,
				       "base image %s is built on %s %s (%s): its packages no longer get regular "
				       "security updates",
				       st->image, e.image, e.cycle, why);
		else if (e.deprecated)
			f = dfx_emit(ctx, st->image_span,
				       "base image %s is deprecated: %s %s is no longer rebuilt or updated (%s)",
				       st->image, e.image, e.cycle, why);
		else
			f = dfx_emit(ctx, st->image_span,
				       "base image %s is end of life (%s %s: %s): it no longer gets regular security "
				       "updates",
				       st->image, e.image, e.cycle, why);
		free(why);
		/* Debian LTS is free and keeps the official images rebuilt: a lesser risk */
		if (f && !strcmp(e.image, "debian") && e.ext_support_end > as_of && e.ext_support_end < 99991231 &&
		    !severity_overridden(ctx->ws->config))
			f->severity = DFX_SEV_MEDIUM;
		if (f && e.has_rec) {
			if (!e.suggest_only && !suite) {
				f->fix = dfx_fix_new(DFX_FIX_UNSAFE, "use %s, the recommended supported release", e.rec.text);
				if (!dfx_dfhelp_retag(f->fix, ctx->file->path, df, st, e.rec.tag)) {
					dfx_fix_free(f->fix);
					f->fix = NULL;
				}
			}
			if (!f->fix && suite) {
				char *t = suite_retag(&ref, &e);

				if (t)
					f->hint = dfx_xasprintf("move to %s (%s %s) and test the application on it", t,
								e.image, e.rec.tag);
				else
					f->hint = dfx_xasprintf("move to a tag on %s and test the application on it",
								e.rec.text);
				free(t);
			} else if (!f->fix && e.rec.partial) {
				/* 8.0-jammy-chiseled: no 10.0 tag on jammy */
				f->hint = dfx_xasprintf("move to a %.*s tag of %s on an OS release it is built for, "
							"keeping the variant (`%s` names one the newer tags do not have), "
							"and test the application on it",
							(int)strcspn(e.rec.tag, "-"), e.rec.tag, e.rec.image, ref.tag);
			} else if (!f->fix) {
				if (e.has_min && strcmp(e.min.text, e.rec.text))
					f->hint = dfx_xasprintf("move to %s%s (the smallest supported step is %s) and "
								"test the application on it",
								suite ? "a tag on " : "", e.rec.text, e.min.text);
				else
					f->hint = dfx_xasprintf("move to %s%s and test the application on it",
								suite ? "a tag on " : "", e.rec.text);
			}
		} else if (f) {
			f->hint = dfx_xstrdup("move to a supported release of the image");
		}
		dfx_image_release(&ref);
	}
}

const struct dfx_rule dfx_rule_df301 = {
	.code = "DF301",
	.name = "base-image-eol",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A base image is past its end of life",
	.what = "Resolves every FROM (ARG defaults declared before the first FROM are substituted; "
		"FROM another stage and references that stay unresolved are skipped) and looks the image "
		"and tag up in the built-in end-of-life table (from endoflife.date and the Docker official "
		"images history) as on the evaluation date (`--as-of`, default today). It fires when the "
		"release is past its end of life or the image itself is deprecated (openjdk, centos), and "
		"when the tag names an operating-system release that is (`-buster`, `-alpine3.12`). "
		"While free Debian LTS still covers a Debian release (official images keep being rebuilt) "
		"the finding is reported as medium instead of high. A version newer than every release "
		"the table knows (`node:27` when its newest node row is 26) is reported as low: the table "
		"cannot judge it, and `--eol-data FILE` loads a newer one.",
	.why = "An end-of-life release gets no more security fixes: every vulnerability found after "
	       "that date stays in the image for good, and official images stop being rebuilt, so "
	       "even the OS packages underneath go stale. Scanners will flag it, and upgrading later "
	       "only gets harder.",
	.example = "FROM node:14\nFROM python:3.8-slim",
	.instead = "FROM node:26\nFROM python:3.14-slim",
	.fix_safety = "Unsafe: a new major version can break the application. The fix replaces only the "
		      "tag (keeping variant and flavour, `-slim`, `-alpine`, `-fpm`, and dropping a digest "
		      "that pinned the old tag), in the FROM or in the default of the ARG it is built from. "
		      "A .NET tag keeps every segment after its version (8.0-noble-chiseled-extra-amd64 -> "
		      "10.0-noble-chiseled-extra-amd64). When the table marks the move as a suggestion - "
		      "another image (openjdk -> eclipse-temurin), a major jump (mysql 5.7, php 7), an OS "
		      "release, a Windows tag (its suffix, ltsc2016 or 1809, is the Windows version it needs), "
		      "a .NET tag on an OS the new release has no tag for (jammy, bookworm-slim), a tag "
		      "segment the new tag would lose (the OS release of node:20-bullseye-slim, whose "
		      "26-slim is Debian trixie; the Java of tomcat:7-jre8; alpine3.18) - the finding carries "
		      "a hint instead.",
	.refs = "endoflife.date; Trivy OS end-of-life detection; CIS Docker Benchmark 4.3 (keep images up to "
		"date)",
	.check = check,
};
