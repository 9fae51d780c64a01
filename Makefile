# The jump-table DLL toolkit: one non-recursive GNU make file.
#   make            build the tools, the run-time loaders and the unit tests
#   make demo       build, then run the article's libxyz through the whole workflow
#   make check      every test: unit (cmocka) and end-to-end, i386 and x86-64
#   make san        the same tests with ASan + UBSan
#   make bench      benchmarks (QUICK=1 for a short run)
#   make install    PREFIX=/usr/local DESTDIR=
.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDARY:
SHELL := /bin/bash

PREFIX ?= /usr/local
DESTDIR ?=
B ?= build
CC := gcc
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -iquote lib -iquote $(B)/gen
LDFLAGS ?=
FLEX := flex
BISON := bison

# Tools: every top-level directory with a main.c.
TOOLS := $(patsubst %/main.c,%,$(wildcard */main.c))
LIB_SRC := $(wildcard lib/*.c)
# Grammars (NAME_scan.l, NAME_parse.y) in lib/ or a tool's directory: generated into
# $(B)/gen and compiled into libjump.a.
GRAMMARS := $(wildcard lib/*_scan.l */*_scan.l lib/*_parse.y */*_parse.y)
GEN_NAMES := $(sort $(notdir $(basename $(GRAMMARS))))
GEN_H := $(GEN_NAMES:%=$(B)/gen/%.h)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o) $(GEN_NAMES:%=$(B)/obj/gen/%.o)
LIBA := $(B)/libjump.a
BINS := $(TOOLS:%=$(B)/bin/%)
ARCHES := i386 x86_64
LOADERS := $(ARCHES:%=$(B)/lib/jump/loader-%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

all: $(BINS) $(LOADERS)

deps:
	@scripts/deps.sh

# ---- library ----
$(B)/gen/%_scan.c $(B)/gen/%_scan.h: lib/%_scan.l
	@mkdir -p $(@D)
	$(FLEX) --header-file=$(B)/gen/$*_scan.h -o $(B)/gen/$*_scan.c $<
$(B)/gen/%_parse.c $(B)/gen/%_parse.h: lib/%_parse.y
	@mkdir -p $(@D)
	$(BISON) -Wall -Werror --defines=$(B)/gen/$*_parse.h -o $(B)/gen/$*_parse.c $<
$(B)/gen/%_scan.c $(B)/gen/%_scan.h: */%_scan.l
	@mkdir -p $(@D)
	$(FLEX) --header-file=$(B)/gen/$*_scan.h -o $(B)/gen/$*_scan.c $<
$(B)/gen/%_parse.c $(B)/gen/%_parse.h: */%_parse.y
	@mkdir -p $(@D)
	$(BISON) -Wall -Werror --defines=$(B)/gen/$*_parse.h -o $(B)/gen/$*_parse.c $<

# Generated scanners and parsers are compiled with the same warnings, less the few that
# flex's and bison's skeletons trip over by design.
GEN_CFLAGS := -Wno-unused-function -Wno-sign-compare -Wno-missing-prototypes
$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(GEN_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/obj/%.o: %.c | $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# ---- tools ----
define tool_rule
$(B)/bin/$(1): $(patsubst %.c,$(B)/obj/%.o,$(wildcard $(1)/*.c)) $(LIBA)
	@mkdir -p $$(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $$@ $$^
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

# ---- run-time loader, one relocatable object per architecture ----
LOADER_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -O2 -fpie -fno-stack-protector \
  -fno-asynchronous-unwind-tables -fno-builtin -ffunction-sections -iquote lib
$(B)/lib/jump/loader-i386.o: runtime/loader.c $(wildcard runtime/*.h) lib/jumpfmt.h
	@mkdir -p $(@D)
	$(CC) -m32 $(LOADER_CFLAGS) -c -o $@ $<
$(B)/lib/jump/loader-x86_64.o: runtime/loader.c $(wildcard runtime/*.h) lib/jumpfmt.h
	@mkdir -p $(@D)
	$(CC) -m64 $(LOADER_CFLAGS) -c -o $@ $<

# ---- tests ----
# A tool's unit test (tests/unit/test_<tool>.c) also links that tool's objects but main.o.
define tool_test_rule
$(B)/tests/test_$(1): $(filter-out $(B)/obj/$(1)/main.o,$(patsubst %.c,$(B)/obj/%.o,$(wildcard $(1)/*.c)))
endef
$(foreach t,$(TOOLS),$(eval $(call tool_test_rule,$(t))))
$(B)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -iquote tests/unit $(LDFLAGS) -o $@ $(filter-out $(LIBA),$^) $(LIBA) -lcmocka

units: $(UNITS)

# A staged install that the end-to-end tests and the demo use, as a user would.
STAGE := $(abspath $(B))/stage
stage: all
	@$(MAKE) --no-print-directory install DESTDIR= PREFIX=$(STAGE) >/dev/null

# JOBS: parallel build jobs and test scenarios (default: the number of cores).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all units
	@$(MAKE) --no-print-directory stage
	@B=$(B) STAGE=$(STAGE) JOBS=$(JOBS) tests/run.sh $(TESTS)

san:
	@$(MAKE) --no-print-directory B=build-san SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -Wno-format-truncation -Wno-format-overflow" LDFLAGS="-fsanitize=address,undefined" check

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory stage
	@STAGE=$(STAGE) examples/libxyz/demo.sh $(B)/demo

bench: deps
	@$(MAKE) --no-print-directory stage
	@STAGE=$(STAGE) QUICK=$(QUICK) bench/run.sh

# ---- install ----
MANS := $(wildcard man/*.1)
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/jump $(DESTDIR)$(PREFIX)/share/jump \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(LOADERS) $(DESTDIR)$(PREFIX)/lib/jump/
	sed 's|@PREFIX@|$(PREFIX)|g' share/Shared.inc > $(DESTDIR)$(PREFIX)/share/jump/Shared.inc.tmp
	mv $(DESTDIR)$(PREFIX)/share/jump/Shared.inc.tmp $(DESTDIR)$(PREFIX)/share/jump/Shared.inc
	chmod 0644 $(DESTDIR)$(PREFIX)/share/jump/Shared.inc
	@# The registry is the user's data (registry add): a reinstall keeps it; the seed that
	@# came with this version sits beside it.
	install -m 0644 share/registry.table $(DESTDIR)$(PREFIX)/share/jump/registry.table.seed
	@if [ -e $(DESTDIR)$(PREFIX)/share/jump/registry.table ]; then \
	  echo "kept $(DESTDIR)$(PREFIX)/share/jump/registry.table (the seed is registry.table.seed)"; \
	else \
	  echo "install -m 0644 share/registry.table $(DESTDIR)$(PREFIX)/share/jump/registry.table"; \
	  install -m 0644 share/registry.table $(DESTDIR)$(PREFIX)/share/jump/registry.table; \
	fi
	install -m 0644 share/jumpspecs $(DESTDIR)$(PREFIX)/bin/jumpspecs
	sed "s|@VERSION@|$$(sed -n 's/^#define JUMP_TOOLKIT_VERSION "\(.*\)"/\1/p' lib/diag.h)|" \
	  scripts/jump-gdb > $(DESTDIR)$(PREFIX)/bin/jump-gdb.tmp
	chmod 0755 $(DESTDIR)$(PREFIX)/bin/jump-gdb.tmp
	mv $(DESTDIR)$(PREFIX)/bin/jump-gdb.tmp $(DESTDIR)$(PREFIX)/bin/jump-gdb
	$(if $(MANS),install -m 0644 $(MANS) $(DESTDIR)$(PREFIX)/share/man/man1/)

clean:
	rm -rf $(B) build-san

.PHONY: all deps units stage check san demo bench install clean
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
