#!/bin/sh
# dist.sh DOCKFIX - checks of the ways dockfix is handed out (README
# "Install", "In CI (GitHub Actions)", "pre-commit"):
#
#   Dockerfile      audits clean; two stages, runtime libraries only, a fixed
#                   non-root uid, WORKDIR /src, ENTRYPOINT dockfix; the
#                   builder installs the Makefile's -dev packages; the
#                   .dockerignore lets in exactly what the build copies, and
#                   the build reads nothing else (make's .d files); built
#                   with `docker build` when DOCKER_HOST names an engine that
#                   has the Debian base image, else skipped with a message
#   make dist       dockfix-VERSION.tar.gz with one top folder
#                   dockfix-VERSION/; dockfix builds from it and says VERSION
#   action.yml      its run: steps, as written, on a clean and on a failing
#                   workspace (tests/e2e/dist/workflow.py stands in for the
#                   runner; `sudo` runs the command directly)
#   README          the "In CI" snippets' steps, as written
#   pre-commit      the hooks' files: regex against names that must and must
#                   not match (Python's re, as pre-commit uses, and grep -E);
#                   with pre-commit installed, `pre-commit try-repo` of the
#                   system hooks on a scratch repository
#   make install    binary, man page, bash/zsh/fish completions in their
#                   places; `make uninstall` leaves no file; completions
#                   parse (bash -n, zsh -n, fish -n), complete, and offer the
#                   options and values of --help (tests/e2e/dist/options.py)
#   dockfix.1       groff -ww renders it without a warning; it names every
#                   option, format, configuration key and NO_COLOR
#
# Prints "dist: N passed, M failed" (and the skipped checks with a reason).
set -u
# The builds this script makes (the tarball, the action, make install) are
# the plain ones a user makes: not the caller's (make sanitize passes O= and
# CC= down through MAKEFLAGS and the environment).
unset MAKEFLAGS MFLAGS MAKELEVEL O CC CFLAGS EXTRA_CFLAGS EXTRA_LDFLAGS
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap '[ "${DFX_DIST_KEEP:-0}" = 1 ] && echo "dist: kept $tmp" || rm -rf "$tmp"' EXIT
pass=0
fail=0
skipped=0
export NO_COLOR=1
AS="--as-of 2026-11-28"

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $1"
	fail=$((fail + 1))
}
skip() {
	echo "dist: skipped: $1"
	skipped=$((skipped + 1))
}
check() { # NAME CMD... : CMD must succeed
	n=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then ok; else
		bad "$n"
		head -20 "$tmp/check.out"
	fi
}
has_py() { command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; }

VERSION=$(sed -n 's/^#define DFX_VERSION "\(.*\)"/\1/p' "$repo/include/dockfix/core.h")
DEBPKGS=$(sed -n 's/^DEBPKGS := //p' "$repo/Makefile")

# ------------------------------------------------------------ Dockerfile
cd "$repo" || exit 2
out=$("$bin" $AS Dockerfile .dockerignore 2>&1)
if [ $? = 0 ] && [ "$out" = "No findings in 2 files." ]; then ok; else
	bad "Dockerfile: dockfix reports findings on its own Dockerfile"
	echo "$out" | head -20
fi
# The final stage: from the last FROM on.
awk '/^FROM /{n++} {print > ("'"$tmp"'/stage" n)}' Dockerfile
last=$tmp/stage$(grep -c '^FROM ' Dockerfile)
[ "$(grep -c '^FROM ' Dockerfile)" -ge 2 ] && ok || bad "Dockerfile: not multi-stage"
for p in $DEBPKGS; do
	grep -q "[[:space:]]$p\([[:space:]]\|$\)" "$tmp/stage1" && ok || bad "Dockerfile: the builder does not install $p (Makefile DEBPKGS)"
done
for p in libfyaml0 libyaml-0-2 libpcre2-8-0; do
	grep -q "[[:space:]]$p\([[:space:]]\|$\)" "$last" && ok || bad "Dockerfile: the runtime stage does not install $p"
done
grep -q -- '-dev\b\|gcc\|make ' "$last" && bad "Dockerfile: the runtime stage installs build tools" || ok
grep -q '^USER 65532:65532$' "$last" && ok || bad "Dockerfile: the runtime stage does not run as 65532:65532"
grep -q '^WORKDIR /src$' "$last" && ok || bad "Dockerfile: no WORKDIR /src"
[ "$(grep '^ENTRYPOINT' Dockerfile | tail -1)" = 'ENTRYPOINT ["dockfix"]' ] && ok || bad 'Dockerfile: ENTRYPOINT is not ["dockfix"]'
# .dockerignore: everything out, then each COPY source (not --from) back in.
[ "$(grep -v '^#' .dockerignore | grep -v '^$' | head -1)" = "*" ] && ok || bad ".dockerignore: does not start with *"
copied=$(awk '/^COPY / && !/--from/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' Dockerfile | sed 's#^\./##; s#/$##')
for c in $copied; do
	grep -qx "!$c/\{0,1\}" .dockerignore && ok || bad ".dockerignore: the build copies $c but it is not let in"
done

# ------------------------------------------------------------ make dist
if make -s -C "$repo" dist >"$tmp/dist.log" 2>&1 && [ -f "$repo/dockfix-$VERSION.tar.gz" ]; then
	mv "$repo/dockfix-$VERSION.tar.gz" "$tmp/"
	ok
else
	bad "make dist failed"
	cat "$tmp/dist.log"
fi
src=$tmp/src/dockfix-$VERSION
if [ -f "$tmp/dockfix-$VERSION.tar.gz" ]; then
	tops=$(tar -tzf "$tmp/dockfix-$VERSION.tar.gz" | sed 's#/.*##' | sort -u)
	[ "$tops" = "dockfix-$VERSION" ] && ok || bad "dist: top folders are '$tops', want dockfix-$VERSION"
	mkdir -p "$tmp/src" && tar -xzf "$tmp/dockfix-$VERSION.tar.gz" -C "$tmp/src"
	for f in Makefile action.yml Dockerfile .dockerignore dockfix.1 completions/dockfix.bash LICENSE; do
		[ -f "$src/$f" ] && ok || bad "dist: $f is not in the tarball (committed?)"
	done
fi
[ "$("$bin" --version | head -1)" = "dockfix $VERSION" ] && ok || bad "dist: ./dockfix --version is not 'dockfix $VERSION'"

# The .dockerignore's `**/NAME` lines must keep out no file of what the
# build copies (else the image would embed fewer templates than ./dockfix).
if [ -d "$src" ]; then
	globs=$(sed -n 's#^\*\*/##p' "$repo/.dockerignore")
	hit=$(set -f; cd "$src" && for c in $copied; do find "$c" ! -type d; done | tr / '\n' | sort -u | while read -r comp; do
		for g in $globs; do
			# shellcheck disable=SC2254
			case $comp in $g) echo "$comp ($g)" ;; esac
		done
	done)
	[ -z "$hit" ] && ok || bad ".dockerignore keeps files the build needs out of the context: $hit"
fi

# --------------------------------------------------- the action, as written
# A sudo that runs the command as it is (the runner's sudo needs no
# password); apt-get update is left out when the build dependencies are
# already installed, so the test needs no network then.
mkdir -p "$tmp/shim"
cat >"$tmp/shim/sudo" <<'EOF'
#!/bin/sh
# sudo for the tests: run the command directly (as root, or as it is).
env_args=
while [ $# -gt 0 ]; do
	case $1 in
	*=*) env_args="$env_args $1"; shift ;;
	*) break ;;
	esac
done
if [ "${1:-}" = apt-get ] && [ "${2:-}" = update ] && dpkg -s $DFX_DIST_PKGS >/dev/null 2>&1; then
	echo "sudo (test): apt-get update left out: the build dependencies are installed"
	exit 0
fi
if [ "${1:-}" = apt-get ] && [ "$(id -u)" != 0 ]; then
	echo "sudo (test): apt-get needs root" >&2
	exit 1
fi
# shellcheck disable=SC2086
exec env $env_args "$@"
EOF
chmod +x "$tmp/shim/sudo"
export DFX_DIST_PKGS="gcc make libc6-dev libfyaml-dev libyaml-dev libpcre2-dev pkg-config"
export PATH="$tmp/shim:$PATH"

apt_ok=1
if ! dpkg -s $DFX_DIST_PKGS >/dev/null 2>&1; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then apt_ok=0; fi
fi
# workspace NAME DOCKERFILE-TEXT: a project to audit.
workspace() {
	rm -rf "$tmp/ws-$1" "$tmp/runner-temp"
	mkdir -p "$tmp/ws-$1"
	printf '%b' "$2" >"$tmp/ws-$1/Dockerfile"
	echo "$tmp/ws-$1"
}
CLEAN='FROM debian:trixie-slim\nUSER 10001:10001\nCMD ["true"]\n'
ROOT='FROM debian:trixie-slim\nCMD ["true"]\n'
# job LOG WANT : the job's result line in LOG must be WANT
job() {
	if grep -qx "job: $2" "$1"; then ok; else
		bad "$3: job result $(grep '^job:' "$1" || echo none), want $2"
		tail -20 "$1"
	fi
}
if ! has_py; then
	skip "action.yml and README CI steps: needs python3 with PyYAML"
elif [ "$apt_ok" = 0 ]; then
	skip "action.yml and README CI steps: build dependencies missing and apt-get unavailable (not root)"
elif [ ! -d "$src" ]; then
	bad "action.yml: no source tree to run it from (make dist failed)"
else
	wf="python3 $here/dist/workflow.py"
	ws=$(workspace clean "$CLEAN")
	$wf action "$repo/action.yml" "$src" "$ws" "args=$AS" >"$tmp/a1.log" 2>&1
	job "$tmp/a1.log" success "action, clean workspace"
	grep -q 'upload-sarif dockfix.sarif: valid SARIF 2.1.0' "$tmp/a1.log" && ok || bad "action: no valid dockfix.sarif uploaded"
	grep -q 'Install the build dependencies.*exit 0' "$tmp/a1.log" && ok || bad "action: the install step failed"
	# The build step built dockfix from the tarball.
	[ "$("$src/dockfix" --version 2>/dev/null | head -1)" = "dockfix $VERSION" ] && ok ||
		bad "dist: dockfix built from the tarball does not say 'dockfix $VERSION'"
	# Everything the build read is in what the Dockerfile copies.
	stray=$(cd "$src" && find build -name '*.d' -exec cat {} + 2>/dev/null | tr ' \\' '\n\n' |
		grep -v ':$' | grep -v '^$' | grep -v '^/' | grep -v '^\(include\|src\|templates\|build\)/' | sort -u)
	[ -z "$stray" ] && ok || bad "Dockerfile: the build reads files the image build does not copy: $stray"
	[ -n "$(cd "$src" && find build -name '*.d' | head -1)" ] && ok || bad "dist: no dependency files after the build"

	ws=$(workspace root "$ROOT")
	$wf action "$repo/action.yml" "$src" "$ws" "args=$AS" >"$tmp/a2.log" 2>&1
	job "$tmp/a2.log" failure "action, high finding"
	grep -q 'upload-sarif dockfix.sarif: valid SARIF 2.1.0' "$tmp/a2.log" && ok || bad "action: the report is not uploaded when the audit fails"
	grep -q '"ruleId": *"DF201"' "$ws/dockfix.sarif" && ok || bad "action: DF201 is not in the SARIF report"

	$wf action "$repo/action.yml" "$src" "$ws" "args=$AS" format=github output=report.txt >"$tmp/a3.log" 2>&1
	job "$tmp/a3.log" failure "action, format github"
	grep -q '^::error file=Dockerfile,.*title=DF201' "$tmp/a3.log" && ok || bad "action: format github prints no annotation"
	grep -q 'Upload the SARIF report.*skipped' "$tmp/a3.log" && ok || bad "action: upload-sarif runs for format github"

	$wf action "$repo/action.yml" "$src" "$ws" "args=$AS" fail-on=none >"$tmp/a4.log" 2>&1
	job "$tmp/a4.log" success "action, fail-on none"

	# README: the action snippet, then the plain-steps snippet (its `sudo
	# make install` goes to DESTDIR, which make takes from the environment).
	ws=$(workspace readme0 "$CLEAN")
	DFX_ACTION_YML=$repo/action.yml $wf readme "$repo/README.md" "$src" "$ws" 0 >"$tmp/r0.log" 2>&1
	job "$tmp/r0.log" success "README CI snippet 1 (the action)"
	grep -q 'valid SARIF 2.1.0' "$tmp/r0.log" && ok || bad "README CI snippet 1: no SARIF uploaded"
	ws=$(workspace readme1 "$CLEAN")
	DESTDIR=$tmp/root PATH="$tmp/root/usr/local/bin:$PATH" $wf readme "$repo/README.md" "$src" "$ws" 1 >"$tmp/r1.log" 2>&1
	job "$tmp/r1.log" success "README CI snippet 2 (plain steps)"
	grep -q 'valid SARIF 2.1.0' "$tmp/r1.log" && ok || bad "README CI snippet 2: no SARIF uploaded"
	[ -x "$tmp/root/usr/local/bin/dockfix" ] && ok || bad "README CI snippet 2: dockfix was not installed"
	[ ! -e "$ws/.dockfix-src" ] && ok || bad "README CI snippet 2: .dockfix-src is left in the workspace"
	ws=$(workspace readme1b "$ROOT")
	DESTDIR=$tmp/root PATH="$tmp/root/usr/local/bin:$PATH" $wf readme "$repo/README.md" "$src" "$ws" 1 >"$tmp/r1b.log" 2>&1
	job "$tmp/r1b.log" failure "README CI snippet 2 on a high finding"
fi

# ------------------------------------------------------------ docker build
if [ -z "${DOCKER_HOST:-}" ]; then
	skip "docker build: DOCKER_HOST is not set"
elif ! command -v docker >/dev/null 2>&1; then
	skip "docker build: no docker client"
else
	rel=
	if docker image inspect debian:trixie-slim >/dev/null 2>&1; then rel=trixie
	elif docker image inspect debian:bookworm-slim >/dev/null 2>&1; then rel=bookworm
	fi
	if [ -z "$rel" ]; then
		skip "docker build: neither debian:trixie-slim nor debian:bookworm-slim is on $DOCKER_HOST"
	elif ! docker run --rm "debian:$rel-slim" apt-get update -qq >"$tmp/docker-net.log" 2>&1; then
		skip "docker build: containers on $DOCKER_HOST reach no Debian mirror"
	else
		tag=dockfix-dist-test:$$
		if docker build --build-arg DEBIAN_RELEASE=$rel -t "$tag" "$repo" >"$tmp/docker.log" 2>&1; then
			ok
			v=$(docker run --rm "$tag" --version | head -1)
			[ "$v" = "dockfix $VERSION" ] && ok || bad "docker: the image says '$v'"
			[ "$(docker image inspect -f '{{.Config.User}}' "$tag")" = 65532:65532 ] && ok || bad "docker: the image does not run as 65532:65532"
			ws=$(workspace docker "$ROOT")
			docker run --rm -v "$ws:/src:ro" "$tag" $AS -q . >"$tmp/docker-run.log" 2>&1
			[ $? = 1 ] && grep -q DF201 "$tmp/docker-run.log" && ok || bad "docker: the image does not audit /src"
			docker image rm -f "$tag" >/dev/null 2>&1
		else
			bad "docker build (DEBIAN_RELEASE=$rel) failed"
			tail -20 "$tmp/docker.log"
		fi
	fi
fi

# ------------------------------------------------------------ pre-commit
cd "$repo" || exit 2
regexes=$(sed -n 's/^  files: //p' .pre-commit-hooks.yaml | sort -u)
[ "$(echo "$regexes" | wc -l)" = 1 ] && ok || bad "pre-commit: the hooks' files: differ"
for id in dockfix dockfix-fix dockfix-docker dockfix-fix-docker; do
	grep -qx -- "- id: $id" .pre-commit-hooks.yaml && ok || bad "pre-commit: no hook $id"
done
[ "$(grep -c '^  language: system$' .pre-commit-hooks.yaml)" = 2 ] && ok || bad "pre-commit: want two language: system hooks"
[ "$(grep -c '^  language: docker$' .pre-commit-hooks.yaml)" = 2 ] && ok || bad "pre-commit: want two language: docker hooks"
cat >"$tmp/must" <<'EOF'
Dockerfile
app/Dockerfile
Dockerfile.prod
docker/Dockerfile-alpine
api.Dockerfile
web.dockerfile
Containerfile
Containerfile.fedora
compose.yaml
compose.yml
docker-compose.yml
docker-compose.yaml
compose.override.yaml
docker-compose.override.yml
deploy/compose.prod.yml
docker-compose.ci.test.yaml
.env
svc/.env
.env.local
.env.production
.dockerignore
app/.dockerignore
Dockerfile.dockerignore
api.Dockerfile.dockerignore
.dockfix.yaml
sub/.dockfix.yaml
EOF
cat >"$tmp/mustnot" <<'EOF'
README.md
Dockerfiles/notes.txt
docs/Dockerfile/README
mycompose.yml
compose.json
docker-compose.yml.orig
compose.yaml.bak
compose.txt
composer.yml
.envrc
my.env
env
dockerignore
.dockerignore.bak
.dockfix.yml
dockfix.yaml
a.dockfix.yaml
src/compose.c
EOF
if echo "$regexes" | grep -q '[?*+}]?\|(?\|\\[dswb]'; then
	bad "pre-commit: the regex uses Python-only syntax; grep -E would read it differently"
fi
check "pre-commit: grep -E matches every name that must match" sh -c \
	'n=$(grep -Ec -- "$1" "$2"); [ "$n" = "$(wc -l <"$2" | tr -d " ")" ] || { grep -Ev -- "$1" "$2"; exit 1; }' sh "$regexes" "$tmp/must"
check "pre-commit: grep -E matches none of the names that must not" sh -c \
	'! grep -E -- "$1" "$2"' sh "$regexes" "$tmp/mustnot"
if command -v python3 >/dev/null 2>&1; then
	check "pre-commit: Python's re.search (as pre-commit) agrees" python3 -c '
import re, sys
r = re.compile(sys.argv[1])
bad = [n for n in open(sys.argv[2]).read().split() if not r.search(n)]
bad += [n for n in open(sys.argv[3]).read().split() if r.search(n)]
print("\n".join(bad)); sys.exit(1 if bad else 0)' "$regexes" "$tmp/must" "$tmp/mustnot"
else
	skip "pre-commit: Python's re: no python3"
fi
if has_py; then
	check "pre-commit: .pre-commit-hooks.yaml is a list of hooks with id, name, entry, language, files" python3 -c '
import re, sys, yaml
hooks = yaml.safe_load(open(".pre-commit-hooks.yaml"))
for h in hooks:
    assert {"id", "name", "entry", "language", "files"} <= set(h), h
    assert h["entry"].split()[0] == "dockfix", h
    re.compile(h["files"])'
fi

# pre-commit itself, when installed: `pre-commit try-repo` runs the system
# hooks from this repository on a scratch git repository.
if command -v pre-commit >/dev/null 2>&1 && command -v git >/dev/null 2>&1; then
	pc=$tmp/pc
	# try_hook NAME HOOK FILES... : a fresh repository with FILES, the hook on all of them
	try_hook() {
		rm -rf "$pc"
		mkdir -p "$pc/repo"
		_id=$1
		shift
		(cd "$pc/repo" && git init -q && for f in "$@"; do
			mkdir -p "$(dirname "$f")"
			case $f in
			*Dockerfile*) printf 'FROM debian:trixie-slim\nWORKDIR /app\nCMD ["true"]\n' >"$f" ;;
			*) printf 'A=1\n' >"$f" ;;
			esac
		done && git add -A &&
			PATH="$(dirname "$bin"):$PATH" HOME=$pc PRE_COMMIT_HOME=$pc/cache \
				pre-commit try-repo "$repo" "$_id" --all-files) >"$pc.log" 2>&1
	}
	try_hook dockfix Dockerfile notes.txt
	grep -q '^dockfix\.*Failed' "$pc.log" && grep -q DF201 "$pc.log" && ok || { bad "pre-commit try-repo dockfix: want a DF201 failure"; tail -15 "$pc.log"; }
	try_hook dockfix-fix app/Dockerfile
	grep -q 'files were modified by this hook' "$pc.log" && grep -q '^USER ' "$pc/repo/app/Dockerfile" && ok ||
		{ bad "pre-commit try-repo dockfix-fix: Dockerfile not fixed"; tail -15 "$pc.log"; }
	try_hook dockfix .env.local notes.txt
	grep -q '^dockfix\.*Passed' "$pc.log" && ok || { bad "pre-commit try-repo dockfix: .env.local was not checked"; tail -15 "$pc.log"; }
	try_hook dockfix notes.txt
	grep -q '^dockfix.*Skipped' "$pc.log" && ok || { bad "pre-commit try-repo dockfix: ran on notes.txt"; tail -15 "$pc.log"; }
else
	skip "pre-commit try-repo: pre-commit is not installed"
fi

# ------------------------------------------------------------ make install
d=$tmp/inst
if make -s -C "$repo" install DESTDIR="$d" PREFIX=/usr >"$tmp/install.log" 2>&1; then ok; else
	bad "make install failed"
	cat "$tmp/install.log"
fi
for f in bin/dockfix share/man/man1/dockfix.1 share/bash-completion/completions/dockfix \
	share/zsh/site-functions/_dockfix share/fish/vendor_completions.d/dockfix.fish \
	share/dockfix/dockfix-report.schema.json; do
	[ -s "$d/usr/$f" ] && ok || bad "install: no $d/usr/$f"
done
[ -x "$d/usr/bin/dockfix" ] && "$d/usr/bin/dockfix" --version >/dev/null && ok || bad "install: the installed dockfix does not run"
[ "$(find "$d" -type f | wc -l)" = 6 ] && ok || { bad "install: want 6 files"; find "$d" -type f; }
comp=$d/usr/share/bash-completion/completions/dockfix
check "bash -n completions/dockfix.bash" bash -n "$comp"
# complete WORDS... : what the bash completion offers for the last word.
complete_bash() {
	PATH="$d/usr/bin:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dockfix; printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$comp" "$@"
}
[ "$(complete_bash dockfix --fo)" = "--format" ] && ok || bad "bash completion: dockfix --fo<TAB> gives '$(complete_bash dockfix --fo)'"
[ "$(complete_bash dockfix --format s)" = "sarif" ] && ok || bad "bash completion: --format s<TAB>"
[ "$(complete_bash dockfix --fail-on ""  | tr '\n' ' ')" = "critical high low medium none " ] && ok || bad "bash completion: --fail-on <TAB>"
[ "$(complete_bash dockfix explain DF20 | tr '\n' ' ')" = "DF201 DF202 DF203 " ] && ok || bad "bash completion: explain DF20<TAB> gives '$(complete_bash dockfix explain DF20)'"
complete_bash dockfix --select DF101,DC20 | grep -qx 'DF101,DC201' && ok || bad "bash completion: --select DF101,DC20<TAB>"
complete_bash dockfix --ignore DF | grep -qx 'DF1' && ok || bad "bash completion: --ignore DF<TAB> offers no group DF1"
complete_bash dockfix explain DF | grep -qx 'DF1' && bad "bash completion: explain DF<TAB> offers the group DF1" || ok
[ "$(complete_bash dockfix init "" | tr '\n' ' ')" = "go java node python static " ] && ok || bad "bash completion: init <TAB>"
[ "$(complete_bash dockfix init go --db m | tr '\n' ' ')" = "mariadb mongo mysql " ] && ok || bad "bash completion: init --db m<TAB>"
[ "$(complete_bash dockfix --format = s)" = "sarif" ] && ok || bad "bash completion: --format=s<TAB>"
complete_bash dockfix i | grep -qx inspect && ok || bad "bash completion: dockfix i<TAB> has no inspect"
if command -v zsh >/dev/null 2>&1; then
	check "zsh -n _dockfix" zsh -n "$d/usr/share/zsh/site-functions/_dockfix"
	check "zsh: compinit binds _dockfix to dockfix" zsh -fc \
		'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2/zcompdump"; [[ $_comps[dockfix] == _dockfix ]]' \
		zsh "$d/usr/share/zsh/site-functions" "$tmp"
	if zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
		# complete_zsh LINE: the matches zsh offers for LINE<TAB>.
		complete_zsh() {
			(cd "$tmp" && TMPDIR=$tmp zsh -f "$here/dist/zsh_complete.zsh" "$d/usr/share/zsh/site-functions" "$d/usr/bin" "$1" | tr '\n' ' ')
		}
		[ "$(complete_zsh 'dockfix --fo')" = "--format " ] && ok || bad "zsh completion: dockfix --fo<TAB> gives '$(complete_zsh 'dockfix --fo')'"
		[ "$(complete_zsh 'dockfix explain DF')" = "DF101 DF102 DF103 DF104 DF105 DF201 DF202 DF203 DF301 DF302 DF303 DF304 DF401 DF402 DF403 DF404 DF405 DF406 DF407 " ] && ok || bad "zsh completion: explain DF<TAB> gives '$(complete_zsh 'dockfix explain DF')'"
		[ "$(complete_zsh 'dockfix init go --db m')" = "mariadb mongo mysql " ] && ok || bad "zsh completion: init go --db m<TAB> gives '$(complete_zsh 'dockfix init go --db m')'"
	else
		skip "zsh completion: no zsh/zpty module to drive it"
	fi
else
	skip "zsh completion: zsh is not installed"
fi
if command -v fish >/dev/null 2>&1; then
	fc=$d/usr/share/fish/vendor_completions.d/dockfix.fish
	check "fish -n dockfix.fish" fish -n "$fc"
	check "fish: dockfix --fo<TAB> offers --format" sh -c \
		'PATH="$2:$PATH" HOME="$3" fish -c "source $1; complete -C \"dockfix --fo\"" | grep -q "^--format"' sh "$fc" "$d/usr/bin" "$tmp"
	check "fish: dockfix explain DH<TAB> offers DH201" sh -c \
		'PATH="$2:$PATH" HOME="$3" fish -c "source $1; complete -C \"dockfix explain DH\"" | grep -q "^DH201"' sh "$fc" "$d/usr/bin" "$tmp"
else
	skip "fish completion: fish is not installed"
fi
if command -v python3 >/dev/null 2>&1; then
	if python3 "$here/dist/options.py" "$bin" "$repo/completions" >"$tmp/opts.log" 2>&1; then ok; else
		bad "completions: options or values differ from --help"
		grep -v '^ok' "$tmp/opts.log"
	fi
else
	skip "completions against --help: no python3"
fi
if make -s -C "$repo" uninstall DESTDIR="$d" PREFIX=/usr >"$tmp/uninstall.log" 2>&1; then ok; else
	bad "make uninstall failed"
	cat "$tmp/uninstall.log"
fi
left=$(find "$d" ! -type d)
[ -z "$left" ] && ok || bad "uninstall left: $left"

# ------------------------------------------------------------ dockfix.1
if ! command -v groff >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq groff-base >/dev/null 2>&1
fi
if command -v groff >/dev/null 2>&1; then
	w=$(LC_ALL=C.UTF-8 groff -ww -z -man -Tutf8 "$repo/dockfix.1" 2>&1)
	[ -z "$w" ] && ok || bad "dockfix.1: groff warns: $w"
	LC_ALL=C.UTF-8 groff -man -Tutf8 "$repo/dockfix.1" 2>/dev/null | sed 's/.\x08//g' >"$tmp/man.txt"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "EXIT STATUS" "SUPPRESSING FINDINGS" CONFIGURATION RULES ENVIRONMENT FILES EXAMPLES; do
		grep -q "^$s" "$tmp/man.txt" && ok || bad "dockfix.1: no $s section"
	done
else
	skip "dockfix.1 rendering: groff is not installed"
fi
grep -q "^\.TH DOCKFIX 1 \"[0-9-]*\" \"dockfix $VERSION\"" "$repo/dockfix.1" && ok || bad "dockfix.1: .TH does not name dockfix $VERSION"
# Every option of every command's --help, every format, every config key.
man_src=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$repo/dockfix.1")
for o in $( ("$bin" --help; "$bin" init --help; "$bin" inspect --help; "$bin" rules --help) |
	grep -E '^ +-|usage:' | grep -o -- '--[a-z][a-z-]*' | sort -u) -j -q -h; do
	# described: named on a .B/.BI/.BR line (an item's tag), not only mentioned
	echo "$man_src" | grep -q -- "^\.B[IR]\{0,1\} \(.*[ \"]\)\{0,1\}$o\([\" ]\|$\)" && ok || bad "dockfix.1: option $o has no item"
done
for v in text json sarif github checklist critical high medium low none auto always never NO_COLOR \
	"dockfix ignore=" "dockfix global ignore="; do
	echo "$man_src" | grep -q -- "$v" && ok || bad "dockfix.1: '$v' is not described"
done
mkdir -p "$tmp/cfg" && printf 'no-such-key: 1\n' >"$tmp/cfg/.dockfix.yaml"
keys=$(cd "$tmp/cfg" && "$bin" . 2>&1 | sed -n "s/.*unknown key '[^']*' (\(.*\)).*/\1/p" | tr -d ,)
[ -n "$keys" ] && ok || bad "dockfix.1: cannot read the configuration keys from dockfix's error message"
for k in $keys; do
	echo "$man_src" | grep -q "^\.B $k$" && ok || bad "dockfix.1: configuration key $k is not described"
done

echo "dist: $pass passed, $fail failed${skipped:+, $skipped skipped}" | sed 's/, 0 skipped$//'
[ "$fail" = 0 ]
