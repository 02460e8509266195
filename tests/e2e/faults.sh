#!/bin/sh
# faults.sh DOCKFIX - `--write` under faults (README, "Fixes": the
# guarantees of --write): a full disk, no inodes left, read-only mounts,
# `secrets` as a file, symbolic links at secrets/, .env and .gitignore, a
# build context outside the project, two runs at once, a file changed or
# created between planning and commit, and kill -9 at random moments over a
# 1,500-file tree. Each case checks that no credential is lost (every
# `secrets: file:` the compose file names exists and is not empty, every
# ${VAR} it names has a value in .env, the original values are still
# somewhere the files point at), that nothing outside the project changed,
# and the exit status and the message naming the file.
# Mounts need root; without it (or when mount fails) those cases are
# skipped with a message. Everything mounted is unmounted on exit; every
# wait is bounded.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
mounts=""
cleanup() {
	for m in $mounts; do umount -l "$m" 2>/dev/null; done
	chattr -R -i "$tmp" 2>/dev/null
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
pass=0
fail=0
export NO_COLOR=1
AS="--as-of 2026-11-28"
PW=Vh4nQ8rT2mK6wZ9pL3xS
TOK=ghp_abcdefghijklmnopqrstuvwxyz0123456789
root=$(id -u)

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $1"
	fail=$((fail + 1))
}
skip() { echo "faults: skipped: $1"; }
check() { # NAME CMD...
	_what=$1
	shift
	if "$@"; then ok; else bad "$_what"; fi
}

# mkproj DIR: a compose file whose fixes move a password into
# secrets/*.txt and a token into .env (and git-ignore both), and an
# independent Dockerfile in app/ whose fix adds a USER.
mkproj() {
	mkdir -p "$1/app"
	cat >"$1/compose.yaml" <<EOF
services:
  grafana:
    image: grafana/grafana-oss:11.3.0
    environment:
      GF_SECURITY_ADMIN_USER: ops
      GF_SECURITY_ADMIN_PASSWORD: $PW
      API_TOKEN: $TOK
    ports:
      - "127.0.0.1:3000:3000"
EOF
	printf 'FROM alpine:3.22\nWORKDIR /app\nRUN echo hi\nCMD ["./app"]\n' >"$1/app/Dockerfile"
}

# creds DIR: no credential lost in DIR.
creds() {
	d=$1
	c="$d/compose.yaml"
	for f in $(sed -n 's/^ *file: *\(.*\)$/\1/p' "$c"); do
		[ -s "$d/$f" ] || { echo "  $c names $f, which is missing or empty"; return 1; }
	done
	for v in $(grep -o '\${[A-Za-z_][A-Za-z_0-9]*' "$c" | cut -c3-); do
		grep -q "^$v=." "$d/.env" 2>/dev/null || { echo "  $c needs $v, which .env does not set"; return 1; }
	done
	if ! grep -q "$PW" "$c"; then
		cat "$d"/secrets/*.txt 2>/dev/null | grep -q "$PW" || { echo "  the password is gone"; return 1; }
	fi
	if ! grep -q "$TOK" "$c"; then
		grep -q "^API_TOKEN=$TOK" "$d/.env" 2>/dev/null || { echo "  the token is gone"; return 1; }
	fi
	return 0
}

# sums DIR [EXCLUDE]: names, types, modes and contents of a tree, one line each.
sums() {
	(cd "$1" && find . ${2:+-path "./$2" -prune -o} -print | LC_ALL=C sort | while read -r f; do
		if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"
		elif [ -f "$f" ]; then echo "$f $(stat -c %a "$f") $(sha256sum <"$f" | cut -c1-64)"
		else echo "$f $(stat -c %F "$f")"; fi
	done)
}

# unitsums DIR: sums of DIR but app/ and .gitignore (a lone ignore file is
# written on its own: adding lines to it is harmless)
unitsums() { sums "$1" app | grep -v '^\./\.gitignore '; }

temps() { find "$1" -name '.*.dockfix-??????' 2>/dev/null | head -5; }

# run DIR ARGS...: dockfix in DIR, bounded; out/err/rc in $tmp.
run() {
	d=$1
	shift
	(cd "$d" && timeout 60 "$bin" $AS -q "$@") >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

rcis() { # NAME WANT
	if [ "$rc" = "$2" ]; then ok; else
		bad "$1: exit $rc, want $2"
		head -5 "$tmp/err"
	fi
}
errhas() { # NAME PATTERN
	if grep -q -- "$2" "$tmp/err"; then ok; else
		bad "$1: '$2' not on stderr"
		head -5 "$tmp/err"
	fi
}

# fresh NAME: $w/outer/p is the project, $w/outer/side a neighbour.
fresh() {
	w="$tmp/$1"
	p="$w/outer/p"
	mkdir -p "$w/outer/side"
	echo "neighbour" >"$w/outer/side/keep.txt"
	mkproj "$p"
}

# ------------------------------------------------------------- secrets is a file
fresh secfile
: >"$p/secrets"
before=$(unitsums "$p")
run "$p" --write .
rcis "secrets as a file" 2
errhas "secrets as a file" "secrets/grafana_gf_security_admin_password.txt: error: .*'secrets' is not a directory"
check "secrets as a file: compose, .env, .gitignore untouched" [ "$(unitsums "$p")" = "$before" ]
check "secrets as a file: the independent Dockerfile is fixed" grep -q '^USER 10001' "$p/app/Dockerfile"
check "secrets as a file: credentials" creds "$p"
check "secrets as a file: no temporary file" [ -z "$(temps "$w")" ]
errhas "secrets as a file: stderr says what was not written" "^wrote 1 of 5 changed files; 4 not written"
grep -q 'DC101' "$tmp/out" && ok || bad "secrets as a file: the report still shows the password on disk"

# ------------------------------------------------------------- symbolic links
for link in secrets .env .gitignore; do
	fresh "link$link"
	mkdir -p "$w/outer/side/dir"
	echo "OTHER=1" >"$w/outer/side/file"
	case $link in
	secrets) ln -s ../side/dir "$p/secrets" ;;
	*) ln -s ../side/file "$p/$link" ;;
	esac
	outside=$(sums "$w/outer" p)
	before=$(unitsums "$p")
	run "$p" --write .
	rcis "symlinked $link" 2
	errhas "symlinked $link" "symbolic link"
	errhas "symlinked $link names the file" "^$link[/:]"
	check "symlinked $link: nothing outside changed" [ "$(sums "$w/outer" p)" = "$outside" ]
	check "symlinked $link: the unit is untouched" [ "$(unitsums "$p")" = "$before" ]
	check "symlinked $link: credentials" creds "$p"
done
# a dangling .env symbolic link
fresh dangling
ln -s ../side/nothing "$p/.env"
outside=$(sums "$w/outer" p)
run "$p" --write .
rcis "dangling .env" 2
errhas "dangling .env" "^.env: error: is a symbolic link"
check "dangling .env: nothing outside created" [ "$(sums "$w/outer" p)" = "$outside" ]
check "dangling .env: compose untouched" grep -q "$TOK" "$p/compose.yaml"
check "dangling .env: credentials" creds "$p"
# a symbolic link to a Dockerfile: not written, the rest is
fresh dflink
printf 'FROM alpine:3.22\nWORKDIR /app\nRUN true\nCMD ["./app"]\n' >"$w/outer/side/Dockerfile"
mkdir "$p/b"
ln -s ../../side/Dockerfile "$p/b/Dockerfile"
outside=$(sums "$w/outer" p)
run "$p" --write .
rcis "symlinked Dockerfile" 2
errhas "symlinked Dockerfile" "^b/Dockerfile: error: is a symbolic link"
check "symlinked Dockerfile: target unchanged" [ "$(sums "$w/outer" p)" = "$outside" ]
check "symlinked Dockerfile: the rest is written" [ -s "$p/.env" ]
check "symlinked Dockerfile: credentials" creds "$p"

# ------------------------------------------------------------- outside the project
fresh outside
mkdir -p "$w/outer/side/ctx"
printf 'FROM alpine:3.22\nWORKDIR /app\nRUN true\nCMD ["./app"]\n' >"$w/outer/side/ctx/Dockerfile"
cat >"$p/compose.yaml" <<EOF
services:
  web:
    build:
      context: ../side/ctx
    image: alpine:3.22
    ports:
      - "127.0.0.1:80:80"
  pw:
    image: alpine:3.22
    build:
      context: .
      dockerfile: /etc/passwd
EOF
outside=$(sums "$w/outer" p)
etc=$(sha256sum </etc/passwd)
run "$p" --write .
rcis "build context outside" 2
errhas "build context outside" "side/ctx/Dockerfile: error: outside the project, not written"
check "build context outside: nothing outside changed" [ "$(sums "$w/outer" p)" = "$outside" ]
check "build context outside: no .dockerignore outside" [ ! -e "$w/outer/side/ctx/.dockerignore" ]
check "dockerfile: /etc/passwd not changed" [ "$(sha256sum </etc/passwd)" = "$etc" ]
grep -q 'side/ctx/Dockerfile.*DF' "$tmp/out" && ok || bad "build context outside: its findings are reported"
# a FIFO named as a Dockerfile is never opened (no hang)
fresh fifo
mkfifo "$p/app/Containerfile"
run "$p" --write .
check "FIFO: no hang" [ "$rc" != 124 ]
errhas "FIFO" "app/Containerfile.*not a regular file"
# a symbolic link loop is reported
fresh loop
ln -s Dockerfile.b "$p/app/Dockerfile.a"
ln -s Dockerfile.a "$p/app/Dockerfile.b"
run "$p" .
rcis "symlink loop" 2
errhas "symlink loop" "app/Dockerfile.a.*error: symbolic link loop"

# ------------------------------------------------------------- changed meanwhile
pause() { # DIR FIFO: start a paused --write in the background
	rm -f "$2"
	mkfifo "$2"
	(cd "$1" && DOCKFIX_TEST_PAUSE_BEFORE_COMMIT="$2" timeout 60 "$bin" $AS -q --write . >"$2.out" 2>"$2.err"
	echo $? >"$2.rc") &
}
release() { # FIFO: let it commit, wait for it (bounded)
	timeout 20 sh -c "echo go >'$1'" || bad "release: the run never reached the commit phase"
	i=0
	while [ ! -s "$1.rc" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	rc=$(cat "$1.rc" 2>/dev/null || echo none)
	cp "$1.err" "$tmp/err"
}
waitstaged() { # DIR: the temporary files exist (staging done)
	i=0
	while [ -z "$(temps "$1")" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}
fresh changed
pause "$p" "$w/fifo"
waitstaged "$p"
echo "# edited by hand" >>"$p/compose.yaml"
release "$w/fifo"
rcis "compose changed meanwhile" 2
errhas "compose changed meanwhile" "^compose.yaml: error: changed since it was read"
check "compose changed meanwhile: the edit is kept" grep -q "edited by hand" "$p/compose.yaml"
check "compose changed meanwhile: no secret created" [ ! -e "$p/secrets/grafana_gf_security_admin_password.txt" ]
check "compose changed meanwhile: credentials" creds "$p"
check "compose changed meanwhile: no temporary file" [ -z "$(temps "$p")" ]
check "compose changed meanwhile: Dockerfile written" grep -q '^USER 10001' "$p/app/Dockerfile"

fresh created
pause "$p" "$w/fifo"
waitstaged "$p"
mkdir -p "$p/secrets"
echo "mine" >"$p/secrets/grafana_gf_security_admin_password.txt"
release "$w/fifo"
rcis "secret created meanwhile" 2
errhas "secret created meanwhile" "secrets/grafana_gf_security_admin_password.txt: error: appeared since it was read"
check "secret created meanwhile: not overwritten" [ "$(cat "$p/secrets/grafana_gf_security_admin_password.txt")" = mine ]
check "secret created meanwhile: compose untouched" grep -q "$PW" "$p/compose.yaml"
check "secret created meanwhile: credentials" creds "$p"

# two runs at once, released together
fresh concurrent
pause "$p" "$w/f1"
pause "$p" "$w/f2"
waitstaged "$p"
sleep 0.5
(timeout 20 sh -c "echo go >'$w/f1'" &
timeout 20 sh -c "echo go >'$w/f2'" &
wait)
i=0
while { [ ! -s "$w/f1.rc" ] || [ ! -s "$w/f2.rc" ]; } && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
r1=$(cat "$w/f1.rc" 2>/dev/null); r2=$(cat "$w/f2.rc" 2>/dev/null)
check "concurrent: both ended" [ -n "$r1" -a -n "$r2" ]
for r in "$r1" "$r2"; do check "concurrent: exit 0, 1 or 2 ($r)" [ "$r" = 0 -o "$r" = 1 -o "$r" = 2 ]; done
check "concurrent: the compose unit was written by one of them" [ -s "$p/.env" ] && ! grep -q "$PW" "$p/compose.yaml"
check "concurrent: the Dockerfile was written by one of them" grep -q '^USER 10001' "$p/app/Dockerfile"
check "concurrent: credentials" creds "$p"
check "concurrent: one secrets block" [ "$(grep -c '^secrets:' "$p/compose.yaml")" = 1 ]
check "concurrent: the password is in the secret file" grep -q "$PW" "$p/secrets/grafana_gf_security_admin_password.txt"
for r in "$r1" "$r2"; do [ "$r" = 2 ] && { grep -q "error:" "$w/f1.err" "$w/f2.err" && ok || bad "concurrent: the loser names a file"; }; done
run "$p" --write .
check "concurrent: a later run leaves no temporary file" [ -z "$(temps "$p")" ]

# ------------------------------------------------------------- mounts (root only)
mnt() { # TYPE-ARGS... DIR: mount, remember for the trap
	eval "d=\${$#}"
	if mount "$@" 2>/dev/null; then
		mounts="$d $mounts"
		return 0
	fi
	return 1
}
umnt() { umount "$1" 2>/dev/null; }

if [ "$root" != 0 ]; then
	skip "not root: full disk, no inodes, read-only mounts"
else
	# a full disk: nothing fits, nothing changes
	fresh enospc
	mkdir -p "$w/fs"
	if mnt -t tmpfs -o size=256k,nr_inodes=200 tmpfs "$w/fs"; then
		mkproj "$w/fs/p"
		dd if=/dev/zero of="$w/fs/fill" bs=4k 2>/dev/null
		before=$(sums "$w/fs/p")
		run "$w/fs/p" --write .
		rcis "full disk" 2
		errhas "full disk" "No space left on device"
		check "full disk: nothing changed" [ "$(sums "$w/fs/p")" = "$before" ]
		check "full disk: no temporary file" [ -z "$(temps "$w/fs")" ]
		check "full disk: credentials" creds "$w/fs/p"
		rm -f "$w/fs/fill"
		run "$w/fs/p" --write .
		rcis "full disk, then room" 1
		check "full disk, then room: credentials" creds "$w/fs/p"
		umnt "$w/fs"
	else skip "tmpfs mount failed: full disk"; fi

	# no inodes left
	fresh enospc-inodes
	mkdir -p "$w/fs"
	if mnt -t tmpfs -o size=4m,nr_inodes=16 tmpfs "$w/fs"; then
		mkproj "$w/fs/p"
		i=0
		while [ $i -lt 40 ] && touch "$w/fs/i$i" 2>/dev/null; do i=$((i + 1)); done
		before=$(sums "$w/fs/p")
		run "$w/fs/p" --write .
		rcis "no inodes" 2
		check "no inodes: nothing changed" [ "$(sums "$w/fs/p")" = "$before" ]
		check "no inodes: no temporary file" [ -z "$(temps "$w/fs")" ]
		check "no inodes: credentials" creds "$w/fs/p"
		umnt "$w/fs"
	else skip "tmpfs mount failed: no inodes"; fi

	# a read-only secrets/ (a read-only bind mount: root ignores mode bits)
	fresh rosecrets
	mkdir -p "$p/secrets"
	if mnt --bind "$p/secrets" "$p/secrets" && mount -o remount,ro,bind "$p/secrets" 2>/dev/null; then
		before=$(unitsums "$p")
		run "$p" --write .
		rcis "read-only secrets/" 2
		errhas "read-only secrets/" "^secrets/grafana_gf_security_admin_password.txt: error:.*Read-only"
		check "read-only secrets/: the unit is untouched" [ "$(unitsums "$p")" = "$before" ]
		check "read-only secrets/: the Dockerfile is fixed" grep -q '^USER 10001' "$p/app/Dockerfile"
		check "read-only secrets/: credentials" creds "$p"
		umnt "$p/secrets"
	else skip "bind mount failed: read-only secrets/"; fi

	# the whole project read-only
	fresh roproj
	if mnt --bind "$p" "$p" && mount -o remount,ro,bind "$p" 2>/dev/null; then
		before=$(sums "$p")
		run "$p" --write .
		rcis "read-only project" 2
		check "read-only project: nothing changed" [ "$(sums "$p")" = "$before" ]
		check "read-only project: credentials" creds "$p"
		umnt "$p"
	else skip "bind mount failed: read-only project"; fi
fi

# ------------------------------------------------------------- kill -9
# 500 folders x (compose.yaml, Dockerfile, notes.txt) = 1,500 files; each
# run killed at a random moment; every file wholly old or wholly new; the
# next run completes and leaves no temporary file.

# creds_all TREE: creds() for every compose.yaml below TREE, in one awk.
creds_all() {
	find "$1" -name compose.yaml | awk -v pw="$PW" -v tok="$TOK" '
	function nonempty(p,   x, r) { r = (getline x < p) > 0; close(p); return r }
	{
		c = $0; d = c; sub(/\/compose\.yaml$/, "", d)
		haspw = hastok = 0; nf = 0; nv = 0; split("", files); split("", vars)
		while ((getline l < c) > 0) {
			if (index(l, pw)) haspw = 1
			if (index(l, tok)) hastok = 1
			if (l ~ /^ *file: /) { f = l; sub(/^ *file: */, "", f); files[++nf] = d "/" f }
			while (match(l, /\$\{[A-Za-z_][A-Za-z_0-9]*/)) {
				vars[++nv] = substr(l, RSTART + 2, RLENGTH - 2); l = substr(l, RSTART + RLENGTH)
			}
		}
		close(c)
		split("", env)
		while ((getline l < (d "/.env")) > 0) { k = l; sub(/=.*/, "", k); v = l; sub(/^[^=]*=/, "", v); if (v != "") env[k] = v }
		close(d "/.env")
		found = haspw
		for (i = 1; i <= nf; i++) {
			if (!nonempty(files[i])) { print "missing or empty: " files[i]; bad = 1 }
			while ((getline x < files[i]) > 0) if (index(x, pw)) found = 1
			close(files[i])
		}
		if (!found) { print "password gone: " d; bad = 1 }
		for (i = 1; i <= nv; i++) if (!(vars[i] in env)) { print "no value for " vars[i] " in " d "/.env"; bad = 1 }
		if (!hastok && env["API_TOKEN"] != tok) { print "token gone: " d; bad = 1 }
	}
	END { exit bad }' | head -3
}
# hashes TREE: "path hash" for every regular file but the temporary ones
hashes() {
	(cd "$1" && find . -type f ! -name '.*.dockfix-*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
		awk '{ print $2, $1 }'
}

k="$tmp/kill"
mkdir -p "$k/orig"
i=0
while [ $i -lt 500 ]; do
	mkproj "$k/orig/d$i"
	mv "$k/orig/d$i/app/Dockerfile" "$k/orig/d$i/Dockerfile"
	rmdir "$k/orig/d$i/app"
	echo "notes $i" >"$k/orig/d$i/notes.txt"
	i=$((i + 1))
done
cp -a "$k/orig" "$k/new"
t0=$(date +%s%N)
(cd "$k/new" && timeout 120 "$bin" $AS -q --write . >/dev/null 2>&1)
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
hashes "$k/orig" >"$k/orig.sum"
hashes "$k/new" >"$k/new.sum"
check "kill -9: the tree has 1,500 files" [ "$(wc -l <"$k/orig.sum")" -ge 1500 ]
check "kill -9: the full run fixed it" [ -z "$(creds_all "$k/new")" ]
kills=0
n=0
while [ $n -lt 20 ]; do
	rm -rf "$k/w"
	cp -a "$k/orig" "$k/w"
	(cd "$k/w" && exec "$bin" $AS -q --write . >/dev/null 2>&1) &
	pid=$!
	# a moment between 30% and 110% of a full run
	s=$(awk -v ms="$ms" -v seed="$n$$" 'BEGIN { srand(seed); printf "%.3f", ms * (0.3 + 0.8 * rand()) / 1000 }')
	sleep "$s"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	hashes "$k/w" >"$k/w.sum"
	torn=$(awk 'FILENAME == ARGV[1] { o[$1] = $2; next } FILENAME == ARGV[2] { nw[$1] = $2; next }
		$2 != o[$1] && $2 != nw[$1] { print $1 }' "$k/orig.sum" "$k/new.sum" "$k/w.sum" | head -3)
	check "kill -9 #$n: each file wholly old or wholly new${torn:+: $torn}" [ -z "$torn" ]
	lost=$(creds_all "$k/w")
	check "kill -9 #$n: no credential lost${lost:+: $lost}" [ -z "$lost" ]
	(cd "$k/w" && timeout 120 "$bin" $AS -q --write . >/dev/null 2>&1)
	left=$(temps "$k/w")
	check "kill -9 #$n: no temporary file after the next run${left:+: $left}" [ -z "$left" ]
	lost=$(creds_all "$k/w")
	check "kill -9 #$n: no credential lost after the next run${lost:+: $lost}" [ -z "$lost" ]
	n=$((n + 1))
done
echo "faults: kill -9: $kills of 20 runs killed mid-way (a full run takes ${ms} ms)" >&2

echo "faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
