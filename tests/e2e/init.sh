#!/bin/sh
# test_init.sh - end-to-end tests of `dockfix init` (SPEC §5).
#
# usage: sh tests/e2e/init.sh DOCKFIX [--update]
#
#   golden      each case under golden/init/<stack>-<db>/expected.txt is the
#               command's stdout plus every file it wrote (path, mode,
#               content), passwords masked; --update rewrites them
#   passwords   all 30 stack x db projects: every password file is 43 chars
#               of base64url, no two are equal anywhere, none is printed, the
#               redis ACL file holds its sibling's password, modes are right
#   refusal     existing files: nothing is written without --force; --force
#               replaces files but keeps secrets; .gitignore is only extended
#   usage       bad arguments exit 2 and write nothing; --dir is created
#   audit       with DFX_INIT_AUDIT=1, `DOCKFIX --fail-on low DIR` must exit 0
#               for all 30 projects (off until every rule exists)
#
# POSIX sh; exits 1 when anything fails.
set -u
umask 022

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: sh tests/test_init.sh DOCKFIX [--update]" >&2
	exit 2
fi
dfx=$1
update=0
[ "${2:-}" = --update ] && update=1
case $dfx in
/*) ;;
*) dfx=$PWD/$dfx ;;
esac
[ -x "$dfx" ] || { echo "test_init: $dfx: not executable" >&2; exit 2; }

root=$(cd "$(dirname "$0")/../.." && pwd)
golden=$root/golden/init
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_init.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM
LC_ALL=C
export LC_ALL

STACKS="node python go java static"
DBS="none postgres mysql mariadb mongo redis"
GOLDEN="node-none node-postgres node-mysql node-mariadb node-mongo node-redis
python-none python-postgres go-none go-redis java-mariadb java-mongo
static-none static-mysql"

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $*" >&2
	fail=$((fail + 1))
}
check() { # DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok; else bad "$d"; fi
}

# The first ten characters of `ls -ld`: "-rw-r--r--" (POSIX has no stat).
# shellcheck disable=SC2012
mode_of() { ls -ld "$1" | cut -c1-10; }

# lacks PATTERN FILE: no line of FILE matches the basic regular expression.
lacks() { ! grep -q -e "$1" "$2"; }

# Every file and directory under DIR, sorted, one relative path a line.
tree() { (cd "$1" && find . ! -name . -print | sed 's|^\./||' | sort); }

# A fingerprint of everything under DIR: paths, modes, sizes and checksums.
fingerprint() {
	tree "$1" | while IFS= read -r p; do
		if [ -d "$1/$p" ]; then
			printf '%s %s dir\n' "$(mode_of "$1/$p")" "$p"
		else
			printf '%s %s %s\n' "$(mode_of "$1/$p")" "$p" "$(cksum <"$1/$p")"
		fi
	done
}

mask() { sed 's/[A-Za-z0-9_-]\{43\}/<password: 43 chars of base64url>/g'; }

# snapshot DIR STDOUT CMDLINE: the golden text of one run.
snapshot() {
	printf '# %s\n' "$3"
	printf '## stdout\n'
	cat "$2"
	tree "$1" | while IFS= read -r p; do
		if [ -d "$1/$p" ]; then
			printf '## dir %s %s\n' "$(mode_of "$1/$p")" "$p"
			continue
		fi
		printf '## file %s %s\n' "$(mode_of "$1/$p")" "$p"
		case $p in
		secrets/*) mask <"$1/$p" ;;
		*) cat "$1/$p" ;;
		esac
		if [ -n "$(tail -c 1 "$1/$p")" ]; then
			printf '\n## (no newline at end of file)\n'
		fi
	done
}

# ------------------------------------------------------------------ golden

mkdir "$tmp/golden"
for c in $GOLDEN; do
	stack=${c%%-*}
	db=${c#*-}
	cmd="dockfix init $stack --db $db --dir $c"
	(cd "$tmp/golden" && "$dfx" init "$stack" --db "$db" --dir "$c" \
		>"$c.stdout" 2>"$c.stderr")
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp/golden/$c.stderr" ]; then
		bad "golden $c: exit $rc, stderr: $(cat "$tmp/golden/$c.stderr")"
		continue
	fi
	snapshot "$tmp/golden/$c" "$tmp/golden/$c.stdout" "$cmd" >"$tmp/golden/$c.txt"
	if [ $update -eq 1 ]; then
		mkdir -p "$golden/$c"
		cp "$tmp/golden/$c.txt" "$golden/$c/expected.txt"
		ok
	elif [ ! -f "$golden/$c/expected.txt" ]; then
		bad "golden $c: no $golden/$c/expected.txt (run with --update)"
	elif diff -u "$golden/$c/expected.txt" "$tmp/golden/$c.txt" >"$tmp/golden/$c.diff"; then
		ok
	else
		bad "golden $c differs:"
		cat "$tmp/golden/$c.diff" >&2
	fi
done

# ------------------------------------------------------------------ passwords

all=$tmp/all
mkdir "$all"
: >"$tmp/passwords"
: >"$tmp/stdout-all"
for s in $STACKS; do
	for d in $DBS; do
		out=$all/$s-$d
		if ! (cd "$all" && "$dfx" init "$s" --db "$d" --dir "$s-$d" \
			>>"$tmp/stdout-all" 2>"$tmp/stderr"); then
			bad "init $s --db $d failed: $(cat "$tmp/stderr")"
			continue
		fi
		ok
		if grep -q '@[A-Z][A-Z0-9_]*@' "$out/Dockerfile" "$out/compose.yaml" \
			"$out/.dockerignore" "$out/.gitignore"; then
			bad "$s-$d: a placeholder was left unfilled"
		fi
		[ -d "$out/secrets" ] || continue
		check "$s-$d: secrets/ is drwx------" [ "$(mode_of "$out/secrets")" = drwx------ ]
		for f in "$out"/secrets/*; do
			name=${f##*/}
			case $name in
			redis_acl.txt)
				check "$s-$d: $name mode" [ "$(mode_of "$f")" = -rw-r--r-- ]
				pw=$(sed -n 's/^user default on >\([^ ]*\) ~\* &\* +@all$/\1/p' "$f")
				check "$s-$d: $name is one ACL line" [ "$(wc -l <"$f")" -eq 1 ]
				check "$s-$d: $name holds the redis password" \
					[ "${pw:-none}" = "$(cat "$out/secrets/redis_password.txt")" ]
				continue
				;;
			db_root_password.txt) want=-rw------- ;;
			*) want=-rw-r--r-- ;;
			esac
			check "$s-$d: $name mode $want" [ "$(mode_of "$f")" = "$want" ]
			check "$s-$d: $name is 43 bytes" [ "$(wc -c <"$f")" -eq 43 ]
			check "$s-$d: $name is base64url" grep -Eqx '[A-Za-z0-9_-]{43}' "$f"
			# 32 random bytes give about 31 distinct characters out of 43;
			# fewer than 12 means the generator is broken.
			distinct=$(fold -w 1 "$f" | sort -u | wc -l)
			check "$s-$d: $name is not weak ($distinct distinct characters)" \
				[ "$distinct" -ge 12 ]
			cat "$f" >>"$tmp/passwords"
			echo >>"$tmp/passwords"
		done
	done
done
npw=$(wc -l <"$tmp/passwords")
# Per stack: postgres 1, mysql 2, mariadb 2, mongo 1, redis 1 -> 7; times 5.
check "35 password files in 30 projects (got $npw)" [ "$npw" -eq 35 ]
dups=$(sort "$tmp/passwords" | uniq -d | wc -l)
check "no password is reused ($dups duplicates)" [ "$dups" -eq 0 ]
leaked=0
while IFS= read -r pw; do
	if grep -qF -e "$pw" "$tmp/stdout-all"; then leaked=$((leaked + 1)); fi
done <"$tmp/passwords"
check "no password appears in the output ($leaked do)" [ "$leaked" -eq 0 ]

# ------------------------------------------------------------------ refusal

r=$tmp/refuse
mkdir "$r"
(cd "$r" && "$dfx" init node --db redis --dir p >/dev/null 2>&1)
fingerprint "$r/p" >"$tmp/before"
(cd "$r" && "$dfx" init node --db redis --dir p >"$tmp/out" 2>"$tmp/err")
rc=$?
fingerprint "$r/p" >"$tmp/after"
check "refusal: exit 2 (got $rc)" [ $rc -eq 2 ]
check "refusal: says why" grep -q 'refusing to overwrite' "$tmp/err"
check "refusal: names compose.yaml" grep -q 'p/compose.yaml' "$tmp/err"
check "refusal: prints nothing on stdout" [ ! -s "$tmp/out" ]
check "refusal: every file untouched" cmp -s "$tmp/before" "$tmp/after"

# One existing file stops the whole run: nothing else appears.
mkdir "$r/one"
echo "services: {}  # mine" >"$r/one/compose.yaml"
(cd "$r/one" && "$dfx" init python --db postgres >/dev/null 2>&1)
rc=$?
check "refusal with one file: exit 2 (got $rc)" [ $rc -eq 2 ]
check "refusal with one file: nothing else written" [ "$(tree "$r/one")" = compose.yaml ]
check "refusal with one file: it is untouched" \
	[ "$(cat "$r/one/compose.yaml")" = "services: {}  # mine" ]

# A symbolic link at a target is refused, even with --force.
mkdir "$r/link"
ln -s /nonexistent/elsewhere "$r/link/Dockerfile"
(cd "$r/link" && "$dfx" init go --force >/dev/null 2>&1)
rc=$?
check "symlink target: exit 2 (got $rc)" [ $rc -eq 2 ]
check "symlink target: nothing written" [ "$(tree "$r/link")" = Dockerfile ]

# --force replaces files, keeps secrets, and only extends .gitignore.
echo "# mine" >>"$r/p/Dockerfile"
printf 'node_modules\n' >>"$r/p/.gitignore"
chmod 0640 "$r/p/compose.yaml"
cksum <"$r/p/secrets/redis_acl.txt" >"$tmp/acl.before"
cksum <"$r/p/secrets/redis_password.txt" >"$tmp/pw.before"
(cd "$r" && "$dfx" init node --db redis --dir p --force >"$tmp/out" 2>"$tmp/err")
rc=$?
check "--force: exit 0 (got $rc)" [ $rc -eq 0 ]
check "--force: Dockerfile replaced" lacks '^# mine' "$r/p/Dockerfile"
check "--force: a replaced file keeps its mode" [ "$(mode_of "$r/p/compose.yaml")" = -rw-r----- ]
check "--force: ACL secret kept" [ "$(cksum <"$r/p/secrets/redis_acl.txt")" = "$(cat "$tmp/acl.before")" ]
check "--force: password kept" [ "$(cksum <"$r/p/secrets/redis_password.txt")" = "$(cat "$tmp/pw.before")" ]
check "--force: says it kept them" grep -q 'kept  *secrets/redis_password.txt' "$tmp/out"
check "--force: .gitignore keeps the user's line" grep -qx node_modules "$r/p/.gitignore"
check "--force: .gitignore entries not repeated" [ "$(grep -cx 'secrets/' "$r/p/.gitignore")" -eq 1 ]

# Half of the redis pair: refused even with --force.
rm "$r/p/secrets/redis_acl.txt"
(cd "$r" && "$dfx" init node --db redis --dir p --force >/dev/null 2>&1)
rc=$?
check "half a redis secret pair: exit 2 (got $rc)" [ $rc -eq 2 ]
check "half a redis secret pair: nothing recreated" [ ! -e "$r/p/secrets/redis_acl.txt" ]

# An existing .gitignore is extended: equivalent lines count, CRLF is kept.
g=$tmp/gitignore
mkdir "$g"
printf 'node_modules\r\n/secrets/*' >"$g/.gitignore"
(cd "$g" && "$dfx" init node --db postgres >"$tmp/out" 2>&1)
rc=$?
check ".gitignore: exit 0 (got $rc)" [ $rc -eq 0 ]
check ".gitignore: user lines first, unchanged" \
	[ "$(head -n 2 "$g/.gitignore" | tr -d '\r')" = "$(printf 'node_modules\n/secrets/*')" ]
check ".gitignore: .env added" grep -q '^\.env' "$g/.gitignore"
check ".gitignore: no second secrets line" lacks '^secrets/' "$g/.gitignore"
check ".gitignore: CRLF kept" [ "$(grep -c "$(printf '\r')\$" "$g/.gitignore")" -eq "$(wc -l <"$g/.gitignore")" ]
check ".gitignore: reported as updated" grep -q 'updated  *\.gitignore (added \.env)' "$tmp/out"

# ------------------------------------------------------------------ usage

u=$tmp/usage
mkdir "$u"
for args in "" "rust" "node --db oracle" "node --port 0" "node --port 65536" \
	"node --port 80x" "node --port" "node --bogus" "node python" "node --dir"; do
	# shellcheck disable=SC2086 # word splitting is the point
	(cd "$u" && "$dfx" init $args >/dev/null 2>"$tmp/err")
	rc=$?
	check "init $args: exit 2 (got $rc)" [ $rc -eq 2 ]
	check "init $args: prints usage" grep -q '^usage: dockfix init' "$tmp/err"
done
check "bad usage writes nothing" [ -z "$(tree "$u")" ]
(cd "$u" && "$dfx" init --help >"$tmp/out" 2>&1)
rc=$?
check "--help: exit 0 (got $rc)" [ $rc -eq 0 ]
check "--help: prints usage" grep -q '^usage: dockfix init' "$tmp/out"
check "--help writes nothing" [ -z "$(tree "$u")" ]

(cd "$u" && "$dfx" init go --dir a/b/c/ >/dev/null 2>&1)
check "--dir: missing directories are created" [ -f "$u/a/b/c/Dockerfile" ]
(cd "$u" && "$dfx" init static --port 9000 --dir s >/dev/null 2>&1)
# shellcheck disable=SC2016 # a literal compose interpolation
check "static --port: host port only" grep -qF '"127.0.0.1:${APP_PORT:-9000}:8080"' "$u/s/compose.yaml"
(cd "$u" && "$dfx" init python --port=5000 --dir=p >/dev/null 2>&1)
check "python --port=: the app's port" grep -q '^EXPOSE 5000$' "$u/p/Dockerfile"

# ------------------------------------------------------------------ audit

if [ "${DFX_INIT_AUDIT:-0}" = 1 ]; then
	for s in $STACKS; do
		for d in $DBS; do
			if "$dfx" --fail-on low "$all/$s-$d" >"$tmp/audit" 2>&1; then
				ok
			else
				bad "audit $s-$d is not clean:"
				cat "$tmp/audit" >&2
			fi
		done
	done
fi

echo "test_init: $pass passed, $fail failed"
[ $fail -eq 0 ]
