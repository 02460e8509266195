#!/bin/sh
# synth.sh KIND N DIR - write one synthetic worst case of size N into DIR
# and print the path of the file to check:
#   services   a compose file with N services (image, a published port)
#   passwords  one service with N plaintext *_PASSWORD environment entries
#   ports      one service publishing N ports
#   envsecrets a Dockerfile with N `ENV *_TOKEN=...` lines
#   bigdf      a Dockerfile of about N KB (RUN lines)
set -eu
kind=$1 n=$2 dir=$3
mkdir -p "$dir"
case $kind in
services)
	f=$dir/compose.yaml
	awk -v n="$n" 'BEGIN { print "services:";
		for (i = 0; i < n; i++) printf "  s%d:\n    image: nginx:1.25\n    ports:\n      - \"%d:80\"\n", i, 10000 + i % 50000 }' >"$f" ;;
passwords)
	f=$dir/compose.yaml
	awk -v n="$n" 'BEGIN { print "services:\n  app:\n    image: postgres:16\n    environment:";
		for (i = 0; i < n; i++) printf "      P%d_PASSWORD: \"Zq%07dxYw3v\"\n", i, i }' >"$f" ;;
ports)
	f=$dir/compose.yaml
	awk -v n="$n" 'BEGIN { print "services:\n  app:\n    image: nginx:1.25\n    ports:";
		for (i = 0; i < n; i++) printf "      - \"%d:%d\"\n", 1024 + i % 60000, 1024 + i % 60000 }' >"$f" ;;
envsecrets)
	f=$dir/Dockerfile
	awk -v n="$n" 'BEGIN { print "FROM debian:12";
		for (i = 0; i < n; i++) printf "ENV T%d_TOKEN=sk_live_%012dabcdefXYZ\n", i, i;
		print "USER 1000" }' >"$f" ;;
bigdf)
	f=$dir/Dockerfile
	awk -v n="$n" 'BEGIN { print "FROM debian:12";
		for (i = 0; i < n * 1024 / 64; i++) printf "RUN echo step %08d > /tmp/step-%08d.txt && true\n", i, i;
		print "USER 1000" }' >"$f" ;;
*)
	echo "synth.sh: unknown kind $kind" >&2
	exit 2 ;;
esac
echo "$f"
