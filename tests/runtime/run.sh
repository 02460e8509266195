#!/bin/bash
# Runtime tests: run real compose stacks before and after dockfix's fixes.
#
#   tests/runtime/run.sh DOCKFIX_BINARY [STACK...]
#
# Every stack under tests/runtime/stacks/ (or the ones named) runs in four
# modes: original; safe (after --write); unsafe (after --write
# --unsafe-fixes); volume (original up, down keeping its volumes, --write,
# up again). Then every `dockfix init` project whose images have stand-ins
# is generated, started and must answer its health check.
# Needs root; skips (exit 0) without it, without ../shared/runtime/upstream
# or without a working Docker. See tests/runtime/README.md.
#
# Environment: DFX_SHARED (the shared folder, default REPO/../shared),
# DFX_RUNTIME_CACHE (default /var/cache/dockfix-runtime), DFX_RUNTIME_JOBS
# (stacks at a time, default 4), DFX_RUNTIME_KEEP=1 (keep the scratch folder),
# DFX_RUNTIME_INIT=0 (leave out the init projects).

set -u

skip() { echo "runtime: skipped: $*"; exit 0; }

[ $# -ge 1 ] || { echo "usage: $0 DOCKFIX_BINARY [STACK...]" >&2; exit 2; }
[ -x "$1" ] || { echo "runtime: $1 is not an executable" >&2; exit 2; }
DOCKFIX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift

RT_HERE=$(cd "$(dirname "$0")" && pwd)
RT_ROOT=$(cd "$RT_HERE/../.." && pwd)
[ "$(id -u)" = 0 ] || skip "needs root (a private Docker daemon, iptables)"
shared=${DFX_SHARED:-$RT_ROOT/../shared}
if [ -d "$shared/runtime/upstream" ]; then RT_UPSTREAM=$(cd "$shared/runtime/upstream" && pwd)
elif [ -d "$shared/postgres" ]; then RT_UPSTREAM=$(cd "$shared" && pwd)
else skip "no upstream entrypoints in $shared/runtime/upstream"
fi
export RT_UPSTREAM RT_HERE

# Debian's docker CLI (with BuildKit) before any other on PATH.
export PATH=/usr/bin:/usr/sbin:/bin:/sbin:$PATH
RT_CACHE=${DFX_RUNTIME_CACHE:-/var/cache/dockfix-runtime}
JOBS=${DFX_RUNTIME_JOBS:-4}
mkdir -p "$RT_CACHE"
RT_TMP=$(mktemp -d /tmp/dockfix-runtime.XXXXXX)
RT_LOGS=$RT_TMP/logs
mkdir -p "$RT_LOGS" "$RT_TMP/res" "$RT_TMP/work"
export RT_TMP RT_CACHE RT_LOGS DOCKFIX

. "$RT_HERE/lib/daemon.sh"
. "$RT_HERE/lib/images.sh"
. "$RT_HERE/lib/stack.sh"
. "$RT_HERE/lib/self.sh"

T0=$(date +%s)
# A process and everything it started (the stacks' subshells on interrupt).
rt_kill_tree() {
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do rt_kill_tree "$c"; done
	kill -TERM "$1" 2>/dev/null
}
pids=
cleanup() {
	trap - EXIT INT TERM HUP
	for p in $pids; do rt_kill_tree "$p"; done
	rt_down_all
	rt_dockerd_stop
	rt_net_restore
	if [ "${DFX_RUNTIME_KEEP:-0}" = 1 ] || [ "${RT_FAILED:-0}" -gt 0 ]; then
		echo "runtime: logs in $RT_LOGS" >&2
	else
		rm -rf "$RT_TMP"
	fi
	[ -n "${RT_LOCKFD:-}" ] && exec 9>&-
}
trap cleanup EXIT
trap 'echo "runtime: interrupted" >&2; exit 130' INT TERM HUP

# One run at a time per cache folder.
exec 9>"$RT_CACHE/lock"; RT_LOCKFD=9
command -v flock >/dev/null 2>&1 && { flock -w 5 9 || { echo "runtime: another run holds $RT_CACHE/lock" >&2; exit 1; }; }

rt_install_packages || skip "cannot install docker.io docker-compose debootstrap (see $RT_TMP/apt.log)"
command -v dockerd >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1 || skip "docker is not installed"
rt_net_save
rt_dockerd_start || skip "cannot start dockerd (see $RT_CACHE/dockerd.log)"

log "runtime: stand-in images"
rt_base_image || { echo "runtime: cannot build local/bookworm"; exit 1; }
rt_build_all || { RT_FAILED=1; echo "runtime: a stand-in image failed to build"; exit 1; }
T_IMAGES=$(( $(date +%s) - T0 ))
log "runtime: images ready after ${T_IMAGES} s"

# Stacks, JOBS at a time; each stack runs its modes one after the other.
if [ $# -gt 0 ]; then stacks="$*"; else stacks=$(cd "$RT_HERE/stacks" && ls); fi
units=
for s in $stacks; do
	[ -d "$RT_HERE/stacks/$s" ] || { echo "runtime: no stack $s" >&2; exit 2; }
	units="$units stack:$s"
done
if [ "${DFX_RUNTIME_INIT:-1}" != 0 ] && [ $# -eq 0 ]; then
	units="$units $(rt_init_units)"
fi
[ $# -eq 0 ] && units="$units self"
pids=
for u in $units; do
	# Only the units' own processes count (dockerd is a child too).
	while :; do
		n=0 live=
		for p in $pids; do kill -0 "$p" 2>/dev/null && { n=$((n + 1)); live="$live $p"; }; done
		pids=$live
		[ "$n" -lt "$JOBS" ] && break
		sleep 1
	done
	case $u in
	stack:*) rt_stack "${u#stack:}" >"$RT_LOGS/${u#stack:}.run.log" 2>&1 & ;;
	init:*) rt_init "${u#init:}" >"$RT_LOGS/init-${u#init:}.run.log" 2>&1 & ;;
	self) rt_self >"$RT_LOGS/self.run.log" 2>&1 & ;;
	esac
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done

pids=
rt_report
RT_FAILED=$RT_NFAIL
log "runtime: total time $(( $(date +%s) - T0 )) s (images ${T_IMAGES} s)"
[ "$RT_NFAIL" -eq 0 ]
