#!/bin/sh
# bench.sh DOCKFIX - a benchmark, not a test: time one dockfix process
# auditing (and, second, computing every fix for) the whole shared corpus.
# Prints files/s, MB/s and peak memory (max RSS).
set -u
bin=$1
corpus=${DFX_CORPUS:-../shared/corpus}
if [ ! -d "$corpus" ]; then
	echo "bench: skipped: $corpus not found"
	exit 0
fi
list=$(mktemp)
trap 'rm -f "$list"' EXIT
ls -d "$corpus"/dockerfiles/* "$corpus"/compose/* >"$list"
nfiles=$(wc -l <"$list")
bytes=$(xargs cat <"$list" | wc -c)
for mode in audit diff; do
	flag=
	[ $mode = diff ] && flag="--diff --unsafe-fixes"
	best=
	for run in 1 2 3; do
		out=$( { /usr/bin/env time -f '%e %M' xargs -a "$list" "$bin" --as-of 2026-11-28 -q $flag >/dev/null 2>/dev/null; } 2>&1 | tail -1)
		secs=${out% *}
		rss=${out#* }
		if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestrss=$rss; fi
	done
	awk -v m=$mode -v n="$nfiles" -v b="$bytes" -v s="$best" -v r="$bestrss" 'BEGIN {
		if (s <= 0) s = 0.001;
		printf "bench %-5s: %d files, %.1f MB in %.2f s (best of 3): %.0f files/s, %.1f MB/s, peak RSS %.1f MB\n",
			m, n, b / 1e6, s, n / s, b / 1e6 / s, r / 1024 }'
done
