#!/bin/sh
# demo.sh - what `make demo` shows: dockfix auditing the bundled insecure
# example, then the fixes it would make as a unified diff. Nothing in
# examples/ is modified.
set -u
cd "$(dirname "$0")/insecure-app" || exit 2
bin=../../dockfix
echo "\$ dockfix examples/insecure-app"
echo
"$bin" --as-of 2026-11-28 .
echo
echo "\$ dockfix --diff --unsafe-fixes examples/insecure-app"
echo
"$bin" --as-of 2026-11-28 --diff --unsafe-fixes .
echo
echo "(apply with: dockfix --write --unsafe-fixes examples/insecure-app)"
exit 0
