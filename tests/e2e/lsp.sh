#!/bin/sh
# lsp.sh DOCKFIX - `dockfix lsp` driven by a real LSP client: the reference
# client library (vscode-languageserver-protocol, pinned in
# tests/lsp/package-lock.json) run by Node.js (tests/lsp/client.mjs).
# The library is installed from the npm registry into build/lsp-client on
# first use; without Node.js or the registry the check is skipped with a
# message, unless DOCKFIX_REQUIRE_LSP_CLIENT=1 (CI) makes that a failure.
set -u
skip() {
	echo "lsp: skipped ($1)"
	[ "${DOCKFIX_REQUIRE_LSP_CLIENT:-0}" = 1 ] && { echo "lsp: FAIL: DOCKFIX_REQUIRE_LSP_CLIENT=1"; exit 1; }
	exit 0
}
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/../lsp" && pwd)
cache=$(dirname "$bin")/lsp-client
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	skip "needs Node.js and npm for the reference LSP client"
fi
if ! cmp -s "$src/package-lock.json" "$cache/package-lock.json" 2>/dev/null || [ ! -d "$cache/node_modules" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	cp "$src/package.json" "$src/package-lock.json" "$cache/"
	if ! (cd "$cache" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
		rm -rf "$cache/node_modules"
		skip "cannot install the LSP client library from the npm registry; see $cache/npm.log"
	fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/client.mjs" "$cache/client.mjs"
timeout 120 node "$cache/client.mjs" "$bin" "$tmp"
