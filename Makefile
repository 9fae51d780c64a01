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
# The compiler: CC from the environment or the command line (CC=clang make), else gcc (make's
# own default, cc, is not necessarily either).
ifeq ($(origin CC),default)
CC := gcc
endif
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
# $(B)/gen; lib/'s are compiled into libjump.a, a tool's into that tool (tool_gen).
GRAMMARS := $(wildcard lib/*_scan.l */*_scan.l lib/*_parse.y */*_parse.y)
GEN_NAMES := $(sort $(notdir $(basename $(GRAMMARS))))
GEN_H := $(GEN_NAMES:%=$(B)/gen/%.h)
LIB_GEN := $(sort $(notdir $(basename $(wildcard lib/*_scan.l lib/*_parse.y))))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o) $(LIB_GEN:%=$(B)/obj/gen/%.o)
# tool_gen TOOL: the objects of the grammars in TOOL's directory
tool_gen = $(patsubst %,$(B)/obj/gen/%.o,$(sort $(notdir $(basename $(wildcard $(1)/*_scan.l $(1)/*_parse.y)))))
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
$(B)/bin/$(1): $(patsubst %.c,$(B)/obj/%.o,$(wildcard $(1)/*.c)) $(call tool_gen,$(1)) $(LIBA)
	@mkdir -p $$(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $$@ $$^
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

# ---- run-time loader, one relocatable object per architecture ----
LOADER_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) -O2 -fpie -fno-stack-protector \
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
$(B)/tests/test_$(1): $(filter-out $(B)/obj/$(1)/main.o,$(patsubst %.c,$(B)/obj/%.o,$(wildcard $(1)/*.c))) $(call tool_gen,$(1))
endef
$(foreach t,$(TOOLS),$(eval $(call tool_test_rule,$(t))))
# The loader's image checks are a header the loader and this test share.
$(B)/tests/test_imgcheck: runtime/imgcheck.h lib/jumpfmt.h
$(B)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -iquote tests/unit $(LDFLAGS) -o $@ $(filter-out $(LIBA) %.h,$^) $(LIBA) -lcmocka

# Fuzz targets (tests/fuzz/fuzz_NAME.c): a replay binary each, built with the tests, that
# make check runs over the seeds and every input that ever crashed the target.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAYS := $(FUZZ_NAMES:%=$(B)/fuzz/replay-%)
$(B)/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBA) runtime/imgcheck.h lib/jumpfmt.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIBA)

units: $(UNITS) $(REPLAYS)

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

# make fuzz: every target under clang's libFuzzer with ASan and UBSan, FUZZ_TIME seconds
# each (default 60), or FUZZ_RUNS executions each; new inputs go to $(B)/fuzz/corpus-NAME, a crash to
# tests/fuzz/crashes/NAME-* (commit it: make check replays it from then on).
FUZZ_TIME ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -std=c11 -D_GNU_SOURCE -iquote lib -iquote $(B)/gen
fuzz: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(GEN_H) $(GEN_NAMES:%=$(B)/gen/%.c)
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz needs clang: apt-get install -y clang"; exit 2; }
	@mkdir -p $(B)/fuzz tests/fuzz/crashes
	@for n in $(FUZZ_NAMES); do \
	  $(FUZZ_CC) $(FUZZ_FLAGS) -o $(B)/fuzz/fuzz-$$n tests/fuzz/fuzz_$$n.c $(LIB_SRC) $(LIB_GEN:%=$(B)/gen/%.c) || exit 2; \
	  mkdir -p $(B)/fuzz/corpus-$$n; \
	  echo "fuzz $$n: $(if $(FUZZ_RUNS),$(FUZZ_RUNS) executions,$(FUZZ_TIME) s)"; \
	  $(B)/fuzz/fuzz-$$n $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_TIME)) -print_final_stats=1 \
	    -artifact_prefix=tests/fuzz/crashes/$$n- $(B)/fuzz/corpus-$$n tests/fuzz/seeds/$$n \
	    2>$(B)/fuzz/$$n.log; rc=$$?; \
	  grep -E '^stat::number_of_executed_units|^stat::peak_rss' $(B)/fuzz/$$n.log | sed "s/^/  $$n /"; \
	  [ $$rc = 0 ] || { tail -n 30 $(B)/fuzz/$$n.log; echo "fuzz $$n: a finding is in tests/fuzz/crashes/"; exit 1; }; \
	done

san:
	@$(MAKE) --no-print-directory B=build-san SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -Wno-format-truncation -Wno-format-overflow" LDFLAGS="-fsanitize=address,undefined" check

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory stage
	@STAGE=$(STAGE) examples/libxyz/demo.sh $(B)/demo

# make golden: rewrite tests/golden/ARCH from what the toolkit makes now (e2e 700), on purpose:
# review the diff and commit it with the change that explains it.
golden: deps
	@$(MAKE) --no-print-directory stage
	@GOLDEN_UPDATE=1 $(MAKE) --no-print-directory check TESTS=e2e/700

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
	rm -rf $(B) build-san build-clang

.PHONY: all deps units stage check san fuzz demo bench golden install clean
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
