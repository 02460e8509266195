/*
 * dotenv.h - `.env` and `env_file:` files: read a variable, tell whether
 * the file holds a credential, write a `NAME=value` line that reads back
 * as exactly that value.
 *
 * References: Compose Specification 05-services.md env_file (Env_file
 * format); Compose docs ".env file syntax".
 */
#ifndef DOCKFIX_DOTENV_H
#define DOCKFIX_DOTENV_H

#include "dockfix/core.h"

/*
 * The value a dotenv text gives `name`, decoded (quotes removed), or NULL
 * when it does not set it (caller frees). The last assignment wins.
 */
char *dfx_dotenv_get(const char *text, size_t len, const char *name);
/* One assignment of a dotenv text. */
struct dfx_dotenv_var {
	char *name;
	char *value;                /* decoded (quotes, escapes, inline comment removed) */
	struct dfx_span name_span;  /* byte offsets into the text */
	struct dfx_span value_span; /* the value as written (blanks around it excluded) */
};
/*
 * Call fn for every `NAME=value` line in order (strings owned by the
 * iterator, valid during the call). Stops at, and returns, fn's first
 * non-zero return; 0 otherwise.
 */
int dfx_dotenv_each(const char *text, size_t len, int (*fn)(const struct dfx_dotenv_var *v, void *arg), void *arg);
/* `NAME=value` in dotenv syntax that reads back as exactly `value` (caller frees); NULL if impossible. */
char *dfx_dotenv_line(const char *name, const char *value);
/* The first variable of a dotenv text whose value is `value`, or holds it as the password of a
   URL (`://user:value@host`), or NULL (caller frees). */
char *dfx_dotenv_find_value(const char *text, size_t len, const char *value);
/* Whether a dotenv text sets a credential (a credential name with a real value, or a credential value). */
bool dfx_dotenv_has_secret(const char *text, size_t len);
/*
 * The first assignment of a dotenv text that sets a credential (as
 * dfx_dotenv_has_secret() judges): the bytes of its name and of its value
 * (after `=`, to the end of the line without a CR), and how many
 * assignments set one. Returns false when none does.
 */
bool dfx_dotenv_first_secret(const char *text, size_t len, struct dfx_span *name, struct dfx_span *value,
			     size_t *count);

#endif
