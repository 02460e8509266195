#!/bin/sh
# gentables.sh SRCDIR OUTDIR - turn the data tables of SRCDIR into C:
# OUTDIR/tables.h (types, extern declarations, data-date macros) and
# OUTDIR/tables.c (the tables). Tables are data, not code (DESIGN.md,
# "Data tables"); this script only checks and transcribes them.
#
# Inputs (each file explains its own format in its header comment):
#   eol.tsv, eol-meta.txt, eol-policy.tsv, slim-variants.tsv  base images
#   secret-names.txt, secret-exempt.txt, token-formats.tsv     credentials
#   weak-passwords.txt, user-vars.tsv                          credentials
#   db-images.tsv, db-ports.tsv, file-env.tsv                  images
#   image-behaviour.tsv       image run-time behaviour, default users
#   trusted-registries.tsv    registries trusted by default (DF302, DC503)
#   floating-tags.tsv         tag words that name a release channel (DF303, DC502)
# eol.tsv is read by column name (header row), (endoflife.date
# release cycles); the judgement date comes from its
# supported_on_YYYY_MM_DD column.
#
# POSIX sh and awk only. Strings are written as C literals with every byte
# outside printable ASCII, and every '?' (trigraphs), escaped in octal.
# Any malformed line stops the build with FILE:LINE: message.
# shellcheck disable=SC2016,SC2129 # awk programs are single-quoted on purpose
set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 2 ]; then
	echo "usage: gentables.sh SRCDIR OUTDIR" >&2
	exit 2
fi
src=$1
out=$2
h=$out/tables.h
c=$out/tables.c
AWK=${AWK:-awk}
mkdir -p "$out"

for f in eol.tsv eol-meta.txt eol-policy.tsv slim-variants.tsv secret-names.txt \
	secret-exempt.txt token-formats.tsv weak-passwords.txt user-vars.tsv \
	db-images.tsv db-ports.tsv file-env.tsv image-behaviour.tsv trusted-registries.tsv \
	floating-tags.tsv; do
	if [ ! -r "$src/$f" ]; then
		echo "gentables.sh: missing $src/$f" >&2
		exit 1
	fi
done

# Shared awk functions: C string literals, errors, comment skipping.
lib='
function init_ord(   i) {
	for (i = 1; i < 256; i++)
		ord[sprintf("%c", i)] = i
	ord_ready = 1
}
function cstr(s,   r, i, n, ch) {
	if (s !~ /[^ -~]/ && index(s, "\\") == 0 && index(s, "\"") == 0 && index(s, "?") == 0)
		return "\"" s "\""
	if (!ord_ready)
		init_ord()
	r = ""
	n = length(s)
	for (i = 1; i <= n; i++) {
		ch = substr(s, i, 1)
		if (ch == "\\")
			r = r "\\\\"
		else if (ch == "\"")
			r = r "\\\""
		else if (ch == "?")
			r = r "\\?"
		else if (ch ~ /[ -~]/)
			r = r ch
		else
			r = r sprintf("\\%03o", ord[ch])
	}
	return "\"" r "\""
}
function cstr_or_null(s) {
	return (s == "" || s == "-") ? "NULL" : cstr(s)
}
function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}
function skip() {
	sub(/\r$/, "")
	return ($0 ~ /^[ \t]*#/ || $0 ~ /^[ \t]*$/)
}
function need_fields(n) {
	if (NF != n)
		fail("expected " n " tab-separated fields, found " NF)
}
function date_int(d) {
	if (d !~ /^[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]$/)
		fail("bad date \"" d "\"")
	gsub(/-/, "", d)
	return d + 0
}
'

tmpc=$c.tmp
tmph=$h.tmp
trap 'rm -f "$tmpc" "$tmph"' EXIT

# ------------------------------------------------------------------ header

data_date=$($AWK "$lib"'
!skip() && $1 == "data_date" { d = $2 }
END { if (failed) exit 1; if (d == "") { print "eol-meta.txt: no data_date" > "/dev/stderr"; exit 1 } print d }
' "$src/eol-meta.txt")
judged=$(sed -n '1{s/.*supported_on_\([0-9][0-9][0-9][0-9]\)_\([0-9][0-9]\)_\([0-9][0-9]\).*/\1\2\3/p;}' "$src/eol.tsv")
case $judged in
[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
*)
	echo "gentables.sh: $src/eol.tsv: no supported_on_YYYY_MM_DD column" >&2
	exit 1
	;;
esac

cat >"$tmph" <<EOF
/* generated from $src by gentables.sh; do not edit */
#ifndef DOCKFIX_TABLES_H
#define DOCKFIX_TABLES_H
#include <stddef.h>

/* eol.tsv: newest source data, and the date its supported column judges. */
#define DFX_EOL_DATA_DATE "$data_date"
#define DFX_EOL_JUDGED_ON $judged

/* eol.tsv rows, in file order (the order the lookup scans them). */
#define DFX_TAB_EOL_FLOATING   0x01u /* cycle "floating" */
#define DFX_TAB_EOL_ALIAS      0x02u /* cycle "N.x (major alias)" */
#define DFX_TAB_EOL_DEPRECATED 0x04u /* cycle "* (deprecated image)" */
#define DFX_TAB_EOL_STALE      0x08u /* unsupported although eol_date is later */
#define DFX_TAB_EOL_DERIVED    0x10u /* dates are upper bounds (source=derived) */
#define DFX_TAB_EOL_OS         0x20u /* eol-policy.tsv: os */
#define DFX_TAB_EOL_MAJOR      0x40u /* eol-policy.tsv: major */
#define DFX_TAB_EOL_IMAGE_DEPRECATED 0x80u /* a non-floating row of an image that has a
						"* (deprecated image)" row */

struct dfx_tab_eol {
	const char *image;    /* familiar name */
	const char *cycle;
	const char *patterns; /* "|"-separated fnmatch globs */
	const char *rec;      /* recommended_replacement_tag ("" none) */
	const char *min;      /* minimal_upgrade_tag ("" none) */
	const char *variant;  /* default, slim, alpine, windowsservercore, nanoserver, any */
	const char *product;  /* endoflife.date slug ("" for deprecated images) */
	const char *carry;    /* carry_tokens ("" none) */
	int eol;              /* YYYYMMDD; 0 none announced; -1 unknown (EOL, no date) */
	int ext_end;          /* extended support end YYYYMMDD; 0 n/a; 99991231 none yet */
	unsigned flags;
};
extern const struct dfx_tab_eol dfx_tab_eol[];
extern const size_t dfx_tab_eol_n;

/* eol-policy.tsv (a table loaded at run time, --eol-data, takes its flags from it). */
struct dfx_tab_eol_policy {
	const char *product;
	unsigned flag;        /* DFX_TAB_EOL_OS or DFX_TAB_EOL_MAJOR */
};
extern const struct dfx_tab_eol_policy dfx_tab_eol_policy[];
extern const size_t dfx_tab_eol_policy_n;

/* trusted-registries.tsv */
struct dfx_tab_trusted {
	const char *entry, *reason;
};
extern const struct dfx_tab_trusted dfx_tab_trusted[];
extern const size_t dfx_tab_trusted_n;

/* floating-tags.tsv */
struct dfx_tab_floating {
	const char *word;
	int development;      /* 1: a pre-release or branch channel */
};
extern const struct dfx_tab_floating dfx_tab_floating_tags[];
extern const size_t dfx_tab_floating_tags_n;

struct dfx_tab_slim {
	const char *image;
	int after_version;    /* 0: append "-slim"; 1: insert after the version */
	const char *latest;   /* the slim tag for "latest" */
};
extern const struct dfx_tab_slim dfx_tab_slim[];
extern const size_t dfx_tab_slim_n;

/* secret-names.txt and the "phrase" lines of secret-exempt.txt. */
#define DFX_TAB_NAME_STRONG 1
#define DFX_TAB_NAME_WEAK   2
#define DFX_TAB_NAME_EXEMPT 3
#define DFX_TAB_PHRASE_MAX  4
struct dfx_tab_phrase {
	const char *tok[DFX_TAB_PHRASE_MAX];
	unsigned n;
	int cls;
};
extern const struct dfx_tab_phrase dfx_tab_name_phrases[];
extern const size_t dfx_tab_name_phrases_n;
extern const char *const dfx_tab_name_anywhere[];
extern const size_t dfx_tab_name_anywhere_n;
extern const char *const dfx_tab_name_suffix[];
extern const size_t dfx_tab_name_suffix_n;
extern const char *const dfx_tab_name_weak_suffix[];
extern const size_t dfx_tab_name_weak_suffix_n;
extern const char *const dfx_tab_name_exact[];
extern const size_t dfx_tab_name_exact_n;
extern const char *const dfx_tab_inert_values[];
extern const size_t dfx_tab_inert_values_n;

/* token-formats.tsv */
#define DFX_TAB_FMT_MATCH    0
#define DFX_TAB_FMT_USERINFO 1
#define DFX_TAB_FMT_PEM64    2
#define DFX_TAB_FMT_BENIGN   3
struct dfx_tab_format {
	const char *kind;
	int check;
	const char *pattern;
};
extern const struct dfx_tab_format dfx_tab_formats[];
extern const size_t dfx_tab_formats_n;

/* weak-passwords.txt, lower case */
extern const char *const dfx_tab_weak_passwords[];
extern const size_t dfx_tab_weak_passwords_n;

/* user-vars.tsv */
struct dfx_tab_user_var {
	const char *pass, *user, *def; /* user/def NULL when "-" */
};
extern const struct dfx_tab_user_var dfx_tab_user_vars[];
extern const size_t dfx_tab_user_vars_n;

/* db-images.tsv */
struct dfx_tab_image_kind {
	const char *pattern, *kind;
};
extern const struct dfx_tab_image_kind dfx_tab_db_images[];
extern const size_t dfx_tab_db_images_n;

/* db-ports.tsv */
struct dfx_tab_port {
	unsigned port;
	const char *service;
};
extern const struct dfx_tab_port dfx_tab_db_ports[];
extern const size_t dfx_tab_db_ports_n;

/* file-env.tsv */
struct dfx_tab_file_env {
	const char *image, *var, *suffix;
};
extern const struct dfx_tab_file_env dfx_tab_file_env[];
extern const size_t dfx_tab_file_env_n;

/* image-behaviour.tsv */
#include "dockfix/imagebehaviour.h"
extern const struct dfx_imagebehaviour dfx_tab_imagebehaviour[];
extern const size_t dfx_tab_imagebehaviour_n;

#endif
EOF

{
	echo "/* generated from $src by gentables.sh; do not edit */"
	echo "#include \"tables.h\""
	echo ""
} >"$tmpc"

# ------------------------------------------------------------------ eol.tsv

$AWK -F'\t' -v judged="$judged" "$lib"'
FILENAME ~ /eol-policy\.tsv$/ {
	if (skip())
		next
	need_fields(2)
	if ($2 != "os" && $2 != "major")
		fail("unknown policy \"" $2 "\"")
	policy[$1] = $2
	next
}
FNR == 1 {
	epass++
}
epass == 1 {
	# first read of eol.tsv: which images have a deprecated-image row
	if (FNR == 1) {
		for (i = 1; i <= NF; i++)
			if ($i == "image" || $i == "cycle")
				c0[$i] = i
	} else if ($c0["cycle"] ~ /^\*/) {
		deprecated_image[$c0["image"]] = 1
	}
	next
}
FNR == 1 {
	sub(/\r$/, "")
	ncol = NF
	for (i = 1; i <= NF; i++)
		col[$i] = i
	split("image cycle tag_patterns eol_date recommended_replacement_tag variant product extended_support_end minimal_upgrade_tag carry_tokens source", want, " ")
	for (i = 1; i in want; i++)
		if (!(want[i] in col))
			fail("no column " want[i])
	for (i = 1; i <= NF; i++)
		if ($i ~ /^supported_on_/)
			col["supported"] = i
	if (!("supported" in col))
		fail("no supported_on_ column")
	print "const struct dfx_tab_eol dfx_tab_eol[] = {"
	next
}
{
	sub(/\r$/, "")
	if ($0 == "")
		next
	need_fields(ncol)
	image = $col["image"]; cycle = $col["cycle"]; pat = $col["tag_patterns"]
	eols = $col["eol_date"]; sup = $col["supported"]; variant = $col["variant"]
	if (image == "" || cycle == "" || pat == "")
		fail("empty image, cycle or tag_patterns")
	if (variant !~ /^(default|slim|alpine|windowsservercore|nanoserver|any)$/)
		fail("unknown variant \"" variant "\"")
	if (sup != "yes" && sup != "no")
		fail("supported must be yes or no")
	if (eols == "none")
		eol = 0
	else if (eols == "unknown")
		eol = -1
	else
		eol = date_int(eols)
	ext = $col["extended_support_end"]
	if (ext == "")
		exte = 0
	else if (ext == "none")
		exte = 99991231
	else
		exte = date_int(ext)
	flags = ""
	if (cycle == "floating")
		flags = flags "|DFX_TAB_EOL_FLOATING"
	if (cycle ~ /major alias/)
		flags = flags "|DFX_TAB_EOL_ALIAS"
	if (cycle ~ /^\*/)
		flags = flags "|DFX_TAB_EOL_DEPRECATED"
	live = (eol == 0 || eol > judged)
	if (sup == "no" && live)
		flags = flags "|DFX_TAB_EOL_STALE"
	if (sup == "yes" && !live)
		fail("supported=yes but eol_date " eols " is not after " judged)
	if (sup == "yes" && cycle ~ /^\*/)
		fail("a deprecated image cannot be supported")
	if (image in deprecated_image && cycle != "floating")
		flags = flags "|DFX_TAB_EOL_IMAGE_DEPRECATED"
	if ($col["source"] ~ /^derived/)
		flags = flags "|DFX_TAB_EOL_DERIVED"
	product = $col["product"]
	if (policy[product] == "os")
		flags = flags "|DFX_TAB_EOL_OS"
	if (policy[product] == "major")
		flags = flags "|DFX_TAB_EOL_MAJOR"
	sub(/^\|/, "", flags)
	if (flags == "")
		flags = "0"
	carry = $col["carry_tokens"]
	if (carry != "" && carry !~ /^(after_version|at_end|exact_at_end):[a-z0-9.]+(,[a-z0-9.]+)*$/)
		fail("bad carry_tokens \"" carry "\"")
	printf "\t{%s, %s, %s, %s, %s, %s, %s, %s, %d, %d, %s},\n", cstr(image), cstr(cycle), cstr(pat), cstr($col["recommended_replacement_tag"]), cstr($col["minimal_upgrade_tag"]), cstr(variant), cstr(product), cstr(carry), eol, exte, flags
	n++
}
END {
	if (failed)
		exit 1
	if (n == 0) {
		print "eol.tsv: no rows" > "/dev/stderr"
		exit 1
	}
	print "};"
	print "const size_t dfx_tab_eol_n = " n ";"
	print ""
}
' "$src/eol-policy.tsv" "$src/eol.tsv" "$src/eol.tsv" >>"$tmpc"

# ------------------------------------------------------------------ policy, trust, floating tags

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_eol_policy dfx_tab_eol_policy[] = {" }
skip() { next }
{
	need_fields(2)
	printf "\t{%s, %s},\n", cstr($1), $2 == "os" ? "DFX_TAB_EOL_OS" : "DFX_TAB_EOL_MAJOR"
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_eol_policy_n = " n + 0 ";"
	print ""
}
' "$src/eol-policy.tsv" >>"$tmpc"

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_trusted dfx_tab_trusted[] = {" }
skip() { next }
{
	need_fields(2)
	if ($1 !~ /^[a-z0-9][a-z0-9.:-]*[a-z0-9](\/[a-z0-9][a-z0-9._-]*)*$/)
		fail("bad entry \"" $1 "\" (registry or registry/namespace, lower case)")
	if ($2 == "")
		fail("empty reason")
	if ($1 in seen)
		fail("duplicate entry " $1)
	seen[$1] = 1
	printf "\t{%s, %s},\n", cstr($1), cstr($2)
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_trusted_n = " n + 0 ";"
	print ""
}
' "$src/trusted-registries.tsv" >>"$tmpc"

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_floating dfx_tab_floating_tags[] = {" }
skip() { next }
{
	need_fields(3)
	if ($1 !~ /^[a-z][a-z0-9]*$/)
		fail("a floating tag word is lower-case letters and digits")
	if ($2 != "release" && $2 != "development")
		fail("kind must be release or development")
	if ($1 in seen)
		fail("duplicate word " $1)
	seen[$1] = 1
	printf "\t{%s, %d},\n", cstr($1), $2 == "development"
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_floating_tags_n = " n + 0 ";"
	print ""
}
' "$src/floating-tags.tsv" >>"$tmpc"

# ------------------------------------------------------------------ slim

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_slim dfx_tab_slim[] = {" }
skip() { next }
{
	need_fields(3)
	if ($2 != "append" && $2 != "after_version")
		fail("placement must be append or after_version")
	printf "\t{%s, %d, %s},\n", cstr($1), $2 == "after_version", cstr($3)
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_slim_n = " n + 0 ";"
	print ""
}
' "$src/slim-variants.tsv" >>"$tmpc"

# ------------------------------------------------------------------ names

$AWK "$lib"'
function phrase(cls,   i, t) {
	if (NF < 2 || NF - 1 > 4)
		fail("a phrase has 1 to 4 tokens")
	t = ""
	for (i = 2; i <= NF; i++) {
		if ($i !~ /^\*?[a-z0-9]+$/ || ($i ~ /^\*/ && NF != 2))
			fail("token \"" $i "\" must be lower-case letters and digits (\"*word\" alone)")
		t = t cstr($i) ", "
	}
	for (; i <= 5; i++)
		t = t "NULL, "
	sub(/, $/, "", t)
	phrases = phrases sprintf("\t{{%s}, %d, %s},\n", t, NF - 1, cls)
	np++
}
function word(kind) {
	if (NF != 2)
		fail(kind " takes one word")
	if (kind != "exact" && kind != "value" && $2 !~ /^[a-z0-9]+$/)
		fail("token \"" $2 "\" must be lower-case letters and digits")
	list[kind] = list[kind] "\t" cstr($2) ",\n"
	cnt[kind]++
}
skip() { next }
FILENAME ~ /secret-names\.txt$/ {
	if ($1 == "strong")
		phrase("DFX_TAB_NAME_STRONG")
	else if ($1 == "weak")
		phrase("DFX_TAB_NAME_WEAK")
	else
		fail("class must be strong or weak")
	next
}
{
	if ($1 == "phrase")
		phrase("DFX_TAB_NAME_EXEMPT")
	else if ($1 == "anywhere" || $1 == "suffix" || $1 == "weak-suffix" || $1 == "exact" || $1 == "value")
		word($1)
	else
		fail("unknown kind \"" $1 "\"")
}
function emit(kind, cname) {
	print "const char *const " cname "[] = {"
	printf "%s", list[kind]
	print "\tNULL,"
	print "};"
	print "const size_t " cname "_n = " cnt[kind] + 0 ";"
	print ""
}
END {
	if (failed)
		exit 1
	print "const struct dfx_tab_phrase dfx_tab_name_phrases[] = {"
	printf "%s", phrases
	print "};"
	print "const size_t dfx_tab_name_phrases_n = " np + 0 ";"
	print ""
	emit("anywhere", "dfx_tab_name_anywhere")
	emit("suffix", "dfx_tab_name_suffix")
	emit("weak-suffix", "dfx_tab_name_weak_suffix")
	emit("exact", "dfx_tab_name_exact")
	emit("value", "dfx_tab_inert_values")
}
' "$src/secret-names.txt" "$src/secret-exempt.txt" >>"$tmpc"

# ------------------------------------------------------------------ formats

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_format dfx_tab_formats[] = {" }
skip() { next }
{
	need_fields(3)
	if ($2 == "match")
		chk = "DFX_TAB_FMT_MATCH"
	else if ($2 == "userinfo")
		chk = "DFX_TAB_FMT_USERINFO"
	else if ($2 == "pem64")
		chk = "DFX_TAB_FMT_PEM64"
	else if ($2 == "benign")
		chk = "DFX_TAB_FMT_BENIGN"
	else
		fail("check must be match, userinfo, pem64 or benign")
	if ($1 == "" || $3 == "")
		fail("empty kind or pattern")
	printf "\t{%s, %s, %s},\n", cstr($1), chk, cstr($3)
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_formats_n = " n + 0 ";"
	print ""
}
' "$src/token-formats.tsv" >>"$tmpc"

# ------------------------------------------------------------------ weak passwords

$AWK "$lib"'
BEGIN { print "const char *const dfx_tab_weak_passwords[] = {" }
skip() { next }
{
	sub(/^[ \t]+/, "")
	sub(/[ \t]+$/, "")
	w = tolower($0)
	if (w in seen)
		fail("duplicate \"" w "\"")
	seen[w] = 1
	printf "\t%s,\n", cstr(w)
	n++
}
END {
	if (failed)
		exit 1
	print "\tNULL,"
	print "};"
	print "const size_t dfx_tab_weak_passwords_n = " n + 0 ";"
	print ""
}
' "$src/weak-passwords.txt" >>"$tmpc"

# ------------------------------------------------------------------ user vars

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_user_var dfx_tab_user_vars[] = {" }
skip() { next }
{
	need_fields(3)
	if ($1 !~ /^[A-Za-z_][A-Za-z0-9_]*$/)
		fail("bad variable name")
	printf "\t{%s, %s, %s},\n", cstr($1), cstr_or_null($2), cstr_or_null($3)
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_user_vars_n = " n + 0 ";"
	print ""
}
' "$src/user-vars.tsv" >>"$tmpc"

# ------------------------------------------------------------------ images

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_image_kind dfx_tab_db_images[] = {" }
skip() { next }
{
	need_fields(2)
	printf "\t{%s, %s},\n", cstr($1), cstr($2)
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_db_images_n = " n + 0 ";"
	print ""
}
' "$src/db-images.tsv" >>"$tmpc"

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_port dfx_tab_db_ports[] = {" }
skip() { next }
{
	need_fields(2)
	if ($1 !~ /^[0-9]+$/ || $1 + 0 < 1 || $1 + 0 > 65535)
		fail("bad port \"" $1 "\"")
	if ($1 in seen)
		fail("duplicate port " $1)
	seen[$1] = 1
	printf "\t{%du, %s},\n", $1, cstr($2)
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_db_ports_n = " n + 0 ";"
	print ""
}
' "$src/db-ports.tsv" >>"$tmpc"

$AWK -F'\t' "$lib"'
BEGIN { print "const struct dfx_tab_file_env dfx_tab_file_env[] = {" }
skip() { next }
{
	need_fields(3)
	if ($3 != "_FILE" && $3 != "__FILE")
		fail("suffix must be _FILE or __FILE")
	printf "\t{%s, %s, %s},\n", cstr($1), cstr($2), cstr($3)
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_file_env_n = " n + 0 ";"
	print ""
}
' "$src/file-env.tsv" >>"$tmpc"

$AWK -F'\t' "$lib"'
function opt(s) {
	return s == "-" ? "NULL" : cstr(s)
}
BEGIN { print "const struct dfx_imagebehaviour dfx_tab_imagebehaviour[] = {" }
skip() { next }
{
	need_fields(19)
	if ($6 != "yes" && $6 != "no" && $6 != "partial")
		fail("nonroot must be yes, no or partial")
	if ($12 !~ /^[0-9]+$/)
		fail("port must be a number")
	if ($19 != "server" && $19 != "shell" && $19 != "-")
		fail("cmd must be server, shell or -")
	printf "\t{%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s},\n", cstr($1), cstr($2), cstr($3), opt($4), opt($5), cstr($6), opt($7), opt($8), opt($9), opt($10), opt($11), $12 + 0, opt($13), opt($14), opt($15), opt($16), opt($17), opt($18), opt($19)
	n++
}
END {
	if (failed)
		exit 1
	print "};"
	print "const size_t dfx_tab_imagebehaviour_n = " n + 0 ";"
}
' "$src/image-behaviour.tsv" >>"$tmpc"

mv "$tmph" "$h"
mv "$tmpc" "$c"
trap - EXIT
