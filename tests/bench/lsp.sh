#!/bin/sh
# lsp.sh DOCKFIX - runs tests/bench/lsp.mjs with the LSP client library
# that tests/e2e/lsp.sh installs (build/lsp-client); skips without it.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cache=$(cd "$(dirname "$0")/../.." && pwd)/build/lsp-client
if ! command -v node >/dev/null 2>&1 || [ ! -d "$cache/node_modules" ]; then
	echo "bench lsp: skipped (run make e2e first: it installs the LSP client library into $cache)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$(dirname "$0")/lsp.mjs" "$cache/bench-lsp.mjs"
timeout 300 node "$cache/bench-lsp.mjs" "$bin" "$tmp"
