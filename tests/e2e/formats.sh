#!/bin/sh
# formats.sh DOCKFIX - end-to-end checks of the machine formats (README
# "Output formats") on real output:
#   json    every golden case's `--format json` is valid against
#           src/report/dockfix-report.schema.json (JSON Schema 2020-12,
#           python3-jsonschema); edits lie inside their files and do not
#           overlap; applying one fix's edits as a bot would removes that
#           finding, and a second look at the file gives what --write gives;
#           a fix that holds a secret is withheld and the secret is nowhere.
#   gitlab  every golden case's `--format gitlab` is a Code Quality report
#           (the fields GitLab reads, its severities, unique fingerprints,
#           paths relative to the repository); a run from a subfolder of a
#           git repository gives the same report as a run from its top.
#   github  at most 10 annotations of each level, the most severe first,
#           the rest as log lines, one closing ::notice with the count;
#           $GITHUB_STEP_SUMMARY gets the Markdown summary appended, and is
#           left alone when unset; paths relative to the repository.
# Without python3-jsonschema the schema checks print "skipped: ..." (the
# other checks still run).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
schema=$top/src/report/dockfix-report.schema.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
export NO_COLOR=1
unset GITHUB_STEP_SUMMARY
AS="--as-of 2026-11-28"

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $1"
	fail=$((fail + 1))
}

command -v python3 >/dev/null 2>&1 || { echo "formats: skipped: python3 is not installed"; exit 0; }
have_jsonschema=1
python3 -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null || have_jsonschema=0

# golden_run CASE FORMAT OUT: the case's own arguments with --format FORMAT
golden_run() {
	d=$top/golden/$1
	args=.
	[ -f "$d/cmd" ] && args=$(cat "$d/cmd")
	# shellcheck disable=SC2086
	set -- "$1" "$2" "$3" $args
	c=$1 f=$2 out=$3
	shift 3
	sub=
	rest=
	while [ $# -gt 0 ]; do
		case $1 in
		--format) shift ;;
		--format=*) ;;
		inspect) [ -z "$sub$rest" ] && sub=inspect || rest="$rest $1" ;;
		*) rest="$rest $1" ;;
		esac
		[ $# -gt 0 ] && shift
	done
	# shellcheck disable=SC2086
	(cd "$d" && GIT_CEILING_DIRECTORIES=$top/golden "$bin" $sub --format "$f" $rest >"$out" 2>/dev/null)
	[ $? -le 1 ] || [ -s "$out" ]
}

cases=$(cd "$top/golden" && for d in */*/; do d=${d%/}; case $d in init/*) ;; *) echo "$d";; esac; done)

# ---------------------------------------------------------------- json: schema
cat >"$tmp/json_check.py" <<'EOF'
import json, sys
schema_path, have_js = sys.argv[1], sys.argv[2] == "1"
bad = []
validator = None
if have_js:
    import jsonschema
    schema = json.load(open(schema_path))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
for arg in sys.argv[3:]:
    case, path, folder = arg.split("|")
    raw = open(path, "rb").read()
    try:
        doc = json.loads(raw)
    except ValueError as e:
        bad.append(f"{case}: not JSON: {e}")
        continue
    if validator:
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
            bad.append(f"{case}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
    for i, f in enumerate(doc.get("findings", [])):
        fix = f.get("fix")
        if not fix:
            continue
        spans = {}
        for e in fix.get("edits", []):
            if e["new_file"]:
                continue
            try:
                size = len(open(f"{folder}/{e['file']}", "rb").read())
            except OSError:
                bad.append(f"{case}: finding {i}: edit of a missing file {e['file']}")
                continue
            if not (0 <= e["start"] <= e["end"] <= size):
                bad.append(f"{case}: finding {i}: edit [{e['start']},{e['end']}) outside {e['file']} ({size} bytes)")
            spans.setdefault(e["file"], []).append((e["start"], e["end"]))
        for file, s in spans.items():
            s.sort()
            for a, b in zip(s, s[1:]):
                if a[1] > b[0]:
                    bad.append(f"{case}: finding {i}: edits overlap in {file}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
list=
for c in $cases; do
	out=$tmp/$(echo "$c" | tr / _).json
	if golden_run "$c" json "$out"; then
		list="$list $c|$out|$top/golden/$c"
	else
		bad "golden/$c: --format json exited without output"
	fi
done
# shellcheck disable=SC2086
if python3 "$tmp/json_check.py" "$schema" "$have_jsonschema" $list >"$tmp/log" 2>&1; then ok; else
	bad "json: the reports break the schema or their edits are wrong"
	head -30 "$tmp/log"
fi
[ "$have_jsonschema" = 1 ] || echo "formats: skipped: JSON Schema validation (python3-jsonschema is not installed)"

# the schema must be able to fail: a report with a fix holding text while withheld is rejected
if [ "$have_jsonschema" = 1 ]; then
	printf '%s\n' '{"version":1,"findings":[{"code":"DF201","name":"runs-as-root","severity":"high","file":"Dockerfile","line":1,"column":1,"end_line":1,"end_column":2,"message":"m","fix":{"applicability":"safe","description":"d","withheld":true,"group":null,"edits":[{"file":"Dockerfile","start":0,"end":0,"text":"x","new_file":false}]},"hint":null}],"summary":{"files":1,"errors":0,"findings":1,"critical":0,"high":1,"medium":0,"low":0,"fixable":1,"fixable_unsafe":0}}' >"$tmp/badreport.json"
	mkdir -p "$tmp/bad" && printf 'FROM x\n' >"$tmp/bad/Dockerfile"
	if python3 "$tmp/json_check.py" "$schema" 1 "bad|$tmp/badreport.json|$tmp/bad" >/dev/null 2>&1; then
		bad "json: the schema accepts a withheld fix with edits"
	else ok; fi
fi

# ---------------------------------------------------------------- json: applying a fix
# Every fix of golden/format/json that shows its edits, applied alone to a
# copy the way an editor would (edits from the end of each file), removes
# its finding; the withheld ones never show the secret.
cat >"$tmp/apply.py" <<'EOF'
import json, os, sys
report, folder, index = sys.argv[1], sys.argv[2], int(sys.argv[3])
fix = json.load(open(report))["findings"][index]["fix"]
by_file = {}
for e in fix["edits"]:
    by_file.setdefault(e["file"], []).append(e)
for name, edits in by_file.items():
    path = os.path.join(folder, name)
    data = b"" if edits[0]["new_file"] else open(path, "rb").read()
    for e in sorted(edits, key=lambda e: (e["start"], e["end"]), reverse=True):
        data = data[:e["start"]] + e["text"].encode() + data[e["end"]:]
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    open(path, "wb").write(data)
EOF
cat >"$tmp/count.py" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
f = doc["findings"][int(sys.argv[2])] if len(sys.argv) > 2 else None
if f is None:
    for i, x in enumerate(doc["findings"]):
        if x["fix"] and x["fix"]["edits"]:
            print(i, x["code"], x["line"])
else:
    print(f["code"], f["line"])
EOF
case_dir=$top/golden/format/json
(cd "$case_dir" && "$bin" $AS --format json --unsafe-fixes . >"$tmp/fj.json" 2>/dev/null)
n=0
python3 "$tmp/count.py" "$tmp/fj.json" >"$tmp/fixes.txt"
while read -r i code line; do
	n=$((n + 1))
	rm -rf "$tmp/c"
	mkdir -p "$tmp/c"
	(cd "$case_dir" && tar cf - --exclude=expected.txt --exclude=expected.diff --exclude=cmd .) | (cd "$tmp/c" && tar xf -)
	before=$(cd "$tmp/c" && "$bin" $AS --format json . 2>/dev/null | grep -c "\"code\":\"$code\"")
	python3 "$tmp/apply.py" "$tmp/fj.json" "$tmp/c" "$i"
	after=$(cd "$tmp/c" && "$bin" $AS --format json . 2>/dev/null | grep -c "\"code\":\"$code\"")
	if [ "$after" -lt "$before" ]; then ok; else
		bad "json: applying the edits of finding $i ($code line $line) leaves $after of $before $code findings"
	fi
done <"$tmp/fixes.txt"
[ "$n" -ge 5 ] && ok || bad "json: only $n fixes with edits in golden/format/json"
grep -q '"withheld":true,"group":null,"edits":\[\]' "$tmp/fj.json" && ok || bad "json: no withheld fix in golden/format/json"
grep -q 'sk_live_51H8' "$tmp/fj.json" && bad "json: the secret value is in the report" || ok
grep -q '"new_file":true' "$tmp/fj.json" && ok || bad "json: no fix creating a file"

# ---------------------------------------------------------------- repository for path checks
# repo/.git (a folder), repo/services/api/{Dockerfile,compose.yaml}
mk_repo() {
	rm -rf "$tmp/repo"
	mkdir -p "$tmp/repo/.git" "$tmp/repo/services/api"
	cat >"$tmp/repo/services/api/Dockerfile" <<'EOF'
FROM node:18
COPY . .
CMD ["node", "server.js"]
EOF
	cat >"$tmp/repo/services/api/compose.yaml" <<'EOF'
services:
  api:
    build: .
    privileged: true
  db:
    image: postgres:17
    ports:
      - "5432:5432"
EOF
}

# ---------------------------------------------------------------- gitlab
cat >"$tmp/gitlab_check.py" <<'EOF'
import json, sys
bad = []
for arg in sys.argv[1:]:
    case, path = arg.split("|")
    try:
        doc = json.load(open(path))
    except ValueError as e:
        bad.append(f"{case}: not JSON: {e}")
        continue
    if not isinstance(doc, list):
        bad.append(f"{case}: not an array")
        continue
    seen = set()
    for i, x in enumerate(doc):
        w = f"{case}: issue {i}"
        for k, t in (("description", str), ("check_name", str), ("fingerprint", str), ("severity", str)):
            if not isinstance(x.get(k), t) or not x[k]:
                bad.append(f"{w}: {k} missing")
        if x.get("severity") not in ("info", "minor", "major", "critical", "blocker"):
            bad.append(f"{w}: severity {x.get('severity')}")
        loc = x.get("location") or {}
        p = loc.get("path")
        if not isinstance(p, str) or not p or p.startswith("./"):
            bad.append(f"{w}: location.path {p!r}")
        b = (loc.get("lines") or {}).get("begin")
        if not isinstance(b, int) or b < 1:
            bad.append(f"{w}: location.lines.begin {b!r}")
        if x.get("fingerprint") in seen:
            bad.append(f"{w}: fingerprint {x.get('fingerprint')} twice")
        seen.add(x.get("fingerprint"))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
list=
for c in $cases; do
	out=$tmp/$(echo "$c" | tr / _).gitlab.json
	if golden_run "$c" gitlab "$out"; then
		list="$list $c|$out"
	else
		bad "golden/$c: --format gitlab exited without output"
	fi
done
# shellcheck disable=SC2086
if python3 "$tmp/gitlab_check.py" $list >"$tmp/log" 2>&1; then ok; else
	bad "gitlab: not a Code Quality report"
	head -20 "$tmp/log"
fi
mk_repo
(cd "$tmp/repo" && "$bin" $AS --format gitlab services/api >"$tmp/gl_root.json" 2>/dev/null)
(cd "$tmp/repo/services" && "$bin" $AS --format gitlab api >"$tmp/gl_sub.json" 2>/dev/null)
# the same issues (messages name files as the command line did)
strip() { sed 's/"description":"[^"]*",//' "$1"; }
[ "$(strip "$tmp/gl_root.json")" = "$(strip "$tmp/gl_sub.json")" ] && ok || {
	bad "gitlab: a run from services/ differs from a run from the top"
	diff "$tmp/gl_root.json" "$tmp/gl_sub.json" | head -6
}
grep -q '"path":"services/api/compose.yaml","lines":{"begin":4,' "$tmp/gl_sub.json" && ok ||
	bad "gitlab: path not relative to the repository: $(head -c 400 "$tmp/gl_sub.json")"
grep -q '"check_name":"DC301".*"severity":"critical"' "$tmp/gl_sub.json" && ok || bad "gitlab: DC301 is not critical"
grep -q '"check_name":"DC201"' "$tmp/gl_sub.json" && ok || bad "gitlab: no DC201 issue"
python3 "$tmp/gitlab_check.py" "repo|$tmp/gl_sub.json" >"$tmp/log" 2>&1 && ok || { bad "gitlab: repo report"; cat "$tmp/log"; }
# a clean run is an empty array
mkdir -p "$tmp/clean"
(cd "$tmp/clean" && "$bin" --format gitlab . >"$tmp/gl_clean.json" 2>/dev/null)
[ "$(cat "$tmp/gl_clean.json")" = "[]" ] && ok || bad "gitlab: a clean run is not []: $(cat "$tmp/gl_clean.json")"

# ---------------------------------------------------------------- github: cap and summary
# 14 privileged services: 14 critical (error), 14 low (notice); plus a published port
mkdir -p "$tmp/many/.git" "$tmp/many/deploy"
{
	echo "services:"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do
		printf '  s%s:\n    image: alpine:3.20\n    privileged: true\n' "$i"
	done
} >"$tmp/many/deploy/compose.yaml"
(cd "$tmp/many" && "$bin" $AS --format json deploy >"$tmp/many.json" 2>/dev/null)
total=$(grep -c '"code":' "$tmp/many.json")
(cd "$tmp/many/deploy" && "$bin" $AS --format github . >"$tmp/gh.txt" 2>/dev/null)
errors=$(grep -c '^::error ' "$tmp/gh.txt")
warnings=$(grep -c '^::warning ' "$tmp/gh.txt")
notices=$(grep -c '^::notice file=' "$tmp/gh.txt")
plain=$(grep -vc '^::' "$tmp/gh.txt")
[ "$errors" = 10 ] && ok || bad "github: $errors error annotations, want 10"
[ "$warnings" -le 10 ] && ok || bad "github: $warnings warning annotations"
[ "$notices" = 9 ] && ok || bad "github: $notices notice annotations, want 9 (and the closing one)"
[ "$((errors + warnings + notices + plain))" = "$total" ] && ok ||
	bad "github: $errors+$warnings+$notices annotations and $plain log lines for $total findings"
more=$((total - errors - warnings - notices))
grep -q "^::notice title=dockfix::$more more findings are not annotated" "$tmp/gh.txt" && ok ||
	bad "github: no closing notice for $more findings: $(tail -n 1 "$tmp/gh.txt")"
case $(tail -n 1 "$tmp/gh.txt") in "::notice title=dockfix::$more more"*) ok ;; *) bad "github: the closing notice is not last" ;; esac
grep -q '^::error file=deploy/compose.yaml,line=' "$tmp/gh.txt" && ok ||
	bad "github: annotation path not relative to the repository: $(head -n 1 "$tmp/gh.txt")"
grep -q '^deploy/compose.yaml:[0-9]*:[0-9]*: low DC304 ' "$tmp/gh.txt" && ok || bad "github: no plain log line for a low finding"
# the most severe first: every critical that is left out comes after ten annotated ones
grep -q '^deploy/compose.yaml:[0-9]*:[0-9]*: critical DC301 ' "$tmp/gh.txt" && ok || bad "github: the 4 critical findings beyond 10 are not log lines"
[ -e "$tmp/summary.md" ] && bad "github: a summary file appeared without GITHUB_STEP_SUMMARY" || ok

printf 'earlier step\n' >"$tmp/summary.md"
(cd "$tmp/many/deploy" && GITHUB_STEP_SUMMARY=$tmp/summary.md "$bin" $AS --format github . >"$tmp/gh2.txt" 2>/dev/null)
cmp -s "$tmp/gh.txt" "$tmp/gh2.txt" && ok || bad "github: the summary changed the annotations"
[ "$(head -n 1 "$tmp/summary.md")" = "earlier step" ] && ok || bad "github: the summary file was not appended to"
grep -q "^## dockfix$" "$tmp/summary.md" && ok || bad "github: no summary heading"
grep -q "^\*\*$total findings\*\* in 1 file: 14 critical" "$tmp/summary.md" && ok ||
	bad "github: summary counts: $(grep findings "$tmp/summary.md" | head -n 1)"
grep -q '^| critical | 14 |$' "$tmp/summary.md" && ok || bad "github: no severity table"
grep -q '^| DC301 privileged | critical | 14 |$' "$tmp/summary.md" && ok || bad "github: no rule table row for DC301"
grep -q '^| critical | DC301 privileged | deploy/compose\.yaml:4 | ' "$tmp/summary.md" && ok ||
	bad "github: the findings table does not start with the most severe"
[ "$(grep -c '^| critical | DC301 privileged | deploy/' "$tmp/summary.md")" = 14 ] && ok ||
	bad "github: the 14 critical findings are not all in the table"
grep -q "^and $((total - 20)) more" "$tmp/summary.md" && ok || bad "github: no 'and N more' after 20 rows"

# a summary that cannot be written is a warning, not a failure
(cd "$tmp/many/deploy" && GITHUB_STEP_SUMMARY=$tmp/nonexistent/dir/s.md "$bin" $AS --format github --fail-on none . >/dev/null 2>"$tmp/err")
rc=$?
[ "$rc" = 0 ] && ok || bad "github: exit $rc when the summary cannot be written"
grep -q "warning: cannot write the step summary" "$tmp/err" && ok || bad "github: no warning for an unwritable summary"

# Markdown in a message cannot break the table: a `|` in a path
mkdir -p "$tmp/pipe/a|b"
printf 'services:\n  x:\n    image: alpine:3.20\n    privileged: true\n' >"$tmp/pipe/a|b/compose.yaml"
(cd "$tmp/pipe" && GITHUB_STEP_SUMMARY=$tmp/pipe.md "$bin" $AS --format github . >/dev/null 2>&1)
grep -q 'a\\|b/compose\.yaml:4 |' "$tmp/pipe.md" && ok || bad "github: '|' not escaped in the summary: $(grep compose "$tmp/pipe.md" | head -n 2)"

# few findings: no closing notice, no log lines
mk_repo
(cd "$tmp/repo/services" && "$bin" $AS --format github api >"$tmp/gh3.txt" 2>/dev/null)
grep -q 'title=dockfix::' "$tmp/gh3.txt" && bad "github: a closing notice without overflow" || ok
grep -vq '^::' "$tmp/gh3.txt" && bad "github: a log line without overflow" || ok
grep -q '^::error file=services/api/compose.yaml,' "$tmp/gh3.txt" && ok || bad "github: path from a subfolder not relative to the repository"

echo "formats: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
