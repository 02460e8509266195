/*
 * dc402.c - DC402 sensitive-host-path: a writable bind mount of a host
 * directory or file that controls the host: `/`, `/etc` (and passwd,
 * shadow, sudoers, cron, ssh, systemd, docker, kubernetes under it),
 * `/root`, `/home` or a whole home directory, `/proc`, `/sys`, `/boot`,
 * `/dev`, `/usr`, `/lib`, `/bin`, `/sbin`, `/var`, `/var/run`, `/run`,
 * `/var/lib/docker`, `/var/lib/kubelet`, `/lib/modules`, and credential
 * folders such as `~/.ssh`, `~/.aws`, `~/.kube`, `~/.docker`. Named
 * volumes and paths relative to the project are not host paths. Unsafe
 * fix: make the mount read-only (`:ro`, `rw` -> `ro`, or `read_only:
 * true`); read-only mounts are not reported, nor the `_data` folder of a
 * volume the file declares. The `_data` folder of any other volume is one
 * volume's content, not the engine's state: a low note with a hint, no
 * fix. Engine sockets are DC401.
 *
 * Seed: "Volume Mounts" (HIGH: Sensitive host paths /etc, /root). KICS
 * 1c1325ff (Volume Has Sensitive Host Directory); CIS Docker Benchmark
 * v1.6.0 5.6 (sensitive host system directories are not mounted on
 * containers); compose-spec 05-services.md volumes.
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"

/* Exactly these paths. */
static const char *const exact[] = {
	"/", "/etc", "/home", "/dev", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/var", "/var/lib",
	"/var/run", "/run", "/root", "~", "/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
	"/etc/sudoers", "/etc/crontab", "/etc/ld.so.preload", NULL,
};

/* These paths and everything under them. */
static const char *const subtree[] = {
	"/proc", "/sys", "/boot", "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet",
	"/etc/kubernetes", "/etc/docker", "/etc/ssh", "/etc/sudoers.d", "/etc/cron.d", "/etc/systemd",
	"/etc/pam.d", "/lib/modules", "/usr/lib/modules", "/var/spool/cron", NULL,
};

/* Any path with one of these components (credential folders in a home directory). */
static const char *const components[] = {".ssh", ".gnupg", ".aws", ".kube", ".docker", NULL};

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

static bool has_component(const char *path, const char *comp)
{
	size_t n = strlen(comp);

	for (const char *p = path; (p = strstr(p, comp)) != NULL; p += n)
		if ((p == path || p[-1] == '/') && (p[n] == '/' || !p[n]))
			return true;
	return false;
}

/* A whole user home directory: /home/<user> (one component). */
static bool home_dir(const char *path)
{
	return !strncmp(path, "/home/", 6) && path[6] && !strchr(path + 6, '/');
}

/*
 * Paths whose write access is root on the host at the next login, cron
 * run or boot: the whole filesystem, /etc and its account, sudo, cron and
 * preload files, root's home. A writable bind of these is critical.
 */
static bool host_root(const char *path)
{
	static const char *const root[] = {
		"/", "/etc", "/etc/passwd", "/etc/shadow", "/etc/sudoers", "/etc/crontab",
		"/etc/ld.so.preload", "/root", NULL,
	};

	for (size_t i = 0; root[i]; i++)
		if (!strcmp(path, root[i]))
			return true;
	return under(path, "/etc/sudoers.d") || under(path, "/etc/cron.d") || under(path, "/var/spool/cron");
}

static bool sensitive(const char *path)
{
	size_t n = strlen(path);

	if ((n > 5 && !strcmp(path + n - 5, ".sock")) || (n > 9 && !strcmp(path + n - 9, ".sock.raw")))
		return false; /* an engine socket: DC401 */
	for (size_t i = 0; exact[i]; i++)
		if (!strcmp(path, exact[i]))
			return true;
	for (size_t i = 0; subtree[i]; i++)
		if (under(path, subtree[i]))
			return true;
	for (size_t i = 0; components[i]; i++)
		if (has_component(path, components[i]))
			return true;
	return home_dir(path);
}

/*
 * Whether `path` is the data folder of one Docker volume, or a path under
 * it: /var/lib/docker/volumes/<name>/_data[/...]. *name and *n get the
 * volume's name (in `path`). That is a volume's content, not the engine's
 * state: the container can write what a mount of the volume lets it
 * write, nothing of the host.
 */
static bool volume_data(const char *path, const char **name, size_t *n)
{
	static const char pre[] = "/var/lib/docker/volumes/";
	const char *dir = path + sizeof(pre) - 1, *end;

	if (strncmp(path, pre, sizeof(pre) - 1) || !(end = strchr(dir, '/')) || end == dir ||
	    strncmp(end, "/_data", 6) || (end[6] && end[6] != '/'))
		return false;
	*name = dir;
	*n = (size_t)(end - dir);
	return true;
}

/*
 * Whether the volume `name` (n bytes) is one the file declares: Compose
 * names a volume `<project>_<vol>`, or the `name:` it is given.
 */
static bool own_volume(const struct dfx_compose *c, const char *dir, size_t n)
{
	for (size_t i = 0; i < c->nvolumes; i++) {
		const char *v = c->volumes[i].name, *named = NULL;
		size_t vn = strlen(v);

		if (c->volumes[i].node && c->volumes[i].node->type == DFX_YAML_MAPPING) {
			const struct dfx_yaml_node *nm = dfx_yaml_get(c->yaml, c->volumes[i].node, "name");

			named = nm ? dfx_yaml_str(nm) : NULL;
		}
		if (named && strlen(named) == n && !strncmp(dir, named, n))
			return true;
		if (!named && n > vn + 1 && dir[n - vn - 1] == '_' && !strncmp(dir + n - vn, v, vn))
			return true;
	}
	return false;
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		for (size_t j = 0; j < s->nvolumes; j++) {
			const struct dfx_compose_volume *v = &s->volumes[j];
			struct dfx_span where;
			struct dfx_finding *f;
			struct dfx_yaml_edits ed;
			struct dfx_buf path = DFX_BUF_INIT;
			const char *why, *anchor, *vol;
			size_t voln;
			char *host;

			if (v->read_only || !v->source)
				continue;
			host = dfx_dc_volume_host_path(ctx, v);
			if (!host || !sensitive(host) ||
			    (volume_data(host, &vol, &voln) && own_volume(c, vol, voln))) {
				free(host);
				continue;
			}
			where = v->node->span;
			anchor = v->from_anchor ? dfx_dc_anchor_of(v->node) : NULL;
			if (volume_data(host, &vol, &voln)) {
				/* one volume's content: a note, and no read-only fix (the
				   service writes its data there) */
				f = dfx_dc_emit(ctx, &s->volumes_ref, where,
					       "service `%s` mounts the data folder of the Docker volume `%.*s` by its "
					       "host path%s%s%s: the file does not declare that volume, so the service "
					       "writes another stack's (or a hand-made) volume behind the engine's back",
					       s->name, (int)voln, vol, anchor ? " (from the anchor `&" : "",
					       anchor ? anchor : "", anchor ? "`)" : "");
				dfx_finding_severity(ctx, f, DFX_SEV_LOW);
				if (f)
					f->hint = dfx_xasprintf(
						"declare the volume (`external: true`, `name: %.*s`) and mount it by "
						"name; the host path of a volume's data is Docker's and moves with its "
						"data root (rootless Docker, Docker Desktop)",
						(int)voln, vol);
				free(host);
				continue;
			}
			f = dfx_dc_emit(ctx, &s->volumes_ref, where,
				       "service `%s` mounts the host path `%s` writable%s%s%s: a process in the "
				       "container can change the host's %s",
				       s->name, v->source, anchor ? " (from the anchor `&" : "", anchor ? anchor : "",
				       anchor ? "`)" : "", !strcmp(host, "/") ? "whole filesystem" : "files there");
			if (host_root(host))
				dfx_finding_severity(ctx, f, DFX_SEV_CRITICAL);
			free(host);
			if (!f)
				continue;
			if (!dfx_dc_fix_allowed(ctx, v->node, &why)) {
				f->hint = dfx_xstrdup(why);
				continue;
			}
			dfx_yaml_edits_init(&ed);
			if (dfx_compose_edit_volume_read_only(c, v, &ed) == 0)
				dfx_yaml_node_path(v->node, &path);
			dfx_dc_attach(ctx, f, DFX_FIX_UNSAFE, &ed, path.ptr,
				      "mount it read-only (`:ro`, or `read_only: true` in long syntax), or mount "
				      "only the file or folder the service needs",
				      "mount it read-only%s%s%s%s", v->long_syntax ? " (`read_only: true`)" : " (`:ro`)",
				      anchor ? " in the anchor `&" : "", anchor ? anchor : "", anchor ? "`" : "");
			dfx_yaml_edits_release(&ed);
			dfx_buf_release(&path);
		}
	}
}

const struct dfx_rule dfx_rule_dc402 = {
	.code = "DC402",
	.name = "sensitive-host-path",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service mounts a sensitive host path writable",
	.what = "Finds writable bind mounts (short or long syntax) of host paths that control the "
		"host: `/`, `/etc` and the account, sudo, cron, ssh, systemd, docker and kubernetes "
		"files under it, `/root`, `/home` or a whole home directory (`~`, `$HOME`, "
		"`/home/<user>`), `/proc`, `/sys`, `/boot`, `/dev`, `/usr`, `/lib`, `/bin`, `/sbin`, "
		"`/var`, `/var/run`, `/run`, `/var/lib/docker`, `/var/lib/kubelet`, `/lib/modules`, "
		"and credential folders (`.ssh`, `.gnupg`, `.aws`, `.kube`, `.docker`) anywhere. Named "
		"volumes, paths relative to the project, read-only mounts and the data folder of a "
		"volume the same file declares (`/var/lib/docker/volumes/<project>_<vol>/_data`, or "
		"the `name:` it is given) are not reported; the data folder of any other volume "
		"(`/var/lib/docker/volumes/<name>/_data` and below) is a low note; engine sockets are DC401.",
	.why = "A writable mount of these paths lets the container change the host outside any "
	       "isolation: add a user or an SSH key, drop a cron job or systemd unit, replace a "
	       "binary in /usr, write to /proc/sys or /sys/fs/cgroup to escape, or edit Docker's own "
	       "data. Credential folders give away keys to other systems."
	       "\n\nSeverity: critical for the host root and what gives it away at the next login, cron run or boot (`/`, `/etc`, `/etc/passwd`, `/etc/shadow`, `/etc/sudoers(.d)`, `/etc/crontab`, `/etc/cron.d`, `/etc/ld.so.preload`, `/root`, `/var/spool/cron`), high for the other sensitive paths, low for the data folder of a volume the file does not declare: that is one volume's content, which a mount of the volume by name would give the same way, not the engine's state; the note is that the service writes another stack's (or a hand-made) volume through a path the engine owns. Variable sources are judged by their default (`${ROOTFS:-/}`).",
	.example = "services:\n  backup:\n    image: ghcr.io/acme/backup:2\n    volumes:\n      - "
		   "/etc:/host/etc\n      - /root/.ssh:/root/.ssh",
	.instead = "services:\n  backup:\n    image: ghcr.io/acme/backup:2\n    volumes:\n      - "
		   "/etc:/host/etc:ro\n      - ./deploy-key:/run/keys/deploy:ro   # only the one key it "
		   "needs",
	.fix_safety = "Unsafe: the mount becomes read-only (`:ro` appended, an `rw` option turned into "
		      "`ro`, or `read_only: true` in long syntax), so a service that really writes there "
		      "(an agent that manages host files) fails. Read-only does not make a credential "
		      "folder less readable: mount only the file the service needs. The data folder of a "
		      "volume gets no fix, only a hint (mount the volume by name): the service keeps its "
		      "data there, and a read-only mount would stop it.",
	.refs = "KICS 1c1325ff (Volume Has Sensitive Host Directory); CIS Docker Benchmark v1.6.0 5.6 (sensitive "
		"host system directories are not mounted on containers)",
	.check = check,
};
