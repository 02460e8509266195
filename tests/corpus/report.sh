#!/bin/sh
# corpus_report.sh DOCKFIX - run dockfix over ../shared/corpus and print the
# number of findings (and files hit) per rule: the raw material for
# precision reviews. Not a test.
set -eu
bin=$1
corpus=${DFX_CORPUS:-../shared/corpus}
if [ ! -d "$corpus" ]; then
	echo "corpus-report: skipped: $corpus not found"
	exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ls -d "$corpus"/dockerfiles/* "$corpus"/compose/* |
	xargs -n 300 "$bin" --as-of 2026-11-28 --format json --fail-on none 2>/dev/null >"$out" || true
# one JSON document per dockfix process; a finding is one line
grep -o '"code":"[A-Z0-9]*","name":"[^"]*","severity":"[a-z]*","file":"[^"]*"' "$out" |
	sed 's/"code":"\([^"]*\)","name":"\([^"]*\)","severity":"\([^"]*\)","file":"\([^"]*\)"/\1 \2 \3 \4/' |
	awk '{ n[$1]++; name[$1] = $2; sev[$1] = $3; if (!seen[$1 SUBSEP $4]++) files[$1]++ }
	     END { for (c in n) printf "%-6s %-40s %-9s %6d findings in %5d files\n", c, name[c], sev[c], n[c], files[c] }' |
	sort
echo "files: $(ls -d "$corpus"/dockerfiles/* "$corpus"/compose/* | wc -l)"
