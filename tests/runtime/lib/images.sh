# Stand-in images: built from a Debian root filesystem and Debian packages
# (with the host's network, so that they need no NAT for the mirror),
# tagged with the upstream names, rebuilt only when their recipe changes.

# The Debian mirror the host's apt uses (first deb.debian.org-like URI).
rt_mirror() {
	m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | grep -i debian | head -n1)
	[ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | grep -v security | grep -i debian | head -n1)
	echo "${m:-http://deb.debian.org/debian}"
}

rt_sources() { # the apt sources the images use
	m=$(rt_mirror)
	s=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -i 'debian-security' | head -n1)
	[ -n "$s" ] || s=$(echo "$m" | sed 's,/debian/*$,/debian-security,')
	printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' "$m" "$m" "$s"
}

rt_label() { timeout 20 docker image inspect -f '{{index .Config.Labels "dockfix.runtime.hash"}}' "$1" 2>/dev/null; }

rt_base_image() {
	want=$( (rt_sources; echo base-3) | sha256sum | cut -c1-16)
	[ "$(rt_label local/bookworm)" = "$want" ] && return 0
	log "runtime: building local/bookworm with debootstrap from $(rt_mirror)"
	r="$RT_CACHE/rootfs"
	rm -rf "$r"
	if ! timeout 900 debootstrap --variant=minbase bookworm "$r" "$(rt_mirror)" >"$RT_TMP/debootstrap.log" 2>&1; then
		tail -n 5 "$RT_TMP/debootstrap.log" >&2
		return 1
	fi
	rt_sources >"$r/etc/apt/sources.list"
	rm -f "$r"/var/cache/apt/archives/*.deb
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Retries "3";\n' >"$r/etc/apt/apt.conf.d/90norecommends"
	# Package scripts must not start services at build time.
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"; chmod 755 "$r/usr/sbin/policy-rc.d"
	rm -rf "$r"/var/lib/apt/lists/*
	tar -C "$r" -c . | timeout 300 docker import -c "LABEL dockfix.runtime.hash=$want" -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' - local/bookworm >/dev/null || return 1
	rm -rf "$r"
}

# The hash of an image recipe: its folder, the upstream files it takes, the base.
rt_recipe_hash() { # dir
	local c f dep
	{
		(cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum)
		c=$(sed -n 's/^context //p' "$1/tags")
		[ -n "$c" ] && (cd "$RT_HERE/images/$c" && find . -type f ! -name tags | LC_ALL=C sort | xargs sha256sum)
		for f in $(sed -n 's/^upstream //p' "$1/tags" 2>/dev/null); do sha256sum "$RT_UPSTREAM/$f"; done
		echo mode-755
		rt_label local/bookworm
		for dep in $(sed -n 's/^after //p' "$1/tags"); do
			rt_label "$(sed -n 's/^tag //p' "$RT_HERE/images/$dep/tags" | head -n1)"
		done
	} | sha256sum | cut -c1-16
}

# Build images/NAME when one of its tags is missing or was built from another recipe.
# images/NAME/tags: "tag IMAGE:TAG" lines, "upstream DIR/FILE" lines (copied
# from the shared upstream folder into the build context as DIR/FILE),
# "after NAME" (another recipe that must be built first), "context NAME"
# (build another recipe's folder instead) and "arg K=V" (a --build-arg).
rt_build_image() { # name
	local d h tags need ctx c targs a t f dep s
	d="$RT_HERE/images/$1"
	for dep in $(sed -n 's/^after //p' "$d/tags"); do rt_build_image "$dep" || return 1; done
	h=$(rt_recipe_hash "$d")
	tags=$(sed -n 's/^tag //p' "$d/tags")
	need=
	for t in $tags; do [ "$(rt_label "$t")" = "$h" ] || need=1; done
	[ -z "$need" ] && return 0
	ctx="$RT_TMP/ctx-$1"
	rm -rf "$ctx"; mkdir -p "$ctx"
	c=$(sed -n 's/^context //p' "$d/tags")
	cp -R "$RT_HERE/images/${c:-$1}/." "$ctx/"
	for f in $(sed -n 's/^upstream //p' "$d/tags"); do
		mkdir -p "$ctx/upstream/$(dirname "$f")"
		cp "$RT_UPSTREAM/$f" "$ctx/upstream/$f" || return 1
		# Executable as in the upstream repositories (the copy may have lost it).
		chmod 755 "$ctx/upstream/$f"
	done
	targs=
	for a in $(sed -n 's/^arg //p' "$d/tags"); do targs="$targs --build-arg $a"; done
	for t in $tags; do targs="$targs -t $t"; done
	log "runtime: building stand-in $1 ($(echo $tags))"
	s=$(date +%s)
	if ! DOCKER_BUILDKIT=0 timeout 900 docker build -q --force-rm --network host --label "dockfix.runtime.hash=$h" $targs "$ctx" >"$RT_TMP/build-$1.log" 2>&1; then
		log "runtime: building $1 failed:"; tail -n 15 "$RT_TMP/build-$1.log" >&2
		return 1
	fi
	log "runtime:   $1 built in $(( $(date +%s) - s )) s"
}

# Every recipe: the independent ones two at a time, then those that build
# on another (after/context), one by one.
rt_build_all() {
	first= later=
	for d in "$RT_HERE"/images/*/; do
		n=$(basename "$d")
		if grep -qE '^(after|context) ' "$d/tags"; then later="$later $n"; else first="$first $n"; fi
	done
	set -- $first
	while [ $# -gt 0 ]; do
		rt_build_image "$1" & p1=$!
		p2=
		[ $# -gt 1 ] && { rt_build_image "$2" & p2=$!; }
		wait "$p1" || return 1
		[ -z "$p2" ] || wait "$p2" || return 1
		shift; [ $# -gt 0 ] && shift
	done
	for n in $later; do rt_build_image "$n" || return 1; done
}
