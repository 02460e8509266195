/*
 * compose_syntax.c - the value syntaxes of a compose file: interpolation
 * (`${VAR}`, `${VAR:-default}`, `$VAR`, `$$`), the short port syntax
 * `[IP:][HOST:]CONTAINER[/PROTO]` and the short volume syntax
 * `SRC:DST[:MODE]`.
 *
 * References: the Compose Specification (compose-spec/compose-spec
 * 12-interpolation.md; 05-services.md "ports" and "volumes", short and long
 * syntax) and the compose-go parsers Docker Compose runs
 * (types.ParsePortConfig via go-connections nat.ParsePortSpecs,
 * loader.ParseVolume).
 */
#include <stdlib.h>
#include <string.h>

#include "dockfix/compose.h"
#include "dockfix/dotenv.h"

/* ---------------------------------------------------------------- interpolation */

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

bool dfx_compose_is_interpolated(const char *v)
{
	if (!v)
		return false;
	for (size_t i = 0; v[i]; i++) {
		if (v[i] != '$')
			continue;
		if (v[i + 1] == '$') {
			i++;
			continue;
		}
		if (v[i + 1] == '{' || name_start(v[i + 1]))
			return true;
	}
	return false;
}

/* Length of the `${...}` starting at v (nested braces counted), or 0 when unterminated. */
static size_t braced_len(const char *v)
{
	unsigned depth = 0;

	for (size_t i = 0; v[i]; i++) {
		if (v[i] == '$' && v[i + 1] == '{') {
			depth++;
			i++;
		} else if (v[i] == '}' && depth && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

bool dfx_compose_is_variable_only(const char *v)
{
	size_t i = 1;

	if (!v || v[0] != '$')
		return false;
	if (v[1] == '{') {
		size_t n = braced_len(v);

		return n && !v[n] && name_start(v[2]);
	}
	if (!name_start(v[1]))
		return false;
	while (name_char(v[i]))
		i++;
	return !v[i];
}

bool dfx_compose_var_default(const char *v, struct dfx_buf *out)
{
	size_t n, i = 2;

	if (!dfx_compose_is_variable_only(v) || v[1] != '{')
		return false;
	n = strlen(v);
	while (name_char(v[i]))
		i++;
	if (v[i] == ':' && v[i + 1] == '-')
		i += 2;
	else if (v[i] == '-')
		i += 1;
	else
		return false;
	dfx_buf_add(out, v + i, n - 1 - i);
	return true;
}

/*
 * Replace every `${VAR:-default}` / `${VAR-default}` by its default.
 * Returns NULL when a variable has no default (its value is unknown).
 */
char *dfx_compose_with_defaults(const char *v)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; v[i];) {
		if (v[i] == '$' && v[i + 1] == '$') {
			dfx_buf_addc(&b, '$');
			i += 2;
		} else if (v[i] == '$' && v[i + 1] == '{') {
			size_t j = i + 2, depth = 1, k;

			while (v[j] && depth) {
				if (v[j] == '{')
					depth++;
				else if (v[j] == '}')
					depth--;
				if (depth)
					j++;
			}
			if (!v[j])
				goto unknown;
			k = i + 2;
			while (k < j && v[k] != ':' && v[k] != '-')
				k++;
			if (k < j && v[k] == ':' && v[k + 1] == '-')
				k += 2;
			else if (k < j && v[k] == '-')
				k += 1;
			else
				goto unknown;
			if (memchr(v + k, '$', j - k))
				goto unknown;
			dfx_buf_add(&b, v + k, j - k);
			i = j + 1;
		} else if (v[i] == '$' && ((v[i + 1] >= 'A' && v[i + 1] <= 'Z') ||
					   (v[i + 1] >= 'a' && v[i + 1] <= 'z') || v[i + 1] == '_')) {
			goto unknown;
		} else {
			dfx_buf_addc(&b, v[i++]);
		}
	}
	if (!b.ptr)
		dfx_buf_adds(&b, "");
	return dfx_buf_detach(&b);
unknown:
	dfx_buf_release(&b);
	return NULL;
}

/* Owned by the caller: see compose.h. */
char *dfx_compose_with_env(const char *v, const char *text, size_t len)
{
	struct dfx_buf b = DFX_BUF_INIT;

	for (size_t i = 0; v[i];) {
		size_t s = i, ns, ne, end;
		bool colon = false, brace;
		char *name, *val;

		if (v[i] != '$' || !v[i + 1]) {
			dfx_buf_addc(&b, v[i++]);
			continue;
		}
		if (v[i + 1] == '$') {
			dfx_buf_add(&b, "$$", 2);
			i += 2;
			continue;
		}
		brace = v[i + 1] == '{';
		ns = ne = i + 1 + brace;
		while ((v[ne] >= 'A' && v[ne] <= 'Z') || (v[ne] >= 'a' && v[ne] <= 'z') ||
		       (v[ne] >= '0' && v[ne] <= '9') || v[ne] == '_')
			ne++;
		end = ne;
		if (brace) {
			size_t depth = 1;

			colon = v[ne] == ':';
			while (v[end] && depth) {
				if (v[end] == '{')
					depth++;
				else if (v[end] == '}')
					depth--;
				end++;
			}
			if (depth) {
				dfx_buf_adds(&b, v + s);
				break;
			}
		}
		if (ne == ns) {
			dfx_buf_addc(&b, v[i++]);
			continue;
		}
		name = dfx_xstrndup(v + ns, ne - ns);
		val = text ? dfx_dotenv_get(text, len, name) : NULL;
		if (val && !(colon && !*val) && !strchr(val, '$'))
			dfx_buf_adds(&b, val);
		else
			dfx_buf_add(&b, v + s, end - s);
		free(val);
		free(name);
		i = end;
	}
	return dfx_buf_detach(&b);
}

/* ---------------------------------------------------------------- ports */

/* "N" or "N-M", ports 0..65535; false for anything else. */
bool dfx_compose_port_range(const char *s, unsigned *lo, unsigned *hi)
{
	unsigned a = 0, b = 0;
	size_t i = 0, nd = 0;

	while (s[i] >= '0' && s[i] <= '9' && nd < 6) {
		a = a * 10 + (unsigned)(s[i++] - '0');
		nd++;
	}
	if (!nd || a > 65535)
		return false;
	b = a;
	if (s[i] == '-') {
		i++;
		b = 0;
		nd = 0;
		while (s[i] >= '0' && s[i] <= '9' && nd < 6) {
			b = b * 10 + (unsigned)(s[i++] - '0');
			nd++;
		}
		if (!nd || b > 65535 || b < a)
			return false;
	}
	if (s[i])
		return false;
	*lo = a;
	*hi = b;
	return true;
}

static bool ipv4(const char *s)
{
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		while (*s >= '0' && *s <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			nd++;
		}
		if (!nd || v > 255)
			return false;
		if (part < 3 && *s++ != '.')
			return false;
	}
	return !*s;
}

static bool ipv6(const char *s)
{
	unsigned colons = 0;
	const char *dbl = strstr(s, "::");

	if (!strchr(s, ':') || (dbl && strstr(dbl + 1, "::")))
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == ':')
			colons++;
		else if (*p == '.')
			return ipv4(strrchr(s, ':') + 1) && colons >= 2;
		else if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
			return false;
	}
	return colons >= 2 && colons <= 7;
}

static bool valid_ip(const char *s)
{
	return dfx_compose_is_interpolated(s) || ipv4(s) || ipv6(s);
}

static bool equals_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return false;
	return !*a && !*b;
}

static char *store(char **w, const char *s, size_t n)
{
	char *r = *w;

	memcpy(r, s, n);
	r[n] = '\0';
	*w += n + 1;
	return r;
}

/* The port range of a value's defaults (`${PORT:-5432}`); 0 when it has none or it is no range. */
static void range_of_default(const char *v, unsigned *lo, unsigned *hi)
{
	char *d = dfx_compose_with_defaults(v);

	if (!d || !dfx_compose_port_range(d, lo, hi))
		*lo = *hi = 0;
	free(d);
}

int dfx_compose_port_parse(const char *spec, struct dfx_compose_port *p)
{
	size_t len, starts[64], ends[64], n = 0, i = 0, depth = 0;
	char *w;
	const char *cont;
	size_t clen, slash;

	memset(p, 0, sizeof(*p));
	if (!spec)
		return -1;
	len = strlen(spec);
	p->interpolated = dfx_compose_is_interpolated(spec);
	p->storage = dfx_xmalloc(len + 8);
	w = p->storage;
	/* split on ':' outside ${...} */
	starts[n] = 0;
	for (i = 0; i < len; i++) {
		if (spec[i] == '$' && spec[i + 1] == '{') {
			depth++;
			i++;
		} else if (spec[i] == '}' && depth) {
			depth--;
		} else if (spec[i] == ':' && !depth) {
			if (n + 1 >= 64)
				return -1;
			ends[n++] = i;
			starts[n] = i + 1;
		}
	}
	ends[n++] = len;

	cont = spec + starts[n - 1];
	clen = ends[n - 1] - starts[n - 1];
	for (slash = 0; slash < clen && cont[slash] != '/'; slash++)
		;
	p->target = store(&w, cont, slash);
	if (slash + 1 < clen)
		p->protocol = store(&w, cont + slash + 1, clen - slash - 1);
	if (n >= 2 && ends[n - 2] > starts[n - 2])
		p->published = store(&w, spec + starts[n - 2], ends[n - 2] - starts[n - 2]);
	if (n >= 3) {
		const char *ip = spec;
		size_t iplen = ends[n - 3];

		if (iplen >= 2 && ip[0] == '[' && ip[iplen - 1] == ']') {
			ip++;
			iplen -= 2;
		}
		if (iplen)
			p->host_ip = store(&w, ip, iplen);
	}

	p->valid = *p->target != '\0';
	if (p->valid && !dfx_compose_is_interpolated(p->target) &&
	    !dfx_compose_port_range(p->target, &p->target_lo, &p->target_hi))
		p->valid = false;
	if (p->published && !dfx_compose_is_interpolated(p->published) &&
	    !dfx_compose_port_range(p->published, &p->published_lo, &p->published_hi))
		p->valid = false;
	/* `${DB_PORT:-3306}`: the numbers of the default, as Compose uses it when DB_PORT is unset */
	if (p->valid && dfx_compose_is_interpolated(p->target))
		range_of_default(p->target, &p->target_lo, &p->target_hi);
	if (p->valid && p->published && dfx_compose_is_interpolated(p->published))
		range_of_default(p->published, &p->published_lo, &p->published_hi);
	if (p->host_ip && !valid_ip(p->host_ip))
		p->valid = false;
	if (p->protocol && !dfx_compose_is_interpolated(p->protocol) &&
	    !equals_nocase(p->protocol, "tcp") && !equals_nocase(p->protocol, "udp") &&
	    !equals_nocase(p->protocol, "sctp"))
		p->valid = false;
	return p->valid ? 0 : -1;
}

void dfx_compose_port_release(struct dfx_compose_port *p)
{
	free(p->storage);
	free(p->env_spec);
	p->storage = NULL;
	p->env_spec = NULL;
}

static bool any_address(const char *ip)
{
	return !*ip || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::") || !strcmp(ip, "[::]") ||
	       !strcmp(ip, "0:0:0:0:0:0:0:0");
}

bool dfx_compose_port_all_interfaces(const struct dfx_compose_port *p)
{
	const char *ip = p->host_ip;

	if (!ip || !*ip)
		return true;
	if (dfx_compose_is_interpolated(ip))
		return false;
	return any_address(ip);
}

bool dfx_compose_port_loopback(const struct dfx_compose_port *p)
{
	char *d;
	bool r;

	if (!p->host_ip || !*p->host_ip)
		return false;
	d = dfx_compose_with_defaults(p->host_ip);
	r = d && (!strncmp(d, "127.", 4) || !strcmp(d, "::1") || !strcmp(d, "[::1]") ||
		  !strcmp(d, "localhost") || !strcmp(d, "0:0:0:0:0:0:0:1"));
	free(d);
	return r;
}

/* ---------------------------------------------------------------- volumes */

static bool letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool literal_host_path(const char *s)
{
	if (!s || !*s)
		return false;
	if (s[0] == '.' || s[0] == '/' || s[0] == '~' || s[0] == '\\')
		return true;
	return letter(s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/');
}

bool dfx_compose_is_host_path(const char *s)
{
	char *d;
	bool r;

	if (!s || s[0] != '$' || s[1] == '$')
		return literal_host_path(s);
	/* `${DATA_DIR:-./data}`: a bind mount when the default is a path */
	d = dfx_compose_with_defaults(s);
	r = d && !strchr(d, '$') && literal_host_path(d);
	free(d);
	return r;
}

int dfx_compose_volume_parse(const char *spec, struct dfx_compose_volume *v)
{
	size_t len, start = 0;
	char *w;
	int field = 0; /* 0 source, 1 target, 2 options */

	memset(v, 0, sizeof(*v));
	if (!spec || !*spec)
		return -1;
	len = strlen(spec);
	v->storage = dfx_xmalloc(len + 4);
	w = v->storage;
	v->valid = true;
	if (len <= 2) {
		v->target = store(&w, spec, len);
		v->type = "volume";
		return 0;
	}
	for (size_t i = 0, depth = 0; i <= len; i++) {
		bool end = i == len;

		/* `${SOCK:-/var/run/docker.sock}:/var/run/docker.sock`: no split inside ${...} */
		if (!end && spec[i] == '$' && spec[i + 1] == '{') {
			depth++;
			i++;
			continue;
		}
		if (!end && spec[i] == '}' && depth) {
			depth--;
			continue;
		}
		if (!end && (spec[i] != ':' || depth))
			continue;
		/* a Windows drive letter ("C:\...") is not a separator */
		if (!end && i - start == 1 && letter(spec[start]))
			continue;
		if (i == start) {
			v->valid = false; /* empty section between colons */
			start = i + 1;
			continue;
		} else if (field == 0 && end) {
			v->target = store(&w, spec + start, i - start);
		} else if (field == 0) {
			v->source = store(&w, spec + start, i - start);
		} else if (field == 1) {
			v->target = store(&w, spec + start, i - start);
		} else if (!end) {
			v->valid = false; /* too many colons */
		} else {
			v->mode = store(&w, spec + start, i - start);
		}
		field++;
		start = i + 1;
	}
	if (v->mode) {
		const char *m = v->mode;

		while (*m) {
			size_t n = strcspn(m, ",");

			if (n == 2 && !strncmp(m, "ro", 2))
				v->read_only = true;
			else if (n == 2 && !strncmp(m, "rw", 2))
				v->read_only = false;
			m += n;
			if (*m == ',')
				m++;
		}
	}
	v->type = dfx_compose_is_host_path(v->source) ? "bind" : "volume";
	return v->valid ? 0 : -1;
}

void dfx_compose_volume_release(struct dfx_compose_volume *v)
{
	free(v->storage);
	v->storage = NULL;
}

/* ---------------------------------------------------------------- bind-mount host paths */

/* Length of a leading `$NAME` / `${NAME...}` reference to variable `name`, or 0. */
static size_t var_prefix(const char *s, const char *name)
{
	size_t n = strlen(name);

	if (s[0] != '$')
		return 0;
	if (s[1] == '{') {
		size_t i, depth = 1;

		if (strncmp(s + 2, name, n) || (s[2 + n] != '}' && s[2 + n] != ':' && s[2 + n] != '-'))
			return 0;
		for (i = 2 + n; s[i]; i++) {
			if (s[i] == '{')
				depth++;
			else if (s[i] == '}' && --depth == 0)
				return i + 1;
		}
		return 0;
	}
	if (strncmp(s + 1, name, n))
		return 0;
	if ((s[1 + n] >= 'A' && s[1 + n] <= 'Z') || (s[1 + n] >= 'a' && s[1 + n] <= 'z') ||
	    (s[1 + n] >= '0' && s[1 + n] <= '9') || s[1 + n] == '_')
		return 0;
	return 1 + n;
}

char *dfx_compose_volume_host_path(const struct dfx_compose_volume *v)
{
	const char *s = v->source, *rest;
	struct dfx_buf b = DFX_BUF_INIT;
	size_t k;

	if (!s || !*s)
		return NULL;
	if (v->long_syntax && v->type &&
	    (!strcmp(v->type, "tmpfs") || !strcmp(v->type, "image") || !strcmp(v->type, "cluster")))
		return NULL;
	if (s[0] == '~' && (s[1] == '/' || !s[1])) {
		dfx_buf_addc(&b, '~');
		rest = s + 1;
	} else if ((k = var_prefix(s, "HOME")) && (s[k] == '/' || !s[k])) {
		dfx_buf_addc(&b, '~');
		rest = s + k;
	} else if ((k = var_prefix(s, "XDG_RUNTIME_DIR")) && (s[k] == '/' || !s[k])) {
		dfx_buf_adds(&b, "$XDG_RUNTIME_DIR");
		rest = s + k;
	} else if (s[0] == '/') {
		rest = s;
	} else if (s[0] == '$' && s[1] != '$') {
		/* `${DOCKER_SOCKET_LOCATION:-/var/run/docker.sock}`: the default, as Compose mounts it
		   when the variable is unset */
		struct dfx_compose_volume t = *v;
		char *d = dfx_compose_with_defaults(s), *r = NULL;

		if (d && !strchr(d, '$') && (d[0] == '/' || d[0] == '~')) {
			t.source = d;
			r = dfx_compose_volume_host_path(&t);
		}
		free(d);
		return r;
	} else {
		return NULL;
	}
	/* copy, collapsing "//" and "/./", dropping a trailing '/' */
	for (const char *p = rest; *p; p++) {
		if (*p == '/' && b.len && b.ptr[b.len - 1] == '/')
			continue;
		if (*p == '.' && b.len && b.ptr[b.len - 1] == '/' && (p[1] == '/' || !p[1]))
			continue;
		dfx_buf_addc(&b, *p);
	}
	while (b.len > 1 && b.ptr[b.len - 1] == '/')
		b.ptr[--b.len] = '\0';
	if (!b.len)
		dfx_buf_addc(&b, '/');
	return dfx_buf_detach(&b);
}
