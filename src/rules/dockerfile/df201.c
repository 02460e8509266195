/*
 * df201.c - DF201 runs-as-root: the final stage runs as root (no USER, or
 * the last USER is root/0 or Windows' ContainerAdministrator; USER
 * variables resolved through ENV and ARG). Builder stages, export-only
 * scratch stages (no CMD/ENTRYPOINT) and bases known to run as non-root
 * are exempt. Safe fix: create a user fitting the base image
 * and switch to it with a numeric USER, after the stage's last
 * RUN/COPY/ADD/USER (so before CMD/ENTRYPOINT in the usual layout).
 * Seed: "Non-Root User"; hadolint DL3002, Trivy DS002, Checkov CKV_DOCKER_3/8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dfhelp.h"
#include "dockfix/build.h"
#include "dockfix/image.h"
#include "dockfix/imagebehaviour.h"
#include "dockfix/path.h"
#include "dockfix/rule.h"
#include "dockfix/shellwords.h"

enum family { FAM_UNKNOWN, FAM_NODE, FAM_DOTNET, FAM_DISTROLESS, FAM_ALPINE, FAM_SHADOW, FAM_SCRATCH, FAM_WINDOWS };

static bool has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/* The last path component of the repository, without tag or digest. */
static char *repo_name(const char *image)
{
	const char *slash = strrchr(image, '/');
	const char *name = slash ? slash + 1 : image;
	size_t n = strcspn(name, ":@");

	return dfx_xstrndup(name, n);
}

static const char *const shadow_images[] = {
	"debian", "ubuntu", "python", "golang", "ruby", "php", "perl", "rust", "openjdk", "eclipse-temurin",
	"amazoncorretto", "maven", "gradle", "buildpack-deps", "gcc", "elixir", "erlang", "haskell", "julia",
	"r-base", "swift", "nginx", "httpd", "tomcat", "jetty", "fedora", "centos", "rockylinux", "almalinux",
	"oraclelinux", "amazonlinux", "clojure", "groovy", "sapmachine", "ibm-semeru-runtimes", "pypy",
	"aspnet", "runtime", "sdk", "runtime-deps", "wordpress", "drupal", "composer", "dart", "kong",
	NULL,
};

/*
 * A Linux .NET image of version 8 or later (runtime-deps, runtime, aspnet,
 * sdk; any distribution): it has a non-root user `app` (uid 1654, $APP_UID),
 * so a new group or user named app cannot be created in it
 * (dotnet/dotnet-docker, src/runtime-deps/8.0/ and later: their Dockerfiles).
 */
static bool dotnet_app_user(const char *image, const char *name, const char *tag)
{
	const char *t = tag ? tag + 1 : "latest";
	long major;

	if (strncmp(image, "mcr.microsoft.com/dotnet/", 25) || strstr(image, "/dotnet/core/") ||
	    (strcmp(name, "runtime-deps") && strcmp(name, "runtime") && strcmp(name, "aspnet") && strcmp(name, "sdk")))
		return false;
	if (!strncmp(t, "latest", 6))
		return true;
	major = strtol(t, NULL, 10);
	return major >= 8;
}

static enum family family_of(const char *image)
{
	char *name = repo_name(image);
	const char *tag = strchr(image + (strrchr(image, '/') ? strrchr(image, '/') - image : 0), ':');
	enum family f = FAM_UNKNOWN;

	if (!strcmp(name, "scratch"))
		f = FAM_SCRATCH;
	else if (has(image, "distroless") || has(image, "chainguard") || has(image, "cgr.dev/"))
		f = FAM_DISTROLESS;
	else if (has(image, "windows") || has(image, "nanoserver") || has(image, "servercore") ||
		 has(image, "dotnet/framework"))
		f = FAM_WINDOWS;
	else if (!strcmp(name, "node"))
		f = FAM_NODE;
	else if (dotnet_app_user(image, name, tag))
		f = FAM_DOTNET;
	else if (!strcmp(name, "alpine") || !strcmp(name, "busybox") || (tag && has(tag, "alpine")))
		f = FAM_ALPINE;
	else if (has(image, "ubi") && has(image, "minimal"))
		f = FAM_UNKNOWN;
	else if (tag && (has(tag, "azurelinux") || has(tag, "cbl-mariner")))
		f = FAM_UNKNOWN; /* whether useradd (shadow-utils) is left in the image is not known */
	else if (tag && (has(tag, "bookworm") || has(tag, "bullseye") || has(tag, "buster") || has(tag, "trixie") ||
			 has(tag, "jammy") || has(tag, "noble") || has(tag, "focal") || has(tag, "slim")))
		f = FAM_SHADOW;
	else
		for (size_t i = 0; shadow_images[i]; i++)
			if (!strcmp(name, shadow_images[i]))
				f = FAM_SHADOW;
	free(name);
	return f;
}

/* Windows' administrator account in a container (account names ignore case). */
static bool is_windows_admin(const char *user)
{
	return !strcasecmp(user, "ContainerAdministrator");
}

/* USER value is root: "root", "0", "root:x", "0:x", or ContainerAdministrator. */
static bool is_root(const char *user)
{
	size_t n = strcspn(user, ":");

	return (n == 4 && !strncmp(user, "root", 4)) || (n == 1 && user[0] == '0') || n == 0 ||
	       is_windows_admin(user);
}

struct argscope {
	const struct dfx_dockerfile *df;
	size_t at;
	unsigned depth;
	char *owned[16];   /* expanded ENV values handed out */
	size_t nowned;
};

static const char *lookup_arg(void *arg, const char *name);

/*
 * The ENV value of `name` in effect at instruction `at` (the stage and
 * the stages it is built from), itself expanded where it was set, or
 * NULL. ENV wins over an ARG of the same name.
 */
static const char *env_at(struct argscope *sc, const char *name)
{
	const struct dfx_dockerfile *df = sc->df;

	for (size_t i = sc->at; i-- > 0;) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (dfx_df_is(in, "FROM")) {
			const struct dfx_df_stage *st = &df->stages[in->stage];

			if (st->parent < 0)
				return NULL;
			i = df->stages[st->parent].last + 1;
			continue;
		}
		if (!dfx_df_is(in, "ENV"))
			continue;
		for (size_t k = in->nkvs; k-- > 0;) {
			struct argscope inner = {df, i, sc->depth + 1, {0}, 0};
			char *v;

			if (strcmp(in->kvs[k].key, name) || !in->kvs[k].value)
				continue;
			if (sc->depth >= 4 || sc->nowned >= sizeof(sc->owned) / sizeof(sc->owned[0]))
				return NULL;
			v = dfx_dockerfile_expand(in->kvs[k].value, lookup_arg, &inner);
			for (size_t j = 0; j < inner.nowned; j++)
				free(inner.owned[j]);
			sc->owned[sc->nowned++] = v;
			return v;
		}
	}
	return NULL;
}

static const char *lookup_arg(void *arg, const char *name)
{
	struct argscope *sc = arg;
	const char *env = env_at(sc, name);

	return env ? env : dfx_dockerfile_arg_default(sc->df, sc->at, name);
}

/* Whether a USER instruction switches to root (variables resolved through
   ENV values and ARG defaults; a user part that a variable leaves empty or
   unknown is given the benefit of the doubt). */
static bool user_is_root(const struct dfx_dockerfile *df, const struct dfx_df_instr *user)
{
	struct argscope sc = {df, (size_t)(user - df->instrs), 0, {0}, 0};
	const char *raw = user->nwords ? user->words[0].raw : "";
	char *val = dfx_dockerfile_expand(raw, lookup_arg, &sc);
	bool root = strchr(raw, '$') && strcspn(val, ":") == 0 ? false : is_root(val);

	for (size_t j = 0; j < sc.nowned; j++)
		free(sc.owned[j]);
	free(val);
	return root;
}

/* The last non-root USER before `user` in the stage chain, or NULL. */
static const struct dfx_df_instr *earlier_nonroot(const struct dfx_dockerfile *df, const struct dfx_df_instr *user)
{
	for (size_t i = (size_t)(user - df->instrs); i-- > 0;) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (dfx_df_is(in, "FROM")) {
			const struct dfx_df_stage *st = &df->stages[in->stage];

			if (st->parent < 0)
				return NULL;
			i = df->stages[st->parent].last + 1;
			continue;
		}
		if (dfx_df_is(in, "USER") && !user_is_root(df, in))
			return in;
	}
	return NULL;
}

/* The last USER in the stage or the stages it is built from; NULL when none. */
static const struct dfx_df_instr *last_user(const struct dfx_dockerfile *df, const struct dfx_df_stage *st)
{
	size_t guard = 0;

	for (;;) {
		for (size_t i = st->last + 1; i-- > st->first;)
			if (dfx_df_is(&df->instrs[i], "USER"))
				return &df->instrs[i];
		if (st->parent < 0 || (size_t)st->parent >= df->nstages || guard++ > df->nstages)
			return NULL;
		st = &df->stages[st->parent];
	}
}

/* ---------------------------------------------------------------- what runs */

/* Programs that start as root to give it up (or to set things up as root). */
static const char *const privileged_progs[] = {
	"gosu", "su-exec", "setpriv", "su", "sudo", "runuser", "chpst", "s6-setuidgid", "s6-svscan", "s6-overlay",
	"init", "supervisord", "chown", "chmod", "setcap", "sysctl", "iptables", "service", "rsync", "cron", "crond",
	"sshd", NULL,
};

static bool listed(const char *const *v, const char *w)
{
	for (size_t i = 0; v[i]; i++)
		if (!strcmp(v[i], w))
			return true;
	return false;
}


/* How the container's process starts, as far as the Dockerfile says. */
struct start {
	bool own;              /* the Dockerfile sets ENTRYPOINT or CMD */
	bool entrypoint;       /* it sets ENTRYPOINT (the base image's does not run) */
	const char *drop;      /* a privilege-dropping program it runs or installs */
	bool script;           /* it starts a script (judged by script_harmless) */
	char script_path[256]; /* that script as written */
	const char *server;    /* a known server it runs, as an image reference of that server */
	bool privileged;       /* it runs a program that needs root */
};

/* The image whose server program `prog` is - a server whose master starts
   as root and runs its workers as another user - or NULL. */
static const char *server_image(const char *prog)
{
	static const struct {
		const char *prog, *image;
	} servers[] = {
		{"nginx", "nginx"}, {"openresty", "nginx"}, {"httpd", "httpd"}, {"httpd-foreground", "httpd"},
		{"apache2", "php:apache"}, {"apache2-foreground", "php:apache"}, {"apache2ctl", "php:apache"},
		{"apachectl", "httpd"}, {"php-fpm", "php:fpm"},
	};

	for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++)
		if (!strcmp(prog, servers[i].prog))
			return servers[i].image;
	if (!strncmp(prog, "php-fpm", 7))
		return "php:fpm";
	return NULL;
}

static void judge_words(struct start *s, const struct dfx_df_instr *in)
{
	struct dfx_shellwords_script sc = {0};

	if (in->json) {
		/* exec form: the words as they are, or the script of `sh -c "..."` */
		if (in->argc >= 3 && dfx_shellwords_is_shell(dfx_shellwords_base(in->argv[0])) &&
		    !strcmp(in->argv[1], "-c")) {
			dfx_shellwords_parse(&sc, in->argv[2], strlen(in->argv[2]));
		} else {
			struct dfx_buf b = DFX_BUF_INIT;

			for (size_t k = 0; k < in->argc; k++)
				dfx_buf_addf(&b, "%s'%s'", k ? " " : "", strchr(in->argv[k], '\'') ? "" : in->argv[k]);
			dfx_shellwords_parse(&sc, b.ptr ? b.ptr : "", b.len);
			dfx_buf_release(&b);
		}
	} else if (in->args_text) {
		dfx_shellwords_parse(&sc, in->args_text, strlen(in->args_text));
	}
	for (size_t c = 0; c < sc.n; c++) {
		const struct dfx_shellwords_cmd *cmd = &sc.cmds[c];

		for (size_t k = cmd->prog; k < cmd->argc; k++) {
			static const char *const drops[] = {"gosu", "su-exec", "setpriv", "s6-setuidgid", NULL};
			const char *w = dfx_shellwords_base(cmd->argv[k]);
			size_t n = strlen(w), d;

			for (d = 0; drops[d] && strcmp(w, drops[d]); d++)
				;
			if (k == cmd->prog && !s->server)
				s->server = server_image(w);
			if (drops[d])
				s->drop = drops[d]; /* a static string: the words are freed below */
			else if (!strcmp(cmd->argv[k], "/init") && k == cmd->prog)
				s->drop = "s6-overlay /init";
			else if (listed(privileged_progs, w) && k == dfx_shellwords_real_prog(cmd))
				s->privileged = true;
			if (k == cmd->prog && ((n > 3 && !strcmp(w + n - 3, ".sh")) || !strcmp(w, "entrypoint"))) {
				if (!s->script)
					snprintf(s->script_path, sizeof(s->script_path), "%s", cmd->argv[k]);
				s->script = true;
			}
		}
	}
	dfx_shellwords_release(&sc);
}

static void how_it_starts(const struct dfx_dockerfile *df, const struct dfx_df_stage *st, struct start *s)
{
	const struct dfx_df_instr *ep = dfx_dfhelp_last_of(df, st, "ENTRYPOINT"), *cmd = dfx_dfhelp_last_of(df, st, "CMD");
	int idx = (int)(st - df->stages);
	size_t guard = 0;

	memset(s, 0, sizeof(*s));
	s->own = ep || cmd;
	s->entrypoint = ep != NULL;
	if (ep)
		judge_words(s, ep);
	if (cmd)
		judge_words(s, cmd);
	/* a stage that installs gosu, su-exec or s6-overlay drops privileges itself */
	while (idx >= 0 && guard++ <= df->nstages) {
		const struct dfx_df_stage *t = &df->stages[idx];

		for (size_t i = t->first; i <= t->last; i++) {
			const struct dfx_df_instr *in = &df->instrs[i];
			const char *txt = in->args_text ? in->args_text : "";

			if (!(dfx_df_is(in, "RUN") || dfx_df_is(in, "ADD") || dfx_df_is(in, "COPY")))
				continue;
			if (strstr(txt, "s6-overlay"))
				s->drop = s->drop ? s->drop : "s6-overlay";
			else if (dfx_df_is(in, "RUN") && (strstr(txt, " gosu") || strstr(txt, " su-exec")))
				s->drop = s->drop ? s->drop : strstr(txt, " gosu") ? "gosu" : "su-exec";
		}
		idx = t->parent;
	}
}

/* ---------------------------------------------------------------- what the command is */

enum cmd_kind {
	CMD_NONE,        /* no CMD or ENTRYPOINT in the stage chain: the base image's runs */
	CMD_INTERACTIVE, /* a shell or an interpreter waiting for input */
	CMD_READONLY,    /* only programs that write no file (echo, sleep, printenv, ...) */
	CMD_OTHER,
};

/* Shells and interpreters that, with no script or program given, wait for input. */
static const char *const interactive_progs[] = {
	"sh", "bash", "ash", "dash", "zsh", "ksh", "fish", "busybox", "pwsh", "powershell", "python", "python2",
	"python3", "pypy", "pypy3", "ipython", "node", "nodejs", "irb", "jshell", "iex", "erl", "ghci", "lua",
	"R", "julia", "groovysh", "php", NULL,
};

/* Programs that write no file: a command made of them and no redirection
   runs the same in any working directory, as any user. */
static const char *const readonly_progs[] = {
	"echo", "printf", "printenv", "sleep", "true", "false", "pwd", "whoami", "id", "hostname", "date",
	"uname", ":", "exec", NULL,
};

/* The kind of one command's words (quotes removed), after an init wrapper. */
static enum cmd_kind argv_kind(const char *const *argv, size_t argc, unsigned depth);

static enum cmd_kind script_kind(const char *text, unsigned depth)
{
	struct dfx_shellwords_script sc = {0};
	enum cmd_kind k = CMD_READONLY;

	if (depth > 2 || strpbrk(text, "><`$") || !text[strspn(text, " \t\r\n")])
		return CMD_OTHER;
	dfx_shellwords_parse(&sc, text, strlen(text));
	for (size_t c = 0; c < sc.n && k != CMD_OTHER; c++) {
		const struct dfx_shellwords_cmd *cmd = &sc.cmds[c];
		size_t p = cmd->prog;
		enum cmd_kind ck;

		if (p >= cmd->argc)
			continue;
		ck = argv_kind((const char *const *)cmd->argv + p, cmd->argc - p, depth + 1);
		/* a lone interactive command is the whole script; with others it runs nothing typed */
		k = ck == CMD_INTERACTIVE && sc.n == 1 ? CMD_INTERACTIVE : ck == CMD_READONLY ? k : CMD_OTHER;
	}
	dfx_shellwords_release(&sc);
	return k;
}

static enum cmd_kind argv_kind(const char *const *argv, size_t argc, unsigned depth)
{
	const char *prog;
	size_t i = 0, rest;

	/* init wrappers that only run the command: tini, dumb-init */
	while (i < argc && (!strcmp(dfx_shellwords_base(argv[i]), "tini") ||
			    !strcmp(dfx_shellwords_base(argv[i]), "dumb-init"))) {
		for (i++; i < argc && argv[i][0] == '-'; i++)
			if (!strcmp(argv[i], "--")) {
				i++;
				break;
			}
	}
	if (i >= argc)
		return CMD_OTHER;
	prog = dfx_shellwords_base(argv[i]);
	if (dfx_shellwords_is_shell(prog) && i + 1 < argc && !strcmp(argv[i + 1], "-c"))
		return i + 2 < argc ? script_kind(argv[i + 2], depth) : CMD_OTHER;
	if (listed(interactive_progs, prog)) {
		/* only options that keep it interactive: -l, -i, --login, php -a */
		for (rest = i + 1; rest < argc; rest++)
			if (strcmp(argv[rest], "-l") && strcmp(argv[rest], "-i") && strcmp(argv[rest], "--login") &&
			    strcmp(argv[rest], "-il") && !(!strcmp(prog, "php") && !strcmp(argv[rest], "-a")))
				break;
		if (rest == argc && (strcmp(prog, "php") || argc - i == 2))
			return CMD_INTERACTIVE;
		return CMD_OTHER;
	}
	if (listed(readonly_progs, prog))
		return !strcmp(prog, "exec") ? (i + 1 < argc ? argv_kind(argv + i + 1, argc - i - 1, depth + 1) : CMD_OTHER)
					     : CMD_READONLY;
	if (!strcmp(prog, "tail") && argc - i == 3 && !strcmp(argv[i + 1], "-f") && !strcmp(argv[i + 2], "/dev/null"))
		return CMD_READONLY;
	return CMD_OTHER;
}

/*
 * What the final stage's command is: the ENTRYPOINT's words followed by
 * CMD's (exec form; a shell-form ENTRYPOINT ignores CMD; shell form runs
 * as `/bin/sh -c TEXT`).
 */
static enum cmd_kind command_kind(const struct dfx_dockerfile *df, const struct dfx_df_stage *st)
{
	const struct dfx_df_instr *ep = dfx_dfhelp_last_of(df, st, "ENTRYPOINT"), *cmd = dfx_dfhelp_last_of(df, st, "CMD");
	const struct dfx_df_instr *parts[2];
	const char **argv = NULL;
	size_t argc = 0, cap = 0, np = 0;
	enum cmd_kind k;

	if (!ep && !cmd)
		return CMD_NONE;
	if (ep)
		parts[np++] = ep;
	if (cmd && (!ep || ep->json))
		parts[np++] = cmd;
	for (size_t j = 0; j < np; j++) {
		const struct dfx_df_instr *in = parts[j];

		if (in->json) {
			for (size_t a = 0; a < in->argc; a++) {
				DFX_GROW(argv, argc + 1, cap);
				argv[argc++] = in->argv[a];
			}
		} else {
			DFX_GROW(argv, argc + 3, cap);
			argv[argc++] = "/bin/sh";
			argv[argc++] = "-c";
			argv[argc++] = in->args_text ? in->args_text : "";
		}
	}
	k = argc ? argv_kind(argv, argc, 0) : CMD_OTHER;
	free(argv);
	return k;
}

/* ---------------------------------------------------------------- entrypoint scripts */

/* Programs a start-up script may run without root. */
static const char *const harmless_progs[] = {
	"exec", "echo", "printf", "set", "export", "test", "[", "[[", "cd", "env", "true", "false", "sleep",
	"wait", "trap", "shift", "exit", "unset", "local", "read", ":", "node", "npm", "npx", "yarn", "pnpm",
	"bun", "deno", "python", "python3", "gunicorn", "uvicorn", "hypercorn", "daphne", "celery", "flask",
	"java", "dotnet", "ruby", "bundle", "rails", "rake", "puma", "php", "$@", "$*", NULL,
};

/* The build-context file a COPY/ADD (no --from) of the final stage chain puts at image path `abs`. */
static char *script_source(const struct dfx_dockerfile *df, const struct dfx_df_stage *st, const char *context,
			   const char *abs)
{
	int idx = (int)(st - df->stages);
	size_t guard = 0;

	while (idx >= 0 && guard++ <= df->nstages) {
		const struct dfx_df_stage *t = &df->stages[idx];

		for (size_t i = t->last + 1; i-- > t->first;) {
			const struct dfx_df_instr *in = &df->instrs[i];
			const char **srcs, *dest;
			size_t ns;
			char *wdi, *dabs, *found = NULL;
			bool dir;

			if (!(dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD")) || in->nheredocs ||
			    dfx_df_instr_flag(in, "from"))
				continue;
			ns = dfx_df_copy_sources(in, &srcs);
			if (!ns)
				continue;
			dest = in->json ? in->argv[in->argc - 1] : in->words[in->nwords - 1].text;
			wdi = dfx_build_workdir(df, i);
			dabs = dest[0] == '/' ? dfx_path_clean(dest) : dfx_path_join(wdi, dest);
			dir = ns > 1 || dest[strlen(dest) - 1] == '/' || !strcmp(dest, ".");
			for (size_t k = 0; k < ns && !found; k++) {
				const char *s = srcs[k];
				size_t sl = strlen(s);

				if (strpbrk(s, "*?[$") || strstr(s, "://"))
					continue;
				if (!strcmp(s, ".") || !strcmp(s, "./") || (sl && s[sl - 1] == '/')) {
					/* a directory: the script lies below the destination */
					size_t dl = strlen(dabs);

					if (!strncmp(abs, dabs, dl) && abs[dl] == '/') {
						char *in_src = dfx_path_join(s, abs + dl + 1);

						found = dfx_path_join(context, in_src);
						free(in_src);
					}
				} else if (!strcmp(dfx_shellwords_base(s), dfx_shellwords_base(abs))) {
					char *to = dir ? dfx_path_join(dabs, dfx_shellwords_base(s)) : dfx_xstrdup(dabs);

					if (!strcmp(to, abs))
						found = dfx_path_join(context, s);
					free(to);
				}
			}
			free(srcs);
			free(wdi);
			free(dabs);
			if (found)
				return found;
		}
		idx = t->parent;
	}
	return NULL;
}

/*
 * Whether the start-up script `script` (run in WORKDIR `wd`) is one dockfix
 * can read from the build context and that runs nothing needing root: only
 * shell built-ins and application runtimes, `rm` of relative paths, no
 * redirection into an absolute path other than /dev/.
 */
static bool script_harmless(struct dfx_ctx *ctx, const struct dfx_df_stage *st, const char *script, const char *wd)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_source *src;
	struct dfx_shellwords_script sc = {0};
	char *abs, *path;
	bool ok = true;

	if (!ctx->file->context || strchr(script, '$'))
		return false;
	abs = script[0] == '/' ? dfx_path_clean(script) : dfx_path_join(wd, script);
	path = script_source(df, st, ctx->file->context, abs);
	src = path ? dfx_ws_read(ctx->ws, path) : NULL;
	free(path);
	free(abs);
	if (!src || !src->len || memchr(src->data, '\0', src->len))
		return false;
	for (const char *p = memchr(src->data, '>', src->len); p && ok;
	     p = memchr(p + 1, '>', src->len - (size_t)(p + 1 - src->data))) {
		const char *q = p + 1;

		while (q < src->data + src->len && (*q == '>' || *q == '|' || *q == ' ' || *q == '\t'))
			q++;
		if (q < src->data + src->len && (*q == '/' || *q == '$' || *q == '~') &&
		    strncmp(q, "/dev/", 5))
			ok = false;
	}
	dfx_shellwords_parse(&sc, src->data, src->len);
	for (size_t c = 0; c < sc.n && ok; c++) {
		const struct dfx_shellwords_cmd *cmd = &sc.cmds[c];
		size_t p = dfx_shellwords_real_prog(cmd);
		const char *prog;

		if (p >= cmd->argc)
			continue;
		prog = dfx_shellwords_base(cmd->argv[p]);
		if (listed(harmless_progs, prog))
			continue;
		if (!strcmp(prog, "rm")) {
			for (size_t k = p + 1; k < cmd->argc && ok; k++)
				if (cmd->argv[k][0] == '/' || strchr(cmd->raw[k], '$') || strstr(cmd->argv[k], ".."))
					ok = false;
			continue;
		}
		ok = false;
	}
	dfx_shellwords_release(&sc);
	return ok;
}

/* ---------------------------------------------------------------- compose services */

/* The services of the workspace's compose files that build a Dockerfile, by the Dockerfile's
   clean path (entries: the service as `what`). */
static void builders_build(struct dfx_workspace *ws, struct dfx_path_index *ix)
{
	for (size_t i = 0; i < ws->n; i++) {
		struct dfx_wsfile *cf = ws->files[i];
		const struct dfx_compose *c = cf->kind == DFX_KIND_COMPOSE ? cf->compose : NULL;
		const struct dfx_compose_service *s;
		char *cdir;

		if (!c)
			continue;
		cdir = dfx_path_dir(cf->path);
		DFX_EACH_SERVICE(c, s) {
			const struct dfx_compose_build *bd = &s->build;
			char *bctx, *dfp;

			if (!bd->node || bd->dockerfile_inline)
				continue;
			bctx = dfx_path_join(cdir, bd->context ? bd->context : ".");
			dfp = dfx_path_join(bctx, bd->dockerfile ? bd->dockerfile : "Dockerfile");
			dfx_path_index_add(ix, dfx_path_clean(dfp), cf, s, 0, false);
			free(dfp);
			free(bctx);
		}
		free(cdir);
	}
}

/*
 * The first volume or bind mount target of a compose service (of the
 * workspace's compose files) that builds this Dockerfile, or NULL. Data in
 * an existing volume or a host directory keeps its owner, so a new USER may
 * no longer write it. Caller frees.
 */
static char *compose_mount(const struct dfx_ctx *ctx)
{
	const struct dfx_path_index *b = dfx_ws_path_index(ctx->ws, "DF201 builders", builders_build);
	char *self = dfx_path_clean(ctx->file->path), *hit = NULL;
	size_t end;

	for (size_t i = dfx_path_index_find(b, self, &end); i < end && !hit; i++) {
		const struct dfx_compose_service *s = b->v[i].what;

		if (s->user.key)
			continue; /* a compose `user:` decides the user itself */
		for (size_t v = 0; v < s->nvolumes && !hit; v++) {
			const struct dfx_compose_volume *vol = &s->volumes[v];

			if (vol->valid && vol->target && (!vol->type || strcmp(vol->type, "tmpfs")) && !vol->read_only)
				hit = dfx_xasprintf("%s:%s", s->name, vol->target);
		}
	}
	free(self);
	return hit;
}

/* ---------------------------------------------------------------- users */

/* Options of useradd (shadow), adduser (Debian) and adduser (BusyBox) that take a value. */
static const char *const valued_opts[] = {
	"-u", "--uid", "-g", "--gid", "-G", "--groups", "-h", "--home", "-d", "--home-dir", "-s", "--shell",
	"-c", "--comment", "--gecos", "--ingroup", "-k", "--skel", "-K", "--key", "-e", "--expiredate", "-f",
	"--inactive", "-p", "--password", "--firstuid", "--lastuid", "--conf", "-R", "--root", "-P",
	"--prefix", "-Z", "--selinux-user", "--extrausers", NULL,
};

/* A user the Dockerfile creates (useradd/adduser) or hands files to
   (COPY --chown=name), in the final stage chain; NULL when none. */
static char *created_user(const struct dfx_dockerfile *df, const struct dfx_df_stage *st)
{
	int idx = (int)(st - df->stages);
	size_t guard = 0;
	char *found = NULL;

	while (idx >= 0 && guard++ <= df->nstages && !found) {
		const struct dfx_df_stage *t = &df->stages[idx];

		for (size_t i = t->last + 1; i-- > t->first && !found;) {
			const struct dfx_df_instr *in = &df->instrs[i];

			if (dfx_df_is(in, "RUN")) {
				struct dfx_shellwords_script sc = {0};

				dfx_shellwords_run(&sc, in);
				for (size_t c = sc.n; c-- > 0 && !found;) {
					const struct dfx_shellwords_cmd *cmd = &sc.cmds[c];
					size_t p = dfx_shellwords_real_prog(cmd);
					const char *prog;

					if (p >= cmd->argc)
						continue;
					prog = dfx_shellwords_base(cmd->argv[p]);
					if (strcmp(prog, "useradd") && strcmp(prog, "adduser"))
						continue;
					/* the user name: the first word that is not an option or an option's value */
					for (size_t k = p + 1; k < cmd->argc; k++) {
						const char *w = cmd->argv[k];

						if (!strcmp(w, "--"))
							continue;
						if (w[0] == '-') {
							if (!strchr(w, '=') && listed(valued_opts, w))
								k++; /* its value */
							continue;
						}
						if (!strchr(cmd->raw[k], '$') && w[0])
							found = dfx_xstrdup(w);
						break;
					}
				}
				dfx_shellwords_release(&sc);
			} else if (dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD")) {
				const struct dfx_df_flag *fl = dfx_df_instr_flag(in, "chown");
				const char *v = fl && fl->value ? fl->value : "";
				size_t n = strcspn(v, ":");

				if (n && !strchr(v, '$') && !(n == 4 && !strncmp(v, "root", 4)) &&
				    strspn(v, "0123456789") != n)
					found = dfx_xstrndup(v, n);
			}
		}
		idx = t->parent;
	}
	if (found && (!strcmp(found, "root") || !found[0])) {
		free(found);
		found = NULL;
	}
	return found;
}

/* ---------------------------------------------------------------- written paths */

struct paths {
	char **v;
	size_t n, cap;
};

static void add_path(struct paths *p, const char *path)
{
	char *c;

	if (!path || path[0] != '/' || strchr(path, '$') || strpbrk(path, "*?[ \t'\"`\\"))
		return;
	c = dfx_path_clean(path);
	if (!strcmp(c, "/")) {
		free(c);
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i], c)) {
			free(c);
			return;
		}
	DFX_GROW(p->v, p->n + 1, p->cap);
	p->v[p->n++] = c;
}

/* Whether path a is b or under it. */
static bool under(const char *a, const char *b)
{
	size_t n = strlen(b);

	return !strncmp(a, b, n) && (a[n] == '\0' || a[n] == '/');
}

/*
 * A folder of the system rather than of the application: root's home, or
 * one whose files are the system's programs, libraries or configuration.
 * `chown -R` there gives the user root's files and clears the setuid bits
 * of the programs in it (su, passwd, ping), so it is never handed over by a
 * safe fix. NULL when p is none, else the system folder it is or is under.
 */
static const char *system_folder(const char *p)
{
	static const char *const exact[] = {"/root", "/usr", "/usr/local", "/usr/share", "/etc", "/var",
					    "/var/lib", "/home", "/run", "/var/run"};
	static const char *const below[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/usr/bin", "/usr/sbin",
					    "/usr/lib", "/usr/libexec", "/usr/local/bin", "/usr/local/sbin",
					    "/usr/local/lib", "/boot", "/dev", "/proc", "/sys", "/etc/ssl", "/etc/pam.d",
					    "/etc/sudoers.d", "/root/.ssh"};

	for (size_t i = 0; i < sizeof(exact) / sizeof(*exact); i++)
		if (!strcmp(p, exact[i]))
			return exact[i];
	for (size_t i = 0; i < sizeof(below) / sizeof(*below); i++)
		if (under(p, below[i]))
			return below[i];
	return NULL;
}

/* `rm` with -r, -R, -rf, -fr, --recursive among its options. */
static bool recursive(const struct dfx_shellwords_cmd *cmd, size_t prog)
{
	for (size_t k = prog + 1; k < cmd->argc; k++) {
		const char *a = cmd->argv[k];

		if (!strcmp(a, "--recursive"))
			return true;
		if (a[0] == '-' && a[1] != '-' && (strchr(a, 'r') || strchr(a, 'R')))
			return true;
	}
	return false;
}

/* Drop the paths at or under `dir`. */
static void drop_under(struct paths *p, const char *dir)
{
	for (size_t i = 0; i < p->n;)
		if (under(p->v[i], dir)) {
			free(p->v[i]);
			p->v[i] = p->v[--p->n];
		} else {
			i++;
		}
}

/* The directories the final stage's RUN steps make with mkdir (and do not remove again). */
static void mkdir_paths(const struct dfx_dockerfile *df, const struct dfx_df_stage *st, struct paths *p)
{
	for (size_t i = st->first; i <= st->last; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		struct dfx_shellwords_script sc = {0};
		char *wd;

		if (!dfx_df_is(in, "RUN"))
			continue;
		wd = dfx_build_workdir(df, i);
		dfx_shellwords_run(&sc, in);
		for (size_t c = 0; c < sc.n; c++) {
			const struct dfx_shellwords_cmd *cmd = &sc.cmds[c];
			size_t k = dfx_shellwords_real_prog(cmd);

			bool rm;

			if (k >= cmd->argc)
				continue;
			/* a folder made and then removed again (the build's scratch) is not handed over */
			rm = !strcmp(dfx_shellwords_base(cmd->argv[k]), "rm") && recursive(cmd, k);
			if (!rm && strcmp(dfx_shellwords_base(cmd->argv[k]), "mkdir"))
				continue;
			for (k++; k < cmd->argc; k++) {
				const char *a = cmd->argv[k];
				char *abs;

				if (a[0] == '-' || strchr(cmd->raw[k], '$'))
					continue;
				if (a[0] == '/') {
					abs = dfx_path_clean(a);
				} else {
					char *j = dfx_path_join(wd, a);

					abs = j[0] == '/' ? j : dfx_xasprintf("/%s", j);
					if (abs != j)
						free(j);
				}
				if (rm)
					drop_under(p, abs);
				else
					add_path(p, abs);
				free(abs);
			}
		}
		dfx_shellwords_release(&sc);
		free(wd);
	}
}

static void release_paths(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

/* The VOLUME targets of the final stage chain; *before is set when one
   comes before instruction index `at`. */
static void volume_paths(const struct dfx_dockerfile *df, const struct dfx_df_stage *st, size_t at,
			 struct paths *p, bool *before)
{
	int idx = (int)(st - df->stages);
	size_t guard = 0;

	while (idx >= 0 && guard++ <= df->nstages) {
		const struct dfx_df_stage *t = &df->stages[idx];

		for (size_t i = t->first; i <= t->last; i++) {
			const struct dfx_df_instr *in = &df->instrs[i];
			size_t n = in->json ? in->argc : in->nwords;

			if (!dfx_df_is(in, "VOLUME"))
				continue;
			if (i < at || t != st)
				*before = true;
			for (size_t k = 0; k < n; k++)
				add_path(p, in->json ? in->argv[k] : in->words[k].text);
		}
		idx = t->parent;
	}
}

/* Whether the Dockerfile builds a GitHub Actions container action (its
   LABELs name one). */
static bool github_action(const struct dfx_dockerfile *df)
{
	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (!dfx_df_is(in, "LABEL"))
			continue;
		for (size_t k = 0; k < in->nkvs; k++)
			if (!strncmp(in->kvs[k].key, "com.github.actions.", 19))
				return true;
	}
	return false;
}

/* ---------------------------------------------------------------- the fix */

struct plan {
	const char *create;    /* "alpine", "shadow" or NULL: no user to create */
	char *user;            /* the USER value */
	char *owner;           /* what chown gets */
	struct paths chown;    /* directories handed to the user */
	struct paths mkdirs;   /* VOLUME targets made first */
};

static char *plan_text(const struct dfx_dockerfile *df, const struct plan *pl)
{
	const char *nl = dfx_source_eol(df->src);
	char esc = df->escape ? df->escape : '\\';
	struct dfx_buf b = DFX_BUF_INIT;
	const char *sep = "RUN ";

	if (pl->create && !strcmp(pl->create, "alpine")) {
		dfx_buf_addf(&b, "RUN addgroup -S -g 10001 app %c%s"
			     " && adduser -S -D -H -u 10001 -G app -h /nonexistent -s /sbin/nologin app", esc, nl);
		sep = " && ";
	} else if (pl->create) {
		dfx_buf_addf(&b, "RUN groupadd --system --gid 10001 app %c%s"
			     " && useradd --system --uid 10001 --gid app --no-create-home "
			     "--home-dir /nonexistent --shell /usr/sbin/nologin --no-log-init app", esc, nl);
		sep = " && ";
	}
	if (pl->mkdirs.n) {
		if (b.len)
			dfx_buf_addf(&b, " %c%s", esc, nl);
		dfx_buf_adds(&b, *sep == 'R' ? "RUN mkdir -p" : " && mkdir -p");
		for (size_t i = 0; i < pl->mkdirs.n; i++)
			dfx_buf_addf(&b, " %s", pl->mkdirs.v[i]);
		sep = " && ";
	}
	if (pl->chown.n) {
		if (b.len)
			dfx_buf_addf(&b, " %c%s", esc, nl);
		dfx_buf_addf(&b, "%schown -R %s", *sep == 'R' ? "RUN " : " && ", pl->owner);
		for (size_t i = 0; i < pl->chown.n; i++)
			dfx_buf_addf(&b, " %s", pl->chown.v[i]);
	}
	if (b.len)
		dfx_buf_adds(&b, nl);
	dfx_buf_addf(&b, "USER %s%s", pl->user, nl);
	return dfx_buf_detach(&b);
}

static bool has_nocase(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; s && *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

static bool service_monitor(const char *word)
{
	return has_nocase(word, "servicemonitor");
}

/* The final image serves IIS: built on windows/servercore/iis, or it runs ServiceMonitor.exe (the
   tool that keeps the w3svc service running). */
static bool runs_iis(const struct dfx_dockerfile *df)
{
	for (size_t s = 0; s < df->nstages; s++)
		if (dfx_build_stage_in_final(df, s) && has_nocase(df->stages[s].image, "servercore/iis"))
			return true;
	return dfx_dfhelp_starts_word(df, service_monitor);
}

/* Windows images: ContainerUser is the unprivileged account. */
static void windows_fix(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_df_instr *after)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	char *text;

	if (runs_iis(df)) {
		/* ServiceMonitor starts and watches the w3svc service, which needs the administrator */
		f->hint = dfx_xstrdup("IIS (ServiceMonitor.exe and the w3svc service) needs the administrator "
				      "account, so `USER ContainerUser` would stop it: keep the site's application "
				      "pool on its own low-privilege identity instead");
		return;
	}
	text = dfx_xasprintf("USER ContainerUser%s", dfx_source_eol(df->src));

	f->fix = dfx_fix_new(DFX_FIX_UNSAFE, "switch to the unprivileged `ContainerUser` account before CMD "
			     "(files the application writes must be writable by it)");
	dfx_dfhelp_insert_after(f->fix, ctx->file->path, df, after, text);
	free(text);
}

/* The unsafe swap to a non-root image of the same service. */
static void swap_fix(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_df_stage *st,
		     const struct dfx_imagebehaviour *b)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_instr *from = &df->instrs[st->from];
	const char *alt = b->nonroot_alt, *colon = strrchr(alt, ':');
	const char *raw = from->nwords ? from->words[0].raw : "";
	size_t rl = strlen(raw), nl;
	struct dfx_span sp = st->image_span;
	char *name;

	if (st->parent >= 0 || !colon || strpbrk(raw, "$\"'\\`") || sp.end - sp.start != rl ||
	    memcmp(df->src->data + sp.start, raw, rl) != 0)
		return;
	nl = dfx_image_ref_name_len(raw);
	name = dfx_xstrndup(alt, (size_t)(colon - alt));
	f->fix = dfx_fix_new(DFX_FIX_UNSAFE,
			     "build FROM %s (the same server as a non-root user; it listens on port %s, "
			     "so published ports and a configuration that listens on 80 must follow)",
			     name, colon + 1);
	dfx_fix_edit(f->fix, ctx->file->path, sp.start, sp.start + (uint32_t)nl, name);
	free(name);
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_stage *st = dfx_df_final_stage(df);
	const struct dfx_df_instr *user, *from, *after = NULL, *prev;
	const struct dfx_imagebehaviour *b = NULL;
	const char *base, *unsafe_why = NULL;
	struct dfx_imageref ref;
	struct dfx_finding *f;
	struct start start;
	struct plan pl;
	enum family fam;
	enum cmd_kind kind;
	bool vol_before = false, parsed, official = false, b_from_cmd = false;
	char *wd, *text, *existing, *mount, *why = NULL;
	const char *sys;
	size_t at;

	if (!st)
		return;
	from = &df->instrs[st->from];
	base = dfx_df_stage_base(df, st);
	/* a scratch stage with no CMD or ENTRYPOINT only exports files
	   (`docker build --output`, `COPY --from`): nothing runs as anyone */
	if (base && !strcmp(base, "scratch") && !dfx_dfhelp_last_of(df, st, "CMD") && !dfx_dfhelp_last_of(df, st, "ENTRYPOINT"))
		return;
	user = last_user(df, st);
	if (user && !user_is_root(df, user))
		return;
	parsed = dfx_image_parse(&ref, base, NULL) == 0;
	if (parsed) {
		bool nonroot = !user && dfx_image_nonroot(&ref);

		b = dfx_imagebehaviour_lookup(&ref);
		official = dfx_image_official(&ref);
		dfx_image_release(&ref);
		if (nonroot || (!user && dfx_imagebehaviour_nonroot_default(b)))
			return;
	}
	fam = family_of(base);
	how_it_starts(df, st, &start);
	if ((!b || (b->cmd && !strcmp(b->cmd, "shell"))) && start.server) {
		/* the base is not known, or only a base for others, but the server it runs is:
		   its behaviour is the server's */
		char *srv = fam != FAM_ALPINE ? dfx_xstrdup(start.server)
			    : dfx_xasprintf("%s%salpine", start.server, strchr(start.server, ':') ? "-" : ":");
		const struct dfx_imagebehaviour *sb = dfx_imagebehaviour_find(srv);

		free(srv);
		if (sb) {
			b = sb;
			b_from_cmd = true;
		}
	}
	kind = command_kind(df, st);

	/* an entrypoint that starts as root to drop privileges itself does not run the service as root */
	if (!user && (start.drop || (dfx_imagebehaviour_drops(b) && (strcmp(b->drop, "daemon") ? !start.entrypoint
											 : strcmp(b->nonroot, "no") != 0)))) {
		const char *how = start.drop ? start.drop : b->drop;
		bool pinned = !start.drop && b->drop_user && strcmp(b->drop_user, "?");

		if (!strcmp(how, "daemon"))
			f = dfx_emit(ctx, from->span,
				       "the container starts as root and its server runs its workers as %s itself",
				       pinned ? b->drop_user : "an unprivileged user");
		else
			f = dfx_emit(ctx, from->span,
				       "the container starts as root and its entrypoint drops privileges itself (%s%s%s)",
				       how, pinned ? " to " : "", pinned ? b->drop_user : "");
		if (f) {
			f->severity = DFX_SEV_LOW;
			f->hint = dfx_xstrdup("nothing to change in the Dockerfile: a USER here would skip the "
					      "entrypoint's own set-up (chown of its data directories, the drop "
					      "itself); keep its data directories owned by the user it drops to");
		}
		return;
	}

	if (user && user->stage == (int)(st - df->stages) && user->nwords && is_windows_admin(user->words[0].text))
		f = dfx_emit(ctx, user->span,
			       "the final stage's last USER is ContainerAdministrator, the container's administrator "
			       "account: the container runs with full rights in it");
	else if (user && user->stage == (int)(st - df->stages))
		f = dfx_emit(ctx, user->span,
			       "the final stage's last USER is root: the container runs with root privileges");
	else if (fam == FAM_WINDOWS)
		f = dfx_emit(ctx, from->span,
			       "the final stage sets no USER: the container runs as the image's default "
			       "ContainerAdministrator, the administrator account");
	else
		f = dfx_emit(ctx, from->span,
			       "the final stage sets no USER: the container runs as root");
	if (!f)
		return;

	/* after the last RUN/COPY/ADD/USER of the stage; else right after FROM */
	for (size_t i = st->first; i <= st->last; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		if (dfx_df_is(in, "RUN") || dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD") || dfx_df_is(in, "USER"))
			after = in;
	}
	if (!after)
		after = from;
	at = (size_t)(after - df->instrs);

	if (fam == FAM_WINDOWS) {
		windows_fix(ctx, f, after);
		return;
	}
	if (b && !strcmp(b->nonroot, "no")) {
		if (b->nonroot_alt && !start.own && !b_from_cmd)
			swap_fix(ctx, f, st, b);
		f->hint = dfx_xasprintf("%s does not run as a non-root USER out of the box (it needs %s)%s%s",
					b->image, b->needs ? b->needs : "root", b->nonroot_alt ? "; use " : "",
					b->nonroot_alt ? b->nonroot_alt : "");
		return;
	}

	prev = user ? earlier_nonroot(df, user) : NULL;
	if (start.script) {
		char *swd = dfx_build_workdir(df, st->last);

		if (!script_harmless(ctx, st, start.script_path, swd))
			unsafe_why = "the entrypoint is a script dockfix cannot read, or one that may need root";
		free(swd);
	}
	if (!unsafe_why && start.privileged)
		unsafe_why = "the container runs a program that needs root";
	if (prev) {
		/* the stage already has a non-root user: switch back to it */
		text = dfx_xasprintf("USER %.*s%s", (int)(prev->args.end - prev->args.start),
				     df->src->data + prev->args.start, dfx_source_eol(df->src));
		f->fix = dfx_fix_new(unsafe_why ? DFX_FIX_UNSAFE : DFX_FIX_SAFE,
				     "switch back to the stage's user `%.*s` before CMD%s%s%s",
				     (int)(prev->args.end - prev->args.start), df->src->data + prev->args.start,
				     unsafe_why ? " (unsafe: " : "", unsafe_why ? unsafe_why : "", unsafe_why ? ")" : "");
		dfx_dfhelp_insert_after(f->fix, ctx->file->path, df, after, text);
		free(text);
		return;
	}

	memset(&pl, 0, sizeof(pl));
	existing = created_user(df, st);
	if (existing) {
		pl.user = existing;
		pl.owner = dfx_xstrdup(existing);
	} else if (fam == FAM_NODE) {
		pl.user = dfx_xstrdup("node");
		pl.owner = dfx_xstrdup("node:node");
	} else if (fam == FAM_DOTNET) {
		pl.user = dfx_xstrdup("app");
		pl.owner = dfx_xstrdup("app:app");
	} else if (fam == FAM_DISTROLESS) {
		pl.user = dfx_xstrdup("65532:65532");
	} else if (fam == FAM_ALPINE || fam == FAM_SHADOW) {
		pl.create = fam == FAM_ALPINE ? "alpine" : "shadow";
		pl.user = dfx_xstrdup("10001:10001");
		pl.owner = dfx_xstrdup("app:app");
	} else {
		pl.user = dfx_xstrdup("10001:10001");
	}

	/* what the process writes: its WORKDIR, its VOLUMEs, the directories its RUNs make */
	wd = dfx_build_workdir(df, st->last); /* where the process starts */
	if (!strcmp(wd, "/") && b && b->workdir && !b_from_cmd) {
		/* the stage sets none: the process starts in the base image's own WORKDIR */
		free(wd);
		wd = dfx_xstrdup(b->workdir);
	}
	volume_paths(df, st, at, &pl.mkdirs, &vol_before);
	if (strcmp(wd, "/"))
		add_path(&pl.chown, wd);
	mkdir_paths(df, st, &pl.chown);
	for (size_t i = 0; i < pl.mkdirs.n; i++)
		add_path(&pl.chown, pl.mkdirs.v[i]);
	/* drop paths under another one (chown -R covers them) */
	for (size_t i = 0; i < pl.chown.n; i++)
		for (size_t j = 0; j < pl.chown.n; j++)
			if (i != j && under(pl.chown.v[i], pl.chown.v[j]) && strcmp(pl.chown.v[i], pl.chown.v[j])) {
				free(pl.chown.v[i]);
				pl.chown.v[i] = pl.chown.v[--pl.chown.n];
				i = (size_t)-1;
				break;
			}
	if (!pl.owner)
		unsafe_why = fam == FAM_DISTROLESS ? "a distroless image has no shell to hand the application's "
						     "files to the user (COPY --chown=65532:65532 what it writes)"
		: fam == FAM_SCRATCH ? "a scratch image has no shell to hand the application's files to the user"
				     : "dockfix does not know this base image's user tools";
	else if (!unsafe_why && (!b ? !parsed : strcmp(b->nonroot, "yes")))
		unsafe_why = b ? "the base image needs more than a non-root USER" : "the base image is not known";
	else if (!unsafe_why && !start.entrypoint && !b && !official)
		unsafe_why = "the base image's own entrypoint is not known (it may need root)";
	if (kind == CMD_NONE && !dfx_imagebehaviour_serves(b))
		unsafe_why = "the stage sets no CMD or ENTRYPOINT: what runs in the image is given at run time "
			     "or by images built FROM it, whose RUN steps would then run as the new user";
	else if (kind == CMD_INTERACTIVE)
		unsafe_why = "the command is an interactive shell or interpreter: what runs in it is typed at "
			     "run time, or the image is a base for others, whose RUN steps would then run as the new user";
	if (!unsafe_why && (under(wd, "/github") || github_action(df)))
		unsafe_why = "a GitHub Actions container action must run as root to use the mounted "
			     "/github/workspace (GitHub's Dockerfile support for actions)";
	if (!unsafe_why && !strcmp(wd, "/") && kind != CMD_READONLY)
		unsafe_why = "the stage sets no WORKDIR: dockfix cannot tell where the application writes";
	for (size_t i = 0; !unsafe_why && pl.owner && i < pl.chown.n; i++)
		if ((sys = system_folder(pl.chown.v[i])) != NULL) {
			bool same = !strcmp(sys, pl.chown.v[i]);

			why = dfx_xasprintf("the user would be handed %s, a folder of the system%s%s%s: chown -R "
					    "would give it files root relies on and clear the setuid bits of "
					    "programs there",
					    pl.chown.v[i], same ? "" : " (under ", same ? "" : sys, same ? "" : ")");
			unsafe_why = why;
		}
	if (!unsafe_why && pl.mkdirs.n)
		unsafe_why = "a VOLUME that already exists keeps its old (root) ownership";
	if (!unsafe_why && (mount = compose_mount(ctx)) != NULL) {
		why = dfx_xasprintf("compose mounts %s writable: data already there keeps its owner", mount);
		unsafe_why = why;
		free(mount);
	}
	if (!unsafe_why && vol_before)
		unsafe_why = "a VOLUME is declared before the files are handed over";
	if (!pl.owner) {
		/* nothing to chown with */
		release_paths(&pl.chown);
		memset(&pl.chown, 0, sizeof(pl.chown));
		release_paths(&pl.mkdirs);
		memset(&pl.mkdirs, 0, sizeof(pl.mkdirs));
	}
	{
		struct dfx_buf desc = DFX_BUF_INIT;

		if (pl.create)
			dfx_buf_addf(&desc, "create system user `app` (10001) with %s, ",
				     fam == FAM_ALPINE ? "addgroup/adduser" : "groupadd/useradd");
		else if (existing)
			dfx_buf_addf(&desc, "reuse the Dockerfile's user `%s`, ", existing);
		else if (fam == FAM_NODE)
			dfx_buf_adds(&desc, "use the image's `node` user (uid 1000), ");
		else if (fam == FAM_DOTNET)
			dfx_buf_adds(&desc, "use the image's `app` user (uid 1654), ");
		if (pl.chown.n) {
			dfx_buf_adds(&desc, "hand it ");
			for (size_t i = 0; i < pl.chown.n; i++)
				dfx_buf_addf(&desc, "%s%s", i ? ", " : "", pl.chown.v[i]);
			dfx_buf_adds(&desc, ", ");
		}
		if (desc.len >= 2)
			desc.ptr[desc.len -= 2] = '\0';
		dfx_buf_addf(&desc, "%sswitch to %s before CMD", desc.len ? " and " : "", pl.user);
		if (unsafe_why)
			dfx_buf_addf(&desc, " (unsafe: %s)", unsafe_why);
		f->fix = dfx_fix_new(unsafe_why ? DFX_FIX_UNSAFE : DFX_FIX_SAFE, "%s", desc.ptr);
		dfx_buf_release(&desc);
	}
	text = plan_text(df, &pl);
	dfx_dfhelp_insert_after(f->fix, ctx->file->path, df, after, text);
	free(text);
	free(wd);
	free(pl.user);
	free(pl.owner);
	free(why);
	release_paths(&pl.chown);
	release_paths(&pl.mkdirs);
}

const struct dfx_rule dfx_rule_df201 = {
	.code = "DF201",
	.name = "runs-as-root",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_SAFE,
	.summary = "The final stage runs as root",
	.what = "Checks that the final stage of a Dockerfile switches to a non-root user: it has a USER "
		"instruction (in the stage or a stage it is built from) and the last one is not root, 0, "
		"root:*, 0:* or Windows' ContainerAdministrator. Variables in USER are resolved through "
		"ENV values and ARG defaults (`ENV SEL_UID=${UID}` with `ARG UID=1200`). Builder stages "
		"are exempt, and so are `FROM scratch` stages with no CMD or ENTRYPOINT (they only export "
		"files) and base images known to run as a "
		"non-root user (distroless :nonroot, nginx-unprivileged, chainguard, bitnami, grafana, "
		"nanoserver's ContainerUser; servercore's default is ContainerAdministrator). An image whose entrypoint starts as root to drop privileges "
		"itself (postgres, mariadb, redis, mongo and others through gosu or setpriv, s6-overlay "
		"images such as linuxserver's, Apache-based images whose server runs as www-data, or a "
		"Dockerfile that installs gosu/su-exec) gets a low note naming the user it drops to.",
	.why = "A process that runs as root in the container is root on the host the moment it escapes "
	       "the container (a kernel bug, a mounted socket, a privileged flag). It can also modify "
	       "the image's own files. Running as an unprivileged user removes that whole class of "
	       "escalation and is required by Kubernetes `runAsNonRoot`.",
	.example = "FROM node:22\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"server.js\"]",
	.instead = "FROM node:22\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\nCMD [\"node\", \"server.js\"]",
	.fix_safety = "Safe only when dockfix knows what the process needs: the base image is one it "
		      "knows (an official OS or language image, or one of its image-behaviour table that "
		      "runs under a non-root USER), the user tools fit it (node: the built-in `node` user; "
		      "alpine: addgroup/adduser; Debian, Ubuntu and RHEL-family: groupadd/useradd; a user "
		      "the Dockerfile already creates or hands files to is reused), the stage sets a "
		      "WORKDIR, the entrypoint is not a script and runs nothing that needs root, no "
		      "VOLUME holds data an existing volume would keep root-owned, and nothing it would "
		      "hand over is a folder of the system (`/root`, `/etc`, `/usr/local`, anything under "
		      "`/usr/bin` or `/lib`). The fix then creates "
		      "the user after the stage's last RUN/COPY/ADD (so build steps still run as root), "
		      "hands it the WORKDIR and the directories the RUN steps make (`chown -R`), and "
		      "switches to it before CMD and before any VOLUME. Otherwise the same fix is unsafe "
		      "and says why. Images that cannot run as non-root get a hint, nginx an unsafe swap to "
		      "nginxinc/nginx-unprivileged (port 8080), Windows images an unsafe `USER "
		      "ContainerUser` (IIS images a hint: ServiceMonitor and w3svc need the administrator).",
	.refs = "hadolint DL3002; Trivy DS002; Checkov CKV_DOCKER_3, CKV_DOCKER_8; CIS Docker Benchmark 4.1; the "
		"images' Dockerfiles and entrypoint scripts (docker-library, nginxinc/docker-nginx-unprivileged, "
		"linuxserver/docker-baseimage-alpine); GitHub Docs: Dockerfile support for GitHub Actions (USER)",
	.check = check,
};
