#!/bin/sh
# cli.sh DOCKFIX - end-to-end checks of the options for adopting dockfix on
# an existing repository (README "Usage"): --statistics, --show-fixes,
# --output-file, --exit-zero, --baseline / --generate-baseline, and the
# defects found doing so: short-option errors, unknown --select / --ignore
# codes, the summary when files could not be checked, what --write says
# about the fixes it did not apply.
. "$(dirname "$0")/lib.sh"
umask 022
empty() { # NAME FILE
	if [ -s "$2" ]; then
		bad "$1: $(basename "$2") is not empty"
		head -3 "$2"
	else ok; fi
}
json() { # NAME FILE PYTHON: the file parses as JSON and the Python assertions on `d` hold
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $3" "$2" 2>"$tmp/py"; then ok; else
		bad "$1: $(tail -1 "$tmp/py")"
	fi
}
root_dockerfile() {
	printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY app .\nCMD ["./app"]\n' >"$tmp/w/Dockerfile"
	printf 'app\n' >"$tmp/w/.dockerignore"
}
KEY=sk_live_51HqLyjWDarjtT1zdp7dcXUDvAo2bFxQ

# ---------------------------------------------------------------- option errors
fresh
expect "-x" 2 "$bin" -x .
has "-x is named" "$tmp/err" "unknown option '-x'"
hasnt "-x is not -0" "$tmp/err" "'-0'"
expect "-qx" 2 "$bin" -qx .
has "-qx names x" "$tmp/err" "unknown option '-x'"
expect "inspect -x" 2 "$bin" inspect -x
has "inspect -x is named" "$tmp/err" "dockfix inspect: unknown option '-x'"
expect "-j without a value" 2 "$bin" -j
has "-j needs a value" "$tmp/err" "option '-j' needs a value"
expect "--format without a value" 2 "$bin" --format
has "--format needs a value" "$tmp/err" "option '--format' needs a value"
expect "--quiet=1" 2 "$bin" --quiet=1 .
has "--quiet takes no value" "$tmp/err" "option '--quiet=1' takes no value"

# ---------------------------------------------------------------- unknown codes
fresh
root_dockerfile
expect "--select unknown code" 2 "$bin" $AS --select ZZ9 .
has "--select names the code" "$tmp/err" "dockfix: --select: no rule matches 'ZZ9'"
empty "--select unknown code: no report" "$tmp/out"
expect "--select one unknown among known" 2 "$bin" $AS --select DF201,ZZ9 .
expect "--ignore unknown code" 2 "$bin" $AS --ignore DF201,QQ1 .
has "--ignore names the code" "$tmp/err" "dockfix: --ignore: no rule matches 'QQ1'"
expect "--select prefix still works" 1 "$bin" $AS --select DF2 .
expect "inspect --select unknown code" 2 "$bin" inspect --select ZZ9 x.json
printf 'select: [ZZ9]\n' >"$tmp/w/.dockfix.yaml"
expect "the same typo in .dockfix.yaml" 2 "$bin" $AS .
rm "$tmp/w/.dockfix.yaml"

# ---------------------------------------------------------------- summary with errors
fresh
mkdir -p "$tmp/w/a" "$tmp/w/b"
printf 'services:\n  db:\n   image: x\n  ports: [1\n' >"$tmp/w/a/compose.yaml"
printf 'services: [\n' >"$tmp/w/b/compose.yaml"
expect "nothing checkable" 2 "$bin" $AS .
has "nothing checked says so" "$tmp/out" "^No file could be checked: 2 could not be read or parsed\.$"
hasnt "no 'No findings in 2 files'" "$tmp/out" "No findings in 2 files"
printf 'FROM alpine:3.22\nUSER 1000\nCMD ["/app"]\n' >"$tmp/w/Dockerfile"
printf '*\n' >"$tmp/w/.dockerignore"
expect "one checked, two not" 2 "$bin" $AS --select DF201 .
has "one checked, two not" "$tmp/out" "^No findings in 1 checked file\. 2 more could not be checked\.$"

# ---------------------------------------------------------------- --statistics
fresh
root_dockerfile
printf 'services:\n  db:\n    image: postgres:17.6\n    ports: ["5432:5432"]\n  cache:\n    image: redis:8.2\n    ports: ["6379:6379"]\n    privileged: true\n' >"$tmp/w/compose.yaml"
expect "statistics" 1 "$bin" $AS --statistics .
has "statistics header" "$tmp/out" "^count  code   name"
has "statistics: DC201 twice, both safe" "$tmp/out" "^    2  DC201  database-port-published  *2 safe$"
has "statistics: DC301 unsafe" "$tmp/out" "^    1  DC301  privileged  *1 unsafe$"
has "statistics: DF201 safe" "$tmp/out" "^    1  DF201  runs-as-root  *1 safe$"
has "statistics: the summary line" "$tmp/out" "^Found .* findings in 2 files"
hasnt "statistics: no source lines" "$tmp/out" " | "
head -2 "$tmp/out" | tail -1 | grep -q "DC201\|DC304" && ok || bad "statistics: the most frequent rule first"
expect "statistics json" 1 "$bin" $AS --statistics --format json .
json "statistics json" "$tmp/out" '
assert list(d) == ["version", "statistics", "summary"], list(d)
s = {r["code"]: r for r in d["statistics"]}
assert s["DC201"] == {"code": "DC201", "name": "database-port-published", "count": 2, "fixable": 2, "fixable_unsafe": 0}, s["DC201"]
assert s["DC301"]["fixable_unsafe"] == 1
assert sum(r["count"] for r in d["statistics"]) == d["summary"]["findings"]
counts = [r["count"] for r in d["statistics"]]
assert counts == sorted(counts, reverse=True)'
expect "statistics with sarif" 2 "$bin" $AS --statistics --format sarif .
has "statistics with sarif: why" "$tmp/err" "--statistics works with --format text or json"
expect "statistics with --diff" 2 "$bin" $AS --statistics --diff .
expect "statistics, --fail-on none" 0 "$bin" $AS --statistics --fail-on none .
expect "inspect statistics" 1 sh -c "printf '[{\"Config\":{\"Env\":[\"STRIPE_KEY=$KEY\"],\"User\":\"1000\"}}]' | \"$bin\" inspect --statistics -"
has "inspect statistics row" "$tmp/out" "DH101"
hasnt "inspect statistics: no secret" "$tmp/out" "$KEY"

# ---------------------------------------------------------------- --show-fixes
expect "show-fixes (audit)" 1 "$bin" $AS --show-fixes .
has "show-fixes: would apply" "$tmp/out" "^--write would apply 3 fixes:$"
has "show-fixes: per file" "$tmp/out" "^- compose.yaml:$"
has "show-fixes: per rule" "$tmp/out" "^    2 × DC201 (database-port-published)$"
has "show-fixes: Dockerfile" "$tmp/out" "^    1 × DF201 (runs-as-root)$"
hasnt "show-fixes: unsafe ones are not applied without --unsafe-fixes" "$tmp/out" "× DC301"
grep -q 'ports: \["5432:5432"\]' "$tmp/w/compose.yaml" && ok || bad "show-fixes (audit) wrote a file"
expect "show-fixes --unsafe-fixes" 1 "$bin" $AS --show-fixes --unsafe-fixes -q .
has "show-fixes --unsafe-fixes lists DC301" "$tmp/out" "× DC301 (privileged)"
has "show-fixes marks unsafe fixes" "$tmp/out" "(unsafe)"
expect "show-fixes json" 1 "$bin" $AS --show-fixes --format json .
json "show-fixes json: stdout stays JSON" "$tmp/out" 'assert d["summary"]["findings"] > 0'
has "show-fixes json: the list on stderr" "$tmp/err" "^--write would apply 3 fixes:$"
expect "show-fixes --diff" 1 "$bin" $AS --show-fixes --diff .
has "show-fixes --diff: the diff on stdout" "$tmp/out" "^+++ b/compose.yaml"
hasnt "show-fixes --diff: no list in the diff" "$tmp/out" "would apply"
has "show-fixes --diff: the list on stderr" "$tmp/err" "^    2 × DC201 (database-port-published)$"
cp -r "$tmp/w" "$tmp/w.orig"
expect "show-fixes --write" 1 "$bin" $AS --show-fixes --write .
has "show-fixes --write: applied" "$tmp/out" "^Applied 3 fixes:$"
has "show-fixes --write: per rule" "$tmp/out" "^    2 × DC201 (database-port-published)$"
has "show-fixes --write: the fix" "$tmp/out" "bind it to 127.0.0.1"
has "--write: applied" "$tmp/err" "^applied 3 fixes; [0-9]* unsafe fixes not applied: they need --unsafe-fixes$"
expect "show-fixes --write again" 1 "$bin" $AS --show-fixes --write .
has "show-fixes --write again: nothing" "$tmp/out" "^Applied no fixes\.$"
rm -rf "$tmp/w" && mv "$tmp/w.orig" "$tmp/w"

# ---------------------------------------------------------------- --write: why not everything
# a fix outside the project (the build context above it) is not written
fresh
mkdir -p "$tmp/w/proj" "$tmp/w/outside"
printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY . .\nCMD ["./app"]\n' >"$tmp/w/outside/Dockerfile"
printf 'services:\n  app:\n    build: ../outside\n  db:\n    image: postgres:17.6\n    ports: ["5432:5432"]\n' >"$tmp/w/proj/compose.yaml"
expect "write, partly outside the project" 2 "$bin" $AS --write --show-fixes proj
has "outside: not written" "$tmp/err" "outside the project, not written"
has "outside: the reason in the count" "$tmp/err" "^applied 1 fix for .* fixable findings; not applied: [0-9]* not written (see above)"
has "outside: only what was written is listed" "$tmp/out" "^Applied 1 fix:$"

# ---------------------------------------------------------------- --output-file
fresh
root_dockerfile
expect "output-file" 1 "$bin" $AS --output-file report.txt .
empty "output-file: nothing on stdout" "$tmp/out"
has "output-file: the report" "$tmp/w/report.txt" "^Dockerfile:1:1: HIGH DF201 runs-as-root"
has "output-file: the summary" "$tmp/w/report.txt" "^Found 1 finding in 1 file"
ls -a "$tmp/w" | grep -q 'dockfix-' && bad "output-file: temporary file left" || ok
[ "$(stat -c %a "$tmp/w/report.txt")" = 644 ] && ok || bad "output-file: mode $(stat -c %a "$tmp/w/report.txt"), want 644 (umask 022)"
expect "output-file -o json" 1 "$bin" $AS -o out/report.json --format json .
json "output-file json (a new folder)" "$tmp/w/out/report.json" 'assert d["findings"][0]["code"] == "DF201"'
printf 'services: [\n' >"$tmp/w/compose.yaml"
expect "output-file: errors stay on stderr" 2 "$bin" $AS --output-file report.txt .
has "output-file: the error on stderr" "$tmp/err" "compose.yaml:[0-9]*:[0-9]*: error: "
hasnt "output-file: no error in the report" "$tmp/w/report.txt" "error:"
rm "$tmp/w/compose.yaml"
expect "output-file --diff" 1 "$bin" $AS --diff --output-file fix.patch .
empty "output-file --diff: nothing on stdout" "$tmp/out"
(cd "$tmp/w" && git apply --check fix.patch) 2>"$tmp/err" && ok || bad "output-file --diff: git apply rejects it: $(cat "$tmp/err")"
mkdir "$tmp/w/dir.txt"
expect "output-file is a folder" 2 "$bin" $AS --output-file dir.txt .
has "output-file error" "$tmp/err" "^dir.txt: error: "
expect "output-file -" 2 "$bin" $AS --output-file - .
expect "inspect output-file" 1 sh -c "printf '[{\"Config\":{\"Env\":[\"STRIPE_KEY=$KEY\"],\"User\":\"1000\"}}]' | \"$bin\" inspect -o i.txt -"
has "inspect output-file" "$tmp/w/i.txt" "DH101"
hasnt "inspect output-file: no secret" "$tmp/w/i.txt" "$KEY"

# ---------------------------------------------------------------- --exit-zero
fresh
root_dockerfile
expect "exit-zero" 0 "$bin" $AS --exit-zero .
has "exit-zero still reports" "$tmp/out" "DF201"
expect "exit-zero --diff" 0 "$bin" $AS --exit-zero --diff .
has "exit-zero --diff still prints the diff" "$tmp/out" "^+USER"
printf 'services: [\n' >"$tmp/w/compose.yaml"
expect "exit-zero: errors still exit 2" 2 "$bin" $AS --exit-zero .
expect "exit-zero: usage errors still exit 2" 2 "$bin" $AS --exit-zero --format yaml .
expect "inspect exit-zero" 0 sh -c "printf '[{\"Config\":{\"Env\":[\"STRIPE_KEY=$KEY\"],\"User\":\"1000\"}}]' | \"$bin\" inspect --exit-zero -"

# ---------------------------------------------------------------- baseline
fresh
printf 'FROM alpine:3.22\nENV STRIPE_KEY=%s\nWORKDIR /app\nCOPY app .\nCMD ["./app"]\n' "$KEY" >"$tmp/w/Dockerfile"
printf 'app\n' >"$tmp/w/.dockerignore"
printf 'services:\n  db:\n    image: postgres:17.6\n    ports: ["5432:5432"]\n' >"$tmp/w/compose.yaml"
expect "generate-baseline" 0 "$bin" $AS --generate-baseline base.json .
has "generate-baseline: stderr says so" "$tmp/err" "^wrote the baseline base.json: [0-9]* findings$"
has "generate-baseline: the report still printed" "$tmp/out" "DF201"
json "baseline format" "$tmp/w/base.json" '
import re
assert d["version"] == 1 and d["tool"] == "dockfix", d
codes = sorted(e["code"] for e in d["findings"])
assert "DF201" in codes and "DF101" in codes and "DC201" in codes, codes
for e in d["findings"]:
    assert re.fullmatch(r"[0-9a-f]{16}:[1-9][0-9]*", e["fingerprint"]), e
    assert set(e) == {"fingerprint", "code", "file", "message"}, e'
hasnt "baseline: no secret value" "$tmp/w/base.json" "$KEY"
hasnt "baseline: no line numbers" "$tmp/w/base.json" '"line"'
expect "generate-baseline with findings" 0 "$bin" $AS --generate-baseline base2.json --fail-on low .
expect "baseline: nothing new" 0 "$bin" $AS --baseline base.json .
has "baseline: how many hidden" "$tmp/err" "^[0-9]* findings hidden: they are in the baseline base.json$"
has "baseline: the summary" "$tmp/out" "^No findings in 2 files"
# lines move: comments above, the compose entries reordered
{ printf '# syntax=docker/dockerfile:1\n# the api\n\n'; cat "$tmp/w/Dockerfile"; } >"$tmp/w/D2" && mv "$tmp/w/D2" "$tmp/w/Dockerfile"
printf '# the stack\nservices:\n  web:\n    image: nginx:1.29\n    read_only: true\n  db:\n    ports: ["5432:5432"]\n    image: postgres:17.6\n' >"$tmp/w/compose.yaml"
expect "baseline: lines moved" 1 "$bin" $AS --baseline base.json .
hasnt "baseline: moved findings stay hidden (DF201)" "$tmp/out" "DF201"
hasnt "baseline: moved findings stay hidden (DC201)" "$tmp/out" "DC201"
has "baseline: the new service's findings are shown" "$tmp/out" "service \`web\`"
hasnt "baseline: nothing matched nothing" "$tmp/err" "matched nothing"
# a new finding of a rule already in the baseline
printf '  cache:\n    image: redis:8.2\n    ports: ["6379:6379"]\n' >>"$tmp/w/compose.yaml"
expect "baseline: a new finding" 1 "$bin" $AS --baseline base.json --select DC201 .
has "baseline: the new DC201 is shown" "$tmp/out" "service \`cache\` (redis)"
hasnt "baseline: the old DC201 is not" "$tmp/out" "service \`db\`"
has "baseline: one shown" "$tmp/out" "^Found 1 finding"
expect "baseline json" 1 "$bin" $AS --baseline base.json --select DC201 --format json .
json "baseline json: hidden findings not counted" "$tmp/out" 'assert d["summary"]["findings"] == 1 and len(d["findings"]) == 1, d["summary"]'
expect "baseline sarif" 1 "$bin" $AS --baseline base.json --select DC201 --format sarif .
json "baseline sarif: one result" "$tmp/out" 'assert len(d["runs"][0]["results"]) == 1'
expect "baseline + statistics" 1 "$bin" $AS --baseline base.json --select DC201 --statistics .
has "baseline + statistics" "$tmp/out" "^    1  DC201"
expect "baseline + exit-zero" 0 "$bin" $AS --baseline base.json --select DC201 --exit-zero .
# a fixed finding: its entry matches nothing
printf 'FROM alpine:3.22\nWORKDIR /app\nCOPY app .\nUSER 1000\nCMD ["./app"]\n' >"$tmp/w/Dockerfile"
expect "baseline: stale entries" 1 "$bin" $AS --baseline base.json .
has "baseline: stale entries counted" "$tmp/err" "of its entries matched nothing"
# the secret of a hidden finding stays redacted
expect "baseline: secrets" 1 "$bin" $AS --baseline base.json --format json .
hasnt "baseline: no secret in the report" "$tmp/out" "$KEY"
# malformed baselines: FILE:line:col: error:, exit 2, before anything runs
printf '{"version": 1,\n "findings": [\n  {"fingerprint": "xyz"}\n ]}\n' >"$tmp/w/bad1.json"
expect "baseline: bad fingerprint" 2 "$bin" $AS --baseline bad1.json .
has "baseline: bad fingerprint located" "$tmp/err" "^bad1.json:3:19: error: bad fingerprint"
empty "baseline: bad file, no report" "$tmp/out"
printf '{"version": 2, "findings": []}\n' >"$tmp/w/bad2.json"
expect "baseline: future version" 2 "$bin" $AS --baseline bad2.json .
has "baseline: future version located" "$tmp/err" "^bad2.json:1:13: error: unsupported baseline version"
printf '{"version": 1, "findings": [}\n' >"$tmp/w/bad3.json"
expect "baseline: not JSON" 2 "$bin" $AS --baseline bad3.json .
has "baseline: not JSON located" "$tmp/err" "^bad3.json:1:[0-9]*: error: not a baseline: "
printf '[]\n' >"$tmp/w/bad4.json"
expect "baseline: not an object" 2 "$bin" $AS --baseline bad4.json .
has "baseline: not an object located" "$tmp/err" "^bad4.json:1:1: error: not a baseline"
printf '{"version": 1, "findings": [3]}\n' >"$tmp/w/bad5.json"
expect "baseline: entry not an object" 2 "$bin" $AS --baseline bad5.json .
has "baseline: entry located" "$tmp/err" "^bad5.json:1:29: error: a baseline entry"
expect "baseline: missing file" 2 "$bin" $AS --baseline nope.json .
has "baseline: missing file error" "$tmp/err" "^nope.json:1:1: error: "
cp "$tmp/w/compose.yaml" "$tmp/compose.before"
expect "baseline: malformed, --write writes nothing" 2 "$bin" $AS --baseline bad1.json --write .
cmp -s "$tmp/compose.before" "$tmp/w/compose.yaml" && ok || bad "a malformed baseline did not stop --write"
expect "baseline with --diff" 2 "$bin" $AS --baseline base.json --diff .
expect "inspect baseline" 0 sh -c "printf '[{\"Config\":{\"Env\":[\"STRIPE_KEY=$KEY\"],\"User\":\"1000\"}}]' >img.json && \"$bin\" inspect --generate-baseline ib.json img.json >/dev/null 2>&1 && \"$bin\" inspect --baseline ib.json img.json"

summary cli
