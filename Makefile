# dockfix - build, test, demo, benchmark.
#
#   make            build ./dockfix
#   make demo       build and run dockfix on examples/ (findings and the diff)
#   make test       unit tests (cmocka), golden cases, end-to-end and corpus checks
#   make sanitize   everything of `make test` under ASan + UBSan
#   make runtime    start real Docker stacks before and after the fixes (root)
#   make bench      time dockfix over the shared corpus against cat (the goals of README "Performance")
#   make bench-scale   the same over 1x, 2x, 4x and 16x copies of the corpus
#   make deps       install the build dependencies (Debian)
#   make install    the binary, the man page, bash/zsh/fish completions and
#                   the JSON report's schema under $(DESTDIR)$(PREFIX);
#                   `make uninstall` removes them
#   make dist       dockfix-VERSION.tar.gz, the source tree (git archive)
#
# O=DIR puts objects elsewhere (default build/); CC=clang works too.

CC      ?= cc
O       ?= build
PKGS    := libfyaml yaml-0.1 libpcre2-8
DEBPKGS := libfyaml-dev libyaml-dev libpcre2-dev libcmocka-dev pkg-config
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DATADIR     ?= $(PREFIX)/share/dockfix
VERSION := $(shell sed -n 's/^\#define DFX_VERSION "\(.*\)"/\1/p' include/dockfix/core.h)

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 $(WARN) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-Iinclude -I$(O)/gen $(PKG_CFLAGS) -pthread $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -pthread $(EXTRA_LDFLAGS)

# Folders are layers (README "Source layout"): the library is every layer
# but src/cli/; the program is src/cli/ plus the library.
LIB_SRCS  := $(sort $(shell find src -name '*.c' ! -path 'src/cli/*'))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
LIB_GEN   := $(O)/gen/tables.c $(O)/gen/registry.c
CLI_GEN   := $(O)/gen/templates.c
LIB_OBJS  := $(patsubst %.c,$(O)/%.o,$(LIB_SRCS)) $(LIB_GEN:.c=.o)
CLI_OBJS  := $(patsubst %.c,$(O)/%.o,$(filter-out src/cli/main.c,$(CLI_SRCS))) $(CLI_GEN:.c=.o)
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(TEST_SRCS))
RULE_SRCS := $(sort $(wildcard src/rules/*/*.c))
DEPS      := $(shell find $(O) -name '*.d' 2>/dev/null)

# Quiet by default; `make V=1` shows the commands.
V ?= 0
ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-6s %s\n'
endif
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
say = @:
endif

.PHONY: all deps deps-ensure demo test unit golden e2e corpus sanitize bench bench-scale runtime \
	golden-update corpus-report install uninstall dist clean fuzz readme

all: dockfix

dockfix: $(O)/dockfix
	$(Q)cp $< $@

$(O)/dockfix: $(O)/src/cli/main.o $(CLI_OBJS) $(O)/libdockfix.a
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libdockfix.a: $(LIB_OBJS)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# Header dependencies come from -MMD; generated headers exist before any
# object is compiled (order-only), so `make -j` is correct from clean.
$(O)/%.o: %.c | $(O)/gen/tables.h
	$(say) CC $<
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/gen/%.o: $(O)/gen/%.c | $(O)/gen/tables.h
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc/cli -MMD -MP -c -o $@ $<

-include $(DEPS)

# Data tables and templates are compiled into the binary.
$(O)/gen/tables.h: $(O)/gen/tables.c
	@touch $@

$(O)/gen/tables.c: src/model/data/gentables.sh $(wildcard src/model/data/*.tsv src/model/data/*.txt)
	$(say) GEN $@
	@mkdir -p $(O)/gen
	$(Q)sh src/model/data/gentables.sh src/model/data $(O)/gen

$(O)/gen/registry.c: src/rules/genregistry.sh $(RULE_SRCS)
	$(say) GEN $@
	@mkdir -p $(O)/gen
	$(Q)sh src/rules/genregistry.sh src/rules $@

$(O)/gen/templates.c: templates/embed.sh src/model/data/eol.tsv $(shell find templates -type f 2>/dev/null)
	$(say) GEN $@
	@mkdir -p $(O)/gen
	$(Q)sh templates/embed.sh templates $@

# Unit tests link the library, and the commands for the tests that drive one.
$(O)/tests/%: tests/unit/%.c $(CLI_OBJS) $(O)/libdockfix.a
	$(say) CC $<
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -I. $(CMOCKA_CFLAGS) -MMD -MP -o $@ $< $(CLI_OBJS) $(O)/libdockfix.a $(CMOCKA_LIBS) $(LDLIBS)

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

# Every suite prints one summary line ("SUITE: N passed, M failed") and the
# details of what failed only.
test: deps-ensure
	@$(MAKE) --no-print-directory -s all $(TEST_BINS) $(O)/tests/roundtrip
	@$(MAKE) --no-print-directory unit golden e2e corpus

unit: $(TEST_BINS)
	@sh tests/unit/run.sh $(TEST_BINS)

golden: $(O)/dockfix
	@sh tests/golden/run.sh $(O)/dockfix

golden-update: $(O)/dockfix
	@sh tests/golden/run.sh $(O)/dockfix --update
	@sh tests/e2e/init.sh $(O)/dockfix --update

e2e: $(O)/dockfix
	@sh tests/e2e/run.sh $(O)/dockfix
	@sh tests/e2e/display.sh $(O)/dockfix
	@sh tests/e2e/lsp.sh $(O)/dockfix
	@sh tests/e2e/cli.sh $(O)/dockfix
	@sh tests/e2e/jobs.sh $(O)/dockfix
	@DFX_INIT_AUDIT=1 sh tests/e2e/init.sh $(O)/dockfix
	@sh tests/e2e/sarif/validate.sh $(O)/dockfix
	@sh tests/e2e/formats.sh $(O)/dockfix
	@sh tests/e2e/readme_rules.sh $(O)/dockfix
	@sh tests/e2e/man_rules.sh $(O)/dockfix
	@sh tests/e2e/dist.sh $(O)/dockfix
	@sh tests/e2e/faults.sh $(O)/dockfix

corpus: $(O)/tests/roundtrip $(O)/dockfix
	@sh tests/corpus/run.sh $(O)/tests/roundtrip $(O)/dockfix

$(O)/tests/roundtrip: tests/corpus/roundtrip.c $(O)/libdockfix.a
	$(say) CC $<
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(O)/libdockfix.a $(LDLIBS)

# Real stacks under a private Docker daemon (tests/runtime/README.md); skips
# with a message where Docker cannot run.
runtime: deps-ensure
	@$(MAKE) --no-print-directory -s $(O)/dockfix
	@bash tests/runtime/run.sh $(O)/dockfix

readme: $(O)/dockfix
	@sh tests/e2e/readme_rules.sh $(O)/dockfix --update
	@sh tests/e2e/man_rules.sh $(O)/dockfix --update

corpus-report: dockfix
	@sh tests/corpus/report.sh ./dockfix

sanitize: deps-ensure
	@$(MAKE) --no-print-directory O=build-san CC=clang \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		test

bench: deps-ensure
	@$(MAKE) --no-print-directory dockfix
	@sh tests/bench/run.sh ./dockfix
	@sh tests/bench/lsp.sh ./dockfix

bench-scale: deps-ensure
	@$(MAKE) --no-print-directory dockfix
	@sh tests/bench/scale.sh ./dockfix

fuzz: deps-ensure
	@sh tests/fuzz/run.sh

# ------------------------------------------------------------------ install

# The files `make install` puts under $(DESTDIR); `make uninstall` removes
# exactly these (folders stay: other packages share them).
INSTALLED := $(BINDIR)/dockfix $(MANDIR)/man1/dockfix.1 $(BASHCOMPDIR)/dockfix \
	$(ZSHCOMPDIR)/_dockfix $(FISHCOMPDIR)/dockfix.fish $(DATADIR)/dockfix-report.schema.json

install: dockfix
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR) $(DESTDIR)$(DATADIR)
	install -m 0755 dockfix $(DESTDIR)$(BINDIR)/dockfix
	install -m 0644 dockfix.1 $(DESTDIR)$(MANDIR)/man1/dockfix.1
	install -m 0644 completions/dockfix.bash $(DESTDIR)$(BASHCOMPDIR)/dockfix
	install -m 0644 completions/_dockfix $(DESTDIR)$(ZSHCOMPDIR)/_dockfix
	install -m 0644 completions/dockfix.fish $(DESTDIR)$(FISHCOMPDIR)/dockfix.fish
	install -m 0644 src/report/dockfix-report.schema.json $(DESTDIR)$(DATADIR)/dockfix-report.schema.json

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# The source tarball: dockfix-$(VERSION)/ with what `git archive` exports
# (the committed tree), or, outside a git checkout, the source tree less
# build output.
dist:
	@rm -f dockfix-$(VERSION).tar.gz
	$(Q)if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git archive --format=tar.gz --prefix=dockfix-$(VERSION)/ -o dockfix-$(VERSION).tar.gz HEAD; \
	else \
		d=$$(mktemp -d) && mkdir $$d/dockfix-$(VERSION) && \
		tar -cf - --exclude='./build' --exclude='./build-*' --exclude='./dockfix' \
			--exclude='./dockfix-*.tar.gz' --exclude='*.o' . | tar -xf - -C $$d/dockfix-$(VERSION) && \
		tar -czf dockfix-$(VERSION).tar.gz -C $$d dockfix-$(VERSION); rc=$$?; rm -rf $$d; exit $$rc; \
	fi
	$(say) DIST dockfix-$(VERSION).tar.gz

clean:
	rm -rf build build-san build-* dockfix dockfix-*.tar.gz
