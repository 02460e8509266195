# dockfix - build, test, demo, benchmark.
#
#   make            build ./dockfix
#   make demo       build and run dockfix on examples/ (findings and the diff)
#   make test       unit tests (cmocka), golden cases, end-to-end and corpus checks
#   make sanitize   everything of `make test` under ASan + UBSan
#   make bench      time dockfix over the shared corpus (files/s, MB/s, peak memory)
#   make deps       install the build dependencies (Debian)
#
# O=DIR puts objects elsewhere (default build/); CC=clang works too.

CC      ?= cc
O       ?= build
PKGS    := libfyaml yaml-0.1 libpcre2-8
DEBPKGS := libfyaml-dev libyaml-dev libpcre2-dev libcmocka-dev pkg-config
PREFIX  ?= /usr/local
DESTDIR ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 $(WARN) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-Iinclude -I$(O)/gen $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lpthread $(EXTRA_LDFLAGS)

LIB_SRCS  := $(filter-out src/main.c,$(wildcard src/*.c src/rules/*.c))
GEN_SRCS  := $(O)/gen/tables.c $(O)/gen/templates.c $(O)/gen/registry.c
LIB_OBJS  := $(patsubst %.c,$(O)/%.o,$(LIB_SRCS)) $(GEN_SRCS:.c=.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(O)/tests/%,$(TEST_SRCS))
HEADERS   := $(wildcard include/*.h src/rules/*.h)

.PHONY: all deps deps-ensure demo test unit golden e2e corpus sanitize bench \
	golden-update corpus-report install clean fuzz readme

all: dockfix

dockfix: $(O)/dockfix
	cp $< $@

$(O)/dockfix: $(O)/src/main.o $(O)/libdockfix.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libdockfix.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/%.o: %.c $(HEADERS) $(O)/gen/tables.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/gen/%.o: $(O)/gen/%.c $(HEADERS) $(O)/gen/tables.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Data tables and templates are compiled into the binary.
$(O)/gen/tables.h: $(O)/gen/tables.c
	@touch $@

$(O)/gen/tables.c: src/data/gentables.sh $(wildcard src/data/*.tsv src/data/*.txt)
	@mkdir -p $(O)/gen
	sh src/data/gentables.sh src/data $(O)/gen

$(O)/gen/registry.c: src/rules/genregistry.sh $(wildcard src/rules/*.c)
	@mkdir -p $(O)/gen
	sh src/rules/genregistry.sh src/rules $@

$(O)/gen/templates.c: templates/embed.sh src/data/eol.tsv $(shell find templates -type f 2>/dev/null)
	@mkdir -p $(O)/gen
	sh templates/embed.sh templates $@

$(O)/tests/%: tests/%.c $(O)/libdockfix.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(O)/libdockfix.a $(CMOCKA_LIBS) $(LDLIBS)

# ------------------------------------------------------------------ deps

# Installs the Debian packages when run as root; otherwise prints the command.
deps:
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBPKGS); \
	else \
		echo "run as root: apt-get install -y $(DEBPKGS)"; exit 1; \
	fi

deps-ensure:
	@pkg-config --exists $(PKGS) cmocka 2>/dev/null || $(MAKE) --no-print-directory deps

# ------------------------------------------------------------------ demo

demo: deps-ensure
	@$(MAKE) --no-print-directory dockfix
	@sh examples/demo.sh

# ------------------------------------------------------------------ tests

test: deps-ensure
	@$(MAKE) --no-print-directory unit golden e2e corpus

unit: $(TEST_BINS)
	@sh tests/run_unit.sh $(TEST_BINS)

golden: $(O)/dockfix
	@sh tests/run_golden.sh $(O)/dockfix

golden-update: $(O)/dockfix
	@sh tests/run_golden.sh $(O)/dockfix --update
	@sh tests/test_init.sh $(O)/dockfix --update

e2e: $(O)/dockfix
	@sh tests/run_e2e.sh $(O)/dockfix
	@DFX_INIT_AUDIT=1 sh tests/test_init.sh $(O)/dockfix
	@sh tests/sarif/validate.sh $(O)/dockfix
	@sh tests/readme_rules.sh $(O)/dockfix
	@d=$$(mktemp -d) && $(MAKE) --no-print-directory -s install DESTDIR=$$d PREFIX=/usr >/dev/null && \
		$$d/usr/bin/dockfix --version >/dev/null && test -s $$d/usr/share/man/man1/dockfix.1 && \
		echo "install: 1 passed, 0 failed"; rc=$$?; rm -rf $$d; exit $$rc

corpus: $(O)/tests/roundtrip $(O)/dockfix
	@sh tests/run_corpus.sh $(O)/tests/roundtrip $(O)/dockfix

$(O)/tests/roundtrip: tests/roundtrip.c $(O)/libdockfix.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libdockfix.a $(LDLIBS)

readme: $(O)/dockfix
	@sh tests/readme_rules.sh $(O)/dockfix --update

corpus-report: dockfix
	@sh tests/corpus_report.sh ./dockfix

sanitize: deps-ensure
	@$(MAKE) --no-print-directory O=build-san CC=clang \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		test

bench: deps-ensure
	@$(MAKE) --no-print-directory dockfix
	@sh tests/bench.sh ./dockfix

fuzz: deps-ensure
	@sh tests/fuzz/run.sh

install: dockfix
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 dockfix $(DESTDIR)$(PREFIX)/bin/dockfix
	install -m 0644 dockfix.1 $(DESTDIR)$(PREFIX)/share/man/man1/dockfix.1

clean:
	rm -rf build build-san build-* dockfix
