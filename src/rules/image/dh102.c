/*
 * dh102.c - DH102 image-history-secret: a step of an image's history
 * (`docker history --no-trunc --format '{{json .}}'` CreatedBy, or an OCI
 * config's history[].created_by) that records a credential: a secret-named
 * ENV/ARG with a value, a secret-named build arg in the `|N NAME=value`
 * prefix the builder writes before a RUN that used build args, a
 * secret-named option or variable given a literal value on a RUN command
 * line, or any word that is a credential by its form (provider tokens,
 * URLs with a password, private keys, high-entropy strings).
 * Seed: "Checking Image History" (`docker history --no-trunc <image>`),
 * "Secrets in Build Args/ENV" (ARG ... visible in image history).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockfix/rule.h"
#include "dockfix/inspect.h"
#include "dockfix/secrets.h"

struct word {
	size_t start, end; /* decoded offsets */
};

struct step {
	struct dfx_ctx *ctx;
	const struct dfx_json *s;
	const char *cmd;     /* decoded CreatedBy */
	size_t len;
	char instr[16];      /* RUN, ENV, ARG, LABEL, ... */
	struct word *done;   /* decoded ranges already reported */
	size_t ndone, cap;
};

static const char *const instructions[] = {
	"RUN", "ENV", "ARG", "LABEL", "CMD", "ENTRYPOINT", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE",
	"VOLUME", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER", NULL,
};

/* Values of a secret-named option on a command line that are settings, not secrets. */
static const char *const not_secret[] = {
	"true", "false", "yes", "no", "none", "null", "required", "optional", "disabled", "enabled",
	"prompt", "stdin", NULL,
};

static bool covered(const struct step *st, size_t a, size_t b)
{
	for (size_t i = 0; i < st->ndone; i++)
		if (a < st->done[i].end && st->done[i].start < b)
			return true;
	return false;
}

/*
 * Report the credential at decoded [vs, ve), the finding spanning decoded
 * [ss, se) (the assignment or option it belongs to). `what` describes it
 * without the value; the redaction is added here.
 */
static void flag(struct step *st, size_t ss, size_t se, size_t vs, size_t ve, const char *what,
		 const char *kind)
{
	const char *data = st->ctx->file->cur.data;
	char *red = dfx_redact(st->cmd + vs, ve - vs);
	struct dfx_finding *f;

	DFX_GROW(st->done, st->ndone + 1, st->cap);
	st->done[st->ndone].start = ss;
	st->done[st->ndone].end = se;
	st->ndone++;
	f = dfx_emit(st->ctx, dfx_inspect_span(data, st->s, ss, se),
		       "image history: %s (%s%s%s): every step is recorded in the image, and `docker history "
		       "--no-trunc` shows it to anyone who can pull the image", what, kind ? kind : "",
		       kind ? ": " : "", red);
	free(red);
	if (!f)
		return;
	f->secret = dfx_inspect_span(data, st->s, vs, ve);
	f->hint = dfx_xstrdup("rotate the credential now (it has been published with the image); rebuild "
			      "passing it as a BuildKit secret (`RUN --mount=type=secret,id=...`, "
			      "`docker build --secret id=...`) instead of a build arg, ENV or literal");
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split at blanks and shell operators, keeping quoted runs inside words. */
static size_t split_words(const char *s, size_t from, size_t len, struct word **out)
{
	struct word *v = NULL;
	size_t n = 0, cap = 0, i = from;

	while (i < len) {
		size_t start;

		while (i < len && (is_space(s[i]) || strchr(";|&()<>,[]`", s[i])) && s[i])
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !is_space(s[i]) && !(s[i] && strchr(";|&()<>,[]`", s[i]))) {
			if (s[i] == '"' || s[i] == '\'') {
				char q = s[i++];

				while (i < len && s[i] != q)
					i += s[i] == '\\' && q == '"' && i + 1 < len ? 2 : 1;
				if (i < len)
					i++;
				continue;
			}
			i++;
		}
		DFX_GROW(v, n + 1, cap);
		v[n].start = start;
		v[n].end = i;
		n++;
	}
	*out = v;
	return n;
}

/* Strip one pair of matching quotes from [*a, *b). */
static void unquote(const char *s, size_t *a, size_t *b)
{
	if (*b - *a >= 2 && (s[*a] == '"' || s[*a] == '\'') && s[*b - 1] == s[*a]) {
		(*a)++;
		(*b)--;
	}
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static bool is_literal(const char *s, size_t a, size_t b)
{
	char *v;
	bool ref;

	if (a >= b || s[a] == '$')
		return false;
	v = dfx_xstrndup(s + a, b - a);
	ref = dfx_value_is_reference(v);
	free(v);
	return !ref;
}

/* A plausible secret given to a secret-named option on a command line. */
static bool plausible(const char *s, size_t a, size_t b)
{
	if (b - a < 6 || s[a] == '/' || s[a] == '.' || s[a] == '~' || s[a] == '-' || !is_literal(s, a, b))
		return false;
	for (size_t i = 0; not_secret[i]; i++)
		if (strlen(not_secret[i]) == b - a && strncasecmp(s + a, not_secret[i], b - a) == 0)
			return false;
	return true;
}

static bool secret_name(const char *s, size_t a, size_t b)
{
	char *n = dfx_xstrndup(s + a, b - a);
	bool r = dfx_secret_name(n);

	free(n);
	return r;
}

/*
 * NAME=value words. `strict` (ENV, ARG, build args): any literal value of
 * a secret-named variable counts, as DF101/DF102 decide; on a RUN line
 * the value must also look like a secret.
 */
static void assignment(struct step *st, const struct word *w, bool strict, const char *what)
{
	const char *s = st->cmd;
	size_t a = w->start, eq, vs, ve = w->end;
	const char *kind = NULL;
	char *msg = NULL;

	for (eq = a; eq < ve && s[eq] != '='; eq++)
		if (!name_char(s[eq]))
			return;
	if (eq >= ve)
		return;
	while (a < eq && s[a] == '-')
		a++;
	if (a == eq)
		return;
	vs = eq + 1;
	unquote(s, &vs, &ve);
	if (vs >= ve || !is_literal(s, vs, ve))
		return;
	if (secret_name(s, a, eq) && (strict || plausible(s, vs, ve)))
		msg = dfx_xasprintf("%s %.*s is set to a literal value", what, (int)(eq - a), s + a);
	else if (dfx_secret_value(s + vs, ve - vs, &kind))
		msg = dfx_xasprintf("%s %.*s is set to a credential", what, (int)(eq - a), s + a);
	if (msg)
		flag(st, w->start, w->end, vs, ve, msg, kind);
	free(msg);
}

/* `--password VALUE`, `aws_secret_access_key VALUE`: an option name then its value. */
static bool option(struct step *st, const struct word *w, const struct word *next)
{
	const char *s = st->cmd;
	size_t a = w->start, vs, ve;
	bool dash = s[a] == '-', snake = false;
	char *msg;

	while (a < w->end && s[a] == '-')
		a++;
	for (size_t i = a; i < w->end; i++) {
		if (!name_char(s[i]))
			return false;
		if (s[i] == '_')
			snake = true;
	}
	if (a == w->end || !(dash || snake) || !next || !secret_name(s, a, w->end))
		return false;
	vs = next->start;
	ve = next->end;
	unquote(s, &vs, &ve);
	if (!plausible(s, vs, ve))
		return false;
	msg = dfx_xasprintf("a %s step passes %.*s a literal value", st->instr, (int)(w->end - w->start),
			    s + w->start);
	flag(st, w->start, next->end, vs, ve, msg, NULL);
	free(msg);
	return true;
}

/* Every piece between separators that is a credential by its form. */
static void values(struct step *st, size_t from)
{
	const char *s = st->cmd, *kind;
	size_t i = from;

	while (i < st->len) {
		size_t a;
		char *msg;

		while (i < st->len && (is_space(s[i]) || strchr("\"'=;|&()<>,[]`", s[i])) && s[i])
			i++;
		a = i;
		while (i < st->len && !is_space(s[i]) && !(s[i] && strchr("\"'=;|&()<>,[]`", s[i])))
			i++;
		if (a == i || covered(st, a, i))
			continue;
		kind = NULL;
		if (!dfx_secret_value(s + a, i - a, &kind))
			continue;
		msg = dfx_xasprintf("a %s step contains a credential", st->instr);
		flag(st, a, i, a, i, msg, kind);
		free(msg);
	}
}

static bool starts_word(const char *s, size_t len, size_t at, const char *w)
{
	size_t n = strlen(w);

	return len - at > n && strncasecmp(s + at, w, n) == 0 && is_space(s[at + n]);
}

static void check_step(struct dfx_ctx *ctx, const struct dfx_json *cb)
{
	struct step st = {0};
	struct word *words = NULL;
	size_t nwords, at, nargs = 0, first = 0;
	const char *s = cb->str;

	st.ctx = ctx;
	st.s = cb;
	st.cmd = s;
	st.len = cb->len;
	at = dfx_inspect_step_body(s, cb->len);
	snprintf(st.instr, sizeof(st.instr), "RUN");
	for (size_t i = 0; instructions[i]; i++) {
		if (starts_word(s, cb->len, at, instructions[i])) {
			snprintf(st.instr, sizeof(st.instr), "%s", instructions[i]);
			at += strlen(instructions[i]);
			break;
		}
	}
	while (at < cb->len && is_space(s[at]))
		at++;
	/* "|2 A=x B=y /bin/sh -c ...": the build args a RUN saw */
	if (strcmp(st.instr, "RUN") == 0 && at < cb->len && s[at] == '|') {
		size_t i = at + 1;

		while (i < cb->len && isdigit((unsigned char)s[i]) && nargs < 10000)
			nargs = nargs * 10 + (size_t)(s[i++] - '0');
		if (i < cb->len && is_space(s[i]))
			at = i;
		else
			nargs = 0;
	}
	nwords = split_words(s, at, cb->len, &words);
	if (strcmp(st.instr, "ENV") == 0 && nwords >= 2 && !memchr(s + words[0].start, '=', words[0].end - words[0].start)) {
		/* legacy `ENV NAME value with spaces` */
		struct word w = {words[0].start, cb->len};
		size_t vs = words[1].start, ve = cb->len, a = words[0].start, e = words[0].end;
		const char *kind = NULL;
		char *msg = NULL;

		while (ve > vs && is_space(s[ve - 1]))
			ve--;
		w.end = ve;
		unquote(s, &vs, &ve);
		if (vs < ve && is_literal(s, vs, ve)) {
			if (secret_name(s, a, e))
				msg = dfx_xasprintf("ENV %.*s is set to a literal value", (int)(e - a), s + a);
			else if (dfx_secret_value(s + vs, ve - vs, &kind))
				msg = dfx_xasprintf("ENV %.*s is set to a credential", (int)(e - a), s + a);
		}
		if (msg)
			flag(&st, w.start, w.end, vs, ve, msg, kind);
		free(msg);
		first = nwords;
	}
	for (size_t i = first; i < nwords; i++) {
		if (i < nargs) {
			assignment(&st, &words[i], true, "build arg");
		} else if (strcmp(st.instr, "ENV") == 0 || strcmp(st.instr, "ARG") == 0) {
			assignment(&st, &words[i], true, st.instr);
		} else if (memchr(s + words[i].start, '=', words[i].end - words[i].start)) {
			char *what = dfx_xasprintf("a %s step's", st.instr);

			assignment(&st, &words[i], false, what);
			free(what);
		} else if (option(&st, &words[i], i + 1 < nwords ? &words[i + 1] : NULL)) {
			i++;
		}
	}
	values(&st, at);
	free(words);
	free(st.done);
}

static void check(struct dfx_ctx *ctx)
{
	const struct dfx_inspect *in = ctx->file->inspect;

	if (!in)
		return;
	for (size_t i = 0; i < in->nsteps; i++)
		check_step(ctx, in->steps[i].created_by);
}

const struct dfx_rule dfx_rule_dh102 = {
	.code = "DH102",
	.name = "image-history-secret",
	.severity = DFX_SEV_CRITICAL,
	.kind = DFX_KIND_IMAGE,
	.fix = DFX_FIX_NONE,
	.summary = "A step of an image's history records a credential",
	.what = "Reads `docker history --no-trunc --format '{{json .}}' IMAGE` output (or an OCI image "
		"config's history) and checks the command of every step: ENV and ARG of a credential name "
		"with a value; the `|N NAME=value` build-argument prefix the builder records before a RUN "
		"that used build args; an option or variable of a credential name given a literal value on "
		"a RUN line (`--password VALUE`, `TOKEN=VALUE cmd`); and any word that is a credential by "
		"its form (provider token, URL with a password, private key, high-entropy string).",
	.why = "Every build step is stored in the image's configuration. Build args used by a RUN are "
	       "written into that step's history entry, and ENV values and command lines are stored as "
	       "written, so `docker history --no-trunc` shows them to anyone who can pull the image, "
	       "from any registry or cache it reaches. Removing them in a later step changes nothing.",
	.example = "ARG AWS_SECRET_ACCESS_KEY\nRUN aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY\n"
		   "# history: |1 AWS_SECRET_ACCESS_KEY=wJalr... /bin/sh -c aws configure set ...",
	.instead = "# syntax=docker/dockerfile:1\n"
		   "RUN --mount=type=secret,id=aws,env=AWS_SECRET_ACCESS_KEY aws s3 cp s3://bucket/x .\n"
		   "# docker build --secret id=aws,env=AWS_SECRET_ACCESS_KEY .",
	.fix_safety = "No fix: the image is already built. Rotate the credential, change the Dockerfile "
		      "to use a BuildKit secret mount (dockfix fixes DF101/DF102 there) and rebuild.",
	.refs = "BuildKit check SecretsUsedInArgOrEnv; CIS Docker Benchmark 4.10",
	.check = check,
};
