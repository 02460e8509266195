#!/bin/sh
# run.sh [SECONDS] - build every libFuzzer target in tests/fuzz/ with clang
# (ASan + UBSan) against the library sources and run each for SECONDS
# (default 60). Not part of `make test`: fuzzing is open-ended.
set -eu
secs=${1:-60}
out=build-fuzz
mkdir -p "$out/gen"
sh src/model/data/gentables.sh src/model/data "$out/gen"
sh src/rules/genregistry.sh src/rules "$out/gen/registry.c"
sh templates/embed.sh templates "$out/gen/templates.c"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iinclude -I$out/gen $(pkg-config --cflags libfyaml yaml-0.1 libpcre2-8)"
libs="$(pkg-config --libs libfyaml yaml-0.1 libpcre2-8) -lpthread"
srcs=$(find src -name '*.c' ! -path 'src/cli/*' | sort)
for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	echo "fuzz: building $name"
	# shellcheck disable=SC2086
	clang $flags -o "$out/$name" "$t" $srcs "$out/gen/tables.c" "$out/gen/registry.c" $libs
	mkdir -p "$out/corpus-$name"
	echo "fuzz: running $name for ${secs}s"
	"$out/$name" -max_total_time="$secs" -max_len=65536 "$out/corpus-$name" >"$out/$name.log" 2>&1 ||
		{ tail -30 "$out/$name.log"; exit 1; }
	tail -1 "$out/$name.log"
done
