# Private Docker daemon and host network state for the runtime tests.
# Sourced by run.sh; expects RT_CACHE (cache folder) and RT_TMP (scratch).

RT_DOCKERD_PID=
RT_NET_SAVED=

log() { printf '%s\n' "$*" >&2; }

# Install docker.io, docker-compose and debootstrap when one is missing.
rt_install_packages() {
	missing=
	command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
	[ -x /usr/bin/docker ] || missing="$missing docker.io"
	command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
	command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
	command -v iptables-save >/dev/null 2>&1 || missing="$missing iptables"
	# nft deletes the tables the daemon created (iptables-nft can only empty them)
	command -v nft >/dev/null 2>&1 || missing="$missing nftables"
	command -v curl >/dev/null 2>&1 || missing="$missing curl"
	[ -z "$missing" ] && return 0
	log "runtime: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	timeout 300 apt-get update -qq >"$RT_TMP/apt.log" 2>&1 &&
		timeout 600 apt-get install -y -qq --no-install-recommends $missing >>"$RT_TMP/apt.log" 2>&1
}

# An iptables-save dump without comments and packet counters.
rt_rules() { grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'; }

# The host's network state, to be put back on exit.
rt_net_save() {
	iptables-save >"$RT_TMP/iptables.before" 2>/dev/null || : >"$RT_TMP/iptables.before"
	rt_rules <"$RT_TMP/iptables.before" >"$RT_TMP/iptables.rules"
	ip6tables-save >"$RT_TMP/ip6tables.before" 2>/dev/null || : >"$RT_TMP/ip6tables.before"
	RT_FWD4=$(sysctl -n net.ipv4.ip_forward 2>/dev/null || echo 0)
	RT_FWD6=$(sysctl -n net.ipv6.conf.all.forwarding 2>/dev/null || echo 0)
	if ip link show docker0 >/dev/null 2>&1; then RT_HAD_DOCKER0=1; else RT_HAD_DOCKER0=0; fi
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$RT_TMP/links.before"
	RT_NET_SAVED=1
}

# Put one address family's tables back: a table that existed before is
# restored from the dump, one that did not is emptied and (nf_tables) removed.
rt_tables_restore() { # save-cmd restore-cmd cmd family before-file
	_save=$1 _restore=$2 _cmd=$3 _fam=$4 _before=$5
	for t in $($_save 2>/dev/null | sed -n 's/^\*//p'); do
		if grep -qx "\*$t" "$_before"; then
			sed -n "/^\*$t\$/,/^COMMIT\$/p" "$_before" | $_restore 2>/dev/null ||
				log "runtime: could not restore $_fam table $t"
		else
			$_cmd -t "$t" -F 2>/dev/null; $_cmd -t "$t" -X 2>/dev/null
			for c in INPUT FORWARD OUTPUT PREROUTING POSTROUTING; do
				$_cmd -t "$t" -P "$c" ACCEPT 2>/dev/null
			done
			if $_cmd -V 2>/dev/null | grep -q nf_tables && command -v nft >/dev/null 2>&1; then
				nft delete table "$_fam" "$t" 2>/dev/null
			fi
		fi
	done
}

rt_net_restore() {
	[ -n "$RT_NET_SAVED" ] || return 0
	rt_tables_restore iptables-save iptables-restore iptables ip "$RT_TMP/iptables.before"
	rt_tables_restore ip6tables-save ip6tables-restore ip6tables ip6 "$RT_TMP/ip6tables.before"
	sysctl -qw net.ipv4.ip_forward="$RT_FWD4" >/dev/null 2>&1
	sysctl -qw net.ipv6.conf.all.forwarding="$RT_FWD6" >/dev/null 2>&1
	# Bridges and veths the daemon left behind (it removes its own normally).
	for l in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'); do
		grep -qx "$l" "$RT_TMP/links.before" && continue
		case $l in docker0|br-*|veth*) ip link delete "$l" 2>/dev/null ;; esac
	done
	# the rules, without the dump's timestamps and packet counters
	if ! iptables-save 2>/dev/null | rt_rules | cmp -s - "$RT_TMP/iptables.rules"; then
		log "runtime: warning: iptables rules differ from before the run"
	fi
	RT_NET_SAVED=
}

rt_docker_ok() { timeout 10 docker version >/dev/null 2>&1; }

# Start the private daemon; images stay in RT_CACHE/data across runs.
rt_dockerd_start() {
	mkdir -p "$RT_CACHE/data" "$RT_CACHE/exec"
	export DOCKER_HOST="unix://$RT_CACHE/docker.sock"
	if [ -f "$RT_CACHE/dockerd.pid" ] && kill -0 "$(cat "$RT_CACHE/dockerd.pid")" 2>/dev/null; then
		log "runtime: a daemon from an earlier run is still up (pid $(cat "$RT_CACHE/dockerd.pid")); stopping it"
		rt_dockerd_stop_pid "$(cat "$RT_CACHE/dockerd.pid")"
	fi
	rm -f "$RT_CACHE/docker.sock" "$RT_CACHE/dockerd.pid"
	dockerd --data-root "$RT_CACHE/data" --exec-root "$RT_CACHE/exec" \
		--pidfile "$RT_CACHE/dockerd.pid" -H "$DOCKER_HOST" \
		--storage-driver overlay2 --log-level warn \
		>"$RT_CACHE/dockerd.log" 2>&1 &
	RT_DOCKERD_PID=$!
	i=0
	while [ $i -lt 60 ]; do
		rt_docker_ok && return 0
		kill -0 "$RT_DOCKERD_PID" 2>/dev/null || break
		sleep 0.5; i=$((i + 1))
	done
	log "runtime: dockerd did not come up; last lines of $RT_CACHE/dockerd.log:"
	tail -n 5 "$RT_CACHE/dockerd.log" >&2
	rt_dockerd_stop
	return 1
}

rt_dockerd_stop_pid() {
	_p=$1
	kill -TERM "$_p" 2>/dev/null || return 0
	i=0
	while kill -0 "$_p" 2>/dev/null && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
	if kill -0 "$_p" 2>/dev/null; then
		log "runtime: dockerd $_p did not stop in 30 s; killing it"
		kill -KILL "$_p" 2>/dev/null
		sleep 1
	fi
}

rt_dockerd_stop() {
	[ -n "$RT_DOCKERD_PID" ] || return 0
	# Containers first, bounded, so the daemon has nothing to wait for.
	ids=$(timeout 20 docker ps -q 2>/dev/null)
	[ -n "$ids" ] && timeout 60 docker rm -f $ids >/dev/null 2>&1
	rt_dockerd_stop_pid "$RT_DOCKERD_PID"
	# The containerd the daemon started for itself goes with it, unless
	# the daemon had to be killed.
	cpid=$(cat "$RT_CACHE/exec/containerd/containerd.pid" 2>/dev/null)
	[ -n "$cpid" ] && rt_dockerd_stop_pid "$cpid"
	RT_DOCKERD_PID=
	rm -f "$RT_CACHE/docker.sock"
	# dockerd leaves its namespace mounts (exec/netns/default) behind.
	for m in $(awk -v r="$RT_CACHE/exec/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
}
