#!/bin/sh
# bench.sh DOCKFIX - a benchmark, not a test: time one dockfix process
# auditing (and, second, computing every fix for) the whole shared corpus.
# Prints files/s, MB/s and peak memory (max RSS).
set -u
bin=$1
corpus=${DFX_CORPUS:-../shared/corpus}
if [ ! -x /usr/bin/time ]; then
	echo "bench: skipped: /usr/bin/time (Debian package time) is not installed"
	exit 0
fi
if [ ! -d "$corpus" ]; then
	echo "bench: skipped: $corpus not found"
	exit 0
fi
list=$(mktemp)
trap 'rm -f "$list" "$list.time"' EXIT
ls -d "$corpus"/dockerfiles/* "$corpus"/compose/* >"$list"
nfiles=$(wc -l <"$list")
bytes=$(xargs cat <"$list" | wc -c)
for mode in audit diff; do
	flag=
	[ $mode = diff ] && flag="--diff --unsafe-fixes"
	best=
	for run in 1 2 3; do
		/usr/bin/env time -o "$list.time" -f '%e %M' xargs -n 100000 -s 2000000 -a "$list" "$bin" --as-of 2026-11-28 -q $flag >/dev/null 2>/dev/null
		out=$(tail -1 "$list.time")
		secs=${out% *}
		rss=${out#* }
		if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestrss=$rss; fi
	done
	awk -v m=$mode -v n="$nfiles" -v b="$bytes" -v s="$best" -v r="$bestrss" 'BEGIN {
		if (s <= 0) s = 0.001;
		printf "bench %-5s: %d files, %.1f MB in %.2f s (best of 3): %.0f files/s, %.1f MB/s, peak RSS %.1f MB\n",
			m, n, b / 1e6, s, n / s, b / 1e6 / s, r / 1024 }'
done
