# dockfix's own image (the repository's Dockerfile), built and run under the
# private daemon like the stand-ins: the build installs its Debian packages
# through the host's network (as every stand-in build does), the container
# runs with no network at all. PASS when the image builds on the
# debian:bookworm-slim stand-in, runs `dockfix --version` as its non-root
# user, and audits the repository's Dockerfile clean.
rt_self() {
	local repo img=dockfix-self:runtime log=$RT_LOGS/self.log out rc
	repo=$(cd "$RT_HERE/../.." && pwd)
	: >"$log"
	if ! DOCKER_BUILDKIT=0 timeout 1200 docker build -q --force-rm --network host \
		--build-arg DEBIAN_RELEASE=bookworm -t "$img" "$repo" >>"$log" 2>&1; then
		rt_result self:dockfix-image original FAIL "docker build failed: $(tail -n 3 "$log" | tr '\n' ' ')"
		return
	fi
	out=$(timeout 60 docker run --rm --network none "$img" --version 2>&1)
	case $out in
	"dockfix "*) ;;
	*) rt_result self:dockfix-image original FAIL "--version printed: $out"; return ;;
	esac
	if [ "$(timeout 60 docker run --rm --network none --entrypoint id "$img" -u)" != 65532 ]; then
		rt_result self:dockfix-image original FAIL "the image does not run as uid 65532"
		return
	fi
	timeout 60 docker run --rm --network none -v "$repo/Dockerfile:/src/Dockerfile:ro" \
		-v "$repo/.dockerignore:/src/.dockerignore:ro" "$img" Dockerfile >>"$log" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		rt_result self:dockfix-image original FAIL "the image's audit of its own Dockerfile exited $rc"
		return
	fi
	rt_result self:dockfix-image original PASS "built, runs as 65532, audits its Dockerfile clean"
}
