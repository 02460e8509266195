#!/bin/sh
set -e
# a stale pid file keeps the server from starting
rm -f tmp/pids/server.pid
bundle exec rails db:prepare
exec "$@"
