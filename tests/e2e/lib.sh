# lib.sh - what the end-to-end scripts share (sourced, with the dockfix
# binary as $1): a scratch folder removed on exit, counters, and the checks.
#   expect NAME RC CMD...   run CMD in $tmp/w; out and err in $tmp/out, $tmp/err
#   has / hasnt NAME FILE RE       a basic regular expression is (not) in FILE
#   hasf / hasntf NAME FILE TEXT   the same for a fixed string
#   fresh                          an empty $tmp/w
# Each script ends with `summary NAME`, which prints the counts and sets
# the exit status.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0
fail=0
export NO_COLOR=1
AS="--as-of 2026-11-28"

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $1"
	fail=$((fail + 1))
}
expect() {
	name=$1
	want=$2
	shift 2
	(cd "$tmp/w" && "$@") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ]; then ok; else
		bad "$name: exit $rc, want $want"
		head -5 "$tmp/out" "$tmp/err"
	fi
}
_has() { # FLAGS NAME FILE PATTERN
	if grep -q $1 -- "$4" "$3"; then ok; else
		bad "$2: '$4' not in $(basename "$3")"
		head -10 "$3"
	fi
}
_hasnt() {
	if grep -q $1 -- "$4" "$3"; then
		bad "$2: '$4' unexpectedly in $(basename "$3")"
		grep $1 -- "$4" "$3" | head -3
	else ok; fi
}
has() { _has -G "$@"; }
hasnt() { _hasnt -G "$@"; }
hasf() { _has -F "$@"; }
hasntf() { _hasnt -F "$@"; }
fresh() {
	rm -rf "$tmp/w"
	mkdir -p "$tmp/w"
}
summary() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
