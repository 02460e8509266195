#!/bin/sh
# man_rules.sh DOCKFIX [--update] - the rule list in dockfix.1 between the
# `.\" rules-list` markers must be what `dockfix rules` says (as
# readme_rules.sh does for README.md's table). With --update, rewrite it;
# otherwise fail when it is out of date.
set -eu
bin=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
man=$here/dockfix.1
list=$(mktemp)
new=$(mktemp)
trap 'rm -f "$list" "$new"' EXIT
# One .TP entry a rule; '\' and '-' escaped for roff, a leading '.' or '\''
# kept from being read as a request.
"$bin" rules | awk 'NR > 1 {
	code = $1; name = $2; sev = $3; fix = $4
	$1 = $2 = $3 = $4 = ""
	sub(/^ +/, "")
	s = $0
	gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); gsub(/-/, "\\-", name)
	sub(/^[.'"'"']/, "\\\\\\&&", s)
	printf ".TP\n.B %s %s\n%s; fix: %s.\n%s\n", code, name, sev, fix == "-" ? "none" : fix, s
}' >"$list"
awk -v t="$list" '
	/^\.\\" rules-list$/ { print; while ((getline l < t) > 0) print l; skip = 1; next }
	/^\.\\" \/rules-list$/ { skip = 0 }
	!skip { print }
' "$man" >"$new"
if ! grep -q '^\.\\" /rules-list$' "$new"; then
	echo "man: 0 passed, 1 failed (no rules-list markers in dockfix.1)"
	exit 1
fi
if [ "${2:-}" = "--update" ]; then
	cp "$new" "$man"
	echo "man: rule list updated"
elif cmp -s "$new" "$man"; then
	echo "man: 1 passed, 0 failed"
else
	diff -u "$man" "$new" | head -20
	echo "man: 0 passed, 1 failed (run: make readme)"
	exit 1
fi
