#!/bin/sh
# run.sh DOCKFIX - a benchmark, not a test (`make bench`): the CPU time
# (user+sys, best of 3, one thread: -j 1) of one dockfix process over the whole shared corpus,
# audit, --diff and --diff --unsafe-fixes, each against `cat` of the same
# files in the same run and with libyaml's event parser as a floor; the
# synthetic worst cases against half their size; -j 2 against -j 1 (wall
# time); one small file. Prints one "goal" line per goal of the README's
# "Performance" section, "met" or "NOT met".
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
corpus=${DFX_CORPUS:-../shared/corpus}
if [ ! -x /usr/bin/time ]; then
	echo "bench: skipped: /usr/bin/time (Debian package time) is not installed"
	exit 0
fi
if [ ! -d "$corpus" ]; then
	echo "bench: skipped: $corpus not found"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/lib.sh"
ls -d "$corpus"/dockerfiles/* "$corpus"/compose/* | LC_ALL=C sort >"$tmp/list"
grep -E '\.ya?ml$' "$tmp/list" >"$tmp/yaml"
nfiles=$(wc -l <"$tmp/list")
bytes=$(xargs cat <"$tmp/list" | wc -c)
set -- xargs -n 100000 -s 2000000 -a "$tmp/list" "$bin" --as-of 2026-11-28 -q -j 1

cpu_of xargs -n 100000 -s 2000000 -a "$tmp/list" cat
cat_cpu=$cpu
cpu_of xargs -n 100000 -s 2000000 -a "$tmp/yaml" cat
ycat_cpu=$cpu
floor=
if cc -O2 -o "$tmp/yamlfloor" "$here/yamlfloor.c" $(pkg-config --cflags --libs yaml-0.1) 2>/dev/null; then
	cpu_of xargs -n 100000 -s 2000000 -a "$tmp/yaml" "$tmp/yamlfloor"
	floor=$cpu
fi
printf 'bench corpus: %d files, %.1f MB; cat %.2f s CPU' "$nfiles" "$(echo "$bytes" | awk '{print $1/1e6}')" "$cat_cpu"
[ -n "$floor" ] && printf '; floor: libyaml events over the compose files %.2fx their cat' \
	"$(awk "BEGIN{print $floor / $ycat_cpu}")"
echo
for mode in audit diff unsafe; do
	case $mode in
	audit) cpu_of "$@"; limit=3 ;;
	diff) cpu_of "$@" --diff; limit=6 ;;
	unsafe) cpu_of "$@" --diff --unsafe-fixes; limit=8 ;;
	esac
	printf 'bench %-6s: %.2f s CPU, %.0f files/s, peak RSS %.1f MB\n' "$mode" "$cpu" \
		"$(awk "BEGIN{print $nfiles / $cpu}")" "$(awk "BEGIN{print $rss / 1024}")"
	goal "$mode CPU / cat CPU" "$(awk "BEGIN{print $cpu / $cat_cpu}")" "<=" $limit
done

# -j: wall time on the whole corpus, and the same bytes
for j in 1 2; do
	best=
	for r in 1 2 3; do
		/usr/bin/env time -o "$tmp/time" -f '%e' xargs -n 100000 -s 2000000 -a "$tmp/list" "$bin" \
			--as-of 2026-11-28 -q --diff --unsafe-fixes -j $j >"$tmp/out.$j" 2>&1
		w=$(tail -1 "$tmp/time")
		if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; fi
	done
	eval wall$j=$best
done
cmp -s "$tmp/out.1" "$tmp/out.2" && same=identical || same=DIFFERENT
printf 'bench -j: -j 1 %.2f s, -j 2 %.2f s wall (%d cores), output %s\n' "$wall1" "$wall2" "$(nproc)" "$same"
goal "-j 2 wall / -j 1 wall" "$(awk "BEGIN{w = $wall1 > 0 ? $wall1 : 0.01; print $wall2 / w}")" "<=" 0.6

# one small file
small=$(awk 'NR == 1' "$tmp/yaml")
cat >"$tmp/loop.sh" <<LOOP
i=0
while [ \$i -lt 100 ]; do "$bin" --as-of 2026-11-28 -q "$small" >/dev/null 2>&1; i=\$((i + 1)); done
LOOP
cpu_of sh "$tmp/loop.sh"
goal "one small file, ms CPU" "$(awk "BEGIN{print $cpu * 10}")" "<=" 2

# synthetic worst cases: the full size against half of it (linear: 2x)
for c in "services 5000" "passwords 10000" "ports 50000" "envsecrets 10000" "bigdf 1024"; do
	set -- $c
	f1=$(sh "$here/synth.sh" "$1" $(($2 / 2)) "$tmp/s1/$1")
	f2=$(sh "$here/synth.sh" "$1" "$2" "$tmp/s2/$1")
	DFX_BENCH_RUNS=1 cpu_of timeout 300 "$bin" --as-of 2026-11-28 -q --diff --unsafe-fixes "$f1"
	c1=$cpu
	DFX_BENCH_RUNS=1 cpu_of timeout 600 "$bin" --as-of 2026-11-28 -q --diff --unsafe-fixes "$f2"
	c2=$cpu
	printf 'bench synthetic %-10s: %6d: %.2f s, %6d: %.2f s CPU (--diff --unsafe-fixes), peak RSS %.1f MB\n' \
		"$1" $(($2 / 2)) "$c1" "$2" "$c2" "$(awk "BEGIN{print $rss / 1024}")"
	goal "synthetic $1: (2x size)/(2x linear)" "$(awk "BEGIN{print $c2 / (2 * $c1)}")" "<=" 2
done
