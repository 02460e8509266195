#!/bin/sh
# Runs as root: give the data folder to app, then become app.
set -e
if [ "$(id -u)" = 0 ]; then
	chown -R app:app /data
	exec setpriv --reuid=app --regid=app --init-groups "$@"
fi
echo "entrypoint: expected to start as root, running as uid $(id -u)" >&2
exec "$@"
