#!/bin/sh
# run_e2e.sh DOCKFIX - end-to-end checks of the command line: exit codes,
# errors on bad input (path:line:col: error, exit 2, other files still
# processed), stdin, --write safety (atomic, mode kept, symlinks refused,
# idempotent), colour, formats, redaction of secrets.
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
# expect NAME RC CMD... : run CMD in $tmp/w, capture out/err, check exit code
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
has() { # NAME FILE PATTERN
	if grep -q -- "$3" "$2"; then ok; else
		bad "$1: '$3' not in $(basename "$2")"
		head -10 "$2"
	fi
}
hasnt() {
	if grep -q -- "$3" "$2"; then
		bad "$1: '$3' unexpectedly in $(basename "$2")"
		grep -- "$3" "$2" | head -3
	else ok; fi
}
fresh() {
	rm -rf "$tmp/w"
	mkdir -p "$tmp/w"
}

# ---------------------------------------------------------------- usage
fresh
expect "help" 0 "$bin" --help
has "help" "$tmp/out" "usage: dockfix"
expect "unknown option" 2 "$bin" --bogus
has "unknown option" "$tmp/err" "unknown"
expect "bad format" 2 "$bin" --format yaml .
expect "bad fail-on" 2 "$bin" --fail-on severe .
expect "diff+write" 2 "$bin" --diff --write .
expect "version" 0 "$bin" --version
has "version" "$tmp/out" "dockfix "
has "version data date" "$tmp/out" "data as of 20"
expect "rules" 0 "$bin" rules
has "rules lists DF201" "$tmp/out" "DF201"
expect "rules json" 0 "$bin" rules --format json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["rules"]' "$tmp/out" 2>/dev/null; then ok; else bad "rules json parses"; fi
expect "explain" 0 "$bin" explain DF201
has "explain sections" "$tmp/out" "## Why is this bad"
has "explain fix safety" "$tmp/out" "## Fix safety"
expect "explain unknown" 2 "$bin" explain XX999

# ---------------------------------------------------------------- exit codes
fresh
printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY app .\nCMD ["./app"]\n' >"$tmp/w/Dockerfile"
expect "finding exits 1" 1 "$bin" $AS .
has "finding text" "$tmp/out" "Dockerfile:1:1: HIGH DF201 runs-as-root"
has "caret" "$tmp/out" "| ^^^^"
has "summary" "$tmp/out" "Found 1 finding in 1 file"
expect "fail-on none" 0 "$bin" $AS --fail-on none .
expect "fail-on critical" 0 "$bin" $AS --fail-on critical .
expect "ignore" 0 "$bin" $AS --ignore DF201 .
has "ignore: no findings" "$tmp/out" "No findings in 1 file"
expect "select other" 0 "$bin" $AS --select DF105 .
expect "select prefix" 1 "$bin" $AS --select DF2 .
expect "quiet" 1 "$bin" $AS -q .
hasnt "quiet has no summary" "$tmp/out" "Found"
expect "default path is ." 1 "$bin" $AS
expect "json" 1 "$bin" $AS --format json .
if python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["version", "findings", "summary"], list(d)
f = d["findings"][0]
assert list(f)[:11] == ["code", "name", "severity", "file", "line", "column", "end_line", "end_column", "message", "fix", "hint"], list(f)
assert f["code"] == "DF201" and f["fix"]["applicability"] == "safe"
PY
then ok; else bad "json schema"; fi
expect "color always" 1 "$bin" $AS --color always .
if grep -q "$(printf '\033')\[" "$tmp/out"; then ok; else bad "color always has ANSI escapes"; fi
expect "no color when piped" 1 "$bin" $AS .
if grep -q "$(printf '\033')\[" "$tmp/out"; then bad "ANSI escapes without a terminal"; else ok; fi

# ---------------------------------------------------------------- bad input
fresh
mkdir -p "$tmp/w/a" "$tmp/w/b" "$tmp/w/c" "$tmp/w/d" "$tmp/w/e"
printf 'FROM alpine:3.22\nCMD ["/app"]\n' >"$tmp/w/a/Dockerfile"
printf 'services:\n  db:\n    image: postgres\n   ports: [1\n' >"$tmp/w/b/compose.yaml"
printf 'FROM alpine\0\001\002binary' >"$tmp/w/c/Dockerfile"
# an alias bomb: 9 levels of 9 aliases
{
	echo 'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
	prev=a
	for l in b c d e f g h i; do
		printf 'x-%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $l $l $prev $prev $prev $prev $prev $prev $prev $prev $prev
		prev=$l
	done
	echo 'services:'
	echo '  app:'
	echo '    image: alpine:3.22'
	echo '    command: *i'
} >"$tmp/w/d/compose.yaml"
python3 -c 'print("services:\n  a:\n    x: " + "["*5000 + "]"*5000)' >"$tmp/w/e/compose.yaml"
expect "bad input exits 2" 2 "$bin" $AS .
has "yaml error location" "$tmp/err" "b/compose.yaml:[0-9]*:[0-9]*: error: "
has "binary error" "$tmp/err" "c/Dockerfile:[0-9]*:[0-9]*: error: .*binary"
has "deep nesting error" "$tmp/err" "e/compose.yaml:[0-9]*:[0-9]*: error: .*\(deep\|depth\|nest\)"
has "other files still processed" "$tmp/out" "a/Dockerfile:1:1: HIGH DF201"
expect "missing path" 2 "$bin" $AS nonexistent/Dockerfile a
has "missing path error" "$tmp/err" "nonexistent/Dockerfile:1:1: error: cannot read"
has "missing path: others processed" "$tmp/out" "a/Dockerfile"
head -c 9000000 /dev/zero | tr '\0' '#' >"$tmp/w/Dockerfile"
expect "huge file" 2 "$bin" $AS Dockerfile
has "huge file error" "$tmp/err" "Dockerfile:1:1: error: file too large"
if [ "$(id -u)" != 0 ]; then
	printf 'FROM alpine\n' >"$tmp/w/unreadable.Dockerfile"
	chmod 000 "$tmp/w/unreadable.Dockerfile"
	expect "unreadable" 2 "$bin" $AS unreadable.Dockerfile
	has "unreadable error" "$tmp/err" "error: cannot read"
fi
# write must not touch files of a run with a parse error in them
cp "$tmp/w/b/compose.yaml" "$tmp/b.before"
expect "write with bad file" 2 "$bin" $AS --write b
if cmp -s "$tmp/b.before" "$tmp/w/b/compose.yaml"; then ok; else bad "unparsable file modified by --write"; fi

# ---------------------------------------------------------------- --write safety
fresh
printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY app .\nCMD ["./app"]\n' >"$tmp/w/Dockerfile"
chmod 0750 "$tmp/w/Dockerfile"
expect "write" 0 "$bin" $AS --write .
if [ "$(stat -c %a "$tmp/w/Dockerfile")" = 750 ]; then ok; else bad "--write keeps the mode"; fi
has "write inserted USER" "$tmp/w/Dockerfile" "^USER 10001:10001"
if ls -a "$tmp/w" | grep -q 'dockfix-'; then bad "temp file left behind"; else ok; fi
cp "$tmp/w/Dockerfile" "$tmp/once"
expect "write twice" 0 "$bin" $AS --write .
if cmp -s "$tmp/once" "$tmp/w/Dockerfile"; then ok; else bad "second --write changed the file"; fi
expect "diff after write" 0 "$bin" $AS --diff .
if [ -s "$tmp/out" ]; then bad "diff after write not empty"; else ok; fi
# symlinks are never followed for writing
fresh
mkdir -p "$tmp/outside" "$tmp/w/app"
printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY app .\nCMD ["./app"]\n' >"$tmp/outside/Dockerfile"
ln -s "$tmp/outside/Dockerfile" "$tmp/w/app/Dockerfile"
cp "$tmp/outside/Dockerfile" "$tmp/before"
expect "write through symlink" 2 "$bin" $AS --write app/Dockerfile
has "symlink error" "$tmp/err" "symbolic link"
if cmp -s "$tmp/before" "$tmp/outside/Dockerfile"; then ok; else bad "file behind a symlink was modified"; fi

# ---------------------------------------------------------------- stdin
fresh
printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY app .\nCMD ["./app"]\n' >"$tmp/w/in"
expect "stdin needs a name" 2 sh -c "\"$bin\" - <in"
expect "stdin" 1 sh -c "\"$bin\" $AS --stdin-filename Dockerfile - <in"
has "stdin finding" "$tmp/out" "^Dockerfile:1:1: HIGH DF201"
expect "stdin write refused" 2 sh -c "\"$bin\" $AS --write --stdin-filename Dockerfile - <in"
expect "stdin diff" 1 sh -c "\"$bin\" $AS --diff --stdin-filename Dockerfile - <in"
has "stdin diff header" "$tmp/out" "^+++ b/Dockerfile"

# ---------------------------------------------------------------- secrets
fresh
printf 'FROM alpine:3.22\nENV STRIPE_KEY=sk_live_51HqLyjWDarjtT1zdp7dcXUDvAo2bFxQ\nUSER 1000\nCMD ["/app"]\n' >"$tmp/w/Dockerfile"
expect "secret text" 1 "$bin" $AS .
hasnt "secret not in text" "$tmp/out" "sk_live_51HqLyjWDarjtT1zdp7dcXUDvAo2bFxQ"
expect "secret json" 1 "$bin" $AS --format json .
hasnt "secret not in json" "$tmp/out" "sk_live_51HqLyjWDarjtT1zdp7dcXUDvAo2bFxQ"

# ---------------------------------------------------------------- pragmas
fresh
printf '# dockfix ignore=DF201,DF999 runs as root on purpose\nFROM alpine:3.22\nCMD ["/a"]\n' >"$tmp/w/Dockerfile"
printf 'services:\n  a:\n    image: redis:8.10 # dockfix ignore=DC104, XX1\n' >"$tmp/w/compose.yaml"
expect "pragma suppresses" 1 "$bin" $AS .
hasnt "pragma suppresses DF201" "$tmp/out" "DF201"
hasnt "pragma suppresses DC104" "$tmp/out" "DC104"
has "unknown code in a Dockerfile pragma" "$tmp/err" "^Dockerfile:1:1: warning: unknown rule code 'DF999'"
has "unknown code in a compose pragma" "$tmp/err" "^compose.yaml:3:[0-9]*: warning: unknown rule code 'XX1'"

# ---------------------------------------------------------------- end-of-life table
fresh
printf 'FROM node:27\nFROM node:14\nUSER 1000\nCMD ["node"]\n' >"$tmp/w/Dockerfile"
expect "newer than the table" 1 "$bin" $AS --select DF301 .
has "newer than the table: low" "$tmp/out" "Dockerfile:1:6: LOW DF301 base-image-eol: base image node:27 is newer than every node release"
has "newer than the table: --eol-data" "$tmp/out" "hint: pass a newer end-of-life table with --eol-data FILE"
hasnt "no staleness warning on the table's own date" "$tmp/err" "six months"
expect "stale table" 1 "$bin" --as-of 2027-03-01 --select DF301 .
has "stale table warning" "$tmp/err" "^warning: the built-in end-of-life table is from 2026-08-22, more than six months before 2027-03-01"
has "stale table suggests --eol-data" "$tmp/err" "pass --eol-data FILE"
# a newer table: node 27 is known, node 14 still end of life, the header's date is the table's
printf 'image\tcycle\ttag_patterns\teol_date\tsupported_on_2027_06_01\trecommended_replacement_tag\tvariant\tproduct\textended_support_end\tminimal_upgrade_tag\tcarry_tokens\tsource\tnotes\n' >"$tmp/w/eol.tsv"
printf 'node\t27\t27|27.*|27-*\t2030-04-30\tyes\t27\tdefault\tnodejs\t\t\t\tendoflife.date\t\n' >>"$tmp/w/eol.tsv"
printf 'node\t14\t14|14.*|14-*\t2023-04-30\tno\t27\tdefault\tnodejs\t\t\t\tendoflife.date\t\n' >>"$tmp/w/eol.tsv"
expect "eol-data" 1 "$bin" --as-of 2027-06-01 --eol-data eol.tsv --select DF301 --unsafe-fixes .
hasnt "eol-data knows node 27" "$tmp/out" "base image node:27"
has "eol-data: node 14 end of life" "$tmp/out" "Dockerfile:2:6: HIGH DF301 base-image-eol: base image node:14 is end of life"
has "eol-data: its recommendation" "$tmp/out" "use node:27, the recommended supported release"
hasnt "eol-data: not stale on its own date" "$tmp/err" "warning"
expect "eol-data stale" 1 "$bin" --as-of 2028-01-01 --eol-data=eol.tsv --select DF301 .
has "eol-data stale warning" "$tmp/err" "^warning: the loaded end-of-life table is from 2027-06-01"
sed '3s/2023-04-30/2023-04-31x/' "$tmp/w/eol.tsv" >"$tmp/w/bad.tsv"
expect "eol-data malformed" 2 "$bin" $AS --eol-data bad.tsv .
has "eol-data malformed: FILE:line:col" "$tmp/err" "^bad.tsv:3:22: error: bad date '2023-04-31x'"
hasnt "eol-data malformed: no report" "$tmp/out" "DF301"
expect "eol-data missing" 2 "$bin" $AS --eol-data missing.tsv .
has "eol-data missing: FILE:1:1" "$tmp/err" "^missing.tsv:1:1: error:"

# ---------------------------------------------------------------- trusted registries
fresh
printf 'FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nFROM quay.io/libpod/alpine:3.22\nUSER 1000\n' >"$tmp/w/Dockerfile"
expect "vendor registries trusted" 0 "$bin" $AS --select DF302 .
printf 'untrusted-registries: [quay.io/libpod]\n' >"$tmp/w/.dockfix.yaml"
expect "untrusted-registries" 1 "$bin" $AS --select DF302 .
has "untrusted-registries reports" "$tmp/out" "Dockerfile:2:6: MEDIUM DF302"
hasnt "untrusted-registries keeps the rest" "$tmp/out" "mcr.microsoft.com"
printf 'untrusted-registries: {a: 1}\n' >"$tmp/w/.dockfix.yaml"
expect "untrusted-registries not a list" 2 "$bin" $AS --select DF302 .
has "untrusted-registries error" "$tmp/err" "^.*\.dockfix\.yaml:1:[0-9]*: error: expected a list"

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
