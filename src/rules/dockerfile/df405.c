/*
 * df405.c - DF405 tls-verification-disabled: switches that turn off TLS
 * certificate or package signature checks - curl -k/--insecure, wget
 * --no-check-certificate, pip --trusted-host, apt --allow-unauthenticated
 * (and [trusted=yes], --force-yes), apk --allow-untrusted, yum/dnf
 * --nogpgcheck or sslverify=0, rpm --nosignature, npm/yarn strict-ssl
 * false, git http.sslVerify false, and the environment variables
 * GIT_SSL_NO_VERIFY, NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0,
 * PIP_TRUSTED_HOST, NPM_CONFIG_STRICT_SSL=false, GOINSECURE. Detection only.
 * Checkov CKV2_DOCKER_2 ... CKV2_DOCKER_16.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dfhelp.h"
#include "dockfix/shellwords.h"
#include "dockfix/rule.h"

static bool ends_with_apk(const char *w)
{
	size_t n = strlen(w);

	return n > 4 && !strcmp(w + n - 4, ".apk");
}

static bool falsy(const char *v)
{
	return !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "off");
}

/* curl short options that take the next word (or the rest of the cluster) as value. */
static bool curl_arg_letter(char c)
{
	return strchr("AbcCdDeEFhHKmoPQrtTuUwxXyYz", c) != NULL;
}

static bool curl_insecure(const char *w)
{
	if (!strcmp(w, "--insecure") || !strcmp(w, "--proxy-insecure") || !strcmp(w, "--doh-insecure"))
		return true;
	if (w[0] != '-' || w[1] == '-' || !w[1])
		return false;
	for (const char *p = w + 1; *p; p++) {
		if (*p == 'k')
			return true;
		if (curl_arg_letter(*p))
			return false;
	}
	return false;
}

/* Whether an apt-get command fetches packages (install, upgrade, ...), not purge/remove. */
static bool downloads(const struct dfx_shellwords_cmd *c, size_t p)
{
	static const char *const subs[] = {"install", "upgrade", "dist-upgrade", "full-upgrade", "source",
					   "build-dep", "download", NULL};

	for (size_t k = p + 1; k < c->argc; k++) {
		if (c->argv[k][0] == '-')
			continue;
		for (size_t q = 0; subs[q]; q++)
			if (!strcmp(c->argv[k], subs[q]))
				return true;
		return false;
	}
	return false;
}

/* Whether `apk add` installs only local package files (built in the same build). */
static bool local_apks(const struct dfx_shellwords_cmd *c, size_t p)
{
	size_t n = 0;
	bool sub = false;

	for (size_t k = p + 1; k < c->argc; k++) {
		const char *w = c->argv[k];

		if (!strcmp(w, "--repository") || !strcmp(w, "-X") || !strcmp(w, "--virtual") || !strcmp(w, "-t") ||
		    !strcmp(w, "--root") || !strcmp(w, "-p")) {
			k++;
			continue;
		}
		if (w[0] == '-')
			continue;
		if (!sub) {
			sub = true; /* "add" */
			continue;
		}
		n++;
		if (!strchr(w, '/') && !ends_with_apk(w))
			return false;
	}
	return n > 0;
}

/* An environment assignment that disables verification; "" when it does not. */
static const char *env_switch(const char *name, const char *v)
{
	if (!strcmp(name, "GIT_SSL_NO_VERIFY"))
		return "GIT_SSL_NO_VERIFY"; /* git only asks whether it is set: even 0 turns checks off */
	if (!strcmp(name, "NODE_TLS_REJECT_UNAUTHORIZED") && !strcmp(v, "0"))
		return "NODE_TLS_REJECT_UNAUTHORIZED=0";
	if (!strcmp(name, "PYTHONHTTPSVERIFY") && !strcmp(v, "0"))
		return "PYTHONHTTPSVERIFY=0";
	if (!strcmp(name, "PIP_TRUSTED_HOST") && *v)
		return "PIP_TRUSTED_HOST";
	if ((!strcmp(name, "NPM_CONFIG_STRICT_SSL") || !strcmp(name, "npm_config_strict_ssl") ||
	     !strcmp(name, "YARN_ENABLE_STRICT_SSL")) && falsy(v))
		return "strict-ssl false";
	if (!strcmp(name, "GOINSECURE") && *v)
		return "GOINSECURE";
	if (!strcmp(name, "GOFLAGS") && strstr(v, "-insecure"))
		return "GOFLAGS=-insecure";
	return "";
}

/* The first verification switch of one command, or NULL. */
static const char *cmd_switch(const struct dfx_shellwords_cmd *c)
{
	size_t p = dfx_shellwords_real_prog(c);
	const char *prog, *s;
	bool pip, apt, rpm;

	/* VAR=value cmd, export VAR=value */
	for (size_t k = 0; k < c->argc; k++) {
		const char *eq = strchr(c->argv[k], '=');
		char *name;

		if (!eq || (k >= c->prog && !(c->prog < c->argc && !strcmp(c->argv[c->prog], "export"))))
			continue;
		name = dfx_xstrndup(c->argv[k], (size_t)(eq - c->argv[k]));
		s = env_switch(name, eq + 1);
		free(name);
		if (*s)
			return s;
	}
	if (p >= c->argc)
		return NULL;
	prog = dfx_shellwords_base(c->argv[p]);
	pip = !strncmp(prog, "pip", 3) || !strncmp(prog, "python", 6) || !strcmp(prog, "uv") || !strcmp(prog, "poetry");
	apt = !strcmp(prog, "apt-get") || !strcmp(prog, "apt") || !strcmp(prog, "aptitude");
	rpm = !strcmp(prog, "yum") || !strcmp(prog, "dnf") || !strcmp(prog, "tdnf") || !strcmp(prog, "microdnf") ||
	      !strcmp(prog, "zypper") || !strcmp(prog, "rpm") || !strcmp(prog, "yum-config-manager") ||
	      !strcmp(prog, "dnf-config-manager");
	for (size_t k = p + 1; k < c->argc; k++) {
		const char *w = c->argv[k], *nx = k + 1 < c->argc ? c->argv[k + 1] : "";

		if (!strcmp(prog, "curl") && curl_insecure(w))
			return "curl -k/--insecure";
		if (!strcmp(prog, "wget") && !strcmp(w, "--no-check-certificate"))
			return "wget --no-check-certificate";
		if (pip && (!strcmp(w, "--trusted-host") || !strncmp(w, "--trusted-host=", 15) ||
			    !strcmp(w, "global.trusted-host")))
			return "pip --trusted-host";
		if (apt && (!strcmp(w, "--allow-unauthenticated") || !strcmp(w, "--allow-insecure-repositories") ||
			    !strcasecmp(w, "APT::Get::AllowUnauthenticated=true") ||
			    !strcasecmp(w, "Acquire::AllowInsecureRepositories=true") ||
			    !strcasecmp(w, "Acquire::https::Verify-Peer=false") ||
			    !strcasecmp(w, "Acquire::https::Verify-Host=false")))
			return "apt without signature/TLS checks";
		if (apt && !strcmp(w, "--force-yes") && downloads(c, p))
			return "apt-get --force-yes";
		if (!strcmp(prog, "apk") && !strcmp(w, "--allow-untrusted") && !local_apks(c, p))
			return "apk --allow-untrusted";
		if (rpm && (!strcmp(w, "--nogpgcheck") || !strcmp(w, "--no-gpg-checks") || !strcmp(w, "--no-gpgcheck")))
			return "package signature check off (--nogpgcheck)";
		if (rpm && !strncasecmp(w, "--setopt=", 9)) {
			const char *o = w + 9, *sv = NULL;

			for (const char *q = o; *q; q++)
				if (!strncasecmp(q, "sslverify=", 10) && (q == o || q[-1] == '.'))
					sv = q + 10;
			if (sv && falsy(sv))
				return "sslverify=0";
		}
		if (!strcmp(prog, "rpm") && (!strcmp(w, "--nosignature") || !strcmp(w, "--nodigest") ||
					     !strcmp(w, "--nofiledigest")))
			return "rpm --nosignature/--nodigest";
		/* yarn sets configuration only as `yarn config set KEY VALUE` (no KEY=VALUE form; a
		   bare `yarn set` is yarn 2's `set version`) */
		if ((!strcmp(prog, "npm") || !strcmp(prog, "yarn") || !strcmp(prog, "pnpm")) &&
		    (!strcmp(w, "--strict-ssl=false") ||
		     (k > p + 1 && !strcmp(c->argv[k - 1], "set") &&
		      (strcmp(prog, "yarn") || (k > p + 2 && !strcmp(c->argv[k - 2], "config"))) &&
		      ((!strcmp(w, "strict-ssl") && falsy(nx)) || (strcmp(prog, "yarn") && !strcmp(w, "strict-ssl=false")) ||
		       (!strcmp(w, "enableStrictSsl") && falsy(nx))))))
			return "npm strict-ssl false";
		if (!strcmp(prog, "git") && ((!strcasecmp(w, "http.sslVerify") && falsy(nx)) ||
					     !strcasecmp(w, "http.sslVerify=false") ||
					     !strcasecmp(w, "http.sslVerify=0")))
			return "git http.sslVerify false";
		if (!strcmp(prog, "export") || !strcmp(prog, "env")) {
			const char *eq = strchr(w, '=');

			if (eq) {
				char *name = dfx_xstrndup(w, (size_t)(eq - w));

				s = env_switch(name, eq + 1);
				free(name);
				if (*s)
					return s;
			}
		}
	}
	return NULL;
}

static bool memmem_ci(const char *t, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	int c0 = tolower((unsigned char)needle[0]);

	for (size_t i = 0; i + m <= n; i++) /* the first byte first: this runs over every RUN */
		if (tolower((unsigned char)t[i]) == c0 && !strncasecmp(t + i, needle, m))
			return true;
	return false;
}

static bool text_has_ci(const char *t, const char *needle)
{
	size_t n = strlen(needle);
	int c0 = tolower((unsigned char)needle[0]);

	for (; t && *t; t++)
		if (tolower((unsigned char)*t) == c0 && !strncasecmp(t, needle, n))
			return true;
	return false;
}

/* An apt source line marked trusted=yes that is not a local file: repository. */
static bool trusted_source(const char *t)
{
	for (; t && *t; t++) {
		size_t eol;

		if ((*t != 't' && *t != 'T') || strncasecmp(t, "trusted=yes", 11) != 0 || (t[-1] != ' ' && t[-1] != '['))
			continue;
		eol = strcspn(t, "\n;&|\"'");
		if (!memmem_ci(t, eol, "file:"))
			return true;
	}
	return false;
}

/* Config written by the RUN: apt [trusted=yes] sources, sslverify=0 in a
   yum/dnf configuration, check_certificate = off in a wgetrc. */
static const char *text_switch(const struct dfx_df_instr *in)
{
	for (size_t h = 0; h <= in->nheredocs; h++) {
		const char *t = h ? in->heredocs[h - 1].content : in->args_text;

		if (t && *t && trusted_source(t + 1))
			return "apt source [trusted=yes]";
		if ((text_has_ci(t, "sslverify=0") || text_has_ci(t, "sslverify=false") ||
		     text_has_ci(t, "sslverify = 0") || text_has_ci(t, "sslverify=no")) &&
		    (text_has_ci(t, "/etc/yum") || text_has_ci(t, "/etc/dnf") || text_has_ci(t, ".repo")))
			return "sslverify=0";
		if ((text_has_ci(t, "check_certificate = off") || text_has_ci(t, "check_certificate=off")) &&
		    text_has_ci(t, "wgetrc"))
			return "wget check_certificate = off";
	}
	return NULL;
}

static const char *hint_for(const char *sw)
{
	if (strstr(sw, "apt") || strstr(sw, "apk") || strstr(sw, "gpg") || strstr(sw, "rpm") ||
	    strstr(sw, "sslverify"))
		return "keep signature and TLS checks on: import the repository's signing key (signed-by= "
		       "keyring, rpm --import) and use its https URL";
	return "keep verification on; for a server with a private CA, add that CA to the image "
	       "(COPY it to /usr/local/share/ca-certificates/ and run update-ca-certificates) or point "
	       "the tool at it (curl --cacert, pip --cert, npm cafile, git http.sslCAInfo, "
	       "NODE_EXTRA_CA_CERTS)";
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;

	const struct dfx_df_instr *in;

	DFX_EACH_INSTR(df, in) {
		struct dfx_finding *f;

		if (dfx_df_is(in, "ENV") || dfx_df_is(in, "ARG")) {
			bool env = dfx_df_is(in, "ENV");

			for (size_t k = 0; k < in->nkvs; k++) {
				const char *sw = in->kvs[k].value ? env_switch(in->kvs[k].key, in->kvs[k].value) : "";

				if (!*sw)
					continue;
				f = dfx_emit(ctx, in->kvs[k].span,
					       env ? "ENV %s turns off certificate verification for every later step and "
						     "for the running container"
						   : "ARG %s turns off certificate verification for the RUN steps of its "
						     "stage (build arguments are in their environment)",
					       sw);
				if (f)
					f->hint = dfx_xstrdup(hint_for(sw));
			}
			continue;
		}
		if (dfx_df_is(in, "RUN")) {
			struct dfx_shellwords_script sc = {0};
			const char *sw = NULL;

			dfx_shellwords_run(&sc, in);
			for (size_t k = 0; k < sc.n && !sw; k++)
				sw = cmd_switch(&sc.cmds[k]);
			if (!sw)
				sw = text_switch(in);
			if (sw) {
				f = dfx_emit(ctx, in->span,
					       "RUN turns off TLS or signature verification (%s): what it downloads "
					       "can be replaced in transit",
					       sw);
				dfx_dfhelp_mask_secret(f, in);
				if (f)
					f->hint = dfx_xstrdup(hint_for(sw));
			}
			dfx_shellwords_release(&sc);
		}
	}
}

const struct dfx_rule dfx_rule_df405 = {
	.code = "DF405",
	.name = "tls-verification-disabled",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "TLS certificate or package signature verification is turned off",
	.what = "Finds RUN steps that turn off verification - `curl -k`/`--insecure` (also in option "
		"clusters such as `-fsSLk`), `wget --no-check-certificate`, `pip --trusted-host`, "
		"`apt-get --allow-unauthenticated`/`--allow-insecure-repositories`/`--force-yes`, apt "
		"sources with `[trusted=yes]`, `apk --allow-untrusted`, `yum`/`dnf --nogpgcheck` and "
		"`sslverify=0`, `rpm --nosignature`/`--nodigest`, `npm`/`pnpm` `strict-ssl false` (yarn: "
		"`yarn config set strict-ssl false` or `enableStrictSsl false`), `git "
		"http.sslVerify false` - and ENV, ARG defaults or RUN assignments of GIT_SSL_NO_VERIFY (any "
		"value: git only checks that it is set), "
		"NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0, PIP_TRUSTED_HOST, "
		"NPM_CONFIG_STRICT_SSL=false, GOINSECURE.",
	.why = "Without certificate checks anyone on the network path - a proxy, a hostile Wi-Fi, a "
	       "compromised CI network - can serve their own packages and scripts, and they run as "
	       "root in the build. Without signature checks a mirror can do the same. ENV switches "
	       "keep the container itself insecure at run time too.",
	.example = "RUN curl -k https://example.com/tool.tar.gz | tar xz\nENV NODE_TLS_REJECT_UNAUTHORIZED=0",
	.instead = "COPY corp-ca.crt /usr/local/share/ca-certificates/\n"
		   "RUN update-ca-certificates && curl -fsSL https://example.com/tool.tar.gz | tar xz",
	.fix_safety = "No fix: whatever made the check fail (a private CA, a missing key) has to be "
		      "solved first.",
	.refs = "Checkov CKV2_DOCKER_2 (curl), CKV2_DOCKER_3 (wget), CKV2_DOCKER_4/16 (pip), "
		"CKV2_DOCKER_5 (PYTHONHTTPSVERIFY), CKV2_DOCKER_6 (NODE_TLS_REJECT_UNAUTHORIZED), "
		"CKV2_DOCKER_7 (apk), CKV2_DOCKER_8/11 (apt), CKV2_DOCKER_9/15 (yum, dnf), CKV2_DOCKER_10 "
		"(rpm), CKV2_DOCKER_12/13 (npm, yarn), CKV2_DOCKER_14 (GIT_SSL_NO_VERIFY)",
	.check = check,
};
