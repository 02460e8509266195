/*
 * build.c - facts about what a Dockerfile's build does and puts into its
 * image (include/dockfix/build.h): which ecosystem a stage compiles,
 * whether a Dockerfile is a production one by its path, the WORKDIR in
 * effect, the secret-looking files COPY/ADD put into the image and what a
 * RUN removes again, and the image a stage is built FROM.
 *
 * Reference: the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/): FROM, WORKDIR (relative
 * paths, ARG and ENV expansion), COPY/ADD destination rules, multi-stage
 * builds; CIS Docker Benchmark 4.10 (do not store secrets in Dockerfiles).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/build.h"
#include "dockfix/ignore.h"
#include "dockfix/path.h"
#include "dockfix/shellwords.h"

/* ================================================================ characters */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
}

/* ================================================================ builds */

static const char *bprog(const struct dfx_shellwords_cmd *c, size_t *at)
{
	size_t p = dfx_shellwords_real_prog(c);

	*at = p;
	return p < c->argc ? dfx_shellwords_base(c->argv[p]) : "";
}

/* The first argument after the program that is not an option, or "". */
static const char *bsub(const struct dfx_shellwords_cmd *c, size_t p, size_t nth)
{
	for (size_t k = p + 1; k < c->argc; k++) {
		if (c->argv[k][0] == '-')
			continue;
		if (!nth--)
			return c->argv[k];
	}
	return "";
}

static bool build_script(const char *s)
{
	return !strncmp(s, "build", 5) || !strcmp(s, "compile") || !strcmp(s, "dist") || !strcmp(s, "bundle") ||
	       !strcmp(s, "tsc");
}

static bool node_tool(const char *t, const struct dfx_shellwords_cmd *c, size_t p)
{
	static const char *const tools[] = {"tsc", "webpack", "rollup", "esbuild", "parcel", "gulp", "grunt", NULL};
	static const char *const sub_build[] = {"vite", "next", "ng", "nest", "nuxt", "astro", "remix", "react-scripts",
						"vue-cli-service", "svelte-kit", NULL};

	for (size_t k = 0; tools[k]; k++)
		if (!strcmp(t, tools[k]))
			return true;
	for (size_t k = 0; sub_build[k]; k++)
		if (!strcmp(t, sub_build[k]) && !strcmp(bsub(c, p, 0), "build"))
			return true;
	return false;
}

static bool build_package(const char *w)
{
	static const char *const pk[] = {"gcc", "g++", "build-essential", "build-base", "musl-dev", "python3-dev",
					 "python-dev", "libffi-dev", "libpq-dev", "libssl-dev", "openssl-dev",
					 "postgresql-dev", "libxml2-dev", "libxslt-dev", "zlib1g-dev", "zlib-dev",
					 "gfortran", "cargo", "rust", "clang", "cmake", "make", "linux-headers", NULL};

	for (size_t k = 0; pk[k]; k++)
		if (!strcmp(w, pk[k]) || (!strncmp(w, pk[k], strlen(pk[k])) && w[strlen(pk[k])] == '='))
			return true;
	return false;
}

/* "npm run build": the program and up to two following words, shortened. */
static void name_cmd(char *out, size_t size, const struct dfx_shellwords_cmd *c, size_t p, size_t nwords)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t k = p; k < c->argc && k <= p + nwords; k++) {
		const char *w = k == p ? dfx_shellwords_base(c->argv[k]) : c->argv[k];
		int n = snprintf(out + len, size - len, "%s%s", len ? " " : "", w);

		if (n < 0 || (size_t)n >= size - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
}

static void found(struct dfx_build_steps *s, enum dfx_build_eco e, const struct dfx_shellwords_cmd *c, size_t p, size_t nwords,
		  size_t at)
{
	if (s->eco == DFX_ECO_NONE) {
		s->eco = e;
		name_cmd(s->what, sizeof(s->what), c, p, nwords);
		s->build_at = at;
	}
}

static void scan_cmd(struct dfx_build_steps *s, const struct dfx_shellwords_cmd *c, size_t at)
{
	size_t p;
	const char *pr = bprog(c, &p), *a0, *a1;

	if (!*pr)
		return;
	a0 = bsub(c, p, 0);
	a1 = bsub(c, p, 1);
	if (!strcmp(pr, "npm") || !strcmp(pr, "pnpm") || !strcmp(pr, "yarn")) {
		bool yarn = !strcmp(pr, "yarn");

		if (!strcmp(a0, "install") || !strcmp(a0, "i") || !strcmp(a0, "ci") || (yarn && !*a0) ||
		    (!strcmp(pr, "pnpm") && !strcmp(a0, "add")))
			s->node_install = true;
		else if (((!strcmp(a0, "run") || !strcmp(a0, "run-script")) && build_script(a1)) ||
			 (strcmp(pr, "npm") != 0 && build_script(a0))) {
			s->node_build = true;
			s->node_build_at = at;
			name_cmd(s->node_what, sizeof(s->node_what), c, p, strcmp(a0, "run") ? 1 : 2);
		}
		return;
	}
	if ((!strcmp(pr, "npx") || !strcmp(pr, "pnpx")) && node_tool(dfx_shellwords_base(a0), c, p + 1)) {
		s->node_build = true;
		s->node_build_at = at;
		name_cmd(s->node_what, sizeof(s->node_what), c, p, 2);
		return;
	}
	if (node_tool(pr, c, p)) {
		s->node_build = true;
		s->node_build_at = at;
		name_cmd(s->node_what, sizeof(s->node_what), c, p, 1);
		return;
	}
	if (!strcmp(pr, "go") && !strcmp(a0, "build")) {
		found(s, DFX_ECO_GO, c, p, 1, at);
	} else if (!strcmp(pr, "mvn") || !strcmp(pr, "mvnw")) {
		for (size_t k = p + 1; k < c->argc; k++)
			if (!strcmp(c->argv[k], "package") || !strcmp(c->argv[k], "install") ||
			    !strcmp(c->argv[k], "verify") || !strcmp(c->argv[k], "compile"))
				found(s, DFX_ECO_JAVA, c, p, 0, at);
	} else if (!strcmp(pr, "gradle") || !strcmp(pr, "gradlew")) {
		for (size_t k = p + 1; k < c->argc; k++)
			if (!strcmp(c->argv[k], "build") || !strcmp(c->argv[k], "assemble") ||
			    !strncmp(c->argv[k], "bootJar", 7) || !strcmp(c->argv[k], "jar") ||
			    !strcmp(c->argv[k], "shadowJar") || !strcmp(c->argv[k], "installDist") ||
			    !strcmp(c->argv[k], "war"))
				found(s, DFX_ECO_JAVA, c, p, 0, at);
	} else if (!strcmp(pr, "cargo") && (!strcmp(a0, "build") || !strcmp(a0, "install"))) {
		found(s, DFX_ECO_RUST, c, p, 1, at);
	} else if (!strcmp(pr, "gcc") || !strcmp(pr, "g++") || !strcmp(pr, "cc") || !strcmp(pr, "c++") ||
		   !strcmp(pr, "clang") || !strcmp(pr, "clang++") || !strcmp(pr, "make") || !strcmp(pr, "ninja") ||
		   !strcmp(pr, "configure") || (!strcmp(pr, "cmake") && !strcmp(a0, "--build"))) {
		found(s, DFX_ECO_C, c, p, 0, at);
	} else if (!strcmp(pr, "pip") || !strcmp(pr, "pip3") || ((!strncmp(pr, "python", 6)) &&
								  !strcmp(bsub(c, p, 0), "pip"))) {
		for (size_t k = p + 1; k < c->argc; k++)
			if (!strcmp(c->argv[k], "install"))
				s->pip = true;
	} else if (!strcmp(pr, "apt-get") || !strcmp(pr, "apt") || !strcmp(pr, "apk") || !strcmp(pr, "yum") ||
		   !strcmp(pr, "dnf") || !strcmp(pr, "microdnf")) {
		if (!strcmp(a0, "install") || !strcmp(a0, "add")) {
			for (size_t k = p + 2; k < c->argc; k++)
				if (build_package(c->argv[k]))
					s->build_deps = true;
		}
		if (!strcmp(a0, "del") || !strcmp(a0, "purge") || !strcmp(a0, "remove") || !strcmp(a0, "autoremove") ||
		    !strcmp(a0, "erase"))
			s->removes_pkgs = true;
	}
}

enum dfx_build_eco dfx_build_scan(const struct dfx_dockerfile *df, size_t stage, struct dfx_build_steps *s)
{
	const struct dfx_df_stage *st = &df->stages[stage];

	memset(s, 0, sizeof(*s));
	for (size_t i = st->first; i <= st->last; i++) {
		struct dfx_shellwords_script sc = {0};

		if (!dfx_df_is(&df->instrs[i], "RUN"))
			continue;
		dfx_shellwords_run(&sc, &df->instrs[i]);
		for (size_t k = 0; k < sc.n; k++)
			scan_cmd(s, &sc.cmds[k], i);
		dfx_shellwords_release(&sc);
	}
	if (s->node_install && s->node_build) {
		memcpy(s->what, s->node_what, sizeof(s->what));
		s->build_at = s->node_build_at;
		return DFX_ECO_NODE;
	}
	if (s->eco != DFX_ECO_NONE && !(s->eco == DFX_ECO_C && s->removes_pkgs))
		return s->eco;
	if (s->pip && s->build_deps && !s->removes_pkgs) {
		snprintf(s->what, sizeof(s->what), "pip install");
		return DFX_ECO_PIP;
	}
	return DFX_ECO_NONE;
}

bool dfx_build_nonprod_path(const char *path)
{
	static const char *const name_toks[] = {"build", "builder", "dev", "devel", "development", "ci", "test",
						"tests", "devcontainer", "toolchain", "sdk", NULL};
	static const char *const dirs[] = {"test", "tests", "testdata", "testfiles", "testing", "e2e", "fixtures", "ci",
					   "integration", "devcontainer", "circleci", NULL};
	const char *p = path, *base = path;

	/* directories: components before the last '/' or "__" */
	for (;;) {
		const char *slash = strchr(p, '/'), *flat = strstr(p, "__"), *e;
		size_t n;

		e = slash && (!flat || slash < flat) ? slash : flat;
		if (!e)
			break;
		n = (size_t)(e - p);
		/* a directory named, or with a word, test, ci, e2e ... (nnp-test/, gitlab-ci/) */
		for (size_t off = 0; off < n;) {
			size_t w = strcspn(p + off, "._-/");

			if (w > n - off)
				w = n - off;
			for (size_t k = 0; dirs[k]; k++)
				if (w == strlen(dirs[k]) && !strncasecmp(p + off, dirs[k], w))
					return true;
			off += w + 1;
		}
		p = e + (e == slash ? 1 : 2);
		base = p;
	}
	for (const char *t = base; *t;) {
		size_t n = strcspn(t, "._-");

		for (size_t k = 0; name_toks[k]; k++)
			if (n == strlen(name_toks[k]) && !strncasecmp(t, name_toks[k], n))
				return true;
		t += n;
		if (*t)
			t++;
	}
	return false;
}

/* ================================================================ secret files */

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

static bool has_token(const char *lower, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = strstr(lower, tok); p; p = strstr(p + 1, tok))
		if ((p == lower || !is_name_char(p[-1]) || p[-1] == '_') &&
		    (!is_name_char(p[n]) || p[n] == '_'))
			return true;
	return false;
}

/* Whether a key/pem file name says it holds something public. */
static bool public_name(const char *base)
{
	static const char *const subs[] = {"cert", "chain", "bundle", "pub", "trust", "gpg", "pgp", "keyring",
					   "signing", "crt", "dhparam", "ffdhe", NULL};
	static const char *const toks[] = {"ca", "root", "rootca", "release", "repo", "apt", "archive", "yum",
					   "rpm", "dhparam", "dhparams", "dh", NULL};
	char *low = dfx_xstrdup(base);
	bool pub = false;

	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	for (size_t k = 0; subs[k] && !pub; k++)
		pub = strstr(low, subs[k]) != NULL;
	for (size_t k = 0; toks[k] && !pub; k++)
		pub = has_token(low, toks[k]);
	/* dh2048.pem: Diffie-Hellman parameters */
	pub = pub || (low[0] == 'd' && low[1] == 'h' && is_digit(low[2]));
	free(low);
	return pub;
}

static bool secret_file(const char *path, const char **what)
{
	static const char *const templates[] = {"example", "sample", "template", "tmpl", "tpl", "dist", "defaults",
						"default", "schema", "docs", "dev.example", NULL};
	char *copy = dfx_xstrdup(path);
	size_t n = strlen(copy);
	const char *base, *w = NULL;

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = dfx_shellwords_base(copy);
	/* a directory component */
	for (const char *p = copy; *p;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == 4 && !strncmp(p, ".aws", 4))
			w = "AWS credentials directory (.aws/)";
		else if (len == 4 && !strncmp(p, ".ssh", 4))
			w = "SSH directory (.ssh/)";
		else if (len == 5 && !strncmp(p, ".kube", 5))
			w = "kubeconfig directory (.kube/)";
		if (w || !e)
			break;
		p = e + 1;
	}
	if (w && !strcmp(w, "SSH directory (.ssh/)") &&
	    (ends_with(base, ".pub") || !strcmp(base, "known_hosts") || !strcmp(base, "config")))
		w = NULL;
	if (w)
		goto done;
	if (!strncmp(base, ".env", 4)) {
		const char *rest = base + 4;

		if (*rest && *rest != '.' && *rest != '*' && strcmp(rest, "rc") != 0)
			goto done; /* .environment, .envoy ... */
		if (*rest == '.') {
			for (size_t k = 0; templates[k]; k++)
				if (!strcasecmp(rest + 1, templates[k]) || ends_with(rest, templates[k]))
					goto done;
		}
		w = "environment file (.env)";
	} else if (ends_with(base, ".pem")) {
		if (!public_name(base))
			w = "PEM key file (*.pem)";
	} else if (ends_with(base, ".key")) {
		if (!public_name(base))
			w = "private key file (*.key)";
	} else if (!strncmp(base, "id_rsa", 6) || !strncmp(base, "id_ed25519", 10) || !strncmp(base, "id_ecdsa", 8) ||
		   !strncmp(base, "id_dsa", 6)) {
		if (!ends_with(base, ".pub"))
			w = "SSH private key";
	} else if (!strcmp(base, ".npmrc")) {
		w = "npm credentials file (.npmrc)";
	} else if (!strcmp(base, ".pypirc")) {
		w = "PyPI credentials file (.pypirc)";
	} else if (!strcmp(base, ".netrc") || !strcmp(base, "_netrc")) {
		w = "netrc credentials file";
	} else if (!strcmp(base, ".git-credentials")) {
		w = "git credentials file (.git-credentials)";
	} else if (ends_with(base, "credentials.json")) {
		w = "credentials file (credentials.json)";
	} else if (ends_with(base, ".p12") || ends_with(base, ".pfx")) {
		w = "PKCS#12 key store";
	} else if (!strncasecmp(base, "kubeconfig", 10)) {
		w = "kubeconfig";
	}
done:
	free(copy);
	if (what)
		*what = w;
	return w != NULL;
}

/* ================================================================ paths */

/* `p` (taken) as an absolute path in the image: "app" is "/app". */
static char *rooted(char *p)
{
	char *r;

	if (p[0] == '/')
		return p;
	r = dfx_xasprintf("/%s", p);
	free(p);
	return r;
}

static char *apply_workdir(const struct dfx_dockerfile *df, size_t i, char *wd);

char *dfx_build_workdir(const struct dfx_dockerfile *df, size_t at)
{
	const struct dfx_df_instr *in;
	size_t chain[64], nchain = 0;
	char *wd = dfx_xstrdup("/");
	int s;

	if (at >= df->ninstrs)
		return wd;
	in = &df->instrs[at];
	for (s = in->stage; s >= 0 && nchain < 64; s = df->stages[s].parent)
		chain[nchain++] = (size_t)s;
	while (nchain--) {
		const struct dfx_df_stage *st = &df->stages[chain[nchain]];
		size_t end = st->last < at ? st->last : at;

		for (size_t i = st->first; i <= end; i++)
			if (dfx_df_is(&df->instrs[i], "WORKDIR") && df->instrs[i].nwords)
				wd = apply_workdir(df, i, wd);
	}
	return wd;
}

/* One WORKDIR applied to the directory before it. Takes `wd`, returns the new one. */
static char *apply_workdir(const struct dfx_dockerfile *df, size_t i, char *wd)
{
	const struct dfx_df_instr *w = &df->instrs[i];
	char *val, *j;

	val = strchr(w->words[0].raw, '$') ? dfx_dockerfile_expand_at(df, i, w->words[0].text)
					    : dfx_xstrdup(w->words[0].text);
	if (strlen(wd) + strlen(val) > DFX_BUILD_MAX_WORKDIR) {
		free(val);
		return wd; /* no real directory is that long: stop following */
	}
	j = rooted(dfx_path_join(wd, val));
	free(val);
	free(wd);
	return j;
}

static const char *pool_add(struct dfx_build_wds *w, char *dir)
{
	DFX_GROW(w->pool, w->npool + 1, w->cap);
	w->pool[w->npool++] = dir;
	return dir;
}

void dfx_build_workdirs(const struct dfx_dockerfile *df, struct dfx_build_wds *w)
{
	const char *cur;

	memset(w, 0, sizeof(*w));
	w->at = dfx_xcalloc(df->ninstrs ? df->ninstrs : 1, sizeof(*w->at));
	cur = pool_add(w, dfx_xstrdup("/"));
	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (in->stage >= 0 && df->stages[in->stage].from == i) {
			int parent = df->stages[in->stage].parent;

			/* a stage built FROM another starts in that stage's last directory */
			cur = parent >= 0 && df->stages[parent].last < i ? w->at[df->stages[parent].last] : w->pool[0];
		}
		if (dfx_df_is(in, "WORKDIR") && in->nwords && in->stage >= 0)
			cur = pool_add(w, apply_workdir(df, i, dfx_xstrdup(cur)));
		w->at[i] = cur;
	}
}

void dfx_build_workdirs_release(struct dfx_build_wds *w)
{
	for (size_t i = 0; i < w->npool; i++)
		free(w->pool[i]);
	free(w->pool);
	free(w->at);
	memset(w, 0, sizeof(*w));
}

static char *copy_target(const char *src, const char *dest, bool many, const char *workdir)
{
	size_t dn = strlen(dest);
	char *abs, *target, *clean_src = dfx_xstrdup(src);
	bool dir;
	size_t sn = strlen(clean_src);

	while (sn > 1 && clean_src[sn - 1] == '/')
		clean_src[--sn] = '\0';
	abs = dest[0] == '/' ? dfx_path_clean(dest) : dfx_path_join(workdir, dest);
	if (abs[0] != '/') {
		char *t = dfx_xasprintf("/%s", abs);
		free(abs);
		abs = t;
	}
	dir = many || (dn && dest[dn - 1] == '/') || !strcmp(dest, ".") || !strcmp(abs, workdir);
	target = rooted(dir ? dfx_path_join(abs, dfx_shellwords_base(clean_src)) : dfx_xstrdup(abs));
	free(abs);
	free(clean_src);
	return target;
}

static bool is_remote(const char *src)
{
	return strstr(src, "://") != NULL || !strncmp(src, "git@", 4);
}

size_t dfx_build_copied_secrets(const struct dfx_dockerfile *df, struct dfx_build_copied **out)
{
	struct dfx_build_copied *v = NULL;
	size_t n = 0, cap = 0;
	struct dfx_build_wds wds = {0};

	for (size_t i = 0; i < df->ninstrs && n < DFX_BUILD_MAX_COPIED; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];
		const char **srcs;
		size_t ns;
		const char *dest;
		const char *wd = NULL;

		if (!(dfx_df_is(in, "COPY") || dfx_df_is(in, "ADD")) || in->nheredocs || in->stage < 0)
			continue;
		ns = dfx_df_copy_sources(in, &srcs);
		if (!ns)
			continue;
		dest = in->json ? in->argv[in->argc - 1] : in->words[in->nwords - 1].text;
		for (size_t k = 0; k < ns; k++) {
			const char *what, *base;
			struct dfx_build_copied *c;
			size_t sl = strlen(srcs[k]);

			if (is_remote(srcs[k]) || !secret_file(srcs[k], &what))
				continue;
			/* COPY release.key /usr/share/keyrings/x.pub: the destination says it is public */
			if (ns == 1 && dest[0] && dest[strlen(dest) - 1] != '/' && public_name(dfx_shellwords_base(dest)) &&
			    !secret_file(dest, NULL))
				continue;
			if (n >= DFX_BUILD_MAX_COPIED)
				break;
			if (!wds.at)
				dfx_build_workdirs(df, &wds);
			wd = wds.at[i];
			DFX_GROW(v, n + 1, cap);
			c = &v[n++];
			c->instr = i;
			c->word = in->json ? (size_t)-1 : k;
			c->src = srcs[k];
			c->what = what;
			{
				char *trim = dfx_xstrdup(srcs[k]);

				while (sl > 1 && trim[sl - 1] == '/')
					trim[--sl] = '\0';
				base = dfx_shellwords_base(trim);
				c->dir = srcs[k][strlen(srcs[k]) - 1] == '/' || !strcmp(base, ".ssh") ||
					 !strcmp(base, ".aws") || !strcmp(base, ".kube");
				free(trim);
			}
			if (c->dir) {
				char *abs = dest[0] == '/' ? dfx_path_clean(dest) : dfx_path_join(wd, dest);

				c->target = abs[0] == '/' ? abs : dfx_xasprintf("/%s", abs);
				if (c->target != abs)
					free(abs);
			} else {
				c->target = copy_target(srcs[k], dest, ns > 1, wd);
			}
		}
		free(srcs);
	}
	dfx_build_workdirs_release(&wds);
	*out = v;
	return n;
}

void dfx_build_copied_free(struct dfx_build_copied *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].target);
	free(v);
}

bool dfx_build_removes(const struct dfx_build_copied *c, const char *path)
{
	size_t pl = strlen(path), tl = strlen(c->target);

	while (pl > 1 && path[pl - 1] == '/')
		pl--;
	if (strpbrk(path, "*?[")) {
		char *p = dfx_xstrndup(path, pl);
		bool m = dfx_glob_match(p, c->target);

		free(p);
		return m;
	}
	if (pl == tl && !strncmp(path, c->target, pl))
		return true;
	if (c->dir && pl > tl && !strncmp(path, c->target, tl) && path[tl] == '/')
		return true; /* a file inside the copied directory */
	return tl > pl && !strncmp(path, c->target, pl) && c->target[pl] == '/'; /* its parent */
}

size_t dfx_build_rm_targets(const struct dfx_dockerfile *df, size_t at, const char *wd, char ***out)
{
	struct dfx_shellwords_script sc = {0};
	char **v = NULL;
	size_t n = 0, cap = 0;

	dfx_shellwords_run(&sc, &df->instrs[at]);
	for (size_t i = 0; i < sc.n; i++) {
		const struct dfx_shellwords_cmd *c = &sc.cmds[i];
		size_t p = dfx_shellwords_real_prog(c);
		const char *prog;
		bool opts = true;

		if (p >= c->argc)
			continue;
		prog = dfx_shellwords_base(c->argv[p]);
		if (strcmp(prog, "rm") && strcmp(prog, "shred") && strcmp(prog, "unlink"))
			continue;
		for (size_t k = p + 1; k < c->argc; k++) {
			const char *a = c->argv[k];

			if (opts && !strcmp(a, "--")) {
				opts = false;
				continue;
			}
			if ((opts && a[0] == '-') || !a[0] || strchr(c->raw[k], '$') || strchr(a, '`'))
				continue;
			DFX_GROW(v, n + 1, cap);
			if (a[0] == '/') {
				v[n++] = dfx_path_clean(a);
			} else {
				char *j = dfx_path_join(wd, a);

				v[n++] = j[0] == '/' ? j : dfx_xasprintf("/%s", j);
				if (v[n - 1] != j)
					free(j);
			}
		}
	}
	dfx_shellwords_release(&sc);
	*out = v;
	return n;
}

/* ================================================================ images */

bool dfx_build_stage_image(const struct dfx_dockerfile *df, const struct dfx_df_stage *st, struct dfx_imageref *ref)
{
	if (st->parent >= 0 || !st->image || !st->image[0])
		return false;
	if (dfx_image_parse(ref, st->image, NULL) != 0)
		return false;
	if (ref->unresolved) {
		dfx_image_release(ref);
		return false;
	}
	return true;
}

bool dfx_build_stage_in_final(const struct dfx_dockerfile *df, size_t s)
{
	size_t guard = 0;
	int cur = df->nstages ? (int)df->nstages - 1 : -1;

	while (cur >= 0 && guard++ <= df->nstages) {
		if ((size_t)cur == s)
			return true;
		cur = df->stages[cur].parent;
	}
	return false;
}

