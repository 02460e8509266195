/*
 * dc304.c - DC304 no-new-privileges-missing: a service's `security_opt`
 * does not turn on no-new-privileges (`no-new-privileges:true`,
 * `no-new-privileges=true`, bare `no-new-privileges`; the value is read as
 * Go's strconv.ParseBool does), or turns it off explicitly. Unsafe fix:
 * append the option to the service's list (block or flow, in its quoting
 * and separator style), create `security_opt:` in the file's style, or
 * switch an explicit `false` to `true`. Windows services are skipped
 * (Windows containers have no such option).
 *
 * Seed: "Docker Compose Security". KICS 27fcc7d6 (No New Privileges Not
 * Set; it flags every other option instead of the missing one); Semgrep
 * docker-compose no-new-privileges; CIS Docker Benchmark
 * v1.6.0 5.26 (container is restricted from acquiring additional
 * privileges). Grammar: moby parseSecurityOpt.
 */
#include <stdlib.h>
#include <string.h>

#include "dcrule.h"

enum nnp { NNP_NONE, NNP_ON, NNP_OFF };

/* The option's no-new-privileges setting; *sep gets the separator used (':' or '='). */
static enum nnp nnp_of(const char *opt, char *sep)
{
	static const char *const on[] = {"1", "t", "T", "TRUE", "true", "True", NULL};
	static const char *const off[] = {"0", "f", "F", "FALSE", "false", "False", NULL};
	const char *v;
	size_t n;
	char val[8];

	while (*opt == ' ' || *opt == '\t')
		opt++;
	if (!dfx_dc_prefix_nocase(opt, "no-new-privileges"))
		return NNP_NONE;
	v = opt + strlen("no-new-privileges");
	n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (!n)
		return NNP_ON;
	if (*v != ':' && *v != '=')
		return NNP_NONE;
	*sep = *v;
	v++;
	n--;
	if (n >= sizeof(val))
		return NNP_NONE;
	memcpy(val, v, n);
	val[n] = '\0';
	for (size_t i = 0; on[i]; i++)
		if (!strcmp(val, on[i]))
			return NNP_ON;
	for (size_t i = 0; off[i]; i++)
		if (!strcmp(val, off[i]))
			return NNP_OFF;
	return NNP_NONE;
}

/* The separator the list's other options use: '=' when they use it, else ':'. */
static char list_sep(const struct dfx_yaml_node *seq)
{
	for (size_t i = 0; i < dfx_yaml_seq_len(seq); i++) {
		const char *v = dfx_yaml_str(dfx_yaml_seq_item(seq, i));
		size_t k;

		if (!v)
			continue;
		k = strcspn(v, ":=");
		if (v[k])
			return v[k];
	}
	return ':';
}

/*
 * Whether every entry of the list turns a confinement layer off. Those
 * entries are what DC303 removes (the whole key when none is left), and an
 * item appended after the list's last line could then be left where the
 * list was, so the option goes in front of the first item instead. The fix
 * engine applies overlapping fixes in separate passes, so the two rules'
 * fixes never land together; the decision depends on the file alone, never
 * on which other rules run.
 */
static bool list_goes_away(const struct dfx_compose_service *s)
{
	const struct dfx_yaml_ref *r = &s->security_opt;
	size_t n = dfx_yaml_seq_len(r->node);

	if (!n)
		return false;
	for (size_t j = 0; j < n; j++) {
		const char *v = dfx_yaml_str(dfx_yaml_seq_item(r->node, j));

		if (!v || !dfx_dc_security_opt_disables(v))
			return false;
	}
	return true;
}

/*
 * A service that is only a fragment: it has neither image nor build (an
 * override file's entry, or a service completed by `extends`): its other
 * keys come from elsewhere, so a missing option cannot be judged.
 */
static bool partial_service(const struct dfx_compose_service *s)
{
	return !s->node || (!s->image.key && !s->build.node);
}

/* Whether an image reference names a Windows image: nanoserver, servercore, a "windows" word. */
static bool windows_image(const char *img)
{
	static const char *const words[] = {"nanoserver", "servercore", "windows", NULL};

	for (size_t k = 0; words[k]; k++)
		for (const char *p = strstr(img, words[k]); p; p = strstr(p + 1, words[k])) {
			char b = p == img ? '/' : p[-1], a = p[strlen(words[k])];

			/* a word of the name or tag: mcr.microsoft.com/windows/..., traefik-windows, :windowsservercore */
			if ((b == '/' || b == '-' || b == ':' || b == '_' || b == '.') &&
			    (!a || a == '/' || a == '-' || a == ':' || a == '_' || a == '.' || !strcmp(words[k], "windows")))
				return true;
		}
	return false;
}

/* Whether top-level network `name` is Windows' `nat` network (`external: {name: nat}`, `name: nat`). */
static bool nat_network(struct dfx_compose *c, const char *name)
{
	for (size_t i = 0; i < c->nnetworks; i++) {
		const struct dfx_compose_named *n = &c->networks[i];
		const struct dfx_yaml_node *ext, *nm;

		if (strcmp(n->name, name) || !n->node || n->node->type != DFX_YAML_MAPPING)
			continue;
		ext = dfx_yaml_get(c->yaml, n->node, "external");
		nm = dfx_yaml_get(c->yaml, n->node, "name");
		if (ext && ext->type == DFX_YAML_MAPPING)
			nm = dfx_yaml_get(c->yaml, ext, "name");
		return nm && dfx_yaml_str_eq(nm, "nat");
	}
	return false;
}

/* Whether the service joins Windows' `nat` network (its default network, or one it lists). */
static bool on_nat(struct dfx_compose *c, const struct dfx_compose_service *s)
{
	const struct dfx_yaml_node *n = s->networks.node;

	if (!s->networks.key)
		return nat_network(c, "default");
	if (n && n->type == DFX_YAML_SEQUENCE) {
		for (size_t i = 0; i < dfx_yaml_seq_len(n); i++) {
			const char *v = dfx_yaml_str(dfx_yaml_seq_item(n, i));

			if (v && nat_network(c, v))
				return true;
		}
	} else if (n && n->type == DFX_YAML_MAPPING) {
		for (size_t i = 0; i < n->n; i++) {
			const char *v = dfx_yaml_str(n->pairs[i].key);

			if (v && nat_network(c, v))
				return true;
		}
	}
	return false;
}

/*
 * Whether a service runs a Windows container, where no-new-privileges
 * does not exist: Windows isolation (`process`, `hyperv`), a
 * `platform: windows/...`, a Windows image, or a Windows mount (a named
 * pipe, a `C:\` target).
 */
static bool windows_service(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	struct dfx_compose *c = ctx->file->compose;
	struct dfx_yaml_ref ref;
	const char *img = dfx_dc_service_image(ctx, s);

	if (dfx_compose_service_get(c, s, "isolation", &ref) == 1 &&
	    (dfx_yaml_str_eq(ref.node, "process") || dfx_yaml_str_eq(ref.node, "hyperv")))
		return true;
	if (dfx_compose_service_get(c, s, "platform", &ref) == 1 && dfx_yaml_str(ref.node) &&
	    dfx_dc_prefix_nocase(dfx_yaml_str(ref.node), "windows"))
		return true;
	if ((img && windows_image(img)) || on_nat(c, s))
		return true;
	for (size_t i = 0; i < s->nvolumes; i++) {
		const struct dfx_compose_volume *v = &s->volumes[i];
		const char *t = v->target;

		if ((v->type && !strcmp(v->type, "npipe")) ||
		    (t && ((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z')) && t[1] == ':' &&
		     (t[2] == '\\' || t[2] == '/')))
			return true;
	}
	return false;
}

static int append_option(struct dfx_yaml *t, const struct dfx_yaml_node *seq, bool in_front,
			 struct dfx_yaml_edits *ed)
{
	const struct dfx_yaml_node *first = dfx_yaml_seq_item(seq, 0);
	char sep = list_sep(seq), quote = dfx_yaml_layout_of(t)->quote;
	char *text;
	int rc;

	/* quoted like the first item when the edit helpers keep that quote (the file's own) */
	if (first && first->type == DFX_YAML_SCALAR && first->style == DFX_YAML_DOUBLE && quote == '"')
		text = dfx_xasprintf("\"no-new-privileges%ctrue\"", sep);
	else if (first && first->type == DFX_YAML_SCALAR && first->style == DFX_YAML_SINGLE && quote == '\'')
		text = dfx_xasprintf("'no-new-privileges%ctrue'", sep);
	else
		text = dfx_xasprintf("no-new-privileges%ctrue", sep);
	if (in_front && seq->style == DFX_YAML_BLOCK && seq->n)
		rc = dfx_yaml_edit_seq_prepend(t, seq, text, ed);
	else
		rc = dfx_yaml_edit_seq_append(t, seq, text, ed);
	free(text);
	return rc;
}

static void fix_missing(struct dfx_ctx *ctx, struct dfx_finding *f, const struct dfx_compose_service *s)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_yaml_ref *r = &s->security_opt;
	const struct dfx_yaml_node *at = r->key ? r->node : s->node;
	struct dfx_yaml_edits ed;
	struct dfx_buf path = DFX_BUF_INIT;
	const char *why;
	int rc;

	if (!dfx_dc_fix_allowed(ctx, at, &why)) {
		f->hint = dfx_xstrdup(why);
		return;
	}
	dfx_yaml_edits_init(&ed);
	if (!r->key) {
		rc = dfx_compose_edit_service_add(c, s, "security_opt", "- no-new-privileges:true", &ed, &path);
	} else if (r->node && r->node->type == DFX_YAML_SEQUENCE) {
		rc = append_option(c->yaml, r->node, list_goes_away(s), &ed);
		dfx_yaml_node_path(r->node, &path);
	} else if (r->node && r->node->type == DFX_YAML_SCALAR && r->node->empty) {
		rc = dfx_yaml_edit_map_set(c->yaml, r->map, "security_opt", "- no-new-privileges:true", &ed);
		dfx_yaml_node_path(r->key, &path);
	} else {
		rc = -1;
	}
	dfx_dc_attach(ctx, f, DFX_FIX_UNSAFE, &ed, rc == 0 ? path.ptr : NULL,
		      "add `no-new-privileges:true` to the service's `security_opt` list",
		      "add `no-new-privileges:true` to `security_opt`%s",
		      r->key && r->from_anchor ? " in the anchor it comes from" : "");
	dfx_yaml_edits_release(&ed);
	dfx_buf_release(&path);
}

/*
 * The default override file's service of the same name sets
 * no-new-privileges one way or the other: Compose runs that value (appended
 * to the base's security_opt), and the override file is judged on its own.
 */
static bool override_decides(struct dfx_ctx *ctx, const struct dfx_compose_service *s)
{
	const struct dfx_compose_service *o = dfx_dc_override_service(ctx, s);
	const struct dfx_yaml_node *seq = o ? o->security_opt.node : NULL;
	char sp;

	if (!seq || seq->type != DFX_YAML_SEQUENCE)
		return false;
	for (size_t j = 0; j < dfx_yaml_seq_len(seq); j++) {
		const char *v = dfx_yaml_str(dfx_yaml_seq_item(seq, j));

		if (v && nnp_of(v, &sp) != NNP_NONE)
			return true;
	}
	return false;
}

static void check(struct dfx_ctx *ctx)
{
	struct dfx_compose *c = ctx->file->compose;
	const struct dfx_compose_service *s;

	DFX_EACH_SERVICE(c, s) {
		const struct dfx_yaml_ref *r = &s->security_opt;
		const struct dfx_yaml_node *seq = r->node, *last = NULL;
		enum nnp state = NNP_NONE;
		char sep = ':';
		struct dfx_finding *f;

		if (windows_service(ctx, s))
			continue;
		if (r->key && seq && seq->type == DFX_YAML_SEQUENCE) {
			for (size_t j = 0; j < dfx_yaml_seq_len(seq); j++) {
				const struct dfx_yaml_node *it = dfx_yaml_seq_item(seq, j);
				char sp = ':';
				enum nnp e;

				if (!dfx_yaml_str(it))
					continue;
				e = nnp_of(dfx_yaml_str(it), &sp);
				if (e != NNP_NONE) {
					state = e;
					last = it;
					sep = sp;
				}
			}
		}
		if (state == NNP_ON)
			continue;
		if (state == NNP_OFF) {
			struct dfx_span where = last->span;
			struct dfx_yaml_edits ed;
			struct dfx_buf path = DFX_BUF_INIT;
			const char *why;
			char *nv;

			f = dfx_dc_emit(ctx, r, where,
				       "service `%s` turns no-new-privileges off (`%s`): setuid and file-capability "
				       "programs in it can still raise their privileges",
				       s->name, dfx_yaml_str(last));
			if (!f)
				continue;
			if (!dfx_dc_fix_allowed(ctx, last, &why)) {
				f->hint = dfx_xstrdup(why);
				continue;
			}
			dfx_yaml_edits_init(&ed);
			nv = dfx_xasprintf("no-new-privileges%ctrue", sep);
			if (dfx_yaml_edit_replace_scalar(c->yaml, last, nv, &ed) == 0)
				dfx_yaml_node_path(last, &path);
			dfx_dc_attach(ctx, f, DFX_FIX_UNSAFE, &ed, path.ptr, NULL, "set `%s`", nv);
			free(nv);
			dfx_yaml_edits_release(&ed);
			dfx_buf_release(&path);
			continue;
		}
		if (partial_service(s) || override_decides(ctx, s))
			continue;
		f = dfx_dc_emit(ctx, r->key ? r : NULL, r->key ? dfx_dc_ref_span(c, r) : s->key->span,
			       "service `%s` does not set `no-new-privileges:true`: setuid and file-capability "
			       "programs in it (su, sudo, ping, ...) can raise their privileges",
			       s->name);
		if (f)
			fix_missing(ctx, f, s);
	}
}

const struct dfx_rule dfx_rule_dc304 = {
	.code = "DC304",
	.name = "no-new-privileges-missing",
	.severity = DFX_SEV_LOW,
	.kind = DFX_KIND_COMPOSE,
	.fix = DFX_FIX_UNSAFE,
	.summary = "A service does not set no-new-privileges",
	.what = "Finds services whose `security_opt` does not turn on no-new-privileges "
		"(`no-new-privileges:true`, `no-new-privileges=true` or the bare `no-new-privileges`), "
		"or turns it off. Service fragments (no image and no build: override files, `extends`) "
		"are skipped, because their security options may be set elsewhere, and so are Windows "
		"containers, which have no such option: `isolation: process` or `hyperv`, `platform: "
		"windows/...`, a Windows image (nanoserver, servercore, a `windows` word in the name or "
		"tag), a named-pipe or `C:\\` mount, or Windows' `nat` network.",
	.why = "Without no-new-privileges a process in the container can gain privileges by "
	       "executing a setuid-root or file-capability program: a compromised non-root service "
	       "becomes root in the container through sudo, su or a vulnerable setuid helper, which "
	       "is one step closer to the host. The flag makes the kernel refuse any privilege gain "
	       "on exec, and costs nothing for services that do not need it.",
	.example = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    user: \"10001:10001\"",
	.instead = "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    user: \"10001:10001\"\n    "
		   "security_opt:\n      - no-new-privileges:true",
	.fix_safety = "Unsafe: a non-root process that relies on setuid or file-capability programs "
		      "at run time (su, sudo, or ping started by a non-root user) loses that. "
		      "Images whose entrypoint starts as root and drops privileges with gosu/su-exec keep "
		      "working. The option is appended to an existing list in its style (block or flow, "
		      "quotes, `:` or `=`), or a `security_opt:` list is created in the file's "
		      "indentation.",
	.refs = "KICS 27fcc7d6 (No New Privileges Not Set); Semgrep docker-compose no-new-privileges; CIS Docker "
		"Benchmark v1.6.0 5.26 (container is restricted from acquiring additional privileges)",
	.check = check,
};
