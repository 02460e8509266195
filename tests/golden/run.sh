#!/bin/sh
# tests/golden/run.sh DOCKFIX [--update] [CASE...]
#
# Golden cases are data, grouped by the rule they are about (or by
# format/, inspect/): golden/<GROUP>/<case>/ holds input files, `cmd` (the
# arguments after `dockfix`, run inside the case folder; default `.`),
# `expected.txt` (stdout of the audit, then "exit: N") and, when the case
# has fixes, `expected.diff` (stdout of --diff, then "exit: N").
# For every case with a diff it also proves, on scratch copies:
#   - `git apply` and `patch -p1` accept the diff;
#   - `--write` gives exactly what applying the diff gives (secret files,
#     which the diff never shows, aside);
#   - a second `--write` changes nothing and `--diff` is then empty (exit 0).
# golden/init/ belongs to tests/e2e/init.sh and is skipped here.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
root=$(pwd)/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
export NO_COLOR=1
# the source root of SARIF, GitHub and GitLab reports is the case folder,
# not this repository (the search for .git stops below golden/); no job
# summary is written into a CI run's own
GIT_CEILING_DIRECTORIES=$root
export GIT_CEILING_DIRECTORIES
unset GITHUB_STEP_SUMMARY

cases=$*
if [ -z "$cases" ]; then
	cases=$(cd "$root" && for d in */*/; do d=${d%/}; case $d in init/*) ;; *) echo "$d";; esac; done)
fi

run() { # dir args... -> stdout + exit line
	dir=$1
	shift
	(cd "$dir" && "$bin" "$@" 2>/dev/null; echo "exit: $?") | sed "s|file://$(cd "$dir" && pwd)/|file:///GOLDEN/|g"
}

failed() {
	echo "FAIL golden/$1: $2"
	fail=$((fail + 1))
}

for c in $cases; do
	d=$root/$c
	[ -d "$d" ] || { failed "$c" "no such case"; continue; }
	args=.
	[ -f "$d/cmd" ] && args=$(cat "$d/cmd")
	# shellcheck disable=SC2086
	run "$d" $args >"$tmp/out.txt"
	if [ $update = 1 ]; then
		cp "$tmp/out.txt" "$d/expected.txt"
	elif ! cmp -s "$tmp/out.txt" "$d/expected.txt"; then
		failed "$c" "audit output differs"
		diff -u "$d/expected.txt" "$tmp/out.txt" | head -40
		continue
	fi
	case " $args " in *" inspect "* | *" rules "* | *" explain "* | *" init "*) pass=$((pass + 1)); continue ;; esac
	# shellcheck disable=SC2086
	run "$d" --diff $args >"$tmp/out.diff"
	if [ $update = 1 ]; then
		if grep -q '^exit: 0$' "$tmp/out.diff" && [ "$(wc -l <"$tmp/out.diff")" -eq 1 ]; then
			rm -f "$d/expected.diff"
		else
			cp "$tmp/out.diff" "$d/expected.diff"
		fi
	elif [ -f "$d/expected.diff" ]; then
		if ! cmp -s "$tmp/out.diff" "$d/expected.diff"; then
			failed "$c" "--diff output differs"
			diff -u "$d/expected.diff" "$tmp/out.diff" | head -40
			continue
		fi
	elif [ "$(cat "$tmp/out.diff")" != "exit: 0" ]; then
		failed "$c" "unexpected diff"
		head -20 "$tmp/out.diff"
		continue
	fi
	sed '$d' "$tmp/out.diff" >"$tmp/patch"
	if [ -s "$tmp/patch" ]; then
		rm -rf "$tmp/a" "$tmp/b" "$tmp/p"
		mkdir -p "$tmp/a" "$tmp/b" "$tmp/p"
		(cd "$d" && tar cf - --exclude=expected.txt --exclude=expected.diff --exclude=cmd .) | (cd "$tmp/a" && tar xf -)
		cp -R "$tmp/a/." "$tmp/b/"
		cp -R "$tmp/a/." "$tmp/p/"
		if ! (cd "$tmp/a" && git init -q . && git apply "$tmp/patch" 2>"$tmp/err"); then
			failed "$c" "git apply rejects the diff: $(cat "$tmp/err")"
			continue
		fi
		rm -rf "$tmp/a/.git"
		if ! (cd "$tmp/p" && patch -s -p1 <"$tmp/patch" >"$tmp/err" 2>&1); then
			failed "$c" "patch -p1 rejects the diff: $(cat "$tmp/err")"
			continue
		fi
		# shellcheck disable=SC2086
		(cd "$tmp/b" && "$bin" --write $args >/dev/null 2>"$tmp/werr")
		# secret files are created by --write but never shown in the diff
		for s in $(cd "$tmp/b" && grep -o 'created [^ ]*' "$tmp/werr" | sed 's/created //'); do
			if grep -q "created $s (mode [0-7]*): a generated secret" "$tmp/werr" && [ ! -e "$tmp/a/$s" ]; then
				rm -f "$tmp/b/$s"
			fi
		done
		# existing files that --write added a secret to are not in the diff either
		for s in $(grep -o '^updated [^ ]*: a secret' "$tmp/werr" | sed 's/^updated //; s/: a secret$//'); do
			cp "$d/$s" "$tmp/b/$s"
		done
		# a folder that held only secret files is left empty: compare without empty folders
		find "$tmp/a" "$tmp/b" -depth -type d -empty -delete
		if ! diff -r "$tmp/a" "$tmp/b" >"$tmp/err"; then
			failed "$c" "--write differs from the applied diff"
			head -20 "$tmp/err"
			continue
		fi
		# idempotence on a fresh copy: write twice
		rm -rf "$tmp/b"
		mkdir -p "$tmp/b"
		(cd "$d" && tar cf - --exclude=expected.txt --exclude=expected.diff --exclude=cmd .) | (cd "$tmp/b" && tar xf -)
		# shellcheck disable=SC2086
		(cd "$tmp/b" && "$bin" --write $args >/dev/null 2>&1)
		cp -R "$tmp/b" "$tmp/b1"
		# shellcheck disable=SC2086
		(cd "$tmp/b" && "$bin" --write $args >/dev/null 2>&1)
		if ! diff -r "$tmp/b1" "$tmp/b" >"$tmp/err"; then
			failed "$c" "a second --write changed something"
			head -20 "$tmp/err"
			rm -rf "$tmp/b1"
			continue
		fi
		rm -rf "$tmp/b1"
		# shellcheck disable=SC2086
		run "$tmp/b" --diff $args >"$tmp/after"
		if [ "$(cat "$tmp/after")" != "exit: 0" ]; then
			failed "$c" "--diff after --write is not empty"
			head -20 "$tmp/after"
			continue
		fi
	fi
	pass=$((pass + 1))
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
