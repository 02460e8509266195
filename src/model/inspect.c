/*
 * inspect.c - reads `docker inspect` / `docker history --format '{{json .}}'`
 * output (and OCI image config blobs) into the model of inspect.h: the
 * workspace parses each image input once (dfx_ws_parse), the DH rules read
 * that parse. Seed: "Checking Image History" (`docker history --no-trunc
 * <image>`, `docker inspect <image> | jq '.[0].Config.Env'`).
 *
 * References: the Docker Engine API image inspect object
 * (docs.docker.com/reference/api/engine/, ImageInspect: Config.Env,
 * Config.User, RepoTags, Os), `docker history` output
 * (docs.docker.com/reference/cli/docker/image/history/), and the OCI image
 * configuration (github.com/opencontainers/image-spec config.md: config,
 * history[].created_by).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/inspect.h"

static const char *const config_keys[] = {"Config", "config", NULL};
static const char *const container_config_keys[] = {"ContainerConfig", "container_config", NULL};
static const char *const image_keys[] = {"Config", "config", "ContainerConfig", "container_config", "RepoTags",
					 "RepoDigests", "Id", "rootfs", "RootFS", NULL};

static void fail_at(struct dfx_error *err, const struct dfx_source *src, uint32_t off, const char *msg,
		    const char *what)
{
	unsigned line, col;

	dfx_source_linecol(src, off, &line, &col);
	dfx_error_set(err, src->path, line, col, "%s%s", msg, what ? what : "");
}

static const struct dfx_json *object_at(const struct dfx_json *obj, const char *const *keys)
{
	const struct dfx_json *v = dfx_json_get_any(obj, keys);

	return v && v->type == DFX_JSON_OBJECT ? v : NULL;
}

static const struct dfx_json *array_at(const struct dfx_json *obj, const char *key)
{
	const struct dfx_json *v = dfx_json_get(obj, key);

	return v && v->type == DFX_JSON_ARRAY ? v : NULL;
}

/* RepoTags[0], a container's Name, the short Id, or "image N". */
static char *image_name(const struct dfx_json *obj, size_t n)
{
	const struct dfx_json *tags = array_at(obj, "RepoTags");
	const char *s;

	if (tags && tags->nkids && (s = dfx_json_string(&tags->kids[0])) && *s)
		return dfx_xstrdup(s);
	if ((s = dfx_json_string(dfx_json_get(obj, "Name"))) && *s)
		return dfx_xstrdup(s[0] == '/' ? s + 1 : s);
	if ((s = dfx_json_string(dfx_json_get(obj, "Id"))) && *s) {
		const char *hex = strncmp(s, "sha256:", 7) == 0 ? s + 7 : s;
		return dfx_xstrndup(hex, strlen(hex) < 12 ? strlen(hex) : 12);
	}
	return dfx_xasprintf("image %zu", n + 1);
}

static void add_step(struct dfx_inspect *in, const struct dfx_json *s, bool newest_first)
{
	DFX_GROW(in->steps, in->nsteps + 1, in->scap);
	in->steps[in->nsteps].created_by = s;
	in->steps[in->nsteps].newest_first = newest_first;
	in->nsteps++;
}

static void add_image(struct dfx_inspect *in, const struct dfx_json *obj)
{
	struct dfx_inspect_image *img;
	const struct dfx_json *cc, *hist, *v;
	const char *os;

	DFX_GROW(in->images, in->nimages + 1, in->icap);
	img = &in->images[in->nimages];
	memset(img, 0, sizeof(*img));
	img->obj = obj;
	img->name = image_name(obj, in->nimages);
	img->config = object_at(obj, config_keys);
	v = dfx_json_get(img->config, "User");
	img->user = v && v->type == DFX_JSON_STRING ? v : NULL;
	img->env[0] = array_at(img->config, "Env");
	cc = object_at(obj, container_config_keys);
	img->env[1] = array_at(cc, "Env");
	os = dfx_json_string(dfx_json_get(obj, "Os"));
	if (!os)
		os = dfx_json_string(dfx_json_get(obj, "os"));
	img->windows = os && strcmp(os, "windows") == 0;
	in->nimages++;
	/* an OCI image config carries its history, oldest first */
	hist = array_at(obj, "history");
	for (size_t i = 0; hist && i < hist->nkids; i++) {
		const struct dfx_json *c = dfx_json_get(&hist->kids[i], "created_by");

		if (c && c->type == DFX_JSON_STRING)
			add_step(in, c, false);
	}
}

static int classify(struct dfx_inspect *in, const struct dfx_json *obj, const struct dfx_source *src,
		    struct dfx_error *err)
{
	const struct dfx_json *cb;

	if (obj->type != DFX_JSON_OBJECT) {
		fail_at(err, src, obj->span.start, "expected an object of `docker inspect` or `docker history` output, found a ",
			dfx_json_type_name(obj->type));
		return -1;
	}
	cb = dfx_json_get(obj, "CreatedBy");
	if (cb) {
		if (cb->type != DFX_JSON_STRING) {
			fail_at(err, src, cb->span.start, "\"CreatedBy\" should be a string, found a ",
				dfx_json_type_name(cb->type));
			return -1;
		}
		add_step(in, cb, true);
		in->from_history = true;
		return 0;
	}
	if (dfx_json_get_any(obj, image_keys)) {
		add_image(in, obj);
		return 0;
	}
	fail_at(err, src, obj->span.start,
		"neither a `docker inspect` object (no \"Config\" or \"Id\") nor a `docker history` line (no \"CreatedBy\")",
		NULL);
	return -1;
}

int dfx_inspect_parse(struct dfx_inspect *in, const struct dfx_source *src, struct dfx_error *err)
{
	struct dfx_json_error jerr;
	const struct dfx_json *root;

	memset(in, 0, sizeof(*in));
	if (dfx_source_is_binary(src)) {
		dfx_error_set(err, src->path, 0, 0,
			      "a binary file, not JSON (for a `docker save` archive, audit `docker inspect` of the "
			      "loaded image instead)");
		return -1;
	}
	in->doc = dfx_json_parse(src->data, src->len, DFX_JSON_SEQ, &jerr);
	if (!in->doc) {
		if (src->len >= 6 && strncmp(src->data, "IMAGE ", 6) == 0 && strstr(src->data, "CREATED BY"))
			dfx_error_set(err, src->path, 1, 1,
				      "this is the table `docker history` prints; give its JSON instead: "
				      "docker history --no-trunc --format '{{json .}}' IMAGE");
		else
			dfx_error_set(err, src->path, jerr.line, jerr.col, "invalid JSON: %s", jerr.msg);
		return -1;
	}
	root = in->doc->root;
	for (size_t i = 0; i < root->nkids; i++) {
		const struct dfx_json *v = &root->kids[i];

		if (v->type == DFX_JSON_ARRAY) {
			for (size_t k = 0; k < v->nkids; k++)
				if (classify(in, &v->kids[k], src, err) != 0)
					goto fail;
		} else if (classify(in, v, src, err) != 0) {
			goto fail;
		}
	}
	if (!in->nimages && !in->nsteps) {
		dfx_error_set(err, src->path, 1, 1,
			      "no image in the input: expected the output of `docker inspect IMAGE` or "
			      "`docker history --no-trunc --format '{{json .}}' IMAGE`");
		goto fail;
	}
	return 0;
fail:
	dfx_inspect_release(in);
	return -1;
}

void dfx_inspect_release(struct dfx_inspect *in)
{
	for (size_t i = 0; i < in->nimages; i++)
		free(in->images[i].name);
	free(in->images);
	free(in->steps);
	dfx_json_free(in->doc);
	memset(in, 0, sizeof(*in));
}

size_t dfx_inspect_step_body(const char *cmd, size_t len)
{
	size_t i = 0;
	const char *nop;

	while (i < len && (cmd[i] == ' ' || cmd[i] == '\t'))
		i++;
	/* classic builder metadata step: "/bin/sh -c #(nop) ENV A=b" (or cmd /S /C on Windows) */
	nop = len - i >= 6 ? strstr(cmd + i, "#(nop)") : NULL;
	if (nop && (size_t)(nop - cmd) < i + 32) {
		i = (size_t)(nop - cmd) + 6;
		while (i < len && (cmd[i] == ' ' || cmd[i] == '\t'))
			i++;
	}
	return i;
}

struct dfx_span dfx_inspect_span(const char *data, const struct dfx_json *s, size_t ds, size_t de)
{
	struct dfx_span sp;

	sp.start = dfx_json_raw_offset(data, s, ds);
	sp.end = dfx_json_raw_offset(data, s, de);
	return sp;
}

bool dfx_inspect_user_is_root(const char *user, bool windows)
{
	size_t n;

	while (*user == ' ' || *user == '\t')
		user++;
	n = strcspn(user, ":");
	while (n && (user[n - 1] == ' ' || user[n - 1] == '\t'))
		n--;
	if (n == 0)
		return true;
	if ((n == 4 && strncmp(user, "root", 4) == 0) || (n == 1 && user[0] == '0'))
		return true;
	return windows && n == 22 && strncasecmp(user, "ContainerAdministrator", 22) == 0;
}
