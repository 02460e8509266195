/*
 * secrets.h - the credentials engine: is a variable name a credential name,
 * is a literal value a credential, is a password weak, and fresh secrets.
 *
 * Implements the detection of the README's rules DF101, DF102, DC101,
 * DC102, DC105, DC107 and DH101. Name matching extends BuildKit's
 * SecretsUsedInArgOrEnv check, Trivy DS-0031 and hadolint DL3064; weak
 * values come from the official images' documentation. The word lists and
 * token formats are data (src/data/secret-names.txt, secret-exempt.txt,
 * token-formats.tsv, weak-passwords.txt, user-vars.tsv) compiled into
 * tables at build time; the formats are PCRE2 patterns compiled once.
 *
 * Every function here is safe to call from several threads at once.
 * Redaction of values for messages is dfx_redact() in dockfix.h.
 */
#ifndef DOCKFIX_SECRETS_H
#define DOCKFIX_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "dockfix/core.h"

/*
 * Whether an ENV/ARG/environment/build-arg name is a credential name.
 * The name is split into tokens at '_', '-', '.' and camelCase boundaries;
 * a credential phrase (password, secret, token, api key, access key id,
 * auth, ...) must match whole tokens, and names that only describe a
 * credential (PASSWORD_FILE, AUTH_METHOD, PASSWORD_MIN_LENGTH, PUBLIC_KEY,
 * GPG_KEY, MYSQL_ALLOW_EMPTY_PASSWORD) are not credential names.
 * NULL and "" are not.
 */
bool dfx_secret_name(const char *name);

/*
 * Whether a literal value is a credential by its form: a provider token
 * (AWS, GitHub, GitLab, Slack, Stripe live, Google, OpenAI, npm, ...), a
 * private-key header, a URL with an embedded password (not when the
 * password is a variable reference), or a long high-entropy string (see
 * dfx_secret_entropy_word). On true, *kind (if kind is not NULL) names
 * what matched, e.g. "Stripe live secret key"; it never contains the value.
 * A value that is wholly a variable reference is not a credential.
 */
bool dfx_secret_value(const char *value, size_t len, const char **kind);

/*
 * Whether one word (no separators) looks like a random secret: at least 24
 * characters with upper- and lower-case letters and digits, not hex (hex
 * digests, git SHAs, UUIDs and fingerprints are left out on purpose), the
 * character class changing on at least 40% of positions, no run of 7
 * lower-case letters (a dictionary word), and a Shannon entropy of at least
 * 0.83 * log2(length) bits per character, capped at 4.6. dfx_secret_value()
 * applies it to each word of a value, after leaving out paths, URL paths
 * and the "benign" formats (public keys, certificates, integrity hashes).
 */
bool dfx_secret_entropy_word(const char *word, size_t len);

/*
 * Whether the whole value is variable references only: "$VAR", "${VAR}",
 * "${VAR:-default}", "${A}${B}" (surrounding blanks allowed). "$$X" is a
 * compose-escaped literal dollar, not a reference. NULL is not.
 */
bool dfx_value_is_reference(const char *v);

/*
 * For a single reference with a default, "${VAR:-word}" or "${VAR-word}",
 * the default word: *start and *len locate it inside v and true is
 * returned. A default that is itself a reference is returned as it is.
 * False for anything else.
 */
bool dfx_value_reference_default(const char *v, size_t *start, size_t *len);

/*
 * Whether a value cannot hold a secret whatever its name says: NULL, empty
 * or blank, wholly variable references, a switch word of
 * src/data/secret-exempt.txt ("true", "false", "none", "0", ...), or a
 * file path without blanks ("/run/secrets/db", "./certs/key.pem",
 * "~/.ssh/id_rsa"). Rules that flag a credential *name* skip such values;
 * the path itself may still be worth DF103.
 */
bool dfx_value_is_inert(const char *v);

/*
 * Whether a password value is weak: NULL or empty, equal to `user`
 * (case-insensitive; user may be NULL), shorter than 12 characters
 * (UTF-8 characters, not bytes), fewer than 4 distinct characters, or in
 * src/data/weak-passwords.txt (case-insensitive). A value that is wholly a
 * variable reference is not judged (false): check its default instead.
 */
bool dfx_weak_password(const char *value, const char *user);

/*
 * The user-name variable that goes with a password variable
 * (POSTGRES_PASSWORD -> POSTGRES_USER), from src/data/user-vars.tsv.
 * Returns the variable name, or NULL when it has none (MYSQL_ROOT_PASSWORD)
 * or the password variable is unknown. *default_user (if not NULL) is set
 * to the image's default user name ("postgres", "root", "guest") or NULL.
 */
const char *dfx_secret_user_var(const char *pass_var, const char **default_user);

/*
 * The parts of one line of text (n bytes, no line end) that may hold a
 * credential, for showing a line of a file that could not be parsed: the
 * value after a key named like a credential (`KEY: v`, `KEY=v`, `"key":
 * "v"`, to the closing quote or the end of the line), each word that
 * dfx_secret_value() calls a credential, and the password of a URL's
 * user information. Spans are offsets into the line, sorted and merged;
 * at most `max` are stored; returns how many were stored.
 */
size_t dfx_secret_line_spans(const char *line, size_t n, struct dfx_span *out, size_t max);

/*
 * A new random secret: 32 bytes from getrandom() (or /dev/urandom),
 * base64url without padding, 43 characters. The caller frees it. NULL
 * only when the system has no random source.
 */
char *dfx_secret_gen(void);

/*
 * NULL when every token-format pattern compiled, else a message naming the
 * first that did not (such a pattern is skipped; the tests fail on it).
 */
const char *dfx_secret_init_error(void);

#endif
