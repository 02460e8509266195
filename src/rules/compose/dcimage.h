/*
 * dcimage.h - helpers private to the image rules of compose files, DC501
 * (end of life), DC502 (unpinned) and DC503 (unverified): which services
 * they look at, the service's image with its variable defaults applied,
 * and the fix that sets the image's tag.
 *
 * References: the Compose Specification, 05-services.md (`image`) and
 * 12-interpolation.md (`${VAR:-default}`, `${VAR-default}`); the image
 * reference grammar of github.com/distribution/reference.
 */
#ifndef DOCKFIX_DCIMAGE_H
#define DOCKFIX_DCIMAGE_H

#include "dcrule.h"
#include "dockfix/image.h"

/* A service's `image:` as the image rules see it. */
struct dfx_dc_image {
	const char *text;         /* the value as written */
	struct dfx_imageref ref;  /* parsed after interpolation with the defaults */
	bool by_var;              /* the value had variables, replaced by the .env's values or their defaults */
	const char *var_note;     /* " (with its variable defaults)", " (with the values of .env)", ... or "" */
	const char *var_source;   /* "a variable default" or ".env" (by_var) */
	struct dfx_span where;    /* where to report: the value as written */
	const struct dfx_yaml_ref *from; /* the service's `image:` (for dfx_dc_emit) */
};

/*
 * The image of service s: false (nothing to check) without `image:`, with
 * `build:` (the image names what is built), for a value that is not a
 * scalar or does not parse, and when a variable in it has no default
 * (`${TAG}`: its value is unknown) - unless `name_only` and the variables
 * are all in the tag (`acme/app:${TAG}`: the publisher is known), then
 * im->ref.unresolved is set. `${REPO_PREFIX-}cypress/base` is checked as
 * `cypress/base`. Release with dfx_dc_image_release().
 */
bool dfx_dc_image_get(struct dfx_ctx *ctx, const struct dfx_compose_service *s, bool name_only,
		      struct dfx_dc_image *im);
void dfx_dc_image_release(struct dfx_dc_image *im);

/*
 * Attach to f an unsafe fix that sets the image's tag to `tag` (dropping a
 * digest), described by `desc`; a hint instead when the image sits in an
 * anchor another service opted out of. Callers do not call it for values
 * that came from variable defaults (the variable may be set elsewhere).
 */
void dfx_dc_image_retag(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_compose_service *s,
			const char *tag, const char *desc);

#endif
