# lib.sh - helpers of the benchmarks (sourced): CPU seconds and peak RSS of
# one command, best of $DFX_BENCH_RUNS (default 3) runs.
#   cpu_of CMD...   sets $cpu (user+sys seconds) and $rss (peak KB)
cpu_of() {
	cpu=
	rss=
	_r=0
	while [ $_r -lt "${DFX_BENCH_RUNS:-3}" ]; do
		/usr/bin/env time -o "$tmp/time" -f '%U %S %M' "$@" >/dev/null 2>&1
		_t=$(tail -1 "$tmp/time")
		_c=$(echo "$_t" | awk '{printf "%.3f", $1 + $2}')
		_m=$(echo "$_t" | awk '{print $3}')
		if [ -z "$cpu" ] || awk "BEGIN{exit !($_c < $cpu)}"; then cpu=$_c; fi
		if [ -z "$rss" ] || [ "$_m" -gt "$rss" ]; then rss=$_m; fi
		_r=$((_r + 1))
	done
	# time(1) rounds to 10 ms: never divide by zero
	awk "BEGIN{exit !($cpu < 0.01)}" && cpu=0.01
	return 0
}

# goal NAME VALUE OP LIMIT: one line "goal NAME: VALUE (OP LIMIT) met|NOT met"
goal() {
	awk -v n="$1" -v v="$2" -v op="$3" -v l="$4" 'BEGIN {
		ok = (op == "<=") ? (v <= l) : (v >= l);
		printf "goal %-34s %8.2f  (%s %s)  %s\n", n ":", v, op, l, ok ? "met" : "NOT met" }'
}
