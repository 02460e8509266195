/*
 * templates.h - the `dockfix init` templates, compiled into the binary.
 *
 * The table is generated at build time by templates/embed.sh from the files
 * under templates/ (into $(O)/gen/templates.c), together with the base-image
 * tags those templates use, picked from src/model/data/eol.tsv: the installed
 * binary needs no data files, and what it generates always passes its own
 * base-image rules.
 */
#ifndef DOCKFIX_TEMPLATES_H
#define DOCKFIX_TEMPLATES_H

#include <stddef.h>

/* One template file: `path` relative to templates/ ("node/Dockerfile"). */
struct dfx_template {
	const char *path;
	const char *data; /* len bytes, then a NUL (data may contain NULs) */
	size_t len;
};

/* A build-time value for an @NAME@ placeholder ("NODE_TAG" -> "26-slim"). */
struct dfx_template_var {
	const char *name;
	const char *value;
};

extern const struct dfx_template dfx_templates[];
extern const size_t dfx_ntemplates;
extern const struct dfx_template_var dfx_template_vars[];
extern const size_t dfx_ntemplate_vars;

/* The template at `path`, or NULL. */
const struct dfx_template *dfx_templates_find(const char *path);
/* The build-time value of placeholder `name`, or NULL. */
const char *dfx_templates_var(const char *name);

#endif
