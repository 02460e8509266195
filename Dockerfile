# Dockerfile - dockfix itself as a container image, for `docker run` and for
# pre-commit's `language: docker` hooks (.pre-commit-hooks.yaml), which run
# the entrypoint with the repository mounted at /src.
#
# Build from the repository root:
#
#   docker build -t dockfix .
#   docker run --rm -v "$PWD:/src" dockfix .
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/src" dockfix --write .
#
# Two stages (Docker docs, "Multi-stage builds"): the first compiles with the
# Debian -dev packages that `make deps` lists; the image that runs keeps only
# the three shared libraries the binary links (libfyaml, libyaml, pcre2) and
# runs as a fixed non-root uid (CIS Docker Benchmark 4.1).
#
# The base is a Debian release that is still supported (Debian's security
# support, https://www.debian.org/security/); the package names are the same
# on Debian 12, so `--build-arg DEBIAN_RELEASE=bookworm` builds on a machine
# that only has debian:bookworm-slim.

ARG DEBIAN_RELEASE=trixie

FROM debian:${DEBIAN_RELEASE}-slim AS build
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		gcc libc6-dev make pkg-config \
		libfyaml-dev libyaml-dev libpcre2-dev libcmocka-dev \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY Makefile ./
COPY include/ include/
COPY src/ src/
COPY templates/ templates/
RUN make -j2 dockfix && ./dockfix --version

FROM debian:${DEBIAN_RELEASE}-slim
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		libfyaml0 libyaml-0-2 libpcre2-8-0 \
	&& rm -rf /var/lib/apt/lists/*
COPY --from=build /build/dockfix /usr/local/bin/dockfix
COPY LICENSE /usr/share/doc/dockfix/LICENSE
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["dockfix"]
