#!/bin/sh
# embed.sh - compile the `dockfix init` templates into C so the installed
# binary needs no data files (declared in include/templates.h).
#
# usage: sh templates/embed.sh DIR OUT.c [EOL.tsv]
#
# Writes two tables to OUT.c:
#
#   dfx_templates[]      {path, data, len} for every file under DIR (path
#                        relative to DIR, sorted bytewise), except this
#                        script and editor droppings (*~, .*.swp, .DS_Store);
#   dfx_template_vars[]  {name, value}: the base-image tags the templates use
#                        as @NAME@ placeholders (NODE_TAG, POSTGRES_TAG, ...)
#                        and EOL_DATE, the reference date of the table.
#
# File bytes are emitted as C string literals. Every byte outside printable
# ASCII, and every '"', '\' and '?' (trigraphs), becomes a three-digit octal
# escape, so any content is safe and a digit that follows an escape can never
# extend it. `len` is the byte count; embedded NULs are kept.
#
# Base-image tags come from the end-of-life table (default
# DIR/../src/data/eol.tsv, the file dockfix also checks FROM lines against),
# so a rebuilt binary always generates images that its own DF301/DC501 rules
# accept. For each (image, variant) the first row that names a concrete
# release cycle (newest first in file order) and is supported on the table's
# reference date gives recommended_replacement_tag: the table's policy pick
# (LTS for node, stable for nginx, newest supported otherwise). The build
# fails if that tag's version is not itself a supported cycle of the image,
# or if the table's header changed shape. Only POSIX sh, od, awk and sed.
set -eu

LC_ALL=C
export LC_ALL

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: sh embed.sh DIR OUT.c [EOL.tsv]" >&2
	exit 2
fi
dir=$1
out=$2
eol=${3:-$dir/../src/model/data/eol.tsv}
tmp=$out.tmp

die() {
	echo "embed.sh: $*" >&2
	rm -f "$tmp"
	exit 1
}

[ -d "$dir" ] || die "$dir: not a directory"
[ -r "$eol" ] || die "$eol: cannot read the base-image table"

# ------------------------------------------------------------ C literals

# Bytes of stdin as C string literal text. With `wrap`, one literal per
# source line, broken after each newline byte and every 64 columns, each
# line indented by a tab; without, a single literal on one line.
literal() {
	od -An -v -to1 | awk -v wrap="$1" '
	BEGIN { line = ""; printed = 0 }
	{
		for (i = 1; i <= NF; i++) {
			o = $i
			d = substr(o, 1, 1) * 64 + substr(o, 2, 1) * 8 + substr(o, 3, 1)
			if (d == 10)
				line = line "\\n"
			else if (d >= 32 && d <= 126 && d != 34 && d != 92 && d != 63)
				line = line sprintf("%c", d)
			else
				line = line "\\" o
			if (wrap && (d == 10 || length(line) >= 64)) {
				print "\t\"" line "\""
				line = ""
				printed = 1
			}
		}
	}
	END {
		if (!wrap)
			printf "\"%s\"", line
		else if (line != "" || !printed)
			print "\t\"" line "\""
	}'
}

# ------------------------------------------------------------ base images

awk -F '\t' 'NR == 1 {
	if ($1 != "image" || $2 != "cycle" || $5 !~ /^supported_on_[0-9]+_[0-9]+_[0-9]+$/ ||
	    $6 != "recommended_replacement_tag" || $7 != "variant")
		exit 1
	exit 0
}' "$eol" || die "$eol: unexpected header (want image, cycle, ..., supported_on_Y_M_D, recommended_replacement_tag, variant)"

eol_date=$(awk -F '\t' 'NR == 1 { print $5; exit }' "$eol" | sed 's/^supported_on_//; s/_/-/g')

# pick IMAGE VARIANT: the recommended supported tag (see the header).
pick() {
	awk -F '\t' -v img="$1" -v var="$2" '
	NR == 1 { next }
	$1 != img || $5 != "yes" || $2 !~ /^[0-9]+(\.[0-9]+)*$/ { next }
	{ supported[$2] = 1 }
	!found && $7 == var { tag = $6; found = 1 }
	END {
		if (!found)
			exit 1
		v = tag
		sub(/-.*/, "", v)
		if (!(v in supported) || tag !~ /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/)
			exit 1
		print tag
	}' "$eol" || die "$eol: no supported $1 ($2) tag"
}

# with_flavour TAG FLAVOUR: 25-alpine jre -> 25-jre-alpine (temurin grammar).
with_flavour() {
	printf '%s\n' "$1" | sed "s/^\\([^-]*\\)/\\1-$2/"
}

node_tag=$(pick node slim)
python_tag=$(pick python slim)
golang_tag=$(pick golang alpine)
temurin_tag=$(pick eclipse-temurin alpine)
nginx_tag=$(pick nginx alpine)
postgres_tag=$(pick postgres alpine)
mysql_tag=$(pick mysql default)
mariadb_tag=$(pick mariadb default)
mongo_tag=$(pick mongo default)
redis_tag=$(pick redis alpine)

# The compose template mounts the data volume at /var/lib/postgresql, the
# layout of the postgres images from 18 on (PGDATA=/var/lib/postgresql/18/docker).
pg_major=${postgres_tag%%[.-]*}
[ "$pg_major" -ge 18 ] 2>/dev/null || die "postgres:$postgres_tag predates the 18+ data layout the compose template assumes"

# ------------------------------------------------------------ file list

nl='
'
if [ -n "$(find "$dir" -name "*$nl*" 2>/dev/null)" ]; then
	die "$dir: a file name contains a newline"
fi

list=$(cd "$dir" && find . -type f \
	! -path ./embed.sh ! -name '*~' ! -name '.*.swp' ! -name .DS_Store |
	sed 's|^\./||' | sort)

# ------------------------------------------------------------ output

{
	echo "/* generated from $dir and $eol by embed.sh; do not edit */"
	echo "#include <stddef.h>"
	echo "#include <string.h>"
	echo
	echo "#include \"templates.h\""
	echo
	echo "const struct dfx_template dfx_templates[] = {"
	n=0
	if [ -n "$list" ]; then
		# One path per line (newlines were refused above); read keeps
		# leading/trailing blanks and backslashes with IFS= and -r.
		while IFS= read -r rel; do
			len=$(wc -c <"$dir/$rel")
			printf '\t{'
			printf '%s' "$rel" | literal 0
			printf ',\n'
			literal 1 <"$dir/$rel"
			printf '\t, %d},\n' $((len))
			n=$((n + 1))
		done <<EOF
$list
EOF
	fi
	if [ "$n" -eq 0 ]; then
		printf '\t{NULL, NULL, 0},\n'
	fi
	echo "};"
	echo
	echo "const size_t dfx_ntemplates = $n;"
	echo
	echo "const struct dfx_template_var dfx_template_vars[] = {"
	for pair in \
		"EOL_DATE=$eol_date" \
		"NODE_TAG=$node_tag" \
		"PYTHON_TAG=$python_tag" \
		"GOLANG_TAG=$golang_tag" \
		"TEMURIN_JDK_TAG=$(with_flavour "$temurin_tag" jdk)" \
		"TEMURIN_JRE_TAG=$(with_flavour "$temurin_tag" jre)" \
		"NGINX_TAG=$nginx_tag" \
		"POSTGRES_TAG=$postgres_tag" \
		"MYSQL_TAG=$mysql_tag" \
		"MARIADB_TAG=$mariadb_tag" \
		"MONGO_TAG=$mongo_tag" \
		"REDIS_TAG=$redis_tag"; do
		printf '\t{"%s", ' "${pair%%=*}"
		printf '%s' "${pair#*=}" | literal 0
		printf '},\n'
	done
	echo "};"
	echo
	echo "const size_t dfx_ntemplate_vars ="
	echo "	sizeof(dfx_template_vars) / sizeof(dfx_template_vars[0]);"
	echo
	echo "const struct dfx_template *dfx_templates_find(const char *path)"
	echo "{"
	echo "	for (size_t i = 0; i < dfx_ntemplates; i++)"
	echo "		if (strcmp(dfx_templates[i].path, path) == 0)"
	echo "			return &dfx_templates[i];"
	echo "	return NULL;"
	echo "}"
	echo
	echo "const char *dfx_templates_var(const char *name)"
	echo "{"
	echo "	for (size_t i = 0; i < dfx_ntemplate_vars; i++)"
	echo "		if (strcmp(dfx_template_vars[i].name, name) == 0)"
	echo "			return dfx_template_vars[i].value;"
	echo "	return NULL;"
	echo "}"
} >"$tmp" || die "cannot write $tmp"
mv "$tmp" "$out"
