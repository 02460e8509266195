#!/bin/sh
# validate.sh DOCKFIX [CASE...] - validate `dockfix --format sarif` against the
# SARIF 2.1.0 JSON schema (tests/sarif/sarif-schema-2.1.0.json, JSON Schema
# draft 2020-12) with ajv-cli + ajv-formats, for every golden case (or the
# CASEs named): audit cases run `--format sarif` on the case's own arguments,
# `inspect` cases run `inspect --format sarif`. It also checks what the
# schema cannot: each result's ruleIndex names the rule with its ruleId,
# every uriBaseId is declared in originalUriBaseIds, regions are ordered.
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
	});
	const loc = (where, l) => {
		if (l.uriBaseId && !(l.uriBaseId in bases)) bad.push(`${where}: uriBaseId ${l.uriBaseId} undeclared`);
		if (/^\.\//.test(l.uri)) bad.push(`${where}: uri ${l.uri} starts with ./`);
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

cases=$*
if [ -z "$cases" ]; then
	cases=$(cd "$top/golden" && for d in */*/; do d=${d%/}; case $d in init/*) ;; *) echo "$d";; esac; done)
fi
pass=0
fail=0
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
