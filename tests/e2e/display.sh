#!/bin/sh
# display.sh DOCKFIX - what dockfix shows of a file is safe to show: the
# source line under a parse error has its secrets redacted (a file that did
# not parse has no findings to say where its secrets are), and control
# characters of source lines, messages and file names are escaped in every
# text output, so no ESC sequence reaches a terminal and no newline in a
# folder name starts a CI workflow command.
. "$(dirname "$0")/lib.sh"
ESC=$(printf '\033')
BEL=$(printf '\007')

# ---------------------------------------------------------------- parse errors
fresh
key=sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv
printf 'services:\n  web:\n    image: nginx:1.27\n    environment:\n      STRIPE_API_KEY: %s: [\n' "$key" >"$tmp/w/compose.yaml"
expect "yaml error" 2 "$bin" $AS compose.yaml
hasf "yaml error position" "$tmp/err" "compose.yaml:5:"
hasf "yaml error line shown" "$tmp/err" "5 |       STRIPE_API_KEY: sk_l"
hasntf "yaml error redacts" "$tmp/err" "$key"
hasntf "yaml error redacts any part past the kept prefix" "$tmp/err" "51HxYz"

fresh
printf 'services:\n  db:\n    image: postgres:17\n    environment: {DATABASE_URL: "postgres://app:Tr0ub4dor3xyz@db/app", x: [\n' >"$tmp/w/compose.yaml"
expect "yaml flow error" 2 "$bin" $AS compose.yaml
hasntf "url password redacted" "$tmp/err" "Tr0ub4dor3xyz"

fresh
printf '[{"Config":{"Env":["API_KEY=%s", }]\n' "$key" >"$tmp/w/inspect.json"
expect "inspect json error" 2 "$bin" inspect inspect.json
hasf "inspect error position" "$tmp/err" "inspect.json:1:"
hasntf "inspect error redacts" "$tmp/err" "$key"
hasf "inspect error keeps the rest of the line" "$tmp/err" '", }]'
expect "inspect json error, json format" 2 "$bin" inspect --format json inspect.json
hasntf "inspect json format redacts" "$tmp/out" "$key"
hasntf "inspect json format redacts (stderr)" "$tmp/err" "$key"

# no key, but a value shaped like a token
fresh
printf 'services:\n  a:\n    command: ["run", "--token", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"\n' >"$tmp/w/compose.yaml"
expect "token word" 2 "$bin" $AS compose.yaml
hasntf "token word redacted" "$tmp/err" "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"

# ---------------------------------------------------------------- control characters
fresh
printf 'services:\n  a:\n    image: "x%s[31mred%s": [\n' "$ESC" "$BEL" >"$tmp/w/compose.yaml"
expect "esc in error line" 2 "$bin" $AS compose.yaml
hasntf "no raw ESC on stderr" "$tmp/err" "$ESC"
hasntf "no raw BEL on stderr" "$tmp/err" "$BEL"
hasf "ESC shown escaped" "$tmp/err" '\x1B[31mred\x07'

fresh
printf 'FROM alpine:3.22\nLABEL note="x%s]0;title%s"\nCMD ["/a"]\n' "$ESC" "$BEL" >"$tmp/w/Dockerfile"
expect "esc in a finding's line" 1 "$bin" $AS --select DF201 Dockerfile
expect "esc in a finding's line, all rules" 1 "$bin" $AS Dockerfile
hasntf "no raw ESC on stdout" "$tmp/out" "$ESC"

d=$(printf 'svc\n::error file=x::injected')
fresh
mkdir -p "$tmp/w/$d"
printf 'FROM ubuntu\n' >"$tmp/w/$d/Dockerfile"
expect "newline in a folder name" 1 "$bin" $AS .
if grep -q '^::error' "$tmp/out" "$tmp/err"; then bad "a line starts a workflow command"; else ok; fi
hasf "folder name escaped" "$tmp/out" 'svc\x0A::error file=x::injected/Dockerfile:1:1: HIGH DF201'
expect "newline in a folder name, checklist" 1 "$bin" $AS --format checklist .
if grep -q '^::error' "$tmp/out"; then bad "checklist: a line starts a workflow command"; else ok; fi
expect "newline in a folder name, github" 1 "$bin" $AS --format github .
if grep -q '^::error file=x' "$tmp/out"; then bad "github: injected command"; else ok; fi

# a parse error in a file whose name holds an ESC
fresh
f=$(printf 'compose%s[2J.yaml' "$ESC")
printf 'services: [\n' >"$tmp/w/$f"
expect "esc in a file name" 2 "$bin" $AS "$f"
hasntf "file name escaped in the error" "$tmp/err" "$ESC"
hasf "file name shown escaped" "$tmp/err" 'compose\x1B[2J.yaml:'

# the --write and --diff logs name files escaped too
fresh
f=$(printf 'app%s]2;x' "$ESC")
mkdir -p "$tmp/w/$f"
printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["/app/x"]\n' >"$tmp/w/$f/Dockerfile"
expect "esc in a folder name, --write" 0 "$bin" $AS --write .
hasntf "--write log escaped" "$tmp/err" "$ESC"
hasf "--write log names the created file" "$tmp/err" 'created app\x1B]2;x/.dockerignore'

summary display
