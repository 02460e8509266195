#!/bin/sh
# readme_rules.sh DOCKFIX [--update] - the rule table in README.md between
# <!-- rules-table --> markers must be what `dockfix rules --format markdown`
# says. With --update, rewrite it; otherwise fail when it is out of date.
# Each row carries an anchor, the lower-case code (`#df201`): the helpUri
# of the rule in SARIF reports.
set -eu
bin=$1
table=$(mktemp)
new=$(mktemp)
trap 'rm -f "$table" "$new"' EXIT
"$bin" rules --format markdown >"$table"
awk -v t="$table" '
	/<!-- rules-table -->/ { print; while ((getline l < t) > 0) print l; skip = 1; next }
	/<!-- \/rules-table -->/ { skip = 0 }
	!skip { print }
' README.md >"$new"
if [ "${2:-}" = "--update" ]; then
	cp "$new" README.md
	echo "readme: rule table updated"
elif cmp -s "$new" README.md; then
	echo "readme: 1 passed, 0 failed"
else
	diff -u README.md "$new" | head -20
	echo "readme: 0 passed, 1 failed (run: make readme)"
	exit 1
fi
