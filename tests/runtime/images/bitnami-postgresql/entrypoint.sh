#!/bin/bash
# Every POSTGRESQL_X may come from the file POSTGRESQL_X_FILE names, read by
# the uid the container runs as; an unreadable file leaves X unset.
set -eo pipefail
info() { echo "postgresql $(date +%T.%2N) INFO  ==> $*"; }
err() { echo "postgresql $(date +%T.%2N) ERROR ==> $*" >&2; }
for v in POSTGRESQL_USERNAME POSTGRESQL_PASSWORD POSTGRESQL_DATABASE POSTGRESQL_POSTGRES_PASSWORD; do
	f="${v}_FILE"
	if [ -n "${!f:-}" ]; then
		if [ -r "${!f}" ]; then
			export "$v=$(<"${!f}")"
		else
			echo "postgresql $(date +%T.%2N) WARN  ==> Skipping export of '$v'. '${!f}' is not readable." >&2
		fi
	fi
done
: "${POSTGRESQL_USERNAME:=postgres}" "${POSTGRESQL_DATABASE:=postgres}"
# The uid has no passwd entry: give initdb and the server one, as bitnami does.
if ! getent passwd "$(id -u)" >/dev/null; then
	export NSS_WRAPPER_PASSWD=/tmp/passwd NSS_WRAPPER_GROUP=/tmp/group LD_PRELOAD=libnss_wrapper.so
	echo "postgres:x:$(id -u):$(id -g):PostgreSQL:/bitnami/postgresql:/bin/false" >"$NSS_WRAPPER_PASSWD"
	echo "postgres:x:$(id -g):" >"$NSS_WRAPPER_GROUP"
fi
if [ -z "${POSTGRESQL_PASSWORD:-}" ] && [ "${ALLOW_EMPTY_PASSWORD:-no}" != yes ]; then
	err "The POSTGRESQL_PASSWORD environment variable is empty or not set. Set the environment variable ALLOW_EMPTY_PASSWORD=yes to allow the container to be started with blank passwords. This is recommended only for development."
	exit 1
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	info "Initializing PostgreSQL database in $PGDATA as uid $(id -u)"
	mkdir -p "$PGDATA"; chmod 0700 "$PGDATA"
	pw=$(mktemp); printf '%s\n' "${POSTGRESQL_POSTGRES_PASSWORD:-$POSTGRESQL_PASSWORD}" >"$pw"
	initdb -U postgres --pwfile="$pw" --auth-host=scram-sha-256 --auth-local=trust -D "$PGDATA" >/dev/null
	rm -f "$pw"
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories=/tmp" start >/dev/null
	q() { psql -v ON_ERROR_STOP=1 -h /tmp -U postgres -d postgres -qAt "$@"; }
	if [ "$POSTGRESQL_USERNAME" != postgres ]; then
		q -c "CREATE USER \"$POSTGRESQL_USERNAME\" PASSWORD '${POSTGRESQL_PASSWORD//\'/\'\'}'"
	else
		q -c "ALTER USER postgres PASSWORD '${POSTGRESQL_PASSWORD//\'/\'\'}'"
	fi
	[ "$POSTGRESQL_DATABASE" = postgres ] || q -c "CREATE DATABASE \"$POSTGRESQL_DATABASE\" OWNER \"$POSTGRESQL_USERNAME\""
	pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
else
	info "Deploying PostgreSQL with persisted data"
fi
info "Starting PostgreSQL"
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp
