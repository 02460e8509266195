/*
 * dc401.c - DC401 docker-socket-mounted: a service mounts the container
 * engine's API socket (docker, podman, containerd, CRI-O; rootless
 * `$XDG_RUNTIME_DIR/docker.sock`, Docker Desktop's `docker.sock.raw`, the
 * Windows `docker_engine` pipe), or a directory that holds it (`/var/run`,
 * `/run`), in short or long volume syntax, or sets `use_api_socket: true`.
 * Read-only does not help: connecting to a socket is not a write. No fix;
 * the hint points to a filtering socket proxy.
 *
 * Seed: "Volume Mounts" (CRITICAL: Docker socket access = root on host).
 * KICS d6355c88 (Docker Socket Mounted In Container; short syntax only);
 * Semgrep docker-compose exposing-docker-socket-volume; CIS
 * Docker Benchmark v1.6.0 5.32 (the Docker socket is not mounted inside
 * any containers); compose-spec 05-services.md use_api_socket.
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"

static const char *const sockets[] = {
	"docker.sock", "docker.sock.raw", "podman.sock", "containerd.sock", "crio.sock",
	"cri-dockerd.sock", "dockershim.sock", NULL,
};

/* Directories whose whole mount exposes an engine socket. */
static const char *const socket_dirs[] = {
	"/var/run", "/run", "/var/run/docker", "/run/docker", "/var/run/podman", "/run/podman",
	"/var/run/containerd", "/run/containerd", "/var/run/crio", "/run/crio", "$XDG_RUNTIME_DIR",
	"$XDG_RUNTIME_DIR/podman", "$XDG_RUNTIME_DIR/docker", "~/.docker/run", NULL,
};

/* The socket (or directory) a host path exposes, or NULL. */
static const char *exposed(const char *host, bool *dir)
{
	const char *base = strrchr(host, '/');

	*dir = false;
	base = base ? base + 1 : host;
	for (size_t i = 0; sockets[i]; i++)
		if (!strcmp(base, sockets[i]))
			return sockets[i];
	for (size_t i = 0; socket_dirs[i]; i++)
		if (!strcmp(host, socket_dirs[i])) {
			*dir = true;
			return "the engine socket";
		}
	/* /run/user/<uid> and /run/user/<uid>/podman: a rootless engine's runtime directory */
	if (!strncmp(host, "/run/user/", 10)) {
		const char *p = host + 10;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p > host + 10 && (!*p || !strcmp(p, "/podman") || !strcmp(p, "/docker"))) {
			*dir = true;
			return "the rootless engine socket";
		}
	}
	return NULL;
}

static const char *const hint =
	"give the service a filtering proxy instead of the socket (for example "
	"tecnativa/docker-socket-proxy with only the API sections it needs, such as CONTAINERS=1, "
	"and POST=0 for read-only), and point it at the proxy with DOCKER_HOST=tcp://proxy:2375; a "
	"`:ro` mount does not limit the API";

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		struct dfx_finding *f;

		for (size_t j = 0; j < s->nvolumes; j++) {
			const struct dfx_compose_volume *v = &s->volumes[j];
			struct dfx_span where;
			char *host, *note;
			const char *what = NULL, *anchor;
			bool dir = false;

			if (!v->source)
				continue;
			host = dfx_dc_volume_host_path(ctx, v);
			if (host)
				what = exposed(host, &dir);
			/* `${DOCKER_SOCKET_LOCATION}:/var/run/docker.sock`: a variable nothing in the
			   project sets, mounted where clients look for the engine socket */
			if (!what && !host && dfx_compose_is_variable_only(v->source) && v->target &&
			    v->target[0] == '/' && exposed(v->target, &dir) && !dir) {
				char *val = dfx_dc_expand(ctx, v->source);

				if (!val)
					what = "the engine socket";
				free(val);
			}
			if (!what && (strstr(v->source, "pipe/docker_engine") || strstr(v->source, "pipe\\docker_engine")))
				what = "docker_engine";
			if (!what) {
				free(host);
				continue;
			}
			where = v->node->span;
			anchor = v->from_anchor ? dfx_dc_anchor_of(v->node) : NULL;
			note = anchor ? dfx_xasprintf(" (from the anchor `&%s`)", anchor) : dfx_xstrdup("");
			if (dir)
				f = dfx_dc_emit(ctx, &s->volumes_ref, where,
					       "service `%s` mounts `%s`%s, which holds %s: full control of the "
					       "container engine, which is root on the host",
					       s->name, v->source, note, what);
			else
				f = dfx_dc_emit(ctx, &s->volumes_ref, where,
					       "service `%s` mounts the container engine's API socket `%s`%s: "
					       "full control of the engine, which is root on the host%s",
					       s->name, v->source, note,
					       v->read_only ? " (read-only does not limit the API)" : "");
			free(note);
			if (f)
				f->hint = dfx_xstrdup(hint);
			free(host);
		}
		if (s->use_api_socket.key && dfx_yaml_is_true(s->use_api_socket.node)) {
			char *rnote = dfx_dc_ref_note(&s->use_api_socket);

			f = dfx_dc_emit(ctx, &s->use_api_socket, dfx_dc_ref_span(c, &s->use_api_socket),
				       "service `%s` sets `use_api_socket: true`%s%s%s: the engine's API socket "
				       "and the user's registry credentials are mounted into it",
				       s->name, *rnote ? " (" : "", *rnote ? rnote + 2 : "", *rnote ? ")" : "");
			free(rnote);
			if (f)
				f->hint = dfx_xstrdup(hint);
		}
	}
}

const struct dfx_rule dfx_rule_dc401 = {
	.code = "DC401",
	.name = "docker-socket-mounted",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_NONE,
	.summary = "A service can reach the container engine's API socket",
	.what = "Finds volumes whose host side is a container engine socket: `docker.sock` "
		"(/var/run, /run, rootless `$XDG_RUNTIME_DIR`, Docker Desktop's `docker.sock.raw`), "
		"`podman.sock`, `containerd.sock`, `crio.sock`, the Windows `docker_engine` pipe, or a "
		"directory that holds one (`/var/run`, `/run`, `/run/user/<uid>`), in short and long "
		"syntax, read-only or not; and services with `use_api_socket: true`.",
	.why = "Whoever can talk to the engine's API can start a privileged container that mounts "
	       "the host's root filesystem: access to the socket is root on the host. A `:ro` mount "
	       "does not change that, since connecting to a socket is not a write. A compromised "
	       "dashboard, CI runner or reverse proxy with the socket becomes a host compromise."
	       "\n\nSeverity: critical: the engine API is root on the host, read-only or not. A socket path behind a variable is judged by the value the .env gives it, else by its default (`${DOCKER_SOCKET_LOCATION:-/var/run/docker.sock}`); a variable nothing sets that is mounted at an engine socket path (`${DOCKER_SOCKET_LOCATION}:/var/run/docker.sock`) is taken for the socket.",
	.example = "services:\n  traefik:\n    image: traefik:v3.6\n    volumes:\n      - "
		   "/var/run/docker.sock:/var/run/docker.sock:ro",
	.instead = "services:\n  socket-proxy:\n    image: tecnativa/docker-socket-proxy   # pin a release\n    "
		   "environment:\n      CONTAINERS: 1\n      POST: 0\n    volumes:\n      - "
		   "/var/run/docker.sock:/var/run/docker.sock:ro\n    networks: [proxy]\n  traefik:\n    "
		   "image: traefik:v3.6\n    command: --providers.docker.endpoint=tcp://socket-proxy:2375\n"
		   "    networks: [proxy]",
	.fix_safety = "No automatic fix: the service presumably needs some of the API. Put a "
		      "filtering proxy in between that allows only the API sections it uses (read-only "
		      "where possible), and keep the proxy on an internal network. The proxy itself "
		      "still mounts the socket; suppress this finding there with a "
		      "`# dockfix ignore=DC401` comment.",
	.refs = "KICS d6355c88 (Docker Socket Mounted In Container); Semgrep docker-compose "
		"exposing-docker-socket-volume; CIS Docker Benchmark v1.6.0 5.32 (the Docker socket is not "
		"mounted inside any containers)",
	.check = check,
};
