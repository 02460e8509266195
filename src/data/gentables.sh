#!/bin/sh
# gentables.sh SRCDIR OUTDIR - turn the data tables of SRCDIR into C
# (OUTDIR/tables.c and OUTDIR/tables.h). Tables are data, not code.
set -eu
src=$1
out=$2
h=$out/tables.h
c=$out/tables.c
{
	echo "/* generated from $src by gentables.sh; do not edit */"
	echo "#ifndef DOCKFIX_TABLES_H"
	echo "#define DOCKFIX_TABLES_H"
	echo "#include <stddef.h>"
	echo "#endif"
} >"$h.tmp"
{
	echo "/* generated from $src by gentables.sh; do not edit */"
	echo "#include \"tables.h\""
	echo "typedef int dfx_tables_nonempty_;"
} >"$c.tmp"
mv "$h.tmp" "$h"
mv "$c.tmp" "$c"
