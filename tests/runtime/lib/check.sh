# Helpers for a stack's `check` script (sourced by it). The harness runs
# `check` in the stack's working copy with:
#   DC        the docker-compose command line for this stack and mode
#   PROJECT   the compose project name
#   RT_MODE   original, safe, unsafe or volume
# A check prints what it found and exits 0 when the application works.

set -u

fail() { echo "check: $*" >&2; exit 1; }

# http_expect records a failure and goes on, so that one run shows every
# broken part; the script then exits 1.
RT_BAD=
trap '[ -z "$RT_BAD" ] || exit 1' EXIT

# GET (or POST with a body) through the published port; prints the body,
# fails on no answer or a status other than 2xx (printing both).
http() { # URL [DATA]
	_o=$(mktemp)
	if [ $# -gt 1 ]; then
		_c=$(curl -sS --max-time 10 -o "$_o" -w '%{http_code}' -X POST --data-binary "$2" "$1" 2>"$_o.err")
	else
		_c=$(curl -sS --max-time 10 -o "$_o" -w '%{http_code}' "$1" 2>"$_o.err")
	fi
	_r=$?
	_b=$(head -c 300 "$_o"); rm -f "$_o"
	if [ $_r -ne 0 ]; then echo "no answer from $1: $(cat "$_o.err")" >&2; rm -f "$_o.err"; return 1; fi
	rm -f "$_o.err"
	case $_c in 2*) printf '%s\n' "$_b" ;; *) echo "$1 answered HTTP $_c: $_b" >&2; return 1 ;; esac
}

# The body must contain TEXT.
http_expect() { # URL TEXT [DATA]
	_u=$1 _t=$2; shift 2
	if ! _b=$(http "$_u" "$@"); then RT_BAD=1; return 1; fi
	case $_b in
	*"$_t"*) echo "$_u: ok ($_t)" ;;
	*) echo "check: $_u answered '$(printf '%s' "$_b" | head -c 200)', not '$_t'" >&2; RT_BAD=1; return 1 ;;
	esac
}

# Run a command inside a running service (arguments only: compose v1's exec
# never closes standard input).
inside() { # SERVICE CMD...
	_s=$1; shift
	timeout 30 $DC exec -T "$_s" "$@" </dev/null
}

# A service's environment variable as the container sees it.
env_of() { # SERVICE VAR
	inside "$1" printenv "$2" | tr -d '\r'
}

# A one-off client container on the host's network, so that it reaches
# what is published on 127.0.0.1 exactly as a program on the host would.
host_client() { # IMAGE CMD...
	_i=$1; shift
	timeout 40 docker run --rm --network host --entrypoint "" "$_i" "$@" </dev/null
}

# Every port the resolved compose file publishes has the form
# [IP:][HOST:]CONTAINER[/PROTO] (Compose v2 rejects anything else, even
# where docker-compose v1 lets it through).
ports_valid() {
	_bad=$(timeout 30 $DC config 2>/dev/null | /usr/bin/python3 -c '
import ipaddress, re, sys, yaml
d = yaml.safe_load(sys.stdin) or {}
for name, s in (d.get("services") or {}).items():
    for p in s.get("ports") or []:
        if not isinstance(p, str):
            continue
        m = re.fullmatch(r"(?:(\[[0-9a-fA-F:]+\]|[0-9.]+):)?(?:([0-9-]+):)?([0-9-]+)(?:/(tcp|udp|sctp))?", p)
        ok = bool(m)
        if ok and m.group(1):
            try:
                ipaddress.ip_address(m.group(1).strip("[]"))
            except ValueError:
                ok = False
        if not ok:
            print("%s: %s" % (name, p))')
	[ -z "$_bad" ] || { echo "check: invalid published port: $_bad" >&2; RT_BAD=1; return 1; }
	echo "published ports: valid"
}
