/*
 * image.h - image references and what dockfix knows about images: parsing
 * and Docker Hub normalisation, base-image end of life and replacement
 * tags, slim variants, database/cache/broker images and ports, images that
 * read *_FILE secrets, and images that run as a non-root user.
 *
 * References: endoflife.date; the reference grammar of
 * github.com/distribution/reference (normalize.go); the Docker Official
 * Images documentation of each image. The tables
 * are src/data/eol.tsv, eol-policy.tsv, slim-variants.tsv, db-images.tsv,
 * db-ports.tsv, file-env.tsv and image-behaviour.tsv, compiled in at build
 * time. Every function is pure and safe to call from several threads.
 */
#ifndef DOCKFIX_IMAGE_H
#define DOCKFIX_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

struct dfx_diags;

/* ---------------------------------------------------------------- references */

/*
 * A parsed image reference. Strings are owned (dfx_image_release frees them).
 *
 *   "node:14"                    registry docker.io, path library/node,
 *                                name node, base node, tag 14, official
 *   "docker.io/library/node"     the same image, no tag
 *   "bitnami/redis:7.2"          path bitnami/redis, name bitnami/redis
 *   "localhost:5000/app"         registry localhost:5000, path app, no tag
 *   "ghcr.io/o/app@sha256:<hex>" digest kept, no tag
 *   "scratch"                    scratch (no image at all)
 *   "${BASE}", "$IMG:1"          unresolved, registry/path/name NULL
 *   "node:${V}-alpine"           name node, tag "${V}-alpine", unresolved
 */
struct dfx_imageref {
	char *registry;   /* "docker.io", "ghcr.io", "localhost:5000" */
	char *path;       /* repository path on the registry: "library/node" */
	char *name;       /* familiar name, as eol.tsv's image column: "node",
			     "bitnami/redis", "mcr.microsoft.com/dotnet/sdk" */
	const char *base; /* last component of path (points into path) */
	char *tag;        /* NULL when the reference has none */
	char *digest;     /* "sha256:<hex>", or NULL */
	bool has_tag;
	bool official;    /* a Docker Official Image: docker.io/library/<one component> */
	bool scratch;     /* FROM scratch */
	bool unresolved;  /* contains a variable reference ($X, ${X}) */
};

/*
 * Parse `s` (an image reference; surrounding blanks ignored) into *ref.
 * Returns 0, or -1 with *ref cleared and *err (if not NULL) set to a static
 * message: empty reference, upper-case repository path, bad tag or digest.
 * "docker.io", "index.docker.io", "registry-1.docker.io" and
 * "registry.hub.docker.com" all mean Docker Hub.
 */
int dfx_image_parse(struct dfx_imageref *ref, const char *s, const char **err);
void dfx_image_release(struct dfx_imageref *ref);
/* Length of the name part of an image reference as written, before its
   :tag or @digest ("localhost:5000/node:14" -> 19). */
size_t dfx_image_ref_name_len(const char *ref);

/* ---------------------------------------------------------------- end of life */

enum dfx_eol_status {
	DFX_EOL_UNKNOWN = 0, /* image or tag not in the table, digest only, unresolved */
	DFX_EOL_SUPPORTED,
	DFX_EOL_EXPIRED,
};

#define DFX_IMAGE_NAME_MAX 256
#define DFX_IMAGE_TAG_MAX 130

/* A reference to suggest instead of another one. */
struct dfx_image_suggestion {
	char image[DFX_IMAGE_NAME_MAX]; /* familiar name of the image */
	char tag[DFX_IMAGE_TAG_MAX];    /* "" for none */
	char text[DFX_IMAGE_NAME_MAX + DFX_IMAGE_TAG_MAX]; /* "image:tag", as shown */
	bool image_changes;  /* another image than the one referenced (openjdk ->
				eclipse-temurin): replace the whole reference */
	bool major_jump;     /* crosses a major version (mysql 5.7 -> 9.7, php 7 -> 8,
				Java 8 -> 25): treat as a suggestion */
	bool partial;        /* a segment of the original tag has no place in the
				new one (.NET 8.0-jammy-chiseled: no 10.0-jammy):
				treat as a suggestion */
};

struct dfx_eol_result {
	const char *image;   /* familiar name of the matched table row */
	const char *product; /* endoflife.date slug; the image for removed images */
	const char *cycle;   /* "14", "3.8", "2.x (major alias)", "floating",
				"* (deprecated image)" */
	const char *variant; /* the tag's variant: default, slim, alpine,
				windowsservercore, nanoserver */
	int eol_date;        /* YYYYMMDD; 0 = none announced; -1 = EOL, date unknown */
	int ext_support_end; /* YYYYMMDD of extended support (Debian LTS, ESM, ...);
				0 = not applicable; 99991231 = ongoing */
	bool floating;       /* latest, lts, stable, alpine, ...: never EOL */
	bool deprecated;     /* the image itself is deprecated or stale (openjdk,
				centos, rockylinux): EOL whatever the version */
	bool derived;        /* the dates are upper bounds (eol.md section 3) */
	bool os_image;       /* debian, ubuntu, alpine, ...: every upgrade is a
				suggestion (eol.md section 5 step 7) */
	bool windows_fallback; /* a Windows tag whose replacement is not Windows:
				  never rewrite it automatically */
	bool has_rec, has_min;
	struct dfx_image_suggestion rec; /* recommended_replacement_tag, variant
					    and flavour tokens kept */
	struct dfx_image_suggestion min; /* minimal_upgrade_tag (smallest jump) */
	bool suggest_only;   /* os_image || windows_fallback || rec.image_changes
				|| rec.major_jump: show, do not auto-rewrite */
};

/*
 * Look up the tag of `ref` in the end-of-life table as on `as_of`
 * (YYYYMMDD; 0 means the table's judgement date, DFX_EOL_JUDGED_ON =
 * 20261128) and fill *out. A reference without a tag is looked up as
 * "latest". Returns DFX_EOL_UNKNOWN for images the table does not cover
 * (including other namespaces: bitnami/node, ghcr.io/x/node), unknown tags,
 * digest-only and unresolved references; then *out is zeroed.
 * Replacement tags keep the variant (node:14-alpine -> 26-alpine) and the
 * flavour tokens of eol.tsv's carry_tokens (php:7.4-fpm-alpine ->
 * 8.5-fpm-alpine). A fixer that rewrites the tag must also drop a digest.
 */
int dfx_image_eol(const struct dfx_imageref *ref, int as_of, struct dfx_eol_result *out);

/*
 * The operating system named inside the tag of an image the table knows
 * (eol.md section 7): a Debian/Ubuntu codename segment (node:lts-buster,
 * python:3.12-slim-bookworm, golang:1.22-jammy) or an Alpine pin
 * (golang:alpine3.12). *out describes the OS cycle ("debian" "10",
 * "alpine" "3.12"), with out->rec the OS's recommended release
 * ("debian:trixie"); os_image and suggest_only are set. DFX_EOL_UNKNOWN
 * when the tag names no known suite, for debian/ubuntu/alpine themselves
 * (dfx_image_eol covers them) and for images outside the table.
 */
int dfx_image_suite_eol(const struct dfx_imageref *ref, int as_of, struct dfx_eol_result *out);

/*
 * The recommended tag to pin an image to (DF303): the newest supported
 * (LTS where the product has one) cycle for `variant` ("default", "slim",
 * "alpine", ...; NULL means "default"), e.g. ("node", NULL) -> "26",
 * ("python", "slim") -> "3.14-slim". `name` is a familiar name. NULL when
 * the image is unknown or only deprecated. For a removed image the value
 * names the successor ("eclipse-temurin:25").
 */
const char *dfx_image_recommended_tag(const char *name, const char *variant);

/*
 * The tag to pin `ref` to (DF303), keeping the variant and flavour of its
 * floating tag: node -> node:26, node:alpine -> node:26-alpine,
 * php:fpm-alpine -> php:8.5-fpm-alpine. False when unknown.
 */
bool dfx_image_pin(const struct dfx_imageref *ref, struct dfx_image_suggestion *out);

/*
 * Whether the image has a slimmer variant of the same version (DF304) and
 * which: python:3.12 -> python:3.12-slim, python:3.12-bookworm ->
 * python:3.12-slim-bookworm, node:22-bookworm -> node:22-bookworm-slim,
 * debian:bookworm -> debian:bookworm-slim. Only the -slim variant is
 * suggested (it keeps glibc; -alpine does not). False for tags that are
 * already slim/alpine/Windows, pre-releases, and images without one.
 */
bool dfx_image_slim(const struct dfx_imageref *ref, struct dfx_image_suggestion *out);

/*
 * A version newer than every release cycle the table lists for the image
 * (node:27 when the newest node row is 26, python:3.15 after 3.14): the
 * table cannot say whether it is supported. Fills out->image, product and
 * cycle (the newest cycle the table knows). False for images outside the
 * table, tags it matches, and tags that do not start with a version.
 */
bool dfx_image_eol_newer(const struct dfx_imageref *ref, struct dfx_eol_result *out);

/*
 * Read an end-of-life table in eol.tsv's format (a header row naming the
 * columns, among them supported_on_YYYY_MM_DD; TAB-separated rows) from
 * `path` and use it instead of the compiled-in one for the rest of the
 * process (--eol-data). Its date is the date of its supported_on_ column.
 * Returns 0, or -1 with an error diagnostic at the offending line and
 * column in *d (the table in use is then unchanged). Call it before any
 * check runs: the lookups above read the table without locking.
 */
int dfx_image_eol_load(const char *path, struct dfx_diags *d);
/* Whether a table was loaded by dfx_image_eol_load(). */
bool dfx_image_eol_loaded(void);
/*
 * A warning in *d when the table in use is older than six months on
 * `today` (YYYYMMDD; the --as-of date): releases that ended since are then
 * not known to be end of life.
 */
void dfx_image_eol_warn_stale(int today, struct dfx_diags *d);

/* Source date of the EOL table in use ("2026-08-22"), for --version. */
const char *dfx_image_eol_data_date(void);
/* The date the table's supported column judges (20261128). */
int dfx_image_eol_judged_on(void);
/* Days from the data date to `today` (YYYYMMDD). */
int dfx_image_eol_data_age(int today);
/* Whether `today` is more than six calendar months after the data date. */
bool dfx_image_eol_stale(int today);

/* ---------------------------------------------------------------- pinning and trust */

/*
 * Whether `tag` names a moving release channel rather than a version
 * (floating-tags.tsv): its first '-'-separated segment is latest, stable,
 * lts, current, edge, nightly, mainline, rolling, ... and no later segment
 * starts with a digit or v and a digit (stable-20260803 is a dated
 * snapshot, stable-v0.35.5 a release). lts-alpine and stable-slim
 * float; 1.2-stable and node:26 do not.
 */
bool dfx_image_tag_floating(const char *tag);

enum dfx_tag_channel {
	DFX_TAG_VERSION = 0,  /* not floating (or no tag: the caller decides) */
	DFX_TAG_RELEASE,      /* latest, stable, lts, current, mainline, ...: released versions */
	DFX_TAG_DEVELOPMENT,  /* edge, nightly, tip, testing, sid, dev, ...: pre-releases */
};
/* Which kind of floating tag `tag` is (floating-tags.tsv, column kind). */
enum dfx_tag_channel dfx_image_tag_channel(const char *tag);

enum dfx_image_trust {
	DFX_TRUST_NONE = 0, /* unverified */
	DFX_TRUST_OFFICIAL, /* a Docker Official Image, its per-architecture namespace
			       (arm64v8/node) or an official mirror (mirror.gcr.io/library,
			       public.ecr.aws/docker/library) */
	DFX_TRUST_BUILTIN,  /* under an entry of trusted-registries.tsv (vendor registries) */
	DFX_TRUST_CONFIG,   /* under a `trusted-registries` entry of the configuration */
};

/* The project's entries (`trusted-registries`, `untrusted-registries`). */
struct dfx_trust_lists {
	char *const *trusted;
	size_t ntrusted;
	char *const *untrusted;
	size_t nuntrusted;
};

/* Whether ref is a Docker Official Image: docker.io/library/<name>, a
   per-architecture namespace (arm64v8/debian) or an official mirror
   (mirror.gcr.io/<name>, public.ecr.aws/docker/library/<name>). */
bool dfx_image_official(const struct dfx_imageref *ref);

/*
 * Who vouches for `ref` (DF302, DC503). An entry is a registry
 * ("mcr.microsoft.com"), a registry or Docker Hub namespace prefix
 * ("ghcr.io/acme", "bitnami"), compared per path component and without
 * regard to case, or "*.example.com" for the sub-domains of a registry.
 * The most specific matching entry of the built-in table, `trusted` and
 * `untrusted` decides; an `untrusted` entry wins a tie. Official images
 * are always trusted. *reason (if not NULL) is the table's reason for a
 * DFX_TRUST_BUILTIN answer, else NULL. `lists` may be NULL. A variable in
 * the tag does not matter; one in the name gives DFX_TRUST_NONE.
 */
enum dfx_image_trust dfx_image_trust(const struct dfx_imageref *ref, const struct dfx_trust_lists *lists,
				     const char **reason);

/* ---------------------------------------------------------------- databases */

/*
 * Whether the image is a database, cache or message broker (DC201), and
 * which kind: "postgres", "mysql", "mongo", "redis" (also valkey, keydb,
 * dragonfly), "memcached", "elasticsearch", "rabbitmq", "kafka", ...;
 * NULL when it is not (or the reference is unresolved).
 */
const char *dfx_db_image_kind(const struct dfx_imageref *ref);
bool dfx_db_image(const struct dfx_imageref *ref);

/* Whether a container port is a database/cache/broker port (DC201), and its service. */
bool dfx_db_port(unsigned port);
const char *dfx_db_port_service(unsigned port);

/* ---------------------------------------------------------------- *_FILE */

/*
 * The suffix the image accepts to read `var` from a file ("_FILE", or
 * "__FILE" for grafana), or NULL when the image does not read it.
 */
const char *dfx_image_file_suffix(const struct dfx_imageref *ref, const char *var);

/*
 * The variable to set to a secret file's path instead of `var`
 * (POSTGRES_PASSWORD -> POSTGRES_PASSWORD_FILE; grafana
 * GF_SECURITY_ADMIN_PASSWORD -> GF_SECURITY_ADMIN_PASSWORD__FILE), newly
 * allocated (the caller frees it), or NULL when the image does not read it.
 * The image must then not also get `var`: the entrypoints refuse both.
 */
char *dfx_image_file_var(const struct dfx_imageref *ref, const char *var);

/* ---------------------------------------------------------------- users */

/*
 * Whether the image runs as a non-root user by default, so that a
 * Dockerfile FROM it without USER is not root (nginx-unprivileged,
 * distroless :nonroot, chainguard, bitnami, grafana, ...).
 */
bool dfx_image_nonroot(const struct dfx_imageref *ref);
/* The image's default non-root user ("65532:65532", "101:101"), or NULL. */
const char *dfx_image_default_user(const struct dfx_imageref *ref);

/* Whether an image pattern of the data tables matches `ref`: a pattern
   without '/' is compared with the last path component on any registry,
   one with '/' is an fnmatch glob on the familiar name. */
bool dfx_image_match(const char *pattern, const struct dfx_imageref *ref);

#endif
