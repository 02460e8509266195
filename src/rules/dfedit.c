/*
 * dfedit.c - Dockerfile edits that rules of more than one family build
 * (include/dockfix/dfedit.h): deleting an instruction or one ENV/ARG
 * pair, and moving a build-time credential into a BuildKit secret mount
 * (`RUN --mount=type=secret,id=...,env=NAME`) with a frontend that knows
 * `env=`.
 *
 * Reference: the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/): parser directives
 * (`# syntax=` only before the first instruction, with the other
 * directives), line continuations, RUN --mount=type=secret (`env=` since
 * docker/dockerfile:1.10); BuildKit "Build secrets"
 * (https://docs.docker.com/build/building/secrets/).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/dfedit.h"
#include "dockfix/shellwords.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void dfx_dfedit_delete_instr(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			  const struct dfx_df_instr *in)
{
	const struct dfx_source *src = df->src;
	uint32_t a = in->lines.start, b = in->lines.end;

	if (b == src->len && b > a && src->data[b - 1] != '\n' && a > df->body_start && src->data[a - 1] == '\n') {
		a--;
		if (a > df->body_start && src->data[a - 1] == '\r')
			a--;
	}
	dfx_fix_edit(fix, path, a, b, "");
}

static void delete_pair(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
			 const struct dfx_df_instr *in, size_t k)
{
	if (in->nkvs <= 1)
		dfx_dfedit_delete_instr(fix, path, df, in);
	else if (k == 0)
		dfx_fix_edit(fix, path, in->kvs[0].span.start, in->kvs[1].span.start, "");
	else
		dfx_fix_edit(fix, path, in->kvs[k - 1].span.end, in->kvs[k].span.end, "");
}

/* The first occurrence of needle[0, m) in hay[0, n), or NULL. */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
	if (!m || m > n)
		return NULL;
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return hay + i;
	return NULL;
}

/* "1.4" -> minor 4 of major 1; -1 when not a plain 1.N version. */
static int frontend_minor(const char *tag, size_t n)
{
	int minor = 0;
	size_t i = 2;

	if (n < 3 || tag[0] != '1' || tag[1] != '.' || !is_digit(tag[2]))
		return -1;
	while (i < n && is_digit(tag[i]) && minor < 1000)
		minor = minor * 10 + (tag[i++] - '0');
	return minor;
}

static bool syntax_edit(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df)
{
	const struct dfx_df_directive *d = dfx_dockerfile_directive(df, "syntax");
	const char *v, *tag, *at;
	const char *src = df->src->data;
	size_t tn;
	bool labs;
	char *nv;

	if (!d) {
		char *line = dfx_xasprintf("# syntax=docker/dockerfile:1%s", dfx_source_eol(df->src));

		dfx_fix_edit(fix, path, (uint32_t)df->body_start, (uint32_t)df->body_start, line);
		free(line);
		return true;
	}
	v = d->value;
	if (!strncmp(v, "docker.io/", 10))
		v += 10;
	if (strncmp(v, "docker/dockerfile", 17) != 0)
		return false; /* another frontend: its own business */
	tag = v + 17;
	if (*tag != ':')
		return false; /* no tag: latest, new enough */
	tag++;
	at = strchr(tag, '@');
	tn = at ? (size_t)(at - tag) : strlen(tag);
	labs = find_bytes(tag, tn, "labs", 4) != NULL;
	if ((tn == 1 && tag[0] == '1') || (tn == 6 && !strncmp(tag, "latest", 6)) || (tn == 4 && !strncmp(tag, "labs", 4)) ||
	    (tn == 6 && !strncmp(tag, "1-labs", 6)))
		return false;
	if (frontend_minor(tag, tn) >= 10)
		return false;
	/* older: 1.N (N < 10), 0.x, experimental */
	{
		const char *line = src + d->lines.start;
		size_t ln = d->lines.end - d->lines.start, vl = strlen(d->value);
		const char *hit = vl ? find_bytes(line, ln, d->value, vl) : NULL;

		if (!hit)
			return false;
		nv = dfx_xasprintf("docker/dockerfile:1%s", labs ? "-labs" : "");
		dfx_fix_edit(fix, path, (uint32_t)(hit - src), (uint32_t)(hit - src + vl), nv);
		free(nv);
	}
	return true;
}

char *dfx_dfedit_secret_id(const char *name)
{
	char *id = dfx_xstrdup(name);

	for (char *p = id; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return id;
}

/* Whether a --mount value is type=secret with `key` (target aliases: dst,
   destination) equal to `want`. */
static bool mount_field(const char *v, const char *key, const char *want)
{
	bool secret = false, match = false;

	while (*v) {
		const char *e = strchr(v, ',');
		size_t n = e ? (size_t)(e - v) : strlen(v);
		const char *eq = memchr(v, '=', n);

		if (eq) {
			size_t kn = (size_t)(eq - v), vn = n - kn - 1;
			bool is_target = (kn == 6 && !strncasecmp(v, "target", 6)) || (kn == 3 && !strncasecmp(v, "dst", 3)) ||
					 (kn == 11 && !strncasecmp(v, "destination", 11));

			if (kn == 4 && !strncasecmp(v, "type", 4) && vn == 6 && !strncmp(eq + 1, "secret", 6))
				secret = true;
			if (((!strcmp(key, "target") && is_target) || (strlen(key) == kn && !strncasecmp(v, key, kn))) &&
			    strlen(want) == vn && !strncmp(eq + 1, want, vn))
				match = true;
		}
		v += n;
		if (*v == ',')
			v++;
	}
	return secret && match;
}

bool dfx_dfedit_has_secret_mount(const struct dfx_df_instr *in, const char *key, const char *value)
{
	for (size_t k = 0; k < in->nflags; k++)
		if (!strcmp(in->flags[k].name, "mount") && in->flags[k].value &&
		    mount_field(in->flags[k].value, key, value))
			return true;
	return false;
}

static bool run_mentions_var(const struct dfx_df_instr *in, const char *name)
{
	if (dfx_shellwords_mentions_var(in->args_text, name))
		return true;
	for (size_t k = 0; k < in->argc; k++)
		if (dfx_shellwords_mentions_var(in->argv[k], name))
			return true;
	for (size_t h = 0; h < in->nheredocs; h++)
		if (dfx_shellwords_mentions_var(in->heredocs[h].content, name))
			return true;
	return false;
}

/* Whether stage t is stage s or built FROM it (directly or not). */
/* Whether an ENV value as written is exactly $name or ${name}. */
static bool copies_var(const char *raw, const char *name)
{
	size_t n = strlen(name);

	if (raw[0] != '$')
		return false;
	if (raw[1] == '{')
		return !strncmp(raw + 2, name, n) && raw[2 + n] == '}' && !raw[3 + n];
	return !strncmp(raw + 1, name, n) && !raw[1 + n];
}

/*
 * Whether a RUN runs a tool that reads credential variable `name` from the
 * environment without the RUN text naming it (aws reads AWS_*, npm reads
 * NPM_TOKEN through .npmrc, gh reads GH_TOKEN, ...).
 */
static bool implicit_reader(const struct dfx_df_instr *in, const char *name)
{
	static const struct {
		const char *var;     /* variable, or prefix ending in '_' */
		const char *progs;   /* space-separated programs */
	} readers[] = {
		{"AWS_", " aws sam cdk s3cmd terraform "},
		{"NPM_TOKEN", " npm npx yarn pnpm "},
		{"NODE_AUTH_TOKEN", " npm npx yarn pnpm "},
		{"YARN_NPM_AUTH_TOKEN", " yarn "},
		{"GITHUB_TOKEN", " gh "},
		{"GH_TOKEN", " gh "},
		{"HF_TOKEN", " huggingface-cli hf "},
		{"CARGO_REGISTRY_TOKEN", " cargo "},
		{"TWINE_PASSWORD", " twine "},
		{"POETRY_HTTP_BASIC_", " poetry "},
		{"UV_INDEX_", " uv "},
		{"PIP_INDEX_URL", " pip pip3 "},
		{"GOOGLE_APPLICATION_CREDENTIALS", " gcloud gsutil "},
		{"AZURE_", " az "},
		{"VAULT_TOKEN", " vault "},
	};
	struct dfx_shellwords_script sc = {0};
	bool hit = false;

	for (size_t k = 0; k < sizeof(readers) / sizeof(readers[0]) && !hit; k++) {
		const char *v = readers[k].var;
		size_t vl = strlen(v);

		if (v[vl - 1] == '_' ? strncmp(name, v, vl) != 0 : strcmp(name, v) != 0)
			continue;
		if (!sc.n)
			dfx_shellwords_run(&sc, in);
		for (size_t c = 0; c < sc.n && !hit; c++) {
			size_t p = dfx_shellwords_real_prog(&sc.cmds[c]);
			char *pat;

			if (p >= sc.cmds[c].argc)
				continue;
			pat = dfx_xasprintf(" %s ", dfx_shellwords_base(sc.cmds[c].argv[p]));
			hit = strstr(readers[k].progs, pat) != NULL;
			free(pat);
		}
	}
	dfx_shellwords_release(&sc);
	return hit;
}

size_t dfx_dfedit_secret_fix(struct dfx_fix *fix, const char *path, const struct dfx_dockerfile *df,
				   size_t at, size_t k, bool inherit, struct dfx_buf *lines, size_t *nenv, bool *every)
{
	const struct dfx_df_instr *in = &df->instrs[at];
	const char *name = in->kvs[k].key;
	char *id = dfx_dfedit_secret_id(name), *mount;
	size_t n = 0;
	int stage = in->stage;

	mount = dfx_xasprintf("--mount=type=secret,id=%s,env=%s ", id, name);
	if (nenv)
		*nenv = 0;
	if (every)
		*every = false;
	delete_pair(fix, path, df, in, k);
	if (stage >= 0) {
		for (size_t i = at + 1; i < df->ninstrs; i++) {
			const struct dfx_df_instr *r = &df->instrs[i];
			bool in_scope = r->stage == stage || (inherit && dfx_df_stage_from(df, r->stage, stage));

			if (!in_scope)
				continue;
			/* ENV NAME=$NAME copies the build argument into the image */
			if (!inherit && dfx_df_is(r, "ENV") && r->stage == stage) {
				for (size_t q = 0; q < r->nkvs; q++) {
					const struct dfx_df_kv *kv = &r->kvs[q];
					char *raw = dfx_xstrndup(df->src->data + kv->value_span.start,
								 kv->value_span.end - kv->value_span.start);

					if (!strcmp(kv->key, name) && copies_var(raw, name)) {
						delete_pair(fix, path, df, r, q);
						if (nenv)
							(*nenv)++;
						free(raw);
						break;
					}
					free(raw);
				}
			}
			if (!dfx_df_is(r, "RUN") || dfx_dfedit_has_secret_mount(r, "env", name) ||
			    !(run_mentions_var(r, name) || implicit_reader(r, name)))
				continue;
			dfx_fix_edit(fix, path, r->args.start, r->args.start, mount);
			if (lines)
				dfx_buf_addf(lines, "%s%u", n ? ", " : "", r->line);
			n++;
		}
		/*
		 * No step names it and no known tool reads it, yet any program a
		 * later RUN starts may read it from the environment (sentry-cli
		 * reads SENTRY_AUTH_TOKEN inside `npm run build`): every RUN that
		 * had the variable gets it from the secret, so the build still works.
		 */
		for (size_t i = at + 1; !n && i < df->ninstrs; i++) {
			const struct dfx_df_instr *r = &df->instrs[i];
			bool in_scope = r->stage == stage || (inherit && dfx_df_stage_from(df, r->stage, stage));

			if (!in_scope || !dfx_df_is(r, "RUN") || dfx_dfedit_has_secret_mount(r, "env", name))
				continue;
			for (size_t j = i; j < df->ninstrs; j++) {
				r = &df->instrs[j];
				in_scope = r->stage == stage || (inherit && dfx_df_stage_from(df, r->stage, stage));
				if (!in_scope || !dfx_df_is(r, "RUN") || dfx_dfedit_has_secret_mount(r, "env", name))
					continue;
				dfx_fix_edit(fix, path, r->args.start, r->args.start, mount);
				if (lines)
					dfx_buf_addf(lines, "%s%u", n ? ", " : "", r->line);
				n++;
			}
			if (every)
				*every = true;
		}
	}
	if (n)
		syntax_edit(fix, path, df);
	free(mount);
	free(id);
	return n;
}
