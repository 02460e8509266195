/*
 * df203.c - DF203 passwordless-sudo: a RUN step writes a sudoers rule that
 * lets a user run every command as root without a password
 * (`NOPASSWD: ALL`, `NOPASSWD:ALL`) into /etc/sudoers or a file under
 * /etc/sudoers.d/ (echo, printf, tee, a heredoc script). A NOPASSWD rule
 * limited to named commands is not flagged. No fix.
 *
 * Reference: sudoers(5), "Tag_Spec" (NOPASSWD) and the "ALL" command
 * alias; CIS Docker Benchmark 4.1 (a non-root user for the container).
 */
#include <string.h>

#include "dfhelp.h"
#include "dockfix/rule.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * The offset in `t` of a `NOPASSWD:` tag followed by the command list
 * `ALL` (blanks allowed around the colon, other tags such as `SETENV:`
 * between), or -1.
 */
static long nopasswd_all(const char *t, size_t len)
{
	static const char tag[] = "NOPASSWD";

	for (size_t i = 0; i + sizeof(tag) - 1 <= len; i++) {
		size_t j = i + sizeof(tag) - 1;

		if (memcmp(t + i, tag, sizeof(tag) - 1) || (i > 0 && is_word_char(t[i - 1])))
			continue;
		/* NOPASSWD : [TAG :]... ALL */
		for (;;) {
			while (j < len && is_blank(t[j]))
				j++;
			if (j >= len || t[j] != ':')
				break;
			j++;
			while (j < len && is_blank(t[j]))
				j++;
			if (j + 3 <= len && !memcmp(t + j, "ALL", 3) && (j + 3 == len || !is_word_char(t[j + 3])))
				return (long)i;
			/* another tag: SETENV:, NOEXEC: ... */
			while (j < len && t[j] >= 'A' && t[j] <= 'Z')
				j++;
		}
	}
	return -1;
}

/* Whether the RUN writes a sudoers file: its text names /etc/sudoers. */
static bool writes_sudoers(const struct dfx_df_instr *in)
{
	if (in->args_text && strstr(in->args_text, "/etc/sudoers"))
		return true;
	for (size_t k = 0; k < in->nheredocs; k++)
		if (in->heredocs[k].content && strstr(in->heredocs[k].content, "/etc/sudoers"))
			return true;
	return false;
}

/* Where the `NOPASSWD: ALL` rule is written in `in`: true with *at set. */
static bool find_rule(const struct dfx_df_instr *in, struct dfx_span *at)
{
	long i;

	if (in->args_text && in->args_map && (i = nopasswd_all(in->args_text, strlen(in->args_text))) >= 0) {
		at->start = in->args_map[i];
		at->end = in->args_map[i + 7] + 1;
		return true;
	}
	for (size_t k = 0; k < in->nheredocs; k++) {
		const struct dfx_df_heredoc *h = &in->heredocs[k];

		if (h->content && (i = nopasswd_all(h->content, strlen(h->content))) >= 0) {
			at->start = h->content_span.start + (uint32_t)i;
			at->end = at->start + 8;
			return true;
		}
	}
	return false;
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_dockerfile *df = ctx->file->df;
	const struct dfx_df_instr *in;

	DFX_EACH_INSTR(df, in) {
		struct dfx_finding *f;
		struct dfx_span at;

		if (!dfx_df_is(in, "RUN") || !writes_sudoers(in) || !find_rule(in, &at))
			continue;
		f = dfx_emit(ctx, at,
			       "RUN writes a sudoers rule `NOPASSWD: ALL`: the user it names can become root "
			       "without a password, so running the container as that user protects nothing");
		dfx_dfhelp_mask_secret(f, in);
		if (f)
			f->hint = dfx_xstrdup("run the root steps of the build as `USER root` and drop the rule; if "
					      "the container really needs root for one command, allow only that "
					      "command (`app ALL=(root) NOPASSWD: /usr/sbin/service nginx reload`)");
	}
}

const struct dfx_rule dfx_rule_df203 = {
	.code = "DF203",
	.name = "passwordless-sudo",
	.severity = DFX_SEV_HIGH,
	.kind = DFX_KIND_DOCKERFILE,
	.fix = DFX_FIX_NONE,
	.summary = "A RUN step gives a user passwordless sudo for every command",
	.what = "Finds RUN steps (also heredoc scripts and under ONBUILD) that write a sudoers rule "
		"with `NOPASSWD: ALL` (any spacing, other tags such as `SETENV:` in between) into "
		"/etc/sudoers or a file under /etc/sudoers.d/, with echo, printf, tee or a heredoc. "
		"A NOPASSWD rule for named commands (`NOPASSWD: /usr/bin/mount`) and files COPYed "
		"into /etc/sudoers.d/ are not flagged.",
	.why = "`user ALL=(ALL) NOPASSWD: ALL` makes that user root whenever it likes, without "
	       "knowing any password. The image switches to a non-root USER so that a compromised "
	       "application cannot change the system, install tools or read other users' files; "
	       "with this rule one `sudo` undoes all of that. `ALL ALL=(ALL) NOPASSWD: ALL` does it "
	       "for every account.",
	.example = "RUN useradd -m app \\\n && echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers\nUSER app",
	.instead = "RUN useradd -m app\n# root steps go here, before USER\nUSER app",
	.fix_safety = "No fix: which commands, if any, the user needs as root is not in the Dockerfile.",
	.refs = "sudoers(5) (NOPASSWD tag, ALL); CIS Docker Benchmark 4.1 (a user for the container); "
		"Trivy DS-0010 and hadolint DL3004 (sudo use)",
	.check = check,
};
