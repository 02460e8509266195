/*
 * imagebehaviour.h - how popular images behave at run time, for fixes that
 * must keep a stack working: the user an image starts as, whether its
 * entrypoint drops root itself (and to which uid), whether it runs under
 * a non-root USER / compose `user:` and what it then needs, the paths its
 * process writes, the *_FILE secrets it reads and as which uid, whether
 * password variables still matter once its data directory exists, and how
 * clients connect to it.
 *
 * Reference: each image's upstream Dockerfile and entrypoint script and its
 * Docker Official Images / vendor documentation (the data file
 * src/model/data/image-behaviour.tsv names the columns). An image that is
 * not in the table is unknown: callers must then treat a fix that depends
 * on its behaviour as unsafe.
 */
#ifndef DOCKFIX_IMAGEBEHAVIOUR_H
#define DOCKFIX_IMAGEBEHAVIOUR_H

#include <stdbool.h>

#include "dockfix/image.h"

/* One row of the table. String lists are comma-separated; NULL: none. */
struct dfx_imagebehaviour {
	const char *image, *tag;  /* the pattern and tag glob that matched */
	const char *user;         /* the user it starts as: "root", "999:999", "ContainerUser" */
	const char *drop;         /* how its entrypoint drops root: "gosu", "setpriv",
				     "su-exec", "su", "s6", "daemon" (master as root,
				     workers as drop_user); NULL: it does not */
	const char *drop_user;    /* the uid(:gid) it drops to; "?" when not pinned */
	const char *nonroot;      /* under a non-root USER/user:: "yes", "no", "partial" */
	const char *needs;        /* what it then needs, or NULL */
	const char *writable;     /* paths its process writes */
	const char *file_vars;    /* *_FILE variables it reads ("FILE__*": prefix form) */
	const char *file_as;      /* who reads them: "root" (before the drop), "drop"
				     (after it, as drop_user), "self" (the running user) */
	const char *pw_ignored;   /* "yes": password variables are ignored once the
				     data directory is initialised; "no"; NULL: no such variables */
	unsigned port;            /* the service's default port, 0 when none */
	const char *schemes;      /* client URL schemes: "postgres,postgresql" */
	const char *host_vars, *user_vars, *pass_vars; /* client variable names */
	const char *nonroot_alt;  /* a non-root image of the same service with its
				     port: "nginxinc/nginx-unprivileged:8080" */
	const char *workdir;      /* the WORKDIR the image sets, or NULL (its
				     process then starts in /) */
	const char *cmd;          /* its default command: "server" (runs its
				     service), "shell" (a shell or interactive
				     interpreter: a base or tool image); NULL: unknown */
};

/* The behaviour of a parsed image reference (first matching row), or NULL
   for an image dockfix knows nothing about. */
const struct dfx_imagebehaviour *dfx_imagebehaviour_lookup(const struct dfx_imageref *ref);
/* The same for an image reference as written ("postgres:16-alpine",
   "lscr.io/linuxserver/sonarr"); NULL when unknown or unparsable. */
const struct dfx_imagebehaviour *dfx_imagebehaviour_find(const char *image_ref);

/* Whether the entrypoint starts as root and drops privileges itself. */
bool dfx_imagebehaviour_drops(const struct dfx_imagebehaviour *b);
/* Whether the image starts as a non-root user (its USER is not root). */
bool dfx_imagebehaviour_nonroot_default(const struct dfx_imagebehaviour *b);
/* Whether the image's default command runs its service (not a shell or an
   interpreter waiting for input, and not unknown). */
bool dfx_imagebehaviour_serves(const struct dfx_imagebehaviour *b);
/* Whether `var` ("POSTGRES_PASSWORD_FILE") is one of its *_FILE variables
   (a "*_FILE" / "FILE__*" / "GITEA__*__FILE" entry matches by pattern). */
bool dfx_imagebehaviour_file_var(const struct dfx_imagebehaviour *b, const char *var);
/* Whether `path` is one the image's process writes, or lies under one. */
bool dfx_imagebehaviour_writes(const struct dfx_imagebehaviour *b, const char *path);
/* Whether item `item` is in the comma-separated `list` (NULL: no). */
bool dfx_imagebehaviour_listed(const char *list, const char *item);

#endif
