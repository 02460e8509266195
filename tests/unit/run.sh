#!/bin/sh
# tests/unit/run.sh BIN... - run every cmocka test binary; print one summary
# line (binaries passed/failed) and the output of the ones that failed.
fail=0
total=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	total=$((total + 1))
	if ! "$t" >"$log" 2>&1; then
		cat "$log"
		echo "FAILED: $t"
		fail=$((fail + 1))
	fi
done
echo "unit: $((total - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
