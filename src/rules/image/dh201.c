/*
 * dh201.c - DH201 image-runs-as-root: a `docker inspect` object whose
 * Config.User is empty or root (root, 0, root:*, 0:*; on Windows also
 * ContainerAdministrator), so containers started from the image run as
 * root. With history lines only (no inspect object), the newest USER step
 * decides; a history that has Dockerfile steps but no USER step at all
 * runs as root too.
 * Seed: "Non-Root User", Hardening Checklist "USER instruction sets
 * non-root user"; CIS Docker Benchmark 4.1.
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/rule.h"
#include "dockfix/inspect.h"

static const char hint[] = "rebuild with a non-root USER in the final stage (dockfix fixes the Dockerfile: "
			   "DF201), or start it with `docker run --user 10001:10001` / compose `user:`";

static void check_image(struct dfx_ctx *ctx, const struct dfx_inspect_image *img)
{
	struct dfx_finding *f;
	struct dfx_span sp;
	const char *user = img->user ? img->user->str : "";
	char *shown;

	if (!dfx_inspect_user_is_root(user, img->windows))
		return;
	if (img->user) {
		sp = img->user->span;
	} else if (img->config) {
		sp = img->config->key_span.end > img->config->key_span.start ? img->config->key_span : img->config->span;
	} else {
		sp.start = img->obj->span.start;
		sp.end = sp.start + 1;
	}
	if (!img->user || !user[0])
		shown = dfx_xstrdup(img->user ? "Config.User is empty" : "Config.User is not set");
	else
		shown = dfx_xasprintf("Config.User is \"%s\"", user);
	f = dfx_emit(ctx, sp, "image %s runs as root: %s", img->name, shown);
	if (f)
		f->hint = dfx_xstrdup(hint);
	free(shown);
}

/* The USER of a history step, or NULL when the step is not a USER step. */
static const char *step_user(const struct dfx_json *cb)
{
	size_t at = dfx_inspect_step_body(cb->str, cb->len);

	if (cb->len - at > 4 && strncmp(cb->str + at, "USER", 4) == 0 &&
	    (cb->str[at + 4] == ' ' || cb->str[at + 4] == '\t')) {
		at += 4;
		while (at < cb->len && (cb->str[at] == ' ' || cb->str[at] == '\t'))
			at++;
		return cb->str + at;
	}
	return NULL;
}

static void check_history(struct dfx_ctx *ctx, const struct dfx_inspect *in)
{
	const struct dfx_json *newest = NULL;
	struct dfx_finding *f;

	for (size_t k = 0; k < in->nsteps; k++) {
		/* docker history lists the newest step first */
		size_t i = in->steps[k].newest_first ? k : in->nsteps - 1 - k;
		const struct dfx_json *cb = in->steps[i].created_by;
		const char *user = step_user(cb);

		if (!newest)
			newest = cb;
		if (!user)
			continue;
		if (dfx_inspect_user_is_root(user, false)) {
			char *u = dfx_xstrndup(user, strcspn(user, " \t#"));

			f = dfx_emit(ctx, cb->span, "the image's last USER step is \"%s\": it runs as root", u);
			if (f)
				f->hint = dfx_xstrdup(hint);
			free(u);
		}
		return;
	}
	if (!newest)
		return;
	f = dfx_emit(ctx, newest->span,
		       "no USER step in the image history: the image runs as root (confirm with `docker inspect "
		       "--format '{{.Config.User}}' IMAGE`)");
	if (f)
		f->hint = dfx_xstrdup(hint);
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_inspect *in = ctx->file->inspect;

	if (!in)
		return;
	for (size_t i = 0; i < in->nimages; i++)
		check_image(ctx, &in->images[i]);
	if (!in->nimages && in->from_history)
		check_history(ctx, in);
}

const struct dfx_rule dfx_rule_dh201 = {
	.code = "DH201",
	.name = "image-runs-as-root",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_IMAGE,
	.fix = DFX_FIX_NONE,
	.summary = "A built image runs as root",
	.what = "Reads `docker inspect IMAGE` output and checks `Config.User`: empty (the default) or "
		"root, 0, root:* or 0:* means every container started from the image runs as root unless "
		"it is given another user. Given only `docker history` lines, the newest USER step decides, "
		"and a history without any USER step is reported too.",
	.why = "A process that runs as root in the container is root on the host the moment it escapes "
	       "(a kernel bug, a mounted socket, a privileged flag), and can rewrite the image's own "
	       "files. Kubernetes `runAsNonRoot` refuses such images.",
	.example = "$ docker inspect --format '{{.Config.User}}' myapp:1.0\n\n(empty: root)",
	.instead = "# Dockerfile, final stage\nUSER 10001:10001\n\n"
		   "$ docker inspect --format '{{.Config.User}}' myapp:1.1\n10001:10001",
	.fix_safety = "No fix: the image is already built. Add a non-root USER to the final stage (dockfix "
		      "fixes DF201 in the Dockerfile) and rebuild, or run the container with --user.",
	.refs = "CIS Docker Benchmark 4.1; hadolint DL3002",
	.check = check,
};
