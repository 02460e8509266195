#!/bin/sh
# scale.sh DOCKFIX - `make bench-scale`, a benchmark, not a test: audit CPU
# time and peak RSS of one process over 1x, 2x, 4x and 16x copies of the
# shared corpus (symbolic links in a temporary folder), against the 1x run.
# A size whose projected memory passes DFX_BENCH_MAX_MB (default 2048) is
# skipped with a message (the machine is shared).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(cd "${DFX_CORPUS:-../shared/corpus}" 2>/dev/null && pwd) || {
	echo "bench-scale: skipped: corpus not found"
	exit 0
}
[ -x /usr/bin/time ] || { echo "bench-scale: skipped: /usr/bin/time is not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/lib.sh"
ulimit -s 65536 2>/dev/null # a 16x argument list needs more than 2 MB
max=${DFX_BENCH_MAX_MB:-2048}
k=1
while [ $k -le 16 ]; do
	for sub in dockerfiles compose; do
		mkdir -p "$tmp/c/$k/$sub"
		(cd "$corpus/$sub" && ls) | while read -r n; do ln -s "$corpus/$sub/$n" "$tmp/c/$k/$sub/$n"; done
	done
	k=$((k + 1))
done
cd "$tmp/c"
base=
prev_rss=0
prev_n=1
printf '%-5s %7s %9s %9s %10s\n' copies files "CPU s" "x 1x" "peak MB"
for n in 1 2 4 16; do
	if [ $prev_rss -gt 0 ] && [ $((prev_rss / 1024 * n / prev_n)) -gt "$max" ]; then
		echo "${n}x: skipped: projected peak RSS $((prev_rss / 1024 * n / prev_n)) MB > DFX_BENCH_MAX_MB=$max"
		continue
	fi
	i=1
	: >"$tmp/list"
	while [ $i -le $n ]; do
		ls -d $i/dockerfiles/* $i/compose/* >>"$tmp/list"
		i=$((i + 1))
	done
	DFX_BENCH_RUNS=${DFX_BENCH_RUNS:-2} cpu_of xargs -n 1000000 -s 16000000 -a "$tmp/list" "$bin" --as-of 2026-11-28 -q -j 1
	[ -z "$base" ] && base=$cpu
	printf '%-5s %7d %9.2f %9.2f %10.1f\n' "${n}x" "$(wc -l <"$tmp/list")" "$cpu" \
		"$(awk "BEGIN{print $cpu / $base}")" "$(awk "BEGIN{print $rss / 1024}")"
	case $n in 2) l=2.1 ;; 4) l=4.2 ;; 16) l=17 ;; *) l= ;; esac
	[ -n "$l" ] && goal "${n}x corpus CPU / 1x" "$(awk "BEGIN{print $cpu / $base}")" "<=" $l
	goal "${n}x corpus peak RSS MB" "$(awk "BEGIN{print $rss / 1024}")" "<=" 64
	prev_rss=$rss
	prev_n=$n
done
