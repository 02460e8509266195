# Helpers for a stack's `check` script (sourced by it). The harness runs
# `check` in the stack's working copy with:
#   DC        the docker-compose command line for this stack and mode
#   PROJECT   the compose project name
#   RT_MODE   original, safe, unsafe or volume
# A check prints what it found and exits 0 when the application works.

set -u

fail() { echo "check: $*" >&2; exit 1; }

# GET (or POST with a body) through the published port; prints the body.
http() { # URL [DATA]
	if [ $# -gt 1 ]; then
		curl -fsS --max-time 10 -X POST --data-binary "$2" "$1"
	else
		curl -fsS --max-time 10 "$1"
	fi
}

# The body must contain TEXT.
http_expect() { # URL TEXT [DATA]
	_u=$1 _t=$2; shift 2
	_b=$(http "$_u" "$@") || fail "no answer from $_u"
	case $_b in *"$_t"*) echo "$_u: ok ($_t)" ;; *) fail "$_u answered '$(printf '%s' "$_b" | head -c 200)', not '$_t'" ;; esac
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
