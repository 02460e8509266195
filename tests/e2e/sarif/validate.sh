#!/bin/sh
# validate.sh DOCKFIX [CASE...] - validate `dockfix --format sarif` against the
# SARIF 2.1.0 JSON schema (tests/sarif/sarif-schema-2.1.0.json, JSON Schema
# draft 2020-12) with ajv-cli + ajv-formats, for every golden case (or the
# CASEs named): audit cases run `--format sarif` on the case's own arguments,
# `inspect` cases run `inspect --format sarif`. It also checks what the
# schema cannot: each result's ruleIndex names the rule with its ruleId,
# every uriBaseId is declared in originalUriBaseIds, regions are ordered,
# every rule has a helpUri into the README and a precision, the run has an
# automationDetails.id. A run from a subfolder of a git repository must
# give the uris, root and id of a run from its top.
#
# ajv-cli and ajv-formats are installed into tests/sarif/node_modules from
# package-lock.json (`npm ci`) when missing. Without node/npm, or when the
# npm registry cannot be reached, it prints "skipped: ..." and exits 0.
#
# The schema file is sarif-2.1.0.json as shipped by the SARIF SDK's npm
# package @microsoft/sarif-multitool-linux 5.7.0 (MIT); it matches the
# OASIS TC's Schemata/sarif-schema-2.1.0.json (draft 2020-12 edition).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
if [ $# -lt 1 ]; then
	echo "usage: $0 DOCKFIX [CASE...]" >&2
	exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift

skip() {
	echo "sarif: skipped: $*"
	exit 0
}

command -v node >/dev/null 2>&1 || skip "node is not installed (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || skip "npm is not installed (apt-get install npm)"
[ -x "$bin" ] || { echo "sarif: no dockfix binary at $bin" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ajv=$here/node_modules/.bin/ajv
if [ ! -x "$ajv" ] || [ ! -d "$here/node_modules/ajv-formats" ]; then
	if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm.log" 2>&1); then
		skip "cannot install ajv-cli from the npm registry (offline?): $(tail -n 1 "$tmp/npm.log")"
	fi
fi

# Checks beyond the schema, on one SARIF file.
cat >"$tmp/check.js" <<'EOF'
const fs = require('fs');
const log = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const bad = [];
for (const run of log.runs) {
	const rules = run.tool.driver.rules || [];
	const bases = run.originalUriBaseIds || {};
	const ids = new Set();
	rules.forEach((r) => {
		if (ids.has(r.id)) bad.push(`rule ${r.id} listed twice`);
		ids.add(r.id);
		const sev = r.properties && r.properties['security-severity'];
		if (!/^\d+\.\d$/.test(sev || '')) bad.push(`rule ${r.id}: security-severity ${sev}`);
		const prec = r.properties && r.properties.precision;
		if (!['very-high', 'high', 'medium', 'low'].includes(prec)) bad.push(`rule ${r.id}: precision ${prec}`);
		if (r.helpUri !== `https://github.com/dockfix/dockfix#${r.id.toLowerCase()}`) bad.push(`rule ${r.id}: helpUri ${r.helpUri}`);
	});
	const auto = run.automationDetails && run.automationDetails.id;
	if (!/^dockfix\/(.+\/)?$/.test(auto || '')) bad.push(`automationDetails.id ${auto}`);
	if (bases['%SRCROOT%'] && !/^file:\/\/\/.*\/$/.test(bases['%SRCROOT%'].uri)) bad.push(`%SRCROOT% ${bases['%SRCROOT%'].uri}`);
	const loc = (where, l) => {
		if (l.uriBaseId && !(l.uriBaseId in bases)) bad.push(`${where}: uriBaseId ${l.uriBaseId} undeclared`);
		if (/^\.\//.test(l.uri)) bad.push(`${where}: uri ${l.uri} starts with ./`);
		if (l.uriBaseId && /^(\/|\.\.\/|[a-z]+:)/.test(l.uri)) bad.push(`${where}: uri ${l.uri} is not relative`);
		if (!l.uriBaseId && !/^file:\/\/\//.test(l.uri)) bad.push(`${where}: uri ${l.uri} has no base and is not absolute`);
	};
	const reg = (where, g) => {
		if (g.endLine < g.startLine || (g.endLine === g.startLine && g.endColumn < g.startColumn))
			bad.push(`${where}: region ends before it starts`);
	};
	(run.results || []).forEach((res, i) => {
		const w = `result ${i} (${res.ruleId})`;
		const r = rules[res.ruleIndex];
		if (!r || r.id !== res.ruleId) bad.push(`${w}: ruleIndex ${res.ruleIndex} is not ${res.ruleId}`);
		if (!res.partialFingerprints || !res.partialFingerprints['dockfix/v1']) bad.push(`${w}: no fingerprint`);
		for (const l of res.locations) {
			loc(w, l.physicalLocation.artifactLocation);
			reg(w, l.physicalLocation.region);
		}
		for (const f of res.fixes || [])
			for (const c of f.artifactChanges) {
				loc(w + ' fix', c.artifactLocation);
				for (const rp of c.replacements) reg(w + ' fix', rp.deletedRegion);
			}
	});
}
if (bad.length) {
	console.log(bad.join('\n'));
	process.exit(1);
}
EOF

# A run from a subfolder of a git repository names files as a run from its
# top: uris relative to the git top level, the same originalUriBaseIds,
# automationDetails.id and fingerprints. The two logs are validated below
# with the golden cases.
mkdir -p "$tmp/repo/.git" "$tmp/repo/services/api"
printf 'FROM node:18\nCOPY . .\nCMD ["node", "server.js"]\n' >"$tmp/repo/services/api/Dockerfile"
printf 'services:\n  api:\n    build: .\n    ports:\n      - "5432:5432"\n    image: postgres:17\n' \
	>"$tmp/repo/services/api/compose.yaml"
(cd "$tmp/repo" && "$bin" --as-of 2026-11-28 --format sarif services/api >"$tmp/top.sarif.json" 2>/dev/null)
(cd "$tmp/repo/services" && "$bin" --as-of 2026-11-28 --format sarif api >"$tmp/sub.sarif.json" 2>/dev/null)
sub_fail=0
sub_bad() {
	echo "FAIL sarif from a subfolder: $*"
	sub_fail=$((sub_fail + 1))
}
# messages name files as the command line did; everything else is the same
if [ "$(grep -v '"text":' "$tmp/top.sarif.json")" != "$(grep -v '"text":' "$tmp/sub.sarif.json")" ]; then
	sub_bad "the log differs from a run from the top"
	diff "$tmp/top.sarif.json" "$tmp/sub.sarif.json" | grep -v '"text":' | head -10
fi
grep -q '"uri": "services/api/Dockerfile",' "$tmp/sub.sarif.json" || sub_bad "no uri services/api/Dockerfile"
grep -q '"uri": "services/api/compose.yaml",' "$tmp/sub.sarif.json" || sub_bad "no uri services/api/compose.yaml"
grep -q "\"uri\": \"file://$tmp/repo/\"" "$tmp/sub.sarif.json" || sub_bad "%SRCROOT% is not file://$tmp/repo/"
grep -q '"id": "dockfix/services/api/"' "$tmp/sub.sarif.json" || sub_bad "automationDetails.id is not dockfix/services/api/"
# a .git file (a worktree or submodule) marks the top as well; without one the root is the PATH
mkdir -p "$tmp/wt/app" "$tmp/plain/app"
printf 'gitdir: /elsewhere\n' >"$tmp/wt/.git"
cp "$tmp/repo/services/api/Dockerfile" "$tmp/wt/app/"
cp "$tmp/repo/services/api/Dockerfile" "$tmp/plain/app/"
(cd "$tmp/wt/app" && "$bin" --format sarif . >"$tmp/wt.sarif.json" 2>/dev/null)
grep -q '"uri": "app/Dockerfile",' "$tmp/wt.sarif.json" || sub_bad "a .git file is not the top: $(grep -m1 '"uri": "[^f]' "$tmp/wt.sarif.json")"
(cd "$tmp/plain" && GIT_CEILING_DIRECTORIES=$tmp "$bin" --format sarif app >"$tmp/plain.sarif.json" 2>/dev/null)
grep -q '"uri": "Dockerfile",' "$tmp/plain.sarif.json" || sub_bad "without .git the uris are not relative to the PATH"
grep -q "\"uri\": \"file://$tmp/plain/app/\"" "$tmp/plain.sarif.json" || sub_bad "without .git %SRCROOT% is not the PATH"

cases=$*
if [ -z "$cases" ]; then
	cases=$(cd "$top/golden" && for d in */*/; do d=${d%/}; case $d in init/*) ;; *) echo "$d";; esac; done)
fi
pass=0
fail=$sub_fail
for log in top sub wt plain; do
	if ! "$ajv" validate --spec=draft2020 -c ajv-formats --strict=false --all-errors \
		-s "$here/sarif-schema-2.1.0.json" -d "$tmp/$log.sarif.json" >"$tmp/ajv.log" 2>&1 ||
		! node "$tmp/check.js" "$tmp/$log.sarif.json" >"$tmp/check.log" 2>&1; then
		echo "FAIL sarif ($log run): $(head -n 5 "$tmp/ajv.log" "$tmp/check.log")"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
for c in $cases; do
	d=$top/golden/$c
	[ -d "$d" ] || { echo "FAIL golden/$c: no such case"; fail=$((fail + 1)); continue; }
	args=.
	[ -f "$d/cmd" ] && args=$(cat "$d/cmd")
	# drop any --format X, then ask for sarif (after the subcommand for inspect)
	# shellcheck disable=SC2086
	set -- $args
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
	out=$tmp/$(echo "$c" | tr / _).sarif.json
	# shellcheck disable=SC2086
	(cd "$d" && NO_COLOR=1 "$bin" $sub --format sarif $rest >"$out" 2>/dev/null)
	rc=$?
	if [ $rc -gt 1 ] && ! [ -s "$out" ]; then
		echo "FAIL golden/$c: dockfix exited $rc without output"
		fail=$((fail + 1))
		continue
	fi
	if ! "$ajv" validate --spec=draft2020 -c ajv-formats --strict=false --all-errors \
		-s "$here/sarif-schema-2.1.0.json" -d "$out" >"$tmp/ajv.log" 2>&1; then
		echo "FAIL golden/$c: not valid SARIF 2.1.0"
		head -n 30 "$tmp/ajv.log"
		fail=$((fail + 1))
		continue
	fi
	if ! node "$tmp/check.js" "$out" >"$tmp/check.log" 2>&1; then
		echo "FAIL golden/$c: $(head -n 5 "$tmp/check.log")"
		fail=$((fail + 1))
		continue
	fi
	pass=$((pass + 1))
done
echo "sarif: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
