/*
 * dc305.c - DC305 container-runs-as-root: a service sets `user:` to root:
 * `root`, `0`, `0:0`, `root:<group>`, `0:<group>` (also through a
 * variable's default, `${PUID:-0}`). No fix: which user the service can
 * run as depends on the image and the files it writes.
 *
 * Seed: "Non-Root User" (running as root). Semgrep
 * docker-compose service-runs-as-root; CIS Docker Benchmark
 * v1.6.0 4.1 (a user for the container has been created); compose-spec
 * 05-services.md user.
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"
#include "dockfix/image.h"

/* "root", "0", "root:x", "0:x" (blanks around ignored). */
static bool is_root(const char *u)
{
	size_t n;

	while (*u == ' ' || *u == '\t')
		u++;
	n = strcspn(u, ": \t");
	return (n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0');
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		const char *raw = dfx_yaml_str(s->user.node), *img;
		struct dfx_finding *f;
		struct dfx_imageref ref;
		char *val, *note;
		bool var;

		if (!s->user.key || !raw || dfx_yaml_is_null(s->user.node))
			continue;
		var = dfx_compose_is_interpolated(raw);
		val = var ? dfx_compose_with_defaults(raw) : dfx_xstrdup(raw);
		if (!val || !is_root(val)) {
			free(val);
			continue;
		}
		note = dfx_dc_ref_note(&s->user);
		if (var)
			f = dfx_dc_emit(ctx, &s->user, dfx_dc_ref_span(c, &s->user),
				       "service `%s` runs as root unless its variables are set (`user: %s` "
				       "defaults to `%s`%s)",
				       s->name, raw, val, note);
		else
			f = dfx_dc_emit(ctx, &s->user, dfx_dc_ref_span(c, &s->user),
				       "service `%s` runs as root (`user: %s`%s): a process that escapes is root "
				       "on the host",
				       s->name, raw, note);
		free(note);
		free(val);
		if (!f)
			continue;
		img = dfx_dc_service_image(ctx, s);
		if (img && dfx_image_parse(&ref, img, NULL) == 0) {
			const char *du = dfx_image_default_user(&ref);

			if (du)
				f->hint = dfx_xasprintf("the image runs as `%s` by default: remove `user:` or set "
							"`user: \"%s\"`",
							du, du);
			dfx_image_release(&ref);
		}
		if (!f->hint)
			f->hint = dfx_xstrdup("set a non-root numeric user (`user: \"10001:10001\"`) and give it "
					      "the files and volumes it writes, or remove `user:` if the image "
					      "already runs as a non-root user");
	}
}

const struct dfx_rule dfx_rule_dc305 = {
	.code = "DC305",
	.name = "container-runs-as-root",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_NONE,
	.summary = "A service explicitly runs as root",
	.what = "Finds services whose `user:` is root: `root`, `0`, `0:0`, `root:<group>` or "
		"`0:<group>`, also as a number (`user: 0`) and through a variable default "
		"(`${PUID:-0}:${PGID:-0}`). A service without `user:` runs as its image's user, which "
		"the Dockerfile rules (DF201) check.",
	.why = "Setting `user: root` overrides a non-root USER of the image. Root in the container "
	       "is root on the host as soon as anything goes wrong: a kernel bug, a mounted socket, "
	       "a writable host path, an added capability. Files it writes to bind mounts are owned "
	       "by host root.",
	.example = "services:\n  worker:\n    image: ghcr.io/acme/worker:3\n    user: root",
	.instead = "services:\n  worker:\n    image: ghcr.io/acme/worker:3\n    user: \"10001:10001\"",
	.fix_safety = "No automatic fix: the right user depends on the image (its own non-root user, "
		      "or a numeric UID) and on who owns the volumes the service writes. The hint names "
		      "the image's default user when it is known.",
	.refs = "Semgrep docker-compose service-runs-as-root; CIS Docker Benchmark v1.6.0 4.1 (a user for the "
		"container has been created); DF201 for the image side",
	.check = check,
};
