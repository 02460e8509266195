#!/bin/sh
# jobs.sh DOCKFIX - `-j N` changes the wall time, never the output: stdout,
# stderr and exit status of -j 1 and -j 4 are compared byte for byte
#   - on every golden case with its own arguments: audit (json), --diff,
#     --diff --unsafe-fixes;
#   - on all golden cases copied into one project (hundreds of targets,
#     files shared between them): audit in every --format, --diff,
#     --diff --unsafe-fixes, and the trees --write and --write
#     --unsafe-fixes leave (generated passwords aside).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
export GIT_CEILING_DIRECTORIES=$tmp
unset GITHUB_STEP_SUMMARY

# same NAME DIR ARGS...: the run at -j 1 and at -j 4 give the same bytes
same() {
	name=$1
	dir=$2
	shift 2
	for j in 1 4; do
		(cd "$dir" && "$bin" -j $j "$@" >"$tmp/out.$j" 2>"$tmp/err.$j"; echo "exit: $?" >>"$tmp/out.$j")
	done
	if cmp -s "$tmp/out.1" "$tmp/out.4" && cmp -s "$tmp/err.1" "$tmp/err.4"; then ok; else
		bad "$name: -j 1 and -j 4 differ"
		diff "$tmp/out.1" "$tmp/out.4" | head -5
		diff "$tmp/err.1" "$tmp/err.4" | head -5
	fi
}

cases=$(cd "$top/golden" && for d in */*/; do d=${d%/}; case $d in init/*) ;; *) echo "$d";; esac; done)
for c in $cases; do
	d=$top/golden/$c
	args=.
	[ -f "$d/cmd" ] && args=$(cat "$d/cmd")
	case " $args " in *" inspect "*|*" rules "*|*" init "*) continue;; esac
	# shellcheck disable=SC2086
	same "$c json" "$d" --format json $args
	if [ -f "$d/expected.diff" ]; then
		# shellcheck disable=SC2086
		same "$c --diff" "$d" --diff $args
		# shellcheck disable=SC2086
		same "$c --diff --unsafe-fixes" "$d" --diff --unsafe-fixes $args
	fi
done

# one project of every case
mkdir -p "$tmp/p"
for c in $cases; do
	mkdir -p "$tmp/p/$c"
	(cd "$top/golden/$c" && tar cf - --exclude=expected.txt --exclude=expected.diff --exclude=cmd .) |
		(cd "$tmp/p/$c" && tar xf -)
done
for fmt in text json sarif github gitlab checklist; do
	same "project --format $fmt" "$tmp/p" $AS --format $fmt .
done
same "project --statistics" "$tmp/p" $AS --statistics .
same "project --diff" "$tmp/p" $AS --diff .
same "project --diff --unsafe-fixes" "$tmp/p" $AS --diff --unsafe-fixes .
# generated passwords are fresh in every run: the files that hold them
# differ between two runs at -j 1 as well; every other byte must not
for u in "" --unsafe-fixes; do
	for j in 1 1b 4; do
		rm -rf "$tmp/w$j"
		cp -a "$tmp/p" "$tmp/w$j"
		# shellcheck disable=SC2086
		(cd "$tmp/w$j" && "$bin" -j ${j%b} $AS --write $u . >"$tmp/wout.$j" 2>"$tmp/werr.$j")
	done
	(cd "$tmp" && diff -rq w1 w1b | sed 's/w1b/W/g; s/w1/W/g' >"$tmp/d11")
	(cd "$tmp" && diff -rq w1 w4 | sed 's/w4/W/g; s/w1/W/g' >"$tmp/d14")
	if cmp -s "$tmp/d11" "$tmp/d14" && cmp -s "$tmp/wout.1" "$tmp/wout.4" &&
		cmp -s "$tmp/werr.1" "$tmp/werr.4"; then ok; else
		bad "project --write $u: -j 1 and -j 4 differ"
		diff "$tmp/d11" "$tmp/d14" | head -5
	fi
done

summary jobs
