/*
 * imagebehaviour.c - the run-time behaviour of popular images
 * (include/dockfix/imagebehaviour.h), looked up in the generated table of
 * src/model/data/image-behaviour.tsv.
 *
 * Reference: each image's upstream Dockerfile and entrypoint script and its
 * Docker Official Images / vendor documentation. Pure functions over
 * constant data: safe from several threads.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "dockfix/core.h"
#include "dockfix/image.h"
#include "dockfix/imagebehaviour.h"
#include "tables.h"

const struct dfx_imagebehaviour *dfx_imagebehaviour_lookup(const struct dfx_imageref *ref)
{
	const char *tag;

	if (!ref || !ref->name || ref->scratch)
		return NULL;
	tag = ref->has_tag ? ref->tag : ref->digest ? "" : "latest";
	for (size_t i = 0; i < dfx_tab_imagebehaviour_n; i++) {
		const struct dfx_imagebehaviour *b = &dfx_tab_imagebehaviour[i];

		if (dfx_image_match(b->image, ref) && fnmatch(b->tag, tag, 0) == 0)
			return b;
	}
	return NULL;
}

const struct dfx_imagebehaviour *dfx_imagebehaviour_find(const char *image_ref)
{
	struct dfx_imageref ref;
	const struct dfx_imagebehaviour *b;

	if (!image_ref || dfx_image_parse(&ref, image_ref, NULL) != 0)
		return NULL;
	b = ref.unresolved ? NULL : dfx_imagebehaviour_lookup(&ref);
	dfx_image_release(&ref);
	return b;
}

bool dfx_imagebehaviour_drops(const struct dfx_imagebehaviour *b)
{
	return b && b->drop && !dfx_imagebehaviour_nonroot_default(b);
}

bool dfx_imagebehaviour_nonroot_default(const struct dfx_imagebehaviour *b)
{
	const char *u;
	size_t n;

	if (!b)
		return false;
	u = b->user;
	n = strcspn(u, ":");
	return !((n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0') ||
		 !strcmp(u, "ContainerAdministrator"));
}

bool dfx_imagebehaviour_serves(const struct dfx_imagebehaviour *b)
{
	return b && b->cmd && !strcmp(b->cmd, "server");
}

/* Each item of a comma-separated list, compared by fnmatch when it has '*'. */
static bool list_match(const char *list, const char *item, bool glob)
{
	size_t il = strlen(item);

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");

		if (glob && memchr(p, '*', n)) {
			char *pat = dfx_xstrndup(p, n);
			bool m = fnmatch(pat, item, 0) == 0;

			free(pat);
			if (m)
				return true;
		} else if (n == il && !strncmp(p, item, n)) {
			return true;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

bool dfx_imagebehaviour_listed(const char *list, const char *item)
{
	return item && list_match(list, item, false);
}

bool dfx_imagebehaviour_file_var(const struct dfx_imagebehaviour *b, const char *var)
{
	return b && var && list_match(b->file_vars, var, true);
}

bool dfx_imagebehaviour_writes(const struct dfx_imagebehaviour *b, const char *path)
{
	if (!b || !path)
		return false;
	for (const char *p = b->writable; p && *p;) {
		size_t n = strcspn(p, ",");

		if (!strncmp(path, p, n) && (path[n] == '\0' || path[n] == '/'))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}
