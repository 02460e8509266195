#!/bin/sh
# run_e2e.sh DOCKFIX - end-to-end checks of the command line: exit codes,
# errors on bad input (path:line:col: error, exit 2, other files still
# processed), stdin, --write safety (atomic, mode kept, symlinks refused,
# idempotent), colour, formats, redaction of secrets.
. "$(dirname "$0")/lib.sh"

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
python3 -c 'print("services:\n  a:\n    image: \"" + "x" * (1024 * 1024 + 1) + "\"")' >"$tmp/w/compose.yaml"
expect "long yaml line" 2 "$bin" $AS compose.yaml
has "long yaml line error" "$tmp/err" "compose.yaml:3:1048577: error: line too long"
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
# --diff shows what --write would write: not the symlinked file, nor what depends on it
printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY . .\nCMD ["./app"]\n' >"$tmp/outside/Dockerfile"
expect "diff through symlink" 0 "$bin" $AS --diff app
has "diff: symlink noted" "$tmp/err" "^app/Dockerfile: note: is a symbolic link; not writing to it"
has "diff: its .dockerignore held back" "$tmp/err" "^app/.dockerignore: note: not written, as app/Dockerfile would not be"
hasnt "diff: no hunk for the symlink" "$tmp/out" "^+++ b/app/Dockerfile"
hasnt "diff: no hunk for the held-back file" "$tmp/out" "^+++ b/app/.dockerignore"

# ---------------------------------------------------------------- advice
# low findings are hardening advice: reported, not failing unless --fail-on low
fresh
printf 'FROM alpine:3.22\nWORKDIR /app\nADD run.sh /app/\nUSER 1000\nCMD ["/app/run.sh"]\n' >"$tmp/w/Dockerfile"
printf '#!/bin/sh\n' >"$tmp/w/run.sh"
printf '.git\n**/.env*\n' >"$tmp/w/.dockerignore"
expect "low advice does not fail by default" 0 "$bin" $AS .
has "low advice is reported" "$tmp/out" "LOW DF402"
expect "--fail-on low fails on advice" 1 "$bin" $AS --fail-on low .
printf 'fail-on: low\n' >"$tmp/w/.dockfix.yaml"
expect "fail-on: low in the config" 1 "$bin" $AS .

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
expect "pragma suppresses" 1 "$bin" $AS --fail-on low .
hasnt "pragma suppresses DF201" "$tmp/out" "DF201"
hasnt "pragma suppresses DC104" "$tmp/out" "DC104"
has "unknown code in a Dockerfile pragma" "$tmp/err" "^Dockerfile:1:24: warning: unknown rule code 'DF999'"
has "unknown code in a compose pragma" "$tmp/err" "^compose.yaml:3:[0-9]*: warning: unknown rule code 'XX1'"

# malformed dockfix comments: a warning with the position, nothing suppressed
fresh
printf 'FROM alpine:3.22\n# dockfix ignore\n# dockfix: ignore=\n#  dockfix global ignore = \nCMD ["/a"]\n' >"$tmp/w/Dockerfile"
expect "malformed pragmas" 1 "$bin" $AS .
has "bare ignore" "$tmp/err" "^Dockerfile:2:1: warning: malformed dockfix ignore comment"
has "empty list" "$tmp/err" "^Dockerfile:3:1: warning: malformed dockfix ignore comment (no rule codes"
has "empty global list" "$tmp/err" "^Dockerfile:4:1: warning: malformed dockfix ignore comment"
has "malformed suppresses nothing" "$tmp/out" "DF201"
hasnt "malformed is not DX001" "$tmp/out" "DX001"

# DX001: reported, removed by --write byte-exactly, and a second run is clean
fresh
printf 'FROM alpine:3.22\r\n# dockfix ignore=DF402, DF201 keep\r\nUSER root\r\nCMD ["/a"]\r\n' >"$tmp/w/Dockerfile"
expect "unused code" 1 "$bin" $AS --fail-on low .
has "unused code reported" "$tmp/out" "^Dockerfile:2:1: LOW DX001 unused-suppression: unused suppression: DF402 suppresses no finding here"
expect "unused code removed" 0 "$bin" $AS --write .
printf 'FROM alpine:3.22\r\n# dockfix ignore=DF201 keep\r\nUSER root\r\nCMD ["/a"]\r\n' >"$tmp/want"
if cmp -s "$tmp/want" "$tmp/w/Dockerfile"; then ok; else bad "DX001 --write is byte-exact"; od -c "$tmp/w/Dockerfile" | head; fi
expect "DX001 clean after write" 0 "$bin" $AS .
expect "--select keeps other codes unjudged" 0 "$bin" $AS --select DX001 .
expect "DX001 can be ignored" 0 "$bin" $AS --ignore DX001,DF201 .

# ---------------------------------------------------------------- explain and rules
fresh
expect "explain lower case" 0 "$bin" explain df201
has "explain lower case" "$tmp/out" "^# DF201 runs-as-root"
expect "explain hadolint code" 0 "$bin" explain DL3002
has "explain hadolint says equivalent" "$tmp/out" "^DL3002 (hadolint: .*) is equivalent to DF201"
has "explain hadolint shows DF201" "$tmp/out" "^# DF201 runs-as-root"
expect "explain BuildKit check" 0 "$bin" explain secretsusedinargorenv
has "explain BuildKit DF101" "$tmp/out" "^# DF101 secret-in-env"
has "explain BuildKit DF102" "$tmp/out" "^# DF102 secret-in-arg"
expect "explain no equivalent" 2 "$bin" explain DL3008
expect "rules markdown" 0 "$bin" rules --format markdown
has "rules markdown header" "$tmp/out" "^| code | name | severity | fix | summary |$"
has "rules markdown row" "$tmp/out" "^| <a id=\"dx001\"></a>DX001 | unused-suppression | low | safe | "

# ---------------------------------------------------------------- configuration
fresh
printf 'FROM alpine:3.22\n' >"$tmp/w/Dockerfile"
printf 'ignore:\n  - DF302\n bad: [\n' >"$tmp/w/.dockfix.yaml"
expect "config yaml error" 2 "$bin" $AS .
has "config yaml error position" "$tmp/err" "^.dockfix.yaml:3:2: error: invalid YAML: "
hasnt "no libfyaml text" "$tmp/err" "memory-@"
printf 'ignore: [DF302]\nseverity:\n  DF201: loud\n' >"$tmp/w/.dockfix.yaml"
expect "config bad severity" 2 "$bin" $AS .
has "config bad severity position" "$tmp/err" "^.dockfix.yaml:3:10: error: severity: unknown severity 'loud'"
printf 'ignore: [DF302,\n   XX9]\n' >"$tmp/w/.dockfix.yaml"
expect "config unknown code" 2 "$bin" $AS .
has "config unknown code position" "$tmp/err" "^.dockfix.yaml:2:4: error: ignore: unknown rule 'XX9'"
printf 'exclude: [a]\nper-file-ignores: [x]\n' >"$tmp/w/.dockfix.yaml"
expect "config bad per-file-ignores" 2 "$bin" $AS .
has "config bad per-file-ignores position" "$tmp/err" "^.dockfix.yaml:2:19: error: per-file-ignores: expected a mapping"
mkdir -p "$tmp/w/sub"
expect "config error from a subfolder" 2 "$bin" $AS sub
has "config error path" "$tmp/err" "^.dockfix.yaml:2:19: error"

# exclude and per-file-ignores
fresh
mkdir -p "$tmp/w/app" "$tmp/w/tests/fixtures/x" "$tmp/w/legacy"
for d in app tests/fixtures/x legacy; do printf 'FROM alpine:3.22\nCMD ["/a"]\n' >"$tmp/w/$d/Dockerfile"; done
printf 'FROM alpine:3.22\nCMD ["/a"]\n' >"$tmp/w/app/gen.Dockerfile"
printf 'exclude: [tests/fixtures/, "*.Dockerfile"]\nper-file-ignores:\n  legacy/: [DF2]\n' >"$tmp/w/.dockfix.yaml"
expect "exclude" 1 "$bin" $AS .
has "exclude keeps app" "$tmp/out" "^app/Dockerfile:1:1: HIGH DF201"
hasnt "exclude skips a folder" "$tmp/out" "tests/fixtures"
hasnt "exclude skips a glob" "$tmp/out" "gen.Dockerfile"
hasnt "per-file-ignores" "$tmp/out" "^legacy/Dockerfile:1:1: HIGH DF201"
expect "named file is checked" 1 "$bin" $AS app/gen.Dockerfile
has "named file is checked" "$tmp/out" "^app/gen.Dockerfile:1:1: HIGH DF201"
expect "named folder is walked" 1 "$bin" $AS tests/fixtures
has "named folder is walked" "$tmp/out" "^tests/fixtures/x/Dockerfile:1:1: HIGH DF201"
expect "per-file-ignores on a named file" 0 "$bin" $AS --select DF201 legacy/Dockerfile

# .hadolint.yaml beside the project
fresh
printf 'FROM alpine:3.22\nUSER root\n' >"$tmp/w/Dockerfile"
printf 'ignored: [DL3002]\n' >"$tmp/w/.hadolint.yaml"
expect "hadolint ignored" 0 "$bin" $AS --select DF201 .
printf 'ignored: DL3002\noverride:\n  error: DL3020\n  warning: [DL3020\n' >"$tmp/w/.hadolint.yaml"
expect "hadolint yaml error" 2 "$bin" $AS .
has "hadolint yaml error position" "$tmp/err" "^.hadolint.yaml:[0-9]*:[0-9]*: error: invalid YAML"

# ---------------------------------------------------------------- discovery and git
fresh
mkdir -p "$tmp/w/.git/info" "$tmp/w/build/out" "$tmp/w/svc/gen" "$tmp/w/svc/keep" "$tmp/w/local"
for d in .git build/out svc svc/gen svc/keep local; do printf 'FROM alpine:3.22\nCMD ["/a"]\n' >"$tmp/w/$d/Dockerfile"; done
printf 'build/\n*.local\n' >"$tmp/w/.gitignore"
printf 'gen/\n!keep/\n' >"$tmp/w/svc/.gitignore"
printf 'local/\n' >"$tmp/w/.git/info/exclude"
printf 'A=1\n' >"$tmp/w/.env.local"
expect "git-ignored" 1 "$bin" $AS .
has "not ignored is checked" "$tmp/out" "^svc/Dockerfile:1:1"
has "re-included is checked" "$tmp/out" "^svc/keep/Dockerfile:1:1"
hasnt ".git is skipped" "$tmp/out" "^.git/"
hasnt ".gitignore folder" "$tmp/out" "^build/"
hasnt "nested .gitignore" "$tmp/out" "^svc/gen/"
hasnt "info/exclude" "$tmp/out" "^local/"
hasnt "ignored .env" "$tmp/out" ".env.local"
expect "git-ignored from a subfolder" 1 "$bin" $AS svc
hasnt "subfolder: nested .gitignore" "$tmp/out" "gen/Dockerfile"
(cd "$tmp/w/svc" && "$bin" $AS .) >"$tmp/out" 2>&1
hasnt "from inside: the top's patterns apply" "$tmp/out" "gen/Dockerfile"
expect "git-ignored named folder" 1 "$bin" $AS build
has "git-ignored named folder is walked" "$tmp/out" "^build/out/Dockerfile"
expect "git-ignored named file" 1 "$bin" $AS svc/gen/Dockerfile
# a worktree: .git is a file naming the git directory; info/exclude is in the common one
fresh
mkdir -p "$tmp/main/.git/worktrees/w/info" "$tmp/main/.git/info" "$tmp/w/x" "$tmp/w/y"
printf 'gitdir: %s\n' "$tmp/main/.git/worktrees/w" >"$tmp/w/.git"
printf '../..\n' >"$tmp/main/.git/worktrees/w/commondir"
printf 'x/\n' >"$tmp/main/.git/info/exclude"
for d in x y; do printf 'FROM alpine:3.22\nCMD ["/a"]\n' >"$tmp/w/$d/Dockerfile"; done
expect "worktree" 1 "$bin" $AS .
has "worktree keeps y" "$tmp/out" "^y/Dockerfile"
hasnt "worktree info/exclude" "$tmp/out" "^x/Dockerfile"

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
has "untrusted-registries error" "$tmp/err" "^.*\.dockfix\.yaml:1:23: error: untrusted-registries: expected a list"

summary e2e
