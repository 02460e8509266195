/*
 * df407.c - DF407 ssh-port-exposed: EXPOSE of port 22 (tcp, or a range
 * that holds it; ARG defaults are resolved) in the final stage or a stage
 * it is built from. An SSH daemon in a container is a second way in that
 * bypasses `docker exec` and its access control. Detection only.
 * Trivy DS-0004 (AVD-DS-0004); Checkov CKV_DOCKER_1; CIS Docker
 * Benchmark 5.6 (do not run sshd within containers).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dfhelp.h"
#include "dockfix/build.h"
#include "dockfix/rule.h"

/* Parse a decimal port; returns -1 when it is not one. */
static long port(const char *s, size_t n)
{
	long v = 0;

	if (!n || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Whether an EXPOSE word ("22", "22/tcp", "20-30") publishes tcp port 22. */
static bool has_22(const char *w)
{
	const char *slash = strchr(w, '/');
	size_t n = slash ? (size_t)(slash - w) : strlen(w);
	const char *dash = memchr(w, '-', n);
	long a, b;

	if (slash && strcasecmp(slash + 1, "tcp") != 0 && strcasecmp(slash + 1, "sctp") != 0)
		return false;
	if (dash) {
		a = port(w, (size_t)(dash - w));
		b = port(dash + 1, n - (size_t)(dash - w) - 1);
		return a >= 0 && b >= 0 && a <= 22 && 22 <= b;
	}
	return port(w, n) == 22;
}

static bool ssh_server_word(const char *w)
{
	const char *b = strrchr(w, '/');

	b = b ? b + 1 : w;
	return !strcmp(b, "sshd") || !strcmp(b, "dropbear");
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	/* the image's own process is the SSH server: serving SSH is what it is for (an SSH
	   target, a git-over-SSH server) */
	bool purpose = dfx_dfhelp_starts_word(df, ssh_server_word);

	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct dfx_df_instr *in = &df->instrs[i];

		if (!dfx_df_is(in, "EXPOSE") || in->stage < 0 || !dfx_build_stage_in_final(df, (size_t)in->stage))
			continue;
		for (size_t k = 0; k < in->nwords; k++) {
			char *w = strchr(in->words[k].raw, '$') ? dfx_dockerfile_expand_at(df, i, in->words[k].text)
								 : dfx_xstrdup(in->words[k].text);
			struct dfx_finding *f;

			if (has_22(w)) {
				f = dfx_emit(ctx, in->words[k].span,
					       "EXPOSE %s publishes the SSH port: an SSH daemon in the container is a "
					       "second, separately managed way in",
					       w);
				if (f && purpose)
					f->hint = dfx_xstrdup("the image runs sshd as its own process, so SSH is what it "
							      "serves: allow keys only (`PasswordAuthentication no`, "
							      "`PermitRootLogin no` or `prohibit-password`) and publish the "
							      "port only where clients need it");
				else if (f)
					f->hint = dfx_xstrdup("remove the SSH server and EXPOSE 22; get a shell with "
							      "`docker exec` / `kubectl exec`, and copy files with "
							      "`docker cp`");
			}
			free(w);
		}
	}
}

const struct dfx_rule dfx_rule_df407 = {
	.code = "DF407",
	.name = "ssh-port-exposed",
	.severity = DFX_SEV_MEDIUM,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "The image exposes port 22 (SSH)",
	.what = "Finds EXPOSE of port 22 - `22`, `22/tcp`, or a range that contains it; variables are "
		"resolved through ARG defaults - in the final stage or a stage it is built from. "
		"`22/udp` and builder stages are not flagged. When the image's own process is the SSH "
		"server (its last CMD or ENTRYPOINT runs sshd or dropbear: an SSH target, a git-over-SSH "
		"server) the hint hardens the server instead of removing it.",
	.why = "Exposing 22 means the image runs an SSH daemon: another long-running process with its "
	       "own keys, passwords and patch level, and a way in that bypasses the runtime's access "
	       "control and audit (`docker exec`). Host keys baked into the image are shared by "
	       "every container started from it.",
	.example = "RUN apt-get install -y openssh-server\nEXPOSE 22\nCMD [\"/usr/sbin/sshd\", \"-D\"]",
	.instead = "# no sshd in the image\ndocker exec -it <container> sh",
	.fix_safety = "No fix: removing EXPOSE alone would leave the daemon in the image.",
	.refs = "Trivy DS-0004 (AVD-DS-0004); Checkov CKV_DOCKER_1; CIS Docker Benchmark 5.6",
	.check = check,
};
