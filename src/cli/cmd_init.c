/*
 * cmd_init.c - `dockfix init STACK`: write a hardened starter project
 * (README "dockfix init"): Dockerfile, compose.yaml, .dockerignore, .gitignore entries,
 * and generated passwords under secrets/.
 *
 * The files come from the templates compiled into the binary
 * (templates/, src/cli/templates.h). A template is text with two kinds of
 * markup:
 *
 *   @NAME@               a placeholder: NAME is [A-Z][A-Z0-9_]*, filled from
 *                        the run (STACK, DB, PORT, ...) or from the build
 *                        (NODE_TAG, ... picked from src/model/data/eol.tsv by
 *                        templates/embed.sh); any other '@' is literal text;
 *   @if TERM...          whole-line directives. A TERM is NAME=a,b or
 *   @else                NAME!=a,b; all terms of an @if must hold. @include
 *   @end                 inserts another template (placeholders allowed in
 *   @include PATH        its path); @# lines are template comments.
 *   @# comment
 *
 * A placeholder with no value is a template bug: init stops before writing
 * anything. Passwords are only visible to the secret templates, are never
 * printed, and are wiped from memory after use.
 *
 * Writing: every target is checked before anything is written; an existing
 * file stops the run unless --force (existing secrets are kept even then,
 * since a database volume may already use them). .gitignore is never
 * replaced, only extended with the lines it lacks. Files are written
 * atomically by writer.c: new ones with dfx_write_exclusive(), which fails
 * rather than replace a file that appeared since the check, replaced ones
 * with dfx_write_atomic(), which keeps their mode. If a write fails, the
 * files this run created are removed again.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "options.h"
#include "dockfix/core.h"
#include "dockfix/ignore.h"
#include "dockfix/secrets.h"
#include "templates.h"
#include "dockfix/writer.h"

#define MAX_DEPTH 8       /* @include nesting */
#define MAX_NEST 16       /* @if nesting */
#define PASSWORD_LEN 43   /* base64url of 32 bytes, no padding */

/* ---------------------------------------------------------------- stacks */

struct stack {
	const char *name;
	unsigned port;        /* what the app listens on in the container */
	bool fixed_port;      /* the image's port cannot follow --port */
	const char *app_user; /* who runs the app, for the notes */
	const char *review;   /* what to check in the Dockerfile first */
};

static const struct stack stacks[] = {
	{"node", 3000, false, "uid 10001",
	 "CMD runs `node server.js`, which should listen on $PORT"},
	{"python", 8000, false, "uid 10001",
	 "CMD runs `python app.py`, which should listen on $PORT"},
	{"go", 8080, false, "uid 10001",
	 "the build compiles the main package at the module root, which should listen on $PORT"},
	{"java", 8080, false, "uid 10001",
	 "the build runs ./mvnw package and starts the jar, which should listen on $PORT"},
	{"static", 8080, true, "uid 101",
	 "the build runs `npm run build`, which should write the site to dist/"},
};

/* ---------------------------------------------------------------- databases */

struct secret {
	const char *name; /* compose secret name; the file is secrets/<name>.txt */
	const char *var;  /* the password placeholder it holds */
	const char *tmpl; /* template for the file, or NULL for the bare password */
	unsigned mode;
	const char *why;  /* why this mode, for the notes */
};

struct database {
	const char *name;
	const char *title;   /* for the compose.yaml header */
	const char *service; /* its compose service */
	const struct secret *secrets;
	size_t nsecrets;
};

/*
 * Compose bind-mounts a file secret with its host owner and mode (the uid,
 * gid and mode keys of a service's secrets are not applied to file sources).
 * A password file that a non-root process in a container must read is
 * therefore 0644; the 0700 secrets/ directory keeps other users of the host
 * out. A file only a root entrypoint reads stays 0600: those entrypoints get
 * CAP_DAC_OVERRIDE (see compose.yaml), so the owner does not matter.
 */
static const struct secret pg_secrets[] = {
	{"db_password", "DB_PASSWORD", NULL, 0644,
	 "the app reads it as a non-root user (the postgres entrypoint reads it as root)"},
};
static const struct secret my_secrets[] = {
	{"db_password", "DB_PASSWORD", NULL, 0644,
	 "the app reads it as a non-root user"},
	{"db_root_password", "DB_ROOT_PASSWORD", NULL, 0600,
	 "only the database entrypoint reads it, as root"},
};
static const struct secret mongo_secrets[] = {
	{"db_password", "DB_PASSWORD", NULL, 0644,
	 "mongo's entrypoint reads it after dropping to uid 999, and the app reads it as a non-root user"},
};
static const struct secret redis_secrets[] = {
	{"redis_acl", "REDIS_PASSWORD", "db/redis/acl.txt", 0644,
	 "redis-server reads it as uid 999"},
	{"redis_password", "REDIS_PASSWORD", NULL, 0644,
	 "the app and the healthcheck (uid 999) read it as non-root users"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct database databases[] = {
	{"none", "", "", NULL, 0},
	{"postgres", "PostgreSQL", "db", pg_secrets, N(pg_secrets)},
	{"mysql", "MySQL", "db", my_secrets, N(my_secrets)},
	{"mariadb", "MariaDB", "db", my_secrets, N(my_secrets)},
	{"mongo", "MongoDB", "db", mongo_secrets, N(mongo_secrets)},
	{"redis", "Redis", "redis", redis_secrets, N(redis_secrets)},
};

/* ---------------------------------------------------------------- usage */

static int command_usage_error(const struct dfx_cli_command *cmd, const char *fmt, const char *arg);
static const struct dfx_cli_command command = {"dockfix init", DFX_CMD_INIT, 13, command_usage_error};

static const char usage_text[] =
	"usage: dockfix init STACK [--db DB] [--dir DIR] [--port N] [--force]\n"
	"\n"
	"Write a hardened starter project: a multi-stage Dockerfile, compose.yaml,\n"
	".dockerignore, .gitignore entries, and generated database passwords in\n"
	"secrets/. Base images are the supported versions of dockfix's base-image\n"
	"table; the result audits clean with `dockfix`.\n"
	"\n"
	"  STACK        node, python, go, java, or static (nginx-unprivileged)\n";

static const char usage_tail[] =
	"\n"
	"Nothing is written if a file exists, unless --force. .gitignore is only\n"
	"extended. Exit status: 0 written, 2 usage error or nothing written.\n";

static int usage_error(const char *fmt, const char *arg)
{
	struct dfx_buf b = DFX_BUF_INIT;

	dfx_buf_adds(&b, usage_text);
	dfx_options_help(&b, &command);
	dfx_buf_adds(&b, usage_tail);
	fputs("dockfix init: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n\n", stderr);
	fputs(b.ptr, stderr);
	dfx_buf_release(&b);
	return 2;
}

static int command_usage_error(const struct dfx_cli_command *cmd, const char *fmt, const char *arg)
{
	return usage_error(fmt, arg);
}

/* ---------------------------------------------------------------- variables */

struct var {
	const char *name;
	const char *value;
};

struct vars {
	struct var v[16];
	size_t n;
};

static void vars_set(struct vars *vs, const char *name, const char *value)
{
	for (size_t i = 0; i < vs->n; i++) {
		if (strcmp(vs->v[i].name, name) == 0) {
			vs->v[i].value = value;
			return;
		}
	}
	if (vs->n == N(vs->v))
		abort(); /* a fixed set, sized above */
	vs->v[vs->n].name = name;
	vs->v[vs->n].value = value;
	vs->n++;
}

/* The run's value of a placeholder, then the build's; NULL when neither. */
static const char *vars_get(const struct vars *vs, const char *name, size_t len)
{
	char key[64];

	if (len >= sizeof(key))
		return NULL;
	memcpy(key, name, len);
	key[len] = '\0';
	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, key) == 0)
			return vs->v[i].value;
	return dfx_templates_var(key);
}

/* ---------------------------------------------------------------- templates */

static int template_error(const char *path, unsigned line, const char *what, const char *s,
			  size_t n)
{
	fprintf(stderr, "dockfix init: internal error: template %s:%u: %s%s%.*s\n", path, line,
		what, n ? ": " : "", (int)n, s);
	return -1;
}

static bool is_name_start(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '_';
}

/* Append s[0..n) to out with its placeholders filled. */
static int subst(const struct vars *vs, const char *path, unsigned line, const char *s, size_t n,
		 struct dfx_buf *out)
{
	size_t i = 0;

	while (i < n) {
		const char *at = memchr(s + i, '@', n - i);
		size_t j, k;
		const char *val;

		if (!at) {
			dfx_buf_add(out, s + i, n - i);
			break;
		}
		j = (size_t)(at - s);
		dfx_buf_add(out, s + i, j - i);
		k = j + 1;
		if (k < n && is_name_start(s[k])) {
			while (k < n && is_name_char(s[k]))
				k++;
			if (k < n && s[k] == '@') {
				val = vars_get(vs, s + j + 1, k - j - 1);
				if (!val)
					return template_error(path, line, "no value for placeholder",
							      s + j, k - j + 1);
				dfx_buf_adds(out, val);
				i = k + 1;
				continue;
			}
		}
		dfx_buf_addc(out, '@');
		i = j + 1;
	}
	return 0;
}

/* Does every term of an @if hold? -1 on a malformed term. */
static int condition(const struct vars *vs, const char *path, unsigned line, const char *s)
{
	int result = 1;

	while (*s) {
		const char *end, *op, *val, *list;
		size_t nlen, vlen;
		bool negate, found = false;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		end = strchr(s, ' ');
		if (!end)
			end = s + strlen(s);
		op = memchr(s, '=', (size_t)(end - s));
		if (!op || op == s)
			return template_error(path, line, "bad @if term", s, (size_t)(end - s));
		negate = op[-1] == '!';
		nlen = (size_t)(op - s) - (negate ? 1 : 0);
		val = vars_get(vs, s, nlen);
		if (!val)
			return template_error(path, line, "no value for @if name", s, nlen);
		vlen = strlen(val);
		for (list = op + 1; list < end;) {
			const char *comma = memchr(list, ',', (size_t)(end - list));
			size_t len = (size_t)((comma ? comma : end) - list);

			if (len == vlen && memcmp(list, val, len) == 0)
				found = true;
			list += len + 1;
		}
		if (found == negate)
			result = 0;
		s = end;
	}
	return result;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && memcmp(s, prefix, p) == 0;
}

static bool line_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(s, word, n) == 0;
}

/* Expand the template at `path` into out. */
static int expand(const struct vars *vs, const char *path, struct dfx_buf *out, int depth)
{
	const struct dfx_template *t = dfx_templates_find(path);
	bool cond[MAX_NEST], in_else[MAX_NEST];
	int top = 0, rc = 0;
	unsigned lineno = 0;
	size_t pos = 0;
	struct dfx_buf arg = DFX_BUF_INIT;

	if (!t) {
		fprintf(stderr, "dockfix init: internal error: no template %s\n", path);
		return -1;
	}
	if (depth > MAX_DEPTH)
		return template_error(path, 1, "@include nested too deep", "", 0);
	while (pos < t->len && rc == 0) {
		const char *s = t->data + pos;
		const char *nl = memchr(s, '\n', t->len - pos);
		size_t len = nl ? (size_t)(nl - s) : t->len - pos;
		size_t full = nl ? len + 1 : len;
		bool active = true;

		lineno++;
		pos += full;
		for (int i = 0; i < top; i++)
			if (cond[i] == in_else[i])
				active = false;
		if (starts_with(s, len, "@#"))
			continue;
		if (starts_with(s, len, "@if ")) {
			int c;

			if (top == MAX_NEST) {
				rc = template_error(path, lineno, "@if nested too deep", "", 0);
				break;
			}
			dfx_buf_reset(&arg);
			rc = subst(vs, path, lineno, s + 4, len - 4, &arg);
			if (rc)
				break;
			c = condition(vs, path, lineno, arg.ptr ? arg.ptr : "");
			if (c < 0) {
				rc = -1;
				break;
			}
			cond[top] = c == 1;
			in_else[top] = false;
			top++;
		} else if (line_is(s, len, "@else")) {
			if (top == 0 || in_else[top - 1]) {
				rc = template_error(path, lineno, "@else without @if", "", 0);
				break;
			}
			in_else[top - 1] = true;
		} else if (line_is(s, len, "@end")) {
			if (top == 0) {
				rc = template_error(path, lineno, "@end without @if", "", 0);
				break;
			}
			top--;
		} else if (starts_with(s, len, "@include ")) {
			if (!active)
				continue;
			dfx_buf_reset(&arg);
			rc = subst(vs, path, lineno, s + 9, len - 9, &arg);
			if (rc == 0)
				rc = expand(vs, arg.ptr ? arg.ptr : "", out, depth + 1);
		} else if (len > 1 && s[0] == '@' && s[1] >= 'a' && s[1] <= 'z') {
			rc = template_error(path, lineno, "unknown directive", s, len);
		} else if (active) {
			rc = subst(vs, path, lineno, s, full, out);
		}
	}
	if (rc == 0 && top != 0)
		rc = template_error(path, lineno, "@if without @end", "", 0);
	dfx_buf_release(&arg);
	return rc;
}

/* ---------------------------------------------------------------- passwords */

/* A fresh password from the model's generator: 32 random bytes, base64url without padding. */
static int make_password(char out[PASSWORD_LEN + 1])
{
	char *pw = dfx_secret_gen();
	size_t n = pw ? strlen(pw) : 0;

	if (n != PASSWORD_LEN) {
		free(pw);
		return -1;
	}
	memcpy(out, pw, n + 1);
	explicit_bzero(pw, n);
	free(pw);
	return 0;
}

/* ---------------------------------------------------------------- files */

enum kind {
	K_FILE,      /* refused when it exists, unless --force */
	K_SECRET,    /* refused when it exists; kept with --force */
	K_GITIGNORE, /* extended, never replaced */
};

enum action {
	A_NONE,
	A_CREATE,
	A_REPLACE,
	A_KEEP,
	A_UPDATE,
	A_UNCHANGED,
};

struct target {
	char *rel;              /* path inside DIR, as printed */
	char *path;             /* DIR/rel */
	enum kind kind;
	char *tmpl;             /* its template (K_SECRET: NULL = bare password) */
	const struct secret *secret;
	unsigned mode;          /* K_SECRET: exact mode; else 0666 minus umask */
	struct stat st;
	bool exists;
	enum action action;
	struct dfx_buf data;
	char added[64];         /* K_GITIGNORE: the lines added, for the report */
};

struct plan {
	const struct stack *stack;
	const struct database *db;
	char *dir;              /* --dir without trailing slashes */
	unsigned port, host_port;
	bool force;
	struct target t[16];
	size_t n;
	char *secrets_dir;
	bool made_secrets_dir;
};

static struct target *plan_add(struct plan *p, const char *rel, enum kind kind, const char *tmpl)
{
	struct target *t;

	if (p->n == N(p->t))
		abort(); /* a fixed set, sized above */
	t = &p->t[p->n++];
	memset(t, 0, sizeof(*t));
	t->rel = dfx_xstrdup(rel);
	t->path = dfx_xasprintf("%s/%s", p->dir, rel);
	t->kind = kind;
	t->tmpl = tmpl ? dfx_xstrdup(tmpl) : NULL;
	dfx_buf_init(&t->data);
	return t;
}

static void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct target *t = &p->t[i];

		if (t->kind == K_SECRET && t->data.ptr)
			explicit_bzero(t->data.ptr, t->data.cap);
		dfx_buf_release(&t->data);
		free(t->path);
		free(t->rel);
		free(t->tmpl);
	}
	free(p->secrets_dir);
	free(p->dir);
}

static unsigned current_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return (unsigned)m;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
	char *p = dfx_xstrdup(dir);
	size_t len = strlen(p);
	int rc = 0;

	for (size_t i = 1; i <= len && rc == 0; i++) {
		struct stat st;
		char c = p[i];

		if (c != '/' && c != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0777) < 0 && (errno != EEXIST || stat(p, &st) < 0 || !S_ISDIR(st.st_mode))) {
			fprintf(stderr, "dockfix init: cannot create directory %s: %s\n", p,
				errno == EEXIST ? "a file is in the way" : strerror(errno));
			rc = -1;
		}
		p[i] = c;
	}
	free(p);
	return rc;
}

/* ---------------------------------------------------------------- .gitignore */

/*
 * Whether the .gitignore text already ignores template entry `entry` (a
 * name, `name/` for a folder), by the one .gitignore matcher: a folder
 * counts as ignored when a file inside it is (a `secrets` line, or one
 * that ignores what is inside).
 */
static bool ignores(const char *text, size_t len, const char *entry, size_t elen)
{
	struct dfx_ignore ig;
	char *e, *probe;
	bool dir, hit;

	while (elen && (entry[elen - 1] == '\r' || entry[elen - 1] == ' ' || entry[elen - 1] == '\t'))
		elen--;
	if (elen && entry[0] == '/') {
		entry++;
		elen--;
	}
	dir = elen && entry[elen - 1] == '/';
	e = dfx_xstrndup(entry, dir ? elen - 1 : elen);
	dfx_ignore_parse(&ig, DFX_IGNORE_GIT, text, len);
	hit = dfx_ignore_match(&ig, e, dir);
	if (!hit && dir) {
		probe = dfx_xasprintf("%s/dockfix-probe", e);
		hit = dfx_ignore_match(&ig, probe, false);
		free(probe);
	}
	dfx_ignore_release(&ig);
	free(e);
	return hit;
}

/*
 * t->data holds the expanded template: comment lines (the block's header)
 * and entries. Replace it with the file's new content, or leave the action
 * A_UNCHANGED when every entry is already there.
 */
static int plan_gitignore(struct target *t)
{
	struct dfx_buf header = DFX_BUF_INIT, missing = DFX_BUF_INIT, out = DFX_BUF_INIT;
	struct dfx_source src;
	struct dfx_error err = {0};
	const char *old = "", *eol = "\n";
	size_t oldlen = 0;
	bool loaded = false;

	if (t->exists) {
		if (dfx_source_load(&src, t->path, &err) < 0) {
			fprintf(stderr, "dockfix init: %s: %s\n", t->path, err.message);
			dfx_error_release(&err);
			return -1;
		}
		loaded = true;
		old = src.data;
		oldlen = src.len;
		eol = dfx_source_eol(&src);
	}
	for (size_t pos = 0; pos < t->data.len;) {
		const char *s = t->data.ptr + pos;
		const char *nl = memchr(s, '\n', t->data.len - pos);
		size_t n = nl ? (size_t)(nl - s) : t->data.len - pos;
		struct dfx_buf *to = NULL;

		pos += n + 1;
		if (n == 0)
			continue;
		if (s[0] == '#')
			to = &header;
		else if (!ignores(old, oldlen, s, n))
			to = &missing;
		if (!to)
			continue;
		if (to == &missing) {
			size_t used = strlen(t->added);

			if (used + n + 3 < sizeof(t->added))
				snprintf(t->added + used, sizeof(t->added) - used, "%s%.*s",
					 used ? ", " : "", (int)n, s);
		}
		dfx_buf_add(to, s, n);
		dfx_buf_adds(to, eol);
	}
	if (missing.len == 0) {
		t->action = A_UNCHANGED;
	} else {
		dfx_buf_add(&out, old, oldlen);
		if (oldlen && old[oldlen - 1] != '\n')
			dfx_buf_adds(&out, eol);
		if (oldlen)
			dfx_buf_adds(&out, eol);
		dfx_buf_add(&out, header.ptr ? header.ptr : "", header.len);
		dfx_buf_add(&out, missing.ptr, missing.len);
		t->action = t->exists ? A_UPDATE : A_CREATE;
	}
	dfx_buf_release(&t->data);
	t->data = out;
	dfx_buf_release(&header);
	dfx_buf_release(&missing);
	if (loaded)
		dfx_source_release(&src);
	return 0;
}

/* ---------------------------------------------------------------- the run */

static const char *mode_str(unsigned mode, char buf[8])
{
	snprintf(buf, 8, "%04o", mode & 07777);
	return buf;
}

/* Fill every non-secret target, and decide what happens to each. */
static int plan_build(struct plan *p, const struct vars *vs)
{
	char tmpl[64];

	snprintf(tmpl, sizeof(tmpl), "%s/Dockerfile", p->stack->name);
	plan_add(p, "Dockerfile", K_FILE, tmpl);
	plan_add(p, "compose.yaml", K_FILE, "common/compose.yaml");
	plan_add(p, ".dockerignore", K_FILE, "common/dockerignore");
	if (strcmp(p->stack->name, "static") == 0)
		plan_add(p, ".dockfix.yaml", K_FILE, "static/dockfix.yaml");
	/* Before the secrets: they are never on disk without being ignored. */
	plan_add(p, ".gitignore", K_GITIGNORE, "common/gitignore");
	for (size_t i = 0; i < p->db->nsecrets; i++) {
		const struct secret *s = &p->db->secrets[i];
		struct target *t;

		snprintf(tmpl, sizeof(tmpl), "secrets/%s.txt", s->name);
		t = plan_add(p, tmpl, K_SECRET, s->tmpl);

		t->secret = s;
		t->mode = s->mode;
	}

	for (size_t i = 0; i < p->n; i++) {
		struct target *t = &p->t[i];

		t->exists = lstat(t->path, &t->st) == 0;
		if (!t->exists && errno != ENOENT && errno != ENOTDIR) {
			fprintf(stderr, "dockfix init: %s: %s\n", t->path, strerror(errno));
			return -1;
		}
		if (t->kind != K_SECRET && expand(vs, t->tmpl, &t->data, 0) < 0)
			return -1;
	}
	return 0;
}

/* Decide each target's action; report and refuse conflicts. */
static int plan_check(struct plan *p)
{
	size_t conflicts = 0;
	struct stat st;

	for (size_t i = 0; i < p->n; i++) {
		struct target *t = &p->t[i];

		if (t->exists && !S_ISREG(t->st.st_mode)) {
			fprintf(stderr, "dockfix init: %s exists and is not a regular file%s\n",
				t->path, S_ISLNK(t->st.st_mode) ? " (a symbolic link)" : "");
			conflicts++;
			continue;
		}
		switch (t->kind) {
		case K_GITIGNORE:
			if (plan_gitignore(t) < 0)
				return -1;
			break;
		case K_FILE:
			t->action = !t->exists ? A_CREATE : p->force ? A_REPLACE : A_NONE;
			break;
		case K_SECRET:
			t->action = !t->exists ? A_CREATE : p->force ? A_KEEP : A_NONE;
			break;
		}
		if (t->action == A_NONE) {
			if (conflicts == 0)
				fprintf(stderr, "dockfix init: refusing to overwrite existing files "
						"(--force replaces them):\n");
			fprintf(stderr, "  %s\n", t->path);
			conflicts++;
		}
	}
	if (conflicts)
		return -1;

	/* The ACL file embeds the password of its sibling: keep both or neither. */
	for (size_t i = 0; i < p->n; i++) {
		for (size_t j = i + 1; j < p->n; j++) {
			struct target *a = &p->t[i], *b = &p->t[j];

			if (a->kind != K_SECRET || b->kind != K_SECRET ||
			    strcmp(a->secret->var, b->secret->var) != 0 ||
			    a->action == b->action)
				continue;
			fprintf(stderr,
				"dockfix init: %s and %s hold the same password but only %s "
				"exists; delete it or restore the other\n",
				a->path, b->path, a->exists ? a->path : b->path);
			return -1;
		}
	}

	if (p->secrets_dir && lstat(p->secrets_dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "dockfix init: %s exists and is not a directory\n",
			p->secrets_dir);
		return -1;
	}
	return 0;
}

/* Grow b so that n more bytes fit without reallocating. */
static void reserve(struct dfx_buf *b, size_t n)
{
	static const char zeros[256];
	size_t len = b->len;

	while (b->len < len + n)
		dfx_buf_add(b, zeros, sizeof(zeros));
	b->len = len;
	b->ptr[len] = '\0';
}

/* Generate the passwords and fill the secret files that will be written. */
static int plan_secrets(struct plan *p, struct vars *vs, char pw[][PASSWORD_LEN + 1])
{
	size_t npw = 0;

	for (size_t i = 0; i < p->n; i++) {
		struct target *t = &p->t[i];
		const char *have;

		if (t->kind != K_SECRET || t->action != A_CREATE)
			continue;
		have = vars_get(vs, t->secret->var, strlen(t->secret->var));
		if (!have) {
			if (make_password(pw[npw]) < 0) {
				fprintf(stderr, "dockfix init: cannot read random bytes: %s\n",
					strerror(errno));
				return -1;
			}
			vars_set(vs, t->secret->var, pw[npw]);
			have = pw[npw++];
		}
		/* Room for the whole file up front: no realloc leaves a copy behind. */
		reserve(&t->data, 1024);
		if (!t->tmpl)
			dfx_buf_adds(&t->data, have);
		else if (expand(vs, t->tmpl, &t->data, 0) < 0)
			return -1;
	}
	return 0;
}

/* Remove what this run created, after a failed write. */
static void rollback(struct plan *p, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		if (p->t[i].action == A_CREATE)
			unlink(p->t[i].path);
	if (p->made_secrets_dir)
		rmdir(p->secrets_dir);
}

static int plan_write(struct plan *p)
{
	unsigned um = current_umask();

	if (p->secrets_dir) {
		if (mkdir(p->secrets_dir, 0700) == 0) {
			p->made_secrets_dir = true;
		} else if (errno != EEXIST) {
			fprintf(stderr, "dockfix init: cannot create directory %s: %s\n",
				p->secrets_dir, strerror(errno));
			return -1;
		}
	}
	for (size_t i = 0; i < p->n; i++) {
		struct target *t = &p->t[i];
		const char *data = t->data.ptr ? t->data.ptr : "";
		struct dfx_error err = {0};
		unsigned mode;
		int r;

		if (t->action != A_CREATE && t->action != A_REPLACE && t->action != A_UPDATE)
			continue;
		/* A replaced file keeps its mode (dfx_write_atomic). */
		mode = t->kind == K_SECRET ? t->mode : 0666 & ~um;
		if (t->action == A_CREATE)
			r = dfx_write_exclusive(t->path, data, t->data.len, mode, &err);
		else
			r = dfx_write_atomic(t->path, data, t->data.len, mode, &err);
		if (r < 0) {
			fprintf(stderr, "dockfix init: %s: %s\n", t->path, err.message);
			dfx_error_release(&err);
			rollback(p, i);
			return -1;
		}
	}
	return 0;
}

static void report(const struct plan *p)
{
	const struct stack *st = p->stack;
	bool here = strcmp(p->dir, ".") == 0;
	char m[8];
	bool secrets = false;
	struct stat sd;

	printf("dockfix init: %s%s%s in %s\n", st->name, p->db->nsecrets ? " with " : "",
	       p->db->nsecrets ? p->db->name : "", here ? "the current directory" : p->dir);
	for (size_t i = 0; i < p->n; i++) {
		const struct target *t = &p->t[i];

		if (t->kind == K_SECRET && !secrets && p->made_secrets_dir)
			printf("  created    secrets/ (mode 0700)\n");
		switch (t->action) {
		case A_CREATE:
			if (t->kind == K_SECRET)
				printf("  created    %s (mode %s)\n", t->rel, mode_str(t->mode, m));
			else
				printf("  created    %s\n", t->rel);
			break;
		case A_REPLACE:
			printf("  replaced   %s\n", t->rel);
			break;
		case A_UPDATE:
			printf("  updated    %s (added %s)\n", t->rel, t->added);
			break;
		case A_UNCHANGED:
			printf("  unchanged  %s (already ignores the secrets and .env)\n", t->rel);
			break;
		case A_KEEP:
			printf("  kept       %s (existing password, which a database volume may "
			       "already use)\n",
			       t->rel);
			break;
		case A_NONE:
			break;
		}
		if (t->kind == K_SECRET)
			secrets = true;
	}

	if (secrets) {
		printf("\nSecrets: compose mounts each file in /run/secrets/ with its permissions "
		       "on this\nhost, so a file a non-root container user reads must be "
		       "readable by others;\nsecrets/ itself is 0700, which keeps other users of "
		       "this host out.\n");
		for (size_t i = 0; i < p->n; i++) {
			const struct target *t = &p->t[i];

			if (t->kind != K_SECRET)
				continue;
			printf("  %s %s: %s\n", mode_str(t->mode, m), t->rel, t->secret->why);
			if (t->action == A_KEEP && (t->st.st_mode & 0777) != t->mode)
				printf("    warning: it is %s now; run: chmod %s %s\n",
				       mode_str(t->st.st_mode, m), mode_str(t->mode, m), t->rel);
		}
		if (!p->made_secrets_dir && stat(p->secrets_dir, &sd) == 0 &&
		    (sd.st_mode & 077) != 0)
			printf("  warning: secrets/ is %s; run: chmod 0700 secrets\n",
			       mode_str(sd.st_mode, m));
		printf("  The passwords are never printed; read them from the files.\n");
	}

	printf("\nNext steps:\n");
	if (!here)
		printf("  cd %s\n", p->dir);
	printf("  Review the Dockerfile: %s (%u).\n", st->review, p->port);
	if (strcmp(st->name, "static") == 0 && p->db->nsecrets)
		printf("  The %s service is for an API you add: attach it to the backend network "
		       "and grant it the secrets.\n",
		       p->db->service);
	printf("  docker compose up --build\n");
	printf("  Open http://127.0.0.1:%u/ (published on 127.0.0.1 only; see compose.yaml).\n",
	       p->host_port);
}

/* ---------------------------------------------------------------- options */

static int parse_port(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int dfx_cmd_init(int argc, char **argv)
{
	struct plan p;
	struct vars vs = {.n = 0};
	struct dfx_cli_opts o = {0};
	int first, parsed = dfx_options_parse(&command, argc, argv, &o, &first);
	const char *stack_name, *db_name, *dir, *port_arg;
	bool force;
	char pw[4][PASSWORD_LEN + 1];
	char port_s[8], host_port_s[8], db_with[64];
	unsigned port, host_port;
	int rc = 2;

	if (parsed == DFX_OPT_HELP) {
		dfx_cli_print_help(&command, usage_text, usage_tail);
		return 0;
	}
	if (parsed)
		return parsed;
	if (argc - first > 1)
		return usage_error("unexpected argument '%s'", argv[first + 1]);
	stack_name = first < argc ? argv[first] : NULL;
	db_name = o.db ? o.db : "none";
	dir = o.dir ? o.dir : ".";
	port_arg = o.port;
	force = o.force;
	if (!stack_name)
		return usage_error("%s", "missing STACK (node, python, go, java or static)");

	memset(&p, 0, sizeof(p));
	for (size_t i = 0; i < N(stacks); i++)
		if (strcmp(stacks[i].name, stack_name) == 0)
			p.stack = &stacks[i];
	if (!p.stack)
		return usage_error("unknown stack '%s' (node, python, go, java or static)",
				   stack_name);
	for (size_t i = 0; i < N(databases); i++)
		if (strcmp(databases[i].name, db_name) == 0)
			p.db = &databases[i];
	if (!p.db)
		return usage_error("unknown database '%s' "
				   "(postgres, mysql, mariadb, mongo, redis or none)",
				   db_name);
	port = p.stack->port;
	host_port = port;
	if (port_arg) {
		if (parse_port(port_arg, &host_port) < 0)
			return usage_error("bad port '%s' (1-65535)", port_arg);
		if (!p.stack->fixed_port)
			port = host_port;
	}
	p.port = port;
	p.host_port = host_port;
	p.force = force;
	p.dir = dfx_xstrdup(dir);
	for (size_t n = strlen(p.dir); n > 1 && p.dir[n - 1] == '/'; n--)
		p.dir[n - 1] = '\0';
	if (p.db->nsecrets)
		p.secrets_dir = dfx_xasprintf("%s/secrets", p.dir);

	snprintf(port_s, sizeof(port_s), "%u", port);
	snprintf(host_port_s, sizeof(host_port_s), "%u", host_port);
	snprintf(db_with, sizeof(db_with), "%s%s%s", p.db->nsecrets ? " and its " : "",
		 p.db->title, p.db->nsecrets ? " database" : "");
	vars_set(&vs, "STACK", p.stack->name);
	vars_set(&vs, "DB", p.db->name);
	vars_set(&vs, "DB_SERVICE", p.db->service);
	vars_set(&vs, "DB_WITH", db_with);
	vars_set(&vs, "PORT", port_s);
	vars_set(&vs, "HOST_PORT", host_port_s);

	if (plan_build(&p, &vs) < 0 || plan_check(&p) < 0 || make_dirs(p.dir) < 0 ||
	    plan_secrets(&p, &vs, pw) < 0 || plan_write(&p) < 0)
		goto out;
	report(&p);
	rc = 0;
out:
	explicit_bzero(pw, sizeof(pw));
	plan_release(&p);
	return rc;
}
