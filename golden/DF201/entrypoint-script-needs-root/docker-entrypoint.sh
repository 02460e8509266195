#!/bin/sh
set -e
chown -R www-data /srv/media
echo "$APP_HOST" > /etc/app/host
exec "$@"
